// SPDX-License-Identifier: GPL-2.0-or-later
/* Reading rd.earlybind from a kernel command line. */
#include "../check.h"
#include "../../src/cmdline.h"

#include <errno.h>

static void test_rd_earlybind_0_disables(void)
{
	CHECK(!cmdline_get_bool("BOOT_IMAGE=/vmlinuz root=/dev/sda1 rd.earlybind=0 quiet",
				"rd.earlybind", true));
}

static void test_absent_key_gives_the_default(void)
{
	CHECK(cmdline_get_bool("root=/dev/sda1 quiet", "rd.earlybind", true));
	CHECK(cmdline_get_bool("", "rd.earlybind", true));
}

static void test_dracut_false_words_are_false_and_others_true(void)
{
	CHECK(!cmdline_get_bool("rd.earlybind=no", "rd.earlybind", true));
	CHECK(!cmdline_get_bool("rd.earlybind=off", "rd.earlybind", true));
	CHECK(!cmdline_get_bool("rd.earlybind=false", "rd.earlybind", true));
	CHECK(cmdline_get_bool("rd.earlybind=1", "rd.earlybind", false));
	CHECK(cmdline_get_bool("rd.earlybind", "rd.earlybind", false));
}

static void test_last_occurrence_wins(void)
{
	CHECK(cmdline_get_bool("rd.earlybind=0 rd.earlybind=1", "rd.earlybind", false));
	CHECK(!cmdline_get_bool("rd.earlybind=1 rd.earlybind=0", "rd.earlybind", true));
}

static void test_key_must_match_whole_token(void)
{
	CHECK(cmdline_get_bool("rd.earlybind.x=0 xrd.earlybind=0", "rd.earlybind", true));
}

static void test_quoted_values_keep_spaces(void)
{
	char v[64];

	CHECK_INT(cmdline_get("a=1 opt=\"x y z\" b=2", "opt", v, sizeof(v)), 1);
	CHECK_STR(v, "x y z");
	CHECK_INT(cmdline_get("a=1 opt=\"x y z\" b=2", "b", v, sizeof(v)), 1);
	CHECK_STR(v, "2");
	/* A quoted "rd.earlybind=0" inside another value is not the key. */
	CHECK(cmdline_get_bool("x=\"rd.earlybind=0\"", "rd.earlybind", true));
}

static void test_value_too_long_for_buffer_is_reported(void)
{
	char v[4];

	CHECK_INT(cmdline_get("k=123456", "k", v, sizeof(v)), -ENAMETOOLONG);
	CHECK_INT(cmdline_get("k=123", "k", v, sizeof(v)), 1);
	CHECK_STR(v, "123");
}

static void test_newline_at_end_of_proc_cmdline_is_whitespace(void)
{
	char v[8];

	CHECK_INT(cmdline_get("quiet rd.earlybind=0\n", "rd.earlybind", v, sizeof(v)), 1);
	CHECK_STR(v, "0");
}

int main(void)
{
	RUN(test_rd_earlybind_0_disables);
	RUN(test_absent_key_gives_the_default);
	RUN(test_dracut_false_words_are_false_and_others_true);
	RUN(test_last_occurrence_wins);
	RUN(test_key_must_match_whole_token);
	RUN(test_quoted_values_keep_spaces);
	RUN(test_value_too_long_for_buffer_is_reported);
	RUN(test_newline_at_end_of_proc_cmdline_is_whitespace);
	return CHECK_EXIT();
}
