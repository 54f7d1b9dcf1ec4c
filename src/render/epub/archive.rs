//! The EPUB container: a ZIP whose bytes depend only on its contents.
//!
//! epub-builder 0.8.3 does not export its `Zip` trait, so the only archive it
//! can write is its own `ZipLibrary`'s, which stamps every entry with the
//! current time: two runs never match. [`Package::from_zip`] therefore reads
//! that archive back into a list of files, and [`Package::to_zip`] writes them
//! again with the `zip` crate: `mimetype` first and stored (as OCF requires,
//! so that a file's first bytes identify it), every entry with the same fixed
//! timestamp and permissions, in epub-builder's order.
//!
//! Holding the files in between also lets the writer replace the documents
//! epub-builder renders in ways it cannot configure (see the parent module).

use std::io::{Cursor, Read, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

use crate::error::Result;
use crate::render::Timestamp;

use super::render_error;

/// The files of an EPUB, in the order they were added.
#[derive(Debug)]
pub(super) struct Package {
    files: Vec<(String, Vec<u8>)>,
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
        Ok(Package { files })
    }

    /// Replace the content of a file epub-builder wrote.
    pub fn replace(&mut self, path: &str, content: Vec<u8>) -> Result<()> {
        *self.file_mut(path)? = content;
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

    fn file_mut(&mut self, path: &str) -> Result<&mut Vec<u8>> {
        self.files
            .iter_mut()
            .find(|(p, _)| p == path)
            .map(|(_, content)| content)
            .ok_or_else(|| render_error(format!("epub-builder did not write {path}")))
    }

    /// The finished EPUB: `mimetype` stored first, then every file deflated,
    /// all stamped with `time` (clamped to what a ZIP can hold).
    pub fn to_zip(&self, time: Timestamp) -> Result<Vec<u8>> {
        let zip_error = |e: zip::result::ZipError| render_error(format!("ZIP writer: {e}"));
        let io_error = |e: std::io::Error| render_error(format!("ZIP writer: {e}"));
        let stamp = zip_time(time);
        let options = SimpleFileOptions::default().last_modified_time(stamp).unix_permissions(0o644);

        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file("mimetype", options.compression_method(CompressionMethod::Stored)).map_err(zip_error)?;
        zip.write_all(b"application/epub+zip").map_err(io_error)?;
        for (path, content) in &self.files {
            zip.start_file(path.as_str(), options.compression_method(CompressionMethod::Deflated))
                .map_err(zip_error)?;
            zip.write_all(content).map_err(io_error)?;
        }
        Ok(zip.finish().map_err(zip_error)?.into_inner())
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
        assert!(p.replace("OEBPS/none.xhtml", Vec::new()).is_err());
        assert!(p.insert_before("OEBPS/a.xhtml", "<x>", "!").is_err());
    }
}
