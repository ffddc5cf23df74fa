#!/bin/bash
# t-web.sh - jubao-webd, the reporters' status page (issue 12): "-n"; the
# headers every page sends; a lookup in Chromium (Selenium), a rating, a
# complaint, the language switch and a wrong PIN, with a screenshot of each
# page kept in the test log directory; the same bytes for a wrong PIN, an
# unknown case number and a malformed one; no lookup from a query string;
# the caps (413, 414, 415, 405, 404); the lock after repeated wrong PINs,
# keyed on the case number; nothing typed as a PIN, no complaint text and
# no client address in the daemon's log.  Times are the daemon's own clock
# and the store's: nothing here depends on the wall clock's value.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/common.sh
. tests/lib/jubao.sh

make -s web/jubao-webd tests/tools/webfx >&2 || { fail "cannot build jubao-webd"; finish; }
FX="$JB_TOP/tests/tools/webfx"
dir=$(mktestdir web)
# the screenshots stay with the suite's log (tests/run.sh), passed or not
shots="$JUBAO_TEST_TMP/logs/t-web"
rm -rf "$shots"; mkdir -p "$shots"
port=$(free_port)
base="http://127.0.0.1:$port"
JB_CONF=$(jb_conf "$dir/jubao" 1 "web_listen = 127.0.0.1:$port" "lookup_case_failures = 3")
log="$dir/webd.log"

# -n: the configuration and the templates
out=$("$JB_WEBD" -n -c "$JB_CONF" 2>&1) && pass "jubao-webd -n: configuration OK" || fail "-n: $out"
mkdir -p "$dir/tmpl"; cp -r conf/templates/. "$dir/tmpl/"
sed -i 's/{{heading}}/{{headline}}/' "$dir/tmpl/en/web-status.html"
sed -e "s|^template_dir = .*|template_dir = $dir/tmpl|" "$JB_CONF" >"$dir/bad.conf"
out=$("$JB_WEBD" -n -c "$dir/bad.conf" 2>&1); rc=$?
[ "$rc" = 1 ] && echo "$out" | grep -q "headline" && echo "$out" | grep -q "web-status.html" &&
	pass "-n: a typo in a template is an error naming it (exit 1)" || fail "-n with a bad template: exit $rc, $out"

# cases with known PINs (the intake pipeline's own), and a number no case has
"$FX" case "$JB_CONF" 3 >"$dir/cases" || { fail "webfx case"; finish; }
read -r A PA < <(sed -n 1p "$dir/cases")
read -r B PB < <(sed -n 2p "$dir/cases")
other=$(jb_conf "$dir/other" 1)
"$FX" case "$other" 6 >"$dir/other-cases" || { fail "webfx case (other store)"; finish; }
U=$(sed -n '6s/ .*//p' "$dir/other-cases")
[ -n "$A" ] && [ -n "$B" ] && [ -n "$U" ] && [ "$U" != "$A" ] && pass "cases $A and $B; $U is well formed but no case's" ||
	{ fail "cases: '$A' '$B' '$U'"; finish; }

jb_webd_start "$JB_CONF" "$port" "$log" || { fail "jubao-webd did not listen"; diag <"$log"; finish; }
pass "jubao-webd listens on 127.0.0.1:$port"

# post - post PATH BODY [XFF]: the status code, the page in $dir/page
post() {
	curl -s -o "$dir/page" -w '%{http_code}' ${3:+-H "X-Forwarded-For: $3"} --data "$2" "$base$1"
}
typed=("$PA" "$PB")		# every PIN typed, for the log check

# the headers of every page
curl -s -D "$dir/h" -o /dev/null "$base/"
for h in "Cache-Control: no-store" "Referrer-Policy: no-referrer" "X-Frame-Options: DENY" \
    "Content-Security-Policy: default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'" \
    "Content-Type: text/html; charset=utf-8"; do
	grep -qiF "$h" "$dir/h" && pass "header $h" || fail "no header '$h': $(cat "$dir/h")"
done
[ "$(curl -s -o /dev/null -w '%{http_code} %{content_type}' "$base/static/style.css")" = "200 text/css; charset=utf-8" ] &&
	pass "the stylesheet is served from the program" || fail "GET /static/style.css"
! grep -qiE '<script|https?://' conf/templates/*/web-*.html conf/templates/web-style.css &&
	pass "no script and no external asset in the templates" || fail "a script or an external URL in the templates"

# a PIN in the query string is never looked up
n0=$(jb_sql "SELECT count(*) FROM lookups")
code=$(curl -s -o "$dir/q" -w '%{http_code}' "$base/?case=$A&pin=$PA")
curl -s -o "$dir/plain" "$base/"
[ "$code" = 200 ] && cmp -s "$dir/q" "$dir/plain" && [ "$(jb_sql "SELECT count(*) FROM lookups")" = "$n0" ] &&
	pass "GET /?case=..&pin=..: the plain form, nothing looked up" || fail "GET with a PIN: $code, lookups $n0 -> $(jb_sql "SELECT count(*) FROM lookups")"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/status?case=$A&pin=$PA")" = 405 ] &&
	pass "GET /status: 405" || fail "GET /status"

# the caps
code=$(head -c 30000 /dev/zero | tr '\0' a | sed 's/^/text=/' |
	curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/x-www-form-urlencoded' --data-binary @- "$base/complain")
[ "$code" = 413 ] && pass "a 30 KB body: 413" || fail "a 30 KB body: $code"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/$(head -c 400 /dev/zero | tr '\0' x)")" = 414 ] &&
	pass "a 400-byte target: 414" || fail "long target"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d '{}' "$base/status")" = 415 ] &&
	pass "a JSON body: 415" || fail "JSON body"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/admin")" = 404 ] && pass "an unknown path: 404" || fail "unknown path"
[ "$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$base/")" = 405 ] && pass "DELETE /: 405" || fail "DELETE"
[ "$(post /complain "case=$A&pin=$PA&text=%FF%FE")" = 400 ] && pass "a complaint that is not UTF-8: 400" || fail "bad UTF-8"
long=$(printf '投%.0s' $(seq 2001))
[ "$(curl -s -o /dev/null -w '%{http_code}' --data-urlencode "text=$long" -d "case=$A&pin=$PA" "$base/complain")" = 400 ] &&
	pass "a complaint of 2001 characters: 400" || fail "2001 characters"
[ "$(post /rate "case=$A&pin=$PA&rating=6")" = 400 ] && pass "a rating of 6: 400" || fail "rating 6"

# no oracle: a wrong PIN, an unknown number, a malformed one: the same bytes
wrong=$(printf '%06d' $(( (10#$PA + 1) % 1000000 )))
typed+=("$wrong")
post /status "case=$A&pin=$wrong" 192.0.2.11 >/dev/null; cp "$dir/page" "$dir/denied-wrong"
post /status "case=$U&pin=$PA" 192.0.2.12 >/dev/null; cp "$dir/page" "$dir/denied-unknown"
post /status "case=12ab&pin=$PA" 192.0.2.13 >/dev/null; cp "$dir/page" "$dir/denied-malformed"
cmp -s "$dir/denied-wrong" "$dir/denied-unknown" && cmp -s "$dir/denied-wrong" "$dir/denied-malformed" &&
	! grep -q "$A" "$dir/denied-wrong" &&
	pass "wrong PIN, unknown number, malformed number: byte-identical pages" ||
	fail "the denied pages differ: $(diff "$dir/denied-wrong" "$dir/denied-unknown" | head -5)"

# in Chromium
cat_name=$(awk -v k="$(jb_ctl --json show "$A" | python3 -c 'import json,sys; print(json.load(sys.stdin)["category"])')" '
	/^\[/ { s = $0; gsub(/[][]/, "", s) } s == k && /^name *=/ { sub(/^name *= */, ""); print; exit }' conf/categories.conf)
due=$(jb_ctl --json show "$A" | python3 -c '
import json, sys, datetime
d = datetime.datetime.fromisoformat(json.load(sys.stdin)["deadline"])
print(d.astimezone().strftime("%Y-%m-%d %H:%M"))')
jb_chromium "$dir/selenium.out" tests/e2e/web_selenium.py "$base/" "$A" "$PA" "$cat_name" "$due" "$shots"
n=$(ls "$shots"/*.png 2>/dev/null | wc -l)
[ "$n" -ge 8 ] && pass "$n screenshots in $shots" || fail "$n screenshots"

json() { jb_ctl --json show "$1" | python3 -c "import json,sys; c=json.load(sys.stdin); print($2)"; }
[ "$(json "$A" 'c.get("satisfaction")')" = 4 ] && pass "jubaoctl show: satisfaction 4" ||
	fail "satisfaction: $(json "$A" 'c.get("satisfaction")')"
[ "$(json "$A" '[e["actor"] for e in c["events"] if e["action"] == "rating"]')" = "['reporter']" ] &&
	pass "a 'rating' event by the reporter" || fail "rating events: $(json "$A" '[e for e in c["events"] if e["action"] == "rating"]')"
[ "$(json "$A" '[e["actor"] for e in c["events"] if e["action"] == "complaint"]')" = "['reporter']" ] &&
	pass "a 'complaint' event by the reporter" || fail "complaint events: $(json "$A" '[e for e in c["events"] if e["action"] == "complaint"]')"

# the lock: lookup_case_failures (3) wrong PINs for a number, from three
# addresses, lock it; then even its right PIN is refused, and so is an
# unknown number after as many (the lock is keyed on the number)
for i in 1 2 3; do
	w=$(printf '%06d' $(( (10#$PB + i) % 1000000 )))
	typed+=("$w")
	post /status "case=$B&pin=$w" "198.51.100.$i" >/dev/null
	post /status "case=$U&pin=$w" "198.51.100.$((10 + i))" >/dev/null
done
code=$(post /status "case=$B&pin=$PB" 198.51.100.20)
grep -q 'class="answer limited"' "$dir/page" && [ "$code" = 429 ] && ! grep -q 'rate-form' "$dir/page" &&
	pass "after 3 wrong PINs the right one is refused: LOOKUP_LIMITED (429)" || fail "lock: $code"
cp "$dir/page" "$dir/limited-b"
code=$(post /status "case=$U&pin=$PA" 198.51.100.21)
[ "$code" = 429 ] && cmp -s "$dir/page" "$dir/limited-b" &&
	pass "an unknown number after 3 failures: the same LIMITED page" || fail "unknown number lock: $code"
code=$(post /status "case=$A&pin=$PA" 198.51.100.22)
[ "$code" = 200 ] && grep -q 'rate-form' "$dir/page" && pass "another case is still found" || fail "case A: $code"

# a reload keeps it serving
kill -HUP "$JB_WEBD_PID"
sleep 0.5
[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/")" = 200 ] && grep -q "configuration reloaded" "$log" &&
	pass "SIGHUP reloads, still serving" || fail "reload"
jb_webd_stop
[ "$JB_WEBD_RC" = 0 ] && pass "SIGTERM: stopped, exit 0" || fail "exit $JB_WEBD_RC"

# the log: no PIN typed, no complaint text, no client address
leak=
for p in "${typed[@]}"; do grep -qF "$p" "$log" && leak="$leak PIN:$p"; done
grep -qF "处理结果与事实不符" "$log" && leak="$leak complaint-text"
# (the start-up line names the listening address, not a client's)
grep -v "listening on" "$log" | grep -qE '192\.0\.2\.|198\.51\.100\.|127\.0\.0\.1' && leak="$leak address"
[ -z "$leak" ] && [ -s "$log" ] && pass "the log has no PIN, no complaint text, no client address" ||
	{ fail "the log leaks:$leak"; diag <"$log"; }
grep -q "$A: rated 4" "$log" && pass "the log names the case of a rating" || fail "no rating line in the log"
finish
