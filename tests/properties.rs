//! Property tests over arbitrary Unicode articles: the fuzz targets'
//! properties (`tests/common/properties.rs`) on text made of the pieces that
//! break text pipelines — characters XML 1.0 forbids, noncharacters,
//! unpaired markup, bidi controls, emoji sequences, non-BMP Han, pinyin
//! annotations, line-ending mixtures — plus what only makes sense for text:
//! the XHTML of the EPUB shows every character of the article as text.
//!
//! A few hundred cases each, so `cargo test` stays quick; the fuzz targets
//! explore for hours. CI replays a fixed seed (`PROPTEST_RNG_SEED` in
//! `.ci/run`); a developer's run explores a fresh one.

#[path = "common/properties.rs"]
mod properties;

use proptest::prelude::*;

/// The pieces articles are made of.
const PIECES: &[&str] = &[
    "會(huì)議",
    "對(duì)話",
    "因?yàn)獒t(yī)生",
    "這是繁體中文的句子。",
    "这是简体中文的句子。",
    "責任編輯:王小明",
    "AGI(通用人工智能)",
    "中文,标点:测试.",
    "Latin words, and more",
    "<p>&amp;</p>",
    "]]>",
    "<![CDATA[",
    "<b>",
    "</i>",
    "&",
    "&#0;",
    "<?xml version='1.0'?>",
    "\"'",
    "\u{0}",
    "\u{1}",
    "\u{B}",
    "\u{7F}",
    "\u{85}",
    "\u{FFFE}",
    "\u{FFFF}",
    "\u{FDD0}",
    "\u{1FFFF}",
    "\u{202E}",
    "\u{2066}",
    "\u{200F}",
    "\u{061C}",
    "👨\u{200D}👩\u{200D}👧",
    "🇨🇳",
    "👍🏽",
    "𠀀𪚥𰻞",
    "\u{FB38}",
    "e\u{301}",
    "\u{F900}",
    "\u{3000}",
    "\u{200B}",
    "\u{FEFF}",
    "\t",
    "\r\n",
    "\r",
    "\n",
    "\n\n",
    " ",
];

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(PIECES).prop_map(str::to_owned),
        1 => "\\PC{0,6}",
        1 => any::<char>().prop_map(|c| c.to_string()),
    ]
}

fn article_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(piece(), 1..40).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Determinism, idempotence, well-placed changes, and nothing of the
    /// input lost without an edit that records it.
    #[test]
    fn normalization_keeps_its_properties(text in article_text()) {
        properties::normalization(text.as_bytes());
    }

    /// The same, from bytes that need not be UTF-8 at all.
    #[test]
    fn normalization_of_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        properties::normalization(&bytes);
    }
}

#[cfg(feature = "epub")]
proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// The book is deterministic and well-formed, and the article's text is
    /// the text of its XHTML: markup in the article shows as text.
    #[test]
    fn epub_xhtml_shows_the_text(text in article_text()) {
        properties::epub(text.as_bytes());
        if let Ok(article) = zharchive::normalize(text.as_bytes(), &zharchive::Options::default()) {
            let book = zharchive::render::epub::write_epub(&article, &Default::default()).unwrap().bytes;
            let shown = xhtml_text(&book);
            for block in &article.blocks {
                prop_assert!(shown.contains(&block.text), "{:?} is not shown as text", block.text);
            }
        }
    }
}

/// The character data of every XHTML document of a book, entities resolved.
#[cfg(feature = "epub")]
fn xhtml_text(book: &[u8]) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(book)).unwrap();
    let mut shown = String::new();
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).unwrap();
        if !file.name().ends_with(".xhtml") {
            continue;
        }
        let mut xhtml = String::new();
        file.read_to_string(&mut xhtml).unwrap();
        let mut reader = quick_xml::Reader::from_str(&xhtml);
        loop {
            match reader.read_event().unwrap() {
                quick_xml::events::Event::Text(t) => shown.push_str(&t.decode().unwrap()),
                quick_xml::events::Event::GeneralRef(r) => match r.resolve_char_ref().unwrap() {
                    Some(c) => shown.push(c),
                    None => {
                        let name = r.decode().unwrap();
                        let resolved = quick_xml::escape::resolve_predefined_entity(&name);
                        shown.push_str(resolved.unwrap_or_else(|| panic!("unexpected entity &{name};")));
                    }
                },
                quick_xml::events::Event::Eof => break,
                _ => {}
            }
        }
        shown.push('\n');
    }
    shown
}

/// The generator makes articles, not noise the library refuses: most of what
/// it generates normalises, so the properties above are exercised.
#[test]
fn most_generated_articles_normalise() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = article_text();
    let total = 200;
    let accepted = (0..total)
        .filter(|_| {
            let text = strategy.new_tree(&mut runner).expect("a value").current();
            zharchive::normalize(text.as_bytes(), &zharchive::Options::default()).is_ok()
        })
        .count();
    assert!(accepted * 4 > total * 3, "only {accepted} of {total} generated articles normalise");
}
