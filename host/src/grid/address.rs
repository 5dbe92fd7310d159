//! Standard addresses as department data is matched on them: the same address is written in
//! many ways (全角 and 半角 digits, spaces, 幢 for 栋, 號 for 号 …), so a house is found by its
//! address key, the address written one way, not by its text.

/// The key of `address`: full-width ASCII made half-width, letters lowercased, white space
/// and the joining marks `-`, `—`, `－`, `·` dropped, the common variant characters of
/// building, number, floor and room spelled one way (`3号楼` and `3幢` as `3栋`), and the
/// 室 after a room number dropped (`301室` is `301`).
pub fn address_key(address: &str) -> String {
    let key: String = address
        .chars()
        .map(half_width)
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '—' | '–' | '·' | '_'))
        .map(|c| match c {
            '幢' | '棟' => '栋',
            '號' => '号',
            '樓' => '楼',
            '單' => '单',
            '區' => '区',
            '#' => '号',
            other => other.to_ascii_lowercase(),
        })
        .collect();
    let key = key.replace("号楼", "栋");
    let mut out = String::with_capacity(key.len());
    let mut previous = None;
    for c in key.chars() {
        if !(c == '室' && previous.is_some_and(|p: char| p.is_ascii_digit())) {
            out.push(c);
        }
        previous = Some(c);
    }
    out
}

/// A full-width ASCII character (U+FF01 to U+FF5E) as its half-width form, the ideographic
/// space as a space; anything else as it is.
fn half_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(u32::from(c) - 0xfee0).unwrap_or(c),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_common_variants_meet_in_one_key() {
        let written = [
            "江边路8号3栋2单元301室",
            "江边路 8 号 3 栋 2 单元 301 室",
            "江边路８号３幢２单元３０１室",
            "江边路8號3棟2單元301室",
            "江边路8#3栋2单元301室",
            "江边路8号3号楼2单元301",
        ];
        let keys: Vec<String> = written.iter().map(|a| address_key(a)).collect();
        assert!(keys.iter().all(|k| *k == keys[0]), "{keys:?}");
        assert_ne!(address_key("江边路8号3栋"), address_key("江边路9号3栋"));
        assert_eq!(address_key("Ａ座１０１"), "a座101");
    }
}
