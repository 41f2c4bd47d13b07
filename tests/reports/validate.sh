#!/usr/bin/env bash
# Validates the sample reports with the consumers CI users actually run (shared/docs/reports.md):
#   junit      xmllint --schema junit-10.xsd on every *.xml
#   tap13      prove --exec cat on every *-13.tap: no parse errors (a bail-out run may only have
#              the "Bad plan" its early stop implies), and the bail-out is seen; the cluster
#              run's `nodes:` maps as Perl's YAML reader reads them
#   tap14      tap-parser --strict -j 0 on every *-14.tap: no "tapError":"; the parsed nodes maps
#   structure  what the parsers do not check: subtest closing names equal the Subtest names,
#              YAML indented exactly two more than its test point, no `|-` blocks, version and
#              plan lines first, valid UTF-8 and no raw control characters in any report
# Usage: validate.sh MODE WRITE_SAMPLES OUTDIR SOURCE_DIR
# Exit 0 pass, 1 fail, 77 skipped (a tool is missing and CI is not set; under CI a missing tool
# is a failure, so a green CI always means the reports were really checked).
set -u
shopt -s nullglob

mode=$1 writer=$2 out=$3 src=$4

fail() { echo "FAIL: $*"; exit 1; }
missing() {
    if [ -n "${CI:-}" ]; then
        fail "$1 is missing (CI is set, so this is a failure): $2"
    fi
    echo "SKIP: $1 is missing: $2"
    exit 77
}

rm -rf "$out" && mkdir -p "$out" || fail "cannot create $out"
"$writer" "$out" || fail "write_samples failed"
cd "$out" || fail "cannot enter $out"

case $mode in
junit)
    command -v xmllint >/dev/null || missing xmllint "apt-get install libxml2-utils"
    schema=$src/../shared/schemas/junit-10.xsd
    [ -f "$schema" ] || schema=$src/tests/schemas/junit-10.xsd
    [ -f "$schema" ] || fail "junit-10.xsd found neither in ../shared/schemas nor tests/schemas"
    echo "schema: $schema"
    n=0
    for f in *.xml; do
        xmllint --noout --schema "$schema" "$f" || fail "$f is not valid against junit-10.xsd"
        n=$((n + 1))
    done
    [ "$n" -gt 0 ] || fail "no JUnit sample written"
    # The shape consumers read: counts on testsuites, properties first in each testsuite.
    # The coverage test case counts: one more test, and a failure when the run is incomplete.
    grep -q '<testsuites name="authconform" tests="13" failures="5" errors="2"' reports-full.xml ||
        fail "reports-full.xml: unexpected testsuites counts"
    grep -q '<testsuites name="authconform" tests="10" failures="1" errors="0"' reports-incomplete.xml ||
        fail "reports-incomplete.xml: unexpected testsuites counts"
    grep -q '<testsuites name="authconform" tests="5" failures="0" errors="0"' reports-complete.xml ||
        fail "reports-complete.xml: unexpected testsuites counts"
    for f in *.xml; do
        [ "$(grep -c '<testcase classname="authconform" name="coverage"' "$f")" = 1 ] ||
            fail "$f: not exactly one coverage test case"
    done
    grep -q '<failure message="INCOMPLETE: 5 must-level tests not judged" type="incomplete">' reports-incomplete.xml ||
        fail "reports-incomplete.xml: the coverage test case does not fail"
    grep -q 'property name="stopped_early"' reports-bail.xml ||
        fail "reports-bail.xml: the bail-out reason is missing"
    # A cluster test is still one test case; its system-out ends with its steps by node.
    grep -q '<testsuites name="authconform" tests="5" failures="1" errors="0"' reports-nodes.xml ||
        fail "reports-nodes.xml: unexpected testsuites counts"
    grep -q '^FAIL    \[a\] accepted (node c): issued by node a, refused by node c: 401 invalid_token$' reports-nodes.xml ||
        fail "reports-nodes.xml: no per-node line for the failing step"
    grep -q 'CDATA' ./*.xml && fail "CDATA found"
    echo "PASS: $n JUnit files valid against junit-10.xsd"
    ;;
tap13)
    command -v prove >/dev/null || missing prove "apt-get install perl"
    n=0
    for f in *-13.tap; do
        res=$(prove --exec cat "$f" 2>&1)
        errs=$(printf '%s\n' "$res" | grep 'Parse errors' || true)
        case $f in
        *bail*)
            # Stopping early leaves planned tests unreported: that one plan error is the point.
            if [ -n "$errs" ] && ! printf '%s\n' "$errs" | grep -q 'Parse errors: Bad plan'; then
                printf '%s\n' "$res"
                fail "$f: prove reports parse errors"
            fi
            printf '%s\n' "$res" | grep -q 'Further testing stopped' ||
                { printf '%s\n' "$res"; fail "$f: prove did not see the bail-out"; }
            ;;
        *)
            [ -z "$errs" ] || { printf '%s\n' "$res"; fail "$f: prove reports parse errors"; }
            # Every sample test has its known verdict: TODO points are not failures; the last
            # point, coverage, fails when the run is incomplete.
            case $f in
            *full*) want='Failed tests:  2, 4, 6-7, 9, 11, 13' ;;
            *incomplete*) want='Failed test:  10' ;;
            *nodes*) want='Failed test:  2' ;;
            *) want='Result: PASS' ;;
            esac
            printf '%s\n' "$res" | grep -q "$want" ||
                { printf '%s\n' "$res"; fail "$f: unexpected failed tests (want $want)"; }
            ;;
        esac
        n=$((n + 1))
    done
    [ "$n" -gt 0 ] || fail "no TAP 13 sample written"
    # prove does not complain about YAML it reads wrongly (an unquoted `a: b: pass` is the key
    # "a"): read each test's `nodes:` map with Perl's own YAML reader and compare.
    nodes=$(perl -MTAP::Parser -e '
        local $/; open my $fh, "<:raw", $ARGV[0] or die "$ARGV[0]: $!\n"; my $tap = <$fh>;
        my $p = TAP::Parser->new({ tap => $tap }); my @out;
        while (my $r = $p->next) {
            next unless $r->is_yaml;
            my $n = $r->data->{nodes} or next;
            die "nodes is not a map\n" unless ref $n eq "HASH";
            push @out, join(",", map { "$_=$n->{$_}" } sort keys %$n);
        }
        print join(";", @out), "\n";' reports-nodes-13.tap) || fail "reports-nodes-13.tap: Perl cannot read it"
    want=$(printf 'a=pass,c=fail;10.0.0.5=pass,a: b=pass,pod-1=pass,\303\274n\303\257code=pass;pod-1=warn')
    [ "$nodes" = "$want" ] || fail "reports-nodes-13.tap: Perl reads the nodes maps as '$nodes', not '$want'"
    echo "PASS: prove parsed $n TAP 13 files without parse errors"
    ;;
tap14)
    tp=$src/.tools/node_modules/.bin/tap-parser
    [ -x "$tp" ] || missing tap-parser "npm install --prefix .tools tap-parser@17 (in $src)"
    command -v node >/dev/null || missing node "apt-get install nodejs"
    n=0
    for f in *-14.tap; do
        "$tp" --strict -j 0 <"$f" >"$f.json" 2>"$f.err"
        [ -s "$f.json" ] || { cat "$f.err"; fail "$f: tap-parser wrote nothing"; }
        if grep -q '"tapError":"' "$f.json"; then
            grep -o '"tapError":"[^"]*"' "$f.json"
            fail "$f: tap-parser reports invalid TAP"
        fi
        case $f in
        *bail*) grep -q '"bailout":"target unreachable' "$f.json" || fail "$f: no bail-out parsed" ;;
        *full*) grep -q '"count":13,"pass":4,"fail":9,"bailout":false,"todo":2,"skip":1' "$f.json" ||
               fail "$f: unexpected counts"  ;;
        *incomplete*) grep -q '"count":10,"pass":9,"fail":1,"bailout":false,"todo":0,"skip":8' "$f.json" ||
               fail "$f: unexpected counts"  ;;
        *complete*) grep -q '"count":5,"pass":5,"fail":0,"bailout":false,"todo":0,"skip":2' "$f.json" ||
               fail "$f: unexpected counts"  ;;
        *nodes*) grep -q '"count":5,"pass":3,"fail":2,"bailout":false,"todo":1,"skip":0' "$f.json" ||
               fail "$f: unexpected counts"
            # Each cluster test's nodes map as the parser reads it.
            for m in '"nodes":{"a":"pass","c":"fail"}' '"nodes":{"10.0.0.5":"pass","pod-1":"pass","ünïcode":"pass","a: b":"pass"}' \
                     '"nodes":{"pod-1":"warn"}'; do
                grep -qF "$m" "$f.json" || fail "$f: tap-parser did not read $m"
            done ;;
        esac
        n=$((n + 1))
    done
    [ "$n" -gt 0 ] || fail "no TAP 14 sample written"
    echo "PASS: tap-parser --strict accepted $n TAP 14 files"
    ;;
structure)
    n=0
    for f in *.tap; do
        awk -v file="$f" '
        function fail(msg) { printf "FAIL: %s:%d: %s\n", file, NR, msg; bad = 1 }
        # The description of a test point as a parser reads it: up to an unescaped "#",
        # with \# and \\ unescaped, trimmed.
        function description(s,   out, i, c, n) {
            out = ""; n = length(s)
            for (i = 1; i <= n; i++) {
                c = substr(s, i, 1)
                if (c == "\\" && i < n) { out = out substr(s, i + 1, 1); i++; continue }
                if (c == "#") break
                out = out c
            }
            sub(/^[ \t]+/, "", out); sub(/[ \t]+$/, "", out)
            return out
        }
        NR == 1 { if ($0 !~ /^TAP version 1[34]$/) fail("first line is not a TAP version line") }
        NR == 2 { if ($0 !~ /^1\.\.[0-9]+( #.*)?$/) fail("second line is not the plan") }
        {
            match($0, /^ */); ind = RLENGTH; rest = substr($0, ind + 1)
            if (inyaml) {
                if ($0 == yend) inyaml = 0
                else if (ind == yind && rest ~ /^[A-Za-z_]+: \|[0-9]*[-+]/)
                    fail("|- or |+ block scalar (Perl reads only |)")
                else if (rest != "" && ind < yind) fail("YAML line less indented than its block")
                next
            }
            if (rest == "---") {
                if (lastpoint < 0) fail("YAML block without a test point")
                else if (ind != lastpoint + 2)
                    fail("YAML indented " ind " after a test point indented " lastpoint)
                inyaml = 1; yind = ind; yend = substr($0, 1, ind) "..."
                next
            }
            if (rest ~ /^# Subtest: /) { pending[ind] = substr(rest, 12); lastpoint = -1; next }
            if (rest ~ /^(not )?ok [0-9]+/) {
                lastpoint = ind
                d = rest; sub(/^(not )?ok [0-9]+( -)?/, "", d)
                if (ind in pending) {
                    if (description(d) != pending[ind])
                        fail("closing point \"" description(d) "\" differs from Subtest \"" pending[ind] "\"")
                    delete pending[ind]
                }
                next
            }
            lastpoint = -1   # YAML belongs directly after its test point
        }
        END {
            for (k in pending) fail("Subtest \"" pending[k] "\" never closed")
            if (inyaml) fail("YAML block not closed")
            exit bad
        }' "$f" || fail "$f: structure"
        n=$((n + 1))
    done
    [ "$n" -gt 0 ] || fail "no TAP sample written"
    for f in *.tap *.xml *.txt *.json; do
        iconv -f UTF-8 -t UTF-8 "$f" >/dev/null 2>&1 || fail "$f is not valid UTF-8"
        if LC_ALL=C grep -q "$(printf '[\001-\010\013\014\016-\037\177]')" "$f"; then
            fail "$f contains a raw control character"
        fi
        if LC_ALL=C grep -q "$(printf '\r')" "$f"; then fail "$f contains a raw CR"; fi
        tr -d '\n' <"$f" | LC_ALL=C grep -q "$(printf '\302[\200-\237]')" &&
            fail "$f contains a raw C1 control character"
    done
    echo "PASS: $n TAP files well structured; all reports valid UTF-8 without raw controls"
    ;;
*)
    fail "unknown mode $mode"
    ;;
esac
exit 0
