#!/usr/bin/env bash
# The rolecall Bitbucket Pipe: lint the IAM role trust policies under PATHS, print the
# findings in the step's log and, inside Pipelines, post them as a Code Insights report with
# one annotation per finding. Exits with rolecall's code: 0 clean, 1 findings at or above
# FAIL_ON, 2 an error (the report is not posted then).
#
# Variables (pipe.yml lists them): PATHS, FAIL_ON, CONFIG, BASELINE, REPORT, DEBUG.
# Not for users: ROLECALL (the binary, default `rolecall` on PATH) and ROLECALL_PROXY (the
# Pipelines proxy, which authenticates calls to api.bitbucket.org so the pipe needs no token).
set -euo pipefail

PATHS=${PATHS:-.}
FAIL_ON=${FAIL_ON:-warning}
CONFIG=${CONFIG:-}
BASELINE=${BASELINE:-}
REPORT=${REPORT:-true}
DEBUG=${DEBUG:-false}
ROLECALL=${ROLECALL:-rolecall}
# A pipe runs in its own container: the proxy is on the Docker host, not on localhost.
PROXY=${ROLECALL_PROXY:-http://host.docker.internal:29418}
REPORT_ID=rolecall
# Bitbucket keeps at most 1000 annotations per report and takes 100 per request.
MAX_ANNOTATIONS=1000
BATCH=100

fail() {
  echo "✖ rolecall pipe: $*" >&2
  exit 2
}

case "$FAIL_ON" in error | warning | note) ;; *) fail "FAIL_ON must be error, warning or note, not '$FAIL_ON'" ;; esac
case "$REPORT" in true | false) ;; *) fail "REPORT must be true or false, not '$REPORT'" ;; esac
case "$DEBUG" in true | false) ;; *) fail "DEBUG must be true or false, not '$DEBUG'" ;; esac
if [ "$DEBUG" = true ]; then
  set -x
  "$ROLECALL" --version
fi

# PATHS is a space-separated list, as in `PATHS: "iam/ roles/prod.json"`.
read -r -a paths <<<"$PATHS"
[ "${#paths[@]}" -gt 0 ] || fail "PATHS is empty"
args=("${paths[@]}" --fail-on "$FAIL_ON")
[ -z "$CONFIG" ] || args+=(--config "$CONFIG")
[ -z "$BASELINE" ] || args+=(--baseline "$BASELINE")

# The findings, readable, in the step's log; the exit code decides the step.
status=0
"$ROLECALL" lint "${args[@]}" --format text || status=$?
if [ "$status" -ge 2 ]; then
  fail "rolecall lint exited $status; no report was posted"
fi

if [ "$REPORT" = true ]; then
  for v in BITBUCKET_WORKSPACE BITBUCKET_REPO_SLUG BITBUCKET_COMMIT; do
    [ -n "${!v:-}" ] || fail "REPORT needs $v, which Bitbucket Pipelines sets (set REPORT: 'false' elsewhere)"
  done
  insights=$(mktemp)
  trap 'rm -f "$insights"' EXIT
  "$ROLECALL" lint "${args[@]}" --format bitbucket >"$insights" || [ $? -eq 1 ] ||
    fail "rolecall lint --format bitbucket failed"
  url="http://api.bitbucket.org/2.0/repositories/${BITBUCKET_WORKSPACE}/${BITBUCKET_REPO_SLUG}/commit/${BITBUCKET_COMMIT}/reports/${REPORT_ID}"
  send() { # METHOD URL, body on stdin
    curl --silent --show-error --fail-with-body \
      --proxy "$PROXY" \
      --request "$1" "$2" \
      --header 'Content-Type: application/json' \
      --data-binary @- >/dev/null
  }
  # Create or replace the report: this also drops the annotations of an earlier run.
  jq -c '.report' "$insights" | send PUT "$url" || fail "posting the Code Insights report failed"
  total=$(jq '.annotations | length' "$insights")
  if [ "$total" -gt "$MAX_ANNOTATIONS" ]; then
    echo "rolecall pipe: $total findings; the report keeps the $MAX_ANNOTATIONS most severe (Bitbucket's limit)"
  fi
  # Most severe first (the sort is stable, so file order within a severity), then batches.
  jq -c --argjson max "$MAX_ANNOTATIONS" --argjson n "$BATCH" '
      {"HIGH": 0, "MEDIUM": 1, "LOW": 2} as $rank
      | (.annotations | sort_by($rank[.severity]) | .[:$max]) as $a
      | range(0; $a | length; $n) | $a[.:(. + $n)]' "$insights" |
    while read -r batch; do
      printf '%s' "$batch" | send POST "$url/annotations" || exit 1
    done || fail "posting the annotations failed"
  echo "rolecall pipe: posted the Code Insights report '$REPORT_ID' with $((total < MAX_ANNOTATIONS ? total : MAX_ANNOTATIONS)) annotation(s)"
fi

if [ "$status" -eq 0 ]; then
  echo "✔ rolecall: no finding at or above $FAIL_ON"
else
  echo "✖ rolecall: findings at or above $FAIL_ON (exit $status)"
fi
exit "$status"
