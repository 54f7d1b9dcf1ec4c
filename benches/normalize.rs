//! Normalisation throughput.
//!
//! * `normalize/zuozhuan-traditional`: OpenCC's 1.9 MB benchmark text (左传),
//!   converted to Traditional, with damaged articles (the reference article's
//!   damage reproduced by `zharchive::damage`) mixed in: the whole pipeline,
//!   reported in bytes per second.
//! * `normalize/article`: the reference article, one call.
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
}

criterion_group!(benches, bench);
criterion_main!(benches);
