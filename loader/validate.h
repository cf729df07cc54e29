/* SPDX-License-Identifier: MIT */
/*
 * The validate stage: the kernel file checked as hostile input, and the
 * boot protocol chosen for it (native or linux64).  aslrboot-inspect runs
 * the same choice (validate_choose).
 */
#ifndef LDR_VALIDATE_H
#define LDR_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../elf/elf.h"
#include "../include/ldr_errors.h"

/* What validate_choose decides for one kernel file. */
struct validate_verdict {
	bool linux64;	  /* boot through the Linux 64-bit protocol */
	const char *hint; /* auto refused an image linux64 could boot: VALIDATE_HINT_* */
	bool aslr_off;
	uint32_t proto;	     /* enum boot_protocol */
	enum ldr_err native; /* auto: the native refusal that led to linux64 */
};

/* Printed as "aslrboot: hint: ..." after the error line when v.hint. */
#define VALIDATE_HINT_WX "protocol=linux64 boots it as a self-relocating kernel without W^X"
#define VALIDATE_HINT_FIXED                                                                \
	"not relocatable and no boot-protocol note (PVH or Linux): link it with -pie, or " \
	"protocol=linux64 enters it at its link address through the Linux 64-bit protocol"

/*
 * Parse buf into *img as an image for `machine` (ELF_MACHINE_*: the loader
 * passes ELF_MACHINE_NATIVE) and protocol `proto` (the loader and
 * aslrboot-inspect share this).  native: the native validator.  linux64:
 * ELF_POL_LINUX64 (x86-64 only: an AArch64 image gets E_MACHINE, and under
 * auto stays with the native verdict); E_CONFIG where the loader's own
 * architecture has no linux64 (LDR_ARCH_LINUX64 = 0 in arch/arch.h), and
 * there auto is the native validator alone.
 * auto:
 *   1. the native validator accepts it: native;
 *   2. it refuses, and the image carries an aslrboot note: that error;
 *   3. ELF_POL_LINUX64 refuses it too: the native error;
 *   4. the image is W^X-incompatible (elf_wx_scan over all program headers)
 *      and has no Linux ELF note: that W^X error, v->hint = VALIDATE_HINT_WX;
 *   5. it is not movable and declares no boot protocol (no PVH or Linux
 *      note): most likely a native kernel linked without -pie, so the
 *      native error, v->hint = VALIDATE_HINT_FIXED;
 *   6. otherwise linux64, v->native = the native error.
 * With aslr=off the native validator also takes an ET_EXEC without
 * relocations; under auto one with a boot-protocol note and no aslrboot note
 * still goes to step 2, so the choice of protocol never depends on aslr=.
 * On error *d holds the diag to print (the native one, or the W^X one).
 */
enum ldr_err validate_choose(const void *buf, uint64_t size, uint16_t machine, uint32_t proto,
			     bool aslr_off, struct elf_image *img, struct validate_verdict *v,
			     struct ldr_diag *d);

/*
 * Placement granularity of a native image: *gran (ASLRBOOT_GRANULARITY_*) is
 * section when its note asks for it and it can be placed so
 * (img->sec.usable) and the option (enum boot_granularity) does not force
 * segment.  *warn: the note asks for it but the image has no link-time
 * relocations.  E_CONFIG (diag: option "granularity") when the option
 * forces segment on an image only its link-time relocations can move
 * (VALIDATE_HINT_ONLY_SECTIONS).
 */
enum ldr_err validate_granularity(const struct elf_image *img, uint32_t option, uint32_t *gran,
				  bool *warn, struct ldr_diag *d);

/* Printed (after the kernel's name) when validate_granularity warns. */
#define VALIDATE_WARN_NO_LRELOCS                                                            \
	"the note asks for section granularity but the image has no link-time relocations " \
	"(link with -Wl,--emit-relocs): placing by segment"

/* Printed when granularity=segment meets an image only its link-time
 * relocations can move (an ET_EXEC without dynamic relocations): refused,
 * E_CONFIG. */
#define VALIDATE_HINT_ONLY_SECTIONS                                                       \
	"the image has no dynamic relocations, only link-time ones: it can be placed by " \
	"section only (granularity=section)"

/* The reason text of the linux64 log line (v->linux64): which option or
 * native refusal chose the protocol, and whether the image is placed at
 * random or at its link address. */
void validate_why(const struct validate_verdict *v, const struct elf_image *img, char *buf,
		  size_t n);

#endif
