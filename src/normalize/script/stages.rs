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

use std::sync::OnceLock;

use opencc_fmmseg::{DictMaxLen, DictionaryMaxlength, OpenCC, OpenccConfig};

use super::Conversion;

/// Convert `text` with `conversion`: its first stage, then its second.
pub(super) fn convert(text: &str, conversion: Conversion) -> String {
    let (first, then) = plan(conversion);
    let converted = first.convert(text);
    match then {
        Some(second) => second.convert(&converted),
        None => converted,
    }
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

    /// The converter of this stage, built on first use and then shared.
    fn converter(self) -> &'static OpenCC {
        static CONVERTERS: [OnceLock<OpenCC>; 9] = [const { OnceLock::new() }; 9];
        CONVERTERS[self as usize].get_or_init(|| self.build())
    }

    fn build(self) -> OpenCC {
        let mut dictionary = empty_dictionary();
        for &dict in self.dictionaries() {
            *dict.slot(&mut dictionary) = dict.load();
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

    /// Parse the file as opencc-fmmseg's `DictionaryMaxlength::from_dicts`
    /// does: `key<TAB>value`, the first word of the value only, `#` comments
    /// and blank lines skipped, the first of duplicate keys kept
    /// (`DictMaxLen::build_from_pairs`).
    fn load(self) -> DictMaxLen {
        DictMaxLen::build_from_pairs(parse_pairs(self.text()))
    }
}

fn parse_pairs(text: &str) -> Vec<(String, String)> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    text.lines()
        .map(str::trim_end)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        // opencc-fmmseg rejects a data line without a TAB; the embedded files
        // have none (the tests compare every table with opencc-fmmseg's).
        .filter_map(|line| line.split_once('\t'))
        .map(|(key, value)| (key.to_owned(), value.split_whitespace().next().unwrap_or("").to_owned()))
        .collect()
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

    fn entries(dict: &DictMaxLen) -> BTreeMap<String, String> {
        dict.iter().map(|(key, value)| (key.iter().collect(), value.to_owned())).collect()
    }

    /// The embedded text files hold exactly the tables of the dictionary
    /// `OpenCC::new()` unpacks: same entries, same key lengths.
    #[test]
    fn embedded_tables_equal_opencc_fmmseg_packed_dictionary() {
        let mut packed = DictionaryMaxlength::new().expect("opencc-fmmseg's packed dictionary loads");
        for dict in ALL_DICTS {
            let ours = dict.load();
            let theirs = dict.slot(&mut packed);
            assert!(!ours.is_empty(), "{dict:?} is empty");
            assert_eq!(entries(&ours), entries(theirs), "{dict:?}");
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
            let keys: Vec<String> = stage
                .dictionaries()
                .iter()
                .flat_map(|dict| parse_pairs(dict.text()).into_iter().map(|(key, _)| key))
                .collect();
            for text in [keys.join("\n"), keys.concat()] {
                let want = full.convert_with_config(&text, stage.config(), false);
                assert!(stage.convert(&text) == want, "{stage:?}");
            }
        }
    }

    #[test]
    fn byte_order_mark_and_comments_are_skipped() {
        let pairs = parse_pairs("\u{FEFF}# comment\n\n干\t幹 乾 榦\r\n发财\t發財\n");
        assert_eq!(pairs, vec![("干".to_owned(), "幹".to_owned()), ("发财".to_owned(), "發財".to_owned())]);
    }
}
