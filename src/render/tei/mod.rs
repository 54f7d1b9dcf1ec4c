//! TEI P5 records: [`write_tei`] writes an [`Article`] as a TEI document that
//! validates against `tei_all.rng`, describes its source exactly and encodes
//! every edit; [`read_tei`] reads such a record back.
//!
//! ```
//! use zharchive::render::tei::{read_tei, write_tei, TeiOptions};
//! let article = zharchive::normalize("會(huì)議\n\n因?yàn)獒t(yī)生說,好。".as_bytes(), &Default::default())?;
//! let record = write_tei(&article, &TeiOptions::default())?;
//! let xml = String::from_utf8(record.bytes.clone()).unwrap();
//! // The title: an annotation removed and the script converted, in one change.
//! assert!(xml.contains(
//!     r##"<head><choice n="0-12" change="#rev-annotation #rev-script"><orig>會(huì)議</orig><reg>会议</reg></choice></head>"##
//! ));
//! // Repaired damage is a correction.
//! assert!(xml.contains(r##"<choice n="17-27" change="#rev-repair #rev-script"><sic>?yàn)獒t</sic><corr>为医</corr></choice>"##));
//! // The record reads back into the same article.
//! assert_eq!(read_tei(&record.bytes)?, article);
//! # Ok::<(), zharchive::Error>(())
//! ```
//!
//! # The record
//!
//! * `teiHeader`: `fileDesc` (title, author, editor and `respStmt`s;
//!   `publicationStmt` from [`TeiOptions`] with an `idno` of the source's
//!   SHA-256 and the article's [`crate::render::article_uuid`]; warnings as
//!   `notesStmt/note[@type="warning"]`, a doubt's note with its kind in
//!   `@subtype` and `@target` pointing at its mark in the text;
//!   `sourceDesc/bibl` with the source's own title, author, the authors the
//!   page's head lists (`author/persName`), journal (`title[@level="j"]`),
//!   site, affiliations and identifiers (`note[@type="affiliation"]`,
//!   `note[@type="identifier"]/label+idno`), URL, date, SHA-256, length in
//!   bytes, malformed bytes, encoding and script), `encodingDesc` (`appInfo`; an
//!   `editorialDecl` whose `correction`, `normalization`, `punctuation`,
//!   `segmentation` and `interpretation` say what each pass did, with
//!   counts), `profileDesc` (target and source language tags, keywords) and
//!   `revisionDesc` (one `change` per pass that altered the text, with its
//!   count in `@n`).
//! * `text`: `body/div[@type="article"]` with the title as `head`, the
//!   page's head metadata lines as `ab[@type="head-metadata"]` (the field in
//!   `@subtype`) and the paragraphs as `p` (a later heading starts a new
//!   `div`); doubtful text inside `damage[@agent="byte-shift"]` (damage left
//!   as it was) or `unclear[@reason="guessed-bytes"]` (bytes the repair had
//!   to guess), each with an `xml:id`; `back` keeps removed boilerplate when
//!   [`TeiOptions::keep_boilerplate`] is on.
//! * `standOff/seg[@type="source"]`: the source exactly as decoded
//!   ([`crate::Metadata::source_text`]), every character and all
//!   whitespace, with the source bytes that encoding it again would not give
//!   back ([`crate::EncodingReport::raw`]: the BOM, malformed sequences,
//!   characters that do not round-trip) inside `seg[@type="bytes"]`, the
//!   bytes in hex in `@n`. With the encoding named in `sourceDesc`, this
//!   makes the record lossless: [`rebuild_source`] gives back the bytes that
//!   were received and checks their SHA-256 against `idno[@type="sha256"]`.
//!   Left out with [`TeiOptions::keep_source`] or
//!   [`TeiOptions::keep_boilerplate`] off.
//! * `standOff/listChange[@type="edits"]`: every [`crate::Edit`] of the
//!   provenance log, in order, as
//!   `<change type="repair" n="1261-1271 4:388-394"><choice><orig>…</orig><reg>…</reg></choice></change>`:
//!   `@type` the pass, `@n` the source byte range and, when the result
//!   survived, `block:start-end` in the output; `orig`/`reg` the pass's own
//!   input and output text.
//!
//! Facts the reader needs are attributes beside the prose that states them
//! for a person (see the `header` module); the prose itself is never parsed.
//!
//! # Inline edits
//!
//! Each [`crate::Change`] of a block is one `choice` in its `head` or `p`:
//!
//! ```text
//! <choice n="1261-1271" change="#rev-repair #rev-script"><sic>?yàn)獒t</sic><corr>为医</corr></choice>
//! <choice n="40-46" change="#rev-annotation"><orig>(huì)</orig><reg/></choice>
//! ```
//!
//! * a change made (also) by the repair or decode passes is a correction of
//!   damage: `sic`/`corr`; every other change is a regularisation:
//!   `orig`/`reg`;
//! * `@n` is the byte range (`start-end`, UTF-8 offsets) of the old side in
//!   the decoded source, so each stretch can be checked against the source;
//! * `@change` points at the `revisionDesc/change` of each pass involved;
//! * an empty side is an empty element (`<reg/>`: text was removed;
//!   `<orig/>`: text was inserted).
//!
//! Every change is encoded, whitespace and line structure included (a joined
//! line is `<orig>\n</orig><reg/>`), so the two readings of the body are
//! exact: taking `corr`/`reg` gives [`Article::plain_text`] (blocks joined by
//! blank lines), and taking `sic`/`orig` gives the source text of each block.
//! A change that removed boilerplate keeps the boilerplate as its `orig`
//! unless [`TeiOptions::keep_boilerplate`] is off, in which case the removed
//! text is left out of the record everywhere. `<text>` carries
//! `xml:space="preserve"`: its whitespace is the article's. With
//! [`TeiOptions::inline_edits`] off the body is the normalised text alone
//! (the changes are not read back), and `sourceDesc` gives the normalised
//! title, since the record no longer shows how the source title became it.
//!
//! # What XML cannot hold
//!
//! In the kept source, each character XML 1.0 forbids (most C0 controls,
//! U+FFFE, U+FFFF) is a `<g ref="#U0001"/>` pointing at its
//! `encodingDesc/charDecl/char` (the `xml:id` is `U` and the code point in
//! hex), so nothing of the source is lost. Elsewhere (the body, the edit
//! log) such characters are dropped with a warning in
//! [`Rendered::warnings`]; a carriage return is written as `&#13;`
//! everywhere so that parsers keep it. A language tag TEI would reject is
//! written `und`, with a warning.
//!
//! # The corpus
//!
//! [`write_tei_collection`] writes a collection of several articles as one
//! `teiCorpus`: a corpus `teiHeader` (the book's title, creators as
//! `author`, editor, `respStmt`s, publication with the book's identifier,
//! `sourceDesc/listBibl` listing every article's source with its SHA-256,
//! the shared `encodingDesc`, languages and description), then one `TEI`
//! per article, written by the same function as a record on its own, with
//! `xml:id` [`crate::Collection::chapter_ids`] and every id inside scoped
//! by it (`a-1f2e3d4c5b6a.rev-repair`): XML wants ids unique in the whole
//! document, and `jing` checks that they are.
//!
//! The corpus header's `encodingDesc` states once what every record shares:
//! the application (`appInfo`), how the records relate to the header and
//! how their ids are made, and the corpus's total of each pass. Each record
//! still keeps its own complete `encodingDesc`, which TEI lets a record's
//! header do (it overrides the corpus header's declarations): its
//! `editorialDecl` gives that article's counts (repairs, conversions,
//! boilerplate removed, its source's encoding), so it is not the same from
//! one record to the next, and its `charDecl` declares the characters of
//! that record's kept source that XML cannot hold, which the record's `g`
//! elements point at within the record. Keeping them makes each record the
//! article's record exactly (a record taken out of the corpus is a record
//! [`read_tei`] reads), at the cost of repeating the fixed prose, a few
//! kilobytes per record. A collection of one is
//! the record of its article, byte for byte when its metadata are the
//! article's own ([`crate::CollectionMetadata::of_article`]); metadata given
//! for the book go where the record states the document's own, with
//! `@n="book"`.
//!
//! [`read_tei`] reads one record and refuses a corpus with an error that
//! names `teiCorpus`; [`read_tei_corpus`] reads either into a
//! [`Collection`], record by record, and `write_tei_collection` of what it
//! reads gives the same bytes. [`rebuild_source`] rebuilds the source of a
//! record; [`rebuild_corpus_sources`] those of every record of a corpus.
//!
//! # Determinism
//!
//! No clock is read: the record's date is [`Timestamp::resolve`] of
//! [`TeiOptions::date`]; a corpus's is that date, else `SOURCE_DATE_EPOCH`,
//! else the book's date ([`crate::CollectionMetadata::date`]) when it reads
//! as a date, else what the first article gives. The same article (or
//! collection) and options give the same bytes, and
//! `write_tei(read_tei(record))` gives the record back byte for byte (as
//! `write_tei_collection(read_tei_corpus(corpus))` gives the corpus).
//! (For a hand-built article whose block text holds characters XML cannot
//! hold, that holds from the second round on: the first record already lacks
//! them, and the article identifier is derived from the text.)

mod corpus;
mod header;
mod read;
mod text;
mod xml;

use serde::{Deserialize, Serialize};

use crate::article::{Article, Warning};
use crate::collection::{Collection, CollectionMetadata};
use crate::error::{Error, Result};
use crate::render::{Rendered, Timestamp};

pub use read::{read_tei, read_tei_corpus, rebuild_corpus_sources, rebuild_source};

/// The TEI namespace, declared on the record's root element.
///
/// ```
/// let a = zharchive::normalize("标题\n\n正文。".as_bytes(), &Default::default())?;
/// let xml = zharchive::render::tei::write_tei(&a, &Default::default())?.bytes;
/// let xml = String::from_utf8(xml).unwrap();
/// assert!(xml.contains(&format!("<TEI xmlns=\"{}\"", zharchive::render::tei::TEI_NS)));
/// # Ok::<(), zharchive::Error>(())
/// ```
pub const TEI_NS: &str = "http://www.tei-c.org/ns/1.0";

/// Options for [`write_tei`]. Missing fields take their defaults when read
/// with serde:
///
/// ```
/// use zharchive::render::tei::TeiOptions;
/// let opts: TeiOptions = serde_json::from_str(r#"{ "keep_boilerplate": false, "date": "2024-06-15" }"#).unwrap();
/// assert!(opts.inline_edits && !opts.keep_boilerplate);
/// assert_eq!(opts.publisher, TeiOptions::default().publisher);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TeiOptions {
    /// Encode every edit inline as `choice` (default on); off writes the
    /// normalised text alone.
    pub inline_edits: bool,
    /// Keep removed boilerplate in the record (`back/div[@type="boilerplate"]`
    /// and the `orig` of the changes that removed it; default on).
    pub keep_boilerplate: bool,
    /// `publicationStmt/publisher`.
    pub publisher: String,
    /// `publicationStmt/distributor`, if any.
    pub distributor: Option<String>,
    /// `publicationStmt/authority`, if any.
    pub authority: Option<String>,
    /// `availability/@status`.
    pub availability: Availability,
    /// `availability/licence`: the terms of use, in words.
    pub licence: String,
    /// `licence/@target`: the URL of a licence text, if any.
    pub licence_url: Option<String>,
    /// The record's date (`YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SSZ`); see
    /// [`Timestamp::resolve`] for what is used without one.
    pub date: Option<String>,
    /// `titleStmt/editor`: who prepared the record.
    pub editor: Option<String>,
    /// More `titleStmt/respStmt`s (the crate adds its own).
    pub resp: Vec<Resp>,
    /// How the script was converted, for `normalization` (default: the
    /// crate's OpenCC converter).
    pub converter: Option<String>,
    /// Keep the source exactly as decoded in `standOff/seg[@type='source']`
    /// (default on), so that the record alone gives back the source bytes
    /// ([`rebuild_source`]). Not written when [`TeiOptions::keep_boilerplate`]
    /// is off, since the source holds the boilerplate.
    pub keep_source: bool,
}

impl Default for TeiOptions {
    fn default() -> Self {
        TeiOptions {
            inline_edits: true,
            keep_boilerplate: true,
            publisher: "Unpublished archival record, generated with zharchive".to_owned(),
            distributor: None,
            authority: None,
            availability: Availability::Unknown,
            licence: "Copyright in the article text remains with its original publisher. This record documents \
                      the text for archival and research purposes."
                .to_owned(),
            licence_url: None,
            date: None,
            editor: None,
            resp: Vec::new(),
            converter: None,
            keep_source: true,
        }
    }
}

/// `availability/@status` (the values TEI allows).
///
/// ```
/// use zharchive::render::tei::{Availability, TeiOptions};
/// let opts = TeiOptions { availability: Availability::Free, ..Default::default() };
/// let a = zharchive::normalize("标题\n\n正文。".as_bytes(), &Default::default())?;
/// let xml = zharchive::render::tei::write_tei(&a, &opts)?.bytes;
/// assert!(String::from_utf8(xml).unwrap().contains(r#"<availability status="free">"#));
/// # Ok::<(), zharchive::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Availability {
    /// Freely available.
    Free,
    /// Not known (the default: a scraped article's rights rarely are).
    #[default]
    Unknown,
    /// Restricted.
    Restricted,
}

impl Availability {
    /// The attribute value.
    ///
    /// ```
    /// assert_eq!(zharchive::render::tei::Availability::Free.name(), "free");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Availability::Free => "free",
            Availability::Unknown => "unknown",
            Availability::Restricted => "restricted",
        }
    }
}

/// A `respStmt`: who did what.
///
/// ```
/// let r = zharchive::render::tei::Resp { resp: "Proofreading".into(), name: "Li Hua".into() };
/// assert_eq!(r.name, "Li Hua");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Resp {
    /// The responsibility (`resp`).
    pub resp: String,
    /// The person or body (`name`).
    pub name: String,
}

/// Write `article` as a TEI P5 record (UTF-8).
///
/// ```
/// use zharchive::render::tei::{write_tei, TeiOptions};
/// let article = zharchive::normalize("標題\n\n正文,完。".as_bytes(), &Default::default())?;
/// let opts = TeiOptions { date: Some("2024-06-15".into()), ..Default::default() };
/// let record = write_tei(&article, &opts)?;
/// let xml = std::str::from_utf8(&record.bytes).unwrap();
/// assert!(xml.contains(r#"<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:lang="zh-Hans">"#));
/// assert!(xml.contains(&article.metadata.source_sha256));
/// assert!(xml.contains("<head><choice"));
/// assert!(record.warnings.is_empty());
/// # Ok::<(), zharchive::Error>(())
/// ```
///
/// # Errors
///
/// [`crate::Error::Options`] if [`TeiOptions::date`] (or
/// `SOURCE_DATE_EPOCH`) cannot be read; [`crate::Error::Render`] if a block
/// lists a change outside its text (an article not built by
/// [`crate::normalize()`]).
pub fn write_tei(article: &Article, options: &TeiOptions) -> Result<Rendered> {
    single(article, &CollectionMetadata::of_article(article), options)
}

/// Write a collection as TEI: a collection of one as the record of its
/// article ([`write_tei`], byte for byte when the collection's metadata are
/// the article's; metadata given for the book are written with
/// `@n="book"`), several as a `teiCorpus` (see [the corpus](#the-corpus)).
///
/// ```
/// use zharchive::render::tei::{read_tei_corpus, write_tei, write_tei_collection, TeiOptions};
/// use zharchive::{Collection, CollectionMetadata};
/// let opts = zharchive::Options::default();
/// let a = zharchive::normalize("第一篇\n\n正文,完。".as_bytes(), &opts)?;
/// let b = zharchive::normalize("第二篇\n\n正文。".as_bytes(), &opts)?;
/// // One article: the record of the article.
/// let one = Collection::of_one(a.clone());
/// assert_eq!(write_tei_collection(&one, &TeiOptions::default())?, write_tei(&a, &TeiOptions::default())?);
/// // Several: a corpus, which reads back into the same collection.
/// let meta = CollectionMetadata { title: "文集".into(), creators: vec!["某报".into()], ..Default::default() };
/// let book = Collection::new(meta, vec![a, b])?;
/// let corpus = write_tei_collection(&book, &TeiOptions::default())?;
/// let xml = std::str::from_utf8(&corpus.bytes).unwrap();
/// assert!(xml.contains("<teiCorpus") && xml.matches("<TEI ").count() == 2);
/// assert_eq!(read_tei_corpus(&corpus.bytes)?, book);
/// # Ok::<(), zharchive::Error>(())
/// ```
///
/// # Errors
///
/// Those of [`write_tei`], for any record (the message names the record
/// by its place and `xml:id`); [`crate::Error::Options`] for a collection
/// without articles.
pub fn write_tei_collection(collection: &Collection, options: &TeiOptions) -> Result<Rendered> {
    match collection.articles.as_slice() {
        [] => Err(Error::Options("a TEI document needs at least one article".into())),
        [article] => single(article, &collection.metadata, options),
        _ => corpus::write(collection, options),
    }
}

/// The one TEI document of a record on its own.
fn single(article: &Article, book: &CollectionMetadata, options: &TeiOptions) -> Result<Rendered> {
    let mut out = xml::Out::new()?;
    let mut warnings = Vec::new();
    record(&mut out, article, book, None, options, &mut warnings)?;
    Ok(Rendered { bytes: out.finish()?, warnings })
}

/// Write the `TEI` element of `article`'s record, with `book` as its
/// metadata, into `out`: the one code path of every record, alone or in a
/// corpus. In a corpus, `id` is the record's `xml:id`, and every `xml:id`
/// inside is scoped by it ([`xml::Out::id`]).
fn record(
    out: &mut xml::Out,
    article: &Article,
    book: &CollectionMetadata,
    id: Option<&str>,
    options: &TeiOptions,
    warnings: &mut Vec<Warning>,
) -> Result<()> {
    let date = Timestamp::resolve(options.date.as_deref(), article)?;
    let language = header::language_tag(&article.metadata.language);
    for tag in [&article.metadata.language, &article.metadata.source_language] {
        if header::language_tag(tag) != *tag {
            warnings.push(Warning::new(
                "tei-language-tag",
                format!("the language tag {tag:?} is not valid in TEI and was written as \"und\""),
                None,
            ));
        }
    }
    let dropped_before = out.dropped;
    out.set_scope(id);
    let mut attrs = vec![("xmlns", TEI_NS), ("xml:lang", language.as_str())];
    if let Some(id) = id {
        attrs.push(("xml:id", id));
    }
    out.open("TEI", &attrs)?;
    header::write(out, article, book, options, date)?;
    text::write(out, article, options)?;
    text::stand_off(out, article, options)?;
    out.close("TEI")?;
    out.set_scope(None);
    let dropped = out.dropped - dropped_before;
    if dropped > 0 {
        warnings.push(Warning::new(
            "tei-dropped-characters",
            format!("{dropped} character(s) that XML 1.0 cannot hold were left out of the TEI record"),
            None,
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::{Block, BlockKind, Change, EditKind};

    fn article() -> Article {
        let source = "標題\n\n會(huì)議開始了,好。\n\n(免責聲明:本網站內容僅供參考。)";
        crate::normalize(source.as_bytes(), &crate::Options::default()).unwrap()
    }

    fn xml(article: &Article, options: &TeiOptions) -> String {
        String::from_utf8(write_tei(article, options).unwrap().bytes).unwrap()
    }

    #[test]
    fn record_reads_back_and_rewrites_identically() {
        let a = article();
        let record = write_tei(&a, &TeiOptions::default()).unwrap();
        let back = read_tei(&record.bytes).unwrap();
        assert_eq!(back, a);
        assert_eq!(write_tei(&back, &TeiOptions::default()).unwrap(), record);
    }

    #[test]
    fn boilerplate_is_kept_in_back_or_left_out() {
        let a = article();
        let kept = xml(&a, &TeiOptions::default());
        assert!(kept.contains("<back>") && kept.contains("免責聲明"));
        let dropped = xml(&a, &TeiOptions { keep_boilerplate: false, ..TeiOptions::default() });
        assert!(!dropped.contains("<back>") && !dropped.contains("免責聲明"));
        assert!(dropped.contains("The removed text was not kept in this record."));
        assert!(dropped.contains("This record does not keep the source text"));
        assert!(!kept.contains("This record does not keep the source text"));
    }

    #[test]
    fn later_headings_open_new_divisions() {
        let mut a = article();
        let heading = |t: &str| Block { kind: BlockKind::Heading, text: t.into(), changes: Vec::new() };
        a.blocks.push(heading("第二部分"));
        a.blocks.push(heading("第三部分"));
        let x = xml(&a, &TeiOptions::default());
        assert_eq!(x.matches("<div type=\"article\">").count(), 3);
        assert_eq!(read_tei(x.as_bytes()).unwrap().blocks, a.blocks);
    }

    #[test]
    fn an_article_without_blocks_still_makes_a_record() {
        let mut a = article();
        a.blocks.clear();
        a.provenance.clear();
        a.warnings.clear();
        let x = xml(&a, &TeiOptions::default());
        assert!(x.contains("<title type=\"main\">Untitled article</title>"));
        assert!(!x.contains("<revisionDesc>") && !x.contains("<listChange"));
        // The source is still kept, and rebuilds.
        assert!(x.contains("<seg type=\"source\">"));
        assert_eq!(
            rebuild_source(x.as_bytes()).unwrap(),
            "標題\n\n會(huì)議開始了,好。\n\n(免責聲明:本網站內容僅供參考。)".as_bytes()
        );
        assert_eq!(read_tei(x.as_bytes()).unwrap(), a);
    }

    #[test]
    fn carriage_returns_survive_as_references() {
        let mut a = article();
        a.blocks[1].changes.insert(
            0,
            Change {
                range: 0..0,
                source: 0..2,
                original: "\r\n".into(),
                kinds: [EditKind::Cleanup].into_iter().collect(),
            },
        );
        let x = xml(&a, &TeiOptions::default());
        assert!(x.contains("<orig>&#13;\n</orig><reg/>"));
        assert_eq!(read_tei(x.as_bytes()).unwrap().blocks[1].changes[0].original, "\r\n");
    }
}
