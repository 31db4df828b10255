// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>

#include "vm_xml.h"

struct vm_xml {
	xmlDocPtr doc;
	xmlNodePtr root;
	char name[256];
	/* While vm_xml_add runs: */
	xmlNodePtr rec;   /* earlybind's element in <metadata>, NULL until needed */
	bool record;      /* vm_want.record */
	unsigned changes; /* every change made */
};

#define X(s) ((const xmlChar *)(s))

/* ---- small DOM helpers ------------------------------------------------- */

static bool is_elem(xmlNodePtr n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && !n->ns && xmlStrcmp(n->name, X(name)) == 0;
}

/* The first child element @name in no namespace, as libvirt's own are. */
static xmlNodePtr child(xmlNodePtr parent, const char *name)
{
	for (xmlNodePtr c = parent ? parent->children : NULL; c; c = c->next)
		if (is_elem(c, name))
			return c;
	return NULL;
}

static bool has_element_child(xmlNodePtr n)
{
	for (xmlNodePtr c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return true;
	return false;
}

/* Does attribute @name of @n read @value?  Absent reads as NULL. */
static bool attr_is(xmlNodePtr n, const char *name, const char *value)
{
	xmlChar *v = xmlGetNoNsProp(n, X(name));
	bool eq = v && value ? xmlStrcmp(v, X(value)) == 0 : !v && !value;

	xmlFree(v);
	return eq;
}

/*
 * An attribute as a number: libvirt writes hex ("0x0b"), a hand-written
 * domain may have decimal.  XPath's number() cannot read hex, so here.
 * -1 when absent or not a number.
 */
static long attr_num(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetNoNsProp(n, X(name));
	char *end;
	long r = -1;

	if (v && v[0]) {
		unsigned long u = strtoul((const char *)v, &end, 0);

		if (*end == '\0' && u <= 0xffffffffUL)
			r = (long)u;
	}
	xmlFree(v);
	return r;
}

/* An <address> with domain, bus, slot and function.  0 or -EINVAL. */
static int parse_address(xmlNodePtr a, struct pci_addr *out)
{
	long d = attr_num(a, "domain"), b = attr_num(a, "bus"), s = attr_num(a, "slot"),
	     f = attr_num(a, "function");

	/* domain is optional in libvirt's guest addresses (0 then). */
	if (d == -1 && !attr_is(a, "domain", NULL))
		return -EINVAL;
	if (b < 0 || b > 0xff || s < 0 || s > 0x1f || f < 0 || f > 7)
		return -EINVAL;
	*out = (struct pci_addr){ .domain = d < 0 ? 0 : (uint32_t)d, .bus = (uint8_t)b,
				  .dev = (uint8_t)s, .fn = (uint8_t)f };
	return 0;
}

static void set_address(xmlNodePtr a, const struct pci_addr *p)
{
	char v[16];

	snprintf(v, sizeof(v), "0x%04x", (unsigned)p->domain);
	xmlSetProp(a, X("domain"), X(v));
	snprintf(v, sizeof(v), "0x%02x", p->bus);
	xmlSetProp(a, X("bus"), X(v));
	snprintf(v, sizeof(v), "0x%02x", p->dev);
	xmlSetProp(a, X("slot"), X(v));
	snprintf(v, sizeof(v), "0x%x", p->fn);
	xmlSetProp(a, X("function"), X(v));
}

/* The host address of a PCI <hostdev>, or of an <interface type='hostdev'>. */
static int host_source(xmlNodePtr dev, struct pci_addr *out)
{
	xmlNodePtr src, a;

	if (is_elem(dev, "hostdev")) {
		if (!attr_is(dev, "type", "pci"))
			return -EINVAL;
	} else if (!is_elem(dev, "interface") || !attr_is(dev, "type", "hostdev")) {
		return -EINVAL;
	}
	src = child(dev, "source");
	a = child(src, "address");
	/* An interface's source address says type='pci'; a hostdev's says nothing. */
	if (!a || !(attr_is(a, "type", NULL) || attr_is(a, "type", "pci")))
		return -EINVAL;
	return parse_address(a, out);
}

/* An element's path from the root, "/domain/cpu/topology", for the record. */
static void node_path(xmlNodePtr n, char *buf, size_t size)
{
	const xmlNode *steps[32];
	size_t depth = 0, len = 0;

	for (; n && n->type == XML_ELEMENT_NODE && depth < 32; n = n->parent)
		steps[depth++] = n;
	buf[0] = '\0';
	while (depth-- > 0 && len < size)
		len += (size_t)snprintf(buf + len, size - len, "/%s",
					(const char *)steps[depth]->name);
}

/* The element at @path ("/domain/features/hyperv"), each step the first of its name. */
static xmlNodePtr resolve(const struct vm_xml *x, const char *path)
{
	char step[64];
	xmlNodePtr n = NULL;

	while (*path == '/') {
		size_t len = strcspn(++path, "/");

		if (len == 0 || len >= sizeof(step))
			return NULL;
		memcpy(step, path, len);
		step[len] = '\0';
		n = n ? child(n, step) : is_elem(x->root, step) ? x->root : NULL;
		if (!n)
			return NULL;
		path += len;
	}
	return n;
}

/* ---- the record -------------------------------------------------------- */

static xmlNodePtr find_record(const struct vm_xml *x)
{
	xmlNodePtr md = child(x->root, "metadata");

	for (xmlNodePtr c = md ? md->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && c->ns &&
		    xmlStrcmp(c->ns->href, X(VM_XML_NS)) == 0)
			return c;
	return NULL;
}

/* A new entry at the end of the record; NULL when not recording. */
static xmlNodePtr rec_entry(struct vm_xml *x, const char *kind)
{
	xmlNodePtr md;

	if (!x->record)
		return NULL;
	if (!x->rec) {
		x->rec = find_record(x);
		if (!x->rec) {
			xmlNsPtr ns;

			md = child(x->root, "metadata");
			if (!md)
				md = xmlNewChild(x->root, NULL, X("metadata"), NULL);
			x->rec = xmlNewChild(md, NULL, X("vm"), NULL);
			ns = xmlNewNs(x->rec, X(VM_XML_NS), X(VM_XML_NS_PREFIX));
			xmlSetNs(x->rec, ns);
		}
	}
	return xmlNewChild(x->rec, x->rec->ns, X(kind), NULL);
}

static void rec_path(xmlNodePtr e, xmlNodePtr n)
{
	char path[256];

	node_path(n, path, sizeof(path));
	xmlSetProp(e, X("path"), X(path));
}

/* Finds or creates @parent's child @name, writing a creation down. */
static xmlNodePtr ensure_child(struct vm_xml *x, xmlNodePtr parent, const char *name)
{
	xmlNodePtr c = child(parent, name), e;

	if (c)
		return c;
	c = xmlNewChild(parent, NULL, X(name), NULL);
	x->changes++;
	e = rec_entry(x, "element");
	if (e)
		rec_path(e, c);
	return c;
}

/* Sets (or, @value NULL, removes) an attribute, writing the old value down. */
static void set_attr(struct vm_xml *x, xmlNodePtr n, const char *name, const char *value)
{
	xmlChar *old = xmlGetNoNsProp(n, X(name));
	xmlNodePtr e;

	if (old && value ? xmlStrcmp(old, X(value)) == 0 : !old && !value) {
		xmlFree(old);
		return;
	}
	e = rec_entry(x, "attribute");
	if (e) {
		rec_path(e, n);
		xmlSetProp(e, X("name"), X(name));
		if (value)
			xmlSetProp(e, X("value"), X(value));
		if (old)
			xmlSetProp(e, X("old"), old);
	}
	if (value)
		xmlSetProp(n, X(name), X(value));
	else
		xmlUnsetProp(n, X(name));
	xmlFree(old);
	x->changes++;
}

static void set_text(struct vm_xml *x, xmlNodePtr n, const char *value)
{
	xmlChar *old = xmlNodeGetContent(n);
	xmlNodePtr e;

	if (old && xmlStrcmp(old, X(value)) == 0) {
		xmlFree(old);
		return;
	}
	e = rec_entry(x, "text");
	if (e) {
		rec_path(e, n);
		xmlSetProp(e, X("value"), X(value));
		xmlSetProp(e, X("old"), old ? old : X(""));
	}
	xmlNodeSetContent(n, X(value));
	xmlFree(old);
	x->changes++;
}

/* Takes @c out of its parent, keeping a copy in the record. */
static void remove_recorded(struct vm_xml *x, xmlNodePtr c)
{
	xmlNodePtr e = rec_entry(x, "removed");

	if (e) {
		rec_path(e, c->parent);
		xmlAddChild(e, xmlCopyNode(c, 1));
	}
	xmlUnlinkNode(c);
	xmlFreeNode(c);
	x->changes++;
}

/* ---- parse, free, format ----------------------------------------------- */

static int wrap(xmlDocPtr doc, struct vm_xml **out)
{
	struct vm_xml *x = calloc(1, sizeof(*x));
	xmlNodePtr name;
	xmlChar *s;

	if (!x) {
		xmlFreeDoc(doc);
		return -ENOMEM;
	}
	x->doc = doc;
	x->root = xmlDocGetRootElement(doc);
	name = child(x->root, "name");
	s = name ? xmlNodeGetContent(name) : NULL;
	snprintf(x->name, sizeof(x->name), "%s", s ? (const char *)s : "");
	xmlFree(s);
	*out = x;
	return 0;
}

int vm_xml_parse(const char *text, struct vm_xml **out, char *msg, size_t size)
{
	/* Blank nodes dropped: the output is indented afresh, new elements too. */
	xmlDocPtr doc = xmlReadMemory(text, (int)strlen(text), "domain.xml", NULL,
				      XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR |
					      XML_PARSE_NOWARNING);
	const xmlError *err = xmlGetLastError();

	msg[0] = '\0';
	*out = NULL;
	if (!doc) {
		snprintf(msg, size, "not XML: %s", err && err->message ? err->message : "?");
		msg[strcspn(msg, "\n")] = '\0';
		return -EINVAL;
	}
	if (!is_elem(xmlDocGetRootElement(doc), "domain")) {
		snprintf(msg, size, "not a libvirt <domain>");
		xmlFreeDoc(doc);
		return -EINVAL;
	}
	return wrap(doc, out);
}

int vm_xml_new_fragment(struct vm_xml **out)
{
	xmlDocPtr doc = xmlNewDoc(X("1.0"));
	xmlNodePtr root;

	if (!doc)
		return -ENOMEM;
	root = xmlNewDocNode(doc, NULL, X("domain"), NULL);
	xmlDocSetRootElement(doc, root);
	xmlNewChild(root, NULL, X("devices"), NULL);
	return wrap(doc, out);
}

void vm_xml_free(struct vm_xml *x)
{
	if (!x)
		return;
	xmlFreeDoc(x->doc);
	free(x);
}

const char *vm_xml_name(const struct vm_xml *x)
{
	return x->name;
}

static int save(xmlDocPtr doc, xmlNodePtr node, xmlBufferPtr buf)
{
	xmlSaveCtxtPtr s = xmlSaveToBuffer(buf, "UTF-8", XML_SAVE_FORMAT | XML_SAVE_NO_DECL);

	if (!s)
		return -ENOMEM;
	if (node)
		xmlSaveTree(s, node);
	else
		xmlSaveDoc(s, doc);
	return xmlSaveClose(s) < 0 ? -ENOMEM : 0;
}

static int take(xmlBufferPtr buf, char **out)
{
	*out = strdup((const char *)xmlBufferContent(buf));
	xmlBufferFree(buf);
	return *out ? 0 : -ENOMEM;
}

int vm_xml_format(const struct vm_xml *x, char **out)
{
	xmlBufferPtr buf = xmlBufferCreate();
	int r;

	if (!buf)
		return -ENOMEM;
	r = save(x->doc, NULL, buf);
	if (r < 0) {
		xmlBufferFree(buf);
		return r;
	}
	return take(buf, out);
}

int vm_xml_format_fragment(const struct vm_xml *x, char **out)
{
	xmlBufferPtr buf = xmlBufferCreate();
	xmlNodePtr devices = child(x->root, "devices");
	int r = 0;

	if (!buf)
		return -ENOMEM;
	for (xmlNodePtr c = devices ? devices->children : NULL; c && r == 0; c = c->next)
		if ((r = save(x->doc, c, buf)) == 0)
			xmlBufferCCat(buf, "\n");
	for (xmlNodePtr c = x->root->children; c && r == 0; c = c->next)
		if (c != devices && c->type == XML_ELEMENT_NODE && (r = save(x->doc, c, buf)) == 0)
			xmlBufferCCat(buf, "\n");
	if (r < 0) {
		xmlBufferFree(buf);
		return r;
	}
	return take(buf, out);
}

/* ---- what the domain has ----------------------------------------------- */

struct layout {
	bool bus_used[256];   /* a controller index, or a bus some device sits on */
	struct pci_addr *used; /* guest addresses taken */
	size_t n_used;
	bool pci_root;        /* a PCI (i440fx) machine */
};

static int note_used(struct layout *l, const struct pci_addr *a)
{
	struct pci_addr *nv = realloc(l->used, (l->n_used + 1) * sizeof(*nv));

	if (!nv)
		return -ENOMEM;
	l->used = nv;
	l->used[l->n_used++] = *a;
	l->bus_used[a->bus] = true;
	return 0;
}

/* Every guest PCI address under @n: <address type='pci'> not in a <source>. */
static int walk_addresses(xmlNodePtr n, struct layout *l)
{
	for (xmlNodePtr c = n->children; c; c = c->next) {
		struct pci_addr a;
		int r;

		if (c->type != XML_ELEMENT_NODE || c->ns || is_elem(c, "source"))
			continue;
		if (is_elem(c, "address") && attr_is(c, "type", "pci") &&
		    parse_address(c, &a) == 0) {
			r = note_used(l, &a);
			if (r < 0)
				return r;
		}
		r = walk_addresses(c, l);
		if (r < 0)
			return r;
	}
	return 0;
}

static int read_layout(xmlNodePtr devices, struct layout *l)
{
	for (xmlNodePtr c = devices->children; c; c = c->next) {
		long idx;

		if (!is_elem(c, "controller") || !attr_is(c, "type", "pci"))
			continue;
		idx = attr_num(c, "index");
		if (idx >= 0 && idx <= 255)
			l->bus_used[idx] = true;
		if (attr_is(c, "model", "pci-root"))
			l->pci_root = true;
	}
	return walk_addresses(devices, l);
}

static bool address_free(const struct layout *l, const struct pci_addr *a)
{
	for (size_t i = 0; i < l->n_used; i++)
		if (pci_addr_equal(&l->used[i], a))
			return false;
	return true;
}

static xmlNodePtr find_hostdev(xmlNodePtr devices, const struct pci_addr *host)
{
	for (xmlNodePtr c = devices->children; c; c = c->next) {
		struct pci_addr a;

		if (host_source(c, &a) == 0 && pci_addr_equal(&a, host))
			return c;
	}
	return NULL;
}

static bool same_card(const struct pci_addr *a, const struct pci_addr *b)
{
	return a->domain == b->domain && a->bus == b->bus && a->dev == b->dev;
}

/* ---- adding ------------------------------------------------------------ */

/* "--" may not appear in a comment (XML 1.0, section 2.5), nor end it with '-'. */
static void comment_text(char *buf, size_t size, const char *what, const char *name)
{
	size_t n;

	snprintf(buf, size, " earlybind: %s%s%s ", what, name ? " " : "", name ? name : "");
	for (char *p = buf; (p = strstr(p, "--"));)
		p[1] = ' ';
	n = strlen(buf);
	if (n >= 2 && buf[n - 2] == '-')
		buf[n - 2] = ' ';
}

/* Puts @n after the last child of @devices named @after, else at the end. */
static void insert_device(xmlNodePtr devices, const char *after, xmlNodePtr comment,
			  xmlNodePtr n)
{
	xmlNodePtr last = NULL;

	for (xmlNodePtr c = devices->children; c; c = c->next)
		if (is_elem(c, after))
			last = c;
	if (last) {
		xmlAddNextSibling(last, n);
		if (comment)
			xmlAddPrevSibling(n, comment);
	} else {
		if (comment)
			xmlAddChild(devices, comment);
		xmlAddChild(devices, n);
	}
}

static int new_port(struct vm_xml *x, xmlNodePtr devices, struct layout *l,
		    const struct vm_want *w, const struct pci_addr *card, struct vm_result *res,
		    unsigned *index)
{
	char v[16], what[64], text[128], a[PCI_ADDR_STRLEN];
	xmlNodePtr ctl, e;
	unsigned i;

	for (i = w->first_index ? w->first_index : 1; i <= 255 && l->bus_used[i]; i++)
		;
	if (i > 255)
		return -ENOSPC;
	l->bus_used[i] = true;
	ctl = xmlNewDocNode(x->doc, NULL, X("controller"), NULL);
	xmlSetProp(ctl, X("type"), X("pci"));
	snprintf(v, sizeof(v), "%u", i);
	xmlSetProp(ctl, X("index"), X(v));
	xmlSetProp(ctl, X("model"), X("pcie-root-port"));
	pci_addr_format(card, a);
	a[strlen(a) - 2] = '\0'; /* the card: "0000:0b:00" */
	snprintf(what, sizeof(what), "root port for the card at %s", a);
	comment_text(text, sizeof(text), what, NULL);
	insert_device(devices, "controller", xmlNewDocComment(x->doc, X(text)), ctl);
	x->changes++;
	e = rec_entry(x, "controller");
	if (e)
		xmlSetProp(e, X("index"), X(v));
	res->ports[res->n_ports++] = i;
	*index = i;
	return 0;
}

static void new_hostdev(struct vm_xml *x, xmlNodePtr devices, const struct vm_fn *f,
			const struct pci_addr *guest, bool multifunction)
{
	char text[400], a[PCI_ADDR_STRLEN];
	xmlNodePtr h, src, addr, e;

	h = xmlNewDocNode(x->doc, NULL, X("hostdev"), NULL);
	xmlSetProp(h, X("mode"), X("subsystem"));
	xmlSetProp(h, X("type"), X("pci"));
	/* earlybind bound it before udev: libvirt must neither bind nor give it back. */
	xmlSetProp(h, X("managed"), X("no"));
	xmlSetProp(xmlNewChild(h, NULL, X("driver"), NULL), X("name"), X("vfio"));
	src = xmlNewChild(h, NULL, X("source"), NULL);
	set_address(xmlNewChild(src, NULL, X("address"), NULL), &f->addr);
	addr = xmlNewChild(h, NULL, X("address"), NULL);
	xmlSetProp(addr, X("type"), X("pci"));
	set_address(addr, guest);
	if (multifunction)
		xmlSetProp(addr, X("multifunction"), X("on"));
	pci_addr_format(&f->addr, a);
	comment_text(text, sizeof(text), a, f->name);
	insert_device(devices, "hostdev", xmlNewDocComment(x->doc, X(text)), h);
	x->changes++;
	e = rec_entry(x, "hostdev");
	if (e)
		set_address(e, &f->addr);
}

/* One card's functions fns[from..to): what to add, and where the domain has the card. */
struct card {
	size_t from, to;
	size_t todo;          /* functions the domain does not have yet */
	bool fn0;             /* function 0 among them */
	bool have_slot;       /* the domain has one of the card's functions, at... */
	struct pci_addr slot; /* ...this guest slot */
};

/* Which of the card's functions the domain has, and where (@res->fns[i].guest). */
static void survey_card(xmlNodePtr devices, const struct vm_want *w, struct card *k,
			struct vm_result *res)
{
	for (size_t i = k->from; i < k->to; i++) {
		struct vm_fn_result *fr = &res->fns[i];
		xmlNodePtr h = find_hostdev(devices, &w->fns[i].addr);
		xmlNodePtr ga = h ? child(h, "address") : NULL;

		fr->host = w->fns[i].addr;
		fr->added = !h;
		if (!h) {
			k->fn0 |= w->fns[i].addr.fn == 0;
			k->todo++;
			continue;
		}
		if (ga && attr_is(ga, "type", "pci") && parse_address(ga, &fr->guest) == 0) {
			fr->has_guest = true;
			if (!k->have_slot) {
				k->slot = fr->guest;
				k->have_slot = true;
			}
		}
	}
}

/* Are the card's new functions free at their own numbers in the domain's slot for it? */
static bool fits_beside(const struct layout *l, const struct vm_want *w, const struct card *k,
			const struct vm_result *res)
{
	for (size_t i = k->from; i < k->to; i++) {
		struct pci_addr g = k->slot;

		g.fn = w->fns[i].addr.fn;
		if (res->fns[i].added && !address_free(l, &g))
			return false;
	}
	return k->have_slot;
}

/* @fr's function at guest address @g.  0 or -errno. */
static int place(struct vm_xml *x, xmlNodePtr devices, struct layout *l, const struct vm_fn *f,
		 struct vm_fn_result *fr, const struct pci_addr *g, bool multifunction)
{
	fr->guest = *g;
	fr->has_guest = true;
	new_hostdev(x, devices, f, &fr->guest, multifunction);
	return note_used(l, &fr->guest);
}

/* The functions of one card: fns[from..to).  0 or -errno. */
static int add_card(struct vm_xml *x, xmlNodePtr devices, struct layout *l,
		    const struct vm_want *w, size_t from, size_t to, struct vm_result *res)
{
	struct card k = { .from = from, .to = to };
	unsigned port = 0;
	int r = 0;

	survey_card(devices, w, &k, res);
	if (!k.todo)
		return 0;
	/* Beside what the domain has of the card, when those functions are free there. */
	if (fits_beside(l, w, &k, res)) {
		for (size_t i = from; i < to && r == 0; i++) {
			struct pci_addr g = k.slot;

			g.fn = w->fns[i].addr.fn;
			if (res->fns[i].added)
				r = place(x, devices, l, &w->fns[i], &res->fns[i], &g, false);
		}
		return r;
	}
	/*
	 * A slot of its own behind a new root port, the functions at their
	 * numbers; a guest finds a slot's functions through function 0, so
	 * without it each function goes to function 0 of a port of its own.
	 */
	for (size_t i = from; i < to && r == 0; i++) {
		struct vm_fn_result *fr = &res->fns[i];
		struct pci_addr g;

		if (!fr->added)
			continue;
		if (!port || !k.fn0) {
			r = new_port(x, devices, l, w, &w->fns[i].addr, res, &port);
			if (r < 0)
				return r;
		}
		g = (struct pci_addr){ .bus = (uint8_t)port, .fn = k.fn0 ? w->fns[i].addr.fn : 0 };
		fr->own_port = !k.fn0;
		r = place(x, devices, l, &w->fns[i], fr, &g, k.fn0 && g.fn == 0 && k.todo > 1);
	}
	return r;
}

static void add_cpu(struct vm_xml *x, const struct vm_want *w)
{
	xmlNodePtr cpu, topo, vcpu, c, next;
	char v[16];
	long cur;

	cpu = ensure_child(x, x->root, "cpu");
	if (!attr_is(cpu, "mode", "host-passthrough")) {
		/* A model and its match belong to mode='custom', not to passthrough. */
		set_attr(x, cpu, "match", NULL);
		for (c = cpu->children; c; c = next) {
			next = c->next;
			if (is_elem(c, "model") || is_elem(c, "vendor"))
				remove_recorded(x, c);
		}
	}
	set_attr(x, cpu, "mode", "host-passthrough");
	set_attr(x, cpu, "check", "none");
	set_attr(x, cpu, "migratable", "on");
	/* Windows counts sockets against its licence, not cores. */
	topo = ensure_child(x, cpu, "topology");
	set_attr(x, topo, "sockets", "1");
	set_attr(x, topo, "dies", "1");
	snprintf(v, sizeof(v), "%u", w->cores);
	set_attr(x, topo, "cores", v);
	snprintf(v, sizeof(v), "%u", w->threads);
	set_attr(x, topo, "threads", v);
	vcpu = ensure_child(x, x->root, "vcpu");
	snprintf(v, sizeof(v), "%u", w->cores * w->threads);
	set_text(x, vcpu, v);
	/* Fewer vCPUs at boot than the topology has is the admin's; more is invalid. */
	cur = attr_num(vcpu, "current");
	if (cur > (long)(w->cores * w->threads))
		set_attr(x, vcpu, "current", NULL);
}

static void add_features(struct vm_xml *x, const struct vm_want *w)
{
	xmlNodePtr features = ensure_child(x, x->root, "features");
	xmlNodePtr hyperv = ensure_child(x, features, "hyperv");
	xmlNodePtr vid = child(hyperv, "vendor_id"), kvm;
	xmlChar *value = vid ? xmlGetNoNsProp(vid, X("value")) : NULL;

	/* The admin's own vendor id stays, unless one is asked for. */
	if (!(vid && attr_is(vid, "state", "on") && value && value[0] && !w->vendor_id_given)) {
		vid = ensure_child(x, hyperv, "vendor_id");
		set_attr(x, vid, "state", "on");
		set_attr(x, vid, "value", w->vendor_id);
	}
	xmlFree(value);
	kvm = ensure_child(x, features, "kvm");
	set_attr(x, ensure_child(x, kvm, "hidden"), "state", "on");
}

int vm_xml_add(struct vm_xml *x, const struct vm_want *w, struct vm_result *res, char *msg,
	       size_t size)
{
	struct layout l = { 0 };
	xmlNodePtr devices;
	unsigned before;
	int r = 0;

	*res = (struct vm_result){ 0 };
	msg[0] = '\0';
	res->fns = calloc(w->n_fns ? w->n_fns : 1, sizeof(*res->fns));
	if (!res->fns)
		return -ENOMEM;
	res->n_fns = w->n_fns;
	x->record = w->record;
	x->rec = NULL;
	x->changes = 0;
	devices = w->n_fns ? ensure_child(x, x->root, "devices") : child(x->root, "devices");
	if (devices) {
		r = read_layout(devices, &l);
		if (r < 0)
			goto out;
	}
	if (l.pci_root && w->n_fns) {
		snprintf(msg, size, "its machine has a PCI root (pci-root: i440fx, not q35); "
			 "a card keeps its layout in a guest behind a pcie-root-port of a q35 "
			 "machine");
		r = -ENOTSUP;
		goto out;
	}
	for (size_t i = 0; i < w->n_fns; ) {
		size_t j = i + 1;

		while (j < w->n_fns && same_card(&w->fns[i].addr, &w->fns[j].addr))
			j++;
		r = add_card(x, devices, &l, w, i, j, res);
		if (r == -ENOSPC)
			snprintf(msg, size, "no PCI controller index is left for a root port");
		if (r < 0)
			goto out;
		i = j;
	}
	if (w->cores) {
		before = x->changes;
		add_cpu(x, w);
		res->cpu = x->changes != before;
	}
	if (w->vendor_id) {
		before = x->changes;
		add_features(x, w);
		res->features = x->changes != before;
	}
out:
	res->changes = x->changes;
	free(l.used);
	return r;
}

void vm_result_free(struct vm_result *res)
{
	free(res->fns);
	res->fns = NULL;
}

int vm_xml_add_comment(struct vm_xml *x, const char *text)
{
	xmlNodePtr devices = child(x->root, "devices"), c;
	char buf[1024];

	if (!devices)
		return -ENOMEM;
	comment_text(buf, sizeof(buf), text, NULL);
	c = xmlNewDocComment(x->doc, X(buf));
	if (!c)
		return -ENOMEM;
	if (devices->children)
		xmlAddPrevSibling(devices->children, c);
	else
		xmlAddChild(devices, c);
	return 0;
}

bool vm_xml_has_record(const struct vm_xml *x)
{
	return find_record(x) != NULL;
}

/* ---- undo -------------------------------------------------------------- */

static bool bus_in_use(xmlNodePtr devices, long bus)
{
	struct layout l = { 0 };
	bool used = false;

	/* The controller's own address is on its parent bus, never on its own. */
	if (walk_addresses(devices, &l) == 0)
		for (size_t i = 0; i < l.n_used && !used; i++)
			used = l.used[i].bus == bus;
	free(l.used);
	return used;
}

/* Removes @n, and the comment earlybind put before it when it is still there. */
static void remove_with_our_comment(xmlNodePtr n)
{
	xmlNodePtr prev = n->prev;

	if (prev && prev->type == XML_COMMENT_NODE && prev->content &&
	    xmlStrncmp(prev->content, X(" earlybind: "), 12) == 0) {
		xmlUnlinkNode(prev);
		xmlFreeNode(prev);
	}
	xmlUnlinkNode(n);
	xmlFreeNode(n);
}

static void undo_hostdev(xmlNodePtr devices, xmlNodePtr e, struct vm_undo_result *res)
{
	struct pci_addr a;
	xmlNodePtr h;

	if (!devices || parse_address(e, &a) < 0)
		return;
	while ((h = find_hostdev(devices, &a))) {
		remove_with_our_comment(h);
		res->hostdevs++;
	}
}

static void undo_controller(xmlNodePtr devices, xmlNodePtr e, struct vm_undo_result *res)
{
	long idx = attr_num(e, "index");

	for (xmlNodePtr c = devices ? devices->children : NULL; c; c = c->next) {
		if (!is_elem(c, "controller") || !attr_is(c, "type", "pci") ||
		    attr_num(c, "index") != idx)
			continue;
		if (bus_in_use(devices, idx)) {
			res->ports_kept++;
			return;
		}
		remove_with_our_comment(c);
		res->ports++;
		return;
	}
}

static void undo_setting(struct vm_xml *x, xmlNodePtr e, struct vm_undo_result *res)
{
	xmlChar *path = xmlGetNoNsProp(e, X("path")), *name = xmlGetNoNsProp(e, X("name"));
	xmlChar *value = xmlGetNoNsProp(e, X("value")), *old = xmlGetNoNsProp(e, X("old"));
	xmlNodePtr n = path ? resolve(x, (const char *)path) : NULL;

	if (!n) {
		/* Gone already: nothing of earlybind's is left there. */
	} else if (xmlStrcmp(e->name, X("element")) == 0) {
		/*
		 * Attributes libvirt adds when it formats do not keep it; an
		 * element inside, which earlybind did not make, does.
		 */
		if (has_element_child(n)) {
			res->settings_kept++;
		} else {
			xmlUnlinkNode(n);
			xmlFreeNode(n);
			res->settings++;
		}
	} else if (xmlStrcmp(e->name, X("attribute")) == 0 && name) {
		if (!attr_is(n, (const char *)name, (const char *)value)) {
			res->settings_kept++;
		} else {
			if (old)
				xmlSetProp(n, name, old);
			else
				xmlUnsetProp(n, name);
			res->settings++;
		}
	} else if (xmlStrcmp(e->name, X("text")) == 0 && value) {
		xmlChar *cur = xmlNodeGetContent(n);

		if (cur && xmlStrcmp(cur, value) == 0) {
			xmlNodeSetContent(n, old ? old : X(""));
			res->settings++;
		} else {
			res->settings_kept++;
		}
		xmlFree(cur);
	} else if (xmlStrcmp(e->name, X("removed")) == 0) {
		for (xmlNodePtr c = e->children; c; c = c->next) {
			if (c->type != XML_ELEMENT_NODE)
				continue;
			if (child(n, (const char *)c->name)) {
				res->settings_kept++;
				continue;
			}
			xmlAddChild(n, xmlDocCopyNode(c, x->doc, 1));
			res->settings++;
		}
	}
	xmlFree(path);
	xmlFree(name);
	xmlFree(value);
	xmlFree(old);
}

int vm_xml_undo(struct vm_xml *x, struct vm_undo_result *res)
{
	xmlNodePtr rec = find_record(x), devices = child(x->root, "devices"), md;

	*res = (struct vm_undo_result){ .had_record = rec != NULL };
	if (!rec)
		return 0;
	/* Last change first: each entry finds the state it left. */
	for (xmlNodePtr e = rec->last; e; e = e->prev) {
		if (e->type != XML_ELEMENT_NODE)
			continue;
		if (xmlStrcmp(e->name, X("hostdev")) == 0)
			undo_hostdev(devices, e, res);
		else if (xmlStrcmp(e->name, X("controller")) == 0)
			undo_controller(devices, e, res);
		else
			undo_setting(x, e, res);
	}
	md = rec->parent;
	xmlUnlinkNode(rec);
	xmlFreeNode(rec);
	if (is_elem(md, "metadata") && !has_element_child(md)) {
		xmlUnlinkNode(md);
		xmlFreeNode(md);
	}
	return 0;
}

/* ---- what a domain uses ------------------------------------------------ */

int vm_xml_hostdevs(const char *text, struct vm_hostdev **out, size_t *n)
{
	char msg[8];
	struct vm_xml *x;
	xmlNodePtr devices;
	struct vm_hostdev *v = NULL;
	size_t count = 0;
	int r = vm_xml_parse(text, &x, msg, sizeof(msg));

	*out = NULL;
	*n = 0;
	if (r < 0)
		return r;
	devices = child(x->root, "devices");
	for (xmlNodePtr c = devices ? devices->children : NULL; c; c = c->next) {
		struct vm_hostdev h;
		struct vm_hostdev *nv;

		if (host_source(c, &h.host) < 0)
			continue;
		/* libvirt's default for a subsystem hostdev is managed='no'. */
		h.managed = attr_is(c, "managed", "yes");
		nv = realloc(v, (count + 1) * sizeof(*v));
		if (!nv) {
			free(v);
			vm_xml_free(x);
			return -ENOMEM;
		}
		v = nv;
		v[count++] = h;
	}
	vm_xml_free(x);
	*out = v;
	*n = count;
	return 0;
}
