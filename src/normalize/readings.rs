//! Pinyin readings of Han characters, and parsing of the syllables that
//! annotations carry (`huì`, `hui4`, `hui`, `lǜ`, `lv4`).
//!
//! Both the annotation pass and the byte-shift repair ask one question: *is
//! this syllable a reading of that character?* Readings come from the
//! `pinyin` crate (Unicode Unihan `kMandarin` and friends, heteronyms
//! included), which covers Traditional as well as Simplified characters.

use pinyin::ToPinyinMulti;
use unicode_normalization::UnicodeNormalization;

/// A syllable as written in an annotation, normalised for comparison.
///
/// ```
/// use zharchive::normalize::readings::{is_reading, parse_syllable};
/// // `lv4`, `lü4` and `lǜ` are the same reading, written three ways.
/// let numbered = parse_syllable("lv4").unwrap();
/// assert_eq!(Some(numbered.clone()), parse_syllable("lü4"));
/// assert!(is_reading('绿', &numbered) && is_reading('绿', &parse_syllable("lǜ").unwrap()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Syllable {
    /// Lower case, `ü` for `v`, tone marks kept (`huì`, `lǜ`); or without
    /// tone when the annotation had none.
    text: String,
    /// Tone number (1–5) when the annotation wrote one (`hui4`).
    tone_number: Option<u8>,
    /// Whether the annotation carried a tone (mark or number).
    toned: bool,
}

/// Parse an annotation's syllable: ASCII letters, `ü`/`v` and tone-marked
/// vowels, optionally a tone number 1–5 at the end; 1 to 7 letters.
///
/// ```
/// use zharchive::normalize::readings::{parse_syllable, is_reading};
/// let s = parse_syllable("huì").unwrap();
/// assert!(is_reading('會', &s));
/// assert!(is_reading('会', &parse_syllable("hui4").unwrap()));
/// assert!(!is_reading('會', &parse_syllable("yan").unwrap()));
/// assert!(parse_syllable("MTA1x").is_none());
/// ```
pub fn parse_syllable(raw: &str) -> Option<Syllable> {
    // The passes look into many brackets that hold no syllable, and most
    // that do are composed and lower case already: neither needs the
    // normalisation and its allocations. (ASCII other than letters and
    // digits stays what it is under both, and no syllable holds it.)
    if raw.bytes().any(|b| b.is_ascii() && !b.is_ascii_alphanumeric()) {
        return None;
    }
    let ready = raw.chars().all(|c| c.is_ascii_digit() || is_pinyin_letter(c) && !c.is_uppercase());
    let nfc: std::borrow::Cow<'_, str> =
        if ready { raw.into() } else { raw.nfc().collect::<String>().to_lowercase().into() };
    let (letters, tone_number) = match nfc.char_indices().last() {
        Some((i, d @ '1'..='5')) => (&nfc[..i], Some(d as u8 - b'0')),
        _ => (&nfc[..], None),
    };
    let count = letters.chars().count();
    if !(1..=7).contains(&count) || !letters.chars().all(is_pinyin_letter) {
        return None;
    }
    let text: String = letters.chars().map(|c| if c == 'v' { 'ü' } else { c }).collect();
    let marked = text.chars().any(|c| !c.is_ascii() && c != 'ü');
    if marked && tone_number.is_some() {
        return None;
    }
    Some(Syllable { toned: marked || tone_number.is_some(), text, tone_number })
}

/// [`parse_syllable`] on the body of a bracket as the structure pass will
/// leave it: whitespace collapsed or joined away (`y\nī` reads `yī`, a
/// wrapped line joined), unless it holds two line breaks (a paragraph
/// break). The passes before the structure pass read annotations this way,
/// so that a second run over their output finds none they missed.
pub(crate) fn parse_joined_syllable(body: &str) -> Option<Syllable> {
    if !body.contains(char::is_whitespace) {
        return parse_syllable(body);
    }
    if body.matches('\n').count() > 1 {
        return None;
    }
    parse_syllable(&body.split_whitespace().collect::<String>())
}

/// Every GBK character that `syllable` is a reading of, in GBK order:
/// what a `?syllable)` stands for when the damage took the whole annotated
/// character. Looked up once per syllable and kept.
pub(crate) fn gbk_chars_reading(syllable: &Syllable) -> std::sync::Arc<[char]> {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    static CACHE: OnceLock<Mutex<HashMap<Syllable, Arc<[char]>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(found) = cache.lock().ok().and_then(|c| c.get(syllable).cloned()) {
        return found;
    }
    let chars: Arc<[char]> = gbk_chars_by_letters()
        .get(letters_without_tone(&syllable.text).as_str())
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .copied()
        .filter(|&c| is_reading(c, syllable))
        .collect();
    if let Ok(mut c) = cache.lock() {
        // A hostile text can name any number of different syllables: the
        // cache stays small.
        if c.len() > 4096 {
            c.clear();
        }
        c.insert(syllable.clone(), chars.clone());
    }
    chars
}

/// The Han characters of GBK grouped by the letters of their readings,
/// toneless as the `pinyin` crate spells them, each group in
/// GBK order: the candidates [`gbk_chars_reading`] checks. Asking the
/// crate about all 21,000 characters once costs less than asking it about
/// all of them for every new syllable (a tenth of normalising a batch of
/// damaged articles); the keys are the crate's own strings, so building the
/// index allocates only the groups.
fn gbk_chars_by_letters() -> &'static rustc_hash::FxHashMap<&'static str, Vec<char>> {
    use std::sync::OnceLock;
    static INDEX: OnceLock<rustc_hash::FxHashMap<&'static str, Vec<char>>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index: rustc_hash::FxHashMap<&'static str, Vec<char>> = Default::default();
        let pairs = (0x81u8..=0xFE).flat_map(|l| (0x40u8..=0xFE).filter_map(move |t| super::gbk::decode_pair(l, t)));
        for c in pairs.filter(|&c| is_han(c)) {
            let Some(multi) = c.to_pinyin_multi() else { continue };
            for p in multi {
                let group = index.entry(p.plain()).or_default();
                // Two readings of one character may share their letters.
                if group.last() != Some(&c) {
                    group.push(c);
                }
            }
        }
        index
    })
}

/// `text` as the `pinyin` crate spells it without tone: tone marks taken
/// off (`lǜ` → `lü`, `huì` → `hui`).
fn letters_without_tone(text: &str) -> String {
    text.nfd().filter(|c| !matches!(c, '\u{300}' | '\u{301}' | '\u{304}' | '\u{30C}')).nfc().collect()
}

/// Letters that can appear in a pinyin syllable.
///
/// ```
/// use zharchive::normalize::readings::is_pinyin_letter;
/// assert!(is_pinyin_letter('a') && is_pinyin_letter('V') && is_pinyin_letter('ǜ'));
/// assert!(!is_pinyin_letter('4') && !is_pinyin_letter('(') && !is_pinyin_letter('會'));
/// ```
pub fn is_pinyin_letter(c: char) -> bool {
    c.is_ascii_lowercase()
        || c.is_ascii_uppercase()
        || matches!(
            c,
            'ü' | 'Ü'
                | 'ā'
                | 'á'
                | 'ǎ'
                | 'à'
                | 'ē'
                | 'é'
                | 'ě'
                | 'è'
                | 'ī'
                | 'í'
                | 'ǐ'
                | 'ì'
                | 'ō'
                | 'ó'
                | 'ǒ'
                | 'ò'
                | 'ū'
                | 'ú'
                | 'ǔ'
                | 'ù'
                | 'ǖ'
                | 'ǘ'
                | 'ǚ'
                | 'ǜ'
                | 'ń'
                | 'ň'
                | 'ǹ'
                | 'ḿ'
                | 'Ā'
                | 'Á'
                | 'Ǎ'
                | 'À'
                | 'Ē'
                | 'É'
                | 'Ě'
                | 'È'
                | 'Ī'
                | 'Í'
                | 'Ǐ'
                | 'Ì'
                | 'Ō'
                | 'Ó'
                | 'Ǒ'
                | 'Ò'
                | 'Ū'
                | 'Ú'
                | 'Ǔ'
                | 'Ù'
                | 'Ǖ'
                | 'Ǘ'
                | 'Ǚ'
                | 'Ǜ'
        )
}

/// Whether `syllable` is one of the readings of `c`.
///
/// A toned syllable must match a reading's tone; an untoned one matches any
/// tone. Characters the `pinyin` crate does not know have no readings.
///
/// ```
/// use zharchive::normalize::readings::{is_reading, parse_syllable};
/// let reads = |c, s| is_reading(c, &parse_syllable(s).unwrap());
/// assert!(reads('會', "hui")); // untoned: any tone
/// assert!(!reads('會', "hui3")); // wrong tone
/// assert!(reads('會', "kuài")); // heteronyms count
/// assert!(!reads('。', "ju"));
/// ```
pub fn is_reading(c: char, syllable: &Syllable) -> bool {
    let Some(multi) = c.to_pinyin_multi() else {
        return false;
    };
    // Compared letter by letter, without building strings: the annotation
    // pass asks this for every bracket that follows a Han character.
    let text = syllable.text.as_str();
    multi.into_iter().any(|p| {
        if let Some(n) = syllable.tone_number {
            let numbered = p.with_tone_num_end();
            let numbered_matches =
                numbered.strip_suffix(char::from(b'0' + n)).is_some_and(|letters| same_letters(letters, text));
            // Neutral tone is written without a number by the crate.
            numbered_matches || (n == 5 && numbered == p.plain() && same_letters(p.plain(), text))
        } else if syllable.toned {
            same_letters(p.with_tone(), text)
        } else {
            same_letters(p.plain(), text)
        }
    })
}

/// Whether the pinyin crate's `pinyin` (which writes `v` for `ü`) spells
/// `text` (which has `ü`).
fn same_letters(pinyin: &str, text: &str) -> bool {
    pinyin.chars().map(|c| if c == 'v' { 'ü' } else { c }).eq(text.chars())
}

/// Whether `c` is a Han character (CJK unified ideographs, extensions,
/// compatibility ideographs, 〇).
///
/// ```
/// use zharchive::normalize::readings::is_han;
/// assert!(is_han('會') && is_han('〇') && is_han('\u{20000}'));
/// assert!(!is_han('。') && !is_han('a') && !is_han('ア'));
/// ```
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3007 | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF
        | 0x20000..=0x2A6DF | 0x2A700..=0x2EBEF | 0x2F800..=0x2FA1F | 0x30000..=0x323AF)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index gives exactly what asking about every GBK pair gives, in
    /// the same order.
    #[test]
    fn gbk_characters_by_reading_match_a_full_scan() {
        for s in ["yàn", "yi", "hui4", "lǜ", "lv", "lü3", "ń", "ng", "n", "a", "zhuang1", "de5", "me", "er", "xx"] {
            let syllable = parse_syllable(s).unwrap();
            let scanned: Vec<char> = (0x81u8..=0xFE)
                .flat_map(|l| (0x40u8..=0xFE).filter_map(move |t| super::super::gbk::decode_pair(l, t)))
                .filter(|&c| is_han(c) && is_reading(c, &syllable))
                .collect();
            assert_eq!(&scanned[..], &gbk_chars_reading(&syllable)[..], "{s}");
        }
        assert!(gbk_chars_reading(&parse_syllable("yàn").unwrap()).contains(&'驗'));
    }

    /// `gbk_chars_reading(s)` holds every GBK character that `s` reads, for
    /// every syllable: each reading of each character, written each way,
    /// finds that character (and the list holds only characters `s` reads,
    /// by its definition). No GBK character but a Han one has a reading, so
    /// the repair may take the list for asking `is_reading` of every pair.
    #[test]
    fn every_reading_of_every_gbk_character_finds_it() {
        let mut checked = 0;
        for c in (0x81u8..=0xFE).flat_map(|l| (0x40u8..=0xFE).filter_map(move |t| super::super::gbk::decode_pair(l, t)))
        {
            let Some(multi) = c.to_pinyin_multi() else { continue };
            assert!(is_han(c), "{c} has a reading");
            for p in multi.into_iter() {
                for written in [p.with_tone(), p.plain(), p.with_tone_num_end(), &format!("{}5", p.plain())] {
                    let Some(syllable) = parse_syllable(written) else { continue };
                    assert_eq!(is_reading(c, &syllable), gbk_chars_reading(&syllable).contains(&c), "{c} {written}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 80_000, "{checked}");
    }

    /// The string-building definition `is_reading` replaced.
    fn is_reading_by_strings(c: char, syllable: &Syllable) -> bool {
        let Some(multi) = c.to_pinyin_multi() else {
            return false;
        };
        multi.into_iter().any(|p| {
            if let Some(n) = syllable.tone_number {
                let numbered = p.with_tone_num_end().replace('v', "ü");
                let plain = p.plain().replace('v', "ü");
                numbered == format!("{}{}", syllable.text, n) || (n == 5 && plain == syllable.text && numbered == plain)
            } else if syllable.toned {
                p.with_tone().replace('v', "ü") == syllable.text
            } else {
                p.plain().replace('v', "ü") == syllable.text
            }
        })
    }

    #[test]
    fn letter_comparison_agrees_with_the_string_definition() {
        // Every reading of every 7th ideograph, written each way, asked of
        // that character and of its neighbour.
        let mut checked = 0;
        for cp in (0x4E00u32..=0x9FFF).step_by(7) {
            let c = char::from_u32(cp).unwrap();
            let Some(multi) = c.to_pinyin_multi() else { continue };
            for p in multi.into_iter() {
                for written in [
                    p.with_tone().to_owned(),
                    p.plain().to_owned(),
                    p.with_tone_num_end().to_owned(),
                    format!("{}5", p.plain()),
                ] {
                    let Some(syllable) = parse_syllable(&written) else { continue };
                    for other in [c, char::from_u32(cp + 1).unwrap()] {
                        assert_eq!(
                            is_reading(other, &syllable),
                            is_reading_by_strings(other, &syllable),
                            "{other} {written}"
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 10_000, "{checked}");
    }

    #[test]
    fn readings_of_traditional_characters() {
        for (c, s) in [('會', "huì"), ('對', "duì"), ('驗', "yàn"), ('驅', "qū"), ('現', "xiàn"), ('醫', "yī")]
        {
            assert!(is_reading(c, &parse_syllable(s).unwrap()), "{c} {s}");
        }
    }

    #[test]
    fn heteronyms_and_tone_forms() {
        let s = |x| parse_syllable(x).unwrap();
        assert!(is_reading('會', &s("kuài")));
        assert!(is_reading('會', &s("kuai4")));
        assert!(is_reading('會', &s("KUAI")));
        assert!(!is_reading('會', &s("huí")));
        assert!(is_reading('綠', &s("lǜ")));
        assert!(is_reading('綠', &s("lv4")));
        assert!(!is_reading('a', &s("a")));
    }

    #[test]
    fn non_syllables() {
        for x in ["", "8", "MTA-1", "通用", "abcdefgh", "hǎo3"] {
            assert!(parse_syllable(x).is_none(), "{x}");
        }
    }
}
