//! TEI records: the rules of issue 3, checked on the fixtures and on a few
//! hundred generated odd articles.
//!
//! * the reading text of `<body>` (taking `corr`/`reg`) is the normalised text;
//! * the `sic`/`orig` side of every inline edit is the decoded source at the
//!   byte range in `@n`, and the blocks' source readings are the source;
//! * `Article → TEI → Article` gives the article back, and
//!   `TEI → Article → TEI` the same bytes;
//! * the reader refuses what it cannot read, without panicking;
//! * a collection of generated articles is a `teiCorpus` whose records are
//!   the articles' records, and `Collection → TEI → Collection → TEI` gives
//!   the same bytes (issue 15).
//!
//! Schema validity is checked by `.ci/tei.sh` (jing with `tei_all.rng`) on
//! the records that `dump_records_for_validation` writes and on corpora of
//! 2, 50 and 1,000 generated articles.

#![cfg(feature = "tei")]

use std::path::{Path, PathBuf};

use quick_xml::events::Event;
use quick_xml::Reader;
#[path = "../examples/common/corpus.rs"]
mod corpus;

use zharchive::render::tei::{
    read_tei, read_tei_corpus, rebuild_corpus_sources, rebuild_source, write_tei, write_tei_collection, Resp,
    TeiOptions,
};
use zharchive::render::xml_safe;
use zharchive::{
    normalize, Article, Block, BlockKind, Change, Collection, CollectionMetadata, DetectionMethod, Edit, EditKind,
    EncodingReport, Location, Metadata, Options, Script, SourceInfo, TargetScript, Warning,
};

// ---------------------------------------------------------------------------
// An independent reading of a record (plain quick-xml events, not read_tei).

/// What a plain XML parser sees in a record's body.
#[derive(Debug, Default)]
struct Readings {
    /// Each `head`/`p`/`ab`, taking `corr`/`reg`.
    reading: Vec<String>,
    /// Each `head`/`p`/`ab`, taking `sic`/`orig`.
    original: Vec<String>,
    /// Each inline edit: `@n`, old side, element names of the two sides.
    choices: Vec<(String, String, String, String)>,
    /// Every element name in the document, in order.
    elements: Vec<String>,
}

fn readings(xml: &[u8]) -> Readings {
    let mut reader = Reader::from_reader(xml);
    reader.config_mut().trim_text(false);
    let mut r = Readings::default();
    let mut stack: Vec<String> = Vec::new();
    let mut choice: Option<(String, String, String, String)> = None;
    loop {
        let event = reader.read_event().expect("the record is well-formed XML");
        let text: Option<String> = match &event {
            Event::Start(e) | Event::Empty(e) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                r.elements.push(name.clone());
                let in_body = stack.iter().any(|s| s == "body");
                if in_body && (name == "head" || name == "p" || name == "ab") {
                    r.reading.push(String::new());
                    r.original.push(String::new());
                }
                if in_body && name == "choice" {
                    let n = e
                        .try_get_attribute("n")
                        .unwrap()
                        .map(|a| a.unescape_value().unwrap().into_owned())
                        .unwrap_or_default();
                    choice = Some((n, String::new(), String::new(), String::new()));
                }
                if let Some(c) = choice.as_mut() {
                    match name.as_str() {
                        "sic" | "orig" => c.2 = name.clone(),
                        "corr" | "reg" => c.3 = name.clone(),
                        _ => {}
                    }
                }
                if matches!(event, Event::Start(_)) {
                    stack.push(name);
                } else if name == "choice" {
                    r.choices.extend(choice.take());
                }
                None
            }
            Event::End(_) => {
                if stack.pop().as_deref() == Some("choice") {
                    r.choices.extend(choice.take());
                }
                None
            }
            Event::Text(t) => Some(t.xml10_content().unwrap().into_owned()),
            Event::GeneralRef(g) => Some(match g.resolve_char_ref().unwrap() {
                Some(c) => c.to_string(),
                None => match g.decode().unwrap().as_ref() {
                    "lt" => "<".into(),
                    "gt" => ">".into(),
                    "amp" => "&".into(),
                    "quot" => "\"".into(),
                    "apos" => "'".into(),
                    other => panic!("unexpected entity {other}"),
                },
            }),
            Event::CData(_) | Event::DocType(_) => panic!("the writer never writes CDATA or a DOCTYPE"),
            Event::Eof => break,
            _ => None,
        };
        let Some(text) = text else { continue };
        if !stack.iter().any(|s| s == "body") || !stack.iter().any(|s| s == "head" || s == "p" || s == "ab") {
            continue;
        }
        let new_side = stack.iter().any(|s| s == "corr" || s == "reg");
        let old_side = stack.iter().any(|s| s == "sic" || s == "orig");
        if !old_side {
            r.reading.last_mut().unwrap().push_str(&text);
        }
        if !new_side {
            r.original.last_mut().unwrap().push_str(&text);
        }
        if old_side {
            if let Some(c) = choice.as_mut() {
                c.1.push_str(&text);
            }
        }
    }
    r
}

/// Everything the issue asks of one record; returns it.
fn check(article: &Article, options: &TeiOptions, source: Option<&str>) -> Vec<u8> {
    let rendered = write_tei(article, options).expect("the writer accepts every normalised article");
    let xml = rendered.bytes;
    let r = readings(&xml);
    let exact = rendered.warnings.is_empty();

    // The reading text is the normalised text.
    let plain = xml_safe(&article.plain_text()).0.into_owned();
    // Joined as Article::plain_text joins blocks.
    let mut reading = String::new();
    for block in &r.reading {
        if !reading.is_empty() {
            reading.push_str("\n\n");
        }
        reading.push_str(block);
    }
    if !reading.is_empty() {
        reading.push('\n');
    }
    assert_eq!(reading, plain, "reading text of <body>");

    // The old side of every inline edit is the source at @n; each block's
    // source reading is in the source, in order.
    if let (Some(source), true) = (source, options.inline_edits && options.keep_boilerplate) {
        for (n, old, old_name, new_name) in &r.choices {
            let (a, b) = n.split_once('-').expect("@n is start-end");
            let range = a.parse::<usize>().unwrap()..b.parse::<usize>().unwrap();
            assert_eq!(old, &xml_safe(&source[range]).0, "choice n={n}");
            assert!(matches!((old_name.as_str(), new_name.as_str()), ("sic", "corr") | ("orig", "reg")));
        }
        let clean_source = xml_safe(source).0;
        let mut from = 0;
        for (i, block) in r.original.iter().enumerate() {
            let at = clean_source[from..].find(block.as_str());
            let at = at.unwrap_or_else(|| panic!("source reading of block {i} is not in the source: {block:?}"));
            from += at + block.len();
        }
    }

    // Lossless: the record alone gives back the source bytes (their
    // SHA-256 is the one the normaliser recorded from the input).
    if options.keep_source && options.keep_boilerplate && !article.metadata.source_text.is_empty() {
        let bytes = rebuild_source(&xml).unwrap_or_else(|e| panic!("the record does not rebuild its source: {e}"));
        assert_eq!(bytes.len() as u64, article.metadata.source_bytes);
    }

    // Round trips.
    let back = read_tei(&xml).expect("the reader reads what the writer wrote");
    if exact && *options == TeiOptions::default() {
        assert_eq!(&back, article, "Article → TEI → Article");
    }
    let again = write_tei(&back, options).expect("rewrite");
    // Text XML cannot hold is dropped from the blocks on the first write, so
    // an article holding some (never a normalised one) reaches its fixed
    // point one round later.
    let text_fits_xml = xml_safe(&article.plain_text()).1 == 0;
    let (xml, again) = if text_fits_xml {
        (xml, again.bytes)
    } else {
        let third = write_tei(&read_tei(&again.bytes).unwrap(), options).unwrap();
        (again.bytes, third.bytes)
    };
    if again != xml {
        let (a, b) = (String::from_utf8_lossy(&xml), String::from_utf8_lossy(&again));
        let first = a.lines().zip(b.lines()).find(|(x, y)| x != y);
        panic!("TEI → Article → TEI is not byte-identical; first difference:\n{first:#?}");
    }
    if text_fits_xml {
        assert_eq!(write_tei(article, options).unwrap().bytes, xml, "same article, same bytes");
    }
    xml
}

// ---------------------------------------------------------------------------
// Fixtures.

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixture_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    files
}

fn decoded(bytes: &[u8]) -> String {
    zharchive::normalize::decode::decode(bytes, None).unwrap().text
}

fn reference() -> (Article, String) {
    let bytes = std::fs::read(root().join("fixtures/article.txt")).unwrap();
    (normalize(&bytes, &Options::default()).unwrap(), decoded(&bytes))
}

#[test]
fn every_fixture_record_keeps_the_rules() {
    for path in fixture_files() {
        let bytes = std::fs::read(&path).unwrap();
        let source = decoded(&bytes);
        for script in [TargetScript::Simplified, TargetScript::Traditional, TargetScript::Keep] {
            let article = normalize(&bytes, &Options { script, ..Options::default() })
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            check(&article, &TeiOptions::default(), Some(&source));
        }
    }
}

#[test]
fn the_reference_record_reads_as_the_expected_text_and_rebuilds_the_source() {
    let (article, source) = reference();
    let xml = check(&article, &TeiOptions::default(), Some(&source));
    let r = readings(&xml);
    let expected = std::fs::read_to_string(root().join("fixtures/expected/article.simplified.txt")).unwrap();
    assert_eq!(r.reading.join("\n\n") + "\n", expected);
    // Blocks are separated by blank lines in the source; everything else,
    // boilerplate and annotations included, is in the record.
    assert_eq!(r.original.join("\n\n"), source);
    // The three repairs are corrections.
    let sics: Vec<&str> = r.choices.iter().filter(|c| c.2 == "sic").map(|c| c.1.as_str()).collect();
    assert_eq!(sics, ["?yàn)獒t", "?yàn)榇竽P湍軌虬堰呺H", "夠?qū)崿F"]);
    // Every change of the model is one choice, with its source text.
    let changes: Vec<&Change> = article.blocks.iter().flat_map(|b| &b.changes).collect();
    assert_eq!(changes.len(), r.choices.len());
    for (change, (n, old, _, _)) in changes.iter().zip(&r.choices) {
        assert_eq!(n, &format!("{}-{}", change.source.start, change.source.end));
        assert_eq!(old, &change.original);
    }
}

#[test]
fn the_header_describes_source_edits_and_languages() {
    let (article, _) = reference();
    let xml = String::from_utf8(write_tei(&article, &TeiOptions::default()).unwrap().bytes).unwrap();
    let header = &xml[..xml.find("</teiHeader>").unwrap()];
    for needle in [
        r#"<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:lang="zh-Hans">"#,
        "<title type=\"main\">大模型四小龙亮相2024智源大会，尖峰对话AGI</title>",
        "<title type=\"source\">大模型四小龍亮相2024智源大會(huì),尖峰對(duì)話AGI</title>",
        "<idno type=\"sha256\">6c90fac6dc445319bfa88618353a8d4ae91ece11a8ae5b12ce172a1d238e1e13</idno>",
        "<idno type=\"source-sha256\">6c90fac6dc445319bfa88618353a8d4ae91ece11a8ae5b12ce172a1d238e1e13</idno>",
        "<measure unit=\"bytes\" quantity=\"6247\">",
        "<note type=\"encoding\" subtype=\"valid-utf8\" n=\"UTF-8\">",
        "<textLang mainLang=\"zh-Hant\" n=\"traditional\">",
        "<language ident=\"zh-Hans\" n=\"target simplified\">",
        "<language ident=\"zh-Hant\" n=\"source traditional\">",
        &format!("<application xml:id=\"zharchive\" ident=\"zharchive\" version=\"{}\">", env!("CARGO_PKG_VERSION")),
        "<correction method=\"markup\">",
        "<normalization method=\"markup\">",
        "<punctuation marks=\"all\">",
        "<segmentation>",
        "<interpretation>",
        "3 repair(s)",
        "<date when=\"1980-01-01\">1980-01-01</date>",
    ] {
        assert!(header.contains(needle), "header lacks {needle}");
    }
    // One revision entry per pass that changed the text, with its count.
    let counts = article.edit_counts();
    assert_eq!(header.matches("<change xml:id=\"rev-").count(), counts.len());
    for (kind, n) in counts {
        assert!(
            header.contains(&format!("<change xml:id=\"rev-{0}\" type=\"{0}\" n=\"{n}\"", kind.name())),
            "{kind:?}"
        );
    }
    // Removed boilerplate is kept in <back>.
    let back = &xml[xml.find("<back>").unwrap()..xml.find("</back>").unwrap()];
    assert!(back.contains("<div type=\"boilerplate\">") && back.contains("免責聲明") && back.contains("<lb/>"));
}

#[test]
fn source_facts_and_options_are_written_and_read_back() {
    let options = Options {
        source: SourceInfo {
            url: Some("https://example.com/a?x=1&y=<2>\"'".into()),
            site: Some("智源 & Co. <news>".into()),
            author: Some("记者 王\t小明".into()),
            date: Some("2024-06-15".into()),
            keywords: vec!["AGI".into(), "".into(), "<b>大模型</b>".into()],
            ..SourceInfo::default()
        },
        ..Options::default()
    };
    let bytes = std::fs::read(root().join("fixtures/article.txt")).unwrap();
    let article = normalize(&bytes, &options).unwrap();
    let tei = TeiOptions {
        publisher: "Archive & Library".into(),
        distributor: Some("Distributor".into()),
        authority: Some("Authority".into()),
        licence_url: Some("https://creativecommons.org/licenses/by/4.0/".into()),
        editor: Some("Li Hua".into()),
        resp: vec![Resp { resp: "Proofreading".into(), name: "Zhang San".into() }],
        converter: Some("a test converter".into()),
        ..TeiOptions::default()
    };
    let xml = check(&article, &tei, Some(&decoded(&bytes)));
    let text = String::from_utf8(xml.clone()).unwrap();
    for needle in [
        "<idno type=\"URI\">https://example.com/a?x=1&amp;y=&lt;2&gt;\"'</idno>",
        "<publisher>智源 &amp; Co. &lt;news&gt;</publisher>",
        "<date when=\"2024-06-15\">2024-06-15</date>",
        "<term>&lt;b&gt;大模型&lt;/b&gt;</term>",
        "<term/>",
        "<editor>Li Hua</editor>",
        "<distributor>Distributor</distributor>",
        "<licence target=\"https://creativecommons.org/licenses/by/4.0/\">",
        "a test converter",
    ] {
        assert!(text.contains(needle), "record lacks {needle}");
    }
    assert_eq!(read_tei(&xml).unwrap(), article);
}

#[test]
fn without_inline_edits_the_body_is_the_plain_text() {
    let (article, source) = reference();
    let options = TeiOptions { inline_edits: false, ..TeiOptions::default() };
    let xml = check(&article, &options, Some(&source));
    let r = readings(&xml);
    assert!(r.choices.is_empty());
    assert!(String::from_utf8(xml).unwrap().contains("<normalization method=\"silent\">"));
}

#[test]
fn dropping_boilerplate_leaves_it_out_of_the_record() {
    let (article, source) = reference();
    let options = TeiOptions { keep_boilerplate: false, ..TeiOptions::default() };
    let xml = String::from_utf8(check(&article, &options, Some(&source))).unwrap();
    assert!(!xml.contains("免責") && !xml.contains("<back>"), "boilerplate left in the record");
}

#[test]
fn an_explicit_date_is_used() {
    let (article, _) = reference();
    let options = TeiOptions { date: Some("2024-06-15T08:30:00Z".into()), ..TeiOptions::default() };
    let xml = String::from_utf8(write_tei(&article, &options).unwrap().bytes).unwrap();
    assert!(xml.contains("<date when=\"2024-06-15\">2024-06-15</date>"));
    let bad = TeiOptions { date: Some("June".into()), ..TeiOptions::default() };
    assert!(matches!(write_tei(&article, &bad), Err(zharchive::Error::Options(_))));
}

// ---------------------------------------------------------------------------
// Hand-built articles: what normalize never produces must still be safe.

fn hand_built(blocks: Vec<Block>, language: &str) -> Article {
    Article {
        metadata: Metadata {
            language: language.into(),
            source_language: "zh-Hant".into(),
            source_script: Script::Traditional,
            target_script: Script::Unknown,
            encoding: EncodingReport {
                name: "gb18030".into(),
                method: DetectionMethod::Guessed,
                malformed_bytes: 2,
                raw: Vec::new(),
            },
            source_sha256: "00".repeat(32),
            source_bytes: 42,
            source_text: String::new(),
            source: SourceInfo::default(),
        },
        blocks,
        provenance: vec![Edit {
            kind: EditKind::Cleanup,
            source: 0..2,
            before: "\r\n".into(),
            after: "\n".into(),
            output: Some(Location { block: 1, range: 3..4 }),
        }],
        warnings: vec![Warning {
            code: "odd <code> & \"quotes\"".into(),
            message: "a\tb\r\nc".into(),
            source: Some(1..2),
            doubt: None,
        }],
    }
}

fn block(kind: BlockKind, text: &str, changes: Vec<Change>) -> Block {
    Block { kind, text: text.into(), changes }
}

fn change(range: std::ops::Range<usize>, original: &str, kinds: Vec<EditKind>) -> Change {
    Change { range, source: 0..original.len(), original: original.into(), kinds: kinds.into_iter().collect() }
}

#[test]
fn whitespace_markup_and_empty_blocks_survive_exactly() {
    let article = hand_built(
        vec![
            block(BlockKind::Paragraph, "", vec![]),
            block(BlockKind::Heading, "  <p>&amp;</p>]]>  ", vec![change(0..2, "\r\n\t", vec![EditKind::Structure])]),
            block(BlockKind::Paragraph, "a\tb", vec![change(1..2, "\r", vec![]), change(3..3, " ", vec![])]),
            block(BlockKind::Heading, "second title", vec![]),
            block(BlockKind::Heading, "third title", vec![]),
        ],
        "zh-Hans",
    );
    let xml = check(&article, &TeiOptions::default(), None);
    assert_eq!(read_tei(&xml).unwrap(), article);
}

#[test]
fn characters_xml_cannot_hold_are_dropped_with_a_warning() {
    let article = hand_built(
        vec![block(BlockKind::Heading, "a\u{1}b\u{FFFF}", vec![change(0..1, "\u{0}", vec![EditKind::Cleanup])])],
        "not a tag!",
    );
    let rendered = write_tei(&article, &TeiOptions::default()).unwrap();
    let codes: Vec<&str> = rendered.warnings.iter().map(|w| w.code.as_str()).collect();
    assert_eq!(codes, ["tei-language-tag", "tei-dropped-characters"]);
    check(&article, &TeiOptions::default(), None);
    assert!(String::from_utf8(rendered.bytes).unwrap().contains("xml:lang=\"und\""));
}

#[test]
fn a_change_outside_its_block_is_an_error_not_a_panic() {
    for bad in [
        change(5..9, "x", vec![]),
        change(std::ops::Range { start: 2, end: 1 }, "x", vec![]),
        change(1..2, "x", vec![]),
    ] {
        // "中" is three bytes: 1..2 is not on a character boundary.
        let article = hand_built(vec![block(BlockKind::Heading, "中", vec![bad])], "zh");
        assert!(matches!(write_tei(&article, &TeiOptions::default()), Err(zharchive::Error::Render { .. })));
    }
    let overlapping = vec![change(0..3, "a", vec![]), change(1..3, "b", vec![])];
    let article = hand_built(vec![block(BlockKind::Heading, "中", overlapping)], "zh");
    assert!(write_tei(&article, &TeiOptions::default()).is_err());
}

// ---------------------------------------------------------------------------
// The reader.

#[test]
fn the_reader_refuses_what_it_cannot_read() {
    let (article, _) = reference();
    let good = write_tei(&article, &TeiOptions::default()).unwrap().bytes;
    let good_text = String::from_utf8(good.clone()).unwrap();
    let mut inputs: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"<".to_vec(),
        b"<TEI/>".to_vec(),
        b"<x/>".to_vec(),
        b"text".to_vec(),
        b"<TEI></TEI><TEI/>".to_vec(),
        b"<TEI>&unknown;</TEI>".to_vec(),
        b"<TEI>&#0;</TEI>".to_vec(),
        b"\xff\xfe<\x00".to_vec(),
        "<a>".repeat(10_000).into_bytes(),
        good_text.replace("n=\"15-18\"", "n=\"18-15\"").into_bytes(),
        good_text.replace("#rev-script", "#rev-nothing").into_bytes(),
        good_text.replace("subtype=\"valid-utf8\"", "subtype=\"psychic\"").into_bytes(),
        good_text.replace("<teiHeader>", "<teiHeader><bogus>").into_bytes(),
        good_text.replace("<p>6月", "<p><hi>x</hi>6月").into_bytes(),
    ];
    for cut in (0..good.len() - 10).step_by(997) {
        inputs.push(good[..cut].to_vec());
    }
    for input in inputs {
        assert!(matches!(read_tei(&input), Err(zharchive::Error::TeiRead(_))), "{}", String::from_utf8_lossy(&input));
    }
}

// ---------------------------------------------------------------------------
// Generated articles.

/// A small deterministic generator (xorshift64*), so that CI validates the
/// same records every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const FRAGMENTS: &[&str] = &[
    "會(huì)議",
    "對(duì)話",
    "因?yàn)獒t(yī)生",
    "能夠?qū)崿F(xiàn)AGI",
    "<p>&amp;</p>]]>",
    "&lt;",
    "<!-- x -->",
    "<?pi x?>",
    "\"'",
    "AGI(通用人工智能)",
    "mount(8)",
    "中文,标点:测试.",
    "Latin words, and more",
    "12,345.67",
    "https://example.com/?a=1&b=2",
    "😀",
    "\u{200B}",
    "\u{3000}",
    "\t",
    "  ",
    "\r\n",
    "\n",
    "e\u{301}",
    "\u{FB38}",
    "\u{1100}\u{1161}",
    "\u{F900}",
    "עברית",
    "𠀀𪚥",
    "ǎǐǒǔ",
    "\u{FEFF}",
    "\u{1}",
    "\u{FFFE}",
    "\u{FFFD}",
    "責任編輯:王小明",
    "這是繁體中文的句子。",
    "这是简体中文的句子。",
    "臺灣",
    "(",
    ")",
];

/// An odd article's source bytes and the options to normalise it with.
fn odd_source(seed: u64) -> (Vec<u8>, Options) {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut title = String::new();
    if rng.chance(10) {
        let piece = rng.pick(&["很长的标题", "A very long title ", "<&>", "會(huì)"]);
        while title.len() < 3000 + rng.below(3000) {
            title.push_str(piece);
        }
    } else {
        for _ in 0..1 + rng.below(5) {
            title.push_str(rng.pick(FRAGMENTS));
        }
    }
    let mut text = title.replace(['\n', '\r'], " ");
    for _ in 0..rng.below(7) {
        text.push_str(rng.pick(&["\n\n", "\n", "\n\n\n", "\r\n\r\n"]));
        if rng.chance(15) {
            text.push_str(rng.pick(&["  ", "\u{3000}", "\t", ""]));
            continue;
        }
        for _ in 0..rng.below(12) {
            text.push_str(rng.pick(FRAGMENTS));
        }
    }
    if rng.chance(30) {
        text.push_str(
            "\n\n(免責聲明:本網站內容僅供參考。\n任何單位或個人認為本網站中的網頁或鏈接內容可能涉嫌侵犯其知識產權。)",
        );
    }
    let script = [
        TargetScript::Simplified,
        TargetScript::Traditional,
        TargetScript::Taiwan,
        TargetScript::HongKong,
        TargetScript::Keep,
    ][rng.below(5)];
    let mut options = Options { script, ..Options::default() };
    if rng.chance(30) {
        options.source = SourceInfo {
            url: Some(format!("https://example.com/{}", rng.pick(FRAGMENTS))),
            site: Some(rng.pick(FRAGMENTS).to_owned()),
            author: rng.chance(50).then(|| rng.pick(FRAGMENTS).to_owned()),
            date: Some(
                rng.pick(&["2024-06-15", "2024-02-30", "yesterday", "0000-01-01", "2024-06-15T10:00:00Z"]).into(),
            ),
            keywords: (0..rng.below(4)).map(|_| rng.pick(FRAGMENTS).to_owned()).collect(),
            ..SourceInfo::default()
        };
    }
    let bytes = if rng.chance(15) {
        // UTF-16LE with a BOM: offsets are into the decoded text.
        let mut b = vec![0xFF, 0xFE];
        b.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        b
    } else {
        text.trim_start_matches('\u{FEFF}').as_bytes().to_vec()
    };
    (bytes, options)
}

/// The generated articles normalize accepts, with their decoded sources.
fn odd_articles(count: u64) -> Vec<(u64, Article, String)> {
    (0..count)
        .filter_map(|seed| {
            let (bytes, options) = odd_source(seed);
            let article = normalize(&bytes, &options).ok()?;
            Some((seed, article, decoded(&bytes)))
        })
        .collect()
}

/// Inputs the property test below once shrank a failure to, kept so that
/// they run every time whatever proptest's seed.
#[test]
fn past_property_failures_keep_the_rules() {
    // NFC rewrote an indent with the character after it; the structure
    // pass then merged that change into the paragraph separator and the
    // paragraph's source reading was lost.
    let cases = ["會(huì)議\r\n\u{3000}\u{FB38}", "標題\n\n\u{3000}e\u{301}x\n\u{3000}\u{1100}\u{1161}"];
    for text in cases {
        let article = normalize(text.as_bytes(), &Options::default()).expect("normalises");
        check(&article, &TeiOptions::default(), Some(&decoded(text.as_bytes())));
    }
}

#[test]
fn generated_odd_articles_keep_the_rules() {
    let articles = odd_articles(300);
    assert!(articles.len() > 250, "only {} of 300 generated articles normalised", articles.len());
    for (seed, article, source) in &articles {
        let result = std::panic::catch_unwind(|| {
            check(article, &TeiOptions::default(), Some(source));
        });
        assert!(result.is_ok(), "generated article {seed} failed");
    }
    // Every option combination on a subset.
    for (_, article, source) in articles.iter().take(40) {
        for (inline_edits, keep_boilerplate) in [(false, true), (true, false), (false, false)] {
            let options = TeiOptions { inline_edits, keep_boilerplate, ..TeiOptions::default() };
            check(article, &options, Some(source));
        }
    }
}

mod property {
    use proptest::prelude::*;

    use super::*;

    fn fragment() -> impl Strategy<Value = String> {
        prop_oneof![
            3 => proptest::sample::select(FRAGMENTS).prop_map(str::to_owned),
            1 => "\\PC{0,8}",
            1 => any::<char>().prop_map(|c| c.to_string()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_text_round_trips(parts in proptest::collection::vec(fragment(), 1..40)) {
            let text = parts.concat();
            if let Ok(article) = normalize(text.as_bytes(), &Options::default()) {
                let source = decoded(text.as_bytes());
                check(&article, &TeiOptions::default(), Some(&source));
            }
        }
    }
}

/// Writes the records CI validates with jing: `TEI_DUMP_DIR=dir cargo test
/// --test tei -- --ignored dump_records_for_validation` (without
/// `TEI_DUMP_DIR`, into `tei-records` under cargo's test scratch directory).
#[test]
#[ignore = "run by .ci/tei.sh"]
fn dump_records_for_validation() {
    let dir = std::env::var_os("TEI_DUMP_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_TARGET_TMPDIR")).join("tei-records"));
    std::fs::create_dir_all(&dir).unwrap();
    let mut written = 0;
    for (seed, article, _) in odd_articles(300) {
        let options = match seed % 4 {
            0 => TeiOptions { inline_edits: false, ..TeiOptions::default() },
            1 => TeiOptions { keep_boilerplate: false, date: Some("2026-11-28".into()), ..TeiOptions::default() },
            _ => TeiOptions::default(),
        };
        let record = write_tei(&article, &options).unwrap();
        std::fs::write(dir.join(format!("generated-{seed:03}.xml")), record.bytes).unwrap();
        // The source beside it, for CI to compare with what the record rebuilds.
        std::fs::write(dir.join(format!("generated-{seed:03}.source")), odd_source(seed).0).unwrap();
        written += 1;
    }
    let hand = [
        hand_built(vec![], "zh"),
        hand_built(vec![block(BlockKind::Paragraph, "", vec![])], "zh-Hant-TW"),
        hand_built(
            vec![
                block(
                    BlockKind::Heading,
                    "  <p>&amp;</p>]]>  ",
                    vec![change(0..2, "\r\n\t", vec![EditKind::Structure])],
                ),
                block(BlockKind::Heading, "b\u{1}", vec![change(1..2, "", vec![EditKind::Decode])]),
            ],
            "bad tag",
        ),
    ];
    for (i, article) in hand.iter().enumerate() {
        let options = TeiOptions {
            distributor: Some("d".into()),
            authority: Some("a".into()),
            licence_url: Some("https://example.com/licence".into()),
            editor: Some("e".into()),
            resp: vec![Resp { resp: "r".into(), name: "n".into() }],
            ..TeiOptions::default()
        };
        std::fs::write(dir.join(format!("hand-{i}.xml")), write_tei(article, &options).unwrap().bytes).unwrap();
        written += 1;
    }
    eprintln!("wrote {written} records to {}", dir.display());
}

/// Doubtful text is marked where it stands (`damage` for damage left as it
/// was, `unclear` for guessed bytes), the warnings point at the marks, and
/// a reader gets the same doubts back.
#[test]
fn doubts_are_marked_and_read_back() {
    let cases = [
        // `?ài)` is no reading of any bytes: left as it was.
        ("标题\n\n我们今天?ài)去了学校。", zharchive::DoubtKind::Unrepaired, "damage"),
        // The digit the `?` swallowed is one of ten.
        ("標題\n\n佔總?cè)丝诘谋戎貫?7.9%。", zharchive::DoubtKind::Guessed, "unclear"),
    ];
    for (text, kind, element) in cases {
        let article = normalize(text.as_bytes(), &Options::default()).expect("normalises");
        let doubt = article.warnings.iter().find_map(|w| w.doubt.clone()).expect("a doubt");
        assert_eq!(doubt.kind, kind, "{text}");
        let at = doubt.output.clone().expect("placed in the text");
        let xml = String::from_utf8(check(&article, &TeiOptions::default(), Some(&decoded(text.as_bytes())))).unwrap();
        let open = format!("<{element} xml:id=\"doubt-1\"");
        let start = xml.find(&open).unwrap_or_else(|| panic!("no {open} in\n{xml}"));
        assert!(xml[start..].contains(&format!("</{element}>")), "{element} is not closed");
        assert!(
            xml.contains(&format!("subtype=\"{}\" target=\"#doubt-1\"", kind.name())),
            "no note points at the mark"
        );
        let back = read_tei(xml.as_bytes()).expect("reads back");
        let doubts: Vec<_> = back.warnings.iter().filter_map(|w| w.doubt.clone()).collect();
        assert_eq!(doubts, [zharchive::Doubt { kind, output: Some(at) }]);
        assert_eq!(back.warnings, article.warnings);
    }
}

/// The page's head metadata reaches the header: each author the page lists
/// as a person, the journal, affiliations and identifiers, and back.
#[test]
fn head_metadata_reaches_the_header_and_comes_back() {
    let page = "高等教育改革研究\n\n陈岩，付存军\n（宁波大学 教师教育学院，浙江 宁波 315211）\n\
                高等理科教育 2023年6期\n关键词：改革；教育\n中图分类号：G642\n\n正文第一段，讲的是改革。";
    let article = normalize(page.as_bytes(), &Options::default()).expect("normalises");
    let source = &article.metadata.source;
    assert_eq!(source.authors, ["陈岩", "付存军"]);
    let xml = String::from_utf8(check(&article, &TeiOptions::default(), Some(page))).unwrap();
    for want in [
        "<persName>陈岩</persName>",
        "<persName>付存军</persName>",
        "<title level=\"j\">高等理科教育 2023年6期</title>",
        "<note type=\"affiliation\">",
        "<label>中图分类号</label>",
        "<idno>G642</idno>",
        "<term>改革</term>",
    ] {
        assert!(xml.contains(want), "no {want} in the header");
    }
    assert_eq!(&read_tei(xml.as_bytes()).unwrap().metadata.source, source);
}

/// The record rebuilds its source byte for byte in every encoding the
/// decoder reads, with a BOM or without, with malformed bytes, characters
/// XML cannot hold, carriage returns and bytes that do not round-trip; and
/// for every input of the fuzz corpora and seeds.
#[test]
fn every_record_rebuilds_its_source_exactly() {
    let text = std::fs::read_to_string(root().join("fixtures/article.txt")).unwrap();
    let text = text.replace("\n\n", "\r\n\u{3000}\r\n\u{1}") + "\u{FFFF}\u{B}";
    let utf16 = |little: bool| -> Vec<u8> {
        text.encode_utf16().flat_map(|u| if little { u.to_le_bytes() } else { u.to_be_bytes() }).collect()
    };
    let mut sources: Vec<(String, Vec<u8>)> = vec![
        ("utf-8".into(), text.as_bytes().to_vec()),
        ("utf-8 bom".into(), [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat()),
        ("gb18030".into(), encoding_rs::GB18030.encode(&text).0.into_owned()),
        ("big5".into(), encoding_rs::BIG5.encode(&text).0.into_owned()),
        ("utf-16le".into(), utf16(true)),
        ("utf-16be".into(), utf16(false)),
        ("utf-16le bom".into(), [&[0xFF, 0xFE][..], &utf16(true)].concat()),
        ("utf-16be bom".into(), [&[0xFE, 0xFF][..], &utf16(false)].concat()),
    ];
    // Damage: a malformed byte every so often, and GB18030's 0x80 and Big5
    // codes the encoder does not write.
    for (name, bytes) in sources.clone() {
        let mut damaged = bytes.clone();
        for i in (100..damaged.len()).step_by(997).rev() {
            damaged.insert(i, 0xFF);
        }
        sources.push((format!("{name} damaged"), damaged));
    }
    let mut odd = encoding_rs::BIG5.encode("標題\n\n會議").0.into_owned();
    odd.extend_from_slice(&[0x88, 0x62, 0xA1, 0x45, 0xA1, 0x4E, 0x80]);
    sources.push(("big5 odd codes".into(), odd));
    for dir in ["tests/data/fuzz/tei", "tests/data/fuzz/normalize", "fuzz/seeds"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir)).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        sources.extend(files.into_iter().map(|p| (p.display().to_string(), std::fs::read(&p).unwrap())));
    }
    let mut rebuilt = 0;
    for (name, bytes) in &sources {
        let Ok(article) = normalize(bytes, &Options::default()) else { continue };
        let record = write_tei(&article, &TeiOptions::default()).unwrap().bytes;
        let back = rebuild_source(&record).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(back == *bytes, "{name}: the rebuilt bytes differ from the source");
        rebuilt += 1;
    }
    assert!(rebuilt >= 30, "only {rebuilt} sources normalised");
    // Tampering is detected: one character of the kept source changed.
    let article = normalize(text.as_bytes(), &Options::default()).unwrap();
    let record = String::from_utf8(write_tei(&article, &TeiOptions::default()).unwrap().bytes).unwrap();
    let at = record.find("<seg type=\"source\">").unwrap() + 40;
    let mut tampered = record.clone();
    tampered.insert(at, 'x');
    assert!(matches!(rebuild_source(tampered.as_bytes()), Err(zharchive::Error::Rebuild(_))));
    // A record written without its source says so.
    let without = write_tei(&article, &TeiOptions { keep_source: false, ..TeiOptions::default() }).unwrap().bytes;
    let err = rebuild_source(&without).unwrap_err().to_string();
    assert!(err.contains("does not keep its source"), "{err}");
}

// ---------------------------------------------------------------------------
// Corpora (issue 15).

/// A book of `count` generated articles (`examples/common/corpus.rs`), with
/// every field of the book's metadata; the first article has a title
/// override and a URL, the second keeps its Traditional script while the
/// others are converted to Simplified. Also the sources, in order.
fn generated_book(count: usize) -> (Collection, Vec<Vec<u8>>) {
    let material = corpus::Corpus::load(corpus::crate_root(), 0x5eed).unwrap();
    let mut articles = Vec::new();
    let mut sources = Vec::new();
    for i in 0..count {
        let generated = material.article(i);
        let options =
            if i == 1 { Options { script: TargetScript::Keep, ..Options::default() } } else { Options::default() };
        let mut article = normalize(&generated.bytes, &options).unwrap();
        if i == 0 {
            article.metadata.source.title = Some("另一个题目".into());
            article.metadata.source.url = Some("https://example.com/news/1".into());
        }
        articles.push(article);
        sources.push(generated.bytes);
    }
    assert_ne!(articles[0].metadata.language, articles[1].metadata.language, "the second keeps its script");
    let metadata = CollectionMetadata {
        title: format!("生成的文集（{count} 篇）"),
        creators: vec!["某报编辑部".into(), "Li Hua".into()],
        editor: Some("王编".into()),
        date: Some("2024-06-15".into()),
        language: "zh-Hans".into(),
        identifier: format!("urn:example:book-{count}"),
        description: Some("一年的专栏 & <其他>。".into()),
        publisher: Some("某出版社".into()),
    };
    (Collection::new(metadata, articles).unwrap(), sources)
}

#[test]
fn generated_corpora_round_trip_byte_for_byte() {
    for count in [2, 50] {
        let (book, sources) = generated_book(count);
        let options = TeiOptions { date: Some("2026-12-04".into()), ..TeiOptions::default() };
        let corpus = write_tei_collection(&book, &options).unwrap();
        assert!(corpus.warnings.is_empty(), "{:?}", corpus.warnings);
        assert_eq!(write_tei_collection(&book, &options).unwrap(), corpus, "deterministic");
        let back = read_tei_corpus(&corpus.bytes).unwrap();
        assert_eq!(back.metadata, book.metadata, "the book's metadata come back");
        assert_eq!(back.articles[0].display_title(), Some("另一个题目"));
        assert_eq!(back, book, "Collection → TEI → Collection");
        assert_eq!(write_tei_collection(&back, &options).unwrap().bytes, corpus.bytes, "TEI → Collection → TEI");
        assert_eq!(rebuild_corpus_sources(&corpus.bytes).unwrap(), sources, "every source rebuilds");

        // Every record is the article's own record, its ids scoped: the
        // plain reading of the corpus holds each record's reading.
        let xml = std::str::from_utf8(&corpus.bytes).unwrap();
        assert_eq!(xml.matches("<TEI xmlns=").count(), count);
        assert_eq!(readings(&corpus.bytes).reading.len(), book.articles.iter().map(|a| a.blocks.len()).sum::<usize>());
        for (article, id) in book.articles.iter().zip(book.chapter_ids()) {
            let alone = write_tei(article, &options).unwrap().bytes;
            assert_eq!(readings(&alone).reading.len(), article.blocks.len());
            assert!(xml.contains(&format!("xml:lang=\"{}\" xml:id=\"{id}\">", article.metadata.language)));
            assert!(xml.contains(&format!("corresp=\"#{id}\">")), "the source of {id} is listed");
        }
        // A record read with read_tei is refused with a pointer to the corpus reader.
        assert!(read_tei(&corpus.bytes).unwrap_err().to_string().contains("teiCorpus"));
    }
}

#[test]
fn a_book_of_one_is_the_record() {
    let (book, _) = generated_book(2);
    let article = book.articles[0].clone();
    let options = TeiOptions::default();
    let record = write_tei(&article, &options).unwrap();
    assert_eq!(write_tei_collection(&Collection::of_one(article.clone()), &options).unwrap(), record);
    // With the book's metadata: still one record, which carries them.
    let one = Collection::new(book.metadata.clone(), vec![article.clone()]).unwrap();
    let given = write_tei_collection(&one, &options).unwrap();
    assert_ne!(given.bytes, record.bytes);
    assert_eq!(read_tei(&given.bytes).unwrap(), article);
    assert_eq!(read_tei_corpus(&given.bytes).unwrap(), one);
    assert_eq!(read_tei_corpus(&record.bytes).unwrap(), Collection::of_one(article));
    check(&one.articles[0], &options, None);
}

/// Reads each corpus `TEI_ROUND_TRIP_FILES` names (`:`-separated) and
/// writes it again with the date `TEI_ROUND_TRIP_DATE` (else the default
/// options): the bytes must be the file's. Run by `.ci/tei.sh` on the
/// corpora it writes with the example.
#[test]
#[ignore = "run by .ci/tei.sh"]
fn corpus_files_round_trip() {
    let files = std::env::var("TEI_ROUND_TRIP_FILES").expect("TEI_ROUND_TRIP_FILES names the corpora");
    let options = TeiOptions { date: std::env::var("TEI_ROUND_TRIP_DATE").ok(), ..TeiOptions::default() };
    for path in files.split(':').filter(|p| !p.is_empty()) {
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let collection = read_tei_corpus(&bytes).unwrap_or_else(|e| panic!("{path}: {e}"));
        let again = write_tei_collection(&collection, &options).unwrap();
        assert!(again.bytes == bytes, "{path}: write → read → write is not byte-identical");
        eprintln!("{path}: {} records round-trip", collection.len());
    }
}

/// A corpus cut short anywhere, or with a record's pointers changed, is an
/// error (never a panic, never a shorter book).
#[test]
fn a_damaged_corpus_is_an_error() {
    let (book, _) = generated_book(2);
    let corpus = write_tei_collection(&book, &TeiOptions::default()).unwrap().bytes;
    for cut in (0..corpus.len() - 1).step_by(251) {
        assert!(read_tei_corpus(&corpus[..cut]).is_err(), "cut at {cut}");
    }
    let xml = String::from_utf8(corpus).unwrap();
    let ids = book.chapter_ids();
    // The second record's ids scoped by the first's: not a pass it knows.
    let swapped = xml.replace(&format!("#{}.rev-", ids[1]), &format!("#{}.rev-", ids[0]));
    let err = read_tei_corpus(swapped.as_bytes()).unwrap_err().to_string();
    assert!(err.contains(&format!("record 2 ({})", ids[1])), "{err}");
}
