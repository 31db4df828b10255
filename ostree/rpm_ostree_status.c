// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "rpm_ostree_status.h"

/* @key of @obj as a boolean: absent or null is false.  0 or -EBADMSG. */
static int get_bool(struct json_object *obj, const char *key, bool *out)
{
	struct json_object *v;

	*out = false;
	if (!json_object_object_get_ex(obj, key, &v) || !v)
		return 0;
	if (!json_object_is_type(v, json_type_boolean))
		return -EBADMSG;
	*out = json_object_get_boolean(v);
	return 0;
}

/* @key of @obj as a string, or NULL when absent or null.  0 or -EBADMSG. */
static int get_string(struct json_object *obj, const char *key, const char **out)
{
	struct json_object *v;

	*out = NULL;
	if (!json_object_object_get_ex(obj, key, &v) || !v)
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return -EBADMSG;
	*out = json_object_get_string(v);
	/* A NUL inside: no command line could hold it as it is. */
	return strlen(*out) == (size_t)json_object_get_string_len(v) ? 0 : -EBADMSG;
}

/* @key of @obj, an array of strings, appended to @out (absent, null: none). */
static int get_strings(struct json_object *obj, const char *key, struct kargs *out)
{
	struct json_object *v;
	size_t n;
	int r = 0;

	if (!json_object_object_get_ex(obj, key, &v) || !v)
		return 0;
	if (!json_object_is_type(v, json_type_array))
		return -EBADMSG;
	n = json_object_array_length(v);
	for (size_t i = 0; r == 0 && i < n; i++) {
		struct json_object *s = json_object_array_get_idx(v, i);

		if (!s || !json_object_is_type(s, json_type_string) ||
		    strlen(json_object_get_string(s)) != (size_t)json_object_get_string_len(s))
			return -EBADMSG;
		r = kargs_push(out, json_object_get_string(s));
	}
	return r;
}

/* Does deployment @d belong to stateroot @osname (NULL: to any)? */
static bool of_osname(struct json_object *d, const char *osname)
{
	const char *name;

	return !osname ||
	       (get_string(d, "osname", &name) == 0 && name && strcmp(name, osname) == 0);
}

/*
 * The index of the deployment rpm_ostree_status_read() picks among the
 * @n of @list, or -EBADMSG (a deployment that is no object, a "booted",
 * "staged" or "osname" of another type).
 */
static int pick(struct json_object *list, size_t n)
{
	const char *osname = NULL;
	ssize_t booted = -1, first = -1, staged = -1;

	for (size_t i = 0; i < n; i++) {
		struct json_object *d = json_object_array_get_idx(list, i);
		bool is_booted, is_staged;
		const char *name;

		if (!d || !json_object_is_type(d, json_type_object) ||
		    get_bool(d, "booted", &is_booted) < 0 ||
		    get_bool(d, "staged", &is_staged) < 0 || get_string(d, "osname", &name) < 0)
			return -EBADMSG;
		if (is_booted && booted < 0) {
			booted = (ssize_t)i;
			osname = name;
		}
	}
	/* The staged one and the first, of the booted one's stateroot when there is one. */
	for (size_t i = 0; i < n; i++) {
		struct json_object *d = json_object_array_get_idx(list, i);
		bool is_staged;

		if (!of_osname(d, osname))
			continue;
		if (first < 0)
			first = (ssize_t)i;
		if (staged < 0 && get_bool(d, "staged", &is_staged) == 0 && is_staged)
			staged = (ssize_t)i;
	}
	if (staged >= 0)
		return (int)staged;
	return first >= 0 ? (int)first : 0;
}

static int read_deployment(struct json_object *d, struct rpm_ostree_deployment *out)
{
	const char *id;
	int r;

	r = get_string(d, "id", &id);
	if (r == 0 && id && !(out->id = strdup(id)))
		r = -ENOMEM;
	if (r == 0)
		r = get_bool(d, "booted", &out->booted);
	if (r == 0)
		r = get_bool(d, "staged", &out->staged);
	if (r == 0)
		r = get_bool(d, "regenerate-initramfs", &out->regenerate);
	if (r == 0)
		r = get_strings(d, "initramfs-args", &out->args);
	if (r == 0)
		r = get_strings(d, "initramfs-etc", &out->etc);
	return r;
}

/* The whole of @len bytes of @json as one JSON value, or NULL. */
static struct json_object *parse(const char *json, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *root = NULL;
	size_t end;

	if (!tok || len > INT32_MAX)
		goto out;
	root = json_tokener_parse_ex(tok, json, (int)len);
	if (!root || json_tokener_get_error(tok) != json_tokener_success)
		goto fail;
	/* Only blanks after it: rpm-ostree prints one object and a newline. */
	end = json_tokener_get_parse_end(tok);
	while (end < len && json[end] && strchr(" \t\r\n", json[end]))
		end++;
	if (end == len)
		goto out;
fail:
	json_object_put(root);
	root = NULL;
out:
	if (tok)
		json_tokener_free(tok);
	return root;
}

int rpm_ostree_status_read(const char *json, size_t len, struct rpm_ostree_deployment *out)
{
	struct json_object *root = parse(json, len), *list;
	int r = -EBADMSG, i;

	*out = (struct rpm_ostree_deployment){ 0 };
	if (!root || !json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "deployments", &list) || !list ||
	    !json_object_is_type(list, json_type_array))
		goto out;
	r = -ENOENT;
	if (json_object_array_length(list) == 0)
		goto out;
	i = pick(list, json_object_array_length(list));
	r = i < 0 ? i : read_deployment(json_object_array_get_idx(list, (size_t)i), out);
out:
	json_object_put(root);
	if (r < 0)
		rpm_ostree_deployment_free(out);
	return r;
}

void rpm_ostree_deployment_free(struct rpm_ostree_deployment *d)
{
	free(d->id);
	kargs_free(&d->args);
	kargs_free(&d->etc);
	*d = (struct rpm_ostree_deployment){ 0 };
}
