// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What status, list and doctor say about libvirt's domains: which one
 * passes which claimed function through, and whether it lets libvirt
 * rebind one that earlybind put on pci-stub.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "json.h"
#include "rootpath.h"
#include "vm_libvirt.h"

struct ctl_vm_uses {
	bool asked;  /* libvirt was asked */
	int err;     /* 0, or why it could not be read (-ECONNREFUSED: no daemon) */
	char msg[512];
	char uri[256];
	struct vm_use *v;
	size_t n;
};

struct ctl_vm_uses *ctl_vm_uses_load(const struct ctl *c)
{
	struct ctl_vm_uses *u = calloc(1, sizeof(*u));
	const char *env = getenv("LIBVIRT_DEFAULT_URI");
	bool from_env = env && *env;
	struct vm_conn *conn;

	if (!u)
		return NULL;
	if (!root_is_plain(c->root) && !from_env)
		return u;
	u->asked = true;
	/*
	 * The system's domains, not a session's: only they can own a host
	 * function.  NULL lets libvirt read LIBVIRT_DEFAULT_URI itself.
	 */
	snprintf(u->uri, sizeof(u->uri), "%s", from_env ? env : "qemu:///system");
	u->err = vm_conn_open(from_env ? NULL : "qemu:///system", true, &conn, u->msg,
			      sizeof(u->msg));
	if (u->err < 0)
		return u;
	snprintf(u->uri, sizeof(u->uri), "%s", vm_conn_uri(conn));
	u->err = vm_conn_uses(conn, &u->v, &u->n, u->msg, sizeof(u->msg));
	vm_conn_close(conn);
	for (char *p = u->msg; *p; p++)
		if (*p == '\n')
			*p = ' ';
	return u;
}

void ctl_vm_uses_free(struct ctl_vm_uses *u)
{
	if (!u)
		return;
	free(u->v);
	free(u);
}

static bool known(const struct ctl_vm_uses *u)
{
	return u && u->asked && u->err == 0;
}

/* Is use @i of @a, by a domain no earlier use of @a names? */
static bool first_use(const struct ctl_vm_uses *u, size_t i, const struct pci_addr *a)
{
	if (!pci_addr_equal(&u->v[i].host, a))
		return false;
	for (size_t k = 0; k < i; k++)
		if (pci_addr_equal(&u->v[k].host, a) && strcmp(u->v[k].domain, u->v[i].domain) == 0)
			return false;
	return true;
}

/* The domains that use @a, "win11, win10", each once; how many. */
static size_t names(const struct ctl_vm_uses *u, const struct pci_addr *a, char *buf,
		    size_t size)
{
	size_t n = 0, len = 0;

	buf[0] = '\0';
	for (size_t i = 0; known(u) && i < u->n; i++) {
		if (!first_use(u, i, a))
			continue;
		n++;
		if (len < size)
			len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? ", " : "",
						u->v[i].domain);
	}
	return n;
}

void ctl_vm_uses_say(const struct ctl_vm_uses *u, const struct pci_addr *a, char *buf,
		     size_t size)
{
	char list[256];
	size_t n = names(u, a, list, sizeof(list)), len = strlen(buf);
	/* Inside list's parentheses: "vfio-pci (/etc/earlybind.conf:2; libvirt domain win11)". */
	bool paren = len && buf[len - 1] == ')';

	if (!n || len >= size)
		return;
	len -= paren;
	snprintf(buf + len, size - len, "; libvirt domain%s %s%s", n == 1 ? "" : "s", list,
		 paren ? ")" : "");
}

void ctl_vm_uses_print(const struct ctl_vm_uses *u, const struct pci_addr *a,
		       const char *indent)
{
	char list[256];
	size_t n = names(u, a, list, sizeof(list));

	if (n)
		printf("%sused by libvirt domain%s %s\n", indent, n == 1 ? "" : "s", list);
}

void ctl_vm_uses_json(const struct ctl_vm_uses *u, struct json *j, const struct pci_addr *a)
{
	json_key(j, "domains");
	if (!known(u) || !a) {
		json_null(j);
		return;
	}
	json_array_begin(j);
	for (size_t i = 0; i < u->n; i++)
		if (first_use(u, i, a))
			json_string(j, u->v[i].domain);
	json_array_end(j);
}

void ctl_vm_doctor(const struct ctl *c, const struct ctl_machine *m, ctl_vm_report_fn say,
		   void *userdata)
{
	struct ctl_vm_uses *u = m->uses ? m->uses : ctl_vm_uses_load(c);
	char text[2048], hint[512];
	size_t uses = 0, bad = 0;

	if (!u || !u->asked)
		goto out;
	if (u->err == -ECONNREFUSED) {
		snprintf(text, sizeof(text), "no libvirt daemon at %s: no domain to check", u->uri);
		say(userdata, 0, NULL, text);
		goto out;
	}
	if (u->err < 0) {
		snprintf(text, sizeof(text), "cannot read libvirt's domains at %s: %s", u->uri,
			 u->msg);
		say(userdata, 1, "is libvirtd (virtqemud) running, and may this user read it?",
		    text);
		goto out;
	}
	for (size_t i = 0; i < u->n; i++) {
		const struct vm_use *v = &u->v[i];
		const struct pcidev *d = pcidev_find(&m->devs, &v->host);
		const struct manifest_entry *e;
		char desc[400], a[PCI_ADDR_STRLEN];
		bool mismatch;

		e = d ? ctl_manifest_entry(m, d, &mismatch) : NULL;
		if (!e || mismatch)
			continue;
		uses++;
		if (!v->managed || strcmp(e->driver, "pci-stub") != 0)
			continue;
		bad++;
		ctl_describe(d, desc, sizeof(desc));
		pci_addr_format(&d->addr, a);
		snprintf(hint, sizeof(hint), "earlybindctl add %s --driver vfio-pci and apply; "
			 "then managed='no': earlybindctl vm %s", a, v->domain);
		snprintf(text, sizeof(text), "libvirt domain %s has %s with managed='yes', and "
			 "earlybind puts it on pci-stub: libvirt moves it to vfio-pci when %s "
			 "starts and hands it back to the host driver when it stops", v->domain,
			 desc, v->domain);
		say(userdata, 2, hint, text);
	}
	if (!bad) {
		if (uses)
			snprintf(text, sizeof(text), "the libvirt domains at %s have %zu claimed "
				 "function%s, none on pci-stub with managed='yes'", u->uri, uses,
				 uses == 1 ? "" : "s");
		else
			snprintf(text, sizeof(text), "no libvirt domain at %s has a claimed "
				 "function", u->uri);
		say(userdata, 0, NULL, text);
	}
out:
	if (u != m->uses)
		ctl_vm_uses_free(u);
}
