/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fnmatch(3) with flags 0, one byte per character: what libkmod asks of
 * fnmatch when it matches module aliases, without the wide-character
 * tables that musl's fnmatch brings into the static boot binary.
 */
#ifndef EARLYBIND_FNMATCH_BYTES_H
#define EARLYBIND_FNMATCH_BYTES_H

/* 0 when @string matches @pattern, FNM_NOMATCH (1) when it does not. */
int fnmatch_bytes(const char *pattern, const char *string);

#endif
