/* SPDX-License-Identifier: MIT */
#include "rand.h"

void rand_wipe(void *p, size_t n)
{
	__builtin_memset(p, 0, n);
	/* The barrier makes the stores observable, so they are not dead stores
	 * (Linux memzero_explicit). */
	__asm__ __volatile__("" : : "r"(p) : "memory");
}
