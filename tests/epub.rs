//! The EPUB writer, checked from the outside: unzip the book with the `zip`
//! crate and read its documents with quick-xml.
#![cfg(feature = "epub")]

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use quick_xml::events::Event;
use quick_xml::Reader;
use zharchive::render::article_uuid;
use zharchive::render::epub::{write_epub, write_epub_collection, EpubOptions, SourceNotes};
use zharchive::{Article, Collection, CollectionMetadata, Options, SourceInfo, TargetScript};

const FIXTURES: [&str; 2] = ["fixtures/article.txt", "fixtures/transit.big5.txt"];

fn article_from(path: &str, options: &Options) -> Article {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    zharchive::normalize(&bytes, options).unwrap()
}

fn small_article() -> Article {
    zharchive::normalize("标题\n\n第一段。\n\n第二段。".as_bytes(), &Options::default()).unwrap()
}

/// The book's files by name, and their names in archive order.
struct Unzipped {
    names: Vec<String>,
    files: BTreeMap<String, Vec<u8>>,
}

impl Unzipped {
    fn new(bytes: &[u8]) -> Unzipped {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut names = Vec::new();
        let mut files = BTreeMap::new();
        for i in 0..zip.len() {
            let mut file = zip.by_index(i).unwrap();
            let mut content = Vec::new();
            file.read_to_end(&mut content).unwrap();
            names.push(file.name().to_owned());
            files.insert(file.name().to_owned(), content);
        }
        Unzipped { names, files }
    }

    fn text(&self, name: &str) -> &str {
        std::str::from_utf8(&self.files[name]).unwrap()
    }

    /// The spine's documents, in reading order.
    fn spine(&self) -> Vec<String> {
        let opf = self.text("OEBPS/content.opf");
        let mut hrefs = BTreeMap::new();
        let mut spine = Vec::new();
        let mut reader = Reader::from_str(opf);
        loop {
            match reader.read_event().unwrap() {
                Event::Empty(e) | Event::Start(e) => {
                    let attr = |name: &str| {
                        e.try_get_attribute(name).unwrap().map(|a| a.unescape_value().unwrap().into_owned())
                    };
                    match e.name().as_ref() {
                        b"item" => {
                            hrefs.insert(attr("id").unwrap(), attr("href").unwrap());
                        }
                        b"itemref" => spine.push(format!("OEBPS/{}", hrefs[&attr("idref").unwrap()])),
                        _ => {}
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        spine
    }
}

/// The text content of an XHTML document's `<body>`, entities resolved.
fn body_text(xhtml: &str) -> String {
    let mut reader = Reader::from_str(xhtml);
    let mut in_body = false;
    let mut text = String::new();
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) if e.name().as_ref() == b"body" => in_body = true,
            Event::End(e) if e.name().as_ref() == b"body" => in_body = false,
            Event::Text(t) if in_body => {
                let t = t.decode().unwrap();
                // Skip the writer's indentation between elements.
                if !(t.contains('\n') && t.trim().is_empty()) {
                    text.push_str(&t);
                }
            }
            Event::GeneralRef(r) if in_body => match r.resolve_char_ref().unwrap() {
                Some(c) => text.push(c),
                None => text.push_str(quick_xml::escape::resolve_predefined_entity(&r.decode().unwrap()).unwrap()),
            },
            Event::Eof => break,
            _ => {}
        }
    }
    text
}

fn without_whitespace(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn body_type(xhtml: &str) -> String {
    let start = xhtml.find("<body").unwrap();
    let rest = &xhtml[start..];
    rest[..rest.find('>').unwrap()].to_owned()
}

#[test]
fn two_runs_give_identical_bytes() {
    for path in FIXTURES {
        let article = article_from(path, &Options::default());
        for options in [
            EpubOptions::default(),
            EpubOptions { vertical: true, cover: true, date: Some("2024-06-15".into()), ..Default::default() },
        ] {
            let first = write_epub(&article, &options).unwrap();
            let second = write_epub(&article.clone(), &options).unwrap();
            assert!(first.bytes == second.bytes, "{path} {options:?}");
        }
    }
}

#[test]
fn spine_text_is_the_article_text() {
    for path in FIXTURES {
        for script in [TargetScript::Simplified, TargetScript::Traditional] {
            let article = article_from(path, &Options { script, ..Default::default() });
            for cover in [false, true] {
                let book =
                    Unzipped::new(&write_epub(&article, &EpubOptions { cover, ..Default::default() }).unwrap().bytes);
                let mut body = String::new();
                let mut front = String::new();
                for doc in book.spine() {
                    let xhtml = book.text(&doc);
                    if body_type(xhtml).contains("\"cover\"") {
                        continue;
                    }
                    if body_type(xhtml).contains("bodymatter") {
                        body.push_str(&body_text(xhtml));
                    } else {
                        front.push_str(&body_text(xhtml));
                    }
                }
                assert_eq!(without_whitespace(&body), without_whitespace(&article.plain_text()), "{path}");
                // The title appears once: front matter does not repeat it
                // (the cover, which shows it, is not front matter).
                let title = article.title().unwrap();
                assert!(!front.contains(title), "{path}: title repeated in the front matter");
            }
        }
    }
}

#[test]
fn mimetype_is_first_and_stored_and_every_entry_has_the_same_time() {
    let options = EpubOptions { date: Some("2024-06-15T08:30:00Z".into()), ..Default::default() };
    let bytes = write_epub(&small_article(), &options).unwrap().bytes;
    // Local header of the first entry: stored (method 0), no extra field,
    // name `mimetype`, then the content itself.
    assert_eq!(&bytes[0..4], b"PK\x03\x04");
    assert_eq!(&bytes[8..10], &[0, 0]);
    assert_eq!(&bytes[28..30], &[0, 0]);
    assert_eq!(&bytes[30..58], b"mimetypeapplication/epub+zip");
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    assert_eq!(zip.by_index(0).unwrap().compression(), zip::CompressionMethod::Stored);
    for i in 0..zip.len() {
        let t = zip.by_index(i).unwrap().last_modified().unwrap();
        assert_eq!((t.year(), t.month(), t.day(), t.hour(), t.minute(), t.second()), (2024, 6, 15, 8, 30, 0));
    }
}

#[test]
fn every_xhtml_document_carries_the_language() {
    for (script, tag) in [
        (TargetScript::Simplified, "zh-Hans"),
        (TargetScript::Taiwan, "zh-Hant-TW"),
        (TargetScript::HongKong, "zh-Hant-HK"),
    ] {
        let article = article_from("fixtures/article.txt", &Options { script, ..Default::default() });
        assert_eq!(article.metadata.language, tag);
        let book =
            Unzipped::new(&write_epub(&article, &EpubOptions { cover: true, ..Default::default() }).unwrap().bytes);
        let xhtml: Vec<&String> = book.names.iter().filter(|n| n.ends_with(".xhtml")).collect();
        assert_eq!(xhtml.len(), 4, "cover, title page, article, nav");
        for name in xhtml {
            let doc = book.text(name);
            assert!(doc.contains(&format!(r#"lang="{tag}" xml:lang="{tag}""#)), "{name}");
        }
        let opf = book.text("OEBPS/content.opf");
        assert!(opf.contains(&format!(">{tag}</dc:language>")));
        assert!(book.text("OEBPS/toc.ncx").contains(&format!(r#"xml:lang="{tag}""#)));
        let css = book.text("OEBPS/stylesheet.css");
        let expected = if script == TargetScript::Simplified { "Noto Serif CJK SC" } else { "Noto Serif CJK TC" };
        assert!(css.contains(expected));
    }
}

#[test]
fn markup_in_the_text_is_shown_as_text() {
    let mut article = small_article();
    let markup = "<b>&amp;</b> \"引号\" 'x' <script>alert(1)</script>";
    article.blocks[1].text = markup.to_owned();
    article.blocks[0].text = "A&B <i>".to_owned();
    let rendered = write_epub(&article, &EpubOptions { cover: true, ..Default::default() }).unwrap();
    assert!(rendered.warnings.is_empty());
    let book = Unzipped::new(&rendered.bytes);
    let chapter = book.text("OEBPS/article.xhtml");
    assert!(chapter.contains("&lt;b&gt;&amp;amp;&lt;/b&gt;"));
    assert!(!chapter.contains("<script>"));
    assert_eq!(body_text(chapter), format!("A&B <i>{markup}第二段。"));
    for name in ["OEBPS/nav.xhtml", "OEBPS/toc.ncx", "OEBPS/content.opf", "OEBPS/cover.svg"] {
        assert!(book.text(name).contains("A&amp;B &lt;i&gt;"), "{name}");
    }
}

#[test]
fn characters_xml_cannot_hold_are_dropped_and_reported() {
    let mut article = small_article();
    article.blocks[1].text = "控制\u{1}字符\u{FFFF}。".to_owned();
    article.metadata.source.site = Some("网站\u{8}".to_owned());
    let rendered = write_epub(&article, &EpubOptions::default()).unwrap();
    assert_eq!(rendered.warnings.len(), 1);
    assert_eq!(rendered.warnings[0].code, "xml-illegal-characters");
    assert!(rendered.warnings[0].message.contains("dropped 3 character"));
    let book = Unzipped::new(&rendered.bytes);
    assert!(book.text("OEBPS/article.xhtml").contains("<p>控制字符。</p>"));
    assert!(book.text("OEBPS/content.opf").contains("<dc:publisher>网站</dc:publisher>"));
}

#[test]
fn vertical_mode_sets_writing_mode_and_page_direction() {
    let article =
        article_from("fixtures/transit.big5.txt", &Options { script: TargetScript::Traditional, ..Default::default() });
    let vertical =
        Unzipped::new(&write_epub(&article, &EpubOptions { vertical: true, ..Default::default() }).unwrap().bytes);
    let css = vertical.text("OEBPS/stylesheet.css");
    for property in
        ["\n  writing-mode: vertical-rl;", "-epub-writing-mode: vertical-rl;", "-webkit-writing-mode: vertical-rl;"]
    {
        assert!(css.contains(property), "{property}");
    }
    // Short numbers stand upright; the title page of identifiers stays horizontal.
    let dated = article_from("fixtures/article.txt", &Options::default());
    let dated =
        Unzipped::new(&write_epub(&dated, &EpubOptions { vertical: true, ..Default::default() }).unwrap().bytes);
    assert!(dated
        .text("OEBPS/article.xhtml")
        .contains(r#"<p><span class="tcy">6</span>月<span class="tcy">14</span>日"#));
    assert!(vertical.text("OEBPS/titlepage.xhtml").contains(r#"class="horizontal""#));
    let opf = vertical.text("OEBPS/content.opf");
    assert!(opf.contains(r#"page-progression-direction="rtl""#));
    assert!(opf.contains(r#"<meta name="primary-writing-mode" content="vertical-rl"/>"#));

    let horizontal = Unzipped::new(&write_epub(&article, &EpubOptions::default()).unwrap().bytes);
    assert!(horizontal.text("OEBPS/content.opf").contains(r#"page-progression-direction="ltr""#));
    assert!(!horizontal.text("OEBPS/stylesheet.css").contains("vertical-rl"));
}

#[test]
fn metadata_comes_from_the_article_and_the_options() {
    let source = SourceInfo {
        url: Some("https://example.com/news?id=1&lang=zh".into()),
        site: Some("示例新闻".into()),
        author: Some("记者甲".into()),
        date: Some("2024-06-14".into()),
        keywords: Vec::new(),
        ..SourceInfo::default()
    };
    let article = zharchive::normalize("标题\n\n正文。".as_bytes(), &Options { source, ..Default::default() }).unwrap();
    let options = EpubOptions {
        date: Some("2024-06-15T10:00:00Z".into()),
        publisher: Some("档案馆".into()),
        ..Default::default()
    };
    let book = Unzipped::new(&write_epub(&article, &options).unwrap().bytes);
    let opf = book.text("OEBPS/content.opf");
    assert!(opf.contains(&format!(">{}</dc:identifier>", article_uuid(&article))));
    assert!(opf.contains(r#"<meta property="dcterms:modified">2024-06-15T10:00:00Z</meta>"#));
    assert!(opf.contains("<dc:date>2024-06-14T00:00:00Z</dc:date>"));
    assert!(opf.contains("<dc:source>https://example.com/news?id=1&amp;lang=zh</dc:source>"));
    assert!(opf.contains(r#"<dc:creator id="creator">记者甲</dc:creator>"#));
    assert!(opf.contains("<dc:publisher>档案馆</dc:publisher>"));
    assert!(opf.contains("<dc:title>标题</dc:title>"));
    let title_page = body_text(book.text("OEBPS/titlepage.xhtml"));
    for fact in ["示例新闻", "记者甲", "2024-06-14", "https://example.com/news?id=1&lang=zh"] {
        assert!(title_page.contains(fact), "{fact}");
    }
    let ncx = book.text("OEBPS/toc.ncx");
    assert!(ncx.contains(&format!(r#"<meta name="dtb:uid" content="{}"/>"#, article_uuid(&article))));
    assert!(ncx.contains("<docTitle>\n  <text>标题</text>"));
}

#[test]
fn the_table_of_contents_names_the_pages() {
    let book =
        Unzipped::new(&write_epub(&small_article(), &EpubOptions { cover: true, ..Default::default() }).unwrap().bytes);
    let nav = body_text(book.text("OEBPS/nav.xhtml"));
    assert!(nav.starts_with("目录"));
    for label in ["封面", "出处", "标题"] {
        assert!(nav.contains(label), "{label}");
    }
    assert_eq!(book.spine(), ["OEBPS/cover.xhtml", "OEBPS/titlepage.xhtml", "OEBPS/article.xhtml"]);
    assert!(book.text("OEBPS/content.opf").contains(r#"properties="cover-image""#));
}

#[test]
fn fonts_are_embedded_only_when_asked() {
    let dir = std::env::temp_dir().join(format!("zharchive-epub-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ttf = dir.join("face.ttf");
    std::fs::write(&ttf, b"\x00\x01\x00\x00not really a font, but the right magic").unwrap();
    let book = Unzipped::new(
        &write_epub(&small_article(), &EpubOptions { font: Some(ttf), ..Default::default() }).unwrap().bytes,
    );
    assert!(book.files.contains_key("OEBPS/fonts/embedded.ttf"));
    assert!(book.text("OEBPS/content.opf").contains(r#"media-type="font/ttf""#));
    assert!(book.text("OEBPS/stylesheet.css").contains("@font-face"));

    let plain = Unzipped::new(&write_epub(&small_article(), &EpubOptions::default()).unwrap().bytes);
    assert!(!plain.names.iter().any(|n| n.contains("fonts/")));

    let ttc = dir.join("face.ttc");
    std::fs::write(&ttc, b"ttcf....").unwrap();
    let err = write_epub(&small_article(), &EpubOptions { font: Some(ttc), ..Default::default() }).unwrap_err();
    assert!(err.to_string().contains("collection"), "{err}");
    let missing = write_epub(&small_article(), &EpubOptions { font: Some(dir.join("none.ttf")), ..Default::default() });
    assert!(matches!(missing, Err(zharchive::Error::Io { .. })));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_bad_date_is_an_options_error() {
    let err = write_epub(&small_article(), &EpubOptions { date: Some("yesterday".into()), ..Default::default() });
    assert!(matches!(err, Err(zharchive::Error::Options(_))));
}

/// Ace by DAISY's pairs of `epub:type` and DPUB-ARIA role (its
/// `epub-type-has-matching-role` rule, from axe-core).
const MATCHING_ROLES: [(&str, &str); 37] = [
    ("abstract", "doc-abstract"),
    ("acknowledgments", "doc-acknowledgments"),
    ("afterword", "doc-afterword"),
    ("appendix", "doc-appendix"),
    ("biblioentry", "doc-biblioentry"),
    ("bibliography", "doc-bibliography"),
    ("biblioref", "doc-biblioref"),
    ("chapter", "doc-chapter"),
    ("colophon", "doc-colophon"),
    ("conclusion", "doc-conclusion"),
    ("credit", "doc-credit"),
    ("credits", "doc-credits"),
    ("dedication", "doc-dedication"),
    ("endnote", "doc-endnote"),
    ("endnotes", "doc-endnotes"),
    ("epigraph", "doc-epigraph"),
    ("epilogue", "doc-epilogue"),
    ("errata", "doc-errata"),
    ("footnote", "doc-footnote"),
    ("foreword", "doc-foreword"),
    ("glossary", "doc-glossary"),
    ("glossref", "doc-glossref"),
    ("index", "doc-index"),
    ("introduction", "doc-introduction"),
    ("noteref", "doc-noteref"),
    ("notice", "doc-notice"),
    ("page-list", "doc-pagelist"),
    ("pagebreak", "doc-pagebreak"),
    ("part", "doc-part"),
    ("preface", "doc-preface"),
    ("prologue", "doc-prologue"),
    ("pullquote", "doc-pullquote"),
    ("qna", "doc-qna"),
    ("referrer", "doc-backlink"),
    ("subtitle", "doc-subtitle"),
    ("tip", "doc-tip"),
    ("toc", "doc-toc"),
];

/// Every `<meta property="…">` of the package document with its values,
/// and the attributes of `<package>` and of each manifest item by href.
struct PackageDoc {
    package: BTreeMap<String, String>,
    meta: BTreeMap<String, Vec<String>>,
    items: BTreeMap<String, BTreeMap<String, String>>,
    language: String,
}

fn attributes(e: &quick_xml::events::BytesStart) -> BTreeMap<String, String> {
    e.attributes()
        .map(|a| {
            let a = a.unwrap();
            (String::from_utf8(a.key.as_ref().to_vec()).unwrap(), a.unescape_value().unwrap().into_owned())
        })
        .collect()
}

fn package_doc(opf: &str) -> PackageDoc {
    let mut doc =
        PackageDoc { package: BTreeMap::new(), meta: BTreeMap::new(), items: BTreeMap::new(), language: String::new() };
    let mut reader = Reader::from_str(opf);
    let mut open: Option<String> = None;
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) if e.name().as_ref() == b"package" => doc.package = attributes(&e),
            Event::Start(e) if e.name().as_ref() == b"meta" => open = attributes(&e).get("property").cloned(),
            Event::Start(e) if e.name().as_ref() == b"dc:language" => open = Some("dc:language".into()),
            Event::Empty(e) if e.name().as_ref() == b"item" => {
                let a = attributes(&e);
                doc.items.insert(a["href"].clone(), a);
            }
            Event::Text(t) => {
                if let Some(property) = open.take() {
                    let value = t.decode().unwrap().into_owned();
                    if property == "dc:language" {
                        doc.language = value;
                    } else {
                        doc.meta.entry(property).or_default().push(value);
                    }
                }
            }
            Event::End(_) => open = None,
            Event::Eof => break,
            _ => {}
        }
    }
    doc
}

/// What one XHTML document must have: its language, a title, each
/// `epub:type` with its role, headings in order, names that resolve,
/// landmarks of one kind with names of their own, text alternatives for
/// images. Returns the text of its SVG `<text>`.
fn check_document(name: &str, xhtml: &str, lang: &str) -> String {
    let mut reader = Reader::from_str(xhtml);
    let mut stack: Vec<(String, BTreeMap<String, String>)> = Vec::new();
    let mut ids = Vec::new();
    let mut labelled_by = Vec::new();
    // The text of each element with an id, and the landmarks named by one:
    // a named `section` is a region, a `nav` a navigation landmark.
    let mut text_of: BTreeMap<String, String> = BTreeMap::new();
    let mut landmarks: Vec<(String, String)> = Vec::new();
    let mut headings = Vec::new();
    let mut title = String::new();
    let mut svg_text = String::new();
    loop {
        let (element, attrs, empty) = match reader.read_event().unwrap() {
            Event::Start(e) => (String::from_utf8(e.name().as_ref().to_vec()).unwrap(), attributes(&e), false),
            Event::Empty(e) => (String::from_utf8(e.name().as_ref().to_vec()).unwrap(), attributes(&e), true),
            Event::End(_) => {
                stack.pop();
                continue;
            }
            Event::Text(t) => {
                let text = t.decode().unwrap();
                match stack.last().map(|(n, _)| n.as_str()) {
                    Some("title") => title.push_str(&text),
                    Some("text") => svg_text.push_str(&text),
                    _ => {}
                }
                for id in stack.iter().filter_map(|(_, a)| a.get("id")) {
                    text_of.entry(id.clone()).or_default().push_str(text.trim());
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        if element == "html" {
            assert_eq!(attrs.get("lang").map(String::as_str), Some(lang), "{name}: lang");
            assert_eq!(attrs.get("xml:lang").map(String::as_str), Some(lang), "{name}: xml:lang");
        }
        if let Some(id) = attrs.get("id") {
            ids.push(id.clone());
        }
        if let Some(by) = attrs.get("aria-labelledby") {
            labelled_by.push(by.clone());
            if matches!(element.as_str(), "section" | "nav" | "aside") {
                landmarks.push((element.clone(), by.clone()));
            }
        }
        if let Some(level) = element.strip_prefix('h').and_then(|l| l.parse::<u8>().ok()) {
            headings.push(level);
        }
        if element == "img" {
            assert!(attrs.get("alt").is_some_and(|a| !a.trim().is_empty()), "{name}: an image without alt text");
        }
        let in_landmarks =
            stack.iter().any(|(n, a)| n == "nav" && a.get("epub:type").is_some_and(|t| t == "landmarks"));
        if element == "body" {
            assert!(!attrs.contains_key("role"), "{name}: <body> cannot take a role");
        } else if let Some(types) = attrs.get("epub:type").filter(|_| !in_landmarks) {
            for t in types.split_whitespace() {
                if let Some((_, role)) = MATCHING_ROLES.iter().find(|(ty, _)| *ty == t) {
                    assert_eq!(
                        attrs.get("role").map(String::as_str),
                        Some(*role),
                        "{name}: <{element} epub:type={t:?}>"
                    );
                }
            }
        }
        if !empty {
            stack.push((element, attrs));
        }
    }
    assert!(!title.trim().is_empty(), "{name}: no <title>");
    for by in labelled_by {
        assert!(ids.contains(&by), "{name}: aria-labelledby={by:?} names no element");
    }
    // axe's landmark-unique: no two landmarks of a kind with one name.
    let mut named = std::collections::BTreeSet::new();
    for (element, by) in landmarks {
        let label = text_of.get(&by).cloned().unwrap_or_default();
        assert!(named.insert((element.clone(), label.clone())), "{name}: two <{element}> landmarks named {label:?}");
    }
    // Headings in order: the first is h1, none skips a level going down.
    let mut previous = 0;
    for level in headings {
        assert!(level <= previous + 1, "{name}: h{level} after h{previous}");
        previous = level;
    }
    svg_text
}

#[test]
fn every_kind_of_book_is_accessible_and_says_so() {
    let dir = std::env::temp_dir().join(format!("zharchive-epub-a11y-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ttf = dir.join("face.ttf");
    std::fs::write(&ttf, b"\x00\x01\x00\x00not really a font, but the right magic").unwrap();
    for (path, script) in [
        (FIXTURES[0], TargetScript::Simplified),
        (FIXTURES[1], TargetScript::Traditional),
        (FIXTURES[1], TargetScript::HongKong),
    ] {
        let article = article_from(path, &Options { script, ..Default::default() });
        let lang = article.metadata.language.clone();
        for (vertical, cover, font) in [
            (false, false, None),
            (false, true, None),
            (true, false, None),
            (true, true, None),
            (false, false, Some(ttf.clone())),
        ] {
            let what = format!("{path} {lang} vertical={vertical} cover={cover} font={}", font.is_some());
            let options = EpubOptions { vertical, cover, font, ..Default::default() };
            let book = Unzipped::new(&write_epub(&article, &options).unwrap().bytes);
            let opf = package_doc(book.text("OEBPS/content.opf"));

            assert_eq!(opf.package.get("xml:lang"), Some(&lang), "{what}: the package's xml:lang");
            assert_eq!(opf.language, lang, "{what}: dc:language");
            let values = |property: &str| opf.meta.get(property).cloned().unwrap_or_default();
            assert_eq!(values("schema:accessMode"), ["textual"], "{what}");
            assert_eq!(values("schema:accessModeSufficient"), ["textual"], "{what}");
            let features = values("schema:accessibilityFeature");
            let direction = if vertical { "verticalWriting" } else { "horizontalWriting" };
            for feature in [
                "structuralNavigation",
                "tableOfContents",
                "readingOrder",
                "displayTransformability",
                "ARIA",
                direction,
            ] {
                assert!(features.iter().any(|f| f == feature), "{what}: accessibilityFeature {feature} missing");
            }
            assert_eq!(values("schema:accessibilityHazard"), ["none"], "{what}");
            let summary = values("schema:accessibilitySummary");
            assert!(summary.len() == 1 && summary[0].chars().count() > 20, "{what}: accessibilitySummary {summary:?}");
            assert_eq!(values("dcterms:conformsTo"), ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"], "{what}");

            let css = book.text("OEBPS/stylesheet.css");
            assert!(
                !css.lines().any(|l| l.trim_start().starts_with("color") || l.contains("background")),
                "{what}: the stylesheet sets a colour, whose contrast nothing checks"
            );

            let xhtml: Vec<&String> = book.names.iter().filter(|n| n.ends_with(".xhtml")).collect();
            assert_eq!(xhtml.len(), if cover { 4 } else { 3 }, "{what}");
            for name in xhtml {
                let svg_text = check_document(name, book.text(name), &lang);
                if name.ends_with("cover.xhtml") {
                    // The cover's words are text: the title, line by line.
                    let title = without_whitespace(article.title().unwrap());
                    assert!(without_whitespace(&svg_text).starts_with(&title), "{what}: cover text {svg_text:?}");
                    let item = &opf.items["cover.xhtml"];
                    assert_eq!(item.get("properties").map(String::as_str), Some("svg"), "{what}: inline SVG");
                }
            }
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A page's head metadata: each listed author a `dc:creator`, each keyword a
/// `dc:subject`, and the head lines shown in the text (set apart as `meta`),
/// not dropped.
#[test]
fn head_metadata_is_shown_and_described() {
    let page =
        "高等教育改革研究\n\n陈岩，付存军\n高等理科教育 2023年6期\n关键词：改革；教育\n\n正文第一段，讲的是改革。";
    let article = zharchive::normalize(page.as_bytes(), &Options::default()).unwrap();
    let book = Unzipped::new(&write_epub(&article, &EpubOptions::default()).unwrap().bytes);
    let opf = book.text("OEBPS/content.opf");
    assert!(opf.contains(r#"<dc:creator id="creator">陈岩</dc:creator>"#), "{opf}");
    assert!(opf.contains(r#"<dc:creator id="creator-2">付存军</dc:creator>"#));
    assert!(opf.contains(r##"<meta refines="#creator-2" property="role" scheme="marc:relators">aut</meta>"##));
    assert!(opf.contains("<dc:subject>改革</dc:subject>") && opf.contains("<dc:subject>教育</dc:subject>"));
    let spine_text: String = book.spine().iter().map(|d| body_text(book.text(d))).collect();
    for line in ["陈岩，付存军", "高等理科教育 2023年6期", "关键词：改革；教育", "正文第一段"]
    {
        assert!(without_whitespace(&spine_text).contains(&without_whitespace(line)), "{line} is not in the book");
    }
    let chapter = book.spine().into_iter().find(|d| book.text(d).contains("正文第一段")).unwrap();
    assert_eq!(book.text(&chapter).matches(r#"<p class="meta">"#).count(), 3);
}

// Books of several articles (`write_epub_collection`).

/// An article with a source, in `script`.
fn sourced(text: &str, url: &str, script: TargetScript) -> Article {
    let source = SourceInfo {
        url: Some(url.into()),
        site: Some("示例站".into()),
        author: Some("作者甲".into()),
        date: Some("2024-05-01".into()),
        ..SourceInfo::default()
    };
    zharchive::normalize(text.as_bytes(), &Options { source, script, ..Default::default() }).unwrap()
}

fn two_articles() -> (Article, Article) {
    (
        sourced("第一篇的标题\n\n第一篇的正文。", "https://example.com/1?a=1&b=2", TargetScript::Simplified),
        sourced("第二篇的标题\n\n第二篇的正文，6月14日。", "https://example.com/2", TargetScript::Simplified),
    )
}

fn book_of(articles: Vec<Article>, title: &str) -> Collection {
    Collection::new(CollectionMetadata { title: title.into(), ..Default::default() }, articles).unwrap()
}

/// The `href`s and labels of the table of contents, in order.
fn toc(nav: &str) -> Vec<(String, String)> {
    let toc = &nav[nav.find(r#"epub:type="toc""#).unwrap()..];
    let toc = &toc[..toc.find("</nav>").unwrap()];
    let mut reader = Reader::from_str(toc);
    let mut entries = Vec::new();
    let mut href = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if e.name().as_ref() == b"a" => href = attributes(&e).get("href").cloned(),
            Ok(Event::Text(t)) => {
                if let Some(h) = href.take() {
                    entries.push((h, t.decode().unwrap().into_owned()));
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    entries
}

/// Articles of one title (a corpus may repeat a headline) still give
/// every page landmarks of names of their own: the Sources page's sections
/// are not landmarks (found by Ace on a book of 50 generated articles).
#[test]
fn articles_of_one_title_leave_every_landmark_a_name_of_its_own() {
    let same = |url| sourced("同一个标题\n\n正文。", url, TargetScript::Simplified);
    let collection = book_of(vec![same("https://example.com/1"), same("https://example.com/2")], "同题文集");
    for source_notes in [SourceNotes::BackMatter, SourceNotes::ChapterEnd] {
        let options = EpubOptions { source_notes, ..Default::default() };
        let book = Unzipped::new(&write_epub_collection(&collection, &options).unwrap().bytes);
        for (path, _) in book.files.iter().filter(|(p, _)| p.ends_with(".xhtml")) {
            check_document(path, book.text(path), "zh-Hans");
        }
    }
}

#[test]
fn a_collection_of_one_is_the_article_byte_for_byte() {
    for path in FIXTURES {
        let article = article_from(path, &Options::default());
        for options in [
            EpubOptions::default(),
            EpubOptions { vertical: true, cover: true, date: Some("2024-06-15".into()), ..Default::default() },
            EpubOptions { source_notes: SourceNotes::BackMatter, cover: true, ..Default::default() },
        ] {
            let one = write_epub_collection(&Collection::of_one(article.clone()), &options).unwrap();
            assert!(one == write_epub(&article, &options).unwrap(), "{path} {options:?}");
        }
    }
}

#[test]
fn a_book_of_one_with_metadata_of_its_own_keeps_the_single_layout() {
    let (a, _) = two_articles();
    let meta = CollectionMetadata {
        title: "一篇成书".into(),
        creators: vec!["编者甲".into()],
        description: Some("只有一篇。".into()),
        identifier: "urn:isbn:9787000000000".into(),
        ..CollectionMetadata::of_article(&a)
    };
    let book = Unzipped::new(
        &write_epub_collection(&Collection::new(meta, vec![a]).unwrap(), &EpubOptions::default()).unwrap().bytes,
    );
    assert_eq!(book.spine(), ["OEBPS/titlepage.xhtml", "OEBPS/article.xhtml"]);
    let opf = book.text("OEBPS/content.opf");
    assert!(opf.contains("<dc:title>一篇成书</dc:title>"), "{opf}");
    assert!(opf.contains(r#"<dc:creator id="creator">编者甲</dc:creator>"#));
    assert!(opf.contains("<dc:description>只有一篇。</dc:description>"));
    assert!(opf.contains(r#"<dc:identifier id="epub-id-1">urn:isbn:9787000000000</dc:identifier>"#));
    assert!(book.text("OEBPS/toc.ncx").contains(r#"content="urn:isbn:9787000000000""#));

    // What the book's metadata leave empty comes from the article.
    let (a, _) = two_articles();
    let meta = CollectionMetadata { title: "只给书名".into(), ..Default::default() };
    let bytes = write_epub_collection(&Collection::new(meta, vec![a.clone()]).unwrap(), &EpubOptions::default());
    let book = Unzipped::new(&bytes.unwrap().bytes);
    let opf = book.text("OEBPS/content.opf");
    assert!(opf.contains("<dc:title>只给书名</dc:title>"), "{opf}");
    assert!(opf.contains(r#"<dc:creator id="creator">作者甲</dc:creator>"#), "{opf}");
    assert!(opf.contains("<dc:date>2024-05-01T00:00:00Z</dc:date>"), "{opf}");
    assert!(opf.contains(&format!(">{}</dc:identifier>", article_uuid(&a))));
    assert_eq!(package_doc(opf).language, "zh-Hans");
}

#[test]
fn a_book_of_two_has_a_chapter_each_named_by_its_text() {
    let (a, b) = two_articles();
    let ab = book_of(vec![a.clone(), b.clone()], "两篇");
    let ba = book_of(vec![b.clone(), a.clone()], "两篇");
    let ids = ab.chapter_ids();
    let files: Vec<String> = ids.iter().map(|id| format!("OEBPS/{id}.xhtml")).collect();
    let first = Unzipped::new(&write_epub_collection(&ab, &EpubOptions::default()).unwrap().bytes);
    let second = Unzipped::new(&write_epub_collection(&ba, &EpubOptions::default()).unwrap().bytes);
    assert_eq!(first.spine(), ["OEBPS/titlepage.xhtml", "OEBPS/nav.xhtml", &files[0], &files[1]]);
    assert_eq!(second.spine(), ["OEBPS/titlepage.xhtml", "OEBPS/nav.xhtml", &files[1], &files[0]]);
    // Each chapter is the same document whatever its place in the book.
    for file in &files {
        assert_eq!(first.files[file], second.files[file], "{file}");
    }
    // The table of contents lists the title page and both articles, in order.
    let entries = toc(first.text("OEBPS/nav.xhtml"));
    let expected = [
        ("titlepage.xhtml".to_owned(), "书名页".to_owned()),
        (format!("{}.xhtml", ids[0]), "第一篇的标题".to_owned()),
        (format!("{}.xhtml", ids[1]), "第二篇的标题".to_owned()),
    ];
    assert_eq!(entries, expected);
    let ncx = first.text("OEBPS/toc.ncx");
    for (href, label) in &expected {
        assert!(ncx.contains(&format!(r#"<content src="{href}"/>"#)) && ncx.contains(label.as_str()), "{href}");
    }
    // Landmarks: title page, table of contents (in the spine), body matter.
    let nav = first.text("OEBPS/nav.xhtml");
    let landmarks = &nav[nav.find(r#"epub:type="landmarks""#).unwrap()..];
    for kind in ["titlepage", "toc", "bodymatter"] {
        assert!(landmarks.contains(&format!(r#"epub:type="{kind}""#)), "landmark {kind}");
    }
    assert!(landmarks.contains(&format!(r#"epub:type="bodymatter" href="{}.xhtml""#, ids[0])));
    // The text of the chapters, in order, is the articles' text.
    let mut body = String::new();
    for doc in first.spine() {
        let xhtml = first.text(&doc);
        if body_type(xhtml).contains("bodymatter") {
            let text = body_text(xhtml);
            body.push_str(&text[..text.find("出处").unwrap_or(text.len())]);
        }
    }
    assert_eq!(without_whitespace(&body), without_whitespace(&(a.plain_text() + &b.plain_text())));
}

#[test]
fn the_book_s_metadata_reach_the_package_and_the_title_page() {
    let (a, b) = two_articles();
    let meta = CollectionMetadata {
        title: "二〇二四年的专栏 <合集>".into(),
        creators: vec!["某某报".into(), "张三".into()],
        editor: Some("编辑乙".into()),
        date: Some("2024-12-31".into()),
        language: String::new(),
        identifier: String::new(),
        description: Some("一年的专栏。".into()),
        publisher: Some("某出版社".into()),
    };
    let collection = Collection::new(meta, vec![a, b]).unwrap();
    let options = EpubOptions { cover: true, ..Default::default() };
    let book = Unzipped::new(&write_epub_collection(&collection, &options).unwrap().bytes);
    let opf = book.text("OEBPS/content.opf");
    for expected in [
        "<dc:title>二〇二四年的专栏 &lt;合集&gt;</dc:title>",
        r#"<dc:creator id="creator">某某报</dc:creator>"#,
        r#"<dc:creator id="creator-2">张三</dc:creator>"#,
        r#"<dc:contributor id="editor">编辑乙</dc:contributor>"#,
        r##"<meta refines="#editor" property="role" scheme="marc:relators">edt</meta>"##,
        "<dc:date>2024-12-31T00:00:00Z</dc:date>",
        r#"<meta property="dcterms:modified">2024-12-31T00:00:00Z</meta>"#,
        "<dc:publisher>某出版社</dc:publisher>",
        "<dc:description>一年的专栏。</dc:description>",
        r#"<dc:language id="epub-creator-0">zh-Hans</dc:language>"#,
        &format!(">{}</dc:identifier>", collection.identifier()),
    ] {
        assert!(opf.contains(expected), "{expected} not in {opf}");
    }
    let title_page = body_text(book.text("OEBPS/titlepage.xhtml"));
    for fact in ["二〇二四年的专栏 <合集>", "某某报、张三", "编辑乙", "2024-12-31", "某出版社", "一年的专栏。", "2 篇"]
    {
        assert!(title_page.contains(fact), "{fact} not on the title page: {title_page}");
    }
    assert!(title_page.contains(&collection.identifier()));
    // The cover shows the book, not its first article.
    let cover = book.text("OEBPS/cover.svg");
    assert!(cover.contains("二〇二四年的专栏") && cover.contains("某某报、张三") && cover.contains("2024-12-31"));
    assert!(!cover.contains("第一篇"));
}

#[test]
fn each_chapter_keeps_its_own_language() {
    let hans = sourced("简体的标题\n\n会议开始了。", "https://example.com/hans", TargetScript::Simplified);
    let hant = sourced("繁體的標題\n\n會議開始了。", "https://example.com/hant", TargetScript::Traditional);
    assert_eq!(hant.metadata.language, "zh-Hant");
    let meta = CollectionMetadata { title: "两种写法".into(), language: "zh-Hans".into(), ..Default::default() };
    let collection = Collection::new(meta, vec![hans, hant]).unwrap();
    let ids = collection.chapter_ids();
    for vertical in [false, true] {
        let options = EpubOptions { vertical, cover: true, ..Default::default() };
        let book = Unzipped::new(&write_epub_collection(&collection, &options).unwrap().bytes);
        assert_eq!(package_doc(book.text("OEBPS/content.opf")).language, "zh-Hans");
        for name in book.names.iter().filter(|n| n.ends_with(".xhtml")) {
            let lang = if name.ends_with(&format!("{}.xhtml", ids[1])) { "zh-Hant" } else { "zh-Hans" };
            check_document(name, book.text(name), lang);
        }
        let nav = book.text("OEBPS/nav.xhtml");
        let entry = format!(r#"<a href="{}.xhtml" lang="zh-Hant" xml:lang="zh-Hant">繁體的標題</a>"#, ids[1]);
        assert!(nav.contains(&entry), "{nav}");
        // Its source note: the book's words, the article's facts.
        let chapter = book.text(&format!("OEBPS/{}.xhtml", ids[1]));
        assert!(chapter.contains(r#"<footer class="source" lang="zh-Hans" xml:lang="zh-Hans">"#), "{chapter}");
        assert!(chapter.contains(r#"<dd lang="zh-Hant" xml:lang="zh-Hant">https://example.com/hant</dd>"#));
    }
}

#[test]
fn source_notes_go_at_each_chapter_s_end_or_on_one_page_at_the_back() {
    let (a, b) = two_articles();
    let collection = book_of(vec![a.clone(), b.clone()], "两篇");
    let ids = collection.chapter_ids();
    let facts = |article: &Article| {
        [
            "示例站".to_owned(),
            "作者甲".to_owned(),
            "2024-05-01".to_owned(),
            article.metadata.source.url.clone().unwrap(),
            article.metadata.source_sha256.clone(),
        ]
    };

    let end = Unzipped::new(&write_epub_collection(&collection, &EpubOptions::default()).unwrap().bytes);
    assert!(!end.files.contains_key("OEBPS/sources.xhtml"));
    for (id, article) in ids.iter().zip([&a, &b]) {
        let chapter = end.text(&format!("OEBPS/{id}.xhtml"));
        let start = chapter.find("<footer").expect("a source note");
        let note = body_text(&format!("<body>{}</body>", &chapter[start..chapter.find("</footer>").unwrap() + 9]));
        for fact in facts(article) {
            assert!(note.contains(&fact), "{fact} not in the note of {id}: {note}");
        }
    }

    let options = EpubOptions { source_notes: SourceNotes::BackMatter, vertical: true, ..Default::default() };
    let back = Unzipped::new(&write_epub_collection(&collection, &options).unwrap().bytes);
    assert_eq!(back.spine().last().map(String::as_str), Some("OEBPS/sources.xhtml"));
    let sources = back.text("OEBPS/sources.xhtml");
    assert!(body_type(sources).contains("backmatter"));
    check_document("sources.xhtml", sources, "zh-Hans");
    let mut at = 0;
    for (id, article) in ids.iter().zip([&a, &b]) {
        assert!(!back.text(&format!("OEBPS/{id}.xhtml")).contains("<footer"), "{id}: a note at the end too");
        let start = sources.find(&format!(r#"<section id="{id}""#)).unwrap();
        assert!(start > at, "the sources follow the reading order");
        at = start;
        let section = &sources[start..];
        let section = body_text(&format!("<body>{}</body>", &section[..section.find("</section>").unwrap() + 10]));
        assert!(section.contains(article.title().unwrap()));
        for fact in facts(article) {
            assert!(section.contains(&fact), "{fact} not among the sources of {id}");
        }
        assert!(sources.contains(&format!(r#"<a href="{id}.xhtml">"#)));
    }
    let entries = toc(back.text("OEBPS/nav.xhtml"));
    assert_eq!(entries.last().unwrap(), &("sources.xhtml".to_owned(), "各篇出处".to_owned()));
}

#[test]
fn books_of_several_are_deterministic_and_accessible() {
    let (a, b) = two_articles();
    let collection = book_of(vec![a, b, article_from(FIXTURES[0], &Options::default())], "三篇");
    for (vertical, cover, source_notes) in
        [(false, false, SourceNotes::ChapterEnd), (true, true, SourceNotes::BackMatter)]
    {
        let options = EpubOptions { vertical, cover, source_notes, ..Default::default() };
        let bytes = write_epub_collection(&collection, &options).unwrap().bytes;
        assert!(bytes == write_epub_collection(&collection.clone(), &options).unwrap().bytes);
        let book = Unzipped::new(&bytes);
        let opf = package_doc(book.text("OEBPS/content.opf"));
        assert_eq!(opf.package.get("xml:lang").map(String::as_str), Some("zh-Hans"));
        assert_eq!(opf.meta["dcterms:conformsTo"], ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]);
        for name in book.names.iter().filter(|n| n.ends_with(".xhtml")) {
            check_document(name, book.text(name), "zh-Hans");
        }
    }
}

#[test]
fn an_article_without_text_fails_the_book_naming_its_place() {
    let (a, _) = two_articles();
    let mut empty = a.clone();
    empty.blocks.clear();
    let err = write_epub_collection(&book_of(vec![a, empty], "两篇"), &EpubOptions::default()).unwrap_err();
    assert!(err.to_string().contains("article 2 of 2"), "{err}");
}
