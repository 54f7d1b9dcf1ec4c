//! Normalisation throughput.
//!
//! * `normalize/zuozhuan-traditional`: OpenCC's 1.9 MB benchmark text (左传),
//!   converted to Traditional, with damaged articles (the reference article's
//!   damage reproduced by `zharchive::damage`) mixed in: the whole pipeline,
//!   reported in bytes per second.
//! * `normalize/article`: the reference article, one call.
//! * `normalize-scaling/single-paragraph/N`: a title and one paragraph of N
//!   MB (1 to 16; 左传 and damaged article text without a line break): the
//!   throughput must stay flat as N grows, the check that no pass is
//!   quadratic in the length of a paragraph.
//!
//! The side-by-side comparison with OpenCC's own `opencc -c t2s`, as whole
//! processes, is `scripts/compare-normalize.sh`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use zharchive::damage::{DamageOptions, Damager};
use zharchive::{normalize, Conversion, Converter, OpenCc, Options};

fn corpus() -> Vec<u8> {
    let root = env!("CARGO_MANIFEST_DIR");
    let simplified = std::fs::read_to_string(format!("{root}/tests/data/opencc/zuozhuan.txt")).expect("zuozhuan.txt");
    let traditional = OpenCc::shared().convert(&simplified, Conversion::S2t);
    let article =
        std::fs::read_to_string(format!("{root}/fixtures/expected/article.traditional.txt")).expect("article");
    let damager = Damager::new(&DamageOptions::default());
    let mut text = String::with_capacity(traditional.len() * 2);
    // One damaged article paragraph after every 40 lines of 左传.
    let damaged: Vec<String> =
        article.split("\n\n").skip(1).filter_map(|p| damager.damage(p.trim()).map(|d| d.text)).collect();
    for (i, line) in traditional.lines().enumerate() {
        text.push_str(line);
        text.push('\n');
        if i % 40 == 39 {
            text.push_str(&damaged[(i / 40) % damaged.len()]);
            text.push('\n');
        }
    }
    text.into_bytes()
}

fn bench(c: &mut Criterion) {
    let options = Options::default();
    // Build the shared converter and word model outside the measurement.
    let article = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/article.txt")).expect("article");
    normalize(&article, &options).expect("the article normalises");

    let mut group = c.benchmark_group("normalize");
    let big = corpus();
    group.throughput(Throughput::Bytes(big.len() as u64));
    group.sample_size(10);
    group.bench_function("zuozhuan-traditional", |b| b.iter(|| normalize(&big, &options).expect("normalises")));
    group.throughput(Throughput::Bytes(article.len() as u64));
    group.sample_size(50);
    group.bench_function("article", |b| b.iter(|| normalize(&article, &options).expect("normalises")));
    group.finish();

    let mut group = c.benchmark_group("normalize-scaling");
    group.sample_size(10);
    let paragraph: Vec<u8> = big.iter().map(|&b| if b == b'\n' { b' ' } else { b }).collect();
    for mb in [1usize, 2, 4, 8, 16] {
        let size = mb * 1024 * 1024;
        let mut input = "左传与受损的文章\n\n".as_bytes().to_vec();
        while input.len() < size {
            let take = (size - input.len()).min(paragraph.len());
            // Cut at a character boundary (UTF-8 continuation bytes are 10xxxxxx).
            let take = (0..=take).rev().find(|&t| t == paragraph.len() || paragraph[t] & 0xC0 != 0x80).unwrap_or(0);
            if take == 0 {
                break;
            }
            input.extend_from_slice(&paragraph[..take]);
        }
        group.throughput(Throughput::Bytes(input.len() as u64));
        group.bench_with_input(
            criterion::BenchmarkId::new("single-paragraph", format!("{mb}MB")),
            &input,
            |b, input| b.iter(|| normalize(input, &options).expect("normalises")),
        );
    }
    group.finish();

    // A hostile flood of byte-shift markers: the repair's run and step
    // budgets keep it linear in the text (the unit test only checks that the
    // budget stops it; how long it takes is measured here).
    let mut group = c.benchmark_group("repair-hostile");
    group.sample_size(10);
    for markers in [1_000usize, 10_000] {
        let input = "因?a)".repeat(markers).into_bytes();
        group.throughput(Throughput::Bytes(input.len() as u64));
        group.bench_with_input(criterion::BenchmarkId::new("marker-flood", markers), &input, |b, input| {
            b.iter(|| normalize(input, &options).expect("normalises"))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
