//! Filling the holes of a reading: the bytes a damaged stretch does not show
//! (a lost lead byte, a trail swallowed with an ASCII byte, a vanished
//! user-defined pair), chosen once the stretch is read, by the text on both
//! sides of each hole.

use super::super::gbk::decode_pair;
use super::super::readings::gbk_chars_reading;
use super::reading::{starts_user_defined, Hole, HoleKind, HOLE};
use super::{open_brackets, scores_between, Plausibility};

/// Characters of context on each side of a hole when its candidates are
/// ranked.
const WINDOW: usize = 10;
/// A hole is filled with confidence when its best candidate holds at least
/// this share of the candidates' probability (their scores are
/// log-likelihoods of the same text with one candidate or another, so their
/// softmax is the model's belief in each): otherwise the text says so (see
/// [`Filled::doubtful`]). A digit swallowed by the damage is one of ten
/// equally likely; `。` at a line's end is likelier than `”`, but not nine
/// times likelier than all the rest.
const CONFIDENT: f64 = 0.9;
/// Candidates within this much of the best (a factor of 10) are "alike" in
/// the report.
const ALIKE: f64 = std::f64::consts::LN_10;

/// A reading with its holes filled.
#[derive(Debug, Clone)]
pub(super) struct Filled {
    pub text: String,
    /// Byte ranges of `text` filled without confidence, each with how many
    /// other candidates read within a factor of 10 of the chosen one.
    pub doubtful: Vec<(std::ops::Range<usize>, usize)>,
}

/// Fill `holes` of `out` (placeholders [`HOLE`]) left to right, each with the
/// candidate that reads best between `left` and `right`; `None` if a hole has
/// no candidate at all.
pub(super) fn fill(left: &str, out: &str, holes: &[Hole], right: &str, model: &dyn Plausibility) -> Option<Filled> {
    let mut text = out.to_owned();
    // Each hole's offset moves by what earlier fillings changed.
    let mut shift: isize = 0;
    let mut doubtful = Vec::new();
    for hole in holes {
        let at = hole.at.checked_add_signed(shift)?;
        let width = HOLE.len_utf8();
        let before = tail(left, &text[..at]);
        let after = head(&text[at + width..], right);
        let ranked = rank(&before, &hole.kind, &after, model);
        let (best_score, best) = (*ranked.first()?).clone();
        let mass: f64 = ranked.iter().map(|(s, _)| (s - best_score).exp()).sum();
        text.replace_range(at..at + width, &best);
        if 1.0 / mass < CONFIDENT {
            let alike = ranked[1..].iter().take_while(|(s, _)| best_score - s < ALIKE).count();
            doubtful.push((at..at + best.len(), alike));
        }
        shift += best.len() as isize - width as isize;
    }
    Some(Filled { text, doubtful })
}

/// The candidates of a hole of `kind` between `before` and `after`, best
/// first (ties in character order); empty when it has none.
fn rank(before: &str, kind: &HoleKind, after: &str, model: &dyn Plausibility) -> Vec<(f64, String)> {
    let candidates = candidates(kind);
    // In one context where no annotation reaches across the hole (see
    // `scores_between`).
    let each: Vec<&str> = candidates.iter().map(String::as_str).collect();
    let scores = scores_between(before, &each, after, model);
    let mut ranked: Vec<(f64, String)> = scores.into_iter().zip(candidates).collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    ranked
}

/// Up to [`WINDOW`] characters before a hole (the end of `out_before`, then
/// of `left`), after the brackets still open before them. Holes not filled
/// yet stay in as placeholders (an annotation after one is its own, not the
/// candidate's).
fn tail(left: &str, out_before: &str) -> String {
    let all = format!("{left}{out_before}");
    let start = all.char_indices().rev().nth(WINDOW - 1).map_or(0, |(i, _)| i);
    let mut context = open_brackets(&all[..start]);
    context.push_str(&all[start..]);
    context
}

/// Up to [`WINDOW`] characters after a hole.
fn head(out_after: &str, right: &str) -> String {
    out_after.chars().chain(right.chars()).take(WINDOW).collect()
}

/// Every text a hole may stand for.
fn candidates(kind: &HoleKind) -> Vec<String> {
    match *kind {
        HoleKind::Trail { lead } => (0x40u8..=0xFE).filter_map(|t| decode_pair(lead, t)).map(String::from).collect(),
        HoleKind::Lead { trail } => (0x81u8..=0xFE).filter_map(|l| decode_pair(l, trail)).map(String::from).collect(),
        // What a lossy decoder swallows with a trail byte: an ASCII byte that
        // cannot be a trail (space, digits, punctuation below `@`).
        HoleKind::Ascii => (0x20u8..0x40).map(|b| String::from(b as char)).collect(),
        HoleKind::Reading { ref syllable } => gbk_chars_reading(syllable).iter().map(|&c| String::from(c)).collect(),
        HoleKind::LineEndMark => "。！？”’」』）…".chars().map(String::from).collect(),
        HoleKind::GapTrail { lead } => (0x40u8..=0xFE)
            .filter(|&t| starts_user_defined(t))
            .filter_map(|t| decode_pair(lead, t))
            .map(String::from)
            .collect(),
    }
}
