//! Set lines → the pages' content streams.
//!
//! Each line is one text-matrix move and one `TJ` array: runs of two-byte
//! glyph codes from the subset font as hex strings, with the justification
//! gaps as `TJ` adjustments between them. The font's `/ToUnicode` map
//! (`embed.rs`) gives each code its character, so text extraction gives the
//! article back.
//!
//! A character the font lacks is drawn as `.notdef` inside a marked-content
//! span whose `/ActualText` is the character: the reader sees a box, and
//! extraction and search still find the real character.
//!
//! The lines of one block on one page are one marked-content sequence, and
//! furniture is marked as an artifact: [`PageMarks`] writes the operators
//! and numbers the sequences (see [`super::structure`]). The dotted leaders
//! of a table of contents are drawn after the text, as one layout artifact:
//! lines, not full stops, so that the text layer holds the entry and its
//! page number and nothing between them.
//!
//! printpdf can write these operators too, from its `Op` values: it turned
//! each glyph into an object of its own and each number into text through
//! lopdf, a tenth of the PDF writer's time. The pages it lays out are left
//! empty, and the streams written here are put in them ([`fill_pages`]).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use lopdf::{Document, Object};

use super::compose::{SetLine, SetPage};
use super::font::PdfFont;
use super::structure::{PageMarks, Structure};

/// The content stream of one page, set in the font named `resource`, and
/// its marked content.
///
/// `codes` maps each glyph id of the face to its code in the subset font.
pub(crate) fn page_content(
    page: &SetPage,
    structure: &Structure,
    font: &PdfFont,
    resource: &str,
    codes: &BTreeMap<u16, u16>,
) -> (Vec<u8>, PageMarks) {
    let (mut content, marks) = text_content(&page.lines, structure, font, resource, codes);
    if !page.leaders.is_empty() {
        // Round dots 0.8 pt across, 2.4 pt apart, in a mid grey.
        let mut out = String::from("/Artifact BMC\nq 0.45 G 0.8 w 1 J [0 2.4] 0 d\n");
        for l in &page.leaders {
            let _ = writeln!(out, "{} {} m {} {} l S", l.x0, l.y, l.x1, l.y);
        }
        out.push_str("Q\nEMC\n");
        content.extend_from_slice(out.as_bytes());
    }
    (content, marks)
}

/// The text of one page: see [`page_content`].
fn text_content(
    lines: &[SetLine],
    structure: &Structure,
    font: &PdfFont,
    resource: &str,
    codes: &BTreeMap<u16, u16>,
) -> (Vec<u8>, PageMarks) {
    let mut out = String::with_capacity(lines.len() * 256);
    let mut marks = PageMarks::default();
    out.push_str("BT\n");
    let mut current_size = None;
    for line in lines {
        let Some(first) = line.glyphs.first() else { continue };
        if current_size != Some(line.size) {
            let _ = writeln!(out, "/{resource} {} Tf", line.size);
            current_size = Some(line.size);
        }
        let _ = writeln!(out, "1 0 0 1 {} {} Tm", line.x + first.x, line.y);
        // The `TJ` array being written, and whether a hex string is open.
        let mut array = String::new();
        let mut open = false;
        // Close the array (and its last string) and write it, if it has
        // any, in the line's marked-content sequence.
        let flush = |out: &mut String, marks: &mut PageMarks, array: &mut String, open: &mut bool| {
            if std::mem::take(open) {
                array.push('>');
            }
            if !array.is_empty() {
                marks.show(structure, line.tag, out);
                let _ = writeln!(out, "[{}] TJ", array.trim_end());
                array.clear();
            }
        };
        for (i, g) in line.glyphs.iter().enumerate() {
            // TJ adjustment: how much further the next glyph starts than the
            // advance would put it, in thousandths of an em, negated.
            let offset = match line.glyphs.get(i + 1) {
                Some(next) => -((next.x - (g.x + g.width)) / line.size * 1000.0),
                None => 0.0,
            };
            let offset = if offset.abs() < 0.05 { 0.0 } else { (offset * 100.0).round() / 100.0 };
            match font.glyph(g.ch).and_then(|gid| codes.get(&gid)) {
                Some(&code) => {
                    if !open {
                        array.push('<');
                        open = true;
                    }
                    push_hex(&mut array, code);
                    if offset != 0.0 {
                        let _ = write!(array, "> {offset} ");
                        open = false;
                    }
                }
                None => {
                    flush(&mut out, &mut marks, &mut array, &mut open);
                    let mut actual = String::from("FEFF");
                    for unit in g.ch.encode_utf16(&mut [0; 2]) {
                        let _ = write!(actual, "{unit:04X}");
                    }
                    marks.actual_text(structure, line.tag, &actual, &mut out, |out| {
                        if offset != 0.0 {
                            let _ = writeln!(out, "[<0000> {offset}] TJ");
                        } else {
                            out.push_str("[<0000>] TJ\n");
                        }
                    });
                }
            }
        }
        flush(&mut out, &mut marks, &mut array, &mut open);
    }
    marks.finish(&mut out);
    out.push_str("ET\n");
    (out.into_bytes(), marks)
}

/// Append `code` as four lower-case hex digits.
fn push_hex(out: &mut String, code: u16) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for shift in [12, 8, 4, 0] {
        out.push(char::from(DIGITS[usize::from(code >> shift & 0xf)]));
    }
}

/// Put `contents` in the pages of `doc`, in order: each page's content
/// stream (empty, as printpdf wrote it) takes the next.
pub(crate) fn fill_pages(doc: &mut Document, contents: Vec<Vec<u8>>) -> Result<(), String> {
    let pages: Vec<_> = doc.get_pages().into_values().collect();
    if pages.len() != contents.len() {
        return Err(format!("{} pages for {} content streams", pages.len(), contents.len()));
    }
    for (page, content) in pages.into_iter().zip(contents) {
        let stream = match doc.get_dictionary(page).and_then(|p| p.get(b"Contents")) {
            Ok(Object::Reference(id)) => *id,
            _ => return Err("a page has no content stream".to_owned()),
        };
        doc.get_object_mut(stream)
            .and_then(Object::as_stream_mut)
            .map_err(|e| format!("content stream: {e}"))?
            .set_content(content);
    }
    Ok(())
}

#[cfg(all(test, feature = "embedded-font"))]
mod tests {
    use super::super::layout::Placed;
    use super::super::structure::{Role, Tag};
    use super::*;

    #[test]
    fn runs_are_hex_strings_split_by_adjustments_and_missing_glyphs_are_spans() {
        let font = PdfFont::embedded().unwrap();
        let gid = |c| font.glyph(c).unwrap();
        let codes: BTreeMap<u16, u16> =
            [(gid('中'), 0x0102), (gid('文'), 0xabcd), (gid('字'), 7)].into_iter().collect();
        let at = |ch, x| Placed { ch, x, width: 10.0 };
        let mut structure = Structure::new();
        let title = structure.add(structure.root(), Role::H(1));
        let paragraph = structure.add(structure.root(), Role::P);
        let (h, p) = (Tag::Content(title), Tag::Content(paragraph));
        let lines = [
            SetLine { x: 50.0, y: 720.0, size: 14.0, glyphs: vec![at('字', 0.0)], tag: h },
            // 中文 touching, a 1-point gap (100/1000 em at 10 pt), then 字.
            SetLine {
                x: 50.0,
                y: 700.5,
                size: 10.0,
                glyphs: vec![at('中', 0.0), at('文', 10.0), at('字', 21.0)],
                tag: p,
            },
            SetLine { x: 50.0, y: 680.0, size: 10.0, glyphs: vec![], tag: p },
            // 𠀋 is not in the face: a span with its UTF-16 (a surrogate pair).
            SetLine {
                x: 50.0,
                y: 660.0,
                size: 12.0,
                glyphs: vec![at('中', 0.0), at('𠀋', 10.0), at('字', 20.0)],
                tag: p,
            },
            SetLine { x: 90.0, y: 20.0, size: 9.0, glyphs: vec![at('中', 0.0)], tag: Tag::Footer },
        ];
        let (content, marks) = text_content(&lines, &structure, &font, "F0", &codes);
        assert_eq!(
            String::from_utf8(content).unwrap(),
            "BT\n/F0 14 Tf\n1 0 0 1 50 720 Tm\n/H1 <</MCID 0>> BDC\n[<0007>] TJ\n\
             /F0 10 Tf\n1 0 0 1 50 700.5 Tm\nEMC\n/P <</MCID 1>> BDC\n[<0102abcd> -100 <0007>] TJ\n\
             /F0 12 Tf\n1 0 0 1 50 660 Tm\n[<0102>] TJ\nEMC\n\
             /Span <</MCID 2 /ActualText <FEFFD840DC0B>>> BDC\n[<0000>] TJ\nEMC\n\
             /P <</MCID 3>> BDC\n[<0007>] TJ\n\
             /F0 9 Tf\n1 0 0 1 90 20 Tm\nEMC\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC\n[<0102>] TJ\nEMC\nET\n"
        );
        let mut expected = PageMarks::default();
        let mut scratch = String::new();
        for tag in [h, p] {
            expected.show(&structure, tag, &mut scratch);
        }
        expected.actual_text(&structure, p, "", &mut scratch, |_| {});
        expected.show(&structure, p, &mut scratch);
        expected.finish(&mut scratch);
        assert_eq!(marks, expected);
    }
}
