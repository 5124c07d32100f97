//! `rml:XPath`: a streaming XML reader. Elements are read one event at a time; the reader
//! keeps only the open ancestors of the current position (with their attributes), the
//! text-only elements already seen under them, and the subtree of each element the
//! iterator selects until that element is complete. Memory is bounded by one record plus
//! its ancestors, not by the document.

use super::xpath::{self, Arena, Name, Namespaces, Node, NodeKind, Step};
use super::{
    Compiled, DataError, Iteration, IteratorSpec, LogicalSource, Record, RecordCallback,
    RecordReader, Reference, SourceFormat,
};
use crate::error::RmlError;
use crate::sink::RecordPosition;
use crate::value::Value;
use quick_xml::NsReader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use std::io::BufRead;

/// Text-only elements kept per open ancestor, so `../title` works from a record; beyond
/// this many, older siblings are no longer kept (memory stays bounded on flat documents).
const MAX_KEPT_LEAVES: usize = 1024;
/// Text-only elements longer than this are not kept under ancestors.
const MAX_KEPT_LEAF_BYTES: usize = 4096;

/// The XPath reference formulation (see the crate docs for the supported subset).
#[derive(Debug)]
pub(crate) struct XPathFormat;

impl SourceFormat for XPathFormat {
    fn name(&self) -> &'static str {
        "rml:XPath"
    }

    fn compile_iterator(
        &self,
        iterator: Option<&str>,
        namespaces: &Namespaces,
    ) -> Result<IteratorSpec, String> {
        let text = iterator.unwrap_or("/*");
        let expr = xpath::parse(text, namespaces)?;
        let steps = xpath::check_iterator(&expr)?.to_vec();
        Ok(IteratorSpec::XPath(steps))
    }

    fn compile_reference(
        &self,
        expression: &str,
        namespaces: &Namespaces,
    ) -> Result<Compiled, String> {
        Ok(Compiled::XPath(xpath::parse(expression, namespaces)?))
    }

    fn check(
        &self,
        source: &LogicalSource,
        triples_map: &str,
        _references: &[&Reference],
    ) -> Result<(), RmlError> {
        source.open_input(triples_map).map(drop)
    }

    fn open<'s>(
        &self,
        source: &'s LogicalSource,
        triples_map: &str,
    ) -> Result<Box<dyn RecordReader + 's>, RmlError> {
        let input = source.open_input(triples_map)?;
        let IteratorSpec::XPath(steps) = &source.iterator else {
            return Err(RmlError::SourceSyntax {
                path: source.path.clone(),
                message: "an XML source needs an XPath iterator".into(),
            });
        };
        Ok(Box::new(XmlReader {
            source,
            steps,
            input: Some(input),
        }))
    }
}

struct XmlReader<'s> {
    source: &'s LogicalSource,
    steps: &'s [Step],
    input: Option<Box<dyn BufRead>>,
}

/// An open element on the reader's stack.
struct Frame {
    id: usize,
    /// Selected by the iterator's names (predicates are checked when it closes).
    candidate: bool,
    /// 1-based index among same-named siblings, for positions in rejects.
    index: usize,
    /// Same-named children seen so far: (qualified name, count).
    seen: Vec<(String, usize)>,
    kept_leaves: usize,
    has_element_children: bool,
    text_bytes: usize,
}

fn qualified(name: &Name) -> String {
    match &name.prefix {
        Some(p) => format!("{p}:{}", name.local),
        None => name.local.to_string(),
    }
}

impl XmlReader<'_> {
    fn syntax(&self, position: u64, message: impl std::fmt::Display) -> RmlError {
        RmlError::SourceSyntax {
            path: self.source.path.clone(),
            message: format!("not well-formed XML at byte {position}: {message}"),
        }
    }

    fn element(
        &self,
        reader: &NsReader<Box<dyn BufRead>>,
        start: &BytesStart<'_>,
    ) -> Result<(Name, Vec<(Name, String)>), RmlError> {
        let position = reader.buffer_position();
        let to_name = |result: ResolveResult<'_>, prefix: Option<&[u8]>, local: &[u8]| Name {
            prefix: prefix.map(|p| String::from_utf8_lossy(p).into()),
            namespace: match result {
                ResolveResult::Bound(ns) => Some(String::from_utf8_lossy(ns.as_ref()).into()),
                _ => None,
            },
            local: String::from_utf8_lossy(local).into(),
        };
        let (result, local) = reader.resolve_element(start.name());
        let prefix = start.name().prefix().map(|p| p.as_ref().to_vec());
        let name = to_name(result, prefix.as_deref(), local.as_ref());
        let mut attributes = Vec::new();
        for attribute in start.attributes() {
            let attribute = attribute.map_err(|e| self.syntax(position, e))?;
            let key = attribute.key;
            if key.as_ref() == b"xmlns" || key.as_ref().starts_with(b"xmlns:") {
                continue;
            }
            let value = attribute
                .unescape_value()
                .map_err(|e| self.syntax(position, e))?
                .into_owned();
            let (result, local) = reader.resolve_attribute(key);
            let prefix = key.prefix().map(|p| p.as_ref().to_vec());
            attributes.push((to_name(result, prefix.as_deref(), local.as_ref()), value));
        }
        Ok((name, attributes))
    }
}

fn push_node(arena: &mut Arena, parent: usize, kind: NodeKind) -> usize {
    let id = arena.nodes.len();
    arena.nodes.push(Node {
        kind,
        parent,
        children: Vec::new(),
    });
    if let Some(p) = arena.nodes.get_mut(parent) {
        p.children.push(id);
    }
    id
}

/// Drops the subtree rooted at `id` (the arena's tail) and unlinks it from its parent.
fn drop_subtree(arena: &mut Arena, id: usize, parent: usize) {
    arena.nodes.truncate(id);
    if let Some(p) = arena.nodes.get_mut(parent)
        && p.children.last() == Some(&id)
    {
        p.children.pop();
    }
}

impl RecordReader for XmlReader<'_> {
    fn for_each_record(&mut self, f: &mut RecordCallback<'_>) -> Result<(), RmlError> {
        let Some(input) = self.input.take() else {
            return Ok(());
        };
        let mut reader = NsReader::from_reader(input);
        reader.config_mut().expand_empty_elements = true;
        let mut arena = Arena::new();
        let mut stack: Vec<Frame> = Vec::new();
        let mut root_seen: Vec<(String, usize)> = Vec::new();
        let mut buf = Vec::new();
        loop {
            buf.clear();
            let position = reader.buffer_position();
            let event = reader
                .read_event_into(&mut buf)
                .map_err(|e| self.syntax(position, e))?;
            match event {
                Event::Start(start) => {
                    let (name, attributes) = self.element(&reader, &start)?;
                    let key = qualified(&name);
                    let parent = stack.last().map_or(0, |f| f.id);
                    let seen = match stack.last_mut() {
                        Some(frame) => {
                            frame.has_element_children = true;
                            &mut frame.seen
                        }
                        None => &mut root_seen,
                    };
                    let index = match seen.iter_mut().find(|(n, _)| *n == key) {
                        Some((_, count)) => {
                            *count += 1;
                            *count
                        }
                        None => {
                            seen.push((key, 1));
                            1
                        }
                    };
                    let id = push_node(&mut arena, parent, NodeKind::Element { name, attributes });
                    let candidate = arena
                        .matches_pattern_names(self.steps, id)
                        .map_err(|message| self.syntax(position, message))?;
                    stack.push(Frame {
                        id,
                        candidate,
                        index,
                        seen: Vec::new(),
                        kept_leaves: 0,
                        has_element_children: false,
                        text_bytes: 0,
                    });
                }
                Event::Text(text) => {
                    let Some(frame) = stack.last_mut() else {
                        continue;
                    };
                    let text = text
                        .unescape()
                        .map_err(|e| self.syntax(position, e))?
                        .into_owned();
                    if text.trim().is_empty() {
                        continue;
                    }
                    frame.text_bytes += text.len();
                    push_node(&mut arena, frame.id, NodeKind::Text(text));
                }
                Event::CData(data) => {
                    let Some(frame) = stack.last_mut() else {
                        continue;
                    };
                    let text = String::from_utf8_lossy(&data).into_owned();
                    frame.text_bytes += text.len();
                    push_node(&mut arena, frame.id, NodeKind::Text(text));
                }
                Event::End(_) => {
                    let Some(frame) = stack.pop() else {
                        return Err(self.syntax(position, "unexpected end tag"));
                    };
                    let parent = stack.last().map_or(0, |f| f.id);
                    if frame.candidate
                        && arena
                            .matches_pattern(self.steps, frame.id)
                            .map_err(|message| self.syntax(position, message))?
                    {
                        let iteration = XmlIteration {
                            arena: &arena,
                            node: frame.id,
                            stack: &stack,
                            own: (frame.id, frame.index),
                            nulls: &self.source.nulls,
                        };
                        f(Record::Iteration(&iteration))?;
                    }
                    let inside_record = stack.iter().any(|f| f.candidate);
                    let keep_as_leaf = !frame.has_element_children
                        && frame.text_bytes <= MAX_KEPT_LEAF_BYTES
                        && !frame.candidate
                        && stack
                            .last()
                            .is_some_and(|p| p.kept_leaves < MAX_KEPT_LEAVES);
                    if inside_record {
                        continue;
                    }
                    if keep_as_leaf {
                        if let Some(p) = stack.last_mut() {
                            p.kept_leaves += 1;
                        }
                    } else {
                        drop_subtree(&mut arena, frame.id, parent);
                    }
                }
                Event::Eof => {
                    if !stack.is_empty() {
                        return Err(self.syntax(position, "the document ends inside an element"));
                    }
                    return Ok(());
                }
                _ => {}
            }
        }
    }
}

struct XmlIteration<'a> {
    arena: &'a Arena,
    node: usize,
    stack: &'a [Frame],
    own: (usize, usize),
    nulls: &'a [String],
}

impl Iteration for XmlIteration<'_> {
    fn position(&self) -> RecordPosition {
        let mut path = String::new();
        let frames = self
            .stack
            .iter()
            .map(|f| (f.id, f.index))
            .chain(std::iter::once(self.own));
        for (id, index) in frames {
            if let Some(Node {
                kind: NodeKind::Element { name, .. },
                ..
            }) = self.arena.nodes.get(id)
            {
                path.push('/');
                path.push_str(&qualified(name));
                path.push_str(&format!("[{index}]"));
            }
        }
        RecordPosition::Path(path)
    }

    fn evaluate(&self, reference: &Reference) -> Result<Vec<Value>, DataError> {
        let Compiled::XPath(expr) = &reference.compiled else {
            return Err(DataError::new(
                Some(&reference.text),
                "not an XPath reference",
            ));
        };
        let values = self
            .arena
            .evaluate(expr, self.node)
            .map_err(|reason| DataError::new(Some(&reference.text), reason))?;
        Ok(values
            .into_iter()
            .filter(|v| !self.nulls.contains(v))
            .map(Value::string)
            .collect())
    }
}
