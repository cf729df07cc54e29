/* SPDX-License-Identifier: MIT */
/*
 * The test kernel's module check: with `modules` on the command line each
 * MODULE record is printed (index, size, string); with
 * `expect_module_sha256=<hex>[,<hex>...]` there must be exactly that many
 * modules and module i's bytes, read through the direct map, must have the
 * i-th SHA-256; `expect_unified=0|1` states the boot-info UNIFIED flag
 * (the kernel came from the loader's own signed image).
 */
#include "kcheck.h"
#include "../../loader/handoff/handoff_read.h"
#include "../../rand/sha256.h"

#define SHA_KEY "expect_module_sha256="

static int hex(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The 64 hex digits at *v are d's SHA-256; *v moves past them. */
static bool digest_is(const char **v, const uint8_t d[RAND_SHA256_BYTES])
{
	for (unsigned i = 0; i < RAND_SHA256_BYTES; i++) {
		int hi = hex((*v)[2 * i]), lo = hi < 0 ? -1 : hex((*v)[2 * i + 1]);
		if (lo < 0 || (uint8_t)(hi << 4 | lo) != d[i])
			return false;
	}
	*v += 2 * RAND_SHA256_BYTES;
	return true;
}

const char *check_modules(const struct kinfo *k)
{
	const char *want = word_value(k->cmdline, SHA_KEY);
	const char *unified = word_value(k->cmdline, "expect_unified=");
	bool print = has_word(k->cmdline, "modules");
	const struct aslrboot_record *r = NULL;
	uint32_t n = 0;

	if (unified && (*unified == '1') != !!(k->info->flags & ASLRBOOT_INFO_F_UNIFIED))
		return "boot-info UNIFIED flag is not what expect_unified= states";

	while ((r = handoff_find(k->info, ASLRBOOT_REC_MODULE, r))) {
		const struct aslrboot_rec_module *m = (const void *)r;
		uint8_t d[RAND_SHA256_BYTES];

		if (print)
			kprintf("aslrboot-test-kernel: module %u: %llu bytes, string \"%s\"\n", n,
				(unsigned long long)m->size, (const char *)(m + 1));
		if (want) {
			rand_sha256((const void *)(uintptr_t)m->virt, m->size, d);
			if (n && *want++ != ',')
				return "more modules than expect_module_sha256= lists";
			if (!digest_is(&want, d))
				return "a module's SHA-256 is not the one expect_module_sha256= states";
		}
		n++;
	}
	if (want && *want && *want != ' ')
		return "fewer modules than expect_module_sha256= lists";
	return NULL;
}
