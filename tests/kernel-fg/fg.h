/* SPDX-License-Identifier: MIT */
/*
 * The fine-grained test kernel: what the generated files (fggen.c writes
 * them at build time) and the hand-written kernel share.  Also read by
 * fggen itself, on the host.
 */
#ifndef TEST_KERNEL_FG_H
#define TEST_KERNEL_FG_H

#include <stdint.h>

typedef uint64_t (*fg_fn)(uint64_t);

/* fg_fI(arg) must return want (computed by the generator). */
struct fg_case {
	uint64_t arg, want;
};

/* An entry of the section fg_set: fn(arg) must return want. */
struct fg_ent {
	fg_fn fn;
	uint64_t arg, want;
};

/* An entry of fg_gotref (fg_got.c): a GOT reference to fg_f<index>.  The
 * field holds R_X86_64_GOTPCREL (slot - &off: the linker cannot relax a
 * reference in data), the slot the function's address. */
struct fg_gotref {
	int32_t off;
	uint32_t index;
};

/* Where fg_fI was linked: its address and its section's index, written
 * into the linked kernel by `fggen links`. */
struct fg_link {
	uint64_t link;
	uint32_t shndx, reserved;
};
#define FG_LINK_UNSET UINT64_C(0xf9f9f9f9f9f9f9f9) /* not filled in yet */

/* Generated functions are opaque to the optimizer (no inlining, cloning or
 * propagation across them), so every call stays a real call or jmp. */
#if defined(__clang__)
#define FG_FN __attribute__((noinline))
#else
#define FG_FN __attribute__((noipa))
#endif

/* One fg_set entry for fg_fI, found only through __start_fg_set and
 * __stop_fg_set. */
#define FG_SET_ENTRY(I, ARG, WANT)            \
	static const struct fg_ent fg_set_##I \
		__attribute__((section("fg_set"), used, aligned(8))) = { fg_f##I, ARG, WANT }

/* fg_tabs.c (generated). */
extern const uint32_t fg_nfunc, fg_nstr, fg_nset;
extern fg_fn fg_data_tab[];	   /* .data: writable */
extern fg_fn const fg_relro_tab[]; /* .data.rel.ro: read-only after relocation */
extern const struct fg_case fg_cases[];
extern const char *const fg_strs[]; /* fg_nstr string constants */
extern const uint64_t fg_str_hash[];
extern const struct fg_link fg_links[];
extern const uint32_t fg_pair[2]; /* the two functions whose distance is reported */
/* fg_got.c (generated). */
extern const struct fg_gotref fg_gotref[];
extern const uint32_t fg_ngotref;

/* fgmain.c: FNV-1a over the bytes of s. */
uint64_t fg_strhash(const char *s);

/* fgeh.c: the unwind search table (.eh_frame_hdr) is sorted and finds
 * every generated function's FDE; NULL or why not. */
const char *fg_check_unwind(void);

#endif
