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
//!
//! # Back to the bytes
//!
//! An archival record must give back exactly what was received, so decoding
//! keeps what the text alone cannot say: the BOM, the bytes of each
//! malformed sequence, and the bytes of any character that the encoding
//! would write differently from how it was read (Big5 codes the encoder
//! does not produce, GB18030's single byte 0x80 read as €). These are
//! [`EncodingReport::raw`]; [`encode_source`] puts them back between the
//! re-encoded stretches of text. Finding them costs one encode of the text
//! and a comparison; only a source that does not round-trip is walked
//! character by character.

use std::borrow::Cow;
use std::ops::Range;

use encoding_rs::{DecoderResult, Encoding, BIG5, GB18030, GBK, UTF_16BE, UTF_16LE, UTF_8};

use crate::article::{DetectionMethod, EncodingReport, RawBytes};
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
    decode_as(bytes, encoding, method, skip)
}

/// Decode `bytes` as `encoding`, past a BOM of `skip` bytes.
fn decode_as(bytes: &[u8], encoding: &'static Encoding, method: DetectionMethod, skip: usize) -> Result<Decoded> {
    let (text, malformed) = decode_counting(encoding, &bytes[skip..]);
    let malformed_bytes = malformed.iter().map(|(_, r)| r.len() as u64).sum();
    check_text_like(&text, malformed_bytes, malformed.len(), bytes.len())?;
    let mut raw = Vec::new();
    if skip > 0 {
        raw.push(RawBytes { at: 0, len: 0, bytes: bytes[..skip].to_vec() });
    }
    raw.extend(raw_spans(encoding, &bytes[skip..], &text, &malformed));
    let report = EncodingReport { name: encoding.name().to_owned(), method, malformed_bytes, raw };
    Ok(Decoded { text, report })
}

/// Decode an HTML page the way a browser does (the WHATWG encoding
/// sniffing rules): an encoding the caller declared, else a BOM, else the
/// page's own `<meta>` in its first 1024 bytes
/// ([`declared_charset`](crate::normalize::html::declared_charset)), else
/// detection as for text ([`decode`]).
///
/// Saved pages often lie: a page saved as UTF-8 keeps the `gb2312` its
/// server sent. Bytes that are valid UTF-8 (and not all ASCII) under a
/// legacy declaration are UTF-8, and bytes that are not UTF-8 under a UTF-8
/// declaration are detected instead; both times the second value says what
/// the page claimed, for the report.
///
/// ```
/// use zharchive::{normalize::decode::decode_html, DetectionMethod};
/// let gbk = [&b"<html><meta charset=gbk><p>"[..], &encoding_rs::GBK.encode("新闻").0].concat();
/// let (page, conflict) = decode_html(&gbk, None)?;
/// assert!(page.text.ends_with("新闻") && conflict.is_none());
/// assert_eq!((page.report.name.as_str(), page.report.method), ("gb18030", DetectionMethod::Meta));
/// let lying = "<html><meta charset=gb2312><p>新闻".as_bytes();
/// let (page, conflict) = decode_html(lying, None)?;
/// assert_eq!((page.report.name.as_str(), page.report.method), ("UTF-8", DetectionMethod::ValidUtf8));
/// assert!(conflict.unwrap().contains("gb2312"));
/// # Ok::<(), zharchive::Error>(())
/// ```
///
/// # Errors
///
/// As [`decode`].
#[cfg(feature = "html")]
pub fn decode_html(bytes: &[u8], declared: Option<&str>) -> Result<(Decoded, Option<String>)> {
    if bytes.is_empty() {
        return Err(Error::Empty);
    }
    if declared.is_some() || Encoding::for_bom(bytes).is_some() {
        return Ok((decode(bytes, declared)?, None));
    }
    let Some((meta, label)) = crate::normalize::html::declared_charset(bytes) else {
        return Ok((decode(bytes, None)?, None));
    };
    let meta = if meta == GBK { GB18030 } else { meta };
    let valid_utf8 = std::str::from_utf8(bytes).is_ok();
    if meta != UTF_8 && valid_utf8 && !bytes.is_ascii() {
        let note = format!("the page declares charset={label} but its bytes are valid UTF-8: read as UTF-8");
        return Ok((decode(bytes, None)?, Some(note)));
    }
    if meta == UTF_8 && !valid_utf8 && !mostly_utf8(bytes) {
        let decoded = decode(bytes, None)?;
        let note = format!(
            "the page declares charset={label} but its bytes are not UTF-8: read as {}, as detected",
            decoded.report.name
        );
        return Ok((decoded, Some(note)));
    }
    Ok((decode_as(bytes, meta, DetectionMethod::Meta, 0)?, None))
}

/// The source bytes again, from the decoded text and the bytes its
/// [`EncodingReport`] kept: the inverse of [`decode`].
///
/// ```
/// use zharchive::normalize::decode::{decode, encode_source};
/// for bytes in [
///     encoding_rs::BIG5.encode("會議").0.into_owned(),
///     vec![0xFF, 0xFE, 0x1A, 0x4F, 0x00, 0xD8, b'a', 0], // UTF-16LE: BOM, 会, a lone surrogate, a
///     b"caf\xC3\xA9 \xFF".to_vec(),                       // UTF-8 with a malformed byte
/// ] {
///     let decoded = decode(&bytes, None)?;
///     assert_eq!(encode_source(&decoded.text, &decoded.report)?, bytes);
/// }
/// # Ok::<(), zharchive::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::Rebuild`] if the report names an encoding this crate does not
/// know, if its kept bytes do not fit the text (out of order, outside it,
/// not on character boundaries), or if a character of the text cannot be
/// written in the encoding and no bytes were kept for it.
pub fn encode_source(text: &str, report: &EncodingReport) -> Result<Vec<u8>> {
    let encoding = Encoding::for_label(report.name.as_bytes())
        .ok_or_else(|| Error::Rebuild(format!("the encoding {:?} is not one this crate can write", report.name)))?;
    let mut out = Vec::with_capacity(text.len() + 16);
    let mut pos = 0;
    for span in &report.raw {
        let range = span.text_range();
        let (Some(before), Some(_)) = (text.get(pos..range.start), text.get(range.clone())) else {
            return Err(Error::Rebuild(format!(
                "kept bytes stand for text at {}..{}, which is out of order or not on character boundaries \
                 of the {}-byte text",
                range.start,
                range.end,
                text.len()
            )));
        };
        out.extend_from_slice(&encode_exactly(encoding, before)?);
        out.extend_from_slice(&span.bytes);
        pos = range.end;
    }
    out.extend_from_slice(&encode_exactly(encoding, &text[pos..])?);
    Ok(out)
}

/// `text` in `encoding`, or an error naming the first character it cannot
/// hold.
fn encode_exactly<'a>(encoding: &'static Encoding, text: &'a str) -> Result<Cow<'a, [u8]>> {
    encode(encoding, text).ok_or_else(|| {
        let c = text.chars().find(|c| encode(encoding, c.encode_utf8(&mut [0; 4])).is_none());
        Error::Rebuild(format!(
            "{} cannot be written in {} and no source bytes were kept for it",
            c.map_or_else(|| "a character".to_owned(), |c| format!("U+{:04X}", u32::from(c))),
            encoding.name()
        ))
    })
}

/// `text` in `encoding`; `None` if a character cannot be encoded in it.
///
/// encoding_rs writes UTF-16 as UTF-8 (the web never submits UTF-16), so
/// UTF-16 is written here by hand: each UTF-16 code unit as two bytes in the
/// encoding's order.
fn encode<'a>(encoding: &'static Encoding, text: &'a str) -> Option<Cow<'a, [u8]>> {
    if encoding == UTF_8 {
        return Some(Cow::Borrowed(text.as_bytes()));
    }
    if encoding == UTF_16LE || encoding == UTF_16BE {
        let little = encoding == UTF_16LE;
        let mut out = Vec::with_capacity(text.len() * 2);
        for unit in text.encode_utf16() {
            out.extend_from_slice(&if little { unit.to_le_bytes() } else { unit.to_be_bytes() });
        }
        return Some(Cow::Owned(out));
    }
    // Other encodings whose encoder writes something else (the
    // `replacement` encoding) cannot give the bytes back.
    if encoding.output_encoding() != encoding {
        return text.is_empty().then_some(Cow::Borrowed(&[][..]));
    }
    let (bytes, _, unmappable) = encoding.encode(text);
    (!unmappable).then_some(bytes)
}

/// The bytes of `source` that encoding `text` again would not give back:
/// each malformed sequence (`malformed`: where its U+FFFD is in the text,
/// where its bytes are in the source) and, between them, the characters
/// that do not round-trip. Checked at the end: if the spans found do not
/// rebuild the source (an encoding with state between characters, such as
/// ISO-2022-JP), the whole source is kept as one span, so the result always
/// rebuilds it.
fn raw_spans(
    encoding: &'static Encoding,
    source: &[u8],
    text: &str,
    malformed: &[(usize, Range<usize>)],
) -> Vec<RawBytes> {
    const FFFD: usize = '\u{FFFD}'.len_utf8();
    let mut spans = Vec::with_capacity(malformed.len());
    let (mut text_pos, mut source_pos) = (0, 0);
    let mut walked = false;
    let segments = malformed.iter().map(|(at, bytes)| (Some((*at, bytes.clone())), *at, bytes.start));
    for (bad, text_end, source_end) in segments.chain([(None, text.len(), source.len())]) {
        let (Some(segment), Some(segment_source)) = (text.get(text_pos..text_end), source.get(source_pos..source_end))
        else {
            return whole(text, source);
        };
        if encode(encoding, segment).as_deref() != Some(segment_source) {
            walked = true;
            round_trip_failures(encoding, segment, segment_source, text_pos, &mut spans);
        }
        if let Some((at, bytes)) = bad {
            let Some(kept) = source.get(bytes.clone()) else {
                return whole(text, source);
            };
            push_merged(&mut spans, RawBytes { at, len: FFFD, bytes: kept.to_vec() });
            text_pos = at + FFFD;
            source_pos = bytes.end;
        }
    }
    // The segment boundaries come from the decoder, and a walk finds its
    // own spans: make sure they rebuild the source.
    if walked || !malformed.is_empty() {
        let report = EncodingReport {
            name: encoding.name().to_owned(),
            method: DetectionMethod::Declared,
            malformed_bytes: 0,
            raw: spans,
        };
        if encode_source(text, &report).ok().as_deref() != Some(source) {
            return whole(text, source);
        }
        return report.raw;
    }
    spans
}

/// The whole source kept as one span: always rebuilds it.
fn whole(text: &str, source: &[u8]) -> Vec<RawBytes> {
    vec![RawBytes { at: 0, len: text.len(), bytes: source.to_vec() }]
}

/// Walk `segment` (decoded from `source`, no malformed bytes in it) one
/// character at a time and keep the bytes of each character that does not
/// encode back to them. `base` is the segment's offset in the whole text.
fn round_trip_failures(
    encoding: &'static Encoding,
    segment: &str,
    source: &[u8],
    base: usize,
    spans: &mut Vec<RawBytes>,
) {
    let mut pos = 0; // in source
    let mut chars = segment.char_indices();
    while let Some((i, c)) = chars.next() {
        let mut utf8 = [0; 4];
        let own = encode(encoding, c.encode_utf8(&mut utf8)).unwrap_or_default();
        if !own.is_empty() && source[pos..].starts_with(&own) {
            pos += own.len();
            continue;
        }
        // The shortest run of bytes that decodes to this character (Big5
        // decodes some codes to two characters: to a prefix of the rest).
        let rest = &segment[i..];
        let found = (1..=4.min(source.len() - pos)).find_map(|n| {
            let read = encoding.decode_without_bom_handling_and_without_replacement(&source[pos..pos + n])?;
            (!read.is_empty() && rest.starts_with(read.as_ref())).then_some((n, read.len()))
        });
        let Some((n, len)) = found else {
            // Not found one character at a time: keep the rest as it is.
            push_merged(spans, RawBytes { at: base + i, len: rest.len(), bytes: source[pos..].to_vec() });
            return;
        };
        push_merged(spans, RawBytes { at: base + i, len, bytes: source[pos..pos + n].to_vec() });
        pos += n;
        // Skip the other characters the same bytes decoded to.
        let mut skipped = c.len_utf8();
        while skipped < len {
            skipped += chars.next().map_or(len, |(_, c)| c.len_utf8());
        }
    }
}

/// Append `span`, joining it to the last one when they touch.
fn push_merged(spans: &mut Vec<RawBytes>, span: RawBytes) {
    match spans.last_mut() {
        Some(last) if last.at + last.len == span.at && last.len > 0 => {
            last.len += span.len;
            last.bytes.extend_from_slice(&span.bytes);
        }
        _ => spans.push(span),
    }
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
            let (text, malformed) = decode_counting(e, bytes);
            let malformed: usize = malformed.iter().map(|(_, r)| r.len()).sum();
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

/// Decode, replacing each malformed sequence with U+FFFD; returns the text
/// and, for each malformed sequence, where its U+FFFD is in the text and
/// where its bytes are in `bytes`.
fn decode_counting(encoding: &'static Encoding, bytes: &[u8]) -> (String, Vec<(usize, Range<usize>)>) {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let capacity = decoder.max_utf8_buffer_length_without_replacement(bytes.len()).unwrap_or(bytes.len() * 3).max(16);
    let mut text = String::with_capacity(capacity);
    let mut malformed = Vec::new();
    let mut input = bytes;
    loop {
        let (result, read) = decoder.decode_to_string_without_replacement(input, &mut text, true);
        input = &input[read..];
        let consumed = bytes.len() - input.len();
        match result {
            DecoderResult::InputEmpty => break,
            DecoderResult::OutputFull => {
                let more =
                    decoder.max_utf8_buffer_length_without_replacement(input.len()).unwrap_or(input.len() * 3).max(16);
                text.reserve(more);
            }
            DecoderResult::Malformed(bad, after) => {
                // The malformed bytes end `after` bytes before where the
                // decoder stopped reading (the bytes after them are read
                // but not yet decoded). Whole input at once: they are in it.
                let end = consumed.saturating_sub(usize::from(after));
                malformed.push((text.len(), end.saturating_sub(usize::from(bad))..end));
                text.push('\u{FFFD}');
            }
        }
    }
    (text, malformed)
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

    /// Decode `bytes` and encode them again: the same bytes.
    fn round_trip(bytes: &[u8], declared: Option<&str>) -> Decoded {
        let d = decode(bytes, declared).unwrap();
        assert_eq!(encode_source(&d.text, &d.report).unwrap(), bytes, "{:?} {:?}", d.report, d.text);
        d
    }

    #[test]
    fn every_encoding_gives_its_bytes_back() {
        for (encoding, label) in [(GB18030, "gb18030"), (BIG5, "big5"), (UTF_8, "utf-8")] {
            let d = round_trip(&encoding.encode(TEXT).0, Some(label));
            assert!(d.report.raw.is_empty(), "{label}");
        }
        for (little, label) in [(true, "utf-16le"), (false, "utf-16be")] {
            let mut bytes: Vec<u8> = if little { vec![0xFF, 0xFE] } else { vec![0xFE, 0xFF] };
            bytes.extend(TEXT.encode_utf16().flat_map(|u| if little { u.to_le_bytes() } else { u.to_be_bytes() }));
            let d = round_trip(&bytes, None);
            assert_eq!(d.report.raw, [RawBytes { at: 0, len: 0, bytes: bytes[..2].to_vec() }]);
            round_trip(&bytes[2..], Some(label));
            // A lone surrogate and an odd last byte are malformed, and kept.
            let mut broken = bytes.clone();
            let lone: [u8; 2] = if little { [0x00, 0xDC] } else { [0xDC, 0x00] };
            broken.splice(6..6, lone);
            broken.push(0x41);
            let d = round_trip(&broken, None);
            assert_eq!(d.report.malformed_bytes, 3);
        }
    }

    #[test]
    fn bytes_that_do_not_round_trip_are_kept() {
        // GB18030 reads 0x80 as €, but writes € as A2 E3.
        let mut gb = GB18030.encode("价格").0.into_owned();
        gb.push(0x80);
        gb.extend_from_slice(&GB18030.encode("五元").0);
        let d = round_trip(&gb, Some("gb18030"));
        assert_eq!(d.report.raw, [RawBytes { at: 6, len: 3, bytes: vec![0x80] }]);
        // Big5: HKSCS 88 62 reads as two characters (Ê̄) the encoder never
        // writes; A1 45 and A1 4E are compatibility duplicates of other codes.
        let mut big5 = BIG5.encode("會議").0.into_owned();
        big5.extend_from_slice(&[0x88, 0x62, 0xA1, 0x45, 0xA1, 0x4E]);
        big5.extend_from_slice(&BIG5.encode("開始").0);
        let d = round_trip(&big5, Some("big5"));
        assert!(!d.report.raw.is_empty());
        // Malformed sequences next to each other and at the ends.
        // (Padded with text: mostly malformed input is refused as binary.)
        let padded = |bytes: &[u8], encoding: &'static Encoding| {
            let mut v = bytes.to_vec();
            v.extend_from_slice(&encoding.encode(TEXT).0);
            v.extend_from_slice(bytes);
            v
        };
        for (bytes, encoding, label) in [
            (&b"\xFF\xFEabc\xC3\xA9\xE4\xB8\xFF\xF0\x9F\x98"[..], UTF_8, "utf-8"),
            (&[0x81, 0x30, 0x81, b'a', 0xD2, 0xF2, 0x9E, b'(', 0xFE][..], GB18030, "gb18030"),
        ] {
            let d = round_trip(&padded(bytes, encoding), Some(label));
            // Only the malformed bytes are kept, each for its U+FFFD.
            let kept: usize = d.report.raw.iter().map(|r| r.bytes.len()).sum();
            assert_eq!(kept as u64, d.report.malformed_bytes, "{label}");
            assert!(d.report.raw.iter().all(|r| d.text[r.text_range()].chars().all(|c| c == '\u{FFFD}')));
        }
        // An encoding with state between characters still round-trips.
        round_trip(b"\x1b$B$3$s\x1b(Babc and some more text\x1b$", Some("iso-2022-jp"));
        round_trip(b"abc and some more text\x81", Some("shift_jis"));
    }

    #[test]
    fn kept_bytes_that_do_not_fit_are_an_error() {
        let d = decode("标题正文".as_bytes(), None).unwrap();
        for raw in [
            vec![RawBytes { at: 1, len: 0, bytes: vec![0] }],
            vec![RawBytes { at: 6, len: 0, bytes: vec![0] }, RawBytes { at: 3, len: 0, bytes: vec![0] }],
            vec![RawBytes { at: 9, len: 6, bytes: vec![0] }],
        ] {
            let report = EncodingReport { raw, ..d.report.clone() };
            assert!(matches!(encode_source(&d.text, &report), Err(Error::Rebuild(_))));
        }
        let report = EncodingReport { name: "big5".into(), ..d.report.clone() };
        let err = encode_source("€😀", &report).unwrap_err().to_string();
        assert!(err.contains("U+1F600") && err.contains("Big5"), "{err}");
        let report = EncodingReport { name: "no-such".into(), ..d.report };
        assert!(matches!(encode_source("a", &report), Err(Error::Rebuild(_))));
    }

    #[test]
    fn binary_and_empty_are_errors() {
        assert!(matches!(decode(b"", None), Err(Error::Empty)));
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0";
        assert!(matches!(decode(png, None), Err(Error::Binary { .. })));
        assert!(matches!(decode(b"abc", Some("no-such")), Err(Error::UnknownEncoding(_))));
    }
}
