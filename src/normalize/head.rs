//! Head metadata: the lines at the head of a page (journal mirrors, news
//! sites) that say who wrote it, when, where it was published and how it is
//! filed — authors, affiliations, the date and time, the journal and issue,
//! keywords, classification and article numbers.
//!
//! They are found here, before the structure pass, so that each stays a
//! block of its own (the structure pass would join them into one paragraph
//! with the wrapped lines of the body) and is marked as metadata in the
//! model, and their values fill [`crate::SourceInfo`] where the caller gave
//! none. Nothing is removed: the lines stay in the article, in order.
//!
//! A line is head metadata when it is labelled (`关键词：`, `中图分类号`,
//! `[关键词]`, `Keywords`, `作者：`, `时间：`), or has the shape of one
//! (a date and time; a journal name with `2023年6期`; an affiliation in
//! brackets with a six-digit postcode; a list of personal names, each
//! starting with a common surname). Labelled and shaped lines count in the
//! first [`HEAD_LINES`] lines; a list of names only before the body starts
//! (a line of sentences, or the second line after the title that is not
//! metadata), and only names of two or three characters, or four with a
//! compound surname: a title may itself read as names otherwise
//! (`孟懿子、阳虎伐郓`, two people and what they did). Labels are matched on
//! the Simplified form of the line, so both scripts are read alike.

use std::ops::Range;

use super::script::{Conversion, Converter};
pub use crate::article::MetaField;

/// How many lines from the top of the page are looked at.
pub const HEAD_LINES: usize = 20;

/// One line of head metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadLine {
    /// Byte range of the line (without its line break) in the text given.
    pub range: Range<usize>,
    /// What it says.
    pub field: MetaField,
}

/// What the head lines of a page say, in the page's own script.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeadValues {
    /// Authors, one name each.
    pub authors: Vec<String>,
    /// Affiliations, one institution each.
    pub affiliations: Vec<String>,
    /// The date, ISO 8601 (`2017-08-03`).
    pub date: Option<String>,
    /// The journal and issue as printed.
    pub publication: Option<String>,
    /// Keywords.
    pub keywords: Vec<String>,
    /// `(label, value)` pairs: `("中图分类号", "R473.5")`, `("DOI", …)`.
    pub identifiers: Vec<(String, String)>,
}

/// The head lines of `text` and what they say. `converter` gives the
/// Simplified form of a line, on which labels and surnames are matched.
///
/// ```
/// use zharchive::{normalize::head::head, MetaField};
/// use zharchive::OpenCc;
/// let page = "新型研究型大學文化涵育的特征\n2023-11-28 10:31\n高等理科教育 2023年6期\n\
///             關鍵詞:研究型;大學\n余利川 朱建軍\n在知識經濟時代,社會經濟發展與人才培養的關係日益密切。\n";
/// let (lines, values) = head(page, OpenCc::shared());
/// let fields: Vec<MetaField> = lines.iter().map(|l| l.field).collect();
/// assert_eq!(fields, [MetaField::Date, MetaField::Publication, MetaField::Keywords, MetaField::Authors]);
/// assert_eq!(values.date.as_deref(), Some("2023-11-28"));
/// assert_eq!(values.keywords, ["研究型", "大學"]);
/// assert_eq!(values.authors, ["余利川", "朱建軍"]);
/// assert_eq!(values.publication.as_deref(), Some("高等理科教育 2023年6期"));
/// ```
pub fn head(text: &str, converter: &dyn Converter) -> (Vec<HeadLine>, HeadValues) {
    let mut lines = Vec::new();
    let mut values = HeadValues::default();
    let mut start = 0;
    let mut seen = 0;
    // Whether the title has been seen, and whether the body has started.
    let (mut title, mut body) = (false, false);
    for raw in text.split('\n') {
        let range = start..start + raw.len();
        start += raw.len() + 1;
        let trimmed = raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}');
        if trimmed.is_empty() {
            continue;
        }
        seen += 1;
        if seen > HEAD_LINES {
            break;
        }
        let lead = raw.len() - raw.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{3000}').len();
        let line_range = range.start + lead..range.start + lead + trimmed.len();
        let simplified = converter.convert(trimmed, Conversion::T2s);
        let field = labelled(trimmed, &simplified, &mut values)
            .or_else(|| shaped(trimmed, &simplified, &mut values))
            .or_else(|| (!body).then(|| names(trimmed, &simplified, &mut values)).flatten());
        match field {
            Some(field) => lines.push(HeadLine { range: line_range, field }),
            None if !title && !is_sentences(trimmed) => title = true,
            None => body = true,
        }
    }
    (lines, values)
}

/// Whether a line reads as body text: sentences, or too long for a head line.
fn is_sentences(line: &str) -> bool {
    line.chars().count() > 80 || line.contains(['。', '！', '？'])
}

/// The line with any bracket around a leading label taken off, and the
/// label's end: `[关键词] 医护配合` → `关键词] 医护配合`.
fn strip_open(line: &str) -> &str {
    line.trim_start_matches(['[', '【', '〔', '［', '('])
}

/// What follows `label` at the start of `line` (Simplified), after the
/// bracket that closes it and a colon or spaces; `None` if it does not
/// start so.
fn after_label<'a>(line: &'a str, label: &str) -> Option<&'a str> {
    let rest = strip_open(line);
    let rest = if label.is_ascii() {
        rest.get(..label.len()).filter(|head| head.eq_ignore_ascii_case(label)).map(|_| &rest[label.len()..])
    } else {
        rest.strip_prefix(label)
    }?;
    let rest = rest.trim_start_matches([']', '】', '〕', '］', ')']);
    let rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{3000}');
    // A label without a colon must be followed by its value at once
    // (`关键词 护理导向`, `Keywords nursing`), a colon is optional.
    let rest = rest.strip_prefix([':', '：']).unwrap_or(rest);
    Some(rest.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{3000}'))
}

/// The part of the original `line` that corresponds to `simplified[at..]`
/// (conversion to Simplified keeps the number of characters).
fn tail_of<'a>(line: &'a str, simplified: &str, rest: &str) -> &'a str {
    let skip = simplified.len() - rest.len();
    let chars = simplified[..skip].chars().count();
    match line.char_indices().nth(chars) {
        Some((i, _)) => &line[i..],
        None => "",
    }
}

const KEYWORD_LABELS: [&str; 6] = ["关键词", "关键字", "主题词", "Key words", "Keywords", "KEYWORDS"];
const IDENTIFIER_LABELS: [&str; 9] =
    ["中图分类号", "分类号", "文献标识码", "文章编号", "文章编码", "DOI", "ISSN", "CN", "收稿日期"];
const AUTHOR_LABELS: [&str; 7] = ["作者", "文图", "撰文", "文/", "图文", "记者", "通讯员"];
const DATE_LABELS: [&str; 6] = ["发布时间", "发布日期", "发表时间", "日期", "时间", "更新时间"];

/// A line that starts with a label.
fn labelled(line: &str, simplified: &str, values: &mut HeadValues) -> Option<MetaField> {
    if let Some(rest) = KEYWORD_LABELS.iter().find_map(|l| after_label(simplified, l)) {
        if !rest.is_empty() {
            let list = tail_of(line, simplified, rest);
            values.keywords.extend(split_list(list));
            return Some(MetaField::Keywords);
        }
    }
    if IDENTIFIER_LABELS.iter().any(|l| after_label(simplified, l).is_some_and(|r| !r.is_empty())) {
        values.identifiers.extend(identifier_pairs(line, simplified));
        return Some(MetaField::Identifiers);
    }
    if let Some(rest) = DATE_LABELS.iter().find_map(|l| after_label(simplified, l)) {
        if let Some(date) = parse_date(rest) {
            values.date.get_or_insert(date);
            return Some(MetaField::Date);
        }
    }
    for label in AUTHOR_LABELS {
        let rest = simplified.strip_prefix(label).map(|r| r.trim_start_matches(['/', ':', '：', ' ', '\u{3000}']));
        if let Some(rest) = rest.filter(|r| !r.is_empty() && r.chars().count() <= 30) {
            let people = split_names(tail_of(line, simplified, rest));
            if !people.is_empty() && people.iter().all(|n| n.chars().count() <= 4) {
                values.authors.extend(people);
                return Some(MetaField::Authors);
            }
        }
    }
    None
}

/// A line with the shape of a date, a journal issue or an affiliation.
fn shaped(line: &str, simplified: &str, values: &mut HeadValues) -> Option<MetaField> {
    if let Some(date) = parse_date(simplified) {
        values.date.get_or_insert(date);
        return Some(MetaField::Date);
    }
    if line.chars().count() <= 40 && has_issue(simplified) {
        values.publication.get_or_insert_with(|| line.to_owned());
        return Some(MetaField::Publication);
    }
    if is_affiliation(simplified) {
        let inner = line.trim_matches(['(', ')', '（', '）']);
        values.affiliations.extend(
            inner
                .split([';', '；'])
                .map(|a| a.trim().trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ' ').trim())
                .filter(|a| !a.is_empty())
                .map(str::to_owned),
        );
        return Some(MetaField::Affiliation);
    }
    None
}

/// A line of personal names, each (after any footnote digits) starting with
/// a common surname: `陈岩，付存军，张朝辉`, `余利川 朱建军`, `陈岩1，付存军2`.
fn names(line: &str, simplified: &str, values: &mut HeadValues) -> Option<MetaField> {
    if line.chars().count() > 40 || line.contains(['。', '：', ':', '《', '“']) {
        return None;
    }
    let people = split_names(line);
    let simplified_people = split_names(simplified);
    if people.is_empty() || people.len() != simplified_people.len() || people.len() > 12 {
        return None;
    }
    let plausible = simplified_people.iter().all(|n| {
        let count = n.chars().count();
        let surname = match count {
            2 | 3 => n.chars().next().is_some_and(|c| SURNAMES.contains(c)),
            // Four characters: a compound surname and a given name of two
            // (`欧阳晓东`); anything else is more likely words.
            4 => COMPOUND_SURNAMES.iter().any(|s| n.starts_with(s)),
            _ => false,
        };
        surname && n.chars().all(super::readings::is_han)
    });
    if !plausible {
        return None;
    }
    values.authors.extend(people);
    Some(MetaField::Authors)
}

/// Names in a list: split at commas, enumeration marks and spaces; footnote
/// digits and marks dropped; single characters split by a space joined
/// again (`王 丹` is one name).
fn split_names(line: &str) -> Vec<String> {
    let pieces: Vec<String> = line
        .split([',', '，', '、', ';', '；', ' ', '\u{3000}', '\t'])
        .map(|p| p.trim_end_matches(|c: char| c.is_ascii_digit() || matches!(c, '*' | '#' | ',' | '，')))
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect();
    let mut out: Vec<String> = Vec::new();
    let mut single: Option<String> = None;
    for p in pieces {
        if p.chars().count() == 1 {
            match single.take() {
                Some(s) => out.push(s + &p),
                None => single = Some(p),
            }
        } else {
            if let Some(s) = single.take() {
                out.push(s);
            }
            out.push(p);
        }
    }
    out.extend(single);
    out
}

/// The items of a keyword list.
fn split_list(list: &str) -> Vec<String> {
    let separators: &[char] = if list.contains([';', '；', ',', '，', '、']) {
        &[';', '；', ',', '，', '、']
    } else {
        &[' ', '\u{3000}']
    };
    list.split(separators).map(str::trim).filter(|k| !k.is_empty()).map(str::to_owned).collect()
}

/// `(label, value)` pairs of an identifiers line:
/// `[中图分类号] R473.2 [文献标识码] B` → two pairs.
fn identifier_pairs(line: &str, simplified: &str) -> Vec<(String, String)> {
    let mut found: Vec<(usize, &str)> = Vec::new();
    for label in IDENTIFIER_LABELS {
        let mut from = 0;
        while let Some(at) = simplified[from..].find(label) {
            let at = from + at;
            // `分类号` inside `中图分类号` is the same label.
            if !found.iter().any(|&(s, l)| s <= at && at < s + l.len()) {
                found.push((at, label));
            }
            from = at + label.len();
        }
    }
    found.sort();
    let original_at = |byte: usize| {
        let chars = simplified[..byte].chars().count();
        line.char_indices().nth(chars).map_or(line.len(), |(i, _)| i)
    };
    let mut pairs = Vec::new();
    for (k, &(at, label)) in found.iter().enumerate() {
        let end = found.get(k + 1).map_or(simplified.len(), |&(next, _)| next);
        let value_start = original_at(at + label.len());
        let value_end = original_at(end);
        let value = line[value_start..value_end]
            .trim_matches(|c: char| {
                c.is_whitespace() || matches!(c, ':' | '：' | ']' | '】' | '[' | '【' | '?' | '\u{3000}' | '\u{A0}')
            })
            .to_owned();
        if !value.is_empty() {
            pairs.push((line[original_at(at)..original_at(at + label.len())].to_owned(), value));
        }
    }
    pairs
}

/// A date at the start of `s` (`2017-08-03`, `2024/3/22`, `2022.05.21`,
/// `2012年11月7日`), optionally with a time, as ISO 8601 (date only): the
/// line must hold nothing else but a time, a name or a journal (glued
/// bylines: `2016-03-07 08:44文图孙海芳`), never a sentence.
fn parse_date(s: &str) -> Option<String> {
    let s = s.trim_start();
    let digits = |t: &str| t.chars().take_while(char::is_ascii_digit).count();
    let year_len = digits(s);
    if year_len != 4 {
        return None;
    }
    let year: u32 = s[..4].parse().ok()?;
    let rest = &s[4..];
    let (sep, rest) = match rest.chars().next()? {
        c @ ('-' | '/' | '.' | '年') => (c, &rest[c.len_utf8()..]),
        _ => return None,
    };
    let month_len = digits(rest);
    if !(1..=2).contains(&month_len) {
        return None;
    }
    let month: u32 = rest[..month_len].parse().ok()?;
    let rest = &rest[month_len..];
    let month_sep = if sep == '年' { '月' } else { sep };
    let rest = rest.strip_prefix(month_sep)?;
    let day_len = digits(rest);
    if !(1..=2).contains(&day_len) {
        return None;
    }
    let day: u32 = rest[..day_len].parse().ok()?;
    let rest = &rest[day_len..];
    let rest = if sep == '年' { rest.strip_prefix('日').unwrap_or(rest) } else { rest };
    if !(1900..=2100).contains(&year) || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    // What may follow: a time, then a short byline or journal; no sentence.
    if rest.chars().count() > 40 || rest.contains(['。', '，', ',']) {
        return None;
    }
    Some(format!("{year:04}-{month:02}-{day:02}"))
}

/// Whether `s` holds an issue of a periodical: `2023年6期`, `2023年第6期`.
fn has_issue(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    chars.windows(5).enumerate().any(|(i, w)| {
        w[..4].iter().all(char::is_ascii_digit) && w[4] == '年' && {
            let rest: String = chars[i + 5..].iter().collect();
            let rest = rest.strip_prefix('第').unwrap_or(&rest);
            let n = rest.chars().take_while(char::is_ascii_digit).count();
            (1..=3).contains(&n) && rest[n..].starts_with('期')
        }
    })
}

/// Whether `s` (Simplified) is an affiliation: a postcode (six digits not
/// part of a longer number) and a word for an institution, and no sentence.
fn is_affiliation(s: &str) -> bool {
    const INSTITUTIONS: [&str; 14] = [
        "大学",
        "学院",
        "医院",
        "研究所",
        "研究院",
        "研究中心",
        "中心",
        "公司",
        "学校",
        "委员会",
        "University",
        "Hospital",
        "Institute",
        "College",
    ];
    if s.contains('。') || s.chars().count() > 300 {
        return false;
    }
    let bytes = s.as_bytes();
    let postcode = bytes.windows(6).enumerate().any(|(i, w)| {
        w.iter().all(u8::is_ascii_digit)
            && (i == 0 || !bytes[i - 1].is_ascii_digit())
            && bytes.get(i + 6).is_none_or(|b| !b.is_ascii_digit())
    });
    postcode && INSTITUTIONS.iter().any(|w| s.contains(w))
}

/// Common Chinese surnames (Simplified), the first character of nearly
/// every name in a Chinese byline. Names are matched on the Simplified form
/// of a line.
const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜\
    崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔\
    伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲\
    房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣\
    巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠\
    豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战\
    慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由";

/// Compound surnames, the first two characters of a four-character name
/// (Simplified).
const COMPOUND_SURNAMES: [&str; 20] = [
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "令狐",
    "端木", "西门", "南宫", "独孤", "呼延", "澹台",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OpenCc;

    fn fields(page: &str) -> Vec<(String, MetaField)> {
        let (lines, _) = head(page, OpenCc::shared());
        lines.into_iter().map(|l| (page[l.range].to_owned(), l.field)).collect()
    }

    #[test]
    fn a_journal_mirror_head() {
        let page = "陳巖,付存軍,張朝輝\n(1.黑龍江省森林工業總局 物資局,哈爾濱 150008;2.東北林業大學 經濟管理學院,哈爾濱 150040)\n\
                    黑龍江省林業資源型城市的演進歷程與發展特性研究\n陳巖1,付存軍2,張朝輝2\n\
                    通過對資源型城市、林業資源型城市等相關概念的界定,論述了林業資源型城市的演進歷程。\n";
        let f = fields(page);
        assert_eq!(
            f.iter().map(|(_, f)| *f).collect::<Vec<_>>(),
            [MetaField::Authors, MetaField::Affiliation, MetaField::Authors]
        );
        let (_, values) = head(page, OpenCc::shared());
        assert_eq!(values.authors[..3], ["陳巖", "付存軍", "張朝輝"]);
        assert_eq!(values.affiliations[0], "黑龍江省森林工業總局 物資局,哈爾濱 150008");
    }

    /// A title of names and a deed is a title; a byline with a compound
    /// surname is a byline. (Found by CI's 1,000-article book: a generated
    /// article's title was taken for its authors.)
    #[test]
    fn a_title_that_reads_as_names() {
        assert_eq!(fields("孟懿子、陽虎伐鄆\n三月，孟懿子和陽虎率兵進攻鄆地。\n"), []);
        assert_eq!(fields("齊侯、衛侯、鄭伯如晉\n\n夏季，三位國君到晉國去。\n"), []);
        let page = "春秋研究\n歐陽曉東，李明\n正文從這裡開始，寫了很多句子。\n";
        assert_eq!(fields(page), [("歐陽曉東，李明".to_owned(), MetaField::Authors)]);
    }

    #[test]
    fn labelled_lines_after_the_abstract() {
        let page = "李彤\n摘要:目的 觀察遠程網絡多學科合作團隊延續護理的效果。方法 選取患者80例。\n\
                    關鍵詞:慢性心力衰竭;遠程網絡管理\n中圖分類號:R473.5? ? ? 文獻標識碼:A\n文章編號:1006-1959(2024)04-0156-04\n";
        let (lines, values) = head(page, OpenCc::shared());
        let f: Vec<MetaField> = lines.iter().map(|l| l.field).collect();
        assert_eq!(f, [MetaField::Authors, MetaField::Keywords, MetaField::Identifiers, MetaField::Identifiers]);
        assert_eq!(values.keywords, ["慢性心力衰竭", "遠程網絡管理"]);
        assert_eq!(
            values.identifiers,
            [
                ("中圖分類號".to_owned(), "R473.5".to_owned()),
                ("文獻標識碼".to_owned(), "A".to_owned()),
                ("文章編號".to_owned(), "1006-1959(2024)04-0156-04".to_owned()),
            ]
        );
    }

    #[test]
    fn dates_and_bylines() {
        assert_eq!(parse_date("2017-08-03 14:49:52").as_deref(), Some("2017-08-03"));
        assert_eq!(parse_date("2024/3/22 作者:").as_deref(), Some("2024/3/22").map(|_| "2024-03-22"));
        assert_eq!(parse_date("2012年11月7日").as_deref(), Some("2012-11-07"));
        assert_eq!(parse_date("2016-03-07 08:44文圖孫海芳").as_deref(), Some("2016-03-07"));
        // A sentence that starts with a date is body text.
        assert_eq!(parse_date("2012年11月7日,深圳市科技工貿和信息化委員會認定了一批企業。"), None);
        assert_eq!(parse_date("2019年2月22日"), Some("2019-02-22".to_owned()));
        assert_eq!(parse_date("20190222"), None);
    }

    #[test]
    fn titles_and_body_lines_are_not_metadata() {
        for page in [
            "春天的家鄉\n我的家鄉在福建,那裡的四季非常美麗。\n",
            "張掖尋古記\n張掖是一座古城,城裡有許多古蹟。\n",
            "高新技術企業認定\n2012年11月7日,深圳市科技工貿和信息化委員會公布了名單。\n",
        ] {
            assert!(fields(page).is_empty(), "{page}: {:?}", fields(page));
        }
        // Names only before the body starts.
        assert!(fields("標題\n第一段有很多字,講了一件事情。\n王小明 李大海\n").is_empty());
    }
}
