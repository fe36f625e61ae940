//! `missing-audience-condition`: the provider's default audience (profile data, GitHub's
//! `sts.amazonaws.com`) is required with `StringEquals`: a condition added where there was
//! none, or written over the `*` that admitted every audience. Only for providers whose
//! audience claim is `aud` and whose profile names a default audience. In a `.tf` file, a
//! `condition` block is added to an `aws_iam_policy_document` statement.

use super::edit::within;
use super::{insert, value_at, FixInput, Proposal, Syntax};
use crate::lint::ProviderView;
use crate::request::ClaimSet;

pub fn propose(input: &FixInput<'_>) -> Option<Proposal> {
    let span = &input.finding.loc.span;
    if let Some(at) = value_at(input.ctx, span) {
        let aud = audience(at.provider?)?;
        let edit = within(input.text, &at.value.loc.span, &at.value.raw, aud)?;
        return Some(Proposal {
            description: format!("require the audience `{aud}` instead of any"),
            edits: vec![edit],
        });
    }
    let (view, p) = input.ctx.statements.iter().find_map(|v| {
        v.providers
            .iter()
            .find(|p| p.entry_loc.span == *span)
            .map(|p| (v, p))
    })?;
    let aud = audience(p)?;
    let key = format!("{}:aud", p.prefix);
    let edit = match input.syntax {
        Syntax::JsonOrYaml => {
            insert::condition(input.text, view.statement, "StringEquals", &key, aud)?
        }
        Syntax::Hcl => {
            insert::hcl_condition_block(input.text, view.statement, "StringEquals", &key, aud)?
        }
    };
    Some(Proposal {
        description: format!("add `\"StringEquals\": {{ \"{key}\": \"{aud}\" }}`"),
        edits: vec![edit],
    })
}

/// The audience to require: the provider's default, when its audience claim is `aud`.
fn audience<'p>(p: &ProviderView<'p>) -> Option<&'static str> {
    if matches!(
        p.claims,
        ClaimSet::Google | ClaimSet::Facebook | ClaimSet::Amazon | ClaimSet::Cognito
    ) {
        return None;
    }
    p.profile?.default_audiences.first().copied()
}
