//! The document model every writer reads: [`Article`], its [`Metadata`], its
//! [`Block`]s and the [`Edit`] log that records what the passes changed.
//!
//! The model is plain data (serde-serialisable) so that a caller can keep it,
//! ship it between processes, or feed it to a writer later. Writers never
//! change it.
//!
//! # Offsets
//!
//! Two kinds of byte offsets appear here, both into UTF-8 strings:
//!
//! * **source offsets** ([`Edit::source`], [`Change::source`]) index the
//!   *decoded source text*: the input as it was decoded, before any pass ran
//!   (for UTF-8 input without a BOM these are offsets into the input bytes);
//! * **block offsets** ([`Change::range`], [`Location::range`]) index
//!   [`Block::text`].

use std::collections::BTreeMap;
use std::ops::Range;

use serde::{Deserialize, Serialize};

/// A normalised article: what the passes made of the source, and how.
///
/// Built by [`crate::normalize()`]; read by the writers.
///
/// ```
/// let opts = zharchive::Options::default();
/// let article = zharchive::normalize("標題\n\n會(huì)議開始了。".as_bytes(), &opts)?;
/// assert_eq!(article.title(), Some("标题"));
/// assert_eq!(article.body_text(), "会议开始了。");
/// # Ok::<(), zharchive::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// What is known about the article and its source.
    pub metadata: Metadata,
    /// The title (a [`BlockKind::Heading`], first) and the paragraphs.
    pub blocks: Vec<Block>,
    /// Every edit the passes made, in the order they made them.
    pub provenance: Vec<Edit>,
    /// Things a person should know about: damage that could not be repaired,
    /// bytes that could not be decoded, characters dropped.
    pub warnings: Vec<Warning>,
}

impl Article {
    /// The title: the text of the first heading block, if there is one.
    pub fn title(&self) -> Option<&str> {
        self.blocks.iter().find(|b| b.kind == BlockKind::Heading).map(|b| b.text.as_str())
    }

    /// The paragraphs, in order.
    pub fn paragraphs(&self) -> impl Iterator<Item = &Block> {
        self.blocks.iter().filter(|b| b.kind == BlockKind::Paragraph)
    }

    /// The paragraphs' text joined by blank lines (no title).
    pub fn body_text(&self) -> String {
        join_blocks(self.paragraphs())
    }

    /// The whole article as plain text: every block (title first) separated by a
    /// blank line, ending with a newline. This is what the `normalize` example
    /// prints and what every writer must give back.
    pub fn plain_text(&self) -> String {
        let mut text = join_blocks(self.blocks.iter());
        if !text.is_empty() {
            text.push('\n');
        }
        text
    }

    /// How many edits of each kind the passes made.
    pub fn edit_counts(&self) -> BTreeMap<EditKind, usize> {
        let mut counts = BTreeMap::new();
        for edit in &self.provenance {
            *counts.entry(edit.kind).or_insert(0) += 1;
        }
        counts
    }

    /// A compact, serialisable summary: encoding, edit counts, warnings.
    pub fn summary(&self) -> Summary {
        Summary {
            title: self.title().map(str::to_owned),
            encoding: self.metadata.encoding.clone(),
            source_script: self.metadata.source_script,
            target_script: self.metadata.target_script,
            language: self.metadata.language.clone(),
            paragraphs: self.paragraphs().count(),
            characters: self.blocks.iter().map(|b| b.text.chars().count()).sum(),
            edits: self.edit_counts(),
            warnings: self.warnings.clone(),
        }
    }
}

fn join_blocks<'a>(blocks: impl Iterator<Item = &'a Block>) -> String {
    let mut text = String::new();
    for block in blocks {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&block.text);
    }
    text
}

/// What is known about an article and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metadata {
    /// BCP 47 language tag of the normalised text (`zh-Hans`, `zh-Hant`,
    /// `zh-Hant-TW`, `zh-Hant-HK`).
    pub language: String,
    /// BCP 47 language tag of the source text, from its detected script.
    pub source_language: String,
    /// The script the source was written in, as detected.
    pub source_script: Script,
    /// The script the text was converted to.
    pub target_script: Script,
    /// How the source bytes were decoded.
    pub encoding: EncodingReport,
    /// Lower-case hex SHA-256 of the source bytes, exactly as given.
    pub source_sha256: String,
    /// Length of the source in bytes.
    pub source_bytes: u64,
    /// Where the article came from, as given in [`crate::Options::source`].
    pub source: SourceInfo,
}

/// Bibliographic facts about the source a caller may know (all optional).
///
/// The crate never invents these; they are copied from
/// [`crate::Options::source`] into [`Metadata::source`] and used by the
/// writers (TEI `sourceDesc`, EPUB `dc:source`, PDF info).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SourceInfo {
    /// URL the article was scraped from.
    pub url: Option<String>,
    /// Name of the site or publication.
    pub site: Option<String>,
    /// Author(s) of the article.
    pub author: Option<String>,
    /// Publication date (ISO 8601, as given).
    pub date: Option<String>,
    /// Keywords.
    pub keywords: Vec<String>,
}

/// How the source bytes were decoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncodingReport {
    /// WHATWG name of the encoding used (`UTF-8`, `gb18030`, `Big5`,
    /// `UTF-16LE`, …).
    pub name: String,
    /// How the encoding was chosen.
    pub method: DetectionMethod,
    /// Number of source bytes that were malformed in that encoding (each run
    /// became one U+FFFD).
    pub malformed_bytes: u64,
}

/// How an encoding was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DetectionMethod {
    /// The caller named it ([`crate::Options::encoding`]).
    Declared,
    /// A byte order mark named it.
    ByteOrderMark,
    /// The bytes are valid UTF-8.
    ValidUtf8,
    /// Guessed from the bytes (UTF-16 without BOM by its zero-byte pattern,
    /// otherwise `chardetng`).
    Guessed,
}

/// A Chinese script (writing standard).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Script {
    /// Simplified Chinese (mainland standard).
    Simplified,
    /// Traditional Chinese (OpenCC's standard forms).
    Traditional,
    /// Traditional Chinese, Taiwan standard.
    Taiwan,
    /// Traditional Chinese, Hong Kong standard.
    HongKong,
    /// No Chinese characters whose script could be told.
    Unknown,
}

impl Script {
    /// The BCP 47 tag for text in this script.
    ///
    /// ```
    /// use zharchive::Script;
    /// assert_eq!(Script::Taiwan.language_tag(), "zh-Hant-TW");
    /// ```
    pub fn language_tag(self) -> &'static str {
        match self {
            Script::Simplified => "zh-Hans",
            Script::Traditional => "zh-Hant",
            Script::Taiwan => "zh-Hant-TW",
            Script::HongKong => "zh-Hant-HK",
            Script::Unknown => "zh",
        }
    }

    /// Whether this is one of the Traditional scripts.
    pub fn is_traditional(self) -> bool {
        matches!(self, Script::Traditional | Script::Taiwan | Script::HongKong)
    }
}

/// One block of the article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    /// Heading or paragraph.
    pub kind: BlockKind,
    /// The normalised text (no newlines).
    pub text: String,
    /// The stretches of `text` that differ from the source, in order, not
    /// overlapping. Everything outside them is the source unchanged.
    pub changes: Vec<Change>,
}

/// What a block is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BlockKind {
    /// The article title.
    Heading,
    /// A paragraph of the body.
    Paragraph,
}

/// A stretch of a block's text that differs from the source: the composed
/// effect of every pass that touched it.
///
/// `原` ＋ the passes ⇒ `Block::text[range]`. The TEI writer encodes each
/// one inline so that the source can be rebuilt from the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// Byte range in [`Block::text`] (may be empty: text was removed).
    pub range: Range<usize>,
    /// Byte range in the decoded source text.
    pub source: Range<usize>,
    /// The source text of that range.
    pub original: String,
    /// The kinds of the edits that made this change, in pass order, no repeats.
    pub kinds: Vec<EditKind>,
}

impl Change {
    /// Whether this change repaired damage (as opposed to regularising text
    /// that was correct in its own terms).
    pub fn is_correction(&self) -> bool {
        self.kinds.iter().any(|k| matches!(k, EditKind::Repair | EditKind::Decode))
    }
}

/// One edit made by one pass.
///
/// `before` and `after` are the pass's own view (its input and output text at
/// that spot); `source` places it in the decoded source text; `output` places
/// it in the final blocks, if any of it survived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edit {
    /// Which pass made it, and why.
    pub kind: EditKind,
    /// Byte range in the decoded source text that the edited text came from.
    pub source: Range<usize>,
    /// The text before the edit.
    pub before: String,
    /// The text after the edit.
    pub after: String,
    /// Where the result is in the final article (`None` if it was removed
    /// with its surroundings, e.g. inside boilerplate).
    pub output: Option<Location>,
}

/// A place in the final article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// Index into [`Article::blocks`].
    pub block: usize,
    /// Byte range in that block's text.
    pub range: Range<usize>,
}

/// The kinds of edit, one per pass (in pipeline order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EditKind {
    /// Undecodable bytes (reserved for decoders that report spans).
    Decode,
    /// Character hygiene: line endings, NFC, zero-width and control
    /// characters.
    Cleanup,
    /// Byte-shift damage rebuilt from GBK bytes.
    Repair,
    /// A pinyin reading annotation removed.
    Annotation,
    /// Boilerplate (disclaimer, editor line, repost notice …) removed.
    Boilerplate,
    /// Whitespace and line structure (joined lines, indents, blank lines).
    Structure,
    /// Half-width punctuation restored to full width.
    Punctuation,
    /// Script conversion (OpenCC or the user dictionary).
    Script,
}

impl EditKind {
    /// Every kind, in pipeline order.
    pub const ALL: [EditKind; 8] = [
        EditKind::Decode,
        EditKind::Cleanup,
        EditKind::Repair,
        EditKind::Annotation,
        EditKind::Boilerplate,
        EditKind::Structure,
        EditKind::Punctuation,
        EditKind::Script,
    ];

    /// The kebab-case name used in JSON and TEI (`repair`, `annotation` …).
    pub fn name(self) -> &'static str {
        match self {
            EditKind::Decode => "decode",
            EditKind::Cleanup => "cleanup",
            EditKind::Repair => "repair",
            EditKind::Annotation => "annotation",
            EditKind::Boilerplate => "boilerplate",
            EditKind::Script => "script",
            EditKind::Punctuation => "punctuation",
            EditKind::Structure => "structure",
        }
    }
}

/// Something a person should know about the result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// A stable machine-readable code (`malformed-bytes`, `unrepaired-damage`,
    /// `control-characters`, `only-boilerplate`, …).
    pub code: String,
    /// What happened, for a person.
    pub message: String,
    /// Where in the decoded source, when it is one place.
    pub source: Option<Range<usize>>,
}

impl Warning {
    pub(crate) fn new(code: &str, message: impl Into<String>, source: Option<Range<usize>>) -> Self {
        Warning { code: code.to_owned(), message: message.into(), source }
    }
}

/// A short report of what normalisation did ([`Article::summary`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// The title, if any.
    pub title: Option<String>,
    /// How the bytes were decoded.
    pub encoding: EncodingReport,
    /// The detected source script.
    pub source_script: Script,
    /// The target script.
    pub target_script: Script,
    /// Language tag of the output.
    pub language: String,
    /// Number of paragraphs.
    pub paragraphs: usize,
    /// Number of characters in all blocks.
    pub characters: usize,
    /// Edits by kind.
    pub edits: BTreeMap<EditKind, usize>,
    /// Warnings.
    pub warnings: Vec<Warning>,
}
