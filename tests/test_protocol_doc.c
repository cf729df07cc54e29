/* SPDX-License-Identifier: MIT */
/* PROTOCOL.md stays true to include/aslrboot.h and the caps in the headers:
 * every record type, struct size, enum value and cap the document states is
 * regenerated here from the C definitions and looked up in the text.  Runs
 * from the repository root, as `make test` does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "loader/handoff/handoff.h"
#include "rand/rand.h"

static char *flat; /* PROTOCOL.md with newlines as spaces: prose wraps */

static void load(void)
{
	FILE *f = fopen("PROTOCOL.md", "rb");
	long n;

	if (!f)
		return;
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) > 0 && !fseek(f, 0, SEEK_SET) &&
	    (flat = calloc(1, (size_t)n + 1)) && fread(flat, 1, (size_t)n, f) == (size_t)n)
		for (long i = 0; i < n; i++)
			if (flat[i] == '\n')
				flat[i] = ' ';
	fclose(f);
}

static void has(const char *s, int line)
{
	if (!flat || !strstr(flat, s))
		harness_fail(__FILE__, line, "PROTOCOL.md lacks \"%s\"", s);
}
#define HAS(...)                                       \
	do {                                           \
		char s_[256];                          \
		snprintf(s_, sizeof(s_), __VA_ARGS__); \
		has(s_, __LINE__);                     \
	} while (0)

#define REC(name, st)                                              \
	{                                                          \
#name, ASLRBOOT_REC_##name, #st, sizeof(struct st) \
	}

static void test_records(void)
{
	static const struct {
		const char *name;
		int type;
		const char *st;
		size_t size;
	} r[] = {
		REC(LOADER, aslrboot_rec_loader),   REC(SEED, aslrboot_rec_seed),
		REC(ENTROPY, aslrboot_rec_entropy), REC(MEMMAP, aslrboot_rec_memmap),
		REC(LAYOUT, aslrboot_rec_layout),   REC(CMDLINE, aslrboot_rec_cmdline),
		REC(MODULE, aslrboot_rec_module),   REC(ACPI_RSDP, aslrboot_rec_acpi),
		REC(UNITS, aslrboot_rec_units),	    REC(MEASURE, aslrboot_rec_measure),
	};

	REQUIRE(flat);
	for (size_t i = 0; i < sizeof(r) / sizeof(r[0]); i++)
		HAS("`ASLRBOOT_REC_%s` (%d): `struct %s` (%zu bytes)", r[i].name, r[i].type,
		    r[i].st, r[i].size);
	HAS("`ASLRBOOT_REC_END` (%d)", ASLRBOOT_REC_END);
	HAS("`ASLRBOOT_REC_TIMINGS` (%d): `struct aslrboot_rec_timings` (%zu + 8 × count bytes)",
	    ASLRBOOT_REC_TIMINGS, offsetof(struct aslrboot_rec_timings, tsc));
	HAS("`struct aslrboot_info` (%zu bytes)", sizeof(struct aslrboot_info));
	HAS("`struct aslrboot_record` (%zu bytes)", sizeof(struct aslrboot_record));
	HAS("`struct aslrboot_region` (%zu bytes)", sizeof(struct aslrboot_region));
	HAS("`struct aslrboot_note_params` (%zu bytes)", sizeof(struct aslrboot_note_params));
	HAS("Entries are the %zu-byte `struct aslrboot_entropy_entry`",
	    sizeof(struct aslrboot_entropy_entry));
	HAS("| %zu | `uint32_t entry_size` | bytes per entry (%zu in %d.%d); step by this.",
	    offsetof(struct aslrboot_rec_entropy, entry_size),
	    sizeof(struct aslrboot_entropy_entry), ASLRBOOT_VERSION_MAJOR, ASLRBOOT_VERSION_MINOR);
	HAS("| %zu | `uint32_t entry_size` | bytes per entry (%zu in 1.0); step by this |",
	    offsetof(struct aslrboot_rec_memmap, entry_size), sizeof(struct aslrboot_mmap_entry));
	HAS("| 1.1 | ENTROPY record");
	HAS("| 1.2 | Header (§6.1): grew from %d to %zu bytes, with `machine`",
	    ASLRBOOT_INFO_SIZE_1_0, sizeof(struct aslrboot_info));
	HAS("| 1.3 | Section granularity (§13): the note flag `ASLRBOOT_NOTE_F_SECTIONS`");
	HAS("| %d.%d | Secure Boot and measured boot: the header flags "
	    "`ASLRBOOT_INFO_F_SECURE_BOOT` (%u) and `ASLRBOOT_INFO_F_UNIFIED` (%u), and the MEASURE "
	    "record (§7.12, type %d",
	    ASLRBOOT_VERSION_MAJOR, ASLRBOOT_VERSION_MINOR, ASLRBOOT_INFO_F_SECURE_BOOT,
	    ASLRBOOT_INFO_F_UNIFIED, ASLRBOOT_REC_MEASURE);
	HAS("Entry, `struct aslrboot_measurement` (%zu bytes)",
	    sizeof(struct aslrboot_measurement));
	HAS("| %zu | `uint32_t entry_size` | bytes per entry (%zu in %d.%d); step by this |",
	    offsetof(struct aslrboot_rec_measure, entry_size), sizeof(struct aslrboot_measurement),
	    ASLRBOOT_VERSION_MAJOR, ASLRBOOT_VERSION_MINOR);
	HAS("| %zu | `char description[64]` |", offsetof(struct aslrboot_measurement, description));
	HAS("| %zu | `uint64_t final_events` |",
	    offsetof(struct aslrboot_rec_measure, final_events));
	HAS("`ASLRBOOT_TCG_EV_IPL` (%d)", ASLRBOOT_TCG_EV_IPL);
	HAS("`ASLRBOOT_MEAS_EXTENDED` (%d)", ASLRBOOT_MEAS_EXTENDED);
	HAS("`ASLRBOOT_MEAS_FAILED` (%d)", ASLRBOOT_MEAS_FAILED);
	HAS("`ASLRBOOT_MEASURE_F_LOG_TRUNCATED` (%u)", ASLRBOOT_MEASURE_F_LOG_TRUNCATED);
	HAS("Unit, `struct aslrboot_unit` (%zu bytes)", sizeof(struct aslrboot_unit));
	HAS("| %zu | `uint32_t entry_size` | bytes per unit (%zu in 1.3); step by this |",
	    offsetof(struct aslrboot_rec_units, entry_size), sizeof(struct aslrboot_unit));
	HAS("| %zu | `uint32_t granularity` | `ASLRBOOT_GRANULARITY_SEGMENT` (%d) or "
	    "`ASLRBOOT_GRANULARITY_SECTION` (%d) |",
	    offsetof(struct aslrboot_rec_units, granularity), ASLRBOOT_GRANULARITY_SEGMENT,
	    ASLRBOOT_GRANULARITY_SECTION);
	HAS("| %zu | `uint32_t virt_entropy_mbits` | 1000 × log2(virtual slots the unit",
	    offsetof(struct aslrboot_unit, virt_entropy_mbits));
	HAS("| %zu | `uint32_t machine` | the architecture, as ELF `e_machine`: "
	    "`ASLRBOOT_MACHINE_X86_64` (%d) or `ASLRBOOT_MACHINE_AARCH64` (%d)",
	    offsetof(struct aslrboot_info, machine), ASLRBOOT_MACHINE_X86_64,
	    ASLRBOOT_MACHINE_AARCH64);
	HAS("**`e_machine` = `EM_AARCH64` (%d)**", ASLRBOOT_MACHINE_AARCH64);
	HAS("`machine` = `ASLRBOOT_MACHINE_AARCH64` (%d)", ASLRBOOT_MACHINE_AARCH64);
	HAS("Read `machine` only if `header_size >= %zu`", sizeof(struct aslrboot_info));
	HAS("(%zu in 1.0)", sizeof(struct aslrboot_mmap_entry));
	HAS("(%zu in 1.1, 56 in 1.0)", sizeof(struct aslrboot_region));
	HAS("`ASLRBOOT_PHASE_COUNT` = %d in 1.0", ASLRBOOT_PHASE_COUNT);
	HAS("`ASLRBOOT_MAGIC` = `0x%016llx`", (unsigned long long)ASLRBOOT_MAGIC);
	HAS("Protocol revision **%d.%d**", ASLRBOOT_VERSION_MAJOR, ASLRBOOT_VERSION_MINOR);
}

#define V(prefix, name) "`" #name "` %d", prefix##name

static void test_enums(void)
{
	REQUIRE(flat);
	HAS(V(ASLRBOOT_RGN_, KERNEL_SEGMENT));
	HAS(V(ASLRBOOT_RGN_, STACK));
	HAS(V(ASLRBOOT_RGN_, GUARD));
	HAS(V(ASLRBOOT_RGN_, HEAP));
	HAS(V(ASLRBOOT_RGN_, BOOT_INFO));
	HAS(V(ASLRBOOT_RGN_, PAGE_TABLES));
	HAS(V(ASLRBOOT_RGN_, DIRECT_MAP));
	HAS(V(ASLRBOOT_RGN_, TRAMPOLINE));
	HAS(V(ASLRBOOT_RGN_, KERNEL_SECTION));
	HAS("`ASLRBOOT_NOTE_F_SECTIONS` (%u): place every allocatable section",
	    ASLRBOOT_NOTE_F_SECTIONS);
	HAS("`MODULE` %d (reserved: never produced", ASLRBOOT_RGN_MODULE);
	HAS(V(ASLRBOOT_SRC_, RDSEED));
	HAS(V(ASLRBOOT_SRC_, RDRAND));
	HAS(V(ASLRBOOT_SRC_, EFI_RNG));
	HAS(V(ASLRBOOT_SRC_, SEED_FILE));
	HAS(V(ASLRBOOT_SRC_, JITTER));
	HAS(V(ASLRBOOT_SRC_, RNDR));
	HAS(V(ASLRBOOT_SRC_, FIXED));
	HAS(V(ASLRBOOT_SRC_, TPM));
	HAS(V(ASLRBOOT_PHASE_, ENTRY));
	HAS(V(ASLRBOOT_PHASE_, FW_EXIT));
	HAS(V(ASLRBOOT_PHASE_, KERNEL_ENTRY));
	HAS("`ASLRBOOT_ENT_OK` %d", ASLRBOOT_ENT_OK);
	HAS(V(ASLRBOOT_ENT_, ABSENT));
	HAS(V(ASLRBOOT_ENT_, FAILED));
	HAS(V(ASLRBOOT_ENT_, UNHEALTHY));
	HAS(V(ASLRBOOT_ENT_, DISTRUSTED));
	HAS(V(ASLRBOOT_ENT_, UNCREDITED));
	HAS("| `USABLE` | %d |", ASLRBOOT_MEM_USABLE);
	HAS("| `LOADER_RECLAIMABLE` | %d |", ASLRBOOT_MEM_LOADER_RECLAIMABLE);
	HAS("| `KERNEL` | %d |", ASLRBOOT_MEM_KERNEL);
	HAS("| `FIRMWARE_RUNTIME` | %d |", ASLRBOOT_MEM_FIRMWARE_RUNTIME);
	HAS("`ASLRBOOT_PROT_R` %u \\| `_W` %u \\| `_X` %u", ASLRBOOT_PROT_R, ASLRBOOT_PROT_W,
	    ASLRBOOT_PROT_X);
	HAS("`ASLRBOOT_INFO_F_ASLR_OFF` (%u), `_VERBOSE` (%u", ASLRBOOT_INFO_F_ASLR_OFF,
	    ASLRBOOT_INFO_F_VERBOSE);
	HAS("`ASLRBOOT_SEED_F_WEAK` (%u)", ASLRBOOT_SEED_F_WEAK);
	HAS("`ASLRBOOT_SEED_F_FIXED` (%u)", ASLRBOOT_SEED_F_FIXED);
	HAS("`ASLRBOOT_NOTE_TYPE_PARAMS` (%d)", ASLRBOOT_NOTE_TYPE_PARAMS);
}

static void test_caps(void)
{
	REQUIRE(flat);
	HAS("| Program headers | %d |", ELF_MAX_PHDRS);
	HAS("| Loadable segments | %d |", ELF_MAX_LOAD);
	HAS("| One segment | %llu GiB |", (unsigned long long)(ELF_MAX_SEG_SIZE >> 30));
	HAS("| Image span | %llu GiB |", (unsigned long long)(ELF_MAX_IMAGE_SPAN >> 30));
	HAS("| `p_align` | %llu MiB |", (unsigned long long)(ELF_MAX_ALIGN >> 20));
	HAS("| 2^%d |", __builtin_ctzll(ELF_MAX_RELOCS));
	HAS("| Stack | default %llu KiB, max %llu MiB |",
	    (unsigned long long)(LAYOUT_DEFAULT_STACK >> 10),
	    (unsigned long long)(LAYOUT_MAX_STACK >> 20));
	HAS("| Heap | default %llu MiB, max %llu GiB |",
	    (unsigned long long)(LAYOUT_DEFAULT_HEAP >> 20),
	    (unsigned long long)(LAYOUT_MAX_HEAP >> 30));
	HAS("| %d below, %d above |", LAYOUT_GUARD_PAGES, LAYOUT_GUARD_PAGES);
	HAS("`LAYOUT_GUARD_PAGES` (%d)", LAYOUT_GUARD_PAGES);
	HAS("| Layout regions | %d |", LAYOUT_MAX_REGIONS);
	HAS("| Placement units (section granularity) | %d | `ELF_MAX_SECTION_UNITS`",
	    ELF_MAX_SECTION_UNITS);
	HAS("More than `ELF_MAX_SECTION_UNITS` (%d) units", ELF_MAX_SECTION_UNITS);
	HAS("| Boot-info block | %llu MiB |", (unsigned long long)(LAYOUT_MAX_INFO >> 20));
	HAS("| %d raw, %d after normalization |", BOOT_MAX_MMAP, MEMMAP_MAX);
	HAS("| Modules | %d, besides the kernel | `BOOT_MAX_MODULES` (Multiboot: `E_MOD_COUNT`",
	    BOOT_MAX_MODULES);
	HAS("| %d bytes | `BOOT_MAX_CMDLINE`", BOOT_MAX_CMDLINE);
	HAS("| Entropy entries | %d |", HANDOFF_MAX_ENTROPY);
	HAS("`[0x%016llx, 0x%016llx)`", (unsigned long long)LAYOUT_VWIN_LO,
	    (unsigned long long)LAYOUT_VWIN_HI);
	HAS("`LAYOUT_FIXED_KERNEL_VA` (`0x%016llx`", (unsigned long long)LAYOUT_FIXED_KERNEL_VA);
	HAS("0 = default **%llu KiB**", (unsigned long long)(LAYOUT_DEFAULT_STACK >> 10));
	HAS("0 = default **%llu MiB**", (unsigned long long)(LAYOUT_DEFAULT_HEAP >> 20));
}

/* §8: the entropy numbers, from rand/collect.h. */
static void test_seed_section(void)
{
	REQUIRE(flat);
	HAS("| %d words, 64-bit form only, at most %d tries each with `PAUSE` | up to %d bits |",
	    RAND_CPU_WORDS, RAND_RDSEED_TRIES, RAND_CPU_CREDIT);
	HAS("at most %d tries per word | up to %d bits |", RAND_RDRAND_TRIES, RAND_CPU_CREDIT);
	HAS("%d B to %d KiB (§8.2) | up to %d bits |", RAND_SEED_FILE_MIN, RAND_SEED_FILE_MAX >> 10,
	    RAND_STRONG_BITS);
	HAS("| %d TSC samples | never |", RAND_JITTER_SAMPLES);
	HAS("exactly when `credited_bits < %d`", RAND_STRONG_BITS);
	HAS("overwrite the %d `seed` bytes", ASLRBOOT_SEED_BYTES);
}

int main(void)
{
	load();
	if (!flat)
		printf("cannot read PROTOCOL.md: run from the repository root\n");
	RUN(test_records);
	RUN(test_enums);
	RUN(test_caps);
	RUN(test_seed_section);
	free(flat);
	return harness_done();
}
