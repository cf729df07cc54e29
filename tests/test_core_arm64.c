/* SPDX-License-Identifier: MIT */
/*
 * What the core decides differently on arm64 (built with LDR_ARCH_ARM64,
 * tests/mk/arm64.mk): linux64, the Linux x86 boot protocol, does not exist
 * there, so protocol=linux64 is a configuration error and protocol=auto
 * never falls back to it.  The image is one that x86-64's auto boots
 * through linux64 (tests/test_linux64.c): Unikraft's Firecracker build.
 */
#include <stdlib.h>
#include <string.h>

#include "fake_platform.h"
#include "harness.h"
#include "l64_shapes.h"
#include "loader/loader.h"
#include "loader/log.h"
#include "loader/validate.h"

#ifndef LDR_ARCH_ARM64
#error "test_core_arm64 is built with LDR_ARCH_ARM64"
#endif

#define ARENA_BASE UINT64_C(0x1000000)
#define ARENA_SIZE (UINT64_C(64) << 20)

static uint8_t *unikraft(size_t *size)
{
	struct shape sh;

	shape_unikraft(&sh);
	return shape_build(&sh, size);
}

static void test_choose_refuses_linux64(void)
{
	struct validate_verdict v;
	struct elf_image img;
	struct ldr_diag d = { 0 };
	char line[160];
	size_t size;
	uint8_t *p = unikraft(&size);

	EXPECT_ERR(validate_choose(p, size, ELF_MACHINE_X86_64, BOOT_PROTO_LINUX64, false, &img, &v,
				   &d),
		   LDR_E_CONFIG);
	EXPECT(!v.linux64 && !v.hint);
	ldr_format_diag(line, sizeof(line), NULL, &d);
	EXPECT(!strcmp(line, "error: protocol=linux64 is x86-64 only: protocol = 0x2: "
			     "bad configuration [E_CONFIG]"));
	/* auto: the native refusal stands, with no hint to try linux64, even
	 * when the image's machine is the one asked for. */
	for (int off = 0; off < 2; off++) {
		memset(&d, 0, sizeof(d));
		EXPECT(validate_choose(p, size, ELF_MACHINE_X86_64, BOOT_PROTO_AUTO, off, &img, &v,
				       &d) != LDR_OK);
		EXPECT(!v.linux64 && !v.hint && d.err != LDR_OK && d.err != LDR_E_CONFIG);
	}
	free(p);
}

/* The whole loader (which expects AArch64 images: E_MACHINE under auto and
 * native): one error line, nothing allocated or written. */
static void test_loader_refuses_linux64(void)
{
	static struct fake_platform fp;
	static struct boot_env env;
	struct entry_state st;
	size_t size;
	uint8_t *p = unikraft(&size);

	for (uint32_t proto = BOOT_PROTO_AUTO; proto <= BOOT_PROTO_LINUX64; proto++) {
		fake_init(&fp, ARENA_BASE, ARENA_SIZE);
		fake_env(&fp, &env, p, size);
		env.opts.protocol = proto;
		enum ldr_err err = loader_run(&env, &fp.ops, &st);
		if (proto == BOOT_PROTO_LINUX64) {
			EXPECT_ERR(err, LDR_E_CONFIG);
			EXPECT(strstr(fp.console,
				      "aslrboot: error: kernel.elf: protocol=linux64 is "
				      "x86-64 only: protocol = 0x2: bad configuration "
				      "[E_CONFIG]\n"));
		} else {
			EXPECT_ERR(err, LDR_E_MACHINE);
			EXPECT(strstr(fp.console, "aslrboot: error: kernel.elf: "));
		}
		EXPECT(!strstr(fp.console, "linux64:") && !strstr(fp.console, "hint"));
		EXPECT_EQ(fp.nallocs, 0);
		EXPECT_EQ(fp.exit_calls, 0);
		EXPECT(fake_untouched(&fp));
		fake_free(&fp);
	}
	free(p);
}

int main(void)
{
	RUN(test_choose_refuses_linux64);
	RUN(test_loader_refuses_linux64);
	return harness_done();
}
