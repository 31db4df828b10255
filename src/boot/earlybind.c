// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * earlybind: run from the initramfs before udev, binds the PCI functions
 * listed in /etc/earlybind.conf to vfio-pci, pci-stub or another driver.
 * See earlybind(8).  Whatever fails is logged and the rest goes on: this
 * program must never be the reason a machine does not boot.
 */
#include "bind.h"
#include "cmdline.h"
#include "kmsg.h"
#include "manifest.h"
#include "rootpath.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#ifndef VERSION
#define VERSION "unknown"
#endif

#define CONFIG_PATH "/etc/earlybind.conf"

enum { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2 };

static void usage(FILE *out)
{
	fputs("Usage: earlybind [options]\n"
	      "\n"
	      "Bind the PCI functions listed in " CONFIG_PATH " to their drivers\n"
	      "(vfio-pci, pci-stub, ...) before udev starts.  Run by the dracut hook.\n"
	      "\n"
	      "Options:\n"
	      "  -c, --config FILE  read FILE instead of ROOT" CONFIG_PATH "\n"
	      "  -r, --root DIR     find /sys, /proc, /dev/kmsg, /etc and /lib/modules\n"
	      "                     under DIR (default /)\n"
	      "  -n, --dry-run      print the writes it would make, change nothing\n"
	      "  -v, --verbose      also print the log lines on stderr\n"
	      "  -h, --help         show this help\n"
	      "  -V, --version      show the version\n"
	      "\n"
	      "rd.earlybind=0 on the kernel command line turns it off.\n"
	      "Exit status: 0 all applied, 1 something failed, 2 usage error.\n"
	      "See earlybind(8) and earlybind.conf(5).\n", out);
}

struct manifest_log {
	struct kmsg *log;
	const char *name;
};

static void log_bad_line(void *userdata, unsigned line, const char *reason)
{
	struct manifest_log *ml = userdata;

	kmsg_log(ml->log, LOG_ERR, "%s: line %u: %s; line skipped", ml->name, line, reason);
}

/* What a log line shows of a value: at most 40 bytes, control bytes as '?'. */
static void shown_value(const struct cmdline_value *v, char buf[48])
{
	size_t n = v->len > 40 ? 40 : v->len;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v->s[i];

		buf[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	snprintf(buf + n, 48 - n, "%s", v->len > 40 ? "..." : "");
}

/*
 * rd.earlybind on the kernel command line: 0 to go on, 1 when it switches
 * earlybind off (said in the log), -1 when /proc/cmdline cannot be read.
 * The rescue switch fails safe: a value that is not understood, and a
 * command line that cannot be read, count as rd.earlybind=0.
 */
static int switched_off(const char *root, struct kmsg *log)
{
	static const char takes[] = "it takes 0 or 1 (no or yes, off or on, false or true); "
				    "taken as rd.earlybind=0, no function claimed";
	struct cmdline_value v;
	char path[4096], shown[48], *cmdline = NULL;
	size_t len = 0;
	int r, off = 1;

	r = root_path(path, sizeof(path), root, "/proc/cmdline");
	if (r == 0)
		r = cmdline_read_file(path, &cmdline, &len);
	if (r == -ENOENT) {
		/* The kernel always has one: only a bare fake root lacks it. */
		kmsg_log(log, LOG_WARNING, "/proc/cmdline does not exist: no rd.earlybind; "
			 "going on");
		return 0;
	}
	if (r < 0) {
		kmsg_log(log, LOG_ERR, "cannot read /proc/cmdline: %s; it may say rd.earlybind=0, "
			 "so no function claimed", strerror(-r));
		return -1;
	}
	if (memchr(cmdline, '\0', len))
		kmsg_log(log, LOG_WARNING, "/proc/cmdline holds a NUL byte; read as a space between "
			 "parameters");
	switch (cmdline_get_switch(cmdline, len, "rd.earlybind", &v)) {
	case CMDLINE_ABSENT:
	case CMDLINE_ON:
		off = 0;
		break;
	case CMDLINE_OFF:
		shown_value(&v, shown);
		kmsg_log(log, LOG_NOTICE, "disabled by rd.earlybind=%s on the kernel command "
			 "line; no function claimed", shown);
		break;
	case CMDLINE_UNKNOWN:
		shown_value(&v, shown);
		if (v.has_value)
			kmsg_log(log, LOG_WARNING, "disabled by rd.earlybind='%s' on the kernel "
				 "command line: %s", shown, takes);
		else
			kmsg_log(log, LOG_WARNING, "disabled by rd.earlybind without a value "
				 "on the kernel command line: %s", takes);
		break;
	case CMDLINE_UNCLOSED:
		kmsg_log(log, LOG_WARNING, "disabled: rd.earlybind is inside a quote that the "
			 "kernel command line never closes; taken as rd.earlybind=0, no function "
			 "claimed");
		break;
	}
	free(cmdline);
	return off;
}

/* @config: the --config FILE, or NULL for ROOT/etc/earlybind.conf. */
static int run(const char *root, const char *config, struct kmsg *log, FILE *dry_run)
{
	struct manifest m = { 0 };
	const char *name = config ? config : CONFIG_PATH;
	struct manifest_log ml = { log, name };
	struct bind_opts opts = { root, name, dry_run };
	struct bind_stats st;
	char path[4096];
	int r, bad;

	r = switched_off(root, log);
	if (r)
		return r < 0 ? EXIT_FAILED : EXIT_OK;

	/* --config FILE is taken as given, like any path on a command line. */
	if (config)
		r = snprintf(path, sizeof(path), "%s", config) < (int)sizeof(path) ? 0 : -ENAMETOOLONG;
	else
		r = root_path(path, sizeof(path), root, CONFIG_PATH);
	bad = r < 0 ? r : manifest_parse_file(&m, path, log_bad_line, &ml);
	if (bad == -ENOENT) {
		kmsg_log(log, LOG_NOTICE, "%s does not exist; nothing to do", name);
		return EXIT_OK;
	}
	if (bad < 0) {
		kmsg_log(log, LOG_ERR, "cannot read %s: %s; no function claimed", name,
			 manifest_file_strerror(bad));
		return EXIT_FAILED;
	}

	r = bind_manifest(&m, &opts, log, &st);
	manifest_free(&m);
	if (r < 0) {
		kmsg_log(log, LOG_ERR, "cannot open /sys/bus/pci: %s; no function claimed",
			 strerror(-r));
		return EXIT_FAILED;
	}
	st.failed += (unsigned)bad;
	kmsg_summary(log, st.failed ? LOG_ERR : LOG_NOTICE,
		     "%s%u bound, %u already on their driver, %u optional absent, %u failed%s%s",
		     dry_run ? "dry run: " : "", st.bound, st.already, st.optional, st.failed,
		     st.failed ? "; rd.earlybind=0 at the boot menu turns earlybind off" : "",
		     log->held ? "; some lines were held back by the kernel log's rate limit "
		     "(printk.devkmsg=on lifts it)" : "");
	return st.failed ? EXIT_FAILED : EXIT_OK;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "root", required_argument, NULL, 'r' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *root = "/", *config = NULL;
	bool dry_run = false, verbose = false;
	struct kmsg log;
	int c, status;

	while ((c = getopt_long(argc, argv, "c:r:nvhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
		case 'r':
			/* "" is no path: not "/", and not the current directory either. */
			if (!optarg[0]) {
				fprintf(stderr, "earlybind: --%s needs a %s, not ''\n"
					"Try 'earlybind --help' for more information.\n",
					c == 'r' ? "root" : "config", c == 'r' ? "directory" : "file");
				return EXIT_USAGE;
			}
			if (c == 'r')
				root = optarg;
			else
				config = optarg;
			break;
		case 'n':
			dry_run = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			puts("earlybind " VERSION);
			return EXIT_OK;
		default:
			fputs("Try 'earlybind --help' for more information.\n", stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "earlybind: unexpected argument '%s'\n"
			"Try 'earlybind --help' for more information.\n", argv[optind]);
		return EXIT_USAGE;
	}

	kmsg_open(&log, root, !dry_run, verbose || dry_run ? stderr : NULL);
	status = run(root, config, &log, dry_run ? stdout : NULL);
	kmsg_close(&log);
	return status;
}
