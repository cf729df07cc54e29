/* SPDX-License-Identifier: MIT */
/*
 * bench=K (loader/bench.c): the option's parsing, and K throwaway rounds
 * before loader_run (as loader_main runs them) over the fake platform: ABBA
 * order, fixed addresses in the aslr=off rounds, nothing claimed from the
 * platform, the real boot unchanged (still randomized), refused off the
 * Multiboot path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elfgen.h"
#include "fake_platform.h"
#include "harness.h"
#include "loader/bench.h"
#include "loader/config.h"
#include "loader/loader.h"

#define ARENA_BASE UINT64_C(0x1000000)
#define ARENA_SIZE (UINT64_C(64) << 20)

static enum ldr_err parse(const char *s, uint32_t *k)
{
	static struct boot_config c;
	enum ldr_err err;

	memset(&c, 0, sizeof(c));
	err = config_parse_options(&c, s, strlen(s), NULL);
	*k = c.opts.bench;
	return err;
}

static void test_parse(void)
{
	uint32_t k;

	EXPECT_ERR(parse("bench=8", &k), LDR_OK);
	EXPECT_EQ(k, 8);
	EXPECT_ERR(parse("bench=0", &k), LDR_OK);
	EXPECT_EQ(k, 0);
	EXPECT_ERR(parse("bench=64", &k), LDR_OK);
	EXPECT_EQ(k, BENCH_MAX_ROUNDS);
	EXPECT(parse("bench=65", &k) != LDR_OK);
	EXPECT(parse("bench=100", &k) != LDR_OK);
	EXPECT(parse("bench=x", &k) != LDR_OK);
	EXPECT(parse("bench=", &k) != LDR_OK);
	EXPECT(parse("bench=-1", &k) != LDR_OK);
}

struct run {
	struct fake_platform fp;
	struct boot_env env;
	struct entry_state st;
	uint8_t *kernel;
	size_t ksize;
};

static enum ldr_err run(struct run *r, uint32_t k, uint32_t flags)
{
	bool off = r->env.opts.aslr_off;
	enum ldr_err err;

	r->kernel = elfgen_default(&r->ksize);
	fake_init(&r->fp, ARENA_BASE, ARENA_SIZE);
	fake_env(&r->fp, &r->env, r->kernel, r->ksize);
	r->env.opts.bench = k;
	r->env.opts.aslr_off = off;
	r->env.info_flags = flags;
	err = loader_bench(&r->env, &r->fp.ops);
	return err ? err : loader_run(&r->env, &r->fp.ops, &r->st);
}

static void done(struct run *r)
{
	fake_free(&r->fp);
	free(r->kernel);
}

static void test_rounds(void)
{
	static struct run a, b;
	static const char *const order[] = { "off", "on", "on", "off", "off", "on" };
	char want[64], fixed[64] = "";
	const char *p;
	unsigned i = 0;

	REQUIRE(run(&a, 6, ASLRBOOT_INFO_F_MULTIBOOT) == LDR_OK);
	REQUIRE(run(&b, 0, ASLRBOOT_INFO_F_MULTIBOOT) == LDR_OK);
	for (p = a.fp.console; (p = strstr(p, "bench: round ")); p++, i++) {
		char arm[8] = "", virt[32] = "";
		unsigned n;
		REQUIRE(sscanf(p, "bench: round %u aslr=%7s virt=%31s", &n, arm, virt) == 3);
		EXPECT_EQ(n, i);
		REQUIRE(i < 6);
		EXPECT(strcmp(arm, order[i]) == 0);
		if (!strcmp(arm, "off")) { /* fixed placement: the same every time */
			if (!fixed[0])
				strcpy(fixed, virt);
			EXPECT(strcmp(fixed, virt) == 0);
		} else {
			EXPECT(strcmp(virt, "0xffffffff80000000") != 0);
		}
	}
	EXPECT_EQ(i, 6);
	snprintf(want, sizeof(want), "bench: medians over 3 off / 3 on rounds");
	EXPECT(strstr(a.fp.console, want) != NULL);
	EXPECT(strstr(a.fp.console, "bench: median total off=") != NULL);
	/* Rounds claim nothing; the real boot is randomized as without bench. */
	EXPECT_EQ(a.fp.nallocs, b.fp.nallocs);
	EXPECT(!a.env.opts.aslr_off);
	/* The real boot after the rounds is not the aslr=off placement. */
	static struct run c;
	c.env.opts.aslr_off = true;
	REQUIRE(run(&c, 0, ASLRBOOT_INFO_F_MULTIBOOT) == LDR_OK);
	EXPECT(va_addr(a.st.entry) != va_addr(c.st.entry));
	done(&c);
	EXPECT(strstr(b.fp.console, "bench:") == NULL);
	done(&a);
	done(&b);
}

static void test_refused_off_multiboot(void)
{
	static struct run a;

	REQUIRE(run(&a, 4, ASLRBOOT_INFO_F_UEFI) == LDR_OK);
	EXPECT(strstr(a.fp.console, "bench: ignored") != NULL);
	EXPECT(strstr(a.fp.console, "bench: round") == NULL);
	done(&a);
}

int main(void)
{
	RUN(test_parse);
	RUN(test_rounds);
	RUN(test_refused_off_multiboot);
	return harness_done();
}
