//! The byte-shift repair measured on text it has never seen: passages of
//! 左传 (OpenCC's benchmark text, converted to Traditional) and the
//! reference article's clean Traditional form, damaged the way the site
//! damaged its articles ([`zharchive::damage`]), then repaired.
//!
//! A line counts as repaired when repair + annotation removal give back the
//! clean line exactly (with full-width forms folded, as the site did). The
//! rates are asserted at what was measured, so a regression shows.

use std::path::Path;

use zharchive::damage::{DamageOptions, Damager};
use zharchive::normalize::language::WordFrequency;
use zharchive::normalize::{annotations, repair, Replacement};
use zharchive::{Conversion, Converter, OpenCc};

fn apply(text: &str, reps: &[Replacement]) -> String {
    let mut out = text.to_owned();
    for r in reps.iter().rev() {
        out.replace_range(r.range.clone(), &r.text);
    }
    out
}

fn fold(text: &str) -> String {
    text.chars()
        .map(|c| match c as u32 {
            0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

struct Rate {
    lines: usize,
    damaged: usize,
    repaired: usize,
    spots: usize,
}

fn measure(lines: &[String], seed: u64) -> Rate {
    let mut rate = Rate { lines: 0, damaged: 0, repaired: 0, spots: 0 };
    let damager = Damager::new(&DamageOptions { seed, ..DamageOptions::default() });
    for clean in lines {
        let Some(d) = damager.damage(clean) else { continue };
        rate.lines += 1;
        if d.lost_bytes == 0 {
            continue;
        }
        rate.damaged += 1;
        rate.spots += d.lost_bytes;
        let (reps, _notes) = repair::repair(&d.text, WordFrequency::shared());
        let repaired = apply(&d.text, &reps);
        let cleaned = apply(&repaired, &annotations::annotations(&repaired, zharchive::OpenCc::shared()));
        // Inside a shifted run the repair rebuilds the true full-width forms
        // (，) that the site folded: compare modulo that fold.
        if fold(&cleaned) == fold(clean) {
            rate.repaired += 1;
        } else if std::env::var_os("ZHARCHIVE_SHOW_MISSES").is_some() {
            eprintln!("damaged:  {}\nrepaired: {cleaned}\nwanted:   {}\n", d.text, fold(clean));
        }
    }
    rate
}

fn data(path: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn repair_rate_on_zuozhuan() {
    let text = data("tests/data/opencc/zuozhuan.txt");
    let traditional = OpenCc::shared().convert(&text, Conversion::S2t);
    let lines: Vec<String> = traditional
        .lines()
        .filter(|l| (30..300).contains(&l.chars().count()))
        .step_by(3)
        .take(800)
        .map(str::to_owned)
        .collect();
    let rate = measure(&lines, 1);
    let share = rate.repaired as f64 / rate.damaged as f64;
    eprintln!(
        "左传: {} lines, {} damaged ({} lost bytes), {} repaired exactly: {:.1}%",
        rate.lines,
        rate.damaged,
        rate.spots,
        rate.repaired,
        share * 100.0
    );
    assert!(rate.damaged >= 250, "the sample must exercise the repair");
    // Measured 2026-11-28: 278 of 287 damaged lines (96.9%). The misses are
    // mostly a lost byte at the end of a line (。 or ” cannot be told apart).
    assert!(rate.repaired >= 278, "repair rate {share:.3} fell below the measured 278/287");
}

#[test]
fn repair_rate_on_the_reference_article_under_other_damage() {
    let text = data("fixtures/expected/article.traditional.txt");
    let paragraphs: Vec<String> = text.split("\n\n").map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()).collect();
    let mut total = Rate { lines: 0, damaged: 0, repaired: 0, spots: 0 };
    for seed in 0..12 {
        let r = measure(&paragraphs, seed);
        total.lines += r.lines;
        total.damaged += r.damaged;
        total.repaired += r.repaired;
        total.spots += r.spots;
    }
    let share = total.repaired as f64 / total.damaged as f64;
    eprintln!(
        "article, 12 damage patterns: {} paragraphs, {} damaged ({} lost bytes), {} repaired exactly: {:.1}%",
        total.lines,
        total.damaged,
        total.spots,
        total.repaired,
        share * 100.0
    );
    assert!(total.damaged >= 60, "the sample must exercise the repair");
    // Measured 2026-11-28: 70 of 70.
    assert_eq!(total.repaired, total.damaged, "repair rate {share:.3} fell below the measured 100%");
}
