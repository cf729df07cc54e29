/* SPDX-License-Identifier: MIT */
/*
 * The Multiboot front end's own identity map (idmap.h), described as a
 * list of pieces with one permission each, built by the core's page-table
 * builder and proven by its W^X verifier.
 */
#include "idmap.h"

#include "mb.h"
#include "serial.h"
#include "../include/aslrboot.h"
#include "../loader/arch/x86_64/cpu.h"
#include "../loader/libc.h"
#include "../loader/log.h"
#include "../loader/paging/paging.h"

#define PROT_R ASLRBOOT_PROT_R
#define PROT_RW (ASLRBOOT_PROT_R | ASLRBOOT_PROT_W)
#define PROT_RX (ASLRBOOT_PROT_R | ASLRBOOT_PROT_X)
/* Five pieces (RW from page 1 to the image, its R and RX segments, RW up
 * to the stack guard, RW after it), two more when the trampoline page is
 * cut out of one. */
#define MAP_MAX 7
/*
 * Tables for two maps, the second built beside the live first: PML4,
 * PDPT, 4 PDs (2 MiB pages up to 4 GiB) and one PT per 2 MiB chunk with a
 * permission change inside it.  linker.ld keeps the image below 8 MiB (4
 * chunks); the trampoline page may need one more.  pt_build() refuses
 * (E_NOMEM) rather than overrun.
 */
#define MAP_TABLES (2 + 4 + 4)
#define POOL_PAGES (MAP_TABLES + MAP_TABLES + 1)

extern const char __image_start[], __rodata_end[], __text_start[], __text_end[];
extern const char mb_stack_guard[];

static uint8_t pool_pages[POOL_PAGES][PAGE_SIZE] __attribute__((aligned(4096)));
static struct pt_mapping map[MAP_MAX];
static size_t map_n;

static uint64_t addr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* Identity: every table page is below 4 GiB, where va = pa. */
static void *ident(void *ctx, paddr_t pa, uint64_t len)
{
	(void)ctx;
	(void)len;
	return (void *)(uintptr_t)pa_addr(pa);
}

static struct pt_pool pool = {
	.pages = POOL_PAGES,
	.phys_ptr = ident,
	.allow_1g = false, /* 2 MiB pages need no CPUID check; 1 GiB ones do */
};

static struct pt_mapping piece(uint64_t pa, uint64_t len, uint32_t prot)
{
	return (struct pt_mapping){ va_init(pa), pa_init(pa), len, prot };
}

/*
 * Give [pa, pa + len) the permission prot (0: not mapped).  The range must
 * lie inside one mapped piece, which is split around it; false otherwise,
 * or if map[] is full.  Pieces stay in ascending order.
 */
static bool idmap_set(uint64_t pa, uint64_t len, uint32_t prot)
{
	struct pt_mapping out[3];
	uint64_t lo, end = pa + len;
	size_t i = 0, k = 0;

	while (i < map_n && pa - pa_addr(map[i].pa) >= map[i].len)
		i++;
	if (i == map_n || !len || end - pa_addr(map[i].pa) > map[i].len)
		return false;
	lo = pa_addr(map[i].pa);
	if (lo < pa)
		out[k++] = piece(lo, pa - lo, map[i].prot);
	if (prot)
		out[k++] = piece(pa, len, prot);
	if (end < lo + map[i].len)
		out[k++] = piece(end, lo + map[i].len - end, map[i].prot);
	if (map_n - 1 + k > MAP_MAX)
		return false;
	memmove(&map[i + k], &map[i + 1], (map_n - i - 1) * sizeof(map[0]));
	memcpy(&map[i], out, k * sizeof(out[0]));
	map_n = map_n - 1 + k;
	return true;
}

/* Build map[] into the pool after the tables in use, prove it, switch. */
static enum ldr_err idmap_load(struct ldr_diag *d)
{
	paddr_t root;
	enum ldr_err err;

	if ((err = pt_build(map, map_n, &pool, &root, d)) ||
	    (err = wx_verify(root, ident, NULL, map, map_n, NULL, d)))
		return err;
	write_cr3(pa_addr(root));
	return LDR_OK;
}

/* Before log_init: the error line goes straight to the serial port. */
static noreturn void idmap_fail(const struct ldr_diag *d)
{
	char line[200];
	size_t n = ldr_format_diag(line, sizeof(line) - 1, "multiboot", d);

	if (n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	serial_write(LOG_PREFIX, sizeof(LOG_PREFIX) - 1);
	serial_write(line, n);
	mb_stop(MB_EXIT_ERROR);
}

void mb_idmap_init(void)
{
	struct ldr_diag d = { 0 };
	enum ldr_err err;

	pool.base = pa_init(addr(pool_pages));
	map[0] = piece(0, MB_IDMAP_LIMIT, PROT_RW);
	map_n = 1;
	if (!idmap_set(0, PAGE_SIZE, 0) ||
	    !idmap_set(addr(__image_start), addr(__rodata_end) - addr(__image_start), PROT_R) ||
	    !idmap_set(addr(__text_start), addr(__text_end) - addr(__text_start), PROT_RX) ||
	    !idmap_set(addr(mb_stack_guard), PAGE_SIZE, 0))
		idmap_fail(
			&(struct ldr_diag){ LDR_E_PT_MAP, "identity map", -1, "piece", map_n, 0 });
	if ((err = idmap_load(&d)))
		idmap_fail(&d);
}

bool mb_idmap_make_exec(uint64_t pa)
{
	struct ldr_diag d = { 0 };

	return is_aligned(pa, PAGE_SIZE) && idmap_set(pa, PAGE_SIZE, PROT_RX) && !idmap_load(&d);
}
