//! A CID-keyed CFF program, read once per face and cut down per document.
//!
//! allsorts subsets a CFF program from scratch every time: it parses the
//! program, then walks the charstring of every kept glyph, and every
//! subroutine each one calls, to learn which subroutines to keep. For a
//! batch that is the same work again in every document (a sixth of the
//! batch's time, most of it the walk). This module records the program's
//! layout once per face ([`CidCff::parse`]), and which subroutines a glyph
//! calls the first time a document uses the glyph ([`CidCff::walked`]); a
//! document's subset is then bytes copied in a new order ([`CidCff::subset`]).
//!
//! It reads what a CJK OpenType face holds: one CID-keyed font (its Top DICT
//! starts with `ROS`) whose Type 2 charstrings use the drawing, hint and
//! subroutine operators. Anything else — a name-keyed font, a charstring
//! with the arithmetic operators, `seac` accents — is an error here, and the
//! caller subsets with allsorts instead. References: Adobe Technical Notes
//! #5176 (The Compact Font Format) and #5177 (The Type 2 Charstring Format).
//!
//! The subset keeps the face's CIDs (its charset maps each kept glyph to its
//! original CID) and all of its Font DICTs (so the FDSelect values stay the
//! same). The local subroutines it keeps are renumbered from 0, and the
//! numbers the charstrings call them by rewritten ([`Renumbering`]), where
//! the walk shows that is safe; otherwise, and for the global subroutines,
//! the INDEX keeps its full length with the unused entries emptied, as
//! allsorts does. The CharStrings INDEX comes last.

use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Why a program cannot be read or subset here.
pub(crate) type Error = String;
type Result<T> = std::result::Result<T, Error>;

/// Type 2 charstrings may nest subroutine calls 10 deep (TN #5177, Appendix B).
const MAX_SUBR_DEPTH: u8 = 10;
/// The argument stack holds at most 48 numbers (TN #5177, Appendix B).
const MAX_STACK: usize = 48;
/// The most charstring bytes one glyph's walk may read, subroutines
/// included: a hostile font whose subroutines call each other many times over
/// would otherwise take exponential time. A CJK glyph reads a few hundred.
const MAX_WALK: usize = 1 << 20;
/// A subroutine call as recorded in [`Walked::calls`]: the index, with this
/// bit set for the glyph's local subroutines (clear for global ones).
const LOCAL: u32 = 1 << 31;
/// How [`Walker::run`] marks a global subroutine's charstring.
const GLOBAL: u32 = 1 << 30;
/// [`Site::subr`] of a glyph's own charstring.
const OWN: u32 = u32::MAX >> 2;

/// The bias added to a subroutine number to index an INDEX of `count`
/// subroutines (TN #5177, section 4.7).
fn bias(count: usize) -> i32 {
    match count {
        0..1240 => 107,
        1240..33900 => 1131,
        _ => 32768,
    }
}

/// What walking a glyph's charstring found.
struct Walked {
    /// The subroutines it calls, directly or not, sorted (see [`LOCAL`]).
    calls: Box<[u32]>,
    /// Where its charstring and the local subroutines it runs write the
    /// number of a local subroutine, sorted; `None` if they cannot be
    /// renumbered (a number not written just before its call, a call from a
    /// global subroutine, a subroutine read two ways after hint masks of
    /// different lengths).
    sites: Option<Box<[Site]>>,
}

/// A local subroutine's number as written in a charstring: `len` bytes at
/// `at` in the glyph's charstring ([`OWN`]) or local subroutine `subr`,
/// naming local subroutine `target`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Site {
    subr: u32,
    at: u32,
    len: u8,
    target: u32,
}

/// DICT operators this module reads or rewrites (TN #5176, Table 9 and 23;
/// two-byte operators as `0x0c00 | second byte`).
mod op {
    pub const CHARSET: u16 = 15;
    pub const ENCODING: u16 = 16;
    pub const CHAR_STRINGS: u16 = 17;
    pub const PRIVATE: u16 = 18;
    pub const SUBRS: u16 = 19;
    pub const ROS: u16 = 0x0c1e;
    pub const FD_ARRAY: u16 = 0x0c24;
    pub const FD_SELECT: u16 = 0x0c25;
}

/// A CID-keyed CFF program's layout: where each structure is in the table's
/// bytes, the glyphs' CIDs and Font DICTs, and a cache of the subroutines
/// each glyph calls. The bytes themselves are not kept: every method takes
/// the same `data` the program was parsed from.
pub(crate) struct CidCff {
    /// The Name INDEX, copied as it is.
    name_index: (usize, usize),
    /// The String INDEX, copied as it is.
    string_index: (usize, usize),
    /// The Top DICT's entries.
    top_dict: Vec<DictEntry>,
    global_subrs: Index,
    char_strings: Index,
    /// CID of each glyph.
    cids: Vec<u16>,
    /// Font DICT of each glyph (FDSelect).
    fds: Vec<u8>,
    font_dicts: Vec<FontDict>,
    /// What walking each glyph found; `None` if its charstring cannot be
    /// walked here. Filled the first time a document uses the glyph, then
    /// shared by all.
    walked: Vec<OnceLock<Option<Walked>>>,
}

/// One Font DICT of the FDArray, with its Private DICT and local subroutines.
struct FontDict {
    entries: Vec<DictEntry>,
    private: Vec<DictEntry>,
    local_subrs: Option<Index>,
}

/// One operator of a DICT with its operands: `data[start..operands_end]`
/// are the operands, `data[operands_end..end]` the operator.
#[derive(Debug, Clone)]
struct DictEntry {
    op: u16,
    start: usize,
    operands_end: usize,
    end: usize,
    /// The operands that are integers (reals are `None`).
    ints: Vec<Option<i64>>,
}

impl DictEntry {
    /// The `i`th operand as an offset or size within a table of `len` bytes.
    fn offset(&self, i: usize, len: usize) -> Result<usize> {
        match self.ints.get(i) {
            Some(&Some(v)) if v >= 0 && (v as u64) <= len as u64 => Ok(v as usize),
            _ => Err(format!("DICT operator {:#x}: operand {i} is not an offset in the table", self.op)),
        }
    }
}

/// A CFF INDEX whose offsets have been checked: every entry lies within the
/// data, so [`Index::get`] can slice without failing.
#[derive(Debug, Clone, Copy)]
struct Index {
    count: usize,
    off_size: usize,
    /// Where the offset array starts.
    offsets: usize,
    /// The position of the byte before the first entry (offsets count from 1).
    base: usize,
    /// The position after the INDEX.
    end: usize,
}

impl Index {
    fn parse(data: &[u8], at: usize) -> Result<Index> {
        let short = || format!("INDEX at {at} runs past the end of the table");
        let count = usize::from(read_u16(data, at).ok_or_else(short)?);
        if count == 0 {
            return Ok(Index { count, off_size: 1, offsets: at + 2, base: at + 2, end: at + 2 });
        }
        let off_size = usize::from(*data.get(at + 2).ok_or_else(short)?);
        if !(1..=4).contains(&off_size) {
            return Err(format!("INDEX at {at} has offset size {off_size}"));
        }
        let offsets = at + 3;
        let base = offsets + (count + 1) * off_size - 1;
        let index = Index { count, off_size, offsets, base, end: 0 };
        let mut previous = 1;
        if index.offset(data, 0) != Some(1) {
            return Err(format!("INDEX at {at} does not start at offset 1"));
        }
        for i in 1..=count {
            match index.offset(data, i) {
                Some(o) if o >= previous => previous = o,
                _ => return Err(format!("INDEX at {at}: bad offset {i}")),
            }
        }
        let end = base + previous;
        if end > data.len() {
            return Err(short());
        }
        Ok(Index { end, ..index })
    }

    fn offset(&self, data: &[u8], i: usize) -> Option<usize> {
        let at = self.offsets + i * self.off_size;
        let bytes = data.get(at..at + self.off_size)?;
        Some(bytes.iter().fold(0, |acc, &b| acc << 8 | usize::from(b)))
    }

    /// Entry `i` (`i < count`; checked by [`Index::parse`]).
    fn get<'d>(&self, data: &'d [u8], i: usize) -> &'d [u8] {
        let start = self.offset(data, i).unwrap_or(1);
        let end = self.offset(data, i + 1).unwrap_or(start);
        &data[self.base + start..self.base + end]
    }
}

fn read_u16(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*data.get(at)?, *data.get(at + 1)?]))
}

/// The entries of the DICT in `data[start..end]`.
fn parse_dict(data: &[u8], start: usize, end: usize) -> Result<Vec<DictEntry>> {
    let bytes = data.get(start..end).ok_or("DICT runs past the end of the table")?;
    let mut entries = Vec::new();
    let mut ints = Vec::new();
    let (mut i, mut entry_start) = (0, 0);
    let truncated = || "DICT ends inside an operand".to_owned();
    while i < bytes.len() {
        let b = bytes[i];
        let (value, len) = match b {
            0..=21 => {
                let (op, len) = if b == 12 {
                    (0x0c00 | u16::from(*bytes.get(i + 1).ok_or_else(truncated)?), 2)
                } else {
                    (u16::from(b), 1)
                };
                entries.push(DictEntry {
                    op,
                    start: start + entry_start,
                    operands_end: start + i,
                    end: start + i + len,
                    ints: std::mem::take(&mut ints),
                });
                i += len;
                entry_start = i;
                continue;
            }
            28 => {
                let v = bytes.get(i + 1..i + 3).ok_or_else(truncated)?;
                (Some(i64::from(i16::from_be_bytes([v[0], v[1]]))), 3)
            }
            29 => {
                let v = bytes.get(i + 1..i + 5).ok_or_else(truncated)?;
                (Some(i64::from(i32::from_be_bytes([v[0], v[1], v[2], v[3]]))), 5)
            }
            30 => {
                // A real: nibbles up to the terminator 0xf.
                let tail = bytes.get(i + 1..).unwrap_or(&[]);
                let n = tail.iter().position(|&x| x >> 4 == 0xf || x & 0xf == 0xf).ok_or_else(truncated)?;
                (None, n + 2)
            }
            32..=246 => (Some(i64::from(b) - 139), 1),
            247..=254 => {
                let w = i64::from(*bytes.get(i + 1).ok_or_else(truncated)?);
                let v =
                    if b <= 250 { (i64::from(b) - 247) * 256 + w + 108 } else { -(i64::from(b) - 251) * 256 - w - 108 };
                (Some(v), 2)
            }
            _ => return Err(format!("DICT has a reserved byte {b}")),
        };
        ints.push(value);
        i += len;
    }
    if entry_start != bytes.len() {
        return Err("DICT ends with operands and no operator".to_owned());
    }
    Ok(entries)
}

fn find(entries: &[DictEntry], op: u16) -> Option<&DictEntry> {
    entries.iter().find(|e| e.op == op)
}

impl CidCff {
    /// Read the layout of the CFF table `data`, if it is one CID-keyed font.
    pub(crate) fn parse(data: &[u8]) -> Result<CidCff> {
        if data.len() < 4 || data[0] != 1 {
            return Err("not a CFF version 1 table".to_owned());
        }
        let name = Index::parse(data, usize::from(data[2]))?;
        let top = Index::parse(data, name.end)?;
        let strings = Index::parse(data, top.end)?;
        let global_subrs = Index::parse(data, strings.end)?;
        if name.count != 1 || top.count != 1 {
            return Err("the table holds more than one font".to_owned());
        }
        let top_bytes = top.get(data, 0);
        let top_start = top.base + top.offset(data, 0).unwrap_or(1);
        let top_dict = parse_dict(data, top_start, top_start + top_bytes.len())?;
        if top_dict.first().map(|e| e.op) != Some(op::ROS) {
            return Err("not a CID-keyed font".to_owned());
        }
        let len = data.len();
        let required = |o: u16, what: &str| find(&top_dict, o).ok_or_else(|| format!("the Top DICT has no {what}"));
        let char_strings = Index::parse(data, required(op::CHAR_STRINGS, "CharStrings")?.offset(0, len)?)?;
        let glyphs = char_strings.count;
        let cids = parse_charset(data, required(op::CHARSET, "charset")?.offset(0, len)?, glyphs)?;
        let fds = parse_fd_select(data, required(op::FD_SELECT, "FDSelect")?.offset(0, len)?, glyphs)?;
        let fd_array = Index::parse(data, required(op::FD_ARRAY, "FDArray")?.offset(0, len)?)?;
        let mut font_dicts = Vec::with_capacity(fd_array.count);
        for i in 0..fd_array.count {
            let start = fd_array.base + fd_array.offset(data, i).unwrap_or(1);
            let entries = parse_dict(data, start, start + fd_array.get(data, i).len())?;
            let private_op = find(&entries, op::PRIVATE).ok_or_else(|| format!("Font DICT {i} has no Private DICT"))?;
            let (size, at) = (private_op.offset(0, len)?, private_op.offset(1, len)?);
            let private = parse_dict(data, at, at.checked_add(size).ok_or("bad Private DICT")?)?;
            let local_subrs = match find(&private, op::SUBRS) {
                Some(subrs) => Some(Index::parse(data, at + subrs.offset(0, len - at)?)?),
                None => None,
            };
            font_dicts.push(FontDict { entries, private, local_subrs });
        }
        if let Some(&fd) = fds.iter().find(|&&fd| usize::from(fd) >= font_dicts.len()) {
            return Err(format!("FDSelect names Font DICT {fd} of {}", font_dicts.len()));
        }
        Ok(CidCff {
            name_index: (usize::from(data[2]), name.end),
            string_index: (top.end, strings.end),
            top_dict,
            global_subrs,
            char_strings,
            cids,
            fds,
            font_dicts,
            walked: (0..glyphs).map(|_| OnceLock::new()).collect(),
        })
    }

    /// The number of glyphs.
    pub(crate) fn glyph_count(&self) -> usize {
        self.char_strings.count
    }

    /// The subroutines glyph `gid` calls, directly or through other
    /// subroutines (see [`LOCAL`]), walked once and cached; `None` if the
    /// glyph does not exist or its charstring cannot be walked here.
    #[cfg(test)]
    fn calls(&self, data: &[u8], gid: u16) -> Option<&[u32]> {
        self.walked(data, gid).map(|w| &w.calls[..])
    }

    /// What walking glyph `gid` found, walked once and cached.
    fn walked(&self, data: &[u8], gid: u16) -> Option<&Walked> {
        let cell = self.walked.get(usize::from(gid))?;
        cell.get_or_init(|| {
            let fd = &self.font_dicts[usize::from(self.fds[usize::from(gid)])];
            let code = self.char_strings.get(data, usize::from(gid));
            Walker::new(data, self.global_subrs, fd.local_subrs).walk(code).ok()
        })
        .as_ref()
    }

    /// A CFF program of the glyphs `ids` (glyph 0 first, the rest in
    /// increasing order, as [`super::subset`] gives them), and each kept
    /// glyph's code: its CID.
    pub(crate) fn subset(&self, data: &[u8], ids: &[u16]) -> Result<CffSubset> {
        self.subset_renumbering(data, ids, true)
    }

    /// [`CidCff::subset`], renumbering the local subroutines only if
    /// `renumber` (the tests try both ways).
    fn subset_renumbering(&self, data: &[u8], ids: &[u16], renumber: bool) -> Result<CffSubset> {
        let in_order = ids.first() == Some(&0) && ids.windows(2).all(|w| w[0] < w[1]);
        if !in_order || ids.iter().any(|&g| usize::from(g) >= self.glyph_count()) {
            return Err("the glyph list is not in order or names glyphs the font lacks".to_owned());
        }
        // Which subroutines the kept glyphs call: global ones, and each Font
        // DICT's local ones (sorted old numbers: a few hundred of thousands).
        let mut global = vec![false; self.global_subrs.count];
        let mut local: Vec<Vec<u32>> = vec![Vec::new(); self.font_dicts.len()];
        let mut codes = BTreeMap::new();
        let mut walks = Vec::with_capacity(ids.len());
        for &gid in ids {
            let walked = self.walked(data, gid).ok_or_else(|| format!("glyph {gid}: charstring not understood"))?;
            walks.push(walked);
            let fd = usize::from(self.fds[usize::from(gid)]);
            for &call in &walked.calls {
                if call & LOCAL == 0 {
                    global[call as usize] = true;
                } else {
                    local[fd].push(call & !LOCAL);
                }
            }
            codes.insert(gid, self.cids[usize::from(gid)]);
        }
        for used in &mut local {
            used.sort_unstable();
            used.dedup();
        }

        // The local subroutines kept, renumbered from 0 in their order, if
        // every glyph allows it; else kept at their numbers, the others
        // emptied (an INDEX of some 20,000 entries for a CJK face).
        let renumbering = if renumber { Renumbering::new(&local, ids, &walks, &self.fds) } else { None };

        let mut out = Vec::with_capacity(self.char_strings.end / 8);
        out.extend_from_slice(&[1, 0, 4, 4]);
        out.extend_from_slice(&data[self.name_index.0..self.name_index.1]);
        // The Top DICT, with its offsets to be filled in once known.
        let (top, top_slots) = rewrite_dict(data, &self.top_dict, |op| match op {
            op::CHARSET | op::CHAR_STRINGS | op::FD_ARRAY | op::FD_SELECT => Rewrite::Offsets(1),
            op::ENCODING | op::PRIVATE => Rewrite::Drop,
            _ => Rewrite::Keep,
        });
        let top_at = write_index(&mut out, 1, |_| &top[..]);
        out.extend_from_slice(&data[self.string_index.0..self.string_index.1]);
        let any_global = global.iter().any(|&u| u);
        write_index(&mut out, if any_global { global.len() } else { 0 }, |i| {
            if global[i] {
                self.global_subrs.get(data, i)
            } else {
                &[]
            }
        });

        let mut offsets = BTreeMap::new();
        offsets.insert(op::CHARSET, out.len());
        out.push(0);
        for &gid in &ids[1..] {
            out.extend_from_slice(&self.cids[usize::from(gid)].to_be_bytes());
        }
        offsets.insert(op::FD_SELECT, out.len());
        write_fd_select(&mut out, ids.iter().map(|&gid| self.fds[usize::from(gid)]));

        // The FDArray, then each Private DICT followed by its local subroutines.
        offsets.insert(op::FD_ARRAY, out.len());
        let font_dicts: Vec<_> = self
            .font_dicts
            .iter()
            .map(|fd| {
                rewrite_dict(
                    data,
                    &fd.entries,
                    |op| if op == op::PRIVATE { Rewrite::Offsets(2) } else { Rewrite::Keep },
                )
            })
            .collect();
        let mut fd_at = write_index(&mut out, font_dicts.len(), |i| &font_dicts[i].0[..]);
        for (i, fd) in self.font_dicts.iter().enumerate() {
            let keep_subrs = !local[i].is_empty();
            let (private, slots) = rewrite_dict(data, &fd.private, |op| match op {
                op::SUBRS if keep_subrs => Rewrite::Offsets(1),
                op::SUBRS => Rewrite::Drop,
                _ => Rewrite::Keep,
            });
            let private_at = out.len();
            out.extend_from_slice(&private);
            for slot in slots {
                patch(&mut out, private_at + slot, private.len());
            }
            let slot = font_dicts[i].1[0];
            patch(&mut out, fd_at + slot, private.len());
            patch(&mut out, fd_at + slot + 5, private_at);
            fd_at += font_dicts[i].0.len();
            match (keep_subrs, fd.local_subrs, &renumbering) {
                (true, Some(subrs), Some(r)) => {
                    let mut bodies = Bodies::default();
                    for &old in &r.kept[i] {
                        let sites = r.sites.get(&(i, old)).copied().unwrap_or(&[]);
                        bodies.push(subrs.get(data, old as usize), sites, |t| r.number(i, t))?;
                    }
                    bodies.write(&mut out);
                }
                (true, Some(subrs), None) => {
                    let mut used = vec![false; subrs.count];
                    for &s in &local[i] {
                        used[s as usize] = true;
                    }
                    write_index(&mut out, subrs.count, |s| if used[s] { subrs.get(data, s) } else { &[] });
                }
                _ => {}
            }
        }
        offsets.insert(op::CHAR_STRINGS, out.len());
        let charstrings_from = match &renumbering {
            Some(r) => {
                let mut bodies = Bodies::default();
                for (&gid, walked) in ids.iter().zip(&walks) {
                    let sites = walked.sites.as_deref().unwrap_or(&[]);
                    let own = &sites[sites.partition_point(|s| s.subr != OWN)..];
                    let fd = usize::from(self.fds[usize::from(gid)]);
                    bodies.push(self.char_strings.get(data, usize::from(gid)), own, |t| r.number(fd, t))?;
                }
                bodies.write(&mut out)
            }
            None => write_index(&mut out, ids.len(), |i| self.char_strings.get(data, usize::from(ids[i]))),
        };

        for (entry, slot) in self.top_dict.iter().filter(|e| offsets.contains_key(&e.op)).zip(top_slots) {
            patch(&mut out, top_at + slot, offsets[&entry.op]);
        }
        Ok(CffSubset { program: out, codes, charstrings_from })
    }
}

/// A subset made by [`CidCff::subset`].
pub(crate) struct CffSubset {
    pub program: Vec<u8>,
    /// Glyph id in the face → CID.
    pub codes: BTreeMap<u16, u16>,
    /// Where the charstrings start: they fill the rest of the program.
    pub charstrings_from: usize,
}

/// The new numbers of the local subroutines a subset keeps, and where the
/// charstrings write them.
struct Renumbering<'w> {
    /// The old numbers of the subroutines kept, by Font DICT, in order: a
    /// subroutine's new number is its position here.
    kept: &'w [Vec<u32>],
    /// Where each kept subroutine (by Font DICT and old number) names
    /// local subroutines.
    sites: BTreeMap<(usize, u32), &'w [Site]>,
}

impl<'w> Renumbering<'w> {
    /// `None` if a glyph's charstrings cannot be renumbered.
    fn new(kept: &'w [Vec<u32>], ids: &[u16], walks: &[&'w Walked], fds: &[u8]) -> Option<Renumbering<'w>> {
        let mut sites = BTreeMap::new();
        for (&gid, walked) in ids.iter().zip(walks) {
            let fd = usize::from(fds[usize::from(gid)]);
            for group in walked.sites.as_deref()?.chunk_by(|a, b| a.subr == b.subr) {
                if group[0].subr == OWN {
                    continue;
                }
                // A glyph that ends inside a subroutine saw only the
                // numbers before its end; the longest record is the whole.
                // Glyphs that read a subroutine differently (hint masks of
                // other lengths) leave the subset unrenumbered.
                let known: &mut &[Site] = sites.entry((fd, group[0].subr)).or_default();
                if !same_up_to_the_shorter(known, group) {
                    return None;
                }
                if group.len() > known.len() {
                    *known = group;
                }
            }
        }
        Some(Renumbering { kept, sites })
    }

    /// The number a charstring of Font DICT `fd` calls old subroutine `old` by.
    fn number(&self, fd: usize, old: u32) -> Option<i32> {
        let kept = self.kept.get(fd)?;
        let new = kept.binary_search(&old).ok()?;
        Some(new as i32 - bias(kept.len()))
    }
}

/// Charstrings written one after another, for an INDEX.
#[derive(Default)]
struct Bodies {
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl Bodies {
    /// Add `body` with the subroutine numbers at `sites` written anew.
    fn push(&mut self, body: &[u8], sites: &[Site], number: impl Fn(u32) -> Option<i32>) -> Result<()> {
        let mut from = 0;
        for site in sites {
            let (at, end) = (site.at as usize, site.at as usize + usize::from(site.len));
            if at < from || end > body.len() {
                return Err("subroutine numbers overlap".to_owned());
            }
            self.bytes.extend_from_slice(&body[from..at]);
            let n = number(site.target).ok_or("a subroutine called is not kept")?;
            push_number(n, &mut self.bytes);
            from = end;
        }
        self.bytes.extend_from_slice(&body[from..]);
        self.ends.push(self.bytes.len());
        Ok(())
    }

    /// Write them as an INDEX; where its data starts.
    fn write(&self, out: &mut Vec<u8>) -> usize {
        write_index(out, self.ends.len(), |i| {
            let start = if i == 0 { 0 } else { self.ends[i - 1] };
            &self.bytes[start..self.ends[i]]
        })
    }
}

/// Append `v` as a Type 2 charstring integer, in the fewest bytes.
fn push_number(v: i32, out: &mut Vec<u8>) {
    match v {
        -107..=107 => out.push((v + 139) as u8),
        108..=1131 => out.extend_from_slice(&[((v - 108) / 256 + 247) as u8, ((v - 108) % 256) as u8]),
        -1131..=-108 => out.extend_from_slice(&[((-v - 108) / 256 + 251) as u8, ((-v - 108) % 256) as u8]),
        _ => {
            out.push(28);
            out.extend_from_slice(&(v as i16).to_be_bytes());
        }
    }
}

/// Whether one list of sites starts the other.
fn same_up_to_the_shorter(a: &[Site], b: &[Site]) -> bool {
    let n = a.len().min(b.len());
    a[..n] == b[..n]
}

/// What [`rewrite_dict`] does with an operator.
enum Rewrite {
    Keep,
    Drop,
    /// Write this many operands as 5-byte integers, to be patched.
    Offsets(usize),
}

/// A DICT's bytes with some entries dropped and some given placeholder
/// offsets; the positions of the placeholders, in entry order.
fn rewrite_dict(data: &[u8], entries: &[DictEntry], how: impl Fn(u16) -> Rewrite) -> (Vec<u8>, Vec<usize>) {
    let mut out = Vec::new();
    let mut slots = Vec::new();
    for e in entries {
        match how(e.op) {
            Rewrite::Keep => out.extend_from_slice(&data[e.start..e.end]),
            Rewrite::Drop => {}
            Rewrite::Offsets(n) => {
                slots.push(out.len());
                for _ in 0..n {
                    out.extend_from_slice(&[29, 0, 0, 0, 0]);
                }
                out.extend_from_slice(&data[e.operands_end..e.end]);
            }
        }
    }
    (out, slots)
}

/// Fill the 5-byte integer at `at` with `value`.
fn patch(out: &mut [u8], at: usize, value: usize) {
    out[at + 1..at + 5].copy_from_slice(&(value as i32).to_be_bytes());
}

/// Write an INDEX of `count` entries; where its data starts (the first
/// entry, followed by the others in order).
///
/// A subset's subroutine INDEX has thousands of entries, nearly all empty:
/// `entry` is asked for each once, and again only for those with data.
fn write_index<'d>(out: &mut Vec<u8>, count: usize, entry: impl Fn(usize) -> &'d [u8]) -> usize {
    if count == 0 {
        out.extend_from_slice(&[0, 0]);
        return out.len();
    }
    let lens: Vec<u32> = (0..count).map(|i| entry(i).len() as u32).collect();
    let total: usize = lens.iter().map(|&l| l as usize).sum();
    let off_size = match total + 1 {
        0..=0xff => 1,
        0x100..=0xffff => 2,
        0x1_0000..=0xff_ffff => 3,
        _ => 4,
    };
    out.extend_from_slice(&(count as u16).to_be_bytes());
    out.push(off_size as u8);
    let offsets_at = out.len();
    out.resize(offsets_at + (count + 1) * off_size, 0);
    let offsets = std::iter::once(1).chain(lens.iter().scan(1usize, |offset, &len| {
        *offset += len as usize;
        Some(*offset)
    }));
    // Each offset in `off_size` bytes, big-endian.
    for (slot, offset) in out[offsets_at..].chunks_exact_mut(off_size).zip(offsets) {
        slot.copy_from_slice(&offset.to_be_bytes()[8 - off_size..]);
    }
    let data_at = out.len();
    out.reserve(total);
    for (i, &len) in lens.iter().enumerate() {
        if len > 0 {
            out.extend_from_slice(entry(i));
        }
    }
    data_at
}

/// FDSelect format 3: runs of glyphs with the same Font DICT.
fn write_fd_select(out: &mut Vec<u8>, fds: impl Iterator<Item = u8>) {
    let mut ranges: Vec<(u16, u8)> = Vec::new();
    let mut glyphs = 0u16;
    for fd in fds {
        if ranges.last().map(|&(_, f)| f) != Some(fd) {
            ranges.push((glyphs, fd));
        }
        glyphs += 1;
    }
    out.push(3);
    out.extend_from_slice(&(ranges.len() as u16).to_be_bytes());
    for (first, fd) in ranges {
        out.extend_from_slice(&first.to_be_bytes());
        out.push(fd);
    }
    out.extend_from_slice(&glyphs.to_be_bytes());
}

/// The CID of each of `glyphs` glyphs (TN #5176, section 13).
fn parse_charset(data: &[u8], at: usize, glyphs: usize) -> Result<Vec<u16>> {
    let short = || "the charset runs past the end of the table".to_owned();
    let mut cids = Vec::with_capacity(glyphs);
    cids.push(0);
    let format = *data.get(at).ok_or_else(short)?;
    let mut p = at + 1;
    while cids.len() < glyphs {
        match format {
            0 => {
                cids.push(read_u16(data, p).ok_or_else(short)?);
                p += 2;
            }
            1 | 2 => {
                let first = read_u16(data, p).ok_or_else(short)?;
                let left = if format == 1 {
                    u16::from(*data.get(p + 2).ok_or_else(short)?)
                } else {
                    read_u16(data, p + 2).ok_or_else(short)?
                };
                p += if format == 1 { 3 } else { 4 };
                for k in 0..=left {
                    if cids.len() == glyphs {
                        break;
                    }
                    cids.push(first.checked_add(k).ok_or("charset range beyond CID 65535")?);
                }
            }
            _ => return Err(format!("charset format {format}")),
        }
    }
    Ok(cids)
}

/// The Font DICT of each of `glyphs` glyphs (TN #5176, section 19).
fn parse_fd_select(data: &[u8], at: usize, glyphs: usize) -> Result<Vec<u8>> {
    let short = || "the FDSelect runs past the end of the table".to_owned();
    match *data.get(at).ok_or_else(short)? {
        0 => Ok(data.get(at + 1..at + 1 + glyphs).ok_or_else(short)?.to_vec()),
        3 => {
            let ranges = usize::from(read_u16(data, at + 1).ok_or_else(short)?);
            let mut fds = Vec::with_capacity(glyphs);
            for r in 0..ranges {
                let p = at + 3 + r * 3;
                let first = usize::from(read_u16(data, p).ok_or_else(short)?);
                let fd = *data.get(p + 2).ok_or_else(short)?;
                let next = usize::from(read_u16(data, p + 3).ok_or_else(short)?);
                if first != fds.len() || next < first {
                    return Err("FDSelect ranges out of order".to_owned());
                }
                fds.resize(next.min(glyphs), fd);
            }
            if fds.len() != glyphs {
                return Err("FDSelect does not cover every glyph".to_owned());
            }
            Ok(fds)
        }
        format => Err(format!("FDSelect format {format}")),
    }
}

/// Follows a Type 2 charstring through its subroutine calls, counting the
/// stem hints (a `hintmask` is followed by one bit per stem) and recording
/// each subroutine called.
struct Walker<'d> {
    data: &'d [u8],
    global: Index,
    local: Option<Index>,
    /// The argument stack: only its integers matter (a subroutine number is
    /// the last one pushed before the call).
    stack: [i32; MAX_STACK],
    len: usize,
    stems: usize,
    /// `endchar` was reached: the glyph is complete.
    ended: bool,
    /// Bytes read so far, against [`MAX_WALK`].
    read: usize,
    calls: Vec<u32>,
    /// The number token just read, if no operator came after it: the
    /// charstring it is in ([`Site::subr`]) and its bytes.
    last_number: Option<(u32, usize, usize)>,
    /// Where each charstring run names local subroutines ([`Site::subr`]
    /// → its sites in order), while they can be renumbered.
    sites: Option<BTreeMap<u32, Vec<Site>>>,
}

impl<'d> Walker<'d> {
    fn new(data: &'d [u8], global: Index, local: Option<Index>) -> Walker<'d> {
        Walker {
            data,
            global,
            local,
            stack: [0; MAX_STACK],
            len: 0,
            stems: 0,
            ended: false,
            read: 0,
            calls: Vec::new(),
            last_number: None,
            sites: Some(BTreeMap::new()),
        }
    }

    /// What the charstring `code` calls, and where it names local
    /// subroutines.
    fn walk(mut self, code: &[u8]) -> Result<Walked> {
        self.run(code, 0, OWN)?;
        let mut calls = self.calls;
        calls.sort_unstable();
        calls.dedup();
        let sites = self.sites.map(|sites| sites.into_values().flatten().collect());
        Ok(Walked { calls: calls.into_boxed_slice(), sites })
    }

    fn push(&mut self, v: i32) -> Result<()> {
        if self.len == MAX_STACK {
            return Err("charstring argument stack overflow".to_owned());
        }
        self.stack[self.len] = v;
        self.len += 1;
        Ok(())
    }

    /// Run `code`, which is the glyph's own charstring or a subroutine
    /// (`buffer`, as in [`Site::subr`], or a global subroutine's number
    /// with [`GLOBAL`]), and keep where it named local subroutines.
    ///
    /// A subroutine with a hint mask reads differently after it when the
    /// glyph has declared another number of stems: two runs of one
    /// subroutine that do not find the same numbers (the same up to where a
    /// glyph ended in it) leave the glyph unrenumbered.
    fn run(&mut self, code: &[u8], depth: u8, buffer: u32) -> Result<()> {
        let mut found = Vec::new();
        self.run_body(code, depth, buffer, &mut found)?;
        // A global subroutine's charstring is never rewritten (a local call
        // from one already left the glyph unrenumbered).
        if buffer & GLOBAL != 0 {
            return Ok(());
        }
        if let Some(sites) = &mut self.sites {
            let known = sites.entry(buffer).or_default();
            if !same_up_to_the_shorter(known, &found) {
                self.sites = None;
            } else if found.len() > known.len() {
                *known = found;
            }
        }
        Ok(())
    }

    fn run_body(&mut self, code: &[u8], depth: u8, buffer: u32, found: &mut Vec<Site>) -> Result<()> {
        self.read += code.len();
        if self.read > MAX_WALK {
            return Err("charstring calls its subroutines too many times".to_owned());
        }
        let mut i = 0;
        let truncated = || "charstring ends inside an operand".to_owned();
        while i < code.len() && !self.ended {
            let b = code[i];
            let start = i;
            i += 1;
            let last_number = self.last_number.take();
            match b {
                32..=246 => {
                    self.push(i32::from(b) - 139)?;
                    self.last_number = Some((buffer, start, i));
                }
                247..=254 => {
                    let w = i32::from(*code.get(i).ok_or_else(truncated)?);
                    i += 1;
                    let v = if b <= 250 {
                        (i32::from(b) - 247) * 256 + w + 108
                    } else {
                        -(i32::from(b) - 251) * 256 - w - 108
                    };
                    self.push(v)?;
                    self.last_number = Some((buffer, start, i));
                }
                28 => {
                    let v = code.get(i..i + 2).ok_or_else(truncated)?;
                    i += 2;
                    self.push(i32::from(i16::from_be_bytes([v[0], v[1]])))?;
                    self.last_number = Some((buffer, start, i));
                }
                255 => {
                    // 16.16 fixed: its integer part.
                    let v = code.get(i..i + 4).ok_or_else(truncated)?;
                    i += 4;
                    self.push(i32::from_be_bytes([v[0], v[1], v[2], v[3]]) >> 16)?;
                    // Not an integer a subroutine number is written as.
                }
                // hstem, vstem, hstemhm, vstemhm: pairs of numbers, after
                // an optional width.
                1 | 3 | 18 | 23 => {
                    self.stems += self.len / 2;
                    self.len = 0;
                }
                // hintmask, cntrmask: pairs left on the stack are vstems;
                // then a mask of one bit per stem.
                19 | 20 => {
                    self.stems += self.len / 2;
                    self.len = 0;
                    i += self.stems.div_ceil(8);
                    if i > code.len() {
                        return Err(truncated());
                    }
                }
                10 | 29 => {
                    if self.len == 0 {
                        return Err("subroutine call without a number".to_owned());
                    }
                    if depth == MAX_SUBR_DEPTH {
                        return Err("subroutines nested too deep".to_owned());
                    }
                    self.len -= 1;
                    let number = self.stack[self.len];
                    let (index, tag) = if b == 10 {
                        (self.local.ok_or("local subroutine call without local subroutines")?, LOCAL)
                    } else {
                        (self.global, 0)
                    };
                    let n = usize::try_from(number + bias(index.count))
                        .ok()
                        .filter(|&n| n < index.count)
                        .ok_or_else(|| format!("call of subroutine {number} of {}", index.count))?;
                    self.calls.push(n as u32 | tag);
                    if tag == LOCAL {
                        // Renumbering rewrites the number written just
                        // before the call, in a charstring of this glyph's
                        // own Font DICT (a global subroutine is shared by
                        // all of them).
                        match last_number {
                            Some((b, from, to)) if b == buffer && to == start && buffer & GLOBAL == 0 => {
                                found.push(Site {
                                    subr: buffer,
                                    at: from as u32,
                                    len: (to - from) as u8,
                                    target: n as u32,
                                });
                            }
                            _ => self.sites = None,
                        }
                    }
                    let inner = if tag == LOCAL { n as u32 } else { n as u32 | GLOBAL };
                    self.run(index.get(self.data, n), depth + 1, inner)?;
                }
                11 => return Ok(()),
                14 => {
                    if self.len >= 4 {
                        return Err("endchar as seac (accented character)".to_owned());
                    }
                    self.ended = true;
                }
                // Path and width operators: the stack is used up.
                4..=8 | 21 | 22 | 24..=27 | 30 | 31 => self.len = 0,
                12 => {
                    let op = *code.get(i).ok_or_else(truncated)?;
                    i += 1;
                    match op {
                        // dotsection (ignored), hflex, flex, hflex1, flex1
                        0 | 34..=37 => self.len = 0,
                        _ => return Err(format!("charstring operator 12 {op} (arithmetic or storage)")),
                    }
                }
                _ => return Err(format!("reserved charstring operator {b}")),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An INDEX of `entries`, parsed back.
    fn index(entries: &[&[u8]]) -> (Vec<u8>, Index) {
        let mut bytes = Vec::new();
        write_index(&mut bytes, entries.len(), |i| entries[i]);
        let index = Index::parse(&bytes, 0).unwrap();
        (bytes, index)
    }

    #[test]
    fn indexes_round_trip_with_every_offset_size() {
        for size in [10usize, 300, 70_000, 17_000_000] {
            let big = vec![7u8; size];
            let entries: [&[u8]; 4] = [b"ab", b"", &big, b"z"];
            let (bytes, index) = index(&entries);
            assert_eq!(index.count, 4);
            assert_eq!(index.end, bytes.len());
            for (i, e) in entries.iter().enumerate() {
                assert_eq!(index.get(&bytes, i), *e);
            }
        }
        let (bytes, empty) = index(&[]);
        assert_eq!((bytes.len(), empty.count, empty.end), (2, 0, 2));
    }

    #[test]
    fn bad_indexes_are_errors() {
        let (bytes, _) = index(&[b"abc", b"de"]);
        assert!(Index::parse(&bytes[..bytes.len() - 1], 0).is_err(), "truncated");
        let mut backwards = bytes.clone();
        backwards[4] = 9; // the second offset beyond the third
        assert!(Index::parse(&backwards, 0).is_err());
        let mut no_one = bytes.clone();
        no_one[3] = 2; // the first offset must be 1
        assert!(Index::parse(&no_one, 0).is_err());
        assert!(Index::parse(&[0, 1, 5], 0).is_err(), "offset size 5");
    }

    /// The CFF table of printpdf's CID-keyed mock font (`tests/data/fonts`).
    fn mock_table() -> Vec<u8> {
        let font =
            crate::render::pdf::PdfFont::from_static(include_bytes!("../../../tests/data/fonts/mock_cff_cid.otf"), 0)
                .unwrap();
        let (_, table) = font.face().cid_cff().expect("the mock is read as CID-keyed");
        table.to_vec()
    }

    #[test]
    fn the_mock_font_is_subset_with_its_cids() {
        let table = mock_table();
        let cff = CidCff::parse(&table).unwrap();
        let all: Vec<u16> = (0..cff.glyph_count() as u16).collect();
        let CffSubset { program: bytes, codes, charstrings_from } = cff.subset(&table, &all).unwrap();
        let again = CidCff::parse(&bytes).unwrap();
        // The charstrings come last, from `charstrings_from` on.
        assert_eq!(again.char_strings.end, bytes.len());
        assert_eq!(again.char_strings.base + 1, charstrings_from);
        assert_eq!(again.cids, cff.cids);
        assert_eq!(again.fds, cff.fds);
        assert_eq!(codes.len(), all.len());
        for gid in all {
            assert_eq!(
                again.char_strings.get(&bytes, usize::from(gid)),
                cff.char_strings.get(&table, usize::from(gid))
            );
        }
    }

    proptest::proptest! {
        /// A damaged program is an error or a subset, never a panic.
        #[test]
        fn damaged_programs_do_not_panic(
            damage in proptest::collection::vec((proptest::num::usize::ANY, proptest::num::u8::ANY), 1..8),
            cut in proptest::num::usize::ANY,
        ) {
            let mut table = mock_table();
            for (at, byte) in damage {
                let len = table.len();
                table[at % len] = byte;
            }
            if cut % 4 == 0 {
                table.truncate(cut % (table.len() + 1));
            }
            if let Ok(cff) = CidCff::parse(&table) {
                let all: Vec<u16> = (0..cff.glyph_count().min(300) as u16).collect();
                let _ = cff.subset(&table, &all);
            }
        }
    }

    /// Walk `code` with global subroutines `global` and local ones `local`.
    fn walked(code: &[u8], global: &[&[u8]], local: &[&[u8]]) -> Result<Walked> {
        let (mut data, g) = index(global);
        let (local_bytes, mut l) = index(local);
        let shift = data.len();
        data.extend_from_slice(&local_bytes);
        l.offsets += shift;
        l.base += shift;
        l.end += shift;
        Walker::new(&data, g, Some(l)).walk(code)
    }

    /// The subroutines `code` calls.
    fn walk(code: &[u8], global: &[&[u8]], local: &[&[u8]]) -> Result<Vec<u32>> {
        walked(code, global, local).map(|w| w.calls.to_vec())
    }

    /// A Type 2 number: `v` in one byte (-107 ..= 107).
    fn n(v: i32) -> u8 {
        (v + 139) as u8
    }

    #[test]
    fn the_walk_follows_calls_and_skips_hint_masks() {
        // With fewer than 1240 subroutines the bias is 107: number -107 is
        // subroutine 0. Global 0 calls local 1; local 1 returns.
        let global: [&[u8]; 1] = [&[n(-106), 10, 11]];
        let local: [&[u8]; 2] = [&[11], &[n(5), n(5), 5, 11]];
        // Two hstems, then a hintmask whose mask byte is 10 (the callsubr
        // operator's value): it must be skipped as data.
        let code = [n(1), n(2), n(3), n(4), 18, 19, 10, n(-107), 29, 14];
        assert_eq!(walk(&code, &global, &local).unwrap(), vec![0, 1 | LOCAL]);
        // Nine stems need two mask bytes; both are skipped.
        let mut code = vec![];
        for k in 0..18 {
            code.push(n(k));
        }
        code.extend_from_slice(&[1, 19, 10, 10, n(-106), 10, 14]);
        assert_eq!(walk(&code, &global, &local).unwrap(), vec![1 | LOCAL]);
        // Pairs left on the stack before a hintmask are vertical stems: one
        // hstem and eight vstems take two mask bytes.
        let mut code = vec![n(1), n(2), 18];
        code.extend((0..16).map(n));
        code.extend_from_slice(&[19, 10, 10, 14]);
        assert_eq!(walk(&code, &global, &local).unwrap(), Vec::<u32>::new());
        // Numbers in every encoding (28: 16-bit, 247-254: two bytes, 255:
        // 16.16 fixed) count as one stack entry each.
        let code = [28, 0, 1, 247, 0, 251, 0, 255, 0, 1, 0, 0, 18, 19, 10, 14];
        assert_eq!(walk(&code, &global, &local).unwrap(), Vec::<u32>::new());
    }

    /// Where `code` names local subroutines, if it can be renumbered.
    fn sites(code: &[u8], global: &[&[u8]], local: &[&[u8]]) -> Option<Vec<(u32, u32, u8, u32)>> {
        let walked = walked(code, global, local).unwrap();
        walked.sites.map(|s| s.iter().map(|s| (s.subr, s.at, s.len, s.target)).collect())
    }

    #[test]
    fn the_walk_finds_where_local_subroutines_are_named() {
        // Local 0 calls local 1 (number -106, one byte at 0); local 1
        // returns. The glyph names local 0 with a two-byte number at 2
        // (247 0 is 108: 108 + 107 is not a subroutine, so it is written
        // in three bytes instead: 28 ff 95 is -107).
        let local: [&[u8]; 2] = [&[n(-106), 10, 11], &[11]];
        let code = [n(1), n(2), 28, 0xff, 0x95, 10, 14];
        assert_eq!(sites(&code, &[], &local), Some(vec![(0, 0, 1, 1), (OWN, 2, 3, 0)]));
        // A number that is not written just before its call cannot be
        // rewritten: here it comes from the subroutine the glyph called.
        let local: [&[u8]; 2] = [&[n(-106), 11], &[11]];
        assert_eq!(sites(&[n(-107), 10, 10, 14], &[], &local), None);
        // Nor can a local call from a global subroutine, which glyphs of
        // every Font DICT share.
        let global: [&[u8]; 1] = [&[n(-106), 10, 11]];
        let local: [&[u8]; 2] = [&[11], &[11]];
        assert_eq!(sites(&[n(-107), 29, 14], &global, &local), None);
        // A subroutine with a hint mask read after different numbers of
        // stems finds its numbers elsewhere: unrenumbered. After one stem,
        // the mask is a byte and `247 33` is 141 (subroutine 248); after
        // nine it is two bytes, and `33` alone is -106 (subroutine 1).
        let first: &[u8] = &[19, 0, 247, 33, 10, 11];
        let mut local: Vec<&[u8]> = vec![&[11]; 400];
        local[0] = first;
        let one_stem = [n(1), n(2), 18, n(-107), 10, 14];
        assert!(sites(&one_stem, &[], &local).is_some());
        assert_eq!(sites(&one_stem, &[], &local), Some(vec![(0, 2, 2, 248), (OWN, 3, 1, 0)]));
        let mut then_nine = one_stem[..5].to_vec();
        then_nine.extend((0..16).map(n));
        then_nine.extend_from_slice(&[18, n(-107), 10, 14]);
        assert_eq!(sites(&then_nine, &[], &local), None);
    }

    #[test]
    fn numbers_are_written_as_the_walk_reads_them() {
        for v in [-32768, -1132, -1131, -1000, -108, -107, 0, 107, 108, 500, 1131, 1132, 32767] {
            let mut code = Vec::new();
            push_number(v, &mut code);
            let mut walker = Walker::new(&[], Index { count: 0, off_size: 1, offsets: 0, base: 0, end: 0 }, None);
            walker.run(&code, 0, OWN).unwrap();
            assert_eq!((walker.len, walker.stack[0]), (1, v));
            let expected = match v.unsigned_abs() {
                0..=107 => 1,
                108..=1131 => 2,
                _ => 3,
            };
            assert_eq!(code.len(), expected, "{v}");
        }
    }

    #[test]
    fn what_the_walk_does_not_follow_is_an_error() {
        let global: [&[u8]; 1] = [&[n(-107), 29, 11]]; // calls itself
        let local: [&[u8]; 1] = [&[11]];
        for (code, why) in [
            (vec![n(1), n(2), n(3), n(4), 14], "seac"),
            (vec![n(1), n(2), 12, 10, 14], "add (arithmetic)"),
            (vec![n(-107), 29, 14], "recursion"),
            (vec![n(50), 10, 14], "no such subroutine"),
            (vec![10, 14], "call without a number"),
            (vec![n(1), 2, 14], "reserved operator"),
            (vec![28, 1], "truncated number"),
            ([n(0)].repeat(49), "stack overflow"),
        ] {
            assert!(walk(&code, &global, &local).is_err(), "{why}");
        }
        // A subroutine that calls another many times over runs out of budget
        // instead of running for ever.
        let mut fan = Vec::new();
        for _ in 0..40 {
            fan.extend_from_slice(&[n(-106), 29]);
        }
        fan.push(11);
        let mut chain: Vec<Vec<u8>> = Vec::new();
        for k in 0..9 {
            let mut s = Vec::new();
            for _ in 0..40 {
                s.extend_from_slice(&[n(-106 + k), 29]);
            }
            s.push(11);
            chain.push(s);
        }
        chain.push(vec![11]);
        let chain: Vec<&[u8]> = chain.iter().map(|s| &s[..]).collect();
        assert!(walk(&[n(-107), 29, 14], &chain, &local).is_err());
    }
}

#[cfg(all(test, feature = "embedded-font"))]
mod face_tests {
    use allsorts::binary::read::ReadScope;
    use allsorts::cff::charstring::{
        ArgumentsStack, CharStringVisitor, CharStringVisitorContext, SubroutineIndex, VisitOp,
    };
    use allsorts::cff::{CFFError, CFFFont, CFFVariant, CFF, MAX_OPERANDS};

    use super::*;
    use crate::render::pdf::font::PdfFont;

    /// Records what allsorts finds when it draws a glyph: the subroutines
    /// entered, each operator with its operands, and the hint masks.
    #[derive(Default)]
    struct Trace {
        calls: Vec<u32>,
        ops: Vec<String>,
    }

    impl CharStringVisitor<f32, CFFError> for Trace {
        fn visit(&mut self, op: VisitOp, stack: &ArgumentsStack<'_, f32>) -> std::result::Result<(), CFFError> {
            self.ops.push(format!("{op} {:?}", stack.all()));
            Ok(())
        }
        fn enter_subr(&mut self, index: SubroutineIndex) -> std::result::Result<(), CFFError> {
            self.calls.push(match index {
                SubroutineIndex::Global(i) => i as u32,
                SubroutineIndex::Local(i) => i as u32 | LOCAL,
            });
            Ok(())
        }
        fn hint_data(&mut self, op: VisitOp, hints: &[u8]) -> std::result::Result<(), CFFError> {
            self.ops.push(format!("{op} mask {hints:?}"));
            Ok(())
        }
    }

    fn trace(cff: &CFF<'_>, gid: u16) -> Trace {
        let font = &cff.fonts[0];
        let mut ctx = CharStringVisitorContext::new(gid, &font.char_strings_index, None, &cff.global_subr_index, None);
        let mut stack = ArgumentsStack { data: &mut [0.0; MAX_OPERANDS], len: 0, max_len: MAX_OPERANDS };
        let mut trace = Trace::default();
        ctx.visit(CFFFont::CFF(font), &mut stack, &mut trace).unwrap();
        trace.calls.sort_unstable();
        trace.calls.dedup();
        trace
    }

    fn fd_of(cff: &CFF<'_>, gid: u16) -> u8 {
        match &cff.fonts[0].data {
            CFFVariant::CID(cid) => cid.fd_select.font_dict_index(gid).unwrap(),
            CFFVariant::Type1(_) => panic!("not CID-keyed"),
        }
    }

    #[test]
    fn every_glyph_calls_the_subroutines_allsorts_finds() {
        let font = PdfFont::embedded().unwrap();
        let (layout, data) = font.face().cid_cff().expect("the embedded face is CID-keyed CFF");
        let cff = ReadScope::new(data).read::<CFF<'_>>().unwrap();
        assert_eq!(layout.glyph_count(), cff.fonts[0].char_strings_index.len());
        let mut with_local = 0;
        for gid in 0..layout.glyph_count() as u16 {
            let ours = layout.calls(data, gid).unwrap_or_else(|| panic!("glyph {gid} not followed"));
            assert_eq!(ours, &trace(&cff, gid).calls[..], "glyph {gid}");
            assert_eq!(layout.cids[usize::from(gid)], cff.fonts[0].charset.id_for_glyph(gid).unwrap());
            assert_eq!(layout.fds[usize::from(gid)], fd_of(&cff, gid));
            with_local += usize::from(ours.iter().any(|&c| c & LOCAL != 0));
        }
        assert!(with_local > 1000, "{with_local}");
    }

    #[test]
    fn subsets_draw_every_glyph_as_the_face_does() {
        let font = PdfFont::embedded().unwrap();
        let (layout, data) = font.face().cid_cff().unwrap();
        let face = ReadScope::new(data).read::<CFF<'_>>().unwrap();
        let glyphs = layout.glyph_count() as u16;
        let sets: [Vec<u16>; 4] = [
            vec![0],
            std::iter::once(0).chain((1..glyphs).step_by(37)).collect(),
            (0..400).collect(),
            std::iter::once(0)
                .chain("中文排版，“引号”。ABC abc 123 爲們".chars().filter_map(|c| font.glyph(c)))
                .collect(),
        ];
        for (mut ids, renumber) in sets.into_iter().flat_map(|ids| [(ids.clone(), true), (ids, false)]) {
            ids[1..].sort_unstable();
            ids.dedup();
            let CffSubset { program: bytes, codes, charstrings_from } =
                layout.subset_renumbering(data, &ids, renumber).unwrap();
            let again = CidCff::parse(&bytes).unwrap();
            assert_eq!((again.char_strings.base + 1, again.char_strings.end), (charstrings_from, bytes.len()));
            let sub = ReadScope::new(&bytes).read::<CFF<'_>>().unwrap();
            assert!(sub.fonts[0].is_cid_keyed());
            assert_eq!(sub.fonts[0].char_strings_index.len(), ids.len());
            for (new, &old) in ids.iter().enumerate() {
                let new = new as u16;
                let cid = face.fonts[0].charset.id_for_glyph(old).unwrap();
                assert_eq!(codes[&old], cid);
                assert_eq!(sub.fonts[0].charset.id_for_glyph(new), Some(cid), "glyph {old}");
                assert_eq!(fd_of(&sub, new), fd_of(&face, old), "glyph {old}");
                assert_eq!(trace(&sub, new).ops, trace(&face, old).ops, "glyph {old} is drawn differently");
            }
            // Renumbered, the local subroutines kept have no empty entries
            // between them; else they keep their numbers.
            if let (CFFVariant::CID(cid), CFFVariant::CID(face_cid)) = (&sub.fonts[0].data, &face.fonts[0].data) {
                for (index, whole) in cid.local_subr_indices.iter().zip(&face_cid.local_subr_indices) {
                    let (Some(index), Some(whole)) = (index, whole) else { continue };
                    if renumber {
                        assert!(index.iter().all(|s| !s.is_empty()));
                    } else {
                        assert_eq!(index.len(), whole.len());
                    }
                }
            }
            // The kept glyphs need only the global subroutines they call:
            // the others are emptied.
            let kept = sub.global_subr_index.iter().filter(|s| !s.is_empty()).count();
            let called: std::collections::BTreeSet<u32> = ids
                .iter()
                .flat_map(|&g| layout.calls(data, g).unwrap().iter().copied())
                .filter(|c| c & LOCAL == 0)
                .collect();
            assert_eq!(kept, called.len());
        }
    }

    #[test]
    fn subsets_are_deterministic_and_refuse_bad_glyph_lists() {
        let font = PdfFont::embedded().unwrap();
        let (layout, data) = font.face().cid_cff().unwrap();
        let ids = [0, 5, 900, 4000];
        assert_eq!(layout.subset(data, &ids).unwrap().program, layout.subset(data, &ids).unwrap().program);
        for bad in [&[5, 900][..], &[0, 900, 5], &[0, 5, 5], &[0, u16::MAX], &[]] {
            assert!(layout.subset(data, bad).is_err(), "{bad:?}");
        }
    }
}
