//! Script conversion: Simplified ⇄ Traditional (standard, Taiwan, Hong Kong)
//! with OpenCC's dictionaries, behind a small [`Converter`] trait.
//!
//! The default backend, [`OpenCc`], is `opencc-fmmseg`: pure Rust, with
//! OpenCC's dictionary files embedded (`assets/opencc`). Loading all of them
//! costs tens of milliseconds, more than normalising an article, so each
//! conversion stage (`s2t`, `t2tw`, …) builds its own converter from only the
//! files it reads, on first use, shared by the whole process; detecting the
//! script of one text reads only the entries its characters can match.
//! Another backend plugs in by implementing [`Converter`] and calling
//! [`crate::normalize_with`].
//!
//! A user dictionary ([`crate::Options::user_dictionary`]) is layered over the
//! converter: its phrases are matched first (longest match) and replaced
//! verbatim, and only the text between them goes through the converter.

mod stages;

use compact_str::CompactString;

use super::tracked::Replacement;
use crate::article::Script;
use crate::options::TargetScript;

/// An OpenCC conversion configuration.
///
/// ```
/// use zharchive::normalize::script::{Conversion, Converter, OpenCc};
/// let cc = OpenCc::shared();
/// assert_eq!(cc.convert("软件", Conversion::S2t), "軟件");
/// assert_eq!(cc.convert("软件", Conversion::S2twp), "軟體"); // with Taiwan phrases
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Conversion {
    /// Simplified → Traditional.
    S2t,
    /// Simplified → Taiwan.
    S2tw,
    /// Simplified → Taiwan with phrases.
    S2twp,
    /// Simplified → Hong Kong.
    S2hk,
    /// Simplified → Hong Kong with phrases.
    S2hkp,
    /// Traditional → Simplified.
    T2s,
    /// Traditional → Taiwan.
    T2tw,
    /// Traditional → Taiwan with phrases.
    T2twp,
    /// Traditional → Hong Kong.
    T2hk,
    /// Traditional → Hong Kong with phrases.
    T2hkp,
    /// Taiwan → Simplified.
    Tw2s,
    /// Taiwan → Simplified with phrases.
    Tw2sp,
    /// Hong Kong → Simplified.
    Hk2s,
}

impl Conversion {
    /// OpenCC's name for it (`t2s`, `s2twp` …).
    ///
    /// ```
    /// use zharchive::normalize::script::Conversion;
    /// assert_eq!(Conversion::T2s.name(), "t2s");
    /// assert_eq!(Conversion::S2twp.name(), "s2twp");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Conversion::S2t => "s2t",
            Conversion::S2tw => "s2tw",
            Conversion::S2twp => "s2twp",
            Conversion::S2hk => "s2hk",
            Conversion::S2hkp => "s2hkp",
            Conversion::T2s => "t2s",
            Conversion::T2tw => "t2tw",
            Conversion::T2twp => "t2twp",
            Conversion::T2hk => "t2hk",
            Conversion::T2hkp => "t2hkp",
            Conversion::Tw2s => "tw2s",
            Conversion::Tw2sp => "tw2sp",
            Conversion::Hk2s => "hk2s",
        }
    }

    /// The conversion that takes text in `source` script to `target`
    /// (`None` to keep the text as it is).
    ///
    /// ```
    /// use zharchive::{Script, TargetScript, normalize::script::Conversion};
    /// assert_eq!(Conversion::for_target(Script::Traditional, TargetScript::Simplified), Some(Conversion::T2s));
    /// assert_eq!(Conversion::for_target(Script::Simplified, TargetScript::TaiwanPhrases), Some(Conversion::S2twp));
    /// assert_eq!(Conversion::for_target(Script::Simplified, TargetScript::Keep), None);
    /// ```
    pub fn for_target(source: Script, target: TargetScript) -> Option<Conversion> {
        let from_simplified = matches!(source, Script::Simplified);
        Some(match target {
            TargetScript::Keep => return None,
            // t2s also turns stray Traditional forms in Simplified text.
            TargetScript::Simplified => Conversion::T2s,
            TargetScript::Traditional => Conversion::S2t,
            TargetScript::Taiwan if from_simplified => Conversion::S2tw,
            TargetScript::Taiwan => Conversion::T2tw,
            TargetScript::TaiwanPhrases if from_simplified => Conversion::S2twp,
            TargetScript::TaiwanPhrases => Conversion::T2twp,
            TargetScript::HongKong if from_simplified => Conversion::S2hk,
            TargetScript::HongKong => Conversion::T2hk,
            TargetScript::HongKongPhrases if from_simplified => Conversion::S2hkp,
            TargetScript::HongKongPhrases => Conversion::T2hkp,
        })
    }
}

/// A script converter backend.
///
/// ```
/// use zharchive::{Conversion, Converter, OpenCc, Script};
/// fn simplify(converter: &dyn Converter, text: &str) -> String {
///     match converter.detect(text) {
///         Script::Simplified | Script::Unknown => text.to_owned(),
///         _ => converter.convert(text, Conversion::T2s),
///     }
/// }
/// assert_eq!(simplify(OpenCc::shared(), "會議"), "会议");
/// ```
pub trait Converter: Send + Sync {
    /// Name and version, recorded in the TEI header (`opencc-fmmseg 0.13`).
    ///
    /// ```
    /// use zharchive::{Converter, OpenCc};
    /// assert!(OpenCc::shared().name().starts_with("opencc-fmmseg"));
    /// ```
    fn name(&self) -> String;
    /// Convert `text`.
    ///
    /// ```
    /// use zharchive::{Conversion, Converter, OpenCc};
    /// assert_eq!(OpenCc::shared().convert("鼠标", Conversion::S2twp), "滑鼠");
    /// ```
    fn convert(&self, text: &str, conversion: Conversion) -> String;
    /// Which script `text` is mostly written in.
    ///
    /// ```
    /// use zharchive::{Converter, OpenCc, Script};
    /// assert_eq!(OpenCc::shared().detect("這是繁體中文"), Script::Traditional);
    /// assert_eq!(OpenCc::shared().detect("这是简体中文"), Script::Simplified);
    /// assert_eq!(OpenCc::shared().detect("plain ASCII"), Script::Unknown);
    /// ```
    fn detect(&self, text: &str) -> Script;
}

/// OpenCC's dictionaries through `opencc-fmmseg`.
///
/// ```
/// use zharchive::{Conversion, Converter, OpenCc};
/// let cc = OpenCc::shared();
/// assert_eq!(cc.convert("会议", Conversion::S2t), "會議");
/// assert_eq!(cc.convert("會議", Conversion::T2s), "会议");
/// ```
pub struct OpenCc {
    // The dictionaries live in `stages`, loaded per conversion on first use.
    _private: (),
}

impl OpenCc {
    /// The process-wide converter. Each conversion loads the OpenCC
    /// dictionaries it needs the first time it runs, and keeps them.
    ///
    /// ```
    /// use zharchive::normalize::script::{Conversion, Converter, OpenCc};
    /// assert_eq!(OpenCc::shared().convert("會議", Conversion::T2s), "会议");
    /// ```
    pub fn shared() -> &'static OpenCc {
        static SHARED: OpenCc = OpenCc { _private: () };
        &SHARED
    }

    /// Load the dictionaries of `conversion` now rather than on first use.
    ///
    /// Until a conversion is loaded, script detection builds tables cut down
    /// to each text it samples, which is quicker for a process that handles
    /// one article and wasted work for a batch. A batch can load what it
    /// needs up front, on several threads at once: detection uses
    /// [`Conversion::T2s`] and [`Conversion::S2t`].
    ///
    /// ```
    /// use zharchive::normalize::script::{Conversion, Converter, OpenCc};
    /// let cc = OpenCc::shared();
    /// rayon::join(|| cc.load(Conversion::T2s), || cc.load(Conversion::S2t));
    /// assert_eq!(cc.convert("會議", Conversion::T2s), "会议");
    /// ```
    pub fn load(&self, conversion: Conversion) {
        stages::load(conversion);
    }
}

impl std::fmt::Debug for OpenCc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OpenCc(opencc-fmmseg)")
    }
}

/// Inputs shorter than this are converted on the calling thread: fanning
/// out costs more than it saves on an article.
const PARALLEL_THRESHOLD: usize = 256 * 1024;

/// Texts up to this size are detected with tables cut down to their
/// characters (`stages::convert_sample`); longer ones meet most of the
/// entries, and load the shared tables instead.
const DETECTION_SAMPLE: usize = 64 * 1024;

impl Converter for OpenCc {
    fn name(&self) -> String {
        "opencc-fmmseg 0.13 (OpenCC dictionaries)".to_owned()
    }

    fn convert(&self, text: &str, conversion: Conversion) -> String {
        if text.len() < PARALLEL_THRESHOLD || rayon::current_thread_index().is_some() {
            return stages::convert(text, conversion);
        }
        // Phrases never span a line break, so lines convert independently.
        use rayon::prelude::*;
        let chunks = split_at_lines(text, PARALLEL_THRESHOLD / 4);
        chunks.par_iter().map(|chunk| stages::convert(chunk, conversion)).collect::<Vec<_>>().concat()
    }

    fn detect(&self, text: &str) -> Script {
        // A sample (what `normalize` passes) is converted with tables cut down
        // to it, so that detection does not load the whole `s2t` dictionary
        // in runs that never convert to Traditional.
        let convert = |conversion| {
            if text.len() <= DETECTION_SAMPLE {
                stages::convert_sample(text, conversion)
            } else {
                self.convert(text, conversion)
            }
        };
        let has_han = || text.chars().any(super::readings::is_han);
        let simplified_changes = count_differences(text, &convert(Conversion::T2s));
        // A text `t2s` leaves alone is Simplified if it has Han characters,
        // whatever `s2t` would change (see below): no need to run it.
        if simplified_changes == 0 && has_han() {
            return Script::Simplified;
        }
        let traditional_changes = count_differences(text, &convert(Conversion::S2t));
        match (simplified_changes, traditional_changes) {
            (0, 0) => {
                if has_han() {
                    Script::Simplified
                } else {
                    Script::Unknown
                }
            }
            (t, s) if t >= s => Script::Traditional,
            _ => Script::Simplified,
        }
    }
}

/// Split `text` into pieces of about `size` bytes, each ending at a line
/// break (or the end).
fn split_at_lines(text: &str, size: usize) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut rest = text;
    while rest.len() > size {
        // Search bytes: `size` need not be a char boundary, but '\n' always is.
        let cut = rest.as_bytes()[size..].iter().position(|&b| b == b'\n').map_or(rest.len(), |i| size + i + 1);
        let (piece, tail) = rest.split_at(cut);
        pieces.push(piece);
        rest = tail;
    }
    if !rest.is_empty() {
        pieces.push(rest);
    }
    pieces
}

fn count_differences(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).filter(|(x, y)| x != y).count()
}

/// Convert `text` with `conversion`, honouring the user dictionary, and
/// propose the edits (runs of changed characters).
///
/// ```
/// use zharchive::normalize::script::{convert, Conversion, OpenCc};
/// let dict = vec![("乾隆".to_owned(), "乾隆".to_owned())];
/// let reps = convert("乾隆會見", Conversion::T2s, OpenCc::shared(), &dict);
/// assert_eq!(reps.len(), 1);
/// assert_eq!(reps[0].text, "会见");
/// ```
pub fn convert(
    text: &str,
    conversion: Conversion,
    converter: &dyn Converter,
    user_dictionary: &[(String, String)],
) -> Vec<Replacement> {
    convert_from(text, Script::Unknown, conversion, converter, user_dictionary)
}

/// [`convert`] a text whose script was detected as `source`: when that is
/// already the target's script, the converter's edits are narrowed to stray
/// characters of the other script ([`keep_stray_forms`]); the user
/// dictionary's edits are always kept. This is what the pipeline runs.
///
/// ```
/// use zharchive::normalize::script::{convert_from, Conversion, OpenCc};
/// use zharchive::Script;
/// let reps = convert_from("苧烯和會", Script::Simplified, Conversion::T2s, OpenCc::shared(), &[]);
/// assert_eq!(reps.len(), 1);
/// assert_eq!(reps[0].text, "会");
/// ```
pub fn convert_from(
    text: &str,
    source: Script,
    conversion: Conversion,
    converter: &dyn Converter,
    user_dictionary: &[(String, String)],
) -> Vec<Replacement> {
    // The variants OpenCC's tables miss come before the user's dictionary,
    // which wins over them (the last longest match is taken).
    let extras = missing_variants(conversion);
    let with_extras: Vec<(String, String)>;
    let user_dictionary = if extras.iter().any(|(from, _)| text.contains(from)) {
        with_extras = extras
            .iter()
            .map(|&(from, to)| (from.to_owned(), to.to_owned()))
            .chain(user_dictionary.iter().cloned())
            .collect();
        &with_extras[..]
    } else {
        user_dictionary
    };
    let mut replacements = Vec::new();
    let mut from = 0;
    let piece = |range: std::ops::Range<usize>, out: &mut Vec<Replacement>| {
        let mut reps = Vec::new();
        convert_piece(text, range, conversion, converter, &mut reps);
        let kept = keep_stray_forms(text, reps, source, conversion);
        // Without a user dictionary there is one piece: take its edits
        // as they are rather than copy a book's worth of them.
        if out.is_empty() {
            *out = kept;
        } else {
            out.extend(kept);
        }
    };
    for (range, to) in user_matches(text, user_dictionary) {
        piece(from..range.start, &mut replacements);
        if text[range.clone()] != *to {
            replacements.push(Replacement::new(range.clone(), to));
        }
        from = range.end;
    }
    piece(from..text.len(), &mut replacements);
    replacements
}

/// Keep only the edits a text already in the target's script needs: those
/// of *stray* characters of the other script.
///
/// OpenCC's character tables chain: `t2s` maps 薴 to 苧 and 苧 (the
/// Traditional form of 苎) to 苎, so converting Simplified text again would
/// turn the 苧 the first run wrote (as in 苧烯) into 苎; `s2t` chains the
/// same way (苎 → 苧 → 薴). When the source already is in the target's
/// script (`source`), a character the conversion itself writes for another
/// one is taken as written, and only the others are converted (么 in
/// Traditional text still becomes 麼, 會 in Simplified text 会). Runs of
/// changed characters are judged character by character (a conversion that
/// changes a run's length is kept only if none of its characters is such
/// an output). Without this, normalising its own output changed the text.
///
/// ```
/// use zharchive::normalize::script::{convert, keep_stray_forms, Conversion, OpenCc};
/// use zharchive::Script;
/// let text = "苧烯和會";
/// let all = convert(text, Conversion::T2s, OpenCc::shared(), &[]);
/// assert_eq!(all.len(), 2); // 苧 → 苎 and 會 → 会
/// let kept = keep_stray_forms(text, all, Script::Simplified, Conversion::T2s);
/// assert_eq!(kept.len(), 1);
/// assert_eq!(kept[0].text, "会");
/// ```
pub fn keep_stray_forms(
    text: &str,
    replacements: Vec<Replacement>,
    source: Script,
    conversion: Conversion,
) -> Vec<Replacement> {
    let regular: fn(char) -> bool = match (source, conversion) {
        (Script::Simplified, Conversion::T2s) => stages::is_t2s_output,
        (Script::Traditional, Conversion::S2t) => stages::is_s2t_output,
        _ => return replacements,
    };
    let mut kept = Vec::with_capacity(replacements.len());
    for rep in replacements {
        let old = &text[rep.range.clone()];
        if old.chars().count() != rep.text.chars().count() {
            if !old.chars().any(regular) {
                kept.push(rep);
            }
            continue;
        }
        let mut at = rep.range.start;
        for (a, b) in old.chars().zip(rep.text.chars()) {
            if a != b && !regular(a) {
                kept.push(Replacement::new(at..at + a.len_utf8(), b.to_string()));
            }
            at += a.len_utf8();
        }
    }
    kept
}

/// The Simplified form of one character by OpenCC's character table alone
/// (no phrases): what the repair's word model scores its candidates in.
pub(crate) fn simplified_char(c: char) -> char {
    stages::t2s_character(c)
}

/// The script a character alone belongs to, by OpenCC's character tables:
/// written only in Traditional text (`風`: converted to Simplified), only in
/// Simplified text (`风`: converted to Traditional), or in both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CharScript {
    Both,
    /// `kept`: a table keeps it as it is in some words (`后`, Simplified,
    /// is `後` in Traditional text but `后` in 皇后).
    Traditional {
        kept: bool,
    },
    Simplified {
        kept: bool,
    },
}

/// The [`CharScript`] of `c`: whether OpenCC's character tables convert it
/// to Simplified (a Traditional form), to Traditional (a Simplified form),
/// or neither or both.
pub(crate) fn char_script(c: char) -> CharScript {
    use stages::form;
    let forms = stages::character_forms().get(c as usize).copied().unwrap_or(0);
    let kept = forms & form::KEPT != 0;
    match (forms & form::TO_SIMPLIFIED != 0, forms & form::TO_TRADITIONAL != 0) {
        (true, false) => CharScript::Traditional { kept },
        (false, true) => CharScript::Simplified { kept },
        _ => CharScript::Both,
    }
}

/// Leftmost-longest matches of the user dictionary's phrases.
/// Variant characters that OpenCC's tables leave as they are when they
/// convert to Simplified (`陜`, a variant of 陝; `瞇`, the Traditional form
/// of 眯), seen on real pages: layered over the converter like a user
/// dictionary, for conversions to Simplified only.
///
/// ```
/// let article = zharchive::normalize("標題\n\n陜西的瞇眼。".as_bytes(), &Default::default())?;
/// assert_eq!(article.body_text(), "陕西的眯眼。");
/// # Ok::<(), zharchive::Error>(())
/// ```
pub fn missing_variants(conversion: Conversion) -> &'static [(&'static str, &'static str)] {
    const TO_SIMPLIFIED: &[(&str, &str)] = &[("陜", "陕"), ("瞇", "眯")];
    match conversion {
        Conversion::T2s | Conversion::Tw2s | Conversion::Tw2sp | Conversion::Hk2s => TO_SIMPLIFIED,
        _ => &[],
    }
}

fn user_matches<'d>(text: &str, dict: &'d [(String, String)]) -> Vec<(std::ops::Range<usize>, &'d str)> {
    let mut matches = Vec::new();
    if dict.iter().all(|(from, _)| from.is_empty()) {
        return matches;
    }
    let mut pos = 0;
    while pos < text.len() {
        let rest = &text[pos..];
        let best = dict
            .iter()
            .filter(|(from, _)| !from.is_empty() && rest.starts_with(from.as_str()))
            .max_by_key(|(from, _)| from.len());
        match best {
            Some((from, to)) => {
                matches.push((pos..pos + from.len(), to.as_str()));
                pos += from.len();
            }
            None => pos += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    matches
}

/// Convert `text[range]` and record runs of changed characters.
fn convert_piece(
    text: &str,
    range: std::ops::Range<usize>,
    conversion: Conversion,
    converter: &dyn Converter,
    out: &mut Vec<Replacement>,
) {
    if range.is_empty() {
        return;
    }
    let piece = &text[range.clone()];
    let converted = converter.convert(piece, conversion);
    if converted == piece {
        return;
    }
    if piece.chars().count() == converted.chars().count() {
        // Room for a run of changes every eight bytes: more than t2s makes
        // on Traditional text. Capacity that is never written costs no
        // memory, while growing by doubling copies every edit again.
        out.reserve(piece.len() / 8);
        diff_aligned(piece, &converted, range.start, out);
    } else if piece.contains('\n') {
        // Phrase conversion changed lengths somewhere: narrow down by line.
        let mut start = range.start;
        for line in piece.split_inclusive('\n') {
            convert_piece(text, start..start + line.len(), conversion, converter, out);
            start += line.len();
        }
    } else {
        out.push(Replacement::new(range, converted));
    }
}

/// Character-aligned diff: one replacement per run of changed characters.
fn diff_aligned(old: &str, new: &str, base: usize, out: &mut Vec<Replacement>) {
    let mut run: Option<(usize, usize, CompactString)> = None;
    let mut offset = 0;
    for (a, b) in old.chars().zip(new.chars()) {
        if a != b {
            match &mut run {
                Some((_, end, s)) => {
                    *end = offset + a.len_utf8();
                    s.push(b);
                }
                None => run = Some((offset, offset + a.len_utf8(), CompactString::from(&*b.encode_utf8(&mut [0; 4])))),
            }
        } else if let Some((s, e, t)) = run.take() {
            out.push(Replacement::new(base + s..base + e, t));
        }
        offset += a.len_utf8();
    }
    if let Some((s, e, t)) = run {
        out.push(Replacement::new(base + s..base + e, t));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalising_twice_does_not_walk_opencc_chains() {
        // 薴 → 苧 (t2s), and t2s maps 苧 on to 苎; 苎 → 苧 (s2t), and s2t
        // maps 苧 on to 薴. Found by fuzzing (normalize target).
        for (text, target) in [("薴烯和會議", TargetScript::Simplified), ("苎麻和么", TargetScript::Traditional)]
        {
            let options = crate::Options { script: target, ..crate::Options::default() };
            let once = crate::normalize(text.as_bytes(), &options).unwrap().plain_text();
            let twice = crate::normalize(once.as_bytes(), &options).unwrap().plain_text();
            assert_eq!(once, twice, "{text}");
        }
        let options = crate::Options { script: TargetScript::Traditional, ..crate::Options::default() };
        assert!(crate::normalize("苎麻和么".as_bytes(), &options).unwrap().plain_text().contains("麼"));
    }

    #[test]
    fn large_inputs_split_at_line_breaks() {
        let text = "會議紀錄\n".repeat(40_000);
        let pieces = split_at_lines(&text, 1001);
        assert_eq!(pieces.concat(), text);
        assert!(pieces.iter().all(|p| p.ends_with('\n')));
        let converted = OpenCc::shared().convert(&text, Conversion::T2s);
        assert_eq!(converted, "会议纪录\n".repeat(40_000));
    }

    #[test]
    fn detects_scripts() {
        let cc = OpenCc::shared();
        assert_eq!(cc.detect("為期兩天的大會在北京順利召開"), Script::Traditional);
        assert_eq!(cc.detect("为期两天的大会在北京顺利召开"), Script::Simplified);
        assert_eq!(cc.detect("hello"), Script::Unknown);
    }

    #[test]
    fn runs_of_changes() {
        let reps = convert("大會在北京", Conversion::T2s, OpenCc::shared(), &[]);
        assert_eq!(reps, vec![Replacement::new(3..6, "会")]);
    }

    #[test]
    fn user_dictionary_overrides() {
        let dict = vec![("艳".to_owned(), "艷".to_owned())];
        let reps = convert("鲜艳的花", Conversion::S2t, OpenCc::shared(), &dict);
        let mut text = "鲜艳的花".to_owned();
        for r in reps.iter().rev() {
            text.replace_range(r.range.clone(), &r.text);
        }
        assert_eq!(text, "鮮艷的花");
    }
}
