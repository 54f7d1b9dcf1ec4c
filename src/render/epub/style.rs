//! The stylesheet, and the optional embedded font it names.
//!
//! Set like a Chinese book: body text in a Song/Ming (serif) face, headings
//! in a Hei (sans) face, 1.8 line height (CJK text has no ascenders or
//! descenders to open up the lines), paragraphs without vertical gaps but
//! with a two-character first-line indent, justified. Font names come in the
//! order that suits the script — a reading system takes the first it has,
//! and an SC font renders Traditional text with mainland glyph shapes (and
//! the other way round), so the script's own fonts go first, then the
//! platforms' (Apple, Windows), then the generic family.

use std::path::Path;

use crate::error::{Error, Result};

use super::book::Variant;
use super::render_error;

/// The family name the stylesheet gives an embedded font.
const EMBEDDED_FAMILY: &str = "zharchive-embedded";

/// A font file to embed.
#[derive(Debug, Clone)]
pub(super) struct Font {
    /// Path inside `OEBPS/`.
    pub file_name: &'static str,
    /// EPUB core media type.
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
}

impl Font {
    /// Read a font file and tell its format from its first bytes (the file
    /// name may lie).
    pub fn read(path: &Path) -> Result<Font> {
        let bytes = std::fs::read(path).map_err(|source| Error::Io { path: path.to_owned(), source })?;
        let (file_name, media_type) = match bytes.get(0..4) {
            Some(b"OTTO") => ("fonts/embedded.otf", "font/otf"),
            Some([0, 1, 0, 0]) | Some(b"true") => ("fonts/embedded.ttf", "font/ttf"),
            Some(b"wOFF") => ("fonts/embedded.woff", "font/woff"),
            Some(b"wOF2") => ("fonts/embedded.woff2", "font/woff2"),
            Some(b"ttcf") => {
                return Err(render_error(format!(
                    "{}: a font collection (.ttc) cannot go into an EPUB; extract one face as .ttf or .otf",
                    path.display()
                )))
            }
            _ => return Err(render_error(format!("{}: not a TrueType, OpenType or WOFF font", path.display()))),
        };
        Ok(Font { file_name, media_type, bytes })
    }
}

/// Serif (body) and sans (heading) font names for a script, without the
/// generic family.
fn families(variant: Variant) -> (&'static str, &'static str) {
    match variant {
        Variant::Simplified => (
            r#""Noto Serif CJK SC", "Source Han Serif SC", "Songti SC", "STSong", "SimSun", "Noto Serif SC""#,
            r#""Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "Noto Sans SC""#,
        ),
        Variant::Traditional => (
            r#""Noto Serif CJK TC", "Source Han Serif TC", "Songti TC", "PMingLiU", "MingLiU", "Noto Serif TC""#,
            r#""Noto Sans CJK TC", "Source Han Sans TC", "PingFang TC", "Microsoft JhengHei", "Noto Sans TC""#,
        ),
        Variant::HongKong => (
            r#""Noto Serif CJK HK", "Source Han Serif HC", "Noto Serif CJK TC", "Songti TC", "MingLiU_HKSCS", "PMingLiU""#,
            r#""Noto Sans CJK HK", "Source Han Sans HC", "PingFang HK", "Noto Sans CJK TC", "Microsoft JhengHei""#,
        ),
    }
}

/// The stylesheet for a book in `variant`, vertical or not, with or without
/// an embedded font (which then comes first in every font list), and with
/// the rules of a book of several articles ([`book_rules`]) when `several`.
pub(super) fn stylesheet(variant: Variant, vertical: bool, font: Option<&Font>, several: bool) -> String {
    let mut css = single_stylesheet(variant, vertical, font);
    if several {
        let (_, sans) = families(variant);
        let first = if font.is_some() { format!("\"{EMBEDDED_FAMILY}\", ") } else { String::new() };
        css.push_str(&book_rules(&first, sans));
    }
    css
}

/// What a book of several articles adds: the book's title on its title
/// page, each chapter's source note set apart below its text, and the
/// "Sources" page. Logical properties (`block-start`), so that the note
/// sits after the text in vertical books too.
fn book_rules(first: &str, sans: &str) -> String {
    format!(
        r#"
.titlepage h1 {{
  margin-block-end: 1em;
}}

footer.source {{
  margin-block-start: 2em;
  padding-block-start: 0.5em;
  border-block-start: 1px solid;
  font-family: {first}{sans}, sans-serif;
  font-size: 0.85em;
  line-height: 1.6;
}}

footer.source p.source-label {{
  text-indent: 0;
  font-weight: bold;
}}

.sources h2 {{
  font-family: {first}{sans}, sans-serif;
  font-size: 1.1em;
  line-height: 1.4;
  margin: 1.2em 0 0.3em 0;
}}

.sources, footer.source dl {{
  font-family: {first}{sans}, sans-serif;
}}

.sources dt, footer.source dt {{
  font-weight: bold;
}}

.sources dd, footer.source dd {{
  margin: 0;
  overflow-wrap: anywhere;
  word-break: break-all;
}}
"#
    )
}

/// The rules every book has.
fn single_stylesheet(variant: Variant, vertical: bool, font: Option<&Font>) -> String {
    let (serif, sans) = families(variant);
    let (font_face, first) = match font {
        Some(font) => (
            format!(
                "@font-face {{\n  font-family: \"{EMBEDDED_FAMILY}\";\n  src: url(\"{}\");\n}}\n\n",
                font.file_name
            ),
            format!("\"{EMBEDDED_FAMILY}\", "),
        ),
        None => (String::new(), String::new()),
    };
    let writing_mode = if vertical {
        "  writing-mode: vertical-rl;\n  -epub-writing-mode: vertical-rl;\n  -webkit-writing-mode: vertical-rl;\n"
    } else {
        "  writing-mode: horizontal-tb;\n  -epub-writing-mode: horizontal-tb;\n  -webkit-writing-mode: horizontal-tb;\n"
    };
    // In vertical text the block direction runs right to left, so the space
    // between heading and text, and around the page, is on the sides.
    let (heading_margin, page_margin) =
        if vertical { ("0 0 0 2em", "1em 0.5em") } else { ("0.5em 0 1.5em 0", "0 0.5em") };
    format!(
        r#"@charset "UTF-8";
/* zharchive: Chinese text set for reading. */

{font_face}html {{
{writing_mode}}}

body {{
  margin: {page_margin};
  font-family: {first}{serif}, serif;
  line-height: 1.8;
  text-align: justify;
  line-break: strict;
  word-break: normal;
  overflow-wrap: break-word;
}}

/* Identifiers, URLs and checksums read better across, even in a vertical book. */
html.horizontal {{
  writing-mode: horizontal-tb;
  -epub-writing-mode: horizontal-tb;
  -webkit-writing-mode: horizontal-tb;
}}

/* One or two digits set upright in one cell of vertical text. */
.tcy {{
  text-combine-upright: all;
  -epub-text-combine: horizontal;
  -webkit-text-combine: horizontal;
}}

h1 {{
  font-family: {first}{sans}, sans-serif;
  font-size: 1.5em;
  font-weight: bold;
  line-height: 1.4;
  text-align: left;
  text-indent: 0;
  margin: {heading_margin};
  page-break-after: avoid;
}}

p {{
  margin: 0;
  text-indent: 2em;
  text-align: justify;
}}

/* The page's head metadata (authors, date, journal, keywords): lines of
   their own in the sans face, not indented like the body's paragraphs. */
p.meta {{
  font-family: {first}{sans}, sans-serif;
  font-size: 0.9em;
  text-indent: 0;
  text-align: start;
}}

/* Subheadings of an article (a web page's h2-h6). */
section.article h2, section.article h3, section.article h4, section.article h5, section.article h6 {{
  font-size: 1.1em;
  text-align: start;
  margin: 1em 0 0.5em;
}}

/* A quotation set apart, and list items: inset, not indented. */
blockquote {{
  margin: 0.5em 2em;
}}

blockquote p, li {{
  text-indent: 0;
}}

ul {{
  margin: 0.5em 0;
  padding-inline-start: 2em;
}}

/* The caption of a figure the book does not show. */
p.caption {{
  font-size: 0.9em;
  text-indent: 0;
  text-align: center;
}}

.titlepage {{
  margin-top: 2em;
  font-family: {first}{sans}, sans-serif;
  font-size: 0.9em;
  line-height: 1.6;
}}

.titlepage dt {{
  font-weight: bold;
  margin-top: 0.8em;
}}

.titlepage dd {{
  margin: 0;
  overflow-wrap: anywhere;
  word-break: break-all;
}}

.cover {{
  margin: 0;
  padding: 0;
  text-align: center;
  text-indent: 0;
}}

/* The cover's drawing, scaled to fit the page (it keeps its proportions). */
.cover svg {{
  display: block;
  width: 100%;
  height: 95vh;
}}

nav ol {{
  list-style-type: none;
  padding: 0;
}}
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_fonts_come_first() {
        let css = stylesheet(Variant::HongKong, false, None, false);
        assert!(css.find("Noto Serif CJK HK").unwrap() < css.find("Noto Serif CJK TC").unwrap());
        assert!(!css.contains(" SC\""));
        assert!(stylesheet(Variant::Simplified, false, None, false).contains("\"Noto Serif CJK SC\""));
    }

    #[test]
    fn vertical_sets_every_writing_mode_property() {
        let css = stylesheet(Variant::Traditional, true, None, false);
        for p in ["  writing-mode: vertical-rl", "-epub-writing-mode: vertical-rl", "-webkit-writing-mode: vertical-rl"]
        {
            assert!(css.contains(p), "{p}");
        }
    }

    #[test]
    fn embedded_font_is_named_first() {
        let font = Font { file_name: "fonts/embedded.ttf", media_type: "font/ttf", bytes: Vec::new() };
        let css = stylesheet(Variant::Simplified, false, Some(&font), false);
        assert!(css.contains("src: url(\"fonts/embedded.ttf\")"));
        assert!(css.contains("font-family: \"zharchive-embedded\", \"Noto Serif CJK SC\""));
    }

    #[test]
    fn only_a_book_of_several_gets_the_book_rules() {
        assert!(!stylesheet(Variant::Simplified, false, None, false).contains("footer.source"));
        let css = stylesheet(Variant::Traditional, true, None, true);
        assert!(css.starts_with(&stylesheet(Variant::Traditional, true, None, false)));
        assert!(css.contains("footer.source") && css.contains(".sources h2") && css.contains("Noto Sans CJK TC"));
    }
}
