//! Hostile input through every example: each input gives valid output or a
//! clear one-line error with a non-zero status, never a panic, a hang or a
//! partial file; and the batch gives the same bytes with 1 job or several.
//!
//! The inputs are the ones an archive meets: empty, whitespace only, binary,
//! NUL bytes, invalid UTF-8 in the middle, control characters, markup, only
//! boilerplate, a 5 MB single line, 50,000 tiny paragraphs, a
//! 20,000-character title, emoji and non-BMP Han; and web pages nested
//! 100,000 deep, of 50 MB, of script only, and of broken markup. Their timings (release
//! build) are in BENCHMARKS.md; a test does not time them.

#![cfg(all(feature = "tei", feature = "epub", feature = "pdf", feature = "embedded-font"))]

mod common;
#[path = "common/properties.rs"]
mod properties;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::example;

/// The hostile inputs, by file name.
fn hostile_inputs() -> Vec<(&'static str, Vec<u8>)> {
    let article = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/article.txt")).unwrap();
    let mut invalid_middle = article.clone();
    let middle = invalid_middle.len() / 2;
    invalid_middle.splice(middle..middle, *b"\xff\xfe\xc0\x80\xed\xa0\x80");

    let mut binary = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    binary.extend((0..8192u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8));

    let sentence = "大模型是通往通用人工智能的基石，但仅靠目前的规模定律只能逼近它。";
    let single_line = sentence.repeat(5 * 1024 * 1024 / sentence.len() + 1);
    let mut tiny = String::from("五万个小段落\n\n");
    for i in 0..50_000 {
        tiny.push_str(&format!("第{i}段。\n\n"));
    }
    let title = format!("{}\n\n正文只有一句。", "题目很长".repeat(5_000));
    let deep = format!(
        "<!doctype html><html><body>{}<p>深处。</p>{}</body></html>",
        "<div>".repeat(100_000),
        "</div>".repeat(100_000)
    );
    let big_page = format!("<!doctype html><html><body><p>{}</p></body></html>", "大".repeat(50 * 1024 * 1024 / 3));

    vec![
        ("empty.txt", Vec::new()),
        ("whitespace.txt", " \n\u{3000}\t\r\n\u{3000}\n".as_bytes().to_vec()),
        ("binary.bin", binary),
        ("nul-bytes.txt", "标题\0\n\n正文\0里有\0零字节。".as_bytes().to_vec()),
        ("invalid-utf8-middle.txt", invalid_middle),
        ("controls.txt", "标题\u{7}\u{1b}[31m\n\n正文\u{1b}[0m里有控制字符\u{8}\u{7f}\u{85}。".as_bytes().to_vec()),
        (
            "markup.txt",
            "<html><body><h1>标题</h1>\n\n<p>正文 &amp; <script>alert(1)</script> ]]> <!-- x --></p>\n\n&lt;&#0;&#xD800;"
                .as_bytes()
                .to_vec(),
        ),
        ("only-boilerplate.txt", "责任编辑：王小明\n\n（本文来源：新华社）\n\n未经授权，不得转载。".as_bytes().to_vec()),
        ("single-line-5mb.txt", single_line.into_bytes()),
        ("tiny-paragraphs.txt", tiny.into_bytes()),
        ("long-title.txt", title.into_bytes()),
        ("deeply-nested.html", deep.into_bytes()),
        ("page-50mb.html", big_page.into_bytes()),
        (
            "script-only.html",
            b"<!doctype html><html><head><script>document.write('<p>x</p>')</script></head><body></body></html>".to_vec(),
        ),
        (
            "malformed.html",
            "<html><body><p>第一段<b>没关<i>交错</b>的</i> &#xZZ; &bogus; < 3 ><p>第二段 &amp 没分号<table><td>表".as_bytes().to_vec(),
        ),
        ("emoji-non-bmp.txt", "标题😀𠀀\n\n𠀀𪚥𰻞👨\u{200D}👩\u{200D}👧🇨🇳👍🏽正文。\n\n\u{202E}反向\u{202C}文字。".as_bytes().to_vec()),
    ]
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("zharchive-hostile-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write_inputs(dir: &Path) -> Vec<PathBuf> {
    hostile_inputs()
        .into_iter()
        .map(|(name, bytes)| {
            let path = dir.join(name);
            std::fs::write(&path, bytes).unwrap();
            path
        })
        .collect()
}

/// Run an example; `None` when it is not built (it always is under
/// `cargo test`, which builds the examples).
fn run(name: &str, args: &[&Path]) -> Option<Output> {
    let exe = example(name);
    if !exe.exists() {
        eprintln!("skipped: {} not built", exe.display());
        return None;
    }
    Some(Command::new(exe).args(args).output().expect("the example starts"))
}

/// Check one run: success with a valid, complete output, or failure with one
/// line on stderr naming the example, and no output file left behind.
fn check_outcome(example_name: &str, input: &Path, output: Option<&Path>, out: &Output) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let what = format!("{example_name} on {}", input.display());
    assert!(!stderr.contains("panicked"), "{what} panicked: {stderr}");
    match out.status.code() {
        Some(0) => {
            let bytes = match output {
                Some(path) => std::fs::read(path).unwrap_or_else(|e| panic!("{what}: no output: {e}")),
                None => out.stdout.clone(),
            };
            assert!(!bytes.is_empty(), "{what}: empty output");
            match example_name {
                "tei" => properties::well_formed(&bytes, &what),
                "epub" => assert!(bytes.starts_with(b"PK\x03\x04") && bytes.get(30..38) == Some(b"mimetype"), "{what}"),
                "pdf" => {
                    assert!(bytes.starts_with(b"%PDF-1.") && bytes.trim_ascii_end().ends_with(b"%%EOF"), "{what}");
                    lopdf::Document::load_mem(&bytes).unwrap_or_else(|e| panic!("{what}: the PDF does not parse: {e}"));
                }
                _ => assert!(std::str::from_utf8(&bytes).is_ok(), "{what}: text output is UTF-8"),
            }
        }
        Some(code) => {
            assert_ne!(code, 101, "{what}: exit status 101 is a panic");
            let lines: Vec<&str> = stderr.lines().collect();
            let errors: Vec<&&str> = lines.iter().filter(|l| l.contains("error")).collect();
            assert_eq!(errors.len(), 1, "{what}: one error line: {stderr}");
            assert!(errors[0].starts_with(&format!("{example_name}: error: ")), "{what}: {stderr}");
            if let Some(path) = output {
                assert!(!path.exists(), "{what}: failed but left {}", path.display());
            }
        }
        None => panic!("{what}: killed by a signal"),
    }
}

#[test]
fn every_example_gives_valid_output_or_one_clear_error() {
    let dir = scratch("inputs");
    let out = scratch("outputs");
    let inputs = write_inputs(&dir);
    // One thread per input: the examples run side by side.
    std::thread::scope(|scope| {
        for input in &inputs {
            let out = &out;
            scope.spawn(move || {
                let stem = input.file_stem().unwrap().to_string_lossy().into_owned();
                let Some(o) = run("normalize", &[input]) else { return };
                check_outcome("normalize", input, None, &o);
                for (name, ext) in [("tei", "tei.xml"), ("epub", "epub"), ("pdf", "pdf")] {
                    let target = out.join(format!("{stem}.{ext}"));
                    let Some(o) = run(name, &[input, Path::new("-o"), &target]) else { return };
                    check_outcome(name, input, Some(&target), &o);
                }
            });
        }
    });
    // The inputs that must be refused are, and the others are archived.
    for refused in ["empty", "whitespace", "binary", "only-boilerplate"] {
        assert!(!out.join(format!("{refused}.pdf")).exists(), "{refused} is refused");
    }
    for kept in ["invalid-utf8-middle", "controls", "markup", "single-line-5mb", "tiny-paragraphs", "long-title"] {
        for ext in ["tei.xml", "epub", "pdf"] {
            assert!(out.join(format!("{kept}.{ext}")).exists(), "{kept}.{ext} written");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&out);
}

/// The batch: every hostile input in one run, each archived or reported,
/// and the same bytes whatever the number of jobs.
#[test]
fn the_batch_survives_hostile_input_and_is_the_same_with_one_job_or_three() {
    let dir = scratch("batch-in");
    let inputs = write_inputs(&dir);
    // The 5 MB inputs once are enough for the batch; they stay in the
    // per-example test above.
    for path in &inputs {
        if std::fs::metadata(path).unwrap().len() > 1024 * 1024 {
            std::fs::remove_file(path).unwrap();
        }
    }
    for name in ["article.txt", "transit.big5.txt"] {
        std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name), dir.join(name)).unwrap();
    }
    let mut listings = Vec::new();
    for jobs in ["1", "3"] {
        let out = scratch(&format!("batch-out-{jobs}"));
        let Some(o) = run("archive", &[&dir, Path::new("--out-dir"), &out, Path::new("--jobs"), Path::new(jobs)])
        else {
            return;
        };
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert_eq!(o.status.code(), Some(1), "some inputs fail, so the batch says so: {stderr}");
        for refused in ["empty", "whitespace", "binary", "only-boilerplate"] {
            assert!(stderr.lines().any(|l| l.contains(refused) && l.contains("error:")), "{refused}: {stderr}");
        }
        // Reports name their outputs, so the output folder is taken out.
        let folder = out.to_string_lossy().into_owned();
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                let name = e.file_name().to_string_lossy().into_owned();
                let mut bytes = std::fs::read(e.path()).unwrap();
                if name.ends_with(".report.json") {
                    bytes = String::from_utf8(bytes).unwrap().replace(&folder, "OUT").into_bytes();
                }
                (name, bytes)
            })
            .collect();
        files.sort();
        assert!(files.len() >= 4 * 7, "{} files: {stderr}", files.len());
        listings.push(files);
        let _ = std::fs::remove_dir_all(&out);
    }
    let (one, three) = (&listings[0], &listings[1]);
    assert_eq!(one.len(), three.len());
    for ((name_a, a), (name_b, b)) in one.iter().zip(three) {
        assert_eq!(name_a, name_b);
        assert!(a == b, "{name_a} differs between --jobs 1 and --jobs 3");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
