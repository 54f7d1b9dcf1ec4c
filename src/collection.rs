//! [`Collection`]: many articles as one book or one corpus.
//!
//! People collect a site's series, a reporter's columns or a month of a
//! paper into one ebook, and archivists deposit a collection as one corpus.
//! A collection is the articles, in reading order, and what is known about
//! the whole ([`CollectionMetadata`]): its title, creators, editor, date,
//! language, identifier and description. Like [`Article`], it knows no pass
//! and no format; every writer renders a collection, and a single article is
//! written as a collection of one ([`Collection::of_one`]), so each format has
//! one code path.
//!
//! ```
//! use zharchive::{Collection, CollectionMetadata};
//! let opts = zharchive::Options::default();
//! let a = zharchive::normalize("第一篇\n\n正文。".as_bytes(), &opts)?;
//! let b = zharchive::normalize("第二篇\n\n正文。".as_bytes(), &opts)?;
//! let meta = CollectionMetadata { title: "文集".into(), ..Default::default() };
//! let book = Collection::new(meta, vec![a, b])?;
//! assert_eq!(book.len(), 2);
//! assert_eq!(book.language(), "zh-Hans");
//! // Chapter ids come from each article's text, not its place in the book.
//! let ids = book.chapter_ids();
//! assert!(ids[0].starts_with("a-") && ids[0] != ids[1]);
//! # Ok::<(), zharchive::Error>(())
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::article::Article;
use crate::error::{Error, Result};

/// What is known about a collection as a whole. Every field is optional
/// except the title; writers fall back to the articles' own facts where a
/// field is empty (see [`Collection::language`], [`Collection::identifier`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CollectionMetadata {
    /// The book's title (for a collection of one made by
    /// [`Collection::of_one`], the article's title).
    pub title: String,
    /// Who made the book, one name per item (authors of a column, the
    /// compiling institution).
    pub creators: Vec<String>,
    /// Who selected and edited the articles.
    pub editor: Option<String>,
    /// The book's date (ISO 8601, as given).
    pub date: Option<String>,
    /// BCP 47 tag of the book; empty means "the articles' language"
    /// ([`Collection::language`]).
    pub language: String,
    /// A stable identifier (a URN, a DOI, an ISBN); empty means one derived
    /// from the articles' texts ([`Collection::identifier`]).
    pub identifier: String,
    /// A sentence or two about the book.
    pub description: Option<String>,
    /// Who publishes the book.
    pub publisher: Option<String>,
}

/// Articles in reading order, with the collection's own metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct Collection {
    /// What is known about the whole.
    pub metadata: CollectionMetadata,
    /// The articles, in reading order (at least one).
    pub articles: Vec<Article>,
}

impl Collection {
    /// A collection of `articles` (at least one).
    ///
    /// # Errors
    ///
    /// [`Error::Options`] when `articles` is empty: a book without articles
    /// is a mistake, never an empty file.
    pub fn new(metadata: CollectionMetadata, articles: Vec<Article>) -> Result<Collection> {
        if articles.is_empty() {
            return Err(Error::Options("a collection needs at least one article".into()));
        }
        Ok(Collection { metadata, articles })
    }

    /// An article as a collection of one: the book's metadata are the
    /// article's (its title, creators, date and language). Writers render
    /// a collection of one exactly as they render the article alone.
    ///
    /// ```
    /// let a = zharchive::normalize("标题\n\n正文。".as_bytes(), &Default::default())?;
    /// let one = zharchive::Collection::of_one(a.clone());
    /// assert_eq!(one.metadata.title, "标题");
    /// assert_eq!(one.articles, [a]);
    /// # Ok::<(), zharchive::Error>(())
    /// ```
    pub fn of_one(article: Article) -> Collection {
        let metadata = CollectionMetadata::of_article(&article);
        Collection { metadata, articles: vec![article] }
    }

    /// How many articles the collection holds.
    pub fn len(&self) -> usize {
        self.articles.len()
    }

    /// Whether the collection holds no article (never true of a collection
    /// made by [`Collection::new`]).
    pub fn is_empty(&self) -> bool {
        self.articles.is_empty()
    }

    /// The book's BCP 47 language: the one given, else the tag most of the
    /// articles carry (the first article's on a tie). A chapter whose
    /// language differs keeps its own.
    pub fn language(&self) -> &str {
        if !self.metadata.language.is_empty() {
            return &self.metadata.language;
        }
        let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for (i, a) in self.articles.iter().enumerate() {
            let e = counts.entry(a.metadata.language.as_str()).or_insert((0, i));
            e.0 += 1;
        }
        counts
            .into_iter()
            .max_by(|x, y| x.1 .0.cmp(&y.1 .0).then(y.1 .1.cmp(&x.1 .1)))
            .map_or("zh-Hans", |(tag, _)| tag)
    }

    /// The book's identifier: the one given, else a `urn:uuid` made from the
    /// SHA-256 of the articles' texts in order (the same articles in the
    /// same order always give the same identifier). For a collection of one
    /// it is the article's own identifier.
    pub fn identifier(&self) -> String {
        if !self.metadata.identifier.is_empty() {
            return self.metadata.identifier.clone();
        }
        if let [one] = self.articles.as_slice() {
            return text_uuid(one.plain_text().as_bytes());
        }
        let mut all = Vec::new();
        for a in &self.articles {
            all.extend_from_slice(a.plain_text().as_bytes());
            all.push(0x1E); // record separator: ["ab", "c"] ≠ ["a", "bc"]
        }
        text_uuid(&all)
    }

    /// One id per article, in order, for file names, anchors and `xml:id`s:
    /// `a-` and the first 12 hex digits of the SHA-256 of the article's text,
    /// so that an article keeps its id when the book around it changes. An
    /// article that repeats an earlier one's text gets `-2`, `-3` … added.
    pub fn chapter_ids(&self) -> Vec<String> {
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        self.articles
            .iter()
            .map(|a| {
                let base = format!("a-{}", &crate::digest::sha256_hex(a.plain_text().as_bytes())[..12]);
                let n = seen.entry(base.clone()).or_insert(0);
                *n += 1;
                if *n == 1 {
                    base
                } else {
                    format!("{base}-{n}")
                }
            })
            .collect()
    }
}

impl CollectionMetadata {
    /// The metadata of a book made of `article` alone.
    pub fn of_article(article: &Article) -> CollectionMetadata {
        let source = &article.metadata.source;
        CollectionMetadata {
            title: article.title().unwrap_or_default().to_owned(),
            creators: source.creators().into_iter().map(str::to_owned).collect(),
            date: source.date.clone(),
            language: article.metadata.language.clone(),
            ..Default::default()
        }
    }
}

/// A `urn:uuid` (version-8 layout) from the SHA-256 of `bytes`.
pub(crate) fn text_uuid(bytes: &[u8]) -> String {
    let hex = crate::digest::sha256_hex(bytes);
    let mut b: Vec<u8> = (0..16).map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap_or_default()).collect();
    b[6] = (b[6] & 0x0F) | 0x80;
    b[8] = (b[8] & 0x3F) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("urn:uuid:{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(text: &str) -> Article {
        crate::normalize(text.as_bytes(), &Default::default()).unwrap()
    }

    #[test]
    fn an_empty_collection_is_an_error() {
        assert!(matches!(Collection::new(CollectionMetadata::default(), vec![]), Err(Error::Options(_))));
    }

    #[test]
    fn chapter_ids_follow_the_text_not_the_place() {
        let (a, b) = (article("甲\n\n一。"), article("乙\n\n二。"));
        let ab = Collection::new(CollectionMetadata::default(), vec![a.clone(), b.clone()]).unwrap();
        let ba = Collection::new(CollectionMetadata::default(), vec![b, a.clone()]).unwrap();
        let (x, y) = (ab.chapter_ids(), ba.chapter_ids());
        assert_eq!((x[0].as_str(), x[1].as_str()), (y[1].as_str(), y[0].as_str()));
        let twice = Collection::new(CollectionMetadata::default(), vec![a.clone(), a]).unwrap();
        let ids = twice.chapter_ids();
        assert_eq!(ids[1], format!("{}-2", ids[0]));
        assert_ne!(ab.identifier(), ba.identifier(), "order is part of the book");
    }

    #[test]
    fn the_language_is_the_majority_unless_given() {
        let hans = article("甲\n\n一。");
        let keep = crate::Options { script: crate::TargetScript::Keep, ..Default::default() };
        let hant = crate::normalize("乙\n\n會議。".as_bytes(), &keep).unwrap();
        assert_eq!(hant.metadata.language, "zh-Hant");
        let c = Collection::new(CollectionMetadata::default(), vec![hant.clone(), hans.clone(), hans]).unwrap();
        assert_eq!(c.language(), "zh-Hans");
        let tie = Collection::new(CollectionMetadata::default(), vec![hant.clone(), article("丙\n\n三。")]).unwrap();
        assert_eq!(tie.language(), "zh-Hant", "a tie goes to the first article");
        let given = CollectionMetadata { language: "zh-Hant-TW".into(), ..Default::default() };
        assert_eq!(Collection::new(given, vec![hant]).unwrap().language(), "zh-Hant-TW");
    }

    #[test]
    fn a_collection_of_one_has_the_articles_identifier() {
        let a = article("甲\n\n一。");
        assert_eq!(Collection::of_one(a.clone()).identifier(), text_uuid(a.plain_text().as_bytes()));
    }
}
