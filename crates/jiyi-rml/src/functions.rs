//! RML-FNML functions: the [`FunctionRegistry`] a mapping's `rml:functionExecution`s are
//! resolved against when it is loaded, the built-in GREL and IDLab string functions, and
//! the extension point for callers (`jiyi-ingest` registers its date and identifier
//! functions here).
//!
//! A function is described by its IRI, its parameters (each with every IRI a mapping may
//! use for it: the FnO parameter resource and its `fno:predicate`), its outputs (the
//! `rml:return` IRIs) and a Rust closure. The engine calls the closure once per
//! combination of input values (multi-valued inputs are processed value by value, as
//! RML-FNML says); a closure returns the output values as RDF literals — none means null,
//! several mean a multi-valued result — or an error message, which rejects the record.

use oxrdf::{Literal, NamedNode};
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

/// The GREL namespace used by FnO descriptions of OpenRefine's functions.
pub const GREL_NS: &str = "http://users.ugent.be/~bjdmeest/function/grel.ttl#";
/// The IDLab function namespace.
pub const IDLAB_NS: &str = "https://w3id.org/imec/idlab/function#";
const XSD: &str = "http://www.w3.org/2001/XMLSchema#";

/// The input values of one function call: one optional literal per declared parameter,
/// in declaration order (`None` when the mapping gives no input or the input is null).
#[derive(Debug)]
pub struct Arguments<'a> {
    values: &'a [Option<Literal>],
    function: &'a str,
}

impl<'a> Arguments<'a> {
    /// The literal given for parameter `index`, if any.
    pub fn get(&self, index: usize) -> Option<&'a Literal> {
        self.values.get(index).and_then(Option::as_ref)
    }

    /// The lexical form given for parameter `index`, if any.
    pub fn str(&self, index: usize) -> Option<&'a str> {
        self.get(index).map(Literal::value)
    }

    /// The lexical form of a parameter the function cannot do without.
    pub fn required_str(&self, index: usize) -> Result<&'a str, String> {
        self.str(index)
            .ok_or_else(|| format!("{}: parameter {} has no value", self.function, index + 1))
    }

    /// Parameter `index` read as an integer (`None` when absent), so functions need not
    /// repeat the parse and its error message.
    pub fn integer(&self, index: usize) -> Result<Option<i64>, String> {
        match self.str(index) {
            None => Ok(None),
            Some(text) => text.trim().parse().map(Some).map_err(|_| {
                format!(
                    "{}: parameter {} must be an integer, not `{text}`",
                    self.function,
                    index + 1
                )
            }),
        }
    }

    /// Parameter `index` read as an `xsd:boolean` lexical form (`None` when absent).
    pub fn boolean(&self, index: usize) -> Result<Option<bool>, String> {
        match self.str(index) {
            None => Ok(None),
            Some("true" | "1") => Ok(Some(true)),
            Some("false" | "0") => Ok(Some(false)),
            Some(other) => Err(format!(
                "{}: parameter {} must be a boolean, not `{other}`",
                self.function,
                index + 1
            )),
        }
    }
}

/// The closure behind a function: arguments and the index of the requested output in, the
/// output's values out.
pub type Implementation =
    dyn Fn(&Arguments<'_>, usize) -> Result<Vec<Literal>, String> + Send + Sync;

/// One parameter of a function.
#[derive(Debug, Clone)]
pub struct Parameter {
    /// Every IRI that names it in mappings (the FnO parameter and its predicate).
    pub iris: Vec<String>,
    /// Whether the function needs it: a call whose required input is null is not made
    /// and yields null (a mapping that gives no input for it at all is refused at load).
    pub required: bool,
}

/// A function a mapping can call.
pub struct FunctionDefinition {
    iri: String,
    parameters: Vec<Parameter>,
    outputs: Vec<Vec<String>>,
    implementation: Box<Implementation>,
}

impl fmt::Debug for FunctionDefinition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FunctionDefinition")
            .field("iri", &self.iri)
            .field("parameters", &self.parameters)
            .field("outputs", &self.outputs)
            .finish_non_exhaustive()
    }
}

impl FunctionDefinition {
    /// Starts a description of the function named `iri`; add parameters and outputs, then
    /// give the implementation.
    #[allow(clippy::new_ret_no_self)] // `FunctionDefinition::new(iri)…implementation(f)` reads best.
    pub fn new(iri: impl Into<String>) -> FunctionBuilder {
        FunctionBuilder {
            iri: iri.into(),
            parameters: Vec::new(),
            outputs: Vec::new(),
        }
    }

    /// The function's IRI.
    pub fn iri(&self) -> &str {
        &self.iri
    }

    /// Its parameters, in the order [`Arguments`] presents them.
    pub fn parameters(&self) -> &[Parameter] {
        &self.parameters
    }

    /// The index of the parameter a mapping names with `iri`.
    pub(crate) fn parameter_index(&self, iri: &str) -> Option<usize> {
        self.parameters
            .iter()
            .position(|p| p.iris.iter().any(|i| i == iri))
    }

    /// The index of the output a mapping names with `iri` (`rml:return`).
    pub(crate) fn output_index(&self, iri: &str) -> Option<usize> {
        self.outputs.iter().position(|o| o.iter().any(|i| i == iri))
    }

    /// The first IRI of each output, for messages.
    pub(crate) fn output_names(&self) -> Vec<&str> {
        self.outputs
            .iter()
            .filter_map(|o| o.first().map(String::as_str))
            .collect()
    }

    /// Calls the function.
    pub(crate) fn call(
        &self,
        values: &[Option<Literal>],
        output: usize,
    ) -> Result<Vec<Literal>, String> {
        (self.implementation)(
            &Arguments {
                values,
                function: &self.iri,
            },
            output,
        )
    }
}

/// Builds a [`FunctionDefinition`].
#[derive(Debug)]
pub struct FunctionBuilder {
    iri: String,
    parameters: Vec<Parameter>,
    outputs: Vec<Vec<String>>,
}

impl FunctionBuilder {
    /// Adds a required parameter named by any of `iris`.
    pub fn parameter<I: Into<String>>(mut self, iris: impl IntoIterator<Item = I>) -> Self {
        self.parameters.push(Parameter {
            iris: iris.into_iter().map(Into::into).collect(),
            required: true,
        });
        self
    }

    /// Adds an optional parameter (the function sees `None` when it is absent or null).
    pub fn optional<I: Into<String>>(mut self, iris: impl IntoIterator<Item = I>) -> Self {
        self.parameters.push(Parameter {
            iris: iris.into_iter().map(Into::into).collect(),
            required: false,
        });
        self
    }

    /// Adds an output named by any of `iris`; the first output is the default `rml:return`.
    pub fn output<I: Into<String>>(mut self, iris: impl IntoIterator<Item = I>) -> Self {
        self.outputs
            .push(iris.into_iter().map(Into::into).collect());
        self
    }

    /// Finishes with a single-output implementation.
    pub fn implementation(
        self,
        f: impl Fn(&Arguments<'_>) -> Result<Vec<Literal>, String> + Send + Sync + 'static,
    ) -> FunctionDefinition {
        self.implementation_per_output(move |args, _| f(args))
    }

    /// Finishes with an implementation that is told which output the mapping asked for.
    pub fn implementation_per_output(
        mut self,
        f: impl Fn(&Arguments<'_>, usize) -> Result<Vec<Literal>, String> + Send + Sync + 'static,
    ) -> FunctionDefinition {
        if self.outputs.is_empty() {
            self.outputs.push(Vec::new());
        }
        FunctionDefinition {
            iri: self.iri,
            parameters: self.parameters,
            outputs: self.outputs,
            implementation: Box::new(f),
        }
    }
}

/// The functions a mapping may call, by IRI. Cheap to clone (definitions are shared).
#[derive(Debug, Clone, Default)]
pub struct FunctionRegistry {
    functions: HashMap<String, Arc<FunctionDefinition>>,
}

impl FunctionRegistry {
    /// A registry without any function.
    pub fn empty() -> Self {
        Self::default()
    }

    /// The built-in GREL and IDLab functions (listed in the crate docs).
    pub fn with_builtins() -> Self {
        let mut registry = Self::empty();
        builtins(&mut registry);
        registry
    }

    /// Adds (or replaces) a function; returns the registry for chaining.
    pub fn register(&mut self, function: FunctionDefinition) -> &mut Self {
        self.functions
            .insert(function.iri.clone(), Arc::new(function));
        self
    }

    /// The function named `iri`.
    pub fn get(&self, iri: &str) -> Option<&Arc<FunctionDefinition>> {
        self.functions.get(iri)
    }

    /// The IRIs of all functions, sorted (for messages and documentation).
    pub fn iris(&self) -> Vec<&str> {
        let mut iris: Vec<&str> = self.functions.keys().map(String::as_str).collect();
        iris.sort_unstable();
        iris
    }
}

fn grel(local: &str) -> String {
    format!("{GREL_NS}{local}")
}

fn idlab(local: &str) -> String {
    format!("{IDLAB_NS}{local}")
}

fn string(value: impl Into<String>) -> Vec<Literal> {
    vec![Literal::new_simple_literal(value)]
}

fn typed(value: impl Into<String>, datatype: &str) -> Vec<Literal> {
    vec![Literal::new_typed_literal(
        value,
        NamedNode::new_unchecked(format!("{XSD}{datatype}")),
    )]
}

fn boolean(value: bool) -> Vec<Literal> {
    typed(if value { "true" } else { "false" }, "boolean")
}

/// A character index of GREL's `substring`: negative counts from the end; `None` when out
/// of range (GREL's implementation throws, which RML treats as null).
fn char_index(index: i64, length: usize) -> Option<usize> {
    let length = i64::try_from(length).ok()?;
    let absolute = if index < 0 { length + index } else { index };
    (0..=length)
        .contains(&absolute)
        .then(|| usize::try_from(absolute).ok())
        .flatten()
}

fn escape(value: &str, mode: &str) -> Result<String, String> {
    let mut out = String::with_capacity(value.len());
    match mode {
        "html" | "xml" => {
            for c in value.chars() {
                match c {
                    '&' => out.push_str("&amp;"),
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    '"' => out.push_str("&quot;"),
                    '\'' if mode == "xml" => out.push_str("&apos;"),
                    c => out.push(c),
                }
            }
        }
        "csv" => {
            if value.contains([',', '"', '\n', '\r']) {
                out.push('"');
                out.push_str(&value.replace('"', "\"\""));
                out.push('"');
            } else {
                out.push_str(value);
            }
        }
        "url" => out = crate::template::uri_safe(value).into_owned(),
        "javascript" => {
            for c in value.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\'' => out.push_str("\\'"),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    '/' => out.push_str("\\/"),
                    c => out.push(c),
                }
            }
        }
        other => {
            return Err(format!(
                "grel:escape: unknown mode `{other}` (html, xml, csv, url or javascript)"
            ));
        }
    }
    Ok(out)
}

fn title_case(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut at_word_start = true;
    for c in value.chars() {
        if c.is_whitespace() {
            at_word_start = true;
            out.push(c);
        } else if at_word_start {
            out.extend(c.to_uppercase());
            at_word_start = false;
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

#[allow(clippy::too_many_lines)]
fn builtins(r: &mut FunctionRegistry) {
    let value = || [grel("valueParam"), grel("valueParameter")];
    let value2 = || [grel("valueParam2"), grel("valueParameter2")];
    let string_out = || {
        [
            grel("stringOut"),
            grel("stringOutput"),
            grel("output_string"),
        ]
    };
    let bool_out = || [grel("boolOut"), grel("output_bool"), grel("output_boolean")];
    let sub = || [grel("param_sub"), grel("p_string_sub")];
    let sep = || [grel("param_sep"), grel("p_string_sep")];
    let unary = |r: &mut FunctionRegistry, names: &[&str], f: fn(&str) -> String| {
        for name in names {
            r.register(
                FunctionDefinition::new(grel(name))
                    .parameter(value())
                    .output(string_out())
                    .implementation(move |a| Ok(string(f(a.required_str(0)?)))),
            );
        }
    };
    unary(r, &["toUpperCase", "string_toUppercase"], str::to_uppercase);
    unary(r, &["toLowerCase", "string_toLowercase"], str::to_lowercase);
    unary(r, &["string_toTitlecase", "toTitleCase"], title_case);
    unary(r, &["string_trim", "string_strip"], |s| s.trim().to_owned());
    unary(r, &["string_toString"], str::to_owned);
    r.register(
        FunctionDefinition::new(grel("string_length"))
            .parameter(value())
            .output([grel("output_number"), grel("numberOut"), grel("output_int")])
            .implementation(|a| {
                Ok(typed(
                    a.required_str(0)?.chars().count().to_string(),
                    "integer",
                ))
            }),
    );
    r.register(
        FunctionDefinition::new(grel("string_substring"))
            .parameter(value())
            .parameter([grel("p_int_i_from"), grel("param_int_i_from")])
            .optional([grel("p_int_i_opt_to"), grel("param_int_i_opt_to")])
            .output(string_out())
            .implementation(|a| {
                let s = a.required_str(0)?;
                let length = s.chars().count();
                let from = a.integer(1)?.unwrap_or(0);
                let Some(from) = char_index(from, length) else {
                    return Ok(Vec::new());
                };
                let to = match a.integer(2)? {
                    None => length,
                    Some(to) => match char_index(to, length) {
                        Some(to) if to >= from => to,
                        _ => return Ok(Vec::new()),
                    },
                };
                Ok(string(
                    s.chars().skip(from).take(to - from).collect::<String>(),
                ))
            }),
    );
    r.register(
        FunctionDefinition::new(grel("string_replace"))
            .parameter(value())
            .parameter([grel("param_find"), grel("p_string_find")])
            .parameter([grel("param_replace"), grel("p_string_replace")])
            .output(string_out())
            .implementation(|a| {
                let find = a.required_str(1)?;
                if find.is_empty() {
                    return Ok(string(a.required_str(0)?));
                }
                Ok(string(a.required_str(0)?.replace(find, a.required_str(2)?)))
            }),
    );
    r.register(
        FunctionDefinition::new(grel("escape"))
            .parameter(value())
            .parameter([grel("modeParam"), grel("p_string_mode"), grel("param_mode")])
            .output(string_out())
            .implementation(|a| Ok(string(escape(a.required_str(0)?, a.required_str(1)?)?))),
    );
    let predicate = |r: &mut FunctionRegistry, name: &str, f: fn(&str, &str) -> bool| {
        r.register(
            FunctionDefinition::new(grel(name))
                .parameter(value())
                .parameter(sub())
                .output(bool_out())
                .implementation(move |a| Ok(boolean(f(a.required_str(0)?, a.required_str(1)?)))),
        );
    };
    predicate(r, "string_contains", |s, t| s.contains(t));
    predicate(r, "string_startsWith", |s, t| s.starts_with(t));
    predicate(r, "string_endsWith", |s, t| s.ends_with(t));
    r.register(
        FunctionDefinition::new(grel("string_chomp"))
            .parameter(value())
            .parameter(sep())
            .output(string_out())
            .implementation(|a| {
                let s = a.required_str(0)?;
                Ok(string(s.strip_suffix(a.required_str(1)?).unwrap_or(s)))
            }),
    );
    r.register(
        FunctionDefinition::new(grel("string_split"))
            .parameter(value())
            .parameter(sep())
            .output([grel("output_array"), grel("arrayOut")])
            .implementation(|a| {
                let (s, separator) = (a.required_str(0)?, a.required_str(1)?);
                if separator.is_empty() {
                    return Ok(s
                        .chars()
                        .map(|c| Literal::new_simple_literal(c.to_string()))
                        .collect());
                }
                Ok(s.split(separator)
                    .filter(|part| !part.is_empty())
                    .map(Literal::new_simple_literal)
                    .collect())
            }),
    );
    r.register(
        FunctionDefinition::new(grel("boolean_not"))
            .parameter([grel("bool_b"), grel("param_b")])
            .output(bool_out())
            .implementation(|a| Ok(a.boolean(0)?.map(|b| boolean(!b)).unwrap_or_default())),
    );
    r.register(
        FunctionDefinition::new(grel("controls_if"))
            .parameter([grel("bool_b"), grel("param_b")])
            .parameter([grel("any_true"), grel("param_true"), grel("p_any_true")])
            .optional([grel("any_false"), grel("param_false"), grel("p_any_false")])
            .output([grel("output_any"), grel("anyOut")])
            .implementation(|a| {
                let chosen = if a.boolean(0)?.unwrap_or(false) { 1 } else { 2 };
                Ok(a.get(chosen).cloned().into_iter().collect())
            }),
    );

    // IDLab functions (https://w3id.org/imec/idlab/function#).
    let idlab_str = || [idlab("str"), idlab("_str")];
    let idlab_string_out = || [idlab("_stringOut"), idlab("stringOut")];
    let idlab_bool_out = || [idlab("_boolOut"), idlab("boolOut")];
    for (name, negate) in [("equal", false), ("notEqual", true)] {
        r.register(
            FunctionDefinition::new(idlab(name))
                .parameter(value())
                .parameter(value2())
                .output(idlab_bool_out())
                .implementation(move |a| {
                    Ok(boolean(
                        (a.required_str(0)? == a.required_str(1)?) != negate,
                    ))
                }),
        );
    }
    for (name, expected) in [("isNull", true), ("isNotNull", false)] {
        r.register(
            FunctionDefinition::new(idlab(name))
                .optional(idlab_str())
                .output(idlab_bool_out())
                .implementation(move |a| Ok(boolean(a.get(0).is_none() == expected))),
        );
    }
    r.register(
        FunctionDefinition::new(idlab("toUpperCaseURL"))
            .parameter(idlab_str())
            .output(idlab_string_out())
            .implementation(|a| {
                // As IDLab's implementation: upper-case, and add `http://` unless present.
                let upper = a.required_str(0)?.to_uppercase();
                if upper.starts_with("HTTP://") {
                    Ok(string(upper))
                } else {
                    Ok(string(format!("http://{upper}")))
                }
            }),
    );
    r.register(
        FunctionDefinition::new(idlab("trueCondition"))
            .parameter([idlab("strBoolean")])
            .parameter(idlab_str())
            .output(idlab_string_out())
            .implementation(|a| {
                Ok(if a.boolean(0)?.unwrap_or(false) {
                    a.get(1).cloned().into_iter().collect()
                } else {
                    Vec::new()
                })
            }),
    );
    r.register(
        FunctionDefinition::new(idlab("concat"))
            .parameter(idlab_str())
            .parameter([idlab("otherStr")])
            .optional([idlab("delimiter")])
            .output(idlab_string_out())
            .implementation(|a| {
                Ok(string(format!(
                    "{}{}{}",
                    a.required_str(0)?,
                    a.str(2).unwrap_or(""),
                    a.required_str(1)?
                )))
            }),
    );
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn call(registry: &FunctionRegistry, iri: &str, args: &[Option<&str>]) -> Vec<String> {
        let values: Vec<Option<Literal>> = args
            .iter()
            .map(|a| a.map(Literal::new_simple_literal))
            .collect();
        registry
            .get(iri)
            .unwrap()
            .call(&values, 0)
            .unwrap()
            .into_iter()
            .map(|l| l.value().to_owned())
            .collect()
    }

    #[test]
    fn grel_string_functions() {
        let r = FunctionRegistry::with_builtins();
        assert_eq!(call(&r, &grel("toUpperCase"), &[Some("Venus")]), ["VENUS"]);
        assert_eq!(
            call(&r, &grel("string_toTitlecase"), &[Some("nATIONAL pALACE")]),
            ["National Palace"]
        );
        assert_eq!(
            call(
                &r,
                &grel("string_substring"),
                &[Some("profound"), Some("2"), Some("4")]
            ),
            ["of"]
        );
        assert_eq!(
            call(
                &r,
                &grel("string_substring"),
                &[Some("profound"), Some("1"), Some("-1")]
            ),
            ["rofoun"]
        );
        assert_eq!(
            call(
                &r,
                &grel("string_substring"),
                &[Some("Venus"), Some("5"), None]
            ),
            [""]
        );
        assert!(
            call(
                &r,
                &grel("string_substring"),
                &[Some("Venus"), Some("1000"), None]
            )
            .is_empty()
        );
        assert_eq!(
            call(
                &r,
                &grel("string_replace"),
                &[Some("M Venus"), Some(" "), Some("-")]
            ),
            ["M-Venus"]
        );
        assert_eq!(
            call(&r, &grel("escape"), &[Some("A&B"), Some("html")]),
            ["A&amp;B"]
        );
        assert_eq!(call(&r, &grel("string_length"), &[Some("故宮")]), ["2"]);
        assert_eq!(
            call(&r, &grel("string_split"), &[Some("瓷,玉,,銅"), Some(",")]),
            ["瓷", "玉", "銅"]
        );
        assert_eq!(
            call(&r, &idlab("toUpperCaseURL"), &[Some("Venus")]),
            ["http://VENUS"]
        );
        assert_eq!(call(&r, &idlab("equal"), &[Some("A"), Some("A")]), ["true"]);
        assert_eq!(call(&r, &idlab("isNull"), &[None]), ["true"]);
        let values = [
            Some(Literal::new_simple_literal("x")),
            Some(Literal::new_simple_literal("mode?")),
        ];
        assert!(r.get(&grel("escape")).unwrap().call(&values, 0).is_err());
    }

    #[test]
    fn registry_extension() {
        let mut r = FunctionRegistry::empty();
        r.register(
            FunctionDefinition::new("urn:example:reverse")
                .parameter(["urn:example:input"])
                .output(["urn:example:out"])
                .implementation(|a| {
                    Ok(string(a.required_str(0)?.chars().rev().collect::<String>()))
                }),
        );
        let f = r.get("urn:example:reverse").unwrap();
        assert_eq!(f.parameter_index("urn:example:input"), Some(0));
        assert_eq!(f.output_index("urn:example:out"), Some(0));
        assert_eq!(f.output_index("urn:example:other"), None);
        assert_eq!(call(&r, "urn:example:reverse", &[Some("故宮")]), ["宮故"]);
        assert_eq!(r.iris(), ["urn:example:reverse"]);
    }
}
