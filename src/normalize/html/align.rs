//! Where each block of the extracted article stands in the page's source,
//! and the edits that turn the page into the article's text.
//!
//! The extractor (dom_smoothie) hands back a cleaned copy of the article,
//! not positions in the page. Provenance needs positions: every later edit
//! is recorded with its byte range in the page. So each block's text is
//! found again in the page's *visible* characters (tags, comments, scripts
//! and styles skipped, character references read as the character they
//! stand for), in order, and everything around and between the found
//! characters becomes an edit of kind [`EditKind::Extraction`]: markup and
//! page furniture deleted, a reference replaced by its character, white
//! space as the block has it, `\n\n` between blocks.
//!
//! Matching goes character by character (white space aside) from an anchor
//! of the block's first characters, and resynchronises over a short window
//! where the page has something the block has not. A block not found in
//! the visible text (an image's `alt` text) is looked for literally; one not
//! found at all is inserted where it belongs, so nothing the extractor kept
//! is lost, and its provenance says it was inserted.
//!
//! [`EditKind::Extraction`]: crate::EditKind::Extraction

use std::ops::Range;

use crate::normalize::tracked::Replacement;

/// How many leading characters of a block must follow each other in the
/// page for the block to be found there.
const ANCHOR: usize = 8;
/// How far past a character the page may hold extra visible characters
/// before the block's next one is taken as missing from the page.
const RESYNC: usize = 64;

/// A visible character of the page: what it reads as and where it is.
#[derive(Debug, Clone, Copy)]
struct Visible {
    c: char,
    start: u32,
    end: u32,
}

/// The page's visible characters other than white space, in order.
fn visible(src: &str) -> Vec<Visible> {
    let b = src.as_bytes();
    let mut out = Vec::with_capacity(src.len() / 4);
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'<' => {
                if let Some(next) = skip_markup(src, i) {
                    i = next;
                    continue;
                }
            }
            b'&' => {
                if let Some((c, end)) = reference(src, i) {
                    if !c.is_whitespace() {
                        out.push(Visible { c, start: i as u32, end: end as u32 });
                    }
                    i = end;
                    continue;
                }
            }
            _ => {}
        }
        let c = src[i..].chars().next().unwrap_or('\u{FFFD}');
        let end = i + c.len_utf8();
        if !c.is_whitespace() {
            out.push(Visible { c, start: i as u32, end: end as u32 });
        }
        i = end;
    }
    out
}

/// If markup starts at `i` (a tag, comment, doctype, CDATA section, or a
/// script/style element with its content), where it ends.
fn skip_markup(src: &str, i: usize) -> Option<usize> {
    let rest = &src.as_bytes()[i..];
    let find = |from: usize, needle: &str| src[from..].find(needle).map_or(src.len(), |p| from + p + needle.len());
    if rest.starts_with(b"<!--") {
        return Some(find(i + 4, "-->"));
    }
    if rest.starts_with(b"<![CDATA[") {
        return Some(find(i + 9, "]]>"));
    }
    if rest.starts_with(b"<!") || rest.starts_with(b"<?") {
        return Some(find(i + 2, ">"));
    }
    let closing = rest.get(1) == Some(&b'/');
    let name_at = i + 1 + usize::from(closing);
    if !src.as_bytes().get(name_at).is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    let name_end = src[name_at..]
        .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
        .map_or(src.len(), |p| name_at + p);
    let name = src[name_at..name_end].to_ascii_lowercase();
    // The tag's end: the first `>` outside a quoted attribute value.
    let mut quote = None;
    let mut end = src.len();
    for (p, c) in src[name_end..].char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '>') => {
                end = name_end + p + 1;
                break;
            }
            _ => {}
        }
    }
    // Raw text elements: their content is not shown.
    if !closing && matches!(name.as_str(), "script" | "style" | "template" | "textarea" | "xmp") {
        let close = format!("</{name}");
        let lower_rest = src[end..].to_ascii_lowercase();
        return Some(lower_rest.find(&close).map_or(src.len(), |p| find(end + p, ">")));
    }
    Some(end)
}

/// A character reference at `i` (`&amp;`, `&#20013;`, `&#x4E2D;`): the one
/// character it stands for and where it ends.
fn reference(src: &str, i: usize) -> Option<(char, usize)> {
    let rest = &src[i + 1..];
    let len = rest.bytes().take(32).position(|c| c == b';')?;
    let body = &rest[..len];
    if body.is_empty() || !body.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'#') {
        return None;
    }
    let whole = &src[i..i + len + 2];
    let decoded = html_escape::decode_html_entities(whole);
    let mut chars = decoded.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if decoded != whole => Some((c, i + len + 2)),
        _ => None,
    }
}

/// Align `blocks` (texts in reading order) with the page `src`, and give the
/// edits that turn the page into the blocks separated by blank lines, with a
/// final newline; and where each block was placed: the byte range from its
/// first to its last found character, `None` for a block inserted because
/// it was not found.
pub(crate) fn align(src: &str, blocks: &[&str]) -> (Vec<Replacement>, Vec<Option<Range<usize>>>) {
    let vis = visible(src);
    let mut reps = Vec::new();
    let mut placed = Vec::with_capacity(blocks.len());
    let mut cursor = 0usize; // index into `vis`
    let mut done = 0usize; // bytes of `src` already accounted for
    let mut pending = String::new(); // output owed before the next found text
    for (n, block) in blocks.iter().enumerate() {
        if n > 0 {
            pending.push_str("\n\n");
        }
        // Byte offsets of the block's non-white-space characters.
        let want: Vec<(usize, char)> = block.char_indices().filter(|(_, c)| !c.is_whitespace()).collect();
        let matched = match_block(&vis, cursor, &want).or_else(|| literal(src, &vis, done, block));
        let Some((pairs, next_cursor)) = matched.filter(|(pairs, _)| !pairs.is_empty()) else {
            pending.push_str(block);
            placed.push(None);
            continue;
        };
        cursor = next_cursor;
        // From what is done to the first found character: the owed output,
        // then the block's text before that character.
        let (first_at, first) = pairs[0];
        pending.push_str(&block[..first_at]);
        push(&mut reps, src, done..first.start as usize, &pending);
        pending.clear();
        for (k, &(at, v)) in pairs.iter().enumerate() {
            let c_len = block[at..].chars().next().map_or(0, char::len_utf8);
            let range = v.start as usize..v.end as usize;
            push(&mut reps, src, range.clone(), &block[at..at + c_len]);
            if let Some(&(next_at, next)) = pairs.get(k + 1) {
                push(&mut reps, src, range.end..next.start as usize, &block[at + c_len..next_at]);
            }
        }
        let &(last_at, last) = pairs.last().unwrap_or(&pairs[0]);
        let last_len = block[last_at..].chars().next().map_or(0, char::len_utf8);
        pending.push_str(&block[last_at + last_len..]);
        done = last.end as usize;
        placed.push(Some(first.start as usize..last.end as usize));
    }
    pending.push('\n');
    push(&mut reps, src, done..src.len(), &pending);
    (reps, placed)
}

/// An edit of `src[range]` to `to`, unless it already reads so.
fn push(reps: &mut Vec<Replacement>, src: &str, range: Range<usize>, to: &str) {
    if src[range.clone()] != *to {
        reps.push(Replacement::new(range, to));
    }
}

type Pairs = Vec<(usize, Visible)>;

/// Find `want` in the visible characters from `cursor`: an anchor of its
/// first characters in a row, then each next character within a short
/// window. Returns the (block offset, visible character) pairs and the
/// cursor after the block.
fn match_block(vis: &[Visible], cursor: usize, want: &[(usize, char)]) -> Option<(Pairs, usize)> {
    let anchor = want.len().min(ANCHOR);
    if anchor == 0 {
        return None;
    }
    let start = (cursor..vis.len().saturating_sub(anchor - 1))
        .find(|&j| want[..anchor].iter().zip(&vis[j..]).all(|((_, c), v)| *c == v.c))?;
    let mut pairs = Vec::with_capacity(want.len());
    let mut k = start;
    for &(at, c) in want {
        let window = &vis[k.min(vis.len())..(k + RESYNC).min(vis.len())];
        if let Some(p) = window.iter().position(|v| v.c == c) {
            pairs.push((at, vis[k + p]));
            k += p + 1;
        }
    }
    Some((pairs, k))
}

/// Find `block` as it is written in `src` after byte `done` (text that the
/// page holds in an attribute, such as an image's `alt`).
fn literal(src: &str, vis: &[Visible], done: usize, block: &str) -> Option<(Pairs, usize)> {
    if block.trim().is_empty() {
        return None;
    }
    let at = done + src.get(done..)?.find(block)?;
    let pairs: Pairs = block
        .char_indices()
        .filter(|(_, c)| !c.is_whitespace())
        .map(|(i, c)| (i, Visible { c, start: (at + i) as u32, end: (at + i + c.len_utf8()) as u32 }))
        .collect();
    let end = at + block.len();
    let cursor = vis.partition_point(|v| (v.start as usize) < end);
    Some((pairs, cursor))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::tracked::TrackedText;
    use crate::EditKind;

    fn run(src: &str, blocks: &[&str]) -> (String, Vec<Option<Range<usize>>>) {
        let (reps, placed) = align(src, blocks);
        let mut t = TrackedText::new(src.to_owned());
        t.apply(EditKind::Extraction, reps);
        (t.text().to_owned(), placed)
    }

    #[test]
    fn markup_and_furniture_go_and_the_blocks_stay() {
        let page = "<html><head><title>标题</title><script>var a='正文';</script></head>\
                    <body><nav>首页 | 新闻</nav><h1>标题</h1><p>第一段&amp;<b>加粗</b>。</p>\n<p>第二&#x6BB5;。</p><footer>版权</footer></body></html>";
        let (text, placed) = run(page, &["标题", "第一段&加粗。", "第二段。"]);
        assert_eq!(text, "标题\n\n第一段&加粗。\n\n第二段。\n");
        let title = placed[0].clone().unwrap();
        assert_eq!(&page[title], "标题", "the first 标题 in the page is the <title>");
    }

    #[test]
    fn a_block_from_an_attribute_is_found_literally() {
        let page = "<p>正文。</p><figure><img alt=\"图片说明文字\"></figure>";
        let (text, placed) = run(page, &["正文。", "图片说明文字"]);
        assert_eq!(text, "正文。\n\n图片说明文字\n");
        assert!(placed[1].is_some());
    }

    #[test]
    fn a_block_not_in_the_page_is_inserted_not_lost() {
        let page = "<p>正文第一段。</p><p>正文第二段。</p>";
        let (text, placed) = run(page, &["正文第一段。", "页面上没有的", "正文第二段。"]);
        assert_eq!(text, "正文第一段。\n\n页面上没有的\n\n正文第二段。\n");
        assert!(placed[1].is_none());
    }

    #[test]
    fn extra_characters_in_the_page_are_skipped() {
        let page = "<p>一二三四五六七八<sup>[1]</sup>九十。</p>";
        let (text, _) = run(page, &["一二三四五六七八九十。"]);
        assert_eq!(text, "一二三四五六七八九十。\n");
    }

    #[test]
    fn the_edits_lie_in_order_and_apart() {
        let page = "<div>a &lt; b</div><p>x&nbsp;y</p>";
        let (reps, _) = align(page, &["a < b", "x\u{A0}y"]);
        assert!(reps.windows(2).all(|w| w[0].range.end <= w[1].range.start), "{reps:?}");
        let (text, _) = run(page, &["a < b", "x\u{A0}y"]);
        assert_eq!(text, "a < b\n\nx\u{A0}y\n");
    }

    #[test]
    fn unclosed_markup_never_panics() {
        for page in ["<", "<p", "<!--", "<script>", "&", "&#;", "&#x110000;", "<a href='>", "<p>正文"] {
            let _ = run(page, &["正文"]);
        }
    }
}
