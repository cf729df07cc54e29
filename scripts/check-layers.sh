#!/usr/bin/env bash
# The dependency rule between folders, read from every #include "..." line
# (resolved against the including file's folder, then the repository root):
#   include/           -> nothing of ours (C headers only)
#   elf/, rand/        -> include/ and themselves
#   loader/            -> include/, elf/, rand/, loader/
#   efi/, multiboot/   -> anything but each other
# and inside loader/, only loader/arch/ itself names an architecture's
# folder: the rest of the core includes loader/arch/arch.h.
# tests/ and scripts/ are not checked.  A self-test first runs the checker
# over a temporary tree with planted violations.
# Usage: scripts/check-layers.sh [root]   Prints ok/FAIL lines and RESULT;
# each violation as "file:line: folder/ may not include target".
cd "$(dirname "$0")/.." || exit 1
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok   $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

# Prints one line per forbidden edge under root $1; exit 1 if any.
violations() {
	python3 - "$1" <<'PY'
import os, re, sys

root = os.path.realpath(sys.argv[1])
ours = ['include', 'elf', 'rand', 'loader', 'efi', 'multiboot']
allowed = {
    'include': set(),
    'elf': {'include', 'elf'},
    'rand': {'include', 'rand'},
    'loader': {'include', 'elf', 'rand', 'loader'},
    'efi': set(ours) - {'multiboot'},
    'multiboot': set(ours) - {'efi'},
}
inc = re.compile(r'^\s*#\s*include\s*"([^"]+)"')

def top(path):
    rel = os.path.relpath(path, root)
    return None if rel.startswith('..') else rel.split(os.sep)[0]

bad = 0
for folder in ours:
    for dirpath, dirs, files in os.walk(os.path.join(root, folder)):
        dirs.sort()
        for name in sorted(files):
            src = os.path.join(dirpath, name)
            if not name.endswith(('.c', '.h', '.S')):
                continue
            for n, line in enumerate(open(src, encoding='utf-8', errors='replace'), 1):
                m = inc.match(line)
                if not m:
                    continue
                target = None
                for base in (dirpath, root):
                    cand = os.path.realpath(os.path.join(base, m.group(1)))
                    if os.path.exists(cand):
                        target = cand
                        break
                dest = top(target) if target else None
                rel_src = os.path.relpath(src, root).split(os.sep)
                rel_dst = os.path.relpath(target, root).split(os.sep) if target else []
                if (folder == 'loader' and rel_src[:2] != ['loader', 'arch'] and
                        rel_dst[:2] == ['loader', 'arch'] and len(rel_dst) > 3):
                    bad += 1
                    print('%s:%d: the core includes loader/arch/arch.h, not %s' %
                          (os.path.relpath(src, root), n, os.path.relpath(target, root)))
                    continue
                if dest is None or dest not in ours or dest in allowed[folder]:
                    continue
                bad += 1
                print('%s:%d: %s/ may not include %s' %
                      (os.path.relpath(src, root), n, folder, os.path.relpath(target, root)))
sys.exit(1 if bad else 0)
PY
}

if ! command -v python3 >/dev/null; then
	echo "check-layers: python3 missing (scripts/deps.sh installs it)"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/aslrboot-layers.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{include,elf,rand,loader,efi,multiboot} "$tmp"/loader/arch/cpu
printf '#include <stdint.h>\n' >"$tmp/include/floor.h"
printf '#include "../include/floor.h"\n#include "elf.h"\n' >"$tmp/elf/elf.h"
printf '#include "loader/core.h"\n#include "../elf/elf.h"\n' >"$tmp/loader/core.h"
printf '#include "../loader/core.h"\n' >"$tmp/efi/main.c"
printf '#include "../loader/core.h"\n' >"$tmp/multiboot/main.c"
printf '#include "cpu/pte.h"\n' >"$tmp/loader/arch/arch.h"
printf '#include "../../core.h"\n' >"$tmp/loader/arch/cpu/pte.h"
printf '#include "arch/arch.h"\n' >"$tmp/loader/paging.c"
if out=$(violations "$tmp"); then
	ok "self-test: allowed edges pass"
else
	fail "self-test: allowed edges pass: $out"
fi
printf '#include "floor.h"\n#include "../loader/core.h"\n' >"$tmp/rand/rand.h"
printf '\n#include "../efi/main.c"\n' >"$tmp/multiboot/bad.c"
printf '#include "../elf/elf.h"\n' >"$tmp/include/up.h"
printf '#include "arch/cpu/pte.h"\n' >"$tmp/loader/layout.c"
if ! out=$(violations "$tmp") &&
	grep -qx 'rand/rand.h:2: rand/ may not include loader/core.h' <<<"$out" &&
	grep -qx 'multiboot/bad.c:2: multiboot/ may not include efi/main.c' <<<"$out" &&
	grep -qx 'include/up.h:1: include/ may not include elf/elf.h' <<<"$out" &&
	grep -qx 'loader/layout.c:1: the core includes loader/arch/arch.h, not loader/arch/cpu/pte.h' <<<"$out" &&
	[ "$(wc -l <<<"$out")" -eq 4 ]; then
	ok "self-test: four planted violations caught, one line each"
else
	fail "self-test: four planted violations caught, one line each: $out"
fi

if out=$(violations "${1:-.}"); then
	ok "${1:-.}: every #include follows the dependency rule"
else
	fail "${1:-.}: forbidden includes:"
	printf '%s\n' "$out"
fi
echo "RESULT passed=$passed failed=$failed"
[ "$failed" -eq 0 ]
