//! Normalise a scraped Chinese article and write it as a TEI P5 record.
//!
//! ```text
//! cargo run --release --example tei -- INPUT -o OUTPUT.xml [--script NAME] [--encoding LABEL]
//!     [--date YYYY-MM-DD] [--no-inline-edits] [--drop-boilerplate] [--report]
//!
//! cargo run --release --example tei -- --rebuild RECORD.tei.xml -o SOURCE
//! ```
//!
//! Without `-o` the record goes to stdout. `--report` prints the summary
//! (encoding, edits by kind, warnings) as JSON to stderr. `--rebuild` reads
//! a record and writes the source bytes it keeps, exactly as received; it
//! fails with one line when they do not have the record's SHA-256.

#[path = "common/cli.rs"]
mod cli;

use std::io::Write;
use std::process::ExitCode;

use zharchive::render::tei::{rebuild_source, write_tei, TeiOptions};

fn main() -> ExitCode {
    cli::run_with(
        "tei",
        "INPUT [-o OUTPUT.xml] [--script NAME] [--encoding LABEL] [--date YYYY-MM-DD] [--no-inline-edits] \
         [--drop-boilerplate] [--report] | --rebuild RECORD.tei.xml [-o SOURCE]",
        &["--date"],
        |args| {
            for (flag, _) in &args.extra {
                if !["--date", "--no-inline-edits", "--drop-boilerplate", "--rebuild"].contains(&flag.as_str()) {
                    return Err(format!("unknown flag {flag} (try --help)"));
                }
            }
            if args.has("--rebuild") {
                let record = std::fs::read(&args.input).map_err(|e| format!("{}: {e}", args.input.display()))?;
                let bytes = rebuild_source(&record).map_err(|e| format!("{}: {e}", args.input.display()))?;
                return match &args.output {
                    Some(path) => std::fs::write(path, &bytes).map_err(|e| format!("{}: {e}", path.display())),
                    None => std::io::stdout().lock().write_all(&bytes).map_err(|e| format!("stdout: {e}")),
                };
            }
            let article = cli::load(args)?;
            let options = TeiOptions {
                date: args.extra("--date").map(str::to_owned),
                inline_edits: !args.has("--no-inline-edits"),
                keep_boilerplate: !args.has("--drop-boilerplate"),
                ..TeiOptions::default()
            };
            let record = write_tei(&article, &options).map_err(|e| e.to_string())?;
            for w in &record.warnings {
                eprintln!("tei: warning: {}", w.message);
            }
            match &args.output {
                Some(path) => std::fs::write(path, &record.bytes).map_err(|e| format!("{}: {e}", path.display()))?,
                None => std::io::stdout().lock().write_all(&record.bytes).map_err(|e| format!("stdout: {e}"))?,
            }
            if args.report {
                let json = serde_json::to_string_pretty(&article.summary()).map_err(|e| e.to_string())?;
                eprintln!("{json}");
            }
            Ok(())
        },
    )
}
