//! The PDF writer (feature `pdf`): Chinese set properly, in an embedded
//! font, with its text given back exactly.
//!
//! ```
//! # #[cfg(feature = "embedded-font")] {
//! use zharchive::render::pdf::{write_pdf, PdfOptions, Paper};
//! let article = zharchive::normalize("标题\n\n第一段，有“引号”。\n\n第二段。".as_bytes(), &Default::default())?;
//! let pdf = write_pdf(&article, &PdfOptions { paper: Paper::A5, ..Default::default() })?;
//! assert!(pdf.bytes.starts_with(b"%PDF-1.7"));
//! assert!(pdf.warnings.is_empty());
//! // The same article and options give the same bytes.
//! assert_eq!(pdf.bytes, write_pdf(&article, &PdfOptions { paper: Paper::A5, ..Default::default() })?.bytes);
//! # }
//! # Ok::<(), zharchive::Error>(())
//! ```
//!
//! # What it does
//!
//! * **Font**: the embedded Noto Sans CJK SC subset (feature
//!   `embedded-font`: ASCII, Latin-1, punctuation, full-width forms, all of
//!   GB2312 and Big5, every form OpenCC writes), or a font of your own
//!   ([`PdfOptions::font`], [`PdfOptions::font_path`]). Only the glyphs a
//!   document uses are embedded (see `subset.rs` and `cff.rs`), so
//!   a news article is a PDF of some tens of kilobytes.
//! * **Lines**: UAX #14 break opportunities, Chinese kinsoku (no line starts
//!   with `，。、：；！？）」』】》”`, none ends with `（「『【《“`), Latin words
//!   and numbers kept whole, lines justified over the gaps next to CJK
//!   characters (never inside a Latin word), the last line of a paragraph
//!   ragged, a two-character first-line indent, optionally a gap between CJK
//!   and Latin ([`PdfOptions::cjk_latin_gap`]). The measure is a whole number of ems, so a line of ideographs
//!   fills it without any stretching.
//! * **Pages**: A4 (default), A5 or any size; margins; the title larger and
//!   centred, with a bookmark; page numbers; a running header if asked;
//!   no orphaned first lines or widowed last lines.
//! * **Tagged** (the logical structure PDF/UA-1 asks for, see
//!   `structure.rs`): `/MarkInfo << /Marked true >>`, a structure tree of
//!   `Document` → `H1` (the title) and a `P` per paragraph, each line's
//!   text in marked content with an MCID and a parent tree back to its
//!   element, running heads and page numbers marked as pagination
//!   artifacts, pages with `/Tabs /S`. A screen reader reads the title as a
//!   heading and the paragraphs in order, and no page numbers; the
//!   structure's text is the article's text (`pdfinfo -struct-text`, in
//!   `.ci/pdf.sh`). A space a line was broken at stays in the text, after
//!   the line's end, so that words either side do not run together.
//! * **Metadata**: Title, Author, Subject, Keywords (when known), Producer,
//!   `/Lang` from the article's language tag, XMP with `dc:title` and
//!   `dc:language`, `/DisplayDocTitle true` (viewers show the title, not the
//!   file name), dates from [`Timestamp::resolve`], a file identifier
//!   derived from the text. An article without a title is titled by the
//!   opening of its text. No claim of PDF/A or PDF/UA is made (no validator
//!   for either runs in CI).
//! * **Books** ([`write_pdf_collection`]): several articles make one PDF
//!   with a title page, contents whose page numbers are right, each article
//!   from a new page (or run on, [`PdfOptions::run_on`]), running heads
//!   (the book's title left, the article's right), an outline entry and a
//!   named destination per article (`book.pdf#a-1f3c…`, its
//!   [`Collection::chapter_ids`] id), the book's metadata, and the
//!   structure `Document` → title page, `TOC`, an `Art` per article (see
//!   `book.rs`, `navigation.rs`). A book of 1,000 articles is set in a few
//!   seconds and under 200 MB.
//! * **Missing glyphs**: a character the font lacks is drawn as the font's
//!   `.notdef` box but stays in the text layer (`/ActualText`), and is
//!   listed in [`Rendered::warnings`] (code `missing-glyphs`).
//!
//! Output is deterministic: no clock, no random identifiers.

mod book;
mod cff;
mod compose;
mod deflate;
mod embed;
mod emit;
mod font;
mod layout;
mod metadata;
mod navigation;
mod page;
mod structure;
mod subset;

use std::path::PathBuf;

use printpdf::{Mm, PageAnnotId, PageAnnotation, PdfDocument, PdfPage, PdfSaveOptions};
use serde::{Deserialize, Serialize};

pub use font::PdfFont;
pub use page::{Margins, Paper};

use crate::article::{Article, Warning};
use crate::collection::{Collection, CollectionMetadata};
use crate::error::{Error, Result};
use crate::render::{article_uuid, Rendered, Timestamp};

/// How to make the PDF. Every field has a default; in JSON or TOML give only
/// what you change.
///
/// ```
/// use zharchive::render::pdf::{PdfOptions, Paper};
/// let o: PdfOptions = serde_json::from_str(r#"{"paper":"a5","running_header":true}"#).unwrap();
/// assert_eq!(o.paper, Paper::A5);
/// assert!(o.running_header && o.page_numbers);
/// assert_eq!(o.font_size, PdfOptions::default().font_size);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PdfOptions {
    /// Paper size (A4 by default).
    pub paper: Paper,
    /// Margins in millimetres; `None` chooses margins that suit the paper
    /// ([`Margins::for_paper`]).
    pub margins: Option<Margins>,
    /// Body text size in points (10.5 pt, the Chinese 五号).
    pub font_size: f32,
    /// Line spacing as a multiple of the body size.
    pub line_spacing: f32,
    /// A font file to set the text in instead of the embedded one (the first
    /// face of a collection: for another face, read the file and use
    /// [`PdfFont::from_bytes`] with its index). Ignored when
    /// [`PdfOptions::font`] is set.
    pub font_path: Option<PathBuf>,
    /// A parsed font to set the text in; takes precedence over
    /// [`PdfOptions::font_path`]. Parse it once and reuse it for a batch.
    #[serde(skip)]
    pub font: Option<PdfFont>,
    /// Repeat the title at the head of every page after the first. A book
    /// of several articles always has running heads (the book's title on
    /// the left, the article's on the right).
    pub running_header: bool,
    /// Number the pages in the footer.
    pub page_numbers: bool,
    /// The creation and modification date (`YYYY-MM-DD` or
    /// `YYYY-MM-DDTHH:MM:SSZ`); see [`Timestamp::resolve`] for what is used
    /// when it is not given.
    pub date: Option<String>,
    /// The document's subject (Info `/Subject`, XMP `dc:description`).
    pub subject: Option<String>,
    /// In a book of several articles, run each article on after the one
    /// before (set off by three blank lines) instead of starting it on a
    /// new page: fewer pages, for reading rather than printing.
    pub run_on: bool,
    /// A gap between CJK ideographs and Latin letters or digits, in em (a
    /// quarter em is the typographer's choice). Off (0) by default because
    /// text extraction turns the gap into a space the article does not have.
    pub cjk_latin_gap: f32,
}

impl Default for PdfOptions {
    fn default() -> Self {
        PdfOptions {
            paper: Paper::A4,
            margins: None,
            font_size: 10.5,
            line_spacing: 1.75,
            font_path: None,
            font: None,
            running_header: false,
            page_numbers: true,
            date: None,
            subject: None,
            run_on: false,
            cjk_latin_gap: 0.0,
        }
    }
}

/// The resource name of the document's one font.
const FONT_RESOURCE: &str = "F0";

fn render_error(message: impl Into<String>) -> Error {
    Error::Render { format: "pdf", message: message.into() }
}

impl PdfOptions {
    /// The font these options ask for.
    fn resolve_font(&self) -> Result<PdfFont> {
        if let Some(font) = &self.font {
            return Ok(font.clone());
        }
        if let Some(path) = &self.font_path {
            return PdfFont::from_path(path);
        }
        #[cfg(feature = "embedded-font")]
        {
            PdfFont::embedded()
        }
        #[cfg(not(feature = "embedded-font"))]
        {
            Err(Error::Options(
                "no font: set PdfOptions::font or font_path, or build with the `embedded-font` feature".into(),
            ))
        }
    }
}

/// Write `article` as a PDF: [`write_pdf_collection`] of the article
/// alone, without copying it.
///
/// ```
/// # #[cfg(feature = "embedded-font")] {
/// use zharchive::render::pdf::{write_pdf, PdfOptions};
/// let article = zharchive::normalize("标题\n\n正文。".as_bytes(), &Default::default())?;
/// let options = PdfOptions { date: Some("2024-06-15".into()), ..Default::default() };
/// let pdf = write_pdf(&article, &options)?;
/// let text = String::from_utf8_lossy(&pdf.bytes);
/// assert!(text.contains("/Lang(zh-Hans)"));
/// assert!(text.contains("/MarkInfo<</Marked true>>"));
/// assert!(text.contains("<dc:language><rdf:Bag><rdf:li>zh-Hans</rdf:li></rdf:Bag></dc:language>"));
/// assert!(text.contains("/CreationDate(D:20240615000000Z)"));
/// # }
/// # Ok::<(), zharchive::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::Options`] for a paper/margin combination that leaves no room, a
/// bad font size or an unreadable date; [`Error::Io`] or [`Error::Render`]
/// (format `pdf`) if the font cannot be read, parsed or subset.
pub fn write_pdf(article: &Article, options: &PdfOptions) -> Result<Rendered> {
    let metadata = CollectionMetadata::of_article(article);
    let book = Book {
        metadata: &metadata,
        articles: std::slice::from_ref(article),
        language: &article.metadata.language,
        identifier: article_uuid(article),
        chapter_ids: Vec::new(),
    };
    render(&book, options)
}

/// Write `collection` as one PDF.
///
/// A collection of several articles is a book: a title page with the
/// book's metadata and the number of articles; the contents, each article's
/// title with the page it starts on; then the articles, each from a new
/// page ([`PdfOptions::run_on`] runs them on), with running heads (the
/// book's title on the left, the article's on the right) and page numbers;
/// an outline entry and a named destination (its chapter id,
/// [`Collection::chapter_ids`]) per article; the book's title, creators,
/// description, editor, publisher and language in the document's metadata.
/// A collection of one is written as [`write_pdf`] writes its article, with
/// the collection's metadata in the document's metadata.
///
/// ```
/// # #[cfg(feature = "embedded-font")] {
/// use zharchive::render::pdf::{write_pdf, write_pdf_collection, PdfOptions};
/// use zharchive::{Collection, CollectionMetadata};
/// let opts = zharchive::Options::default();
/// let a = zharchive::normalize("第一篇\n\n正文。".as_bytes(), &opts)?;
/// let b = zharchive::normalize("第二篇\n\n正文。".as_bytes(), &opts)?;
/// let meta = CollectionMetadata { title: "文集".into(), creators: vec!["编者甲".into()], ..Default::default() };
/// let book = Collection::new(meta, vec![a.clone(), b])?;
/// let pdf = write_pdf_collection(&book, &PdfOptions::default())?;
/// let text = String::from_utf8_lossy(&pdf.bytes);
/// assert!(text.contains("/Outlines") && text.contains("/Dests"));
/// // A collection of one is the article's own PDF.
/// let one = write_pdf_collection(&Collection::of_one(a.clone()), &PdfOptions::default())?;
/// assert_eq!(one.bytes, write_pdf(&a, &PdfOptions::default())?.bytes);
/// # }
/// # Ok::<(), zharchive::Error>(())
/// ```
///
/// # Errors
///
/// As [`write_pdf`]; [`Error::Options`] for a collection without articles.
pub fn write_pdf_collection(collection: &Collection, options: &PdfOptions) -> Result<Rendered> {
    if collection.is_empty() {
        return Err(Error::Options("a collection needs at least one article".into()));
    }
    let book = Book {
        metadata: &collection.metadata,
        articles: &collection.articles,
        language: collection.language(),
        identifier: collection.identifier(),
        chapter_ids: if collection.len() > 1 { collection.chapter_ids() } else { Vec::new() },
    };
    render(&book, options)
}

/// What [`render`] writes: the articles and what the model says of them as
/// a whole (from [`Collection`]'s methods, or from the article alone).
struct Book<'a> {
    metadata: &'a CollectionMetadata,
    articles: &'a [Article],
    /// The book's language tag.
    language: &'a str,
    /// The `urn:uuid:…` the file identifier and XMP are made from.
    identifier: String,
    /// One id per article, for named destinations (a book of several).
    chapter_ids: Vec<String>,
}

/// The writer's one path: one article alone, or several as a book.
fn render(book: &Book<'_>, options: &PdfOptions) -> Result<Rendered> {
    if !(options.font_size.is_finite() && (4.0..=72.0).contains(&options.font_size)) {
        return Err(Error::Options(format!("font size {} pt is out of range (4–72 pt)", options.font_size)));
    }
    if !(options.cjk_latin_gap.is_finite() && (0.0..=1.0).contains(&options.cjk_latin_gap)) {
        return Err(Error::Options(format!("CJK–Latin gap {} em is out of range (0–1)", options.cjk_latin_gap)));
    }
    if !(options.line_spacing.is_finite() && (1.0..=4.0).contains(&options.line_spacing)) {
        return Err(Error::Options(format!("line spacing {} is out of range (1–4)", options.line_spacing)));
    }
    let Some(first) = book.articles.first() else {
        return Err(Error::Options("a collection needs at least one article".into()));
    };
    let date = book_date(options.date.as_deref(), book.metadata, first)?;
    let font = options.resolve_font()?;
    let margins = options.margins.unwrap_or_else(|| Margins::for_paper(options.paper));
    let frame = page::Frame::new(options.paper, margins, options.font_size)?;
    let scale = compose::Scale {
        body: options.font_size,
        title: options.font_size * 12.0 / 7.0,
        furniture: options.font_size * 6.0 / 7.0,
        leading: options.line_spacing,
        autospace: options.cjk_latin_gap,
    };
    // What the contents, running heads and outline call each article.
    let titles: Vec<String> = book
        .articles
        .iter()
        .map(|a| a.display_title().map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).unwrap_or_else(|| opening(a)))
        .collect();
    let (composed, starts, entry_links) = match book.articles {
        [article] => {
            let composed =
                compose::compose(article, &font, &frame, scale, options.running_header, options.page_numbers);
            (composed, Vec::new(), Vec::new())
        }
        articles => {
            let setter = compose::Setter { font: &font, frame, scale };
            let text = book::BookText { metadata: book.metadata, articles, language: book.language, titles: &titles };
            let set = book::compose_book(&text, &setter, options.run_on, options.page_numbers);
            (set.composed, set.starts, set.links)
        }
    };

    let mut warnings = Vec::new();
    if !composed.missing.is_empty() {
        let list: String = composed.missing.iter().map(|c| format!(" U+{:04X} {c}", *c as u32)).collect();
        warnings.push(Warning::new(
            "missing-glyphs",
            format!(
                "the font {} has no glyph for {} character(s), drawn as boxes but kept in the text layer:{list}",
                font.postscript_name(),
                composed.missing.len()
            ),
            None,
        ));
    }

    // The font program: only the glyphs used. The pages' content streams
    // name the font by its resource and draw the subset's codes; the font
    // objects are added to the finished document (`embed.rs`).
    let sub = subset::subset_font(&font, composed.glyphs.keys().copied())?;

    let single = book.articles.len() == 1;
    // An article alone keeps printpdf's bookmark for its title.
    let title = if single { first.title().unwrap_or("").trim() } else { book.metadata.title.trim() };
    let document_title = match book.metadata.title.trim() {
        "" => opening(first),
        given => given.to_owned(),
    };
    let mut doc = PdfDocument::new(title);
    if single && !title.is_empty() {
        doc.bookmarks.map.insert(PageAnnotId("title".to_owned()), PageAnnotation { name: title.to_owned(), page: 1 });
    }
    let (w, h) = options.paper.size_mm();
    // printpdf lays out empty pages; their content is written by `emit.rs`.
    let pages: Vec<PdfPage> = composed.pages.iter().map(|_| PdfPage::new(Mm(w), Mm(h), Vec::new())).collect();
    let (contents, marks): (Vec<Vec<u8>>, Vec<structure::PageMarks>) = composed
        .pages
        .iter()
        .map(|page| emit::page_content(page, &composed.structure, &font, FONT_RESOURCE, &sub.codes))
        .unzip();
    doc.with_pages(pages);

    let save = PdfSaveOptions { optimize: true, subset_fonts: false, secure: true, image_optimization: None };
    let mut pdf_warnings = Vec::new();
    let mut lo = doc.to_lopdf_document(&save, &mut pdf_warnings);
    emit::fill_pages(&mut lo, contents).map_err(|e| render_error(format!("cannot write the pages: {e}")))?;
    let links: Vec<navigation::EntryLink<'_>> = entry_links
        .iter()
        .filter_map(|l| {
            let (id, title) = (book.chapter_ids.get(l.article)?, titles.get(l.article)?);
            Some(navigation::EntryLink { node: l.node, page: l.page, rect: l.rect, id, title })
        })
        .collect();
    let annotations =
        navigation::write_links(&mut lo, &links).map_err(|e| render_error(format!("cannot write the links: {e}")))?;
    composed
        .structure
        .write(&mut lo, &marks, &annotations)
        .map_err(|e| render_error(format!("cannot tag the document: {e}")))?;
    embed::embed_font(&mut lo, FONT_RESOURCE, &font, sub, &composed.glyphs)
        .map_err(|e| render_error(format!("cannot embed the font: {e}")))?;
    let chapters: Vec<navigation::Chapter<'_>> = starts
        .iter()
        .zip(&book.chapter_ids)
        .zip(&titles)
        .map(|((&(page, top), id), title)| navigation::Chapter { title, id, page, top })
        .collect();
    navigation::write(&mut lo, &chapters).map_err(|e| render_error(format!("cannot write the outline: {e}")))?;

    // Several authors in one Author entry, as Chinese lists them.
    let creators: Vec<&str> = book.metadata.creators.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).collect();
    let author = (!creators.is_empty()).then(|| creators.join("、"));
    let given = |s: &'_ Option<String>| -> Option<String> {
        s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
    };
    let subject =
        options.subject.clone().filter(|s| !s.trim().is_empty()).or_else(|| given(&book.metadata.description));
    let (editor, publisher) = (given(&book.metadata.editor), given(&book.metadata.publisher));
    let keywords = if single { first.metadata.source.keywords.clone() } else { book_keywords(book.articles) };
    let info = metadata::DocInfo {
        title: &document_title,
        author: author.as_deref(),
        subject: subject.as_deref(),
        keywords: &keywords,
        source_url: if single { first.metadata.source.url.as_deref() } else { None },
        editor: editor.as_deref(),
        publisher: publisher.as_deref(),
        language: book.language,
        date,
        uuid: &book.identifier,
    };
    metadata::apply(&mut lo, &info)?;
    compress_streams(&mut lo);
    let mut bytes = Vec::new();
    lo.save_to(&mut bytes).map_err(|e| render_error(format!("cannot serialise the document: {e}")))?;
    Ok(Rendered { bytes, warnings })
}

/// The document's date: the one given in the options, else
/// `SOURCE_DATE_EPOCH`, else the book's date, else the first article's
/// ([`Timestamp::resolve`]); an article alone has its own date as the
/// book's.
fn book_date(explicit: Option<&str>, metadata: &CollectionMetadata, first: &Article) -> Result<Timestamp> {
    if explicit.is_none() && std::env::var_os("SOURCE_DATE_EPOCH").is_none() {
        if let Some(t) = metadata.date.as_deref().and_then(|d| Timestamp::parse(d.trim()).ok()) {
            return Ok(t);
        }
    }
    Timestamp::resolve(explicit, first)
}

/// The articles' keywords, each once, in the order they first appear.
fn book_keywords(articles: &[Article]) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    articles.iter().flat_map(|a| &a.metadata.source.keywords).filter(|k| seen.insert(k.as_str())).cloned().collect()
}

/// The first 20 characters of the first paragraph, with an ellipsis if cut:
/// the title of an article that has none (a viewer shows it instead of the
/// file name; PDF/UA asks for a title in the metadata).
fn opening(article: &Article) -> String {
    let Some(first) = article.paragraphs().map(|p| p.text.trim()).find(|t| !t.is_empty()) else {
        return String::new();
    };
    let mut title: String = first.chars().take(20).collect();
    if first.chars().count() > 20 {
        title.push('…');
    }
    title
}

/// Deflate every stream that may be compressed and is not yet filtered
/// (`deflate.rs`), keeping the original where deflate does not save the
/// filter's cost.
fn compress_streams(doc: &mut lopdf::Document) {
    for object in doc.objects.values_mut() {
        let lopdf::Object::Stream(stream) = object else { continue };
        if !stream.allows_compression || stream.dict.has(b"Filter") {
            continue;
        }
        if let Some(compressed) = deflate::flate(&stream.content, stream.content.len()) {
            stream.dict.set("Filter", lopdf::Object::Name(b"FlateDecode".to_vec()));
            stream.set_content(compressed);
        }
    }
}
