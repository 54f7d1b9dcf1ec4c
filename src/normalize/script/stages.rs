//! OpenCC's conversions as single-round stages, each built on first use
//! with only the dictionaries it reads.
//!
//! `OpenCC::new()` unpacks every dictionary opencc-fmmseg ships (Japanese,
//! seal script, punctuation …) whatever the conversion: about 60 ms, most of
//! the time of normalising one article. Every conversion this crate offers
//! is one of the stages below, or two in a row (`s2tw` is `s2t` then `t2tw`,
//! `tw2s` is `tw2t` then `t2s` …): opencc-fmmseg 0.13 runs the rounds of a
//! multi-round conversion one after the other, each over the whole output of
//! the one before, with the same dictionaries and starter index as the
//! single-round conversion, so the chain gives the same bytes.
//!
//! The dictionaries are OpenCC's text files (`assets/opencc`, copied from
//! the opencc-fmmseg crate), parsed as opencc-fmmseg parses them; the tests
//! below check that every one equals the table in opencc-fmmseg's own
//! packed dictionary.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use opencc_fmmseg::{DictMaxLen, DictionaryMaxlength, OpenCC, OpenccConfig};
use rustc_hash::FxHashMap;

use super::Conversion;

/// Convert `text` with `conversion`: its first stage, then its second.
pub(super) fn convert(text: &str, conversion: Conversion) -> String {
    through_stages(text, conversion, Stage::convert)
}

/// Load the shared converters of `conversion`'s stages now.
pub(super) fn load(conversion: Conversion) {
    let (first, then) = plan(conversion);
    first.converter();
    if let Some(second) = then {
        second.converter();
    }
}

/// Convert `text` with `conversion` for one look, as script detection does
/// on its sample: a stage not loaded yet is built for this text alone, with
/// only the entries whose keys are made of characters the text contains.
/// Detection runs `s2t` on every input, and its phrase table (50,000
/// entries) is most of the loading time, while a sample meets a few
/// hundred of them.
///
/// The output is the same: the conversion only ever looks up pieces of the
/// text, so a key with a character the text lacks never matches.
pub(super) fn convert_sample(text: &str, conversion: Conversion) -> String {
    through_stages(text, conversion, Stage::convert_sample)
}

/// The longest text whose conversion a thread remembers.
const REMEMBERED: usize = 16 * 1024;

/// Run `text` through the stages of `conversion` with `step`.
///
/// Normalising an article in the other script converts it twice the same
/// way: once to detect its script (the sample is the whole of a short
/// article) and once to convert it. Each thread remembers its last two
/// conversions of short texts, so the second is a copy. `step` does not
/// matter: [`convert`] and [`convert_sample`] give the same output.
fn through_stages(text: &str, conversion: Conversion, step: fn(Stage, &str) -> String) -> String {
    type Remembered = [Option<(Conversion, String, String)>; 2];
    thread_local! {
        static RECENT: std::cell::RefCell<Remembered> = const { std::cell::RefCell::new([None, None]) };
    }
    let recalled = RECENT.with_borrow(|recent| {
        recent.iter().flatten().find(|(c, input, _)| *c == conversion && input == text).map(|(_, _, out)| out.clone())
    });
    if let Some(converted) = recalled {
        return converted;
    }
    let (first, then) = plan(conversion);
    let converted = step(first, text);
    let converted = match then {
        Some(second) => step(second, &converted),
        None => converted,
    };
    if text.len() <= REMEMBERED {
        RECENT.with_borrow_mut(|recent| {
            recent[1] = recent[0].take();
            recent[0] = Some((conversion, text.to_owned(), converted.clone()));
        });
    }
    converted
}

/// The stages opencc-fmmseg 0.13 runs for `conversion`, in order (without
/// punctuation: its `s2tw` … methods take the rounds of `s2t`, `t2tw` …).
fn plan(conversion: Conversion) -> (Stage, Option<Stage>) {
    match conversion {
        Conversion::S2t => (Stage::S2t, None),
        Conversion::S2tw => (Stage::S2t, Some(Stage::T2tw)),
        Conversion::S2twp => (Stage::S2t, Some(Stage::T2twp)),
        Conversion::S2hk => (Stage::S2t, Some(Stage::T2hk)),
        Conversion::S2hkp => (Stage::S2t, Some(Stage::T2hkp)),
        Conversion::T2s => (Stage::T2s, None),
        Conversion::T2tw => (Stage::T2tw, None),
        Conversion::T2twp => (Stage::T2twp, None),
        Conversion::T2hk => (Stage::T2hk, None),
        Conversion::T2hkp => (Stage::T2hkp, None),
        Conversion::Tw2s => (Stage::Tw2t, Some(Stage::T2s)),
        Conversion::Tw2sp => (Stage::Tw2tp, Some(Stage::T2s)),
        Conversion::Hk2s => (Stage::Hk2t, Some(Stage::T2s)),
    }
}

/// A single-round OpenCC conversion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stage {
    S2t,
    T2s,
    T2tw,
    T2twp,
    T2hk,
    T2hkp,
    Tw2t,
    Tw2tp,
    Hk2t,
}

impl Stage {
    #[cfg(test)]
    const ALL: [Stage; 9] = [
        Stage::S2t,
        Stage::T2s,
        Stage::T2tw,
        Stage::T2twp,
        Stage::T2hk,
        Stage::T2hkp,
        Stage::Tw2t,
        Stage::Tw2tp,
        Stage::Hk2t,
    ];

    /// Convert `text` (without OpenCC's punctuation conversion, as the
    /// crate always has).
    pub(super) fn convert(self, text: &str) -> String {
        self.converter().convert_with_config(text, self.config(), false)
    }

    /// [`convert`](Self::convert) with the shared converter if it is loaded,
    /// else with one built for `text` alone (see [`convert_sample`]).
    ///
    /// Building for a sample still reads the whole file (about a fifth of
    /// the time of loading the `s2t` phrases), so a process that samples
    /// many texts, a batch, loads the shared converter after a few.
    fn convert_sample(self, text: &str) -> String {
        const SAMPLES_BEFORE_LOADING: usize = 4;
        static SAMPLED: [AtomicUsize; 9] = [const { AtomicUsize::new(0) }; 9];
        let loaded = CONVERTERS[self as usize].get();
        if loaded.is_none() && SAMPLED[self as usize].fetch_add(1, Ordering::Relaxed) < SAMPLES_BEFORE_LOADING {
            return self.build_for(text).convert_with_config(text, self.config(), false);
        }
        loaded.unwrap_or_else(|| self.converter()).convert_with_config(text, self.config(), false)
    }

    /// The converter of this stage, built on first use and then shared.
    fn converter(self) -> &'static OpenCC {
        CONVERTERS[self as usize].get_or_init(|| self.build(|_| true))
    }

    /// A converter whose tables hold only the entries that can match in `text`.
    fn build_for(self, text: &str) -> OpenCC {
        let present = CharSet::of(text);
        // Most lines of a large table start with a character the text
        // lacks: they are passed over on that first character, unsplit.
        self.build_where(|c| present.contains(c), |key| key.chars().all(|c| present.contains(c)))
    }

    /// A converter with the entries of this stage's tables whose key `keep`s.
    fn build(self, keep: impl Fn(&str) -> bool) -> OpenCC {
        self.build_where(|_| true, keep)
    }

    /// [`build`](Self::build), reading only the lines whose first character
    /// `starts` (a quick filter that `keep` must imply).
    fn build_where(self, starts: impl Fn(char) -> bool, keep: impl Fn(&str) -> bool) -> OpenCC {
        let mut dictionary = empty_dictionary();
        for &dict in self.dictionaries() {
            let pairs = entries_starting(dict.text(), &starts)
                .filter(|(key, _)| keep(key))
                .map(|(key, value)| (key.to_owned(), value.to_owned()));
            *dict.slot(&mut dictionary) = DictMaxLen::build_from_pairs(pairs.collect::<Vec<_>>());
        }
        let mut converter = OpenCC::from_dictionary(dictionary);
        // Serial inside; `OpenCc::convert` parallelises large inputs itself,
        // by line, so a batch that is already parallel is not oversubscribed.
        converter.set_parallel(false);
        converter
    }

    fn config(self) -> OpenccConfig {
        match self {
            Stage::S2t => OpenccConfig::S2t,
            Stage::T2s => OpenccConfig::T2s,
            Stage::T2tw => OpenccConfig::T2tw,
            Stage::T2twp => OpenccConfig::T2twp,
            Stage::T2hk => OpenccConfig::T2hk,
            Stage::T2hkp => OpenccConfig::T2hkp,
            Stage::Tw2t => OpenccConfig::Tw2t,
            Stage::Tw2tp => OpenccConfig::Tw2tp,
            Stage::Hk2t => OpenccConfig::Hk2t,
        }
    }

    /// The dictionaries opencc-fmmseg 0.13 reads for this configuration
    /// (without punctuation): its `s2t`, `t2tw` … methods.
    fn dictionaries(self) -> &'static [Dict] {
        use Dict::*;
        match self {
            Stage::S2t => &[StPhrases, StCharacters],
            Stage::T2s => &[TsPhrases, TsCharacters],
            Stage::T2tw => &[TwVariantsPhrases, TwVariants],
            Stage::T2twp => &[TwPhrases, TwVariantsPhrases, TwVariants],
            Stage::T2hk => &[HkVariantsPhrases, HkVariants],
            Stage::T2hkp => &[HkPhrases, HkVariantsPhrases, HkVariants],
            Stage::Tw2t => &[TwVariantsRevPhrases, TwVariantsRev],
            Stage::Tw2tp => &[TwPhrasesRev, TwVariantsRevPhrases, TwVariantsRev],
            Stage::Hk2t => &[HkVariantsRevPhrases, HkVariantsRev],
        }
    }
}

/// The shared converters, by [`Stage`].
static CONVERTERS: [OnceLock<OpenCC>; 9] = [const { OnceLock::new() }; 9];

/// The characters of a text, as a bit per code point.
struct CharSet(Vec<u64>);

impl CharSet {
    fn of(text: &str) -> CharSet {
        let mut bits = vec![0u64; (char::MAX as usize >> 6) + 1];
        for c in text.chars() {
            if let Some(word) = bits.get_mut(c as usize >> 6) {
                *word |= 1 << (c as u32 & 63);
            }
        }
        CharSet(bits)
    }

    fn contains(&self, c: char) -> bool {
        self.0.get(c as usize >> 6).is_some_and(|word| word >> (c as u32 & 63) & 1 == 1)
    }
}

/// A dictionary with no tables, built without `DictionaryMaxlength::default()`:
/// that one fills the lookup index of each of its 25 empty tables (about
/// 0.6 MB each), which costs more than parsing the tables a stage needs.
/// Deserialising an empty map leaves the tables a stage does not read
/// untouched and unindexed; the conversion never looks at them.
fn empty_dictionary() -> DictionaryMaxlength {
    // Every field of `DictionaryMaxlength` has a serde default, so "{}" always
    // parses; the fallback is only there to keep this path free of panics.
    serde_json::from_str("{}").unwrap_or_default()
}

/// One of OpenCC's dictionary files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dict {
    StPhrases,
    StCharacters,
    TsPhrases,
    TsCharacters,
    TwPhrases,
    TwPhrasesRev,
    TwVariants,
    TwVariantsPhrases,
    TwVariantsRev,
    TwVariantsRevPhrases,
    HkPhrases,
    HkVariants,
    HkVariantsPhrases,
    HkVariantsRev,
    HkVariantsRevPhrases,
}

/// Whether `t2s` can write `c`: `c` is the conversion of some key of
/// OpenCC's `TSCharacters` (苧, for 薴), or part of what `TSPhrases` writes
/// for a phrase (著, in 顯著 → 显著 and 著作 → 著作: in Simplified text `著`
/// is written, not a stray Traditional `着`).
pub(super) fn is_t2s_output(c: char) -> bool {
    static OUTPUTS: OnceLock<HashSet<char>> = OnceLock::new();
    OUTPUTS
        .get_or_init(|| {
            let mut outputs = character_outputs(Dict::TsCharacters);
            outputs.extend(phrase_outputs(Dict::TsPhrases));
            outputs
        })
        .contains(&c)
}

/// The Simplified form of `c` by OpenCC's `TSCharacters` alone: the first
/// value of its line when that is one character, else `c` itself.
///
/// For the repair's word model, which scores thousands of short candidate
/// strings per article: a phrase conversion per candidate (opencc-fmmseg
/// segments, allocates and looks up every piece) was over a third of the
/// scoring. Phrases matter little there, since the candidates of a stretch
/// are compared with each other and share their context.
pub(super) fn t2s_character(c: char) -> char {
    static MAP: OnceLock<FxHashMap<char, char>> = OnceLock::new();
    if c.is_ascii() {
        return c;
    }
    let map = MAP.get_or_init(|| {
        entries(Dict::TsCharacters.text())
            .filter_map(|(key, value)| {
                let mut keys = key.chars();
                let mut values = value.chars();
                match (keys.next(), keys.next(), values.next(), values.next()) {
                    (Some(k), None, Some(v), None) if k != v => Some((k, v)),
                    _ => None,
                }
            })
            .collect()
    });
    map.get(&c).copied().unwrap_or(c)
}

/// The bits of [`character_forms`].
pub(super) mod form {
    /// `TSCharacters` converts the character to another: a Traditional form.
    pub const TO_SIMPLIFIED: u8 = 1;
    /// `STCharacters` converts it to another: a Simplified form.
    pub const TO_TRADITIONAL: u8 = 2;
    /// A table keeps it as it is in some words: the line that converts it
    /// lists it among its values too (`后 → 後 后`: 皇后), or a line of the
    /// other table converts it to itself (`么 → 么 幺` in `TSCharacters`).
    pub const KEPT: u8 = 4;
}

/// For each character of the Basic Multilingual Plane, its [`form`] bits,
/// read from the lines of OpenCC's two character tables once (64 KB):
/// asking the conversion maps of every code point cost a tenth of
/// normalising an article.
pub(super) fn character_forms() -> &'static [u8] {
    static FORMS: OnceLock<Vec<u8>> = OnceLock::new();
    FORMS.get_or_init(|| {
        let mut forms = vec![0u8; 0x1_0000];
        for (dict, converts) in [(Dict::TsCharacters, form::TO_SIMPLIFIED), (Dict::StCharacters, form::TO_TRADITIONAL)]
        {
            let text = dict.text();
            for line in crate::normalize::plain_lines(text.strip_prefix('\u{FEFF}').unwrap_or(text)) {
                let Some((key, values)) = line.split_once('\t').filter(|_| !line.starts_with('#')) else { continue };
                let mut keys = key.chars();
                let (Some(k), None) = (keys.next(), keys.next()) else { continue };
                let Some(slot) = forms.get_mut(k as usize) else { continue };
                let mut values = values.split_whitespace();
                match values.next() {
                    Some(first) if first == key => *slot |= form::KEPT,
                    Some(first) if first.chars().count() == 1 => {
                        *slot |= converts;
                        if values.any(|v| v == key) {
                            *slot |= form::KEPT;
                        }
                    }
                    _ => {}
                }
            }
        }
        forms
    })
}

/// Whether `s2t` can write `c` for another character: `c` is the
/// conversion of some key of OpenCC's `STCharacters` (苧, for 苎). Unlike
/// [`is_t2s_output`], not what `STPhrases` writes: its phrases keep many
/// Simplified-looking characters that are also Traditional (范 in a name,
/// 于, 里), and a Traditional text's stray 范式 or 什么 must still become
/// 範式 and 什麼.
pub(super) fn is_s2t_output(c: char) -> bool {
    static OUTPUTS: OnceLock<HashSet<char>> = OnceLock::new();
    OUTPUTS.get_or_init(|| character_outputs(Dict::StCharacters)).contains(&c)
}

/// Every character of the phrases a phrase table writes (the first of each
/// line's values).
fn phrase_outputs(dict: Dict) -> HashSet<char> {
    dict.text()
        .lines()
        .filter_map(|line| line.split_once('\t').and_then(|(_, values)| values.split(' ').next()))
        .flat_map(str::chars)
        .collect()
}

/// The characters a character table converts its keys to (the first of
/// each line's values, the one OpenCC writes), other than the key itself.
fn character_outputs(dict: Dict) -> HashSet<char> {
    dict.text()
        .lines()
        .filter_map(|line| {
            let (key, values) = line.split_once('\t')?;
            let value = values.split(' ').next()?;
            let mut chars = value.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if key != value => Some(c),
                _ => None,
            }
        })
        .collect()
}

macro_rules! opencc_file {
    ($name:literal) => {
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/opencc/", $name))
    };
}

impl Dict {
    fn text(self) -> &'static str {
        match self {
            Dict::StPhrases => opencc_file!("STPhrases.txt"),
            Dict::StCharacters => opencc_file!("STCharacters.txt"),
            Dict::TsPhrases => opencc_file!("TSPhrases.txt"),
            Dict::TsCharacters => opencc_file!("TSCharacters.txt"),
            Dict::TwPhrases => opencc_file!("TWPhrases.txt"),
            Dict::TwPhrasesRev => opencc_file!("TWPhrasesRev.txt"),
            Dict::TwVariants => opencc_file!("TWVariants.txt"),
            Dict::TwVariantsPhrases => opencc_file!("TWVariantsPhrases.txt"),
            Dict::TwVariantsRev => opencc_file!("TWVariantsRev.txt"),
            Dict::TwVariantsRevPhrases => opencc_file!("TWVariantsRevPhrases.txt"),
            Dict::HkPhrases => opencc_file!("HKPhrases.txt"),
            Dict::HkVariants => opencc_file!("HKVariants.txt"),
            Dict::HkVariantsPhrases => opencc_file!("HKVariantsPhrases.txt"),
            Dict::HkVariantsRev => opencc_file!("HKVariantsRev.txt"),
            Dict::HkVariantsRevPhrases => opencc_file!("HKVariantsRevPhrases.txt"),
        }
    }

    /// Where opencc-fmmseg keeps this dictionary.
    fn slot(self, dictionary: &mut DictionaryMaxlength) -> &mut DictMaxLen {
        match self {
            Dict::StPhrases => &mut dictionary.st_phrases,
            Dict::StCharacters => &mut dictionary.st_characters,
            Dict::TsPhrases => &mut dictionary.ts_phrases,
            Dict::TsCharacters => &mut dictionary.ts_characters,
            Dict::TwPhrases => &mut dictionary.tw_phrases,
            Dict::TwPhrasesRev => &mut dictionary.tw_phrases_rev,
            Dict::TwVariants => &mut dictionary.tw_variants,
            Dict::TwVariantsPhrases => &mut dictionary.tw_variants_phrases,
            Dict::TwVariantsRev => &mut dictionary.tw_variants_rev,
            Dict::TwVariantsRevPhrases => &mut dictionary.tw_variants_rev_phrases,
            Dict::HkPhrases => &mut dictionary.hk_phrases,
            Dict::HkVariants => &mut dictionary.hk_variants,
            Dict::HkVariantsPhrases => &mut dictionary.hk_variants_phrases,
            Dict::HkVariantsRev => &mut dictionary.hk_variants_rev,
            Dict::HkVariantsRevPhrases => &mut dictionary.hk_variants_rev_phrases,
        }
    }
}

/// Every entry of an OpenCC dictionary file (see [`entries_starting`]).
fn entries(text: &str) -> impl Iterator<Item = (&str, &str)> {
    entries_starting(text, |_| true)
}

/// The entries of an OpenCC dictionary file, read as opencc-fmmseg's
/// `DictionaryMaxlength::from_dicts` reads them: `key<TAB>value`, the first
/// word of the value only, `#` comments and blank lines skipped. (Built with
/// `DictMaxLen::build_from_pairs`, as there, so the first of duplicate keys
/// would win; the files have none.) Only lines whose first character
/// `starts` are read, tested before the line is split.
fn entries_starting(text: &str, starts: impl Fn(char) -> bool) -> impl Iterator<Item = (&str, &str)> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    crate::normalize::plain_lines(text)
        .filter(move |line| line.chars().next().is_some_and(|c| c != '#' && starts(c)))
        // Blank lines (only whitespace) have no TAB once trimmed. opencc-fmmseg
        // rejects a data line without a TAB; the embedded files have none (the
        // tests compare every table with opencc-fmmseg's). The TAB is found
        // with a byte loop, as the line is (see `plain_lines`).
        .filter_map(|line| {
            let line = line.trim_end();
            let tab = line.bytes().position(|b| b == b'\t')?;
            Some((&line[..tab], line[tab + 1..].split_whitespace().next().unwrap_or("")))
        })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    const ALL_DICTS: [Dict; 15] = [
        Dict::StPhrases,
        Dict::StCharacters,
        Dict::TsPhrases,
        Dict::TsCharacters,
        Dict::TwPhrases,
        Dict::TwPhrasesRev,
        Dict::TwVariants,
        Dict::TwVariantsPhrases,
        Dict::TwVariantsRev,
        Dict::TwVariantsRevPhrases,
        Dict::HkPhrases,
        Dict::HkVariants,
        Dict::HkVariantsPhrases,
        Dict::HkVariantsRev,
        Dict::HkVariantsRevPhrases,
    ];

    fn table(dict: &DictMaxLen) -> BTreeMap<String, String> {
        dict.iter().map(|(key, value)| (key.iter().collect(), value.to_owned())).collect()
    }

    /// The embedded text files hold exactly the tables of the dictionary
    /// `OpenCC::new()` unpacks: same entries, same key lengths.
    #[test]
    fn embedded_tables_equal_opencc_fmmseg_packed_dictionary() {
        let mut packed = DictionaryMaxlength::new().expect("opencc-fmmseg's packed dictionary loads");
        for dict in ALL_DICTS {
            let ours = DictMaxLen::build_from_pairs(entries(dict.text()).map(|(k, v)| (k.to_owned(), v.to_owned())));
            let theirs = dict.slot(&mut packed);
            assert!(!ours.is_empty(), "{dict:?} is empty");
            assert_eq!(table(&ours), table(theirs), "{dict:?}");
            assert_eq!(ours.len(), theirs.len(), "{dict:?}");
            assert_eq!(ours.min_key_len(), theirs.min_key_len(), "{dict:?}");
            assert_eq!(ours.max_key_len(), theirs.max_key_len(), "{dict:?}");
        }
    }

    /// Every stage converts as the full converter does, on text that hits
    /// each of its dictionaries: every key of every table it reads, one key a
    /// line and then all keys run together.
    #[test]
    fn stages_convert_as_the_full_converter() {
        let full = OpenCC::new();
        for stage in Stage::ALL {
            let keys: Vec<&str> =
                stage.dictionaries().iter().flat_map(|dict| entries(dict.text()).map(|(key, _)| key)).collect();
            for text in [keys.join("\n"), keys.concat()] {
                let want = full.convert_with_config(&text, stage.config(), false);
                assert!(stage.convert(&text) == want, "{stage:?}");
            }
        }
    }

    /// A stage built for one text converts it as the full stage does.
    #[test]
    fn stages_built_for_a_text_convert_it_as_the_full_stage() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let article = std::fs::read_to_string(root.join("fixtures/article.txt")).expect("the article fixture");
        let zuozhuan = std::fs::read_to_string(root.join("tests/data/opencc/zuozhuan.txt")).expect("左传");
        let sample: String = zuozhuan.chars().take(16 * 1024).collect();
        let traditional = Stage::S2t.convert(&sample);
        let all_keys: String = Stage::ALL
            .iter()
            .flat_map(|stage| stage.dictionaries())
            .flat_map(|dict| entries(dict.text()).map(|(key, _)| key))
            .take(20_000)
            .collect::<Vec<_>>()
            .join("，");
        for stage in Stage::ALL {
            for text in [&article, &sample, &traditional, &all_keys, &String::new()] {
                assert!(
                    stage.build_for(text).convert_with_config(text, stage.config(), false) == stage.convert(text),
                    "{stage:?}"
                );
            }
        }
    }

    #[test]
    fn remembered_conversions_are_the_conversions_asked_for() {
        // Two conversions of one text, then each again, then a longer text
        // the memory does not keep: every answer is what a fresh converter
        // gives (the stages' own converters, not through the memory).
        let text = "後來他們乾了一杯，头发也乾了";
        let fresh = |t: &str, c: Conversion| {
            let (first, then) = plan(c);
            let once = first.convert(t);
            then.map_or(once.clone(), |second| second.convert(&once))
        };
        let long = text.repeat(REMEMBERED / text.len() + 1);
        for (t, c) in [
            (text, Conversion::T2s),
            (text, Conversion::S2t),
            (text, Conversion::T2s),
            (text, Conversion::S2twp),
            (text, Conversion::S2t),
            (&long[..], Conversion::T2s),
            (&long[..], Conversion::T2s),
            (text, Conversion::T2s),
        ] {
            assert_eq!(convert(t, c), fresh(t, c), "{c:?}");
            assert_eq!(convert_sample(t, c), fresh(t, c), "{c:?}");
        }
        assert_ne!(fresh(text, Conversion::T2s), fresh(text, Conversion::S2t));
    }

    #[test]
    fn char_set_holds_the_characters_of_its_text() {
        let set = CharSet::of("a會\u{20000}");
        assert!(set.contains('a') && set.contains('會') && set.contains('\u{20000}'));
        assert!(!set.contains('b') && !set.contains('会') && !set.contains(char::MAX));
    }

    #[test]
    fn byte_order_mark_and_comments_are_skipped() {
        let pairs: Vec<_> = entries("\u{FEFF}# comment\n\n干\t幹 乾 榦\r\n发财\t發財\n").collect();
        assert_eq!(pairs, vec![("干", "幹"), ("发财", "發財")]);
    }
}
