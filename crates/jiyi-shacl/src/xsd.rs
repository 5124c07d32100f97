//! Lexical checks of common XSD datatypes, for `sh:datatype`: a literal typed `xsd:decimal`
//! whose text is "12 cm" does not satisfy `sh:datatype xsd:decimal` (SHACL: "ill-formed
//! literals"). Written by hand because oxrdf keeps literals as text and no small crate checks
//! XSD lexical spaces; datatypes not listed here are accepted on their datatype IRI alone.

use regex::Regex;
use std::sync::LazyLock;

const TZ: &str = r"(Z|[+-](0\d|1[0-3]):[0-5]\d|[+-]14:00)?";

static CHECKS: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    let year = r"-?([1-9]\d{3,}|0\d{3})";
    let date = format!(r"{year}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])");
    let time = r"(([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?|24:00:00(\.0+)?)";
    let patterns: Vec<(&str, String)> = vec![
        ("integer", r"[+-]?\d+".into()),
        ("int", r"[+-]?\d+".into()),
        ("long", r"[+-]?\d+".into()),
        ("short", r"[+-]?\d+".into()),
        ("nonNegativeInteger", r"\+?\d+|-0+".into()),
        ("positiveInteger", r"\+?0*[1-9]\d*".into()),
        ("decimal", r"[+-]?(\d+(\.\d*)?|\.\d+)".into()),
        (
            "double",
            r"[+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|INF)|NaN".into(),
        ),
        (
            "float",
            r"[+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|INF)|NaN".into(),
        ),
        ("boolean", r"true|false|1|0".into()),
        ("date", format!("{date}{TZ}")),
        ("dateTime", format!("{date}T{time}{TZ}")),
        ("gYear", format!("{year}{TZ}")),
        ("gYearMonth", format!("{year}-(0[1-9]|1[0-2]){TZ}")),
        ("anyURI", r"[^\s]*".into()),
    ];
    patterns
        .into_iter()
        .map(|(name, p)| {
            let regex =
                Regex::new(&format!("^(?:{p})$")).expect("the XSD patterns above are valid");
            (name, regex)
        })
        .collect()
});

/// Whether `text` is in the lexical space of `xsd:{local}`; `true` for datatypes not checked.
pub(crate) fn well_formed(local: &str, text: &str) -> bool {
    CHECKS
        .iter()
        .find(|(name, _)| *name == local)
        .is_none_or(|(_, regex)| regex.is_match(text))
}

#[cfg(test)]
mod tests {
    use super::well_formed;

    #[test]
    fn lexical_spaces() {
        assert!(well_formed("decimal", "206.3"));
        assert!(well_formed("decimal", "-.5"));
        assert!(!well_formed("decimal", "206.3 cm"));
        assert!(!well_formed("integer", "1.0"));
        assert!(well_formed("date", "1875-02-06"));
        assert!(!well_formed("date", "1875-2-6"));
        assert!(well_formed("gYear", "-0200"));
        assert!(well_formed("dateTime", "2026-12-03T22:25:26.5Z"));
        assert!(!well_formed("boolean", "yes"));
        assert!(well_formed("somethingElse", "anything"));
    }
}
