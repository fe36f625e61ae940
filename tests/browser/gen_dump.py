#!/usr/bin/env python3
"""Write a whole-account `get-account-authorization-details` dump of N roles (default 10,000)
to stdout, as benches/lint.rs's `dump` does: the roles' trust policies are drawn in turn from
every policy of the corpus that parses (corpus/policies/**/*.json and the inline `policy` of
corpus/eval and corpus/lint cases), half as JSON objects, half URL-encoded as IAM returns them.

    tests/browser/gen_dump.py [N] [--distinct] > dump.json

With --distinct every role's policy gets its own top-level `Id`, so no two policies are the
same document (the report's `who` summaries are then worked out once per role, not once per
template: the worst case for an account whose roles share no template).
"""
import json
import pathlib
import sys
import urllib.parse

ROOT = pathlib.Path(__file__).resolve().parents[2]


def policies():
    out = []
    for p in sorted((ROOT / "corpus/policies").rglob("*.json")):
        try:
            out.append((f"{p.parent.name}-{p.stem}", json.loads(p.read_text())))
        except ValueError:
            pass
    for d in ("corpus/eval", "corpus/lint"):
        for p in sorted((ROOT / d).rglob("*.json")):
            try:
                case = json.loads(p.read_text())
            except ValueError:
                continue
            if isinstance(case, dict) and isinstance(case.get("policy"), dict):
                out.append((f"{p.parent.name}-{p.stem}", case["policy"]))
    return out


def main():
    args = [a for a in sys.argv[1:] if a != "--distinct"]
    distinct = "--distinct" in sys.argv[1:]
    n = int(args[0]) if args else 10_000
    pols = policies()
    roles = []
    for i in range(n):
        name, doc = pols[i % len(pols)]
        role = f"{name[:58]}-{i:05}"
        if distinct and isinstance(doc, dict):
            doc = {**doc, "Id": f"role-{i:05}"}
        text = json.dumps(doc)
        roles.append({
            "Path": "/",
            "RoleName": role,
            "Arn": f"arn:aws:iam::123456789012:role/{role}",
            "AssumeRolePolicyDocument": urllib.parse.quote(text) if i % 2 else doc,
            "Tags": [{"Key": "source", "Value": name}],
        })
    json.dump({"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": roles,
               "Policies": []}, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
