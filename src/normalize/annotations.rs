//! Pinyin annotations: `會(huì)` → `會`.
//!
//! A parenthesised syllable right after a Han character is removed only when
//! the syllable (with or without tone marks, or with a tone number) is one of
//! that character's readings. Everything else is kept: `AGI(通用人工智能)`,
//! `mount(8)`, `(MTA)`, and `重慶(Chóngqìng)` (two syllables after a
//! two-character word is a gloss, not an annotation of 慶).
//!
//! Both ASCII and full-width parentheses are recognised.
//!
//! The readings of a character are taken together with those of its
//! Simplified and Traditional forms (`converter`): the pinyin tables list some
//! readings under one form only (`价` has jiè, `價` does not), and the
//! decision must not change when the script does — else a second run over
//! the converted output would remove what the first kept.

use super::readings::{is_han, is_reading, parse_syllable, Syllable};
use super::script::{Conversion, Converter};
use super::tracked::Replacement;

/// Propose the removal of every pinyin annotation in `text`.
///
/// ```
/// use zharchive::normalize::annotations::annotations;
/// use zharchive::OpenCc;
/// let reps = annotations("大會(huì)，AGI(通用人工智能)，重慶(Chóngqìng)", OpenCc::shared());
/// assert_eq!(reps.len(), 1);
/// assert_eq!(reps[0].text, "");
/// // A reading listed under the other script's form counts too.
/// assert_eq!(annotations("價(jiè)格", OpenCc::shared()).len(), 1);
/// ```
pub fn annotations(text: &str, converter: &dyn Converter) -> Vec<Replacement> {
    find(text, &|han, syllable| is_reading_in_either_script(han, syllable, converter))
}

/// The annotations whose syllable is a reading of the character itself,
/// without looking at its other script: for the repair, which scores many
/// candidate readings and only needs to know how a text will read.
pub(crate) fn annotations_of_own_readings(text: &str) -> Vec<Replacement> {
    find(text, &is_reading)
}

/// Propose the deletions. The character an annotation follows is the last
/// one before it that is not a single line break (with the spaces around
/// it): the structure pass joins wrapped lines, so `會\n(huì)` reads `會(huì)`
/// once joined. After a removal that character still precedes what follows,
/// so a repeated annotation (`會(huì)(huì)`) goes too. Either way a second
/// run over the output finds nothing more to remove.
/// Propose the deletions. An annotation follows the last character that is
/// not whitespace, when nothing or a single line break (with the spaces
/// around it) lies between: the structure pass joins wrapped lines, so
/// `會\n(huì)` reads `會(huì)` once joined. After a removal that character
/// still precedes what follows, so a repeated annotation (`會(huì)(huì)`) goes
/// too. Either way a second run over the output finds nothing to remove.
fn find(text: &str, accept: &dyn Fn(char, &Syllable) -> bool) -> Vec<Replacement> {
    let mut reps = Vec::new();
    let mut prev: Option<char> = None; // the last character that is not whitespace
    let (mut gap, mut line_breaks) = (false, 0); // whitespace since `prev`
    let mut iter = text.char_indices();
    while let Some((i, c)) = iter.next() {
        let adjacent = !gap || line_breaks == 1;
        if matches!(c, '(' | '（') && adjacent {
            if let Some(han) = prev.filter(|p| is_han(*p)) {
                if let Some(end) = annotation_end(text, i, han, accept) {
                    reps.push(Replacement::delete(i..end));
                    while let Some((j, _)) = iter.clone().next() {
                        if j >= end {
                            break;
                        }
                        iter.next();
                    }
                    continue;
                }
            }
        }
        if c.is_whitespace() {
            gap = true;
            line_breaks += usize::from(c == '\n');
        } else {
            prev = Some(c);
            (gap, line_breaks) = (false, 0);
        }
    }
    reps
}

/// If `text[open..]` is `(syllable)` with a reading of `han`, where it ends.
fn annotation_end(text: &str, open: usize, han: char, accept: &dyn Fn(char, &Syllable) -> bool) -> Option<usize> {
    let rest = &text[open..];
    let open_len = rest.chars().next()?.len_utf8();
    let body_start = open_len;
    // At most ten characters to the closing bracket, counting a run of
    // whitespace as one, as the structure pass will leave it (`(f\t\t…ā)`
    // reads `(f ā)` once repeated whitespace is collapsed).
    let mut units = 0;
    let mut in_space = false;
    let close = rest[body_start..].char_indices().find(|&(_, c)| {
        let space = c.is_whitespace();
        if !(space && in_space) {
            units += 1;
        }
        in_space = space;
        units > 10 || matches!(c, ')' | '）')
    })?;
    if !matches!(close.1, ')' | '）') {
        return None;
    }
    let body = &rest[body_start..body_start + close.0];
    // A line break inside (`(yè\n)`) is one the structure pass joins: read
    // the body as it will read then. Two are a paragraph break.
    let syllable = if body.contains(char::is_whitespace) {
        if body.matches('\n').count() > 1 {
            return None;
        }
        parse_syllable(&body.split_whitespace().collect::<String>())?
    } else {
        parse_syllable(body)?
    };
    accept(han, &syllable).then(|| open + body_start + close.0 + close.1.len_utf8())
}

/// `syllable` is a reading of `han`, or of its Simplified or Traditional
/// form. The conversions run only when the direct look-up fails, which is
/// rare (real parentheticals).
fn is_reading_in_either_script(han: char, syllable: &Syllable, converter: &dyn Converter) -> bool {
    if is_reading(han, syllable) {
        return true;
    }
    let mut buf = [0u8; 4];
    let han_str = han.encode_utf8(&mut buf);
    [Conversion::T2s, Conversion::S2t].into_iter().any(|conversion| {
        let other = converter.convert(han_str, conversion);
        let mut chars = other.chars();
        matches!((chars.next(), chars.next()), (Some(v), None) if v != han && is_reading(v, syllable))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str) -> String {
        let mut out = text.to_owned();
        for r in annotations(text, crate::normalize::script::OpenCc::shared()).iter().rev() {
            out.replace_range(r.range.clone(), &r.text);
        }
        out
    }

    #[test]
    fn a_run_of_whitespace_inside_counts_once() {
        // Found by fuzzing: the structure pass collapses the tabs, and a
        // second run then found `發(f ā)`.
        let text = format!("發(f{}ā)展", "\t".repeat(70));
        assert_eq!(apply(&text), "發展");
        assert_eq!(apply("發(f a b c d e f g h i ā)展"), "發(f a b c d e f g h i ā)展");
    }

    #[test]
    fn removes_readings_only() {
        assert_eq!(apply("會(huì)上，對(duì)話"), "會上，對話");
        assert_eq!(apply("會(hui4)上"), "會上");
        assert_eq!(apply("會（huì）上"), "會上");
        assert_eq!(apply("會(yàn)上"), "會(yàn)上");
    }

    #[test]
    fn across_a_line_break_and_repeated() {
        // Found by fuzzing: each of these kept an annotation that a second
        // run, over the joined or cleaned text, then removed.
        assert_eq!(apply("社會\n(huì)資源"), "社會\n資源");
        assert_eq!(apply("社會 \n\u{3000}(huì)資源"), "社會 \n\u{3000}資源");
        assert_eq!(apply("會(huì)(huì)上"), "會上");
        assert_eq!(apply("企業(yè\n)有益"), "企業有益");
        assert_eq!(apply("企業(yè\n\n)有益"), "企業(yè\n\n)有益");
        // A blank line or a space is a real gap: the structure pass keeps it.
        assert_eq!(apply("會\n\n(huì)"), "會\n\n(huì)");
        assert_eq!(apply("會 (huì)"), "會 (huì)");
    }

    #[test]
    fn keeps_real_parentheticals() {
        for t in ["AGI(通用人工智能)", "mount(8)", "邮件传输代理(MTA)", "重慶(Chóngqìng)", "x(huì)"] {
            assert_eq!(apply(t), t);
        }
    }
}
