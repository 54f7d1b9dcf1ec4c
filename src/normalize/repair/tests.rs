use super::*;
use crate::normalize::language::WordFrequency;

fn no_model(_: &str) -> f64 {
    0.0
}

fn apply(text: &str, reps: &[Replacement]) -> String {
    let mut out = text.to_owned();
    for r in reps.iter().rev() {
        out.replace_range(r.range.clone(), &r.text);
    }
    out
}

fn repaired(text: &str) -> String {
    apply(text, &repair(text, WordFrequency::shared()).0)
}

#[test]
fn the_reference_article_spots() {
    let model = WordFrequency::shared();
    for (damaged, want) in [
        ("因?yàn)獒t(yī)生是智力密度最高的职业", "因為醫(yī)生是智力密度最高的职业"),
        ("因?yàn)榇竽P湍軌虬堰呺H成本一直往下降", "因為大模型能夠把邊際成本一直往下降"),
        ("能夠?qū)崿F(xiàn)AGI,那么", "能夠實現(xiàn)AGI,那么"),
    ] {
        let (reps, notes) = repair(damaged, model);
        assert!(notes.is_empty(), "{damaged}: {notes:?}");
        assert_eq!(apply(damaged, &reps), want);
    }
}

#[test]
fn a_straddle_after_a_latin_letter_is_dropped() {
    // 向 = CF F2; (F2, 'A') reads hàn: the annotation of that pair landed
    // after the A, and no byte was lost.
    let text = "通向A(hàn)GI的路";
    let (reps, _) = repair(text, &no_model);
    assert_eq!(apply(text, &reps), "通向AGI的路");
    // A real parenthetical after a Latin letter stays.
    let (reps, _) = repair("版本A(测试)和mount(8)", &no_model);
    assert!(reps.is_empty());
    // The character before the letter may carry an annotation of its own:
    // the pair is still (its trail, the letter).
    let text = "通向(xiàng)A(hàn)GI的路";
    assert_eq!(apply(text, &repair(text, &no_model).0), "通向(xiàng)AGI的路");
}

#[test]
fn a_straddle_after_a_folded_mark() {
    // `,` was `，` (A3 AC) in the site's bytes: (AC, F) reads xiàn. A
    // second run, after the punctuation pass wrote `，` back, sees the
    // same.
    let model = WordFrequency::shared();
    for text in ["爬扶梯,F(xiàn)在一下雨", "爬扶梯，F(xiàn)在一下雨"] {
        assert_eq!(apply(text, &repair(text, model).0).replace('，', ","), "爬扶梯,F在一下雨", "{text}");
    }
}

#[test]
fn markers_are_read_as_the_structure_pass_will_join_them() {
    // A line break inside a marker or a straddling annotation is one the
    // structure pass joins: the first run must see what a second run
    // would (found by fuzzing: `t(y\rī)`, the CR made a line break).
    let model = WordFrequency::shared();
    for text in ["因?yàn)獒t(y\nī)生", "因?yà\nn)獒t(yī)生", "因?yàn )獒t( yī\n)生", "很好獒t(y\nī)生"]
    {
        let joined: String = text.split_whitespace().collect();
        assert_eq!(repaired(text).split_whitespace().collect::<String>(), repaired(&joined), "{text:?}");
        assert_ne!(repaired(&joined), joined, "{joined:?} is damage the repair handles");
    }
    // Two line breaks are a paragraph break: not one marker.
    assert!(repair("很好獒t(y\n\nī)生", model).0.is_empty());
    assert!(!repair("很好獒t(yī)生", model).0.is_empty());
}

#[test]
fn hostile_marker_floods_stop_at_the_budget() {
    // That it ends in linear time is for the benchmarks (benches/normalize.rs)
    // to show, not a timed test: here, that the budget stops it and says so.
    let text = "因?a)".repeat(MAX_RUNS + 10);
    let (_, notes) = repair(&text, &no_model);
    let budget: Vec<_> = notes.iter().filter(|n| n.code == "repair-budget").collect();
    assert_eq!(budget.len(), 1);
    assert!(budget[0].range.start < text.len() && budget[0].range.end == text.len());
}

#[test]
fn a_rebuild_that_reads_worse_than_the_damage_is_not_taken() {
    // Found by fuzzing: a first run repaired 實現 but left the marker
    // after it; on the second run, the trail of 现 and a lost byte read
    // xiàn, and the A of AGI "completed" the lead byte: 现汚GI.
    let model = WordFrequency::shared();
    let text = "如果模型能够实现?xiàn)AGI，那么";
    let (reps, notes) = repair(text, model);
    assert!(reps.is_empty(), "{reps:?}");
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].code, "unrepaired-damage");
    assert_eq!(notes[0].doubt, Some(DoubtKind::Unrepaired));
    // The same arithmetic on real damage still rebuilds it.
    assert_eq!(repaired("能夠?qū)崿F(xiàn)AGI,那么"), "能夠實現(xiàn)AGI,那么");
}

#[test]
fn a_replacement_character_is_no_damage_of_the_site() {
    // This crate's decoder writes U+FFFD for malformed input; the site's
    // decoder wrote `?`. A U+FFFD is text, and never starts a rebuild.
    let text = "如果模型能够实现\u{FFFD}xiàn)AGI，那么记忆\u{FFFD}duì)\u{FFFD}据";
    let (reps, notes) = repair(text, WordFrequency::shared());
    assert!(reps.is_empty() && notes.is_empty(), "{reps:?} {notes:?}");
}

#[test]
fn a_plain_question_mark_is_left_alone() {
    let model = WordFrequency::shared();
    for text in [
        "真的嗎?是的。What?(yes)",
        "你今天去哪裡了?我在家裡看書。",
        "為什麼?因為天下雨了。",
        "寫完沒有?10點啦",
        "彩色三要素是什麼?P9答",
        "问题?\n下一行",
    ] {
        let (reps, notes) = repair(text, model);
        assert!(reps.is_empty(), "{text}: {reps:?}");
        assert!(notes.is_empty(), "{text}: {notes:?}");
    }
}

#[test]
fn unrepairable_damage_is_reported_not_changed() {
    // No character is read `fiao`, and the emoji cannot be re-encoded: no
    // reading goes through.
    let (reps, notes) = repair("因?fiao)😀😀", WordFrequency::shared());
    assert!(reps.is_empty());
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].code, "unrepaired-damage");
}

// The damage of real pages, reproduced on text of our own: each case is
// the clean text, damaged by hand with the GBK arithmetic the damager
// uses (`crate::damage`), then repaired.

#[test]
fn a_lead_byte_lost_with_no_annotation() {
    // 。 (A1 A3) loses A1; the decoder reads A3 A1 (！), B0 CA (笆) …
    let damaged = crate::damage::Damager::new(&crate::damage::DamageOptions {
        share: 0.0,
        lost_leads: 1.0,
        ..Default::default()
    });
    for clean in ["他說得很清楚。“我們明天再來。”他就走了。", "工作結束了。可以說是很成功。", "大家都在上海讀書。"]
    {
        let d = damaged.damage(clean).unwrap();
        assert_ne!(d.text, clean);
        let fixed = repaired(&d.text);
        assert_eq!(fold(&fixed), fold(clean), "{} → {fixed}", d.text);
    }
}

#[test]
fn a_stretch_that_ends_in_ascii_swallows_a_byte() {
    // 為 (9E E9) then `1`: out of step, E9 and `1` become one `?`; the digit
    // is a guess, and reported as one.
    let text = "佔總?cè)丝诘谋戎貫?7.9%。";
    let (reps, notes) = repair(text, WordFrequency::shared());
    let fixed = apply(text, &reps);
    assert!(fixed.starts_with("佔總人口的比重為"), "{fixed}");
    assert!(fixed.ends_with("7.9%。"), "{fixed}");
    assert_eq!(fixed.chars().count(), "佔總人口的比重為17.9%。".chars().count(), "{fixed}");
    assert!(notes.iter().any(|n| n.doubt == Some(DoubtKind::Guessed)), "{notes:?}");
}

#[test]
fn a_stretch_that_ends_in_markup_gives_its_bracket_back() {
    let text = "一副不服輸?shù)臉幼印?/div>";
    assert_eq!(fold(&repaired(text)), fold("一副不服輸的樣子。</div>"));
}

#[test]
fn overlapping_annotations() {
    // 編 and the straddled pair 幾 (8E D7) were both annotated.
    assert_eq!(repaired("我們編(biān)?jǐ)g了這本書"), "我們編(biān)譯了這本書");
}

#[test]
fn question_marks_standing_for_spaces() {
    let text = "[中圖分類號] R473.2? ? ? [文獻標識碼] B\n????2012年11月7日,會議召開。";
    let fixed = repaired(text);
    assert_eq!(fixed, "[中圖分類號] R473.2      [文獻標識碼] B\n    2012年11月7日,會議召開。");
}

fn fold(text: &str) -> String {
    text.chars()
        .map(|c| match c as u32 {
            0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// Up to eight of the pieces `alternatives` matches, one after another.
fn pieces(alternatives: &'static str) -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::strategy::Strategy;
    proptest::collection::vec(alternatives, 0..8).prop_map(|p| p.concat())
}

proptest::proptest! {
    /// However the candidates of a stretch or a hole are grouped to share
    /// their context (both sides, the left only, or none), each is scored
    /// as the whole text would read once its annotations are removed.
    #[test]
    fn scores_between_are_whole_scores(
        left in pieces("為|醫|生|會|議|大|模型|的|是|[(]yī[)]|[(]huì[)]|\u{FFFC}|“|（|[(]| |，|。|A|1"),
        right in pieces("為|醫|生|會|議|大|模型|的|是|[(]yī[)]|[(]huì[)]|\u{FFFC}|”|）|[)]| |，|。|\n|A|1"),
        middles in proptest::collection::vec("[醫會獒t　 (（]|[(]yī[)]|[醫會][(]yī[)]|[大模型醫會 \u{FFFC}]{2,4}", 1..6),
    ) {
        let model = WordFrequency::shared();
        let each: Vec<&str> = middles.iter().map(String::as_str).collect();
        for (middle, got) in middles.iter().zip(scores_between(&left, &each, &right, model)) {
            let want = model.score(&readable(&format!("{left}{middle}{right}")));
            proptest::prop_assert!((got - want).abs() < 1e-9, "{left:?}|{middle:?}|{right:?}: {got} vs {want}");
        }
    }
}

#[test]
fn an_annotation_after_a_line_break_is_read_with_the_candidate_before_it() {
    let model = WordFrequency::shared();
    for right in ["\n(yī)生", " \n (yī)生", "\n\n", "(yī)生", "生(yī)"] {
        let middles = ["醫", "獒", "　"];
        for (middle, got) in middles.iter().zip(scores_between("因為", &middles, right, model)) {
            let want = model.score(&readable(&format!("因為{middle}{right}")));
            assert!((got - want).abs() < 1e-9, "{middle:?}|{right:?}: {got} vs {want}");
        }
    }
}

#[test]
fn a_question_mark_after_no_han_character_is_little_evidence_of_a_lost_byte() {
    // `?>` ended a line and `U` began the next, until the structure pass
    // joined them: read one byte over, `?>U` makes `。綰`, which reads a
    // little better than the marks, but nothing before the `?` on its line
    // says the bytes were GBK text (and a second run over the joined text
    // must not find a repair the first did not).
    for text in ["會議<?xml version='1.0'?>U", "會議<?xml version='1.0'?>\nU", "會議<?xml version='1.0'?>U會議"]
    {
        assert_eq!(repaired(text), text);
    }
}

#[test]
fn a_rebuild_keeps_to_the_pages_script() {
    // `國聯` (87 F8, C2 93) read one byte over after `曹`: (F8 C2) is a
    // user-defined pair, and the decoder dropped it. The word model reads
    // the Simplified form of a text: to it `曹國联軍` (with `联`, a reading
    // that needs no vanished pair) and `曹國聯軍` are the same words, and
    // the reading that assumes less won. On this Traditional page `联`,
    // written only in Simplified text, is ruled out.
    let damaged = "十四年春季,齊(qí)國(guó)、陳(chén)國(guó)、曹?chē)?lián)軍進攻宋國(guó)。";
    assert_eq!(repaired(damaged), "十四年春季,齊(qí)國(guó)、陳(chén)國(guó)、曹國聯(lián)軍進攻宋國(guó)。");
}

#[test]
fn a_trail_read_alone_after_a_vanished_pair() {
    // `，還有` is A3 AC, DF 80, D3 D0. One byte over, (AC DF) is a
    // user-defined pair and vanished; the decoder then read 還's trail 0x80
    // alone, as `€`, and was back in step at 有. The lead before `€` is
    // lost with the pair, and 0x80 completes a character as an ASCII
    // trail does.
    let damaged = "沒有人祭祀了。右?guī)熑绻懛ィ€有向戌在那裡。";
    let (reps, notes) = repair(damaged, WordFrequency::shared());
    assert_eq!(apply(damaged, &reps), "沒有人祭祀了。右師如果討伐，還有向戌在那裡。");
    // Which pair vanished is a guess, and said to be one.
    assert!(notes.iter().any(|n| n.code == "guessed-bytes"), "{notes:?}");
}

#[test]
fn a_character_of_the_other_script_in_clean_text_draws_no_repair() {
    // A Traditional page whose converter kept `并` (once, so it is not at
    // home on the page): no reading is taken for the question mark, and a
    // common character after it is no noise to report (`noise_after`).
    for text in ["這是真的嗎?并且我們都看見了,他們說這是對的。", "這是誰的書?并不是我的,也許是圖書館的。"]
    {
        let (reps, notes) = repair(text, WordFrequency::shared());
        assert!(reps.is_empty() && notes.is_empty(), "{text}: {reps:?} {notes:?}");
    }
}

#[test]
fn noise_after_a_question_mark_is_reported() {
    // `基于此` (BB F9 D3 DA B4 CB) after `。` lost two bytes: the decoder
    // wrote `?`, `;` (BB read as ASCII), `诖` (DA B4) and `?`. No reading
    // rebuilds it well enough, but `诖` is rare and only Simplified text
    // writes it: on this Traditional page that is damage, reported.
    let text = "我們的研究降低了學習的門檻?;诖?,學生能夠從中獲得知識。這是我們的結論。";
    let (reps, notes) = repair(text, WordFrequency::shared());
    assert!(reps.is_empty(), "{reps:?}");
    let note = notes.iter().find(|n| n.code == "unrepaired-damage").expect("reported");
    assert_eq!(&text[note.range.clone()], "?;诖");
    assert_eq!(note.doubt, Some(DoubtKind::Unrepaired));
}
