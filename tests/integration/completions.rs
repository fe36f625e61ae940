//! `rolecall completions SHELL` and `rolecall man`: generated for every subcommand clap
//! knows. The subcommands and their flags are read from the binary's own `--help`, so a
//! subcommand added later is checked without touching this file.

use crate::common::rolecall;

/// The subcommands listed under `Commands:` in `rolecall --help`, without clap's `help`.
fn subcommands() -> Vec<String> {
    let help = rolecall(&["--help"], None);
    assert_eq!(help.code, 0, "{}", help.stderr);
    let section = help
        .stdout
        .split_once("Commands:\n")
        .expect("a Commands section")
        .1;
    let names: Vec<String> = section
        .lines()
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| *n != "help")
        .map(str::to_string)
        .collect();
    for known in [
        "check",
        "lint",
        "rules",
        "completions",
        "man",
        "who",
        "diff",
        "policy",
    ] {
        assert!(
            names.iter().any(|n| n == known),
            "{known} missing: {names:?}"
        );
    }
    names
}

/// The long flags (`--format`, ...) in `rolecall SUB --help`, without `--help`/`--version`.
fn long_flags(sub: &str) -> Vec<String> {
    let help = rolecall(&[sub, "--help"], None);
    assert_eq!(help.code, 0, "{sub}: {}", help.stderr);
    let mut flags: Vec<String> = help
        .stdout
        .lines()
        .filter_map(|l| {
            let t = l.trim_start();
            let t = t
                .strip_prefix("-")
                .and_then(|r| r.split_once(", "))
                .map_or(t, |(_, r)| r);
            t.strip_prefix("--").map(|r| {
                r.split([' ', '=', '<', ','])
                    .next()
                    .unwrap_or(r)
                    .to_string()
            })
        })
        .filter(|f| !f.is_empty() && f != "help" && f != "version")
        .collect();
    flags.dedup();
    flags
}

#[test]
fn every_shell_completes_every_subcommand_and_flag() {
    let subs = subcommands();
    let lint = long_flags("lint");
    assert!(
        lint.iter().any(|f| f == "fail-on") && lint.iter().any(|f| f == "color"),
        "{lint:?}"
    );
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = rolecall(&["completions", shell], None);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        assert!(run.stdout.contains("rolecall"), "{shell}: no command name");
        for sub in &subs {
            assert!(run.stdout.contains(sub.as_str()), "{shell}: no `{sub}`");
            for flag in long_flags(sub) {
                assert!(
                    run.stdout.contains(&format!("--{flag}"))
                        || (shell == "fish" && run.stdout.contains(&format!("-l {flag}"))),
                    "{shell}: no --{flag} of `{sub}`"
                );
            }
        }
    }
}

#[test]
fn bash_completion_is_valid_bash() {
    let run = rolecall(&["completions", "bash"], None);
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("rolecall.bash");
    std::fs::write(&script, &run.stdout).unwrap();
    let status = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .status()
        .expect("bash");
    assert!(status.success(), "bash -n rejected the completion script");
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let run = rolecall(&["completions", "tcsh"], None);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("tcsh"), "{}", run.stderr);
}

#[test]
fn man_pages_cover_every_subcommand_and_flag() {
    let root = rolecall(&["man"], None);
    assert_eq!(root.code, 0, "{}", root.stderr);
    assert!(root.stdout.contains(".TH rolecall 1"), "{}", root.stdout);
    for sub in subcommands() {
        assert!(
            root.stdout.contains(&format!("rolecall\\-{sub}")),
            "rolecall(1) lacks {sub}"
        );
        let page = rolecall(&["man", &sub], None);
        assert_eq!(page.code, 0, "{sub}: {}", page.stderr);
        assert!(
            page.stdout.contains(&format!(".TH rolecall-{sub} 1")),
            "{sub}: {}",
            page.stdout
        );
        for flag in long_flags(&sub) {
            // roff escapes every `-`.
            let roff = format!("\\-\\-{}", flag.replace('-', "\\-"));
            assert!(
                page.stdout.contains(&roff),
                "rolecall-{sub}(1) lacks --{flag}"
            );
        }
    }
}

#[test]
fn man_of_an_unknown_subcommand_names_the_known_ones() {
    let run = rolecall(&["man", "nope"], None);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("nope") && run.stderr.contains("lint"),
        "{}",
        run.stderr
    );
}

#[test]
fn version_names_the_crate_version() {
    let run = rolecall(&["--version"], None);
    assert_eq!(run.code, 0);
    let expected = format!("rolecall {}", env!("CARGO_PKG_VERSION"));
    assert!(run.stdout.starts_with(&expected), "{}", run.stdout);
    // Built from this checkout (the tests run from one), the commit follows in parentheses.
    let in_git = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(crate::common::repo())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    if let Some(hash) = in_git {
        assert!(run.stdout.contains(&format!("({hash})")), "{}", run.stdout);
    }
}
