// SPDX-License-Identifier: GPL-2.0-or-later
#include "kmsg.h"
#include "rootpath.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#define PREFIX "earlybind: "

void kmsg_open(struct kmsg *k, const char *root, bool write_kmsg, FILE *echo)
{
	char path[4096], mode[32];
	struct stat st;

	memset(k, 0, sizeof(*k));
	k->fd = -1;
	k->echo = echo;
	k->budget = KMSG_RATELIMIT_BURST;
	if (!write_kmsg)
		return;
	if (root_path(path, sizeof(path), root, "/dev/kmsg") < 0) {
		k->open_error = -ENAMETOOLONG;
		return;
	}
	/*
	 * O_NONBLOCK: a FIFO there must not make the boot wait for a reader
	 * (the kernel's /dev/kmsg never blocks a writer).  Only the kernel's
	 * character device, or a fake root's plain file, is written to.
	 */
	k->fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (k->fd < 0) {
		k->open_error = -errno;
		return;
	}
	if (fstat(k->fd, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISCHR(st.st_mode))) {
		close(k->fd);
		k->fd = -1;
		k->open_error = -EINVAL;
		return;
	}
	/* A fake root's kmsg is a plain file: append, as the kernel's log does. */
	if (S_ISREG(st.st_mode))
		lseek(k->fd, 0, SEEK_END);
	if (root_read_line(root, "/proc/sys/kernel/printk_devkmsg", mode, sizeof(mode)) > 0 &&
	    strcmp(mode, "on") == 0)
		k->budget = UINT_MAX;
}

void kmsg_close(struct kmsg *k)
{
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
}

static void kmsg_vlog(struct kmsg *k, int level, bool summary, const char *fmt, va_list ap)
{
	char line[1024];
	int n, len;
	/* The kernel's rate limit would drop it: counted for the summary instead. */
	bool held = k->fd >= 0 && k->budget != UINT_MAX && k->budget <= (summary ? 0u : 1u);

	/*
	 * A held line no one else reads is not even made: at thousands of
	 * functions, formatting them would be most of what earlybind does.
	 */
	if (held && !k->echo) {
		k->held++;
		return;
	}
	/* One write() is one kernel log record, so build the whole line first. */
	n = snprintf(line, sizeof(line), "<%d>" PREFIX, level & LOG_PRIMASK);
	len = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	if (len < 0)
		return;
	len += n;
	if ((size_t)len > sizeof(line) - 2)
		len = (int)sizeof(line) - 2;
	line[len++] = '\n';
	line[len] = '\0';

	if (k->echo) {
		/* Without the "<N>" level prefix, which only the kernel reads. */
		fputs(strchr(line, '>') + 1, k->echo);
		fflush(k->echo);
	}
	if (k->fd < 0) {
		if (!k->echo && k->open_error)
			fputs(strchr(line, '>') + 1, stderr);
		return;
	}
	if (held) {
		k->held++;
		return;
	}
	if (k->budget != UINT_MAX)
		k->budget--;
	while (write(k->fd, line, (size_t)len) < 0 && errno == EINTR)
		;
}

void kmsg_log(struct kmsg *k, int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kmsg_vlog(k, level, false, fmt, ap);
	va_end(ap);
}

void kmsg_summary(struct kmsg *k, int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kmsg_vlog(k, level, true, fmt, ap);
	va_end(ap);
}
