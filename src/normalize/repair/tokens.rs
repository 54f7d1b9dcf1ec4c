//! The damaged text as the repair reads it: characters, lone `?`, markers
//! (`?syllable)`) and annotations (`(syllable)`).

use super::super::readings::{is_pinyin_letter, parse_joined_syllable, Syllable};

/// A parenthesised syllable: `?syllable)` (the `?` stands for a lost byte and
/// the `(`) or `(syllable)`.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Syl {
    pub syllable: Syllable,
    /// The syllable as written.
    pub raw: String,
    /// Where it ends in the text.
    pub end: usize,
}

/// `open` + syllable + `)` at `at`, where `open` is one of `opens`.
pub(super) fn parse_syl(text: &str, at: usize, opens: &[char]) -> Option<Syl> {
    let rest = &text[at..];
    let mut chars = rest.char_indices();
    let (_, q) = chars.next()?;
    if !opens.contains(&q) {
        return None;
    }
    let body_start = q.len_utf8();
    // Whitespace inside is read as the structure pass will leave it
    // (`parse_joined_syllable`): a marker with a line break inside was
    // otherwise missed, and found by a second run (found by fuzzing).
    let mut letters = 0;
    for (i, c) in chars {
        if c == ')' {
            let raw = &rest[body_start..i];
            return Some(Syl { syllable: parse_joined_syllable(raw)?, raw: raw.to_owned(), end: at + i + 1 });
        }
        if c.is_whitespace() {
            continue;
        }
        if !(is_pinyin_letter(c) || c.is_ascii_digit()) || letters > 16 {
            return None;
        }
        letters += c.len_utf8();
    }
    None
}

/// `?syllable)` at `at`.
pub(super) fn parse_marker(text: &str, at: usize) -> Option<Syl> {
    parse_syl(text, at, &['?'])
}

/// `(syllable)` at `at`.
pub(super) fn parse_annotation(text: &str, at: usize) -> Option<Syl> {
    parse_syl(text, at, &['('])
}

/// A unit of the damaged text.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Token {
    /// `?syllable)`: a lost byte, then the rest of an annotation.
    Marker(Syl),
    /// `(syllable)`.
    Annotation(Syl),
    /// A `?` alone; `true` at the end of a line, where it may be
    /// one lead byte left without a trail.
    Lost(char, bool),
    /// Any other character.
    Char(char),
}

/// The token at `pos` and where the next one starts.
pub(super) fn next_token(text: &str, pos: usize) -> (Token, usize) {
    if let Some(m) = parse_marker(text, pos) {
        let end = m.end;
        return (Token::Marker(m), end);
    }
    if let Some(a) = parse_annotation(text, pos) {
        let end = a.end;
        return (Token::Annotation(a), end);
    }
    let c = text[pos..].chars().next().unwrap_or('\u{FFFD}');
    let next = pos + c.len_utf8();
    let at_end = text[next..].starts_with('\n') || next == text.len();
    let token = if is_lost(c) { Token::Lost(c, at_end) } else { Token::Char(c) };
    (token, next)
}

/// What the site's lossy decoder wrote for bytes it could not read. (A
/// U+FFFD is this crate's own decoder's, for malformed input: no evidence of
/// the site's damage, and text like any other on a second run.)
pub(super) fn is_lost(c: char) -> bool {
    c == '?'
}
