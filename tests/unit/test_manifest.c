// SPDX-License-Identifier: GPL-2.0-or-later
/* The manifest parser: every rule of earlybind.conf(5). */
#include "../check.h"
#include "../../src/shared/manifest.h"
#include "../../src/shared/manifest_edit.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

struct errors {
	unsigned n;
	unsigned line[16];
	char reason[16][256];
};

static void collect(void *userdata, unsigned line, const char *reason)
{
	struct errors *e = userdata;

	if (e->n < 16) {
		e->line[e->n] = line;
		snprintf(e->reason[e->n], sizeof(e->reason[0]), "%s", reason);
	}
	e->n++;
}

/* Parses @text; returns what manifest_parse_buffer returned. */
static int parse(struct manifest *m, struct errors *errs, const char *text)
{
	memset(m, 0, sizeof(*m));
	memset(errs, 0, sizeof(*errs));
	return manifest_parse_buffer(m, text, strlen(text), collect, errs);
}

static void test_design_example_parses_whole(void)
{
	struct manifest m;
	struct errors e;
	char a[PCI_ADDR_STRLEN];

	CHECK_INT(parse(&m, &e,
		"# driver   device         id            options\n"
		"vfio-pci   0000:0b:00.0   1002:73bf                  # Navi 21\n"
		"vfio-pci   0000:0b:00.1   1002:ab28                  # HDMI Audio\n"
		"pci-stub   0000:0b:00.2   1002:73a6\n"
		"pci-stub   0000:0b:00.3   1002:73a4\n"
		"vfio-pci   0000:05:00.0   8086:1539     optional\n"), 0);
	CHECK_INT(e.n, 0);
	CHECK_INT(m.n_entries, 5);
	CHECK_STR(m.entries[0].driver, "vfio-pci");
	pci_addr_format(&m.entries[0].addr, a);
	CHECK_STR(a, "0000:0b:00.0");
	CHECK_INT(m.entries[0].id.vendor, 0x1002);
	CHECK_INT(m.entries[0].id.device, 0x73bf);
	CHECK_INT(m.entries[0].line, 2);
	CHECK_STR(m.entries[2].driver, "pci-stub");
	CHECK_INT(m.entries[4].options, MANIFEST_OPT_OPTIONAL);
	CHECK_INT(m.entries[4].line, 6);
	CHECK_INT(m.entries[0].options, 0);
	manifest_free(&m);
}

static void test_short_address_is_normalised_to_domain_0000(void)
{
	struct manifest m;
	struct errors e;
	char a[PCI_ADDR_STRLEN];

	CHECK_INT(parse(&m, &e, "vfio-pci 0b:00.0 1002:73bf\n"), 0);
	CHECK_INT(m.n_entries, 1);
	pci_addr_format(&m.entries[0].addr, a);
	CHECK_STR(a, "0000:0b:00.0");
	manifest_free(&m);
}

static void test_vmd_five_digit_domain_is_kept(void)
{
	struct pci_addr addr;
	char a[PCI_ADDR_STRLEN];

	CHECK_INT(pci_addr_parse("10000:e1:00.0", &addr), 0);
	pci_addr_format(&addr, a);
	CHECK_STR(a, "10000:e1:00.0");
}

static void test_uppercase_hex_matches_lowercase(void)
{
	struct manifest m;
	struct errors e;
	struct pci_id have = { .vendor = 0x1002, .device = 0x73bf };
	struct pci_addr lower;
	char a[PCI_ADDR_STRLEN];

	CHECK_INT(parse(&m, &e, "vfio-pci 0000:0B:1F.7 1002:73BF\n"), 0);
	CHECK_INT(m.n_entries, 1);
	pci_addr_format(&m.entries[0].addr, a);
	CHECK_STR(a, "0000:0b:1f.7");
	CHECK(manifest_entry_id_matches(&m.entries[0], &have));
	CHECK_INT(pci_addr_parse("0000:0b:1f.7", &lower), 0);
	CHECK(manifest_find_addr(&m, &lower) == &m.entries[0]);
	manifest_free(&m);
}

static void test_subsystem_id_must_match_when_given(void)
{
	struct manifest m;
	struct errors e;
	struct pci_id same = { 0x8086, 0x10d3, true, 0x8086, 0xa01f };
	struct pci_id other_sub = { 0x8086, 0x10d3, true, 0x1028, 0x0001 };
	struct pci_id no_sub = { 0x8086, 0x10d3, false, 0, 0 };

	CHECK_INT(parse(&m, &e, "vfio-pci 0000:03:00.0 8086:10d3:8086:A01F\n"), 0);
	CHECK_INT(m.n_entries, 1);
	CHECK(m.entries[0].id.has_subsys);
	CHECK(manifest_entry_id_matches(&m.entries[0], &same));
	CHECK(!manifest_entry_id_matches(&m.entries[0], &other_sub));
	CHECK(!manifest_entry_id_matches(&m.entries[0], &no_sub));
	manifest_free(&m);
}

static void test_id_without_subsystem_ignores_subsystem(void)
{
	struct manifest m;
	struct errors e;
	struct pci_id with_sub = { 0x8086, 0x10d3, true, 0x1028, 0x0001 };
	struct pci_id other_dev = { 0x8086, 0x10d4, false, 0, 0 };

	CHECK_INT(parse(&m, &e, "vfio-pci 0000:03:00.0 8086:10d3\n"), 0);
	CHECK(manifest_entry_id_matches(&m.entries[0], &with_sub));
	CHECK(!manifest_entry_id_matches(&m.entries[0], &other_dev));
	manifest_free(&m);
}

static void test_star_address_and_star_id_are_accepted_alone(void)
{
	struct manifest m;
	struct errors e;
	struct pci_id any = { 0x1234, 0x5678, false, 0, 0 };

	CHECK_INT(parse(&m, &e,
		"vfio-pci * 10de:1b80\n"
		"pci-stub 0000:00:06.0 *\n"), 0);
	CHECK_INT(m.n_entries, 2);
	CHECK(m.entries[0].any_addr && !m.entries[0].any_id);
	CHECK(!m.entries[1].any_addr && m.entries[1].any_id);
	CHECK(manifest_entry_id_matches(&m.entries[1], &any));
	manifest_free(&m);
}

static void test_star_in_both_columns_is_an_error(void)
{
	struct manifest m;
	struct errors e;

	CHECK_INT(parse(&m, &e, "vfio-pci * *\n"), 1);
	CHECK_INT(m.n_entries, 0);
	CHECK_INT(e.n, 1);
	CHECK_INT(e.line[0], 1);
	CHECK(strstr(e.reason[0], "every PCI function") != NULL);
	manifest_free(&m);
}

static void test_bad_lines_are_reported_with_numbers_and_good_ones_kept(void)
{
	struct manifest m;
	struct errors e;

	CHECK_INT(parse(&m, &e,
		"# comment\n"                                 /* 1 */
		"vfio-pci 0000:03:00.0 8086:10d3\n"           /* 2 good */
		"\n"                                          /* 3 */
		"vfio-pci 0000:03:00 8086:10d3\n"             /* 4 bad address */
		"vfio-pci 0000:04:00.0 8086:10d\n"            /* 5 bad id */
		"pci-stub 0000:06:00.0 1b36:000d\n"           /* 6 good */
		"vfio-pci 0000:05:00.0 8086:1539 sometimes\n" /* 7 bad option */
		"vfio-pci 0000:07:00.0\n"                     /* 8 too few */
		"vfio/pci 0000:08:00.0 8086:1539\n"           /* 9 bad driver */
		"vfio-pci 0000:09:00.0 8086:1539 optional x\n" /* 10 too many */
		"vfio-pci 0000:0a:20.0 8086:1539\n"           /* 11 device > 1f */
		"vfio-pci 0000:0a:00.8 8086:1539\n"           /* 12 function > 7 */
		"vfio-pci 0000:0b:00.0 8086:1539 optional\n"),/* 13 good */
		8);
	CHECK_INT(m.n_entries, 3);
	CHECK_INT(m.entries[0].line, 2);
	CHECK_INT(m.entries[1].line, 6);
	CHECK_INT(m.entries[2].line, 13);
	CHECK_INT(e.n, 8);
	CHECK_INT(e.line[0], 4);
	CHECK(strstr(e.reason[0], "invalid PCI address '0000:03:00'") != NULL);
	CHECK_INT(e.line[1], 5);
	CHECK(strstr(e.reason[1], "invalid id '8086:10d'") != NULL);
	CHECK_INT(e.line[2], 7);
	CHECK(strstr(e.reason[2], "unknown option 'sometimes'") != NULL);
	CHECK_INT(e.line[3], 8);
	CHECK(strstr(e.reason[3], "found 2 columns") != NULL);
	CHECK_INT(e.line[4], 9);
	CHECK(strstr(e.reason[4], "invalid driver name 'vfio/pci'") != NULL);
	CHECK_INT(e.line[5], 10);
	CHECK(strstr(e.reason[5], "too many columns at 'x'") != NULL);
	CHECK_INT(e.line[6], 11);
	CHECK(strstr(e.reason[6], "'0000:0a:20.0'") != NULL);
	CHECK_INT(e.line[7], 12);
	CHECK(strstr(e.reason[7], "'0000:0a:00.8'") != NULL);
	manifest_free(&m);
}

static void test_one_report_per_bad_line_even_with_two_bad_columns(void)
{
	struct manifest m;
	struct errors e;

	CHECK_INT(parse(&m, &e, "vfio-pci zz:00.0 nothex\n"), 1);
	CHECK_INT(e.n, 1);
	CHECK(strstr(e.reason[0], "'zz:00.0'") != NULL);
	manifest_free(&m);
}

static void test_same_address_twice_keeps_the_first_line(void)
{
	struct manifest m;
	struct errors e;

	CHECK_INT(parse(&m, &e,
		"vfio-pci 0000:03:00.0 8086:10d3\n"
		"pci-stub 03:00.0      8086:10d3\n"), 1);
	CHECK_INT(m.n_entries, 1);
	CHECK_STR(m.entries[0].driver, "vfio-pci");
	CHECK_INT(e.line[0], 2);
	CHECK(strstr(e.reason[0], "0000:03:00.0 is already listed on line 1") != NULL);
	manifest_free(&m);
}

static void test_options_are_comma_separated_and_checked(void)
{
	struct manifest m;
	struct errors e;

	CHECK_INT(parse(&m, &e,
		"vfio-pci 0000:03:00.0 8086:10d3 optional,optional\n"
		"vfio-pci 0000:04:00.0 8086:10d3 optional,\n"
		"vfio-pci 0000:05:00.0 8086:10d3 Optional\n"), 2);
	CHECK_INT(m.n_entries, 1);
	CHECK_INT(m.entries[0].options, MANIFEST_OPT_OPTIONAL);
	CHECK_INT(e.line[0], 2);
	CHECK(strstr(e.reason[0], "empty option") != NULL);
	CHECK_INT(e.line[1], 3);
	CHECK(strstr(e.reason[1], "unknown option 'Optional'") != NULL);
	manifest_free(&m);
}

static void test_comment_directly_after_a_column_ends_it(void)
{
	struct manifest m;
	struct errors e;

	CHECK_INT(parse(&m, &e, "vfio-pci\t0000:03:00.0\t8086:10d3#no space\r\n"), 0);
	CHECK_INT(m.n_entries, 1);
	CHECK_INT(m.entries[0].id.device, 0x10d3);
	manifest_free(&m);
}

static void test_last_line_without_newline_is_parsed(void)
{
	struct manifest m;
	struct errors e;

	CHECK_INT(parse(&m, &e, "\n\nvfio-pci 0000:03:00.0 8086:10d3"), 0);
	CHECK_INT(m.n_entries, 1);
	CHECK_INT(m.entries[0].line, 3);
	manifest_free(&m);
}

static void test_nul_byte_makes_the_line_bad(void)
{
	static const char text[] = "vfio-pci 0000:03:00.0 8086:10d3\nvfio\0pci 0000:04:00.0 1:2\n";
	struct manifest m = { 0 };
	struct errors e = { 0 };

	CHECK_INT(manifest_parse_buffer(&m, text, sizeof(text) - 1, collect, &e), 1);
	CHECK_INT(m.n_entries, 1);
	CHECK_INT(e.line[0], 2);
	CHECK(strstr(e.reason[0], "NUL") != NULL);
	manifest_free(&m);
}

static void test_control_characters_are_not_echoed_into_the_log(void)
{
	struct manifest m;
	struct errors e;

	CHECK_INT(parse(&m, &e, "vfio-pci 0000:03:00.0 \x1b[31mred\n"), 1);
	CHECK(strchr(e.reason[0], '\x1b') == NULL);
	manifest_free(&m);
}

static void test_long_driver_name_is_refused(void)
{
	struct manifest m;
	struct errors e;
	char line[200];

	snprintf(line, sizeof(line), "%s 0000:03:00.0 8086:10d3\n",
		 "a_driver_name_that_is_far_longer_than_any_kernel_module_name_may_be");
	CHECK_INT(parse(&m, &e, line), 1);
	CHECK(strstr(e.reason[0], "invalid driver name") != NULL);
	manifest_free(&m);
}

static void test_id_forms_that_are_not_four_hex_digits_are_refused(void)
{
	struct pci_id id;

	CHECK_INT(pci_id_parse("8086:10d3", &id), 0);
	CHECK_INT(pci_id_parse("8086:10d3:8086:a01f", &id), 0);
	CHECK_INT(pci_id_parse("8086:10d", &id), -EINVAL);
	CHECK_INT(pci_id_parse("08086:10d3", &id), -EINVAL);
	CHECK_INT(pci_id_parse("8086-10d3", &id), -EINVAL);
	CHECK_INT(pci_id_parse("8086:10d3:8086", &id), -EINVAL);
	CHECK_INT(pci_id_parse("0x86:10d3", &id), -EINVAL);
	CHECK_INT(pci_id_parse("", &id), -EINVAL);
}

static void test_parse_file_reports_missing_file_and_reads_real_one(void)
{
	char path[] = "/tmp/earlybind-test-XXXXXX";
	struct manifest m = { 0 };
	struct errors e = { 0 };
	static const char text[] = "pci-stub 0000:00:06.0 1b36:000d\nbogus\n";
	int fd;

	CHECK_INT(manifest_parse_file(&m, "/nonexistent/earlybind.conf", collect, &e), -ENOENT);
	CHECK_INT(manifest_parse_file(&m, "/tmp", collect, &e), -EISDIR);
	fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK_INT(write(fd, text, sizeof(text) - 1), (long)sizeof(text) - 1);
	close(fd);
	CHECK_INT(manifest_parse_file(&m, path, collect, &e), 1);
	CHECK_INT(m.n_entries, 1);
	CHECK_INT(e.line[0], 2);
	unlink(path);
	manifest_free(&m);
}

static void test_many_entries_grow_the_array(void)
{
	struct manifest m = { 0 };
	struct errors e = { 0 };
	size_t cap = 5000 * 40, len = 0;
	char *text = malloc(cap);

	CHECK(text != NULL);
	if (!text)
		return;
	for (unsigned i = 0; i < 5000; i++)
		len += (size_t)snprintf(text + len, cap - len, "vfio-pci 0000:%02x:%02x.%x 8086:1520\n",
					1 + i / 256, (i / 8) % 32, i % 8);
	CHECK_INT(manifest_parse_buffer(&m, text, len, collect, &e), 0);
	CHECK_INT(m.n_entries, 5000);
	CHECK_INT(m.entries[4999].line, 5000);
	free(text);
	manifest_free(&m);
}

/* Names the kernel accepts, and the bytes and forms it does not. */
static const char *const good_drivers[] = {
	"vfio-pci", "pci-stub", "mlx5_vfio_pci", "A9", "_x",
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", /* 55 */
};
static const char *const bad_drivers[] = {
	"", "vfio.pci", "vfio/pci", "vfio*", "*", "vfio#pci", "#", "-vfio", "vfio pci",
	"vfio\tpci", "vfio\npci", "vfio\rpci", "vfio\vpci", "vfio\fpci", "vfio=pci",
	"vfio\"pci", "vfio\x1bpci", "vfio\x7fpci", "vfi\xc3\xb6", "vfio,pci", "$(id)",
	"vfio-pci\v0000:01:00.0\v144d:a80a\nvfio-pci",
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", /* 56 */
};

static void test_driver_rule_is_one_for_the_parser_and_the_writers(void)
{
	char line[256];

	for (size_t i = 0; i < sizeof(good_drivers) / sizeof(*good_drivers); i++) {
		struct manifest m;
		struct errors e;

		CHECK(manifest_driver_valid(good_drivers[i], strlen(good_drivers[i])));
		snprintf(line, sizeof(line), "%s 0000:03:00.0 8086:10d3\n", good_drivers[i]);
		CHECK_INT(parse(&m, &e, line), 0);
		CHECK_INT(m.n_entries, 1);
		if (m.n_entries == 1)
			CHECK_STR(m.entries[0].driver, good_drivers[i]);
		manifest_free(&m);
	}
	for (size_t i = 0; i < sizeof(bad_drivers) / sizeof(*bad_drivers); i++) {
		struct manifest m;
		struct errors e;

		if (manifest_driver_valid(bad_drivers[i], strlen(bad_drivers[i])))
			fprintf(stderr, "  accepted: '%s'\n", bad_drivers[i]);
		CHECK(!manifest_driver_valid(bad_drivers[i], strlen(bad_drivers[i])));
		/* Whatever the parser makes of the line, it is not that driver. */
		snprintf(line, sizeof(line), "%s 0000:03:00.0 8086:10d3\n", bad_drivers[i]);
		parse(&m, &e, line);
		for (size_t k = 0; k < m.n_entries; k++)
			CHECK(strcmp(m.entries[k].driver, bad_drivers[i]) != 0);
		manifest_free(&m);
	}
	/* The length is the caller's: a name need not be NUL-terminated. */
	CHECK(manifest_driver_valid("vfio-pci 0000", 8));
}

static struct manifest_entry entry(const char *driver, const char *addr, const char *id)
{
	struct manifest_entry e = { 0 };

	snprintf(e.driver, sizeof(e.driver), "%s", driver);
	e.any_addr = strcmp(addr, "*") == 0;
	if (!e.any_addr)
		CHECK_INT(pci_addr_parse(addr, &e.addr), 0);
	e.any_id = strcmp(id, "*") == 0;
	if (!e.any_id)
		CHECK_INT(pci_id_parse(id, &e.id), 0);
	return e;
}

static void test_format_line_writes_only_what_the_parser_reads_back(void)
{
	struct manifest_entry e;
	struct manifest m;
	struct errors errs;
	char line[MANIFEST_LINE_MAX];

	for (size_t i = 0; i < sizeof(bad_drivers) / sizeof(*bad_drivers); i++) {
		e = entry("vfio-pci", "0000:05:00.0", "8086:1539");
		memcpy(e.driver, bad_drivers[i], strnlen(bad_drivers[i], sizeof(e.driver)));
		e.driver[strnlen(bad_drivers[i], sizeof(e.driver) - 1)] = '\0';
		if (strlen(bad_drivers[i]) >= sizeof(e.driver))
			memset(e.driver, 'a', sizeof(e.driver)); /* not even terminated */
		CHECK_INT(manifest_format_line(line, sizeof(line), &e, NULL), -EINVAL);
	}
	e = entry("vfio-pci", "*", "*");
	CHECK_INT(manifest_format_line(line, sizeof(line), &e, NULL), -EINVAL);
	e = entry("vfio-pci", "0000:05:00.0", "8086:1539");
	e.options = 1u << 7;
	CHECK_INT(manifest_format_line(line, sizeof(line), &e, NULL), -EINVAL);

	/* Every form the columns take, and a comment that tries to be a line. */
	e = entry("pci-stub", "10000:e1:1f.7", "8086:1539:1028:0a1b");
	e.options = MANIFEST_OPT_OPTIONAL;
	CHECK_INT(manifest_format_line(line, sizeof(line), &e,
				       "x\nvfio-pci 0000:01:00.0 144d:a80a\r\v"), 0);
	CHECK(strchr(line, '\n') == NULL);
	CHECK_INT(parse(&m, &errs, line), 0);
	CHECK_INT(m.n_entries, 1);
	CHECK_STR(m.entries[0].driver, "pci-stub");
	CHECK_INT(m.entries[0].addr.domain, 0x10000);
	CHECK_INT(m.entries[0].id.subdevice, 0x0a1b);
	CHECK_INT(m.entries[0].options, MANIFEST_OPT_OPTIONAL);
	manifest_free(&m);
	e = entry("vfio-pci", "*", "10de:1b80");
	CHECK_INT(manifest_format_line(line, sizeof(line), &e, NULL), 0);
	CHECK_STR(line, "vfio-pci   *              10de:1b80");
	e = entry("vfio-pci", "0000:0b:00.0", "*");
	CHECK_INT(manifest_format_line(line, sizeof(line), &e, "GPU"), 0);
	CHECK_STR(line, "vfio-pci   0000:0b:00.0   *                       # GPU");
	CHECK_INT(manifest_format_line(line, 20, &e, NULL), -ENAMETOOLONG);
}

static void test_set_driver_refuses_a_name_the_parser_would_not_read(void)
{
	char dir[] = "/tmp/earlybind-test-XXXXXX", path[64], text[1024];
	struct manifest_entry e = entry("vfio-pci", "0000:0b:00.0", "1002:73bf");
	struct manifest_doc d;
	struct manifest m;
	struct errors errs;
	size_t len = 0;
	unsigned line;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/earlybind.conf", dir);
	CHECK_INT(manifest_doc_open(&d, NULL, path), 0);
	CHECK_INT(manifest_doc_append_entry(&d, &(struct manifest_entry){ 0 }, NULL), -EINVAL);
	CHECK_INT(manifest_doc_append_entry(&d, &e, "GPU"), 0);
	line = (unsigned)d.n;
	CHECK_INT(manifest_doc_set_driver(&d, 1, "pci-stub"), -EINVAL); /* a comment */
	CHECK_INT(manifest_doc_set_driver(&d, line + 1, "pci-stub"), -ERANGE);
	for (size_t i = 0; i < sizeof(bad_drivers) / sizeof(*bad_drivers); i++)
		CHECK_INT(manifest_doc_set_driver(&d, line, bad_drivers[i]), -EINVAL);
	CHECK_INT(manifest_doc_set_driver(&d, line, "pci-stub"), 0);
	CHECK_INT(manifest_doc_set_driver(&d, line, "mlx5_vfio_pci"), 0);
	for (size_t i = 0; i < d.n; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s\n", d.lines[i]);
	CHECK_INT(parse(&m, &errs, text), 0);
	CHECK_INT(m.n_entries, 1);
	if (m.n_entries == 1)
		CHECK_STR(m.entries[0].driver, "mlx5_vfio_pci");
	manifest_free(&m);
	manifest_doc_close(&d);
	snprintf(path, sizeof(path), "%s/.earlybind.conf.lock", dir);
	unlink(path);
	rmdir(dir);
}

/*
 * A FIFO, a device, a socket or a directory as the manifest (or as its
 * lock file) is refused at once by the parser and the editor: a blocking
 * open() of a FIFO would wait for a writer forever.  SIGALRM ends the test
 * program if one of them waits after all.
 */
static void test_non_regular_manifest_is_refused_without_waiting(void)
{
	char dir[] = "/tmp/earlybind-test-XXXXXX", path[96], lock[96];
	struct manifest m = { 0 };
	struct manifest_doc d;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int sock;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/earlybind.conf", dir);
	snprintf(lock, sizeof(lock), "%s/.earlybind.conf.lock", dir);
	alarm(5);

	CHECK_INT(mkfifo(path, 0644), 0);
	CHECK_INT(manifest_parse_file(&m, path, NULL, NULL), -EINVAL);
	CHECK_INT(manifest_doc_open(&d, NULL, path), -EINVAL);
	CHECK_STR(manifest_file_strerror(-EINVAL),
		  "not a regular file (a FIFO, a device or a socket)");
	unlink(path);

	CHECK_INT(symlink("/dev/zero", path), 0);
	CHECK_INT(manifest_parse_file(&m, path, NULL, NULL), -EINVAL);
	CHECK_INT(manifest_doc_open(&d, NULL, path), -EINVAL);
	unlink(path);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	sock = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(sock >= 0 && bind(sock, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	CHECK(manifest_parse_file(&m, path, NULL, NULL) < 0);
	CHECK(manifest_doc_open(&d, NULL, path) < 0);
	close(sock);
	unlink(path);

	CHECK_INT(mkdir(path, 0755), 0);
	CHECK_INT(manifest_parse_file(&m, path, NULL, NULL), -EISDIR);
	CHECK_INT(manifest_doc_open(&d, NULL, path), -EISDIR);
	rmdir(path);

	/* The lock file beside it, too. */
	unlink(lock);
	CHECK_INT(mkfifo(lock, 0600), 0);
	CHECK_INT(manifest_doc_open(&d, NULL, path), -ENOLCK);
	unlink(lock);

	alarm(0);
	CHECK_INT(m.n_entries, 0);
	rmdir(dir);
}

static struct pci_addr nth_addr(unsigned i)
{
	return (struct pci_addr){ .domain = i >> 16, .bus = (uint8_t)(i >> 8),
				  .dev = (uint8_t)((i >> 3) & 31), .fn = (uint8_t)(i & 7) };
}

/*
 * 100,000 distinct lines, then two that repeat lines 1 and 50,000: every
 * line is kept in order, each repeat is reported as the second occurrence
 * with the line of the first, and every address is found.  (The time this
 * takes is measured by make bench, not here.)
 */
static void test_100000_lines_parse_whole_and_repeats_name_the_first(void)
{
	const unsigned n = 100000;
	size_t cap = (size_t)(n + 2) * 48, len = 0;
	char *text = malloc(cap), a[PCI_ADDR_STRLEN];
	struct manifest m = { 0 };
	struct errors e = { 0 };

	CHECK(text != NULL);
	if (!text)
		return;
	for (unsigned i = 0; i < n; i++) {
		struct pci_addr addr = nth_addr(i);

		pci_addr_format(&addr, a);
		len += (size_t)snprintf(text + len, cap - len, "vfio-pci %s 8086:%04x\n", a,
					i & 0xffff);
	}
	len += (size_t)snprintf(text + len, cap - len, "pci-stub 0000:00:00.0 8086:0000\n");
	len += (size_t)snprintf(text + len, cap - len, "pci-stub 0000:c3:09.7 8086:c34f\n");
	CHECK_INT(manifest_parse_buffer(&m, text, len, collect, &e), 2);
	CHECK_INT(m.n_entries, n);
	CHECK_INT(e.line[0], n + 1);
	CHECK(strstr(e.reason[0], "0000:00:00.0 is already listed on line 1") != NULL);
	CHECK_INT(e.line[1], n + 2);
	/* Line 50,000 is the entry of index 49,999 = 0xc34f. */
	CHECK(strstr(e.reason[1], "0000:c3:09.7 is already listed on line 50000") != NULL);
	for (unsigned i = 0; i < n; i += 997) {
		struct pci_addr addr = nth_addr(i);
		const struct manifest_entry *f = manifest_find_addr(&m, &addr);

		CHECK(f == &m.entries[i]);
		if (f)
			CHECK_INT(f->line, i + 1);
	}
	{
		struct pci_addr absent = { .domain = 0x10, .bus = 1 };

		CHECK(manifest_find_addr(&m, &absent) == NULL);
	}
	free(text);
	manifest_free(&m);
}

/* A manifest filled by hand (no index) is searched line by line. */
static void test_find_addr_without_the_parsers_index(void)
{
	struct manifest_entry entries[3] = { { .any_addr = true }, { .addr = nth_addr(7) },
					     { .addr = nth_addr(9) } };
	struct manifest m = { .entries = entries, .n_entries = 3, .alloc = 3 };
	struct pci_addr a = nth_addr(9), b = nth_addr(8);

	CHECK(manifest_find_addr(&m, &a) == &entries[2]);
	CHECK(manifest_find_addr(&m, &b) == NULL);
}

/* Two '*' lines with one id: the second would never claim anything. */
/* The '*' line that takes a function is the first of the two that can. */
static void test_find_wildcard_takes_the_first_line_whose_id_matches(void)
{
	struct manifest m;
	struct errors e;
	struct pci_id with = { .vendor = 0x10de, .device = 0x1b80, .has_subsys = true,
			       .subvendor = 0x1028, .subdevice = 0x0001 };
	struct pci_id other = with, bare = { .vendor = 0x10de, .device = 0x1b80 };
	const struct manifest_entry *w;

	other.subdevice = 0x0002;
	CHECK_INT(parse(&m, &e, "pci-stub * 10de:1b80:1028:0001\nvfio-pci * 10de:1b80\n"), 0);
	w = manifest_find_wildcard(&m, &with);
	CHECK(w && w->line == 1);
	w = manifest_find_wildcard(&m, &other);
	CHECK(w && w->line == 2);
	w = manifest_find_wildcard(&m, &bare);
	CHECK(w && w->line == 2);
	manifest_free(&m);
	CHECK_INT(parse(&m, &e, "vfio-pci * 10de:1b80\npci-stub * 10de:1b80:1028:0001\n"), 0);
	w = manifest_find_wildcard(&m, &with);
	CHECK(w && w->line == 1);
	bare.device = 0x1b81;
	CHECK(manifest_find_wildcard(&m, &bare) == NULL);
	manifest_free(&m);
}

static void test_same_id_on_two_star_lines_keeps_the_first(void)
{
	struct manifest m;
	struct errors e;

	CHECK_INT(parse(&m, &e,
		"vfio-pci * 10de:1b80\n"
		"pci-stub * 10DE:1B80\n"
		"vfio-pci * 10de:1b80:1028:0001\n"
		"vfio-pci * 10de:1b80:1028:0001   optional\n"
		"vfio-pci 0000:01:00.0 10de:1b80\n"
		"vfio-pci * 10de:1b81\n"), 2);
	CHECK_INT(m.n_entries, 4);
	CHECK_INT(e.line[0], 2);
	CHECK(strstr(e.reason[0], "device '*' with id '10DE:1B80' is already listed on line 1"));
	CHECK_INT(e.line[1], 4);
	CHECK(strstr(e.reason[1], "'10de:1b80:1028:0001' is already listed on line 3"));
	CHECK_STR(m.entries[0].driver, "vfio-pci");
	CHECK_INT(m.entries[1].line, 3);
	CHECK_INT(m.entries[2].line, 5);
	CHECK_INT(m.entries[3].line, 6);
	manifest_free(&m);
}

/* The editor keeps lines as C strings: a NUL would cut its line on save. */
static void test_editor_refuses_a_manifest_with_a_nul_byte_by_its_line(void)
{
	static const char text[] = "# header\nvfio-pci 0000:0b:00.0 1002:73bf\n"
				   "vfio-pci 0000:0b:00.1 1002:ab28  # HDMI\0 audio\n";
	char dir[] = "/tmp/earlybind-test-XXXXXX", path[64];
	struct manifest_doc d;
	FILE *f;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/earlybind.conf", dir);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (!f)
		return;
	CHECK_INT(fwrite(text, 1, sizeof(text) - 1, f), sizeof(text) - 1);
	fclose(f);
	CHECK_INT(manifest_doc_open(&d, NULL, path), -EBADMSG);
	CHECK_INT(d.nul_line, 3);
	CHECK(d.lines == NULL && d.dir_fd == -1 && d.lock_fd == -1);
	unlink(path);
	snprintf(path, sizeof(path), "%s/.earlybind.conf.lock", dir);
	unlink(path);
	rmdir(dir);
}


/* The hand-made formatters print what "%04x:%02x:%02x.%x" and "%04x:%04x" do. */
static void test_formatters_print_what_printf_prints(void)
{
	static const uint32_t domains[] = { 0, 1, 0xabc, 0xffff, 0x10000, 0x7fffffff, 0xffffffff };
	uint32_t x = 12345;

	for (size_t i = 0; i < sizeof(domains) / sizeof(*domains); i++) {
		for (int k = 0; k < 200; k++) {
			struct pci_addr a = { domains[i], (uint8_t)(x >> 3), (uint8_t)(x >> 11) & 31,
					      (uint8_t)(x >> 17) & 7 };
			struct pci_id id = { (uint16_t)x, (uint16_t)(x >> 16), k & 1,
					     (uint16_t)(x * 7), (uint16_t)(x >> 5) };
			char got[PCI_ID_STRLEN], want[PCI_ID_STRLEN];

			pci_addr_format(&a, got);
			snprintf(want, sizeof(want), "%04x:%02x:%02x.%x", (unsigned)a.domain, a.bus,
				 a.dev, a.fn);
			CHECK_STR(got, want);
			pci_id_format(&id, got);
			if (id.has_subsys)
				snprintf(want, sizeof(want), "%04x:%04x:%04x:%04x", id.vendor,
					 id.device, id.subvendor, id.subdevice);
			else
				snprintf(want, sizeof(want), "%04x:%04x", id.vendor, id.device);
			CHECK_STR(got, want);
			x = x * 1103515245u + 12345u;
		}
	}
}

int main(void)
{
	RUN(test_design_example_parses_whole);
	RUN(test_short_address_is_normalised_to_domain_0000);
	RUN(test_vmd_five_digit_domain_is_kept);
	RUN(test_uppercase_hex_matches_lowercase);
	RUN(test_subsystem_id_must_match_when_given);
	RUN(test_id_without_subsystem_ignores_subsystem);
	RUN(test_star_address_and_star_id_are_accepted_alone);
	RUN(test_star_in_both_columns_is_an_error);
	RUN(test_bad_lines_are_reported_with_numbers_and_good_ones_kept);
	RUN(test_one_report_per_bad_line_even_with_two_bad_columns);
	RUN(test_same_address_twice_keeps_the_first_line);
	RUN(test_options_are_comma_separated_and_checked);
	RUN(test_comment_directly_after_a_column_ends_it);
	RUN(test_last_line_without_newline_is_parsed);
	RUN(test_nul_byte_makes_the_line_bad);
	RUN(test_control_characters_are_not_echoed_into_the_log);
	RUN(test_long_driver_name_is_refused);
	RUN(test_id_forms_that_are_not_four_hex_digits_are_refused);
	RUN(test_parse_file_reports_missing_file_and_reads_real_one);
	RUN(test_many_entries_grow_the_array);
	RUN(test_driver_rule_is_one_for_the_parser_and_the_writers);
	RUN(test_format_line_writes_only_what_the_parser_reads_back);
	RUN(test_formatters_print_what_printf_prints);
	RUN(test_set_driver_refuses_a_name_the_parser_would_not_read);
	RUN(test_non_regular_manifest_is_refused_without_waiting);
	RUN(test_100000_lines_parse_whole_and_repeats_name_the_first);
	RUN(test_find_addr_without_the_parsers_index);
	RUN(test_same_id_on_two_star_lines_keeps_the_first);
	RUN(test_find_wildcard_takes_the_first_line_whose_id_matches);
	RUN(test_editor_refuses_a_manifest_with_a_nul_byte_by_its_line);
	return CHECK_EXIT();
}
