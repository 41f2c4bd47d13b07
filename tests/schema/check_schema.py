#!/usr/bin/python3
"""Validates the bundled cases (cases/**/*.yaml) and the valid test data (tests/data/valid*/)
against docs/case-format.schema.json, and checks that the schema rejects a few files from
tests/invalid/ (so this test can fail). YAML is read with the 1.2 core schema, like the runner:
yes/no/on are strings, 0o17 is octal, 012 is decimal, timestamps stay strings.

usage: check_schema.py SOURCE_DIR
"""
import glob
import json
import math
import os
import re
import sys

import jsonschema
import yaml


class CoreLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core schema resolution instead of YAML 1.1's."""


CoreLoader.yaml_implicit_resolvers = {}
_RESOLVERS = [
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", list("~nN") + [""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    ("tag:yaml.org,2002:float",
     r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
     r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", list("-+.0123456789")),
]
for tag, regex, first in _RESOLVERS:
    CoreLoader.add_implicit_resolver(tag, re.compile(regex), first)


def _int(loader, node):
    v = loader.construct_scalar(node)
    if v.startswith("0x"):
        return int(v[2:], 16)
    if v.startswith("0o"):
        return int(v[2:], 8)
    return int(v, 10)


def _float(loader, node):
    v = loader.construct_scalar(node)
    low = v.lower()
    if low in (".inf", "+.inf"):
        return math.inf
    if low == "-.inf":
        return -math.inf
    if low == ".nan":
        return math.nan
    return float(v)


def _bool(loader, node):
    return loader.construct_scalar(node).lower() == "true"


CoreLoader.add_constructor("tag:yaml.org,2002:int", _int)
CoreLoader.add_constructor("tag:yaml.org,2002:float", _float)
CoreLoader.add_constructor("tag:yaml.org,2002:bool", _bool)


def _stringify_keys(v):
    """JSON objects have string keys: turn YAML keys such as 200 or true into their text."""
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            if isinstance(k, bool):
                k = "true" if k else "false"
            elif k is None:
                k = "null"
            elif not isinstance(k, str):
                k = str(k)
            out[k] = _stringify_keys(x)
        return out
    if isinstance(v, list):
        return [_stringify_keys(x) for x in v]
    return v


def load(path):
    with open(path, "rb") as f:
        return _stringify_keys(yaml.load(f, Loader=CoreLoader))


# Files of tests/invalid/ that the schema alone must reject.
MUST_FAIL = [
    "unknown-key-test.yaml", "unknown-key-request.yaml", "unknown-key-file.yaml",
    "missing-id.yaml", "missing-suite.yaml", "bad-status.yaml", "bad-severity.yaml",
    "request-and-steps.yaml", "no-request.yaml", "form-and-json.yaml", "path-and-url.yaml",
    "yes-not-bool.yaml", "repeat-zero.yaml", "step-two-kinds.yaml", "step-wrong-key.yaml",
    "exists-false.yaml", "run-literal.yaml", "bad-operator.yaml", "bad-type.yaml",
    "tests-empty.yaml", "jwt-both.yaml", "skip-on-no-reason.yaml", "when-no-value.yaml",
    "capture-bad-name.yaml", "bad-http-version.yaml", "bad-exit.yaml", "url-relative.yaml",
    "expect-on-multistep.yaml", "list-as-check.yaml", "in-not-list.yaml", "when-kind-bad.yaml",
]


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    src = sys.argv[1]
    with open(os.path.join(src, "docs", "case-format.schema.json")) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)

    failures = 0
    # The generic suite's case files too (suite/oauth2/); the manifests beside them are not cases.
    files = sorted(glob.glob(os.path.join(src, "cases", "**", "*.yaml"), recursive=True)
                   + glob.glob(os.path.join(src, "suite", "*", "*.yaml"))
                   + glob.glob(os.path.join(src, "tests", "data", "valid*", "**", "*.yaml"),
                               recursive=True))
    for path in files:
        rel = os.path.relpath(path, src)
        try:
            doc = load(path)
        except yaml.YAMLError as e:
            failures += 1
            print("not ok - %s\n    YAML error: %s" % (rel, str(e).replace("\n", " ")))
            continue
        errors = sorted(validator.iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path])
        if errors:
            failures += 1
            print("not ok - %s" % rel)
            for e in errors[:10]:
                where = "/".join(str(p) for p in e.absolute_path) or "(root)"
                print("    %s: %s" % (where, e.message[:300]))
        else:
            print("ok - %s" % rel)

    for name in MUST_FAIL:
        path = os.path.join(src, "tests", "invalid", name)
        if not os.path.exists(path):
            failures += 1
            print("not ok - tests/invalid/%s is missing" % name)
            continue
        if validator.is_valid(load(path)):
            failures += 1
            print("not ok - tests/invalid/%s passes the schema but must not" % name)
        else:
            print("ok - tests/invalid/%s is rejected" % name)

    print("%d valid file(s), %d invalid file(s) checked, %d failure(s)"
          % (len(files), len(MUST_FAIL), failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
