use super::*;

fn errors(text: &str) -> Vec<PolicyErrorKind> {
    parse(text)
        .unwrap_err()
        .0
        .into_iter()
        .map(|e| e.kind)
        .collect()
}

const GH: &str = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com";

fn statement(extra: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"{GH}"}},"Action":"sts:AssumeRoleWithWebIdentity"{extra}}}]}}"#
    )
}

#[test]
fn a_plain_policy_parses_with_locations() {
    let text = statement(
        r#","Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:acme/*"}}"#,
    );
    let p = parse(&text).unwrap();
    assert_eq!(p.version, Version::V2012_10_17);
    let c = &p.statements[0].conditions[0];
    assert_eq!(c.operator.base, Base::StringLike);
    assert_eq!(c.key_lower, "token.actions.githubusercontent.com:sub");
    assert_eq!(
        c.key_loc.pointer,
        "/Statement/0/Condition/StringLike/token.actions.githubusercontent.com:sub"
    );
    assert_eq!(&text[c.values[0].loc.span.clone()], "\"repo:acme/*\"");
}

#[test]
fn duplicate_operator_blocks_are_an_error_pointing_at_both() {
    let text = statement(r#","Condition":{"StringEquals":{"a:b":"x"},"StringEquals":{"a:c":"y"}}"#);
    let err = parse(&text).unwrap_err().0;
    assert_eq!(err.len(), 1);
    assert_eq!(
        err[0].kind,
        PolicyErrorKind::DuplicateKey {
            key: "StringEquals".into()
        }
    );
    let first = err[0].related.clone().unwrap();
    assert!(first.span.start < err[0].loc.span.start);
}

#[test]
fn documents_iam_refuses_are_errors() {
    assert!(matches!(
        errors(&statement(r#","Condition":{"stringEquals":{"a:b":"x"}}"#))[0],
        PolicyErrorKind::InvalidOperator { ref suggestion, .. } if suggestion.as_deref() == Some("StringEquals")
    ));
    assert!(matches!(
        errors(&statement(r#","Condition":{"StringEqual":{"a:b":"x"}}"#))[0],
        PolicyErrorKind::InvalidOperator { ref suggestion, .. } if suggestion.as_deref() == Some("StringEquals")
    ));
    assert_eq!(
        errors(&statement(r#","Resource":"*""#)),
        [PolicyErrorKind::ProhibitedField {
            name: "Resource".into()
        }]
    );
    assert_eq!(
        errors(&statement(
            r#","Condition":{"NullIfExists":{"a:b":"true"}}"#
        )),
        [PolicyErrorKind::NullWithIfExists]
    );
    assert_eq!(
        errors(&statement(
            r#","Condition":{"StringEquals":{"https://x:sub":"a"}}"#
        )),
        [PolicyErrorKind::InvalidConditionKey {
            key: "https://x:sub".into()
        }]
    );
    assert!(matches!(
        errors(r#"{"Version":"2012-10-17","Statement":[]}"#)[0],
        PolicyErrorKind::EmptyStatement
    ));
    assert!(matches!(
        errors(
            r#"{"Version":"2012-10-18","Statement":{"Effect":"Allow","Principal":"*","Action":"*"}}"#
        )[0],
        PolicyErrorKind::InvalidVersion { .. }
    ));
}

#[test]
fn federated_principals_must_be_well_formed() {
    let bad = |p: &str| {
        errors(&format!(
            r#"{{"Statement":{{"Effect":"Allow","Principal":{{"Federated":"{p}"}},"Action":"*"}}}}"#
        ))
    };
    assert!(matches!(
        bad("*")[0],
        PolicyErrorKind::WildcardInPrincipal { .. }
    ));
    assert!(matches!(
        bad("arn:aws:iam::1:oidc-provider/x")[0],
        PolicyErrorKind::InvalidFederatedPrincipal { .. }
    ));
    assert!(matches!(
        bad("not a domain")[0],
        PolicyErrorKind::InvalidFederatedPrincipal { .. }
    ));
}

#[test]
fn variables_are_parsed_only_under_2012() {
    let value = |version: &str| {
        let text = format!(
            r#"{{{version}"Statement":{{"Effect":"Allow","Principal":"*","Action":"*","Condition":{{"StringLike":{{"a:b":"x${{*}}y"}}}}}}}}"#
        );
        let p = parse(&text).unwrap();
        match &p.statements[0].conditions[0].values[0].typed {
            Typed::String(s) => s.compiled.clone().unwrap(),
            _ => panic!("not a string"),
        }
    };
    // 2012: `${*}` is a literal star.
    assert!(value(r#""Version":"2012-10-17","#).is_match("x*y"));
    assert!(!value(r#""Version":"2012-10-17","#).is_match("xzzy"));
    // No version: the star inside is a wildcard and the braces are literal.
    assert!(value("").is_match("x${abc}y"));
}

#[test]
fn malformed_variables_are_errors() {
    for bad in ["${}", "${a b}", "${a", "${a, default}"] {
        let text = statement(&format!(
            r#","Condition":{{"StringLike":{{"a:b":"{bad}"}}}}"#
        ));
        assert!(
            matches!(errors(&text)[0], PolicyErrorKind::VariableSyntax(_)),
            "{bad}"
        );
    }
}

#[test]
fn warnings_are_kept_for_accepted_oddities() {
    let text = r#"{"Statement":{"Effect":"Allow","Principal":{"Federated":"accounts.google.com"},"Action":[],"Condition":{"IpAddress":{"aws:SourceIp":["2001:db8::1","203.0.113.7/24"]}}}}"#;
    let p = parse(text).unwrap();
    let kinds: Vec<_> = p.warnings.iter().map(|w| w.kind.clone()).collect();
    assert!(kinds.contains(&WarningKind::MissingVersion));
    assert!(kinds.contains(&WarningKind::EmptyArray {
        element: "Action".into()
    }));
    assert!(kinds.contains(&WarningKind::BareIpv6 {
        value: "2001:db8::1".into()
    }));
    assert!(kinds.contains(&WarningKind::HostBitsSet {
        value: "203.0.113.7/24".into(),
        masked: "203.0.113.0/24".into()
    }));
}
