//! Language tags for text cells: Jiyi publishes Traditional Chinese as `zh-Hant` and English
//! as `en`, and real exports mix both in one column (`品名` filled in English for a foreign
//! object) or even in one cell (`故宮 National Palace Museum`).
//!
//! Rules (on the [`crate::text::normalize`]d text):
//!
//! - text with **any Han character** is `zh-Hant`. Mixed text is Chinese: Chinese text
//!   routinely carries Latin names, numbers and units (`郎世寧 Giuseppe Castiglione 作品`,
//!   `縱 206.3 cm`), while English text essentially never carries Han characters unless it
//!   quotes them. Bopomofo also counts as Chinese.
//! - otherwise text with a **Latin letter** is `en`;
//! - otherwise (digits, punctuation only: `1745`, `—`) the mapping's `jiyi:defaultLanguage`,
//!   else `zxx` (BCP 47 "no linguistic content"); empty text is null.
//!
//! Japanese kana or Korean hangul are not told apart (Jiyi's sources are Chinese and English);
//! text with kana and Han characters would be tagged `zh-Hant`.
//!
//! A bilingual cell is split by [`part_in`]: when the Han characters and the Latin letters form
//! two separate stretches (`故宮 National Palace Museum`, `National Palace Museum（國立故宮博物院）`,
//! `翠玉白菜 / Jadeite Cabbage`), each language gets its stretch, without the separator
//! (spaces, `/ | ; : , -` and their full-width forms) and without brackets that enclose the
//! whole stretch. When they interleave (`郎世寧 Giuseppe Castiglione 作品`) the cell is not
//! bilingual but Chinese with Latin inside: `zh-Hant` gets all of it and `en` nothing.
//!
//! Functions for mappings (RML-FNML), all taking `jiyi:text`:
//!
//! | function | returns |
//! |---|---|
//! | `jiyi:normalizeText` | the normalised text (null when empty) |
//! | `jiyi:languageTag` | `zh-Hant`, `en`, the default or `zxx`; for an `rml:languageMap` |
//! | `jiyi:taggedText` | the normalised text as a literal tagged by the rules above |
//! | `jiyi:textInLanguage` | the part of a bilingual cell in `jiyi:language` (`zh-Hant` or `en`), tagged; null when none |

use crate::text::{is_han, normalize};
use jiyi_rml::{Arguments, FunctionDefinition, FunctionRegistry};
use oxrdf::Literal;

/// `jiyi:normalizeText`.
pub const NORMALIZE_TEXT: &str = "https://w3id.org/jiyi/ns#normalizeText";
/// `jiyi:languageTag`.
pub const LANGUAGE_TAG: &str = "https://w3id.org/jiyi/ns#languageTag";
/// `jiyi:taggedText`.
pub const TAGGED_TEXT: &str = "https://w3id.org/jiyi/ns#taggedText";
/// `jiyi:textInLanguage`.
pub const TEXT_IN_LANGUAGE: &str = "https://w3id.org/jiyi/ns#textInLanguage";
/// Parameter: the text.
pub const TEXT: &str = "https://w3id.org/jiyi/ns#text";
/// Parameter: the tag for text with neither Han nor Latin letters.
pub const DEFAULT_LANGUAGE: &str = "https://w3id.org/jiyi/ns#defaultLanguage";
/// Parameter: which language's part of a bilingual cell.
pub const LANGUAGE: &str = "https://w3id.org/jiyi/ns#language";

/// Traditional Chinese.
pub const ZH_HANT: &str = "zh-Hant";
/// English.
pub const EN: &str = "en";
/// BCP 47 "no linguistic content".
pub const NO_LANGUAGE: &str = "zxx";

fn is_latin_letter(c: char) -> bool {
    c.is_alphabetic()
        && matches!(u32::from(c), 0x41..=0x5A | 0x61..=0x7A | 0xC0..=0x24F | 0x1E00..=0x1EFF)
}

/// The language of already normalised text: `Some(zh-Hant)`, `Some(en)`, or `None` when it
/// has neither Han characters nor Latin letters.
pub fn detect(text: &str) -> Option<&'static str> {
    if text
        .chars()
        .any(|c| is_han(c) || matches!(c, '\u{3100}'..='\u{312F}'))
    {
        Some(ZH_HANT)
    } else if text.chars().any(is_latin_letter) {
        Some(EN)
    } else {
        None
    }
}

/// The BCP 47 tag of `text` by the module's rules; `None` for empty text.
pub fn tag_of<'a>(text: &str, default: Option<&'a str>) -> Option<&'a str> {
    let text = normalize(text);
    if text.is_empty() {
        return None;
    }
    Some(detect(&text).or(default).unwrap_or(NO_LANGUAGE))
}

/// Separators between the two halves of a bilingual cell, and around them.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '/' | '|'
                | ';'
                | ':'
                | ','
                | '-'
                | '–'
                | '—'
                | '／'
                | '｜'
                | '；'
                | '：'
                | '，'
                | '、'
                | '－'
        )
}

/// Removes separators at both ends and brackets that enclose the whole text.
fn tidy(part: &str) -> &str {
    let mut part = part.trim_matches(is_separator);
    for (open, close) in [
        ('(', ')'),
        ('（', '）'),
        ('[', ']'),
        ('［', '］'),
        ('「', '」'),
        ('《', '》'),
    ] {
        if let Some(inner) = part.strip_prefix(open).and_then(|p| p.strip_suffix(close))
            && !inner.contains([open, close])
        {
            part = inner.trim_matches(is_separator);
        }
    }
    part
}

/// The two parts of a bilingual cell, `(zh-Hant part, en part)`, from normalised text.
/// `None` when the Han and Latin stretches interleave or one of them is missing.
fn split(text: &str) -> Option<(&str, &str)> {
    let han: Vec<usize> = text
        .char_indices()
        .filter(|(_, c)| is_han(*c))
        .map(|(i, _)| i)
        .collect();
    let latin: Vec<usize> = text
        .char_indices()
        .filter(|(_, c)| is_latin_letter(*c))
        .map(|(i, _)| i)
        .collect();
    let (&h0, &h1) = (han.first()?, han.last()?);
    let (&l0, &l1) = (latin.first()?, latin.last()?);
    let (first_end, second_start) = if h1 < l0 {
        (h1, l0)
    } else if l1 < h0 {
        (l1, h0)
    } else {
        return None;
    };
    // Cut in the gap between the stretches: at an opening bracket or quote if there is one
    // (it belongs to the second part), else at the first separator, else right before the
    // second stretch.
    let gap_start = first_end + text.get(first_end..)?.chars().next()?.len_utf8();
    let gap = text.get(gap_start..second_start)?;
    let cut = gap
        .char_indices()
        .find(|(_, c)| matches!(c, '(' | '（' | '[' | '［' | '「' | '《' | '"' | '“'))
        .or_else(|| gap.char_indices().find(|(_, c)| is_separator(*c)))
        .map_or(second_start, |(i, _)| gap_start + i);
    let (first, second) = (text.get(..cut)?, text.get(cut..)?);
    let (first, second) = (tidy(first), tidy(second));
    Some(if h1 < l0 {
        (first, second)
    } else {
        (second, first)
    })
}

/// The part of `text` in `language` (`zh-Hant` or `en`), normalised; `None` when there is
/// none (see the module documentation for bilingual and mixed cells).
pub fn part_in(text: &str, language: &str) -> Option<String> {
    let text = normalize(text);
    let wanted = if language.eq_ignore_ascii_case(ZH_HANT) {
        ZH_HANT
    } else if language.eq_ignore_ascii_case(EN) {
        EN
    } else {
        return None;
    };
    let part = match split(&text) {
        Some((zh, en)) => {
            if wanted == ZH_HANT {
                zh
            } else {
                en
            }
        }
        None => {
            if detect(&text) == Some(wanted) {
                text.as_str()
            } else {
                ""
            }
        }
    };
    (!part.is_empty()).then(|| part.to_owned())
}

fn tagged(text: String, tag: &str) -> Result<Vec<Literal>, String> {
    Literal::new_language_tagged_literal(text, tag)
        .map(|l| vec![l])
        .map_err(|e| format!("`{tag}` is not a valid language tag: {e}"))
}

/// Adds the language functions to `registry`.
pub fn register(registry: &mut FunctionRegistry) {
    registry.register(
        FunctionDefinition::new(NORMALIZE_TEXT)
            .parameter([TEXT])
            .implementation(|args: &Arguments<'_>| {
                let text = normalize(args.required_str(0)?);
                Ok(if text.is_empty() {
                    Vec::new()
                } else {
                    vec![Literal::new_simple_literal(text)]
                })
            }),
    );
    registry.register(
        FunctionDefinition::new(LANGUAGE_TAG)
            .parameter([TEXT])
            .optional([DEFAULT_LANGUAGE])
            .implementation(|args: &Arguments<'_>| {
                Ok(tag_of(args.required_str(0)?, args.str(1))
                    .map(Literal::new_simple_literal)
                    .into_iter()
                    .collect())
            }),
    );
    registry.register(
        FunctionDefinition::new(TAGGED_TEXT)
            .parameter([TEXT])
            .optional([DEFAULT_LANGUAGE])
            .implementation(|args: &Arguments<'_>| {
                let raw = args.required_str(0)?;
                match tag_of(raw, args.str(1)) {
                    Some(tag) => tagged(normalize(raw), tag),
                    None => Ok(Vec::new()),
                }
            }),
    );
    registry.register(
        FunctionDefinition::new(TEXT_IN_LANGUAGE)
            .parameter([TEXT])
            .parameter([LANGUAGE])
            .implementation(|args: &Arguments<'_>| {
                let language = args.required_str(1)?;
                if !language.eq_ignore_ascii_case(ZH_HANT) && !language.eq_ignore_ascii_case(EN) {
                    return Err(format!(
                        "jiyi:textInLanguage: language `{language}` is neither zh-Hant nor en"
                    ));
                }
                match part_in(args.required_str(0)?, language) {
                    Some(part) => tagged(
                        part,
                        if language.eq_ignore_ascii_case(EN) {
                            EN
                        } else {
                            ZH_HANT
                        },
                    ),
                    None => Ok(Vec::new()),
                }
            }),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_chinese_english_and_mixed_text() {
        assert_eq!(tag_of("翠玉白菜", None), Some(ZH_HANT));
        assert_eq!(tag_of("Jadeite Cabbage", None), Some(EN));
        assert_eq!(
            tag_of("郎世寧 Giuseppe Castiglione 作品", None),
            Some(ZH_HANT)
        );
        assert_eq!(tag_of("Ｊａｄｅｉｔｅ", None), Some(EN));
        assert_eq!(tag_of("Zoë Krüger", None), Some(EN));
        assert_eq!(tag_of("ㄅㄆㄇ", None), Some(ZH_HANT));
        assert_eq!(tag_of("〇", None), Some(ZH_HANT));
        assert_eq!(tag_of("１７４５", None), Some(NO_LANGUAGE));
        assert_eq!(tag_of("1745", Some("zh-Hant")), Some(ZH_HANT));
        assert_eq!(tag_of("", None), None);
        assert_eq!(tag_of("\u{3000} \u{00A0}", None), None);
    }

    #[test]
    fn splits_bilingual_cells() {
        let both = |t: &str| (part_in(t, ZH_HANT), part_in(t, EN));
        let some = |a: &str, b: &str| (Some(a.to_owned()), Some(b.to_owned()));
        assert_eq!(
            both("故宮 National Palace Museum"),
            some("故宮", "National Palace Museum")
        );
        assert_eq!(
            both("National Palace Museum（國立故宮博物院）"),
            some("國立故宮博物院", "National Palace Museum")
        );
        assert_eq!(
            both("翠玉白菜 / Jadeite Cabbage"),
            some("翠玉白菜", "Jadeite Cabbage")
        );
        assert_eq!(
            both("翠玉白菜Jadeite Cabbage"),
            some("翠玉白菜", "Jadeite Cabbage")
        );
        assert_eq!(
            both("清 乾隆\u{3000}Qianlong reign (1736–1795)"),
            some("清 乾隆", "Qianlong reign (1736–1795)")
        );
        assert_eq!(
            both("國立故宮博物院 (National Palace Museum)"),
            some("國立故宮博物院", "National Palace Museum")
        );
        // Interleaved: Chinese with a Latin name inside.
        assert_eq!(
            both("郎世寧 Giuseppe Castiglione 作品"),
            (Some("郎世寧 Giuseppe Castiglione 作品".to_owned()), None)
        );
        assert_eq!(both("翠玉白菜"), (Some("翠玉白菜".to_owned()), None));
        assert_eq!(
            both("Jadeite Cabbage"),
            (None, Some("Jadeite Cabbage".to_owned()))
        );
        assert_eq!(both(""), (None, None));
        assert_eq!(both("1745"), (None, None));
        assert_eq!(part_in("故宮 NPM", "fr"), None);
    }

    #[test]
    fn functions_return_tagged_literals() {
        let mut registry = FunctionRegistry::empty();
        register(&mut registry);
        for iri in [NORMALIZE_TEXT, LANGUAGE_TAG, TAGGED_TEXT, TEXT_IN_LANGUAGE] {
            assert!(registry.get(iri).is_some(), "{iri}");
        }
    }
}
