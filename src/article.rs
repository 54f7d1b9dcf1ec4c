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

use compact_str::CompactString;
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
    ///
    /// ```
    /// let a = zharchive::normalize("會議紀要\n\n會議開始了。".as_bytes(), &Default::default())?;
    /// assert_eq!(a.title(), Some("会议纪要"));
    /// assert_eq!(a.title(), Some(a.blocks[0].text.as_str()));
    /// # Ok::<(), zharchive::Error>(())
    /// ```
    pub fn title(&self) -> Option<&str> {
        self.blocks.iter().find(|b| b.kind == BlockKind::Heading).map(|b| b.text.as_str())
    }

    /// The title to show for the article in a book's contents and running
    /// heads: the caller's ([`SourceInfo::title`]) when given, else the
    /// text's own heading ([`Article::title`]).
    ///
    /// ```
    /// use zharchive::{Options, SourceInfo};
    /// let opts = Options { source: SourceInfo { title: Some("另题".into()), ..Default::default() }, ..Default::default() };
    /// let a = zharchive::normalize("标题\n\n正文。".as_bytes(), &opts)?;
    /// assert_eq!((a.title(), a.display_title()), (Some("标题"), Some("另题")));
    /// # Ok::<(), zharchive::Error>(())
    /// ```
    pub fn display_title(&self) -> Option<&str> {
        self.metadata.source.title.as_deref().map(str::trim).filter(|t| !t.is_empty()).or_else(|| self.title())
    }

    /// The paragraphs, in order.
    ///
    /// ```
    /// let a = zharchive::normalize("标题\n\n第一段。\n\n第二段。".as_bytes(), &Default::default())?;
    /// let texts: Vec<&str> = a.paragraphs().map(|p| p.text.as_str()).collect();
    /// assert_eq!(texts, ["第一段。", "第二段。"]);
    /// # Ok::<(), zharchive::Error>(())
    /// ```
    pub fn paragraphs(&self) -> impl Iterator<Item = &Block> {
        self.blocks.iter().filter(|b| b.kind == BlockKind::Paragraph)
    }

    /// The paragraphs' text joined by blank lines (no title).
    ///
    /// ```
    /// let a = zharchive::normalize("标题\n\n第一段。\n\n第二段。".as_bytes(), &Default::default())?;
    /// assert_eq!(a.body_text(), "第一段。\n\n第二段。");
    /// # Ok::<(), zharchive::Error>(())
    /// ```
    pub fn body_text(&self) -> String {
        join_blocks(self.paragraphs())
    }

    /// The whole article as plain text: every block (title first) separated by a
    /// blank line, ending with a newline. This is what the `normalize` example
    /// prints and what every writer must give back.
    ///
    /// ```
    /// let a = zharchive::normalize("标题\n\n第一段。\n\n第二段。".as_bytes(), &Default::default())?;
    /// assert_eq!(a.plain_text(), "标题\n\n第一段。\n\n第二段。\n");
    /// # Ok::<(), zharchive::Error>(())
    /// ```
    pub fn plain_text(&self) -> String {
        let mut text = join_blocks(self.blocks.iter());
        if !text.is_empty() {
            text.push('\n');
        }
        text
    }

    /// How many edits of each kind the passes made.
    ///
    /// ```
    /// use zharchive::EditKind;
    /// let a = zharchive::normalize("標題\n\n會(huì)議開始了。".as_bytes(), &Default::default())?;
    /// let counts = a.edit_counts();
    /// assert_eq!(counts[&EditKind::Annotation], 1); // (huì)
    /// assert_eq!(counts[&EditKind::Script], 2); // 標題, 會議開
    /// assert_eq!(counts.get(&EditKind::Repair), None);
    /// # Ok::<(), zharchive::Error>(())
    /// ```
    pub fn edit_counts(&self) -> BTreeMap<EditKind, usize> {
        let mut counts = BTreeMap::new();
        for edit in &self.provenance {
            *counts.entry(edit.kind).or_insert(0) += 1;
        }
        counts
    }

    /// A compact, serialisable summary: encoding, edit counts, warnings.
    ///
    /// ```
    /// let a = zharchive::normalize("标题\n\n第一段。\n\n第二段。".as_bytes(), &Default::default())?;
    /// let s = a.summary();
    /// assert_eq!(s.title.as_deref(), Some("标题"));
    /// assert_eq!((s.paragraphs, s.characters), (2, 10));
    /// assert!(s.edits.is_empty() && s.warnings.is_empty());
    /// # Ok::<(), zharchive::Error>(())
    /// ```
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
///
/// ```
/// let a = zharchive::normalize("標題\n\n會議開始了。".as_bytes(), &Default::default())?;
/// let m = &a.metadata;
/// assert_eq!(m.source_script, zharchive::Script::Traditional);
/// assert_eq!((m.source_language.as_str(), m.language.as_str()), ("zh-Hant", "zh-Hans"));
/// assert_eq!(m.source_bytes, 26);
/// assert_eq!(m.source_sha256.len(), 64);
/// # Ok::<(), zharchive::Error>(())
/// ```
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
    /// The source as decoded, every character of it (the BOM removed, each
    /// malformed sequence one U+FFFD): the text [`Edit::source`] offsets
    /// index. With [`EncodingReport::raw`] it gives back the source bytes
    /// exactly ([`crate::normalize::decode::encode_source`]), which is what
    /// makes a TEI record a lossless copy of what was received. Empty in an
    /// article that does not keep its source (built by hand, or read from a
    /// record written without it).
    ///
    /// ```
    /// let bytes = "標題\r\n\r\n正文。".as_bytes();
    /// let a = zharchive::normalize(bytes, &Default::default())?;
    /// assert_eq!(a.metadata.source_text, "標題\r\n\r\n正文。");
    /// let again = zharchive::normalize::decode::encode_source(&a.metadata.source_text, &a.metadata.encoding)?;
    /// assert_eq!(again, bytes);
    /// # Ok::<(), zharchive::Error>(())
    /// ```
    #[serde(default)]
    pub source_text: String,
    /// Where the article came from, as given in [`crate::Options::source`].
    pub source: SourceInfo,
    /// How the text was taken out of the source, when the source was a web
    /// page rather than text (then every edit's range is a place in the
    /// page, and the first edits are of kind [`EditKind::Extraction`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extraction: Option<Extraction>,
}

/// How an article's text was taken out of a web page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extraction {
    /// The source's format (`html`).
    pub format: String,
    /// What found the article in it, with its version.
    pub extractor: String,
    /// The page's language (`lang`), as it says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_language: Option<String>,
    /// True when no article was found and the page's whole text was taken.
    #[serde(default)]
    pub whole_page: bool,
}

/// Bibliographic facts about the source (all optional).
///
/// The crate never invents these: they are what the caller gave in
/// [`crate::Options::source`], and, for each field the caller left empty,
/// what the page's own head lines say ([`BlockKind::Meta`]), converted to
/// the article's script. The writers use them (TEI `sourceDesc`, EPUB
/// `dc:source`, PDF info).
///
/// ```
/// use zharchive::{Options, SourceInfo};
/// let source = SourceInfo { site: Some("示例网".into()), date: Some("2024-06-15".into()), ..Default::default() };
/// let opts = Options { source: source.clone(), ..Default::default() };
/// let a = zharchive::normalize("标题\n\n正文。".as_bytes(), &opts)?;
/// assert_eq!(a.metadata.source, source);
/// # Ok::<(), zharchive::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SourceInfo {
    /// The article's title as the caller gives it (a book manifest's title
    /// override): tables of contents and running heads show it in place of
    /// the text's own heading ([`Article::display_title`]); the text itself
    /// is not changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// URL the article was scraped from.
    pub url: Option<String>,
    /// Name of the site or publication.
    pub site: Option<String>,
    /// Author(s) of the article, as one line (`张三、李四`).
    pub author: Option<String>,
    /// Publication date (ISO 8601, as given).
    pub date: Option<String>,
    /// Keywords.
    pub keywords: Vec<String>,
    /// Authors one by one, where the page's head lists them
    /// ([`MetaField::Authors`]) and no [`SourceInfo::author`] was given.
    pub authors: Vec<String>,
    /// The authors' institutions, as the page's head gives them.
    pub affiliations: Vec<String>,
    /// The journal and issue (`高等理科教育 2023年6期`).
    pub publication: Option<String>,
    /// `(label, value)` pairs such as `("中图分类号", "R473.5")` or
    /// `("DOI", "10.…")`, as the page's head gives them.
    pub identifiers: Vec<(String, String)>,
}

impl SourceInfo {
    /// Who wrote the article, one name per item: the caller's
    /// [`SourceInfo::author`] line when given, else the authors the page's
    /// head lists. Writers give each its own creator entry.
    ///
    /// ```
    /// use zharchive::SourceInfo;
    /// let page = SourceInfo { authors: vec!["陈岩".into(), "付存军".into()], ..Default::default() };
    /// assert_eq!(page.creators(), ["陈岩", "付存军"]);
    /// let given = SourceInfo { author: Some("本报记者".into()), ..page };
    /// assert_eq!(given.creators(), ["本报记者"]);
    /// ```
    pub fn creators(&self) -> Vec<&str> {
        match self.author.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
            Some(author) => vec![author],
            None => self.authors.iter().map(|a| a.trim()).filter(|a| !a.is_empty()).collect(),
        }
    }
}

/// How the source bytes were decoded.
///
/// ```
/// use zharchive::DetectionMethod;
/// let mut bytes = "标题\n\n正文很好，大家都很好。".as_bytes().to_vec();
/// bytes.insert(8, 0xFF); // one byte of damage in otherwise valid UTF-8
/// let a = zharchive::normalize(&bytes, &Default::default())?;
/// let report = &a.metadata.encoding;
/// assert_eq!((report.name.as_str(), report.method), ("UTF-8", DetectionMethod::Guessed));
/// assert_eq!(report.malformed_bytes, 1);
/// # Ok::<(), zharchive::Error>(())
/// ```
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
    /// The source bytes that encoding the decoded text again would not give
    /// back, in text order: the byte order mark (at offset 0, standing for
    /// no text), each malformed sequence (standing for its U+FFFD), and any
    /// character the encoding does not map back to the bytes it was read
    /// from (Big5 codes outside the encoder's table, GB18030's 0x80). Empty
    /// for most sources.
    ///
    /// ```
    /// let mut bytes = vec![0xEF, 0xBB, 0xBF];
    /// bytes.extend_from_slice("标题\n\n正文很好，大家都很好。".as_bytes());
    /// bytes.insert(11, 0xFF); // one byte of damage after the BOM and 标题\n\n
    /// let a = zharchive::normalize(&bytes, &Default::default())?;
    /// let raw = &a.metadata.encoding.raw;
    /// assert_eq!((raw[0].at, raw[0].len, raw[0].bytes.as_slice()), (0, 0, &[0xEF, 0xBB, 0xBF][..]));
    /// assert_eq!((raw[1].at, raw[1].len, raw[1].bytes.as_slice()), (8, 3, &[0xFF][..]));
    /// # Ok::<(), zharchive::Error>(())
    /// ```
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub raw: Vec<RawBytes>,
}

/// Source bytes kept as they were, standing for a stretch of the decoded
/// text ([`EncodingReport::raw`]).
///
/// ```
/// let span = zharchive::RawBytes { at: 6, len: 3, bytes: vec![0xFF] };
/// assert_eq!(span.text_range(), 6..9);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawBytes {
    /// Byte offset in the decoded text ([`Metadata::source_text`]).
    pub at: usize,
    /// Length in bytes of the decoded text these bytes stand for (0 for a
    /// BOM, 3 for the U+FFFD of a malformed sequence).
    pub len: usize,
    /// The source bytes.
    pub bytes: Vec<u8>,
}

impl RawBytes {
    /// The stretch of the decoded text these bytes stand for.
    ///
    /// ```
    /// assert_eq!(zharchive::RawBytes { at: 0, len: 0, bytes: vec![0xFE, 0xFF] }.text_range(), 0..0);
    /// ```
    pub fn text_range(&self) -> Range<usize> {
        self.at..self.at + self.len
    }
}

/// How an encoding was chosen.
///
/// ```
/// use zharchive::{DetectionMethod, Options};
/// let text = "标题\n\n正文。".as_bytes();
/// assert_eq!(zharchive::normalize(text, &Options::default())?.metadata.encoding.method, DetectionMethod::ValidUtf8);
/// let declared = Options { encoding: Some("utf-8".into()), ..Options::default() };
/// assert_eq!(zharchive::normalize(text, &declared)?.metadata.encoding.method, DetectionMethod::Declared);
/// # Ok::<(), zharchive::Error>(())
/// ```
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
    /// An HTML page's `<meta charset>` (or `http-equiv` content type)
    /// named it.
    Meta,
}

/// A Chinese script (writing standard).
///
/// ```
/// use zharchive::{normalize::detect_script, Script};
/// assert_eq!(detect_script("这是简体中文"), Script::Simplified);
/// assert_eq!(detect_script("no Chinese here"), Script::Unknown);
/// assert_eq!(serde_json::to_string(&Script::HongKong).unwrap(), r#""hong-kong""#);
/// ```
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
    ///
    /// ```
    /// use zharchive::Script;
    /// assert!(Script::Traditional.is_traditional() && Script::HongKong.is_traditional());
    /// assert!(!Script::Simplified.is_traditional() && !Script::Unknown.is_traditional());
    /// ```
    pub fn is_traditional(self) -> bool {
        matches!(self, Script::Traditional | Script::Taiwan | Script::HongKong)
    }
}

/// One block of the article.
///
/// ```
/// use zharchive::BlockKind;
/// let a = zharchive::normalize("標題\n\n會議開始了。".as_bytes(), &Default::default())?;
/// let block = &a.blocks[1];
/// assert_eq!((block.kind, block.text.as_str()), (BlockKind::Paragraph, "会议开始了。"));
/// // Only 會議開 differs from the source; 始了。 is the source unchanged.
/// assert_eq!(block.changes.len(), 1);
/// assert_eq!(block.changes[0].original, "會議開");
/// # Ok::<(), zharchive::Error>(())
/// ```
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
///
/// ```
/// use zharchive::BlockKind;
/// let a = zharchive::normalize("标题\n\n第一段。\n\n第二段。".as_bytes(), &Default::default())?;
/// let kinds: Vec<BlockKind> = a.blocks.iter().map(|b| b.kind).collect();
/// assert_eq!(kinds, [BlockKind::Heading, BlockKind::Paragraph, BlockKind::Paragraph]);
/// # Ok::<(), zharchive::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BlockKind {
    /// The article title.
    Heading,
    /// A paragraph of the body.
    Paragraph,
    /// A line of metadata at the head of the page (authors, date, journal,
    /// keywords …), kept as the page printed it; its values are also in
    /// [`SourceInfo`].
    Meta(MetaField),
    /// A heading inside the article (a web page's `h2`–`h6`), with its
    /// level, 2 to 6 (the title is level 1).
    Subheading(u8),
    /// A quotation set apart (a web page's `blockquote`).
    Quote,
    /// One item of a list (consecutive items make one list).
    ListItem,
    /// The caption of a figure or table, or an image's text alternative
    /// (images themselves are not kept).
    Caption,
}

/// What a line of head metadata ([`BlockKind::Meta`]) says.
///
/// ```
/// use zharchive::{BlockKind, MetaField};
/// let page = "標題\n\n2017-08-03 14:49:52\n體育時空 2017年7期\n關鍵詞:比賽\n\n正文第一段。";
/// let a = zharchive::normalize(page.as_bytes(), &Default::default())?;
/// let kinds: Vec<BlockKind> = a.blocks.iter().map(|b| b.kind).collect();
/// assert_eq!(kinds, [
///     BlockKind::Heading,
///     BlockKind::Meta(MetaField::Date),
///     BlockKind::Meta(MetaField::Publication),
///     BlockKind::Meta(MetaField::Keywords),
///     BlockKind::Paragraph,
/// ]);
/// assert_eq!(a.metadata.source.date.as_deref(), Some("2017-08-03"));
/// assert_eq!(a.metadata.source.keywords, ["比赛"]);
/// assert_eq!(serde_json::to_string(&kinds[2]).unwrap(), r#"{"meta":"publication"}"#);
/// # Ok::<(), zharchive::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MetaField {
    /// Who wrote it (`陈岩，付存军`, `作者：张三`, `文/李四`).
    Authors,
    /// Where the authors work (`（1.宁波大学 教师教育学院，浙江 宁波 315211）`).
    Affiliation,
    /// When it was published (`2017-08-03 14:49:52`, `时间：2022-05-21`).
    Date,
    /// The journal and issue (`高等理科教育 2023年6期`).
    Publication,
    /// Keywords (`关键词：比赛；体育`).
    Keywords,
    /// Classification and article numbers, DOI (`中图分类号：R473.5`).
    Identifiers,
}

impl MetaField {
    /// The kebab-case name used in JSON and TEI (`authors`, `keywords` …).
    ///
    /// ```
    /// assert_eq!(zharchive::MetaField::Identifiers.name(), "identifiers");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            MetaField::Authors => "authors",
            MetaField::Affiliation => "affiliation",
            MetaField::Date => "date",
            MetaField::Publication => "publication",
            MetaField::Keywords => "keywords",
            MetaField::Identifiers => "identifiers",
        }
    }

    /// The field a name stands for ([`MetaField::name`] back).
    ///
    /// ```
    /// use zharchive::MetaField;
    /// assert_eq!(MetaField::from_name("date"), Some(MetaField::Date));
    /// assert_eq!(MetaField::from_name("weather"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<MetaField> {
        [
            MetaField::Authors,
            MetaField::Affiliation,
            MetaField::Date,
            MetaField::Publication,
            MetaField::Keywords,
            MetaField::Identifiers,
        ]
        .into_iter()
        .find(|f| f.name() == name)
    }
}

/// A stretch of a block's text that differs from the source: the composed
/// effect of every pass that touched it.
///
/// `原` ＋ the passes ⇒ `Block::text[range]`. The TEI writer encodes each
/// one inline so that the source can be rebuilt from the record.
///
/// ```
/// use zharchive::EditKind;
/// let a = zharchive::normalize("標題\n\n會(huì)議開始了。".as_bytes(), &Default::default())?;
/// let block = &a.blocks[1];
/// let change = &block.changes[0];
/// assert_eq!((change.original.as_str(), &block.text[change.range.clone()]), ("會(huì)議開", "会议开"));
/// assert_eq!(change.kinds, [EditKind::Annotation, EditKind::Script]);
/// # Ok::<(), zharchive::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// Byte range in [`Block::text`] (may be empty: text was removed).
    pub range: Range<usize>,
    /// Byte range in the decoded source text.
    pub source: Range<usize>,
    /// The source text of that range.
    pub original: CompactString,
    /// The kinds of the edits that made this change (iterated in pass order).
    pub kinds: EditKinds,
}

impl Change {
    /// Whether this change repaired damage (as opposed to regularising text
    /// that was correct in its own terms).
    ///
    /// ```
    /// let a = zharchive::normalize("標題\n\n因?yàn)獒t(yī)生很忙。".as_bytes(), &Default::default())?;
    /// let changes = &a.blocks[1].changes;
    /// assert_eq!(changes[0].original, "?yàn)獒t"); // byte-shift damage, repaired
    /// assert!(changes[0].is_correction());
    /// assert_eq!(changes[1].original, "(yī)"); // an annotation, removed
    /// assert!(!changes[1].is_correction());
    /// # Ok::<(), zharchive::Error>(())
    /// ```
    pub fn is_correction(&self) -> bool {
        self.kinds.contains(EditKind::Repair) || self.kinds.contains(EditKind::Decode)
    }
}

/// One edit made by one pass.
///
/// `before` and `after` are the pass's own view (its input and output text at
/// that spot); `source` places it in the decoded source text; `output` places
/// it in the final blocks, if any of it survived.
///
/// ```
/// use zharchive::EditKind;
/// let source = "標題\n\n會(huì)議開始了。";
/// let a = zharchive::normalize(source.as_bytes(), &Default::default())?;
/// let edit = &a.provenance[0];
/// assert_eq!(edit.kind, EditKind::Annotation);
/// assert_eq!((edit.before.as_str(), edit.after.as_str()), ("(huì)", ""));
/// assert_eq!(&source[edit.source.clone()], "(huì)");
/// # Ok::<(), zharchive::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edit {
    /// Which pass made it, and why.
    pub kind: EditKind,
    /// Byte range in the decoded source text that the edited text came from.
    pub source: Range<usize>,
    /// The text before the edit.
    pub before: CompactString,
    /// The text after the edit.
    pub after: CompactString,
    /// Where the result is in the final article (`None` if it was removed
    /// with its surroundings, e.g. inside boilerplate).
    pub output: Option<Location>,
}

/// A place in the final article.
///
/// ```
/// let a = zharchive::normalize("標題\n\n會議開始了。".as_bytes(), &Default::default())?;
/// let edit = &a.provenance[1]; // 會議開 → 会议开
/// let at = edit.output.as_ref().expect("the edit survived");
/// assert_eq!(at.block, 1);
/// assert_eq!(&a.blocks[at.block].text[at.range.clone()], edit.after);
/// # Ok::<(), zharchive::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// Index into [`Article::blocks`].
    pub block: usize,
    /// Byte range in that block's text.
    pub range: Range<usize>,
}

/// A set of [`EditKind`]s, iterated in pipeline order: which passes made a
/// [`Change`].
///
/// A bit set rather than a `Vec`: a book-length text has a hundred thousand
/// changes, and one allocation each for a list of one or two kinds was a
/// measurable share of normalising it. It serialises as a list of kinds, as
/// a `Vec<EditKind>` would.
///
/// ```
/// use zharchive::{EditKind, EditKinds};
/// let kinds: EditKinds = [EditKind::Script, EditKind::Annotation].into_iter().collect();
/// assert!(kinds.contains(EditKind::Script) && !kinds.contains(EditKind::Repair));
/// assert_eq!(kinds, [EditKind::Annotation, EditKind::Script]); // pipeline order
/// assert_eq!(kinds.len(), 2);
/// assert_eq!(serde_json::to_string(&kinds).unwrap(), r#"["annotation","script"]"#);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct EditKinds(u16);

impl EditKinds {
    /// No kinds.
    ///
    /// ```
    /// assert!(zharchive::EditKinds::new().is_empty());
    /// ```
    pub const fn new() -> Self {
        EditKinds(0)
    }

    fn bit(kind: EditKind) -> u16 {
        1 << (kind as u16)
    }

    /// Add `kind`.
    ///
    /// ```
    /// use zharchive::{EditKind, EditKinds};
    /// let mut kinds = EditKinds::new();
    /// kinds.insert(EditKind::Cleanup);
    /// kinds.insert(EditKind::Cleanup);
    /// assert_eq!(kinds.len(), 1);
    /// ```
    pub fn insert(&mut self, kind: EditKind) {
        self.0 |= Self::bit(kind);
    }

    /// Whether `kind` is in the set.
    ///
    /// ```
    /// use zharchive::{EditKind, EditKinds};
    /// let kinds: EditKinds = [EditKind::Repair].into_iter().collect();
    /// assert!(kinds.contains(EditKind::Repair));
    /// ```
    pub fn contains(self, kind: EditKind) -> bool {
        self.0 & Self::bit(kind) != 0
    }

    /// Whether the set is empty.
    ///
    /// ```
    /// assert!(zharchive::EditKinds::default().is_empty());
    /// ```
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// How many kinds the set holds.
    ///
    /// ```
    /// use zharchive::{EditKind, EditKinds};
    /// assert_eq!(EditKinds::from_iter([EditKind::Script, EditKind::Structure]).len(), 2);
    /// ```
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// The kinds, in pipeline order.
    ///
    /// ```
    /// use zharchive::{EditKind, EditKinds};
    /// let kinds = EditKinds::from_iter([EditKind::Script, EditKind::Cleanup]);
    /// assert_eq!(kinds.iter().collect::<Vec<_>>(), [EditKind::Cleanup, EditKind::Script]);
    /// ```
    pub fn iter(self) -> impl Iterator<Item = EditKind> {
        EditKind::ALL.into_iter().filter(move |&kind| self.contains(kind))
    }
}

impl FromIterator<EditKind> for EditKinds {
    fn from_iter<I: IntoIterator<Item = EditKind>>(kinds: I) -> Self {
        let mut set = EditKinds::new();
        for kind in kinds {
            set.insert(kind);
        }
        set
    }
}

impl<const N: usize> PartialEq<[EditKind; N]> for EditKinds {
    fn eq(&self, other: &[EditKind; N]) -> bool {
        self.iter().eq(other.iter().copied())
    }
}

impl std::fmt::Debug for EditKinds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for EditKinds {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for EditKinds {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        Ok(Vec::<EditKind>::deserialize(deserializer)?.into_iter().collect())
    }
}

/// The kinds of edit, one per pass (in pipeline order).
///
/// ```
/// use zharchive::EditKind;
/// // Kinds sort in pipeline order.
/// assert!(EditKind::Repair < EditKind::Annotation && EditKind::Punctuation < EditKind::Script);
/// assert!(EditKind::ALL.windows(2).all(|w| w[0] < w[1]));
/// assert_eq!(serde_json::to_string(&EditKind::Boilerplate).unwrap(), r#""boilerplate""#);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EditKind {
    /// Undecodable bytes (reserved for decoders that report spans).
    Decode,
    /// The article taken out of a web page: markup, navigation and other
    /// page furniture left out, character references read, blocks set
    /// apart (HTML input only).
    Extraction,
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
    pub const ALL: [EditKind; 9] = [
        EditKind::Decode,
        EditKind::Extraction,
        EditKind::Cleanup,
        EditKind::Repair,
        EditKind::Annotation,
        EditKind::Boilerplate,
        EditKind::Structure,
        EditKind::Punctuation,
        EditKind::Script,
    ];

    /// The kebab-case name used in JSON and TEI (`repair`, `annotation` …).
    ///
    /// ```
    /// use zharchive::EditKind;
    /// assert_eq!(EditKind::Annotation.name(), "annotation");
    /// for kind in EditKind::ALL {
    ///     assert_eq!(serde_json::to_string(&kind).unwrap(), format!("\"{}\"", kind.name()));
    /// }
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            EditKind::Decode => "decode",
            EditKind::Extraction => "extraction",
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
///
/// ```
/// let a = zharchive::normalize("标题\n\n正文\u{7}。".as_bytes(), &Default::default())?;
/// assert_eq!(a.body_text(), "正文。");
/// let w = &a.warnings[0];
/// assert_eq!(w.code, "control-characters");
/// assert_eq!(w.source, Some(14..15)); // where the BEL was in the source
/// # Ok::<(), zharchive::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// A stable machine-readable code (`malformed-bytes`, `unrepaired-damage`,
    /// `control-characters`, `only-boilerplate`, …).
    pub code: String,
    /// What happened, for a person.
    pub message: String,
    /// Where in the decoded source, when it is one place.
    pub source: Option<Range<usize>>,
    /// When the warning is about a stretch of the article's text that a
    /// reader should doubt: why, and where it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doubt: Option<Doubt>,
}

impl Warning {
    pub(crate) fn new(code: &str, message: impl Into<String>, source: Option<Range<usize>>) -> Self {
        Warning { code: code.to_owned(), message: message.into(), source, doubt: None }
    }
}

/// A stretch of the article's text that may not be what the source said:
/// damage left as it was, or bytes the repair had to guess. Archival
/// writers mark it (TEI `damage` and `unclear`).
///
/// ```
/// use zharchive::DoubtKind;
/// // `?cè)` is damage the repair rebuilds; the `?` before `7.9%` swallowed a
/// // digit that no arithmetic brings back.
/// let a = zharchive::normalize("標題\n\n佔總?cè)丝诘谋戎貫?7.9%。".as_bytes(), &Default::default())?;
/// let doubt = a.warnings.iter().find_map(|w| w.doubt.as_ref()).expect("a guessed digit");
/// assert_eq!(doubt.kind, DoubtKind::Guessed);
/// let at = doubt.output.as_ref().expect("in the text");
/// // The whole rebuilt stretch is doubtful: `人口的比重为` and the digit.
/// assert!(a.blocks[at.block].text[at.range.clone()].starts_with("人口的比重为"));
/// assert_eq!(a.body_text().chars().count(), "占总人口的比重为17.9%。".chars().count());
/// # Ok::<(), zharchive::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Doubt {
    /// What kind of doubt.
    pub kind: DoubtKind,
    /// Where the doubtful text is in the article: the whole stretch that
    /// the edits covering it made (or the text as it was, for damage left
    /// alone). `None` if none of it survived (removed with boilerplate).
    pub output: Option<Location>,
}

/// Why a stretch of text is doubtful.
///
/// ```
/// use zharchive::DoubtKind;
/// assert_eq!(serde_json::to_string(&DoubtKind::Unrepaired).unwrap(), r#""unrepaired""#);
/// assert_eq!(DoubtKind::Guessed.name(), "guessed");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DoubtKind {
    /// Damage that could not be undone, left as it was.
    Unrepaired,
    /// Rebuilt, but some bytes were chosen among several that read about as
    /// well (a digit swallowed by the damage can be any digit).
    Guessed,
}

impl DoubtKind {
    /// The kebab-case name used in JSON and TEI.
    ///
    /// ```
    /// assert_eq!(zharchive::DoubtKind::Unrepaired.name(), "unrepaired");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            DoubtKind::Unrepaired => "unrepaired",
            DoubtKind::Guessed => "guessed",
        }
    }

    /// The kind a [`DoubtKind::name`] names.
    ///
    /// ```
    /// use zharchive::DoubtKind;
    /// assert_eq!(DoubtKind::from_name("guessed"), Some(DoubtKind::Guessed));
    /// assert_eq!(DoubtKind::from_name("smudged"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<DoubtKind> {
        [DoubtKind::Unrepaired, DoubtKind::Guessed].into_iter().find(|k| k.name() == name)
    }
}

/// A short report of what normalisation did ([`Article::summary`]).
///
/// ```
/// let a = zharchive::normalize("標題\n\n會(huì)議開始了。".as_bytes(), &Default::default())?;
/// let s = a.summary();
/// assert_eq!((s.source_script, s.target_script), (zharchive::Script::Traditional, zharchive::Script::Simplified));
/// assert_eq!(s.edits, a.edit_counts());
/// let json = serde_json::to_string(&s).unwrap();
/// assert!(json.contains(r#""edits":{"annotation":1,"script":2}"#));
/// # Ok::<(), zharchive::Error>(())
/// ```
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
