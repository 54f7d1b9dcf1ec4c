//! A small language model for choosing between candidate repairs: word
//! frequencies from jieba's dictionary, applied to the Simplified form of the
//! text.
//!
//! The score of a text is the log-probability of its best segmentation under a
//! unigram word model, which is what jieba itself maximises when it cuts a
//! sentence: real words score far above the runs of rare characters that a
//! wrongly aligned byte stream produces. The dictionary is Simplified, so
//! candidates are converted with OpenCC `t2s` first.
//!
//! The model holds the 50,000 most frequent words of jieba's dictionary
//! (`assets/wordfreq/jieba-top50k.txt`, 96.4 % of its frequency mass): it
//! loads in about 17 ms where the full 349,045 words take about 146 ms, and a
//! repair only ever asks about common words.

use std::sync::OnceLock;

use jieba_rs::Jieba;

use super::repair::Plausibility;
use super::script::{Conversion, Converter, OpenCc};

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
    jieba: Jieba,
}

impl WordFrequency {
    /// The process-wide model, loaded on first use (loading the dictionary
    /// takes a few tens of milliseconds, so it is done once and only when a
    /// repair needs to choose).
    ///
    /// ```
    /// use zharchive::normalize::{language::WordFrequency, repair::Plausibility};
    /// assert!(std::ptr::eq(WordFrequency::shared(), WordFrequency::shared()));
    /// assert!(WordFrequency::shared().score("医生") > WordFrequency::shared().score("獒t"));
    /// ```
    pub fn shared() -> &'static WordFrequency {
        static MODEL: OnceLock<WordFrequency> = OnceLock::new();
        MODEL.get_or_init(|| {
            let mut jieba = Jieba::empty();
            let mut words = WORDS.as_bytes();
            // The list is part of the crate and well formed (a test loads
            // it); should it ever fail, the model is simply empty and every
            // candidate scores alike.
            let _ = jieba.load_dict(&mut words);
            WordFrequency { jieba }
        })
    }
}

impl Plausibility for WordFrequency {
    fn score(&self, text: &str) -> f64 {
        let simplified = OpenCc::shared().convert(text, Conversion::T2s);
        self.jieba
            .cut(&simplified, false)
            .iter()
            .map(|token| {
                // For a dictionary word `suggest_freq` is its frequency + 1;
                // for anything else it is small (1 + the product of its parts).
                let freq = self.jieba.suggest_freq(token.word) as f64;
                let freq = if freq <= 2.0 { unknown_token_freq(token.word) } else { freq };
                freq.ln() - LN_TOTAL
            })
            .sum()
    }
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
        // jieba keeps a run of ASCII letters and digits together.
        return if token.chars().all(|c| c.is_ascii_alphanumeric()) { 1e4 } else { 1.0 };
    };
    match c {
        c if c.is_ascii_alphabetic() => 1e2,
        // Rough shares in news text: ， and 。 lead, the rest follow.
        '，' => 2e6,
        '。' => 1e6,
        '、' | '“' | '”' => 3e5,
        '：' | '；' | '？' | '！' | '「' | '」' | '（' | '）' | '《' | '》' | '‘' | '’' | '『' | '』' => {
            5e4
        }
        '…' | '—' | '·' => 1e4,
        c if c.is_ascii_alphanumeric() || c.is_ascii_punctuation() || c == ' ' => 1e4,
        c if crate::normalize::readings::is_han(c) => 1.0,
        _ => 0.01,
    }
}

impl std::fmt::Debug for WordFrequency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WordFrequency(jieba default dictionary)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_word_list_loads_whole() {
        let mut jieba = Jieba::empty();
        let mut words = WORDS.as_bytes();
        jieba.load_dict(&mut words).expect("the embedded word list parses");
        assert!(jieba.has_word("医生") && jieba.has_word("边际"));
        assert_eq!(WORDS.lines().count(), 50_000);
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
