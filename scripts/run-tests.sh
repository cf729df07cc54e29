#!/usr/bin/env bash
# Run every test given on the command line and print one summary line:
#   N passed, N failed[, N skipped]
# An argument is a program or script, or "scripts/x.sh:arg" (script + one arg).
# A test that prints lines "RESULT passed=N failed=M [skipped=K]" is counted
# by those numbers; otherwise by its exit code (0 pass, 77 skip, else fail).
# A non-zero exit always adds a failure if none was counted.
# Logs: $B/test-logs/<name>.log.  Per-test time limit: TEST_TIMEOUT (900 s).
set -u
B=${B:-build}
logdir=$B/test-logs
mkdir -p "$logdir"
timeout_s=${TEST_TIMEOUT:-900}
passed=0 failed=0 skipped=0
failed_names=()

for t in "$@"; do
	cmd=("$t")
	if [[ "$t" == *:* ]]; then cmd=("${t%%:*}" "${t#*:}"); fi
	name=$(printf '%s' "$t" | sed 's#^build/##; s#[/:]#_#g')
	log=$logdir/$name.log
	start=$(date +%s.%N)
	timeout --kill-after=10 "$timeout_s" "${cmd[@]}" >"$log" 2>&1 </dev/null
	rc=$?
	secs=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN{printf "%.1f", e-s}')
	read -r p f s < <(awk '/^RESULT /{for(i=2;i<=NF;i++){split($i,kv,"="); if(kv[1]=="passed")p+=kv[2]; else if(kv[1]=="failed")f+=kv[2]; else if(kv[1]=="skipped")s+=kv[2]} n++}
		END{if(n) print p+0, f+0, s+0; else print "-", "-", "-"}' "$log")
	if [ "$p" = "-" ]; then
		case $rc in
		0) p=1 f=0 s=0 ;;
		77) p=0 f=0 s=1 ;;
		*) p=0 f=1 s=0 ;;
		esac
	elif [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
	if [ "$f" -gt 0 ]; then
		status=FAIL
		failed_names+=("$t")
	elif [ "$s" -gt 0 ] && [ "$p" -eq 0 ]; then
		status=SKIP
	else
		status=ok
	fi
	printf '%-4s %-60s %4s passed %3s failed %6ss\n' "$status" "$t" "$p" "$f" "$secs"
	if [ "$status" = FAIL ]; then
		echo "---- last lines of $log (exit $rc):"
		grep -E 'FAIL|error|ERROR|runtime error|Sanitizer' "$log" | head -20
		tail -n 15 "$log"
		echo "----"
	fi
done

if [ ${#failed_names[@]} -gt 0 ]; then
	echo "failed: ${failed_names[*]}"
fi
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
