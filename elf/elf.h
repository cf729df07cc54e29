/* SPDX-License-Identifier: MIT */
/*
 * Freestanding ELF64 validator, loader and relocator for aslrboot.
 * Includes only <stdint.h>, <stddef.h>, <stdbool.h>, its own headers, the
 * ground floor under include/ (error codes, range helpers, unaligned
 * readers) and, in elf_note.c, the public include/aslrboot.h
 * (struct aslrboot_note_params).
 *
 * "Link address" below means p_vaddr, except under ELF_POL_LINUX64 where
 * segments are ordered, spanned, paged and entered by p_paddr (vmlinux has
 * a per-CPU PT_LOAD at p_vaddr 0).
 *
 * Validate, then commit: elf_parse() checks everything (headers, segments,
 * dynamic section, every relocation entry and its target) and produces a
 * struct elf_image.  Only then may the caller copy (elf_load) and relocate
 * (elf_relocate); those two re-check bounds cheaply but cannot fail on an
 * image elf_parse accepted.
 */
#ifndef ELF_ELF_H
#define ELF_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../include/ldr_errors.h"

/* Compile-time caps (documented in PROTOCOL.md). */
#define ELF_MAX_PHDRS 64		       /* program headers */
#define ELF_MAX_LOAD 16			       /* loadable segments kept */
#define ELF_MAX_SEG_SIZE (UINT64_C(1) << 30)   /* 1 GiB per segment */
#define ELF_MAX_IMAGE_SPAN (UINT64_C(1) << 30) /* 1 GiB span */
#define ELF_MAX_ALIGN (UINT64_C(1) << 21)      /* 2 MiB: more eats entropy */
#define ELF_MAX_RELOCS (UINT64_C(1) << 21)     /* RELA entries + RELR words */

/*
 * Machines (e_machine values) the validator knows: x86-64 and AArch64.  The
 * caller says which one it expects (elf_parse's `machine`); the loader passes
 * ELF_MACHINE_NATIVE, the architecture it was built for, so it never accepts
 * an image for the other one.
 */
#define ELF_MACHINE_X86_64 62
#define ELF_MACHINE_AARCH64 183
#if defined(__aarch64__) || defined(LDR_ARCH_ARM64)
#define ELF_MACHINE_NATIVE ELF_MACHINE_AARCH64
#else
#define ELF_MACHINE_NATIVE ELF_MACHINE_X86_64
#endif

/* Policy knobs; zero = the strict native protocol. */
#define ELF_POL_ALLOW_EXEC_NORELOC \
	(1u << 0) /* accept ET_EXEC without relocations (aslr=off only) */
#define ELF_POL_LINUX64 \
	(1u << 1) /* self-relocating x86-64 kernel: skip W^X and relocation checks
					(shared pages, W+X, text relocations, relocation targets); accept
					p_align < 4 KiB, offsets not congruent to the address,
					PT_TLS; PT_DYNAMIC is never read.  Bounds checks stay.
					Any other machine: E_MACHINE. */
#define ELF_POL_INSPECT \
	(1u << 2) /* differential tests: accept PT_INTERP/PT_TLS/DT_NEEDED/undefined
					symbols and COPY/TLS/IRELATIVE relocations (AArch64: also
					TLSDESC; bounds-checked, counted in stats.inspect_only,
					never applied) */

#define ELF_PF_X 1u
#define ELF_PF_W 2u
#define ELF_PF_R 4u

/* Signs that a self-relocating image is movable (elf_image.movable). */
enum elf_move_sign {
	ELF_MOVE_NONE = 0,
	ELF_MOVE_ET_DYN,     /* e_type ET_DYN */
	ELF_MOVE_DYNAMIC,    /* a PT_DYNAMIC program header, of any size */
	ELF_MOVE_LINUX_NOTE, /* Linux's own ELF note: vmlinux relocates itself */
};

/* Linux's note types (include/linux/elfnote.h, name "Linux"): the build salt
 * (every vmlinux since 4.19) and the LTO info (since 5.14). */
#define ELF_LINUX_NOTE_BUILD_SALT 0x100u
#define ELF_LINUX_NOTE_LTO_INFO 0x101u
/* Xen's XEN_ELFNOTE_PHYS32_ENTRY: a PVH entry point (Linux, Nanos, ...). */
#define ELF_XEN_NOTE_PHYS32_ENTRY 18u

struct elf_seg {
	uint64_t vaddr, memsz; /* as in the file */
	uint64_t offset, filesz;
	uint64_t paddr;
	uint64_t align;
	uint32_t flags; /* ELF_PF_* */
	uint32_t phdr_index;
	uint64_t page_start; /* align_down(link address, 4K) */
	uint64_t page_end;   /* align_up(link address + memsz, 4K) */
};

/* Relocation type counts, for aslrboot-inspect and tests.  abs64 counts
 * R_X86_64_64 or R_AARCH64_ABS64; the others the type of that name. */
struct elf_reloc_stats {
	uint64_t relative, abs64, glob_dat, jump_slot; /* RELA by type */
	uint64_t relr_words;			       /* RELR table words */
	uint64_t relr_relocs;			       /* addresses the RELR table encodes */
	uint64_t inspect_only; /* ELF_POL_INSPECT: COPY/TLS/IRELATIVE, checked, never applied */
};

#define ELF_MAX_SECTION_UNITS 16384 /* allocatable sections of non-zero size */
#define ELF_NO_UNIT UINT32_MAX

/* Link-time relocation counts by type (x86-64 names). */
struct elf_lreloc_stats {
	uint64_t pc32, plt32, pc64;    /* PC-relative */
	uint64_t abs32, abs32s, abs64; /* R_X86_64_32, 32S, 64 */
	uint64_t gotpcrel;	       /* GOTPCREL/GOTPCRELX/REX_GOTPCRELX through a GOT slot */
	uint64_t gotpcrel_relaxed;     /* the same, turned into direct references by the linker */
	uint64_t none;		       /* R_X86_64_NONE: skipped */
};

struct elf_sections {
	bool wanted; /* the note sets ASLRBOOT_NOTE_F_SECTIONS (not under ELF_POL_LINUX64) */
	bool usable; /* wanted, and link-time relocations present and valid */
	/* usable, ET_EXEC and no dynamic relocation: only the link-time ones
	 * move it, so placed by segment it may run only at its link address. */
	bool only_sections;
	uint64_t shoff;
	uint32_t shnum, shstrndx;
	uint32_t nunits;		/* allocatable sections of non-zero size */
	uint32_t symtab;		/* section index of the SHT_SYMTAB, 0 if none */
	uint64_t symtab_off, sym_count; /* SHT_SYMTAB (.symtab) */
	uint32_t nrelsecs;		/* link-time relocation sections */
	uint64_t nrelocs;		/* link-time relocation entries */
	uint64_t unit_pages;		/* sum of the units' page spans, in bytes */
	uint64_t
		unit_hash; /* of every unit's index, address, size, alignment: the placement check */
	/* Every PC-relative field stays in range while all units lie within
	 * max_span bytes of each other (a 2 MiB multiple, at most 1 GiB). */
	uint64_t max_span;
	/* R_X86_64_32S fields whose symbol moves: every unit must run at or
	 * above s32_lo (an upper-half address) and end at or below s32_hi so
	 * that each fits; both 0 when there are none. */
	uint64_t s32_lo, s32_hi;
	struct elf_lreloc_stats stats;
	/* .eh_frame_hdr (the PT_GNU_EH_FRAME unit): its eh_frame_ptr and its
	 * binary-search table are rebuilt after relocation. */
	uint32_t eh_frame_hdr; /* section index, 0 if none */
	uint32_t eh_fde_count; /* entries in its table */
};

struct elf_image {
	const uint8_t *file; /* the validated bytes (never re-read from disk) */
	uint64_t file_size;
	uint16_t type;	  /* ET_DYN or ET_EXEC */
	uint16_t machine; /* e_machine: ELF_MACHINE_X86_64 or ELF_MACHINE_AARCH64 */
	uint64_t entry;	  /* link-time e_entry */

	uint32_t nsegs; /* PT_LOADs with p_memsz > 0, ascending link address */
	struct elf_seg segs[ELF_MAX_LOAD];
	uint64_t link_base; /* segs[0].page_start */
	uint64_t link_end;  /* segs[nsegs-1].page_end */
	uint64_t max_align; /* largest p_align among PT_LOADs (>= 4096) */
	uint32_t entry_seg; /* index in segs[] whose file bytes hold e_entry (executable) */

	bool has_relro;
	uint64_t relro_start, relro_end; /* page-aligned RELRO range (link addresses) */
	bool has_interp, has_tls;	 /* accepted with ELF_POL_INSPECT (PT_TLS: also LINUX64) */

	/* Dynamic section (file offsets of validated tables). */
	bool has_dynamic;
	uint64_t rela_off, rela_count; /* DT_RELA (+ DT_JMPREL merged separately) */
	uint64_t jmprel_off, jmprel_count;
	uint64_t relr_off, relr_count;	/* words */
	uint64_t symtab_off, sym_count; /* symbols addressable by relocations */
	struct elf_reloc_stats stats;
	/* Every RELA and JMPREL entry was validated as a RELATIVE (the
	 * machine's) into a writable segment: elf_relocate applies them
	 * without re-checking each one (what a unikernel's linker emits). */
	bool rela_relative_only;

	/* Why the image may run at any physical address under ELF_POL_LINUX64
	 * (the first sign found, in this order); ELF_MOVE_NONE: only at its
	 * p_paddr.  Recorded under every policy. */
	uint32_t movable;    /* enum elf_move_sign */
	bool has_linux_note; /* a "Linux" build-salt or LTO-info note */
	bool has_pvh_note;   /* a "Xen" PVH entry note: a boot-protocol kernel */

	/* aslrboot ELF note (PT_NOTE, name "aslrboot", type 1) */
	bool has_note;
	uint64_t note_stack_size, note_heap_size;
	uint32_t note_flags;

	struct elf_sections sec;

	uint32_t policy;
};

/* Validate `size` bytes at `buf` into *img (headers, segments, entry,
 * notes, dynamic section, relocations) as an image for `machine`
 * (ELF_MACHINE_*: e_machine must equal it; E_MACHINE otherwise, and for a
 * machine the validator does not know).
 * On failure returns the distinct code and fills *diag (may be NULL). */
enum ldr_err elf_parse(const void *buf, uint64_t size, uint16_t machine, uint32_t policy,
		       struct elf_image *img, struct ldr_diag *diag);

/*
 * W^X incompatibility of an image whose headers elf_parse accepted under some
 * policy: over ALL program headers, the first of a W+X PT_LOAD (E_WX), a
 * PT_GNU_STACK with PF_X (E_STACK_EXEC), a writable and an executable
 * PT_LOAD whose p_vaddr page spans meet (E_PERM_SHARE), in header order.
 * LDR_OK if none; else the code, with *diag naming the program header.
 */
enum ldr_err elf_wx_scan(const struct elf_image *img, struct ldr_diag *diag);

/*
 * A placement unit: the link addresses [link, link + size) run at
 * [va, va + size).  The layout makes one unit per loadable segment (its page
 * span); relocation resolves every link address through the units.
 */
struct elf_unit {
	uint64_t link, size;
	uint64_t va;
};

#define ELF_MAX_UNITS ELF_MAX_LOAD

/*
 * Where the image goes.  seg_mem[i] points to the copy of
 * [segs[i].page_start, segs[i].page_end) (page_end - page_start bytes) that
 * the loader writes now; unit[0..nunits) say where each piece of the
 * link-address space runs: sorted by link address, disjoint, none empty or
 * wrapping (elf_relocate checks).  Segments may be placed at unrelated
 * addresses in both.
 */
struct elf_placement {
	uint8_t *seg_mem[ELF_MAX_LOAD];
	struct elf_unit unit[ELF_MAX_UNITS];
	uint32_t nunits;
};

/*
 * *va = the runtime address of link address `link` (modulo 2^64): through
 * the unit holding it, where the address one past a unit's end belongs to
 * that unit (a byte of the next unit wins over it).  A link address outside
 * every unit (an addend or a RELR word may hold any value, and accepted
 * images have such) moves by the offset va - link that all units share,
 * when they share one: so an image relocates exactly as with one slide for
 * the whole image.  When the offsets differ, no unit is known to be the right one (a
 * pointer below an object and one past the end of another look alike), so
 * false: the caller refuses rather than guess.  pl must hold valid units.
 */
bool elf_place_va(const struct elf_placement *pl, uint64_t link, uint64_t *va);

/* Copy file bytes, zero the rest of each segment's page span (8-byte moves):
 * segment i's bytes start at seg_mem[i] + (link address - page_start). */
enum ldr_err elf_load(const struct elf_image *img, const struct elf_placement *pl);

/*
 * Apply RELA, JMPREL and RELR relocations for the placement, reading the
 * tables from img->file and writing into the loaded copies (RELA and JMPREL
 * first, then RELR): RELATIVE stores place(A), RELR turns each word w
 * into place(w), R_X86_64_64 and R_AARCH64_ABS64 store place(S) + A,
 * GLOB_DAT and JUMP_SLOT place(S) on x86-64 (its psABI: S) and place(S) + A
 * on AArch64 (AAELF64: S + A) (place = elf_place_va; SHN_ABS and undefined
 * symbols are not placed).  E_RANGE for a missing seg_mem[] or invalid
 * units.  With units that share one offset it cannot fail otherwise on an
 * image elf_parse accepted; with differing ones, E_RELOC_RANGE (field
 * "value") for an address outside every unit, possibly after earlier entries
 * were written.  A no-op
 * under ELF_POL_LINUX64 (the kernel relocates itself).
 */
enum ldr_err elf_relocate(const struct elf_image *img, const struct elf_placement *pl,
			  struct ldr_diag *diag);

/*
 * Section granularity.  An x86-64 image whose aslrboot note sets
 * ASLRBOOT_NOTE_F_SECTIONS and that keeps its link-time relocations
 * (SHT_RELA sections that apply to allocatable sections: --emit-relocs)
 * can be placed one unit per allocatable section of non-zero size: each
 * runs at its own address and the loader re-applies every link-time
 * relocation against the new placement.  elf_parse validates all of it up
 * front (img->sec); the loader decides whether to use it.
 */
/* One placement unit at section granularity: an allocatable section. */
struct elf_sec_unit {
	uint64_t link, size; /* sh_addr, sh_size */
	uint64_t align;	     /* sh_addralign (1 for 0), a power of two */
	uint64_t off;	     /* file offset of its bytes; 0 for SHT_NOBITS */
	uint64_t filesz;     /* bytes in the file: size, or 0 for SHT_NOBITS */
	uint32_t shndx;	     /* section header index */
	uint32_t seg;	     /* index in img->segs of the segment that holds it */
	uint32_t flags;	     /* ELF_PF_R, plus W (SHF_WRITE) and X (SHF_EXECINSTR) */
	bool relro;	     /* inside PT_GNU_RELRO: read-only once relocated */
};

/* out[0..img->sec.nunits): the units, ascending by link address (and by
 * section header index; validated by elf_parse: cannot fail). */
void elf_section_units(const struct elf_image *img, struct elf_sec_unit *out);
/* out[0..img->sec.shnum): the unit index of each section, or ELF_NO_UNIT. */
void elf_section_index(const struct elf_image *img, uint32_t *out);

/*
 * Where each unit goes.  unit[i] is su[i]'s link range and run-time address
 * (va % 4096 == link % 4096, and va % align == link % align); mem[i] points
 * to the copy of its pages [align_down(link, 4K), align_up(link + size, 4K)),
 * the byte at link address x at mem[i] + (x - align_down(link, 4K)).
 */
struct elf_sec_placement {
	const struct elf_sec_unit *su;
	const struct elf_unit *unit;
	uint8_t *const *mem;
	const uint32_t *sec_unit; /* from elf_section_index */
	uint32_t nunits;	  /* img->sec.nunits */
	/* Optional scratch of img->sec.sym_count entries (NULL: none), which
	 * elf_relocate_sections fills after its checks with each .symtab
	 * symbol's run-time value: the link-time loop then reads one word per
	 * entry instead of the symbol, sec_unit[] and the unit. */
	uint64_t *sym_val;
};

/* Copy each unit's file bytes, zero the rest of its pages (mem[i] holds
 * the unit's page span).  E_RANGE unless img->sec.usable, nunits matches
 * and every mem[i] is set. */
enum ldr_err elf_load_sections(const struct elf_image *img, const struct elf_sec_placement *pl);

/*
 * Apply every dynamic relocation (as elf_relocate, each address resolved
 * through the unit holding it: the last unit starting at or below it), then
 * every link-time one (P through the unit of the section it patches, S
 * through sec_unit[st_shndx], or sym_val[] when given), overwriting, and
 * rebuild .eh_frame_hdr (eh_frame_ptr, every entry, sorted again).  The
 * placement is checked first: su/unit/sec_unit must describe this image
 * (E_RANGE), each va congruent to its link address modulo 4 KiB and its
 * alignment (E_RANGE), all units within max_span of each other and inside
 * [s32_lo, s32_hi] when set (E_LRELOC_OVERFLOW); nothing is written before.
 * Cannot fail after that on an image elf_parse accepted.
 */
enum ldr_err elf_relocate_sections(const struct elf_image *img, const struct elf_sec_placement *pl,
				   struct ldr_diag *diag);

/* Index in img->segs of the segment whose [link address, + memsz) holds `vaddr`, or -1. */
int elf_seg_of(const struct elf_image *img, uint64_t vaddr);

#endif
