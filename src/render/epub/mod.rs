//! EPUB 3 writer: an [`Article`] as a small, valid, reproducible ebook.
//!
//! ```
//! use zharchive::render::epub::{write_epub, EpubOptions};
//! let article = zharchive::normalize("标题\n\n正文第一段。\n\n第二段。".as_bytes(), &Default::default())?;
//! let book = write_epub(&article, &EpubOptions::default())?;
//! assert_eq!(&book.bytes[30..38], b"mimetype");
//! // Same article, same options: same bytes.
//! assert_eq!(book.bytes, write_epub(&article, &EpubOptions::default())?.bytes);
//! # Ok::<(), zharchive::Error>(())
//! ```
//!
//! # What is in the book
//!
//! * `titlepage.xhtml` (front matter): where the text came from — site,
//!   author, date, URL when known, the book's identifier and the source's
//!   encoding and SHA-256. It does *not* repeat the title: the title appears
//!   once, as the article's heading.
//! * `article.xhtml` (body matter): the title as `<h1>`, then the paragraphs.
//!   Its text is exactly the article's [`Article::plain_text`] (minus
//!   characters XML cannot hold, which are dropped and reported).
//! * `nav.xhtml` (EPUB 3 table of contents and landmarks) and `toc.ncx` (for
//!   EPUB 2 readers), both naming the pages in the article's language.
//! * `stylesheet.css`: set for Chinese — 1.8 line height, 2em first-line
//!   indent, justified lines, serif (Song/Ming) body and sans (Hei) headings,
//!   with the font names of the article's script first (SC fonts for
//!   `zh-Hans`, TC fonts for `zh-Hant`/`zh-Hant-TW`, HK fonts before TC ones
//!   for `zh-Hant-HK`). No font is embedded unless [`EpubOptions::font`] names
//!   one: reading systems have CJK fonts, and a full CJK font is 10–20 MB.
//! * with [`EpubOptions::cover`], `cover.svg` and `cover.xhtml`: the title set
//!   in type on a plain background (no images, nothing random). The cover
//!   page draws it inline, so that its words are text, not an image of text.
//!
//! Every XHTML document carries `lang` and `xml:lang`, so reading systems pick
//! Chinese glyphs rather than Japanese ones for the shared code points.
//!
//! # Accessibility
//!
//! Every book conforms to EPUB Accessibility 1.1 at WCAG 2.2 Level AA, and
//! says so (`dcterms:conformsTo`), with the schema.org accessibility metadata
//! (access mode `textual`, features such as `structuralNavigation`,
//! `tableOfContents` and `readingOrder`, no hazards, a summary in the book's
//! script) and `xml:lang` on the package. The documents pair each `epub:type`
//! with its DPUB-ARIA `role` (`doc-chapter`, `doc-toc`), keep headings in
//! order, set no colours or sizes a reader cannot change, and the cover's
//! colours have at least 4.5:1 contrast. Ace by DAISY reports no violations
//! on any kind of book the writer makes (`.ci/ace.sh`).
//!
//! ```
//! use zharchive::render::epub::{write_epub, EpubOptions};
//! let article = zharchive::normalize("标题\n\n正文。".as_bytes(), &Default::default())?;
//! let book = write_epub(&article, &EpubOptions::default())?;
//! // The package document is stored deflated; read it with any ZIP reader.
//! let mut zip = zip::ZipArchive::new(std::io::Cursor::new(book.bytes)).unwrap();
//! let mut opf = String::new();
//! std::io::Read::read_to_string(&mut zip.by_name("OEBPS/content.opf").unwrap(), &mut opf).unwrap();
//! assert!(opf.contains(r#"xml:lang="zh-Hans""#));
//! assert!(opf.contains(r#"<meta property="schema:accessMode">textual</meta>"#));
//! assert!(opf.contains("EPUB Accessibility 1.1 - WCAG 2.2 Level AA"));
//! # Ok::<(), zharchive::Error>(())
//! ```
//!
//! # Metadata
//!
//! `dc:identifier` is [`article_uuid`](crate::render::article_uuid) (a `urn:uuid` from the SHA-256 of the
//! text), `dc:language` the article's tag, `dcterms:modified` the date from
//! [`Timestamp::resolve`] (the option, else `SOURCE_DATE_EPOCH`, else the
//! source date, else 1980-01-01), `dc:date` the source's publication date when
//! it can be read (else the same date). `dc:source` is the URL (else the site
//! name), `dc:creator` and `dc:publisher` are written when an option or the
//! source metadata gives them.
//!
//! # Vertical writing
//!
//! [`EpubOptions::vertical`] sets `writing-mode: vertical-rl` together with
//! `-epub-writing-mode` and `-webkit-writing-mode` (older readers and Kindle
//! know only those), `page-progression-direction="rtl"` on the spine, and the
//! `primary-writing-mode` meta Kindle reads. Numbers of one or two digits
//! (`6月14日`) stand upright in one character cell (`text-combine-upright`);
//! longer ones lie on their side, as in print. Brackets and quotation marks are
//! left as they are: current reading systems rotate them in vertical text,
//! and vertical presentation forms (`﹁` `︵`) would be wrong the moment a
//! reader chose horizontal layout.
//!
//! # Reproducibility
//!
//! Nothing reads the clock or a random source: the identifier comes from the
//! text, the dates as above, and every ZIP entry carries the same timestamp
//! (the resolved date, clamped to the 1980–2107 range a ZIP can hold).
//! epub-builder would otherwise write a random UUID and the current time,
//! and its archive always carries the current time, so the archive is
//! rewritten (see `archive.rs`).

mod archive;
mod book;
mod cover;
mod package;
mod style;
mod xhtml;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::article::{Article, Warning};
use crate::error::{Error, Result};
use crate::render::{Rendered, Timestamp};

use archive::Package;
use book::Book;

/// Options for [`write_epub`]. The default is a horizontal book without cover
/// or embedded font, dated as described in the [module docs](self).
///
/// Serde-serialisable; missing fields take their defaults:
///
/// ```
/// use zharchive::render::epub::EpubOptions;
/// let o: EpubOptions = serde_json::from_str(r#"{ "vertical": true, "publisher": "某出版社" }"#).unwrap();
/// assert!(o.vertical && !o.cover);
/// assert_eq!(o.publisher.as_deref(), Some("某出版社"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EpubOptions {
    /// Vertical writing, right-to-left page progression (traditional layout
    /// for Traditional Chinese, usable with any script).
    pub vertical: bool,
    /// Add a generated SVG cover showing the title (and the site, if known).
    pub cover: bool,
    /// A font file (TrueType, OpenType, WOFF or WOFF2; not a `.ttc`
    /// collection) to embed and use for the text. Check its licence allows
    /// embedding.
    pub font: Option<PathBuf>,
    /// The date to stamp (`YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SSZ`) as
    /// `dcterms:modified` and on the ZIP entries, overriding
    /// `SOURCE_DATE_EPOCH` and the source date. `dc:date` stays the source's
    /// publication date when that is known.
    pub date: Option<String>,
    /// `dc:creator`; defaults to the source's author.
    pub creator: Option<String>,
    /// `dc:publisher`; defaults to the source's site name.
    pub publisher: Option<String>,
}

/// Write `article` as an EPUB 3 file (with an EPUB 2 NCX).
///
/// The result's warnings list characters dropped because XML 1.0 cannot hold
/// them (the article's own warnings are not repeated).
///
/// ```
/// use zharchive::render::epub::{write_epub, EpubOptions};
/// let article = zharchive::normalize("標題\n\n正文。".as_bytes(), &zharchive::Options {
///     script: zharchive::TargetScript::Traditional,
///     ..Default::default()
/// })?;
/// let options = EpubOptions { vertical: true, cover: true, date: Some("2024-06-15".into()), ..Default::default() };
/// let book = write_epub(&article, &options)?;
/// assert!(book.warnings.is_empty());
/// assert!(book.bytes.len() > 1000);
/// # Ok::<(), zharchive::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::Options`] for an unreadable date (option or `SOURCE_DATE_EPOCH`),
/// [`Error::Io`] if the font cannot be read, [`Error::Render`] for a font
/// that is not a font, an article with no text, or a failure inside
/// epub-builder or the ZIP writer.
pub fn write_epub(article: &Article, options: &EpubOptions) -> Result<Rendered> {
    let modified = Timestamp::resolve(options.date.as_deref(), article)?;
    let font = match &options.font {
        Some(path) => Some(style::Font::read(path)?),
        None => None,
    };
    let book = Book::new(article, options, modified)?;
    let documents = Documents::render(&book, font.as_ref())?;

    let mut package = Package::from_zip(&build_with_epub_builder(&book, &documents, font.as_ref())?)?;
    package.replace("OEBPS/nav.xhtml", documents.nav)?;
    package.replace("OEBPS/toc.ncx", documents.ncx)?;
    package.insert_before("OEBPS/content.opf", "</metadata>", &documents.opf_metadata)?;
    // epub-builder has no setting for these two: the package's language
    // (which assistive technology reads for the metadata) and the manifest
    // property of a page with inline SVG (the cover page).
    let package_lang = format!(" xml:lang=\"{}\"", book.lang);
    package.insert_before("OEBPS/content.opf", " unique-identifier=", &package_lang)?;
    if book.cover {
        let item = format!(" id=\"id_{}\"", xhtml::COVER);
        package.insert_before("OEBPS/content.opf", &item, " properties=\"svg\"")?;
    }
    let bytes = package.to_zip(modified)?;

    let mut warnings = Vec::new();
    if book.dropped > 0 {
        warnings.push(Warning::new(
            "xml-illegal-characters",
            format!(
                "dropped {} character(s) that XML 1.0 cannot hold (control characters, U+FFFE, U+FFFF) from the EPUB",
                book.dropped
            ),
            None,
        ));
    }
    Ok(Rendered { bytes, warnings })
}

/// Everything we render ourselves, before it goes into the package.
struct Documents {
    css: Vec<u8>,
    cover: Option<(Vec<u8>, Vec<u8>)>,
    titlepage: Vec<u8>,
    article: Vec<u8>,
    nav: Vec<u8>,
    ncx: Vec<u8>,
    opf_metadata: String,
}

impl Documents {
    fn render(book: &Book, font: Option<&style::Font>) -> Result<Documents> {
        Ok(Documents {
            css: style::stylesheet(book.variant, book.vertical, font).into_bytes(),
            cover: if book.cover { Some((cover::svg(book)?, xhtml::cover_page(book)?)) } else { None },
            titlepage: xhtml::title_page(book)?,
            article: xhtml::article(book)?,
            nav: xhtml::nav(book)?,
            ncx: package::ncx(book)?,
            opf_metadata: package::extra_metadata(book)?,
        })
    }
}

/// Let epub-builder lay out the package: container, manifest, spine, guide
/// and the Dublin Core it knows (title, language, identifier, dates,
/// direction).
fn build_with_epub_builder(book: &Book, docs: &Documents, font: Option<&style::Font>) -> Result<Vec<u8>> {
    use epub_builder::{EpubBuilder, EpubContent, EpubVersion, ReferenceType, ZipLibrary};

    let uuid = uuid::Uuid::parse_str(book.identifier.trim_start_matches("urn:uuid:"))
        .map_err(|e| render_error(format!("identifier {:?} is not a UUID: {e}", book.identifier)))?;
    let mut builder = EpubBuilder::new(ZipLibrary::new().map_err(builder_error)?).map_err(builder_error)?;
    builder.epub_version(EpubVersion::V30);
    builder.set_title(book.display_title.as_str());
    builder.add_language(book.lang.as_str());
    builder.set_uuid(uuid);
    builder.set_modified_date(chrono_time(book.modified)?);
    builder.set_publication_date(chrono_time(book.published)?);
    builder.set_toc_name(book.labels.contents);
    builder.set_generator("zharchive");
    if book.vertical {
        builder.metadata("direction", "rtl").map_err(builder_error)?;
    }
    builder.stylesheet(docs.css.as_slice()).map_err(builder_error)?;
    if let Some(font) = font {
        builder.add_resource(font.file_name, font.bytes.as_slice(), font.media_type).map_err(builder_error)?;
    }
    if let Some((svg, page)) = &docs.cover {
        builder.add_cover_image(cover::FILE, svg.as_slice(), "image/svg+xml").map_err(builder_error)?;
        builder
            .add_content(
                EpubContent::new(xhtml::COVER, page.as_slice()).title(book.labels.cover).reftype(ReferenceType::Cover),
            )
            .map_err(builder_error)?;
    }
    builder
        .add_content(
            EpubContent::new(xhtml::TITLE_PAGE, docs.titlepage.as_slice())
                .title(book.labels.title_page)
                .reftype(ReferenceType::TitlePage),
        )
        .map_err(builder_error)?;
    builder
        .add_content(
            EpubContent::new(xhtml::ARTICLE, docs.article.as_slice())
                .title(book.display_title.as_str())
                .reftype(ReferenceType::Text),
        )
        .map_err(builder_error)?;
    // This archive's timestamps are the current time; `Package` rewrites it.
    let mut zip = Vec::new();
    builder.generate(&mut zip).map_err(builder_error)?;
    Ok(zip)
}

fn chrono_time(t: Timestamp) -> Result<chrono::DateTime<chrono::Utc>> {
    chrono::NaiveDate::from_ymd_opt(i32::from(t.year), u32::from(t.month), u32::from(t.day))
        .and_then(|d| d.and_hms_opt(u32::from(t.hour), u32::from(t.minute), u32::from(t.second)))
        .map(|d| d.and_utc())
        .ok_or_else(|| render_error(format!("{} is not a valid date", t.to_rfc3339())))
}

fn builder_error(e: epub_builder::Error) -> Error {
    render_error(format!("epub-builder: {e}"))
}

fn render_error(message: impl Into<String>) -> Error {
    Error::Render { format: "epub", message: message.into() }
}

fn xml_error(e: std::io::Error) -> Error {
    render_error(format!("cannot write XML: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chrono_time_matches_timestamp() {
        let t = Timestamp::parse("2024-02-29T23:59:58Z").unwrap();
        assert_eq!(chrono_time(t).unwrap().format("%Y-%m-%dT%H:%M:%SZ").to_string(), t.to_rfc3339());
    }
}
