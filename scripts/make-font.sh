#!/usr/bin/env bash
# Regenerate assets/fonts/NotoSansCJKsc-Regular-subset.otf, byte for byte.
#
# Why a subset: the full Noto Sans CJK SC face is 16 MB and carries glyphs
# (Korean, Japanese kana variants, vertical and layout forms) that a Chinese
# news archive never uses; embedding it in the crate would make every build
# and every download carry them. The subset keeps what Chinese text in any
# of the crate's target scripts needs (see "Coverage" below): about 4.7 MiB.
#
# Inputs are pinned so the output is reproducible:
#   * Debian bookworm's fonts-noto-cjk (the .deb's SHA-256 is checked),
#   * fontTools from PyPI at a fixed version, in a private virtualenv,
#   * Debian's opencc CLI (libopencc-data) for the Traditional forms.
#
# Coverage: ASCII, Latin-1, Latin Extended-A and the pinyin vowels of
# Latin Extended-B, general punctuation, letterlike symbols, number forms,
# arrows, enclosed alphanumerics, geometric shapes, CJK symbols and
# punctuation, full-width forms, every character of GB2312 and of Big5,
# every Traditional form OpenCC (s2t, s2tw, s2twp, s2hk) gives for a GB2312
# character fed one per line (OpenCC converts by phrase: a whole line of
# characters would be segmented into words and give different forms), and
# every character on the output side of OpenCC's dictionaries (phrase
# tables included: 面条 becomes 麪條, and 麪 is in no character table), so
# whatever the script pass writes, in either direction, has a glyph.
#
# No layout features (GSUB/GPOS are dropped: the PDF writer places glyphs
# itself and never shapes) and no vertical metrics (the writer sets
# horizontal text only); the CFF hints stay, since they are what keeps small
# text legible on screen, and the names stay so the licence and copyright
# travel with the file.
#
# Last, the CIDs are renumbered to equal the glyph ids. pyftsubset keeps each
# glyph's CID from the full face, which leaves the subset's CFF charset in
# 11,936 ranges; allsorts, which cuts this font down again for every PDF,
# finds each glyph's CID by walking those ranges (11 % of a batch's time in a
# profile). With CID = GID the charset is one range. Glyphs, metrics and the
# cmap are unchanged; a PDF names glyphs by the subset's own CIDs anyway.
#
# Usage: scripts/make-font.sh [OUTPUT_DIR]   (default: assets/fonts)
set -euo pipefail
cd "$(dirname "$0")/.."

DEB_VERSION="1:20220127+repack1-1"
OPENCC_VERSION="1.1.6+ds1-1"
DEB_SHA256="4a2515eb6db3978b897fef9709ed0d2b1f4c6c4df4d83d6c4ef65f71f1b1f502"
FONTTOOLS_VERSION="4.60.1"
TTC="usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
FAMILY="Noto Sans CJK SC"
OUT_DIR="${1:-assets/fonts}"
OUT="$OUT_DIR/NotoSansCJKsc-Regular-subset.otf"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [ "$(dpkg-query -W -f='${Version}' opencc 2>/dev/null || true)" != "$OPENCC_VERSION" ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "opencc=$OPENCC_VERSION" "libopencc-data=$OPENCC_VERSION" >/dev/null
fi

echo "fetching fonts-noto-cjk $DEB_VERSION"
(cd "$work" && apt-get download -q "fonts-noto-cjk=$DEB_VERSION" >/dev/null 2>&1)
deb="$(ls "$work"/fonts-noto-cjk_*.deb)"
echo "$DEB_SHA256  $deb" | sha256sum -c --quiet -
dpkg-deb -x "$deb" "$work/deb"

echo "installing fonttools $FONTTOOLS_VERSION"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q "fonttools==$FONTTOOLS_VERSION"
py="$work/venv/bin/python"

# Which face of the collection is the SC one.
index="$("$py" - "$work/deb/$TTC" "$FAMILY" <<'PY'
import sys
from fontTools.ttLib import TTCollection
for i, face in enumerate(TTCollection(sys.argv[1]).fonts):
    if face["name"].getDebugName(1) == sys.argv[2]:
        print(i)
        break
else:
    sys.exit("face not found: " + sys.argv[2])
PY
)"
echo "face $index is $FAMILY"

# GB2312 hanzi, one per line, for OpenCC.
"$py" - > "$work/gb2312-hanzi.txt" <<'PY'
for lead in range(0xB0, 0xF8):
    for trail in range(0xA1, 0xFF):
        try:
            print(bytes([lead, trail]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
PY
for config in s2t s2tw s2twp s2hk; do
    opencc -c "$config.json" -i "$work/gb2312-hanzi.txt" -o "$work/opencc-$config.txt"
done
# The dictionaries themselves, as text (KEY<TAB>VALUES); only the values are kept.
for dict in STCharacters STPhrases TWVariants TWPhrases HKVariants TSCharacters TSPhrases; do
    opencc_dict -i "/usr/share/opencc/$dict.ocd2" -f ocd2 -o "$work/dict-$dict.txt" -t text
done

# The code points to keep, sorted and unique, as U+XXXX lines.
"$py" - "$work" > "$work/unicodes.txt" <<'PY'
import sys, pathlib
work = pathlib.Path(sys.argv[1])
keep = set()
def span(a, b):
    keep.update(range(a, b + 1))
span(0x20, 0x7E)        # ASCII
span(0xA0, 0xFF)        # Latin-1
span(0x100, 0x17F)      # Latin Extended-A (pinyin ā ē ī ō ū …)
span(0x1CD, 0x1DC)      # pinyin ǎ ǐ ǒ ǔ ǖ ǘ ǚ ǜ
span(0x2000, 0x206F)    # general punctuation
span(0x2100, 0x218F)    # letterlike symbols, number forms
span(0x2190, 0x21FF)    # arrows
span(0x2460, 0x24FF)    # enclosed alphanumerics
span(0x25A0, 0x25FF)    # geometric shapes
span(0x3000, 0x303F)    # CJK symbols and punctuation
span(0xFF00, 0xFFEF)    # half-width and full-width forms
def double_byte(codec, leads, trails):
    for lead in leads:
        for trail in trails:
            try:
                s = bytes([lead, trail]).decode(codec)
            except UnicodeDecodeError:
                continue
            keep.update(ord(c) for c in s)
double_byte("gb2312", range(0xA1, 0xF8), range(0xA1, 0xFF))
double_byte("big5", range(0x81, 0xFF), list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF)))
for f in sorted(work.glob("opencc-*.txt")):
    keep.update(ord(c) for c in f.read_text(encoding="utf-8") if not c.isspace())
for f in sorted(work.glob("dict-*.txt")):
    for line in f.read_text(encoding="utf-8").splitlines():
        keep.update(ord(c) for c in line.partition("\t")[2] if not c.isspace())
for cp in sorted(keep):
    print("U+%04X" % cp)
PY
echo "$(wc -l < "$work/unicodes.txt") code points requested"

mkdir -p "$OUT_DIR"
"$work/venv/bin/pyftsubset" "$work/deb/$TTC" \
    --font-number="$index" \
    --unicodes-file="$work/unicodes.txt" \
    --layout-features='' \
    --name-IDs='*' --name-languages='*' --name-legacy \
    --notdef-outline \
    --drop-tables+=DSIG,vhea,vmtx,VORG,BASE,GSUB,GPOS \
    --no-recalc-timestamp \
    --output-file="$OUT"

# CID = GID (see the top of this file). The glyph order is set before any
# table is read, so the tables indexed by glyph id (cmap, hmtx) read their
# glyphs under the new names, as fontTools.merge does.
"$py" - "$OUT" <<'PY'
import sys
from fontTools.ttLib import TTFont
path = sys.argv[1]
count = TTFont(path)["maxp"].numGlyphs
font = TTFont(path, recalcTimestamp=False)
order = [".notdef"] + ["cid%05d" % gid for gid in range(1, count)]
font.setGlyphOrder(order)
top = font["CFF "].cff.topDictIndex[0]
assert hasattr(top, "ROS"), "not a CID-keyed CFF"
strings = top.CharStrings.charStrings
assert len(strings) == count
top.CharStrings.charStrings = dict(zip(order, strings.values()))
top.charset = list(order)
font.save(path)
PY

sha256sum "$OUT"
ls -l "$OUT"
