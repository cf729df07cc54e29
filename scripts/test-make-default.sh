#!/usr/bin/env bash
# Plain `make` in a fresh clone builds everything the README promises: the
# default goal is `all` (not the first rule an included fragment defines),
# and its dry run (-n: nothing is built) in an empty build directory makes
# build/aslrboot.efi, build/aslrboot.mb, build/aslrboot-aa64.efi, the test
# kernels and the host tool aslrboot-inspect.  Prints "ok"/"FAIL" lines and a RESULT line.
cd "$(dirname "$0")/.." || exit 1
passed=0 failed=0
check() { # description, command...
	local what=$1
	shift
	if "$@"; then echo "ok $what"; passed=$((passed + 1)); else echo "FAIL $what"; failed=$((failed + 1)); fi
}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/aslrboot-make.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fresh=$tmp/build

goal=$(make -pq B="$fresh" 2>/dev/null | sed -n 's/^\.DEFAULT_GOAL := //p' | tail -n 1)
check "default goal is all (got '${goal:-none}')" [ "$goal" = all ]
make -n B="$fresh" >"$tmp/plan" 2>&1
builds() { grep -qE -- "$1" "$tmp/plan"; }
check "make builds $fresh/aslrboot.efi" builds "mv $fresh/aslrboot\.efi\.tmp $fresh/aslrboot\.efi$"
check "make builds $fresh/aslrboot.mb" builds "cp $fresh/multiboot/aslrboot\.mb $fresh/aslrboot\.mb$"
check "make builds the test kernel" builds "-o $fresh/kernel/test-kernel\.elf$"
check "make builds $fresh/aslrboot-aa64.efi" builds "mv $fresh/aslrboot-aa64\.efi\.tmp $fresh/aslrboot-aa64\.efi$"
check "make builds the arm64 test kernel" builds "mv $fresh/kernel-aa64\.elf\.tmp $fresh/kernel-aa64\.elf$"
check "make builds aslrboot-inspect" builds " $fresh/aslrboot-inspect$"
check "nothing was built by the dry run" [ ! -e "$fresh" ]
echo "RESULT passed=$passed failed=$failed"
[ "$failed" -eq 0 ]
