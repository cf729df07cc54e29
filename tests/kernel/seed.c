/* SPDX-License-Identifier: MIT */
/*
 * The seed record (PROTOCOL.md 8) against itself and against what the QEMU
 * configuration offers (and the boot-info flags against what the boot asked
 * for).  scripts/test-entropy.sh states the expectation on
 * the kernel command line; any word may be left out:
 *   expect_sources=rdrand,jitter  sources_used, exactly
 *   expect_absent=rdseed,efi_rng  these have an ENTROPY entry saying ABSENT
 *   expect_credit=256             credited_bits, exactly
 *   expect_weak=0|1               the WEAK flag
 *   expect_info_flags=52          the boot-info header's flags, exactly
 *                                 (decimal; scripts/test-secureboot.sh)
 * Source names: rdseed rdrand efi_rng seed_file jitter rndr fixed tpm; '+'
 * separates them too (QEMU's -initrd splits Multiboot modules at ',').
 */
#include "kcheck.h"
#include "../../loader/handoff/handoff_read.h"
#include "../../rand/sha256.h"

static const char *const src_name[ASLRBOOT_SRC_COUNT] = {
	"rdseed", "rdrand", "efi_rng", "seed_file", "jitter", "rndr", "fixed", "tpm",
};

/* "a,b+c" up to a space -> source bit mask; false on an unknown name. */
static bool parse_sources(const char *v, uint32_t *mask)
{
	*mask = 0;
	while (*v && *v != ' ') {
		uint32_t s, n = 0;
		while (v[n] && v[n] != ' ' && v[n] != ',' && v[n] != '+')
			n++;
		for (s = 0; s < ASLRBOOT_SRC_COUNT; s++) {
			const char *w = src_name[s];
			uint32_t i = 0;
			while (i < n && w[i] == v[i])
				i++;
			if (i == n && !w[i])
				break;
		}
		if (s == ASLRBOOT_SRC_COUNT)
			return false;
		*mask |= 1u << s;
		v += n + (v[n] == ',' || v[n] == '+');
	}
	return true;
}

static bool parse_uint(const char *v, uint32_t *out)
{
	*out = 0;
	if (*v < '0' || *v > '9')
		return false;
	for (; *v >= '0' && *v <= '9'; v++)
		if (__builtin_mul_overflow(*out, 10, out) ||
		    __builtin_add_overflow(*out, *v - '0', out))
			return false;
	return !*v || *v == ' ';
}

/* The ENTROPY record must tell the same story as the seed record. */
static const char *check_consistent(const struct kinfo *k, uint32_t *absent)
{
	const struct aslrboot_rec_seed *sd = k->seed;
	const struct aslrboot_rec_entropy *e =
		(const void *)handoff_find(k->info, ASLRBOOT_REC_ENTROPY, 0);
	uint32_t used = 0, failed = 0, credit = 0;

	if (!!(sd->flags & ASLRBOOT_SEED_F_WEAK) != (sd->credited_bits < 256) ||
	    sd->credited_bits > 512)
		return "seed: WEAK flag disagrees with credited_bits";
	/* This loader writes entry_size (protocol 1.1); a reader steps by it. */
	if (!e || e->entry_size != sizeof(struct aslrboot_entropy_entry) ||
	    e->hdr.size < sizeof(*e) + (uint64_t)e->count * e->entry_size)
		return "no well-formed entropy record";
	*absent = 0;
	for (uint32_t i = 0; i < e->count; i++) {
		const struct aslrboot_entropy_entry *v =
			(const void *)((const uint8_t *)(e + 1) +
				       (uint64_t)i * handoff_entropy_entry_size(e));

		if (v->source >= ASLRBOOT_SRC_COUNT)
			return "entropy record: unknown source";
		if (v->bytes)
			used |= 1u << v->source;
		if (v->status == ASLRBOOT_ENT_FAILED || v->status == ASLRBOOT_ENT_UNHEALTHY)
			failed |= 1u << v->source;
		if (v->status == ASLRBOOT_ENT_ABSENT)
			*absent |= 1u << v->source;
		if (v->credited_bits && v->status != ASLRBOOT_ENT_OK)
			return "entropy record: credit from a source that is not OK";
		credit += v->credited_bits;
	}
	if (used != sd->sources_used || failed != sd->sources_failed)
		return "seed: source masks disagree with the entropy record";
	if ((credit > 512 ? 512 : credit) != sd->credited_bits)
		return "seed: credited_bits disagrees with the entropy record";
	return 0;
}

static const char *check_expected(const struct kinfo *k, uint32_t absent)
{
	const struct aslrboot_rec_seed *sd = k->seed;
	const char *v;
	uint32_t want;

	if ((v = word_value(k->cmdline, "expect_sources="))) {
		if (!parse_sources(v, &want))
			return "bad expect_sources= on the command line";
		if (want != sd->sources_used)
			return "seed: sources_used is not what this machine offers";
	}
	if ((v = word_value(k->cmdline, "expect_absent="))) {
		if (!parse_sources(v, &want))
			return "bad expect_absent= on the command line";
		if ((absent & want) != want)
			return "seed: a source this machine lacks is not reported ABSENT";
	}
	if ((v = word_value(k->cmdline, "expect_credit="))) {
		if (!parse_uint(v, &want))
			return "bad expect_credit= on the command line";
		if (want != sd->credited_bits)
			return "seed: credited_bits is not what this machine offers";
	}
	if ((v = word_value(k->cmdline, "expect_weak="))) {
		if (!parse_uint(v, &want) || want > 1)
			return "bad expect_weak= on the command line";
		if (want != !!(sd->flags & ASLRBOOT_SEED_F_WEAK))
			return "seed: the WEAK flag is not what this machine offers";
	}
	if ((v = word_value(k->cmdline, "expect_info_flags="))) {
		if (!parse_uint(v, &want))
			return "bad expect_info_flags= on the command line";
		if (want != k->info->flags)
			return "boot-info flags are not the expected ones";
	}
	return 0;
}

const char *check_seed(const struct kinfo *k)
{
	uint32_t absent;
	const char *why = check_consistent(k, &absent);

	return why ? why : check_expected(k, absent);
}

/*
 * What a kernel does with the seed: use it, then wipe it (the boot-info
 * block is writable for this).  "Use" here is a 32-bit fingerprint,
 * SHA-256(seed)[0..3], so the boot test can tell two boots' seeds apart.
 * Printing it leaks at most 32 bits of a seed nothing else uses: fine for
 * this test kernel, never for a real one.
 */
uint32_t seed_use_and_wipe(const struct kinfo *k)
{
	struct aslrboot_rec_seed *sd = (struct aslrboot_rec_seed *)k->seed;
	uint8_t h[RAND_SHA256_BYTES];
	uint32_t fp;

	rand_sha256(sd->seed, sizeof(sd->seed), h);
	fp = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
	for (volatile uint8_t *p = sd->seed; p < sd->seed + sizeof(sd->seed); p++)
		*p = 0;
	return fp;
}
