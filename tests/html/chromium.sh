#!/usr/bin/env bash
# Renders the HTML report in headless Chromium and checks what a reader sees:
#   chromium.sh AUTHCONFORM REFSERVER OUTDIR
# OUTDIR keeps report.html (also what a browser without scripts shows), dom.html (the DOM after
# the inline script ran), report.png (the top of the page, 1280x1600) and failure.png (the whole
# page opened at the failing test, whose details the script then expands), details.png (only the
# rows with details, all open) for people to look at, and measure-dom.html (the layout checks).
# Exit 77 (skip) when Chromium is missing and CI is unset; under CI a missing Chromium fails.
set -u
AC=$1 REF=$2 OUT=$3
fail() { echo "FAIL [html.chromium]: $*" >&2; exit 1; }

CHROMIUM=""
for c in chromium chromium-browser google-chrome; do
  command -v "$c" >/dev/null 2>&1 && { CHROMIUM=$(command -v "$c"); break; }
done
if [ -z "$CHROMIUM" ]; then
  [ -n "${CI:-}" ] && fail "chromium is not installed (scripts/setup --tests installs it)"
  echo "SKIP: chromium is not installed (apt-get install chromium, or scripts/setup --tests)"
  exit 77
fi

rm -rf "$OUT"; mkdir -p "$OUT"
WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
# shellcheck source=../lib/server.sh
. "$(dirname "$0")/../lib/server.sh"

PASSWORD="html-Secret-Passw0rd-$$"
start_server SERVER_URL SERVER_PID --out "$WORK/server.out" --err "$WORK/server.out" -- \
  "$REF" --port 0 --user "alice:$PASSWORD" --deviate bearer-alg-none || fail "refserver did not start"
PORT=${SERVER_URL##*:}
APINIZER_USERNAME=alice APINIZER_PASSWORD=$PASSWORD "$AC" --target "http://127.0.0.1:$PORT/apiops" \
  --tap none --html "$OUT/report.html" --json "$WORK/run.json" 2>"$WORK/run.err"
rc=$?
[ $rc = 1 ] || { cat "$WORK/run.err"; fail "the run exited $rc, expected 1 (one deliberate defect)"; }
TOTAL=$(grep -c '"outcome":' "$WORK/run.json")

# Chromium: no network, no first-run work, a throwaway profile per call.
chrome() {
  local profile
  profile=$(mktemp -d "$WORK/profile.XXXXXX")
  timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" "$@" \
    2>>"$OUT/chromium.log"
}

URL="file://$OUT/report.html"
chrome --dump-dom "$URL" >"$OUT/dom.html" || fail "chromium --dump-dom failed: $(tail -5 "$OUT/chromium.log")"
chrome --dump-dom "$URL#t-BEARER-ALG-NONE" >"$OUT/dom-fragment.html" || fail "chromium --dump-dom #fragment failed"
chrome --screenshot="$OUT/report.png" --window-size=1280,1600 "$URL" >/dev/null || fail "screenshot failed"
# Headless Chromium paints only the first viewport of a scrolled page: the failure's shot is tall
# enough to hold the whole page.
chrome --screenshot="$OUT/failure.png" --window-size=1280,4400 "$URL#t-BEARER-ALG-NONE" >/dev/null \
  || fail "screenshot at the failure failed"

# Layout, measured in the browser at 1280 px (with a vertical scrollbar, as a reader has): a copy
# of the report with every <details> open and a script that writes its measurements into the DOM:
# the page's scrollWidth against innerWidth (no sideways scrolling), the width of every
# expected/actual cell, and every word of those cells that the layout split over two lines.
# details.png shows only the rows with details, all open, for people to look at.
cat >"$WORK/measure.js" <<'JS'
<script>(function(){
var ds=document.querySelectorAll('details');for(var i=0;i<ds.length;i++)ds[i].open=true;
if(location.hash==='#only'){var rs=document.querySelectorAll('#tests>tbody>tr');
 for(var i=0;i<rs.length;i++)if(!rs[i].querySelector('details'))rs[i].parentNode.removeChild(rs[i]);return;}
var r={innerWidth:window.innerWidth,scrollWidth:document.documentElement.scrollWidth,cells:[],broken:[],narrow:[]};
var codes=document.querySelectorAll('table.checks td code');
for(var i=0;i<codes.length;i++){var c=codes[i],tn=c.firstChild,cw=c.getBoundingClientRect().width;
 r.cells.push(Math.round(c.parentNode.getBoundingClientRect().width));
 if(!tn||tn.nodeType!==3)continue;var re=/\S+/g,m;
 while((m=re.exec(tn.data))){if(m[0].length>40)continue;
  var rg=document.createRange();rg.setStart(tn,m.index);rg.setEnd(tn,m.index+m[0].length);
  var rs=rg.getClientRects(),tops={};for(var k=0;k<rs.length;k++)tops[Math.round(rs[k].top)]=1;
  if(Object.keys(tops).length>1)r.broken.push(m[0]);
  if(rg.getBoundingClientRect().width>cw+0.5)r.narrow.push(m[0]);}}
var p=document.createElement('pre');p.id='ac-measure';p.textContent=JSON.stringify(r);document.body.appendChild(p);
})();</script>
JS
awk -v js="$(tr -d '\n' <"$WORK/measure.js")" '{ if (sub(/<\/body>/, "")) print $0 js "</body>"; else print }' \
  "$OUT/report.html" >"$OUT/measure.html"
grep -q 'ac-measure' "$OUT/measure.html" || fail "could not add the measuring script"
chrome --window-size=1280,900 --dump-dom "file://$OUT/measure.html" >"$OUT/measure-dom.html" \
  || fail "chromium --dump-dom of the measuring copy failed"
chrome --screenshot="$OUT/details.png" --window-size=1280,1400 "file://$OUT/measure.html#only" >/dev/null \
  || fail "screenshot of the details failed"
/usr/bin/python3 - "$OUT/measure-dom.html" <<'PY' || fail "layout checks failed"
import html, json, re, sys
m = re.search(r'<pre id="ac-measure">([^<]*)</pre>', open(sys.argv[1], encoding="utf-8").read())
if not m:
    sys.exit("html.chromium: the measuring script wrote nothing")
r = json.loads(html.unescape(m.group(1)))
problems = []
if r["scrollWidth"] > r["innerWidth"]:
    problems.append("at %d px the page is %d px wide: it scrolls sideways" % (r["innerWidth"], r["scrollWidth"]))
if not r["cells"]:
    problems.append("no expected/actual cells measured (the details did not open?)")
if r["broken"]:
    problems.append("words split over two lines in expected/actual: %r" % r["broken"])
if r["narrow"]:
    problems.append("expected/actual cells narrower than their words: %r" % r["narrow"])
print("html.chromium: layout at %dpx: page %d px wide, %d expected/actual cells (%d-%d px), %d broken words"
      % (r["innerWidth"], r["scrollWidth"], len(r["cells"]), min(r["cells"] or [0]), max(r["cells"] or [0]),
         len(r["broken"])))
for p in problems:
    print("html.chromium: " + p, file=sys.stderr)
sys.exit(1 if problems else 0)
PY

/usr/bin/python3 - "$OUT" "$TOTAL" <<'PY' || fail "DOM or screenshot checks failed"
import re, struct, sys
from html.parser import HTMLParser

out, total = sys.argv[1], int(sys.argv[2])
problems = []


class Dom(HTMLParser):
    """Collects what the checks need from a dumped DOM."""

    def __init__(self):
        super().__init__()
        self.rows = {}            # test id -> attributes of its row
        self.filters = None       # attributes of #filters
        self.checkboxes = []
        self.area_options = []
        self.details = {}         # test id -> details element's attributes
        self.text = {}            # element id -> text
        self._row = None
        self._id = None
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and a.get("id", "").startswith("t-"):
            self._row = a["id"][2:]
            self.rows[self._row] = a
        if tag == "details" and self._row and self._row not in self.details:
            self.details[self._row] = a
        if a.get("id") == "filters":
            self.filters = a
        if tag == "input" and a.get("type") == "checkbox":
            self.checkboxes.append(a.get("value"))
        if tag == "option" and a.get("value"):
            self.area_options.append(a["value"])
        if a.get("id") in ("count-total", "count-fail", "count-pass", "f-count", "verdict"):
            self._id = a["id"]
            self.text[self._id] = ""

    def handle_endtag(self, tag):
        if tag in ("b", "span", "div"):
            self._id = None

    def handle_data(self, data):
        if self._id:
            self.text[self._id] += data


def parse(name):
    d = Dom()
    with open("%s/%s" % (out, name), encoding="utf-8") as f:
        d.feed(f.read())
    return d


js = parse("dom.html")
nojs = parse("report.html")   # the page as written: what a browser without scripts shows
frag = parse("dom-fragment.html")

for label, d in (("scripts on", js), ("scripts off", nojs)):
    if len(d.rows) != total:
        problems.append("%s: %d test rows, expected %d" % (label, len(d.rows), total))
    if d.text.get("count-total", "").strip() != str(total):
        problems.append("%s: count-total is %r, expected %d" % (label, d.text.get("count-total"), total))
    # bearer-alg-none is caught by BEARER-ALG-NONE and by JWT-ALG-NONE-VARIANTS (the JWT playbook).
    if d.text.get("count-fail", "").strip() != "2":
        problems.append("%s: count-fail is %r, expected 2" % (label, d.text.get("count-fail")))
    row = d.rows.get("BEARER-ALG-NONE")
    if not row or row.get("data-outcome") != "fail":
        problems.append("%s: BEARER-ALG-NONE is not a failing row: %r" % (label, row))
    if "BEARER-ALG-NONE" not in d.details:
        problems.append("%s: the failure has no <details>" % label)
    if "FAILED" not in d.text.get("verdict", ""):
        problems.append("%s: verdict is %r" % (label, d.text.get("verdict")))
    if sorted(d.checkboxes) != sorted(["fail", "error", "warn", "pass", "skip", "not_run"]):
        problems.append("%s: outcome filters are %r" % (label, d.checkboxes))
    if "bearer-format" not in d.area_options:
        problems.append("%s: the area filter lacks bearer-format: %r" % (label, d.area_options))

# The script ran: filters shown, the count filled in, every row visible.
if js.filters is None or "hidden" in js.filters:
    problems.append("scripts on: the filter bar is still hidden")
if js.text.get("f-count", "").strip() != "%d of %d tests shown" % (total, total):
    problems.append("scripts on: f-count is %r" % js.text.get("f-count"))
if any("hidden" in r for r in js.rows.values()):
    problems.append("scripts on: rows are hidden with every filter on")
# Without scripts the filters (which need them) stay hidden; the table is complete.
if nojs.filters is None or "hidden" not in nojs.filters:
    problems.append("scripts off: the filter bar shows although it cannot work")
# Opened at a failing test, its details are open.
if "open" not in frag.details.get("BEARER-ALG-NONE", {}):
    problems.append("#t-BEARER-ALG-NONE: the failure's details are not open")
with open("%s/dom.html" % out, encoding="utf-8") as f:
    dom = f.read()
if "status 200, expected 401" not in dom:
    problems.append("the failure message is not in the DOM")
# RFC refs link to the section (issue 12 point 3): BEARER-ALG-NONE cites RFC 7518 3.6.
if '<a class="ref" href="https://www.rfc-editor.org/rfc/rfc7518#section-3.6">RFC 7518 3.6</a>' not in dom:
    problems.append("the failure's ref RFC 7518 3.6 does not link to its section")
if not re.search(r'<pre class="transcript">[^<]*GET http://127\.0\.0\.1:\d+/apiops/', dom):
    problems.append("the failure's transcript (request line) is not in the DOM")

for name, size in (("report.png", (1280, 1600)), ("failure.png", (1280, 4400))):
    with open("%s/%s" % (out, name), "rb") as f:
        png = f.read()
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        problems.append("%s is not a PNG" % name)
        continue
    w, h = struct.unpack(">II", png[16:24])
    if (w, h) != size:
        problems.append("%s is %dx%d, expected %dx%d" % ((name, w, h) + size))
    # A blank page compresses to a few KB; the report is tens of KB.
    if len(png) < 30000:
        problems.append("%s is only %d bytes: blank?" % (name, len(png)))

for p in problems:
    print("html.chromium: " + p, file=sys.stderr)
print("html.chromium: %d rows, %d problem(s)" % (len(js.rows), len(problems)))
sys.exit(1 if problems else 0)
PY
! grep -q "$PASSWORD" "$OUT/report.html" "$OUT/dom.html" || fail "the password reached the HTML report"
echo "ok - html.chromium ($TOTAL tests; screenshots in $OUT)"
