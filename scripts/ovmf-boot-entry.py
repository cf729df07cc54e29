#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Add a firmware boot entry to a copy of an OVMF variable store, as
# `efibootmgr --create --unicode` would on a running system: Boot0100 starts
# the file at ESP-PATH (a short-form file device path: the firmware looks
# for it on every file system) with OPTIONS as its load options (UTF-16LE,
# NUL-terminated), and BootOrder lists it alone.  Under Secure Boot the UEFI
# shell does not run, so a boot entry is how tests hand load options to an
# image.  The store is EDK2's authenticated variable store inside the
# firmware volume; new records go after the last one (OVMF compacts the
# store itself when it fills).
# Usage: scripts/ovmf-boot-entry.py IN_VARS.fd OUT_VARS.fd ESP-PATH OPTIONS
import struct
import sys
import uuid

GLOBAL = uuid.UUID('8be4df61-93ca-11d2-aa0d-00e098032b8c')
AUTH_STORE = uuid.UUID('aaf32c78-947b-439a-a180-2e144ec37792')
ATTR_NV_BS_RT = 7
VAR_ADDED = 0x3f
HDR = 60  # AUTHENTICATED_VARIABLE_HEADER


def fail(msg):
    sys.stderr.write('ovmf-boot-entry: %s\n' % msg)
    sys.exit(1)


def record(name, data):
    name16 = (name + '\0').encode('utf-16le')
    hdr = struct.pack('<HBBIQ16sIII16s', 0x55aa, VAR_ADDED, 0, ATTR_NV_BS_RT, 0, b'\0' * 16, 0,
                      len(name16), len(data), GLOBAL.bytes_le)
    rec = hdr + name16 + data
    return rec + b'\xff' * (-len(rec) % 4)


def load_option(path, options):
    desc = 'aslrboot test entry\0'.encode('utf-16le')
    file16 = (path + '\0').encode('utf-16le')
    dp = struct.pack('<BBH', 4, 4, 4 + len(file16)) + file16 + struct.pack('<BBH', 0x7f, 0xff, 4)
    opt = (options + '\0').encode('utf-16le')
    return struct.pack('<IH', 1, len(dp)) + desc + dp + opt  # LOAD_OPTION_ACTIVE


def main():
    if len(sys.argv) != 5:
        fail('usage: ovmf-boot-entry.py IN_VARS.fd OUT_VARS.fd ESP-PATH OPTIONS')
    img = bytearray(open(sys.argv[1], 'rb').read())
    if img[40:44] != b'_FVH':
        fail('%s: no firmware volume header' % sys.argv[1])
    store = struct.unpack_from('<H', img, 48)[0]
    if uuid.UUID(bytes_le=bytes(img[store:store + 16])) != AUTH_STORE:
        fail('%s: not an authenticated variable store' % sys.argv[1])
    size = struct.unpack_from('<I', img, store + 16)[0]
    off = store + 28
    while off + HDR <= store + size and struct.unpack_from('<H', img, off)[0] == 0x55aa:
        name_size, data_size = struct.unpack_from('<II', img, off + 36)
        off = (off + HDR + name_size + data_size + 3) & ~3
    new = record('Boot0100', load_option(sys.argv[3], sys.argv[4]))
    new += record('BootOrder', struct.pack('<H', 0x0100))
    if off + len(new) > store + size or any(b != 0xff for b in img[off:off + len(new)]):
        fail('%s: no free space after the last variable' % sys.argv[1])
    img[off:off + len(new)] = new
    open(sys.argv[2], 'wb').write(img)


main()
