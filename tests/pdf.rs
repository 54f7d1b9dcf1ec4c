//! The PDF writer end to end: deterministic bytes, a text layer that gives
//! the article back, metadata, fonts of the caller's own, books of many
//! articles (title page, contents whose page numbers are right, outline),
//! and errors.
//!
//! The text-layer tests need poppler's `pdftotext`; where it is missing they
//! print a note and pass, unless `ZHARCHIVE_REQUIRE_POPPLER` is set, as
//! `.ci/pdf.sh` does after installing poppler: then they fail, saying why.

#![cfg(all(feature = "pdf", feature = "embedded-font"))]

use std::path::PathBuf;
use std::process::Command;

#[path = "../examples/common/corpus.rs"]
mod corpus;

use zharchive::render::pdf::{write_pdf, write_pdf_collection, Margins, Paper, PdfFont, PdfOptions};
use zharchive::{Article, Collection, CollectionMetadata, Error, Options, TargetScript};

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn reference_article() -> Article {
    zharchive::normalize(&fixture("article.txt"), &Options::default()).unwrap()
}

/// Whether poppler's `tool` runs; if not, a note (or, where
/// `ZHARCHIVE_REQUIRE_POPPLER` is set, a failure) naming the check skipped.
fn poppler(tool: &str, check: &str) -> bool {
    if Command::new(tool).arg("-v").output().is_ok() {
        return true;
    }
    assert!(
        std::env::var_os("ZHARCHIVE_REQUIRE_POPPLER").is_none(),
        "{tool} (poppler-utils) is not installed, and ZHARCHIVE_REQUIRE_POPPLER asks for the {check} check: install poppler-utils"
    );
    eprintln!("note: {tool} (poppler-utils) not installed; skipping the {check} check");
    false
}

/// The text pdftotext extracts, or `None` (with a note) if it is not installed.
fn extract_text(pdf: &[u8], name: &str) -> Option<String> {
    if !poppler("pdftotext", &format!("text-layer ({name})")) {
        return None;
    }
    let path = std::env::temp_dir().join(format!("zharchive-test-{}-{name}.pdf", std::process::id()));
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdftotext").args(["-enc", "UTF-8"]).arg(&path).arg("-").output().unwrap();
    let _ = std::fs::remove_file(&path);
    assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
    Some(String::from_utf8(out.stdout).unwrap())
}

/// Text without whitespace and without lines that are only a page number.
fn comparable(text: &str) -> String {
    text.lines()
        .map(|l| l.trim_matches(|c: char| c.is_whitespace() || c == '\u{c}'))
        .filter(|l| l.is_empty() || !l.chars().all(|c| c.is_ascii_digit()))
        .flat_map(|l| l.chars())
        .filter(|c| !c.is_whitespace() && *c != '\u{c}')
        .collect()
}

#[test]
fn two_runs_give_identical_bytes() {
    let article = reference_article();
    let options = PdfOptions::default();
    let a = write_pdf(&article, &options).unwrap();
    let b = write_pdf(&article, &options).unwrap();
    assert_eq!(a.bytes, b.bytes);
    let a5 = write_pdf(&article, &PdfOptions { paper: Paper::A5, ..PdfOptions::default() }).unwrap();
    assert_ne!(a.bytes, a5.bytes);
}

#[test]
fn reference_article_is_small_and_complete() {
    let article = reference_article();
    let pdf = write_pdf(&article, &PdfOptions::default()).unwrap();
    assert!(pdf.bytes.len() < 400_000, "{} bytes", pdf.bytes.len());
    assert!(pdf.warnings.is_empty(), "{:?}", pdf.warnings);
    let Some(text) = extract_text(&pdf.bytes, "reference") else { return };
    assert_eq!(comparable(&text), comparable(&article.plain_text()));
}

#[test]
fn a5_and_traditional_text_layers_match() {
    let options = Options { script: TargetScript::Traditional, ..Options::default() };
    let article = zharchive::normalize(&fixture("article.txt"), &options).unwrap();
    let pdf = write_pdf(&article, &PdfOptions { paper: Paper::A5, ..PdfOptions::default() }).unwrap();
    assert!(pdf.warnings.is_empty(), "{:?}", pdf.warnings);
    let Some(text) = extract_text(&pdf.bytes, "a5-traditional") else { return };
    assert_eq!(comparable(&text), comparable(&article.plain_text()));
}

#[test]
fn missing_characters_are_reported_and_kept_in_the_text_layer() {
    let article = zharchive::normalize("标题\n\n笑脸😀在这里。".as_bytes(), &Options::default()).unwrap();
    assert!(article.plain_text().contains('😀'), "the normaliser kept the emoji");
    let pdf = write_pdf(&article, &PdfOptions::default()).unwrap();
    let w = pdf.warnings.iter().find(|w| w.code == "missing-glyphs").expect("a missing-glyphs warning");
    assert!(w.message.contains("U+1F600"), "{}", w.message);
    let Some(text) = extract_text(&pdf.bytes, "missing") else { return };
    assert_eq!(comparable(&text), comparable(&article.plain_text()));
}

#[test]
fn metadata_names_language_title_and_dates() {
    let mut options = Options::default();
    options.source.author = Some("记者".into());
    options.source.keywords = vec!["AGI".into(), "大模型".into()];
    let article = zharchive::normalize(&fixture("article.txt"), &options).unwrap();
    let pdf = write_pdf(
        &article,
        &PdfOptions { date: Some("2024-06-15T08:30:00Z".into()), subject: Some("news".into()), ..Default::default() },
    )
    .unwrap();
    let raw = String::from_utf8_lossy(&pdf.bytes);
    assert!(raw.contains("/Lang(zh-Hans)"));
    assert!(raw.contains("<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">大模型四小龙"));
    assert!(raw.contains("<dc:language><rdf:Bag><rdf:li>zh-Hans</rdf:li></rdf:Bag></dc:language>"));
    assert!(raw.contains("<rdf:li>记者</rdf:li>"));
    assert!(raw.contains("/CreationDate(D:20240615083000Z)"));
    assert!(raw.contains("/Subject(news)"));
    assert!(raw.contains("/Producer(zharchive"));
    assert!(!raw.contains("pdfaid"), "no PDF/A claim");
    assert!(raw.contains("/Outlines"), "a bookmark for the title");
}

#[test]
fn a_font_of_ones_own_by_bytes_or_path() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/fonts/NotoSansCJKsc-Regular-subset.otf");
    let by_path = PdfFont::from_path(&path).unwrap();
    assert_eq!(by_path, PdfFont::from_path(&path).unwrap(), "parsed once per file");
    let by_bytes = PdfFont::from_bytes(std::fs::read(&path).unwrap(), 0).unwrap();
    let article = reference_article();
    let a = write_pdf(&article, &PdfOptions { font: Some(by_bytes), ..Default::default() }).unwrap();
    let b = write_pdf(&article, &PdfOptions { font_path: Some(path), ..Default::default() }).unwrap();
    assert_eq!(a.bytes, b.bytes);
    assert_eq!(a.bytes, write_pdf(&article, &PdfOptions::default()).unwrap().bytes);
}

#[test]
fn bad_options_are_errors_not_panics() {
    let article = reference_article();
    let no_font = PdfOptions { font_path: Some("/no/such/font.otf".into()), ..Default::default() };
    assert!(matches!(write_pdf(&article, &no_font), Err(Error::Io { .. })));
    let not_a_font = PdfOptions {
        font_path: Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")),
        ..Default::default()
    };
    let r = write_pdf(&article, &not_a_font);
    assert!(matches!(r, Err(Error::Render { format: "pdf", .. })), "{r:?}");
    let tiny = PdfOptions { paper: Paper::Custom { width_mm: 40.0, height_mm: 60.0 }, ..Default::default() };
    assert!(matches!(write_pdf(&article, &tiny), Err(Error::Options(_))));
    let huge_margins = PdfOptions {
        margins: Some(Margins { top: 150.0, right: 10.0, bottom: 150.0, left: 10.0 }),
        ..Default::default()
    };
    assert!(matches!(write_pdf(&article, &huge_margins), Err(Error::Options(_))));
    let bad_date = PdfOptions { date: Some("June".into()), ..Default::default() };
    assert!(matches!(write_pdf(&article, &bad_date), Err(Error::Options(_))));
}

#[test]
fn custom_paper_and_running_header() {
    let article = reference_article();
    let options = PdfOptions {
        paper: Paper::Custom { width_mm: 130.0, height_mm: 184.0 },
        running_header: true,
        ..Default::default()
    };
    let pdf = write_pdf(&article, &options).unwrap();
    let raw = String::from_utf8_lossy(&pdf.bytes);
    assert!(raw.contains("368.50") || raw.contains("368.5"), "130 mm wide media box");
    let Some(text) = extract_text(&pdf.bytes, "header") else { return };
    // The header repeats (part of) the title on pages after the first.
    let title_start: String = article.title().unwrap().chars().take(6).collect();
    assert!(text.matches(&title_start).count() >= 2, "{text}");
}

#[test]
fn options_round_trip_through_json() {
    let options = PdfOptions { paper: Paper::A5, running_header: true, ..Default::default() };
    let json = serde_json::to_string(&options).unwrap();
    let back: PdfOptions = serde_json::from_str(&json).unwrap();
    assert_eq!(back, options);
}

/// The font dictionaries of a PDF made with one of the mock fonts
/// (`tests/data/fonts`): the descendant font's subtype, its widths by code,
/// whether it maps CIDs to glyphs by identity, and the ToUnicode map.
struct EmbeddedFont {
    subtype: String,
    identity_cid_to_gid: bool,
    widths: std::collections::BTreeMap<i64, i64>,
    to_unicode: std::collections::BTreeMap<u32, char>,
}

fn embedded_font(pdf: &[u8]) -> EmbeddedFont {
    use lopdf::{Document, Object};
    let doc = Document::load_mem(pdf).unwrap();
    let type0 = doc
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .find(|d| d.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Type0".as_slice()))
        .expect("a Type0 font");
    let descendant = match type0.get(b"DescendantFonts").unwrap() {
        Object::Array(a) => doc.get_dictionary(a[0].as_reference().unwrap()).unwrap(),
        other => panic!("DescendantFonts is {other:?}"),
    };
    let subtype = String::from_utf8(descendant.get(b"Subtype").unwrap().as_name().unwrap().to_vec()).unwrap();
    let identity_cid_to_gid =
        descendant.get(b"CIDToGIDMap").and_then(Object::as_name).ok() == Some(b"Identity".as_slice());
    let mut widths = std::collections::BTreeMap::new();
    let w = descendant.get(b"W").unwrap().as_array().unwrap();
    for pair in w.chunks(2) {
        let start = pair[0].as_i64().unwrap();
        for (i, width) in pair[1].as_array().unwrap().iter().enumerate() {
            widths.insert(start + i as i64, width.as_i64().unwrap());
        }
    }
    let cmap_stream = doc.get_object(type0.get(b"ToUnicode").unwrap().as_reference().unwrap()).unwrap();
    let cmap = cmap_stream.as_stream().unwrap().decompressed_content().unwrap();
    let mut to_unicode = std::collections::BTreeMap::new();
    for line in String::from_utf8(cmap).unwrap().lines() {
        let parts: Vec<&str> = line.split(['<', '>', ' ']).filter(|s| !s.is_empty()).collect();
        if let [code, unicode] = parts[..] {
            if let (Ok(code), Ok(u)) = (u32::from_str_radix(code, 16), u32::from_str_radix(unicode, 16)) {
                to_unicode.insert(code, char::from_u32(u).unwrap());
            }
        }
    }
    EmbeddedFont { subtype, identity_cid_to_gid, widths, to_unicode }
}

#[test]
fn truetype_and_name_keyed_and_cid_keyed_fonts_are_embedded_by_their_kind() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/fonts");
    let article = zharchive::normalize("ABC\n\nJIH GFE DA".as_bytes(), &Options::default()).unwrap();
    for (file, subtype, identity) in [
        ("mock_ttf.ttf", "CIDFontType2", true),
        ("mock_cff_named.otf", "CIDFontType0", false),
        ("mock_cff_cid.otf", "CIDFontType0", false),
    ] {
        let options = PdfOptions { font_path: Some(dir.join(file)), page_numbers: false, ..Default::default() };
        let pdf = write_pdf(&article, &options).unwrap();
        assert!(pdf.warnings.is_empty(), "{file}: {:?}", pdf.warnings);
        let font = embedded_font(&pdf.bytes);
        assert_eq!(font.subtype, subtype, "{file}");
        assert_eq!(font.identity_cid_to_gid, identity, "{file}");
        // Every letter's code has the letter's advance (A = 300 … J = 750).
        for letter in 'A'..='J' {
            let code = font.to_unicode.iter().find(|(_, &c)| c == letter).map(|(&code, _)| code);
            let code = code.unwrap_or_else(|| panic!("{file}: no code for {letter}"));
            let expected = 300 + 50 * (letter as i64 - 'A' as i64);
            assert_eq!(font.widths.get(&i64::from(code)), Some(&expected), "{file}: {letter} (code {code})");
        }
        if file == "mock_cff_cid.otf" {
            // Codes are the font's CIDs, not glyph ids: A is glyph 2, CID 901.
            assert_eq!(font.to_unicode.get(&901), Some(&'A'), "{file}");
        }
        if let Some(text) = extract_text(&pdf.bytes, file) {
            assert_eq!(comparable(&text), "ABCJIHGFEDA", "{file}");
        }
    }
}

/// The elements `pdfinfo -struct-text` lists under `Document`, each with its
/// text (the quoted pieces of its marked content, joined), or `None` (with a
/// note) if poppler's `pdfinfo` is not installed.
fn struct_text(pdf: &[u8], name: &str) -> Option<Vec<(String, String)>> {
    if !poppler("pdfinfo", &format!("structure-text ({name})")) {
        return None;
    }
    let path = std::env::temp_dir().join(format!("zharchive-test-{}-{name}.pdf", std::process::id()));
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdfinfo").arg("-struct-text").arg(&path).output().unwrap();
    let _ = std::fs::remove_file(&path);
    assert!(out.status.success(), "pdfinfo failed: {}", String::from_utf8_lossy(&out.stderr));
    let listing = String::from_utf8(out.stdout).unwrap();
    let mut lines = listing.lines();
    assert_eq!(lines.next(), Some("Document"), "{listing}");
    let mut elements: Vec<(String, String)> = Vec::new();
    for line in lines {
        let line = line.trim();
        if let Some(text) = line.strip_prefix('"').and_then(|l| l.strip_suffix('"')) {
            elements.last_mut().expect("content inside an element").1.push_str(text);
        } else {
            let kind = line.strip_suffix(" (block)").unwrap_or_else(|| panic!("unexpected line {line:?}"));
            elements.push((kind.to_owned(), String::new()));
        }
    }
    Some(elements)
}

#[test]
fn the_pdf_is_tagged_title_then_paragraphs_and_furniture_is_artifact() {
    use lopdf::content::Content;
    use lopdf::{Dictionary, Object};

    let article = reference_article();
    let options = PdfOptions { paper: Paper::A5, running_header: true, ..Default::default() };
    let pdf = write_pdf(&article, &options).unwrap();
    let doc = lopdf::Document::load_mem(&pdf.bytes).unwrap();
    fn dictionary<'a>(doc: &'a lopdf::Document, o: &'a Object) -> &'a Dictionary {
        match o {
            Object::Reference(id) => doc.get_dictionary(*id).unwrap(),
            Object::Dictionary(d) => d,
            other => panic!("not a dictionary: {other:?}"),
        }
    }
    let dict = |o| dictionary(&doc, o);
    let name = |d: &Dictionary, key: &[u8]| String::from_utf8(d.get(key).unwrap().as_name().unwrap().to_vec()).unwrap();

    let catalog = doc.catalog().unwrap();
    assert_eq!(dict(catalog.get(b"MarkInfo").unwrap()).get(b"Marked").unwrap(), &Object::Boolean(true));
    assert_eq!(
        dict(catalog.get(b"ViewerPreferences").unwrap()).get(b"DisplayDocTitle").unwrap(),
        &Object::Boolean(true)
    );
    assert!(catalog.has(b"Lang"));
    let tree = dict(catalog.get(b"StructTreeRoot").unwrap());
    let document = dict(&tree.get(b"K").unwrap().as_array().unwrap()[0]);
    assert_eq!(name(document, b"S"), "Document");
    let kinds: Vec<String> =
        document.get(b"K").unwrap().as_array().unwrap().iter().map(|k| name(dict(k), b"S")).collect();
    let mut expected = vec!["H1".to_owned()];
    expected.extend(article.paragraphs().map(|_| "P".to_owned()));
    assert_eq!(kinds, expected);

    let nums = dict(tree.get(b"ParentTree").unwrap()).get(b"Nums").unwrap().as_array().unwrap();
    let pages = doc.get_pages();
    assert!(pages.len() > 1, "a running head needs a second page");
    assert_eq!(tree.get(b"ParentTreeNextKey").unwrap(), &Object::Integer(pages.len() as i64));
    for (n, page_id) in pages.values().enumerate() {
        let page = doc.get_dictionary(*page_id).unwrap();
        let key = page.get(b"StructParents").unwrap().as_i64().unwrap();
        let parents = nums[nums.iter().position(|o| o == &Object::Integer(key)).unwrap() + 1].as_array().unwrap();
        let content = Content::decode(&doc.get_page_content(*page_id)).unwrap();
        let (mut open, mut mcids, mut headers, mut footers) = (Vec::new(), 0, 0, 0);
        for op in &content.operations {
            match op.operator.as_str() {
                "BDC" => {
                    let tag = String::from_utf8(op.operands[0].as_name().unwrap().to_vec()).unwrap();
                    let properties = op.operands[1].as_dict().unwrap();
                    if let Ok(mcid) = properties.get(b"MCID") {
                        // MCIDs count up from 0, and the parent tree leads each to an element of its tag.
                        assert_eq!(mcid.as_i64().unwrap(), mcids, "page {n}");
                        assert_eq!(name(dict(&parents[mcids as usize]), b"S"), tag, "page {n} MCID {mcids}");
                        mcids += 1;
                    } else {
                        assert_eq!(tag, "Artifact", "page {n}: marked content that is neither structure nor artifact");
                        match name(properties, b"Subtype").as_str() {
                            "Header" => headers += 1,
                            "Footer" => footers += 1,
                            other => panic!("artifact {other}"),
                        }
                    }
                    open.push(tag);
                }
                "EMC" => assert!(open.pop().is_some(), "page {n}: EMC without BDC"),
                "TJ" | "Tj" => assert!(!open.is_empty(), "page {n}: text outside marked content"),
                _ => {}
            }
        }
        assert!(open.is_empty(), "page {n}: marked content left open");
        assert_eq!(mcids as usize, parents.len(), "page {n}");
        assert_eq!((headers, footers), (usize::from(n > 0), 1), "page {n}: running head and page number");
        assert_eq!(name(page, b"Tabs"), "S");
    }

    // What a screen reader reads: the title, then each paragraph, exactly;
    // no page number, no running head.
    let Some(elements) = struct_text(&pdf.bytes, "tagged") else { return };
    let blocks: Vec<(String, String)> = article
        .blocks
        .iter()
        .map(|b| (if b.kind == zharchive::BlockKind::Heading { "H1" } else { "P" }.to_owned(), b.text.clone()))
        .collect();
    assert_eq!(elements, blocks);
}

/// The page's head metadata lines are in the PDF (text layer and structure,
/// as paragraphs), and its authors and keywords in the document's metadata.
#[test]
fn head_metadata_is_printed_and_described() {
    let page =
        "高等教育改革研究\n\n陈岩，付存军\n高等理科教育 2023年6期\n关键词：改革；教育\n\n正文第一段，讲的是改革。";
    let article = zharchive::normalize(page.as_bytes(), &Options::default()).unwrap();
    let pdf = write_pdf(&article, &PdfOptions::default()).unwrap();
    let doc = lopdf::Document::load_mem(&pdf.bytes).unwrap();
    let info = doc.trailer.get(b"Info").and_then(|o| o.as_reference()).and_then(|id| doc.get_dictionary(id)).unwrap();
    let text = |key: &[u8]| lopdf::decode_text_string(info.get(key).unwrap()).unwrap();
    assert_eq!(text(b"Author"), "陈岩、付存军");
    assert_eq!(text(b"Keywords"), "改革, 教育");
    if let Some(extracted) = extract_text(&pdf.bytes, "head-metadata") {
        assert_eq!(comparable(&extracted), comparable(&article.plain_text()));
    }
    if let Some(elements) = struct_text(&pdf.bytes, "head-metadata") {
        let kinds: Vec<&str> = elements.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(kinds, ["H1", "P", "P", "P", "P"]);
    }
}

// ---------------------------------------------------------------- books

/// `count` generated articles (`examples/common/corpus.rs`), normalised.
fn generated(count: usize) -> Vec<Article> {
    let corpus = corpus::Corpus::load(corpus::crate_root(), 15).unwrap();
    (0..count).map(|i| zharchive::normalize(&corpus.article(i).bytes, &Options::default()).unwrap()).collect()
}

fn book_metadata() -> CollectionMetadata {
    CollectionMetadata {
        title: "左传与新闻选读".into(),
        creators: vec!["编者甲".into(), "编者乙".into()],
        editor: Some("丙".into()),
        date: Some("2024-06-01".into()),
        description: Some("生成的文章，用来检查书的排版：标题页、目录、页码、书签。".into()),
        publisher: Some("测试出版社".into()),
        ..Default::default()
    }
}

/// What poppler makes of a PDF book: `pdftotext` of each page (plain and
/// `-layout`), or `None` (with a note) if poppler is not installed.
struct Extracted {
    pages: Vec<String>,
    layout: Vec<String>,
}

fn extract_pages(pdf: &[u8], name: &str) -> Option<Extracted> {
    if !poppler("pdftotext", &format!("book text-layer ({name})")) {
        return None;
    }
    let path = std::env::temp_dir().join(format!("zharchive-test-{}-{name}.pdf", std::process::id()));
    std::fs::write(&path, pdf).unwrap();
    let run = |layout: bool| {
        let mut cmd = Command::new("pdftotext");
        cmd.args(["-enc", "UTF-8"]);
        if layout {
            cmd.arg("-layout");
        }
        let out = cmd.arg(&path).arg("-").output().unwrap();
        assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8(out.stdout).unwrap();
        // One form feed after every page.
        let mut pages: Vec<String> = text.split('\u{c}').map(str::to_owned).collect();
        pages.pop();
        pages
    };
    let (pages, layout) = (run(false), run(true));
    let _ = std::fs::remove_file(&path);
    Some(Extracted { pages, layout })
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The lines of a page, trimmed, without empty ones.
fn lines(page: &str) -> Vec<String> {
    page.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

/// The contents as `pdftotext -layout` gives them: each entry's title (its
/// lines joined) and the page number at its end; the heading, the running
/// heads and the page numbers at the foot left out.
fn contents_entries(layout_pages: &[String], book_title: &str, heading: &str) -> Vec<(String, usize)> {
    let mut entries = Vec::new();
    for page in layout_pages {
        let mut pending = String::new();
        for line in lines(page) {
            let flat = squash(&line);
            if flat == squash(heading) || flat == squash(&format!("{book_title}{heading}")) {
                continue;
            }
            let digits = line.len() - line.trim_end_matches(|c: char| c.is_ascii_digit()).len();
            let (text, number) = line.split_at(line.len() - digits);
            match number.parse::<usize>() {
                Ok(n) if !text.trim().is_empty() || !pending.is_empty() => {
                    pending.push_str(text.trim());
                    entries.push((squash(&std::mem::take(&mut pending)), n));
                }
                Ok(_) => {} // the page number at the foot
                Err(_) => pending.push_str(&line),
            }
        }
        assert!(pending.is_empty(), "an entry without a page number: {pending}");
    }
    entries
}

/// The articles' pages as text, without running heads (the book's title,
/// then the article's, atop a page an article does not open) and page
/// numbers.
fn body_text(pages: &[String], book_title: &str, titles: &[String]) -> String {
    let mut text = String::new();
    for page in pages {
        let mut l = lines(page);
        if l.last().is_some_and(|x| x.chars().all(|c| c.is_ascii_digit())) {
            l.pop();
        }
        // A head too long for its half of the line is cut, with an ellipsis.
        let is_head = |x: &str| {
            let x = squash(x);
            titles
                .iter()
                .map(|t| squash(t))
                .any(|t| x == t || x.strip_suffix('…').is_some_and(|cut| !cut.is_empty() && t.starts_with(cut)))
        };
        if l.first().is_some_and(|x| squash(x) == squash(book_title)) {
            l.remove(0);
            // pdftotext may break a head at a wide space into two lines.
            if let Some(k) = (1..=l.len().min(2)).find(|&k| is_head(&l[..k].concat())) {
                l.drain(..k);
            }
        } else if let Some(first) = l.first_mut() {
            // Both heads on one line.
            let flat = squash(first);
            if let Some(rest) = flat.strip_prefix(&squash(book_title)).filter(|r| is_head(r)) {
                let _ = rest;
                l.remove(0);
            }
        }
        text.push_str(&squash(&l.concat()));
    }
    text
}

/// Check a book the way a reader would: the title page, the contents, then
/// every article in order, and each contents entry's page number is the page
/// its article's title is on (and, when articles start on new pages, the
/// first line there). Returns the number of pages.
fn check_book(book: &Collection, options: &PdfOptions, name: &str) -> Option<usize> {
    let pdf = write_pdf_collection(book, options).unwrap();
    assert_eq!(pdf.bytes, write_pdf_collection(book, options).unwrap().bytes, "{name}: deterministic");
    let extracted = extract_pages(&pdf.bytes, name)?;
    let meta = &book.metadata;
    let titles: Vec<String> = book.articles.iter().map(|a| a.display_title().unwrap().to_owned()).collect();

    // Page 1: the title page.
    let mut want = vec![meta.title.clone(), meta.creators.join("、")];
    want.push(format!("编者：{}", meta.editor.as_deref().unwrap()));
    want.push(meta.description.clone().unwrap());
    want.push(format!("共 {} 篇", book.len()));
    want.push(meta.date.clone().unwrap());
    want.push(meta.publisher.clone().unwrap());
    assert_eq!(squash(&extracted.pages[0]), squash(&want.concat()), "{name}: the title page");

    // The contents, from page 2 to the page before the first article.
    let opens = |page: &str, article: &Article| squash(page).starts_with(&squash(article.title().unwrap()));
    let first_article = (1..extracted.pages.len())
        .find(|&n| opens(&extracted.pages[n], &book.articles[0]))
        .expect("the first article's page");
    assert!(lines(&extracted.pages[1])[0] == "目录", "{name}: the contents open on page 2");
    let entries = contents_entries(&extracted.layout[1..first_article], &meta.title, "目录");
    let entry_titles: Vec<String> = entries.iter().map(|(t, _)| t.clone()).collect();
    let want_titles: Vec<String> = titles.iter().map(|t| squash(t)).collect();
    assert_eq!(entry_titles, want_titles, "{name}: the contents list every article in order");
    assert_eq!(entries[0].1, first_article + 1, "{name}: the first article's page");
    for ((_, page), article) in entries.iter().zip(&book.articles) {
        let text = &extracted.pages[page - 1];
        let title = squash(article.title().unwrap());
        assert!(squash(text).contains(&title), "{name}: {title} is not on page {page}");
        if !options.run_on {
            assert!(opens(text, article), "{name}: page {page} does not open with its article");
        }
    }

    // Then every article's text, in order.
    let body = body_text(&extracted.pages[first_article..], &meta.title, &titles);
    let want: String = book.articles.iter().map(|a| squash(&a.plain_text())).collect();
    if body != want {
        let i = body.chars().zip(want.chars()).take_while(|(a, b)| a == b).count();
        let at = |s: &str| s.chars().skip(i.saturating_sub(10)).take(40).collect::<String>();
        panic!("{name}: the articles' text differs at character {i}: {:?}, expected {:?}", at(&body), at(&want));
    }
    Some(extracted.pages.len())
}

#[test]
fn a_book_gives_title_page_contents_then_articles_with_right_page_numbers() {
    let mut articles = vec![reference_article()];
    articles.extend(generated(39));
    let book = Collection::new(book_metadata(), articles).unwrap();
    // A5: the contents take three pages, the articles one to three each.
    let a5 = PdfOptions { paper: Paper::A5, ..Default::default() };
    let Some(pages) = check_book(&book, &a5, "book-a5") else { return };
    let run_on = PdfOptions { run_on: true, ..a5.clone() };
    let run_on_pages = check_book(&book, &run_on, "book-a5-run-on").unwrap();
    assert!(run_on_pages < pages, "run on: {run_on_pages} pages, new pages: {pages}");
    check_book(&book, &PdfOptions::default(), "book-a4").unwrap();
}

#[test]
fn contents_that_need_more_pages_are_set_again() {
    // Long titles (a caller's overrides) make the contents longer than a
    // first guess of one page: every number must still be right.
    let mut articles = generated(24);
    for (i, a) in articles.iter_mut().enumerate() {
        a.metadata.source.title = Some(format!("第{i}篇　{}", a.title().unwrap()));
    }
    let book = Collection::new(book_metadata(), articles).unwrap();
    let options = PdfOptions { paper: Paper::Custom { width_mm: 110.0, height_mm: 150.0 }, ..Default::default() };
    check_book(&book, &options, "book-small");
}

#[test]
fn a_collection_of_one_is_the_articles_own_pdf() {
    let article = reference_article();
    for options in [PdfOptions::default(), PdfOptions { paper: Paper::A5, running_header: true, ..Default::default() }]
    {
        let alone = write_pdf(&article, &options).unwrap();
        let one = write_pdf_collection(&Collection::of_one(article.clone()), &options).unwrap();
        assert_eq!(one.bytes, alone.bytes);
    }
    // Given metadata reach the document's metadata; the pages stay the article's.
    let given = Collection::new(book_metadata(), vec![article.clone()]).unwrap();
    let pdf = write_pdf_collection(&given, &PdfOptions::default()).unwrap();
    let doc = lopdf::Document::load_mem(&pdf.bytes).unwrap();
    let info = doc.trailer.get(b"Info").and_then(|o| o.as_reference()).and_then(|id| doc.get_dictionary(id)).unwrap();
    let text = |key: &[u8]| lopdf::decode_text_string(info.get(key).unwrap()).unwrap();
    assert_eq!(text(b"Title"), "左传与新闻选读");
    assert_eq!(text(b"Author"), "编者甲、编者乙");
    assert_eq!(
        doc.get_pages().len(),
        lopdf::Document::load_mem(&write_pdf(&article, &Default::default()).unwrap().bytes).unwrap().get_pages().len()
    );
    if let Some(extracted) = extract_text(&pdf.bytes, "one-with-metadata") {
        assert_eq!(comparable(&extracted), comparable(&article.plain_text()));
    }
}

#[test]
fn a_book_has_an_outline_named_destinations_metadata_and_structure() {
    use lopdf::Object;
    let articles = generated(6);
    let mut meta = book_metadata();
    meta.language = "zh-Hans-CN".into();
    let book = Collection::new(meta, articles).unwrap();
    let pdf = write_pdf_collection(&book, &PdfOptions::default()).unwrap();
    let doc = lopdf::Document::load_mem(&pdf.bytes).unwrap();
    let pages: Vec<lopdf::ObjectId> = doc.get_pages().into_values().collect();
    let catalog = doc.catalog().unwrap();
    let get = |o: &Object| match o {
        Object::Reference(id) => doc.get_object(*id).unwrap().as_dict().unwrap().clone(),
        Object::Dictionary(d) => d.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(lopdf::decode_text_string(catalog.get(b"Lang").unwrap()).unwrap(), "zh-Hans-CN");
    assert_eq!(catalog.get(b"PageMode").unwrap().as_name().unwrap(), b"UseOutlines");

    // Named destinations: the chapter ids, sorted, each at its article's first page.
    let names = get(catalog.get(b"Names").unwrap());
    let tree = get(names.get(b"Dests").unwrap());
    let flat = tree.get(b"Names").unwrap().as_array().unwrap();
    let mut ids = book.chapter_ids();
    let dests: Vec<(String, usize)> = flat
        .chunks(2)
        .map(|pair| {
            let name = String::from_utf8(pair[0].as_str().unwrap().to_vec()).unwrap();
            let page = pair[1].as_array().unwrap()[0].as_reference().unwrap();
            (name, pages.iter().position(|&p| p == page).unwrap())
        })
        .collect();
    let order = ids.clone();
    ids.sort();
    assert_eq!(dests.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(), ids);

    // The outline: one entry per article, in reading order, to its destination.
    let outlines = get(catalog.get(b"Outlines").unwrap());
    assert_eq!(outlines.get(b"Count").unwrap(), &Object::Integer(6));
    let mut item = outlines.get(b"First").ok().cloned();
    let mut seen = Vec::new();
    while let Some(Object::Reference(id)) = item {
        let d = doc.get_dictionary(id).unwrap();
        let title = lopdf::decode_text_string(d.get(b"Title").unwrap()).unwrap();
        let dest = String::from_utf8(d.get(b"Dest").unwrap().as_str().unwrap().to_vec()).unwrap();
        seen.push((title, dest));
        item = d.get(b"Next").ok().cloned();
    }
    let want: Vec<(String, String)> =
        book.articles.iter().zip(&order).map(|(a, id)| (a.display_title().unwrap().to_owned(), id.clone())).collect();
    assert_eq!(seen, want);
    // New pages: article i starts on page 3 + i … at least after the one before.
    let starts: Vec<usize> = order.iter().map(|id| dests.iter().find(|(n, _)| n == id).unwrap().1).collect();
    assert!(starts.windows(2).all(|w| w[0] < w[1]), "{starts:?}");
    assert_eq!(starts[0], 2, "title page, one page of contents, then the first article");

    // Each contents entry links to its article's destination, in order.
    let mut linked = Vec::new();
    for page in &pages[1..starts[0]] {
        let page = doc.get_dictionary(*page).unwrap();
        for annot in page.get(b"Annots").unwrap().as_array().unwrap() {
            let annot = doc.get_dictionary(annot.as_reference().unwrap()).unwrap();
            assert_eq!(annot.get(b"Subtype").unwrap().as_name().unwrap(), b"Link");
            assert!(annot.has(b"StructParent"), "a link in the structure tree");
            linked.push(String::from_utf8(annot.get(b"Dest").unwrap().as_str().unwrap().to_vec()).unwrap());
        }
    }
    assert_eq!(linked, order);

    // The book's metadata.
    let raw = String::from_utf8_lossy(&pdf.bytes);
    assert!(raw.contains("<dc:contributor><rdf:Bag><rdf:li>丙</rdf:li></rdf:Bag></dc:contributor>"));
    assert!(raw.contains("<dc:publisher><rdf:Bag><rdf:li>测试出版社</rdf:li></rdf:Bag></dc:publisher>"));
    assert!(raw.contains("<rdf:li>zh-Hans-CN</rdf:li>"));
    let info = doc.trailer.get(b"Info").and_then(|o| o.as_reference()).and_then(|id| doc.get_dictionary(id)).unwrap();
    let text = |key: &[u8]| lopdf::decode_text_string(info.get(key).unwrap()).unwrap();
    assert_eq!(text(b"Title"), "左传与新闻选读");
    assert_eq!(text(b"Author"), "编者甲、编者乙");
    assert_eq!(text(b"Subject"), book.metadata.description.clone().unwrap());
    assert_eq!(text(b"CreationDate"), "D:20240601000000Z");

    // What a screen reader reads: the title page, the contents, then each
    // article's title and paragraphs; no running head, no page number.
    if !poppler("pdfinfo", "book structure-text") {
        return;
    }
    let path = std::env::temp_dir().join(format!("zharchive-test-{}-book-struct.pdf", std::process::id()));
    std::fs::write(&path, &pdf.bytes).unwrap();
    let out = Command::new("pdfinfo").arg("-struct-text").arg(&path).output().unwrap();
    let _ = std::fs::remove_file(&path);
    let listing = String::from_utf8(out.stdout).unwrap();
    let mut got: Vec<(String, String)> = Vec::new();
    for line in listing.lines().skip(1).map(str::trim) {
        if let Some(text) = line.strip_prefix('"').and_then(|l| l.strip_suffix('"')) {
            got.last_mut().unwrap().1.push_str(text);
        } else if line.starts_with("Object ") {
            // An object reference (a link's annotation).
            got.last_mut().unwrap().1.push_str("[object]");
        } else if let Some(kind) = line.strip_suffix(" (block)").or_else(|| line.strip_suffix(" (inline)")) {
            got.push((kind.to_owned(), String::new()));
        } else {
            got.push((line.to_owned(), String::new())); // a grouping element: TOC, TOCI, Art
        }
    }
    let mut want: Vec<(String, String)> = vec![("H1".into(), "左传与新闻选读".into())];
    for p in [
        "编者甲、编者乙",
        "编者：丙",
        book.metadata.description.as_deref().unwrap(),
        "共 6 篇",
        "2024-06-01",
        "测试出版社",
    ] {
        want.push(("P".into(), p.into()));
    }
    want.push(("H2".into(), "目录".into()));
    want.push(("TOC".into(), String::new()));
    for (a, &page) in book.articles.iter().zip(&starts) {
        want.push(("TOCI".into(), String::new()));
        want.push(("Reference".into(), a.display_title().unwrap().into()));
        want.push(("Lbl".into(), (page + 1).to_string()));
        want.push(("Link".into(), "[object]".into()));
    }
    for a in &book.articles {
        want.push(("Art".into(), String::new()));
        for b in &a.blocks {
            let kind = if b.kind == zharchive::BlockKind::Heading { "H2" } else { "P" };
            want.push((kind.into(), b.text.clone()));
        }
    }
    assert_eq!(got, want);
}

#[test]
fn a_collection_without_articles_is_an_error() {
    let empty = Collection { metadata: book_metadata(), articles: Vec::new() };
    assert!(matches!(write_pdf_collection(&empty, &PdfOptions::default()), Err(Error::Options(_))));
}

#[test]
fn a_book_without_a_title_or_article_titles_still_reads() {
    // A library caller may leave the book untitled, and articles may have
    // no heading: the contents and outline show each article's opening.
    let untitled: Vec<Article> = ["标题一\n\n第一篇没有标题的文章。", "标题二\n\n第二篇也没有标题，只有正文。"]
        .iter()
        .map(|t| {
            let mut a = zharchive::normalize(t.as_bytes(), &Options::default()).unwrap();
            a.blocks.retain(|b| b.kind != zharchive::BlockKind::Heading);
            a
        })
        .collect();
    assert!(untitled.iter().all(|a| a.title().is_none() && a.blocks.len() == 1));
    let book = Collection::new(CollectionMetadata::default(), untitled).unwrap();
    let pdf = write_pdf_collection(&book, &PdfOptions { run_on: true, ..Default::default() }).unwrap();
    let doc = lopdf::Document::load_mem(&pdf.bytes).unwrap();
    assert!(doc.get_pages().len() >= 3, "title page, contents, articles");
    let Some(text) = extract_text(&pdf.bytes, "untitled") else { return };
    assert!(comparable(&text).contains(&comparable(&book.articles[1].plain_text())), "{text}");
}

#[test]
fn an_article_in_another_script_keeps_its_language_in_the_structure() {
    use lopdf::Object;
    let hans = reference_article();
    let keep = Options { script: TargetScript::Keep, ..Options::default() };
    let hant = zharchive::normalize("會議紀要\n\n會議開始了，大家發言。".as_bytes(), &keep).unwrap();
    assert_eq!(hant.metadata.language, "zh-Hant");
    let book = Collection::new(book_metadata(), vec![hans, hant.clone(), reference_article()]).unwrap();
    assert_eq!(book.language(), "zh-Hans");
    let pdf = write_pdf_collection(&book, &PdfOptions::default()).unwrap();
    let doc = lopdf::Document::load_mem(&pdf.bytes).unwrap();
    let deref = |o: &Object| doc.get_dictionary(o.as_reference().unwrap()).unwrap();
    let tree =
        doc.get_dictionary(doc.catalog().unwrap().get(b"StructTreeRoot").unwrap().as_reference().unwrap()).unwrap();
    let document = deref(&tree.get(b"K").unwrap().as_array().unwrap()[0]);
    let langs: Vec<Option<String>> = document
        .get(b"K")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(deref)
        .filter(|e| e.get(b"S").unwrap().as_name().unwrap() == b"Art")
        .map(|e| e.get(b"Lang").ok().map(|l| lopdf::decode_text_string(l).unwrap()))
        .collect();
    assert_eq!(langs, [None, Some("zh-Hant".to_owned()), None]);
    let Some(extracted) = extract_pages(&pdf.bytes, "mixed-scripts") else { return };
    assert!(extracted.pages.iter().any(|p| squash(p).contains(&squash(&hant.plain_text()))));
}
