/* SPDX-License-Identifier: MIT */
/*
 * The TCG crypto-agile event log (TCG PC Client Platform Firmware Profile,
 * "TCG_2" format): what EFI_TCG2_PROTOCOL.GetEventLog returns and the MEASURE
 * record hands over.  A walker for untrusted bytes, freestanding: the UEFI
 * front end finds where the log ends with it, the test kernel checks the
 * log copy with it.
 *
 * Layout: a header event in the old SHA-1 format (TCG_PCClientPCREvent)
 * whose data is the "Spec ID Event03" structure naming each digest
 * algorithm and its size; then TCG_PCR_EVENT2 entries:
 *   u32 pcr, u32 type, u32 digest count, {u16 alg, digest}..., u32 size, data
 * All fields little-endian, unaligned.
 */
#ifndef LDR_TCG_LOG_H
#define LDR_TCG_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TCG_ALG_SHA1 0x0004
#define TCG_ALG_SHA256 0x000b
#define TCG_EV_NO_ACTION 0x00000003
#define TCG_LOG_MAX_ALGS 8	     /* digest algorithms a header may name */
#define TCG_LOG_MAX_EVENT (1u << 20) /* bytes of one event's data we accept */

struct tcg_log {
	const uint8_t *p;
	size_t first; /* offset of the first TCG_PCR_EVENT2 (after the header) */
	uint32_t nalg;
	struct {
		uint16_t id;
		uint16_t size;
	} alg[TCG_LOG_MAX_ALGS];
};

struct tcg_event {
	uint32_t pcr;
	uint32_t type;
	const uint8_t *sha256; /* the SHA-256 digest, NULL if the event has none */
	const uint8_t *data;
	uint32_t data_size;
	size_t size; /* bytes of the whole entry */
};

/* Check the header event at p[0..len) and learn the digest sizes.  false if
 * it is not a crypto-agile log (no "Spec ID Event03", a size that does not
 * fit, no or too many algorithms, a digest size over 64 bytes). */
bool tcg_log_open(struct tcg_log *l, const void *p, size_t len);

/* The TCG_PCR_EVENT2 at p[0..len), with the digest sizes of l: false if it
 * does not fit in len, names an algorithm the header does not, or has more
 * digests than the header has algorithms. */
bool tcg_log_event(const struct tcg_log *l, const uint8_t *p, size_t len, struct tcg_event *e);

#endif
