/* SPDX-License-Identifier: MIT */
/*
 * The loader's own page tables on the Multiboot path: the first 4 GiB
 * identity-mapped, W^X, built by the core's pt_build() and checked by
 * wx_verify().  The image keeps its linker.ld segments' permissions (R / RX
 * / RW), page 0 and the stack guard page are not mapped, everything else
 * is RW and NX; 4 KiB pages where the permission changes inside a 2 MiB
 * page, 2 MiB pages elsewhere.  (entry.asm's temporary map is RWX 2 MiB
 * pages: it lives only until mb_idmap_init.)
 */
#ifndef MB_IDMAP_H
#define MB_IDMAP_H

#include <stdbool.h>
#include <stdint.h>

#define MB_IDMAP_LIMIT (UINT64_C(4) << 30)

/* Build, check and switch to the map; on failure print the error line and
 * stop (nothing else can run without it). */
void mb_idmap_init(void);
/* Make the 4 KiB page at `pa` read-only and executable (the kernel entry
 * trampoline, after it was written): the same map with that page RX is
 * built beside the live one, checked, then switched to.  Once per boot.
 * False if pa is not a mapped page or the new map fails its checks. */
bool mb_idmap_make_exec(uint64_t pa);

#endif
