// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fnmatch_bytes() against the fnmatch() it replaces in the static boot
 * binary.  Built with musl-gcc, so fnmatch() here is musl's own: the named
 * cases say what libkmod's alias patterns need, and the random cases hold
 * the two to the same answer on patterns made of every special byte.
 */
#include "../check.h"
#include "../../src/boot/fnmatch_bytes.h"

#include <fnmatch.h>
#include <stdint.h>

/* Both say the same; the answer is @want (0 match, 1 no match). */
#define CHECK_BOTH(pat, str, want) do { \
	CHECK_INT(fnmatch_bytes(pat, str), want); \
	CHECK_INT(fnmatch(pat, str, 0) == 0 ? 0 : 1, want); \
} while (0)

static void test_modalias_patterns_match_as_libkmod_needs(void)
{
	const char *pci = "pci:v00008086d000010D3sv*sd*bc*sc*i*";

	CHECK_BOTH(pci, "pci:v00008086d000010D3sv00008086sd0000A01Fbc02sc00i00", 0);
	CHECK_BOTH(pci, "pci:v00008086d000010D4sv00008086sd0000A01Fbc02sc00i00", 1);
	CHECK_BOTH("usb:v1D6Bp0003d0[1-5]*dc*", "usb:v1D6Bp0003d0312dc09", 0);
	CHECK_BOTH("usb:v1D6Bp0003d0[1-5]*dc*", "usb:v1D6Bp0003d0612dc09", 1);
	CHECK_BOTH("vfio_pci", "vfio_pci", 0);
	CHECK_BOTH("vfio_pci", "vfio-pci", 1);
}

static void test_brackets_follow_musl(void)
{
	CHECK_BOTH("[!a]", "b", 0);
	CHECK_BOTH("[^a]", "a", 1);
	CHECK_BOTH("[]a]", "]", 0);
	CHECK_BOTH("[a-]", "-", 0);
	CHECK_BOTH("[z-a]", "m", 1);
	CHECK_BOTH("[[:digit:]]x", "7x", 0);
	CHECK_BOTH("[[:bogus:]]", "a", 1);
	CHECK_BOTH("[ab", "[ab", 0);  /* no ']': the '[' is literal */
	CHECK_BOTH("[\\]]", "\\]", 0); /* '\' is not special inside [] */
}

static void test_escapes_and_stars(void)
{
	CHECK_BOTH("\\*", "*", 0);
	CHECK_BOTH("\\*", "a", 1);
	CHECK_BOTH("a\\", "a\\", 0);
	CHECK_BOTH("*", "", 0);
	CHECK_BOTH("a*b*c", "aXbYbZc", 0);
	CHECK_BOTH("a*b*c", "aXbYbZ", 1);
	CHECK_BOTH("?", "", 1);
}

/* xorshift64: the same cases on every run. */
static uint64_t rnd_state = 0x9e3779b97f4a7c15ull;

static unsigned rnd(unsigned n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return (unsigned)(rnd_state % n);
}

static void random_text(char *buf, size_t max, const char *alphabet)
{
	size_t n = rnd((unsigned)max), k = strlen(alphabet);

	for (size_t i = 0; i < n; i++)
		buf[i] = alphabet[rnd((unsigned)k)];
	buf[n] = '\0';
}

static void test_random_patterns_agree_with_musl(void)
{
	static const char pat_bytes[] = "ab-]![^*?\\:.=x\xe9";
	static const char str_bytes[] = "ab-]![^*?\\:x\xe9";
	int reported = 0;

	for (long i = 0; i < 400000 && reported < 5; i++) {
		char pat[14], str[10];
		int want, got;

		random_text(pat, sizeof(pat), pat_bytes);
		random_text(str, sizeof(str), str_bytes);
		want = fnmatch(pat, str, 0) == 0 ? 0 : 1;
		got = fnmatch_bytes(pat, str);
		if (got != want) {
			fprintf(stderr, "  pattern '%s' string '%s': fnmatch %d, fnmatch_bytes %d\n",
				pat, str, want, got);
			check_state.failed_checks++;
			reported++;
		}
	}
}

int main(void)
{
	RUN(test_modalias_patterns_match_as_libkmod_needs);
	RUN(test_brackets_follow_musl);
	RUN(test_escapes_and_stars);
	RUN(test_random_patterns_agree_with_musl);
	return CHECK_EXIT();
}
