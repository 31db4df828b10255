// SPDX-License-Identifier: GPL-2.0-or-later
/* Reading rd.earlybind from a kernel command line, as the kernel splits it. */
#include "../check.h"
#include "../../src/shared/cmdline.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEY "rd.earlybind"

static enum cmdline_switch sw(const char *cmdline)
{
	struct cmdline_value v;

	return cmdline_get_switch(cmdline, strlen(cmdline), KEY, &v);
}

/* The value of the last @key in @cmdline, or "(absent)". */
static const char *value(const char *cmdline, const char *key)
{
	static char buf[256];
	struct cmdline_value v;

	if (!cmdline_find(cmdline, strlen(cmdline), key, &v))
		return "(absent)";
	if (!v.has_value)
		return "(bare)";
	snprintf(buf, sizeof(buf), "%.*s", (int)v.len, v.s);
	return buf;
}

static void test_rd_earlybind_0_disables(void)
{
	CHECK_INT(sw("BOOT_IMAGE=/vmlinuz root=/dev/sda1 rd.earlybind=0 quiet"), CMDLINE_OFF);
}

static void test_absent_key_is_absent(void)
{
	CHECK_INT(sw("root=/dev/sda1 quiet"), CMDLINE_ABSENT);
	CHECK_INT(sw(""), CMDLINE_ABSENT);
	CHECK_INT(sw("   \n"), CMDLINE_ABSENT);
}

static void test_switch_words_in_either_case(void)
{
	static const char *const off[] = { "0", "no", "off", "false", "OFF", "No", "False" };
	static const char *const on[] = { "1", "yes", "on", "true", "ON", "Yes", "TRUE" };
	char line[64];

	for (size_t i = 0; i < sizeof(off) / sizeof(*off); i++) {
		snprintf(line, sizeof(line), "quiet rd.earlybind=%s ro", off[i]);
		CHECK_INT(sw(line), CMDLINE_OFF);
	}
	for (size_t i = 0; i < sizeof(on) / sizeof(*on); i++) {
		snprintf(line, sizeof(line), "quiet rd.earlybind=%s ro", on[i]);
		CHECK_INT(sw(line), CMDLINE_ON);
	}
}

/* The rescue switch fails safe: the caller takes these as off. */
static void test_value_not_understood_is_unknown(void)
{
	static const char *const odd[] = {
		"rd.earlybind", "rd.earlybind=", "rd.earlybind=00", "rd.earlybind=2",
		"rd.earlybind=offf", "rd.earlybind=n", "rd.earlybind=y", "rd.earlybind=-1",
		"rd.earlybind=0x0", "rd.earlybind=\"\"", "rd.earlybind==0", "rd.earlybind=0=0",
		"rd.earlybind=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		"rd.earlybind=\"0 quiet\"", "rd.earlybind=\x1b[0m",
	};

	for (size_t i = 0; i < sizeof(odd) / sizeof(*odd); i++) {
		if (sw(odd[i]) != CMDLINE_UNKNOWN)
			fprintf(stderr, "  not unknown: %s\n", odd[i]);
		CHECK_INT(sw(odd[i]), CMDLINE_UNKNOWN);
	}
	CHECK_STR(value("rd.earlybind", KEY), "(bare)");
	CHECK_STR(value("rd.earlybind=", KEY), "");
}

static void test_last_occurrence_wins(void)
{
	CHECK_INT(sw("rd.earlybind=0 rd.earlybind=1"), CMDLINE_ON);
	CHECK_INT(sw("rd.earlybind=1 rd.earlybind=0"), CMDLINE_OFF);
	CHECK_INT(sw("rd.earlybind=0 rd.earlybind=junk"), CMDLINE_UNKNOWN);
}

/* An earlier over-long value of the same key hid the 0 after it. */
static void test_overlong_earlier_value_does_not_hide_the_last(void)
{
	char line[20000];

	CHECK_INT(sw("rd.earlybind=xxxxxxxxxxxxxxxx rd.earlybind=0"), CMDLINE_OFF);
	memset(line, 'x', sizeof(line));
	memcpy(line, "rd.earlybind=", 13);
	snprintf(line + sizeof(line) - 20, 20, " rd.earlybind=0");
	CHECK_INT(sw(line), CMDLINE_OFF);
}

static void test_key_must_match_whole_token(void)
{
	CHECK_INT(sw("rd.earlybind.x=0 xrd.earlybind=0 rd.earlybindx=0 rd_earlybind=0"),
		  CMDLINE_ABSENT);
}

static void test_quotes_group_as_in_the_kernel(void)
{
	CHECK_STR(value("a=1 opt=\"x y z\" b=2", "opt"), "x y z");
	CHECK_STR(value("a=1 opt=\"x y z\" b=2", "b"), "2");
	/* A quoted "rd.earlybind=0" inside another value is not the key. */
	CHECK_INT(sw("x=\"rd.earlybind=0\""), CMDLINE_ABSENT);
	CHECK_INT(sw("dyndbg=\"file x.c rd.earlybind=0 +p\" ro"), CMDLINE_ABSENT);
	/* The quotes around a value, or around the whole token, are dropped. */
	CHECK_INT(sw("rd.earlybind=\"0\""), CMDLINE_OFF);
	CHECK_INT(sw("\"rd.earlybind=0\""), CMDLINE_OFF);
	CHECK_INT(sw("\"rd.earlybind=0\" rd.earlybind=\"off\""), CMDLINE_OFF);
	CHECK_STR(value("k=a\"b c\"d", "k"), "a\"b c\"d");
	CHECK_STR(value("\"k=v w\"", "k"), "v w");
	CHECK_STR(value("k=\"", "k"), "");
	/* The first '=' splits, even a quoted one, as next_arg() does. */
	CHECK_STR(value("k\"=\"v", "k\""), "v");
}

/* The kernel hides what follows an open quote; dracut's getarg does not. */
static void test_key_inside_a_quote_never_closed_is_unclosed(void)
{
	CHECK_INT(sw("root=/dev/sda1 dyndbg=\"file x.c +p rd.earlybind=0"), CMDLINE_UNCLOSED);
	CHECK_INT(sw("rd.earlybind=\"0"), CMDLINE_UNCLOSED);
	CHECK_INT(sw("root=/dev/sda1 dyndbg=\"file x.c +p"), CMDLINE_ABSENT);
}

static void test_kernel_white_space_separates(void)
{
	CHECK_INT(sw("quiet\trd.earlybind=0\n"), CMDLINE_OFF);
	CHECK_INT(sw("quiet\vrd.earlybind=0\fro"), CMDLINE_OFF);
	CHECK_INT(sw("quiet\rrd.earlybind=0\r\n"), CMDLINE_OFF);
	/* lib/ctype.c: 0xa0, Latin-1's no-break space, is white space too. */
	CHECK_INT(sw("quiet\xa0rd.earlybind=0\xa0ro"), CMDLINE_OFF);
}

static void test_nul_ends_a_token_and_an_open_quote(void)
{
	static const char a[] = "quiet\0rd.earlybind=0";
	static const char b[] = "x=\"open\0rd.earlybind=0";
	static const char c[] = "rd.earlybind=0\0" "1";
	struct cmdline_value v;

	CHECK_INT(cmdline_get_switch(a, sizeof(a) - 1, KEY, &v), CMDLINE_OFF);
	CHECK_INT(cmdline_get_switch(b, sizeof(b) - 1, KEY, &v), CMDLINE_OFF);
	CHECK_INT(cmdline_get_switch(c, sizeof(c) - 1, KEY, &v), CMDLINE_OFF);
}

/* The tokens cmdline_next() finds in @len bytes of @text, joined by '|'; '+' marks an open one. */
static const char *tokens(const char *text, size_t len)
{
	static char buf[256];
	struct cmdline_token t;
	size_t pos = 0, at = 0;

	buf[0] = '\0';
	while (cmdline_next(text, len, &pos, &t) && at + t.len + 3 < sizeof(buf))
		at += (size_t)snprintf(buf + at, sizeof(buf) - at, "%s%.*s%s", at ? "|" : "",
				       (int)t.len, text + t.start, t.open ? "+" : "");
	return buf;
}

/* The one splitter, for rd.earlybind and for every command line kargs/ edits. */
static void test_splitter_follows_next_arg(void)
{
	static const char nul[] = "a \"b\0c\" d";

	CHECK_STR(tokens("  a  b\tc\n", 9), "a|b|c");
	CHECK_STR(tokens("x=\"1 2\" \"y=3 4\" z", 17), "x=\"1 2\"|\"y=3 4\"|z");
	CHECK_STR(tokens("a\xa0" "b\v" "c\f" "d\r" "e", 9), "a|b|c|d|e");
	CHECK_STR(tokens("k=\"open end", 11), "k=\"open end+");
	CHECK_STR(tokens("a=\"\"b c", 7), "a=\"\"b|c");
	/* A NUL ends the token and its quote; nothing after it is lost. */
	CHECK_STR(tokens(nul, sizeof(nul) - 1), "a|\"b+|c\" d+");
	CHECK_STR(tokens("", 0), "");
	CHECK_STR(tokens(" \0 ", 3), "");
}

/* A temporary file holding @len bytes of @text; its path in @path. */
static int temp_file(char path[64], const char *text, size_t len)
{
	int fd;

	snprintf(path, 64, "/tmp/earlybind-cmdline-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	if (write(fd, text, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static void test_whole_file_is_read_whatever_its_length(void)
{
	static const size_t sizes[] = { 10, 4090, 4096, 4097, 8192, 65536, 70000, 1 << 20 };

	for (size_t k = 0; k < sizeof(sizes) / sizeof(*sizes); k++) {
		size_t n = sizes[k] + 16;
		char *text = malloc(n), *got = NULL, path[64];
		size_t len = 0;

		CHECK(text != NULL);
		if (!text)
			return;
		memset(text, 'x', sizes[k]);
		memcpy(text + sizes[k], " rd.earlybind=0\n", 16);
		CHECK_INT(temp_file(path, text, n), 0);
		CHECK_INT(cmdline_read_file(path, &got, &len), 0);
		CHECK_INT(len, n);
		if (got) {
			CHECK(memcmp(got, text, n) == 0);
			CHECK_INT(got[len], '\0');
			CHECK_INT(cmdline_get_switch(got, len, KEY, &(struct cmdline_value){ 0 }),
				  CMDLINE_OFF);
		}
		free(got);
		free(text);
		unlink(path);
	}
}

static void test_reader_stops_at_its_limit(void)
{
	char path[64], *got = NULL;
	size_t len = 0;
	int fd;

	CHECK_INT(temp_file(path, "", 0), 0);
	fd = open(path, O_WRONLY);
	CHECK(fd >= 0 && ftruncate(fd, CMDLINE_MAX) == 0);
	close(fd);
	CHECK_INT(cmdline_read_file(path, &got, &len), 0);
	CHECK_INT(len, CMDLINE_MAX);
	free(got);
	got = NULL;
	fd = open(path, O_WRONLY);
	CHECK(fd >= 0 && ftruncate(fd, CMDLINE_MAX + 1) == 0);
	close(fd);
	CHECK_INT(cmdline_read_file(path, &got, &len), -EFBIG);
	CHECK(got == NULL);
	unlink(path);
	CHECK_INT(cmdline_read_file(path, &got, &len), -ENOENT);
}

int main(void)
{
	RUN(test_rd_earlybind_0_disables);
	RUN(test_absent_key_is_absent);
	RUN(test_switch_words_in_either_case);
	RUN(test_value_not_understood_is_unknown);
	RUN(test_last_occurrence_wins);
	RUN(test_overlong_earlier_value_does_not_hide_the_last);
	RUN(test_key_must_match_whole_token);
	RUN(test_quotes_group_as_in_the_kernel);
	RUN(test_key_inside_a_quote_never_closed_is_unclosed);
	RUN(test_kernel_white_space_separates);
	RUN(test_nul_ends_a_token_and_an_open_quote);
	RUN(test_splitter_follows_next_arg);
	RUN(test_whole_file_is_read_whatever_its_length);
	RUN(test_reader_stops_at_its_limit);
	return CHECK_EXIT();
}
