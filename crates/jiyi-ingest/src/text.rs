//! Text normalisation for what an ingest publishes as labels, names and keys: records exported
//! from Taiwanese collection systems mix full-width and half-width forms (`Ａ１`, `ＤＥＭＯ－００１`),
//! pad with ideographic spaces (U+3000) and no-break spaces, and carry stray line breaks.
//!
//! [`normalize`] does, in order:
//!
//! 1. Unicode NFC (`icu_normalizer`), so the same text always has the same code points
//!    (a decomposed `é` and a precomposed one are one key). Note that NFC also maps the CJK
//!    compatibility ideographs (U+F900–U+FAFF) to their unified forms, as Unicode requires.
//! 2. Full-width ASCII letters and digits (U+FF10–FF19, FF21–FF3A, FF41–FF5A) become ASCII,
//!    always: `Ａ１` → `A1`.
//! 3. Full-width ASCII punctuation and symbols (the rest of U+FF01–FF5E: `，（）：！？`…)
//!    become ASCII **only inside Latin text**: a run of them is converted when neither
//!    neighbour (spaces skipped) is CJK (Han, kana, bopomofo, hangul or U+3000–303F), so
//!    `Ａ１，Ｂ２` → `A1,B2` and `（Ａ）` → `(A)`, while `公分，橫` and `乾隆十年（1745），秋`
//!    keep their full-width punctuation, which Chinese typography requires. The two brackets
//!    of a pair (`（）［］｛｝`) are kept alike: if either stays full-width, both do. This is
//!    NFKC restricted to the one block where NFKC is wanted; the other compatibility forms
//!    (`￥`, half-width katakana, `㈠`, circled digits) are left alone.
//! 4. Whitespace: every run of white space (`char::is_whitespace`: space, tab, CR, LF,
//!    U+3000, U+00A0, U+2000–200A, U+202F…) becomes one ASCII space, zero-width spaces
//!    (U+200B) and stray byte-order marks (U+FEFF) are removed, and the ends are trimmed. A
//!    space between two Han characters is kept (as one space): it may separate two names
//!    (`張三　李四`), so removing it would merge them. Line breaks are not kept, so this is
//!    for labels, names and keys, not for long descriptions whose paragraphs matter.
//!
//! Written by hand because no crate does step 3 (NFKC converts the whole block, or nothing).

use icu_normalizer::ComposingNormalizerBorrowed;

/// Whether `c` is a Han character (CJK ideographs, all extensions, compatibility ideographs,
/// radicals, `〇`) — the mark of Chinese text for [`crate::language`].
pub fn is_han(c: char) -> bool {
    matches!(u32::from(c),
        0x2E80..=0x2FDF | 0x3005 | 0x3007 | 0x3021..=0x3029 | 0x3038..=0x303B
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF
        | 0x2_0000..=0x2_FA1F | 0x3_0000..=0x3_134F)
}

/// Whether `c` belongs to CJK text: Han, bopomofo, kana, hangul, or the CJK symbols and
/// punctuation block (`、。「」`).
pub fn is_cjk(c: char) -> bool {
    is_han(c)
        || matches!(u32::from(c),
            0x3000..=0x303F | 0x3040..=0x30FF | 0x3100..=0x312F | 0x31A0..=0x31BF
            | 0x31F0..=0x31FF | 0xAC00..=0xD7AF | 0x1100..=0x11FF)
}

/// A full-width ASCII letter or digit as ASCII.
fn fold_alphanumeric(c: char) -> char {
    match c {
        '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
            char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c)
        }
        c => c,
    }
}

/// Full-width punctuation or symbol of the ASCII block (not a letter or digit).
fn is_fullwidth_punctuation(c: char) -> bool {
    matches!(c, '\u{FF01}'..='\u{FF5E}') && fold_alphanumeric(c) == c
}

fn ascii_of(c: char) -> char {
    char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c)
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{200B}' || c == '\u{FEFF}'
}

/// The normalised form of `text` (see the module documentation for the rules).
pub fn normalize(text: &str) -> String {
    normalize_with(text, false)
}

/// The normalised form of an identifier: as [`normalize`], but all of U+FF01–FF5E becomes
/// ASCII (an identifier is not prose, so `ＤＥＭＯ－器物－０００１` is `DEMO-器物-0001`).
pub fn normalize_identifier(text: &str) -> String {
    normalize_with(text, true)
}

fn normalize_with(text: &str, all_punctuation: bool) -> String {
    let nfc = ComposingNormalizerBorrowed::new_nfc().normalize(text);
    let chars: Vec<char> = nfc.chars().map(fold_alphanumeric).collect();
    let mut convert = vec![all_punctuation; chars.len()];
    // Runs of full-width punctuation (with the spaces between them) decided together.
    let mut i = 0;
    while i < chars.len() && !all_punctuation {
        if !chars.get(i).copied().is_some_and(is_fullwidth_punctuation) {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i;
        while let Some(&c) = chars.get(end) {
            if is_fullwidth_punctuation(c) || is_space(c) {
                end += 1;
            } else {
                break;
            }
        }
        let before = chars
            .get(..start)
            .and_then(|b| b.iter().rev().find(|c| !is_space(**c)));
        let after = chars
            .get(end..)
            .and_then(|a| a.iter().find(|c| !is_space(**c)));
        let latin = !before.is_some_and(|c| is_cjk(*c)) && !after.is_some_and(|c| is_cjk(*c));
        for flag in convert.get_mut(start..end).into_iter().flatten() {
            *flag = latin;
        }
        i = end;
    }
    if !all_punctuation {
        keep_bracket_pairs_alike(&chars, &mut convert);
    }
    let mut out = String::with_capacity(nfc.len());
    let mut pending_space = false;
    for (&c, &convert) in chars.iter().zip(&convert) {
        if c == '\u{200B}' || c == '\u{FEFF}' {
            continue;
        }
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(if convert && is_fullwidth_punctuation(c) {
            ascii_of(c)
        } else {
            c
        });
    }
    out
}

/// If one bracket of a full-width pair stays full-width, so does its partner.
fn keep_bracket_pairs_alike(chars: &[char], convert: &mut [bool]) {
    let mut stack: Vec<(char, usize)> = Vec::new();
    let mut pairs = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '（' | '［' | '｛' => stack.push((c, i)),
            '）' | '］' | '｝' => {
                let open = match c {
                    '）' => '（',
                    '］' => '［',
                    _ => '｛',
                };
                if let Some(pos) = stack.iter().rposition(|(o, _)| *o == open) {
                    let (_, at) = stack.remove(pos);
                    stack.truncate(pos);
                    pairs.push((at, i));
                }
            }
            _ => {}
        }
    }
    for (open, close) in pairs {
        let alike = convert.get(open).copied().unwrap_or(false)
            && convert.get(close).copied().unwrap_or(false);
        for at in [open, close] {
            if let Some(flag) = convert.get_mut(at) {
                *flag = alike;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_letters_and_digits_become_ascii() {
        assert_eq!(normalize("Ａ１"), "A1");
        assert_eq!(normalize("ＤＥＭＯ－器物－０００１"), "DEMO－器物－0001");
        assert_eq!(normalize("ＤＥＭＯ－００１"), "DEMO-001");
        assert_eq!(normalize("Ａ１，Ｂ２"), "A1,B2");
        assert_eq!(normalize("Ａ１，"), "A1,");
        assert_eq!(normalize("（Ａ）"), "(A)");
        assert_eq!(normalize("１２．５ｃｍ"), "12.5cm");
    }

    #[test]
    fn cjk_punctuation_stays_full_width() {
        assert_eq!(
            normalize("縱206.3公分，橫103.3公分"),
            "縱206.3公分，橫103.3公分"
        );
        assert_eq!(
            normalize("乾隆十年（１７４５），秋"),
            "乾隆十年（1745），秋"
        );
        assert_eq!(
            normalize("故宮（National Palace Museum）"),
            "故宮（National Palace Museum）"
        );
        assert_eq!(normalize("說明：見前。"), "說明：見前。");
        // Other compatibility forms are not touched (NFKC would change them).
        assert_eq!(normalize("￥100 ①"), "￥100 ①");
    }

    #[test]
    fn whitespace_is_folded() {
        assert_eq!(normalize("\u{3000}翠玉白菜\u{3000}"), "翠玉白菜");
        assert_eq!(
            normalize("Jadeite\u{00A0}\u{00A0}Cabbage"),
            "Jadeite Cabbage"
        );
        assert_eq!(normalize("a\r\n b\tc\u{200B}d\u{FEFF}"), "a b cd");
        assert_eq!(normalize("張三\u{3000}李四"), "張三 李四");
        assert_eq!(normalize(""), "");
        assert_eq!(normalize(" \u{3000}\r\n"), "");
    }

    #[test]
    fn identifiers_fold_the_whole_block() {
        assert_eq!(
            normalize_identifier("ＤＥＭＯ－器物－０００１"),
            "DEMO-器物-0001"
        );
        assert_eq!(
            normalize_identifier("\u{3000}示例－故宮／１２\u{3000}"),
            "示例-故宮/12"
        );
    }

    #[test]
    fn nfc() {
        assert_eq!(normalize("Zoe\u{0308}"), "Zoë");
        assert_eq!(normalize("Zoë"), "Zoë");
    }
}
