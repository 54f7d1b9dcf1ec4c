//! The fixture articles: every encoding of the reference article gives the
//! same bytes, the outputs match the expected files, and the reference
//! article comes out clean.

use std::path::Path;

use zharchive::{normalize, Conversion, Converter, DetectionMethod, EditKind, OpenCc, Options, Script, TargetScript};

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn expected(name: &str) -> String {
    String::from_utf8(fixture(&format!("expected/{name}"))).expect("expected files are UTF-8")
}

fn with_script(script: TargetScript) -> Options {
    Options { script, ..Options::default() }
}

#[test]
fn every_encoding_of_the_reference_article_gives_the_same_text() {
    let want = expected("article.simplified.txt");
    for (file, encoding, method) in [
        ("article.txt", "UTF-8", DetectionMethod::ValidUtf8),
        ("article.utf8-bom.txt", "UTF-8", DetectionMethod::ByteOrderMark),
        ("article.gb18030.txt", "gb18030", DetectionMethod::Guessed),
        ("article.utf16le.txt", "UTF-16LE", DetectionMethod::ByteOrderMark),
        ("article.utf16be.txt", "UTF-16BE", DetectionMethod::Guessed),
    ] {
        let article = normalize(&fixture(file), &Options::default()).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(article.plain_text(), want, "{file}");
        assert_eq!(article.metadata.encoding.name, encoding, "{file}");
        assert_eq!(article.metadata.encoding.method, method, "{file}");
        assert_eq!(article.metadata.encoding.malformed_bytes, 0, "{file}");
    }
}

#[test]
fn expected_outputs() {
    let cases = [
        ("article.txt", TargetScript::Traditional, "article.traditional.txt"),
        ("transit.big5.txt", TargetScript::Simplified, "transit.simplified.txt"),
        ("transit.big5.txt", TargetScript::Keep, "transit.keep.txt"),
    ];
    for (input, script, want) in cases {
        let article = normalize(&fixture(input), &with_script(script)).unwrap();
        assert_eq!(article.plain_text(), expected(want), "{input} → {want}");
    }
}

#[test]
fn the_reference_article_comes_out_clean() {
    let article = normalize(&fixture("article.txt"), &Options::default()).unwrap();
    let text = article.plain_text();
    // The three spots of byte-shift damage, rebuilt.
    for phrase in ["因为医生", "因为大模型能够把边际成本", "能够实现AGI"] {
        assert!(text.contains(phrase), "missing {phrase}");
    }
    // A real parenthetical kept, in full-width brackets.
    assert!(text.contains("AGI（通用人工智能）"));
    // No annotation, no damage marker, no disclaimer, no ASCII punctuation
    // between Chinese characters.
    for bad in ["(", ")", "?", "免责", "免責", "声明", "本网站", "任何单位"] {
        assert!(!text.contains(bad), "found {bad:?}");
    }
    // No Traditional character: t2s changes nothing.
    assert_eq!(OpenCc::shared().convert(&text, Conversion::T2s), text);
    assert_eq!(article.metadata.source_script, Script::Traditional);
    assert_eq!(article.metadata.language, "zh-Hans");
    assert_eq!(article.metadata.source_language, "zh-Hant");
    assert_eq!(article.title(), Some("大模型四小龙亮相2024智源大会，尖峰对话AGI"));
    assert_eq!(article.paragraphs().count(), 8);
    assert!(article.warnings.is_empty(), "{:?}", article.warnings);
    let counts = article.edit_counts();
    assert_eq!(counts.get(&EditKind::Repair), Some(&3));
    assert_eq!(counts.get(&EditKind::Boilerplate), Some(&1));
    use sha2::Digest;
    let digest: String = sha2::Sha256::digest(fixture("article.txt")).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(article.metadata.source_sha256, digest);
    assert_eq!(article.metadata.source_bytes, 6247);
}

#[test]
fn the_source_can_be_rebuilt_from_blocks_and_changes() {
    // Every block's text, with each change replaced by its original, is the
    // source text of the span the block covers.
    for file in ["article.txt", "transit.big5.txt", "article.utf16le.txt"] {
        let article = normalize(&fixture(file), &Options::default()).unwrap();
        let decoded = zharchive::normalize::decode::decode(&fixture(file), None).unwrap().text;
        for block in &article.blocks {
            let mut rebuilt = String::new();
            let mut pos = 0;
            for change in &block.changes {
                rebuilt.push_str(&block.text[pos..change.range.start]);
                rebuilt.push_str(&change.original);
                assert_eq!(change.original, decoded[change.source.clone()]);
                pos = change.range.end;
            }
            rebuilt.push_str(&block.text[pos..]);
            // The rebuilt block occurs verbatim in the decoded source.
            assert!(decoded.contains(&rebuilt), "{file}: block not rebuilt: {rebuilt}");
        }
    }
}

#[test]
fn every_edit_is_placed_in_the_source_and_the_output() {
    let bytes = fixture("article.txt");
    let source = String::from_utf8(bytes.clone()).unwrap();
    let article = normalize(&bytes, &Options::default()).unwrap();
    for edit in &article.provenance {
        assert!(edit.source.end <= source.len() && source.is_char_boundary(edit.source.start));
        if edit.kind == EditKind::Annotation {
            // An annotation removal's source span is the annotation itself.
            assert_eq!(&source[edit.source.clone()], edit.before, "{edit:?}");
        }
        if let Some(loc) = &edit.output {
            let block = &article.blocks[loc.block];
            assert!(block.text.get(loc.range.clone()).is_some(), "{edit:?}");
        }
    }
    // The boilerplate edit removed the whole two-paragraph disclaimer.
    let removed = article.provenance.iter().find(|e| e.kind == EditKind::Boilerplate).unwrap();
    assert!(removed.before.starts_with("(免責聲明"));
    assert!(removed.before.contains('\n'));
    assert!(removed.before.ends_with(')'));
}
