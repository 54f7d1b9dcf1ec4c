#!/usr/bin/env bash
# PDF checks for every fixtures/*.txt, in A4, in A5, in A5 with running
# heads, and with Traditional output: `qpdf --check` clean, `pdffonts` shows
# every font embedded and subset, `pdftotext` gives back the normalised text
# (whitespace and page-number lines aside), no extracted line starts with
# closing or ends with opening Chinese punctuation, and the PDF is tagged:
# `pdfinfo` says `Tagged: yes` and `pdfinfo -struct-text` gives the title
# (H1) and then each paragraph (P), in order, each exactly the normalised
# text, and nothing else (no page numbers, no running heads).
#
# Then books: the book tests of tests/pdf.rs with poppler required, and
# books of 2, 50 and 1,000 generated articles (examples/gen_corpus.rs), each
# articles from new pages, the 50 also run on: `qpdf --check` clean, every
# font embedded and subset, the same bytes from two runs, tagged, and
# `pdfinfo -struct-text` giving the title page, the contents (an entry per
# article, linked, whose number is the page `pdftotext -f N -l N` finds its
# title on), then every article's title and paragraphs, exactly the normalised
# text (every book); the 1,000-article book within 500 MB of peak RSS.
#
# Standalone from the repository root: bash .ci/pdf.sh
# Uses the dev profile, like the rest of CI (one build profile).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v qpdf >/dev/null || need+=(qpdf)
command -v pdftotext >/dev/null || need+=(poppler-utils)
[ -x /usr/bin/time ] || need+=(time)
if [ "${#need[@]}" -gt 0 ]; then
    echo "installing ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

cargo build -q --example pdf --example normalize --example gen_corpus

passed=0
failed=0
fail() {
    echo "FAIL $1: $2"
    failed=$((failed + 1))
}

for input in fixtures/*.txt fixtures/html/*.html; do
    name="$(basename "$input" .txt)"
    for variant in a4 a5 a5-header traditional; do
        case "$variant" in
            a4) args=(--paper a4) ;;
            a5) args=(--paper a5) ;;
            a5-header) args=(--paper a5 --running-header) ;;
            traditional) args=(--script traditional) ;;
        esac
        label="$name [$variant]"
        pdf="$out/$name-$variant.pdf"
        if ! cargo run -q --example pdf -- "$input" -o "$pdf" "${args[@]}" 2>"$out/stderr"; then
            fail "$label" "the pdf example failed: $(cat "$out/stderr")"
            continue
        fi
        if [ -s "$out/stderr" ]; then
            echo "note $label: $(cat "$out/stderr")"
        fi
        script_args=()
        [ "$variant" = traditional ] && script_args=(--script traditional)
        cargo run -q --example normalize -- "$input" "${script_args[@]}" >"$out/expected.txt"

        ok=1
        if ! qpdf --check "$pdf" >"$out/qpdf.txt" 2>&1; then
            fail "$label" "qpdf --check: $(grep -iv '^checking\|^PDF Version\|^File is not' "$out/qpdf.txt" | head -5)"
            ok=0
        fi
        # pdffonts: name, type (may contain spaces), encoding, emb, sub, uni, object id.
        pdffonts "$pdf" >"$out/fonts.txt"
        fonts="$(tail -n +3 "$out/fonts.txt" | wc -l)"
        bad_fonts="$(tail -n +3 "$out/fonts.txt" | awk '$(NF-4) != "yes" || $(NF-3) != "yes"')"
        if [ "$fonts" -eq 0 ] || [ -n "$bad_fonts" ]; then
            fail "$label" "fonts not all embedded and subset: $(cat "$out/fonts.txt")"
            ok=0
        fi
        pdftotext -enc UTF-8 "$pdf" "$out/extracted.txt"
        if ! python3 - "$out/extracted.txt" "$out/expected.txt" "$variant" <<'PY'
import sys
NO_START = "，。、：；！？）」』】》”"
NO_END = "（「『【《“"
extracted = open(sys.argv[1], encoding="utf-8").read()
expected = open(sys.argv[2], encoding="utf-8").read()
title = expected.split("\n", 1)[0].strip()
def is_page_number(line):
    s = line.strip()
    return s != "" and s.isdigit()
def is_running_head(line):
    # The title, or its start cut with an ellipsis, atop every page but the first.
    s = line.strip()
    return s == title or (s.endswith("…") and title.startswith(s[:-1]))
lines = []
for n, page in enumerate(extracted.split("\f")):
    page_lines = [l.strip() for l in page.splitlines() if l.strip()]
    # pdftotext keeps artifacts; the structure check below shows they are not text.
    if sys.argv[3] == "a5-header" and n > 0 and page_lines and is_running_head(page_lines[0]):
        page_lines = page_lines[1:]
    lines += [l for l in page_lines if not is_page_number(l)]
squash = lambda s: "".join(c for c in s if not c.isspace())
problems = []
if squash("".join(lines)) != squash(expected):
    a, b = squash("".join(lines)), squash(expected)
    i = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
    problems.append(f"text differs at character {i}: extracted {a[i:i+20]!r}, expected {b[i:i+20]!r}")
for l in lines:
    if l[0] in NO_START:
        problems.append(f"line starts with {l[0]}: {l[:20]}")
    if l[-1] in NO_END:
        problems.append(f"line ends with {l[-1]}: {l[-20:]}")
for p in problems:
    print("   ", p)
sys.exit(1 if problems else 0)
PY
        then
            fail "$label" "text layer (see above)"
            ok=0
        fi
        tagged="$(pdfinfo "$pdf" | awk '/^Tagged:/ {print $2}')"
        if [ "$tagged" != yes ]; then
            fail "$label" "pdfinfo says Tagged: $tagged"
            ok=0
        fi
        pdfinfo -struct-text "$pdf" >"$out/struct.txt"
        if ! python3 - "$out/struct.txt" "$out/expected.txt" "$input" <<'PY'
import sys
listing = open(sys.argv[1], encoding="utf-8").read().splitlines()
expected = open(sys.argv[2], encoding="utf-8").read()
# The normalised text: the title, then the paragraphs, separated by blank lines.
blocks = [b.strip("\n") for b in expected.split("\n\n") if b.strip()]
# A web page's blocks may also be subheadings, quotations, list items
# (text in LBody, inside L and LI) and captions; a text file's are paragraphs.
page = sys.argv[3].endswith(".html")
TEXT = {"H1", "H2", "H3", "H4", "H5", "H6", "P", "BlockQuote", "Caption", "LBody"}
CONTAINERS = {"L", "LI"}
want = [("H1", blocks[0])] + [("any" if page else "P", b) for b in blocks[1:]]
# pdfinfo -struct-text: "Document", then each element as "  TYPE (block)"
# (or "  TYPE" for the types poppler does not class as blocks) followed by
# its marked content, one quoted piece per page it is on.
problems = []
if not listing or listing[0] != "Document":
    problems.append(f"the structure does not start with Document: {listing[:1]}")
got = []
for line in listing[1:]:
    s = line.strip()
    kind = s.rsplit(" ", 1)[0] if s.endswith(" (block)") or s.endswith(" (inline)") else s
    if len(s) >= 2 and s[0] == '"' and s[-1] == '"':
        if not got:
            problems.append(f"content outside an element: {s[:40]}")
            continue
        got[-1][1].append(s[1:-1])
    elif kind in CONTAINERS and page:
        continue
    elif kind in TEXT:
        got.append((kind, []))
    else:
        problems.append(f"unexpected line: {line[:60]!r}")
got = [(kind, "".join(parts)) for kind, parts in got]
if len(got) != len(want):
    problems.append(f"{len(got)} elements for {len(want)} blocks: {[k for k, _ in got]}")
for n, ((kind, text), (want_kind, want_text)) in enumerate(zip(got, want)):
    if kind != want_kind and not (want_kind == "any" and kind in TEXT - {"H1"}):
        problems.append(f"element {n} is {kind}, expected {want_kind}")
    if text != want_text:
        i = next((i for i in range(min(len(text), len(want_text))) if text[i] != want_text[i]), min(len(text), len(want_text)))
        problems.append(f"element {n} ({kind}) differs at character {i}: {text[i:i+20]!r}, expected {want_text[i:i+20]!r}")
for p in problems:
    print("   ", p)
sys.exit(1 if problems else 0)
PY
        then
            fail "$label" "structure text (see above)"
            ok=0
        fi
        if [ "$ok" = 1 ]; then
            pages="$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')"
            echo "ok   $label: $(stat -c %s "$pdf") bytes, $pages page(s), qpdf clean, font embedded+subset, text equal, kinsoku kept, tagged, structure text equal"
            passed=$((passed + 1))
        fi
    done
done

# ---------------------------------------------------------------- books

echo "tests/pdf.rs with poppler required (the book tests check through pdftotext and pdfinfo)"
if ZHARCHIVE_REQUIRE_POPPLER=1 cargo test -q --test pdf >"$out/pdf-tests.txt" 2>&1; then
    echo "ok   tests/pdf.rs: $(grep -o '[0-9]* passed' "$out/pdf-tests.txt" | tail -1)"
    passed=$((passed + 1))
else
    tail -30 "$out/pdf-tests.txt"
    fail "tests/pdf.rs" "cargo test --test pdf (poppler required)"
fi

pdf_bin=target/debug/examples/pdf
normalize_bin=target/debug/examples/normalize
target/debug/examples/gen_corpus --count 1000 --out-dir "$out/gen" >/dev/null
generated=("$out/gen"/*.txt)
for n in 2 50 1000; do
    mkdir -p "$out/book$n"
    cp "${generated[@]:0:$n}" "$out/book$n"
done

for variant in 2 50 50-run-on 1000; do
    n="${variant%%-*}"
    label="book of $n [new pages]"
    [ "$variant" = 50-run-on ] && label="book of $n [run on]"
    args=(--title "生成的文集 $n 篇" --creator "编者甲" --creator "编者乙" --book-date 2024-06-01 --description "生成的文章，检查书的排版。")
    [ "$variant" = 50-run-on ] && args+=(--run-on)
    pdf="$out/book-$variant.pdf"
    if ! /usr/bin/time -v "$pdf_bin" "$out/book$n" -o "$pdf" "${args[@]}" 2>"$out/stderr"; then
        fail "$label" "the pdf example failed: $(tail -5 "$out/stderr")"
        continue
    fi
    rss_kb="$(awk -F': ' '/Maximum resident set size/ {print $2}' "$out/stderr")"
    wall="$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$out/stderr")"
    ok=1
    if [ "$n" = 1000 ] && [ "$rss_kb" -gt 512000 ]; then
        fail "$label" "peak RSS $((rss_kb / 1024)) MB, over 500 MB"
        ok=0
    fi
    "$pdf_bin" "$out/book$n" -o "$out/again.pdf" "${args[@]}" 2>/dev/null
    if ! cmp -s "$pdf" "$out/again.pdf"; then
        fail "$label" "two runs give different bytes"
        ok=0
    fi
    if ! qpdf --check "$pdf" >"$out/qpdf.txt" 2>&1; then
        fail "$label" "qpdf --check: $(grep -iv '^checking\|^PDF Version\|^File is not' "$out/qpdf.txt" | head -5)"
        ok=0
    fi
    pdffonts "$pdf" >"$out/fonts.txt"
    bad_fonts="$(tail -n +3 "$out/fonts.txt" | awk '$(NF-4) != "yes" || $(NF-3) != "yes"')"
    if [ "$(tail -n +3 "$out/fonts.txt" | wc -l)" -eq 0 ] || [ -n "$bad_fonts" ]; then
        fail "$label" "fonts not all embedded and subset: $(cat "$out/fonts.txt")"
        ok=0
    fi
    if [ "$(pdfinfo "$pdf" | awk '/^Tagged:/ {print $2}')" != yes ]; then
        fail "$label" "not tagged"
        ok=0
    fi
    # The normalised articles, for the structure check (a process per
    # article: about 25 s for the book of 1,000).
    : >"$out/expected.list"
    for f in "$out/book$n"/*.txt; do
        "$normalize_bin" "$f" >"$f.expected"
        echo "$f.expected" >>"$out/expected.list"
    done
    # Characters the font lacks (the missing-glyphs warning lists them): drawn
    # as boxes, kept in the text layer as /ActualText spans, which
    # pdfinfo -struct-text leaves out; the checks below leave them out too.
    missing="$(grep -o 'U+[0-9A-F]* .' "$out/stderr" | awk '{printf "%s", $2}' || true)"
    pdfinfo -struct-text "$pdf" >"$out/struct.txt"
    if ! python3 - "$out/struct.txt" "$pdf" "$n" "$out/expected.list" "$missing" <<'PY'
import subprocess, sys
drop = str.maketrans("", "", sys.argv[5])
listing = open(sys.argv[1], encoding="utf-8").read().translate(drop).splitlines()
pdf, n = sys.argv[2], int(sys.argv[3])
expected = [open(p.strip(), encoding="utf-8").read().translate(drop) for p in open(sys.argv[4], encoding="utf-8") if p.strip()]
problems = []
# (kind, text) for every element in reading order; grouping elements
# (TOC, TOCI, Art) have no text of their own.
got = []
for line in listing[1:]:
    s = line.strip()
    if len(s) >= 2 and s[0] == '"' and s[-1] == '"':
        got[-1][1].append(s[1:-1])
    elif s.startswith("Object "):
        got[-1][1].append("[object]")  # a link's annotation
    else:
        got.append((s.replace(" (block)", "").replace(" (inline)", ""), []))
got = [(k, "".join(t)) for k, t in got]
kinds = [k for k, _ in got]
if listing[:1] != ["Document"] or kinds[:1] != ["H1"]:
    problems.append(f"the structure does not open with Document and the title (H1): {listing[:2]}")
toc = kinds.index("TOC") if "TOC" in kinds else -1
if toc < 1 or kinds[toc - 1] != "H2" or got[toc - 1][1] not in ("目录", "目錄"):
    problems.append("no contents heading (H2) before the TOC")
if any(k != "P" for k in kinds[1:toc - 1]):
    problems.append(f"the title page is not H1 and P: {kinds[:toc]}")
entries = []
i = toc + 1
while i < len(got) and got[i][0] == "TOCI":
    part = got[i + 1:i + 4]
    if [k for k, _ in part] != ["Reference", "Lbl", "Link"] or part[2][1] != "[object]":
        problems.append(f"TOCI {len(entries)} is not Reference + Lbl + Link (to an annotation): {part}")
        break
    entries.append((got[i + 1][1], got[i + 2][1]))
    i += 4
arts = []
for kind, text in got[i:]:
    if kind == "Art":
        arts.append([])
    elif arts:
        arts[-1].append((kind, text))
    else:
        problems.append(f"{kind} between the contents and the first article")
if i + sum(len(a) + 1 for a in arts) != len(got):
    problems.append("elements after the articles")
if len(entries) != n or len(arts) != n:
    problems.append(f"{len(entries)} contents entries and {len(arts)} articles for {n} inputs")
# Each entry's number is the page its article's title is on.
for (title, number), art in zip(entries, arts):
    heading = next((t for k, t in art if k == "H2"), title)
    try:
        page = subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", number, "-l", number, pdf, "-"],
                              capture_output=True, text=True, check=True).stdout
    except Exception as e:
        problems.append(f"{title}: page {number!r}: {e}")
        continue
    if "".join(heading.split()) not in "".join(page.translate(drop).split()):
        problems.append(f"{title}: not on page {number}")
# Each article's elements are its normalised text: the title (H2), then P.
for a, (art, text) in enumerate(zip(arts, expected)):
    blocks = [b.strip("\n") for b in text.split("\n\n") if b.strip()]
    want = [("H2", blocks[0])] + [("P", b) for b in blocks[1:]]
    if art != want:
        diff = next((j for j, (x, y) in enumerate(zip(art, want)) if x != y), min(len(art), len(want)))
        problems.append(f"article {a}: element {diff} is {art[diff] if diff < len(art) else None}, expected {want[diff] if diff < len(want) else None}")
for p in problems[:10]:
    print("   ", p)
sys.exit(1 if problems else 0)
PY
    then
        fail "$label" "structure, contents or text (see above)"
        ok=0
    fi
    if [ "$ok" = 1 ]; then
        pages="$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')"
        echo "ok   $label: $(stat -c %s "$pdf") bytes, $pages pages, $wall, peak RSS $((rss_kb / 1024)) MB, deterministic, qpdf clean, fonts embedded+subset, tagged, contents numbers right, structure text equal"
        passed=$((passed + 1))
    fi
done

echo "pdf: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
