// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <inttypes.h>

#include "json.h"
#include "utf8.h"

void json_init(struct json *j, FILE *out)
{
	*j = (struct json){ .out = out };
	j->first[0] = true;
}

/* The separator before a value or key at the current level. */
static void separate(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (!j->first[j->depth])
		fputc(',', j->out);
	j->first[j->depth] = false;
}

static void open_level(struct json *j, char c)
{
	separate(j);
	fputc(c, j->out);
	if (j->depth + 1 >= JSON_MAX_DEPTH) {
		j->overflow = true;
		return;
	}
	j->depth++;
	j->first[j->depth] = true;
}

static void close_level(struct json *j, char c)
{
	fputc(c, j->out);
	if (j->depth == 0) {
		j->overflow = true;
		return;
	}
	j->depth--;
}

void json_object_begin(struct json *j)
{
	open_level(j, '{');
}

void json_object_end(struct json *j)
{
	close_level(j, '}');
}

void json_array_begin(struct json *j)
{
	open_level(j, '[');
}

void json_array_end(struct json *j)
{
	close_level(j, ']');
}

/*
 * JSON text is UTF-8 (RFC 8259): a byte of @s that begins no well-formed
 * character (a disk label or a driver name from outside may hold any)
 * becomes U+FFFD, since JSON has no escape for a byte.  Control
 * characters, C1 ones too, are \u escapes; other characters are as they are.
 */
static void put_string(FILE *out, const char *s)
{
	fputc('"', out);
	while (*s) {
		uint32_t cp;
		size_t len = utf8_char(s, &cp);

		if (!len) {
			fputs("\xef\xbf\xbd", out); /* U+FFFD REPLACEMENT CHARACTER */
			s++;
			continue;
		}
		switch (cp) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		default:
			if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
				fprintf(out, "\\u%04x", (unsigned)cp);
			else
				fwrite(s, 1, len, out);
		}
		s += len;
	}
	fputc('"', out);
}

void json_key(struct json *j, const char *key)
{
	separate(j);
	put_string(j->out, key);
	fputc(':', j->out);
	j->after_key = true;
}

void json_string(struct json *j, const char *s)
{
	separate(j);
	put_string(j->out, s);
}

void json_int(struct json *j, int64_t v)
{
	separate(j);
	fprintf(j->out, "%" PRId64, v);
}

void json_bool(struct json *j, bool v)
{
	separate(j);
	fputs(v ? "true" : "false", j->out);
}

void json_null(struct json *j)
{
	separate(j);
	fputs("null", j->out);
}

void json_kv_string(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_string(j, s);
}

void json_kv_int(struct json *j, const char *key, int64_t v)
{
	json_key(j, key);
	json_int(j, v);
}

void json_kv_bool(struct json *j, const char *key, bool v)
{
	json_key(j, key);
	json_bool(j, v);
}

void json_kv_string_or_null(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	if (s && s[0])
		json_string(j, s);
	else
		json_null(j);
}

int json_finish(struct json *j)
{
	fputc('\n', j->out);
	return j->depth == 0 && !j->overflow && !j->after_key ? 0 : -EINVAL;
}
