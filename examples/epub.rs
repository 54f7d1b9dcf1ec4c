//! Normalise a scraped Chinese article and write it as an EPUB 3 book.
//!
//! ```text
//! cargo run --release --example epub -- INPUT -o OUTPUT.epub [--vertical] [--cover] [--font PATH]
//!     [--date YYYY-MM-DD] [--script NAME] [--encoding LABEL] [--report]
//! ```
//!
//! The same input and flags give the same bytes. `--report` prints the
//! normalisation summary and the writer's warnings as JSON to stderr.

#[path = "common/cli.rs"]
mod cli;

use std::process::ExitCode;

use zharchive::render::epub::{write_epub, EpubOptions};

const USAGE: &str = "INPUT -o OUTPUT.epub [--vertical] [--cover] [--font PATH] [--date YYYY-MM-DD] [--script NAME] [--encoding LABEL] [--report]
  --vertical         vertical writing, pages turn right to left
  --cover            add a generated cover showing the title
  --font PATH        embed this TrueType/OpenType/WOFF font (no font is embedded by default)
  --date DATE        the date to stamp (default: SOURCE_DATE_EPOCH, else 1980-01-01)";

fn main() -> ExitCode {
    cli::run_with("epub", USAGE, &["--font", "--date"], |args| {
        if let Some((flag, _)) =
            args.extra.iter().find(|(flag, _)| !["--vertical", "--cover", "--font", "--date"].contains(&flag.as_str()))
        {
            return Err(format!("unknown flag {flag} (try --help)"));
        }
        let output = args.output.as_ref().ok_or("no output file given (-o OUTPUT.epub)")?;
        let article = cli::load(args)?;
        let options = EpubOptions {
            vertical: args.has("--vertical"),
            cover: args.has("--cover"),
            font: args.extra("--font").map(Into::into),
            date: args.extra("--date").map(str::to_owned),
            ..EpubOptions::default()
        };
        let book = write_epub(&article, &options).map_err(|e| e.to_string())?;
        std::fs::write(output, &book.bytes).map_err(|e| format!("{}: {e}", output.display()))?;
        if args.report {
            let report = serde_json::json!({ "article": article.summary(), "epub_warnings": book.warnings });
            eprintln!("{}", serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?);
        }
        for warning in &book.warnings {
            eprintln!("epub: warning: {}", warning.message);
        }
        Ok(())
    })
}
