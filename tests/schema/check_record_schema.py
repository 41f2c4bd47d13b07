#!/usr/bin/python3
"""Checks docs/run-record.schema.json against the run records the writer produces: the golden
records of the sample runs (tests/golden/reports-*.json) must pass, as must the same record
rewritten as version 1 (readers still read it); a version 2 record without its coverage, or with
an exit status or a skip kind the format does not know, must fail (so this test can fail); so must
a cluster run's record with a node lacking its address or name, or a step's for_node null.

usage: check_record_schema.py SOURCE_DIR
"""
import copy
import glob
import json
import os
import sys

import jsonschema


def main():
    src = sys.argv[1]
    schema = json.load(open(os.path.join(src, "docs", "run-record.schema.json")))
    jsonschema.Draft202012Validator.check_schema(schema)
    v = jsonschema.Draft202012Validator(schema)
    problems = []
    records = sorted(glob.glob(os.path.join(src, "tests", "golden", "reports-*.json")))
    if not records:
        problems.append("no golden run record under tests/golden")
    for path in records:
        rec = json.load(open(path))
        for e in v.iter_errors(rec):
            problems.append("%s: %s" % (path, e.message))
        old = copy.deepcopy(rec)
        old["record_version"] = 1
        del old["coverage"]
        for k in ("allow_skip", "allow_incomplete"):
            del old["options"][k]
        old["summary"]["exit_code"] = 1
        for t in old["tests"]:
            for k in ("skip_kind", "missing_var", "controls"):
                t.pop(k, None)
        for e in v.iter_errors(old):
            problems.append("%s as version 1: %s" % (path, e.message))
        bad = []
        b = copy.deepcopy(rec); del b["coverage"]; bad.append(("without coverage", b))
        b = copy.deepcopy(rec); b["summary"]["exit_code"] = 5; bad.append(("exit_code 5", b))
        b = copy.deepcopy(rec); b["coverage"]["gaps"] = [{"id": "X", "kind": "not-applicable", "reason": "r",
                                                           "allowed": False}]; bad.append(("a not-applicable gap", b))
        b = copy.deepcopy(rec); b["tests"][0]["skip_kind"] = "later"; bad.append(("an unknown skip kind", b))
        if "nodes" in rec:
            # A cluster run: its nodes and the steps' node and round have their shapes.
            b = copy.deepcopy(rec); b["nodes"][0] = {"name": "a"}; bad.append(("a node without an address", b))
            b = copy.deepcopy(rec); b["nodes"][0]["name"] = ""; bad.append(("a node without a name", b))
            steps = [s for t in rec["tests"] for s in t["detail"]["steps"] if "node" in s]
            if not steps:
                problems.append("%s: no step with a node" % path)
            b = copy.deepcopy(rec)
            for t in b["tests"]:
                for s in t["detail"]["steps"]:
                    if "for_node" in s:
                        s["for_node"] = None
            bad.append(("a null for_node", b))
        for what, b in bad:
            if not list(v.iter_errors(b)):
                problems.append("%s %s: accepted by the schema" % (path, what))
    for p in problems:
        print("FAIL:", p)
    if problems:
        return 1
    print("PASS: %d records valid (also as version 1); 4 broken variants of each (3 more of a cluster run's) "
          "rejected" % len(records))
    return 0


if __name__ == "__main__":
    sys.exit(main())
