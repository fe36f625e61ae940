//! Provider profiles: what each CI or identity provider puts in its tokens, so the linter can
//! tell an intended scope from a breach of it.
//!
//! The evaluator reads one fact from them, through [`recognise`]: which claims AWS exposes for
//! an issuer (`request::ClaimSet`), so an issuer is recognised in one place. Profiles describe the *shape* of identities (the `sub` grammar, tenancy, audiences) that the
//! linter needs to build witnesses.

mod builtin;
mod custom;
mod issuer;

pub use builtin::ALL;
pub use custom::{github_templates_of, with_template};
pub use issuer::{recognise, Recognised};

/// A provider.
#[derive(Debug)]
pub struct Profile {
    /// Stable id, e.g. `bitbucket`, `github`.
    pub id: &'static str,
    pub name: &'static str,
    /// Condition-key prefixes this provider's issuers produce (issuer URL without `https://`),
    /// with `*` standing for a tenant- or instance-specific part.
    pub prefixes: &'static [&'static str],
    /// Which claims AWS exposes for this provider's issuers (R6.2 to R6.6): the evaluator reads
    /// it through [`recognise`], the one place an issuer is recognised.
    pub claims: crate::request::ClaimSet,
    pub tenancy: Tenancy,
    /// The `sub` claim's grammar: every form a token's subject can take.
    pub subject: &'static [SubForm],
    /// Audiences the provider issues by default (documentation, and witnesses' `aud`).
    pub default_audiences: &'static [&'static str],
    /// Egress addresses shared by every customer of the provider, if it publishes any.
    pub shared_egress_ips: &'static [&'static str],
    /// Claims of a realistic token (JSON object text), used as the base of witnesses.
    pub example_claims: &'static str,
    /// Claims the provider facts show in every token, besides the ones OpenID Connect requires
    /// ([`REQUIRED_CLAIMS`]). A claim the facts do not settle is left out: it may be absent,
    /// which is the safe reading for rules about absent keys.
    pub always_present: &'static [&'static str],
    /// `(field, claim)`: a subject with this field comes from a token that carries this claim
    /// (GitHub's `environment:` context exactly when the job names an environment). A token
    /// without the claim cannot have such a subject.
    pub implied_by_subject: &'static [(&'static str, &'static str)],
    /// Prefix patterns of this provider whose issuer serves one tenant only, with the tenant
    /// unit's name (a GitHub enterprise's own issuer: `repo:*` there stays in the enterprise).
    pub per_tenant_prefixes: &'static [(&'static str, &'static str)],
    /// A member every group has, by the provider's own rules (Kubernetes creates a `default`
    /// service account in every namespace): a subject open on the group's members admits it.
    pub member_of_every_group: Option<(&'static str, &'static str)>,
    /// Claims that name what runs, not who calls it (GitHub's `job_workflow_ref`: the called
    /// reusable workflow): a condition on them alone lets every caller in.
    pub caller_free_claims: &'static [&'static str],
    /// A multivalued claim that tells guest identities from signed-in ones, with the value
    /// that means signed in (Cognito identity pools' `amr`, `authenticated`).
    pub guest_guard: Option<(&'static str, &'static str)>,
    /// What the claims AWS exposes besides `sub` identify, where they identify the caller
    /// (GitLab's `project_id`): the identity model gives each its role.
    pub claim_facts: &'static [ClaimFact],
    /// IAM's identity-provider controls, when AWS's page names this provider (R8.1).
    pub iam_identity_controls: Option<IdentityControls>,
    /// What the linter knows of the `sub` grammar beyond its forms.
    pub grammar: Grammar,
    /// A boolean claim that says the run's ref is protected (GitLab's `ref_protected`): a pin on
    /// a ref without it trusts whoever can push that ref.
    pub protected_ref_claim: Option<&'static str>,
}

/// What the linter knows of a provider's `sub` grammar beyond its forms. Data, so rules ask
/// the profile instead of testing its id.
#[derive(Debug, Clone, Copy)]
pub struct Grammar {
    /// The forms list every subject the provider issues (one documented grammar): a value that
    /// fits none of them never matches.
    pub complete: bool,
    /// A character no field ever holds, by the provider's naming rules (git refs, owner and
    /// project names never hold `:`).
    pub separator_free: Option<char>,
    /// The forms of a change request's runs (a pull or merge request, whose code nobody has
    /// reviewed yet), by form-name prefix, and what one is called.
    pub change_request: Option<ChangeRequest>,
    /// A repository may set its own subject template, declared in `rolecall.toml` (GitHub's
    /// `include_claim_keys`).
    pub custom_templates: bool,
    /// How `unmatchable-subject` names the forms a value fits none of, ending in "so," (none:
    /// "the provider's subject forms, so").
    pub forms_words: Option<&'static str>,
    /// How to write a value in the format, with `{example}` for a pinned example (none: "write
    /// the value in the provider's format").
    pub format_help: Option<&'static str>,
}

impl Grammar {
    /// Nothing known beyond the forms.
    pub const OPEN: Grammar = Grammar {
        complete: false,
        separator_free: None,
        change_request: None,
        custom_templates: false,
        forms_words: None,
        format_help: None,
    };
}

/// A change request's forms and name.
#[derive(Debug, Clone, Copy)]
pub struct ChangeRequest {
    pub form_prefix: &'static str,
    /// Singular: `pull request`.
    pub noun: &'static str,
}

/// What one exposed claim identifies.
#[derive(Debug)]
pub struct ClaimFact {
    pub claim: &'static str,
    pub role: Role,
    /// The subject field whose value the claim repeats, in forms that have that field
    /// (Buildkite's `organization_slug` is the `sub`'s organization).
    pub same_as: Option<&'static str>,
    /// A numeric or opaque id (counted by id in `who`).
    pub id: bool,
}

/// What IAM demands of a trust policy for a recognised shared OIDC issuer before it creates
/// the role or saves a new trust policy (R8.1, R8.2): a positive string condition on one of
/// `claims` with a value not scoped to everything. Existing roles are not re-checked until
/// their trust policy is next edited.
#[derive(Debug, Clone, Copy)]
pub struct IdentityControls {
    /// The issuers (condition-key prefixes, compared ignoring ASCII case) IAM recognises as
    /// shared. Exact: another issuer of the same kind (a GitHub enterprise's own) is not one.
    pub issuers: &'static [&'static str],
    /// The claims of which the trust policy must constrain at least one.
    pub claims: &'static [&'static str],
}

impl IdentityControls {
    /// Does IAM apply these controls to the issuer with condition-key prefix `prefix`?
    pub fn applies_to(&self, prefix: &str) -> bool {
        self.issuers.iter().any(|i| i.eq_ignore_ascii_case(prefix))
    }
}

/// Claims every OpenID Connect ID token carries (OpenID Connect Core 1.0, section 2).
pub const REQUIRED_CLAIMS: &[&str] = &["iss", "sub", "aud", "exp", "iat"];

/// Whether one issuer URL serves every customer, or each tenant has its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tenancy {
    /// One issuer for all customers: tenancy lives in the claims (GitHub, GitLab.com, ...).
    Shared,
    /// One issuer per tenant: the unit named (workspace, organization, cluster, ...).
    PerTenant { unit: &'static str },
}

/// One form of the subject, as literal text and fields.
#[derive(Debug)]
pub struct SubForm {
    /// Short name, e.g. `branch`, `pull-request`, `deployment-step`.
    pub name: &'static str,
    pub parts: &'static [Part],
}

#[derive(Debug)]
pub enum Part {
    Lit(&'static str),
    Field(Field),
}

/// A variable part of the subject.
#[derive(Debug)]
pub struct Field {
    /// e.g. `owner`, `repo`, `branch`, `environment`, `step`.
    pub name: &'static str,
    pub role: Role,
    /// A realistic value.
    pub example: &'static str,
    /// A value no real policy intends: what an outsider would present.
    pub other: &'static str,
    /// Every value the provider can issue for it, by its documentation: the identity model's
    /// domain for the field. Wider when unsure (a narrower one could hide an admitted identity),
    /// but never holding the form's separators unless the provider's values can.
    pub shape: Shape,
}

/// The values a field can take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Letters, digits, `.`, `_` and `-`: a slug or path segment (a GitLab group or project,
    /// a Kubernetes name).
    Name,
    /// [`Shape::Name`]s joined by `/` (a GitLab subgroup path, which nests).
    Path,
    /// Printable, and neither a space, `:` nor `/`: an identifier whose exact alphabet the
    /// documentation leaves open, between `:` or `/` separators.
    Segment,
    /// A git ref name (git check-ref-format): may hold `/`, never `:` nor a space.
    GitRef,
    Digits,
    /// `8-4-4-4-12` hex digits.
    Uuid,
    /// A UUID in braces.
    BracedUuid,
    /// Printable and not a space (an opaque id, a URL).
    Opaque,
    /// Anything but this character (a display name that may hold spaces).
    Except(char),
    /// Any text.
    Any,
    /// Exactly one of these values.
    OneOf(&'static [&'static str]),
}

/// What a field means for scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// The tenant boundary inside a shared issuer (GitHub owner, GitLab top group, HCP org).
    Tenant,
    /// One pipeline's home: repository, project, pipeline, service account, stack.
    Project,
    /// A grouping between tenant and project (GitLab subgroup path, k8s namespace, HCP project).
    Group,
    /// A git ref (branch or tag name).
    Ref,
    /// A deployment environment.
    Environment,
    /// Kind of trigger or ref (`pull_request`, `ref_type`, run phase).
    Event,
    /// Changes every run (Bitbucket step UUID, commit SHA): never pin it.
    Volatile,
    Other,
}

impl Profile {
    /// The profile whose prefix patterns match a condition-key prefix.
    pub fn for_prefix(prefix: &str) -> Option<&'static Profile> {
        recognise(prefix).profile
    }

    /// Is `form` one of change-request tokens (a pull or merge request, whose code nobody has
    /// reviewed yet), by the profile's grammar?
    pub fn is_change_request(&self, form: &SubForm) -> bool {
        self.grammar
            .change_request
            .is_some_and(|c| form.name.starts_with(c.form_prefix))
    }

    pub fn by_id(id: &str) -> Option<&'static Profile> {
        ALL.iter().copied().find(|p| p.id == id)
    }

    pub fn is_shared(&self) -> bool {
        self.tenancy == Tenancy::Shared
    }

    /// Does every token of this provider carry `claim` (compared ignoring ASCII case, as
    /// condition keys are)?
    pub fn always_carries(&self, claim: &str) -> bool {
        REQUIRED_CLAIMS
            .iter()
            .chain(self.always_present)
            .any(|c| c.eq_ignore_ascii_case(claim))
    }

    /// The subject fields whose presence means the token carries `claim`.
    pub fn fields_implying<'a>(
        &'a self,
        claim: &'a str,
    ) -> impl Iterator<Item = &'static str> + 'a {
        self.implied_by_subject
            .iter()
            .filter(move |(_, c)| c.eq_ignore_ascii_case(claim))
            .map(|(f, _)| *f)
    }
}

/// A UUID (`8-4-4-4-12` hex digits), as CircleCI and Semaphore ids are.
pub fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// A UUID in braces, as Bitbucket writes its repository, environment and step ids.
pub fn is_braced_uuid(s: &str) -> bool {
    s.strip_prefix('{')
        .and_then(|r| r.strip_suffix('}'))
        .is_some_and(is_uuid)
}

/// The values a field can take, when it is an enumeration (HCP Terraform's run phase,
/// Spacelift's run type and token scope), from the provider facts.
pub fn enumerated(field: &Field) -> Option<&'static [&'static str]> {
    match field.shape {
        Shape::OneOf(values) => Some(values),
        _ => None,
    }
}

impl SubForm {
    /// Render with a value per field.
    pub fn render(&self, value: impl Fn(usize, &Field) -> String) -> String {
        let mut out = String::new();
        let mut i = 0;
        for part in self.parts {
            match part {
                Part::Lit(s) => out.push_str(s),
                Part::Field(f) => {
                    out.push_str(&value(i, f));
                    i += 1;
                }
            }
        }
        out
    }

    pub fn fields(&self) -> impl Iterator<Item = &Field> {
        self.parts.iter().filter_map(|p| match p {
            Part::Field(f) => Some(f),
            Part::Lit(_) => None,
        })
    }
}

#[cfg(test)]
mod tests;
