/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The earlybind manifest (/etc/earlybind.conf): one PCI function per line,
 *
 *     driver  device  id  [options]    # comment
 *
 * shared by the boot binary and the admin tool.  See earlybind.conf(5).
 */
#ifndef EARLYBIND_MANIFEST_H
#define EARLYBIND_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest kernel module name (MODULE_NAME_LEN - 1 on 64-bit kernels). */
#define MANIFEST_DRIVER_MAX 55
/* What separates columns: C's isspace() but the newline, which ends a line. */
#define MANIFEST_BLANKS " \t\r\v\f"
/* "dddddddd:bb:dd.f" and a NUL: the kernel prints domains with %04x. */
#define PCI_ADDR_STRLEN 17

/* An entry's options column. */
enum {
	MANIFEST_OPT_OPTIONAL = 1u << 0, /* a missing function is not an error */
};

struct pci_addr {
	uint32_t domain;
	uint8_t bus;
	uint8_t dev; /* 0..31 */
	uint8_t fn;  /* 0..7 */
};

struct pci_id {
	uint16_t vendor;
	uint16_t device;
	bool has_subsys; /* subvendor and subdevice are set */
	uint16_t subvendor;
	uint16_t subdevice;
};

struct manifest_entry {
	char driver[MANIFEST_DRIVER_MAX + 1];
	bool any_addr; /* device column was '*' */
	struct pci_addr addr;
	bool any_id; /* id column was '*' */
	struct pci_id id;
	unsigned options; /* MANIFEST_OPT_* */
	unsigned line;    /* 1-based line number in the source */
};

struct manifest {
	struct manifest_entry *entries;
	size_t n_entries;
	size_t alloc;
	/*
	 * The entries by address ('*' lines by id), built as they are parsed,
	 * so that finding a duplicate costs the same on line 10 and line
	 * 100,000: open addressing, each slot an entry's index + 1, 0 empty.
	 */
	size_t *index;
	size_t index_cap; /* a power of two, or 0 */
	size_t n_indexed; /* the first n_indexed entries are in it */
};

/*
 * Called once for each line that is skipped, with its 1-based number and a
 * reason that names the offending token.  The reason does not end in a
 * newline and lives only until the callback returns.
 */
typedef void (*manifest_error_fn)(void *userdata, unsigned line, const char *reason);

/*
 * Parses @len bytes of @buf and appends the good lines to @m.  Bad lines are
 * reported through @err (which may be NULL) and skipped; parsing goes on.
 * Returns the number of bad lines (>= 0), or -ENOMEM.
 */
int manifest_parse_buffer(struct manifest *m, const char *buf, size_t len,
			  manifest_error_fn err, void *userdata);

/*
 * Reads @path and parses it as manifest_parse_buffer() does.  Returns the
 * number of bad lines, or -errno if the file cannot be read (-ENOENT when it
 * does not exist, -EFBIG when it is larger than MANIFEST_MAX_SIZE, -EISDIR
 * for a directory, -EINVAL for anything else that is not a regular file: a
 * FIFO, a device or a socket is refused without waiting on it).
 */
#define MANIFEST_MAX_SIZE (16u << 20)
int manifest_parse_file(struct manifest *m, const char *path,
			manifest_error_fn err, void *userdata);
/* What an error of manifest_parse_file() or manifest_doc_open() means. */
const char *manifest_file_strerror(int r);

void manifest_free(struct manifest *m);

/*
 * The rules of the columns, the one place where they are decided: the
 * parser and every writer of a manifest line use them, so that a writer
 * can never write what the parser reads otherwise (a newline or a vertical
 * tab in a driver name would be a second line or more columns).
 */
bool manifest_is_blank(char c);
/*
 * A kernel module or driver name: 1 to MANIFEST_DRIVER_MAX bytes of
 * [A-Za-z0-9_-], not starting with '-' (it would be an option to modprobe
 * and dracut-install).  @len bytes at @s; @s need not be NUL-terminated.
 */
bool manifest_driver_valid(const char *s, size_t len);

/* "0b:00.0" or "0000:0b:00.0"; 0 or -EINVAL. */
int pci_addr_parse(const char *s, struct pci_addr *out);
/* Writes the kernel's form, "0000:0b:00.0", into @buf (PCI_ADDR_STRLEN). */
void pci_addr_format(const struct pci_addr *a, char buf[PCI_ADDR_STRLEN]);
bool pci_addr_equal(const struct pci_addr *a, const struct pci_addr *b);

/* "VVVV:DDDD" or "VVVV:DDDD:SVVV:SDDD", hex in either case; 0 or -EINVAL. */
int pci_id_parse(const char *s, struct pci_id *out);
/* "VVVV:DDDD:SVVV:SDDD" and a NUL. */
#define PCI_ID_STRLEN 20
/*
 * Writes @id as pci_id_parse() reads it, in lower case, into @buf: with
 * the subsystem when @id has one (has_subsys), else "VVVV:DDDD".
 */
void pci_id_format(const struct pci_id *id, char buf[PCI_ID_STRLEN]);

/*
 * Does a function with id @have satisfy the entry's id column?  The subsystem
 * ids are compared only when the entry gives them; then @have must carry them.
 */
bool manifest_entry_id_matches(const struct manifest_entry *e, const struct pci_id *have);

/*
 * The first '*' line that takes a function of id @have (its vendor:device,
 * or those and @have's subsystem ids), or NULL.  Through the index when the
 * parser built one for every entry, else line by line.
 */
const struct manifest_entry *manifest_find_wildcard(const struct manifest *m,
						    const struct pci_id *have);

/*
 * The entry whose (non-'*') device column is @a, or NULL.  Through the
 * index when the parser built one for every entry, else line by line.
 */
const struct manifest_entry *manifest_find_addr(const struct manifest *m,
						const struct pci_addr *a);

#endif
