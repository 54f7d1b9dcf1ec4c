//! Archive articles: normalise each input and write its EPUB, PDF and TEI
//! record, with a JSON report, into one folder.
//!
//! ```text
//! cargo run --release --example archive -- INPUT... --out-dir DIR
//!     [--formats epub,pdf,tei] [--jobs N] [--force] [--script NAME] [--encoding LABEL]
//! ```
//!
//! Inputs are files or folders (every regular, non-hidden file directly in
//! the folder). For each input `<stem>` it writes `DIR/<stem>.epub`,
//! `<stem>.pdf`, `<stem>.tei.xml` and `<stem>.report.json` (encoding found,
//! edits by kind, warnings, output sizes and SHA-256 checksums). Inputs are
//! processed in parallel; a file that fails is reported and skipped, the
//! batch goes on, and the exit status is 1 if any file failed. Existing
//! outputs are kept unless `--force` is given.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

const USAGE: &str =
    "INPUT... --out-dir DIR [--formats epub,pdf,tei] [--jobs N] [--force] [--script NAME] [--encoding LABEL]";

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Epub,
    Pdf,
    Tei,
}

impl Format {
    fn parse(name: &str) -> Result<Format, String> {
        match name.trim() {
            "epub" => Ok(Format::Epub),
            "pdf" => Ok(Format::Pdf),
            "tei" => Ok(Format::Tei),
            other => Err(format!("unknown format {other:?} (epub, pdf, tei)")),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Format::Epub => "epub",
            Format::Pdf => "pdf",
            Format::Tei => "tei",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Format::Epub => "epub",
            Format::Pdf => "pdf",
            Format::Tei => "tei.xml",
        }
    }

    /// Write `article` in this format.
    fn render(self, article: &zharchive::Article) -> Result<zharchive::render::Rendered, String> {
        let result = match self {
            #[cfg(feature = "epub")]
            Format::Epub => zharchive::render::epub::write_epub(article, &Default::default()),
            #[cfg(feature = "pdf")]
            Format::Pdf => zharchive::render::pdf::write_pdf(article, &Default::default()),
            #[cfg(feature = "tei")]
            Format::Tei => zharchive::render::tei::write_tei(article, &Default::default()),
            #[allow(unreachable_patterns)]
            other => {
                let _ = article;
                return Err(format!("this build has no {} writer (cargo feature `{}`)", other.name(), other.name()));
            }
        };
        result.map_err(|e| e.to_string())
    }
}

/// The command line.
struct Config {
    inputs: Vec<PathBuf>,
    out_dir: PathBuf,
    formats: Vec<Format>,
    jobs: Option<usize>,
    force: bool,
    options: zharchive::Options,
}

fn parse_args() -> Result<Option<Config>, String> {
    let mut config = Config {
        inputs: Vec::new(),
        out_dir: PathBuf::new(),
        formats: vec![Format::Epub, Format::Pdf, Format::Tei],
        jobs: None,
        force: false,
        options: zharchive::Options::default(),
    };
    let mut out_dir = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--out-dir" | "-o" => out_dir = Some(PathBuf::from(value("--out-dir")?)),
            "--formats" => {
                config.formats = value("--formats")?.split(',').map(Format::parse).collect::<Result<_, _>>()?;
            }
            "--jobs" | "-j" => {
                let v = value("--jobs")?;
                let n: usize = v.parse().map_err(|_| format!("--jobs {v:?} is not a number"))?;
                config.jobs = Some(n.max(1));
            }
            "--force" => config.force = true,
            "--script" => {
                let v = value("--script")?;
                config.options.script =
                    zharchive::TargetScript::from_name(&v).ok_or_else(|| format!("unknown script {v:?}"))?;
            }
            "--encoding" => config.options.encoding = Some(value("--encoding")?),
            flag if flag.starts_with('-') => return Err(format!("unknown option {flag}")),
            _ => config.inputs.push(PathBuf::from(arg)),
        }
    }
    config.out_dir = out_dir.ok_or("--out-dir is required")?;
    if config.inputs.is_empty() {
        return Err("no INPUT given".into());
    }
    Ok(Some(config))
}

/// The files to archive: files as given, folders expanded (sorted, so runs
/// are reproducible).
fn expand(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for input in inputs {
        let meta = std::fs::metadata(input).map_err(|e| format!("{}: {e}", input.display()))?;
        if meta.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(input)
                .map_err(|e| format!("{}: {e}", input.display()))?
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && !p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.')))
                .collect();
            found.sort();
            files.extend(found);
        } else {
            files.push(input.clone());
        }
    }
    Ok(files)
}

/// `article.gb18030.txt` → `article.gb18030`.
fn stem(path: &Path) -> String {
    path.file_stem().and_then(|s| s.to_str()).map_or_else(|| "article".to_owned(), str::to_owned)
}

#[derive(Serialize)]
struct Report<'a> {
    input: String,
    input_bytes: u64,
    input_sha256: &'a str,
    summary: zharchive::Summary,
    outputs: Vec<OutputReport>,
}

#[derive(Serialize)]
struct OutputReport {
    format: &'static str,
    path: String,
    bytes: usize,
    sha256: String,
    warnings: Vec<zharchive::Warning>,
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Archive one file; returns the bytes written.
fn archive_one(input: &Path, config: &Config) -> Result<u64, String> {
    let stem = stem(input);
    let target = |ext: &str| config.out_dir.join(format!("{stem}.{ext}"));
    let report_path = target("report.json");
    if !config.force {
        for path in config.formats.iter().map(|f| target(f.extension())).chain([report_path.clone()]) {
            if path.exists() {
                return Err(format!("{} exists (use --force to overwrite)", path.display()));
            }
        }
    }
    let bytes = std::fs::read(input).map_err(|e| format!("cannot read it: {e}"))?;
    let article = zharchive::normalize(&bytes, &config.options).map_err(|e| e.to_string())?;
    let mut outputs = Vec::new();
    let mut written = 0u64;
    for &format in &config.formats {
        let rendered = format.render(&article)?;
        let path = target(format.extension());
        std::fs::write(&path, &rendered.bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        written += rendered.bytes.len() as u64;
        outputs.push(OutputReport {
            format: format.name(),
            path: path.display().to_string(),
            bytes: rendered.bytes.len(),
            sha256: sha256(&rendered.bytes),
            warnings: rendered.warnings,
        });
    }
    let report = Report {
        input: input.display().to_string(),
        input_bytes: article.metadata.source_bytes,
        input_sha256: &article.metadata.source_sha256,
        summary: article.summary(),
        outputs,
    };
    let json = serde_json::to_vec_pretty(&report).map_err(|e| e.to_string())?;
    std::fs::write(&report_path, &json).map_err(|e| format!("{}: {e}", report_path.display()))?;
    Ok(written + json.len() as u64)
}

fn run(config: &Config) -> Result<bool, String> {
    let files = expand(&config.inputs)?;
    std::fs::create_dir_all(&config.out_dir).map_err(|e| format!("{}: {e}", config.out_dir.display()))?;
    let start = Instant::now();
    let done = AtomicUsize::new(0);
    let total = files.len();
    let work = || {
        files
            .par_iter()
            .map(|file| {
                let result = archive_one(file, config);
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                match &result {
                    Ok(_) => eprintln!("[{n}/{total}] {}", file.display()),
                    Err(e) => eprintln!("[{n}/{total}] {}: error: {e}", file.display()),
                }
                result.ok()
            })
            .collect::<Vec<Option<u64>>>()
    };
    let results = match config.jobs {
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map_err(|e| format!("cannot start {n} jobs: {e}"))?
            .install(work),
        None => work(),
    };
    let failed = results.iter().filter(|r| r.is_none()).count();
    let bytes: u64 = results.iter().flatten().sum();
    eprintln!(
        "archived {} of {total} article(s) into {} ({:.1} MB) in {:.2} s; {failed} failed",
        total - failed,
        config.out_dir.display(),
        bytes as f64 / 1e6,
        start.elapsed().as_secs_f64()
    );
    Ok(failed == 0)
}

fn main() -> ExitCode {
    match parse_args() {
        Ok(None) => {
            println!("usage: archive {USAGE}");
            ExitCode::SUCCESS
        }
        Ok(Some(config)) => match run(&config) {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::FAILURE,
            Err(e) => {
                eprintln!("archive: error: {e}");
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprintln!("archive: error: {e} (try --help)");
            ExitCode::from(2)
        }
    }
}
