#!/usr/bin/env bash
# Side by side, as whole processes: zharchive's whole normalisation (decode,
# repair, annotations, boilerplate, t2s, punctuation, structure) against
# OpenCC's own C++ `opencc -c t2s` converting the same text, nothing else.
#
# Input: OpenCC's benchmark text 左传 (tests/data/opencc/zuozhuan.txt, 1.9 MB),
# converted to Traditional by `opencc -c s2t` itself.
#
# Needs Debian's opencc (and hyperfine if present); builds the release example.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v opencc >/dev/null || { apt-get update -qq && apt-get install -y -qq opencc; }
cargo build -q --release --example normalize
bin="${CARGO_TARGET_DIR:-target}/release/examples/normalize"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
opencc -c s2t -i tests/data/opencc/zuozhuan.txt -o "$work/zuozhuan.t.txt"
ls -l "$work/zuozhuan.t.txt" | awk '{print "input:", $5, "bytes"}'

if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 2 --runs 10 --export-json "$work/h.json" \
    "opencc -c t2s -i $work/zuozhuan.t.txt -o $work/opencc.out" \
    "$bin $work/zuozhuan.t.txt" >/dev/null
  python3 - "$work/h.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
o, z = r[0]["mean"], r[1]["mean"]
print(f"opencc -c t2s            {o*1000:8.1f} ms")
print(f"zharchive normalize      {z*1000:8.1f} ms")
print(f"ratio zharchive/opencc   {z/o:8.2f}x   (target <= 0.3x)")
PY
else
  t() { local s e; s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
  o=0; z=0
  for _ in 1 2 3 4 5; do
    o=$(( o + $(t opencc -c t2s -i "$work/zuozhuan.t.txt" -o "$work/opencc.out") ))
    z=$(( z + $(t "$bin" "$work/zuozhuan.t.txt") ))
  done
  echo "opencc -c t2s        $(( o / 5 )) ms"
  echo "zharchive normalize  $(( z / 5 )) ms"
  python3 -c "print(f'ratio zharchive/opencc {$z/$o:.2f}x (target <= 0.3x)')"
fi
