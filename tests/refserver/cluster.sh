#!/bin/bash
# refserver.cluster: --cluster N serves N nodes and a round-robin balancer from one process, with
# shared users, keys, tokens and revocations, and counts each node's requests (issue 15's
# reference cluster), and refuses the last node's deviations without --cluster.
# Usage: cluster.sh REFSERVER SOURCE_DIR
set -u
REF=${1:?usage: cluster.sh REFSERVER SOURCE_DIR}
SRC=${2:?usage: cluster.sh REFSERVER SOURCE_DIR}
SCENARIO=cluster
. "$SRC/tests/lib/server.sh"
WORK=$(mktemp -d)
trap 'stop_servers; rm -rf "$WORK"' EXIT
fail() { echo "FAIL [$SCENARIO]: $*" >&2; exit 1; }

# Usage errors: no nodes, too many.
for bad in 0 17 x; do
  "$REF" --port 0 --cluster "$bad" >/dev/null 2>"$WORK/bad.err" && fail "--cluster $bad accepted"
  [ $? = 2 ] || fail "--cluster $bad: not exit 2"
  grep -q -- '--cluster must be a number of nodes, 1..16' "$WORK/bad.err" || fail "--cluster $bad: $(cat "$WORK/bad.err")"
done

# A deviation of the last node (profile cluster) would do nothing on one server: refused, exit 2,
# one line naming it; every such deviation, as --list-deviations names them.
cluster_devs=$("$REF" --list-deviations | awk -F '\t' '$3 == "cluster" { print $1 }')
[ "$(echo "$cluster_devs" | wc -w)" -ge 7 ] || fail "fewer than 7 cluster deviations listed: $cluster_devs"
for dev in $cluster_devs; do
  "$REF" --port 0 --deviate "$dev" >/dev/null 2>"$WORK/dev.err" && fail "--deviate $dev without --cluster accepted"
  [ $? = 2 ] || fail "--deviate $dev without --cluster: not exit 2"
  [ "$(wc -l <"$WORK/dev.err")" = 1 ] && grep -q -- "--deviate $dev needs --cluster N" "$WORK/dev.err" ||
    fail "--deviate $dev without --cluster: $(cat "$WORK/dev.err")"
done

PASSWORD='Cl-pass-4821'
start_server URL PID --out "$WORK/out" --err "$WORK/err" -- \
  "$REF" --port 0 --cluster 3 --admin --user "alice:$PASSWORD" || fail "the cluster did not start"
[ "$(grep -c '^listening on ' "$WORK/out")" = 4 ] || fail "not 4 listening lines: $(cat "$WORK/out")"
grep -q "^listening on $URL (balancer)\$" "$WORK/out" || fail "the first line is not the balancer's: $(cat "$WORK/out")"
for k in 1 2 3; do
  grep -q "^listening on http://127.0.0.1:[0-9]* (node $k)\$" "$WORK/out" || fail "no line for node $k"
done

python3 - "$WORK/out" "$PASSWORD" <<'PY' || fail "cluster behaviour"
import json, re, sys, urllib.error, urllib.parse, urllib.request
lines = open(sys.argv[1]).read().splitlines()
password = sys.argv[2]
urls = {}
for l in lines:
    m = re.match(r'listening on (\S+) \((balancer|node (\d+))\)$', l)
    urls['balancer' if m.group(2) == 'balancer' else int(m.group(3))] = m.group(1)

def call(base, path, data=None, token=None):
    req = urllib.request.Request(base + path, data=urllib.parse.urlencode(data).encode() if data else None)
    if token:
        req.add_header('Authorization', 'Bearer ' + token)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()

def counts():
    st, body = call(urls[1], '/_refserver/nodes')
    assert st == 200, st
    o = json.loads(body)
    return [n['requests'] for n in o['nodes']], o['balanced']

# The balancer hands requests round robin; nodes count what they answered (the count read
# itself is a request to node 1).
before, _ = counts()
for _ in range(6):
    st, _ = call(urls['balancer'], '/apiops/test/healthcheck')
    assert st == 200, ('health through the balancer', st)
after, balanced = counts()
delta = [a - b for a, b in zip(after, before)]
assert delta == [3, 2, 2], ('six balanced requests and one count read', delta)
assert balanced == 6, balanced

# A pinned request reaches its node only.
before, _ = counts()
st, _ = call(urls[2], '/apiops/test/healthcheck')
assert st == 200
after, _ = counts()
assert [a - b for a, b in zip(after, before)] == [1, 1, 0], 'a request to node 2 counted elsewhere'

# Shared keys: a token issued through node 1 opens hello on node 3.
st, body = call(urls[1], '/apiops/auth/token',
                {'grant_type': 'client_credentials', 'client_id': 'alice', 'client_secret': password})
assert st == 200, ('token on node 1', st, body)
token = json.loads(body)['access_token']
st, _ = call(urls[3], '/apiops/test/hello/cluster', token=token)
assert st == 200, ('token of node 1 on node 3', st)

# Shared revocations: revoked through node 2, refused by node 1 and node 3.
st, body = call(urls[2], '/_refserver/revoke', {'token': token})
assert st == 200, ('revoke on node 2', st, body)
for n in (1, 3):
    st, _ = call(urls[n], '/apiops/test/hello/cluster', token=token)
    assert st == 401, ('revoked token on node %d' % n, st)
PY
echo "ok: refserver --cluster 3: 4 listeners, round robin, per-node counts, shared keys and revocations; node deviations refused without --cluster"
