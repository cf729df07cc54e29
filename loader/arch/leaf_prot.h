/* SPDX-License-Identifier: MIT */
/* The protection rule every architecture's pte_leaf applies before encoding. */
#ifndef LDR_ARCH_LEAF_PROT_H
#define LDR_ARCH_LEAF_PROT_H

#include <stdbool.h>
#include <stdint.h>

#include "../../include/aslrboot.h"

/* Only R, W and X bits, readable, and never both writable and executable. */
static inline bool leaf_prot_ok(uint32_t prot)
{
	const uint32_t all = ASLRBOOT_PROT_R | ASLRBOOT_PROT_W | ASLRBOOT_PROT_X;

	if ((prot & ~all) || !(prot & ASLRBOOT_PROT_R))
		return false;
	return !((prot & ASLRBOOT_PROT_W) && (prot & ASLRBOOT_PROT_X));
}

#endif
