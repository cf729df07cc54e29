#!/usr/bin/env bash
# Short libFuzzer run of build/fuzz/<name> inside `make test` (FUZZ_SECONDS,
# default 60).  Any crash, leak, sanitizer report or timeout fails the test.
set -eu
name=$1
B=${B:-build}
secs=${FUZZ_SECONDS:-60}
bin=$B/fuzz/$name
corpus=$B/fuzz/corpus-$name
mkdir -p "$corpus"
seeds=()
[ -d "tests/fuzz-seeds/$name" ] && seeds=("tests/fuzz-seeds/$name")
[ -d "$B/fixtures" ] && seeds+=("$B/fixtures")
exec "$bin" -max_total_time="$secs" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
	-artifact_prefix="$B/fuzz/$name-" "$corpus" "${seeds[@]}"
