/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a driver's name says about a PCI function held for a guest: the
 * one answer the boot binary and every earlybindctl command (add, doctor,
 * list's verdict, vm) give, so that vfio-pci's variant drivers count the
 * same everywhere.  docs/kernel-interfaces.md has the kernel's side.
 */
#ifndef EARLYBIND_VFIO_DRIVER_H
#define EARLYBIND_VFIO_DRIVER_H

#include <stdbool.h>

/*
 * Is @driver vfio-pci or one of its variant drivers?  The variants are
 * named after their module (KBUILD_MODNAME in torvalds/linux
 * drivers/vfio/pci/{mlx5,hisilicon,pds,virtio,nvgrace-gpu,qat}/main.c):
 * mlx5_vfio_pci, hisi_acc_vfio_pci, pds_vfio_pci, ...; so any name with
 * "vfio" as one of its '_'/'-' separated words.
 */
bool vfio_driver_is(const char *driver);

/*
 * Does a function on @driver ("" for none) leave its IOMMU group viable
 * for vfio, that is, has its driver given up DMA ownership?  True for no
 * driver, vfio-pci and its variants, pci-stub and pcieport: the drivers
 * that set driver_managed_dma (torvalds/linux drivers/pci/pci-driver.c,
 * pci_dma_configure(); drivers/vfio/group.c, vfio_group_ioctl_get_status:
 * VIABLE unless iommu_group_dma_owner_claimed()).  A function on any
 * other driver keeps its whole group from a guest.
 */
bool vfio_driver_leaves_group_viable(const char *driver);

#endif
