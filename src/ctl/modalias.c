// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <libkmod.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "modalias.h"
#include "rootpath.h"

static struct kmod_ctx *open_ctx(const char *root, int *err)
{
	char release[128], sub[PATH_MAX], dir[PATH_MAX];
	const char *configs[] = { NULL };
	struct kmod_ctx *ctx;
	int r;

	r = root_read_line(root, "/proc/sys/kernel/osrelease", release, sizeof(release));
	if (r < 0) {
		*err = r;
		return NULL;
	}
	snprintf(sub, sizeof(sub), "/lib/modules/%s", release);
	r = root_path(dir, sizeof(dir), root, sub);
	if (r < 0) {
		*err = r;
		return NULL;
	}
	/* No configs: aliases only, not the admin's blacklists. */
	ctx = kmod_new(dir, configs);
	if (!ctx) {
		*err = -ENOMEM;
		return NULL;
	}
	kmod_set_log_priority(ctx, 0);
	if (kmod_load_resources(ctx) < 0) {
		kmod_unref(ctx);
		*err = -ENOENT;
		return NULL;
	}
	return ctx;
}

int modalias_lookup(const char *root, const char *modalias, char *buf, size_t size)
{
	struct kmod_list *list = NULL, *l;
	struct kmod_ctx *ctx;
	size_t len = 0;
	int r = 0;

	buf[0] = '\0';
	if (!modalias[0])
		return 0;
	ctx = open_ctx(root, &r);
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
	kmod_unref(ctx);
	return r < 0 ? r : 0;
}

int modalias_builtin(const char *root, const char *driver)
{
	struct kmod_list *list = NULL, *l;
	struct kmod_ctx *ctx;
	int r = 0, builtin = 0;

	ctx = open_ctx(root, &r);
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
	kmod_unref(ctx);
	return r < 0 ? r : builtin;
}
