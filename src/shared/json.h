/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A streaming JSON writer for earlybindctl's --json output: objects and
 * arrays nest, commas and string escapes are its business, not the caller's.
 * What it writes is UTF-8 whatever the strings hold: a byte that is not
 * UTF-8 becomes U+FFFD, a control character a \u escape.
 */
#ifndef EARLYBIND_JSON_H
#define EARLYBIND_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *out;
	unsigned depth;
	bool first[JSON_MAX_DEPTH]; /* nothing written yet at this level */
	bool after_key;             /* a key was written; its value comes next */
	bool overflow;              /* nested deeper than JSON_MAX_DEPTH */
};

void json_init(struct json *j, FILE *out);
void json_object_begin(struct json *j);
void json_object_end(struct json *j);
void json_array_begin(struct json *j);
void json_array_end(struct json *j);
/* The key of the next value, inside an object. */
void json_key(struct json *j, const char *key);
void json_string(struct json *j, const char *s);
void json_int(struct json *j, int64_t v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
/* Shorthands for a key and its value. */
void json_kv_string(struct json *j, const char *key, const char *s);
void json_kv_int(struct json *j, const char *key, int64_t v);
void json_kv_bool(struct json *j, const char *key, bool v);
/* @key and @s, or null when @s is NULL or "" (no driver, no name). */
void json_kv_string_or_null(struct json *j, const char *key, const char *s);
/* Ends the document with a newline; -EINVAL if it was not well nested. */
int json_finish(struct json *j);

#endif
