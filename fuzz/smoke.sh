#!/bin/sh
# Build every fuzz target on stable WITHOUT cargo-fuzz and run each for a short while.
# Usage: fuzz/smoke.sh [seconds-per-target]   (default 20)
#
# It passes the same flags `cargo fuzz build -s none -a` passes (cargo-fuzz 0.13.2,
# src/project.rs): SanitizerCoverage instrumentation for libFuzzer, `--cfg fuzzing`, and debug
# assertions (so integer overflow panics). `--target` keeps RUSTFLAGS away from build scripts.
# Needs: stable Rust, a C++ compiler (libfuzzer-sys builds libFuzzer with `cc`).
# Exit status: non-zero if a build fails or any target finds a crash (the input is left in
# fuzz/artifacts/<target>/).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
secs=${1:-20}
triple=$(rustc -vV | sed -n 's/^host: //p')
targets="parse_policy matcher token_decode check lint terraform_hcl diff cloudformation"

RUSTFLAGS="-Cpasses=sancov-module \
-Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
-Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares \
-Cllvm-args=-sanitizer-coverage-stack-depth \
-Cllvm-args=-simplifycfg-branch-fold-threshold=0 \
--cfg fuzzing -Cdebug-assertions -Ccodegen-units=1" \
cargo build --release --manifest-path "$here/Cargo.toml" --target "$triple" \
    --target-dir "$here/target" \
    --config 'profile.release.debug="line-tables-only"' --bins

# Seed when any target has no corpus yet (a new target, or a fresh checkout).
for t in $targets; do
    [ -d "$here/corpus/$t" ] || { "$here/seed.sh"; break; }
done
status=0
for t in $targets; do
    mkdir -p "$here/corpus/$t" "$here/artifacts/$t"
    echo "== $t (${secs}s)"
    # A fresh scratch dir collects new inputs, so the seed corpus is read but not rewritten.
    scratch=$(mktemp -d)
    if ! "$here/target/$triple/release/$t" "$scratch" "$here/corpus/$t" \
        -max_total_time="$secs" -artifact_prefix="$here/artifacts/$t/" \
        -print_final_stats=1 2>"$scratch.log"; then
        status=1
        tail -n 40 "$scratch.log"
    else
        grep -E 'stat::number_of_executed_units|Done [0-9]+ runs' "$scratch.log" || true
    fi
    rm -rf "$scratch" "$scratch.log"
done
exit $status
