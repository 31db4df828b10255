/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every earlybindctl command shares: the root it works on, how it
 * talks to the user, and the command entry points (one file each).
 *
 * One error contract: every function below a cmd_X() returns 0 or -errno.
 * Library code (pcidev, blockdev, modalias, verdict, vm_xml, vm_libvirt,
 * src/shared, kargs/) says nothing: it hands its words back (a message
 * buffer) or says them through the reporter it is given (report.h; apply's
 * back ends).  The helpers here that know the words say them once, with
 * ctl_error() or ctl_warn(), before they return ("-errno after saying
 * why"), and their callers add nothing.  Only cmd_X() turns a
 * result into an exit status (CTL_EXIT_*).  A message about a place in a
 * file is "FILE:LINE: reason", as compilers write it.
 */
#ifndef EARLYBIND_CTL_H
#define EARLYBIND_CTL_H

#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "kargs.h"
#include "manifest.h"
#include "pcidev.h"
#include "verdict.h"

#define CTL_EXIT_OK 0
#define CTL_EXIT_FAIL 1
#define CTL_EXIT_USAGE 2
#define CTL_EXIT_PENDING 3 /* status: something waits for a reboot or an apply */

/* The manifest, as messages name it: its path inside the root. */
#define CTL_MANIFEST "/etc/earlybind.conf"

struct ctl {
	const char *root; /* "/" on a real system */
	bool quiet;       /* -q: errors only */
	bool color;       /* stdout is a terminal and NO_COLOR is unset */
};

/*
 * Text from outside (a disk label, a driver or device name, sysfs contents,
 * a manifest line, a path) as it may be printed to @f: as it is, unless @f
 * is a terminal; there with every control character, C1 ones too, and
 * every byte that is not UTF-8 written out (\x1b, \u009b, \xff), so that
 * the terminal acts on none.  An escaped copy lives until 8 later calls.
 */
const char *ctl_text(FILE *f, const char *s);
/* vfprintf() of one line (no newline of its own), all of it as ctl_text() shows it. */
void ctl_vprint_text(FILE *f, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/*
 * The messages: each one line, every byte of it as ctl_text() shows it.
 * "earlybindctl: " and the message, on stderr.
 */
void ctl_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "earlybindctl: warning: " and the message, on stderr, unless -q. */
void ctl_warn(const struct ctl *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Informational output on stdout, unless -q. */
void ctl_info(const struct ctl *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * A line that goes on with the error (@warning false; @c may be NULL) or
 * the warning just said, as it is, on stderr: "  ITEM" of a list.  -q
 * silences a warning's lines with it.
 */
void ctl_more(const struct ctl *c, bool warning, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* @usage on stderr; -EINVAL, for an option parser to return. */
int ctl_usage_error(const char *usage);
/* The manifest's path under the root. */
int ctl_manifest_path(const struct ctl *c, char *buf, size_t size);
/* An escape sequence when colour is on (a terminal, no NO_COLOR), else "". */
enum ctl_color { CTL_RESET, CTL_BOLD, CTL_RED, CTL_GREEN, CTL_YELLOW, CTL_DIM };
const char *ctl_color(const struct ctl *c, enum ctl_color which);

/*
 * The options every command takes, for its getopt_long table and switch:
 * -r/--root DIR, -q/--quiet, -h/--help.  ctl_common_option() handles them:
 * 1 when it took @opt, 0 when @opt is the command's own.
 */
#define CTL_COMMON_SHORT "r:qh"
#define CTL_COMMON_LONG                                                           \
	{ "root", required_argument, NULL, 'r' }, { "quiet", no_argument, NULL, 'q' }, \
	{                                                                         \
		"help", no_argument, NULL, 'h'                                    \
	}
int ctl_common_option(struct ctl *c, int opt, const char *arg, const char *usage);
/*
 * The options of a command that takes the common ones, --json (*@json)
 * and @nargs arguments (from optind).  0, or -EINVAL after the usage.
 */
int ctl_parse_json_only(struct ctl *c, int argc, char **argv, const char *usage, bool *json,
			int nargs);

struct ctl_vm_uses;
struct modalias;

/* The machine as the commands see it: functions, manifest, verdicts. */
struct ctl_machine {
	struct pcidev_list devs;
	struct manifest manifest;
	int manifest_bad; /* bad lines in the manifest */
	struct verdict_ctx vc;
	struct ctl_vm_uses *uses; /* libvirt's domains: NULL unless the command loads them */
	/* the running kernel's modules (modalias_open()): NULL unless the command opens them */
	struct modalias *kmod;
};

/* 0, or -errno after saying why. */
int ctl_machine_load(const struct ctl *c, struct ctl_machine *m);
void ctl_machine_free(struct ctl_machine *m);
/* "0000:0b:00.0 [1002:73bf] Navi 21 ...", for messages. */
void ctl_describe(const struct pcidev *d, char *buf, size_t size);
/*
 * A DEVICE argument: an address, or a vendor:device id that names exactly
 * one function.  0, or -errno after saying why: -EINVAL when @arg is
 * neither (a usage error), -ENODEV when no function is at the address or
 * has the id, -ENOTUNIQ when several have it (they are listed).
 */
int ctl_resolve(const struct ctl_machine *m, const char *arg, const struct pcidev **out);

/*
 * The manifest entry that claims @d: its address line, else a '*' line
 * with its id.  *mismatch is set when the address line's id is not @d's
 * (earlybind will leave the function alone).  NULL when none.
 */
const struct manifest_entry *ctl_manifest_entry(const struct ctl_machine *m,
						const struct pcidev *d, bool *mismatch);
/*
 * Does group member @o leave its IOMMU group viable once earlybind has run:
 * on a driver that does (vfio_driver_leaves_group_viable()) now, or put on
 * one by its manifest line?  The one answer for doctor and vm.
 */
bool ctl_member_leaves_group_viable(const struct ctl_machine *m, const struct pcidev *o);
/* @d's id, with the subsystem when it has one. */
void ctl_pci_id(const struct pcidev *d, struct pci_id *id);

/*
 * A manifest line that would take a function the running system lives on:
 * one that holds /, /boot, /boot/efi, /usr, /var, /sysroot or active swap
 * (or block devices that cannot be read, which may be any of these).
 */
struct ctl_system_claim {
	const struct manifest_entry *e;
	const struct pcidev *d;
	const char *disks; /* "nvme0n1p3 on /, nvme0n1p4 on [SWAP]" */
	bool by_ids;       /* not the line: the id list --mode ids makes of it */
};
typedef void ctl_system_claim_fn(void *userdata, const struct ctl_system_claim *sc);
/*
 * The one test of every command for a manifest that takes the system's
 * disk, however the line got there: @fn (may be NULL) for each line that
 * claims such a function as earlybind matches at boot (address and id; a
 * '*' line every function with its id), in line order; and, when @res is
 * ctl_machine_kargs()' in ids mode, for each line whose id would take one
 * through vfio-pci.ids=.  Returns how many.
 */
size_t ctl_system_claims(const struct ctl_machine *m, const struct kargs_result *res,
			 ctl_system_claim_fn *fn, void *userdata);
/*
 * "claims 0000:01:00.0 [144d:a80a] NAME, which holds nvme0n1p3 on /" for
 * messages into @what, and what to do about it into @fix.
 */
void ctl_system_claim_describe(const struct ctl_system_claim *sc, char *what, size_t wsize,
			       char *fix, size_t fsize);
/* ctl_system_claims(), each said on stderr: "/etc/earlybind.conf:N: ...".  How many. */
size_t ctl_refuse_system_claims(const struct ctl_machine *m, const struct kargs_result *res);

/* kargs_wanted() for the loaded machine and its good manifest lines.  0 or -errno. */
int ctl_machine_kargs(const struct ctl *c, const struct ctl_machine *m, enum kargs_mode mode,
		      struct kargs_result *res);
/*
 * ctl_machine_kargs(), refused (-EBADMSG) when the manifest has bad lines
 * (arguments from the lines that are left would quietly leave a device
 * out) or would take the system's disk (ctl_system_claims(), --force or
 * not).  Every error is said on stderr.
 */
int ctl_wanted_kargs(const struct ctl *c, const struct ctl_machine *m, enum kargs_mode mode,
		     struct kargs_result *res);
/* --mode's "address" or "ids".  0, or -EINVAL (the caller says CTL_MODE_ERROR). */
int ctl_parse_mode(const char *s, enum kargs_mode *mode);
#define CTL_MODE_ERROR "--mode: '%s' is not address or ids"

/*
 * Which libvirt domains pass which host functions through (vm_uses.c),
 * read once from the domains' XML at qemu:///system (LIBVIRT_DEFAULT_URI
 * when set), read-only.  Under a --root other than "/" only from
 * LIBVIRT_DEFAULT_URI: the machine there is not the one libvirt runs on.
 * Loading never fails; what cannot be read is simply not known.
 */
struct json;
struct ctl_vm_uses *ctl_vm_uses_load(const struct ctl *c);
void ctl_vm_uses_free(struct ctl_vm_uses *u);
/* Appends "; libvirt domain win11" (the domains that use @a) to @buf, inside its ')'. */
void ctl_vm_uses_say(const struct ctl_vm_uses *u, const struct pci_addr *a, char *buf,
		     size_t size);
/* "@indent" "used by libvirt domain win11", a line of its own, when some domain uses @a. */
void ctl_vm_uses_print(const struct ctl_vm_uses *u, const struct pci_addr *a,
		       const char *indent);
/* "domains": ["win11"], or null when libvirt was not read. */
void ctl_vm_uses_json(const struct ctl_vm_uses *u, struct json *j, const struct pci_addr *a);
/* doctor's check of the domains; @level 0 ok, 1 warn, 2 fail. */
typedef void (*ctl_vm_report_fn)(void *userdata, int level, const char *hint, const char *text);
void ctl_vm_doctor(const struct ctl *c, const struct ctl_machine *m, ctl_vm_report_fn report,
		   void *userdata);

/*
 * Locks and reads the manifest for add and remove (manifest_doc_open()),
 * its path under the root into @path.  0, or -errno after saying why.
 */
struct manifest_doc;
int ctl_manifest_open(const struct ctl *c, struct manifest_doc *doc, char *path, size_t size);
/*
 * After the edits to @doc (opened at @path) ended in @r (0 or -errno):
 * saves it when @r is 0 and @changed.  0, or -errno after saying that the
 * manifest is unchanged.
 */
int ctl_manifest_save(struct manifest_doc *doc, const char *path, int r, bool changed);


int cmd_apply(struct ctl *c, int argc, char **argv);
int cmd_list(struct ctl *c, int argc, char **argv);
int cmd_show(struct ctl *c, int argc, char **argv);
int cmd_add(struct ctl *c, int argc, char **argv);
int cmd_remove(struct ctl *c, int argc, char **argv);
int cmd_kargs(struct ctl *c, int argc, char **argv);
int cmd_status(struct ctl *c, int argc, char **argv);
int cmd_doctor(struct ctl *c, int argc, char **argv);
int cmd_vm(struct ctl *c, int argc, char **argv);

#endif
