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
# Standalone from the repository root: bash .ci/pdf.sh
# Uses the dev profile, like the rest of CI (one build profile).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v qpdf >/dev/null || need+=(qpdf)
command -v pdftotext >/dev/null || need+=(poppler-utils)
if [ "${#need[@]}" -gt 0 ]; then
    echo "installing ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

cargo build -q --example pdf --example normalize

passed=0
failed=0
fail() {
    echo "FAIL $1: $2"
    failed=$((failed + 1))
}

for input in fixtures/*.txt; do
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
        if ! python3 - "$out/struct.txt" "$out/expected.txt" <<'PY'
import sys
listing = open(sys.argv[1], encoding="utf-8").read().splitlines()
expected = open(sys.argv[2], encoding="utf-8").read()
# The normalised text: the title, then the paragraphs, separated by blank lines.
blocks = [b.strip("\n") for b in expected.split("\n\n") if b.strip()]
want = [("H1", blocks[0])] + [("P", b) for b in blocks[1:]]
# pdfinfo -struct-text: "Document", then each element as "  TYPE (block)"
# followed by its marked content, one quoted piece per page it is on.
problems = []
if not listing or listing[0] != "Document":
    problems.append(f"the structure does not start with Document: {listing[:1]}")
got = []
for line in listing[1:]:
    s = line.strip()
    if len(s) >= 2 and s[0] == '"' and s[-1] == '"':
        if not got:
            problems.append(f"content outside an element: {s[:40]}")
            continue
        got[-1][1].append(s[1:-1])
    elif s.endswith(" (block)") or s.endswith(" (inline)"):
        got.append((s.rsplit(" ", 1)[0], []))
    else:
        problems.append(f"unexpected line: {line[:60]!r}")
got = [(kind, "".join(parts)) for kind, parts in got]
if len(got) != len(want):
    problems.append(f"{len(got)} elements for {len(want)} blocks: {[k for k, _ in got]}")
for n, ((kind, text), (want_kind, want_text)) in enumerate(zip(got, want)):
    if kind != want_kind:
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

echo "pdf: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
