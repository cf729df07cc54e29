/* SPDX-License-Identifier: MIT */
/* Start-up, repetition-count and adaptive-proportion tests (see health.h). */
#include "health.h"

void rand_health_init(struct rand_health *h)
{
	__builtin_memset(h, 0, sizeof(*h));
	h->failed = LDR_OK;
}

/* SP 800-90B 4.4.2, one byte at a time. */
static enum ldr_err apt_byte(struct rand_health *h, uint8_t b)
{
	if (h->apt_pos == 0) {
		h->apt_first = b;
		h->apt_count = 1;
	} else if (b == h->apt_first && ++h->apt_count >= RAND_APT_CUTOFF) {
		return LDR_E_RNG_APT;
	}
	if (++h->apt_pos == RAND_APT_WINDOW)
		h->apt_pos = 0;
	return LDR_OK;
}

enum ldr_err rand_health_word(struct rand_health *h, uint64_t w)
{
	enum ldr_err err = LDR_OK;

	if (h->failed)
		return h->failed;
	if (rand_health_stuck(w))
		err = LDR_E_RNG_STUCK;
	else if (h->have_last && w == h->last)
		err = LDR_E_RNG_REPEAT;
	for (int i = 0; i < 8 && !err; i++)
		err = apt_byte(h, (uint8_t)(w >> (8 * i)));
	h->last = w;
	h->have_last = true;
	h->failed = err;
	return err;
}

enum ldr_err rand_health_bytes(struct rand_health *h, const uint8_t *data, size_t len)
{
	enum ldr_err err = LDR_OK;
	uint64_t w;

	for (; len >= 8 && !err; data += 8, len -= 8) {
		w = 0;
		for (int i = 7; i >= 0; i--)
			w = w << 8 | data[i];
		err = rand_health_word(h, w);
	}
	if (h->failed)
		return h->failed;
	for (; len && !err; data++, len--)
		err = apt_byte(h, *data);
	h->failed = err;
	return err;
}

enum ldr_err rand_health_startup(const uint64_t s[RAND_STARTUP_SAMPLES])
{
	int changes = 0;

	for (int i = 1; i < RAND_STARTUP_SAMPLES; i++)
		changes += s[i] != s[i - 1];
	return changes >= RAND_STARTUP_CHANGES ? LDR_OK : LDR_E_RNG_HEALTH;
}
