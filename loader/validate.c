/* SPDX-License-Identifier: MIT */
/*
 * The validate stage (validate.h): the kernel checked as hostile input for
 * either protocol, and the protocol chosen.
 */
#include "validate.h"

#include "arch/arch.h"
#include "log.h"
#include "protos/proto.h"
#include "state.h"

enum ldr_err validate_choose(const void *buf, uint64_t size, uint16_t machine, uint32_t proto,
			     bool aslr_off, struct elf_image *img, struct validate_verdict *v,
			     struct ldr_diag *d)
{
	struct ldr_diag nd = { 0 }, ld = { 0 };
	enum ldr_err err, werr;
	bool auto_ = proto == BOOT_PROTO_AUTO;

	*v = (struct validate_verdict){ .proto = proto, .aslr_off = aslr_off };
	/* The Linux x86 boot protocol exists on x86-64 only (arch.h). */
	if (proto == BOOT_PROTO_LINUX64 && !LDR_ARCH_LINUX64)
		return ldr_fail(d, LDR_E_CONFIG, "protocol=linux64 is x86-64 only", -1, "protocol",
				proto);
	if (proto == BOOT_PROTO_LINUX64) {
		err = elf_parse(buf, size, machine, ELF_POL_LINUX64, img, d);
		v->linux64 = !err;
		return err;
	}
	err = elf_parse(buf, size, machine, aslr_off ? ELF_POL_ALLOW_EXEC_NORELOC : 0, img, &nd);
	/* aslr=off lets the native validator take an ET_EXEC without
	 * relocations; a boot-protocol kernel not written for us still goes on
	 * to the linux64 checks, as it would with aslr=on. */
	if (!err && aslr_off && auto_ && !img->has_note &&
	    (img->has_pvh_note || img->has_linux_note))
		err = elf_parse(buf, size, machine, 0, img, &nd);
	if (d)
		*d = nd;
	if (!err || !auto_ || !LDR_ARCH_LINUX64)
		return err;
	/* Written for us (an aslrboot note), or not even self-relocating. */
	if (elf_parse(buf, size, machine, ELF_POL_LINUX64, img, &ld) || img->has_note)
		return err;
	/* Never turn a W^X refusal into an RWX boot unless the image says it is
	 * Linux; whichever native error came first. */
	if (!img->has_linux_note && (werr = elf_wx_scan(img, &ld))) {
		if (d)
			*d = ld;
		v->hint = VALIDATE_HINT_WX;
		return werr;
	}
	/* Neither movable nor a boot-protocol kernel: a native kernel linked
	 * without -pie, most likely; booting it without any ASLR is not a
	 * default. */
	if (img->movable == ELF_MOVE_NONE && !img->has_pvh_note) {
		v->hint = VALIDATE_HINT_FIXED;
		return err;
	}
	v->linux64 = true;
	v->native = err;
	return LDR_OK;
}

enum ldr_err validate_granularity(const struct elf_image *img, uint32_t option, uint32_t *gran,
				  bool *warn, struct ldr_diag *d)
{
	*warn = img->sec.wanted && !img->sec.usable;
	*gran = img->sec.usable && option != BOOT_GRAN_SEGMENT ? ASLRBOOT_GRANULARITY_SECTION :
								 ASLRBOOT_GRANULARITY_SEGMENT;
	/* Without dynamic relocations, a slide by segment would run the image
	 * with every absolute reference still at its link value. */
	if (*gran == ASLRBOOT_GRANULARITY_SEGMENT && img->sec.only_sections)
		return ldr_fail(d, LDR_E_CONFIG, "option", -1, "granularity", option);
	return LDR_OK;
}

void validate_why(const struct validate_verdict *v, const struct elf_image *img, char *buf,
		  size_t n)
{
	static const char *const sign[] = {
		[ELF_MOVE_ET_DYN] = "ET_DYN",
		[ELF_MOVE_DYNAMIC] = "PT_DYNAMIC",
		[ELF_MOVE_LINUX_NOTE] = "Linux ELF note",
	};
	char first[64];

	if (v->proto == BOOT_PROTO_LINUX64)
		ldr_snprintf(first, sizeof(first), "protocol=linux64");
	else
		ldr_snprintf(first, sizeof(first), "native load refused (%s)",
			     ldr_errname(v->native));
	if (img->movable == ELF_MOVE_NONE)
		ldr_snprintf(buf, n,
			     "%s; not relocatable (not ET_DYN, no PT_DYNAMIC, no Linux ELF "
			     "note): loaded at its link address 0x%llx, no physical ASLR",
			     first, (unsigned long long)img->link_base);
	else
		ldr_snprintf(buf, n, "%s; movable (%s): %s", first, sign[img->movable],
			     v->aslr_off ? "lowest free base (aslr=off)" : "random physical base");
}

/*
 * validate_choose into s->img; log the diag (and the hint) on error
 * (E_NO_KERNEL without a kernel), or the one "linux64: <why>" line when
 * linux64 is taken.
 */
enum ldr_err stage_validate(struct loader_state *s)
{
	struct validate_verdict v;
	struct ldr_diag d = { 0 };
	enum ldr_err err;

	if (!s->env->kernel || !s->env->kernel_size) {
		d = (struct ldr_diag){ .err = LDR_E_NO_KERNEL, .what = "kernel", .index = -1 };
		return stage_diag(s, LDR_E_NO_KERNEL, &d);
	}
	/* Only images for the architecture the loader runs on. */
	err = validate_choose(s->env->kernel, s->env->kernel_size, ELF_MACHINE_NATIVE,
			      s->env->opts.protocol, s->env->opts.aslr_off, &s->img, &v, &d);
	if (err) {
		stage_diag(s, err, &d);
		if (v.hint)
			log_printf("aslrboot: hint: %s\n", v.hint);
		return err;
	}
	s->proto = &proto_native;
	if (!v.linux64) {
		uint32_t gran;
		bool warn;

		err = validate_granularity(&s->img, s->env->opts.granularity, &gran, &warn, &d);
		if (warn)
			log_printf("warning: %s: %s\n", stage_kname(s), VALIDATE_WARN_NO_LRELOCS);
		if (err) {
			stage_diag(s, err, &d);
			log_printf("aslrboot: hint: %s\n", VALIDATE_HINT_ONLY_SECTIONS);
			return err;
		}
		s->sections = gran == ASLRBOOT_GRANULARITY_SECTION;
	}
#if LDR_ARCH_LINUX64
	if (v.linux64) {
		char why[192];

		validate_why(&v, &s->img, why, sizeof(why));
		log_printf(
			"linux64: %s; booting with the Linux 64-bit protocol, W^X NOT enforced\n",
			why);
		s->proto = &proto_linux64;
	}
#endif
	stage_mark(s, ASLRBOOT_PHASE_VALIDATE);
	return LDR_OK;
}
