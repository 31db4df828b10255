/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A unified diff of two texts, as diff -u prints it (three lines of
 * context), for showing a change before it is made.
 */
#ifndef EARLYBIND_UDIFF_H
#define EARLYBIND_UDIFF_H

#include <stdio.h>

/*
 * Writes the diff from @a to @b to @out, under "--- @label_a" and
 * "+++ @label_b".  1 when they differ, 0 when they do not (nothing is
 * written), -ENOMEM, or -E2BIG for texts too long to compare here.
 */
int udiff(FILE *out, const char *a, const char *b, const char *label_a, const char *label_b);

#endif
