/* SPDX-License-Identifier: MIT */
/*
 * Random handoff_write inputs for tests/test_handoff.c (bound checks) and
 * tests/fuzz_handoff.c (writer mode), drawn from a byte stream that falls
 * back to xorshift64 when it runs dry.
 */
#ifndef TESTS_HANDOFF_FIXTURE_H
#define TESTS_HANDOFF_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "loader/handoff/handoff.h"

#define HF_MAX_MODSTR 600

struct hf_src {
	const uint8_t *p;
	size_t n;
	uint64_t x; /* xorshift state, nonzero */
};

struct hf {
	struct boot_env env;
	struct layout_plan plan;
	struct memmap mm;
	struct aslrboot_rec_seed seed;
	struct aslrboot_entropy_entry ent[HANDOFF_MAX_ENTROPY];
	uint64_t tsc[ASLRBOOT_PHASE_COUNT];
	char cmdline[BOOT_MAX_CMDLINE + 64];
	char modstr[BOOT_MAX_MODULES][HF_MAX_MODSTR];
	char version[40];
	struct handoff_input in;
};

uint64_t hf_u64(struct hf_src *s);
/* Fill *f (and f->in) with a random input handoff_write must accept. */
void hf_random(struct hf *f, struct hf_src *s);

#endif
