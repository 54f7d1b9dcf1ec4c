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
//! the title and always stands alone.

use super::tracked::Replacement;
use crate::options::LineBreaks;

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
    // Lines with their byte ranges (without the '\n').
    let mut lines = Vec::new();
    let mut start = 0;
    for line in text.split('\n') {
        lines.push(start..start + line.len());
        start += line.len() + 1;
    }
    let blank = |r: &std::ops::Range<usize>| text[r.clone()].chars().all(is_space);
    let Some(title) = lines.iter().position(|r| !blank(r)) else {
        return if text.is_empty() { Vec::new() } else { vec![Replacement::delete(0..text.len())] };
    };
    let body_has_blank_lines = {
        let last_solid = lines.iter().rposition(|r| !blank(r)).unwrap_or(title);
        last_solid > title + 1 && lines[title + 1..last_solid].iter().any(blank)
    };
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
        inner_spaces(text, trimmed.clone(), &mut reps);
        if prev.is_none() && trimmed.start > 0 {
            // Everything before the title goes.
            reps.push(Replacement::delete(0..trimmed.start));
        }
        if let Some((p, prev_trimmed)) = &prev {
            let gap = prev_trimmed.end..trimmed.start;
            let blank_between = lines[p + 1..k].iter().any(blank);
            let separator = if *p == title || blank_between || !wrapped {
                "\n\n"
            } else {
                let before = text[..prev_trimmed.end].chars().next_back();
                let after = text[trimmed.start..].chars().next();
                if before.is_some_and(|c| c.is_ascii_alphanumeric()) && after.is_some_and(|c| c.is_ascii_alphanumeric())
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

    fn apply(text: &str, mode: LineBreaks) -> String {
        let mut out = text.to_owned();
        for r in structure(text, mode).iter().rev() {
            out.replace_range(r.range.clone(), &r.text);
        }
        out
    }

    #[test]
    fn every_line_a_paragraph_without_blank_lines() {
        assert_eq!(apply("题\n一\n二\n", LineBreaks::Auto), "题\n\n一\n\n二");
    }

    #[test]
    fn wrapped_lines_join_without_spaces_in_chinese() {
        assert_eq!(
            apply("题\n\n啊啊啊\n啊啊啊\n\nGPT\n4 与\nAI", LineBreaks::Auto),
            "题\n\n啊啊啊啊啊啊\n\nGPT 4 与AI"
        );
    }

    #[test]
    fn whitespace_only() {
        assert_eq!(apply(" \n\u{3000}\n", LineBreaks::Auto), "");
        assert_eq!(apply("a\t\tb  c", LineBreaks::Auto), "a b c");
    }
}
