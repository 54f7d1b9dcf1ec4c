//! A small language model for choosing between candidate repairs: word
//! frequencies from jieba's dictionary, applied to the Simplified form of the
//! text.
//!
//! The score of a text is the log-probability of its best segmentation under a
//! unigram word model, which is what jieba itself maximises when it cuts a
//! sentence (without its HMM): real words score far above the runs of rare
//! characters that a wrongly aligned byte stream produces. The dictionary is
//! Simplified, so candidates are converted first, character by character
//! with OpenCC's `TSCharacters` table (a phrase conversion per candidate
//! cost more than the segmentation; the candidates of one stretch share
//! their context, so what phrases would change cancels out).
//!
//! The model holds the 50,000 most frequent words of jieba's dictionary
//! (`assets/wordfreq/jieba-top50k.txt`, 96.4 % of its frequency mass) in a
//! hash map built on first use, and segments by dynamic programming over the
//! few words that can start at each character. That replaced the `jieba-rs`
//! crate, whose trie took about 17 ms to build: 60 % of a one-article `epub`
//! process. A repair only ever scores a few dozen characters at a time.

mod trie;

use std::sync::OnceLock;

use super::readings::is_han;
use super::repair::Plausibility;
use super::script::simplified_char;
use trie::{Node, Trie};

/// `word frequency` lines, most frequent first.
const WORDS: &str = include_str!("../../assets/wordfreq/jieba-top50k.txt");

/// Natural log of the total word count of jieba's default dictionary
/// (60,101,967): the per-word normaliser of the unigram model.
const LN_TOTAL: f64 = 17.911_56;

/// Unigram word-frequency model over jieba's dictionary.
///
/// ```
/// use zharchive::normalize::{language::WordFrequency, repair::Plausibility};
/// let model = WordFrequency::shared();
/// // Real words score far above the noise of a misaligned byte stream.
/// assert!(model.score("因為醫生") > model.score("因為獒t"));
/// ```
pub struct WordFrequency {
    /// Word → log-probability (of its frequency + 1, as jieba's
    /// `suggest_freq` counts it).
    ///
    /// Every beginning of a word is in it too (with `-∞` when it is no word
    /// itself): the segmentation lengthens a piece one character at a time
    /// and stops as soon as no word begins with it, instead of looking up
    /// every length up to the longest word (most pieces of three characters
    /// or more begin none).
    words: Trie,
    /// The longest word, in characters.
    max_chars: usize,
    /// For each character of the Basic Multilingual Plane, the longest word
    /// that starts with it, in characters (0: none; 255: look up to
    /// `max_chars`). Most characters begin only short words, so the
    /// segmentation looks up far fewer pieces than `max_chars` at each
    /// position. 64 KB, built with the map.
    longest_from: Vec<u8>,
    /// For each character of the Basic Multilingual Plane, whether any word
    /// holds it (a bit each, 8 KB): no word can cover one that none holds,
    /// so a hole's candidate like that reads as its context does plus an
    /// unknown character, without a look-up (most of the 190 candidates of
    /// a lost trail byte are rare characters).
    in_words: Vec<u64>,
}

impl WordFrequency {
    /// The process-wide model, loaded on first use (a few milliseconds, done
    /// once and only when a repair needs to choose).
    ///
    /// ```
    /// use zharchive::normalize::{language::WordFrequency, repair::Plausibility};
    /// assert!(std::ptr::eq(WordFrequency::shared(), WordFrequency::shared()));
    /// assert!(WordFrequency::shared().score("医生") > WordFrequency::shared().score("獒t"));
    /// ```
    pub fn shared() -> &'static WordFrequency {
        static MODEL: OnceLock<WordFrequency> = OnceLock::new();
        MODEL.get_or_init(|| WordFrequency::parse(WORDS))
    }

    /// A model from `word frequency` lines. The embedded list is part of the
    /// crate and well formed (a test checks every line); a line that is not
    /// is skipped rather than failing a repair.
    fn parse(lines: &'static str) -> WordFrequency {
        let mut words = Trie::with_capacity(lines.len() / 6);
        let mut max_chars = 1;
        let mut longest_from = vec![0u8; 0x1_0000];
        let mut in_words = vec![0u64; 0x1_0000 / 64];
        // Lines and fields are cut at ASCII bytes with plain loops (see
        // `plain_lines`; `split_once` too sets up a search per call).
        for line in super::plain_lines(lines) {
            let Some(space) = line.bytes().position(|b| b == b' ') else { continue };
            let (word, freq) = (&line[..space], &line[space + 1..]);
            let Ok(freq) = freq.trim().parse::<u64>() else { continue };
            // One walk over the word's characters: the trie's, which also
            // notes the characters it holds.
            let chars = words.insert(word, (freq as f64 + 1.0).ln() - LN_TOTAL, |c| {
                if let Some(bits) = in_words.get_mut(c as usize / 64) {
                    *bits |= 1 << (c as usize % 64);
                }
            });
            max_chars = max_chars.max(chars);
            if let Some(slot) = word.chars().next().and_then(|c| longest_from.get_mut(c as usize)) {
                *slot = (*slot).max(u8::try_from(chars).unwrap_or(u8::MAX));
            }
        }
        WordFrequency { words, max_chars, longest_from, in_words }
    }

    /// Whether some word holds `c` (characters outside the Basic
    /// Multilingual Plane are taken to be in one: they are looked up).
    fn in_some_word(&self, c: char) -> bool {
        self.in_words.get(c as usize / 64).is_none_or(|bits| bits & (1 << (c as usize % 64)) != 0)
    }

    /// The most characters a word starting with `c` has (0 if none does).
    fn longest_word_from(&self, c: char) -> usize {
        match self.longest_from.get(c as usize) {
            Some(&u8::MAX) | None => self.max_chars,
            Some(&n) => usize::from(n),
        }
    }

    /// The log-probability of the best segmentation of `text` (already
    /// Simplified). Runs of Han characters and ASCII letters or digits are
    /// segmented into dictionary words, a run of ASCII letters and digits
    /// being one token unless a word covers it (as jieba keeps English words
    /// whole); every other character is a token of its own, and a run of
    /// spaces one token.
    fn best_segmentation(&self, text: &str) -> f64 {
        self.segmentation_looking_ahead(text, |c| self.longest_word_from(c), true)
    }

    /// [`best_segmentation`](Self::best_segmentation), trying words of up
    /// to `ahead(c)` characters from a character `c`. Any bound at least as
    /// long as the longest word starting with `c` gives the same score, and
    /// so does stopping at the first piece no word begins with
    /// (`stop_early`).
    fn segmentation_looking_ahead(&self, text: &str, ahead: impl Fn(char) -> usize, stop_early: bool) -> f64 {
        self.suffix_scores(text, ahead, stop_early)[0]
    }

    /// The best score of each suffix of `text`: element `i` for the text
    /// from its character `i` on (the last, for the empty suffix, is 0).
    /// See [`segmentation_looking_ahead`](Self::segmentation_looking_ahead).
    fn suffix_scores(&self, text: &str, ahead: impl Fn(char) -> usize, stop_early: bool) -> Vec<f64> {
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let byte_at = |i: usize| chars.get(i).map_or(text.len(), |&(b, _)| b);
        // best[i]: the best score of chars[i..], filled right to left.
        let mut best = vec![0.0f64; chars.len() + 1];
        for i in (0..chars.len()).rev() {
            let c = chars[i].1;
            let end = always_token_end(&chars, i);
            // Where the look-ups of longer pieces below begin, and the node
            // of the piece before it.
            let (mut score, from, mut node) = if is_han(c) {
                // The token alone is also the first piece: looked up once.
                let node = self.words.step(Trie::ROOT, c);
                let word = node.map(|n| self.words.value(n));
                (word.filter(|p| p.is_finite()).unwrap_or(HAN_UNKNOWN) + best[end], i + 2, node)
            } else {
                (self.token_score(&text[byte_at(i)..byte_at(end)]) + best[end], i + 1, Some(Trie::ROOT))
            };
            if is_word_char(c) {
                let limit = (i + ahead(c)).min(chars.len());
                for j in from..=limit {
                    if !is_word_char(chars[j - 1].1) {
                        break;
                    }
                    // Stopping early, a piece is the one before it and a
                    // step; else (to check that stopping changes nothing)
                    // every piece is looked up whole.
                    let piece = if stop_early {
                        node = node.and_then(|n| self.words.step(n, chars[j - 1].1));
                        node.map(|n| self.words.value(n))
                    } else {
                        self.words.get(&text[byte_at(i)..byte_at(j)])
                    };
                    match piece {
                        // `-∞` for a beginning that is no word: no change.
                        Some(p) => score = score.max(p + best[j]),
                        None if stop_early => break,
                        None => {}
                    }
                }
            }
            best[i] = score;
        }
        best
    }

    /// The score of `piece` as one token: a word's, or an unknown token's.
    fn token_score(&self, piece: &str) -> f64 {
        let mut chars = piece.chars();
        let (word, one_han) = match (chars.next(), chars.next()) {
            // One character, most tokens: one step.
            (Some(c), None) => (self.words.step(Trie::ROOT, c).map(|n| self.words.value(n)), is_han(c)),
            _ => (self.words.get(piece), false),
        };
        match word.filter(|p| p.is_finite()) {
            Some(p) => p,
            // What `unknown_token_freq` gives one Han character, without a log.
            None if one_han => HAN_UNKNOWN,
            None => unknown_token_freq(piece).ln() - LN_TOTAL,
        }
    }
}

/// The score of a Han character no word is made of alone.
const HAN_UNKNOWN: f64 = -LN_TOTAL; // ln(1.0) - LN_TOTAL, see `unknown_token_freq`

/// Characters that words are made of: Han, ASCII letters and digits.
fn is_word_char(c: char) -> bool {
    is_han(c) || c.is_ascii_alphanumeric()
}

/// Where the token that is always possible at character `i` ends: a run
/// of ASCII letters and digits, markup, a run of spaces, or the character
/// alone.
fn always_token_end(chars: &[(usize, char)], i: usize) -> usize {
    let c = chars[i].1;
    if c.is_ascii_alphanumeric() {
        i + chars[i..].iter().take_while(|(_, c)| c.is_ascii_alphanumeric()).count()
    } else if let Some(len) = markup_len(&chars[i..]) {
        i + len
    } else if c == ' ' {
        i + chars[i..].iter().take_while(|(_, c)| *c == ' ').count()
    } else {
        i + 1
    }
}

impl Plausibility for WordFrequency {
    fn score(&self, text: &str) -> f64 {
        let mut simplified = String::with_capacity(text.len());
        simplified.extend(text.chars().map(simplified_char));
        self.best_segmentation(&simplified) - UNPAIRED * unpaired_brackets(&simplified) as f64
    }

    /// Scores each middle from the best segmentations of the two sides,
    /// computed once: a segmentation of the whole is one of `before`'s
    /// prefix, the tokens through the middle, and one of `after`'s suffix,
    /// and only the tokens through the middle depend on it. A one-character
    /// candidate then costs the few look-ups of the words through it, not a
    /// segmentation. Where a run of ASCII, markup or spaces could cross a
    /// joint, the whole text is scored.
    fn score_each(&self, before: &str, candidates: &[&str], after: &str) -> Vec<f64> {
        LAST_SIDES.with_borrow_mut(|last| {
            let model = self as *const WordFrequency as usize;
            let same = last.as_ref().is_some_and(|l| l.model == model && l.before == before && l.after == after);
            if !same {
                let simple_before: String = before.chars().map(simplified_char).collect();
                let simple_after: String = after.chars().map(simplified_char).collect();
                *last = Some(Sides {
                    model,
                    before: before.to_owned(),
                    after: after.to_owned(),
                    around: Around::new(self, &simple_before, &simple_after),
                    scratch: Scratch::default(),
                });
            }
            let Some(Sides { around, scratch, .. }) = last.as_mut() else { unreachable!("just set") };
            let mut middle = String::new();
            candidates
                .iter()
                .map(|candidate| {
                    middle.clear();
                    middle.extend(candidate.chars().map(simplified_char));
                    around
                        .score_middle(self, &middle, scratch)
                        .unwrap_or_else(|| self.score(&format!("{before}{candidate}{after}")))
                })
                .collect()
        })
    }
}

/// [`WordFrequency::shared`], built on the first score asked of it: most
/// clean texts hold no `?` and no annotation, and the repair then scores
/// nothing, so building the word map (a few milliseconds) would be wasted.
pub(crate) struct SharedOnFirstUse;

impl Plausibility for SharedOnFirstUse {
    fn score(&self, text: &str) -> f64 {
        WordFrequency::shared().score(text)
    }

    fn score_each(&self, before: &str, candidates: &[&str], after: &str) -> Vec<f64> {
        WordFrequency::shared().score_each(before, candidates, after)
    }
}

thread_local! {
    /// The sides of this thread's last [`WordFrequency::score_each`],
    /// segmented: the beam of a damaged stretch is pruned against the same
    /// left context at every step of the stretch (remembering it took 2% off
    /// the instructions of a 200-article book).
    static LAST_SIDES: std::cell::RefCell<Option<Sides>> = const { std::cell::RefCell::new(None) };
}

/// Two sides as given (before simplification), with their segmentations.
struct Sides {
    /// The model's address: the segmentations are that model's.
    model: usize,
    before: String,
    after: String,
    around: Around,
    scratch: Scratch,
}

/// The two sides of a hole, segmented once (see
/// [`WordFrequency::score_each`]); both already Simplified.
struct Around {
    /// Characters of `before`, with their byte offsets.
    before_chars: Vec<(usize, char)>,
    after_chars: Vec<(usize, char)>,
    /// `prefix[i]`: the best score of `before`'s first `i` characters.
    prefix: Vec<f64>,
    /// `suffix[j]`: the best score of `after` from its character `j` on.
    suffix: Vec<f64>,
    /// The starts (in characters of `before`) of the pieces running to its
    /// end that some word begins with: only they can go on through the
    /// hole, each with its node: a word or the beginning of one, as is
    /// every shorter piece from its start, so only what goes on past
    /// `before` needs looking up.
    reaching: Vec<(usize, Node)>,
    /// The [`unpaired_brackets`] of `before` then `after`: that of the
    /// whole when the middle holds no bracket and no line break (most
    /// candidates are one Han character).
    unpaired_around: usize,
}

/// Buffers [`Around::score_middle`] reuses from one candidate to the next:
/// a hole ranks up to 190 of them in one context.
#[derive(Default)]
struct Scratch {
    middle_chars: Vec<(usize, char)>,
    best: Vec<f64>,
}

impl Around {
    fn new(model: &WordFrequency, before: &str, after: &str) -> Around {
        let before_chars: Vec<(usize, char)> = before.char_indices().collect();
        let after_chars: Vec<(usize, char)> = after.char_indices().collect();
        let n = before_chars.len();
        let byte_at = |i: usize| before_chars.get(i).map_or(before.len(), |&(b, _)| b);
        // Left to right over the same tokens as `segmentation_looking_ahead`.
        let mut prefix = vec![f64::NEG_INFINITY; n + 1];
        prefix[0] = 0.0;
        for i in 0..n {
            if prefix[i] == f64::NEG_INFINITY {
                continue;
            }
            let end = always_token_end(&before_chars, i);
            let token = model.token_score(&before[byte_at(i)..byte_at(end)]);
            prefix[end] = prefix[end].max(prefix[i] + token);
            let c = before_chars[i].1;
            if is_word_char(c) {
                let mut node = Trie::ROOT;
                for j in i + 1..=(i + model.longest_word_from(c)).min(n) {
                    let next = before_chars[j - 1].1;
                    if !is_word_char(next) {
                        break;
                    }
                    match model.words.step(node, next) {
                        Some(piece) => {
                            node = piece;
                            prefix[j] = prefix[j].max(prefix[i] + model.words.value(piece));
                        }
                        None => break,
                    }
                }
            }
        }
        let reaching = (n.saturating_sub(model.max_chars)..n)
            .filter(|&i| {
                prefix[i] > f64::NEG_INFINITY
                    && i + model.longest_word_from(before_chars[i].1) > n
                    && before_chars[i..].iter().all(|&(_, c)| is_word_char(c))
            })
            .filter_map(|i| Some((i, model.words.find(&before[byte_at(i)..])?)))
            .collect();
        let suffix = model.suffix_scores(after, |c| model.longest_word_from(c), true);
        let unpaired_around = unpaired_brackets_in(before.chars().chain(after.chars()));
        Around { before_chars, after_chars, prefix, suffix, reaching, unpaired_around }
    }

    /// The score of the whole with `middle` (Simplified) between the two
    /// sides, if the sides' segmentations hold for it: no token but a word
    /// may cross from one part into the next (a run of ASCII, markup or
    /// spaces could). `None`: score the whole text instead.
    ///
    /// Left to right from the best scores of `before`'s prefixes, over the
    /// tokens that start at the pieces of `before` reaching its end or in
    /// `middle`; a token that ends in `after` closes with the best score of
    /// `after` from there.
    fn score_middle(&self, model: &WordFrequency, middle: &str, scratch: &mut Scratch) -> Option<f64> {
        let (first, last) = (middle.chars().next()?, middle.chars().next_back()?);
        let before_last = self.before_chars.last().map(|&(_, c)| c);
        let after_first = self.after_chars.first().map(|&(_, c)| c);
        let seals = |left: Option<char>, right: char| left.is_none_or(|l| !l.is_ascii()) || is_han(right);
        if !seals(before_last, first) || after_first.is_some_and(|a| !seals(Some(last), a)) {
            return None;
        }
        let n = self.before_chars.len();
        // A Han character no word holds: no word covers it, so the best
        // segmentation is the best of each side around it as a token alone
        // (and, being no bracket, it pairs none).
        if first == last && middle.len() == first.len_utf8() && is_han(first) && !model.in_some_word(first) {
            return Some(self.prefix[n] + HAN_UNKNOWN + self.suffix[0] - UNPAIRED * self.unpaired_around as f64);
        }
        let Scratch { middle_chars, best } = scratch;
        middle_chars.clear();
        middle_chars.extend(middle.char_indices());
        let middle_chars = &*middle_chars;
        let m = middle_chars.len();
        best.clear();
        best.resize(m + 1, f64::NEG_INFINITY);
        let mut walk = Walk { before: n, middle: m, best, total: f64::NEG_INFINITY, suffix: &self.suffix };
        walk.best[0] = self.prefix[n];
        // The characters of the whole by position.
        let char_at = |p: usize| -> Option<char> {
            if p < n {
                Some(self.before_chars[p].1)
            } else if p < n + m {
                Some(middle_chars[p - n].1)
            } else {
                self.after_chars.get(p - n - m).map(|&(_, c)| c)
            }
        };
        // The words from position `p`, reached with the score `at_p`; the
        // piece of `before` from `p` is `known`, when `p` is in `before`.
        let words_from = |walk: &mut Walk, p: usize, at_p: f64, known: Node| {
            let Some(c) = char_at(p).filter(|&c| is_word_char(c)) else { return };
            let limit = p + model.longest_word_from(c);
            let mut node = known;
            let mut q = p.max(n);
            while q < limit {
                let Some(next) = char_at(q).filter(|&x| is_word_char(x)) else { break };
                q += 1;
                // Every piece looked up ends past `before` (the pieces that
                // end inside it are in its prefix scores already).
                match model.words.step(node, next) {
                    Some(piece) => {
                        node = piece;
                        walk.close(at_p, q, model.words.value(piece));
                    }
                    None => break,
                }
            }
        };
        for &(start, known) in &self.reaching {
            words_from(&mut walk, start, self.prefix[start], known);
        }
        for p in n..n + m {
            let at_p = walk.best[p - n];
            if at_p == f64::NEG_INFINITY {
                continue;
            }
            let end = n + always_token_end(middle_chars, p - n);
            let to = middle_chars.get(end - n).map_or(middle.len(), |&(b, _)| b);
            walk.close(at_p, end, model.token_score(&middle[middle_chars[p - n].0..to]));
            words_from(&mut walk, p, at_p, Trie::ROOT);
        }
        let total = walk.total.max(walk.best[m] + self.suffix[0]);
        let unpaired = if middle.chars().any(|c| c == '\n' || is_bracket(c)) {
            unpaired_brackets_in(
                self.before_chars
                    .iter()
                    .map(|&(_, c)| c)
                    .chain(middle.chars())
                    .chain(self.after_chars.iter().map(|&(_, c)| c)),
            )
        } else {
            self.unpaired_around
        };
        Some(total - UNPAIRED * unpaired as f64)
    }
}

/// The left-to-right pass of [`Around::score_middle`]: tokens end in the
/// middle (`best`, by position from its start) or in `after` (closed into
/// `total` with `after`'s suffix scores).
struct Walk<'s> {
    before: usize,
    middle: usize,
    best: &'s mut [f64],
    total: f64,
    suffix: &'s [f64],
}

impl Walk<'_> {
    /// A token ending before position `q` of the whole, reached with `at`.
    fn close(&mut self, at: f64, q: usize, token: f64) {
        if q <= self.before + self.middle {
            let slot = &mut self.best[q - self.before];
            *slot = slot.max(at + token);
        } else {
            self.total = self.total.max(at + token + self.suffix[q - self.before - self.middle]);
        }
    }
}

/// What a bracket without its partner costs (in the model's log units):
/// quotes and book-title marks come in pairs, which a model of single words
/// cannot see (`所以《春秋》` reads better than `所以於春秋》`).
const UNPAIRED: f64 = 6.0;

/// Closing brackets with no opening one of their kind before them, and
/// opening ones still open at a line break (one that nothing closes before
/// the text's end is not counted: the text may go on). Kinds: `“”`, `‘’`,
/// `《》`, `「」`, `『』`, `（）`, `【】`.
fn unpaired_brackets(text: &str) -> usize {
    unpaired_brackets_in(text.chars())
}

/// [`unpaired_brackets`] of a text given as its characters.
fn unpaired_brackets_in(chars: impl Iterator<Item = char>) -> usize {
    let mut open = [0usize; PAIRS.len()];
    let mut unpaired = 0;
    for c in chars {
        // At a line's end, what is still open stays unpaired.
        if c == '\n' {
            unpaired += open.iter().sum::<usize>();
            open = [0; PAIRS.len()];
            continue;
        }
        for (k, &(o, close)) in PAIRS.iter().enumerate() {
            if c == o {
                open[k] += 1;
            } else if c == close {
                if open[k] > 0 {
                    open[k] -= 1;
                } else {
                    unpaired += 1;
                }
            }
        }
    }
    unpaired
}

/// The brackets [`unpaired_brackets`] pairs.
const PAIRS: [(char, char); 7] =
    [('“', '”'), ('‘', '’'), ('《', '》'), ('「', '」'), ('『', '』'), ('（', '）'), ('【', '】')];

/// Whether `c` is one of the [`PAIRS`].
fn is_bracket(c: char) -> bool {
    PAIRS.iter().any(|&(o, close)| c == o || c == close)
}

/// The length in characters of an HTML tag (`</p>`, `<br/>`) or character
/// reference (`&rdquo;`, `&#8220;`) at the start of `chars`: scraped text
/// keeps them, and each is one token, as common as a Latin word. (A damaged
/// stretch that ends in markup swallows its first character: `?/p>` is
/// `</p>` far more often than ` /p>`.)
fn markup_len(chars: &[(usize, char)]) -> Option<usize> {
    let (open, close, inner): (char, char, fn(char) -> bool) = match chars.first()?.1 {
        '<' => ('<', '>', |c| c.is_ascii_graphic() && c != '<' || c == ' '),
        '&' => ('&', ';', |c| c.is_ascii_alphanumeric() || c == '#'),
        _ => return None,
    };
    let body = chars[1..].iter().take(40).take_while(|(_, c)| *c != close && inner(*c)).count();
    let first = chars.get(1)?.1;
    let starts_well = match open {
        '<' => first.is_ascii_alphabetic() || first == '/' || first == '!',
        _ => first.is_ascii_alphabetic() || first == '#',
    };
    (body > 0 && starts_well && chars.get(1 + body).is_some_and(|(_, c)| *c == close)).then_some(body + 2)
}

/// Whether a run of ASCII letters and digits mixes them as words and numbers
/// rarely do: digits then three or more letters (`0FreeBSD`), or letters
/// and digits alternating more than once (`a1b2`). `5G`, `3D`, `MP3`, `No7`
/// and `G22` are ordinary.
fn odd_mix(token: &[u8]) -> bool {
    let changes = token.windows(2).filter(|w| w[0].is_ascii_digit() != w[1].is_ascii_digit()).count();
    let leading_digits = token.iter().take_while(|b| b.is_ascii_digit()).count();
    changes > 1 || (leading_digits > 0 && token.len() - leading_digits >= 3)
}

/// A pseudo-frequency for what jieba's dictionary does not hold: punctuation
/// is among the most frequent tokens of any Chinese text; Latin words and
/// numbers are common in news; an unknown Han character is rare; a lone
/// Latin letter between Han characters (`獒t`) is rarer still in real text
/// but typical of a misaligned byte stream, as are symbols, kana, and
/// private-use characters, which are almost never real text.
fn unknown_token_freq(token: &str) -> f64 {
    let mut chars = token.chars();
    let (Some(c), None) = (chars.next(), chars.next()) else {
        // jieba keeps a run of ASCII letters and digits together; markup is
        // one token too.
        let markup =
            (token.starts_with('<') && token.ends_with('>')) || (token.starts_with('&') && token.ends_with(';'));
        // A number written with a leading zero (`07`) is rare outside dates
        // and codes.
        let bytes = token.as_bytes();
        let leading_zero = bytes.len() > 1 && bytes[0] == b'0' && bytes[1].is_ascii_digit();
        // Two letters not both capitals (`Pl`, `kx`): the trail of a
        // shifted pair and a stray letter far more often than a word.
        let odd_pair =
            bytes.len() == 2 && bytes.iter().all(u8::is_ascii_alphabetic) && !bytes.iter().all(u8::is_ascii_uppercase);
        return match (
            markup || token.chars().all(|c| c.is_ascii_alphanumeric()),
            leading_zero || odd_mix(bytes) || odd_pair,
        ) {
            (true, false) => 1e4,
            (true, true) => 1e2,
            (false, _) => 1.0,
        };
    };
    match c {
        // A capital letter before Chinese is common in modern text (A股,
        // X光, B超); a lone small letter is noise.
        c if c.is_ascii_uppercase() => 1e3,
        c if c.is_ascii_alphabetic() => 1e2,
        // Rough shares in news text: ， and 。 lead, the rest follow.
        '，' => 2e6,
        '。' => 1e6,
        '、' | '“' | '”' => 3e5,
        '：' => 2e5,
        '；' | '？' | '（' | '）' | '《' | '》' => 5e4,
        '！' | '「' | '」' => 3e4,
        '‘' | '’' | '…' | '—' | '·' => 1e4,
        '『' | '』' | '【' | '】' => 5e3,
        // Scraped Chinese text has its full-width marks folded to ASCII:
        // `,` and `?` there are `，` and `？` (and `2,000` is rarer).
        ',' => 1e6,
        ':' => 1e5,
        '?' | ';' | '(' | ')' => 5e4,
        '!' => 3e4,
        // Marks that Chinese prose hardly uses.
        '_' | '^' | '[' | ']' | '{' | '}' | '|' | '~' | '`' | '@' | '\\' => 1e2,
        c if c.is_ascii_alphanumeric() || c.is_ascii_punctuation() || c == ' ' => 1e4,
        c if crate::normalize::readings::is_han(c) => 1.0,
        // A character the repair has not chosen yet: scored as an ordinary
        // one, so that the readings it belongs to are judged on the rest.
        '\u{FFFC}' => 1e3,
        _ => 0.01,
    }
}

impl std::fmt::Debug for WordFrequency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "WordFrequency({} words of jieba's dictionary)", self.words.word_values().count())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_word_list_loads_whole() {
        for line in WORDS.lines() {
            let (word, freq) = line.split_once(' ').expect("`word frequency`");
            assert!(!word.is_empty() && freq.parse::<u64>().is_ok(), "{line}");
        }
        let m = WordFrequency::shared();
        assert_eq!(m.words.word_values().count(), 50_000);
        assert!(m.words.get("医生").is_some_and(f64::is_finite) && m.words.get("边际").is_some_and(f64::is_finite));
    }

    proptest::proptest! {
        /// Looking only as far as the longest word from each character,
        /// and no further than a piece some word begins with, gives the same
        /// best score as looking as far as the longest word.
        #[test]
        fn bounded_look_ups_change_no_score(text in "[中华人民共和国大会模型智能研究院的是在了AGI 1，。]{0,40}") {
            let m = WordFrequency::shared();
            let unbounded = m.segmentation_looking_ahead(&text, |_| m.max_chars, false);
            proptest::prop_assert_eq!(m.best_segmentation(&text), unbounded);
        }
    }

    proptest::proptest! {
        /// Scoring candidates around a shared context gives what scoring
        /// each whole text gives (to rounding: the sums are taken in
        /// another order).
        #[test]
        fn scores_in_a_shared_context_are_whole_scores(
            before in "[中华人民共和國大會模型智能研究院的是在了為醫生《》“AGI 1，。<p>]{0,14}",
            after in "[中华人民共和國大會模型智能研究院的是在了為醫生《》”AGI 1，。</p>\n]{0,14}",
            candidates in proptest::collection::vec(
                "[中国大会為醫獒鼷的t1，。\u{FFFC}]|[生模]{2}|[中华人民共和國大會型智能AGI 1，。<p>（）“”\n]{0,8}",
                1..8,
            ),
        ) {
            let m = WordFrequency::shared();
            let each: Vec<&str> = candidates.iter().map(String::as_str).collect();
            let scores = m.score_each(&before, &each, &after);
            for (c, got) in candidates.iter().zip(scores) {
                let want = m.score(&format!("{before}{c}{after}"));
                proptest::prop_assert!((got - want).abs() < 1e-9, "{before}|{c}|{after}: {got} vs {want}");
            }
        }
    }

    #[test]
    fn a_middle_between_sealed_sides_is_scored_from_them() {
        let m = WordFrequency::shared();
        let around = Around::new(m, "因为医", "说的AGI");
        let mut scratch = Scratch::default();
        // 鼷 is in no word: scored from the two sides alone.
        assert!(!m.in_some_word('鼷') && m.in_some_word('生'));
        for middle in ["生", "生今天", "生A股", "獒t今天", "“模型”来", "》", "鼷"] {
            let got = around.score_middle(m, middle, &mut scratch).expect("sealed on both sides");
            let want = m.score(&format!("因为医{middle}说的AGI"));
            assert!((got - want).abs() < 1e-9, "{middle}: {got} vs {want}");
        }
        // ASCII on both sides of a boundary: a run may cross it.
        let around = Around::new(m, "实现A", "");
        assert!(around.score_middle(m, "GI", &mut scratch).is_none());
    }

    #[test]
    fn an_unknown_han_character_scores_as_the_table_says() {
        assert_eq!(HAN_UNKNOWN, unknown_token_freq("鼷").ln() - LN_TOTAL);
    }

    #[test]
    fn longest_words_by_first_character() {
        let m = WordFrequency::shared();
        assert!(m.longest_word_from('中') >= 2);
        assert_eq!(m.longest_word_from('，'), 0);
        for word in WORDS.lines().filter_map(|line| line.split(' ').next()) {
            let first = word.chars().next().unwrap();
            assert!(m.longest_word_from(first) >= word.chars().count(), "{word}");
        }
    }

    #[test]
    fn segmentation_takes_the_likeliest_words() {
        let m = WordFrequency::shared();
        let word = |w: &str| m.words.get(w).unwrap();
        let unknown = |w: &str| unknown_token_freq(w).ln() - LN_TOTAL;
        // 医生 is one word, likelier than 医 + 生.
        assert!((m.best_segmentation("医生") - word("医生")).abs() < 1e-9);
        // A Latin word is one token, punctuation one of its own.
        let want = word("实现") + unknown("AGI") + unknown("，");
        assert!((m.best_segmentation("实现AGI，") - want).abs() < 1e-9);
        assert_eq!(m.best_segmentation(""), 0.0);
    }

    #[test]
    fn real_words_beat_noise() {
        let m = WordFrequency::shared();
        assert!(m.score("因為醫生") > m.score("因為獒t"));
        assert!(m.score("大模型能夠把邊際成本") > m.score("榇竽P湍軌虬堰呺H成本"));
        assert!(m.score("天王崩。") > m.score("天王崩¤"));
        assert!(m.score("請完畢，夜裡") > m.score("請完畢が夜裡"));
        // A Latin word is news text; a letter split off it is noise.
        assert!(m.score("实现AGI") > m.score("实现汚GI"));
        assert!(m.score("以亂。") > m.score("以y。"));
    }
}
