/* SPDX-License-Identifier: MIT */
/*
 * struct boot_env: everything a front end (efi/, multiboot/, the host tests)
 * learned from the firmware, in one neutral form.  The core never talks to
 * firmware except through struct platform_ops.
 */
#ifndef LDR_BOOT_ENV_H
#define LDR_BOOT_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../include/aslrboot.h"

#define BOOT_MAX_MMAP 512 /* raw firmware memory-map entries we accept */
#define BOOT_MAX_MODULES 16
#define BOOT_MAX_RESERVED 32  /* ranges the layout must avoid (loader, MBI, ...) */
#define BOOT_MAX_CMDLINE 4096 /* bytes, without the NUL */
/* Measured-boot entries: kernel, command line, configuration, each module. */
#define BOOT_MAX_MEASURE (BOOT_MAX_MODULES + 3)

/* One raw memory-map entry, firmware type already translated. */
struct mm_entry {
	uint64_t base;
	uint64_t len;
	uint32_t type; /* enum aslrboot_mem_type */
};

struct boot_module {
	uint64_t phys; /* where the bytes are (identity-mapped while the loader runs) */
	uint64_t size;
	const char *string; /* name / command line, NUL-terminated */
};

/* A physical range the layout must not use (loader image, stacks, MBI...). */
struct boot_range {
	uint64_t base;
	uint64_t len;
};

enum boot_entropy_policy {
	BOOT_ENTROPY_DEFAULT = 0, /* boot with WEAK and a loud warning if < 256 credited bits */
	BOOT_ENTROPY_STRICT = 1,  /* refuse to boot if < 256 credited bits */
};

enum boot_protocol {
	BOOT_PROTO_AUTO = 0,	/* native, else linux64 when allowed (validate.h) */
	BOOT_PROTO_NATIVE = 1,	/* PROTOCOL.md only */
	BOOT_PROTO_LINUX64 = 2, /* Linux x86 64-bit boot protocol (PROTOCOL.md, linux64) */
};

/* Placement granularity of a native kernel (granularity=). */
enum boot_granularity {
	BOOT_GRAN_SECTION = 0, /* as the kernel's note asks: by section if it can be */
	BOOT_GRAN_SEGMENT = 1, /* by segment, whatever the note says (debugging) */
};

struct boot_options {
	bool verbose;  /* print the layout (leaks it: off by default) */
	bool aslr_off; /* fixed placement: lowest free addresses, for debugging/benchmarks */
	uint32_t entropy_policy; /* enum boot_entropy_policy */
	bool distrust_cpu_rng;	 /* mix RDSEED/RDRAND in but credit 0 bits */
	bool distrust_fw_rng;	 /* mix EFI_RNG in but credit 0 bits */
	bool fixed_seed_set;	 /* seed=HEX debug option: reproducible layouts, NOT random */
	uint8_t fixed_seed[32];
	uint32_t protocol;	 /* enum boot_protocol (loader/validate.c) */
	bool linux_seed_cmdline; /* linux64: prepend random.seed=[...] to the cmdline */
	uint32_t bench;		 /* bench=K: K timed plan/load/map rounds first (loader/bench.c) */
	uint32_t granularity;	 /* enum boot_granularity (loader/validate.c) */
};

/* Entropy the front end collected from sources only it can reach. */
struct boot_entropy_input {
	uint32_t source;      /* ASLRBOOT_SRC_* */
	uint32_t status;      /* ASLRBOOT_ENT_* (OK if bytes are valid) */
	uint32_t credit_bits; /* what the front end believes it is worth, before policy */
	uint32_t len;
	bool read_only;	   /* seed file that cannot be replaced: mixed, not credited */
	const void *data;  /* if non-NULL, the len bytes are here (seed file) ... */
	uint8_t bytes[64]; /* ... else here (firmware RNG output) */
};

#define BOOT_CPU_1G_PAGES (1u << 0) /* CPUID 0x80000001 EDX.26 */
#define BOOT_CPU_NX (1u << 1)	    /* CPUID 0x80000001 EDX.20: required */

struct boot_env {
	uint32_t info_flags; /* ASLRBOOT_INFO_F_UEFI / _MULTIBOOT */

	/* Raw memory map (any order, may overlap: the core normalizes it). */
	const struct mm_entry *mmap;
	uint32_t mmap_count;

	/* The kernel, read once into loader memory; never re-read. */
	const uint8_t *kernel;
	uint64_t kernel_size;
	const char *kernel_name; /* for messages */

	const char *cmdline; /* NUL-terminated, may be NULL */

	struct boot_module modules[BOOT_MAX_MODULES];
	uint32_t module_count;

	struct boot_range reserved[BOOT_MAX_RESERVED];
	uint32_t reserved_count;

	/* Highest physical address (exclusive) the loader may place anything at;
	 * 0 = no limit.  The Multiboot front end identity-maps only so much. */
	uint64_t phys_limit;

	uint64_t acpi_rsdp; /* 0 if none */
	uint32_t acpi_revision;

	struct boot_entropy_input entropy[8];
	uint32_t entropy_count;

	struct boot_options opts;

	uint32_t cpu_features; /* BOOT_CPU_* the front end detected */

	/* Measured boot (UEFI with a TPM): what the front end measured, for the
	 * MEASURE record, written only if measure_present. */
	bool measure_present;
	struct aslrboot_measurement measure[BOOT_MAX_MEASURE];
	uint32_t measure_count;
	uint32_t measure_flags;	   /* ASLRBOOT_MEASURE_F_* */
	uint64_t tpm_log;	   /* copy of the firmware's event log, 0 if none */
	uint64_t tpm_log_size;	   /* bytes */
	uint64_t tpm_final_events; /* EFI_TCG2_FINAL_EVENTS_TABLE, 0 if none */

	uint64_t tsc[ASLRBOOT_PHASE_COUNT]; /* phases the front end already timed */
	uint64_t tsc_hz;
};

#endif
