//! Images of a thing, found in its description the ways the published profiles say it:
//! Linked Art (`crm:P138i_has_representation` or `crm:P65_shows_visual_item` → visual item
//! `la:digitally_shown_by` → digital object `la:access_point` → the image URL; also
//! `la:digitally_shown_by` on the thing itself), schema.org (`schema:image`,
//! `schema:thumbnailUrl`) and FOAF (`foaf:depiction`, `foaf:img`).
//!
//! Only `http(s)` URLs are shown. A rights statement the digital object is referred to by
//! (Tate's "© …", Linked Art's copyright/licensing statement) becomes the caption, because
//! images often have other terms than the metadata.

use jiyi_model::vocab::{CRM, LA};
use oxrdf::{NamedNode, NamedOrBlankNode, Term, Triple};
use serde::Serialize;

const FOAF: &str = "http://xmlns.com/foaf/0.1/";
const SCHEMA_NAMESPACES: [&str; 2] = ["https://schema.org/", "http://schema.org/"];

/// An image to show on a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Image {
    /// The image URL.
    pub src: String,
    /// The statement about the image (rights), if the data has one.
    pub caption: Option<String>,
    /// Language of the caption.
    pub caption_lang: Option<String>,
}

fn objects<'a>(
    triples: &'a [Triple],
    subject: &'a NamedOrBlankNode,
    predicate: &'a str,
) -> impl Iterator<Item = &'a Term> + 'a {
    triples
        .iter()
        .filter(move |t| &t.subject == subject && t.predicate.as_str() == predicate)
        .map(|t| &t.object)
}

fn node(term: &Term) -> Option<NamedOrBlankNode> {
    match term {
        Term::NamedNode(n) => Some(n.clone().into()),
        Term::BlankNode(b) => Some(b.clone().into()),
        _ => None,
    }
}

fn web_url(term: &Term) -> Option<&NamedNode> {
    match term {
        Term::NamedNode(n)
            if n.as_str().starts_with("https://") || n.as_str().starts_with("http://") =>
        {
            Some(n)
        }
        _ => None,
    }
}

/// The images of `thing` in `triples` (its description), each URL once, Linked Art's (with
/// their statements) first.
pub fn images_of(thing: &NamedNode, triples: &[Triple]) -> Vec<Image> {
    let subject = NamedOrBlankNode::from(thing.clone());
    let mut out: Vec<Image> = Vec::new();
    let mut push = |image: Image| {
        if !out.iter().any(|i| i.src == image.src) {
            out.push(image);
        }
    };
    let shown_by = format!("{LA}digitally_shown_by");
    let access_point = format!("{LA}access_point");
    let referred_to_by = format!("{CRM}P67i_is_referred_to_by");
    let content = format!("{CRM}P190_has_symbolic_content");
    let mut visual_items: Vec<NamedOrBlankNode> = vec![subject.clone()];
    for p in ["P138i_has_representation", "P65_shows_visual_item"] {
        visual_items.extend(objects(triples, &subject, &format!("{CRM}{p}")).filter_map(node));
    }
    for item in &visual_items {
        for digital in objects(triples, item, &shown_by).filter_map(node) {
            let statement = objects(triples, &digital, &referred_to_by)
                .filter_map(node)
                .flat_map(|s| objects(triples, &s, &content).cloned().collect::<Vec<_>>())
                .find_map(|t| match t {
                    Term::Literal(l) => Some(l),
                    _ => None,
                });
            for url in objects(triples, &digital, &access_point).filter_map(web_url) {
                push(Image {
                    src: url.as_str().to_owned(),
                    caption: statement.as_ref().map(|l| l.value().to_owned()),
                    caption_lang: statement
                        .as_ref()
                        .and_then(|l| l.language().map(crate::html::lang_attr)),
                });
            }
        }
    }
    let direct = SCHEMA_NAMESPACES
        .iter()
        .flat_map(|ns| [format!("{ns}image"), format!("{ns}thumbnailUrl")])
        .chain([format!("{FOAF}depiction"), format!("{FOAF}img")]);
    for predicate in direct {
        for url in objects(triples, &subject, &predicate).filter_map(web_url) {
            push(Image {
                src: url.as_str().to_owned(),
                caption: None,
                caption_lang: None,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxrdf::{BlankNode, Literal};

    fn n(s: &str) -> NamedNode {
        NamedNode::new_unchecked(s)
    }

    #[test]
    fn linked_art_chain_and_schema_image_give_one_image_with_its_statement() {
        let thing = n("https://x/id/object/1");
        let vi = n("https://x/id/object/1#image-content");
        let dobj = n("https://x/id/object/1#image");
        let rights = BlankNode::new_unchecked("r");
        let url = n("https://media.example/1.jpg");
        let triples = vec![
            Triple::new(
                thing.clone(),
                n(&format!("{CRM}P138i_has_representation")),
                vi.clone(),
            ),
            Triple::new(vi, n(&format!("{LA}digitally_shown_by")), dobj.clone()),
            Triple::new(dobj.clone(), n(&format!("{LA}access_point")), url.clone()),
            Triple::new(
                dobj,
                n(&format!("{CRM}P67i_is_referred_to_by")),
                rights.clone(),
            ),
            Triple::new(
                rights,
                n(&format!("{CRM}P190_has_symbolic_content")),
                Literal::new_language_tagged_literal_unchecked("© Tate", "en"),
            ),
            Triple::new(thing.clone(), n("http://schema.org/image"), url.clone()),
            Triple::new(
                thing.clone(),
                n(&format!("{FOAF}depiction")),
                n("javascript:alert(1)"),
            ),
        ];
        let images = images_of(&thing, &triples);
        assert_eq!(
            images,
            vec![Image {
                src: url.as_str().into(),
                caption: Some("© Tate".into()),
                caption_lang: Some("en".into()),
            }]
        );
        assert!(images_of(&n("https://x/id/object/2"), &triples).is_empty());
    }
}
