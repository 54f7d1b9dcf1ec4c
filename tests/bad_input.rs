//! Bad input gets a clear error or a warning in the article, never a panic,
//! from the library and from the `normalize` example.

mod common;
use common::example;
use std::process::Command;

use zharchive::{normalize, Error, Options};

fn run(bytes: &[u8]) -> Result<zharchive::Article, Error> {
    normalize(bytes, &Options::default())
}

#[test]
fn empty_and_whitespace_only() {
    assert!(matches!(run(b""), Err(Error::Empty)));
    assert!(matches!(run(" \n\t\r\n".as_bytes()), Err(Error::Empty)));
    assert!(matches!(run("\u{3000}\u{3000}\n".as_bytes()), Err(Error::Empty)));
    assert!(matches!(run("\u{200B}\u{200B}\n".as_bytes()), Err(Error::NothingLeft)));
}

#[test]
fn binary_is_an_error_with_a_reason() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0\0\0\x01\0\x08\x06\0\0\0\x5c\x72\xa8\x66";
    let err = run(png).unwrap_err();
    assert!(matches!(err, Error::Binary { .. }));
    assert!(err.to_string().contains("binary"), "{err}");
    let mut noise = Vec::new();
    let mut x: u32 = 12345;
    for _ in 0..4096 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        noise.push((x >> 16) as u8);
    }
    assert!(matches!(run(&noise), Err(Error::Binary { .. })));
}

#[test]
fn invalid_bytes_in_the_middle_are_counted_and_reported() {
    let mut bytes = "标题\n\n第一段文字很正常。".as_bytes().to_vec();
    bytes.extend([0xFF, 0xFE, 0xC0]);
    bytes.extend("第二段也正常。".as_bytes());
    let article = normalize(&bytes, &Options { encoding: Some("utf-8".into()), ..Options::default() }).unwrap();
    assert_eq!(article.metadata.encoding.malformed_bytes, 3);
    assert!(article.warnings.iter().any(|w| w.code == "malformed-bytes"));
    assert!(article.plain_text().contains('\u{FFFD}'));
    // Without a declared encoding it is still read as damaged UTF-8, not as
    // a legacy encoding (which would turn the whole text into mojibake).
    let article = normalize(&bytes, &Options::default()).unwrap();
    assert_eq!(article.metadata.encoding.name, "UTF-8");
    assert_eq!(article.metadata.encoding.malformed_bytes, 3);
    assert_eq!(article.title(), Some("标题"));
}

#[test]
fn only_boilerplate() {
    let err = run("(免责声明：本网站内容仅供参考。)\n责任编辑：张三\n".as_bytes()).unwrap_err();
    assert!(matches!(err, Error::NothingLeft), "{err}");
}

#[test]
fn control_characters_are_dropped_and_reported() {
    let article = run("标题\u{7}\n\n正文\u{0}内容\u{1B}。".as_bytes()).unwrap();
    assert_eq!(article.plain_text(), "标题\n\n正文内容。\n");
    let w = article.warnings.iter().find(|w| w.code == "control-characters").unwrap();
    assert!(w.message.contains('3'), "{}", w.message);
}

#[test]
fn markup_is_text() {
    let article = run("<b>标题</b>\n\n<script>alert(1)</script> & 正文".as_bytes()).unwrap();
    assert_eq!(article.title(), Some("<b>标题</b>"));
    assert!(article.body_text().contains("<script>"));
}

#[test]
fn too_large_and_unknown_encoding() {
    let opts = Options { max_input_bytes: 10, ..Options::default() };
    assert!(matches!(normalize("标题\n\n正文内容".as_bytes(), &opts), Err(Error::TooLarge { .. })));
    let opts = Options { encoding: Some("klingon".into()), ..Options::default() };
    let err = normalize(b"abc", &opts).unwrap_err();
    assert!(err.to_string().contains("klingon"));
}

#[test]
fn unrepairable_damage_is_a_warning() {
    let article = run("标题\n\n因?yàn)😀也没有办法。".as_bytes()).unwrap();
    assert!(article.warnings.iter().any(|w| w.code == "unrepaired-damage"), "{:?}", article.warnings);
    assert!(article.body_text().contains("yàn"), "the text is kept as it was");
}

#[test]
fn the_normalize_example_fails_with_one_line_and_a_status() {
    let exe = example("normalize");
    if !exe.exists() {
        eprintln!("skipped: {} not built (run `cargo test` to build examples)", exe.display());
        return;
    }
    let dir = std::env::temp_dir().join(format!("zharchive-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases: [(&str, &[u8]); 3] = [
        ("empty.txt", b""),
        ("binary.bin", b"\x00\x01\x02\x03\xff\xfe\x00\x00"),
        ("boiler.txt", "免责声明：仅供参考。".as_bytes()),
    ];
    for (name, bytes) in cases {
        let file = dir.join(name);
        std::fs::write(&file, bytes).unwrap();
        let out = Command::new(&exe).arg(&file).output().unwrap();
        assert!(!out.status.success(), "{name} should fail");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.trim_end().lines().count(), 1, "{name}: one line, got {stderr:?}");
        assert!(stderr.contains("error"), "{stderr}");
    }
    let out = Command::new(&exe).arg(dir.join("missing.txt")).output().unwrap();
    assert!(!out.status.success());
    let out = Command::new(&exe).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "usage error");
    std::fs::remove_dir_all(&dir).ok();
}
