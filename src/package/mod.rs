//! Packaging: putting finished outputs into the containers archives accept.
//!
//! A package holds bytes the writers produced (and the source bytes as they
//! were received); it reads the [`crate::Article`] only for facts about it
//! (its source's checksum and URL), never a pass or a writer. So this module
//! sits next to [`crate::render`], after it in the pipeline:
//!
//! ```text
//! bytes ──decode──▶ text ──passes──▶ Article ──▶ EPUB | PDF | TEI-XML ──▶ package (BagIt)
//! ```
//!
//! * [`bagit`]: BagIt 1.0 bags (RFC 8493), written deterministically and
//!   extended in place so that a crash leaves the old bag or the new one.

pub mod bagit;
