//! The `<text>` of the record (the article, with its edits inline, and the
//! removed boilerplate in `<back>`) and the `<standOff>` log of every edit.

use std::fmt::Write as _;

use super::xml::{self, Out};
use super::TeiOptions;
use crate::article::{Article, Block, BlockKind, Change, DoubtKind, EditKind, RawBytes};
use crate::error::{Error, Result};
use crate::render::is_xml_char;

/// Write `<text>`: one `div` per heading and the paragraphs that follow it.
pub(super) fn write(out: &mut Out, article: &Article, options: &TeiOptions) -> Result<()> {
    // Whitespace in head and p is the article's own; say so.
    out.open("text", &[("xml:space", "preserve")])?;
    out.open("body", &[])?;
    out.open("div", &[("type", "article")])?;
    let mut div_has_content = false;
    let marks = doubt_marks(article);
    for (index, block) in article.blocks.iter().enumerate() {
        if block.kind == BlockKind::Heading && div_has_content {
            out.close("div")?;
            out.open("div", &[("type", "article")])?;
        }
        div_has_content = true;
        let (name, attrs) = match block.kind {
            BlockKind::Heading => ("head", vec![]),
            BlockKind::Paragraph => ("p", vec![]),
            // A line of the page's head metadata, as the page printed it.
            BlockKind::Meta(field) => ("ab", vec![("type", "head-metadata"), ("subtype", field.name())]),
        };
        out.begin(name, &attrs)?;
        let first = marks.partition_point(|m| m.block < index);
        let block_marks = &marks[first..first + marks[first..].partition_point(|m| m.block == index)];
        content(out, index, block, block_marks, options)?;
        out.end(name)?;
    }
    out.close("div")?;
    out.close("body")?;
    back(out, article, options)?;
    out.close("text")
}

/// A stretch of the text a reader should doubt ([`crate::Doubt`]), as the
/// record marks it: `damage` around damage left as it was, `unclear` around
/// bytes the repair guessed. Warnings about the same stretch share one mark.
pub(super) struct DoubtMark {
    /// The block it is in.
    pub block: usize,
    /// Its byte range in the block's text (never inside a change: the
    /// normalizer widens doubts to whole changes).
    pub range: std::ops::Range<usize>,
    /// Its `xml:id` in a record on its own (in a corpus, [`Out::id`] of
    /// it), which the warnings' notes point to.
    pub id: String,
    /// Whether any warning about it is unrepaired damage.
    pub damaged: bool,
}

impl DoubtMark {
    /// The element that marks it.
    pub fn element(&self) -> &'static str {
        if self.damaged {
            "damage"
        } else {
            "unclear"
        }
    }
}

/// Every placed doubt of `article`, one mark per distinct stretch, in text
/// order, numbered `doubt-1`, `doubt-2` …
pub(super) fn doubt_marks(article: &Article) -> Vec<DoubtMark> {
    let mut placed: Vec<(usize, usize, usize, bool)> = article
        .warnings
        .iter()
        .filter_map(|w| w.doubt.as_ref())
        .filter_map(|d| {
            let loc = d.output.as_ref()?;
            Some((loc.block, loc.range.start, loc.range.end, d.kind == DoubtKind::Unrepaired))
        })
        .collect();
    placed.sort();
    let mut marks: Vec<DoubtMark> = Vec::new();
    for (block, start, end, damaged) in placed {
        match marks.last_mut() {
            Some(m) if m.block == block && m.range == (start..end) => m.damaged |= damaged,
            _ => marks.push(DoubtMark { block, range: start..end, id: format!("doubt-{}", marks.len() + 1), damaged }),
        }
    }
    marks
}

/// The text of a block, each change encoded as a `choice` (or written
/// plainly when inline edits are off), and each doubtful stretch inside a
/// `damage` or `unclear`.
fn content(out: &mut Out, index: usize, block: &Block, marks: &[DoubtMark], options: &TeiOptions) -> Result<()> {
    // Where marks open and close, checked against the changes: a mark
    // must hold whole changes, or the markup would not nest.
    let mut bounds: Vec<(usize, bool, &DoubtMark)> = Vec::with_capacity(marks.len() * 2);
    let mut last_end = 0;
    for m in marks {
        let inside_change = |p: usize| block.changes.iter().any(|c| c.range.start < p && p < c.range.end);
        if m.range.start < last_end
            || m.range.start >= m.range.end
            || block.text.get(m.range.clone()).is_none()
            || inside_change(m.range.start)
            || inside_change(m.range.end)
        {
            return Err(Error::Render {
                format: "tei",
                message: format!(
                    "block {index} has a doubtful stretch at bytes {}..{} that overlaps another or cuts a change",
                    m.range.start, m.range.end
                ),
            });
        }
        last_end = m.range.end;
        bounds.push((m.range.start, true, m));
        bounds.push((m.range.end, false, m));
    }
    let mut bounds = bounds.into_iter().peekable();
    let mut pos = 0;
    // Write the text up to `to`, opening and closing marks on the way.
    // Marks that start where a change starts hold it, marks that end there
    // are closed before it (their bounds come in that order).
    let mut text_to = |out: &mut Out, to: usize, pos: &mut usize| -> Result<()> {
        while let Some(&(at, open, m)) = bounds.peek() {
            if at > to {
                break;
            }
            out.text(&block.text[*pos..at])?;
            *pos = at;
            if open {
                let id = out.id(&m.id);
                out.start(m.element(), &mark_attrs(m, &id))?;
            } else {
                out.end(m.element())?;
            }
            bounds.next();
        }
        out.text(&block.text[*pos..to])?;
        *pos = to;
        Ok(())
    };
    for change in &block.changes {
        let valid = change.range.start >= pos
            && change.range.start <= change.range.end
            && block.text.get(change.range.clone()).is_some();
        if !valid {
            return Err(Error::Render {
                format: "tei",
                message: format!(
                    "block {index} lists a change at bytes {}..{} that is not in order or not inside its text",
                    change.range.start, change.range.end
                ),
            });
        }
        text_to(out, change.range.start, &mut pos)?;
        let new = &block.text[change.range.clone()];
        if options.inline_edits {
            choice(out, change, new, options)?;
        } else {
            out.text(new)?;
        }
        pos = change.range.end;
    }
    text_to(out, block.text.len(), &mut pos)
}

/// `xml:id` (`id`, the mark's id as written) and why: `damage
/// agent="byte-shift"`, `unclear reason="guessed-bytes"`.
fn mark_attrs<'a>(m: &DoubtMark, id: &'a str) -> Vec<(&'static str, &'a str)> {
    if m.damaged {
        vec![("xml:id", id), ("agent", "byte-shift")]
    } else {
        vec![("xml:id", id), ("reason", "guessed-bytes")]
    }
}

/// `<choice n="source range" change="#rev-…"><sic|orig>…</…><corr|reg>…</…></choice>`.
fn choice(out: &mut Out, change: &Change, new: &str, options: &TeiOptions) -> Result<()> {
    let n = xml::range(&change.source);
    let mut pointers = String::new();
    for kind in change.kinds.iter() {
        if !pointers.is_empty() {
            pointers.push(' ');
        }
        pointers.push_str(&out.pointer(&xml::revision_id(kind)));
    }
    let (old_side, new_side) = if change.is_correction() { ("sic", "corr") } else { ("orig", "reg") };
    if pointers.is_empty() {
        out.start("choice", &[("n", &n)])?;
    } else {
        out.start("choice", &[("n", &n), ("change", &pointers)])?;
    }
    out.inline(old_side, &[], original(change, options.keep_boilerplate))?;
    out.inline(new_side, &[], new)?;
    out.end("choice")
}

/// The source text of a change as the record keeps it: removed boilerplate
/// is dropped when the caller asked not to keep it.
fn original(change: &Change, keep_boilerplate: bool) -> &str {
    if !keep_boilerplate && change.kinds.contains(EditKind::Boilerplate) {
        ""
    } else {
        &change.original
    }
}

/// A block's text with every change replaced by its source text (what the
/// `sic`/`orig` reading of the record gives). Out-of-range changes are
/// skipped here; [`write`] reports them.
pub(super) fn source_side(block: &Block, keep_boilerplate: bool) -> String {
    let mut text = String::with_capacity(block.text.len());
    let mut pos = 0;
    for change in &block.changes {
        let (Some(before), Some(_)) = (block.text.get(pos..change.range.start), block.text.get(change.range.clone()))
        else {
            continue;
        };
        text.push_str(before);
        text.push_str(original(change, keep_boilerplate));
        pos = change.range.end;
    }
    text.push_str(block.text.get(pos..).unwrap_or_default());
    text
}

/// The decoded source, every character of it: each stretch whose source
/// bytes are kept ([`RawBytes`]) inside `<seg type="bytes" n="HEX">`, each
/// character XML 1.0 cannot hold as `<g ref="#U0001"/>` (see
/// [`forbidden_characters`]); everything else as text.
fn source(out: &mut Out, text: &str, raw: &[RawBytes]) -> Result<()> {
    let mut pos = 0;
    for span in raw {
        let range = span.text_range();
        let (Some(before), Some(inside)) = (text.get(pos..range.start), text.get(range.clone())) else {
            return Err(Error::Render {
                format: "tei",
                message: format!(
                    "the source keeps bytes for text at {}..{}, out of order or outside its {}-byte text",
                    range.start,
                    range.end,
                    text.len()
                ),
            });
        };
        verbatim(out, before)?;
        out.start("seg", &[("type", "bytes"), ("n", &xml::hex(&span.bytes))])?;
        verbatim(out, inside)?;
        out.end("seg")?;
        pos = range.end;
    }
    verbatim(out, &text[pos..])
}

/// `text` with nothing dropped: characters XML cannot hold as `g`.
fn verbatim(out: &mut Out, text: &str) -> Result<()> {
    let mut rest = text;
    while let Some(i) = rest.find(|c| !is_xml_char(c)) {
        out.text(&rest[..i])?;
        let c = rest[i..].chars().next().unwrap_or_default();
        let pointer = out.pointer(&xml::char_id(c));
        out.inline("g", &[("ref", &pointer)], "")?;
        rest = &rest[i + c.len_utf8()..];
    }
    out.text(rest)
}

/// The characters XML 1.0 cannot hold that the kept source has, in code
/// point order: the header declares each (`charDecl/char`) for the `g`s
/// that stand for them.
pub(super) fn forbidden_characters(article: &Article, options: &TeiOptions) -> Vec<char> {
    if !keeps_source(article, options) {
        return Vec::new();
    }
    let mut found: Vec<char> = article.metadata.source_text.chars().filter(|&c| !is_xml_char(c)).collect();
    found.sort_unstable();
    found.dedup();
    found
}

/// `<back><div type="boilerplate">`: each removed passage as it stood when
/// the boilerplate pass removed it, one `p` per passage, its lines separated
/// by `lb`, `@n` its source byte range.
fn back(out: &mut Out, article: &Article, options: &TeiOptions) -> Result<()> {
    let mut removed = article.provenance.iter().filter(|e| e.kind == EditKind::Boilerplate).peekable();
    if !options.keep_boilerplate || removed.peek().is_none() {
        return Ok(());
    }
    out.open("back", &[])?;
    out.open("div", &[("type", "boilerplate")])?;
    for edit in removed {
        out.begin("p", &[("n", &xml::range(&edit.source))])?;
        for (i, line) in edit.before.split('\n').enumerate() {
            if i > 0 {
                out.inline("lb", &[], "")?;
            }
            out.text(line)?;
        }
        out.end("p")?;
    }
    out.close("div")?;
    out.close("back")
}

/// Whether the record keeps the source text ([`TeiOptions::keep_source`];
/// not when removed boilerplate is to be left out, since the source holds
/// it; not for an article that has no source text).
pub(super) fn keeps_source(article: &Article, options: &TeiOptions) -> bool {
    options.keep_source && options.keep_boilerplate && !article.metadata.source_text.is_empty()
}

/// `<standOff>`: the source as decoded (when kept) and every edit of every
/// pass, in the order they were made, so that the provenance log survives
/// the record.
pub(super) fn stand_off(out: &mut Out, article: &Article, options: &TeiOptions) -> Result<()> {
    let keep_source = keeps_source(article, options);
    if article.provenance.is_empty() && !keep_source {
        return Ok(());
    }
    out.open("standOff", &[("xml:space", "preserve")])?;
    if keep_source {
        out.begin("seg", &[("type", "source")])?;
        source(out, &article.metadata.source_text, &article.metadata.encoding.raw)?;
        out.end("seg")?;
    }
    if article.provenance.is_empty() {
        return out.close("standOff");
    }
    out.open("listChange", &[("type", "edits")])?;
    for edit in &article.provenance {
        let mut n = xml::range(&edit.source);
        if let Some(loc) = &edit.output {
            let _ = write!(n, " {}:", loc.block);
            xml::push_range(&mut n, &loc.range);
        }
        let before = if !options.keep_boilerplate && edit.kind == EditKind::Boilerplate { "" } else { &edit.before };
        out.begin("change", &[("type", edit.kind.name()), ("n", &n)])?;
        out.start("choice", &[])?;
        out.inline("orig", &[], before)?;
        out.inline("reg", &[], &edit.after)?;
        out.end("choice")?;
        out.end("change")?;
    }
    out.close("listChange")?;
    out.close("standOff")
}
