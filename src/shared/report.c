// SPDX-License-Identifier: GPL-2.0-or-later
#include "report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

void vreport(const struct reporter *r, enum report_level level, const char *fmt, va_list ap)
{
	int saved = errno;
	char *msg, buf[1024];
	va_list again;

	if (!r || !r->fn)
		return;
	va_copy(again, ap);
	if (vasprintf(&msg, fmt, ap) >= 0) {
		r->fn(r->userdata, level, msg);
		free(msg);
	} else {
		/* No memory for all of it: as much as a buffer on the stack holds. */
		errno = saved;
		vsnprintf(buf, sizeof(buf), fmt, again);
		r->fn(r->userdata, level, buf);
	}
	va_end(again);
	errno = saved;
}

void report(const struct reporter *r, enum report_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(r, level, fmt, ap);
	va_end(ap);
}
