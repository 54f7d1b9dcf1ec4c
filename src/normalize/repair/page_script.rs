//! The script a page is written in, as a prior on the characters a rebuild
//! may read.
//!
//! The plugin damaged pages it had converted to Traditional: the original
//! text is written in one script, and a rebuild that reads a character only
//! the other script writes is almost surely wrong. The word model cannot
//! see it, since it scores the Simplified form of what it reads: to it a
//! stretch rebuilt as `曹國联軍` (with `联`, Simplified only) is the same
//! text as the right `曹國聯軍`, and the reading that assumes fewer lost
//! bytes wins; `順纺緣故` (`纺` is `紡` to it) reads better than the right
//! `順服的緣故`. So once the page's own characters show its script, a
//! reading pays for each character of the other one.
//!
//! Only the readings of a stretch are weighed so: whether the best is taken
//! instead of the text as it stands is left to the word model alone, so
//! that a character of the other script in clean text (a quotation, a
//! character the page's converter kept) never draws a repair.

use rustc_hash::{FxHashMap, FxHashSet};

use super::Plausibility;
use crate::article::Script;
use crate::normalize::readings::is_han;
use crate::normalize::script::{char_script, CharScript};

/// What a character of the other script costs a reading, in the model's log
/// units: about one common token, like the margins of the repair (a
/// factor of 10⁴). On the repair-rate corpora it rebuilt more stretches
/// exactly in every class that reads lost bytes (vanished pairs 111 → 128
/// of 650, lost lead bytes 1,440 → 1,468 of 1,666); 6 did almost as well,
/// 3 worse, and anything from 9 up the same (the reading is then as good
/// as ruled out).
pub(super) const FOREIGN_CHARACTER: f64 = 9.2;

/// What a character of the other script costs when a conversion table
/// keeps it in some words (`后` in 皇后, `着`: Traditional text has them,
/// rarely), or when the page uses it itself ([`AT_HOME`]): little, like a
/// folded ASCII character. From 2 up to [`FOREIGN_CHARACTER`] the repair
/// rates are the same; at 0 the vanished-pair class falls back by 4
/// sentences of 650.
pub(super) const KEPT_FOREIGN_CHARACTER: f64 = 2.0;

/// Characters of one script must outnumber those of the other this many
/// times for the page to count as written in it. Damaged stretches read as
/// they stand are noise from all of GBK (most of it GB2312, Simplified): a
/// page too damaged to show its script gets no prior.
const MAJORITY: usize = 3;

/// Fewer characters of its own script than this do not show a page's
/// script.
const AT_LEAST: usize = 4;

/// The page's script is read from its first this many Han characters:
/// plenty to show it, and a book-length text is not walked whole (all of
/// 左传, 1.9 MB, took 4% of normalising it).
const SAMPLE: usize = 4_096;

/// A character of the other script the page itself uses this many times
/// is at home on it: the plugin's converter kept some (`并`, `么` stand in
/// Traditional pages in 并且 and 什么), and a rebuild may read them. Once is
/// not enough: a damaged stretch read as it stands holds characters of the
/// other script too.
const AT_HOME: u32 = 2;

/// How far after a `?` noise is looked for (see [`PageScript::noise_after`]).
const AFTER_MARK: usize = 6;

/// A character the word model scores below this alone is rare (fewer than
/// about 1,000 in jieba's 60 million words: `诖`, `纺`; not `并`, `这`, `联`).
const RARE: f64 = -11.0;

/// What the page's characters show of its script (see [`page_script`]).
#[derive(Debug, Clone)]
pub(super) struct PageScript {
    /// [`Script::Traditional`] or [`Script::Simplified`] (any other
    /// charges nothing).
    pub script: Script,
    /// Characters of the other script the page uses [`AT_HOME`] times or
    /// more.
    pub at_home: FxHashSet<char>,
}

impl PageScript {
    /// What `c` costs a reading on this page: nothing if the page's script
    /// writes it, [`FOREIGN_CHARACTER`] if only the other one does, or
    /// [`KEPT_FOREIGN_CHARACTER`] if the other's but kept in some words or
    /// at home on the page.
    fn cost(&self, c: char) -> f64 {
        match (char_script(c), self.script) {
            (CharScript::Simplified { kept }, Script::Traditional)
            | (CharScript::Traditional { kept }, Script::Simplified) => {
                if kept || self.at_home.contains(&c) {
                    KEPT_FOREIGN_CHARACTER
                } else {
                    FOREIGN_CHARACTER
                }
            }
            _ => 0.0,
        }
    }

    /// Where the noise right after a `?` ends, if there is any: a rare
    /// character ([`RARE`]) that only the other script writes, among the
    /// [`AFTER_MARK`] characters from `from` (up to a space). Clean text
    /// after a question mark hardly has one, mojibake often does; a common
    /// one (`并`, which the sites' converter kept: `是嗎?并且`) is no sign.
    pub(super) fn noise_after(&self, text: &str, from: usize, model: &dyn Plausibility) -> Option<usize> {
        let mut end = None;
        let mut buf = [0u8; 4];
        for (i, c) in text[from..].char_indices().take(AFTER_MARK) {
            if c.is_whitespace() {
                break;
            }
            if self.cost(c) >= FOREIGN_CHARACTER && model.score(c.encode_utf8(&mut buf)) < RARE {
                end = Some(from + i + c.len_utf8());
            }
        }
        end
    }
}

/// The script `text` is written in, if its characters show one clearly.
/// (Cheaper than [`detect_script`](crate::normalize::detect_script), which
/// converts the text, and it declines a page whose damage hides its
/// script.)
pub(super) fn page_script(text: &str) -> Option<PageScript> {
    let (mut traditional, mut simplified) = (0usize, 0usize);
    // How often each character of either script occurs.
    let mut uses: FxHashMap<char, u32> = FxHashMap::default();
    for c in text.chars().filter(|&c| is_han(c)).take(SAMPLE) {
        let kept = match char_script(c) {
            CharScript::Traditional { kept } => {
                traditional += usize::from(!kept);
                kept
            }
            CharScript::Simplified { kept } => {
                simplified += usize::from(!kept);
                kept
            }
            CharScript::Both => continue,
        };
        if !kept {
            *uses.entry(c).or_default() += 1;
        }
    }
    let script = if traditional >= AT_LEAST && traditional >= MAJORITY * simplified {
        Script::Traditional
    } else if simplified >= AT_LEAST && simplified >= MAJORITY * traditional {
        Script::Simplified
    } else {
        return None;
    };
    let mut page = PageScript { script, at_home: FxHashSet::default() };
    page.at_home = uses.into_iter().filter(|&(c, n)| n >= AT_HOME && page.cost(c) > 0.0).map(|(c, _)| c).collect();
    Some(page)
}

/// A model that charges each character of the script a page is not
/// written in ([`PageScript::cost`]) on top of what `model` makes of the
/// text.
pub(super) struct InScript<'a> {
    pub model: &'a dyn Plausibility,
    pub page: PageScript,
}

impl InScript<'_> {
    /// What the characters of `text` that belong to the other script cost.
    fn foreign(&self, text: &str) -> f64 {
        text.chars().filter(|c| !c.is_ascii()).map(|c| self.page.cost(c)).sum()
    }
}

impl Plausibility for InScript<'_> {
    fn score(&self, text: &str) -> f64 {
        self.model.score(text) - self.foreign(text)
    }

    fn score_each(&self, before: &str, candidates: &[&str], after: &str) -> Vec<f64> {
        let context = self.foreign(before) + self.foreign(after);
        let mut scores = self.model.score_each(before, candidates, after);
        for (score, candidate) in scores.iter_mut().zip(candidates) {
            *score -= context + self.foreign(candidate);
        }
        scores
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::language::WordFrequency;

    #[test]
    fn characters_belong_to_a_script() {
        assert_eq!(char_script('風'), CharScript::Traditional { kept: false });
        assert_eq!(char_script('风'), CharScript::Simplified { kept: false });
        // `后` is `後` in Traditional text, but 皇后 keeps it.
        assert_eq!(char_script('后'), CharScript::Simplified { kept: true });
        // `么` is `麼` in Traditional text, but `TSCharacters` keeps it.
        assert_eq!(char_script('么'), CharScript::Simplified { kept: true });
        assert_eq!(char_script('并'), CharScript::Simplified { kept: false });
        assert_eq!(char_script('中'), CharScript::Both);
        assert_eq!(char_script('a'), CharScript::Both);
    }

    #[test]
    fn a_page_shows_its_script_or_none() {
        let script = |text| page_script(text).map(|page| page.script);
        assert_eq!(script("這是由於鄭國順服的緣故。"), Some(Script::Traditional));
        assert_eq!(script("这是由于郑国顺服的缘故。"), Some(Script::Simplified));
        // Too few characters of either script, or both alike.
        assert_eq!(script("中文"), None);
        assert_eq!(script("這是由於鄭國这是由于郑国"), None);
        // A Traditional page whose converter kept `并` (twice) and `么`
        // (once): `并` is at home on it.
        let page = page_script("這是我們的問題,并且為什么國家發展,并無關係。").expect("Traditional");
        assert_eq!(page.script, Script::Traditional);
        assert_eq!(page.at_home.iter().collect::<Vec<_>>(), [&'并']);
    }

    #[test]
    fn the_other_script_costs_a_reading() {
        let model = WordFrequency::shared();
        let page = |script| PageScript { script, at_home: FxHashSet::default() };
        let traditional = InScript { model, page: page(Script::Traditional) };
        let simplified = InScript { model, page: page(Script::Simplified) };
        let (right, wrong) = ("宋國順服的緣故", "宋國順纺緣故");
        // The word model alone prefers the wrong reading; on a Traditional
        // page its `纺` rules it out, on a Simplified page `國` costs both.
        assert!(model.score(wrong) > model.score(right));
        assert!(traditional.score(right) > traditional.score(wrong));
        assert!(simplified.score(wrong) > simplified.score(right));
        // Scored one by one in a shared context, as whole texts.
        let each = traditional.score_each("宋國順", &["服的", "纺"], "緣故");
        assert!((each[0] - traditional.score(right)).abs() < 1e-9);
        assert!((each[1] - traditional.score(wrong)).abs() < 1e-9);
        // A character the page uses itself costs little.
        let at_home = InScript {
            model,
            page: PageScript { script: Script::Traditional, at_home: ['纺'].into_iter().collect() },
        };
        assert!(at_home.score(wrong) > traditional.score(wrong));
    }
}
