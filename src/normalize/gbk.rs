//! GBK byte arithmetic for the byte-shift repair: a character's GBK bytes,
//! and the character a byte pair stands for.
//!
//! GBK here is the two-byte part of GB18030 (what `encoding_rs` calls GBK):
//! lead bytes 0x81–0xFE, trail bytes 0x40–0x7E and 0x80–0xFE. Pairs that
//! decode to the Private Use Area (GBK's user-defined rows) are treated as
//! invalid: no real text contains them, so a hypothesis producing one is
//! wrong.

use std::sync::atomic::{AtomicU32, Ordering};

use encoding_rs::{DecoderResult, EncoderResult, GBK};

/// The GBK bytes of one character: one byte for ASCII (and `€`, 0x80), two
/// otherwise; `None` if GBK cannot hold it.
///
/// ```
/// use zharchive::normalize::gbk::{encode_char, GbkBytes};
/// assert_eq!(encode_char('為'), Some(GbkBytes::Two(0x9E, 0xE9)));
/// assert_eq!(encode_char('A'), Some(GbkBytes::One(b'A')));
/// assert_eq!(encode_char('😀'), None);
/// ```
pub fn encode_char(c: char) -> Option<GbkBytes> {
    if c.is_ascii() {
        return Some(GbkBytes::One(c as u8));
    }
    // The repair encodes every character of every reading it tries, and an
    // encoder call costs a few hundred instructions: each character of the
    // Basic Multilingual Plane is encoded once per process and remembered
    // (0: not yet; 1: not in GBK; else 0x1_00bb or 0x2_bbbb). The table
    // is static and zeroed, so only the pages touched take memory.
    static ENCODED: [AtomicU32; 0x1_0000] = [const { AtomicU32::new(0) }; 0x1_0000];
    let Some(slot) = ENCODED.get(c as usize) else { return encode_with_encoding_rs(c) };
    let packed = match slot.load(Ordering::Relaxed) {
        0 => {
            let packed = match encode_with_encoding_rs(c) {
                None => 1,
                Some(GbkBytes::One(b)) => 0x1_0000 | u32::from(b),
                Some(GbkBytes::Two(l, t)) => 0x2_0000 | u32::from(l) << 8 | u32::from(t),
            };
            slot.store(packed, Ordering::Relaxed);
            packed
        }
        packed => packed,
    };
    match packed >> 16 {
        1 => Some(GbkBytes::One(packed as u8)),
        2 => Some(GbkBytes::Two((packed >> 8) as u8, packed as u8)),
        _ => None,
    }
}

/// [`encode_char`] with a fresh encoder.
fn encode_with_encoding_rs(c: char) -> Option<GbkBytes> {
    let mut utf8 = [0u8; 4];
    let s = c.encode_utf8(&mut utf8);
    let mut encoder = GBK.new_encoder();
    let mut out = [0u8; 8];
    let (result, _read, written) = encoder.encode_from_utf8_without_replacement(s, &mut out, true);
    match (result, written) {
        (EncoderResult::InputEmpty, 2) => Some(GbkBytes::Two(out[0], out[1])),
        (EncoderResult::InputEmpty, 1) => Some(GbkBytes::One(out[0])),
        _ => None,
    }
}

/// A character's GBK encoding.
///
/// ```
/// use zharchive::normalize::gbk::{encode_char, GbkBytes};
/// assert_eq!(encode_char('中'), Some(GbkBytes::Two(0xD6, 0xD0)));
/// assert_eq!(encode_char('€'), Some(GbkBytes::One(0x80))); // the one non-ASCII single byte
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GbkBytes {
    /// An ASCII byte.
    One(u8),
    /// A lead and a trail byte.
    Two(u8, u8),
}

/// The character a lead/trail pair decodes to, if it is a valid, non-PUA
/// GBK character.
///
/// ```
/// use zharchive::normalize::gbk::decode_pair;
/// assert_eq!(decode_pair(0x9E, 0xE9), Some('為'));
/// assert_eq!(decode_pair(0x9E, b'('), None); // `(` cannot be a trail byte
/// assert_eq!(decode_pair(0xAA, 0xA1), None); // user-defined (private use)
/// ```
pub fn decode_pair(lead: u8, trail: u8) -> Option<char> {
    decode_pair_raw(lead, trail).filter(|c| !is_private_use(*c))
}

/// The character a lead/trail pair decodes to, user-defined (PUA)
/// characters included: what a decoder reading damaged bytes produces.
///
/// ```
/// use zharchive::normalize::gbk::{decode_pair, decode_pair_raw};
/// assert_eq!(decode_pair_raw(0xAA, 0xA1), Some('\u{E000}'));
/// assert_eq!(decode_pair_raw(0x9E, 0xE9), decode_pair(0x9E, 0xE9));
/// ```
pub fn decode_pair_raw(lead: u8, trail: u8) -> Option<char> {
    if !(0x81..=0xFE).contains(&lead) || !is_trail(trail) {
        return None;
    }
    char::from_u32(pairs()[usize::from(lead) << 8 | usize::from(trail)]).filter(|&c| c != '\0')
}

/// Whether a pair is one of GBK's user-defined codes, which decode to the
/// Private Use Area: a lossy decoder on a real site may drop them without a
/// trace.
///
/// ```
/// use zharchive::normalize::gbk::is_user_defined;
/// assert!(is_user_defined(0xAE, 0xC8) && is_user_defined(0xFD, 0xCE));
/// assert!(!is_user_defined(0xCA, 0xAE)); // 十
/// ```
pub fn is_user_defined(lead: u8, trail: u8) -> bool {
    decode_pair_raw(lead, trail).is_some_and(is_private_use)
}

fn is_private_use(c: char) -> bool {
    ('\u{E000}'..='\u{F8FF}').contains(&c)
}

/// Every pair's character (0: not a character), decoded once by encoding_rs:
/// the repair looks pairs up in its innermost loops, and a decoder per
/// look-up was most of its time. 256 KB, built on first use.
fn pairs() -> &'static [u32] {
    static PAIRS: std::sync::OnceLock<Vec<u32>> = std::sync::OnceLock::new();
    PAIRS.get_or_init(|| {
        let mut table = vec![0u32; 1 << 16];
        for lead in 0x81u8..=0xFE {
            let trails: Vec<u8> = (0x40u8..=0xFE).filter(|&t| is_trail(t)).collect();
            // A row at a time, one decoder for its 190 pairs: every pair
            // with a lead and a trail byte is a character of GB18030's
            // table, so the row decodes to one character per pair. Should
            // it not, the row's pairs are decoded one by one.
            let row: Vec<u8> = trails.iter().flat_map(|&t| [lead, t]).collect();
            let (text, malformed) = GBK.decode_without_bom_handling(&row);
            let chars: Vec<char> = text.chars().collect();
            if !malformed && chars.len() == trails.len() {
                for (&trail, c) in trails.iter().zip(chars) {
                    if !c.is_ascii() {
                        table[usize::from(lead) << 8 | usize::from(trail)] = c as u32;
                    }
                }
                continue;
            }
            for trail in trails {
                if let Some(c) = decode_one_pair(lead, trail) {
                    table[usize::from(lead) << 8 | usize::from(trail)] = c as u32;
                }
            }
        }
        table
    })
}

/// The character encoding_rs decodes `lead trail` to, alone, if it is one
/// and not ASCII.
fn decode_one_pair(lead: u8, trail: u8) -> Option<char> {
    // A decoder cannot be reused once told the input ended.
    let mut decoder = GBK.new_decoder_without_bom_handling();
    let mut out = [0u8; 8];
    let (result, _read, written) = decoder.decode_to_utf8_without_replacement(&[lead, trail], &mut out, true);
    if result != DecoderResult::InputEmpty {
        return None;
    }
    let mut chars = std::str::from_utf8(&out[..written]).ok()?.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if !c.is_ascii() => Some(c),
        _ => None,
    }
}

/// Whether `b` can be a GBK trail byte.
///
/// ```
/// use zharchive::normalize::gbk::is_trail;
/// assert!(is_trail(0x40) && is_trail(0x80) && is_trail(0xFE));
/// assert!(!is_trail(0x7F) && !is_trail(b'(') && !is_trail(0xFF));
/// ```
pub fn is_trail(b: u8) -> bool {
    matches!(b, 0x40..=0x7E | 0x80..=0xFE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_decodes_every_pair_as_a_decoder_of_its_own_would() {
        for lead in 0u8..=0xFF {
            for trail in 0u8..=0xFF {
                let alone =
                    ((0x81..=0xFE).contains(&lead) && is_trail(trail)).then(|| decode_one_pair(lead, trail)).flatten();
                assert_eq!(decode_pair_raw(lead, trail), alone, "{lead:02X} {trail:02X}");
            }
        }
    }

    #[test]
    fn round_trip() {
        assert_eq!(encode_char('為'), Some(GbkBytes::Two(0x9E, 0xE9)));
        assert_eq!(encode_char('A'), Some(GbkBytes::One(b'A')));
        assert_eq!(encode_char('😀'), None);
        assert_eq!(encode_char('€'), Some(GbkBytes::One(0x80)));
        assert_eq!(decode_pair(0x9E, 0xE9), Some('為'));
        assert_eq!(decode_pair(0xA3, 0xD0), Some('Ｐ'));
        assert_eq!(decode_pair(0x9E, b'('), None);
        assert_eq!(decode_pair(0xAA, 0xA1), None, "user-defined area");
    }

    #[test]
    fn the_table_agrees_with_a_fresh_decoder() {
        for (lead, trail) in [(0x81, 0x40), (0xA1, 0xA3), (0xA3, 0xBF), (0xAE, 0xC8), (0xD7, 0xFA), (0xFE, 0xFE)] {
            let mut decoder = GBK.new_decoder_without_bom_handling();
            let mut out = [0u8; 8];
            let (result, _, written) = decoder.decode_to_utf8_without_replacement(&[lead, trail], &mut out, true);
            let fresh = (result == DecoderResult::InputEmpty)
                .then(|| std::str::from_utf8(&out[..written]).ok()?.chars().next())
                .flatten();
            assert_eq!(decode_pair_raw(lead, trail), fresh, "{lead:02X} {trail:02X}");
        }
    }
}
