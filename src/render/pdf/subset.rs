//! Cutting the font down to the glyphs one document uses.
//!
//! printpdf subsets fonts only with its `text_layout` feature, which brings
//! the azul layout stack (measured here: minutes of extra cold build); its
//! subsetter is allsorts, which printpdf builds anyway to parse fonts. So the
//! writer calls allsorts itself and hands printpdf a font that is already
//! small: a ~5 MB face becomes a few hundred kilobytes for an article.
//!
//! allsorts renumbers the glyphs it keeps by their position in the list it
//! is given (glyph 0, `.notdef`, first), so the mapping old → new glyph id is
//! known without reading the result back.

use std::collections::{BTreeMap, BTreeSet};

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{subset, CmapTarget, SubsetProfile};

use super::font::PdfFont;
use crate::error::{Error, Result};

/// A font program holding only some glyphs of a face.
pub(crate) struct Subset {
    /// The OpenType file to embed.
    pub bytes: Vec<u8>,
    /// Glyph id in the face → glyph id in the subset.
    pub new_gid: BTreeMap<u16, u16>,
    /// The six-letter tag that marks a subset font's name (ISO 32000-1,
    /// 9.6.4), derived from the glyph set so the same text gives the same name.
    pub tag: String,
}

/// Subset `font` to `glyphs` (glyph 0 is always kept).
pub(crate) fn subset_font(font: &PdfFont, glyphs: &BTreeSet<u16>) -> Result<Subset> {
    let fail = |what: String| Error::Render { format: "pdf", message: format!("cannot subset the font: {what}") };
    let face = font.face();
    let ids: Vec<u16> = std::iter::once(0).chain(glyphs.iter().copied().filter(|&g| g != 0)).collect();
    let data = ReadScope::new(&face.bytes).read::<FontData<'_>>().map_err(|e| fail(e.to_string()))?;
    let provider = data.table_provider(face.index).map_err(|e| fail(e.to_string()))?;
    let bytes = subset(&provider, &ids, &SubsetProfile::Pdf, CmapTarget::Unicode).map_err(|e| fail(e.to_string()))?;
    let new_gid = ids.iter().enumerate().map(|(new, &old)| (old, new as u16)).collect();
    Ok(Subset { bytes, new_gid, tag: tag_for(&ids) })
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
        let glyphs: BTreeSet<u16> = "中文字体".chars().filter_map(|c| font.glyph(c)).collect();
        let s = subset_font(&font, &glyphs).unwrap();
        assert!(s.bytes.len() < 20_000, "{}", s.bytes.len());
        assert_eq!(s.new_gid.get(&0), Some(&0));
        assert_eq!(s.new_gid.len(), 5);
    }
}
