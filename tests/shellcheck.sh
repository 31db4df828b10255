#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Runs shellcheck on every shell file in the tree: what git tracks (or, outside
# a git checkout, what find sees) that is *.sh or starts with a shell #!.
# Dracut modules are bash; the hooks they install run under dash or bash,
# so each file is checked as the shell its #! or directive names.
set -u
cd "$(dirname "$0")/.." || exit 1

if ! command -v shellcheck >/dev/null; then
	echo "FAIL: shellcheck: not installed (scripts/deps check installs it)"
	exit 1
fi
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	files=$(git ls-files --cached --others --exclude-standard)
else
	files=$(find . -path ./build -prune -o -type f -print | sed 's|^\./||')
fi
rc=0
for f in $files; do
	[ -f "$f" ] || continue
	case "$f" in
	*.sh | dracut-module/*.conf) ;;
	*)
		head -c 64 "$f" 2>/dev/null | head -n 1 | grep -qE '^#!.*/(env )?(ba|da)?sh' ||
			continue
		;;
	esac
	if out=$(shellcheck -x "$f" 2>&1); then
		echo "PASS: shellcheck $f"
	else
		printf '%s\n' "$out"
		echo "FAIL: shellcheck $f"
		rc=1
	fi
done
exit "$rc"
