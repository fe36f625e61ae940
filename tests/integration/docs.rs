//! Generated text in the README stays true: the rules table between `<!-- begin:rules -->` and
//! `<!-- end:rules -->` is rebuilt from the registry. Run with `UPDATE_DOCS=1` to rewrite it.

use rolecall::lint;

use crate::common;

fn rules_table() -> String {
    let mut out = String::from("| rule | severity | flags |\n|---|---|---|\n");
    for r in lint::ALL {
        out.push_str(&format!(
            "| [`{}`](rules/{}.md) | {} | {} |\n",
            r.id,
            r.id,
            r.severity.as_str(),
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
