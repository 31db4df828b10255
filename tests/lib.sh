# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# Shared by the shell test scripts: a scratch directory, and one "PASS:
# name" or "FAIL: name" line per test, then "N passed, N failed" on stderr.
#
#   begin NAME    starts a test; R is TMP/NAME (not created)
#   fail MSG...   marks it failed, saying why
#   end           prints its line
#   summary       prints the totals; false when any test failed
#
# LABEL, when set before sourcing, is shown after each name ("[asan]").
# The variables are for the scripts that source this file.
# shellcheck disable=SC2034

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# readlink -f answers with the physical path; tests compare against that.
TMP=$(cd "$TMP" && pwd -P)
passed=0
failed=0
current=
current_failed=0
R=

begin() {
	current=$1
	current_failed=0
	R=$TMP/$current
}

fail() {
	printf '  %s: %s\n' "$current" "$*"
	current_failed=1
}

end() {
	if [ "$current_failed" -eq 0 ]; then
		printf 'PASS: %s%s\n' "$current" "${LABEL:+ [$LABEL]}"
		passed=$((passed + 1))
	else
		printf 'FAIL: %s%s\n' "$current" "${LABEL:+ [$LABEL]}"
		failed=$((failed + 1))
	fi
}

summary() {
	printf '%d passed, %d failed\n' "$passed" "$failed" >&2
	[ "$failed" -eq 0 ]
}
