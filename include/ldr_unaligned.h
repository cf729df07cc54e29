/* SPDX-License-Identifier: MIT */
/*
 * Little-endian reads at any alignment, for hostile inputs (ELF images,
 * Multiboot information) that may sit anywhere: every read is a memcpy.
 * Ground floor: header-only and including only C headers, so every folder
 * shares one copy.
 */
#ifndef LDR_UNALIGNED_H
#define LDR_UNALIGNED_H

#include <stdint.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the readers below assume a little-endian CPU"
#endif

static inline uint16_t rd_le16(const uint8_t *p)
{
	uint16_t v;
	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint32_t rd_le32(const uint8_t *p)
{
	uint32_t v;
	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint64_t rd_le64(const uint8_t *p)
{
	uint64_t v;
	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

#endif
