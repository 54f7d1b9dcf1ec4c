//! A collection of several articles as one `teiCorpus`: a corpus
//! `teiHeader` that describes the book, then the record of each article,
//! written by the same function as a record on its own.
//!
//! The corpus header holds what is the book's: `titleStmt` (the book's
//! title, creators as `author`, the book's editor, the record's editor and
//! `respStmt`s), `extent` (how many records), `publicationStmt`
//! (publisher, `idno[@type="URI"]` = [`Collection::identifier`],
//! availability, the document's date and the book's), `sourceDesc/listBibl`
//! (one `bibl` per article, in order, pointing at its record with
//! `@corresp`: title, authors, site, URL, date, SHA-256 and length of the
//! source), an `encodingDesc` with the crate's `appInfo` and an
//! `editorialDecl` stating how the records relate to it and the corpus's
//! totals of each pass, and a `profileDesc` with the book's description
//! (`abstract`) and the languages of the records.
//!
//! Each record keeps its own complete `encodingDesc`: its paragraphs state
//! that article's counts (what each pass did to it, its source encoding,
//! its characters XML cannot hold), so they are not shared, and a record
//! taken out of the corpus is still the record of its article. TEI lets a
//! record's header override the corpus header's declarations; these do.
//! Only what is truly common (the application, the conventions of the
//! encoding) is stated once, at the corpus level.
//!
//! Each `TEI` has `xml:id` [`Collection::chapter_ids`] (from the article's
//! text, so a record keeps its id when the book around it changes), and
//! every `xml:id` inside it is that id, a full stop and the id a record on
//! its own would have (`a-1f2e3d4c5b6a.rev-repair`), as are the pointers to
//! them: XML wants ids unique in the whole document.

use std::collections::BTreeMap;

use super::header::{self, BOOK};
use super::xml::Out;
use super::{TeiOptions, TEI_NS};
use crate::article::{Article, EditKind, Warning};
use crate::collection::{Collection, CollectionMetadata};
use crate::error::{Error, Result};
use crate::render::{Rendered, Timestamp};

/// Write `collection` (two or more articles) as a `teiCorpus`.
pub(super) fn write(collection: &Collection, options: &TeiOptions) -> Result<Rendered> {
    let date = date(collection, options)?;
    let ids = collection.chapter_ids();
    let mut warnings = Vec::new();
    let book_language = collection.language();
    let language = header::language_tag(book_language);
    if language != book_language {
        warnings.push(Warning::new(
            "tei-language-tag",
            format!("the book's language tag {book_language:?} is not valid in TEI and was written as \"und\""),
            None,
        ));
    }
    let mut out = Out::new()?;
    out.open("teiCorpus", &[("xmlns", TEI_NS), ("xml:lang", &language)])?;
    corpus_header(&mut out, collection, &ids, options, date)?;
    for (i, (article, id)) in collection.articles.iter().zip(&ids).enumerate() {
        let start = out.len();
        let place = format!("record {} ({id})", i + 1);
        let before = warnings.len();
        let own = CollectionMetadata::of_article(article);
        super::record(&mut out, article, &own, Some(id), options, &mut warnings).map_err(|e| match e {
            Error::Render { format, message } => Error::Render { format, message: format!("{place}: {message}") },
            Error::Options(message) => Error::Options(format!("{place}: {message}")),
            other => other,
        })?;
        for w in &mut warnings[before..] {
            w.message = format!("{place}: {}", w.message);
        }
        if i == 0 {
            // Records of one book are much alike in size (tens of times
            // their source: the kept source, both readings of every edit,
            // the editorial prose): room for the rest, and a quarter more,
            // spares a corpus of a thousand records most of the copies
            // (and the moments of twice the memory) of a doubling buffer.
            let rest = (out.len() - start).saturating_mul(collection.len() - 1);
            out.reserve(rest.saturating_add(rest / 4));
        }
    }
    out.close("teiCorpus")?;
    Ok(Rendered { bytes: out.finish()?, warnings })
}

/// The corpus's date: [`TeiOptions::date`], else `SOURCE_DATE_EPOCH`, else
/// the book's date when it reads as one, else the first article's (see
/// [`Timestamp::resolve`]).
fn date(collection: &Collection, options: &TeiOptions) -> Result<Timestamp> {
    if options.date.is_none() && std::env::var_os("SOURCE_DATE_EPOCH").is_none() {
        if let Some(t) = collection.metadata.date.as_deref().and_then(|d| Timestamp::parse(d).ok()) {
            return Ok(t);
        }
    }
    Timestamp::resolve(options.date.as_deref(), &collection.articles[0])
}

fn corpus_header(
    out: &mut Out,
    collection: &Collection,
    ids: &[String],
    options: &TeiOptions,
    date: Timestamp,
) -> Result<()> {
    let book = &collection.metadata;
    let n = collection.len();
    out.open("teiHeader", &[])?;
    out.open("fileDesc", &[])?;

    out.open("titleStmt", &[])?;
    if book.title.is_empty() {
        out.leaf("title", &[("type", "main")], "Untitled collection")?;
    } else {
        out.leaf("title", &[("type", "main"), ("n", BOOK)], &book.title)?;
    }
    for creator in &book.creators {
        out.leaf("author", &[("n", BOOK)], creator)?;
    }
    header::responsibility(out, book, options, "Normalisation of the scraped sources and TEI encoding of each record")?;
    out.close("titleStmt")?;

    out.open("extent", &[])?;
    let count = n.to_string();
    out.leaf("measure", &[("unit", "records"), ("quantity", &count)], &format!("{n} records, one per article"))?;
    out.close("extent")?;

    out.open("publicationStmt", &[])?;
    header::publisher(out, book, options)?;
    let identifier = collection.identifier();
    if book.identifier.is_empty() {
        out.leaf("idno", &[("type", "URI")], &identifier)?;
    } else {
        out.leaf("idno", &[("type", "URI"), ("n", BOOK)], &identifier)?;
    }
    header::availability_and_date(out, options, date)?;
    header::book_date(out, book)?;
    out.close("publicationStmt")?;

    out.open("sourceDesc", &[])?;
    out.open("listBibl", &[])?;
    out.leaf("head", &[], &format!("The sources of the {n} records, in reading order"))?;
    for (i, (article, id)) in collection.articles.iter().zip(ids).enumerate() {
        source_bibl(out, article, i + 1, id, options)?;
    }
    out.close("listBibl")?;
    out.close("sourceDesc")?;
    out.close("fileDesc")?;

    encoding_desc(out, collection)?;
    profile_desc(out, collection)?;
    out.close("teiHeader")
}

/// One source of the corpus, pointing at its record.
fn source_bibl(out: &mut Out, article: &Article, place: usize, id: &str, options: &TeiOptions) -> Result<()> {
    let meta = &article.metadata;
    let place = place.to_string();
    let pointer = format!("#{id}");
    out.open("bibl", &[("type", "source"), ("n", &place), ("corresp", &pointer)])?;
    // The title the book shows: the caller's, else the normalised heading
    // (each record's own sourceDesc has the title as the source wrote it).
    let title = article.display_title().unwrap_or("Untitled article");
    out.leaf("title", &[], title)?;
    for creator in meta.source.creators() {
        out.leaf("author", &[], creator)?;
    }
    if let Some(site) = &meta.source.site {
        out.leaf("publisher", &[], site)?;
    }
    header::source_identity(out, meta)?;
    out.close("extent")?;
    if !super::text::keeps_source(article, options) {
        out.leaf("note", &[], "The record does not keep this source.")?;
    }
    out.close("bibl")
}

/// What every record shares: the application, and how the records relate
/// to this header; with the corpus's totals of each pass.
fn encoding_desc(out: &mut Out, collection: &Collection) -> Result<()> {
    out.open("encodingDesc", &[])?;
    out.open("appInfo", &[])?;
    let version: String = header::VERSION
        .split(['-', '+'])
        .next()
        .unwrap_or("0")
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    out.open("application", &[("xml:id", header::APP), ("ident", header::APP), ("version", &version)])?;
    out.leaf("label", &[], &format!("{} {}", header::APP, header::VERSION))?;
    out.leaf(
        "p",
        &[],
        "Wrote one TEI record per article, each exactly as for the article alone, and this corpus header.",
    )?;
    out.close("application")?;
    out.close("appInfo")?;

    out.open("editorialDecl", &[])?;
    out.leaf(
        "p",
        &[],
        "Each TEI element is the record of one article, in reading order, written as for the article on its \
         own. Its own encodingDesc states what each pass did to that article (with counts) and how its text and \
         its kept source are encoded; it overrides this header where the two differ. The record's xml:id is a- \
         followed by the first 12 hex digits of the SHA-256 of its normalised text (-2, -3 … added for a \
         repeated text); every xml:id inside the record starts with it and a full stop, and the record's \
         pointers point inside the record. sourceDesc/listBibl lists the source of every record, pointing at \
         the record with @corresp.",
    )?;
    let mut totals: BTreeMap<EditKind, usize> = BTreeMap::new();
    for article in &collection.articles {
        for (kind, n) in article.edit_counts() {
            *totals.entry(kind).or_insert(0) += n;
        }
    }
    let listed: Vec<String> = EditKind::ALL
        .into_iter()
        .map(|kind| format!("{} {}", kind.name(), totals.get(&kind).copied().unwrap_or(0)))
        .collect();
    out.leaf("p", &[], &format!("Edits in all the records, by pass: {}.", listed.join(", ")))?;
    out.close("editorialDecl")?;
    out.close("encodingDesc")
}

/// The book's description, and the languages of the records (the book's
/// own, when given, with `@n="book"`).
fn profile_desc(out: &mut Out, collection: &Collection) -> Result<()> {
    let book = &collection.metadata;
    out.open("profileDesc", &[])?;
    header::book_abstract(out, book)?;
    out.open("langUsage", &[])?;
    // The records' languages in order of first use, with how many use each.
    let mut languages: Vec<(String, usize)> = Vec::new();
    for article in &collection.articles {
        let tag = header::language_tag(&article.metadata.language);
        match languages.iter_mut().find(|(t, _)| *t == tag) {
            Some((_, n)) => *n += 1,
            None => languages.push((tag, 1)),
        }
    }
    let given = (!book.language.is_empty()).then(|| header::language_tag(&book.language));
    for (tag, n) in &languages {
        let words = format!("The normalised text of {n} of the {} records", collection.len());
        if given.as_deref() == Some(tag.as_str()) {
            out.leaf("language", &[("ident", tag), ("n", BOOK)], &format!("{words}; the book's language"))?;
        } else {
            out.leaf("language", &[("ident", tag)], &words)?;
        }
    }
    if let Some(tag) = given.filter(|g| !languages.iter().any(|(t, _)| t == g)) {
        out.leaf("language", &[("ident", &tag), ("n", BOOK)], "The book's language")?;
    }
    out.close("langUsage")?;
    out.close("profileDesc")
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::super::{read_tei, read_tei_corpus, rebuild_corpus_sources, write_tei, write_tei_collection};
    use super::*;
    use crate::{Options, TargetScript};

    const SOURCES: [&str; 3] = [
        "會(huì)議紀要\n\n會(huì)議開始了,大家好。\n\n(免責聲明:本網站內容僅供參考。)",
        "會議紀錄\n\n會議開始了,完。\u{1}",
        "第三篇\n\n因?yàn)獒t(yī)生說,好。",
    ];

    fn articles() -> Vec<Article> {
        let keep = Options { script: TargetScript::Keep, ..Options::default() };
        let mut a = crate::normalize(SOURCES[0].as_bytes(), &Options::default()).unwrap();
        a.metadata.source.title = Some("另题".into());
        a.metadata.source.url = Some("https://example.com/1".into());
        let b = crate::normalize(SOURCES[1].as_bytes(), &keep).unwrap();
        let c = crate::normalize(SOURCES[2].as_bytes(), &Options::default()).unwrap();
        assert_ne!(a.metadata.language, b.metadata.language, "the articles differ in script");
        vec![a, b, c]
    }

    fn full_metadata() -> CollectionMetadata {
        CollectionMetadata {
            title: "文集 & <其他>".into(),
            creators: vec!["某报".into(), "李华".into()],
            editor: Some("王编".into()),
            date: Some("2024-06-15".into()),
            language: "zh-Hant".into(),
            identifier: "urn:isbn:9780000000000".into(),
            description: Some("一年的专栏。\n第二行。".into()),
            publisher: Some("某出版社".into()),
        }
    }

    fn text(bytes: &[u8]) -> &str {
        std::str::from_utf8(bytes).unwrap()
    }

    /// `name="value"` values of every attribute called `name`.
    fn attribute_values<'a>(xml: &'a str, name: &str) -> Vec<&'a str> {
        let key = format!(" {name}=\"");
        xml.match_indices(&key)
            .map(|(at, _)| {
                let rest = &xml[at + key.len()..];
                &rest[..rest.find('"').unwrap()]
            })
            .collect()
    }

    #[test]
    fn a_corpus_reads_back_and_rewrites_identically() {
        let options = TeiOptions::default();
        for metadata in [full_metadata(), CollectionMetadata { title: "文集".into(), ..Default::default() }] {
            let book = Collection::new(metadata, articles()).unwrap();
            let corpus = write_tei_collection(&book, &options).unwrap();
            let back = read_tei_corpus(&corpus.bytes).unwrap();
            assert_eq!(back.metadata, book.metadata);
            // The articles come back, except for the control character
            // the second one's cleanup removed, which XML cannot hold in
            // the body (the kept source has it, as a g).
            assert_eq!((&back.articles[0], &back.articles[2]), (&book.articles[0], &book.articles[2]));
            assert_eq!(back.articles[1].blocks[1].changes[1].original, "");
            assert_eq!(back.articles[1].metadata, book.articles[1].metadata);
            assert_eq!(text(&write_tei_collection(&back, &options).unwrap().bytes), text(&corpus.bytes));
            assert_eq!(read_tei_corpus(&corpus.bytes).unwrap(), back);
        }
    }

    #[test]
    fn each_record_is_the_single_record_with_scoped_ids() {
        let book = Collection::new(full_metadata(), articles()).unwrap();
        let corpus = String::from_utf8(write_tei_collection(&book, &TeiOptions::default()).unwrap().bytes).unwrap();
        let ids = book.chapter_ids();
        for (article, id) in book.articles.iter().zip(&ids) {
            let alone = String::from_utf8(write_tei(article, &TeiOptions::default()).unwrap().bytes).unwrap();
            let body = &alone[alone.find("<TEI ").unwrap()..alone.rfind("</TEI>").unwrap()];
            // Scope the lone record's ids as the corpus does, and indent it.
            let mut scoped = body.replace(
                &format!("<TEI xmlns=\"{TEI_NS}\" xml:lang=\"{}\">", article.metadata.language),
                &format!("<TEI xmlns=\"{TEI_NS}\" xml:lang=\"{}\" xml:id=\"{id}\">", article.metadata.language),
            );
            for (from, to) in [("xml:id=\"", "xml:id=\"{id}."), ("\"#", "\"#{id}."), (" #rev-", " #{id}.rev-")] {
                scoped = scoped.replace(from, &to.replace("{id}", id));
            }
            scoped = scoped.replace(&format!("xml:id=\"{id}.{id}\""), &format!("xml:id=\"{id}\""));
            let open = corpus.find(&format!("xml:id=\"{id}\">")).unwrap();
            let start = corpus[..open].rfind("<TEI ").unwrap();
            let end = start + corpus[start..].find("</TEI>").unwrap();
            let inside = &corpus[start..end];
            // Same lines, indented one step deeper (the mixed content of the
            // text and the kept source is written inline, so it is equal).
            let lines = |s: &str| s.trim_end().lines().map(str::trim_start).map(str::to_owned).collect::<Vec<_>>();
            assert_eq!(lines(inside), lines(&scoped), "record {id}");
        }
    }

    #[test]
    fn ids_are_unique_and_every_pointer_finds_its_target() {
        let book = Collection::new(full_metadata(), articles()).unwrap();
        let corpus = String::from_utf8(write_tei_collection(&book, &TeiOptions::default()).unwrap().bytes).unwrap();
        let ids = attribute_values(&corpus, "xml:id");
        let unique: BTreeSet<&str> = ids.iter().copied().collect();
        assert_eq!(unique.len(), ids.len(), "xml:ids repeat");
        assert!(ids.iter().any(|i| i.ends_with(".U0001")), "the kept source's control character is declared");
        let mut pointers = 0;
        for name in ["change", "target", "ref", "who", "corresp"] {
            for value in attribute_values(&corpus, name) {
                for p in value.split_whitespace() {
                    let target = p.strip_prefix('#').unwrap_or_else(|| panic!("@{name}={p:?} is no pointer"));
                    assert!(unique.contains(target), "@{name} points at {target}, which no xml:id names");
                    pointers += 1;
                }
            }
        }
        assert!(pointers > 10);
        for id in &book.chapter_ids() {
            assert!(corpus.contains(&format!("corresp=\"#{id}\"")));
        }
    }

    #[test]
    fn the_corpus_header_describes_the_book() {
        let book = Collection::new(full_metadata(), articles()).unwrap();
        let corpus = String::from_utf8(write_tei_collection(&book, &TeiOptions::default()).unwrap().bytes).unwrap();
        let header = &corpus[..corpus.find("<TEI ").unwrap()];
        for expected in [
            "<teiCorpus xmlns=\"http://www.tei-c.org/ns/1.0\" xml:lang=\"zh-Hant\">",
            "<title type=\"main\" n=\"book\">文集 &amp; &lt;其他&gt;</title>",
            "<author n=\"book\">李华</author>",
            "<editor n=\"book\">王编</editor>",
            "<measure unit=\"records\" quantity=\"3\">3 records, one per article</measure>",
            "<publisher n=\"book\">某出版社</publisher>",
            "<idno type=\"URI\" n=\"book\">urn:isbn:9780000000000</idno>",
            "<date when=\"2024-06-15\" n=\"book\">2024-06-15</date>",
            "<title>另题</title>",
            "<idno type=\"URI\">https://example.com/1</idno>",
            "<p>一年的专栏。\n第二行。</p>",
            "<language ident=\"zh-Hant\" n=\"book\">",
        ] {
            assert!(header.contains(expected), "{expected}");
        }
        for a in &book.articles {
            assert!(header.contains(&format!("<idno type=\"sha256\">{}</idno>", a.metadata.source_sha256)));
        }
        // Without a given identifier, the derived one, unmarked.
        let plain =
            Collection::new(CollectionMetadata { title: "文集".into(), ..Default::default() }, articles()).unwrap();
        let xml = String::from_utf8(write_tei_collection(&plain, &TeiOptions::default()).unwrap().bytes).unwrap();
        assert!(xml.contains(&format!("<idno type=\"URI\">{}</idno>", plain.identifier())));
        assert!(!xml.contains("n=\"book\">urn:"));
    }

    #[test]
    fn a_collection_of_one_is_the_record_with_the_books_metadata() {
        let article = articles().remove(0);
        let options = TeiOptions::default();
        let alone = write_tei(&article, &options).unwrap();
        assert_eq!(write_tei_collection(&Collection::of_one(article.clone()), &options).unwrap(), alone);
        let given = Collection::new(full_metadata(), vec![article.clone()]).unwrap();
        let record = write_tei_collection(&given, &options).unwrap();
        let xml = text(&record.bytes);
        assert!(xml.contains("<TEI ") && !xml.contains("teiCorpus"));
        assert!(xml.contains("<title type=\"main\" n=\"book\">文集 &amp; &lt;其他&gt;</title>"));
        assert_eq!(read_tei(&record.bytes).unwrap(), article);
        let back = read_tei_corpus(&record.bytes).unwrap();
        assert_eq!(back, given);
        assert_eq!(write_tei_collection(&back, &options).unwrap(), record);
    }

    #[test]
    fn readers_say_what_they_cannot_read() {
        let book = Collection::new(full_metadata(), articles()).unwrap();
        let corpus = String::from_utf8(write_tei_collection(&book, &TeiOptions::default()).unwrap().bytes).unwrap();
        let err = read_tei(corpus.as_bytes()).unwrap_err().to_string();
        assert!(err.contains("teiCorpus") && err.contains("read_tei_corpus"), "{err}");
        // A source listed twice.
        let at = corpus.find("<bibl ").unwrap();
        let end = at + corpus[at..].find("</bibl>").unwrap() + "</bibl>".len();
        let twice = format!("{}{}{}", &corpus[..end], &corpus[at..end], &corpus[end..]);
        let err = read_tei_corpus(twice.as_bytes()).unwrap_err().to_string();
        assert!(err.contains("lists 4 sources") && err.contains("3 records"), "{err}");
        // A broken second record is named.
        let ids = book.chapter_ids();
        let broken = corpus.replacen(&format!("#{}.rev-", ids[1]), "#nowhere.rev-", 1);
        let err = read_tei_corpus(broken.as_bytes()).unwrap_err().to_string();
        assert!(err.contains(&format!("record 2 ({})", ids[1])), "{err}");
        // A corpus without records.
        let first = corpus.find("\n  <TEI ").unwrap();
        let last = corpus.rfind("</TEI>").unwrap() + "</TEI>".len();
        let empty = format!("{}{}", &corpus[..first], &corpus[last..]);
        assert!(read_tei_corpus(empty.as_bytes()).unwrap_err().to_string().contains("holds no TEI record"));
        assert!(read_tei_corpus(b"<teiHeader/>").unwrap_err().to_string().contains("<teiHeader>"));
    }

    #[test]
    fn every_source_of_a_corpus_rebuilds() {
        let book = Collection::new(full_metadata(), articles()).unwrap();
        let corpus = write_tei_collection(&book, &TeiOptions::default()).unwrap();
        let sources: Vec<Vec<u8>> = SOURCES.iter().map(|s| s.as_bytes().to_vec()).collect();
        assert_eq!(rebuild_corpus_sources(&corpus.bytes).unwrap(), sources);
        // One record that keeps no source: named.
        let mut articles = articles();
        articles[2].metadata.source_text.clear();
        let book = Collection::new(full_metadata(), articles).unwrap();
        let corpus = write_tei_collection(&book, &TeiOptions::default()).unwrap();
        let err = rebuild_corpus_sources(&corpus.bytes).unwrap_err().to_string();
        assert!(err.contains("record 3 (") && err.contains("does not keep its source"), "{err}");
    }

    #[test]
    fn warnings_name_their_record() {
        let mut articles = articles();
        articles[1].blocks[1].text.push('\u{2}');
        let book = Collection::new(full_metadata(), articles).unwrap();
        let corpus = write_tei_collection(&book, &TeiOptions::default()).unwrap();
        let id = &book.chapter_ids()[1];
        assert!(corpus
            .warnings
            .iter()
            .any(|w| w.code == "tei-dropped-characters" && w.message.starts_with(&format!("record 2 ({id}): "))));
    }
}
