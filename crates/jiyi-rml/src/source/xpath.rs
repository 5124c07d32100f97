//! The XPath 1.0 subset Jiyi evaluates, over a small in-memory tree (the [`Arena`]) that the
//! streaming XML reader keeps: the open ancestors of the current record, the text-only
//! elements seen so far under them, and the record's own subtree. See the crate docs for
//! the supported subset.

use std::fmt::Write as _;

/// Prefix → namespace IRI bindings from the mapping (`rml:namespace`), plus `xml`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Namespaces(pub(crate) Vec<(String, String)>);

impl Namespaces {
    fn resolve(&self, prefix: &str) -> Option<&str> {
        if prefix == "xml" {
            return Some("http://www.w3.org/XML/1998/namespace");
        }
        self.0
            .iter()
            .find(|(p, _)| p == prefix)
            .map(|(_, iri)| iri.as_str())
    }
}

/// An element or attribute name as read from the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Name {
    /// The prefix as written, if any.
    pub(crate) prefix: Option<Box<str>>,
    /// The namespace IRI it is bound to, if any.
    pub(crate) namespace: Option<Box<str>>,
    /// The local name.
    pub(crate) local: Box<str>,
}

impl Name {
    fn qualified(&self) -> String {
        match &self.prefix {
            Some(p) => format!("{p}:{}", self.local),
            None => self.local.to_string(),
        }
    }
}

/// A node of the kept tree.
#[derive(Debug)]
pub(crate) enum NodeKind {
    /// The document node (index 0).
    Document,
    /// An element with its attributes.
    Element {
        name: Name,
        attributes: Vec<(Name, String)>,
    },
    /// A text node (CDATA included); whitespace-only text is not kept.
    Text(String),
}

/// One node: its kind, parent and (kept) children in document order.
#[derive(Debug)]
pub(crate) struct Node {
    pub(crate) kind: NodeKind,
    pub(crate) parent: usize,
    pub(crate) children: Vec<usize>,
}

/// The kept tree; node 0 is the document node. Nodes are allocated in document order, so a
/// closing element's subtree is always the arena's tail and can be dropped by truncation.
#[derive(Debug)]
pub(crate) struct Arena {
    pub(crate) nodes: Vec<Node>,
}

impl Arena {
    pub(crate) fn new() -> Self {
        Self {
            nodes: vec![Node {
                kind: NodeKind::Document,
                parent: 0,
                children: Vec::new(),
            }],
        }
    }

    fn node(&self, id: usize) -> Option<&Node> {
        self.nodes.get(id)
    }

    fn children(&self, id: usize) -> &[usize] {
        self.node(id).map_or(&[], |n| n.children.as_slice())
    }

    fn parent(&self, id: usize) -> Option<usize> {
        (id != 0).then(|| self.node(id).map(|n| n.parent)).flatten()
    }

    fn is_element(&self, id: usize) -> bool {
        matches!(
            self.node(id).map(|n| &n.kind),
            Some(NodeKind::Element { .. })
        )
    }

    /// The XPath string-value of a node.
    pub(crate) fn string_value(&self, item: Item) -> String {
        match item {
            Item::Attribute(id, k) => match self.node(id).map(|n| &n.kind) {
                Some(NodeKind::Element { attributes, .. }) => attributes
                    .get(k)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default(),
                _ => String::new(),
            },
            Item::Node(id) => {
                let mut out = String::new();
                self.collect_text(id, &mut out);
                out
            }
        }
    }

    fn collect_text(&self, id: usize, out: &mut String) {
        match self.node(id).map(|n| &n.kind) {
            Some(NodeKind::Text(t)) => out.push_str(t),
            Some(_) => {
                for &child in self.children(id) {
                    self.collect_text(child, out);
                }
            }
            None => {}
        }
    }

    fn name_of(&self, item: Item) -> Option<&Name> {
        match (item, self.node(item.node()).map(|n| &n.kind)) {
            (Item::Node(_), Some(NodeKind::Element { name, .. })) => Some(name),
            (Item::Attribute(_, k), Some(NodeKind::Element { attributes, .. })) => {
                attributes.get(k).map(|(n, _)| n)
            }
            _ => None,
        }
    }

    fn descendants(&self, id: usize, out: &mut Vec<usize>) {
        for &child in self.children(id) {
            out.push(child);
            self.descendants(child, out);
        }
    }
}

/// A node in a node-set: a tree node or the `k`-th attribute of an element. Items sort in
/// document order (an element, then its attributes, then its descendants).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Item {
    /// A document, element or text node.
    Node(usize),
    /// An attribute of the element `.0`.
    Attribute(usize, usize),
}

impl Ord for Item {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.order_key().cmp(&other.order_key())
    }
}

impl PartialOrd for Item {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Item {
    fn order_key(self) -> (usize, usize) {
        match self {
            Self::Node(id) => (id, 0),
            Self::Attribute(id, k) => (id, k + 1),
        }
    }

    fn node(self) -> usize {
        match self {
            Self::Node(id) | Self::Attribute(id, _) => id,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Axis {
    Child,
    Attribute,
    Descendant,
    DescendantOrSelf,
    Itself,
    Parent,
    Ancestor,
    AncestorOrSelf,
    FollowingSibling,
    PrecedingSibling,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NodeTest {
    /// `*`, `p:*` or a (prefixed) name.
    Name {
        prefix: Option<String>,
        /// `None` for `*`.
        local: Option<String>,
        /// The namespace the prefix resolves to in the mapping, if declared.
        namespace: Option<String>,
    },
    /// `text()`.
    Text,
    /// `node()`.
    AnyNode,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Step {
    pub(crate) axis: Axis,
    pub(crate) test: NodeTest,
    pub(crate) predicates: Vec<Expr>,
}

/// A compiled XPath expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    /// A location path; `absolute` starts at the document node.
    Path {
        absolute: bool,
        steps: Vec<Step>,
    },
    /// A filter expression followed by a relative path: `(…)[1]/x`, `f()/x`.
    Filter {
        primary: Box<Expr>,
        predicates: Vec<Expr>,
        steps: Vec<Step>,
    },
    Literal(String),
    Number(f64),
    Or(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Compare(Box<Expr>, CompareOp, Box<Expr>),
    Union(Box<Expr>, Box<Expr>),
    Negate(Box<Expr>),
    Arithmetic(Box<Expr>, char, Box<Expr>),
    Call(Function, Vec<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Function {
    String,
    Concat,
    NormalizeSpace,
    Name,
    LocalName,
    Contains,
    StartsWith,
    Not,
    Position,
    Last,
    Count,
    True,
    False,
    StringLength,
    SubstringBefore,
    SubstringAfter,
    Substring,
    Translate,
    Number,
    Boolean,
}

impl Function {
    fn from_name(name: &str) -> Option<(Self, usize, usize)> {
        // (function, minimum arguments, maximum arguments)
        Some(match name {
            "string" => (Self::String, 0, 1),
            "concat" => (Self::Concat, 2, usize::MAX),
            "normalize-space" => (Self::NormalizeSpace, 0, 1),
            "name" => (Self::Name, 0, 1),
            "local-name" => (Self::LocalName, 0, 1),
            "contains" => (Self::Contains, 2, 2),
            "starts-with" => (Self::StartsWith, 2, 2),
            "not" => (Self::Not, 1, 1),
            "position" => (Self::Position, 0, 0),
            "last" => (Self::Last, 0, 0),
            "count" => (Self::Count, 1, 1),
            "true" => (Self::True, 0, 0),
            "false" => (Self::False, 0, 0),
            "string-length" => (Self::StringLength, 0, 1),
            "substring-before" => (Self::SubstringBefore, 2, 2),
            "substring-after" => (Self::SubstringAfter, 2, 2),
            "substring" => (Self::Substring, 2, 3),
            "translate" => (Self::Translate, 3, 3),
            "number" => (Self::Number, 0, 1),
            "boolean" => (Self::Boolean, 1, 1),
            _ => return None,
        })
    }
}

// ---------------------------------------------------------------------------------------
// Parsing

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Slash,
    DoubleSlash,
    Dot,
    DotDot,
    At,
    Comma,
    Pipe,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Star,
    Plus,
    Minus,
    Op(CompareOp),
    ColonColon,
    /// A name, possibly `prefix:local` or `prefix:*`.
    Name(String),
    Literal(String),
    Number(f64),
}

fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let at = |i: usize| chars.get(i).copied();
    while let Some(c) = at(i) {
        match c {
            c if c.is_whitespace() => i += 1,
            '/' if at(i + 1) == Some('/') => {
                tokens.push(Token::DoubleSlash);
                i += 2;
            }
            '/' => {
                tokens.push(Token::Slash);
                i += 1;
            }
            '.' if at(i + 1) == Some('.') => {
                tokens.push(Token::DotDot);
                i += 2;
            }
            '.' if !at(i + 1).is_some_and(|d| d.is_ascii_digit()) => {
                tokens.push(Token::Dot);
                i += 1;
            }
            '@' => {
                tokens.push(Token::At);
                i += 1;
            }
            ',' => {
                tokens.push(Token::Comma);
                i += 1;
            }
            '|' => {
                tokens.push(Token::Pipe);
                i += 1;
            }
            '(' => {
                tokens.push(Token::LParen);
                i += 1;
            }
            ')' => {
                tokens.push(Token::RParen);
                i += 1;
            }
            '[' => {
                tokens.push(Token::LBracket);
                i += 1;
            }
            ']' => {
                tokens.push(Token::RBracket);
                i += 1;
            }
            '*' => {
                tokens.push(Token::Star);
                i += 1;
            }
            '+' => {
                tokens.push(Token::Plus);
                i += 1;
            }
            '-' => {
                tokens.push(Token::Minus);
                i += 1;
            }
            '=' => {
                tokens.push(Token::Op(CompareOp::Eq));
                i += 1;
            }
            '!' if at(i + 1) == Some('=') => {
                tokens.push(Token::Op(CompareOp::Ne));
                i += 2;
            }
            '<' | '>' => {
                let with_eq = at(i + 1) == Some('=');
                tokens.push(Token::Op(match (c, with_eq) {
                    ('<', true) => CompareOp::Le,
                    ('<', false) => CompareOp::Lt,
                    (_, true) => CompareOp::Ge,
                    (_, false) => CompareOp::Gt,
                }));
                i += if with_eq { 2 } else { 1 };
            }
            ':' if at(i + 1) == Some(':') => {
                tokens.push(Token::ColonColon);
                i += 2;
            }
            '"' | '\'' => {
                let end = chars
                    .iter()
                    .skip(i + 1)
                    .position(|d| *d == c)
                    .ok_or_else(|| format!("unterminated string literal in `{text}`"))?;
                tokens.push(Token::Literal(chars[i + 1..i + 1 + end].iter().collect()));
                i += end + 2;
            }
            c if c.is_ascii_digit() || c == '.' => {
                let start = i;
                while at(i).is_some_and(|d| d.is_ascii_digit() || d == '.') {
                    i += 1;
                }
                let number: String = chars[start..i].iter().collect();
                tokens.push(Token::Number(
                    number
                        .parse()
                        .map_err(|_| format!("invalid number `{number}` in `{text}`"))?,
                ));
            }
            c if is_name_start(c) => {
                let start = i;
                while at(i).is_some_and(is_name_char) {
                    i += 1;
                }
                // prefix:local or prefix:*
                if at(i) == Some(':') && at(i + 1) != Some(':') {
                    if at(i + 1) == Some('*') {
                        i += 2;
                    } else if at(i + 1).is_some_and(is_name_start) {
                        i += 1;
                        while at(i).is_some_and(is_name_char) {
                            i += 1;
                        }
                    }
                }
                tokens.push(Token::Name(chars[start..i].iter().collect()));
            }
            other => return Err(format!("unexpected character `{other}` in `{text}`")),
        }
    }
    Ok(tokens)
}

fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.') || (!c.is_ascii() && !c.is_whitespace())
}

struct Parser<'a> {
    tokens: Vec<Token>,
    pos: usize,
    text: &'a str,
    namespaces: &'a Namespaces,
}

/// Compiles an XPath expression; prefixes resolve against the mapping's namespaces.
pub(crate) fn parse(text: &str, namespaces: &Namespaces) -> Result<Expr, String> {
    let mut parser = Parser {
        tokens: tokenize(text)?,
        pos: 0,
        text,
        namespaces,
    };
    if parser.tokens.is_empty() {
        return Err("empty XPath expression".into());
    }
    let expr = parser.or_expr()?;
    if parser.pos < parser.tokens.len() {
        return Err(format!(
            "unexpected `{}` in XPath `{text}`",
            parser.describe_current()
        ));
    }
    Ok(expr)
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn peek_at(&self, offset: usize) -> Option<&Token> {
        self.tokens.get(self.pos + offset)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        token
    }

    fn eat(&mut self, token: &Token) -> bool {
        if self.peek() == Some(token) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn describe_current(&self) -> String {
        match self.peek() {
            Some(Token::Name(n)) => n.clone(),
            Some(Token::Literal(l)) => format!("'{l}'"),
            Some(other) => format!("{other:?}"),
            None => "end of expression".into(),
        }
    }

    fn error(&self, what: &str) -> String {
        format!(
            "{what} in XPath `{}` (at `{}`)",
            self.text,
            self.describe_current()
        )
    }

    fn is_keyword(&self, keyword: &str) -> bool {
        matches!(self.peek(), Some(Token::Name(n)) if n == keyword) && self.pos > 0
    }

    fn or_expr(&mut self) -> Result<Expr, String> {
        let mut left = self.and_expr()?;
        while self.is_keyword("or") {
            self.pos += 1;
            left = Expr::Or(Box::new(left), Box::new(self.and_expr()?));
        }
        Ok(left)
    }

    fn and_expr(&mut self) -> Result<Expr, String> {
        let mut left = self.compare_expr()?;
        while self.is_keyword("and") {
            self.pos += 1;
            left = Expr::And(Box::new(left), Box::new(self.compare_expr()?));
        }
        Ok(left)
    }

    fn compare_expr(&mut self) -> Result<Expr, String> {
        let mut left = self.additive_expr()?;
        while let Some(Token::Op(op)) = self.peek().cloned() {
            self.pos += 1;
            left = Expr::Compare(Box::new(left), op, Box::new(self.additive_expr()?));
        }
        Ok(left)
    }

    fn additive_expr(&mut self) -> Result<Expr, String> {
        let mut left = self.unary_expr()?;
        loop {
            let op = match self.peek() {
                Some(Token::Plus) => '+',
                Some(Token::Minus) => '-',
                _ => return Ok(left),
            };
            self.pos += 1;
            left = Expr::Arithmetic(Box::new(left), op, Box::new(self.unary_expr()?));
        }
    }

    fn unary_expr(&mut self) -> Result<Expr, String> {
        if self.eat(&Token::Minus) {
            return Ok(Expr::Negate(Box::new(self.unary_expr()?)));
        }
        self.union_expr()
    }

    fn union_expr(&mut self) -> Result<Expr, String> {
        let mut left = self.path_expr()?;
        while self.eat(&Token::Pipe) {
            left = Expr::Union(Box::new(left), Box::new(self.path_expr()?));
        }
        Ok(left)
    }

    fn path_expr(&mut self) -> Result<Expr, String> {
        let primary = match self.peek() {
            Some(Token::Literal(_) | Token::Number(_) | Token::LParen) => true,
            Some(Token::Name(name)) => {
                self.peek_at(1) == Some(&Token::LParen)
                    && !matches!(
                        name.as_str(),
                        "text" | "node" | "comment" | "processing-instruction"
                    )
            }
            _ => false,
        };
        if !primary {
            return self.location_path();
        }
        let primary = match self.next() {
            Some(Token::Literal(l)) => Expr::Literal(l),
            Some(Token::Number(n)) => Expr::Number(n),
            Some(Token::LParen) => {
                let inner = self.or_expr()?;
                if !self.eat(&Token::RParen) {
                    return Err(self.error("expected `)`"));
                }
                inner
            }
            Some(Token::Name(name)) => self.call(&name)?,
            _ => return Err(self.error("expected an expression")),
        };
        let mut predicates = Vec::new();
        while self.peek() == Some(&Token::LBracket) {
            predicates.push(self.predicate()?);
        }
        let mut steps = Vec::new();
        loop {
            match self.peek() {
                Some(Token::Slash) => {
                    self.pos += 1;
                    steps.push(self.step()?);
                }
                Some(Token::DoubleSlash) => {
                    self.pos += 1;
                    steps.push(descendant_or_self());
                    steps.push(self.step()?);
                }
                _ => break,
            }
        }
        if predicates.is_empty() && steps.is_empty() {
            Ok(primary)
        } else {
            Ok(Expr::Filter {
                primary: Box::new(primary),
                predicates,
                steps,
            })
        }
    }

    fn call(&mut self, name: &str) -> Result<Expr, String> {
        let Some((function, min, max)) = Function::from_name(name) else {
            return Err(format!(
                "the XPath function {name}() is not supported (see the crate docs for the subset)"
            ));
        };
        self.pos += 1; // (
        let mut args = Vec::new();
        if !self.eat(&Token::RParen) {
            loop {
                args.push(self.or_expr()?);
                if self.eat(&Token::RParen) {
                    break;
                }
                if !self.eat(&Token::Comma) {
                    return Err(self.error("expected `,` or `)`"));
                }
            }
        }
        if args.len() < min || args.len() > max {
            return Err(format!(
                "{name}() does not take {} argument(s) in XPath `{}`",
                args.len(),
                self.text
            ));
        }
        Ok(Expr::Call(function, args))
    }

    fn predicate(&mut self) -> Result<Expr, String> {
        self.pos += 1; // [
        let expr = self.or_expr()?;
        if !self.eat(&Token::RBracket) {
            return Err(self.error("expected `]`"));
        }
        Ok(expr)
    }

    fn location_path(&mut self) -> Result<Expr, String> {
        let mut steps = Vec::new();
        let absolute = match self.peek() {
            Some(Token::Slash) => {
                self.pos += 1;
                if !self.starts_step() {
                    return Ok(Expr::Path {
                        absolute: true,
                        steps,
                    });
                }
                true
            }
            Some(Token::DoubleSlash) => {
                self.pos += 1;
                steps.push(descendant_or_self());
                true
            }
            _ => false,
        };
        steps.push(self.step()?);
        loop {
            match self.peek() {
                Some(Token::Slash) => {
                    self.pos += 1;
                    steps.push(self.step()?);
                }
                Some(Token::DoubleSlash) => {
                    self.pos += 1;
                    steps.push(descendant_or_self());
                    steps.push(self.step()?);
                }
                _ => break,
            }
        }
        Ok(Expr::Path { absolute, steps })
    }

    fn starts_step(&self) -> bool {
        matches!(
            self.peek(),
            Some(Token::Name(_) | Token::Star | Token::At | Token::Dot | Token::DotDot)
        )
    }

    fn step(&mut self) -> Result<Step, String> {
        if self.eat(&Token::Dot) {
            return Ok(Step {
                axis: Axis::Itself,
                test: NodeTest::AnyNode,
                predicates: Vec::new(),
            });
        }
        if self.eat(&Token::DotDot) {
            return Ok(Step {
                axis: Axis::Parent,
                test: NodeTest::AnyNode,
                predicates: Vec::new(),
            });
        }
        let mut axis = Axis::Child;
        if self.eat(&Token::At) {
            axis = Axis::Attribute;
        } else if let (Some(Token::Name(name)), Some(Token::ColonColon)) =
            (self.peek().cloned(), self.peek_at(1))
        {
            axis = match name.as_str() {
                "child" => Axis::Child,
                "attribute" => Axis::Attribute,
                "descendant" => Axis::Descendant,
                "descendant-or-self" => Axis::DescendantOrSelf,
                "self" => Axis::Itself,
                "parent" => Axis::Parent,
                "ancestor" => Axis::Ancestor,
                "ancestor-or-self" => Axis::AncestorOrSelf,
                "following-sibling" => Axis::FollowingSibling,
                "preceding-sibling" => Axis::PrecedingSibling,
                other => {
                    return Err(format!(
                        "the XPath axis {other}:: is not supported in `{}`",
                        self.text
                    ));
                }
            };
            self.pos += 2;
        }
        let test = match self.next() {
            Some(Token::Star) => NodeTest::Name {
                prefix: None,
                local: None,
                namespace: None,
            },
            Some(Token::Name(name)) if self.peek() == Some(&Token::LParen) => {
                self.pos += 1;
                if !self.eat(&Token::RParen) {
                    return Err(self.error("expected `)`"));
                }
                match name.as_str() {
                    "text" => NodeTest::Text,
                    "node" => NodeTest::AnyNode,
                    other => {
                        return Err(format!(
                            "the node test {other}() is not supported in `{}`",
                            self.text
                        ));
                    }
                }
            }
            Some(Token::Name(name)) => {
                let (prefix, local) = match name.split_once(':') {
                    Some((p, l)) => (Some(p.to_owned()), l.to_owned()),
                    None => (None, name.clone()),
                };
                let namespace = prefix
                    .as_deref()
                    .and_then(|p| self.namespaces.resolve(p))
                    .map(str::to_owned);
                NodeTest::Name {
                    prefix,
                    local: (local != "*").then_some(local),
                    namespace,
                }
            }
            _ => return Err(self.error("expected a name or node test")),
        };
        let mut predicates = Vec::new();
        while self.peek() == Some(&Token::LBracket) {
            predicates.push(self.predicate()?);
        }
        Ok(Step {
            axis,
            test,
            predicates,
        })
    }
}

fn descendant_or_self() -> Step {
    Step {
        axis: Axis::DescendantOrSelf,
        test: NodeTest::AnyNode,
        predicates: Vec::new(),
    }
}

// ---------------------------------------------------------------------------------------
// Evaluation

/// The value of an expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum XValue {
    Nodes(Vec<Item>),
    String(String),
    Number(f64),
    Boolean(bool),
}

#[derive(Clone, Copy)]
struct Context {
    item: Item,
    position: usize,
    size: usize,
}

pub(crate) fn name_matches(test: &NodeTest, name: &Name) -> bool {
    let NodeTest::Name {
        prefix,
        local,
        namespace,
    } = test
    else {
        return false;
    };
    if local.as_deref().is_some_and(|l| l != &*name.local) {
        return false;
    }
    match (prefix, namespace) {
        (Some(_), Some(ns)) => name.namespace.as_deref() == Some(ns.as_str()),
        // A prefix the mapping does not declare: compared with the document's prefix.
        (Some(p), None) => name.prefix.as_deref() == Some(p.as_str()),
        // No prefix: elements written without a prefix (in no or the default namespace).
        (None, _) => name.prefix.is_none() || local.is_none(),
    }
}

fn format_number(n: f64) -> String {
    if n.is_nan() {
        "NaN".into()
    } else if n.is_infinite() {
        if n > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else if n.fract() == 0.0 && n.abs() < 1e15 {
        let mut s = String::new();
        let _ = write!(s, "{}", n as i64);
        s
    } else {
        n.to_string()
    }
}

fn to_number(s: &str) -> f64 {
    s.trim().parse().unwrap_or(f64::NAN)
}

impl Arena {
    fn axis(&self, item: Item, axis: Axis, out: &mut Vec<Item>) {
        let id = item.node();
        let on_node = matches!(item, Item::Node(_));
        match axis {
            Axis::Child if on_node => out.extend(self.children(id).iter().map(|c| Item::Node(*c))),
            Axis::Attribute if on_node => {
                if let Some(NodeKind::Element { attributes, .. }) = self.node(id).map(|n| &n.kind) {
                    out.extend((0..attributes.len()).map(|k| Item::Attribute(id, k)));
                }
            }
            Axis::Descendant | Axis::DescendantOrSelf if on_node => {
                if axis == Axis::DescendantOrSelf {
                    out.push(item);
                }
                let mut ids = Vec::new();
                self.descendants(id, &mut ids);
                out.extend(ids.into_iter().map(Item::Node));
            }
            Axis::DescendantOrSelf | Axis::Itself => out.push(item),
            Axis::Parent => match item {
                Item::Attribute(owner, _) => out.push(Item::Node(owner)),
                Item::Node(_) => out.extend(self.parent(id).map(Item::Node)),
            },
            Axis::Ancestor | Axis::AncestorOrSelf => {
                if axis == Axis::AncestorOrSelf {
                    out.push(item);
                }
                let mut current = match item {
                    Item::Attribute(owner, _) => Some(owner),
                    Item::Node(_) => self.parent(id),
                };
                while let Some(p) = current {
                    out.push(Item::Node(p));
                    current = self.parent(p);
                }
            }
            Axis::FollowingSibling | Axis::PrecedingSibling if on_node => {
                if let Some(parent) = self.parent(id) {
                    let siblings = self.children(parent);
                    if let Some(at) = siblings.iter().position(|s| *s == id) {
                        if axis == Axis::FollowingSibling {
                            out.extend(siblings.iter().skip(at + 1).map(|s| Item::Node(*s)));
                        } else {
                            // Reverse axis: nearest first, for positional predicates.
                            out.extend(siblings.iter().take(at).rev().map(|s| Item::Node(*s)));
                        }
                    }
                }
            }
            _ => {}
        }
    }

    fn test(&self, item: Item, axis: Axis, test: &NodeTest) -> bool {
        match test {
            NodeTest::AnyNode => true,
            NodeTest::Text => matches!(
                (item, self.node(item.node()).map(|n| &n.kind)),
                (Item::Node(_), Some(NodeKind::Text(_)))
            ),
            NodeTest::Name { .. } => {
                // The principal node type: attributes on the attribute axis, elements elsewhere.
                let principal = match item {
                    Item::Attribute(..) => axis == Axis::Attribute,
                    Item::Node(id) => axis != Axis::Attribute && self.is_element(id),
                };
                principal && self.name_of(item).is_some_and(|n| name_matches(test, n))
            }
        }
    }

    fn steps(&self, start: Vec<Item>, steps: &[Step]) -> Result<Vec<Item>, String> {
        let mut current = start;
        for step in steps {
            let mut next = Vec::new();
            for item in &current {
                let mut candidates = Vec::new();
                self.axis(*item, step.axis, &mut candidates);
                candidates.retain(|c| self.test(*c, step.axis, &step.test));
                for predicate in &step.predicates {
                    candidates = self.filter(candidates, predicate)?;
                }
                next.extend(candidates);
            }
            next.sort_unstable();
            next.dedup();
            current = next;
        }
        Ok(current)
    }

    fn filter(&self, items: Vec<Item>, predicate: &Expr) -> Result<Vec<Item>, String> {
        let size = items.len();
        let mut kept = Vec::new();
        for (i, item) in items.into_iter().enumerate() {
            let context = Context {
                item,
                position: i + 1,
                size,
            };
            let keep = match self.eval(predicate, context)? {
                XValue::Number(n) => (n - (i + 1) as f64).abs() < f64::EPSILON,
                other => self.boolean(&other),
            };
            if keep {
                kept.push(item);
            }
        }
        Ok(kept)
    }

    fn string(&self, value: &XValue) -> String {
        match value {
            XValue::Nodes(items) => items
                .first()
                .map(|i| self.string_value(*i))
                .unwrap_or_default(),
            XValue::String(s) => s.clone(),
            XValue::Number(n) => format_number(*n),
            XValue::Boolean(b) => b.to_string(),
        }
    }

    fn number(&self, value: &XValue) -> f64 {
        match value {
            XValue::Number(n) => *n,
            XValue::Boolean(b) => f64::from(u8::from(*b)),
            other => to_number(&self.string(other)),
        }
    }

    fn boolean(&self, value: &XValue) -> bool {
        match value {
            XValue::Nodes(items) => !items.is_empty(),
            XValue::String(s) => !s.is_empty(),
            XValue::Number(n) => *n != 0.0 && !n.is_nan(),
            XValue::Boolean(b) => *b,
        }
    }

    fn compare(&self, left: &XValue, op: CompareOp, right: &XValue) -> bool {
        let atoms = |v: &XValue| -> Vec<XValue> {
            match v {
                XValue::Nodes(items) => items
                    .iter()
                    .map(|i| XValue::String(self.string_value(*i)))
                    .collect(),
                other => vec![other.clone()],
            }
        };
        let (ls, rs) = (atoms(left), atoms(right));
        ls.iter().any(|l| {
            rs.iter().any(|r| match op {
                CompareOp::Eq | CompareOp::Ne => {
                    let equal = match (l, r) {
                        (XValue::Boolean(_), _) | (_, XValue::Boolean(_)) => {
                            self.boolean(l) == self.boolean(r)
                        }
                        (XValue::Number(_), _) | (_, XValue::Number(_)) => {
                            self.number(l) == self.number(r)
                        }
                        _ => self.string(l) == self.string(r),
                    };
                    equal == (op == CompareOp::Eq)
                }
                _ => {
                    let (a, b) = (self.number(l), self.number(r));
                    match op {
                        CompareOp::Lt => a < b,
                        CompareOp::Le => a <= b,
                        CompareOp::Gt => a > b,
                        _ => a >= b,
                    }
                }
            })
        })
    }

    fn eval(&self, expr: &Expr, context: Context) -> Result<XValue, String> {
        Ok(match expr {
            Expr::Path { absolute, steps } => {
                let start = if *absolute {
                    Item::Node(0)
                } else {
                    context.item
                };
                XValue::Nodes(self.steps(vec![start], steps)?)
            }
            Expr::Filter {
                primary,
                predicates,
                steps,
            } => {
                let XValue::Nodes(mut items) = self.eval(primary, context)? else {
                    return Err(
                        "a predicate or path applied to a value that is not a node-set".into(),
                    );
                };
                for predicate in predicates {
                    items = self.filter(items, predicate)?;
                }
                XValue::Nodes(self.steps(items, steps)?)
            }
            Expr::Literal(s) => XValue::String(s.clone()),
            Expr::Number(n) => XValue::Number(*n),
            Expr::Or(a, b) => XValue::Boolean(
                self.boolean(&self.eval(a, context)?) || self.boolean(&self.eval(b, context)?),
            ),
            Expr::And(a, b) => XValue::Boolean(
                self.boolean(&self.eval(a, context)?) && self.boolean(&self.eval(b, context)?),
            ),
            Expr::Compare(a, op, b) => {
                let (l, r) = (self.eval(a, context)?, self.eval(b, context)?);
                XValue::Boolean(self.compare(&l, *op, &r))
            }
            Expr::Union(a, b) => {
                let (XValue::Nodes(mut l), XValue::Nodes(r)) =
                    (self.eval(a, context)?, self.eval(b, context)?)
                else {
                    return Err("`|` needs node-sets on both sides".into());
                };
                l.extend(r);
                l.sort_unstable();
                l.dedup();
                XValue::Nodes(l)
            }
            Expr::Negate(a) => XValue::Number(-self.number(&self.eval(a, context)?)),
            Expr::Arithmetic(a, op, b) => {
                let (l, r) = (
                    self.number(&self.eval(a, context)?),
                    self.number(&self.eval(b, context)?),
                );
                XValue::Number(if *op == '+' { l + r } else { l - r })
            }
            Expr::Call(function, args) => self.call(*function, args, context)?,
        })
    }

    fn call(&self, function: Function, args: &[Expr], context: Context) -> Result<XValue, String> {
        let mut values = Vec::with_capacity(args.len());
        for arg in args {
            values.push(self.eval(arg, context)?);
        }
        let string_arg = |k: usize| -> String {
            values
                .get(k)
                .map_or_else(|| self.string_value(context.item), |v| self.string(v))
        };
        let node_arg = |k: usize| -> Option<Item> {
            match values.get(k) {
                None => Some(context.item),
                Some(XValue::Nodes(items)) => items.first().copied(),
                Some(_) => None,
            }
        };
        Ok(match function {
            Function::String => XValue::String(string_arg(0)),
            Function::Concat => XValue::String(values.iter().map(|v| self.string(v)).collect()),
            Function::NormalizeSpace => XValue::String(
                string_arg(0)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            Function::Name | Function::LocalName => XValue::String(
                node_arg(0)
                    .and_then(|i| self.name_of(i))
                    .map(|n| {
                        if function == Function::Name {
                            n.qualified()
                        } else {
                            n.local.to_string()
                        }
                    })
                    .unwrap_or_default(),
            ),
            Function::Contains => XValue::Boolean(string_arg(0).contains(&string_arg(1))),
            Function::StartsWith => XValue::Boolean(string_arg(0).starts_with(&string_arg(1))),
            Function::Not => XValue::Boolean(!values.first().is_some_and(|v| self.boolean(v))),
            Function::Position => XValue::Number(context.position as f64),
            Function::Last => XValue::Number(context.size as f64),
            Function::Count => match values.first() {
                Some(XValue::Nodes(items)) => XValue::Number(items.len() as f64),
                _ => return Err("count() needs a node-set".into()),
            },
            Function::True => XValue::Boolean(true),
            Function::False => XValue::Boolean(false),
            Function::StringLength => XValue::Number(string_arg(0).chars().count() as f64),
            Function::SubstringBefore => {
                let (s, t) = (string_arg(0), string_arg(1));
                XValue::String(s.find(&t).map(|i| s[..i].to_owned()).unwrap_or_default())
            }
            Function::SubstringAfter => {
                let (s, t) = (string_arg(0), string_arg(1));
                XValue::String(
                    s.find(&t)
                        .map(|i| s[i + t.len()..].to_owned())
                        .unwrap_or_default(),
                )
            }
            Function::Substring => {
                let s = string_arg(0);
                let start = values.get(1).map_or(f64::NAN, |v| self.number(v)).round();
                let end = match values.get(2) {
                    Some(v) => start + self.number(v).round(),
                    None => f64::INFINITY,
                };
                XValue::String(
                    s.chars()
                        .enumerate()
                        .filter(|(i, _)| {
                            let p = (*i + 1) as f64;
                            p >= start && p < end
                        })
                        .map(|(_, c)| c)
                        .collect(),
                )
            }
            Function::Translate => {
                let (s, from, to) = (string_arg(0), string_arg(1), string_arg(2));
                let from: Vec<char> = from.chars().collect();
                let to: Vec<char> = to.chars().collect();
                XValue::String(
                    s.chars()
                        .filter_map(|c| match from.iter().position(|f| *f == c) {
                            Some(k) => to.get(k).copied(),
                            None => Some(c),
                        })
                        .collect(),
                )
            }
            Function::Number => XValue::Number(match values.first() {
                Some(v) => self.number(v),
                None => to_number(&self.string_value(context.item)),
            }),
            Function::Boolean => XValue::Boolean(values.first().is_some_and(|v| self.boolean(v))),
        })
    }

    /// Evaluates a reference with `node` as context: the string values of the selected
    /// nodes, or the one value of a string, number or boolean expression.
    pub(crate) fn evaluate(&self, expr: &Expr, node: usize) -> Result<Vec<String>, String> {
        let context = Context {
            item: Item::Node(node),
            position: 1,
            size: 1,
        };
        Ok(match self.eval(expr, context)? {
            XValue::Nodes(items) => items.into_iter().map(|i| self.string_value(i)).collect(),
            other => vec![self.string(&other)],
        })
    }

    /// Whether `node` (an element just completed) is selected by the iterator `steps`,
    /// checked right to left against its ancestors, predicates included.
    pub(crate) fn matches_pattern(&self, steps: &[Step], node: usize) -> Result<bool, String> {
        self.pattern(steps, node, true)
    }

    /// Whether `node` (an element just opened) may be selected by the iterator: names
    /// only, since predicates may look at children not read yet.
    pub(crate) fn matches_pattern_names(
        &self,
        steps: &[Step],
        node: usize,
    ) -> Result<bool, String> {
        self.pattern(steps, node, false)
    }

    fn pattern(&self, steps: &[Step], node: usize, predicates: bool) -> Result<bool, String> {
        let Some((last, rest)) = steps.split_last() else {
            return Ok(node == 0);
        };
        if !self.step_matches(last, node, predicates)? {
            return Ok(false);
        }
        match rest.split_last() {
            None => Ok(self.parent(node) == Some(0)),
            Some((previous, earlier))
                if previous.axis == Axis::DescendantOrSelf
                    && previous.test == NodeTest::AnyNode =>
            {
                if earlier.is_empty() {
                    return Ok(true);
                }
                let mut ancestor = self.parent(node);
                while let Some(a) = ancestor {
                    if a != 0 && self.pattern(earlier, a, predicates)? {
                        return Ok(true);
                    }
                    ancestor = self.parent(a);
                }
                Ok(false)
            }
            Some(_) => match self.parent(node) {
                Some(p) if p != 0 => self.pattern(rest, p, predicates),
                _ => Ok(false),
            },
        }
    }

    fn step_matches(&self, step: &Step, node: usize, predicates: bool) -> Result<bool, String> {
        if !self.test(Item::Node(node), step.axis, &step.test) {
            return Ok(false);
        }
        if !predicates {
            return Ok(true);
        }
        let context = Context {
            item: Item::Node(node),
            position: 1,
            size: 1,
        };
        for predicate in &step.predicates {
            let value = self.eval(predicate, context)?;
            if !self.boolean(&value) {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

/// Checks that an iterator can be matched while streaming: an absolute path of child and
/// `//` steps whose predicates do not depend on position.
pub(crate) fn check_iterator(expr: &Expr) -> Result<&[Step], String> {
    let Expr::Path {
        absolute: true,
        steps,
    } = expr
    else {
        return Err(
            "an XPath iterator must be an absolute location path such as `/lido:lidoWrap/lido:lido` or `//record`"
                .into(),
        );
    };
    for step in steps {
        let descendant_marker = step.axis == Axis::DescendantOrSelf
            && step.test == NodeTest::AnyNode
            && step.predicates.is_empty();
        if !(descendant_marker || step.axis == Axis::Child) {
            return Err(
                "an XPath iterator may only use child steps and `//` (no attributes, `..` or other axes)"
                    .into(),
            );
        }
        if !descendant_marker && !matches!(step.test, NodeTest::Name { .. }) {
            return Err("an XPath iterator must select elements by name or `*`".into());
        }
        for predicate in &step.predicates {
            if uses_position(predicate) {
                return Err(
                    "positional predicates (`[1]`, position(), last()) are not supported in XPath iterators, \
                     because records are read one at a time"
                        .into(),
                );
            }
        }
    }
    if steps.last().is_none_or(|s| s.axis != Axis::Child) {
        return Err("an XPath iterator must end with an element name".into());
    }
    Ok(steps)
}

fn uses_position(expr: &Expr) -> bool {
    match expr {
        Expr::Number(_) => true,
        Expr::Call(Function::Position | Function::Last, _) => true,
        Expr::Call(_, args) => args.iter().any(uses_position),
        Expr::Or(a, b) | Expr::And(a, b) | Expr::Union(a, b) | Expr::Arithmetic(a, _, b) => {
            uses_position(a) || uses_position(b)
        }
        Expr::Compare(a, _, b) => {
            // `[@n = 1]` compares a value, it is not positional.
            matches!(**a, Expr::Call(Function::Position | Function::Last, _))
                || matches!(**b, Expr::Call(Function::Position | Function::Last, _))
        }
        Expr::Negate(a) => uses_position(a),
        Expr::Path { .. } | Expr::Filter { .. } | Expr::Literal(_) => false,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn name(prefix: Option<&str>, namespace: Option<&str>, local: &str) -> Name {
        Name {
            prefix: prefix.map(Into::into),
            namespace: namespace.map(Into::into),
            local: local.into(),
        }
    }

    /// `<r><c id="25"><n>TechCorp</n><d><n>Eng</n></d><d><n>Sales</n></d></c></r>`
    fn sample() -> Arena {
        let mut arena = Arena::new();
        let add = |arena: &mut Arena, parent: usize, kind: NodeKind| {
            let id = arena.nodes.len();
            arena.nodes.push(Node {
                kind,
                parent,
                children: Vec::new(),
            });
            arena.nodes[parent].children.push(id);
            id
        };
        let el = |local: &str, attributes: Vec<(Name, String)>| NodeKind::Element {
            name: name(None, None, local),
            attributes,
        };
        let r = add(&mut arena, 0, el("r", vec![]));
        let c = add(
            &mut arena,
            r,
            el(
                "c",
                vec![
                    (name(None, None, "id"), "25".into()),
                    (
                        name(
                            Some("xml"),
                            Some("http://www.w3.org/XML/1998/namespace"),
                            "lang",
                        ),
                        "en".into(),
                    ),
                ],
            ),
        );
        let n = add(&mut arena, c, el("n", vec![]));
        add(&mut arena, n, NodeKind::Text("TechCorp".into()));
        for dept in ["Eng", "Sales"] {
            let d = add(&mut arena, c, el("d", vec![]));
            let n = add(&mut arena, d, el("n", vec![]));
            add(&mut arena, n, NodeKind::Text(dept.into()));
        }
        arena
    }

    fn eval(arena: &Arena, text: &str, node: usize) -> Vec<String> {
        let expr = parse(text, &Namespaces::default()).unwrap();
        arena.evaluate(&expr, node).unwrap()
    }

    #[test]
    fn references() {
        let arena = sample();
        let c = 2;
        assert_eq!(eval(&arena, "@id", c), ["25"]);
        assert_eq!(eval(&arena, "@xml:lang", c), ["en"]);
        assert_eq!(eval(&arena, "n", c), ["TechCorp"]);
        assert_eq!(eval(&arena, "n/text()", c), ["TechCorp"]);
        assert_eq!(eval(&arena, "d/n", c), ["Eng", "Sales"]);
        assert_eq!(eval(&arena, "d[2]/n", c), ["Sales"]);
        assert_eq!(eval(&arena, "d[last()]/n", c), ["Sales"]);
        assert_eq!(eval(&arena, "d[n='Eng']/n", c), ["Eng"]);
        assert_eq!(eval(&arena, ".//n", c), ["TechCorp", "Eng", "Sales"]);
        assert_eq!(eval(&arena, "count(d)", c), ["2"]);
        assert_eq!(eval(&arena, "concat(@id, '-', n)", c), ["25-TechCorp"]);
        assert_eq!(eval(&arena, "name(..)", c), ["r"]);
        let eng = 6;
        assert_eq!(eval(&arena, "../../@id", eng), ["25"]);
        assert_eq!(eval(&arena, "ancestor::c/@id", eng), ["25"]);
        assert_eq!(eval(&arena, "/r/c/n", eng), ["TechCorp"]);
        assert!(eval(&arena, "missing", c).is_empty());
        assert_eq!(eval(&arena, "n | @id", c), ["25", "TechCorp"]);
    }

    #[test]
    fn iterator_patterns() {
        let arena = sample();
        let ns = Namespaces::default();
        let matches = |text: &str, node: usize| {
            let expr = parse(text, &ns).unwrap();
            let steps = check_iterator(&expr).unwrap().to_vec();
            arena.matches_pattern(&steps, node).unwrap()
        };
        assert!(matches("/r/c", 2));
        assert!(matches("//c", 2));
        assert!(matches("//r/c[@id='25']", 2));
        assert!(!matches("/r/c[@id='26']", 2));
        assert!(matches("/r/c/d", 5));
        assert!(matches("//d", 5));
        assert!(!matches("/c", 2));
        assert!(matches("/*/*", 2));
        for bad in ["c", "/r/c[1]", "/r/c/@id", "/r/..", "/r/c/text()"] {
            let expr = parse(bad, &ns).unwrap();
            assert!(check_iterator(&expr).is_err(), "{bad}");
        }
    }

    #[test]
    fn prefixes() {
        let ns = Namespaces(vec![("ex".into(), "http://example.org".into())]);
        let test = |text: &str| match parse(text, &ns).unwrap() {
            Expr::Path { steps, .. } => steps[0].test.clone(),
            _ => unreachable!(),
        };
        let bound = name(Some("e"), Some("http://example.org"), "Character");
        assert!(name_matches(&test("ex:Character"), &bound));
        assert!(!name_matches(&test("Character"), &bound));
        assert!(name_matches(&test("*"), &bound));
        let default_ns = name(None, Some("urn:isbn:1-931666-22-9"), "ead");
        assert!(name_matches(&test("ead"), &default_ns));
        let undeclared = name(Some("lido"), Some("http://www.lido-schema.org"), "lido");
        assert!(name_matches(&test("lido:lido"), &undeclared));
        for bad in ["", "a[", "foo(1)", "following::x", "'open"] {
            assert!(parse(bad, &ns).is_err(), "{bad}");
        }
    }
}
