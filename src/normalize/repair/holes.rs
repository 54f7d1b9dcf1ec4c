//! Filling the holes of a reading: the bytes a damaged stretch does not show
//! (a lost lead byte, a trail swallowed with an ASCII byte, a vanished
//! user-defined pair), chosen once the stretch is read, by the text on both
//! sides of each hole.

use super::super::gbk::{decode_pair, encode_char, is_user_defined, GbkBytes};
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
    // The trail byte of the character just filled in for a vanished pair's
    // first byte: it is the lead of that pair, which a whole character
    // vanished after it must complete.
    let mut gap_trail = None;
    for hole in holes {
        let at = hole.at.checked_add_signed(shift)?;
        let width = HOLE.len_utf8();
        let before = tail(left, &text[..at]);
        let after = head(&text[at + width..], right);
        let owned;
        let candidates = match (&hole.kind, gap_trail) {
            (HoleKind::GapWhole, Some(trail)) => whole_after(trail),
            (kind, _) => {
                owned = candidates(kind);
                &owned
            }
        };
        let ranking = rank(&before, candidates, &after, model)?;
        let best = candidates.get(ranking.best);
        gap_trail = match hole.kind {
            HoleKind::GapTrail { .. } | HoleKind::GapWhole => match best.chars().next().and_then(encode_char) {
                Some(GbkBytes::Two(_, t)) => Some(t),
                _ => None,
            },
            _ => None,
        };
        text.replace_range(at..at + width, best);
        if 1.0 / ranking.mass < CONFIDENT {
            doubtful.push((at..at + best.len(), ranking.alike));
        }
        shift += best.len() as isize - width as isize;
    }
    Some(Filled { text, doubtful })
}

/// How a hole's candidates read in its context.
#[derive(Debug, PartialEq)]
struct Ranking {
    /// The candidate that reads best (the first in character order among
    /// equals).
    best: usize,
    /// The candidates' probability relative to the best one's: the sum of
    /// `exp(score - best score)` in the candidates' order, at least 1.
    mass: f64,
    /// How many others read within a factor of 10 ([`ALIKE`]) of the best.
    alike: usize,
}

/// How `candidates` read between `before` and `after`; `None` when there are
/// none. Only the best, the mass and the near ones are needed, not an order
/// of all (a sort of 190 scored strings per hole cost a tenth of filling).
fn rank(before: &str, candidates: &Candidates, after: &str, model: &dyn Plausibility) -> Option<Ranking> {
    // In one context where no annotation reaches across the hole (see
    // `scores_between`).
    let each: Vec<&str> = (0..candidates.len()).map(|k| candidates.get(k)).collect();
    let scores = scores_between(before, &each, after, model);
    let better =
        |k: usize, than: usize| scores[k].total_cmp(&scores[than]).then_with(|| each[than].cmp(each[k])).is_gt();
    let best = (1..scores.len()).fold(0, |best, k| if better(k, best) { k } else { best });
    let best_score = *scores.get(best)?;
    let mass = scores.iter().map(|s| (s - best_score).exp()).sum();
    let alike = scores.iter().enumerate().filter(|&(k, s)| k != best && best_score - s < ALIKE).count();
    Some(Ranking { best, mass, alike })
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

/// The texts a hole may stand for, in character order: one string and the
/// end of each (a `String` apiece was a tenth of filling a hole).
struct Candidates {
    text: String,
    ends: Vec<usize>,
}

impl Candidates {
    fn len(&self) -> usize {
        self.ends.len()
    }

    /// The `k`th candidate (empty past the last).
    fn get(&self, k: usize) -> &str {
        let start = if k == 0 { 0 } else { self.ends.get(k - 1).copied().unwrap_or(self.text.len()) };
        let end = self.ends.get(k).copied().unwrap_or(self.text.len());
        &self.text[start..end]
    }
}

impl FromIterator<char> for Candidates {
    fn from_iter<I: IntoIterator<Item = char>>(chars: I) -> Candidates {
        let mut candidates = Candidates { text: String::new(), ends: Vec::new() };
        for c in chars {
            candidates.text.push(c);
            candidates.ends.push(candidates.text.len());
        }
        candidates
    }
}

/// The characters that may have vanished whole after a user-defined pair
/// led by `trail` (the trail of the character before them): their lead
/// completes that pair and their trail begins the next. Built once per
/// byte (of some 2,000 characters, a third of filling such a hole).
fn whole_after(trail: u8) -> &'static Candidates {
    static BY_TRAIL: [std::sync::OnceLock<Candidates>; 256] = [const { std::sync::OnceLock::new() }; 256];
    BY_TRAIL[usize::from(trail)].get_or_init(|| {
        (0x81u8..=0xFE)
            .filter(|&l| is_user_defined(trail, l))
            .flat_map(|l| (0x40u8..=0xFE).filter(|&t| starts_user_defined(t)).filter_map(move |t| decode_pair(l, t)))
            .collect()
    })
}

/// Every text a hole may stand for (one character each).
fn candidates(kind: &HoleKind) -> Candidates {
    match *kind {
        HoleKind::Trail { lead } => (0x40u8..=0xFE).filter_map(|t| decode_pair(lead, t)).collect(),
        HoleKind::Lead { trail } => (0x81u8..=0xFE).filter_map(|l| decode_pair(l, trail)).collect(),
        // What a lossy decoder swallows with a trail byte: an ASCII byte that
        // cannot be a trail (space, digits, punctuation below `@`).
        HoleKind::Ascii => (0x20u8..0x40).map(char::from).collect(),
        HoleKind::Reading { ref syllable } => gbk_chars_reading(syllable).iter().copied().collect(),
        HoleKind::LineEndMark => "。！？”’」』）…".chars().collect(),
        // Filled from the character before it ([`whole_after`]): a reading
        // puts one only after a vanished pair's first byte.
        HoleKind::GapWhole => std::iter::empty().collect(),
        HoleKind::GapTrail { lead } => {
            (0x40u8..=0xFE).filter(|&t| starts_user_defined(t)).filter_map(|t| decode_pair(lead, t)).collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ranking as a full sort would give it: best first, equals in
    /// character order, the near ones counted from the second place on.
    fn sorted_ranking(candidates: &Candidates, scores: &[f64]) -> Ranking {
        let mut ranked: Vec<(f64, usize)> = scores.iter().copied().zip(0..).collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| candidates.get(a.1).cmp(candidates.get(b.1))));
        let (best_score, best) = ranked[0];
        Ranking {
            best,
            mass: ranked.iter().map(|(s, _)| (s - best_score).exp()).sum(),
            alike: ranked[1..].iter().take_while(|(s, _)| best_score - s < ALIKE).count(),
        }
    }

    proptest::proptest! {
        #[test]
        fn ranking_is_the_head_of_the_sorted_candidates(
            chars in proptest::collection::vec(proptest::char::range('一', '十'), 1..12),
            // Few distinct scores, so that ties are common.
            levels in proptest::collection::vec(0u8..4, 12),
        ) {
            let candidates: Candidates = chars.iter().copied().collect();
            let score_of = |c: char| -f64::from(levels[(c as usize) % levels.len()]) * 1.5;
            let model = |text: &str| text.chars().map(score_of).sum::<f64>();
            let ranking = rank("", &candidates, "", &model).unwrap();
            let scores: Vec<f64> = chars.iter().map(|&c| score_of(c)).collect();
            let sorted = sorted_ranking(&candidates, &scores);
            proptest::prop_assert_eq!((ranking.best, ranking.alike), (sorted.best, sorted.alike));
            // Summed in another order: equal up to rounding.
            proptest::prop_assert!((ranking.mass - sorted.mass).abs() < 1e-12 * sorted.mass);
        }
    }

    /// A character that vanished whole between two user-defined pairs
    /// completes the first with its lead and begins the second with its
    /// trail; after the trail of `國` (87 F8 in GBK), `君` (BE FD) can.
    #[test]
    fn a_whole_vanished_character_sits_between_two_pairs() {
        let after_guo = whole_after(0xF8);
        assert!(after_guo.len() > 100);
        for k in 0..after_guo.len() {
            let c = after_guo.get(k).chars().next().unwrap();
            let Some(GbkBytes::Two(lead, trail)) = encode_char(c) else { panic!("{c} is no GBK pair") };
            assert!(is_user_defined(0xF8, lead) && starts_user_defined(trail), "{c}");
        }
        assert!((0..after_guo.len()).any(|k| after_guo.get(k) == "君"));
        // A byte that leads no user-defined pair has none after it.
        assert_eq!(whole_after(0x41).len(), 0);
    }

    #[test]
    fn no_candidate_no_ranking() {
        let none: Candidates = std::iter::empty().collect();
        assert_eq!(rank("因", &none, "為", &|_: &str| 0.0), None);
        assert_eq!(none.get(0), "");
    }
}
