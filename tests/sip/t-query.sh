#!/bin/bash
# t-query.sh - the hotline's status-query key (issue 12), with real SIPp calls
# to jubao-sipd: a call makes a case (its PIN taken from what the caller
# heard); then, against the same bridge, the query key with the case number
# and PIN by RFC 4733 and by SIP INFO ('*' clears an entry), a wrong PIN
# three times (asked again twice, then goodbye and BYE), a caller over
# lookup_source_failures (too many), and after jubaoctl disposes of the case
# its outcome and the day it was decided.  What the caller hears is checked
# prompt by prompt, digit by digit (the RTP sent, captured on lo); no query
# makes a case or keeps a recording; each is a "query" row of the call
# ledger without the digits keyed, and a "lookup" event on the case that
# names no caller.  Finally a bridge with sip_query_key = * plays the menu
# that says so, and -n refuses a category on the query key.  Dates heard
# are computed from the case's own deadline and outcome_at (jubaoctl show
# --json, local time as the bridge speaks them), never from the clock.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/common.sh
. tests/lib/jubao.sh
. tests/sip/sip.sh
[ -x "$SIPD" ] || { fail "sip/jubao-sipd is not built"; finish; }
[ -f conf/prompts/zh/q_caseno.wav ] || { fail "prompts not built (make)"; finish; }
set -f	# scenario steps such as info:* are words, not patterns

d=$(mktestdir query)
conf=$(sip_conf "$d" "sip_menu_timeout = 3s" "sip_silence_timeout = 6s" \
    "sip_record_min = 1s" "lookup_source_failures = 3" "lookup_case_failures = 20")
sox -n -r 8000 -c 1 -e u-law "$d/t1000.wav" synth 3 sine 1000 vol 0.5

sipd_start "$conf" || { fail "jubao-sipd did not start"; finish; }
pass "jubao-sipd started"
rtpmin=$(sed -n 's/^sip_rtp_port_min = //p' "$conf")
$PY "$RTPTOOL" sniff "$d/sent.jsonl" "$rtpmin" $((rtpmin + 98)) &
sniffpid=$!
on_exit "kill $sniffpid 2>/dev/null; true"
sleep 0.5

# keys MODE DIGITS: scenario steps keying DIGITS (MODE key: RFC 4733, info:
# SIP INFO).  The SIPp digit pcaps carry one RTP timestamp each, and the
# bridge counts a repeated event (same SSRC, timestamp, key) within 2 s
# once: the same key twice in a row waits 2.1 s.
keys() {
	local mode=$1 s=$2 k prev= i
	for ((i = 0; i < ${#s}; i++)); do
		k=${s:i:1}
		[ "$mode" = key ] && [ "$k" = "$prev" ] && printf 'pause:2100 '
		case $k in '#') k=pound ;; '*') k=star ;; esac
		[ "$mode" = info ] && case $k in pound) k='#' ;; star) k='*' ;; esac
		printf '%s:%s pause:300 ' "$mode" "$k"
		prev=${s:i:1}
	done
}

# heard_of NAME: the prompts the bridge sent in call NAME, one a line
heard_of() {
	settled "$d/sent.jsonl"
	$PY "$RTPTOOL" heard "$d/sent.jsonl" "$(rtp_port_of "$1-1@jubao.test")" conf/prompts/zh ulaw
}

# digits N: digit prompts of the number N, one a line
digits() { echo "$1" | sed 's/./digit&\n/g' | sed '/^$/d'; }

# say_date RFC3339: the prompts of 「X月X日」 for a local time jubaoctl printed
# (the bridge's local time: the same TZ), numbers as Chinese numerals
say_num() {
	local n=$((10#$1))
	[ $((n / 10)) -gt 1 ] && echo "digit$((n / 10))"
	[ $((n / 10)) -gt 0 ] && echo ten
	[ $((n % 10)) -gt 0 ] && echo "digit$((n % 10))"
	return 0
}
say_date() {
	local m=${1:5:2} day=${1:8:2}
	say_num "$m"; echo month; say_num "$day"; echo day
}

# expect_heard NAME FILE WHAT: what call NAME heard is FILE
expect_heard() {
	heard_of "$1" >"$d/$1.heard"
	if diff "$2" "$d/$1.heard" >"$d/$1.diff"; then pass "$1: heard $3"
	else fail "$1: heard differs from the expected ($3)"; diag <"$d/$1.diff"; fi
}

# --- a case, made by a call; its PIN is what the caller heard ---
scen "$d/make.xml" "" "" 13900000001 invite:0 answered pause:1500 key:1 \
    pause:8000 stream:"$d/t1000.wav":0 pause:3300 key:pound waitbye
sipp_run make "$d/make.xml"
sipp_wait make && pass "make: the call that records completes" || fail "make: $(tail -3 "$d/make.out")"
wait_for -t 20 eval '[ -n "$(case_of make-1@jubao.test)" ]'
c=$(case_of make-1@jubao.test)
[ -n "$c" ] || { fail "make: no case"; finish; }
sleep 0.5
heard_of make >"$d/make.heard"
pin=$(sed -n '/^pin$/,/^repeat$/p' "$d/make.heard" | sed -n 's/^digit//p' | tr -d '\n')
[ ${#pin} = 6 ] && [ "$($PY tests/tools/jbkey.py "$d/jubao.key" pin "$c" "$pin")" = \
    "$(jb_sql "SELECT pin_hash FROM cases WHERE case_no = '$c'")" ] &&
	pass "make: case $c, the PIN heard is the case's" || { fail "make: PIN heard '$pin'"; finish; }
wrong=$(echo "$pin" | tr 0123456789 1234567890)
ncases() { jb_ctl --json list --limit 0 | $PY -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
nev() { find "$d/evidence" -type f | wc -l; }
cases0=$(ncases)
ev0=$(nev)
deadline=$(show "$c" 'd["deadline"]')
status=$(show "$c" 'd["status"]')
[ "$status" = received ] && [ -n "$deadline" ] && [ "$deadline" != None ] &&
	pass "the case is received, its deadline $deadline" || fail "status $status, deadline $deadline"

# --- the query: by RFC 4733, by SIP INFO ('*' first), a wrong PIN thrice ---
# the query key cuts the greeting; q_caseno plays 5.3 s, q_pin 4.9 s, a
# wrong answer and the question again 9.9 s
scen "$d/q2833.xml" "" "" 13900000021 invite:0 answered pause:1500 key:0 pause:6000 \
    $(keys key "$c#") pause:5500 $(keys key "$pin#") waitbye
scen "$d/qinfo.xml" "" "" 13900000022 invite:0 answered pause:1500 info:0 pause:6000 \
    $(keys info "9*") pause:6000 $(keys info "$c#") pause:5500 $(keys info "$pin#") waitbye
round="$(keys key "$c#") pause:5500 $(keys key "$wrong#")"
scen "$d/qwrong.xml" "" "" 13900000023 invite:0 answered pause:1500 key:0 pause:6000 \
    $round pause:10500 $round pause:10500 $round waitbye
for n in q2833 qinfo qwrong; do sipp_run $n "$d/$n.xml"; done
for n in q2833 qinfo qwrong; do
	if sipp_wait $n; then pass "$n: SIPp scenario completed (the bridge hung up)"
	else fail "$n: SIPp failed"; diag <"$d/$n.err"; fi
done
sleep 0.5

{
	echo "greeting~"; echo q_caseno; echo q_pin; echo q_number; digits "$c"
	echo st_received; echo q_deadline; say_date "$deadline"; echo q_hint; echo q_bye
} >"$d/open.expect"
expect_heard q2833 "$d/open.expect" "(RFC 4733) case $c digit by digit, received, deadline $(say_date "$deadline" | tr '\n' ' ')"
sed '2a q_caseno' "$d/open.expect" >"$d/qinfo.expect"
expect_heard qinfo "$d/qinfo.expect" "(SIP INFO) the same, '*' asking again for the case number"
{
	echo "greeting~"
	for i in 1 2 3; do echo q_caseno; echo q_pin; echo q_denied; done
	echo q_bye
} >"$d/qwrong.expect"
expect_heard qwrong "$d/qwrong.expect" "a wrong PIN: asked again twice, then goodbye"

# --- disposed: its outcome; and a caller over lookup_source_failures ---
ctl() { jb_ctl --actor handler-li "$@"; }
[ "$(ctl accept "$c")" = "$c: accepted" ] && pass "accept $c" || fail "accept"
ctl dispose --measure delete --explain '涉事信息已删除' "$c" >/dev/null
out=$(jb_approve "$JB_CONF" "$c")
case $out in "$c: disposed"|"$c: feedback_sent") pass "dispose $c: $out" ;; *) fail "dispose: $out" ;; esac
decided=$(show "$c" 'd["outcome_at"]')
scen "$d/qdone.xml" "" "" 13900000024 invite:0 answered pause:1500 key:0 pause:6000 \
    $(keys key "$c#") pause:5500 $(keys key "$pin#") waitbye
scen "$d/qlimit.xml" "" "" 13900000023 invite:0 answered pause:1500 key:0 pause:6000 \
    $(keys key "$c#") pause:5500 $(keys key "$pin#") waitbye
for n in qdone qlimit; do sipp_run $n "$d/$n.xml"; done
for n in qdone qlimit; do
	if sipp_wait $n; then pass "$n: SIPp scenario completed (the bridge hung up)"
	else fail "$n: SIPp failed"; diag <"$d/$n.err"; fi
done
sleep 0.5
{
	echo "greeting~"; echo q_caseno; echo q_pin; echo q_number; digits "$c"
	echo st_disposed; echo q_decided; say_date "$decided"; echo q_hint; echo q_bye
} >"$d/qdone.expect"
expect_heard qdone "$d/qdone.expect" "the outcome (依法处置) and the day decided $(say_date "$decided" | tr '\n' ' ')"
printf 'greeting~\nq_caseno\nq_pin\nq_limited\nq_bye\n' >"$d/qlimit.expect"
expect_heard qlimit "$d/qlimit.expect" "over lookup_source_failures: too many, goodbye (even with the right PIN)"

# --- no case, no recording; the ledger; the case's events ---
[ "$(ncases)" = "$cases0" ] && [ "$(jb_sql "SELECT count(*) FROM cases")" = 1 ] &&
	pass "the queries made no case ($cases0 before and after)" || fail "cases: $(ncases), before $cases0"
[ "$(nev)" = "$ev0" ] && [ -z "$(ls "$d/rec")" ] &&
	pass "the queries kept no recording (evidence $ev0 files, recordings directory empty)" ||
	fail "recordings: evidence $(nev) (was $ev0), rec: $(ls "$d/rec")"
for nd in q2833:answered qinfo:answered qwrong:denied qdone:answered qlimit:limited; do
	n=${nd%%:*}
	row=$(jb_sql "SELECT outcome || ' ' || COALESCE(detail, '') || ' ' || keys || ' ' || (case_id IS NULL) || ' ' || recorded_ms FROM calls WHERE call_id = '$(tag_of "$n-1@jubao.test")'")
	[ "$row" = "query ${nd#*:} 0 1 0" ] && pass "$n: call ledger: query, ${nd#*:}, keys '0' only (not what was keyed), no case" ||
		fail "$n: call ledger: '$row'"
done
jb_ctl --json show "$c" >"$d/show.json"
nlook=$($PY -c 'import json,sys; print(sum(1 for e in json.load(open(sys.argv[1]))["events"] if e["action"] == "lookup"))' "$d/show.json")
[ "$nlook" = 7 ] && pass "the case's ledger has its lookups (7 lookup events: 3 found, 3 wrong PINs, 1 refused)" ||
	fail "lookup events: $nlook: $($PY -c 'import json,sys; print([e["action"] for e in json.load(open(sys.argv[1]))["events"]])' "$d/show.json")"
$PY -c 'import json,sys; sys.exit(0 if all(e["detail"] and "hotline" in e["detail"] for e in json.load(open(sys.argv[1]))["events"] if e["action"] == "lookup") else 1)' "$d/show.json" &&
	pass "each lookup event says the channel (hotline)" || fail "lookup events: $(grep -o '"detail": "by[^"]*"' "$d/show.json" | sort | uniq -c)"
jb_ctl --json show --reveal "$c" >"$d/reveal.json"
! grep -q "1390000002" "$d/show.json" "$d/reveal.json" &&
	pass "no querying caller's number in the case (show --reveal included)" || fail "a caller's number in the case"
! grep -q "1390000002" "$SIPD_LOG" && pass "the log names no querying caller" || fail "caller number in the log"
nkeys=$(grep -c "$(tag_of q2833-1@jubao.test): key " "$SIPD_LOG")
[ "$nkeys" = 1 ] && ! grep -q "$(tag_of q2833-1@jubao.test).*$pin" "$SIPD_LOG" &&
	pass "the log has the query key only, not the case number and PIN keyed" ||
	fail "q2833: $nkeys key lines in the log"
jb_ctl --json show "$c" | grep -q '"status": "feedback_sent"\|"status": "disposed"' &&
	pass "the queries did not change the case" || fail "case status: $(show "$c" 'd["status"]')"

kill "$sniffpid" 2>/dev/null
wait "$sniffpid" 2>/dev/null
sipd_stop

# --- sip_query_key = *: the menu says so, and '*' asks for the case number ---
d2=$(mktestdir star)
conf2=$(sip_conf "$d2" "sip_menu_timeout = 3s" "sip_query_key = *")
sipd_start "$conf2" || { fail "jubao-sipd (sip_query_key = *) did not start"; finish; }
rtpmin=$(sed -n 's/^sip_rtp_port_min = //p' "$conf2")
$PY "$RTPTOOL" sniff "$d/sent.jsonl" "$rtpmin" $((rtpmin + 98)) &
sniffpid=$!
on_exit "kill $sniffpid 2>/dev/null; true"
sleep 0.5
# the greeting (8.4 s) and the menu (17.1 s) in full, then '*'
scen "$d/star.xml" "" "" 13900000025 invite:0 answered pause:26500 key:star \
    pause:6500 bye
sipp_run star "$d/star.xml"
sipp_wait star && pass "star: SIPp scenario completed" || fail "star: SIPp failed"
sleep 0.5
kill "$sniffpid" 2>/dev/null
wait "$sniffpid" 2>/dev/null
printf 'greeting\nmenu_star\nq_caseno\n' >"$d/star.expect"
expect_heard star "$d/star.expect" "greeting, the menu naming the star key, then the case number asked"
[ "$(jb_sql "SELECT outcome || ' ' || detail || ' ' || keys FROM calls WHERE call_id = '$(tag_of star-1@jubao.test)'")" = "query hangup *" ] &&
	pass "star: a query hung up: ledger query, hangup" || fail "star: ledger $(jb_sql "SELECT * FROM calls")"
sipd_stop

# --- -n: a category on the query key is refused, named ---
sed 's/^dtmf = 9$/dtmf = 0/' conf/categories.conf >"$d2/cats0.conf"
sed -i "s|^categories_file = .*|categories_file = $d2/cats0.conf|" "$conf2"
"$SIPD" -n -c "$conf2" >"$d2/n-star.out" 2>&1 &&
	pass "-n: a category on key 0 is fine when sip_query_key = *" || { fail "-n with *"; diag <"$d2/n-star.out"; }
sed -i 's/^sip_query_key = \*$/sip_query_key = 0/' "$conf2"
if "$SIPD" -n -c "$conf2" >"$d2/n-zero.out" 2>&1; then fail "-n accepted a category on the query key"
else
	grep -q "category other: dtmf = 0 is the hotline's status-query key (sip_query_key = 0" "$d2/n-zero.out" &&
		pass "-n: a category on the query key is refused, named: $(head -n 1 "$d2/n-zero.out")" ||
		{ fail "-n: message"; diag <"$d2/n-zero.out"; }
fi
finish
