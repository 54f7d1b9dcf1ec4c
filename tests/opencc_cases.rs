//! OpenCC's own conversion test cases (`tests/data/opencc/testcases.json`,
//! Apache-2.0), run through the default converter for every conversion this
//! crate exposes. The pass counts are pinned at what was measured, so a
//! regression (or an improvement) in the backend shows.

use std::collections::BTreeMap;
use std::path::Path;

use zharchive::{Conversion, Converter, OpenCc};

/// The conversions of [`Conversion`], by OpenCC name.
const EXPOSED: [Conversion; 13] = [
    Conversion::S2t,
    Conversion::S2tw,
    Conversion::S2twp,
    Conversion::S2hk,
    Conversion::S2hkp,
    Conversion::T2s,
    Conversion::T2tw,
    Conversion::T2twp,
    Conversion::T2hk,
    Conversion::T2hkp,
    Conversion::Tw2s,
    Conversion::Tw2sp,
    Conversion::Hk2s,
];

/// `(passed, total)` per configuration, measured 2026-11-28 with
/// opencc-fmmseg 0.13.0.
const MEASURED: [(&str, usize, usize); 11] = [
    ("hk2s", 20, 21),
    ("s2hk", 42, 51),
    ("s2hkp", 8, 8),
    ("s2t", 80, 96),
    ("s2tw", 60, 65),
    ("s2twp", 76, 84),
    ("t2hk", 16, 17),
    ("t2s", 54, 55),
    ("t2tw", 9, 10),
    ("tw2s", 31, 32),
    ("tw2sp", 49, 53),
];

/// The file has trailing commas, which JSON does not allow: drop every comma
/// (outside strings) whose next non-space character closes an object or array.
fn strip_trailing_commas(json: &str) -> String {
    let chars: Vec<char> = json.chars().collect();
    let mut out = String::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for (i, &c) in chars.iter().enumerate() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
        } else if c == ',' && matches!(chars[i + 1..].iter().find(|c| !c.is_whitespace()), Some('}' | ']')) {
            continue;
        }
        out.push(c);
    }
    out
}

#[test]
fn opencc_test_suite_pass_counts() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/opencc/testcases.json");
    let raw = std::fs::read_to_string(&path).expect("the OpenCC test cases are in the repository");
    let json: serde_json::Value = serde_json::from_str(&strip_trailing_commas(&raw)).expect("valid JSON once cleaned");
    let cases = json["cases"].as_array().expect("a cases array");
    let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for case in cases {
        let input = case["input"].as_str().expect("input");
        let Some(expected) = case["expected"].as_object() else { continue };
        for conversion in EXPOSED {
            let Some(want) = expected.get(conversion.name()).and_then(|v| v.as_str()) else { continue };
            let got = OpenCc::shared().convert(input, conversion);
            let entry = counts.entry(conversion.name()).or_default();
            entry.1 += 1;
            if got == want {
                entry.0 += 1;
            } else if std::env::var_os("ZHARCHIVE_SHOW_MISSES").is_some() {
                eprintln!("{}: {input} → {got} (OpenCC: {want})", conversion.name());
            }
        }
    }
    for (name, (pass, total)) in &counts {
        eprintln!("{name}: {pass}/{total}");
    }
    let measured: BTreeMap<&str, (usize, usize)> = MEASURED.iter().map(|&(n, p, t)| (n, (p, t))).collect();
    assert_eq!(counts, measured);
}

#[test]
fn trailing_commas_are_stripped_outside_strings() {
    assert_eq!(strip_trailing_commas(r#"{"a": [1, 2,], "b,": "x,}",}"#), r#"{"a": [1, 2], "b,": "x,}"}"#);
    assert_eq!(strip_trailing_commas(r#"["\",", ]"#), r#"["\"," ]"#);
}

/// The default converter loads only the dictionaries each conversion reads,
/// and runs two-round conversions as two single-round ones; its output is
/// byte for byte that of opencc-fmmseg's full converter (`OpenCC::new()`,
/// every dictionary) for every conversion, on 左传 in both scripts, the
/// article fixture and the inputs of OpenCC's test cases.
#[test]
fn conversions_equal_the_full_opencc_fmmseg_converter() {
    use opencc_fmmseg::{OpenCC, OpenccConfig};

    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |path: &str| std::fs::read_to_string(root.join(path)).expect("a text in the repository");
    let full = OpenCC::new();
    let zuozhuan = read("tests/data/opencc/zuozhuan.txt");
    let zuozhuan_traditional = full.convert_with_config(&zuozhuan, OpenccConfig::S2t, false);
    let raw = read("tests/data/opencc/testcases.json");
    let json: serde_json::Value = serde_json::from_str(&strip_trailing_commas(&raw)).expect("valid JSON once cleaned");
    let cases: Vec<&str> =
        json["cases"].as_array().expect("a cases array").iter().filter_map(|case| case["input"].as_str()).collect();
    let texts = [zuozhuan, zuozhuan_traditional, read("fixtures/article.txt"), cases.join("\n")];
    for conversion in EXPOSED {
        let config = OpenccConfig::try_from(conversion.name()).expect("an opencc-fmmseg configuration");
        for text in &texts {
            let want = full.convert_with_config(text, config, false);
            assert!(OpenCc::shared().convert(text, conversion) == want, "{} differs", conversion.name());
        }
    }
}
