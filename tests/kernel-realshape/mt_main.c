/* SPDX-License-Identifier: MIT */
/*
 * Fixture with the shape of memtest86+ v8's ELF build (program headers:
 * mt.ld), booted through the Linux x86 64-bit boot protocol.  Like
 * memtest86+ it applies its own RELATIVE relocations at entry, found
 * through _DYNAMIC (DT_RELA / DT_RELASZ / DT_RELAENT), then runs its table
 * of test steps through the relocated function pointers, and reads
 * boot_params (its cmdline_size counts the NUL).
 * Prints "aslrboot-memtest-shape: PASS phys=0x..." (or FAIL: why) on COM1
 * and exits through isa-debug-exit (33 pass, 35 fail).
 */
#include "../kernel-linux64/l64lib.h"

#pragma GCC visibility push(hidden)
const char *mt_relocate(uint64_t base, const uint64_t *dyn);
__attribute__((noreturn)) void mt_main(uint64_t base, const uint8_t *bp, uint64_t rflags,
				       const char *reloc_why);
extern const uint8_t startup32[], _end[];
#pragma GCC visibility pop

const char l64_name[] = "aslrboot-memtest-shape";

enum { DT_NULL = 0, DT_RELA = 7, DT_RELASZ = 8, DT_RELAENT = 9, DT_REL = 17, DT_RELR = 36 };
#define R_X86_64_RELATIVE 8

/* Returns 0 or why not.  Nothing is written unless every relocation is a
 * RELATIVE one inside the image. */
const char *mt_relocate(uint64_t base, const uint64_t *dyn)
{
	uint64_t rela = 0, size = 0, ent = 0, span = (uint64_t)(_end - startup32);

	for (; dyn[0] != DT_NULL; dyn += 2) {
		if (dyn[0] == DT_RELA)
			rela = dyn[1];
		else if (dyn[0] == DT_RELASZ)
			size = dyn[1];
		else if (dyn[0] == DT_RELAENT)
			ent = dyn[1];
		else if (dyn[0] == DT_REL || dyn[0] == DT_RELR)
			return "_DYNAMIC: DT_REL / DT_RELR tables (only RELA expected)";
	}
	if (!rela || !size || ent != 24 || size % 24 || rela > span || size > span - rela)
		return "_DYNAMIC: no RELA table inside the image";
	const uint64_t *r = (const uint64_t *)(base + rela), *end = r + size / 8;
	for (const uint64_t *p = r; p < end; p += 3)
		if ((uint32_t)p[1] != R_X86_64_RELATIVE || p[0] > span - 8 || p[2] >= span)
			return "a relocation is not RELATIVE inside the image";
	for (; r < end; r += 3)
		*(uint64_t *)(base + r[0]) = base + r[2];
	return 0;
}

static const char *check_cpu_step(void);
static const char *check_map_step(void);
static const char *check_boot_params_step(void);

/* The test list: absolute function pointers and names in data, one
 * RELATIVE relocation each, called through the relocated pointers. */
static const struct step {
	const char *name;
	const char *(*run)(void);
} steps[] = {
	{ "cpu", check_cpu_step },
	{ "identity map", check_map_step },
	{ "boot_params", check_boot_params_step },
};

static uint64_t g_base, g_rflags, g_phys;
static const uint8_t *g_bp;

static const char *check_cpu_step(void)
{
	return l64_check_cpu(g_rflags);
}

static const char *check_map_step(void)
{
	const char *why = l64_virt_to_phys(g_base, &g_phys);

	if (!why && g_phys != g_base)
		why = "the image is not mapped virtual == physical";
	return why;
}

static const char *check_boot_params_step(void)
{
	const char *cmdline;

	return l64_check_boot_params(g_bp, g_phys, &cmdline);
}

void mt_main(uint64_t base, const uint8_t *bp, uint64_t rflags, const char *reloc_why)
{
	const char *(*const want[])(void) = { check_cpu_step, check_map_step,
					      check_boot_params_step };
	const char *why = reloc_why;

	g_base = base, g_bp = bp, g_rflags = rflags;
	if (!why && base & 0xfff)
		why = "load offset not a multiple of 4 KiB";
	for (unsigned i = 0; !why && i < sizeof(steps) / sizeof(steps[0]); i++) {
		/* Relocated pointers are runtime addresses; compared with the
		 * RIP-relative ones before they are called. */
		if (steps[i].run != want[i] || (uint64_t)steps[i].name < base ||
		    (uint64_t)steps[i].name >= (uint64_t)_end)
			why = "self-relocation: the test list's pointers are wrong";
		else if ((why = steps[i].run()))
			l64_line("step failed: ", steps[i].name);
	}
	l64_finish(why, g_phys);
}
