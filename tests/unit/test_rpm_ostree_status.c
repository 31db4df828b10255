// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Which deployment of `rpm-ostree status --json` decides the initramfs,
 * read with json-c from real captures (tests/fixtures/rpm-ostree, each
 * with a .source.txt saying where it came from, and what was edited in
 * the two *-edited ones): test_rpm_ostree_status FIXTURES.
 */
#include "../check.h"
#include "../../ostree/rpm_ostree_status.h"
#include "../../src/shared/readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>

static const char *fixtures;

/* The fixture @name read into @d; the reader's result. */
static int read_fixture(const char *name, struct rpm_ostree_deployment *d)
{
	char path[PATH_MAX], *text;
	size_t len;
	int r;

	snprintf(path, sizeof(path), "%s/%s", fixtures, name);
	r = file_read_at(AT_FDCWD, path, 1u << 20, &text, &len);
	if (r < 0) {
		fprintf(stderr, "  cannot read %s: %s\n", path, strerror(-r));
		*d = (struct rpm_ostree_deployment){ 0 };
		return r;
	}
	r = rpm_ostree_status_read(text, len, d);
	free(text);
	return r;
}

static int read_text(const char *json, struct rpm_ostree_deployment *d)
{
	return rpm_ostree_status_read(json, strlen(json), d);
}

/* @k joined by single spaces, for comparing ("" when empty). */
static const char *joined(const struct kargs *k)
{
	static char buf[512];
	char *j = kargs_join(k);

	snprintf(buf, sizeof(buf), "%s", j ? j : "(no memory)");
	free(j);
	return buf;
}

/* Fedora CoreOS 31 (2020), staged + booted; the booted one has no "staged" key. */
static void test_staged_deployment_is_the_one_over_the_booted_one(void)
{
	struct rpm_ostree_deployment d;

	CHECK_INT(read_fixture("zincati-fcos31-staged.json", &d), 0);
	CHECK_STR(d.id, "fedora-coreos-"
			"967b7b8d624e6d10ff51c2e81ef198fae966c567ac2e9b479771c693d0987949.0");
	CHECK(d.staged && !d.booted && !d.regenerate);
	CHECK_INT(d.args.n + d.etc.n, 0);
	rpm_ostree_deployment_free(&d);
}

/* Fedora Silverblue 38 (2023): staged, booted, rollback, "staged" on every one. */
static void test_staged_deployment_is_the_one_of_three(void)
{
	struct rpm_ostree_deployment d;

	CHECK_INT(read_fixture("microshift-silverblue38-staged-booted-rollback.json", &d), 0);
	CHECK_STR(d.id, "fedora-"
			"8523da044806b21d28963a07c3e21e01d9a00dfeb76d4dbcdb582e8b3bf4d7b2.0");
	CHECK(d.staged && !d.booted);
	rpm_ostree_deployment_free(&d);
}

/* Nothing staged: the booted one, whichever keys its era prints. */
static void test_booted_deployment_is_the_one_when_nothing_is_staged(void)
{
	static const struct {
		const char *file, *id;
	} cases[] = {
		/* booted + rollback, "initramfs-etc": [] on both, no "staged" key */
		{ "rpmostree-client-silverblue33-booted-rollback.json",
		  "fedora-silverblue-"
		  "63335a77f9853618ba1a5f139c5805e82176a2a040ef5e34d7402e12263af5bb.0" },
		{ "zincati-fcos30-booted-only.json",
		  "fedora-coreos-"
		  "ce718b90ce19c2cac07fa45efdce91aad208a508c98e9f7f572f5aaba76f569a.0" },
		/* a container deployment: no "origin" */
		{ "insights-core-rhcos412-oci-booted.json",
		  "rhcos-"
		  "40948b845a13349cb0d57400eebdcfdf72bb8521636a1f067fb22d92b0b73b41.0" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct rpm_ostree_deployment d;

		CHECK_INT(read_fixture(cases[i].file, &d), 0);
		CHECK_STR(d.id, cases[i].id);
		CHECK(d.booted && !d.staged && !d.regenerate && !d.args.n && !d.etc.n);
		rpm_ostree_deployment_free(&d);
	}
}

/* A bootc image's status, its booted entry trimmed out by the capture's author. */
static void test_staged_deployment_is_the_one_when_none_is_booted(void)
{
	struct rpm_ostree_deployment d;

	CHECK_INT(read_fixture("insights-puptoo-bootc-rhel9-staged-trimmed.json", &d), 0);
	CHECK_STR(d.id, "default-"
			"a7b1b7f5cc436ccb0a2a70da7c04db9e15be58efe2a4dcb9a1bddf2c703e2a46.0");
	CHECK(d.staged);
	rpm_ostree_deployment_free(&d);
}

/*
 * The staged deployment has regeneration on and no list (2020's rpm-ostree
 * leaves an empty one out); the booted one has "-a earlybind": the next
 * boot has no earlybind, whatever the text holds first.
 */
static void test_staged_deployment_without_a_list_has_none(void)
{
	struct rpm_ostree_deployment d;

	CHECK_INT(read_fixture("zincati-fcos31-staged.initramfs-edited.json", &d), 0);
	CHECK(d.staged && d.regenerate);
	CHECK_STR(joined(&d.args), "");
	rpm_ostree_deployment_free(&d);
}

/* Two deployments with different --arg lists: the staged one's, element by element. */
static void test_initramfs_args_are_the_staged_deployments(void)
{
	struct rpm_ostree_deployment d;

	CHECK_INT(read_fixture("microshift-silverblue38-staged-booted-rollback."
			       "initramfs-args-edited.json", &d), 0);
	CHECK(d.staged && d.regenerate);
	CHECK_INT(d.args.n, 2);
	CHECK_STR(joined(&d.args), "-I /etc/rpmostree-initramfs-testing-foo");
	CHECK_INT(d.etc.n, 0);
	rpm_ostree_deployment_free(&d);
}

/*
 * libostree lists the staged deployment first, so every capture has it
 * there; the choice is by its "staged" field all the same, which a
 * capture cannot show: here it comes second.
 */
static void test_staged_deployment_is_chosen_by_its_field_not_its_place(void)
{
	struct rpm_ostree_deployment d;

	CHECK_INT(read_text("{\"deployments\":[{\"id\":\"b\",\"osname\":\"fedora\","
			    "\"booted\":true,\"staged\":false},"
			    "{\"id\":\"s\",\"osname\":\"fedora\",\"booted\":false,\"staged\":true,"
			    "\"regenerate-initramfs\":true,\"initramfs-args\":[\"-a\",\"earlybind\"]}]}",
			    &d), 0);
	CHECK_STR(d.id, "s");
	CHECK(d.staged && !d.booted);
	CHECK_STR(joined(&d.args), "-a earlybind");
	rpm_ostree_deployment_free(&d);
}

/*
 * After `rpm-ostree rollback` the default deployment is neither booted nor
 * staged; rpm-ostree's next transaction starts from it (the first of the
 * stateroot).  Another stateroot's deployments, staged ones too, do not count.
 */
static void test_first_deployment_of_the_booted_stateroot_without_a_staged_one(void)
{
	struct rpm_ostree_deployment d;

	CHECK_INT(read_text("{\"deployments\":[{\"id\":\"a\",\"osname\":\"fedora\","
			    "\"booted\":false,\"regenerate-initramfs\":true,"
			    "\"initramfs-args\":[\"-a\",\"earlybind\"]},"
			    "{\"id\":\"b\",\"osname\":\"fedora\",\"booted\":true}]}", &d), 0);
	CHECK_STR(d.id, "a");
	CHECK_STR(joined(&d.args), "-a earlybind");
	rpm_ostree_deployment_free(&d);
	CHECK_INT(read_text("{\"deployments\":[{\"id\":\"o\",\"osname\":\"other\","
			    "\"staged\":true},"
			    "{\"id\":\"b\",\"osname\":\"fedora\",\"booted\":true}]}", &d), 0);
	CHECK_STR(d.id, "b");
	rpm_ostree_deployment_free(&d);
}

static void test_absent_and_null_lists_are_empty(void)
{
	struct rpm_ostree_deployment d;

	CHECK_INT(read_text("{\"deployments\":[{\"booted\":true,\"initramfs-args\":null,"
			    "\"initramfs-etc\":null,\"regenerate-initramfs\":null}]}\n", &d), 0);
	CHECK(d.booted && !d.regenerate && !d.args.n && !d.etc.n && !d.id);
	rpm_ostree_deployment_free(&d);
}

/* What apply would misread is refused, never taken for "nothing set". */
static void test_text_that_is_not_the_status_is_refused(void)
{
	static const char *const bad[] = {
		"", "{", "[]", "null", "{\"deployments\":3}", "{\"deployments\":[1]}",
		"{\"deployments\":[{\"booted\":\"yes\"}]}",
		"{\"deployments\":[{\"booted\":true,\"initramfs-args\":\"-a\"}]}",
		"{\"deployments\":[{\"booted\":true,\"initramfs-args\":[\"-a\",1]}]}",
		"{\"deployments\":[{\"booted\":true,\"initramfs-etc\":{}}]}",
		"{\"deployments\":[{\"booted\":true,\"regenerate-initramfs\":1}]}",
		"{\"deployments\":[{\"booted\":true,\"initramfs-args\":[\"a\\u0000b\"]}]}",
		"{\"deployments\":[{\"booted\":true}]} {}",
	};
	struct rpm_ostree_deployment d;

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		int r = read_text(bad[i], &d);

		if (r != -EBADMSG)
			fprintf(stderr, "  not refused: %s\n", bad[i]);
		CHECK_INT(r, -EBADMSG);
		CHECK(!d.id && !d.args.n);
	}
	CHECK_INT(read_text("{\"deployments\":[]}", &d), -ENOENT);
	/* The length is the caller's: what follows it is not read. */
	CHECK_INT(rpm_ostree_status_read("{\"deployments\":[{}]}garbage", 20, &d), 0);
	rpm_ostree_deployment_free(&d);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: test_rpm_ostree_status FIXTURES\n");
		return 2;
	}
	fixtures = argv[1];
	RUN(test_staged_deployment_is_the_one_over_the_booted_one);
	RUN(test_staged_deployment_is_the_one_of_three);
	RUN(test_booted_deployment_is_the_one_when_nothing_is_staged);
	RUN(test_staged_deployment_is_the_one_when_none_is_booted);
	RUN(test_staged_deployment_without_a_list_has_none);
	RUN(test_initramfs_args_are_the_staged_deployments);
	RUN(test_staged_deployment_is_chosen_by_its_field_not_its_place);
	RUN(test_first_deployment_of_the_booted_stateroot_without_a_staged_one);
	RUN(test_absent_and_null_lists_are_empty);
	RUN(test_text_that_is_not_the_status_is_refused);
	return CHECK_EXIT();
}
