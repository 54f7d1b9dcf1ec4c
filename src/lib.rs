//! # zharchive
//!
//! Turn a Chinese news article as scraped from the web — any encoding, pushed
//! into the wrong script, peppered with pinyin annotations, broken by
//! byte-level damage, wrapped in disclaimer boilerplate — into a clean,
//! normalised [`Article`], and write it as EPUB 3, PDF or TEI P5 XML.
//!
//! ```
//! let scraped = "大會(huì)開幕\n\n因?yàn)獒t(yī)生是智力密度最高的職業之一,需要多模態、記憶。\n\n(免責聲明:本網站內容僅供參考。)";
//! let article = zharchive::normalize(scraped.as_bytes(), &zharchive::Options::default())?;
//! assert_eq!(article.title(), Some("大会开幕"));
//! assert_eq!(article.body_text(), "因为医生是智力密度最高的职业之一，需要多模态、记忆。");
//! // Every edit is recorded, with its place in the source.
//! assert!(article.provenance.iter().any(|e| e.kind == zharchive::EditKind::Repair));
//! # Ok::<(), zharchive::Error>(())
//! ```
//!
//! ## The pipeline
//!
//! ```text
//! bytes ──decode──▶ text ──passes──▶ Article ──▶ EPUB | PDF | TEI-XML ──▶ BagIt bag
//!          cleanup → repair → annotations → boilerplate → structure → punctuation → script
//!                        every pass appends to Article::provenance
//! ```
//!
//! [`package`] puts the outputs and the source bytes into the containers
//! archives accept (BagIt); it reads output bytes and the article, never a
//! pass.
//!
//! * [`normalize::decode`]: BOM, UTF-8 validity, UTF-16 without BOM, then
//!   `chardetng` among GB18030/GBK and Big5; reports the encoding, how it was
//!   found, and how many bytes were malformed.
//! * [`normalize::repair`]: rebuilds text knocked out of step by annotations
//!   inserted into GBK bytes (`因?yàn)獒t` → `因為醫`).
//! * [`normalize::annotations`]: removes `(syllable)` after a character when
//!   it is one of the character's readings, and nothing else.
//! * [`normalize::boilerplate`]: disclaimers, editor/source lines, repost
//!   notices; rules are data.
//! * [`normalize::script`]: OpenCC conversion behind the [`Converter`] trait,
//!   with a user dictionary layered over it.
//! * [`normalize::punctuation`]: full-width punctuation in Chinese text only.
//! * [`normalize::structure`]: title, paragraphs, line joining.
//!
//! ## Provenance
//!
//! Passes never rewrite text directly: they propose replacements that
//! [`normalize::TrackedText`] applies, so every change is in
//! [`Article::provenance`] with its byte range in the decoded source, and
//! each [`Block`] lists its [`Change`]s: the source text and the kinds of
//! edit that produced each changed stretch. The source can be rebuilt from
//! the blocks and their changes (up to the whitespace between paragraphs).
//!
//! ## Options
//!
//! [`Options`] holds every knob, with defaults that give clean Simplified
//! Chinese. It is serde-serialisable, so it can live in a file:
//!
//! ```
//! let opts: zharchive::Options = serde_json::from_str(r#"{
//!     "script": "taiwan-phrases",
//!     "user_dictionary": [["乾隆", "乾隆"], ["艳", "艷"]],
//!     "boilerplate_rules": [{ "name": "photo", "shape": "label-line", "keywords": ["图片来源"], "max_chars": 80 }],
//!     "source": { "url": "https://example.com/a/1", "site": "示例网", "date": "2024-06-15" }
//! }"#)?;
//! let article = zharchive::normalize("标题\n\n鲜艳的软件。\n图片来源：网络".as_bytes(), &opts)?;
//! assert_eq!(article.body_text(), "鮮艷的軟體。");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Writing, and reading a TEI record back
//!
//! Each writer (behind its cargo feature) takes an [`Article`] and its own
//! options and returns [`render::Rendered`]: the file's bytes and warnings.
//! A TEI record written by this crate carries the whole article, edits
//! included, and reads back into the same [`Article`]:
//!
//! ```
//! # #[cfg(feature = "tei")] {
//! use zharchive::render::tei::{read_tei, write_tei, TeiOptions};
//! let article = zharchive::normalize("標題\n\n會(huì)議開始了,大家好。".as_bytes(), &Default::default())?;
//! let record = write_tei(&article, &TeiOptions::default())?;
//! let back = read_tei(&record.bytes)?;
//! assert_eq!(back, article);
//! # }
//! # Ok::<(), zharchive::Error>(())
//! ```
//!
//! ## Determinism
//!
//! The same bytes and options always give the same article (no clocks, no
//! random numbers, no hash-map iteration order in the output).

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used))]

pub mod article;
pub mod collection;
pub mod damage;
mod digest;
pub mod error;
pub mod manifest;
pub mod normalize;
pub mod options;
pub mod package;
pub mod render;

pub use article::{
    Article, Block, BlockKind, Change, DetectionMethod, Doubt, DoubtKind, Edit, EditKind, EditKinds, EncodingReport,
    Extraction, Location, MetaField, Metadata, RawBytes, Script, SourceInfo, Summary, Warning,
};
/// The string type of edit texts ([`Edit::before`], [`Edit::after`],
/// [`Change::original`], `normalize::Replacement::text`): short strings are
/// stored inline. Re-exported so that code building these values needs no
/// dependency of its own; it dereferences to `str` and converts from `&str`
/// and `String`.
///
/// ```
/// let text: zharchive::CompactString = "会议".into();
/// assert_eq!(text, "会议");
/// ```
pub use collection::{Collection, CollectionMetadata};
pub use compact_str::CompactString;
pub use error::{Error, Result};
pub use normalize::script::{Conversion, Converter, OpenCc};
pub use options::{InputFormat, LineBreaks, Options, TargetScript};

/// Normalise the raw bytes of a scraped article.
///
/// Uses the shared OpenCC converter for the script pass; see
/// [`normalize_with`] to plug in another.
///
/// ```
/// let opts = zharchive::Options::default();
/// let article = zharchive::normalize("大會(huì)開幕\n\n會議在臺北舉行。".as_bytes(), &opts)?;
/// assert_eq!(article.plain_text(), "大会开幕\n\n会议在台北举行。\n");
/// assert!(matches!(zharchive::normalize(b"", &opts), Err(zharchive::Error::Empty)));
/// # Ok::<(), zharchive::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::Empty`], [`Error::TooLarge`], [`Error::Binary`],
/// [`Error::UnknownEncoding`] or [`Error::NothingLeft`]; damage that could not
/// be undone is a [`Warning`], not an error.
pub fn normalize(bytes: &[u8], options: &Options) -> Result<Article> {
    normalize::run(bytes, options, OpenCc::shared())
}

/// [`normalize()`] with a script converter of your own.
///
/// ```
/// use zharchive::{Conversion, Converter, Script};
/// /// A converter that only knows one character.
/// struct Tiny;
/// impl Converter for Tiny {
///     fn name(&self) -> String { "tiny".into() }
///     fn convert(&self, text: &str, _: Conversion) -> String { text.replace('會', "会") }
///     fn detect(&self, _: &str) -> Script { Script::Traditional }
/// }
/// let a = zharchive::normalize_with("會\n\n會".as_bytes(), &Default::default(), &Tiny)?;
/// assert_eq!(a.plain_text(), "会\n\n会\n");
/// # Ok::<(), zharchive::Error>(())
/// ```
pub fn normalize_with(bytes: &[u8], options: &Options, converter: &dyn Converter) -> Result<Article> {
    normalize::run(bytes, options, converter)
}

/// The README's Rust example, run as a doctest so that it stays true.
#[cfg(all(doctest, feature = "tei", feature = "epub", feature = "pdf", feature = "embedded-font"))]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
