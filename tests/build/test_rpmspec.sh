#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# earlybind.spec, built with the real rpmbuild: it parses, its Version is the
# Makefile's VERSION, it builds from a tarball of the tree (with the compiler
# flags Fedora builds with), and the package holds exactly what make install
# installs with the same variables, with the same modes, plus the license and
# README; /etc/earlybind.conf is %config(noreplace) and the only %config file;
# the boot binary is linked to the system's libkmod (Fedora forbids bundling
# it) and the package requires libkmod.so.2 and dracut; the packaged programs
# report the package's version.
#
# rpmbuild runs with --nodeps: the BuildRequires name Fedora packages, and the
# Debian packages that scripts/deps installs provide the same headers.
#
# Usage: test_rpmspec.sh BUILDDIR   (BUILDDIR/rpmspec is replaced: the
#        reference make install is built there)
set -u

build=${1:?usage: test_rpmspec.sh BUILDDIR}

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

repo=$(cd "$(dirname "$0")/../.." && pwd)
spec=$repo/earlybind.spec
mkdir -p "$build" && build=$(cd "$build" && pwd)

# A make or rpmbuild started from `make check` would inherit its command-line
# variables (BUILDDIR=..., CFLAGS=...) through MAKEFLAGS; a package build
# has none.
clean_env() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES "$@"; }

# log FILE: rpmbuild's "RPM build errors:" and what follows, or else the
# last lines, indented, after a failure.
log() {
	if grep -q '^RPM build errors:' "$1"; then
		sed -n '/^RPM build errors:/,$p' "$1"
	else
		tail -n 25 "$1"
	fi | sed 's/^/    /'
}

begin "rpmspec: rpmbuild, rpmspec, rpm2cpio, cpio and readelf installed"
for t in rpmbuild rpmspec rpm rpm2cpio cpio readelf; do
	command -v "$t" >/dev/null ||
		fail "$t not found: install rpm, cpio and binutils (scripts/deps check installs them)"
done
end
if [ "$current_failed" -ne 0 ]; then
	summary
	exit 1
fi

# ---- the spec itself ---------------------------------------------------

begin "rpmspec: rpmspec -P earlybind.spec parses"
rpmspec -P "$spec" >"$TMP/parsed" 2>"$TMP/parse.err" ||
	fail "rpmspec -P failed: fix the syntax of earlybind.spec"
[ -s "$TMP/parse.err" ] && fail "rpmspec -P warns: $(tr '\n' ' ' <"$TMP/parse.err")"
end

# Make's value of VERSION, however the Makefile spells the assignment.
# shellcheck disable=SC2016
version=$(clean_env make -s --no-print-directory -C "$repo" \
	--eval 'rpmspec-print-version: ; @echo $(VERSION)' rpmspec-print-version 2>/dev/null)
begin "rpmspec: the spec's Version is the Makefile's VERSION"
spec_version=$(rpmspec -q --srpm --qf '%{VERSION}' "$spec" 2>/dev/null)
[ -n "$version" ] || fail "no VERSION in the Makefile"
[ "$spec_version" = "$version" ] ||
	fail "earlybind.spec has Version: '$spec_version', the Makefile VERSION := '$version';" \
		"make them equal (and add a %changelog entry)"
end

# ---- rpmbuild -bb from a tarball of the tree ---------------------------

# The tarball holds what git would ship from the working tree: tracked and
# untracked-but-not-ignored files as they are now, not the last commit, so
# that uncommitted work is what is tested.  Outside git, the tree but build/.
# Neither holds BUILDDIR when it lies in the tree under another name.
top=$TMP/rpm
name=earlybind-$version
mkdir -p "$top/SOURCES" "$TMP/src/$name"
case $build in
"$repo"/?*) builddir_rel=${build#"$repo"/} ;;
*) builddir_rel=build ;;
esac
begin "rpmspec: a source tarball of the tree"
if git -C "$repo" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	(cd "$repo" && git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do
			case $f in "$builddir_rel"/*) continue ;; esac
			# Deleted but not yet committed: not in the tree.
			if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi
		done | tar --null -T - -cf -) | tar -xf - -C "$TMP/src/$name"
else
	tar -C "$repo" --exclude=./build --exclude="./$builddir_rel" --exclude=./.git -cf - . |
		tar -xf - -C "$TMP/src/$name"
fi
tar -C "$TMP/src" -czf "$top/SOURCES/$name.tar.gz" "$name" ||
	fail "could not make $name.tar.gz"
[ -f "$TMP/src/$name/Makefile" ] || fail "the tarball has no Makefile"
end

# The flags Fedora's redhat-rpm-config gives on x86_64 (Fedora 41), less
# its -specs= files, which only exist on Fedora (they add -fPIE and -pie):
# -Werror in the Makefile meets _FORTIFY_SOURCE=3 and LTO as on Koji.
# A macro's body ends at a newline: each is passed as one line.
defs=(--define "_topdir $top")
# The commas are the flags' own (-Wl,-z,now).
# shellcheck disable=SC2054
if [ "$(uname -m)" = x86_64 ]; then
	cflags=(-O2 -flto=auto -ffat-lto-objects -fexceptions -g -grecord-gcc-switches -pipe
		-Wall -Werror=format-security -Wp,-U_FORTIFY_SOURCE,-D_FORTIFY_SOURCE=3
		-Wp,-D_GLIBCXX_ASSERTIONS -fPIE -fstack-protector-strong -m64 -march=x86-64
		-mtune=generic -fasynchronous-unwind-tables -fstack-clash-protection
		-fcf-protection -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer)
	ldflags=(-Wl,-z,relro -Wl,--as-needed -Wl,-z,now -pie -flto=auto -Wl,--build-id=sha1)
	defs+=(--define "optflags ${cflags[*]}" --define "build_ldflags ${ldflags[*]}")
fi
# Debian's brp-compress uses bash's read -d under #!/bin/sh (dash) and so
# compresses nothing; under bash it gzips the man pages as Fedora's does,
# and the man page globs in %files meet .gz names.
brp_compress=$(rpm --eval '%{?__brp_compress}')
[ -z "$brp_compress" ] || defs+=(--define "__brp_compress bash $brp_compress")

begin "rpmspec: rpmbuild -bb earlybind.spec"
clean_env rpmbuild -bb --nodeps "${defs[@]}" "$spec" >"$TMP/rpmbuild.log" 2>&1 ||
	fail "rpmbuild -bb failed; fix earlybind.spec (%files, %install) or the Makefile:" \
		"$(log "$TMP/rpmbuild.log")"
# The flags reached the compiler: the build is the one Fedora would make.
missing=
for f in "${cflags[@]:-}" "${ldflags[@]:-}"; do
	[ -z "$f" ] || grep -qF -e " $f " "$TMP/rpmbuild.log" || missing+=" $f"
done
[ -z "$missing" ] ||
	fail "not on the compiler's command line:$missing; pass CFLAGS=\"%{optflags}\"" \
		"LDFLAGS=\"%{build_ldflags}\" to make in %build, and keep the Makefile using them"
rpmfile=$(find "$top/RPMS" -name "earlybind-$version-*.rpm" ! -name '*-debug*' 2>/dev/null | head -n 1)
[ -n "$rpmfile" ] || fail "no earlybind-$version-*.rpm under RPMS/"
end
if [ -z "$rpmfile" ]; then
	summary
	exit 1
fi

# ---- the package against make install ----------------------------------

# The same variables as the spec's %install, from this rpm's macros.
ev() { rpm --eval "$1"; }
sbindir=$(ev '%{_sbindir}')
sysconfdir=$(ev '%{_sysconfdir}')
mandir=$(ev '%{_mandir}')
datadir=$(ev '%{_datadir}')
prefix=$(ev '%{_prefix}')
bashcompdir=$(ev '%{?bash_completions_dir}%{!?bash_completions_dir:%{_datadir}/bash-completion/completions}')
# earlybind/ on Fedora, earlybind-VERSION/ where _docdir_fmt says so (Debian).
docdir=$(ev '%{_defaultdocdir}')
licensedir=$(ev '%{_defaultlicensedir}')

ref=$build/rpmspec
dest=$TMP/root
rm -rf "$ref"
begin "rpmspec: make and make install STATIC=0 into a DESTDIR"
if ! clean_env make -s -C "$repo" BUILDDIR="$ref" STATIC=0 >"$TMP/make.log" 2>&1; then
	fail "make STATIC=0 failed: $(log "$TMP/make.log")"
elif ! clean_env make -s -C "$repo" BUILDDIR="$ref" install DESTDIR="$dest" STATIC=0 \
	PREFIX="$prefix" SBINDIR="$sbindir" SYSCONFDIR="$sysconfdir" \
	DRACUTMODDIR="$prefix/lib/dracut/modules.d" \
	DRACUTCONFDIR="$prefix/lib/dracut/dracut.conf.d" BASHCOMPDIR="$bashcompdir" \
	MANDIR="$mandir" DATADIR="$datadir" >>"$TMP/make.log" 2>&1; then
	fail "make install failed: $(log "$TMP/make.log")"
fi
end

# "PERMS PATH", one a line, no directory; a man page without the suffix of
# the compression that rpmbuild's brp-compress adds.  Not compared: the
# %license and %doc files (checked below) and the /usr/lib/.build-id links
# that rpmbuild adds for each ELF file.
unzip_man() { sed -E "\\#^[^ ]+ $mandir/#s/\\.(gz|bz2|xz|zst|Z)\$//" | sort; }
rpm -qp --qf '[%{FILEMODES:perms} %{FILENAMES}\n]' "$rpmfile" >"$TMP/rpm.all"
grep -v '^d' "$TMP/rpm.all" |
	grep -v -e " $docdir/earlybind[^/]*/" -e " $licensedir/earlybind[^/]*/" -e ' /usr/lib/\.build-id/' |
	unzip_man >"$TMP/rpm.files"
(cd "$dest" && find . -mindepth 1 ! -type d -printf '%M /%P\n') | unzip_man >"$TMP/make.files"

begin "rpmspec: the package holds what make install installs, with its modes"
if ! cmp -s "$TMP/make.files" "$TMP/rpm.files"; then
	fail "the package and make install differ (< make install, > package);" \
		"fix %files or %install in earlybind.spec: $(diff "$TMP/make.files" "$TMP/rpm.files" |
			grep '^[<>]' | tr '\n' ' ')"
fi
[ -s "$TMP/make.files" ] || fail "make install installed nothing"
end

begin "rpmspec: the package owns the directories make install creates for earlybind"
awk '$1 ~ /^d/ { print $2 }' "$TMP/rpm.all" >"$TMP/rpm.dirs"
while IFS= read -r d; do
	grep -qxF -- "$d" "$TMP/rpm.dirs" || fail "$d is not owned: add %dir $d to %files"
done < <(cd "$dest" && find . -mindepth 1 -type d -name '*earlybind*' -printf '/%P\n')
[ -s "$TMP/rpm.dirs" ] || fail "the package owns no directory"
end

begin "rpmspec: COPYING is the %license and README.md the %doc"
# "FLAGS|PATH": FLAGS is empty for most files.
rpm -qp --qf '[%{FILEFLAGS:fflags}|%{FILENAMES}\n]' "$rpmfile" >"$TMP/flags"
grep -qE "^l\|$licensedir/earlybind[^/]*/COPYING\$" "$TMP/flags" ||
	fail "no $licensedir/earlybind/COPYING: add %license COPYING to %files"
grep -qE "^d\|$docdir/earlybind[^/]*/README\.md\$" "$TMP/flags" ||
	fail "no $docdir/earlybind/README.md: add %doc README.md to %files"
end

# ---- file flags, linking, dependencies -----------------------------------

begin "rpmspec: /etc/earlybind.conf is %config(noreplace), nothing else is %config"
conf_flags=$(awk -F'|' -v f="$sysconfdir/earlybind.conf" '$2 == f { print $1 }' "$TMP/flags")
[ "$conf_flags" = cn ] ||
	fail "$sysconfdir/earlybind.conf has flags '$conf_flags', not 'cn': an update would" \
		"replace the admin's manifest; mark it %config(noreplace) in %files"
others=$(awk -F'|' -v f="$sysconfdir/earlybind.conf" '$2 != f && $1 ~ /c/ { print $2 }' "$TMP/flags")
[ -z "$others" ] || fail "%config on files that are not the admin's; drop it from:" \
	"$(printf '%s ' "$others")"
end

x=$TMP/extract
mkdir -p "$x"
(cd "$x" && rpm2cpio "$rpmfile" | cpio -idm --quiet 2>/dev/null)

begin "rpmspec: the packaged earlybind is linked to the system's libkmod"
if [ ! -f "$x$sbindir/earlybind" ]; then
	fail "no $sbindir/earlybind in the package"
elif ! readelf -d "$x$sbindir/earlybind" 2>/dev/null | grep -q 'NEEDED.*\[libkmod\.so\.2\]'; then
	fail "$sbindir/earlybind does not need libkmod.so.2 (static, or libkmod bundled):" \
		"build with STATIC=0 in %build and %install"
fi
end

begin "rpmspec: the package requires libkmod.so.2 and dracut"
rpm -qp --requires "$rpmfile" >"$TMP/requires" 2>/dev/null
grep -q '^libkmod\.so\.2' "$TMP/requires" ||
	fail "no libkmod.so.2 requirement: keep rpm's automatic ELF dependencies (no AutoReq: no)"
grep -qx 'dracut' "$TMP/requires" || fail "no Requires: dracut in earlybind.spec"
end

begin "rpmspec: the packaged programs report the package's version"
for p in earlybind earlybindctl; do
	out=$("$x$sbindir/$p" --version 2>&1)
	[ "$out" = "$p $version" ] ||
		fail "$sbindir/$p --version says '$out', not '$p $version': the Makefile passes" \
			"VERSION to the compiler with -DVERSION; keep the spec's make from overriding it"
done
end

summary
