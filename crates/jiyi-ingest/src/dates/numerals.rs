//! Numbers as records write them: Arabic digits (`112`), Chinese digits read one by one
//! (`一九四九`, `一〇五`), and Chinese numbers with units (`五十七`, `廿三`, `卅`, `一百零五`).

/// A number read from the start of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Number {
    /// Its value.
    pub value: u32,
    /// How many digit positions it was written with when read digit by digit (`112` → 3,
    /// `一九四九` → 4); `None` for numbers with units (`三十六`), whose width says nothing.
    pub digits: Option<usize>,
    /// How many characters it took.
    pub len: usize,
}

fn digit(c: char) -> Option<u32> {
    match c {
        '0'..='9' => c.to_digit(10),
        '〇' | '零' | '○' | 'Ｏ' => Some(0),
        '一' => Some(1),
        '二' | '兩' | '两' => Some(2),
        '三' => Some(3),
        '四' => Some(4),
        '五' => Some(5),
        '六' => Some(6),
        '七' => Some(7),
        '八' => Some(8),
        '九' => Some(9),
        _ => None,
    }
}

fn unit(c: char) -> Option<u32> {
    match c {
        '十' | '拾' => Some(10),
        '百' => Some(100),
        '千' => Some(1000),
        _ => None,
    }
}

/// `廿` 20, `卅` 30, `卌` 40: tens written as one character.
fn tens(c: char) -> Option<u32> {
    match c {
        '廿' | '念' => Some(20),
        '卅' => Some(30),
        '卌' => Some(40),
        _ => None,
    }
}

/// Reads the number at the start of `chars`, if any. Values are capped well below `u32`
/// overflow (at most 9 digit positions), so any input is safe.
pub(crate) fn read(chars: &[char]) -> Option<Number> {
    let len = chars
        .iter()
        .take_while(|&&c| digit(c).is_some() || unit(c).is_some() || tens(c).is_some())
        .count();
    if len == 0 || len > 9 {
        return None;
    }
    let run = &chars[..len];
    let positional = run.iter().all(|&c| digit(c).is_some());
    if positional {
        let value = run
            .iter()
            .filter_map(|&c| digit(c))
            .fold(0, |acc, d| acc * 10 + d);
        return Some(Number {
            value,
            digits: Some(len),
            len,
        });
    }
    // Units: 五十七 = 5×10 + 7; 十三 = 13; 一百零五 = 105; 廿三 = 23.
    let mut total = 0u32;
    let mut current: Option<u32> = None;
    for &c in run {
        if let Some(d) = digit(c) {
            if current.is_some() && d != 0 {
                // Two digits in a row inside a unit number (二三十) is not a number.
                return None;
            }
            current = if d == 0 { None } else { Some(d) };
        } else if let Some(u) = unit(c) {
            total += current.take().unwrap_or(1) * u;
        } else if let Some(t) = tens(c) {
            if current.take().is_some() {
                return None;
            }
            total += t;
        }
    }
    total += current.unwrap_or(0);
    Some(Number {
        value: total,
        digits: None,
        len,
    })
}

#[cfg(test)]
mod tests {
    use super::read;

    fn value(s: &str) -> Option<u32> {
        read(&s.chars().collect::<Vec<_>>()).map(|n| n.value)
    }

    #[test]
    fn reads_chinese_and_arabic_numbers() {
        assert_eq!(value("112年"), Some(112));
        assert_eq!(value("五十七年"), Some(57));
        assert_eq!(value("十年"), Some(10));
        assert_eq!(value("十三"), Some(13));
        assert_eq!(value("廿三年"), Some(23));
        assert_eq!(value("卅"), Some(30));
        assert_eq!(value("二十"), Some(20));
        assert_eq!(value("一九四九"), Some(1949));
        assert_eq!(value("一〇五"), Some(105));
        assert_eq!(value("一百零五"), Some(105));
        assert_eq!(value("年"), None);
        assert_eq!(value("9999999999"), None);
    }

    #[test]
    fn remembers_positional_width() {
        let n = read(&"0112".chars().collect::<Vec<_>>()).expect("number");
        assert_eq!((n.value, n.digits, n.len), (112, Some(4), 4));
        let n = read(&"三十六".chars().collect::<Vec<_>>()).expect("number");
        assert_eq!(n.digits, None);
    }
}
