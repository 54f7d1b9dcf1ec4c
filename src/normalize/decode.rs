//! Bytes → text: find the encoding, decode, count what could not be decoded.
//!
//! The order of evidence, strongest first:
//!
//! 1. an encoding the caller declared ([`crate::Options::encoding`]);
//! 2. a byte order mark (UTF-8, UTF-16LE, UTF-16BE);
//! 3. NUL bytes: only UTF-16 without a BOM explains them in text, so the
//!    input is UTF-16 if it decodes plausibly as such; otherwise a few stray
//!    NULs in valid UTF-8 are damage (the cleanup pass drops and reports
//!    them), and anything else is binary;
//! 4. strict UTF-8 validity (Chinese in a legacy encoding is essentially never
//!    valid UTF-8);
//! 5. UTF-16 without BOM or NUL bytes (all-Han text), if it decodes plausibly;
//!    then UTF-8 with a few damaged bytes (many valid multi-byte sequences per
//!    malformed one), which is UTF-8, not a legacy encoding;
//! 6. `chardetng`, asked to choose among the legacy encodings; where it picks a
//!    non-Chinese encoding, GBK or Big5 still wins if it decodes the bytes
//!    without error into Han text.
//!
//! GBK is always decoded as GB18030, its superset (encoding_rs does so too).

use encoding_rs::{DecoderResult, Encoding, BIG5, GB18030, GBK, UTF_16BE, UTF_16LE, UTF_8};

use crate::article::{DetectionMethod, EncodingReport};
use crate::error::{Error, Result};

/// The decoded text and how it was found.
///
/// ```
/// use zharchive::{normalize::decode::decode, DetectionMethod};
/// let big5 = encoding_rs::BIG5.encode("會議").0;
/// let decoded = decode(&big5, Some("big5"))?;
/// assert_eq!(decoded.text, "會議");
/// assert_eq!((decoded.report.name.as_str(), decoded.report.method), ("Big5", DetectionMethod::Declared));
/// # Ok::<(), zharchive::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text (BOM removed).
    pub text: String,
    /// Encoding, method, malformed byte count.
    pub report: EncodingReport,
}

/// Decode `bytes`, detecting the encoding unless `declared` names one.
///
/// ```
/// use zharchive::normalize::decode::decode;
/// let gbk = encoding_rs::GBK.encode("中文新聞").0;
/// let decoded = decode(&gbk, None)?;
/// assert_eq!(decoded.text, "中文新聞");
/// assert_eq!(decoded.report.name, "gb18030");
/// # Ok::<(), zharchive::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::Empty`] for no bytes, [`Error::UnknownEncoding`] for a bad label,
/// [`Error::Binary`] for input that is not text.
pub fn decode(bytes: &[u8], declared: Option<&str>) -> Result<Decoded> {
    if bytes.is_empty() {
        return Err(Error::Empty);
    }
    let (encoding, method, skip) = choose_encoding(bytes, declared)?;
    let (text, malformed_bytes, replaced) = decode_counting(encoding, &bytes[skip..]);
    check_text_like(&text, malformed_bytes, replaced, bytes.len())?;
    Ok(Decoded { text, report: EncodingReport { name: encoding.name().to_owned(), method, malformed_bytes } })
}

/// Pick the encoding; returns it, how it was chosen, and how many leading
/// bytes (a BOM) to skip.
fn choose_encoding(bytes: &[u8], declared: Option<&str>) -> Result<(&'static Encoding, DetectionMethod, usize)> {
    if let Some(label) = declared {
        let encoding =
            Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| Error::UnknownEncoding(label.to_owned()))?;
        let encoding = if encoding == GBK { GB18030 } else { encoding };
        // A BOM that agrees with the declared encoding is not text.
        let skip = match Encoding::for_bom(bytes) {
            Some((bom_encoding, len)) if bom_encoding == encoding => len,
            _ => 0,
        };
        return Ok((encoding, DetectionMethod::Declared, skip));
    }
    if let Some((encoding, len)) = Encoding::for_bom(bytes) {
        return Ok((encoding, DetectionMethod::ByteOrderMark, len));
    }
    let nuls = bytes.iter().filter(|&&b| b == 0).count();
    if nuls > 0 {
        if let Some(encoding) = utf16_guess(bytes) {
            return Ok((encoding, DetectionMethod::Guessed, 0));
        }
        // A stray NUL in valid UTF-8 text is damage the cleanup pass drops
        // and reports; many NULs mean a binary file.
        if (nuls > 4 && nuls * 100 > bytes.len()) || std::str::from_utf8(bytes).is_err() {
            return Err(Error::Binary {
                reason: format!("it contains {nuls} NUL byte(s) and does not decode as UTF-16"),
            });
        }
    }
    if std::str::from_utf8(bytes).is_ok() {
        return Ok((UTF_8, DetectionMethod::ValidUtf8, 0));
    }
    if let Some(encoding) = utf16_guess(bytes) {
        return Ok((encoding, DetectionMethod::Guessed, 0));
    }
    if mostly_utf8(bytes) {
        return Ok((UTF_8, DetectionMethod::Guessed, 0));
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let guess = detector.guess(None, chardetng::Utf8Detection::Deny);
    let chinese = |e: &'static Encoding| e == GBK || e == GB18030 || e == BIG5;
    let encoding = if chinese(guess) {
        guess
    } else {
        // chardetng saw no Chinese; if GBK or Big5 still decodes the bytes
        // cleanly into Han text, prefer it (this crate reads Chinese news).
        let fit = |e: &'static Encoding| {
            let (text, malformed, _) = decode_counting(e, bytes);
            let han = text.chars().filter(|c| crate::normalize::readings::is_han(*c)).count();
            (malformed, std::cmp::Reverse(han))
        };
        let (gbk, big5) = (fit(GBK), fit(BIG5));
        let best = if big5 < gbk { (BIG5, big5) } else { (GBK, gbk) };
        if best.1 .0 == 0 && best.1 .1 .0 > 0 {
            best.0
        } else {
            guess
        }
    };
    let encoding = if encoding == GBK { GB18030 } else { encoding };
    Ok((encoding, DetectionMethod::Guessed, 0))
}

/// UTF-8 with a few damaged bytes: many valid multi-byte sequences and few
/// malformed ones. Text in a legacy CJK encoding almost never forms valid
/// UTF-8 sequences (a GBK or Big5 pair is lead 0x81–0xFE + trail, which
/// rarely lines up as UTF-8), so even a handful of valid sequences per error
/// is strong evidence (GBK text read as UTF-8 gives about one valid sequence
/// per ten errors).
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut valid, mut malformed) = (0usize, 0usize);
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                valid += s.chars().filter(|c| !c.is_ascii()).count();
                break;
            }
            Err(e) => {
                let (good, bad) = rest.split_at(e.valid_up_to());
                valid += std::str::from_utf8(good).map_or(0, |s| s.chars().filter(|c| !c.is_ascii()).count());
                malformed += 1;
                let skip = e.error_len().unwrap_or(bad.len()).max(1);
                rest = &bad[skip.min(bad.len())..];
                if rest.is_empty() {
                    break;
                }
            }
        }
    }
    valid >= 4 && valid >= 2 * malformed
}

/// UTF-16LE or BE if the bytes decode to plausible text that way.
fn utf16_guess(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() < 2 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let sample = &bytes[..bytes.len().min(64 * 1024) & !1];
    let le = utf16_plausibility(sample, true);
    let be = utf16_plausibility(sample, false);
    let (best, score) = if le >= be { (UTF_16LE, le) } else { (UTF_16BE, be) };
    (score >= 0.95).then_some(best)
}

/// Share of code units that are plausible in Chinese text.
fn utf16_plausibility(sample: &[u8], little_endian: bool) -> f64 {
    let units = sample.len() / 2;
    let plausible = sample
        .chunks_exact(2)
        .filter(|pair| {
            let unit = if little_endian {
                u16::from_le_bytes([pair[0], pair[1]])
            } else {
                u16::from_be_bytes([pair[0], pair[1]])
            };
            matches!(unit,
                0x09 | 0x0A | 0x0D | 0x20..=0x7E | 0xA0..=0x24F
                | 0x2000..=0x206F | 0x3000..=0x303F | 0x3400..=0x9FFF
                | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF)
        })
        .count();
    plausible as f64 / units.max(1) as f64
}

/// Decode, replacing each malformed sequence with U+FFFD; returns the text,
/// the malformed bytes and the number of U+FFFD put in for them.
fn decode_counting(encoding: &'static Encoding, bytes: &[u8]) -> (String, u64, usize) {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let capacity = decoder.max_utf8_buffer_length_without_replacement(bytes.len()).unwrap_or(bytes.len() * 3).max(16);
    let mut text = String::with_capacity(capacity);
    let mut malformed = 0u64;
    let mut replaced = 0usize;
    let mut input = bytes;
    loop {
        let (result, read) = decoder.decode_to_string_without_replacement(input, &mut text, true);
        input = &input[read..];
        match result {
            DecoderResult::InputEmpty => break,
            DecoderResult::OutputFull => {
                let more =
                    decoder.max_utf8_buffer_length_without_replacement(input.len()).unwrap_or(input.len() * 3).max(16);
                text.reserve(more);
            }
            DecoderResult::Malformed(bad, _) => {
                malformed += u64::from(bad);
                replaced += 1;
                text.push('\u{FFFD}');
            }
        }
    }
    (text, malformed, replaced)
}

/// Reject decodings that are mostly not text: control characters and the
/// U+FFFD put in for malformed sequences (`replaced`). A U+FFFD the source
/// spells out is a character like any other: counting it would refuse this
/// crate's own output for an input with many malformed bytes.
fn check_text_like(text: &str, malformed: u64, replaced: usize, total: usize) -> Result<()> {
    let mut chars = 0usize;
    let mut bad = replaced;
    for c in text.chars() {
        chars += 1;
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{0C}') {
            bad += 1;
        }
    }
    // Mostly bad: binary. A few bad characters in a short text are damage,
    // reported as malformed bytes instead.
    if chars > 0 && bad * 10 > chars && (bad >= 16 || bad * 2 > chars) {
        return Err(Error::Binary {
            reason: format!("{bad} of its {chars} characters are control characters or undecodable"),
        });
    }
    if malformed as usize * 4 > total {
        return Err(Error::Binary {
            reason: format!("{malformed} of its {total} bytes do not decode in any supported encoding"),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "大模型四小龍亮相2024智源大會\n\n6月14日至6月15日，為期兩天的大會在北京召開。";

    #[test]
    fn replacement_characters_in_the_source_are_text_malformed_bytes_are_not() {
        let spelled = "标题\n\n".to_owned() + &"\u{FFFD}字".repeat(40);
        assert_eq!(decode(spelled.as_bytes(), None).unwrap().text, spelled);
        let mut broken = "标题\n\n".as_bytes().to_vec();
        for _ in 0..40 {
            broken.extend_from_slice(b"\xff");
            broken.extend_from_slice("字".as_bytes());
        }
        assert!(matches!(decode(&broken, Some("utf-8")), Err(Error::Binary { .. })));
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let d = decode(TEXT.as_bytes(), None).unwrap();
        assert_eq!(d.text, TEXT);
        assert_eq!(d.report.method, DetectionMethod::ValidUtf8);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(TEXT.as_bytes());
        let d = decode(&bom, None).unwrap();
        assert_eq!(d.text, TEXT);
        assert_eq!(d.report.method, DetectionMethod::ByteOrderMark);
    }

    #[test]
    fn utf16_without_bom_is_guessed() {
        for (enc, name) in [(true, "UTF-16LE"), (false, "UTF-16BE")] {
            let bytes: Vec<u8> =
                TEXT.encode_utf16().flat_map(|u| if enc { u.to_le_bytes() } else { u.to_be_bytes() }).collect();
            let d = decode(&bytes, None).unwrap();
            assert_eq!(d.text, TEXT);
            assert_eq!(d.report.name, name);
            assert_eq!(d.report.method, DetectionMethod::Guessed);
        }
    }

    #[test]
    fn legacy_encodings_are_guessed() {
        let gbk = GB18030.encode(TEXT).0;
        let d = decode(&gbk, None).unwrap();
        assert_eq!(d.text, TEXT);
        assert_eq!(d.report.name, "gb18030");
        let big5 = BIG5.encode(TEXT).0;
        let d = decode(&big5, None).unwrap();
        assert_eq!(d.text, TEXT);
        assert_eq!(d.report.name, "Big5");
    }

    #[test]
    fn malformed_bytes_are_counted() {
        let mut bytes = TEXT.as_bytes().to_vec();
        bytes.insert(9, 0xFF); // between 大模型 and 四
        let d = decode(&bytes, Some("utf-8")).unwrap();
        assert_eq!(d.report.malformed_bytes, 1);
        assert_eq!(d.text.matches('\u{FFFD}').count(), 1);
        assert_eq!(d.report.method, DetectionMethod::Declared);
    }

    #[test]
    fn damaged_utf8_is_still_utf8() {
        let mut bytes = TEXT.as_bytes().to_vec();
        bytes.splice(24..24, [0xFF, 0xFE, 0xC0]); // after 大模型四小龙亮相
        let d = decode(&bytes, None).unwrap();
        assert_eq!(d.report.name, "UTF-8");
        assert_eq!(d.report.method, DetectionMethod::Guessed);
        assert_eq!(d.report.malformed_bytes, 3);
        // And GBK is not mistaken for damaged UTF-8.
        assert!(!mostly_utf8(&GB18030.encode(TEXT).0));
        assert!(!mostly_utf8(&BIG5.encode(TEXT).0));
    }

    #[test]
    fn binary_and_empty_are_errors() {
        assert!(matches!(decode(b"", None), Err(Error::Empty)));
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0";
        assert!(matches!(decode(png, None), Err(Error::Binary { .. })));
        assert!(matches!(decode(b"abc", Some("no-such")), Err(Error::UnknownEncoding(_))));
    }
}
