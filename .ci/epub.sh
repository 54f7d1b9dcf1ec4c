#!/usr/bin/env bash
# EPUB conformance: build the EPUB of every fixture (horizontal, and vertical
# with a cover) and of a few generated odd articles, and run EPUBCheck on
# each. Any error or warning fails. Also checks that two runs give the same
# bytes. Runnable on its own from the repository root: .ci/epub.sh
set -euo pipefail
cd "$(dirname "$0")/.."

EPUBCHECK_JAR=/usr/share/java/epubcheck.jar
if [ ! -f "$EPUBCHECK_JAR" ]; then
    echo "installing Debian's epubcheck"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq epubcheck >/dev/null
fi

out=$(mktemp -d /tmp/zharchive-epub.XXXXXX)
trap 'rm -rf "$out"' EXIT

# One build profile for all of CI: the dev profile.
cargo build -q --example epub
epub() { cargo run -q --example epub -- "$@"; }

failures=0
check() {
    local file=$1 log
    # /usr/bin/epubcheck does not start on these machines; the jar does.
    if log=$(java -jar "$EPUBCHECK_JAR" "$file" 2>&1) && grep -q "No errors or warnings detected" <<<"$log"; then
        echo "ok    $(basename "$file")"
    else
        echo "FAIL  $(basename "$file")"
        sed 's/^/      /' <<<"$log"
        failures=$((failures + 1))
    fi
}

# Every fixture, both modes.
for input in fixtures/*.txt; do
    name=$(basename "$input" .txt)
    epub "$input" -o "$out/$name.epub"
    epub "$input" -o "$out/$name.vertical.epub" --vertical --cover
    check "$out/$name.epub"
    check "$out/$name.vertical.epub"
done

# Reproducible: the same input and flags give the same bytes.
epub fixtures/article.txt -o "$out/again.epub"
cmp "$out/article.epub" "$out/again.epub"
echo "ok    two runs give identical bytes"

# SOURCE_DATE_EPOCH dates the book when no --date is given.
SOURCE_DATE_EPOCH=1718409600 epub fixtures/article.txt -o "$out/epoch.epub"
check "$out/epoch.epub"
if command -v python3 >/dev/null; then
    python3 - "$out/epoch.epub" <<'PY'
import sys, zipfile
opf = zipfile.ZipFile(sys.argv[1]).read("OEBPS/content.opf").decode()
assert '<meta property="dcterms:modified">2024-06-15T00:00:00Z</meta>' in opf, "SOURCE_DATE_EPOCH not used"
PY
    echo "ok    SOURCE_DATE_EPOCH sets dcterms:modified"
fi

# Odd articles.
odd="$out/odd"
mkdir -p "$odd"
printf '只有标题\n' >"$odd/title-only.txt"
printf '标题 <b>&amp;</b> "引号" ]]> &nbsp;\n\n<p>正文里的 <script>alert(1)</script> 与 &#x1; &lt;标签&gt;。</p>\n\n最后一段 </body></html>\n' >"$odd/markup.txt"
printf '控制\001字符\013标题\n\n正文\002段落\037，含\177删除符。\n' >"$odd/controls.txt"
{
    printf '一个非常非常长的标题'
    for _ in $(seq 1 30); do printf '反复出现的词语'; done
    printf '\n\n'
    for _ in $(seq 1 200); do printf '这是一个很长的段落，用来检查排版。'; done
    printf '\n'
} >"$odd/long.txt"
printf 'Only Latin text here\n\nNo Chinese characters at all, just ASCII words & symbols < > "quotes".\n' >"$odd/latin.txt"
printf '標題：香港\n\n這是繁體中文的段落，「引號」與『雙引號』。\n' >"$odd/hongkong.txt"
printf '\xef\xbb\xbf\n\n\n   缩进的标题   \n\n\n\n  第一段\n第一段续行\n\n\t第二段\n' >"$odd/whitespace.txt"

for input in "$odd"/*.txt; do
    name=$(basename "$input" .txt)
    epub "$input" -o "$odd/$name.epub" --cover
    epub "$input" -o "$odd/$name.vertical.epub" --vertical --script hongkong
    check "$odd/$name.epub"
    check "$odd/$name.vertical.epub"
done

# An embedded font (any TrueType face will do for the package check).
font=$(find /usr/share/fonts -name '*.ttf' 2>/dev/null | sort | head -n 1 || true)
if [ -n "$font" ]; then
    epub fixtures/article.txt -o "$odd/font.epub" --font "$font"
    check "$odd/font.epub"
else
    echo "skip  embedded font (no .ttf under /usr/share/fonts)"
fi

if [ "$failures" -ne 0 ]; then
    echo "EPUBCheck: $failures book(s) with errors or warnings"
    exit 1
fi
echo "EPUBCheck: every book passed with no errors or warnings"
