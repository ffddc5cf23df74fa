#!/bin/bash
# t-crash.sh - kill -9 the bridge during a recording, start it again: the
# partial recording becomes a case marked interrupted, with the audio that
# arrived before the crash.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/common.sh
. tests/lib/jubao.sh
. tests/sip/sip.sh

d=$(mktestdir kill9)
conf=$(sip_conf "$d" "sip_silence_timeout = 30s")
sox -n -r 8000 -c 1 -e u-law "$d/t1000.wav" synth 3 sine 1000 vol 0.5
sipd_start "$conf" || { fail "jubao-sipd did not start"; finish; }
scen "$d/k.xml" "" "王五" 13900000001 invite:0 answered pause:1500 key:4 \
    pause:8000 stream:"$d/t1000.wav":0 pause:20000 bye
sipp_run k "$d/k.xml"
# the tone ends about 12.5 s after the call starts; the recording goes on
ktag=$(tag_of k-1@jubao.test)
wait_for -t 20 eval 'grep -q "$ktag: category privacy" "$SIPD_LOG"'
sleep 11.5
ls "$d/rec/"*.wav.part >/dev/null 2>&1 && pass "recording on disk while the call runs" || fail "no .wav.part"
sipd_kill9
pass "jubao-sipd killed with SIGKILL during the recording"
kill "${SIPP_PID[k]}" 2>/dev/null
[ -z "$(jb_sql "SELECT count(*) FROM cases WHERE channel = 'hotline'" | grep -v '^0$')" ] &&
	pass "no case before the restart" || fail "a case before the restart?"
sipd_start "$conf" || { fail "jubao-sipd did not restart"; finish; }
wait_for -t 10 eval '[ -n "$(case_of k-1@jubao.test)" ]'
c=$(case_of k-1@jubao.test)
if [ -n "$c" ]; then pass "after the restart: case $c"; else fail "no case after the restart"; finish; fi
[ "$(show "$c" 'd["category"]')" = privacy ] && pass "category from the key before the crash" || fail "category"
show "$c" 'd["events"]' | grep -q "interrupted" && pass "case marked interrupted (event)" || fail "not marked interrupted"
case $(show "$c" 'd["subject"]') in *中断*) pass "subject says interrupted" ;; *) fail "subject" ;; esac
[ "$(jb_sql "SELECT outcome FROM calls WHERE call_id = '$(tag_of k-1@jubao.test)'")" = interrupted ] &&
	pass "call ledger: interrupted" || fail "ledger"
[ "$(show "$c" 'd["reporter"]["phone"]')" = 13900000001 ] && pass "caller kept through the crash" || fail "caller lost"
evidence_of "$c" 1 "$d/k.wav"
a=$($PY "$RTPTOOL" analyze "$d/k.wav")
$PY -c "import json,sys; a=json.loads(sys.argv[1]); sys.exit(0 if abs(a['frequency']-1000)<30 and abs(a['active']-3)<=0.25 else 1)" "$a" &&
	pass "the recovered recording holds the 3 s tone: $a" || fail "recovered recording: $a"
[ -z "$(ls "$d/rec")" ] && pass "recordings directory empty after recovery" || fail "left in rec: $(ls "$d/rec")"
grep -q "interrupted call(s) recovered" "$SIPD_LOG" && pass "recovery logged" || fail "recovery not logged"
finish
