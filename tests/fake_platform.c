/* SPDX-License-Identifier: MIT */
#include "fake_platform.h"

#include <stdlib.h>
#include <string.h>

static enum ldr_err fake_alloc_at(void *ctx, paddr_t pa, uint64_t pages)
{
	struct fake_platform *fp = ctx;
	uint64_t a = pa_addr(pa), len = pages * PAGE_SIZE;
	if (a < fp->base || len > fp->size || a - fp->base > fp->size - len)
		return LDR_E_NOMEM;
	for (uint32_t i = 0; i < fp->nallocs; i++)
		if (ranges_overlap(a, len, fp->allocs[i].pa, fp->allocs[i].pages * PAGE_SIZE))
			return LDR_E_NOMEM;
	if (fp->nallocs == FAKE_MAX_ALLOCS)
		return LDR_E_NOMEM;
	fp->allocs[fp->nallocs].pa = a;
	fp->allocs[fp->nallocs++].pages = pages;
	return LDR_OK;
}

static enum ldr_err fake_alloc_any(void *ctx, uint64_t pages, paddr_t *out)
{
	(void)ctx;
	(void)pages;
	(void)out;
	return LDR_E_NOMEM;
}

static void *fake_phys_ptr(void *ctx, paddr_t pa, uint64_t len)
{
	struct fake_platform *fp = ctx;
	uint64_t a = pa_addr(pa);
	if (a < fp->base || len > fp->size || a - fp->base > fp->size - len)
		return NULL;
	return fp->mem + (a - fp->base);
}

static void fake_console(void *ctx, const char *s, size_t n)
{
	struct fake_platform *fp = ctx;
	size_t room = sizeof(fp->console) - 1 - fp->console_len;
	if (n > room)
		n = room;
	memcpy(fp->console + fp->console_len, s, n);
	fp->console_len += n;
	fp->console[fp->console_len] = 0;
}

static enum ldr_err fake_exit(void *ctx, struct boot_env *env)
{
	struct fake_platform *fp = ctx;
	(void)env;
	fp->exit_calls++;
	return fp->fail_exit ? LDR_E_FIRMWARE : LDR_OK;
}

static __attribute__((__noreturn__)) void fake_enter(void *ctx, const struct entry_state *st)
{
	(void)ctx;
	(void)st;
	abort(); /* host tests call loader_run, never loader_main */
}

static __attribute__((__noreturn__)) void fake_halt(void *ctx, enum ldr_err err)
{
	(void)ctx;
	(void)err;
	abort();
}

static uint64_t fake_timestamp(void *ctx)
{
	struct fake_platform *fp = ctx;
	return fp->tsc += 1000;
}

static enum ldr_err fake_store_seed(void *ctx, const uint8_t *seed, size_t len)
{
	struct fake_platform *fp = ctx;
	if (len > sizeof(fp->stored_seed))
		return LDR_E_SEED_FILE;
	memcpy(fp->stored_seed, seed, len);
	fp->stored_seed_len = len;
	return LDR_OK;
}

void fake_init(struct fake_platform *fp, uint64_t base, uint64_t size)
{
	memset(fp, 0, sizeof(*fp));
	fp->mem = malloc(size);
	memset(fp->mem, FAKE_PATTERN, size);
	fp->base = base;
	fp->size = size;
	fp->ops = (struct platform_ops){
		.ctx = fp,
		.alloc_at = fake_alloc_at,
		.alloc_any = fake_alloc_any,
		.phys_ptr = fake_phys_ptr,
		.console_write = fake_console,
		.exit_firmware = fake_exit,
		.enter = fake_enter,
		.halt = fake_halt,
		.timestamp = fake_timestamp,
		.store_seed = fake_store_seed,
	};
}

void fake_free(struct fake_platform *fp)
{
	free(fp->mem);
	fp->mem = NULL;
}

bool fake_untouched(const struct fake_platform *fp)
{
	static uint8_t pat[1 << 16];
	if (pat[0] != FAKE_PATTERN)
		memset(pat, FAKE_PATTERN, sizeof(pat));
	for (uint64_t off = 0; off < fp->size; off += sizeof(pat)) {
		uint64_t n = fp->size - off < sizeof(pat) ? fp->size - off : sizeof(pat);
		if (memcmp(fp->mem + off, pat, n))
			return false;
	}
	return true;
}

void fake_env(struct fake_platform *fp, struct boot_env *env, const void *kernel, uint64_t size)
{
	static struct mm_entry mmap[4];
	memset(env, 0, sizeof(*env));
	mmap[0] = (struct mm_entry){ 0, 0xa0000, ASLRBOOT_MEM_USABLE };
	mmap[1] = (struct mm_entry){ 0xf0000, 0x10000, ASLRBOOT_MEM_RESERVED };
	/* The arena, minus a reserved hole in the middle. */
	mmap[2] = (struct mm_entry){ fp->base, fp->size, ASLRBOOT_MEM_USABLE };
	mmap[3] = (struct mm_entry){ fp->base + fp->size / 2, 0x100000, ASLRBOOT_MEM_RESERVED };
	env->mmap = mmap;
	env->mmap_count = 4;
	env->kernel = kernel;
	env->kernel_size = size;
	env->kernel_name = "kernel.elf";
	env->cmdline = "test-kernel verbose";
	env->opts.fixed_seed_set = true;
	for (int i = 0; i < 32; i++)
		env->opts.fixed_seed[i] = (uint8_t)i;
}
