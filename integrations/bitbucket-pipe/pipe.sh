#!/usr/bin/env bash
# The rolecall Bitbucket Pipe: lint the IAM role trust policies under PATHS, print the
# findings in the step's log and, inside Pipelines, post them as a Code Insights report with
# one annotation per finding. With a diff base (DIFF_BASE, by default the pull request's
# destination commit) it also runs `rolecall diff --git BASE PATHS`: does the change let anyone
# new assume a role? Its answer, with a witness token for each new way in, goes to the log and
# to a second report. Exits 0 clean, 1 findings at or above FAIL_ON or new access, 2 an error.
# A file rolecall cannot read or parse is an error that still posts the report: lint lists it
# as an annotation beside the other files' findings, and the step fails after posting. An
# error with nothing to post (bad configuration, bad variables) posts no report.
#
# Variables (pipe.yml lists them): PATHS, FAIL_ON, CONFIG, BASELINE, DIFF_BASE, REPORT, DEBUG.
# Not for users: ROLECALL (the binary, default `rolecall` on PATH) and ROLECALL_PROXY (the
# Pipelines proxy, which authenticates calls to api.bitbucket.org so the pipe needs no token).
set -euo pipefail

PATHS=${PATHS:-.}
FAIL_ON=${FAIL_ON:-warning}
CONFIG=${CONFIG:-}
BASELINE=${BASELINE:-}
REPORT=${REPORT:-true}
DEBUG=${DEBUG:-false}
# Empty: the pull request's destination commit in a pull-request pipeline, else no diff.
# `none` turns the diff off.
DIFF_BASE=${DIFF_BASE:-${BITBUCKET_PR_DESTINATION_COMMIT:-}}
[ "$DIFF_BASE" != none ] || DIFF_BASE=
ROLECALL=${ROLECALL:-rolecall}
# A pipe runs in its own container: the proxy is on the Docker host, not on localhost.
PROXY=${ROLECALL_PROXY:-http://host.docker.internal:29418}
REPORT_ID=rolecall
DIFF_REPORT_ID=rolecall-diff
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

# The findings, readable, in the step's log; the exit code decides the step (after posting).
status=0
"$ROLECALL" lint "${args[@]}" --format text || status=$?

# git refuses a repository owned by another user (the pipe's container runs as root on the
# clone); trust this one for rolecall's git calls only, without writing any git config.
git_env=(GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=safe.directory "GIT_CONFIG_VALUE_0=$PWD")
diff_status=0
# Whether the diff runs: a base the clone lacks is an error, after the lint report is posted.
diff_run=false
if [ -n "$DIFF_BASE" ]; then
  diff_run=true
  # Pipelines clones 50 commits deep by default: fetch the base when the clone lacks it.
  if ! env "${git_env[@]}" git cat-file -e "$DIFF_BASE^{commit}" 2>/dev/null &&
    ! env "${git_env[@]}" git fetch --quiet --depth=1 origin "$DIFF_BASE" 2>/dev/null; then
    echo "✖ rolecall pipe: DIFF_BASE '$DIFF_BASE' is not a commit of this clone and cannot be fetched (set \`clone: depth: full\` on the step)" >&2
    diff_run=false
    diff_status=2
  fi
fi
if [ "$diff_run" = true ]; then
  echo "rolecall diff --git $DIFF_BASE: does this change let anyone new assume a role?"
  env "${git_env[@]}" "$ROLECALL" diff --git "$DIFF_BASE" "${paths[@]}" --format text || diff_status=$?
fi

send() { # METHOD URL, body on stdin
  curl --silent --show-error --fail-with-body \
    --proxy "$PROXY" \
    --request "$1" "$2" \
    --header 'Content-Type: application/json' \
    --data-binary @- >/dev/null
}

# post ID FILE: FILE is a `--format bitbucket` payload ({report, annotations}).
post() {
  local id=$1 insights=$2 url total
  url="http://api.bitbucket.org/2.0/repositories/${BITBUCKET_WORKSPACE}/${BITBUCKET_REPO_SLUG}/commit/${BITBUCKET_COMMIT}/reports/${id}"
  # Create or replace the report: this also drops the annotations of an earlier run.
  jq -c '.report' "$insights" | send PUT "$url" || fail "posting the Code Insights report '$id' failed"
  total=$(jq '.annotations | length' "$insights")
  if [ "$total" -gt "$MAX_ANNOTATIONS" ]; then
    echo "rolecall pipe: $total annotations; the report '$id' keeps the $MAX_ANNOTATIONS most severe (Bitbucket's limit)"
  fi
  # Most severe first (the sort is stable, so file order within a severity), then batches.
  jq -c --argjson max "$MAX_ANNOTATIONS" --argjson n "$BATCH" '
      {"HIGH": 0, "MEDIUM": 1, "LOW": 2} as $rank
      | (.annotations | sort_by($rank[.severity]) | .[:$max]) as $a
      | range(0; $a | length; $n) | $a[.:(. + $n)]' "$insights" |
    while read -r batch; do
      printf '%s' "$batch" | send POST "$url/annotations" || exit 1
    done || fail "posting the annotations of '$id' failed"
  echo "rolecall pipe: posted the Code Insights report '$id' with $((total < MAX_ANNOTATIONS ? total : MAX_ANNOTATIONS)) annotation(s)"
}

# postable CODE FILE: rolecall's run worked (0, 1), or erred (2) yet wrote a whole payload,
# as lint does when some file cannot be read or parsed (the payload lists it).
postable() {
  # (`jq -e` passes an empty file: it reads no value, so none is false.)
  [ "$1" -le 1 ] || { [ "$1" -eq 2 ] && [ -s "$2" ] && jq -e '.report.result' "$2" >/dev/null 2>&1; }
}

if [ "$REPORT" = true ]; then
  for v in BITBUCKET_WORKSPACE BITBUCKET_REPO_SLUG BITBUCKET_COMMIT; do
    [ -n "${!v:-}" ] || fail "REPORT needs $v, which Bitbucket Pipelines sets (set REPORT: 'false' elsewhere)"
  done
  insights=$(mktemp)
  diff_insights=$(mktemp)
  trap 'rm -f "$insights" "$diff_insights"' EXIT
  code=0
  "$ROLECALL" lint "${args[@]}" --format bitbucket >"$insights" || code=$?
  if postable "$code" "$insights"; then
    post "$REPORT_ID" "$insights"
  else
    echo "✖ rolecall pipe: rolecall lint --format bitbucket exited $code with no report; none was posted" >&2
    [ "$status" -ge 2 ] || status=2
  fi
  if [ "$diff_run" = true ]; then
    code=0
    env "${git_env[@]}" "$ROLECALL" diff --git "$DIFF_BASE" "${paths[@]}" --format bitbucket >"$diff_insights" || code=$?
    if postable "$code" "$diff_insights"; then
      post "$DIFF_REPORT_ID" "$diff_insights"
    else
      echo "✖ rolecall pipe: rolecall diff --format bitbucket exited $code with no report; none was posted" >&2
      [ "$diff_status" -ge 2 ] || diff_status=2
    fi
  fi
fi

case "$status" in
  0) echo "✔ rolecall: no finding at or above $FAIL_ON" ;;
  1) echo "✖ rolecall: findings at or above $FAIL_ON (exit 1)" ;;
  *) echo "✖ rolecall: lint exited $status, an error: a file it could not read or parse, or bad configuration (the log above says which)" ;;
esac
if [ -n "$DIFF_BASE" ]; then
  case "$diff_status" in
    0) echo "✔ rolecall diff: no new access since $DIFF_BASE" ;;
    1) echo "✖ rolecall diff: new access since $DIFF_BASE (the witnesses are above)" ;;
    *) echo "✖ rolecall diff: exited $diff_status, an error (the log above says which)" ;;
  esac
fi
[ "$status" -lt 2 ] && [ "$diff_status" -lt 2 ] || exit 2
[ "$status" -eq 0 ] && [ "$diff_status" -eq 0 ] || exit 1
