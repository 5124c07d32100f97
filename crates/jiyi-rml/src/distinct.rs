//! Whether the quads one record yields under a triples map are distinct by construction,
//! so the engine can skip comparing them with each other (per-record duplicate
//! elimination). Decided once per triples map when a run starts.
//!
//! A record of a CSV source gives every reference at most one value, so each (predicate
//! map, object map) pair of a triples map yields at most one quad per record — except a
//! referencing object map, whose distinct parent subjects (the engine drops repeated ones)
//! give distinct quads. Two pairs can only yield the same quad if their predicates can be
//! equal and their objects can be equal; [`ObjectShape`] tells objects apart by what is
//! known at load: term kind, constant value, language tag, datatype. When every two pairs
//! of a triples map are told apart this way, its records need no comparison. Anything
//! less certain (functions, graph maps, other formulations, which can give several values)
//! keeps the comparison.

use crate::model::{Expression, TermMap, TermType, TriplesMap};
use oxrdf::{NamedNodeRef, Term, TermRef};

/// What is known at load about the object terms a term map generates.
#[derive(Debug, Clone, Copy)]
enum ObjectShape<'m> {
    /// Exactly this term.
    Constant(TermRef<'m>),
    /// Some IRI.
    Iri,
    /// Some blank node.
    Blank,
    /// Some literal; `language`: `Some(Some(tag))` a constant (normalised) tag,
    /// `Some(None)` some tag, `None` no tag; `datatype` likewise for a datatype map. A
    /// literal without either is an `xsd:string` (a CSV value is text).
    Literal {
        language: Option<Option<&'m str>>,
        datatype: Option<Option<NamedNodeRef<'m>>>,
    },
}

impl<'m> ObjectShape<'m> {
    fn of(map: &'m TermMap) -> Self {
        if let Expression::Constant(term) = &map.expression
            && map.language.is_none()
            && map.datatype.is_none()
        {
            return Self::Constant(term.as_ref());
        }
        match map.term_type {
            TermType::Iri | TermType::Uri | TermType::UnsafeIri => Self::Iri,
            TermType::BlankNode => Self::Blank,
            TermType::Literal => Self::Literal {
                language: map.language.as_deref().map(|l| match &l.expression {
                    Expression::Constant(Term::Literal(tag)) if l.condition.is_none() => {
                        Some(tag.value())
                    }
                    _ => None,
                }),
                datatype: map.datatype.as_deref().map(|d| match &d.expression {
                    Expression::Constant(Term::NamedNode(datatype)) if d.condition.is_none() => {
                        Some(datatype.as_ref())
                    }
                    _ => None,
                }),
            },
        }
    }

    /// The shape of a constant, to compare it with the other shapes.
    fn widen(self) -> Self {
        match self {
            Self::Constant(TermRef::NamedNode(_)) => Self::Iri,
            Self::Constant(TermRef::BlankNode(_)) => Self::Blank,
            Self::Constant(TermRef::Literal(l)) => Self::Literal {
                language: l.language().map(Some),
                datatype: l.language().is_none().then_some(Some(l.datatype())),
            },
            other => other,
        }
    }

    /// Whether no term of one shape can equal a term of the other.
    fn never_equal(self, other: Self) -> bool {
        if let (Self::Constant(a), Self::Constant(b)) = (self, other) {
            return a != b;
        }
        match (self.widen(), other.widen()) {
            (Self::Iri, Self::Iri) | (Self::Blank, Self::Blank) => false,
            (
                Self::Literal {
                    language: language_a,
                    datatype: datatype_a,
                },
                Self::Literal {
                    language: language_b,
                    datatype: datatype_b,
                },
            ) => match (language_a, language_b) {
                (Some(Some(a)), Some(Some(b))) => !a.eq_ignore_ascii_case(b),
                (Some(_), Some(_)) => false,
                (Some(_), None) | (None, Some(_)) => true,
                (None, None) => {
                    let string = Some(oxrdf::vocab::xsd::STRING);
                    let a = datatype_a.unwrap_or(string);
                    let b = datatype_b.unwrap_or(string);
                    matches!((a, b), (Some(a), Some(b)) if a != b)
                }
            },
            _ => true,
        }
    }
}

/// The predicate of a pair, when it is a constant.
fn constant_predicate(map: &TermMap) -> Option<TermRef<'_>> {
    match &map.expression {
        Expression::Constant(term) => Some(term.as_ref()),
        _ => None,
    }
}

/// Whether a term map gives at most one value per CSV record: no function (which can return
/// several values) in it or its language or datatype map.
fn single_valued(map: &TermMap) -> bool {
    !matches!(map.expression, Expression::Function(_))
        && map.condition.is_none()
        && map
            .language
            .iter()
            .chain(&map.datatype)
            .all(|m| single_valued(m))
}

/// Whether the quads of one record of `tm` are pairwise distinct by construction (see the
/// module docs). `triples_maps` are the mapping's, which referencing object maps index.
pub(crate) fn record_quads_distinct(tm: &TriplesMap, triples_maps: &[TriplesMap]) -> bool {
    let Some(source) = &tm.source else {
        return false;
    };
    if source.format.name() != "rml:CSV"
        || !single_valued(&tm.subject)
        || !tm.subject_graphs.is_empty()
    {
        return false;
    }
    let mut pairs: Vec<(Option<TermRef<'_>>, ObjectShape<'_>)> = Vec::new();
    let rdf_type = Some(TermRef::from(oxrdf::vocab::rdf::TYPE));
    for class in &tm.classes {
        pairs.push((rdf_type, ObjectShape::Constant(class.as_ref().into())));
    }
    for pom in &tm.predicate_object_maps {
        if !pom.graphs.is_empty() || !pom.predicates.iter().all(single_valued) {
            return false;
        }
        let mut objects = Vec::new();
        for map in &pom.objects {
            if !single_valued(map) {
                return false;
            }
            objects.push(ObjectShape::of(map));
        }
        for rom in &pom.ref_objects {
            let Some(parent) = triples_maps.get(rom.parent) else {
                return false;
            };
            objects.push(ObjectShape::of(&parent.subject));
        }
        for predicate in &pom.predicates {
            for object in &objects {
                pairs.push((constant_predicate(predicate), *object));
            }
        }
    }
    pairs
        .iter()
        .enumerate()
        .all(|(i, (predicate_a, object_a))| {
            pairs.iter().skip(i + 1).all(|(predicate_b, object_b)| {
                let predicates_differ =
                    matches!((predicate_a, predicate_b), (Some(a), Some(b)) if a != b);
                predicates_differ || object_a.never_equal(*object_b)
            })
        })
}
