#!/usr/bin/env python3
"""Write the fuzz seeds for tests/fuzz_mbi1.c and tests/fuzz_mbi2.c: one
well-formed Multiboot 1 info structure and one Multiboot 2 tag list, laid out
as the fuzzers see memory (the info at address 0, every pointer into the
input).  Run from the top of the tree; the output is checked in."""
import os
import struct


def mb1():
    m = bytearray(0x400)
    struct.pack_into('<I', m, 0, (1 << 6) | (1 << 2) | (1 << 3) | 1)
    struct.pack_into('<II', m, 4, 639, 64512)
    struct.pack_into('<III', m, 16, 0x140, 2, 0x100)   # cmdline, mods_count, mods_addr
    struct.pack_into('<II', m, 44, 3 * 24, 0x40)       # mmap_length, mmap_addr
    for i, (base, ln, ty) in enumerate([(0, 0x9fc00, 1), (0x100000, 0x7ee0000, 1),
                                        (0xfffc0000, 0x40000, 2)]):
        struct.pack_into('<IQQI', m, 0x40 + 24 * i, 20, base, ln, ty)
    struct.pack_into('<IIII', m, 0x100, 0x200, 0x300, 0x160, 0)
    struct.pack_into('<IIII', m, 0x110, 0x300, 0x380, 0x180, 0)
    m[0x140:0x140 + 10] = b'verbose=1\0'
    m[0x160:0x160 + 18] = b'kernel.elf a=b c\0\0'
    m[0x180:0x180 + 3] = b'm1\0'
    return bytes(m)


def tag(t, payload):
    b = struct.pack('<II', t, 8 + len(payload)) + payload
    return b + b'\0' * (-len(b) % 8)


def rsdp(rev):
    r = bytearray(b'RSD PTR \0QEMU  ' + bytes([rev]) + b'\0' * 20)
    r[8] = -sum(r[:20]) & 0xff
    if rev >= 2:
        struct.pack_into('<I', r, 20, 36)
        r[32] = -sum(r[:36]) & 0xff
        return bytes(r)
    return bytes(r[:20])


def mb2():
    body = tag(1, b'aslr=off\0') + tag(2, b'GRUB 2.06\0')
    body += tag(4, struct.pack('<II', 639, 64512))
    ents = b''.join(struct.pack('<QQII', b, l, t, 0) for b, l, t in
                    [(0, 0x9fc00, 1), (0x100000, 0x7ee0000, 1), (0xfffc0000, 0x40000, 2)])
    body += tag(6, struct.pack('<II', 24, 0) + ents)
    body += tag(14, rsdp(0)) + tag(15, rsdp(2))
    mods = tag(3, struct.pack('<II', 0x0, 0x0) + b'kernel.elf arg\0')
    mods += tag(3, struct.pack('<II', 0x0, 0x0) + b'm1\0')
    total = 8 + len(body) + len(mods) + 8
    # Modules point at the end of the list, inside the input.
    start = total
    mods = tag(3, struct.pack('<II', start, start + 0x80) + b'kernel.elf arg\0')
    mods += tag(3, struct.pack('<II', start + 0x80, start + 0x81) + b'm1\0')
    out = struct.pack('<II', total, 0) + body + mods + struct.pack('<II', 0, 8)
    return out + b'\x7fELF' + b'\0' * 0x80


for name, data in (('fuzz_mbi1', mb1()), ('fuzz_mbi2', mb2())):
    os.makedirs('tests/fuzz-seeds/' + name, exist_ok=True)
    with open('tests/fuzz-seeds/%s/valid.bin' % name, 'wb') as f:
        f.write(data)
