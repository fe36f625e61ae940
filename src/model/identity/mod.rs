//! Identity models: the fields a provider's token is made from, and how each claim derives
//! from them. An identity is an assignment of fields; its token renders every claim from
//! those fields, so claims derived from one fact always agree (the `sub`'s owner is the
//! `repository`'s owner; a CircleCI `sub` names the organization of its issuer).
//!
//! The data sits beside `crate::providers` (the lint's profiles) and reads them for the
//! providers without a hand-written model: their `sub` forms become templates, and every
//! other claim AWS exposes becomes a field of its own.

mod bitbucket;
mod circleci;
mod domain;
mod generic;
mod github;
mod github_custom;

pub use domain::{CharClass, Domain, DomainState};

use crate::providers::{Profile, Role};
use crate::request::ClaimSet;

/// One field of an identity.
#[derive(Debug, Clone)]
pub struct FieldSpec {
    pub name: String,
    pub domain: Domain,
    /// May the token lack it (and with it every claim it appears in)?
    pub optional: bool,
    /// A realistic value, preferred for witnesses when it behaves like the one found.
    pub example: String,
    /// What an outsider would present, the next preference.
    pub other: String,
    /// Counted by id in `who`: a repository, project or owner id.
    pub is_id: bool,
    /// The value a real token derives from earlier fields when nothing says otherwise
    /// (a template such as `{owner}`): GitHub's `job_workflow_ref` names the job's own
    /// repository and ref unless a reusable workflow from elsewhere runs. A witness takes it
    /// whenever it behaves like the value found.
    pub prefer: Option<String>,
    /// Most tokens lack it (GitHub's `enterprise_id` outside enterprises): a witness leaves
    /// it out unless a condition tests it.
    pub rare: bool,
    /// What the field identifies (the tenant, the project, the ref), for the lint's breadth
    /// questions: a profile's field carries it, a hand-written model sets it. `None`: it
    /// identifies nothing those questions ask about (an actor, a workflow, a per-run id).
    pub role: Option<Role>,
}

impl FieldSpec {
    pub fn new(name: &str, domain: Domain, example: &str, other: &str) -> Self {
        FieldSpec {
            name: name.to_string(),
            domain,
            optional: false,
            example: example.to_string(),
            other: other.to_string(),
            is_id: false,
            prefer: None,
            rare: false,
            role: None,
        }
    }

    /// What the field identifies (see [`FieldSpec::role`]).
    pub fn role(mut self, role: Role) -> Self {
        self.role = Some(role);
        self
    }

    /// Optional, and absent from witnesses unless a condition tests it.
    pub fn rare(mut self) -> Self {
        self.optional = true;
        self.rare = true;
        self
    }

    /// Prefer the value `template` renders from earlier fields (see [`FieldSpec::prefer`]).
    pub fn prefer(mut self, template: &str) -> Self {
        self.prefer = Some(template.to_string());
        self
    }

    pub fn optional(mut self) -> Self {
        self.optional = true;
        self
    }

    pub fn id(mut self) -> Self {
        self.is_id = true;
        self
    }
}

/// A piece of a claim template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TPart {
    Lit(String),
    /// Index into [`Form::fields`].
    Field(usize),
}

/// A claim rendered from fields.
#[derive(Debug, Clone)]
pub struct ClaimTemplate {
    pub claim: String,
    pub parts: Vec<TPart>,
}

/// One way a token of the provider looks (a branch run, a pull request, a deployment step).
#[derive(Debug, Clone)]
pub struct Form {
    pub name: String,
    /// How `who` and `diff` say it, with `{field}` placeholders: `pull-request runs of
    /// {owner}/{repo}`.
    pub words: String,
    /// In the order every template names them (a template never names a later field first).
    pub fields: Vec<FieldSpec>,
    pub claims: Vec<ClaimTemplate>,
    /// Exposed claims this form never carries (GitHub's `environment` outside an
    /// environment job).
    pub absent: Vec<String>,
    /// A token of a change not yet merged (a pull or merge request): its code is nobody's
    /// reviewed code, whatever ref it names.
    pub change_request: bool,
}

impl Form {
    /// The token's claims for one assignment of fields (in field order): a claim built from
    /// an absent field is absent.
    pub fn render(&self, values: &[Option<&str>]) -> serde_json::Map<String, serde_json::Value> {
        let mut out = serde_json::Map::new();
        'claims: for c in &self.claims {
            let mut text = String::new();
            for part in &c.parts {
                match part {
                    TPart::Lit(s) => text.push_str(s),
                    TPart::Field(i) => match values.get(*i).copied().flatten() {
                        Some(v) => text.push_str(v),
                        None => continue 'claims,
                    },
                }
            }
            out.insert(c.claim.clone(), serde_json::Value::String(text));
        }
        out
    }
}

impl Form {
    /// The value field `fi` takes when derived from the earlier fields' `values` as a real
    /// token derives it, if it has such a preference and those fields are present.
    pub fn preferred(&self, fi: usize, values: &[Option<String>]) -> Option<String> {
        let template = self.fields.get(fi)?.prefer.as_deref()?;
        let earlier = self.fields.get(..fi)?;
        let mut out = String::new();
        for part in parse_template(template, earlier) {
            match part {
                TPart::Lit(s) => out.push_str(&s),
                TPart::Field(i) => out.push_str(values.get(i)?.as_deref()?),
            }
        }
        Some(out)
    }
}

/// A provider's identity model, for one issuer.
#[derive(Debug, Clone)]
pub struct IdentityModel {
    pub provider: String,
    pub claim_set: ClaimSet,
    pub forms: Vec<Form>,
}

/// A small builder so the provider files read like the claims they describe.
pub(crate) struct FormBuilder {
    form: Form,
}

impl FormBuilder {
    pub fn new(name: &str, words: &str) -> Self {
        FormBuilder {
            form: Form {
                name: name.to_string(),
                words: words.to_string(),
                fields: Vec::new(),
                claims: Vec::new(),
                absent: Vec::new(),
                change_request: false,
            },
        }
    }

    /// A form of change-request tokens (see [`Form::change_request`]).
    pub fn change_request(mut self) -> Self {
        self.form.change_request = true;
        self
    }

    pub fn field(mut self, f: FieldSpec) -> Self {
        self.form.fields.push(f);
        self
    }

    /// A claim template: `{name}` is a field, everything else literal.
    pub fn claim(mut self, claim: &str, template: &str) -> Self {
        let parts = parse_template(template, &self.form.fields);
        self.form.claims.push(ClaimTemplate {
            claim: claim.to_string(),
            parts,
        });
        self
    }

    /// An exposed claim this form never carries.
    pub fn without(mut self, claim: &str) -> Self {
        self.form.absent.push(claim.to_string());
        self
    }

    pub fn build(self) -> Form {
        self.form
    }
}

fn parse_template(t: &str, fields: &[FieldSpec]) -> Vec<TPart> {
    let mut out = Vec::new();
    let mut rest = t;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest.get(open..).and_then(|r| r.find('}')) else {
            break;
        };
        let name = rest.get(open + 1..open + close).unwrap_or_default();
        match fields.iter().position(|f| f.name == name) {
            Some(i) => {
                if open > 0 {
                    out.push(TPart::Lit(rest.get(..open).unwrap_or_default().to_string()));
                }
                out.push(TPart::Field(i));
            }
            // Not a field: literal braces (Bitbucket ids are written `{uuid}`).
            None => out.push(TPart::Lit(
                rest.get(..=open + close).unwrap_or_default().to_string(),
            )),
        }
        rest = rest.get(open + close + 1..).unwrap_or_default();
    }
    if !rest.is_empty() {
        out.push(TPart::Lit(rest.to_string()));
    }
    merge_literals(out)
}

/// Adjacent literals joined and empty ones dropped: a template's parts alternate.
fn merge_literals(parts: Vec<TPart>) -> Vec<TPart> {
    let mut out: Vec<TPart> = Vec::new();
    for p in parts {
        match (out.last_mut(), p) {
            (Some(TPart::Lit(prev)), TPart::Lit(s)) => prev.push_str(&s),
            (_, TPart::Lit(s)) if s.is_empty() => {}
            (_, p) => out.push(p),
        }
    }
    out
}

/// The identity model for a caller's key prefix (issuer without `https://`).
pub fn for_prefix(prefix: &str) -> IdentityModel {
    for_prefix_as(prefix, None)
}

/// The identity model for a caller's key prefix, its tokens those of `declared` when config
/// declares the issuer an instance of a provider (a self-managed GitLab) whose model is
/// generated from its profile ([`generated`]); a hand-written model keeps its own issuers.
pub fn for_prefix_as(prefix: &str, declared: Option<&Profile>) -> IdentityModel {
    for_prefix_with(prefix, declared, &[])
}

/// [`for_prefix_as`], GitHub's tokens also under each custom subject template of
/// `templates` (`include_claim_keys`, declared or read off the policy's `sub` values). A
/// declared instance of a hand-written kind (a GitHub Enterprise Server's own issuer) follows
/// that kind's model with its own issuer.
pub fn for_prefix_with(
    prefix: &str,
    declared: Option<&Profile>,
    templates: &[Vec<String>],
) -> IdentityModel {
    let claim_set = ClaimSet::of(prefix);
    let iss = format!("https://{prefix}");
    let profile = declared.or_else(|| Profile::for_prefix(prefix));
    let kind = match declared {
        Some(k) if generated(k) => None,
        Some(k) => Some(k.id),
        None => match claim_set {
            ClaimSet::GitHub => Some("github"),
            ClaimSet::Bitbucket => Some("bitbucket"),
            ClaimSet::CircleCi => Some("circleci"),
            _ => None,
        },
    };
    let forms = match kind {
        Some("github") => github::forms(&iss, templates),
        Some("bitbucket") => bitbucket::forms(&iss),
        Some("circleci") => circleci::forms(&iss, prefix),
        _ => generic::forms(&iss, profile),
    };
    let provider =
        profile.map_or_else(|| format!("OIDC provider {prefix}"), |p| p.name.to_string());
    let forms = forms
        .into_iter()
        .map(|f| generic::complete(f, claim_set, profile))
        .collect();
    IdentityModel {
        provider,
        claim_set,
        forms,
    }
}

/// Can the GitHub model render tokens under this custom subject template (every key's
/// fields read once, in one order)?
pub fn renders_template(template: &[String]) -> bool {
    github::renders(template)
}

/// The custom subject templates the `<prefix>:sub` values of `policies` are written for
/// ([`crate::providers::github_templates_of`]) that the model renders, with `declared` ones
/// first, each once. Extra forms only add tokens GitHub can issue, so reading them off every
/// statement (Deny ones too) is sound.
pub fn templates_in(
    policies: &[&crate::policy::Policy],
    prefix: &str,
    declared: &[Vec<String>],
) -> Vec<Vec<String>> {
    let key = format!("{}:sub", prefix.to_ascii_lowercase());
    let mut out: Vec<Vec<String>> = Vec::new();
    let inferred = policies
        .iter()
        .flat_map(|p| &p.statements)
        .flat_map(|s| &s.conditions)
        .filter(|c| c.key_lower == key)
        .flat_map(|c| &c.values)
        .flat_map(|v| crate::providers::github_templates_of(&v.raw));
    for t in declared.iter().cloned().chain(inferred) {
        if !out.contains(&t) && renders_template(&t) {
            out.push(t);
        }
    }
    out
}

/// Is this profile's identity model generated from the profile, not hand-written? The
/// hand-written ones are those of the claim sets with a model of their own.
pub fn generated(profile: &Profile) -> bool {
    !profile.prefixes.iter().any(|p| {
        matches!(
            ClaimSet::of(p),
            ClaimSet::GitHub | ClaimSet::Bitbucket | ClaimSet::CircleCi
        )
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    /// Every template names its fields in processing order, once: the field search relies
    /// on it.
    #[test]
    fn templates_name_fields_in_order() {
        for prefix in [
            "token.actions.githubusercontent.com",
            "api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc",
            "oidc.circleci.com/org/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
            "gitlab.com",
            "agent.buildkite.com",
            "app.terraform.io",
            "accounts.google.com",
            "example.com",
        ] {
            for form in for_prefix(prefix).forms {
                for c in &form.claims {
                    let idx: Vec<usize> = c
                        .parts
                        .iter()
                        .filter_map(|p| match p {
                            TPart::Field(i) => Some(*i),
                            TPart::Lit(_) => None,
                        })
                        .collect();
                    assert!(idx.windows(2).all(|w| w[0] < w[1]), "{prefix} {}", c.claim);
                }
            }
        }
    }

    #[test]
    fn braces_that_are_not_fields_stay_literal() {
        let f = vec![FieldSpec::new("repo", Domain::free(), "a", "b")];
        let parts = parse_template("{x}:{repo}", &f);
        assert_eq!(parts, vec![TPart::Lit("{x}:".into()), TPart::Field(0)]);
    }
}
