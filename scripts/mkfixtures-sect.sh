#!/usr/bin/env bash
# Build real images for section granularity into $1 (build/fixtures): small
# kernel-like programs whose aslrboot note sets ASLRBOOT_NOTE_F_SECTIONS,
# linked with --emit-relocs (-q) and -ffunction-sections -fdata-sections:
#   sect-gcc-pie.elf       gcc + GNU ld, -static-pie, one unit per function
#                          (--unique=.text.*), .eh_frame_hdr
#   sect-gcc-nounwind.elf  the same without unwind tables (no .eh_frame)
#   sect-gcc-kernel.elf    gcc + GNU ld, -fno-pie -mcmodel=kernel, ET_EXEC in
#                          the top 2 GiB (R_X86_64_32S, absolute jump tables)
#   sect-clang-pie.elf     clang + lld, -static-pie (lld merges .text.*:
#                          one unit per output section), no unwind tables
#   sect-clang-relr.elf    the same with --pack-dyn-relocs=relr (DT_RELR)
# and sect.list (one file name per line); and, not listed:
#   sect-clang-ehframe.elf clang + lld with unwind tables: lld's --emit-relocs
#                          records .eh_frame relocations at offsets that do not
#                          match its rewritten .eh_frame, which the loader must
#                          refuse (E_LRELOC_FIELD)
set -euo pipefail
out=${1:?usage: mkfixtures-sect.sh <dir>}
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/sect.c" <<'EOF'
/* Kernel-like code for section granularity: calls, tail calls, function
 * pointers in .data and RELRO, switch jump tables, strings, section bounds. */
typedef unsigned long u64;
__asm__(".pushsection .note.aslrboot,\"a\",@note\n.balign 4\n.long 9, 24, 1\n"
	".asciz \"aslrboot\"\n.balign 4\n.long 1, 1\n.quad 0, 0\n.popsection");
extern const int __start_tbl[], __stop_tbl[];
#define TBL(n) __attribute__((section("tbl"), used)) static const int tbl_##n = n;
TBL(1) TBL(2) TBL(3)
static int counter;
int global_data = 42;
char big_bss[20000];
#define F(n) __attribute__((noinline)) int f##n(int x) { return x * (n + 1) + counter + global_data; }
F(0) F(1) F(2) F(3) F(4) F(5) F(6) F(7) F(8) F(9) F(10) F(11)
__attribute__((noinline)) int tail1(int x) { return f3(x + 2); }
__attribute__((noinline)) int tail2(int x) { return tail1(x ^ 5); }
int (*fptrs[])(int) = { f0, f1, f2, tail1, f4, f5 };
int (*const fro[])(int) = { f6, f7, tail2, f9 };
static int (*const *volatile pro)(int) = fro;
__attribute__((noinline)) int sw(int x)
{
	switch (x) {
	case 0: return 11; case 1: return f10(22); case 2: return f1(3); case 3: return 44;
	case 4: return 55; case 5: return f2(6); case 6: return 77; case 7: return f11(88);
	case 8: return 99; case 9: return 111; default: return -1;
	}
}
__attribute__((noinline)) const char *name(int x)
{
	switch (x & 7) {
	case 0: return "zero"; case 1: return "one"; case 2: return "two"; case 3: return "three";
	case 4: return "four"; case 5: return "five"; case 6: return "six"; default: return "many";
	}
}
const char *strs[] = { "alpha", "beta", "gamma" };
const char *const rostrs[] = { "delta", "epsilon" };
__attribute__((noinline)) u64 bounds(void) { return (u64)(__stop_tbl - __start_tbl); }
void _start(void)
{
	int s = 0;
	for (int i = 0; i < 6; i++) s += fptrs[i](i);
	for (int i = 0; i < 4; i++) s += pro[i](i);
	for (int i = 0; i < 11; i++) s += sw(i) + name(i)[0];
	s += (int)bounds() + strs[1][0] + rostrs[0][1] + f8(1);
	big_bss[s & 4095] = (char)s;
	counter = s;
	for (;;) __asm__ volatile("hlt");
}
EOF

# Many small functions, each calling the next and listed in a pointer table:
# hundreds of units and relocations, spread over the image.
{
	for i in $(seq 0 299); do echo "int g$i(int x);"; done
	for i in $(seq 0 299); do
		echo "__attribute__((noinline)) int g$i(int x) { return x ? g$(((i + 1) % 300))(x - 1) + $i : $i; }"
	done
	printf 'int (*const gtab[])(int) = {'
	for i in $(seq 0 299); do printf ' g%d,' "$i"; done
	echo ' };'
	echo 'int run_g(int x) { return gtab[x % 300](x); }'
} >>"$tmp/sect.c"

common=(-O2 -ffreestanding -nostdlib -fno-stack-protector -fcf-protection=none
	-ffunction-sections -fdata-sections -Wl,-q
	-Wl,-z,max-page-size=4096 -Wl,-z,separate-code -Wl,-z,text -Wl,-z,noexecstack
	-Wl,--build-id=none)
unwind=(-fasynchronous-unwind-tables -Wl,--eh-frame-hdr)
list=()
build() { # name cc extra-flags...
	local name=$1 cc=$2
	shift 2
	"$cc" "${common[@]}" "$@" -o "$out/$name" "$tmp/sect.c"
	list+=("$name")
}

build sect-gcc-pie.elf gcc -fpie -static-pie "${unwind[@]}" '-Wl,--unique=.text.*'
build sect-gcc-nounwind.elf gcc -fpie -static-pie -fno-asynchronous-unwind-tables \
	-fno-unwind-tables '-Wl,--unique=.text.*'
build sect-gcc-kernel.elf gcc -fno-pie -no-pie -static -mcmodel=kernel -mno-red-zone \
	-fno-asynchronous-unwind-tables -Wl,-Ttext-segment=0xffffffff80000000 '-Wl,--unique=.text.*'
nounwind=(-fno-asynchronous-unwind-tables -fno-unwind-tables)
build sect-clang-pie.elf clang -fuse-ld=lld -fpie -static-pie "${nounwind[@]}"
build sect-clang-relr.elf clang -fuse-ld=lld -fpie -static-pie "${nounwind[@]}" \
	-Wl,--pack-dyn-relocs=relr
printf '%s\n' "${list[@]}" >"$out/sect.list"
clang "${common[@]}" -fuse-ld=lld -fpie -static-pie "${unwind[@]}" -o "$out/sect-clang-ehframe.elf" \
	"$tmp/sect.c"
