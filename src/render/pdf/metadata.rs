//! The document's description of itself: the Info dictionary, `/Lang`,
//! XMP metadata and the file identifier, written into the lopdf document
//! printpdf produced.
//!
//! printpdf has no `/Lang` setter, writes XMP only when it claims a
//! conformance level (which it cannot honour: it writes no `pdfaid`), stamps
//! random file identifiers, and fills Info with empty Author/Subject entries
//! and PDF/X keys. So the writer replaces all of that here, deterministically:
//! every value comes from the article and the options, the dates from
//! [`crate::render::Timestamp::resolve`].

use lopdf::{Dictionary, Document, Object, Stream, StringFormat};

use crate::error::{Error, Result};
use crate::render::{xml_safe, Timestamp};

/// What goes into Info and XMP.
pub(crate) struct DocInfo<'a> {
    pub title: &'a str,
    pub author: Option<&'a str>,
    pub subject: Option<&'a str>,
    pub keywords: &'a [String],
    pub source_url: Option<&'a str>,
    /// Who edited the book (XMP `dc:contributor`).
    pub editor: Option<&'a str>,
    /// Who publishes the book (XMP `dc:publisher`).
    pub publisher: Option<&'a str>,
    pub language: &'a str,
    pub date: Timestamp,
    /// `urn:uuid:…` of the article or the book.
    pub uuid: &'a str,
}

/// The Producer string: this crate and the libraries that write the bytes.
pub(crate) fn producer() -> String {
    format!("zharchive {} (printpdf 0.12, lopdf 0.44)", env!("CARGO_PKG_VERSION"))
}

/// A PDF text string: PDFDocEncoding-safe ASCII as is, anything else as
/// UTF-16BE with a byte order mark.
pub(crate) fn text_string(s: &str) -> Object {
    if s.bytes().all(|b| (0x20..0x7F).contains(&b)) {
        Object::String(s.as_bytes().to_vec(), StringFormat::Literal)
    } else {
        let mut bytes = vec![0xFE, 0xFF];
        for unit in s.encode_utf16() {
            bytes.extend_from_slice(&unit.to_be_bytes());
        }
        Object::String(bytes, StringFormat::Hexadecimal)
    }
}

fn pdf_date(t: &Timestamp) -> Object {
    let s = format!("D:{:04}{:02}{:02}{:02}{:02}{:02}Z", t.year, t.month, t.day, t.hour, t.minute, t.second);
    Object::String(s.into_bytes(), StringFormat::Literal)
}

/// Escape text for XML element content and attribute values.
fn xml(s: &str) -> String {
    let (clean, _) = xml_safe(s);
    let mut out = String::with_capacity(clean.len());
    for c in clean.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// The XMP packet (no `pdfaid`: this writer does not claim PDF/A).
pub(crate) fn xmp(info: &DocInfo<'_>) -> String {
    let date = info.date.to_rfc3339();
    let lang = xml(info.language);
    let mut dc = String::new();
    dc.push_str(&format!(
        "   <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></dc:title>\n",
        xml(info.title)
    ));
    dc.push_str(&format!("   <dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>\n"));
    dc.push_str("   <dc:format>application/pdf</dc:format>\n");
    dc.push_str(&format!("   <dc:identifier>{}</dc:identifier>\n", xml(info.uuid)));
    if let Some(author) = info.author {
        dc.push_str(&format!("   <dc:creator><rdf:Seq><rdf:li>{}</rdf:li></rdf:Seq></dc:creator>\n", xml(author)));
    }
    if let Some(subject) = info.subject {
        dc.push_str(&format!(
            "   <dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></dc:description>\n",
            xml(subject)
        ));
    }
    if !info.keywords.is_empty() {
        let items: String = info.keywords.iter().map(|k| format!("<rdf:li>{}</rdf:li>", xml(k))).collect();
        dc.push_str(&format!("   <dc:subject><rdf:Bag>{items}</rdf:Bag></dc:subject>\n"));
    }
    if let Some(url) = info.source_url {
        dc.push_str(&format!("   <dc:source>{}</dc:source>\n", xml(url)));
    }
    if let Some(editor) = info.editor {
        dc.push_str(&format!(
            "   <dc:contributor><rdf:Bag><rdf:li>{}</rdf:li></rdf:Bag></dc:contributor>\n",
            xml(editor)
        ));
    }
    if let Some(publisher) = info.publisher {
        dc.push_str(&format!(
            "   <dc:publisher><rdf:Bag><rdf:li>{}</rdf:li></rdf:Bag></dc:publisher>\n",
            xml(publisher)
        ));
    }
    let keywords = if info.keywords.is_empty() {
        String::new()
    } else {
        format!("   <pdf:Keywords>{}</pdf:Keywords>\n", xml(&info.keywords.join(", ")))
    };
    format!(
        "<?xpacket begin=\"\u{FEFF}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n\
<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n\
 <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n\
  <rdf:Description rdf:about=\"\"\n\
    xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n\
    xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n\
    xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"\n\
    xmlns:xmpMM=\"http://ns.adobe.com/xap/1.0/mm/\">\n\
{dc}\
   <xmp:CreateDate>{date}</xmp:CreateDate>\n\
   <xmp:ModifyDate>{date}</xmp:ModifyDate>\n\
   <xmp:MetadataDate>{date}</xmp:MetadataDate>\n\
   <xmp:CreatorTool>zharchive</xmp:CreatorTool>\n\
   <pdf:Producer>{producer}</pdf:Producer>\n\
{keywords}\
   <xmpMM:DocumentID>{uuid}</xmpMM:DocumentID>\n\
   <xmpMM:InstanceID>{uuid}</xmpMM:InstanceID>\n\
  </rdf:Description>\n\
 </rdf:RDF>\n\
</x:xmpmeta>\n\
<?xpacket end=\"r\"?>",
        producer = xml(&producer()),
        uuid = xml(info.uuid),
    )
}

/// Replace printpdf's Info, identifiers and version; add `/Lang`, XMP and
/// `/DisplayDocTitle`.
pub(crate) fn apply(doc: &mut Document, info: &DocInfo<'_>) -> Result<()> {
    let fail = |what: &str| Error::Render { format: "pdf", message: format!("cannot set the metadata: {what}") };
    // The current version of ISO 32000-1; nothing here needs more than 1.4
    // (transparency-free text with a bare CFF font program and XMP).
    doc.version = "1.7".to_owned();

    let mut stream = Stream::new(
        Dictionary::from_iter(vec![
            ("Type", Object::Name(b"Metadata".to_vec())),
            ("Subtype", Object::Name(b"XML".to_vec())),
        ]),
        xmp(info).into_bytes(),
    );
    // Metadata stays readable to tools that do not inflate streams.
    stream.allows_compression = false;
    let metadata_id = doc.add_object(stream);

    let catalog = doc.catalog_mut().map_err(|_| fail("no catalog"))?;
    catalog.set("Lang", text_string(info.language));
    // printpdf writes /PageMode as a string; the key takes a name.
    if catalog.has(b"Outlines") {
        catalog.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
    }
    catalog.set("Metadata", Object::Reference(metadata_id));
    catalog.set(
        "ViewerPreferences",
        Object::Dictionary(Dictionary::from_iter(vec![("DisplayDocTitle", Object::Boolean(true))])),
    );

    let mut dict = Dictionary::new();
    dict.set("Title", text_string(info.title));
    if let Some(author) = info.author {
        dict.set("Author", text_string(author));
    }
    if let Some(subject) = info.subject {
        dict.set("Subject", text_string(subject));
    }
    if !info.keywords.is_empty() {
        dict.set("Keywords", text_string(&info.keywords.join(", ")));
    }
    dict.set("Creator", text_string("zharchive"));
    dict.set("Producer", text_string(&producer()));
    dict.set("CreationDate", pdf_date(&info.date));
    dict.set("ModDate", pdf_date(&info.date));
    let info_id = match doc.trailer.get(b"Info") {
        Ok(Object::Reference(id)) => *id,
        _ => doc.add_object(Object::Null),
    };
    doc.objects.insert(info_id, Object::Dictionary(dict));
    doc.trailer.set("Info", Object::Reference(info_id));

    // The file identifier: from the article's UUID, the same for both halves
    // (the file is never updated in place).
    let hex: String = info.uuid.chars().filter(char::is_ascii_hexdigit).collect();
    let id: Vec<u8> = (0..hex.len() / 2).filter_map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()).collect();
    let id = Object::String(id, StringFormat::Hexadecimal);
    doc.trailer.set("ID", Object::Array(vec![id.clone(), id]));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_strings_are_ascii_or_utf16() {
        assert_eq!(text_string("abc"), Object::String(b"abc".to_vec(), StringFormat::Literal));
        let Object::String(bytes, _) = text_string("中") else { panic!() };
        assert_eq!(bytes, [0xFE, 0xFF, 0x4E, 0x2D]);
    }

    #[test]
    fn xmp_escapes_and_names_the_language() {
        let info = DocInfo {
            title: "A & B <c>",
            author: None,
            subject: None,
            keywords: &[],
            source_url: None,
            editor: None,
            publisher: None,
            language: "zh-Hans",
            date: Timestamp::DEFAULT,
            uuid: "urn:uuid:00000000-0000-8000-8000-000000000000",
        };
        let x = xmp(&info);
        assert!(x.contains("A &amp; B &lt;c&gt;"));
        assert!(x.contains("<rdf:li>zh-Hans</rdf:li>"));
        assert!(x.contains("1980-01-01T00:00:00Z"));
        assert!(!x.contains("pdfaid"));
    }
}
