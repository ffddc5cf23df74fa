#!/bin/bash
# t-limit.sh - more calls than sip_max_calls: the extra one gets 486 and the
# admitted ones complete unharmed (category, recording); an INVITE over the
# per-address rate (sip_invite_rate) gets 503 with Retry-After; a known
# scanner's INVITE gets 403.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/common.sh
. tests/lib/jubao.sh
. tests/sip/sip.sh

d=$(mktestdir limit)
conf=$(sip_conf "$d" "sip_max_calls = 2" "sip_invite_rate = 3" "sip_silence_timeout = 6s")
sed -i '/^sip_invite_rate = 0$/d' "$conf"
sox -n -r 8000 -c 1 -e u-law "$d/t1000.wav" synth 3 sine 1000 vol 0.5
sox -n -r 8000 -c 1 -e u-law "$d/t500.wav" synth 3 sine 500 vol 0.5
sipd_start "$conf" || { fail "jubao-sipd did not start"; finish; }
scen "$d/a.xml" "" "" 13900000001 invite:0 answered pause:1500 key:1 \
    pause:8000 stream:"$d/t1000.wav":0 pause:3300 key:pound pause:500 bye
scen "$d/b.xml" "" "" 13900000002 invite:0 answered pause:1500 key:2 \
    pause:8000 stream:"$d/t500.wav":0 pause:3300 key:pound pause:500 bye
scen "$d/c.xml" "" "" 13900000003 invite:0 expect:486
scen "$d/r.xml" "" "" 13900000004 invite:0 expect:503
sipp_run a "$d/a.xml"
sipp_run b "$d/b.xml"
sleep 2
sipp_run c "$d/c.xml"
sipp_wait c && pass "third call refused with 486 Busy Here (sip_max_calls 2)" || fail "third call not refused with 486"
sipp_run r "$d/r.xml"
sipp_wait r && pass "fourth INVITE within the minute refused with 503 (sip_invite_rate 3)" || fail "no 503 for the rate"
grep -q "$(tag_of r-1@jubao.test): INVITE rate of its source address exceeded" "$SIPD_LOG" &&
	! grep "INVITE rate" "$SIPD_LOG" | grep -q "127\.0\.0\.1" &&
	pass "rate refusal logged, without the caller's address" || fail "rate refusal not logged"
# a SIP scanner gets 403 (checked before the call limit: no call is made)
scen "$d/s.xml" "" "" 13900000005 "invite:0:User-Agent: friendly-scanner" expect:403
sipp_run s "$d/s.xml"
sipp_wait s && pass "an INVITE from friendly-scanner gets 403" || fail "scanner not refused with 403"
grep -q "$(tag_of s-1@jubao.test): INVITE from a scanner (User-Agent matches 'friendly-scanner'): 403" "$SIPD_LOG" &&
	pass "scanner refusal logged" || fail "scanner refusal not logged"
sipp_wait a && pass "admitted call a completed" || fail "call a failed"
sipp_wait b && pass "admitted call b completed" || fail "call b failed"
sleep 1
for x in "a cyberviolence 1000" "b minors 500"; do
	set -- $x
	c=$(case_of "$1-1@jubao.test")
	[ -n "$c" ] || { fail "call $1: no case"; continue; }
	[ "$(show "$c" 'd["category"]')" = "$2" ] && pass "call $1: category $2" || fail "call $1: category"
	evidence_of "$c" 1 "$d/$1.wav"
	a=$($PY "$RTPTOOL" analyze "$d/$1.wav")
	$PY -c "import json,sys; a=json.loads(sys.argv[1]); sys.exit(0 if abs(a['frequency']-$3)<0.03*$3 and abs(a['duration']-3)<=0.25 else 1)" "$a" &&
		pass "call $1: recording intact ($3 Hz, 3 s)" || fail "call $1: recording $a"
done
n=$(jb_sql "SELECT count(*) FROM cases")
[ "$n" = 2 ] && pass "2 cases" || fail "$n cases"
finish
