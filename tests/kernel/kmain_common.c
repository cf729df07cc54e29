/* SPDX-License-Identifier: MIT */
/*
 * What the x86-64 and arm64 test kernels' main lines share, run only inside
 * a booted kernel: kprintf over the kernel's own kputs, where the kernel runs
 * and whether it was relocated, the heap and .bss, and the one result line.
 */
#include <stdarg.h>

#include "kcheck.h"
#include "../../loader/log.h"

void kprintf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	ldr_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	kputs(buf);
}

/* The kernel region the result line names.  At segment granularity the
 * lowest segment, at kernel_link_base + kernel_slide; at section granularity
 * the sections move apart and that address need not be mapped: the section
 * holding this code. */
static const struct aslrboot_region *base_region(const struct kinfo *k)
{
	if (!find_region(k, ASLRBOOT_RGN_KERNEL_SECTION, 0))
		return find_region(k, ASLRBOOT_RGN_KERNEL_SEGMENT,
				   k->layout->kernel_link_base + k->layout->kernel_slide);
	return find_region(k, ASLRBOOT_RGN_KERNEL_SECTION, (uint64_t)(uintptr_t)base_region);
}

const char *check_relocated(const struct kinfo *k, uint64_t reloc, uint64_t here)
{
	if (reloc != here)
		return "a relative relocation was not applied";
	if (k->layout->kernel_slide == 0)
		return "running at the link address";
	if (!base_region(k))
		return find_region(k, ASLRBOOT_RGN_KERNEL_SECTION, 0) ?
			       "the kernel's code is not in a kernel section" :
			       "kernel_link_base + kernel_slide is not a kernel segment";
	for (unsigned i = 0; i < sizeof(k->seed->seed); i++)
		if (k->seed->seed[i])
			return NULL;
	return "the seed is all zero";
}

const char *check_memory(const struct kinfo *k, const uint64_t *bss, unsigned n)
{
	const struct aslrboot_region *h = find_region(k, ASLRBOOT_RGN_HEAP, 0);
	volatile uint64_t *first, *last;

	for (unsigned i = 0; i < n; i++)
		if (bss[i])
			return ".bss is not zero";
	if (!h || !(h->prot & ASLRBOOT_PROT_W))
		return "no writable heap region";
	first = (volatile uint64_t *)(uintptr_t)h->virt;
	last = (volatile uint64_t *)(uintptr_t)(h->virt + h->size - 8);
	*first = 0x5a5a5a5a5a5a5a5a;
	*last = ~*first;
	return *first + *last == ~UINT64_C(0) ? 0 : "heap does not keep what was written";
}

void print_requested(const struct kinfo *k, bool entropy_always)
{
	bool verbose = has_word(k->cmdline, "verbose");

	if (verbose)
		print_layout(k);
	if (verbose || entropy_always)
		print_entropy(k);
	if (has_word(k->cmdline, "memmap"))
		print_memmap(k);
	if (has_word(k->cmdline, "echo"))
		kprintf("aslrboot-test-kernel: cmdline: %s\n", k->cmdline);
}

bool report_result(const struct kinfo *k, const char *why)
{
	const struct aslrboot_region *base;

	if (why) {
		kprintf("aslrboot-test-kernel: FAIL %s\n", why);
		return false;
	}
	base = base_region(k);
	kprintf("aslrboot-test-kernel: PASS virt=0x%llx phys=0x%llx seed_flags=0x%x seed_fp=0x%08x\n",
		(unsigned long long)base->virt, (unsigned long long)base->phys, k->seed->flags,
		seed_use_and_wipe(k));
	return true;
}
