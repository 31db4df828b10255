// SPDX-License-Identifier: GPL-2.0-or-later
#include <string.h>

#include "vfio_driver.h"

static bool is_sep(char c)
{
	return c == '_' || c == '-' || c == '\0';
}

bool vfio_driver_is(const char *driver)
{
	for (const char *p = driver; (p = strstr(p, "vfio")); p += 4)
		if ((p == driver || is_sep(p[-1])) && is_sep(p[4]))
			return true;
	return false;
}

bool vfio_driver_leaves_group_viable(const char *driver)
{
	return !driver[0] || vfio_driver_is(driver) || strcmp(driver, "pci-stub") == 0 ||
	       strcmp(driver, "pcieport") == 0;
}
