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
//! # Books of several articles
//!
//! [`write_epub_collection`] writes a [`Collection`] through the same code;
//! a collection of one is the book above. A book of several holds:
//!
//! * `titlepage.xhtml` (front matter): the book's title as `<h1>`, then its
//!   creators, editor, date, publisher, description, number of articles and
//!   identifier — the [`CollectionMetadata`], not any one article's.
//! * `nav.xhtml`, here also a page of the book (after the title page, with a
//!   `toc` landmark): every article under its [`Article::display_title`]
//!   (the caller's title, else its heading, else its opening). The model
//!   has no headings below an article's title, so the list has one level.
//! * one document per article, `a-….xhtml`, named by
//!   [`Collection::chapter_ids`] (from the article's text, so a chapter
//!   keeps its file and bytes when the book around it changes), each in its
//!   article's own language when that is not the book's; the first is the
//!   `bodymatter` landmark.
//! * each chapter's source — site, author, date, URL, encoding and SHA-256
//!   of the source bytes — at the chapter's end ([`SourceNotes::ChapterEnd`])
//!   or on one back-matter page, `sources.xhtml`, that links to every
//!   chapter ([`SourceNotes::BackMatter`]).
//! * with [`EpubOptions::cover`], the cover with the book's title, creators
//!   (else its editor) and date.
//!
//! The package's metadata are the book's: `dc:title`, a `dc:creator` per
//! creator, the editor as `dc:contributor` with the MARC role `edt`,
//! `dc:date`, `dc:publisher`, `dc:description`, `dc:identifier`
//! ([`Collection::identifier`], which may be any identifier, not only a
//! UUID) and `dc:language` ([`Collection::language`]). A book of one with
//! metadata of its own keeps the single-article layout, and its package
//! carries those metadata.
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
//! `dc:identifier` is [`article_uuid`] (a `urn:uuid` from the SHA-256 of the
//! text), `dc:language` the article's tag, `dcterms:modified` the date from
//! [`Timestamp::resolve`] (the option, else `SOURCE_DATE_EPOCH`, else the
//! book's date — for a book of one, the source date — else the first
//! article's source date, else 1980-01-01), `dc:date` the book's (source's)
//! publication date when it can be read (else the same date). `dc:source` is the URL (else the site
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
use crate::collection::{Collection, CollectionMetadata};
use crate::error::{Error, Result};
use crate::render::{article_uuid, Rendered, Timestamp};

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
    /// `dc:creator`; defaults to the book's creators (for a book of one,
    /// the source's authors).
    pub creator: Option<String>,
    /// `dc:publisher`; defaults to the book's publisher, else (a book of
    /// one) the source's site name.
    pub publisher: Option<String>,
    /// Where a book of several articles gives each one's source (site,
    /// author, date, URL, SHA-256 of the source bytes). A book of one gives
    /// it on its title page.
    pub source_notes: SourceNotes,
}

/// Where the source notes of a book of several articles go.
///
/// ```
/// use zharchive::render::epub::{EpubOptions, SourceNotes};
/// let o: EpubOptions = serde_json::from_str(r#"{ "source_notes": "back-matter" }"#).unwrap();
/// assert_eq!(o.source_notes, SourceNotes::BackMatter);
/// assert_eq!(EpubOptions::default().source_notes, SourceNotes::ChapterEnd);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceNotes {
    /// At the end of each chapter, below its text.
    #[default]
    ChapterEnd,
    /// On one "Sources" page at the back of the book, one entry per chapter
    /// linking to it.
    BackMatter,
}

/// Write `article` as an EPUB 3 file (with an EPUB 2 NCX): the book of one
/// article, as [`write_epub_collection`] writes [`Collection::of_one`].
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
    let metadata = CollectionMetadata::of_article(article);
    let facts = Facts::of_article(&metadata, article);
    write_book(&metadata, std::slice::from_ref(article), &facts, options)
}

/// Write `collection` as one EPUB 3 book (see the [module docs](self) for
/// what a book of several articles holds). A collection of one whose
/// metadata are [`CollectionMetadata::of_article`] gives exactly the bytes
/// of [`write_epub`]; with metadata of its own (a title, creators …), a
/// book of one keeps the single-article layout and carries those metadata.
///
/// ```
/// use zharchive::render::epub::{write_epub_collection, EpubOptions, SourceNotes};
/// use zharchive::{Collection, CollectionMetadata};
/// let opts = zharchive::Options::default();
/// let a = zharchive::normalize("第一篇\n\n正文。".as_bytes(), &opts)?;
/// let b = zharchive::normalize("第二篇\n\n正文。".as_bytes(), &opts)?;
/// let meta = CollectionMetadata { title: "文集".into(), editor: Some("编者甲".into()), ..Default::default() };
/// let book = Collection::new(meta, vec![a, b])?;
/// let options = EpubOptions { source_notes: SourceNotes::BackMatter, ..Default::default() };
/// let epub = write_epub_collection(&book, &options)?;
/// let mut zip = zip::ZipArchive::new(std::io::Cursor::new(epub.bytes)).unwrap();
/// // One document per article, named by its chapter id; the sources at the back.
/// for id in book.chapter_ids() {
///     assert!(zip.by_name(&format!("OEBPS/{id}.xhtml")).is_ok());
/// }
/// assert!(zip.by_name("OEBPS/sources.xhtml").is_ok());
/// # Ok::<(), zharchive::Error>(())
/// ```
///
/// # Errors
///
/// As [`write_epub`]; an article with no text fails the book, naming its
/// place in it.
pub fn write_epub_collection(collection: &Collection, options: &EpubOptions) -> Result<Rendered> {
    let facts = Facts::of_collection(collection);
    write_book(&collection.metadata, &collection.articles, &facts, options)
}

/// What a collection derives from its articles, computed once for the book.
/// For one article with the metadata [`CollectionMetadata::of_article`]
/// these are what [`Collection::of_one`] would derive, without moving the
/// article into a collection.
#[derive(Debug, PartialEq)]
struct Facts {
    language: String,
    identifier: String,
    chapter_ids: Vec<String>,
}

impl Facts {
    fn of_collection(collection: &Collection) -> Facts {
        Facts {
            language: collection.language().to_owned(),
            identifier: collection.identifier(),
            chapter_ids: collection.chapter_ids(),
        }
    }

    fn of_article(metadata: &CollectionMetadata, article: &Article) -> Facts {
        let language = if metadata.language.is_empty() { &article.metadata.language } else { &metadata.language };
        let identifier =
            if metadata.identifier.is_empty() { article_uuid(article) } else { metadata.identifier.clone() };
        let id = format!("a-{}", &crate::digest::sha256_hex(article.plain_text().as_bytes())[..12]);
        Facts { language: language.clone(), identifier, chapter_ids: vec![id] }
    }
}

/// The one writer behind [`write_epub`] and [`write_epub_collection`].
fn write_book(
    metadata: &CollectionMetadata,
    articles: &[Article],
    facts: &Facts,
    options: &EpubOptions,
) -> Result<Rendered> {
    let Some(first) = articles.first() else {
        return Err(Error::Options("a book needs at least one article".into()));
    };
    let modified = stamp(options, metadata, first)?;
    let font = match &options.font {
        Some(path) => Some(style::Font::read(path)?),
        None => None,
    };
    let book = Book::new(metadata, articles, facts, options, modified)?;
    let documents = Documents::render(&book, font.as_ref())?;

    // The documents epub-builder is given by name only (see
    // `build_with_epub_builder`) are deflated while it lays out the package.
    let mut ours: Vec<(String, &[u8])> = Vec::with_capacity(book.chapters.len() + 3);
    ours.push((format!("OEBPS/{}", xhtml::TITLE_PAGE), &documents.titlepage));
    for (chapter, page) in book.chapters.iter().zip(&documents.chapters) {
        ours.push((format!("OEBPS/{}", chapter.file), page));
    }
    if let Some(page) = &documents.sources {
        ours.push((format!("OEBPS/{}", xhtml::SOURCES), page));
    }
    if let Some(font) = &font {
        ours.push((format!("OEBPS/{}", font.file_name), &font.bytes));
    }
    let contents: Vec<&[u8]> = ours.iter().map(|&(_, c)| c).collect();
    let (skeleton, deflated) =
        rayon::join(|| build_with_epub_builder(&book, &documents, font.as_ref()), || archive::deflate_all(&contents));
    let mut package = Package::from_zip(&skeleton?)?;
    for ((path, content), deflated) in ours.into_iter().zip(deflated?) {
        package.replace_deflated(&path, content.to_vec(), deflated)?;
    }
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
    if !book.is_single() {
        // The table of contents of a book of several is a page of the book
        // (and its `toc` landmark must point into the spine), after the
        // title page.
        let first_chapter = format!("<itemref idref=\"id_{}\"/>", book.chapters[0].file);
        package.insert_before("OEBPS/content.opf", &first_chapter, "<itemref idref=\"nav\"/>\n    ")?;
    }
    if book.identifier != epub_builder_uuid(&book.identifier) {
        // An identifier of the caller's that is not a UUID (an ISBN, a DOI):
        // epub-builder takes only UUIDs, so it wrote one made from it.
        let written = format!(">{}</dc:identifier>", epub_builder_uuid(&book.identifier));
        let wanted = format!(">{}</dc:identifier>", quick_xml::escape::escape(book.identifier.as_str()));
        package.replace_text("OEBPS/content.opf", &written, &wanted)?;
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

/// The date stamped on the book (`dcterms:modified`, the ZIP entries): the
/// option, else `SOURCE_DATE_EPOCH`, else the book's date when it can be
/// read, else the first article's source date, else 1980-01-01
/// ([`Timestamp::resolve`] with the book's date before the article's). For a
/// book of one article the book's date is the article's.
fn stamp(options: &EpubOptions, metadata: &CollectionMetadata, first: &Article) -> Result<Timestamp> {
    let book_date = metadata.date.as_deref().and_then(|d| Timestamp::parse(d).ok());
    match book_date {
        Some(date) if options.date.is_none() && std::env::var_os("SOURCE_DATE_EPOCH").is_none() => Ok(date),
        _ => Timestamp::resolve(options.date.as_deref(), first),
    }
}

/// The identifier as epub-builder writes it: a `urn:uuid` as it is, and
/// any other identifier as a UUID made from its text (replaced by the
/// identifier itself once epub-builder has written the package).
fn epub_builder_uuid(identifier: &str) -> String {
    match uuid::Uuid::parse_str(identifier.trim_start_matches("urn:uuid:")) {
        Ok(uuid) if identifier.starts_with("urn:uuid:") => uuid::fmt::Urn::from_uuid(uuid).to_string(),
        _ => crate::collection::text_uuid(identifier.as_bytes()),
    }
}

/// The number of chapters from which they are rendered in parallel.
const PARALLEL_CHAPTERS: usize = 8;

/// Everything we render ourselves, before it goes into the package.
struct Documents {
    css: Vec<u8>,
    cover: Option<(Vec<u8>, Vec<u8>)>,
    titlepage: Vec<u8>,
    /// One per chapter, in order.
    chapters: Vec<Vec<u8>>,
    /// The back-matter "Sources" page, when the notes go there.
    sources: Option<Vec<u8>>,
    nav: Vec<u8>,
    ncx: Vec<u8>,
    opf_metadata: String,
}

impl Documents {
    fn render(book: &Book, font: Option<&style::Font>) -> Result<Documents> {
        Ok(Documents {
            css: style::stylesheet(book.variant, book.vertical, font, !book.is_single()).into_bytes(),
            cover: if book.cover { Some((cover::svg(book)?, xhtml::cover_page(book)?)) } else { None },
            titlepage: xhtml::title_page(book)?,
            // A book's chapters are rendered on the pool's threads (in order);
            // a few are not worth starting the pool for.
            chapters: if book.chapters.len() >= PARALLEL_CHAPTERS {
                use rayon::prelude::*;
                book.chapters.par_iter().map(|c| xhtml::chapter(book, c)).collect::<Result<_>>()?
            } else {
                book.chapters.iter().map(|c| xhtml::chapter(book, c)).collect::<Result<_>>()?
            },
            sources: xhtml::sources_page(book)?,
            nav: xhtml::nav(book)?,
            ncx: package::ncx(book)?,
            opf_metadata: package::extra_metadata(book)?,
        })
    }
}

/// Let epub-builder lay out the package: container, manifest, spine, guide
/// and the Dublin Core it knows (title, language, identifier, dates,
/// direction).
///
/// The title page, the chapters, the "Sources" page and the font are given
/// to it by name with no content, and go into the package afterwards:
/// epub-builder deflates every file it is given into its own archive, which
/// [`Package`] must read back and inflate to write a reproducible one, and
/// for a book of 200 articles that round trip was 40% of writing the EPUB.
/// It only needs the names (for the manifest and the spine).
fn build_with_epub_builder(book: &Book, docs: &Documents, font: Option<&style::Font>) -> Result<Vec<u8>> {
    use epub_builder::{EpubBuilder, EpubContent, EpubVersion, ReferenceType, ZipLibrary};

    let urn = epub_builder_uuid(&book.identifier);
    let uuid = uuid::Uuid::parse_str(urn.trim_start_matches("urn:uuid:"))
        .map_err(|e| render_error(format!("identifier {urn:?} is not a UUID: {e}")))?;
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
        builder.add_resource(font.file_name, &[][..], font.media_type).map_err(builder_error)?;
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
            EpubContent::new(xhtml::TITLE_PAGE, &[][..])
                .title(if book.is_single() { book.labels.title_page } else { book.labels.book_page })
                .reftype(ReferenceType::TitlePage),
        )
        .map_err(builder_error)?;
    for (i, chapter) in book.chapters.iter().enumerate() {
        let content = EpubContent::new(chapter.file.as_str(), &[][..]);
        // The guide names where the text starts; the tables of contents are
        // our own (`nav.xhtml`, `toc.ncx`), so the other chapters need no
        // title here.
        let content = if i == 0 {
            content
                .title(if book.is_single() { &book.display_title } else { &chapter.display_title })
                .reftype(ReferenceType::Text)
        } else {
            content
        };
        builder.add_content(content).map_err(builder_error)?;
    }
    if docs.sources.is_some() {
        builder
            .add_content(
                EpubContent::new(xhtml::SOURCES, &[][..])
                    .title(book.labels.sources)
                    .reftype(ReferenceType::Bibliography),
            )
            .map_err(builder_error)?;
    }
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

    #[test]
    fn an_article_derives_what_its_collection_of_one_would() {
        let article = crate::normalize("标题\n\n正文。".as_bytes(), &Default::default()).unwrap();
        let metadata = CollectionMetadata::of_article(&article);
        let one = Collection::of_one(article.clone());
        assert_eq!(Facts::of_article(&metadata, &article), Facts::of_collection(&one));
        let given = CollectionMetadata { language: "zh-Hant".into(), identifier: "isbn:1".into(), ..metadata };
        let one = Collection { metadata: given.clone(), ..one };
        assert_eq!(Facts::of_article(&given, &article), Facts::of_collection(&one));
    }

    #[test]
    fn identifiers_that_are_not_uuids_get_one_for_epub_builder() {
        let urn = "urn:uuid:a8ffc538-6fe0-8241-889b-8a6fe740fbe9";
        assert_eq!(epub_builder_uuid(urn), urn);
        let isbn = epub_builder_uuid("urn:isbn:9787000000000");
        assert!(isbn.starts_with("urn:uuid:") && isbn != epub_builder_uuid("urn:isbn:9787000000001"));
        assert_ne!(
            epub_builder_uuid("urn:uuid:A8FFC538-6FE0-8241-889B-8A6FE740FBE9"),
            "urn:uuid:A8FFC538-6FE0-8241-889B-8A6FE740FBE9"
        );
    }
}
