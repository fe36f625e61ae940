//! A trust statement naming a whole AWS account (`arn:aws:iam::123456789012:root` or the bare
//! account id): every principal of that account whose permissions allow `sts:AssumeRole` on
//! this role can assume it, including ones created later.

use crate::lint::{LintContext, Report, Rule, Severity};
use crate::policy::{Effect, Principal, PrincipalKind};

pub const RULE: Rule = Rule {
    id: "account-root-principal",
    summary: "the trust names a whole AWS account: any of its principals allowed to call AssumeRole gets in",
    severity: Severity::Note,
    doc: include_str!("../../../rules/account-root-principal.md"),
    check,
    fix: crate::lint::fix::Fix::None,
};

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    for view in &ctx.statements {
        let s = view.statement;
        let Principal::Entries(entries, _) = &s.principal else {
            continue;
        };
        if s.effect != Effect::Allow {
            continue;
        }
        for e in entries.iter().filter(|e| e.kind == PrincipalKind::Aws) {
            let Some(account) = whole_account(&e.value) else {
                continue;
            };
            report.push(
                report
                    .finding(
                        &e.loc,
                        format!(
                            "`{}` trusts every principal of account {account} that is allowed \
                             `sts:AssumeRole` on this role",
                            e.value
                        ),
                    )
                    .help("name the role or user that should assume this role by its ARN"),
            );
        }
    }
}

/// The account id when the value names a whole account.
fn whole_account(value: &str) -> Option<&str> {
    let is_account = |s: &str| s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit());
    if is_account(value) {
        return Some(value);
    }
    let rest = value.strip_prefix("arn:")?;
    let parts: Vec<&str> = rest.splitn(5, ':').collect();
    match parts.as_slice() {
        [_, "iam", "", account, "root"] if is_account(account) => Some(account),
        _ => None,
    }
}
