// SPDX-License-Identifier: MIT
#include "l64_shapes.h"

#include <stdlib.h>
#include <string.h>

uint8_t *shape_build(const struct shape *sh, size_t *size)
{
	uint8_t *f = malloc(sh->file_size);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)f;

	for (uint64_t i = 0; i < sh->file_size; i++)
		f[i] = (uint8_t)(i * 13 + 7);
	memset(eh, 0, sizeof(*eh));
	memcpy(eh->e_ident, "\177ELF\2\1\1", 7);
	eh->e_type = sh->type;
	eh->e_machine = EM_X86_64;
	eh->e_version = 1;
	eh->e_entry = sh->entry;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = (uint16_t)sh->nph;
	memcpy(f + sizeof(*eh), sh->ph, sh->nph * sizeof(Elf64_Phdr));
	for (uint32_t i = 0; i < sh->nph; i++) {
		const Elf64_Phdr *ph = &sh->ph[i];
		uint32_t namesz = (uint32_t)strlen(sh->note_name ? sh->note_name : "") + 1;
		uint32_t hdr[3] = { namesz, 8, sh->note_type };
		uint8_t *n = f + ph->p_offset;

		if (ph->p_type != PT_NOTE || !sh->note_name)
			continue;
		memcpy(n, hdr, sizeof(hdr));
		memset(n + 12, 0, ((namesz + 3) & ~3u) + 8);
		memcpy(n + 12, sh->note_name, namesz);
	}
	*size = sh->file_size;
	return f;
}

static Elf64_Phdr load(uint32_t flags, uint64_t off, uint64_t addr, uint64_t filesz, uint64_t memsz,
		       uint64_t align)
{
	return (Elf64_Phdr){ PT_LOAD, flags, off, addr, addr, filesz, memsz, align };
}

void shape_unikraft(struct shape *sh)
{
	*sh = (struct shape){ .type = ET_EXEC, .entry = 0x100010, .nph = 7, .file_size = 0x2d000 };
	sh->ph[0] = load(PF_R | PF_X, 0x1000, 0x100000, 0x27000, 0x27000, 0x1000);
	sh->ph[1] = load(PF_R, 0x28920, 0x128000, 0x1000, 0x1000, 0x20);
	sh->ph[2] = load(PF_R | PF_W, 0x29920, 0x139000, 0x27cc, 0x3e000, 0x40);
	sh->ph[3] = load(PF_R | PF_W, 0x2d000, 0x13b000, 0, 0, 0x1000); /* empty, inside data */
	sh->ph[4] = (Elf64_Phdr){ PT_TLS, PF_R, 0x29920, 0x139000, 0x139000, 0x20, 0x40, 0x20 };
	sh->ph[5] = (Elf64_Phdr){ PT_DYNAMIC, PF_R | PF_W, 0x2d000, 0x178000, 0x178000, 0, 0, 8 };
	sh->ph[6] = (Elf64_Phdr){ PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 0, 0x10 };
}

void shape_memtest(struct shape *sh)
{
	*sh = (struct shape){ .type = ET_DYN, .entry = 0x200, .nph = 3, .file_size = 0x20000 };
	sh->ph[0] = load(PF_R | PF_W | PF_X, 0x1000, 0, 0x1f000, 0x40000, 0x1000);
	sh->ph[1] =
		(Elf64_Phdr){ PT_DYNAMIC, PF_R | PF_W, 0x1e000, 0x1d000, 0x1d000, 0x100, 0x100, 8 };
	sh->ph[2] = (Elf64_Phdr){ PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 0, 0x10 };
}

void shape_nanos(struct shape *sh, uint64_t paddr)
{
	*sh = (struct shape){ .type = ET_EXEC,
			      .entry = paddr + 0x40,
			      .nph = 5,
			      .file_size = 0x8000,
			      .note_name = "Xen",
			      .note_type = 0x12 };
	sh->ph[0] = load(PF_R | PF_X, 0x1000, paddr, 0x3000, 0x3000, 0x1000);
	sh->ph[1] = load(PF_R, 0x4000, paddr + 0x3000, 0x1000, 0x1000, 0x1000);
	sh->ph[2] = load(PF_R | PF_W, 0x5000, paddr + 0x4000, 0x2000, 0x6000, 0x1000);
	sh->ph[3] =
		(Elf64_Phdr){ PT_NOTE, PF_R, 0x7000, paddr + 0x3800, paddr + 0x3800, 24, 24, 4 };
	sh->ph[4] = (Elf64_Phdr){ PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 0, 0x10 };
}
