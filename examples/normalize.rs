//! Normalise a scraped Chinese article and print it as UTF-8.
//!
//! ```text
//! cargo run --release --example normalize -- INPUT [--script simplified|traditional|taiwan|hongkong|keep]
//!     [--encoding LABEL] [--report]
//! ```
//!
//! Prints the title, a blank line, then the paragraphs separated by blank
//! lines. `--report` prints the summary (encoding, edits by kind, warnings)
//! as JSON to stderr.

#[path = "common/alloc.rs"]
mod alloc;
#[path = "common/cli.rs"]
mod cli;

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    cli::run("normalize", "INPUT [--script NAME] [--encoding LABEL] [--report]", |args| {
        let article = cli::load(args)?;
        let mut out = std::io::stdout().lock();
        out.write_all(article.plain_text().as_bytes()).map_err(|e| format!("cannot write to stdout: {e}"))?;
        if args.report {
            let json = serde_json::to_string_pretty(&article.summary()).map_err(|e| e.to_string())?;
            eprintln!("{json}");
        }
        // The process ends here: freeing a large article's provenance (one
        // entry per edit, a hundred thousand on a book-length text) piece by
        // piece would only delay the exit, so leave it to the OS.
        std::mem::forget(article);
        Ok(())
    })
}
