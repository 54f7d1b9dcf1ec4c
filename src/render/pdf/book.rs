//! A book of several articles, set: a title page, the contents, then the
//! articles, each on a new page or run on after the one before, with
//! running heads and page numbers.
//!
//! The contents list the page each article starts on, which is only known
//! once the articles are set, and the articles start after the contents,
//! whose length is only known once they are set. The articles are therefore
//! set first, from page 0 of their own; then the contents, with the page
//! numbers the articles get if the contents take `n` pages; if they take
//! another number of pages (the column for the page numbers widened), they
//! are set again with that number, until it holds. Moving the articles'
//! pages back by a whole number of pages changes nothing on them, so the
//! articles are set once.
//!
//! Page numbers are the pages' places in the file (the title page is page 1,
//! unnumbered), so that the contents' numbers are what a viewer's "go to
//! page" and `pdftotext -f N` take. Running heads show the book's title on
//! the left and the current article's title on the right, on every page but
//! the title page and the pages an article or the contents open on.

use super::compose::{inventory, Composed, Leader, SetBlock, SetLine, SetPage, Setter};
use super::page::{paginate, Flow};
use super::structure::{BookNodes, Node, Structure, Tag};
use crate::article::Article;
use crate::collection::CollectionMetadata;

/// The words a book prints besides its articles, in the book's script.
struct Labels {
    contents: &'static str,
    editor: &'static str,
}

impl Labels {
    /// Traditional characters for a `zh-Hant`, Taiwan, Hong Kong or Macau
    /// tag, else Simplified.
    fn for_language(tag: &str) -> Labels {
        let t = tag.to_ascii_lowercase();
        let traditional = t.contains("-hant")
            || ["zh-tw", "zh-hk", "zh-mo"].iter().any(|r| t == *r || t.starts_with(&format!("{r}-")));
        if traditional {
            Labels { contents: "目錄", editor: "編者" }
        } else {
            Labels { contents: "目录", editor: "编者" }
        }
    }
}

/// The book's metadata and articles, as the writer shows them.
pub(crate) struct BookText<'a> {
    pub metadata: &'a CollectionMetadata,
    pub articles: &'a [Article],
    /// The book's language tag (for the labels' script).
    pub language: &'a str,
    /// What the contents, the running heads and the outline call each
    /// article ([`Article::display_title`], else its opening words).
    pub titles: &'a [String],
}

/// The book, set, and where each article starts.
pub(crate) struct ComposedBook {
    pub composed: Composed,
    /// Each article's first page (0-based) and the top of its first line,
    /// in points from the page's bottom edge.
    pub starts: Vec<(usize, f32)>,
    /// Each contents entry's area, to be clicked through to its article.
    pub links: Vec<EntryLink>,
}

/// Where a contents entry is: its article, its `Link` element, the page its page number
/// is on, and the rectangle of its lines there (left, bottom, right, top, in
/// points from the page's bottom-left corner).
pub(crate) struct EntryLink {
    /// The article the entry is for.
    pub article: usize,
    pub node: Node,
    pub page: usize,
    pub rect: [f32; 4],
}

/// The title page's lines: the title, then what is known of the book, each
/// with whether it is a paragraph (justified) rather than a centred line.
fn title_page_lines(book: &BookText<'_>, labels: &Labels) -> Vec<(String, bool)> {
    let meta = book.metadata;
    let given = |s: &Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    let mut lines = vec![(meta.title.trim().to_owned(), false)];
    let creators: Vec<&str> = meta.creators.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).collect();
    if !creators.is_empty() {
        lines.push((creators.join("、"), false));
    }
    if let Some(editor) = given(&meta.editor) {
        lines.push((format!("{}：{editor}", labels.editor), false));
    }
    if let Some(description) = given(&meta.description) {
        lines.push((description, true));
    }
    lines.push((format!("共 {} 篇", book.articles.len()), false));
    if let Some(date) = given(&meta.date) {
        lines.push((date, false));
    }
    if let Some(publisher) = given(&meta.publisher) {
        lines.push((publisher, false));
    }
    lines
}

/// Set the book.
pub(crate) fn compose_book(book: &BookText<'_>, setter: &Setter<'_>, run_on: bool, page_numbers: bool) -> ComposedBook {
    let labels = Labels::for_language(book.language);
    let title_lines = title_page_lines(book, &labels);
    let (structure, nodes) = Structure::book(title_lines.len(), book.articles, book.language);
    let frame = setter.frame;
    let scale = setter.scale;
    let body_lh = setter.body_leading();

    // The title page: set as a flow from the top, then moved down a fifth of
    // the page when it fits on one page (a long description may not).
    let mut title_blocks = Vec::new();
    let mut title_flows = Vec::new();
    for (i, ((text, paragraph), &node)) in title_lines.iter().zip(&nodes.title_page).enumerate() {
        let size = match i {
            0 => scale.title * 1.25,
            1 => scale.body * 1.3,
            _ => scale.body,
        };
        let lh = if i == 0 { size * 1.4 } else { body_lh.max(size * 1.5) };
        let indent = if *paragraph { 2.0 * scale.body } else { 0.0 };
        let lines = setter.lines(text, size, frame.measure, indent, *paragraph, !paragraph);
        // A description of one line is centred like the rest.
        let (lines, paragraph) = if *paragraph && lines.len() == 1 {
            (setter.lines(text, size, frame.measure, 0.0, false, true), &false)
        } else {
            (lines, paragraph)
        };
        let space_before = match i {
            0 => 0.0,
            1 => 2.0 * body_lh,
            _ => 0.8 * body_lh,
        };
        title_flows.push(Flow { space_before, line_height: lh, lines: lines.len(), keep_with_next: i == 0 });
        title_blocks.push(SetBlock { lines, size, line_height: lh, centred: !paragraph, tag: Tag::Content(node) });
    }
    let mut title_positions = paginate(&title_flows, frame.height());
    let one_page = title_positions.iter().flatten().all(|&(p, _)| p == 0);
    if one_page {
        let used =
            title_positions.iter().zip(&title_flows).filter_map(|(pos, f)| pos.last().map(|l| l.1 + f.line_height));
        let used = used.fold(0.0f32, f32::max);
        let down = (0.2 * frame.height()).min(frame.height() - used).max(0.0);
        for (_, y) in title_positions.iter_mut().flatten() {
            *y += down;
        }
    }
    let mut front: Vec<SetPage> = vec![SetPage::default()];
    setter.place(title_blocks, title_positions, 0, &mut front);
    let title_pages = front.len();

    // The articles, from page 0 of their own.
    let (body, starts, opening_heads, page_article) = set_articles(book, &nodes, setter, run_on);

    // The contents, until the number of their pages holds.
    let mut contents_pages = 1;
    let ((contents, mut links), contents_count) = loop {
        let first_body_page = title_pages + contents_pages;
        let numbers: Vec<usize> = starts.iter().map(|&(page, _)| first_body_page + page + 1).collect();
        let set = set_contents(book, &nodes, setter, &labels, &numbers);
        if set.0.len() == contents_pages || contents_pages > book.articles.len() + 2 {
            break (set, contents_pages);
        }
        contents_pages = set.0.len();
    };
    for link in &mut links {
        link.page += title_pages;
    }
    let first_body_page = title_pages + contents_count;

    let mut pages = front;
    pages.extend(contents);
    pages.resize_with(first_body_page, SetPage::default);
    let body_count = body.len();
    pages.extend(body);

    // Furniture.
    let half = (frame.measure - scale.furniture * 2.0) / 2.0;
    let book_head = setter.furniture_line(&book.metadata.title, half);
    let contents_head = setter.furniture_line(labels.contents, half);
    let article_heads: Vec<_> = book.titles.iter().map(|t| setter.furniture_line(t, half)).collect();
    let y = setter.head_baseline();
    for (n, page) in pages.iter_mut().enumerate() {
        let right = if n <= title_pages {
            None
        } else if n < first_body_page {
            Some(&contents_head)
        } else {
            let b = n - first_body_page;
            if opening_heads[b] {
                None
            } else {
                page_article[b].map(|a| &article_heads[a])
            }
        };
        if let Some(right) = right {
            let size = scale.furniture;
            page.lines.push(SetLine { x: frame.left, y, size, glyphs: book_head.glyphs.clone(), tag: Tag::Header });
            let x = frame.left + frame.measure - right.width();
            page.lines.push(SetLine { x, y, size, glyphs: right.glyphs.clone(), tag: Tag::Header });
        }
        if page_numbers && n >= title_pages {
            page.lines.push(setter.page_number(n));
        }
    }
    debug_assert_eq!(pages.len(), first_body_page + body_count);

    let starts = starts.into_iter().map(|(page, top)| (first_body_page + page, frame.top - top)).collect();
    let (glyphs, missing) = inventory(setter.font, &pages);
    ComposedBook { composed: Composed { pages, glyphs, missing, structure }, starts, links }
}

/// The articles' pages, from page 0; each article's start (page, top of its
/// first line from the top of the text area); for each page, whether an
/// article opens at its top, and which article its first line belongs to.
type SetArticles = (Vec<SetPage>, Vec<(usize, f32)>, Vec<bool>, Vec<Option<usize>>);

fn set_articles(book: &BookText<'_>, nodes: &BookNodes, setter: &Setter<'_>, run_on: bool) -> SetArticles {
    let frame = setter.frame;
    let mut pages: Vec<SetPage> = Vec::new();
    let mut starts = Vec::with_capacity(book.articles.len());
    let mut opening: Vec<bool> = Vec::new();
    let mut page_article: Vec<Option<usize>> = Vec::new();
    // Note what is on each page: the first article seen on a page is the
    // one at its top (lines are placed in reading order).
    let mut note = |page: usize, top: f32, article: usize, heading: bool| {
        if page_article.len() <= page {
            page_article.resize(page + 1, None);
            opening.resize(page + 1, false);
        }
        if page_article[page].is_none() {
            page_article[page] = Some(article);
            opening[page] = heading && top < 1.0;
        }
    };
    if run_on {
        // One flow: every article after the first set off by three lines.
        let mut all_blocks = Vec::new();
        let mut all_flows = Vec::new();
        let mut owner = Vec::new();
        for (a, (article, article_nodes)) in book.articles.iter().zip(&nodes.articles).enumerate() {
            let (blocks, mut flows) = setter.article(article, article_nodes);
            if let Some(first) = flows.first_mut().filter(|_| a > 0) {
                first.space_before = 3.0 * setter.body_leading();
            }
            owner.extend(std::iter::repeat_n(a, blocks.len()));
            all_blocks.extend(blocks);
            all_flows.extend(flows);
        }
        let positions = paginate(&all_flows, frame.height());
        let mut started = vec![None; book.articles.len()];
        for ((&a, pos), block) in owner.iter().zip(&positions).zip(&all_blocks) {
            for &(page, top) in pos {
                started[a].get_or_insert((page, top));
                note(page, top, a, block.centred);
            }
        }
        let mut last = (0, 0.0);
        for s in started {
            last = s.unwrap_or(last);
            starts.push(last);
        }
        setter.place(all_blocks, positions, 0, &mut pages);
    } else {
        for (a, (article, article_nodes)) in book.articles.iter().zip(&nodes.articles).enumerate() {
            let (blocks, flows) = setter.article(article, article_nodes);
            let positions = paginate(&flows, frame.height());
            let first = pages.len();
            let count = positions.iter().flatten().map(|&(p, _)| p + 1).max().unwrap_or(1);
            starts.push(positions.iter().flatten().next().map_or((first, 0.0), |&(p, top)| (first + p, top)));
            for (pos, block) in positions.iter().zip(&blocks) {
                for &(page, top) in pos {
                    note(first + page, top, a, block.centred);
                }
            }
            // Reserve the article's pages: an article with no lines still
            // has its page.
            pages.resize_with(first + count, SetPage::default);
            setter.place(blocks, positions, first, &mut pages);
        }
    }
    if pages.is_empty() {
        pages.push(SetPage::default());
    }
    page_article.resize(pages.len(), None);
    opening.resize(pages.len(), false);
    (pages, starts, opening, page_article)
}

/// The contents: the heading, then an entry per article, its title on the
/// left (wrapped short of the page-number column) and `numbers[i]` on the
/// right, joined by a dotted leader; and each entry's link area (pages
/// counted from the contents' first).
fn set_contents(
    book: &BookText<'_>,
    nodes: &BookNodes,
    setter: &Setter<'_>,
    labels: &Labels,
    numbers: &[usize],
) -> (Vec<SetPage>, Vec<EntryLink>) {
    let frame = setter.frame;
    let scale = setter.scale;
    let body_lh = setter.body_leading();
    let size = scale.body;
    // The page-number column: the widest number and a two-em gap.
    let widest = numbers.iter().map(|&n| setter.figures(n, size)).map(|g| g.last().map_or(0.0, |g| g.x + g.width));
    let column = widest.fold(0.0f32, f32::max) + 2.0 * size;
    let measure = ((frame.measure - column) / size).floor().max(4.0) * size;

    let heading_lines = setter.lines(labels.contents, scale.title, frame.measure, 0.0, false, true);
    let title_lh = scale.title * 1.4;
    let mut flows =
        vec![Flow { space_before: 0.0, line_height: title_lh, lines: heading_lines.len(), keep_with_next: true }];
    let mut blocks = vec![SetBlock {
        lines: heading_lines,
        size: scale.title,
        line_height: title_lh,
        centred: true,
        tag: Tag::Content(nodes.contents_heading),
    }];
    for (i, (title, &(reference, _, _))) in book.titles.iter().zip(&nodes.entries).enumerate() {
        // Entries are not justified: an entry's lines end where its words do.
        let lines = setter.lines(title, size, measure, 0.0, false, false);
        let space_before = if i == 0 { body_lh } else { 0.25 * size };
        flows.push(Flow { space_before, line_height: body_lh, lines: lines.len().max(1), keep_with_next: false });
        blocks.push(SetBlock { lines, size, line_height: body_lh, centred: false, tag: Tag::Content(reference) });
    }
    let positions = paginate(&flows, frame.height());
    let mut pages = vec![SetPage::default()];
    let mut entry_positions = positions.into_iter();
    let mut entry_blocks = blocks.into_iter();
    if let (Some(block), Some(pos)) = (entry_blocks.next(), entry_positions.next()) {
        setter.place(vec![block], vec![pos], 0, &mut pages);
    }
    let mut links = Vec::with_capacity(numbers.len());
    let entries = entry_blocks.zip(entry_positions).zip(&nodes.entries).zip(numbers).enumerate();
    for (article, (((block, pos), &(_, label, link)), &number)) in entries {
        let Some(&(page, top)) = pos.last() else { continue };
        let baseline = frame.top - top - (body_lh - size) / 2.0 - 0.88 * size;
        // The entry's lines on the page of its number.
        let first_top = pos.iter().filter(|&&(p, _)| p == page).map(|&(_, t)| t).fold(top, f32::min);
        let rect = [frame.left, frame.top - top - body_lh, frame.left + frame.measure, frame.top - first_top];
        links.push(EntryLink { article, node: link, page, rect });
        let end = block.lines.last().map_or(0.0, |l| l.width());
        setter.place(vec![block], vec![pos], 0, &mut pages);
        let glyphs = setter.figures(number, size);
        let width = glyphs.last().map_or(0.0, |g| g.x + g.width);
        let x = frame.left + frame.measure - width;
        let (x0, x1) = (frame.left + end + 0.5 * size, x - 0.5 * size);
        let page = &mut pages[page];
        if x1 - x0 > size {
            page.leaders.push(Leader { x0, x1, y: baseline + 0.1 * size });
        }
        page.lines.push(SetLine { x, y: baseline, size, glyphs, tag: Tag::Content(label) });
    }
    (pages, links)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_follow_the_books_script() {
        for tag in ["zh-Hant", "zh-Hant-TW", "zh-TW", "zh-HK", "zh-MO"] {
            assert_eq!(Labels::for_language(tag).contents, "目錄", "{tag}");
        }
        for tag in ["zh-Hans", "zh-CN", "zh", "zh-TWX", ""] {
            assert_eq!(Labels::for_language(tag).contents, "目录", "{tag}");
        }
    }

    #[test]
    fn the_title_page_shows_what_is_given_in_order() {
        let article = crate::normalize("标题\n\n正文。".as_bytes(), &Default::default()).unwrap();
        let articles = [article.clone(), article];
        let titles = ["标题".to_owned(), "标题".to_owned()];
        let full = CollectionMetadata {
            title: " 书名 ".into(),
            creators: vec!["甲".into(), " ".into(), "乙".into()],
            editor: Some("丙".into()),
            date: Some("2024-06-01".into()),
            description: Some("一本书。".into()),
            publisher: Some("出版社".into()),
            ..Default::default()
        };
        let book = BookText { metadata: &full, articles: &articles, language: "zh-Hans", titles: &titles };
        let lines: Vec<(String, bool)> = title_page_lines(&book, &Labels::for_language("zh-Hans"));
        let texts: Vec<&str> = lines.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(texts, ["书名", "甲、乙", "编者：丙", "一本书。", "共 2 篇", "2024-06-01", "出版社"]);
        assert_eq!(lines.iter().filter(|(_, paragraph)| *paragraph).count(), 1, "the description is a paragraph");
        let bare = CollectionMetadata { title: "书名".into(), editor: Some("  ".into()), ..Default::default() };
        let book = BookText { metadata: &bare, ..book };
        let texts: Vec<String> =
            title_page_lines(&book, &Labels::for_language("zh-Hant")).into_iter().map(|(t, _)| t).collect();
        assert_eq!(texts, ["书名", "共 2 篇"]);
    }
}
