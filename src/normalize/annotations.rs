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

use super::readings::{is_han, is_reading, parse_joined_syllable, Syllable};
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

/// Propose the deletions. An annotation follows the last character that is
/// not whitespace, when nothing or a single line break (with the spaces
/// around it) lies between: the structure pass joins wrapped lines, so
/// `會\n(huì)` reads `會(huì)` once joined. After a removal that character
/// still precedes what follows, so a repeated annotation (`會(huì)(huì)`) goes
/// too. Either way a second run over the output finds nothing to remove.
///
/// The scan jumps from bracket to bracket (`memchr` on `(` and on the last
/// byte of `（`) and looks back from each one; going through every
/// character of a book to find its few brackets was most of this pass.
fn find(text: &str, accept: &dyn Fn(char, &Syllable) -> bool) -> Vec<Replacement> {
    let bytes = text.as_bytes();
    let mut reps = Vec::new();
    // Where the last removal ended, and what lay before it.
    let mut removed: Option<(usize, LookBack)> = None;
    let mut pos = 0;
    while let Some(k) = memchr::memchr2(b'(', 0x88, &bytes[pos..]) {
        let hit = pos + k;
        pos = hit + 1;
        // `（` is EF BC 88; 0x88 is also a continuation byte of other characters.
        let open = match bytes[hit] {
            b'(' => hit,
            _ if hit >= 2 && bytes[hit - 2] == 0xEF && bytes[hit - 1] == 0xBC => hit - 2,
            _ => continue,
        };
        let before = LookBack::from(text, open, removed);
        let Some(han) = before.annotated() else { continue };
        if let Some(end) = annotation_end(text, open, han, accept) {
            reps.push(Replacement::delete(open..end));
            removed = Some((end, before));
            pos = end;
        }
    }
    reps
}

/// What lies before a bracket, as the text will read once the annotations
/// removed so far are gone: the last character that is not whitespace, and
/// the whitespace between.
#[derive(Debug, Clone, Copy)]
struct LookBack {
    prev: Option<char>,
    gap: bool,
    line_breaks: usize,
}

impl LookBack {
    /// Look back from `open`, through the last removal (`removed`: where it
    /// ended and what lay before it) if only whitespace separates them.
    /// Each look stops at a character or at that removal, so a long run of
    /// repeated annotations costs linear time.
    fn from(text: &str, open: usize, removed: Option<(usize, LookBack)>) -> LookBack {
        let start = removed.map_or(0, |(end, _)| end);
        let (mut gap, mut line_breaks) = (false, 0);
        for c in text[start..open].chars().rev() {
            if !c.is_whitespace() {
                return LookBack { prev: Some(c), gap, line_breaks };
            }
            gap = true;
            line_breaks += usize::from(c == '\n');
        }
        match removed {
            Some((_, earlier)) => {
                LookBack { prev: earlier.prev, gap: gap || earlier.gap, line_breaks: line_breaks + earlier.line_breaks }
            }
            None => LookBack { prev: None, gap, line_breaks },
        }
    }

    /// The Han character a bracket here would annotate: the previous
    /// character, with nothing between or one line break (and spaces).
    fn annotated(self) -> Option<char> {
        let adjacent = !self.gap || self.line_breaks == 1;
        self.prev.filter(|&c| adjacent && is_han(c))
    }
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
    // A line break inside (`(yè\n)`) is one the structure pass joins.
    let syllable = parse_joined_syllable(body)?;
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

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// The scan as it was before it jumped between brackets: every
        /// character, in order, keeping the last one that is not whitespace.
        /// Slow and plain; `find` must agree with it.
        fn find_char_by_char(text: &str) -> Vec<Replacement> {
            let mut reps = Vec::new();
            let mut prev: Option<char> = None;
            let (mut gap, mut line_breaks) = (false, 0);
            let mut iter = text.char_indices();
            while let Some((i, c)) = iter.next() {
                let adjacent = !gap || line_breaks == 1;
                if matches!(c, '(' | '（') && adjacent {
                    if let Some(han) = prev.filter(|p| is_han(*p)) {
                        if let Some(end) = annotation_end(text, i, han, &is_reading) {
                            reps.push(Replacement::delete(i..end));
                            while iter.clone().next().is_some_and(|(j, _)| j < end) {
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

        /// Han characters, whole annotations of them, loose brackets and
        /// syllables, whitespace, and characters whose UTF-8 ends in 0x88
        /// like `（` (`萈` E8 90 88, `ǈ` C7 88).
        const PIECES: &[&str] = &[
            "會",
            "议",
            "中",
            "萈",
            "ǈ",
            "(huì)",
            "（yì）",
            "(zhong1)",
            "( huì)",
            "(",
            "（",
            ")",
            "huì",
            " ",
            "\n",
            "\u{3000}",
        ];

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]
            #[test]
            fn jumping_scan_agrees_with_the_char_by_char_scan(
                pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..60),
            ) {
                let text: String = pieces.concat();
                prop_assert_eq!(find(&text, &is_reading), find_char_by_char(&text));
            }
        }
    }
}
