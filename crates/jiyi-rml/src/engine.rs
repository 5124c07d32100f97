//! Running a mapping: each logical source is read once per run however many triples maps
//! share it (plus once more if it is the parent of a join), hash joins for referencing
//! object maps, quads buffered per record so a rejected record emits nothing, duplicate
//! elimination and logical-target routing on the way out.

use crate::Mapping;
use crate::arena::{QuadIds, TermArena, TermId, Text};
use crate::dedup::QuadSet;
use crate::distinct::record_quads_distinct;
use crate::error::RmlError;
use crate::eval::{self, Env, evaluate_strings, generate, generate_into};
use crate::join_index::{IndexTooLarge, JoinIndex, JoinIndexBuilder};
use crate::model::{Expression, RefObjectMap, TermMap, TriplesMap};
use crate::redact::{MAX_REDACTIONS, Redacting, Redaction};
use crate::sink::{Deduplication, QuadSink, Reject, RunOptions, RunSummary, Warning};
use crate::source::{DataError, Iteration, Lent, NoSourceIteration, Record, Reference};
use crate::target::TargetWriters;
use crate::vocab;
use oxrdf::{QuadRef, Term, TermRef};
use rustc_hash::FxHashMap;
use smallvec::SmallVec;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The base IRI RML prescribes when none is given.
pub(crate) const DEFAULT_BASE_IRI: &str = "http://example.org/";

/// The key of a tuple of join values: the value itself for the common single condition
/// (so a child can look it up with the `&str` its source lends), otherwise each value
/// prefixed by its length, which keeps `("a,b", "c")` and `("a", "b,c")` apart.
fn join_key<S: AsRef<str>>(values: &[S], out: &mut String) {
    out.clear();
    if let [value] = values {
        out.push_str(value.as_ref());
        return;
    }
    for value in values {
        let value = value.as_ref();
        // Writing to a String cannot fail.
        let _ = write!(out, "{}:", value.len());
        out.push_str(value);
    }
}

/// Which targets a quad goes to: bit `i` is logical target `i`; 0 is the sink.
type TargetMask = u64;

/// Identifies a referencing object map: (triples map, predicate-object map, ref object map).
type JoinKey = (usize, usize, usize);

pub(crate) fn run(
    mapping: &Mapping,
    options: &RunOptions,
    sink: &mut dyn QuadSink,
) -> Result<RunSummary, RmlError> {
    let default_base = options.base_iri.as_deref().unwrap_or(DEFAULT_BASE_IRI);
    preflight(mapping)?;
    check_redactions(mapping, &options.redactions)?;
    let redactions = options.redactions.as_slice();
    let groups = source_groups(mapping);
    let joins = build_join_indexes(mapping, &groups, default_base, redactions)?;
    let mut output = Output {
        seen: match options.deduplicate {
            Deduplication::Run | Deduplication::SinkDeduplicates => Some(QuadSet::new()),
            Deduplication::Record => None,
        },
        sink_deduplicates: options.deduplicate == Deduplication::SinkDeduplicates,
        targets: if options.write_logical_targets {
            Some(TargetWriters::open(&mapping.targets)?)
        } else {
            None
        },
        sink,
        summary: RunSummary::default(),
    };
    for group in &groups {
        let runners: Vec<TriplesMapRun<'_>> = group
            .iter()
            .filter_map(|&index| {
                mapping.triples_maps.get(index).map(|tm| TriplesMapRun {
                    mapping,
                    index,
                    tm,
                    default_base,
                    joins: &joins,
                    source_path: tm
                        .source
                        .as_ref()
                        .map_or_else(|| mapping.path.clone(), |s| s.path.clone()),
                    has_targets: !mapping.targets.is_empty(),
                    distinct: record_quads_distinct(tm, &mapping.triples_maps),
                })
            })
            .collect();
        let Some(first) = runners.first() else {
            continue;
        };
        let mut scratch = Scratch::default();
        let mut ordinal: u64 = 0;
        for_each_record(first.tm, &mut |record| {
            let record_no = ordinal;
            ordinal += 1;
            if let (Record::Iteration(iteration), false) = (&record, redactions.is_empty()) {
                let redacting = Redacting::new(*iteration, redactions);
                let record = Record::Iteration(&redacting);
                for runner in &runners {
                    runner.record(&record, record_no, &mut scratch, &mut output)?;
                }
                for index in redacting.withheld() {
                    output.sink.redacted(index).map_err(RmlError::Sink)?;
                }
                return Ok(());
            }
            for runner in &runners {
                runner.record(&record, record_no, &mut scratch, &mut output)?;
            }
            Ok(())
        })?;
    }
    if let Some(targets) = output.targets.take() {
        targets.finish()?;
    }
    Ok(output.summary)
}

/// Triples maps grouped by logical source (effectively equal sources form one group, read
/// once), in document order of each group's first map. Maps without a source are alone.
fn source_groups(mapping: &Mapping) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (index, tm) in mapping.triples_maps.iter().enumerate() {
        let shared = tm.source.as_ref().and_then(|source| {
            groups.iter().position(|group| {
                group
                    .first()
                    .and_then(|&g| mapping.triples_maps.get(g))
                    .and_then(|other| other.source.as_ref())
                    .is_some_and(|other| other.effectively_equal(source))
            })
        });
        match shared {
            Some(g) => {
                if let Some(group) = groups.get_mut(g) {
                    group.push(index);
                }
            }
            None => groups.push(vec![index]),
        }
    }
    groups
}

/// Checks every source before anything is emitted: files open, CSV headers have the
/// referenced columns (the map's own references and the parent maps of joins on it).
fn preflight(mapping: &Mapping) -> Result<(), RmlError> {
    let mut parent_references: Vec<Vec<&Reference>> = vec![Vec::new(); mapping.triples_maps.len()];
    for tm in &mapping.triples_maps {
        for pom in &tm.predicate_object_maps {
            for rom in &pom.ref_objects {
                if let Some(list) = parent_references.get_mut(rom.parent) {
                    for join in &rom.joins {
                        join.parent.references(list);
                    }
                }
            }
        }
    }
    for (tm, extra) in mapping.triples_maps.iter().zip(parent_references) {
        if let Some(source) = &tm.source {
            let mut references = tm.references();
            references.extend(extra);
            source.check(&tm.name, &references)?;
        }
    }
    Ok(())
}

/// Redactions name CSV columns; a run with redactions over a JSON or XML source is refused
/// (see `redact.rs` for why), as is one with more redactions than a record can count.
fn check_redactions(mapping: &Mapping, redactions: &[Redaction]) -> Result<(), RmlError> {
    if redactions.is_empty() {
        return Ok(());
    }
    let invalid = |location: &str, message: String| RmlError::InvalidMapping {
        path: mapping.path.clone(),
        location: location.to_owned(),
        message,
    };
    if redactions.len() > MAX_REDACTIONS {
        return Err(invalid(
            "redactions",
            format!(
                "{} fields to withhold; at most {MAX_REDACTIONS}",
                redactions.len()
            ),
        ));
    }
    for tm in &mapping.triples_maps {
        if let Some(source) = &tm.source
            && source.format.name() != "rml:CSV"
        {
            return Err(invalid(
                &tm.name,
                format!(
                    "fields can be withheld (de-identified) only in CSV sources, and {} is read as {}",
                    source.path.display(),
                    source.format.name()
                ),
            ));
        }
    }
    Ok(())
}

/// Reads records of a triples map's source (or the single iteration of a map without one).
fn for_each_record(
    tm: &TriplesMap,
    f: &mut dyn FnMut(Record<'_>) -> Result<(), RmlError>,
) -> Result<(), RmlError> {
    match &tm.source {
        Some(source) => source.open(&tm.name)?.for_each_record(f),
        None => f(Record::Iteration(&NoSourceIteration)),
    }
}

fn base_of<'a>(tm: &'a TriplesMap, default_base: &'a str) -> &'a str {
    tm.base_iri.as_deref().unwrap_or(default_base)
}

/// Builds every join index, reading each parent source once for all the joins it serves.
fn build_join_indexes(
    mapping: &Mapping,
    groups: &[Vec<usize>],
    default_base: &str,
    redactions: &[Redaction],
) -> Result<FxHashMap<JoinKey, JoinIndex>, RmlError> {
    // Joins per parent source group.
    let mut wanted: Vec<Vec<(JoinKey, &RefObjectMap)>> = vec![Vec::new(); groups.len()];
    for (t, tm) in mapping.triples_maps.iter().enumerate() {
        for (p, pom) in tm.predicate_object_maps.iter().enumerate() {
            for (r, rom) in pom.ref_objects.iter().enumerate() {
                if rom.joins.is_empty() {
                    continue;
                }
                if let Some(g) = groups.iter().position(|group| group.contains(&rom.parent))
                    && let Some(list) = wanted.get_mut(g)
                {
                    list.push(((t, p, r), rom));
                }
            }
        }
    }
    let mut indexes: FxHashMap<JoinKey, JoinIndexBuilder> = FxHashMap::default();
    for joins in wanted.iter().filter(|j| !j.is_empty()) {
        let Some(reader) = joins
            .first()
            .and_then(|(_, rom)| mapping.triples_maps.get(rom.parent))
        else {
            continue;
        };
        for (key, _) in joins {
            indexes.insert(*key, JoinIndexBuilder::default());
        }
        let mut ordinal: u64 = 0;
        for_each_record(reader, &mut |record| {
            let record_no = ordinal;
            ordinal += 1;
            // Records the parent cannot map are rejected (and reported) by the parent's own
            // pass; here they simply join nothing.
            let Record::Iteration(iteration) = record else {
                return Ok(());
            };
            // Join keys and parent subjects see the same withheld values as everything else.
            let redacting = Redacting::new(iteration, redactions);
            let iteration: &dyn Iteration = if redactions.is_empty() {
                iteration
            } else {
                &redacting
            };
            for (key, rom) in joins {
                let (Some(parent), Some(index)) =
                    (mapping.triples_maps.get(rom.parent), indexes.get_mut(key))
                else {
                    continue;
                };
                index_parent_record(parent, rom, iteration, record_no, default_base, index)?;
            }
            Ok(())
        })?;
    }
    indexes
        .into_iter()
        .map(|(key, builder)| {
            let parent = mapping
                .triples_maps
                .get(key.0)
                .and_then(|tm| tm.predicate_object_maps.get(key.1))
                .and_then(|pom| pom.ref_objects.get(key.2))
                .and_then(|rom| mapping.triples_maps.get(rom.parent));
            builder
                .build()
                .map(|index| (key, index))
                .map_err(|IndexTooLarge| too_large(parent))
        })
        .collect()
}

/// Join indexes use 32-bit offsets to stay small; a larger one is refused, not truncated.
fn too_large(parent: Option<&TriplesMap>) -> RmlError {
    RmlError::SourceSyntax {
        path: parent
            .and_then(|p| p.source.as_ref())
            .map(|s| s.path.clone())
            .unwrap_or_default(),
        message: "the parent source of a join is too large to index (more than 4 GiB of join keys and subjects, or 4 294 967 295 records)".into(),
    }
}

fn index_parent_record(
    parent: &TriplesMap,
    rom: &RefObjectMap,
    iteration: &dyn Iteration,
    record_no: u64,
    default_base: &str,
    index: &mut JoinIndexBuilder,
) -> Result<(), RmlError> {
    let env = Env {
        base: base_of(parent, default_base),
        record: record_no,
    };
    let Ok(subjects) = generate(&parent.subject, iteration, env) else {
        return Ok(());
    };
    if subjects.is_empty() {
        return Ok(());
    }
    let mut key_values = Vec::with_capacity(rom.joins.len());
    for join in &rom.joins {
        match evaluate_strings(&join.parent, iteration) {
            Ok(values) if !values.is_empty() => key_values.push(values),
            _ => return Ok(()),
        }
    }
    let subjects = subjects.iter().filter_map(|subject| match subject {
        // A subject map yields IRIs and blank nodes only (the mapping was validated).
        Term::NamedNode(n) => Some((false, n.as_str())),
        Term::BlankNode(b) => Some((true, b.as_str())),
        Term::Literal(_) => None,
    });
    let keys: Vec<String> = cartesian(&key_values)
        .iter()
        .map(|values| {
            let mut key = String::new();
            join_key(values, &mut key);
            key
        })
        .collect();
    index
        .add(subjects, keys.iter().map(String::as_str))
        .map_err(|IndexTooLarge| too_large(Some(parent)))
}

/// Every combination taking one value from each list.
fn cartesian(lists: &[Vec<String>]) -> Vec<Vec<String>> {
    let mut out = vec![Vec::with_capacity(lists.len())];
    for list in lists {
        out = out
            .iter()
            .flat_map(|prefix| {
                list.iter().map(move |value| {
                    let mut next = prefix.clone();
                    next.push(value.clone());
                    next
                })
            })
            .collect();
    }
    out
}

/// Where mapped quads go: duplicate elimination, then the sink or the logical targets.
struct Output<'s> {
    seen: Option<QuadSet>,
    /// Whether quads for the sink skip `seen` (the sink deduplicates them itself).
    sink_deduplicates: bool,
    targets: Option<TargetWriters>,
    sink: &'s mut dyn QuadSink,
    summary: RunSummary,
}

impl Output<'_> {
    fn first_time(&mut self, destination: usize, quad: QuadRef<'_>) -> bool {
        if destination == 0 && self.sink_deduplicates {
            return true;
        }
        match &mut self.seen {
            Some(seen) => seen.insert_for(destination, quad),
            None => true,
        }
    }

    fn emit(&mut self, quad: QuadRef<'_>, mask: TargetMask) -> Result<(), RmlError> {
        if mask != 0 && self.targets.is_some() {
            for target in 0..64 {
                if mask & (1 << target) == 0 || !self.first_time(target + 1, quad) {
                    continue;
                }
                if let Some(targets) = self.targets.as_mut() {
                    targets.write(target, quad)?;
                    self.summary.quads_written += 1;
                }
            }
            return Ok(());
        }
        if self.first_time(0, quad) {
            self.sink.quad(quad).map_err(RmlError::Sink)?;
            self.summary.quads_written += 1;
        }
        Ok(())
    }
}

/// Removes repeated (quad, targets) pairs of one record, keeping the first of each. Small
/// records (the common case) are compared pairwise, objects first since they differ most
/// often, which beats hashing them; larger ones are hashed.
fn dedup_record(arena: &TermArena<'_>, buffer: &mut Vec<(QuadIds, TargetMask)>) {
    if buffer.len() <= 32 {
        let quads: SmallVec<[(QuadRef<'_>, TargetMask); 16]> = buffer
            .iter()
            .map(|(ids, mask)| (arena.quad(*ids), *mask))
            .collect();
        let same = |(a, a_mask): &(QuadRef<'_>, TargetMask),
                    (b, b_mask): &(QuadRef<'_>, TargetMask)| {
            a.object == b.object
                && a.predicate == b.predicate
                && a.subject == b.subject
                && a.graph_name == b.graph_name
                && a_mask == b_mask
        };
        let repeated: SmallVec<[bool; 16]> = quads
            .iter()
            .enumerate()
            .map(|(i, quad)| {
                quads
                    .get(..i)
                    .is_some_and(|before| before.iter().any(|b| same(b, quad)))
            })
            .collect();
        if repeated.contains(&true) {
            let mut flags = repeated.iter();
            buffer.retain(|_| flags.next() == Some(&false));
        }
        return;
    }
    let mut seen: HashSet<(QuadRef<'_>, TargetMask)> = HashSet::with_capacity(buffer.len());
    buffer.retain(|(ids, mask)| seen.insert((arena.quad(*ids), *mask)));
}

/// What mapping one record needs besides the mapping: reused from record to record so that
/// a record allocates nothing once they have grown.
#[derive(Default)]
struct Scratch<'m> {
    arena: TermArena<'m>,
    quads: Vec<(QuadIds, TargetMask)>,
    join_key: String,
}

/// Up to a few terms with their targets, kept inline (most maps yield one term).
type Terms = SmallVec<[(TermId, TargetMask); 4]>;

/// Graph names with their targets; `None` is the default graph.
type Graphs = SmallVec<[(Option<TermId>, TargetMask); 2]>;

/// The logical targets of a term map, its language and datatype maps included.
fn mask_of(map: &TermMap) -> TargetMask {
    let mut mask = 0;
    for target in &map.targets {
        if let Some(bit) = 1_u64.checked_shl(u32::try_from(*target).unwrap_or(u32::MAX)) {
            mask |= bit;
        }
    }
    for nested in map.language.iter().chain(&map.datatype) {
        mask |= mask_of(nested);
    }
    mask
}

struct TriplesMapRun<'m> {
    mapping: &'m Mapping,
    index: usize,
    tm: &'m TriplesMap,
    default_base: &'m str,
    joins: &'m FxHashMap<JoinKey, JoinIndex>,
    source_path: PathBuf,
    /// Whether the mapping declares logical targets; without, every target mask is 0.
    has_targets: bool,
    /// Whether a record's quads are distinct by construction ([`record_quads_distinct`]),
    /// so they need not be compared.
    distinct: bool,
}

impl<'m> TriplesMapRun<'m> {
    /// The logical targets of a term map's quads.
    fn mask(&self, map: &TermMap) -> TargetMask {
        if self.has_targets { mask_of(map) } else { 0 }
    }

    /// Maps one record for this triples map: its quads, or one reject.
    fn record(
        &self,
        record: &Record<'_>,
        record_no: u64,
        scratch: &mut Scratch<'m>,
        output: &mut Output<'_>,
    ) -> Result<(), RmlError> {
        output.summary.records_read += 1;
        let mut file = None;
        let failure = match record {
            Record::Malformed {
                position,
                field,
                reason,
                source,
            } => {
                file.clone_from(source);
                Some((
                    position.clone(),
                    DataError {
                        field: field.clone(),
                        reason: reason.clone(),
                    },
                ))
            }
            Record::Iteration(iteration) => {
                scratch.arena.clear();
                scratch.quads.clear();
                if eval::has_warnings() {
                    eval::clear_warnings();
                }
                match self.map_iteration(*iteration, record_no, scratch) {
                    Ok(()) => None,
                    Err(error) => {
                        file = iteration.source_file().map(Path::to_owned);
                        Some((iteration.position(), error))
                    }
                }
            }
        };
        match failure {
            None => {
                output.summary.records_mapped += 1;
                if !self.distinct {
                    dedup_record(&scratch.arena, &mut scratch.quads);
                }
                for (ids, mask) in &scratch.quads {
                    output.emit(scratch.arena.quad(*ids), *mask)?;
                }
                if eval::has_warnings()
                    && let Record::Iteration(iteration) = record
                {
                    for (field, reason) in eval::take_warnings() {
                        output.summary.warnings += 1;
                        output
                            .sink
                            .warning(Warning {
                                source: self.source_path.clone(),
                                position: iteration.position(),
                                triples_map: self.tm.name.clone(),
                                field,
                                reason,
                            })
                            .map_err(RmlError::Sink)?;
                    }
                }
            }
            Some((position, error)) => {
                // The reject reports the record; warnings of its other terms go with it.
                eval::clear_warnings();
                output.summary.records_rejected += 1;
                output
                    .sink
                    .reject(Reject {
                        // A folder source names the record's own file.
                        source: file.unwrap_or_else(|| self.source_path.clone()),
                        position,
                        triples_map: self.tm.name.clone(),
                        field: error.field,
                        reason: error.reason,
                    })
                    .map_err(RmlError::Sink)?;
            }
        }
        Ok(())
    }

    /// Adds the graph names of graph maps (`rml:defaultGraph` is the default graph, `None`).
    fn graphs(
        &self,
        maps: &'m [TermMap],
        iteration: &dyn Iteration,
        env: Env<'_>,
        arena: &mut TermArena<'m>,
        out: &mut Graphs,
    ) -> Result<(), DataError> {
        for map in maps {
            let mask = self.mask(map);
            for id in generate_into(map, iteration, env, arena)? {
                let graph = match arena.get(id) {
                    TermRef::NamedNode(n) if n.as_str() == vocab::DEFAULT_GRAPH => None,
                    TermRef::NamedNode(_) | TermRef::BlankNode(_) => Some(id),
                    TermRef::Literal(l) => {
                        return Err(DataError::new(
                            None,
                            format!("{}: a literal ({l}) cannot name a graph", map.location),
                        ));
                    }
                };
                let existing = out
                    .iter_mut()
                    .find(|(g, _)| g.map(|g| arena.get(g)) == graph.map(|g| arena.get(g)));
                match existing {
                    Some((_, existing)) => *existing |= mask,
                    None => out.push((graph, mask)),
                }
            }
        }
        Ok(())
    }

    fn map_iteration(
        &self,
        iteration: &dyn Iteration,
        record: u64,
        scratch: &mut Scratch<'m>,
    ) -> Result<(), DataError> {
        let tm = self.tm;
        let Scratch {
            arena,
            quads: out,
            join_key,
        } = scratch;
        let env = Env {
            base: base_of(tm, self.default_base),
            record,
        };
        let subject_mask = self.mask(&tm.subject);
        let subjects = generate_into(&tm.subject, iteration, env, arena)?;
        for id in subjects.clone() {
            if let TermRef::Literal(l) = arena.get(id) {
                return Err(DataError::new(
                    None,
                    format!("a literal ({l}) cannot be a subject"),
                ));
            }
        }
        if subjects.is_empty() {
            // A null subject produces nothing; the rest of the record need not be evaluated.
            return Ok(());
        }
        let mut subject_graphs = Graphs::new();
        self.graphs(
            &tm.subject_graphs,
            iteration,
            env,
            arena,
            &mut subject_graphs,
        )?;
        if tm.subject_graphs.is_empty() {
            subject_graphs.push((None, 0));
        }
        if !tm.classes.is_empty() {
            let rdf_type = arena.borrowed(oxrdf::vocab::rdf::TYPE.into());
            for subject in subjects.clone() {
                for class in &tm.classes {
                    let class = arena.borrowed(class.as_ref().into());
                    for &(graph, graph_mask) in &subject_graphs {
                        out.push((
                            QuadIds {
                                subject,
                                predicate: rdf_type,
                                object: class,
                                graph,
                            },
                            subject_mask | graph_mask,
                        ));
                    }
                }
            }
        }
        for (p, pom) in tm.predicate_object_maps.iter().enumerate() {
            let mut predicates = Terms::new();
            for map in &pom.predicates {
                let mask = self.mask(map);
                for id in generate_into(map, iteration, env, arena)? {
                    if !matches!(arena.get(id), TermRef::NamedNode(_)) {
                        return Err(DataError::new(
                            None,
                            format!(
                                "{}: a predicate must be an IRI, not {}",
                                map.location,
                                arena.get(id)
                            ),
                        ));
                    }
                    predicates.push((id, mask));
                }
            }
            if predicates.is_empty() {
                continue;
            }
            let mut objects = Terms::new();
            for map in &pom.objects {
                let mask = self.mask(map);
                objects.extend(generate_into(map, iteration, env, arena)?.map(|id| (id, mask)));
            }
            for (r, rom) in pom.ref_objects.iter().enumerate() {
                let ids = self.ref_objects(
                    rom,
                    self.joins.get(&(self.index, p, r)),
                    iteration,
                    record,
                    arena,
                    join_key,
                )?;
                objects.extend(ids.map(|id| (id, 0)));
            }
            if objects.is_empty() {
                continue;
            }
            let mut pom_graphs = Graphs::new();
            let graphs: &Graphs = if pom.graphs.is_empty() {
                &subject_graphs
            } else {
                if !tm.subject_graphs.is_empty() {
                    pom_graphs.clone_from(&subject_graphs);
                }
                self.graphs(&pom.graphs, iteration, env, arena, &mut pom_graphs)?;
                &pom_graphs
            };
            for subject in subjects.clone() {
                for &(predicate, predicate_mask) in &predicates {
                    for &(object, object_mask) in &objects {
                        for &(graph, graph_mask) in graphs {
                            out.push((
                                QuadIds {
                                    subject,
                                    predicate,
                                    object,
                                    graph,
                                },
                                subject_mask | predicate_mask | object_mask | graph_mask,
                            ));
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// The objects of a referencing object map: the subjects of the parent records whose
    /// join values equal this record's, looked up in the join index.
    fn ref_objects(
        &self,
        rom: &RefObjectMap,
        index: Option<&'m JoinIndex>,
        iteration: &dyn Iteration,
        record: u64,
        arena: &mut TermArena<'m>,
        key: &mut String,
    ) -> Result<std::ops::Range<TermId>, DataError> {
        let start = arena.next_id();
        let Some(parent) = self.mapping.triples_maps.get(rom.parent) else {
            return Ok(start..start);
        };
        let Some(index) = index else {
            // No join: the logical sources are effectively equal, so the parent subject is
            // computed from this very iteration. If it fails, the parent's own run rejects
            // and reports the record.
            let env = Env {
                base: base_of(parent, self.default_base),
                record,
            };
            return Ok(
                generate_into(&parent.subject, iteration, env, arena).unwrap_or(start..start)
            );
        };
        match lent_single_key(rom, iteration) {
            Some(Lent::Null) => {}
            Some(Lent::Text(value)) => {
                // Each subject of an entry is there once.
                for (blank, subject) in index.lookup(value) {
                    push_subject(arena, blank, subject);
                }
            }
            _ => {
                let mut key_values = Vec::with_capacity(rom.joins.len());
                for join in &rom.joins {
                    let values = evaluate_strings(&join.child, iteration)?;
                    if values.is_empty() {
                        return Ok(start..start);
                    }
                    key_values.push(values);
                }
                for values in cartesian(&key_values) {
                    join_key(&values, key);
                    for (blank, subject) in index.lookup(key.as_str()) {
                        // Several keys may find the same parent; it is one object.
                        let repeated = arena.since(start).any(|seen| match arena.get(seen) {
                            TermRef::NamedNode(n) => !blank && n.as_str() == subject,
                            TermRef::BlankNode(b) => blank && b.as_str() == subject,
                            TermRef::Literal(_) => false,
                        });
                        if !repeated {
                            push_subject(arena, blank, subject);
                        }
                    }
                }
            }
        }
        Ok(arena.since(start))
    }
}

/// Adds a parent subject from a join index (borrowed for the run).
fn push_subject<'m>(arena: &mut TermArena<'m>, blank: bool, subject: &'m str) {
    if blank {
        arena.blank(Text::Static(subject));
    } else {
        arena.iri(Text::Static(subject));
    }
}

/// The child value of a join with one condition whose child map is a plain reference, as
/// the source lends it; `None` when the general path is needed.
fn lent_single_key<'i>(rom: &RefObjectMap, iteration: &'i dyn Iteration) -> Option<Lent<'i>> {
    let [join] = rom.joins.as_slice() else {
        return None;
    };
    let Expression::Reference(reference) = &join.child.expression else {
        return None;
    };
    if join.child.condition.is_some() {
        return None;
    }
    match iteration.lend(reference) {
        Lent::Evaluate => None,
        lent => Some(lent),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cartesian_product() {
        let lists = vec![vec!["a".to_owned(), "b".to_owned()], vec!["1".to_owned()]];
        assert_eq!(
            cartesian(&lists),
            vec![
                vec!["a".to_owned(), "1".to_owned()],
                vec!["b".to_owned(), "1".to_owned()]
            ]
        );
        assert_eq!(cartesian(&[]), vec![Vec::<String>::new()]);
        assert!(cartesian(&[vec!["x".to_owned()], vec![]]).is_empty());
    }
}
