//! Generated text in the README stays true: the rules table between `<!-- begin:rules -->` and
//! `<!-- end:rules -->` is rebuilt from the registry. Run with `UPDATE_DOCS=1` to rewrite it.

use rolecall::lint;

use crate::common;

fn rules_table() -> String {
    let mut out = String::from("| rule | severity | `--fix` | flags |\n|---|---|---|---|\n");
    for r in lint::ALL {
        out.push_str(&format!(
            "| [`{}`](rules/{}.md) | {} | {} | {} |\n",
            r.id,
            r.id,
            r.severity.as_str(),
            r.fix.as_str(),
            r.summary.replace('|', "\\|")
        ));
    }
    out
}

#[test]
fn readme_rules_table_matches_the_registry() {
    let path = common::path("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (begin, end) = ("<!-- begin:rules -->\n", "<!-- end:rules -->");
    let start = readme.find(begin).expect("README has the begin marker") + begin.len();
    let stop = readme.find(end).expect("README has the end marker");
    let want = rules_table();
    if readme[start..stop] == want {
        return;
    }
    if std::env::var_os("UPDATE_DOCS").is_some() {
        let updated = format!("{}{}{}", &readme[..start], want, &readme[stop..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    panic!("the README rules table is stale: run `UPDATE_DOCS=1 cargo test readme`");
}

/// `docs/peer-coverage.md` names only rules that exist and links only files that exist, so the
/// coverage it claims can be checked by running the cases it points to.
#[test]
fn peer_coverage_names_real_rules_and_cases() {
    let doc = std::fs::read_to_string(common::path("docs/peer-coverage.md")).unwrap();
    let rule_id = regex::Regex::new(r"`([a-z]+(?:-[a-z]+)+)`").unwrap();
    let link = regex::Regex::new(r"\]\(\.\./([^)]+)\)").unwrap();
    let mut missing = Vec::new();
    for line in doc
        .lines()
        .filter(|l| l.starts_with("| OIDC") || l.starts_with("| TRUST"))
    {
        let rules_cell = line.split('|').nth(3).unwrap_or_default();
        for id in rule_id.captures_iter(rules_cell).map(|c| c[1].to_string()) {
            if lint::rule(&id).is_none() {
                missing.push(format!("rule `{id}`"));
            }
        }
        for target in link.captures_iter(line).map(|c| c[1].to_string()) {
            if !common::path(&target).exists() {
                missing.push(format!("file {target}"));
            }
        }
    }
    let rows = doc
        .lines()
        .filter(|l| l.starts_with("| OIDC") || l.starts_with("| TRUST"));
    assert_eq!(
        rows.count(),
        31,
        "OIDC001-021 and TRUST001-010 each have a row"
    );
    assert!(missing.is_empty(), "docs/peer-coverage.md: {missing:?}");
}
