//! Line structure: the title, the paragraphs, and the whitespace between.
//!
//! After this pass the text is exactly `title\n\nparagraph\n\nparagraph…`:
//! no leading or trailing whitespace on any line (U+3000 indents included),
//! runs of spaces and tabs inside a line collapsed to one space, blank lines
//! collapsed to one, and wrapped lines joined. Joining follows the rule
//! readers of Chinese expect: a line break becomes a space only between two
//! Latin letters or digits (`啊啊啊\n啊啊啊` is one run of text).
//!
//! Which line breaks are wrapping is set by [`LineBreaks`]; by default, if
//! the body has blank lines they separate paragraphs and single breaks are
//! wrapping, otherwise every line is a paragraph. The first non-empty line is
//! the title and always stands alone. A first line longer than any title
//! ([`MAX_TITLE_CHARS`]: a scrape that lost its line breaks puts the whole
//! article there) was split earlier by [`split_long_title`]: its first
//! sentence (or first [`MAX_TITLE_CHARS`] characters, cut between words) is
//! the title, the rest the first paragraph, and a warning says so.

use super::tracked::Replacement;
use super::PassNote;
use crate::options::LineBreaks;

/// The longest first line taken whole as the title, in characters. Chinese
/// headlines run to a few dozen characters; a few hundred is body text.
pub const MAX_TITLE_CHARS: usize = 200;

/// Propose the structural edits for `text`.
///
/// ```
/// use zharchive::{normalize::structure::structure, LineBreaks};
/// let text = "　标题 \n\n第一段\n接着写。\n\n\n  第二段 AGI\nmodel";
/// let reps = structure(text, LineBreaks::Auto);
/// let mut out = text.to_owned();
/// for r in reps.iter().rev() { out.replace_range(r.range.clone(), &r.text); }
/// assert_eq!(out, "标题\n\n第一段接着写。\n\n第二段 AGI model");
/// ```
pub fn structure(text: &str, mode: LineBreaks) -> Vec<Replacement> {
    structure_with(text, mode, &[])
}

/// [`structure`], with lines that stand alone whatever the mode: the head
/// metadata lines ([`super::head`]), each its own block, never joined to a
/// neighbour, and not counted when telling how the body is laid out.
///
/// ```
/// use zharchive::{normalize::structure::structure_with, LineBreaks};
/// let text = "标题\n2017-08-03\n体育时空 2017年7期\n\n第一行\n第二行\n\n二段";
/// let reps = structure_with(text, LineBreaks::Auto, &[7..17, 18..31]);
/// let mut out = text.to_owned();
/// for r in reps.iter().rev() { out.replace_range(r.range.clone(), &r.text); }
/// assert_eq!(out, "标题\n\n2017-08-03\n\n体育时空 2017年7期\n\n第一行第二行\n\n二段");
/// ```
pub fn structure_with(text: &str, mode: LineBreaks, standalone: &[std::ops::Range<usize>]) -> Vec<Replacement> {
    // Lines with their byte ranges (without the '\n').
    let mut lines = Vec::new();
    let mut start = 0;
    for line in text.split('\n') {
        lines.push(start..start + line.len());
        start += line.len() + 1;
    }
    let blank = |r: &std::ops::Range<usize>| text[r.clone()].chars().all(is_space);
    let alone = |k: usize| standalone.iter().any(|s| s.start < lines[k].end && lines[k].start < s.end);
    let Some(title) = lines.iter().position(|r| !blank(r)) else {
        return if text.is_empty() { Vec::new() } else { vec![Replacement::delete(0..text.len())] };
    };
    // The body's own lines: neither blank nor standing alone; the first is
    // the title. Blank lines between them (one after the title says
    // nothing) tell how the body is laid out.
    let solid: Vec<usize> = (0..lines.len()).filter(|&k| !blank(&lines[k]) && !alone(k)).collect();
    let body_title = solid.first().copied();
    let body_has_blank_lines = solid.len() > 2 && lines[solid[1] + 1..solid[solid.len() - 1]].iter().any(blank);
    let wrapped = match mode {
        LineBreaks::Wrapped => true,
        LineBreaks::Paragraphs => false,
        LineBreaks::Auto => body_has_blank_lines,
    };

    let mut reps = Vec::new();
    let mut prev: Option<(usize, std::ops::Range<usize>)> = None; // (index, trimmed range)
    for (k, r) in lines.iter().enumerate().skip(title) {
        if blank(r) {
            continue;
        }
        let line = &text[r.clone()];
        let lead = line.len() - line.trim_start_matches(is_space).len();
        let trail = line.len() - line.trim_end_matches(is_space).len();
        let trimmed = r.start + lead..r.end - trail;
        if prev.is_none() && trimmed.start > 0 {
            // Everything before the title goes.
            reps.push(Replacement::delete(0..trimmed.start));
        }
        inner_spaces(text, trimmed.clone(), &mut reps);
        if let Some((p, prev_trimmed)) = &prev {
            let gap = prev_trimmed.end..trimmed.start;
            let blank_between = lines[p + 1..k].iter().any(blank);
            let separator =
                if *p == title || Some(*p) == body_title || blank_between || !wrapped || alone(*p) || alone(k) {
                    "\n\n"
                } else {
                    let before = text[..prev_trimmed.end].chars().next_back();
                    let after = text[trimmed.start..].chars().next();
                    if before.is_some_and(|c| c.is_ascii_alphanumeric())
                        && after.is_some_and(|c| c.is_ascii_alphanumeric())
                    {
                        " "
                    } else {
                        ""
                    }
                };
            reps.push(Replacement::new(gap, separator));
        }
        prev = Some((k, trimmed));
    }
    if let Some((_, last)) = prev {
        if last.end < text.len() {
            reps.push(Replacement::delete(last.end..text.len()));
        }
    }
    reps
}

/// Split a first line too long to be a title: a paragraph break after its
/// first sentence (see [`MAX_TITLE_CHARS`]), with a `title-too-long` note.
///
/// This runs before the boilerplate pass, not inside [`structure`]: the
/// paragraph it starts is a line like any other, and a boilerplate line
/// (`© …`) there must be seen as one.
///
/// ```
/// use zharchive::normalize::structure::split_long_title;
/// let text = format!("标题在这里。{}", "正文的一句话，".repeat(40));
/// let (reps, notes) = split_long_title(&text);
/// assert_eq!(reps.len(), 1);
/// assert_eq!((reps[0].range.clone(), reps[0].text.as_str()), (18..18, "\n\n"));
/// assert_eq!(notes[0].code, "title-too-long");
/// assert!(split_long_title("短标题\n正文").0.is_empty());
/// ```
pub fn split_long_title(text: &str) -> (Vec<Replacement>, Vec<PassNote>) {
    let mut start = 0;
    for line in text.split('\n') {
        let range = start..start + line.len();
        start += line.len() + 1;
        let lead = line.len() - line.trim_start_matches(is_space).len();
        let trail = line.len() - line.trim_end_matches(is_space).len();
        if lead == line.len() {
            continue; // blank
        }
        let trimmed = range.start + lead..range.end - trail;
        let Some(cut) = title_split(text, trimmed.clone()) else { break };
        let note = PassNote {
            range: trimmed.clone(),
            code: "title-too-long",
            message: format!(
                "the first line is {} characters long, too long for a title: its first {} character(s) are the \
                 title and the rest is the first paragraph",
                text[trimmed.clone()].chars().count(),
                text[trimmed.start..cut.start].chars().count()
            ),
            doubt: None,
        };
        return (vec![Replacement::new(cut, "\n\n")], vec![note]);
    }
    (Vec::new(), Vec::new())
}

/// Where to cut a first line too long to be a title, as the range (the
/// spaces there, or an empty range) that becomes the paragraph break: after
/// the first sentence end within [`MAX_TITLE_CHARS`] characters, else at the
/// last space or CJK character before that, never inside a Latin word.
fn title_split(text: &str, line: std::ops::Range<usize>) -> Option<std::ops::Range<usize>> {
    let s = &text[line.clone()];
    let limit = s.char_indices().nth(MAX_TITLE_CHARS)?.0;
    let head = &s[..limit];
    let sentence_end = head.char_indices().find_map(|(i, c)| {
        let after = i + c.len_utf8();
        let ends = matches!(c, '。' | '！' | '？' | '!' | '?' | '…')
            && !s[after..].starts_with(['。', '！', '？', '!', '?', '…', '”', '」', '』', '）', ')']);
        (ends && after < s.len()).then_some(after)
    });
    let cut = sentence_end.or_else(|| {
        // The last boundary where neither side is part of a Latin word.
        let mut best = None;
        let mut prev: Option<char> = None;
        for (i, c) in head.char_indices() {
            if let Some(p) = prev {
                let word = |x: char| x.is_alphanumeric() && !is_cjk(x);
                if !(word(p) && word(c)) {
                    best = Some(i);
                }
            }
            prev = Some(c);
        }
        best.or(Some(limit))
    })?;
    // Take the spaces at the cut into the break.
    let rest = &s[cut..];
    let spaces = rest.len() - rest.trim_start_matches(is_space).len();
    let before = &s[..cut];
    let back = before.len() - before.trim_end_matches(is_space).len();
    if cut - back == 0 || cut + spaces == s.len() {
        return None;
    }
    Some(line.start + cut - back..line.start + cut + spaces)
}

/// Han ideographs, kana and CJK punctuation: text that breaks anywhere.
fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

/// Collapse runs of two or more spaces/tabs inside a line, and a lone tab,
/// to one space.
fn inner_spaces(text: &str, range: std::ops::Range<usize>, reps: &mut Vec<Replacement>) {
    let line = &text[range.clone()];
    let mut run: Option<usize> = None;
    let flush = |from: usize, to: usize, reps: &mut Vec<Replacement>| {
        if &line[from..to] != " " {
            reps.push(Replacement::new(range.start + from..range.start + to, " "));
        }
    };
    for (i, c) in line.char_indices() {
        if c == ' ' || c == '\t' {
            run.get_or_insert(i);
        } else if let Some(s) = run.take() {
            flush(s, i, reps);
        }
    }
    if let Some(s) = run {
        flush(s, line.len(), reps);
    }
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}'
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both steps, as the pipeline runs them.
    fn apply(text: &str, mode: LineBreaks) -> String {
        let mut text = text.to_owned();
        for r in split_long_title(&text.clone()).0.iter().rev() {
            text.replace_range(r.range.clone(), &r.text);
        }
        let mut out = text.clone();
        for r in structure(&text, mode).iter().rev() {
            out.replace_range(r.range.clone(), &r.text);
        }
        out
    }

    #[test]
    fn every_line_a_paragraph_without_blank_lines() {
        assert_eq!(apply("题\n一\n二\n", LineBreaks::Auto), "题\n\n一\n\n二");
        // A blank line after the title only is not a body with blank lines.
        assert_eq!(apply("题\n\n一\n二\n", LineBreaks::Auto), "题\n\n一\n\n二");
    }

    #[test]
    fn wrapped_lines_join_without_spaces_in_chinese() {
        assert_eq!(
            apply("题\n\n啊啊啊\n啊啊啊\n\nGPT\n4 与\nAI", LineBreaks::Auto),
            "题\n\n啊啊啊啊啊啊\n\nGPT 4 与AI"
        );
    }

    #[test]
    fn a_first_line_too_long_for_a_title_is_split_after_its_first_sentence() {
        let body = "这是正文的一句话，".repeat(30);
        let text = format!("标题在这里。{body}\n下一段");
        let (_, notes) = split_long_title(&text);
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].code, "title-too-long");
        assert_eq!(apply(&text, LineBreaks::Auto), format!("标题在这里。\n\n{body}\n\n下一段"));
        // No sentence end: cut between words, never inside one, and the
        // spaces at the cut become the break.
        let words = "word ".repeat(60);
        let out = apply(words.trim_end(), LineBreaks::Auto);
        let (title, rest) = out.split_once("\n\n").expect("split");
        assert!(title.chars().count() <= MAX_TITLE_CHARS && title.ends_with("word"));
        assert!(rest.starts_with("word") && !rest.contains("\n"));
        assert_eq!(format!("{title} {rest}"), words.trim_end());
        // Han text with no sentence end is cut just before the limit.
        let out = apply(&"字".repeat(300), LineBreaks::Auto);
        assert_eq!(out, format!("{}\n\n{}", "字".repeat(MAX_TITLE_CHARS - 1), "字".repeat(301 - MAX_TITLE_CHARS)));
        // A title of normal length is left alone.
        assert!(split_long_title("标题\n正文").1.is_empty());
    }

    #[test]
    fn whitespace_only() {
        assert_eq!(apply(" \n\u{3000}\n", LineBreaks::Auto), "");
        assert_eq!(apply("a\t\tb  c", LineBreaks::Auto), "a b c");
    }
}
