//! GitHub custom subject templates (`include_claim_keys`) on the identity model: the same
//! identities as the default forms, with `sub` rendered as the template's `key:value` pairs
//! over the form's own fields [https://docs.github.com/en/actions/reference/security/oidc].
//! `repo` renders `repo:{owner}/{repo}`, `context` the default subject's context
//! (`ref:refs/heads/…`, `ref:refs/tags/…`, `environment:…`, `pull_request`), and every other
//! key the claim of that name as the form renders it, so a witness's `sub` and its other
//! claims come from one identity and agree.

use super::{CharClass, ClaimTemplate, Domain, FieldSpec, Form, TPart};

/// The forms of `template` over each default `base` form, or `None` when the model cannot
/// render it (a key rendering a field twice, as `repository_owner` with `repo` does: the
/// field search reads each field once per claim).
pub(super) fn forms(base: &[Form], template: &[String]) -> Option<Vec<Form>> {
    if template.is_empty() {
        return None;
    }
    base.iter().map(|f| form(f, template)).collect()
}

/// `form` with its `sub` rendered by `template`.
fn form(base: &Form, template: &[String]) -> Option<Form> {
    let mut f = base.clone();
    f.name = format!("{}-custom-{}", base.name, template.join("-"));
    f.words = format!(
        "{} under the subject template `{}`",
        base.words,
        template.join("`, `")
    );
    let mut sub: Vec<TPart> = Vec::new();
    for (i, key) in template.iter().enumerate() {
        if key.is_empty() || key.contains(':') {
            return None;
        }
        if i > 0 {
            sub.push(TPart::Lit(":".into()));
        }
        sub.extend(render_key(&mut f, base, key)?);
    }
    let at = f.claims.iter().position(|c| c.claim == "sub")?;
    let parts = super::merge_literals(sub);
    // GitHub escapes `:` in the values it writes into a template (`production%3Aeastus`), so
    // a value never spans pairs. The model renders values as they are, so a field in the
    // `sub` takes no `:` (a value with one is left out, a narrowing of identities whose `sub`
    // holds `%3A`, which no pattern written for a template names).
    for p in &parts {
        if let TPart::Field(i) = p {
            if let Some(x) = f.fields.get_mut(*i) {
                if let Domain::Run(CharClass::Any | CharClass::NoSpace) = x.domain {
                    x.domain = Domain::Run(CharClass::Except(':'));
                }
            }
        }
    }
    *f.claims.get_mut(at)? = ClaimTemplate {
        claim: "sub".into(),
        parts,
    };
    reorder(f)
}

/// The parts `key` renders as (`key:` and the claim's value).
fn render_key(f: &mut Form, base: &Form, key: &str) -> Option<Vec<TPart>> {
    let claim = |name: &str| {
        base.claims
            .iter()
            .find(|c| c.claim == name)
            .map(|c| c.parts.clone())
    };
    let mut out = vec![TPart::Lit(format!("{key}:"))];
    match key {
        "repo" => out.extend(claim("repository")?),
        "context" => return context(base),
        _ => match claim(key) {
            Some(parts) => out.extend(parts),
            // A claim this form never carries (`environment` outside an environment job)
            // renders empty: undocumented, and the reading that admits more tokens.
            None if f.absent.iter().any(|a| a == key) => {}
            None => {
                // A claim the model has no field for (`run_id`, `sha`, a custom property):
                // a field of its own, rendered into its claim too. GitHub escapes `:` in
                // values, so a value never holds one.
                f.fields.push(FieldSpec::new(
                    key,
                    Domain::Run(CharClass::Except(':')),
                    "value",
                    "rolecall-other-value",
                ));
                let i = f.fields.len() - 1;
                f.claims.push(ClaimTemplate {
                    claim: key.to_string(),
                    parts: vec![TPart::Field(i)],
                });
                out.push(TPart::Field(i));
            }
        },
    }
    Some(out)
}

/// The default subject's context: what follows `repo:{owner}/{repo}:` in its `sub`.
fn context(base: &Form) -> Option<Vec<TPart>> {
    let sub = base.claims.iter().find(|c| c.claim == "sub")?;
    let repo = base.fields.iter().position(|x| x.name == "repo")?;
    let after = sub.parts.iter().position(|p| *p == TPart::Field(repo))?;
    let mut rest: Vec<TPart> = sub.parts.get(after + 1..)?.to_vec();
    match rest.first_mut() {
        Some(TPart::Lit(s)) => {
            let stripped = s.strip_prefix(':')?.to_string();
            if stripped.is_empty() {
                rest.remove(0);
            } else {
                *s = stripped;
            }
        }
        _ => return None,
    }
    Some(rest)
}

/// The fields in the order the new `sub` names them, then the rest in their own order (the
/// field search takes fields in the order every claim names them). `None` when some claim
/// would name a field twice or out of order.
fn reorder(mut f: Form) -> Option<Form> {
    let sub = f.claims.iter().find(|c| c.claim == "sub")?;
    let mut order: Vec<usize> = Vec::new();
    for p in &sub.parts {
        if let TPart::Field(i) = p {
            if order.contains(i) {
                return None;
            }
            order.push(*i);
        }
    }
    for i in 0..f.fields.len() {
        if !order.contains(&i) {
            order.push(i);
        }
    }
    // new index of old field i
    let mut new_of = vec![0; f.fields.len()];
    for (new, &old) in order.iter().enumerate() {
        *new_of.get_mut(old)? = new;
    }
    let old_fields = std::mem::take(&mut f.fields);
    let mut slots: Vec<Option<FieldSpec>> = old_fields.into_iter().map(Some).collect();
    for &old in &order {
        f.fields.push(slots.get_mut(old)?.take()?);
    }
    for c in &mut f.claims {
        for p in &mut c.parts {
            if let TPart::Field(i) = p {
                *i = *new_of.get(*i)?;
            }
        }
        let idx: Vec<usize> = c
            .parts
            .iter()
            .filter_map(|p| match p {
                TPart::Field(i) => Some(*i),
                TPart::Lit(_) => None,
            })
            .collect();
        if idx.windows(2).any(|w| w.first() >= w.get(1)) {
            return None;
        }
    }
    fix_preferences(&mut f);
    Some(f)
}

/// A preference names earlier fields only ([`Form::preferred`]). Where the template put the
/// preferring field first (`job_workflow_ref` before `repo`), it is dropped: it only picks a
/// realistic witness value, and moved onto the job's owner it would pick the workflow's owner
/// for a witness meant to show another one.
fn fix_preferences(f: &mut Form) {
    for fi in 0..f.fields.len() {
        let Some(template) = f.fields.get(fi).and_then(|x| x.prefer.clone()) else {
            continue;
        };
        let names: Vec<&str> = template
            .split('{')
            .skip(1)
            .filter_map(|s| s.split_once('}').map(|(n, _)| n))
            .collect();
        let earlier = |name: &str| f.fields.iter().take(fi).any(|x| x.name == name);
        if !names.iter().all(|n| earlier(n)) {
            if let Some(field) = f.fields.get_mut(fi) {
                field.prefer = None;
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::super::for_prefix_with;

    const GH: &str = "token.actions.githubusercontent.com";

    fn keys(k: &[&str]) -> Vec<String> {
        k.iter().map(|s| s.to_string()).collect()
    }

    /// Every template form's token, rendered from its fields' examples: the `sub` pairs are
    /// the token's own claims.
    fn tokens(template: &[&str]) -> Vec<(String, serde_json::Map<String, serde_json::Value>)> {
        let t = keys(template);
        let model = for_prefix_with(GH, None, std::slice::from_ref(&t));
        model
            .forms
            .into_iter()
            .filter(|f| f.name.contains("-custom-"))
            .map(|f| {
                let values: Vec<Option<&str>> =
                    f.fields.iter().map(|x| Some(x.example.as_str())).collect();
                (f.name.clone(), f.render(&values))
            })
            .collect()
    }

    fn claim<'m>(c: &'m serde_json::Map<String, serde_json::Value>, k: &str) -> &'m str {
        c.get(k).and_then(|v| v.as_str()).unwrap_or("")
    }

    #[test]
    fn owner_and_context_pairs_repeat_the_tokens_claims() {
        let found = tokens(&["repository_owner", "context"]);
        let names: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "branch-custom-repository_owner-context",
                "tag-custom-repository_owner-context",
                "pull-request-custom-repository_owner-context",
                "environment-custom-repository_owner-context",
            ]
        );
        for (name, c) in &found {
            let sub = claim(c, "sub");
            let owner = claim(c, "repository_owner");
            let rest = sub
                .strip_prefix(&format!("repository_owner:{owner}:"))
                .unwrap_or_else(|| panic!("{name}: {sub}"));
            let context = match name.split("-custom-").next().unwrap() {
                "branch" | "tag" => format!("ref:{}", claim(c, "ref")),
                "environment" => format!("environment:{}", claim(c, "environment")),
                _ => "pull_request".to_string(),
            };
            assert_eq!(rest, context, "{name}");
            assert!(claim(c, "repository").starts_with(&format!("{owner}/")));
        }
    }

    #[test]
    fn workflow_first_templates_render_the_claim_and_read_fields_in_sub_order() {
        let found = tokens(&["job_workflow_ref", "repo"]);
        assert_eq!(found.len(), 4);
        for (name, c) in &found {
            let want = format!(
                "job_workflow_ref:{}:repo:{}",
                claim(c, "job_workflow_ref"),
                claim(c, "repository")
            );
            assert_eq!(claim(c, "sub"), want, "{name}");
        }
        let model = for_prefix_with(GH, None, &[keys(&["job_workflow_ref", "repo"])]);
        let form = model
            .forms
            .iter()
            .find(|f| f.name == "branch-custom-job_workflow_ref-repo")
            .unwrap();
        assert_eq!(form.fields[0].name, "workflow_owner");
        // No preference names a later field.
        assert!(form
            .fields
            .iter()
            .all(|f| f.prefer.is_none() || f.name == "workflow_ref"));
    }

    #[test]
    fn unknown_claims_are_fields_of_their_own_and_absent_ones_render_empty() {
        for (name, c) in tokens(&["run_id", "environment"]) {
            let env = claim(&c, "environment");
            assert_eq!(
                claim(&c, "sub"),
                format!("run_id:{}:environment:{env}", claim(&c, "run_id")),
                "{name}"
            );
            assert_eq!(
                c.contains_key("environment"),
                name.starts_with("environment")
            );
        }
    }

    #[test]
    fn a_template_naming_a_field_twice_is_not_rendered() {
        assert!(!super::super::renders_template(&keys(&[
            "repository_owner",
            "repo"
        ])));
        assert!(super::super::renders_template(&keys(&[
            "repository_owner",
            "context"
        ])));
        assert!(tokens(&["repo", "repository"]).is_empty());
    }
}
