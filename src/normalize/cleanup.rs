//! Character hygiene, before anything else looks at the text: line endings,
//! Unicode normalisation (NFC), invisible and control characters.
//!
//! * CRLF and lone CR become LF;
//! * zero-width characters that carry nothing in Chinese text (U+200B zero
//!   width space, U+2060 word joiner, U+FEFF in mid-text, U+00AD soft hyphen)
//!   are removed; U+200C/U+200D are kept (emoji and other scripts need them);
//! * control characters (C0 but tab and LF, DEL, C1) and noncharacters
//!   (U+FDD0–U+FDEF, U+xFFFE/U+xFFFF: not allowed in XML) are removed and
//!   reported;
//! * then, a step of its own ([`nfc`]), the text is put in NFC, except that
//!   CJK compatibility ideographs (U+F900–U+FAFF, U+2F800–U+2FA1F) are kept
//!   as written: NFC would replace them by their unified twins, which changes
//!   the character an author chose (and its GBK bytes, which the repair pass
//!   reads).

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use super::tracked::Replacement;
use super::PassNote;

/// Propose the hygiene edits for `text`.
///
/// ```
/// use zharchive::normalize::cleanup::cleanup;
/// let (reps, notes) = cleanup("一\r\n二\u{200B}三\u{7}");
/// assert_eq!(reps.len(), 3);
/// assert_eq!(notes.len(), 1); // the BEL is reported
/// ```
pub fn cleanup(text: &str) -> (Vec<Replacement>, Vec<PassNote>) {
    let mut reps = Vec::new();
    let mut dropped_controls = 0usize;
    let mut first_control = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let len = c.len_utf8();
        match c {
            '\r' => {
                if chars.peek().is_some_and(|&(_, n)| n == '\n') {
                    chars.next();
                    reps.push(Replacement::new(i..i + 2, "\n"));
                } else {
                    reps.push(Replacement::new(i..i + 1, "\n"));
                }
            }
            '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => reps.push(Replacement::delete(i..i + len)),
            c if is_dropped_control(c) => {
                dropped_controls += 1;
                first_control.get_or_insert(i..i + len);
                reps.push(Replacement::delete(i..i + len));
            }
            _ => {}
        }
    }
    let mut notes = Vec::new();
    if dropped_controls > 0 {
        notes.push(PassNote {
            range: first_control.unwrap_or(0..0),
            code: "control-characters",
            message: format!("{dropped_controls} control or noncharacter code point(s) were removed"),
            doubt: None,
        });
    }
    (reps, notes)
}

/// Propose the edits that put `text` in NFC (compatibility ideographs
/// kept).
///
/// A pass of its own, run on the text [`cleanup`] left: a control character
/// between a letter and its combining mark hides the pair from NFC until it
/// is removed. The pipeline runs it again after the last pass, since joining
/// lines or removing text can bring a letter and a mark together too.
///
/// ```
/// use zharchive::normalize::cleanup::nfc;
/// let reps = nfc("会议 hu\u{300}i");
/// assert_eq!((reps[0].range.clone(), reps[0].text.as_str()), (8..11, "\u{F9}"));
/// assert!(nfc("会议").is_empty());
/// ```
pub fn nfc(text: &str) -> Vec<Replacement> {
    let mut reps = Vec::new();
    if !is_nfc_quick_by_runs(text) {
        nfc_edits(text, &mut reps);
    }
    reps
}

/// Whether `text` is certainly in NFC. Characters that are stable under NFC
/// are starters in NFC, which reset the quick check's state: only the runs
/// between them need checking. The scan steps over the usual characters of
/// Chinese text (ASCII, and the three-byte CJK range U+3000–U+9FFF) on
/// their bytes, without decoding them.
fn is_nfc_quick_by_runs(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            i += 1;
            continue;
        }
        // E3..=E9 lead U+3000..=U+9FFF; of those only the combining kana
        // marks U+3099–U+309A (E3 82 99/9A) and U+4DC0–U+4DFF (E4 B7 ..)
        // are not in `is_nfc_stable`. The input is a `str`, so the two
        // continuation bytes are there.
        if (0xE3..=0xE9).contains(&b)
            && !(b == 0xE3 && bytes[i + 1] == 0x82 && matches!(bytes[i + 2], 0x99 | 0x9A))
            && !(b == 0xE4 && bytes[i + 1] == 0xB7)
        {
            i += 3;
            continue;
        }
        // Anything else: the run up to the next stable character.
        let rest = &text[i..];
        let Some(c) = rest.chars().next() else { break };
        if is_nfc_stable(c) {
            i += c.len_utf8();
            continue;
        }
        let run_len = rest.find(is_nfc_stable).unwrap_or(rest.len());
        if is_nfc_quick(rest[..run_len].chars()) != IsNormalized::Yes {
            return false;
        }
        i += run_len;
    }
    true
}

/// Characters whose NFC form is themselves whatever surrounds them (no
/// canonical decomposition, never combining): ASCII, CJK symbols and
/// punctuation, kana, CJK unified ideographs, full-width forms and the common
/// general punctuation. A text made only of these needs no NFC check, which
/// spares the normalisation tables on almost every Chinese article.
fn is_nfc_stable(c: char) -> bool {
    matches!(c as u32, 0x00..=0x7F | 0x2010..=0x2027 | 0x3000..=0x3098 | 0x309B..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xFF01..=0xFFEF)
}

fn is_dropped_control(c: char) -> bool {
    let u = c as u32;
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || (0xFDD0..=0xFDEF).contains(&u) || (u & 0xFFFE) == 0xFFFE
}

fn is_compatibility_ideograph(c: char) -> bool {
    matches!(c as u32, 0xF900..=0xFAFF | 0x2F800..=0x2FA1F)
}

/// NFC edits: one per run that changes. Runs are cut before every
/// character that nothing before it can compose with (a starter whose NFC
/// quick check is Yes: the normalisation boundary of UAX #15), so an edit
/// holds only the characters NFC rewrites, never neighbours such as an
/// indent that a later pass edits on its own.
/// Compatibility ideographs are never touched.
fn nfc_edits(text: &str, reps: &mut Vec<Replacement>) {
    let mut run_start = 0;
    let flush = |start: usize, end: usize, reps: &mut Vec<Replacement>| {
        let piece = &text[start..end];
        // Most runs are one character already in NFC: no allocation for them.
        if start < end && is_nfc_quick(piece.chars()) != IsNormalized::Yes {
            let normal: String = piece.nfc().collect();
            if normal != piece {
                // Leave out the characters at either end that NFC kept.
                let head: usize =
                    piece.chars().zip(normal.chars()).take_while(|(a, b)| a == b).map(|(a, _)| a.len_utf8()).sum();
                let tail: usize = piece[head..]
                    .chars()
                    .rev()
                    .zip(normal[head..].chars().rev())
                    .take_while(|(a, b)| a == b)
                    .map(|(a, _)| a.len_utf8())
                    .sum();
                reps.push(Replacement::new(start + head..end - tail, &normal[head..normal.len() - tail]));
            }
        }
    };
    for (i, c) in text.char_indices() {
        if is_compatibility_ideograph(c) || c == '\n' {
            flush(run_start, i, reps);
            run_start = i + c.len_utf8();
        } else if is_nfc_stable(c) || is_composition_boundary(c) {
            flush(run_start, i, reps);
            run_start = i;
        }
    }
    flush(run_start, text.len(), reps);
}

/// Whether NFC can never join `c` to what comes before it: `c` is a
/// starter and is already in NFC on its own.
fn is_composition_boundary(c: char) -> bool {
    unicode_normalization::char::canonical_combining_class(c) == 0
        && is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cleanup, then NFC, as the pipeline runs them.
    fn apply(text: &str) -> String {
        let mut out = text.to_owned();
        for r in cleanup(text).0.iter().rev() {
            out.replace_range(r.range.clone(), &r.text);
        }
        let cleaned = out.clone();
        for r in nfc(&cleaned).iter().rev() {
            out.replace_range(r.range.clone(), &r.text);
        }
        out
    }

    #[test]
    fn line_endings() {
        assert_eq!(apply("a\r\nb\rc\n"), "a\nb\nc\n");
    }

    #[test]
    fn nfc_but_not_compatibility_ideographs() {
        assert_eq!(apply("hu\u{0300}i 會"), "hùi 會");
        assert_eq!(apply("\u{F900}"), "\u{F900}");
    }

    #[test]
    fn nfc_edits_hold_only_what_changes() {
        // U+FB38 decomposes (a composition exclusion); the indent before it
        // is not part of the edit, and the Hangul syllable + jamo compose.
        let reps = nfc("\u{3000}\u{FB38}x");
        assert_eq!(reps, vec![Replacement::new(3..6, "\u{5D8}\u{5BC}")]);
        // A control character between a letter and its mark (found by
        // fuzzing): NFC sees the pair once the control is gone.
        assert_eq!(apply("@N\u{1}\u{301}"), "@\u{143}");
        assert_eq!(apply("\u{3000}\u{1100}\u{1161}"), "\u{3000}\u{AC00}");
        assert_eq!(apply("e\u{301}\u{323}"), "\u{1EB9}\u{301}");
    }

    #[test]
    fn controls_and_noncharacters() {
        assert_eq!(apply("a\u{0}b\u{FFFF}c\u{85}d\u{FDD0}"), "abcd");
        assert_eq!(apply("👨\u{200D}👩 x\u{200B}y"), "👨\u{200D}👩 xy");
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// Characters of every kind the byte scan tells apart: ASCII, CJK,
        /// full-width forms, combining marks (U+0301, kana U+3099), Latin
        /// letters they compose with, hexagrams (U+4DC0, E4 B7 80), Hangul
        /// jamo that compose, a compatibility ideograph.
        const ALPHABET: &[char] = &[
            'a', 'e', ' ', '\n', '会', '议', '。', '，', '\u{301}', '\u{3099}', 'か', 'é', '\u{4DC0}', '\u{1100}',
            '\u{1161}', '\u{F900}', '·', '\u{3000}',
        ];

        proptest! {
            #[test]
            fn byte_scan_agrees_with_the_run_by_run_check(
                chars in proptest::collection::vec(proptest::sample::select(ALPHABET), 0..40),
            ) {
                let text: String = chars.into_iter().collect();
                let by_runs = text
                    .split(is_nfc_stable)
                    .all(|run| run.is_empty() || is_nfc_quick(run.chars()) == IsNormalized::Yes);
                prop_assert_eq!(is_nfc_quick_by_runs(&text), by_runs);
            }
        }
    }
}
