//! Archive articles: normalise each input and write its EPUB, PDF and TEI
//! record, with a JSON report, into one folder — or, with `--jsonl`, answer
//! JSON lines on stdin with JSON lines on stdout (a mapper for Hadoop
//! Streaming or Spark's `RDD.pipe`).
//!
//! ```text
//! cargo run --release --example archive -- INPUT... --out-dir DIR
//!     [--formats epub,pdf,tei] [--jobs N] [--force] [--script NAME] [--encoding LABEL]
//! cargo run --release --example archive -- INPUT... --bag DIR
//!     [--bag-info "Key: Value"]... [--date YYYY-MM-DD] [--formats …] [--jobs N] [--force]
//! cargo run --release --example archive -- --jsonl [--formats tei,epub,pdf] [--jobs N] [--script NAME]
//! cargo run --release --example archive -- INPUT... --out-dir DIR --book NAME [--title T] [--creator NAME]...
//!     [--skip-bad] [same options]
//! ```
//!
//! # Folder mode
//!
//! Inputs are files or folders (every regular, non-hidden file directly in
//! the folder). For each input `<stem>` it writes `DIR/<stem>.epub`,
//! `<stem>.pdf`, `<stem>.tei.xml` and `<stem>.report.json` (encoding found,
//! edits by kind, warnings, output sizes and SHA-256 checksums). Inputs are
//! normalised and rendered in parallel (`--jobs`, default one per core) and
//! written by one more thread, so that waiting on the file system does not
//! hold up the computing; a file that fails
//! is reported and skipped, the batch goes on, and the exit status is 1 if
//! any file failed. An input whose outputs already exist is skipped (not a
//! failure, so an interrupted batch can simply be run again) unless
//! `--force` is given. Each output is written under a scratch name and
//! moved into place (renamed, or swapped with the old output on Linux), so
//! a killed batch never leaves a truncated file under a final name.
//!
//! On a terminal, progress is an `indicatif` bar (errors print above it);
//! otherwise one plain line per file, so logs stay greppable.
//!
//! Memory is bounded by the jobs in flight, not by the corpus: each job reads
//! one file, keeps one article and its outputs, writes them and drops them.
//! The expensive state is built once per process and shared by all jobs: the
//! OpenCC converter (`OpenCc::shared`), jieba's word model
//! (`WordFrequency::shared`) and the PDF font (`PdfFont::embedded`).
//!
//! # Bag mode
//!
//! `--bag DIR` writes the same files into a BagIt 1.0 bag instead
//! (`zharchive::package::bagit`): `DIR/data/<stem>/source/<input file name>`
//! holds the input's bytes as read, `DIR/data/<stem>/<stem>.epub` … the
//! outputs and the report (whose paths are then the payload paths). A
//! second run with other inputs extends the bag; an input whose report the
//! bag already holds is skipped unless `--force`. The bag is valid at every
//! moment, even if the process is killed. `Bagging-Date` is `--date`, else
//! `SOURCE_DATE_EPOCH`, else today (said on stderr: that bag is not
//! reproducible); `--bag-info "Key: Value"` (repeatable) adds a field to
//! `bag-info.txt`.
//!
//! # Book
//!
//! `--book NAME` also makes one book of all the inputs, in order (a folder's
//! files in natural order, `2` before `10`): `DIR/NAME.epub`, `NAME.pdf` and
//! `NAME.tei.xml` (a `teiCorpus`) for the chosen formats, and
//! `NAME.report.json` (every article's input, SHA-256 and title, every
//! output's size and SHA-256), next to the per-article files — in a bag,
//! under `data/NAME/`. Its title is `--title`, else NAME; `--creator` names
//! its makers. An input that cannot be normalised fails the book (the
//! per-article files are still written) unless `--skip-bad` leaves it out,
//! with a warning. The book is made again on every run, so that it always
//! holds every input.
//!
//! # JSON-lines mode
//!
//! `--jsonl` reads one request per line on stdin and writes one response per
//! request on stdout, in input order, as soon as it is ready; a bad line gets
//! an error response and the stream goes on. The contract is in
//! `examples/common/jsonl.rs`. At most `4 × jobs` requests are in flight, so
//! memory stays flat however long the stream. Exit status 0 unless stdin or
//! stdout fail (per-line errors are data, not a reason to kill a Spark task).

#[path = "common/alloc.rs"]
mod alloc;
#[path = "common/formats.rs"]
mod formats;
#[path = "common/jsonl.rs"]
mod jsonl;

use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use formats::{sha256, Format};
use rayon::prelude::*;
use serde::Serialize;

const USAGE: &str =
    "INPUT... --out-dir DIR [--formats epub,pdf,tei] [--jobs N] [--force] [--script NAME] [--encoding LABEL]
       archive INPUT... --bag DIR [--bag-info \"Key: Value\"]... [--date YYYY-MM-DD] [same options]
       archive --jsonl [--formats tei,epub,pdf] [--jobs N] [--script NAME] [--encoding LABEL]
  --out-dir DIR      where <stem>.epub, .pdf, .tei.xml and .report.json go
  --bag DIR          write (or extend) a BagIt bag instead: data/<stem>/source/<input>,
                     data/<stem>/<stem>.epub …
  --bag-info FIELD   a \"Key: Value\" line for the bag's bag-info.txt (repeatable)
  --date DATE        the bag's Bagging-Date (default: SOURCE_DATE_EPOCH, else today)
  --formats LIST     formats to write (folder mode: all three by default;
                     --jsonl: the default for lines without \"formats\", else tei)
  --jobs N           parallel jobs (default: one per core)
  --force            overwrite existing outputs (default: skip inputs already archived)
  --book NAME        also write the inputs as one book: NAME.epub, NAME.pdf, NAME.tei.xml
                     (a teiCorpus) and NAME.report.json
  --title T          the book's title (default: NAME); --creator NAME (repeatable) its makers
  --skip-bad         leave an input that fails out of the book (warned) instead of failing it
  --jsonl            read JSON requests on stdin, write JSON responses on stdout
                     (see examples/common/jsonl.rs for the contract)
  --script NAME      simplified (default), traditional, taiwan, taiwan-phrases,
                     hongkong, hongkong-phrases, keep
  --encoding LABEL   force an encoding (utf-8, gb18030, big5, utf-16le …)
  --input-format F   auto (default: a saved web page if the bytes begin like one), text or html";

/// The command line.
struct Config {
    inputs: Vec<PathBuf>,
    out_dir: Option<PathBuf>,
    bag: Option<PathBuf>,
    bag_info: Vec<String>,
    date: Option<String>,
    formats: Vec<Format>,
    formats_given: bool,
    jobs: Option<usize>,
    force: bool,
    jsonl: bool,
    options: zharchive::Options,
    /// `--book NAME`.
    book: Option<String>,
    /// `--title`, `--creator`.
    book_metadata: zharchive::CollectionMetadata,
    skip_bad: bool,
}

fn parse_args() -> Result<Option<Config>, String> {
    let mut config = Config {
        inputs: Vec::new(),
        out_dir: None,
        bag: None,
        bag_info: Vec::new(),
        date: None,
        formats: Format::ALL.to_vec(),
        formats_given: false,
        jobs: None,
        force: false,
        jsonl: false,
        options: zharchive::Options::default(),
        book: None,
        book_metadata: zharchive::CollectionMetadata::default(),
        skip_bad: false,
    };
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        let Some(flag) = arg.to_str() else {
            config.inputs.push(PathBuf::from(arg));
            continue;
        };
        let mut value = |name: &str| -> Result<String, String> {
            args.next()
                .ok_or_else(|| format!("{name} needs a value"))?
                .into_string()
                .map_err(|v| format!("{name} {v:?} is not valid text"))
        };
        match flag {
            "-h" | "--help" => return Ok(None),
            "--out-dir" | "-o" => config.out_dir = Some(PathBuf::from(value("--out-dir")?)),
            "--bag" => config.bag = Some(PathBuf::from(value("--bag")?)),
            "--bag-info" => config.bag_info.push(value("--bag-info")?),
            "--date" => config.date = Some(value("--date")?),
            "--formats" => {
                config.formats = Format::parse_list(&value("--formats")?)?;
                config.formats_given = true;
            }
            "--jobs" | "-j" => {
                let v = value("--jobs")?;
                let n: usize = v.parse().map_err(|_| format!("--jobs {v:?} is not a number"))?;
                config.jobs = Some(n.max(1));
            }
            "--force" => config.force = true,
            "--book" => config.book = Some(value("--book")?),
            "--title" => config.book_metadata.title = value("--title")?,
            "--creator" => config.book_metadata.creators.push(value("--creator")?),
            "--skip-bad" => config.skip_bad = true,
            "--jsonl" => config.jsonl = true,
            "--script" => {
                let v = value("--script")?;
                config.options.script =
                    zharchive::TargetScript::from_name(&v).ok_or_else(|| format!("unknown script {v:?}"))?;
            }
            "--encoding" => config.options.encoding = Some(value("--encoding")?),
            "--input-format" => {
                let v = value("--input-format")?;
                config.options.input_format = zharchive::InputFormat::from_name(&v)
                    .ok_or_else(|| format!("unknown input format {v:?} (auto, text, html)"))?;
            }
            flag if flag.starts_with('-') && flag != "-" => return Err(format!("unknown option {flag}")),
            _ => config.inputs.push(PathBuf::from(arg)),
        }
    }
    if config.jsonl {
        if !config.inputs.is_empty() {
            return Err("--jsonl reads stdin: give no INPUT".into());
        }
        if config.out_dir.is_some() || config.bag.is_some() {
            return Err("--jsonl writes to stdout: --out-dir and --bag do not apply".into());
        }
    } else {
        match (&config.out_dir, &config.bag) {
            (None, None) => return Err("--out-dir (or --bag) is required".into()),
            (Some(_), Some(_)) => return Err("--out-dir and --bag: give one".into()),
            _ => {}
        }
        if config.bag.is_none() && (!config.bag_info.is_empty() || config.date.is_some()) {
            return Err("--bag-info and --date are for --bag".into());
        }
        if config.inputs.is_empty() {
            return Err("no INPUT given".into());
        }
    }
    match &config.book {
        None if !config.book_metadata.title.is_empty()
            || !config.book_metadata.creators.is_empty()
            || config.skip_bad =>
        {
            return Err("--title, --creator and --skip-bad are for --book".into())
        }
        Some(_) if config.jsonl => return Err("--book is for files, not --jsonl".into()),
        Some(name) if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') => {
            return Err(format!("--book {name:?}: give a file name without folders"))
        }
        Some(name) if config.book_metadata.title.is_empty() => config.book_metadata.title = name.clone(),
        _ => {}
    }
    Ok(Some(config))
}

/// The files to archive: files as given, folders expanded (in natural order,
/// `2` before `10`, so runs are reproducible and a book reads in order).
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
            found.sort_by(|a, b| {
                let name = |p: &PathBuf| p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                zharchive::manifest::natural_cmp(&name(a), &name(b))
            });
            files.extend(found);
        } else {
            files.push(input.clone());
        }
    }
    Ok(files)
}

/// `article.gb18030.txt` → `article.gb18030`.
fn stem(path: &Path) -> String {
    path.file_stem().map_or_else(|| "article".to_owned(), |s| s.to_string_lossy().into_owned())
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

impl OutputReport {
    /// The report of `rendered`, written at `path` (as the report shows
    /// it), and the bytes to write.
    fn of(format: Format, path: String, rendered: zharchive::render::Rendered) -> (OutputReport, Vec<u8>) {
        let report = OutputReport {
            format: format.name(),
            path,
            bytes: rendered.bytes.len(),
            sha256: sha256(&rendered.bytes),
            warnings: rendered.warnings,
        };
        (report, rendered.bytes)
    }
}

/// What happened to one input.
enum Outcome {
    /// Archived; bytes written.
    Written(u64),
    /// Every output already existed (no `--force`).
    Skipped,
    /// Failed, with a one-line reason.
    Failed(String),
}

/// Writes outputs into one folder so that a reader (or a rerun after a
/// crash) never sees half a file: each is written under a scratch name in
/// the folder, then moved into place.
///
/// A new output is renamed into place. An existing one (`--force`) is
/// swapped with the scratch file (Linux's `renameat2` with
/// `RENAME_EXCHANGE`), and its old file becomes the scratch file for the
/// next output. Renaming over it would free its inode and make the next
/// scratch file a new one: ext4 looks for a free inode past every one freed
/// in the last seconds, and on a rerun of 800 outputs that search was a
/// third of the process's time. Where swapping is not possible, the new
/// file is renamed over the old.
struct Writer {
    scratch: PathBuf,
}

impl Writer {
    fn new(out_dir: &Path) -> Writer {
        Writer { scratch: out_dir.join(format!(".zharchive-{}.part", std::process::id())) }
    }

    fn write(&mut self, path: &Path, bytes: &[u8]) -> Result<(), String> {
        let scratch = &self.scratch;
        std::fs::write(scratch, bytes).map_err(|e| format!("{}: {e}", scratch.display()))?;
        if path.exists() && swap(scratch, path).is_ok() {
            return Ok(());
        }
        std::fs::rename(scratch, path).map_err(|e| format!("{}: {e}", path.display()))
    }
}

impl Drop for Writer {
    /// Remove the scratch file (the last replaced output's old version).
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.scratch);
    }
}

/// Exchange two files atomically.
#[cfg(target_os = "linux")]
fn swap(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn swap(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// One article's outputs, ready to write: every format, then the report.
struct Prepared {
    /// Paths in the output folder, or file names in the article's folder of
    /// the bag.
    files: Vec<(PathBuf, Vec<u8>)>,
    /// For a bag: the article's folder name, the input's file name, its
    /// bytes as read, and the article.
    bagged: Option<(String, String, Vec<u8>, zharchive::Article)>,
}

/// Where the outputs go.
#[derive(Clone, Copy)]
enum Target<'a> {
    /// Loose files in a folder.
    Folder(&'a Path),
    /// A bag; `true` if it already holds this input's report.
    Bag(bool),
}

/// Normalise one file and render its outputs (without writing them), or
/// say why not: skipped (its outputs exist) or failed.
fn prepare_one(input: &Path, to: Target, config: &Config) -> Result<Prepared, Outcome> {
    let stem = stem(input);
    let target = |ext: &str| match to {
        Target::Folder(out_dir) => out_dir.join(format!("{stem}.{ext}")),
        Target::Bag(_) => PathBuf::from(format!("{stem}.{ext}")),
    };
    // Report paths: the file, or the payload path in the bag.
    let shown = |path: &Path| match to {
        Target::Folder(_) => path.display().to_string(),
        Target::Bag(_) => format!("data/{stem}/{}", path.display()),
    };
    let report_path = target("report.json");
    let done = match to {
        Target::Folder(_) => {
            config.formats.iter().map(|f| target(f.extension())).chain([report_path.clone()]).all(|p| p.exists())
        }
        Target::Bag(holds_report) => holds_report,
    };
    if !config.force && done {
        return Err(Outcome::Skipped);
    }
    let bytes = std::fs::read(input).map_err(|e| Outcome::Failed(format!("cannot read it: {e}")))?;
    let article = zharchive::normalize(&bytes, &config.options).map_err(|e| Outcome::Failed(e.to_string()))?;
    let source = match to {
        Target::Bag(_) => Some(bytes),
        Target::Folder(_) => {
            drop(bytes);
            None
        }
    };
    let mut files = Vec::with_capacity(config.formats.len() + 1);
    let mut outputs = Vec::new();
    for &format in &config.formats {
        let rendered = format.render(&article).map_err(Outcome::Failed)?;
        let path = target(format.extension());
        let (report, bytes) = OutputReport::of(format, shown(&path), rendered);
        outputs.push(report);
        files.push((path, bytes));
    }
    let report = Report {
        input: input.display().to_string(),
        input_bytes: article.metadata.source_bytes,
        input_sha256: &article.metadata.source_sha256,
        summary: article.summary(),
        outputs,
    };
    let json = serde_json::to_vec_pretty(&report).map_err(|e| Outcome::Failed(e.to_string()))?;
    // The report last: its presence means the input's outputs are complete.
    files.push((report_path, json));
    let bagged = source.map(|bytes| {
        let name = input.file_name().map_or_else(|| stem.clone(), |n| n.to_string_lossy().into_owned());
        (stem.clone(), name, bytes, article)
    });
    Ok(Prepared { files, bagged })
}

/// Where the writer thread puts prepared articles.
enum Sink {
    Folder(Writer),
    Bag(zharchive::package::bagit::BagWriter),
}

/// Write a prepared article's files in order (in a bag: its source, then
/// its outputs).
fn write_prepared(sink: &mut Sink, prepared: Prepared) -> Outcome {
    let mut written = 0u64;
    match sink {
        Sink::Folder(writer) => {
            for (path, bytes) in &prepared.files {
                if let Err(e) = writer.write(path, bytes) {
                    return Outcome::Failed(e);
                }
                written += bytes.len() as u64;
            }
        }
        Sink::Bag(bag) => {
            let Some((stem, source_name, source, article)) = &prepared.bagged else {
                return Outcome::Failed("internal error: no source kept for the bag".to_owned());
            };
            let outputs = prepared.files.iter().map(|(path, bytes)| (path.to_str().unwrap_or_default(), &bytes[..]));
            if let Err(e) = bag.add_article(stem, source_name, source, article, outputs) {
                return Outcome::Failed(e.to_string());
            }
            written = source.len() as u64 + prepared.files.iter().map(|(_, b)| b.len() as u64).sum::<u64>();
        }
    }
    Outcome::Written(written)
}

/// `Bagging-Date`: `--date`, else `SOURCE_DATE_EPOCH`, else today (and say
/// so, since that bag cannot be made again byte for byte).
fn bagging_date(config: &Config) -> Result<zharchive::render::Timestamp, String> {
    use zharchive::render::Timestamp;
    if let Some(date) = &config.date {
        return Timestamp::parse(date).map_err(|e| e.to_string());
    }
    if let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH") {
        let secs = epoch.trim().parse::<i64>().map_err(|_| format!("SOURCE_DATE_EPOCH={epoch:?} is not a number"))?;
        return Ok(Timestamp::from_unix(secs));
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|e| format!("the clock is before 1970: {e}"))?;
    let today = Timestamp::from_unix(now.as_secs() as i64);
    eprintln!(
        "archive: Bagging-Date is today, {} (from the clock): pass --date or set SOURCE_DATE_EPOCH for a reproducible bag",
        today.date()
    );
    Ok(today)
}

/// Open (or start) the bag of `--bag`, with the `--bag-info` fields.
fn open_bag(dir: &Path, config: &Config) -> Result<zharchive::package::bagit::BagWriter, String> {
    let mut bag = zharchive::package::bagit::BagWriter::open(dir, bagging_date(config)?).map_err(|e| e.to_string())?;
    for line in &config.bag_info {
        bag.info_line(line).map_err(|e| format!("--bag-info: {e}"))?;
    }
    Ok(bag)
}

/// The message of a caught panic.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned())
}

/// Progress: a bar on a terminal, plain lines otherwise.
enum Progress {
    Bar(indicatif::ProgressBar),
    Lines { done: AtomicU64, total: u64 },
}

impl Progress {
    fn new(total: u64) -> Progress {
        if !std::io::stderr().is_terminal() {
            return Progress::Lines { done: AtomicU64::new(0), total };
        }
        let bar = indicatif::ProgressBar::new(total);
        let style = indicatif::ProgressStyle::with_template(
            "{elapsed_precise} [{wide_bar:.cyan/blue}] {pos}/{len} {rate:.dim} eta {eta} {msg:.red}",
        )
        .map(|s| {
            s.progress_chars("=> ").with_key("rate", |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.1} articles/s", state.per_sec());
            })
        })
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
        bar.set_style(style);
        bar.enable_steady_tick(Duration::from_millis(200));
        Progress::Bar(bar)
    }

    fn record(&self, file: &Path, outcome: &Outcome, failed: u64) {
        match self {
            Progress::Bar(bar) => {
                if let Outcome::Failed(e) = outcome {
                    bar.println(format!("{}: error: {e}", file.display()));
                    bar.set_message(format!("{failed} failed"));
                }
                bar.inc(1);
            }
            Progress::Lines { done, total } => {
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                match outcome {
                    Outcome::Written(_) => eprintln!("[{n}/{total}] {}", file.display()),
                    Outcome::Skipped => eprintln!("[{n}/{total}] {}: skipped (already archived)", file.display()),
                    Outcome::Failed(e) => eprintln!("[{n}/{total}] {}: error: {e}", file.display()),
                }
            }
        }
    }

    fn finish(&self) {
        if let Progress::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}

/// Load the shared state of a batch (what normalising shares, see
/// `zharchive::normalize::preload_for`, and the PDF font) on the pool's
/// threads at once, instead of one after the other as the first articles
/// ask for them. A handful of files gain nothing: one article needs only
/// the parts of the tables its own text meets.
fn preload(config: &Config, files: usize) {
    if files < 8 {
        return;
    }
    rayon::scope(|s| {
        s.spawn(|_| zharchive::normalize::preload_for(files));
        // An error here is reported by each article that needs the font.
        #[cfg(feature = "embedded-font")]
        if config.formats.contains(&Format::Pdf) {
            s.spawn(|_| drop(zharchive::render::pdf::PdfFont::embedded()));
        }
        #[cfg(not(feature = "embedded-font"))]
        let _ = config;
    });
}

/// A rayon pool of `--jobs` threads, or the global one.
fn with_pool<T: Send>(jobs: Option<usize>, work: impl FnOnce() -> T + Send) -> Result<T, String> {
    match jobs {
        Some(n) => Ok(rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map_err(|e| format!("cannot start {n} jobs: {e}"))?
            .install(work)),
        None => Ok(work()),
    }
}

fn run_folder(config: &Config) -> Result<bool, String> {
    let files = expand(&config.inputs)?;
    // Two inputs with one stem (`a/x.txt`, `b/x.txt`) would write the same
    // outputs from two jobs at once: refuse before anything is written.
    let mut stems = std::collections::HashMap::new();
    if let Some(name) = &config.book {
        if let Some(file) = files.iter().find(|f| stem(f) == *name) {
            return Err(format!("--book {name}: {} would be archived under the same name", file.display()));
        }
    }
    for file in &files {
        if let Some(other) = stems.insert(stem(file), file) {
            return Err(format!(
                "{} and {} would both be archived as {}.*: rename one or archive them into different --out-dir",
                other.display(),
                file.display(),
                stem(file)
            ));
        }
    }
    let start = Instant::now();
    // The bag is opened (and an existing one checked) before any work; its
    // reports tell which inputs it already holds.
    let (sink, held, out_dir) = match (&config.bag, &config.out_dir) {
        (Some(dir), _) => {
            let bag = open_bag(dir, config)?;
            let held: Vec<bool> =
                files.iter().map(|f| bag.contains(&format!("{0}/{0}.report.json", stem(f)))).collect();
            (Sink::Bag(bag), held, dir.as_path())
        }
        (None, Some(out_dir)) => {
            std::fs::create_dir_all(out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
            (Sink::Folder(Writer::new(out_dir)), Vec::new(), out_dir.as_path())
        }
        (None, None) => return Err("--out-dir (or --bag) is required".into()),
    };
    let in_bag = matches!(sink, Sink::Bag(_));
    let target = |index: usize| if in_bag { Target::Bag(held[index]) } else { Target::Folder(out_dir) };
    let total = files.len();
    let progress = Progress::new(total as u64);
    // The pool's threads normalise and render; one writer thread writes, so
    // that a job waiting on the file system does not hold up the next
    // article's computing. The channel holds at most two finished articles
    // per job: memory depends on the jobs, not on the corpus. Per file only
    // the outcome is kept (a number or a short message).
    let jobs = config.jobs.unwrap_or_else(rayon::current_num_threads).max(1);
    let (to_writer, finished) = std::sync::mpsc::sync_channel::<(usize, Result<Prepared, Outcome>)>(2 * jobs);
    let (outcomes, sink): (Vec<Outcome>, Sink) = std::thread::scope(|scope| {
        let writer = scope.spawn(|| {
            let mut outcomes: Vec<Option<Outcome>> = (0..total).map(|_| None).collect();
            let mut failed = 0;
            let mut sink = sink;
            for (index, prepared) in finished {
                let outcome = prepared.map_or_else(|outcome| outcome, |p| write_prepared(&mut sink, p));
                failed += u64::from(matches!(outcome, Outcome::Failed(_)));
                progress.record(&files[index], &outcome, failed);
                outcomes[index] = Some(outcome);
            }
            (outcomes, sink)
        });
        let computed = with_pool(config.jobs, || {
            preload(config, files.len());
            files.par_iter().enumerate().for_each_with(to_writer, |to_writer, (index, file)| {
                let prepared = catch_unwind(AssertUnwindSafe(|| prepare_one(file, target(index), config)))
                    .unwrap_or_else(|p| {
                        Err(Outcome::Failed(format!("internal error (panic): {}", panic_message(&*p))))
                    });
                // Sending fails only if the writer thread has died, which
                // joining it reports.
                let _ = to_writer.send((index, prepared));
            });
        });
        let (outcomes, sink) =
            writer.join().map_err(|p| format!("the writer thread failed: {}", panic_message(&*p)))?;
        computed?;
        Ok::<_, String>((
            outcomes
                .into_iter()
                .map(|o| o.unwrap_or_else(|| Outcome::Failed("internal error: never archived".to_owned())))
                .collect(),
            sink,
        ))
    })?;
    progress.finish();
    let mut sink = sink;
    let book_written = match &config.book {
        Some(name) => match write_book(name, &files, &mut sink, config) {
            Ok(()) => true,
            Err(e) => {
                eprintln!("archive: error: the book {name} was not written: {e}");
                false
            }
        },
        None => true,
    };
    // The bag's tag files, and the swap: until here the old bag (or none)
    // is what the folder holds.
    if let Sink::Bag(bag) = sink {
        let summary = bag.finish().map_err(|e| e.to_string())?;
        eprintln!(
            "bag {}: {} payload file(s), {:.1} MB ({} added, {} replaced{})",
            out_dir.display(),
            summary.files,
            summary.bytes as f64 / 1e6,
            summary.added,
            summary.replaced,
            if summary.extended { ", extended" } else { "" }
        );
    }
    let mut written = 0usize;
    let mut skipped = 0usize;
    let mut bytes = 0u64;
    let mut failed: Vec<(&PathBuf, &str)> = Vec::new();
    for (file, outcome) in files.iter().zip(&outcomes) {
        match outcome {
            Outcome::Written(n) => {
                written += 1;
                bytes += n;
            }
            Outcome::Skipped => skipped += 1,
            Outcome::Failed(e) => failed.push((file, e)),
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    eprintln!(
        "archived {written} of {total} article(s) into {} ({:.1} MB, {}) in {seconds:.2} s ({:.1} articles/s); {skipped} skipped as already archived; {} failed",
        out_dir.display(),
        bytes as f64 / 1e6,
        config.formats.iter().map(|f| f.name()).collect::<Vec<_>>().join(","),
        written as f64 / seconds.max(1e-9),
        failed.len(),
    );
    for (file, e) in failed.iter().take(20) {
        eprintln!("  failed: {}: {e}", file.display());
    }
    if failed.len() > 20 {
        eprintln!("  … and {} more", failed.len() - 20);
    }
    Ok(failed.is_empty() && book_written)
}

#[derive(Serialize)]
struct BookReport<'a> {
    book: &'a zharchive::CollectionMetadata,
    identifier: String,
    language: &'a str,
    articles: Vec<BookArticle<'a>>,
    left_out: Vec<&'a str>,
    outputs: Vec<OutputReport>,
}

#[derive(Serialize)]
struct BookArticle<'a> {
    title: Option<&'a str>,
    source_sha256: &'a str,
    source_bytes: u64,
    warnings: usize,
}

/// `--book NAME`: normalise every input again (the batch keeps no article,
/// so that its memory does not grow with the corpus), make one book of them
/// and write its forms and report next to the per-article files.
fn write_book(name: &str, files: &[PathBuf], sink: &mut Sink, config: &Config) -> Result<(), String> {
    let mut manifest = zharchive::manifest::Manifest::of_files(files.iter().cloned(), config.options.clone());
    manifest.book = config.book_metadata.clone();
    let (book, left_out) = with_pool(config.jobs, || manifest.collect(config.skip_bad))?.map_err(|e| e.to_string())?;
    for w in &left_out {
        eprintln!("archive: warning: {}", w.message);
    }
    let shown = |file: &str| match sink {
        Sink::Folder(_) => file.to_owned(),
        Sink::Bag(_) => format!("data/{name}/{file}"),
    };
    let mut outputs = Vec::new();
    let mut forms = Vec::new();
    for &format in &config.formats {
        let rendered = format.render_collection(&book)?;
        let file = format!("{name}.{}", format.extension());
        let (report, bytes) = OutputReport::of(format, shown(&file), rendered);
        outputs.push(report);
        forms.push((file, bytes));
    }
    let report = BookReport {
        book: &book.metadata,
        identifier: book.identifier(),
        language: book.language(),
        articles: book
            .articles
            .iter()
            .map(|a| BookArticle {
                title: a.display_title(),
                source_sha256: &a.metadata.source_sha256,
                source_bytes: a.metadata.source_bytes,
                warnings: a.warnings.len(),
            })
            .collect(),
        left_out: left_out.iter().map(|w| w.message.as_str()).collect(),
        outputs,
    };
    forms.push((format!("{name}.report.json"), serde_json::to_vec_pretty(&report).map_err(|e| e.to_string())?));
    for (file, bytes) in &forms {
        match sink {
            Sink::Folder(writer) => {
                let dir = config.out_dir.as_deref().unwrap_or(Path::new("."));
                writer.write(&dir.join(file), bytes)?;
            }
            Sink::Bag(bag) => {
                bag.add_file(&format!("{name}/{file}"), bytes).map_err(|e| e.to_string())?;
            }
        }
    }
    eprintln!(
        "book {name}: {} article(s){} → {}",
        book.len(),
        if left_out.is_empty() { String::new() } else { format!(" ({} left out)", left_out.len()) },
        forms.iter().map(|(f, _)| f.as_str()).collect::<Vec<_>>().join(", ")
    );
    Ok(())
}

/// A counting semaphore: how many JSONL requests may be in flight.
struct Permits {
    free: Mutex<usize>,
    freed: Condvar,
}

impl Permits {
    fn acquire(&self) {
        let mut free = self.free.lock().unwrap_or_else(PoisonError::into_inner);
        while *free == 0 {
            free = self.freed.wait(free).unwrap_or_else(PoisonError::into_inner);
        }
        *free -= 1;
    }

    fn release(&self) {
        *self.free.lock().unwrap_or_else(PoisonError::into_inner) += 1;
        self.freed.notify_one();
    }
}

/// The `--jsonl` loop: this thread reads lines and hands each to the pool; a
/// writer thread puts the answers back in input order and writes each one as
/// soon as every earlier one is out (so a consumer that waits for an answer
/// before sending more never deadlocks).
fn run_jsonl(config: &Config) -> Result<bool, String> {
    let defaults = jsonl::Defaults {
        options: config.options.clone(),
        formats: if config.formats_given { config.formats.clone() } else { vec![Format::Tei] },
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.jobs.unwrap_or(0))
        .build()
        .map_err(|e| format!("cannot start the jobs: {e}"))?;
    let in_flight = pool.current_num_threads() * 4;
    let permits = Permits { free: Mutex::new(in_flight), freed: Condvar::new() };
    let broken = AtomicBool::new(false);
    let start = Instant::now();
    let (tx, rx) = mpsc::channel::<(u64, bool, String)>();

    std::thread::scope(|threads| -> Result<bool, String> {
        let writer = threads.spawn(|| -> Result<(u64, u64), String> {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            let mut next = 0u64;
            let mut waiting = BTreeMap::new();
            let (mut ok, mut failed) = (0u64, 0u64);
            let mut error = None;
            for (seq, good, line) in rx {
                waiting.insert(seq, (good, line));
                while let Some((good, line)) = waiting.remove(&next) {
                    next += 1;
                    if good {
                        ok += 1;
                    } else {
                        failed += 1;
                    }
                    if error.is_none() {
                        if let Err(e) = out.write_all(line.as_bytes()).and_then(|()| out.flush()) {
                            error = Some(format!("cannot write to stdout: {e}"));
                            broken.store(true, Ordering::Relaxed);
                        }
                    }
                    permits.release();
                }
            }
            error.map_or(Ok((ok, failed)), Err)
        });

        let mut read_error = None;
        pool.in_place_scope(|scope| {
            let mut stdin = std::io::stdin().lock();
            let mut line_number = 0u64;
            let mut seq = 0u64;
            loop {
                if broken.load(Ordering::Relaxed) {
                    break;
                }
                let mut line = Vec::new();
                match stdin.read_until(b'\n', &mut line) {
                    Ok(0) => break,
                    Ok(_) => {}
                    Err(e) => {
                        read_error = Some(format!("cannot read stdin: {e}"));
                        break;
                    }
                }
                line_number += 1;
                while line.last().is_some_and(|&b| b == b'\n' || b == b'\r') {
                    line.pop();
                }
                if line.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                permits.acquire();
                let (tx, defaults, this, number) = (tx.clone(), &defaults, seq, line_number);
                seq += 1;
                scope.spawn(move |_| {
                    let response = catch_unwind(AssertUnwindSafe(|| jsonl::respond(number, &line, defaults)));
                    let (good, text) = match response {
                        Ok(r) => (r.ok, jsonl::to_line(&r)),
                        Err(p) => {
                            let message = format!("internal error (panic): {}", panic_message(&*p));
                            (
                                false,
                                serde_json::json!({ "id": null, "line": number, "ok": false, "error": message })
                                    .to_string()
                                    + "\n",
                            )
                        }
                    };
                    // The writer only stops early when stdout is gone.
                    let _ = tx.send((this, good, text));
                });
            }
        });
        drop(tx);
        let (ok, failed) = writer.join().map_err(|p| format!("the writer failed: {}", panic_message(&*p)))??;
        if let Some(e) = read_error {
            return Err(e);
        }
        eprintln!(
            "archive --jsonl: {ok} article(s) archived, {failed} error line(s), in {:.2} s",
            start.elapsed().as_secs_f64()
        );
        Ok(true)
    })
}

fn main() -> ExitCode {
    match parse_args() {
        Ok(None) => {
            println!("usage: archive {USAGE}");
            ExitCode::SUCCESS
        }
        Ok(Some(config)) => {
            let result = if config.jsonl { run_jsonl(&config) } else { run_folder(&config) };
            match result {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => ExitCode::FAILURE,
                Err(e) => {
                    eprintln!("archive: error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Err(e) => {
            eprintln!("archive: error: {e} (try --help)");
            ExitCode::from(2)
        }
    }
}
