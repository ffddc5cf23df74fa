#!/bin/bash
# t-console.sh - the call centre's console (jubao-webd /staff, issue 13)
# with every part real: a hotline call through SIPp makes a case (its
# acknowledgement to a SIPp SMS gateway), a report through Postfix and the
# milter makes another (its acknowledgement caught by smtp-sink); then in
# Chromium (console_selenium.py) handlers log in, play the recording,
# propose removals that a second person approves, reveal a reporter with
# a reason; the outcome feedback reaches the SMS gateway and smtp-sink.
# Then with curl: a form without its CSRF token, a handler approving their
# own removal or opening the accounts page, the lockout after
# login_failures wrong passwords, evidence without a session, a Range
# request on a recording, the cookie's attributes, no reporter identity
# on any page before the reveal, and a log without passwords or
# identities.  Screenshots stay in $JUBAO_TEST_TMP/logs/t-console.
# Nothing here depends on the wall clock's value.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/common.sh
. tests/lib/postfix.sh
. tests/lib/jubao.sh
. tests/sip/sip.sh

make -s web/jubao-webd >&2 || { fail "cannot build jubao-webd"; finish; }
[ -x "$SIPD" ] || { fail "sip/jubao-sipd is not built"; finish; }
dir=$(mktestdir console)
shots="$JUBAO_TEST_TMP/logs/t-console"
rm -rf "$shots"; mkdir -p "$shots"
sink="$dir/sink"
mkdir -p "$sink"; chown postfix "$sink"
smtp_port=$(free_port); sink_port=$(free_port); milter_port=$(free_port)
gw=$(free_port); wport=$(free_port)
base="http://127.0.0.1:$wport"
conf=$(sip_conf "$dir" "milter_socket = inet:$milter_port@127.0.0.1" \
    "report_mailboxes = jubao@example.cn" "authserv_id = mx.test.example" \
    "ack_from = jubao@example.cn" "smtp_relay = 127.0.0.1:$smtp_port" \
    "sip_menu_timeout = 3s" "sip_silence_timeout = 6s" "sip_record_min = 1s" \
    "sip_sms_gateway = 127.0.0.1:$gw" "web_listen = 127.0.0.1:$wport" \
    "login_failures = 3")
JB_CONF=$conf
log="$dir/webd.log"

# everything behind the console
jb_milter_start "$conf" || { fail "jubao-milter did not start"; finish; }
sink_start "$sink" "$sink_port" || { fail "smtp-sink did not start"; finish; }
pf_start "$dir/pf" "$smtp_port" "$sink_port" "inet:127.0.0.1:$milter_port" ||
	{ fail "postfix did not start"; finish; }
sms_gateway_start "$dir" "$gw" 2
gwpid=$GW_PID
sipd_start "$conf" || { fail "jubao-sipd did not start"; finish; }
jb_webd_start "$conf" "$wport" "$log" || { fail "jubao-webd did not listen"; diag <"$log"; finish; }
pass "milter, Postfix, smtp-sink, jubao-sipd, an SMS gateway and jubao-webd are up"

# the accounts (a password is a line of standard input)
PW_HANDLER='li-handler-pw-1' PW_REVIEWER='zhao-reviewer-pw-2' PW_ADMIN='wang-admin-pw-3'
export PW_HANDLER PW_REVIEWER PW_ADMIN
{ echo "$PW_HANDLER" | jb_ctl user add li.h --role handler &&
  echo "$PW_REVIEWER" | jb_ctl user add zhao.r --role reviewer &&
  echo "$PW_ADMIN" | jb_ctl user add wang.admin --role admin &&
  echo 'lock-me-password' | jb_ctl user add lock.me --role handler; } >/dev/null &&
	pass "jubaoctl user add: a handler, a reviewer, an admin" || { fail "user add"; finish; }
jb_ctl user list >"$dir/users"
grep -q '^zhao\.r  *reviewer' "$dir/users" && ! grep -q "$PW_REVIEWER" "$dir/users" &&
	pass "user list: names and roles, no password" || fail "user list: $(cat "$dir/users")"
out=$(echo short | jb_ctl user add tiny --role handler 2>&1); [ $? = 1 ] &&
	pass "a password under 10 characters is refused (exit 1)" || fail "short password: $out"

# a hotline call: a tone of 3 s as the message
sox -n -r 8000 -c 1 -e u-law "$dir/t1000.wav" synth 3 sine 1000 vol 0.5
scen "$dir/c.xml" "" "赵六" 13900000008 invite:0 answered pause:1500 key:1 \
    pause:8000 stream:"$dir/t1000.wav":0 pause:3500 key:pound pause:9000 bye
sipp_run con "$dir/c.xml"
sipp_wait con && pass "the call completes" || fail "call: $(tail -3 "$dir/con.out")"
wait_for -t 20 eval '[ -n "$(case_of con-1@jubao.test)" ]'
hot=$(case_of con-1@jubao.test)
[ -n "$hot" ] && pass "the call made case $hot" || { fail "no case from the call"; finish; }
evidence_of "$hot" 1 "$dir/rec.wav" || fail "jubaoctl evidence $hot 1"
secs=$(soxi -D "$dir/rec.wav" 2>/dev/null)
[ -n "$secs" ] && pass "its recording: $secs s" || { fail "no recording"; finish; }

# a report by mail; its subject holds a script, its sender is the reporter
python3 - "$dir/m.eml" <<'PY'
import sys
from email.message import EmailMessage
m = EmailMessage()
m["From"] = "王五 <whistle@example.org>"
m["To"] = "jubao@example.cn"
m["Subject"] = "<script>alert('x')</script>举报诈骗网站"
m["Message-ID"] = "<console-1@client.example>"
m.set_content("钓鱼网站 https://phish.example/login 冒充银行骗取密码，请核查处理。")
open(sys.argv[1], "wb").write(bytes(m))
PY
swaks --server "127.0.0.1:$smtp_port" --from whistle@example.org --to jubao@example.cn \
    --data "@$dir/m.eml" --silent 2 >>"$dir/swaks.log" 2>&1
find_mail() { python3 tests/lib/mail.py find "$sink" "$@"; }
has_mail() { [ -n "$(find_mail "$@")" ]; }
wait_for -t 30 has_mail rcpt=whistle@example.org "subject~=您的举报已收到" &&
	pass "the email report is acknowledged (smtp-sink)" || fail "no acknowledgement mail"
mailc=$(jb_sql "SELECT case_no FROM cases WHERE channel = 'email'")
[ -n "$mailc" ] && pass "the email made case $mailc" || { fail "no email case"; finish; }
sms_sent() { [ "$(jb_sql "SELECT count(*) FROM outbox WHERE channel = 'sip' AND status = 'sent'")" -ge "$1" ]; }
wait_for -t 20 sms_sent 1 && pass "the caller's acknowledgement went by SMS" || fail "no SMS acknowledgement"

# --- security, with curl, before anyone handles the cases ---
# login - login NAME PASSWORD JAR [CLIENT]: jb_login, the answer in
# $dir/login.out and $dir/login.h; the status code
login() { jb_login "$base" "$dir/login" "$@"; }
csrf_of() { jb_csrf "$base" "$1"; }
[ "$(login li.h "$PW_HANDLER" "$dir/h.jar")" = 303 ] && grep -qi '^Location: /staff/queue' "$dir/login.h" &&
	pass "li.h logs in (303 to the queue)" || fail "login: $(cat "$dir/login.h")"
cookie=$(grep -i '^Set-Cookie: jubao_staff=' "$dir/login.h")
case $cookie in *HttpOnly*SameSite=Strict*) ;; *) cookie= ;; esac
[ -n "$cookie" ] && ! grep -qi 'jubao_staff=.*Secure' "$dir/login.h" &&
	pass "the session cookie: HttpOnly, SameSite=Strict, not Secure over plain HTTP" || fail "cookie: $(grep -i set-cookie "$dir/login.h")"
tok=$(curl -s -c "$dir/s.jar" "$base/staff/login" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p')
curl -s -o /dev/null -D "$dir/tls.h" -b "$dir/s.jar" -H 'X-Forwarded-Proto: https' -H 'X-Forwarded-For: 203.0.113.9' \
    --data "csrf=$tok&name=zhao.r&password=$PW_REVIEWER" "$base/staff/login"
grep -qi '^Set-Cookie: jubao_staff=.*; Secure' "$dir/tls.h" &&
	pass "behind a trusted proxy with X-Forwarded-Proto: https the cookie is Secure" || fail "Secure: $(grep -i set-cookie "$dir/tls.h")"

ev0=$(jb_sql "SELECT count(*) FROM events")
code=$(curl -s -o "$dir/nocsrf" -w '%{http_code}' -b "$dir/h.jar" --data "action=accept" "$base/staff/case/$hot/act")
[ "$code" = 403 ] && [ "$(jb_sql "SELECT status FROM cases WHERE case_no = '$hot'")" = received ] &&
	[ "$(jb_sql "SELECT count(*) FROM events")" = "$ev0" ] &&
	pass "an action posted without its CSRF token: 403, nothing done" || fail "no CSRF: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$dir/h.jar" --data "csrf=$(printf '%064d' 0)&action=accept" "$base/staff/case/$hot/act")
[ "$code" = 403 ] && pass "with a wrong CSRF token: 403" || fail "wrong CSRF: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' --data "action=accept" "$base/staff/case/$hot/act")
[ "$code" = 403 ] && pass "an action without a session: 403" || fail "no session POST: $code"
code=$(curl -s -o "$dir/users.page" -w '%{http_code}' -b "$dir/h.jar" "$base/staff/users")
[ "$code" = 403 ] && ! grep -q "zhao.r" "$dir/users.page" &&
	pass "a handler opening the accounts page: 403" || fail "handler /staff/users: $code"
hc=$(csrf_of "$dir/h.jar")
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$dir/h.jar" --data "csrf=$hc&op=add&name=evil&role=admin&password=evil-password-1" "$base/staff/users")
[ "$code" = 403 ] && ! jb_ctl user list | grep -q '^evil ' &&
	pass "a handler posting a new admin account: 403, no account" || fail "handler user add: $code"

# evidence: without a session refused; with one, Range works and is audited
opens0=$(jb_sql "SELECT count(*) FROM events WHERE action = 'evidence_opened'")
code=$(curl -s -o "$dir/ev.none" -w '%{http_code}' "$base/staff/case/$hot/evidence/1")
[ "$code" = 303 ] && [ ! -s "$dir/ev.none" ] && [ "$(jb_sql "SELECT count(*) FROM events WHERE action = 'evidence_opened'")" = "$opens0" ] &&
	pass "a recording without a session: 303 to the login, no byte, no opening" || fail "evidence without a session: $code"
code=$(curl -s -o "$dir/ev.part" -D "$dir/ev.h" -w '%{http_code}' -b "$dir/h.jar" -H 'Range: bytes=0-99' "$base/staff/case/$hot/evidence/1")
[ "$code" = 206 ] && grep -qi "^Content-Range: bytes 0-99/$(stat -c %s "$dir/rec.wav")" "$dir/ev.h" &&
	cmp -s "$dir/ev.part" <(head -c 100 "$dir/rec.wav") && grep -qi '^Content-Type: audio/wav' "$dir/ev.h" &&
	pass "Range bytes=0-99: 206, the recording's first 100 bytes" || fail "range: $code $(cat "$dir/ev.h")"
code=$(curl -s -o "$dir/ev.full" -w '%{http_code}' -b "$dir/h.jar" "$base/staff/case/$hot/evidence/1")
[ "$code" = 200 ] && cmp -s "$dir/ev.full" "$dir/rec.wav" && pass "the whole recording, byte for byte" || fail "evidence GET: $code"
[ "$(jb_sql "SELECT count(*) FROM events WHERE action = 'evidence_opened' AND actor = 'li.h'")" -ge 2 ] &&
	pass "each opening is in the ledger under li.h" || fail "evidence events: $(jb_sql "SELECT action, actor FROM events WHERE action = 'evidence_opened'")"
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$dir/h.jar" "$base/staff/case/$hot/evidence/9")
[ "$code" = 404 ] && pass "an evidence number the case does not have: 404" || fail "evidence 9: $code"

# the original message names its sender: opened only with a reason, as a reveal
hc=$(csrf_of "$dir/h.jar")
opened() { jb_sql "SELECT count(*) FROM events e JOIN cases c ON c.id = e.case_id WHERE c.case_no = '$mailc' AND action IN ('evidence_opened', 'reveal')"; }
o0=$(opened)
code=$(curl -s -o "$dir/orig.get" -w '%{http_code}' -b "$dir/h.jar" "$base/staff/case/$mailc/evidence/1")
code2=$(curl -s -o "$dir/orig.nowhy" -w '%{http_code}' -b "$dir/h.jar" --data "csrf=$hc" "$base/staff/case/$mailc/evidence/1")
[ "$code" = 403 ] && [ "$code2" = 400 ] && [ "$(opened)" = "$o0" ] && ! grep -q whistle "$dir/orig.get" "$dir/orig.nowhy" &&
	pass "the original message by GET (403) or without a reason (400): refused, nothing opened" || fail "original: $code $code2"
code=$(curl -s -o "$dir/orig.eml" -w '%{http_code}' -b "$dir/h.jar" --data-urlencode "csrf=$hc" \
    --data-urlencode "reason=核对邮件原文" "$base/staff/case/$mailc/evidence/1")
[ "$code" = 200 ] && grep -q "^From: .*whistle@example.org" "$dir/orig.eml" &&
	jb_sql "SELECT action || ' ' || actor || ' ' || COALESCE(detail, '') FROM events e JOIN cases c ON c.id = e.case_id WHERE c.case_no = '$mailc' AND action IN ('evidence_opened', 'reveal') ORDER BY e.id" >"$dir/orig.ev" &&
	[ "$(sed -n 1p "$dir/orig.ev")" = "reveal li.h reporter identity shown: 核对邮件原文" ] &&
	sed -n 2p "$dir/orig.ev" | grep -q "^evidence_opened li.h item 1: message.eml " && [ "$(wc -l <"$dir/orig.ev")" = 2 ] &&
	pass "with a reason: the original, after a reveal recorded with the reason" ||
	fail "original with a reason: $code $(jb_sql "SELECT action, actor, detail FROM events WHERE action IN ('evidence_opened', 'reveal')")"

# no identity on any page before the reveal
for p in "/staff/queue" "/staff/queue?view=all" "/staff/queue?view=callbacks" "/staff/case/$hot" \
    "/staff/case/$mailc" "/staff/stats" "/staff/digest" "/staff/queue?q=whistle%40example.org" \
    "/staff/queue?q=13900000008"; do
	# (a search box shows back what was typed in it: not counted)
	curl -s -b "$dir/h.jar" "$base$p" | sed 's/name="q" value="[^"]*"//'
done >"$dir/pages"
leak=
for w in whistle@example.org 王五 13900000008 赵六; do grep -qF "$w" "$dir/pages" && leak="$leak $w"; done
[ -z "$leak" ] && grep -q "$mailc" "$dir/pages" && pass "no page names a reporter before the reveal" || fail "pages leak:$leak"
for p in "/staff/queue?q=whistle%40example.org" "/staff/queue?q=13900000008"; do
	curl -s -b "$dir/h.jar" "$base$p" | grep -c '/staff/case/2'
done >"$dir/found"
[ "$(tr '\n' ' ' <"$dir/found")" = "0 0 " ] &&
	pass "searching a reporter's address or number finds nothing (no oracle)" || fail "search by identity: $(cat "$dir/found")"

# the lockout: login_failures (3) wrong passwords lock the account
for i in 1 2 3; do login lock.me "wrong-password-$i" "$dir/l.jar" >/dev/null; done
code=$(login lock.me 'lock-me-password' "$dir/l.jar"); sed 's/value="[0-9a-f]*"//' "$dir/login.out" >"$dir/denied.locked"
[ "$code" = 403 ] && ! grep -qi '^Set-Cookie: jubao_staff=[0-9a-f]' "$dir/login.h" &&
	grep -q "lock.me locked after 3 failed logins" "$log" &&
	pass "after 3 wrong passwords the right one is refused (403), the lock logged" || fail "lockout: $code"
# (each form has a new token: compared without it)
code=$(login nobody.here 'wrong-password-x' "$dir/n.jar"); sed 's/value="[0-9a-f]*"//' "$dir/login.out" >"$dir/denied.unknown"
code2=$(login li.h 'wrong-password-x' "$dir/n.jar"); sed 's/value="[0-9a-f]*"//' "$dir/login.out" >"$dir/denied.wrong"
[ "$code" = "$code2" ] && cmp -s "$dir/denied.unknown" "$dir/denied.wrong" &&
	cmp -s "$dir/denied.unknown" "$dir/denied.locked" &&
	pass "an unknown name, a wrong password and a locked account: the same page ($code)" || fail "login oracle: $code $code2"
login li.h "$PW_HANDLER" "$dir/h.jar" >/dev/null

# one client: 10 logins a minute, then 429 before any password is hashed
for i in $(seq 1 10); do login nobody.here "wrong-password-$i" "$dir/f.jar" 192.0.2.77 >/dev/null; done
code=$(login li.h "$PW_HANDLER" "$dir/f.jar" 192.0.2.77); cp "$dir/login.h" "$dir/limited.h"
code2=$(login li.h "$PW_HANDLER" "$dir/g.jar" 192.0.2.78)
[ "$code" = 429 ] && grep -qi '^Retry-After: 60' "$dir/limited.h" && [ "$code2" = 303 ] &&
	pass "the 11th login in a minute from one client: 429, even with the right password; another client logs in" ||
	fail "per-client login limit: $code $code2"

# --- in Chromium ---
jb_chromium "$dir/selenium.out" tests/e2e/console_selenium.py "$base" "$hot" "$mailc" "$secs" "$shots"
n=$(ls "$shots"/*.png 2>/dev/null | wc -l)
[ "$n" -ge 12 ] && pass "$n screenshots in $shots" || fail "$n screenshots"

# the outcome feedback: the SMS gateway for the caller, smtp-sink for the mail
wait_for -t 20 sms_sent 2 && pass "the hotline case's outcome went by SIP MESSAGE" ||
	fail "SMS feedback: $(jb_sql "SELECT kind, status, last_error FROM outbox WHERE channel = 'sip'")"
# the gateway ends after its last MESSAGE; stopped if that never came
sms_sent 2 || kill "$gwpid" 2>/dev/null
wait "$gwpid"
grep -q "您举报的第 $hot 号案件已依法处置" "$dir/gw.msg" && pass "the gateway got: 案件 $hot 已依法处置" ||
	fail "gateway: $(grep -a "案件" "$dir/gw.msg" | head -3)"
wait_for -t 30 has_mail rcpt=whistle@example.org "subject~=您的举报已处理完毕" &&
	pass "the email case's outcome reached smtp-sink" || fail "no feedback mail"
f=$(find_mail rcpt=whistle@example.org "subject~=您的举报已处理完毕" | head -n 1)
[ -n "$f" ] && python3 tests/lib/mail.py show "$f" >"$dir/fb.txt"
grep -q "$mailc" "$dir/fb.txt" 2>/dev/null && ! grep -qE "li\.h|zhao\.r|wang\.admin" "$dir/fb.txt" &&
	pass "the feedback names the case and no handler" || fail "feedback mail: $(head -20 "$dir/fb.txt" 2>/dev/null)"
ledger() { jb_sql "SELECT action || ':' || actor FROM events e JOIN cases c ON c.id = e.case_id WHERE c.case_no = '$1' AND action IN ('accept', 'propose', 'approve', 'dispose') ORDER BY e.id" | tr '\n' ' '; }
[ "$(ledger "$hot")" = "accept:li.h propose:li.h approve:zhao.r dispose:li.h " ] &&
	pass "the hotline case's ledger: li.h accepted and proposed, zhao.r approved" || fail "ledger $hot: $(ledger "$hot")"
[ "$(ledger "$mailc")" = "accept:zhao.r propose:zhao.r approve:wang.admin dispose:zhao.r " ] &&
	pass "the email case's ledger: zhao.r proposed, wang.admin approved" || fail "ledger $mailc: $(ledger "$mailc")"
[ "$(jb_sql "SELECT actor || ' ' || detail FROM events e JOIN cases c ON c.id = e.case_id WHERE c.case_no = '$mailc' AND action = 'reveal' AND actor = 'wang.admin'")" = "wang.admin reporter identity shown: 核实举报人身份以便回访" ] &&
	pass "the reveal is in the ledger with its reason" || fail "reveal: $(jb_sql "SELECT actor, detail FROM events WHERE action = 'reveal'")"

# a handler cannot approve their own removal, nor a handler another's
hc=$(csrf_of "$dir/h.jar")
c3=$(jb_sql "SELECT case_no FROM cases WHERE status = 'received' LIMIT 1")
[ -z "$c3" ] && { "$JB_TOP/tests/tools/webfx" case "$conf" 1 >"$dir/fx" && c3=$(cut -d' ' -f1 "$dir/fx"); }
curl -s -o /dev/null -b "$dir/h.jar" --data "csrf=$hc&action=accept" "$base/staff/case/$c3/act"
curl -s -o /dev/null -b "$dir/h.jar" --data "csrf=$hc&action=dispose&measure=delete" "$base/staff/case/$c3/act"
code=$(curl -s -o "$dir/self" -w '%{http_code}' -b "$dir/h.jar" --data "csrf=$hc&action=approve" "$base/staff/case/$c3/act")
[ "$code" = 409 ] && grep -q "cannot approve it" "$dir/self" &&
	[ "$(jb_sql "SELECT status FROM cases WHERE case_no = '$c3'")" = accepted ] &&
	pass "li.h posting the approval of their own removal: refused (409), the case unchanged" || fail "self-approval: $code"
echo 'other-handler-pw' | jb_ctl user add he.h --role handler >/dev/null
login he.h 'other-handler-pw' "$dir/he.jar" >/dev/null
code=$(curl -s -o "$dir/other" -w '%{http_code}' -b "$dir/he.jar" --data "csrf=$(csrf_of "$dir/he.jar")&action=approve" "$base/staff/case/$c3/act")
[ "$code" = 409 ] && grep -q "reviewer or admin role" "$dir/other" &&
	pass "another handler's approval: refused (409), it takes a reviewer" || fail "handler approval: $code"
jb_ctl user disable li.h >/dev/null
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$dir/h.jar" "$base/staff/queue")
[ "$code" = 303 ] && pass "disabled: li.h's session ends at once" || fail "disabled session: $code"

jb_webd_stop
sipd_stop
# the log: no password, no reporter
leak=
for w in "$PW_HANDLER" "$PW_REVIEWER" "$PW_ADMIN" lock-me-password wrong-password whistle@example.org 王五 13900000008; do
	grep -qF -- "$w" "$log" && leak="$leak $w"
done
[ -z "$leak" ] && grep -q "li.h logged in" "$log" &&
	pass "the daemon's log names logins, never a password or a reporter" || { fail "the log leaks:$leak"; diag <"$log"; }
finish
