//! Web pages in: the fixtures in `fixtures/html/` (written for these tests:
//! every meta form, a page that lies about its charset, a GBK page, a Big5
//! page, a page with the byte-shift damage inside `<p>` elements) through
//! `normalize` and the TEI writer.

#![cfg(feature = "html")]

use std::path::Path;

use zharchive::{DetectionMethod, EditKind, InputFormat, Options};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/html").join(name)).unwrap()
}

fn normalize(name: &str) -> zharchive::Article {
    zharchive::normalize(&fixture(name), &Options::default()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

const FIXTURES: [&str; 5] = ["metadata.utf8.html", "lying-charset.html", "gbk.html", "big5.html", "damaged.html"];

#[test]
fn the_article_and_nothing_else() {
    let a = normalize("metadata.utf8.html");
    let text = a.plain_text();
    assert_eq!(a.title(), Some("城市书房夜间开放试点启动"));
    for kept in [
        "本报讯 从本周一起",
        "读者怎么说",
        "书房不只是借书的地方",
        "每周六晚举办一场读书分享会",
        "夜间的东区城市书房（资料图）",
        "再决定是否推广",
    ] {
        assert!(text.contains(kept), "{kept:?} is article text: {text}");
    }
    // Navigation, share bar, related reading, comments and footer are not.
    for furniture in [
        "首页",
        "下载客户端",
        "分享到",
        "相关阅读",
        "全市新增三家社区图书馆",
        "网友评论",
        "用户甲",
        "版权所有",
        "font-family",
    ] {
        assert!(!text.contains(furniture), "{furniture:?} is page furniture: {text}");
    }
}

#[test]
fn the_pages_metadata_fill_the_source_facts() {
    let a = normalize("metadata.utf8.html");
    let s = &a.metadata.source;
    assert_eq!(s.url.as_deref(), Some("https://news.example.cn/2024/06/20/city-reading-rooms.html"));
    assert_eq!(s.author.as_deref(), Some("林晓"));
    assert_eq!(s.date.as_deref(), Some("2024-06-20T08:30:00"));
    assert!(s.site.as_deref().is_some_and(|site| site.starts_with("示例日报")), "{s:?}");
    let x = a.metadata.extraction.as_ref().expect("extraction recorded");
    assert_eq!((x.format.as_str(), x.page_language.as_deref(), x.whole_page), ("html", Some("zh-CN"), false));
    // What the caller gives wins over the page.
    let given = zharchive::SourceInfo { author: Some("编辑部".into()), ..Default::default() };
    let opts = Options { source: given, ..Options::default() };
    let b = zharchive::normalize(&fixture("metadata.utf8.html"), &opts).unwrap();
    assert_eq!(b.metadata.source.author.as_deref(), Some("编辑部"));
    assert_eq!(b.metadata.source.url, a.metadata.source.url);
}

#[test]
fn encodings_follow_the_whatwg_rules() {
    let gbk = normalize("gbk.html");
    assert_eq!((gbk.metadata.encoding.name.as_str(), gbk.metadata.encoding.method), ("gb18030", DetectionMethod::Meta));
    let big5 = normalize("big5.html");
    assert_eq!((big5.metadata.encoding.name.as_str(), big5.metadata.encoding.method), ("Big5", DetectionMethod::Meta));
    let lying = normalize("lying-charset.html");
    assert_eq!(lying.metadata.encoding.name, "UTF-8");
    let conflict = lying.warnings.iter().find(|w| w.code == "charset-conflict").expect("the lie is reported");
    assert!(conflict.message.contains("gb2312"), "{}", conflict.message);
    // The three say the same thing, in Simplified by default.
    assert_eq!(gbk.plain_text(), lying.plain_text());
    assert_eq!(big5.plain_text(), gbk.plain_text());
    assert!(gbk.warnings.iter().all(|w| w.code != "charset-conflict"));
}

#[test]
fn damage_inside_paragraphs_is_repaired() {
    let a = normalize("damaged.html");
    let text = a.plain_text();
    assert!(text.starts_with("大模型四小龙亮相2024智源大会，尖峰对话AGI\n\n"), "{text}");
    assert!(!text.contains('?') && !text.contains("(huì)") && !text.contains('<'), "{text}");
    let counts = a.edit_counts();
    for kind in [EditKind::Extraction, EditKind::Annotation, EditKind::Script] {
        assert!(counts.get(&kind).copied().unwrap_or(0) > 0, "{kind:?} edits: {counts:?}");
    }
}

#[test]
fn every_edit_is_a_place_in_the_page() {
    for name in FIXTURES {
        let bytes = fixture(name);
        let a = normalize(name);
        let page = &a.metadata.source_text;
        assert!(page.contains("<html") || page.contains("<!DOCTYPE"), "{name}: the source text is the page");
        assert_eq!(a.metadata.source_bytes as usize, bytes.len());
        for edit in &a.provenance {
            let r = &edit.source;
            assert!(
                r.end <= page.len() && page.is_char_boundary(r.start) && page.is_char_boundary(r.end),
                "{name}: {edit:?}"
            );
        }
        // The first edits take the article out of the page.
        assert_eq!(a.provenance.first().map(|e| e.kind), Some(EditKind::Extraction), "{name}");
    }
    // A converted character points at its bytes' place in the Big5 page.
    let a = normalize("big5.html");
    let edit = a.provenance.iter().find(|e| e.kind == EditKind::Script && e.before.contains('據')).unwrap();
    assert_eq!(&a.metadata.source_text[edit.source.clone()], edit.before.as_str());
}

#[test]
fn forced_formats_are_obeyed() {
    let bytes = fixture("metadata.utf8.html");
    let text = Options { input_format: InputFormat::Text, ..Options::default() };
    let a = zharchive::normalize(&bytes, &text).unwrap();
    assert!(a.plain_text().contains("<title>") && a.metadata.extraction.is_none());
    // A page without a doctype or <html> is read as HTML when told so.
    let fragment = "<title>片段</title><p>只有段落的页面，没有html标签。</p>".as_bytes();
    let html = Options { input_format: InputFormat::Html, ..Options::default() };
    let b = zharchive::normalize(fragment, &html).unwrap();
    assert_eq!(b.title(), Some("片段"));
    assert!(!b.plain_text().contains("<p>"));
    assert!(zharchive::normalize(fragment, &Options::default()).unwrap().plain_text().contains("<p>"));
}

#[test]
fn the_same_page_gives_the_same_article() {
    for name in FIXTURES {
        assert_eq!(normalize(name), normalize(name), "{name}");
    }
}

#[cfg(feature = "tei")]
#[test]
fn the_tei_record_keeps_the_page_and_says_how_the_text_was_taken() {
    use zharchive::render::tei::{read_tei, rebuild_source, write_tei, TeiOptions};
    for name in FIXTURES {
        let a = normalize(name);
        let xml = write_tei(&a, &TeiOptions::default()).unwrap().bytes;
        assert_eq!(rebuild_source(&xml).unwrap(), fixture(name), "{name}: the record rebuilds the page's bytes");
        let text = String::from_utf8(xml.clone()).unwrap();
        assert!(text.contains(r#"<note type="extraction" subtype="html" n="article">"#), "{name}");
        assert!(text.contains("dom_smoothie"), "{name}: the extractor is named");
        let back = read_tei(&xml).unwrap();
        assert_eq!(back.metadata.extraction, a.metadata.extraction, "{name}");
        assert_eq!(write_tei(&back, &TeiOptions::default()).unwrap().bytes, xml, "{name}: write → read → write");
    }
}

#[test]
fn hostile_pages_get_a_clear_answer() {
    use zharchive::Error;
    let html = Options { input_format: InputFormat::Html, ..Options::default() };
    // Deeply nested: no stack overflow.
    let deep =
        format!("<html><body>{}<p>深处的正文。</p>{}</body></html>", "<div>".repeat(100_000), "</div>".repeat(100_000));
    match zharchive::normalize(deep.as_bytes(), &html) {
        Ok(a) => assert!(a.plain_text().contains("深处的正文")),
        Err(e) => assert!(matches!(e, Error::Html(_)), "{e}"),
    }
    // Too large for a page: a clear error, not gigabytes of DOM.
    let big = format!("<html><body><p>{}</p></body></html>", "大".repeat(6 << 20));
    let e = zharchive::normalize(big.as_bytes(), &html).unwrap_err();
    assert!(matches!(e, Error::Html(_)) && e.to_string().contains("MiB"), "{e}");
    // Script only: nothing to read.
    let script = b"<!doctype html><html><head><script>document.write('<p>x</p>')</script></head><body></body></html>";
    let e = zharchive::normalize(script, &html).unwrap_err();
    assert!(matches!(e, Error::Html(_) | Error::NothingLeft | Error::Empty), "{e}");
    // Malformed: unclosed tags, stray brackets, broken references.
    let bad =
        "<html><body><p>第一段<b>没关<i>交错</b>的</i>标签 &#xZZ; &bogus; < 3 >\n<p>第二段 &amp 没分号".as_bytes();
    let a = zharchive::normalize(bad, &html).unwrap();
    assert!(a.plain_text().contains("第二段"), "{}", a.plain_text());
}

#[cfg(feature = "epub")]
#[test]
fn the_pages_structure_reaches_the_epub_and_its_contents() {
    use std::io::Read;
    use zharchive::render::epub::{write_epub, write_epub_collection, EpubOptions};
    let read = |bytes: &[u8], name: &str| {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut s = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    };
    let a = normalize("metadata.utf8.html");
    let single = write_epub(&a, &EpubOptions::default()).unwrap().bytes;
    let chapter = read(&single, "OEBPS/article.xhtml");
    for element in [r#"<h2 id="s-1">读者怎么说</h2>"#, "<blockquote>", "<ul>", "<li>自助借还", r#"<p class="caption">"#]
    {
        assert!(chapter.contains(element), "{element} in the chapter:\n{chapter}");
    }
    assert!(read(&single, "OEBPS/nav.xhtml").contains(r##"href="article.xhtml#s-1""##));
    let opf = read(&single, "OEBPS/content.opf");
    assert!(
        opf.contains("林晓") && opf.contains("https://news.example.cn/2024/06/20/city-reading-rooms.html"),
        "{opf}"
    );
    // In a book, the sections are listed under their chapter, in both tables.
    let book = zharchive::Collection::new(
        zharchive::CollectionMetadata { title: "文集".into(), ..Default::default() },
        vec![a, normalize("gbk.html")],
    )
    .unwrap();
    let bytes = write_epub_collection(&book, &EpubOptions::default()).unwrap().bytes;
    let nav = read(&bytes, "OEBPS/nav.xhtml");
    let ids = book.chapter_ids();
    assert!(nav.contains(&format!(r##"href="{}.xhtml#s-1">读者怎么说</a>"##, ids[0])), "{nav}");
    let ncx = read(&bytes, "OEBPS/toc.ncx");
    assert!(ncx.contains(r#"<meta name="dtb:depth" content="2"/>"#) && ncx.contains("#s-1"), "{ncx}");
}
