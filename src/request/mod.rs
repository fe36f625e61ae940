//! The request STS authorises: the caller's principal, the actions it needs, and the condition
//! keys built from the token's claims and the call's context (semantics §2 and §6).

mod providers;

use std::collections::BTreeMap;
use std::net::IpAddr;

use serde_json::{Map, Value};

pub use providers::ClaimSet;

use crate::timestamp::{self, Nanos};

pub const ASSUME_ROLE_WITH_WEB_IDENTITY: &str = "sts:AssumeRoleWithWebIdentity";
pub const TAG_SESSION: &str = "sts:TagSession";
pub const SET_SOURCE_IDENTITY: &str = "sts:SetSourceIdentity";
/// The claim carrying session tags (R6.7).
pub const TAGS_CLAIM: &str = "https://aws.amazon.com/tags";
/// The claim carrying a source identity (R6.8).
pub const SOURCE_IDENTITY_CLAIM: &str = "https://aws.amazon.com/source_identity";

/// A condition key's value in the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContextValue {
    Single(String),
    Multi(Vec<String>),
    /// An array `aud` with several values: whether AWS treats it as multivalued is
    /// undocumented (R6.10), so conditions read it both ways.
    Ambiguous(Vec<String>),
}

impl ContextValue {
    /// The request set of R3.7: the list for a multivalued key, `[v]` for a single value.
    pub fn as_set(&self) -> &[String] {
        match self {
            ContextValue::Single(s) => std::slice::from_ref(s),
            ContextValue::Multi(v) | ContextValue::Ambiguous(v) => v,
        }
    }
}

/// A fully built request.
#[derive(Debug, Clone)]
pub struct Request {
    /// The caller's principal string: the provider ARN or a built-in provider's domain.
    pub principal: String,
    /// Every action that must be allowed (R2.1, R2.10).
    pub actions: Vec<&'static str>,
    /// Keys by lowercased name (key names are case-insensitive, R1.9), with the display name
    /// when it differs (most keys are written in lowercase, and the exact model builds many
    /// requests: a second copy of every name was a fifth of its time).
    keys: BTreeMap<String, (Option<String>, ContextValue)>,
}

impl Request {
    pub fn get(&self, key_lower: &str) -> Option<&ContextValue> {
        self.keys.get(key_lower).map(|(_, v)| v)
    }

    /// A single-valued key, as a policy variable needs (R4.5).
    pub fn single(&self, key_lower: &str) -> Option<&str> {
        match self.get(key_lower)? {
            ContextValue::Single(s) => Some(s),
            ContextValue::Multi(_) | ContextValue::Ambiguous(_) => None,
        }
    }

    /// Every key with its display name, in name order.
    pub fn keys(&self) -> impl Iterator<Item = (&str, &ContextValue)> {
        self.keys
            .iter()
            .map(|(lower, (name, v))| (name.as_deref().unwrap_or(lower), v))
    }

    /// Set or replace a key.
    pub fn insert(&mut self, name: &str, value: ContextValue) {
        self.insert_owned(name.to_string(), value);
    }

    fn insert_owned(&mut self, name: String, value: ContextValue) {
        if name.bytes().any(|b| b.is_ascii_uppercase()) {
            self.keys
                .insert(name.to_ascii_lowercase(), (Some(name), value));
        } else {
            self.keys.insert(name, (None, value));
        }
    }

    pub fn remove(&mut self, name: &str) {
        self.keys.remove(&name.to_ascii_lowercase());
    }
}

/// What a request is built from.
#[derive(Debug, Clone)]
pub struct RequestInput<'a> {
    /// The caller's principal string, as it appears in `Principal.Federated`.
    pub principal: &'a str,
    pub claims: &'a Map<String, Value>,
    /// `None` means the call came through a VPC endpoint, so `aws:SourceIp` is absent (R5.3).
    pub source_ip: Option<IpAddr>,
    pub now: Nanos,
    /// Extra keys given by the user; they replace built ones of the same name.
    pub extra: &'a [(String, String)],
}

/// The key prefix for a principal: the provider path after `oidc-provider/`, or the domain of a
/// built-in provider (R2.6, R6.1).
pub fn key_prefix(principal: &str) -> &str {
    match principal.split_once(":oidc-provider/") {
        Some((_, path)) if principal.starts_with("arn:") => path,
        _ => principal,
    }
}

/// The key prefix an issuer gives: the issuer URL without `https://` (R2.6).
pub fn issuer_prefix(iss: &str) -> &str {
    iss.strip_prefix("https://").unwrap_or(iss)
}

/// Build the request.
pub fn build(input: &RequestInput<'_>) -> Request {
    build_reading(input, None)
}

/// Build the request with only the keys in `reads` (lowercased) among those built from
/// claims and the call's context (`None`: every key). A policy's verdict depends on no key its
/// conditions do not name, so the exact model, which builds a request for every class it
/// judges, builds only those. Session tags, a source identity and `extra` are always built
/// (they also add actions, and are rare).
pub fn build_reading(
    input: &RequestInput<'_>,
    reads: Option<&std::collections::BTreeSet<String>>,
) -> Request {
    let wanted = |lower: &str| reads.is_none_or(|r| r.contains(lower));
    let prefix = key_prefix(input.principal);
    let set = ClaimSet::of(prefix);
    let mut req = Request {
        principal: input.principal.to_string(),
        actions: vec![ASSUME_ROLE_WITH_WEB_IDENTITY],
        keys: BTreeMap::new(),
    };
    let prefix_lower = prefix.to_ascii_lowercase();
    let mut lower = String::new();
    for claim in set.exposed() {
        lower.clear();
        lower.push_str(&prefix_lower);
        lower.push(':');
        lower.extend(claim.chars().map(|c| c.to_ascii_lowercase()));
        if !wanted(&lower) {
            continue;
        }
        if let Some(v) = input.claims.get(*claim).and_then(|v| claim_value(claim, v)) {
            let mut name = String::with_capacity(prefix.len() + 1 + claim.len());
            name.push_str(prefix);
            name.push(':');
            name.push_str(claim);
            req.insert_owned(name, v);
        }
    }
    if set == ClaimSet::Google {
        // R6.3: `:aud` carries `azp` when the token has one; `:oaud` always carries `aud`.
        let aud = input.claims.get("aud").and_then(|v| claim_value("aud", v));
        let azp = input.claims.get("azp").and_then(|v| claim_value("azp", v));
        if let Some(v) = azp.or_else(|| aud.clone()) {
            req.insert(&format!("{prefix}:aud"), v);
        }
        if let Some(v) = aud {
            req.insert(&format!("{prefix}:oaud"), v);
        }
    }
    if let Some(Value::Object(tags)) = input.claims.get(TAGS_CLAIM) {
        session_tags(&mut req, tags);
    }
    if let Some(v) = input.claims.get(SOURCE_IDENTITY_CLAIM) {
        if let Some(ContextValue::Single(s)) = claim_value("source_identity", v) {
            req.insert("sts:SourceIdentity", ContextValue::Single(s));
            req.actions.push(SET_SOURCE_IDENTITY);
        }
    }
    if wanted("aws:currenttime") {
        req.insert(
            "aws:CurrentTime",
            ContextValue::Single(current_time(input.now)),
        );
    }
    if wanted("aws:epochtime") {
        req.insert(
            "aws:EpochTime",
            ContextValue::Single(timestamp::seconds(input.now).to_string()),
        );
    }
    if wanted("aws:securetransport") {
        req.insert("aws:SecureTransport", ContextValue::Single("true".into()));
    }
    if let Some(ip) = input.source_ip.filter(|_| wanted("aws:sourceip")) {
        req.insert("aws:SourceIp", ContextValue::Single(ip.to_string()));
    }
    for (k, v) in input.extra {
        req.insert(k, ContextValue::Single(v.clone()));
    }
    req
}

/// `now` in RFC 3339, remembered for the last time asked: the exact model builds many
/// requests at one time, and formatting it was a tenth of building one.
fn current_time(now: Nanos) -> String {
    thread_local! {
        static LAST: std::cell::RefCell<Option<(Nanos, String)>> = const { std::cell::RefCell::new(None) };
    }
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        match &*last {
            Some((n, text)) if *n == now => text.clone(),
            _ => {
                let text = timestamp::rfc3339(now);
                *last = Some((now, text.clone()));
                text
            }
        }
    })
}

/// R6.7: `principal_tags` become `aws:RequestTag/<k>` and `aws:TagKeys`;
/// `transitive_tag_keys` becomes `sts:TransitiveTagKeys`. Tagging needs `sts:TagSession`.
fn session_tags(req: &mut Request, tags: &Map<String, Value>) {
    req.actions.push(TAG_SESSION);
    if let Some(Value::Object(principal_tags)) = tags.get("principal_tags") {
        let mut keys = Vec::new();
        for (k, v) in principal_tags {
            let value = match v {
                Value::Array(items) => items.first().and_then(scalar_text),
                other => scalar_text(other),
            };
            if let Some(value) = value {
                req.insert(&format!("aws:RequestTag/{k}"), ContextValue::Single(value));
            }
            keys.push(k.clone());
        }
        req.insert("aws:TagKeys", ContextValue::Multi(keys));
    }
    if let Some(Value::Array(items)) = tags.get("transitive_tag_keys") {
        let keys = items.iter().filter_map(scalar_text).collect();
        req.insert("sts:TransitiveTagKeys", ContextValue::Multi(keys));
    }
}

/// A claim's value as a condition-key value (R6.10): strings as they are, numbers and booleans
/// as JSON writes them, arrays as multivalued keys. Objects and null are not exposed.
fn claim_value(claim: &str, v: &Value) -> Option<ContextValue> {
    match v {
        Value::Array(items) => {
            let values: Vec<String> = items.iter().filter_map(scalar_text).collect();
            // [UNDOC] R6.10: whether an array `aud` is multivalued is undocumented. A
            // one-element array (Bitbucket writes these) is read as its single value; a longer
            // one is evaluated both ways, permissively (see `eval::condition`).
            match (claim, values.as_slice()) {
                ("aud", [one]) => Some(ContextValue::Single(one.clone())),
                ("aud", _) => Some(ContextValue::Ambiguous(values)),
                _ => Some(ContextValue::Multi(values)),
            }
        }
        other => scalar_text(other).map(ContextValue::Single),
    }
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
