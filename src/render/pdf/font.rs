//! The font the PDF is set in: parsed once, shared by every document.
//!
//! Parsing a CJK face means walking a cmap of some 20 000 entries and an
//! `hmtx` of as many advances; for a batch of articles that must happen once,
//! not once per article. A [`PdfFont`] is therefore a cheap handle (an `Arc`)
//! to the parsed face, and the embedded default and fonts loaded from a path
//! are cached for the life of the process.

use std::borrow::Cow;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::tables::cmap::Cmap;
use allsorts::tables::{FontTableProvider, HeadTable, HheaTable, HmtxTable, MaxpTable, NameTable};
use allsorts::tag;

use super::cff::CidCff;
use crate::error::{Error, Result};

/// The default face, compiled into the crate (feature `embedded-font`): a
/// subset of Noto Sans CJK SC made by `scripts/make-font.sh` (SIL OFL 1.1,
/// licence in `assets/fonts/OFL.txt`).
#[cfg(feature = "embedded-font")]
static EMBEDDED: &[u8] = include_bytes!("../../../assets/fonts/NotoSansCJKsc-Regular-subset.otf");

/// A parsed font face, ready to set text in: its bytes, its character map and
/// its glyph advances.
///
/// Cloning is cheap (the face is shared). Build one with
/// [`PdfFont::from_bytes`] or [`PdfFont::from_path`] and pass it in
/// [`super::PdfOptions::font`] for every article of a batch; or use
/// [`PdfFont::embedded`] (feature `embedded-font`).
///
/// ```
/// # #[cfg(feature = "embedded-font")] {
/// use zharchive::render::pdf::PdfFont;
/// let font = PdfFont::embedded()?;
/// assert!(font.has_char('中') && font.has_char('崿') && font.has_char('ǎ'));
/// assert!(font.advance('中') > 0.9); // in em
/// # }
/// # Ok::<(), zharchive::Error>(())
/// ```
#[derive(Clone)]
pub struct PdfFont {
    face: Arc<Face>,
}

/// What the writer needs to know about a face.
pub(crate) struct Face {
    /// The font file (a single face or a collection); borrowed when it is
    /// compiled in, so the embedded face is never copied.
    pub(crate) bytes: Cow<'static, [u8]>,
    /// Which face of a collection (0 for a plain font file).
    pub(crate) index: usize,
    /// PostScript name, for `/BaseFont` (without the subset tag).
    pub(crate) postscript_name: String,
    /// Unicode scalar → glyph id, sorted by scalar: binary-searched for
    /// characters beyond the Basic Multilingual Plane.
    pub(crate) cmap: Vec<(u32, u16)>,
    /// The same map for the Basic Multilingual Plane as a table indexed by
    /// code point (0: no glyph; glyph 0 is never mapped): layout, the glyph
    /// list and the content streams each look up every character of a
    /// document, and a direct index is several times quicker than a binary
    /// search over 30,000 entries. 128 KB per face.
    bmp: Vec<u16>,
    /// Advance widths in font units, by glyph id.
    pub(crate) advances: Vec<u16>,
    /// Font units per em.
    pub(crate) units_per_em: u16,
    /// What the font descriptor states about the face, in font units.
    pub(crate) metrics: Metrics,
    /// How the glyphs are drawn, which decides how the face is embedded.
    pub(crate) outlines: Outlines,
    /// For a CID-keyed CFF face: where its `CFF ` table is in `bytes`, and
    /// the table's layout, which subsets it without allsorts (`cff.rs`).
    cid_cff: Option<(Range<usize>, CidCff)>,
}

/// The face-wide measures a PDF font descriptor carries (ISO 32000-1,
/// 9.8.1), in font units.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Metrics {
    /// Top of the tallest glyphs above the baseline (`hhea` ascender).
    pub ascender: i16,
    /// Bottom of the deepest glyphs, negative below the baseline.
    pub descender: i16,
    /// The bounding box of all glyphs: x min, y min, x max, y max (`head`).
    pub bbox: [i16; 4],
}

/// The outline format of a face.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outlines {
    /// PostScript outlines in a `CFF ` table: embedded as a bare CFF
    /// program (`/FontFile3 /CIDFontType0C`).
    Cff,
    /// Variable PostScript outlines (`CFF2`), which PDF cannot embed: the
    /// subset is made a CFF program of the default instance.
    Cff2,
    /// TrueType outlines (`glyf`): embedded as a TrueType program (`/FontFile2`).
    TrueType,
}

impl std::fmt::Debug for PdfFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PdfFont")
            .field("postscript_name", &self.face.postscript_name)
            .field("glyphs", &self.face.advances.len())
            .field("characters", &self.face.cmap.len())
            .finish()
    }
}

/// Two handles are equal when they share one parsed face.
impl PartialEq for PdfFont {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.face, &other.face)
    }
}

fn font_error(message: impl Into<String>) -> Error {
    Error::Render { format: "pdf", message: message.into() }
}

impl PdfFont {
    /// The embedded Noto Sans CJK SC subset, parsed on first use and shared
    /// afterwards.
    ///
    /// ```
    /// # #[cfg(feature = "embedded-font")] {
    /// let a = zharchive::render::pdf::PdfFont::embedded()?;
    /// let b = zharchive::render::pdf::PdfFont::embedded()?;
    /// assert_eq!(a, b); // one parse per process
    /// # }
    /// # Ok::<(), zharchive::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Render`] if the embedded file cannot be parsed (a build
    /// problem, never the input's fault).
    #[cfg(feature = "embedded-font")]
    pub fn embedded() -> Result<PdfFont> {
        static FONT: OnceLock<std::result::Result<PdfFont, String>> = OnceLock::new();
        FONT.get_or_init(|| PdfFont::parse(Cow::Borrowed(EMBEDDED), 0).map_err(|e| e.to_string()))
            .clone()
            .map_err(font_error)
    }

    /// Parse a font from its bytes: an OpenType (CFF) or TrueType file, or a
    /// collection (`.ttc`, `.otc`) with `index` choosing the face.
    ///
    /// ```
    /// use zharchive::render::pdf::PdfFont;
    /// assert!(PdfFont::from_bytes(b"not a font".to_vec(), 0).is_err());
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Render`] if the bytes are not a font with a Unicode cmap and
    /// horizontal metrics.
    pub fn from_bytes(bytes: Vec<u8>, index: usize) -> Result<PdfFont> {
        PdfFont::parse(Cow::Owned(bytes), index)
    }

    /// [`PdfFont::from_bytes`] for a font compiled into the program
    /// (`include_bytes!`): the bytes are used where they are, not copied.
    ///
    /// ```
    /// use zharchive::render::pdf::PdfFont;
    /// static NOT_A_FONT: &[u8] = b"OTTO";
    /// assert!(PdfFont::from_static(NOT_A_FONT, 0).is_err());
    /// ```
    ///
    /// # Errors
    ///
    /// As [`PdfFont::from_bytes`].
    pub fn from_static(bytes: &'static [u8], index: usize) -> Result<PdfFont> {
        PdfFont::parse(Cow::Borrowed(bytes), index)
    }

    /// Read and parse a font file; the first face of a collection. A path
    /// that was loaded before (same file, same size and modification time)
    /// is not parsed again.
    ///
    /// ```
    /// use zharchive::render::pdf::PdfFont;
    /// let err = PdfFont::from_path("/no/such/font.otf").unwrap_err();
    /// assert!(err.to_string().contains("/no/such/font.otf"));
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Io`] if the file cannot be read, [`Error::Render`] if it is
    /// not a usable font.
    pub fn from_path(path: impl AsRef<Path>) -> Result<PdfFont> {
        type Key = (PathBuf, u64, Option<std::time::SystemTime>);
        static CACHE: OnceLock<Mutex<Vec<(Key, PdfFont)>>> = OnceLock::new();
        let path = path.as_ref();
        let io = |source| Error::Io { path: path.to_owned(), source };
        let meta = std::fs::metadata(path).map_err(io)?;
        let key: Key = (path.to_owned(), meta.len(), meta.modified().ok());
        let cache = CACHE.get_or_init(|| Mutex::new(Vec::new()));
        if let Ok(entries) = cache.lock() {
            if let Some((_, font)) = entries.iter().find(|(k, _)| *k == key) {
                return Ok(font.clone());
            }
        }
        let bytes = std::fs::read(path).map_err(io)?;
        let font = PdfFont::parse(Cow::Owned(bytes), 0)
            .map_err(|e| font_error(format!("{}: {}", path.display(), e.without_prefix())))?;
        if let Ok(mut entries) = cache.lock() {
            // A handful of fonts per process at most; keep the newest few.
            if entries.len() >= 8 {
                entries.remove(0);
            }
            entries.push((key, font.clone()));
        }
        Ok(font)
    }

    fn parse(bytes: Cow<'static, [u8]>, index: usize) -> Result<PdfFont> {
        let Tables { postscript_name, cmap, advances, units_per_em, metrics, outlines, cff_table } =
            read_tables(&bytes, index)?;
        // A CID-keyed program is subset by `cff.rs`; any other, or one it
        // cannot read, by allsorts.
        let cid_cff = cff_table.and_then(|range| Some((range.clone(), CidCff::parse(&bytes[range]).ok()?)));
        let mut bmp = vec![0u16; 0x1_0000];
        for &(cp, gid) in cmap.iter().take_while(|&&(cp, _)| cp < 0x1_0000) {
            bmp[cp as usize] = gid;
        }
        Ok(PdfFont {
            face: Arc::new(Face {
                bytes,
                index,
                postscript_name,
                cmap,
                bmp,
                advances,
                units_per_em,
                metrics,
                outlines,
                cid_cff,
            }),
        })
    }

    /// Whether the face has a glyph for `c`.
    ///
    /// ```
    /// # #[cfg(feature = "embedded-font")] {
    /// let font = zharchive::render::pdf::PdfFont::embedded()?;
    /// assert!(font.has_char('爲') && !font.has_char('😀'));
    /// # }
    /// # Ok::<(), zharchive::Error>(())
    /// ```
    pub fn has_char(&self, c: char) -> bool {
        self.glyph(c).is_some()
    }

    /// The advance width of `c` in em (of `.notdef` if the face lacks `c`).
    ///
    /// ```
    /// # #[cfg(feature = "embedded-font")] {
    /// let font = zharchive::render::pdf::PdfFont::embedded()?;
    /// assert_eq!(font.advance('，'), 1.0); // CJK punctuation sits on the em grid
    /// assert!(font.advance('i') < 0.5);    // Latin is proportional
    /// # }
    /// # Ok::<(), zharchive::Error>(())
    /// ```
    pub fn advance(&self, c: char) -> f32 {
        self.glyph_advance(self.glyph(c).unwrap_or(0))
    }

    /// The PostScript name of the face (what `/BaseFont` names, after the
    /// subset tag).
    ///
    /// ```
    /// # #[cfg(feature = "embedded-font")] {
    /// let font = zharchive::render::pdf::PdfFont::embedded()?;
    /// assert_eq!(font.postscript_name(), "NotoSansCJKsc-Regular");
    /// # }
    /// # Ok::<(), zharchive::Error>(())
    /// ```
    pub fn postscript_name(&self) -> &str {
        &self.face.postscript_name
    }

    pub(crate) fn glyph(&self, c: char) -> Option<u16> {
        if let Some(&gid) = self.face.bmp.get(c as usize) {
            return (gid != 0).then_some(gid);
        }
        let cmap = &self.face.cmap;
        cmap.binary_search_by_key(&(c as u32), |&(cp, _)| cp).ok().map(|i| cmap[i].1)
    }

    pub(crate) fn glyph_advance(&self, gid: u16) -> f32 {
        let units = self.face.advances.get(usize::from(gid)).copied().unwrap_or(0);
        f32::from(units) / f32::from(self.face.units_per_em)
    }

    pub(crate) fn face(&self) -> &Face {
        &self.face
    }
}

impl Face {
    /// The layout of a CID-keyed CFF face's program, and the program.
    pub(crate) fn cid_cff(&self) -> Option<(&CidCff, &[u8])> {
        self.cid_cff.as_ref().map(|(range, cff)| (cff, &self.bytes[range.clone()]))
    }
}

/// What [`Face`] keeps of the font's tables.
struct Tables {
    postscript_name: String,
    cmap: Vec<(u32, u16)>,
    advances: Vec<u16>,
    units_per_em: u16,
    metrics: Metrics,
    outlines: Outlines,
    /// Where the `CFF ` table lies in the file, if it is stored as it is.
    cff_table: Option<Range<usize>>,
}

fn read_tables(bytes: &[u8], index: usize) -> Result<Tables> {
    let bad = |what: &str| font_error(format!("not a usable font: {what}"));
    let scope = ReadScope::new(bytes);
    let data = scope.read::<FontData<'_>>().map_err(|_| bad("unknown file format"))?;
    let provider = data.table_provider(index).map_err(|_| bad("no such face in the collection"))?;
    let table = |t: u32, name: &str| provider.read_table_data(t).map_err(|_| bad(&format!("no {name} table")));

    let head_data = table(tag::HEAD, "head")?;
    let head = ReadScope::new(&head_data).read::<HeadTable>().map_err(|_| bad("bad head table"))?;
    let maxp_data = table(tag::MAXP, "maxp")?;
    let maxp = ReadScope::new(&maxp_data).read::<MaxpTable>().map_err(|_| bad("bad maxp table"))?;
    let hhea_data = table(tag::HHEA, "hhea")?;
    let hhea = ReadScope::new(&hhea_data).read::<HheaTable>().map_err(|_| bad("bad hhea table"))?;
    let hmtx_data = table(tag::HMTX, "hmtx")?;
    let hmtx = ReadScope::new(&hmtx_data)
        .read_dep::<HmtxTable<'_>>((usize::from(maxp.num_glyphs), usize::from(hhea.num_h_metrics)))
        .map_err(|_| bad("bad hmtx table"))?;
    let advances = (0..maxp.num_glyphs).map(|g| hmtx.horizontal_advance(g).unwrap_or(0)).collect();

    let cmap_data = table(tag::CMAP, "cmap")?;
    let cmap = ReadScope::new(&cmap_data).read::<Cmap<'_>>().map_err(|_| bad("bad cmap table"))?;
    let (_, subtable) =
        allsorts::font::read_cmap_subtable(&cmap).ok().flatten().ok_or_else(|| bad("no Unicode character map"))?;
    let mut map = Vec::new();
    subtable
        .mappings_fn(|cp, gid| {
            if gid != 0 {
                map.push((cp, gid));
            }
        })
        .map_err(|_| bad("bad cmap subtable"))?;
    map.sort_unstable();
    map.dedup_by_key(|&mut (cp, _)| cp);

    let postscript_name = table(tag::NAME, "name")
        .ok()
        .and_then(|d| {
            ReadScope::new(&d).read::<NameTable<'_>>().ok().and_then(|n| n.string_for_id(NameTable::POSTSCRIPT_NAME))
        })
        .map(|n| n.chars().filter(|c| c.is_ascii_graphic() && !"[](){}<>/%#".contains(*c)).collect::<String>())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "Font".to_owned());

    if head.units_per_em == 0 {
        return Err(bad("units per em is 0"));
    }
    let outlines = if provider.has_table(tag::CFF) {
        Outlines::Cff
    } else if provider.has_table(tag::CFF2) {
        Outlines::Cff2
    } else if provider.has_table(tag::GLYF) {
        Outlines::TrueType
    } else {
        return Err(bad("no glyph outlines (no CFF or glyf table)"));
    };
    // The table borrowed from the file (as it is in an OpenType file, not a
    // compressed one) is located by its address.
    let cff_table = match provider.read_table_data(tag::CFF) {
        Ok(Cow::Borrowed(table)) if outlines == Outlines::Cff => {
            let start = (table.as_ptr() as usize).wrapping_sub(bytes.as_ptr() as usize);
            (start <= bytes.len() && table.len() <= bytes.len() - start).then(|| start..start + table.len())
        }
        _ => None,
    };
    let metrics = Metrics {
        ascender: hhea.ascender,
        descender: hhea.descender,
        bbox: [head.x_min, head.y_min, head.x_max, head.y_max],
    };
    Ok(Tables { postscript_name, cmap: map, advances, units_per_em: head.units_per_em, metrics, outlines, cff_table })
}

trait WithoutPrefix {
    fn without_prefix(&self) -> String;
}

impl WithoutPrefix for Error {
    /// The message of a render error without the "could not write pdf: "
    /// that the caller will add again.
    fn without_prefix(&self) -> String {
        match self {
            Error::Render { message, .. } => message.clone(),
            other => other.to_string(),
        }
    }
}

#[cfg(all(test, feature = "embedded-font"))]
mod tests {
    use super::*;

    #[test]
    fn embedded_font_covers_the_promised_sets() {
        let font = PdfFont::embedded().unwrap();
        for c in "，。、：；！？）」』】》”（「『【《“中國為医崿呺ǎǐǒǔ麪\u{3000}ＡａA1é·—…".chars()
        {
            assert!(font.has_char(c), "{c}");
        }
        assert!(font.postscript_name().starts_with("NotoSansCJK"));
        assert!((font.advance('中') - 1.0).abs() < 1e-6);
    }

    #[test]
    fn the_direct_table_agrees_with_the_character_map() {
        let font = PdfFont::embedded().unwrap();
        let cmap = &font.face.cmap;
        let search = |c: char| cmap.binary_search_by_key(&(c as u32), |&(cp, _)| cp).ok().map(|i| cmap[i].1);
        let chars = (0..0x11_0000).step_by(3).filter_map(char::from_u32);
        let mut found = 0;
        for c in chars.chain(cmap.iter().filter_map(|&(cp, _)| char::from_u32(cp))) {
            assert_eq!(font.glyph(c), search(c), "U+{:04X}", c as u32);
            found += usize::from(search(c).is_some());
        }
        assert!(found > cmap.len(), "{found}");
    }
}
