/* SPDX-License-Identifier: MIT */
/*
 * A boot protocol: the stages after validation, in boot order (main.c runs
 * them).  One instance per protocol, side by side in this folder:
 * proto_native (native.c, PROTOCOL.md) and proto_linux64 (linux64_boot.c,
 * the Linux x86 64-bit boot protocol).  stage_validate chooses one.
 */
#ifndef LDR_PROTO_H
#define LDR_PROTO_H

#include "../platform.h"
#include "../state.h"

struct boot_proto {
	const char *name;
	/* Choose every address; nothing is claimed or written yet. */
	enum ldr_err (*plan)(struct loader_state *s);
	/* Claim the planned memory from the firmware. */
	enum ldr_err (*commit)(struct loader_state *s);
	/* Copy (and relocate) the kernel into it. */
	enum ldr_err (*load)(struct loader_state *s);
	/* Build the page tables the kernel starts on. */
	enum ldr_err (*map)(struct loader_state *s);
	/* Leave the firmware; take its final memory map. */
	enum ldr_err (*exit)(struct loader_state *s);
	/* Write what the kernel reads at entry; fill *st for ops->enter. */
	enum ldr_err (*handoff)(struct loader_state *s, struct entry_state *st);
};

extern const struct boot_proto proto_native, proto_linux64;

#endif
