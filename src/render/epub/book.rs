//! [`Book`]: what the EPUB documents show, taken from the article once,
//! cleaned of characters XML cannot hold (and counted), so that every
//! document renders from the same, already-safe strings.

use crate::article::{Article, BlockKind};
use crate::error::Result;
use crate::render::{article_uuid, xml_safe, Timestamp};

use super::{render_error, EpubOptions};

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
    summary: "全書為文字，沒有圖片、音訊或視訊，按閱讀順序排列，有目錄和標題結構供導覽。字級和顏色沒有固定，閱讀軟體可以調整字型、字級、行距和配色。沒有閃爍、動態或聲音。符合 EPUB 無障礙 1.1 與 WCAG 2.2 AA 級。",
    summary_horizontal: "正文橫排。",
    summary_vertical: "正文直排，由右向左翻頁。",
    summary_cover: "封面上的標題等字樣是文字，不是圖片。",
};

/// The article as the EPUB shows it.
#[derive(Debug, Clone)]
pub(super) struct Book {
    /// BCP 47 tag for `dc:language`, `lang` and `xml:lang`.
    pub lang: String,
    pub variant: Variant,
    pub labels: Labels,
    /// The heading, if the article has one.
    pub title: Option<String>,
    /// The heading, or the opening of the text when there is none (a book
    /// needs a `dc:title`; the body does not get one it never had).
    pub display_title: String,
    /// The blocks after the title: paragraphs, and the page's head
    /// metadata lines, in order.
    pub paragraphs: Vec<Paragraph>,
    pub identifier: String,
    pub modified: Timestamp,
    pub published: Timestamp,
    /// The source's own date, as given, for the title page.
    pub source_date: Option<String>,
    pub url: Option<String>,
    pub site: Option<String>,
    /// Who wrote it, one `dc:creator` each.
    pub creators: Vec<String>,
    /// The source's keywords, one `dc:subject` each.
    pub keywords: Vec<String>,
    pub publisher: Option<String>,
    /// `UTF-8 · SHA-256 …` of the source bytes.
    pub original: String,
    pub vertical: bool,
    pub cover: bool,
    /// Characters dropped because XML cannot hold them.
    pub dropped: usize,
}

/// A block after the title, as the book shows it.
#[derive(Debug, Clone)]
pub(super) struct Paragraph {
    pub text: String,
    /// A line of the page's head metadata (authors, date, journal …), set
    /// apart from the body's paragraphs.
    pub meta: bool,
}

impl Book {
    pub fn new(article: &Article, options: &EpubOptions, modified: Timestamp) -> Result<Book> {
        let mut clean = Cleaner::default();
        let lang = article.metadata.language.trim();
        if lang.is_empty() || !lang.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(render_error(format!("{lang:?} is not a BCP 47 language tag")));
        }
        let variant = Variant::from_tag(lang);
        let labels = if variant == Variant::Simplified { SIMPLIFIED } else { TRADITIONAL };

        let source = &article.metadata.source;
        let title = clean.field(article.title());
        let paragraphs: Vec<Paragraph> = article
            .blocks
            .iter()
            .filter_map(|b| match b.kind {
                BlockKind::Heading => None,
                BlockKind::Paragraph => Some(Paragraph { text: clean.text(&b.text), meta: false }),
                BlockKind::Meta(_) => Some(Paragraph { text: clean.text(&b.text), meta: true }),
            })
            .collect();
        let url = clean.field(source.url.as_deref());
        let site = clean.field(source.site.as_deref());
        let creators: Vec<String> = match clean.field(options.creator.as_deref()) {
            Some(c) => vec![c],
            None => source.creators().into_iter().filter_map(|c| clean.field(Some(c))).collect(),
        };
        let publisher = clean.field(options.publisher.as_deref()).or_else(|| site.clone());
        let source_date = clean.field(source.date.as_deref());
        if title.is_none() && paragraphs.iter().all(|p| p.text.trim().is_empty()) {
            return Err(render_error("the article has no text to put in a book"));
        }
        let display_title = title.clone().unwrap_or_else(|| opening(&paragraphs, labels.untitled));
        let published = source_date.as_deref().and_then(|d| Timestamp::parse(d).ok()).unwrap_or(modified);
        let encoding = &article.metadata.encoding.name;
        let original = format!("{} · SHA-256 {}", clean.text(encoding), clean.text(&article.metadata.source_sha256));

        Ok(Book {
            lang: lang.to_owned(),
            variant,
            labels,
            title,
            display_title,
            paragraphs,
            identifier: article_uuid(article),
            modified,
            published,
            source_date,
            url,
            site,
            creators,
            keywords: source.keywords.iter().filter_map(|k| clean.field(Some(k))).collect(),
            publisher,
            original,
            vertical: options.vertical,
            cover: options.cover,
            dropped: clean.dropped,
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
        let p = |text: String| Paragraph { text, meta: false };
        assert_eq!(opening(&[p(String::new()), p(long)], "无题"), "一二三四五六七八九十一二三四五六七八九十…");
        assert_eq!(opening(&[], "无题"), "无题");
    }
}
