#!/usr/bin/env bash
# Build guards on the Multiboot loader images ($B/aslrboot.mb from $CC and
# $B/multiboot-clang/aslrboot.mb from clang):
#   - ELF32 i386 executable (QEMU's -kernel loads nothing else), entry in an
#     R+X PT_LOAD
#   - no relocations of any kind, no PT_DYNAMIC / PT_INTERP: nothing would
#     apply them
#   - no PT_LOAD and no section both writable and executable
#   - Multiboot 1 header within the first 8 KiB, 4-aligned, valid checksum,
#     no a.out kludge (the ELF headers are authoritative); Multiboot 2 header
#     within the first 32 KiB, 8-aligned, valid checksum, tags ending in an
#     END tag inside header_length (spec 0.6.96 3.1.1 / spec 2.0 3.1.1)
#   - GRUB's own grub-file agrees on both protocols
# Prints "ok NAME" / "FAIL NAME: why" and a RESULT line.
set -u
B=${B:-build}
passed=0 failed=0
ok() { echo "ok $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1: $2"; failed=$((failed + 1)); }

# Words of the first 32 KiB, one unsigned 32-bit value per line.
words() { od -An -v -tu4 -w4 -N 32768 "$1" | tr -d ' '; }

mb1_check() {
	words "$1" | awk '
		NR <= 2048 && $1 == 464367618 { # 0x1badb002, first 8 KiB
			i = NR; m = $1; getline f; getline c
			if ((m + f + c) % 4294967296) { print "bad checksum at " (i - 1) * 4; exit 1 }
			if (int(f / 65536) % 2) { print "a.out kludge set (flags " f ")"; exit 1 }
			if (f % 65536 >= 8) { print "unexpected required flags " f; exit 1 }
			ok = 1; exit 0
		}
		END { if (!ok) { print "no header in the first 8 KiB"; exit 1 } }'
}

mb2_check() {
	words "$1" | awk '
		{ w[NR - 1] = $1 }
		END {
			for (i = 0; i < 8192; i += 2) if (w[i] == 3897708758) break # 0xe85250d6, 8-aligned
			if (i >= 8192) { print "no header in the first 32 KiB"; exit 1 }
			arch = w[i + 1]; len = w[i + 2]; sum = w[i + 3]
			if ((w[i] + arch + len + sum) % 4294967296) { print "bad checksum"; exit 1 }
			if (arch != 0) { print "architecture " arch ", want 0 (i386)"; exit 1 }
			if (len < 24 || len % 8 || i * 4 + len > 32768) { print "header_length " len; exit 1 }
			for (off = 16; off + 8 <= len; off += sz + (8 - sz % 8) % 8) {
				t = w[i + off / 4] % 65536; sz = w[i + off / 4 + 1]
				if (sz < 8 || off + sz > len) { print "tag at " off ": size " sz; exit 1 }
				if (t == 0) { if (sz != 8) { print "END tag size " sz; exit 1 }; exit 0 }
			}
			print "no END tag"; exit 1
		}'
}

check_image() {
	local f=$1 n=$2 why hdr
	[ -f "$f" ] || { bad "$n" "missing $f (make targets)"; return; }
	hdr=$(readelf -hW "$f")
	if grep -q 'Class:.*ELF32' <<<"$hdr" && grep -q 'Machine:.*80386' <<<"$hdr" &&
		grep -q 'Type:.*EXEC' <<<"$hdr"; then
		ok "$n-elf32"
	else
		bad "$n-elf32" "not an ELF32 i386 executable"
	fi
	if readelf -rW "$f" | grep -q 'There are no relocations in this file' &&
		! readelf -lW "$f" | grep -qE '^ *(DYNAMIC|INTERP) ' &&
		! readelf -SW "$f" | grep -qE '\.(dynamic|rel|rela)[. ]'; then
		ok "$n-no-relocations"
	else
		bad "$n-no-relocations" "relocations or dynamic linking information present"
	fi
	why=$(readelf -lW "$f" | awk '$1 == "LOAD" { fl = ""; for (i = 7; i < NF; i++) fl = fl $i
		if (fl ~ /W/ && fl ~ /E/) print "LOAD at " $3 " is " fl }')
	why+=$(readelf -SW "$f" | sed -n 's/^ *\[ *[0-9]*\] //p' | awk '{ for (i = 2; i <= NF; i++)
		if ($i ~ /^[WAXMSILOGTCxoEDp]+$/ && $i ~ /W/ && $i ~ /X/) print "section " $1 " is " $i }')
	[ -z "$why" ] && ok "$n-no-wx" || bad "$n-no-wx" "$why"
	local entry
	entry=$(readelf -hW "$f" | awk '/Entry point/ { print $4 }')
	why="entry $entry not in an R+X PT_LOAD"
	while read -r v m fl; do
		if (( entry >= v && entry < v + m )) && [[ $fl == *R* && $fl == *E* ]]; then
			why=
		fi
	done < <(readelf -lW "$f" | awk '$1 == "LOAD" { fl = ""; for (i = 7; i < NF; i++) fl = fl $i
		print $3, $6, fl }')
	[ -z "$why" ] && ok "$n-entry" || bad "$n-entry" "$why"
	why=$(mb1_check "$f") && ok "$n-multiboot1-header" || bad "$n-multiboot1-header" "$why"
	why=$(mb2_check "$f") && ok "$n-multiboot2-header" || bad "$n-multiboot2-header" "$why"
	if command -v grub-file >/dev/null; then
		grub-file --is-x86-multiboot "$f" && ok "$n-grub-file-mb1" ||
			bad "$n-grub-file-mb1" "grub-file --is-x86-multiboot says no"
		grub-file --is-x86-multiboot2 "$f" && ok "$n-grub-file-mb2" ||
			bad "$n-grub-file-mb2" "grub-file --is-x86-multiboot2 says no"
	fi
}

if [ $# -gt 0 ]; then # check the given files only
	for f in "$@"; do check_image "$f" "$(basename "$f")"; done
	echo "RESULT passed=$passed failed=$failed"
	[ "$failed" -eq 0 ]
	exit
fi
check_image "$B/aslrboot.mb" mb
check_image "$B/multiboot-clang/aslrboot.mb" mb-clang

# Self-test: each guard rejects an image built to break it.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/aslrboot-checkmb.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
expect_fail() { # NAME IMAGE GUARD-SUFFIX
	if "$0" "$2" 2>/dev/null | grep -q "^FAIL $(basename "$2")-$3:"; then
		ok "self-test-$1"
	else
		bad "self-test-$1" "the $3 guard accepted $2"
	fi
}
if [ -f "$B/aslrboot.mb" ]; then
	off1=$(od -An -v -tx4 -w4 -N 8192 "$B/aslrboot.mb" | grep -n 1badb002 | head -1 | cut -d: -f1)
	off2=$(od -An -v -tx4 -w4 -N 32768 "$B/aslrboot.mb" | grep -n e85250d6 | head -1 | cut -d: -f1)
	cp "$B/aslrboot.mb" "$tmp/bad-sum1.mb"
	printf '\x01' | dd of="$tmp/bad-sum1.mb" bs=1 seek=$(((off1 - 1) * 4 + 8)) conv=notrunc status=none
	expect_fail mb1-checksum "$tmp/bad-sum1.mb" multiboot1-header
	cp "$B/aslrboot.mb" "$tmp/bad-sum2.mb"
	printf '\x01' | dd of="$tmp/bad-sum2.mb" bs=1 seek=$(((off2 - 1) * 4 + 12)) conv=notrunc status=none
	expect_fail mb2-checksum "$tmp/bad-sum2.mb" multiboot2-header
fi
# -N (omagic): one RWX segment; -q: relocations kept; ELF64: wrong class;
# -e: entry outside every segment.
printf 'bits 32\nsection .text\nglobal _start\n_start: mov eax, [x]\nsection .data\nx: dd 0\n' >"$tmp/t.asm"
if nasm -f elf32 "$tmp/t.asm" -o "$tmp/t.o" &&
	ld -m elf_i386 -N -q --no-warn-rwx-segments -o "$tmp/rwx.elf" "$tmp/t.o" &&
	ld -m elf_i386 -e 0x12345 -o "$tmp/entry.elf" "$tmp/t.o" &&
	ld -m elf_x86_64 -o "$tmp/x64.elf" "$(nasm -f elf64 "$tmp/t.asm" -o "$tmp/t64.o"; echo "$tmp/t64.o")"; then
	expect_fail wx "$tmp/rwx.elf" no-wx
	expect_fail relocations "$tmp/rwx.elf" no-relocations
	expect_fail elf64 "$tmp/x64.elf" elf32
	expect_fail entry "$tmp/entry.elf" entry
	expect_fail no-header "$tmp/rwx.elf" multiboot1-header
else
	bad self-test-build "could not build the self-test images"
fi

echo "RESULT passed=$passed failed=$failed"
[ "$failed" -eq 0 ]
