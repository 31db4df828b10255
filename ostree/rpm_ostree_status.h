/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading `rpm-ostree status --json` (coreos/rpm-ostree
 * src/app/rpmostree-builtin-status.cxx: a "deployments" array of objects,
 * one per deployment, each a json_gvariant_serialize of the daemon's
 * dict), with json-c: what apply needs of the one deployment that decides
 * the initramfs.  docs/boot-configuration.md says which keys old and new
 * rpm-ostree print, and when.
 */
#ifndef EARLYBIND_RPM_OSTREE_STATUS_H
#define EARLYBIND_RPM_OSTREE_STATUS_H

#include <stdbool.h>
#include <stddef.h>

#include "kargs.h"

struct rpm_ostree_deployment {
	char *id;         /* "id": OSNAME-CHECKSUM.SERIAL, for messages */
	bool staged;      /* "staged" (absent, as older rpm-ostree leaves it: false) */
	bool booted;      /* "booted" */
	bool regenerate;  /* "regenerate-initramfs": rpm-ostree initramfs --enable is on */
	/* "initramfs-args": the --arg list of initramfs --enable, in order (absent, null: none) */
	struct kargs args;
	/* "initramfs-etc": the files initramfs-etc --track tracks (absent, null: none) */
	struct kargs etc;
};

/*
 * The deployment of @len bytes of `rpm-ostree status --json` that the
 * next rpm-ostree transaction starts from, and the next boot boots: the
 * staged one when there is one; else the first of the booted one's
 * stateroot (osname), which is the booted one unless a rollback put
 * another before it; with no booted one (an image being built), the
 * first.  Chosen by the fields "staged", "booted" and "osname", and by
 * the array's order only where rpm-ostree itself goes by it (its merge
 * deployment: rpmostree_syscore_get_origin_merge_deployment in
 * src/daemon/rpmostree-sysroot-core.cxx, the first deployment of the
 * stateroot in libostree's order, the staged one first).  Unknown keys
 * are ignored.  0 with *@out filled (free it), -EBADMSG when the text is
 * not such JSON (a key apply reads has another type, a string holds a
 * NUL), -ENOENT when it lists no deployment, -ENOMEM.
 */
int rpm_ostree_status_read(const char *json, size_t len, struct rpm_ostree_deployment *out);
void rpm_ostree_deployment_free(struct rpm_ostree_deployment *d);

#endif
