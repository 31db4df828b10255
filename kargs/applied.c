// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "applied.h"
#include "atomicfile.h"
#include "rootpath.h"

/*
 * A value that may hold any byte but NUL on one line: a newline as \n and a
 * backslash as \\ (a created-from command line may hold a newline inside
 * a quoted value).
 */
static void put_escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			fputs("\\n", f);
		else if (*s == '\\')
			fputs("\\\\", f);
		else
			fputc(*s, f);
	}
}

static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (*s == '\\' && (s[1] == 'n' || s[1] == '\\'))
			*o++ = *++s == 'n' ? '\n' : '\\';
		else
			*o++ = *s;
	}
	*o = '\0';
}

static struct applied_entry *find_entry(const struct applied *a, const char *id)
{
	for (size_t i = 0; i < a->n_entries; i++)
		if (strcmp(a->entries[i].id, id) == 0)
			return &a->entries[i];
	return NULL;
}

int applied_entry_add(struct applied *a, const char *id, const char *tok)
{
	struct applied_entry *e = find_entry(a, id);

	if (!e) {
		struct applied_entry *n = realloc(a->entries, (a->n_entries + 1) * sizeof(*n));

		if (!n)
			return -ENOMEM;
		a->entries = n;
		e = &a->entries[a->n_entries];
		*e = (struct applied_entry){ .id = strdup(id) };
		if (!e->id)
			return -ENOMEM;
		a->n_entries++;
	}
	return kargs_has(&e->kargs, tok) ? 0 : kargs_push(&e->kargs, tok);
}

bool applied_entry_has(const struct applied *a, const char *id, const char *tok)
{
	const struct applied_entry *e = find_entry(a, id);

	return e && kargs_has(&e->kargs, tok);
}

void applied_entry_del(struct applied *a, const char *id, const char *tok)
{
	struct applied_entry *e = find_entry(a, id);

	if (e)
		kargs_remove(&e->kargs, tok);
}

/* Is "yes" the value of a flag line? */
static bool yes(const char *v)
{
	return strcmp(v, "yes") == 0;
}

/* One "KEY VALUE" line of the record into @a.  0 or -ENOMEM; unknown keys are skipped. */
static int load_line(struct applied *a, const char *key, char *v, bool *per_entry)
{
	char *id;

	if (strcmp(key, "backend") == 0)
		snprintf(a->backend, sizeof(a->backend), "%s", v);
	else if (strcmp(key, "karg") == 0)
		return kargs_push(&a->kargs, v);
	else if (strcmp(key, "unfinished") == 0)
		a->unfinished = yes(v);
	else if (strcmp(key, "initramfs-enabled") == 0)
		a->initramfs_enabled = yes(v);
	else if (strcmp(key, "initramfs-args-added") == 0)
		a->initramfs_args_added = yes(v);
	else if (strcmp(key, "manifest") == 0)
		snprintf(a->manifest_sum, sizeof(a->manifest_sum), "%s", v);
	else if (strcmp(key, "initramfs-kver") == 0)
		snprintf(a->initramfs_kver, sizeof(a->initramfs_kver), "%s", v);
	else if (strcmp(key, "created-dir") == 0)
		a->created_dir = yes(v);
	else if (strcmp(key, "per-entry") == 0)
		*per_entry = yes(v);
	else if (strcmp(key, "wrote") == 0) {
		unescape(v);
		return kargs_push(&a->wrote, v);
	} else if (strcmp(key, "all-karg") == 0) {
		return kargs_push(&a->all, v);
	} else if (strcmp(key, "entry-karg") == 0 && (id = strchr(v, ' '))) {
		*id++ = '\0';
		unescape(id);
		return applied_entry_add(a, id, v);
	} else if (strcmp(key, "created") == 0) {
		free(a->created_from);
		unescape(v);
		a->created_from = strdup(v);
		return a->created_from ? 0 : -ENOMEM;
	}
	return 0;
}

int applied_load(const char *root, struct applied *a)
{
	char *line = NULL;
	size_t size = 0;
	bool per_entry = false;
	FILE *f;
	int r = 0, fd;

	*a = (struct applied){ 0 };
	r = root_open(root, APPLIED_PATH, O_RDONLY, &fd);
	if (r < 0)
		return r == -ENOENT ? 0 : r;
	f = fdopen(fd, "re");
	if (!f) {
		r = -errno;
		close(fd);
		return r;
	}
	/* getline: a "created" line holds a whole command line, of any length. */
	while (r == 0 && getline(&line, &size, f) >= 0) {
		char *v;

		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || !(v = strchr(line, ' ')))
			continue;
		*v++ = '\0';
		r = load_line(a, line, v, &per_entry);
	}
	if (r == 0 && ferror(f))
		r = -EIO;
	/*
	 * A grubby record from before entries were kept apart (no "per-entry"
	 * line): every argument went in with --update-kernel=ALL then.
	 */
	if (r == 0 && strcmp(a->backend, "grubby") == 0 && !per_entry)
		for (size_t i = 0; r == 0 && i < a->kargs.n; i++)
			r = kargs_push(&a->all, a->kargs.v[i]);
	free(line);
	fclose(f);
	if (r < 0)
		applied_free(a);
	return r;
}

void applied_free(struct applied *a)
{
	kargs_free(&a->kargs);
	free(a->created_from);
	kargs_free(&a->all);
	kargs_free(&a->wrote);
	for (size_t i = 0; i < a->n_entries; i++) {
		free(a->entries[i].id);
		kargs_free(&a->entries[i].kargs);
	}
	free(a->entries);
	*a = (struct applied){ 0 };
}

static bool record_empty(const struct applied *a)
{
	return !a->kargs.n && !a->unfinished && !a->initramfs_enabled &&
	       !a->initramfs_args_added && !a->manifest_sum[0] && !a->created_from &&
	       !a->created_dir && !a->wrote.n;
}

/* "KEY VALUE\n", the value escaped (put_escaped). */
static void put_line(FILE *f, const char *key, const char *value)
{
	fprintf(f, "%s ", key);
	put_escaped(f, value);
	fputc('\n', f);
}

/* The record's text, in the order applied_load() reads it. */
static void format_record(FILE *f, const struct applied *a)
{
	fprintf(f, "# Written by earlybindctl apply: what it changed, so that it changes\n"
		   "# only that.  earlybindctl apply --undo reverts it.  Do not edit.\n");
	/* A record is only saved once a back end is chosen; never write "backend ". */
	if (a->backend[0])
		fprintf(f, "backend %s\n", a->backend);
	/* grubby: the all-karg and entry-karg lines below are the whole story. */
	if (strcmp(a->backend, "grubby") == 0)
		fprintf(f, "per-entry yes\n");
	for (size_t i = 0; i < a->kargs.n; i++)
		fprintf(f, "karg %s\n", a->kargs.v[i]);
	if (a->unfinished)
		fprintf(f, "unfinished yes\n");
	if (a->initramfs_enabled)
		fprintf(f, "initramfs-enabled yes\n");
	if (a->initramfs_args_added)
		fprintf(f, "initramfs-args-added yes\n");
	if (a->manifest_sum[0])
		fprintf(f, "manifest %s\n", a->manifest_sum);
	if (a->initramfs_kver[0])
		fprintf(f, "initramfs-kver %s\n", a->initramfs_kver);
	if (a->created_from)
		put_line(f, "created", a->created_from);
	if (a->created_dir)
		fprintf(f, "created-dir yes\n");
	for (size_t i = 0; i < a->wrote.n; i++)
		put_line(f, "wrote", a->wrote.v[i]);
	/* Only for arguments that are still ours: the rest is history. */
	for (size_t i = 0; i < a->all.n; i++)
		if (kargs_has(&a->kargs, a->all.v[i]))
			fprintf(f, "all-karg %s\n", a->all.v[i]);
	for (size_t i = 0; i < a->n_entries; i++)
		for (size_t j = 0; j < a->entries[i].kargs.n; j++) {
			if (!kargs_has(&a->kargs, a->entries[i].kargs.v[j]))
				continue;
			fprintf(f, "entry-karg %s ", a->entries[i].kargs.v[j]);
			put_escaped(f, a->entries[i].id);
			fputc('\n', f);
		}
}

/* An empty record is no file. */
static int remove_record(const char *root)
{
	char name[256];
	int r, dirfd;

	r = root_open_parent(root, APPLIED_PATH, 0, &dirfd, name);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	r = unlinkat(dirfd, name, 0) < 0 && errno != ENOENT ? -errno : 0;
	close(dirfd);
	return r;
}

int applied_save(const char *root, const struct applied *a)
{
	char name[256], *text = NULL;
	size_t len = 0;
	FILE *f;
	int r, dirfd;

	if (record_empty(a))
		return remove_record(root);
	f = open_memstream(&text, &len);
	if (!f)
		return -errno;
	format_record(f, a);
	if (fclose(f) != 0) {
		free(text);
		return -ENOMEM;
	}
	r = root_open_parent(root, APPLIED_PATH, ROOT_MKDIR, &dirfd, name);
	if (r == 0) {
		r = atomic_file_write_at(dirfd, name, text, len, 0644, (uid_t)-1, (gid_t)-1);
		close(dirfd);
	}
	free(text);
	return r;
}

int applied_manifest_sum(const char *root, char sum[17])
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a: a change detector, not a seal */
	unsigned char buf[4096];
	ssize_t n;
	int fd, r;

	sum[0] = '\0';
	/* O_NONBLOCK: a FIFO in its place must not hang apply. */
	r = root_open(root, "/etc/earlybind.conf", O_RDONLY | O_NONBLOCK, &fd);
	if (r < 0)
		return r == -ENOENT ? 0 : r;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n; i++)
			h = (h ^ buf[i]) * 0x100000001b3ull;
	r = n < 0 ? -errno : 0;
	close(fd);
	if (r == 0)
		snprintf(sum, 17, "%016llx", (unsigned long long)h);
	return r;
}
