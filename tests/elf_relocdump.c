// SPDX-License-Identifier: MIT
/*
 * Host tool for scripts/test-elf-aarch64.sh: elf_relocdump MACHINE SLIDE FILE
 * (MACHINE x86-64 or aarch64, SLIDE in hex) parses FILE for that machine,
 * loads and relocates it with every segment at link address + SLIDE, prints
 * the relocation counts elf_parse found, then for every link address read
 * from stdin (hex, one a line) "<address> <loaded word> <file word>" (the
 * file word is 0 past a segment's file bytes).  Exit 1 if FILE is refused.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf_loaded.h"
#include "harness.h"

/* The 8 bytes at link address v: loaded (*w) and in the file (*fw). */
static int words(const struct loaded *l, const uint8_t *f, uint64_t v, uint64_t *w, uint64_t *fw)
{
	int s = elf_seg_of(&l->img, v);
	const struct elf_seg *sg;
	uint8_t b[8] = { 0 };

	if (s < 0 || l->img.segs[s].page_end - v < 8)
		return -1;
	sg = &l->img.segs[s];
	memcpy(w, l->pl.seg_mem[s] + (v - sg->page_start), 8);
	for (uint64_t i = 0; i < 8; i++)
		if (v + i - sg->vaddr < sg->filesz)
			b[i] = f[sg->offset + (v + i - sg->vaddr)];
	memcpy(fw, b, 8);
	return 0;
}

int main(int argc, char **argv)
{
	struct loaded l;
	struct ldr_diag d = { 0 };
	const struct elf_reloc_stats *st = &l.img.stats;
	uint16_t machine;
	uint64_t slide, v, w, fw;
	size_t sz;
	uint8_t *f;
	char line[64];

	if (argc != 4 || (strcmp(argv[1], "x86-64") && strcmp(argv[1], "aarch64"))) {
		fprintf(stderr, "usage: %s x86-64|aarch64 SLIDE FILE < addresses\n", argv[0]);
		return 2;
	}
	machine = strcmp(argv[1], "aarch64") ? ELF_MACHINE_X86_64 : ELF_MACHINE_AARCH64;
	slide = strtoull(argv[2], NULL, 16);
	if (!(f = harness_read_file(argv[3], &sz))) {
		perror(argv[3]);
		return 2;
	}
	if (load_at_for(machine, f, sz, slide, 0, &l, &d) != LDR_OK) {
		fprintf(stderr, "%s: refused: %s %s = 0x%" PRIx64 " [%s]\n", argv[3],
			d.what ? d.what : "?", d.field ? d.field : "?", d.value,
			ldr_errname(d.err));
		return 1;
	}
	printf("stats relative %" PRIu64 " abs64 %" PRIu64 " glob_dat %" PRIu64
	       " jump_slot %" PRIu64 " relr %" PRIu64 "\n",
	       st->relative, st->abs64, st->glob_dat, st->jump_slot, st->relr_relocs);
	while (fgets(line, sizeof(line), stdin)) {
		v = strtoull(line, NULL, 16);
		if (words(&l, f, v, &w, &fw))
			printf("%" PRIx64 " none none\n", v);
		else
			printf("%" PRIx64 " %" PRIx64 " %" PRIx64 "\n", v, w, fw);
	}
	unload(&l);
	free(f);
	return 0;
}
