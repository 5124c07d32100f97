//! The terms of one record, generated without an allocation per term.
//!
//! Mapping a record used to build owned `oxrdf` terms and clone them into every quad: four
//! to six heap allocations per quad, about a third of the run time. A [`TermArena`] keeps the
//! text of every generated term in one buffer that is reused record after record, borrows
//! constants from the mapping and join parents' subjects from the join index, and hands out
//! [`TermRef`]s; quads of a record are index tuples into it ([`QuadIds`]). Rare values (from
//! functions, with a datatype given by a map, or repaired by the base IRI) are stored as
//! owned terms beside the buffer. oxrdf has no such arena, hence this module.

use oxrdf::{
    BlankNodeRef, GraphNameRef, LiteralRef, NamedNodeRef, NamedOrBlankNodeRef, QuadRef, Term,
    TermRef,
};
use std::ops::Range;

/// Identifies a term in a [`TermArena`] (an index into it).
pub(crate) type TermId = usize;

/// Text of a term: a span of the arena's buffer, or a string the mapping (or the join index)
/// owns for the whole run.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Text<'m> {
    /// Bytes `start..end` of the arena's buffer.
    Span(usize, usize),
    /// Borrowed for the run.
    Static(&'m str),
}

/// How a term is stored.
#[derive(Debug, Clone, Copy)]
enum Slot<'m> {
    /// Borrowed from the mapping or the join index.
    Borrowed(TermRef<'m>),
    /// An index into the arena's owned terms.
    Owned(usize),
    Iri(Text<'m>),
    Blank(Text<'m>),
    Simple(Text<'m>),
    /// Value, language tag (already normalised to lower case).
    Lang(Text<'m>, Text<'m>),
    /// Value, datatype IRI.
    Typed(Text<'m>, Text<'m>),
}

/// The terms of the record being mapped; cleared (keeping its memory) for the next one.
#[derive(Debug, Default)]
pub(crate) struct TermArena<'m> {
    text: String,
    slots: Vec<Slot<'m>>,
    owned: Vec<Term>,
}

/// A quad of the record being mapped, as term ids; `graph` is `None` for the default graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct QuadIds {
    pub(crate) subject: TermId,
    pub(crate) predicate: TermId,
    pub(crate) object: TermId,
    pub(crate) graph: Option<TermId>,
}

impl<'m> TermArena<'m> {
    /// Forgets every term, keeping the memory for the next record.
    pub(crate) fn clear(&mut self) {
        self.text.clear();
        self.slots.clear();
        self.owned.clear();
    }

    /// The buffer generated text is written to; a [`Text::Span`] is taken from its length
    /// before and after writing.
    pub(crate) fn buffer(&mut self) -> &mut String {
        &mut self.text
    }

    /// The current length of the buffer (where the next span starts).
    pub(crate) fn mark(&self) -> usize {
        self.text.len()
    }

    /// Forgets text written after `mark` (a value that turned out null).
    pub(crate) fn truncate(&mut self, mark: usize) {
        self.text.truncate(mark);
    }

    /// Appends text and returns its span.
    pub(crate) fn push_text(&mut self, value: &str) -> Text<'m> {
        let start = self.text.len();
        self.text.push_str(value);
        Text::Span(start, self.text.len())
    }

    /// The string of a text.
    #[inline]
    pub(crate) fn str<'a>(&'a self, text: Text<'a>) -> &'a str {
        match text {
            Text::Span(start, end) => self.text.get(start..end).unwrap_or_default(),
            Text::Static(s) => s,
        }
    }

    fn push(&mut self, slot: Slot<'m>) -> TermId {
        self.slots.push(slot);
        self.slots.len() - 1
    }

    /// A term borrowed for the run (a constant, a join parent's subject).
    pub(crate) fn borrowed(&mut self, term: TermRef<'m>) -> TermId {
        self.push(Slot::Borrowed(term))
    }

    /// A term built the slow way.
    pub(crate) fn owned(&mut self, term: Term) -> TermId {
        self.owned.push(term);
        self.push(Slot::Owned(self.owned.len() - 1))
    }

    /// An IRI whose text was checked by the caller.
    pub(crate) fn iri(&mut self, text: Text<'m>) -> TermId {
        self.push(Slot::Iri(text))
    }

    /// A blank node whose label is valid in every syntax.
    pub(crate) fn blank(&mut self, text: Text<'m>) -> TermId {
        self.push(Slot::Blank(text))
    }

    /// A simple literal (`xsd:string`).
    pub(crate) fn simple(&mut self, text: Text<'m>) -> TermId {
        self.push(Slot::Simple(text))
    }

    /// A language-tagged literal; the tag is valid and lower case.
    pub(crate) fn lang(&mut self, text: Text<'m>, language: Text<'m>) -> TermId {
        self.push(Slot::Lang(text, language))
    }

    /// A typed literal; the datatype is a valid IRI.
    pub(crate) fn typed(&mut self, text: Text<'m>, datatype: Text<'m>) -> TermId {
        self.push(Slot::Typed(text, datatype))
    }

    /// The ids pushed since `start` (a term map's results).
    pub(crate) fn since(&self, start: TermId) -> Range<TermId> {
        start..self.slots.len()
    }

    /// The id the next pushed term gets.
    pub(crate) fn next_id(&self) -> TermId {
        self.slots.len()
    }

    /// A term of this record.
    #[inline]
    pub(crate) fn get(&self, id: TermId) -> TermRef<'_> {
        let Some(slot) = self.slots.get(id) else {
            // Ids come from this arena for this record; an unknown one is a bug, and an
            // empty IRI would be refused by every reader rather than mistaken for data.
            return NamedNodeRef::new_unchecked("").into();
        };
        match *slot {
            Slot::Borrowed(term) => term,
            Slot::Owned(i) => self
                .owned
                .get(i)
                .map_or(NamedNodeRef::new_unchecked("").into(), Term::as_ref),
            Slot::Iri(t) => NamedNodeRef::new_unchecked(self.str(t)).into(),
            Slot::Blank(t) => BlankNodeRef::new_unchecked(self.str(t)).into(),
            Slot::Simple(t) => LiteralRef::new_simple_literal(self.str(t)).into(),
            Slot::Lang(t, l) => {
                LiteralRef::new_language_tagged_literal_unchecked(self.str(t), self.str(l)).into()
            }
            Slot::Typed(t, d) => {
                LiteralRef::new_typed_literal(self.str(t), NamedNodeRef::new_unchecked(self.str(d)))
                    .into()
            }
        }
    }

    /// A quad of this record. Subjects, predicates and graphs were checked when the ids were
    /// recorded (see `engine`), so the conversions below cannot fail in practice; were one
    /// to, the quad is given the default graph or an empty IRI rather than a panic.
    #[inline]
    pub(crate) fn quad(&self, ids: QuadIds) -> QuadRef<'_> {
        let subject = match self.get(ids.subject) {
            TermRef::NamedNode(n) => NamedOrBlankNodeRef::NamedNode(n),
            TermRef::BlankNode(b) => NamedOrBlankNodeRef::BlankNode(b),
            TermRef::Literal(_) => NamedNodeRef::new_unchecked("").into(),
        };
        let predicate = match self.get(ids.predicate) {
            TermRef::NamedNode(n) => n,
            _ => NamedNodeRef::new_unchecked(""),
        };
        let graph = match ids.graph.map(|g| self.get(g)) {
            Some(TermRef::NamedNode(n)) => GraphNameRef::NamedNode(n),
            Some(TermRef::BlankNode(b)) => GraphNameRef::BlankNode(b),
            Some(TermRef::Literal(_)) | None => GraphNameRef::DefaultGraph,
        };
        QuadRef::new(subject, predicate, self.get(ids.object), graph)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxrdf::{Literal, NamedNode};

    #[test]
    fn terms_read_back_as_written() {
        let constant: Term = NamedNode::new_unchecked("http://e/p").into();
        let mut arena = TermArena::default();
        for round in 0..2 {
            // The second round checks that clearing keeps nothing from the first.
            arena.clear();
            let s = arena.push_text(&format!("http://e/s{round}"));
            let subject = arena.iri(s);
            let predicate = arena.borrowed(constant.as_ref());
            let v = arena.push_text("故宮");
            let object = arena.lang(v, Text::Static("zh-hant"));
            let g = arena.push_text("g1");
            let graph = arena.blank(g);
            let typed = arena.typed(
                Text::Static("1.5"),
                Text::Static(oxrdf::vocab::xsd::DECIMAL.as_str()),
            );
            let owned = arena.owned(Literal::new_simple_literal("x").into());
            let quad = arena.quad(QuadIds {
                subject,
                predicate,
                object,
                graph: Some(graph),
            });
            assert_eq!(
                quad.to_string(),
                format!("<http://e/s{round}> <http://e/p> \"故宮\"@zh-hant _:g1")
            );
            assert_eq!(
                arena.get(typed).to_string(),
                "\"1.5\"^^<http://www.w3.org/2001/XMLSchema#decimal>"
            );
            assert_eq!(arena.get(owned).to_string(), "\"x\"");
            assert_eq!(arena.since(subject).len(), 6);
        }
    }
}
