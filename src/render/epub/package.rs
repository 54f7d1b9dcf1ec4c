//! What the package needs beyond epub-builder's templates: the EPUB 2 NCX
//! (epub-builder's has no `dtb:uid`, titles itself with the table of contents'
//! name and has no language), the Dublin Core it has no setter for
//! (`dc:creator` without clashing ids, the editor as a `dc:contributor` with
//! the MARC role `edt`, `dc:description`, `dc:publisher`, `dc:source`), the
//! `primary-writing-mode` meta that Kindle reads for vertical books, and the
//! accessibility metadata of EPUB Accessibility 1.1 ([`accessibility`]).

use std::io;

use crate::error::Result;

use super::book::Book;
use super::xhtml::{toc_entries, Xml};
use super::xml_error;

/// `toc.ncx`, for reading systems that predate EPUB 3's navigation document.
pub(super) fn ncx(book: &Book) -> Result<Vec<u8>> {
    let write = || -> io::Result<Vec<u8>> {
        let mut x = Xml::new()?;
        x.start(
            "ncx",
            &[("xmlns", "http://www.daisy.org/z3986/2005/ncx/"), ("version", "2005-1"), ("xml:lang", &book.lang)],
        )?;
        x.start("head", &[])?;
        x.empty("meta", &[("name", "dtb:uid"), ("content", &book.identifier)])?;
        let entries = toc_entries(book);
        let depth = if entries.iter().any(|e| !e.sections.is_empty()) { "2" } else { "1" };
        x.empty("meta", &[("name", "dtb:depth"), ("content", depth)])?;
        x.empty("meta", &[("name", "dtb:totalPageCount"), ("content", "0")])?;
        x.empty("meta", &[("name", "dtb:maxPageNumber"), ("content", "0")])?;
        x.end("head")?;
        x.start("docTitle", &[])?;
        x.element("text", &[], &book.display_title)?;
        x.end("docTitle")?;
        x.start("navMap", &[])?;
        let mut n = 0;
        let mut point = |x: &mut Xml, label: &str, src: &str| -> io::Result<()> {
            n += 1;
            let order = n.to_string();
            let id = format!("navpoint-{order}");
            x.start("navPoint", &[("id", &id), ("playOrder", &order)])?;
            x.start("navLabel", &[])?;
            x.element("text", &[], label)?;
            x.end("navLabel")?;
            x.empty("content", &[("src", src)])
        };
        for entry in &entries {
            point(&mut x, entry.label, entry.file)?;
            for (k, section) in entry.sections.iter().enumerate() {
                point(&mut x, section, &format!("{}#s-{}", entry.file, k + 1))?;
                x.end("navPoint")?;
            }
            x.end("navPoint")?;
        }
        x.end("navMap")?;
        x.end("ncx")?;
        Ok(x.finish())
    };
    write().map_err(xml_error)
}

/// The conformance this writer claims (`dcterms:conformsTo`), in the form
/// EPUB Accessibility 1.1 defines. It holds because of what every book the
/// writer makes has — language on the package and every document, a title
/// in every document, DPUB-ARIA roles with the `epub:type`s, headings in
/// order, text (never images of text), contrast, the metadata below — and
/// `.ci/ace.sh` checks it with Ace by DAISY on every kind of book (0
/// violations); `tests/epub.rs` fails if any of it goes missing.
const CONFORMS_TO: &str = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA";

/// The schema.org accessibility metadata of a book (EPUB Accessibility 1.1
/// §4 and its techniques), as (property, value) pairs in the order written.
///
/// * `accessMode` and `accessModeSufficient`: `textual` — everything is
///   text; the cover's drawing is decoration around text.
/// * `accessibilityFeature`: `structuralNavigation` (headings),
///   `tableOfContents` (the navigation document), `readingOrder` (the
///   spine is the order of the text), `displayTransformability` (no fixed
///   sizes or colours in the stylesheet), `ARIA` (the DPUB-ARIA roles),
///   the writing direction, and `withoutAdditionalWordSegmentation`
///   (Chinese as written, without spaces between words).
/// * `accessibilityHazard`: `none`.
/// * `accessibilitySummary`: the same in the book's script (see
///   [`super::book::Labels`]).
pub(super) fn accessibility(book: &Book) -> Vec<(&'static str, String)> {
    let l = &book.labels;
    let direction = if book.vertical { "verticalWriting" } else { "horizontalWriting" };
    let mut summary = String::from(l.summary);
    summary.push_str(if book.vertical { l.summary_vertical } else { l.summary_horizontal });
    if book.cover {
        summary.push_str(l.summary_cover);
    }
    let mut meta: Vec<(&'static str, String)> =
        vec![("schema:accessMode", "textual".into()), ("schema:accessModeSufficient", "textual".into())];
    for feature in [
        "structuralNavigation",
        "tableOfContents",
        "readingOrder",
        "displayTransformability",
        "ARIA",
        direction,
        "withoutAdditionalWordSegmentation",
    ] {
        meta.push(("schema:accessibilityFeature", feature.into()));
    }
    meta.push(("schema:accessibilityHazard", "none".into()));
    meta.push(("schema:accessibilitySummary", summary));
    meta.push(("dcterms:conformsTo", CONFORMS_TO.into()));
    meta
}

/// Metadata elements to add inside the package document's `<metadata>`
/// (an XML fragment, each value escaped).
pub(super) fn extra_metadata(book: &Book) -> Result<String> {
    let write = || -> io::Result<Vec<u8>> {
        let mut x = Xml::fragment();
        for (i, creator) in book.creators.iter().enumerate() {
            let id = if i == 0 { "creator".to_owned() } else { format!("creator-{}", i + 1) };
            x.element("dc:creator", &[("id", &id)], creator)?;
            let refines = format!("#{id}");
            x.element("meta", &[("refines", &refines), ("property", "role"), ("scheme", "marc:relators")], "aut")?;
        }
        for keyword in &book.keywords {
            x.element("dc:subject", &[], keyword)?;
        }
        if let Some(publisher) = &book.publisher {
            x.element("dc:publisher", &[], publisher)?;
        }
        if let Some(editor) = &book.editor {
            x.element("dc:contributor", &[("id", "editor")], editor)?;
            x.element("meta", &[("refines", "#editor"), ("property", "role"), ("scheme", "marc:relators")], "edt")?;
        }
        if let Some(description) = &book.description {
            x.element("dc:description", &[], description)?;
        }
        if let Some(source) = &book.source {
            x.element("dc:source", &[], source)?;
        }
        if book.vertical {
            x.empty("meta", &[("name", "primary-writing-mode"), ("content", "vertical-rl")])?;
        }
        for (property, value) in accessibility(book) {
            x.element("meta", &[("property", property)], &value)?;
        }
        Ok(x.finish())
    };
    let bytes = write().map_err(xml_error)?;
    String::from_utf8(bytes).map_err(|e| super::render_error(format!("metadata is not UTF-8: {e}")))
}
