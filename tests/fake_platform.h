/* SPDX-License-Identifier: MIT */
/*
 * A platform_ops over a malloc'd arena standing for physical memory
 * [FAKE_PHYS_BASE, FAKE_PHYS_BASE + size) (FreeBSD userboot idea), with an
 * allocation log and a captured console.
 */
#ifndef TESTS_FAKE_PLATFORM_H
#define TESTS_FAKE_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loader/platform.h"

#define FAKE_PATTERN 0xa5
#define FAKE_MAX_ALLOCS 128

struct fake_platform {
	uint8_t *mem;
	uint64_t base, size; /* physical window backed by mem */
	struct {
		uint64_t pa, pages;
	} allocs[FAKE_MAX_ALLOCS];
	uint32_t nallocs;
	char console[1 << 16];
	size_t console_len;
	uint32_t exit_calls;
	bool fail_exit; /* exit_firmware returns E_FIRMWARE */
	uint64_t tsc;
	struct platform_ops ops;
	/* seed file persisted by store_seed */
	uint8_t stored_seed[64];
	size_t stored_seed_len;
	uint32_t timestamp_calls_at_store; /* ordering checks */
};

/* Arena of `size` bytes at physical `base`, filled with FAKE_PATTERN. */
void fake_init(struct fake_platform *fp, uint64_t base, uint64_t size);
void fake_free(struct fake_platform *fp);
/* True if every arena byte still holds FAKE_PATTERN. */
bool fake_untouched(const struct fake_platform *fp);
/* A boot_env for a kernel in host memory, with a memory map describing the
 * arena as USABLE plus a reserved hole. */
void fake_env(struct fake_platform *fp, struct boot_env *env, const void *kernel, uint64_t size);

#endif
