//! [`Book`]: what the EPUB documents show, taken from the collection once,
//! cleaned of characters XML cannot hold (and counted), so that every
//! document renders from the same, already-safe strings.

use crate::article::{Article, BlockKind};
use crate::collection::CollectionMetadata;
use crate::error::{Error, Result};
use crate::render::{xml_safe, Timestamp};

use super::{render_error, EpubOptions, Facts, SourceNotes};

/// Which Chinese writing standard the text follows: picks font names and the
/// words on the title page and in the table of contents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Variant {
    /// `zh-Hans`, and `zh` or anything else not marked Traditional.
    Simplified,
    /// `zh-Hant`, `zh-Hant-TW`, `zh-TW`.
    Traditional,
    /// `zh-Hant-HK`, `zh-HK`, `zh-Hant-MO`, `zh-MO`.
    HongKong,
}

impl Variant {
    fn from_tag(tag: &str) -> Variant {
        let tag = tag.to_ascii_lowercase();
        let subtags: Vec<&str> = tag.split('-').collect();
        if subtags.iter().any(|s| *s == "hk" || *s == "mo") {
            Variant::HongKong
        } else if subtags.iter().any(|s| *s == "hant" || *s == "tw") {
            Variant::Traditional
        } else {
            Variant::Simplified
        }
    }
}

/// The words the book itself adds, in the article's script.
#[derive(Debug, Clone, Copy)]
pub(super) struct Labels {
    pub contents: &'static str,
    pub landmarks: &'static str,
    pub cover: &'static str,
    pub title_page: &'static str,
    pub untitled: &'static str,
    pub site: &'static str,
    pub author: &'static str,
    pub date: &'static str,
    pub url: &'static str,
    pub identifier: &'static str,
    pub original: &'static str,
    /// The title page of a book of several articles, and its rows.
    pub book_page: &'static str,
    pub editor: &'static str,
    pub publisher: &'static str,
    pub description: &'static str,
    pub articles: &'static str,
    /// After the number of articles (`12 篇`).
    pub articles_unit: &'static str,
    /// The back-matter page of every chapter's source, and a chapter's own
    /// source note.
    pub sources: &'static str,
    pub source: &'static str,
    /// The accessibility summary (`schema:accessibilitySummary`): what every
    /// book offers, then the line for its writing direction and, with a
    /// cover, the line for the cover.
    pub summary: &'static str,
    pub summary_horizontal: &'static str,
    pub summary_vertical: &'static str,
    pub summary_cover: &'static str,
}

const SIMPLIFIED: Labels = Labels {
    contents: "目录",
    landmarks: "导航",
    cover: "封面",
    title_page: "出处",
    untitled: "无题",
    site: "来源",
    author: "作者",
    date: "日期",
    url: "网址",
    identifier: "标识符",
    original: "原文",
    book_page: "书名页",
    editor: "编者",
    publisher: "出版者",
    description: "简介",
    articles: "篇数",
    articles_unit: "篇",
    sources: "各篇出处",
    source: "出处",
    summary: "全书为文字，没有图片、音频或视频，按阅读顺序排列，有目录和标题结构供导航。字号和颜色没有固定，阅读软件可以调整字体、字号、行距和配色。没有闪烁、动态或声音。符合 EPUB 无障碍 1.1 与 WCAG 2.2 AA 级。",
    summary_horizontal: "正文横排。",
    summary_vertical: "正文竖排，从右向左翻页。",
    summary_cover: "封面上的标题等字样是文字，不是图片。",
};

const TRADITIONAL: Labels = Labels {
    contents: "目錄",
    landmarks: "導覽",
    cover: "封面",
    title_page: "出處",
    untitled: "無題",
    site: "來源",
    author: "作者",
    date: "日期",
    url: "網址",
    identifier: "識別碼",
    original: "原文",
    book_page: "書名頁",
    editor: "編者",
    publisher: "出版者",
    description: "簡介",
    articles: "篇數",
    articles_unit: "篇",
    sources: "各篇出處",
    source: "出處",
    summary: "全書為文字，沒有圖片、音訊或視訊，按閱讀順序排列，有目錄和標題結構供導覽。字級和顏色沒有固定，閱讀軟體可以調整字型、字級、行距和配色。沒有閃爍、動態或聲音。符合 EPUB 無障礙 1.1 與 WCAG 2.2 AA 級。",
    summary_horizontal: "正文橫排。",
    summary_vertical: "正文直排，由右向左翻頁。",
    summary_cover: "封面上的標題等字樣是文字，不是圖片。",
};

/// The collection as the EPUB shows it: the book's own facts, then its
/// chapters.
///
/// A book of one article keeps the single-article layout (a title page of
/// the article's provenance, `article.xhtml`); a book of several has a
/// title page of the book's metadata, one document per article and the
/// source notes the options ask for.
#[derive(Debug, Clone)]
pub(super) struct Book {
    /// The book's BCP 47 tag for `dc:language`, and `lang` and `xml:lang`
    /// of the documents that are not a chapter's.
    pub lang: String,
    pub variant: Variant,
    pub labels: Labels,
    /// `dc:title`: the book's title; for a book of one given none, the
    /// article's heading, or the opening of its text when there is none (a
    /// book needs a `dc:title`; the body does not get one it never had).
    pub display_title: String,
    pub identifier: String,
    pub modified: Timestamp,
    pub published: Timestamp,
    /// The book's own date, as given (the title page and cover of a book of
    /// several).
    pub date: Option<String>,
    /// Who made the book, one `dc:creator` each.
    pub creators: Vec<String>,
    /// Who selected and edited the articles (`dc:contributor`, role `edt`).
    pub editor: Option<String>,
    pub description: Option<String>,
    /// The source's keywords (a book of one), one `dc:subject` each.
    pub keywords: Vec<String>,
    pub publisher: Option<String>,
    /// `dc:source` of a book of one: the URL, else the site.
    pub source: Option<String>,
    /// The articles, in reading order (at least one).
    pub chapters: Vec<Chapter>,
    pub vertical: bool,
    pub cover: bool,
    pub source_notes: SourceNotes,
    /// Characters dropped because XML cannot hold them.
    pub dropped: usize,
}

/// An article as the book shows it.
#[derive(Debug, Clone)]
pub(super) struct Chapter {
    /// Its document, inside `OEBPS/`.
    pub file: String,
    /// Its id, from its text ([`crate::Collection::chapter_ids`]): the file's
    /// stem, and the anchor of its source note on the "Sources" page.
    pub id: String,
    /// Its BCP 47 tag (its document's `lang` and `xml:lang`).
    pub lang: String,
    /// The text's heading, if it has one: the chapter's `<h1>`.
    pub title: Option<String>,
    /// What the tables of contents call it: the caller's title, else the
    /// heading, else the opening of the text ([`Article::display_title`]).
    pub display_title: String,
    /// The blocks after the title: paragraphs, and the page's head
    /// metadata lines, in order.
    pub paragraphs: Vec<Paragraph>,
    /// Its sections' headings (its subheadings, in order): the tables of
    /// contents list them under the chapter, pointing at `#s-1`, `#s-2` …
    pub sections: Vec<String>,
    /// Where the text came from.
    pub site: Option<String>,
    /// The source's authors, joined (`张三、李四`).
    pub author: Option<String>,
    /// The source's own date, as given.
    pub source_date: Option<String>,
    pub url: Option<String>,
    /// `UTF-8 · SHA-256 …` of the source bytes.
    pub original: String,
}

/// A block after the title, as the book shows it.
#[derive(Debug, Clone)]
pub(super) struct Paragraph {
    pub text: String,
    /// What the block is: a paragraph, a line of the page's head metadata
    /// (set apart from the body's paragraphs), a subheading, a quotation, a
    /// list item or a caption.
    pub kind: BlockKind,
}

/// A BCP 47 tag as the book writes it, or an error naming what it got.
fn language_tag(tag: &str) -> Result<String> {
    let tag = tag.trim();
    if tag.is_empty() || !tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(render_error(format!("{tag:?} is not a BCP 47 language tag")));
    }
    Ok(tag.to_owned())
}

impl Book {
    pub fn new(
        meta: &CollectionMetadata,
        articles: &[Article],
        facts: &Facts,
        options: &EpubOptions,
        modified: Timestamp,
    ) -> Result<Book> {
        let mut clean = Cleaner::default();
        let lang = language_tag(&facts.language)?;
        let variant = Variant::from_tag(&lang);
        let labels = if variant == Variant::Simplified { SIMPLIFIED } else { TRADITIONAL };
        let one = articles.len() == 1;

        let mut chapters = Vec::with_capacity(articles.len());
        for (n, (article, id)) in articles.iter().zip(&facts.chapter_ids).enumerate() {
            let file = if one { super::xhtml::ARTICLE.to_owned() } else { format!("{id}.xhtml") };
            let chapter = Chapter::new(article, id.clone(), file, labels, &mut clean);
            chapters.push(match chapter {
                Err(Error::Render { format, message }) if !one => {
                    return Err(Error::Render {
                        format,
                        message: format!("article {} of {}: {message}", n + 1, articles.len()),
                    })
                }
                other => other?,
            });
        }
        let Some(first) = chapters.first() else {
            return Err(render_error("a book needs at least one article"));
        };

        // A book of one takes what its metadata leave empty from its article
        // (a title given alone keeps the article's authors and date).
        let article_meta = one.then(|| CollectionMetadata::of_article(&articles[0]));
        let given_creators = match &article_meta {
            Some(of_article) if meta.creators.is_empty() => &of_article.creators,
            _ => &meta.creators,
        };
        let creators: Vec<String> = match clean.field(options.creator.as_deref()) {
            Some(c) => vec![c],
            None => given_creators.iter().filter_map(|c| clean.field(Some(c))).collect(),
        };
        let given_date = meta.date.as_deref().or(article_meta.as_ref().and_then(|m| m.date.as_deref()));
        let date = clean.field(given_date);
        let display_title = match clean.field(Some(&meta.title)) {
            Some(title) => title,
            None if one => first.title.clone().unwrap_or_else(|| first.display_title.clone()),
            None => labels.untitled.to_owned(),
        };
        let publisher = clean
            .field(options.publisher.as_deref())
            .or_else(|| clean.field(meta.publisher.as_deref()))
            .or_else(|| if one { first.site.clone() } else { None });
        let (keywords, source) = if one {
            let article = &articles[0];
            let keywords = article.metadata.source.keywords.iter().filter_map(|k| clean.field(Some(k))).collect();
            (keywords, first.url.clone().or_else(|| first.site.clone()))
        } else {
            (Vec::new(), None)
        };
        let published = date.as_deref().and_then(|d| Timestamp::parse(d).ok()).unwrap_or(modified);

        Ok(Book {
            lang,
            variant,
            labels,
            display_title,
            identifier: clean.text(&facts.identifier),
            modified,
            published,
            date,
            creators,
            editor: clean.field(meta.editor.as_deref()),
            description: clean.field(meta.description.as_deref()),
            keywords,
            publisher,
            source,
            chapters,
            vertical: options.vertical,
            cover: options.cover,
            source_notes: options.source_notes,
            dropped: clean.dropped,
        })
    }

    /// Whether this is a book of one article, laid out as one.
    pub fn is_single(&self) -> bool {
        self.chapters.len() == 1
    }

    /// The line under the title on the cover: a book of one names its site,
    /// else its authors; a book of several its creators, else its editor.
    pub fn byline(&self) -> Option<String> {
        let creators = (!self.creators.is_empty()).then(|| self.creators.join("、"));
        if self.is_single() {
            self.chapters[0].site.clone().or(creators)
        } else {
            creators.or_else(|| self.editor.clone())
        }
    }

    /// The date on the cover: the article's own (a book of one), the book's
    /// (several). Never the stamped default, which says nothing.
    pub fn cover_date(&self) -> Option<&str> {
        if self.is_single() {
            self.chapters[0].source_date.as_deref()
        } else {
            self.date.as_deref()
        }
    }
}

impl Chapter {
    fn new(article: &Article, id: String, file: String, labels: Labels, clean: &mut Cleaner) -> Result<Chapter> {
        let lang = language_tag(&article.metadata.language)?;
        let source = &article.metadata.source;
        let title = clean.field(article.title());
        let paragraphs: Vec<Paragraph> = article
            .blocks
            .iter()
            .filter(|b| b.kind != BlockKind::Heading)
            .map(|b| Paragraph { text: clean.text(&b.text), kind: b.kind })
            .collect();
        if title.is_none() && paragraphs.iter().all(|p| p.text.trim().is_empty()) {
            return Err(render_error("the article has no text to put in a book"));
        }
        let display_title =
            clean.field(article.display_title()).unwrap_or_else(|| opening(&paragraphs, labels.untitled));
        let creators: Vec<String> = source.creators().into_iter().filter_map(|c| clean.field(Some(c))).collect();
        let encoding = &article.metadata.encoding.name;
        let original = format!("{} · SHA-256 {}", clean.text(encoding), clean.text(&article.metadata.source_sha256));
        let sections = paragraphs
            .iter()
            .filter(|p| matches!(p.kind, BlockKind::Subheading(_)) && !p.text.trim().is_empty())
            .map(|p| p.text.clone())
            .collect();
        Ok(Chapter {
            file,
            id,
            lang,
            title,
            display_title,
            paragraphs,
            sections,
            site: clean.field(source.site.as_deref()),
            author: (!creators.is_empty()).then(|| creators.join("、")),
            source_date: clean.field(source.date.as_deref()),
            url: clean.field(source.url.as_deref()),
            original,
        })
    }
}

/// [`xml_safe`] that keeps count of what it dropped.
#[derive(Default)]
struct Cleaner {
    dropped: usize,
}

impl Cleaner {
    fn text(&mut self, s: &str) -> String {
        let (text, n) = xml_safe(s);
        self.dropped += n;
        text.into_owned()
    }

    /// A metadata value: cleaned, trimmed, `None` if nothing is left.
    fn field(&mut self, s: Option<&str>) -> Option<String> {
        s.map(|s| self.text(s).trim().to_owned()).filter(|s| !s.is_empty())
    }
}

/// The first 20 characters of the first non-empty paragraph, with an
/// ellipsis if cut.
fn opening(paragraphs: &[Paragraph], untitled: &str) -> String {
    let Some(first) = paragraphs.iter().map(|p| p.text.trim()).find(|p| !p.is_empty()) else {
        return untitled.to_owned();
    };
    let mut title: String = first.chars().take(20).collect();
    if first.chars().count() > 20 {
        title.push('…');
    }
    title
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_from_language_tags() {
        assert_eq!(Variant::from_tag("zh-Hans"), Variant::Simplified);
        assert_eq!(Variant::from_tag("zh"), Variant::Simplified);
        assert_eq!(Variant::from_tag("zh-Hant"), Variant::Traditional);
        assert_eq!(Variant::from_tag("zh-Hant-TW"), Variant::Traditional);
        assert_eq!(Variant::from_tag("zh-Hant-HK"), Variant::HongKong);
        assert_eq!(Variant::from_tag("zh-HK"), Variant::HongKong);
    }

    #[test]
    fn untitled_articles_borrow_their_opening() {
        let long = "一二三四五六七八九十一二三四五六七八九十一二".to_owned();
        let p = |text: String| Paragraph { text, kind: BlockKind::Paragraph };
        assert_eq!(opening(&[p(String::new()), p(long)], "无题"), "一二三四五六七八九十一二三四五六七八九十…");
        assert_eq!(opening(&[], "无题"), "无题");
    }
}
