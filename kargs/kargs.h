/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel arguments: a command line as a list of whole tokens (repeated keys
 * are a list, not a map, for the kernel, rpm-ostree and grubby alike), and
 * the arguments a manifest needs on a given machine.
 */
#ifndef EARLYBIND_KARGS_H
#define EARLYBIND_KARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "host.h"
#include "manifest.h"

struct kargs {
	char **v;
	size_t n, alloc;
};

int kargs_push(struct kargs *k, const char *tok);
void kargs_free(struct kargs *k);
/* Drops the tokens after the first @n (none when there are @n or fewer). */
void kargs_truncate(struct kargs *k, size_t n);
bool kargs_has(const struct kargs *k, const char *tok);
/* Takes the first @tok out, keeping the order of the rest; false when there is none. */
bool kargs_remove(struct kargs *k, const char *tok);

/*
 * Appends the tokens of @cmdline, split as the kernel splits them
 * (cmdline_next() in src/shared/cmdline.h, the one splitter): a quoted
 * value, blanks and all, is one token, and only the last token of a text
 * can end inside a quote.  0 or -ENOMEM.
 */
int kargs_split(struct kargs *k, const char *cmdline);
/* The tokens joined by single spaces; NULL on -ENOMEM.  Free it. */
char *kargs_join(const struct kargs *k);

/*
 * Is @tok one token that a command line can take as it is: not empty, no
 * blank outside quotes, every quote closed (and no NUL, by being a C
 * string)?  Such a token splits back to itself wherever it is put.
 */
bool kargs_is_token(const char *tok);

/*
 * @text rebuilt token by token, never by searching the text: for each of
 * @del, its last whole-token occurrence is taken out with the blanks
 * before it (after it, when nothing is kept before it); then @add (each
 * kargs_is_token) goes after the last token that is kept, one space
 * before each, ahead of the blanks that end the text.  Every other byte
 * stays as it was, so adding tokens and then deleting the same ones gives
 * back @text exactly.  0 with the result in *@out (free it); -ENOMEM;
 * -EINVAL when @add is not empty and the last kept token ends inside a
 * quote (the added tokens would become part of its value).
 */
int kargs_edit(const char *text, const struct kargs *del, const struct kargs *add, char **out);

enum kargs_mode {
	KARGS_MODE_ADDRESS, /* earlybind binds in the initramfs: no id lists */
	KARGS_MODE_IDS,     /* vfio-pci.ids= and pci-stub.ids=, without earlybind */
};


/* What of the machine decides the arguments. */
struct kargs_machine {
	enum cpu_vendor cpu;
	bool boot_vga_claimed; /* the manifest claims the boot VGA function (forced) */
	bool sysfb;	       /* the kernel has sysfb_init, which registers simpledrm/efifb */
	/* Every PCI function, to find the ones an id list would take too. */
	const struct pci_addr *addrs;
	const struct pci_id *ids;
	size_t n_functions;
};

struct kargs_result {
	struct kargs args;
	/* ids mode: functions the manifest does not claim that carry an id it names */
	struct pci_addr *conflicts;
	size_t n_conflicts;
	/* ids mode: the first entry an id list cannot express (0 when none) */
	unsigned inexpressible_line;
};

/*
 * The arguments @m needs on @mach, in the order: IOMMU, iommu=pt, what
 * releases the firmware framebuffer, then (ids mode) rd.driver.pre=vfio-pci,
 * one vfio-pci.ids= and one pci-stub.ids= token with the ids in manifest
 * order, each once.  0 or -ENOMEM; conflicts are reported, not refused:
 * the caller decides.
 */
int kargs_wanted(const struct manifest *m, const struct kargs_machine *mach,
		 enum kargs_mode mode, struct kargs_result *out);
void kargs_result_free(struct kargs_result *r);

/* The key of a token: "vfio-pci.ids" of "vfio-pci.ids=1002:73bf". */
size_t kargs_key_len(const char *tok);

enum kargs_format {
	KARGS_FORMAT_PLAIN,
	KARGS_FORMAT_JSON,
	KARGS_FORMAT_RPM_OSTREE,
	KARGS_FORMAT_GRUBBY,
	KARGS_FORMAT_GRUB,
	KARGS_FORMAT_BOOTC,
};

int kargs_format_parse(const char *s, enum kargs_format *out);
/* Prints @k as the command or file the back end takes. */
void kargs_print(FILE *out, const struct kargs *k, enum kargs_format f, enum kargs_mode mode);

#endif
