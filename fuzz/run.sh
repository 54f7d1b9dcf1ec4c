#!/usr/bin/env bash
# Run fuzz targets for a while each, two at a time, and print their stats.
#     bash fuzz/run.sh [SECONDS] [TARGET...]
# Needs a nightly toolchain and cargo-fuzz. Without a sanitizer: the crate
# forbids unsafe code, and the properties (not memory errors) are the point.
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-600}; shift || true
targets=("${@:-normalize html tei epub pdf}")
targets=(${targets[@]})
cargo +nightly fuzz build -s none
for t in "${targets[@]}"; do mkdir -p corpus/$t; cp -n seeds/* ../fixtures/*.txt ../fixtures/html/*.html corpus/$t/ 2>/dev/null || true; done
run() {
  cargo +nightly fuzz run -s none "$1" -- -max_total_time="$secs" -max_len=16384 -timeout=20 \
    -rss_limit_mb=4096 -print_final_stats=1 > "logs/$1.log" 2>&1 || echo "$1: FAILED (see fuzz/logs/$1.log)"
  grep -E "^stat::number_of_executed_units|^Done|Test unit written" "logs/$1.log" | sed "s/^/$1: /"
}
mkdir -p logs
for ((i = 0; i < ${#targets[@]}; i += 2)); do
  run "${targets[i]}" &
  [ -n "${targets[i+1]:-}" ] && run "${targets[i+1]}" &
  wait
done
