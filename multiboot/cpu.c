/* SPDX-License-Identifier: MIT */
/* CPU facts for boot_env: paging features and the TSC frequency. */
#include "mb.h"

#include "../loader/arch/x86_64/cpu.h"

#define PIT_HZ 1193182u
#define PIT_MS 2u			 /* fallback busy wait: +-0.05%, ample for phase timings */
#define PIT_MIN_TICKS 298u		 /* 0.25 ms of free-running PIT: +-0.4% */
#define PIT_POLL_MAX 2000000u		 /* a missing PIT must not hang the boot */
#define TSC_HZ_MIN UINT64_C(100000000)	 /* plausibility window for the */
#define TSC_HZ_MAX UINT64_C(20000000000) /* measured value */

uint32_t mb_cpu_features(void)
{
	return cpu_boot_features();
}

/* SDM vol. 2A CPUID leaf 15H: TSC = crystal * EBX / EAX. */
static uint64_t tsc_hz_cpuid(void)
{
	uint32_t a, b, c, d;

	cpuid(0, &a, &b, &c, &d);
	if (a >= 0x15) {
		cpuid(0x15, &a, &b, &c, &d);
		if (a && b && c)
			return (uint64_t)c * b / a;
	}
	if (cpu_hypervisor()) { /* KVM/VMware timing leaf: EAX = TSC kHz */
		cpuid(0x40000000u, &a, &b, &c, &d);
		if (a >= 0x40000010u) {
			cpuid(0x40000010u, &a, &b, &c, &d);
			if (a)
				return (uint64_t)a * 1000;
		}
	}
	return 0;
}

/* PIT channel 2 one-shot (mode 0) from `count`, gate on, speaker off
 * (Linux arch/x86/kernel/tsc.c pit_calibrate_tsc); returns the TSC then. */
static uint64_t pit_start(uint16_t count)
{
	outb(0x61, (inb(0x61) & ~0x02) | 0x01);
	outb(0x43, 0xb0);
	outb(0x42, count & 0xff);
	outb(0x42, count >> 8);
	return rdtsc_serialized();
}

/* Busy-wait PIT_MS on a fresh one-shot. */
static uint64_t tsc_hz_pit_wait(void)
{
	uint64_t t0 = pit_start(PIT_HZ / (1000 / PIT_MS)), t1;
	uint32_t i;

	for (i = 0; i < PIT_POLL_MAX && !(inb(0x61) & 0x20); i++)
		;
	t1 = rdtsc_serialized();
	if (i == 0 || i == PIT_POLL_MAX)
		return 0;
	return (t1 - t0) * (1000 / PIT_MS);
}

/*
 * Calibrating without waiting: a one-shot from 0xffff (55 ms) runs while the
 * loader works, and mb_tsc_hz() reads how far it got.  Worth it: a busy
 * wait would be 2 ms on every boot for a loader whose own work takes about
 * 1 ms on hardware.
 */
static uint64_t free_tsc0;
static bool free_running;

void mb_tsc_calibrate_start(void)
{
	if (!tsc_hz_cpuid()) {
		free_tsc0 = pit_start(0xffff);
		free_running = true;
	}
}

/* Counter 2 latched (8254 counter-latch command), then the TSC: the same
 * order as pit_start(), so port-write delays cancel. */
static uint64_t pit2_latch(void)
{
	outb(0x43, 0x80);
	return rdtsc_serialized();
}

/* The latched count, low byte then high. */
static uint16_t pit2_count(void)
{
	uint16_t lo = inb(0x42), hi = inb(0x42);

	return (uint16_t)(hi << 8 | lo);
}

uint64_t mb_tsc_hz(void)
{
	uint64_t hz = tsc_hz_cpuid(), t1, ticks;

	if (!hz && free_running) {
		t1 = pit2_latch();
		ticks = 0xffffu - pit2_count();
		/* OUT high: the count ran out (a slow path, e.g. bench=K), and a
		 * short span is too coarse: wait then, as before. */
		if (!(inb(0x61) & 0x20) && ticks >= PIT_MIN_TICKS)
			hz = (t1 - free_tsc0) * PIT_HZ / ticks;
		free_running = false;
	}
	if (!hz)
		hz = tsc_hz_pit_wait();
	return hz >= TSC_HZ_MIN && hz <= TSC_HZ_MAX ? hz : 0;
}
