//! Write N generated damaged articles into a folder, for trying `archive`
//! and for the side-by-side benchmarks (`scripts/compare.sh`).
//!
//! ```text
//! cargo run --release --example gen_corpus -- --count 1000 --out-dir corpus [--seed N] [--start N]
//! ```
//!
//! Articles are `gen-00000.txt`, `gen-00001.txt` …: 左传 passages and the
//! reference article's paragraphs in Traditional characters, damaged the way
//! the scraped site damaged its pages, in UTF-8, GB18030 or UTF-16LE (see
//! `examples/common/corpus.rs`). The same count and seed always write the
//! same bytes, so two machines benchmark the same corpus.

#[path = "common/corpus.rs"]
mod corpus;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "--count N --out-dir DIR [--seed N] [--start N]";

fn run() -> Result<Option<String>, String> {
    let mut count = None;
    let mut out_dir = None;
    let mut seed = 0x5eed_u64;
    let mut start = 0usize;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        let number = |name: &str, v: String| v.parse::<u64>().map_err(|_| format!("{name} {v:?} is not a number"));
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--count" | "-n" => count = Some(number("--count", value("--count")?)? as usize),
            "--out-dir" | "-o" => out_dir = Some(PathBuf::from(value("--out-dir")?)),
            "--seed" => seed = number("--seed", value("--seed")?)?,
            "--start" => start = number("--start", value("--start")?)? as usize,
            other => return Err(format!("unexpected argument {other:?}")),
        }
    }
    let count = count.ok_or("--count is required")?;
    let out_dir = out_dir.ok_or("--out-dir is required")?;
    std::fs::create_dir_all(&out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    let corpus = corpus::Corpus::load(corpus::crate_root(), seed)?;
    let mut bytes = 0usize;
    for index in start..start + count {
        let article = corpus.article(index);
        let path = out_dir.join(&article.name);
        std::fs::write(&path, &article.bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        bytes += article.bytes.len();
    }
    Ok(Some(format!("wrote {count} article(s), {:.1} MB, into {}", bytes as f64 / 1e6, out_dir.display())))
}

fn main() -> ExitCode {
    match run() {
        Ok(None) => {
            println!("usage: gen_corpus {USAGE}");
            ExitCode::SUCCESS
        }
        Ok(Some(summary)) => {
            eprintln!("{summary}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen_corpus: error: {e} (try --help)");
            ExitCode::FAILURE
        }
    }
}
