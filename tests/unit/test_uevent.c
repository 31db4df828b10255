// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A PCI function's uevent as pci_uevent() (torvalds/linux
 * drivers/pci/pci-driver.c) writes it, read by both programs.
 */
#include "../check.h"
#include "../../src/shared/hex.h"
#include "../../src/shared/uevent.h"

#include <string.h>

static const char ev[] = "DRIVER=e1000e\nPCI_CLASS=20000\nPCI_ID=8086:10D3\n"
			 "PCI_SUBSYS_ID=8086:A01F\nPCI_SLOT_NAME=0000:00:03.0\n"
			 "MODALIAS=pci:v00008086d000010D3sv00008086sd0000A01Fbc02sc00i00";

static void test_values_are_found_by_their_whole_key(void)
{
	size_t len;
	const char *v = uevent_value(ev, "PCI_ID", &len);

	CHECK(v && len == 9 && memcmp(v, "8086:10D3", 9) == 0);
	v = uevent_value(ev, "MODALIAS", &len);
	CHECK(v && len == strlen(v));
	/* A key is not found by its prefix, nor a value by a key inside it. */
	CHECK(uevent_value(ev, "PCI", &len) == NULL);
	CHECK(uevent_value(ev, "e1000e", &len) == NULL);
	CHECK(uevent_value("", "PCI_ID", &len) == NULL);
}

static void test_id_pairs_are_what_the_kernel_prints(void)
{
	unsigned a = 0, b = 0;

	CHECK(uevent_id_pair("8086:10D3", 9, &a, &b));
	CHECK_INT(a, 0x8086);
	CHECK_INT(b, 0x10d3);
	CHECK(uevent_id_pair("1af4:1", 6, &a, &b));
	CHECK_INT(b, 0x1);
	/* The length bounds it: what follows is not read. */
	CHECK(uevent_id_pair("8086:10d3\nPCI", 9, &a, &b));
}

static void test_id_pairs_strtoul_would_take_are_refused(void)
{
	unsigned a = 7, b = 7;
	static const char *const bad[] = {
		" 8086:10d3", "8086: 10d3", "0x8086:10d3", "+8086:10d3", "8086:-1",
		"18086:10d3", "8086:10d30", "8086:", ":10d3", "8086", "8086:10d3 ",
		"8086:10d3:1", "",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(!uevent_id_pair(bad[i], strlen(bad[i]), &a, &b));
	CHECK_INT(a, 7);
	CHECK_INT(b, 7);
}

static void test_hex_takes_up_to_its_width(void)
{
	unsigned v = 0;

	CHECK(hex_parse("030000", 6, 6, &v));
	CHECK_INT(v, 0x030000);
	CHECK(hex_parse("20000", 5, 6, &v));
	CHECK(!hex_parse("0300000", 7, 6, &v));
	CHECK(!hex_parse("03000g", 6, 6, &v));
	CHECK(!hex_parse("", 0, 6, &v));
}

int main(void)
{
	RUN(test_values_are_found_by_their_whole_key);
	RUN(test_id_pairs_are_what_the_kernel_prints);
	RUN(test_id_pairs_strtoul_would_take_are_refused);
	RUN(test_hex_takes_up_to_its_width);
	return CHECK_EXIT();
}
