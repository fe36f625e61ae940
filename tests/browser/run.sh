#!/usr/bin/env bash
# Browser test of `rolecall lint --format html` (not part of `cargo test`): opens the report of
# the seed corpus and of a generated 10,000-role account dump in headless Chromium, and
# asserts that each renders within 2 s, that filtering by severity changes the visible rows,
# and that the page logs no console error and requests nothing from the network. Saves
# screenshots under tests/browser/screenshots/.
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

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$ROLECALL" lint corpus/policies/seed --format html >"$work/seed.html" || [ $? -eq 1 ]
python3 tests/browser/gen_dump.py 10000 >"$work/dump.json"
start=$(date +%s%N)
"$ROLECALL" lint "$work/dump.json" --format html >"$work/dump.html" || [ $? -eq 1 ]
echo "rendered the 10,000-role report in $((($(date +%s%N) - start) / 1000000)) ms ($(stat -c %s "$work/dump.html") bytes)"

mkdir -p tests/browser/screenshots
NODE_PATH="$cache/node_modules" CHROMIUM="$CHROMIUM" node tests/browser/check.js \
  "$work/seed.html=tests/browser/screenshots/report.png" \
  "$work/dump.html=tests/browser/screenshots/report-10k-roles.png"
