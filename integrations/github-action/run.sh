#!/usr/bin/env bash
# The rolecall Action's lint step (action.yml): run `rolecall lint --format sarif` on the
# inputs, write the SARIF file, and record rolecall's exit code in $GITHUB_OUTPUT so the
# upload runs before the job fails. With a diff base (in a pull request, its base commit) it
# also runs `rolecall diff --git BASE PATHS`: each new way in is an error annotation naming its
# witness token, and a second SARIF file.
#
# Exits 0 once the codes are recorded, errors included, so that the uploads run: the Action's
# last step fails the job on the codes. A file rolecall cannot read or parse is such an error:
# lint lists it in the SARIF beside the other files' findings, and that SARIF is uploaded.
# Exits 2 on an error that leaves nothing to upload (a bad input, bad configuration).
#
# Inputs arrive as environment variables: INPUT_PATHS (space or newline separated),
# INPUT_FAIL_ON, INPUT_CONFIG, INPUT_DIFF_BASE, SARIF and DIFF_SARIF (the output files).
# ROLECALL is the binary (default: `rolecall` on PATH).
set -euo pipefail

ROLECALL=${ROLECALL:-rolecall}
SARIF=${SARIF:-rolecall.sarif}
DIFF_SARIF=${DIFF_SARIF:-rolecall-diff.sarif}
DIFF_BASE=${INPUT_DIFF_BASE:-}
FAIL_ON=${INPUT_FAIL_ON:-warning}
: "${GITHUB_OUTPUT:?run.sh runs as a step of the rolecall Action}"

case "$FAIL_ON" in error | warning | note) ;; *)
  echo "::error title=rolecall::fail-on must be error, warning or note, not '$FAIL_ON'"
  exit 2
  ;;
esac

read -r -d '' -a paths <<<"${INPUT_PATHS:-.}" || true
if [ "${#paths[@]}" -eq 0 ]; then
  echo "::error title=rolecall::the paths input is empty"
  exit 2
fi
args=(lint "${paths[@]}" --format sarif --fail-on "$FAIL_ON")
[ -z "${INPUT_CONFIG:-}" ] || args+=(--config "$INPUT_CONFIG")

code=0
"$ROLECALL" "${args[@]}" >"$SARIF" || code=$?
echo "code=$code" >>"$GITHUB_OUTPUT"
case "$code" in
  0) echo "rolecall: no finding at or above $FAIL_ON" ;;
  1) echo "rolecall: findings at or above $FAIL_ON; see $SARIF and code scanning" ;;
  *)
    # rolecall writes a whole SARIF document or nothing: nothing is a bad configuration.
    if [ ! -s "$SARIF" ]; then
      echo "::error title=rolecall::rolecall lint exited $code with no SARIF (bad configuration or arguments; the log above says which)"
      exit 2
    fi
    echo "::error title=rolecall::rolecall lint exited $code: a file it could not read or parse (the SARIF lists it beside the other files' findings, and is uploaded before the job fails)"
    ;;
esac
echo "sarif=$SARIF" >>"$GITHUB_OUTPUT"

[ -n "$DIFF_BASE" ] || exit 0
# A diff error fails the job in the last step, after the lint SARIF is uploaded.
diff_error() {
  echo "diff-code=2" >>"$GITHUB_OUTPUT"
  echo "::error title=rolecall diff::$*"
  exit 0
}
# actions/checkout fetches one commit by default: fetch the base when the checkout lacks it.
if ! git cat-file -e "$DIFF_BASE^{commit}" 2>/dev/null; then
  git fetch --quiet --no-tags --depth=1 origin "$DIFF_BASE" 2>/dev/null ||
    diff_error "diff-base $DIFF_BASE is not in the checkout and cannot be fetched (check out with fetch-depth: 0)"
fi
diff_code=0
# Workflow commands: an error annotation per new way in, with its witness token.
"$ROLECALL" diff --git "$DIFF_BASE" "${paths[@]}" --format github || diff_code=$?
[ "$diff_code" -le 1 ] || diff_error "rolecall diff exited $diff_code (an error: unreadable file, or a policy too complex to decide exactly)"
"$ROLECALL" diff --git "$DIFF_BASE" "${paths[@]}" --format sarif >"$DIFF_SARIF" || [ $? -eq 1 ] ||
  diff_error "rolecall diff --format sarif failed"
echo "diff-code=$diff_code" >>"$GITHUB_OUTPUT"
echo "diff-sarif=$DIFF_SARIF" >>"$GITHUB_OUTPUT"
if [ "$diff_code" -eq 0 ]; then
  echo "rolecall diff: no new access since $DIFF_BASE"
else
  echo "rolecall diff: new access since $DIFF_BASE; the annotations above name a witness token for each way in"
fi
