#!/bin/bash
# t-typical.sh - typical cases (issue 15; 指导意见 三、二十): a handler
# proposes a closed case as a typical case on the console; it is not on
# the public page GET /typical until a second person approves it; the
# proposer and another handler cannot approve it, a reviewer can.  A title
# or summary holding the reporter's address, client address or phone, or
# any mobile number, is refused without echoing it, and nothing is
# stored; an open case is refused.  The published page holds none of the
# reporter's identity, no case number and no staff name, and shows HTML
# typed in the title as text; the ledger names both people.  With curl;
# nothing here depends on the wall clock's value.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/common.sh
. tests/lib/jubao.sh

make -s web/jubao-webd shared/jubaoctl tests/tools/webfx >&2 || { fail "cannot build jubao-webd"; finish; }
FX="$JB_TOP/tests/tools/webfx"
dir=$(mktestdir typical)
port=$(free_port)
base="http://127.0.0.1:$port"
JB_CONF=$(jb_conf "$dir/jubao" 1 "web_listen = 127.0.0.1:$port")
log="$dir/webd.log"

# two cases through the intake (webfx: the sender reporterN@example.com,
# the client 192.0.2.1, the phone 13812345678 in the text)
"$FX" case "$JB_CONF" 2 >"$dir/cases" || { fail "webfx case"; finish; }
read -r A _ < <(sed -n 1p "$dir/cases")
read -r B _ < <(sed -n 2p "$dir/cases")
[ -n "$A" ] && [ -n "$B" ] && pass "cases $A and $B" || { fail "cases: '$A' '$B'"; finish; }
REP_ADDR=reporter0@example.com REP_CLIENT=192.0.2.1 REP_PHONE=13812345678
jb_ctl show --reveal "$B" 2>/dev/null | grep -q "$REP_PHONE" &&
	pass "such a case holds the reporter's phone $REP_PHONE (case $B, revealed)" ||
	fail "no phone in $B: $(jb_ctl show --reveal "$B" 2>&1 | head -20)"

# the accounts; case A closed with an outcome, case B left open
{ echo 'li-handler-pw-1' | jb_ctl user add li.h --role handler &&
  echo 'he-handler-pw-2' | jb_ctl user add he.h --role handler &&
  echo 'zhao-reviewer-pw-3' | jb_ctl user add zhao.r --role reviewer; } >/dev/null &&
	pass "two handlers and a reviewer" || { fail "user add"; finish; }
jb_ctl --actor li.h accept "$A" >/dev/null && jb_ctl --actor li.h dispose "$A" --measure warn >/dev/null
[ "$(jb_sql "SELECT status FROM cases WHERE case_no = '$A'")" = disposed ] && jb_ctl --actor li.h feedback "$A" >/dev/null
jb_ctl --actor li.h close "$A" >/dev/null
[ "$(jb_sql "SELECT status FROM cases WHERE case_no = '$A'")" = closed ] &&
	pass "case $A is closed with an outcome" || fail "case $A: $(jb_sql "SELECT status FROM cases WHERE case_no = '$A'")"

jb_webd_start "$JB_CONF" "$port" "$log" || { fail "jubao-webd did not listen"; diag <"$log"; finish; }

# login - login NAME PASSWORD JAR: jb_login (as tests/e2e/t-console.sh)
login() { jb_login "$base" "$dir/login" "$@"; }
csrf_of() { jb_csrf "$base" "$1"; }
[ "$(login li.h li-handler-pw-1 "$dir/h.jar")" = 303 ] && [ "$(login he.h he-handler-pw-2 "$dir/he.jar")" = 303 ] &&
	[ "$(login zhao.r zhao-reviewer-pw-3 "$dir/r.jar")" = 303 ] &&
	pass "li.h, he.h and zhao.r log in" || { fail "login: $(cat "$dir/login.h")"; finish; }
hc=$(csrf_of "$dir/h.jar"); hec=$(csrf_of "$dir/he.jar"); rvc=$(csrf_of "$dir/r.jar")

# post - post JAR CASE [FIELD=VALUE...]: the form to /staff/case/CASE/typical
# (URL-encoded); the status code, the page in $dir/page
post() {
	local jar=$1 c=$2 a=()
	shift 2
	for f in "$@"; do a+=(--data-urlencode "$f"); done
	curl -s -o "$dir/page" -w '%{http_code}' -b "$jar" "${a[@]}" "$base/staff/case/$c/typical"
}
ntyp() { jb_sql "SELECT count(*) FROM typical"; }
flash() { sed -n 's/.*<p class="bad" id="flash">\([^<]*\)<.*/\1/p' "$dir/page"; }

curl -s -b "$dir/h.jar" "$base/staff/case/$A" >"$dir/a.html"
curl -s -b "$dir/h.jar" "$base/staff/case/$B" >"$dir/b.html"
grep -q 'id="typicalform"' "$dir/a.html" && ! grep -q 'id="typicalform"' "$dir/b.html" &&
	pass "the closed case's page offers the typical-case form, the open one's does not" ||
	fail "typical form: $(grep -c typicalform "$dir/a.html") $(grep -c typicalform "$dir/b.html")"

# refused: without the CSRF token, an open case, the reporter, any mobile number
code=$(post "$dir/h.jar" "$A" action=propose title=无令牌 summary=摘要)
[ "$code" = 403 ] && [ "$(ntyp)" = 0 ] && pass "posted without its CSRF token: 403, nothing stored" || fail "no CSRF: $code"
code=$(post "$dir/h.jar" "$B" "csrf=$hc" action=propose title=未办结 summary=摘要)
[ "$code" = 409 ] && grep -q "closed" "$dir/page" && [ "$(ntyp)" = 0 ] &&
	pass "an open case: refused (409), nothing stored" || fail "open case: $code $(flash)"
code=$(post "$dir/h.jar" "$A" "csrf=$hc" action=propose title=钓鱼网站案 "summary=举报人 $REP_ADDR 发现钓鱼网站。")
[ "$code" = 409 ] && [ "$(ntyp)" = 0 ] && ! flash | grep -qF "$REP_ADDR" &&
	pass "a summary with the reporter's address: refused (409), not echoed, nothing stored" || fail "address: $code $(flash)"
code=$(post "$dir/h.jar" "$A" "csrf=$hc" action=propose title=钓鱼网站案 "summary=举报人电话 $REP_PHONE。")
[ "$code" = 409 ] && [ "$(ntyp)" = 0 ] && ! flash | grep -qF "$REP_PHONE" &&
	pass "a summary with the reporter's phone: refused (409), nothing stored" || fail "phone: $code $(flash)"
code=$(post "$dir/h.jar" "$A" "csrf=$hc" action=propose "title=来自 $REP_CLIENT 的举报" "summary=钓鱼网站。")
[ "$code" = 409 ] && [ "$(flash)" = "the summary names the reporter" ] && [ "$(ntyp)" = 0 ] &&
	pass "a title with the reporter's client address: \"the summary names the reporter\", nothing stored" ||
	fail "client address: $code $(flash)"
code=$(post "$dir/h.jar" "$A" "csrf=$hc" action=propose title=钓鱼网站案 "summary=骗子电话 139-0000-1111。")
[ "$code" = 409 ] && grep -q "mobile number" "$dir/page" && [ "$(ntyp)" = 0 ] &&
	pass "any mobile number: refused (a typical case is anonymous)" || fail "mobile: $code $(flash)"
[ "$(jb_sql "SELECT count(*) FROM events e JOIN cases c ON c.id = e.case_id WHERE c.case_no = '$A' AND action = 'reveal'")" = 0 ] &&
	pass "the checks recorded no reveal: nothing of the reporter was shown" || fail "a reveal was recorded"

# proposed by li.h: pending, not public
TITLE='<b>冒充银行</b>的钓鱼网站 & "高仿"'
SUMMARY=$'有人冒充银行建立钓鱼网站骗取用户密码。\n经核查，平台已对相关账号予以警示并依法处置。'
code=$(post "$dir/h.jar" "$A" "csrf=$hc" action=propose "title=$TITLE" "summary=$SUMMARY")
id=$(jb_sql "SELECT id FROM typical WHERE state = 'pending'")
[ "$code" = 303 ] && [ -n "$id" ] && [ "$(jb_sql "SELECT proposer FROM typical WHERE id = $id")" = li.h ] &&
	pass "li.h proposes it: pending (303)" || fail "propose: $code $(flash)"
code=$(curl -s -o "$dir/pub0.html" -w '%{http_code}' "$base/typical")
[ "$code" = 200 ] && ! grep -q "冒充银行" "$dir/pub0.html" &&
	pass "GET /typical: 200, the proposal is not on it" || fail "GET /typical before the approval: $code"
curl -s -b "$dir/h.jar" "$base/staff/case/$A" >"$dir/a.html"
curl -s -b "$dir/r.jar" "$base/staff/case/$A" >"$dir/ar.html"
! grep -q 'id="typical-approve"' "$dir/a.html" && grep -q 'id="typical-approve"' "$dir/ar.html" &&
	grep -q '&lt;b&gt;冒充银行' "$dir/a.html" &&
	pass "the approve button: for zhao.r, not for li.h; the title shown as text" || fail "buttons"
curl -s -b "$dir/r.jar" "$base/staff/typical" >"$dir/queue.html"
grep -q "/staff/case/$A#typical" "$dir/queue.html" &&
	pass "/staff/typical lists it for approval" || fail "/staff/typical: $(grep -c "$A" "$dir/queue.html")"

# the two-person rule
code=$(post "$dir/h.jar" "$A" "csrf=$hc" action=approve "id=$id")
[ "$code" = 409 ] && grep -q "cannot approve it" "$dir/page" &&
	[ "$(jb_sql "SELECT state FROM typical WHERE id = $id")" = pending ] &&
	pass "li.h approving their own: refused (409), still pending" || fail "self-approval: $code $(flash)"
code=$(post "$dir/he.jar" "$A" "csrf=$hec" action=approve "id=$id")
[ "$code" = 409 ] && grep -q "reviewer or admin role" "$dir/page" &&
	[ "$(jb_sql "SELECT state FROM typical WHERE id = $id")" = pending ] &&
	pass "he.h, another handler: refused (409), it takes a reviewer" || fail "handler approval: $code $(flash)"
code=$(post "$dir/r.jar" "$A" "csrf=$rvc" action=approve "id=$id")
[ "$code" = 303 ] && [ "$(jb_sql "SELECT state || ' ' || decided_by FROM typical WHERE id = $id")" = "published zhao.r" ] &&
	pass "zhao.r, a reviewer, approves: published" || fail "approval: $code $(flash)"

# the public page
code=$(curl -s -o "$dir/pub.html" -w '%{http_code}' "$base/typical")
[ "$code" = 200 ] && grep -q '<section id="typical">' "$dir/pub.html" &&
	grep -qF '&lt;b&gt;冒充银行&lt;/b&gt;的钓鱼网站 &amp; &quot;高仿&quot;' "$dir/pub.html" &&
	! grep -q '<b>冒充银行' "$dir/pub.html" && grep -q '<span class="category">诈骗</span>' "$dir/pub.html" &&
	grep -q "经核查，平台已对相关账号予以警示" "$dir/pub.html" &&
	pass "GET /typical: the title as text, its category, its summary" || fail "GET /typical: $code $(head -c 600 "$dir/pub.html")"
leak=
for w in "$REP_ADDR" reporter0 "$REP_CLIENT" "$REP_PHONE" "$A" li.h zhao.r; do
	grep -qF -- "$w" "$dir/pub.html" && leak="$leak $w"
done
[ -z "$leak" ] && pass "the public page holds no reporter identity, no case number, no staff name" ||
	fail "the public page holds:$leak"

# the ledger: both names
ledger() { jb_sql "SELECT action || ':' || actor FROM events e JOIN cases c ON c.id = e.case_id WHERE c.case_no = '$A' AND action LIKE 'typical%' ORDER BY e.id" | tr '\n' ' '; }
[ "$(ledger)" = "typical_propose:li.h typical_publish:zhao.r " ] &&
	jb_sql "SELECT detail FROM events WHERE action = 'typical_publish'" | grep -q "proposed by li.h" &&
	pass "the ledger: li.h proposed, zhao.r published (proposed by li.h)" || fail "ledger: $(ledger)"

# withdrawn by its proposer: off the public page
code=$(post "$dir/he.jar" "$A" "csrf=$hec" action=withdraw "id=$id")
[ "$code" = 409 ] && [ "$(jb_sql "SELECT state FROM typical WHERE id = $id")" = published ] &&
	pass "he.h cannot withdraw it (its proposer or an admin does)" || fail "withdraw by he.h: $code"
code=$(post "$dir/h.jar" "$A" "csrf=$hc" action=withdraw "id=$id")
curl -s -o "$dir/pub2.html" "$base/typical"
[ "$code" = 303 ] && ! grep -q "冒充银行" "$dir/pub2.html" &&
	pass "li.h withdraws it: off GET /typical" || fail "withdraw: $code"

jb_webd_stop
leak=
for w in "$REP_ADDR" "$REP_CLIENT" "$REP_PHONE" li-handler-pw-1; do
	grep -qF -- "$w" "$log" && leak="$leak $w"
done
[ -z "$leak" ] && grep -q "typical case propose by li.h" "$log" &&
	pass "the daemon's log names the steps, never the reporter" || { fail "the log leaks:$leak"; diag <"$log"; }
finish
