//! Per-article time of each writer on the reference article, as a batch pays
//! it: the article already normalised, the writers' default options (so the
//! PDF writer uses the process-wide embedded font, parsed once before the
//! measurement, as in any batch after its first article).
//!
//! * `writers/tei`, `writers/epub`, `writers/pdf`: one writer each;
//! * `writers/normalize+all`: the reference article from its bytes to all
//!   three files, what `archive` does per input (minus the file system).
//!
//! The PDF writer's own breakdown (font parse against layout and
//! serialisation) is `benches/pdf.rs`; normalisation throughput is
//! `benches/normalize.rs`. Run with `cargo bench --bench writers`.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use zharchive::render::{epub, pdf, tei};

fn bench(c: &mut Criterion) {
    let input =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/article.txt")).expect("fixtures/article.txt");
    let options = zharchive::Options::default();
    let article = zharchive::normalize(&input, &options).expect("the reference article");
    // Warm the shared state (OpenCC, the word model, the parsed font) outside the timing.
    let sizes = [
        tei::write_tei(&article, &Default::default()).expect("tei").bytes.len(),
        epub::write_epub(&article, &Default::default()).expect("epub").bytes.len(),
        pdf::write_pdf(&article, &Default::default()).expect("pdf").bytes.len(),
    ];
    eprintln!("reference article: TEI {} B, EPUB {} B, PDF {} B", sizes[0], sizes[1], sizes[2]);

    let mut group = c.benchmark_group("writers");
    group.sample_size(40);
    group.bench_function("tei", |b| b.iter(|| black_box(tei::write_tei(black_box(&article), &Default::default()))));
    group.bench_function("epub", |b| b.iter(|| black_box(epub::write_epub(black_box(&article), &Default::default()))));
    group.bench_function("pdf", |b| b.iter(|| black_box(pdf::write_pdf(black_box(&article), &Default::default()))));
    // Issue 5's budget: font parse + layout + write, the font parsed afresh
    // from its bytes every time (a one-article process pays this once).
    let font_bytes =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/fonts/NotoSansCJKsc-Regular-subset.otf"))
            .expect("the embedded font file");
    group.bench_function("pdf-with-font-parse", |b| {
        b.iter(|| {
            let font = pdf::PdfFont::from_bytes(font_bytes.clone(), 0).expect("the font parses");
            let options = pdf::PdfOptions { font: Some(font), ..Default::default() };
            black_box(pdf::write_pdf(black_box(&article), &options))
        })
    });
    group.bench_function("normalize+all", |b| {
        b.iter(|| {
            let article = zharchive::normalize(black_box(&input), &options).expect("normalises");
            black_box((
                tei::write_tei(&article, &Default::default()),
                epub::write_epub(&article, &Default::default()),
                pdf::write_pdf(&article, &Default::default()),
            ))
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
