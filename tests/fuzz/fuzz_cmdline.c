// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the /proc/cmdline reader, at any length.  The first
 * two bytes say how many times the rest is repeated (so that a small input
 * makes a command line of up to 96 KiB, past 4096 and 64 KiB), then comes
 * " rd.earlybind=0" or "=1".  Besides the sanitizers' findings it checks
 * what the reader promises: every byte is read back, and the switch at the
 * end is never missed (a quote left open is closed before it, since the
 * kernel would read the switch as part of the open token).
 */
#include "../../src/shared/cmdline.h"
#include "../../src/shared/readfile.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MAX_LEN (96u << 10)

/* Is a quote open at the end of @len bytes of @s?  A NUL closes it. */
static bool quote_open(const char *s, size_t len)
{
	bool open = false;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\0')
			open = false;
		else if (s[i] == '"')
			open = !open;
	}
	return open;
}

static void check(const char *text, size_t len, bool want_off)
{
	struct cmdline_value v;
	char *got = NULL;
	size_t got_len = 0;
	enum cmdline_switch r;
	int fd = memfd_create("cmdline", MFD_CLOEXEC);

	if (fd < 0)
		return;
	if (write(fd, text, len) != (ssize_t)len || lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return;
	}
	if (file_read_fd(fd, CMDLINE_MAX, &got, &got_len) < 0 || got_len != len ||
	    memcmp(got, text, len) != 0 || got[len] != '\0')
		abort();
	close(fd);
	r = cmdline_get_switch(got, got_len, "rd.earlybind", &v);
	if (r != CMDLINE_UNCLOSED && r != (want_off ? CMDLINE_OFF : CMDLINE_ON))
		abort();
	if (r != CMDLINE_UNCLOSED && (v.s < got || v.s + v.len > got + got_len))
		abort();
	free(got);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static const char tail[] = " rd.earlybind=0";
	size_t reps, len = 0, body;
	char *text;

	if (size < 3)
		return 0;
	body = size - 2;
	reps = 1 + ((size_t)data[0] << 8 | data[1]);
	if (reps * body > MAX_LEN)
		reps = MAX_LEN / body ? MAX_LEN / body : 1;
	text = malloc(reps * body + sizeof(tail) + 1);
	if (!text)
		return 0;
	for (size_t i = 0; i < reps; i++, len += body)
		memcpy(text + len, data + 2, body);
	if (quote_open(text, len))
		text[len++] = '"';
	memcpy(text + len, tail, sizeof(tail) - 1);
	len += sizeof(tail) - 1;
	check(text, len, true);
	text[len - 1] = '1';
	check(text, len, false);
	free(text);
	return 0;
}
