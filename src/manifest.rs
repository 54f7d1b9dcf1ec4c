//! How a user describes a book: a manifest file (TOML or JSON), or a folder
//! of text files, turned into a [`Collection`].
//!
//! A manifest holds the book's metadata (`[book]`, a [`CollectionMetadata`]),
//! the normalisation options shared by every article (`[options]`, an
//! [`Options`]), then the articles in reading order (`[[article]]`, each a
//! [`ManifestEntry`]: its file and, optionally, a title that overrides the
//! text's own, the source URL, site, author, date, script and encoding).
//! Relative paths are relative to the manifest. Unknown fields are errors,
//! so a misspelt key is named rather than ignored.
//!
//! ```
//! use zharchive::manifest::Manifest;
//! let toml = r#"
//! [book]
//! title = "二〇二四年的专栏"
//! creators = ["某某报"]
//!
//! [options]
//! script = "traditional"
//!
//! [[article]]
//! path = "01.txt"
//! title = "开篇"
//!
//! [[article]]
//! path = "02.txt"
//! url = "https://example.com/2"
//! "#;
//! let m = Manifest::from_toml(toml, "book.toml".as_ref())?;
//! assert_eq!(m.book.title, "二〇二四年的专栏");
//! assert_eq!(m.articles.len(), 2);
//! assert_eq!(m.articles[0].path, std::path::Path::new("01.txt"));
//!
//! let bad = Manifest::from_toml("[book]\ntitel = \"x\"\n", "book.toml".as_ref()).unwrap_err();
//! assert!(bad.to_string().contains("line 2") && bad.to_string().contains("titel"), "{bad}");
//! # Ok::<(), zharchive::Error>(())
//! ```

use std::cmp::Ordering;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::article::{Article, Warning};
use crate::collection::{Collection, CollectionMetadata};
use crate::error::{Error, Result};
use crate::options::{Options, TargetScript};

/// A book described in a file: its metadata, shared options and articles.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The book's metadata.
    #[serde(default)]
    pub book: CollectionMetadata,
    /// Normalisation options for every article (each entry may override
    /// the script and the encoding).
    #[serde(default)]
    pub options: Options,
    /// The articles, in reading order.
    #[serde(rename = "article", alias = "articles", default)]
    pub articles: Vec<ManifestEntry>,
}

/// One article of a [`Manifest`].
///
/// Every field but `path` may be left out; an entry without a `path` is an
/// error naming the article.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ManifestEntry {
    /// The article's file (relative to the manifest, once loaded with
    /// [`Manifest::load`]: absolute or joined to the manifest's folder).
    pub path: PathBuf,
    /// A title to show in the book's contents and headers in place of the
    /// text's own heading ([`crate::SourceInfo::title`]).
    pub title: Option<String>,
    /// The URL the article was scraped from.
    pub url: Option<String>,
    /// The site or publication.
    pub site: Option<String>,
    /// Its author(s), as one line.
    pub author: Option<String>,
    /// Its publication date (ISO 8601).
    pub date: Option<String>,
    /// The script to convert this article to, instead of the book's.
    pub script: Option<TargetScript>,
    /// Force this encoding for this article (a WHATWG label).
    pub encoding: Option<String>,
}

impl Manifest {
    /// Read a manifest file: TOML when its name ends in `.toml`, JSON when it
    /// ends in `.json`. Relative article paths are resolved against the
    /// manifest's folder.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the file cannot be read, [`Error::Manifest`]
    /// (naming the line and the field) when it cannot be understood or lists
    /// no article.
    pub fn load(path: &Path) -> Result<Manifest> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.to_owned(), source })?;
        let mut manifest = match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("toml") => Manifest::from_toml(&text, path)?,
            Some("json") => Manifest::from_json(&text, path)?,
            _ => {
                return Err(Error::Manifest {
                    path: path.to_owned(),
                    message: "name a manifest `.toml` or `.json`, so that its format is known".into(),
                })
            }
        };
        let base = path.parent().unwrap_or(Path::new(""));
        for entry in &mut manifest.articles {
            if entry.path.is_relative() {
                entry.path = base.join(&entry.path);
            }
        }
        Ok(manifest)
    }

    /// Parse a TOML manifest; `path` only names it in errors. Paths stay as
    /// written.
    ///
    /// # Errors
    ///
    /// [`Error::Manifest`] with the line, column and field of the problem.
    pub fn from_toml(text: &str, path: &Path) -> Result<Manifest> {
        let manifest: Manifest = toml::from_str(text).map_err(|e| {
            let at = e.span().map(|s| line_column(text, s.start));
            let message = e.message().trim().to_owned();
            Error::Manifest {
                path: path.to_owned(),
                message: match at {
                    Some((line, column)) => format!("line {line}, column {column}: {message}"),
                    None => message,
                },
            }
        })?;
        manifest.checked(path)
    }

    /// Parse a JSON manifest (the same fields as TOML: `book`, `options`,
    /// `article` or `articles`).
    ///
    /// # Errors
    ///
    /// [`Error::Manifest`] with the line, column and field of the problem.
    pub fn from_json(text: &str, path: &Path) -> Result<Manifest> {
        let manifest: Manifest = serde_json::from_str(text).map_err(|e| Error::Manifest {
            path: path.to_owned(),
            message: format!("line {}, column {}: {}", e.line(), e.column(), strip_position(&e.to_string())),
        })?;
        manifest.checked(path)
    }

    /// A manifest listing `paths` in order, with no book metadata.
    pub fn of_files(paths: impl IntoIterator<Item = PathBuf>, options: Options) -> Manifest {
        let articles = paths.into_iter().map(|path| ManifestEntry { path, ..Default::default() }).collect();
        Manifest { book: CollectionMetadata::default(), options, articles }
    }

    fn checked(self, path: &Path) -> Result<Manifest> {
        if self.articles.is_empty() {
            return Err(Error::Manifest {
                path: path.to_owned(),
                message: "no article: list them as [[article]] tables (TOML) or an \"article\" array (JSON), each with a `path`".into(),
            });
        }
        if let Some(i) = self.articles.iter().position(|a| a.path.as_os_str().is_empty()) {
            return Err(Error::Manifest {
                path: path.to_owned(),
                message: format!("article {}: `path` is empty", i + 1),
            });
        }
        Ok(self)
    }

    /// The options for `entry`: the book's, with the entry's script,
    /// encoding and source facts laid over them.
    pub fn options_for(&self, entry: &ManifestEntry) -> Options {
        let mut o = self.options.clone();
        if let Some(script) = entry.script {
            o.script = script;
        }
        if entry.encoding.is_some() {
            o.encoding.clone_from(&entry.encoding);
        }
        let s = &mut o.source;
        for (field, given) in [
            (&mut s.title, &entry.title),
            (&mut s.url, &entry.url),
            (&mut s.site, &entry.site),
            (&mut s.author, &entry.author),
            (&mut s.date, &entry.date),
        ] {
            if given.is_some() {
                field.clone_from(given);
            }
        }
        o
    }

    /// Read and normalise every article (in parallel), and make the book.
    ///
    /// An article that cannot be read or normalised fails the book with its
    /// path named ([`Error::Article`]); with `skip_bad` it is left out
    /// instead, and the returned warnings say which and why. A book is never
    /// silently shorter than its manifest.
    ///
    /// ```
    /// use zharchive::manifest::Manifest;
    /// let dir = std::env::temp_dir().join(format!("zharchive-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// std::fs::write(dir.join("1.txt"), "第一篇\n\n正文。").unwrap();
    /// std::fs::write(dir.join("2.txt"), "").unwrap(); // empty: cannot be normalised
    /// let m = Manifest::of_files([dir.join("1.txt"), dir.join("2.txt")], Default::default());
    /// let err = m.collect(false).unwrap_err();
    /// assert!(err.to_string().contains("2.txt"), "{err}");
    /// let (book, warnings) = m.collect(true)?;
    /// assert_eq!((book.len(), warnings.len()), (1, 1));
    /// assert!(warnings[0].message.contains("2.txt"));
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), zharchive::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Article`] for the first article (in book order) that fails
    /// without `skip_bad`; [`Error::Options`] when no article is left.
    pub fn collect(&self, skip_bad: bool) -> Result<(Collection, Vec<Warning>)> {
        use rayon::prelude::*;
        crate::normalize::preload_for(self.articles.len());
        let results: Vec<Result<Article>> = self
            .articles
            .par_iter()
            .map(|entry| {
                let bytes =
                    std::fs::read(&entry.path).map_err(|source| Error::Io { path: entry.path.clone(), source })?;
                crate::normalize(&bytes, &self.options_for(entry))
            })
            .collect();
        let mut articles = Vec::with_capacity(results.len());
        let mut warnings = Vec::new();
        for (entry, result) in self.articles.iter().zip(results) {
            match result {
                Ok(article) => articles.push(article),
                Err(e) if skip_bad => warnings.push(Warning {
                    code: "article-left-out".into(),
                    message: format!("{} left out of the book: {e}", entry.path.display()),
                    source: None,
                    doubt: None,
                }),
                Err(e) => return Err(Error::Article { path: entry.path.clone(), source: Box::new(e) }),
            }
        }
        if articles.is_empty() {
            return Err(Error::Options("no article of the book could be normalised".into()));
        }
        Ok((Collection { metadata: self.book.clone(), articles }, warnings))
    }
}

/// The articles of `folder` in natural order (`2.txt` before `10.txt`):
/// files ending in `.txt`, `.text`, `.html` or `.htm`, not hidden. The other files are
/// returned second, so that a caller can say they were not taken.
///
/// # Errors
///
/// [`Error::Io`] when the folder cannot be listed.
pub fn text_files_in(folder: &Path) -> Result<(Vec<PathBuf>, Vec<PathBuf>)> {
    let io = |source| Error::Io { path: folder.to_owned(), source };
    let mut taken = Vec::new();
    let mut left = Vec::new();
    for entry in std::fs::read_dir(folder).map_err(io)? {
        let entry = entry.map_err(io)?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_text = matches!(
            path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref(),
            Some("txt" | "text" | "html" | "htm")
        );
        if !name.starts_with('.') && is_text && path.is_file() {
            taken.push(path);
        } else if !name.starts_with('.') {
            left.push(path);
        }
    }
    let key = |p: &PathBuf| p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    taken.sort_by(|a, b| natural_cmp(&key(a), &key(b)));
    left.sort_by(|a, b| natural_cmp(&key(a), &key(b)));
    Ok((taken, left))
}

/// Compare names the way people number files: runs of ASCII digits by
/// their value (`2` < `10`, `02` = `2` then by length), the rest by
/// character; ties broken bytewise so the order is total.
///
/// ```
/// use zharchive::manifest::natural_cmp;
/// let mut names = vec!["10.txt", "2.txt", "1.txt", "第2篇.txt", "02.txt"];
/// names.sort_by(|a, b| natural_cmp(a, b));
/// assert_eq!(names, ["1.txt", "2.txt", "02.txt", "10.txt", "第2篇.txt"]);
/// ```
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.as_bytes(), b.as_bytes());
    while !x.is_empty() && !y.is_empty() {
        if x[0].is_ascii_digit() && y[0].is_ascii_digit() {
            let dx = x.iter().take_while(|c| c.is_ascii_digit()).count();
            let dy = y.iter().take_while(|c| c.is_ascii_digit()).count();
            let (nx, ny) = (trim_zeros(&x[..dx]), trim_zeros(&y[..dy]));
            let by_value = nx.len().cmp(&ny.len()).then_with(|| nx.cmp(ny)).then(dx.cmp(&dy));
            if by_value != Ordering::Equal {
                return by_value;
            }
            x = &x[dx..];
            y = &y[dy..];
        } else {
            // Whole UTF-8 characters compare in code point order bytewise.
            match x[0].cmp(&y[0]) {
                Ordering::Equal => {
                    x = &x[1..];
                    y = &y[1..];
                }
                other => return other,
            }
        }
    }
    x.len().cmp(&y.len()).then_with(|| a.cmp(b))
}

fn trim_zeros(digits: &[u8]) -> &[u8] {
    let zeros = digits.iter().take_while(|&&c| c == b'0').count();
    &digits[zeros.min(digits.len().saturating_sub(1))..]
}

/// 1-based line and column of byte `offset` in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// serde_json's message without its own " at line L column C" tail (the
/// position is given first, in the same words as for TOML).
fn strip_position(message: &str) -> &str {
    message.rfind(" at line ").map_or(message, |i| &message[..i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_errors_name_the_line_and_the_field() {
        let e = Manifest::from_json(
            "{\n \"book\": {\"title\": \"x\"},\n \"article\": [{\"pth\": \"a.txt\"}]\n}",
            "b.json".as_ref(),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("line 3") && e.contains("pth"), "{e}");
        let e = Manifest::from_json("{\"book\": {}}", "b.json".as_ref()).unwrap_err().to_string();
        assert!(e.contains("no article"), "{e}");
    }

    #[test]
    fn an_entry_without_a_path_is_named() {
        let e = Manifest::from_toml("[[article]]\npath = \"a\"\n[[article]]\ntitle = \"b\"\n", "b.toml".as_ref())
            .unwrap_err()
            .to_string();
        assert!(e.contains("article 2") && e.contains("`path`"), "{e}");
    }

    #[test]
    fn toml_type_errors_name_the_line() {
        let e = Manifest::from_toml("[book]\ntitle = \"t\"\n\n[[article]]\npath = 3\n", "b.toml".as_ref())
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 5"), "{e}");
        let e = Manifest::from_toml("[[article]]\npath = \"a\"\nscript = \"martian\"\n", "b.toml".as_ref())
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 3") && e.contains("martian"), "{e}");
    }

    #[test]
    fn entry_fields_override_the_books_options() {
        let m = Manifest::from_toml(
            "[options]\nscript = \"traditional\"\n[[article]]\npath = \"a\"\nscript = \"keep\"\ntitle = \"题\"\n[[article]]\npath = \"b\"\n",
            "b.toml".as_ref(),
        )
        .unwrap();
        let (a, b) = (m.options_for(&m.articles[0]), m.options_for(&m.articles[1]));
        assert_eq!((a.script, b.script), (TargetScript::Keep, TargetScript::Traditional));
        assert_eq!((a.source.title.as_deref(), b.source.title.as_deref()), (Some("题"), None));
    }

    #[test]
    fn folders_list_text_files_in_natural_order() {
        let dir = std::env::temp_dir().join(format!("zharchive-natural-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for name in ["10.txt", "2.txt", "1.TXT", "notes.md", ".hidden.txt"] {
            std::fs::write(dir.join(name), "x").unwrap();
        }
        let (taken, left) = text_files_in(&dir).unwrap();
        let names =
            |v: &[PathBuf]| v.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect::<Vec<_>>();
        assert_eq!(names(&taken), ["1.TXT", "2.txt", "10.txt"]);
        assert_eq!(names(&left), ["notes.md"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn relative_paths_are_relative_to_the_manifest() {
        let dir = std::env::temp_dir().join(format!("zharchive-manifest-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("sub/book.json"), r#"{"article": [{"path": "a.txt"}, {"path": "/abs/b.txt"}]}"#)
            .unwrap();
        let m = Manifest::load(&dir.join("sub/book.json")).unwrap();
        assert_eq!(m.articles[0].path, dir.join("sub/a.txt"));
        assert_eq!(m.articles[1].path, Path::new("/abs/b.txt"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn natural_order_is_total_and_by_value() {
        assert_eq!(natural_cmp("a2b", "a10b"), Ordering::Less);
        assert_eq!(natural_cmp("a02", "a2"), Ordering::Greater);
        assert_eq!(natural_cmp("x", "x"), Ordering::Equal);
        assert_eq!(natural_cmp("x1", "x"), Ordering::Greater);
    }
}
