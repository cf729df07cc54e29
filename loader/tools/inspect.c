// SPDX-License-Identifier: MIT
/*
 * aslrboot-inspect: would aslrboot load this kernel, and how random would it
 * be?  Host tool.  The verdict comes from the loader's own code (elf_parse,
 * then layout_plan over a synthetic memory map); the listing comes from
 * libelf (elfview.c), a second reader that shares nothing with elf/.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../validate.h"
#include "../log.h"
#include "inspect.h"

#define DEFAULT_RAM (UINT64_C(4) << 30)
#define MIN_RAM (UINT64_C(16) << 20)
#define MAX_RAM (UINT64_C(1) << 46)  /* 64 TiB: the direct map's reach */
#define MAX_FILE (UINT64_C(2) << 30) /* the validator's caps are far below */

static const char usage[] =
	"usage: aslrboot-inspect [--json] [--ram SIZE] [--policy auto|native|linux64]\n"
	"                        [--granularity segment|section] kernel.elf\n"
	"\n"
	"Says whether aslrboot would load kernel.elf and how much entropy each region\n"
	"of its layout would get.  An x86-64 kernel is judged as the x86-64 loader\n"
	"would, an AArch64 one as the arm64 loader would (same validator, layout and\n"
	"virtual address split; linux64 is x86-64 only); any other e_machine is\n"
	"refused (E_MACHINE).\n"
	"\n"
	"  verdict      the loader's own validator (elf/) under the chosen policy, then,\n"
	"               for native, the real layout planner; on rejection the exit\n"
	"               status is 1 and stderr gets the loader's exact error line:\n"
	"                 error: <file>: <what> <n>: <field> = 0x<value>: <text> [E_CODE]\n"
	"  listing      from libelf: program headers with permissions, RELRO, the\n"
	"               dynamic relocation tables and relocation counts by type, the\n"
	"               aslrboot note (stack/heap request)\n"
	"  entropy      layout_plan over a memory map with SIZE bytes of USABLE RAM at\n"
	"               physical 0 (the planner skips the first MiB), no modules, a\n"
	"               fixed layout key: per region log2(number of equally likely\n"
	"               slots) for its virtual and physical placement, in bits.  The\n"
	"               addresses themselves are not printed.\n"
	"  units        at section granularity (the aslrboot note's sections flag, an\n"
	"               image linked with --emit-relocs): every allocatable section\n"
	"               with its link range, size, protection and the bits of its own\n"
	"               virtual and physical placement, the window's bits, and the\n"
	"               entropy of the whole arrangement (window + the sum of the\n"
	"               units' bits); the link-time relocations by type\n"
	"  placement    whether the regions fit in SIZE bytes on every draw: the plan\n"
	"               over 1000 layout keys, how many had a placement whose entropy\n"
	"               tight memory reduced, or packed (0 bits), and the lowest\n"
	"               physical entropy seen\n"
	"\n"
	"options:\n"
	"  --json            print one JSON object instead of text\n"
	"  --ram SIZE        usable RAM for the entropy report (default 4G); a number\n"
	"                    with an optional K, M, G or T suffix (powers of 1024),\n"
	"                    16M to 64T\n"
	"  --policy auto     the loader's default (protocol=auto): native, or linux64\n"
	"                    when the native validator refuses an image that is\n"
	"                    self-relocating, not W^X-incompatible (or carries\n"
	"                    Linux's ELF note), and movable or a declared\n"
	"                    boot-protocol kernel (PVH or Linux note); prints the\n"
	"                    loader's \"why\" line or its hint (default)\n"
	"  --policy native   the native protocol: aslrboot relocates the kernel and\n"
	"                    maps it W^X\n"
	"  --policy linux64  a self-relocating x86-64 kernel (Linux x86 64-bit boot\n"
	"                    protocol): W^X and relocation rules do not apply; no\n"
	"                    entropy report\n"
	"  --granularity section  as the loader's default: every allocatable section\n"
	"                    on its own when the note asks for it and the image keeps\n"
	"                    its link-time relocations (default)\n"
	"  --granularity segment  as the loader's granularity=segment: one slide for\n"
	"                    the whole image\n"
	"  -h, --help        this text\n"
	"\n"
	"exit status: 0 loadable, 1 not loadable, 2 usage or I/O error\n";

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "aslrboot-inspect: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n(try --help)\n");
	return 2;
}

/* "4G", "512M", "1073741824": powers of 1024, whole bytes only. */
static bool parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long n;
	unsigned shift = 0;

	errno = 0;
	n = strtoull(s, &end, 0);
	if (errno || end == s || s[0] == '-')
		return false;
	switch (*end) {
	/* clang-format off */
	case 'T': case 't': shift = 40; break;
	case 'G': case 'g': shift = 30; break;
	case 'M': case 'm': shift = 20; break;
	case 'K': case 'k': shift = 10; break;
		/* clang-format on */
	}
	if (shift && (!strcmp(end + 1, "") || !strcmp(end + 1, "i") || !strcmp(end + 1, "iB")))
		end += strlen(end); /* "4G", "4Gi", "4GiB" */
	if (*end || (shift && n > (UINT64_MAX >> shift)))
		return false;
	*out = (uint64_t)n << shift;
	return true;
}

static int inspect(struct inspect_report *r, bool json)
{
	size_t size;
	uint8_t *buf = tool_read_file("aslrboot-inspect", r->path, MAX_FILE, &size);

	if (!buf)
		return 2;
	r->size = size;
	r->view_ok = ev_open(&r->view, buf, size) == 0;
	inspect_judge(r, buf, size);
	if (json)
		inspect_print_json(r);
	else
		inspect_print_text(r);
	if (!r->loadable)
		fprintf(stderr, "%s\n", r->error_line);
	if (r->verdict.hint)
		fprintf(stderr, "hint: %s\n", r->verdict.hint);
	if (r->sections_unusable)
		fprintf(stderr, "warning: %s: %s\n", r->path, VALIDATE_WARN_NO_LRELOCS);
	inspect_units_free(r);
	ev_close(&r->view);
	free(buf);
	return r->loadable ? 0 : 1;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "ram", required_argument, NULL, 'r' },
		{ "policy", required_argument, NULL, 'p' },
		{ "granularity", required_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct inspect_report r;
	bool json = false;
	int c;

	r.tool = "aslrboot-inspect";
	r.ram = DEFAULT_RAM;
	r.policy_name = "auto";
	r.proto = BOOT_PROTO_AUTO;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'r':
			if (!parse_size(optarg, &r.ram) || r.ram < MIN_RAM || r.ram > MAX_RAM)
				return usage_error("bad --ram '%s': want 16M..64T", optarg);
			break;
		case 'p':
			if (!strcmp(optarg, "auto"))
				r.proto = BOOT_PROTO_AUTO;
			else if (!strcmp(optarg, "native"))
				r.proto = BOOT_PROTO_NATIVE;
			else if (!strcmp(optarg, "linux64"))
				r.proto = BOOT_PROTO_LINUX64;
			else
				return usage_error("bad --policy '%s': auto, native or linux64",
						   optarg);
			r.policy_name = optarg;
			break;
		case 'g':
			if (strcmp(optarg, "segment") && strcmp(optarg, "section"))
				return usage_error("bad --granularity '%s': segment or section",
						   optarg);
			r.force_segment = !strcmp(optarg, "segment");
			break;
		case 'h': fputs(usage, stdout); return 0;
		default: return usage_error("%s", "bad option");
		}
	}
	if (optind != argc - 1)
		return usage_error("%s", "need exactly one kernel.elf");
	r.path = argv[optind];
	return inspect(&r, json);
}
