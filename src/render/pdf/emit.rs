//! Set lines → printpdf content-stream operations.
//!
//! Each line is one text-matrix move and one `TJ` array of glyph ids from
//! the subset font, with the justification gaps as `TJ` adjustments. The
//! font's `/ToUnicode` map (`embed.rs`) gives each code its character, so
//! text extraction gives the article back.
//!
//! A character the font lacks is drawn as `.notdef` inside a marked-content
//! span whose `/ActualText` is the character: the reader sees a box, and
//! extraction and search still find the real character.

use std::collections::BTreeMap;

use printpdf::{Codepoint, DictItem, FontId, Op, PdfFontHandle, Pt, TextItem, TextMatrix};

use super::compose::SetLine;
use super::font::PdfFont;

/// `s` as a PDF text string for `/ActualText` (UTF-16BE with BOM).
fn utf16_text(s: &str) -> DictItem {
    let mut data = vec![0xFE, 0xFF];
    for unit in s.encode_utf16() {
        data.extend_from_slice(&unit.to_be_bytes());
    }
    DictItem::String { data, literal: false }
}

/// The operations for one page.
///
/// `codes` maps each glyph id of the face to its code in the subset font.
pub(crate) fn page_ops(lines: &[SetLine], font: &PdfFont, font_id: &FontId, codes: &BTreeMap<u16, u16>) -> Vec<Op> {
    let mut ops = vec![Op::StartTextSection];
    let mut current_size = None;
    for line in lines {
        if line.glyphs.is_empty() {
            continue;
        }
        if current_size != Some(line.size) {
            ops.push(Op::SetFont { font: PdfFontHandle::External(font_id.clone()), size: Pt(line.size) });
            current_size = Some(line.size);
        }
        ops.push(Op::SetTextMatrix { matrix: TextMatrix::Translate(Pt(line.x + line.glyphs[0].x), Pt(line.y)) });
        let mut run: Vec<Codepoint> = Vec::new();
        for (i, g) in line.glyphs.iter().enumerate() {
            // TJ adjustment: how much further the next glyph starts than the
            // advance would put it, in thousandths of an em, negated.
            let offset = match line.glyphs.get(i + 1) {
                Some(next) => -((next.x - (g.x + g.width)) / line.size * 1000.0),
                None => 0.0,
            };
            let offset = if offset.abs() < 0.05 { 0.0 } else { (offset * 100.0).round() / 100.0 };
            match font.glyph(g.ch).and_then(|gid| codes.get(&gid)) {
                Some(&code) => run.push(Codepoint { gid: code, offset, cid: None }),
                None => {
                    if !run.is_empty() {
                        ops.push(Op::ShowText { items: vec![TextItem::GlyphIds(std::mem::take(&mut run))] });
                    }
                    let mut props = BTreeMap::new();
                    props.insert("ActualText".to_owned(), utf16_text(&g.ch.to_string()));
                    ops.push(Op::BeginMarkedContentWithProperties {
                        tag: "Span".to_owned(),
                        properties: DictItem::Dict { map: props },
                    });
                    ops.push(Op::ShowText {
                        items: vec![TextItem::GlyphIds(vec![Codepoint { gid: 0, offset, cid: None }])],
                    });
                    ops.push(Op::EndMarkedContentWithProperties);
                }
            }
        }
        if !run.is_empty() {
            ops.push(Op::ShowText { items: vec![TextItem::GlyphIds(run)] });
        }
    }
    ops.push(Op::EndTextSection);
    ops
}
