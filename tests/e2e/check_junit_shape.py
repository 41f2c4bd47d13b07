#!/usr/bin/python3
"""Checks the JUnit shape GitLab relies on (shared/docs/reports.md): every test case has a
classname and a name, and the pair is unique in the file (GitLab keeps only the first of two);
failure, error and skipped elements carry their text in the element body (GitLab shows the text,
not @message); system-out appears only inside test cases; a failing test case has system-out.

usage: check_junit_shape.py REPORT.xml
"""
import sys
import xml.etree.ElementTree as ET


def main(path):
    root = ET.parse(path).getroot()
    problems = []
    seen = {}
    cases = 0
    for suite in root.iter("testsuite"):
        for child in suite:
            if child.tag in ("system-out", "system-err"):
                problems.append("testsuite %s has %s outside a test case" % (suite.get("name"), child.tag))
    for case in root.iter("testcase"):
        cases += 1
        cls, name = case.get("classname"), case.get("name")
        if not cls or not name:
            problems.append("a test case without classname or name: %r %r" % (cls, name))
            continue
        key = (cls, name)
        if key in seen:
            problems.append("duplicate classname+name: %s / %s" % key)
        seen[key] = True
        verdicts = [c for c in case if c.tag in ("failure", "error", "skipped")]
        if len(verdicts) > 1:
            problems.append("%s: more than one of failure/error/skipped" % name)
        for v in verdicts:
            if not (v.text or "").strip():
                problems.append("%s: <%s> has no text (GitLab shows the text)" % (name, v.tag))
            if not v.get("message"):
                problems.append("%s: <%s> has no message" % (name, v.tag))
        if any(v.tag == "failure" for v in verdicts) and case.find("system-out") is None:
            problems.append("%s: a failing test case without system-out" % name)
    if cases == 0:
        problems.append("no test case at all")
    for p in problems:
        print("check_junit_shape: " + p, file=sys.stderr)
    print("check_junit_shape: %d test cases, %d unique classname+name, %d problem(s)"
          % (cases, len(seen), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
