#!/usr/bin/env bash
# Validate the BagIt bags `archive --bag` writes with the Library of
# Congress validator (`bagit.py --validate`, PyPI package bagit): a bag of
# the fixtures (written twice: the same bytes), a bag of a folder of
# generated articles, the same bag extended in a second run (the same bytes
# as the bag written in one), and a bag bagit.py made, extended by archive.
# A copy of a bag with one payload byte flipped must FAIL validation.
# Runs standalone from the repository root:
#   bash .ci/bag.sh
# Uses the dev profile (as the rest of CI does).
set -euo pipefail
cd "$(dirname "$0")/.."

BAGIT_VERSION=1.9.0
# BAG_WORK_DIR keeps the bags for a look afterwards.
if [ -n "${BAG_WORK_DIR:-}" ]; then
    work="$BAG_WORK_DIR"
    rm -rf "$work"
    mkdir -p "$work"
else
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
fi
export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1

# --- bagit.py (PyPI bagit; no dependencies) --------------------------------------
if ! python3 -m pip --version >/dev/null 2>&1; then
    apt-get update && apt-get install -y python3-pip
fi
python3 -m pip install --quiet --no-deps --target "$work/pylib" "bagit==$BAGIT_VERSION"
validate() {
    # bagit.py logs to stderr; its exit status is the verdict.
    PYTHONPATH="$work/pylib" python3 -m bagit --validate "$1" 2>"$work/validate.log"
}
must_validate() {
    if ! validate "$1"; then
        cat "$work/validate.log" >&2
        echo "bag.sh: bagit.py rejects $1" >&2
        exit 1
    fi
    echo "valid: $1 ($(grep Payload-Oxum "$1/bag-info.txt"))"
}

# One progress line per article goes to a log; the summary lines are shown.
archive() {
    if ! cargo run -q --example archive -- "$@" --date 2026-11-28 --bag-info "Source-Organization: zharchive CI" \
        2>"$work/archive.log"; then
        cat "$work/archive.log" >&2
        echo "bag.sh: archive failed: $*" >&2
        exit 1
    fi
    grep -E '^(bag|archived) ' "$work/archive.log"
}

# --- the fixtures: every format, twice -----------------------------------------
archive fixtures/*.txt --bag "$work/fixtures"
must_validate "$work/fixtures"
archive fixtures/*.txt --bag "$work/fixtures-again"
diff -r "$work/fixtures" "$work/fixtures-again"
echo "the same inputs give the same bag, byte for byte"
for f in fixtures/*.txt; do
    stem=$(basename "$f" .txt)
    cmp "$f" "$work/fixtures/data/$stem/source/$(basename "$f")"
done

# --- a folder of generated articles, and a bag extended in two runs ------------
cargo run -q --example gen_corpus -- --count 30 --out-dir "$work/gen-a"
cargo run -q --example gen_corpus -- --count 20 --start 30 --out-dir "$work/gen-b"
archive "$work/gen-a" --bag "$work/generated" --formats tei,epub,pdf
must_validate "$work/generated"
archive "$work/gen-b" --bag "$work/generated" --formats tei,epub,pdf
must_validate "$work/generated"
archive "$work/gen-a" "$work/gen-b" --bag "$work/generated-once" --formats tei,epub,pdf
diff -r "$work/generated" "$work/generated-once"
echo "the bag extended in two runs is the bag written in one"
oxum=$(sed -n 's/^Payload-Oxum: [0-9]*\.//p' "$work/generated/bag-info.txt")
[ "$oxum" -eq $((50 * 5)) ] || { echo "bag.sh: expected 250 payload files, Payload-Oxum says $oxum" >&2; exit 1; }

# --- a bag bagit.py made, extended by archive --bag --------------------------------
mkdir -p "$work/by-bagit-py"
cp fixtures/article.txt "$work/by-bagit-py/"
PYTHONPATH="$work/pylib" python3 -m bagit --contact-name "CI" "$work/by-bagit-py" 2>"$work/validate.log"
archive fixtures/transit.big5.txt --bag "$work/by-bagit-py" --formats tei
must_validate "$work/by-bagit-py"
grep -q '^Contact-Name: CI$' "$work/by-bagit-py/bag-info.txt"

# --- one flipped payload byte must fail -----------------------------------------
cp -a "$work/generated" "$work/flipped"
victim="$work/flipped/data/gen-00007/gen-00007.tei.xml"
python3 - "$victim" <<'EOF'
import sys
path = sys.argv[1]
data = bytearray(open(path, "rb").read())
data[len(data) // 2] ^= 0x01
open(path, "wb").write(bytes(data))
EOF
if validate "$work/flipped"; then
    echo "bag.sh: bagit.py accepted a bag with a flipped payload byte" >&2
    exit 1
fi
# The verdict must name the flipped file (not some other complaint).
verdict=$(grep -m1 ' - ERROR - ' "$work/validate.log" || true)
case "$verdict" in
    *"data/gen-00007/gen-00007.tei.xml sha"*"validation failed"*) ;;
    *)
        cat "$work/validate.log" >&2
        echo "bag.sh: bagit.py failed, but not on the flipped file" >&2
        exit 1
        ;;
esac
echo "a flipped payload byte fails validation: ${verdict:0:160}…"
echo "bag.sh: all bags valid"
