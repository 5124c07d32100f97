//! Running a mapping: each logical source is read once per run however many triples maps
//! share it (plus once more if it is the parent of a join), hash joins for referencing
//! object maps, quads buffered per record so a rejected record emits nothing, duplicate
//! elimination and logical-target routing on the way out.

use crate::Mapping;
use crate::dedup::QuadSet;
use crate::error::RmlError;
use crate::eval::{Env, evaluate_strings, generate, to_graph, to_subject};
use crate::model::{RefObjectMap, TermMap, TriplesMap};
use crate::sink::{Deduplication, QuadSink, Reject, RunOptions, RunSummary};
use crate::source::{DataError, Iteration, NoSourceIteration, Record, Reference};
use crate::target::TargetWriters;
use crate::vocab;
use oxrdf::{GraphName, NamedNode, NamedOrBlankNode, Quad, Term};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

/// The base IRI RML prescribes when none is given.
pub(crate) const DEFAULT_BASE_IRI: &str = "http://example.org/";

/// The parent side of one referencing object map with join conditions: the parent's
/// subjects, and an index from join-key tuples to them.
#[derive(Default)]
struct JoinIndex {
    keys: HashMap<Vec<String>, Vec<u32>>,
    subjects: Vec<Vec<Term>>,
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
    let groups = source_groups(mapping);
    let joins = build_join_indexes(mapping, &groups, default_base)?;
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
                })
            })
            .collect();
        let Some(first) = runners.first() else {
            continue;
        };
        let mut buffer: Vec<(Quad, TargetMask)> = Vec::new();
        let mut ordinal: u64 = 0;
        for_each_record(first.tm, &mut |record| {
            let record_no = ordinal;
            ordinal += 1;
            for runner in &runners {
                runner.record(&record, record_no, &mut buffer, &mut output)?;
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
            source.format.check(source, &tm.name, &references)?;
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
        Some(source) => source.format.open(source, &tm.name)?.for_each_record(f),
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
) -> Result<HashMap<JoinKey, JoinIndex>, RmlError> {
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
    let mut indexes: HashMap<JoinKey, JoinIndex> = HashMap::new();
    for joins in wanted.iter().filter(|j| !j.is_empty()) {
        let Some(reader) = joins
            .first()
            .and_then(|(_, rom)| mapping.triples_maps.get(rom.parent))
        else {
            continue;
        };
        for (key, _) in joins {
            indexes.insert(*key, JoinIndex::default());
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
    Ok(indexes)
}

fn index_parent_record(
    parent: &TriplesMap,
    rom: &RefObjectMap,
    iteration: &dyn Iteration,
    record_no: u64,
    default_base: &str,
    index: &mut JoinIndex,
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
    let Ok(id) = u32::try_from(index.subjects.len()) else {
        return Err(RmlError::SourceSyntax {
            path: parent
                .source
                .as_ref()
                .map(|s| s.path.clone())
                .unwrap_or_default(),
            message: "more than 4 294 967 295 parent records in one join".into(),
        });
    };
    index.subjects.push(subjects);
    for key in cartesian(&key_values) {
        let ids = index.keys.entry(key).or_default();
        if ids.last() != Some(&id) {
            ids.push(id);
        }
    }
    Ok(())
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
    fn first_time(&mut self, destination: usize, quad: &Quad) -> bool {
        if destination == 0 && self.sink_deduplicates {
            return true;
        }
        match &mut self.seen {
            Some(seen) => seen.insert_for(destination, quad.as_ref()),
            None => true,
        }
    }

    fn emit(&mut self, quad: Quad, mask: TargetMask) -> Result<(), RmlError> {
        if mask != 0 && self.targets.is_some() {
            for target in 0..64 {
                if mask & (1 << target) == 0 || !self.first_time(target + 1, &quad) {
                    continue;
                }
                if let Some(targets) = self.targets.as_mut() {
                    targets.write(target, &quad)?;
                    self.summary.quads_written += 1;
                }
            }
            return Ok(());
        }
        if self.first_time(0, &quad) {
            self.sink.quad(quad).map_err(RmlError::Sink)?;
            self.summary.quads_written += 1;
        }
        Ok(())
    }
}

/// Removes repeated (quad, targets) pairs of one record, keeping the first of each; small
/// records (the common case) are compared pairwise, which beats hashing them.
fn dedup_record(buffer: &mut Vec<(Quad, TargetMask)>) {
    if buffer.len() <= 32 {
        let mut i = 1;
        while i < buffer.len() {
            if buffer
                .get(..i)
                .is_some_and(|before| buffer.get(i).is_some_and(|entry| before.contains(entry)))
            {
                buffer.remove(i);
            } else {
                i += 1;
            }
        }
        return;
    }
    let mut seen: HashSet<(Quad, TargetMask)> = HashSet::with_capacity(buffer.len());
    buffer.retain(|entry| seen.insert(entry.clone()));
}

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
    joins: &'m HashMap<JoinKey, JoinIndex>,
    source_path: PathBuf,
}

impl TriplesMapRun<'_> {
    /// Maps one record for this triples map: its quads, or one reject.
    fn record(
        &self,
        record: &Record<'_>,
        record_no: u64,
        buffer: &mut Vec<(Quad, TargetMask)>,
        output: &mut Output<'_>,
    ) -> Result<(), RmlError> {
        output.summary.records_read += 1;
        let failure = match record {
            Record::Malformed {
                position,
                field,
                reason,
            } => Some((
                position.clone(),
                DataError {
                    field: field.clone(),
                    reason: reason.clone(),
                },
            )),
            Record::Iteration(iteration) => {
                buffer.clear();
                match self.map_iteration(*iteration, record_no, buffer) {
                    Ok(()) => None,
                    Err(error) => Some((iteration.position(), error)),
                }
            }
        };
        match failure {
            None => {
                output.summary.records_mapped += 1;
                dedup_record(buffer);
                for (quad, mask) in buffer.drain(..) {
                    output.emit(quad, mask)?;
                }
            }
            Some((position, error)) => {
                output.summary.records_rejected += 1;
                output
                    .sink
                    .reject(Reject {
                        source: self.source_path.clone(),
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

    fn graphs(
        &self,
        maps: &[TermMap],
        iteration: &dyn Iteration,
        env: Env<'_>,
        out: &mut Vec<(GraphName, TargetMask)>,
    ) -> Result<(), DataError> {
        for map in maps {
            let mask = mask_of(map);
            for term in generate(map, iteration, env)? {
                let graph = to_graph(term).map_err(|e| DataError {
                    field: None,
                    reason: format!("{}: {}", map.location, e.reason),
                })?;
                match out.iter_mut().find(|(g, _)| *g == graph) {
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
        out: &mut Vec<(Quad, TargetMask)>,
    ) -> Result<(), DataError> {
        let tm = self.tm;
        let env = Env {
            base: base_of(tm, self.default_base),
            record,
        };
        let subject_mask = mask_of(&tm.subject);
        let subjects = generate(&tm.subject, iteration, env)?
            .into_iter()
            .map(to_subject)
            .collect::<Result<Vec<NamedOrBlankNode>, DataError>>()?;
        if subjects.is_empty() {
            // A null subject produces nothing; the rest of the record need not be evaluated.
            return Ok(());
        }
        let mut subject_graphs = Vec::new();
        self.graphs(&tm.subject_graphs, iteration, env, &mut subject_graphs)?;
        let class_graphs = if tm.subject_graphs.is_empty() {
            vec![(GraphName::DefaultGraph, 0)]
        } else {
            subject_graphs.clone()
        };
        let rdf_type = NamedNode::new_unchecked(vocab::RDF_TYPE);
        // Graphs of the (common) maps without graph maps, without an allocation per map.
        let default_graph = [(GraphName::DefaultGraph, 0)];
        for subject in &subjects {
            for class in &tm.classes {
                for (graph, graph_mask) in &class_graphs {
                    out.push((
                        Quad::new(
                            subject.clone(),
                            rdf_type.clone(),
                            class.clone(),
                            graph.clone(),
                        ),
                        subject_mask | graph_mask,
                    ));
                }
            }
        }
        for (p, pom) in tm.predicate_object_maps.iter().enumerate() {
            let mut predicates = Vec::new();
            for map in &pom.predicates {
                let mask = mask_of(map);
                for term in generate(map, iteration, env)? {
                    match term {
                        Term::NamedNode(n) => predicates.push((n, mask)),
                        other => {
                            return Err(DataError::new(
                                None,
                                format!(
                                    "{}: a predicate must be an IRI, not {other}",
                                    map.location
                                ),
                            ));
                        }
                    }
                }
            }
            if predicates.is_empty() {
                continue;
            }
            let mut objects = Vec::new();
            for map in &pom.objects {
                let mask = mask_of(map);
                objects.extend(
                    generate(map, iteration, env)?
                        .into_iter()
                        .map(|term| (term, mask)),
                );
            }
            for (r, rom) in pom.ref_objects.iter().enumerate() {
                let mut terms = Vec::new();
                self.ref_objects(
                    rom,
                    self.joins.get(&(self.index, p, r)),
                    iteration,
                    record,
                    &mut terms,
                )?;
                objects.extend(terms.into_iter().map(|term| (term, 0)));
            }
            if objects.is_empty() {
                continue;
            }
            let mut pom_graphs = Vec::new();
            let graphs: &[(GraphName, TargetMask)] =
                if tm.subject_graphs.is_empty() && pom.graphs.is_empty() {
                    &default_graph
                } else {
                    pom_graphs.clone_from(&subject_graphs);
                    self.graphs(&pom.graphs, iteration, env, &mut pom_graphs)?;
                    &pom_graphs
                };
            for subject in &subjects {
                for (predicate, predicate_mask) in &predicates {
                    for (object, object_mask) in &objects {
                        for (graph, graph_mask) in graphs {
                            out.push((
                                Quad::new(
                                    subject.clone(),
                                    predicate.clone(),
                                    object.clone(),
                                    graph.clone(),
                                ),
                                subject_mask | predicate_mask | object_mask | graph_mask,
                            ));
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn ref_objects(
        &self,
        rom: &RefObjectMap,
        index: Option<&JoinIndex>,
        iteration: &dyn Iteration,
        record: u64,
        out: &mut Vec<Term>,
    ) -> Result<(), DataError> {
        let Some(parent) = self.mapping.triples_maps.get(rom.parent) else {
            return Ok(());
        };
        let Some(index) = index else {
            // No join: the logical sources are effectively equal, so the parent subject is
            // computed from this very iteration. If it fails, the parent's own run rejects
            // and reports the record.
            let env = Env {
                base: base_of(parent, self.default_base),
                record,
            };
            if let Ok(subjects) = generate(&parent.subject, iteration, env) {
                out.extend(subjects);
            }
            return Ok(());
        };
        let mut key_values = Vec::with_capacity(rom.joins.len());
        for join in &rom.joins {
            let values = evaluate_strings(&join.child, iteration)?;
            if values.is_empty() {
                return Ok(());
            }
            key_values.push(values);
        }
        let mut ids: Vec<u32> = Vec::new();
        for key in cartesian(&key_values) {
            if let Some(found) = index.keys.get(&key) {
                ids.extend(found);
            }
        }
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            if let Some(subjects) = usize::try_from(id).ok().and_then(|i| index.subjects.get(i)) {
                out.extend(subjects.iter().cloned());
            }
        }
        Ok(())
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
