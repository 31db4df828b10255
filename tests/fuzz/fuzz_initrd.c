// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the initramfs reader: what earlybindctl doctor does
 * to /boot/initrd.img-RELEASE.  Besides the sanitizers' findings it checks
 * what initrd.h promises: only the documented errors, content that lies
 * within the input and ends in a NUL, and the same answer with and without
 * a content buffer.
 */
#include "../../src/shared/initrd.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void one(const unsigned char *data, size_t size, const char *member)
{
	char *content = (char *)1;
	size_t len = 1, len2 = 1;
	int r = initrd_find_buffer(data, size, member, &content, &len);
	int r2 = initrd_find_buffer(data, size, member, NULL, &len2);

	if (r != 0 && r != -ENOENT && r != -EMEDIUMTYPE && r != -EBADMSG && r != -ENOMEM)
		abort();
	if (r != r2 && r != -ENOMEM)
		abort();
	if (r == 0) {
		if (!content || len > size || content[len] != '\0' || len2 != len)
			abort();
		/* The bytes are the input's: the copy must be found in it. */
		if (len && !memmem(data, size, content, len))
			abort();
	} else if (content || len) {
		abort();
	}
	free(content);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	/* One name as the archive stores it, one with the prefixes to drop. */
	one(data, size, "etc/earlybind.conf");
	one(data, size, "/./usr/sbin/earlybind");
	return 0;
}
