//! One reading of a damaged stretch: where the re-decoded byte stream stands
//! and what it has rebuilt so far; and every way a reading can take the next
//! [`Token`].
//!
//! The damaged text is the output of a lossy GBK decoder run over the
//! source's bytes with annotations inserted (and, on some pages, a byte lost
//! with nothing to show for it). Reading it back means rebuilding that byte
//! stream and decoding it in step with the *original* characters:
//!
//! * a character the damaged decoder read out of step is the trail byte of
//!   one original character and the lead byte of the next
//!   ([`Pending::Lead`]);
//! * a `?` swallowed a lead byte (and the `(` of an annotation, or an
//!   invisible byte): its value is pinned by the annotation's reading when
//!   there is one, else it is a [`Hole`] found later from the text around
//!   it ([`Pending::Unknown`]);
//! * a `?` met out of step swallowed a trail byte and the ASCII byte after
//!   it: both are holes;
//! * a user-defined pair read out of step may have vanished altogether
//!   ([`HoleKind::GapTrail`]), and on a page that shows such pairs
//!   vanishing, two in a row with the character between them
//!   ([`HoleKind::GapWhole`]);
//! * an ASCII character may have been folded from a full-width form.
//!
//! Bytes the text does not show are never enumerated here: they become
//! holes, and [`super::holes`] fills them once the whole stretch is read,
//! with the text on both sides to judge by.

use super::super::gbk::{decode_pair, encode_char, is_user_defined, GbkBytes};
// The characters a syllable reads are looked up once for the 126 or 190
// pairs a lost byte may make (`gbk_chars_reading`: no GBK character outside
// the list reads it, a test checks), not asked of each pair.
use super::super::readings::{gbk_chars_reading, is_reading, Syllable};
use super::tokens::{Syl, Token};

/// The placeholder for a character whose bytes are not all known yet.
pub(super) const HOLE: char = '\u{FFFC}';

/// What each assumption costs, in the plausibility model's log units: a
/// reading must be that much more plausible to pay for it, and between
/// equally plausible readings the one that assumes less wins.
pub(super) mod cost {
    /// An ASCII character was folded from a full-width form.
    pub const FOLD: f64 = 2.0;
    /// A `?` with no annotation after it swallowed a lead byte.
    pub const FREE_LOSS: f64 = 4.0;
    /// A user-defined pair vanished from the damaged text. (At 5 the
    /// vanished-pair class was repaired at 74.8%, at 3.5 at 82.6%; lower
    /// still reads vanished pairs into the reference damage: at 3, 左传
    /// with that damage falls from 370 to 367 of 372 lines; at 1.5 the
    /// vanished pairs reach 95% and 左传 falls to 363, and 3 of 200
    /// generated articles damaged the reference way are rebuilt wrong
    /// where they were right. Where a reading with a vanished pair and one
    /// without read alike, the stretch is marked as a guess instead:
    /// `GAP_CONFIDENT`, `MORE_GAPS_CONFIDENT` and
    /// `DROPPING_PAGE_MORE_GAPS_CONFIDENT`.)
    pub const GAP: f64 = 3.5;
    /// A `?` read out of step swallowed an ASCII byte after the trail.
    pub const SWALLOWED: f64 = 2.0;
    /// A `?` read out of step swallowed no ASCII byte after the trail (an
    /// inserted byte with nothing to show for it: rare).
    pub const NO_ASCII: f64 = 12.0;
    /// A `?syllable)` stands for a whole character, both its bytes lost,
    /// and the text after it is in step.
    pub const WHOLE_CHARACTER: f64 = 6.0;
    /// An annotation's syllable is not a reading of the pair it belongs to.
    pub const UNREAD_MARKER: f64 = 6.0;
}

/// Where the re-decoded stream stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Pending {
    /// In step with the original characters.
    None,
    /// An original lead byte is waiting for its trail: the damaged decoder
    /// is reading one byte out of step.
    Lead(u8),
    /// A lead byte was lost and is not known yet; it becomes a
    /// [`HoleKind::Lead`] with the next byte.
    Unknown,
}

/// A character (or two) whose bytes the damaged text does not show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum HoleKind {
    /// The trail byte of a character whose lead is `lead`.
    Trail { lead: u8 },
    /// The lead byte of a character whose trail is `trail`.
    Lead { trail: u8 },
    /// An ASCII byte that the damaged decoder swallowed with a trail byte.
    Ascii,
    /// The trail byte of the character led by `lead`, which began a
    /// user-defined pair that vanished (with the next character's lead).
    GapTrail { lead: u8 },
    /// A character both of whose bytes vanished, with a user-defined pair
    /// on each side (two pairs in a row): its trail begins the second.
    GapWhole,
    /// A character whose two bytes were both lost, known by its reading: a
    /// `?syllable)` followed by text in step.
    Reading { syllable: Syllable },
    /// A lost lead byte, then a lone byte at the end of a line that the
    /// decoder wrote as `?`: a whole character, and at a line's end almost
    /// always a mark that ends a sentence (`。`, `！`, `”` …).
    LineEndMark,
}

/// A hole at a byte offset of [`Reading::out`] (where its placeholders
/// start).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Hole {
    pub at: usize,
    pub kind: HoleKind,
}

/// One reading of the damaged byte stream.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Reading {
    pub pending: Pending,
    /// The last original byte read (annotations are not original bytes).
    pub last: Option<u8>,
    /// The original byte before `last`.
    pub before_last: Option<u8>,
    /// Whether the last original character was a single byte.
    pub last_single: bool,
    /// When the last character was ASCII read in step, the trail byte of
    /// the full-width form it may have been folded from (`,` after Chinese
    /// text was `，`, A3 AC, in the site's bytes).
    pub alt_last: Option<u8>,
    /// The rebuilt text, with [`HOLE`] placeholders.
    pub out: String,
    pub holes: Vec<Hole>,
    /// What the assumptions cost (see [`cost`]).
    pub cost: f64,
    /// How many lead bytes this reading takes as lost with no annotation.
    pub free_losses: u32,
}

impl Reading {
    /// The state after `c`, read in step (the character before a stretch):
    /// `before` is the character before `c`, if any.
    pub(super) fn in_step_after(c: char, before: Option<char>) -> Option<Reading> {
        let (before_last, last, single) = match encode_char(c)? {
            GbkBytes::Two(a, b) => (Some(a), Some(b), false),
            GbkBytes::One(b) => (before.and_then(last_byte), Some(b), true),
        };
        Some(Reading {
            pending: Pending::None,
            last,
            before_last,
            last_single: single,
            alt_last: full_width_bytes(c).map(|(_, t)| t),
            out: String::new(),
            holes: Vec::new(),
            cost: 0.0,
            free_losses: 0,
        })
    }

    /// The state at the start of a line: in step, no byte before.
    pub(super) fn at_line_start() -> Reading {
        Reading {
            pending: Pending::None,
            last: None,
            before_last: None,
            last_single: true,
            alt_last: None,
            out: String::new(),
            holes: Vec::new(),
            cost: 0.0,
            free_losses: 0,
        }
    }

    /// Whether the stream is back in step.
    pub(super) fn in_step(&self) -> bool {
        self.pending == Pending::None
    }

    /// How many user-defined pairs this reading assumes vanished.
    pub(super) fn vanished_pairs(&self) -> usize {
        self.holes.iter().filter(|hole| matches!(hole.kind, HoleKind::GapTrail { .. } | HoleKind::GapWhole)).count()
    }

    fn with(&self, f: impl FnOnce(&mut Reading)) -> Reading {
        let mut r = self.clone();
        r.alt_last = None;
        f(&mut r);
        r
    }

    /// Append `c`, an original character read in step or rebuilt, whose
    /// bytes are `bytes`; the stream is then in step.
    fn char(&self, c: char, bytes: GbkBytes) -> Reading {
        self.with(|r| {
            r.out.push(c);
            r.pending = Pending::None;
            match bytes {
                GbkBytes::Two(a, b) => (r.before_last, r.last, r.last_single) = (Some(a), Some(b), false),
                GbkBytes::One(b) => (r.before_last, r.last, r.last_single) = (r.last, Some(b), true),
            }
        })
    }

    /// Append a hole of `kind` (its placeholders).
    fn hole(&mut self, kind: HoleKind) {
        let at = self.out.len();
        self.out.push(HOLE);
        self.holes.push(Hole { at, kind });
    }
}

/// The last GBK byte of `c`.
fn last_byte(c: char) -> Option<u8> {
    match encode_char(c)? {
        GbkBytes::Two(_, b) | GbkBytes::One(b) => Some(b),
    }
}

/// GBK bytes of the full-width form an ASCII character was folded from.
pub(super) fn full_width_bytes(c: char) -> Option<(u8, u8)> {
    match c {
        ' ' => Some((0xA1, 0xA1)),
        '!'..='~' => match encode_char(char::from_u32(c as u32 - 0x21 + 0xFF01)?)? {
            GbkBytes::Two(a, b) => Some((a, b)),
            GbkBytes::One(_) => None,
        },
        _ => None,
    }
}

/// Whether any lead byte makes a character with `trail`.
fn some_lead_with(trail: u8) -> bool {
    (0x81u8..=0xFE).any(|l| decode_pair(l, trail).is_some())
}

/// Whether any trail byte makes a character with `lead`.
fn some_trail_with(lead: u8) -> bool {
    (0x40u8..=0xFE).any(|t| decode_pair(lead, t).is_some())
}

/// Which vanished user-defined pairs a reading may assume.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Gaps {
    /// None: the page's decoder kept such pairs (it wrote private-use
    /// characters for them).
    None,
    /// One at a time.
    Single,
    /// Two in a row as well, the character between them gone whole: on a
    /// page that has already shown a vanished pair (two in a row are the
    /// square of one as likely, and considering them everywhere made a
    /// 200-article book a third slower).
    Double,
}

/// Every way `h` can read `token`, with the vanished pairs `gaps` allows.
pub(super) fn successors(h: &Reading, token: &Token, gaps: Gaps, out: &mut Vec<Reading>) {
    match token {
        Token::Marker(m) => marker(h, m, out),
        Token::Annotation(a) => annotation(h, a, out),
        Token::Lost(c, at_end) => lost(h, *c, *at_end, out),
        Token::Char(c) => character(h, *c, out),
    }
    // A vanished pair just before the token: read it with the next lead
    // lost.
    if let (Gaps::Single | Gaps::Double, Pending::Lead(p)) = (gaps, h.pending) {
        if let Some(g) = gap(h, p) {
            successors(&g, token, Gaps::None, out);
            if gaps == Gaps::Double {
                successors(&vanished_whole(&g), token, Gaps::None, out);
            }
        }
    }
}

/// The ways `c`'s bytes can continue `h`.
fn character(h: &Reading, c: char, out: &mut Vec<Reading>) {
    let bytes = encode_char(c);
    match (h.pending, bytes) {
        (Pending::None, bytes) => {
            let mut k = match bytes {
                Some(b) => h.char(c, b),
                // Not a GBK character: it was never in the byte stream.
                None => h.with(|r| {
                    r.out.push(c);
                    (r.before_last, r.last, r.last_single) = (None, None, false);
                }),
            };
            k.alt_last = full_width_bytes(c).map(|(_, t)| t);
            out.push(k);
        }
        (Pending::Lead(p), Some(GbkBytes::Two(b1, b2))) => {
            if let Some(pair) = decode_pair(p, b1) {
                out.extend(continue_with(h.char(pair, GbkBytes::Two(p, b1)), b2));
            }
        }
        (Pending::Lead(p), Some(GbkBytes::One(b))) => {
            // A real one-byte trail: back in step.
            if is_lone_trail(b) {
                if let Some(pair) = decode_pair(p, b) {
                    out.push(h.char(pair, GbkBytes::Two(p, b)));
                }
            }
            // A full-width form folded to ASCII after decoding.
            if let Some((f1, f2)) = full_width_bytes(c) {
                if let Some(pair) = decode_pair(p, f1) {
                    let mut k = h.char(pair, GbkBytes::Two(p, f1));
                    k.cost += cost::FOLD;
                    out.extend(continue_with(k, f2));
                }
            }
        }
        (Pending::Unknown, Some(GbkBytes::Two(b1, b2))) => {
            if some_lead_with(b1) {
                out.extend(continue_with(lead_hole(h, b1), b2));
            }
        }
        (Pending::Unknown, Some(GbkBytes::One(b))) => {
            // The same, after a lost lead.
            if is_lone_trail(b) && some_lead_with(b) {
                out.push(lead_hole(h, b));
            }
            if let Some((f1, f2)) = full_width_bytes(c) {
                if some_lead_with(f1) {
                    let mut k = lead_hole(h, f1);
                    k.cost += cost::FOLD;
                    out.extend(continue_with(k, f2));
                }
            }
        }
        (_, None) => {}
    }
}

/// Whether the damaged decoder, reading `b` as one character, may have
/// taken it from a two-byte character's trail: ASCII from 0x40 on, or 0x80
/// (which GBK decoders read alone, as €).
fn is_lone_trail(b: u8) -> bool {
    (0x40..=0x7E).contains(&b) || b == 0x80
}

/// `h` with the character of a lost lead byte and `trail` appended (a hole).
fn lead_hole(h: &Reading, trail: u8) -> Reading {
    h.with(|r| {
        r.hole(HoleKind::Lead { trail });
        r.pending = Pending::None;
        (r.before_last, r.last, r.last_single) = (None, Some(trail), false);
    })
}

/// After a character rebuilt out of step, the byte `b` that the damaged
/// decoder read as that character's second byte: the lead of the next
/// original character (still out of step), or an ASCII character (back in
/// step).
fn continue_with(k: Reading, b: u8) -> Option<Reading> {
    if b >= 0x81 {
        Some(Reading { pending: Pending::Lead(b), before_last: k.last, last: Some(b), last_single: false, ..k })
    } else if (0x20..0x7F).contains(&b) {
        Some(k.char(b as char, GbkBytes::One(b)))
    } else {
        None
    }
}

/// Out of step, a user-defined pair read by the damaged decoder may have
/// vanished before the next token: the trail of `p`'s character (a byte
/// that begins such a pair) and the lead of the next character are both
/// unknown. The next token is read from there, with that lead lost.
fn gap(h: &Reading, p: u8) -> Option<Reading> {
    let possible = (0x40u8..=0xFE).any(|t| decode_pair(p, t).is_some() && starts_user_defined(t));
    possible.then(|| {
        h.with(|r| {
            r.hole(HoleKind::GapTrail { lead: p });
            r.pending = Pending::Unknown;
            (r.before_last, r.last, r.last_single) = (None, None, false);
            r.cost += cost::GAP;
        })
    })
}

/// After a vanished pair, `h` with the next pair vanished too: the
/// character between them, both of its bytes gone, is a hole, and the lead
/// of the one after it is still to be found.
fn vanished_whole(h: &Reading) -> Reading {
    let mut k = h.clone();
    k.hole(HoleKind::GapWhole);
    k.cost += cost::GAP;
    k
}

/// Whether some user-defined pair begins with `t`.
pub(super) fn starts_user_defined(t: u8) -> bool {
    static STARTS: std::sync::OnceLock<[bool; 256]> = std::sync::OnceLock::new();
    STARTS.get_or_init(|| {
        let mut starts = [false; 256];
        for (t, slot) in starts.iter_mut().enumerate() {
            *slot = (0x40u8..=0xFE).any(|l| is_user_defined(t as u8, l));
        }
        starts
    })[usize::from(t)]
}

/// A `?` with no annotation after it.
fn lost(h: &Reading, c: char, at_end: bool, out: &mut Vec<Reading>) {
    match h.pending {
        Pending::None => {
            // A question mark as written.
            out.push(h.with(|r| {
                r.out.push(c);
                (r.before_last, r.last, r.last_single) = (r.last, (c == '?').then_some(b'?'), true);
            }));
            // A lost lead byte; the rest is read one byte over.
            if !at_end {
                out.push(h.with(|r| {
                    r.pending = Pending::Unknown;
                    r.cost += cost::FREE_LOSS;
                    r.free_losses += 1;
                }));
            }
        }
        // The damaged decoder read the true trail of `p` with the byte after
        // it, which could not be a trail: an ASCII byte (lost with it), or
        // the end of the line.
        Pending::Lead(p) => {
            if some_trail_with(p) {
                let trail = h.with(|r| {
                    r.hole(HoleKind::Trail { lead: p });
                    r.pending = Pending::None;
                    (r.before_last, r.last, r.last_single) = (Some(p), None, false);
                });
                let mut ascii = trail.clone();
                ascii.hole(HoleKind::Ascii);
                ascii.last_single = true;
                ascii.cost += cost::SWALLOWED;
                out.push(ascii);
                let mut alone = trail;
                if !at_end {
                    alone.cost += cost::NO_ASCII;
                }
                out.push(alone);
            }
            // A full-width question mark folded to `?`.
            character(h, c, out);
        }
        // A full-width question mark folded to `?`, read with the lost lead;
        // at the end of a line, the lone byte after the lost lead.
        Pending::Unknown => {
            if at_end {
                out.push(h.with(|r| {
                    r.hole(HoleKind::LineEndMark);
                    r.pending = Pending::None;
                    (r.before_last, r.last, r.last_single) = (None, None, false);
                }));
            }
            character(h, c, out)
        }
    }
}

/// A `?syllable)` marker: the lost byte `x` makes, with the byte before it, a
/// character read `syllable`.
fn marker(h: &Reading, m: &Syl, out: &mut Vec<Reading>) {
    match h.pending {
        Pending::None => {
            // The byte before the lost one is the last byte read, or the
            // trail of the full-width form the last ASCII character was
            // folded from.
            let mut found = false;
            let read = gbk_chars_reading(&m.syllable);
            for (prev, fold) in [(h.last, 0.0), (h.alt_last, cost::FOLD)] {
                let Some(prev) = prev else { continue };
                for x in 0x81u8..=0xFE {
                    if decode_pair(prev, x).is_some_and(|pair| read.contains(&pair)) {
                        found = true;
                        out.push(h.with(|r| {
                            r.pending = Pending::Lead(x);
                            (r.before_last, r.last, r.last_single) = (Some(prev), Some(x), false);
                            r.cost += fold;
                        }));
                    }
                }
            }
            // A reading the tables do not list: the lead byte is found like
            // one lost with no annotation.
            if !found {
                out.push(h.with(|r| {
                    r.pending = Pending::Unknown;
                    r.cost += cost::UNREAD_MARKER;
                }));
            }
            // The annotated character itself became the `?`, and the text
            // after its annotation is in step.
            out.push(h.with(|r| {
                r.hole(HoleKind::Reading { syllable: m.syllable.clone() });
                (r.before_last, r.last, r.last_single) = (None, None, false);
                r.cost += cost::WHOLE_CHARACTER;
            }));
        }
        // Out of step: an ordinary annotation of a character the shifted
        // decoder split (its trail and the `(` became the `?`); it stays for
        // the annotation pass.
        Pending::Lead(p) => {
            let read = gbk_chars_reading(&m.syllable);
            for x in 0x40u8..=0xFE {
                if let Some(pair) = decode_pair(p, x).filter(|pair| read.contains(pair)) {
                    let mut k = h.char(pair, GbkBytes::Two(p, x));
                    k.out.push('(');
                    k.out.push_str(&m.raw);
                    k.out.push(')');
                    out.push(k);
                }
            }
        }
        // Out of step with the lead lost: the character whose trail the
        // `?` swallowed is known only by its reading; its annotation stays.
        Pending::Unknown => out.push(h.with(|r| {
            r.hole(HoleKind::Reading { syllable: m.syllable.clone() });
            r.out.push('(');
            r.out.push_str(&m.raw);
            r.out.push(')');
            r.pending = Pending::None;
            (r.before_last, r.last, r.last_single) = (None, None, false);
        })),
    }
}

/// A `(syllable)` annotation.
fn annotation(h: &Reading, a: &Syl, out: &mut Vec<Reading>) {
    let reads = |lead: Option<u8>, trail: Option<u8>| match (lead, trail) {
        (Some(l), Some(t)) => decode_pair(l, t).is_some_and(|pair| is_reading(pair, &a.syllable)),
        _ => false,
    };
    match h.pending {
        Pending::None => {
            if h.last_single && h.last.is_some_and(|c| (0x40..=0x7E).contains(&c)) && reads(h.before_last, h.last) {
                // The annotation of the pair (previous trail, this letter)
                // landed after the letter: no byte was lost; it goes.
                out.push(h.clone());
            } else {
                // The annotation of the last character, or a parenthesis as
                // written: it stays for the annotation pass. An annotation
                // is no original byte, so the bytes before it stay the last
                // ones read (a marker may follow it).
                let note = !h.last_single && reads(h.before_last, h.last);
                let mut k = h.clone();
                k.out.push('(');
                k.out.push_str(&a.raw);
                k.out.push(')');
                if !note {
                    (k.before_last, k.last, k.last_single, k.alt_last) = (Some(b'('), Some(b')'), true, None);
                }
                out.push(k);
            }
        }
        Pending::Lead(p) => {
            // A second straddle: the annotation of the pair (last byte,
            // pending lead) landed after that lead byte, and the shifted
            // decoder read the pair as a character. It goes; the lead still
            // waits for its trail.
            if reads(h.before_last, Some(p)) {
                out.push(h.clone());
            }
            // Otherwise the brackets and letters are bytes like any other.
            let mut hyps = vec![h.clone()];
            for c in format!("({})", a.raw).chars() {
                let mut next = Vec::new();
                for g in &hyps {
                    character(g, c, &mut next);
                }
                hyps = next;
            }
            out.extend(hyps);
        }
        Pending::Unknown => {
            // The annotation of the pair (last byte, lost lead) pins the
            // lost lead down.
            if let Some(prev) = h.last {
                let read = gbk_chars_reading(&a.syllable);
                for x in 0x81u8..=0xFE {
                    if decode_pair(prev, x).is_some_and(|pair| read.contains(&pair)) {
                        out.push(h.with(|r| {
                            r.pending = Pending::Lead(x);
                            (r.before_last, r.last) = (Some(prev), Some(x));
                        }));
                    }
                }
            }
        }
    }
}
