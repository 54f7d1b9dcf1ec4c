//! The fuzz targets' kept corpus and crash reproducers, replayed in
//! `cargo test` against the same properties the targets assert
//! (`tests/common/properties.rs`).
//!
//! `tests/data/fuzz/<target>/` holds, for each target of `fuzz/`, the
//! corpus a run minimised (`cargo fuzz cmin`) and every input that once
//! failed (named `crash-…`, with the fix's test elsewhere when it has one).
//! A new crash found by fuzzing is copied there so it can never come back.

#[path = "common/properties.rs"]
mod properties;

use std::path::Path;

/// Every file of `tests/data/fuzz/<target>/`, sorted by name.
fn corpus(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz").join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .collect();
    files.sort();
    let files: Vec<_> = files
        .into_iter()
        .map(|path| {
            let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (name, bytes)
        })
        .collect();
    assert!(files.len() >= 10, "{target}: a corpus of {} input(s) is not a corpus", files.len());
    files
}

/// Run `property` on every input of `target`'s corpus, naming the input
/// that fails.
fn replay(target: &str, property: fn(&[u8])) {
    for (name, bytes) in corpus(target) {
        let outcome = std::panic::catch_unwind(|| property(&bytes));
        assert!(outcome.is_ok(), "tests/data/fuzz/{target}/{name} fails its property");
    }
}

#[test]
fn normalize_corpus() {
    replay("normalize", properties::normalization);
}

#[cfg(feature = "html")]
#[test]
fn html_corpus() {
    replay("html", properties::html_page);
    // The HTML fixtures are seeds too (`fuzz/run.sh` copies them in).
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/html");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let outcome = std::panic::catch_unwind(|| properties::html_page(&bytes));
        assert!(outcome.is_ok(), "{} fails its property", path.display());
    }
}

#[cfg(feature = "tei")]
#[test]
fn tei_corpus() {
    replay("tei", properties::tei);
}

#[cfg(feature = "epub")]
#[test]
fn epub_corpus() {
    replay("epub", properties::epub);
}

#[cfg(all(feature = "pdf", feature = "embedded-font"))]
#[test]
fn pdf_corpus() {
    replay("pdf", properties::pdf);
}
