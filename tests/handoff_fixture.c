/* SPDX-License-Identifier: MIT */
#include "handoff_fixture.h"

#include <string.h>

uint64_t hf_u64(struct hf_src *s)
{
	uint64_t v = 0;

	if (s->n >= 8) {
		memcpy(&v, s->p, 8);
		s->p += 8;
		s->n -= 8;
		return v;
	}
	s->x ^= s->x << 13;
	s->x ^= s->x >> 7;
	s->x ^= s->x << 17;
	return s->x;
}

static uint64_t below(struct hf_src *s, uint64_t n)
{
	return hf_u64(s) % n;
}

/* Printable text of `len` bytes, NUL-terminated. */
static void text(struct hf_src *s, char *out, size_t len)
{
	for (size_t i = 0; i < len; i++)
		out[i] = (char)(0x20 + below(s, 0x5f));
	out[len] = '\0';
}

static void random_strings(struct hf *f, struct hf_src *s)
{
	switch (below(s, 4)) {
	case 0: f->env.cmdline = NULL; break;
	case 1:
		text(s, f->cmdline, 0);
		f->env.cmdline = f->cmdline;
		break;
	case 2:
		text(s, f->cmdline, below(s, 200));
		f->env.cmdline = f->cmdline;
		break;
	default: /* longer than the cap: the writer cuts it */
		text(s, f->cmdline, BOOT_MAX_CMDLINE - 8 + below(s, 60));
		f->env.cmdline = f->cmdline;
	}
	f->env.module_count = (uint32_t)below(s, BOOT_MAX_MODULES + 1);
	for (uint32_t i = 0; i < f->env.module_count; i++) {
		struct boot_module *m = &f->env.modules[i];
		m->phys = below(s, UINT64_C(1) << 40) & ~UINT64_C(0xfff);
		m->size = below(s, UINT64_C(1) << 32);
		text(s, f->modstr[i], below(s, HF_MAX_MODSTR));
		m->string = below(s, 8) ? f->modstr[i] : NULL;
	}
	text(s, f->version, below(s, sizeof(f->version)));
	f->in.loader_version = below(s, 4) ? f->version : NULL;
}

static void random_plan(struct hf *f, struct hf_src *s)
{
	f->plan.count = (uint32_t)below(s, LAYOUT_MAX_REGIONS + 1);
	for (uint32_t i = 0; i < f->plan.count; i++) {
		struct layout_region *r = &f->plan.r[i];
		r->kind = (uint32_t)below(s, 10);
		r->prot = (uint32_t)below(s, 8);
		r->virt = va_init(hf_u64(s) & ~UINT64_C(0xfff));
		r->phys = pa_init(hf_u64(s) & ~UINT64_C(0xfff));
		r->size = hf_u64(s);
		r->virt_mbits = (uint32_t)hf_u64(s);
		r->phys_mbits = (uint32_t)hf_u64(s);
		/* up to 16 characters: a full name has no NUL of its own */
		for (size_t j = 0, n = below(s, 17); j < n; j++)
			r->name[j] = (char)(0x21 + below(s, 0x5e));
	}
	f->plan.slide = hf_u64(s);
	f->plan.info_phys = pa_init(hf_u64(s));
	/* modules sit below 2^40: the direct-map address cannot wrap */
	f->plan.direct_map =
		va_init(LAYOUT_VWIN_LO + (below(s, UINT64_C(1) << 44) & ~UINT64_C(0xfff)));
}

void hf_random(struct hf *f, struct hf_src *s)
{
	memset(f, 0, sizeof(*f));
	layout_plan_init(&f->plan);
	random_strings(f, s);
	random_plan(f, s);
	f->mm.count = (uint32_t)below(s, MEMMAP_MAX + 1);
	for (uint32_t i = 0; i < f->mm.count; i++)
		f->mm.e[i] = (struct mm_entry){ hf_u64(s), hf_u64(s), (uint32_t)below(s, 10) };
	f->env.acpi_rsdp = below(s, 2) ? hf_u64(s) | 1 : 0;
	f->env.acpi_revision = (uint32_t)below(s, 3);
	f->env.measure_present = below(s, 2);
	f->env.measure_count =
		f->env.measure_present ? (uint32_t)below(s, BOOT_MAX_MEASURE + 1) : 0;
	for (uint32_t i = 0; i < f->env.measure_count; i++) {
		struct aslrboot_measurement *m = &f->env.measure[i];
		m->pcr = (uint32_t)below(s, 24);
		m->size = hf_u64(s);
		/* all 64 bytes may be text: the writer keeps the last as NUL */
		for (size_t j = 0, n = below(s, sizeof(m->description) + 1); j < n; j++)
			m->description[j] = (char)(0x21 + below(s, 0x5e));
	}
	f->env.tpm_log = f->env.measure_present ? hf_u64(s) : 0;
	f->env.info_flags =
		(uint32_t)below(s, 16) & ~(ASLRBOOT_INFO_F_ASLR_OFF | ASLRBOOT_INFO_F_VERBOSE);
	f->env.opts.aslr_off = below(s, 2);
	f->env.opts.verbose = below(s, 2);
	f->seed.sources_used = (uint32_t)hf_u64(s);
	f->seed.credited_bits = (uint32_t)below(s, 513);
	f->seed.flags = (uint32_t)below(s, 4);
	for (size_t i = 0; i < sizeof(f->seed.seed); i++)
		f->seed.seed[i] = (uint8_t)hf_u64(s);
	uint32_t ne = (uint32_t)below(s, HANDOFF_MAX_ENTROPY + 1);
	for (uint32_t i = 0; i < ne; i++)
		f->ent[i] = (struct aslrboot_entropy_entry){ i % ASLRBOOT_SRC_COUNT,
							     (uint32_t)below(s, 6),
							     (uint32_t)below(s, 65),
							     (uint32_t)below(s, 257) };
	for (int i = 0; i < ASLRBOOT_PHASE_COUNT; i++)
		f->tsc[i] = hf_u64(s);
	f->in.env = &f->env;
	f->in.plan = &f->plan;
	f->in.mm = &f->mm;
	f->in.seed = &f->seed;
	f->in.entropy = ne ? f->ent : NULL;
	f->in.entropy_count = ne;
	f->in.tsc = below(s, 4) ? f->tsc : NULL;
	f->in.tsc_hz = hf_u64(s);
	f->in.cr3 = hf_u64(s) & ~UINT64_C(0xfff);
	f->in.kernel_link_base = hf_u64(s) & ~UINT64_C(0xfff);
	/* Drawn last: the values above stay what they were before units. */
	f->plan.nunits = (uint32_t)below(s, LAYOUT_MAX_UNITS + 1);
	f->plan.granularity = (uint32_t)below(s, 3);
	for (uint32_t i = 0; i < f->plan.nunits; i++)
		f->plan.unit[i] = (struct layout_unit){ .link = hf_u64(s),
							.size = hf_u64(s),
							.virt = va_init(hf_u64(s)),
							.phys = pa_init(hf_u64(s)),
							.rec_link = hf_u64(s),
							.rec_size = hf_u64(s),
							.index = (uint32_t)hf_u64(s),
							.prot = (uint32_t)below(s, 8),
							.virt_mbits = (uint32_t)hf_u64(s) };
}
