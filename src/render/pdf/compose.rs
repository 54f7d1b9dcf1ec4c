//! From an [`Article`] to positioned lines on pages: the title, the
//! paragraphs, the page numbers and the optional running header.
//!
//! This is the only place that knows the typographic scale (sizes, leading,
//! spacing); [`super::layout`] breaks lines and [`super::page`] distributes
//! them, both without knowing what the lines are. Each line set here is
//! tagged with what it is ([`Tag`]): content of its block's structure
//! element, or page furniture ([`super::structure`] decides what that means
//! in the document).

use std::collections::{BTreeMap, BTreeSet};

use super::font::PdfFont;
use super::layout::{break_lines, Line, Placed, Setting};
use super::page::{paginate, Flow, Frame};
use super::structure::{Structure, Tag};
use crate::article::{Article, BlockKind};

/// One line set on a page.
#[derive(Debug, Clone)]
pub(crate) struct SetLine {
    /// Left edge of the line, points from the page's left edge.
    pub x: f32,
    /// Baseline, points from the page's bottom edge.
    pub y: f32,
    /// Font size in points.
    pub size: f32,
    /// Glyphs, positioned relative to `x`.
    pub glyphs: Vec<Placed>,
    /// What the line is: text of a structure element, or furniture.
    pub tag: Tag,
}

/// The document, set.
pub(crate) struct Composed {
    /// Lines per page (text first, then furniture: header, page number).
    pub pages: Vec<Vec<SetLine>>,
    /// Glyph ids of the face that the pages use, each with the first
    /// character set with it (two characters can share a glyph:
    /// compatibility ideographs do), which the text layer maps it back to.
    pub glyphs: BTreeMap<u16, char>,
    /// Characters the face has no glyph for (set as `.notdef`).
    pub missing: BTreeSet<char>,
    /// The logical structure the lines' tags refer to.
    pub structure: Structure,
}

/// Sizes, in points.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scale {
    pub body: f32,
    pub title: f32,
    pub furniture: f32,
    /// Body leading as a multiple of the body size.
    pub leading: f32,
    /// CJK–Latin gap in em (0 for none).
    pub autospace: f32,
}

/// Whitespace the face cannot show is set as a plain space (a tab in a
/// paragraph is a gap, not a missing glyph).
fn visible(font: &PdfFont, c: char) -> char {
    if c.is_whitespace() && !font.has_char(c) {
        ' '
    } else {
        c
    }
}

/// A heading that needs several lines gets lines of even length (the
/// shortest measure that still gives as many lines), not a full line and a
/// stray word or two.
fn balance(text: &str, setting: Setting, greedy: Vec<Line>, advance: &dyn Fn(char) -> f32) -> Vec<Line> {
    let n = greedy.len();
    let (mut lo, mut hi) = (setting.measure / n as f32, setting.measure);
    let mut best = greedy;
    for _ in 0..12 {
        let mid = (lo + hi) / 2.0;
        let lines = break_lines(text, &Setting { measure: mid, ..setting }, advance);
        if lines.len() <= n {
            hi = mid;
            best = lines;
        } else {
            lo = mid;
        }
    }
    best
}

pub(crate) fn compose(
    article: &Article,
    font: &PdfFont,
    frame: &Frame,
    scale: Scale,
    running_header: bool,
    page_numbers: bool,
) -> Composed {
    let advance = |c: char| font.advance(c);
    let body_lh = scale.body * scale.leading;
    let title_lh = scale.title * 1.4;

    // Break every block into lines.
    let (structure, nodes) = Structure::article(article);
    let mut blocks = Vec::new(); // (lines, size, line height, centred, tag)
    let mut flows = Vec::new();
    for (i, (block, &node)) in article.blocks.iter().zip(&nodes).enumerate() {
        let text: String = block.text.chars().map(|c| visible(font, c)).collect();
        let heading = block.kind == BlockKind::Heading;
        let (size, lh) = if heading { (scale.title, title_lh) } else { (scale.body, body_lh) };
        let setting = Setting {
            size,
            measure: frame.measure,
            indent: if heading { 0.0 } else { 2.0 * scale.body },
            justify: !heading,
            autospace: scale.autospace * size,
        };
        let mut lines = break_lines(text.trim(), &setting, &advance);
        if heading && lines.len() > 1 {
            lines = balance(text.trim(), setting, lines, &advance);
        }
        let space_before = match (i, heading) {
            (0, _) => 0.0,
            (_, true) => body_lh,
            _ if article.blocks[i - 1].kind == BlockKind::Heading => body_lh,
            _ => 0.35 * scale.body,
        };
        flows.push(Flow { space_before, line_height: lh, lines: lines.len(), keep_with_next: heading });
        blocks.push((lines, size, lh, heading, Tag::Content(node)));
    }
    let positions = paginate(&flows, frame.height());
    let page_count = positions.iter().flatten().map(|&(p, _)| p + 1).max().unwrap_or(1);

    let mut pages: Vec<Vec<SetLine>> = vec![Vec::new(); page_count];
    for ((lines, size, lh, centred, tag), pos) in blocks.into_iter().zip(positions) {
        for (line, (page, top)) in lines.into_iter().zip(pos) {
            // Baseline: the em box centred in the line box; Noto's ideographs
            // sit 0.88 em above the baseline.
            let baseline = frame.top - top - (lh - size) / 2.0 - 0.88 * size;
            let x = if centred { frame.left + (frame.measure - line.width()).max(0.0) / 2.0 } else { frame.left };
            // The whitespace the line was broken at goes after its end: blank,
            // so nothing shows, but the text keeps it, and the words either
            // side of the break stay apart when a screen reader reads them
            // or a reader copies them.
            let mut end = line.width();
            let mut glyphs = line.glyphs;
            for ch in line.trailing.chars().filter(|&c| font.has_char(c)) {
                let width = advance(ch) * size;
                glyphs.push(Placed { ch, x: end, width });
                end += width;
            }
            if let Some(p) = pages.get_mut(page) {
                p.push(SetLine { x, y: baseline, size, glyphs, tag });
            }
        }
    }

    // Furniture: the running header (the title, on every page but the
    // first) and the page number.
    let header = article.title().filter(|_| running_header).map(|t| {
        let setting = Setting {
            size: scale.furniture,
            measure: frame.measure,
            indent: 0.0,
            justify: false,
            autospace: scale.autospace * scale.furniture,
        };
        let mut lines = break_lines(t.trim(), &setting, &advance);
        let mut first =
            if lines.is_empty() { Line { glyphs: Vec::new(), trailing: String::new() } } else { lines.remove(0) };
        if !lines.is_empty() {
            // Too long for one line: cut and mark the cut.
            let ell = '…';
            let w = advance(ell) * scale.furniture;
            while first.width() + w > frame.measure && first.glyphs.pop().is_some() {}
            let x = first.width();
            first.glyphs.push(Placed { ch: ell, x, width: w });
        }
        first
    });
    let total = pages.len();
    for (n, page) in pages.iter_mut().enumerate() {
        if let Some(h) = header.as_ref().filter(|_| n > 0) {
            let x = frame.left + (frame.measure - h.width()).max(0.0) / 2.0;
            let margin = frame.page_height - frame.top;
            let y = frame.top + margin / 2.0 - 0.3 * scale.furniture;
            page.push(SetLine { x, y, size: scale.furniture, glyphs: h.glyphs.clone(), tag: Tag::Header });
        }
        if page_numbers && total > 0 {
            let mut x = 0.0;
            let glyphs: Vec<Placed> = (n + 1)
                .to_string()
                .chars()
                .map(|ch| {
                    let width = advance(ch) * scale.furniture;
                    let p = Placed { ch, x, width };
                    x += width;
                    p
                })
                .collect();
            let left = frame.left + (frame.measure - x) / 2.0;
            let y = frame.bottom / 2.0 - 0.3 * scale.furniture;
            page.push(SetLine { x: left, y, size: scale.furniture, glyphs, tag: Tag::Footer });
        }
    }

    let mut glyphs = BTreeMap::new();
    let mut missing = BTreeSet::new();
    for line in pages.iter().flatten() {
        for g in &line.glyphs {
            match font.glyph(g.ch) {
                Some(gid) => {
                    glyphs.entry(gid).or_insert(g.ch);
                }
                None => {
                    missing.insert(g.ch);
                }
            }
        }
    }
    Composed { pages, glyphs, missing, structure }
}
