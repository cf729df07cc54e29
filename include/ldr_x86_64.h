/* SPDX-License-Identifier: MIT */
/*
 * The bare x86-64 instructions, one copy for every folder: CPUID (with a
 * subleaf), RDTSC (plain, and LFENCE-serialized), PAUSE and port I/O.
 * Ground floor: header-only and including only C headers, so rand/ and
 * the core share it.  inb/outb are privileged (target code only); the rest
 * also runs in a host test.
 */
#ifndef LDR_X86_64_H
#define LDR_X86_64_H

#ifndef __x86_64__
#error "ldr_x86_64.h: x86-64 instructions on another architecture"
#endif

#include <stdint.h>

/* CPUID leaf `leaf`, subleaf `sub` (ECX): EAX, EBX, ECX, EDX. */
static inline void cpuid_count(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b, uint32_t *c,
			       uint32_t *d)
{
	__asm__ __volatile__("cpuid"
			     : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
			     : "a"(leaf), "c"(sub));
}

/* CPUID with subleaf 0. */
static inline void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
	cpuid_count(leaf, 0, a, b, c, d);
}

/* The TSC as it is: may run ahead of earlier instructions (jitter samples). */
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* The TSC after every earlier instruction has completed (timestamps). */
static inline uint64_t rdtsc_serialized(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("lfence\n\trdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return (uint64_t)hi << 32 | lo;
}

/* Spin-wait hint. */
static inline void cpu_relax(void)
{
	__asm__ __volatile__("pause");
}

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ __volatile__("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

#endif
