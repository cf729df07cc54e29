// SPDX-License-Identifier: MIT
/*
 * aslrboot-unify: one signable PE file from aslrboot.efi and a kernel, its
 * command line, an aslrboot.cfg and modules, each in its own section
 * (loader/unified/unified.h).  Host tool.  The kernel gets
 * aslrboot-inspect's verdict, the config the loader's parser, and the
 * output the loader's own unified-image parser before it is renamed into
 * place.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../include/ldr_range.h"
#include "../../include/ldr_unaligned.h"
#include "../log.h"
#include "../unified/unified.h"
#include "inspect.h"

#define TOOL "aslrboot-unify"
#define MAX_INPUT (UINT64_C(1) << 30) /* the loader's cap on a kernel or module */
#define MAX_OUT (UINT64_C(1) << 32)   /* PE file offsets are 32 bits */
/* .kernel .cmdline .config .modstr .sbat and the modules */
#define MAX_NEW (5 + BOOT_MAX_MODULES)
#define SBAT_HEADER "sbat,1,"
#define SBAT_FIELDS 6 /* component, generation, vendor, package, version, url */

static const char usage[] =
	"usage: aslrboot-unify --stub aslrboot.efi --kernel kernel.elf [--cmdline TEXT]\n"
	"                      [--config FILE] [--module FILE[:STRING]]... [--sbat FILE]\n"
	"                      -o OUT.efi\n"
	"\n"
	"Builds a unified image: aslrboot.efi with the kernel, its command line,\n"
	"an aslrboot.cfg and up to 16 modules appended as PE sections, one file to\n"
	"sign (sbsign) and boot.  aslrboot started from it takes its kernel, modules\n"
	"and command line from these sections; an ESP aslrboot.cfg or load options\n"
	"still override them key by key unless Secure Boot is on (README.md).\n"
	"\n"
	"  --stub FILE       aslrboot.efi: an unsigned PE32+ EFI application without\n"
	"                    these sections\n"
	"  --kernel FILE     section .kernel, byte for byte; refused as\n"
	"                    aslrboot-inspect refuses it (under the config's protocol=\n"
	"                    and granularity=)\n"
	"  --cmdline TEXT    section .cmdline: the kernel command line (UTF-8, no\n"
	"                    control characters but tab, up to 4096 bytes)\n"
	"  --config FILE     section .config: aslrboot.cfg syntax, UTF-8 with no\n"
	"                    control characters but tab and line ends; it may not\n"
	"                    set kernel=, module= or cmdline=; verbose=1, aslr=off,\n"
	"                    seed= and granularity=segment get one warning line (the\n"
	"                    image applies them even under Secure Boot)\n"
	"  --module FILE[:STRING]  sections .mod0, .mod1, ... in order; STRING is the\n"
	"                    module's string (\"name args\", default: FILE's base name),\n"
	"                    all of them in section .modstr\n"
	"  --sbat FILE       section .sbat: the image's SBAT revocation metadata, which\n"
	"                    shim (15.3 and later) demands: CSV lines of 6 fields\n"
	"                    (component,generation,vendor,package,version,url),\n"
	"                    printable ASCII, the first line \"sbat,1,SBAT Version,...\"\n"
	"  -o, --output FILE the unified image (written to FILE.tmp, checked with the\n"
	"                    loader's parser, then renamed)\n"
	"  -h, --help        this text\n"
	"\n"
	"New sections are read-only data placed after the stub's last section; the\n"
	"header area grows when the section table needs room; CheckSum is zeroed and\n"
	"a COFF symbol table after the last section is dropped.\n"
	"\n"
	"exit status: 0 written, 1 an input refused (one line\n"
	"  aslrboot-unify: error: <file>: <what>: <field> = 0x<value>: <text> [E_CODE]),\n"
	"2 usage or I/O error\n";

struct blob {
	const char *path;
	uint8_t *data;
	size_t size;
};

struct new_section {
	char name[9];
	const uint8_t *data;
	size_t size;
};

static struct {
	struct blob stub, kernel, config, sbat;
	const char *cmdline, *out;
	uint32_t nmod;
	struct blob mod[BOOT_MAX_MODULES];
	const char *modstring[BOOT_MAX_MODULES];
	char *modstr; /* the .modstr bytes */
	size_t modstr_len;
} in;

static int usage_error(const char *what, const char *arg)
{
	fprintf(stderr, TOOL ": %s%s\n(try --help)\n", what, arg);
	return 2;
}

/* One refusal line; the exit status for it. */
static int refuse(const char *file, const char *what, const char *field, uint64_t value,
		  const char *why, enum ldr_err err)
{
	fprintf(stderr, TOOL ": error: %s: %s: %s = 0x%llx: %s [%s]\n", file, what, field,
		(unsigned long long)value, why, ldr_errname(err));
	return 1;
}

static bool slurp(struct blob *b)
{
	b->data = tool_read_file(TOOL, b->path, MAX_INPUT, &b->size);
	return b->data != NULL;
}

static int parse_error(const char *file, const struct unified_image *u, const struct ldr_diag *d)
{
	char line[512];

	unified_format_error(line, sizeof(line), file, u, d);
	fprintf(stderr, TOOL ": %s\n", line);
	return 1;
}

/* An unsigned PE32+ EFI application without sections of ours. */
static int check_stub(struct unified_image *u)
{
	struct ldr_diag d;

	if (unified_parse(in.stub.data, in.stub.size, UNIFIED_VIEW_FILE, u, &d))
		return parse_error(in.stub.path, u, &d);
	if (u->present)
		return refuse(in.stub.path, "section .kernel", "VirtualSize", u->kernel.size,
			      "already a unified image", LDR_E_UNIFIED);
	if (u->pe.cert_off || u->pe.cert_size)
		return refuse(in.stub.path, "PE header", "certificate table", u->pe.cert_size,
			      "already signed: add sections first, then sign", LDR_E_UNIFIED);
	return 0;
}

/* aslrboot-inspect's verdict on the kernel, under the config's protocol=
 * and granularity=; and a kernel for the stub's machine. */
static int check_kernel(const struct boot_config *cfg, uint16_t pe_machine)
{
	static struct inspect_report r;
	uint16_t want = pe_machine == PE_MACHINE_ARM64 ? ELF_MACHINE_AARCH64 : ELF_MACHINE_X86_64;

	r.tool = TOOL;
	r.path = in.kernel.path;
	r.size = in.kernel.size;
	r.ram = UINT64_C(4) << 30; /* aslrboot-inspect's default */
	r.proto = cfg->opts.protocol;
	r.force_segment = cfg->opts.granularity == BOOT_GRAN_SEGMENT;
	inspect_judge(&r, in.kernel.data, in.kernel.size);
	inspect_units_free(&r);
	if (!r.loadable) {
		fprintf(stderr, TOOL ": %s\n", r.error_line);
		return 1;
	}
	if (r.img.machine != want)
		return refuse(in.kernel.path, "ELF header", "e_machine", r.img.machine,
			      "not the machine the stub runs on", LDR_E_MACHINE);
	return 0;
}

/*
 * A signed image's .config applies even under Secure Boot, so settings
 * that weaken the layout or print it are worth one warning line: allowed
 * (a debugging image may want them), never silent.
 */
static void warn_weakening(const struct boot_config *cfg)
{
	const struct boot_options *o = &cfg->opts;
	uint32_t weak =
		(o->verbose ? CONFIG_KEY_BIT(CONFIG_KEY_VERBOSE) : 0) |
		(o->aslr_off ? CONFIG_KEY_BIT(CONFIG_KEY_ASLR) : 0) |
		(o->fixed_seed_set ? CONFIG_KEY_BIT(CONFIG_KEY_SEED) : 0) |
		(o->granularity == BOOT_GRAN_SEGMENT ? CONFIG_KEY_BIT(CONFIG_KEY_GRANULARITY) : 0);
	char keys[CONFIG_KEY_NAMES_MAX];

	if (!weak)
		return;
	config_key_names(weak, keys, sizeof(keys));
	fprintf(stderr,
		TOOL ": warning: %s: %s: the image applies them even under Secure Boot "
		     "(they print the layout, fix it or coarsen it)\n",
		in.config.path, keys);
}

static int check_config(struct boot_config *cfg)
{
	static const uint32_t own = CONFIG_KEY_BIT(CONFIG_KEY_KERNEL) |
				    CONFIG_KEY_BIT(CONFIG_KEY_MODULE) |
				    CONFIG_KEY_BIT(CONFIG_KEY_CMDLINE);
	struct ldr_diag d;
	char what[32];
	enum unified_text t;
	uint64_t bad;

	config_init(cfg);
	if (!in.config.path)
		return 0;
	if ((t = unified_text_check(in.config.data, in.config.size, true, &bad)))
		return refuse(in.config.path, "config", "offset", bad,
			      t == UNIFIED_TEXT_UTF8 ? "invalid UTF-8 in the config" :
						       "NUL or control character in the config",
			      LDR_E_CONFIG);
	if (config_parse_file(cfg, (const char *)in.config.data, in.config.size, &d)) {
		snprintf(what, sizeof(what), "%s %lld", d.what, (long long)d.index);
		return refuse(in.config.path, what, d.field, d.value, cfg->err_why, d.err);
	}
	for (unsigned k = 0; k < CONFIG_KEY_COUNT; k++)
		if (cfg->keys_seen & own & CONFIG_KEY_BIT(k))
			return refuse(in.config.path, "config", config_key_name(k), 1,
				      "set by the image's own sections (--kernel, --module, "
				      "--cmdline), not by its config",
				      LDR_E_CONFIG);
	warn_weakening(cfg);
	return 0;
}

/*
 * The SBAT CSV shim reads: printable ASCII lines, each of SBAT_FIELDS
 * non-empty comma-separated fields with a decimal generation, the first
 * one the format's own "sbat,1,..." line.  A stub that already has a .sbat
 * section would make two.
 */
static int check_sbat(const struct unified_image *stub)
{
	const uint8_t *p = in.sbat.data;
	size_t n = in.sbat.size, line = 1, field = 0, len = 0;
	bool digits = true;

	if (!in.sbat.path)
		return 0;
	for (uint32_t i = 0; i < stub->pe.nsections; i++)
		if (!strcmp(stub->pe.sect[i].name, ".sbat"))
			return refuse(in.stub.path, "section .sbat", "Name", i,
				      "the stub has its own .sbat already", LDR_E_UNIFIED);
	if (n < sizeof(SBAT_HEADER) - 1 || memcmp(p, SBAT_HEADER, sizeof(SBAT_HEADER) - 1))
		return refuse(in.sbat.path, "sbat", "line", 1, "does not start with \"sbat,1,\"",
			      LDR_E_UNIFIED);
	for (size_t i = 0; i <= n; i++) {
		int ch = i < n ? p[i] : '\n';
		if (ch == ',' || ch == '\n') {
			if (!len || (field == 1 && !digits))
				return refuse(in.sbat.path, "sbat", "line", line,
					      field == 1 ? "generation is not a number" :
							   "empty field",
					      LDR_E_UNIFIED);
			field++;
			len = 0;
			digits = true;
			if (ch == ',')
				continue;
			if (field != SBAT_FIELDS)
				return refuse(in.sbat.path, "sbat", "line", line,
					      "not 6 comma-separated fields", LDR_E_UNIFIED);
			field = 0;
			line++;
			if (i + 1 == n)
				break; /* the last line's newline */
			continue;
		}
		if (ch < 0x20 || ch > 0x7e)
			return refuse(in.sbat.path, "sbat", "offset", i, "not printable ASCII",
				      LDR_E_UNIFIED);
		digits = digits && ch >= '0' && ch <= '9';
		len++;
	}
	return 0;
}

/* The module strings, NUL-terminated one after the other. */
static int build_modstr(void)
{
	size_t len = 0;

	for (uint32_t i = 0; i < in.nmod; i++)
		len += strlen(in.modstring[i]) + 1;
	if (!(in.modstr = malloc(len ? len : 1))) {
		fprintf(stderr, TOOL ": out of memory\n");
		return 2;
	}
	for (uint32_t i = 0; i < in.nmod; i++) {
		size_t n = strlen(in.modstring[i]) + 1;
		memcpy(in.modstr + in.modstr_len, in.modstring[i], n);
		in.modstr_len += n;
	}
	return 0;
}

static uint32_t collect_new(struct new_section *ns)
{
	uint32_t n = 0;

	ns[n++] = (struct new_section){ ".kernel", in.kernel.data, in.kernel.size };
	if (in.cmdline)
		ns[n++] = (struct new_section){ ".cmdline", (const uint8_t *)in.cmdline,
						strlen(in.cmdline) };
	if (in.config.path)
		ns[n++] = (struct new_section){ ".config", in.config.data, in.config.size };
	for (uint32_t i = 0; i < in.nmod; i++) {
		ns[n] = (struct new_section){ "", in.mod[i].data, in.mod[i].size };
		snprintf(ns[n++].name, sizeof(ns->name), ".mod%u", i % BOOT_MAX_MODULES);
	}
	if (in.nmod)
		ns[n++] = (struct new_section){ ".modstr", (const uint8_t *)in.modstr,
						in.modstr_len };
	if (in.sbat.path)
		ns[n++] = (struct new_section){ ".sbat", in.sbat.data, in.sbat.size };
	return n;
}

static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/*
 * The stub's headers (grown by `delta` bytes when the section table needs
 * room) and sections, then the new sections: *out, *out_size.
 */
static int assemble(const struct unified_image *u, uint8_t **out, size_t *out_size)
{
	static struct new_section ns[MAX_NEW];
	const struct pe_info *pe = &u->pe;
	uint32_t n = collect_new(ns), fa = pe->file_align, sa = pe->sect_align;
	uint64_t table_end = pe->sect_off + (uint64_t)(pe->nsections + n) * PE_SECTION_HEADER_SIZE;
	uint64_t headers, delta = 0, raw, va, total, init = 0;
	uint64_t body = pe->raw_end > pe->size_of_headers ? pe->raw_end - pe->size_of_headers : 0;
	uint8_t *b;

	align_up_checked(table_end, fa, &headers);
	if (headers > pe->first_va)
		return refuse(in.stub.path, "PE header", "SizeOfHeaders", headers,
			      "no room for the section table below the first section",
			      LDR_E_UNIFIED);
	if (headers > pe->size_of_headers)
		align_up_checked(headers - pe->size_of_headers, fa, &delta);
	if (delta && pe->debug_size)
		return refuse(in.stub.path, "PE header", "debug directory", pe->debug_size,
			      "holds file offsets: cannot grow the headers", LDR_E_UNIFIED);
	align_up_checked(pe->size_of_headers + delta + body, fa, &raw);
	/* The parser holds every section within SizeOfImage. */
	align_up_checked(pe->size_of_image, sa, &va);
	total = raw;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t r;
		align_up_checked(ns[i].size, fa, &r);
		total += r;
	}
	if (total >= MAX_OUT)
		return refuse(in.out, "output", "size", total, "over 4 GiB", LDR_E_UNIFIED);
	if (!(b = calloc(1, total))) {
		fprintf(stderr, TOOL ": out of memory\n");
		return 2;
	}
	memcpy(b, in.stub.data, pe->size_of_headers);
	memcpy(b + pe->size_of_headers + delta, in.stub.data + pe->size_of_headers, body);
	for (uint32_t i = 0; i < pe->nsections; i++)
		if (pe->sect[i].raw_size)
			put32(b + pe->sect_off + i * PE_SECTION_HEADER_SIZE + 20,
			      pe->sect[i].raw_ptr + (uint32_t)delta);
	for (uint32_t i = 0; i < n; i++) {
		uint8_t *h = b + pe->sect_off + (pe->nsections + i) * PE_SECTION_HEADER_SIZE;
		uint64_t rsize;

		align_up_checked(ns[i].size, fa, &rsize);
		memset(h, 0, PE_SECTION_HEADER_SIZE); /* the stub may pad its headers with code */
		memcpy(h, ns[i].name, strlen(ns[i].name));
		put32(h + 8, (uint32_t)ns[i].size);
		put32(h + 12, (uint32_t)va);
		put32(h + 16, (uint32_t)rsize);
		put32(h + 20, (uint32_t)raw);
		put32(h + 36, UNIFIED_SCN_FLAGS);
		memcpy(b + raw, ns[i].data, ns[i].size);
		raw += rsize;
		init += rsize;
		align_up_checked(va + ns[i].size, sa, &va);
	}
	if (va > UINT32_MAX) {
		free(b);
		return refuse(in.out, "output", "SizeOfImage", va, "over 4 GiB", LDR_E_UNIFIED);
	}
	put16(b + pe->coff_off + 2, (uint16_t)(pe->nsections + n));
	put32(b + pe->coff_off + 8, 0);	 /* PointerToSymbolTable: not copied */
	put32(b + pe->coff_off + 12, 0); /* NumberOfSymbols */
	put32(b + pe->opt_off + 8, (uint32_t)(rd_le32(b + pe->opt_off + 8) + init));
	put32(b + pe->opt_off + 56, (uint32_t)va);
	put32(b + pe->opt_off + 60, (uint32_t)(pe->size_of_headers + delta));
	put32(b + pe->opt_off + 64, 0); /* CheckSum */
	*out = b;
	*out_size = total;
	return 0;
}

static bool same(const uint8_t *buf, struct unified_piece p, const void *data, size_t size)
{
	return p.size == size && !memcmp(buf + p.off, data, size);
}

/* The written file, read back and parsed as the loader would. */
static int verify(const char *tmp)
{
	static struct unified_image u;
	struct blob f = { .path = tmp };
	struct ldr_diag d;
	bool ok;

	if (!slurp(&f))
		return 2;
	if (unified_parse(f.data, f.size, UNIFIED_VIEW_FILE, &u, &d)) {
		free(f.data);
		return parse_error(in.out, &u, &d);
	}
	ok = u.present && same(f.data, u.kernel, in.kernel.data, in.kernel.size) &&
	     u.module_count == in.nmod && same(f.data, u.modstr, in.modstr, in.modstr_len) &&
	     (!in.cmdline || same(f.data, u.cmdline, in.cmdline, strlen(in.cmdline))) &&
	     (!in.config.path || same(f.data, u.config, in.config.data, in.config.size));
	for (uint32_t i = 0; ok && i < in.nmod; i++)
		ok = same(f.data, u.modules[i], in.mod[i].data, in.mod[i].size);
	free(f.data);
	if (!ok) {
		fprintf(stderr, TOOL ": %s: the sections read back differ from the inputs\n", tmp);
		return 2;
	}
	return 0;
}

static int write_out(const uint8_t *b, size_t size)
{
	size_t n = strlen(in.out) + 5;
	char *tmp = malloc(n);
	FILE *f;
	int rc = 2;

	if (!tmp)
		return 2;
	snprintf(tmp, n, "%s.tmp", in.out);
	f = fopen(tmp, "wb");
	if (!f || fwrite(b, 1, size, f) != size || fclose(f)) {
		fprintf(stderr, TOOL ": %s: %s\n", tmp, strerror(errno ? errno : EIO));
		if (f)
			remove(tmp);
	} else if ((rc = verify(tmp))) {
		remove(tmp);
	} else if (rename(tmp, in.out)) {
		fprintf(stderr, TOOL ": %s: %s\n", in.out, strerror(errno));
		remove(tmp);
		rc = 2;
	}
	free(tmp);
	return rc;
}

static int unify(void)
{
	static struct unified_image stub;
	static struct boot_config cfg;
	uint8_t *out = NULL;
	size_t out_size = 0;
	int rc;

	if (!slurp(&in.stub) || !slurp(&in.kernel) || (in.config.path && !slurp(&in.config)) ||
	    (in.sbat.path && !slurp(&in.sbat)))
		return 2;
	for (uint32_t i = 0; i < in.nmod; i++)
		if (!slurp(&in.mod[i]))
			return 2;
	if ((rc = check_stub(&stub)) || (rc = check_sbat(&stub)) || (rc = check_config(&cfg)) ||
	    (rc = check_kernel(&cfg, stub.pe.machine)) || (rc = build_modstr()) ||
	    (rc = assemble(&stub, &out, &out_size)))
		return rc;
	rc = write_out(out, out_size);
	free(out);
	return rc;
}

/* --module FILE[:STRING]: STRING defaults to FILE's base name. */
static int add_module(char *arg)
{
	char *colon = strchr(arg, ':'), *base;

	if (in.nmod == BOOT_MAX_MODULES)
		return usage_error("more than 16 modules: ", arg);
	if (colon)
		*colon = '\0';
	base = strrchr(arg, '/');
	in.mod[in.nmod].path = arg;
	in.modstring[in.nmod++] = colon ? colon + 1 : base ? base + 1 : arg;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "stub", required_argument, NULL, 's' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "cmdline", required_argument, NULL, 'c' },
		{ "config", required_argument, NULL, 'f' },
		{ "module", required_argument, NULL, 'm' },
		{ "sbat", required_argument, NULL, 'b' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, rc;

	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		switch (c) {
		case 's': in.stub.path = optarg; break;
		case 'k': in.kernel.path = optarg; break;
		case 'c': in.cmdline = optarg; break;
		case 'f': in.config.path = optarg; break;
		case 'm':
			if ((rc = add_module(optarg)))
				return rc;
			break;
		case 'b': in.sbat.path = optarg; break;
		case 'o': in.out = optarg; break;
		case 'h': fputs(usage, stdout); return 0;
		default: return usage_error("bad option", "");
		}
	}
	if (optind != argc)
		return usage_error("unexpected argument: ", argv[optind]);
	if (!in.stub.path || !in.kernel.path || !in.out)
		return usage_error("--stub, --kernel and -o are required", "");
	if (in.cmdline && !in.cmdline[0])
		return usage_error("--cmdline: empty (leave it out instead)", "");
	return unify();
}
