#!/bin/bash
# tests/cluster: --node pinning against the reference cluster (refserver --cluster 3), read back
# from the server's own per-node request counts. Usage: nodes.sh AUTHCONFORM REFSERVER SCENARIO
#   counts     each pinned request reached its node, and only it (HOST:PORT form)
#   url-form   the same with NAME=URL (with and without a base path in the URL)
#   usage      bad --node specs and duplicate names are usage errors (exit 2, nothing sent); the
#              nodes variable (APINIZER_NODES, --var nodes=) is the same list
#   unknown    node: naming no node of the run is an error of that step, listing the nodes
#   no-nodes   without nodes the cluster tests are not applicable and send nothing at all
#   down       a node that is down is that node's error; the run goes on (exit 1, not 3)
#   budget     the configured account's 2 wrong secrets per run count every node together
set -u
AC=${1:?usage: nodes.sh AUTHCONFORM REFSERVER SCENARIO}
REF=${2:?}
SCENARIO=${3:?}
HERE=$(cd "$(dirname "$0")" && pwd)
PASSWORD='Alice-Nodes-4711'
# shellcheck source=../lib/harness.sh
. "$HERE/../lib/harness.sh"

# start_cluster [ARGS...]: refserver --cluster 3; sets URL (the balancer) and N1..N3 (HOST:PORT).
start_cluster() {
  start_refserver --cluster 3 "$@"
  specs=$(cluster_nodes "$WORK/server.out" 3) || fail "the nodes' listening lines: $(cat "$WORK/server.out")"
  for spec in $specs; do eval "N${spec#n}"; done   # n1=HOST:PORT -> N1=HOST:PORT
}

# counts: "R1 R2 R3 BALANCED" read through node 1 (the read itself is counted on node 1).
counts() {
  curl -fsS "http://$N1/_refserver/nodes" | python3 -c '
import json, sys
o = json.load(sys.stdin)
print(" ".join(str(n["requests"]) for n in o["nodes"]), o["balanced"])'
}

# delta BEFORE AFTER: per-node differences, node 1 less its own count read.
delta() {
  python3 - "$1" "$2" <<'PY'
import sys
b = [int(x) for x in sys.argv[1].split()]
a = [int(x) for x in sys.argv[2].split()]
d = [y - x for x, y in zip(b, a)]
d[0] -= 1
print(" ".join(str(x) for x in d))
PY
}

run() {   # RC-WANTED OUT-PREFIX ARGS...: authconform with the console on OUT.err
  want=$1 out=$2
  shift 2
  "$AC" --no-color --tap none "$@" >"$out.out" 2>"$out.err"
  rc=$?
  [ "$rc" = "$want" ] || { cat "$out.err"; fail "exit $rc, expected $want ($*)"; }
}

case $SCENARIO in
counts)
  start_cluster
  before=$(counts)
  run 0 "$WORK/pin" --suite none --target "$URL/apiops" --node "n1=$N1" --node "n2=$N2" --node "n3=$N3" \
    --json "$WORK/pin.json" "$HERE/cases/pinned.yaml"
  after=$(counts)
  # n2: two pinned requests and its share of `everywhere`; n1, n3: one each; the balancer: none.
  [ "$(delta "$before" "$after")" = "1 3 1 0" ] || fail "per-node deltas $(delta "$before" "$after"), expected 1 3 1 0 ($before -> $after)"
  # The evidence says where each request went, and the step results carry the node.
  python3 - "$WORK/pin.json" "$URL" "$N2" <<'PY' || fail "the record of the pinned run"
import json, sys
rec, url, n2 = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
steps = {s["name"]: s for s in rec["tests"][0]["detail"]["steps"]}
assert list(steps) == ["first (node n2)", "second (node n2)", "everywhere (node n1)", "everywhere (node n2)",
                       "everywhere (node n3)"], list(steps)
first = steps["first (node n2)"]["request"]
# The connection went to n2; the URL (and so Host) stayed the balancer's.
assert first.startswith("(node n2, connected to %s)\nGET %s/apiops/test/healthcheck" % (n2, url)), first
PY
  echo "ok: pinned requests reached n1 +1, n2 +3, n3 +1, the balancer +0"
  ;;
url-form)
  start_cluster
  before=$(counts)
  # n1 with the base path in its URL (it replaces the target's), n2 without (the target's kept).
  run 0 "$WORK/url" --suite none --target "$URL/apiops" --node "n1=http://$N1/apiops" \
    --node "n2=http://$N2" --node "n3=http://$N3/" "$HERE/cases/pinned.yaml"
  after=$(counts)
  [ "$(delta "$before" "$after")" = "1 3 1 0" ] || fail "per-node deltas $(delta "$before" "$after"), expected 1 3 1 0"
  echo "ok: NAME=URL pinning reached each node"
  ;;
usage)
  start_cluster
  before=$(counts)
  for spec in "a=" "=127.0.0.1:80" "a b=127.0.0.1:1" "a=ftp://127.0.0.1/" "a=127.0.0.1:99999" "a=127.0.0.1:x" \
    "a=[::1" "a:b=127.0.0.1:1"; do
    run 2 "$WORK/bad" --target "$URL/apiops" --node "$spec"
    expect_in "$WORK/bad.err" "^authconform: node '" "the error for --node '$spec'"
  done
  run 2 "$WORK/dup" --target "$URL/apiops" --node "a=$N1" --node "a=$N2"
  expect_in "$WORK/dup.err" "node 'a' is given twice"
  after=$(counts)
  [ "$(delta "$before" "$after")" = "0 0 0 0" ] || fail "a usage error sent requests: $before -> $after"
  # The nodes variable: the same list, from --var or the environment (commas or blanks).
  before=$(counts)
  run 0 "$WORK/var" --target "$URL/apiops" --tags cluster --id CLUSTER-HEALTH-EVERY-NODE \
    --var "nodes=n1=$N1, n2=$N2 n3=$N3"
  APINIZER_NODES="n1=$N1,n2=$N2,n3=$N3" run 0 "$WORK/env" --target "$URL/apiops" --tags cluster \
    --id CLUSTER-HEALTH-EVERY-NODE
  after=$(counts)
  [ "$(delta "$before" "$after")" = "2 2 2 0" ] || fail "nodes variable: deltas $(delta "$before" "$after"), expected 2 2 2 0"
  echo "ok: bad specs refused before anything is sent; the nodes variable pins like --node"
  ;;
unknown)
  start_cluster
  run 1 "$WORK/unk" --suite none --target "$URL/apiops" --node "n1=$N1" --node "n2=$N2" "$HERE/cases/unknown-node.yaml"
  expect_in "$WORK/unk.err" "ERROR PINNED-NOWHERE .*node: no node named 'nope' \\(the run's nodes: n1, n2\\)"
  echo "ok: an unknown node is an error naming the run's nodes"
  ;;
no-nodes)
  start_cluster
  before=$(counts)
  # Only tests that cannot run were selected: "no must-level check ran" (exit 1), and why.
  APINIZER_USERNAME=alice APINIZER_PASSWORD=$PASSWORD run 1 "$WORK/none" --target "$URL/apiops" --tags cluster \
    --include intrusive --json "$WORK/none.json"
  expect_in "$WORK/none.err" "no must-level check ran"
  after=$(counts)
  [ "$(delta "$before" "$after")" = "0 0 0 0" ] || fail "cluster tests without nodes sent requests: $before -> $after"
  python3 - "$WORK/none.json" <<'PY' || fail "cluster tests without nodes"
import json, sys
r = json.load(open(sys.argv[1]))
ids = [t["id"] for t in r["tests"]]
assert len(ids) == 7, ids
for t in r["tests"]:
    assert t["outcome"] == "skip" and t["skip_kind"] == "not-applicable", (t["id"], t["outcome"], t.get("skip_kind"))
    assert "--node" in t["message"], t["message"]
assert r["coverage"]["complete"] is True and not r["coverage"]["gaps"], r["coverage"]
PY
  echo "ok: without nodes the 7 cluster tests are not applicable, send nothing and leave no gap"
  ;;
down)
  start_cluster
  APINIZER_USERNAME=alice APINIZER_PASSWORD=$PASSWORD run 1 "$WORK/down" --target "$URL/apiops" \
    --tags cluster,health --node "n1=$N1" --node "dead=127.0.0.1:1"
  expect_in "$WORK/down.err" "ERROR CLUSTER-HEALTH-EVERY-NODE .*healthy \\(node dead\\): connection failed"
  expect_in "$WORK/down.err" "PASS  HEALTH-OK"
  expect_not_in "$WORK/down.err" "unreachable"
  echo "ok: a node that is down is that node's error, and the run goes on"
  ;;
budget)
  start_cluster
  run 1 "$WORK/budget" --suite none --target "$URL/apiops" --var username=alice --var "password=$PASSWORD" \
    --node "n1=$N1" --node "n2=$N2" --node "n3=$N3" --json "$WORK/budget.json" "$HERE/cases/budget.yaml"
  failed=$("$REF" admin failed-logins --url "$URL" | awk -F'\t' '$1 == "alice" {print $2}')
  [ "${failed:-0}" = 2 ] || fail "the server counted ${failed:-0} failed logins of the configured account, expected 2"
  python3 - "$WORK/budget.json" <<'PY' || fail "budget: the third round"
import json, sys
t = json.load(open(sys.argv[1]))["tests"][0]
steps = {s["name"]: s for s in t["detail"]["steps"]}
assert steps["[n1] wrong-secret (node n1)"]["outcome"] == "pass", steps
assert steps["[n2] wrong-secret (node n2)"]["outcome"] == "pass", steps
third = steps["[n3] wrong-secret (node n3)"]
assert third["outcome"] == "error" and "2" in third["reason"], third
print("third round:", third["reason"])
PY
  echo "ok: 2 wrong secrets across 3 nodes, the third refused by the guard before it was sent"
  ;;
*) fail "unknown scenario $SCENARIO" ;;
esac
