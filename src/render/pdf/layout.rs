//! Breaking a paragraph into lines: where a line may end, how full it is,
//! and how the space left over is shared out.
//!
//! Three sets of rules decide where a line may end, applied in order:
//!
//! 1. **UAX #14** (`unicode-linebreak`): a break is possible between two
//!    ideographs, after a space, before an opening bracket … but never inside
//!    a Latin word or a number.
//! 2. **Kinsoku** (禁则), the Chinese rules UAX #14 leaves loose: no line
//!    starts with closing punctuation ([`NO_LINE_START`]) and no line ends
//!    with opening punctuation ([`NO_LINE_END`]). A character that would
//!    break a rule is pushed to the next line together with its neighbour.
//! 3. **Overflow**: a single unbreakable run wider than the measure (a long
//!    URL) is split between characters, still honouring kinsoku, since the
//!    alternative is ink past the margin.
//!
//! Lines are filled greedily. Every line but a paragraph's last is then
//! justified: the shortfall is spread over the gaps next to CJK characters
//! and over spaces — never between the letters of a Latin word, where extra
//! space reads as a typo. Between a CJK character and a Latin letter or
//! digit a gap can be added ("autospace", [`Setting::autospace`]), as careful
//! Chinese typesetting does, without writing a space character into the
//! text. It is off by default: text extractors (pdftotext, copy and paste)
//! turn any such gap into a space the article does not have.
//!
//! Everything here is in points and pure: the advance of each character is
//! given by the caller, so the rules are testable without a font.

use unicode_linebreak::{linebreaks, BreakOpportunity};

/// Characters no line may start with (closing punctuation and the like).
pub(crate) const NO_LINE_START: &str = "，。、：；！？）」』】》”’〉〕］｝〗〙﹂﹄,.:;!?)]}%％·…";

/// Characters no line may end with (opening punctuation).
pub(crate) const NO_LINE_END: &str = "（「『【《“‘〈〔［｛〖〘﹁﹃([{";

/// How to set one paragraph.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Setting {
    /// Font size in points.
    pub size: f32,
    /// Line length in points.
    pub measure: f32,
    /// Indent of the first line in points.
    pub indent: f32,
    /// Spread the shortfall of every line but the last.
    pub justify: bool,
    /// Gap between a CJK ideograph and a Latin letter or digit, in points
    /// (0 for none).
    pub autospace: f32,
}

/// One glyph placed on a line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Placed {
    /// The character.
    pub ch: char,
    /// Distance of its left edge from the line's left edge, in points.
    pub x: f32,
    /// Its advance, in points.
    pub width: f32,
}

/// One line of a paragraph.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Line {
    /// The glyphs, left to right (trailing spaces removed).
    pub glyphs: Vec<Placed>,
    /// The whitespace the line was broken at, removed from `glyphs` (it
    /// takes no room on the line) but part of the text.
    pub trailing: String,
}

impl Line {
    /// The inked width: right edge of the last glyph.
    pub fn width(&self) -> f32 {
        self.glyphs.last().map_or(0.0, |g| g.x + g.width)
    }

    /// The line's text (as placed; spaces inside the line included).
    #[cfg(test)]
    pub fn text(&self) -> String {
        self.glyphs.iter().map(|g| g.ch).collect()
    }
}

/// Whether `c` is set on the CJK em grid (ideographs, kana, CJK and
/// full-width punctuation).
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FFF | 0x3000..=0x30FF | 0x3100..=0x31FF | 0x3200..=0x33FF
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFE10..=0xFE1F
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFF)
        || matches!(c, '“' | '”' | '‘' | '’' | '—' | '…' | '·')
}

/// Whether `c` is a CJK ideograph (autospace applies next to these only,
/// not next to punctuation).
fn is_ideograph(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

fn is_latin_alnum(c: char) -> bool {
    // The range test first: most characters of a Chinese text are CJK, and
    // `is_alphanumeric` on them takes the slow path of its Unicode tables.
    !is_cjk(c) && c.is_alphanumeric()
}

/// Extra space wanted between `a` and `b`: `gap` points or none.
fn autospace(a: char, b: char, gap: f32) -> f32 {
    if (is_ideograph(a) && is_latin_alnum(b)) || (is_latin_alnum(a) && is_ideograph(b)) {
        gap
    } else {
        0.0
    }
}

/// Where a line may end: `allowed[i]` is true if a line may start at
/// character `i` (for `0 < i < len`).
fn break_points(chars: &[(usize, char)], text: &str) -> Vec<bool> {
    let mut allowed = vec![false; chars.len() + 1];
    let index_of_byte = |byte: usize| chars.partition_point(|&(b, _)| b < byte);
    for (byte, op) in linebreaks(text) {
        if matches!(op, BreakOpportunity::Allowed | BreakOpportunity::Mandatory) {
            allowed[index_of_byte(byte)] = true;
        }
    }
    for (i, pair) in chars.windows(2).enumerate() {
        if NO_LINE_START.contains(pair[1].1) || NO_LINE_END.contains(pair[0].1) {
            allowed[i + 1] = false;
        }
    }
    allowed
}

/// Break `text` into lines. `advance(c)` is the advance of `c` in em.
pub(crate) fn break_lines(text: &str, setting: &Setting, advance: &dyn Fn(char) -> f32) -> Vec<Line> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    if chars.is_empty() {
        return Vec::new();
    }
    let allowed = break_points(&chars, text);
    let size = setting.size;
    let widths: Vec<f32> = chars.iter().map(|&(_, c)| advance(c) * size).collect();

    // Units: runs between break opportunities.
    let mut units: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    for (i, &ok) in allowed.iter().enumerate().take(chars.len()).skip(1) {
        if ok {
            units.push((start, i));
            start = i;
        }
    }
    units.push((start, chars.len()));

    let mut lines: Vec<Vec<usize>> = Vec::new(); // character indices per line
    let mut current: Vec<usize> = Vec::new();
    let mut x = setting.indent;
    let measure = setting.measure.max(size);
    let fits = |x: f32| x <= measure + 0.01;

    // Width of chars[s..e] placed after character `prev` (None at line start),
    // ignoring trailing spaces.
    let run_width = |prev: Option<usize>, s: usize, e: usize| -> f32 {
        let mut w = 0.0;
        let mut last = prev;
        let mut trimmed = 0.0;
        for i in s..e {
            let gap = last.map_or(0.0, |p| autospace(chars[p].1, chars[i].1, setting.autospace));
            w += gap + widths[i];
            if chars[i].1.is_whitespace() {
                trimmed += gap + widths[i];
            } else {
                trimmed = 0.0;
            }
            last = Some(i);
        }
        w - trimmed
    };

    let mut queue: std::collections::VecDeque<(usize, usize)> = units.into();
    while let Some((s, e)) = queue.pop_front() {
        let prev = current.last().copied();
        let w = run_width(prev, s, e);
        if fits(x + w) {
            for i in s..e {
                let gap = current.last().map_or(0.0, |&p| autospace(chars[p].1, chars[i].1, setting.autospace));
                x += gap + widths[i];
                current.push(i);
            }
            continue;
        }
        if !current.is_empty() {
            lines.push(std::mem::take(&mut current));
            x = 0.0;
            queue.push_front((s, e));
            continue;
        }
        // An unbreakable run wider than the whole line: split it where
        // kinsoku allows, as late as possible, at least one character in.
        let mut cut = s + 1;
        let mut best = None;
        let mut acc = x;
        for i in s..e {
            let gap = if i > s { autospace(chars[i - 1].1, chars[i].1, setting.autospace) } else { 0.0 };
            acc += gap + widths[i];
            if !fits(acc) {
                break;
            }
            let next = i + 1;
            if next < e && !NO_LINE_START.contains(chars[next].1) && !NO_LINE_END.contains(chars[i].1) {
                best = Some(next);
            }
            cut = next.max(s + 1);
        }
        let mut cut = best.unwrap_or(cut).min(e);
        // No allowed place: closing punctuation hangs into the margin rather
        // than start the next line.
        while cut < e && NO_LINE_START.contains(chars[cut].1) {
            cut += 1;
        }
        current.extend(s..cut);
        lines.push(std::mem::take(&mut current));
        x = 0.0;
        if cut < e {
            queue.push_front((cut, e));
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    avoid_runt(&mut lines, &chars, &allowed, |s, e| run_width(None, s, e), measure, size);

    let count = lines.len();
    lines
        .into_iter()
        .enumerate()
        .map(|(n, idx)| {
            let indent = if n == 0 { setting.indent } else { 0.0 };
            let last = n + 1 == count;
            place(&chars, &widths, &idx, indent, setting.autospace, measure, setting.justify && !last)
        })
        .collect()
}

/// A paragraph whose last line holds one or two characters (`开。` alone)
/// takes one more unit from the line before, when that unit is short (at
/// most three ems, so the line it leaves needs only a little more
/// stretching) and fits.
fn avoid_runt(
    lines: &mut [Vec<usize>],
    chars: &[(usize, char)],
    allowed: &[bool],
    width: impl Fn(usize, usize) -> f32,
    measure: f32,
    size: f32,
) {
    let n = lines.len();
    if n < 2 {
        return;
    }
    let visible = lines[n - 1].iter().filter(|&&i| !chars[i].1.is_whitespace()).count();
    let (Some(&start), Some(&prev_last), Some(&end)) = (lines[n - 2].first(), lines[n - 2].last(), lines[n - 1].last())
    else {
        return;
    };
    if visible > 2 {
        return;
    }
    let Some(cut) = (start + 1..=prev_last).rev().find(|&k| allowed[k]) else { return };
    let moved = width(cut, prev_last + 1);
    if moved > 3.0 * size || cut - start < 2 || width(cut, end + 1) > measure + 0.01 {
        return;
    }
    lines[n - 2].truncate(cut - start);
    let mut last: Vec<usize> = (cut..=prev_last).collect();
    last.append(&mut lines[n - 1]);
    lines[n - 1] = last;
}

/// Position the characters `idx` of one line, justifying if asked.
fn place(
    chars: &[(usize, char)],
    widths: &[f32],
    idx: &[usize],
    indent: f32,
    space: f32,
    measure: f32,
    justify: bool,
) -> Line {
    let keep = idx.iter().rposition(|&i| !chars[i].1.is_whitespace()).map_or(0, |p| p + 1);
    let (idx, trailing) = idx.split_at(keep);
    let trailing: String = trailing.iter().map(|&i| chars[i].1).collect();
    let mut glyphs = Vec::with_capacity(idx.len());
    let mut x = indent;
    let mut prev: Option<char> = None;
    for &i in idx {
        let c = chars[i].1;
        x += prev.map_or(0.0, |p| autospace(p, c, space));
        glyphs.push(Placed { ch: c, x, width: widths[i] });
        x += widths[i];
        prev = Some(c);
    }
    let mut line = Line { glyphs, trailing };
    if justify {
        justify_line(&mut line, measure);
    }
    line
}

/// Spread `measure - width` over the gaps that may stretch: next to a CJK
/// character, or after a space. Gaps inside Latin words never stretch.
fn justify_line(line: &mut Line, measure: f32) {
    let slack = measure - line.width();
    if slack <= 0.01 || line.glyphs.len() < 2 {
        return;
    }
    let stretchable = |a: char, b: char| is_cjk(a) || is_cjk(b) || a == ' ';
    let gaps = line.glyphs.windows(2).filter(|w| stretchable(w[0].ch, w[1].ch)).count();
    if gaps == 0 {
        return;
    }
    let per_gap = slack / gaps as f32;
    let mut shift = 0.0;
    for i in 1..line.glyphs.len() {
        if stretchable(line.glyphs[i - 1].ch, line.glyphs[i].ch) {
            shift += per_gap;
        }
        line.glyphs[i].x += shift;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// CJK and full-width punctuation 1 em, everything else half an em.
    fn advance(c: char) -> f32 {
        if is_cjk(c) {
            1.0
        } else {
            0.5
        }
    }

    fn setting(chars_per_line: f32) -> Setting {
        Setting { size: 10.0, measure: chars_per_line * 10.0, indent: 0.0, justify: true, autospace: 0.0 }
    }

    fn texts(text: &str, s: &Setting) -> Vec<String> {
        break_lines(text, s, &advance).iter().map(Line::text).collect()
    }

    #[test]
    fn closing_punctuation_never_starts_a_line() {
        // Five per line: the comma would start line 2; it is pushed out with
        // the character before it.
        let lines = texts("一二三四五，六七八九十。", &setting(5.0));
        assert_eq!(lines, ["一二三四", "五，六七八", "九十。"]);
        for l in &lines {
            let first = l.chars().next().unwrap();
            assert!(!NO_LINE_START.contains(first), "{l}");
        }
    }

    #[test]
    fn every_forbidden_start_is_kept_off_line_starts() {
        for p in "，。、：；！？）」』】》”".chars() {
            let text = format!("一二三四五{p}六七八九");
            for l in texts(&text, &setting(5.0)) {
                assert!(!l.starts_with(p), "{p}: {l}");
            }
        }
    }

    #[test]
    fn opening_punctuation_never_ends_a_line() {
        for p in "（「『【《“".chars() {
            let text = format!("一二三四{p}五六七八九");
            let lines = texts(&text, &setting(5.0));
            for l in &lines {
                assert!(!l.ends_with(p), "{p}: {lines:?}");
            }
        }
    }

    #[test]
    fn latin_words_and_numbers_are_not_split() {
        let lines = texts("一二三Scaling Law四五2024年", &setting(6.0));
        assert!(lines.iter().any(|l| l.contains("Scaling")), "{lines:?}");
        assert!(lines.iter().any(|l| l.contains("2024")), "{lines:?}");
        assert_eq!(lines.concat().replace(' ', ""), "一二三ScalingLaw四五2024年");
    }

    #[test]
    fn overlong_runs_are_split_rather_than_overflow() {
        let s = setting(4.0);
        let lines = break_lines("https://example.org/a/very/long/path", &s, &advance);
        assert!(lines.len() > 1);
        for l in &lines {
            assert!(l.width() <= s.measure + 0.01, "{}", l.text());
        }
    }

    #[test]
    fn cjk_lines_are_justified_to_the_measure_and_the_last_is_not() {
        // The comma pushes 五 to line 2, so line 1 is one em short and must
        // be spread across its three gaps.
        let s = setting(5.0);
        let lines = break_lines("一二三四五，六七八九十。", &s, &advance);
        assert!((lines[0].width() - s.measure).abs() < 0.01);
        let xs: Vec<f32> = lines[0].glyphs.iter().map(|g| g.x).collect();
        assert!((xs[1] - xs[0] - (xs[3] - xs[2])).abs() < 0.01, "even gaps: {xs:?}");
        let last = lines.last().unwrap();
        assert!(last.width() < s.measure - 1.0, "last line is not stretched");
        assert_eq!(last.glyphs[1].x, 10.0);
    }

    #[test]
    fn latin_letters_are_not_spread_apart() {
        let s = setting(8.0);
        let lines = break_lines("一二AGI三四五六七八九十", &s, &advance);
        let g = &lines[0].glyphs;
        let a = g.iter().position(|p| p.ch == 'A').unwrap();
        assert!((g[a + 1].x - g[a].x - 5.0).abs() < 0.01, "A→G is its advance");
        assert!((g[a + 2].x - g[a + 1].x - 5.0).abs() < 0.01, "G→I is its advance");
    }

    #[test]
    fn first_line_is_indented_and_autospace_separates_scripts() {
        let s = Setting { indent: 20.0, autospace: 2.5, ..setting(10.0) };
        let lines = break_lines("中文AI", &s, &advance);
        let g = &lines[0].glyphs;
        assert_eq!(g[0].x, 20.0);
        assert!((g[2].x - (20.0 + 20.0 + 2.5)).abs() < 0.01, "{g:?}");
    }

    #[test]
    fn a_last_line_of_one_or_two_characters_takes_one_more() {
        let lines = texts("一二三四五六七八九十。", &setting(5.0));
        assert_eq!(lines, ["一二三四五", "六七八", "九十。"]);
        let s = setting(5.0);
        let placed = break_lines("一二三四五六七八九十。", &s, &advance);
        assert!((placed[1].width() - s.measure).abs() < 0.01, "the shortened line is still justified");
    }

    #[test]
    fn no_text_is_lost() {
        let text = "本次论坛由智源人工智能研究院院长王仲远主持，在对话中，百川智能创始人、CEO王小川，月之暗面创始人、CEO杨植麟，智谱AI CEO张鹏共同探讨了（通用人工智能）“价格战”。";
        let mut broken_at_a_space = false;
        for n in [3.0, 7.0, 12.5, 40.0] {
            let lines = break_lines(text, &setting(n), &advance);
            let joined: String = lines.iter().map(|l| l.text() + &l.trailing).collect();
            assert_eq!(joined, text, "{n}");
            broken_at_a_space |= lines.iter().any(|l| l.trailing == " ");
        }
        assert!(broken_at_a_space, "no measure broke a line at the space: the test tests nothing");
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// Ideographs, punctuation of both kinds, Latin, digits and spaces.
        const ALPHABET: &[char] = &[
            '中', '文', '字', '体', '测', '试', '，', '。', '、', '：', '！', '？', '）', '」', '》', '”', '（', '「',
            '《', '“', 'A', 'g', 'I', '2', '0', ' ', '—', '…', '·', '%',
        ];

        proptest! {
            #[test]
            fn lines_keep_every_character_and_the_measure(
                chars in proptest::collection::vec(proptest::sample::select(ALPHABET), 0..200),
                ems in 3.0f32..30.0,
                indent in 0.0f32..2.0,
            ) {
                let text: String = chars.into_iter().collect();
                let s = Setting { indent: indent * 10.0, ..setting(ems) };
                let lines = break_lines(&text, &s, &advance);
                // Every character, spaces included, is on a line or the
                // whitespace a line was broken at.
                let joined: String = lines.iter().map(|l| l.text() + &l.trailing).collect();
                prop_assert_eq!(joined, text);
                for l in &lines {
                    // Only closing punctuation may hang past the measure.
                    let body = l.glyphs.iter().rposition(|g| !NO_LINE_START.contains(g.ch)).map_or(0, |i| i + 1);
                    let inked = l.glyphs[..body].last().map_or(0.0, |g| g.x + g.width);
                    prop_assert!(inked <= s.measure + 0.01 || body <= 1, "{} > {}", inked, s.measure);
                    for w in l.glyphs.windows(2) {
                        prop_assert!(w[1].x >= w[0].x + w[0].width - 0.01, "glyphs overlap in {}", l.text());
                    }
                }
            }

            #[test]
            fn plain_chinese_prose_never_breaks_kinsoku(
                words in proptest::collection::vec(
                    proptest::sample::select(&["中文", "测试", "，", "。", "、", "（字体）", "“引号”", "《书名》", "AGI", "2024"][..]),
                    1..60,
                ),
                ems in 6.0f32..30.0,
            ) {
                let text: String = words.concat();
                let lines = texts(&text, &setting(ems));
                // The text's own first and last characters aside: every line
                // start and end is a break the line breaker chose.
                for l in &lines[1..] {
                    let first = l.chars().next().unwrap_or(' ');
                    prop_assert!(!NO_LINE_START.contains(first), "{:?} starts a line in {:?}", first, lines);
                }
                for l in &lines[..lines.len() - 1] {
                    let last = l.chars().last().unwrap_or(' ');
                    prop_assert!(!NO_LINE_END.contains(last), "{:?} ends a line in {:?}", last, lines);
                }
            }
        }
    }
}
