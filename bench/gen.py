#!/usr/bin/env python3
"""Case files for bench/run (generated, never committed).

  gen.py manifest FILE            a suite manifest declaring the variables the generated cases use
  gen.py seq FILE N               one test: N sequential GETs of the health endpoint (repeat: N)
  gen.py independent FILE N       N independent tests, one GET of the health endpoint each
  gen.py lint DIR FILES           FILES case files in the bundled suite's style: a token fixture and
                                  five tests with header, JSON, JWT and any_of expectations
  gen.py results DIR FILES TESTS  FILES case files of TESTS minimal tests each (status 200)
  gen.py no-waits CASES_DIR       the ids of the bundled tests that neither wait nor poll (until)
"""
import os
import sys


def manifest(path):
    with open(path, "w") as f:
        f.write("name: bench\nversion: 0.0.1\ncases: []\nvariables:\n"
                "  username: { env: BENCH_USERNAME }\n"
                "  password: { env: BENCH_PASSWORD, secret: true }\n"
                "  token_path: { default: apiops/auth/token }\n"
                "  hello_path: { default: apiops/test/hello/bench }\n"
                "  health_path: { default: apiops/test/healthcheck }\n")


def seq(path, n):
    with open(path, "w") as f:
        f.write("suite: bench-seq\ntests:\n"
                "  - id: BENCH-SEQ\n"
                f"    name: {n} sequential requests to the health endpoint\n"
                f"    repeat: {n}\n"
                "    request: { path: \"${health_path}\" }\n"
                "    expect: { status: 200 }\n")


def independent(path, n):
    with open(path, "w") as f:
        f.write("suite: bench-par\ntests:\n")
        for i in range(n):
            f.write(f"  - id: BENCH-PAR-{i}\n"
                    f"    name: independent request {i}\n"
                    "    request: { path: \"${health_path}\" }\n"
                    "    expect: { status: 200, body: { equals: OK } }\n")


LINT_FILE = """# yaml-language-server: $schema=../docs/case-format.schema.json
suite: gen-{n}
description: generated case file {n} for the lint benchmark
tags: [bench, area{m}]
fixtures:
  token:
    requires: [username, password]
    request:
      method: POST
      path: "${{token_path}}"
      form: {{ grant_type: client_credentials, client_id: "${{username}}", client_secret: "${{password}}" }}
    expect: {{ status: 200 }}
    capture:
      access_token: {{ json: "$.access_token", secret: true }}
tests:
  - id: GEN-{n}-ISSUE
    name: a token is issued ({n})
    refs: ["create-token: 200 response"]
    requires: [username, password]
    request:
      method: POST
      path: "${{token_path}}"
      form: {{ grant_type: client_credentials, client_id: "${{username}}", client_secret: "${{password}}" }}
    expect:
      status: 200
      headers:
        Content-Type: {{ matches_ci: "^application/json" }}
        Cache-Control: {{ contains: no-store, severity: should }}
      json:
        $.access_token: {{ type: string, length: {{ gt: 0 }} }}
        $.token_type: {{ equals: Bearer }}
        $.expires_in: {{ type: integer, gt: 0 }}
  - id: GEN-{n}-USE
    name: the token opens hello ({n})
    refs: ["authentication: Using a token"]
    requires: [token]
    request:
      path: "${{hello_path}}"
      headers: {{ Authorization: "Bearer ${{access_token}}" }}
    expect:
      status: 200
      body: {{ matches: "^Hello " }}
  - id: GEN-{n}-ALG-NONE
    name: an unsigned token is refused ({n})
    refs: ["RFC 8725 3.1"]
    requires: [token]
    when: {{ value: "${{is_jwt(access_token)}}", equals: true }}
    request:
      path: "${{hello_path}}"
      headers: {{ Authorization: "Bearer ${{jwt_with(access_token, '{{\\"alg\\":\\"none\\"}}', '', '')}}" }}
    expect:
      status: 401
      json:
        $.error: {{ in: [unauthorized_client, invalid_token] }}
  - id: GEN-{n}-CLAIMS
    name: the token's claims are consistent ({n})
    severity: should
    refs: ["RFC 7519 4.1.4"]
    requires: [token]
    request: {{ path: "${{health_path}}" }}
    expect:
      status: 200
      jwt:
        from: "${{access_token}}"
        header: {{ alg: {{ equals: HS256 }} }}
        claims:
          exp: {{ type: integer }}
          iat: {{ type: integer }}
  - id: GEN-{n}-ERRORS
    name: bad credentials get a 4xx ({n})
    refs: ["create-token: 401 response"]
    request:
      method: POST
      path: "${{token_path}}"
      form: {{ grant_type: client_credentials, client_id: "bench-nobody-${{random}}", client_secret: "x" }}
    expect:
      any_of:
        - {{ status: 401, json: {{ $.error: {{ type: string }} }} }}
        - {{ status: 400 }}
"""


def lint(d, files):
    os.makedirs(d, exist_ok=True)
    for n in range(files):
        with open(os.path.join(d, f"gen{n:04d}.yaml"), "w") as f:
            f.write(LINT_FILE.format(n=n, m=n % 7))


def results(d, files, tests):
    os.makedirs(d, exist_ok=True)
    for n in range(files):
        with open(os.path.join(d, f"res{n:03d}.yaml"), "w") as f:
            f.write(f"suite: res{n:03d}\ntests:\n")
            for t in range(tests):
                f.write(f"  - id: RES-{n}-{t}\n    name: health {t}\n"
                        "    request: { path: \"${health_path}\" }\n    expect: { status: 200 }\n")


def no_waits(cases_dir):
    import yaml
    for name in sorted(os.listdir(cases_dir)):
        if not name.endswith(".yaml"):
            continue
        with open(os.path.join(cases_dir, name)) as f:
            doc = yaml.safe_load(f)
        for t in doc.get("tests", []):
            steps = t.get("steps") or []
            if any("wait" in s or "until" in s for s in steps):
                continue
            print(t["id"])


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "manifest":
        manifest(argv[2])
    elif cmd == "seq":
        seq(argv[2], int(argv[3]))
    elif cmd == "independent":
        independent(argv[2], int(argv[3]))
    elif cmd == "lint":
        lint(argv[2], int(argv[3]))
    elif cmd == "results":
        results(argv[2], int(argv[3]), int(argv[4]))
    elif cmd == "no-waits":
        no_waits(argv[2])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
