//! The tagged-PDF structure: the one place that knows what the marks on a
//! page *are* (ISO 32000-1 §14.7–14.8, as PDF/UA-1 asks).
//!
//! printpdf builds no structure tree, so the writer makes its own:
//!
//! * [`Structure`]: the logical structure, a tree of standard structure
//!   types — `Document` → `H1` (the title) and a `P` per paragraph for an
//!   article ([`Structure::article`]); for a book of several articles
//!   ([`Structure::book`]), `Document` → the title page (`H1`, `P`…), the
//!   contents (`H2`, then `TOC` → `TOCI` → `Reference` + `Lbl`), and an
//!   `Art` per article (`H2`, `P`…).
//! * [`Tag`]: what [`super::compose`] attaches to each line it sets: the
//!   structure element it belongs to, or page furniture (running head,
//!   page number), which is an *artifact* and not part of the text.
//! * [`PageMarks`]: while [`super::emit`] writes a page, it opens and closes
//!   the marked-content sequences here (`/P <</MCID 3>> BDC … EMC`,
//!   `/Artifact <</Type /Pagination /Subtype /Footer>> BDC … EMC`), which
//!   numbers the page's marked content; the lines of one block on one page
//!   are one sequence.
//! * [`Structure::write`]: the structure tree into the finished document —
//!   the elements with their marked-content references, the parent tree
//!   (from each page's MCIDs back to their elements), `/StructParents` and
//!   `/Tabs /S` on the pages, `/MarkInfo << /Marked true >>` and
//!   `/StructTreeRoot` in the catalog.
//!
//! A screen reader then reads the title as a heading and the paragraphs in
//! order, and skips page numbers and running heads; `pdfinfo -struct-text`
//! shows the same (checked in `.ci/pdf.sh`).

use std::fmt::Write as _;

use lopdf::{Dictionary, Document, Object, ObjectId};

use crate::article::{Article, BlockKind};

/// A standard structure type (ISO 32000-1 §14.8.4).
///
/// A single article uses `Document`, `H` and `P`; a book of several
/// articles adds `Art` and its table of contents (`TOC`, `TOCI`,
/// `Reference`, `Lbl`, `Link`). `Sect` is for articles with sections of their own
/// (none yet: the model has one heading per article).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) enum Role {
    /// The whole document: the root element.
    Document,
    /// An article of a book: self-contained, read on its own.
    Art,
    /// A section of an article or a book.
    Sect,
    /// A heading of level 1–6 (clamped).
    H(u8),
    /// A paragraph.
    P,
    /// A table of contents.
    Toc,
    /// One entry of a table of contents.
    TocI,
    /// The text of a contents entry that refers to a place in the document.
    Reference,
    /// A label: the page number of a contents entry.
    Lbl,
    /// A link: the annotation a contents entry is clicked through (an
    /// object reference, no text of its own).
    Link,
}

impl Role {
    /// The type's name, as `/S` in the element and as the tag of its
    /// marked content.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Role::Document => "Document",
            Role::Art => "Art",
            Role::Sect => "Sect",
            Role::H(level) => ["H1", "H2", "H3", "H4", "H5", "H6"][usize::from(level.clamp(1, 6) - 1)],
            Role::P => "P",
            Role::Toc => "TOC",
            Role::TocI => "TOCI",
            Role::Reference => "Reference",
            Role::Lbl => "Lbl",
            Role::Link => "Link",
        }
    }
}

/// The elements of a book that hold text ([`Structure::book`]).
pub(crate) struct BookNodes {
    /// The title page's lines: the title (`H1`), then the others (`P`).
    pub title_page: Vec<Node>,
    /// The heading of the contents (`H2`).
    pub contents_heading: Node,
    /// Each contents entry: its text (`Reference`), page number (`Lbl`)
    /// and link annotation (`Link`).
    pub entries: Vec<(Node, Node, Node)>,
    /// Each article's blocks, in order: its title `H2`, its paragraphs `P`.
    pub articles: Vec<Vec<Node>>,
}

/// A structure element: an index into its [`Structure`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Node(usize);

/// What a line on a page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tag {
    /// Content of a structure element.
    Content(Node),
    /// A running head: a pagination artifact.
    Header,
    /// A page number: a pagination artifact.
    Footer,
}

#[derive(Debug, Clone)]
struct Element {
    role: Role,
    parent: Option<Node>,
    children: Vec<Node>,
    /// The element's language, where it differs from the document's
    /// (`/Lang`: a Traditional article in a Simplified book).
    lang: Option<String>,
}

/// The logical structure of a document: a tree rooted in a `Document`
/// element. Content is attached to the leaves (headings, paragraphs,
/// labels), in reading order.
#[derive(Debug, Clone)]
pub(crate) struct Structure {
    elements: Vec<Element>,
}

impl Structure {
    /// A structure with only its `Document` root.
    pub(crate) fn new() -> Structure {
        Structure { elements: vec![Element { role: Role::Document, parent: None, children: Vec::new(), lang: None }] }
    }

    /// The `Document` element.
    pub(crate) fn root(&self) -> Node {
        Node(0)
    }

    /// Add an element of `role` as the last child of `parent`.
    pub(crate) fn add(&mut self, parent: Node, role: Role) -> Node {
        let node = Node(self.elements.len());
        self.elements.push(Element { role, parent: Some(parent), children: Vec::new(), lang: None });
        if let Some(p) = self.elements.get_mut(parent.0) {
            p.children.push(node);
        }
        node
    }

    /// The role of `node`.
    pub(crate) fn role(&self, node: Node) -> Role {
        self.elements.get(node.0).map_or(Role::P, |e| e.role)
    }

    /// The structure of one article: `Document` → `H1` for the title and
    /// `P` for each paragraph, and the element of each of its blocks.
    pub(crate) fn article(article: &Article) -> (Structure, Vec<Node>) {
        let mut structure = Structure::new();
        let root = structure.root();
        let blocks = article
            .blocks
            .iter()
            .map(|block| match block.kind {
                BlockKind::Heading => structure.add(root, Role::H(1)),
                // Head metadata lines are paragraphs to a reader.
                BlockKind::Paragraph | BlockKind::Meta(_) => structure.add(root, Role::P),
            })
            .collect();
        (structure, blocks)
    }

    /// The structure of a book of `articles`, in reading order: the title
    /// page (`H1`, the book's title, then a `P` for each of its other
    /// `title_page_lines - 1` lines), the contents (an `H2` heading, then a
    /// `TOC` with a `TOCI` per article holding its title as `Reference`,
    /// its page number as `Lbl` and the entry's link annotation as `Link`),
    /// then an `Art` per article with its title
    /// as `H2` and a `P` per paragraph: the book's title is the one `H1`,
    /// the contents and the articles are the sections under it.
    ///
    /// An article whose language tag differs from the book's (`language`)
    /// has it on its `Art` element.
    pub(crate) fn book(title_page_lines: usize, articles: &[Article], language: &str) -> (Structure, BookNodes) {
        let mut structure = Structure::new();
        let root = structure.root();
        let title_page =
            (0..title_page_lines).map(|i| structure.add(root, if i == 0 { Role::H(1) } else { Role::P })).collect();
        let contents_heading = structure.add(root, Role::H(2));
        let toc = structure.add(root, Role::Toc);
        let entries = articles
            .iter()
            .map(|_| {
                let item = structure.add(toc, Role::TocI);
                let reference = structure.add(item, Role::Reference);
                (reference, structure.add(item, Role::Lbl), structure.add(item, Role::Link))
            })
            .collect();
        let articles = articles
            .iter()
            .map(|article| {
                let art = structure.add(root, Role::Art);
                let tag = &article.metadata.language;
                if !tag.is_empty() && tag != language {
                    structure.elements[art.0].lang = Some(tag.clone());
                }
                article
                    .blocks
                    .iter()
                    .map(|block| match block.kind {
                        BlockKind::Heading => structure.add(art, Role::H(2)),
                        BlockKind::Paragraph | BlockKind::Meta(_) => structure.add(art, Role::P),
                    })
                    .collect()
            })
            .collect();
        (structure, BookNodes { title_page, contents_heading, entries, articles })
    }

    /// Write the structure tree into `doc`, whose pages in order have the
    /// marked content `pages` (one [`PageMarks`] per page) and the
    /// annotations `annotations`. Elements with no content anywhere beneath
    /// them are left out.
    pub(crate) fn write(
        &self,
        doc: &mut Document,
        pages: &[PageMarks],
        annotations: &[Annotation],
    ) -> Result<(), String> {
        let page_ids: Vec<ObjectId> = doc.get_pages().into_values().collect();
        if page_ids.len() != pages.len() {
            return Err(format!("{} pages for {} pages of marked content", page_ids.len(), pages.len()));
        }
        // Each element's marked content, in reading order: (page, MCID).
        let mut content: Vec<Vec<(usize, usize)>> = vec![Vec::new(); self.elements.len()];
        for (page, marks) in pages.iter().enumerate() {
            for (mcid, node) in marks.mcids.iter().enumerate() {
                content.get_mut(node.0).ok_or("marked content of an unknown element")?.push((page, mcid));
            }
        }
        // Each element's annotations (indices into `annotations`).
        let mut objects: Vec<Vec<usize>> = vec![Vec::new(); self.elements.len()];
        for (i, a) in annotations.iter().enumerate() {
            if a.page >= page_ids.len() {
                return Err(format!("an annotation on page {} of {}", a.page + 1, page_ids.len()));
            }
            objects.get_mut(a.node.0).ok_or("an annotation of an unknown element")?.push(i);
        }
        // Whether an element has content, itself or beneath it (children
        // always come after their parent).
        let mut live: Vec<bool> = content.iter().zip(&objects).map(|(c, o)| !c.is_empty() || !o.is_empty()).collect();
        for i in (1..self.elements.len()).rev() {
            if let (true, Some(parent)) = (live[i], self.elements[i].parent) {
                live[parent.0] = true;
            }
        }

        // The root is written even when the document has no text.
        if let Some(root) = live.first_mut() {
            *root = true;
        }

        let root_id = doc.new_object_id();
        // Object numbers for the elements written only (a left-out element
        // is never referred to: its parent and the parent tree skip it).
        let ids: Vec<ObjectId> = live.iter().map(|&l| if l { doc.new_object_id() } else { (0, 0) }).collect();
        for (i, element) in self.elements.iter().enumerate() {
            if !live[i] {
                continue;
            }
            let mut kids: Vec<Object> =
                element.children.iter().filter(|c| live[c.0]).map(|c| Object::Reference(ids[c.0])).collect();
            let mut dict = Dictionary::new();
            dict.set("Type", Object::Name(b"StructElem".to_vec()));
            dict.set("S", Object::Name(element.role.name().as_bytes().to_vec()));
            dict.set("P", Object::Reference(element.parent.map_or(root_id, |p| ids[p.0])));
            if let Some(lang) = &element.lang {
                dict.set("Lang", Object::String(lang.as_bytes().to_vec(), lopdf::StringFormat::Literal));
            }
            if let Some(&(first_page, _)) = content[i].first() {
                dict.set("Pg", Object::Reference(page_ids[first_page]));
                for &(page, mcid) in &content[i] {
                    let mcid = i64::try_from(mcid).map_err(|_| "too many marked-content sequences")?;
                    kids.push(if page == first_page {
                        Object::Integer(mcid)
                    } else {
                        Object::Dictionary(Dictionary::from_iter(vec![
                            ("Type", Object::Name(b"MCR".to_vec())),
                            ("Pg", Object::Reference(page_ids[page])),
                            ("MCID", Object::Integer(mcid)),
                        ]))
                    });
                }
            }
            for &a in &objects[i] {
                let annotation = &annotations[a];
                if !dict.has(b"Pg") {
                    dict.set("Pg", Object::Reference(page_ids[annotation.page]));
                }
                kids.push(Object::Dictionary(Dictionary::from_iter(vec![
                    ("Type", Object::Name(b"OBJR".to_vec())),
                    ("Pg", Object::Reference(page_ids[annotation.page])),
                    ("Obj", Object::Reference(annotation.id)),
                ])));
            }
            dict.set("K", Object::Array(kids));
            doc.objects.insert(ids[i], Object::Dictionary(dict));
        }

        // The parent tree: page `n` (its /StructParents) → the element of
        // each of its MCIDs.
        let mut nums = Vec::with_capacity(2 * pages.len());
        for (n, (marks, &page)) in pages.iter().zip(&page_ids).enumerate() {
            let key = i64::try_from(n).map_err(|_| "too many pages")?;
            nums.push(Object::Integer(key));
            nums.push(Object::Array(marks.mcids.iter().map(|node| Object::Reference(ids[node.0])).collect()));
            let page = doc.get_object_mut(page).and_then(Object::as_dict_mut).map_err(|e| format!("page: {e}"))?;
            page.set("StructParents", Object::Integer(key));
            page.set("Tabs", Object::Name(b"S".to_vec()));
        }
        // Each annotation: its /StructParent → its element.
        for (n, a) in annotations.iter().enumerate() {
            let key = i64::try_from(pages.len() + n).map_err(|_| "too many annotations")?;
            nums.push(Object::Integer(key));
            nums.push(Object::Reference(ids[a.node.0]));
            let dict =
                doc.get_object_mut(a.id).and_then(Object::as_dict_mut).map_err(|e| format!("annotation: {e}"))?;
            dict.set("StructParent", Object::Integer(key));
        }
        let next_key = i64::try_from(pages.len() + annotations.len()).map_err(|_| "too many pages")?;
        let root = Dictionary::from_iter(vec![
            ("Type", Object::Name(b"StructTreeRoot".to_vec())),
            ("K", Object::Array(vec![Object::Reference(ids[0])])),
            ("ParentTree", Object::Dictionary(Dictionary::from_iter(vec![("Nums", Object::Array(nums))]))),
            ("ParentTreeNextKey", Object::Integer(next_key)),
        ]);
        doc.objects.insert(root_id, Object::Dictionary(root));

        let catalog = doc.catalog_mut().map_err(|e| format!("catalog: {e}"))?;
        catalog.set("MarkInfo", Object::Dictionary(Dictionary::from_iter(vec![("Marked", Object::Boolean(true))])));
        catalog.set("StructTreeRoot", Object::Reference(root_id));
        Ok(())
    }
}

/// An annotation that belongs to a structure element (a `Link`): the
/// element, the page the annotation is on, and its object.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Annotation {
    pub node: Node,
    pub page: usize,
    pub id: ObjectId,
}

/// The marked content of one page, numbered as it is written: MCID `i`
/// belongs to element `mcids[i]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PageMarks {
    mcids: Vec<Node>,
    /// The sequence open in the content stream, if any.
    open: Option<Tag>,
}

impl PageMarks {
    /// Before showing text of `tag`: make sure its marked-content sequence
    /// is open, closing another one first (the element's next MCID, or an
    /// artifact).
    pub(crate) fn show(&mut self, structure: &Structure, tag: Tag, out: &mut String) {
        if self.open == Some(tag) {
            return;
        }
        self.finish(out);
        match tag {
            Tag::Content(node) => {
                let _ = writeln!(out, "/{} <</MCID {}>> BDC", structure.role(node).name(), self.mcids.len());
                self.mcids.push(node);
            }
            Tag::Header => out.push_str("/Artifact <</Type /Pagination /Subtype /Header>> BDC\n"),
            Tag::Footer => out.push_str("/Artifact <</Type /Pagination /Subtype /Footer>> BDC\n"),
        }
        self.open = Some(tag);
    }

    /// Show what `draw` draws — a stand-in for a character the font lacks —
    /// as text of `tag` with `/ActualText` `actual` (UTF-16BE in hex, with
    /// its byte order mark), so that text extraction and assistive
    /// technology get the character, not the box.
    ///
    /// In an element's content the stand-in is a sequence of its own, with
    /// the element's next MCID: a `/Span` without MCID nested in the
    /// element's sequence would do by the standard, but poppler reads the
    /// nested `EMC` as the end of the enclosing sequence and loses the rest
    /// of the paragraph. An artifact has no MCID to lose, so there it nests.
    pub(crate) fn actual_text(
        &mut self,
        structure: &Structure,
        tag: Tag,
        actual: &str,
        out: &mut String,
        draw: impl FnOnce(&mut String),
    ) {
        match tag {
            Tag::Content(node) => {
                self.finish(out);
                let _ = writeln!(out, "/Span <</MCID {} /ActualText <{actual}>>> BDC", self.mcids.len());
                self.mcids.push(node);
            }
            Tag::Header | Tag::Footer => {
                self.show(structure, tag, out);
                let _ = writeln!(out, "/Span <</ActualText <{actual}>>> BDC");
            }
        }
        draw(out);
        out.push_str("EMC\n");
    }

    /// Close the open sequence, if any (at the end of the page).
    pub(crate) fn finish(&mut self, out: &mut String) {
        if self.open.take().is_some() {
            out.push_str("EMC\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A document of `pages` empty pages, as printpdf would leave it.
    fn document(pages: usize) -> Document {
        let mut doc = Document::with_version("1.7");
        let pages_id = doc.new_object_id();
        let kids: Vec<Object> = (0..pages)
            .map(|_| {
                Object::Reference(doc.add_object(Dictionary::from_iter(vec![
                    ("Type", Object::Name(b"Page".to_vec())),
                    ("Parent", Object::Reference(pages_id)),
                ])))
            })
            .collect();
        let count = kids.len() as i64;
        doc.objects.insert(
            pages_id,
            Object::Dictionary(Dictionary::from_iter(vec![
                ("Type", Object::Name(b"Pages".to_vec())),
                ("Kids", Object::Array(kids)),
                ("Count", Object::Integer(count)),
            ])),
        );
        let catalog = doc.add_object(Dictionary::from_iter(vec![
            ("Type", Object::Name(b"Catalog".to_vec())),
            ("Pages", Object::Reference(pages_id)),
        ]));
        doc.trailer.set("Root", Object::Reference(catalog));
        doc
    }

    fn element<'a>(doc: &'a Document, reference: &Object) -> &'a Dictionary {
        doc.get_dictionary(reference.as_reference().unwrap()).unwrap()
    }

    fn kids(dict: &Dictionary) -> &Vec<Object> {
        dict.get(b"K").unwrap().as_array().unwrap()
    }

    #[test]
    fn an_article_is_a_heading_and_paragraphs() {
        let article = crate::normalize("标题\n\n第一段。\n\n第二段。".as_bytes(), &Default::default()).unwrap();
        let (structure, blocks) = Structure::article(&article);
        let roles: Vec<&str> = blocks.iter().map(|&b| structure.role(b).name()).collect();
        assert_eq!(roles, ["H1", "P", "P"]);
    }

    #[test]
    fn marked_content_opens_with_the_role_numbers_per_page_and_nests_properly() {
        let mut s = Structure::new();
        let p = s.add(s.root(), Role::P);
        let h = s.add(s.root(), Role::H(1));
        let mut marks = PageMarks::default();
        let mut out = String::new();
        marks.show(&s, Tag::Content(h), &mut out);
        marks.show(&s, Tag::Content(h), &mut out);
        marks.show(&s, Tag::Footer, &mut out);
        marks.show(&s, Tag::Content(p), &mut out);
        marks.actual_text(&s, Tag::Content(p), "FEFF0041", &mut out, |o| o.push_str("x\n"));
        marks.show(&s, Tag::Content(p), &mut out);
        marks.actual_text(&s, Tag::Header, "FEFF0042", &mut out, |o| o.push_str("y\n"));
        marks.finish(&mut out);
        marks.finish(&mut out);
        assert_eq!(
            out,
            "/H1 <</MCID 0>> BDC\nEMC\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC\nEMC\n\
             /P <</MCID 1>> BDC\nEMC\n/Span <</MCID 2 /ActualText <FEFF0041>>> BDC\nx\nEMC\n\
             /P <</MCID 3>> BDC\nEMC\n\
             /Artifact <</Type /Pagination /Subtype /Header>> BDC\n/Span <</ActualText <FEFF0042>>> BDC\ny\nEMC\nEMC\n"
        );
        assert_eq!(marks.mcids, [h, p, p, p]);
    }

    /// A book: a table of contents with two entries, two articles, the
    /// second article's paragraph running onto the second page, and an
    /// empty section that is left out.
    #[test]
    fn a_book_with_contents_spanning_pages_and_its_parent_tree() {
        let mut s = Structure::new();
        let root = s.root();
        let toc = s.add(root, Role::Toc);
        let entries: Vec<(Node, Node)> = (0..2)
            .map(|_| {
                let item = s.add(toc, Role::TocI);
                (s.add(item, Role::Reference), s.add(item, Role::Lbl))
            })
            .collect();
        let arts: Vec<(Node, Node)> = (0..2)
            .map(|_| {
                let art = s.add(root, Role::Art);
                (s.add(art, Role::H(2)), s.add(art, Role::P))
            })
            .collect();
        let empty = s.add(root, Role::Sect);
        s.add(empty, Role::P);

        let mut out = String::new();
        let mut page1 = PageMarks::default();
        for (reference, label) in &entries {
            page1.show(&s, Tag::Content(*reference), &mut out);
            page1.show(&s, Tag::Content(*label), &mut out);
        }
        page1.show(&s, Tag::Content(arts[0].0), &mut out);
        page1.show(&s, Tag::Content(arts[0].1), &mut out);
        page1.show(&s, Tag::Footer, &mut out);
        let mut page2 = PageMarks::default();
        page2.show(&s, Tag::Content(arts[1].0), &mut out);
        page2.show(&s, Tag::Content(arts[1].1), &mut out);
        page2.show(&s, Tag::Header, &mut out);
        let mut page3 = PageMarks::default();
        page3.show(&s, Tag::Content(arts[1].1), &mut out);

        let mut doc = document(3);
        assert!(s.write(&mut doc, &[page1.clone(), page2.clone()], &[]).is_err(), "three pages, two marks");
        s.write(&mut doc, &[page1, page2, page3], &[]).unwrap();
        assert!((1..=doc.max_id).all(|n| doc.objects.contains_key(&(n, 0))), "an object number left unused");

        let catalog = doc.catalog().unwrap();
        let marked = catalog.get(b"MarkInfo").unwrap().as_dict().unwrap().get(b"Marked").unwrap();
        assert_eq!(marked, &Object::Boolean(true));
        let tree = element(&doc, catalog.get(b"StructTreeRoot").unwrap());
        assert_eq!(tree.get(b"ParentTreeNextKey").unwrap(), &Object::Integer(3));
        let document_elem = element(&doc, &kids(tree)[0]);
        assert_eq!(document_elem.get(b"S").unwrap().as_name().unwrap(), b"Document");
        let top: Vec<&[u8]> =
            kids(document_elem).iter().map(|k| element(&doc, k).get(b"S").unwrap().as_name().unwrap()).collect();
        assert_eq!(top, [&b"TOC"[..], b"Art", b"Art"], "the empty Sect is left out");
        let toc = element(&doc, &kids(document_elem)[0]);
        let toci = element(&doc, &kids(toc)[1]);
        assert_eq!(toci.get(b"S").unwrap().as_name().unwrap(), b"TOCI");
        let label = element(&doc, &kids(toci)[1]);
        assert_eq!(kids(label), &[Object::Integer(3)], "second entry's label: MCID 3 on page 1");

        // The second article's paragraph: MCID 1 on page 2, then MCID 0 on page 3.
        let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
        let art2 = element(&doc, &kids(document_elem)[2]);
        let paragraph = element(&doc, &kids(art2)[1]);
        assert_eq!(paragraph.get(b"Pg").unwrap(), &Object::Reference(pages[1]));
        let k = kids(paragraph);
        assert_eq!(k[0], Object::Integer(1));
        let mcr = k[1].as_dict().unwrap();
        assert_eq!(mcr.get(b"Pg").unwrap(), &Object::Reference(pages[2]));
        assert_eq!(mcr.get(b"MCID").unwrap(), &Object::Integer(0));

        // The parent tree leads from each MCID back to its element.
        let nums = tree.get(b"ParentTree").unwrap().as_dict().unwrap().get(b"Nums").unwrap().as_array().unwrap();
        assert_eq!(nums.len(), 6);
        assert_eq!(nums[4], Object::Integer(2));
        let page3 = nums[5].as_array().unwrap();
        assert_eq!(element(&doc, &page3[0]).get(b"S").unwrap().as_name().unwrap(), b"P");
        assert_eq!(page3[0], kids(art2)[1]);
        for (n, page) in pages.iter().enumerate() {
            let page = doc.get_dictionary(*page).unwrap();
            assert_eq!(page.get(b"StructParents").unwrap(), &Object::Integer(n as i64));
            assert_eq!(page.get(b"Tabs").unwrap().as_name().unwrap(), b"S");
        }
    }
}
