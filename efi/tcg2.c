/* SPDX-License-Identifier: MIT */
/*
 * Measured boot through EFI_TCG2_PROTOCOL (TCG EFI Protocol Specification,
 * TPM Family 2.0): every input is hashed, extended into a PCR and logged
 * before the core uses it, and the firmware's event log is copied for the
 * kernel.  gnu-efi has no TCG2 definitions: they are here.
 * PCRs, as systemd-stub and GRUB use them: 11 what aslrboot's own (signed)
 * image holds, 9 files read from the boot volume, 12 parameters (the
 * command line from outside the image, the applied configuration).
 * With the TPM at hand, TPM2_GetRandom gives one more entropy input,
 * mixed in and credited 0 bits.
 */
#include "efi_fe.h"
#include "../loader/config.h"
#include "../loader/libc.h"
#include "../loader/log.h"
#include "../loader/tcg_log.h"
#include "../rand/rand.h"
#include "../rand/sha256.h"

#define PCR_IMAGE 11
#define PCR_FILES 9
#define PCR_PARAMS 12
#define DESC_MAX (sizeof(((struct aslrboot_measurement *)0)->description) - 1)

/* clang-format off */
static EFI_GUID tcg2_guid = { 0x607f766c, 0x7455, 0x42be,
			      { 0x93, 0x0b, 0xe4, 0xd7, 0x6d, 0xb2, 0x72, 0x0f } };
static EFI_GUID final_events_guid = { 0x1e2ed096, 0x30e2, 0x4254,
				      { 0xbd, 0x89, 0x86, 0x3b, 0xbe, 0xf8, 0x23, 0x25 } };
/* clang-format on */

#define TCG2_EVENT_LOG_FORMAT_TCG_2 0x00000002
#define TCG2_EVENT_HEADER_VERSION 1

struct tcg2_version {
	UINT8 major;
	UINT8 minor;
};

/* Natural alignment (not packed), as the specification's C declaration. */
struct tcg2_capability {
	UINT8 size; /* of this structure: the caller's version of it */
	struct tcg2_version structure_version;
	struct tcg2_version protocol_version;
	UINT32 hash_algorithm_bitmap;
	UINT32 supported_event_logs;
	BOOLEAN tpm_present;
	UINT16 max_command_size;
	UINT16 max_response_size;
	UINT32 manufacturer_id;
	UINT32 number_of_pcr_banks;
	UINT32 active_pcr_banks;
};

/* EFI_TCG2_EVENT: packed; the event data follows the header. */
struct __attribute__((packed)) tcg2_event {
	UINT32 size; /* the whole structure, event data included */
	struct __attribute__((packed)) {
		UINT32 header_size; /* of this header: 14 */
		UINT16 header_version;
		UINT32 pcr_index;
		UINT32 event_type;
	} header;
	UINT8 event[DESC_MAX];
};

/* The firmware reads these layouts: pinned to the specification's. */
_Static_assert(sizeof(struct tcg2_capability) == 36, "EFI_TCG2_BOOT_SERVICE_CAPABILITY size");
_Static_assert(__builtin_offsetof(struct tcg2_capability, tpm_present) == 16,
	       "TPMPresentFlag offset");
_Static_assert(sizeof(((struct tcg2_event *)0)->header) == 14, "EFI_TCG2_EVENT_HEADER size");
_Static_assert(__builtin_offsetof(struct tcg2_event, event) == 18, "EFI_TCG2_EVENT.Event offset");

struct tcg2_protocol;
typedef EFI_STATUS(EFIAPI *tcg2_get_capability)(struct tcg2_protocol *self,
						struct tcg2_capability *cap);
typedef EFI_STATUS(EFIAPI *tcg2_get_event_log)(struct tcg2_protocol *self, UINT32 format,
					       EFI_PHYSICAL_ADDRESS *location,
					       EFI_PHYSICAL_ADDRESS *last_entry,
					       BOOLEAN *truncated);
typedef EFI_STATUS(EFIAPI *tcg2_submit_command)(struct tcg2_protocol *self, UINT32 in_size,
						UINT8 *in, UINT32 out_size, UINT8 *out);
typedef EFI_STATUS(EFIAPI *tcg2_hash_log_extend_event)(struct tcg2_protocol *self, UINT64 flags,
						       EFI_PHYSICAL_ADDRESS data, UINT64 len,
						       struct tcg2_event *event);

struct tcg2_protocol {
	tcg2_get_capability get_capability;
	tcg2_get_event_log get_event_log;
	tcg2_hash_log_extend_event hash_log_extend_event;
	tcg2_submit_command submit_command;
	void *get_active_pcr_banks;
	void *set_active_pcr_banks;
	void *get_result_of_set_active_pcr_banks;
};

static char config_text[CONFIG_RENDER_MAX];

/* The protocol, if the firmware has it and a TPM is present. */
static struct tcg2_protocol *tcg2_find(struct efi_ctx *c)
{
	struct tcg2_protocol *t = NULL;
	struct tcg2_capability cap;

	if (EFI_ERROR(c->bs->LocateProtocol(&tcg2_guid, NULL, (void **)&t)) || !t)
		return NULL;
	__builtin_memset(&cap, 0, sizeof(cap));
	cap.size = sizeof(cap);
	if (EFI_ERROR(t->get_capability(t, &cap)) || !cap.tpm_present)
		return NULL;
	return t;
}

/* Hash, extend and log one input; its entry in env->measure. */
static void measure(struct efi_ctx *c, struct tcg2_protocol *t, uint32_t pcr, const void *data,
		    uint64_t size, const char *desc)
{
	struct boot_env *env = &c->env;
	struct aslrboot_measurement *m = &env->measure[env->measure_count++];
	struct tcg2_event ev;
	uint64_t t0 = efi_timestamp(NULL);
	size_t n = 0;
	EFI_STATUS s;

	while (desc[n] && n < DESC_MAX)
		n++;
	__builtin_memset(m, 0, sizeof(*m));
	m->pcr = pcr;
	m->event_type = ASLRBOOT_TCG_EV_IPL;
	m->size = size;
	__builtin_memcpy(m->description, desc, n);
	rand_sha256(data, size, m->sha256);
	__builtin_memset(&ev, 0, sizeof(ev));
	ev.size = (UINT32)(sizeof(ev) - sizeof(ev.event) + n);
	ev.header.header_size = sizeof(ev.header);
	ev.header.header_version = TCG2_EVENT_HEADER_VERSION;
	ev.header.pcr_index = pcr;
	ev.header.event_type = ASLRBOOT_TCG_EV_IPL;
	__builtin_memcpy(ev.event, desc, n);
	s = t->hash_log_extend_event(t, 0, (EFI_PHYSICAL_ADDRESS)(uintptr_t)data, size, &ev);
	m->ticks = efi_timestamp(NULL) - t0;
	/* EFI_VOLUME_FULL: extended, but the log had no room for the event. */
	m->status = EFI_ERROR(s) && s != EFI_VOLUME_FULL ? ASLRBOOT_MEAS_FAILED :
							   ASLRBOOT_MEAS_EXTENDED;
	if (s == EFI_VOLUME_FULL) {
		env->measure_flags |= ASLRBOOT_MEASURE_F_LOG_TRUNCATED;
		log_printf("warning: measured boot: %s: extended into PCR %u, not logged: "
			   "the event log is full\n",
			   m->description, pcr);
	} else if (EFI_ERROR(s)) {
		log_printf("warning: measured boot: %s: not extended into PCR %u: %s\n",
			   m->description, pcr, efi_status_str(s));
	}
}

/*
 * Copy the firmware's log, from its start to the end of its last entry,
 * into fresh loader pages the layout avoids: the firmware's own copy is
 * boot-services memory the kernel may reuse.  The walk from the header to
 * the last entry checks every entry's size before anything is copied.
 */
static void copy_log(struct efi_ctx *c, struct tcg2_protocol *t)
{
	struct boot_env *env = &c->env;
	EFI_PHYSICAL_ADDRESS loc = 0, last = 0, pa;
	BOOLEAN truncated = FALSE;
	struct tcg_log l;
	struct tcg_event e;
	uint64_t off, end;
	EFI_STATUS s;

	s = t->get_event_log(t, TCG2_EVENT_LOG_FORMAT_TCG_2, &loc, &last, &truncated);
	if (EFI_ERROR(s) || !loc || last < loc) {
		log_printf("warning: measured boot: no event log: %s\n",
			   EFI_ERROR(s) ? efi_status_str(s) : "none given");
		return;
	}
	if (truncated)
		env->measure_flags |= ASLRBOOT_MEASURE_F_LOG_TRUNCATED;
	end = last - loc + TCG_LOG_MAX_EVENT; /* what the last entry may span */
	if (!tcg_log_open(&l, (const void *)(uintptr_t)loc, end)) {
		log_printf("warning: measured boot: event log: not in the crypto-agile format\n");
		return;
	}
	for (off = l.first; off < last - loc; off += e.size)
		if (!tcg_log_event(&l, l.p + off, end - off, &e))
			break;
	if (off != last - loc || !tcg_log_event(&l, l.p + off, end - off, &e)) {
		log_printf("warning: measured boot: event log: entry at offset %llu malformed\n",
			   (unsigned long long)off);
		return;
	}
	end = off + e.size;
	if (env->reserved_count >= BOOT_MAX_RESERVED ||
	    EFI_ERROR(efi_alloc_pages(c, AllocateAnyPages, EFI_SIZE_TO_PAGES(end), &pa))) {
		log_printf("warning: measured boot: event log: no memory for a copy\n");
		return;
	}
	__builtin_memcpy((void *)(uintptr_t)pa, l.p, end);
	env->reserved[env->reserved_count++] =
		(struct boot_range){ pa, EFI_SIZE_TO_PAGES(end) * EFI_PAGE_SIZE };
	env->tpm_log = pa;
	env->tpm_log_size = end;
}

static uint64_t final_events(EFI_SYSTEM_TABLE *st)
{
	for (UINTN i = 0; i < st->NumberOfTableEntries; i++) {
		const EFI_CONFIGURATION_TABLE *t = &st->ConfigurationTable[i];
		if (!__builtin_memcmp(&t->VendorGuid, &final_events_guid, sizeof(EFI_GUID)))
			return (uint64_t)(uintptr_t)t->VendorTable;
	}
	return 0;
}

/* TPM 2.0 commands are big-endian: tag, size, code, parameters. */
#define TPM_RANDOM_BYTES 32

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * TPM2_GetRandom through SubmitCommand: TPM_RANDOM_BYTES bytes as one more
 * input to the pool, credited 0 bits.  The TPM's generator is not vetted
 * here, and a discrete TPM's bus can be watched or driven by whoever
 * holds the board: the bytes can only add unpredictability, never stand
 * in for the sources that earn credit.
 */
static void tpm_random(struct tcg2_protocol *t, struct boot_entropy_input *in)
{
	/* TPM_ST_NO_SESSIONS, size 12, TPM_CC_GetRandom, bytesRequested */
	uint8_t cmd[12] = { 0x80, 0x01, 0, 0, 0, 12, 0, 0, 0x01, 0x7b, 0, TPM_RANDOM_BYTES };
	uint8_t rsp[12 + TPM_RANDOM_BYTES];
	EFI_STATUS s;

	__builtin_memset(in, 0, sizeof(*in));
	__builtin_memset(rsp, 0, sizeof(rsp));
	in->source = ASLRBOOT_SRC_TPM;
	in->status = ASLRBOOT_ENT_FAILED;
	s = t->submit_command(t, sizeof(cmd), cmd, sizeof(rsp), rsp);
	/* The response: tag, size, code 0, then TPM2B_DIGEST {u16 size, bytes}. */
	if (!EFI_ERROR(s) && be32(rsp + 2) == sizeof(rsp) && !be32(rsp + 6) && rsp[10] == 0 &&
	    rsp[11] == TPM_RANDOM_BYTES) {
		__builtin_memcpy(in->bytes, rsp + 12, TPM_RANDOM_BYTES);
		in->len = TPM_RANDOM_BYTES;
		in->status = ASLRBOOT_ENT_OK;
	}
	rand_wipe(rsp, sizeof(rsp));
}

void efi_measure_inputs(struct efi_ctx *c)
{
	struct boot_env *env = &c->env;
	struct tcg2_protocol *t = c->tcg2 = tcg2_find(c);
	const char *cmdline = env->cmdline ? env->cmdline : "";
	const char *kernel = c->kernel_embedded ? ".kernel" : c->cfg.kernel;
	char desc[DESC_MAX + 1];
	size_t n;

	if (!t)
		return;
	env->measure_present = true;
	ldr_snprintf(desc, sizeof(desc), "aslrboot kernel %s", kernel);
	measure(c, t, c->kernel_embedded ? PCR_IMAGE : PCR_FILES, env->kernel, env->kernel_size,
		desc);
	measure(c, t, c->cmdline_embedded ? PCR_IMAGE : PCR_PARAMS, cmdline, strlen(cmdline),
		"aslrboot cmdline");
	n = config_render(env, kernel, config_text, sizeof(config_text));
	measure(c, t, PCR_PARAMS, config_text,
		n < sizeof(config_text) ? n : sizeof(config_text) - 1, "aslrboot config");
	for (uint32_t i = 0; i < env->module_count; i++) {
		const struct boot_module *m = &env->modules[i];
		ldr_snprintf(desc, sizeof(desc), "aslrboot module %s", m->string);
		measure(c, t, c->modules_embedded ? PCR_IMAGE : PCR_FILES,
			(const void *)(uintptr_t)m->phys, m->size, desc);
	}
	copy_log(c, t);
	env->tpm_final_events = final_events(c->st);
}

bool efi_tpm_random(struct efi_ctx *c, struct boot_entropy_input *in)
{
	if (c->tcg2)
		tpm_random(c->tcg2, in);
	return c->tcg2 != NULL;
}
