// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <libkmod.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "modalias.h"
#include "rootpath.h"

struct modalias {
	struct kmod_ctx *ctx; /* NULL when @err says why */
	int err;
	int index_err;        /* kmod_load_resources(): the aliases need the indexes */
	char sub[PATH_MAX];   /* "/lib/modules/RELEASE" */
	char dir[PATH_MAX];   /* the same under the root */
};

struct modalias *modalias_open(const char *root)
{
	struct modalias *ma = calloc(1, sizeof(*ma));
	const char *configs[] = { NULL };
	char release[128];

	if (!ma)
		return NULL;
	ma->err = root_read_line(root, "/proc/sys/kernel/osrelease", release, sizeof(release));
	if (ma->err < 0)
		return ma;
	snprintf(ma->sub, sizeof(ma->sub), "/lib/modules/%s", release);
	ma->err = root_path(ma->dir, sizeof(ma->dir), root, ma->sub);
	if (ma->err < 0)
		return ma;
	/* No configs: the module files only, not the admin's aliases and blacklists. */
	ma->ctx = kmod_new(ma->dir, configs);
	if (!ma->ctx) {
		ma->err = -ENOMEM;
		return ma;
	}
	kmod_set_log_priority(ma->ctx, 0);
	ma->index_err = kmod_load_resources(ma->ctx) < 0 ? -ENOENT : 0;
	return ma;
}

void modalias_close(struct modalias *ma)
{
	if (!ma)
		return;
	kmod_unref(ma->ctx);
	free(ma);
}

/* The context for a lookup that needs the indexes (@indexed), or NULL with *@err. */
static struct kmod_ctx *ctx_for(struct modalias *ma, bool indexed, int *err)
{
	*err = !ma ? -ENOMEM : ma->err ? ma->err : indexed ? ma->index_err : 0;
	return *err ? NULL : ma->ctx;
}

int modalias_lookup(struct modalias *ma, const char *modalias, char *buf, size_t size)
{
	struct kmod_list *list = NULL, *l;
	struct kmod_ctx *ctx;
	size_t len = 0;
	int r;

	buf[0] = '\0';
	if (!modalias[0])
		return 0;
	ctx = ctx_for(ma, true, &r);
	if (!ctx)
		return r;
	r = kmod_module_new_from_lookup(ctx, modalias, &list);
	kmod_list_foreach(l, list) {
		struct kmod_module *mod = kmod_module_get_module(l);
		/* Built-in modules have no file. */
		const char *kind = kmod_module_get_path(mod) ? "module" : "built in";

		if (len < size)
			len += (size_t)snprintf(buf + len, size - len, "%s%s (%s)", len ? ", " : "",
						kmod_module_get_name(mod), kind);
		kmod_module_unref(mod);
	}
	kmod_module_unref_list(list);
	return r < 0 ? r : 0;
}

int modalias_builtin(struct modalias *ma, const char *driver)
{
	struct kmod_list *list = NULL, *l;
	struct kmod_ctx *ctx;
	int r, builtin = 0;

	ctx = ctx_for(ma, true, &r);
	if (!ctx)
		return r;
	r = kmod_module_new_from_lookup(ctx, driver, &list);
	kmod_list_foreach(l, list) {
		struct kmod_module *mod = kmod_module_get_module(l);

		if (!kmod_module_get_path(mod))
			builtin = 1;
		kmod_module_unref(mod);
	}
	kmod_module_unref_list(list);
	return r < 0 ? r : builtin;
}

int modalias_module_file(struct modalias *ma, const char *name, char *buf, size_t size)
{
	struct kmod_list *list = NULL, *it;
	struct kmod_ctx *ctx;
	size_t dirlen;
	int found = 0, r;

	/* modules.dep is read as text when there is no index. */
	ctx = ctx_for(ma, false, &r);
	if (!ctx)
		return r;
	dirlen = strlen(ma->dir);
	r = kmod_module_new_from_lookup(ctx, name, &list);
	kmod_list_foreach(it, list) {
		struct kmod_module *mod = kmod_module_get_module(it);
		const char *p = kmod_module_get_path(mod);

		if (!found && p && access(p, F_OK) == 0) {
			found = 1;
			if (strncmp(p, ma->dir, dirlen) == 0 && p[dirlen] == '/')
				snprintf(buf, size, "%s%s", ma->sub, p + dirlen);
			else
				snprintf(buf, size, "%s", p);
		}
		kmod_module_unref(mod);
	}
	kmod_module_unref_list(list);
	return r < 0 && !found ? r : found;
}
