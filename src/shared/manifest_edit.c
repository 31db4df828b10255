// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "manifest_edit.h"
#include "readfile.h"
#include "rootpath.h"
#include "strv.h"

/* What a new manifest starts with. */
static const char *const new_header[] = {
	"# /etc/earlybind.conf: PCI functions that earlybind hands to a driver at boot,",
	"# before the host's drivers can take them.  See earlybind.conf(5).",
	"# Edited by earlybindctl, which keeps comments and the order of lines.",
	"#",
	"# driver   device         id            options",
};

static int push_line(struct manifest_doc *d, const char *s, size_t len)
{
	return strv_append(&d->lines, &d->n, &d->alloc, s, len);
}

/* ".NAME.lock" for the manifest NAME. */
static int lock_name(char *buf, size_t size, const char *name)
{
	int n = snprintf(buf, size, ".%s.lock", name);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* 0, or -EBADMSG with *nul_line set when a line holds a NUL byte. */
static int read_lines(struct manifest_doc *d, int fd, unsigned *nul_line)
{
	struct stat st;
	char *buf;
	size_t len;
	int r;

	r = file_read_fd(fd, MANIFEST_MAX_SIZE, &buf, &len);
	if (r < 0)
		return r;
	/* A regular file, as file_read_fd() made sure: the new one keeps its mode. */
	if (fstat(fd, &st) == 0)
		d->mode = st.st_mode & 07777;
	for (size_t start = 0; r == 0 && start < len;) {
		const char *nl = memchr(buf + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - buf) : len;

		if (memchr(buf + start, '\0', end - start)) {
			*nul_line = (unsigned)d->n + 1;
			r = -EBADMSG;
			break;
		}
		r = push_line(d, buf + start, end - start);
		start = end + 1;
	}
	free(buf);
	return r;
}

int manifest_doc_open(struct manifest_doc *d, const char *root, const char *path)
{
	char lock[PATH_MAX];
	struct stat st;
	unsigned nul_line = 0;
	int fd, r;

	*d = (struct manifest_doc){ .mode = 0644, .lock_fd = -1, .dir_fd = -1 };
	r = root_open_parent(root, path, ROOT_FOLLOW, &d->dir_fd, d->name);
	if (r < 0)
		goto fail;
	r = lock_name(lock, sizeof(lock), d->name);
	if (r < 0)
		goto fail;
	/* O_NONBLOCK, O_NOCTTY: neither a FIFO nor a terminal there is waited on. */
	d->lock_fd = openat(d->dir_fd, lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW |
			    O_NONBLOCK | O_NOCTTY, 0600);
	if (d->lock_fd < 0) {
		r = -errno;
		goto fail;
	}
	if (fstat(d->lock_fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		r = -ENOLCK;
		goto fail;
	}
	while (flock(d->lock_fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			r = -errno;
			goto fail;
		}
	}
	fd = openat(d->dir_fd, d->name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK |
		    O_NOFOLLOW);
	if (fd < 0) {
		r = errno == ENOENT ? 0 : -errno;
		if (r < 0)
			goto fail;
		for (size_t i = 0; i < sizeof(new_header) / sizeof(*new_header) && r == 0; i++)
			r = push_line(d, new_header[i], strlen(new_header[i]));
		if (r < 0)
			goto fail;
		return 0;
	}
	d->exists = true;
	r = read_lines(d, fd, &nul_line);
	close(fd);
	if (r < 0)
		goto fail;
	return 0;
fail:
	manifest_doc_close(d);
	d->nul_line = nul_line;
	return r;
}

void manifest_doc_close(struct manifest_doc *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->lines[i]);
	free(d->lines);
	if (d->lock_fd >= 0)
		close(d->lock_fd); /* releases the flock */
	if (d->dir_fd >= 0)
		close(d->dir_fd);
	*d = (struct manifest_doc){ .lock_fd = -1, .dir_fd = -1 };
}

/* The document as one buffer, a newline after each line. */
static char *doc_text(const struct manifest_doc *d, size_t *len)
{
	size_t total = 0, at = 0;
	char *buf;

	for (size_t i = 0; i < d->n; i++)
		total += strlen(d->lines[i]) + 1;
	buf = malloc(total + 1);
	if (!buf)
		return NULL;
	for (size_t i = 0; i < d->n; i++) {
		size_t l = strlen(d->lines[i]);

		memcpy(buf + at, d->lines[i], l);
		at += l;
		buf[at++] = '\n';
	}
	buf[at] = '\0';
	*len = at;
	return buf;
}

int manifest_doc_parse(const struct manifest_doc *d, struct manifest *m,
		       manifest_error_fn err, void *userdata)
{
	size_t len;
	char *text = doc_text(d, &len);
	int r;

	if (!text)
		return -ENOMEM;
	r = manifest_parse_buffer(m, text, len, err, userdata);
	free(text);
	return r;
}

int manifest_doc_append_entry(struct manifest_doc *d, const struct manifest_entry *e,
			      const char *comment)
{
	char line[MANIFEST_LINE_MAX];
	int r = manifest_format_line(line, sizeof(line), e, comment);

	return r < 0 ? r : push_line(d, line, strlen(line));
}

int manifest_doc_remove_line(struct manifest_doc *d, unsigned line)
{
	if (line == 0 || line > d->n)
		return -ERANGE;
	free(d->lines[line - 1]);
	memmove(&d->lines[line - 1], &d->lines[line], (d->n - line) * sizeof(*d->lines));
	d->n--;
	return 0;
}

static bool id_equal(const struct pci_id *a, const struct pci_id *b)
{
	return a->vendor == b->vendor && a->device == b->device &&
	       a->has_subsys == b->has_subsys &&
	       (!a->has_subsys || (a->subvendor == b->subvendor && a->subdevice == b->subdevice));
}

/* Do @a and @b say the same (their line numbers aside)? */
static bool entry_same(const struct manifest_entry *a, const struct manifest_entry *b)
{
	return strcmp(a->driver, b->driver) == 0 && a->any_addr == b->any_addr &&
	       (a->any_addr || pci_addr_equal(&a->addr, &b->addr)) && a->any_id == b->any_id &&
	       (a->any_id || id_equal(&a->id, &b->id)) && a->options == b->options;
}

/* The one entry that @line is, as the parser reads it; 0 or -EINVAL. */
static int read_back(const char *line, struct manifest_entry *out)
{
	struct manifest m = { 0 };
	int bad = manifest_parse_buffer(&m, line, strlen(line), NULL, NULL);
	int r = bad < 0 ? bad : bad > 0 || m.n_entries != 1 ? -EINVAL : 0;

	if (r == 0)
		*out = m.entries[0];
	manifest_free(&m);
	return r;
}

int manifest_doc_set_driver(struct manifest_doc *d, unsigned line, const char *driver)
{
	struct manifest_entry was, now;
	const char *s, *start, *end;
	size_t dl = strlen(driver), pad;
	char *n;
	int r;

	if (line == 0 || line > d->n)
		return -ERANGE;
	if (!manifest_driver_valid(driver, dl))
		return -EINVAL;
	s = d->lines[line - 1];
	r = read_back(s, &was);
	if (r < 0)
		return r;
	/* The driver column, found the way the parser finds it. */
	for (start = s; manifest_is_blank(*start); start++)
		;
	for (end = start; *end && *end != '#' && !manifest_is_blank(*end); end++)
		;
	/* Keep the next column where it was when the new name is shorter. */
	pad = 0;
	if (manifest_is_blank(*end) && (size_t)(end - start) > dl)
		pad = (size_t)(end - start) - dl;
	n = malloc(strlen(s) + dl + pad + 1);
	if (!n)
		return -ENOMEM;
	sprintf(n, "%.*s%s%*s%s", (int)(start - s), s, driver, (int)pad, "", end);
	/* Nothing but the driver may change: the line must read back so. */
	snprintf(was.driver, sizeof(was.driver), "%s", driver);
	r = read_back(n, &now);
	if (r == 0 && !entry_same(&was, &now))
		r = -EINVAL;
	if (r < 0) {
		free(n);
		return r;
	}
	free(d->lines[line - 1]);
	d->lines[line - 1] = n;
	return 0;
}

int manifest_doc_save(struct manifest_doc *d)
{
	size_t len;
	char *text = doc_text(d, &len);
	int r;

	if (!text)
		return -ENOMEM;
	r = atomic_file_write_at(d->dir_fd, d->name, text, len, d->mode, (uid_t)-1, (gid_t)-1);
	free(text);
	if (r == 0)
		d->exists = true;
	return r;
}

int manifest_format_line(char *buf, size_t size, const struct manifest_entry *e,
			 const char *comment)
{
	char a[PCI_ADDR_STRLEN] = "*", i[24] = "*";
	struct manifest_entry back;
	size_t dl = strnlen(e->driver, sizeof(e->driver));
	int n;

	if (dl == sizeof(e->driver) || !manifest_driver_valid(e->driver, dl))
		return -EINVAL;
	if (!e->any_addr)
		pci_addr_format(&e->addr, a);
	if (!e->any_id && e->id.has_subsys)
		snprintf(i, sizeof(i), "%04x:%04x:%04x:%04x", e->id.vendor, e->id.device,
			 e->id.subvendor, e->id.subdevice);
	else if (!e->any_id)
		snprintf(i, sizeof(i), "%04x:%04x", e->id.vendor, e->id.device);
	n = snprintf(buf, size, "%-10s %-14s %-13s %-8s", e->driver, a, i,
		     e->options & MANIFEST_OPT_OPTIONAL ? "optional" : "");
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	if (comment && *comment) {
		size_t at = (size_t)n;

		n += snprintf(buf + n, size - (size_t)n, "  # %s", comment);
		if ((size_t)n >= size)
			return -ENAMETOOLONG;
		/* A newline would end the comment and start a line of its own. */
		for (; buf[at]; at++)
			if ((unsigned char)buf[at] < 0x20 || buf[at] == 0x7f)
				buf[at] = ' ';
	} else {
		while (n > 0 && buf[n - 1] == ' ')
			buf[--n] = '\0';
	}
	if (read_back(buf, &back) < 0 || !entry_same(e, &back))
		return -EINVAL;
	return 0;
}
