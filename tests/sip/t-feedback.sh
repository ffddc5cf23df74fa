#!/bin/bash
# t-feedback.sh - a hotline case's whole life: a real SIPp call makes the
# case, the caller's acknowledgement goes by SIP MESSAGE to a SIPp SMS
# gateway, a handler accepts and disposes of it, and the outcome feedback
# reaches the same gateway as a second MESSAGE.  Without a gateway the
# feedback waits for a call-back by staff.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/common.sh
. tests/lib/jubao.sh
. tests/sip/sip.sh
[ -x "$SIPD" ] || { fail "sip/jubao-sipd is not built"; finish; }

d=$(mktestdir feedback)
gw=$(free_port)
conf=$(sip_conf "$d" "sip_menu_timeout = 3s" "sip_silence_timeout = 6s" \
    "sip_record_min = 1s" "sip_sms_gateway = 127.0.0.1:$gw")
sms_gateway_start "$d" "$gw" 2
gwpid=$GW_PID
sox -n -r 8000 -c 1 -e u-law "$d/t1000.wav" synth 3 sine 1000 vol 0.5
sipd_start "$conf" || { fail "jubao-sipd did not start"; finish; }

scen "$d/c.xml" "" "赵六" 13900000006 invite:0 answered pause:1500 key:1 \
    pause:8000 stream:"$d/t1000.wav":0 pause:3500 key:pound pause:9000 bye
sipp_run fb "$d/c.xml"
sipp_wait fb && pass "the call completes" || fail "call: $(tail -3 "$d/fb.out")"
wait_for -t 20 eval '[ -n "$(case_of fb-1@jubao.test)" ]'
c=$(case_of fb-1@jubao.test)
[ -n "$c" ] && pass "the call made case $c" || { fail "no case"; finish; }
sms_sent() { [ "$(jb_sql "SELECT count(*) FROM outbox WHERE channel = 'sip' AND status = 'sent'")" -ge "$1" ]; }
wait_for -t 20 sms_sent 1 && pass "the acknowledgement went by SMS" || fail "no SMS acknowledgement"

ctl() { "$SIP_TOP/shared/jubaoctl" -c "$conf" --actor handler-wang "$@"; }
[ "$(ctl accept "$c")" = "$c: accepted" ] && pass "accept the hotline case" || fail "accept"
[ "$(ctl dispose --measure delete --measure close "$c")" = "$c: proposed, awaits a reviewer's approval" ] &&
    [ "$(jb_approve "$conf" "$c")" = "$c: feedback_sent" ] &&
	pass "dispose, approved by a reviewer: the feedback is queued" || fail "dispose"
[ "$(jb_sql "SELECT o.channel || ' ' || (o.recipient_idx IS NOT NULL) FROM outbox o JOIN cases c ON c.id = o.case_id WHERE c.case_no = '$c' AND o.kind = 'feedback'")" = "sip 1" ] &&
	pass "on the caller's channel (sip), to the caller's number" || fail "feedback row: $(jb_sql "SELECT kind, channel, status FROM outbox")"
wait_for -t 20 sms_sent 2 && pass "the outcome feedback went by SIP MESSAGE" ||
	fail "feedback not sent: $(jb_sql "SELECT kind, status, last_error FROM outbox WHERE channel = 'sip'")"
# the gateway ends after its last MESSAGE; stopped if that never came
sms_sent 2 || kill "$gwpid" 2>/dev/null
wait "$gwpid"
grep -q "您举报的第 $c 号案件已依法处置" "$d/gw.msg" && pass "the gateway got the outcome: 案件 $c 已依法处置" ||
	fail "gateway messages: $(grep -a "案件" "$d/gw.msg" | head -3)"
grep -q "To: <sip:13900000006@127.0.0.1:$gw>" "$d/gw.msg" && pass "addressed to the caller's number at the gateway" ||
	fail "To: $(grep -a '^To:' "$d/gw.msg" | head -3)"
! grep -q "handler-wang" "$d/gw.msg" && pass "the feedback names no handler" || fail "handler named"
sipd_stop

# without a gateway: the feedback waits for a call-back by staff
d2=$(mktestdir nogw)
conf2=$(sip_conf "$d2" "sip_menu_timeout = 3s" "sip_silence_timeout = 6s" "sip_record_min = 1s")
sipd_start "$conf2" || { fail "jubao-sipd did not start"; finish; }
scen "$d2/c.xml" "" "" 13900000007 invite:0 answered pause:1500 key:9 \
    pause:8000 stream:"$d/t1000.wav":0 pause:3500 key:pound pause:9000 bye
sipp_run cb "$d2/c.xml"
sipp_wait cb || fail "call 2"
wait_for -t 20 eval '[ -n "$(case_of cb-1@jubao.test)" ]'
c2=$(case_of cb-1@jubao.test)
"$SIP_TOP/shared/jubaoctl" -c "$conf2" reject --reason "不属于本站管辖" "$c2" >/dev/null
[ "$(jb_sql "SELECT channel || ' ' || status FROM outbox WHERE kind = 'feedback'")" = "callback callback" ] &&
	pass "no gateway: the feedback is listed for a call-back" || fail "callback row: $(jb_sql "SELECT channel, status FROM outbox")"
"$SIP_TOP/shared/jubaoctl" -c "$conf2" --json show "$c2" | grep -q '"status": "callback"' &&
	pass "show lists the call-back" || fail "show"
sipd_stop
# what every step above changed is in the statistics' rollup as a scan of
# every case sees it (store_rollup.c)
JB_CONF=$conf
out=$(jb_stats_same "@$(($(date +%s) - 30 * 86400))" "@$(($(date +%s) + 86400))") &&
	pass "the statistics' rollup gives what a scan of every case gives" ||
	fail "rollup and scan differ: $out"
finish
