// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * earlybindctl: the admin side of earlybind.  This file is options and
 * dispatch; each command lives in its own file (cmd_X.c, holding cmd_X()).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "rootpath.h"

static const struct command {
	const char *name;
	int (*run)(struct ctl *c, int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "list", cmd_list, "IOMMU groups, their functions, and what can be passed through" },
	{ "show", cmd_show, "one function in full" },
	{ "add", cmd_add, "claim a function (and the rest of its card and group)" },
	{ "remove", cmd_remove, "stop claiming functions" },
	{ "kargs", cmd_kargs, "the kernel arguments the manifest needs here" },
	{ "status", cmd_status, "what is in effect, and what waits for a reboot" },
	{ "apply", cmd_apply, "make the boot configuration match the manifest" },
	{ "doctor", cmd_doctor, "the checks that explain a failed passthrough" },
	{ "vm", cmd_vm, "put the claimed functions into a libvirt domain" },
};

static void usage(FILE *out)
{
	fputs("Usage: earlybindctl [--root DIR] [-q] COMMAND [OPTIONS]\n\n"
	      "Chooses the PCI functions earlybind hands to vfio-pci or pci-stub at boot,\n"
	      "and keeps /etc/earlybind.conf and the boot configuration in step.\n\n"
	      "Commands:\n",
	      out);
	for (size_t i = 0; i < sizeof(commands) / sizeof(*commands); i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fputs("\nOptions (also after the command):\n"
	      "  -r, --root DIR  work on the system under DIR (/sys, /proc, /etc, /dev)\n"
	      "  -q, --quiet     print errors only\n"
	      "  -h, --help      this help; COMMAND --help for a command's\n"
	      "  -V, --version   the version\n\n"
	      "Exit status: 0 done, 1 refused or failed, 2 usage error,\n"
	      "3 (status) something waits for a reboot or an apply.\n"
	      "See earlybindctl(8) and earlybind.conf(5).\n",
	      out);
}

int ctl_manifest_path(const struct ctl *c, char *buf, size_t size)
{
	return root_path(buf, size, c->root, "/etc/earlybind.conf");
}

/* -r DIR: "" is no directory (root_path() would take it for "/"). 0 or -EINVAL. */
static int set_root(struct ctl *c, const char *dir)
{
	if (!dir[0]) {
		ctl_error("--root: the directory name is empty; the running system is --root /");
		return -EINVAL;
	}
	c->root = dir;
	return 0;
}

int ctl_common_option(struct ctl *c, int opt, const char *arg, const char *usage_text)
{
	switch (opt) {
	case 'r':
		if (set_root(c, arg) < 0)
			exit(CTL_EXIT_USAGE);
		return 1;
	case 'q':
		c->quiet = true;
		return 1;
	case 'h':
		fputs(usage_text, stdout);
		exit(CTL_EXIT_OK);
	default:
		return 0;
	}
}

int ctl_parse_json_only(struct ctl *c, int argc, char **argv, const char *usage_text,
			bool *json, int nargs)
{
	static const struct option opts[] = {
		CTL_COMMON_LONG,
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, CTL_COMMON_SHORT "j", opts, NULL)) != -1) {
		if (ctl_common_option(c, opt, optarg, usage_text))
			continue;
		if (opt != 'j')
			return ctl_usage_error(usage_text);
		*json = true;
	}
	return argc - optind == nargs ? 0 : ctl_usage_error(usage_text);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	/* argv[0] of the command for getopt; lives as long as main. */
	char cmd_name[64];
	struct ctl c = { .root = "/" };
	const char *nc = getenv("NO_COLOR");
	int opt;

	/*
	 * getopt prefixes its messages with argv[0]: the name we say
	 * everything else under, not the path we were run by.
	 */
	argv[0] = (char *)"earlybindctl";

	c.color = isatty(STDOUT_FILENO) && !(nc && *nc);
	/* '+': stop at the command; its own options follow it. */
	while ((opt = getopt_long(argc, argv, "+r:qhV", opts, NULL)) != -1) {
		switch (opt) {
		case 'r':
			if (set_root(&c, optarg) < 0)
				return CTL_EXIT_USAGE;
			break;
		case 'q':
			c.quiet = true;
			break;
		case 'h':
			usage(stdout);
			return CTL_EXIT_OK;
		case 'V':
			printf("earlybindctl %s\n", VERSION);
			return CTL_EXIT_OK;
		default:
			fputs("Try 'earlybindctl --help'.\n", stderr);
			return CTL_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return CTL_EXIT_USAGE;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(*commands); i++) {
		if (strcmp(argv[optind], commands[i].name) != 0)
			continue;
		argc -= optind;
		argv += optind;
		/* "earlybindctl add: unrecognized option ..." from the command's getopt. */
		snprintf(cmd_name, sizeof(cmd_name), "earlybindctl %s", commands[i].name);
		argv[0] = cmd_name;
		optind = 0; /* getopt_long starts over for the command */
		return commands[i].run(&c, argc, argv);
	}
	ctl_error("unknown command '%s'; try 'earlybindctl --help'", argv[optind]);
	return CTL_EXIT_USAGE;
}
