#!/usr/bin/env bash
# Browser test of `rolecall lint --format html` (not part of `cargo test`): opens the report of
# the seed corpus and of a generated 10,000-role account dump in headless Chromium, and
# asserts that each renders within 2 s, that filtering by severity changes the visible rows,
# and that the page logs no console error and requests nothing from the network. Saves
# screenshots, and the measured times in RESULTS.md, under tests/browser/screenshots/.
#
#   tests/browser/run.sh            # uses $ROLECALL, else target/release/rolecall, else builds it
#
# Installs Debian's chromium when it is missing (as root, with apt-get) and playwright-core
# from npm into a cache directory; Playwright drives /usr/bin/chromium, it downloads no
# browser of its own.
set -euo pipefail
cd "$(dirname "$0")/../.."

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
PLAYWRIGHT_VERSION=1.57.0
if [ ! -x "$CHROMIUM" ]; then
  echo "== installing chromium"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

if [ -z "${ROLECALL:-}" ]; then
  ROLECALL=target/release/rolecall
  [ -x "$ROLECALL" ] || cargo build --release --bin rolecall
fi

cache=${XDG_CACHE_HOME:-$HOME/.cache}/rolecall-browser-test
if [ ! -d "$cache/node_modules/playwright-core" ]; then
  echo "== installing playwright-core $PLAYWRIGHT_VERSION (npm)"
  mkdir -p "$cache"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --silent --no-audit --no-fund \
    --prefix "$cache" "playwright-core@$PLAYWRIGHT_VERSION" >/dev/null
fi

# Absolute, for the run inside the work directory below.
case "$ROLECALL" in */*) ROLECALL="$(cd "$(dirname "$ROLECALL")" && pwd)/$(basename "$ROLECALL")" ;; esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$ROLECALL" lint corpus/policies/seed --format html >"$work/seed.html" || [ $? -eq 1 ]
python3 tests/browser/gen_dump.py 10000 >"$work/account-dump.json"
start=$(date +%s%N)
# In the work directory, so that the report (and its screenshot) names `account-dump.json`.
(cd "$work" && "$ROLECALL" lint account-dump.json --format html >dump.html) || [ $? -eq 1 ]
generated="rolecall wrote the 10,000-role report in $((($(date +%s%N) - start) / 1000000)) ms ($(stat -c %s "$work/dump.html") bytes)"
echo "$generated"

shots=tests/browser/screenshots
mkdir -p "$shots"
NODE_PATH="$cache/node_modules" CHROMIUM="$CHROMIUM" node tests/browser/check.js \
  "$work/seed.html=$shots/report.png" \
  "$work/dump.html=$shots/report-10k-roles.png" | tee "$work/check.log"

# The last run's measurements, kept beside its screenshots (a passing run only: `set -e`).
{
  echo "# Last browser test run"
  echo
  echo "\`tests/browser/run.sh\` on $(date -u +%Y-%m-%dT%H:%MZ): $("$ROLECALL" --version), $("$CHROMIUM" --version 2>/dev/null | head -n 1)."
  echo "The report's render time is the page's own clock, navigation start to the drawn table (budget 2000 ms)."
  echo
  echo "- $generated"
  sed 's/^/- /' "$work/check.log"
} >"$shots/RESULTS.md"
