/* SPDX-License-Identifier: MIT */
/* libFuzzer: the Multiboot 2 tag walker over an input that is all of
 * physical memory (the tag list at address 0), and the BIOS RSDP scan over
 * the same bytes placed at the EBDA. */
#include <stddef.h>
#include <stdint.h>

#include "multiboot/mbi.h"
#include "mb_arena.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mb_info info;
	struct ldr_diag d;
	struct mb_arena a;
	uint32_t rev;
	uint64_t r;

	mb_arena_init(&a, 0, size);
	memcpy(a.mem, data, size);
	if (mb2_parse(0, mb_arena_acc, &a, &info, &d) == LDR_OK && !mb_info_ok(&info, &a))
		__builtin_trap();
	a.base = 0x9fc00;
	r = mb_rsdp_scan(0x9fc00, mb_arena_acc, &a, &rev);
	if (r &&
	    (r & 15 || mb_rsdp_check(mb_arena_acc(&a, r, 20), size - (r - a.base)) != (int)rev))
		__builtin_trap();
	mb_arena_free(&a);
	return 0;
}
