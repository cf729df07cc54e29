/* SPDX-License-Identifier: MIT */
/* CPU facts for boot_env: paging features and the TSC frequency. */
#include "mb.h"

#include "../loader/x86_64/cpu.h"

#define PIT_HZ 1193182u
#define PIT_MS 2u /* +-0.05%: ample for phase timings, and a 10 ms wait on every boot is not */
#define PIT_POLL_MAX 2000000u /* a missing PIT must not hang the boot */
#define TSC_HZ_MIN UINT64_C(100000000)   /* plausibility window for the */
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

/* PIT channel 2 one-shot (mode 0) for PIT_MS, gate through port 0x61
 * (Linux arch/x86/kernel/tsc.c pit_calibrate_tsc). */
static uint64_t tsc_hz_pit(void)
{
	uint16_t count = PIT_HZ / (1000 / PIT_MS);
	uint64_t t0, t1;
	uint32_t i;

	outb(0x61, (inb(0x61) & ~0x02) | 0x01);
	outb(0x43, 0xb0);
	outb(0x42, count & 0xff);
	outb(0x42, count >> 8);
	t0 = rdtsc_serialized();
	for (i = 0; i < PIT_POLL_MAX && !(inb(0x61) & 0x20); i++)
		;
	t1 = rdtsc_serialized();
	if (i == 0 || i == PIT_POLL_MAX)
		return 0;
	return (t1 - t0) * (1000 / PIT_MS);
}

uint64_t mb_tsc_hz(void)
{
	uint64_t hz = tsc_hz_cpuid();

	if (!hz)
		hz = tsc_hz_pit();
	return hz >= TSC_HZ_MIN && hz <= TSC_HZ_MAX ? hz : 0;
}
