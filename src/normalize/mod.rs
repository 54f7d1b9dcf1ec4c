//! The normalisation pipeline: bytes → [`Article`].
//!
//! ```text
//! decode → [extraction] → cleanup → repair → annotations → boilerplate → structure → punctuation → script
//! ```
//!
//! `extraction` runs only on a web page (the `html` feature, [`html`]): it
//! takes the article out of the page as edits of the page, so that from
//! then on a page is text like any other and every edit keeps its place in
//! the page's source.
//!
//! Each pass is a plain function in its own module: it reads the current text
//! and returns [`Replacement`]s (and, for some, [`PassNote`]s about what it
//! could not do). [`TrackedText`] applies them and records every edit with
//! its place in the decoded source, so no pass can change the text without
//! leaving provenance. The order matters:
//!
//! * `repair` reads GBK bytes, so it runs on the text as decoded, before
//!   anything changes characters (script conversion would destroy the byte
//!   arithmetic it relies on);
//! * `annotations` then sees the annotations the repair put back in place;
//! * `boilerplate` runs before `script` so the provenance keeps removed
//!   notices as written, and its rules carry both scripts;
//! * `structure` fixes the final layout (and joins wrapped lines, so phrase
//!   conversion sees whole sentences); `punctuation` looks at Han neighbours,
//!   which script conversion does not change;
//! * `script` comes last: it makes by far the most edits, and a pass after it
//!   would have to carry all of them along.

pub mod annotations;
pub mod boilerplate;
pub mod cleanup;
pub mod decode;
pub mod gbk;
pub mod head;
#[cfg(feature = "html")]
pub mod html;
pub mod language;
pub mod punctuation;
pub mod readings;
pub mod repair;
pub mod script;
pub mod structure;
pub mod tracked;

use std::ops::Range;

use compact_str::CompactString;

use crate::article::{
    Article, Block, BlockKind, Change, Doubt, DoubtKind, Edit, EditKind, EditKinds, Extraction, Location, MetaField,
    Metadata, Script, SourceInfo, Warning,
};
use crate::digest::sha256_hex;
use crate::error::{Error, Result};
use crate::options::{InputFormat, Options};
use script::{Conversion, Converter};
pub use tracked::{Replacement, Segment, TrackedText};

/// Something a pass could not do, at a range of its input text.
///
/// ```
/// use zharchive::normalize::cleanup::cleanup;
/// let (_, notes) = cleanup("正文\u{7}。");
/// assert_eq!(notes.len(), 1);
/// assert_eq!((notes[0].code, notes[0].range.clone()), ("control-characters", 6..7));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassNote {
    /// Byte range in the text the pass was given.
    pub range: Range<usize>,
    /// Stable code for [`Warning::code`].
    pub code: &'static str,
    /// What happened.
    pub message: String,
    /// Whether the text at `range` (as the pass left it) is doubtful, and
    /// why.
    pub doubt: Option<DoubtKind>,
}

/// Run the whole pipeline with `converter` for the script pass.
pub(crate) fn run(bytes: &[u8], options: &Options, converter: &dyn Converter) -> Result<Article> {
    let size = bytes.len() as u64;
    if size > options.max_input_bytes {
        return Err(Error::TooLarge { size, limit: options.max_input_bytes });
    }
    let is_html = match options.input_format {
        InputFormat::Text => false,
        InputFormat::Html => true,
        InputFormat::Auto => cfg!(feature = "html") && is_html_page(bytes),
    };
    let mut warnings = Vec::new();
    let decoded = if is_html {
        decode_page(bytes, options, &mut warnings)?
    } else {
        decode::decode(bytes, options.encoding.as_deref())?
    };
    if decoded.text.chars().all(|c| c.is_whitespace() || c == '\u{FEFF}') {
        return Err(Error::Empty);
    }
    if decoded.report.malformed_bytes > 0 {
        warnings.push(Warning::new(
            "malformed-bytes",
            format!(
                "{} byte(s) are not valid {} and were replaced by U+FFFD",
                decoded.report.malformed_bytes, decoded.report.name
            ),
            None,
        ));
    }
    let mut text = TrackedText::new(decoded.text);
    // A web page: the article taken out of it, as edits of the page, so
    // that every later edit keeps its place in the page's source.
    let mut given_source = options.source.clone();
    let (extraction, page_blocks) =
        if is_html { extract_page(&mut text, &mut given_source, &mut warnings)? } else { (None, Vec::new()) };

    let (reps, notes) = cleanup::cleanup(text.text());
    apply(&mut text, EditKind::Cleanup, reps, notes, &mut warnings);
    let reps = cleanup::nfc(text.text());
    apply(&mut text, EditKind::Cleanup, reps, Vec::new(), &mut warnings);

    if options.repair {
        let (reps, notes) = repair::repair(text.text(), &language::SharedOnFirstUse);
        apply(&mut text, EditKind::Repair, reps, notes, &mut warnings);
    }
    if options.annotations {
        let reps = annotations::annotations(text.text(), converter);
        apply(&mut text, EditKind::Annotation, reps, Vec::new(), &mut warnings);
    }
    // A first line too long for a title is split before the boilerplate
    // pass, so that the paragraph it starts is checked like any other line.
    // Both run until nothing changes: a removal can bring another notice to
    // the start of a line (`(免責聲明)聲明:…`), or make the next line the
    // title, to be split in turn. Each round is linear; the bound only stops
    // a hostile input from chaining rounds without end.
    let rules = match (options.boilerplate, options.replace_builtin_rules) {
        (false, _) => Vec::new(),
        (true, replace) => {
            let mut rules = if replace { Vec::new() } else { boilerplate::builtin_rules() };
            rules.extend(options.boilerplate_rules.iter().cloned());
            rules
        }
    };
    for _ in 0..16 {
        let (reps, notes) = structure::split_long_title(text.text());
        apply(&mut text, EditKind::Structure, reps, notes, &mut warnings);
        if !options.boilerplate {
            break;
        }
        let reps = boilerplate::boilerplate(text.text(), &rules);
        let removed = !reps.is_empty();
        apply(&mut text, EditKind::Boilerplate, reps, Vec::new(), &mut warnings);
        if !removed {
            break;
        }
    }
    // Head metadata lines stand alone; where they are in the source is kept
    // to mark their blocks once the text is final.
    let (head_lines, head_values) =
        if options.head_metadata { head::head(text.text(), converter) } else { Default::default() };
    let head_sources: Vec<(Range<usize>, MetaField)> = head_lines
        .iter()
        .map(|l| (tracked::map_range(text.segments(), l.range.clone(), text.source().len()), l.field))
        .collect();
    let standalone: Vec<Range<usize>> = head_lines.iter().map(|l| l.range.clone()).collect();
    let reps = structure::structure_with(text.text(), options.line_breaks, &standalone);
    apply(&mut text, EditKind::Structure, reps, Vec::new(), &mut warnings);
    if options.punctuation {
        let reps = punctuation::punctuation(text.text());
        apply(&mut text, EditKind::Punctuation, reps, Vec::new(), &mut warnings);
    }
    // Script conversion makes by far the most edits (one per converted run);
    // as the last pass, no later pass has to carry its segments along.
    let source_script = converter.detect(sample(text.text(), 16 * 1024));
    let conversion = Conversion::for_target(source_script, options.script);
    if let Some(conversion) = conversion {
        let reps = script::convert_from(text.text(), source_script, conversion, converter, &options.user_dictionary);
        apply(&mut text, EditKind::Script, reps, Vec::new(), &mut warnings);
    }

    // Joined lines and removed text can bring a letter and a combining mark
    // together: the output is NFC too (on Chinese text, a scan that finds
    // nothing to do).
    let reps = cleanup::nfc(text.text());
    apply(&mut text, EditKind::Cleanup, reps, Vec::new(), &mut warnings);

    if text.text().is_empty() {
        return Err(Error::NothingLeft);
    }
    let target_script = options.script.script().unwrap_or(source_script);
    let (source_text, final_text, segments, mut edits) = text.into_parts();
    let mut blocks = build_blocks(&final_text, &source_text, &segments, &mut edits);
    let marks: BlockMarks = page_blocks
        .into_iter()
        .chain(head_sources.into_iter().map(|(range, field)| (range, BlockKind::Meta(field))))
        .collect();
    mark_blocks(&final_text, &segments, &marks, &mut blocks);
    place_doubts(&final_text, &segments, &blocks, &mut warnings);
    if blocks.len() == 1 {
        warnings.push(Warning::new("no-paragraphs", "the article has a title but no paragraphs", None));
    }
    Ok(Article {
        metadata: Metadata {
            language: target_script.language_tag().to_owned(),
            source_language: source_script.language_tag().to_owned(),
            source_script,
            target_script,
            encoding: decoded.report,
            source_sha256: sha256_hex(bytes),
            source_bytes: size,
            source_text,
            source: with_head_values(&given_source, head_values, |v| match conversion {
                Some(c) => converter.convert(v, c),
                None => v.to_owned(),
            }),
            extraction,
        },
        blocks,
        provenance: edits,
        warnings,
    })
}

/// Give blocks the kinds `marks` name by source range: head metadata lines
/// ([`BlockKind::Meta`], the block that holds the line) and a web page's
/// subheadings, quotations, list items and captions (the block that begins
/// there). The title is the first block that is not head metadata (the
/// first block if all are).
fn mark_blocks(text: &str, segments: &[Segment], marks: &[(Range<usize>, BlockKind)], blocks: &mut [Block]) {
    let mut starts = Vec::with_capacity(blocks.len());
    let mut at = 0;
    for block in blocks.iter() {
        starts.push(at);
        at += block.text.len() + 2;
    }
    for (source, kind) in marks {
        // Where the line's first source byte is in the final text.
        let k = segments.partition_point(|s| s.source.end <= source.start);
        let Some(seg) = segments.get(k) else { continue };
        let pos = if seg.identity { seg.current.start + (source.start - seg.source.start) } else { seg.current.start };
        if pos > text.len() {
            continue;
        }
        let b = starts.partition_point(|&s| s <= pos).saturating_sub(1);
        // A page's block marks the block it begins, and only that: if the
        // passes removed it, its place falls inside another block.
        let begins = starts.get(b) == Some(&pos);
        if let Some(block) = blocks.get_mut(b).filter(|_| begins || matches!(kind, BlockKind::Meta(_))) {
            block.kind = *kind;
        }
    }
    let title = blocks.iter().position(|b| !matches!(b.kind, BlockKind::Meta(_))).unwrap_or(0);
    if let Some(block) = blocks.get_mut(title) {
        block.kind = BlockKind::Heading;
    }
    for block in blocks.iter_mut().skip(title + 1) {
        if block.kind == BlockKind::Heading {
            block.kind = BlockKind::Paragraph;
        }
    }
    // Blocks marked before the title (a page's own heading levels) are
    // paragraphs: nothing but head metadata stands above the title.
    for block in blocks.iter_mut().take(title) {
        if !matches!(block.kind, BlockKind::Meta(_)) {
            block.kind = BlockKind::Paragraph;
        }
    }
}

/// The caller's source facts, each empty one filled from the page's head
/// lines (in the article's script, `convert`), repeated values once.
fn with_head_values(given: &SourceInfo, found: head::HeadValues, convert: impl Fn(&str) -> String) -> SourceInfo {
    let unique = |values: Vec<String>| {
        let mut out: Vec<String> = Vec::new();
        for v in values.iter().map(|v| convert(v)) {
            if !out.contains(&v) {
                out.push(v);
            }
        }
        out
    };
    let mut source = given.clone();
    if source.author.is_none() && source.authors.is_empty() {
        source.authors = unique(found.authors);
    }
    if source.affiliations.is_empty() {
        source.affiliations = unique(found.affiliations);
    }
    if source.date.is_none() {
        source.date = found.date;
    }
    if source.publication.is_none() {
        source.publication = found.publication.map(|p| convert(&p));
    }
    if source.keywords.is_empty() {
        source.keywords = unique(found.keywords);
    }
    if source.identifiers.is_empty() {
        for (label, value) in found.identifiers {
            let pair = (convert(&label), value);
            if !source.identifiers.contains(&pair) {
                source.identifiers.push(pair);
            }
        }
    }
    source
}

/// Block kinds by the source range of the block they mark.
type BlockMarks = Vec<(Range<usize>, BlockKind)>;

/// Whether `bytes` are a web page (only with the `html` feature).
fn is_html_page(bytes: &[u8]) -> bool {
    #[cfg(feature = "html")]
    return html::looks_like_html(bytes);
    #[cfg(not(feature = "html"))]
    {
        let _ = bytes;
        false
    }
}

/// Decode a web page by the WHATWG rules; a charset the page claims but its
/// bytes belie is a warning.
#[cfg(feature = "html")]
fn decode_page(bytes: &[u8], options: &Options, warnings: &mut Vec<Warning>) -> Result<decode::Decoded> {
    let (decoded, conflict) = decode::decode_html(bytes, options.encoding.as_deref())?;
    if let Some(message) = conflict {
        warnings.push(Warning::new("charset-conflict", message, None));
    }
    Ok(decoded)
}

#[cfg(not(feature = "html"))]
fn decode_page(_: &[u8], _: &Options, _: &mut Vec<Warning>) -> Result<decode::Decoded> {
    Err(Error::Options("HTML input needs the crate's `html` feature".into()))
}

/// Take the article out of the page in `text` (one pass of
/// [`EditKind::Extraction`] edits), fill the source facts the caller left
/// empty from the page's metadata, and say how it was done.
#[cfg(feature = "html")]
fn extract_page(
    text: &mut TrackedText,
    source: &mut SourceInfo,
    warnings: &mut Vec<Warning>,
) -> Result<(Option<Extraction>, BlockMarks)> {
    let page = html::extract(text.text())?;
    text.apply(EditKind::Extraction, page.replacements);
    // Each block's kind, by where it begins in the page (the page's text is
    // the source, so these ranges are source ranges).
    let kinds = page
        .blocks
        .iter()
        .filter_map(|(kind, span)| {
            let kind = match kind {
                html::PageBlockKind::Heading(level) => BlockKind::Subheading((*level).clamp(2, 6)),
                html::PageBlockKind::Paragraph => BlockKind::Paragraph,
                html::PageBlockKind::Quote => BlockKind::Quote,
                html::PageBlockKind::ListItem => BlockKind::ListItem,
                html::PageBlockKind::Caption => BlockKind::Caption,
            };
            span.clone().map(|span| (span, kind))
        })
        .collect();
    let meta = page.page;
    for (field, value) in [
        (&mut source.url, meta.url),
        (&mut source.site, meta.site),
        (&mut source.author, meta.author),
        (&mut source.date, meta.published.map(|d| html_date(&d))),
    ] {
        if field.is_none() {
            *field = value;
        }
    }
    let inserted = page.blocks.iter().filter(|(_, span)| span.is_none()).count();
    if inserted > 0 {
        warnings.push(Warning::new(
            "extraction-inserted",
            format!(
                "{inserted} block(s) of the article were not found in the page's visible text and were inserted \
                 (their provenance points at no place in the page)"
            ),
            None,
        ));
    }
    if page.whole_page {
        warnings.push(Warning::new(
            "no-article-found",
            "no article was found in the page: its whole text was taken",
            None,
        ));
    }
    let extraction = Extraction {
        format: "html".into(),
        extractor: html::EXTRACTOR.into(),
        page_language: meta.lang,
        whole_page: page.whole_page,
    };
    Ok((Some(extraction), kinds))
}

#[cfg(not(feature = "html"))]
fn extract_page(
    _: &mut TrackedText,
    _: &mut SourceInfo,
    _: &mut Vec<Warning>,
) -> Result<(Option<Extraction>, BlockMarks)> {
    Ok((None, Vec::new()))
}

/// A page's publication time as a date the writers read
/// (`2016-10-13T08:17:00+08:00` → `2016-10-13T08:17:00`): the local time
/// the page gives, without its offset.
#[cfg(feature = "html")]
fn html_date(value: &str) -> String {
    let v = value.trim();
    let cut = v.char_indices().skip(19).find(|&(_, c)| matches!(c, '+' | '-' | 'Z' | '.')).map_or(v.len(), |(i, _)| i);
    v[..cut].to_owned()
}

/// Apply one pass's output, turning its notes into warnings placed in the
/// source.
fn apply(
    text: &mut TrackedText,
    kind: EditKind,
    reps: Vec<Replacement>,
    notes: Vec<PassNote>,
    warnings: &mut Vec<Warning>,
) {
    for note in notes {
        let source = tracked::map_range(text.segments(), note.range, text.source().len());
        let mut warning = Warning::new(note.code, note.message, Some(source));
        warning.doubt = note.doubt.map(|kind| Doubt { kind, output: None });
        warnings.push(warning);
    }
    text.apply(kind, reps);
}

/// The lines of `text` as `str::lines` cuts them (at `\n`, a `\r` before
/// that `\n` dropped, no empty line after a final `\n`), found with a plain loop over
/// the bytes: `lines()` sets up a search per line, which for the 50,000
/// short lines of the word list or an OpenCC dictionary was most of reading
/// it, and every one-article process reads several.
pub(crate) fn plain_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let Some(end) = rest.bytes().position(|b| b == b'\n') else {
            return Some(std::mem::take(&mut rest));
        };
        let line = &rest[..end];
        rest = &rest[end + 1..];
        Some(line.strip_suffix('\r').unwrap_or(line))
    })
}

/// The first `max` bytes of `text`, cut at a character boundary.
fn sample(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The byte ranges of the blocks of the final text, which are separated by
/// `\n\n` (as `str::split` cuts it; `memmem` finds the separators several
/// bytes at a time, where `split`'s two-way search took a few percent of
/// normalising a long text).
fn block_ranges(text: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut start = 0;
    for at in memchr::memmem::find_iter(text.as_bytes(), b"\n\n") {
        ranges.push(start..at);
        start = at + 2;
    }
    ranges.push(start..text.len());
    ranges
}

/// Cut the final text (`title\n\nparagraph…`) into blocks, attach the
/// changed segments to them, and place every edit in the output.
///
/// Segments are disjoint and in source order (no pass reorders text), so the
/// changed segments an edit touches are found by binary search: linear in
/// the number of edits, whatever the size of the article.
fn build_blocks(text: &str, source: &str, segments: &[Segment], edits: &mut [Edit]) -> Vec<Block> {
    let ranges = block_ranges(text);
    let block_of = |pos: usize| {
        let i = ranges.partition_point(|r| r.end < pos);
        (i < ranges.len() && ranges[i].start <= pos).then_some(i)
    };

    // Which edits touch which changed segment (a bit per kind), and where
    // each edit ended up.
    let mut seg_kinds = vec![EditKinds::new(); segments.len()];
    // Each pass's edits are in order: search on from the previous one.
    let mut previous = (0, 0);
    for edit in edits.iter_mut() {
        let from = if edit.source.start >= previous.0 { previous.1 } else { 0 };
        let first = tracked::partition_point_from(segments, from, |s| s.source.end < edit.source.start);
        previous = (edit.source.start, first);
        let mut span: Option<(usize, usize)> = None;
        for (k, seg) in segments.iter().enumerate().skip(first) {
            if seg.source.start > edit.source.end {
                break;
            }
            if seg.identity || !touches(&seg.source, &edit.source) {
                continue;
            }
            seg_kinds[k].insert(edit.kind);
            span = Some(match span {
                None => (seg.current.start, seg.current.end),
                Some((a, _)) => (a, seg.current.end),
            });
        }
        edit.output = match (edit.kind, span) {
            (EditKind::Boilerplate, _) | (_, None) => None,
            (_, Some((from, to))) => block_of(from).and_then(|b| {
                let r = &ranges[b];
                (to <= r.end).then(|| Location { block: b, range: from - r.start..to - r.start })
            }),
        };
    }

    let mut blocks: Vec<Block> = ranges
        .iter()
        .enumerate()
        .map(|(i, r)| Block {
            kind: if i == 0 { BlockKind::Heading } else { BlockKind::Paragraph },
            text: text[r.clone()].to_owned(),
            changes: Vec::new(),
        })
        .collect();

    for (k, seg) in segments.iter().enumerate() {
        if seg.identity {
            continue;
        }
        // A change belongs to the block it starts in. One that starts where a
        // block ends is the separator between blocks (dropped when only the
        // structure pass made it), unless it runs on into the next block's
        // text: then it belongs to that block, which it starts.
        let Some(mut b) = block_of(seg.current.start) else { continue };
        if seg.current.start == ranges[b].end && seg.current.end > ranges[b].end {
            match ranges.get(b + 1) {
                Some(next) if seg.current.end > next.start => b += 1,
                _ => continue,
            }
        } else if seg.current.start == ranges[b].end && b + 1 < ranges.len() && seg_kinds[k] == [EditKind::Structure] {
            continue;
        }
        let block = &ranges[b];
        blocks[b].changes.push(Change {
            range: seg.current.start.max(block.start) - block.start..seg.current.end.min(block.end) - block.start,
            source: seg.source.clone(),
            original: CompactString::from(&source[seg.source.clone()]),
            kinds: seg_kinds[k],
        });
    }
    blocks
}

/// Place every doubtful stretch ([`Doubt`]) in the final blocks: the source
/// text a warning is about, as far as it survived — exactly, where no pass
/// touched it, and as the whole change, where passes did (a change is only
/// known as a whole). Doubts that overlap in the output are widened to their
/// union, so that each is one element in a record.
fn place_doubts(text: &str, segments: &[Segment], blocks: &[Block], warnings: &mut [Warning]) {
    let ranges = block_ranges(text);
    // The blocks' changes in the whole text: a doubtful stretch never ends
    // inside one, so that a record can mark it around the change's markup.
    let changes: Vec<Range<usize>> = blocks
        .iter()
        .zip(&ranges)
        .flat_map(|(b, r)| b.changes.iter().map(move |c| r.start + c.range.start..r.start + c.range.end))
        .collect();
    let widen = |mut span: Range<usize>| {
        for c in &changes {
            if c.start < span.start && span.start < c.end {
                span.start = c.start;
            }
            if c.start < span.end && span.end < c.end {
                span.end = c.end;
            }
        }
        span
    };
    let mut placed: Vec<(usize, Range<usize>)> = Vec::new();
    for (i, w) in warnings.iter().enumerate() {
        let (Some(source), Some(_)) = (&w.source, &w.doubt) else { continue };
        let first = segments.partition_point(|s| s.source.end < source.start);
        let mut span: Option<Range<usize>> = None;
        for seg in &segments[first..] {
            if seg.source.start > source.end || (seg.source.start == source.end && !source.is_empty()) {
                break;
            }
            if !touches(&seg.source, source) {
                continue;
            }
            let part = if seg.identity {
                let from = source.start.max(seg.source.start) - seg.source.start;
                let to = source.end.min(seg.source.end) - seg.source.start;
                seg.current.start + from..seg.current.start + to
            } else {
                seg.current.clone()
            };
            if part.is_empty() {
                continue;
            }
            span = Some(match span {
                None => part,
                Some(s) => s.start.min(part.start)..s.end.max(part.end),
            });
        }
        if let Some(span) = span {
            placed.push((i, widen(span)));
        }
    }
    // Widen overlapping stretches to the union of their group.
    placed.sort_by_key(|(i, span)| (span.start, *i));
    let mut group = 0;
    while group < placed.len() {
        let mut union = placed[group].1.clone();
        let mut end = group + 1;
        while end < placed.len() && placed[end].1.start < union.end {
            union.end = union.end.max(placed[end].1.end);
            end += 1;
        }
        for p in &mut placed[group..end] {
            p.1 = union.clone();
        }
        group = end;
    }
    for (i, span) in placed {
        let block = ranges.partition_point(|r| r.end < span.start);
        let Some(r) = ranges.get(block) else { continue };
        let (from, to) = (span.start.max(r.start), span.end.min(r.end));
        if let Some(doubt) = warnings[i].doubt.as_mut() {
            doubt.output = (from < to).then(|| Location { block, range: from - r.start..to - r.start });
        }
    }
}

fn touches(a: &Range<usize>, b: &Range<usize>) -> bool {
    if a.is_empty() || b.is_empty() {
        (a.start >= b.start && a.start <= b.end) || (b.start >= a.start && b.start <= a.end)
    } else {
        a.start < b.end && b.start < a.end
    }
}

/// The script a text is mostly in, with the shared OpenCC converter.
///
/// ```
/// assert_eq!(zharchive::normalize::detect_script("這是繁體中文"), zharchive::Script::Traditional);
/// ```
pub fn detect_script(text: &str) -> Script {
    script::OpenCc::shared().detect(text)
}

/// How many texts make a batch worth [`preload_for`]: fewer need only the
/// parts of OpenCC's tables their own texts meet.
const PRELOAD_FROM: usize = 8;

/// Before normalising `texts` texts at once (a book, a batch): build what
/// they share — OpenCC's detection tables in both directions, the repair's
/// word model and GBK table — on the current rayon pool's threads at the
/// same time, instead of one after the other as the first texts ask for
/// them while the other threads wait. Does nothing for fewer than eight
/// texts; normalising builds each table on first use anyway.
///
/// ```
/// zharchive::normalize::preload_for(200);
/// let article = zharchive::normalize("標題\n\n正文。".as_bytes(), &Default::default())?;
/// assert_eq!(article.body_text(), "正文。");
/// # Ok::<(), zharchive::Error>(())
/// ```
pub fn preload_for(texts: usize) {
    if texts < PRELOAD_FROM {
        return;
    }
    let cc = script::OpenCc::shared();
    rayon::scope(|s| {
        s.spawn(|_| cc.load(script::Conversion::S2t));
        s.spawn(|_| cc.load(script::Conversion::T2s));
        s.spawn(|_| {
            language::WordFrequency::shared();
        });
        s.spawn(|_| {
            gbk::decode_pair(0x81, 0x40);
        });
    });
}

#[cfg(test)]
mod tests {
    use super::tracked::{Replacement, TrackedText};
    use super::*;

    #[test]
    fn plain_lines_are_the_lines_of_str() {
        for text in ["", "a", "a\n", "a\nb", "a\r\nb\r\n", "\n\n", "a\n\nb\n", "\r", "a\rb\n", "詞 12\n詞語 3"] {
            assert_eq!(plain_lines(text).collect::<Vec<_>>(), text.lines().collect::<Vec<_>>(), "{text:?}");
        }
    }

    #[test]
    fn blocks_are_cut_as_split_cuts_them() {
        for text in ["", "a", "a\n\nb", "\n\n", "a\n\n\nb", "a\n\n\n\nb\n\n", "標題\n\n正文。\n"] {
            let mut start = 0;
            let split: Vec<Range<usize>> = text
                .split("\n\n")
                .map(|piece| {
                    let range = start..start + piece.len();
                    start += piece.len() + 2;
                    range
                })
                .collect();
            assert_eq!(block_ranges(text), split, "{text:?}");
        }
    }

    #[test]
    fn boilerplate_runs_until_no_notice_is_left_at_a_line_start() {
        // Found by fuzzing: removing `(免責聲明)` brought `聲明:` to the start
        // of its line, and only a second run removed that.
        let text = "標題\n\n正文。\n\n(免責聲明)聲明:本網站內容僅供參考。\n";
        let options = Options::default();
        let once = crate::normalize(text.as_bytes(), &options).unwrap().plain_text();
        assert_eq!(once, "标题\n\n正文。\n");
        let twice = crate::normalize(once.as_bytes(), &options).unwrap().plain_text();
        assert_eq!(once, twice);
    }

    #[test]
    fn simplified_text_is_left_as_written() {
        // `著` is a Simplified character too (显著, 著作): t2s writes it
        // itself in those phrases, and a Simplified text (a first run's
        // output) keeps it rather than turning it into `着`.
        let text = "标题\n\n这个效果非常显著，专著很多。\n";
        let once = crate::normalize(text.as_bytes(), &Options::default()).unwrap().plain_text();
        assert_eq!(once, "标题\n\n这个效果非常显著，专著很多。\n");
        let traditional = crate::normalize("標題\n\n這個效果非常顯著，專著很多。".as_bytes(), &Options::default());
        assert_eq!(traditional.unwrap().plain_text(), once);
    }

    #[test]
    fn a_change_running_from_a_separator_into_a_block_belongs_to_that_block() {
        // An early edit covers an indent and the first character of the
        // second paragraph; the structure pass then rewrites the line break
        // and the indent, and the two merge into one change that starts at
        // the separator. Its text is the second block's.
        let mut t = TrackedText::new("a\n\u{3000}bc".to_owned());
        t.apply(EditKind::Cleanup, vec![Replacement::new(2..6, "\u{3000}B")]);
        t.apply(EditKind::Structure, vec![Replacement::new(1..5, "\n\n")]);
        let (source, text, segments, mut edits) = t.into_parts();
        assert_eq!(text, "a\n\nBc");
        let blocks = build_blocks(&text, &source, &segments, &mut edits);
        assert_eq!(blocks[0].changes, vec![]);
        assert_eq!(
            blocks[1].changes,
            vec![Change {
                range: 0..1,
                source: 1..6,
                original: "\n\u{3000}b".into(),
                kinds: [EditKind::Cleanup, EditKind::Structure].into_iter().collect()
            }]
        );
    }
}
