//! The XHTML documents: cover page, title page, article and navigation.
//!
//! All of them are written with quick-xml's writer, which escapes every text
//! node and attribute value: article text such as `<b>&amp;</b>` shows as
//! those characters, never as markup. Strings arrive already cleaned of
//! characters XML cannot hold (see [`super::book`]).

use std::io;

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

use crate::error::Result;

use super::book::Book;
use super::{cover, xml_error};

/// The cover page (only with [`super::EpubOptions::cover`]).
pub(super) const COVER: &str = "cover.xhtml";
/// The title page: where the article came from.
pub(super) const TITLE_PAGE: &str = "titlepage.xhtml";
/// The article.
pub(super) const ARTICLE: &str = "article.xhtml";

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

    pub fn finish(self) -> Vec<u8> {
        let mut bytes = self.writer.into_inner();
        bytes.push(b'\n');
        bytes
    }
}

/// Write an XHTML document in the book's language around `body`.
fn document(
    book: &Book,
    title: &str,
    body_type: &str,
    body: impl FnOnce(&mut Xml) -> io::Result<()>,
) -> Result<Vec<u8>> {
    let write = || -> io::Result<Vec<u8>> {
        let mut x = Xml::new()?;
        x.doctype_html()?;
        let lang = book.lang.as_str();
        x.start(
            "html",
            &[
                ("xmlns", "http://www.w3.org/1999/xhtml"),
                ("xmlns:epub", "http://www.idpf.org/2007/ops"),
                ("lang", lang),
                ("xml:lang", lang),
            ],
        )?;
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

/// The article: its title as the one `<h1>`, then its paragraphs.
pub(super) fn article(book: &Book) -> Result<Vec<u8>> {
    document(book, &book.display_title, "bodymatter", |x| {
        x.start("section", &[("epub:type", "chapter"), ("id", "article"), ("class", "article")])?;
        if let Some(title) = &book.title {
            x.element("h1", &[("id", "title")], title)?;
        }
        for paragraph in &book.paragraphs {
            x.element("p", &[], paragraph)?;
        }
        x.end("section")
    })
}

/// The title page: where the text came from. The title itself is left to
/// the article's heading, so that it appears once.
pub(super) fn title_page(book: &Book) -> Result<Vec<u8>> {
    let l = &book.labels;
    let rows: Vec<(&str, &str)> = [
        (l.site, book.site.as_deref()),
        (l.author, book.creator.as_deref()),
        // The article's date only: the book's own (default) date would
        // read as the article's.
        (l.date, book.source_date.as_deref()),
        (l.url, book.url.as_deref()),
        (l.identifier, Some(book.identifier.as_str())),
        (l.original, Some(book.original.as_str())),
    ]
    .into_iter()
    .filter_map(|(label, value)| value.map(|v| (label, v)))
    .collect();
    document(book, l.title_page, "frontmatter", |x| {
        x.start("section", &[("epub:type", "titlepage"), ("class", "titlepage")])?;
        x.start("dl", &[])?;
        for (label, value) in rows {
            x.element("dt", &[], label)?;
            x.element("dd", &[], value)?;
        }
        x.end("dl")?;
        x.end("section")
    })
}

/// The cover page: the generated cover image, filling the page.
pub(super) fn cover_page(book: &Book) -> Result<Vec<u8>> {
    document(book, book.labels.cover, "cover", |x| {
        x.start("div", &[("class", "cover")])?;
        x.empty("img", &[("src", cover::FILE), ("alt", &book.display_title)])?;
        x.end("div")
    })
}

/// The pages the table of contents lists: file, label, landmark type.
pub(super) fn toc_entries(book: &Book) -> Vec<(&'static str, &str, &'static str)> {
    let mut entries = Vec::new();
    if book.cover {
        entries.push((COVER, book.labels.cover, "cover"));
    }
    entries.push((TITLE_PAGE, book.labels.title_page, "titlepage"));
    entries.push((ARTICLE, book.display_title.as_str(), "bodymatter"));
    entries
}

/// The EPUB 3 navigation document: table of contents and landmarks, in the
/// book's language (epub-builder's own has no `lang` and English labels).
pub(super) fn nav(book: &Book) -> Result<Vec<u8>> {
    let entries = toc_entries(book);
    let l = &book.labels;
    document(book, l.contents, "frontmatter", |x| {
        x.start("nav", &[("epub:type", "toc"), ("id", "toc")])?;
        x.element("h1", &[], l.contents)?;
        x.start("ol", &[])?;
        for (file, label, _) in &entries {
            x.start("li", &[])?;
            x.element("a", &[("href", file)], label)?;
            x.end("li")?;
        }
        x.end("ol")?;
        x.end("nav")?;
        x.start("nav", &[("epub:type", "landmarks"), ("id", "landmarks"), ("hidden", "hidden")])?;
        x.element("h1", &[], l.landmarks)?;
        x.start("ol", &[])?;
        // No `toc` landmark: it would point at this document, which is not in
        // the spine (EPUBCheck RSC-011).
        for (file, label, kind) in &entries {
            x.start("li", &[])?;
            x.element("a", &[("epub:type", kind), ("href", file)], label)?;
            x.end("li")?;
        }
        x.end("ol")?;
        x.end("nav")
    })
}
