#!/usr/bin/env bash
# Whole-process timings of the release binary, against the targets:
#   rolecall check <seed example>                      < 5 ms wall
#   rolecall lint <10,000-role account dump> --format json / sarif
#                                                      < 500 ms wall, peak RSS < 100 MiB
#   the same, --format json -j 1 (one thread)          < 1 s wall, for the record
#
# Usage: benches/process.sh [runs]   (default 10 timed runs of each lint, 10 × that of check,
#                                     each after 3 warm-ups)
# NO_HYPERFINE=1 forces the plain loop even when hyperfine is installed.
#
# It builds `rolecall` with --release, writes the dump with the lint bench's own generator
# (`cargo bench --bench lint -- --write-dump PATH`, benches/lint.rs: the one source of it) into
# <target-dir>/rolecall-bench/, then times each command with hyperfine when installed
# (`hyperfine -N`, median of the runs) or else with a plain loop (median of the runs' wall
# times, from bash's $EPOCHREALTIME, or `date +%s%N` on an older bash). Peak RSS comes from
# GNU time (`/usr/bin/time -f %M`, the largest of 3 runs), and is left out when that is missing.
# Nothing is installed: `apt-get install -y hyperfine time` gives both tools.
#
# Exit status: 0 when every line meets its targets, 1 when one does not, 2 on an error.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
runs=${1:-10}
case $runs in '' | *[!0-9]* | 0)
    echo "runs must be a positive number, not \`$runs\`" >&2
    exit 2
    ;;
esac

target_dir=$(cargo metadata --no-deps --format-version 1 |
    sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
[ -n "$target_dir" ] || target_dir="$root/target"
bin="$target_dir/release/rolecall"
out="$target_dir/rolecall-bench"
dump="$out/account-10000.json"
mkdir -p "$out"

echo "== build (release)"
cargo build --release --bin rolecall
echo "== dump"
cargo bench --bench lint -- --write-dump "$dump" --roles 10000

check_cmd=("$bin" check corpus/policies/seed/policy-repository.json
    --token corpus/tokens/bitbucket-seed.jwt --now 2020-01-11T14:00:00Z)
lint_json=("$bin" lint "$dump" --format json)
lint_sarif=("$bin" lint "$dump" --format sarif)
# The same on one thread: what a single-core runner gets (no target; for the record).
lint_json_one=("$bin" lint "$dump" --format json -j 1)

# Each command must work before it is timed: check allows (exit 0), lint reports findings
# (exit 0 or 1). works <highest good exit status> <command...>
works() {
    local ok=$1 rc=0
    shift
    "$@" >/dev/null 2>"$out/stderr.txt" || rc=$?
    if [ "$rc" -gt "$ok" ]; then
        echo "\`$*\` failed (exit $rc):" >&2
        cat "$out/stderr.txt" >&2
        exit 2
    fi
}
works 0 "${check_cmd[@]}"
works 1 "${lint_json[@]}"
works 1 "${lint_sarif[@]}"

now_ns() {
    if [ -n "${EPOCHREALTIME:-}" ]; then
        local t=${EPOCHREALTIME/[.,]/}
        echo "${t}000"
    else
        date +%s%N
    fi
}

have_hyperfine() {
    [ -z "${NO_HYPERFINE:-}" ] && command -v hyperfine >/dev/null 2>&1
}

# median_ms <runs> <command...>: the median wall time of the runs, in milliseconds.
median_ms() {
    local runs=$1
    shift
    if have_hyperfine; then
        local csv="$out/hyperfine.csv"
        # -N: no intermediate shell. -i: lint exits 1 when it reports findings (hyperfine's
        # warning about that goes to stderr, dropped here).
        rm -f "$csv"
        hyperfine -N -i --style none --warmup 3 --runs "$runs" --export-csv "$csv" \
            "$*" >/dev/null 2>&1 || true
        [ -s "$csv" ] || {
            echo "hyperfine failed on \`$*\`" >&2
            exit 2
        }
        # command,mean,stddev,median,user,system,min,max: the median is the 5th field from
        # the end (the command itself may hold commas).
        awk -F, 'NR == 2 { printf "%.3f", $(NF - 4) * 1000 }' "$csv"
    else
        local i t0 t1
        for i in 1 2 3; do "$@" >/dev/null 2>&1 || true; done
        for ((i = 0; i < runs; i++)); do
            t0=$(now_ns)
            "$@" >/dev/null 2>&1 || true
            t1=$(now_ns)
            echo $((t1 - t0))
        done | sort -n | awk '{ a[NR] = $1 }
            END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2;
                  printf "%.3f", m / 1e6 }'
    fi
}

# peak_kib <command...>: the largest maximum RSS of 3 runs, in KiB; empty without GNU time.
peak_kib() {
    [ -x /usr/bin/time ] || return 0
    local i kib max=0
    for i in 1 2 3; do
        /usr/bin/time -f %M -o "$out/time.txt" "$@" >/dev/null 2>&1 || true
        kib=$(tail -n 1 "$out/time.txt")
        case $kib in '' | *[!0-9]*) return 0 ;; esac
        [ "$kib" -gt "$max" ] && max=$kib
    done
    echo "$max"
}

if have_hyperfine; then
    timer="$(hyperfine --version) -N"
elif [ -n "${EPOCHREALTIME:-}" ]; then
    timer="a loop timed with bash's \$EPOCHREALTIME (no hyperfine)"
else
    timer="a loop timed with date +%s%N (no hyperfine)"
fi
timer="$timer, median of $((runs * 10)) runs (check) / $runs runs (lint) after 3 warm-ups"
[ -x /usr/bin/time ] && memory="GNU time -f %M, largest of 3 runs" ||
    memory="not measured (/usr/bin/time missing)"

status=0
rows=()
# row <label> <runs> <wall target ms> <RSS target MiB, or - for none> <command...>
row() {
    local label=$1 n=$2 wall_max=$3 rss_max=$4
    shift 4
    echo "== timing: $label ($n runs)" >&2
    local ms kib mib verdict=PASS rss_cell=n/a rss_target=-
    ms=$(median_ms "$n" "$@")
    awk -v a="$ms" -v b="$wall_max" 'BEGIN { exit !(a < b) }' || verdict=FAIL
    kib=$(peak_kib "$@")
    if [ -n "$kib" ]; then
        mib=$(awk -v k="$kib" 'BEGIN { printf "%.1f", k / 1024 }')
        rss_cell="$mib MiB"
    fi
    if [ "$rss_max" != - ]; then
        rss_target="< $rss_max MiB"
        if [ -n "$kib" ]; then
            awk -v a="$mib" -v b="$rss_max" 'BEGIN { exit !(a < b) }' || verdict=FAIL
        fi
    fi
    [ "$verdict" = PASS ] || status=1
    rows+=("| $label | $ms ms | < $wall_max ms | $rss_cell | $rss_target | $verdict |")
}

row "check (seed example)" $((runs * 10)) 5 - "${check_cmd[@]}"
row "lint 10,000 roles --format json" "$runs" 500 100 "${lint_json[@]}"
row "lint 10,000 roles --format sarif" "$runs" 500 100 "${lint_sarif[@]}"
row "lint 10,000 roles --format json -j 1" "$runs" 1000 100 "${lint_json_one[@]}"

echo
echo "machine: $(nproc) cores; timer: $timer; memory: $memory"
echo "dump: $dump ($(wc -c <"$dump") bytes)"
echo
echo "| command | median wall | target | peak RSS | target | result |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
exit $status
