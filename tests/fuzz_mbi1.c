/* SPDX-License-Identifier: MIT */
/* libFuzzer: the Multiboot 1 walker over an input that is all of physical
 * memory (the info structure at address 0, every pointer into the input). */
#include <stddef.h>
#include <stdint.h>

#include "multiboot/mbi.h"
#include "mb_arena.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mb_info info;
	struct ldr_diag d;
	struct mb_arena a;

	mb_arena_init(&a, 0, size);
	memcpy(a.mem, data, size);
	if (mb1_parse(0, mb_arena_acc, &a, &info, &d) == LDR_OK && !mb_info_ok(&info, &a))
		__builtin_trap();
	mb_arena_free(&a);
	return 0;
}
