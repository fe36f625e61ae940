#!/usr/bin/env bash
# The rolecall Action's lint step (action.yml): run `rolecall lint --format sarif` on the
# inputs, write the SARIF file, and record rolecall's exit code in $GITHUB_OUTPUT so the
# upload runs before the job fails. Exits 0 when the run worked (clean or findings: the
# Action's last step fails the job on the code), 2 on an error.
#
# Inputs arrive as environment variables: INPUT_PATHS (space or newline separated),
# INPUT_FAIL_ON, INPUT_CONFIG, SARIF (the output file). ROLECALL is the binary (default:
# `rolecall` on PATH).
set -euo pipefail

ROLECALL=${ROLECALL:-rolecall}
SARIF=${SARIF:-rolecall.sarif}
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
echo "sarif=$SARIF" >>"$GITHUB_OUTPUT"
case "$code" in
  0) echo "rolecall: no finding at or above $FAIL_ON" ;;
  1) echo "rolecall: findings at or above $FAIL_ON; see $SARIF and code scanning" ;;
  *)
    echo "::error title=rolecall::rolecall lint exited $code (an error: unreadable file, invalid JSON or bad configuration)"
    exit 2
    ;;
esac
