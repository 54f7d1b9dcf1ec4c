//! Paper, margins, and the distribution of lines over pages.
//!
//! Pagination keeps two cheap promises: a paragraph never leaves a single
//! line alone at the foot of a page (an orphan: the paragraph moves on
//! whole), and never carries a single line over to the top of the next (a
//! widow: one more line goes with it). The title always stays with the
//! start of the text.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Millimetres to PostScript points.
pub(crate) const MM: f32 = 72.0 / 25.4;

/// The paper size.
///
/// ```
/// use zharchive::render::pdf::Paper;
/// assert_eq!(Paper::A4.size_mm(), (210.0, 297.0));
/// assert_eq!(Paper::from_name("a5"), Some(Paper::A5));
/// let custom: Paper = serde_json::from_str(r#"{"custom":{"width_mm":130,"height_mm":184}}"#).unwrap();
/// assert_eq!(custom.size_mm(), (130.0, 184.0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Paper {
    /// ISO A4, 210 × 297 mm.
    #[default]
    A4,
    /// ISO A5, 148 × 210 mm.
    A5,
    /// Any size, in millimetres (portrait or landscape).
    Custom {
        /// Width in millimetres.
        width_mm: f32,
        /// Height in millimetres.
        height_mm: f32,
    },
}

impl Paper {
    /// `a4` or `a5` (case-insensitive).
    ///
    /// ```
    /// use zharchive::render::pdf::Paper;
    /// assert_eq!(Paper::from_name("A4"), Some(Paper::A4));
    /// assert_eq!(Paper::from_name("letter"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Paper> {
        match name.to_ascii_lowercase().as_str() {
            "a4" => Some(Paper::A4),
            "a5" => Some(Paper::A5),
            _ => None,
        }
    }

    /// Width and height in millimetres.
    ///
    /// ```
    /// use zharchive::render::pdf::Paper;
    /// assert_eq!(Paper::A5.size_mm(), (148.0, 210.0));
    /// ```
    pub fn size_mm(&self) -> (f32, f32) {
        match *self {
            Paper::A4 => (210.0, 297.0),
            Paper::A5 => (148.0, 210.0),
            Paper::Custom { width_mm, height_mm } => (width_mm, height_mm),
        }
    }
}

/// Page margins in millimetres. `None` in [`super::PdfOptions::margins`]
/// picks margins that suit the paper.
///
/// ```
/// use zharchive::render::pdf::{Margins, Paper};
/// let m = Margins::for_paper(Paper::A5);
/// assert!(m.left < Margins::for_paper(Paper::A4).left);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Margins {
    /// Top margin (the running header, if any, sits inside it).
    pub top: f32,
    /// Right margin.
    pub right: f32,
    /// Bottom margin (the page number sits inside it).
    pub bottom: f32,
    /// Left margin.
    pub left: f32,
}

impl Margins {
    /// Margins that suit `paper`: about a ninth of the width at the sides.
    pub fn for_paper(paper: Paper) -> Margins {
        let (w, h) = paper.size_mm();
        let side = (w / 9.0).clamp(10.0, 30.0);
        let head = (h / 11.0).clamp(12.0, 30.0);
        Margins { top: head, right: side, bottom: head, left: side }
    }
}

/// The page's text area, in points from the bottom-left corner.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Frame {
    pub page_width: f32,
    pub page_height: f32,
    pub left: f32,
    pub top: f32,
    pub bottom: f32,
    /// Line length: the text-area width rounded down to whole body ems, so
    /// that a line of pure CJK fills it exactly.
    pub measure: f32,
}

impl Frame {
    pub(crate) fn new(paper: Paper, margins: Margins, body_size: f32) -> Result<Frame> {
        let (w, h) = paper.size_mm();
        let bad = |m: String| Error::Options(m);
        if !(w.is_finite() && h.is_finite() && w >= 50.0 && h >= 50.0 && w <= 5000.0 && h <= 5000.0) {
            return Err(bad(format!("paper size {w} × {h} mm is out of range (50–5000 mm)")));
        }
        let all = [margins.top, margins.right, margins.bottom, margins.left];
        if all.iter().any(|m| !m.is_finite() || *m < 0.0) {
            return Err(bad("margins must be zero or more millimetres".into()));
        }
        let text_w = (w - margins.left - margins.right) * MM;
        let text_h = (h - margins.top - margins.bottom) * MM;
        if text_w < 4.0 * body_size || text_h < 6.0 * body_size {
            return Err(bad(format!(
                "margins leave a text area of {:.0} × {:.0} mm on {w} × {h} mm paper: too small to set text in",
                text_w / MM,
                text_h / MM
            )));
        }
        let ems = (text_w / body_size).floor();
        Ok(Frame {
            page_width: w * MM,
            page_height: h * MM,
            left: margins.left * MM,
            top: (h - margins.top) * MM,
            bottom: margins.bottom * MM,
            measure: ems * body_size,
        })
    }

    /// Height available for lines.
    pub(crate) fn height(&self) -> f32 {
        self.top - self.bottom
    }
}

/// A block of lines to be paginated: its line heights, the space before
/// it, and whether it must stay with what follows (a heading).
#[derive(Debug, Clone)]
pub(crate) struct Flow {
    pub space_before: f32,
    pub line_height: f32,
    pub lines: usize,
    pub keep_with_next: bool,
}

/// Where each line of each block goes: `(page, y of the line's top, in
/// points from the top of the text area)`, indexed `[block][line]`.
pub(crate) fn paginate(blocks: &[Flow], height: f32) -> Vec<Vec<(usize, f32)>> {
    let mut out: Vec<Vec<(usize, f32)>> = blocks.iter().map(|b| Vec::with_capacity(b.lines)).collect();
    let mut page = 0;
    let mut y = 0.0f32;
    let fits = |y: f32, h: f32| y + h <= height + 0.01;
    let mut i = 0;
    while i < blocks.len() {
        let b = &blocks[i];
        let before = if y == 0.0 { 0.0 } else { b.space_before };
        // Lines of this block that fit on the current page.
        let room = ((height - y - before) / b.line_height + 0.001).floor().max(0.0) as usize;
        let mut first_part = room.min(b.lines);
        // Orphan: a lone first line at the foot of a page moves on.
        if b.lines >= 2 && first_part == 1 {
            first_part = 0;
        }
        // Widow: a lone last line at the top of the next page takes one
        // more with it (when that leaves at least two behind).
        if first_part < b.lines && b.lines - first_part == 1 && first_part >= 3 {
            first_part -= 1;
        }
        // A heading keeps at least two lines of the next block with it.
        if b.keep_with_next && first_part == b.lines && y > 0.0 {
            if let Some(next) = blocks.get(i + 1) {
                let after = y + before + b.lines as f32 * b.line_height + next.space_before;
                if !fits(after, 2.0f32.min(next.lines as f32) * next.line_height) {
                    first_part = 0;
                }
            }
        }
        if first_part == 0 && y > 0.0 {
            page += 1;
            y = 0.0;
            continue;
        }
        // At the top of a page, set at least one line whatever happens.
        let first_part = first_part.max(1).min(b.lines);
        y += before;
        for _ in 0..first_part {
            out[i].push((page, y));
            y += b.line_height;
        }
        let mut left = b.lines - first_part;
        while left > 0 {
            page += 1;
            y = 0.0;
            let room = ((height / b.line_height) + 0.001).floor().max(1.0) as usize;
            let mut take = room.min(left);
            if left - take == 1 && take >= 3 {
                take -= 1;
            }
            for _ in 0..take {
                out[i].push((page, y));
                y += b.line_height;
            }
            left -= take;
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flow(lines: usize) -> Flow {
        Flow { space_before: 0.0, line_height: 10.0, lines, keep_with_next: false }
    }

    #[test]
    fn a_lone_first_line_moves_to_the_next_page() {
        // 10 lines per page; 9 taken, a 3-line paragraph would leave 1 behind.
        let pos = paginate(&[flow(9), flow(3)], 100.0);
        assert!(pos[1].iter().all(|&(p, _)| p == 1), "{:?}", pos[1]);
    }

    #[test]
    fn a_lone_last_line_takes_another_with_it() {
        // 6 taken, a 5-line paragraph: 4 would fit, leaving a widow.
        let pos = paginate(&[flow(6), flow(5)], 100.0);
        let on_first = pos[1].iter().filter(|&&(p, _)| p == 0).count();
        assert_eq!(on_first, 3);
    }

    #[test]
    fn long_blocks_run_over_several_pages() {
        let pos = paginate(&[flow(25)], 100.0);
        assert_eq!(pos[0].len(), 25);
        assert_eq!(pos[0].last().unwrap().0, 2);
    }

    #[test]
    fn frame_measure_is_whole_ems() {
        let f = Frame::new(Paper::A5, Margins::for_paper(Paper::A5), 10.5).unwrap();
        assert!((f.measure / 10.5 - (f.measure / 10.5).round()).abs() < 1e-3);
        assert!(
            Frame::new(Paper::Custom { width_mm: 60.0, height_mm: 60.0 }, Margins::for_paper(Paper::A4), 10.5).is_err()
        );
    }
}
