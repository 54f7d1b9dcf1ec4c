//! Normalise scraped Chinese articles and write them as one PDF: one input
//! gives the article's PDF, several (files, folders, or `--manifest`) a book
//! with a title page, contents, running heads and an outline.
//!
//! ```text
//! cargo run --release --example pdf -- INPUT… -o OUTPUT.pdf [--paper a4|a5] [--font PATH]
//!     [--running-header] [--run-on] [--date YYYY-MM-DD] [--script NAME] [--encoding LABEL] [--report]
//!     [--title T --creator NAME … | --manifest book.toml] [--skip-bad]
//! ```
//!
//! Warnings about the PDF (characters the font cannot show) go to stderr;
//! `--report` adds the normalisation summary of each article as JSON.

#[path = "common/alloc.rs"]
mod alloc;
#[path = "common/cli.rs"]
mod cli;

use std::process::ExitCode;

use zharchive::render::pdf::{write_pdf_collection, Paper, PdfOptions};

fn main() -> ExitCode {
    cli::run_with(
        "pdf",
        "INPUT… -o OUTPUT.pdf [--paper a4|a5] [--font PATH] [--running-header] [--run-on] [--date YYYY-MM-DD] [--script NAME] [--encoding LABEL] [--report] [book flags]",
        &["--paper", "--font", "--date"],
        |args| {
            let output = args.output.as_ref().ok_or("-o OUTPUT.pdf is required")?;
            let mut options = PdfOptions::default();
            if let Some(name) = args.extra("--paper") {
                options.paper = Paper::from_name(name).ok_or_else(|| format!("unknown paper {name:?} (a4 or a5)"))?;
            }
            options.font_path = args.extra("--font").map(Into::into);
            options.date = args.extra("--date").map(str::to_owned);
            options.running_header = args.has("--running-header");
            options.run_on = args.has("--run-on");
            if let Some((flag, _)) = args
                .extra
                .iter()
                .find(|(f, _)| !["--paper", "--font", "--date", "--running-header", "--run-on"].contains(&f.as_str()))
            {
                return Err(format!("unknown flag {flag}"));
            }
            let book = cli::load_collection(args)?;
            let pdf = write_pdf_collection(&book, &options).map_err(|e| e.to_string())?;
            std::fs::write(output, &pdf.bytes).map_err(|e| format!("{}: {e}", output.display()))?;
            for w in &pdf.warnings {
                eprintln!("pdf: warning: {}: {}", w.code, w.message);
            }
            if args.report {
                for article in &book.articles {
                    let json = serde_json::to_string_pretty(&article.summary()).map_err(|e| e.to_string())?;
                    eprintln!("{json}");
                }
            }
            Ok(())
        },
    )
}
