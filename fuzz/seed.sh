#!/bin/sh
# Seed each fuzz target's corpus from the repository's corpus/ (fuzz/corpus/ is gitignored).
# Usage: fuzz/seed.sh   (from anywhere; needs only a POSIX shell; uses jq when present to pull
# the inline policies and claims out of corpus/eval and corpus/lint cases, and to wrap policies
# in the IAM output `lint` reads)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
src="$root/corpus"
out="$here/corpus"
mkdir -p "$out/parse_policy" "$out/matcher" "$out/token_decode" "$out/check" "$out/lint" "$out/terraform_hcl"

seed() { # seed <target> <name>  (content on stdin)
    cat > "$out/$1/$2"
}

# parse_policy: every policy file, every eval case file (JSON, not policies: still good shapes).
for f in "$src"/policies/*/*.json "$src"/eval/*/*.json; do
    [ -f "$f" ] || continue
    seed parse_policy "$(basename "$(dirname "$f")")-$(basename "$f")" < "$f"
done

# lint: every policy file as it is.
for f in "$src"/policies/*/*.json; do
    [ -f "$f" ] || continue
    seed lint "$(basename "$(dirname "$f")")-$(basename "$f")" < "$f"
done

# token_decode: every token.
for f in "$src"/tokens/*.jwt; do
    [ -f "$f" ] || continue
    seed token_decode "$(basename "$f")" < "$f"
done

# check: `policy NUL claims`. Every policy file with every claims file...
for p in "$src"/policies/*/*.json; do
    [ -f "$p" ] || continue
    for c in "$src"/tokens/*.claims.json; do
        [ -f "$c" ] || continue
        { cat "$p"; printf '\0'; cat "$c"; } | seed check "$(basename "$p" .json)+$(basename "$c" .json)"
    done
done
# ...and each eval case with an inline policy and inline claims.
if command -v jq >/dev/null 2>&1; then
    for f in "$src"/eval/*/*.json; do
        [ -f "$f" ] || continue
        pol=$(jq -c '.policy // empty' "$f")
        cla=$(jq -c '.request.claims // empty' "$f")
        [ -n "$pol" ] || continue
        name="$(basename "$(dirname "$f")")-$(basename "$f" .json)"
        printf '%s' "$pol" | seed parse_policy "$name.policy.json"
        [ -n "$cla" ] || continue
        printf '%s\0%s' "$pol" "$cla" | seed check "$name"
    done
fi

# lint: each inline policy of the eval and lint cases (and each policy file) alone, as
# `aws iam get-role` output (a JSON object), and as a one-role account dump with the policy
# URL-encoded the way the IAM API returns it.
if command -v jq >/dev/null 2>&1; then
    for f in "$src"/policies/*/*.json "$src"/eval/*/*.json "$src"/lint/*/*.json; do
        [ -f "$f" ] || continue
        case $f in
        "$src"/policies/*) pol=$(jq -c '.' "$f" 2>/dev/null) || continue ;;
        *) pol=$(jq -c '.policy // empty' "$f") ;;
        esac
        [ -n "$pol" ] || continue
        kind=$(basename "$(dirname "$(dirname "$f")")")
        name="$kind-$(basename "$(dirname "$f")")-$(basename "$f" .json)"
        case $f in "$src"/policies/*) ;; *) printf '%s' "$pol" | seed lint "$name.json" ;; esac
        printf '%s' "$pol" | jq -c --arg n "$name" \
            '{Role: {Path: "/", RoleName: $n, Arn: ("arn:aws:iam::123456789012:role/" + $n),
                     AssumeRolePolicyDocument: .}}' | seed lint "$name.get-role.json"
        printf '%s' "$pol" | jq -c --arg n "$name" \
            '{UserDetailList: [], GroupDetailList: [], Policies: [],
              RoleDetailList: [{Path: "/", RoleName: $n, Tags: [], RolePolicyList: [],
                                AssumeRolePolicyDocument: (tojson | @uri)}]}' |
            seed lint "$name.account.json"
    done
fi

# matcher: `pattern NUL value` pairs from the providers' subjects.
m() { printf '%s\0%s' "$2" "$3" | seed matcher "$1"; }
m bb_match '{1de489be-ce6a-42a0-a8c8-eadbf1174ac7}:*' '{1de489be-ce6a-42a0-a8c8-eadbf1174ac7}:{bd715740-c970-486b-b68a-b421ec2a1f8b}:{759de0c6-eaee-4eaa-b7a6-c507eec759a7}'
m bb_env '{1de489be-ce6a-42a0-a8c8-eadbf1174ac7}*:{bd715740-c970-486b-b68a-b421ec2a1f8b}:*' '{1de489be-ce6a-42a0-a8c8-eadbf1174ac7}:{bd715740-c970-486b-b68a-b421ec2a1f8b}:{759de0c6-eaee-4eaa-b7a6-c507eec759a7}'
m gh 'repo:octo-org/*:ref:refs/heads/*' 'repo:octo-org/octo-repo:ref:refs/heads/main'
m gh_pr 'repo:octo-org/*:ref:refs/heads/*' 'repo:octo-org/octo-repo:pull_request'
m gl 'project_path:mygroup/*:ref_type:branch:ref:ma?n' 'project_path:mygroup/app:ref_type:branch:ref:main'
m eks 'system:serviceaccount:payments:*' 'system:serviceaccount:payments:invoice-reader'
m patho '*a*a*a*a*a*a?b*' 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab'
m unicode 'a?b*é' 'a😀bxé'

# terraform_hcl: every Terraform fixture, native and JSON syntax (read_text picks by content).
find "$src/sources/terraform" \( -name '*.tf' -o -name '*.tf.json' \) 2>/dev/null | while read -r f; do
    seed terraform_hcl "$(echo "${f#"$src"/sources/terraform/}" | tr / -)" < "$f"
done

# cloudformation: every template of the source corpus, YAML and JSON (and CDK's).
mkdir -p "$out/cloudformation"
for f in "$src"/sources/cloudformation/* "$src"/sources/cdk/cdk.out/*.template.json; do
    [ -f "$f" ] || continue
    seed cloudformation "$(basename "$f")" < "$f"
done

for t in parse_policy matcher token_decode check lint terraform_hcl cloudformation; do
    echo "$t: $(ls "$out/$t" | wc -l) inputs in $out/$t"
done

# diff: each pair of seed policies, `base NUL head`.
mkdir -p "$out/diff"
for a in "$src"/policies/seed/*.json; do
    for b in "$src"/policies/seed/*.json; do
        { cat "$a"; printf '\0'; cat "$b"; } > "$out/diff/$(basename "$a" .json)--$(basename "$b")"
    done
done
