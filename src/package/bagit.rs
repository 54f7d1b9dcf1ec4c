//! BagIt 1.0 bags (RFC 8493): the packaging format libraries and archives
//! use to transfer files and check their fixity.
//!
//! A bag is a folder: the files themselves under `data/` (the *payload*),
//! and beside it *tag files* that say what the payload is and how to check
//! it. A [`BagWriter`] writes this layout (one folder per article when
//! [`BagWriter::add_article`] is used; any layout with
//! [`BagWriter::add_file`]):
//!
//! ```text
//! BAG/
//! ├── bagit.txt               BagIt-Version: 1.0, Tag-File-Character-Encoding: UTF-8
//! ├── bag-info.txt            Bag-Software-Agent, Bagging-Date, External-Identifier…,
//! │                           Payload-Oxum (bytes.files), then the caller's own fields
//! ├── manifest-sha256.txt     SHA-256 of every payload file
//! ├── manifest-sha512.txt     SHA-512 of every payload file
//! ├── tagmanifest-sha256.txt  SHA-256 of the four tag files above
//! └── data/
//!     └── <name>/
//!         ├── source/<file>   the source bytes exactly as received
//!         ├── <name>.tei.xml  the outputs the caller chose (TEI, EPUB, PDF, report …)
//!         └── …
//! ```
//!
//! # Determinism
//!
//! The same payload, date and fields give the same bag, byte for byte: the
//! manifests are sorted by path, `bag-info.txt` has a fixed order, and the
//! bagging date is the one the caller passes (this module never reads the
//! clock). `Bag-Software-Agent` names this crate and its version, so a bag
//! made by another version differs in that line.
//!
//! # Extending a bag, and crashes
//!
//! [`BagWriter::open`] on a folder that already holds a bag first checks the
//! whole bag (every manifest line, every payload file listed, the
//! `Payload-Oxum`) and refuses a bag that fails, or one holding tag files
//! of kinds it does not write (they would be lost). Its own `bag-info.txt`
//! fields are kept, except those the writer computes (`Bagging-Date`,
//! `Payload-Oxum`, `Bag-Software-Agent`, and a `Bag-Size` that would be
//! stale), which are written anew. It then builds the new bag
//! in a *sibling* folder, `.<BAG>.zharchive-<pid>.tmp`, next to the bag and
//! never inside it (a validator rejects payload files its manifests do not
//! list, so nothing new may appear under the old `data/`):
//!
//! 1. every old payload file is hard-linked into the new folder (copied
//!    where the file system has no hard links); a file given again is
//!    unlinked there first and written as a new file, so the old bag's
//!    files are never opened for writing;
//! 2. new payload files are written, then the tag files (manifests last but
//!    one, the tag manifest last), and every file and folder is `fsync`ed;
//! 3. the two folders are exchanged in one step (Linux `renameat2` with
//!    `RENAME_EXCHANGE`): `BAG` is now the new bag and the sibling the old
//!    one; the parent folder is `fsync`ed;
//! 4. the sibling (the old bag) is removed.
//!
//! A crash before step 3 leaves `BAG` untouched, a crash after it leaves the
//! new bag; either way `BAG` is a valid bag, and the leftover sibling lies
//! outside it. The next [`BagWriter::open`] removes leftover siblings. A
//! new bag is built the same way and renamed into place (an atomic rename
//! to a name that does not exist yet, on every platform). Platforms without
//! an atomic exchange of two folders get a clear error when extending
//! ([`crate::Error::Bag`]), never a half-swapped bag.
//!
//! One writer at a time: a writer holds a lock on `.<BAG>.zharchive.lock`
//! beside the bag (an empty file, left in place; the operating system
//! releases the lock when the process ends, however it ends), and a second
//! writer gets [`crate::Error::Bag`] instead of removing the first one's
//! folder or swapping its bag away.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256, Sha512};

use crate::render::Timestamp;
use crate::{Article, Error, Result};

/// The contents of `bagit.txt`.
const BAGIT_TXT: &str = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";

/// `Bag-Software-Agent`: this crate and its version.
const AGENT: &str = concat!(env!("CARGO_PKG_NAME"), " ", env!("CARGO_PKG_VERSION"));

/// `bag-info.txt` fields the writer computes; a caller may not set them.
const COMPUTED: [&str; 4] = ["Bag-Software-Agent", "Bagging-Date", "Payload-Oxum", "Bag-Size"];

/// The payload manifests the writer writes (and the only algorithms it
/// checks).
const ALGORITHMS: [&str; 2] = ["sha256", "sha512"];

/// The fixity of one payload file.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Fixity {
    sha256: String,
    sha512: String,
    len: u64,
}

impl Fixity {
    fn of(bytes: &[u8]) -> Fixity {
        Fixity { sha256: hex(&Sha256::digest(bytes)), sha512: hex(&Sha512::digest(bytes)), len: bytes.len() as u64 }
    }

    /// Hash a file in pieces (a payload file may be large).
    fn of_file(path: &Path) -> Result<Fixity> {
        let mut file = File::open(path).map_err(io(path))?;
        let (mut a, mut b, mut len) = (Sha256::new(), Sha512::new(), 0u64);
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = file.read(&mut buf).map_err(io(path))?;
            if n == 0 {
                break;
            }
            a.update(&buf[..n]);
            b.update(&buf[..n]);
            len += n as u64;
        }
        Ok(Fixity { sha256: hex(&a.finalize()), sha512: hex(&b.finalize()), len })
    }

    fn digest(&self, algorithm: &str) -> &str {
        if algorithm == "sha512" {
            &self.sha512
        } else {
            &self.sha256
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Io { path: path.to_owned(), source }
}

fn bag_error(dir: &Path, message: impl std::fmt::Display) -> Error {
    Error::Bag(format!("{}: {message}", dir.display()))
}

/// What a finished or checked bag holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct BagSummary {
    /// Payload files in the bag.
    pub files: usize,
    /// Payload bytes in the bag.
    pub bytes: u64,
    /// Payload files this writer added that the bag did not hold before.
    pub added: usize,
    /// Payload files this writer wrote again (the old bag held the path).
    pub replaced: usize,
    /// Whether the writer extended an existing bag.
    pub extended: bool,
}

/// Writes a BagIt 1.0 bag, or extends one, so that the folder always holds
/// a valid bag (see the [module docs](self) for the scheme).
///
/// Files are written as they are added (into a folder beside the bag), so
/// memory does not grow with the bag; [`BagWriter::finish`] writes the tag
/// files and puts the new bag in place. Dropping the writer without
/// finishing leaves the old bag (or no bag) as it was.
///
/// ```
/// use zharchive::package::bagit::{validate, BagWriter};
/// use zharchive::render::Timestamp;
/// # let dir = std::env::temp_dir().join(format!("zharchive-bag-doc-{}", std::process::id()));
/// # let _ = std::fs::remove_dir_all(&dir);
/// let source = "標題\n\n會議開始了。".as_bytes();
/// let article = zharchive::normalize(source, &Default::default())?;
/// let date = Timestamp::parse("2024-06-15")?;
///
/// let mut bag = BagWriter::open(&dir, date)?;
/// bag.info_line("Source-Organization: 示例图书馆")?;
/// bag.add_article("a1", "a1.txt", source, &article, [("a1.txt.report", b"{}".as_slice())])?;
/// let summary = bag.finish()?;
/// assert_eq!((summary.files, summary.extended), (2, false));
/// assert!(std::fs::read_to_string(dir.join("bag-info.txt"))?.contains("Bagging-Date: 2024-06-15\n"));
///
/// // A second run adds to the same bag; the folder is a valid bag throughout.
/// let mut bag = BagWriter::open(&dir, date)?;
/// bag.add_file("notes/readme.txt", "第二批".as_bytes())?;
/// assert_eq!(bag.finish()?.files, 3);
/// assert_eq!(validate(&dir)?.files, 3);
///
/// // A flipped byte is caught.
/// let path = dir.join("data/notes/readme.txt");
/// let mut bytes = std::fs::read(&path)?;
/// bytes[0] ^= 1;
/// std::fs::write(&path, bytes)?;
/// assert!(validate(&dir).is_err());
/// # std::fs::remove_dir_all(&dir)?;
/// # std::fs::remove_file(dir.with_file_name(format!(".zharchive-bag-doc-{}.zharchive.lock", std::process::id())))?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct BagWriter {
    /// Where the bag is (or will be).
    dir: PathBuf,
    /// The sibling folder the new bag is built in.
    stage: PathBuf,
    /// `dir` held a bag when the writer was opened.
    existing: bool,
    /// `dir` was an empty folder (removed before the new bag is renamed in).
    empty_dir: bool,
    /// Payload path (below `data/`) → fixity, old files included.
    entries: BTreeMap<String, Fixity>,
    /// Paths the old bag held.
    old: BTreeSet<String>,
    /// Paths this writer wrote.
    written: BTreeSet<String>,
    date: Timestamp,
    external: BTreeSet<String>,
    info: Vec<(String, String)>,
    finished: bool,
    /// Held until the writer is dropped (closing the file releases it).
    _lock: File,
}

impl BagWriter {
    /// Start writing the bag at `dir`: a new bag if `dir` does not exist
    /// (or is an empty folder), else an extension of the bag there, whose
    /// files, `External-Identifier`s and own `bag-info.txt` fields are kept.
    /// `bagging_date` becomes `Bagging-Date`.
    ///
    /// # Errors
    ///
    /// [`Error::Bag`] if `dir` holds something that is not a bag, or a bag
    /// that fails validation (it is not extended: its damage would be
    /// hidden under new checksums); [`Error::Io`] if the folder beside it
    /// cannot be written.
    pub fn open(dir: impl AsRef<Path>, bagging_date: Timestamp) -> Result<BagWriter> {
        let dir = dir.as_ref().to_owned();
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| bag_error(&dir, "the bag's folder needs a name in UTF-8"))?
            .to_owned();
        let parent = match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent).map_err(io(&parent))?;
        let lock = lock(&parent.join(format!(".{name}.zharchive.lock")), &dir)?;
        remove_leftovers(&parent, &name)?;
        let stage = parent.join(format!(".{name}.zharchive-{}.tmp", std::process::id()));
        let mut writer = BagWriter {
            dir,
            stage,
            existing: false,
            empty_dir: false,
            entries: BTreeMap::new(),
            old: BTreeSet::new(),
            written: BTreeSet::new(),
            date: bagging_date,
            external: BTreeSet::new(),
            info: Vec::new(),
            finished: false,
            _lock: lock,
        };
        let data = writer.stage.join("data");
        fs::create_dir_all(&data).map_err(io(&data))?;
        match fs::read_dir(&writer.dir) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(&writer.dir)(e)),
            Ok(mut entries) => {
                if entries.next().is_none() {
                    writer.empty_dir = true;
                } else if !writer.dir.join("bagit.txt").is_file() {
                    return Err(bag_error(&writer.dir, "the folder is not empty and holds no bagit.txt: not a bag"));
                } else {
                    writer.take_over_old_bag()?;
                }
            }
        }
        Ok(writer)
    }

    /// Check the old bag, link its payload into the new one and keep its
    /// own `bag-info.txt` fields.
    fn take_over_old_bag(&mut self) -> Result<()> {
        // Tag files this writer does not write would be lost: refuse.
        for entry in fs::read_dir(&self.dir).map_err(io(&self.dir))? {
            let name = entry.map_err(io(&self.dir))?.file_name().to_string_lossy().into_owned();
            let ours = matches!(name.as_str(), "bagit.txt" | "bag-info.txt" | "data")
                || ((name.starts_with("manifest-") || name.starts_with("tagmanifest-")) && name.ends_with(".txt"));
            if !ours {
                return Err(bag_error(
                    &self.dir,
                    format!("the bag holds {name}, which extending it would not carry over; it is left as it is"),
                ));
            }
        }
        let old = read_bag(&self.dir)?;
        for (path, fixity) in old.payload {
            let from = self.dir.join("data").join(&path);
            let to = self.stage.join("data").join(&path);
            if let Some(parent) = to.parent() {
                fs::create_dir_all(parent).map_err(io(parent))?;
            }
            if fs::hard_link(&from, &to).is_err() {
                fs::copy(&from, &to).map_err(io(&to))?;
                File::open(&to).and_then(|f| f.sync_all()).map_err(io(&to))?;
            }
            self.old.insert(path.clone());
            self.entries.insert(path, fixity);
        }
        for (key, value) in old.info {
            if !COMPUTED.iter().any(|c| c.eq_ignore_ascii_case(&key)) {
                self.info(&key, &value)?;
            }
        }
        self.existing = true;
        Ok(())
    }

    /// Add a `bag-info.txt` field. `External-Identifier` joins the sorted
    /// identifiers; other fields are written after the computed ones in the
    /// order given (a field given twice with the same value once).
    ///
    /// # Errors
    ///
    /// [`Error::Bag`] for a computed field (`Bagging-Date`,
    /// `Payload-Oxum`, `Bag-Software-Agent`, `Bag-Size`), an empty label, a
    /// label with a colon or surrounding spaces, or a line break or control
    /// character in either.
    pub fn info(&mut self, key: &str, value: &str) -> Result<&mut Self> {
        let bad = |why: &str| Error::Bag(format!("bag-info field {key:?}: {why}"));
        if key.is_empty() || key.trim() != key || key.contains(':') {
            return Err(bad("a label is a non-empty word without colons or surrounding spaces"));
        }
        if key.chars().chain(value.chars()).any(char::is_control) {
            return Err(bad("line breaks and control characters cannot be written in bag-info.txt"));
        }
        if COMPUTED.iter().any(|c| c.eq_ignore_ascii_case(key)) {
            return Err(bad("the bag writer computes this field"));
        }
        let value = value.trim();
        if key.eq_ignore_ascii_case("External-Identifier") {
            self.external.insert(value.to_owned());
        } else if !self.info.iter().any(|(k, v)| k == key && v == value) {
            self.info.push((key.to_owned(), value.to_owned()));
        }
        Ok(self)
    }

    /// [`BagWriter::info`] from a `Key: Value` line (as on a command line).
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("zharchive-bag-line-{}", std::process::id()));
    /// let mut bag = zharchive::package::bagit::BagWriter::open(&dir, zharchive::render::Timestamp::DEFAULT)?;
    /// assert!(bag.info_line("Contact-Name: 王小明").is_ok());
    /// assert!(bag.info_line("no colon here").is_err());
    /// assert!(bag.info_line("Payload-Oxum: 1.1").is_err());
    /// # drop(bag);
    /// # let _ = std::fs::remove_file(std::env::temp_dir().join(format!(".zharchive-bag-line-{}.zharchive.lock", std::process::id())));
    /// # Ok::<(), zharchive::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Bag`] for a line without `:` and as [`BagWriter::info`].
    pub fn info_line(&mut self, line: &str) -> Result<&mut Self> {
        let (key, value) =
            line.split_once(':').ok_or_else(|| Error::Bag(format!("bag-info field {line:?} is not `Key: Value`")))?;
        self.info(key.trim(), value)
    }

    /// Write one payload file at `data/<path>` (`/` between folders). A
    /// path the bag already holds is replaced (written as a new file; the
    /// old bag's file is left alone until the swap).
    ///
    /// # Errors
    ///
    /// [`Error::Bag`] for a path BagIt tools cannot carry safely (empty
    /// parts, `.` or `..`, a leading `/`, backslashes, `%`, control
    /// characters, parts that begin or end with a space); [`Error::Io`] if
    /// the file cannot be written.
    pub fn add_file(&mut self, path: &str, bytes: &[u8]) -> Result<&mut Self> {
        check_payload_path(path)?;
        let to = self.stage.join("data").join(path);
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent).map_err(io(parent))?;
        }
        // Never write through a hard link to the old bag's file: unlink it.
        match fs::remove_file(&to) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(&to)(e)),
            _ => {}
        }
        write_synced(&to, bytes)?;
        self.entries.insert(path.to_owned(), Fixity::of(bytes));
        self.written.insert(path.to_owned());
        Ok(self)
    }

    /// Add one article: its source bytes exactly as received at
    /// `data/<name>/source/<source_name>`, and each `(file name, bytes)` of
    /// `outputs` at `data/<name>/<file name>`. The article's source URL, if
    /// it has one, becomes an `External-Identifier`.
    ///
    /// # Errors
    ///
    /// [`Error::Bag`] if `source` is not the input the article was
    /// normalised from (its SHA-256 differs from the one the article
    /// records), or for a name [`BagWriter::add_file`] refuses; [`Error::Io`]
    /// if a file cannot be written.
    pub fn add_article<'a>(
        &mut self,
        name: &str,
        source_name: &str,
        source: &[u8],
        article: &Article,
        outputs: impl IntoIterator<Item = (&'a str, &'a [u8])>,
    ) -> Result<&mut Self> {
        let recorded = &article.metadata.source_sha256;
        if !recorded.is_empty() && *recorded != hex(&Sha256::digest(source)) {
            return Err(Error::Bag(format!(
                "{name}: the source bytes given are not the ones the article was normalised from (SHA-256 differs from {recorded})"
            )));
        }
        if source_name.contains('/') {
            return Err(Error::Bag(format!("{name}: the source file name {source_name:?} holds a '/'")));
        }
        self.add_file(&format!("{name}/source/{source_name}"), source)?;
        for (file, bytes) in outputs {
            if file.contains('/') {
                return Err(Error::Bag(format!("{name}: the output file name {file:?} holds a '/'")));
            }
            self.add_file(&format!("{name}/{file}"), bytes)?;
        }
        if let Some(url) = article.metadata.source.url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            self.info("External-Identifier", url)?;
        }
        Ok(self)
    }

    /// Whether the bag (old files included) holds `data/<path>`.
    pub fn contains(&self, path: &str) -> bool {
        self.entries.contains_key(path)
    }

    /// Write the tag files and put the new bag in place (see the
    /// [module docs](self)).
    ///
    /// # Errors
    ///
    /// [`Error::Io`] if a file cannot be written or synced, [`Error::Bag`]
    /// if the folders cannot be swapped; the old bag is then unchanged.
    pub fn finish(mut self) -> Result<BagSummary> {
        let tags = self.tag_files();
        for (name, bytes) in &tags {
            write_synced(&self.stage.join(name), bytes)?;
        }
        sync_tree(&self.stage)?;
        if self.existing {
            exchange(&self.stage, &self.dir)?;
            sync_parent(&self.dir)?;
            self.finished = true;
            // The sibling now holds the old bag; the new one is in place, so
            // this is tidying only: what stays is removed by the next open.
            let _ = fs::remove_dir_all(&self.stage);
        } else {
            if self.empty_dir {
                fs::remove_dir(&self.dir).map_err(io(&self.dir))?;
            }
            fs::rename(&self.stage, &self.dir).map_err(io(&self.dir))?;
            sync_parent(&self.dir)?;
            self.finished = true;
        }
        Ok(BagSummary {
            files: self.entries.len(),
            bytes: self.entries.values().map(|f| f.len).sum(),
            added: self.written.difference(&self.old).count(),
            replaced: self.written.intersection(&self.old).count(),
            extended: self.existing,
        })
    }

    /// The tag files, in the order they are written (the tag manifest last).
    fn tag_files(&self) -> Vec<(&'static str, Vec<u8>)> {
        let bytes: u64 = self.entries.values().map(|f| f.len).sum();
        let mut info = format!("Bag-Software-Agent: {AGENT}\nBagging-Date: {}\n", self.date.date());
        for id in &self.external {
            info.push_str(&format!("External-Identifier: {id}\n"));
        }
        info.push_str(&format!("Payload-Oxum: {bytes}.{}\n", self.entries.len()));
        for (key, value) in &self.info {
            info.push_str(&format!("{key}: {value}\n"));
        }
        let mut tags = vec![("bagit.txt", BAGIT_TXT.as_bytes().to_vec()), ("bag-info.txt", info.into_bytes())];
        for (name, algorithm) in [("manifest-sha256.txt", "sha256"), ("manifest-sha512.txt", "sha512")] {
            let mut manifest = String::new();
            for (path, fixity) in &self.entries {
                manifest.push_str(&format!("{}  data/{path}\n", fixity.digest(algorithm)));
            }
            tags.push((name, manifest.into_bytes()));
        }
        let mut tagmanifest = String::new();
        for (name, bytes) in &tags {
            tagmanifest.push_str(&format!("{}  {name}\n", hex(&Sha256::digest(bytes))));
        }
        tags.push(("tagmanifest-sha256.txt", tagmanifest.into_bytes()));
        tags
    }
}

impl Drop for BagWriter {
    /// An unfinished bag is thrown away; the old one was never touched.
    fn drop(&mut self) {
        if !self.finished {
            let _ = fs::remove_dir_all(&self.stage);
        }
    }
}

/// Check the bag at `dir` the way a BagIt validator does: `bagit.txt` is
/// there; every line of every payload manifest (`manifest-sha256.txt`,
/// `manifest-sha512.txt`) names a file under `data/` with that checksum;
/// every file under `data/` is listed in every payload manifest; the
/// `Payload-Oxum` in `bag-info.txt`, if any, matches; every line of the
/// tag manifests matches its tag file.
///
/// ```
/// let missing = std::env::temp_dir().join("zharchive-no-such-bag");
/// assert!(zharchive::package::bagit::validate(&missing).is_err());
/// ```
///
/// # Errors
///
/// [`Error::Bag`] naming the first problem found (including a manifest for
/// an algorithm other than SHA-256 and SHA-512, which this crate does not
/// compute); [`Error::Io`] if a file cannot be read.
pub fn validate(dir: impl AsRef<Path>) -> Result<BagSummary> {
    let bag = read_bag(dir.as_ref())?;
    Ok(BagSummary {
        files: bag.payload.len(),
        bytes: bag.payload.values().map(|f| f.len).sum(),
        ..BagSummary::default()
    })
}

/// A checked bag: payload fixities and `bag-info.txt` fields.
struct ReadBag {
    payload: BTreeMap<String, Fixity>,
    info: Vec<(String, String)>,
}

fn read_bag(dir: &Path) -> Result<ReadBag> {
    let bagit = fs::read_to_string(dir.join("bagit.txt")).map_err(|e| bag_error(dir, format!("bagit.txt: {e}")))?;
    if !bagit.lines().any(|l| l.starts_with("BagIt-Version:")) {
        return Err(bag_error(dir, "bagit.txt has no BagIt-Version line"));
    }
    // The payload as found on disk.
    let mut payload = BTreeMap::new();
    let data = dir.join("data");
    if !data.is_dir() {
        return Err(bag_error(dir, "there is no data/ folder"));
    }
    walk(&data, "", &mut |path, file| {
        payload.insert(path, Fixity::of_file(file)?);
        Ok(())
    })?;
    // Payload manifests.
    let mut manifests = 0;
    for entry in fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let (tag, algorithm) = if let Some(a) = name.strip_prefix("manifest-") {
            (false, a)
        } else if let Some(a) = name.strip_prefix("tagmanifest-") {
            (true, a)
        } else {
            continue;
        };
        let Some(algorithm) = algorithm.strip_suffix(".txt") else { continue };
        if !ALGORITHMS.contains(&algorithm) {
            return Err(bag_error(dir, format!("{name}: the algorithm {algorithm:?} is not one this crate checks")));
        }
        let text = fs::read_to_string(entry.path()).map_err(io(&entry.path()))?;
        let mut listed = BTreeSet::new();
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let at = || format!("{name} line {}", number + 1);
            let (digest, path) = line
                .split_once(char::is_whitespace)
                .ok_or_else(|| bag_error(dir, format!("{}: not `CHECKSUM PATH`", at())))?;
            let path = path.trim_start().trim_start_matches('*');
            let actual = if tag {
                let file = dir.join(path);
                if path.contains("..") || path.starts_with('/') || !file.is_file() {
                    return Err(bag_error(dir, format!("{}: {path} is not a tag file of the bag", at())));
                }
                Fixity::of_file(&file)?.digest(algorithm).to_owned()
            } else {
                let inner = path
                    .strip_prefix("data/")
                    .ok_or_else(|| bag_error(dir, format!("{}: {path} is not under data/", at())))?;
                payload
                    .get(inner)
                    .ok_or_else(|| bag_error(dir, format!("{}: {path} is listed but not in the bag", at())))?
                    .digest(algorithm)
                    .to_owned()
            };
            if !actual.eq_ignore_ascii_case(digest) {
                return Err(bag_error(
                    dir,
                    format!("{}: {path} has {algorithm} {actual}, the manifest says {digest}", at()),
                ));
            }
            listed.insert(path.to_owned());
        }
        if !tag {
            manifests += 1;
            if let Some(unlisted) = payload.keys().find(|p| !listed.contains(&format!("data/{p}"))) {
                return Err(bag_error(dir, format!("data/{unlisted} is not listed in {name}")));
            }
        }
    }
    if manifests == 0 {
        return Err(bag_error(dir, "there is no payload manifest (manifest-sha256.txt or manifest-sha512.txt)"));
    }
    let info = match fs::read_to_string(dir.join("bag-info.txt")) {
        Ok(text) => parse_info(&text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(io(&dir.join("bag-info.txt"))(e)),
    };
    if let Some((_, oxum)) = info.iter().find(|(k, _)| k.eq_ignore_ascii_case("Payload-Oxum")) {
        let bytes: u64 = payload.values().map(|f| f.len).sum();
        let actual = format!("{bytes}.{}", payload.len());
        if *oxum != actual {
            return Err(bag_error(dir, format!("Payload-Oxum is {oxum}, the payload is {actual}")));
        }
    }
    Ok(ReadBag { payload, info })
}

/// `bag-info.txt` fields; a line starting with a space or tab continues
/// the field before it.
fn parse_info(text: &str) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = fields.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((key, value)) = line.split_once(':') {
            fields.push((key.trim().to_owned(), value.trim().to_owned()));
        }
    }
    fields
}

/// Every regular file below `folder`, as `a/b/c` paths (sorted walk).
fn walk(folder: &Path, prefix: &str, found: &mut dyn FnMut(String, &Path) -> Result<()>) -> Result<()> {
    let mut entries: Vec<_> =
        fs::read_dir(folder).map_err(io(folder))?.collect::<Result<_, _>>().map_err(io(folder))?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let name = entry
            .file_name()
            .into_string()
            .map_err(|n| Error::Bag(format!("{}: the name {n:?} is not UTF-8", folder.display())))?;
        let inner = if prefix.is_empty() { name } else { format!("{prefix}/{name}") };
        let kind = entry.file_type().map_err(io(&path))?;
        if kind.is_dir() {
            walk(&path, &inner, found)?;
        } else {
            found(inner, &path)?;
        }
    }
    Ok(())
}

/// Refuse payload paths that BagIt tools would read back differently.
fn check_payload_path(path: &str) -> Result<()> {
    let bad = |why: &str| Err(Error::Bag(format!("payload path {path:?}: {why}")));
    if path.is_empty() || path.starts_with('/') {
        return bad("a payload path is relative to data/ and not empty");
    }
    for part in path.split('/') {
        if part.is_empty() || part == "." || part == ".." {
            return bad("empty, `.` and `..` parts are not allowed");
        }
        if part.starts_with(char::is_whitespace) || part.ends_with(char::is_whitespace) {
            return bad("a part may not begin or end with a space (manifest readers trim them)");
        }
        if part.chars().any(|c| c.is_control() || c == '\\' || c == '%') {
            return bad("control characters, `\\` and `%` are not allowed (BagIt tools decode them differently)");
        }
    }
    Ok(())
}

/// Write a file and flush it to disk.
fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = File::create(path).map_err(io(path))?;
    file.write_all(bytes).and_then(|()| file.sync_all()).map_err(io(path))
}

/// `fsync` every folder below and including `root`, so that the names of
/// the files in it are on disk before the swap (the files are synced as
/// they are written).
fn sync_tree(root: &Path) -> Result<()> {
    sync_dir(root)?;
    for entry in fs::read_dir(root).map_err(io(root))? {
        let entry = entry.map_err(io(root))?;
        if entry.file_type().map_err(io(&entry.path()))?.is_dir() {
            sync_tree(&entry.path())?;
        }
    }
    Ok(())
}

fn sync_parent(path: &Path) -> Result<()> {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => sync_dir(p),
        _ => sync_dir(Path::new(".")),
    }
}

/// `fsync` a folder (Unix); elsewhere folders cannot be opened for it and
/// the rename is what the platform offers.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir).and_then(|f| f.sync_all()).map_err(io(dir))
}

#[cfg(not(unix))]
fn sync_dir(_: &Path) -> Result<()> {
    Ok(())
}

/// Take the bag's lock (created if missing, never removed: removing it
/// would let two writers lock two different files).
fn lock(path: &Path, dir: &Path) -> Result<File> {
    let file = fs::OpenOptions::new().create(true).truncate(false).write(true).open(path).map_err(io(path))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => {
            Err(bag_error(dir, "another writer is working on this bag (one at a time); try again when it has finished"))
        }
        Err(fs::TryLockError::Error(e)) => Err(io(path)(e)),
    }
}

/// Remove what a killed writer left beside the bag (`.<name>.zharchive-*.tmp`).
fn remove_leftovers(parent: &Path, name: &str) -> Result<()> {
    let prefix = format!(".{name}.zharchive-");
    for entry in fs::read_dir(parent).map_err(io(parent))? {
        let entry = entry.map_err(io(parent))?;
        let file_name = entry.file_name();
        let Some(n) = file_name.to_str() else { continue };
        if n.starts_with(&prefix) && n.ends_with(".tmp") {
            fs::remove_dir_all(entry.path()).map_err(io(&entry.path()))?;
        }
    }
    Ok(())
}

/// Exchange two folders in one step.
#[cfg(target_os = "linux")]
fn exchange(new: &Path, old: &Path) -> Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, new, CWD, old, RenameFlags::EXCHANGE).map_err(|e| {
        bag_error(
            old,
            format!(
                "cannot swap in the extended bag atomically (renameat2 RENAME_EXCHANGE: {}); the bag is unchanged",
                std::io::Error::from(e)
            ),
        )
    })
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, old: &Path) -> Result<()> {
    Err(bag_error(
        old,
        "extending a bag in place needs an atomic exchange of two folders (Linux renameat2), which this platform does not offer; the bag is unchanged (write a new bag instead)",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("zharchive-bagit-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn date() -> Timestamp {
        Timestamp::parse("2024-06-15").unwrap()
    }

    fn article(text: &str, url: Option<&str>) -> Article {
        let mut options = crate::Options::default();
        options.source.url = url.map(str::to_owned);
        crate::normalize(text.as_bytes(), &options).unwrap()
    }

    /// Every file of a folder, path → bytes.
    fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        let mut files = BTreeMap::new();
        walk(dir, "", &mut |path, file| {
            files.insert(path, fs::read(file).unwrap());
            Ok(())
        })
        .unwrap();
        files
    }

    fn write_bag(dir: &Path, batches: &[&[(&str, &str)]]) {
        for batch in batches {
            let mut bag = BagWriter::open(dir, date()).unwrap();
            bag.info_line("Source-Organization: 测试馆").unwrap();
            for (name, text) in batch.iter() {
                let a = article(text, Some(&format!("https://example.com/{name}")));
                bag.add_article(name, &format!("{name}.txt"), text.as_bytes(), &a, [("x.txt", b"out".as_slice())])
                    .unwrap();
            }
            bag.finish().unwrap();
        }
    }

    const A: (&str, &str) = ("a", "標題\n\n會議開始了。");
    const B: (&str, &str) = ("b", "第二篇\n\n大家好。");

    #[test]
    fn the_same_inputs_give_the_same_bag_and_two_runs_the_same_as_one() {
        let root = scratch("same");
        write_bag(&root.join("one"), &[&[A, B]]);
        write_bag(&root.join("two"), &[&[A, B]]);
        write_bag(&root.join("runs"), &[&[A], &[B]]);
        let one = snapshot(&root.join("one"));
        assert_eq!(one, snapshot(&root.join("two")));
        assert_eq!(one, snapshot(&root.join("runs")), "extending gives the bag written at once");
        let info = String::from_utf8(one["bag-info.txt"].clone()).unwrap();
        let oxum: u64 = one.iter().filter(|(p, _)| p.starts_with("data/")).map(|(_, b)| b.len() as u64).sum();
        assert_eq!(
            info,
            format!(
                "Bag-Software-Agent: {AGENT}\nBagging-Date: 2024-06-15\nExternal-Identifier: https://example.com/a\n\
                 External-Identifier: https://example.com/b\nPayload-Oxum: {oxum}.4\nSource-Organization: 测试馆\n"
            )
        );
        assert_eq!(one["data/a/source/a.txt"], A.1.as_bytes(), "the source bytes as given");
        let manifest = String::from_utf8(one["manifest-sha256.txt"].clone()).unwrap();
        let paths: Vec<&str> = manifest.lines().map(|l| l.split_once("  ").unwrap().1).collect();
        assert_eq!(paths, ["data/a/source/a.txt", "data/a/x.txt", "data/b/source/b.txt", "data/b/x.txt"]);
        assert_eq!(validate(root.join("runs")).unwrap().files, 4);
        let beside: Vec<String> =
            fs::read_dir(&root).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        assert!(beside.iter().all(|n| !n.starts_with('.') || n.ends_with(".zharchive.lock")), "{beside:?}");
        fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn validation_catches_a_flipped_byte_an_unlisted_file_and_a_wrong_oxum() {
        let root = scratch("damage");
        let good = root.join("good");
        write_bag(&good, &[&[A]]);
        let copy = |name: &str| {
            let dir = root.join(name);
            for (path, bytes) in snapshot(&good) {
                let to = dir.join(&path);
                fs::create_dir_all(to.parent().unwrap()).unwrap();
                fs::write(to, bytes).unwrap();
            }
            validate(&dir).unwrap();
            dir
        };
        let flipped = copy("flipped");
        let file = flipped.join("data/a/source/a.txt");
        let mut bytes = fs::read(&file).unwrap();
        bytes[3] ^= 0x20;
        fs::write(&file, bytes).unwrap();
        let e = validate(&flipped).unwrap_err().to_string();
        assert!(e.contains("data/a/source/a.txt has sha"), "{e}");

        let extra = copy("extra");
        fs::write(extra.join("data/a/stray.txt"), b"x").unwrap();
        assert!(validate(&extra).unwrap_err().to_string().contains("data/a/stray.txt is not listed"));

        let oxum = copy("oxum");
        let info = fs::read_to_string(oxum.join("bag-info.txt")).unwrap().replace("Payload-Oxum: ", "Payload-Oxum: 1");
        fs::write(oxum.join("bag-info.txt"), info).unwrap();
        let e = validate(&oxum).unwrap_err().to_string();
        assert!(e.contains("bag-info.txt") || e.contains("Payload-Oxum"), "{e}");

        // A damaged bag is not extended (its damage would get new checksums).
        let e = BagWriter::open(&flipped, date()).unwrap_err().to_string();
        assert!(e.contains("has sha"), "{e}");
        fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn extending_replaces_a_file_without_touching_the_old_bag_until_the_swap() {
        let root = scratch("replace");
        let dir = root.join("bag");
        write_bag(&dir, &[&[A]]);
        let before = snapshot(&dir);
        let mut bag = BagWriter::open(&dir, date()).unwrap();
        bag.add_file("a/x.txt", b"new output").unwrap();
        assert!(bag.contains("a/source/a.txt") && !bag.contains("b/x.txt"));
        assert_eq!(snapshot(&dir), before, "the old bag is untouched while the new one is built");
        drop(bag);
        assert_eq!(snapshot(&dir), before, "an unfinished writer leaves the old bag");
        assert_eq!(fs::read_dir(&root).unwrap().count(), 2, "and no folder beside it (only the lock)");

        // One writer at a time.
        let first = BagWriter::open(&dir, date()).unwrap();
        let e = BagWriter::open(&dir, date()).unwrap_err().to_string();
        assert!(e.contains("another writer"), "{e}");
        drop(first);

        let mut bag = BagWriter::open(&dir, date()).unwrap();
        bag.add_file("a/x.txt", b"new output").unwrap();
        let summary = bag.finish().unwrap();
        assert_eq!((summary.files, summary.added, summary.replaced, summary.extended), (2, 0, 1, true));
        assert_eq!(fs::read(dir.join("data/a/x.txt")).unwrap(), b"new output");
        validate(&dir).unwrap();
        fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn bad_names_fields_and_sources_are_refused() {
        let root = scratch("refuse");
        let mut bag = BagWriter::open(root.join("bag"), date()).unwrap();
        for path in ["", "/abs", "a//b", "../up", "a/./b", "a%20b", "line\nbreak", " lead", "back\\slash"] {
            assert!(bag.add_file(path, b"x").is_err(), "{path:?}");
        }
        for line in ["Bagging-Date: 2000-01-01", "payload-oxum: 1.1", "No colon", ": empty", "Key: a\u{7}b"] {
            assert!(bag.info_line(line).is_err(), "{line:?}");
        }
        let a = article(A.1, None);
        let e = bag.add_article("a", "a.txt", b"other bytes", &a, []).unwrap_err().to_string();
        assert!(e.contains("SHA-256 differs"), "{e}");
        let dir = root.join("foreign");
        write_bag(&dir, &[&[A]]);
        fs::write(dir.join("aptrust-info.txt"), b"Title: x\n").unwrap();
        let e = BagWriter::open(&dir, date()).unwrap_err().to_string();
        assert!(e.contains("aptrust-info.txt"), "a tag file it would drop: {e}");
        fs::create_dir_all(root.join("notabag")).unwrap();
        fs::write(root.join("notabag/file"), b"x").unwrap();
        assert!(BagWriter::open(root.join("notabag"), date()).unwrap_err().to_string().contains("not a bag"));
        drop(bag);
        fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn leftovers_of_a_killed_writer_are_removed_and_an_empty_folder_becomes_a_bag() {
        let root = scratch("leftover");
        let dir = root.join("bag");
        fs::create_dir_all(&dir).unwrap();
        fs::create_dir_all(root.join(".bag.zharchive-1.tmp/data")).unwrap();
        let mut bag = BagWriter::open(&dir, date()).unwrap();
        bag.add_file("f.txt", b"x").unwrap();
        assert!(!root.join(".bag.zharchive-1.tmp").exists());
        assert_eq!(bag.finish().unwrap().files, 1);
        validate(&dir).unwrap();
        fs::remove_dir_all(root).unwrap();
    }
}
