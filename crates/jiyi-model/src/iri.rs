//! Conversions between IRIs (what the store holds, RFC 3987) and URIs (what travels in an HTTP
//! request line or a `Location` header, RFC 3986).
//!
//! Keys from Taiwanese collections are often Chinese (`DEMO-器物-0001`). The published IRI keeps
//! those characters as they are; a browser sends them percent-encoded as UTF-8. These functions
//! make both forms name the same thing. `iri-string` offers the IRI → URI direction, but not the
//! reverse mapping of RFC 3987 §3.2 (decode only octets that form non-ASCII characters, keep
//! ASCII escapes such as `%2F` as they are), so that direction is written here.

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

/// Characters a key may not carry unescaped inside one path segment: everything except
/// RFC 3987 `iunreserved` (ALPHA / DIGIT / "-" / "." / "_" / "~" / ucschar).
const KEY_ESCAPES: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'!')
    .add(b'"')
    .add(b'#')
    .add(b'$')
    .add(b'%')
    .add(b'&')
    .add(b'\'')
    .add(b'(')
    .add(b')')
    .add(b'*')
    .add(b'+')
    .add(b',')
    .add(b'/')
    .add(b':')
    .add(b';')
    .add(b'<')
    .add(b'=')
    .add(b'>')
    .add(b'?')
    .add(b'@')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// Encodes a source identifier as one IRI path segment: ASCII outside `iunreserved` is
/// percent-encoded, non-ASCII letters stay readable. This is the same rule RML applies to
/// template values, so keys minted by a mapping and by Rust code agree.
pub fn encode_key(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    for ch in key.chars() {
        if ch.is_ascii() {
            let mut buf = [0u8; 1];
            out.extend(utf8_percent_encode(ch.encode_utf8(&mut buf), KEY_ESCAPES));
        } else if is_ucschar(ch) {
            out.push(ch);
        } else {
            let mut buf = [0u8; 4];
            for byte in ch.encode_utf8(&mut buf).bytes() {
                push_escaped(&mut out, byte);
            }
        }
    }
    out
}

/// Turns a URI (as received in a request path) into the IRI form stored in the graph:
/// percent-encoded UTF-8 sequences of non-ASCII characters allowed in IRIs and escaped
/// unreserved ASCII (`%7E` → `~`) are decoded; every other escape (such as `%2F` and `%20`)
/// is kept, normalised to upper case.
pub fn uri_to_iri(uri: &str) -> String {
    let bytes = uri.as_bytes();
    let mut out = String::with_capacity(uri.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            // Collect a run of escapes and decode as much of it as forms allowed characters.
            let mut run = Vec::new();
            let mut j = i;
            while j + 2 < bytes.len() && bytes[j] == b'%' {
                match hex_pair(bytes[j + 1], bytes[j + 2]) {
                    Some(b) => run.push(b),
                    None => break,
                }
                j += 3;
            }
            if run.is_empty() {
                // A lone '%' not followed by two hex digits: keep it escaped so the IRI stays valid.
                out.push_str("%25");
                i += 1;
                continue;
            }
            decode_run(&run, &mut out);
            i = j;
        } else {
            // The request path is ASCII by HTTP's rules, but be lenient with raw UTF-8.
            let ch_len = utf8_len(bytes[i]);
            let end = (i + ch_len).min(bytes.len());
            out.push_str(&String::from_utf8_lossy(&bytes[i..end]));
            i = end;
        }
    }
    out
}

/// Turns an IRI into a URI that can travel in an HTTP header: every non-ASCII character is
/// percent-encoded as UTF-8, everything else is left alone.
pub fn iri_to_uri(iri: &str) -> String {
    let mut out = String::with_capacity(iri.len());
    for ch in iri.chars() {
        if ch.is_ascii() {
            out.push(ch);
        } else {
            let mut buf = [0u8; 4];
            for byte in ch.encode_utf8(&mut buf).bytes() {
                push_escaped(&mut out, byte);
            }
        }
    }
    out
}

fn decode_run(run: &[u8], out: &mut String) {
    let mut k = 0;
    while k < run.len() {
        let b = run[k];
        let len = utf8_len(b);
        let decoded = (b >= 0x80 && len > 1 && k + len <= run.len())
            .then(|| std::str::from_utf8(&run[k..k + len]).ok())
            .flatten()
            .and_then(|s| s.chars().next())
            .filter(|c| is_ucschar(*c));
        if let Some(ch) = decoded {
            out.push(ch);
            k += len;
            continue;
        }
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            // RFC 3986 §6.2.2.2: an escaped unreserved character means the character itself.
            out.push(char::from(b));
        } else {
            push_escaped(out, b);
        }
        k += 1;
    }
}

fn push_escaped(out: &mut String, byte: u8) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push('%');
    out.push(char::from(HEX[usize::from(byte >> 4)]));
    out.push(char::from(HEX[usize::from(byte & 0xF)]));
}

fn hex_pair(a: u8, b: u8) -> Option<u8> {
    let h = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    };
    Some(h(a)? << 4 | h(b)?)
}

fn utf8_len(first: u8) -> usize {
    match first {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        _ => 1,
    }
}

/// RFC 3987 `ucschar`: the non-ASCII characters an IRI may carry unescaped.
fn is_ucschar(c: char) -> bool {
    matches!(u32::from(c),
        0xA0..=0xD7FF | 0xF900..=0xFDCF | 0xFDF0..=0xFFEF
        | 0x10000..=0x1FFFD | 0x20000..=0x2FFFD | 0x30000..=0x3FFFD
        | 0x40000..=0x4FFFD | 0x50000..=0x5FFFD | 0x60000..=0x6FFFD
        | 0x70000..=0x7FFFD | 0x80000..=0x8FFFD | 0x90000..=0x9FFFD
        | 0xA0000..=0xAFFFD | 0xB0000..=0xBFFFD | 0xC0000..=0xCFFFD
        | 0xD0000..=0xDFFFD | 0xE1000..=0xEFFFD)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_keys_stay_readable_and_ascii_delimiters_are_escaped() {
        assert_eq!(encode_key("DEMO-器物-0001"), "DEMO-器物-0001");
        assert_eq!(encode_key("a/b c#d?"), "a%2Fb%20c%23d%3F");
        assert_eq!(encode_key("100%"), "100%25");
        // U+3000 IDEOGRAPHIC SPACE is a ucschar and stays; a C1 control does not.
        assert_eq!(encode_key("x\u{85}"), "x%C2%85");
    }

    #[test]
    fn request_uri_maps_back_to_the_stored_iri() {
        let iri = "http://h/id/object/DEMO-器物-0001";
        let uri = iri_to_uri(iri);
        assert_eq!(uri, "http://h/id/object/DEMO-%E5%99%A8%E7%89%A9-0001");
        assert_eq!(uri_to_iri(&uri), iri);
        assert_eq!(
            uri_to_iri("/id/object/DEMO-%e5%99%a8%e7%89%a9-0001"),
            "/id/object/DEMO-器物-0001"
        );
    }

    #[test]
    fn ascii_escapes_survive_the_round_trip() {
        assert_eq!(uri_to_iri("/id/a%2Fb%20c"), "/id/a%2Fb%20c");
        assert_eq!(uri_to_iri("/id/a%2fb"), "/id/a%2Fb");
        assert_eq!(uri_to_iri("/id/%7Ex%2D1"), "/id/~x-1");
        assert_eq!(uri_to_iri("/id/100%"), "/id/100%25");
        assert_eq!(uri_to_iri("/id/%zz"), "/id/%25zz");
        // An invalid UTF-8 sequence stays escaped rather than turning into U+FFFD.
        assert_eq!(uri_to_iri("/id/%E5%99"), "/id/%E5%99");
    }

    #[test]
    fn encoded_key_round_trips_through_a_request() {
        for key in ["翠玉白菜", "a b/c", "Ω-42", "100%", "x\u{85}"] {
            let iri = format!("http://h/id/object/{}", encode_key(key));
            assert_eq!(uri_to_iri(&iri_to_uri(&iri)), iri, "key {key:?}");
        }
    }
}
