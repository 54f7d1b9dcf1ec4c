//! The encoding a page declares: the WHATWG "prescan a byte stream to
//! determine its encoding" algorithm over the first 1024 bytes (`<meta
//! charset>` and `<meta http-equiv="content-type" content="…; charset=…">`).
//!
//! encoding_rs leaves this step to the HTML parser, and html5ever, which
//! dom_smoothie builds on, takes text that is already decoded; so it is
//! here, as the standard writes it (comments skipped, other tags' attributes
//! skipped so that a `charset=` inside them is not taken).

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// How far the prescan looks, as the standard says.
const PRESCAN_BYTES: usize = 1024;

/// The encoding the page's `<meta>` declares in its first 1024 bytes, if
/// any, with the label as written.
///
/// ```
/// use zharchive::normalize::html::declared_charset;
/// let page = br#"<!doctype html><html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">"#;
/// let (encoding, label) = declared_charset(page).unwrap();
/// assert_eq!((encoding.name(), label.as_str()), ("GBK", "gb2312"));
/// assert_eq!(declared_charset(b"<meta charset='big5'>").unwrap().0.name(), "Big5");
/// // Inside a comment, or in another tag's attribute, it does not count.
/// assert!(declared_charset(b"<!-- <meta charset=big5> --><p title='charset=big5'>").is_none());
/// ```
pub fn declared_charset(bytes: &[u8]) -> Option<(&'static Encoding, String)> {
    let b = &bytes[..bytes.len().min(PRESCAN_BYTES)];
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"<!--") {
            i = find(b, i + 4, b"-->").map_or(b.len(), |end| end + 3);
        } else if starts_with_ignore_case(&b[i..], b"<meta") && b.get(i + 5).is_some_and(|&c| is_space(c) || c == b'/')
        {
            i += 5;
            let mut charset = None;
            let mut content = None;
            let mut pragma = false;
            while let Some((name, value, next)) = attribute(b, i) {
                i = next;
                match name.as_str() {
                    "http-equiv" => pragma |= value.eq_ignore_ascii_case("content-type"),
                    "content" if content.is_none() => content = Some(value),
                    "charset" if charset.is_none() => charset = Some(value),
                    _ => {}
                }
            }
            let label = charset.or_else(|| content.filter(|_| pragma).and_then(|c| charset_in_content(&c)));
            if let Some(label) = label {
                if let Some(encoding) = Encoding::for_label(label.trim().as_bytes()) {
                    // The standard: a page cannot declare UTF-16 (its bytes
                    // were readable as ASCII), and x-user-defined means 1252.
                    let encoding = match encoding.name() {
                        "UTF-16LE" | "UTF-16BE" => UTF_8,
                        "x-user-defined" => WINDOWS_1252,
                        _ => encoding,
                    };
                    return Some((encoding, label.trim().to_owned()));
                }
            }
        } else if b[i] == b'<' && (b.get(i + 1).is_some_and(u8::is_ascii_alphabetic) || b.get(i + 1) == Some(&b'/')) {
            // Another tag: skip its name and attributes.
            i += if b[i + 1] == b'/' { 2 } else { 1 };
            while i < b.len() && !is_space(b[i]) && b[i] != b'>' {
                i += 1;
            }
            while let Some((_, _, next)) = attribute(b, i) {
                i = next;
            }
            i += 1;
        } else if b[i..].starts_with(b"<!") || b[i..].starts_with(b"<?") {
            i = find(b, i + 2, b">").map_or(b.len(), |end| end + 1);
        } else {
            i += 1;
        }
    }
    None
}

/// The standard's "get an attribute" at `i`: `(name, value, position after
/// it)`, or `None` at the tag's end.
fn attribute(b: &[u8], mut i: usize) -> Option<(String, String, usize)> {
    while i < b.len() && (is_space(b[i]) || b[i] == b'/') {
        i += 1;
    }
    if i >= b.len() || b[i] == b'>' {
        return None;
    }
    let mut name = Vec::new();
    while i < b.len() && !(is_space(b[i]) || b[i] == b'/' || b[i] == b'>' || (b[i] == b'=' && !name.is_empty())) {
        name.push(b[i].to_ascii_lowercase());
        i += 1;
    }
    while i < b.len() && is_space(b[i]) {
        i += 1;
    }
    if b.get(i) != Some(&b'=') {
        return Some((String::from_utf8_lossy(&name).into_owned(), String::new(), i));
    }
    i += 1;
    while i < b.len() && is_space(b[i]) {
        i += 1;
    }
    let mut value = Vec::new();
    match b.get(i) {
        Some(&q @ (b'"' | b'\'')) => {
            i += 1;
            while i < b.len() && b[i] != q {
                value.push(b[i].to_ascii_lowercase());
                i += 1;
            }
            i += 1;
        }
        _ => {
            while i < b.len() && !is_space(b[i]) && b[i] != b'>' {
                value.push(b[i].to_ascii_lowercase());
                i += 1;
            }
        }
    }
    Some((String::from_utf8_lossy(&name).into_owned(), String::from_utf8_lossy(&value).into_owned(), i.min(b.len())))
}

/// The standard's "extract a character encoding from a meta element"
/// (`text/html; charset=gb2312` → `gb2312`).
fn charset_in_content(content: &str) -> Option<String> {
    let lower = content.to_ascii_lowercase();
    let at = lower.find("charset")?;
    let rest = lower[at + 7..].trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let value = match rest.chars().next()? {
        q @ ('"' | '\'') => rest[1..].split(q).next()?,
        _ => rest.split(|c: char| c == ';' || c.is_ascii_whitespace()).next()?,
    };
    (!value.is_empty()).then(|| value.to_owned())
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\x0C' | b'\r')
}

fn starts_with_ignore_case(b: &[u8], prefix: &[u8]) -> bool {
    b.len() >= prefix.len() && b[..prefix.len()].eq_ignore_ascii_case(prefix)
}

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|p| p + from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_forms_of_meta_are_read() {
        for (page, name) in [
            (&b"<meta charset=\"UTF-8\">"[..], "UTF-8"),
            (b"<META CHARSET=GBK>", "GBK"),
            (b"<meta content='text/html;charset=big5' http-equiv='content-type'>", "Big5"),
            (b"<meta http-equiv=Content-Type content=\"text/html; charset = gb18030\">", "gb18030"),
            (b"<meta charset=utf-16le>", "UTF-8"),
        ] {
            assert_eq!(declared_charset(page).map(|(e, _)| e.name()), Some(name), "{}", String::from_utf8_lossy(page));
        }
    }

    #[test]
    fn what_does_not_declare_is_not_taken() {
        for page in [
            &b"<meta content='text/html; charset=big5'>"[..], // no http-equiv
            b"<meta charset=klingon>",
            b"<metadata charset=big5>",
            b"<body>charset=big5",
        ] {
            assert!(declared_charset(page).is_none(), "{}", String::from_utf8_lossy(page));
        }
        let late = [b"<html>".as_slice(), &[b' '; 1100], b"<meta charset=big5>"].concat();
        assert!(declared_charset(&late).is_none(), "only the first 1024 bytes count");
    }

    #[test]
    fn truncated_markup_never_panics() {
        for page in [&b"<meta"[..], b"<meta ", b"<meta charset=", b"<meta charset='", b"<!--", b"<a", b"</", b"<!x"] {
            let _ = declared_charset(page);
        }
    }
}
