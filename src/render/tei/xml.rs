//! The XML layer under the TEI writer: one writer type whose only way to
//! emit text or attribute values escapes them, and the small textual
//! conventions (byte ranges, names of enum values) that the writer and the
//! reader must agree on.
//!
//! Escaping goes beyond quick-xml's own because archival text is
//! byte-sensitive: a carriage return in element content is written `&#13;`
//! (an XML parser would otherwise turn it into a line feed), and tab, line
//! feed and carriage return in attribute values become character references
//! (a parser would otherwise normalise them to spaces). Characters XML 1.0
//! cannot hold at all are dropped by [`crate::render::xml_safe`] and counted.

use std::borrow::Cow;
use std::ops::Range;

use crate::article::{DetectionMethod, EditKind, Script};
use crate::error::Result;
use crate::render::xml_safe;

/// Indentation step for the structural (element-only) parts of the record.
const INDENT: &str = "  ";

/// An XML document being written.
///
/// Structural elements ([`Out::open`], [`Out::close`], [`Out::leaf`]) go on
/// their own indented lines; mixed content ([`Out::start`], [`Out::end`],
/// [`Out::text`]) is written inline, so no whitespace is ever added inside
/// text.
///
/// The markup is written straight into one buffer: a record has thousands
/// of elements (one `change` per edit), and building an event for each
/// (as quick-xml's writer takes them) cost an allocation per tag name,
/// attribute value and text, a tenth of a batch's TEI time.
pub(crate) struct Out {
    buf: Vec<u8>,
    depth: usize,
    /// Characters dropped because XML 1.0 cannot represent them.
    pub dropped: usize,
    /// The `xml:id` of the record being written inside a `teiCorpus`, which
    /// every `xml:id` of the record starts with (see [`Out::id`]); `None`
    /// for a record on its own.
    scope: Option<String>,
}

/// Attributes as `(name, value)`; values are escaped when written.
pub(crate) type Attrs<'a> = &'a [(&'a str, &'a str)];

impl Out {
    /// A document with the XML declaration and the `xml-model` processing
    /// instruction that names the schema.
    pub fn new() -> Result<Out> {
        let mut out = Out { buf: Vec::with_capacity(64 * 1024), depth: 0, dropped: 0, scope: None };
        out.raw(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <?xml-model href=\"http://www.tei-c.org/release/xml/tei/custom/schema/relaxng/tei_all.rng\" \
             type=\"application/xml\" schematypens=\"http://relaxng.org/ns/structure/1.0\"?>",
        );
        Ok(out)
    }

    /// Write the `xml:id`s of what follows inside `scope` ([`Out::id`]), or
    /// as a record on its own (`None`).
    pub fn set_scope(&mut self, scope: Option<&str>) {
        self.scope = scope.map(str::to_owned);
    }

    /// The `xml:id` to write for `local` (`rev-repair`, `doubt-1`, `U0001`):
    /// `local` itself in a record on its own, `SCOPE.local` in a record of a
    /// corpus, where ids must be unique across all the records.
    pub fn id(&self, local: &str) -> String {
        match &self.scope {
            Some(scope) => format!("{scope}{SCOPE_SEPARATOR}{local}"),
            None => local.to_owned(),
        }
    }

    /// A pointer (`#…`) to what [`Out::id`] names.
    pub fn pointer(&self, local: &str) -> String {
        format!("#{}", self.id(local))
    }

    /// Bytes written so far.
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// Reserve room for `more` bytes (a corpus knows roughly how large it
    /// will be; growing a buffer of hundreds of megabytes by doubling would
    /// hold twice that for a moment).
    pub fn reserve(&mut self, more: usize) {
        self.buf.reserve(more);
    }

    /// The finished bytes, ending with a newline.
    pub fn finish(mut self) -> Result<Vec<u8>> {
        self.raw("\n");
        Ok(self.buf)
    }

    /// Markup or already-escaped text.
    fn raw(&mut self, s: &str) {
        self.buf.extend_from_slice(s.as_bytes());
    }

    fn newline(&mut self) {
        self.buf.push(b'\n');
        for _ in 0..self.depth {
            self.raw(INDENT);
        }
    }

    /// `<name a="v" …` (the caller closes it with `>` or `/>`).
    fn start_tag(&mut self, name: &str, attrs: Attrs<'_>) {
        self.buf.push(b'<');
        self.raw(name);
        for (key, value) in attrs {
            let (value, dropped) = xml_safe(value);
            self.dropped += dropped;
            self.buf.push(b' ');
            self.raw(key);
            self.raw("=\"");
            escape_into(&mut self.buf, &value, true);
            self.buf.push(b'"');
        }
    }

    /// Open a structural element on a new line.
    pub fn open(&mut self, name: &str, attrs: Attrs<'_>) -> Result<()> {
        self.newline();
        self.start(name, attrs)?;
        self.depth += 1;
        Ok(())
    }

    /// Close a structural element on a new line.
    pub fn close(&mut self, name: &str) -> Result<()> {
        self.depth = self.depth.saturating_sub(1);
        self.newline();
        self.end(name)
    }

    /// Open an element holding mixed content on a new line; close it with
    /// [`Out::end`].
    pub fn begin(&mut self, name: &str, attrs: Attrs<'_>) -> Result<()> {
        self.newline();
        self.start(name, attrs)
    }

    /// A structural element holding only `text`, on its own line; empty
    /// elements are written `<name/>`.
    pub fn leaf(&mut self, name: &str, attrs: Attrs<'_>, text: &str) -> Result<()> {
        self.newline();
        self.inline(name, attrs, text)
    }

    /// An element holding only `text`, written where the cursor is.
    pub fn inline(&mut self, name: &str, attrs: Attrs<'_>, text: &str) -> Result<()> {
        // Decide on the text as it will be written, so that a side holding
        // only characters XML cannot hold reads back as the empty element
        // it is written as.
        let (text, dropped) = xml_safe(text);
        self.dropped += dropped;
        self.start_tag(name, attrs);
        if text.is_empty() {
            self.raw("/>");
            return Ok(());
        }
        self.buf.push(b'>');
        escape_into(&mut self.buf, &text, false);
        self.end(name)
    }

    /// Open an element inside mixed content (no new line).
    pub fn start(&mut self, name: &str, attrs: Attrs<'_>) -> Result<()> {
        self.start_tag(name, attrs);
        self.buf.push(b'>');
        Ok(())
    }

    /// Close an element inside mixed content.
    pub fn end(&mut self, name: &str) -> Result<()> {
        self.raw("</");
        self.raw(name);
        self.buf.push(b'>');
        Ok(())
    }

    /// Escaped text.
    pub fn text(&mut self, text: &str) -> Result<()> {
        let (text, dropped) = xml_safe(text);
        self.dropped += dropped;
        escape_into(&mut self.buf, &text, false);
        Ok(())
    }
}

/// Append `s` to `out`, escaped by [`escape`].
fn escape_into(out: &mut Vec<u8>, s: &str, attribute: bool) {
    out.extend_from_slice(escape(s, attribute).as_bytes());
}

/// Escape markup characters; in attribute values also quotes and the
/// whitespace characters a parser would normalise. A carriage return is
/// always a reference so that it survives parsing.
fn escape(s: &str, attribute: bool) -> Cow<'_, str> {
    let special = |c: char| matches!(c, '<' | '>' | '&' | '\r') || attribute && matches!(c, '"' | '\'' | '\t' | '\n');
    if !s.contains(special) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\r' => out.push_str("&#13;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' if attribute => out.push_str("&#10;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// What joins a record's `xml:id` and a local id in a corpus
/// (`a-1f2e3d4c5b6a.rev-repair`).
pub(crate) const SCOPE_SEPARATOR: char = '.';

/// A local id back from an id written by [`Out::id`] in `scope`.
pub(crate) fn unscope<'a>(id: &'a str, scope: Option<&str>) -> Option<&'a str> {
    match scope {
        Some(scope) => id.strip_prefix(scope)?.strip_prefix(SCOPE_SEPARATOR),
        None => Some(id),
    }
}

/// `12-30`: a byte range as written in `@n`.
pub(crate) fn range(r: &Range<usize>) -> String {
    let mut s = String::with_capacity(12);
    push_range(&mut s, r);
    s
}

/// Append [`range`]`(r)` to `s`.
pub(crate) fn push_range(s: &mut String, r: &Range<usize>) {
    use std::fmt::Write as _;
    let _ = write!(s, "{}-{}", r.start, r.end);
}

/// Read a range written by [`range`].
pub(crate) fn parse_range(s: &str) -> Option<Range<usize>> {
    let (a, b) = s.split_once('-')?;
    let (a, b) = (a.parse().ok()?, b.parse().ok()?);
    (a <= b).then_some(a..b)
}

/// Lower-case hex of `bytes`, as kept source bytes are written
/// (`seg[@type='bytes']/@n`).
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Read [`hex`] (either case).
pub(crate) fn parse_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    s.as_bytes().chunks_exact(2).map(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()).collect()
}

/// The `xml:id` of the `charDecl/char` that declares `c` (`U0001`,
/// `UFFFE`): the code point in hex, so the id alone names the character.
pub(crate) fn char_id(c: char) -> String {
    format!("U{:04X}", u32::from(c))
}

/// The character a [`char_id`] names.
pub(crate) fn parse_char_id(id: &str) -> Option<char> {
    let hex = id.strip_prefix('U')?;
    (hex.len() >= 4).then_some(())?;
    char::from_u32(u32::from_str_radix(hex, 16).ok()?)
}

/// The names the record uses for scripts (the model's serde names).
pub(crate) fn script_name(s: Script) -> &'static str {
    match s {
        Script::Simplified => "simplified",
        Script::Traditional => "traditional",
        Script::Taiwan => "taiwan",
        Script::HongKong => "hong-kong",
        Script::Unknown => "unknown",
    }
}

/// A script in words, for the prose of the header.
pub(crate) fn script_words(s: Script) -> &'static str {
    match s {
        Script::Simplified => "Simplified Chinese",
        Script::Traditional => "Traditional Chinese, OpenCC standard forms",
        Script::Taiwan => "Traditional Chinese, Taiwan standard",
        Script::HongKong => "Traditional Chinese, Hong Kong standard",
        Script::Unknown => "Chinese, script not identified",
    }
}

pub(crate) fn parse_script(s: &str) -> Option<Script> {
    [Script::Simplified, Script::Traditional, Script::Taiwan, Script::HongKong, Script::Unknown]
        .into_iter()
        .find(|&x| script_name(x) == s)
}

/// The names the record uses for detection methods (the model's serde
/// names; all are XML names, so they fit `@subtype`).
pub(crate) fn method_name(m: DetectionMethod) -> &'static str {
    match m {
        DetectionMethod::Declared => "declared",
        DetectionMethod::ByteOrderMark => "byte-order-mark",
        DetectionMethod::ValidUtf8 => "valid-utf8",
        DetectionMethod::Guessed => "guessed",
    }
}

pub(crate) fn parse_method(s: &str) -> Option<DetectionMethod> {
    [DetectionMethod::Declared, DetectionMethod::ByteOrderMark, DetectionMethod::ValidUtf8, DetectionMethod::Guessed]
        .into_iter()
        .find(|&x| method_name(x) == s)
}

pub(crate) fn parse_kind(s: &str) -> Option<EditKind> {
    EditKind::ALL.into_iter().find(|k| k.name() == s)
}

/// The `xml:id` of the `revisionDesc/change` of a pass; inline edits point
/// at it with `@change`.
pub(crate) fn revision_id(kind: EditKind) -> String {
    format!("rev-{}", kind.name())
}

/// Whether `tag` has the shape of `xsd:language` (what TEI accepts in
/// `xml:lang` and `@ident`).
pub(crate) fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first_ok =
        parts.next().is_some_and(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()));
    first_ok && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_bytes_through_a_parser() {
        assert_eq!(escape("a<b>&c\r\n", false), "a&lt;b&gt;&amp;c&#13;\n");
        assert_eq!(escape("\"'\t\n", true), "&quot;&apos;&#9;&#10;");
        assert!(matches!(escape("plain 中文", true), Cow::Borrowed(_)));
    }

    #[test]
    fn ranges_and_names_round_trip() {
        assert_eq!(parse_range(&range(&(3..17))), Some(3..17));
        assert_eq!(parse_range("9-3"), None);
        assert_eq!(parse_range("x"), None);
        for s in [Script::Simplified, Script::Traditional, Script::Taiwan, Script::HongKong, Script::Unknown] {
            assert_eq!(parse_script(script_name(s)), Some(s));
        }
        for k in EditKind::ALL {
            assert_eq!(parse_kind(k.name()), Some(k));
        }
    }

    #[test]
    fn hex_and_character_ids_round_trip() {
        assert_eq!(hex(&[0x00, 0xEF, 0x9A]), "00ef9a");
        assert_eq!(parse_hex("00EF9a"), Some(vec![0x00, 0xEF, 0x9A]));
        assert_eq!(parse_hex("abc"), None);
        assert_eq!(parse_hex("zz"), None);
        for c in ['\u{1}', '\u{1F}', '\u{FFFE}', '\u{FFFF}'] {
            assert_eq!(parse_char_id(&char_id(c)), Some(c));
        }
        assert_eq!(char_id('\u{1}'), "U0001");
        assert_eq!(parse_char_id("U12"), None);
        assert_eq!(parse_char_id("UD800"), None);
    }

    #[test]
    fn language_tags() {
        for ok in ["zh", "zh-Hans", "zh-Hant-TW", "und"] {
            assert!(is_language_tag(ok), "{ok}");
        }
        for bad in ["", "zh_Hans", "-zh", "zh--x", "toolongtag1"] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }
}
