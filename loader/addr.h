/* SPDX-License-Identifier: MIT */
/*
 * Distinct types for physical and virtual addresses (Hafnium's inc/hf/addr.h
 * idea): a paddr_t cannot be passed where a vaddr_t is expected by accident.
 */
#ifndef LDR_ADDR_H
#define LDR_ADDR_H

#include <stdbool.h>
#include <stdint.h>

#include "../include/ldr_range.h"

#define PAGE_SIZE UINT64_C(4096)
#define PAGE_SHIFT 12
#define SIZE_2M (UINT64_C(1) << 21)
#define SIZE_1G (UINT64_C(1) << 30)

/* clang-format off */
typedef struct { uint64_t pa; } paddr_t;
typedef struct { uint64_t va; } vaddr_t;

static inline paddr_t pa_init(uint64_t a) { return (paddr_t){ a }; }
static inline vaddr_t va_init(uint64_t a) { return (vaddr_t){ a }; }
static inline uint64_t pa_addr(paddr_t p) { return p.pa; }
static inline uint64_t va_addr(vaddr_t v) { return v.va; }
static inline paddr_t pa_add(paddr_t p, uint64_t n) { return (paddr_t){ p.pa + n }; }
static inline vaddr_t va_add(vaddr_t v, uint64_t n) { return (vaddr_t){ v.va + n }; }
/* clang-format on */

#endif
