//! Writers: each reads an [`Article`] and writes one archival format. A cargo
//! feature per writer keeps a TEI-only user from building a PDF stack.
//!
//! What the writers share lives here: the one timestamp they stamp on their
//! output ([`Timestamp::resolve`]), the article's stable identifier
//! ([`article_uuid`]), and the filter that keeps text legal in XML
//! ([`xml_safe`]).

use std::borrow::Cow;

use crate::article::{Article, Warning};
use crate::error::{Error, Result};

/// What a writer produced: the file's bytes, and what a person should know
/// about it (characters dropped because XML cannot hold them, characters the
/// PDF font cannot show …).
///
/// ```
/// # #[cfg(feature = "tei")] {
/// use zharchive::render::tei::{write_tei, TeiOptions};
/// let article = zharchive::normalize("标题\n\n正文。".as_bytes(), &Default::default())?;
/// let rendered = write_tei(&article, &TeiOptions::default())?;
/// assert!(rendered.bytes.starts_with(b"<?xml"));
/// assert!(rendered.warnings.is_empty());
/// # }
/// # Ok::<(), zharchive::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The complete file.
    pub bytes: Vec<u8>,
    /// Warnings about this output (the article's own warnings are not
    /// repeated here).
    pub warnings: Vec<Warning>,
}

#[cfg(feature = "epub")]
pub mod epub;
#[cfg(feature = "pdf")]
pub mod pdf;
#[cfg(feature = "tei")]
pub mod tei;

/// A UTC date and time, to the second.
///
/// Output must be byte-for-byte reproducible, so no writer reads the clock.
/// The date a writer stamps is, in order: the one the caller passed, else
/// `SOURCE_DATE_EPOCH` (the reproducible-builds convention) if set, else the
/// article's source date, else [`Timestamp::DEFAULT`] (1980-01-01T00:00:00Z,
/// the earliest date a ZIP entry can carry).
///
/// ```
/// use zharchive::render::Timestamp;
/// let t = Timestamp { year: 2024, month: 6, day: 15, hour: 8, minute: 30, second: 0 };
/// assert_eq!(Timestamp::parse("2024-06-15T08:30:00Z")?, t);
/// assert!(Timestamp::DEFAULT < t);
/// # Ok::<(), zharchive::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    /// Year (1980–9999 for ZIP; any for the others).
    pub year: u16,
    /// Month 1–12.
    pub month: u8,
    /// Day 1–31.
    pub day: u8,
    /// Hour 0–23.
    pub hour: u8,
    /// Minute 0–59.
    pub minute: u8,
    /// Second 0–59.
    pub second: u8,
}

impl Timestamp {
    /// 1980-01-01T00:00:00Z.
    pub const DEFAULT: Timestamp = Timestamp { year: 1980, month: 1, day: 1, hour: 0, minute: 0, second: 0 };

    /// Parse `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SS` or the same with `Z`.
    ///
    /// ```
    /// use zharchive::render::Timestamp;
    /// let t = Timestamp::parse("2024-06-15").unwrap();
    /// assert_eq!(t.to_rfc3339(), "2024-06-15T00:00:00Z");
    /// assert!(Timestamp::parse("June 2024").is_err());
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Options`] naming the value that could not be read.
    pub fn parse(s: &str) -> Result<Timestamp> {
        let bad = || Error::Options(format!("cannot read date {s:?}: use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ"));
        let s = s.trim().trim_end_matches('Z');
        let (date, time) = s.split_once(['T', ' ']).unwrap_or((s, "00:00:00"));
        let d: Vec<&str> = date.split('-').collect();
        let t: Vec<&str> = time.split(':').collect();
        if d.len() != 3 || !(2..=3).contains(&t.len()) {
            return Err(bad());
        }
        let num = |x: &str| x.parse::<u16>().map_err(|_| bad());
        let ts = Timestamp {
            year: num(d[0])?,
            month: num(d[1])? as u8,
            day: num(d[2])? as u8,
            hour: num(t[0])? as u8,
            minute: num(t[1])? as u8,
            second: t.get(2).map_or(Ok(0), |x| num(x.split('.').next().unwrap_or("0")))? as u8,
        };
        let valid = (1..=12).contains(&ts.month)
            && (1..=days_in_month(ts.year, ts.month)).contains(&ts.day)
            && ts.hour < 24
            && ts.minute < 60
            && ts.second < 60;
        if valid {
            Ok(ts)
        } else {
            Err(bad())
        }
    }

    /// Seconds since 1970-01-01T00:00:00Z (negative years are not handled;
    /// dates before 1970 clamp to it).
    ///
    /// ```
    /// use zharchive::render::Timestamp;
    /// assert_eq!(Timestamp::from_unix(0).to_rfc3339(), "1970-01-01T00:00:00Z");
    /// assert_eq!(Timestamp::from_unix(1_718_409_600).date(), "2024-06-15");
    /// assert_eq!(Timestamp::from_unix(-86_400), Timestamp::from_unix(0));
    /// ```
    pub fn from_unix(seconds: i64) -> Timestamp {
        let seconds = seconds.max(0);
        let days = seconds / 86_400;
        let rem = seconds % 86_400;
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468;
        let era = z / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = if m <= 2 { y + 1 } else { y };
        Timestamp {
            year: y.clamp(0, 9999) as u16,
            month: m as u8,
            day: d as u8,
            hour: (rem / 3600) as u8,
            minute: (rem % 3600 / 60) as u8,
            second: (rem % 60) as u8,
        }
    }

    /// The timestamp a writer should use (see the type's docs for the order).
    ///
    /// ```
    /// use zharchive::{render::Timestamp, Options, SourceInfo};
    /// let source = SourceInfo { date: Some("2024-06-15".into()), ..SourceInfo::default() };
    /// let a = zharchive::normalize("标题\n\n正文。".as_bytes(), &Options { source, ..Options::default() })?;
    /// // A date the caller passes wins.
    /// assert_eq!(Timestamp::resolve(Some("2000-01-02"), &a)?.date(), "2000-01-02");
    /// // Without one (and without SOURCE_DATE_EPOCH), the article's source date.
    /// if std::env::var_os("SOURCE_DATE_EPOCH").is_none() {
    ///     assert_eq!(Timestamp::resolve(None, &a)?.date(), "2024-06-15");
    /// }
    /// # Ok::<(), zharchive::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Options`] if `explicit` or `SOURCE_DATE_EPOCH` cannot be read.
    /// An unreadable source date in the article is skipped, not an error.
    pub fn resolve(explicit: Option<&str>, article: &Article) -> Result<Timestamp> {
        if let Some(s) = explicit {
            return Timestamp::parse(s);
        }
        if let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH") {
            let secs = epoch
                .trim()
                .parse::<i64>()
                .map_err(|_| Error::Options(format!("SOURCE_DATE_EPOCH={epoch:?} is not a number of seconds")))?;
            return Ok(Timestamp::from_unix(secs));
        }
        if let Some(date) = article.metadata.source.date.as_deref() {
            if let Ok(t) = Timestamp::parse(date) {
                return Ok(t);
            }
        }
        Ok(Timestamp::DEFAULT)
    }

    /// `2024-06-15T00:00:00Z`.
    ///
    /// ```
    /// use zharchive::render::Timestamp;
    /// let t = Timestamp { year: 2024, month: 6, day: 15, hour: 8, minute: 5, second: 9 };
    /// assert_eq!(t.to_rfc3339(), "2024-06-15T08:05:09Z");
    /// ```
    pub fn to_rfc3339(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }

    /// `2024-06-15`.
    ///
    /// ```
    /// use zharchive::render::Timestamp;
    /// let t = Timestamp { year: 2024, month: 6, day: 5, hour: 23, minute: 59, second: 59 };
    /// assert_eq!(t.date(), "2024-06-05");
    /// ```
    pub fn date(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A stable `urn:uuid:` for the article, derived from the SHA-256 of its
/// normalised text (so the same text always gets the same identifier, and a
/// different text a different one). The UUID has version 8 (custom) and the
/// RFC 9562 variant bits.
///
/// ```
/// let a = zharchive::normalize("标题\n\n正文。".as_bytes(), &Default::default())?;
/// let id = zharchive::render::article_uuid(&a);
/// assert!(id.starts_with("urn:uuid:"));
/// assert_eq!(id, zharchive::render::article_uuid(&a));
/// # Ok::<(), zharchive::Error>(())
/// ```
pub fn article_uuid(article: &Article) -> String {
    crate::collection::text_uuid(article.plain_text().as_bytes())
}

/// Whether XML 1.0 allows `c` (its production `Char`).
pub(crate) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Whether UTF-8 `bytes` hold only characters XML 1.0 allows, looking at
/// bytes rather than decoding characters (every writer passes all its text
/// through here). A forbidden character is a C0 control byte other than
/// tab, LF and CR, or U+FFFE / U+FFFF (`EF BF BE`, `EF BF BF`); a `str`
/// holds no surrogates.
fn all_bytes_legal(bytes: &[u8]) -> bool {
    bytes.iter().enumerate().all(|(i, &b)| {
        if b < 0x20 {
            matches!(b, b'\t' | b'\n' | b'\r')
        } else if b == 0xEF {
            !(bytes.get(i + 1) == Some(&0xBF) && matches!(bytes.get(i + 2), Some(0xBE | 0xBF)))
        } else {
            true
        }
    })
}

/// `text` without the characters XML 1.0 forbids (C0 controls other than tab,
/// LF and CR; U+FFFE, U+FFFF), and how many were dropped. Writers report the
/// count instead of writing an invalid file.
///
/// ```
/// let (clean, dropped) = zharchive::render::xml_safe("a\u{1}b\u{FFFF}c");
/// assert_eq!((clean.as_ref(), dropped), ("abc", 2));
/// ```
pub fn xml_safe(text: &str) -> (Cow<'_, str>, usize) {
    if all_bytes_legal(text.as_bytes()) {
        return (Cow::Borrowed(text), 0);
    }
    let clean: String = text.chars().filter(|&c| is_xml_char(c)).collect();
    let dropped = text.chars().count() - clean.chars().count();
    (Cow::Owned(clean), dropped)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The byte-level check agrees with the character-level definition,
        /// on strings rich in the characters at the edges of what is legal.
        #[test]
        fn byte_check_matches_the_characters(s in "[\\x00-\\x21\\u{7F}\\u{D7FF}\\u{E000}\\u{FFFD}-\\u{FFFF}\\u{10000}中a]{0,12}") {
            proptest::prop_assert_eq!(all_bytes_legal(s.as_bytes()), s.chars().all(is_xml_char));
        }
    }

    #[test]
    fn unix_epoch_conversion() {
        assert_eq!(Timestamp::from_unix(0).to_rfc3339(), "1970-01-01T00:00:00Z");
        assert_eq!(Timestamp::from_unix(1_718_409_600).to_rfc3339(), "2024-06-15T00:00:00Z");
        assert_eq!(Timestamp::from_unix(951_782_400).date(), "2000-02-29");
    }

    #[test]
    fn invalid_dates_are_rejected() {
        for s in ["2024-02-30", "2024-13-01", "2024-06-15T24:00:00", "x"] {
            assert!(Timestamp::parse(s).is_err(), "{s}");
        }
    }
}
