/* SPDX-License-Identifier: MIT */
/*
 * The UEFI front end (efi/): firmware facts -> struct boot_env, and the
 * platform_ops the core calls.  Internal to efi/; the core never sees it.
 */
#ifndef EFI_FE_H
#define EFI_FE_H

#include <efi.h>

#include "../loader/boot_env.h"
#include "../loader/config.h"
#include "../loader/platform.h"

#define EFI_FE_MAX_ALLOCS 128		    /* pages we free when returning to firmware */
#define EFI_FE_MAX_FILE (UINT64_C(1) << 30) /* kernel/module size cap */
#define EFI_FE_MMAP_SLACK 64		    /* spare descriptors for map growth */
/* efi_file_read's answer for a directory: not "not found", and not a file. */
#define EFI_FE_IS_DIRECTORY EFIERR_OEM(1)

/* A raw GetMemoryMap buffer, allocated once and reused at exit. */
struct efi_mmap {
	void *buf;
	UINTN cap;  /* bytes */
	UINTN size; /* bytes filled by the last GetMemoryMap */
	UINTN key;
	UINTN desc_size;
	UINT32 desc_ver;
};

enum efi_mm_mode {
	EFI_MM_PLAN,  /* boot services live: only free (Conventional) memory is usable */
	EFI_MM_FINAL, /* after ExitBootServices: boot-services memory is usable too */
};

struct efi_alloc {
	EFI_PHYSICAL_ADDRESS pa;
	UINTN pages;
};

struct efi_ctx {
	EFI_HANDLE image;
	EFI_SYSTEM_TABLE *st;
	EFI_BOOT_SERVICES *bs;
	EFI_LOADED_IMAGE *li;
	bool ebs_called;	 /* boot services may be gone: no ConOut, no return */
	bool fw_serial;		 /* firmware mirrors ConOut to a serial port */
	EFI_FILE_HANDLE seed_fh; /* the seed file, open for writing, until stored */
	bool seed_absent;	 /* no seed file: efi_seed_store creates one */
	struct efi_alloc allocs[EFI_FE_MAX_ALLOCS];
	uint32_t alloc_count;
	bool allocs_untracked; /* allocations beyond allocs[] were made */
	/* Where each input came from (set while gathering; measured boot picks
	 * the PCR by it): true = a section of aslrboot's own image. */
	bool kernel_embedded;
	bool modules_embedded;
	bool cmdline_embedded;
	bool secure_boot; /* Secure Boot enabled and not in setup mode */
	/* EFI_TCG2_PROTOCOL with a TPM present, found by efi_measure_inputs;
	 * NULL without a TPM. */
	struct tcg2_protocol *tcg2;
	struct efi_mmap mmap;
	struct mm_entry mm[BOOT_MAX_MMAP];
	struct boot_env env;
	struct boot_config cfg;
	struct platform_ops ops;
};

/* The sections of a unified image (loader/unified/unified.h). */
struct efi_unified {
	bool present;
	const void *kernel; /* in the image */
	uint64_t kernel_size;
	const char *cmdline;
	size_t cmdline_len; /* in the image; NULL if no .cmdline */
	const char *config;
	size_t config_len; /* in the image; NULL if no .config */
	uint32_t module_count;
	struct {
		const void *data; /* in the image */
		uint64_t size;
		const char *string;
	} modules[BOOT_MAX_MODULES];
};

/* main.c: called by gnu-efi's crt0 (System V ABI) after self-relocation. */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

/* platform.c (efi_halt_jb, for main.c's setjmp, is in efi_halt.h) */
void efi_platform_init(struct efi_ctx *c);
EFI_STATUS efi_alloc_pages(struct efi_ctx *c, EFI_ALLOCATE_TYPE type, UINTN pages,
			   EFI_PHYSICAL_ADDRESS *pa);
void efi_free_all(struct efi_ctx *c);

/* console.c: ConOut (before ExitBootServices) and COM1 on x86-64. */
void efi_console_init(struct efi_ctx *c);
void efi_console_write(void *ctx, const char *s, size_t n);
const char *efi_status_str(EFI_STATUS s);
/* One line: "aslrboot: error: <file>: <what>: <detail> [<E_CODE>]" */
void efi_error(const char *file, const char *what, const char *detail, enum ldr_err err);

/* file.c */
EFI_STATUS efi_file_open(struct efi_ctx *c, const char *path, UINT64 mode, EFI_FILE_HANDLE *f);
EFI_STATUS efi_file_create(struct efi_ctx *c, const char *path, UINT64 attr, EFI_FILE_HANDLE *f);
bool efi_file_is(EFI_FILE_HANDLE f, uint64_t size);
EFI_STATUS efi_file_rewrite(EFI_FILE_HANDLE f, const void *data, uint64_t len);
EFI_STATUS efi_file_read(struct efi_ctx *c, const char *path, uint64_t max, void **data,
			 uint64_t *size);

/* memmap.c */
EFI_STATUS efi_mmap_get(EFI_BOOT_SERVICES *bs, struct efi_mmap *m);
enum ldr_err efi_mmap_translate(const struct efi_mmap *m, enum efi_mm_mode mode,
				struct mm_entry *out, uint32_t cap, uint32_t *count,
				struct ldr_diag *diag);

/* exit.c */
EFI_STATUS efi_exit_boot_services(EFI_BOOT_SERVICES *bs, EFI_HANDLE image, struct efi_mmap *m);

/* rng.c */
void efi_rng_collect(struct efi_ctx *c, struct boot_entropy_input *in);

/* seed.c: \EFI\aslrboot\random-seed (systemd-boot's rules). */
void efi_seed_read(struct efi_ctx *c, struct boot_entropy_input *in);
enum ldr_err efi_seed_store(void *ctx, const uint8_t *seed, size_t len);
void efi_seed_close(struct efi_ctx *c);
void efi_entropy_wipe(struct efi_ctx *c);

/* unified.c: the running image's own sections.  u->present = false for a
 * plain aslrboot.efi (no .kernel); a malformed image is one error line and
 * E_UNIFIED.  Every piece points into the image. */
enum ldr_err efi_unified_read(struct efi_ctx *c, struct efi_unified *u);
/* The section bytes [src, src + size) the boot uses, copied into fresh
 * loader pages (*data) before anything measures or reads them: the core
 * may move and release a kernel buffer.  One error line if out of memory. */
enum ldr_err efi_unified_copy(struct efi_ctx *c, const void *src, uint64_t size, const char *name,
			      void **data);
/* After the ESP config and load options (later_keys: the CONFIG_KEY_BITs
 * they set): the kernel, the module list and the command line come from
 * the image unless a later source set kernel=, module= or cmdline=
 * (c->*_embedded); .cmdline goes into c->cfg; ASLRBOOT_INFO_F_UNIFIED when
 * the kernel is the image's. */
void efi_unified_choose(struct efi_ctx *c, const struct efi_unified *u, uint32_t later_keys);

/* secureboot.c: c->secure_boot from the SecureBoot and SetupMode variables. */
void efi_secure_boot_read(struct efi_ctx *c);

/* tcg2.c: with EFI_TCG2_PROTOCOL and a TPM, hash, extend and log the
 * kernel, command line, applied configuration and each module (in that
 * order) into env->measure, then copy the firmware's event log; without,
 * nothing (env->measure_present stays false).  A failed extend is one
 * warning line: the boot goes on. */
void efi_measure_inputs(struct efi_ctx *c);
/* With the TPM efi_measure_inputs found: TPM2_GetRandom bytes into *in
 * (ASLRBOOT_SRC_TPM, credited 0) and true; without, false and *in
 * untouched. */
bool efi_tpm_random(struct efi_ctx *c, struct boot_entropy_input *in);

/* tables.c */
void efi_find_rsdp(EFI_SYSTEM_TABLE *st, uint64_t *rsdp, uint32_t *revision);

/*
 * cpu_<arch>.c: everything that differs between architectures, one file
 * each (cpu_x86_64.c, cpu_arm64.c); every other efi/ file is generic.
 */
/* The CPU's timestamp counter (TSC, CNTVCT_EL0) and its rate in Hz (0 if
 * unknown); the rate may use boot services. */
uint64_t efi_timestamp(void *ctx);
uint64_t efi_timestamp_hz(struct efi_ctx *c);
uint32_t efi_cpu_features(void);
/* What the entry state needs from this CPU, checked while an error can
 * still return to the firmware: one error line and LDR_E_CPU if missing. */
enum ldr_err efi_cpu_check(void);
/* Stop interrupts once the firmware is gone. */
void efi_cpu_quiesce(void);
/* Install the trampoline in `page` (identity-mapped, writable now) and run
 * it; returns only if the page cannot be used. */
void efi_cpu_enter(struct efi_ctx *c, void *page, const struct entry_state *st);
noreturn void efi_cpu_halt(void);
#if defined(__x86_64__)
/* COM1, written directly when the firmware does not mirror ConOut to a
 * serial port and after ExitBootServices. */
#define EFI_OWN_SERIAL 1
void efi_serial_putc(char ch);
void efi_serial_init(void);
#else
/* arm64: the firmware owns the UART; ConOut is the only console, so
 * nothing is printed after ExitBootServices. */
#define EFI_OWN_SERIAL 0
#endif

#endif
