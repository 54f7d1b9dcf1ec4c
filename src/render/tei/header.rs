//! The `teiHeader`: what the record describes (the source, exactly), how it
//! was made (the passes and their counts) and what it is about.
//!
//! Facts the reader needs to rebuild the [`Article`] are written as
//! attributes next to the prose that states them for a person: the source
//! encoding as `note[@type="encoding"]/@n` with the detection method in
//! `@subtype`, byte counts as `measure/@quantity`, scripts as `@n` on
//! `textLang` and `language`, warnings as `note[@type="warning"]` with the
//! code in `label` and the source range in `@n`.
//!
//! A book's metadata that differ from what the article alone gives
//! ([`CollectionMetadata::of_article`]) carry `@n="book"` where they are
//! written (the title, the authors, the book's editor, publisher, identifier
//! and date, its language in `langUsage`), so that a reader tells them from
//! the record's own facts; the book's description is `profileDesc/abstract`.
//! A record of the article alone has none of them.

use std::collections::BTreeMap;

use super::xml::{self, Out};
use super::TeiOptions;
use crate::article::{Article, BlockKind, DetectionMethod, EditKind};
use crate::collection::CollectionMetadata;
use crate::error::Result;
use crate::render::Timestamp;

/// The crate that wrote the record, as named in `appInfo`.
pub(super) const APP: &str = env!("CARGO_PKG_NAME");
/// Its version.
pub(super) const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The value of `@n` on what states a book's metadata (see the module
/// documentation).
pub(super) const BOOK: &str = "book";

/// Write the whole `teiHeader` of `article`'s record, with `book` as the
/// document's metadata.
pub(super) fn write(
    out: &mut Out,
    article: &Article,
    book: &CollectionMetadata,
    options: &TeiOptions,
    date: Timestamp,
) -> Result<()> {
    let counts = article.edit_counts();
    let own = CollectionMetadata::of_article(article);
    out.open("teiHeader", &[])?;
    file_desc(out, article, book, &own, options, date)?;
    encoding_desc(out, article, options, &counts)?;
    profile_desc(out, article, book, &own)?;
    revision_desc(out, article, &counts, date)?;
    out.close("teiHeader")
}

/// `@when` for a timestamp, if `xsd:date` can hold it (no year 0).
pub(super) fn when(t: Timestamp) -> Option<String> {
    (t.year > 0).then(|| t.date())
}

fn file_desc(
    out: &mut Out,
    article: &Article,
    book: &CollectionMetadata,
    own: &CollectionMetadata,
    options: &TeiOptions,
    date: Timestamp,
) -> Result<()> {
    let meta = &article.metadata;
    out.open("fileDesc", &[])?;

    out.open("titleStmt", &[])?;
    if book.title == own.title {
        out.leaf("title", &[("type", "main")], article.title().unwrap_or("Untitled article"))?;
    } else {
        out.leaf("title", &[("type", "main"), ("n", BOOK)], &book.title)?;
    }
    if book.creators == own.creators {
        // The caller's author line as given, else each author the page lists.
        match &meta.source.author {
            Some(author) => out.leaf("author", &[], author)?,
            None => {
                for author in &meta.source.authors {
                    out.leaf("author", &[], author)?;
                }
            }
        }
    } else {
        for creator in &book.creators {
            out.leaf("author", &[("n", BOOK)], creator)?;
        }
    }
    responsibility(out, book, options, "Normalisation of the scraped source and TEI encoding")?;
    out.close("titleStmt")?;

    out.open("publicationStmt", &[])?;
    publisher(out, book, options)?;
    out.leaf("idno", &[("type", "source-sha256")], &meta.source_sha256)?;
    out.leaf("idno", &[("type", "URI")], &crate::render::article_uuid(article))?;
    if !book.identifier.is_empty() {
        out.leaf("idno", &[("type", "URI"), ("n", BOOK)], &book.identifier)?;
    }
    availability_and_date(out, options, date)?;
    if book.date != own.date {
        book_date(out, book)?;
    }
    out.close("publicationStmt")?;

    if !article.warnings.is_empty() {
        let marks = super::text::doubt_marks(article);
        out.open("notesStmt", &[])?;
        for w in &article.warnings {
            let n = w.source.as_ref().map(xml::range);
            let mut attrs = vec![("type", "warning")];
            if let Some(n) = &n {
                attrs.push(("n", n));
            }
            // A doubt: its kind, and the mark in the text it is about.
            let target = w.doubt.as_ref().and_then(|d| d.output.as_ref()).and_then(|loc| {
                marks.iter().find(|m| m.block == loc.block && m.range == loc.range).map(|m| out.pointer(&m.id))
            });
            if let Some(d) = &w.doubt {
                attrs.push(("subtype", d.kind.name()));
            }
            if let Some(t) = &target {
                attrs.push(("target", t));
            }
            out.open("note", &attrs)?;
            out.leaf("label", &[], &w.code)?;
            out.leaf("p", &[], &w.message)?;
            out.close("note")?;
        }
        out.close("notesStmt")?;
    }

    source_desc(out, article, options)?;
    out.close("fileDesc")
}

/// The source as it was: its title before normalisation, where it came from,
/// its bytes (length, checksum, encoding) and its script.
fn source_desc(out: &mut Out, article: &Article, options: &TeiOptions) -> Result<()> {
    let meta = &article.metadata;
    out.open("sourceDesc", &[])?;
    out.open("bibl", &[("type", "source")])?;
    if let Some(head) = article.blocks.iter().find(|b| b.kind == BlockKind::Heading) {
        // The title as the source wrote it when the record can show how it
        // became the normalised one (inline edits), else as normalised.
        // Not for a web page: the heading's source side there begins with
        // the page's markup before it.
        let title = if options.inline_edits && meta.extraction.is_none() {
            super::text::source_side(head, options.keep_boilerplate)
        } else {
            head.text.clone()
        };
        out.leaf("title", &[("type", "source")], &title)?;
    }
    // The title the caller gave (a book manifest's override) for tables of
    // contents; the text keeps its own heading.
    if let Some(given) = &meta.source.title {
        out.leaf("title", &[("type", "display")], given)?;
    }
    if let Some(author) = &meta.source.author {
        out.leaf("author", &[], author)?;
    }
    // Authors the page's head lists, one person each.
    for author in &meta.source.authors {
        out.open("author", &[])?;
        out.leaf("persName", &[], author)?;
        out.close("author")?;
    }
    if let Some(journal) = &meta.source.publication {
        out.leaf("title", &[("level", "j")], journal)?;
    }
    if let Some(site) = &meta.source.site {
        out.leaf("publisher", &[], site)?;
    }
    for affiliation in &meta.source.affiliations {
        out.leaf("note", &[("type", "affiliation")], affiliation)?;
    }
    for (label, value) in &meta.source.identifiers {
        out.open("note", &[("type", "identifier")])?;
        out.leaf("label", &[], label)?;
        out.leaf("idno", &[], value)?;
        out.close("note")?;
    }
    source_identity(out, meta)?;
    let bad = meta.encoding.malformed_bytes.to_string();
    out.leaf(
        "measure",
        &[("type", "malformed"), ("unit", "bytes"), ("quantity", &bad)],
        &format!("{bad} malformed bytes"),
    )?;
    out.close("extent")?;
    let method = meta.encoding.method;
    let how = match method {
        DetectionMethod::Declared => "as the caller declared",
        DetectionMethod::ByteOrderMark => "as its byte order mark states",
        DetectionMethod::ValidUtf8 => "because the bytes are valid UTF-8",
        DetectionMethod::Guessed => "as guessed from the bytes",
        DetectionMethod::Meta => "as the page's meta element declares",
    };
    out.leaf(
        "note",
        &[("type", "encoding"), ("subtype", xml::method_name(method)), ("n", &meta.encoding.name)],
        &format!(
            "Character encoding of the source: {}, {how}; {} byte(s) were malformed in it and became U+FFFD.",
            meta.encoding.name, meta.encoding.malformed_bytes
        ),
    )?;
    // A web page: how the article was taken out of it. The record keeps
    // the page (every deletion is an edit), so it rebuilds the page's bytes.
    if let Some(x) = &meta.extraction {
        let whole = if x.whole_page { "whole-page" } else { "article" };
        out.open("note", &[("type", "extraction"), ("subtype", &x.format), ("n", whole)])?;
        out.text(&format!("The text was taken out of an {} page by ", x.format.to_uppercase()))?;
        out.leaf("name", &[("type", "extractor")], &x.extractor)?;
        if let Some(lang) = &x.page_language {
            out.text(", from a page whose language is ")?;
            out.leaf("name", &[("type", "page-language")], lang)?;
        }
        out.text(if x.whole_page { "; it found no article, so the page's whole text was taken. " } else { ". " })?;
        out.text(
            "Every edit's range is a place in the page, and the record keeps the whole page: its markup and the \
             text left out are edits of kind extraction, so the page's bytes can be rebuilt from the record.",
        )?;
        out.close("note")?;
    }
    out.leaf(
        "textLang",
        &[("mainLang", &language_tag(&meta.source_language)), ("n", xml::script_name(meta.source_script))],
        &format!("{}, as detected in the source", xml::script_words(meta.source_script)),
    )?;
    out.close("bibl")?;
    out.close("sourceDesc")
}

/// The book's editor, the record's editor ([`TeiOptions::editor`]), the
/// caller's `respStmt`s and the crate's own, whose responsibility is `what`.
pub(super) fn responsibility(out: &mut Out, book: &CollectionMetadata, options: &TeiOptions, what: &str) -> Result<()> {
    if let Some(editor) = &book.editor {
        out.leaf("editor", &[("n", BOOK)], editor)?;
    }
    if let Some(editor) = &options.editor {
        out.leaf("editor", &[], editor)?;
    }
    for r in &options.resp {
        out.open("respStmt", &[])?;
        out.leaf("resp", &[], &r.resp)?;
        out.leaf("name", &[], &r.name)?;
        out.close("respStmt")?;
    }
    out.open("respStmt", &[])?;
    out.leaf("resp", &[], what)?;
    out.leaf("name", &[("type", "software")], &format!("{APP} {VERSION}"))?;
    out.close("respStmt")
}

/// `publisher` (the book's, else [`TeiOptions::publisher`]), `distributor`
/// and `authority`.
pub(super) fn publisher(out: &mut Out, book: &CollectionMetadata, options: &TeiOptions) -> Result<()> {
    match &book.publisher {
        Some(p) => out.leaf("publisher", &[("n", BOOK)], p)?,
        None => out.leaf("publisher", &[], &options.publisher)?,
    }
    if let Some(d) = &options.distributor {
        out.leaf("distributor", &[], d)?;
    }
    if let Some(a) = &options.authority {
        out.leaf("authority", &[], a)?;
    }
    Ok(())
}

/// `availability` (from [`TeiOptions`]) and the document's `date`.
pub(super) fn availability_and_date(out: &mut Out, options: &TeiOptions, date: Timestamp) -> Result<()> {
    out.open("availability", &[("status", options.availability.name())])?;
    match &options.licence_url {
        Some(url) => out.leaf("licence", &[("target", url)], &options.licence)?,
        None => out.leaf("licence", &[], &options.licence)?,
    }
    out.close("availability")?;
    match when(date) {
        Some(w) => out.leaf("date", &[("when", &w)], &w),
        None => out.leaf("date", &[], &date.date()),
    }
}

/// The book's date, as given (`@when` too when it reads as a date).
pub(super) fn book_date(out: &mut Out, book: &CollectionMetadata) -> Result<()> {
    let Some(d) = &book.date else { return Ok(()) };
    match Timestamp::parse(d).ok().and_then(when) {
        Some(w) => out.leaf("date", &[("when", &w), ("n", BOOK)], d),
        None => out.leaf("date", &[("n", BOOK)], d),
    }
}

/// The book's description, as `abstract`.
pub(super) fn book_abstract(out: &mut Out, book: &CollectionMetadata) -> Result<()> {
    let Some(description) = &book.description else { return Ok(()) };
    out.open("abstract", &[])?;
    out.leaf("p", &[], description)?;
    out.close("abstract")
}

/// What identifies a source, in a `bibl`: its URL, its date (`@when` when
/// it can be read), the SHA-256 of its bytes, and an open `extent` with its
/// length in bytes (the caller adds its measures and closes it). A record's
/// `sourceDesc` and a corpus's `listBibl` say it the same way.
pub(super) fn source_identity(out: &mut Out, meta: &crate::article::Metadata) -> Result<()> {
    if let Some(url) = &meta.source.url {
        out.leaf("idno", &[("type", "URI")], url)?;
    }
    if let Some(d) = &meta.source.date {
        match Timestamp::parse(d).ok().and_then(when) {
            Some(w) => out.leaf("date", &[("when", &w)], d)?,
            None => out.leaf("date", &[], d)?,
        }
    }
    out.leaf("idno", &[("type", "sha256")], &meta.source_sha256)?;
    out.open("extent", &[])?;
    let bytes = meta.source_bytes.to_string();
    out.leaf("measure", &[("unit", "bytes"), ("quantity", &bytes)], &format!("{bytes} bytes"))
}

/// `tag` if TEI accepts it as a language tag, else `und`.
pub(super) fn language_tag(tag: &str) -> String {
    if xml::is_language_tag(tag) {
        tag.to_owned()
    } else {
        "und".to_owned()
    }
}

fn count(counts: &BTreeMap<EditKind, usize>, kind: EditKind) -> usize {
    counts.get(&kind).copied().unwrap_or(0)
}

fn encoding_desc(
    out: &mut Out,
    article: &Article,
    options: &TeiOptions,
    counts: &BTreeMap<EditKind, usize>,
) -> Result<()> {
    let meta = &article.metadata;
    let n = |k| count(counts, k);
    let method = if options.inline_edits { "markup" } else { "silent" };
    out.open("encodingDesc", &[])?;

    out.open("appInfo", &[])?;
    let schema_version: String =
        VERSION.split(['-', '+']).next().unwrap_or("0").chars().filter(|c| c.is_ascii_digit() || *c == '.').collect();
    let app_id = out.id(APP);
    out.open("application", &[("xml:id", &app_id), ("ident", APP), ("version", &schema_version)])?;
    out.leaf("label", &[], &format!("{APP} {VERSION}"))?;
    out.leaf(
        "p",
        &[],
        "Decodes a scraped Chinese news article, undoes byte-shift damage, removes pinyin annotations and \
         boilerplate, converts the script, restores punctuation and paragraph structure, and records every edit.",
    )?;
    out.close("application")?;
    out.close("appInfo")?;

    out.open("editorialDecl", &[])?;
    out.open("correction", &[("method", method)])?;
    out.leaf(
        "p",
        &[],
        &format!(
            "Byte-shift damage (pinyin annotations inserted into GBK bytes, which knocked the following text \
             out of step) was rebuilt by re-decoding the shifted bytes: {} repair(s). Undecodable byte spans \
             corrected: {}. The source had {} malformed byte(s) in {}.",
            n(EditKind::Repair),
            n(EditKind::Decode),
            meta.encoding.malformed_bytes,
            meta.encoding.name
        ),
    )?;
    let marks = super::text::doubt_marks(article);
    let damaged = marks.iter().filter(|m| m.damaged).count();
    out.leaf(
        "p",
        &[],
        &format!(
            "Doubtful text is marked where it stands: damage that could not be undone is left as it was inside \
             damage[@agent='byte-shift'] ({damaged}); a rebuilt stretch with bytes the repair had to choose among \
             several that read about as well (a digit or mark swallowed by the damage) is inside \
             unclear[@reason='guessed-bytes'] ({}). Each has an xml:id that the warning notes about it point to \
             with @target; their @subtype is unrepaired or guessed.",
            marks.len() - damaged
        ),
    )?;
    out.close("correction")?;

    out.open("normalization", &[("method", method)])?;
    let backend = options.converter.as_deref().unwrap_or("OpenCC dictionaries (opencc-fmmseg)");
    let script = if meta.source_script == meta.target_script || n(EditKind::Script) == 0 {
        format!(
            "Script: the text stays in {} ({}); no conversion edits.",
            meta.language,
            xml::script_words(meta.target_script)
        )
    } else {
        format!(
            "Script: converted from {} ({}) to {} ({}) with {backend}: {} conversion(s).",
            meta.source_language,
            xml::script_words(meta.source_script),
            meta.language,
            xml::script_words(meta.target_script),
            n(EditKind::Script)
        )
    };
    out.leaf("p", &[], &script)?;
    out.leaf(
        "p",
        &[],
        &format!(
            "Pinyin reading annotations such as 會(huì) removed where the syllable is a reading of the character \
             before it (real parentheticals kept): {}. Character hygiene (line endings, Unicode NFC, zero-width \
             and control characters): {} edit(s).",
            n(EditKind::Annotation),
            n(EditKind::Cleanup)
        ),
    )?;
    out.close("normalization")?;

    out.open("punctuation", &[("marks", "all")])?;
    out.leaf(
        "p",
        &[],
        &format!(
            "Half-width punctuation inside Chinese text restored to full width (，：（）…), left alone inside \
             Latin runs, numbers, URLs and code: {} edit(s).",
            n(EditKind::Punctuation)
        ),
    )?;
    out.close("punctuation")?;

    out.open("segmentation", &[])?;
    let paragraphs = article.paragraphs().count();
    out.leaf(
        "p",
        &[],
        &format!(
            "The first non-empty line is the title (head); paragraphs (p) are separated by blank lines, or are \
             single lines when the source has no blank lines. Wrapped lines were joined without a space unless \
             between two Latin letters or digits; indents and repeated spaces removed: {} edit(s). {paragraphs} \
             paragraph(s).",
            n(EditKind::Structure)
        ),
    )?;
    out.close("segmentation")?;

    out.open("interpretation", &[])?;
    let kept = if n(EditKind::Boilerplate) == 0 {
        ""
    } else if options.keep_boilerplate {
        " The removed text is kept in back/div[@type='boilerplate']."
    } else {
        " The removed text was not kept in this record."
    };
    out.leaf(
        "p",
        &[],
        &format!(
            "Boilerplate (disclaimers, editor and source lines, repost and copyright notices) removed: {} \
             passage(s).{kept}",
            n(EditKind::Boilerplate)
        ),
    )?;
    out.close("interpretation")?;

    let inline = if options.inline_edits {
        "Every changed stretch of the text is encoded inline: corrections of damage as choice/sic+corr, all \
         other edits as choice/orig+reg; an empty side is an empty element. On each choice, @n is the byte range \
         (start-end, UTF-8) of the orig or sic text in the decoded source, and @change points to the revisionDesc \
         entries of the passes that made the change. Reading corr and reg gives the normalised text; reading sic \
         and orig gives the source text. "
    } else {
        "Edits are not marked in the text (silent normalisation). "
    };
    out.leaf(
        "p",
        &[],
        &format!(
            "{inline}standOff/listChange[@type='edits'] lists every edit of every pass in order: @type is the \
             pass, @n the source byte range, followed by the block index and byte range of the result when it \
             survived (block:start-end); its orig and reg hold the pass's input and output text."
        ),
    )?;
    if super::text::keeps_source(article, options) {
        out.leaf(
            "p",
            &[],
            &format!(
                "standOff/seg[@type='source'] holds the source exactly as decoded from {}, every character and \
                 all whitespace, so that the record alone rebuilds the source bytes: encode its text in {} \
                 again, except that each seg[@type='bytes'] inside it stands for the source bytes written in \
                 its @n in hex (a byte order mark, a malformed byte sequence whose text is U+FFFD, or characters \
                 the encoding would write differently); a g element stands for the character its @ref names in \
                 charDecl. The SHA-256 of the result is sourceDesc/bibl/idno[@type='sha256'].",
                meta.encoding.name, meta.encoding.name
            ),
        )?;
    } else {
        // Said plainly, so that no record silently fails to rebuild. (One
        // sentence whatever the cause: a record read back has no source
        // either, and must write the same bytes again.)
        out.leaf(
            "p",
            &[],
            "This record does not keep the source text (it was left out, or the article was not made from \
             source bytes): it cannot rebuild the source bytes, which sourceDesc/bibl/idno[@type='sha256'] \
             identifies where it is given.",
        )?;
    }
    out.close("editorialDecl")?;
    let forbidden = super::text::forbidden_characters(article, options);
    if !forbidden.is_empty() {
        out.open("charDecl", &[])?;
        out.leaf(
            "desc",
            &[],
            "Characters of the source that XML 1.0 cannot hold; in standOff/seg[@type='source'] each is a g \
             pointing here. The xml:id is U followed by the code point in hex.",
        )?;
        for c in forbidden {
            let id = out.id(&xml::char_id(c));
            out.open("char", &[("xml:id", &id)])?;
            out.leaf("desc", &[], &format!("U+{:04X}, a character XML 1.0 cannot hold", u32::from(c)))?;
            out.close("char")?;
        }
        out.close("charDecl")?;
    }
    out.close("encodingDesc")
}

fn profile_desc(out: &mut Out, article: &Article, book: &CollectionMetadata, own: &CollectionMetadata) -> Result<()> {
    let meta = &article.metadata;
    out.open("profileDesc", &[])?;
    book_abstract(out, book)?;
    out.open("langUsage", &[])?;
    if book.language != own.language && !book.language.is_empty() {
        out.leaf("language", &[("ident", &language_tag(&book.language)), ("n", BOOK)], "The book's language")?;
    }
    let target = format!("target {}", xml::script_name(meta.target_script));
    out.leaf(
        "language",
        &[("ident", &language_tag(&meta.language)), ("n", &target)],
        &format!("{} (the normalised text)", xml::script_words(meta.target_script)),
    )?;
    let source = format!("source {}", xml::script_name(meta.source_script));
    out.leaf(
        "language",
        &[("ident", &language_tag(&meta.source_language)), ("n", &source)],
        &format!("{} (the source, as detected)", xml::script_words(meta.source_script)),
    )?;
    out.close("langUsage")?;
    if !meta.source.keywords.is_empty() {
        out.open("textClass", &[])?;
        out.open("keywords", &[])?;
        for k in &meta.source.keywords {
            out.leaf("term", &[], k)?;
        }
        out.close("keywords")?;
        out.close("textClass")?;
    }
    out.close("profileDesc")
}

/// One `change` per pass that altered the text, in pipeline order.
fn revision_desc(out: &mut Out, article: &Article, counts: &BTreeMap<EditKind, usize>, date: Timestamp) -> Result<()> {
    if counts.is_empty() {
        return Ok(());
    }
    let meta = &article.metadata;
    let when = when(date);
    out.open("revisionDesc", &[])?;
    for kind in EditKind::ALL {
        let n = count(counts, kind);
        if n == 0 {
            continue;
        }
        let what = match kind {
            EditKind::Decode => "Undecodable byte spans corrected".to_owned(),
            EditKind::Extraction => format!(
                "The article taken out of the {} page with {}: markup, navigation and page furniture left out, \
                 character references read",
                meta.extraction.as_ref().map_or("HTML", |e| e.format.as_str()),
                meta.extraction.as_ref().map_or("an extractor", |e| e.extractor.as_str())
            ),
            EditKind::Cleanup => "Character hygiene (line endings, NFC, zero-width and control characters)".to_owned(),
            EditKind::Repair => "Byte-shift damage rebuilt from GBK bytes".to_owned(),
            EditKind::Annotation => "Pinyin reading annotations removed".to_owned(),
            EditKind::Boilerplate => "Boilerplate passages removed".to_owned(),
            EditKind::Script => {
                format!("Script converted from {} to {}", meta.source_language, meta.language)
            }
            EditKind::Punctuation => "Half-width punctuation restored to full width".to_owned(),
            EditKind::Structure => "Line structure and whitespace normalised".to_owned(),
        };
        let id = out.id(&xml::revision_id(kind));
        let count = n.to_string();
        let who = out.pointer(APP);
        let mut attrs = vec![("xml:id", id.as_str()), ("type", kind.name()), ("n", count.as_str())];
        if let Some(w) = &when {
            attrs.push(("when", w));
        }
        attrs.push(("who", &who));
        out.leaf("change", &attrs, &format!("{what}: {n} edit(s)."))?;
    }
    out.close("revisionDesc")
}
