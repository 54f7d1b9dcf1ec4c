//! The EPUB container: a ZIP whose bytes depend only on its contents.
//!
//! epub-builder 0.8.3 does not export its `Zip` trait, so the only archive it
//! can write is its own `ZipLibrary`'s, which stamps every entry with the
//! current time: two runs never match. [`Package::from_zip`] therefore reads
//! that archive back into a list of files, and [`Package::to_zip`] writes them
//! again: `mimetype` first and stored (as OCF requires, so that a file's
//! first bytes identify it), every entry with the same fixed timestamp and
//! permissions, in epub-builder's order.
//!
//! The archive is written here rather than with the `zip` crate, which
//! builds a new deflate state for every entry: allocating and clearing
//! zlib's window and tables eight times per book was most of the cost of
//! writing one. One compressor, reset between entries, deflates them all.
//! The format is the plain one (APPNOTE 6.3.10, no ZIP64, no extra fields),
//! what every EPUB reader reads.
//!
//! Holding the files in between also lets the writer replace the documents
//! epub-builder renders in ways it cannot configure (see the parent module).

use std::io::{Cursor, Read};

use zip::{DateTime, ZipArchive};

use crate::error::Result;
use crate::render::Timestamp;

use super::render_error;

/// The files of an EPUB, in the order they were added.
#[derive(Debug, Default)]
pub(super) struct Package {
    files: Vec<(String, Vec<u8>)>,
    /// The raw deflate data of files deflated ahead ([`deflate_all`]), by
    /// path: a book's chapters are deflated while epub-builder lays out the
    /// package.
    deflated: std::collections::HashMap<String, Vec<u8>>,
}

impl Package {
    /// The files of a ZIP archive, in order, without `mimetype` (which
    /// [`Package::to_zip`] writes itself).
    pub fn from_zip(bytes: &[u8]) -> Result<Package> {
        let zip_error = |e: zip::result::ZipError| render_error(format!("cannot read epub-builder's archive: {e}"));
        let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(zip_error)?;
        let mut files = Vec::with_capacity(archive.len());
        for i in 0..archive.len() {
            let mut file = archive.by_index(i).map_err(zip_error)?;
            if file.is_dir() || file.name() == "mimetype" {
                continue;
            }
            let name = file.name().to_owned();
            let mut content = Vec::new();
            file.read_to_end(&mut content).map_err(|e| render_error(format!("cannot read {name}: {e}")))?;
            files.push((name, content));
        }
        Ok(Package { files, deflated: Default::default() })
    }

    /// Replace the content of a file epub-builder wrote.
    pub fn replace(&mut self, path: &str, content: Vec<u8>) -> Result<()> {
        *self.file_mut(path)? = content;
        Ok(())
    }

    /// [`replace`](Self::replace), with `content` already deflated (by
    /// [`deflate_all`]).
    pub fn replace_deflated(&mut self, path: &str, content: Vec<u8>, deflated: Vec<u8>) -> Result<()> {
        *self.file_mut(path)? = content;
        self.deflated.insert(path.to_owned(), deflated);
        Ok(())
    }

    /// Insert `text` before the only occurrence of `anchor` in a file.
    pub fn insert_before(&mut self, path: &str, anchor: &str, text: &str) -> Result<()> {
        let file = self.file_mut(path)?;
        let doc = std::str::from_utf8(file).map_err(|e| render_error(format!("{path} is not UTF-8: {e}")))?;
        let mut parts = doc.split(anchor);
        let (Some(head), Some(tail), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(render_error(format!("{path}: expected exactly one {anchor:?} from epub-builder")));
        };
        *file = [head, text, anchor, tail].concat().into_bytes();
        Ok(())
    }

    /// Replace the only occurrence of `from` in a file by `to`.
    pub fn replace_text(&mut self, path: &str, from: &str, to: &str) -> Result<()> {
        let file = self.file_mut(path)?;
        let doc = std::str::from_utf8(file).map_err(|e| render_error(format!("{path} is not UTF-8: {e}")))?;
        let mut parts = doc.split(from);
        let (Some(head), Some(tail), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(render_error(format!("{path}: expected exactly one {from:?} from epub-builder")));
        };
        *file = [head, to, tail].concat().into_bytes();
        Ok(())
    }

    /// A file's content, to be changed: what was deflated ahead of it goes.
    fn file_mut(&mut self, path: &str) -> Result<&mut Vec<u8>> {
        self.deflated.remove(path);
        self.files
            .iter_mut()
            .find(|(p, _)| p == path)
            .map(|(_, content)| content)
            .ok_or_else(|| render_error(format!("epub-builder did not write {path}")))
    }

    /// The finished EPUB: `mimetype` stored first, then every file deflated
    /// (stored if deflating does not make it smaller), all stamped with
    /// `time` (clamped to what a ZIP can hold).
    pub fn to_zip(&self, time: Timestamp) -> Result<Vec<u8>> {
        let ahead = |path: &String| self.deflated.get(path);
        let rest: Vec<&[u8]> =
            self.files.iter().filter(|(path, _)| ahead(path).is_none()).map(|(_, c)| c.as_slice()).collect();
        let rest = deflate_all(&rest)?;
        let mut rest = rest.iter();
        let deflated: Vec<&[u8]> = self
            .files
            .iter()
            .map(|(path, _)| ahead(path).or_else(|| rest.next()).map(Vec::as_slice))
            .collect::<Option<_>>()
            .ok_or_else(|| render_error("ZIP writer: an entry was not deflated"))?;
        let stamp = zip_time(time);
        let size: usize = self.files.iter().map(|(path, _)| path.len() + 80).sum::<usize>()
            + deflated.iter().map(|d| d.len()).sum::<usize>();
        let mut zip = ZipOut {
            bytes: Vec::with_capacity(size + 256),
            central: Vec::new(),
            entries: 0,
            stamp: (stamp.timepart(), stamp.datepart()),
        };
        zip.add("mimetype", b"application/epub+zip", None)?;
        for ((path, content), compressed) in self.files.iter().zip(deflated) {
            zip.add(path, content, Some(compressed))?;
        }
        zip.finish()
    }
}

/// Each of `contents` as raw deflate data, in order: in parallel when they
/// are many (a book's chapters: each thread with its own compressor, reset
/// for every entry, so the bytes are the same as one compressor's); an
/// article's few small files are not worth waking the thread pool for.
pub(super) fn deflate_all(contents: &[&[u8]]) -> Result<Vec<Vec<u8>>> {
    use rayon::prelude::*;
    thread_local! {
        /// One compressor per thread, for every book it writes: zlib's
        /// window and tables (about 300 KB) are allocated once.
        static DEFLATER: std::cell::RefCell<flate2::Compress> =
            std::cell::RefCell::new(flate2::Compress::new(flate2::Compression::new(2), false));
    }
    let one = |content: &&[u8]| DEFLATER.with_borrow_mut(|deflater| deflate(deflater, content));
    let total: usize = contents.iter().map(|c| c.len()).sum();
    if total >= PARALLEL_DEFLATE {
        contents.par_iter().map(one).collect()
    } else {
        contents.iter().map(one).collect()
    }
}

/// The size of the files above which [`deflate_all`] works in parallel.
const PARALLEL_DEFLATE: usize = 256 * 1024;

/// `content` as raw deflate data, with `deflater` reset first. Level 2,
/// zlib's fast matcher: on 200 generated articles the books are 1.5 %
/// larger than at the default level 6 (1.18 against 1.16 MB) and take about
/// a seventh less time to write.
fn deflate(deflater: &mut flate2::Compress, content: &[u8]) -> Result<Vec<u8>> {
    let fail = |e: flate2::CompressError| render_error(format!("ZIP writer: {e}"));
    deflater.reset();
    let mut out = Vec::with_capacity(content.len() / 2 + 64);
    loop {
        let consumed = usize::try_from(deflater.total_in()).unwrap_or(usize::MAX).min(content.len());
        let status =
            deflater.compress_vec(&content[consumed..], &mut out, flate2::FlushCompress::Finish).map_err(fail)?;
        if status == flate2::Status::StreamEnd {
            return Ok(out);
        }
        // Out of room: compress_vec writes only into spare capacity.
        out.reserve(out.capacity().max(1024));
    }
}

/// A ZIP archive being written: local entries in `bytes`, their central
/// directory records in `central`.
struct ZipOut {
    bytes: Vec<u8>,
    central: Vec<u8>,
    entries: u16,
    /// MS-DOS time and date of every entry.
    stamp: (u16, u16),
}

/// Stored and deflated (APPNOTE 4.4.5).
const STORED: u16 = 0;
const DEFLATED: u16 = 8;

impl ZipOut {
    /// Append the entry `name` (ASCII, as every name in an EPUB this writer
    /// makes) holding `content`, given `compressed` (raw deflate), or stored
    /// without it.
    fn add(&mut self, name: &str, content: &[u8], compressed: Option<&[u8]>) -> Result<()> {
        let too_big = || render_error(format!("ZIP writer: {name} is too large for a ZIP without ZIP64"));
        let mut crc = flate2::Crc::new();
        crc.update(content);
        let (method, data) = match compressed {
            Some(data) if data.len() < content.len() => (DEFLATED, data),
            _ => (STORED, content),
        };
        let offset = u32::try_from(self.bytes.len()).map_err(|_| too_big())?;
        let compressed_size = u32::try_from(data.len()).map_err(|_| too_big())?;
        let size = u32::try_from(content.len()).map_err(|_| too_big())?;
        let name_len = u16::try_from(name.len()).map_err(|_| too_big())?;
        // Version needed to extract: 1.0 for stored, 2.0 for deflated.
        let version: u16 = if method == DEFLATED { 20 } else { 10 };
        let (time, date) = self.stamp;

        let local = &mut self.bytes;
        local.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        for field in [version, 0, method, time, date] {
            local.extend_from_slice(&field.to_le_bytes());
        }
        for field in [crc.sum(), compressed_size, size] {
            local.extend_from_slice(&field.to_le_bytes());
        }
        local.extend_from_slice(&name_len.to_le_bytes());
        local.extend_from_slice(&0u16.to_le_bytes()); // extra field length
        local.extend_from_slice(name.as_bytes());
        local.extend_from_slice(data);

        let central = &mut self.central;
        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        // Made by: Unix (3), so that the permissions below are read.
        for field in [(3 << 8) | version, version, 0, method, time, date] {
            central.extend_from_slice(&field.to_le_bytes());
        }
        for field in [crc.sum(), compressed_size, size] {
            central.extend_from_slice(&field.to_le_bytes());
        }
        // Name length, extra length, comment length, disk, internal attributes.
        for field in [name_len, 0, 0, 0, 0] {
            central.extend_from_slice(&field.to_le_bytes());
        }
        // External attributes: a regular file, rw-r--r--.
        central.extend_from_slice(&(0o100_644u32 << 16).to_le_bytes());
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
        self.entries = self.entries.checked_add(1).ok_or_else(too_big)?;
        Ok(())
    }

    /// The archive: entries, central directory, end record (APPNOTE 4.3.16).
    fn finish(mut self) -> Result<Vec<u8>> {
        let too_big = || render_error("ZIP writer: the book is too large for a ZIP without ZIP64");
        let central_offset = u32::try_from(self.bytes.len()).map_err(|_| too_big())?;
        let central_size = u32::try_from(self.central.len()).map_err(|_| too_big())?;
        self.bytes.extend_from_slice(&self.central);
        self.bytes.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        // This disk, the disk where the directory starts, entries here, entries.
        for field in [0, 0, self.entries, self.entries] {
            self.bytes.extend_from_slice(&field.to_le_bytes());
        }
        self.bytes.extend_from_slice(&central_size.to_le_bytes());
        self.bytes.extend_from_slice(&central_offset.to_le_bytes());
        self.bytes.extend_from_slice(&0u16.to_le_bytes()); // comment length
        Ok(self.bytes)
    }
}

/// The timestamp as a ZIP (MS-DOS) date: years 1980–2107, even seconds.
fn zip_time(t: Timestamp) -> DateTime {
    let year = t.year.clamp(1980, 2107);
    let (month, day, hour, minute, second) = if t.year < 1980 {
        (1, 1, 0, 0, 0)
    } else if t.year > 2107 {
        (12, 31, 23, 59, 58)
    } else {
        (t.month, t.day, t.hour, t.minute, t.second & !1)
    };
    DateTime::from_date_and_time(year, month, day, hour, minute, second).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package() -> Package {
        Package {
            files: vec![
                ("META-INF/container.xml".into(), b"<container/>".to_vec()),
                ("OEBPS/a.xhtml".into(), b"<p>a</p>".to_vec()),
            ],
            ..Default::default()
        }
    }

    #[test]
    fn mimetype_comes_first_and_stored() {
        let bytes = package().to_zip(Timestamp::DEFAULT).unwrap();
        assert_eq!(&bytes[0..4], b"PK\x03\x04");
        assert_eq!(&bytes[8..10], &[0, 0], "stored");
        assert_eq!(&bytes[30..58], b"mimetypeapplication/epub+zip");
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        assert_eq!(zip.by_index(2).unwrap().name(), "OEBPS/a.xhtml");
    }

    #[test]
    fn reading_back_keeps_order_and_drops_mimetype() {
        let bytes = package().to_zip(Timestamp::DEFAULT).unwrap();
        let again = Package::from_zip(&bytes).unwrap();
        assert_eq!(again.files, package().files);
        assert_eq!(again.to_zip(Timestamp::DEFAULT).unwrap(), bytes);
    }

    #[test]
    fn entries_that_do_not_shrink_are_stored_and_the_rest_deflated() {
        // Bytes from xorshift: nothing for deflate to find.
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let noise: Vec<u8> = (0..4096)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 32) as u8
            })
            .collect();
        let text = "<p>重复的段落。</p>\n".repeat(200).into_bytes();
        let p = Package {
            files: vec![("OEBPS/noise.bin".into(), noise.clone()), ("OEBPS/text.xhtml".into(), text.clone())],
            ..Default::default()
        };
        let bytes = p.to_zip(Timestamp::DEFAULT).unwrap();
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let methods: Vec<_> = (0..zip.len()).map(|i| zip.by_index(i).unwrap().compression()).collect();
        use zip::CompressionMethod::{Deflated, Stored};
        assert_eq!(methods, [Stored, Stored, Deflated]);
        let mut read = Vec::new();
        zip.by_index(2).unwrap().read_to_end(&mut read).unwrap();
        assert_eq!(read, text);
        read.clear();
        zip.by_index(1).unwrap().read_to_end(&mut read).unwrap();
        assert_eq!(read, noise);
        assert_eq!(zip.by_index(2).unwrap().unix_mode(), Some(0o100_644));
    }

    #[test]
    fn timestamps_are_fixed_and_clamped() {
        let t = Timestamp::parse("2024-06-15T10:20:31Z").unwrap();
        let bytes = package().to_zip(t).unwrap();
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        for i in 0..zip.len() {
            let time = zip.by_index(i).unwrap().last_modified().unwrap();
            assert_eq!((time.year(), time.month(), time.day(), time.second()), (2024, 6, 15, 30));
        }
        assert_eq!(zip_time(Timestamp::from_unix(0)), DateTime::default());
        assert_eq!(zip_time(Timestamp { year: 3000, ..Timestamp::DEFAULT }).year(), 2107);
    }

    #[test]
    fn replacing_and_inserting() {
        let mut p = package();
        p.replace("OEBPS/a.xhtml", b"<p>b</p>".to_vec()).unwrap();
        p.insert_before("OEBPS/a.xhtml", "</p>", "!").unwrap();
        assert_eq!(p.files[1].1, b"<p>b!</p>");
        p.replace_text("OEBPS/a.xhtml", "b!", "c").unwrap();
        assert_eq!(p.files[1].1, b"<p>c</p>");
        assert!(p.replace_text("OEBPS/a.xhtml", "p>", "q>").is_err(), "two matches");
        assert!(p.replace("OEBPS/none.xhtml", Vec::new()).is_err());
        assert!(p.insert_before("OEBPS/a.xhtml", "<x>", "!").is_err());
    }
}
