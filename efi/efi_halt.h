/* SPDX-License-Identifier: MIT */
/* Where ops->halt returns to before ExitBootServices: efi_main's setjmp.
 * Kept out of efi_fe.h so the host tests need no gnu-efi setjmp. */
#ifndef EFI_HALT_H
#define EFI_HALT_H

#include <efi.h>
/* efisetjmp.h spells __attribute__((noreturn)), which <stdnoreturn.h>'s
 * macro would turn into _Noreturn. */
#ifdef noreturn
#undef noreturn
#include <efisetjmp.h>
#define noreturn _Noreturn
#else
#include <efisetjmp.h>
#endif

extern jmp_buf efi_halt_jb;

#endif
