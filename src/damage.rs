//! Reproduce the byte-shift annotation damage on clean text: for tests,
//! benchmarks, and anyone who wants to measure the repair on their own
//! corpus.
//!
//! The simulation follows what the site did (see
//! [`crate::normalize::repair`]):
//!
//! 1. choose the characters to annotate: about half of *all* the GBK
//!    characters that script conversion turns into a common Simplified
//!    character (GB2312 level 1) (the site annotated
//!    "converted" characters from a site-wide table, so the pairs that break
//!    an article belong mostly to characters it does not even contain: 驗
//!    and 驅 in the reference article);
//! 2. encode the text to GBK and, scanning left to right, insert
//!    `(reading)` after every byte pair that is an annotated character —
//!    including pairs that straddle two other characters;
//! 3. decode lossily: a lead byte followed by a byte that cannot be its trail
//!    becomes one `?`, consuming both;
//! 4. fold full-width forms (U+FF01–U+FF5E) to ASCII.
//!
//! ```
//! use zharchive::damage::{DamageOptions, Damager};
//! let damager = Damager::new(&DamageOptions::default());
//! let d = damager.damage("因為醫生是智力密度最高的職業之一。").unwrap();
//! assert!(d.text.contains('('));
//! ```

use pinyin::ToPinyin;

use crate::normalize::gbk::{decode_pair, decode_pair_raw, encode_char, GbkBytes};
use crate::normalize::script::{Conversion, Converter, OpenCc};

/// How to damage a text.
///
/// ```
/// use zharchive::damage::{damage, DamageOptions};
/// let text = "因為醫生是智力密度最高的職業之一。";
/// let none = DamageOptions { share: 0.0, ..DamageOptions::default() };
/// assert_eq!(damage(text, &none).unwrap().text, text);
/// // The same seed always damages the same way.
/// let seeded = DamageOptions { share: 0.5, seed: 2, ..Default::default() };
/// assert_eq!(damage(text, &seeded), damage(text, &seeded));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct DamageOptions {
    /// Share of the converted characters that get annotated (0.0–1.0).
    pub share: f64,
    /// Seed of the choice; the same seed always damages the same way.
    pub seed: u64,
    /// Annotate every byte offset of the original bytes, overlapping pairs
    /// included, as the plugin did on real pages (`編譯` → `編(biān)?jǐ)g`:
    /// both 編 and the straddled pair 幾 got their notes). Off, pairs are
    /// matched left to right without overlaps, which is enough to reproduce
    /// the reference article.
    pub overlapping: bool,
    /// Share of the full-width marks (GBK lead byte A1 or A3: `。`, `“`, `，`
    /// …) and of the characters whose trail byte is A3 (`海`) that lose their
    /// lead byte with no annotation at the loss: the lossy decoder writes `?`
    /// and reads on one byte out of step (`。可以說` → `??梢哉f`).
    pub lost_leads: f64,
    /// The lossy decoder drops pairs from GBK's user-defined rows instead of
    /// writing a private-use character: on real pages the bytes of such a
    /// pair inside a shifted run leave no trace.
    pub drop_private_use: bool,
}

impl DamageOptions {
    /// Every kind of damage seen on real pages: overlapping annotations,
    /// lost lead bytes of full-width marks, dropped user-defined pairs.
    ///
    /// ```
    /// use zharchive::damage::DamageOptions;
    /// let wild = DamageOptions::wild(7);
    /// assert!(wild.overlapping && wild.drop_private_use && wild.lost_leads > 0.0);
    /// assert_eq!(wild.seed, 7);
    /// ```
    pub fn wild(seed: u64) -> Self {
        DamageOptions { seed, overlapping: true, lost_leads: 0.08, drop_private_use: true, ..Default::default() }
    }
}

impl Default for DamageOptions {
    /// The reference article's damage: half the converted characters
    /// annotated, pairs matched left to right, no other loss.
    fn default() -> Self {
        DamageOptions { share: 0.5, seed: 0x5eed, overlapping: false, lost_leads: 0.0, drop_private_use: false }
    }
}

/// A damaged text.
///
/// ```
/// use zharchive::damage::{damage, DamageOptions};
/// let d = damage("因為醫生是智力密度最高的職業之一。", &DamageOptions { share: 0.5, seed: 2, ..Default::default() }).unwrap();
/// // 驗 (F2 9E) straddles 因為, so 為 loses its lead byte to a `?`.
/// assert_eq!(d.text, "因?yàn)獒t(yī)生是智力密度最高的職業之一。");
/// assert_eq!((d.annotations, d.lost_bytes), (2, 1));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damaged {
    /// The text as the site would have served it.
    pub text: String,
    /// How many annotations were inserted.
    pub annotations: usize,
    /// How many `?` the lossy decoder produced (straddling annotations).
    pub lost_bytes: usize,
    /// What else happened, by kind.
    pub events: DamageEvents,
}

/// Counts of the kinds of damage one text took, to tell which class of
/// damage a repair rate measures.
///
/// ```
/// use zharchive::damage::{DamageOptions, Damager};
/// let damager = Damager::new(&DamageOptions { share: 0.0, lost_leads: 1.0, ..DamageOptions::default() });
/// let d = damager.damage("結束了。可以說").unwrap();
/// assert_eq!(d.events.lost_leads, 1);
/// assert_eq!(d.events.swallowed_ascii, 0);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DamageEvents {
    /// Notes inserted after a pair that overlaps another annotated pair.
    pub overlaps: usize,
    /// Lead bytes lost with no annotation.
    pub lost_leads: usize,
    /// User-defined pairs the decoder dropped.
    pub dropped_pairs: usize,
    /// Original ASCII bytes (a digit, a space, a `<` …) that a `?` read out
    /// of step swallowed: no repair can know them for sure.
    pub swallowed_ascii: usize,
    /// Original ASCII bytes (a Latin letter, `\`, `@` …) read out of step as
    /// the trail byte of a character.
    pub ascii_trails: usize,
    /// Lead bytes read alone at the end of the text, written as `?`: their
    /// value is lost.
    pub lone_bytes: usize,
}

/// The site's annotation table, built once: for each GBK pair of an
/// annotated character, the GBK bytes of `(reading)`.
///
/// ```
/// use zharchive::damage::{DamageOptions, Damager};
/// use zharchive::{Options, TargetScript};
/// let damager = Damager::new(&DamageOptions { share: 0.5, seed: 2, ..Default::default() });
/// let damaged = damager.damage("因為醫生是智力密度最高的職業之一。").unwrap();
/// // The pipeline undoes the damage.
/// let opts = Options { script: TargetScript::Keep, ..Options::default() };
/// let article = zharchive::normalize(format!("標題\n\n{}", damaged.text).as_bytes(), &opts)?;
/// assert_eq!(article.body_text(), "因為醫生是智力密度最高的職業之一。");
/// # Ok::<(), zharchive::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Damager {
    notes: Vec<Option<Box<[u8]>>>,
    options: DamageOptions,
}

impl Damager {
    /// Build the table (every GBK character that OpenCC `t2s` changes is a
    /// candidate; `options.share` of them are chosen).
    ///
    /// ```
    /// use zharchive::damage::{DamageOptions, Damager};
    /// let text = "會議在臺北舉行。";
    /// let all = Damager::new(&DamageOptions { share: 1.0, ..DamageOptions::default() });
    /// let none = Damager::new(&DamageOptions { share: 0.0, ..DamageOptions::default() });
    /// assert_eq!(none.damage(text).unwrap().annotations, 0);
    /// assert!(all.damage(text).unwrap().annotations >= 3); // 會, 議, 舉 at least
    /// ```
    pub fn new(options: &DamageOptions) -> Self {
        let mut candidates = Vec::new();
        for lead in 0x81u8..=0xFE {
            for trail in 0x40u8..=0xFE {
                if let Some(c) = decode_pair(lead, trail) {
                    if crate::normalize::readings::is_han(c) {
                        candidates.push((lead, trail, c));
                    }
                }
            }
        }
        let joined: String = candidates.iter().map(|&(_, _, c)| c).collect();
        let simplified: Vec<char> = OpenCc::shared().convert(&joined, Conversion::T2s).chars().collect();
        let mut notes = vec![None; 1 << 16];
        if simplified.len() == candidates.len() {
            for (&(lead, trail, c), s) in candidates.iter().zip(&simplified) {
                if c == *s || !is_common(*s) || !chosen(c, options) {
                    continue;
                }
                let Some(reading) = c.to_pinyin() else { continue };
                let mut note = vec![b'('];
                for r in reading.with_tone().chars() {
                    match encode_char(r) {
                        Some(GbkBytes::One(x)) => note.push(x),
                        Some(GbkBytes::Two(x, y)) => note.extend([x, y]),
                        None => {}
                    }
                }
                note.push(b')');
                notes[usize::from(lead) << 8 | usize::from(trail)] = Some(note.into_boxed_slice());
            }
        }
        Damager { notes, options: options.clone() }
    }

    /// Damage `text` (which should be Traditional Chinese, as the site's
    /// was).
    ///
    /// Returns `None` if GBK cannot hold some character of `text` (the damage
    /// would also lose it, which makes the text useless for measuring the
    /// repair).
    ///
    /// ```
    /// use zharchive::damage::{DamageOptions, Damager};
    /// let damager = Damager::new(&DamageOptions::default());
    /// let d = damager.damage("會議在臺北舉行。").unwrap();
    /// assert_eq!(d.text, "會(huì)議(yì)在臺北舉(jǔ)行。");
    /// assert!(damager.damage("會議😀").is_none()); // GBK has no emoji
    /// ```
    pub fn damage(&self, text: &str) -> Option<Damaged> {
        self.damage_span(text, 0..text.len())
    }

    /// Damage only the characters of `text` in the byte range `span` (the
    /// annotations matched there, the lead bytes lost there), and decode the
    /// whole text: a stretch knocked out of step runs on past the span as it
    /// would. For measuring the repair one damaged stretch at a time, with
    /// its real surroundings.
    ///
    /// Returns `None` if GBK cannot hold some character of `text`, or
    /// `span` does not fall on character boundaries.
    ///
    /// ```
    /// use zharchive::damage::{DamageOptions, Damager};
    /// let damager = Damager::new(&DamageOptions { share: 0.0, lost_leads: 1.0, ..DamageOptions::default() });
    /// let text = "結束了。可以說。";
    /// let first = damager.damage_span(text, 0..12).unwrap();
    /// // The first 。 lost its lead byte; the stretch it shifted runs into
    /// // the clean sentence after it; the second 。 is whole.
    /// assert!(first.text.starts_with("結束了??梢哉f"));
    /// assert!(first.text.ends_with('。'));
    /// ```
    pub fn damage_span(&self, text: &str, span: std::ops::Range<usize>) -> Option<Damaged> {
        if !text.is_char_boundary(span.start) || !text.is_char_boundary(span.end.min(text.len())) {
            return None;
        }
        let mut bytes = Vec::with_capacity(text.len() * 2);
        // Where each two-byte character starts (for the lost lead bytes,
        // those in `span` only), and `span` in GBK bytes.
        let mut leads = Vec::new();
        let mut within = 0..0;
        for (at, c) in text.char_indices() {
            if at == span.start {
                within.start = bytes.len();
            }
            match encode_char(c)? {
                GbkBytes::One(b) => bytes.push(b),
                GbkBytes::Two(a, b) => {
                    leads.push(bytes.len());
                    bytes.extend([a, b]);
                }
            }
            if at < span.end {
                within.end = bytes.len();
            }
        }
        let (bytes, original, annotations, mut events) = self.annotate(&bytes, &leads, within);
        let (decoded, lost_bytes) = lossy_decode(&bytes, &original, self.options.drop_private_use, &mut events);
        let text = decoded
            .chars()
            .map(|c| match c as u32 {
                0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                _ => c,
            })
            .collect();
        Some(Damaged { text, annotations, lost_bytes, events })
    }

    /// Byte-level find-and-replace: after every annotated pair, insert its
    /// note (pairs matched at every offset, or left to right without
    /// overlaps); after the lead byte of a character chosen to lose it,
    /// insert [`LOST`].
    /// Also returns which output bytes are the source's one-byte characters
    /// (ASCII), as opposed to bytes of two-byte characters or inserted ones.
    /// Pairs are matched only where they start in `within`.
    fn annotate(
        &self,
        bytes: &[u8],
        leads: &[usize],
        within: std::ops::Range<usize>,
    ) -> (Vec<u8>, Vec<bool>, usize, DamageEvents) {
        let note_at = |i: usize| {
            bytes.get(i + 1).and_then(|&t| self.notes[usize::from(bytes[i]) << 8 | usize::from(t)].as_deref())
        };
        let mut events = DamageEvents::default();
        // The notes to insert after each byte.
        let mut after: Vec<Option<&[u8]>> = vec![None; bytes.len()];
        let mut count = 0;
        let mut i = within.start;
        while i + 1 < bytes.len() && i < within.end {
            match note_at(i) {
                Some(note) => {
                    after[i + 1] = Some(note);
                    count += 1;
                    if i > 0 && after[i].is_some() {
                        events.overlaps += 1;
                    }
                    i += if self.options.overlapping { 1 } else { 2 };
                }
                None => i += 1,
            }
        }
        let mut lost = vec![false; bytes.len()];
        if self.options.lost_leads > 0.0 {
            for &at in leads.iter().filter(|&&at| within.contains(&at)) {
                let (lead, trail) = (bytes[at], bytes[at + 1]);
                let mark = lead == 0xA1 || lead == 0xA3 || trail == 0xA3;
                if mark && chosen_at(at as u64, self.options.seed, self.options.lost_leads) {
                    lost[at] = true;
                    events.lost_leads += 1;
                }
            }
        }
        let mut single = vec![true; bytes.len()];
        for &at in leads {
            single[at] = false;
            single[at + 1] = false;
        }
        let mut out = Vec::with_capacity(bytes.len() * 2);
        let mut original = Vec::with_capacity(bytes.len() * 2);
        for (k, &b) in bytes.iter().enumerate() {
            out.push(b);
            original.push(single[k]);
            if lost[k] {
                out.push(LOST);
                original.push(false);
            }
            if let Some(note) = after[k] {
                out.extend_from_slice(note);
                original.extend(std::iter::repeat_n(false, note.len()));
            }
        }
        (out, original, count, events)
    }
}

/// The byte inserted after a lead byte that is lost with no annotation: not
/// a trail byte, so the lossy decoder swallows it with the lead (`?`), and
/// invisible where it is read alone.
const LOST: u8 = 0x00;

/// [`Damager::new`] then [`Damager::damage`], for one text.
///
/// ```
/// use zharchive::damage::{damage, DamageOptions, Damager};
/// let options = DamageOptions::default();
/// let text = "與會者討論了經濟與環境問題。";
/// assert_eq!(damage(text, &options), Damager::new(&options).damage(text));
/// assert!(damage(text, &options).unwrap().annotations > 0);
/// ```
pub fn damage(text: &str, options: &DamageOptions) -> Option<Damaged> {
    Damager::new(options).damage(text)
}

/// Whether `c` is a common character: in GB2312's level 1 (the 3,755 most
/// used Hanzi, GBK B0A1–D7F9). The site annotated the Traditional forms of
/// such characters, not rare ones.
fn is_common(c: char) -> bool {
    matches!(encode_char(c), Some(GbkBytes::Two(0xB0..=0xD7, 0xA1..=0xFE)))
}

/// Whether `c` is among the annotated characters (a hash of the character
/// and the seed, so the choice is stable and spread evenly).
fn chosen(c: char, options: &DamageOptions) -> bool {
    chosen_at(c as u64, options.seed, options.share)
}

/// A stable, evenly spread choice of `key` with probability `share`.
fn chosen_at(key: u64, seed: u64, share: f64) -> bool {
    let mut x = key ^ seed;
    // splitmix64
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 31;
    (x as f64 / u64::MAX as f64) < share
}

/// The lossy decoder: a lead byte with an impossible trail becomes one `?`
/// and both bytes are consumed; as in encoding_rs, a lone 0x80 is `€`.
/// User-defined pairs decode to the Private Use Area, or nothing when
/// `drop_private_use`; a [`LOST`] byte read alone leaves no trace.
/// `ascii[i]`: whether `bytes[i]` is one of the source's one-byte characters
/// (to count what the decoder did to them in `events`).
fn lossy_decode(bytes: &[u8], ascii: &[bool], drop_private_use: bool, events: &mut DamageEvents) -> (String, usize) {
    let mut out = String::with_capacity(bytes.len());
    let mut lost = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == LOST {
            i += 1;
        } else if b < 0x80 {
            out.push(b as char);
            i += 1;
        } else if b == 0x80 {
            // encoding_rs (WHATWG) reads a lone 0x80 as the euro sign.
            out.push('€');
            i += 1;
        } else if let Some(c) = bytes.get(i + 1).and_then(|&t| decode_pair_raw(b, t)) {
            if ascii.get(i + 1).copied().unwrap_or(false) {
                events.ascii_trails += 1;
            }
            if drop_private_use && ('\u{E000}'..='\u{F8FF}').contains(&c) {
                events.dropped_pairs += 1;
            } else {
                out.push(c);
            }
            i += 2;
        } else {
            out.push('?');
            lost += 1;
            if i + 1 >= bytes.len() {
                events.lone_bytes += 1;
            }
            if let Some(&next) = bytes.get(i + 1) {
                if next < 0x80 && ascii.get(i + 1).copied().unwrap_or(false) {
                    events.swallowed_ascii += 1;
                }
            }
            i += 2;
        }
    }
    (out, lost)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reproduces_the_reference_damage() {
        // With 驗 and 醫 annotated, 因為醫生 breaks exactly as in the article.
        let mut bytes = Vec::new();
        for c in "因為醫生".chars() {
            if let Some(GbkBytes::Two(a, b)) = encode_char(c) {
                bytes.extend([a, b]);
            }
        }
        let mut notes = vec![None; 1 << 16];
        notes[0xF29E] = Some(vec![b'(', b'y', 0xA8, 0xA4, b'n', b')'].into_boxed_slice());
        notes[0xE174] = Some(vec![b'(', b'y', 0xA8, 0xA9, b')'].into_boxed_slice());
        let damager = Damager { notes, options: DamageOptions::default() };
        let len = bytes.len();
        let (bytes, original, count, _) = damager.annotate(&bytes, &[0, 2, 4, 6], 0..len);
        assert_eq!(count, 2);
        let (text, lost) = lossy_decode(&bytes, &original, false, &mut DamageEvents::default());
        assert_eq!(lost, 1);
        assert!(text.starts_with("因?y"), "{text}");
        assert!(text.ends_with("獒t(yī)生"), "{text}");
    }

    fn decode(bytes: &[u8], original: &[bool], drop_private_use: bool) -> String {
        lossy_decode(bytes, original, drop_private_use, &mut DamageEvents::default()).0
    }

    fn gbk(text: &str) -> (Vec<u8>, Vec<usize>) {
        let (mut bytes, mut leads) = (Vec::new(), Vec::new());
        for c in text.chars() {
            match encode_char(c) {
                Some(GbkBytes::Two(a, b)) => {
                    leads.push(bytes.len());
                    bytes.extend([a, b]);
                }
                Some(GbkBytes::One(b)) => bytes.push(b),
                None => panic!("{c} is not GBK"),
            }
        }
        (bytes, leads)
    }

    fn note(reading: &str) -> Option<Box<[u8]>> {
        let mut note = vec![b'('];
        for c in reading.chars() {
            match encode_char(c) {
                Some(GbkBytes::One(x)) => note.push(x),
                Some(GbkBytes::Two(x, y)) => note.extend([x, y]),
                None => {}
            }
        }
        note.push(b')');
        Some(note.into_boxed_slice())
    }

    #[test]
    fn overlapping_pairs_both_get_their_notes() {
        // 編譯 = BE 8E D7 67; 編 (BE 8E) and 幾 (8E D7) overlap.
        let (bytes, leads) = gbk("編譯");
        let mut notes = vec![None; 1 << 16];
        notes[0xBE8E] = note("biān");
        notes[0x8ED7] = note("jǐ");
        let overlapping = DamageOptions { overlapping: true, ..DamageOptions::default() };
        let damager = Damager { notes: notes.clone(), options: overlapping };
        let (damaged, original, count, events) = damager.annotate(&bytes, &leads, 0..bytes.len());
        assert_eq!((count, events.overlaps), (2, 1));
        assert_eq!(decode(&damaged, &original, false), "編(biān)?jǐ)g");
        // Left to right, the second pair is never seen.
        let damager = Damager { notes, options: DamageOptions::default() };
        let (damaged, original, _, _) = damager.annotate(&bytes, &leads, 0..bytes.len());
        assert_eq!(decode(&damaged, &original, false), "編(biān)譯");
    }

    #[test]
    fn a_lost_lead_byte_knocks_the_rest_out_of_step() {
        // 。可以說: the lead byte of 。 is lost; the decoder reads A3 BF (？),
        // C9 D2 (梢), D4 D5 (哉), then `f`.
        let options = DamageOptions { lost_leads: 1.0, share: 0.0, ..DamageOptions::default() };
        let d = Damager::new(&options).damage("。可以說").unwrap();
        assert_eq!(d.text, "??梢哉f");
        assert_eq!((d.annotations, d.lost_bytes), (0, 1));
    }

    #[test]
    fn user_defined_pairs_can_vanish() {
        // 十 = CA AE: read one byte over, AE C8 (of 十三) is a user-defined pair.
        let (bytes, _) = gbk("十三");
        let shifted = &bytes[1..];
        let original = vec![true; shifted.len()];
        let kept = decode(shifted, &original, false);
        assert!(kept.chars().next().is_some_and(|c| ('\u{E000}'..='\u{F8FF}').contains(&c)), "{kept:?}");
        assert_eq!(decode(shifted, &original, true), "?"); // FD alone at the end
    }

    #[test]
    fn deterministic() {
        let t = "會議在臺北舉行，與會者討論了經濟與環境問題。";
        let d = Damager::new(&DamageOptions::default());
        assert_eq!(d.damage(t), damage(t, &DamageOptions::default()));
        assert!(d.damage(t).is_some_and(|x| x.annotations > 3));
    }
}
