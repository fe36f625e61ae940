//! `rolecall.toml`: parsed with the `toml` crate into [`Config`].
//!
//! ```toml
//! [rules]
//! missing-audience-condition = "off"       # or "note", "warning", "error"
//!
//! [[ignore]]
//! rule = "tenant-wide-subject"
//! path = "roles/sandbox/*"
//! reason = "sandbox roles are deliberately broad"
//!
//! [[provider]]                             # a self-hosted instance of a built-in kind
//! kind = "gitlab"
//! issuer = "gitlab.example.com"
//!
//! [[provider]]                             # a GitHub custom subject template
//! kind = "github"
//! issuer = "token.actions.githubusercontent.com"
//! include_claim_keys = ["repository_owner", "repository", "ref"]
//!
//! [[scope]]                                # the intended scope of roles under a path
//! path = "deploy/*"
//! repository = ["{1de489be-ce6a-42a0-a8c8-eadbf1174ac7}"]
//! ```

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;
use thiserror::Error;

use super::config::{Config, Ignore, Instance, Scope};
use super::Severity;
use crate::providers::{with_template, Profile, Tenancy};

/// A configuration problem, with the byte span in the file when known.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{message}")]
pub struct ConfigError {
    pub message: String,
    pub span: Option<Range<usize>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    rules: BTreeMap<String, String>,
    #[serde(default)]
    ignore: Vec<IgnoreEntry>,
    #[serde(default)]
    provider: Vec<ProviderEntry>,
    #[serde(default)]
    scope: Vec<BTreeMap<String, toml::Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IgnoreEntry {
    rule: String,
    path: String,
    reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProviderEntry {
    kind: String,
    issuer: String,
    /// A GitHub custom subject template, as configured on GitHub.
    include_claim_keys: Option<Vec<String>>,
}

fn error(message: impl Into<String>) -> ConfigError {
    ConfigError {
        message: message.into(),
        span: None,
    }
}

/// Parse `rolecall.toml` text. `known_rule` says whether a rule id exists.
pub fn parse(text: &str, known_rule: impl Fn(&str) -> bool) -> Result<Config, ConfigError> {
    let file: File = toml::from_str(text).map_err(|e| ConfigError {
        message: e.message().to_string(),
        span: e.span(),
    })?;
    let mut config = Config::default();
    for (id, level) in file.rules {
        if !known_rule(&id) {
            return Err(error(format!("[rules]: no rule is called `{id}`")));
        }
        let severity = match level.as_str() {
            "off" => None,
            other => Some(Severity::parse(other).ok_or_else(|| {
                error(format!(
                    "[rules] {id} = `{other}`: use \"off\", \"note\", \"warning\" or \"error\""
                ))
            })?),
        };
        config.rules.insert(id, severity);
    }
    for i in file.ignore {
        if i.reason.trim().is_empty() {
            return Err(error(format!("[[ignore]] for `{}` needs a reason", i.rule)));
        }
        // An ignore may also name a reader problem about a deploy-time value.
        let problem = crate::source::IGNORABLE_PROBLEMS.contains(&i.rule.as_str());
        if i.rule != "*" && !known_rule(&i.rule) && !problem {
            return Err(error(format!(
                "[[ignore]]: no rule is called `{}` (reader problems that may be ignored: {})",
                i.rule,
                crate::source::IGNORABLE_PROBLEMS.join(", ")
            )));
        }
        config.ignores.push(Ignore {
            rule: i.rule,
            path: i.path,
            reason: i.reason,
        });
    }
    for p in file.provider {
        let kind = Profile::by_id(&p.kind)
            .ok_or_else(|| error(format!("[[provider]]: unknown kind `{}`", p.kind)))?;
        let issuer = p
            .issuer
            .trim_start_matches("https://")
            .trim_end_matches('/')
            .to_string();
        // An issuer the kind already knows (github.com with a custom template) keeps the
        // kind's tenancy; any other is a self-hosted instance: its own tenant.
        let tenancy = match Profile::for_prefix(&issuer) {
            Some(builtin) if builtin.id == kind.id => kind.tenancy,
            _ => Tenancy::PerTenant {
                unit: match kind.tenancy {
                    Tenancy::PerTenant { unit } => unit,
                    Tenancy::Shared => "instance",
                },
            },
        };
        let kind = match &p.include_claim_keys {
            Some(keys) => with_template(kind, keys)
                .map_err(|e| error(format!("[[provider]] `{issuer}`: {e}")))?,
            None => kind,
        };
        config.instances.push(Instance {
            issuer,
            kind,
            tenancy,
            templates: p.include_claim_keys.into_iter().collect(),
        });
    }
    for entry in file.scope {
        let mut path = None;
        let mut fields = BTreeMap::new();
        for (k, v) in entry {
            let values: Vec<String> = match v {
                toml::Value::String(s) => vec![s],
                toml::Value::Array(items) => items
                    .into_iter()
                    .map(|i| match i {
                        toml::Value::String(s) => Ok(s),
                        other => Err(error(format!(
                            "[[scope]] {k}: a {} is not a string",
                            other.type_str()
                        ))),
                    })
                    .collect::<Result<_, _>>()?,
                other => {
                    return Err(error(format!(
                        "[[scope]] {k}: a {} is not a string",
                        other.type_str()
                    )))
                }
            };
            if k == "path" {
                path = values.into_iter().next();
            } else {
                fields.insert(k, values);
            }
        }
        let path = path.ok_or_else(|| error("[[scope]] needs a `path`"))?;
        if fields.is_empty() {
            return Err(error(format!("[[scope]] for `{path}` names no field")));
        }
        config.scopes.push(Scope { path, fields });
    }
    Ok(config)
}
