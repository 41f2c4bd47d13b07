#!/bin/bash
# tests/cluster: over TLS, --node NAME=HOST:PORT keeps the deployment's Host header and TLS server
# name (SNI) while the connection goes to the node's address. Two Python TLS "replicas" hold a
# certificate for replicas.authconform.test only (no IP address in it) and log the SNI and Host
# they receive; the name does not resolve, so only CONNECT_TO can reach them.
# Usage: tls.sh AUTHCONFORM
set -u
AC=${1:?usage: tls.sh AUTHCONFORM}
HERE=$(cd "$(dirname "$0")" && pwd)
SCENARIO=tls
# shellcheck source=../lib/harness.sh
. "$HERE/../lib/harness.sh"
NAME=replicas.authconform.test
for tool in openssl python3; do
  command -v $tool >/dev/null || { [ -n "${CI:-}" ] && fail "$tool is missing"; echo "SKIP: no $tool"; exit 77; }
done
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=$NAME" \
  -addext "subjectAltName=DNS:$NAME" -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>"$WORK/openssl.err" ||
  fail "openssl: $(cat "$WORK/openssl.err")"
start_server U1 PID --out "$WORK/nodes.out" --err "$WORK/nodes.err" -- \
  python3 "$HERE/tls_nodes.py" "$WORK/cert.pem" "$WORK/key.pem" "$WORK/log.jsonl" || fail "the TLS nodes did not start"
for _ in $(seq 50); do [ "$(grep -c '^listening on' "$WORK/nodes.out")" = 2 ] && break; sleep 0.1; done
A1=$(sed -n 's|^listening on https://\([^ ]*\) (node 1)$|\1|p' "$WORK/nodes.out")
A2=$(sed -n 's|^listening on https://\([^ ]*\) (node 2)$|\1|p' "$WORK/nodes.out")
[ -n "$A1" ] && [ -n "$A2" ] || fail "no node addresses: $(cat "$WORK/nodes.out")"
TARGET="https://$NAME:8443/apiops"

# 1. Pinned with HOST:PORT: certificate verified for the deployment's name, Host kept.
"$AC" --no-color --tap none --target "$TARGET" --cacert "$WORK/cert.pem" --node "a=$A1" --node "b=$A2" \
  --id CLUSTER-HEALTH-EVERY-NODE >"$WORK/ok.out" 2>"$WORK/ok.err" || { cat "$WORK/ok.err"; fail "pinned TLS run failed"; }
python3 - "$WORK/log.jsonl" "$NAME" <<'PY' || fail "what the nodes received"
import json, sys
log = [json.loads(l) for l in open(sys.argv[1])]
name = sys.argv[2]
for k in (1, 2):
    sni = [e["sni"] for e in log if e["node"] == k and "sni" in e]
    hosts = [e["host"] for e in log if e["node"] == k and "host" in e]
    assert sni and all(s == name for s in sni), ("node %d SNI" % k, sni)
    assert hosts and all(h == name + ":8443" for h in hosts), ("node %d Host" % k, hosts)
    print("node %d: SNI %s, Host %s" % (k, sni[0], hosts[0]))
PY

# 2. The check has teeth: the same nodes by their own URL (https://IP:PORT) cannot pass TLS
# verification (the certificate names no IP), so the pass above came from the name being kept.
: >"$WORK/log.jsonl"
"$AC" --no-color --tap none --target "$TARGET" --cacert "$WORK/cert.pem" --node "a=https://$A1" \
  --id CLUSTER-HEALTH-EVERY-NODE >"$WORK/url.out" 2>"$WORK/url.err"
rc=$?
[ "$rc" = 1 ] || { cat "$WORK/url.err"; fail "URL form over an IP: exit $rc, expected 1 (a TLS error)"; }
expect_in "$WORK/url.err" "ERROR CLUSTER-HEALTH-EVERY-NODE .*(node a).*(TLS|SSL|certificate)"
# 3. Without --node the name does not resolve: the run cannot reach the deployment at all.
"$AC" --no-color --tap none --target "$TARGET" --cacert "$WORK/cert.pem" --id HEALTH-OK >"$WORK/none.out" 2>"$WORK/none.err"
rc=$?
[ "$rc" = 3 ] || { cat "$WORK/none.err"; fail "unpinned: exit $rc, expected 3 (unreachable)"; }
echo "ok: Host and SNI kept on both nodes; verification by IP fails; unpinned cannot resolve"
