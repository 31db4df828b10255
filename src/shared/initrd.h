/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One file of an initramfs image, read as the kernel unpacks the image
 * (init/initramfs.c): uncompressed "newc" (070701) or "crc" (070702) cpio
 * archives one after the other, each ended by TRAILER!!! and zero padding,
 * as an early-microcode archive and the main one are concatenated.  A part
 * that is not a cpio archive is compressed (or not an initramfs at all),
 * and is not unpacked here.
 */
#ifndef EARLYBIND_INITRD_H
#define EARLYBIND_INITRD_H

#include <stddef.h>

/*
 * Looks for @member ("etc/earlybind.conf"; a leading "/" or "./" does not
 * matter, in the archive either) in the @size bytes at @buf.  When a name
 * is in several parts or several times, the last one wins, as it does for
 * the kernel; a hard link's data is found where cpio put it, with the last
 * link.  On success *@content (when @content is not NULL) is a malloc'ed
 * copy of the member's data, a symlink's target or "" for a directory,
 * with a NUL after the *@len bytes; free() it.
 * Returns 0, -ENOENT when no part has @member, -EMEDIUMTYPE when a part is
 * not a cpio archive (compressed: then nothing can be said about
 * @member), -EBADMSG when a cpio archive is malformed (a bad header, a
 * name or data past the end), or -ENOMEM.
 */
int initrd_find_buffer(const void *buf, size_t size, const char *member, char **content,
		       size_t *len);

/* Largest image read (-EFBIG beyond); a default dracut image is some 40 MB. */
#define INITRD_MAX_SIZE (1024u << 20)
/* initrd_find_buffer() on the file at @path; also -errno when it cannot be read. */
int initrd_find(const char *path, const char *member, char **content, size_t *len);

#endif
