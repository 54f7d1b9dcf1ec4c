//! [`TrackedText`]: the one mechanism every pass edits through.
//!
//! A pass never rewrites the text itself. It looks at the current text and
//! proposes [`Replacement`]s (byte range, new text); `TrackedText::apply`
//! builds the new text, appends one [`Edit`] per replacement to the
//! provenance log, and keeps a *source map* from the current text back to the
//! decoded source. So every pass is a plain function over a `&str`, testable
//! alone, and provenance cannot be forgotten.
//!
//! The source map is a list of [`Segment`]s covering the current text in
//! order. An *identity* segment is source text no pass has touched (offsets
//! map one to one); a *changed* segment is text some pass produced, mapped to
//! the whole source range it came from. When a later pass edits inside a
//! changed segment, the two merge, so a change is always mapped to the full
//! source text it replaced (`會(huì)` → `會` → `会` is one change of
//! `會(huì)` into `会`).

use std::ops::Range;

use compact_str::CompactString;

use crate::article::{Edit, EditKind};

/// A proposed edit: replace `range` of the current text by `text`.
///
/// ```
/// use zharchive::{normalize::{Replacement, TrackedText}, EditKind};
/// let mut t = TrackedText::new("會(huì)議".to_owned());
/// t.apply(EditKind::Annotation, vec![Replacement::delete(3..9)]);
/// assert_eq!(t.text(), "會議");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replacement {
    /// Byte range in the text the pass was given (on char boundaries).
    pub range: Range<usize>,
    /// The new text.
    pub text: CompactString,
}

impl Replacement {
    /// Replace `range` by `text`.
    ///
    /// ```
    /// use zharchive::{normalize::{Replacement, TrackedText}, EditKind};
    /// let mut t = TrackedText::new("會議".to_owned());
    /// t.apply(EditKind::Script, vec![Replacement::new(0..3, "会"), Replacement::new(3..6, "议")]);
    /// assert_eq!(t.text(), "会议");
    /// ```
    pub fn new(range: Range<usize>, text: impl Into<CompactString>) -> Self {
        Replacement { range, text: text.into() }
    }

    /// Delete `range`.
    ///
    /// ```
    /// use zharchive::normalize::Replacement;
    /// assert_eq!(Replacement::delete(2..5), Replacement::new(2..5, ""));
    /// ```
    pub fn delete(range: Range<usize>) -> Self {
        Replacement { range, text: CompactString::const_new("") }
    }
}

/// A stretch of the current text and where it came from.
///
/// ```
/// use zharchive::{normalize::{Replacement, TrackedText}, EditKind};
/// let mut t = TrackedText::new("ab(x)cd".to_owned());
/// t.apply(EditKind::Annotation, vec![Replacement::delete(2..5)]);
/// let s = t.segments();
/// assert_eq!((s[0].current.clone(), s[0].source.clone(), s[0].identity), (0..2, 0..2, true));
/// assert_eq!((s[1].current.clone(), s[1].source.clone(), s[1].identity), (2..2, 2..5, false)); // removed
/// assert_eq!((s[2].current.clone(), s[2].source.clone(), s[2].identity), (2..4, 5..7, true));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Byte range in the current text.
    pub current: Range<usize>,
    /// Byte range in the decoded source.
    pub source: Range<usize>,
    /// Untouched source text (`current` and `source` have equal length).
    pub identity: bool,
}

/// Text being normalised, with its provenance log and source map.
///
/// ```
/// use zharchive::{normalize::{Replacement, TrackedText}, EditKind};
/// let mut t = TrackedText::new("會(huì)議".to_owned());
/// t.apply(EditKind::Annotation, vec![Replacement::delete(3..9)]);
/// t.apply(EditKind::Script, vec![Replacement::new(0..6, "会议")]);
/// assert_eq!((t.source(), t.text()), ("會(huì)議", "会议"));
/// // The script edit maps back to all the source it came from.
/// assert_eq!(t.edits()[1].source, 0..12);
/// ```
#[derive(Debug, Clone)]
pub struct TrackedText {
    source: String,
    text: String,
    segments: Vec<Segment>,
    edits: Vec<Edit>,
    /// The previous pass's text and segments, kept to be written over by
    /// the next pass: on a large text, fresh buffers for every pass cost
    /// more in page faults than the copying itself.
    spare: (String, Vec<Segment>),
}

impl TrackedText {
    /// Start tracking freshly decoded source text.
    ///
    /// ```
    /// use zharchive::normalize::TrackedText;
    /// let t = TrackedText::new("正文".to_owned());
    /// assert_eq!(t.text(), t.source());
    /// assert!(t.edits().is_empty());
    /// ```
    pub fn new(source: String) -> Self {
        let len = source.len();
        let segments =
            if len == 0 { Vec::new() } else { vec![Segment { current: 0..len, source: 0..len, identity: true }] };
        TrackedText { text: source.clone(), source, segments, edits: Vec::new(), spare: (String::new(), Vec::new()) }
    }

    /// The current text.
    ///
    /// ```
    /// use zharchive::{normalize::{Replacement, TrackedText}, EditKind};
    /// let mut t = TrackedText::new("一\r\n二".to_owned());
    /// t.apply(EditKind::Cleanup, vec![Replacement::new(3..5, "\n")]);
    /// assert_eq!(t.text(), "一\n二");
    /// ```
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The decoded source text.
    ///
    /// ```
    /// use zharchive::{normalize::{Replacement, TrackedText}, EditKind};
    /// let mut t = TrackedText::new("一\r\n二".to_owned());
    /// t.apply(EditKind::Cleanup, vec![Replacement::new(3..5, "\n")]);
    /// assert_eq!(t.source(), "一\r\n二"); // never changes
    /// ```
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The source map of the current text.
    ///
    /// ```
    /// use zharchive::normalize::TrackedText;
    /// let t = TrackedText::new("正文".to_owned());
    /// assert_eq!(t.segments().len(), 1); // untouched: one identity segment
    /// assert!(t.segments()[0].identity && t.segments()[0].current == (0..6));
    /// ```
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The edits applied so far.
    ///
    /// ```
    /// use zharchive::{normalize::{Replacement, TrackedText}, EditKind};
    /// let mut t = TrackedText::new("會議".to_owned());
    /// t.apply(EditKind::Script, vec![Replacement::new(0..6, "会议")]);
    /// let e = &t.edits()[0];
    /// assert_eq!((e.kind, e.source.clone()), (EditKind::Script, 0..6));
    /// assert_eq!((e.before.as_str(), e.after.as_str()), ("會議", "会议"));
    /// ```
    pub fn edits(&self) -> &[Edit] {
        &self.edits
    }

    /// Take the edit log and the source text, leaving the text itself.
    ///
    /// ```
    /// use zharchive::{normalize::{Replacement, TrackedText}, EditKind};
    /// let mut t = TrackedText::new("會議".to_owned());
    /// t.apply(EditKind::Script, vec![Replacement::new(0..6, "会议")]);
    /// let (source, text, segments, edits) = t.into_parts();
    /// assert_eq!((source.as_str(), text.as_str()), ("會議", "会议"));
    /// assert_eq!((segments.len(), edits.len()), (1, 1));
    /// ```
    pub fn into_parts(self) -> (String, String, Vec<Segment>, Vec<Edit>) {
        (self.source, self.text, self.segments, self.edits)
    }

    /// Apply a pass's replacements and log them as edits of `kind`.
    ///
    /// Replacements are sorted here; any that overlap an earlier one, fall
    /// outside the text or split a character are ignored (a pass bug must not
    /// corrupt the text). Replacements that change nothing are dropped.
    /// Returns how many edits were logged.
    ///
    /// ```
    /// use zharchive::{normalize::{Replacement, TrackedText}, EditKind};
    /// let mut t = TrackedText::new("一二三".to_owned());
    /// let logged = t.apply(EditKind::Cleanup, vec![
    ///     Replacement::delete(6..9),
    ///     Replacement::new(0..3, "1"),
    ///     Replacement::new(1..4, "x"), // overlaps the edit before: ignored
    ///     Replacement::new(3..6, "二"), // changes nothing: dropped
    /// ]);
    /// assert_eq!((logged, t.text()), (2, "1二"));
    /// ```
    pub fn apply(&mut self, kind: EditKind, mut replacements: Vec<Replacement>) -> usize {
        if replacements.is_empty() {
            return 0;
        }
        replacements.sort_by_key(|r| (r.range.start, r.range.end));
        let old = std::mem::take(&mut self.text);
        let old_segments = std::mem::take(&mut self.segments);
        let (mut text, mut segments) = std::mem::take(&mut self.spare);
        text.clear();
        text.reserve(old.len());
        segments.clear();
        segments.reserve(old_segments.len() + 2 * replacements.len());
        let mut cursor = 0usize; // position in `old`
        let mut seg_index = 0usize; // first old segment that may reach past `cursor`
        let mut logged = 0;
        self.edits.reserve(replacements.len());
        for rep in replacements {
            let Range { start, end } = rep.range;
            let valid = start >= cursor
                && start <= end
                && end <= old.len()
                && old.is_char_boundary(start)
                && old.is_char_boundary(end);
            if !valid || old[start..end] == rep.text {
                continue;
            }
            copy_span(&old, &old_segments, &mut seg_index, cursor, start, &mut text, &mut segments);
            // Replacements come in order, so the search starts where the
            // copying reached (every segment before it ends before `start`).
            let source = map_range_from(&old_segments, seg_index, start..end, self.source.len());
            let out_start = text.len();
            text.push_str(&rep.text);
            push_segment(
                &mut segments,
                Segment { current: out_start..text.len(), source: source.clone(), identity: false },
            );
            self.edits.push(Edit {
                kind,
                source,
                before: CompactString::from(&old[start..end]),
                after: rep.text,
                output: None,
            });
            logged += 1;
            cursor = end;
        }
        copy_span(&old, &old_segments, &mut seg_index, cursor, old.len(), &mut text, &mut segments);
        self.text = text;
        self.segments = segments;
        self.spare = (old, old_segments);
        logged
    }
}

/// Copy `old[from..to]` to `text`, carrying its segments over.
fn copy_span(
    old: &str,
    old_segments: &[Segment],
    seg_index: &mut usize,
    from: usize,
    to: usize,
    text: &mut String,
    segments: &mut Vec<Segment>,
) {
    // Skip what lies before `from`; an empty (deleted-text) segment sitting
    // exactly at `from` is kept, so deletions survive later passes.
    while *seg_index < old_segments.len() && {
        let c = &old_segments[*seg_index].current;
        c.end < from || (c.end == from && !c.is_empty())
    } {
        *seg_index += 1;
    }
    let mut i = *seg_index;
    while i < old_segments.len() && {
        let c = &old_segments[i].current;
        c.start < to || (c.start == to && c.is_empty())
    } {
        let seg = &old_segments[i];
        let a = seg.current.start.max(from);
        let b = seg.current.end.min(to).max(a);
        let out_start = text.len();
        text.push_str(&old[a..b]);
        let source = if seg.identity {
            let shift = seg.source.start;
            (shift + a - seg.current.start)..(shift + b - seg.current.start)
        } else {
            seg.source.clone()
        };
        push_segment(segments, Segment { current: out_start..text.len(), source, identity: seg.identity });
        if seg.current.end > to {
            break;
        }
        i += 1;
    }
    *seg_index = i;
}

/// Append a segment, merging it with the previous one when both are changed
/// and come from overlapping source (one change split by a later edit), or
/// both are identity and contiguous.
fn push_segment(segments: &mut Vec<Segment>, seg: Segment) {
    if let Some(last) = segments.last_mut() {
        debug_assert_eq!(last.current.end, seg.current.start);
        let merge = if last.identity && seg.identity {
            last.source.end == seg.source.start
        } else if !last.identity && !seg.identity {
            seg.source.start < last.source.end
                || (seg.source.start == last.source.start && seg.source.end == last.source.end)
        } else {
            false
        };
        if merge {
            last.current.end = seg.current.end;
            last.source.start = last.source.start.min(seg.source.start);
            last.source.end = last.source.end.max(seg.source.end);
            return;
        }
    }
    if seg.current.is_empty() && seg.identity {
        return;
    }
    segments.push(seg);
}

/// Map a byte range of the current text to the source range it came from.
///
/// An empty range (an insertion point) maps to an empty source range at the
/// matching position.
pub(crate) fn map_range(segments: &[Segment], range: Range<usize>, source_len: usize) -> Range<usize> {
    map_range_from(segments, 0, range, source_len)
}

/// [`map_range`], knowing that every segment before `hint` ends at or before
/// `range.start`.
fn map_range_from(segments: &[Segment], hint: usize, range: Range<usize>, source_len: usize) -> Range<usize> {
    if segments.is_empty() {
        return source_len..source_len;
    }
    let start = map_point(segments, hint, range.start, true);
    let end = if range.is_empty() { start } else { map_point(segments, hint, range.end, false) };
    start.min(end)..end.max(start)
}

/// Map one position. `at_start`: the position begins a range (so a changed
/// segment maps to its source start), else it ends one (to its source end).
fn map_point(segments: &[Segment], hint: usize, pos: usize, at_start: bool) -> usize {
    // The segment containing `pos` (for an end, the one containing pos - 1).
    let probe = if at_start { pos } else { pos.saturating_sub(1) };
    let idx = partition_point_from(segments, hint, |s| s.current.end <= probe).min(segments.len() - 1);
    let seg = &segments[idx];
    if seg.identity {
        let offset = pos.clamp(seg.current.start, seg.current.end) - seg.current.start;
        seg.source.start + offset
    } else if at_start {
        if pos >= seg.current.end && !seg.current.is_empty() {
            seg.source.end
        } else {
            seg.source.start
        }
    } else {
        seg.source.end
    }
}

/// `items.partition_point(pred)`, for a `pred` known to hold before `from`:
/// a galloping search out from `from`, so that a pass over sorted positions
/// costs the log of each step, not of the whole list (the script pass maps
/// a hundred thousand edits through as many segments).
pub(crate) fn partition_point_from<T>(items: &[T], from: usize, pred: impl Fn(&T) -> bool) -> usize {
    let mut lo = from.min(items.len());
    let mut hi = lo;
    let mut step = 1;
    while hi < items.len() && pred(&items[hi]) {
        lo = hi + 1;
        hi = lo.saturating_add(step);
        step = step.saturating_mul(2);
    }
    let hi = hi.min(items.len());
    lo + items[lo..hi].partition_point(pred)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn galloping_search_agrees_with_partition_point() {
        let items: Vec<u32> = (0..200).map(|i| i / 3).collect();
        for x in 0..70 {
            let want = items.partition_point(|&v| v < x);
            for from in (0..=want).step_by(7) {
                assert_eq!(partition_point_from(&items, from, |&v| v < x), want, "x {x} from {from}");
            }
        }
        assert_eq!(partition_point_from(&items, 500, |&v| v < 1000), items.len());
        assert_eq!(partition_point_from::<u32>(&[], 0, |_| true), 0);
    }

    fn rep(a: usize, b: usize, t: &str) -> Replacement {
        Replacement::new(a..b, t)
    }

    #[test]
    fn edits_are_mapped_to_the_source() {
        let mut t = TrackedText::new("ab會(huì)cd".to_owned());
        // remove the annotation
        let open = "ab會".len();
        let close = "ab會(huì)".len();
        t.apply(EditKind::Annotation, vec![rep(open, close, "")]);
        assert_eq!(t.text(), "ab會cd");
        // convert 會 → 会
        t.apply(EditKind::Script, vec![rep(2, 5, "会")]);
        assert_eq!(t.text(), "ab会cd");
        let edits = t.edits();
        assert_eq!(edits[0].source, open..close);
        assert_eq!(edits[1].source, 2..5);
        // The annotation removal (an empty segment at 5) and the conversion
        // (2..5) are adjacent, not overlapping, so they stay two changes.
        let changed: Vec<_> = t.segments().iter().filter(|s| !s.identity).collect();
        assert_eq!(changed.len(), 2);
        assert_eq!(&t.source()[changed[0].source.clone()], "會");
        assert_eq!(&t.source()[changed[1].source.clone()], "(huì)");
    }

    #[test]
    fn a_later_edit_inside_a_change_merges_with_it() {
        let mut t = TrackedText::new("x?yàn)獒ty".to_owned());
        let src = t.source().to_owned();
        let from = 1;
        let to = src.find('t').unwrap() + 1;
        t.apply(EditKind::Repair, vec![rep(from, to, "為醫")]);
        assert_eq!(t.text(), "x為醫y");
        t.apply(EditKind::Script, vec![rep(1, 7, "为医")]);
        assert_eq!(t.text(), "x为医y");
        let changed: Vec<_> = t.segments().iter().filter(|s| !s.identity).collect();
        assert_eq!(changed.len(), 1);
        assert_eq!(changed[0].source, from..to);
        assert_eq!(changed[0].current, 1..7);
    }

    #[test]
    fn source_can_be_rebuilt_from_segments() {
        let src = "一二\r\n三四(sì)五";
        let mut t = TrackedText::new(src.to_owned());
        t.apply(EditKind::Cleanup, vec![rep(6, 8, "\n")]);
        let p = t.text().find('(').unwrap();
        t.apply(EditKind::Annotation, vec![Replacement::delete(p..p + "(sì)".len())]);
        t.apply(EditKind::Script, vec![rep(0, 3, "壹")]);
        let mut rebuilt = String::new();
        let mut last = 0;
        for s in t.segments() {
            assert!(s.source.start >= last, "segments are in source order");
            if s.identity {
                rebuilt.push_str(&t.text()[s.current.clone()]);
            } else {
                rebuilt.push_str(&t.source()[s.source.clone()]);
            }
            last = s.source.end;
        }
        assert_eq!(rebuilt, src);
    }

    #[test]
    fn invalid_replacements_are_ignored() {
        let mut t = TrackedText::new("中文".to_owned());
        // splits a character; overlaps; out of range
        let n = t.apply(EditKind::Cleanup, vec![rep(1, 2, "x"), rep(0, 3, "y"), rep(2, 4, "z"), rep(5, 9, "w")]);
        assert_eq!(n, 1);
        assert_eq!(t.text(), "y文");
    }
}
