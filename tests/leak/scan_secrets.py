#!/usr/bin/env python3
"""Searches report and console files for secrets in every form they could take.

  scan_secrets.py --secrets FILE [--basic FILE] [--tokens-log FILE] OUTPUT...

--secrets: one secret per line (passwords, tokens). --basic: one "user:password" per line (HTTP
Basic credentials). --tokens-log: a reference-server log written with --log-tokens; every
"access_token=..." in it is a secret too.

For each secret: raw; percent-encoded with upper- and lower-case hex, with and without "/" kept,
with "+" for space; JSON-escaped (ASCII-only \\uXXXX, raw UTF-8, and with "\\/"); base64 and
base64url of the secret, whole and as the core that appears inside a longer encoding at each of
the three byte alignments; every 20-byte window of a secret of 20 bytes or more (DESIGN 6: no
fragment of a secret 20 characters or longer may remain). For each "user:password": its base64
and base64url (the value of a Basic header). Each form also XML-escaped (JUnit) and YAML/JSON
double-quote escaped (TAP). Forms shorter than 8 bytes are not searched (the redactor only
redacts such values where they stand whole).

Prints the number of secrets, forms and files searched and every hit (file, line, form: never the
secret itself); exits 1 on any hit, 2 on a usage error.
"""
import argparse
import base64
import json
import re
import sys
import urllib.parse

MIN_FORM = 8
WINDOW = 20


def percent_forms(s):
    out = {}
    for safe_name, safe in (("", ""), ("/", "/")):
        q = urllib.parse.quote(s, safe=safe)                 # upper-case hex
        out["urlencode" + safe_name] = q
        out["urlencode-lower" + safe_name] = re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), q)
        p = urllib.parse.quote_plus(s, safe=safe)
        out["form-urlencode" + safe_name] = p
        out["form-urlencode-lower" + safe_name] = re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), p)
    return out


def json_forms(s):
    a = json.dumps(s)[1:-1]
    u = json.dumps(s, ensure_ascii=False)[1:-1]
    return {"json-ascii": a, "json-utf8": u, "json-slash": u.replace("/", "\\/")}


def b64_forms(raw):
    out = {"base64": base64.b64encode(raw).decode(), "base64url": base64.urlsafe_b64encode(raw).decode().rstrip("=")}
    for k in range(3):
        buf = b"x" * k + raw
        bits = 8 * len(buf)
        start = (8 * k + 5) // 6
        end = bits // 6
        if end - start >= MIN_FORM:
            out["base64-core%d" % k] = base64.b64encode(buf).decode()[start:end]
            out["base64url-core%d" % k] = base64.urlsafe_b64encode(buf).decode()[start:end]
    return out


def xml_escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def quote_escape(s):
    return s.replace("\\", "\\\\").replace('"', '\\"')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--secrets", required=True)
    ap.add_argument("--basic")
    ap.add_argument("--tokens-log")
    ap.add_argument("outputs", nargs="+")
    a = ap.parse_args()

    secrets = []
    with open(a.secrets, encoding="utf-8") as f:
        secrets += [l.rstrip("\n") for l in f if l.rstrip("\n")]
    n_logged = 0
    if a.tokens_log:
        with open(a.tokens_log, encoding="utf-8", errors="replace") as f:
            for l in f:
                m = re.search(r"access_token=(\S+)", l)
                if m:
                    secrets.append(m.group(1))
                    n_logged += 1
    secrets = list(dict.fromkeys(secrets))
    basics = []
    if a.basic:
        with open(a.basic, encoding="utf-8") as f:
            basics = [l.rstrip("\n") for l in f if l.rstrip("\n")]

    # pattern bytes -> (secret number, form name); windows separately.
    patterns = {}
    skipped_short = 0

    def add(idx, name, text):
        nonlocal skipped_short
        forms = {name: text, name + "+xml": xml_escape(text), name + "+quoted": quote_escape(text)}
        for n, t in forms.items():
            b = t.encode("utf-8")
            if len(b) < MIN_FORM:
                skipped_short += 1
                continue
            patterns.setdefault(b, (idx, n))

    for i, s in enumerate(secrets):
        raw = s.encode("utf-8")
        add(i, "raw", s)
        for n, t in percent_forms(s).items():
            add(i, n, t)
        for n, t in json_forms(s).items():
            add(i, n, t)
        for n, t in b64_forms(raw).items():
            add(i, n, t)
    for j, up in enumerate(basics):
        raw = up.encode("utf-8")
        add(len(secrets) + j, "basic-base64", base64.b64encode(raw).decode())
        add(len(secrets) + j, "basic-base64url", base64.urlsafe_b64encode(raw).decode())
    windows = {}
    for i, s in enumerate(secrets):
        raw = s.encode("utf-8")
        if len(raw) >= WINDOW:
            for k in range(len(raw) - WINDOW + 1):
                windows.setdefault(raw[k:k + WINDOW], (i, "window@%d" % k))

    hits = []
    for path in a.outputs:
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as e:
            print("scan_secrets: cannot read %s: %s" % (path, e), file=sys.stderr)
            return 2
        for pat, (idx, name) in patterns.items():
            pos = data.find(pat)
            if pos >= 0:
                hits.append((path, data.count(b"\n", 0, pos) + 1, idx, name))
        seen = set()   # one window hit per secret and file
        for k in range(0, max(0, len(data) - WINDOW + 1)):
            w = data[k:k + WINDOW]
            if w in windows and windows[w][0] not in seen:
                idx, name = windows[w]
                seen.add(idx)
                hits.append((path, data.count(b"\n", 0, k) + 1, idx, name))

    print("scan_secrets: %d secrets (%d from the server's token log) and %d Basic credentials; "
          "%d forms and %d %d-byte windows searched in %d files (%d forms under %d bytes not searched); "
          "%d hits" % (len(secrets), n_logged, len(basics), len(patterns), len(windows), WINDOW,
                       len(a.outputs), skipped_short, MIN_FORM, len(hits)))
    for path, line, idx, name in hits:
        kind = "secret #%d" % (idx + 1) if idx < len(secrets) else "Basic credential #%d" % (idx - len(secrets) + 1)
        print("  LEAK: %s:%d: %s as %s" % (path, line, kind, name))
    return 1 if hits else 0


if __name__ == "__main__":
    sys.exit(main())
