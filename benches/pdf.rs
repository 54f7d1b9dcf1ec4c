//! How long the reference article takes to become a PDF.
//!
//! * `pdf/parse+layout+write`: everything, font parse included (what the
//!   first article of a process pays; the target is under 50 ms in release);
//! * `pdf/layout+write`: with the font already parsed (every later article
//!   of a batch);
//! * `pdf/parse-font`: the font parse alone.
//!
//! Run with `cargo bench --bench pdf`.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use zharchive::render::pdf::{write_pdf, PdfFont, PdfOptions};

fn bench(c: &mut Criterion) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let input = std::fs::read(dir.join("fixtures/article.txt")).expect("fixtures/article.txt");
    let font_bytes =
        std::fs::read(dir.join("assets/fonts/NotoSansCJKsc-Regular-subset.otf")).expect("the embedded font file");
    let article = zharchive::normalize(&input, &zharchive::Options::default()).expect("the reference article");
    let parsed = PdfFont::from_bytes(font_bytes.clone(), 0).expect("font");
    let size =
        write_pdf(&article, &PdfOptions { font: Some(parsed.clone()), ..Default::default() }).expect("pdf").bytes.len();
    eprintln!("reference article PDF: {size} bytes");

    let mut group = c.benchmark_group("pdf");
    group.sample_size(30);
    group.bench_function("parse+layout+write", |b| {
        b.iter(|| {
            let font = PdfFont::from_bytes(font_bytes.clone(), 0).expect("font");
            let options = PdfOptions { font: Some(font), ..Default::default() };
            black_box(write_pdf(black_box(&article), &options).expect("pdf"))
        })
    });
    group.bench_function("layout+write", |b| {
        let options = PdfOptions { font: Some(parsed.clone()), ..Default::default() };
        b.iter(|| black_box(write_pdf(black_box(&article), &options).expect("pdf")))
    });
    group.bench_function("parse-font", |b| b.iter(|| black_box(PdfFont::from_bytes(font_bytes.clone(), 0))));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
