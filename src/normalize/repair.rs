//! Byte-shift repair: rebuild text that a byte-level annotation tool and a
//! lossy GBK decoder knocked out of step.
//!
//! # The damage
//!
//! A site annotated characters by find-and-replace on **GBK bytes**: every
//! occurrence of a character's two bytes `a b` became `a b ( reading )`.
//! Where `a b` straddled two real characters (the trail byte of one and the
//! lead byte of the next), the annotation landed inside the second
//! character. A lossy decoder then read that orphaned lead byte together
//! with `(` as one invalid pair and wrote `?`, and read every following byte
//! pair one byte off until an ASCII byte brought it back in step. Full-width
//! forms produced by the shifted pairs (`Ｐ`, `，`) were later folded to ASCII.
//!
//! ```text
//! source      因     為     醫     生
//! GBK         D2 F2  9E E9  E1 74  C9 FA
//! annotated   D2 F2 9E ( y à n ) E9 E1 74 ( y ī ) C9 FA      (驗 = F2 9E, 醫 = E1 74)
//! decoded     因    ?    yàn)    獒     t (yī)  生
//! ```
//!
//! # The repair
//!
//! The damaged text still holds almost every byte: re-encoding it to GBK
//! gives back the damaged byte stream, except that each `?` swallowed one
//! lead byte (and the `(`), and folded ASCII may have been two bytes. So the
//! repair *re-decodes the byte stream* from the `?` with the lost byte put
//! back, exploring the few ways the stream can be read:
//!
//! * the lost byte `x` must make, with the byte before it, a character whose
//!   reading is the annotation's syllable (`(F2, x)` reads `yàn` ⇒ `x = 9E`,
//!   驗);
//! * an ASCII character met while out of step is either a real one-byte
//!   trail (which brings the stream back in step) or a folded full-width form
//!   (`A3 xx`);
//! * a `?syllable)` met while out of step is an ordinary annotation whose
//!   character the shifted decoder split; a `?syllable)` met in step is a new
//!   straddle. This is how two overlapping damaged spots are rebuilt in one
//!   pass.
//!
//! Every reading that decodes to valid, non-private-use GBK survives; when
//! more than one reaches the point where the stream is back in step, a
//! [`Plausibility`] model (word frequencies from jieba's dictionary, on the
//! Simplified form of the text) picks the most plausible text. The
//! annotations that belong to real characters stay in the text for the
//! annotation pass, which removes and records them.
//!
//! Characters GBK cannot hold never survived the damage and cannot be
//! rebuilt; a damaged spot that cannot be re-decoded is left as it is and
//! reported.

use std::ops::Range;

use super::gbk::{decode_pair, encode_char, GbkBytes};
use super::readings::{is_pinyin_letter, is_reading, parse_joined_syllable, Syllable};
use super::tracked::Replacement;
use super::PassNote;

/// Scores how plausible a piece of text is; higher is more plausible.
///
/// Only differences between scores of texts covering the same source span
/// matter. The default model is [`crate::normalize::language::WordFrequency`].
///
/// ```
/// use zharchive::normalize::repair::{repair, Plausibility};
/// // Any `Fn(&str) -> f64` is a model.
/// let model = |text: &str| -(text.chars().filter(char::is_ascii_alphabetic).count() as f64);
/// assert_eq!(model.score("因為醫"), 0.0);
/// let (reps, _) = repair("因?yàn)獒t(yī)生", &model);
/// assert_eq!(reps[0].text, "為醫");
/// ```
pub trait Plausibility {
    /// A log-probability-like score of `text`.
    ///
    /// ```
    /// use zharchive::normalize::{language::WordFrequency, repair::Plausibility};
    /// let model = WordFrequency::shared();
    /// assert!(model.score("医生") < 0.0); // a log-probability
    /// assert!(model.score("医生") > model.score("獒t"));
    /// ```
    fn score(&self, text: &str) -> f64;
}

impl<F: Fn(&str) -> f64> Plausibility for F {
    fn score(&self, text: &str) -> f64 {
        self(text)
    }
}

/// How many readings of a damaged stretch are kept at each step.
const BEAM: usize = 16;
/// A damaged stretch that is not back in step after this many characters is
/// given up (and reported).
const MAX_RUN: usize = 400;
/// Characters of context on each side given to the plausibility model.
const CONTEXT: usize = 8;
/// Characters of each reading the beam is pruned on (see [`prune`]).
const PRUNE_WINDOW: usize = 32;
/// At most this many damaged stretches are re-decoded in one text. Real
/// articles have a handful; a hostile input with millions of markers would
/// otherwise cost millions of searches. The rest is reported, not repaired.
const MAX_RUNS: usize = 10_000;
/// The steps (characters read by [`repair_run`], each at most one beam
/// prune) all the stretches of one text may take together: a failed
/// stretch may be read again from the next marker inside it, and without a
/// budget a hostile text of overlapping markers costs up to [`MAX_RUN`]
/// steps per character. This keeps the repair linear in the text; real
/// damage takes a few steps per damaged character.
const STEPS_PER_BYTE: usize = 2;
/// Steps allowed whatever the text's length.
const MIN_STEPS: usize = 10_000;
/// Cost (in the model's log units) of assuming that an ASCII character was
/// folded from a full-width form: each such assumption must be paid for by
/// more plausible text, and between equally plausible readings the simpler
/// one wins.
const FOLD_COST: f64 = 1.0;
/// How much less plausible than the damaged text (marker dropped) a rebuild
/// may read and still be taken: about one common token (ln 10⁴). Rare but
/// right characters (`坎?zhǔ)K` → `坎欿`) read a little worse than the
/// leftover letter they replace; a rebuild that swallows a Latin word's
/// first letter into an unknown character (`现�xiàn)AGI` → `现汚GI`) reads
/// two tokens worse.
const DAMAGE_MARGIN: f64 = 9.2;

/// Find byte-shift damage in `text` and propose its repair.
///
/// ```
/// use zharchive::normalize::{language::WordFrequency, repair::repair};
/// let (reps, notes) = repair("因?yàn)獒t(yī)生", WordFrequency::shared());
/// assert!(notes.is_empty());
/// assert_eq!(reps[0].text, "為醫");
/// ```
pub fn repair(text: &str, model: &dyn Plausibility) -> (Vec<Replacement>, Vec<PassNote>) {
    let mut replacements = Vec::new();
    let mut notes = Vec::new();
    let mut search_from = 0;
    let mut runs = 0;
    let mut steps_left = MIN_STEPS + STEPS_PER_BYTE * text.len();
    while let Some(found) = text[search_from..].find(['?', '\u{FFFD}', '(']) {
        let m = search_from + found;
        if text[m..].starts_with('(') {
            // A straddling annotation whose second byte is ASCII: no byte
            // was lost, the annotation just sits after a Latin letter.
            match straddle_after_ascii(text, m) {
                Some(end) => {
                    replacements.push(Replacement::delete(m..end));
                    search_from = end;
                }
                None => search_from = m + 1,
            }
            continue;
        }
        let Some(marker) = parse_marker(text, m) else {
            search_from = m + text[m..].chars().next().map_or(1, char::len_utf8);
            continue;
        };
        if !marker_is_plausible(text, m) {
            search_from = marker.end;
            continue;
        }
        runs += 1;
        if runs > MAX_RUNS || steps_left == 0 {
            notes.push(PassNote {
                range: m..text.len(),
                code: "repair-budget",
                message: format!(
                    "more than {MAX_RUNS} damaged spots, or damage too tangled to re-decode in time: \
                     the repair stopped here and the rest is left as it was"
                ),
            });
            break;
        }
        // A rebuild that could not know every byte (it would show U+FFFD)
        // is not taken: on a second run, the characters around such a spot
        // have been converted or repaired, their GBK bytes differ, and the
        // same spot would be rebuilt differently (found by fuzzing). The
        // spot is left as it is and reported.
        match repair_run(text, m, model, &mut steps_left)
            .filter(|run| run.unknown == 0 && beats_the_damage(text, m, marker.end, run, model))
        {
            Some(run) => {
                let (range, after) = trim_common(text, m..run.end, &run.text);
                replacements.push(Replacement::new(range, after));
                search_from = run.end;
            }
            None => {
                notes.push(PassNote {
                    range: m..marker.end,
                    code: "unrepaired-damage",
                    message: format!(
                        "byte-shift damage at {:?} could not be rebuilt from GBK bytes; the text is left as it was",
                        &text[m..marker.end]
                    ),
                });
                search_from = marker.end;
            }
        }
    }
    (replacements, notes)
}

/// A parenthesised syllable: `?syllable)` (the `?` stands for a lost byte and
/// the `(`) or `(syllable)`.
struct Syl {
    syllable: Syllable,
    /// The syllable as written.
    raw: String,
    end: usize,
}

/// `open` + syllable + `)` at `at`, where `open` is one of `opens`.
fn parse_syl(text: &str, at: usize, opens: &[char]) -> Option<Syl> {
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

fn parse_marker(text: &str, at: usize) -> Option<Syl> {
    parse_syl(text, at, &['?', '\u{FFFD}'])
}

/// A marker can only come from a lost lead byte after a two-byte character
/// (or after ASCII folded from a full-width form, which was two bytes).
fn marker_is_plausible(text: &str, at: usize) -> bool {
    text[..at]
        .chars()
        .next_back()
        .is_some_and(|c| matches!(encode_char(c), Some(GbkBytes::Two(..))) || full_width_bytes(c).is_some())
}

/// If `text[open..]` is `(syllable)` right after an ASCII letter that, with
/// the trail byte of the character before it, makes a character read
/// `syllable`: where the annotation ends.
fn straddle_after_ascii(text: &str, open: usize) -> Option<usize> {
    let syl = parse_syl(text, open, &['('])?;
    let mut before = text[..open].chars().rev();
    let c = before.next().filter(|c| (0x40..=0x7E).contains(&(*c as u32)))?;
    let Some(GbkBytes::Two(_, t)) = before.next().and_then(encode_char) else { return None };
    let pair = decode_pair(t, c as u8)?;
    is_reading(pair, &syl.syllable).then_some(syl.end)
}

/// One reading of the damaged byte stream.
#[derive(Debug, Clone, PartialEq)]
struct Hypothesis {
    /// A lead byte waiting for its trail.
    pending: Option<u8>,
    /// The last byte of the stream so far (the `a` of a straddled pair).
    last: Option<u8>,
    /// The byte before `last`.
    before_last: Option<u8>,
    /// When the last character was ASCII punctuation or a letter in step,
    /// the trail byte of the full-width form it may have been folded from
    /// (`,` after Chinese text was `，`, A3 AC, in the site's bytes).
    alt_last: Option<u8>,
    /// The rebuilt text so far.
    out: String,
    /// How many ASCII characters this reading takes for folded full-width
    /// forms.
    folds: u32,
    /// How many bytes this reading could not know (written as U+FFFD).
    unknown: u32,
}

impl Hypothesis {
    /// Append `c`, whose GBK bytes end with `bytes`.
    fn emit(&self, c: char, pending: Option<u8>, bytes: (Option<u8>, Option<u8>)) -> Hypothesis {
        let mut out = self.out.clone();
        out.push(c);
        Hypothesis { pending, before_last: bytes.0, last: bytes.1, alt_last: None, out, ..self.clone() }
    }

    /// The state after `c`, read in step (the character before a run).
    fn in_step_after(c: char) -> Option<Hypothesis> {
        let (before_last, last) = match encode_char(c)? {
            GbkBytes::Two(a, b) => (Some(a), Some(b)),
            GbkBytes::One(b) => (None, Some(b)),
        };
        Some(Hypothesis {
            pending: None,
            last,
            before_last,
            alt_last: full_width_bytes(c).map(|(_, t)| t),
            out: String::new(),
            folds: 0,
            unknown: 0,
        })
    }
}

/// The result of re-decoding one damaged stretch.
struct Run {
    /// End of the stretch in the text.
    end: usize,
    /// Its rebuilt text.
    text: String,
    /// Bytes that could not be known.
    unknown: u32,
    /// What the rebuilt reading's assumptions cost ([`cost`]).
    cost: f64,
}

/// Whether the rebuilt stretch reads at least about as well as the damaged
/// one with its marker (`?syllable)` at `m..marker_end`) simply dropped: no
/// worse than by [`DAMAGE_MARGIN`].
///
/// The byte arithmetic alone accepts any stream that decodes; on text that
/// was never shifted, a stray `?` or U+FFFD before a syllable can still
/// "decode" into rare characters that swallow the letters after it (`现�xiàn)AGI`
/// → `现汚GI`). Real damage leaves noise (`獒t`, `榇竽P湍`) that its rebuild
/// beats by far; a rebuild that is no more plausible than the text around
/// the marker is not a repair. This is also what keeps the pass idempotent:
/// a marker the first run could not rebuild is not rebuilt differently on
/// the second just because its neighbours were repaired meanwhile.
fn beats_the_damage(text: &str, m: usize, marker_end: usize, run: &Run, model: &dyn Plausibility) -> bool {
    let left = context_before(text, m);
    let right = context_after(text, run.end);
    let damaged = &text[marker_end..run.end];
    let score = |middle: &str| model.score(&readable(&format!("{left}{middle}{right}")));
    score(&run.text) - run.cost + DAMAGE_MARGIN > score(damaged)
}

/// Re-decode from the marker at `m` until every surviving reading is back in
/// step; returns the end of the stretch and its best rebuilt text.
fn repair_run(text: &str, m: usize, model: &dyn Plausibility, steps_left: &mut usize) -> Option<Run> {
    let start = Hypothesis::in_step_after(text[..m].chars().next_back()?)?;
    let left = context_before(text, m);
    let mut hyps = vec![start];
    let mut pos = m;
    let mut steps = 0;
    while pos < text.len() && steps <= MAX_RUN && *steps_left > 0 {
        *steps_left -= 1;
        let (token, next_pos) = next_token(text, pos);
        let mut next = Vec::with_capacity(hyps.len() * 2);
        for h in &hyps {
            successors(h, &token, &mut next);
        }
        next.dedup();
        if next.len() > BEAM {
            prune(&mut next, &left, model);
        }
        hyps = next;
        pos = next_pos;
        steps += 1;
        if hyps.is_empty() {
            return None;
        }
        // Back in step: done, unless an annotation follows, which only the
        // readings know how to judge (a real character's or a straddle's).
        if hyps.iter().all(|h| h.pending.is_none()) && parse_syl(text, pos, &['(']).is_none() {
            break;
        }
    }
    hyps.retain(|h| h.pending.is_none());
    if hyps.len() > 1 {
        let right = context_after(text, pos);
        let mut scored: Vec<(f64, Hypothesis)> = hyps
            .drain(..)
            .map(|h| (model.score(&readable(&format!("{left}{}{right}", h.out))) - cost(&h), h))
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.out.cmp(&b.1.out)));
        hyps.extend(scored.into_iter().map(|(_, h)| h));
    }
    let best = hyps.into_iter().next()?;
    let cost = cost(&best);
    Some(Run { end: pos, text: best.out, unknown: best.unknown, cost })
}

/// What a reading's assumptions cost.
fn cost(h: &Hypothesis) -> f64 {
    FOLD_COST * f64::from(h.folds)
}

/// A unit of the damaged text.
enum Token {
    /// `?syllable)`: a lost byte, then an annotation.
    Marker(Syl),
    /// `(syllable)`.
    Annotation(Syl),
    /// A `?` or U+FFFD alone: two bytes read as an invalid pair; `true` at
    /// the end of a line, where it may be one lead byte left without a trail.
    Lost(char, bool),
    /// Any other character.
    Char(char),
}

fn next_token(text: &str, pos: usize) -> (Token, usize) {
    if let Some(m) = parse_marker(text, pos) {
        let end = m.end;
        return (Token::Marker(m), end);
    }
    if let Some(a) = parse_syl(text, pos, &['(']) {
        let end = a.end;
        return (Token::Annotation(a), end);
    }
    let c = text[pos..].chars().next().unwrap_or('\u{FFFD}');
    let at_end = text[pos + c.len_utf8()..].starts_with('\n') || pos + c.len_utf8() == text.len();
    let token = if c == '?' || c == '\u{FFFD}' { Token::Lost(c, at_end) } else { Token::Char(c) };
    (token, pos + c.len_utf8())
}

/// Every way `h` can read `token`.
fn successors(h: &Hypothesis, token: &Token, out: &mut Vec<Hypothesis>) {
    match token {
        Token::Marker(m) => marker_successors(h, m, out),
        Token::Annotation(a) => match h.pending {
            None => {
                // Only when the last *character* was that ASCII letter (a
                // two-byte character may end in the same byte).
                let last_char_ascii =
                    h.out.chars().next_back().is_some_and(|c| Some(c as u32) == h.last.map(u32::from));
                let straddles = match (h.before_last, h.last) {
                    (Some(t), Some(c)) if last_char_ascii && (0x40..=0x7E).contains(&c) => {
                        decode_pair(t, c).is_some_and(|pair| is_reading(pair, &a.syllable))
                    }
                    _ => false,
                };
                if straddles {
                    // Straddling annotation after a one-byte trail: drop it.
                    out.push(h.clone());
                } else {
                    let mut k = h.clone();
                    k.out.push('(');
                    k.out.push_str(&a.raw);
                    k.out.push(')');
                    k.before_last = None;
                    k.last = Some(b')');
                    out.push(k);
                }
            }
            Some(p) => {
                // Out of step, a second straddle: the annotation of the pair
                // (last byte, pending lead) landed after that lead byte, and
                // the shifted decoder read the pair as a character. Drop it;
                // the lead still waits for its trail.
                if h.last == Some(p)
                    && h.before_last.and_then(|t| decode_pair(t, p)).is_some_and(|pair| is_reading(pair, &a.syllable))
                {
                    out.push(h.clone());
                }
                // Otherwise the brackets and letters are bytes like any other.
                let mut hyps = vec![h.clone()];
                for c in format!("({})", a.raw).chars() {
                    let mut next = Vec::new();
                    for g in &hyps {
                        char_successors(g, c, &mut next);
                    }
                    hyps = next;
                }
                out.extend(hyps);
            }
        },
        Token::Lost(c, at_end) => match h.pending {
            None => out.push(h.emit(*c, None, (None, (*c == '?').then_some(b'?')))),
            // The shifted decoder read the true trail `a` of `p` with an
            // ASCII byte `b` as one invalid pair: `a` is one of the valid
            // trails, `b` cannot be known — unless the line ends here and
            // `a` was a lead byte left alone.
            Some(p) => {
                for a in 0x40u8..=0xFE {
                    if let Some(pair) = decode_pair(p, a) {
                        if *at_end {
                            out.push(h.emit(pair, None, (Some(p), Some(a))));
                        }
                        let mut k = h.emit(pair, None, (Some(a), None));
                        k.out.push('\u{FFFD}');
                        k.unknown += 1;
                        out.push(k);
                    }
                }
                char_successors(h, *c, out);
            }
        },
        Token::Char(c) => char_successors(h, *c, out),
    }
}

/// A `?syllable)` marker: the byte `x` lost with the `(` makes, with the byte
/// before it, a character read `syllable`.
fn marker_successors(h: &Hypothesis, m: &Syl, out: &mut Vec<Hypothesis>) {
    // In step, the byte before the lost one is the last byte read, or the
    // trail of the full-width form the last ASCII character was folded from.
    let folded = if h.pending.is_none() { h.alt_last } else { None };
    for (prev, fold) in [(h.last, 0), (folded, 1)] {
        let Some(prev) = prev else { continue };
        for x in 0x40u8..=0xFE {
            let Some(pair) = decode_pair(prev, x) else { continue };
            if !is_reading(pair, &m.syllable) {
                continue;
            }
            match h.pending {
                // In step: the annotated pair straddles two characters; `x`
                // is the lost lead byte and the annotation goes.
                None if x >= 0x81 => out.push(Hypothesis {
                    pending: Some(x),
                    before_last: Some(prev),
                    last: Some(x),
                    alt_last: None,
                    folds: h.folds + fold,
                    ..h.clone()
                }),
                None => {}
                // Out of step: an ordinary annotation of a character the
                // shifted decoder split; it stays for the annotation pass.
                Some(p) if p == prev => {
                    let mut k = h.emit(pair, None, (None, Some(b')')));
                    k.out.push('(');
                    k.out.push_str(&m.raw);
                    k.out.push(')');
                    out.push(k);
                }
                Some(_) => {}
            }
        }
    }
}

/// An ordinary character.
fn char_successors(h: &Hypothesis, c: char, out: &mut Vec<Hypothesis>) {
    match (h.pending, encode_char(c)) {
        (None, bytes) => {
            let ends = match bytes {
                Some(GbkBytes::One(b)) => (h.last, Some(b)),
                Some(GbkBytes::Two(a, b)) => (Some(a), Some(b)),
                None => (None, None),
            };
            let mut k = h.emit(c, None, ends);
            k.alt_last = full_width_bytes(c).map(|(_, t)| t);
            out.push(k);
        }
        (Some(p), Some(GbkBytes::Two(b1, b2))) => push_bytes(h, p, b1, Some(b2), 0, out),
        (Some(p), Some(GbkBytes::One(b))) => {
            // A real one-byte trail (ASCII, or 0x80 read alone as €): back
            // in step.
            if (0x40..=0x7E).contains(&b) || b == 0x80 {
                push_bytes(h, p, b, None, 0, out);
            }
            // A full-width form folded to ASCII after decoding.
            if let Some((f1, f2)) = full_width_bytes(c) {
                push_bytes(h, p, f1, Some(f2), 1, out);
            }
        }
        (Some(_), None) => {}
    }
}

/// Feed `trail` to complete the pending lead `p`, then `next` (if any) as the
/// start of what follows; `folds` is 1 when these bytes assume a folded
/// full-width form.
fn push_bytes(h: &Hypothesis, p: u8, trail: u8, next: Option<u8>, folds: u32, out: &mut Vec<Hypothesis>) {
    let Some(c) = decode_pair(p, trail) else { return };
    let mut k = match next {
        None => h.emit(c, None, (Some(p), Some(trail))),
        Some(b) if b >= 0x81 => h.emit(c, Some(b), (Some(trail), Some(b))),
        Some(b) if (0x20..0x7F).contains(&b) || b == b'\t' => {
            let mut k = h.emit(c, None, (Some(trail), Some(b)));
            k.out.push(b as char);
            k
        }
        Some(_) => return,
    };
    k.folds += folds;
    out.push(k);
}

/// GBK bytes of the full-width form an ASCII character was folded from.
fn full_width_bytes(c: char) -> Option<(u8, u8)> {
    match c {
        ' ' => Some((0xA1, 0xA1)),
        '!'..='~' => match encode_char(char::from_u32(c as u32 - 0x21 + 0xFF01)?)? {
            GbkBytes::Two(a, b) => Some((a, b)),
            GbkBytes::One(_) => None,
        },
        _ => None,
    }
}

/// Keep the `BEAM` most plausible readings.
///
/// Each reading is judged on its last [`PRUNE_WINDOW`] characters (with the
/// left context while it is shorter): earlier differences were judged by
/// earlier prunes, and scoring whole readings at every step made a long
/// out-of-step stretch quadratic (a fuzzed 3 KB input took over a second).
fn prune(hyps: &mut Vec<Hypothesis>, left: &str, model: &dyn Plausibility) {
    let window = |out: &str| {
        let start = out.char_indices().rev().nth(PRUNE_WINDOW - 1).map(|(i, _)| i);
        match start {
            Some(i) => out[i..].to_owned(),
            None => format!("{left}{out}"),
        }
    };
    let mut scored: Vec<(f64, Hypothesis)> =
        hyps.drain(..).map(|h| (model.score(&readable(&window(&h.out))) - cost(&h), h)).collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.out.cmp(&b.1.out)));
    scored.truncate(BEAM);
    hyps.extend(scored.into_iter().map(|(_, h)| h));
}

/// The text as it will read once its annotations are removed: a correct
/// reading keeps the annotations of the characters it rebuilds (`醫(yī)`), and
/// they must not count against it.
fn readable(text: &str) -> String {
    let mut out = text.to_owned();
    for r in super::annotations::annotations_of_own_readings(text).iter().rev() {
        out.replace_range(r.range.clone(), &r.text);
    }
    out
}

fn context_before(text: &str, at: usize) -> String {
    let mut chars: Vec<char> = text[..at].chars().rev().take_while(|c| *c != '\n').take(CONTEXT).collect();
    chars.reverse();
    chars.into_iter().collect()
}

fn context_after(text: &str, at: usize) -> String {
    text[at..].chars().take_while(|c| *c != '\n').take(CONTEXT).collect()
}

/// Shrink a replacement to the part that differs.
fn trim_common(text: &str, range: Range<usize>, new: &str) -> (Range<usize>, String) {
    let old = &text[range.clone()];
    let prefix: usize = old.chars().zip(new.chars()).take_while(|(a, b)| a == b).map(|(a, _)| a.len_utf8()).sum();
    let old_rest = &old[prefix..];
    let new_rest = &new[prefix..];
    let suffix: usize =
        old_rest.chars().rev().zip(new_rest.chars().rev()).take_while(|(a, b)| a == b).map(|(a, _)| a.len_utf8()).sum();
    let start = range.start + prefix;
    let end = range.end - suffix;
    (start..end, new_rest[..new_rest.len() - suffix].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_model(_: &str) -> f64 {
        0.0
    }

    fn apply(text: &str, reps: &[Replacement]) -> String {
        let mut out = text.to_owned();
        for r in reps.iter().rev() {
            out.replace_range(r.range.clone(), &r.text);
        }
        out
    }

    #[test]
    fn the_reference_article_spots() {
        let model = crate::normalize::language::WordFrequency::shared();
        for (damaged, want) in [
            ("因?yàn)獒t(yī)生是智力密度最高的职业", "因為醫(yī)生是智力密度最高的职业"),
            ("因?yàn)榇竽P湍軌虬堰呺H成本一直往下降", "因為大模型能夠把邊際成本一直往下降"),
            ("能夠?qū)崿F(xiàn)AGI,那么", "能夠實現(xiàn)AGI,那么"),
        ] {
            let (reps, notes) = repair(damaged, model);
            assert!(notes.is_empty(), "{damaged}: {notes:?}");
            assert_eq!(apply(damaged, &reps), want);
        }
    }

    #[test]
    fn a_straddle_after_a_latin_letter_is_dropped() {
        // 向 = CF F2; (F2, 'A') reads hàn: the annotation of that pair landed
        // after the A, and no byte was lost.
        let text = "通向A(hàn)GI的路";
        let (reps, _) = repair(text, &no_model);
        assert_eq!(apply(text, &reps), "通向AGI的路");
        // A real parenthetical after a Latin letter stays.
        let (reps, _) = repair("版本A(测试)和mount(8)", &no_model);
        assert!(reps.is_empty());
    }

    #[test]
    fn markers_are_read_as_the_structure_pass_will_join_them() {
        // A line break inside a marker or a straddling annotation is one the
        // structure pass joins: the first run must see what a second run
        // would (found by fuzzing: `t(y\rī)`, the CR made a line break).
        let model = crate::normalize::language::WordFrequency::shared();
        let apply = |text: &str| {
            let mut out = text.to_owned();
            for r in repair(text, model).0.iter().rev() {
                out.replace_range(r.range.clone(), &r.text);
            }
            out
        };
        for text in ["因?yàn)獒t(y\nī)生", "因?yà\nn)獒t(yī)生", "因?yàn )獒t( yī\n)生", "很好獒t(y\nī)生"]
        {
            let joined: String = text.split_whitespace().collect();
            assert_eq!(apply(text).split_whitespace().collect::<String>(), apply(&joined), "{text:?}");
            assert_ne!(apply(&joined), joined, "{joined:?} is damage the repair handles");
        }
        // Two line breaks are a paragraph break: not one marker.
        assert!(repair("很好獒t(y\n\nī)生", model).0.is_empty());
        assert!(!repair("很好獒t(yī)生", model).0.is_empty());
    }

    #[test]
    fn hostile_marker_floods_stop_at_the_budget() {
        let text = "因?a)".repeat(MAX_RUNS + 10);
        let started = std::time::Instant::now();
        let (_, notes) = repair(&text, &no_model);
        assert!(notes.iter().any(|n| n.code == "repair-budget"));
        // Generous bound (debug build, loaded machine): the point is that it ends.
        assert!(started.elapsed().as_secs() < 60);
    }

    #[test]
    fn a_rebuild_that_reads_worse_than_the_damage_is_not_taken() {
        // Found by fuzzing: a first run repaired 實現 but left the marker
        // after it; on the second run, the trail of 现 and a lost byte read
        // xiàn, and the A of AGI "completed" the lead byte: 现汚GI.
        let model = crate::normalize::language::WordFrequency::shared();
        let text = "如果模型能够实现\u{FFFD}xiàn)AGI，那么";
        let (reps, notes) = repair(text, model);
        assert!(reps.is_empty(), "{reps:?}");
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].code, "unrepaired-damage");
        // The same arithmetic on real damage still rebuilds it.
        let (reps, _) = repair("能夠?qū)崿F(xiàn)AGI,那么", model);
        assert_eq!(apply("能夠?qū)崿F(xiàn)AGI,那么", &reps), "能夠實現(xiàn)AGI,那么");
    }

    #[test]
    fn a_plain_question_mark_is_left_alone() {
        let (reps, notes) = repair("真的嗎?是的。What?(yes)", &no_model);
        assert!(reps.is_empty());
        assert!(notes.is_empty());
    }

    #[test]
    fn unrepairable_damage_is_reported_not_changed() {
        // No GBK pair (因's trail F2, x) reads "zzz"-like syllable "qiong"
        // followed by a valid stream: the emoji cannot be re-encoded.
        let (reps, notes) = repair("因?yàn)😀😀", &no_model);
        assert!(reps.is_empty());
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].code, "unrepaired-damage");
    }
}
