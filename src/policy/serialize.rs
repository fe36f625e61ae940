//! A [`Policy`] back to a canonical JSON document.
//!
//! The output re-parses to a policy with the same meaning, and serialising that again gives the
//! same value (a fixed point after one step). Canonical means:
//! - `Version` only when the document had one; `Id` and `Sid` only when present.
//! - `Statement` is always an array.
//! - `Principal` is `"*"` or an object whose entries are arrays; `Action`/`NotAction` and every
//!   condition value list are arrays.
//! - Condition values are JSON strings holding each value's `raw` text. Values are typed from that
//!   text (numbers and booleans by their lexeme, R1.9), so `1.0` stays `"1.0"`.
//! - Conditions are grouped by operator name, then by key. Object members are inserted in byte
//!   order, so the text is the same whether or not `serde_json` preserves insertion order.
//!
//! Spans, warnings and statement indexes are not part of the document.
//!
//! A parsed policy never holds the same operator and key twice (that is a duplicate-key error).
//! A hand-built one that does is written with the two value lists concatenated, which ORs values
//! the original ANDed; no JSON document can express the original.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::{ActionList, Policy, Principal, Statement};

impl Policy {
    /// The canonical JSON document for this policy.
    pub fn to_json(&self) -> Value {
        let mut doc = Map::new();
        if let Some(id) = &self.id {
            doc.insert("Id".into(), Value::String(id.clone()));
        }
        doc.insert(
            "Statement".into(),
            Value::Array(self.statements.iter().map(statement).collect()),
        );
        if let Some(v) = self.version.as_str() {
            doc.insert("Version".into(), Value::String(v.into()));
        }
        Value::Object(doc)
    }
}

fn strings<'a>(items: impl IntoIterator<Item = &'a str>) -> Value {
    Value::Array(
        items
            .into_iter()
            .map(|s| Value::String(s.to_string()))
            .collect(),
    )
}

fn statement(s: &Statement) -> Value {
    let mut out = Map::new();
    let (name, list) = action(&s.action);
    out.insert(name.into(), list);
    if s.condition_loc.is_some() || !s.conditions.is_empty() {
        out.insert("Condition".into(), conditions(s));
    }
    out.insert("Effect".into(), Value::String(s.effect.as_str().into()));
    out.insert("Principal".into(), principal(&s.principal));
    if let Some(sid) = &s.sid {
        out.insert("Sid".into(), Value::String(sid.clone()));
    }
    Value::Object(out)
}

fn action(a: &ActionList) -> (&'static str, Value) {
    let name = if a.negated { "NotAction" } else { "Action" };
    (name, strings(a.items.iter().map(|p| p.raw.as_str())))
}

fn principal(p: &Principal) -> Value {
    match p {
        Principal::Everyone(_) => Value::String("*".into()),
        Principal::Entries(entries, _) => {
            let mut by_kind: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
            for e in entries {
                by_kind
                    .entry(e.kind.as_str())
                    .or_default()
                    .push(e.value.as_str());
            }
            Value::Object(
                by_kind
                    .into_iter()
                    .map(|(kind, values)| (kind.to_string(), strings(values)))
                    .collect(),
            )
        }
    }
}

fn conditions(s: &Statement) -> Value {
    let mut blocks: BTreeMap<String, BTreeMap<&str, Vec<&str>>> = BTreeMap::new();
    for c in &s.conditions {
        blocks
            .entry(c.operator.name())
            .or_default()
            .entry(c.key.as_str())
            .or_default()
            .extend(c.values.iter().map(|v| v.raw.as_str()));
    }
    Value::Object(
        blocks
            .into_iter()
            .map(|(op, keys)| {
                let keys: Map<String, Value> = keys
                    .into_iter()
                    .map(|(k, values)| (k.to_string(), strings(values)))
                    .collect();
                (op, Value::Object(keys))
            })
            .collect(),
    )
}
