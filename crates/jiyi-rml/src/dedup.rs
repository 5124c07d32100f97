//! Exact run-wide duplicate elimination with 128-bit fingerprints.

use oxrdf::QuadRef;
use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hash, Hasher};

/// A hasher for values that are already uniformly distributed hashes.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*byte);
        }
    }

    fn write_u128(&mut self, value: u128) {
        // Truncation intended: the low half of a fingerprint is already a hash.
        self.0 = value as u64;
    }
}

/// A [`Hasher`] that only collects the bytes it is fed, so that a value's `Hash` encoding
/// (for terms: a kind tag, then each string followed by `0xFF`, a byte UTF-8 never holds —
/// unambiguous) is fingerprinted in one pass.
#[derive(Default)]
struct Bytes(Vec<u8>);

impl Hasher for Bytes {
    fn finish(&self) -> u64 {
        0
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }
}

/// The set of quads a run has already emitted, per destination, kept as 128-bit XXH3
/// fingerprints (16 bytes plus table overhead per distinct quad). Two distinct quads
/// collide with probability about 2⁻¹²⁸ per pair — about 2⁻⁶⁴ over 2³² quads — so the
/// set is exact in practice, whatever the input.
///
/// The engine uses it for [`crate::Deduplication::Run`]; a sink that takes over run-wide
/// deduplication ([`crate::Deduplication::SinkDeduplicates`], e.g. on a writer thread of
/// its own) uses it the same way.
#[derive(Default)]
pub struct QuadSet {
    seen: HashSet<u128, BuildHasherDefault<Prehashed>>,
    scratch: Bytes,
}

impl QuadSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a quad; `true` if it was not in the set yet (it should be written).
    pub fn insert(&mut self, quad: QuadRef<'_>) -> bool {
        self.insert_for(0, quad)
    }

    /// Adds a quad bound for a destination (the engine uses 0 for the sink and `i + 1` for
    /// logical target `i`); `true` if that pair was not in the set yet.
    pub fn insert_for(&mut self, destination: usize, quad: QuadRef<'_>) -> bool {
        let fingerprint = self.fingerprint(destination, quad);
        self.seen.insert(fingerprint)
    }

    /// How many distinct (destination, quad) pairs the set holds.
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }

    fn fingerprint(&mut self, destination: usize, quad: QuadRef<'_>) -> u128 {
        let bytes = &mut self.scratch;
        bytes.0.clear();
        destination.hash(bytes);
        quad.hash(bytes);
        xxhash_rust::xxh3::xxh3_128(&bytes.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxrdf::{GraphName, Literal, NamedNode, Quad};

    fn quad(o: Literal) -> Quad {
        Quad::new(
            NamedNode::new_unchecked("http://e/s"),
            NamedNode::new_unchecked("http://e/p"),
            o,
            GraphName::DefaultGraph,
        )
    }

    #[test]
    fn tells_destinations_and_quads_apart() {
        let mut set = QuadSet::new();
        let a = quad(Literal::new_simple_literal("a"));
        assert!(set.insert(a.as_ref()));
        assert!(!set.insert(a.as_ref()));
        assert!(set.insert_for(1, a.as_ref()));
        assert!(set.insert(quad(Literal::new_simple_literal("b")).as_ref()));
        assert!(
            set.insert(quad(Literal::new_language_tagged_literal_unchecked("a", "en")).as_ref())
        );
        assert!(
            set.insert(
                quad(Literal::new_typed_literal(
                    "a",
                    NamedNode::new_unchecked("http://e/t")
                ))
                .as_ref()
            )
        );
        assert_eq!(set.len(), 5);
    }
}
