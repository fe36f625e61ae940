#!/usr/bin/env python3
"""Writes the diff corpus: for each provider's example token and each seed policy, a pinned
BASE and edited HEADs with the verdict the exact model must give. Run from the repository
root: python3 corpus/diff/generate.py (reads corpus/diff/tokens/ and corpus/policies/seed/)."""
import json, os, glob, copy

ROOT = "corpus/diff"
ACCOUNT = "123456789012"
BUILTIN = {"accounts.google.com", "cognito-identity.amazonaws.com"}

def principal(prefix):
    return prefix if prefix in BUILTIN else f"arn:aws:iam::{ACCOUNT}:oidc-provider/{prefix}"

def policy(prefix, conditions, deny=None):
    st = [{"Effect": "Allow", "Principal": {"Federated": principal(prefix)},
           "Action": "sts:AssumeRoleWithWebIdentity", "Condition": conditions}]
    if deny:
        st.append({"Effect": "Deny", "Principal": {"Federated": principal(prefix)},
                   "Action": "sts:AssumeRoleWithWebIdentity", "Condition": deny})
    return {"Version": "2012-10-17", "Statement": st}

def relaxed(sub):
    cut = max(sub.rfind(":"), sub.rfind("/"))
    return sub[: cut + 1] + "*"

# Values of enumerated fields (HCP Terraform's run phase, Spacelift's run type and scope): a
# changed character is no value the provider issues, so `tweak` changes a free field instead.
ENUMERATED = {"plan", "apply", "read", "write", "PROPOSED", "TRACKED", "TASK", "TESTING", "DESTROY"}

def tweak(sub):
    """The same subject with its last changeable character changed: another identity of the
    same shape."""
    parts = sub.split(":")
    if parts[-1] in ENUMERATED:
        # `key:value:key:value…`: change the last value that is not an enumeration's.
        for i in range(len(parts) - 1, 0, -2):
            if parts[i] not in ENUMERATED:
                parts[i] = tweak(parts[i])
                return ":".join(parts)
    chars = list(sub)
    for i in range(len(chars) - 1, -1, -1):
        if chars[i].isdigit():
            chars[i] = "0" if chars[i] != "0" else "1"
            return "".join(chars)
    for i in range(len(chars) - 1, -1, -1):
        c = chars[i]
        if c.isdigit() or c in "abcdef":
            chars[i] = "0" if c != "0" else "1"
            return "".join(chars)
        if c.isalpha():
            chars[i] = "x" if c != "x" else "y"
            return "".join(chars)
    return sub + "x"

cases = []
def case(name, base, head, wider, note):
    cases.append((name, {"note": note, "base": base, "head": head,
                         "expected": "new-access" if wider else "no-new-access"}))

for path in sorted(glob.glob(f"{ROOT}/tokens/*.json")):
    name = os.path.basename(path)[:-5]
    tok = json.load(open(path))
    prefix = tok["iss"].removeprefix("https://")
    sub = tok["sub"]
    aud = tok["aud"][0] if isinstance(tok["aud"], list) else tok["aud"]
    k = lambda c: f"{prefix}:{c}"
    pinned = {"StringEquals": {k("aud"): aud, k("sub"): sub}}
    case(f"{name}-identical", policy(prefix, pinned), policy(prefix, pinned), False,
         "the same policy admits nothing new")
    case(f"{name}-pin-relaxed", policy(prefix, pinned),
         policy(prefix, {"StringEquals": {k("aud"): aud}, "StringLike": {k("sub"): relaxed(sub)}}),
         True, "the last segment of the subject pin relaxed to `*`")
    case(f"{name}-added-value", policy(prefix, pinned),
         policy(prefix, {"StringEquals": {k("aud"): aud},
                         "StringLike": {k("sub"): [sub, tweak(sub)]}}),
         True, "an added StringLike value naming another identity of the same shape")
    case(f"{name}-sub-removed", policy(prefix, pinned),
         policy(prefix, {"StringEquals": {k("aud"): aud}}), True, "the sub condition removed")
    case(f"{name}-ifexists-on-sub", policy(prefix, pinned),
         policy(prefix, {"StringEqualsIfExists": {k("aud"): aud, k("sub"): sub}}), False,
         "IfExists on sub and aud, which every token carries: nothing new")
    wide = {"StringEquals": {k("aud"): aud}, "StringLike": {k("sub"): relaxed(sub)}}
    case(f"{name}-deny-removed", policy(prefix, wide, deny={"StringEquals": {k("sub"): sub}}),
         policy(prefix, wide), True, "a Deny of one subject removed")
    ip = lambda net: {**pinned, "IpAddress": {"aws:SourceIp": net}}
    case(f"{name}-ip-widened", policy(prefix, ip("203.0.113.0/28")),
         policy(prefix, ip("203.0.113.0/24")), True, "the source range widened")
    case(f"{name}-ip-narrowed", policy(prefix, ip("203.0.113.0/24")),
         policy(prefix, ip("203.0.113.0/28")), False, "the source range narrowed")
    case(f"{name}-condition-added", policy(prefix, wide), policy(prefix, pinned), False,
         "a wide subject narrowed to the pin")

# GitHub-specific edits and the defects the model fixes.
gh = "token.actions.githubusercontent.com"
g = lambda c: f"{gh}:{c}"
aud = {g("aud"): "sts.amazonaws.com"}
case("github-slash-dropped", policy(gh, {"StringEquals": aud, "StringLike": {g("sub"): "repo:acme/*"}}),
     policy(gh, {"StringEquals": aud, "StringLike": {g("sub"): "repo:acme*"}}), True,
     "`repo:acme*` also admits the owner acme-lookalike")
case("github-ifexists-on-optional-claim",
     policy(gh, {"StringEquals": {**aud, g("job_workflow_ref"): "acme/deploy/.github/workflows/deploy.yml@refs/heads/main"},
                 "StringLike": {g("sub"): "repo:acme/*"}}),
     policy(gh, {"StringEquals": aud,
                 "StringEqualsIfExists": {g("job_workflow_ref"): "acme/deploy/.github/workflows/deploy.yml@refs/heads/main"},
                 "StringLike": {g("sub"): "repo:acme/*"}}),
     True, "IfExists on job_workflow_ref, which jobs outside a reusable workflow lack")
case("github-repository-id-narrows-wide-sub",
     policy(gh, {"StringEquals": {**aud, g("repository_id"): "123456"}, "StringLike": {g("sub"): "repo:acme/*"}}),
     policy(gh, {"StringEquals": {**aud, g("repository_id"): "123456"},
                 "StringLike": {g("sub"): ["repo:acme/*", "repo:acme/app:*"]}}),
     False, "with repository_id pinned, adding a subject of the same owner admits nothing new")
case("github-repository-id-removed",
     policy(gh, {"StringEquals": {**aud, g("repository_id"): "123456"}, "StringLike": {g("sub"): "repo:acme/*"}}),
     policy(gh, {"StringEquals": aud, "StringLike": {g("sub"): "repo:acme/*"}}),
     True, "dropping the repository_id pin admits every repository of acme")
case("github-job-workflow-ref-narrows",
     policy(gh, {"StringEquals": {**aud, g("job_workflow_ref"): "acme/deploy/.github/workflows/deploy.yml@refs/heads/main"},
                 "StringLike": {g("sub"): "repo:acme/*"}}),
     policy(gh, {"StringEquals": {**aud, g("job_workflow_ref"): "acme/deploy/.github/workflows/deploy.yml@refs/heads/main"},
                 "StringLike": {g("sub"): "repo:*"}}),
     True, "the workflow pin stays but the subject admits every owner")
org = "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
cc = f"oidc.circleci.com/org/{org}"
case("circleci-other-org-in-sub-admits-nothing",
     policy(cc, {"StringLike": {f"{cc}:sub": f"org/{org}/project/6a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c9d/*"}}),
     policy(cc, {"StringLike": {f"{cc}:sub": [f"org/{org}/project/6a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c9d/*",
                                              "org/0badc0de-0000-4000-8000-00000000beef/*"]}}),
     False, "a subject naming another organization: this issuer never issues it")

# The seed policies (Bitbucket).
seeds = {os.path.basename(p)[:-5]: json.load(open(p)) for p in glob.glob("corpus/policies/seed/*.json")}
for name, pol in sorted(seeds.items()):
    head = copy.deepcopy(pol)
    cond = head["Statement"][0]["Condition"]
    subs = [(op, key) for op, kv in cond.items() for key in kv if key.endswith(":sub")]
    if subs:
        op, key = subs[0]
        del cond[op][key]
        if not cond[op]:
            del cond[op]
        case(f"seed-{name}-sub-removed", pol, head, True, "the seed policy without its sub condition")
        head2 = copy.deepcopy(pol)
        head2["Statement"][0]["Condition"].setdefault("StringLike", {})[key] = "*"
        if op != "StringLike":
            del head2["Statement"][0]["Condition"][op][key]
            if not head2["Statement"][0]["Condition"][op]:
                del head2["Statement"][0]["Condition"][op]
        case(f"seed-{name}-sub-star", pol, head2, True, "the seed's subject relaxed to `*`")
        case(f"seed-{name}-narrowed", head2, pol, False, "the seed's subject is narrower than `*`")
    case(f"seed-{name}-identical", pol, pol, False, "unchanged")
    if "IpAddress" in json.dumps(pol):
        wide = copy.deepcopy(pol)
        wide["Statement"][0]["Condition"]["IpAddress"]["aws:SourceIp"] = "0.0.0.0/0"
        case(f"seed-{name}-ip-widened", pol, wide, True, "the allow-list widened to every IPv4 address")

os.makedirs(f"{ROOT}/cases", exist_ok=True)
for name, c in cases:
    with open(f"{ROOT}/cases/{name}.json", "w") as f:
        json.dump(c, f, indent=2)
        f.write("\n")
print(len(cases), "cases")
