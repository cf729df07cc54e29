/* SPDX-License-Identifier: MIT */
/*
 * Health tests on raw CPU / firmware RNG output (NIST SP 800-90B
 * section 4.4 with alpha = 2^-30).  The output is already conditioned: these
 * catch stuck or degenerate sources, they cannot prove entropy.
 */
#ifndef RAND_HEALTH_H
#define RAND_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../include/ldr_errors.h"

/* Start-up test (Linux's shape): 8 samples, at least 5 changes between
 * consecutive ones. */
#define RAND_STARTUP_SAMPLES 8
#define RAND_STARTUP_CHANGES 5

/*
 * Adaptive Proportion Test on bytes (H = 8): window W = 512, cutoff C = 17.
 * SP 800-90B counts the window's first byte itself, so the count is
 * 1 + Binomial(511, 2^-8) and the false-positive rate is
 * P(Binomial(511, 2^-8) >= C - 1): 3.2e-9 for C = 16 (above alpha =
 * 9.3e-10), 3.9e-10 for C = 17.  Hence 17: the errata's 2 + CRITBINOM(W-1,...).
 * tests/test_health.c recomputes both numbers.
 */
#define RAND_APT_WINDOW 512
#define RAND_APT_CUTOFF 17

/* Continuous tests over one source's 64-bit words. */
struct rand_health {
	uint64_t last; /* previous word (Repetition Count Test) */
	bool have_last;
	uint8_t apt_first;   /* byte that opened the current APT window */
	uint32_t apt_count;  /* occurrences of apt_first in the window so far */
	uint32_t apt_pos;    /* bytes seen in the current window */
	enum ldr_err failed; /* sticky: first failure, LDR_OK while healthy */
};

void rand_health_init(struct rand_health *h);
/*
 * Feed one word.  LDR_E_RNG_STUCK for 0 or ~0 (AMD all-ones RDRAND, Zen 5
 * zero RDSEED), LDR_E_RNG_REPEAT for a word equal to the previous one
 * (RCT cutoff C = 1 + ceil(30 / 64) = 2 for H = 64), LDR_E_RNG_APT when a
 * byte value fills RAND_APT_CUTOFF slots of its window.  Sticky.
 */
enum ldr_err rand_health_word(struct rand_health *h, uint64_t w);
/* Feed bytes (firmware output): little-endian words, a short tail through
 * the APT only. */
enum ldr_err rand_health_bytes(struct rand_health *h, const uint8_t *data, size_t len);
/* 0 or ~0: what broken RNG instructions return. */
static inline bool rand_health_stuck(uint64_t w)
{
	return w == 0 || w == UINT64_MAX;
}
/* LDR_E_RNG_HEALTH unless s[0..7] has >= RAND_STARTUP_CHANGES changes. */
enum ldr_err rand_health_startup(const uint64_t s[RAND_STARTUP_SAMPLES]);

#endif
