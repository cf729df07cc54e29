/* SPDX-License-Identifier: MIT */
/*
 * The MEASURE record (PROTOCOL.md, Measured boot) against what the kernel
 * got: one entry per input in the loader's order (kernel, command line,
 * configuration, each module), the command line's and each module's
 * SHA-256 recomputed from the bytes handed over, and the copy of the
 * firmware's event log ending with exactly these events.  Command-line
 * words: expect_measure (the record must be there), expect_no_measure (it
 * must not), tpmlog (print the entries, the log copy and the firmware's
 * final-events table as hex, for scripts/test-tpm-boot.sh).
 */
#include "kcheck.h"
#include "../../loader/handoff/handoff_read.h"
#include "../../loader/libc.h"
#include "../../loader/log.h"
#include "../../loader/tcg_log.h"
#include "../../rand/sha256.h"

#define DESC_MAX 63

static bool starts_with(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* What the loader logs for module i: its string after a prefix, cut to
 * the record's 63 characters. */
static bool module_desc_ok(const char *desc, const char *string)
{
	char want[DESC_MAX + 1];

	ldr_snprintf(want, sizeof(want), "aslrboot module %s", string);
	return strcmp(desc, want) == 0;
}

static const char *check_entries(const struct kinfo *k, const struct aslrboot_rec_measure *m,
				 pt_phys_ptr_fn phys_ptr, void *ctx)
{
	const struct aslrboot_rec_module *mod = NULL;
	const char *cmdline = k->cmdline ? k->cmdline : "";
	uint8_t h[RAND_SHA256_BYTES];
	uint32_t mods = 0;

	while ((mod = (const void *)handoff_find(k->info, ASLRBOOT_REC_MODULE, (const void *)mod)))
		mods++;
	if (m->count != 3 + mods)
		return "measure: not one entry per kernel, cmdline, config and module";
	for (uint32_t i = 0; i < m->count; i++) {
		const struct aslrboot_measurement *e = handoff_measurement(m, i);
		if (e->event_type != ASLRBOOT_TCG_EV_IPL || e->status != ASLRBOOT_MEAS_EXTENDED)
			return "measure: an entry not EV_IPL or not extended";
		if (e->pcr != 9 && e->pcr != 11 && e->pcr != 12)
			return "measure: an entry's PCR is not 9, 11 or 12";
	}
	if (!starts_with(handoff_measurement(m, 0)->description, "aslrboot kernel ") ||
	    strcmp(handoff_measurement(m, 1)->description, "aslrboot cmdline") ||
	    strcmp(handoff_measurement(m, 2)->description, "aslrboot config") ||
	    handoff_measurement(m, 2)->pcr != 12)
		return "measure: kernel, cmdline, config entries not in order";
	rand_sha256(cmdline, strlen(cmdline), h);
	if (handoff_measurement(m, 1)->size != strlen(cmdline) ||
	    memcmp(h, handoff_measurement(m, 1)->sha256, sizeof(h)))
		return "measure: the cmdline digest is not the cmdline's";
	mod = NULL;
	for (uint32_t i = 0; i < mods; i++) {
		const struct aslrboot_measurement *e = handoff_measurement(m, 3 + i);
		const void *bytes;
		mod = (const void *)handoff_find(k->info, ASLRBOOT_REC_MODULE, (const void *)mod);
		if (!module_desc_ok(e->description, (const char *)(mod + 1)))
			return "measure: a module entry does not name its module";
		if (e->size != mod->size ||
		    !(bytes = phys_ptr(ctx, pa_init(mod->phys), mod->size ? mod->size : 1)))
			return "measure: a module entry's size is not the module's";
		rand_sha256(bytes, mod->size, h);
		if (memcmp(h, e->sha256, sizeof(h)))
			return "measure: a module digest is not the module's";
	}
	return NULL;
}

/* The log copy: well formed to its last byte, its last count events are
 * the record's entries (PCR, type, SHA-256, event data = description). */
static const char *check_log(const struct aslrboot_rec_measure *m, pt_phys_ptr_fn phys_ptr,
			     void *ctx)
{
	const uint8_t *p;
	struct tcg_log l;
	struct tcg_event e;
	uint64_t off, n = 0, k = 0;

	if (!m->event_log || !m->event_log_size ||
	    !(p = phys_ptr(ctx, pa_init(m->event_log), m->event_log_size)))
		return "measure: no event log copy in the direct map";
	if (!tcg_log_open(&l, p, m->event_log_size))
		return "measure: the event log has no crypto-agile header";
	for (off = l.first; off < m->event_log_size; off += e.size, n++)
		if (!tcg_log_event(&l, p + off, m->event_log_size - off, &e))
			return "measure: a malformed event in the log copy";
	if (n < m->count)
		return "measure: fewer events in the log than entries";
	for (off = l.first; off < m->event_log_size; off += e.size, k++) {
		const struct aslrboot_measurement *x;
		tcg_log_event(&l, p + off, m->event_log_size - off, &e);
		if (k < n - m->count)
			continue;
		x = handoff_measurement(m, (uint32_t)(k - (n - m->count)));
		if (e.pcr != x->pcr || e.type != x->event_type || !e.sha256 ||
		    memcmp(e.sha256, x->sha256, sizeof(x->sha256)) ||
		    e.data_size != strlen(x->description) ||
		    memcmp(e.data, x->description, e.data_size))
			return "measure: the log does not end with the record's events";
	}
	return NULL;
}

const char *check_measure(const struct kinfo *k, pt_phys_ptr_fn phys_ptr, void *ctx)
{
	const struct aslrboot_rec_measure *m = handoff_measure(k->info);
	const char *why;

	if (has_word(k->cmdline, "expect_no_measure"))
		return m ? "measure: a MEASURE record without a TPM" : NULL;
	if (!m)
		return has_word(k->cmdline, "expect_measure") ? "measure: no MEASURE record" : NULL;
	if (m->entry_size != sizeof(struct aslrboot_measurement))
		return "measure: entry_size";
	if (m->flags & ASLRBOOT_MEASURE_F_LOG_TRUNCATED)
		return "measure: the firmware's event log overflowed";
	if ((why = check_entries(k, m, phys_ptr, ctx)))
		return why;
	return check_log(m, phys_ptr, ctx);
}

static void print_hex(const char *tag, const uint8_t *p, uint64_t n)
{
	static const char hex[] = "0123456789abcdef";
	char line[2 * 64 + 1];

	for (uint64_t off = 0; off < n; off += 64) {
		uint64_t len = n - off < 64 ? n - off : 64;
		for (uint64_t i = 0; i < len; i++) {
			line[2 * i] = hex[p[off + i] >> 4];
			line[2 * i + 1] = hex[p[off + i] & 15];
		}
		line[2 * len] = '\0';
		kprintf("aslrboot-test-kernel: %s %s\n", tag, line);
	}
}

/* The final-events table, {u64 version, u64 count, count TCG_PCR_EVENT2},
 * read through a window of FINAL_WINDOW bytes (EDK2 reserves 32 KiB for it;
 * the events logged after the loader's copy are a few hundred bytes). */
#define FINAL_WINDOW 4096

static void print_final(const struct aslrboot_rec_measure *m, const struct tcg_log *l,
			pt_phys_ptr_fn phys_ptr, void *ctx)
{
	const uint8_t *p =
		m->final_events ? phys_ptr(ctx, pa_init(m->final_events), FINAL_WINDOW) : NULL;
	uint64_t count, size = 16;
	struct tcg_event e;

	if (!p)
		return;
	memcpy(&count, p + 8, sizeof(count));
	for (uint64_t i = 0; i < count; i++) {
		if (!tcg_log_event(l, p + size, FINAL_WINDOW - size, &e))
			return;
		size += e.size;
	}
	print_hex("tpmfinal", p, size);
}

void print_measure(const struct kinfo *k, pt_phys_ptr_fn phys_ptr, void *ctx)
{
	const struct aslrboot_rec_measure *m = handoff_measure(k->info);
	const struct aslrboot_rec_timings *t =
		(const void *)handoff_find(k->info, ASLRBOOT_REC_TIMINGS, NULL);
	const uint8_t *log;
	struct tcg_log l;

	if (!m || !has_word(k->cmdline, "tpmlog"))
		return;
	/* The rate of the entries' ticks, for the cost of measuring. */
	kprintf("aslrboot-test-kernel: measure tsc_hz=%llu\n",
		(unsigned long long)(t ? t->tsc_hz : 0));
	for (uint32_t i = 0; i < m->count; i++) {
		const struct aslrboot_measurement *e = handoff_measurement(m, i);
		char h[2 * RAND_SHA256_BYTES + 1];
		for (uint32_t j = 0; j < RAND_SHA256_BYTES; j++)
			ldr_snprintf(h + 2 * j, 3, "%02x", e->sha256[j]);
		kprintf("aslrboot-test-kernel: measure pcr=%u status=%u size=%llu ticks=%llu "
			"sha256=%s %s\n",
			e->pcr, e->status, (unsigned long long)e->size,
			(unsigned long long)e->ticks, h, e->description);
	}
	log = m->event_log ? phys_ptr(ctx, pa_init(m->event_log), m->event_log_size) : NULL;
	if (!log)
		return;
	print_hex("tpmlog", log, m->event_log_size);
	if (tcg_log_open(&l, log, m->event_log_size))
		print_final(m, &l, phys_ptr, ctx);
}
