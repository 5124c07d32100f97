//! A streaming RML engine: a mapping document (Turtle) plus CSV, JSON and XML sources in,
//! RDF quads out. It knows nothing of museums; `jiyi-ingest` drives it and the CLI connects
//! it to the store (this crate never touches the store).
//!
//! # Use
//!
//! ```no_run
//! use jiyi_rml::{CollectingSink, Mapping, RunOptions, run};
//! # fn main() -> Result<(), jiyi_rml::RmlError> {
//! let mapping = Mapping::from_file(std::path::Path::new("data/mappings/npm-objects.rml.ttl"))?;
//! let mut sink = CollectingSink::new();
//! let options = RunOptions {
//!     base_iri: Some("https://data.example.tw/".into()),
//!     ..RunOptions::default()
//! };
//! let summary = run(&mapping, &options, &mut sink)?;
//! assert_eq!(summary.records_read, summary.records_mapped + summary.records_rejected);
//! # Ok(()) }
//! ```
//!
//! # What is supported
//!
//! The current RML specification (namespace `http://w3id.org/rml/`: RML-Core, RML-IO and
//! RML-FNML), not the legacy `rr:` / semweb.mmlab `rml:` vocabularies (a mapping in those is
//! refused with a message saying so). Conformance: every RML-Core and RML-FNML case and every
//! file-based RML-IO case pass (`tests/rml_conformance.rs`, skips with reasons in
//! `tests/skips/rml-*.txt`).
//!
//! - **RML-Core**: triples maps with `rml:logicalSource`, `rml:subjectMap` / `rml:subject`,
//!   `rml:predicateObjectMap` with `rml:predicateMap` / `rml:predicate` and `rml:objectMap` /
//!   `rml:object`, `rml:class`, `rml:graphMap` / `rml:graph` (including `rml:defaultGraph`),
//!   `rml:baseIRI`; term maps with `rml:constant`, `rml:reference` or `rml:template`
//!   (backslash escapes of `{`, `}` and `\`), `rml:termType` `rml:IRI`, `rml:URI`,
//!   `rml:UnsafeIRI`, `rml:BlankNode` (with or without an expression) and `rml:Literal`,
//!   `rml:language` / `rml:languageMap`, `rml:datatype` / `rml:datatypeMap`; multi-valued
//!   references and the cartesian product of template values; referencing object maps with
//!   `rml:parentTriplesMap` and any number of `rml:joinCondition`s (`rml:child` /
//!   `rml:parent` or `rml:childMap` / `rml:parentMap`), or none when the two logical sources
//!   are effectively equal.
//! - **RML-IO sources**: `rml:RelativePathSource` / `rml:FilePath` (`rml:root`
//!   `rml:MappingDirectory`, `rml:CurrentWorkingDirectory` — the default, see
//!   [`LoadOptions::working_directory`] — or a path literal, plus `rml:path`), a CSVW
//!   `csvw:Table` (`csvw:url`, `csvw:dialect` with `csvw:delimiter`, `csvw:quoteChar`,
//!   `csvw:doubleQuote`, `csvw:header`, `csvw:headerRowCount`, `csvw:skipRows`,
//!   `csvw:commentPrefix`, `csvw:trim`, `csvw:encoding`; `csvw:null`), or a plain path
//!   literal (resolved against the mapping file's directory); `rml:null` on the source or
//!   the logical source; `rml:encoding` (`rml:UTF-8` — the default —, `rml:UTF-16`,
//!   `rml:Big5` or any WHATWG label as an `rml:` IRI or a literal; a byte order mark wins
//!   and is removed); `rml:compression` `rml:gzip`, `rml:zip`, `rml:targz`, `rml:tarxz`
//!   (also implied by `.gz`, `.zip`, `.tar.gz`/`.tgz`, `.tar.xz`; an archive yields its
//!   first regular file). All decoding and decompression stream.
//! - **Reference formulations**: `rml:CSV` (header row, quoted fields with commas, quotes
//!   and newlines, any column names including Chinese; `.tsv` files are tab-separated;
//!   without a header columns are `_col.1`, `_col.2`, … as in CSVW), `rml:JSONPath`
//!   (RFC 9535; references may be `$.Name`, `$['Country Code']` or a plain member name such
//!   as `材質`; a dotted plain name such as `a.b` is read as `$.a.b`; files named `.jsonl` /
//!   `.ndjson` are JSON Lines, the iterator applied to each line) and `rml:XPath` (below).
//!   Without `rml:referenceFormulation` the file extension decides (`.csv`, `.tsv`,
//!   `.json`, `.jsonl`, `.xml`, after any compression extension).
//! - **Folders (Jiyi extension)**: when a logical source's path names a directory, it reads
//!   every file below it (recursively, sorted by path, dot-files skipped) whose extension
//!   gives the source's reference formulation, each file as if it were the source alone
//!   (`rml:referenceFormulation` is then required: a folder name tells nothing). Rejects
//!   name the file ([`Reject::source`]) and the position in it; a file that does not parse
//!   rejects that file as one record instead of failing the run. Other RML engines do not
//!   read folders. [`LoadOptions::input`] points a mapping whose sources all read one path at
//!   another file or folder (`jiyi ingest --input`). See `source/directory.rs`.
//! - **RML-IO targets**: `rml:logicalTarget` on any term map (language and datatype maps
//!   included), with an `rml:target` file (`rml:path`, `rml:root`), `rml:serialization`
//!   `formats:N-Quads` (default), `N-Triples`, `Turtle`, `TriG`, `N3`, `JSON-LD` or
//!   `RDF_XML`, and `rml:compression rml:gzip`. Targets are written only when
//!   [`RunOptions::write_logical_targets`] is set; a quad with targets then goes to them and
//!   not to the sink. RDF/JSON, UTF-16 output and zip/tar targets are refused at load.
//! - **RML-FNML**: function-valued expression maps (`rml:functionExecution`, `rml:return` /
//!   `rml:returnMap`) anywhere an expression map may stand — subject, predicate, object,
//!   graph, language and datatype maps, join maps and function inputs (nested functions);
//!   `rml:function` / `rml:functionMap`, `rml:input` with `rml:parameter` /
//!   `rml:parameterMap` and `rml:inputValue` / `rml:inputValueMap`; `rml:condition` on any
//!   term map. Functions come from a [`FunctionRegistry`] (see below).
//!
//! Logical views, collections and containers, and RML-star are not read; their properties
//! are ignored.
//!
//! # XPath subset
//!
//! XML is read as a stream (quick-xml). The **iterator** must be an absolute location path
//! of element steps — `/lido:lidoWrap/lido:lido`, `//record`, `/ead/archdesc/dsc//c` — whose
//! steps may carry predicates that do not depend on position (`[@type='local']`,
//! `[lido:recordType]`; not `[1]`, `position()` or `last()`). Each selected element is one
//! iteration, available once its end tag is read. **References** are XPath 1.0 expressions
//! evaluated with that element as context node:
//!
//! - location paths, relative or absolute, with the axes `child` (default), `attribute`
//!   (`@`), `self` (`.`), `parent` (`..`), `ancestor`, `ancestor-or-self`, `descendant`,
//!   `descendant-or-self` (`//`), `following-sibling` and `preceding-sibling`; name tests
//!   `name`, `prefix:name`, `*`, `prefix:*`, and the node tests `text()` and `node()`;
//! - predicates, positional (`[2]`, `[last()]`) or boolean, with `=`, `!=`, `<`, `<=`, `>`,
//!   `>=`, `and`, `or`, `+`, `-`, unary minus, `|` (union), string and number literals;
//! - the functions `string`, `concat`, `normalize-space`, `name`, `local-name`, `contains`,
//!   `starts-with`, `substring`, `substring-before`, `substring-after`, `translate`,
//!   `string-length`, `not`, `true`, `false`, `boolean`, `number`, `count`, `position`,
//!   `last`.
//!
//! A node-set gives the string value of each node (multi-valued); any other result gives one
//! value. Prefixes are declared with `rml:namespace [ rml:namespacePrefix "lido";
//! rml:namespaceURL "http://www.lido-schema.org" ]` on an `rml:XPathReferenceFormulation`
//! (the `xml` prefix is predefined); a prefix the mapping does not declare matches the
//! document's own prefix. An unprefixed name matches elements written without a prefix,
//! whatever default namespace is in scope (so EAD's default namespace needs no
//! declaration). Whitespace-only text is dropped, as by `xsl:strip-space`.
//!
//! What the stream keeps: the open ancestors of the current element with their attributes,
//! up to 1 024 text-only children per ancestor (each up to 4 KiB) seen before the record,
//! and the record's subtree. So `../@id`, `../../lido:source` and `ancestor::c/@level` work,
//! but an ancestor's element children after the record, or with element content, do not.
//! A document that is not well-formed XML fails the run (the source is unusable); the
//! encoding is the mapping's `rml:encoding` (UTF-8 by default), not the XML declaration's.
//!
//! # Functions (RML-FNML)
//!
//! [`FunctionRegistry::with_builtins`] has the GREL string functions
//! (`http://users.ugent.be/~bjdmeest/function/grel.ttl#`): `toUpperCase`, `toLowerCase`,
//! `string_toTitlecase`, `string_trim`, `string_toString`, `string_length`,
//! `string_substring`, `string_replace`, `escape` (html, xml, csv, url, javascript),
//! `string_contains`, `string_startsWith`, `string_endsWith`, `string_chomp`,
//! `string_split`, `boolean_not`, `controls_if`; and from IDLab
//! (`https://w3id.org/imec/idlab/function#`) `equal`, `notEqual`, `isNull`, `isNotNull`,
//! `toUpperCaseURL`, `trueCondition`, `concat`. Parameters and outputs are accepted under
//! both their FnO parameter IRI and its predicate (`grel:valueParam` and
//! `grel:valueParameter`).
//!
//! **Extension point**: build a registry, [`FunctionRegistry::register`] a
//! [`FunctionDefinition`] (its IRI, parameter IRIs, output IRIs and a closure over
//! [`Arguments`] returning literals), and load the mapping with
//! [`Mapping::from_file_with`] and [`LoadOptions::functions`]. An unknown function,
//! parameter or output is a mapping error at load; a closure's `Err` rejects the record
//! (field: the references it read and the function, `年份 via <…#dateBegin>`; with `jiyi:onError "warn"` it leaves its term out instead), so a date function can report `乾隆十年` as unparsable without
//! stopping the run. Multi-valued inputs call the function once per combination; a
//! required input that is null makes the result null.
//!
//! # Null values
//!
//! A reference that yields nothing (JSON `null`, a missing member, an empty XPath node-set, a
//! value equal to one of the `rml:null` values) produces no term; a template with such a
//! reference produces no term; a record whose subject is null produces no quad (and is
//! counted as mapped, not rejected, as the spec says). **CSV has no null of its own**: an
//! empty cell is the empty string unless the mapping declares `rml:null ""`.
//!
//! # Errors and rejects
//!
//! Anything wrong with the mapping fails [`Mapping::from_file`] / [`Mapping::from_turtle`]
//! before any output, naming the file, the place in the mapping (`<#TriplesMap1>
//! rml:predicateObjectMap[2] rml:objectMap`) and the problem. Before the first quad, [`run`]
//! also checks that every source file opens and that every CSV column the mapping references
//! is in its header. A source that cannot be parsed at all (invalid JSON, XML that is not
//! well-formed) fails the run; on any `Err` the caller must discard what the sink received.
//!
//! A problem with one record — an invalid IRI, an invalid language tag, a lexical form that
//! does not fit its XSD datatype, invalid UTF-8 or a byte sequence invalid in the declared
//! encoding, a CSV line with the wrong number of fields, a JSON reference that selects an
//! array or object instead of values, a function that fails — rejects that record for that
//! triples map: it produces nothing and the sink gets one [`Reject`] (source file, record
//! position — line for CSV, normalized JSONPath for JSON (`line N: $…` for JSON Lines),
//! element path such as `/r[1]/item[2]` for XML —, field, reason); the run goes on. Records
//! are counted per triples-map iteration, so `records_read == records_mapped +
//! records_rejected` always holds. Records read only to build a join index are not counted
//! (their own triples map counts them), and a parent record that its own triples map rejects
//! joins nothing.
//!
//! **Warnings instead of rejects** (a Jiyi extension): a function execution with
//! `jiyi:onError "warn"` (`https://w3id.org/jiyi/ns#onError`, a property of the
//! `rml:FunctionExecution` node, which other RML processors ignore) that fails yields null for
//! that record — the term is left out, as for a null reference — and the record is mapped; the
//! sink gets a [`Warning`] (source, position, triples map, the references the function read,
//! reason) after the record's quads, and [`RunSummary::warnings`] counts it. `"reject"` is the
//! default. For a museum object with an unreadable date this publishes the object without
//! the date instead of losing it.
//!
//! # Streaming design
//!
//! Triples maps whose logical sources are effectively equal are run together: the source is
//! read **once per run** and each record is handed to every map that shares it. Quads of a
//! record are handed to the [`QuadSink`] before the next record is read. CSV, XML and JSON
//! with simple iterators (member names and `[*]`, e.g. `$.items[*]`, `$[*]`) stream:
//! memory holds one record, not the file. JSON iterators with filters, slices or `..` are
//! evaluated on the parsed document. A referencing object map with join conditions is a hash
//! join: before the run, each parent source is read once for all joins that need it and
//! indexed by the parents' join-key values (keeping only the parent subjects), and each child
//! record looks its keys up; there are no nested loops over whole sources. Memory is
//! bounded by join state (parent keys and subjects) plus, with the default
//! [`Deduplication::Run`], one 16-byte fingerprint per distinct quad — choose
//! [`Deduplication::Record`] for flat memory when the consumer deduplicates (the store does).
//!
//! # Decisions
//!
//! - **Duplicates**: by default every distinct quad is emitted once per run (RML's output is
//!   a set), using 128-bit XXH3 fingerprints of the quad's `Hash` encoding, computed in one
//!   pass ([`QuadSet`]); see [`Deduplication`]. A sink may take run-wide deduplication over
//!   ([`Deduplication::SinkDeduplicates`]): `jiyi map` does it on its writer thread, on the
//!   N-Quads lines ([`QuadSet::insert_all_serialized`]), so that mapping and writing use two
//!   cores while the output stays byte for byte that of a single-threaded run (batches keep
//!   their order). Within a record, quads are compared only when they can repeat: a CSV
//!   record whose (predicate, object) maps differ in constant predicate, term kind, language
//!   or datatype cannot yield one quad twice, which is decided once per triples map.
//! - **Speed of term generation**: nothing is allocated per quad. A record's terms are
//!   written into one reused buffer (constants and join parents are borrowed), quads are
//!   index tuples into it, and the sink is lent [`oxrdf::QuadRef`]s. CSV cells (and single
//!   JSON strings) are lent by the source and copied once, into that buffer; a template IRI
//!   whose fixed text puts every value in the path, query or fragment is valid whatever the
//!   (IRI-safe) values, so it is checked at load rather than parsed per record; a constant
//!   language tag is normalised at load; a CSV column is looked up by name once per reader.
//! - **Blank nodes**: a blank node from a template or reference is labelled from its value
//!   (letters, CJK included, and digits kept; other characters as `_XX` per UTF-8 byte), so
//!   the same value gives the same node in every triples map and on every run; a blank node
//!   without expression is labelled from its term map and record number, so re-running
//!   unchanged input yields the same labels. Labels are not scoped per run: the caller scopes
//!   them (the ingest prefixes the dataset name).
//! - **Base IRI**: relative IRIs are made absolute by string concatenation with the triples
//!   map's `rml:baseIRI`, else [`RunOptions::base_iri`], else RML's default
//!   `http://example.org/` — so a publisher must always set it. Relative IRIs inside the
//!   mapping document itself (`<#TriplesMap1>`) resolve against the mapping's `file:` URL.
//! - **`rml:UnsafeIRI`** generates IRIs without encoding or validation, as the spec says
//!   (only characters that no RDF syntax can carry, `<>"` and controls, are refused); use it
//!   only when the data already holds IRIs.
//! - **Constants with `rml:termType`**: a term type that contradicts the constant (a
//!   literal with `rml:BlankNode`) is a mapping error rather than silently ignored.
//! - **Language tags** are stored lowercase (`zh-Hant` becomes `zh-hant`), as oxrdf
//!   normalises them; tags are case-insensitive in RDF.
//! - **Natural datatypes**: JSON numbers become `xsd:integer` (no fraction) or `xsd:double`
//!   (canonical form, e.g. `3.05E1`), booleans `xsd:boolean`; CSV and XML values are plain
//!   strings; function results keep the datatype their literal has. A JSON number given
//!   `xsd:double` or `xsd:float` by a datatype map is written in canonical form (`3.7E1`).

mod arena;
mod dedup;
mod distinct;
mod engine;
mod error;
mod eval;
mod functions;
mod join_index;
mod model;
mod parse;
mod redact;
mod sink;
mod source;
mod target;
mod template;
#[cfg(test)]
mod tests;
mod value;
mod vocab;

pub use dedup::QuadSet;
pub use error::RmlError;
pub use functions::{
    Arguments, FunctionBuilder, FunctionDefinition, FunctionRegistry, GREL_NS, IDLAB_NS,
    Implementation, Parameter,
};
pub use redact::Redaction;
pub use sink::{
    CollectingSink, Deduplication, QuadSink, RecordPosition, Reject, RunOptions, RunSummary,
    SinkError, Warning,
};

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How a mapping is loaded: the functions it may call and what the current working
/// directory means. `LoadOptions::default()` gives the built-in functions and the process's
/// working directory.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// The directory `rml:CurrentWorkingDirectory` (and a source or target without
    /// `rml:root`) resolves against; `None` is the process's current directory. Setting it
    /// lets a caller (a test, a server) load mappings for different directories at once.
    pub working_directory: Option<PathBuf>,
    /// The functions `rml:functionExecution` may name; `None` is
    /// [`FunctionRegistry::with_builtins`]. This is the extension point: start from the
    /// built-ins, [`FunctionRegistry::register`] your own, and pass the registry here.
    pub functions: Option<Arc<FunctionRegistry>>,
    /// Input to read instead of the file or folder the mapping's logical sources name, so
    /// one mapping can run over a demo sample and over the real export (`jiyi ingest
    /// --input`). Only for mappings whose logical sources all read the same path (they may
    /// differ in iterator); anything else is refused at load, since it would be ambiguous.
    /// A relative path resolves against the current directory.
    pub input: Option<PathBuf>,
}

/// A parsed and validated mapping document, ready to [`run`] any number of times.
#[derive(Debug)]
pub struct Mapping {
    /// The mapping file (for messages and for rejects of maps without a source).
    path: PathBuf,
    /// The triples maps, in document order.
    triples_maps: Vec<model::TriplesMap>,
    /// The logical targets term maps name.
    targets: Vec<target::LogicalTarget>,
}

impl Mapping {
    /// Reads and validates a mapping file with the built-in functions; relative source
    /// paths resolve against its directory.
    pub fn from_file(path: &Path) -> Result<Mapping, RmlError> {
        Self::from_file_with(path, &LoadOptions::default())
    }

    /// Reads and validates a mapping file with the given functions and working directory.
    pub fn from_file_with(path: &Path, options: &LoadOptions) -> Result<Mapping, RmlError> {
        let text = std::fs::read_to_string(path).map_err(|source| RmlError::MappingIo {
            path: path.to_owned(),
            source,
        })?;
        Self::from_turtle_with(&text, path, options)
    }

    /// Same from text; `mapping_path` is used for error messages and for resolving rml:MappingDirectory.
    pub fn from_turtle(text: &str, mapping_path: &Path) -> Result<Mapping, RmlError> {
        Self::from_turtle_with(text, mapping_path, &LoadOptions::default())
    }

    /// Same from text, with load options.
    pub fn from_turtle_with(
        text: &str,
        mapping_path: &Path,
        options: &LoadOptions,
    ) -> Result<Mapping, RmlError> {
        let (mut triples_maps, targets) = parse::parse(text, mapping_path, options)?;
        if let Some(input) = &options.input {
            redirect_sources(&mut triples_maps, input, mapping_path)?;
        }
        Ok(Mapping {
            path: mapping_path.to_owned(),
            triples_maps,
            targets,
        })
    }

    /// Files the logical sources read (for reports and provenance), each once, in mapping order.
    pub fn source_paths(&self) -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = Vec::new();
        for tm in &self.triples_maps {
            if let Some(source) = &tm.source
                && !paths.contains(&source.path)
            {
                paths.push(source.path.clone());
            }
        }
        paths
    }

    /// Files the logical targets write (when [`RunOptions::write_logical_targets`] is set).
    pub fn target_paths(&self) -> Vec<PathBuf> {
        self.targets.iter().map(|t| t.path.clone()).collect()
    }

    /// Names of the triples maps in document order, as used in rejects and messages.
    pub fn triples_map_names(&self) -> Vec<String> {
        self.triples_maps.iter().map(|tm| tm.name.clone()).collect()
    }
}

/// Points every logical source at `input` ([`LoadOptions::input`]).
fn redirect_sources(
    triples_maps: &mut [model::TriplesMap],
    input: &Path,
    mapping_path: &Path,
) -> Result<(), RmlError> {
    let mut declared: Vec<&Path> = Vec::new();
    for source in triples_maps.iter().filter_map(|tm| tm.source.as_ref()) {
        if !declared.contains(&source.path.as_path()) {
            declared.push(&source.path);
        }
    }
    if declared.len() > 1 {
        let list: Vec<String> = declared.iter().map(|p| p.display().to_string()).collect();
        return Err(RmlError::InvalidMapping {
            path: mapping_path.to_owned(),
            location: "rml:logicalSource".into(),
            message: format!(
                "other input was given, but the mapping reads {} different sources ({}); it can only \
                 replace a single one",
                list.len(),
                list.join(", ")
            ),
        });
    }
    let input = std::path::absolute(input).unwrap_or_else(|_| input.to_owned());
    for source in triples_maps.iter_mut().filter_map(|tm| tm.source.as_mut()) {
        source.redirect(&input);
    }
    Ok(())
}

/// Runs every triples map, streaming quads into the sink.
pub fn run(
    mapping: &Mapping,
    options: &RunOptions,
    sink: &mut dyn QuadSink,
) -> Result<RunSummary, RmlError> {
    engine::run(mapping, options, sink)
}
