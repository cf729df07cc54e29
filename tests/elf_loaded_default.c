// SPDX-License-Identifier: MIT
/* The words the default elfgen image holds once loaded: shared by the
 * x86-64 and AArch64 relocation tests (elfgen_spec_default and
 * elfgen_spec_for build the same layout on both machines). */
#include "elf_loaded.h"
#include "elfgen.h"
#include "harness.h"

void loaded_expect_default(const struct loaded *l, uint64_t base, uint64_t slide, uint64_t sym1)
{
	EXPECT_EQ(loaded_word(l, base + ELFGEN_DATA), base + ELFGEN_TEXT + 0x20 + slide);
	EXPECT_EQ(loaded_word(l, base + ELFGEN_GOT), base + ELFGEN_DATA + 0x40 + slide);
	EXPECT_EQ(loaded_word(l, base + ELFGEN_DATA + 8), sym1 + 0x10);
	EXPECT_EQ(loaded_word(l, base + ELFGEN_GOT + 8), 0);
	EXPECT_EQ(loaded_word(l, base + ELFGEN_GOT + 0x10), sym1);
	EXPECT_EQ(loaded_word(l, base + ELFGEN_DATA + 0x100), elfgen_pattern_word(0x100) + slide);
	EXPECT_EQ(loaded_word(l, base + ELFGEN_DATA + 0x108), elfgen_pattern_word(0x108) + slide);
	EXPECT_EQ(loaded_word(l, base + ELFGEN_DATA + 0x110), elfgen_pattern_word(0x110));
	EXPECT_EQ(loaded_word(l, base + ELFGEN_DATA + 0x118), elfgen_pattern_word(0x118) + slide);
	EXPECT_EQ(loaded_word(l, base + ELFGEN_BSS + 0xff8), 0);
}
