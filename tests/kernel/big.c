/* SPDX-License-Identifier: MIT */
/* Linked into big-kernel.elf only: 256 MiB of .bss, more than a 128 MiB
 * machine has, so the loader must refuse it while planning. */
#include <stdint.h>

__attribute__((used)) uint8_t big_bss[256u << 20];
