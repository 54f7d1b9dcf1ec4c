//! Boilerplate: disclaimers, editor and source lines, repost and copyright
//! notices, in either script.
//!
//! Rules are data ([`Rule`], serde), so a user can add their own in the
//! options file. A rule names keywords and the *shape* of the text it
//! removes; the shapes are deliberately narrow so that article text that
//! merely mentions 声明 or 来源 is never touched:
//!
//! * [`Shape::Bracketed`]: an opening bracket right before a keyword, through
//!   its matching closing bracket — across line breaks, as disclaimers often
//!   span paragraphs;
//! * [`Shape::LabelLine`]: a line that starts with a keyword followed by a
//!   colon (`责任编辑：张三`);
//! * [`Shape::LineStart`]: a line that starts with a keyword
//!   (`转载请注明出处`).
//!
//! Each rule has a length limit (in characters other than whitespace): a
//! "line" longer than that is article text.

use super::tracked::Replacement;
/// The rules are options (data a caller writes), defined with them.
pub use crate::options::{Rule, Shape};

fn words(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

/// The built-in rules.
///
/// ```
/// use zharchive::normalize::boilerplate::{boilerplate, builtin_rules};
/// let rules = builtin_rules();
/// assert!(rules.iter().any(|r| r.name == "editor-line"));
/// let text = "正文。\n责任编辑：张三\n";
/// let reps = boilerplate(text, &rules);
/// assert_eq!(&text[reps[0].range.clone()], "责任编辑：张三\n");
/// assert!(boilerplate("编辑部的同事们加班到深夜。\n", &rules).is_empty());
/// ```
pub fn builtin_rules() -> Vec<Rule> {
    let disclaimer = words(&[
        "免责声明",
        "免責聲明",
        "免责申明",
        "免責申明",
        "版权声明",
        "版權聲明",
        "特别声明",
        "特別聲明",
        "郑重声明",
        "鄭重聲明",
    ]);
    let editor = words(&[
        "责任编辑",
        "責任編輯",
        "责编",
        "責編",
        "编辑",
        "編輯",
        "主编",
        "主編",
        "校对",
        "校對",
        "审核",
        "審核",
        "审校",
        "審校",
        "编审",
        "編審",
    ]);
    vec![
        Rule {
            name: "disclaimer-block".into(),
            shape: Shape::Bracketed,
            keywords: disclaimer.clone(),
            max_chars: 3000,
            line_end_only: false,
        },
        Rule {
            name: "disclaimer-line".into(),
            shape: Shape::LabelLine,
            keywords: [disclaimer, words(&["声明", "聲明"])].concat(),
            max_chars: 1000,
            line_end_only: false,
        },
        Rule {
            name: "editor-line".into(),
            shape: Shape::LabelLine,
            keywords: editor.clone(),
            max_chars: 60,
            line_end_only: false,
        },
        Rule {
            name: "editor-bracket".into(),
            shape: Shape::Bracketed,
            keywords: editor,
            max_chars: 60,
            line_end_only: true,
        },
        Rule {
            name: "source-line".into(),
            shape: Shape::LabelLine,
            keywords: words(&[
                "来源",
                "來源",
                "本文来源",
                "本文來源",
                "文章来源",
                "文章來源",
                "稿源",
                "出处",
                "出處",
                "原标题",
                "原標題",
                "原文链接",
                "原文鏈接",
            ]),
            max_chars: 120,
            line_end_only: false,
        },
        Rule {
            name: "repost-notice".into(),
            shape: Shape::LineStart,
            keywords: words(&[
                "转载请注明",
                "轉載請註明",
                "轉載請注明",
                "转载请联系",
                "轉載請聯繫",
                "转载须注明",
                "轉載須註明",
                "未经授权",
                "未經授權",
                "未经许可",
                "未經許可",
                "未经允许",
                "未經允許",
                "版权所有",
                "版權所有",
                "版权归",
                "版權歸",
                "Copyright",
                "©",
            ]),
            max_chars: 300,
            line_end_only: false,
        },
        Rule {
            name: "keyword-spam".into(),
            shape: Shape::List,
            keywords: words(&[
                "一区二区",
                "一區二區",
                "精品",
                "视频",
                "視頻",
                "在线",
                "在線",
                "观看",
                "觀看",
                "国产",
                "國產",
                "无码",
                "無碼",
                "免费",
                "免費",
                "av",
                "成人",
                "亚洲",
                "亞洲",
                "日韩",
                "日韓",
                "欧美",
                "歐美",
                "午夜",
                "三级",
                "三級",
                "中文字幕",
                "影院",
                "福利",
                "少妇",
                "少婦",
                "熟女",
                "偷拍",
                "自拍",
                "黄色",
                "黃色",
                "人妻",
                "久久",
                "爱爱",
                "愛愛",
                "高清",
            ]),
            max_chars: 2000,
            line_end_only: false,
        },
        Rule {
            name: "lost-characters-line".into(),
            shape: Shape::Only,
            keywords: words(&["?", "？"]),
            max_chars: 200,
            line_end_only: false,
        },
        Rule {
            name: "page-navigation".into(),
            shape: Shape::LineStart,
            keywords: words(&[
                "您当前的位置",
                "您當前的位置",
                "当前位置",
                "當前位置",
                "您的位置",
                "下载APP",
                "下載APP",
                "APP下载",
                "APP下載",
                "打开APP",
                "打開APP",
                "查看原文",
                "阅读原文",
                "閱讀原文",
                "点击查看原文",
                "點擊查看原文",
                "继续阅读",
                "繼續閱讀",
                "继续免费阅读",
                "繼續免費閱讀",
                "下载本文档",
                "下載本文檔",
                "已阅读",
                "已閱讀",
                "文档简介",
                "文檔簡介",
                "版权说明",
                "版權說明",
                "本文地址",
                "分享到",
                "转播到腾讯微博",
                "轉播到騰訊微博",
                "精彩视频推荐",
                "精彩視頻推薦",
                "您认为这篇文章与",
                "您認為這篇文章與",
                "扫一扫",
                "掃一掃",
                "上一篇",
                "下一篇",
                "- 相关推荐",
                "- 相關推薦",
                "相关推荐",
                "相關推薦",
            ]),
            max_chars: 120,
            line_end_only: false,
        },
        Rule {
            name: "related-articles".into(),
            shape: Shape::Trailer,
            keywords: words(&[
                "相关文章",
                "相關文章",
                "相关阅读",
                "相關閱讀",
                "推荐阅读",
                "推薦閱讀",
                "猜你喜欢",
                "猜你喜歡",
                "延伸阅读",
                "延伸閱讀",
                "热门文章",
                "熱門文章",
            ]),
            max_chars: 1200,
            line_end_only: false,
        },
    ]
}

const OPEN: [char; 6] = ['(', '（', '[', '【', '〔', '［'];

/// Where the [`OPEN`] brackets of `text` are, in order: found with
/// `memchr`'s searches, one per bracket, rather than by decoding every
/// character (20M of the 843M instructions of normalising 左传, whose 1.9 MB
/// hold few brackets).
/// A UTF-8 encoding found in UTF-8 text always starts a character.
fn opening_brackets(text: &str) -> Vec<(usize, char)> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    for open in OPEN {
        let mut buf = [0u8; 4];
        let needle = open.encode_utf8(&mut buf).as_bytes();
        found.extend(memchr::memmem::find_iter(bytes, needle).map(|i| (i, open)));
    }
    found.sort_unstable_by_key(|&(i, _)| i);
    found
}

fn closing(open: char) -> &'static [char] {
    match open {
        '(' | '（' => &[')', '）'],
        '[' | '［' => &[']', '］'],
        '【' => &['】'],
        _ => &['〕'],
    }
}

/// Propose the removal of everything `rules` match in `text`.
///
/// ```
/// use zharchive::normalize::boilerplate::{boilerplate, builtin_rules};
/// let text = "正文。\n\n(免責聲明:本網站內容僅供參考。)";
/// let reps = boilerplate(text, &builtin_rules());
/// assert_eq!(reps.len(), 1);
/// assert_eq!(&text[reps[0].range.clone()], "(免責聲明:本網站內容僅供參考。)");
/// assert!(reps[0].text.is_empty()); // a removal
/// ```
pub fn boilerplate(text: &str, rules: &[Rule]) -> Vec<Replacement> {
    // One scan of the text for all the rules: each shape has its own kind
    // of starting point (an opening bracket, a line start), found once and
    // tried against every rule of that shape. (Scanning the text once per
    // rule was a tenth of the time of normalising a book.)
    let bracketed: Vec<&Rule> = rules.iter().filter(|r| r.shape == Shape::Bracketed).collect();
    let line_rules: Vec<&Rule> = rules.iter().filter(|r| r.shape != Shape::Bracketed).collect();
    let mut found: Vec<std::ops::Range<usize>> = Vec::new();
    if !bracketed.is_empty() {
        for (i, open) in opening_brackets(text) {
            found.extend(bracketed.iter().filter_map(|rule| bracketed_at(text, i, open, rule)));
        }
    }
    if !line_rules.is_empty() {
        let mut start = 0;
        // The longest text any line rule removes: a longer line is
        // article text, told after counting it once (not once per rule).
        let longest = line_rules.iter().map(|r| r.max_chars).max().unwrap_or(0);
        for line in text.split_inclusive('\n') {
            let range = start..start + line.len();
            start += line.len();
            let chars = line.chars().filter(|c| !c.is_whitespace()).take(longest + 1).count();
            for rule in &line_rules {
                if rule.shape != Shape::Trailer && chars > rule.max_chars {
                    continue;
                }
                if rule.shape == Shape::Trailer {
                    if let Some(end) = trailer_at(text, range.clone(), rule) {
                        found.push(range.start..end);
                        break;
                    }
                } else if line_matches(line, rule) {
                    found.push(range.clone());
                    break;
                }
            }
        }
    }
    found.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut merged: Vec<std::ops::Range<usize>> = Vec::new();
    for r in found {
        match merged.last_mut() {
            Some(last) if r.start < last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged.into_iter().map(Replacement::delete).collect()
}

/// The keyword of `rule` that `s` starts with, if any.
fn starts_with_keyword<'r>(s: &str, rule: &'r Rule) -> Option<&'r str> {
    // Every line of a text is asked about every keyword of several rules:
    // the first byte, which must match either way, tells most of them apart
    // before the keyword's length of the line is cut and compared.
    let first = *s.as_bytes().first()?;
    rule.keywords
        .iter()
        .filter(|k| k.as_bytes().first().is_some_and(|b| b.eq_ignore_ascii_case(&first)))
        .find(|k| {
            s.get(..k.len()).is_some_and(|head| head == k.as_str() || (k.is_ascii() && head.eq_ignore_ascii_case(k)))
        })
        .map(String::as_str)
}

/// The text a [`Shape::Bracketed`] `rule` removes from the bracket `open`
/// at byte `i`, if it matches there.
fn bracketed_at(text: &str, i: usize, open: char, rule: &Rule) -> Option<std::ops::Range<usize>> {
    let after = &text[i + open.len_utf8()..];
    let trimmed = after.trim_start_matches([' ', '\u{3000}']);
    starts_with_keyword(trimmed, rule)?;
    let closes = closing(open);
    let mut depth = 0usize;
    let mut end = None;
    let mut counted = 0;
    for (j, c) in after.char_indices() {
        counted += usize::from(!c.is_whitespace());
        if counted > rule.max_chars {
            break;
        }
        if c == open || (closes.contains(&')') && matches!(c, '(' | '（')) {
            depth += 1;
        } else if closes.contains(&c) {
            if depth == 0 {
                end = Some(i + open.len_utf8() + j + c.len_utf8());
                break;
            }
            depth -= 1;
        }
    }
    let end = end?;
    if rule.line_end_only
        && !text[end..].trim_start_matches([' ', '\t', '\u{3000}']).starts_with('\n')
        && !text[end..].trim().is_empty()
    {
        return None;
    }
    Some(i..end)
}

/// Whether `s` holds `keyword` (ASCII keywords case-insensitively).
fn holds(s: &str, keyword: &str) -> bool {
    if keyword.is_ascii() {
        s.to_ascii_lowercase().contains(&keyword.to_ascii_lowercase())
    } else {
        s.contains(keyword)
    }
}

/// Whether `line` is a [`Shape::List`] of `rule`'s keywords.
fn is_keyword_list(line: &str, rule: &Rule) -> bool {
    // A sentence is no such list (a `?` left at its end by the damage
    // aside).
    let line = line.trim_end_matches(|c: char| c.is_whitespace() || c == '?' || c == '？');
    if line.contains(['。', '！', '？', '!', '?']) {
        return false;
    }
    let items: Vec<&str> =
        line.split([',', '，', '_', '|', '、', ';', '；']).map(str::trim).filter(|i| !i.is_empty()).collect();
    if items.len() < 2 || items.iter().any(|i| i.chars().count() > 30) {
        return false;
    }
    // Half the items hold keywords, and the line at least three different
    // ones: a list of one site's page titles repeats one word (`视频`), and
    // must read the same whether its lines are joined or not.
    let holding = items.iter().filter(|i| rule.keywords.iter().any(|k| !k.is_empty() && holds(i, k))).count();
    let distinct = rule.keywords.iter().filter(|k| !k.is_empty() && holds(line, k)).count();
    distinct >= 3 && holding * 2 >= items.len()
}

/// Whether `line` is made of `rule`'s keywords and whitespace only
/// ([`Shape::Only`]), with at least one keyword.
fn is_only(line: &str, rule: &Rule) -> bool {
    let mut rest = line.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}');
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{3000}');
        match rule.keywords.iter().filter(|k| !k.is_empty()).find(|k| rest.starts_with(k.as_str())) {
            Some(k) => rest = &rest[k.len()..],
            None if rest.is_empty() => break,
            None => return false,
        }
    }
    true
}

/// Where a [`Shape::Trailer`] starting with the line at `line` ends (the
/// end of the text), if `rule` matches there.
fn trailer_at(text: &str, line: std::ops::Range<usize>, rule: &Rule) -> Option<usize> {
    let first = text[line.clone()].trim_start_matches([' ', '\t', '\u{3000}', '\u{A0}']);
    // After a bracketed label (`【家乡的春天】相关文章：`).
    let body = match first.strip_prefix('【').and_then(|r| r.split_once('】')) {
        Some((label, rest)) if label.chars().count() <= 40 => rest,
        _ => first.strip_prefix(OPEN).unwrap_or(first),
    };
    starts_with_keyword(body, rule)?;
    // The heading is a heading, not a sentence that starts with the words.
    if first.chars().filter(|c| !c.is_whitespace()).count() > 40 {
        return None;
    }
    let rest = &text[line.start..];
    let chars = rest.chars().filter(|c| !c.is_whitespace()).count();
    // Each line after it a title: short, and no sentence.
    let short = text[line.end..].lines().all(|l| l.trim().chars().count() <= 40 && !l.contains(['。', '！', '？']));
    (chars <= rule.max_chars && short).then_some(text.len())
}

/// Whether a [`Shape::LabelLine`], [`Shape::LineStart`], [`Shape::List`]
/// or [`Shape::Only`] `rule` removes `line` (with its line break).
/// The caller has checked that the line is no longer than the rule's
/// `max_chars`.
fn line_matches(line: &str, rule: &Rule) -> bool {
    match rule.shape {
        Shape::List => return is_keyword_list(line, rule),
        Shape::Only => return is_only(line, rule),
        _ => {}
    }
    let body = line.trim_start_matches([' ', '\t', '\u{3000}', '\u{A0}']);
    let body = body.strip_prefix(OPEN).unwrap_or(body);
    let Some(keyword) = starts_with_keyword(body, rule) else { return false };
    if rule.shape == Shape::LabelLine {
        let after = body[keyword.len()..].trim_start_matches([' ', '\u{3000}']);
        if !after.starts_with([':', '：']) {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str) -> String {
        let mut out = text.to_owned();
        for r in boilerplate(text, &builtin_rules()).iter().rev() {
            out.replace_range(r.range.clone(), &r.text);
        }
        out
    }

    #[test]
    fn bracketed_disclaimer_across_lines() {
        let t = "正文。\n\n(免責聲明:本網站內容僅供參考。\n任何單位認為侵權時應通知本網站。 )";
        assert_eq!(apply(t), "正文。\n\n");
    }

    #[test]
    fn whitespace_does_not_count_towards_the_length_limit() {
        // The structure pass collapses the tab run after this one; counted,
        // it kept the line the first time and a second run removed it
        // (found by the `normalize` fuzz target).
        let tabs = "\t".repeat(200);
        assert_eq!(apply(&format!("正文。\n责任编辑：王小明{tabs}张三\n")), "正文。\n");
        assert_eq!(apply(&format!("正文。(免责声明:内容{tabs}仅供参考)")), "正文。");
        // Characters that are not whitespace still count.
        let long = "很".repeat(200);
        assert_eq!(apply(&format!("正文。\n责任编辑：{long}\n")), format!("正文。\n责任编辑：{long}\n"));
    }

    #[test]
    fn label_lines_in_both_scripts() {
        assert_eq!(apply("正文。\n责任编辑：张三\n來源:新華社\n"), "正文。\n");
        assert_eq!(apply("正文。\n转载请注明出处。\n"), "正文。\n");
        assert_eq!(apply("正文。\n（本文来源：新华社）\n文章來源: 中央社\n"), "正文。\n");
    }

    #[test]
    fn page_furniture() {
        // Keyword spam above the title, a line of lost characters, a
        // navigation line, a list of related articles at the end.
        let page = "亚洲精品视频,日韩在线观看,国产免费av,高清影院\n?\n標題\n您當前的位置:首頁 新聞\n正文第一段。\n\
                    正文第二段。\n【春天】相關文章:\n春天的作文\n春天來了\n";
        assert_eq!(apply(page), "標題\n正文第一段。\n正文第二段。\n");
    }

    #[test]
    fn lists_and_question_marks_in_articles_are_kept() {
        for t in [
            "北京，上海，广州，深圳都在名单上。\n",
            "这是真的吗？\n",
            "他问：？？\n",
            "视频、图片和文字，都是在线传播的内容形式，值得研究。\n",
            "相关文章还没有写完，我们继续讨论这个很长的话题，直到把所有的问题都说清楚为止，大家都同意。\n下一段。\n",
        ] {
            assert_eq!(apply(t), t, "{t}");
        }
        // A related-articles heading before long paragraphs is no list.
        let t =
            "相关文章\n这是一篇很长的正文，讲述了许多事情，内容丰富，远远超过一个标题的长度，读者可以慢慢读完它。\n";
        assert_eq!(apply(t), t);
    }

    #[test]
    fn article_text_that_mentions_keywords_is_kept() {
        for t in [
            "外交部发表声明，称来源可靠。\n",
            "他说：资金来源是银行贷款。\n",
            "声明中说，双方将继续合作。\n",
            "GDP增长5%（来源：国家统计局），高于预期。\n",
            "编辑部的同事们加班到深夜。\n",
        ] {
            assert_eq!(apply(t), t);
        }
    }
}
