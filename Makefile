# SPDX-License-Identifier: GPL-2.0-or-later
#
# make                 build/earlybind (static, musl, libkmod compiled in)
# make STATIC=0        build/earlybind linked to the system's libkmod
# make check           every test: unit, sanitizers, fuzz, shellcheck, QEMU boots
#                      (the host's Debian 12 kernel, and a cached Debian 13 root)
# make check-edge      the QEMU boots on Debian unstable (kernel 7.x, dracut-ng
#                      110+): not part of check, since unstable moves
# make demo            boot a real kernel with a real dracut initramfs and show
#                      which function ended up on which driver
# make bench           earlybind against the shell loop on fake roots, and what
#                      it costs a boot under QEMU
# make install         DESTDIR, PREFIX, SBINDIR, SYSCONFDIR, DRACUTMODDIR honoured

VERSION := 0.1

PREFIX ?= /usr
SBINDIR ?= $(PREFIX)/sbin
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
SYSCONFDIR ?= /etc
DRACUTCONFDIR ?= $(PREFIX)/lib/dracut/dracut.conf.d
BASHCOMPDIR ?= $(shell pkg-config --variable=completionsdir bash-completion 2>/dev/null || \
			echo $(DATADIR)/bash-completion/completions)
DRACUTMODDIR ?= $(shell pkg-config --variable=dracutmodulesdir dracut 2>/dev/null || \
			echo $(PREFIX)/lib/dracut/modules.d)

BUILDDIR ?= build
STATIC ?= 1
# Seconds each fuzz target runs in `make check`.
FUZZ_SECONDS ?= 20

CC ?= cc
INSTALL ?= install
# WERROR= builds with warnings as warnings (a distribution's newer compiler).
WERROR ?= -Werror
WARN := -Wall -Wextra $(WERROR) -Wshadow -Wformat=2 -Wmissing-prototypes -Wstrict-prototypes
STD := -std=gnu11 -D_GNU_SOURCE -DVERSION='"$(VERSION)"'
CFLAGS ?= -O2 -g

# A file belongs to the program of its folder, and may include what that
# folder's include path holds (tests/build/test_layout.sh checks it):
#   src/boot/    earlybind, the static boot binary: its own files and src/shared
#   src/ctl/     earlybindctl: its own, src/shared, kargs/, ostree/
#   src/shared/  libc only, for both: nothing outside src/shared
#   kargs/       kernel arguments and the boot-loader back ends: src/shared
#   ostree/      the rpm-ostree and bootc back end: src/shared and kargs/
BOOT_INC := -Isrc/boot -Isrc/shared
CTL_INC := -Isrc/ctl -Isrc/shared -Ikargs -Iostree

# The boot binary: the files it is made of.
EARLYBIND_SRC := $(filter-out src/boot/static_libc.c src/boot/fnmatch_bytes.c, \
		   $(wildcard src/boot/*.c)) \
		 src/shared/manifest.c src/shared/hex.c src/shared/cmdline.c src/shared/rootpath.c \
		 src/shared/readfile.c src/shared/vfio_driver.c src/shared/uevent.c
EARLYBIND_HDR := $(wildcard src/boot/*.h src/shared/*.h)

STATIC_DEPS := $(BUILDDIR)/static
ifeq ($(STATIC),1)
EB_CC := musl-gcc
# Nothing in the boot binary unwinds the stack, so no unwind tables; and
# one segment per permission instead of page-aligned code, which only pads.
EB_CFLAGS := -Os -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables \
	     -fno-unwind-tables -I$(STATIC_DEPS)/include
EB_LDFLAGS := -static -Wl,--gc-sections -Wl,-z,noseparate-code -s
EB_LIBS := $(STATIC_DEPS)/lib/libkmod.a $(STATIC_DEPS)/lib/liblzma.a
# Instead of musl's fnmatch and system (see the file).
EB_STATIC_SRC := src/boot/static_libc.c src/boot/fnmatch_bytes.c
EB_PREREQ := $(STATIC_DEPS)/lib/libkmod.a
else
EB_CC := $(CC)
EB_CFLAGS := $(CFLAGS) $(shell pkg-config --cflags libkmod)
EB_LDFLAGS := $(LDFLAGS)
EB_LIBS := $(shell pkg-config --libs libkmod)
EB_STATIC_SRC :=
EB_PREREQ :=
endif

# The admin tool: dynamically linked to libpci, libblkid, libkmod, libvirt,
# libxml2 and json-c (rpm-ostree status --json).
CTL_SRC := $(wildcard src/ctl/*.c src/shared/*.c kargs/*.c ostree/*.c)
CTL_HDR := $(wildcard src/ctl/*.h src/shared/*.h kargs/*.h ostree/*.h)
# Expanded when a recipe runs, after scripts/deps installed the -dev packages.
CTL_CFLAGS = $(CTL_INC) $(shell pkg-config --cflags libpci blkid libkmod libvirt libxml-2.0 json-c)
CTL_LIBS = $(shell pkg-config --libs libpci blkid libkmod libvirt libxml-2.0 json-c)

.PHONY: all check check-edge demo bench install uninstall clean deps-check deps-demo deps-bench \
	unit-tests fuzz-targets

MANPAGES := $(BUILDDIR)/man/earlybind.8 $(BUILDDIR)/man/earlybindctl.8 \
	    $(BUILDDIR)/man/earlybind.conf.5

all: $(BUILDDIR)/earlybind $(BUILDDIR)/earlybindctl $(MANPAGES)

# Man pages: scdoc sources, roff built here.
$(BUILDDIR)/man/%: man/%.scd
	@mkdir -p $(@D)
	scdoc <$< >$@.tmp && mv $@.tmp $@

$(BUILDDIR)/earlybindctl: $(CTL_SRC) $(CTL_HDR) Makefile
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(CFLAGS) $(CTL_CFLAGS) -o $@ $(CTL_SRC) $(LDFLAGS) $(CTL_LIBS)

$(BUILDDIR)/earlybind: $(EARLYBIND_SRC) $(EB_STATIC_SRC) $(EARLYBIND_HDR) $(EB_PREREQ) Makefile
	@mkdir -p $(@D)
	$(EB_CC) $(STD) $(WARN) $(EB_CFLAGS) $(BOOT_INC) -o $@ $(EARLYBIND_SRC) $(EB_STATIC_SRC) \
		$(EB_LDFLAGS) $(EB_LIBS)

# libkmod (and liblzma for .ko.xz) built with musl from the distribution's
# source packages; the sources stay under build/, never in the tree.
$(STATIC_DEPS)/lib/libkmod.a: scripts/build-libkmod
	scripts/build-libkmod $(STATIC_DEPS)

# ---- tests ---------------------------------------------------------------

SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
# The reader of rpm-ostree status --json and what it needs, for its test and fuzzer.
RO_STATUS_SRC := ostree/rpm_ostree_status.c kargs/kargs.c src/shared/modname.c src/shared/json.c src/shared/manifest.c src/shared/hex.c \
		 src/shared/readfile.c src/shared/cmdline.c src/shared/strv.c
UNIT_TESTS := $(BUILDDIR)/asan/test_manifest $(BUILDDIR)/asan/test_cmdline \
	      $(BUILDDIR)/asan/test_rootpath $(BUILDDIR)/asan/test_rootpath_walk \
	      $(BUILDDIR)/asan/test_firmware_fb $(BUILDDIR)/asan/test_uevent
FUZZERS := $(BUILDDIR)/fuzz/fuzz_manifest $(BUILDDIR)/fuzz/fuzz_cmdline \
	   $(BUILDDIR)/fuzz/fuzz_kargs $(BUILDDIR)/fuzz/fuzz_initrd $(BUILDDIR)/fuzz/fuzz_fnmatch \
	   $(BUILDDIR)/fuzz/fuzz_vm_xml $(BUILDDIR)/fuzz/fuzz_kargs_edit

$(BUILDDIR)/asan/test_manifest: tests/unit/test_manifest.c src/shared/manifest.c src/shared/hex.c src/shared/manifest.h tests/check.h src/shared/readfile.c \
	src/shared/manifest_edit.c src/shared/strv.c src/shared/manifest_edit.h src/shared/atomicfile.c src/shared/atomicfile.h src/shared/rootpath.c
$(BUILDDIR)/asan/test_cmdline: tests/unit/test_cmdline.c src/shared/cmdline.c src/shared/readfile.c src/shared/cmdline.h tests/check.h
$(BUILDDIR)/asan/test_rootpath: tests/unit/test_rootpath.c src/shared/rootpath.c src/shared/rootpath.h tests/check.h
# The same tests on the component walk that stands in where openat2 is missing.
$(BUILDDIR)/asan/test_rootpath_walk: tests/unit/test_rootpath.c src/shared/rootpath.c src/shared/rootpath.h \
				     tests/check.h
$(BUILDDIR)/asan/test_rootpath_walk: UNIT_CFLAGS := -DROOTPATH_TEST_WALK
$(BUILDDIR)/asan/test_firmware_fb: tests/unit/test_firmware_fb.c src/shared/firmware_fb.c \
	src/shared/rootpath.c src/shared/firmware_fb.h tests/check.h
$(BUILDDIR)/asan/test_uevent: tests/unit/test_uevent.c src/shared/uevent.c src/shared/hex.c src/shared/uevent.h tests/check.h
$(UNIT_TESTS):
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) -Wno-missing-prototypes -O1 -g $(SAN) $(UNIT_CFLAGS) -o $@ $(filter %.c,$^)

# The boot binary with the sanitizers, linked to the system libkmod.
$(BUILDDIR)/asan/earlybind: $(EARLYBIND_SRC) $(EARLYBIND_HDR)
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) -O1 -g $(SAN) $(BOOT_INC) $(shell pkg-config --cflags libkmod) -o $@ \
		$(EARLYBIND_SRC) $(shell pkg-config --libs libkmod)

$(BUILDDIR)/asan/earlybindctl: $(CTL_SRC) $(CTL_HDR)
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) -O1 -g $(SAN) $(CTL_CFLAGS) -o $@ $(CTL_SRC) $(CTL_LIBS)

# STATIC=0, as distributions that forbid bundling build it; tested too.
$(BUILDDIR)/dynamic/earlybind: $(EARLYBIND_SRC) $(EARLYBIND_HDR)
	$(MAKE) --no-print-directory STATIC=0 BUILDDIR=$(BUILDDIR)/dynamic $@

$(BUILDDIR)/mkfakesys: tests/mkfakesys.c tests/fakesys.c tests/fakesys.h
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) -Wno-missing-prototypes $(CFLAGS) -o $@ tests/mkfakesys.c tests/fakesys.c

$(BUILDDIR)/fuzz/fuzz_manifest: tests/fuzz/fuzz_manifest.c src/shared/manifest.c src/shared/hex.c src/shared/readfile.c src/shared/manifest.h \
	src/shared/manifest_edit.c src/shared/strv.c src/shared/atomicfile.c src/shared/rootpath.c
$(BUILDDIR)/fuzz/fuzz_cmdline: tests/fuzz/fuzz_cmdline.c src/shared/cmdline.c src/shared/readfile.c src/shared/cmdline.h
$(BUILDDIR)/fuzz/fuzz_kargs: tests/fuzz/fuzz_kargs.c kargs/kargs.c src/shared/modname.c src/shared/json.c src/shared/manifest.c src/shared/hex.c src/shared/readfile.c \
			     src/shared/cmdline.c src/shared/strv.c kargs/kargs.h
$(BUILDDIR)/fuzz/fuzz_kargs: FUZZ_CFLAGS := -Isrc/shared -Ikargs
$(BUILDDIR)/fuzz/fuzz_initrd: tests/fuzz/fuzz_initrd.c src/shared/initrd.c src/shared/hex.c src/shared/readfile.c src/shared/initrd.h
# JSON strings from any bytes: UTF-8, no raw control character.
FUZZERS += $(BUILDDIR)/fuzz/fuzz_json
$(BUILDDIR)/fuzz/fuzz_json: tests/fuzz/fuzz_json.c src/shared/json.c src/shared/json.h src/shared/utf8.h
$(BUILDDIR)/fuzz/fuzz_fnmatch: tests/fuzz/fuzz_fnmatch.c src/boot/fnmatch_bytes.c src/boot/fnmatch_bytes.h
$(BUILDDIR)/fuzz/fuzz_vm_xml: tests/fuzz/fuzz_vm_xml.c src/ctl/vm_xml.c src/shared/manifest.c src/shared/hex.c src/shared/readfile.c \
	src/shared/cpu_topology.c src/shared/rootpath.c src/ctl/vm_xml.h src/shared/cpu_topology.h
$(BUILDDIR)/fuzz/fuzz_vm_xml: FUZZ_CFLAGS = -Isrc/ctl -Isrc/shared $(shell pkg-config --cflags libxml-2.0)
$(BUILDDIR)/fuzz/fuzz_vm_xml: FUZZ_LIBS = $(shell pkg-config --libs libxml-2.0)
$(BUILDDIR)/fuzz/fuzz_kargs_edit: tests/fuzz/fuzz_kargs_edit.c kargs/kargs.c src/shared/modname.c src/shared/json.c src/shared/manifest.c src/shared/hex.c src/shared/readfile.c \
				  src/shared/cmdline.c src/shared/strv.c kargs/kargs.h
$(BUILDDIR)/fuzz/fuzz_kargs_edit: FUZZ_CFLAGS := -Isrc/shared -Ikargs
# rpm-ostree status --json from any bytes: the deployment apply reads.
FUZZERS += $(BUILDDIR)/fuzz/fuzz_rpm_ostree_status
$(BUILDDIR)/fuzz/fuzz_rpm_ostree_status: tests/fuzz/fuzz_rpm_ostree_status.c $(RO_STATUS_SRC) \
					 ostree/rpm_ostree_status.h kargs/kargs.h
$(BUILDDIR)/fuzz/fuzz_rpm_ostree_status: FUZZ_CFLAGS = -Iostree -Ikargs -Isrc/shared \
						       $(shell pkg-config --cflags json-c)
$(BUILDDIR)/fuzz/fuzz_rpm_ostree_status: FUZZ_LIBS = $(shell pkg-config --libs json-c)
$(FUZZERS):
	@mkdir -p $(@D)
	clang $(STD) $(WARN) -Wno-missing-prototypes -O1 -g \
		-fsanitize=fuzzer,address,undefined $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^) $(FUZZ_LIBS)

# libpci and libblkid against fake roots and real filesystem images.
PCIDEV_TEST := $(BUILDDIR)/asan/test_pcidev
$(PCIDEV_TEST): tests/unit/test_pcidev.c src/ctl/pcidev.c src/ctl/blockdev.c src/shared/manifest.c src/shared/hex.c src/shared/readfile.c src/shared/strcopy.c \
		src/shared/uevent.c src/shared/rootpath.c src/ctl/pcidev.h src/ctl/blockdev.h src/shared/manifest.h src/shared/rootpath.h tests/check.h
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) -Wno-missing-prototypes -O1 -g $(SAN) $(CTL_INC) \
		$(shell pkg-config --cflags libpci blkid) -o $@ $(filter %.c,$^) \
		$(shell pkg-config --libs libpci blkid)

# fnmatch_bytes against musl's own fnmatch, the one it replaces: musl-gcc.
FNMATCH_TEST := $(BUILDDIR)/musl/test_fnmatch
$(FNMATCH_TEST): tests/unit/test_fnmatch.c src/boot/fnmatch_bytes.c src/boot/fnmatch_bytes.h tests/check.h
	@mkdir -p $(@D)
	musl-gcc $(STD) $(WARN) -Wno-missing-prototypes -O1 -g -static -o $@ $(filter %.c,$^)

# rpm-ostree status --json through json-c, on the real captures in tests/fixtures/rpm-ostree.
RO_STATUS_TEST := $(BUILDDIR)/asan/test_rpm_ostree_status
$(RO_STATUS_TEST): tests/unit/test_rpm_ostree_status.c $(RO_STATUS_SRC) ostree/rpm_ostree_status.h \
		   kargs/kargs.h tests/check.h
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) -Wno-missing-prototypes -O1 -g $(SAN) -Iostree -Ikargs -Isrc/shared \
		$(shell pkg-config --cflags json-c) -o $@ $(filter %.c,$^) $(shell pkg-config --libs json-c)

unit-tests: $(UNIT_TESTS) $(PCIDEV_TEST) $(FNMATCH_TEST) $(RO_STATUS_TEST)
fuzz-targets: $(FUZZERS)

deps-check:
	@scripts/deps check
deps-demo:
	@scripts/deps demo
deps-bench:
	@scripts/deps bench

# Each quoted word is one test command for tests/run, which totals the
# PASS/FAIL lines and ends with "N passed, N failed".
check: deps-check
	$(MAKE) --no-print-directory all $(BUILDDIR)/dynamic/earlybind $(BUILDDIR)/asan/earlybind \
		$(BUILDDIR)/asan/earlybindctl $(BUILDDIR)/mkfakesys unit-tests fuzz-targets
	tests/run \
		$(UNIT_TESTS) $(FNMATCH_TEST) \
		"$(RO_STATUS_TEST) tests/fixtures/rpm-ostree" \
		"tests/unit/test_fakesys.sh $(BUILDDIR)/mkfakesys" \
		"tests/unit/test_earlybind.sh $(BUILDDIR)/earlybind $(BUILDDIR)/mkfakesys static" \
		"tests/unit/test_earlybind.sh $(BUILDDIR)/dynamic/earlybind $(BUILDDIR)/mkfakesys dynamic" \
		"tests/unit/test_earlybind.sh $(BUILDDIR)/asan/earlybind $(BUILDDIR)/mkfakesys asan" \
		"$(PCIDEV_TEST) $(BUILDDIR)/mkfakesys" \
		"tests/unit/test_earlybindctl.sh $(BUILDDIR)/earlybindctl $(BUILDDIR)/mkfakesys" \
		"tests/unit/test_earlybindctl.sh $(BUILDDIR)/asan/earlybindctl $(BUILDDIR)/mkfakesys asan" \
		"tests/unit/test_stubs.sh" \
		"tests/unit/test_dracut_module.sh" \
		"tests/unit/test_apply.sh $(BUILDDIR)/earlybindctl $(BUILDDIR)/mkfakesys" \
		"tests/unit/test_apply.sh $(BUILDDIR)/asan/earlybindctl $(BUILDDIR)/mkfakesys asan" \
		"tests/unit/test_doctor.sh $(BUILDDIR)/earlybindctl $(BUILDDIR)/mkfakesys" \
		"tests/unit/test_doctor.sh $(BUILDDIR)/asan/earlybindctl $(BUILDDIR)/mkfakesys asan" \
		"tests/unit/test_vm.sh $(BUILDDIR)/earlybindctl $(BUILDDIR)/mkfakesys" \
		"tests/unit/test_vm.sh $(BUILDDIR)/asan/earlybindctl $(BUILDDIR)/mkfakesys asan" \
		"tests/build/test_static_binary.sh $(BUILDDIR)/earlybind" \
		"tests/build/test_layout.sh" \
		"tests/build/test_install.sh $(BUILDDIR)" \
		"tests/build/test_manpages.sh $(BUILDDIR)" \
		"tests/build/test_completion.sh $(BUILDDIR)" \
		"tests/build/test_rpmspec.sh $(BUILDDIR)" \
		"tests/fuzz/run $(BUILDDIR)/fuzz $(FUZZ_SECONDS)" \
		"tests/shellcheck.sh" \
		"tests/e2e/run $(BUILDDIR)"

check-edge: deps-check
	$(MAKE) --no-print-directory all
	tests/run "tests/e2e/run $(BUILDDIR) sid"

# The packages first, then a make that sees them (pkg-config, musl-gcc).
demo: deps-demo
	$(MAKE) --no-print-directory all
	scripts/demo $(BUILDDIR)

bench: deps-bench
	$(MAKE) --no-print-directory all $(BUILDDIR)/mkfakesys
	tests/bench/run $(BUILDDIR)

# ---- install -------------------------------------------------------------

install: $(BUILDDIR)/earlybind $(BUILDDIR)/earlybindctl $(MANPAGES)
	$(INSTALL) -D -m 0755 $(BUILDDIR)/earlybind $(DESTDIR)$(SBINDIR)/earlybind
	$(INSTALL) -D -m 0755 $(BUILDDIR)/earlybindctl $(DESTDIR)$(SBINDIR)/earlybindctl
	$(INSTALL) -d -m 0755 $(DESTDIR)$(DRACUTMODDIR)/90earlybind
	$(INSTALL) -m 0755 dracut-module/90earlybind/module-setup.sh \
		$(DESTDIR)$(DRACUTMODDIR)/90earlybind/module-setup.sh
	$(INSTALL) -m 0755 dracut-module/90earlybind/earlybind-pre-udev.sh \
		$(DESTDIR)$(DRACUTMODDIR)/90earlybind/earlybind-pre-udev.sh
	$(INSTALL) -D -m 0644 dracut-module/90-earlybind.conf $(DESTDIR)$(DRACUTCONFDIR)/90-earlybind.conf
	$(INSTALL) -D -m 0644 earlybind.conf.example $(DESTDIR)$(DATADIR)/earlybind/earlybind.conf.example
	@# The admin's manifest is never overwritten.
	test -e $(DESTDIR)$(SYSCONFDIR)/earlybind.conf || \
		$(INSTALL) -D -m 0644 earlybind.conf.example $(DESTDIR)$(SYSCONFDIR)/earlybind.conf
	$(INSTALL) -D -m 0644 $(BUILDDIR)/man/earlybind.8 $(DESTDIR)$(MANDIR)/man8/earlybind.8
	$(INSTALL) -D -m 0644 $(BUILDDIR)/man/earlybind.conf.5 $(DESTDIR)$(MANDIR)/man5/earlybind.conf.5
	$(INSTALL) -D -m 0644 $(BUILDDIR)/man/earlybindctl.8 $(DESTDIR)$(MANDIR)/man8/earlybindctl.8
	$(INSTALL) -D -m 0644 completion/earlybindctl \
		$(DESTDIR)$(BASHCOMPDIR)/earlybindctl

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/earlybind $(DESTDIR)$(SBINDIR)/earlybindctl
	rm -rf $(DESTDIR)$(DRACUTMODDIR)/90earlybind
	rm -f $(DESTDIR)$(DRACUTCONFDIR)/90-earlybind.conf
	rm -f $(DESTDIR)$(DATADIR)/earlybind/earlybind.conf.example
	[ ! -d $(DESTDIR)$(DATADIR)/earlybind ] || rmdir --ignore-fail-on-non-empty $(DESTDIR)$(DATADIR)/earlybind
	rm -f $(DESTDIR)$(MANDIR)/man8/earlybind.8 $(DESTDIR)$(MANDIR)/man5/earlybind.conf.5
	rm -f $(DESTDIR)$(MANDIR)/man8/earlybindctl.8 $(DESTDIR)$(BASHCOMPDIR)/earlybindctl

clean:
	rm -rf $(BUILDDIR)

# make print-VAR: the value of VAR (tests/build/test_layout.sh reads BOOT_INC).
print-%:
	@echo '$($*)'
