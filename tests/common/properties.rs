//! The properties the fuzz targets assert, shared with `tests/fuzz_corpus.rs`
//! which replays the kept corpus and crash reproducers in `cargo test`.
//!
//! Each function takes raw input bytes, as a fuzzer gives them, and panics
//! when a property fails. The fuzz crate (`fuzz/`) includes this file with
//! `#[path]`, so a property is written once and checked in both places.
//!
//! Input the library refuses (binary, empty, too large…) must be refused with
//! an error, which is a pass; a panic is a failure.

#![allow(dead_code)] // each user calls only some of the properties

use std::ops::Range;

use zharchive::{Article, Options};

/// Normalisation: deterministic, idempotent on its own output, every block
/// and change well placed, and no stretch of the decoded source lost
/// without an edit that records it.
pub fn normalization(data: &[u8]) {
    let options = Options::default();
    let Ok(article) = zharchive::normalize(data, &options) else { return };
    let again = zharchive::normalize(data, &options).expect("the same input normalises twice");
    assert!(article == again, "normalisation is not deterministic");
    blocks_are_well_formed(&article);
    nothing_lost_without_an_edit(data, &article);

    let text = article.plain_text();
    let second = zharchive::normalize(text.as_bytes(), &options).expect("its own output normalises");
    assert_eq!(second.plain_text(), text, "normalisation is not idempotent");
}

/// Blocks are non-empty, and their changes sorted, disjoint, inside the
/// block and on character boundaries.
pub fn blocks_are_well_formed(article: &Article) {
    assert!(!article.blocks.is_empty(), "an article has a title");
    for (i, block) in article.blocks.iter().enumerate() {
        assert!(!block.text.is_empty(), "block {i} is empty");
        assert!(!block.text.contains("\n\n"), "block {i} holds a paragraph break");
        let mut end = 0;
        for change in &block.changes {
            let Range { start, end: stop } = change.range.clone();
            assert!(start >= end && start <= stop && stop <= block.text.len(), "change {change:?} of block {i}");
            assert!(block.text.is_char_boundary(start) && block.text.is_char_boundary(stop));
            assert!(!change.kinds.is_empty(), "a change says which passes made it");
            end = stop;
        }
    }
}

/// Every stretch of the decoded source that no edit covers reaches the
/// output unchanged, in order: text cannot vanish without a provenance
/// entry.
pub fn nothing_lost_without_an_edit(data: &[u8], article: &Article) {
    // The source the edits index: the article keeps it (a web page's is
    // decoded by its own rules); one built without it is decoded here.
    let source = if article.metadata.source_text.is_empty() {
        let Ok(decoded) = zharchive::normalize::decode::decode(data, None) else { return };
        decoded.text
    } else {
        article.metadata.source_text.clone()
    };
    let mut covered: Vec<Range<usize>> = article.provenance.iter().map(|e| e.source.clone()).collect();
    covered.sort_by_key(|r| (r.start, r.end));
    let output = article.plain_text();
    let mut from = 0; // in the output
    let mut at = 0; // in the source
    let check_gap = |gap: Range<usize>, from: &mut usize| {
        if gap.is_empty() {
            return;
        }
        let piece = &source[gap.clone()];
        let found = output[*from..].find(piece);
        let found = found.unwrap_or_else(|| panic!("source {gap:?} {piece:?} is in no edit and not in the output"));
        *from += found + piece.len();
    };
    for r in covered {
        if r.start > at {
            check_gap(at..r.start, &mut from);
        }
        at = at.max(r.end);
    }
    check_gap(at..source.len(), &mut from);
}

/// A web page: read as HTML, the bytes give an article or an error, never
/// a panic; the article is the same on a second run, its blocks are well
/// formed, every edit is a place in the page, and nothing of the page
/// leaves it without an edit (the markup and furniture are extraction
/// edits).
#[cfg(feature = "html")]
pub fn html_page(data: &[u8]) {
    let options = Options { input_format: zharchive::InputFormat::Html, ..Options::default() };
    let Ok(article) = zharchive::normalize(data, &options) else { return };
    let again = zharchive::normalize(data, &options).expect("the same page normalises twice");
    assert!(article == again, "normalisation of a page is not deterministic");
    blocks_are_well_formed(&article);
    let page = &article.metadata.source_text;
    for edit in &article.provenance {
        let r = &edit.source;
        assert!(r.start <= r.end && r.end <= page.len(), "edit {edit:?} outside the page");
        assert!(page.is_char_boundary(r.start) && page.is_char_boundary(r.end), "edit {edit:?} inside a character");
    }
    nothing_lost_without_an_edit(data, &article);
}

/// TEI: the record is well-formed XML, the reader gives back the article,
/// and writing that again gives the same bytes. Source text XML cannot hold
/// (a U+FFFF the cleanup removed) is left out of the record with a warning;
/// then the text still round-trips and the record is the same from the
/// second round on. Any bytes given to the reader give an article or an
/// error.
#[cfg(feature = "tei")]
pub fn tei(data: &[u8]) {
    use zharchive::render::tei::{read_tei, write_tei, TeiOptions};
    let _ = read_tei(data);
    let Ok(article) = zharchive::normalize(data, &Options::default()) else { return };
    let options = TeiOptions::default();
    let rendered = write_tei(&article, &options).expect("the writer writes a normalised article");
    let xml = rendered.bytes;
    well_formed(&xml, "TEI record");
    let back = read_tei(&xml).expect("the reader reads what the writer wrote");
    assert_eq!(back.plain_text(), article.plain_text(), "TEI → Article keeps the text");
    let again = write_tei(&back, &options).expect("rewrite").bytes;
    if rendered.warnings.is_empty() {
        assert!(back == article, "TEI → Article is not the article written");
        assert!(again == xml, "Article → TEI → Article → TEI is not the same bytes");
    } else {
        let third = write_tei(&read_tei(&again).expect("reads its rewrite"), &options).expect("rewrite").bytes;
        assert!(third == again, "the record is not the same from the second round on");
    }
}

/// EPUB: deterministic, `mimetype` first and stored, every XML document in
/// the book well-formed.
#[cfg(feature = "epub")]
pub fn epub(data: &[u8]) {
    use std::io::Read;
    use zharchive::render::epub::{write_epub, EpubOptions};
    let Ok(article) = zharchive::normalize(data, &Options::default()) else { return };
    let options = EpubOptions::default();
    let book = write_epub(&article, &options).expect("the writer writes a normalised article").bytes;
    assert!(book == write_epub(&article, &options).expect("again").bytes, "EPUB bytes differ between runs");

    // The first local file header: signature, method 0 (stored), `mimetype`.
    assert_eq!(&book[..4], b"PK\x03\x04", "a zip file");
    assert_eq!(u16::from_le_bytes([book[8], book[9]]), 0, "mimetype is stored, not compressed");
    let name_len = usize::from(u16::from_le_bytes([book[26], book[27]]));
    let extra_len = usize::from(u16::from_le_bytes([book[28], book[29]]));
    assert_eq!(&book[30..30 + name_len], b"mimetype", "mimetype comes first");
    let content = 30 + name_len + extra_len;
    assert_eq!(&book[content..content + 20], b"application/epub+zip");

    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&book)).expect("the zip opens");
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).expect("every entry reads");
        let name = file.name().to_owned();
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).expect("every entry inflates");
        if [".xhtml", ".opf", ".ncx", ".xml", ".svg"].iter().any(|ext| name.ends_with(ext)) {
            well_formed(&bytes, &name);
        }
    }
}

/// PDF: inputs cut to 4 KiB (setting is per page, and a fuzzer's time is
/// better spent on variety); deterministic, and a PDF that parses with a
/// page for the text. With the embedded font (the writer's default).
#[cfg(all(feature = "pdf", feature = "embedded-font"))]
pub fn pdf(data: &[u8]) {
    use zharchive::render::pdf::{write_pdf, PdfOptions};
    let data = &data[..data.len().min(4096)];
    let Ok(article) = zharchive::normalize(data, &Options::default()) else { return };
    let options = PdfOptions::default();
    let pdf = write_pdf(&article, &options).expect("the writer writes a normalised article").bytes;
    assert!(pdf == write_pdf(&article, &options).expect("again").bytes, "PDF bytes differ between runs");
    assert!(pdf.starts_with(b"%PDF-1.") && pdf.trim_ascii_end().ends_with(b"%%EOF"));
    let doc = lopdf::Document::load_mem(&pdf).expect("the PDF parses");
    assert!(!doc.get_pages().is_empty(), "at least one page");
}

/// Read `xml` to its end with quick-xml, failing on any error.
#[cfg(any(feature = "tei", feature = "epub"))]
pub fn well_formed(xml: &[u8], what: &str) {
    let text = std::str::from_utf8(xml).unwrap_or_else(|e| panic!("{what} is not UTF-8: {e}"));
    let illegal =
        |c: char| matches!(c, '\0'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}');
    assert!(!text.contains(illegal), "{what} holds a character XML 1.0 forbids");
    let mut reader = quick_xml::Reader::from_reader(xml);
    reader.config_mut().check_end_names = true;
    let mut buf = Vec::new();
    let mut depth = 0usize;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(quick_xml::events::Event::Start(_)) => depth += 1,
            Ok(quick_xml::events::Event::End(_)) => depth -= 1,
            Ok(quick_xml::events::Event::Text(t)) => {
                t.decode().unwrap_or_else(|e| panic!("{what}: text does not decode: {e}"));
            }
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("{what} is not well-formed at {}: {e}", reader.error_position()),
        }
        buf.clear();
    }
    assert_eq!(depth, 0, "{what}: unclosed elements");
}
