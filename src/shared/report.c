// SPDX-License-Identifier: GPL-2.0-or-later
#include "report.h"

#include <stdarg.h>
#include <stdio.h>

void report(const struct reporter *r, enum report_level level, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	if (!r || !r->fn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->fn(r->userdata, level, msg);
}
