// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The cpio reader behind initrd.h.  The image is untrusted input: every
 * length is checked against the bytes that remain before it is used, so a
 * truncated or hostile image ends in -EBADMSG, never in a read past the end.
 */
#include "hex.h"
#include "initrd.h"
#include "readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* "070701", then 13 fields of 8 hex digits. */
#define NEWC_HDR_SIZE 110
enum { F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE, F_DEVMAJOR, F_DEVMINOR,
       F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK };

struct hit {
	bool found;
	const unsigned char *data;
	size_t size;
	/*
	 * The member is a hard link without data: cpio stores the data once,
	 * with the last link of the inode, and the kernel writes it into the
	 * inode all links share.
	 */
	bool link_pending;
	uint32_t ino, devmajor, devminor;
};

/* Field @i of the header at @h: 8 hex digits. */
static int field(const unsigned char *h, unsigned i, uint32_t *out)
{
	unsigned v;

	if (!hex_parse((const char *)h + 6 + 8 * i, 8, 8, &v))
		return -EBADMSG;
	*out = v;
	return 0;
}

/* Drops leading "/" and "./": "./etc/x", "/etc/x" and "etc/x" unpack to one file. */
static void bare(const char **s, size_t *len)
{
	for (;;) {
		if (*len >= 1 && (*s)[0] == '/') {
			(*s)++;
			(*len)--;
		} else if (*len >= 2 && (*s)[0] == '.' && (*s)[1] == '/') {
			*s += 2;
			*len -= 2;
		} else {
			return;
		}
	}
}

/* @off rounded up to a multiple of 4, but not past @size. */
static size_t align4(size_t off, size_t size)
{
	size_t pad = (4 - (off & 3)) & 3;

	return pad > size - off ? size : off + pad;
}

/*
 * The archive whose first header is at *@off, up to and with its trailer
 * (or the end of the buffer, which the kernel accepts between two members).
 * *@off is left after it.
 */
static int archive(const unsigned char *b, size_t size, size_t *off, const char *want,
		   size_t want_len, struct hit *hit)
{
	size_t pos = *off;
	int r = 0;

	while (pos < size) {
		uint32_t v[F_CHECK + 1];
		const char *name;
		size_t name_len, data;

		if (size - pos < NEWC_HDR_SIZE || memcmp(b + pos, "07070", 5) != 0 ||
		    (b[pos + 5] != '1' && b[pos + 5] != '2')) {
			r = -EBADMSG;
			break;
		}
		for (unsigned i = 0; i <= F_CHECK && r == 0; i++)
			r = field(b + pos, i, &v[i]);
		if (r < 0)
			break;
		/* The name, NUL included, must end before the buffer does. */
		if (v[F_NAMESIZE] == 0 || v[F_NAMESIZE] > size - pos - NEWC_HDR_SIZE ||
		    b[pos + NEWC_HDR_SIZE + v[F_NAMESIZE] - 1] != '\0') {
			r = -EBADMSG;
			break;
		}
		name = (const char *)b + pos + NEWC_HDR_SIZE;
		name_len = strlen(name);
		data = align4(pos + NEWC_HDR_SIZE + v[F_NAMESIZE], size);
		if (v[F_FILESIZE] > size - data) {
			r = -EBADMSG;
			break;
		}
		/* The trailer's padding is skipped too, as the kernel does. */
		pos = align4(data + v[F_FILESIZE], size);
		if (strcmp(name, "TRAILER!!!") == 0)
			break;
		bare(&name, &name_len);
		if (name_len == want_len && memcmp(name, want, want_len) == 0) {
			hit->found = true;
			hit->data = b + data;
			hit->size = v[F_FILESIZE];
			hit->link_pending = S_ISREG(v[F_MODE]) && v[F_NLINK] >= 2 &&
					    v[F_FILESIZE] == 0;
			hit->ino = v[F_INO];
			hit->devmajor = v[F_DEVMAJOR];
			hit->devminor = v[F_DEVMINOR];
		} else if (hit->link_pending && S_ISREG(v[F_MODE]) && v[F_NLINK] >= 2 &&
			   v[F_FILESIZE] > 0 && v[F_INO] == hit->ino &&
			   v[F_DEVMAJOR] == hit->devmajor && v[F_DEVMINOR] == hit->devminor) {
			hit->data = b + data;
			hit->size = v[F_FILESIZE];
			hit->link_pending = false;
		}
	}
	/* The kernel forgets the inodes it has seen at each trailer. */
	hit->link_pending = false;
	*off = pos;
	return r;
}

int initrd_find_buffer(const void *buf, size_t size, const char *member, char **content,
		       size_t *len)
{
	const unsigned char *b = buf;
	const char *want = member;
	size_t pos = 0, want_len = strlen(member);
	struct hit hit = { 0 };
	char *copy;
	int r;

	if (content)
		*content = NULL;
	if (len)
		*len = 0;
	bare(&want, &want_len);
	while (pos < size) {
		/* Zero bytes pad between the parts. */
		if (b[pos] == '\0') {
			pos++;
			continue;
		}
		/* The kernel's "broken padding": a part starts on a multiple of 4. */
		if (pos & 3)
			return -EBADMSG;
		/* Whatever does not start like a cpio header, the kernel decompresses. */
		if (b[pos] != '0')
			return -EMEDIUMTYPE;
		r = archive(b, size, &pos, want, want_len, &hit);
		if (r < 0)
			return r;
	}
	if (!hit.found)
		return -ENOENT;
	if (content) {
		copy = malloc(hit.size + 1);
		if (!copy)
			return -ENOMEM;
		if (hit.size)
			memcpy(copy, hit.data, hit.size);
		copy[hit.size] = '\0';
		*content = copy;
	}
	if (len)
		*len = hit.size;
	return 0;
}

int initrd_find(const char *path, const char *member, char **content, size_t *len)
{
	char *image;
	size_t size;
	int r;

	if (content)
		*content = NULL;
	if (len)
		*len = 0;
	r = file_read_at(AT_FDCWD, path, INITRD_MAX_SIZE, &image, &size);
	if (r < 0)
		return r;
	r = initrd_find_buffer(image, size, member, content, len);
	free(image);
	return r;
}
