//! Byte-shift repair: rebuild text that a byte-level annotation tool and a
//! lossy GBK decoder knocked out of step.
//!
//! # The damage
//!
//! A site annotated characters by find-and-replace on **GBK bytes**: every
//! occurrence of a character's two bytes `a b` became `a b ( reading )`,
//! wherever it occurred, overlapping matches included. Where `a b`
//! straddled two real characters (the trail byte of one and the lead byte
//! of the next), the annotation landed inside the second character. A lossy
//! decoder then read that orphaned lead byte together with `(` as one
//! invalid pair and wrote `?`, and read every following byte pair one byte
//! off until an ASCII byte brought it back in step. Full-width forms
//! produced by the shifted pairs (`Ｐ`, `，`) were later folded to ASCII.
//!
//! ```text
//! source      因     為     醫     生
//! GBK         D2 F2  9E E9  E1 74  C9 FA
//! annotated   D2 F2 9E ( y à n ) E9 E1 74 ( y ī ) C9 FA      (驗 = F2 9E, 醫 = E1 74)
//! decoded     因    ?    yàn)    獒     t (yī)  生
//! ```
//!
//! Real pages show more of the same decoder at work:
//!
//! * a lead byte lost with **no annotation** to show for it, typically that
//!   of a full-width mark (`。` is A1 A3): `。可以說` reads `??梢哉f`;
//! * a shifted stretch that runs into **ASCII** (digits, spaces, dashes,
//!   markup): the shifted decoder swallows the trail byte of the last
//!   character with the ASCII byte after it (`為17.9%` reads `?7.9%` at the
//!   end of a stretch), or reads a letter as the trail of a rare character;
//! * **overlaps**: an annotation inside a shifted stretch, two stretches in
//!   a row, an annotation after an annotation (`編(biān)?jǐ)g`), or carried
//!   by a Latin letter (`F(xiàn)reeBSD`);
//! * pairs from GBK's user-defined rows, read out of step, **vanish**.
//!
//! # The repair
//!
//! One mechanism for all of it: *re-decode the byte stream* from a lost byte
//! on, exploring the few ways the stream can be read (the `reading` module). Every
//! `?` the site's decoder wrote is a place where bytes may have been lost; the readings
//! that go on one byte over are weighed against the text as it stands.
//!
//! * A lost byte followed by an annotation (`?yàn)`) must make, with the
//!   byte before it, a character read `yàn` (`(F2, x)` reads `yàn` ⇒
//!   `x = 9E`, 驗). Bytes nothing pins down — a lost lead with no
//!   annotation, a trail swallowed with an ASCII byte, a vanished pair — are
//!   *holes*, filled once the stretch is read by what reads best on both
//!   sides (the `holes` module).
//! * An ASCII character met out of step is a real one-byte trail (which
//!   brings the stream back in step) or a folded full-width form (`A3 xx`).
//! * Annotations are not original bytes: the byte before a lost one is the
//!   last *original* byte, looked up through any annotations between.
//!
//! A [`Plausibility`] model (word frequencies from jieba's dictionary, on the
//! Simplified form of the text) keeps the best few readings at each step
//! and picks the winner; since it reads Simplified, a character of the
//! script the page is not written in costs a reading extra (the
//! `page_script` module). A rebuild is applied only when it reads clearly
//! better than the text as it stands (a little worse is allowed where an
//! annotation's reading pinned the lost byte); a `?` that is a question
//! mark stays one. The annotations that belong to real characters stay in
//! the text for the annotation pass, which removes and records them.
//!
//! What stays doubtful is reported: damage that could not be re-decoded is
//! left as it was (a [`DoubtKind::Unrepaired`] note), and a rebuild that had
//! to choose a byte among several equally plausible ones (a swallowed
//! digit) is applied with a [`DoubtKind::Guessed`] note. Characters GBK
//! cannot hold never survived the damage and cannot be rebuilt; a `?` that
//! stood for a space GBK lacks (a no-break space: `R473.2? ? ?`) becomes a
//! space.

mod holes;
mod page_script;
mod reading;
mod tokens;

use std::ops::Range;

use super::gbk::{decode_pair, encode_char, GbkBytes};
use super::readings::{is_han, is_reading};
use super::tracked::Replacement;
use super::PassNote;
use crate::article::DoubtKind;
use reading::{Gaps, Pending, Reading};
use tokens::{next_token, parse_annotation, parse_marker, Token};

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

    /// The [`score`](Self::score) of `before`, then each of `candidates`,
    /// then `after`, in the candidates' order. Filling a hole tries up to
    /// 190 characters in one context: a model may share the work on the
    /// context (the default scores each text whole).
    ///
    /// ```
    /// use zharchive::normalize::{language::WordFrequency, repair::Plausibility};
    /// let model = WordFrequency::shared();
    /// let each = model.score_each("因為", &["醫", "獒", "t"], "生說");
    /// let whole = model.score("因為醫生說");
    /// assert!((each[0] - whole).abs() < 1e-9);
    /// assert!(each[0] > each[1] && each[0] > each[2]);
    /// ```
    fn score_each(&self, before: &str, candidates: &[&str], after: &str) -> Vec<f64> {
        candidates.iter().map(|c| self.score(&format!("{before}{c}{after}"))).collect()
    }
}

impl<F: Fn(&str) -> f64> Plausibility for F {
    fn score(&self, text: &str) -> f64 {
        self(text)
    }
}

/// How many readings of a damaged stretch are kept at each step.
const BEAM: usize = 16;
/// Readings that score this much below the best at a step are dropped
/// (about three implausible characters): a `?` that is a question mark
/// gives readings one byte over that turn to noise at once.
const PRUNE_GAP: f64 = 40.0;
/// A damaged stretch that is not back in step after this many characters is
/// given up (and reported).
const MAX_RUN: usize = 400;
/// Characters of context on each side given to the plausibility model.
const CONTEXT: usize = 8;
/// Characters of each reading the beam is pruned on (see [`prune`]).
const PRUNE_WINDOW: usize = 32;
/// How many of the readings back in step have their holes filled and are
/// compared whole.
const FINALISTS: usize = 8;
/// A rebuilt stretch is sure when the model gives its reading at least this
/// share of its belief among the finalists (see `holes::fill` for holes).
const RUN_CONFIDENT: f64 = 0.9;
/// The same against the finalists that assume fewer vanished pairs
/// (against more, the stricter [`MORE_GAPS_CONFIDENT`]). What a vanished
/// pair costs ([`reading::cost::GAP`]) is a guess at how often a page's
/// decoder dropped pairs, which one stretch does not say: readings that
/// differ in it are told apart with less confidence. On 左传 damaged with vanished pairs (`tests/repair_rate.rs`),
/// 0.9 here left 113 of 650 sentences rebuilt wrong and unmarked, 0.99
/// leaves 69; the price is 52 more of the 2,927 sentences rebuilt right,
/// over all classes, marked as guessed.
const GAP_CONFIDENT: f64 = 0.99;
/// The same against the finalists that assume *more* vanished pairs: a
/// factor of 10³. Each vanished pair a reading assumes gives it a
/// character more, and the unigram model charges that character a whole
/// token where a reader, who sees what comes before, expects it
/// (`受到他的寵信` reads 5.7 units worse than `受到四寵信`, and is right):
/// against more pairs, the model's doubt should be wider. Measured on
/// 左传 and the article (`tests/repair_rate.rs`): the vanished-pair class
/// goes from 92.0% to 95.5% of its 650 sentences (held-out seeds 91.5% →
/// 96.5%); the price is right rebuilds marked where no pair vanished —
/// 23 more of the 370 sentences of 左传 rebuilt right from the reference
/// damage (39 → 62), 3 of the article's 116, 99 of the 2,890 right
/// rebuilds of all classes together, and 11 marks in 7 of 200 generated
/// articles damaged the reference way: about four marks on right text for
/// each wrong rebuild it marks. (Before the page's script was a prior
/// — `page_script`, which rules out many such readings — the same margin
/// marked right rebuilds in 27 of those 200 articles.)
const MORE_GAPS_CONFIDENT: f64 = 0.999;
/// The same on a page where some stretch was rebuilt with a vanished pair
/// (its decoder drops them): a factor of 10⁴, about one common token
/// ([`DAMAGE_MARGIN`]). On a page of four lines, three of them damaged
/// whole by a decoder that drops pairs, the class is repaired or marked at
/// 96.5% with it, 95.5% without.
const DROPPING_PAGE_MORE_GAPS_CONFIDENT: f64 = 0.9999;
/// At most this many damaged stretches are re-decoded in one text. Real
/// articles have a handful; a hostile input with millions of markers would
/// otherwise cost millions of searches. The rest is reported, not repaired.
const MAX_RUNS: usize = 3_000;
/// The steps (characters read by [`run_from`], each at most one beam
/// prune) all the stretches of one text may take together: a failed
/// stretch may be read again from the next marker inside it, and without a
/// budget a hostile text of overlapping markers costs up to [`MAX_RUN`]
/// steps per character. This keeps the repair linear in the text; real
/// damage takes a few steps per damaged character.
const STEPS_PER_BYTE: usize = 2;
/// Steps allowed whatever the text's length.
const MIN_STEPS: usize = 10_000;
/// How much less plausible than the damaged text (marker dropped) a rebuild
/// pinned by an annotation's reading may read and still be taken: about one
/// common token (ln 10⁴). Rare but right characters (`坎?zhǔ)K` → `坎欿`)
/// read a little worse than the leftover letter they replace; a rebuild
/// that swallows a Latin word's first letter into an unknown character
/// (`现�xiàn)AGI` → `现汚GI`) reads two tokens worse.
const DAMAGE_MARGIN: f64 = 9.2;
/// How much more plausible than the text as it stands a rebuild must read
/// when nothing but the model says where bytes were lost (a `?` with no
/// annotation), on top of what its assumptions cost (see
/// `reading::cost`).
const FREE_MARGIN: f64 = 4.0;
/// The same when the `?` and one character after it are all that was read
/// out of step.
const SHORT_FREE_MARGIN: f64 = 12.0;

/// Find byte-shift damage in `text` and propose its repair.
///
/// ```
/// use zharchive::normalize::{language::WordFrequency, repair::repair};
/// let (reps, notes) = repair("因?yàn)獒t(yī)生", WordFrequency::shared());
/// assert!(notes.is_empty());
/// assert_eq!(reps[0].text, "為醫");
/// // A lead byte lost with no annotation: `。“` read one byte over.
/// let (reps, _) = repair("的熱點?!笆濉逼陂g消費", WordFrequency::shared());
/// assert!(reps[0].text.starts_with("。“"));
/// // A question mark is left alone.
/// assert!(repair("這是真的嗎?是的,我們都看見了。", WordFrequency::shared()).0.is_empty());
/// ```
pub fn repair(text: &str, model: &dyn Plausibility) -> (Vec<Replacement>, Vec<PassNote>) {
    let mut replacements = Vec::new();
    let mut notes = Vec::new();
    let spaces = unencodable_spaces(text);
    if let (Some(first), Some(last)) = (spaces.first(), spaces.last()) {
        notes.push(PassNote {
            range: first.range.start..last.range.end,
            code: "unencodable-characters",
            message: format!(
                "{} `?` stood for characters GBK cannot hold, between spaces or indenting a line \
                 (no-break or ideographic spaces): they are read as spaces",
                spaces.len()
            ),
            doubt: None,
        });
    }
    let is_space_mark = |at: usize| spaces.binary_search_by_key(&at, |r| r.range.start).is_ok();
    // The next of `spaces` not yet taken.
    let mut next_space = 0;
    // A decoder that wrote user-defined pairs as private-use characters did
    // not drop them: where the text has one, no pair vanished.
    // (Looked at once a stretch is to be read: most texts read none.)
    let mut gaps = None;
    // The page's script, once a stretch is to be read (see `page_script`).
    let mut in_script: Option<Option<page_script::InScript>> = None;
    // Whether a stretch of this text was rebuilt with a vanished pair: the
    // page's decoder drops them, later stretches may lose two in a row
    // ([`Gaps::Double`]), and the doubts that hold only on such a page
    // ([`DROPPING_PAGE_MORE_GAPS_CONFIDENT`]) are reported. Until the text
    // is read, those stretches wait, each with where its note goes, its
    // note otherwise (if any) and its note on such a page.
    let mut page_drops_pairs = false;
    let mut doubts_if_pairs_dropped: Vec<(usize, Option<PassNote>, PassNote)> = Vec::new();
    let mut search_from = 0;
    let mut runs = 0;
    let mut steps_left = MIN_STEPS + STEPS_PER_BYTE * text.len();
    // Where the last rebuilt stretch ended, and the state it left.
    let mut previous: Option<(usize, Reading)> = None;
    // Both marks are ASCII, so a byte search finds them (a `char` pattern
    // set walks the text a character at a time: a tenth of normalising a
    // clean book).
    while let Some(found) = memchr::memchr2(b'?', b'(', &text.as_bytes()[search_from..]) {
        let m = search_from + found;
        while spaces.get(next_space).is_some_and(|r| r.range.start < m) {
            replacements.push(spaces[next_space].clone());
            next_space += 1;
        }
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
        let step = text[m..].chars().next().map_or(1, char::len_utf8);
        if is_space_mark(m) {
            search_from = m + step;
            continue;
        }
        let marker = parse_marker(text, m);
        let start = match &previous {
            Some((end, state)) if *end == m => Some(state.clone()),
            _ => state_before(text, m),
        };
        let Some(start) = start.filter(|s| marker.is_none() || marker_is_plausible(s)) else {
            search_from = marker.as_ref().map_or(m + step, |mk| mk.end);
            continue;
        };
        if marker.is_none() && !worth_reading(text, m) {
            search_from = m + step;
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
                doubt: None,
            });
            break;
        }
        let gate = match &marker {
            Some(mk) => Gate::Marker(mk.end),
            None => Gate::Free,
        };
        let gaps = match *gaps.get_or_insert_with(|| !text.chars().any(|c| ('\u{E000}'..='\u{F8FF}').contains(&c))) {
            false => Gaps::None,
            true if page_drops_pairs => Gaps::Double,
            true => Gaps::Single,
        };
        // The readings are weighed with the page's script; whether the best
        // is taken, against the text as it stands, with the word model
        // alone (see `page_script`).
        let scorer: &dyn Plausibility = match in_script
            .get_or_insert_with(|| page_script::page_script(text).map(|page| page_script::InScript { model, page }))
        {
            Some(in_script) => in_script,
            None => model,
        };
        match run_from(text, m, start, scorer, gaps, &mut steps_left).filter(|run| gate.passes(text, m, run, model)) {
            Some(run) => {
                let (range, after) = trim_common(text, m..run.end, &run.text);
                if !after.is_empty() || !range.is_empty() {
                    page_drops_pairs |= run.vanished_pairs > 0;
                    let note = |doubtful: &[(Range<usize>, usize)]| {
                        (!doubtful.is_empty())
                            .then(|| guessed_note(range.clone(), &text[m..run.end], &run.text, doubtful))
                    };
                    match &run.doubtful_if_pairs_dropped {
                        Some(doubtful) => {
                            if let Some(if_dropped) = note(doubtful) {
                                doubts_if_pairs_dropped.push((notes.len(), note(&run.doubtful), if_dropped));
                            }
                        }
                        None => notes.extend(note(&run.doubtful)),
                    }
                    replacements.push(Replacement::new(range, after));
                }
                // A stretch read through `?` taken for spaces read them as
                // bytes: they are its own.
                while spaces.get(next_space).is_some_and(|r| r.range.start < run.end) {
                    next_space += 1;
                }
                search_from = run.end.max(m + step);
                previous = Some((run.end, run.state));
            }
            None => {
                if let Some(mk) = marker {
                    notes.push(PassNote {
                        range: m..mk.end,
                        code: "unrepaired-damage",
                        message: format!(
                            "byte-shift damage at {:?} could not be rebuilt from GBK bytes; the text is left as it was",
                            &text[m..mk.end]
                        ),
                        doubt: Some(DoubtKind::Unrepaired),
                    });
                    search_from = mk.end;
                } else {
                    // No rebuild read well enough. If what follows the `?`
                    // is noise all the same — a rare character only the
                    // other script writes — it is damage the repair could
                    // not undo: left as it was, and reported.
                    let page = in_script.as_ref().and_then(Option::as_ref).map(|s| &s.page);
                    if let Some(end) = page.and_then(|page| page.noise_after(text, m + step, model)) {
                        notes.push(PassNote {
                            range: m..end,
                            code: "unrepaired-damage",
                            message: format!(
                                "{:?} looks like byte-shift damage (a rare character of the script this text is \
                                 not written in, after a `?`) that no reading of its GBK bytes rebuilt; the text is \
                                 left as it was",
                                &text[m..end]
                            ),
                            doubt: Some(DoubtKind::Unrepaired),
                        });
                    }
                    search_from = m + step;
                }
            }
        }
    }
    replacements.extend(spaces.into_iter().skip(next_space));
    // Each where it would have been pushed (the later first, so that the
    // places of the earlier hold).
    for (at, otherwise, if_dropped) in doubts_if_pairs_dropped.into_iter().rev() {
        if let Some(note) = if page_drops_pairs { Some(if_dropped) } else { otherwise } {
            notes.insert(at, note);
        }
    }
    (replacements, notes)
}

/// The note on a rebuilt stretch (`damaged` rebuilt as `rebuilt`, at
/// `range`) whose `doubtful` parts are a guess.
fn guessed_note(range: Range<usize>, damaged: &str, rebuilt: &str, doubtful: &[(Range<usize>, usize)]) -> PassNote {
    PassNote {
        range,
        code: "guessed-bytes",
        message: format!(
            "byte-shift damage at {damaged:?} was rebuilt as {rebuilt:?}, but {} of its characters could not be told \
             from others that read as well ({}): they are a guess",
            doubtful.len(),
            doubtful
                .iter()
                .map(|(r, n)| format!("{:?}, with {n} other(s) nearly as likely", &rebuilt[r.clone()]))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        doubt: Some(DoubtKind::Guessed),
    }
}

/// How a rebuilt stretch starting at a `?` is judged against the text as it
/// stands.
enum Gate {
    /// It starts at a marker ending at this offset: the annotation's reading
    /// pinned the lost byte, and the rebuild may read a little worse than
    /// the damaged text with the marker dropped ([`DAMAGE_MARGIN`]).
    Marker(usize),
    /// It starts at a `?` alone: it must read clearly better
    /// ([`FREE_MARGIN`]).
    Free,
}

impl Gate {
    /// Whether `run`, rebuilt from `m`, is taken.
    ///
    /// The byte arithmetic alone accepts any stream that decodes; on text
    /// that was never shifted, a stray `?` or U+FFFD before a syllable can
    /// still "decode" into rare characters that swallow the letters after it
    /// (`现�xiàn)AGI` → `现汚GI`). Real damage leaves noise (`獒t`,
    /// `榇竽P湍`) that its rebuild beats by far; a rebuild that is no more
    /// plausible than the text around the marker is not a repair. This is
    /// also what keeps the pass idempotent: a marker the first run could not
    /// rebuild is not rebuilt differently on the second just because its
    /// neighbours were repaired meanwhile.
    fn passes(&self, text: &str, m: usize, run: &Run, model: &dyn Plausibility) -> bool {
        let left = context_before(text, m);
        let right = context_after(text, run.end);
        let score = |middle: &str| model.score(&readable(&format!("{left}{middle}{right}")));
        let (damaged, margin) = match *self {
            Gate::Marker(end) if run.free_losses == 0 => (&text[end.min(run.end)..run.end], -DAMAGE_MARGIN),
            // Marks alone at a line's end (`??`, `?!?`): the last character
            // of the line lost its lead byte and the decoder wrote its trail
            // alone. Little text to judge by: the margin is smaller, and the
            // mark chosen is reported as a guess (see `holes`).
            _ if marks_at_line_end(&text[m..run.end], &text[run.end..]) => (&text[m..run.end], FREE_MARGIN),
            // One character after the `?` is little evidence that it was
            // read out of step (`?A股` may be a question mark and A股), and
            // a `?` after no Han character on its line is little evidence
            // that the bytes around it were GBK text at all (`'1.0'?>U`
            // read as `'1.0'。綰`: the line `?>` ended, and `U` began the
            // next until the structure pass joined them).
            _ if trim_common(text, m..run.end, &run.text).0.len()
                <= text[m..].chars().take(2).map(char::len_utf8).sum()
                || !left.chars().any(is_han) =>
            {
                (&text[m..run.end], SHORT_FREE_MARGIN)
            }
            _ => (&text[m..run.end], FREE_MARGIN),
        };
        let gain = score(&run.text) - run.cost - score(damaged);
        // A rebuild that shows bytes it could not read (U+FFFD) or a
        // user-defined character is no reading of the source: a second run,
        // with its neighbours converted or repaired, would read it again
        // differently (found by fuzzing).
        let unreadable = run.text.chars().any(|c| c == '\u{FFFD}' || ('\u{E000}'..='\u{F8FF}').contains(&c));
        run.text != text[m..run.end] && !unreadable && gain > margin
    }
}

/// Whether `span` is punctuation only and the line ends right after it.
fn marks_at_line_end(span: &str, after: &str) -> bool {
    span.chars().all(|c| c.is_ascii_punctuation()) && (after.is_empty() || after.starts_with('\n'))
}

/// A damaged stretch re-decoded.
struct Run {
    /// End of the stretch in the text.
    end: usize,
    /// Its rebuilt text.
    text: String,
    /// Ranges of `text` that were filled by a guess, with how many other
    /// fillings read as well.
    doubtful: Vec<(Range<usize>, usize)>,
    /// The same for a page whose decoder drops user-defined pairs (see
    /// [`DROPPING_PAGE_MORE_GAPS_CONFIDENT`]), where it differs.
    doubtful_if_pairs_dropped: Option<Vec<(Range<usize>, usize)>>,
    /// How many user-defined pairs the reading assumes vanished.
    vanished_pairs: usize,
    /// What the rebuilt reading's assumptions cost.
    cost: f64,
    /// How many lead bytes it takes as lost with no annotation.
    free_losses: u32,
    /// The stream's state at the end (for a stretch starting right there).
    state: Reading,
}

/// The state of the stream, in step, before `m`: from the last original
/// character before it (annotations are not original bytes) and the one
/// before that; at the start of a line, a state with no bytes.
fn state_before(text: &str, m: usize) -> Option<Reading> {
    match original_chars_before(text, m) {
        (Some('\n') | None, _) => Some(Reading::at_line_start()),
        (Some(c), before) => Reading::in_step_after(c, before),
    }
}

/// The last two characters before `m` that were in the source's bytes:
/// annotations of the character before them are skipped.
fn original_chars_before(text: &str, m: usize) -> (Option<char>, Option<char>) {
    let mut end = m;
    let mut found = Vec::with_capacity(2);
    // Each skip goes back over one annotation; a bound keeps a hostile run
    // of annotations linear.
    for _ in 0..64 {
        if found.len() == 2 {
            break;
        }
        let before = &text[..end];
        if before.ends_with(')') {
            if let Some(open) = before.rfind('(').filter(|&o| end - o <= 48) {
                if let Some(a) = parse_annotation(text, open).filter(|a| a.end == end) {
                    let prev = text[..open].chars().next_back();
                    if prev.is_some_and(|p| is_han(p) && is_reading(p, &a.syllable)) {
                        end = open;
                        continue;
                    }
                }
            }
        }
        match before.chars().next_back() {
            Some(c) => {
                found.push(c);
                end -= c.len_utf8();
            }
            None => break,
        }
    }
    (found.first().copied(), found.get(1).copied())
}

/// A marker can only come from a lost lead byte after a two-byte character
/// (or after ASCII folded from a full-width form, which was two bytes).
fn marker_is_plausible(state: &Reading) -> bool {
    !state.last_single || state.alt_last.is_some()
}

/// Whether a `?` alone at `m` is worth re-decoding: something follows it on
/// its line that could be shifted bytes (a lost lead byte is read with the
/// byte after it).
fn worth_reading(text: &str, m: usize) -> bool {
    let mut chars = text[m..].chars().skip(1);
    match chars.next() {
        Some(c) => c != '\n' && !c.is_whitespace() && encode_char(c).is_some(),
        None => false,
    }
}

/// `?` that stand for characters GBK cannot hold: a run of spaces with two
/// or more `?` among them (`R473.2? ? ? ?`), or two or more `?` indenting a
/// line. They become spaces.
fn unencodable_spaces(text: &str) -> Vec<Replacement> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'?' {
            i += 1;
            continue;
        }
        let line_start = i == 0 || bytes[i - 1] == b'\n';
        let mut j = i;
        let (mut marks, mut spaces) = (0, 0);
        while j < bytes.len() && matches!(bytes[j], b'?' | b' ' | b'\t') {
            if bytes[j] == b'?' {
                marks += 1;
            } else {
                spaces += 1;
            }
            j += 1;
        }
        let indent = line_start && marks >= 2 && j < bytes.len() && bytes[j] != b'\n';
        if (marks >= 2 && spaces >= 1) || indent {
            for (k, _) in bytes[i..j].iter().enumerate().filter(|(_, &b)| b == b'?') {
                out.push(Replacement::new(i + k..i + k + 1, " "));
            }
        }
        i = j.max(i + 1);
    }
    out
}

/// If `text[open..]` is `(syllable)` right after an ASCII letter that, with
/// the trail byte of the original character before it, makes a character
/// read `syllable`: where the annotation ends.
fn straddle_after_ascii(text: &str, open: usize) -> Option<usize> {
    let syl = parse_annotation(text, open)?;
    let (letter, before) = original_chars_before(text, open);
    let c = letter.filter(|c| (0x40..=0x7E).contains(&(*c as u32)))?;
    // The trail byte before the letter: of a two-byte character, or of the
    // full-width form an ASCII mark was folded from (`,` was `，`, A3 AC;
    // the punctuation pass writes it back, and a second run must read what
    // the first did).
    let before = before?;
    let t = match encode_char(before) {
        Some(GbkBytes::Two(_, t)) => t,
        _ => reading::full_width_bytes(before)?.1,
    };
    let pair = decode_pair(t, c as u8)?;
    is_reading(pair, &syl.syllable).then_some(syl.end)
}

/// Re-decode from the `?` at `m` until every surviving reading is back in
/// step; returns the end of the stretch and its best rebuilt text.
/// `gaps`: which user-defined pairs may have vanished.
fn run_from(
    text: &str,
    m: usize,
    start: Reading,
    model: &dyn Plausibility,
    gaps: Gaps,
    steps_left: &mut usize,
) -> Option<Run> {
    let left = context_before(text, m);
    let mut hyps = vec![start];
    let mut pos = m;
    let mut steps = 0;
    while pos < text.len() && steps <= MAX_RUN && *steps_left > 0 {
        *steps_left -= 1;
        let (token, next_pos) = next_token(text, pos);
        let mut next = Vec::with_capacity(hyps.len() * 2);
        for h in &hyps {
            reading::successors(h, &token, gaps, &mut next);
        }
        next.dedup();
        if next.len() > 1 {
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
        if hyps.iter().all(Reading::in_step) && parse_annotation(text, pos).is_none() {
            break;
        }
        if matches!(token, Token::Char('\n')) && hyps.iter().all(|h| h.pending != Pending::None) {
            return None;
        }
    }
    hyps.retain(Reading::in_step);
    let right = context_after(text, pos);
    // The best few, judged with the text after the stretch, have their
    // holes filled and are judged whole.
    let outs: Vec<&str> = hyps.iter().map(|h| h.out.as_str()).collect();
    let scores = scores_between(&left, &outs, &right, model);
    let mut scored: Vec<(f64, Reading)> = scores.into_iter().zip(hyps).map(|(s, h)| (s - h.cost, h)).collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.out.cmp(&b.1.out)));
    scored.truncate(FINALISTS);
    // Each finalist's score, and how many pairs it assumes vanished.
    let mut best: Option<(f64, Run)> = None;
    let mut others: Vec<(f64, String, usize)> = Vec::new();
    for (_, h) in scored {
        let Some(filled) = holes::fill(&left, &h.out, &h.holes, &right, model) else { continue };
        let score = model.score(&readable(&format!("{left}{}{right}", filled.text))) - h.cost;
        let vanished = h.vanished_pairs();
        if best.as_ref().is_none_or(|(s, r)| score > *s || (score == *s && filled.text < r.text)) {
            let run = Run {
                end: pos,
                text: filled.text,
                doubtful: filled.doubtful,
                doubtful_if_pairs_dropped: None,
                vanished_pairs: vanished,
                cost: h.cost,
                free_losses: h.free_losses,
                state: Reading { out: String::new(), holes: Vec::new(), cost: 0.0, free_losses: 0, ..h },
            };
            if let Some((s, r)) = best.replace((score, run)) {
                others.push((s, r.text, r.vanished_pairs));
            }
        } else {
            others.push((score, filled.text, vanished));
        }
    }
    let (score, mut run) = best?;
    let vanished = run.vanished_pairs;
    // How sure the model is of the whole stretch: its belief in the best
    // reading against the other finalists that read differently, and
    // against those that assume fewer or more vanished pairs
    // ([`GAP_CONFIDENT`], [`MORE_GAPS_CONFIDENT`], on a page that drops
    // pairs [`DROPPING_PAGE_MORE_GAPS_CONFIDENT`]). Where two readings of
    // the bytes are about as plausible, the stretch is a guess as a whole.
    others.retain(|(_, text, _)| *text != run.text);
    others.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    others.dedup_by(|a, b| a.1 == b.1);
    // The probability mass of the others relative to the best: all of
    // them, those that assume fewer vanished pairs, and those that assume
    // more.
    let (mut mass, mut mass_fewer, mut mass_more) = (1.0, 1.0, 1.0);
    for (s, _, v) in &others {
        let share = (s - score).exp();
        mass += share;
        match v.cmp(&vanished) {
            std::cmp::Ordering::Less => mass_fewer += share,
            std::cmp::Ordering::Greater => mass_more += share,
            std::cmp::Ordering::Equal => {}
        }
    }
    let unsure =
        1.0 / mass < RUN_CONFIDENT || 1.0 / mass_fewer < GAP_CONFIDENT || 1.0 / mass_more < MORE_GAPS_CONFIDENT;
    let alike = || others.iter().filter(|(s, _, _)| score - s < std::f64::consts::LN_10).count();
    if !run.text.is_empty() {
        if unsure {
            run.doubtful = vec![(0..run.text.len(), alike())];
        } else if 1.0 / mass_more < DROPPING_PAGE_MORE_GAPS_CONFIDENT {
            // Noted as the stretch's only doubt on a page that drops
            // pairs, in place of the holes' own (a part of it).
            run.doubtful_if_pairs_dropped = Some(vec![(0..run.text.len(), alike())]);
        }
    }
    Some(run)
}

/// Keep the `BEAM` most plausible readings, and none that read far worse
/// than the best.
///
/// Each reading is judged on its last [`PRUNE_WINDOW`] characters (with the
/// left context while it is shorter): earlier differences were judged by
/// earlier prunes, and scoring whole readings at every step made a long
/// out-of-step stretch quadratic (a fuzzed 3 KB input took over a second).
fn prune(hyps: &mut Vec<Reading>, left: &str, model: &dyn Plausibility) {
    // Where each reading's window starts; `None` while the reading is
    // shorter than the window, which then takes the left context too.
    let starts: Vec<Option<usize>> =
        hyps.iter().map(|h| h.out.char_indices().rev().nth(PRUNE_WINDOW - 1).map(|(i, _)| i)).collect();
    let mut scores: Vec<f64> =
        hyps.iter().zip(&starts).map(|(h, start)| start.map_or(0.0, |i| model.score(&readable(&h.out[i..])))).collect();
    // The short ones share their left context: scored together.
    let short: Vec<usize> = (0..hyps.len()).filter(|&k| starts[k].is_none()).collect();
    let outs: Vec<&str> = short.iter().map(|&k| hyps[k].out.as_str()).collect();
    for (&k, score) in short.iter().zip(scores_between(left, &outs, "", model)) {
        scores[k] = score;
    }
    let mut scored: Vec<(f64, Reading)> =
        scores.into_iter().zip(hyps.drain(..)).map(|(s, h)| (s - h.cost, h)).collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.out.cmp(&b.1.out)));
    let best = scored.first().map_or(0.0, |s| s.0);
    scored.truncate(BEAM);
    hyps.extend(scored.into_iter().filter(|(s, _)| best - s <= PRUNE_GAP).map(|(_, h)| h));
}

/// The score of `left`, each of `middles`, then `right`, read as
/// [`readable`] would leave them: with the model's
/// [`score_each`](Plausibility::score_each) in a shared context where no
/// annotation can reach across a joint (so that each part reads the same
/// alone), else whole.
///
/// A middle sealed from `left` but not from `right` (a hole's candidate
/// before the annotation that may be its own: `?(diū)`) is read together
/// with `right`, still sharing `left`; one not sealed from `left` is scored
/// whole.
fn scores_between(left: &str, middles: &[&str], right: &str, model: &dyn Plausibility) -> Vec<f64> {
    // A joint is sealed when the part before it closes every bracket it
    // opens (an unclosed one may be closed in the next part) and the part
    // after it does not begin with an annotation (which attaches to the
    // character before it, across whitespace). `left` and `right` are the
    // same for every middle: their halves of the test are taken once (the
    // whole test per middle was a sixth of a hole's ranking).
    let closes_all = |before: &str| before.rfind(['(', '（']).is_none_or(|i| before[i..].contains([')', '）']));
    let opens = |after: &str| after.trim_start().starts_with(['(', '（']);
    let (left_closes_all, right_opens) = (closes_all(left), opens(right));
    let mut scores = vec![0.0; middles.len()];
    // (index, readable middle) sharing `left` and `right`, and sharing
    // `left` only.
    let mut both = Vec::new();
    let mut left_only = Vec::new();
    for (k, &middle) in middles.iter().enumerate() {
        if !left_closes_all || opens(middle) {
            scores[k] = model.score(&readable(&format!("{left}{middle}{right}")));
        } else if right.is_empty() || (!right_opens && closes_all(middle)) {
            both.push((k, readable(middle)));
        } else {
            left_only.push((k, readable(&format!("{middle}{right}")).into_owned().into()));
        }
    }
    let left = readable(left);
    for (group, right) in [(both, readable(right)), (left_only, "".into())] {
        if group.is_empty() {
            continue;
        }
        let parts: Vec<&str> = group.iter().map(|(_, p)| p.as_ref()).collect();
        for ((k, _), score) in group.iter().zip(model.score_each(&left, &parts, &right)) {
            scores[*k] = score;
        }
    }
    scores
}

/// The text as it will read once its annotations are removed: a correct
/// reading keeps the annotations of the characters it rebuilds (`醫(yī)`), and
/// they must not count against it.
fn readable(text: &str) -> std::borrow::Cow<'_, str> {
    // Most windows hold no bracket at all: nothing to take out. (Most are a
    // hole's one-character candidates: a plain walk over the bytes costs
    // less than setting up a search for either of two characters.)
    let bytes = text.as_bytes();
    let opens_at = |i: usize| bytes[i] == b'(' || bytes[i..].starts_with("（".as_bytes());
    if !(0..bytes.len()).any(opens_at) {
        return text.into();
    }
    // An annotation after a hole goes too: the hole will be filled with a
    // character that reads it.
    let mut unholed = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(reading::HOLE) {
        let after = at + reading::HOLE.len_utf8();
        unholed.push_str(&rest[..after]);
        rest = &rest[after..];
        if let Some(a) = parse_annotation(rest, 0) {
            rest = &rest[a.end..];
        }
    }
    unholed.push_str(rest);
    let mut out = unholed.clone();
    for r in super::annotations::annotations_of_own_readings(&unholed).iter().rev() {
        out.replace_range(r.range.clone(), &r.text);
    }
    out.into()
}

/// The [`CONTEXT`] characters before `at` on its line, after the opening
/// brackets still open from further back on the line: the model pairs
/// brackets, and a `”` whose `“` is thirty characters back is no stray
/// closing mark.
fn context_before(text: &str, at: usize) -> String {
    // At most this far back: a hostile line of a million markers must not
    // cost a scan of the line per marker.
    const BRACKETS_BACK: usize = 600;
    let mut start = at.saturating_sub(BRACKETS_BACK);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    let line = &text[text[start..at].rfind('\n').map_or(start, |i| start + i + 1)..at];
    let near_start = line.char_indices().rev().nth(CONTEXT - 1).map_or(0, |(i, _)| i);
    let mut context = open_brackets(&line[..near_start]);
    context.push_str(&line[near_start..]);
    context
}

/// The opening brackets of `text` that it does not close, in order.
fn open_brackets(text: &str) -> String {
    const PAIRS: [(char, char); 7] =
        [('“', '”'), ('‘', '’'), ('《', '》'), ('「', '」'), ('『', '』'), ('（', '）'), ('【', '】')];
    let mut open: Vec<char> = Vec::new();
    for c in text.chars() {
        if PAIRS.iter().any(|&(o, _)| o == c) {
            open.push(c);
        } else if let Some(&(o, _)) = PAIRS.iter().find(|&&(_, close)| close == c) {
            if let Some(i) = open.iter().rposition(|&x| x == o) {
                open.remove(i);
            }
        }
    }
    open.into_iter().collect()
}

/// The [`CONTEXT`] characters after `at` on its line, and a line break if
/// the line ends there (the model closes the brackets still open at a
/// line's end).
fn context_after(text: &str, at: usize) -> String {
    let mut context: String = text[at..].chars().take_while(|c| *c != '\n').take(CONTEXT + 1).collect();
    if context.chars().count() > CONTEXT {
        context.pop();
    } else {
        context.push('\n');
    }
    context
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
mod tests;
