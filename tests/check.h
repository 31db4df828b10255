/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A minimal test harness: each test is a function; each failed CHECK prints
 * why, and each test prints "PASS: name" or "FAIL: name", the lines that
 * tests/run counts.  Tests are named for the behaviour they check.
 */
#ifndef EARLYBIND_CHECK_H
#define EARLYBIND_CHECK_H

#include <stdio.h>
#include <string.h>

struct check_state {
	int failed_checks;
	int passed, failed;
};

static struct check_state check_state;

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "  %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
		check_state.failed_checks++; \
	} \
} while (0)

#define CHECK_STR(got, want) do { \
	const char *g_ = (got), *w_ = (want); \
	if (!g_ || strcmp(g_, w_) != 0) { \
		fprintf(stderr, "  %s:%d: %s is \"%s\", expected \"%s\"\n", \
			__FILE__, __LINE__, #got, g_ ? g_ : "(null)", w_); \
		check_state.failed_checks++; \
	} \
} while (0)

#define CHECK_INT(got, want) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	if (g_ != w_) { \
		fprintf(stderr, "  %s:%d: %s is %lld, expected %lld\n", \
			__FILE__, __LINE__, #got, g_, w_); \
		check_state.failed_checks++; \
	} \
} while (0)

#define RUN(test) do { \
	check_state.failed_checks = 0; \
	test(); \
	if (check_state.failed_checks) { \
		printf("FAIL: %s\n", #test); \
		check_state.failed++; \
	} else { \
		printf("PASS: %s\n", #test); \
		check_state.passed++; \
	} \
	fflush(stdout); \
} while (0)

#define CHECK_EXIT() (check_state.failed ? 1 : 0)

#endif
