//! String templates (`rml:template`) and the IRI-safe / URI-safe encodings applied to the
//! values inserted into them.

use std::borrow::Cow;
use std::fmt::Write as _;

/// One piece of a parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    /// Text copied as is (escapes already removed).
    Text(String),
    /// A reference expression that was enclosed in unescaped braces (escapes removed).
    Reference(String),
}

/// Parses a string template: `{` … `}` enclose reference expressions; `\{`, `\}` and `\\`
/// stand for the literal characters, inside references too. Anything else after a backslash,
/// an unescaped brace inside a reference, an unmatched brace or an empty reference is an
/// error, because the spec requires braces and backslashes to be escaped.
pub(crate) fn parse(template: &str) -> Result<Vec<Segment>, String> {
    let mut segments = Vec::new();
    let mut current = String::new();
    let mut in_reference = false;
    let mut chars = template.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(escaped @ ('{' | '}' | '\\')) => current.push(escaped),
                Some(other) => {
                    return Err(format!(
                        "invalid template `{template}`: `\\{other}` is not an escape (only `\\{{`, `\\}}` and `\\\\` are)"
                    ));
                }
                None => {
                    return Err(format!(
                        "invalid template `{template}`: it ends with a lone backslash"
                    ));
                }
            },
            '{' if in_reference => {
                return Err(format!(
                    "invalid template `{template}`: unescaped `{{` inside a reference (escape it as `\\{{`)"
                ));
            }
            '{' => {
                if !current.is_empty() {
                    segments.push(Segment::Text(std::mem::take(&mut current)));
                }
                in_reference = true;
            }
            '}' if in_reference => {
                if current.is_empty() {
                    return Err(format!(
                        "invalid template `{template}`: empty reference `{{}}`"
                    ));
                }
                segments.push(Segment::Reference(std::mem::take(&mut current)));
                in_reference = false;
            }
            '}' => {
                return Err(format!(
                    "invalid template `{template}`: unmatched `}}` (escape a literal brace as `\\}}`)"
                ));
            }
            c => current.push(c),
        }
    }
    if in_reference {
        return Err(format!(
            "invalid template `{template}`: `{{` is never closed"
        ));
    }
    if !current.is_empty() {
        segments.push(Segment::Text(current));
    }
    Ok(segments)
}

/// RFC 3987 `iunreserved`: ASCII letters and digits, `-._~`, and `ucschar`.
fn is_iunreserved(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(c, '-' | '.' | '_' | '~')
        || matches!(u32::from(c),
            0xA0..=0xD7FF
            | 0xF900..=0xFDCF
            | 0xFDF0..=0xFFEF
            | 0x1_0000..=0x1_FFFD
            | 0x2_0000..=0x2_FFFD
            | 0x3_0000..=0x3_FFFD
            | 0x4_0000..=0x4_FFFD
            | 0x5_0000..=0x5_FFFD
            | 0x6_0000..=0x6_FFFD
            | 0x7_0000..=0x7_FFFD
            | 0x8_0000..=0x8_FFFD
            | 0x9_0000..=0x9_FFFD
            | 0xA_0000..=0xA_FFFD
            | 0xB_0000..=0xB_FFFD
            | 0xC_0000..=0xC_FFFD
            | 0xD_0000..=0xD_FFFD
            | 0xE_1000..=0xE_FFFD)
}

/// RFC 3986 `unreserved`: ASCII letters and digits and `-._~`.
fn is_unreserved(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~')
}

fn percent_encode_where(value: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if value.chars().all(&keep) {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() + 8);
    push_encoded_where(&mut out, value, keep);
    Cow::Owned(out)
}

fn push_encoded_where(out: &mut String, value: &str, keep: impl Fn(char) -> bool) {
    // The common identifier is ASCII letters, digits and `-._~`: kept whole, checked by byte.
    if value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
    {
        out.push_str(value);
        return;
    }
    // Runs of kept characters are copied at once.
    let mut rest = value;
    while let Some((at, c)) = rest.char_indices().find(|&(_, c)| !keep(c)) {
        out.push_str(rest.get(..at).unwrap_or_default());
        let mut buf = [0u8; 4];
        for byte in c.encode_utf8(&mut buf).bytes() {
            // Writing to a String cannot fail.
            let _ = write!(out, "%{byte:02X}");
        }
        rest = rest.get(at + c.len_utf8()..).unwrap_or_default();
    }
    out.push_str(rest);
}

/// Appends the IRI-safe version of a value ([`iri_safe`]) to a template result.
pub(crate) fn push_iri_safe(out: &mut String, value: &str) {
    push_encoded_where(out, value, is_iunreserved);
}

/// Appends the URI-safe version of a value ([`uri_safe`]) to a template result.
pub(crate) fn push_uri_safe(out: &mut String, value: &str) {
    push_encoded_where(out, value, is_unreserved);
}

/// Appends a value to a template result as it is (literal and blank-node templates).
pub(crate) fn push_verbatim(out: &mut String, value: &str) {
    out.push_str(value);
}

/// The IRI-safe version of a value: every character outside `iunreserved` is UTF-8 encoded
/// and percent-encoded, so `器物-001` stays as is and `Zoë Krüger` becomes `Zoë%20Krüger`.
pub(crate) fn iri_safe(value: &str) -> Cow<'_, str> {
    percent_encode_where(value, is_iunreserved)
}

/// The URI-safe version of a value: like [`iri_safe`] but non-ASCII characters are encoded
/// too, so the result is plain ASCII.
pub(crate) fn uri_safe(value: &str) -> Cow<'_, str> {
    percent_encode_where(value, is_unreserved)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Segment {
        Segment::Text(s.to_owned())
    }
    fn reference(s: &str) -> Segment {
        Segment::Reference(s.to_owned())
    }

    #[test]
    fn parses_text_and_references() {
        assert_eq!(
            parse("http://ex.org/{ID}/{$.Name}").ok(),
            Some(vec![
                text("http://ex.org/"),
                reference("ID"),
                text("/"),
                reference("$.Name")
            ])
        );
        assert_eq!(
            parse("{a}{b}").ok(),
            Some(vec![reference("a"), reference("b")])
        );
        assert_eq!(parse("no refs").ok(), Some(vec![text("no refs")]));
        assert_eq!(parse("{統一編號}").ok(), Some(vec![reference("統一編號")]));
    }

    #[test]
    fn backslash_escapes() {
        // The RML-Core example: `\{\{\{ \\o/ {Title} \\o/ \}\}\}` after Turtle unescaping.
        assert_eq!(
            parse(r"\{\{\{ \\o/ {Title} \\o/ \}\}\}").ok(),
            Some(vec![
                text(r"{{{ \o/ "),
                reference("Title"),
                text(r" \o/ }}}")
            ])
        );
        // Escaped braces inside a reference belong to the reference.
        assert_eq!(
            parse(r"x/{$['\{Name\}']}").ok(),
            Some(vec![text("x/"), reference("$['{Name}']")])
        );
    }

    #[test]
    fn rejects_invalid_templates() {
        for bad in [
            "http://ex.com/{{Name}}",
            r"http://ex.com/{\\{Name\\}}",
            "http://ex.com/{Name",
            "http://ex.com/Name}",
            "http://ex.com/{}",
            r"a\b",
            "trailing\\",
        ] {
            assert!(parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn iri_safe_keeps_iunreserved() {
        assert_eq!(iri_safe("42"), "42");
        assert_eq!(iri_safe("Hello World!"), "Hello%20World%21");
        assert_eq!(iri_safe("2011-08-23T22:17:00Z"), "2011-08-23T22%3A17%3A00Z");
        assert_eq!(iri_safe("~A_17.1-2"), "~A_17.1-2");
        assert_eq!(iri_safe("Zoë Krüger"), "Zoë%20Krüger");
        assert_eq!(iri_safe("器物-001"), "器物-001");
        assert_eq!(iri_safe("故宮/書畫"), "故宮%2F書畫");
        assert!(matches!(iri_safe("plain"), Cow::Borrowed(_)));
        for value in [
            "42",
            "Hello World!",
            "Zoë Krüger",
            "故宮/書畫",
            "",
            "%",
            "a b c",
        ] {
            let mut pushed = String::from("x/");
            push_iri_safe(&mut pushed, value);
            assert_eq!(pushed, format!("x/{}", iri_safe(value)));
            let mut pushed = String::new();
            push_uri_safe(&mut pushed, value);
            assert_eq!(pushed, uri_safe(value));
        }
    }

    #[test]
    fn uri_safe_encodes_non_ascii() {
        assert_eq!(uri_safe("Zoë Krüger"), "Zo%C3%AB%20Kr%C3%BCger");
        assert_eq!(uri_safe("Bob/Charles"), "Bob%2FCharles");
        assert_eq!(uri_safe("器"), "%E5%99%A8");
    }
}
