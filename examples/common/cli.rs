//! Argument handling shared by the examples: the inputs (files, folders or a
//! book manifest), the script and encoding flags, the book's metadata, the
//! output path, and the one-line error + exit code convention.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::ExitCode;

/// Flags every example understands.
#[derive(Debug, Default)]
pub struct Args {
    /// The first input (the only one, for examples that take one).
    pub input: PathBuf,
    /// Every input, in order: files, and folders (their text files in
    /// natural order).
    pub inputs: Vec<PathBuf>,
    /// `--manifest FILE`: a book described in TOML or JSON.
    pub manifest: Option<PathBuf>,
    /// `--skip-bad`: leave out an article that fails (with a warning)
    /// instead of failing the book.
    pub skip_bad: bool,
    /// The book's metadata from `--title`, `--creator` …; fields left empty
    /// are taken from the manifest, else from the article of a book of one.
    pub book: zharchive::CollectionMetadata,
    /// `-o PATH`.
    pub output: Option<PathBuf>,
    /// `--report`.
    pub report: bool,
    /// Normalisation options built from `--script` and `--encoding`.
    pub options: zharchive::Options,
    /// Flags this module does not know, for the example to read
    /// (`--paper a5` → `("--paper", Some("a5"))`).
    pub extra: Vec<(String, Option<String>)>,
}

impl Args {
    /// The value of an extra flag.
    pub fn extra(&self, name: &str) -> Option<&str> {
        self.extra.iter().find(|(n, _)| n == name).and_then(|(_, v)| v.as_deref())
    }

    /// Whether an extra switch was given.
    pub fn has(&self, name: &str) -> bool {
        self.extra.iter().any(|(n, _)| n == name)
    }
}

/// Parse the command line; `valued` lists the extra flags that take a value.
pub fn parse(valued: &[&str]) -> Result<Option<Args>, String> {
    let mut args = Args::default();
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--script" => {
                let v = value("--script")?;
                args.options.script = zharchive::TargetScript::from_name(&v).ok_or_else(|| {
                    format!("unknown script {v:?} (simplified, traditional, taiwan, taiwan-phrases, hongkong, hongkong-phrases, keep)")
                })?;
            }
            "--encoding" => args.options.encoding = Some(value("--encoding")?),
            "--input-format" => {
                let v = value("--input-format")?;
                args.options.input_format = zharchive::InputFormat::from_name(&v)
                    .ok_or_else(|| format!("unknown input format {v:?} (auto, text, html)"))?;
            }
            "-o" | "--output" => args.output = Some(PathBuf::from(value("-o")?)),
            "--report" => args.report = true,
            "--manifest" => args.manifest = Some(PathBuf::from(value("--manifest")?)),
            "--skip-bad" => args.skip_bad = true,
            "--title" => args.book.title = value("--title")?,
            "--creator" => args.book.creators.push(value("--creator")?),
            "--editor" => args.book.editor = Some(value("--editor")?),
            "--book-date" => args.book.date = Some(value("--book-date")?),
            "--language" => args.book.language = value("--language")?,
            "--identifier" => args.book.identifier = value("--identifier")?,
            "--description" => args.book.description = Some(value("--description")?),
            "--publisher" => args.book.publisher = Some(value("--publisher")?),
            flag if flag.starts_with("--") => {
                let v = if valued.contains(&flag) { Some(value(flag)?) } else { None };
                args.extra.push((flag.to_owned(), v));
            }
            _ => args.inputs.push(PathBuf::from(&arg)),
        }
    }
    match (args.inputs.first(), &args.manifest) {
        (Some(_), Some(_)) => return Err("give INPUT files or --manifest, not both".into()),
        (None, None) => return Err("no INPUT file given".into()),
        (Some(first), None) => args.input = first.clone(),
        (None, Some(_)) => {}
    }
    Ok(Some(args))
}

/// The usage lines for the book flags, for examples that write books.
pub const BOOK_USAGE: &str =
    "  INPUT...           several files, or folders (their .txt and .html files in natural order), make one book
  --manifest FILE    the book described in TOML or JSON: [book] metadata, [options], [[article]] path, title, url …
  --skip-bad         leave out an article that cannot be read or normalised (warned) instead of failing
  --title T  --creator NAME (repeatable)  --editor NAME  --book-date DATE  --language TAG
  --identifier ID  --description TEXT  --publisher NAME    the book's metadata";

/// Read and normalise the one input file.
pub fn load(args: &Args) -> Result<zharchive::Article, String> {
    if args.inputs.len() != 1 || args.manifest.is_some() || args.input.is_dir() {
        return Err("this example takes exactly one INPUT file".into());
    }
    let bytes = std::fs::read(&args.input).map_err(|e| format!("{}: {e}", args.input.display()))?;
    zharchive::normalize(&bytes, &args.options).map_err(|e| format!("{}: {e}", args.input.display()))
}

/// Read and normalise every input into one book: the manifest's articles,
/// or the files given (a folder stands for its text files in natural
/// order). The book's metadata are the flags', then the manifest's; a book
/// of one article with no metadata given is that article (see
/// `Collection::of_one`), so its outputs are what the single-article
/// writers make. Skipped articles and ignored files are warned on stderr.
pub fn load_collection(args: &Args) -> Result<zharchive::Collection, String> {
    use zharchive::manifest::{text_files_in, Manifest};
    let mut manifest = match &args.manifest {
        Some(path) => {
            if args.options != zharchive::Options::default() {
                return Err("--script and --encoding go into the manifest's [options] (or an article's entry)".into());
            }
            Manifest::load(path).map_err(|e| e.to_string())?
        }
        None => {
            let mut files = Vec::new();
            for input in &args.inputs {
                if input.is_dir() {
                    let (taken, left) = text_files_in(input).map_err(|e| e.to_string())?;
                    for path in left {
                        eprintln!("warning: {} is not a .txt or .html file: not taken into the book", path.display());
                    }
                    if taken.is_empty() {
                        return Err(format!("{}: the folder holds no .txt or .html file", input.display()));
                    }
                    files.extend(taken);
                } else {
                    files.push(input.clone());
                }
            }
            Manifest::of_files(files, args.options.clone())
        }
    };
    let given = &args.book;
    let book = &mut manifest.book;
    if !given.title.is_empty() {
        book.title.clone_from(&given.title);
    }
    if !given.creators.is_empty() {
        book.creators.clone_from(&given.creators);
    }
    for (field, value) in [
        (&mut book.editor, &given.editor),
        (&mut book.date, &given.date),
        (&mut book.description, &given.description),
        (&mut book.publisher, &given.publisher),
    ] {
        if value.is_some() {
            field.clone_from(value);
        }
    }
    for (field, value) in [(&mut book.language, &given.language), (&mut book.identifier, &given.identifier)] {
        if !value.is_empty() {
            field.clone_from(value);
        }
    }
    let metadata_given = manifest.book != zharchive::CollectionMetadata::default();
    let (mut collection, warnings) = manifest.collect(args.skip_bad).map_err(|e| e.to_string())?;
    for w in &warnings {
        eprintln!("warning: {}", w.message);
    }
    if !metadata_given && collection.len() == 1 {
        collection.metadata = zharchive::CollectionMetadata::of_article(&collection.articles[0]);
    } else if collection.metadata.title.is_empty() && collection.len() == 1 {
        collection.metadata.title = collection.articles[0].display_title().unwrap_or_default().to_owned();
    } else if collection.metadata.title.is_empty() {
        return Err(format!(
            "a book of {} articles needs a title: give --title, or title in the manifest's [book]",
            collection.len()
        ));
    }
    Ok(collection)
}

/// Run an example body: print usage for `--help`, a one-line error and exit
/// code 1 on failure.
pub fn run(name: &str, usage: &str, body: impl FnOnce(&Args) -> Result<(), String>) -> ExitCode {
    run_with(name, usage, &[], body)
}

/// [`run`] for an example with extra flags that take values.
pub fn run_with(name: &str, usage: &str, valued: &[&str], body: impl FnOnce(&Args) -> Result<(), String>) -> ExitCode {
    match parse(valued) {
        Ok(None) => {
            println!("usage: {name} {usage}");
            println!("  --script simplified|traditional|taiwan|taiwan-phrases|hongkong|hongkong-phrases|keep");
            println!("  --encoding LABEL   force an encoding (utf-8, gb18030, big5, utf-16le …)");
            println!("  --input-format auto|text|html   a saved web page or text (default: what the bytes look like)");
            ExitCode::SUCCESS
        }
        Ok(Some(args)) => match body(&args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("{name}: error: {e}");
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprintln!("{name}: error: {e} (try --help)");
            ExitCode::from(2)
        }
    }
}
