//! Argument handling shared by the examples: the input file, the script and
//! encoding flags, the output path, and the one-line error + exit code
//! convention.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::ExitCode;

/// Flags every example understands.
#[derive(Debug, Default)]
pub struct Args {
    /// The input file.
    pub input: PathBuf,
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
    let mut input = None;
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
            "-o" | "--output" => args.output = Some(PathBuf::from(value("-o")?)),
            "--report" => args.report = true,
            flag if flag.starts_with("--") => {
                let v = if valued.contains(&flag) { Some(value(flag)?) } else { None };
                args.extra.push((flag.to_owned(), v));
            }
            _ if input.is_none() => input = Some(PathBuf::from(&arg)),
            _ => return Err(format!("unexpected argument {arg:?}")),
        }
    }
    args.input = input.ok_or("no INPUT file given")?;
    Ok(Some(args))
}

/// Read and normalise the input file.
pub fn load(args: &Args) -> Result<zharchive::Article, String> {
    let bytes = std::fs::read(&args.input).map_err(|e| format!("{}: {e}", args.input.display()))?;
    zharchive::normalize(&bytes, &args.options).map_err(|e| format!("{}: {e}", args.input.display()))
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
