//! Normalise scraped Chinese articles and write them as TEI P5: one input as
//! a TEI record, several (or a folder, or a manifest) as one `teiCorpus`.
//!
//! ```text
//! cargo run --release --example tei -- INPUT... -o OUTPUT.xml [--script NAME] [--encoding LABEL]
//!     [--date YYYY-MM-DD] [--no-inline-edits] [--drop-boilerplate] [--report]
//!     [--title T --creator NAME … | --manifest book.toml] [--skip-bad]
//!
//! cargo run --release --example tei -- --rebuild RECORD.tei.xml -o SOURCE
//! cargo run --release --example tei -- --rebuild CORPUS.tei.xml --record N -o SOURCE
//! cargo run --release --example tei -- --rebuild CORPUS.tei.xml -o FOLDER
//! ```
//!
//! Without `-o` the document goes to stdout. `--report` prints the summary
//! (encoding, edits by kind, warnings) as JSON to stderr: one object for one
//! article, an array for a corpus. `--rebuild` reads a record and writes the
//! source bytes it keeps, exactly as received; it fails with one line when
//! they do not have the record's SHA-256. For a corpus, `--record N` (from
//! 1, in reading order) rebuilds the N-th record's source; without it, every
//! source is written into the folder `-o` names (created if need be), as
//! `source-0001.txt`, `source-0002.txt` … in reading order.

#[path = "common/alloc.rs"]
mod alloc;
#[path = "common/cli.rs"]
mod cli;

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use zharchive::render::tei::{rebuild_corpus_sources, write_tei_collection, TeiOptions};

fn main() -> ExitCode {
    let usage = format!(
        "INPUT... [-o OUTPUT.xml] [--script NAME] [--encoding LABEL] [--date YYYY-MM-DD] [--no-inline-edits] \
         [--drop-boilerplate] [--report] | --rebuild RECORD.tei.xml [--record N] [-o SOURCE|FOLDER]\n{}",
        cli::BOOK_USAGE
    );
    cli::run_with("tei", &usage, &["--date", "--record"], |args| {
        for (flag, _) in &args.extra {
            if !["--date", "--no-inline-edits", "--drop-boilerplate", "--rebuild", "--record"].contains(&flag.as_str())
            {
                return Err(format!("unknown flag {flag} (try --help)"));
            }
        }
        if args.has("--rebuild") {
            return rebuild(args);
        }
        if args.has("--record") {
            return Err("--record goes with --rebuild".into());
        }
        let collection = cli::load_collection(args)?;
        let options = TeiOptions {
            date: args.extra("--date").map(str::to_owned),
            inline_edits: !args.has("--no-inline-edits"),
            keep_boilerplate: !args.has("--drop-boilerplate"),
            ..TeiOptions::default()
        };
        let document = write_tei_collection(&collection, &options).map_err(|e| e.to_string())?;
        for w in &document.warnings {
            eprintln!("tei: warning: {}", w.message);
        }
        match &args.output {
            Some(path) => std::fs::write(path, &document.bytes).map_err(|e| format!("{}: {e}", path.display()))?,
            None => std::io::stdout().lock().write_all(&document.bytes).map_err(|e| format!("stdout: {e}"))?,
        }
        if args.report {
            let json = match collection.articles.as_slice() {
                [article] => serde_json::to_string_pretty(&article.summary()),
                articles => serde_json::to_string_pretty(&articles.iter().map(|a| a.summary()).collect::<Vec<_>>()),
            };
            eprintln!("{}", json.map_err(|e| e.to_string())?);
        }
        Ok(())
    })
}

/// `--rebuild`: the source of a record, of the N-th record of a corpus, or
/// of every record of a corpus into a folder.
fn rebuild(args: &cli::Args) -> Result<(), String> {
    if args.inputs.len() != 1 {
        return Err("--rebuild takes one RECORD".into());
    }
    let input = &args.input;
    let document = std::fs::read(input).map_err(|e| format!("{}: {e}", input.display()))?;
    let mut sources = rebuild_corpus_sources(&document).map_err(|e| format!("{}: {e}", input.display()))?;
    let write_one = |bytes: &[u8]| match &args.output {
        Some(path) => std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display())),
        None => std::io::stdout().lock().write_all(bytes).map_err(|e| format!("stdout: {e}")),
    };
    if let Some(n) = args.extra("--record") {
        let count = sources.len();
        let index = n
            .parse::<usize>()
            .ok()
            .filter(|i| (1..=count).contains(i))
            .ok_or_else(|| format!("--record {n}: {} holds records 1 to {count}", input.display()))?;
        return write_one(&sources.swap_remove(index - 1));
    }
    if let [only] = sources.as_slice() {
        return write_one(only);
    }
    let folder = args.output.as_deref().ok_or_else(|| {
        format!(
            "{} is a corpus of {} records: give --record N for one source, or -o FOLDER for all",
            input.display(),
            sources.len()
        )
    })?;
    write_all(folder, &sources)
}

/// Every source into `folder`, as `source-0001.txt` … in reading order.
fn write_all(folder: &Path, sources: &[Vec<u8>]) -> Result<(), String> {
    std::fs::create_dir_all(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    for (i, bytes) in sources.iter().enumerate() {
        let path = folder.join(format!("source-{:04}.txt", i + 1));
        std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    eprintln!("tei: {} sources written to {}", sources.len(), folder.display());
    Ok(())
}
