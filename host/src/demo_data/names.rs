//! Word lists for invented people and places: common surnames with rough weights, given-name
//! characters by gender, foreign names, and place words for communities and villages.

use fastrand::Rng;

/// The commonest surnames, roughly in order of frequency; earlier ones are drawn more often.
const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁",
    "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金", "石", "廖", "贾", "夏",
    "韦", "付", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹", "柯", "明", "费", "乐", "游",
    "雷", "侯", "龙", "陶", "黎", "贺", "顾", "毛", "龚", "万",
];

/// Given-name characters more often given to men.
const MALE_CHARS: &[&str] = &[
    "伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "华", "飞",
    "鑫", "波", "宇", "浩", "凯", "健", "俊", "帆", "建", "国", "志", "文", "海", "峰", "林", "博",
    "晨", "子", "轩", "睿", "德", "成", "兵", "春", "亮", "新", "洪", "武", "东",
];

/// Given-name characters more often given to women.
const FEMALE_CHARS: &[&str] = &[
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "燕", "玲", "桂", "英", "秀", "兰", "萍", "红",
    "梅", "琳", "雪", "婷", "慧", "颖", "倩", "洁", "琴", "云", "莉", "欣", "悦", "涵", "怡", "佳",
    "晶", "蓉", "凤", "珍", "翠", "月", "春", "晓", "雨", "思", "梦", "诗", "美",
];

/// Names of foreign residents as Chinese records write them.
const FOREIGN_NAMES: &[&str] = &[
    "约翰·史密斯",
    "安娜·彼得罗娃",
    "金敏俊",
    "朴志妍",
    "阮氏香",
    "陈文雄",
    "山田太郎",
    "佐藤美咲",
    "穆罕默德·阿里",
    "玛丽亚·加西亚",
    "卢卡斯·穆勒",
    "苏菲·马丁",
];

/// Words that communities, villages and streets are named after.
pub const PLACE_WORDS: &[&str] = &[
    "胜利",
    "新华",
    "团结",
    "和平",
    "光明",
    "幸福",
    "友谊",
    "青山",
    "磁湖",
    "花湖",
    "月亮山",
    "延安",
    "交通",
    "颐阳",
    "广会",
    "上窑",
    "马鞍山",
    "澄月",
    "黄思湾",
    "牧羊湖",
    "杭州路",
    "天津路",
    "南岳",
    "红旗",
    "东方",
    "桂林",
    "湖景",
    "江北",
    "龙角山",
    "石料山",
    "大泉",
    "金海",
    "王家里",
    "汪仁",
    "杨林",
    "下畈",
    "胡家湾",
    "铜鼓",
    "朝阳",
    "长乐",
    "新湖",
    "双港",
    "明珠",
    "盛洪卿",
    "尚信",
    "章山",
    "港湖",
    "白马山",
    "燕山",
    "太平",
    "东风",
    "金湖",
    "还地桥",
    "刘家畈",
    "石家堍",
    "柯家湾",
    "枫林",
    "陶港",
    "龙港",
    "富河",
    "荆头山",
];

/// A surname, the common ones more often: a draw skewed towards the head of the list.
fn surname(rng: &mut Rng) -> &'static str {
    let skewed = rng.f64() * rng.f64();
    SURNAMES[(skewed * SURNAMES.len() as f64) as usize % SURNAMES.len()]
}

/// A Chinese full name: a surname and one or two given-name characters (two more often).
pub fn chinese_name(rng: &mut Rng, male: bool) -> String {
    let pool = if male { MALE_CHARS } else { FEMALE_CHARS };
    let mut name = surname(rng).to_owned();
    let given = if rng.u8(0..10) < 3 { 1 } else { 2 };
    for _ in 0..given {
        name.push_str(pool[rng.usize(..pool.len())]);
    }
    name
}

/// A foreign resident's name.
pub fn foreign_name(rng: &mut Rng) -> String {
    FOREIGN_NAMES[rng.usize(..FOREIGN_NAMES.len())].to_owned()
}

/// The Chinese numeral for 1 to 99 (`第十二网格`).
pub fn numeral(n: usize) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n].to_owned(),
        10 => "十".to_owned(),
        11..=19 => format!("十{}", DIGITS[n % 10]),
        _ if n.is_multiple_of(10) => format!("{}十", DIGITS[(n / 10) % 10]),
        _ => format!("{}十{}", DIGITS[(n / 10) % 10], DIGITS[n % 10]),
    }
}

/// A mobile number: a real carrier prefix and eight digits.
pub fn mobile(rng: &mut Rng) -> String {
    const PREFIXES: &[&str] = &[
        "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155",
        "157", "158", "159", "177", "180", "181", "186", "187", "188", "189", "199",
    ];
    format!(
        "{}{:08}",
        PREFIXES[rng.usize(..PREFIXES.len())],
        rng.u32(..100_000_000)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numerals_read_as_written() {
        assert_eq!(numeral(1), "一");
        assert_eq!(numeral(10), "十");
        assert_eq!(numeral(12), "十二");
        assert_eq!(numeral(20), "二十");
        assert_eq!(numeral(37), "三十七");
    }

    #[test]
    fn names_and_phones_have_the_expected_shape() {
        let mut rng = Rng::with_seed(7);
        for _ in 0..100 {
            let male = rng.bool();
            let name = chinese_name(&mut rng, male);
            assert!((2..=3).contains(&name.chars().count()), "{name}");
            let phone = mobile(&mut rng);
            assert!(phone.len() == 11 && phone.starts_with('1'), "{phone}");
        }
    }
}
