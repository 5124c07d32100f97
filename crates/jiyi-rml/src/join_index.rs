//! The parent side of a join: from a join key to the subjects of the parent records with
//! that key, built once per run and looked up once per child record.
//!
//! The lookup is on the hot path of every child record, and in a large run the duplicate
//! set and the output stream evict the index from the caches, so each memory access of a
//! lookup is a likely miss. A map from `String` to record ids, then to subject ranges, then
//! to text, took five dependent accesses per lookup (about a tenth of the mapping thread in
//! the CSV benchmark). [`JoinIndex`] takes two: a small table of 4-byte offsets, then one
//! entry in which the key and the subjects it joins are stored back to back. Entries are
//! laid out once, when the parent source has been read ([`JoinIndexBuilder::build`]);
//! subjects shared by several parent records of a key are stored once, because they are
//! one object. `hashbrown`'s `HashTable` gives the table without storing keys in it.

use hashbrown::HashTable;
use rustc_hash::{FxBuildHasher, FxHashMap, FxHashSet};
use smallvec::SmallVec;
use std::hash::BuildHasher;

/// Why an index cannot be built: it would not fit the 32-bit offsets that keep it small.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IndexTooLarge;

/// Up to how many subjects of a key repeats are found by comparing with each.
const MANY: usize = 16;

/// Collects parent records while the parent source is read.
#[derive(Default)]
pub(crate) struct JoinIndexBuilder {
    /// Parent record ids per key, in reading order.
    keys: FxHashMap<String, SmallVec<[u32; 2]>>,
    /// Per parent record, its range in `subjects`.
    records: Vec<(usize, usize)>,
    /// (is a blank node, start, end) in `text`.
    subjects: Vec<(bool, usize, usize)>,
    text: String,
    /// Keys in the order they were first seen, so entries are laid out in reading order.
    order: Vec<String>,
}

impl JoinIndexBuilder {
    /// Adds a parent record: its subjects and every join key it has (several when a join
    /// value is multi-valued).
    pub(crate) fn add<'a>(
        &mut self,
        subjects: impl IntoIterator<Item = (bool, &'a str)>,
        keys: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), IndexTooLarge> {
        let id = u32::try_from(self.records.len()).map_err(|_| IndexTooLarge)?;
        let first = self.subjects.len();
        for (blank, text) in subjects {
            let start = self.text.len();
            self.text.push_str(text);
            self.subjects.push((blank, start, self.text.len()));
        }
        self.records.push((first, self.subjects.len()));
        for key in keys {
            match self.keys.get_mut(key) {
                Some(ids) => {
                    if ids.last() != Some(&id) {
                        ids.push(id);
                    }
                }
                None => {
                    self.keys
                        .insert(key.to_owned(), SmallVec::from_slice(&[id]));
                    self.order.push(key.to_owned());
                }
            }
        }
        Ok(())
    }

    /// Lays the entries out for lookup.
    pub(crate) fn build(self) -> Result<JoinIndex, IndexTooLarge> {
        let mut index = JoinIndex {
            table: HashTable::with_capacity(self.order.len()),
            entries: Vec::new(),
            hasher: FxBuildHasher,
        };
        let mut subjects: Vec<(bool, &str)> = Vec::new();
        // Beside `subjects` once a key has many, so that dropping repeats stays linear.
        let mut seen: FxHashSet<(bool, &str)> = FxHashSet::default();
        for key in &self.order {
            subjects.clear();
            seen.clear();
            for &id in self
                .keys
                .get(key)
                .map(SmallVec::as_slice)
                .unwrap_or_default()
            {
                let (first, last) = self
                    .records
                    .get(usize::try_from(id).unwrap_or(usize::MAX))
                    .copied()
                    .unwrap_or((0, 0));
                for &(blank, start, end) in self.subjects.get(first..last).unwrap_or_default() {
                    let text = self.text.get(start..end).unwrap_or_default();
                    let repeated = if subjects.len() < MANY {
                        subjects.contains(&(blank, text))
                    } else {
                        if seen.is_empty() {
                            seen.extend(subjects.iter().copied());
                        }
                        !seen.insert((blank, text))
                    };
                    if !repeated {
                        subjects.push((blank, text));
                    }
                }
            }
            index.insert(key, &subjects)?;
        }
        Ok(index)
    }
}

/// Join keys to parent subjects, for lookup (see the module documentation for the layout).
pub(crate) struct JoinIndex {
    /// Offsets of entries in `entries`, found by their key's hash.
    table: HashTable<u32>,
    /// Entries back to back: key length (u32), subject count (u32), the key's bytes, then
    /// per subject its length with the top bit set for a blank node (u32) and its bytes.
    entries: Vec<u8>,
    hasher: FxBuildHasher,
}

/// The top bit of a subject's length marks a blank node.
const BLANK: u32 = 1 << 31;

impl JoinIndex {
    fn insert(&mut self, key: &str, subjects: &[(bool, &str)]) -> Result<(), IndexTooLarge> {
        let offset = u32::try_from(self.entries.len()).map_err(|_| IndexTooLarge)?;
        let length = |text: &str| u32::try_from(text.len()).map_err(|_| IndexTooLarge);
        let count = u32::try_from(subjects.len()).map_err(|_| IndexTooLarge)?;
        self.entries.extend_from_slice(&length(key)?.to_le_bytes());
        self.entries.extend_from_slice(&count.to_le_bytes());
        self.entries.extend_from_slice(key.as_bytes());
        for &(blank, text) in subjects {
            let len = length(text)?;
            if len & BLANK != 0 {
                return Err(IndexTooLarge);
            }
            let tagged = if blank { len | BLANK } else { len };
            self.entries.extend_from_slice(&tagged.to_le_bytes());
            self.entries.extend_from_slice(text.as_bytes());
        }
        u32::try_from(self.entries.len()).map_err(|_| IndexTooLarge)?;
        let hash = self.hasher.hash_one(key);
        let (entries, hasher) = (&self.entries, &self.hasher);
        self.table.insert_unique(hash, offset, |&at| {
            hasher.hash_one(Entry::at(entries, at).key())
        });
        Ok(())
    }

    /// The subjects of the parent records whose key is `key`, in reading order, each once:
    /// (is a blank node, text).
    pub(crate) fn lookup(&self, key: &str) -> impl Iterator<Item = (bool, &str)> {
        let hash = self.hasher.hash_one(key);
        let found = self
            .table
            .find(hash, |&at| Entry::at(&self.entries, at).key() == key)
            .map(|&at| Entry::at(&self.entries, at));
        found.into_iter().flat_map(Entry::subjects)
    }
}

/// One entry of [`JoinIndex::entries`], read in place.
#[derive(Clone, Copy)]
struct Entry<'a> {
    key: &'a str,
    count: u32,
    /// The bytes after the key: the subjects.
    rest: &'a [u8],
}

/// Reads a little-endian u32 at the start of `bytes` (0 past the end, which a well-formed
/// index never reaches).
fn read_u32(bytes: &[u8]) -> u32 {
    bytes
        .first_chunk::<4>()
        .map_or(0, |chunk| u32::from_le_bytes(*chunk))
}

/// Splits off `len` bytes as text; entries were written from `&str`s, so this does not fail
/// in practice, and an empty string stands in if it ever did.
fn split_text(bytes: &[u8], len: usize) -> (&str, &[u8]) {
    let (text, rest) = bytes.split_at_checked(len).unwrap_or((&[], &[]));
    (std::str::from_utf8(text).unwrap_or_default(), rest)
}

impl<'a> Entry<'a> {
    fn at(entries: &'a [u8], offset: u32) -> Self {
        let bytes = entries
            .get(usize::try_from(offset).unwrap_or(usize::MAX)..)
            .unwrap_or_default();
        let key_len = read_u32(bytes) as usize;
        let count = read_u32(bytes.get(4..).unwrap_or_default());
        let (key, rest) = split_text(bytes.get(8..).unwrap_or_default(), key_len);
        Self { key, count, rest }
    }

    fn key(&self) -> &'a str {
        self.key
    }

    fn subjects(self) -> impl Iterator<Item = (bool, &'a str)> {
        let mut rest = self.rest;
        (0..self.count).map(move |_| {
            let tagged = read_u32(rest);
            let (text, after) = split_text(
                rest.get(4..).unwrap_or_default(),
                (tagged & !BLANK) as usize,
            );
            rest = after;
            (tagged & BLANK != 0, text)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup<'a>(index: &'a JoinIndex, key: &str) -> Vec<(bool, &'a str)> {
        index.lookup(key).collect()
    }

    #[test]
    fn keys_find_their_parents_subjects_in_reading_order_each_once() {
        let mut builder = JoinIndexBuilder::default();
        type ParentRecord<'a> = (&'a [(bool, &'a str)], &'a [&'a str]);
        let records: [ParentRecord<'_>; 5] = [
            (&[(false, "http://e/a")], &["k1"]),
            (&[(false, "http://e/b"), (true, "b0")], &["k2", "共用"]),
            (&[(false, "http://e/a")], &["k1", "共用"]),
            (&[], &["k3"]),
            (&[(true, "b1")], &[""]),
        ];
        for (subjects, keys) in records {
            builder
                .add(subjects.iter().copied(), keys.iter().copied())
                .expect("a small index");
        }
        let index = builder.build().expect("a small index");
        // The same subject from two parent records is one object.
        assert_eq!(lookup(&index, "k1"), [(false, "http://e/a")]);
        assert_eq!(lookup(&index, "k2"), [(false, "http://e/b"), (true, "b0")]);
        assert_eq!(
            lookup(&index, "共用"),
            [(false, "http://e/b"), (true, "b0"), (false, "http://e/a")]
        );
        assert_eq!(lookup(&index, "k3"), []);
        assert_eq!(lookup(&index, ""), [(true, "b1")]);
        assert_eq!(lookup(&index, "k4"), []);
        assert_eq!(lookup(&index, "k"), []);
    }

    #[test]
    fn a_key_of_many_parents_lists_each_subject_once_in_reading_order() {
        let mut builder = JoinIndexBuilder::default();
        let subjects: Vec<String> = (0..40).map(|i| format!("http://e/s{i}")).collect();
        // 4000 parents share one key and forty subjects: past the pairwise comparison.
        for i in 0..4000 {
            let subject = subjects[(i * 7) % 40].as_str();
            builder
                .add([(i % 2 == 0, subject)], ["same"])
                .expect("a small index");
        }
        let index = builder.build().expect("a small index");
        let found = lookup(&index, "same");
        let mut expected = Vec::new();
        for i in 0..4000 {
            let entry = (i % 2 == 0, subjects[(i * 7) % 40].as_str());
            if !expected.contains(&entry) {
                expected.push(entry);
            }
        }
        assert_eq!(found.len(), 40);
        assert_eq!(found, expected);
    }

    #[test]
    fn many_keys_stay_apart() {
        let mut builder = JoinIndexBuilder::default();
        let subjects: Vec<String> = (0..5000).map(|i| format!("http://e/s{i}")).collect();
        let keys: Vec<String> = (0..5000).map(|i| format!("C{:05}", i % 2500)).collect();
        for (subject, key) in subjects.iter().zip(&keys) {
            builder
                .add([(false, subject.as_str())], [key.as_str()])
                .expect("a small index");
        }
        let index = builder.build().expect("a small index");
        for i in 0..2500 {
            let expected = [
                (false, subjects[i].as_str()),
                (false, subjects[i + 2500].as_str()),
            ];
            assert_eq!(lookup(&index, &format!("C{i:05}")), expected);
        }
    }
}
