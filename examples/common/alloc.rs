//! The examples' memory allocator: mimalloc instead of the system's.
//!
//! The repair allocates many small, short-lived strings (a reading per
//! candidate, per step), and a book makes hundreds of ZIP entries whose
//! compressors allocate and free a few hundred kilobytes each: with glibc's
//! allocator those go to `mmap` and back every time. On the 200-article
//! book, mimalloc took 1–8% off the EPUB's wall time (interleaved runs on a
//! noisy two-core machine), for a higher peak RSS (the 200-article batch
//! 37 → 96 MB; see BENCHMARKS.md). Like ripgrep's choice of jemalloc for
//! its binaries, this is the programs' choice only: the library leaves the
//! allocator to the program that uses it.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
