#!/usr/bin/env bash
# Regenerates assets/wordfreq/jieba-top50k.txt: the 50,000 most frequent words
# of jieba's dictionary (as shipped in the jieba-rs 0.11.0 crate), one
# "word frequency" per line, most frequent first (ties by word), so the same
# input always gives the same bytes.
#
# Why a subset: the repair's word model needs frequencies, not a segmenter.
# jieba's full dictionary (349,045 words) took ~146 ms to load into jieba-rs;
# these 50,000 words hold 96.4 % of its frequency mass. The crate no longer
# depends on jieba-rs (src/normalize/language.rs segments by itself), so the
# dictionary is read from the published .crate, checked by its SHA-256.
set -euo pipefail
cd "$(dirname "$0")/.."
version=0.11.0
# The .crate's SHA-256, as crates.io's index lists it (and as Cargo.lock did
# while the crate depended on jieba-rs).
sha256=0a3a7d02ea31e6fc6f2fe10495dc7c5efcf381e1f21d7172f58ba792efa1c2fd
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
curl -fsSL -o "$work/jieba-rs.crate" "https://static.crates.io/crates/jieba-rs/jieba-rs-$version.crate"
echo "$sha256  $work/jieba-rs.crate" | sha256sum -c --quiet -
tar -xzf "$work/jieba-rs.crate" -C "$work"
src="$work/jieba-rs-$version"
python3 - "$src/src/data/dict.txt" assets/wordfreq/jieba-top50k.txt <<'PY'
import sys
rows = []
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        parts = line.split()
        if len(parts) >= 2:
            rows.append((parts[0], int(parts[1])))
rows.sort(key=lambda r: (-r[1], r[0]))
with open(sys.argv[2], "w", encoding="utf-8", newline="\n") as out:
    for word, freq in rows[:50000]:
        out.write(f"{word} {freq}\n")
PY
sha256sum assets/wordfreq/jieba-top50k.txt
