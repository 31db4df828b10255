// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/xmlerror.h>

#include "vm_libvirt.h"
#include "vm_xml.h"

struct vm_conn {
	virConnectPtr conn;
	char *uri;
};

static void quiet(void *userdata, virErrorPtr err)
{
	(void)userdata;
	(void)err;
}

__attribute__((format(printf, 2, 3)))
static void xml_quiet(void *userdata, const char *fmt, ...)
{
	(void)userdata;
	(void)fmt;
}

/* libvirt's message for the last failure, in @msg; the -errno that fits it. */
static int last_error(char *msg, size_t size)
{
	virErrorPtr e = virGetLastError();

	snprintf(msg, size, "%s", e && e->message ? e->message : "unknown libvirt error");
	if (!e)
		return -EIO;
	if (e->code == VIR_ERR_NO_DOMAIN)
		return -ENOENT;
	/* virReportSystemError keeps the errno in int1: a socket nobody listens on. */
	if (e->code == VIR_ERR_SYSTEM_ERROR && (e->int1 == ENOENT || e->int1 == ECONNREFUSED))
		return -ECONNREFUSED;
	if (e->code == VIR_ERR_NO_CONNECT)
		return -ECONNREFUSED;
	return -EIO;
}

int vm_conn_open(const char *uri, bool readonly, struct vm_conn **out, char *msg, size_t size)
{
	struct vm_conn *c;

	*out = NULL;
	msg[0] = '\0';
	/* Errors are said once, by the caller, in earlybindctl's words. */
	virSetErrorFunc(NULL, quiet);
	/* The test driver reads its file with libxml2, whose warnings go to stderr. */
	xmlSetGenericErrorFunc(NULL, xml_quiet);
	if (virInitialize() < 0)
		return last_error(msg, size);
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	/* Read-only for status, list and doctor: never a password prompt in a script. */
	c->conn = readonly ? virConnectOpenReadOnly(uri) :
			     virConnectOpenAuth(uri, virConnectAuthPtrDefault, 0);
	if (!c->conn) {
		int r = last_error(msg, size);

		free(c);
		return r;
	}
	c->uri = virConnectGetURI(c->conn);
	*out = c;
	return 0;
}

void vm_conn_close(struct vm_conn *c)
{
	if (!c)
		return;
	free(c->uri);
	virConnectClose(c->conn);
	free(c);
}

const char *vm_conn_uri(const struct vm_conn *c)
{
	return c->uri ? c->uri : "?";
}

int vm_domain_xml(struct vm_conn *c, const char *name, char **xml, bool *active, char *msg,
		  size_t size)
{
	virDomainPtr d = virDomainLookupByName(c->conn, name);
	int r = 0;

	*xml = NULL;
	msg[0] = '\0';
	if (!d)
		return last_error(msg, size);
	*xml = virDomainGetXMLDesc(d, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
	if (!*xml)
		r = last_error(msg, size);
	*active = virDomainIsActive(d) == 1;
	virDomainFree(d);
	return r;
}

int vm_domain_define(struct vm_conn *c, const char *xml, char *msg, size_t size)
{
	virDomainPtr d = virDomainDefineXMLFlags(c->conn, xml, VIR_DOMAIN_DEFINE_VALIDATE);

	msg[0] = '\0';
	if (!d)
		return last_error(msg, size);
	virDomainFree(d);
	return 0;
}

int vm_conn_uses(struct vm_conn *c, struct vm_use **out, size_t *n, char *msg, size_t size)
{
	virDomainPtr *doms = NULL;
	struct vm_use *v = NULL;
	size_t count = 0;
	int nd, r = 0;

	*out = NULL;
	*n = 0;
	msg[0] = '\0';
	nd = virConnectListAllDomains(c->conn, &doms, 0);
	if (nd < 0)
		return last_error(msg, size);
	for (int i = 0; i < nd; i++) {
		const char *name = virDomainGetName(doms[i]);
		char *xml = r ? NULL : virDomainGetXMLDesc(doms[i], VIR_DOMAIN_XML_INACTIVE);
		struct vm_hostdev *h = NULL;
		size_t nh = 0;

		/* A domain undefined since the listing: it uses nothing any more. */
		if (xml && vm_xml_hostdevs(xml, &h, &nh) == 0 && nh) {
			struct vm_use *nv = realloc(v, (count + nh) * sizeof(*v));

			if (!nv) {
				r = -ENOMEM;
			} else {
				v = nv;
				for (size_t k = 0; k < nh; k++) {
					snprintf(v[count].domain, sizeof(v[count].domain), "%s",
						 name ? name : "?");
					v[count].host = h[k].host;
					v[count++].managed = h[k].managed;
				}
			}
		}
		free(h);
		free(xml);
		virDomainFree(doms[i]);
	}
	free(doms);
	if (r < 0) {
		free(v);
		return r;
	}
	*out = v;
	*n = count;
	return 0;
}
