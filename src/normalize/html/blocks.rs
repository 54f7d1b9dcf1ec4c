//! The article Readability found, as blocks of text: headings, paragraphs,
//! quotations, list items and captions, in reading order.
//!
//! The walk is iterative (a page nested ten thousand `<div>`s deep must not
//! overflow the stack). Text gathers into the current block until an
//! element that starts a block of its own (`p`, `div`, `li`, `br` …) ends
//! it; white space collapses as a browser shows it. What kind of block a
//! text is comes from its nearest ancestor that gives one (`h2` → a
//! subheading, `blockquote` → a quotation …).

use dom_query::{Document, NodeRef};

/// What a block of the page was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageBlockKind {
    /// `h1`–`h6` (the level).
    Heading(u8),
    /// Running text.
    Paragraph,
    /// Inside `blockquote`.
    Quote,
    /// `li`, `dt`, `dd`.
    ListItem,
    /// `figcaption`, a table's `caption`, or an image's `alt` text inside
    /// a `figure` that has no caption.
    Caption,
}

/// One block of the article, its text as a reader sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageBlock {
    /// What it was.
    pub kind: PageBlockKind,
    /// Its text, white space collapsed, never empty.
    pub text: String,
}

/// Elements that begin and end a block.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "main"
            | "aside"
            | "nav"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "blockquote"
            | "ul"
            | "ol"
            | "li"
            | "dl"
            | "dt"
            | "dd"
            | "figure"
            | "figcaption"
            | "pre"
            | "table"
            | "thead"
            | "tbody"
            | "tfoot"
            | "tr"
            | "td"
            | "th"
            | "caption"
            | "address"
            | "hr"
            | "br"
            | "center"
            | "details"
            | "summary"
    )
}

/// The kind an element gives the text inside it, if any.
fn kind_of(name: &str) -> Option<PageBlockKind> {
    Some(match name {
        "h1" => PageBlockKind::Heading(1),
        "h2" => PageBlockKind::Heading(2),
        "h3" => PageBlockKind::Heading(3),
        "h4" => PageBlockKind::Heading(4),
        "h5" => PageBlockKind::Heading(5),
        "h6" => PageBlockKind::Heading(6),
        "blockquote" => PageBlockKind::Quote,
        "li" | "dt" | "dd" => PageBlockKind::ListItem,
        "figcaption" | "caption" => PageBlockKind::Caption,
        _ => return None,
    })
}

/// Elements whose content is not text a reader sees.
fn is_hidden(name: &str) -> bool {
    matches!(name, "script" | "style" | "template" | "noscript" | "svg" | "math" | "head" | "iframe" | "object")
}

struct Gather {
    blocks: Vec<PageBlock>,
    text: String,
    kinds: Vec<Option<PageBlockKind>>,
}

impl Gather {
    fn kind(&self) -> PageBlockKind {
        self.kinds.iter().rev().find_map(|k| *k).unwrap_or(PageBlockKind::Paragraph)
    }

    fn push_text(&mut self, text: &str) {
        for c in text.chars() {
            // A no-break space is a space to a reader (pages indent with
            // rows of `&nbsp;`); an ideographic space is text.
            if c.is_whitespace() && c != '\u{3000}' {
                if !self.text.is_empty() && !self.text.ends_with(' ') {
                    self.text.push(' ');
                }
            } else {
                self.text.push(c);
            }
        }
    }

    fn flush(&mut self) {
        let text = self.text.trim_end_matches(' ');
        if !text.is_empty() {
            self.blocks.push(PageBlock { kind: self.kind(), text: text.to_owned() });
        }
        self.text.clear();
    }
}

/// The blocks of `html` (the extractor's article, a fragment), in order.
///
/// ```
/// use zharchive::normalize::html::{page_blocks, PageBlockKind::*};
/// let html = "<div><h2>小标题</h2><p>第一段<b>加粗</b>。</p><blockquote><p>引文。</p></blockquote>\
///             <ul><li>一</li><li>二</li></ul><figure><img alt='图'><figcaption>图注</figcaption></figure>\
///             <figure><img alt='只有替代文字'></figure></div>";
/// let kinds: Vec<_> = page_blocks(html).into_iter().map(|b| (b.kind, b.text)).collect();
/// assert_eq!(kinds, [
///     (Heading(2), "小标题".to_owned()), (Paragraph, "第一段加粗。".to_owned()), (Quote, "引文。".to_owned()),
///     (ListItem, "一".to_owned()), (ListItem, "二".to_owned()), (Caption, "图注".to_owned()),
///     (Caption, "只有替代文字".to_owned()),
/// ]);
/// ```
pub fn page_blocks(html: &str) -> Vec<PageBlock> {
    let doc = Document::from(html);
    let mut gather = Gather { blocks: Vec::new(), text: String::new(), kinds: Vec::new() };
    // (node, entering?) — an explicit stack instead of recursion.
    let mut stack: Vec<(NodeRef, bool)> = vec![(doc.root(), true)];
    while let Some((node, entering)) = stack.pop() {
        if node.is_text() {
            gather.push_text(&node.text());
            continue;
        }
        let name = node.node_name().map(|n| n.to_ascii_lowercase()).unwrap_or_default();
        if !node.is_element() && !node.is_document() {
            continue;
        }
        if !entering {
            if is_block(&name) {
                gather.flush();
            }
            if kind_of(&name).is_some() || is_block(&name) {
                gather.kinds.pop();
            }
            continue;
        }
        if is_hidden(&name) {
            continue;
        }
        if name == "img" {
            // An image stands in the text only by its alt text, and only
            // where it is the figure's whole caption.
            let in_figure = node.parent().and_then(|p| p.node_name()).is_some_and(|p| p.eq_ignore_ascii_case("figure"));
            let figure_has_caption = node.parent().is_some_and(|p| {
                p.children_it(false).any(|c| c.node_name().is_some_and(|n| n.eq_ignore_ascii_case("figcaption")))
            });
            if let (true, false, Some(alt)) = (in_figure, figure_has_caption, node.attr("alt")) {
                gather.flush();
                gather.kinds.push(Some(PageBlockKind::Caption));
                gather.push_text(&alt);
                gather.flush();
                gather.kinds.pop();
            }
            continue;
        }
        if is_block(&name) {
            gather.flush();
        }
        if kind_of(&name).is_some() || is_block(&name) {
            gather.kinds.push(kind_of(&name));
        }
        stack.push((node, false));
        let children: Vec<NodeRef> = node.children_it(true).collect();
        stack.extend(children.into_iter().map(|c| (c, true)));
    }
    gather.flush();
    gather.blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_end_blocks_and_inline_markup_does_not() {
        let blocks = page_blocks("<div>第一行<br>第二<span>行</span><br/><br/>第三行</div>");
        let texts: Vec<&str> = blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(texts, ["第一行", "第二行", "第三行"]);
    }

    #[test]
    fn white_space_collapses_but_ideographic_space_stays() {
        let blocks = page_blocks("<p>  a \n\t b  </p><p>\u{3000}\u{3000}正文</p><p>&nbsp;&nbsp;缩进&nbsp; 的段落</p>");
        assert_eq!(blocks[0].text, "a b");
        assert_eq!(blocks[1].text, "\u{3000}\u{3000}正文");
        assert_eq!(blocks[2].text, "缩进 的段落");
    }

    #[test]
    fn hidden_content_is_not_text() {
        let blocks = page_blocks("<p>看得见<script>var x = '看不见';</script><style>p{}</style></p>");
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].text, "看得见");
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let html = "<div>".repeat(20_000) + "深处" + &"</div>".repeat(20_000);
        assert_eq!(page_blocks(&html)[0].text, "深处");
    }
}
