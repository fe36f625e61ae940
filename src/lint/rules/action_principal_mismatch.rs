//! An Allow whose `Action` (or `NotAction`) does not cover the one STS action a principal it
//! names can call: an `AWS` principal (account, user, role, session) and a `Service` principal
//! call `sts:AssumeRole`, a SAML provider `sts:AssumeRoleWithSAML`. Granting such a principal
//! only `sts:AssumeRoleWithWebIdentity` (or only the SAML action to an AWS principal, ...)
//! means the statement never applies to it. Web identity providers are judged by
//! `web-identity-action-missing`; `"*"` principals by `wildcard-principal`.
//!
//! A statement that also grants the principal's own action is fine, and so is one that only
//! adds companion actions (`sts:TagSession`, `sts:SetSourceIdentity`, `sts:SetContext`) for a
//! principal another Allow lets in.

use crate::lint::{LintContext, Report, Rule, Severity};
use crate::policy::{Effect, Principal, PrincipalEntry, PrincipalKind, Statement};
use crate::request::{SET_SOURCE_IDENTITY, TAG_SESSION};

pub const RULE: Rule = Rule {
    id: "action-principal-mismatch",
    summary:
        "an `AWS`, `Service` or SAML principal is trusted only for an STS action it never calls",
    severity: Severity::Warning,
    doc: include_str!("../../../rules/action-principal-mismatch.md"),
    check,
    fix: crate::lint::fix::Fix::None,
};

const ASSUME_ROLE: &str = "sts:AssumeRole";
const ASSUME_ROLE_WITH_SAML: &str = "sts:AssumeRoleWithSAML";
const SET_CONTEXT: &str = "sts:SetContext";

/// Actions that accompany an assume-role action rather than replace it.
const COMPANIONS: &[&str] = &[TAG_SESSION, SET_SOURCE_IDENTITY, SET_CONTEXT];

/// The principal types this rule judges, and the one assume-role action each calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Aws,
    Service,
    Saml,
}

impl Caller {
    fn of(e: &PrincipalEntry) -> Option<Caller> {
        if e.value == "*" {
            return None;
        }
        match e.kind {
            PrincipalKind::Aws => Some(Caller::Aws),
            PrincipalKind::Service => Some(Caller::Service),
            PrincipalKind::Federated if e.value.contains(":saml-provider/") => Some(Caller::Saml),
            PrincipalKind::Federated | PrincipalKind::CanonicalUser => None,
        }
    }

    fn action(self) -> &'static str {
        match self {
            Caller::Aws | Caller::Service => ASSUME_ROLE,
            Caller::Saml => ASSUME_ROLE_WITH_SAML,
        }
    }

    fn what(self) -> &'static str {
        match self {
            Caller::Aws => "an `AWS` principal (an account, IAM user or role, or session)",
            Caller::Service => "a `Service` principal",
            Caller::Saml => "a SAML provider",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Caller::Aws => "an `AWS` principal",
            Caller::Service => "a `Service` principal",
            Caller::Saml => "a SAML provider",
        }
    }
}

const CALLERS: [Caller; 3] = [Caller::Aws, Caller::Service, Caller::Saml];

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    for view in &ctx.statements {
        let s = view.statement;
        let Principal::Entries(entries, _) = &s.principal else {
            continue;
        };
        if s.effect != Effect::Allow {
            continue;
        }
        for caller in CALLERS {
            let own = caller.action();
            if s.action.applies_to(own) {
                continue;
            }
            let mut named = entries.iter().filter(|e| Caller::of(e) == Some(caller));
            let Some(first) = named.next() else {
                continue;
            };
            if companion_only(s) && allowed_elsewhere(ctx, caller, entries) {
                continue;
            }
            let message = if s.action.negated {
                format!(
                    "`NotAction` excludes `{own}`, the only action {} can call to assume a \
                     role, so this statement never applies to it",
                    caller.what()
                )
            } else if s.action.items.is_empty() {
                format!(
                    "the `Action` list is empty, so this statement never applies to {}",
                    caller.what()
                )
            } else {
                let listed: Vec<String> = s
                    .action
                    .items
                    .iter()
                    .map(|i| format!("`{}`", i.raw))
                    .collect();
                format!(
                    "{} is never the action of {}, which assumes a role only with `{own}`: \
                     this statement never applies to `{}`",
                    listed.join(", "),
                    caller.what(),
                    first.value
                )
            };
            let finding = report
                .finding(&first.loc, message)
                .related(s.action.loc.clone(), "the actions this statement grants")
                .help(format!(
                    "grant `\"Action\": \"{own}\"` to {}, or move it to a statement of its own \
                     with that action",
                    caller.label()
                ));
            report.push(finding);
        }
    }
}

/// The statement's `Action` lists only companion actions.
fn companion_only(s: &Statement) -> bool {
    !s.action.negated
        && !s.action.items.is_empty()
        && s.action
            .items
            .iter()
            .all(|i| COMPANIONS.iter().any(|c| c.eq_ignore_ascii_case(&i.raw)))
}

/// Does another Allow let one of this statement's principals of type `caller` in with its own
/// action?
fn allowed_elsewhere(ctx: &LintContext<'_>, caller: Caller, entries: &[PrincipalEntry]) -> bool {
    ctx.statements.iter().any(|other| {
        let o = other.statement;
        let Principal::Entries(others, _) = &o.principal else {
            return false;
        };
        o.effect == Effect::Allow
            && o.action.applies_to(caller.action())
            && others.iter().any(|x| {
                Caller::of(x) == Some(caller)
                    && entries
                        .iter()
                        .any(|e| Caller::of(e) == Some(caller) && e.value == x.value)
            })
    })
}
