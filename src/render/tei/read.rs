//! Reading a record written by [`super::write_tei`] back into an
//! [`Article`].
//!
//! The record is parsed with quick-xml into a small element tree (records
//! are the size of an article, and a tree keeps the navigation below
//! readable), then the model is rebuilt from the places the writer put each
//! fact: the body's `head`/`p` and their `choice`s give the blocks and their
//! changes, `standOff` gives the provenance log, and the header gives the
//! metadata and the warnings. Prose is never parsed.
//!
//! A `teiCorpus` is read record by record: each `TEI` is turned into its
//! article as soon as it has been parsed and its tree dropped, so reading a
//! corpus of a thousand records holds one record's tree at a time.
//! [`read_tei`] reads one record and refuses a corpus (naming
//! `teiCorpus` and [`read_tei_corpus`]); [`read_tei_corpus`] reads either
//! into a [`Collection`].

use std::collections::HashMap;
use std::ops::Range;

use quick_xml::events::Event;
use quick_xml::Reader;

use super::header::BOOK;
use super::xml;
use crate::article::{
    Article, Block, BlockKind, Change, Doubt, DoubtKind, Edit, EditKinds, EncodingReport, Location, MetaField,
    Metadata, RawBytes, SourceInfo, Warning,
};
use crate::collection::{Collection, CollectionMetadata};
use crate::error::{Error, Result};

/// Deeper nesting than this is not a record this crate wrote (and would
/// cost stack to walk).
const MAX_DEPTH: usize = 64;

/// Read a TEI record written by [`super::write_tei`].
///
/// ```
/// use zharchive::render::tei::{read_tei, write_tei};
/// let article = zharchive::normalize("標題\n\n正文,完。".as_bytes(), &Default::default())?;
/// let record = write_tei(&article, &Default::default())?;
/// let back = read_tei(&record.bytes)?;
/// assert_eq!(back.plain_text(), article.plain_text());
/// assert_eq!(back, article);
/// assert!(read_tei(b"<TEI>").is_err());
/// # Ok::<(), zharchive::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::TeiRead`] if the bytes are not well-formed XML or not a record
/// of the shape this crate writes (the message names what is missing),
/// and for a `teiCorpus`, which [`read_tei_corpus`] reads.
pub fn read_tei(xml: &[u8]) -> Result<Article> {
    let root = parse_with(xml, &mut |_| {
        Err(bad("the document is a teiCorpus (several records), not one TEI record: read it with read_tei_corpus, \
             or rebuild its sources with rebuild_corpus_sources"))
    })?;
    if root.name != "TEI" {
        return Err(bad(format!("the root element is <{}>, not <TEI>", root.name)));
    }
    record(&root)
}

/// Read a document written by [`super::write_tei_collection`] (or
/// [`super::write_tei`]) back into a [`Collection`]: a `teiCorpus` gives
/// its records' articles and the book's metadata from the corpus header; a
/// single `TEI` record gives a collection of one whose metadata are the
/// article's, with those given for the book (`@n="book"`) in their place.
/// Writing the collection again gives the same bytes.
///
/// ```
/// use zharchive::render::tei::{read_tei_corpus, write_tei, write_tei_collection};
/// use zharchive::{Collection, CollectionMetadata};
/// let a = zharchive::normalize("第一篇\n\n正文。".as_bytes(), &Default::default())?;
/// let b = zharchive::normalize("第二篇\n\n正文。".as_bytes(), &Default::default())?;
/// let meta = CollectionMetadata { title: "文集".into(), date: Some("2024-06-15".into()), ..Default::default() };
/// let book = Collection::new(meta, vec![a.clone(), b])?;
/// let corpus = write_tei_collection(&book, &Default::default())?.bytes;
/// let back = read_tei_corpus(&corpus)?;
/// assert_eq!(back, book);
/// assert_eq!(write_tei_collection(&back, &Default::default())?.bytes, corpus);
/// // A record on its own is a collection of one.
/// let record = write_tei(&a, &Default::default())?.bytes;
/// assert_eq!(read_tei_corpus(&record)?, Collection::of_one(a));
/// # Ok::<(), zharchive::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::TeiRead`] as [`read_tei`] (for a record of a corpus, the
/// message names it by its place and `xml:id`), or when a corpus holds no
/// record, or lists a different number of sources than it has records.
pub fn read_tei_corpus(xml: &[u8]) -> Result<Collection> {
    let mut articles = Vec::new();
    let root = parse_with(xml, &mut |el| {
        let place = format!("record {} ({})", articles.len() + 1, el.attr("xml:id").unwrap_or("no xml:id"));
        let article = record(&el).map_err(|e| match e {
            Error::TeiRead(message) => bad(format!("{place}: {message}")),
            other => other,
        })?;
        articles.push(article);
        Ok(())
    })?;
    match root.name.as_str() {
        "TEI" => {
            let article = record(&root)?;
            let metadata = book_metadata(root.need("teiHeader")?, CollectionMetadata::of_article(&article))?;
            Collection::new(metadata, vec![article])
        }
        "teiCorpus" => {
            let header = root.need("teiHeader")?;
            let sources = header
                .need("fileDesc")?
                .need("sourceDesc")?
                .elements("listBibl")
                .flat_map(|l| l.elements("bibl"))
                .count();
            if articles.is_empty() {
                return Err(bad("the teiCorpus holds no TEI record"));
            }
            if sources != articles.len() {
                return Err(bad(format!(
                    "the teiCorpus lists {sources} sources in sourceDesc/listBibl but holds {} records",
                    articles.len()
                )));
            }
            let metadata = book_metadata(header, CollectionMetadata::default())?;
            Collection::new(metadata, articles)
        }
        other => Err(bad(format!("the root element is <{other}>, not <TEI> or <teiCorpus>"))),
    }
}

/// The book's metadata from a header: `defaults` with what carries
/// `@n="book"` in its place.
fn book_metadata(header: &Element, mut book: CollectionMetadata) -> Result<CollectionMetadata> {
    let is_book = |e: &&Element| e.attr("n") == Some(BOOK);
    let file_desc = header.need("fileDesc")?;
    let title_stmt = file_desc.need("titleStmt")?;
    if let Some(title) = title_stmt.elements("title").find(is_book) {
        book.title = title.text();
    }
    let creators: Vec<String> = title_stmt.elements("author").filter(is_book).map(Element::text).collect();
    if !creators.is_empty() {
        book.creators = creators;
    }
    if let Some(editor) = title_stmt.elements("editor").find(is_book) {
        book.editor = Some(editor.text());
    }
    let publication = file_desc.need("publicationStmt")?;
    if let Some(publisher) = publication.elements("publisher").find(is_book) {
        book.publisher = Some(publisher.text());
    }
    if let Some(idno) = publication.elements("idno").find(is_book) {
        book.identifier = idno.text();
    }
    if let Some(date) = publication.elements("date").find(is_book) {
        book.date = Some(date.text());
    }
    if let Some(profile) = header.child("profileDesc") {
        if let Some(p) = profile.child("abstract").and_then(|a| a.child("p")) {
            book.description = Some(p.text());
        }
        if let Some(language) = profile.child("langUsage").and_then(|l| l.elements("language").find(is_book)) {
            book.language = language.attr("ident").unwrap_or_default().to_owned();
        }
    }
    Ok(book)
}

/// The article of a `TEI` element (on its own, or one of a corpus, whose
/// ids are scoped by its `xml:id`).
fn record(root: &Element) -> Result<Article> {
    let scope = root.attr("xml:id");
    let header = root.need("teiHeader")?;
    let file_desc = header.need("fileDesc")?;
    let bibl = file_desc
        .need("sourceDesc")?
        .elements("bibl")
        .find(|b| b.attr("type") == Some("source"))
        .ok_or_else(|| bad("sourceDesc has no bibl[@type='source']"))?;
    let idno = |kind: &str| bibl.elements("idno").find(|e| e.attr("type") == Some(kind)).map(Element::text);
    let measure = |kind: Option<&str>| -> Result<u64> {
        bibl.need("extent")?
            .elements("measure")
            .find(|m| m.attr("type") == kind)
            .and_then(|m| m.attr("quantity"))
            .and_then(|q| q.parse().ok())
            .ok_or_else(|| bad("sourceDesc/bibl/extent lacks a measure of bytes"))
    };
    let encoding_note = bibl
        .elements("note")
        .find(|n| n.attr("type") == Some("encoding"))
        .ok_or_else(|| bad("sourceDesc/bibl has no note[@type='encoding']"))?;
    let text_lang = bibl.need("textLang")?;
    let target_script = header
        .need("profileDesc")?
        .need("langUsage")?
        .elements("language")
        .find_map(|l| l.attr("n").and_then(|n| n.strip_prefix("target ")))
        .and_then(xml::parse_script)
        .ok_or_else(|| bad("langUsage has no language[@n='target …'] naming a known script"))?;
    let (source_text, raw) =
        match root.child("standOff").and_then(|s| s.elements("seg").find(|seg| seg.attr("type") == Some("source"))) {
            Some(seg) => kept_source(seg, scope)?,
            None => (String::new(), Vec::new()),
        };
    let keywords = header
        .child("profileDesc")
        .and_then(|p| p.child("textClass"))
        .and_then(|t| t.child("keywords"))
        .map(|k| k.elements("term").map(Element::text).collect())
        .unwrap_or_default();

    let metadata = Metadata {
        language: root.attr("xml:lang").unwrap_or_default().to_owned(),
        source_language: text_lang.attr("mainLang").unwrap_or_default().to_owned(),
        source_script: text_lang
            .attr("n")
            .and_then(xml::parse_script)
            .ok_or_else(|| bad("textLang/@n does not name a known script"))?,
        target_script,
        encoding: EncodingReport {
            name: encoding_note.attr("n").unwrap_or_default().to_owned(),
            method: encoding_note
                .attr("subtype")
                .and_then(xml::parse_method)
                .ok_or_else(|| bad("note[@type='encoding']/@subtype does not name a detection method"))?,
            malformed_bytes: measure(Some("malformed"))?,
            raw,
        },
        source_sha256: idno("sha256").ok_or_else(|| bad("sourceDesc/bibl has no idno[@type='sha256']"))?,
        source_bytes: measure(None)?,
        source_text,
        source: SourceInfo {
            title: bibl.elements("title").find(|t| t.attr("type") == Some("display")).map(Element::text),
            url: idno("URI"),
            site: bibl.child("publisher").map(Element::text),
            author: bibl.elements("author").find(|a| a.child("persName").is_none()).map(Element::text),
            date: bibl.child("date").map(Element::text),
            keywords,
            authors: bibl.elements("author").filter_map(|a| a.child("persName")).map(Element::text).collect(),
            affiliations: bibl
                .elements("note")
                .filter(|n| n.attr("type") == Some("affiliation"))
                .map(Element::text)
                .collect(),
            publication: bibl.elements("title").find(|t| t.attr("level") == Some("j")).map(Element::text),
            identifiers: bibl
                .elements("note")
                .filter(|n| n.attr("type") == Some("identifier"))
                .map(|n| Ok((n.need("label")?.text(), n.need("idno")?.text())))
                .collect::<Result<_>>()?,
        },
    };

    let notes: Vec<&Element> = match file_desc.child("notesStmt") {
        Some(notes) => notes.elements("note").filter(|n| n.attr("type") == Some("warning")).collect(),
        None => Vec::new(),
    };

    let body = root.need("text")?.need("body")?;
    let mut blocks = Vec::new();
    // Where each doubt mark (`damage`, `unclear`) is, by its xml:id.
    let mut marks = HashMap::new();
    for div in body.elements("div") {
        for el in div.all_elements() {
            let kind = match el.name.as_str() {
                "head" => BlockKind::Heading,
                "p" => BlockKind::Paragraph,
                "ab" if el.attr("type") == Some("head-metadata") => el
                    .attr("subtype")
                    .and_then(MetaField::from_name)
                    .map(BlockKind::Meta)
                    .ok_or_else(|| bad("ab[@type='head-metadata'] has no @subtype naming a field"))?,
                other => return Err(bad(format!("unexpected <{other}> in body/div"))),
            };
            let index = blocks.len();
            let mut b = Block { kind, text: String::new(), changes: Vec::new() };
            block_content(el, scope, &mut b, &mut |id, range| {
                marks.insert(id.to_owned(), Location { block: index, range });
            })?;
            blocks.push(b);
        }
    }
    let warnings = notes.into_iter().map(|n| warning(n, &marks)).collect::<Result<Vec<_>>>()?;

    let provenance = match root.child("standOff") {
        Some(stand_off) => stand_off
            .elements("listChange")
            .filter(|l| l.attr("type") == Some("edits"))
            .flat_map(|l| l.elements("change"))
            .map(edit)
            .collect::<Result<Vec<_>>>()?,
        None => Vec::new(),
    };

    Ok(Article { metadata, blocks, provenance, warnings })
}

/// The source bytes a record keeps, rebuilt from the record alone: the
/// text of `standOff/seg[@type='source']` encoded again in the source's
/// encoding, with the bytes the record kept as they were (the BOM,
/// malformed sequences, characters that do not round-trip).
///
/// ```
/// use zharchive::render::tei::{rebuild_source, write_tei};
/// let mut source = encoding_rs::BIG5.encode("會議紀要\r\n\r\n  會議開始了,大家好。\u{1}\n").0.into_owned();
/// source.push(0xFF); // a malformed byte at the end
/// let options = zharchive::Options { encoding: Some("big5".into()), ..Default::default() };
/// let article = zharchive::normalize(&source, &options)?;
/// let record = write_tei(&article, &Default::default())?;
/// assert_eq!(rebuild_source(&record.bytes)?, source);
/// // A record whose source was changed no longer matches its checksum.
/// let xml = String::from_utf8(record.bytes).unwrap();
/// let at = xml.find("<seg type=\"source\">").unwrap();
/// let edited = format!("{}{}", &xml[..at], xml[at..].replacen("大家好", "大家早", 1));
/// assert!(rebuild_source(edited.as_bytes()).unwrap_err().to_string().contains("SHA-256"));
/// # Ok::<(), zharchive::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::TeiRead`] if the record cannot be read ([`read_tei`]);
/// [`Error::Rebuild`] if it does not keep its source (written with
/// [`super::TeiOptions::keep_source`] or `keep_boilerplate` off), if the
/// source cannot be encoded again
/// ([`crate::normalize::decode::encode_source`]), or if the bytes rebuilt do
/// not have the SHA-256 the record gives in `idno[@type='sha256']`.
pub fn rebuild_source(record: &[u8]) -> Result<Vec<u8>> {
    rebuild(&read_tei(record)?)
}

/// The source bytes of every record of a corpus (or of a record on its
/// own), in reading order: [`rebuild_source`] of each.
///
/// ```
/// use zharchive::render::tei::{rebuild_corpus_sources, rebuild_source, write_tei_collection};
/// let sources = ["第一篇\n\n正文,完。".as_bytes(), "第二篇\r\n\r\n正文。".as_bytes()];
/// let articles = sources.iter().map(|s| zharchive::normalize(s, &Default::default())).collect::<Result<_, _>>()?;
/// let meta = zharchive::CollectionMetadata { title: "文集".into(), ..Default::default() };
/// let book = zharchive::Collection::new(meta, articles)?;
/// let corpus = write_tei_collection(&book, &Default::default())?.bytes;
/// assert_eq!(rebuild_corpus_sources(&corpus)?, sources);
/// // rebuild_source takes one record, and says what to use instead.
/// assert!(rebuild_source(&corpus).unwrap_err().to_string().contains("teiCorpus"));
/// # Ok::<(), zharchive::Error>(())
/// ```
///
/// # Errors
///
/// Those of [`read_tei_corpus`] and [`rebuild_source`]; the message names
/// the record that cannot be rebuilt by its place and `xml:id`.
pub fn rebuild_corpus_sources(corpus: &[u8]) -> Result<Vec<Vec<u8>>> {
    let collection = read_tei_corpus(corpus)?;
    let ids = collection.chapter_ids();
    let several = collection.len() > 1;
    collection
        .articles
        .iter()
        .zip(&ids)
        .enumerate()
        .map(|(i, (article, id))| {
            rebuild(article).map_err(|e| match e {
                Error::Rebuild(message) if several => Error::Rebuild(format!("record {} ({id}): {message}", i + 1)),
                other => other,
            })
        })
        .collect()
}

/// The source bytes `article` (read from a record) keeps, checked against
/// its SHA-256.
fn rebuild(article: &Article) -> Result<Vec<u8>> {
    let meta = &article.metadata;
    if meta.source_text.is_empty() && meta.source_bytes > 0 {
        return Err(Error::Rebuild(
            "the record does not keep its source (it was written with keep_source or keep_boilerplate off)".into(),
        ));
    }
    let bytes = crate::normalize::decode::encode_source(&meta.source_text, &meta.encoding)?;
    let sha = crate::digest::sha256_hex(&bytes);
    if sha != meta.source_sha256 {
        return Err(Error::Rebuild(format!(
            "the rebuilt {} bytes have SHA-256 {sha}, but the record's idno[@type='sha256'] is {}",
            bytes.len(),
            meta.source_sha256
        )));
    }
    Ok(bytes)
}

/// The kept source: the text of `seg[@type='source']` (each `g` read as
/// the character its `@ref` names) and the spans of source bytes kept as
/// they were (`seg[@type='bytes']`, the bytes in hex in `@n`).
fn kept_source(seg: &Element, scope: Option<&str>) -> Result<(String, Vec<RawBytes>)> {
    let mut text = String::new();
    let mut raw = Vec::new();
    for node in &seg.children {
        match node {
            Node::Element(bytes) if bytes.name == "seg" && bytes.attr("type") == Some("bytes") => {
                let kept = bytes
                    .attr("n")
                    .and_then(xml::parse_hex)
                    .ok_or_else(|| bad("seg[@type='bytes'] has no @n holding its bytes in hex"))?;
                let at = text.len();
                verbatim(bytes, scope, &mut text)?;
                raw.push(RawBytes { at, len: text.len() - at, bytes: kept });
            }
            _ => verbatim_node(node, seg, scope, &mut text)?,
        }
    }
    Ok((text, raw))
}

/// Text and `g` inside the kept source.
fn verbatim(el: &Element, scope: Option<&str>, text: &mut String) -> Result<()> {
    el.children.iter().try_for_each(|node| verbatim_node(node, el, scope, text))
}

fn verbatim_node(node: &Node, parent: &Element, scope: Option<&str>, text: &mut String) -> Result<()> {
    match node {
        Node::Text(t) => text.push_str(t),
        Node::Element(g) if g.name == "g" => {
            let c = g
                .attr("ref")
                .and_then(|r| r.strip_prefix('#'))
                .and_then(|id| xml::unscope(id, scope))
                .and_then(xml::parse_char_id)
                .ok_or_else(|| bad("a g in the kept source has no @ref naming a character (#U0001)"))?;
            text.push(c);
        }
        Node::Element(other) => return Err(bad(format!("unexpected <{}> in <{}>", other.name, parent.name))),
    }
    Ok(())
}

fn bad(message: impl Into<String>) -> Error {
    Error::TeiRead(message.into())
}

fn range_attr(el: &Element, what: &str) -> Result<Range<usize>> {
    el.attr("n")
        .and_then(xml::parse_range)
        .ok_or_else(|| bad(format!("<{}> in {what} has no @n with a byte range start-end", el.name)))
}

/// A warning note; a doubt's note has the kind as `@subtype` and points at
/// its mark in the text with `@target`.
fn warning(note: &Element, marks: &HashMap<String, Location>) -> Result<Warning> {
    let source = match note.attr("n") {
        Some(n) => Some(xml::parse_range(n).ok_or_else(|| bad(format!("warning note has a bad @n {n:?}")))?),
        None => None,
    };
    Ok(Warning {
        code: note.need("label")?.text(),
        message: note.child("p").map(Element::text).unwrap_or_default(),
        source,
        doubt: match note.attr("subtype") {
            None => None,
            Some(kind) => Some(Doubt {
                kind: DoubtKind::from_name(kind)
                    .ok_or_else(|| bad(format!("warning note has a @subtype {kind:?} that is no kind of doubt")))?,
                output: match note.attr("target") {
                    None => None,
                    Some(t) => Some(
                        t.strip_prefix('#')
                            .and_then(|id| marks.get(id))
                            .cloned()
                            .ok_or_else(|| bad(format!("warning note points at {t:?}, no mark in the text")))?,
                    ),
                },
            }),
        },
    })
}

/// The content of a `head`, `p` or `ab` (or of a doubt mark inside one),
/// appended to `block`: its reading text (taking `corr`/`reg`), one
/// [`Change`] per `choice`, and each `damage`/`unclear` mark's range given
/// to `mark`.
fn block_content(
    el: &Element,
    scope: Option<&str>,
    block: &mut Block,
    mark: &mut dyn FnMut(&str, Range<usize>),
) -> Result<()> {
    for node in &el.children {
        match node {
            Node::Text(t) => block.text.push_str(t),
            Node::Element(choice) if choice.name == "choice" => {
                let source = range_attr(choice, "the body")?;
                let kinds = choice
                    .attr("change")
                    .unwrap_or_default()
                    .split_whitespace()
                    .map(|p| {
                        p.strip_prefix('#')
                            .and_then(|id| xml::unscope(id, scope))
                            .and_then(|id| id.strip_prefix("rev-"))
                            .and_then(xml::parse_kind)
                            .ok_or_else(|| bad(format!("choice/@change points at {p:?}, not at a pass")))
                    })
                    .collect::<Result<EditKinds>>()?;
                let old = choice.child("sic").or_else(|| choice.child("orig"));
                let new = choice.child("corr").or_else(|| choice.child("reg"));
                let (Some(old), Some(new)) = (old, new) else {
                    return Err(bad("a choice in the body lacks its sic/orig or corr/reg"));
                };
                let start = block.text.len();
                block.text.push_str(&new.text());
                block.changes.push(Change {
                    range: start..block.text.len(),
                    source,
                    original: old.text().into(),
                    kinds,
                });
            }
            Node::Element(m) if (m.name == "damage" || m.name == "unclear") && el.name != m.name => {
                let id = m.attr("xml:id").ok_or_else(|| bad(format!("<{}> in the body has no xml:id", m.name)))?;
                let start = block.text.len();
                block_content(m, scope, block, mark)?;
                mark(id, start..block.text.len());
            }
            Node::Element(other) => return Err(bad(format!("unexpected <{}> in <{}>", other.name, el.name))),
        }
    }
    Ok(())
}

/// One `standOff` change: `@type` the pass, `@n` "source [block:range]".
fn edit(change: &Element) -> Result<Edit> {
    let kind = change
        .attr("type")
        .and_then(xml::parse_kind)
        .ok_or_else(|| bad("a standOff change has no @type naming a pass"))?;
    let n = change.attr("n").unwrap_or_default();
    let mut parts = n.split(' ');
    let source = parts.next().and_then(xml::parse_range).ok_or_else(|| bad(format!("bad edit @n {n:?}")))?;
    let output = match parts.next() {
        Some(loc) => {
            let (block, range) = loc.split_once(':').ok_or_else(|| bad(format!("bad edit @n {n:?}")))?;
            let block = block.parse().map_err(|_| bad(format!("bad edit @n {n:?}")))?;
            let range = xml::parse_range(range).ok_or_else(|| bad(format!("bad edit @n {n:?}")))?;
            Some(Location { block, range })
        }
        None => None,
    };
    let choice = change.need("choice")?;
    Ok(Edit {
        kind,
        source,
        before: choice.need("orig")?.text().into(),
        after: choice.need("reg")?.text().into(),
        output,
    })
}

/// An element of the parsed record.
#[derive(Debug)]
struct Element {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<Node>,
}

#[derive(Debug)]
enum Node {
    Element(Element),
    Text(String),
}

impl Element {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    fn all_elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    fn elements<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.all_elements().filter(move |e| e.name == name)
    }

    fn child(&self, name: &str) -> Option<&Element> {
        self.all_elements().find(|e| e.name == name)
    }

    /// The first child called `name`, or an error naming it.
    fn need(&self, name: &str) -> Result<&Element> {
        self.child(name).ok_or_else(|| bad(format!("<{}> has no <{name}>", self.name)))
    }

    /// All text inside, in document order (`lb` reads as a line break).
    fn text(&self) -> String {
        let mut s = String::new();
        self.collect_text(&mut s);
        s
    }

    fn collect_text(&self, s: &mut String) {
        for n in &self.children {
            match n {
                Node::Text(t) => s.push_str(t),
                Node::Element(e) if e.name == "lb" => s.push('\n'),
                Node::Element(e) => e.collect_text(s),
            }
        }
    }

    fn push_text(&mut self, t: &str) {
        if let Some(Node::Text(last)) = self.children.last_mut() {
            last.push_str(t);
        } else if !t.is_empty() {
            self.children.push(Node::Text(t.to_owned()));
        }
    }
}

fn xml_error(e: impl std::fmt::Display, pos: u64) -> Error {
    bad(format!("not well-formed XML near byte {pos}: {e}"))
}

/// Parse `xml` into a tree of elements and text (comments, processing
/// instructions and the declaration are skipped).
#[cfg(test)]
fn parse(xml: &[u8]) -> Result<Element> {
    parse_with(xml, &mut |_| Err(bad("a teiCorpus")))
}

/// [`parse`], except that each `TEI` of a `teiCorpus` root is handed to
/// `record` as soon as it ends instead of being kept in the tree (which
/// keeps only the corpus header).
fn parse_with(xml: &[u8], record: &mut dyn FnMut(Element) -> Result<()>) -> Result<Element> {
    let mut reader = Reader::from_reader(xml);
    reader.config_mut().trim_text(false);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let pos = reader.buffer_position();
        let event = reader.read_event().map_err(|e| xml_error(e, pos))?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(bad(format!("elements nest deeper than {MAX_DEPTH} levels")));
                }
                if root.is_some() {
                    return Err(bad("content after the root element"));
                }
                let name = std::str::from_utf8(e.name().as_ref()).map_err(|e| xml_error(e, pos))?.to_owned();
                let mut attrs = Vec::new();
                for a in e.attributes() {
                    let a = a.map_err(|e| xml_error(e, pos))?;
                    let key = std::str::from_utf8(a.key.as_ref()).map_err(|e| xml_error(e, pos))?.to_owned();
                    let value = a.decode_and_unescape_value(reader.decoder()).map_err(|e| xml_error(e, pos))?;
                    attrs.push((key, value.into_owned()));
                }
                let el = Element { name, attrs, children: Vec::new() };
                if matches!(event, Event::Start(_)) {
                    stack.push(el);
                } else {
                    ended(&mut stack, &mut root, el, record)?;
                }
            }
            Event::End(_) => {
                let el = stack.pop().ok_or_else(|| bad("an end tag without a start tag"))?;
                ended(&mut stack, &mut root, el, record)?;
            }
            Event::Text(t) => {
                let t = t.xml10_content().map_err(|e| xml_error(e, pos))?;
                text(&mut stack, &t)?;
            }
            Event::CData(t) => {
                let t = t.decode().map_err(|e| xml_error(e, pos))?;
                text(&mut stack, &t)?;
            }
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref().map_err(|e| xml_error(e, pos))? {
                    Some(c) => c,
                    None => match r.decode().map_err(|e| xml_error(e, pos))?.as_ref() {
                        "lt" => '<',
                        "gt" => '>',
                        "amp" => '&',
                        "quot" => '"',
                        "apos" => '\'',
                        other => return Err(bad(format!("unknown entity &{other}; near byte {pos}"))),
                    },
                };
                text(&mut stack, c.encode_utf8(&mut [0; 4]))?;
            }
            Event::Comment(_) | Event::PI(_) | Event::Decl(_) | Event::DocType(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err(bad("the record ends inside an element"));
    }
    root.ok_or_else(|| bad("no root element"))
}

/// An element has ended: a record of a corpus goes to `record`, anything
/// else into its parent (or is the root).
fn ended(
    stack: &mut [Element],
    root: &mut Option<Element>,
    el: Element,
    record: &mut dyn FnMut(Element) -> Result<()>,
) -> Result<()> {
    if el.name == "TEI" && matches!(&*stack, [corpus] if corpus.name == "teiCorpus") {
        record(el)
    } else {
        attach(stack, root, el);
        Ok(())
    }
}

fn attach(stack: &mut [Element], root: &mut Option<Element>, el: Element) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(Node::Element(el)),
        None => *root = Some(el),
    }
}

fn text(stack: &mut [Element], t: &str) -> Result<()> {
    match stack.last_mut() {
        Some(parent) => {
            parent.push_text(t);
            Ok(())
        }
        None if t.chars().all(|c| c.is_ascii_whitespace()) => Ok(()),
        None => Err(bad("text outside the root element")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tree_keeps_text_references_and_whitespace_exactly() {
        let root =
            parse(b"<?xml version=\"1.0\"?>\n<a x=\"1&#10;2\"> &lt;&#13;&#x4E2D;<b/><![CDATA[<c>]]><!-- no --></a>\n")
                .unwrap();
        assert_eq!(root.attr("x"), Some("1\n2"));
        assert_eq!(root.text(), " <\r中<c>");
        assert_eq!(root.all_elements().count(), 1);
    }

    #[test]
    fn malformed_input_is_an_error() {
        for bad in [&b""[..], b"<a>", b"<a></b>", b"<a/><b/>", b"x<a/>", b"<a>&nope;</a>", b"<a x='1' x='2'/>"] {
            assert!(matches!(parse(bad), Err(Error::TeiRead(_))), "{}", String::from_utf8_lossy(bad));
        }
        let deep = "<a>".repeat(MAX_DEPTH + 1);
        assert!(parse(deep.as_bytes()).is_err());
    }
}
