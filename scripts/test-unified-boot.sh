#!/usr/bin/env bash
# OVMF boots (Secure Boot off) of unified images built by aslrboot-unify
# from the test kernel, with nothing but the image on the ESP:
#  1. .kernel + .cmdline + .config + one module: exit code 33; the kernel
#     saw the embedded command line, the module's bytes (SHA-256 checked
#     inside the kernel) and string, and the boot-info UNIFIED flag; the
#     verbose line says where the kernel came from;
#  2. the same image with an ESP aslrboot.cfg setting cmdline=: the ESP
#     file overrides the embedded .cmdline key by key (kernel and module
#     still from the image);
#  3. the same image with kernel= in the ESP file: the kernel is read from
#     the ESP (no UNIFIED flag), the module still from the image;
#  4. a unified image whose .config section was made writable after it was
#     built: one E_UNIFIED line, the kernel never runs.
# Each boot has a hard 60 s limit; two run at a time.
cd "$(dirname "$0")/.." || exit 1
. scripts/efi-test-lib.sh
UNIFY=$B/aslrboot-unify
need "$EFI" "$KERNEL" "$UNIFY"

U=$T/unified
mkdir -p "$U"
head -c 5000 /dev/urandom >"$U/mod.bin"
SHA=$(sha256sum "$U/mod.bin" | cut -d' ' -f1)
CMDLINE="verbose echo modules expect_unified=1 expect_module_sha256=$SHA from-image"
printf 'verbose=1\n' >"$U/embedded.cfg"
"$UNIFY" --stub "$EFI" --kernel "$KERNEL" --cmdline "$CMDLINE" --config "$U/embedded.cfg" \
	--module "$U/mod.bin:initrd.img rw quiet" -o "$U/unified.efi" ||
	{ echo "FAIL aslrboot-unify"; echo "RESULT passed=0 failed=1"; exit 1; }

scripts/mkesp.sh "$T/image.img" "$U/unified.efi" - - >/dev/null # no kernel, no config
esp override "$U/unified.efi" - "cmdline=echo modules expect_unified=1 from-esp"
esp kernel "$U/unified.efi" "$KERNEL" \
	"$(printf 'kernel=\\EFI\\aslrboot\\kernel.elf\ncmdline=modules expect_unified=0 expect_module_sha256=%s' "$SHA")"

# .config (the third new section) gets MEM_WRITE in its Characteristics.
cp "$U/unified.efi" "$U/writable.efi"
python3 - "$U/writable.efi" <<'PY'
import struct, sys
p = sys.argv[1]
d = bytearray(open(p, 'rb').read())
lfanew = struct.unpack_from('<I', d, 0x3c)[0]
nsec, optsz = struct.unpack_from('<H', d, lfanew + 6)[0], struct.unpack_from('<H', d, lfanew + 20)[0]
for i in range(nsec):
    h = lfanew + 24 + optsz + 40 * i
    if d[h:h + 8] == b'.config\0':
        struct.pack_into('<I', d, h + 36, struct.unpack_from('<I', d, h + 36)[0] | 0x80000000)
open(p, 'wb').write(d)
PY
esp writable "$U/writable.efi" - ""

boot image "$T/image.img" -t 60 &
boot override "$T/override.img" -t 60 &
wait
boot kernel "$T/kernel.img" -t 60 &
boot writable "$T/writable.img" -t 60 -u 'E_UNIFIED|aslrboot-test-kernel' &
wait

line=$(result_line image)
check "unified image: exit code 33 (got $(rc_of image))" [ "$(rc_of image)" = 33 ]
check "unified image: PASS (${line:-none})" grep -q '^aslrboot-test-kernel: PASS' <<<"$line"
check "unified image: the kernel saw .cmdline" \
	grep -qxF "aslrboot-test-kernel: cmdline: $CMDLINE" "$T/image.log"
check "unified image: the module and its string from .mod0/.modstr" \
	grep -qxF 'aslrboot-test-kernel: module 0: 5000 bytes, string "initrd.img rw quiet"' "$T/image.log"
check "unified image: .config applied (verbose=1), kernel from the image" \
	grep -q "^aslrboot: aslrboot .* (UEFI): kernel .kernel ($(stat -c %s "$KERNEL") bytes, from this unified image), 1 module(s) from this image," "$T/image.log"
[ "$(rc_of image)" = 33 ] || show_log image

line=$(result_line override)
check "ESP cmdline= over .cmdline: exit code 33 (got $(rc_of override))" [ "$(rc_of override)" = 33 ]
check "ESP cmdline= over .cmdline: the kernel saw the ESP's" \
	grep -qxF "aslrboot-test-kernel: cmdline: echo modules expect_unified=1 from-esp" "$T/override.log"
check "ESP cmdline= over .cmdline: module still from the image" \
	grep -qxF 'aslrboot-test-kernel: module 0: 5000 bytes, string "initrd.img rw quiet"' "$T/override.log"
[ "$(rc_of override)" = 33 ] || show_log override

check "ESP kernel= over .kernel: exit code 33, no UNIFIED flag (got $(rc_of kernel))" \
	[ "$(rc_of kernel)" = 33 ]
check "ESP kernel= over .kernel: the verbose line names the ESP file" \
	grep -qF 'kernel \EFI\aslrboot\kernel.elf (' "$T/kernel.log"
[ "$(rc_of kernel)" = 33 ] || show_log kernel

WRITABLE='aslrboot: error: unified image: section .config: Characteristics = 0xc0000040: not read-only initialized data [E_UNIFIED]'
check "writable .config: one E_UNIFIED line" \
	[ "$(grep -a '^aslrboot: error:' "$T/writable.log")" = "$WRITABLE" ]
check "writable .config: the kernel never ran" \
	test -s "$T/writable.log" -a -z "$(grep -a aslrboot-test-kernel "$T/writable.log")"
done_results
