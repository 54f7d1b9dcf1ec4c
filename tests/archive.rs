//! The `archive` example's folder mode, through the built binary: a corrupt
//! file among good ones is reported and skipped, the others are archived
//! with their reports, the exit status says something failed, and a second
//! run skips what is already archived unless `--force`.

#![cfg(all(feature = "tei", feature = "epub", feature = "pdf", feature = "embedded-font"))]

mod common;
use common::example;
use std::path::{Path, PathBuf};
use std::process::Command;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("zharchive-archive-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn archive(args: &[&Path]) -> Option<(Option<i32>, String)> {
    let exe = example("archive");
    if !exe.exists() {
        eprintln!("skipped: {} not built (run `cargo test` to build examples)", exe.display());
        return None;
    }
    let out = Command::new(exe).args(args).output().expect("archive runs");
    Some((out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned()))
}

#[test]
fn a_corrupt_file_is_reported_and_skipped() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let input = scratch("in");
    let out = scratch("out");
    for name in ["article.txt", "article.gb18030.txt", "transit.big5.txt"] {
        std::fs::copy(root.join("fixtures").join(name), input.join(name)).unwrap();
    }
    let mut noise = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    noise.extend((0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    std::fs::write(input.join("corrupt.bin"), &noise).unwrap();
    std::fs::write(input.join(".hidden"), b"ignored").unwrap();

    let Some((code, stderr)) = archive(&[&input, Path::new("--out-dir"), &out, Path::new("--jobs"), Path::new("2")])
    else {
        return;
    };
    assert_eq!(code, Some(1), "a failed file makes the exit status non-zero: {stderr}");
    assert!(stderr.contains("corrupt.bin: error:"), "{stderr}");
    assert!(stderr.contains("binary"), "the reason is given: {stderr}");
    assert!(stderr.contains("archived 3 of 4 article(s)"), "{stderr}");
    assert!(stderr.contains("1 failed"), "{stderr}");
    for stem in ["article", "article.gb18030", "transit.big5"] {
        for ext in ["epub", "pdf", "tei.xml", "report.json"] {
            let path = out.join(format!("{stem}.{ext}"));
            assert!(path.metadata().is_ok_and(|m| m.len() > 0), "{} written", path.display());
        }
    }
    assert!(!out.join("corrupt.epub").exists() && !out.join("corrupt.report.json").exists());
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".part"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary files left: {leftovers:?}");

    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("article.gb18030.report.json")).unwrap()).unwrap();
    assert_eq!(report["outputs"].as_array().unwrap().len(), 3);
    assert!(report["summary"]["edits"].as_object().is_some_and(|e| !e.is_empty()), "{report}");
    let pdf = std::fs::read(out.join("article.gb18030.pdf")).unwrap();
    let sha = report["outputs"][1]["sha256"].as_str().unwrap();
    assert_eq!(report["outputs"][1]["format"], "pdf");
    assert_eq!(sha.len(), 64);
    assert_eq!(report["outputs"][1]["bytes"].as_u64(), Some(pdf.len() as u64));

    // A rerun skips what is archived (the corrupt file still fails).
    let good = input.join("article.txt");
    let (code, stderr) = archive(&[&good, Path::new("--out-dir"), &out]).unwrap();
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("1 skipped as already archived"), "{stderr}");
    // `--force` replaces each output whole (swapped into place on Linux):
    // what was there is gone, the new bytes are the ones a first run
    // writes, and no scratch file is left.
    let first_pdf = std::fs::read(out.join("article.pdf")).unwrap();
    std::fs::write(out.join("article.pdf"), b"stale").unwrap();
    std::fs::write(out.join("article.tei.xml"), b"stale").unwrap();
    let (code, stderr) = archive(&[&good, Path::new("--out-dir"), &out, Path::new("--force")]).unwrap();
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("archived 1 of 1"), "{stderr}");
    assert_eq!(std::fs::read(out.join("article.pdf")).unwrap(), first_pdf);
    assert!(std::fs::read(out.join("article.tei.xml")).unwrap().starts_with(b"<?xml"));
    let names = || -> Vec<String> {
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect()
    };
    assert!(!names().iter().any(|n| n.ends_with(".part") || n.contains("stale")), "{:?}", names());

    let _ = std::fs::remove_dir_all(&input);
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn bad_command_lines_get_one_line_and_status_2() {
    for args in [
        &["--out-dir"][..],
        &["x.txt"],
        &["x.txt", "--out-dir", "o", "--formats", "docx"],
        &["--bogus"],
        &["x.txt", "--out-dir", "o", "--bag", "b"],
        &["x.txt", "--out-dir", "o", "--date", "2024-01-01"],
    ] {
        let exe = example("archive");
        if !exe.exists() {
            return;
        }
        let out = Command::new(exe).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("archive: error: "), "{err}");
    }
}

#[test]
fn two_inputs_with_one_stem_are_refused_before_anything_is_written() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let a = scratch("stem-a");
    let b = scratch("stem-b");
    let out = scratch("stem-out");
    std::fs::copy(root.join("fixtures/article.txt"), a.join("x.txt")).unwrap();
    std::fs::copy(root.join("fixtures/article.gb18030.txt"), b.join("x.txt")).unwrap();
    let Some((code, stderr)) = archive(&[&a, &b, Path::new("--out-dir"), &out]) else { return };
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("would both be archived as x.*"), "{stderr}");
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0, "nothing written");
    for dir in [a, b, out] {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// Every file of a folder (relative path → bytes).
fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut files = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                files.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

#[test]
fn a_bag_holds_the_sources_and_outputs_and_two_runs_give_the_bag_of_one() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = scratch("bag");
    let (a, b) = (root.join("fixtures/article.txt"), root.join("fixtures/transit.big5.txt"));
    let bag = |dir: &str, inputs: &[&Path]| {
        let mut args: Vec<&Path> = inputs.to_vec();
        let dir = out.join(dir);
        let dir_ref: &Path = &dir;
        args.extend([Path::new("--bag"), dir_ref, Path::new("--date"), Path::new("2026-11-28")]);
        args.extend([Path::new("--formats"), Path::new("tei,epub"), Path::new("--bag-info")]);
        args.push(Path::new("Source-Organization: 测试图书馆"));
        archive(&args).map(|(code, stderr)| {
            assert_eq!(code, Some(0), "{stderr}");
            stderr
        })
    };
    let Some(_) = bag("once", &[&a, &b]) else { return };
    bag("twice", &[&a]).unwrap();
    let stderr = bag("twice", &[&b, &a]).unwrap();
    assert!(stderr.contains("1 skipped as already archived") && stderr.contains("extended"), "{stderr}");
    let once = tree(&out.join("once"));
    assert_eq!(once, tree(&out.join("twice")), "a bag extended in two runs is the bag written in one");
    assert_eq!(once["data/transit.big5/source/transit.big5.txt"], std::fs::read(&b).unwrap());
    assert!(once.contains_key("data/article/article.tei.xml") && once.contains_key("data/article/article.epub"));
    let info = String::from_utf8(once["bag-info.txt"].clone()).unwrap();
    assert!(
        info.contains("Bagging-Date: 2026-11-28\n") && info.contains("Source-Organization: 测试图书馆\n"),
        "{info}"
    );
    assert_eq!(zharchive::package::bagit::validate(out.join("once")).unwrap().files, 8);
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn a_book_of_all_the_inputs_next_to_the_articles() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let input = scratch("book-in");
    let out = scratch("book-out");
    // Named so that natural order (2 before 10) differs from byte order.
    for (name, fixture) in [("10.txt", "article.txt"), ("2.txt", "transit.big5.txt")] {
        std::fs::copy(root.join("fixtures").join(fixture), input.join(name)).unwrap();
    }
    std::fs::write(input.join("3.txt"), b"").unwrap(); // cannot be normalised
    let p = Path::new;
    let Some((code, stderr)) =
        archive(&[&input, p("--out-dir"), &out, p("--book"), p("collected"), p("--title"), p("文集")])
    else {
        return;
    };
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("the book collected was not written") && stderr.contains("3.txt"), "{stderr}");
    assert!(!out.join("collected.epub").exists(), "no book shorter than its inputs");
    assert!(out.join("2.epub").exists(), "the articles are still archived");

    let (code, stderr) =
        archive(&[&input, p("--out-dir"), &out, p("--book"), p("collected"), p("--title"), p("文集"), p("--skip-bad")])
            .unwrap();
    assert_eq!(code, Some(1), "the empty input still failed as an article: {stderr}");
    assert!(stderr.contains("left out of the book") && stderr.contains("3.txt"), "{stderr}");
    for ext in ["epub", "pdf", "tei.xml", "report.json"] {
        assert!(out.join(format!("collected.{ext}")).metadata().is_ok_and(|m| m.len() > 0), "collected.{ext}");
    }
    let corpus = std::fs::read_to_string(out.join("collected.tei.xml")).unwrap();
    assert!(corpus.contains("<teiCorpus") && corpus.matches("<TEI ").count() == 2, "two records in the corpus");
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("collected.report.json")).unwrap()).unwrap();
    assert_eq!(report["book"]["title"], "文集");
    let titles: Vec<&str> =
        report["articles"].as_array().unwrap().iter().map(|a| a["title"].as_str().unwrap()).collect();
    assert_eq!(titles.len(), 2);
    let transit =
        zharchive::normalize(&std::fs::read(root.join("fixtures/transit.big5.txt")).unwrap(), &Default::default())
            .unwrap();
    assert_eq!(Some(titles[0]), transit.title(), "2.txt comes before 10.txt");
    assert_eq!(report["left_out"].as_array().unwrap().len(), 1);

    // A book named like an input would overwrite it: refused up front.
    let (code, stderr) = archive(&[&input, p("--out-dir"), &out, p("--book"), p("2")]).unwrap();
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("same name"), "{stderr}");
}
