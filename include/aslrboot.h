/* SPDX-License-Identifier: MIT */
/*
 * aslrboot.h - the public boot-info ABI between aslrboot and the kernel it
 * loads.  PROTOCOL.md is the prose version of this file; change both in the
 * same commit.
 *
 * The block is self-describing: a fixed header followed by 8-byte-aligned
 * records {type, size}, ending with an ASLRBOOT_REC_END record.  A reader
 * checks magic and the major version, starts at offset header_size, walks
 * records by `size` (which includes the record header and is a multiple of
 * 8), skips types it does not know, and steps through tables by their
 * entry_size.  loader/handoff_read.c is a freestanding reader to copy.
 * New record types, new fields at the end of a record, larger table entries
 * and reserved fields given a meaning (0 keeping its old one) are minor
 * revisions; anything else bumps the major version (PROTOCOL.md section 9).
 *
 * Only <stdint.h> is needed; the header is valid C11 and C++11.
 */
#ifndef ASLRBOOT_H
#define ASLRBOOT_H

#include <stdint.h>

#define ASLRBOOT_MAGIC UINT64_C(0x544f4f42524c5341) /* "ASLRBOOT" in memory */
#define ASLRBOOT_VERSION_MAJOR 1
#define ASLRBOOT_VERSION_MINOR 4
#define ASLRBOOT_VERSION ((ASLRBOOT_VERSION_MAJOR << 16) | ASLRBOOT_VERSION_MINOR)

/* Header at the start of the boot-info block (RDI on x86-64, x0 on arm64). */
struct aslrboot_info {
	uint64_t magic;	      /* ASLRBOOT_MAGIC */
	uint32_t version;     /* major << 16 | minor */
	uint32_t header_size; /* sizeof(struct aslrboot_info) for this version */
	uint32_t total_size;  /* header + all records, including END */
	uint32_t flags;	      /* ASLRBOOT_INFO_F_* */
	uint64_t info_phys;   /* physical address of this block */
	/* Since 1.2; a reader reads it only if header_size >= 40. */
	uint32_t machine;  /* ELF e_machine of the CPU: ASLRBOOT_MACHINE_* */
	uint32_t reserved; /* 0 */
};

/* header_size of a 1.0 or 1.1 block (no machine field), the smallest valid. */
#define ASLRBOOT_INFO_SIZE_1_0 32

/* The machine field: the architecture aslrboot ran on and entered the kernel
 * on, as ELF e_machine (the kernel image has the same value). */
#define ASLRBOOT_MACHINE_X86_64 62   /* EM_X86_64 */
#define ASLRBOOT_MACHINE_AARCH64 183 /* EM_AARCH64 */

#define ASLRBOOT_INFO_F_ASLR_OFF (1u << 0)  /* fixed placement was requested */
#define ASLRBOOT_INFO_F_VERBOSE (1u << 1)   /* loader ran in verbose mode */
#define ASLRBOOT_INFO_F_UEFI (1u << 2)	    /* booted from UEFI (boot services exited) */
#define ASLRBOOT_INFO_F_MULTIBOOT (1u << 3) /* booted through Multiboot 1 or 2 */
/* Since 1.4: UEFI Secure Boot was on (enabled, not in setup mode), so the
 * kernel, modules and configuration all came from aslrboot's own signed
 * image (PROTOCOL.md, Secure Boot). */
#define ASLRBOOT_INFO_F_SECURE_BOOT (1u << 4)
/* Since 1.4: the kernel came from aslrboot's own image (a unified image
 * built by aslrboot-unify), not from a file on the boot volume. */
#define ASLRBOOT_INFO_F_UNIFIED (1u << 5)

/* Every record starts with this; size includes it and is a multiple of 8. */
struct aslrboot_record {
	uint32_t type;
	uint32_t size;
};

enum aslrboot_record_type {
	ASLRBOOT_REC_END = 0,
	ASLRBOOT_REC_LOADER = 1,  /* struct aslrboot_rec_loader */
	ASLRBOOT_REC_SEED = 2,	  /* struct aslrboot_rec_seed */
	ASLRBOOT_REC_MEMMAP = 3,  /* struct aslrboot_rec_memmap + entries */
	ASLRBOOT_REC_LAYOUT = 4,  /* struct aslrboot_rec_layout + regions */
	ASLRBOOT_REC_CMDLINE = 5, /* struct aslrboot_rec_cmdline + NUL-terminated bytes */
	ASLRBOOT_REC_MODULE =
		6, /* struct aslrboot_rec_module + NUL-terminated string; one per module */
	ASLRBOOT_REC_ACPI_RSDP = 7, /* struct aslrboot_rec_acpi */
	ASLRBOOT_REC_TIMINGS = 8,   /* struct aslrboot_rec_timings */
	ASLRBOOT_REC_ENTROPY = 9,   /* struct aslrboot_rec_entropy + per-source entries */
	ASLRBOOT_REC_UNITS = 10,    /* struct aslrboot_rec_units + entries (since 1.3) */
	ASLRBOOT_REC_MEASURE = 11,  /* struct aslrboot_rec_measure + entries (since 1.4) */
};

struct aslrboot_rec_loader {
	struct aslrboot_record hdr;
	char name[16];	  /* "aslrboot", NUL-padded */
	char version[32]; /* loader version string, NUL-padded (always NUL-terminated) */
};

/* Entropy source identifiers; also bit numbers in the seed record's masks. */
enum aslrboot_entropy_source {
	ASLRBOOT_SRC_RDSEED = 0,
	ASLRBOOT_SRC_RDRAND = 1,
	ASLRBOOT_SRC_EFI_RNG = 2,
	ASLRBOOT_SRC_SEED_FILE = 3,
	ASLRBOOT_SRC_JITTER = 4, /* TSC timing samples; never credited */
	ASLRBOOT_SRC_RNDR = 5,	 /* arm64 */
	ASLRBOOT_SRC_FIXED = 6,	 /* seed=... debug option, alone: NOT random; UNCREDITED, 0 bits */
	ASLRBOOT_SRC_TPM = 7,	 /* TPM2_GetRandom (UEFI with a TPM, since 1.4); never credited */
	ASLRBOOT_SRC_COUNT = 8,
};

#define ASLRBOOT_SEED_F_WEAK (1u << 0)	/* credited_bits < 256 */
#define ASLRBOOT_SEED_F_FIXED (1u << 1) /* a fixed debug seed was used: no entropy at all */
#define ASLRBOOT_SEED_BYTES 64

/*
 * A seed for the kernel's own RNG, derived from the loader's pool by domain
 * separation: it reveals nothing about the layout.  Use it, then wipe it.
 */
struct aslrboot_rec_seed {
	struct aslrboot_record hdr;
	uint32_t sources_used;	 /* bit (1 << ASLRBOOT_SRC_*) per source mixed in */
	uint32_t sources_failed; /* bit per source whose entry is FAILED or UNHEALTHY */
	uint32_t credited_bits;	 /* sum of credits of healthy sources, capped at 512 */
	uint32_t flags;		 /* ASLRBOOT_SEED_F_* */
	uint8_t seed[ASLRBOOT_SEED_BYTES];
};

/* Per-source detail, for logs and audits. */
struct aslrboot_entropy_entry {
	uint32_t source;	/* ASLRBOOT_SRC_* */
	uint32_t status;	/* ASLRBOOT_ENT_* */
	uint32_t bytes;		/* bytes mixed in */
	uint32_t credited_bits; /* bits credited from this source */
};

enum aslrboot_entropy_status {
	ASLRBOOT_ENT_OK = 0,
	ASLRBOOT_ENT_ABSENT = 1,     /* not offered by CPU/firmware */
	ASLRBOOT_ENT_FAILED = 2,     /* present, failed to deliver (retries exhausted) */
	ASLRBOOT_ENT_UNHEALTHY = 3,  /* disabled by a health test */
	ASLRBOOT_ENT_DISTRUSTED = 4, /* mixed in but not credited by policy */
	ASLRBOOT_ENT_UNCREDITED = 5, /* mixed in, credited 0 by design (jitter, read-only
				      * seed file, fixed seed) */
};

struct aslrboot_rec_entropy {
	struct aslrboot_record hdr;
	uint32_t count;	     /* struct aslrboot_entropy_entry entries that follow */
	uint32_t entry_size; /* bytes per entry, step by this; since 1.1 (0 in a 1.0 block: 16) */
};

enum aslrboot_mem_type {
	ASLRBOOT_MEM_USABLE = 1,
	ASLRBOOT_MEM_RESERVED = 2,
	ASLRBOOT_MEM_ACPI_RECLAIMABLE = 3,
	ASLRBOOT_MEM_ACPI_NVS = 4,
	ASLRBOOT_MEM_BAD = 5,
	ASLRBOOT_MEM_LOADER_RECLAIMABLE =
		6,		 /* aslrboot's own code/data; free once the boot info is consumed */
	ASLRBOOT_MEM_KERNEL = 7, /* kernel image, stack, heap, page tables, boot info */
	ASLRBOOT_MEM_MODULE = 8,
	ASLRBOOT_MEM_FIRMWARE_RUNTIME = 9, /* UEFI runtime services code/data */
};

struct aslrboot_mmap_entry {
	uint64_t base;
	uint64_t length;
	uint32_t type; /* enum aslrboot_mem_type */
	uint32_t reserved;
};

struct aslrboot_rec_memmap {
	struct aslrboot_record hdr;
	uint32_t count;
	uint32_t entry_size; /* sizeof(struct aslrboot_mmap_entry); step by this */
	/* struct aslrboot_mmap_entry entries[count]; sorted, non-overlapping */
};

enum aslrboot_region_kind {
	ASLRBOOT_RGN_KERNEL_SEGMENT = 1, /* one per PT_LOAD of the kernel */
	ASLRBOOT_RGN_STACK = 2,
	ASLRBOOT_RGN_GUARD = 3, /* unmapped on purpose */
	ASLRBOOT_RGN_HEAP = 4,
	ASLRBOOT_RGN_BOOT_INFO = 5,
	ASLRBOOT_RGN_PAGE_TABLES = 6,
	ASLRBOOT_RGN_DIRECT_MAP =
		7, /* every RAM-like page (type not RESERVED/BAD) at virt + phys */
	ASLRBOOT_RGN_TRAMPOLINE = 8, /* identity-mapped (virt == phys) loader page, RX */
	ASLRBOOT_RGN_MODULE = 9,     /* reserved, never produced: modules are in the direct map */
	ASLRBOOT_RGN_KERNEL_SECTION = 10, /* one per placement unit at section granularity (1.3) */
};

#define ASLRBOOT_PROT_R (1u << 0)
#define ASLRBOOT_PROT_W (1u << 1)
#define ASLRBOOT_PROT_X (1u << 2)

struct aslrboot_region {
	uint64_t virt; /* first mapped byte (page aligned) */
	uint64_t phys; /* first backing byte; 0 for GUARD and DIRECT_MAP (physical 0 is at virt) */
	uint64_t size; /* bytes, page multiple */
	uint32_t kind; /* enum aslrboot_region_kind */
	uint32_t prot; /* ASLRBOOT_PROT_* as mapped; 0 for GUARD */
	uint32_t virt_entropy_mbits; /* 1000 * log2(virtual slots it was chosen from) */
	uint32_t phys_entropy_mbits; /* 1000 * log2(physical slots it was chosen from) */
	char name[16];	/* "text", "rodata", "data", "stack", ... NUL-padded (<= 15 chars) */
	uint32_t flags; /* ASLRBOOT_RGN_F_* */
	uint32_t reserved;
};

/* Memory was tight: the physical placement was forced to the one slot that
 * left room for the other regions (phys_entropy_mbits is 0). */
#define ASLRBOOT_RGN_F_PACKED (1u << 0)

struct aslrboot_rec_layout {
	struct aslrboot_record hdr;
	uint32_t count;
	uint32_t entry_size;	   /* sizeof(struct aslrboot_region) */
	uint64_t kernel_slide;	   /* runtime virtual address - link address */
	uint64_t kernel_link_base; /* lowest PT_LOAD p_vaddr (page aligned) */
	uint64_t cr3;		   /* physical address of the top-level table */
				   /* struct aslrboot_region regions[count]; */
};

struct aslrboot_rec_cmdline {
	struct aslrboot_record hdr;
	uint32_t length; /* bytes before the NUL */
	uint32_t reserved;
	/* char cmdline[length + 1]; */
};

struct aslrboot_rec_module {
	struct aslrboot_record hdr;
	uint64_t phys; /* page aligned */
	uint64_t virt; /* address in the direct map */
	uint64_t size;
	uint32_t string_length;
	uint32_t reserved;
	/* char string[string_length + 1]; the module's name/command line */
};

struct aslrboot_rec_acpi {
	struct aslrboot_record hdr;
	uint64_t rsdp_phys;
	uint32_t revision; /* 0: ACPI 1.0 RSDP, 2: XSDP */
	uint32_t reserved;
};

enum aslrboot_phase {
	ASLRBOOT_PHASE_ENTRY = 0,     /* loader entry */
	ASLRBOOT_PHASE_FILE_READ = 1, /* kernel, modules and config read */
	ASLRBOOT_PHASE_ENTROPY = 2,
	ASLRBOOT_PHASE_VALIDATE = 3,
	ASLRBOOT_PHASE_PLAN = 4,
	ASLRBOOT_PHASE_COPY = 5,
	ASLRBOOT_PHASE_RELOCATE = 6,
	ASLRBOOT_PHASE_PAGE_TABLES = 7,
	ASLRBOOT_PHASE_FW_EXIT = 8,
	ASLRBOOT_PHASE_KERNEL_ENTRY = 9, /* last TSC read before the jump */
	ASLRBOOT_PHASE_COUNT = 10,
};

struct aslrboot_rec_timings {
	struct aslrboot_record hdr;
	uint32_t count; /* ASLRBOOT_PHASE_COUNT for this version */
	uint32_t reserved;
	uint64_t tsc_hz; /* 0 if unknown */
	uint64_t tsc
		[ASLRBOOT_PHASE_COUNT]; /* serialized RDTSC at the end of each phase; 0 = not measured */
};

/*
 * Placement units (since 1.3): where each piece of the kernel's link-address
 * space runs.  At segment granularity a unit is a loadable segment's page
 * span and every unit has the same offset virt - link; at section
 * granularity (the note's ASLRBOOT_NOTE_F_SECTIONS) a unit is one
 * allocatable section, placed on its own.  A link address x inside
 * [link, link + size) runs at virt + (x - link).  Sorted by link.
 */
#define ASLRBOOT_GRANULARITY_SEGMENT 1
#define ASLRBOOT_GRANULARITY_SECTION 2

struct aslrboot_unit {
	uint64_t link;		     /* link-time address of the first byte */
	uint64_t size;		     /* bytes (not rounded) */
	uint64_t virt;		     /* run-time address of that byte */
	uint64_t phys;		     /* physical address of that byte */
	uint32_t prot;		     /* ASLRBOOT_PROT_* as mapped */
	uint32_t index;		     /* section header index, or segment index */
	uint32_t virt_entropy_mbits; /* 1000 * log2(virtual slots it was chosen from) */
	uint32_t reserved;
};

struct aslrboot_rec_units {
	struct aslrboot_record hdr;
	uint32_t count;
	uint32_t entry_size;  /* sizeof(struct aslrboot_unit) */
	uint32_t granularity; /* ASLRBOOT_GRANULARITY_* */
	uint32_t reserved;
	/* struct aslrboot_unit units[count]; */
};

/*
 * Measured boot (since 1.4, UEFI only, written when the firmware offers
 * EFI_TCG2_PROTOCOL with a TPM present): what aslrboot hashed, extended into
 * a PCR and logged before using it, in that order.  The digests are SHA-256
 * of exactly the bytes used; PROTOCOL.md lists which input goes to which PCR.
 */
#define ASLRBOOT_TCG_EV_IPL 0x0000000d /* TCG event type of every entry */

#define ASLRBOOT_MEAS_EXTENDED 0 /* hashed, extended into `pcr` and logged */
#define ASLRBOOT_MEAS_FAILED 1	 /* the firmware refused: `pcr` does not hold it */

struct aslrboot_measurement {
	uint32_t pcr;
	uint32_t event_type; /* ASLRBOOT_TCG_EV_IPL */
	uint32_t status;     /* ASLRBOOT_MEAS_* */
	uint32_t reserved;
	uint64_t size;	      /* bytes hashed */
	uint64_t ticks;	      /* timestamp ticks hashing, extending and logging took */
	uint8_t sha256[32];   /* SHA-256 of the `size` bytes */
	char description[64]; /* the event data logged, NUL-terminated */
};

#define ASLRBOOT_MEASURE_F_LOG_TRUNCATED (1u << 0) /* the firmware's log overflowed */

struct aslrboot_rec_measure {
	struct aslrboot_record hdr;
	uint32_t count;
	uint32_t entry_size; /* sizeof(struct aslrboot_measurement) */
	/* A copy of the firmware's TCG2 event log (crypto-agile format), taken
	 * after the last entry here; 0/0 if the firmware gave none.  Events the
	 * firmware logs later (ExitBootServices) are in its final-events table. */
	uint64_t event_log;	 /* physical address */
	uint64_t event_log_size; /* bytes */
	uint64_t final_events;	 /* physical address of EFI_TCG2_FINAL_EVENTS_TABLE, 0 if none */
	uint32_t flags;		 /* ASLRBOOT_MEASURE_F_* */
	uint32_t reserved;
	/* struct aslrboot_measurement entries[count]; */
};

/* The ELF note a kernel may carry: PT_NOTE, name "aslrboot", type 1. */
#define ASLRBOOT_NOTE_NAME "aslrboot"
#define ASLRBOOT_NOTE_TYPE_PARAMS 1
struct aslrboot_note_params {
	uint32_t version;    /* 1 */
	uint32_t flags;	     /* ASLRBOOT_NOTE_F_*; other bits must be 0 */
	uint64_t stack_size; /* 0: default (64 KiB) */
	uint64_t heap_size;  /* 0: default (1 MiB) */
};

/* Place every allocatable section on its own; the image must keep its
 * link-time relocations (linked with --emit-relocs), else it is placed by
 * segment with a warning. */
#define ASLRBOOT_NOTE_F_SECTIONS (1u << 0)

#define ASLRBOOT_STATIC_ASSERT(c, m) _Static_assert(c, m)
#ifndef __cplusplus
ASLRBOOT_STATIC_ASSERT(sizeof(struct aslrboot_info) == 40, "info header");
ASLRBOOT_STATIC_ASSERT(__builtin_offsetof(struct aslrboot_info, machine) == ASLRBOOT_INFO_SIZE_1_0,
		       "machine offset");
ASLRBOOT_STATIC_ASSERT(sizeof(struct aslrboot_record) == 8, "record header");
ASLRBOOT_STATIC_ASSERT(sizeof(struct aslrboot_rec_loader) == 56, "loader record");
ASLRBOOT_STATIC_ASSERT(sizeof(struct aslrboot_rec_seed) == 88, "seed record");
ASLRBOOT_STATIC_ASSERT(sizeof(struct aslrboot_entropy_entry) == 16, "entropy entry");
ASLRBOOT_STATIC_ASSERT(sizeof(struct aslrboot_rec_entropy) == 16, "entropy record");
ASLRBOOT_STATIC_ASSERT(sizeof(struct aslrboot_mmap_entry) == 24, "mmap entry");
ASLRBOOT_STATIC_ASSERT(sizeof(struct aslrboot_rec_memmap) == 16, "memmap record");
ASLRBOOT_STATIC_ASSERT(sizeof(struct aslrboot_region) == 64, "region");
ASLRBOOT_STATIC_ASSERT(sizeof(struct aslrboot_rec_layout) == 40, "layout record");
ASLRBOOT_STATIC_ASSERT(sizeof(struct aslrboot_rec_cmdline) == 16, "cmdline record");
ASLRBOOT_STATIC_ASSERT(sizeof(struct aslrboot_rec_module) == 40, "module record");
ASLRBOOT_STATIC_ASSERT(sizeof(struct aslrboot_rec_acpi) == 24, "acpi record");
ASLRBOOT_STATIC_ASSERT(sizeof(struct aslrboot_rec_timings) == 24 + 8 * ASLRBOOT_PHASE_COUNT,
		       "timings record");
ASLRBOOT_STATIC_ASSERT(sizeof(struct aslrboot_note_params) == 24, "note params");
ASLRBOOT_STATIC_ASSERT(sizeof(struct aslrboot_unit) == 48, "unit");
ASLRBOOT_STATIC_ASSERT(sizeof(struct aslrboot_rec_units) == 24, "units record");
ASLRBOOT_STATIC_ASSERT(sizeof(struct aslrboot_measurement) == 128, "measurement");
ASLRBOOT_STATIC_ASSERT(sizeof(struct aslrboot_rec_measure) == 48, "measure record");
ASLRBOOT_STATIC_ASSERT(__builtin_offsetof(struct aslrboot_info, total_size) == 16,
		       "total_size offset");
ASLRBOOT_STATIC_ASSERT(__builtin_offsetof(struct aslrboot_rec_seed, seed) == 24, "seed offset");
ASLRBOOT_STATIC_ASSERT(__builtin_offsetof(struct aslrboot_region, name) == 40,
		       "region name offset");
ASLRBOOT_STATIC_ASSERT(__builtin_offsetof(struct aslrboot_rec_layout, cr3) == 32, "cr3 offset");
ASLRBOOT_STATIC_ASSERT(__builtin_offsetof(struct aslrboot_rec_entropy, entry_size) == 12,
		       "entropy entry_size offset");
ASLRBOOT_STATIC_ASSERT(__builtin_offsetof(struct aslrboot_rec_memmap, entry_size) == 12,
		       "memmap entry_size offset");
#endif

#endif /* ASLRBOOT_H */
