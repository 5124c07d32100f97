//! A small XML text builder for OAI-PMH responses: every attribute value and text goes through
//! quick-xml's escaping, and characters XML 1.0 cannot carry at all (most C0 controls, lone
//! surrogates cannot occur in Rust strings) are replaced by U+FFFD, so no data can make a
//! response ill-formed.

use quick_xml::escape::escape;
use std::borrow::Cow;

/// An XML document being written, as text.
#[derive(Debug, Default)]
pub struct XmlText {
    out: String,
}

impl XmlText {
    /// A document starting with the XML declaration.
    pub fn document() -> Self {
        Self {
            out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
        }
    }

    fn start_tag(&mut self, name: &str, attributes: &[(&str, &str)]) {
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attributes {
            self.out.push(' ');
            self.out.push_str(key);
            self.out.push_str("=\"");
            self.out.push_str(&escape(xml_chars(value)));
            self.out.push('"');
        }
    }

    /// `<name a="v">`.
    pub fn open(&mut self, name: &str, attributes: &[(&str, &str)]) {
        self.start_tag(name, attributes);
        self.out.push('>');
    }

    /// `</name>`.
    pub fn close(&mut self, name: &str) {
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
    }

    /// `<name a="v">text</name>`, or `<name a="v"/>` for empty text.
    pub fn element(&mut self, name: &str, attributes: &[(&str, &str)], text: &str) {
        self.start_tag(name, attributes);
        if text.is_empty() {
            self.out.push_str("/>");
        } else {
            self.out.push('>');
            self.out.push_str(&escape(xml_chars(text)));
            self.close(name);
        }
    }

    /// Well-formed XML made elsewhere (an RDF/XML serialisation), without its declaration.
    pub fn raw(&mut self, xml: &str) {
        self.out.push_str(xml);
    }

    /// The document.
    pub fn finish(self) -> String {
        self.out
    }
}

/// `text` with the characters XML 1.0 forbids (§2.2 Char) replaced by U+FFFD.
pub fn xml_chars(text: &str) -> Cow<'_, str> {
    let allowed = |c: char| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..);
    if text.chars().all(allowed) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(
            text.chars()
                .map(|c| if allowed(c) { c } else { '\u{FFFD}' })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_forbidden_characters_cannot_escape() {
        let mut xml = XmlText::default();
        xml.element("a", &[("b", "\"<&>'")], "</a><x>&\u{1}");
        assert_eq!(
            xml.finish(),
            "<a b=\"&quot;&lt;&amp;&gt;&apos;\">&lt;/a&gt;&lt;x&gt;&amp;\u{FFFD}</a>"
        );
    }
}
