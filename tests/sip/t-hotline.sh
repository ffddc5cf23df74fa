#!/bin/bash
# t-hotline.sh - real SIPp calls to jubao-sipd, all at once against one bridge:
# RFC 4733 and SIP INFO keys, PCMU and PCMA, a reordered and lossy pcap, a
# hang-up during the recording and one after 1 s, no key (default category),
# 404, 488, REFER and an unknown method refused, what the caller hears (the
# prompts sent back, captured on lo, in order, with the case number and PIN),
# the staff mail (smtp-sink) with the recording attached, and the SMS
# acknowledgement as a SIP MESSAGE to a SIPp gateway.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/common.sh
. tests/lib/jubao.sh
. tests/lib/postfix.sh
. tests/sip/sip.sh
[ -x "$SIPD" ] || { fail "sip/jubao-sipd is not built"; finish; }
[ -f conf/prompts/zh/greeting.wav ] || { fail "prompts not built (make)"; finish; }

d=$(mktestdir hotline)
smtp=$(free_port)
sink_start "$d/mail" "$smtp" || { fail "smtp-sink"; finish; }
gw=$(free_port)
conf=$(sip_conf "$d" "sip_menu_timeout = 3s" "sip_silence_timeout = 6s" \
    "sip_record_min = 1s" "sip_trusted_peers = 127.0.0.1" \
    "sip_staff_mailbox = hotline-staff@example.cn" "smtp_relay = 127.0.0.1:$smtp" \
    "sip_sms_gateway = 127.0.0.1:$gw")

# the SMS gateway: a SIPp UAS taking one MESSAGE
sms_gateway_start "$d" "$gw" 1
gwpid=$GW_PID

# known audio: tones of distinct frequencies, 3 s (2.5 s for the no-key call)
sox -n -r 8000 -c 1 -e u-law "$d/t1000.wav" synth 3 sine 1000 vol 0.5
sox -n -r 8000 -c 1 -e u-law "$d/t600.wav" synth 3 sine 600 vol 0.5
sox -n -r 8000 -c 1 -e a-law "$d/t1500.wav" synth 3 sine 1500 vol 0.5
sox -n -r 8000 -c 1 -e u-law "$d/t400.wav" synth 3 sine 400 vol 0.5
sox -n -r 8000 -c 1 -e u-law "$d/t700.wav" synth 2.5 sine 700 vol 0.5
sox -n -r 8000 -c 1 -e u-law "$d/t1200.wav" synth 2 sine 1200 vol 0.5
sox -n -r 8000 -c 1 -b 16 -e signed-integer "$d/t800.wav" synth 3 sine 800 vol 0.5
$PY "$RTPTOOL" mkpcap "$d/t800.wav" "$d/lossy.pcap" ulaw reorder loss ||
	fail "cannot build the reordered pcap"

sipd_start "$conf" || { fail "jubao-sipd did not start"; finish; }
pass "jubao-sipd started"

# capture what the bridge sends (its RTP port range) while the calls run
rtpmin=$(sed -n 's/^sip_rtp_port_min = //p' "$conf")
$PY "$RTPTOOL" sniff "$d/sent.jsonl" "$rtpmin" $((rtpmin + 98)) &
sniffpid=$!
on_exit "kill $sniffpid 2>/dev/null; true"
sleep 0.5

# the greeting plays 8.4 s; keys barge in.  After a key: "speak after the
# tone" (6.4 s) and the tone (0.4 s), then the recording.
PAI='P-Asserted-Identity: "Verified Caller" <sip:+8613800000001@pbx.example>'
scen "$d/pcmu.xml" "" "张三" 13900000001 "invite:0:$PAI" answered pause:1500 key:1 \
    pause:8000 stream:"$d/t1000.wav":0 pause:3300 key:pound pause:1000 bye
scen "$d/info.xml" "" "李四" 13900000002 invite:0 answered pause:1500 info:4 \
    pause:8000 stream:"$d/t600.wav":0 pause:3300 infod:# pause:1000 bye
scen "$d/pcma.xml" "" "" 13900000003 invite:8 answered pause:1500 key:2 \
    pause:8000 stream:"$d/t1500.wav":8 pause:3300 key:pound pause:1000 bye
scen "$d/lossy.xml" "" "" 13900000004 invite:0 answered pause:1500 key:9 \
    pause:8000 pcap:"$d/lossy.pcap" pause:3300 key:pound pause:1000 bye
scen "$d/hangrec.xml" "" "" 13900000005 invite:0 answered pause:1500 key:1 \
    pause:8000 stream:"$d/t400.wav":0 pause:3200 bye
scen "$d/hang1s.xml" "" "" 13900000006 invite:0 answered pause:300 \
    method:REFER method:FOO pause:500 bye
# no key: greeting 8.4 s, menu 16.2 s (it names the query key), the
# sip_menu_timeout of 3 s, "speak after the tone" 6.4 s, the tone 0.4 s
scen "$d/nokey.xml" "" "" 13900000007 invite:0 answered pause:36000 \
    stream:"$d/t700.wav":0 pause:3000 bye
scen "$d/heard.xml" "" "" 13900000008 invite:0 answered pause:1500 key:1 \
    pause:8000 stream:"$d/t1200.wav":0 pause:2300 key:pound waitbye
scen "$d/garbage.xml" "" "" 13900000012 invite:0 answered pause:1500 key:2 \
    pause:8000 stream:"$d/t1000.wav":0 pause:3300 infod:x pause:200 key:pound pause:500 bye
scen "$d/unknown.xml" "" "" 13900000009 invite:0 expect:404
scen "$d/badsdp.xml" "" "" 13900000010 badsdp expect:488
scen "$d/g729.xml" "" "" 13900000011 badsdp:g729 expect:488

start=$(date +%s)
for n in pcmu info pcma lossy hangrec hang1s nokey heard badsdp g729 garbage; do
	sipp_run $n "$d/$n.xml"
done
sipp_run unknown "$d/unknown.xml" 99999
# garbage on the RTP port of a call, during the prompt and the recording
wait_for -t 10 eval '[ -n "$(rtp_port_of garbage-1@jubao.test)" ]'
gport=$(rtp_port_of garbage-1@jubao.test)
sleep 4; $PY "$RTPTOOL" garbage "$gport"
sleep 7; $PY "$RTPTOOL" garbage "$gport"
for n in pcmu info pcma lossy hangrec hang1s nokey heard unknown badsdp g729 garbage; do
	if sipp_wait $n; then pass "call $n: SIPp scenario completed"
	else fail "call $n: SIPp failed"; diag <"$d/$n.err"; fi
done
diag "calls took $(( $(date +%s) - start )) s"
sleep 1
kill "$sniffpid" 2>/dev/null
wait "$sniffpid" 2>/dev/null

# check_call NAME CATEGORY FREQ SECONDS [NUMBER NAME]: the case of a call
check_call() {
	local n=$1 cat=$2 freq=$3 secs=$4 num=$5 who=$6 c sha f a
	c=$(case_of "$n-1@jubao.test")
	if [ -z "$c" ]; then fail "$n: no case"; return; fi
	pass "$n: case $c"
	[ "$(show "$c" 'd["channel"]')" = hotline ] && pass "$n: channel hotline" ||
		fail "$n: channel $(show "$c" 'd["channel"]')"
	[ "$(show "$c" 'd["category"]')" = "$cat" ] && pass "$n: category $cat" ||
		fail "$n: category $(show "$c" 'd["category"]'), not $cat"
	if [ -n "$num" ]; then
		[ "$(show "$c" 'd["reporter"]["phone"]')" = "$num" ] && pass "$n: caller number" ||
			fail "$n: caller number $(show "$c" 'd["reporter"]["phone"]')"
	fi
	if [ -n "$who" ]; then
		[ "$(show "$c" 'd["reporter"]["name"]')" = "$who" ] && pass "$n: caller name" ||
			fail "$n: caller name $(show "$c" 'd["reporter"]["name"]')"
	fi
	sha=$(show "$c" 'd["evidence"][0]["sha256"]')
	f="$d/$n.wav"
	if ! evidence_of "$c" 1 "$f" || [ "$(sha256sum <"$f" | cut -c1-64)" != "$sha" ]; then
		fail "$n: recording missing or its SHA-256 differs"; return
	fi
	[ "$(show "$c" 'd["evidence"][0]["type"]')" = audio/wav ] && pass "$n: recording is evidence (audio/wav, SHA-256 matches)" ||
		fail "$n: evidence type"
	a=$($PY "$RTPTOOL" analyze "$f")
	$PY - "$a" "$freq" "$secs" <<'EOF' && pass "$n: recording holds the tone sent ($freq Hz, $secs s): $a" || fail "$n: recording is not what was sent: $a"
import json, sys
a = json.loads(sys.argv[1]); f = float(sys.argv[2]); s = float(sys.argv[3])
ok = abs(a["frequency"] - f) < 0.03 * f and abs(a["duration"] - s) <= 0.25 \
    and a["active"] >= s - 0.5
sys.exit(0 if ok else 1)
EOF
}

check_call pcmu cyberviolence 1000 3.0 +8613800000001 "Verified Caller"
check_call info privacy 600 3.0 13900000002 "李四"
check_call pcma minors 1500 3.0 13900000003
check_call lossy other 800 3.0
check_call hangrec cyberviolence 400 3.0
check_call nokey other 700 2.5
check_call garbage minors 1000 3.0
for want in "not an RTP packet" "longer than the packet" "telephone-event payload of 1 bytes" \
    "payload type 33 not negotiated" "INFO (application/dtmf) carries no key"; do
	grep -q "$(tag_of garbage-1@jubao.test): .*$want" "$SIPD_LOG" && pass "garbage: logged: $want" ||
		fail "garbage: not logged: $want"
done

# keys, duration, end reasons
c=$(case_of pcmu-1@jubao.test)
text=$(show "$c" 'd["text"]')
case $text in *"按键：1#"*) pass "pcmu: keys 1# recorded" ;; *) fail "pcmu: keys: $text" ;; esac
dur=$(echo "$text" | sed -n 's/^时长：\([0-9]*\) 秒/\1/p')
[ -n "$dur" ] && [ "$dur" -ge 12 ] && [ "$dur" -le 15 ] && pass "pcmu: duration $dur s (12..15 expected)" ||
	fail "pcmu: duration '$dur'"
show "$c" 'd["events"]' | grep -q "P-Asserted-Identity of a trusted peer" &&
	pass "pcmu: the trust of the caller's identity is stored" || fail "pcmu: no identity note"
[ "$(show "$c" 'd["priority"]')" = 1 ] && show "$c" 'd["deadline"]' | grep -q T &&
	pass "pcmu: priority and deadline of the category" || fail "pcmu: priority/deadline"
c=$(case_of info-1@jubao.test)
case $(show "$c" 'd["text"]') in *"按键：4#"*) pass "info: SIP INFO keys 4# (dtmf-relay, dtmf)" ;;
*) fail "info: keys: $(show "$c" 'd["text"]')" ;; esac
c=$(case_of hangrec-1@jubao.test)
case $(show "$c" 'd["text"]') in *"结束原因：hangup"*) pass "hangrec: hang-up during the recording kept the case" ;;
*) fail "hangrec: $(show "$c" 'd["text"]')" ;; esac
grep -q "$(tag_of lossy-1@jubao.test): recording ended (pound) after 30[0-9][0-9] ms" "$SIPD_LOG" &&
	pass "lossy: reordered and lost packets placed by timestamp (3 s kept)" ||
	fail "lossy: $(grep "$(tag_of lossy-1@jubao.test): recording ended" "$SIPD_LOG")"

# no case, but the call ledger
[ -z "$(case_of hang1s-1@jubao.test)" ] && pass "hang1s: no case" || fail "hang1s: a case was made"
[ "$(jb_sql "SELECT outcome FROM calls WHERE call_id = '$(tag_of hang1s-1@jubao.test)'")" = abandoned ] &&
	pass "hang1s: the call ledger says abandoned" || fail "hang1s: ledger: $(jb_sql "SELECT * FROM calls WHERE call_id = '$(tag_of hang1s-1@jubao.test)'")"
n=$(jb_sql "SELECT count(*) FROM cases")
[ "$n" = 8 ] && pass "8 cases, no more (refused and abandoned calls make none)" || fail "$n cases"
grep -q "$(tag_of unknown-1@jubao.test): INVITE for a user that is not a hotline number: 404" "$SIPD_LOG" &&
	pass "unknown user: 404, logged" || fail "unknown user: not logged"
grep -q "$(tag_of badsdp-1@jubao.test): offer refused (malformed SDP): 488" "$SIPD_LOG" &&
	pass "malformed SDP: 488, logged" || fail "malformed SDP: not logged"
grep -q "$(tag_of g729-1@jubao.test): offer refused (no PCMU or PCMA offered): 488" "$SIPD_LOG" &&
	pass "no PCMU/PCMA: 488, logged" || fail "G.729 only: not logged"
! grep -q "13900000\|张三\|李四\|Verified Caller" "$SIPD_LOG" &&
	pass "the log names no caller" || fail "caller identity in the log"

# what the caller heard: the prompts, in order, then the case number and PIN
c=$(case_of heard-1@jubao.test)
port=$(rtp_port_of heard-1@jubao.test)
settled "$d/sent.jsonl"
$PY "$RTPTOOL" heard "$d/sent.jsonl" "$port" conf/prompts/zh ulaw >"$d/heard.txt"
# the store keeps only the PIN's keyed hash: what the caller heard must be
# the PIN that hash is of (tests/tools/jbkey.py computes it apart)
pin=$(sed -n '/^pin$/,/^repeat$/p' "$d/heard.txt" | sed -n 's/^digit//p' | tr -d '\n')
[ ${#pin} = 6 ] && [ "$($PY tests/tools/jbkey.py "$d/jubao.key" pin "$c" "$pin")" = \
    "$(jb_sql "SELECT pin_hash FROM cases WHERE case_no = '$c'")" ] &&
	[ "$(jb_sql "SELECT pin FROM cases WHERE case_no = '$c'")" = "" ] &&
	pass "the PIN the caller heard is the one whose keyed hash the store keeps (not the PIN)" ||
	fail "PIN heard '$pin' for case $c"
{
	echo "greeting~"; echo record; echo beep; echo caseno
	echo "$c" | sed 's/./digit&\n/g' | sed '/^$/d'
	echo pin
	echo "$pin" | sed 's/./digit&\n/g' | sed '/^$/d'
	echo repeat; echo goodbye
} >"$d/heard.expect"
if [ -n "$c" ] && diff "$d/heard.expect" "$d/heard.txt" >"$d/heard.diff"; then
	pass "heard: greeting (cut by the key), record prompt, tone, case $c and PIN digit by digit, goodbye"
else
	fail "heard: the prompts sent differ from the expected"; diag <"$d/heard.diff"
fi

# staff mail: with the recording attached; the SMS acknowledgement
wait_for -t 15 eval '[ "$(ls "$d/mail" | grep -c .)" -ge 8 ]'
c=$(case_of pcmu-1@jubao.test)
m=$(grep -l "X-Jubao-Case: $c" "$d"/mail/* 2>/dev/null | head -n 1)
if [ -n "$m" ]; then
	pass "staff notice mailed for case $c"
	$PY - "$m" "$(show "$c" 'd["evidence"][0]["sha256"]')" <<'EOF' && pass "staff notice has the recording attached (audio/wav, same SHA-256), no caller number" || fail "staff notice attachment"
import email, hashlib, sys
raw = open(sys.argv[1], "rb").read()
msg = email.message_from_bytes(raw)
parts = [p for p in msg.walk() if p.get_content_type() == "audio/wav"]
ok = parts and hashlib.sha256(parts[0].get_payload(decode=True)).hexdigest() == sys.argv[2]
ok = ok and b"13900000001" not in raw and b"8613800000001" not in raw
sys.exit(0 if ok else 1)
EOF
else
	fail "no staff notice for case $c in $d/mail"
fi
wait_for -t 15 eval '[ "$(jb_sql "SELECT count(*) FROM outbox WHERE channel = '"'sip'"' AND status = '"'sent'"'")" -ge 1 ]'
sent=$(jb_sql "SELECT count(*) FROM outbox WHERE channel = 'sip' AND status = 'sent'")
[ "$sent" -ge 1 ] && pass "SMS acknowledgement sent as SIP MESSAGE ($sent)" || fail "no SIP MESSAGE sent: $(jb_sql "SELECT id, status, last_error FROM outbox WHERE channel = 'sip'")"
grep -q "案件编号" "$d/gw.msg" 2>/dev/null && pass "the gateway got the case number by MESSAGE" ||
	fail "gateway message: $(head -c 300 "$d/gw.msg" 2>/dev/null)"

sipd_stop
grep -q "stopped" "$SIPD_LOG" && pass "jubao-sipd stops on SIGTERM" || fail "no clean stop"
finish
