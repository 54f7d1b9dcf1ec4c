//! The three output formats of the `archive` example, shared by its folder
//! mode and its `--jsonl` mode so both write the same bytes.

#![allow(dead_code)]

use zharchive::render::Rendered;
use zharchive::Article;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// EPUB 3.
    Epub,
    /// PDF with the embedded font.
    Pdf,
    /// TEI P5 XML.
    Tei,
}

impl Format {
    /// All formats, in the order they are written.
    pub const ALL: [Format; 3] = [Format::Epub, Format::Pdf, Format::Tei];

    /// `epub`, `pdf` or `tei` (surrounding spaces and case ignored).
    pub fn parse(name: &str) -> Result<Format, String> {
        match name.trim().to_ascii_lowercase().as_str() {
            "epub" => Ok(Format::Epub),
            "pdf" => Ok(Format::Pdf),
            "tei" | "xml" => Ok(Format::Tei),
            _ => Err(format!("unknown format {name:?} (epub, pdf, tei)")),
        }
    }

    /// A comma-separated list (`epub,tei`); an empty list is refused, since it
    /// would archive nothing.
    pub fn parse_list(list: &str) -> Result<Vec<Format>, String> {
        let mut formats = Vec::new();
        for name in list.split(',').filter(|n| !n.trim().is_empty()) {
            let format = Format::parse(name)?;
            if !formats.contains(&format) {
                formats.push(format);
            }
        }
        if formats.is_empty() {
            return Err(format!("no format in {list:?} (epub, pdf, tei)"));
        }
        Ok(formats)
    }

    /// The name used in reports and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Format::Epub => "epub",
            Format::Pdf => "pdf",
            Format::Tei => "tei",
        }
    }

    /// The file name extension (after the stem and a dot).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Epub => "epub",
            Format::Pdf => "pdf",
            Format::Tei => "tei.xml",
        }
    }

    /// Write `article` in this format with the writer's default options.
    ///
    /// The defaults are what an archive wants: deterministic dates, and for
    /// the PDF the process-wide embedded font (`PdfFont::embedded`, parsed
    /// once per process), so a batch never parses the font again.
    pub fn render(self, article: &Article) -> Result<Rendered, String> {
        let text = |e: zharchive::Error| e.to_string();
        match self {
            #[cfg(feature = "epub")]
            Format::Epub => zharchive::render::epub::write_epub(article, &Default::default()).map_err(text),
            #[cfg(feature = "pdf")]
            Format::Pdf => zharchive::render::pdf::write_pdf(article, &Default::default()).map_err(text),
            #[cfg(feature = "tei")]
            Format::Tei => zharchive::render::tei::write_tei(article, &Default::default()).map_err(text),
            #[allow(unreachable_patterns)]
            other => {
                let _ = (article, text);
                Err(format!("this build has no {} writer (cargo feature `{}`)", other.name(), other.name()))
            }
        }
    }
}

impl Format {
    /// Write `book` in this format with the writer's default options: one
    /// EPUB, one PDF, one TEI corpus (a book of one is the article's own
    /// output).
    pub fn render_collection(self, book: &zharchive::Collection) -> Result<Rendered, String> {
        let text = |e: zharchive::Error| e.to_string();
        match self {
            #[cfg(feature = "epub")]
            Format::Epub => zharchive::render::epub::write_epub_collection(book, &Default::default()).map_err(text),
            #[cfg(feature = "pdf")]
            Format::Pdf => zharchive::render::pdf::write_pdf_collection(book, &Default::default()).map_err(text),
            #[cfg(feature = "tei")]
            Format::Tei => zharchive::render::tei::write_tei_collection(book, &Default::default()).map_err(text),
            #[allow(unreachable_patterns)]
            other => {
                let _ = (book, text);
                Err(format!("this build has no {} writer (cargo feature `{}`)", other.name(), other.name()))
            }
        }
    }
}

/// Lower-case hex SHA-256, as the reports give checksums.
pub fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}
