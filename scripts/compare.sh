#!/usr/bin/env bash
# zharchive side by side with the tools an archivist would otherwise use, as
# whole processes on the same inputs, on this machine, now:
#
#   normalisation   zharchive `normalize` (decode, repair, annotations,
#                   boilerplate, t2s, punctuation, structure) vs `opencc -c t2s`
#                   (conversion alone) on OpenCC's 1.9 MB 左传 benchmark text,
#                   converted to Traditional by `opencc -c s2t`
#   EPUB, TEI       `epub` / `tei` examples on the reference article (from its
#                   scraped bytes) vs `pandoc -f markdown -t epub3` / `-t tei -s`
#                   on the already normalised text
#   PDF             `pdf` example vs Calibre's `ebook-convert` (txt -> pdf) on
#                   the normalised text
#   batch           200 generated damaged articles (examples/gen_corpus.rs):
#                   `archive --jobs 2` writing EPUB, PDF and TEI for each vs a
#                   shell loop of Pandoc writing the EPUB only (from the
#                   normalised text, which Pandoc cannot produce)
#   book            the same 200 articles as one book: `epub DIR -o book.epub`
#                   vs `pandoc` combining their Markdown into one EPUB, and
#                   `pdf DIR -o book.pdf` vs Calibre's `ebook-convert` of their
#                   normalised text (one file) to PDF
#   memory          peak RSS of that batch (/usr/bin/time -v), and of the same
#                   batch over 1,000 articles (memory must not grow with it);
#                   peak RSS of the EPUB, PDF and TEI books of 200 and 1,000
#                   articles (target: under 500 MB for 1,000)
#
# Prints the ratios (ours / theirs; lower is better) against the targets of
# issue 6, then the absolute times, as Markdown (BENCHMARKS.md is this output
# plus the machine). Raw hyperfine JSON is kept in target/compare/.
#
# Needs Debian's opencc, pandoc, calibre, hyperfine and time: installed with
# apt-get when missing (as root). Environment: RUNS (default 10) for the
# single-file comparisons, SLOW_RUNS (3) for Calibre, BATCH_RUNS (10) for the
# batches.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

missing=()
command -v opencc >/dev/null || missing+=(opencc)
command -v pandoc >/dev/null || missing+=(pandoc)
command -v ebook-convert >/dev/null || missing+=(calibre)
command -v hyperfine >/dev/null || missing+=(hyperfine)
[ -x /usr/bin/time ] || missing+=(time)
command -v python3 >/dev/null || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} (apt-get)" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# Calibre renders PDFs with Qt WebEngine: headless, and (as root) without the
# Chromium sandbox, or it refuses to start.
export QT_QPA_PLATFORM=offscreen QTWEBENGINE_CHROMIUM_FLAGS="--no-sandbox"

RUNS=${RUNS:-10}
SLOW_RUNS=${SLOW_RUNS:-3}
BATCH_RUNS=${BATCH_RUNS:-10}

cargo build -q --release --examples
bin="${CARGO_TARGET_DIR:-$root/target}/release/examples"
results="${CARGO_TARGET_DIR:-$root/target}/compare"
mkdir -p "$results"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

hf() { # NAME RUNS COMMAND... : hyperfine, results in $results/NAME.json
  local name=$1 runs=$2
  shift 2
  hyperfine -N --warmup 1 --runs "$runs" --export-json "$results/$name.json" "$@" >/dev/null 2>&1 ||
    hyperfine -N --warmup 1 --runs "$runs" --export-json "$results/$name.json" "$@" >&2
}

echo "== inputs" >&2
opencc -c s2t -i tests/data/opencc/zuozhuan.txt -o "$work/zuozhuan.t.txt"
article=fixtures/article.txt
"$bin/normalize" "$article" >"$work/article.txt"
# Pandoc reads Markdown: the title as a heading and as metadata (EPUB needs one).
title=$(head -n 1 "$work/article.txt")
{
  printf -- '---\ntitle: "%s"\nlang: zh-Hans\n---\n\n# %s\n' "$title" "$title"
  tail -n +2 "$work/article.txt"
} >"$work/article.md"
"$bin/gen_corpus" --count 200 --out-dir "$work/corpus200" 2>&1 | sed 's/^/  /' >&2
mkdir -p "$work/md200" "$work/pandoc200" "$work/out200" "$work/out1000"
for f in "$work"/corpus200/*.txt; do
  stem=$(basename "$f" .txt)
  "$bin/normalize" "$f" >"$work/n.txt"
  t=$(head -n 1 "$work/n.txt")
  { printf -- '---\ntitle: "%s"\nlang: zh-Hans\n---\n\n# %s\n' "${t//\"/\\\"}" "$t"; tail -n +2 "$work/n.txt"; } >"$work/md200/$stem.md"
done
cat >"$work/pandoc-loop.sh" <<EOF
#!/bin/sh
for f in "$work"/md200/*.md; do
  pandoc -f markdown -t epub3 -o "$work/pandoc200/\$(basename "\$f" .md).epub" "\$f" || exit 1
done
EOF
chmod +x "$work/pandoc-loop.sh"
# The book's material for Pandoc and Calibre: the 200 normalised articles,
# in the same (natural) order zharchive reads the folder in.
: >"$work/book200.txt"
for f in $(ls "$work"/md200/*.md | sort -V); do
  stem=$(basename "$f" .md)
  "$bin/normalize" "$work/corpus200/$stem.txt" >>"$work/book200.txt"
  printf '\n' >>"$work/book200.txt"
done
book_md=$(ls "$work"/md200/*.md | sort -V | tr '\n' ' ')

echo "== normalisation vs opencc -c t2s ($RUNS runs)" >&2
hf normalize "$RUNS" \
  "opencc -c t2s -i $work/zuozhuan.t.txt -o $work/opencc.out" \
  "$bin/normalize $work/zuozhuan.t.txt"
echo "== EPUB and TEI vs Pandoc ($RUNS runs)" >&2
hf epub "$RUNS" \
  "pandoc -f markdown -t epub3 -o $work/pandoc.epub $work/article.md" \
  "$bin/epub $article -o $work/ours.epub"
hf tei "$RUNS" \
  "pandoc -f markdown -t tei -s -o $work/pandoc.tei.xml $work/article.md" \
  "$bin/tei $article -o $work/ours.tei.xml"
echo "== PDF vs Calibre ($SLOW_RUNS runs for Calibre, $RUNS for ours)" >&2
hf pdf-calibre "$SLOW_RUNS" "ebook-convert $work/article.txt $work/calibre.pdf"
hf pdf-ours "$RUNS" "$bin/pdf $article -o $work/ours.pdf"
echo "== 200-article batch vs a Pandoc loop ($BATCH_RUNS runs)" >&2
hf batch-pandoc "$BATCH_RUNS" "$work/pandoc-loop.sh"
hf batch-ours "$BATCH_RUNS" "$bin/archive $work/corpus200 --out-dir $work/out200 --jobs 2 --force"
echo "== 200-article book: EPUB vs Pandoc, PDF vs Calibre ($BATCH_RUNS runs)" >&2
hf book-epub "$BATCH_RUNS" \
  "pandoc -f markdown -t epub3 --toc --metadata title=文集 -o $work/pandoc-book.epub $book_md" \
  "$bin/epub $work/corpus200 --title 文集 -o $work/ours-book.epub"
hf book-pdf-calibre 1 "ebook-convert $work/book200.txt $work/calibre-book.pdf --title 文集"
hf book-pdf-ours "$BATCH_RUNS" "$bin/pdf $work/corpus200 --title 文集 -o $work/ours-book.pdf"
echo "== peak memory" >&2
peak() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ {print $2}'; }
rss200=$(peak "$bin/archive" "$work/corpus200" --out-dir "$work/out200" --jobs 2 --force)
"$bin/gen_corpus" --count 1000 --out-dir "$work/corpus1000" 2>/dev/null
rss1000=$(peak "$bin/archive" "$work/corpus1000" --out-dir "$work/out1000" --jobs 2 --force)
rss_pandoc=$(peak pandoc -f markdown -t epub3 -o "$work/p1.epub" "$work/article.md")
books=()
for n in 200 1000; do
  for w in epub pdf tei; do
    books+=("$(peak "$bin/$w" "$work/corpus$n" --title 文集 -o "$work/book$n.$w")")
  done
done
ls -l "$work/ours.epub" "$work/pandoc.epub" "$work/ours.pdf" "$work/calibre.pdf" "$work/ours.tei.xml" "$work/pandoc.tei.xml" |
  awk '{print $5, $NF}' | sed "s|$work/||" >"$results/sizes.txt"

python3 - "$results" "$rss200" "$rss1000" "$rss_pandoc" "${books[@]}" <<'PY'
import json, sys
d, rss200, rss1000, rss_pandoc = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
books = dict(zip([(n, w) for n in (200, 1000) for w in ("EPUB", "PDF", "TEI")], map(int, sys.argv[5:11])))
def res(name):
    return json.load(open(f"{d}/{name}.json"))["results"]
def mean(r): return r["mean"]
n = res("normalize"); e = res("epub"); t = res("tei")
pc = res("pdf-calibre")[0]; po = res("pdf-ours")[0]
bp = res("batch-pandoc")[0]; bo = res("batch-ours")[0]
be = res("book-epub"); bpc = res("book-pdf-calibre")[0]; bpo = res("book-pdf-ours")[0]
rows = [
    # what, ours, theirs, target ratio, aim
    ("normalisation (1.9 MB 左传) vs `opencc -c t2s`", n[1], n[0], 1.0, 0.3),
    ("single EPUB vs Pandoc", e[1], e[0], 0.5, None),
    ("single TEI vs Pandoc", t[1], t[0], None, None),
    ("single PDF vs Calibre `ebook-convert`", po, pc, 0.05, None),
    ("200-article batch (EPUB+PDF+TEI, 2 jobs) vs Pandoc loop (EPUB)", bo, bp, 0.05, None),
    ("200-article book, EPUB vs Pandoc (one EPUB of the 200)", be[1], be[0], 0.3, None),
    ("200-article book, PDF vs Calibre `ebook-convert`", bpo, bpc, 0.05, None),
]
# Wall time is what the targets are about; CPU time (user + system, children
# included) is printed beside it because on a shared machine the wall clock
# of a two-job batch suffers more from other load than a one-process loop.
def cpu(r): return r["user"] + r["system"]
print("| comparison | wall-time ratio (ours / theirs) | CPU-time ratio | target (wall) | met |")
print("|---|---:|---:|---:|:---:|")
for what, ours, theirs, target, aim in rows:
    ratio = mean(ours) / mean(theirs)
    tgt = "—" if target is None else f"≤ {target:g}×" + (f" (aim {aim:g}×)" if aim else "")
    met = "—" if target is None else ("yes" if ratio <= target else "**no**")
    if aim is not None and target is not None and ratio <= target:
        met += " (aim met)" if ratio <= aim else " (aim not met)"
    print(f"| {what} | {ratio:.3f}× | {cpu(ours) / cpu(theirs):.3f}× | {tgt} | {met} |")
mb = rss200 / 1024
print(f"| peak memory of the 200-article batch | {mb:.0f} MB (1,000 articles: {rss1000/1024:.0f} MB) | | < 300 MB | {'yes' if mb < 300 else '**no**'} |")
top = max(books.values()) / 1024
print(f"| peak memory of the books (EPUB, PDF, TEI) | 200: {' / '.join(f'{books[(200, w)]/1024:.0f}' for w in ('EPUB', 'PDF', 'TEI'))} MB; 1,000: {' / '.join(f'{books[(1000, w)]/1024:.0f}' for w in ('EPUB', 'PDF', 'TEI'))} MB | | < 500 MB (1,000) | {'yes' if top < 500 else '**no**'} |")
print()
print("| command | wall mean ± σ | wall min | CPU (user + sys) | runs |")
print("|---|---:|---:|---:|---:|")
def row(label, r):
    sd = (r.get("stddev") or 0) * 1000
    print(f"| {label} | {r['mean']*1000:.1f} ± {sd:.1f} ms | {r['min']*1000:.1f} ms | {cpu(r)*1000:.1f} ms | {len(r['times'])} |")
row("`opencc -c t2s` (1.9 MB)", n[0]); row("zharchive `normalize` (1.9 MB)", n[1])
row("`pandoc -t epub3` (article)", e[0]); row("zharchive `epub` (article, from scraped bytes)", e[1])
row("`pandoc -t tei -s` (article)", t[0]); row("zharchive `tei` (article, from scraped bytes)", t[1])
row("Calibre `ebook-convert` txt → pdf (article)", pc); row("zharchive `pdf` (article, from scraped bytes)", po)
row("Pandoc loop, 200 EPUBs", bp); row("zharchive `archive --jobs 2`, 200 × (EPUB+PDF+TEI)", bo)
row("`pandoc --toc` 200 Markdown files → one EPUB", be[0]); row("zharchive `epub` 200 scraped files → one EPUB", be[1])
row("Calibre `ebook-convert` 200 articles (one txt) → PDF", bpc); row("zharchive `pdf` 200 scraped files → one PDF", bpo)
print()
print(f"Per article in the batch: Pandoc {mean(bp)/200*1000:.1f} ms (EPUB), zharchive {mean(bo)/200*1000:.1f} ms (three formats, 2 jobs).")
print(f"Peak RSS: archive 200 articles {rss200/1024:.1f} MB, 1,000 articles {rss1000/1024:.1f} MB; one Pandoc EPUB run {rss_pandoc/1024:.1f} MB.")
PY
echo >&2
echo "output sizes (bytes):" >&2
sed 's/^/  /' "$results/sizes.txt" >&2
