//! The JSON-lines contract of `archive --jsonl`: one request object per input
//! line, one response object per request, in the same order.
//!
//! Kept apart from the command line so the contract is one readable page
//! (and `tests/jsonl.rs` tests exactly this through the built binary).
//!
//! # Request (one line of stdin)
//!
//! ```json
//! {"id": "a-1", "text": "…", "script": "traditional", "formats": ["tei", "epub", "pdf"]}
//! {"id": 17, "bytes_base64": "…", "encoding": "gb18030"}
//! ```
//!
//! * `id`: any JSON value, echoed back untouched (so a Spark job can join
//!   results to its records); `null` if absent.
//! * exactly one of `text` (already a string: decoded as UTF-8) or
//!   `bytes_base64` (the raw bytes as scraped, standard base64 with padding,
//!   line breaks allowed;
//!   the encoding is detected unless `encoding` names one).
//! * `script`: `simplified` (default), `traditional`, `taiwan`,
//!   `taiwan-phrases`, `hongkong`, `hongkong-phrases`, `keep`.
//! * `encoding`: a WHATWG label (`gbk`, `big5`, `utf-16le` …); only with
//!   `bytes_base64`.
//! * `formats`: any of `"tei"`, `"epub"`, `"pdf"`; default the command line's
//!   `--formats` if given, else `["tei"]`; `[]` for the text and summary only.
//! * `options`: a full `zharchive::Options` object (the same JSON its serde
//!   form reads: `{"punctuation": false, "source": {"url": "…"}}`); `script`
//!   and `encoding` above override it.
//!
//! Unknown fields are an error for that line (a misspelt `format` would
//! otherwise be silently ignored). Blank lines are skipped and get no
//! response.
//!
//! # Response (one line of stdout)
//!
//! ```json
//! {"id":"a-1","line":1,"ok":true,"text":"标题\n\n正文…\n","summary":{…},
//!  "outputs":[{"format":"tei","bytes":12345,"sha256":"…","warnings":[]}],
//!  "tei":"<?xml …","epub_base64":"UEsDB…","pdf_base64":"JVBER…"}
//! {"id":17,"line":2,"ok":false,"error":"the input is binary, not text …"}
//! ```
//!
//! * `line`: the request's line number (1-based), to match responses without
//!   an `id`.
//! * `text`: the normalised article (`Article::plain_text`); `summary`: the
//!   encoding found, scripts, paragraph and character counts, edits by kind,
//!   warnings.
//! * `tei` is the TEI record as a string (it is UTF-8 XML); `epub_base64` and
//!   `pdf_base64` are the files' bytes in standard base64, present only when
//!   asked for.
//! * A line that cannot be read, decoded, normalised or written gives
//!   `"ok":false` and a one-line `error`; the stream always goes on.

#![allow(dead_code)]

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::formats::{sha256, Format};

/// One request line.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// Echoed back.
    #[serde(default)]
    pub id: Value,
    /// The article as text.
    pub text: Option<String>,
    /// The article as raw bytes, base64.
    pub bytes_base64: Option<String>,
    /// The target script's name.
    pub script: Option<String>,
    /// A forced encoding label.
    pub encoding: Option<String>,
    /// The formats to write.
    pub formats: Option<Vec<String>>,
    /// Normalisation options.
    pub options: Option<zharchive::Options>,
}

/// What one written format produced.
#[derive(Debug, Serialize)]
pub struct OutputInfo {
    /// `tei`, `epub` or `pdf`.
    pub format: &'static str,
    /// Size in bytes.
    pub bytes: usize,
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
    /// The writer's warnings.
    pub warnings: Vec<zharchive::Warning>,
}

/// One response line.
#[derive(Debug, Serialize)]
pub struct Response {
    /// The request's `id`.
    pub id: Value,
    /// The request's line number, 1-based.
    pub line: u64,
    /// Whether the article was archived.
    pub ok: bool,
    /// Why not, when `ok` is false.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The normalised text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The normalisation summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<zharchive::Summary>,
    /// Sizes, checksums and warnings of each format written.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub outputs: Vec<OutputInfo>,
    /// The TEI record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tei: Option<String>,
    /// The EPUB, base64.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub epub_base64: Option<String>,
    /// The PDF, base64.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pdf_base64: Option<String>,
}

impl Response {
    fn error(id: Value, line: u64, message: String) -> Response {
        Response {
            id,
            line,
            ok: false,
            error: Some(message),
            text: None,
            summary: None,
            outputs: Vec::new(),
            tei: None,
            epub_base64: None,
            pdf_base64: None,
        }
    }
}

/// What the command line sets for every line.
#[derive(Debug, Clone)]
pub struct Defaults {
    /// Normalisation options (`--script`, `--encoding` on the command line).
    pub options: zharchive::Options,
    /// Formats for a request without `formats`.
    pub formats: Vec<Format>,
}

/// Answer one input line (already split off, without its newline). Never
/// fails: every problem becomes an error response.
pub fn respond(line_number: u64, line: &[u8], defaults: &Defaults) -> Response {
    let line = match std::str::from_utf8(line) {
        Ok(line) => line,
        Err(e) => return Response::error(Value::Null, line_number, format!("the line is not UTF-8: {e}")),
    };
    // Read the JSON once as a value, so an id can be echoed even when the
    // rest of the request is wrong.
    let value: Value = match serde_json::from_str(line) {
        Ok(value) => value,
        Err(e) => return Response::error(Value::Null, line_number, format!("the line is not JSON: {e}")),
    };
    let id = value.get("id").cloned().unwrap_or(Value::Null);
    let request: Request = match serde_json::from_value(value) {
        Ok(request) => request,
        Err(e) => return Response::error(id, line_number, format!("bad request: {e}")),
    };
    match archive(&request, defaults) {
        Ok(mut response) => {
            response.id = id;
            response.line = line_number;
            response
        }
        Err(e) => Response::error(id, line_number, e),
    }
}

/// Normalise and write one request.
fn archive(request: &Request, defaults: &Defaults) -> Result<Response, String> {
    let mut options = request.options.clone().unwrap_or_else(|| defaults.options.clone());
    if let Some(name) = &request.script {
        options.script = zharchive::TargetScript::from_name(name).ok_or_else(|| {
            format!("unknown script {name:?} (simplified, traditional, taiwan, taiwan-phrases, hongkong, hongkong-phrases, keep)")
        })?;
    }
    let bytes = match (&request.text, &request.bytes_base64) {
        (Some(text), None) => {
            if request.encoding.is_some() {
                return Err("\"encoding\" applies to \"bytes_base64\" only: \"text\" is already decoded".into());
            }
            options.encoding = Some("utf-8".into());
            text.as_bytes().to_vec()
        }
        (None, Some(b64)) => {
            if let Some(label) = &request.encoding {
                options.encoding = Some(label.clone());
            }
            // Line breaks and spaces are allowed inside (MIME-style base64,
            // as Python's `base64.encodebytes` writes it).
            let compact: String = b64.chars().filter(|c| !c.is_ascii_whitespace()).collect();
            base64::engine::general_purpose::STANDARD
                .decode(compact)
                .map_err(|e| format!("\"bytes_base64\" is not base64: {e}"))?
        }
        (Some(_), Some(_)) => return Err("give either \"text\" or \"bytes_base64\", not both".into()),
        (None, None) => return Err("no article: give \"text\" or \"bytes_base64\"".into()),
    };
    let formats = match &request.formats {
        Some(names) => {
            let mut formats = Vec::new();
            for name in names {
                let format = Format::parse(name)?;
                if !formats.contains(&format) {
                    formats.push(format);
                }
            }
            formats
        }
        None => defaults.formats.clone(),
    };
    let article = zharchive::normalize(&bytes, &options).map_err(|e| e.to_string())?;
    drop(bytes);
    let mut response = Response {
        id: Value::Null,
        line: 0,
        ok: true,
        error: None,
        text: Some(article.plain_text()),
        summary: Some(article.summary()),
        outputs: Vec::new(),
        tei: None,
        epub_base64: None,
        pdf_base64: None,
    };
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    for format in formats {
        let rendered = format.render(&article)?;
        response.outputs.push(OutputInfo {
            format: format.name(),
            bytes: rendered.bytes.len(),
            sha256: sha256(&rendered.bytes),
            warnings: rendered.warnings,
        });
        match format {
            Format::Tei => {
                response.tei = Some(
                    String::from_utf8(rendered.bytes).map_err(|_| "the TEI writer wrote bytes that are not UTF-8")?,
                )
            }
            Format::Epub => response.epub_base64 = Some(b64(&rendered.bytes)),
            Format::Pdf => response.pdf_base64 = Some(b64(&rendered.bytes)),
        }
    }
    Ok(response)
}

/// A response as one line of JSON (with its newline). Serialising these
/// types cannot fail, but if it ever did the stream still gets a line.
pub fn to_line(response: &Response) -> String {
    let mut line = serde_json::to_string(response).unwrap_or_else(|e| {
        serde_json::json!({ "id": response.id, "line": response.line, "ok": false,
            "error": format!("cannot serialise the response: {e}") })
        .to_string()
    });
    line.push('\n');
    line
}
