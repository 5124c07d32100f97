//! Running a mapping: one pass over each triples map's source, hash joins for referencing
//! object maps, quads buffered per record so a rejected record emits nothing.

use crate::Mapping;
use crate::error::RmlError;
use crate::eval::{Env, evaluate_strings, generate, to_graph, to_subject};
use crate::model::{RefObjectMap, TriplesMap};
use crate::sink::{QuadSink, Reject, RunOptions, RunSummary};
use crate::source::{DataError, Iteration, NoSourceIteration, Record, Reference};
use crate::vocab;
use oxrdf::{GraphName, NamedNode, NamedOrBlankNode, Quad, Term};
use std::collections::{HashMap, HashSet};

/// The base IRI RML prescribes when none is given.
pub(crate) const DEFAULT_BASE_IRI: &str = "http://example.org/";

/// The parent side of one referencing object map with join conditions: the parent source
/// read once, its subjects kept, and an index from join-key tuples to parent records.
struct JoinIndex {
    keys: HashMap<Vec<String>, Vec<u32>>,
    subjects: Vec<Vec<Term>>,
}

pub(crate) fn run(
    mapping: &Mapping,
    options: &RunOptions,
    sink: &mut dyn QuadSink,
) -> Result<RunSummary, RmlError> {
    let default_base = options.base_iri.as_deref().unwrap_or(DEFAULT_BASE_IRI);
    preflight(mapping)?;
    let mut summary = RunSummary::default();
    for tm in &mapping.triples_maps {
        let mut joins: HashMap<(usize, usize), JoinIndex> = HashMap::new();
        for (p, pom) in tm.predicate_object_maps.iter().enumerate() {
            for (r, rom) in pom.ref_objects.iter().enumerate() {
                if !rom.joins.is_empty() {
                    joins.insert((p, r), build_join_index(mapping, rom, default_base)?);
                }
            }
        }
        let runner = TriplesMapRun {
            mapping,
            tm,
            default_base,
            joins,
        };
        runner.run(sink, &mut summary)?;
    }
    Ok(summary)
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

fn build_join_index(
    mapping: &Mapping,
    rom: &RefObjectMap,
    default_base: &str,
) -> Result<JoinIndex, RmlError> {
    let mut index = JoinIndex {
        keys: HashMap::new(),
        subjects: Vec::new(),
    };
    let Some(parent) = mapping.triples_maps.get(rom.parent) else {
        return Ok(index);
    };
    let base = base_of(parent, default_base);
    let mut ordinal: u64 = 0;
    for_each_record(parent, &mut |record| {
        let record_no = ordinal;
        ordinal += 1;
        // Records the parent cannot map are rejected (and reported) by the parent's own run;
        // here they simply join nothing.
        let Record::Iteration(iteration) = record else {
            return Ok(());
        };
        let Ok(subjects) = generate(
            &parent.subject,
            iteration,
            Env {
                base,
                record: record_no,
            },
        ) else {
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
    })?;
    Ok(index)
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

struct TriplesMapRun<'m> {
    mapping: &'m Mapping,
    tm: &'m TriplesMap,
    default_base: &'m str,
    joins: HashMap<(usize, usize), JoinIndex>,
}

impl TriplesMapRun<'_> {
    fn run(&self, sink: &mut dyn QuadSink, summary: &mut RunSummary) -> Result<(), RmlError> {
        let source_path = match &self.tm.source {
            Some(source) => source.path.clone(),
            None => self.mapping.path.clone(),
        };
        let mut buffer: Vec<Quad> = Vec::new();
        let mut ordinal: u64 = 0;
        for_each_record(self.tm, &mut |record| {
            summary.records_read += 1;
            let record_no = ordinal;
            ordinal += 1;
            let failure = match record {
                Record::Malformed {
                    position,
                    field,
                    reason,
                } => Some((position, DataError { field, reason })),
                Record::Iteration(iteration) => {
                    buffer.clear();
                    match self.map_iteration(iteration, record_no, &mut buffer) {
                        Ok(()) => None,
                        Err(error) => Some((iteration.position(), error)),
                    }
                }
            };
            match failure {
                None => {
                    summary.records_mapped += 1;
                    let mut seen: HashSet<&Quad> = HashSet::with_capacity(buffer.len());
                    for quad in &buffer {
                        if seen.insert(quad) {
                            sink.quad(quad.clone()).map_err(RmlError::Sink)?;
                            summary.quads_written += 1;
                        }
                    }
                }
                Some((position, error)) => {
                    summary.records_rejected += 1;
                    sink.reject(Reject {
                        source: source_path.clone(),
                        position,
                        triples_map: self.tm.name.clone(),
                        field: error.field,
                        reason: error.reason,
                    })
                    .map_err(RmlError::Sink)?;
                }
            }
            Ok(())
        })
    }

    fn graphs(
        &self,
        maps: &[crate::model::TermMap],
        iteration: &dyn Iteration,
        env: Env<'_>,
        out: &mut Vec<GraphName>,
    ) -> Result<(), DataError> {
        for map in maps {
            for term in generate(map, iteration, env)? {
                let graph = to_graph(term).map_err(|e| DataError {
                    field: None,
                    reason: format!("{}: {}", map.location, e.reason),
                })?;
                if !out.contains(&graph) {
                    out.push(graph);
                }
            }
        }
        Ok(())
    }

    fn map_iteration(
        &self,
        iteration: &dyn Iteration,
        record: u64,
        out: &mut Vec<Quad>,
    ) -> Result<(), DataError> {
        let tm = self.tm;
        let env = Env {
            base: base_of(tm, self.default_base),
            record,
        };
        let subjects = generate(&tm.subject, iteration, env)?
            .into_iter()
            .map(to_subject)
            .collect::<Result<Vec<NamedOrBlankNode>, DataError>>()?;
        let mut subject_graphs = Vec::new();
        self.graphs(&tm.subject_graphs, iteration, env, &mut subject_graphs)?;
        let class_graphs = if tm.subject_graphs.is_empty() {
            vec![GraphName::DefaultGraph]
        } else {
            subject_graphs.clone()
        };
        let rdf_type = NamedNode::new_unchecked(vocab::RDF_TYPE);
        for subject in &subjects {
            for class in &tm.classes {
                for graph in &class_graphs {
                    out.push(Quad::new(
                        subject.clone(),
                        rdf_type.clone(),
                        class.clone(),
                        graph.clone(),
                    ));
                }
            }
        }
        for (p, pom) in tm.predicate_object_maps.iter().enumerate() {
            let mut predicates = Vec::new();
            for map in &pom.predicates {
                for term in generate(map, iteration, env)? {
                    match term {
                        Term::NamedNode(n) => predicates.push(n),
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
            let mut objects = Vec::new();
            for map in &pom.objects {
                objects.extend(generate(map, iteration, env)?);
            }
            for (r, rom) in pom.ref_objects.iter().enumerate() {
                self.ref_objects(
                    rom,
                    self.joins.get(&(p, r)),
                    iteration,
                    record,
                    &mut objects,
                )?;
            }
            let graphs = if tm.subject_graphs.is_empty() && pom.graphs.is_empty() {
                vec![GraphName::DefaultGraph]
            } else {
                let mut graphs = subject_graphs.clone();
                self.graphs(&pom.graphs, iteration, env, &mut graphs)?;
                graphs
            };
            for subject in &subjects {
                for predicate in &predicates {
                    for object in &objects {
                        for graph in &graphs {
                            out.push(Quad::new(
                                subject.clone(),
                                predicate.clone(),
                                object.clone(),
                                graph.clone(),
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
    use super::cartesian;

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
