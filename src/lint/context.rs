//! What rules look at: the policy, each statement's providers, and their conditions by claim.

use crate::policy::{Condition, Effect, Policy, Principal, PrincipalKind, Statement};
use crate::providers::{github_templates_of, Profile, Tenancy};
use crate::request::{key_prefix, ClaimSet, ASSUME_ROLE_WITH_WEB_IDENTITY};

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;

use super::breadth::Breadth;
use super::config::Config;

/// Breadth by statement and provider ([`LintContext::statement_key`]).
static BREADTH: std::sync::LazyLock<crate::model::Memo<Breadth>> =
    std::sync::LazyLock::new(|| crate::model::Memo::new(4096));

/// Statements whose key is longer than this (a statement with very many Deny statements
/// beside it) are not memoized.
const MEMO_BYTES: usize = 64 * 1024;

/// One rule run's view of a policy.
pub struct LintContext<'a> {
    pub policy: &'a Policy,
    /// The file path or role name the policy came from.
    pub origin: &'a str,
    pub statements: Vec<StatementView<'a>>,
    pub config: &'a Config,
    /// Per statement, per provider: the breadth analysis, computed on first use.
    breadth: Vec<Vec<OnceCell<Breadth>>>,
    /// Per statement: it and every Deny statement (built on first use; see [`Self::own_and_denies`]).
    own_and_denies: Vec<OnceCell<Policy>>,
    /// Per statement: [`Self::own_text`], built on first use.
    own_text: Vec<OnceCell<Option<String>>>,
    /// The indices of the Deny statements, found once: scanning every statement for each one
    /// made a policy of many statements quadratic.
    denies: Vec<usize>,
    /// The caller `check --claims` derives for an issuer from this policy, per issuer.
    callers: RefCell<HashMap<String, String>>,
}

/// A statement with the web identity providers it names.
pub struct StatementView<'a> {
    /// Its position in the policy.
    pub index: usize,
    pub statement: &'a Statement,
    pub providers: Vec<ProviderView<'a>>,
}

/// A Federated principal entry that is a web identity provider.
pub struct ProviderView<'a> {
    /// The principal string (provider ARN or built-in domain).
    pub principal: &'a str,
    pub entry_loc: &'a crate::policy::Loc,
    /// The condition-key prefix its claims use.
    pub prefix: &'a str,
    /// Lowercased prefix, for key comparisons.
    pub prefix_lower: String,
    pub profile: Option<&'static Profile>,
    /// Shared or per tenant (a declared self-hosted instance is always per tenant).
    pub tenancy: Option<Tenancy>,
    /// Which claims AWS exposes for it.
    pub claims: ClaimSet,
    /// GitHub custom subject templates (`include_claim_keys`) its tokens may follow: the one
    /// config declares for the issuer, then those the statement's `sub` values are written
    /// for. Owned here: what one policy infers never depends on what was linted before.
    pub templates: Vec<Vec<String>>,
}

impl<'a> LintContext<'a> {
    pub fn new(policy: &'a Policy, config: &'a Config, origin: &'a str) -> Self {
        let statements: Vec<StatementView<'a>> = policy
            .statements
            .iter()
            .enumerate()
            .map(|(index, s)| StatementView {
                index,
                statement: s,
                providers: providers(s, config),
            })
            .collect();
        let breadth = statements
            .iter()
            .map(|v: &StatementView<'_>| v.providers.iter().map(|_| OnceCell::new()).collect())
            .collect();
        let own_and_denies = statements.iter().map(|_| OnceCell::new()).collect();
        let denies = policy
            .statements
            .iter()
            .enumerate()
            .filter(|(_, d)| d.effect == Effect::Deny)
            .map(|(i, _)| i)
            .collect();
        LintContext {
            policy,
            origin,
            statements,
            config,
            breadth,
            own_text: policy.statements.iter().map(|_| OnceCell::new()).collect(),
            own_and_denies,
            denies,
            callers: RefCell::new(HashMap::new()),
        }
    }

    /// A memo key for what statement `s`'s provider `p` admits: the statement with every Deny
    /// statement of the policy ([`Self::own_and_denies`], without Sids), the caller
    /// `check --claims` derives for the provider's issuer, and the whole configuration: every
    /// breadth answer and model witness of the statement depends on these alone. An account
    /// deploys one document to many roles, and a policy repeats a statement under many Sids:
    /// keyed by it, each is worked out once. `None` past [`MEMO_BYTES`].
    pub(crate) fn statement_key(&self, s: usize, p: usize) -> Option<String> {
        let prefix = self.statements.get(s)?.providers.get(p)?.prefix;
        let key = format!(
            "{p}\u{0}{}\u{0}{}\u{0}{:?}",
            self.caller_for(&format!("https://{prefix}")),
            self.own_text(s)?,
            self.config
        );
        (key.len() <= MEMO_BYTES).then_some(key)
    }

    /// [`Self::own_and_denies`] without Sids (which change nothing it admits) as JSON text,
    /// worked out once per statement: the memos of its answers are keyed by it.
    pub(crate) fn own_text(&self, s: usize) -> Option<&str> {
        let cell = self.own_text.get(s)?;
        cell.get_or_init(|| {
            let mut unnamed = self.own_and_denies(s)?.clone();
            for st in &mut unnamed.statements {
                st.sid = None;
            }
            Some(unnamed.to_json().to_string())
        })
        .as_deref()
    }

    /// The caller principal `rolecall check --claims` derives from `iss` for the whole policy
    /// (the first provider ARN of that URL), computed once per issuer.
    pub fn caller_for(&self, iss: &str) -> String {
        if let Some(p) = self.callers.borrow().get(iss) {
            return p.clone();
        }
        let p = crate::check::principal_for_issuer(self.policy, iss);
        self.callers.borrow_mut().insert(iss.to_string(), p.clone());
        p
    }

    /// Statement `s` with every Deny statement of the policy: a request this allows, the whole
    /// policy allows (an Allow statement matches and no Deny does), so the model is asked about
    /// statement `s` and its witnesses confirmed without evaluating every other Allow statement,
    /// which kept linting a policy of many statements quadratic.
    pub fn own_and_denies(&self, s: usize) -> Option<&Policy> {
        let own = self.policy.statements.get(s)?;
        let cell = self.own_and_denies.get(s)?;
        Some(cell.get_or_init(|| {
            Policy {
                version: self.policy.version,
                id: None,
                statements: std::iter::once(own.clone())
                    .chain(
                        self.denies
                            .iter()
                            .filter(|&&i| i != s)
                            .filter_map(|&i| self.policy.statements.get(i).cloned()),
                    )
                    .collect(),
                warnings: Vec::new(),
            }
        }))
    }

    /// How far statement `s`'s `sub` conditions reach for its provider `p` (computed once).
    pub fn breadth(&self, s: usize, p: usize) -> Option<&Breadth> {
        let view = self.statements.get(s)?;
        let provider = view.providers.get(p)?;
        let cell = self.breadth.get(s)?.get(p)?;
        Some(cell.get_or_init(|| {
            let analyse = || super::breadth::analyse(self, view, provider);
            match self.statement_key(s, p) {
                Some(key) => BREADTH.get_or(key, analyse),
                None => analyse(),
            }
        }))
    }
}

fn providers<'a>(s: &'a Statement, config: &Config) -> Vec<ProviderView<'a>> {
    let Principal::Entries(entries, _) = &s.principal else {
        return Vec::new();
    };
    entries
        .iter()
        .filter(|e| e.kind == PrincipalKind::Federated && !e.value.contains(":saml-provider/"))
        .map(|e| ProviderView::new(&e.value, &e.loc, config).with_templates_of(s))
        .collect()
}

impl<'a> ProviderView<'a> {
    pub fn new(principal: &'a str, entry_loc: &'a crate::policy::Loc, config: &Config) -> Self {
        let prefix = key_prefix(principal);
        let resolved = config.resolve(prefix).map(|(profile, tenancy)| {
            // An issuer of a shared kind that serves one tenant (a GitHub enterprise's own).
            match per_tenant_unit(profile, prefix) {
                Some(unit) if tenancy == Tenancy::Shared => (profile, Tenancy::PerTenant { unit }),
                _ => (profile, tenancy),
            }
        });
        ProviderView {
            principal,
            entry_loc,
            prefix,
            prefix_lower: prefix.to_ascii_lowercase(),
            profile: resolved.map(|(p, _)| p),
            tenancy: resolved.map(|(_, t)| t),
            claims: ClaimSet::of(prefix),
            templates: config
                .instances
                .iter()
                .filter(|i| i.issuer == prefix)
                .flat_map(|i| i.templates.iter().cloned())
                .collect(),
        }
    }

    /// For GitHub: add the custom subject templates the statement's `sub` values are written
    /// for, as owned key lists the model renders (a template starting with an attacker-chosen
    /// claim such as `workflow:` admits every repository that sets it).
    fn with_templates_of(mut self, s: &Statement) -> Self {
        if !self.profile.is_some_and(|p| p.grammar.custom_templates) {
            return self;
        }
        let templates: Vec<Vec<String>> = s
            .conditions
            .iter()
            .filter(|c| {
                claim_of(&c.key_lower, &self.prefix_lower).as_deref() == Some("sub")
                    && c.operator.base.family() == crate::policy::Family::String
                    && !c.operator.base.is_negated()
            })
            .flat_map(|c| c.values.iter())
            .flat_map(|v| github_templates_of(&v.raw))
            .collect();
        for t in templates {
            if !self.templates.contains(&t) {
                self.templates.push(t);
            }
        }
        self
    }

    /// One issuer for every customer of the platform.
    pub fn is_shared(&self) -> bool {
        self.tenancy == Some(Tenancy::Shared)
    }

    /// The tenant unit's name, for messages.
    pub fn tenant_unit(&self) -> &'static str {
        match self.tenancy {
            Some(Tenancy::PerTenant { unit }) => unit,
            Some(Tenancy::Shared) => "platform",
            None => "provider",
        }
    }
}

impl StatementView<'_> {
    /// An Allow that grants `sts:AssumeRoleWithWebIdentity`.
    pub fn allows_web_identity(&self) -> bool {
        self.statement.effect == Effect::Allow
            && self
                .statement
                .action
                .applies_to(ASSUME_ROLE_WITH_WEB_IDENTITY)
    }

    /// Conditions on `<prefix>:<claim>` for this provider.
    pub fn on_claim<'s>(
        &'s self,
        provider: &'s ProviderView<'_>,
        claim: &'s str,
    ) -> impl Iterator<Item = &'s Condition> + 's {
        self.statement.conditions.iter().filter(move |c| {
            claim_of(&c.key_lower, &provider.prefix_lower) == Some(claim.to_ascii_lowercase())
        })
    }

    /// Conditions whose key uses this provider's prefix.
    pub fn on_provider<'s>(
        &'s self,
        provider: &'s ProviderView<'_>,
    ) -> impl Iterator<Item = &'s Condition> + 's {
        self.statement
            .conditions
            .iter()
            .filter(move |c| claim_of(&c.key_lower, &provider.prefix_lower).is_some())
    }
}

/// The tenant unit of a shared kind's issuer that serves one tenant (`per_tenant_prefixes`).
fn per_tenant_unit(profile: &Profile, prefix: &str) -> Option<&'static str> {
    use crate::pattern::Matcher;
    use std::sync::LazyLock;
    // Compiled once: a whole-account dump asks this for every provider of every role.
    static PATTERNS: LazyLock<Vec<(&'static str, Matcher, &'static str)>> = LazyLock::new(|| {
        crate::providers::ALL
            .iter()
            .flat_map(|p| {
                p.per_tenant_prefixes
                    .iter()
                    .map(move |(pat, unit)| (p.id, Matcher::new(pat), *unit))
            })
            .collect()
    });
    PATTERNS
        .iter()
        .find(|(id, m, _)| *id == profile.id && m.is_match(prefix))
        .map(|(_, _, unit)| *unit)
}

/// The claim part of a lowercased key, when its prefix is `prefix_lower`.
pub fn claim_of(key_lower: &str, prefix_lower: &str) -> Option<String> {
    key_lower
        .strip_prefix(prefix_lower)
        .and_then(|rest| rest.strip_prefix(':'))
        .map(str::to_string)
}

/// A positive, plain (no set qualifier, no `IfExists`) string condition: one that restricts.
pub fn restricts(c: &Condition) -> bool {
    c.operator.set.is_none()
        && !c.operator.if_exists
        && !c.operator.base.is_negated()
        && matches!(
            c.operator.base.family(),
            crate::policy::Family::String | crate::policy::Family::Arn
        )
}
