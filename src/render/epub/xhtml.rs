//! The XHTML documents: cover page, title page, the chapters (one per
//! article), the "Sources" page and navigation.
//!
//! All of them are written with quick-xml's writer, which escapes every text
//! node and attribute value: article text such as `<b>&amp;</b>` shows as
//! those characters, never as markup. Strings arrive already cleaned of
//! characters XML cannot hold (see [`super::book`]).
//!
//! Accessibility (EPUB Accessibility 1.1, WCAG 2.2 AA): every document has a
//! `<title>` and `lang`/`xml:lang`; every element whose `epub:type` has a
//! DPUB-ARIA counterpart carries it as `role` too ([`typed`]: reading
//! systems read `epub:type`, assistive technology reads `role`), and a
//! section or navigation list with a heading is named by it
//! (`aria-labelledby`; not the many sections of the Sources page, see
//! [`sources_page`]); headings go in order from `<h1>`.

use std::io;

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

use crate::article::BlockKind;
use crate::error::Result;

use super::book::{Book, Chapter};
use super::{cover, xml_error, SourceNotes};

/// The cover page (only with [`super::EpubOptions::cover`]).
pub(super) const COVER: &str = "cover.xhtml";
/// The title page: where the article came from (a book of one), or the
/// book's metadata (a book of several).
pub(super) const TITLE_PAGE: &str = "titlepage.xhtml";
/// The article of a book of one (a book of several names each chapter by
/// its id).
pub(super) const ARTICLE: &str = "article.xhtml";
/// The navigation document (in the spine of a book of several).
pub(super) const NAV: &str = "nav.xhtml";
/// The back-matter page of every chapter's source
/// ([`SourceNotes::BackMatter`]).
pub(super) const SOURCES: &str = "sources.xhtml";

/// An XML document being written: quick-xml's writer with the few shapes we
/// need.
pub(super) struct Xml {
    writer: Writer<Vec<u8>>,
}

impl Xml {
    /// A document starting with the XML declaration.
    pub fn new() -> io::Result<Xml> {
        let mut writer = Writer::new_with_indent(Vec::new(), b' ', 1);
        writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        Ok(Xml { writer })
    }

    /// A fragment to splice into another document (no declaration).
    pub fn fragment() -> Xml {
        Xml { writer: Writer::new_with_indent(Vec::new(), b' ', 1) }
    }

    pub fn doctype_html(&mut self) -> io::Result<()> {
        self.writer.write_event(Event::DocType(BytesText::from_escaped("html")))
    }

    pub fn start(&mut self, name: &str, attributes: &[(&str, &str)]) -> io::Result<()> {
        self.writer.write_event(Event::Start(BytesStart::new(name).with_attributes(attributes.iter().copied())))
    }

    pub fn end(&mut self, name: &str) -> io::Result<()> {
        self.writer.write_event(Event::End(BytesEnd::new(name)))
    }

    pub fn empty(&mut self, name: &str, attributes: &[(&str, &str)]) -> io::Result<()> {
        self.writer.write_event(Event::Empty(BytesStart::new(name).with_attributes(attributes.iter().copied())))
    }

    /// `<name …>text</name>`, the text escaped.
    pub fn element(&mut self, name: &str, attributes: &[(&str, &str)], text: &str) -> io::Result<()> {
        self.writer
            .create_element(name)
            .with_attributes(attributes.iter().copied())
            .write_text_content(BytesText::new(text))?;
        Ok(())
    }

    /// `<name>markup</name>`, the markup already escaped (see
    /// [`upright_numbers`]).
    pub fn element_escaped(&mut self, name: &str, attributes: &[(&str, &str)], markup: &str) -> io::Result<()> {
        self.writer
            .create_element(name)
            .with_attributes(attributes.iter().copied())
            .write_text_content(BytesText::from_escaped(markup))?;
        Ok(())
    }

    pub fn finish(self) -> Vec<u8> {
        let mut bytes = self.writer.into_inner();
        bytes.push(b'\n');
        bytes
    }
}

/// The DPUB-ARIA role that says to assistive technology what `epub_type`
/// says to a reading system, for the structural types a book of articles
/// uses on sections and navigation lists (the pairs Ace by DAISY checks).
///
/// The document types on `<body>` (`bodymatter`, `frontmatter`, `cover`)
/// and `titlepage` and `landmarks` have none; nor does `<body>` take a role.
/// `doc-cover` names an *image* of the cover, and this writer's cover page
/// shows its text as text (see [`cover_page`]).
fn aria_role(epub_type: &str) -> Option<&'static str> {
    Some(match epub_type {
        "abstract" => "doc-abstract",
        "acknowledgments" => "doc-acknowledgments",
        "afterword" => "doc-afterword",
        "appendix" => "doc-appendix",
        "bibliography" => "doc-bibliography",
        "chapter" => "doc-chapter",
        "colophon" => "doc-colophon",
        "conclusion" => "doc-conclusion",
        "endnotes" => "doc-endnotes",
        "epilogue" => "doc-epilogue",
        "foreword" => "doc-foreword",
        "glossary" => "doc-glossary",
        "index" => "doc-index",
        "introduction" => "doc-introduction",
        "page-list" => "doc-pagelist",
        "part" => "doc-part",
        "preface" => "doc-preface",
        "prologue" => "doc-prologue",
        "toc" => "doc-toc",
        _ => return None,
    })
}

/// The attributes of an element of type `epub_type`: `epub:type`, its
/// DPUB-ARIA `role` when it has one, then `rest`.
fn typed<'a>(epub_type: &'a str, rest: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut attributes = vec![("epub:type", epub_type)];
    if let Some(role) = aria_role(epub_type) {
        attributes.push(("role", role));
    }
    attributes.extend_from_slice(rest);
    attributes
}

/// Write an XHTML document in language `lang` around `body`.
///
/// `horizontal` keeps this document horizontal in a vertical book (for pages
/// of identifiers and URLs, which read badly turned on their side).
fn document(
    book: &Book,
    lang: &str,
    title: &str,
    body_type: &str,
    horizontal: bool,
    body: impl FnOnce(&mut Xml) -> io::Result<()>,
) -> Result<Vec<u8>> {
    let write = || -> io::Result<Vec<u8>> {
        let mut x = Xml::new()?;
        x.doctype_html()?;
        let mut html = vec![
            ("xmlns", "http://www.w3.org/1999/xhtml"),
            ("xmlns:epub", "http://www.idpf.org/2007/ops"),
            ("lang", lang),
            ("xml:lang", lang),
        ];
        if horizontal && book.vertical {
            html.push(("class", "horizontal"));
        }
        x.start("html", &html)?;
        x.start("head", &[])?;
        x.empty("meta", &[("charset", "utf-8")])?;
        x.element("title", &[], title)?;
        x.empty("link", &[("rel", "stylesheet"), ("type", "text/css"), ("href", "stylesheet.css")])?;
        x.end("head")?;
        x.start("body", &[("epub:type", body_type)])?;
        body(&mut x)?;
        x.end("body")?;
        x.end("html")?;
        Ok(x.finish())
    };
    write().map_err(xml_error)
}

/// A chapter: the article's title as the one `<h1>`, then its paragraphs
/// and, in a book of several with [`SourceNotes::ChapterEnd`], its source
/// note. In its article's language, which may not be the book's.
pub(super) fn chapter(book: &Book, chapter: &Chapter) -> Result<Vec<u8>> {
    let single = book.is_single();
    let title = if single { &book.display_title } else { &chapter.display_title };
    document(book, &chapter.lang, title, "bodymatter", false, |x| {
        let mut section = typed("chapter", &[("id", "article"), ("class", "article")]);
        if chapter.title.is_some() {
            section.push(("aria-labelledby", "title"));
        } else if !single {
            // A chapter without a heading is still named, by what the table
            // of contents calls it.
            section.push(("aria-label", &chapter.display_title));
        }
        x.start("section", &section)?;
        if let Some(title) = &chapter.title {
            x.element("h1", &[("id", "title")], title)?;
        }
        let text = |x: &mut Xml, name: &str, attrs: &[(&str, &str)], text: &str| {
            if book.vertical {
                x.element_escaped(name, attrs, &upright_numbers(text))
            } else {
                x.element(name, attrs, text)
            }
        };
        // Subheadings keep their order under the title's h1 but never skip
        // a level (h2 then h4 becomes h2 then h3), as assistive technology
        // expects.
        let mut level = 1u8;
        let mut in_list = false;
        let mut section = 0;
        for paragraph in &chapter.paragraphs {
            if in_list && paragraph.kind != BlockKind::ListItem {
                x.end("ul")?;
                in_list = false;
            }
            match paragraph.kind {
                BlockKind::Subheading(n) => {
                    level = n.clamp(2, level + 1).min(6);
                    let name = ["h2", "h3", "h4", "h5", "h6"][usize::from(level - 2)];
                    // The anchor the tables of contents point at (the
                    // sections are counted as `Chapter::sections` counts them).
                    let id = if paragraph.text.trim().is_empty() {
                        None
                    } else {
                        section += 1;
                        Some(format!("s-{section}"))
                    };
                    match &id {
                        Some(id) => text(x, name, &[("id", id)], &paragraph.text)?,
                        None => text(x, name, &[], &paragraph.text)?,
                    }
                }
                BlockKind::Quote => {
                    x.start("blockquote", &[])?;
                    text(x, "p", &[], &paragraph.text)?;
                    x.end("blockquote")?;
                }
                BlockKind::ListItem => {
                    if !in_list {
                        x.start("ul", &[])?;
                        in_list = true;
                    }
                    text(x, "li", &[], &paragraph.text)?;
                }
                BlockKind::Caption => text(x, "p", &[("class", "caption")], &paragraph.text)?,
                BlockKind::Meta(_) => text(x, "p", &[("class", "meta")], &paragraph.text)?,
                BlockKind::Heading | BlockKind::Paragraph => text(x, "p", &[], &paragraph.text)?,
            }
        }
        if in_list {
            x.end("ul")?;
        }
        if !single && book.source_notes == SourceNotes::ChapterEnd {
            // The labels are the book's words; the facts are the article's.
            let mut footer = vec![("class", "source")];
            if own_lang(book, chapter).is_some() {
                footer.extend([("lang", book.lang.as_str()), ("xml:lang", book.lang.as_str())]);
            }
            x.start("footer", &footer)?;
            x.element("p", &[("class", "source-label")], book.labels.source)?;
            rows_in(x, &source_facts(book, chapter), own_lang(book, chapter))?;
            x.end("footer")?;
        }
        x.end("section")
    })
}

/// What a chapter's source note says: site, author, date, URL and the
/// encoding and SHA-256 of the source bytes, each when known.
fn source_facts<'a>(book: &'a Book, chapter: &'a Chapter) -> Vec<(&'static str, &'a str)> {
    let l = &book.labels;
    [
        (l.site, chapter.site.as_deref()),
        (l.author, chapter.author.as_deref()),
        (l.date, chapter.source_date.as_deref()),
        (l.url, chapter.url.as_deref()),
        (l.original, Some(chapter.original.as_str())),
    ]
    .into_iter()
    .filter_map(|(label, value)| value.map(|v| (label, v)))
    .collect()
}

/// `rows` as a description list.
fn source_rows(x: &mut Xml, rows: &[(&str, &str)]) -> io::Result<()> {
    rows_in(x, rows, None)
}

/// `rows` as a description list, the values in `lang` when given (a
/// chapter's facts under the book's labels).
fn rows_in(x: &mut Xml, rows: &[(&str, &str)], lang: Option<&str>) -> io::Result<()> {
    let value_lang: Vec<(&str, &str)> = lang.map(|l| vec![("lang", l), ("xml:lang", l)]).unwrap_or_default();
    x.start("dl", &[])?;
    for (label, value) in rows {
        x.element("dt", &[], label)?;
        x.element("dd", &value_lang, value)?;
    }
    x.end("dl")
}

/// A chapter's language where it is not the book's.
fn own_lang<'a>(book: &Book, chapter: &'a Chapter) -> Option<&'a str> {
    (chapter.lang != book.lang).then_some(chapter.lang.as_str())
}

/// Escaped paragraph text for vertical writing, with each stand-alone number
/// of one or two digits (`6月14日`) set upright in one character cell
/// (`<span class="tcy">14</span>`, *tate-chū-yoko*). Longer numbers, and
/// numbers joined to letters or punctuation (`10:30`, `1,000`, `GPT4`), stay
/// as they are: turned on their side, as vertical typesetting does.
fn upright_numbers(text: &str) -> String {
    use quick_xml::escape::escape;
    let is_ascii_word = |c: char| c.is_ascii_alphanumeric() || ".,:%+-/".contains(c);
    let mut out = String::with_capacity(text.len() + 32);
    let mut rest = text;
    while let Some(start) = rest.find(is_ascii_word) {
        let run_len = rest[start..].find(|c: char| !is_ascii_word(c)).unwrap_or(rest.len() - start);
        let (before, run) = (&rest[..start], &rest[start..start + run_len]);
        out.push_str(&escape(before));
        if run.len() <= 2 && run.chars().all(|c| c.is_ascii_digit()) {
            out.push_str("<span class=\"tcy\">");
            out.push_str(run);
            out.push_str("</span>");
        } else {
            out.push_str(&escape(run));
        }
        rest = &rest[start + run_len..];
    }
    out.push_str(&escape(rest));
    out
}

/// The title page. A book of one: where the text came from; the title
/// itself is left to the article's heading, so that it appears once. A book
/// of several: its title as the `<h1>`, then its metadata and how many
/// articles it holds.
pub(super) fn title_page(book: &Book) -> Result<Vec<u8>> {
    if book.is_single() {
        return single_title_page(book);
    }
    let l = &book.labels;
    let creators = (!book.creators.is_empty()).then(|| book.creators.join("、"));
    let count = format!("{} {}", book.chapters.len(), l.articles_unit);
    let rows: Vec<(&str, &str)> = [
        (l.author, creators.as_deref()),
        (l.editor, book.editor.as_deref()),
        (l.date, book.date.as_deref()),
        (l.publisher, book.publisher.as_deref()),
        (l.description, book.description.as_deref()),
        (l.articles, Some(count.as_str())),
        (l.identifier, Some(book.identifier.as_str())),
    ]
    .into_iter()
    .filter_map(|(label, value)| value.map(|v| (label, v)))
    .collect();
    document(book, &book.lang, l.book_page, "frontmatter", true, |x| {
        x.start("section", &typed("titlepage", &[("class", "titlepage"), ("aria-labelledby", "book-title")]))?;
        x.element("h1", &[("id", "book-title")], &book.display_title)?;
        source_rows(x, &rows)?;
        x.end("section")
    })
}

/// The title page of a book of one: where the article came from.
fn single_title_page(book: &Book) -> Result<Vec<u8>> {
    let l = &book.labels;
    let chapter = &book.chapters[0];
    let creators = (!book.creators.is_empty()).then(|| book.creators.join("、"));
    let rows: Vec<(&str, &str)> = [
        (l.site, chapter.site.as_deref()),
        (l.author, creators.as_deref()),
        // The article's date only: the book's own (default) date would
        // read as the article's.
        (l.date, chapter.source_date.as_deref()),
        (l.url, chapter.url.as_deref()),
        (l.identifier, Some(book.identifier.as_str())),
        (l.original, Some(chapter.original.as_str())),
    ]
    .into_iter()
    .filter_map(|(label, value)| value.map(|v| (label, v)))
    .collect();
    document(book, &book.lang, l.title_page, "frontmatter", true, |x| {
        x.start("section", &typed("titlepage", &[("class", "titlepage")]))?;
        source_rows(x, &rows)?;
        x.end("section")
    })
}

/// The back-matter "Sources" page of a book of several with
/// [`SourceNotes::BackMatter`]: each chapter's source, under its title
/// linking to it, in reading order. `None` for any other book.
pub(super) fn sources_page(book: &Book) -> Result<Option<Vec<u8>>> {
    if book.is_single() || book.source_notes != SourceNotes::BackMatter {
        return Ok(None);
    }
    let l = &book.labels;
    let page = document(book, &book.lang, l.sources, "backmatter", true, |x| {
        x.start("section", &[("class", "sources"), ("aria-labelledby", "sources-title")])?;
        x.element("h1", &[("id", "sources-title")], l.sources)?;
        for chapter in &book.chapters {
            // Not named by its heading, unlike other sections: a named
            // section is a landmark, landmarks on one page need names of
            // their own (axe's `landmark-unique`), and a book may hold
            // articles of the same title. Fifty landmarks on a page would be
            // noise anyway; the headings lead through it.
            let heading = format!("{}-title", chapter.id);
            x.start("section", &[("id", &chapter.id)])?;
            let mut h2 = vec![("id", heading.as_str())];
            if let Some(lang) = own_lang(book, chapter) {
                h2.extend([("lang", lang), ("xml:lang", lang)]);
            }
            x.start("h2", &h2)?;
            x.element("a", &[("href", &chapter.file)], &chapter.display_title)?;
            x.end("h2")?;
            rows_in(x, &source_facts(book, chapter), own_lang(book, chapter))?;
            x.end("section")?;
        }
        x.end("section")
    })?;
    Ok(Some(page))
}

/// The cover page: the generated cover drawn inline, filling the page.
///
/// Inline rather than as `<img src="cover.svg">`: the title, byline and
/// date are then SVG text — text to a screen reader, to search and to
/// read-aloud, sharp at any zoom — not an image of text (WCAG 1.4.5) that
/// needs its words repeated in `alt`. `cover.svg` is the same drawing as a
/// file, for the reading system's library view (the manifest's
/// `cover-image`).
pub(super) fn cover_page(book: &Book) -> Result<Vec<u8>> {
    // Horizontal in a vertical book too: a picture has no writing direction,
    // and its size is set across the page.
    document(book, &book.lang, book.labels.cover, "cover", true, |x| {
        x.start("div", &[("class", "cover")])?;
        cover::draw(book, x, cover::Use::Inline)?;
        x.end("div")
    })
}

/// A page the tables of contents list.
pub(super) struct TocEntry<'a> {
    pub file: &'a str,
    pub label: &'a str,
    /// Its language, when not the book's (a chapter's own).
    pub lang: Option<&'a str>,
    /// Its landmark type, for the pages a reader jumps to.
    pub landmark: Option<&'static str>,
    /// Its sections (a chapter's subheadings), each at `file#s-N`.
    pub sections: &'a [String],
}

/// The pages the tables of contents list, in reading order: cover, title
/// page, then the article (a book of one); or every chapter, the first of
/// them the body matter, and the "Sources" page (a book of several).
pub(super) fn toc_entries(book: &Book) -> Vec<TocEntry<'_>> {
    let l = &book.labels;
    let page = |file, label, landmark| TocEntry { file, label, lang: None, landmark: Some(landmark), sections: &[] };
    let mut entries = Vec::with_capacity(book.chapters.len() + 3);
    if book.cover {
        entries.push(page(COVER, l.cover, "cover"));
    }
    if book.is_single() {
        entries.push(page(TITLE_PAGE, l.title_page, "titlepage"));
        let sections = book.chapters.first().map_or(&[][..], |c| c.sections.as_slice());
        entries.push(TocEntry { sections, ..page(ARTICLE, &book.display_title, "bodymatter") });
        return entries;
    }
    entries.push(page(TITLE_PAGE, l.book_page, "titlepage"));
    for (i, chapter) in book.chapters.iter().enumerate() {
        entries.push(TocEntry {
            file: &chapter.file,
            label: &chapter.display_title,
            lang: (chapter.lang != book.lang).then_some(chapter.lang.as_str()),
            landmark: (i == 0).then_some("bodymatter"),
            sections: &chapter.sections,
        });
    }
    if book.source_notes == SourceNotes::BackMatter {
        entries.push(page(SOURCES, l.sources, "backmatter"));
    }
    entries
}

/// The EPUB 3 navigation document: table of contents and landmarks, in the
/// book's language (epub-builder's own has no `lang` and English labels).
/// A chapter in another language is listed in its own.
pub(super) fn nav(book: &Book) -> Result<Vec<u8>> {
    let entries = toc_entries(book);
    let l = &book.labels;
    document(book, &book.lang, l.contents, "frontmatter", false, |x| {
        x.start("nav", &typed("toc", &[("id", "toc"), ("aria-labelledby", "toc-title")]))?;
        x.element("h1", &[("id", "toc-title")], l.contents)?;
        x.start("ol", &[])?;
        for entry in &entries {
            x.start("li", &[])?;
            let mut a = vec![("href", entry.file)];
            if let Some(lang) = entry.lang {
                a.extend([("lang", lang), ("xml:lang", lang)]);
            }
            x.element("a", &a, entry.label)?;
            if !entry.sections.is_empty() {
                x.start("ol", &[])?;
                for (k, section) in entry.sections.iter().enumerate() {
                    x.start("li", &[])?;
                    let href = format!("{}#s-{}", entry.file, k + 1);
                    let mut a = vec![("href", href.as_str())];
                    if let Some(lang) = entry.lang {
                        a.extend([("lang", lang), ("xml:lang", lang)]);
                    }
                    x.element("a", &a, section)?;
                    x.end("li")?;
                }
                x.end("ol")?;
            }
            x.end("li")?;
        }
        x.end("ol")?;
        x.end("nav")?;
        x.start("nav", &typed("landmarks", &[("id", "landmarks"), ("hidden", "hidden")]))?;
        x.element("h1", &[], l.landmarks)?;
        x.start("ol", &[])?;
        // A book of one has no `toc` landmark: it would point at this
        // document, which is not in its spine (EPUBCheck RSC-011). A book of
        // several has this document in its spine, after the title page.
        let toc = (!book.is_single()).then_some(TocEntry {
            file: NAV,
            label: l.contents,
            lang: None,
            landmark: Some("toc"),
            sections: &[],
        });
        let mut landmarks: Vec<&TocEntry> = entries.iter().filter(|e| e.landmark.is_some()).collect();
        if let Some(toc) = &toc {
            let at = landmarks.iter().position(|e| e.file != COVER && e.file != TITLE_PAGE).unwrap_or(landmarks.len());
            landmarks.insert(at, toc);
        }
        for entry in landmarks {
            x.start("li", &[])?;
            x.element("a", &[("epub:type", entry.landmark.unwrap_or_default()), ("href", entry.file)], entry.label)?;
            x.end("li")?;
        }
        x.end("ol")?;
        x.end("nav")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epub_types_with_a_dpub_aria_role_get_it() {
        assert_eq!(typed("chapter", &[("id", "a")]), [("epub:type", "chapter"), ("role", "doc-chapter"), ("id", "a")]);
        assert_eq!(typed("toc", &[]), [("epub:type", "toc"), ("role", "doc-toc")]);
        assert_eq!(typed("landmarks", &[]), [("epub:type", "landmarks")]);
        for body_type in ["bodymatter", "frontmatter", "cover", "titlepage"] {
            assert_eq!(aria_role(body_type), None, "{body_type}");
        }
    }

    #[test]
    fn short_numbers_stand_upright_in_vertical_text() {
        assert_eq!(upright_numbers("6月14日"), r#"<span class="tcy">6</span>月<span class="tcy">14</span>日"#);
        assert_eq!(upright_numbers("上午10:30，1,000班，2024年，GPT4"), "上午10:30，1,000班，2024年，GPT4");
        assert_eq!(upright_numbers("<b>1</b>&"), r#"&lt;b&gt;<span class="tcy">1</span>&lt;/b&gt;&amp;"#);
    }
}
