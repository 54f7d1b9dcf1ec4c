//! The byte-shift repair measured on text it has never seen, for every class
//! of damage real pages show: passages of 左传 (OpenCC's benchmark text,
//! converted to Traditional) and the reference article's clean Traditional
//! form — with digits, Latin words, spaces, dashes or markup set into them
//! for the classes that need them — damaged the way the plugin damaged its
//! sites ([`zharchive::damage`]), then normalised.
//!
//! A line counts as repaired when normalisation gives back the clean line
//! exactly (with full-width forms folded, as the site did), or — where the
//! damage destroyed bytes that no arithmetic brings back (a digit swallowed
//! with a trail byte, a lead byte lost with no annotation, a vanished pair,
//! a lone byte at the end of a line) — when every character that differs
//! lies in a stretch the article marks as guessed. The rates are asserted at what was
//! measured, so a regression shows; `ZHARCHIVE_SHOW_MISSES=1` prints the
//! misses.

use std::path::Path;

use zharchive::damage::{DamageEvents, DamageOptions, Damager};
use zharchive::{Conversion, Converter, DoubtKind, EditKind, OpenCc, Options, TargetScript};

fn fold(text: &str) -> String {
    text.chars()
        .map(|c| match c as u32 {
            0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            0x3000 => ' ',
            _ => c,
        })
        .collect()
}

fn data(path: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn pipeline() -> Options {
    Options { script: TargetScript::Keep, punctuation: false, boilerplate: false, ..Options::default() }
}

/// What normalisation made of one damaged line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// The clean text, with or without a stretch marked as guessed (a right
    /// rebuild the model could not be sure of).
    Exact {
        marked: bool,
    },
    /// Differs only inside stretches marked as guessed, and the damage
    /// destroyed bytes.
    Flagged,
    Wrong,
}

/// `damaged` normalised as the last paragraph of a page whose paragraphs
/// before it are `page` (damaged by the same decoder: what the repair
/// learns of the page from them), with that paragraph's block index.
fn normalize_on_page(damaged: &str, page: &[String]) -> Option<(zharchive::Article, usize)> {
    let mut input = String::from("標題\n\n");
    for paragraph in page {
        input.push_str(paragraph);
        input.push_str("\n\n");
    }
    input.push_str(damaged);
    let article = zharchive::normalize(input.as_bytes(), &pipeline()).ok()?;
    let last = article.blocks.len().checked_sub(1)?;
    Some((article, last))
}

/// What became of `damaged` on a page that holds `page` before it (see
/// [`normalize_on_page`]).
fn outcome(clean: &str, damaged: &str, events: &DamageEvents, page: &[String]) -> Outcome {
    let Some((article, last)) = normalize_on_page(damaged, page) else { return Outcome::Wrong };
    let body = &article.blocks[last].text;
    let (got, want) = (fold(body), fold(clean));
    let mut guessed: Vec<std::ops::Range<usize>> = article
        .warnings
        .iter()
        .filter_map(|w| w.doubt.as_ref())
        .filter(|d| d.kind == DoubtKind::Guessed)
        .filter_map(|d| d.output.as_ref())
        .filter(|at| at.block == last)
        .map(|at| at.range.clone())
        .collect();
    if got == want {
        return Outcome::Exact { marked: !guessed.is_empty() };
    }
    let destroyed = events.swallowed_ascii + events.dropped_pairs + events.lost_leads + events.lone_bytes;
    if destroyed == 0 {
        return Outcome::Wrong;
    }
    guessed.sort_by_key(|r| r.start);
    // The text outside the guessed stretches must be the clean text, in
    // order, with anything at all in place of each guessed stretch.
    let mut pieces = Vec::new();
    let mut from = 0;
    for r in &guessed {
        pieces.push(fold(&body[from..r.start.max(from)]));
        from = r.end.max(from);
    }
    pieces.push(fold(&body[from..]));
    if guessed.is_empty() || !matches_with_gaps(&want, &pieces) {
        return Outcome::Wrong;
    }
    Outcome::Flagged
}

/// Whether `text` is `pieces` in order, with any text between them (and the
/// first at its start, the last at its end).
fn matches_with_gaps(text: &str, pieces: &[String]) -> bool {
    let (Some(first), Some(last)) = (pieces.first(), pieces.last()) else { return false };
    if !text.starts_with(first.as_str()) || !text.ends_with(last.as_str()) || first.len() + last.len() > text.len() {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for piece in &pieces[1..pieces.len() - 1] {
        match rest.find(piece.as_str()) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    true
}

#[derive(Default, Debug)]
struct Rate {
    lines: usize,
    exact: usize,
    /// Of `exact`, how many carry a mark all the same: a stretch rebuilt
    /// right that the model could not be sure of (a swallowed digit
    /// guessed right, a reading with a vanished pair more that read almost
    /// as well). The price of marking the wrong ones.
    exact_marked: usize,
    flagged: usize,
}

impl Rate {
    fn share(&self) -> f64 {
        (self.exact + self.flagged) as f64 / self.lines.max(1) as f64
    }
}

/// Damage the sentences of every line one at a time with `options` (seed
/// varied per pass), the rest of the line clean around the damaged one
/// ([`Damager::damage_span`]: a stretch shifted there runs on as it would),
/// keep the sentences whose damage `in_class` picks, and measure. The unit
/// counted is a damaged sentence, which mostly holds one damaged stretch (a
/// long line of 左传 damaged whole holds five, and one miss among them would
/// count as five); the rest of its line is there as a reader would have it,
/// with the quotes it opened.
fn measure(
    name: &str,
    lines: &[String],
    options: DamageOptions,
    seeds: std::ops::Range<u64>,
    in_class: impl Fn(&DamageEvents, usize) -> bool,
) -> Rate {
    measure_on_page(name, lines, options, seeds, 0, in_class)
}

/// [`measure`], each line on a page that holds the `page_lines` lines after
/// it first, damaged whole by the same decoder: what a page shows of its
/// decoder elsewhere.
fn measure_on_page(
    name: &str,
    lines: &[String],
    options: DamageOptions,
    seeds: std::ops::Range<u64>,
    page_lines: usize,
    in_class: impl Fn(&DamageEvents, usize) -> bool,
) -> Rate {
    let mut rate = Rate::default();
    let show = std::env::var_os("ZHARCHIVE_SHOW_MISSES").is_some();
    for seed in seeds {
        let damager = Damager::new(&DamageOptions { seed, ..options.clone() });
        for (i, line) in lines.iter().enumerate() {
            let page: Vec<String> = (1..=page_lines)
                .filter_map(|k| damager.damage(&lines[(i + k) % lines.len()]).map(|d| d.text))
                .collect();
            let mut start = 0;
            for sentence in sentences(line) {
                let span = start..start + sentence.len();
                start = span.end;
                let Some(d) = damager.damage_span(line, span) else { continue };
                if !in_class(&d.events, d.lost_bytes) {
                    continue;
                }
                let input = d.text.clone();
                rate.lines += 1;
                match outcome(line, &input, &d.events, &page) {
                    Outcome::Exact { marked } => {
                        rate.exact += 1;
                        rate.exact_marked += usize::from(marked);
                    }
                    Outcome::Flagged => rate.flagged += 1,
                    Outcome::Wrong if show => {
                        let body = normalize_on_page(&input, &page).map(|(a, last)| a.blocks[last].text.clone());
                        eprintln!("[{name}] damaged:  {}\n  repaired: {body:?}\n  wanted:   {}\n", d.text, fold(line));
                    }
                    Outcome::Wrong => {}
                }
            }
        }
    }
    eprintln!(
        "{name}: {} damaged sentences, {} repaired exactly ({} of them marked all the same), {} with only the lost \
         bytes guessed and marked: {:.1}%",
        rate.lines,
        rate.exact,
        rate.exact_marked,
        rate.flagged,
        rate.share() * 100.0
    );
    rate
}

/// `line` cut after `。`, `！`, `？` (and a closing quote right after
/// them), into pieces of at least eight characters.
fn sentences(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        current.push(c);
        if matches!(c, '。' | '！' | '？') {
            while let Some(&q) = chars.peek().filter(|q| matches!(q, '”' | '’' | '」' | '』')) {
                current.push(q);
                chars.next();
            }
            if current.chars().count() >= 8 {
                out.push(std::mem::take(&mut current));
            }
        }
    }
    match out.last_mut() {
        Some(last) if current.chars().count() < 8 => last.push_str(&current),
        _ if !current.is_empty() => out.push(current),
        _ => {}
    }
    out
}

fn zuozhuan_lines(step: usize, take: usize) -> Vec<String> {
    let text = data("tests/data/opencc/zuozhuan.txt");
    let traditional = OpenCc::shared().convert(&text, Conversion::S2t);
    traditional
        .lines()
        .filter(|l| (30..300).contains(&l.chars().count()))
        .step_by(step)
        .take(take)
        .map(str::to_owned)
        .collect()
}

fn article_paragraphs() -> Vec<String> {
    data("fixtures/expected/article.traditional.txt")
        .split("\n\n")
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

/// `lines` with `tokens` set in after Han characters, one every few
/// characters (deterministic): modern text's digits, Latin words and markup
/// where a shifted stretch can run into them.
fn with_tokens(lines: &[String], tokens: &[&str], every: usize) -> Vec<String> {
    let mut k = 0usize;
    lines
        .iter()
        .map(|line| {
            let mut out = String::new();
            for (i, c) in line.chars().enumerate() {
                out.push(c);
                if i % every == every - 1 && ('\u{4E00}'..='\u{9FFF}').contains(&c) {
                    out.push_str(tokens[k % tokens.len()]);
                    k += 1;
                }
            }
            out
        })
        .collect()
}

/// The reference article's damage, as before this repair learned the rest:
/// its rates must not fall.
#[test]
fn reference_damage_on_zuozhuan() {
    let lines = zuozhuan_lines(3, 800);
    let rate = measure("左传, reference damage", &lines, DamageOptions::default(), 1..2, |_, lost| lost > 0);
    assert!(rate.lines >= 300, "the sample must exercise the repair");
    // Measured 2026-12-03: 370 of 372 damaged sentences (99.5%). (Whole
    // lines, before this repair learned the wild damage: 278 of 287.)
    assert!(rate.exact >= 368, "{rate:?}");
    // Right rebuilds marked all the same (a reading with a vanished pair
    // more reads almost as well): 39 until readings with more vanished
    // pairs were doubted on every page (seventh session), 62 since. Marks
    // on right text cost a reader time: they must not creep up.
    assert!(rate.exact_marked <= 62, "{rate:?}");
}

#[test]
fn reference_damage_on_the_article() {
    let rate =
        measure("article, reference damage", &article_paragraphs(), DamageOptions::default(), 0..12, |_, lost| {
            lost > 0
        });
    assert!(rate.lines >= 100, "the sample must exercise the repair");
    // Measured 2026-12-03: 116 of 116 (whole paragraphs before: 70 of 70).
    assert_eq!(rate.exact, rate.lines, "{rate:?}");
    // 1 marked all the same until the seventh session, 4 since (see
    // `reference_damage_on_zuozhuan`).
    assert!(rate.exact_marked <= 4, "{rate:?}");
}

/// Full-width marks losing their lead byte with no annotation.
#[test]
fn lost_lead_bytes() {
    let mut lines = zuozhuan_lines(5, 300);
    lines.extend(article_paragraphs());
    let options = DamageOptions { lost_leads: 0.15, ..DamageOptions::default() };
    let rate = measure("lost lead bytes", &lines, options, 0..3, |e, _| e.lost_leads > 0);
    assert!(rate.lines >= 200, "{rate:?}");
    assert!(rate.share() >= 0.95, "{rate:?}");
}

/// Stretches that run into digits, Latin letters, spaces and dashes.
#[test]
fn stretches_into_ascii() {
    let tokens = [
        "2019年",
        "17.9%",
        "1 930萬",
        "ISSN 1672-6359",
        "FreeBSD",
        "CEO",
        "3-5",
        "No.7",
        "5G",
        "10:30",
        "2,000",
        " AI ",
    ];
    let lines = with_tokens(&article_paragraphs(), &tokens, 9);
    let mut more = with_tokens(&zuozhuan_lines(7, 200), &tokens, 11);
    more.extend(lines);
    let options = DamageOptions { overlapping: true, ..DamageOptions::default() };
    let rate = measure("into ASCII", &more, options, 0..8, |e, _| e.swallowed_ascii + e.ascii_trails > 0);
    assert!(rate.lines >= 150, "{rate:?}");
    assert!(rate.share() >= 0.95, "{rate:?}");
}

/// Stretches that run into markup or escapes left in the text.
#[test]
fn stretches_into_markup() {
    let tokens = ["</p>", "<strong>", "</strong>", "&rdquo;", "&nbsp;", "\\", "<br/>", "&#8220;"];
    let mut lines = with_tokens(&article_paragraphs(), &tokens, 10);
    lines.extend(with_tokens(&zuozhuan_lines(7, 200), &tokens, 12));
    let options = DamageOptions { overlapping: true, ..DamageOptions::default() };
    let rate = measure("into markup", &lines, options, 0..8, |e, _| e.swallowed_ascii + e.ascii_trails > 0);
    assert!(rate.lines >= 150, "{rate:?}");
    assert!(rate.share() >= 0.95, "{rate:?}");
}

/// Overlapping annotations: a second annotation inside a shifted stretch,
/// after another annotation, or carried by a Latin letter.
#[test]
fn overlaps() {
    let mut lines = zuozhuan_lines(3, 600);
    lines.extend(with_tokens(&article_paragraphs(), &["AGI", "CEO", "FreeBSD"], 8));
    let options = DamageOptions { overlapping: true, ..DamageOptions::default() };
    let rate = measure("overlaps", &lines, options, 0..4, |e, lost| e.overlaps > 0 && lost > 0);
    assert!(rate.lines >= 100, "{rate:?}");
    assert!(rate.share() >= 0.95, "{rate:?}");
}

/// The lines and the damage of the vanished-pair tests.
fn vanished_pairs_sample() -> (Vec<String>, DamageOptions) {
    let mut lines = zuozhuan_lines(3, 600);
    lines.extend(article_paragraphs());
    (lines, DamageOptions { drop_private_use: true, ..DamageOptions::default() })
}

/// User-defined pairs that vanished inside a shifted stretch. Each vanished
/// pair takes two bytes with it — the trail of one character and the lead
/// of the next, sixteen bits with nothing in the text to show for them —
/// and a stretch of 左传 through `，` or `國` (whose trail bytes begin such
/// pairs) loses one every few characters.
/// Where the model cannot tell a reading with a vanished pair from one
/// without, the stretch is marked as guessed; what is measured here is
/// that the rest comes back exactly.
#[test]
fn vanished_pairs() {
    let (lines, options) = vanished_pairs_sample();
    let rate = measure("vanished pairs", &lines, options, 0..4, |e, _| e.dropped_pairs > 0);
    assert!(rate.lines >= 100, "{rate:?}");
    // Measured 2026-12-03: 486 of 650 (74.8%), 108 of them exact; with a
    // vanished pair costing 3.5 instead of 5 (2026-12-04): 537 of 650
    // (82.6%), 111 exact; with readings that assume a different number of
    // vanished pairs told apart at 99% instead of 90% (2026-12-04, fifth
    // session): 581 of 650 (89.4%), 111 exact; with readings that assume
    // more told apart at 99.99% on a page that shows dropped pairs (sixth
    // session): 588 (90.5%), 111 exact; with two pairs in a row read too
    // on such a page: 590 (90.8%). Held-out seeds 10..14: 523 of 577
    // (90.6%). With the page's script as a prior on rebuilt characters
    // (seventh session): 595 (91.5%), 128 exact; held out 526 (91.2%);
    // with a trail 0x80 (`€`) read after a vanished pair: 598 (92.0%),
    // 131 exact; held out 528 (91.5%); with readings that assume more
    // vanished pairs told apart at 99.9% on every page: 621 (95.5%), held
    // out 557 (96.5%).
    assert!(rate.share() >= 0.95, "{rate:?}");
}

/// The same sentences on a page of four lines, the three after each first,
/// damaged whole by the same decoder, as the plugin damaged whole pages: a
/// page whose decoder drops pairs shows it in other stretches too, and the
/// repair then doubts more (see `DROPPING_PAGE_MORE_GAPS_CONFIDENT`) and
/// reads two pairs in a row (`Gaps::Double`).
#[test]
fn vanished_pairs_on_a_damaged_page() {
    let (lines, options) = vanished_pairs_sample();
    let rate = measure_on_page("vanished pairs, on a page", &lines, options, 0..4, 3, |e, _| e.dropped_pairs > 0);
    assert!(rate.lines >= 100, "{rate:?}");
    // Measured 2026-12-04 (sixth session): 604 of 650 (92.9%), 111 exact;
    // with two pairs in a row read too (a character vanished whole between
    // them), 610 (93.8%). Held-out seeds 10..14: 540 of 577 (93.6%).
    // With the page's script as a prior (seventh session): 617 (94.9%),
    // 128 exact; held out 544 (94.3%); with a trail 0x80 (`€`) read
    // after a vanished pair: 620 (95.4%), 131 exact; held out 546 (94.6%);
    // with more vanished pairs told apart at 99.9% on every page: 627
    // (96.5%), held out 559 (96.9%).
    assert!(rate.share() >= 0.96, "{rate:?}");
}

/// One stretch of 左传 whose rebuild reads a little better than the right
/// one with a vanished pair more (`鄭裁國內` for `鄭伯用國內`): alone, or on
/// a page whose other line came through clean, it is taken as sure; on a
/// page where another stretch was rebuilt with a vanished pair, it is
/// marked as a guess. The page only ever adds doubt.
#[test]
fn a_page_that_drops_pairs_is_doubted_more() {
    let lines = zuozhuan_lines(3, 600);
    let damager = Damager::new(&DamageOptions { seed: 0, drop_private_use: true, ..DamageOptions::default() });
    let (line, other) = (&lines[107], &lines[43]);
    let page = damager.damage(other).expect("GBK text").text;
    let mut widened = 0;
    let mut start = 0;
    for sentence in sentences(line) {
        let span = start..start + sentence.len();
        start = span.end;
        let Some(d) = damager.damage_span(line, span) else { continue };
        if d.events.dropped_pairs == 0 {
            continue;
        }
        let alone = outcome(line, &d.text, &d.events, &[]);
        assert_eq!(outcome(line, &d.text, &d.events, std::slice::from_ref(other)), alone);
        match (alone, outcome(line, &d.text, &d.events, std::slice::from_ref(&page))) {
            (Outcome::Wrong, Outcome::Flagged) => widened += 1,
            (a, b) => assert_eq!(a, b),
        }
    }
    assert_eq!(widened, 1);
}

/// Clean text, never damaged, comes through with no repair edit and no
/// doubt: 左传 in both scripts, the article, the Big5 fixture, and text with
/// question marks, digits, Latin words and markup of our own.
#[test]
fn clean_text_is_never_repaired() {
    let simplified = data("tests/data/opencc/zuozhuan.txt");
    let traditional = OpenCc::shared().convert(&simplified, Conversion::S2t);
    let big5 = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/transit.big5.txt")).unwrap();
    let tokens = ["2019年", "17.9%", "1 930萬", "FreeBSD", "</p>", "&rdquo;", "?", "? ", "?!", "??"];
    let ours = with_tokens(&article_paragraphs(), &tokens, 7).join("\n\n");
    let questions = "你今天去哪裡了?我在家裡看書。為什麼?因為下雨了!真的嗎??是的。\n\n\
                     他問:「這是誰寫的?」我說:「不知道?」\n\n\
                     What?(yes) 2019年?10點?A股?FreeBSD?</p>?";
    let inputs: Vec<(&str, Vec<u8>)> = vec![
        ("左传 (Simplified)", simplified.into_bytes()),
        ("左传 (Traditional)", traditional.into_bytes()),
        ("article", data("fixtures/expected/article.traditional.txt").into_bytes()),
        ("article (Simplified)", data("fixtures/expected/article.simplified.txt").into_bytes()),
        ("transit (Big5)", big5),
        ("tokens", format!("標題\n\n{ours}").into_bytes()),
        ("questions", format!("標題\n\n{questions}").into_bytes()),
    ];
    for (name, bytes) in inputs {
        let article = zharchive::normalize(&bytes, &Options::default()).unwrap();
        let repairs: Vec<_> = article.provenance.iter().filter(|e| e.kind == EditKind::Repair).collect();
        assert!(repairs.is_empty(), "{name}: {} repair edits, first {:?}", repairs.len(), repairs.first());
        let doubts: Vec<_> = article.warnings.iter().filter(|w| w.doubt.is_some()).collect();
        assert!(doubts.is_empty(), "{name}: {doubts:?}");
    }
}
