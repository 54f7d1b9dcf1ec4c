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
/// let seeded = DamageOptions { share: 0.5, seed: 2 };
/// assert_eq!(damage(text, &seeded), damage(text, &seeded));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct DamageOptions {
    /// Share of the converted characters that get annotated (0.0–1.0).
    pub share: f64,
    /// Seed of the choice; the same seed always damages the same way.
    pub seed: u64,
}

impl Default for DamageOptions {
    fn default() -> Self {
        DamageOptions { share: 0.5, seed: 0x5eed }
    }
}

/// A damaged text.
///
/// ```
/// use zharchive::damage::{damage, DamageOptions};
/// let d = damage("因為醫生是智力密度最高的職業之一。", &DamageOptions { share: 0.5, seed: 2 }).unwrap();
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
}

/// The site's annotation table, built once: for each GBK pair of an
/// annotated character, the GBK bytes of `(reading)`.
///
/// ```
/// use zharchive::damage::{DamageOptions, Damager};
/// use zharchive::{Options, TargetScript};
/// let damager = Damager::new(&DamageOptions { share: 0.5, seed: 2 });
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
        Damager { notes }
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
        let mut bytes = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            match encode_char(c)? {
                GbkBytes::One(b) => bytes.push(b),
                GbkBytes::Two(a, b) => bytes.extend([a, b]),
            }
        }
        let (bytes, annotations) = self.annotate(&bytes);
        let (decoded, lost_bytes) = lossy_decode(&bytes);
        let text = decoded
            .chars()
            .map(|c| match c as u32 {
                0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                _ => c,
            })
            .collect();
        Some(Damaged { text, annotations, lost_bytes })
    }

    /// Byte-level find-and-replace: after every annotated pair (scanning left
    /// to right, without overlaps), insert its note.
    fn annotate(&self, bytes: &[u8]) -> (Vec<u8>, usize) {
        let mut out = Vec::with_capacity(bytes.len() * 2);
        let mut count = 0;
        let mut i = 0;
        while i < bytes.len() {
            let note = bytes.get(i + 1).and_then(|&t| self.notes[usize::from(bytes[i]) << 8 | usize::from(t)].as_ref());
            match note {
                Some(note) => {
                    out.extend_from_slice(&bytes[i..i + 2]);
                    out.extend_from_slice(note);
                    count += 1;
                    i += 2;
                }
                None => {
                    out.push(bytes[i]);
                    i += 1;
                }
            }
        }
        (out, count)
    }
}

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
    let mut x = (c as u64) ^ options.seed;
    // splitmix64
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 31;
    (x as f64 / u64::MAX as f64) < options.share
}

/// The lossy decoder: a lead byte with an impossible trail becomes one `?`
/// and both bytes are consumed; as in encoding_rs, user-defined pairs decode
/// to the Private Use Area and a lone 0x80 to `€`.
fn lossy_decode(bytes: &[u8]) -> (String, usize) {
    let mut out = String::with_capacity(bytes.len());
    let mut lost = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            out.push(b as char);
            i += 1;
        } else if b == 0x80 {
            // encoding_rs (WHATWG) reads a lone 0x80 as the euro sign.
            out.push('€');
            i += 1;
        } else if let Some(c) = bytes.get(i + 1).and_then(|&t| decode_pair_raw(b, t)) {
            out.push(c);
            i += 2;
        } else {
            out.push('?');
            lost += 1;
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
        let (bytes, count) = Damager { notes }.annotate(&bytes);
        assert_eq!(count, 2);
        let (text, lost) = lossy_decode(&bytes);
        assert_eq!(lost, 1);
        assert!(text.starts_with("因?y"), "{text}");
        assert!(text.ends_with("獒t(yī)生"), "{text}");
    }

    #[test]
    fn deterministic() {
        let t = "會議在臺北舉行，與會者討論了經濟與環境問題。";
        let d = Damager::new(&DamageOptions::default());
        assert_eq!(d.damage(t), damage(t, &DamageOptions::default()));
        assert!(d.damage(t).is_some_and(|x| x.annotations > 3));
    }
}
