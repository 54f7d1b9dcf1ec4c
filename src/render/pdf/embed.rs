//! The font objects of one document, written straight into it.
//!
//! A composite font (ISO 32000-1, 9.7): a `/Type0` font with `/Identity-H`
//! encoding (two-byte codes, see [`Subset::codes`]), its one descendant
//! CIDFont with the advance of every code used (`/W`), the font descriptor
//! with the subset program, and a `/ToUnicode` map from each code to the
//! character it was set for, so that text extraction and search give the
//! article back.
//!
//! printpdf can write these objects too, but only from a font it parses
//! again from an OpenType file: building that file and parsing it back was a
//! fifth of the PDF writer's time in a batch. The content streams refer to
//! the font by its resource name, so the writer registers it here, after
//! printpdf has laid out the pages.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use lopdf::{Dictionary, Document, Object, ObjectId, Stream};

use super::font::PdfFont;
use super::subset::{Program, Subset};

fn name(s: &str) -> Object {
    Object::Name(s.as_bytes().to_vec())
}

fn int(i: impl Into<i64>) -> Object {
    Object::Integer(i.into())
}

/// A length in font units as thousandths of an em, the unit of PDF glyph space.
fn thousandths(units: i16, units_per_em: u16) -> Object {
    int((f64::from(units) * 1000.0 / f64::from(units_per_em)).round() as i64)
}

/// Add the font objects for `sub` to `doc` and name the font `resource` in
/// the font resources of every page. `characters` gives the character each
/// glyph of the face was set for, which the `/ToUnicode` map maps its code to.
pub(crate) fn embed_font(
    doc: &mut Document,
    resource: &str,
    font: &PdfFont,
    sub: Subset,
    characters: &BTreeMap<u16, char>,
) -> Result<(), String> {
    let face = font.face();
    let base_font = format!("{}+{}", sub.tag, font.postscript_name());
    let upem = face.units_per_em;
    let m = face.metrics;

    // The program's stream, and its descendant font's subtype and CID map.
    let (file_key, program, cid_subtype, cid_to_gid) = match sub.program {
        Program::Cff { bytes, charstrings_from } => {
            let mut dict = Dictionary::from_iter(vec![("Subtype", name("CIDFontType0C"))]);
            // Compressed here, where the charstrings are known to be last.
            let bytes = match super::deflate::flate(&bytes, charstrings_from) {
                Some(z) => {
                    dict.set("Filter", name("FlateDecode"));
                    z
                }
                None => bytes,
            };
            ("FontFile3", Stream::new(dict, bytes), "CIDFontType0", None)
        }
        Program::TrueType(bytes) => {
            let dict = Dictionary::from_iter(vec![("Length1", int(bytes.len() as i64))]);
            ("FontFile2", Stream::new(dict, bytes), "CIDFontType2", Some(name("Identity")))
        }
    };
    let program_id = doc.add_object(program);

    let descriptor = Dictionary::from_iter(vec![
        ("Type", name("FontDescriptor")),
        ("FontName", name(&base_font)),
        // Symbolic (bit 3): the glyphs are outside the standard Latin set.
        ("Flags", int(4)),
        ("FontBBox", Object::Array(m.bbox.iter().map(|&v| thousandths(v, upem)).collect())),
        ("ItalicAngle", int(0)),
        ("Ascent", thousandths(m.ascender, upem)),
        ("Descent", thousandths(m.descender, upem)),
        ("CapHeight", thousandths(m.ascender, upem)),
        // Not recorded in OpenType; the usual value for a regular weight.
        ("StemV", int(80)),
        (file_key, Object::Reference(program_id)),
    ]);
    let descriptor_id = doc.add_object(descriptor);

    let mut widths = BTreeMap::new();
    for (&gid, &code) in &sub.codes {
        let width = (font.glyph_advance(gid) * 1000.0).round() as i64;
        widths.insert(code, width);
    }
    let mut cid_font = Dictionary::from_iter(vec![
        ("Type", name("Font")),
        ("Subtype", name(cid_subtype)),
        ("BaseFont", name(&base_font)),
        (
            "CIDSystemInfo",
            Object::Dictionary(Dictionary::from_iter(vec![
                ("Registry", Object::string_literal("Adobe")),
                ("Ordering", Object::string_literal("Identity")),
                ("Supplement", int(0)),
            ])),
        ),
        ("FontDescriptor", Object::Reference(descriptor_id)),
        ("DW", int(DEFAULT_WIDTH)),
        ("W", width_array(&widths)),
    ]);
    if let Some(map) = cid_to_gid {
        cid_font.set("CIDToGIDMap", map);
    }
    let cid_font_id = doc.add_object(cid_font);

    let by_code: BTreeMap<u16, char> =
        characters.iter().filter_map(|(gid, &c)| Some((*sub.codes.get(gid)?, c))).collect();
    let to_unicode = Stream::new(Dictionary::new(), to_unicode_cmap(&by_code).into_bytes());
    let to_unicode_id = doc.add_object(to_unicode);

    let type0 = Dictionary::from_iter(vec![
        ("Type", name("Font")),
        ("Subtype", name("Type0")),
        ("BaseFont", name(&base_font)),
        ("Encoding", name("Identity-H")),
        ("DescendantFonts", Object::Array(vec![Object::Reference(cid_font_id)])),
        ("ToUnicode", Object::Reference(to_unicode_id)),
    ]);
    let type0_id = doc.add_object(type0);
    register(doc, resource, type0_id)
}

/// The CIDFont's `/DW`: a full em, the advance of most of a CJK text.
const DEFAULT_WIDTH: i64 = 1000;

/// `/W`: runs of consecutive codes, `c [w1 w2 …]`; codes at
/// [`DEFAULT_WIDTH`] are left out.
fn width_array(widths: &BTreeMap<u16, i64>) -> Object {
    let mut array = Vec::new();
    let mut run: Vec<Object> = Vec::new();
    let mut run_start = 0u16;
    let mut next = None;
    for (&code, &width) in widths {
        if width == DEFAULT_WIDTH {
            continue;
        }
        if next != Some(code) && !run.is_empty() {
            array.push(int(run_start));
            array.push(Object::Array(std::mem::take(&mut run)));
        }
        if run.is_empty() {
            run_start = code;
        }
        run.push(int(width));
        next = code.checked_add(1);
    }
    if !run.is_empty() {
        array.push(int(run_start));
        array.push(Object::Array(run));
    }
    Object::Array(array)
}

/// A `/ToUnicode` CMap (Adobe Technical Note #5411) mapping each two-byte
/// code to its character in UTF-16BE.
fn to_unicode_cmap(characters: &BTreeMap<u16, char>) -> String {
    let mut cmap = String::with_capacity(300 + characters.len() * 16);
    cmap.push_str(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let entries: Vec<(&u16, &char)> = characters.iter().collect();
    // At most 100 mappings per block (the CMap format's limit).
    for block in entries.chunks(100) {
        let _ = writeln!(cmap, "{} beginbfchar", block.len());
        for (&code, &c) in block {
            let _ = write!(cmap, "<{code:04X}> <");
            for unit in c.encode_utf16(&mut [0; 2]) {
                let _ = write!(cmap, "{unit:04X}");
            }
            cmap.push_str(">\n");
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    cmap
}

/// Name the font `resource` in each page's font resources.
fn register(doc: &mut Document, resource: &str, font_id: ObjectId) -> Result<(), String> {
    let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
    for page in pages {
        let resources = match doc.get_dictionary(page).and_then(|p| p.get(b"Resources")) {
            Ok(Object::Reference(id)) => *id,
            _ => return Err("a page has no resource dictionary".to_owned()),
        };
        let fonts = match doc.get_dictionary(resources).and_then(|r| r.get(b"Font")) {
            Ok(Object::Reference(id)) => *id,
            _ => return Err("a page has no font resources".to_owned()),
        };
        doc.get_dictionary_mut(fonts)
            .map_err(|e| format!("font resources: {e}"))?
            .set(resource, Object::Reference(font_id));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_leave_out_full_width_codes_and_group_runs() {
        let widths: BTreeMap<u16, i64> = [(1, 224), (2, 300), (3, 1000), (4, 500), (9, 600)].into_iter().collect();
        let expected = Object::Array(vec![
            int(1),
            Object::Array(vec![int(224), int(300)]),
            int(4),
            Object::Array(vec![int(500)]),
            int(9),
            Object::Array(vec![int(600)]),
        ]);
        assert_eq!(format!("{:?}", width_array(&widths)), format!("{expected:?}"));
    }

    #[test]
    fn to_unicode_writes_surrogate_pairs_and_blocks_of_a_hundred() {
        let mut chars: BTreeMap<u16, char> = (0..150u16).map(|i| (i + 1, '中')).collect();
        chars.insert(200, '𠀀');
        let cmap = to_unicode_cmap(&chars);
        assert!(cmap.contains("100 beginbfchar\n<0001> <4E2D>\n"));
        assert!(cmap.contains("51 beginbfchar\n"));
        assert!(cmap.contains("<00C8> <D840DC00>\n"));
        assert_eq!(cmap.matches("endbfchar").count(), 2);
    }
}
