/* SPDX-License-Identifier: MIT */
/*
 * Fixture with the shape of an upstream Unikraft Firecracker (lxboot) PIE
 * build (program headers: uk.ld), booted through the Linux x86 64-bit boot
 * protocol.  What it does at entry is what Unikraft does, and each step is
 * checked:
 *   - relocates itself by its load offset from a private table
 *     (.uk_reloc: link addresses of 64-bit slots), patching its text and its
 *     read-only data, so the image must be writable at entry
 *   - needs virtual == physical for its image, then loads its own CR3: an
 *     identity map of 0..4 GiB in 2 MiB pages
 *   - sets up its TLS block from PT_TLS and reads a __thread variable
 *   - boot_params: 0xAA55 / "HdrS", cmd_line_ptr, cmdline_size, e820
 *   - argv[0] is the first command-line word; a `random.seed=[...]` (eight
 *     0x........ words) counts only after argv[0] and before `--`
 * Prints "aslrboot-uk-shape: PASS phys=0x..." (or FAIL: why) on COM1 and
 * exits through isa-debug-exit (33 pass, 35 fail).
 */
#include "../kernel-linux64/l64lib.h"

#pragma GCC visibility push(hidden)
extern const uint64_t __uk_reloc_start[], __uk_reloc_end[];
extern const uint8_t _lxboot_entry[], __tdata_start[], __tdata_end[], __tbss_end[], _end[];
const char *uk_relocate(uint64_t off);
extern __thread uint64_t uk_tls_value, uk_tls_zero;
__attribute__((noreturn)) void uk_main(uint64_t off, const uint8_t *bp, uint64_t rflags,
				       uint64_t text_slot, const char *reloc_why);
#pragma GCC visibility pop

const char l64_name[] = "aslrboot-uk-shape";

/* Read-only data holding absolute addresses, listed in .uk_reloc (32-byte
 * aligned: the R segment's p_align is 0x20). */
static const char word0[] = "relocated rodata pointer", word1[] = "second pointer";
static const char *const words[2] __attribute__((aligned(32))) = { word0, word1 };
__attribute__((section(".uk_reloc"), used,
	       aligned(8))) static const char *const *const words_reloc[2] = { &words[0],
									       &words[1] };

/* Initialized data (the file part of the RW segment, 64-byte aligned: its
 * p_align is 0x40). */
static volatile uint64_t data_word __attribute__((aligned(64))) = 0x64617461;

typedef uint64_t u64_unaligned __attribute__((aligned(1), may_alias));

/* Returns 0 or why not; an entry outside the image is refused before
 * anything is written. */
const char *uk_relocate(uint64_t off)
{
	uint64_t lo = (uint64_t)_lxboot_entry - off, hi = (uint64_t)_end - off;

	for (const uint64_t *r = __uk_reloc_start; r < __uk_reloc_end; r++)
		if (*r < lo || *r > hi - 8)
			return "self-relocation: a .uk_reloc entry is outside the image";
	for (const uint64_t *r = __uk_reloc_start; r < __uk_reloc_end; r++)
		*(u64_unaligned *)(*r + off) += off;
	return 0;
}

__thread uint64_t uk_tls_value = 0x756b746c73; /* .tdata */
__thread uint64_t uk_tls_zero;		       /* .tbss */
static uint8_t tls_block[256] __attribute__((aligned(64)));

/* x86-64 TLS variant II: the thread pointer is the end of the block
 * (aligned to 8, our PT_TLS p_align) and points to itself. */
static const char *setup_tls(void)
{
	uint64_t filesz = (uint64_t)(__tdata_end - __tdata_start);
	uint64_t memsz = ((uint64_t)(__tbss_end - __tdata_start) + 7) & ~7ull;
	uint8_t *tp = tls_block + memsz;

	if (memsz + 8 > sizeof(tls_block))
		return "TLS block too small";
	for (uint64_t i = 0; i < memsz; i++)
		tls_block[i] = i < filesz ? __tdata_start[i] : 0;
	*(uint64_t *)tp = (uint64_t)tp;
	__asm__ volatile("wrmsr"
			 :
			 : "c"(0xc0000100), "a"((uint32_t)(uint64_t)tp),
			   "d"((uint32_t)((uint64_t)tp >> 32)));
	if (uk_tls_value != 0x756b746c73 || uk_tls_zero)
		return "TLS: __thread variables wrong (PT_TLS image not loaded?)";
	return 0;
}

/* Six page tables, 4 KiB-aligned at run time (the RW segment's p_align
 * stays 0x40): PML4, PDPT, four page directories of 2 MiB pages. */
static uint8_t pt_pool[7 * 4096] __attribute__((aligned(64)));

static void load_identity_map(void)
{
	uint64_t *pml4 = (uint64_t *)(((uint64_t)pt_pool + 4095) & ~4095ull);
	uint64_t *pdpt = pml4 + 512, *pd = pdpt + 512;

	for (int i = 0; i < 512; i++)
		pml4[i] = pdpt[i] = 0;
	pml4[0] = (uint64_t)pdpt | 3;
	for (uint64_t i = 0; i < 4 * 512; i++) {
		if (i % 512 == 0)
			pdpt[i / 512] = (uint64_t)&pd[i] | 3;
		pd[i] = i << 21 | 0x83; /* present, writable, 2 MiB */
	}
	__asm__ volatile("mov %0, %%cr3" : : "r"(pml4) : "memory");
}

static int starts(const char *s, const char *prefix)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return 0;
	return 1;
}

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* The next word of a command line as Unikraft splits it: spaces separate
 * words, except inside [...]. */
static const char *word(const char *p, const char **end)
{
	int depth = 0;

	while (*p == ' ')
		p++;
	*end = p;
	while (**end && (depth || **end != ' ')) {
		depth += **end == '[' ? 1 : **end == ']' ? -1 : 0;
		(*end)++;
	}
	return p;
}

/* "random.seed=[0x........ x8]" exactly, up to end. */
static int seed_ok(const char *p, const char *end)
{
	p += sizeof("random.seed=") - 1;
	if (*p++ != '[')
		return 0;
	for (int w = 0; w < 8; w++) {
		if (p[0] != '0' || p[1] != 'x')
			return 0;
		p += 2;
		for (int i = 0; i < 8; i++)
			if (!is_hex(*p++))
				return 0;
		if (*p++ != (w == 7 ? ']' : ' '))
			return 0;
	}
	return p == end;
}

static const char *check_args(const char *cl)
{
	char argv0[64];
	const char *end, *w = word(cl, &end);
	int dashes = 0, seeds = 0;
	uint64_t n = (uint64_t)(end - w);

	if (starts(w, "random.seed="))
		return "random.seed= is the first word: Unikraft takes it as argv[0]";
	if (!n || n >= sizeof(argv0))
		return "argv[0]: no first word of 1..63 characters";
	for (uint64_t i = 0; i < n; i++)
		argv0[i] = w[i];
	argv0[n] = 0;
	l64_line("argv[0]: ", argv0);
	for (w = word(end, &end); *w; w = word(end, &end)) {
		if (end - w == 2 && starts(w, "--"))
			dashes = 1;
		else if (starts(w, "random.seed=")) {
			if (dashes)
				return "random.seed= after --: Unikraft never reads it there";
			if (!seed_ok(w, end))
				return "random.seed= is not [0x........ x8]";
			seeds++;
		}
	}
	if (seeds > 1)
		return "more than one random.seed=";
	if (seeds)
		l64_line("random.seed: ", "8 words, after argv[0] and before --");
	return 0;
}

void uk_main(uint64_t off, const uint8_t *bp, uint64_t rflags, uint64_t text_slot,
	     const char *reloc_why)
{
	uint64_t virt = (uint64_t)_lxboot_entry, phys = 0;
	const char *cmdline, *why = reloc_why ? reloc_why : l64_check_cpu(rflags);

	if (!why && off & 0xfff)
		why = "load offset not a multiple of 4 KiB";
	if (!why && text_slot != (uint64_t)&uk_main)
		why = "self-relocation: the absolute address in the text is wrong";
	if (!why && (words[0] != word0 || words[1] != word1))
		why = "self-relocation: the pointers in the read-only data are wrong";
	if (!why && data_word != 0x64617461)
		why = "initialized data not loaded";
	if (!why)
		why = l64_virt_to_phys(virt, &phys);
	if (!why && phys != virt)
		why = "the image is not mapped virtual == physical";
	if (!why && phys + (uint64_t)(_end - _lxboot_entry) > (4ull << 30))
		why = "the image is not below 4 GiB";
	if (!why) {
		uint64_t cr3;
		load_identity_map();
		__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
		why = l64_virt_to_phys(virt, &phys);
		if (!why && (cr3 != (((uint64_t)pt_pool + 4095) & ~4095ull) || phys != virt))
			why = "own identity map not in effect";
	}
	if (!why)
		why = setup_tls();
	if (!why)
		why = l64_check_boot_params(bp, phys, &cmdline);
	if (!why)
		why = check_args(cmdline);
	l64_finish(why, phys);
}
