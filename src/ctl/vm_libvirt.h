/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Talking to libvirt through its C API: a connection, a domain's
 * persistent XML read and defined back, and which domains pass which host
 * PCI functions through.  Errors come back as -errno with libvirt's own
 * message; nothing is printed (libvirt's default error printer is off).
 */
#ifndef EARLYBIND_VM_LIBVIRT_H
#define EARLYBIND_VM_LIBVIRT_H

#include <stdbool.h>
#include <stddef.h>

#include "manifest.h"

struct vm_conn;

/*
 * Connects to @uri (NULL: libvirt's default: LIBVIRT_DEFAULT_URI, the
 * client configuration's uri_default, else qemu:///system for root).
 * 0, or -ECONNREFUSED when no daemon listens there, -EIO for any other
 * failure; libvirt's reason in @msg either way.
 */
int vm_conn_open(const char *uri, bool readonly, struct vm_conn **out, char *msg, size_t size);
void vm_conn_close(struct vm_conn *c);
/* The URI libvirt connected to, as it says it. */
const char *vm_conn_uri(const struct vm_conn *c);

/*
 * Domain @name's persistent definition, secrets included (what virsh edit
 * reads, so that defining it back loses no password), malloc'ed into
 * *@xml; *@active when it runs now.  0, -ENOENT when there is no such
 * domain, -EIO; the reason in @msg.
 */
int vm_domain_xml(struct vm_conn *c, const char *name, char **xml, bool *active, char *msg,
		  size_t size);
/* Defines @xml, checked against libvirt's schema first.  0 or -EIO, the reason in @msg. */
int vm_domain_define(struct vm_conn *c, const char *xml, char *msg, size_t size);

/* One host PCI function that one domain passes through. */
struct vm_use {
	char domain[256];
	struct pci_addr host;
	bool managed; /* managed='yes': libvirt binds it at start and gives it back at stop */
};

/*
 * What every domain of the connection (defined or running) passes through,
 * malloc'ed into *@out, in libvirt's order of domains.  0 or -EIO, -ENOMEM.
 */
int vm_conn_uses(struct vm_conn *c, struct vm_use **out, size_t *n, char *msg, size_t size);

#endif
