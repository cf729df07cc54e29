# Sourced by scripts/qemu-efi.sh and scripts/qemu-aa64.sh: the option
# parsing, private firmware vars copy, and serial-log/timeout handling the
# two UEFI boot wrappers share.  The sourcing script sets its qemu array and
# defines serial_args TARGET (TARGET is "stdio" or the log file's path),
# which sets the array serial to the QEMU options that send the guest's
# output there.

# esp_args NAME SECS MIB USAGE-LINES "$@": parse
# [-t SECS] [-m MIB] [-s LOG] [-u REGEX] [-w] ESP.img [-- QEMU-ARGS...];
# sets secs mem log until snapshot esp, and qargs to the QEMU-ARGS.
# Bad usage prints lines USAGE-LINES (sed range) of the script, exits 2.
esp_args() {
	local name=$1 lines=$4 o
	secs=$2 mem=$3 log= until= snapshot=on
	shift 4
	while getopts "t:m:s:u:w" o; do
		case $o in
		t) secs=$OPTARG ;;
		m) mem=$OPTARG ;;
		s) log=$OPTARG ;;
		u) until=$OPTARG ;;
		w) snapshot=off ;;
		*) sed -n "${lines}p" "$0" >&2; exit 2 ;;
		esac
	done
	shift $((OPTIND - 1))
	[ $# -ge 1 ] || { sed -n "${lines}p" "$0" >&2; exit 2; }
	esp=$1
	shift
	[ "${1:-}" = -- ] && shift
	[ -z "$until" ] || [ -n "$log" ] || { echo "$name: -u needs -s" >&2; exit 2; }
	qargs=("$@")
}

# esp_tmp PREFIX VARS: a private directory $tmp (removed on exit) holding
# vars.fd, a writable copy of the firmware's VARS.
esp_tmp() {
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	cp "$2" "$tmp/vars.fd"
}

# Serial output without the firmware's ANSI escapes and CRs.
clean() { sed -u 's/\x1b\[[0-9;=?]*[A-Za-z]//g; s/\r//g'; }

# esp_run: boot "${qemu[@]}" under the time limit; output to stdout, or with
# -s to the log file (stopping early once it matches -u).  Exits with QEMU's
# status, 0 after a -u match, 124 on timeout.
esp_run() {
	local pid end rc=
	if [ -z "$log" ]; then
		serial_args stdio
		timeout -k 5 "$secs" "${qemu[@]}" "${serial[@]}" </dev/null | clean
		exit "${PIPESTATUS[0]}"
	fi
	: >"$tmp/serial"
	serial_args "$tmp/serial"
	"${qemu[@]}" "${serial[@]}" </dev/null &
	pid=$!
	end=$((SECONDS + secs))
	while kill -0 "$pid" 2>/dev/null; do
		if [ -n "$until" ] && clean <"$tmp/serial" | grep -qE -- "$until"; then
			kill "$pid"
			wait "$pid" 2>/dev/null
			rc=0
			break
		fi
		if [ $SECONDS -ge $end ]; then
			kill "$pid"
			sleep 1
			kill -9 "$pid" 2>/dev/null
			wait "$pid"
			rc=124
			break
		fi
		sleep 0.2
	done
	[ -n "$rc" ] || { wait "$pid"; rc=$?; }
	clean <"$tmp/serial" >"$log"
	exit "$rc"
}
