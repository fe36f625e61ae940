//! Providers without a hand-written model: the profile's `sub` forms become templates over
//! the profile's fields (each field's domain is its profile [`crate::providers::Shape`], its
//! role the profile's), and every other claim AWS exposes is a field of its own, or repeats a
//! subject field where the profile says so ([`crate::providers::ClaimFact::same_as`]).

use super::{ClaimTemplate, Domain, FieldSpec, Form, FormBuilder, TPart};
use crate::providers::{Part, Profile};
use crate::request::ClaimSet;

pub(super) fn forms(iss: &str, profile: Option<&Profile>) -> Vec<Form> {
    let Some(profile) = profile else {
        return vec![FormBuilder::new("token", "tokens with subject `{sub}`")
            .claim("iss", iss)
            .build()];
    };
    let mut out = Vec::new();
    for sub in profile.subject {
        // GitHub's custom templates belong to the GitHub model; every other profile has only
        // default forms.
        let mut b = FormBuilder::new(sub.name, "");
        if profile.is_change_request(sub) {
            b = b.change_request();
        }
        let mut template = String::new();
        let mut seen: Vec<&str> = Vec::new();
        let mut repeated = false;
        for part in sub.parts {
            match part {
                Part::Lit(s) => template.push_str(&s.replace('{', "\u{0}").replace('}', "\u{1}")),
                Part::Field(f) => {
                    if seen.contains(&f.name) {
                        repeated = true;
                    }
                    seen.push(f.name);
                    template.push('{');
                    template.push_str(f.name);
                    template.push('}');
                    b = b.field(
                        FieldSpec::new(f.name, Domain::of(f.shape), f.example, f.other)
                            .role(f.role),
                    );
                }
            }
        }
        if repeated {
            continue;
        }
        let words = format!("subjects `{}`", unescape(&template));
        let mut form = b.claim("iss", iss).build();
        form.words = words;
        // Literal braces were escaped so the template parser leaves them alone.
        let parts = super::parse_template(&template, &form.fields)
            .into_iter()
            .map(|p| match p {
                TPart::Lit(s) => TPart::Lit(unescape(&s)),
                other => other,
            })
            .collect();
        form.claims.push(ClaimTemplate {
            claim: "sub".into(),
            parts,
        });
        out.push(form);
    }
    if out.is_empty() {
        out.push(
            FormBuilder::new("token", "tokens with subject `{sub}`")
                .claim("iss", iss)
                .build(),
        );
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace('\u{0}', "{").replace('\u{1}', "}")
}

/// The claims AWS exposes for the family, beyond those a template already renders (Google's
/// `aud` key is filled from `azp` or `aud`, and `oaud` from `aud`: R6.3).
fn exposed(set: ClaimSet) -> Vec<&'static str> {
    let mut v: Vec<&'static str> = set.exposed().to_vec();
    if set == ClaimSet::Google {
        v.extend(["aud", "azp"]);
    }
    v
}

/// Add a field for every exposed claim the form does not render: required for `sub`, `aud`
/// and the claims the profile says every token carries, optional otherwise.
pub(super) fn complete(mut form: Form, set: ClaimSet, profile: Option<&Profile>) -> Form {
    for claim in exposed(set) {
        if form.claims.iter().any(|c| c.claim == claim) || form.absent.iter().any(|a| a == claim) {
            continue;
        }
        let fact = profile.and_then(|p| p.claim_facts.iter().find(|f| f.claim == claim));
        // The same fact as a subject field: rendered from it, so the two always agree.
        let same = fact
            .and_then(|f| f.same_as)
            .and_then(|name| form.fields.iter().position(|f| f.name == name));
        if let Some(i) = same {
            form.claims.push(ClaimTemplate {
                claim: claim.to_string(),
                parts: vec![TPart::Field(i)],
            });
            continue;
        }
        let required = matches!(claim, "sub" | "aud")
            || profile.is_some_and(|p| p.always_carries(claim) && claim != "azp");
        let example = match claim {
            "aud" => profile
                .and_then(|p| p.default_audiences.first().copied())
                .unwrap_or("sts.amazonaws.com")
                .to_string(),
            _ => profile
                .and_then(|p| example_claim(p, claim))
                .unwrap_or_else(|| "rolecall".into()),
        };
        // The claim's shape is read off the provider's realistic token: an id the provider
        // issues as a number is digits, a UUID is a UUID.
        let domain = if claim == "aud" {
            Domain::free()
        } else {
            Domain::like(&example)
        };
        let other = domain.outsider();
        let mut f = FieldSpec::new(claim, domain, &example, &other);
        f.optional = !required;
        if let Some(fact) = fact {
            f.role = Some(fact.role);
            f.is_id = fact.id;
        }
        form.fields.push(f);
        let i = form.fields.len() - 1;
        form.claims.push(ClaimTemplate {
            claim: claim.to_string(),
            parts: vec![TPart::Field(i)],
        });
    }
    form
}

/// The value of `claim` in the profile's realistic token, as AWS reads it (a number as its
/// text).
fn example_claim(profile: &Profile, claim: &str) -> Option<String> {
    let claims: serde_json::Value = serde_json::from_str(profile.example_claims).ok()?;
    match claims.get(claim)? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
