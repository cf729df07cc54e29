// SPDX-License-Identifier: MIT
/*
 * PT_NOTE walking (sizes bounded, no overflow, aligned), the aslrboot
 * parameter note (include/aslrboot.h), Linux's own notes (a sign of a
 * movable kernel) and Xen's PVH entry note (a sign of a boot-protocol
 * kernel).  Offsets follow glibc's ELF_NOTE_DESC_OFFSET /
 * ELF_NOTE_NEXT_OFFSET: padding is relative to the note start, so an
 * 8-aligned "GNU" property note has its descriptor at +16, not +20.
 */
#include "../include/aslrboot.h"
#include "elf_int.h"

#define NOTE "note"
#define MIB (UINT64_C(1) << 20)
#define NOTE_MAX_STACK (64 * MIB)
#define NOTE_MAX_HEAP (1024 * MIB)

static enum ldr_err take_params(struct elf_image *img, const uint8_t *desc, uint32_t descsz,
				int64_t n, struct ldr_diag *d)
{
	struct aslrboot_note_params p;

	if (img->has_note)
		return ldr_fail(d, LDR_E_NOTE_PARAMS, NOTE, n, "n_type", ASLRBOOT_NOTE_TYPE_PARAMS);
	if (descsz != sizeof(p))
		return ldr_fail(d, LDR_E_NOTE_PARAMS, NOTE, n, "n_descsz", descsz);
	__builtin_memcpy(&p, desc, sizeof(p));
	if (p.version != 1)
		return ldr_fail(d, LDR_E_NOTE_PARAMS, NOTE, n, "version", p.version);
	if (p.flags & ~(uint32_t)ASLRBOOT_NOTE_F_SECTIONS)
		return ldr_fail(d, LDR_E_NOTE_PARAMS, NOTE, n, "flags", p.flags);
	/* Section granularity re-applies x86-64 link-time relocations only. */
	if ((p.flags & ASLRBOOT_NOTE_F_SECTIONS) && img->machine != EM_X86_64)
		return ldr_fail(d, LDR_E_UNSUPPORTED, NOTE, n, "flags", p.flags);
	if (p.stack_size > NOTE_MAX_STACK || p.stack_size % ELF_PAGE)
		return ldr_fail(d, LDR_E_NOTE_PARAMS, NOTE, n, "stack_size", p.stack_size);
	if (p.heap_size > NOTE_MAX_HEAP || p.heap_size % ELF_PAGE)
		return ldr_fail(d, LDR_E_NOTE_PARAMS, NOTE, n, "heap_size", p.heap_size);
	img->has_note = true;
	img->note_flags = p.flags;
	/* A self-relocating kernel is copied whole: never placed by section. */
	img->sec.wanted = (p.flags & ASLRBOOT_NOTE_F_SECTIONS) && !(img->policy & ELF_POL_LINUX64);
	img->note_stack_size = p.stack_size;
	img->note_heap_size = p.heap_size;
	return LDR_OK;
}

static bool is_ours(const uint8_t *name, uint32_t namesz, uint32_t type)
{
	return type == ASLRBOOT_NOTE_TYPE_PARAMS && namesz == sizeof(ASLRBOOT_NOTE_NAME) &&
	       !__builtin_memcmp(name, ASLRBOOT_NOTE_NAME, sizeof(ASLRBOOT_NOTE_NAME));
}

static bool is_pvh(const uint8_t *name, uint32_t namesz, uint32_t type)
{
	return type == ELF_XEN_NOTE_PHYS32_ENTRY && namesz == sizeof("Xen") &&
	       !__builtin_memcmp(name, "Xen", sizeof("Xen"));
}

static bool is_linux(const uint8_t *name, uint32_t namesz, uint32_t type)
{
	return (type == ELF_LINUX_NOTE_BUILD_SALT || type == ELF_LINUX_NOTE_LTO_INFO) &&
	       namesz == sizeof("Linux") && !__builtin_memcmp(name, "Linux", sizeof("Linux"));
}

enum ldr_err elf_parse_notes(struct elf_image *img, const Elf64_Phdr *ph, uint32_t index,
			     struct ldr_diag *d)
{
	const uint8_t *base;
	uint64_t end, pos = 0, a = ph->p_align == 8 ? 8 : 4;
	int64_t n = 0;

	if (ph->p_align > 1 && ph->p_align != 4 && ph->p_align != 8)
		return ldr_fail(d, LDR_E_NOTE, "program header", index, "p_align", ph->p_align);
	if (ph->p_offset % a)
		return ldr_fail(d, LDR_E_NOTE, "program header", index, "p_offset", ph->p_offset);
	if (!range_end(ph->p_offset, ph->p_filesz, &end) || end > img->file_size)
		return ldr_fail(d, LDR_E_NOTE, "program header", index, "p_filesz", ph->p_filesz);
	base = img->file + ph->p_offset;
	/* Each step advances by >= 12 bytes, so this ends within p_filesz / 12 rounds. */
	while (pos < ph->p_filesz) {
		uint64_t desc, next;
		uint32_t namesz, descsz, type;
		enum ldr_err err;

		if (ph->p_filesz - pos < sizeof(Elf64_Nhdr))
			return ldr_fail(d, LDR_E_NOTE, NOTE, n, "n_namesz", ph->p_filesz - pos);
		namesz = rd_le32(base + pos);
		descsz = rd_le32(base + pos + 4);
		type = rd_le32(base + pos + 8);
		if (!range_end(pos, sizeof(Elf64_Nhdr) + (uint64_t)namesz, &desc) ||
		    !align_up_checked(desc, a, &desc) || desc > ph->p_filesz)
			return ldr_fail(d, LDR_E_NOTE, NOTE, n, "n_namesz", namesz);
		if (descsz > ph->p_filesz - desc)
			return ldr_fail(d, LDR_E_NOTE, NOTE, n, "n_descsz", descsz);
		if (is_linux(base + pos + sizeof(Elf64_Nhdr), namesz, type))
			img->has_linux_note = true;
		if (is_pvh(base + pos + sizeof(Elf64_Nhdr), namesz, type))
			img->has_pvh_note = true;
		if (is_ours(base + pos + sizeof(Elf64_Nhdr), namesz, type) &&
		    (err = take_params(img, base + desc, descsz, n, d)))
			return err;
		if (!align_up_checked(desc + descsz, a, &next))
			return ldr_fail(d, LDR_E_NOTE, NOTE, n, "n_descsz", descsz);
		pos = next; /* missing tail padding of the last note is tolerated */
		n++;
	}
	return LDR_OK;
}
