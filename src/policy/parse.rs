//! JSON tree to [`Policy`], collecting every error rather than stopping at the first.

use std::collections::HashMap;

use super::condition::{parse_cidr, typed, CidrForm, CondValue, Condition, Typed};
use super::error::{PolicyError, PolicyErrorKind as E, PolicyErrors, PolicyWarning, WarningKind};
use super::operator::{Base, Family, Operator, OperatorNameError};
use super::{
    ActionList, ActionPattern, Effect, Loc, Policy, Principal, PrincipalEntry, PrincipalKind,
    Statement, Version,
};
use crate::json::{self, Kind, Member, Node};
use crate::pattern::Matcher;

const TOP_LEVEL: &[&str] = &["Version", "Id", "Statement"];
const STATEMENT: &[&str] = &[
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

/// Parse a trust policy from text.
pub fn parse(text: &str) -> Result<Policy, PolicyErrors> {
    let root = json::parse(text).map_err(|e| {
        PolicyErrors(vec![PolicyError::new(
            E::Json(e.kind),
            Loc::new("", e.span),
        )])
    })?;
    from_node(&root, "")
}

/// Parse a trust policy from an already-parsed JSON node (for documents embedded in larger
/// files, such as an account dump). `pointer` is the node's own JSON pointer.
pub fn from_node(root: &Node, pointer: &str) -> Result<Policy, PolicyErrors> {
    let mut p = Parser::default();
    p.scan(root, pointer, &mut Vec::new());
    let policy = p.policy(root, pointer);
    match policy {
        Some(policy) if p.errors.is_empty() => Ok(Policy {
            warnings: p.warnings,
            ..policy
        }),
        _ => {
            p.errors.sort_by_key(|e| e.loc.span.start);
            Err(PolicyErrors(p.errors))
        }
    }
}

#[derive(Default)]
struct Parser {
    errors: Vec<PolicyError>,
    warnings: Vec<PolicyWarning>,
}

/// One step down a JSON tree.
enum Step<'n> {
    Key(&'n str),
    Index(usize),
}

fn render(base: &str, path: &[Step<'_>]) -> String {
    let mut out = base.to_string();
    for step in path {
        out.push('/');
        match step {
            Step::Key(k) => out.push_str(&json::pointer_token(k)),
            Step::Index(i) => out.push_str(&i.to_string()),
        }
    }
    out
}

/// The index of each key's first occurrence (a map, so huge objects stay linear).
fn first_occurrences<'m>(members: &'m [Member<'_>]) -> HashMap<&'m str, usize> {
    let mut firsts = HashMap::with_capacity(members.len());
    for (i, m) in members.iter().enumerate() {
        firsts.entry(m.key.as_ref()).or_insert(i);
    }
    firsts
}

/// Where the first member with `members[i]`'s key is. Small objects (nearly all of a policy)
/// are searched directly; a map is only worth building for big ones.
fn first_with_key(
    members: &[Member<'_>],
    i: usize,
    firsts: Option<&HashMap<&str, usize>>,
) -> usize {
    match (firsts, members.get(i)) {
        (Some(map), Some(m)) => map.get(m.key.as_ref()).copied().unwrap_or(i),
        (None, Some(m)) => members
            .iter()
            .take(i)
            .position(|f| f.key == m.key)
            .unwrap_or(i),
        (_, None) => i,
    }
}

/// Objects with more members than this get a key map in [`Parser::scan`].
const SMALL_OBJECT: usize = 16;

/// The first character IAM does not allow in a policy (R1.13), if any.
fn disallowed(s: &str) -> Option<char> {
    if s.bytes()
        .all(|b| (0x20..0x7F).contains(&b) || matches!(b, b'\t' | b'\n' | b'\r'))
    {
        return None;
    }
    s.chars()
        .find(|c| !matches!(*c, '\t' | '\n' | '\r' | '\u{20}'..='\u{FF}'))
}

fn child(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", json::pointer_token(token))
}

/// The pointer of array item `i`. Built once and moved into the item's [`Loc`]: a big policy
/// has one for every value, and temporary copies of them made parsing slower per byte as the
/// heap grew.
fn item(pointer: &str, i: usize) -> String {
    format!("{pointer}/{i}")
}

fn loc(pointer: &str, node: &Node) -> Loc {
    Loc::new(pointer, node.span.clone())
}

impl Parser {
    fn error(&mut self, kind: E, loc: Loc) {
        self.errors.push(PolicyError::new(kind, loc));
    }

    fn warn(&mut self, kind: WarningKind, loc: Loc) {
        self.warnings.push(PolicyWarning { kind, loc });
    }

    /// Whole-tree checks: duplicate keys anywhere, and characters IAM does not allow (R1.13).
    /// The JSON pointer is built only when something is wrong: `path` holds the way down.
    fn scan<'n>(&mut self, node: &'n Node, base: &str, path: &mut Vec<Step<'n>>) {
        match &node.kind {
            Kind::String(s) => {
                if let Some(ch) = disallowed(s) {
                    let at = Loc::new(render(base, path), node.span.clone());
                    self.error(E::DisallowedCharacter { ch }, at);
                }
            }
            Kind::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(Step::Index(i));
                    self.scan(item, base, path);
                    path.pop();
                }
            }
            Kind::Object(members) => {
                let firsts = (members.len() > SMALL_OBJECT).then(|| first_occurrences(members));
                for (i, m) in members.iter().enumerate() {
                    path.push(Step::Key(&m.key));
                    if let Some(ch) = disallowed(&m.key) {
                        let at = Loc::new(render(base, path), m.key_span.clone());
                        self.error(E::DisallowedCharacter { ch }, at);
                    }
                    let first = first_with_key(members, i, firsts.as_ref());
                    if first != i {
                        let here = render(base, path);
                        let earlier = members.get(first).map_or(0..0, |f| f.key_span.clone());
                        self.errors.push(PolicyError {
                            kind: E::DuplicateKey {
                                key: m.key.to_string(),
                            },
                            loc: Loc::new(here.clone(), m.key_span.clone()),
                            related: Some(Loc::new(here, earlier)),
                        });
                    }
                    self.scan(&m.value, base, path);
                    path.pop();
                }
            }
            _ => {}
        }
    }

    fn policy(&mut self, root: &Node, pointer: &str) -> Option<Policy> {
        let Some(members) = root.as_object() else {
            self.wrong_type("policy", "a JSON object", root, pointer);
            return None;
        };
        self.unknown_members(members, TOP_LEVEL, pointer);
        let version = self.version(root, pointer);
        let id = root.get("Id").and_then(|n| {
            let s = n.as_str().map(str::to_string);
            if s.is_none() {
                self.wrong_type("Id", "a string", n, &child(pointer, "Id"));
            }
            s
        });
        let statements = self.statements(root, pointer);
        Some(Policy {
            version,
            id,
            statements: statements?,
            warnings: Vec::new(),
        })
    }

    fn wrong_type(&mut self, element: &str, expected: &'static str, node: &Node, pointer: &str) {
        self.error(
            E::WrongType {
                element: element.to_string(),
                expected,
                found: node.type_name(),
            },
            loc(pointer, node),
        );
    }

    fn unknown_members(&mut self, members: &[Member], known: &[&str], pointer: &str) {
        for m in members {
            if !known.contains(&m.key.as_ref()) {
                let suggestion = known
                    .iter()
                    .find(|k| k.eq_ignore_ascii_case(&m.key))
                    .map(|k| k.to_string());
                self.error(
                    E::UnknownElement {
                        name: m.key.to_string(),
                        suggestion,
                    },
                    Loc::new(child(pointer, &m.key), m.key_span.clone()),
                );
            }
        }
    }

    fn version(&mut self, root: &Node, pointer: &str) -> Version {
        let Some(node) = root.get("Version") else {
            self.warn(WarningKind::MissingVersion, loc(pointer, root));
            return Version::Missing;
        };
        let here = child(pointer, "Version");
        match node.as_str() {
            Some("2012-10-17") => Version::V2012_10_17,
            Some("2008-10-17") => Version::V2008_10_17,
            Some(other) => {
                self.error(
                    E::InvalidVersion {
                        value: other.to_string(),
                    },
                    loc(&here, node),
                );
                Version::Missing
            }
            None => {
                self.wrong_type("Version", "a string", node, &here);
                Version::Missing
            }
        }
    }

    fn statements(&mut self, root: &Node, pointer: &str) -> Option<Vec<Statement>> {
        let Some(node) = root.get("Statement") else {
            self.error(E::MissingElement { name: "Statement" }, loc(pointer, root));
            return None;
        };
        let version = match root.get("Version").and_then(Node::as_str) {
            Some("2012-10-17") => Version::V2012_10_17,
            Some("2008-10-17") => Version::V2008_10_17,
            _ => Version::Missing,
        };
        let here = child(pointer, "Statement");
        match &node.kind {
            Kind::Object(_) => Some(
                self.statement(node, &here, 0, version)
                    .into_iter()
                    .collect(),
            ),
            Kind::Array(items) if items.is_empty() => {
                self.error(E::EmptyStatement, loc(&here, node));
                None
            }
            Kind::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, s) in items.iter().enumerate() {
                    out.extend(self.statement(s, &item(&here, i), i, version));
                }
                Some(out)
            }
            _ => {
                self.wrong_type("Statement", "an object or an array of objects", node, &here);
                None
            }
        }
    }

    fn statement(
        &mut self,
        node: &Node,
        pointer: &str,
        index: usize,
        version: Version,
    ) -> Option<Statement> {
        let Some(members) = node.as_object() else {
            self.wrong_type("Statement", "an object", node, pointer);
            return None;
        };
        self.unknown_members(members, STATEMENT, pointer);
        for name in ["Resource", "NotResource"] {
            if let Some(m) = members.iter().find(|m| m.key == name) {
                self.error(
                    E::ProhibitedField {
                        name: name.to_string(),
                    },
                    Loc::new(child(pointer, name), m.key_span.clone()),
                );
            }
        }
        if let Some(m) = members.iter().find(|m| m.key == "NotPrincipal") {
            self.error(
                E::NotPrincipal,
                Loc::new(child(pointer, "NotPrincipal"), m.key_span.clone()),
            );
        }
        let sid = node.get("Sid").and_then(|n| {
            let s = n.as_str().map(str::to_string);
            if s.is_none() {
                self.wrong_type("Sid", "a string", n, &child(pointer, "Sid"));
            }
            s
        });
        let effect = self.effect(node, pointer);
        let principal = self.principal(node, pointer);
        let action = self.action(node, pointer);
        let condition_node = node.get("Condition");
        let conditions = match condition_node {
            Some(c) => self.conditions(c, &child(pointer, "Condition"), version),
            None => Some(Vec::new()),
        };
        Some(Statement {
            index,
            sid,
            effect: effect?,
            principal: principal?,
            action: action?,
            conditions: conditions?,
            condition_loc: condition_node.map(|c| loc(&child(pointer, "Condition"), c)),
            loc: loc(pointer, node),
        })
    }

    fn effect(&mut self, node: &Node, pointer: &str) -> Option<Effect> {
        let Some(e) = node.get("Effect") else {
            self.error(E::MissingElement { name: "Effect" }, loc(pointer, node));
            return None;
        };
        let here = child(pointer, "Effect");
        match e.as_str() {
            Some("Allow") => Some(Effect::Allow),
            Some("Deny") => Some(Effect::Deny),
            Some(other) => {
                self.error(
                    E::InvalidEffect {
                        value: other.to_string(),
                    },
                    loc(&here, e),
                );
                None
            }
            None => {
                self.wrong_type("Effect", "a string", e, &here);
                None
            }
        }
    }

    fn principal(&mut self, node: &Node, pointer: &str) -> Option<Principal> {
        let Some(p) = node.get("Principal") else {
            if node.get("NotPrincipal").is_none() {
                self.error(E::MissingElement { name: "Principal" }, loc(pointer, node));
            }
            return None;
        };
        let here = child(pointer, "Principal");
        match &p.kind {
            Kind::String(s) if s == "*" => {
                self.warn(WarningKind::PrincipalEveryone, loc(&here, p));
                Some(Principal::Everyone(loc(&here, p)))
            }
            Kind::Object(members) => {
                let mut entries = Vec::new();
                for m in members {
                    let kind = match m.key.as_ref() {
                        "AWS" => PrincipalKind::Aws,
                        "Federated" => PrincipalKind::Federated,
                        "Service" => PrincipalKind::Service,
                        "CanonicalUser" => PrincipalKind::CanonicalUser,
                        _ => {
                            self.error(
                                E::InvalidPrincipalKey {
                                    key: m.key.to_string(),
                                },
                                Loc::new(child(&here, &m.key), m.key_span.clone()),
                            );
                            continue;
                        }
                    };
                    let key_ptr = child(&here, &m.key);
                    for (value, at) in self.strings(&m.value, &key_ptr, &m.key) {
                        self.principal_value(kind, &value, &at);
                        entries.push(PrincipalEntry {
                            kind,
                            value,
                            loc: at,
                        });
                    }
                }
                if members.is_empty() {
                    self.warn(
                        WarningKind::EmptyArray {
                            element: "Principal".into(),
                        },
                        loc(&here, p),
                    );
                }
                Some(Principal::Entries(entries, loc(&here, p)))
            }
            _ => {
                self.wrong_type("Principal", "\"*\" or an object", p, &here);
                None
            }
        }
    }

    fn principal_value(&mut self, kind: PrincipalKind, value: &str, at: &Loc) {
        let whole_star_ok = kind != PrincipalKind::Federated && value == "*";
        if !whole_star_ok && value.contains(['*', '?']) {
            self.error(
                E::WildcardInPrincipal {
                    value: value.to_string(),
                },
                at.clone(),
            );
        } else if kind == PrincipalKind::Federated && !valid_federated(value) {
            self.error(
                E::InvalidFederatedPrincipal {
                    value: value.to_string(),
                },
                at.clone(),
            );
        }
    }

    /// A string or an array of strings; each with its location. Reports empty arrays.
    fn strings(&mut self, node: &Node, pointer: &str, element: &str) -> Vec<(String, Loc)> {
        match &node.kind {
            Kind::String(s) => vec![(s.to_string(), loc(pointer, node))],
            Kind::Array(items) => {
                if items.is_empty() {
                    self.warn(
                        WarningKind::EmptyArray {
                            element: element.to_string(),
                        },
                        loc(pointer, node),
                    );
                }
                let mut out = Vec::with_capacity(items.len());
                for (i, node) in items.iter().enumerate() {
                    let here = item(pointer, i);
                    match node.as_str() {
                        Some(s) => out.push((s.to_string(), Loc::new(here, node.span.clone()))),
                        None => self.wrong_type(element, "a string", node, &here),
                    }
                }
                out
            }
            _ => {
                self.wrong_type(element, "a string or an array of strings", node, pointer);
                Vec::new()
            }
        }
    }

    fn action(&mut self, node: &Node, pointer: &str) -> Option<ActionList> {
        let (name, negated, a) = match (node.get("Action"), node.get("NotAction")) {
            (Some(_), Some(_)) => {
                self.error(E::ActionAndNotAction, loc(pointer, node));
                return None;
            }
            (Some(a), None) => ("Action", false, a),
            (None, Some(a)) => ("NotAction", true, a),
            (None, None) => {
                self.error(E::MissingElement { name: "Action" }, loc(pointer, node));
                return None;
            }
        };
        let here = child(pointer, name);
        let items = self
            .strings(a, &here, name)
            .into_iter()
            .map(|(raw, loc)| ActionPattern {
                matcher: Matcher::new(&raw.to_ascii_lowercase()),
                raw,
                loc,
            })
            .collect();
        Some(ActionList {
            negated,
            items,
            loc: loc(&here, a),
        })
    }

    fn conditions(
        &mut self,
        node: &Node,
        pointer: &str,
        version: Version,
    ) -> Option<Vec<Condition>> {
        let Some(blocks) = node.as_object() else {
            self.wrong_type("Condition", "an object", node, pointer);
            return None;
        };
        if blocks.is_empty() {
            self.warn(WarningKind::EmptyCondition, loc(pointer, node));
        }
        let mut out = Vec::new();
        for block in blocks {
            let op_ptr = child(pointer, &block.key);
            let op_loc = Loc::new(op_ptr.clone(), block.key_span.clone());
            let operator = match Operator::parse(&block.key) {
                Ok(op) => op,
                Err(OperatorNameError::NullWithIfExists) => {
                    self.error(E::NullWithIfExists, op_loc);
                    continue;
                }
                Err(OperatorNameError::Unknown { suggestion }) => {
                    self.error(
                        E::InvalidOperator {
                            name: block.key.to_string(),
                            suggestion,
                        },
                        op_loc,
                    );
                    continue;
                }
            };
            let Some(keys) = block.value.as_object() else {
                self.wrong_type(
                    &block.key,
                    "an object of condition keys",
                    &block.value,
                    &op_ptr,
                );
                continue;
            };
            for (i, k) in keys.iter().enumerate() {
                let key_lower = k.key.to_ascii_lowercase();
                let key_ptr = child(&op_ptr, &k.key);
                let key_loc = Loc::new(key_ptr.clone(), k.key_span.clone());
                if k.key.matches(':').count() != 1 {
                    self.error(
                        E::InvalidConditionKey {
                            key: k.key.to_string(),
                        },
                        key_loc.clone(),
                    );
                }
                let case_twin = keys
                    .iter()
                    .take(i)
                    .any(|e| e.key != k.key && e.key.eq_ignore_ascii_case(&k.key));
                if case_twin {
                    self.error(
                        E::DuplicateConditionKey {
                            key: k.key.to_string(),
                        },
                        key_loc.clone(),
                    );
                }
                let values = self.values(&k.value, &key_ptr, &operator, version);
                out.push(Condition {
                    operator,
                    operator_loc: op_loc.clone(),
                    key: k.key.to_string(),
                    key_lower,
                    key_loc,
                    values,
                    values_loc: loc(&key_ptr, &k.value),
                });
            }
        }
        Some(out)
    }

    fn values(
        &mut self,
        node: &Node,
        pointer: &str,
        operator: &Operator,
        version: Version,
    ) -> Vec<CondValue> {
        let scalar = |n: &Node| -> Option<String> {
            match &n.kind {
                Kind::String(s) => Some(s.to_string()),
                Kind::Number(s) => Some(s.to_string()),
                Kind::Bool(b) => Some(b.to_string()),
                _ => None,
            }
        };
        let mut raw: Vec<(String, Loc)> = Vec::new();
        match &node.kind {
            Kind::Array(items) => {
                raw.reserve_exact(items.len());
                for (i, node) in items.iter().enumerate() {
                    let here = item(pointer, i);
                    match scalar(node) {
                        Some(s) => raw.push((s, Loc::new(here, node.span.clone()))),
                        None => self.wrong_type(
                            "condition value",
                            "a string, number or boolean",
                            node,
                            &here,
                        ),
                    }
                }
                if items.is_empty() {
                    self.warn(
                        WarningKind::EmptyValues {
                            operator: operator.name(),
                            effect: empty_values_effect(operator),
                        },
                        loc(pointer, node),
                    );
                }
            }
            _ => match scalar(node) {
                Some(s) => raw.push((s, loc(pointer, node))),
                None => self.wrong_type(
                    "condition value",
                    "a string, number, boolean or an array of them",
                    node,
                    pointer,
                ),
            },
        }
        if operator.base == Base::Bool && raw.len() > 1 {
            self.error(
                E::MultipleBooleanValues { count: raw.len() },
                loc(pointer, node),
            );
        }
        let mut out = Vec::with_capacity(raw.len());
        for (text, at) in raw {
            match typed(&text, operator, version.has_variables()) {
                Ok(t) => {
                    self.value_warnings(&text, &t, operator, version, &at);
                    out.push(CondValue {
                        raw: text,
                        loc: at,
                        typed: t,
                    });
                }
                Err(syntax) => self.error(E::VariableSyntax(syntax.describe()), at),
            }
        }
        out
    }

    fn value_warnings(
        &mut self,
        text: &str,
        t: &Typed,
        operator: &Operator,
        version: Version,
        at: &Loc,
    ) {
        let expected = match t {
            Typed::Numeric(None) => Some("number"),
            Typed::Date(None) => Some("date"),
            Typed::Bool(None) | Typed::Null(None) => Some("boolean"),
            Typed::Binary(None) => Some("base64 value"),
            Typed::Ip(None) => Some("IP address or CIDR"),
            _ => None,
        };
        if let Some(expected) = expected {
            self.warn(
                WarningKind::TypeMismatch {
                    value: text.to_string(),
                    expected,
                    operator: operator.name(),
                },
                at.clone(),
            );
        }
        if operator.base.family() == Family::Bool && version.has_variables() && text.contains("${")
        {
            self.warn(WarningKind::VariableInBool, at.clone());
        }
        if let Typed::Ip(Some(net)) = t {
            match parse_cidr(text).map(|(_, f)| f) {
                Some(CidrForm::BareAddress) if net.addr().is_ipv6() => self.warn(
                    WarningKind::BareIpv6 {
                        value: text.to_string(),
                    },
                    at.clone(),
                ),
                Some(CidrForm::HostBitsSet) => self.warn(
                    WarningKind::HostBitsSet {
                        value: text.to_string(),
                        masked: net.to_string(),
                    },
                    at.clone(),
                ),
                _ => {}
            }
        }
    }
}

/// What an empty value list means for an operator (R1.12).
fn empty_values_effect(op: &Operator) -> &'static str {
    use super::operator::SetQualifier::*;
    match (op.set, op.if_exists, op.base.is_negated()) {
        (Some(ForAllValues), _, _) => "true only when the key is absent",
        (Some(ForAnyValue), _, _) => "never true",
        (None, true, _) => "true only when the key is absent",
        (None, false, true) => "always true (nothing to exclude; undocumented)",
        (None, false, false) => "never true",
    }
}

/// A Federated principal is a domain name or a SAML/OIDC provider ARN (R1.6).
fn valid_federated(value: &str) -> bool {
    if let Some(rest) = value.strip_prefix("arn:") {
        let parts: Vec<&str> = rest.splitn(5, ':').collect();
        return match parts.as_slice() {
            [partition, "iam", "", account, resource] => {
                !partition.is_empty()
                    && account.len() == 12
                    && account.bytes().all(|b| b.is_ascii_digit())
                    && (resource
                        .strip_prefix("oidc-provider/")
                        .is_some_and(|u| !u.is_empty())
                        || resource
                            .strip_prefix("saml-provider/")
                            .is_some_and(|u| !u.is_empty()))
            }
            _ => false,
        };
    }
    !value.is_empty()
        && value.contains('.')
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
}
