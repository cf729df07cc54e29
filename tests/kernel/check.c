/* SPDX-License-Identifier: MIT */
/*
 * The test kernel's checks, run from inside the booted kernel: the boot-info
 * block, the entry state, its own page tables (walked through the direct
 * map with the loader's own walker) and where it runs.
 */
#include "kernel.h"
#include "../../include/ldr_x86_64.h"
#include "../../loader/handoff/handoff_read.h"
#include "../../loader/log.h"
#include "../../loader/paging/paging.h"

#define MSR_EFER 0xc0000080u
#define EFER_NXE (UINT64_C(1) << 11)
/* PROTOCOL.md section 4: paging with WP, x87 native errors, SSE usable. */
#define CR0_PE (UINT64_C(1) << 0)
#define CR0_MP (UINT64_C(1) << 1)
#define CR0_EM (UINT64_C(1) << 2)
#define CR0_TS (UINT64_C(1) << 3)
#define CR0_NE (UINT64_C(1) << 5)
#define CR0_WP (UINT64_C(1) << 16)
#define CR0_PG (UINT64_C(1) << 31)
#define CR0_SET (CR0_PE | CR0_MP | CR0_NE | CR0_WP | CR0_PG)
#define CR0_CLEAR (CR0_EM | CR0_TS)
#define CR4_PAE (UINT64_C(1) << 5)
#define CR4_OSFXSR (UINT64_C(1) << 9)
#define CR4_OSXMMEXCPT (UINT64_C(1) << 10)
#define CR4_LA57 (UINT64_C(1) << 12)
#define CR4_SET (CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT)
#define CR4_CLEAR CR4_LA57
#define INFO_MAX (UINT64_C(1) << 20)
#define PAGE UINT64_C(4096)

static uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
}

static uint64_t read_cr0(void)
{
	uint64_t v;
	__asm__ __volatile__("mov %%cr0, %0" : "=r"(v));
	return v;
}

static uint64_t read_cr4(void)
{
	uint64_t v;
	__asm__ __volatile__("mov %%cr4, %0" : "=r"(v));
	return v;
}

static uint64_t read_cr3(void)
{
	uint64_t v;
	__asm__ __volatile__("mov %%cr3, %0" : "=r"(v));
	return v;
}

const char *check_info(const struct aslrboot_info *info, struct kinfo *k)
{
	const struct aslrboot_record *r;
	const struct aslrboot_region *dm;

	if (!info || (uintptr_t)info % 8 || info->magic != ASLRBOOT_MAGIC)
		return "boot-info magic";
	if (info->version >> 16 != ASLRBOOT_VERSION_MAJOR)
		return "boot-info major version";
	if (info->total_size > INFO_MAX || handoff_check(info, info->total_size, NULL) != LDR_OK)
		return "boot-info records malformed";
	k->info = info;
	if (!(r = handoff_find(info, ASLRBOOT_REC_LAYOUT, NULL)))
		return "no layout record";
	k->layout = (const void *)r;
	if (k->layout->entry_size != sizeof(struct aslrboot_region))
		return "layout entry_size";
	k->rgn = (const void *)(k->layout + 1);
	if (!(r = handoff_find(info, ASLRBOOT_REC_SEED, NULL)))
		return "no seed record";
	k->seed = (const void *)r;
	if ((r = handoff_find(info, ASLRBOOT_REC_CMDLINE, NULL)))
		k->cmdline = (const char *)r + sizeof(struct aslrboot_rec_cmdline);
	if (!handoff_find(info, ASLRBOOT_REC_MEMMAP, NULL) ||
	    !handoff_find(info, ASLRBOOT_REC_LOADER, NULL))
		return "memmap or loader record missing";
	if (!(dm = find_region(k, ASLRBOOT_RGN_DIRECT_MAP, 0)) || dm->phys != 0)
		return "no direct map region";
	k->direct_map = dm->virt;
	k->dm_size = dm->size;
	return NULL;
}

/* PROTOCOL.md entry state, as start.S recorded it. */
const char *check_entry_state(const struct kinfo *k)
{
	const struct entry_regs *r = &entry_regs;
	const struct aslrboot_region *stack = find_region(k, ASLRBOOT_RGN_STACK, 0);
	const struct aslrboot_region *bi = find_region(k, ASLRBOOT_RGN_BOOT_INFO, r->rdi);
	const uint64_t *gpr = &r->rax;

	for (int i = 0; i < 16; i++)
		if (i != 5 && i != 7 && gpr[i]) /* all but RDI and RSP */
			return "a GPR was not zero at entry";
	if (!stack || r->rsp != stack->virt + stack->size - 8 || *(const uint64_t *)r->rsp != 0)
		return "RSP is not stack top - 8 with a zero return address";
	if (!bi || k->info->info_phys != bi->phys + (r->rdi - bi->virt))
		return "RDI is not the boot-info block";
	if (r->rflags != 0x2 || r->cs != 0x08 || r->ss != 0x10 || r->ds != 0x10) {
		static char why[96];
		ldr_snprintf(why, sizeof(why), "entry RFLAGS=0x%llx CS=0x%x SS=0x%x DS=0x%x",
			     (unsigned long long)r->rflags, r->cs, r->ss, r->ds);
		return why;
	}
	if (!(rdmsr(MSR_EFER) & EFER_NXE))
		return "EFER.NXE clear";
	if ((read_cr0() & (CR0_SET | CR0_CLEAR)) != CR0_SET ||
	    (read_cr4() & (CR4_SET | CR4_CLEAR)) != CR4_SET) {
		static char why[80];
		ldr_snprintf(why, sizeof(why), "entry CR0=0x%llx CR4=0x%llx (SSE or paging bits)",
			     (unsigned long long)read_cr0(), (unsigned long long)read_cr4());
		return why;
	}
	/* Both legacy 8259s masked (their interrupt mask registers). */
	if (inb(0x21) != 0xff || inb(0xa1) != 0xff)
		return "legacy PIC lines unmasked at entry";
	/* Built with SSE allowed: faults (#UD, #NM) unless the bits above hold. */
	if (sse_check())
		return "SSE code gave a wrong result";
	if ((read_cr3() & ~(PAGE - 1)) != k->layout->cr3)
		return "CR3 is not the layout's";
	return NULL;
}

struct dm_span {
	uint64_t lo, hi; /* physical, as mapped at direct_map + lo */
};

struct walk {
	const struct kinfo *k;
	uint64_t covered[64];
	struct dm_span dm[128]; /* maximal runs of the direct map */
	uint32_t ndm;
	const char *fail;
};

static void *dm_ptr(void *ctx, paddr_t pa, uint64_t len)
{
	const struct kinfo *k = ctx;
	uint64_t end;

	if (__builtin_add_overflow(pa_addr(pa), len, &end) || end > k->dm_size)
		return NULL;
	return (void *)(uintptr_t)(k->direct_map + pa_addr(pa));
}

/* PROTOCOL.md 5: the direct map aliases read-only frames (kernel text and
 * rodata, the trampoline) read-only. */
static bool ro_alias(const struct kinfo *k, uint64_t pa, uint64_t size)
{
	for (uint32_t i = 0; i < k->layout->count; i++) {
		const struct aslrboot_region *r = &k->rgn[i];
		if ((r->kind == ASLRBOOT_RGN_KERNEL_SEGMENT ||
		     r->kind == ASLRBOOT_RGN_TRAMPOLINE) &&
		    !(r->prot & ASLRBOOT_PROT_W) && pa >= r->phys && pa - r->phys < r->size &&
		    r->size - (pa - r->phys) >= size)
			return true;
	}
	return false;
}

/* Every leaf: not W+X, inside regions that agree on its prot and frames. */
static bool on_leaf(void *arg, const struct pt_leaf *l)
{
	struct walk *w = arg;
	const struct kinfo *k = w->k;
	uint64_t va = va_addr(l->va), pa = pa_addr(l->pa);
	bool inside = false;

	if ((l->prot & ASLRBOOT_PROT_W) && (l->prot & ASLRBOOT_PROT_X))
		w->fail = "a W+X leaf";
	if (va < PAGE)
		w->fail = "page 0 is mapped";
	if (l->user)
		w->fail = "a user-accessible leaf";
	for (uint32_t i = 0; i < k->layout->count && !w->fail; i++) {
		const struct aslrboot_region *r = &k->rgn[i];
		if (r->kind == ASLRBOOT_RGN_GUARD || va < r->virt || va - r->virt >= r->size ||
		    r->size - (va - r->virt) < l->size)
			continue;
		if (l->prot != r->prot && !(r->kind == ASLRBOOT_RGN_DIRECT_MAP &&
					    l->prot == ASLRBOOT_PROT_R && ro_alias(k, pa, l->size)))
			w->fail = "a leaf's protection differs from its region";
		else if (pa != r->phys + (va - r->virt))
			w->fail = "a leaf maps the wrong frames";
		if (r->kind == ASLRBOOT_RGN_DIRECT_MAP && w->ndm && w->dm[w->ndm - 1].hi == pa)
			w->dm[w->ndm - 1].hi += l->size;
		else if (r->kind == ASLRBOOT_RGN_DIRECT_MAP && w->ndm < 128)
			w->dm[w->ndm++] = (struct dm_span){ pa, pa + l->size };
		else if (r->kind == ASLRBOOT_RGN_DIRECT_MAP)
			w->fail = "direct map too fragmented to check";
		w->covered[i] += l->size;
		inside = true;
	}
	if (!inside && !w->fail)
		w->fail = "a leaf outside every region";
	return !w->fail;
}

static bool ram_like(uint32_t type)
{
	return type != ASLRBOOT_MEM_RESERVED && type != ASLRBOOT_MEM_BAD;
}

/* PROTOCOL.md 5: every whole RAM-like page is in the direct map, and
 * nothing outside RAM-like pages (MMIO, holes) is. */
static const char *check_direct_map(const struct kinfo *k, const struct walk *w)
{
	const struct aslrboot_rec_memmap *mm =
		(const void *)handoff_find(k->info, ASLRBOOT_REC_MEMMAP, NULL);
	const uint8_t *ents = (const uint8_t *)(mm + 1);

	for (uint32_t i = 0; i < mm->count; i++) {
		const struct aslrboot_mmap_entry *e = (const void *)(ents + i * mm->entry_size);
		uint64_t lo = (e->base + PAGE - 1) & ~(PAGE - 1);
		uint64_t hi = (e->base + e->length) & ~(PAGE - 1);
		bool in = false;
		if (!ram_like(e->type) || hi > k->dm_size || lo >= hi)
			continue;
		for (uint32_t j = 0; j < w->ndm && !in; j++)
			in = w->dm[j].lo <= lo && hi <= w->dm[j].hi;
		if (!in)
			return "RAM missing from the direct map";
	}
	for (uint32_t j = 0; j < w->ndm; j++) {
		uint64_t cur = w->dm[j].lo;
		for (uint32_t i = 0; i < mm->count && cur < w->dm[j].hi; i++) {
			const struct aslrboot_mmap_entry *e =
				(const void *)(ents + i * mm->entry_size);
			uint64_t lo = e->base & ~(PAGE - 1);
			uint64_t hi = (e->base + e->length + PAGE - 1) & ~(PAGE - 1);
			if (ram_like(e->type) && lo <= cur && cur < hi)
				cur = hi; /* entries are sorted: keep sweeping */
		}
		if (cur < w->dm[j].hi)
			return "the direct map covers a hole or MMIO";
	}
	return NULL;
}

const char *check_page_tables(const struct kinfo *k)
{
	static struct walk w;
	const char *why;

	w.k = k;
	if (k->layout->count > 64)
		return "too many regions";
	if (pt_walk(pa_init(read_cr3() & ~(PAGE - 1)), dm_ptr, (void *)k, on_leaf, &w, NULL) !=
	    LDR_OK)
		return w.fail ? w.fail : "page-table walk failed";
	if (w.fail)
		return w.fail;
	if ((why = check_direct_map(k, &w)))
		return why;
	for (uint32_t i = 0; i < k->layout->count; i++) {
		const struct aslrboot_region *r = &k->rgn[i];
		if (r->kind != ASLRBOOT_RGN_GUARD && r->kind != ASLRBOOT_RGN_DIRECT_MAP &&
		    w.covered[i] != r->size) {
			static char why[96];
			ldr_snprintf(why, sizeof(why), "region %s: 0x%llx of 0x%llx bytes mapped",
				     r->name, (unsigned long long)w.covered[i],
				     (unsigned long long)r->size);
			return why;
		}
		/* Guards: mapped leaves all lie in non-guard regions, so a
		 * guard is unmapped iff it overlaps none of them. */
		for (uint32_t j = 0; r->kind == ASLRBOOT_RGN_GUARD && j < k->layout->count; j++) {
			const struct aslrboot_region *o = &k->rgn[j];
			if (o->kind != ASLRBOOT_RGN_GUARD && o->virt < r->virt + r->size &&
			    r->virt < o->virt + o->size)
				return "a guard region is mapped";
		}
	}
	return NULL;
}

/* Relocated through R_X86_64_RELATIVE: the loader had to apply it. */
void kmain(const struct aslrboot_info *info);
static void (*const volatile self)(const struct aslrboot_info *) = kmain;

/* Running where the layout says, not at the link address. */
const char *check_self(const struct kinfo *k)
{
	uint64_t rip, here = (uint64_t)(uintptr_t)kmain;
	const struct aslrboot_region *text;

	__asm__ __volatile__("lea 0(%%rip), %0" : "=r"(rip));
	text = find_region(k, ASLRBOOT_RGN_KERNEL_SEGMENT, rip);
	if (!text || text->prot != (ASLRBOOT_PROT_R | ASLRBOOT_PROT_X))
		return "RIP is not in an R+X kernel segment";
	if ((uint64_t)(uintptr_t)self != here)
		return "a relative relocation was not applied";
	if (k->layout->kernel_slide == 0)
		return "running at the link address";
	if (!find_region(k, ASLRBOOT_RGN_KERNEL_SEGMENT,
			 k->layout->kernel_link_base + k->layout->kernel_slide))
		return "kernel_link_base + kernel_slide is not a kernel segment";
	for (unsigned i = 0; i < sizeof(k->seed->seed); i++)
		if (k->seed->seed[i])
			return NULL;
	return "the seed is all zero";
}
