//! A deterministic corpus of damaged articles, for the `gen_corpus` example,
//! the batch benchmark and `scripts/compare.sh`.
//!
//! Each article is built the way the scraped site built its pages, so the
//! whole pipeline has real work on every one: a title and 4–9 paragraphs in
//! Traditional characters (lines of OpenCC's 左传 benchmark text, converted
//! with `s2t`, mixed with paragraphs of the reference article), damaged with
//! [`zharchive::damage::Damager`] (pinyin annotations, byte-shift `?`),
//! ASCII punctuation as the site served it, the site's disclaimer after half
//! of them, and stored as UTF-8 (75 %), GB18030 (15 %) or UTF-16LE with a
//! BOM (10 %). The same index and seed always give the same bytes.

#![allow(dead_code)]

use std::path::Path;

use zharchive::damage::{DamageOptions, Damager};
use zharchive::{Conversion, Converter, OpenCc};

/// One generated article.
pub struct Generated {
    /// `gen-00042.txt`.
    pub name: String,
    /// The bytes as the site would have served them.
    pub bytes: Vec<u8>,
    /// The encoding they are in (`utf-8`, `gb18030`, `utf-16le`).
    pub encoding: &'static str,
}

/// The material articles are cut from, loaded once.
pub struct Corpus {
    /// Lines of 左传 in Traditional characters, 30–300 characters long.
    passages: Vec<String>,
    /// The reference article's paragraphs, clean Traditional.
    paragraphs: Vec<String>,
    /// The site's disclaimer as scraped (already damaged).
    disclaimer: String,
    damager: Damager,
    seed: u64,
}

/// splitmix64: a tiny, fixed generator, so the corpus never changes with a
/// dependency's version.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = mix(self.0);
        self.0
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

impl Corpus {
    /// Load the material from the crate's root folder (`tests/data/opencc/zuozhuan.txt`,
    /// `fixtures/expected/article.traditional.txt`, `fixtures/article.txt`).
    pub fn load(root: &Path, seed: u64) -> Result<Corpus, String> {
        let read = |rel: &str| {
            let path = root.join(rel);
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
        };
        let traditional = OpenCc::shared().convert(&read("tests/data/opencc/zuozhuan.txt")?, Conversion::S2t);
        let passages: Vec<String> = traditional
            .lines()
            .map(str::trim)
            .filter(|l| (30..=300).contains(&l.chars().count()))
            .map(str::to_owned)
            .collect();
        let article = read("fixtures/expected/article.traditional.txt")?;
        let paragraphs: Vec<String> =
            article.split("\n\n").skip(1).map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect();
        let raw = read("fixtures/article.txt")?;
        let disclaimer = raw.find("(免責聲明").map(|i| raw[i..].trim().to_owned()).unwrap_or_default();
        if passages.is_empty() || paragraphs.is_empty() {
            return Err("the corpus material is empty".into());
        }
        Ok(Corpus { passages, paragraphs, disclaimer, damager: Damager::new(&DamageOptions::default()), seed })
    }

    /// Article number `index`.
    pub fn article(&self, index: usize) -> Generated {
        let mut rng = Rng(self.seed ^ (index as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
        // The title: the first clause of a passage, 6–24 characters, as a headline.
        let mut at = rng.below(self.passages.len());
        let title = loop {
            let passage = &self.passages[at % self.passages.len()];
            let clause = passage.split(['，', '。', '：', '；', '！', '？']).next().unwrap_or(passage);
            if (6..=24).contains(&clause.chars().count()) || at > self.passages.len() * 2 {
                break clause.chars().take(24).collect::<String>();
            }
            at += 1;
        };
        let mut text = self.damage(&title);
        let count = 4 + rng.below(6);
        for _ in 0..count {
            let paragraph = if rng.below(10) < 3 {
                &self.paragraphs[rng.below(self.paragraphs.len())]
            } else {
                &self.passages[rng.below(self.passages.len())]
            };
            text.push_str("\n\n");
            text.push_str(&self.damage(paragraph));
        }
        if rng.below(2) == 0 && !self.disclaimer.is_empty() {
            text.push_str("\n\n");
            text.push_str(&self.disclaimer);
        }
        text.push('\n');
        let (bytes, encoding) = match rng.below(20) {
            0..=14 => (text.into_bytes(), "utf-8"),
            15..=17 => (encoding_rs::GB18030.encode(&text).0.into_owned(), "gb18030"),
            _ => {
                let mut b = vec![0xFF, 0xFE];
                b.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
                (b, "utf-16le")
            }
        };
        Generated { name: format!("gen-{index:05}.txt"), bytes, encoding }
    }

    /// The site's damage with its ASCII punctuation; text GBK cannot hold is
    /// left undamaged (the site could not have served it either way).
    fn damage(&self, clean: &str) -> String {
        let damaged = self.damager.damage(clean).map_or_else(|| clean.to_owned(), |d| d.text);
        damaged.replace('，', ",").replace('：', ":").replace('（', "(").replace('）', ")")
    }
}

/// The crate's root folder, for programs built inside it.
pub fn crate_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}
