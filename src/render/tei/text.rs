//! The `<text>` of the record (the article, with its edits inline, and the
//! removed boilerplate in `<back>`) and the `<standOff>` log of every edit.

use std::fmt::Write as _;

use super::xml::{self, Out};
use super::TeiOptions;
use crate::article::{Article, Block, BlockKind, Change, EditKind};
use crate::error::{Error, Result};

/// Write `<text>`: one `div` per heading and the paragraphs that follow it.
pub(super) fn write(out: &mut Out, article: &Article, options: &TeiOptions) -> Result<()> {
    // Whitespace in head and p is the article's own; say so.
    out.open("text", &[("xml:space", "preserve")])?;
    out.open("body", &[])?;
    out.open("div", &[("type", "article")])?;
    let mut div_has_content = false;
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
        content(out, index, block, options)?;
        out.end(name)?;
    }
    out.close("div")?;
    out.close("body")?;
    back(out, article, options)?;
    out.close("text")
}

/// The text of a block, each change encoded as a `choice` (or written
/// plainly when inline edits are off).
fn content(out: &mut Out, index: usize, block: &Block, options: &TeiOptions) -> Result<()> {
    let mut pos = 0;
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
        out.text(&block.text[pos..change.range.start])?;
        let new = &block.text[change.range.clone()];
        if options.inline_edits {
            choice(out, change, new, options)?;
        } else {
            out.text(new)?;
        }
        pos = change.range.end;
    }
    out.text(&block.text[pos..])
}

/// `<choice n="source range" change="#rev-…"><sic|orig>…</…><corr|reg>…</…></choice>`.
fn choice(out: &mut Out, change: &Change, new: &str, options: &TeiOptions) -> Result<()> {
    let n = xml::range(&change.source);
    let mut pointers = String::new();
    for kind in change.kinds.iter() {
        if !pointers.is_empty() {
            pointers.push(' ');
        }
        pointers.push('#');
        pointers.push_str(&xml::revision_id(kind));
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

/// `<standOff><listChange type="edits">`: every edit of every pass, in the
/// order they were made, so that the provenance log survives the record.
pub(super) fn stand_off(out: &mut Out, article: &Article, options: &TeiOptions) -> Result<()> {
    if article.provenance.is_empty() {
        return Ok(());
    }
    out.open("standOff", &[("xml:space", "preserve")])?;
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
