/* SPDX-License-Identifier: MIT */
/*
 * The loader's own page tables on the Multiboot path: the first 4 GiB
 * identity-mapped, W^X.  The image is mapped with 4 KiB pages from its
 * linker.ld segments (R / RX / RW), page 0 and the stack guard page are not
 * mapped, everything else is RW and NX.  (entry.asm's temporary map is
 * RWX 2 MiB pages: it lives only until mb_idmap_init.)
 */
#ifndef MB_IDMAP_H
#define MB_IDMAP_H

#include <stdbool.h>
#include <stdint.h>

#define MB_IDMAP_LIMIT (UINT64_C(4) << 30)

void mb_idmap_init(void);
/* Make the 4 KiB page at `pa` read-only and executable (the kernel entry
 * trampoline, after it was written).  False if pa is not a mapped page. */
bool mb_idmap_make_exec(uint64_t pa);

#endif
