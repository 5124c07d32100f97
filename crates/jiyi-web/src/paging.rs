//! Paging of large documents: a thing with very many statements (a subject concept of a big
//! collection, an agent with thousands of works) is served in pages of about [`PAGE_SIZE`]
//! triples, never as one unbounded answer. The first page is the plain document URL; further
//! pages are `?page=N`. Each page says where the others are twice: `Link` headers
//! (`rel="first"`, `"prev"`, `"next"`) and Hydra statements in the data, in the shape Triple
//! Pattern Fragments use (`<page> a hydra:PartialCollectionView; hydra:first …; hydra:next …`),
//! which linked-data clients already follow.

use crate::WebError;
use crate::addresses::{DocAddress, Variant};
use jiyi_store::model::{NamedNode, Triple};

/// Triples per page (whole statements with their blank-node trees, so a page may run a little
/// over). A thousand keeps a page of Linked Art around 100 KB of Turtle.
pub const PAGE_SIZE: usize = 1000;

const HYDRA: &str = "http://www.w3.org/ns/hydra/core#";
const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";

/// Reads `?page=N` (1-based; absent means 1).
pub fn page_number(value: Option<&str>) -> Result<usize, WebError> {
    match value {
        None => Ok(1),
        Some(v) => match v.trim().parse::<usize>() {
            Ok(n) if n >= 1 => Ok(n),
            _ => Err(WebError::BadRequest(format!(
                "page must be a whole number from 1 up, not {v:?}; the first page is the document's own URL"
            ))),
        },
    }
}

/// The pages next to `variant.page`, for links: (first, previous, next).
pub struct Neighbours {
    /// The first page, when this is not it.
    pub first: Option<Variant>,
    /// The page before, when there is one.
    pub prev: Option<Variant>,
    /// The page after, when the store said there is more.
    pub next: Option<Variant>,
}

/// Where the neighbours of the page in `variant` are.
pub fn neighbours(variant: Variant, has_more: bool) -> Neighbours {
    let at = |page| Variant { page, ..variant };
    Neighbours {
        first: (variant.page > 1).then(|| at(1)),
        prev: (variant.page > 1).then(|| at(variant.page - 1)),
        next: has_more.then(|| at(variant.page + 1)),
    }
}

/// The Hydra statements of a paged document: none for a document that fits on one page.
/// IRIs use the negotiated form of the address (no suffix) so that every format of a page
/// carries the same graph.
pub fn paging_triples(address: &DocAddress, variant: Variant, has_more: bool) -> Vec<Triple> {
    if variant.page == 1 && !has_more {
        return Vec::new();
    }
    let generic = Variant {
        representation: None,
        lang: None,
        ..variant
    };
    let node = |v: Variant| NamedNode::new_unchecked(address.iri_of(v));
    let hydra = |local: &str| NamedNode::new_unchecked(format!("{HYDRA}{local}"));
    let this = node(generic);
    let n = neighbours(generic, has_more);
    let mut out = vec![
        Triple::new(
            NamedNode::new_unchecked(address.iri()),
            hydra("view"),
            this.clone(),
        ),
        Triple::new(
            this.clone(),
            NamedNode::new_unchecked(RDF_TYPE),
            hydra("PartialCollectionView"),
        ),
        Triple::new(
            this.clone(),
            hydra("first"),
            node(Variant { page: 1, ..generic }),
        ),
    ];
    if let Some(prev) = n.prev {
        out.push(Triple::new(this.clone(), hydra("previous"), node(prev)));
    }
    if let Some(next) = n.next {
        out.push(Triple::new(this, hydra("next"), node(next)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_start_at_one() {
        assert_eq!(page_number(None).expect("default"), 1);
        assert_eq!(page_number(Some("3")).expect("3"), 3);
        assert!(page_number(Some("0")).is_err());
        assert!(page_number(Some("-1")).is_err());
        assert!(page_number(Some("x")).is_err());
    }

    #[test]
    fn hydra_links_point_at_the_neighbours() {
        let a = DocAddress::new("http://h/", "http://h/doc/concept/c", vec![]);
        assert!(paging_triples(&a, Variant::plain(), false).is_empty());
        let two = Variant {
            page: 2,
            ..Variant::plain()
        };
        let t = paging_triples(&a, two, true);
        let text: Vec<String> = t.iter().map(ToString::to_string).collect();
        assert!(text.contains(&"<http://h/doc/concept/c> <http://www.w3.org/ns/hydra/core#view> <http://h/doc/concept/c?page=2>".to_owned()), "{text:#?}");
        assert!(
            text.iter()
                .any(|l| l.ends_with("#previous> <http://h/doc/concept/c>")),
            "{text:#?}"
        );
        assert!(
            text.iter()
                .any(|l| l.ends_with("#next> <http://h/doc/concept/c?page=3>")),
            "{text:#?}"
        );
        assert!(
            text.iter()
                .any(|l| l.ends_with("#first> <http://h/doc/concept/c>")),
            "{text:#?}"
        );
    }
}
