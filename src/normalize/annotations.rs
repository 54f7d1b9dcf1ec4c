//! Pinyin annotations: `會(huì)` → `會`.
//!
//! A parenthesised syllable right after a Han character is removed only when
//! the syllable (with or without tone marks, or with a tone number) is one of
//! that character's readings. Everything else is kept: `AGI(通用人工智能)`,
//! `mount(8)`, `(MTA)`, and `重慶(Chóngqìng)` (two syllables after a
//! two-character word is a gloss, not an annotation of 慶).
//!
//! Both ASCII and full-width parentheses are recognised.

use super::readings::{is_han, is_reading, parse_syllable};
use super::tracked::Replacement;

/// Propose the removal of every pinyin annotation in `text`.
///
/// ```
/// use zharchive::normalize::annotations::annotations;
/// let reps = annotations("大會(huì)，AGI(通用人工智能)，重慶(Chóngqìng)");
/// assert_eq!(reps.len(), 1);
/// assert_eq!(reps[0].text, "");
/// ```
pub fn annotations(text: &str) -> Vec<Replacement> {
    let mut reps = Vec::new();
    let mut prev: Option<char> = None;
    let mut iter = text.char_indices();
    while let Some((i, c)) = iter.next() {
        if matches!(c, '(' | '（') {
            if let Some(han) = prev.filter(|p| is_han(*p)) {
                if let Some(end) = annotation_end(text, i, han) {
                    reps.push(Replacement::delete(i..end));
                    // Skip past it; the character before the next one is
                    // still the annotated character's neighbour ')'.
                    while let Some((j, _)) = iter.clone().next() {
                        if j >= end {
                            break;
                        }
                        iter.next();
                    }
                    prev = Some(')');
                    continue;
                }
            }
        }
        prev = Some(c);
    }
    reps
}

/// If `text[open..]` is `(syllable)` with a reading of `han`, where it ends.
fn annotation_end(text: &str, open: usize, han: char) -> Option<usize> {
    let rest = &text[open..];
    let open_len = rest.chars().next()?.len_utf8();
    let body_start = open_len;
    let close = rest[body_start..].char_indices().take(10).find(|(_, c)| matches!(c, ')' | '）'))?;
    let body = &rest[body_start..body_start + close.0];
    let syllable = parse_syllable(body)?;
    is_reading(han, &syllable).then(|| open + body_start + close.0 + close.1.len_utf8())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str) -> String {
        let mut out = text.to_owned();
        for r in annotations(text).iter().rev() {
            out.replace_range(r.range.clone(), &r.text);
        }
        out
    }

    #[test]
    fn removes_readings_only() {
        assert_eq!(apply("會(huì)上，對(duì)話"), "會上，對話");
        assert_eq!(apply("會(hui4)上"), "會上");
        assert_eq!(apply("會（huì）上"), "會上");
        assert_eq!(apply("會(yàn)上"), "會(yàn)上");
    }

    #[test]
    fn keeps_real_parentheticals() {
        for t in ["AGI(通用人工智能)", "mount(8)", "邮件传输代理(MTA)", "重慶(Chóngqìng)", "x(huì)"] {
            assert_eq!(apply(t), t);
        }
    }
}
