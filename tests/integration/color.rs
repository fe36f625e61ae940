//! Colour: `--color auto|always|never` and `NO_COLOR`. Piped output carries no escape codes
//! unless `--color always` asks for them.

use std::process::{Command, Stdio};

use crate::common::{path, repo};

/// Run rolecall with `NO_COLOR` set to `no_color` (or removed), stdout and stderr piped.
fn run(args: &[&str], no_color: Option<&str>) -> (String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rolecall"));
    cmd.args(args)
        .current_dir(repo())
        .env_remove("CI")
        .env_remove("CLICOLOR_FORCE")
        .stdin(Stdio::null());
    match no_color {
        Some(v) => cmd.env("NO_COLOR", v),
        None => cmd.env_remove("NO_COLOR"),
    };
    let out = cmd.output().expect("run rolecall");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn seed() -> String {
    path("corpus/policies/seed").to_string_lossy().into_owned()
}

const ESC: char = '\u{1b}';

#[test]
fn piped_lint_output_has_no_escape_codes() {
    let seed = seed();
    for args in [vec!["lint", &seed], vec!["lint", &seed, "--color", "auto"]] {
        let (out, err) = run(&args, None);
        assert!(out.contains("warning"), "{out}");
        assert!(
            !out.contains(ESC) && !err.contains(ESC),
            "{args:?}: {out:?}"
        );
    }
}

#[test]
fn color_always_colours_a_pipe_and_beats_no_color() {
    let seed = seed();
    for no_color in [None, Some("1")] {
        let (out, _) = run(&["lint", &seed, "--color", "always"], no_color);
        assert!(
            out.contains(ESC),
            "NO_COLOR={no_color:?}: no colour in {out:?}"
        );
    }
    // The global flag goes before the subcommand too.
    let (out, _) = run(&["--color", "always", "lint", &seed], None);
    assert!(out.contains(ESC));
}

#[test]
fn color_never_and_errors_on_stderr() {
    let seed = seed();
    let (out, _) = run(&["lint", &seed, "--color", "never"], None);
    assert!(!out.contains(ESC));
    let missing = ["lint", "no/such/file.json"];
    let (_, err) = run(&missing, None);
    assert!(
        err.contains("no/such/file.json") && !err.contains(ESC),
        "{err:?}"
    );
    let (_, err) = run(&[&missing[..], &["--color", "always"]].concat(), None);
    assert!(err.contains(ESC), "{err:?}");
}

#[test]
fn check_text_output_follows_color_too() {
    let policy = path("corpus/policies/seed/policy-repository.json");
    let token = path("corpus/tokens/bitbucket-seed.jwt");
    let args = [
        "check",
        policy.to_str().unwrap(),
        "--token",
        token.to_str().unwrap(),
        "--now",
        "2020-01-11T14:00:00Z",
    ];
    let (out, _) = run(&args, None);
    assert!(out.contains("Allow") && !out.contains(ESC), "{out:?}");
    let (out, _) = run(&[&args[..], &["--color", "always"]].concat(), None);
    assert!(out.contains(ESC));
}
