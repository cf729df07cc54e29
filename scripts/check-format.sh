#!/usr/bin/env bash
# The formatter check: every tracked C file and header is as clang-format
# (.clang-format at the top) writes it.  Tables fenced with
# "clang-format off/on" keep their hand alignment.  A self-test first shows
# that a misformatted file is caught.
# Usage: scripts/check-format.sh   Prints ok/FAIL lines and RESULT.
cd "$(dirname "$0")/.." || exit 1
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok   $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

CF=clang-format
command -v clang-format-14 >/dev/null && CF=clang-format-14
if ! command -v "$CF" >/dev/null; then
	echo "check-format: clang-format missing (scripts/deps.sh installs it)"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/aslrboot-format.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cp .clang-format "$tmp/"
printf 'int f(int a)\n{\n\treturn a;\n}\n' >"$tmp/good.c"
printf 'int f(int a) {\n  return a;\n}\n' >"$tmp/bad.c"
if (cd "$tmp" && "$CF" --dry-run --Werror good.c 2>/dev/null) &&
	! (cd "$tmp" && "$CF" --dry-run --Werror bad.c 2>/dev/null); then
	ok "self-test: a misformatted file is caught, a formatted one passes"
else
	fail "self-test: a misformatted file is caught, a formatted one passes"
fi

mapfile -t files < <(git ls-files '*.c' '*.h' | grep -v '^tests/fuzz-seeds/')
bad=()
for f in "${files[@]}"; do
	"$CF" --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if [ ${#bad[@]} -eq 0 ]; then
	ok "${#files[@]} C files and headers match .clang-format"
else
	fail "${#bad[@]} of ${#files[@]} files differ from .clang-format (make format fixes them):"
	printf '  %s\n' "${bad[@]}"
fi
echo "RESULT passed=$passed failed=$failed"
[ "$failed" -eq 0 ]
