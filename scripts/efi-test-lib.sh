# Sourced by scripts/test-efi-*.sh: build ESP images, boot them under OVMF
# (scripts/qemu-efi.sh), count results for scripts/run-tests.sh.  The arm64
# tests (scripts/test-aa64-*.sh) set QEMU_RUN=scripts/qemu-aa64.sh and
# QEMU_BIN=qemu-system-aarch64 first: AAVMF instead.
set -uo pipefail
B=${B:-build}
QEMU_RUN=${QEMU_RUN:-scripts/qemu-efi.sh}
QEMU_BIN=${QEMU_BIN:-qemu-system-x86_64}
T=$B/efi-tests
EFI=$B/aslrboot.efi
KERNEL=$B/kernel/test-kernel.elf
mkdir -p "$T"
passed=0 failed=0

ok() { passed=$((passed + 1)); echo "ok $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
check() { # description, command...
	local what=$1
	shift
	if "$@"; then ok "$what"; else fail "$what"; fi
}
done_results() {
	echo "RESULT passed=$passed failed=$failed"
	[ "$failed" -eq 0 ]
}
need() {
	for f in "$@"; do
		if [ ! -f "$f" ]; then
			echo "FAIL $f missing (make targets)"
			echo "RESULT passed=0 failed=1"
			exit 1
		fi
	done
	command -v "$QEMU_BIN" >/dev/null && command -v mcopy >/dev/null ||
		{ echo "FAIL qemu or mtools missing (scripts/deps.sh)"; echo "RESULT passed=0 failed=1"; exit 1; }
}
# A set-up step failed: one FAIL line and the result.
setup_fail() { echo "FAIL $*"; echo "RESULT passed=0 failed=1"; exit 1; }

# Secure Boot test signing: Debian's OVMF/AAVMF snakeoil key, enrolled in
# their .snakeoil variable stores (passphrase "snakeoil").
SB_KEY_DIR=/usr/share/ovmf
SB_CERT=$SB_KEY_DIR/PkKek-1-snakeoil.pem
# sb_sign IN OUT: IN signed with the test key into OUT.  The key is
# decrypted once into $T (sbsign cannot take a passphrase non-interactively).
sb_sign() {
	if [ ! -s "$T/sb-test.key" ]; then
		(umask 077 && openssl rsa -in "$SB_KEY_DIR/PkKek-1-snakeoil.key" \
			-passin pass:snakeoil -out "$T/sb-test.key" 2>/dev/null) || return 1
	fi
	sbsign --key "$T/sb-test.key" --cert "$SB_CERT" --output "$2" "$1" >/dev/null 2>&1
}

# esp NAME EFI|- KERNEL|- CONFIG-TEXT [FILE=ESP-PATH...]  ->  $T/NAME.img
esp() {
	local name=$1 efi=$2 kernel=$3 cfg=$4
	shift 4
	printf '%s\n' "$cfg" >"$T/$name.cfg"
	scripts/mkesp.sh "$T/$name.img" "$efi" "$kernel" "$T/$name.cfg" "$@" >/dev/null
}

# boot NAME IMAGE [$QEMU_RUN options] [-- QEMU-ARGS]: serial log in
# $T/NAME.log, exit status in $T/NAME.rc.  Run several with & and wait.
boot() {
	local name=$1 img=$2
	shift 2
	local opts=() extra=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
	[ $# -gt 0 ] && { shift; extra=("$@"); }
	"$QEMU_RUN" -s "$T/$name.log" "${opts[@]}" "$img" -- "${extra[@]}" \
		>"$T/$name.qemu" 2>&1
	echo $? >"$T/$name.rc"
}
rc_of() { cat "$T/$1.rc"; }
# The test kernel's one result line.
result_line() { grep -a '^aslrboot-test-kernel: \(PASS\|FAIL\)' "$T/$1.log" | head -1; }
field() { sed -n "s/.* $2=\(0x[0-9a-f]*\).*/\1/p" <<<"$1"; }
show_log() { echo "---- $1.log (exit $(rc_of "$1"))"; tail -n 25 "$T/$1.log"; echo "----"; }
