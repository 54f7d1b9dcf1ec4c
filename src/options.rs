//! [`Options`]: every knob of the normalisation pipeline, with defaults that
//! turn a damaged scraped article into clean Simplified Chinese.
//!
//! All options are serde-serialisable, so a user can keep them in a JSON (or
//! TOML) file. Missing fields take their defaults:
//!
//! ```
//! let opts: zharchive::Options =
//!     serde_json::from_str(r#"{ "script": "taiwan", "punctuation": false }"#).unwrap();
//! assert_eq!(opts.script, zharchive::TargetScript::Taiwan);
//! assert!(opts.annotations);
//! ```

use serde::{Deserialize, Serialize};

use crate::article::{Script, SourceInfo};

/// Options for [`crate::normalize()`]. `Options::default()` is what most
/// callers want.
///
/// ```
/// use zharchive::{Options, TargetScript};
/// let source = "標題\n\n會(huì)議開始了。".as_bytes();
/// assert_eq!(zharchive::normalize(source, &Options::default())?.body_text(), "会议开始了。");
/// let keep = Options { script: TargetScript::Keep, ..Options::default() };
/// assert_eq!(zharchive::normalize(source, &keep)?.body_text(), "會議開始了。");
/// # Ok::<(), zharchive::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Options {
    /// Force this encoding (a WHATWG label such as `gbk`, `big5`, `utf-16le`)
    /// instead of detecting one.
    pub encoding: Option<String>,
    /// The script to convert the text to.
    pub script: TargetScript,
    /// Phrases that override the converter, longest match first: each
    /// `(from, to)` pair replaces `from` by `to` verbatim. Map a name to itself
    /// to protect it from conversion (`("乾隆", "乾隆")`), or pick a variant
    /// (`("艳", "艷")`).
    pub user_dictionary: Vec<(String, String)>,
    /// Rebuild text shifted by byte-level annotation damage (see
    /// [`crate::normalize::repair`]).
    pub repair: bool,
    /// Remove pinyin annotations such as `會(huì)`.
    pub annotations: bool,
    /// Restore full-width punctuation inside Chinese text.
    pub punctuation: bool,
    /// Remove boilerplate (disclaimers, editor and source lines, repost
    /// notices).
    pub boilerplate: bool,
    /// Recognise the head metadata lines of a page (authors, affiliations,
    /// date, journal and issue, keywords, classification numbers): each
    /// stays a block of its own ([`crate::BlockKind::Meta`]) and fills the
    /// empty fields of [`crate::SourceInfo`].
    pub head_metadata: bool,
    /// Extra boilerplate rules, tried after the built-in ones.
    pub boilerplate_rules: Vec<Rule>,
    /// Replace the built-in boilerplate rules by `boilerplate_rules` alone.
    pub replace_builtin_rules: bool,
    /// How line breaks inside the text are read.
    pub line_breaks: LineBreaks,
    /// Facts about the source (URL, site, author, date, keywords) to carry
    /// into the metadata and the writers.
    pub source: SourceInfo,
    /// Refuse inputs larger than this many bytes (default 64 MiB).
    pub max_input_bytes: u64,
    /// What the input is: text, a saved web page, or (the default) what its
    /// bytes look like ([`InputFormat::Auto`]).
    pub input_format: InputFormat,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            encoding: None,
            script: TargetScript::Simplified,
            user_dictionary: Vec::new(),
            repair: true,
            annotations: true,
            punctuation: true,
            boilerplate: true,
            head_metadata: true,
            boilerplate_rules: Vec::new(),
            replace_builtin_rules: false,
            line_breaks: LineBreaks::Auto,
            source: SourceInfo::default(),
            max_input_bytes: 64 * 1024 * 1024,
            input_format: InputFormat::Auto,
        }
    }
}

/// The script to convert the article to.
///
/// ```
/// use zharchive::{Options, TargetScript};
/// let opts = Options { script: TargetScript::TaiwanPhrases, ..Options::default() };
/// let a = zharchive::normalize("标题\n\n软件".as_bytes(), &opts)?;
/// assert_eq!(a.body_text(), "軟體");
/// assert_eq!(a.metadata.language, "zh-Hant-TW");
/// # Ok::<(), zharchive::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TargetScript {
    /// Simplified Chinese (OpenCC `t2s`).
    #[default]
    Simplified,
    /// Traditional Chinese, OpenCC standard (`s2t`).
    Traditional,
    /// Taiwan standard characters (`s2tw` / `t2tw`).
    Taiwan,
    /// Taiwan standard with Taiwan phrases (`s2twp` / `t2twp`): 软件 → 軟體.
    TaiwanPhrases,
    /// Hong Kong standard characters (`s2hk` / `t2hk`).
    HongKong,
    /// Hong Kong standard with Hong Kong phrases (`s2hkp` / `t2hkp`).
    HongKongPhrases,
    /// Leave the script as it is.
    Keep,
}

impl TargetScript {
    /// Parse a command-line name: `simplified`, `traditional`, `taiwan`,
    /// `taiwan-phrases`, `hongkong` (or `hong-kong`), `hongkong-phrases`,
    /// `keep`.
    ///
    /// ```
    /// use zharchive::TargetScript;
    /// assert_eq!(TargetScript::from_name("hongkong"), Some(TargetScript::HongKong));
    /// assert_eq!(TargetScript::from_name("klingon"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name.to_ascii_lowercase().as_str() {
            "simplified" | "s" | "zh-hans" => TargetScript::Simplified,
            "traditional" | "t" | "zh-hant" => TargetScript::Traditional,
            "taiwan" | "tw" | "zh-hant-tw" => TargetScript::Taiwan,
            "taiwan-phrases" | "twp" => TargetScript::TaiwanPhrases,
            "hongkong" | "hong-kong" | "hk" | "zh-hant-hk" => TargetScript::HongKong,
            "hongkong-phrases" | "hong-kong-phrases" | "hkp" => TargetScript::HongKongPhrases,
            "keep" | "none" => TargetScript::Keep,
            _ => return None,
        })
    }

    /// The script of the text this target produces (`None` for
    /// [`TargetScript::Keep`]: the source's own).
    ///
    /// ```
    /// use zharchive::{Script, TargetScript};
    /// assert_eq!(TargetScript::TaiwanPhrases.script(), Some(Script::Taiwan));
    /// assert_eq!(TargetScript::Keep.script(), None);
    /// ```
    pub fn script(self) -> Option<Script> {
        match self {
            TargetScript::Simplified => Some(Script::Simplified),
            TargetScript::Traditional => Some(Script::Traditional),
            TargetScript::Taiwan | TargetScript::TaiwanPhrases => Some(Script::Taiwan),
            TargetScript::HongKong | TargetScript::HongKongPhrases => Some(Script::HongKong),
            TargetScript::Keep => None,
        }
    }
}

/// How line breaks inside the text are read.
///
/// ```
/// use zharchive::{LineBreaks, Options};
/// let body = |text: &str, line_breaks| {
///     zharchive::normalize(text.as_bytes(), &Options { line_breaks, ..Options::default() }).map(|a| a.body_text())
/// };
/// // Blank lines in the body: single line breaks are wrapping.
/// assert_eq!(body("标题\n\n第一行\n第二行\n\n二段", LineBreaks::Auto)?, "第一行第二行\n\n二段");
/// // None (one after the title does not count): every line is a paragraph.
/// assert_eq!(body("标题\n\n第一行\n第二行", LineBreaks::Auto)?, "第一行\n\n第二行");
/// assert_eq!(body("标题\n\n第一行\n第二行", LineBreaks::Paragraphs)?, "第一行\n\n第二行");
/// # Ok::<(), zharchive::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LineBreaks {
    /// If the body has blank lines (between its own lines: one after the
    /// title does not count), they separate paragraphs and single line
    /// breaks are wrapping (joined); otherwise every line is a paragraph.
    #[default]
    Auto,
    /// Every line is a paragraph.
    Paragraphs,
    /// Only blank lines separate paragraphs; single line breaks are joined.
    Wrapped,
}

/// What kind of input the bytes are.
///
/// ```
/// use zharchive::{InputFormat, Options};
/// let page = "<!doctype html><html><head><title>标题</title></head><body><p>正文。</p></body></html>";
/// # #[cfg(feature = "html")] {
/// let a = zharchive::normalize(page.as_bytes(), &Options::default())?;
/// assert_eq!(a.plain_text(), "标题\n\n正文。\n");
/// # }
/// // Forced to text, the markup is text too.
/// let text = Options { input_format: InputFormat::Text, ..Options::default() };
/// assert!(zharchive::normalize(page.as_bytes(), &text)?.plain_text().contains("<title>"));
/// assert_eq!(InputFormat::from_name("html"), Some(InputFormat::Html));
/// # Ok::<(), zharchive::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InputFormat {
    /// An HTML page if the bytes begin like one (a doctype or `<html`,
    /// [`crate::normalize::html::looks_like_html`]), else text. Without the
    /// `html` feature, always text.
    #[default]
    Auto,
    /// Text, whatever it looks like.
    Text,
    /// An HTML page (needs the `html` feature).
    Html,
}

impl InputFormat {
    /// Parse a command-line name: `auto`, `text`, `html`.
    pub fn from_name(name: &str) -> Option<InputFormat> {
        match name.to_ascii_lowercase().as_str() {
            "auto" => Some(InputFormat::Auto),
            "text" | "txt" => Some(InputFormat::Text),
            "html" | "htm" => Some(InputFormat::Html),
            _ => None,
        }
    }
}

/// One boilerplate rule.
///
/// ```
/// use zharchive::normalize::boilerplate::{boilerplate, Rule, Shape};
/// let rule = Rule {
///     name: "photo-credit".into(),
///     shape: Shape::LabelLine,
///     keywords: vec!["图片来源".into()],
///     max_chars: 80,
///     line_end_only: false,
/// };
/// let reps = boilerplate("正文。\n图片来源：网络\n", &[rule]);
/// assert_eq!(reps.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    /// A short name, recorded nowhere but useful in options files.
    pub name: String,
    /// What the removed text looks like.
    pub shape: Shape,
    /// Keywords that start it (matched exactly; ASCII case-insensitively).
    pub keywords: Vec<String>,
    /// The longest text the rule may remove, in characters other than
    /// whitespace: the structure pass, after this one, collapses and
    /// removes whitespace, and a limit that counted it would let a second
    /// run remove what the first kept.
    pub max_chars: usize,
    /// For [`Shape::Bracketed`]: only when the closing bracket ends its line
    /// (a trailing `（责任编辑：张三）`, not a citation in mid-sentence).
    #[serde(default)]
    pub line_end_only: bool,
}

/// The shape of the text a [`Rule`] removes.
///
/// ```
/// use zharchive::normalize::boilerplate::{boilerplate, Rule, Shape};
/// let rule = |shape: Shape| Rule {
///     name: "source".into(), shape, keywords: vec!["来源".into()], max_chars: 40, line_end_only: false,
/// };
/// let lines = "来源不明的消息。\n来源：新华社\n";
/// assert_eq!(boilerplate(lines, &[rule(Shape::LabelLine)]).len(), 1); // only `来源：…`
/// assert_eq!(boilerplate(lines, &[rule(Shape::LineStart)]).len(), 2); // both lines
/// let text = "据说（来源：网络）如此。";
/// let reps = boilerplate(text, &[rule(Shape::Bracketed)]);
/// assert_eq!(&text[reps[0].range.clone()], "（来源：网络）");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Shape {
    /// `(keyword…)`, through the matching bracket, across lines.
    Bracketed,
    /// A line starting with `keyword:` or `keyword：`.
    LabelLine,
    /// A line starting with the keyword.
    LineStart,
    /// A line that is a list of short items (separated by `,` `，` `_` `|`
    /// `、` `;`), no sentence, half of them holding keywords and three
    /// different keywords in all: the keyword-spam lines an SEO farm puts
    /// above a page.
    List,
    /// A line made of keywords alone (each any number of times) and
    /// whitespace: a line of `?` where an image or characters GBK lacks
    /// stood.
    Only,
    /// A short line starting with the keyword (after a bracketed label such
    /// as `【标题】`), and every line after it to the end of the text, each a
    /// title (short, no sentence): a list of related articles.
    Trailer,
}
