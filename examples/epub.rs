//! Normalise scraped Chinese articles and write them as one EPUB 3 book.
//!
//! ```text
//! cargo run --release --example epub -- INPUT... -o OUTPUT.epub [--vertical] [--cover] [--font PATH]
//!     [--date YYYY-MM-DD] [--source-notes end|back] [--script NAME] [--encoding LABEL] [--report]
//!     [--manifest FILE] [--skip-bad] [--title T] [--creator NAME] … (the book's metadata)
//! ```
//!
//! One input writes the book of that article, as it always has; several
//! inputs (or a folder, or `--manifest`) write one book with a chapter per
//! article. The same inputs and flags give the same bytes. `--report` prints
//! the normalisation summaries and the writer's warnings as JSON to stderr.

#[path = "common/alloc.rs"]
mod alloc;
#[path = "common/cli.rs"]
mod cli;

use std::process::ExitCode;

use zharchive::render::epub::{write_epub_collection, EpubOptions, SourceNotes};

const USAGE: &str = "INPUT... -o OUTPUT.epub [--vertical] [--cover] [--font PATH] [--date YYYY-MM-DD] [--source-notes end|back] [--script NAME] [--encoding LABEL] [--report]
  --vertical         vertical writing, pages turn right to left
  --cover            add a generated cover showing the (book's) title
  --font PATH        embed this TrueType/OpenType/WOFF font (no font is embedded by default)
  --date DATE        the date to stamp (default: SOURCE_DATE_EPOCH, else the book's or source's date, else 1980-01-01)
  --source-notes end|back   a book of several: each article's source at its end (default) or on a Sources page at the back";

const FLAGS: [&str; 5] = ["--vertical", "--cover", "--font", "--date", "--source-notes"];

fn main() -> ExitCode {
    let usage = format!("{USAGE}\n{}", cli::BOOK_USAGE);
    cli::run_with("epub", &usage, &["--font", "--date", "--source-notes"], |args| {
        if let Some((flag, _)) = args.extra.iter().find(|(flag, _)| !FLAGS.contains(&flag.as_str())) {
            return Err(format!("unknown flag {flag} (try --help)"));
        }
        let output = args.output.as_ref().ok_or("no output file given (-o OUTPUT.epub)")?;
        let source_notes = match args.extra("--source-notes") {
            None | Some("end") => SourceNotes::ChapterEnd,
            Some("back") => SourceNotes::BackMatter,
            Some(other) => return Err(format!("--source-notes takes end or back, not {other:?}")),
        };
        let collection = cli::load_collection(args)?;
        let options = EpubOptions {
            vertical: args.has("--vertical"),
            cover: args.has("--cover"),
            font: args.extra("--font").map(Into::into),
            date: args.extra("--date").map(str::to_owned),
            source_notes,
            ..EpubOptions::default()
        };
        let book = write_epub_collection(&collection, &options).map_err(|e| e.to_string())?;
        std::fs::write(output, &book.bytes).map_err(|e| format!("{}: {e}", output.display()))?;
        if args.report {
            let summaries: Vec<_> = collection.articles.iter().map(|a| a.summary()).collect();
            let report = match summaries.as_slice() {
                [one] => serde_json::json!({ "article": one, "epub_warnings": book.warnings }),
                _ => serde_json::json!({ "articles": summaries, "epub_warnings": book.warnings }),
            };
            eprintln!("{}", serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?);
        }
        for warning in &book.warnings {
            eprintln!("epub: warning: {}", warning.message);
        }
        Ok(())
    })
}
