//! Cutting the font down to the glyphs one document uses.
//!
//! printpdf subsets fonts only with its `text_layout` feature, which brings
//! the azul layout stack (measured here: minutes of extra cold build); its
//! subsetter is allsorts, which printpdf builds anyway to parse fonts. So the
//! writer calls allsorts itself: a ~5 MB face becomes a few hundred
//! kilobytes for an article.
//!
//! A PostScript-outline face is cut down to its bare CFF program, which PDF
//! embeds as it is (`/FontFile3 /CIDFontType0C`): no OpenType wrapper to
//! build, and no character map to rebuild (walking the 30 000 mappings of a
//! CJK cmap per document was 7% of a batch). A CID-keyed program — every
//! CJK OpenType face — is cut from the layout the face keeps (`cff.rs`),
//! which follows each glyph's subroutines once per process instead of once
//! per document; other programs by allsorts. A TrueType face becomes a
//! TrueType subset (`/FontFile2`).
//!
//! allsorts renumbers the glyphs it keeps by their position in the list it
//! is given (glyph 0, `.notdef`, first), so the mapping old → new glyph id is
//! known without reading the result back.

use std::collections::BTreeMap;

use allsorts::binary::read::ReadScope;
use allsorts::binary::write::{WriteBinary, WriteBuffer};
use allsorts::cff::cff2::{OutputFormat, CFF2};
use allsorts::cff::CFF;
use allsorts::font_data::FontData;
use allsorts::subset::{subset, CmapTarget, SubsetProfile};
use allsorts::tables::FontTableProvider;
use allsorts::tag;

use super::font::{Outlines, PdfFont};
use crate::error::{Error, Result};

/// A font program holding only some glyphs of a face.
pub(crate) struct Subset {
    /// The font program to embed.
    pub program: Program,
    /// Glyph id in the face → the code that selects the glyph in the
    /// document's content streams (two bytes, through `/Identity-H`).
    pub codes: BTreeMap<u16, u16>,
    /// The six-letter tag that marks a subset font's name (ISO 32000-1,
    /// 9.6.4), derived from the glyph set so the same text gives the same name.
    pub tag: String,
}

/// The bytes of a subset font program, by kind.
pub(crate) enum Program {
    /// A bare CFF program (`/FontFile3`, subtype `/CIDFontType0C`). Codes
    /// are CIDs: a CID-keyed program finds the glyph through its charset, a
    /// name-keyed one takes the CID as the glyph index (ISO 32000-1, 9.7.4.2).
    Cff {
        bytes: Vec<u8>,
        /// Where the glyphs' charstrings start, if they fill the rest of
        /// the program (the stream codes them as literals, `deflate.rs`);
        /// the program's length if not known.
        charstrings_from: usize,
    },
    /// A TrueType font (`/FontFile2`); codes are glyph ids (`/CIDToGIDMap
    /// /Identity`).
    TrueType(Vec<u8>),
}

/// Subset `font` to `glyphs` (glyph 0 is always kept; the glyphs are kept
/// in order of their id, whatever the order given).
pub(crate) fn subset_font(font: &PdfFont, glyphs: impl IntoIterator<Item = u16>) -> Result<Subset> {
    let fail = |what: String| Error::Render { format: "pdf", message: format!("cannot subset the font: {what}") };
    let face = font.face();
    let mut ids: Vec<u16> = std::iter::once(0).chain(glyphs.into_iter().filter(|&g| g != 0)).collect();
    ids[1..].sort_unstable();
    ids.dedup();
    let tag = tag_for(&ids);
    // A CID-keyed program from the face's layout (`cff.rs`), without
    // reading the font file again; any other, or one with a glyph that
    // layout cannot follow, by allsorts below.
    if let Some(Ok(done)) = face.cid_cff().map(|(cff, data)| cff.subset(data, &ids)) {
        let program = Program::Cff { bytes: done.program, charstrings_from: done.charstrings_from };
        return Ok(Subset { program, codes: done.codes, tag });
    }
    let data = ReadScope::new(&face.bytes).read::<FontData<'_>>().map_err(|e| fail(e.to_string()))?;
    let provider = data.table_provider(face.index).map_err(|e| fail(e.to_string()))?;
    // A TrueType face becomes a TrueType file (allsorts builds it); a
    // PostScript one its CFF table alone (a CFF2 table made CFF).
    let table = |t| provider.read_table_data(t).map_err(|e| fail(e.to_string()));
    let (bytes, codes) = match face.outlines {
        Outlines::TrueType => {
            let bytes =
                subset(&provider, &ids, &SubsetProfile::Pdf, CmapTarget::Unicode).map_err(|e| fail(e.to_string()))?;
            let codes = ids.iter().enumerate().map(|(new, &old)| (old, new as u16)).collect();
            return Ok(Subset { program: Program::TrueType(bytes), codes, tag });
        }
        Outlines::Cff => {
            let data = table(tag::CFF)?;
            let cff = ReadScope::new(&data).read::<CFF<'_>>().map_err(|e| fail(e.to_string()))?;
            if cff.name_index.len() != 1 || cff.fonts.len() != 1 {
                return Err(fail("the CFF table holds more than one font".to_owned()));
            }
            finish_cff(cff.subset(&ids, true).map_err(|e| fail(e.to_string()))?.into(), &ids)
        }
        Outlines::Cff2 => {
            let data = table(tag::CFF2)?;
            let cff2 = ReadScope::new(&data).read::<CFF2<'_>>().map_err(|e| fail(e.to_string()))?;
            let sub =
                cff2.subset_to_cff(&ids, &provider, true, OutputFormat::CidOnly).map_err(|e| fail(e.to_string()))?;
            finish_cff(sub.into(), &ids)
        }
    }
    .map_err(fail)?;
    Ok(Subset { program: Program::Cff { charstrings_from: bytes.len(), bytes }, codes, tag })
}

/// The bytes of a subset CFF program, and the code of each kept glyph
/// (`ids[new] = old`).
fn finish_cff(cff: CFF<'_>, ids: &[u16]) -> std::result::Result<(Vec<u8>, BTreeMap<u16, u16>), String> {
    let program = &cff.fonts[0];
    let mut codes = BTreeMap::new();
    for (new, &old) in ids.iter().enumerate() {
        let new = new as u16;
        let code = if program.is_cid_keyed() {
            program.charset.id_for_glyph(new).ok_or_else(|| format!("glyph {new} has no CID"))?
        } else {
            new
        };
        codes.insert(old, code);
    }
    let mut buffer = WriteBuffer::new();
    CFF::write(&mut buffer, &cff).map_err(|e| e.to_string())?;
    Ok((buffer.into_inner(), codes))
}

/// Six capital letters from an FNV-1a hash of the glyph list.
fn tag_for(ids: &[u16]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for id in ids {
        for b in id.to_be_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    (0..6)
        .map(|i| {
            let letter = ((h >> (i * 8)) % 26) as u8;
            char::from(b'A' + letter)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_six_capitals_and_depend_on_the_glyphs() {
        let a = tag_for(&[0, 1, 2]);
        assert_eq!(a.len(), 6);
        assert!(a.chars().all(|c| c.is_ascii_uppercase()));
        assert_eq!(a, tag_for(&[0, 1, 2]));
        assert_ne!(a, tag_for(&[0, 1, 3]));
    }

    #[cfg(feature = "embedded-font")]
    #[test]
    fn subsets_are_small_and_keep_notdef_first() {
        let font = PdfFont::embedded().unwrap();
        let glyphs: Vec<u16> = "体字文中中".chars().filter_map(|c| font.glyph(c)).collect();
        let s = subset_font(&font, glyphs).unwrap();
        let Program::Cff { bytes, .. } = &s.program else { panic!("the embedded face has CFF outlines") };
        assert!(bytes.len() < 20_000, "{}", bytes.len());
        assert_eq!(s.codes.get(&0), Some(&0), ".notdef is CID 0");
        assert_eq!(s.codes.len(), 5);
        // The codes are the face's CIDs, which the subset's charset keeps.
        let cff = ReadScope::new(bytes).read::<CFF<'_>>().unwrap();
        assert!(cff.fonts[0].is_cid_keyed());
        for (new, (_, &code)) in s.codes.iter().enumerate() {
            assert_eq!(cff.fonts[0].charset.id_for_glyph(new as u16), Some(code));
        }
    }
}
