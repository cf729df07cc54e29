#!/usr/bin/env bash
# Fetch a real Linux kernel nobody here wrote, for the linux64 test
# (scripts/test-linux64-real.sh): Debian's cloud kernel package, downloaded
# with apt at test time and cached under build/ (never committed).
#   1. apt-get download the package linux-image-cloud-amd64 depends on
#   2. take /boot/vmlinuz-* out of it (dpkg-deb)
#   3. find the compressed payload (setup header) and its compressor's magic,
#      decompress it (scripts/extract-vmlinux's job) and check it is an ELF
# Prints the vmlinux path on stdout.  Exit 77 (skip) if apt cannot fetch.
# Usage: scripts/get-vmlinux.sh [OUTDIR]   (default build/vmlinux)
set -uo pipefail
export LC_ALL=C
out=${1:-${B:-build}/vmlinux}
mkdir -p "$out"
if [ -s "$out/vmlinux" ]; then
	echo "$out/vmlinux"
	exit 0
fi
log() { echo "get-vmlinux: $*" >&2; }

pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null | awk '/Depends: linux-image-/ { print $2; exit }')
if [ -z "$pkg" ]; then
	apt-get update -qq >/dev/null 2>&1 || true
	pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null | awk '/Depends: linux-image-/ { print $2; exit }')
fi
[ -n "$pkg" ] || { log "no linux-image-cloud-amd64 in apt's lists"; exit 77; }
if ! ls "$out"/"$pkg"_*.deb >/dev/null 2>&1; then
	log "downloading $pkg"
	(cd "$out" && apt-get download -q "$pkg" >/dev/null 2>&1) ||
		{ apt-get update -qq >/dev/null 2>&1; (cd "$out" && apt-get download -q "$pkg" >/dev/null 2>&1); } ||
		{ log "apt-get download $pkg failed"; exit 77; }
fi
deb=$(ls "$out"/"$pkg"_*.deb | head -1)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vmlinux.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards './boot/vmlinuz-*' ||
	{ log "no /boot/vmlinuz-* in $deb"; exit 1; }
z=$(ls "$tmp"/boot/vmlinuz-* | head -1)

# The bzImage setup header says where the payload is (boot.rst:
# setup_sects at 0x1f1, payload_offset/payload_length at 0x248/0x24c); its
# first bytes name the compressor.  Debian's 6.1 cloud kernels use LZ4.
u32() { od -An -tu4 -j "$1" -N 4 "$z" | tr -d ' '; }
sects=$(od -An -tu1 -j $((0x1f1)) -N 1 "$z" | tr -d ' ')
poff=$(( (sects + 1) * 512 + $(u32 $((0x248))) ))
plen=$(u32 $((0x24c)))
tail -c +$((poff + 1)) "$z" | head -c "$plen" >"$tmp/payload"
magic=$(head -c 6 "$tmp/payload" | od -An -tx1 | tr -d ' \n')
case $magic in
1f8b*) dec=(gzip -dc) ;;
fd377a585a00) dec=(xz -dc) ;;
28b52ffd*) dec=(zstd -dc) ;;
02214c18*) dec=(lz4 -dc) ;;
425a68*) dec=(bzip2 -dc) ;;
5d0000*) dec=(xz -dc --format=lzma) ;;
*) log "unknown compressor magic $magic at $poff in $z"; exit 1 ;;
esac
"${dec[@]}" <"$tmp/payload" >"$tmp/vmlinux" 2>/dev/null
if [ "$(head -c 4 "$tmp/vmlinux" | od -An -tx1 | tr -d ' \n')" != 7f454c46 ]; then
	log "${dec[0]} at offset $poff of $z did not give an ELF"
	exit 1
fi
mv "$tmp/vmlinux" "$out/vmlinux"
log "$(basename "$z"): ${dec[0]} payload at offset $poff -> $out/vmlinux"
echo "$out/vmlinux"
