#!/usr/bin/env bash
# Real AArch64 static PIEs and a -shared image, cross-built at build time by
# scripts/mkfixtures.sh ($B/fixtures/aarch64.list), through elf_parse +
# elf_relocate (the host tool elf_relocdump, every compiler's build) at two
# slides, against what aarch64-linux-gnu-readelf -rW lists:
#   R_AARCH64_RELATIVE         slide + addend
#   ABS64, GLOB_DAT, JUMP_SLOT symbol value (+ slide if defined) + addend
#   RELR (decoded by readelf)  the file's word + slide
# and the relocation counts elf_parse reports equal readelf's.  The images
# must include a -shared one (symbol relocations) and a DT_RELR one.
# Exit 77 (skip) only without the cross toolchain (scripts/deps.sh installs it).
# Prints "RESULT passed=N failed=M".
set -u
B=${B:-build}
fx=$B/fixtures
if ! command -v aarch64-linux-gnu-gcc >/dev/null ||
	! command -v aarch64-linux-gnu-readelf >/dev/null; then
	echo "SKIP: no aarch64-linux-gnu-gcc / readelf (scripts/deps.sh installs them)"
	exit 77
fi
tools=()
for cc in gcc clang; do
	[ -x "$B/host-$cc/tests/elf_relocdump" ] && tools+=("$B/host-$cc/tests/elf_relocdump")
done
if [ ${#tools[@]} -eq 0 ] || [ ! -s "$fx/aarch64.list" ]; then
	echo "FAIL: no elf_relocdump under $B/host-*/tests or no $fx/aarch64.list (make host)"
	echo "RESULT passed=0 failed=1"
	exit 1
fi
exec python3 - "$fx" "${tools[@]}" <<'PY'
import re, subprocess, sys

fx, tools = sys.argv[1], sys.argv[2:]
SLIDES = (0x40000000, 0xffff800000000000)
MASK = (1 << 64) - 1
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL: " + what)


def readelf(path):
    """RELA entries (offset, type, symbol value or None, addend) and RELR offsets."""
    out = subprocess.run(["aarch64-linux-gnu-readelf", "-rW", path], check=True,
                         capture_output=True, text=True).stdout
    rela, relr, section = [], [], None
    for line in out.splitlines():
        m = re.match(r"Relocation section '(\S+)'", line)
        if m:
            section = m.group(1)
            continue
        if section == ".relr.dyn":
            if re.fullmatch(r"[0-9a-f]{16}", line.strip()):
                relr.append(int(line, 16))
            continue
        m = re.match(r"([0-9a-f]{16})\s+[0-9a-f]{16}\s+(R_AARCH64_\w+)\s+(.*)$", line)
        if not m:
            continue
        off, typ, rest = int(m.group(1), 16), m.group(2), m.group(3).strip()
        s = re.match(r"([0-9a-f]{16})\s+\S+\s*([+-])\s*([0-9a-f]+)$", rest)
        if s:  # symbol value, name, +/- addend
            add = int(s.group(3), 16) * (1 if s.group(2) == "+" else -1)
            rela.append((off, typ, int(s.group(1), 16), add))
        else:  # no symbol: the addend alone
            rela.append((off, typ, None, int(rest, 16)))
    return rela, relr


names = [l.strip() for l in open(fx + "/aarch64.list") if l.strip()]
check(any("shared" in n for n in names), "aarch64.list has no -shared image")
for name in names:
    path = fx + "/" + name
    rela, relr = readelf(path)
    check(rela or relr, f"{name}: readelf lists no relocations")
    has_relr = bool(relr)
    counts = {t: sum(1 for r in rela if r[1] == "R_AARCH64_" + t)
              for t in ("RELATIVE", "ABS64", "GLOB_DAT", "JUMP_SLOT")}
    check(sum(counts.values()) == len(rela), f"{name}: readelf lists a type elf/ does not apply")
    addrs = "".join("%x\n" % a for a in [r[0] for r in rela] + relr)
    for tool in tools:
        for slide in SLIDES:
            run = subprocess.run([tool, "aarch64", "%x" % slide, path], input=addrs,
                                 capture_output=True, text=True)
            if run.returncode != 0:
                check(False, f"{tool} {name}: exit {run.returncode}: {run.stderr.strip()}")
                continue
            lines = run.stdout.splitlines()
            want = "stats relative %d abs64 %d glob_dat %d jump_slot %d relr %d" % (
                counts["RELATIVE"], counts["ABS64"], counts["GLOB_DAT"], counts["JUMP_SLOT"],
                len(relr))
            check(lines[0] == want, f"{tool} {name}: '{lines[0]}', readelf: '{want}'")
            got = {}
            for l in lines[1:]:
                a, w, fw = l.split()
                got[int(a, 16)] = (None if w == "none" else int(w, 16),
                                   None if fw == "none" else int(fw, 16))
            bad = 0
            for off, typ, sym, add in rela:
                if typ == "R_AARCH64_RELATIVE":
                    exp = slide + add
                elif sym:  # a defined symbol moves with the image
                    exp = sym + slide + add
                else:  # undefined (weak): value 0
                    exp = add
                if got.get(off, (None,))[0] != exp & MASK:
                    bad += 1
                    if bad <= 3:
                        print(f"  {name} +0x{slide:x}: {typ} at 0x{off:x}: "
                              f"got {got.get(off)}, want 0x{exp & MASK:x}")
            for off in relr:
                w, fw = got.get(off, (None, None))
                if w is None or fw is None or w != (fw + slide) & MASK:
                    bad += 1
            check(bad == 0, f"{tool} {name} at slide 0x{slide:x}: {bad} values differ from readelf")
    print(f"  {name}: {len(rela)} RELA/JMPREL ({counts}), {len(relr)} RELR addresses")
check(any(readelf(fx + "/" + n)[1] for n in names), "aarch64.list has no DT_RELR image")
print(f"RESULT passed={passed} failed={failed}")
sys.exit(1 if failed else 0)
PY
