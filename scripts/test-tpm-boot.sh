#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Measured boot under OVMF with a software TPM (swtpm, QEMU tpm-tis):
#  1. tpm: the test kernel from the ESP with two modules and a command line.
#     The PCRs are read back from the TPM itself after QEMU exits
#     (scripts/tpm-pcrread.py over swtpm's control socket), and PCR 9 (the
#     kernel, then each module) and PCR 12 (the command line, then the
#     applied configuration's canonical text) must equal the values this
#     script computes from the files.  The test kernel checks the MEASURE
#     record against what it was handed and prints the firmware's event log
#     copy and final-events table as hex: tpm2_eventlog's replay of them
#     must equal the TPM's value of every PCR they name.
#     TPM2_GetRandom is one more entropy input, credited 0 bits.
#  2. notpm: the same boot without a TPM: passes, no MEASURE record, no TPM
#     entropy entry.
#  3. uki: a unified image (aslrboot-unify) holding the kernel, its command
#     line, a config and a module: PCR 11 = kernel, command line, module
#     (what the signed image holds), PCR 12 = the configuration text, PCR 9
#     untouched.
#  4. sb: the unified image signed with Debian's OVMF test key, booted under
#     OVMF's Secure Boot build (SMM, the test keys enrolled): PCR 11 and 12
#     equal the unsigned image's, PCR 7 (the firmware's Secure Boot policy)
#     differs, and the log's replay equals the TPM.
#  5. cost: a 16 MiB kernel (the test kernel padded with zeros): the record's
#     ticks for the kernel entry over TIMINGS' tsc_hz give the time per MiB;
#     the same kernel without a TPM gives the file-read phase's difference.
# Each boot has a hard 120 s limit; every swtpm started here is stopped on
# every exit path.
cd "$(dirname "$0")/.." || exit 1
. scripts/efi-test-lib.sh
need "$EFI" "$KERNEL" "$B/aslrboot-unify"
for tool in swtpm tpm2_eventlog python3 sbsign openssl; do
	command -v "$tool" >/dev/null ||
		{ echo "FAIL $tool missing (scripts/deps.sh)"; echo "RESULT passed=0 failed=1"; exit 1; }
done

tpm_pids=()
stop_tpms() {
	for p in "${tpm_pids[@]}"; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	tpm_pids=()
}
trap stop_tpms EXIT
trap 'exit 143' TERM INT # through the EXIT trap

# start_tpm NAME: a fresh swtpm (TPM 2.0) with its state in $T/NAME.tpm;
# QEMU connects to $T/NAME.tpm/ctrl.  Waits until the socket is there.
start_tpm() {
	local d=$T/$1.tpm
	rm -rf "$d" && mkdir -p "$d"
	# Under timeout: not even a SIGKILL of this script leaves it running.
	timeout 600 swtpm socket --tpm2 --tpmstate dir="$d" --ctrl type=unixio,path="$d/ctrl" \
		--log file="$d/log" &
	tpm_pids+=($!)
	for _ in $(seq 50); do
		[ -S "$d/ctrl" ] && return 0
		sleep 0.1
	done
	return 1
}
tpm_args() {
	echo -chardev "socket,id=chrtpm,path=$T/$1.tpm/ctrl" -tpmdev emulator,id=tpm0,chardev=chrtpm \
		-device tpm-tis,tpmdev=tpm0
}

# PCR arithmetic: extend START DIGEST... -> hex of the PCR after extending
# each SHA-256 digest (hex) in turn; sha FILE -> hex digest.
extend() {
	python3 -c 'import hashlib, sys
v = bytes.fromhex(sys.argv[1])
for d in sys.argv[2:]:
    v = hashlib.sha256(v + bytes.fromhex(d)).digest()
print(v.hex())' "$@"
}
sha() { sha256sum "$1" | cut -d' ' -f1; }
ZERO=$(printf '0%.0s' $(seq 64))
# The test kernel's hex lines with TAG -> bytes in FILE.
unhex() {
	grep -a "^aslrboot-test-kernel: $2 " "$T/$1.log" | sed "s/.* $2 //" | tr -d '\n' |
		python3 -c 'import sys; sys.stdout.buffer.write(bytes.fromhex(sys.stdin.read()))' >"$3"
}

head -c 70001 /dev/urandom >"$T/tpm-mod1.bin"
head -c 4096 /dev/urandom >"$T/tpm-mod2.bin"
CMDLINE='expect_measure tpmlog echo measured verbose'
esp tpm "$EFI" "$KERNEL" "$(printf '%s\n' "cmdline=$CMDLINE" \
	'module=\EFI\aslrboot\mod1.bin first arg' 'module=\EFI\aslrboot\mod2.bin' 'trust_fw_rng=off')" \
	"$T/tpm-mod1.bin=/EFI/aslrboot/mod1.bin" "$T/tpm-mod2.bin=/EFI/aslrboot/mod2.bin"
# What config_render gives for that file: every key, fixed order.
printf '%s\n' 'kernel=\EFI\aslrboot\kernel.elf' "cmdline=$CMDLINE" \
	'module=\EFI\aslrboot\mod1.bin first arg' 'module=\EFI\aslrboot\mod2.bin' \
	verbose=off aslr=on entropy=default trust_cpu_rng=on trust_fw_rng=off seed=none \
	protocol=auto linux_seed_cmdline=off bench=0 granularity=section >"$T/tpm-config.txt"
esp notpm "$EFI" "$KERNEL" 'cmdline=expect_no_measure verbose'
UKI_CMDLINE='expect_measure tpmlog from the image'
printf 'trust_cpu_rng=off\n' >"$T/uki.cfg.in"
"$B/aslrboot-unify" --stub "$EFI" --kernel "$KERNEL" --cmdline "$UKI_CMDLINE" \
	--config "$T/uki.cfg.in" --module "$T/tpm-mod1.bin:initrd quiet" -o "$T/uki.efi" >/dev/null
esp uki "$T/uki.efi" - ''
printf '%s\n' 'kernel=.kernel' "cmdline=$UKI_CMDLINE" 'module=initrd quiet' \
	verbose=off aslr=on entropy=default trust_cpu_rng=off trust_fw_rng=on seed=none \
	protocol=auto linux_seed_cmdline=off bench=0 granularity=section >"$T/uki-config.txt"
# The same unified image signed with Debian's OVMF test key, booted with
# Secure Boot on (OVMF's Secure Boot build and its enrolled test keys).
FW=/usr/share/OVMF
sb_ok=
if sb_sign "$T/uki.efi" "$T/uki.signed.efi"; then
	sb_ok=1
	esp sb "$T/uki.signed.efi" - ''
fi
cp "$KERNEL" "$T/tpm-big.elf" && truncate -s 16M "$T/tpm-big.elf"
esp cost "$EFI" "$T/tpm-big.elf" 'cmdline=expect_measure tpmlog verbose'
esp costnotpm "$EFI" "$T/tpm-big.elf" 'cmdline=expect_no_measure verbose'

start_tpm tpm || fail "swtpm for the tpm boot did not start"
start_tpm uki || fail "swtpm for the uki boot did not start"
start_tpm cost || fail "swtpm for the cost boot did not start"
start_tpm sb || fail "swtpm for the Secure Boot boot did not start"
# shellcheck disable=SC2046
boot tpm "$T/tpm.img" -t 120 -- $(tpm_args tpm) &
b1=$!
boot notpm "$T/notpm.img" -t 120 &
b2=$!
wait "$b1" "$b2" # not plain wait: the swtpm processes are children too
boot costnotpm "$T/costnotpm.img" -t 120 &
b1=$!
# shellcheck disable=SC2046
boot uki "$T/uki.img" -t 120 -- $(tpm_args uki) &
b2=$!
wait "$b1" "$b2"
# shellcheck disable=SC2046
boot cost "$T/cost.img" -t 120 -- $(tpm_args cost) &
b1=$!
b2=
if [ -n "$sb_ok" ]; then
	# shellcheck disable=SC2046
	OVMF_CODE=$FW/OVMF_CODE_4M.snakeoil.fd OVMF_VARS=$FW/OVMF_VARS_4M.snakeoil.fd \
		boot sb "$T/sb.img" -t 120 -- -machine smm=on \
		-global driver=cfi.pflash01,property=secure,value=on $(tpm_args sb) &
	b2=$!
fi
wait "$b1" $b2
scripts/tpm-pcrread.py "$T/tpm.tpm/ctrl" >"$T/tpm.pcrs" 2>&1
pcrread_tpm=$?
scripts/tpm-pcrread.py "$T/uki.tpm/ctrl" >"$T/uki.pcrs" 2>&1
pcrread_uki=$?
scripts/tpm-pcrread.py "$T/sb.tpm/ctrl" >"$T/sb.pcrs" 2>&1
pcrread_sb=$?
stop_tpms

# 1. The TPM's PCRs against the files and against the event log.
line=$(result_line tpm)
check "tpm: exit code 33 (got $(rc_of tpm))" [ "$(rc_of tpm)" = 33 ]
check "tpm: PASS line, the MEASURE record checked by the kernel (${line:-none})" grep -q PASS <<<"$line"
[ "$(rc_of tpm)" = 33 ] || show_log tpm
check "tpm: PCRs read back from swtpm ($(wc -l <"$T/tpm.pcrs") lines)" [ "$pcrread_tpm" = 0 ]
pcr() { sed -n "s/^$1 \([0-9a-f]*\)$/\1/p" "$T/${2:-tpm}.pcrs"; }
measure_lines() { grep -a '^aslrboot-test-kernel: measure pcr=' "$T/$1.log"; }
measure_lines tpm | sed 's/^aslrboot-test-kernel: /  /'
want9=$(extend "$ZERO" "$(sha "$KERNEL")" "$(sha "$T/tpm-mod1.bin")" "$(sha "$T/tpm-mod2.bin")")
want12=$(extend "$ZERO" "$(printf '%s' "$CMDLINE" | sha256sum | cut -d' ' -f1)" \
	"$(sha "$T/tpm-config.txt")")
echo "  PCR 9  TPM $(pcr 9)"
echo "  PCR 9  expected $want9 (kernel, mod1, mod2)"
echo "  PCR 12 TPM $(pcr 12)"
echo "  PCR 12 expected $want12 (cmdline, config)"
check "tpm: PCR 9 = kernel then modules, from the files" [ "$(pcr 9)" = "$want9" ]
check "tpm: PCR 12 = cmdline then the canonical config text" [ "$(pcr 12)" = "$want12" ]
check "tpm: PCR 11 untouched (nothing came from aslrboot's own image)" [ "$(pcr 11)" = "$ZERO" ]
kline=$(measure_lines tpm | grep -F 'aslrboot kernel')
check "tpm: kernel entry: PCR 9, the file's size and SHA-256, its ESP path" \
	[ "$(sed 's/ ticks=[0-9]*//' <<<"$kline")" = \
	"aslrboot-test-kernel: measure pcr=9 status=0 size=$(stat -c %s "$KERNEL") sha256=$(sha "$KERNEL") aslrboot kernel \\EFI\\aslrboot\\kernel.elf" ]
check "tpm: five entries: kernel, cmdline, config, mod1, mod2" \
	[ "$(measure_lines tpm | sed 's/.* sha256=[0-9a-f]* //' | tr '\n' '|')" = \
	'aslrboot kernel \EFI\aslrboot\kernel.elf|aslrboot cmdline|aslrboot config|aslrboot module \EFI\aslrboot\mod1.bin first arg|aslrboot module \EFI\aslrboot\mod2.bin|' ]

check "tpm: TPM2_GetRandom mixed in, credited 0 bits" \
	grep -qxF '  entropy tpm: uncredited, 32 bytes, 0 bits credited' "$T/tpm.log"

# replay NAME: the boot's log copy, then the final-events table's events
# (logged after the copy: ExitBootServices), as one log for tpm2_eventlog,
# whose replay must equal the TPM for every PCR it names; prints those PCRs.
replay() {
	local n=$1 mismatch
	unhex "$n" tpmlog "$T/$n-eventlog.bin"
	unhex "$n" tpmfinal "$T/$n-final.bin"
	check "$n: event log copy dumped ($(stat -c %s "$T/$n-eventlog.bin") bytes), final events ($(stat -c %s "$T/$n-final.bin") bytes)" \
		test -s "$T/$n-eventlog.bin" -a "$(stat -c %s "$T/$n-final.bin")" -gt 16
	{ cat "$T/$n-eventlog.bin"; tail -c +17 "$T/$n-final.bin"; } >"$T/$n-replay.bin"
	tpm2_eventlog "$T/$n-replay.bin" >"$T/$n-eventlog.yaml" 2>"$T/$n-eventlog.err"
	check "$n: tpm2_eventlog parses the log" [ $? = 0 ]
	# The replayed SHA-256 bank: "    N  : 0x<hex>" under "  sha256:" in "pcrs:".
	awk '/^pcrs:/ { p = 1 } p && /^  sha256:/ { s = 1; next } p && s && /^  [a-z]/ { s = 0 }
		p && s { gsub(/[ :]+/, " "); sub(/ 0x/, " "); print $1, $2 }' "$T/$n-eventlog.yaml" \
		>"$T/$n-replay.pcrs"
	mismatch=$(while read -r i v; do [ "$(pcr "$i" "$n")" = "$v" ] || echo "$i"; done <"$T/$n-replay.pcrs")
	check "$n: the log's replay equals the TPM for every PCR it names ($(cut -d' ' -f1 "$T/$n-replay.pcrs" | tr '\n' ' '))" \
		test -z "$mismatch" -a -s "$T/$n-replay.pcrs"
}
replay tpm
check "tpm: the replay covers PCRs 0-7, 9 and 12" \
	test "$(cut -d' ' -f1 "$T/tpm-replay.pcrs" | grep -cxE '[0-79]|12')" = 10

# 2. No TPM: the same boot, no MEASURE record.
line=$(result_line notpm)
check "no TPM: exit code 33 (got $(rc_of notpm)), no MEASURE record (${line:-none})" \
	[ "$(rc_of notpm)" = 33 ]
[ "$(rc_of notpm)" = 33 ] || show_log notpm
check "no TPM: no TPM entropy entry" test -z "$(grep -a 'entropy tpm' "$T/notpm.log")" -a \
	-n "$(grep -a 'entropy jitter' "$T/notpm.log")"

# 3. A unified image: PCR 11 is what the image holds.
line=$(result_line uki)
check "uki: exit code 33 (got $(rc_of uki)), MEASURE record checked by the kernel (${line:-none})" \
	[ "$(rc_of uki)" = 33 ]
[ "$(rc_of uki)" = 33 ] || show_log uki
check "uki: PCRs read back from swtpm" [ "$pcrread_uki" = 0 ]
measure_lines uki | sed 's/^aslrboot-test-kernel: /  /'
want11=$(extend "$ZERO" "$(sha "$KERNEL")" "$(printf '%s' "$UKI_CMDLINE" | sha256sum | cut -d' ' -f1)" \
	"$(sha "$T/tpm-mod1.bin")")
want12=$(extend "$ZERO" "$(sha "$T/uki-config.txt")")
echo "  PCR 11 TPM $(pcr 11 uki)"
echo "  PCR 11 expected $want11 (kernel, cmdline, module)"
echo "  PCR 12 TPM $(pcr 12 uki)"
echo "  PCR 12 expected $want12 (config)"
check "uki: PCR 11 = the image's kernel, cmdline and module, from the files" [ "$(pcr 11 uki)" = "$want11" ]
check "uki: PCR 12 = the canonical config text (the image's .config applied)" [ "$(pcr 12 uki)" = "$want12" ]
check "uki: PCR 9 untouched (nothing read from the ESP)" [ "$(pcr 9 uki)" = "$ZERO" ]
check "uki: entries name .kernel and the module's string" \
	[ "$(measure_lines uki | sed 's/ status=.* sha256=[0-9a-f]* / /; s/.*measure //' | tr '\n' '|')" = \
	'pcr=11 aslrboot kernel .kernel|pcr=11 aslrboot cmdline|pcr=12 aslrboot config|pcr=11 aslrboot module initrd quiet|' ]

replay uki

# 4. The signed unified image under Secure Boot: the firmware verified it
# and measured its policy into PCR 7; aslrboot's PCRs 11 and 12 are the
# unsigned image's, as they depend only on what the signature covers.
check "sb: the signed unified image made (openssl, sbsign)" [ -n "$sb_ok" ]
line=$(result_line sb)
check "sb: Secure Boot on, exit code 33 (got $(rc_of sb 2>/dev/null)) (${line:-none})" \
	[ "$(rc_of sb 2>/dev/null)" = 33 ]
[ "$(rc_of sb 2>/dev/null)" = 33 ] || show_log sb
check "sb: PCRs read back from swtpm" [ "$pcrread_sb" = 0 ]
echo "  PCR 7  Secure Boot on $(pcr 7 sb)"
echo "  PCR 7  Secure Boot off $(pcr 7 uki)"
check "sb: PCR 11 and 12 = the unified image's without Secure Boot" \
	[ "$(pcr 11 sb) $(pcr 12 sb)" = "$want11 $want12" ]
check "sb: PCR 7 (the firmware's Secure Boot policy) differs from the boot with it off" \
	[ -n "$(pcr 7 sb)" -a "$(pcr 7 sb)" != "$(pcr 7 uki)" ]
replay sb

# 5. The cost of measuring, per MiB of kernel.
check "cost: exit code 33 with and without a TPM (got $(rc_of cost), $(rc_of costnotpm))" \
	[ "$(rc_of cost)$(rc_of costnotpm)" = 3333 ]
[ "$(rc_of cost)" = 33 ] || show_log cost
[ "$(rc_of costnotpm)" = 33 ] || show_log costnotpm
file_read_us() { sed -n 's/^  file-read: [0-9]* cycles, \([0-9]*\) us$/\1/p' "$T/$1.log" | head -1; }
read_tpm=$(file_read_us cost) read_notpm=$(file_read_us costnotpm)
if [ -n "$read_tpm" ] && [ -n "$read_notpm" ]; then
	awk -v a="$read_tpm" -v b="$read_notpm" 'BEGIN {
		printf "  cost: file-read phase (16 MiB kernel) %.1f ms with the TPM, %.1f ms without: %.2f ms per MiB\n",
			a / 1000, b / 1000, (a - b) / 1000 / 16 }'
	ok "cost: file-read phase timed with and without the TPM"
else
	fail "cost: no file-read phase timing in the cost boots' output"
fi
read -r size ticks < <(measure_lines cost | grep 'aslrboot kernel' |
	sed 's/.* size=\([0-9]*\) ticks=\([0-9]*\) .*/\1 \2/')
hz=$(grep -a '^aslrboot-test-kernel: measure tsc_hz=' "$T/cost.log" | sed 's/.*=//')
if [ -n "${ticks:-}" ] && [ "${hz:-0}" -gt 0 ]; then
	awk -v s="$size" -v t="$ticks" -v hz="$hz" 'BEGIN {
		printf "  cost: kernel %.1f MiB measured in %.1f ms (%d ticks at %.0f MHz): %.2f ms per MiB (QEMU TCG, TPM emulated)\n",
			s / 1048576, t / hz * 1000, t, hz / 1e6, t / hz * 1000 / (s / 1048576) }'
	ok "cost: the kernel entry's ticks and tsc_hz are there"
else
	fail "cost: no kernel entry or tsc_hz in the cost boot's output"
fi
done_results
