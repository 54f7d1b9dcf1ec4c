//! The examples' memory allocator: mimalloc instead of the system's.
//!
//! The repair allocates many small, short-lived strings (a reading per
//! candidate, per step), and a book makes hundreds of ZIP entries whose
//! compressors allocate and free a few hundred kilobytes each: with glibc's
//! allocator those go to `mmap` and back every time. On the 200-article
//! book, mimalloc took 8% off the EPUB's wall time (measured interleaved with
//! Pandoc, see BENCHMARKS.md). Like ripgrep's choice of jemalloc for its
//! binaries, this is the programs' choice only: the library leaves the
//! allocator to the program that uses it.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
