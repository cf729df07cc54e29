#!/usr/bin/env bash
# Generate the benchmark inputs (tests/bench/) into OUT (default
# build/bench/gen): static-PIE kernels of three sizes for the host
# microbenchmarks, and glibc PIEs with the same relocation tables for the
# ld.so reference.  Relocations are R_X86_64_RELATIVE from `.quad sym` in
# .data.rel.ro (RELRO); -z pack-relative-relocs gives the RELR variant.
# k-lrel-100k is the section-granularity input: 1000 functions, each its
# own section (--unique), 100 link-time relocations each (PC32 and PLT32,
# kept by --emit-relocs), the aslrboot note asking for section granularity.
# Usage: scripts/bench-gen.sh [OUT]     (GEN_SMALL=1: the "64m" and "1m"
# inputs shrink to 100k relocations and 1 MiB, for the smoke test)
set -euo pipefail
out=${1:-build/bench/gen}
cc=${KERNEL_CC:-gcc}
mkdir -p "$out"
kflags=(-static-pie -nostdlib -fpie -Wl,-z,max-page-size=4096 -Wl,-z,separate-code
	-Wl,-z,text -Wl,-z,relro -Wl,-z,now -Wl,-z,noexecstack -Wl,--no-dynamic-linker
	-Wl,--build-id=none)

# table.S: NREL pointers in RELRO, PAD bytes of non-zero data.
table() { # nrel pad
	cat <<ASM
	.section .data.rel.ro,"aw"
	.balign 8
	.globl bench_tab
bench_tab:
	.rept $1
	.quad bench_anchor
	.endr
	.data
	.globl bench_anchor
bench_anchor:
	.quad 0
	.fill $2, 1, 0x5a
	.section .note.GNU-stack,"",@progbits
ASM
}

kernel() { # name nrel pad relr
	local src=$out/$1.S relr=()
	[ "$4" = 1 ] && relr=(-Wl,-z,pack-relative-relocs)
	{ table "$2" "$3"; cat <<'ASM'
	.text
	.globl _start
_start:	hlt
	jmp _start
ASM
	} >"$src"
	"$cc" "${kflags[@]}" "${relr[@]}" "$src" -o "$out/$1.elf"
}

# lrel NAME NFUNC PER: NFUNC functions in sections .text.f<i>, each with PER
# references to others (lea: PC32, call: PLT32), linked with --emit-relocs.
lrel() {
	awk -v n="$2" -v per="$3" 'BEGIN {
		print "\t.section .note.aslrboot, \"a\", @note\n\t.balign 4\n\t.long 9, 24, 1"
		print "\t.asciz \"aslrboot\"\n\t.balign 4\n\t.long 1, 1\n\t.quad 0, 0"
		for (i = 0; i < n; i++) {
			printf "\t.section .text.f%d,\"ax\",@progbits\n\t.globl f%d\nf%d:\n", i, i, i
			for (j = 0; j < per; j++)
				printf j % 2 ? "\tcall f%d\n" : "\tlea f%d(%%rip), %%rax\n", (i + 1 + j * 7) % n
			print "\tret"
		}
		print "\t.text\n\t.globl _start\n_start:\tcall f0\n1:\thlt\n\tjmp 1b"
		print "\t.section .note.GNU-stack,\"\",@progbits"
	}' >"$out/$1.S"
	"$cc" "${kflags[@]}" -Wl,--emit-relocs -Wl,--unique='.text.*' "$out/$1.S" -o "$out/$1.elf"
}

pie() { # name nrel relr
	local relr=()
	[ "$3" = 1 ] && relr=(-Wl,-z,pack-relative-relocs)
	table "$2" 0 >"$out/$1.S"
	printf 'int main(void) { return 0; }\n' >"$out/main.c"
	"$cc" -O2 -fpie -pie -Wl,-z,now -Wl,-z,relro "${relr[@]}" "$out/main.c" "$out/$1.S" -o "$out/$1"
}

big=1000000 pad=$((56 << 20))
[ "${GEN_SMALL:-0}" = 1 ] && big=100000 pad=$((1 << 20))
kernel k-small 1000 0 0
kernel k-2m 30000 $((1792 << 10)) 0
kernel k-100k-rela 100000 0 0
kernel k-100k-relr 100000 0 1
kernel k-64m-rela $big $pad 0
kernel k-64m-relr $big $pad 1
lrel k-lrel-100k 1000 100
pie pie-0 0 0
pie pie-100k-rela 100000 0
pie pie-1m-rela $big 0
pie pie-100k-relr 100000 1
pie pie-1m-relr $big 1
rm -f "$out"/*.S "$out/main.c"
