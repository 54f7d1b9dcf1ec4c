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
use super::structure::{Node, Structure, Tag};
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
    /// The pages, in order.
    pub pages: Vec<SetPage>,
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

/// One block broken into lines, not yet on a page.
pub(crate) struct SetBlock {
    pub lines: Vec<Line>,
    /// Font size in points.
    pub size: f32,
    /// Line height in points.
    pub line_height: f32,
    /// Centre each line in the measure (headings), else set from the left.
    pub centred: bool,
    /// What the block is.
    pub tag: Tag,
}

/// A dotted leader from `x0` to `x1` at height `y` (points from the page's
/// bottom-left corner): drawn, not text, so it never reaches the text layer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Leader {
    pub x0: f32,
    pub x1: f32,
    pub y: f32,
}

/// One page, set.
#[derive(Debug, Clone, Default)]
pub(crate) struct SetPage {
    /// Text lines, in reading order (text first, then furniture).
    pub lines: Vec<SetLine>,
    /// Leaders of a table of contents.
    pub leaders: Vec<Leader>,
}

/// What sets text: the face, the page's text area and the scale. The
/// single article ([`compose`]) and the book (`book.rs`) set their blocks
/// and furniture with the same setter, so an article looks the same in both.
pub(crate) struct Setter<'a> {
    pub font: &'a PdfFont,
    pub frame: Frame,
    pub scale: Scale,
}

impl Setter<'_> {
    /// The advance of `c`, in em.
    pub(crate) fn advance(&self, c: char) -> f32 {
        self.font.advance(c)
    }

    /// The line height of body text, in points.
    pub(crate) fn body_leading(&self) -> f32 {
        self.scale.body * self.scale.leading
    }

    /// Break `text` into lines of `measure` points at `size`, the first
    /// indented by `indent` points; every line but the last `justify`-ed,
    /// or the lines made of even length (`balance`, for headings).
    pub(crate) fn lines(
        &self,
        text: &str,
        size: f32,
        measure: f32,
        indent: f32,
        justify: bool,
        balance_lines: bool,
    ) -> Vec<Line> {
        let advance = |c: char| self.advance(c);
        let text: String = text.chars().map(|c| visible(self.font, c)).collect();
        let setting = Setting { size, measure, indent, justify, autospace: self.scale.autospace * size };
        let mut lines = break_lines(text.trim(), &setting, &advance);
        if balance_lines && lines.len() > 1 {
            lines = balance(text.trim(), setting, lines, &advance);
        }
        lines
    }

    /// The blocks of `article`, each tagged with its structure element
    /// (`nodes`, one per block), and their flows for [`paginate`].
    pub(crate) fn article(&self, article: &Article, nodes: &[Node]) -> (Vec<SetBlock>, Vec<Flow>) {
        let scale = self.scale;
        let body_lh = self.body_leading();
        let title_lh = scale.title * 1.4;
        let mut blocks = Vec::with_capacity(article.blocks.len());
        let mut flows = Vec::with_capacity(article.blocks.len());
        for (i, (block, &node)) in article.blocks.iter().zip(nodes).enumerate() {
            let heading = block.kind == BlockKind::Heading;
            let (size, lh) = if heading { (scale.title, title_lh) } else { (scale.body, body_lh) };
            let indent = if heading { 0.0 } else { 2.0 * scale.body };
            let lines = self.lines(&block.text, size, self.frame.measure, indent, !heading, heading);
            let space_before = match (i, heading) {
                (0, _) => 0.0,
                (_, true) => body_lh,
                _ if article.blocks[i - 1].kind == BlockKind::Heading => body_lh,
                _ => 0.35 * scale.body,
            };
            flows.push(Flow { space_before, line_height: lh, lines: lines.len(), keep_with_next: heading });
            blocks.push(SetBlock { lines, size, line_height: lh, centred: heading, tag: Tag::Content(node) });
        }
        (blocks, flows)
    }

    /// Put `blocks` on `pages` where [`paginate`] placed their lines
    /// (`positions`), its page 0 being `pages[first_page]`; pages are added
    /// as needed.
    pub(crate) fn place(
        &self,
        blocks: Vec<SetBlock>,
        positions: Vec<Vec<(usize, f32)>>,
        first_page: usize,
        pages: &mut Vec<SetPage>,
    ) {
        let frame = &self.frame;
        for (block, pos) in blocks.into_iter().zip(positions) {
            let (size, lh) = (block.size, block.line_height);
            for (line, (page, top)) in block.lines.into_iter().zip(pos) {
                // Baseline: the em box centred in the line box; Noto's ideographs
                // sit 0.88 em above the baseline.
                let baseline = frame.top - top - (lh - size) / 2.0 - 0.88 * size;
                let x =
                    if block.centred { frame.left + (frame.measure - line.width()).max(0.0) / 2.0 } else { frame.left };
                // The whitespace the line was broken at goes after its end: blank,
                // so nothing shows, but the text keeps it, and the words either
                // side of the break stay apart when a screen reader reads them
                // or a reader copies them.
                let mut end = line.width();
                let mut glyphs = line.glyphs;
                for ch in line.trailing.chars().filter(|&c| self.font.has_char(c)) {
                    let width = self.advance(ch) * size;
                    glyphs.push(Placed { ch, x: end, width });
                    end += width;
                }
                let n = first_page + page;
                if pages.len() <= n {
                    pages.resize_with(n + 1, SetPage::default);
                }
                pages[n].lines.push(SetLine { x, y: baseline, size, glyphs, tag: block.tag });
            }
        }
    }

    /// `text` on one line of furniture at most `max` points wide: cut, with
    /// the cut marked by an ellipsis, when it is longer.
    pub(crate) fn furniture_line(&self, text: &str, max: f32) -> Line {
        let advance = |c: char| self.advance(c);
        let size = self.scale.furniture;
        let setting =
            Setting { size, measure: max, indent: 0.0, justify: false, autospace: self.scale.autospace * size };
        let mut lines = break_lines(text.trim(), &setting, &advance);
        let mut first =
            if lines.is_empty() { Line { glyphs: Vec::new(), trailing: String::new() } } else { lines.remove(0) };
        if !lines.is_empty() {
            // Too long for one line: cut and mark the cut.
            let ell = '…';
            let w = advance(ell) * size;
            while first.width() + w > max && first.glyphs.pop().is_some() {}
            let x = first.width();
            first.glyphs.push(Placed { ch: ell, x, width: w });
        }
        first
    }

    /// The figures of `n`, set from x = 0 at `size`.
    pub(crate) fn figures(&self, n: usize, size: f32) -> Vec<Placed> {
        let mut x = 0.0;
        n.to_string()
            .chars()
            .map(|ch| {
                let width = self.advance(ch) * size;
                let p = Placed { ch, x, width };
                x += width;
                p
            })
            .collect()
    }

    /// The page number of page `n` (0-based), centred at the foot.
    pub(crate) fn page_number(&self, n: usize) -> SetLine {
        let size = self.scale.furniture;
        let glyphs = self.figures(n + 1, size);
        let width = glyphs.last().map_or(0.0, |g| g.x + g.width);
        let x = self.frame.left + (self.frame.measure - width) / 2.0;
        let y = self.frame.bottom / 2.0 - 0.3 * size;
        SetLine { x, y, size, glyphs, tag: Tag::Footer }
    }

    /// The baseline of a running head, in the middle of the top margin.
    pub(crate) fn head_baseline(&self) -> f32 {
        let margin = self.frame.page_height - self.frame.top;
        self.frame.top + margin / 2.0 - 0.3 * self.scale.furniture
    }
}

/// The glyphs `pages` use, each with the first character set with it, and
/// the characters the face has no glyph for.
pub(crate) fn inventory(font: &PdfFont, pages: &[SetPage]) -> (BTreeMap<u16, char>, BTreeSet<char>) {
    let mut glyphs = BTreeMap::new();
    let mut missing = BTreeSet::new();
    for line in pages.iter().flat_map(|p| &p.lines) {
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
    (glyphs, missing)
}

/// One article, alone: its title and paragraphs from the first page on,
/// with the page numbers and, if asked, its title as running header.
pub(crate) fn compose(
    article: &Article,
    font: &PdfFont,
    frame: &Frame,
    scale: Scale,
    running_header: bool,
    page_numbers: bool,
) -> Composed {
    let setter = Setter { font, frame: *frame, scale };
    let (structure, nodes) = Structure::article(article);
    let (blocks, flows) = setter.article(article, &nodes);
    let positions = paginate(&flows, frame.height());
    let page_count = positions.iter().flatten().map(|&(p, _)| p + 1).max().unwrap_or(1);
    let mut pages: Vec<SetPage> = vec![SetPage::default(); page_count];
    setter.place(blocks, positions, 0, &mut pages);

    // Furniture: the running header (the title, on every page but the
    // first) and the page number.
    let header = article.title().filter(|_| running_header).map(|t| setter.furniture_line(t, frame.measure));
    let total = pages.len();
    for (n, page) in pages.iter_mut().enumerate() {
        if let Some(h) = header.as_ref().filter(|_| n > 0) {
            let x = frame.left + (frame.measure - h.width()).max(0.0) / 2.0;
            let y = setter.head_baseline();
            page.lines.push(SetLine { x, y, size: scale.furniture, glyphs: h.glyphs.clone(), tag: Tag::Header });
        }
        if page_numbers && total > 0 {
            page.lines.push(setter.page_number(n));
        }
    }
    let (glyphs, missing) = inventory(font, &pages);
    Composed { pages, glyphs, missing, structure }
}
