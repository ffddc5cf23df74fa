#!/bin/bash
# t-media.sh - the hotline's SDP on re-INVITE, and a SIP loop that never
# waits for the store:
#
#   - RFC 3264 §8: a caller puts the call on hold (a=sendonly), offers the
#     same again, and resumes (a=sendrecv); each answer keeps the o=
#     session id, and its version goes up by one exactly when the bridge's
#     SDP changes (recvonly, then sendrecv again), not for the unchanged
#     offer; on hold the bridge sends no RTP;
#   - with the store's write lock held from outside (BEGIN EXCLUSIVE, about
#     5 s; store_busy_timeout 10s) a call records, hangs up and its commit
#     waits in the worker, while OPTIONS every 100 ms are all answered, none
#     slower than 300 ms; so are the re-INVITEs of a probe call every
#     250 ms, and its RTP never pauses 300 ms.  nua answers OPTIONS in its
#     own thread, whatever the loop does: the re-INVITEs (answered by
#     reinvite(), in the loop) and the RTP (the loop's 20 ms tick) are what
#     would show the loop waiting.  Once the lock is gone the call is a
#     case and its SMS acknowledgement reaches the gateway as a MESSAGE;
#   - with store_busy_timeout 1s the same lock makes the commit fail: the
#     recording is kept and tried again while the bridge runs, and becomes
#     a case (not an interrupted call) with its SMS once the lock is gone,
#     and the copies its failed attempts sealed are gone;
#   - SIGTERM two seconds into a recording: it is a case before the bridge
#     exits, and nothing waits in the recordings directory;
#   - a gateway that answers nothing: the acknowledgement is deferred after
#     half of outbox_lease, and the feedback due next without a MESSAGE.
#
# mediatest.py does the raw SIP (the dialog with re-INVITEs, the probe, the
# SMS gateway) and holds the lock; times are CLOCK_MONOTONIC.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/common.sh
. tests/lib/jubao.sh
. tests/sip/sip.sh
[ -x "$SIPD" ] || { fail "sip/jubao-sipd is not built"; finish; }
[ -f conf/prompts/zh/greeting.wav ] || { fail "prompts not built (make)"; finish; }

MT="$SIP_TOP/tests/sip/mediatest.py"
MAX_MS=300
d=$(mktestdir media)
gw=$(free_port)
# sip_menu_timeout 10s: the probe call, which presses no key, stays in the
# menu (no recording, no case) for as long as the test runs
conf=$(sip_conf "$d" "store_busy_timeout = 10s" "sip_menu_timeout = 10s" \
    "sip_silence_timeout = 6s" "sip_record_min = 1s" \
    "sip_sms_gateway = 127.0.0.1:$gw")
sox -n -r 8000 -c 1 -e u-law "$d/t1000.wav" synth 3 sine 1000 vol 0.5

# the SMS gateway: answers each MESSAGE 200, logs it with its arrival time
$PY "$MT" gateway "$gw" "$d/gw.jsonl" 2>"$d/gw.err" &
gwpid=$!
on_exit "kill $gwpid 2>/dev/null; wait $gwpid 2>/dev/null; true"

sipd_start "$conf" || { fail "jubao-sipd did not start"; finish; }
pass "jubao-sipd started"

# --- 1. SDP versions on re-INVITE (RFC 3264 §8)
$PY "$MT" sdp "$SIPD_PORT" sdp-1@jubao.test >"$d/sdp.out" 2>"$d/sdp.err"
diag <"$d/sdp.out"
# each line: STEP STATUS SESSION VERSION DIRECTION BODYHASH RTP
field() { awk -v s="$1" -v f="$2" '$1 == s { print $f }' "$d/sdp.out"; }
num() { case $1 in ""|*[!0-9]*) return 1 ;; esac; }
s0=$(field initial 3); v0=$(field initial 4)
if [ "$(field initial 2)" = 200 ] && [ "$(field initial 5)" = sendrecv ] &&
    num "$s0" && num "$v0"; then
	pass "call answered: 200 with SDP o= session $s0 version $v0, a=sendrecv"
else
	fail "call: $(grep '^initial' "$d/sdp.out")"
fi
v1=$(field hold 4)
if [ "$(field hold 2)" = 200 ] && [ "$(field hold 5)" = recvonly ]; then
	pass "hold (a=sendonly offered): 200, answer a=recvonly"
else
	fail "hold: $(grep '^hold ' "$d/sdp.out")"
fi
if num "$v0" && num "$v1" && [ "$(field hold 3)" = "$s0" ] && [ "$v1" = $((v0 + 1)) ]; then
	pass "hold: o= version $v0 -> $v1 (one more, the SDP changed), same session id"
else
	fail "hold: o= session $(field hold 3) version $v1, after session $s0 version $v0 (want version one more)"
fi
v2=$(field hold-again 4)
if [ "$(field hold-again 2)" = 200 ] && [ "$(field hold-again 5)" = recvonly ] &&
    [ "$(field hold-again 6)" = "$(field hold 6)" ]; then
	pass "the same hold offer again: 200, the same answer (a=recvonly)"
else
	fail "hold again: $(grep '^hold-again' "$d/sdp.out")"
fi
if num "$v1" && [ "$(field hold-again 3)" = "$s0" ] && [ "$v2" = "$v1" ]; then
	pass "the same hold offer again: o= version stays $v2 (unchanged SDP, unchanged version)"
else
	fail "hold again: o= session $(field hold-again 3) version $v2 (want $s0 $v1)"
fi
v3=$(field resume 4)
if [ "$(field resume 2)" = 200 ] && [ "$(field resume 5)" = sendrecv ]; then
	pass "resume (a=sendrecv offered): 200, answer a=sendrecv"
else
	fail "resume: $(grep '^resume' "$d/sdp.out")"
fi
if num "$v2" && num "$v3" && [ "$(field resume 3)" = "$s0" ] && [ "$v3" = $((v2 + 1)) ]; then
	pass "resume: o= version $v2 -> $v3 (one more), same session id"
else
	fail "resume: o= session $(field resume 3) version $v3, after $v2 (want $s0, one more)"
fi
r0=$(field initial 7); r1=$(field hold 7); r2=$(field hold-again 7); r3=$(field resume 7)
if num "$r0" && num "$r3" && [ "$r0" -gt 10 ] && [ "$r1" = 0 ] && [ "$r2" = 0 ] && [ "$r3" -gt 10 ]; then
	pass "RTP from the bridge in 0.6 s: $r0 packets, on hold none ($r1, $r2), resumed $r3"
else
	fail "RTP from the bridge in 0.6 s: $r0, on hold $r1 and $r2, resumed $r3"
fi
[ "$(field bye 2)" = 200 ] && pass "BYE: 200" || fail "BYE: $(field bye 2)"
n=$(grep -c "$(tag_of sdp-1@jubao.test): re-INVITE answered" "$SIPD_LOG")
[ "$n" = 3 ] && pass "the bridge logged 3 re-INVITEs answered" || fail "re-INVITEs answered in the log: $n"

# --- 2. the store locked from outside: signalling goes on, nothing is lost
scen "$d/call.xml" "" "" 13900000042 invite:0 answered pause:500 info:1 \
    pause:7500 stream:"$d/t1000.wav":0 pause:3300 bye
ctag=$(tag_of call-1@jubao.test)
$PY "$MT" probe "$SIPD_PORT" "$d/probe.jsonl" "$d/probe.stop" 2>"$d/probe.err" &
probepid=$!
on_exit "touch '$d/probe.stop'; kill $probepid 2>/dev/null; wait $probepid 2>/dev/null; true"
sipp_run call "$d/call.xml"
wait_for -t 10 grep -q "$ctag: key 1 (SIP INFO)" "$SIPD_LOG" ||
	fail "the call did not get its key: $(tail -n 3 "$SIPD_LOG")"
# the recording starts 6.8 s after the key (prompt and tone); the caller
# hangs up about 10.8 s after it: take the lock some 3 s before that
sleep 8
$PY "$MT" lock "$d/jubao.db" "$d/lock.ready" "$d/lock.release" 8 >"$d/lock.out" 2>"$d/lock.err" &
lockpid=$!
on_exit "touch '$d/lock.release'; kill $lockpid 2>/dev/null; wait $lockpid 2>/dev/null; true"
if wait_for -t 3 test -e "$d/lock.ready"; then
	pass "the store's write lock is held from outside (BEGIN EXCLUSIVE)"
else
	fail "could not take the store's lock: $(cat "$d/lock.err")"
fi
if wait_for -t 6 grep -q "$ctag: recording ended (hangup)" "$SIPD_LOG"; then
	pass "the call recorded and hung up while the store was locked: $(grep -o "$ctag: recording ended.*" "$SIPD_LOG" | cut -d' ' -f2-)"
else
	fail "the call did not end while the store was locked: $(grep "$ctag" "$SIPD_LOG" | tail -n 3)"
fi
# the commit waits in the worker (store_busy_timeout 10s)
sleep 2
if [ -z "$(case_of call-1@jubao.test)" ] && ! grep -q "$ctag: case " "$SIPD_LOG" &&
    [ "$(jb_sql "SELECT count(*) FROM calls WHERE call_id = '$ctag'")" = 0 ]; then
	pass "no case yet while the store is locked (the commit waits)"
else
	fail "a case or a ledger row while the store was locked: $(grep "$ctag: case" "$SIPD_LOG")"
fi
touch "$d/lock.release"
wait "$lockpid"
lock=$(cat "$d/lock.out")
diag "lock: $lock"
if sipp_wait call; then pass "the SIPp call completed"
else fail "the SIPp call failed"; diag <"$d/call.err"; fi

wait_for -t 12 eval '[ -n "$(case_of call-1@jubao.test)" ]'
c=$(case_of call-1@jubao.test)
if [ -n "$c" ]; then
	pass "once the lock is released the call is case $c ($(grep -o "$ctag: case .*" "$SIPD_LOG" | cut -d' ' -f2-))"
else
	fail "no case after the lock was released: $(grep "$ctag" "$SIPD_LOG" | tail -n 3)"
fi
[ -n "$c" ] && jb_ctl list 2>&1 | grep -q -- "$c" && pass "jubaoctl list shows case $c" ||
	fail "jubaoctl list: $(jb_ctl list 2>&1 | head -n 5)"
if [ -n "$c" ] && wait_for -t 15 grep -q -- "$c" "$d/gw.jsonl"; then
	pass "the SMS acknowledgement of case $c reached the gateway as a MESSAGE"
else
	fail "no MESSAGE with case '$c' at the gateway: $(head -c 300 "$d/gw.jsonl" 2>/dev/null); outbox: $(jb_sql "SELECT id, status, last_error FROM outbox WHERE channel = 'sip'")"
fi
wait_for -t 5 eval '[ "$(jb_sql "SELECT count(*) FROM outbox WHERE channel = '"'sip'"' AND status = '"'sent'"'")" = 1 ]' &&
	pass "the outbox row is sent" ||
	fail "outbox: $(jb_sql "SELECT id, status, last_error FROM outbox WHERE channel = 'sip'")"

# what was answered meanwhile: the OPTIONS (nua's thread), the probe call's
# re-INVITEs and its RTP (the bridge's loop)
touch "$d/probe.stop"
wait "$probepid"
res=$($PY - "$d/probe.jsonl" "$lock" "$d/gw.jsonl" <<'EOF'
import json, re, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
m = re.search(r"locked=([\d.]+) released=([\d.]+)", sys.argv[2])
lo, hi = (float(m.group(1)), float(m.group(2))) if m else (0.0, 0.0)
out = {"held": "%.2f" % (hi - lo)}
for k in ("options", "reinvite"):
    rs = [r for r in rows if r["k"] == k]
    ans = sorted(r["ms"] for r in rs if r["ms"] is not None)
    inl = [r for r in rs if lo <= r["t"] <= hi]
    inl_ans = [r["ms"] for r in inl if r["ms"] is not None]
    out.update({k + "_sent": len(rs), k + "_answered": len(ans),
                k + "_max": "%.1f" % max(ans or [-1]),
                k + "_median": "%.1f" % (ans[len(ans) // 2] if ans else -1),
                k + "_inlock": len(inl), k + "_inlock_answered": len(inl_ans),
                k + "_inlock_max": "%.1f" % max(inl_ans or [-1])})
rtp = [r["t"] for r in rows if r["k"] == "rtp"]
gaps = [(b - a) * 1000.0 for a, b in zip(rtp, rtp[1:])]
inl = [(b - a) * 1000.0 for a, b in zip(rtp, rtp[1:]) if b >= lo and a <= hi]
out.update({"rtp_packets": len(rtp), "rtp_gap_max": "%.1f" % max(gaps or [-1]),
            "rtp_inlock_packets": len(inl),
            "rtp_inlock_gap_max": "%.1f" % max(inl or [-1])})
try:
    gw = [json.loads(l)["t"] for l in open(sys.argv[3])]
except OSError:
    gw = []
out["msg_after_release"] = "%.2f" % (min(gw) - hi) if gw else "none"
print(" ".join("%s=%s" % kv for kv in out.items()))
EOF
)
diag "probe: $res"
kv() { sed -n "s/.*\<$1=\([^ ]*\).*/\1/p" <<<"$res"; }
under() { awk -v m="$1" -v l="$MAX_MS" 'BEGIN { exit !(m != "" && m >= 0 && m < l) }'; }
ge() { num "$1" && [ "$1" -ge "$2" ]; }
held=$(kv held)
if ge "$(kv options_sent)" 100 && [ "$(kv options_sent)" = "$(kv options_answered)" ] &&
    ge "$(kv options_inlock)" 30 && [ "$(kv options_inlock)" = "$(kv options_inlock_answered)" ]; then
	pass "every OPTIONS (one each 100 ms) answered: $(kv options_answered)/$(kv options_sent), $(kv options_inlock) of them while the lock was held ($held s)"
else
	fail "OPTIONS answered: $(kv options_answered)/$(kv options_sent); while the lock was held ($held s): $(kv options_inlock_answered)/$(kv options_inlock)"
fi
under "$(kv options_max)" &&
	pass "the slowest OPTIONS answer took $(kv options_max) ms (under $MAX_MS; $(kv options_inlock_max) ms while locked, median $(kv options_median) ms)" ||
	fail "the slowest OPTIONS answer took $(kv options_max) ms ($(kv options_inlock_max) ms while locked; limit $MAX_MS)"
if ge "$(kv reinvite_sent)" 30 && [ "$(kv reinvite_sent)" = "$(kv reinvite_answered)" ] &&
    ge "$(kv reinvite_inlock)" 10 && [ "$(kv reinvite_inlock)" = "$(kv reinvite_inlock_answered)" ]; then
	pass "every re-INVITE of the probe call (answered by the loop) answered: $(kv reinvite_answered)/$(kv reinvite_sent), $(kv reinvite_inlock) while locked"
else
	fail "re-INVITEs of the probe call answered: $(kv reinvite_answered)/$(kv reinvite_sent); while locked: $(kv reinvite_inlock_answered)/$(kv reinvite_inlock)"
fi
under "$(kv reinvite_max)" &&
	pass "the slowest re-INVITE answer took $(kv reinvite_max) ms (under $MAX_MS; $(kv reinvite_inlock_max) ms while locked, median $(kv reinvite_median) ms)" ||
	fail "the slowest re-INVITE answer took $(kv reinvite_max) ms ($(kv reinvite_inlock_max) ms while locked; limit $MAX_MS)"
if ge "$(kv rtp_inlock_packets)" 150 && under "$(kv rtp_gap_max)"; then
	pass "the probe call's RTP (a packet each 20 ms) never paused $MAX_MS ms: longest gap $(kv rtp_gap_max) ms ($(kv rtp_inlock_gap_max) ms while locked; $(kv rtp_packets) packets)"
else
	fail "the probe call's RTP: longest gap $(kv rtp_gap_max) ms ($(kv rtp_inlock_gap_max) ms while locked), $(kv rtp_inlock_packets) packets while locked"
fi
diag "the MESSAGE reached the gateway $(kv msg_after_release) s after the lock was released"

sipd_stop
grep -q "stopped" "$SIPD_LOG" && pass "jubao-sipd stops on SIGTERM" || fail "no clean stop"

# --- 3. a commit that fails (the lock outlasts store_busy_timeout) is kept
# and tried again while the bridge runs, not left for the next start
sed -i 's/^store_busy_timeout = .*/store_busy_timeout = 1s/' "$conf"
sipd_start "$conf" || { fail "jubao-sipd did not start again"; finish; }
scen "$d/call2.xml" "" "" 13900000043 invite:0 answered pause:500 info:1 \
    pause:7500 stream:"$d/t1000.wav":0 pause:3300 bye
ctag2=$(tag_of call2-1@jubao.test)
sipp_run call2 "$d/call2.xml"
wait_for -t 10 grep -q "$ctag2: key 1 (SIP INFO)" "$SIPD_LOG" ||
	fail "the call did not get its key: $(tail -n 3 "$SIPD_LOG")"
sleep 8
rm -f "$d/lock.ready" "$d/lock.release"
$PY "$MT" lock "$d/jubao.db" "$d/lock.ready" "$d/lock.release" 8 >"$d/lock2.out" 2>"$d/lock2.err" &
lockpid=$!
wait_for -t 3 test -e "$d/lock.ready" || fail "could not take the store's lock: $(cat "$d/lock2.err")"
if wait_for -t 8 grep -q "$ctag2: the commit failed: the recording is kept" "$SIPD_LOG"; then
	pass "a commit that outlasts store_busy_timeout (1s) fails, and the recording is kept to be tried again"
else
	fail "no failed commit kept: $(grep "$ctag2" "$SIPD_LOG" | tail -n 3)"
fi
touch "$d/lock.release"
wait "$lockpid"
sipp_wait call2 || { fail "the SIPp call failed"; diag <"$d/call2.err"; }
wait_for -t 20 eval '[ -n "$(case_of call2-1@jubao.test)" ]'
c2=$(case_of call2-1@jubao.test)
if [ -n "$c2" ] && grep -q "$ctag2: committed when tried again" "$SIPD_LOG"; then
	pass "once the lock is gone it is committed while the bridge runs: case $c2"
else
	fail "no case from the kept recording: $(grep "$ctag2" "$SIPD_LOG" | tail -n 3)"
fi
[ -n "$c2" ] && [ "$(jb_sql "SELECT outcome FROM calls WHERE call_id = '$ctag2'")" = case ] &&
    ! jb_sql "SELECT subject FROM cases WHERE case_no = '$c2'" | grep -q 通话中断 &&
	pass "the call is recorded as a case, not as an interrupted call" ||
	fail "ledger: $(jb_sql "SELECT outcome FROM calls WHERE call_id = '$ctag2'"), subject $(jb_sql "SELECT subject FROM cases WHERE case_no = '$c2'")"
[ -n "$c2" ] && wait_for -t 15 grep -q -- "$c2" "$d/gw.jsonl" &&
	pass "and its SMS acknowledgement reaches the gateway" ||
	fail "no MESSAGE with case '$c2' at the gateway"
ls "$d/rec" | grep -q . && fail "recordings left behind: $(ls "$d/rec")" ||
	pass "nothing is left in the recordings directory"
# each failed attempt sealed the recording; none of those copies may stay
out=$(jb_evidence_named "$d/evidence") &&
	pass "every sealed file in evidence_dir is a case's: the failed attempts left none" ||
	fail "$out"

# --- 4. SIGTERM while a call records: the recording is its case before
# the bridge exits (not only after the next start, as a recovered one)
sed -i 's/^sip_silence_timeout = .*/sip_silence_timeout = 30s/' "$conf"
sox -n -r 8000 -c 1 -e u-law "$d/t8.wav" synth 8 sine 1000 vol 0.5
kill -HUP "$SIPD_PID"
wait_for -t 5 grep -q "configuration reloaded" "$SIPD_LOG" || fail "sipd did not reload"
scen "$d/call3.xml" "" "" 13900000044 invite:0 answered pause:500 info:1 \
    pause:7500 stream:"$d/t8.wav":0 pause:9000 waitbye
ctag3=$(tag_of call3-1@jubao.test)
sipp_run call3 "$d/call3.xml"
wait_for -t 10 grep -q "$ctag3: key 1 (SIP INFO)" "$SIPD_LOG" ||
	fail "the call did not get its key: $(tail -n 3 "$SIPD_LOG")"
# two seconds of audio recorded (16 kB a second)
wait_for -t 20 eval 'find "$d/rec" -type f -size +32k | grep -q .' ||
	fail "nothing was recorded: $(ls -l "$d/rec")"
sipd_stop
c3=$(case_of call3-1@jubao.test)
[ -n "$c3" ] && [ "$(jb_sql "SELECT outcome FROM calls WHERE call_id = '$ctag3'")" = case ] &&
	pass "SIGTERM during the recording: it became case $c3 before the bridge exited" ||
	fail "no case after the stop: $(grep "$ctag3" "$SIPD_LOG" | tail -n 4)"
ls "$d/rec" | grep -q . && fail "recordings left for recovery: $(ls "$d/rec")" ||
	pass "and nothing waits in the recordings directory for the next start"
sipp_wait call3

# --- 5. a gateway that does not answer: one MESSAGE waits its timeout (half
# of outbox_lease here), the next ones are deferred without being sent
d5=$(mktestdir deadgw)
gw5=$(free_port)
$PY "$MT" gateway "$gw5" "$d5/gw.jsonl" silent 2>"$d5/gw.err" &
gw5pid=$!
on_exit "kill $gw5pid 2>/dev/null; wait $gw5pid 2>/dev/null; true"
conf5=$(sip_conf "$d5" "sip_silence_timeout = 6s" "sip_record_min = 1s" \
    "sip_sms_gateway = 127.0.0.1:$gw5" "outbox_lease = 10s" "outbox_interval = 1s")
sipd_start "$conf5" || { fail "jubao-sipd did not start"; finish; }
scen "$d5/call5.xml" "" "" 13900000045 invite:0 answered pause:500 info:1 \
    pause:7500 stream:"$d/t1000.wav":0 pause:3300 bye
sipp_run call5 "$d5/call5.xml"
sipp_wait call5 || fail "the call failed: $(tail -n 3 "$d5/call5.out")"
wait_for -t 20 eval '[ -n "$(case_of call5-1@jubao.test)" ]'
c5=$(case_of call5-1@jubao.test)
ack_err() { jb_sql "SELECT last_error FROM outbox WHERE channel = 'sip' AND kind = 'ack'"; }
wait_for -t 15 eval '[ -n "$(ack_err)" ]'
ack_err | grep -q "no answer from the gateway in 5s" &&
	pass "the acknowledgement to a silent gateway is deferred after 5 s" ||
	fail "ack row: $(jb_sql "SELECT status, last_error FROM outbox WHERE channel = 'sip'")"
ctl5() { "$SIP_TOP/shared/jubaoctl" -c "$conf5" --actor handler-li "$@"; }
ctl5 accept "$c5" >/dev/null && ctl5 dispose --measure delete "$c5" >/dev/null &&
    jb_approve "$conf5" "$c5" >/dev/null ||
	fail "accept and dispose $c5"
fb_err() { jb_sql "SELECT last_error FROM outbox WHERE channel = 'sip' AND kind = 'feedback'"; }
wait_for -t 10 eval '[ -n "$(fb_err)" ]'
fb_err | grep -q "did not answer a MESSAGE in the last 60s: not sent" &&
	pass "the feedback due next is deferred at once, without a MESSAGE" ||
	fail "feedback row: $(jb_sql "SELECT kind, status, attempts, last_error FROM outbox WHERE channel = 'sip'")"
n=$($PY -c 'import json,sys; print(len({json.loads(l)["call_id"] for l in open(sys.argv[1])}))' "$d5/gw.jsonl" 2>/dev/null)
[ "$n" = 1 ] && pass "the silent gateway got one MESSAGE (and its retransmissions), not two" ||
	fail "the silent gateway got $n MESSAGEs"
sipd_stop
finish
