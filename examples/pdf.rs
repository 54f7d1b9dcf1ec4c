//! Normalise a scraped Chinese article and write it as a PDF.
//!
//! ```text
//! cargo run --release --example pdf -- INPUT -o OUTPUT.pdf [--paper a4|a5] [--font PATH]
//!     [--running-header] [--date YYYY-MM-DD] [--script NAME] [--encoding LABEL] [--report]
//! ```
//!
//! Warnings about the PDF (characters the font cannot show) go to stderr;
//! `--report` adds the normalisation summary as JSON.

#[path = "common/cli.rs"]
mod cli;

use std::process::ExitCode;

use zharchive::render::pdf::{write_pdf, Paper, PdfOptions};

fn main() -> ExitCode {
    cli::run_with(
        "pdf",
        "INPUT -o OUTPUT.pdf [--paper a4|a5] [--font PATH] [--running-header] [--date YYYY-MM-DD] [--script NAME] [--encoding LABEL] [--report]",
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
            if let Some((flag, _)) = args
                .extra
                .iter()
                .find(|(f, _)| !["--paper", "--font", "--date", "--running-header"].contains(&f.as_str()))
            {
                return Err(format!("unknown flag {flag}"));
            }
            let article = cli::load(args)?;
            let pdf = write_pdf(&article, &options).map_err(|e| e.to_string())?;
            std::fs::write(output, &pdf.bytes).map_err(|e| format!("{}: {e}", output.display()))?;
            for w in &pdf.warnings {
                eprintln!("pdf: warning: {}: {}", w.code, w.message);
            }
            if args.report {
                let json = serde_json::to_string_pretty(&article.summary()).map_err(|e| e.to_string())?;
                eprintln!("{json}");
            }
            Ok(())
        },
    )
}
