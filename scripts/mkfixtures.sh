#!/usr/bin/env bash
# Build real PIE fixtures with the host toolchains into $1 (build/fixtures):
#   gcc-static-pie.elf    gcc + GNU ld, -static-pie (RELATIVE only)
#   gcc-exec-pie.elf      gcc + GNU ld, -static-pie at a non-zero base (ET_EXEC + relocations)
#   gcc-shared.elf        gcc + GNU ld, -shared (64, GLOB_DAT, JUMP_SLOT, weak undefined)
#   clang-static-pie.elf  clang + lld, -static-pie
#   clang-relr.elf        clang + lld, --pack-dyn-relocs=relr (DT_RELR)
#   clang-shared.elf      clang + lld, -shared
#   gcc-packed-dtr.elf    gcc + GNU ld, packed GDTR/IDTR templates: RELATIVE at offset 2
#   clang-packed-dtr.elf  clang + lld, the same (RELRO template and RW data)
# and real.list (one file name per line); with the Debian cross toolchain
# (aarch64-linux-gnu-gcc; clang's aarch64 target and lld), AArch64 ones:
#   aa64-gcc-static-pie.elf  GNU ld, -static-pie (R_AARCH64_RELATIVE)
#   aa64-gcc-shared.elf      GNU ld, -shared (ABS64, GLOB_DAT, JUMP_SLOT, weak undefined)
#   aa64-gcc-relr.elf        GNU ld, -z pack-relative-relocs (only if that ld emits DT_RELR)
#   aa64-clang-relr.elf      clang + lld, --pack-dyn-relocs=relr (DT_RELR)
# and aarch64.list (empty without the cross compiler).  Every image uses the
# flags the native protocol asks for: 4 KiB pages, separate code, no text
# relocations.
set -euo pipefail
out=${1:?usage: mkfixtures.sh <dir>}
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/pie.c" <<'EOF'
/* Pointers in data, RELRO and arrays: RELATIVE relocations (RELR runs). */
typedef unsigned long u64;
static int counter;
int global_data = 42;
static const char msg[] = "hello, aslrboot";
static void f1(void) { counter++; }
static void f2(void) { counter += 2; }
void (*const fn_ro[])(void) = { f1, f2, f1 };           /* RELRO */
const char *ptrs[] = { msg, msg + 3, (const char *)&counter, (const char *)&global_data };
void *dense[80] = { [0 ... 79] = (void *)msg };         /* long RELR bitmaps */
void *sparse[40] = { [0] = &counter, [9] = &counter, [39] = &global_data };
u64 plain[16] = { 1, 2, 3, 0xdeadbeef };                /* not relocated */
static char bss[8192];
void _start(void)
{
	for (unsigned i = 0; i < 3; i++)
		fn_ro[i]();
	bss[counter] = (char)(u64)ptrs[0];
	for (;;)
		__asm__ volatile("hlt");
}
EOF

cat >"$tmp/shared.c" <<'EOF'
/* Preemptible symbols in a -shared link: symbol relocations. */
extern int ext_weak __attribute__((weak));    /* undefined weak: GLOB_DAT -> 0 */
int exported = 5;
int *p_exported = &exported;                  /* R_X86_64_64 */
int *p_weak = &ext_weak;                      /* R_X86_64_64, weak undefined */
static int local;
int *p_local = &local;                        /* RELATIVE */
__attribute__((noinline)) int callee(int x) { return x + exported; }
__attribute__((noinline)) int get(void) { return exported + (&ext_weak ? ext_weak : 0); } /* GLOB_DAT */
void _start(void)
{
	local = callee(get());                    /* JUMP_SLOT */
	for (;;)
		__asm__ volatile("hlt");
}
EOF

cat >"$tmp/packed.c" <<'EOF'
/* Packed {u16 limit; u64 base} descriptors, as kernels write their GDTR/IDTR:
 * the pointer sits at offset 2, so its RELATIVE target is not 8-byte aligned
 * (a const one is a RELRO template, read-only after relocation). */
typedef unsigned short u16;
typedef unsigned long u64;
struct dtr { u16 limit; u64 base; } __attribute__((packed));
static const u64 gdt[4] = { 0, 0x00af9a000000ffff, 0x00cf92000000ffff, 0 };
static u64 idt[32];
const struct dtr gdtr = { sizeof(gdt) - 1, (u64)&gdt };
struct dtr idtr = { sizeof(idt) - 1, (u64)&idt };
void _start(void)
{
	__asm__ volatile("lgdt %0; lidt %1" : : "m"(gdtr), "m"(idtr));
	for (;;)
		__asm__ volatile("hlt");
}
EOF

common=(-O2 -ffreestanding -nostdlib -fno-stack-protector -fcf-protection=none
	-Wl,-z,max-page-size=4096 -Wl,-z,separate-code -Wl,-z,text -Wl,-z,noexecstack
	-Wl,--build-id=none)
list=()
build() { # name cc extra-flags...
	local name=$1 cc=$2
	shift 2
	"$cc" "${common[@]}" "$@" -o "$out/$name"
	list+=("$name")
}

build gcc-static-pie.elf gcc -fpie -static-pie "$tmp/pie.c"
build gcc-exec-pie.elf gcc -fpie -static-pie -Wl,-Ttext-segment=0x200000 "$tmp/pie.c"
build gcc-shared.elf gcc -fpic -shared -Wl,-e,_start -Wl,-z,now "$tmp/shared.c"
build clang-static-pie.elf clang -fuse-ld=lld -fpie -static-pie "$tmp/pie.c"
build clang-relr.elf clang -fuse-ld=lld -fpie -static-pie -Wl,--pack-dyn-relocs=relr "$tmp/pie.c"
build clang-shared.elf clang -fuse-ld=lld -fpic -shared -Wl,-e,_start "$tmp/shared.c"
build gcc-packed-dtr.elf gcc -fpie -static-pie "$tmp/packed.c"
build clang-packed-dtr.elf clang -fuse-ld=lld -fpie -static-pie "$tmp/packed.c"

printf '%s\n' "${list[@]}" >"$out/real.list"

# AArch64: the same sources; the x86 halt loops become wfi.
list=()
: >"$out/aarch64.list"
if ! command -v aarch64-linux-gnu-gcc >/dev/null; then
	echo "mkfixtures: no aarch64-linux-gnu-gcc (scripts/deps.sh): no AArch64 fixtures" >&2
	exit 0
fi
sed 's/"hlt"/"wfi"/' "$tmp/pie.c" >"$tmp/pie-aa64.c"
sed 's/"hlt"/"wfi"/' "$tmp/shared.c" >"$tmp/shared-aa64.c"
build aa64-gcc-static-pie.elf aarch64-linux-gnu-gcc -fpie -static-pie "$tmp/pie-aa64.c"
build aa64-gcc-shared.elf aarch64-linux-gnu-gcc -fpic -shared -Wl,-e,_start -Wl,-z,now \
	"$tmp/shared-aa64.c"
# GNU ld emits RELR for AArch64 from binutils 2.41; older ones ignore the flag.
if aarch64-linux-gnu-gcc "${common[@]}" -fpie -static-pie -Wl,-z,pack-relative-relocs \
	-o "$tmp/relr.elf" "$tmp/pie-aa64.c" 2>/dev/null &&
	aarch64-linux-gnu-readelf -d "$tmp/relr.elf" | grep -q '(RELR)'; then
	cp "$tmp/relr.elf" "$out/aa64-gcc-relr.elf"
	list+=(aa64-gcc-relr.elf)
fi
build aa64-clang-relr.elf clang --target=aarch64-linux-gnu -fuse-ld=lld -fpie -static-pie \
	-Wl,--pack-dyn-relocs=relr "$tmp/pie-aa64.c"
printf '%s\n' "${list[@]}" >"$out/aarch64.list"
