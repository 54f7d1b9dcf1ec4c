//! A book's ways in: an outline entry (bookmark) per article, in reading
//! order, a link from each contents entry to its article, and a named
//! destination per article, named by its chapter id
//! ([`crate::Collection::chapter_ids`]), so that a link from elsewhere
//! (`book.pdf#a-1f3c…`) keeps reaching the article when the book around it
//! changes.
//!
//! printpdf's bookmarks sort by page and then by name, which puts two
//! articles that start on one page (run on) in the wrong order, and point at
//! the page rather than the title; a single article keeps them (its output
//! stays what it was), a book writes its own here.

use lopdf::{Dictionary, Document, Object, ObjectId, StringFormat};

use super::metadata::text_string;
use super::structure::{Annotation, Node};

/// Where an article starts.
pub(crate) struct Chapter<'a> {
    /// What the outline calls it.
    pub title: &'a str,
    /// Its named destination.
    pub id: &'a str,
    /// Its first page (0-based).
    pub page: usize,
    /// The top of its first line, in points from the page's bottom edge.
    pub top: f32,
}

/// Write the outline and the named destinations of `chapters` into `doc`.
pub(crate) fn write(doc: &mut Document, chapters: &[Chapter<'_>]) -> Result<(), String> {
    if chapters.is_empty() {
        return Ok(());
    }
    let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
    let destination = |c: &Chapter<'_>| -> Result<Object, String> {
        let page =
            *pages.get(c.page).ok_or_else(|| format!("chapter {} on page {} of {}", c.id, c.page + 1, pages.len()))?;
        // A little above the title's top, so that its first line is not cut.
        Ok(Object::Array(vec![
            Object::Reference(page),
            Object::Name(b"XYZ".to_vec()),
            Object::Null,
            Object::Real((c.top + 6.0).round()),
            Object::Null,
        ]))
    };

    // Named destinations: one name tree node, its keys in byte order (as
    // name trees require).
    let mut named: Vec<(&str, Object)> = Vec::with_capacity(chapters.len());
    for c in chapters {
        named.push((c.id, destination(c)?));
    }
    named.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let names: Vec<Object> = named
        .into_iter()
        .flat_map(|(id, dest)| [Object::String(id.as_bytes().to_vec(), StringFormat::Literal), dest])
        .collect();
    let tree = doc.add_object(Dictionary::from_iter(vec![("Names", Object::Array(names))]));

    // The outline: one level, in reading order, each entry going to its
    // article's named destination.
    let outlines = doc.new_object_id();
    let ids: Vec<ObjectId> = chapters.iter().map(|_| doc.new_object_id()).collect();
    for (i, c) in chapters.iter().enumerate() {
        let mut item = Dictionary::new();
        item.set("Title", text_string(c.title));
        item.set("Parent", Object::Reference(outlines));
        if i > 0 {
            item.set("Prev", Object::Reference(ids[i - 1]));
        }
        if let Some(next) = ids.get(i + 1) {
            item.set("Next", Object::Reference(*next));
        }
        item.set("Dest", Object::String(c.id.as_bytes().to_vec(), StringFormat::Literal));
        doc.objects.insert(ids[i], Object::Dictionary(item));
    }
    let count = i64::try_from(ids.len()).map_err(|_| "too many chapters")?;
    doc.objects.insert(
        outlines,
        Object::Dictionary(Dictionary::from_iter(vec![
            ("Type", Object::Name(b"Outlines".to_vec())),
            ("First", Object::Reference(ids[0])),
            ("Last", Object::Reference(ids[ids.len() - 1])),
            ("Count", Object::Integer(count)),
        ])),
    );

    let catalog = doc.catalog_mut().map_err(|e| format!("catalog: {e}"))?;
    catalog.set("Outlines", Object::Reference(outlines));
    catalog.set("Names", Object::Dictionary(Dictionary::from_iter(vec![("Dests", Object::Reference(tree))])));
    Ok(())
}

/// A contents entry to click through to its article.
pub(crate) struct EntryLink<'a> {
    /// The entry's `Link` structure element.
    pub node: Node,
    /// The page the entry is on (0-based).
    pub page: usize,
    /// Its area: left, bottom, right, top, in points.
    pub rect: [f32; 4],
    /// The article's named destination.
    pub id: &'a str,
    /// What the link leads to, for assistive technology (`/Contents`).
    pub title: &'a str,
}

/// Add a link annotation for each of `links` to its page, going to the
/// article's named destination, without a border; the annotations, for
/// the structure tree (`Structure::write`).
pub(crate) fn write_links(doc: &mut Document, links: &[EntryLink<'_>]) -> Result<Vec<Annotation>, String> {
    let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
    let mut annotations = Vec::with_capacity(links.len());
    for link in links {
        let page =
            *pages.get(link.page).ok_or_else(|| format!("a link on page {} of {}", link.page + 1, pages.len()))?;
        let rect = link.rect.iter().map(|v| Object::Real((v * 100.0).round() / 100.0)).collect();
        let id = doc.add_object(Dictionary::from_iter(vec![
            ("Type", Object::Name(b"Annot".to_vec())),
            ("Subtype", Object::Name(b"Link".to_vec())),
            ("Rect", Object::Array(rect)),
            ("Border", Object::Array(vec![Object::Integer(0), Object::Integer(0), Object::Integer(0)])),
            ("Contents", text_string(link.title)),
            ("P", Object::Reference(page)),
            ("Dest", Object::String(link.id.as_bytes().to_vec(), StringFormat::Literal)),
        ]));
        let dict = doc.get_object_mut(page).and_then(Object::as_dict_mut).map_err(|e| format!("page: {e}"))?;
        match dict.get_mut(b"Annots") {
            Ok(Object::Array(list)) => list.push(Object::Reference(id)),
            _ => dict.set("Annots", Object::Array(vec![Object::Reference(id)])),
        }
        annotations.push(Annotation { node: link.node, page: link.page, id });
    }
    Ok(annotations)
}
