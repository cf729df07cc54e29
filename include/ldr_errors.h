/* SPDX-License-Identifier: MIT */
/*
 * The loader's error codes and diagnostics: one distinct code per check, so
 * that a test can tell which check fired.  Ground floor: header-only and
 * including only C headers, so every folder (elf/, rand/, loader/, the front
 * ends, the tools) may use it without depending on anything above it; the
 * name and text lookups are static inline for the same reason.  Add new
 * codes at the end of their group; the numeric values are not ABI but the
 * names are used in messages and tests.
 */
#ifndef LDR_ERRORS_H
#define LDR_ERRORS_H

#include <stdint.h>

#define LDR_ERRORS(X)                                                           \
	X(OK, "ok")                                                             \
	/* A. file and ELF header */                                            \
	X(E_TRUNCATED, "file shorter than an ELF64 header")                     \
	X(E_NOT_ELF, "bad ELF magic")                                           \
	X(E_CLASS, "not ELFCLASS64")                                            \
	X(E_ENDIAN, "not little-endian")                                        \
	X(E_VERSION, "bad ELF version")                                         \
	X(E_MACHINE, "wrong e_machine for this loader")                         \
	X(E_TYPE, "e_type is not ET_DYN (or relocatable ET_EXEC)")              \
	X(E_EHSIZE, "e_ehsize too small")                                       \
	/* B. program headers */                                                \
	X(E_NO_PHDRS, "no program headers")                                     \
	X(E_PHNUM_XNUM, "extended program header numbering unsupported")        \
	X(E_PHENTSIZE, "e_phentsize is not 56")                                 \
	X(E_PHDR_RANGE, "program header table outside the file")                \
	X(E_TOO_MANY_PHDRS, "too many program headers")                         \
	/* C. segments */                                                       \
	X(E_NO_LOAD, "no loadable segment")                                     \
	X(E_FILESZ, "p_filesz > p_memsz")                                       \
	X(E_SEG_FILE_RANGE, "segment file range outside the file")              \
	X(E_SEG_VADDR_RANGE, "segment address range wraps")                     \
	X(E_SEG_TOO_BIG, "segment larger than the cap")                         \
	X(E_IMAGE_TOO_BIG, "image span larger than the cap")                    \
	X(E_ALIGN, "p_align is not a power of two")                             \
	X(E_ALIGN_TOO_BIG, "p_align larger than the cap")                       \
	X(E_ALIGN_CONGRUENCE, "p_vaddr and p_offset not congruent mod p_align") \
	X(E_ALIGN_SMALL, "p_align smaller than 4 KiB")                          \
	X(E_OVERLAP, "loadable segments overlap")                               \
	X(E_PERM_SHARE, "loadable segments share a page")                       \
	X(E_ORDER, "loadable segments not in ascending p_vaddr order")          \
	X(E_WX, "segment is both writable and executable")                      \
	X(E_INTERP, "PT_INTERP present (no dynamic linker here)")               \
	X(E_TLS, "PT_TLS unsupported")                                          \
	X(E_STACK_EXEC, "PT_GNU_STACK asks for an executable stack")            \
	X(E_RELRO, "PT_GNU_RELRO not inside one writable segment")              \
	X(E_NO_SPACE, "no room for the image in memory")                        \
	X(E_PHDR_TYPE, "unknown program header type")                           \
	X(E_TOO_MANY_LOADS, "too many loadable segments")                       \
	X(E_PHDR_DUP, "program header type that must be unique repeated")       \
	/* D. dynamic section and relocations */                                \
	X(E_NO_DYNAMIC, "relocations needed but no PT_DYNAMIC")                 \
	X(E_DYN_SIZE, "bad dynamic table size")                                 \
	X(E_DYN_RANGE, "PT_DYNAMIC outside a loaded file range")                \
	X(E_DYN_UNTERMINATED, "no DT_NULL in PT_DYNAMIC")                       \
	X(E_DYN_DUP, "dynamic tag repeated with different values")              \
	X(E_DYN_INCOMPLETE, "relocation table without its size or entry size")  \
	X(E_DYN_ENTSIZE, "bad relocation or symbol entry size")                 \
	X(E_RELTAB_RANGE, "relocation table outside a loaded file range")       \
	X(E_REL_UNSUPPORTED, "DT_REL relocations unsupported")                  \
	X(E_PLTREL, "DT_PLTREL is not DT_RELA")                                 \
	X(E_NEEDED, "DT_NEEDED present (no shared libraries here)")             \
	X(E_TEXTREL, "text relocations present")                                \
	X(E_RELOC_RANGE, "relocation target outside every loaded segment")      \
	X(E_RELOC_RO, "relocation target in a read-only segment")               \
	X(E_RELOC_TYPE, "unsupported relocation type")                          \
	X(E_SYM_RANGE, "relocation symbol index out of range")                  \
	X(E_SYM_UNDEF, "relocation against an undefined symbol")                \
	X(E_RELR, "malformed RELR table")                                       \
	X(E_TOO_MANY_RELOCS, "too many relocations")                            \
	X(E_SYMTAB_RANGE, "symbol table outside a loaded file range")           \
	X(E_HASH, "malformed DT_HASH or DT_GNU_HASH table")                     \
	/* E. entry, notes, sections */                                         \
	X(E_ENTRY, "entry point not in an executable segment")                  \
	X(E_ENTRY_BSS, "entry point in the zero-filled tail of a segment")      \
	X(E_SHDR_RANGE, "section header table inconsistent")                    \
	X(E_NOTE, "malformed ELF note")                                         \
	X(E_NOTE_PARAMS, "bad aslrboot note parameters")                        \
	X(E_SECTION, "allocatable section outside its segment or permissions")  \
	X(E_SECTION_ORDER, "allocatable sections overlap or out of order")      \
	X(E_TOO_MANY_UNITS, "more placement units than the cap")                \
	X(E_LRELOC_TABLE, "malformed link-time relocation section")             \
	X(E_LRELOC_TYPE, "link-time relocation type cannot be re-applied")      \
	X(E_LRELOC_TARGET, "link-time relocation target outside every unit")    \
	X(E_LRELOC_OVERFLOW, "relocated value would not fit its field")         \
	X(E_LRELOC_FIELD, "link-time relocation disagrees with its bytes")      \
	X(E_SORTED_TABLE, "address-sorted table cannot be rebuilt")             \
	/* F. boot protocol inputs */                                           \
	X(E_MBI, "malformed multiboot information")                             \
	X(E_MEMMAP, "malformed firmware memory map")                            \
	X(E_MODULE, "bad module")                                               \
	X(E_CMDLINE, "bad command line")                                        \
	X(E_NO_KERNEL, "no kernel image")                                       \
	X(E_CONFIG, "bad configuration")                                        \
	X(E_SECURE_BOOT, "not covered by the Secure Boot signature")            \
	X(E_UNIFIED, "malformed unified-image section")                         \
	X(E_MBI_MAGIC, "bad multiboot magic in EAX")                            \
	X(E_MBI_ALIGN, "multiboot2 information not 8-byte aligned")             \
	X(E_MBI_TOTAL, "multiboot2 total_size too small or above the cap")      \
	X(E_MBI_TAG_SIZE, "multiboot2 tag smaller than its type needs")         \
	X(E_MBI_TAG_RANGE, "multiboot2 tag past total_size")                    \
	X(E_MBI_NO_END, "multiboot2 tag list without an END tag")               \
	X(E_MBI_TAG_DUP, "multiboot2 tag that must be unique repeated")         \
	X(E_MMAP_ABSENT, "no memory map from the boot loader")                  \
	X(E_MMAP_LENGTH, "memory-map buffer larger than the cap")               \
	X(E_MMAP_ENTRY_SIZE, "memory-map entry size too small")                 \
	X(E_MMAP_ENTRY_RANGE, "memory-map entry past the end of the map")       \
	X(E_MMAP_TOO_MANY, "more memory-map entries than the cap")              \
	X(E_MOD_COUNT, "more modules than the cap")                             \
	X(E_MOD_EMPTY, "module size is zero")                                   \
	X(E_MOD_ORDER, "module ends before it starts")                          \
	X(E_MOD_TOO_BIG, "module larger than the cap")                          \
	X(E_MOD_RANGE, "module outside accessible memory")                      \
	X(E_MOD_OVERLAP, "module overlaps the loader or another module")        \
	X(E_STR_RANGE, "string outside accessible memory")                      \
	/* loader core */                                                       \
	X(E_NOMEM, "out of memory")                                             \
	X(E_RANGE, "address range invalid or overflows")                        \
	X(E_LAYOUT, "layout plan inconsistent")                                 \
	X(E_PT_WX, "mapping both writable and executable refused")              \
	X(E_PT_MAP, "page-table mapping failed")                                \
	X(E_WX_VERIFY, "page-table verification failed")                        \
	X(E_HANDOFF, "boot-info block does not fit")                            \
	X(E_FIRMWARE, "firmware call failed")                                   \
	X(E_CPU, "CPU lacks a required feature")                                \
	X(E_UNSUPPORTED, "unsupported")                                         \
	X(E_HANDOFF_INPUT, "boot-info writer input inconsistent")               \
	X(E_INFO_ALIGN, "boot-info block not 8-byte aligned")                   \
	X(E_INFO_MAGIC, "boot-info magic mismatch")                             \
	X(E_INFO_VERSION, "boot-info major version unsupported")                \
	X(E_INFO_HEADER, "boot-info header_size or total_size invalid")         \
	X(E_INFO_REC_SIZE, "boot-info record size < 8 or not a multiple of 8")  \
	X(E_INFO_REC_RANGE, "boot-info record past total_size")                 \
	X(E_INFO_REC_SHORT, "boot-info record too short for its contents")      \
	X(E_INFO_END, "boot-info END record missing or not last")               \
	X(E_LINUX64_ALIGN, "linux64: image alignment above 1 GiB")              \
	X(E_E820_FULL, "linux64: more than 128 e820 entries")                   \
	X(E_BOOTPARAMS, "linux64: boot_params input inconsistent")              \
	/* rand */                                                              \
	X(E_ENTROPY, "not enough entropy for the policy")                       \
	X(E_RNG_ABSENT, "entropy source absent")                                \
	X(E_RNG_FAILED, "entropy source failed")                                \
	X(E_RNG_HEALTH, "entropy source failed a health test")                  \
	X(E_SEED_FILE, "seed file unusable")                                    \
	X(E_RNG_REPEAT, "repetition count test failed")                         \
	X(E_RNG_APT, "adaptive proportion test failed")                         \
	X(E_RNG_STUCK, "RNG word all-zero or all-ones")                         \
	X(E_SEED_TOO_SMALL, "seed file shorter than 32 bytes")                  \
	X(E_SEED_TOO_BIG, "seed file larger than 32 KiB")                       \
	X(E_SEED_READ_ONLY, "seed file not refreshable: not credited")          \
	X(E_RAND_ORDER, "entropy outputs derived out of order")                 \
	X(E_RNG_INPUT, "bad entropy input descriptor")

enum ldr_err {
#define LDR_ERR_ENUM(name, text) LDR_##name,
	LDR_ERRORS(LDR_ERR_ENUM)
#undef LDR_ERR_ENUM
		LDR_ERR_COUNT
};

/* "E_FILESZ" for LDR_E_FILESZ; "E_UNKNOWN" out of range. */
static inline const char *ldr_errname(enum ldr_err e)
{
	static const char *const names[] = {
#define LDR_ERR_NAME(name, text) #name,
		LDR_ERRORS(LDR_ERR_NAME)
#undef LDR_ERR_NAME
	};

	return (unsigned)e < LDR_ERR_COUNT ? names[e] : "E_UNKNOWN";
}

/* Short human text ("p_filesz > p_memsz"); "unknown error" out of range. */
static inline const char *ldr_strerror(enum ldr_err e)
{
	static const char *const texts[] = {
#define LDR_ERR_TEXT(name, text) text,
		LDR_ERRORS(LDR_ERR_TEXT)
#undef LDR_ERR_TEXT
	};

	return (unsigned)e < LDR_ERR_COUNT ? texts[e] : "unknown error";
}

/*
 * Where a check fired: the field and its value, for one LLVM-style line:
 *   error: kernel.elf: program header 3: p_filesz = 0x2000: p_filesz > p_memsz [E_FILESZ]
 * Parsers fill this instead of printing (errors are values).
 */
struct ldr_diag {
	enum ldr_err err;
	const char *what;  /* context, e.g. "program header" / "relocation"; may be NULL */
	int64_t index;	   /* index within `what`, -1 if none */
	const char *field; /* field name, e.g. "p_filesz"; may be NULL */
	uint64_t value;	   /* the offending value */
	uint64_t short_by; /* E_NO_SPACE: bytes missing, 0 if not known */
};

/* Record err/field/value in *d (if d != NULL) and return err. */
static inline enum ldr_err ldr_fail(struct ldr_diag *d, enum ldr_err err, const char *what,
				    int64_t index, const char *field, uint64_t value)
{
	if (d) {
		d->err = err;
		d->what = what;
		d->index = index;
		d->field = field;
		d->value = value;
		d->short_by = 0;
	}
	return err;
}

#endif
