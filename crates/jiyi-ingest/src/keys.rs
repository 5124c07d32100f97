//! Keys: a source identifier (`統一編號`, an accession number) → the stable key in a thing's
//! IRI (`{base}id/{kind}/{key}`, DESIGN.md "URI policy").
//!
//! The identifier is normalised ([`crate::text::normalize_identifier`]: NFC, full-width ASCII
//! to ASCII, whitespace folded and trimmed), then encoded as one IRI path segment with
//! [`jiyi_model::iri::encode_key`] — RFC 3987 `iunreserved` stays (so `DEMO-器物-0001` stays
//! readable), everything else becomes `%XX` of its UTF-8 bytes. That is the rule the RML
//! engine applies to template values, so `rml:template "id/object/{識別碼}"` and
//! `jiyi:iriKey` mint the same IRI for an identifier that is already normal; the function
//! adds the normalisation, so `ＤＥＭＯ－器物－０００１ ` and `DEMO-器物-0001` are one thing.
//! The result is checked with `iri-string` as an IRI reference before it is used.
//!
//! `jiyi:iriKey` (parameters `jiyi:identifier`, optional `jiyi:keyPrefix` such as
//! `id/object/`) returns prefix + key, for a function-valued subject map; relative results are
//! resolved against the publishing base like a template's. An identifier that is empty after
//! normalisation rejects the record (a key is never invented).

use crate::text::normalize_identifier;
use jiyi_model::iri::encode_key;
use jiyi_rml::{Arguments, FunctionDefinition, FunctionRegistry};
use oxrdf::Literal;

/// `jiyi:iriKey`.
pub const IRI_KEY: &str = "https://w3id.org/jiyi/ns#iriKey";
/// Parameter: the source identifier.
pub const IDENTIFIER: &str = "https://w3id.org/jiyi/ns#identifier";
/// Parameter: what goes before the key (`id/object/`).
pub const KEY_PREFIX: &str = "https://w3id.org/jiyi/ns#keyPrefix";

/// The IRI key of a source identifier; an error when nothing is left after normalisation.
pub fn key(identifier: &str) -> Result<String, String> {
    let normal = normalize_identifier(identifier);
    if normal.is_empty() {
        return Err(format!(
            "identifier `{identifier}` is empty after normalisation and cannot be a key"
        ));
    }
    let key = encode_key(&normal);
    iri_string::types::IriReferenceStr::new(&key)
        .map_err(|e| format!("key `{key}` is not an IRI reference: {e}"))?;
    Ok(key)
}

/// `prefix` + the key of `identifier`, checked as an IRI reference.
pub fn iri_key(identifier: &str, prefix: &str) -> Result<String, String> {
    let iri = format!("{prefix}{}", key(identifier)?);
    iri_string::types::IriReferenceStr::new(&iri)
        .map_err(|e| format!("`{iri}` is not an IRI reference: {e}"))?;
    Ok(iri)
}

/// Adds `jiyi:iriKey` to `registry`.
pub fn register(registry: &mut FunctionRegistry) {
    registry.register(
        FunctionDefinition::new(IRI_KEY)
            .parameter([IDENTIFIER])
            .optional([KEY_PREFIX])
            .implementation(|args: &Arguments<'_>| {
                iri_key(args.required_str(0)?, args.str(1).unwrap_or_default())
                    .map(|iri| vec![Literal::new_simple_literal(iri)])
            }),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_normalised_then_encoded() {
        assert_eq!(key("DEMO-器物-0001").as_deref(), Ok("DEMO-器物-0001"));
        assert_eq!(
            key("ＤＥＭＯ－器物－０００１ ").as_deref(),
            Ok("DEMO-器物-0001")
        );
        assert_eq!(
            key("\u{3000}示例-故宮-000123\u{00A0}").as_deref(),
            Ok("示例-故宮-000123")
        );
        assert_eq!(key("A 17/3").as_deref(), Ok("A%2017%2F3"));
        assert_eq!(key("A\u{3000}\u{3000}17").as_deref(), Ok("A%2017"));
        assert_eq!(key("100%").as_deref(), Ok("100%25"));
        assert_eq!(key("Zoe\u{0308}").as_deref(), key("Zoë").as_deref());
        assert_eq!(key("Ａ１，").as_deref(), Ok("A1%2C"));
        assert!(key("").is_err());
        assert!(key(" \u{3000}\r\n").is_err());
        assert_eq!(
            iri_key("DEMO-QA-000001", "id/record/").as_deref(),
            Ok("id/record/DEMO-QA-000001")
        );
    }
}
