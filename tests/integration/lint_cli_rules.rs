//! `rolecall rules`: the registry listing and one rule's documentation.

#[allow(unused_imports, reason = "each file uses some of the shared helpers")]
use crate::lint_cli_common::*;

#[test]
fn rules_lists_every_rule_of_the_registry() {
    let r = run(&["rules"]);
    assert_eq!(r.code, 0, "{}", show(&r));
    let listed: Vec<&str> = r
        .stdout
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    let registry: Vec<&str> = rolecall::lint::ALL.iter().map(|r| r.id).collect();
    assert_eq!(listed, registry);
    for rule in rolecall::lint::ALL {
        let line = r
            .stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(rule.id))
            .expect("listed");
        assert!(line.contains(rule.severity.as_str()), "{line}");
        assert!(line.contains(rule.summary), "{line}");
    }
}

#[test]
fn rules_prints_one_rules_documentation() {
    let r = run(&["rules", "missing-subject-condition"]);
    assert_eq!(r.code, 0, "{}", show(&r));
    assert_eq!(r.stdout, text_of("rules/missing-subject-condition.md"));
}

#[test]
fn rules_rejects_an_unknown_rule() {
    let r = run(&["rules", "nope"]);
    assert_eq!(r.code, 2, "{}", show(&r));
    assert!(
        r.stderr.contains("no rule is called `nope`"),
        "{}",
        show(&r)
    );
    assert!(r.stdout.is_empty(), "{}", show(&r));
}
