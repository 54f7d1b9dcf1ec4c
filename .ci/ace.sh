#!/usr/bin/env bash
# EPUB accessibility: Ace by DAISY, the reference checker for EPUB
# Accessibility 1.1 (its package checks plus axe-core run in Chromium on every
# document), on every kind of book the writer makes: each fixture horizontal
# and vertical, with and without a cover, one with an embedded font, a few
# odd articles, and books of several articles (horizontal with the source
# notes at each chapter's end; vertical with a cover and a Sources page) and
# of 50. Fails unless every report.json says earl:outcome "pass"
# with no violation of any impact (serious, moderate or minor).
#
# Installs Debian's chromium and @daisy/ace-cli (npm, pinned) if they are
# missing; Puppeteer downloads no browser (PUPPETEER_SKIP_DOWNLOAD) and drives
# Debian's (PUPPETEER_EXECUTABLE_PATH). Ace itself starts Chromium with
# --no-sandbox, so it runs as root in a container.
#
# Standalone from the repository root: bash .ci/ace.sh
set -euo pipefail
cd "$(dirname "$0")/.."

ACE_VERSION=1.4.6

if ! command -v chromium >/dev/null; then
    echo "installing Debian's chromium"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
export PUPPETEER_EXECUTABLE_PATH=/usr/bin/chromium
export PUPPETEER_SKIP_DOWNLOAD=1

# Ace lives under target/ (ignored by git, reused by later runs).
ace_dir="${CARGO_TARGET_DIR:-target}/ace-$ACE_VERSION"
ace="$ace_dir/node_modules/.bin/ace-cli"
if [ ! -x "$ace" ]; then
    echo "installing @daisy/ace-cli@$ACE_VERSION"
    mkdir -p "$ace_dir"
    npm install --prefix "$ace_dir" --no-audit --no-fund --loglevel=error "@daisy/ace-cli@$ACE_VERSION" >/dev/null
fi
echo "Ace $("$ace" --version), $(chromium --version 2>/dev/null | head -n 1)"

out=$(mktemp -d /tmp/zharchive-ace.XXXXXX)
trap 'rm -rf "$out"' EXIT

# One build profile for all of CI: the dev profile.
cargo build -q --example epub
epub() { cargo run -q --example epub -- "$@"; }

failures=0
books=0
check() {
    local book=$1 report="$out/report-$(basename "$1" .epub)"
    books=$((books + 1))
    if ! "$ace" -s -f -o "$report" "$book" >"$report.log" 2>&1; then
        echo "FAIL  $(basename "$book"): ace-cli failed"
        sed 's/^/      /' "$report.log"
        failures=$((failures + 1))
        return
    fi
    if python3 - "$report/report.json" "$(basename "$book")" <<'PY'; then
import collections, json, sys
report = json.load(open(sys.argv[1], encoding="utf-8"))
outcome = report["earl:result"]["earl:outcome"]
violations = [
    (document["earl:testSubject"]["url"], test["earl:test"]["earl:impact"], test["earl:test"]["dct:title"],
     test["earl:result"].get("dct:description", ""))
    for document in report.get("assertions", [])
    for test in document.get("assertions", [])
]
impacts = collections.Counter(v[1] for v in violations)
if outcome == "pass" and not violations:
    present = len(report.get("a11y-metadata", {}).get("present", []))
    print(f"ok    {sys.argv[2]}: pass, 0 violations, {present} accessibility metadata present")
    sys.exit(0)
print(f"FAIL  {sys.argv[2]}: {outcome}, {len(violations)} violation(s) {dict(impacts)}")
for url, impact, title, description in violations:
    print(f"      {impact:9} {url}: {title}: {description[:200]}")
sys.exit(1)
PY
        :
    else
        failures=$((failures + 1))
    fi
}

# Every fixture, both directions, with and without a cover.
for input in fixtures/*.txt fixtures/html/*.html; do
    name=$(basename "$input" .txt)
    epub "$input" -o "$out/$name.epub"
    epub "$input" -o "$out/$name.cover.epub" --cover
    epub "$input" -o "$out/$name.vertical.epub" --vertical --script taiwan
    epub "$input" -o "$out/$name.vertical.cover.epub" --vertical --cover --script hongkong
    for book in "$out/$name.epub" "$out/$name.cover.epub" "$out/$name.vertical.epub" "$out/$name.vertical.cover.epub"; do
        check "$book"
    done
done

# An embedded font (any TrueType face will do).
font=$(find /usr/share/fonts -name '*.ttf' 2>/dev/null | sort | head -n 1 || true)
if [ -n "$font" ]; then
    epub fixtures/article.txt -o "$out/font.epub" --font "$font" --cover
    check "$out/font.epub"
else
    echo "skip  embedded font (no .ttf under /usr/share/fonts)"
fi

# Odd articles: a title alone, markup as text, Latin text, a long title.
odd="$out/odd"
mkdir -p "$odd"
printf '只有标题\n' >"$odd/title-only.txt"
printf '标题 <b>&amp;</b> "引号"\n\n<p>正文里的 <script>alert(1)</script> 与 &lt;标签&gt;。</p>\n' >"$odd/markup.txt"
printf 'Only Latin text here\n\nNo Chinese characters at all, just ASCII words & symbols < > "quotes".\n' >"$odd/latin.txt"
{
    printf '一个非常非常长的标题'
    for _ in $(seq 1 30); do printf '反复出现的词语'; done
    printf '\n\n'
    for _ in $(seq 1 50); do printf '这是一个很长的段落，用来检查排版。'; done
    printf '\n'
} >"$odd/long.txt"
for input in "$odd"/*.txt; do
    name=$(basename "$input" .txt)
    epub "$input" -o "$odd/$name.epub" --cover
    epub "$input" -o "$odd/$name.vertical.epub" --vertical
    check "$odd/$name.epub"
    check "$odd/$name.vertical.epub"
done

# Books of several articles: the fixtures (Simplified and Traditional, so
# chapters in two languages) and generated articles.
several="$out/several"
mkdir -p "$several"
cargo run -q --example gen_corpus -- --count 6 --out-dir "$several/corpus" >/dev/null
meta=(--title "测试文集" --creator "某某编辑部" --editor "编者甲" --book-date 2024-12-31 --description "检查用的文集。")
epub fixtures/article.txt fixtures/transit.big5.txt "$several/corpus" --script keep -o "$several/book.epub" "${meta[@]}"
epub fixtures/article.txt fixtures/transit.big5.txt "$several/corpus" --script keep -o "$several/book.vertical.epub" \
    "${meta[@]}" --vertical --cover --source-notes back
check "$several/book.epub"
check "$several/book.vertical.epub"

# Books of 50 generated articles, as .ci/epub.sh builds them for EPUBCheck
# (horizontal with a Sources page and an ISBN; vertical with a cover): about
# 20 s each. (Ace 1.4.6 had not finished the 1,000-article book after 16
# minutes, still reading the package before it started Chromium; that book
# is checked by EPUBCheck, and its documents are the same kinds as these.)
fifty="$out/fifty"
mkdir -p "$fifty"
cargo run -q --example gen_corpus -- --count 50 --out-dir "$fifty/corpus" >/dev/null
epub "$fifty/corpus" -o "$fifty/fifty.back.epub" "${meta[@]}" --source-notes back --identifier "urn:isbn:9787000000000"
epub "$fifty/corpus" -o "$fifty/fifty.vertical.epub" "${meta[@]}" --vertical --cover --script traditional
check "$fifty/fifty.back.epub"
check "$fifty/fifty.vertical.epub"

if [ "$failures" -ne 0 ]; then
    echo "Ace: $failures of $books book(s) with violations"
    exit 1
fi
echo "Ace: all $books books pass with 0 violations"
