//! The JSON-lines contract of `archive --jsonl` (examples/common/jsonl.rs),
//! through the built example binary: requests in, one response per request
//! out in the same order, outputs that decode and parse back, and errors
//! that stay on their own line without stopping the stream.

#![cfg(all(feature = "tei", feature = "epub", feature = "pdf", feature = "embedded-font"))]

mod common;
use common::example;
use std::io::{Cursor, Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use base64::Engine as _;
use serde_json::{json, Value};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Run `archive --jsonl ARGS` with `input` on stdin; the status, the
/// response lines and stderr. `None` if the example is not built.
fn run(args: &[&str], input: &str) -> Option<(std::process::ExitStatus, Vec<Value>, String)> {
    let exe = example("archive");
    if !exe.exists() {
        eprintln!("skipped: {} not built (run `cargo test` to build examples)", exe.display());
        return None;
    }
    let mut child = Command::new(&exe)
        .arg("--jsonl")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("archive starts");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_owned();
    let feeder = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("archive runs");
    feeder.join().expect("feeder").expect("stdin written");
    let stdout = String::from_utf8(out.stdout).expect("stdout is UTF-8");
    let lines = stdout
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    Some((out.status, lines, String::from_utf8_lossy(&out.stderr).into_owned()))
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn unb64(v: &Value) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD.decode(v.as_str().expect("a base64 string")).expect("valid base64")
}

#[test]
fn requests_round_trip_and_errors_stay_on_their_line() {
    let article = std::fs::read(root().join("fixtures/article.txt")).unwrap();
    let gb = std::fs::read(root().join("fixtures/article.gb18030.txt")).unwrap();
    let text = String::from_utf8(article.clone()).unwrap();
    let requests = [
        json!({ "id": "ref", "text": text, "formats": ["tei", "epub", "pdf"] }).to_string(),
        // MIME-style base64 (line breaks every 76 characters) is accepted.
        json!({ "id": 2, "bytes_base64": b64(&gb).as_bytes().chunks(76).map(|c| std::str::from_utf8(c).unwrap()).collect::<Vec<_>>().join("\n") }).to_string(),
        "this is not json".to_owned(),
        json!({ "id": "bad-base64", "bytes_base64": "!!!" }).to_string(),
        String::new(), // blank: skipped, no response
        json!({ "id": "binary", "bytes_base64": b64(b"\x00\x01\x02\x03\xff\xfe\x00\x00\x89PNG\r\n\x1a\n\0\0") })
            .to_string(),
        json!({ "id": "typo", "text": "标题\n\n正文。", "format": ["pdf"] }).to_string(),
        json!({ "id": "docx", "text": "标题\n\n正文。", "formats": ["docx"] }).to_string(),
        json!({ "id": ["both"], "text": "x", "bytes_base64": "eA==" }).to_string(),
        json!({ "id": "tw", "text": "标题\n\n会议开始了。", "script": "taiwan", "formats": [] }).to_string(),
    ];
    let Some((status, out, stderr)) = run(&["--jobs", "2"], &(requests.join("\n") + "\n")) else { return };
    assert!(status.success(), "per-line errors do not fail the process: {stderr}");
    assert_eq!(out.len(), 9, "one response per non-blank line: {out:#?}");
    let ids: Vec<&Value> = out.iter().map(|r| &r["id"]).collect();
    assert_eq!(
        ids,
        [
            &json!("ref"),
            &json!(2),
            &Value::Null,
            &json!("bad-base64"),
            &json!("binary"),
            &json!("typo"),
            &json!("docx"),
            &json!(["both"]),
            &json!("tw")
        ],
        "responses come back in input order with their ids"
    );
    let lines: Vec<u64> = out.iter().map(|r| r["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [1, 2, 3, 4, 6, 7, 8, 9, 10]);

    // The reference article, all three formats.
    let r = &out[0];
    assert_eq!(r["ok"], true, "{r}");
    let expected =
        zharchive::normalize(&article, &zharchive::Options { encoding: Some("utf-8".into()), ..Default::default() })
            .unwrap();
    assert_eq!(r["text"], expected.plain_text());
    assert_eq!(r["summary"]["title"], expected.title().unwrap());
    let tei = r["tei"].as_str().expect("TEI as a string");
    let back = zharchive::render::tei::read_tei(tei.as_bytes()).expect("the TEI parses back");
    assert_eq!(back.plain_text(), expected.plain_text());
    assert_eq!(back, expected, "the TEI record reads back into the same article");
    let epub = unb64(&r["epub_base64"]);
    let mut zip = zip::ZipArchive::new(Cursor::new(&epub)).expect("the EPUB is a zip");
    let mut mimetype = String::new();
    zip.by_name("mimetype").expect("mimetype entry").read_to_string(&mut mimetype).unwrap();
    assert_eq!(mimetype, "application/epub+zip");
    let chapter = (0..zip.len())
        .find(|&i| zip.by_index(i).is_ok_and(|f| f.name().ends_with("article.xhtml")))
        .map(|i| {
            let mut text = String::new();
            zip.by_index(i).unwrap().read_to_string(&mut text).unwrap();
            text
        })
        .expect("the article chapter");
    assert!(chapter.contains(expected.title().unwrap()), "the chapter holds the title");
    let pdf = unb64(&r["pdf_base64"]);
    assert!(pdf.starts_with(b"%PDF-1."), "a PDF header");
    assert!(pdf.trim_ascii_end().ends_with(b"%%EOF"), "a PDF trailer");
    let doc = lopdf::Document::load_mem(&pdf).expect("the PDF parses");
    assert_eq!(doc.get_pages().len(), 2, "the reference article is two A4 pages");
    let outputs = r["outputs"].as_array().unwrap();
    let formats: Vec<&str> = outputs.iter().map(|o| o["format"].as_str().unwrap()).collect();
    assert_eq!(formats, ["tei", "epub", "pdf"]);
    assert_eq!(outputs[1]["bytes"].as_u64().unwrap() as usize, epub.len());
    assert_eq!(outputs[2]["bytes"].as_u64().unwrap() as usize, pdf.len());
    assert_eq!(outputs[0]["bytes"].as_u64().unwrap() as usize, tei.len());

    // GB18030 bytes: detected, TEI only by default, nothing else.
    let r = &out[1];
    assert_eq!(r["ok"], true, "{r}");
    assert_eq!(
        r["summary"]["encoding"]["name"].as_str().map(str::to_ascii_lowercase).as_deref(),
        Some("gb18030"),
        "{}",
        r["summary"]["encoding"]
    );
    assert!(r["tei"].is_string() && r["epub_base64"].is_null() && r["pdf_base64"].is_null());
    assert_eq!(r["text"], out[0]["text"], "the same article in another encoding");

    // Errors: one line each, with a reason a person can act on.
    let reason = |i: usize| -> String {
        assert_eq!(out[i]["ok"], false, "{}", out[i]);
        assert!(out[i]["text"].is_null() && out[i]["tei"].is_null());
        out[i]["error"].as_str().unwrap().to_owned()
    };
    assert!(reason(2).contains("not JSON"), "{}", reason(2));
    assert!(reason(3).contains("base64"), "{}", reason(3));
    assert!(reason(4).contains("binary"), "{}", reason(4));
    assert!(reason(5).contains("unknown field `format`"), "{}", reason(5));
    assert!(reason(6).contains("docx"), "{}", reason(6));
    assert!(reason(7).contains("not both"), "{}", reason(7));
    for i in 2..8 {
        assert!(!reason(i).contains('\n'), "one-line error: {}", reason(i));
    }

    // Options per line; `formats: []` is the text and summary alone.
    let r = &out[8];
    assert_eq!(r["ok"], true, "{r}");
    assert_eq!(r["text"], "標題\n\n會議開始了。\n");
    assert!(r["tei"].is_null() && r["outputs"].is_null());
    assert!(stderr.contains("3 article(s) archived, 6 error line(s)"), "{stderr}");
}

#[test]
fn the_command_line_sets_the_defaults() {
    let line = json!({ "id": "x", "text": "会议\n\n今天开会。" }).to_string() + "\n";
    let Some((status, out, _)) = run(&["--script", "traditional", "--formats", "epub"], &line) else { return };
    assert!(status.success());
    assert_eq!(out.len(), 1);
    assert_eq!(out[0]["text"], "會議\n\n今天開會。\n");
    assert!(out[0]["epub_base64"].is_string() && out[0]["tei"].is_null());
}

#[test]
fn an_empty_stream_is_fine_and_bad_flags_are_one_line() {
    let Some((status, out, _)) = run(&[], "") else { return };
    assert!(status.success());
    assert!(out.is_empty());
    let bad = Command::new(example("archive")).args(["--jsonl", "fixtures/article.txt"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("--jsonl reads stdin"), "{err}");
}

/// Many requests at once: the answers keep their order however the jobs
/// finish, and nothing is lost.
#[test]
fn order_is_kept_under_load() {
    let mut input = String::new();
    for i in 0..60 {
        let body = "因為醫生是智力密度最高的職業之一。".repeat(1 + i % 7);
        input.push_str(&json!({ "id": i, "text": format!("第{i}篇\n\n{body}"), "formats": [] }).to_string());
        input.push('\n');
    }
    let Some((status, out, _)) = run(&["--jobs", "3"], &input) else { return };
    assert!(status.success());
    assert_eq!(out.len(), 60);
    for (i, r) in out.iter().enumerate() {
        assert_eq!(r["id"], i, "{r}");
        assert_eq!(r["ok"], true);
        assert!(r["text"].as_str().unwrap().starts_with(&format!("第{i}篇")));
    }
}
