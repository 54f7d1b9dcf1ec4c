//! HTML input: a saved web page in, the article in it out, with the page's
//! own metadata and every edit's place in the page.
//!
//! 1. **Decoding** follows the WHATWG encoding sniffing rules
//!    ([`crate::normalize::decode::decode_html`]): a BOM, then the caller's
//!    encoding, then the page's `<meta>` ([`declared_charset`]), then
//!    detection. A page saved as UTF-8 that still declares `gb2312` decodes
//!    as UTF-8, and the report says so.
//! 2. **Finding the article** is Mozilla Readability's algorithm, as the
//!    `dom_smoothie` crate ports it (on Readability's own test pages it
//!    matched the expected text of 129 of 130 pages and every title; the
//!    older `readability` crate 96 and 63).
//! 3. **Blocks**: the article's headings, paragraphs, quotations, list
//!    items and captions ([`page_blocks`]).
//! 4. **Provenance**: each block is found again in the page's source, and
//!    the markup around it becomes edits of kind
//!    [`EditKind::Extraction`](crate::EditKind::Extraction) (see `align`):
//!    the text passes then run on the article as on any text, and every
//!    edit keeps its byte range in the page.
//!
//! Behind the `html` cargo feature.

mod align;
mod blocks;
mod charset;

use std::ops::Range;

pub use blocks::{page_blocks, PageBlock, PageBlockKind};
pub use charset::declared_charset;

use crate::error::{Error, Result};
use crate::normalize::tracked::Replacement;

/// The largest page the extractor is given (a page is markup around a few
/// kilobytes of article: 16 MiB of it is not a news page, and the DOM of
/// such a page takes gigabytes).
pub const MAX_PAGE_BYTES: usize = 16 << 20;
/// The most elements the extractor walks.
const MAX_ELEMENTS: usize = 200_000;
/// The deepest nesting of elements the extractor is given. Readability's
/// scoring walks ancestors and descendants, so its time grows with the
/// square of the depth (measured: 5,000 levels 8 s, 20,000 levels 90 s);
/// real pages nest a few dozen levels.
pub const MAX_DEPTH: usize = 1_000;

/// The name and version of the extractor, for the provenance.
pub const EXTRACTOR: &str = "dom_smoothie 0.19 (Mozilla Readability)";

/// Whether `bytes` look like an HTML page: after a BOM and white space, a
/// doctype, `<html`, or a comment or XML declaration followed by `<html`
/// in the first kilobyte.
///
/// ```
/// use zharchive::normalize::html::looks_like_html;
/// assert!(looks_like_html(b"\xEF\xBB\xBF  <!DOCTYPE html><html>"));
/// assert!(looks_like_html(b"<HTML lang=zh>"));
/// assert!(looks_like_html(b"<!-- saved from url=(0014)about:internet -->\n<html>"));
/// assert!(!looks_like_html("标题\n\n正文里提到<html>标签。".as_bytes()));
/// ```
pub fn looks_like_html(bytes: &[u8]) -> bool {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = b.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(b.len());
    let b = &b[start..];
    let head = &b[..b.len().min(1024)];
    let lower = |s: &[u8]| s.to_ascii_lowercase();
    let starts = |p: &[u8]| head.len() >= p.len() && lower(&head[..p.len()]) == p;
    starts(b"<!doctype html")
        || starts(b"<html")
        || ((starts(b"<!--") || starts(b"<?xml")) && lower(head).windows(5).any(|w| w == b"<html"))
}

/// What the page says about itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageMetadata {
    /// The title the extractor chose (`<title>`, Open Graph, JSON-LD
    /// `headline`, the article's `h1`).
    pub title: String,
    /// The author line (`byline`, JSON-LD `author`, `article:author`).
    pub author: Option<String>,
    /// The site or publisher (`og:site_name`, JSON-LD `publisher`).
    pub site: Option<String>,
    /// When it was published (`article:published_time`, JSON-LD
    /// `datePublished`).
    pub published: Option<String>,
    /// The canonical URL (`<link rel=canonical>`, else `og:url`, JSON-LD
    /// `url`).
    pub url: Option<String>,
    /// The page's `lang`.
    pub lang: Option<String>,
}

/// The article taken from a page.
#[derive(Debug, Clone)]
pub(crate) struct Extracted {
    /// Edits that turn the page's text into the article's: `title\n\nblock\n\n…\n`.
    pub replacements: Vec<Replacement>,
    /// Each block after the title: its kind and where in the page it is
    /// (`None` if it was inserted).
    pub blocks: Vec<(PageBlockKind, Option<Range<usize>>)>,
    /// What the page says about itself.
    pub page: PageMetadata,
    /// Whether the extractor found no article and the page's whole text
    /// was taken instead.
    pub whole_page: bool,
}

/// Take the article out of the decoded page `src`.
///
/// # Errors
///
/// [`Error::Html`] for a page over [`MAX_PAGE_BYTES`] or with too many
/// elements, and for a page with no text at all.
pub(crate) fn extract(src: &str) -> Result<Extracted> {
    if src.len() > MAX_PAGE_BYTES {
        return Err(Error::Html(format!(
            "the page is {} bytes; pages over {} MiB are not taken apart (is it a web page?)",
            src.len(),
            MAX_PAGE_BYTES >> 20
        )));
    }
    // The parser too spends time on each open element per element, so a
    // page whose tags alone nest far too deep is refused before parsing.
    let too_deep =
        || Error::Html(format!("the page's elements nest more than {MAX_DEPTH} levels deep; it is not taken apart"));
    if tag_depth(src) > 4 * MAX_DEPTH {
        return Err(too_deep());
    }
    let doc = dom_query::Document::from(src);
    if nesting_depth(&doc) > MAX_DEPTH {
        return Err(too_deep());
    }
    let canonical =
        doc.select("link[rel=canonical]").attr("href").map(|h| h.trim().to_owned()).filter(|h| h.starts_with("http"));
    let lang = doc.select("html").attr("lang").map(|l| l.trim().to_owned()).filter(|l| !l.is_empty());
    let config = dom_smoothie::Config { max_elements_to_parse: MAX_ELEMENTS, ..Default::default() };
    // No document URL: it only makes the article's links absolute, and the
    // links are not kept.
    let mut readability =
        dom_smoothie::Readability::with_document(doc, None, Some(config)).map_err(|e| Error::Html(e.to_string()))?;
    let (content, meta, whole_page) = match readability.parse() {
        Ok(a) => {
            let meta = PageMetadata {
                title: a.title.trim().to_owned(),
                author: clean(a.byline),
                site: clean(a.site_name),
                published: clean(a.published_time),
                url: canonical.or(clean(a.url)),
                lang: lang.or(clean(a.lang)),
            };
            (a.content.to_string(), meta, false)
        }
        Err(dom_smoothie::ReadabilityError::TooManyElements(found, max)) => {
            return Err(Error::Html(format!("the page has {found} elements; at most {max} are taken apart")))
        }
        Err(_) => {
            // No article found (a short page, a list): keep the whole
            // body's text rather than nothing, and say so.
            let doc = dom_query::Document::from(src);
            let title = doc.select("title").text().trim().to_owned();
            let body = doc.select("body").html().to_string();
            (body, PageMetadata { title, url: canonical, lang, ..Default::default() }, true)
        }
    };
    let title = &meta.title;
    let mut blocks = page_blocks(&content);
    // The title stands first. Where the article opens with a heading that
    // says the same (the page's h1), that heading is the title.
    let fold = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let opens_with_title = blocks.first().is_some_and(|b| {
        matches!(b.kind, PageBlockKind::Heading(_)) && !title.is_empty() && fold(title).contains(&fold(&b.text))
    });
    if !opens_with_title && !title.is_empty() {
        blocks.insert(0, PageBlock { kind: PageBlockKind::Heading(1), text: title.clone() });
    }
    if blocks.is_empty() {
        return Err(Error::Html("the page holds no text".into()));
    }
    let texts: Vec<&str> = blocks.iter().map(|b| b.text.as_str()).collect();
    let (replacements, placed) = align::align(src, &texts);
    let blocks = blocks.iter().zip(placed).skip(1).map(|(b, span)| (b.kind, span)).collect();
    Ok(Extracted { replacements, blocks, page: meta, whole_page })
}

/// How deep the tags of `src` nest, counted from the source: start tags
/// less end tags, leaving out void elements, self-closing tags and the
/// elements whose end tag HTML lets a page leave out (an upper bound of the
/// parsed depth, near it on pages that close what they open).
fn tag_depth(src: &str) -> usize {
    const NO_END: [&str; 23] = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "p",
        "li", "dt", "dd", "tr", "td", "th", "option", "rt", "rp",
    ];
    let b = src.as_bytes();
    let (mut depth, mut deepest) = (0usize, 0usize);
    for at in memchr::memchr_iter(b'<', b) {
        let closing = b.get(at + 1) == Some(&b'/');
        let name_at = at + 1 + usize::from(closing);
        let name_len = b[name_at.min(b.len())..].iter().take_while(|c| c.is_ascii_alphanumeric()).count();
        if name_len == 0 {
            continue;
        }
        let name = src[name_at..name_at + name_len].to_ascii_lowercase();
        if NO_END.contains(&name.as_str()) {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else {
            let tag_end = memchr::memchr(b'>', &b[name_at..]).map_or(b.len(), |p| name_at + p);
            if tag_end > 0 && b[tag_end - 1] == b'/' {
                continue;
            }
            depth += 1;
            deepest = deepest.max(depth);
        }
    }
    deepest
}

/// How deep the page's elements nest (iteratively: the depth is what is
/// being measured).
fn nesting_depth(doc: &dom_query::Document) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(doc.root(), 0usize)];
    while let Some((node, depth)) = stack.pop() {
        deepest = deepest.max(depth);
        if depth > MAX_DEPTH {
            break;
        }
        stack.extend(node.children_it(false).filter(|c| c.is_element()).map(|c| (c, depth + 1)));
    }
    deepest
}

fn clean(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}
