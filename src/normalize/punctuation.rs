//! Full-width punctuation in Chinese text: the site folded `，：；？！（）` to
//! ASCII; this pass puts them back where the text around them is Chinese.
//!
//! * `, : ; ? !` become full width when the nearest non-space character on
//!   either side (on the same line) is Chinese — except between two digits
//!   (`1,000`, `10:30`).
//! * A pair `( … )` becomes `（ … ）` when its content holds a Han character,
//!   or when it follows Chinese text directly (`代理(MTA)`); `mount(8)` and
//!   `f(x)` after Latin text stay. An unpaired bracket follows the rule of
//!   the other marks.
//! * Nothing changes inside URLs, e-mail addresses, or `code` in backticks.

use std::ops::Range;

use super::readings::is_han;
use super::tracked::Replacement;

/// Propose the punctuation edits for `text`.
///
/// ```
/// use zharchive::normalize::punctuation::punctuation;
/// let reps = punctuation("6月14日,会上:AGI(通用人工智能),共1,000人,见 https://a.b/c?d=1,2");
/// let full: Vec<&str> = reps.iter().map(|r| r.text.as_str()).collect();
/// assert_eq!(full, ["，", "：", "（", "）", "，", "，"]);
/// ```
pub fn punctuation(text: &str) -> Vec<Replacement> {
    let mut reps = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        // Most lines of Chinese text hold no ASCII punctuation at all.
        if line.bytes().any(|b| matches!(b, b',' | b':' | b';' | b'?' | b'!' | b'(' | b')')) {
            line_edits(line, start, &mut reps);
        }
        start += line.len();
    }
    reps
}

fn line_edits(line: &str, base: usize, reps: &mut Vec<Replacement>) {
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let protected = protected_spans(line);
    let is_protected = |i: usize| protected.iter().any(|r| r.contains(&i));
    let prev_solid = |k: usize| (0..k).rev().find(|&j| !chars[j].1.is_whitespace());
    let next_solid = |k: usize| (k + 1..chars.len()).find(|&j| !chars[j].1.is_whitespace());

    // The marks this pass may convert, and bracket pairs.
    let mut is_mark = vec![false; chars.len()];
    let mut pair_of = vec![None; chars.len()];
    let mut stack = Vec::new();
    for (k, &(i, c)) in chars.iter().enumerate() {
        if !matches!(c, ',' | ':' | ';' | '?' | '!' | '(' | ')') || is_protected(i) {
            continue;
        }
        is_mark[k] = true;
        match c {
            '(' => stack.push(k),
            ')' => {
                if let Some(open) = stack.pop() {
                    pair_of[open] = Some(k);
                    pair_of[k] = Some(open);
                }
            }
            _ => {}
        }
    }

    // A mark converted makes its neighbours' context Chinese, so decisions
    // spread until nothing changes: the result is what a second run would
    // give too (the pass is idempotent). Each mark converts at most once and
    // only its two solid neighbours are looked at again: linear time.
    let mut chinese: Vec<bool> = chars.iter().map(|&(_, c)| is_chinese(c)).collect();
    let mut converted = vec![false; chars.len()];
    let mut work: Vec<usize> = (0..chars.len()).rev().filter(|&k| is_mark[k]).collect();
    while let Some(k) = work.pop() {
        if converted[k] {
            continue;
        }
        let (c, pair) = (chars[k].1, pair_of[k]);
        let convert = match (c, pair) {
            ('(', Some(close)) => bracket_is_chinese(&chars, &chinese, k, close, prev_solid(k)),
            (')', Some(open)) => bracket_is_chinese(&chars, &chinese, open, k, prev_solid(open)),
            _ => {
                let between_digits =
                    k > 0 && k + 1 < chars.len() && chars[k - 1].1.is_ascii_digit() && chars[k + 1].1.is_ascii_digit();
                let near = |j: Option<usize>| j.is_some_and(|j| chinese[j]);
                (near(prev_solid(k)) || near(next_solid(k))) && !between_digits
            }
        };
        if convert {
            for j in std::iter::once(k).chain(pair) {
                converted[j] = true;
                chinese[j] = true;
                work.extend(prev_solid(j).filter(|&n| is_mark[n] && !converted[n]));
                work.extend(next_solid(j).filter(|&n| is_mark[n] && !converted[n]));
            }
        }
    }
    for (k, &(i, c)) in chars.iter().enumerate() {
        if converted[k] {
            reps.push(Replacement::new(base + i..base + i + 1, full_width(c).to_string()));
        }
    }
}

fn bracket_is_chinese(
    chars: &[(usize, char)],
    chinese: &[bool],
    open: usize,
    close: usize,
    before: Option<usize>,
) -> bool {
    before.is_some_and(|b| chinese[b]) || chars[open + 1..close].iter().any(|&(_, c)| is_han(c))
}

/// Han characters and CJK punctuation / full-width forms.
fn is_chinese(c: char) -> bool {
    is_han(c)
        || matches!(c as u32, 0x3000..=0x303F | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65)
        || matches!(c, '“' | '”' | '‘' | '’' | '…' | '—')
}

fn full_width(c: char) -> char {
    match c {
        ',' => '，',
        ':' => '：',
        ';' => '；',
        '?' => '？',
        '!' => '！',
        '(' => '（',
        _ => '）',
    }
}

/// URLs, e-mail addresses and backtick code in `line` (byte ranges).
fn protected_spans(line: &str) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let bytes = line.as_bytes();
    // `code`
    let mut i = 0;
    while let Some(open) = line[i..].find('`') {
        let open = i + open;
        match line[open + 1..].find('`') {
            Some(close) => {
                spans.push(open..open + 1 + close + 1);
                i = open + close + 2;
            }
            None => break,
        }
    }
    // URLs and e-mail: from the scheme / `www.` / the local part, to the first
    // whitespace or non-ASCII character.
    let url_end = |from: usize| {
        line[from..]
            .char_indices()
            .find(|(_, c)| c.is_whitespace() || !c.is_ascii())
            .map_or(line.len(), |(j, _)| from + j)
    };
    for scheme in ["http://", "https://", "ftp://", "www."] {
        let mut from = 0;
        while let Some(p) = line[from..].find(scheme) {
            let s = from + p;
            let e = url_end(s);
            spans.push(s..e);
            from = e.max(s + 1);
        }
    }
    for (at, _) in line.match_indices('@') {
        let local = line[..at]
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_ascii_alphanumeric() || "._%+-".contains(*c))
            .last()
            .map_or(at, |(j, _)| j);
        if local < at && at + 1 < bytes.len() && bytes[at + 1].is_ascii_alphanumeric() {
            spans.push(local..url_end(at));
        }
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str) -> String {
        let mut out = text.to_owned();
        for r in punctuation(text).iter().rev() {
            out.replace_range(r.range.clone(), &r.text);
        }
        out
    }

    #[test]
    fn chinese_text() {
        assert_eq!(apply("会上,被称为:尖峰对话;好吗?好!"), "会上，被称为：尖峰对话；好吗？好！");
        assert_eq!(apply("逼近 AGI,而无法实现"), "逼近 AGI，而无法实现");
        assert_eq!(apply("通往AGI(通用人工智能)之路"), "通往AGI（通用人工智能）之路");
        assert_eq!(apply("邮件传输代理(MTA)"), "邮件传输代理（MTA）");
    }

    #[test]
    fn a_second_run_changes_nothing() {
        // Marks whose context is another mark the pass converts (found by
        // fuzzing: the inner pair followed the outer bracket only on the
        // second run).
        for (t, once) in [
            ("价格战((guān)重要", "价格战（（guān）重要"),
            ("a,(中文", "a，（中文"),
            ("x!,,,,中", "x！，，，，中"),
            ("f(x),(y)中", "f(x),(y)中"),
            ("中,(y),(z)", "中，（y），（z）"),
        ] {
            assert_eq!(apply(t), once, "{t}");
            assert_eq!(apply(once), once, "{once}");
        }
    }

    #[test]
    fn latin_numbers_urls_code() {
        for t in [
            "共1,000人在10:30到场",
            "Hello, world: yes; no? ok!",
            "运行 mount(8) 查看",
            "见 https://example.com/a?b=1,2:3 和 `f(x, y)` 以及 a.b@example.com",
        ] {
            let out = apply(t);
            for kept in [
                "1,000",
                "10:30",
                "mount(8)",
                "https://example.com/a?b=1,2:3",
                "`f(x, y)`",
                "Hello, world: yes; no? ok!",
            ] {
                if t.contains(kept) {
                    assert!(out.contains(kept), "{kept} in {out}");
                }
            }
        }
    }
}
