#!/usr/bin/env bash
# Short libFuzzer run of build/fuzz/<name> inside `make test`: 60 s for the
# ELF validator+relocator (the largest hostile-input surface), 15 s for the
# smaller parsers; FUZZ_SECONDS overrides both.  Any crash, leak, sanitizer report or
# timeout fails the test.
set -eu
name=$1
B=${B:-build}
case $name in
fuzz_elf) secs=${FUZZ_SECONDS:-60} ;;
*) secs=${FUZZ_SECONDS:-15} ;;
esac
bin=$B/fuzz/$name
corpus=$B/fuzz/corpus-$name
mkdir -p "$corpus"
seeds=()
[ -d "tests/fuzz-seeds/$name" ] && seeds=("tests/fuzz-seeds/$name")
[ -d "$B/fuzz/seeds-$name" ] && seeds+=("$B/fuzz/seeds-$name") # written by make host
[ -d "$B/fixtures" ] && seeds+=("$B/fixtures")
exec "$bin" -max_total_time="$secs" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
	-artifact_prefix="$B/fuzz/$name-" "$corpus" "${seeds[@]}"
