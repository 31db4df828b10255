// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for reading `rpm-ostree status --json`
 * (ostree/rpm_ostree_status.c), seeded with the real captures of
 * tests/fixtures/rpm-ostree.  Besides the sanitizers' findings it checks
 * what the reader promises: 0, -EBADMSG, -ENOENT or -ENOMEM; on success
 * strings that an argument vector can hold, and nothing on failure; the
 * same answer twice.
 */
#include "../../ostree/rpm_ostree_status.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void check_list(const struct kargs *k)
{
	for (size_t i = 0; i < k->n; i++)
		if (!k->v[i])
			abort();
}

static bool same(const struct rpm_ostree_deployment *a, const struct rpm_ostree_deployment *b)
{
	if (!a->id != !b->id || (a->id && strcmp(a->id, b->id) != 0) || a->staged != b->staged ||
	    a->booted != b->booted || a->regenerate != b->regenerate || a->args.n != b->args.n ||
	    a->etc.n != b->etc.n)
		return false;
	for (size_t i = 0; i < a->args.n; i++)
		if (strcmp(a->args.v[i], b->args.v[i]) != 0)
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct rpm_ostree_deployment d, again;
	int r = rpm_ostree_status_read((const char *)data, size, &d);

	if (r != 0 && r != -EBADMSG && r != -ENOENT && r != -ENOMEM)
		abort();
	if (r < 0) {
		if (d.id || d.args.n || d.etc.n || d.args.v || d.etc.v)
			abort();
		return 0;
	}
	check_list(&d.args);
	check_list(&d.etc);
	if (rpm_ostree_status_read((const char *)data, size, &again) != 0 || !same(&d, &again))
		abort();
	rpm_ostree_deployment_free(&d);
	rpm_ostree_deployment_free(&again);
	return 0;
}
