//! A batch of 1,000 generated articles end to end: bytes → normalise →
//! TEI, EPUB and PDF, in parallel on all cores (rayon), in memory (the file
//! system is `scripts/compare.sh`'s business).
//!
//! The articles are the deterministic corpus of `examples/gen_corpus.rs`
//! (左传 passages and the reference article's paragraphs in Traditional
//! characters, damaged the way the scraped site damaged its pages, in
//! UTF-8, GB18030 and UTF-16LE), so the numbers measure the same work on
//! every machine. Reported as articles per second (criterion's elements).
//!
//! One iteration is the whole batch (several seconds), so the sample is the
//! smallest criterion takes. Run with `cargo bench --bench batch`.

#[path = "../examples/common/corpus.rs"]
mod corpus;

use std::time::Duration;

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use rayon::prelude::*;
use zharchive::render::{epub, pdf, tei};

const ARTICLES: usize = 1_000;

/// Normalise one article and write all three formats; the total output size.
fn archive(bytes: &[u8], options: &zharchive::Options) -> usize {
    let article = zharchive::normalize(bytes, options).expect("a generated article normalises");
    let t = tei::write_tei(&article, &Default::default()).expect("tei").bytes.len();
    let e = epub::write_epub(&article, &Default::default()).expect("epub").bytes.len();
    let p = pdf::write_pdf(&article, &Default::default()).expect("pdf").bytes.len();
    t + e + p
}

fn bench(c: &mut Criterion) {
    let corpus = corpus::Corpus::load(corpus::crate_root(), 0x5eed).expect("corpus material");
    let inputs: Vec<Vec<u8>> = (0..ARTICLES).map(|i| corpus.article(i).bytes).collect();
    let options = zharchive::Options::default();
    let input_bytes: usize = inputs.iter().map(Vec::len).sum();
    // One warm-up pass builds the shared state and checks every article works.
    let output_bytes: usize = inputs.par_iter().map(|b| archive(b, &options)).sum();
    eprintln!(
        "batch: {ARTICLES} articles, {:.1} MB in, {:.1} MB out, {} threads",
        input_bytes as f64 / 1e6,
        output_bytes as f64 / 1e6,
        rayon::current_num_threads()
    );

    let mut group = c.benchmark_group("batch");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(60));
    group.throughput(Throughput::Elements(ARTICLES as u64));
    group.bench_function("1000-articles-normalize+tei+epub+pdf", |b| {
        b.iter(|| black_box(inputs.par_iter().map(|b| archive(b, &options)).sum::<usize>()))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
