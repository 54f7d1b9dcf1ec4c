//! A generated cover: the title set in type, the site or author below it and
//! the article's date (when known) at the foot, on a plain paper-coloured page
//! — for a book of several articles, the book's title, creators (or editor)
//! and date. SVG, so it stays sharp at any size and costs a few hundred
//! bytes; no random art, so the same book always gets the same cover.
//!
//! The same drawing goes into the book twice: as `cover.svg`, the image a
//! reading system shows in its library, and inline in the cover page, where
//! its words are text rather than an image of text (see
//! [`super::xhtml::cover_page`]).

use std::io;

use crate::error::Result;

use super::book::{Book, Variant};
use super::xhtml::Xml;
use super::xml_error;

/// The cover image's path inside `OEBPS/`.
pub(super) const FILE: &str = "cover.svg";

const WIDTH: u32 = 600;
const HEIGHT: u32 = 800;
/// Room for the title between the side margins.
const LINE_WIDTH: f32 = 480.0;
/// At most this many lines of title; smaller type is tried before cutting.
const MAX_LINES: usize = 5;

/// Where the drawing goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Use {
    /// `cover.svg`, the manifest's `cover-image`: a document of its own,
    /// 600 × 800, named by its `<title>`.
    File,
    /// Inside `cover.xhtml`: scaled to the page, its text read as text (no
    /// `<title>`, which would read the title twice).
    Inline,
}

/// Paper, rule and text colours. Every text colour has a contrast ratio of
/// at least 4.5:1 against the paper (WCAG 2.2 1.4.3, level AA, for text of
/// any size; tested below).
const PAPER: &str = "#f4efe4";
const RULE: &str = "#9b2d20";
const TITLE: &str = "#1d1d1d";
const BYLINE: &str = "#555555";
const DATE: &str = "#595959";

/// The cover as an SVG document (`cover.svg`).
pub(super) fn svg(book: &Book) -> Result<Vec<u8>> {
    let write = || -> io::Result<Vec<u8>> {
        let mut x = Xml::new()?;
        draw(book, &mut x, Use::File)?;
        Ok(x.finish())
    };
    write().map_err(xml_error)
}

/// Draw the cover: the title set in type, the byline and the date below.
pub(super) fn draw(book: &Book, x: &mut Xml, usage: Use) -> io::Result<()> {
    let family = match book.variant {
        Variant::Simplified => {
            r#""Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif"#
        }
        Variant::Traditional => {
            r#""Noto Sans CJK TC", "Source Han Sans TC", "PingFang TC", "Microsoft JhengHei", sans-serif"#
        }
        Variant::HongKong => {
            r#""Noto Sans CJK HK", "Source Han Sans HC", "PingFang HK", "Microsoft JhengHei", sans-serif"#
        }
    };
    let (size, lines) = fit(&book.display_title);
    let byline = book.byline();
    // Only a date of the text's or the book's: the default stamp says nothing.
    let date = book.cover_date();
    let (w, h) = (WIDTH.to_string(), HEIGHT.to_string());
    let view_box = format!("0 0 {w} {h}");
    match usage {
        Use::File => x.start(
            "svg",
            &[
                ("xmlns", "http://www.w3.org/2000/svg"),
                ("version", "1.1"),
                ("width", &w),
                ("height", &h),
                ("viewBox", &view_box),
                ("xml:lang", &book.lang),
            ],
        )?,
        Use::Inline => x.start(
            "svg",
            &[
                ("xmlns", "http://www.w3.org/2000/svg"),
                ("version", "1.1"),
                ("width", "100%"),
                ("height", "100%"),
                ("viewBox", &view_box),
                ("preserveAspectRatio", "xMidYMid meet"),
            ],
        )?,
    }
    if usage == Use::File {
        x.element("title", &[], &book.display_title)?;
    }
    x.empty("rect", &[("x", "0"), ("y", "0"), ("width", &w), ("height", &h), ("fill", PAPER)])?;
    x.empty("rect", &[("x", "60"), ("y", "170"), ("width", "480"), ("height", "4"), ("fill", RULE)])?;
    let size_text = format!("{size}");
    let line_height = size * 1.3;
    for (i, line) in lines.iter().enumerate() {
        let y = format!("{:.0}", 230.0 + size + line_height * i as f32);
        x.element(
            "text",
            &[
                ("x", "300"),
                ("y", &y),
                ("text-anchor", "middle"),
                ("font-family", family),
                ("font-size", &size_text),
                ("font-weight", "bold"),
                ("fill", TITLE),
            ],
            line,
        )?;
    }
    let below = 230.0 + size + line_height * lines.len() as f32 + 40.0;
    if let Some(byline) = byline {
        let y = format!("{below:.0}");
        let byline = shorten(&byline, LINE_WIDTH / 24.0);
        x.element(
            "text",
            &[
                ("x", "300"),
                ("y", &y),
                ("text-anchor", "middle"),
                ("font-family", family),
                ("font-size", "24"),
                ("fill", BYLINE),
            ],
            &byline,
        )?;
    }
    if let Some(date) = date {
        x.element(
            "text",
            &[
                ("x", "300"),
                ("y", "720"),
                ("text-anchor", "middle"),
                ("font-family", family),
                ("font-size", "20"),
                ("fill", DATE),
            ],
            date,
        )?;
    }
    x.end("svg")
}

/// Width of a character in em: full width for CJK and other wide
/// characters, about half for Latin letters, digits and ASCII punctuation.
fn width(c: char) -> f32 {
    if c.is_ascii() {
        0.55
    } else {
        1.0
    }
}

/// Punctuation that must not begin a line (kinsoku): it stays on the line
/// before, even if that line runs a little long.
fn no_line_start(token: &str) -> bool {
    token.chars().next().is_some_and(|c| "，。、；：？！）」』》〉】”’…,.;:?!)".contains(c))
}

/// The title broken into lines, and the font size (px) it fits at.
///
/// A title's spaces (ASCII or the ideographic `　` news headlines use
/// between clauses) are where a reader expects the breaks: the largest size
/// at which every space-separated part fits on its own line wins; failing
/// that, the largest size at which the title fits breaking anywhere; failing
/// that, the smallest size, cut short with an ellipsis.
fn fit(title: &str) -> (f32, Vec<String>) {
    let sizes = [60.0, 52.0, 44.0, 38.0, 32.0, 28.0];
    for whole_parts in [true, false] {
        for size in sizes {
            let max = LINE_WIDTH / size;
            let lines = wrap(title, max);
            let parts_whole = title.split([' ', '\u{3000}']).all(|part| part.chars().map(width).sum::<f32>() <= max);
            if lines.len() <= MAX_LINES && (parts_whole || !whole_parts) {
                return (size, lines);
            }
        }
    }
    let size = 28.0;
    let mut lines = wrap(title, LINE_WIDTH / size);
    lines.truncate(MAX_LINES);
    if let Some(last) = lines.last_mut() {
        *last = shorten(&format!("{last}……"), LINE_WIDTH / size);
    }
    (size, lines)
}

/// Greedy line breaking in units of em. Spaces are break opportunities and
/// vanish at a break; a space-separated part that fits on a line is not
/// split; within a longer part a CJK character may break on either side and
/// a run of Latin letters or digits stays whole unless it alone is longer
/// than a line.
fn wrap(text: &str, max: f32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut used = 0.0;
    let is_space = |c: char| c == ' ' || c == '\u{3000}';
    // Parts that share a line are joined by the title's own kind of space.
    let space = text.chars().find(|&c| is_space(c)).unwrap_or(' ');
    for (i, part) in text.split(is_space).filter(|p| !p.is_empty()).enumerate() {
        let part_width: f32 = part.chars().map(width).sum();
        if i > 0 {
            if !line.is_empty() && used + width(space) + part_width <= max {
                line.push(space);
                used += width(space);
            } else if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                used = 0.0;
            }
        }
        for token in tokens(part) {
            let w: f32 = token.chars().map(width).sum();
            if used + w > max && !line.is_empty() && !no_line_start(&token) {
                lines.push(std::mem::take(&mut line));
                used = 0.0;
            }
            if w > max {
                // A Latin run longer than a line: cut it by characters.
                for c in token.chars() {
                    if used + width(c) > max && !line.is_empty() {
                        lines.push(std::mem::take(&mut line));
                        used = 0.0;
                    }
                    line.push(c);
                    used += width(c);
                }
            } else {
                line.push_str(&token);
                used += w;
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Single CJK (or other) characters, and runs of ASCII letters and digits.
fn tokens(part: &str) -> Vec<String> {
    let mut tokens: Vec<String> = Vec::new();
    for c in part.chars() {
        match tokens.last_mut() {
            Some(last) if c.is_ascii_alphanumeric() && last.chars().all(|l| l.is_ascii_alphanumeric()) => last.push(c),
            _ => tokens.push(c.to_string()),
        }
    }
    tokens
}

/// `text` cut to `max` em, with an ellipsis if cut.
fn shorten(text: &str, max: f32) -> String {
    let mut used = 0.0;
    let mut out = String::new();
    for c in text.chars() {
        if used + width(c) > max - 1.0 {
            out.push('…');
            return out;
        }
        out.push(c);
        used += width(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG 2.2 relative luminance of `#rrggbb`.
    fn luminance(hex: &str) -> f64 {
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
    }

    fn contrast(a: &str, b: &str) -> f64 {
        let (a, b) = (luminance(a), luminance(b));
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    #[test]
    fn every_text_colour_has_aa_contrast_on_the_paper() {
        assert!((contrast("#000000", "#ffffff") - 21.0).abs() < 1e-9);
        assert!(contrast("#777777", PAPER) < 4.5, "the old date colour failed");
        for colour in [TITLE, BYLINE, DATE] {
            assert!(contrast(colour, PAPER) >= 4.5, "{colour}: {:.2}", contrast(colour, PAPER));
        }
    }

    #[test]
    fn the_inline_cover_is_text_and_the_file_is_titled() {
        use crate::render::epub::{book::Book, EpubOptions, Facts};
        use crate::render::Timestamp;
        use crate::CollectionMetadata;
        let article = crate::normalize("标题\n\n正文。".as_bytes(), &Default::default()).unwrap();
        let meta = CollectionMetadata::of_article(&article);
        let facts = Facts::of_article(&meta, &article);
        let options = EpubOptions { cover: true, ..Default::default() };
        let book = Book::new(&meta, std::slice::from_ref(&article), &facts, &options, Timestamp::DEFAULT).unwrap();
        let file = String::from_utf8(svg(&book).unwrap()).unwrap();
        assert!(file.starts_with("<?xml") && file.contains("<title>标题</title>"));
        let mut x = Xml::fragment();
        draw(&book, &mut x, Use::Inline).unwrap();
        let inline = String::from_utf8(x.finish()).unwrap();
        assert!(!inline.contains("<title>") && inline.contains(">标题</text>"));

        // A book of several shows its own title, creators and date.
        let other = crate::normalize("另一篇\n\n正文。".as_bytes(), &Default::default()).unwrap();
        let meta = CollectionMetadata {
            title: "文集".into(),
            creators: vec!["某报".into()],
            date: Some("2024-12-31".into()),
            ..Default::default()
        };
        let collection = crate::Collection::new(meta, vec![article, other]).unwrap();
        let facts = Facts::of_collection(&collection);
        let book = Book::new(&collection.metadata, &collection.articles, &facts, &options, Timestamp::DEFAULT).unwrap();
        let file = String::from_utf8(svg(&book).unwrap()).unwrap();
        assert!(
            file.contains("<title>文集</title>")
                && file.contains(">某报</text>")
                && file.contains(">2024-12-31</text>")
        );
        assert!(!file.contains("标题"));
    }

    #[test]
    fn wraps_cjk_by_characters_and_latin_by_words() {
        assert_eq!(wrap("一二三四五六", 4.0), ["一二三四", "五六"]);
        assert_eq!(wrap("AI 时代的 OpenAI", 6.0), ["AI 时代的", "OpenAI"]);
    }

    #[test]
    fn closing_punctuation_never_starts_a_line() {
        assert_eq!(wrap("一二三四，五", 4.0), ["一二三四，", "五"]);
    }

    #[test]
    fn breaks_go_at_the_spaces_of_a_headline() {
        let (size, lines) = fit("台北捷运新路线试营运　首日载客逾十万人次");
        assert_eq!(lines, ["台北捷运新路线试营运", "首日载客逾十万人次"]);
        assert_eq!(size, 44.0);
    }

    #[test]
    fn long_titles_get_smaller_type_then_an_ellipsis() {
        let (size, lines) = fit("短标题");
        assert_eq!((size, lines.len()), (60.0, 1));
        let long = "长".repeat(200);
        let (size, lines) = fit(&long);
        assert_eq!((size, lines.len()), (28.0, MAX_LINES));
        assert!(lines[MAX_LINES - 1].ends_with('…'));
    }
}
