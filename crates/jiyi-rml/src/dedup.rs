//! Exact run-wide duplicate elimination with 128-bit fingerprints.

use oxrdf::QuadRef;
use std::hash::{Hash, Hasher};

/// A set of 128-bit fingerprints: open addressing with linear probing over one array,
/// so an insert usually costs one cache miss (std's `HashSet` reads a control byte group
/// and then the slot: two). The fingerprints are already uniform hashes, so their low bits
/// pick the slot. [`EMPTY`] (all ones) marks an empty slot and the fingerprint equal to it is
/// stored as the one below, which merges two of 2¹²⁸ values — no measurable change to the
/// collision odds below. Written here because
/// no crate offers a set of prehashed keys with this layout.
#[derive(Debug, Default)]
struct FingerprintSet {
    /// A power of two in length (or empty). Huge pages for a large table were tried: on the
    /// 2-core VM the kernel's zeroing of 2 MiB pages cost more than the TLB misses they saved.
    slots: Vec<u128>,
    len: usize,
}

/// Marks an empty slot. Not 0: a zeroed table comes from `calloc` as the shared zero page,
/// so the first probe of each page reads it and the first insert then takes a
/// copy-on-write fault whose TLB flush interrupts the other core — measured at 7 % of a
/// `--dedup run` profile. Filling the table with a non-zero value writes every page once.
const EMPTY: u128 = u128::MAX;

impl FingerprintSet {
    /// Smallest table, in slots (a power of two).
    const MIN_SLOTS: usize = 1024;

    fn insert(&mut self, fingerprint: u128) -> bool {
        self.reserve(1);
        self.add(fingerprint)
    }

    /// Inserts many fingerprints; `new` gets, in order, whether each was new. The home
    /// slots of a group are first read in a loop of independent loads, so the processor
    /// waits for their cache misses together rather than one after the other (stable Rust
    /// has no prefetch instruction without `unsafe`); the inserts then find them in cache.
    /// On the benchmark's 8 M distinct quads this more than halved the time of the set.
    fn insert_all(&mut self, fingerprints: &[u128], new: &mut Vec<bool>) {
        /// Fingerprints per group: their slots' cache lines stay in the L1 cache.
        const GROUP: usize = 128;
        self.reserve(fingerprints.len());
        for group in fingerprints.chunks(GROUP) {
            let mut touched = 0_u128;
            for &fingerprint in group {
                touched ^= self.slots.get(self.home(fingerprint)).copied().unwrap_or(0);
            }
            std::hint::black_box(touched);
            new.extend(group.iter().map(|&fingerprint| self.add(fingerprint)));
        }
    }

    /// Grows the table (at 3/4 full: probe runs stay short) so `additional` more fit.
    fn reserve(&mut self, additional: usize) {
        while (self.len + additional) * 4 > self.slots.len() * 3 {
            let size = (self.slots.len() * 2).max(Self::MIN_SLOTS);
            let old = std::mem::replace(&mut self.slots, vec![EMPTY; size]);
            for fingerprint in old.into_iter().filter(|&f| f != EMPTY) {
                self.place(fingerprint);
            }
        }
    }

    /// Adds a fingerprint to a table with room; `true` if it was new.
    fn add(&mut self, fingerprint: u128) -> bool {
        let inserted = self.place(fingerprint.min(EMPTY - 1));
        if inserted {
            self.len += 1;
        }
        inserted
    }

    /// Where a fingerprint's probe run starts.
    fn home(&self, fingerprint: u128) -> usize {
        // Truncation intended: the low bits of a uniform hash pick the slot.
        (fingerprint.min(EMPTY - 1) as usize) & self.slots.len().saturating_sub(1)
    }

    /// Puts a fingerprint (not [`EMPTY`]) in its slot; `false` if it was there already.
    fn place(&mut self, fingerprint: u128) -> bool {
        let mask = self.slots.len().saturating_sub(1);
        let mut index = self.home(fingerprint);
        // The table is never full (see `reserve`), so an empty slot ends every probe run.
        for _ in 0..=mask {
            match self.slots.get_mut(index) {
                Some(slot) if *slot == EMPTY => {
                    *slot = fingerprint;
                    return true;
                }
                Some(slot) if *slot == fingerprint => return false,
                Some(_) => index = (index + 1) & mask,
                None => return false,
            }
        }
        false
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
    seen: FingerprintSet,
    scratch: Bytes,
    /// Reused by [`QuadSet::insert_all_serialized`].
    fingerprints: Vec<u128>,
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

    /// Adds quads given as their serializations in a canonical syntax (N-Quads lines as
    /// `jiyi map` writes them, for a sink that serializes before it deduplicates); `new` is
    /// cleared and gets, in order, whether each was not in the set yet. Many at once, because
    /// that is faster on a large set (see `FingerprintSet::insert_all`). A set holds either
    /// serializations or quads, not both.
    pub fn insert_all_serialized<'a>(
        &mut self,
        serialized: impl IntoIterator<Item = &'a [u8]>,
        new: &mut Vec<bool>,
    ) {
        let mut fingerprints = std::mem::take(&mut self.fingerprints);
        fingerprints.clear();
        fingerprints.extend(serialized.into_iter().map(xxhash_rust::xxh3::xxh3_128));
        new.clear();
        self.seen.insert_all(&fingerprints, new);
        self.fingerprints = fingerprints;
    }

    /// How many distinct (destination, quad) pairs the set holds.
    pub fn len(&self) -> usize {
        self.seen.len
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.seen.len == 0
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

    #[test]
    fn fingerprint_set_is_exact_across_growth() {
        let mut set = FingerprintSet::default();
        // Keys that share their low bits probe past each other (key 0 is among them).
        let keys: Vec<u128> = (0..2_000_u128)
            .map(|i| (i << 64) | (i % 7))
            .chain([u128::MAX])
            .collect();
        for &key in &keys {
            assert!(set.insert(key), "{key} is new");
        }
        for &key in &keys {
            assert!(!set.insert(key), "{key} was inserted");
        }
        assert_eq!(set.len, keys.len());
        // u128::MAX is stored as the value below it.
        assert!(!set.insert(u128::MAX - 1));
        assert!(set.slots.len().is_power_of_two());
        assert!(set.len * 4 <= set.slots.len() * 3);
        // Real fingerprints are uniform; a multiplicative hash spreads these keys alike.
        let spread = |i: u128| i.wrapping_mul(0x9E37_79B9_7F4A_7C15_F39C_C060_5CED_C835);
        for key in 0..200_000_u128 {
            set.insert(spread(key));
        }
        assert!(!set.insert(u128::MAX));
        assert!(!set.insert(spread(123)));
        assert!(set.insert(spread(200_001)));
        let mut new = Vec::new();
        let batch: Vec<u128> = [0, 2, spread(5), 2, spread(300_000), u128::MAX - 1].into();
        set.insert_all(&batch, &mut new);
        // 0 is there already, 2 repeats within the batch, MAX - 1 is MAX's slot value.
        assert_eq!(new, [false, true, false, false, true, false]);
    }
}
