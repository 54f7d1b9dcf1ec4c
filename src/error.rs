//! The crate's one error type.

use std::path::PathBuf;

/// Everything that can go wrong, with messages a person can act on.
///
/// Damage the pipeline could not undo is *not* an error: it is reported as a
/// [`crate::Warning`] in the article, and the text is kept as it was.
///
/// ```
/// use zharchive::{normalize, Error, Options};
/// assert!(matches!(normalize(b" \n", &Options::default()), Err(Error::Empty)));
/// let small = Options { max_input_bytes: 4, ..Options::default() };
/// let err = normalize("标题\n\n正文".as_bytes(), &small).unwrap_err();
/// assert!(matches!(err, Error::TooLarge { size: 14, limit: 4 }));
/// assert!(err.to_string().contains("raise Options::max_input_bytes"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input has no bytes, or only whitespace.
    #[error("the input is empty: there is no article to normalise")]
    Empty,

    /// The input is larger than [`crate::Options::max_input_bytes`].
    #[error(
        "the input is {size} bytes, over the limit of {limit} bytes (raise Options::max_input_bytes to accept it)"
    )]
    TooLarge {
        /// Input size in bytes.
        size: u64,
        /// The limit in force.
        limit: u64,
    },

    /// The input does not look like text in any supported encoding.
    #[error("the input looks binary, not like text: {reason}")]
    Binary {
        /// Why it was judged binary.
        reason: String,
    },

    /// The caller named an encoding that does not exist.
    #[error("unknown encoding label {0:?} (try utf-8, gb18030, gbk, big5, utf-16le or utf-16be)")]
    UnknownEncoding(String),

    /// After removing boilerplate nothing of the article was left.
    #[error("nothing is left after normalisation: the input holds only boilerplate or whitespace")]
    NothingLeft,

    /// Options that cannot work together, or an invalid value.
    #[error("invalid options: {0}")]
    Options(String),

    /// A writer could not produce its format.
    #[error("could not write {format}: {message}")]
    Render {
        /// `epub`, `pdf` or `tei`.
        format: &'static str,
        /// What went wrong.
        message: String,
    },

    /// A TEI record could not be read back.
    #[error("could not read the TEI record: {0}")]
    TeiRead(String),

    /// The source bytes could not be rebuilt from an article or a record
    /// (an encoding this crate cannot write, kept bytes that do not fit the
    /// text, or bytes whose SHA-256 is not the one recorded).
    #[error("could not rebuild the source: {0}")]
    Rebuild(String),

    /// A BagIt bag could not be written, extended or validated (a payload
    /// path or field BagIt cannot carry, a folder that is not a bag, a
    /// checksum that does not match).
    #[error("BagIt: {0}")]
    Bag(String),

    /// An HTML page could not be taken apart (too large, too many
    /// elements, no text).
    #[error("HTML: {0}")]
    Html(String),

    /// A book's manifest could not be read: the message names the line and
    /// the field.
    #[error("manifest {}: {message}", path.display())]
    Manifest {
        /// The manifest file.
        path: PathBuf,
        /// What is wrong, and where.
        message: String,
    },

    /// One article of a book could not be read or normalised, so the book
    /// was not made (see `skip_bad` in [`crate::manifest::Manifest::collect`]).
    #[error("{}: {source}", path.display())]
    Article {
        /// The article's file.
        path: PathBuf,
        /// Why it failed.
        source: Box<Error>,
    },

    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
