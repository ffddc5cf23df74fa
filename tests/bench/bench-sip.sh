#!/bin/bash
# bench-sip.sh - how many concurrent recording calls jubao-sipd holds with
# every recording complete, and its call set-up rate.  A measurement, not a
# test: it prints figures (and "N passed, N failed" for the sanity checks).
#
# usage: tests/bench/bench-sip.sh [CONCURRENT ...]   (default: 50 100 200)
#        BENCH_SETUP_CALLS=2000 BENCH_SETUP_RATE=400 for the set-up rate
#
# Each recording call: INVITE, key 1 (RFC 4733), 5 s of a 1 kHz tone with
# rtp_stream, '#', BYE; all CONCURRENT calls are up at once.  "complete"
# means: every call made its case and every recording holds 5.00 +- 0.25 s
# of the tone at 1 kHz +- 3 %.  The set-up rate: INVITE/200/ACK, 200 ms,
# BYE, at BENCH_SETUP_RATE calls a second, counted by SIPp's successful
# calls over the elapsed time.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/common.sh
. tests/lib/jubao.sh
. tests/sip/sip.sh
levels=${*:-50 100 200}

d=$(mktestdir bench)
sox -n -r 8000 -c 1 -e u-law "$d/tone.wav" synth 5 sine 1000 vol 0.5
for n in $levels; do
	b=$(mktestdir "c$n")
	conf=$(sip_conf "$b" "sip_max_calls = 2000" "sip_silence_timeout = 20s" \
	    "sip_rtp_port_max = 65000" "outbox_interval = 1h")
	# a wide RTP range for many calls: the last setting wins
	echo "sip_rtp_port_min = 20000" >>"$conf"
	echo "sip_rtp_port_max = 39998" >>"$conf"
	sipd_start "$conf" || { fail "bridge did not start"; continue; }
	scen "$b/call.xml" "" "" 13900000001 invite:0 answered pause:1500 key:1 \
	    pause:8200 stream:"$d/tone.wav":0 pause:5500 key:pound pause:500 bye
	start=$(date +%s.%N)
	(cd "$b" && sipp 127.0.0.1:"$SIPD_PORT" -sf call.xml -s 12377 -m "$n" -l "$n" \
	    -r 50 -p "$(free_port)" -mp "$(free_port)" -i 127.0.0.1 -mi 127.0.0.1 \
	    -cid_str "b%u-%p@jubao.test" -timeout 300 -nostdin -trace_err \
	    -error_file "$b/err" >"$b/sipp.out" 2>&1)
	rc=$?
	secs=$(echo "$(date +%s.%N) - $start" | bc)
	sleep 2
	cases=$(jb_sql "SELECT count(*) FROM cases")
	good=0 bad=0
	for sha in $(jb_sql "SELECT sha256 FROM evidence"); do
		a=$($PY "$RTPTOOL" analyze "$b/evidence/${sha:0:2}/$sha")
		if $PY -c "import json,sys; a=json.loads(sys.argv[1]); sys.exit(0 if abs(a['frequency']-1000)<30 and abs(a['duration']-5)<=0.25 and a['active']>=4.75 else 1)" "$a"; then
			good=$((good + 1))
		else
			bad=$((bad + 1)); diag "c$n: bad recording $a"
		fi
	done
	cpu=$(awk '{printf "%.1f", ($14 + $15) / 100}' "/proc/$SIPD_PID/stat")
	echo "# concurrent=$n sipp_rc=$rc cases=$cases recordings_ok=$good bad=$bad wall=${secs}s bridge_cpu=${cpu}s"
	[ "$rc" -eq 0 ] && [ "$cases" -eq "$n" ] && [ "$good" -eq "$n" ] &&
		pass "$n concurrent recording calls: all $n recordings complete" ||
		fail "$n concurrent recording calls: $cases cases, $good good recordings, sipp exit $rc"
	sipd_stop
done

# call set-up rate
calls=${BENCH_SETUP_CALLS:-2000}
rate=${BENCH_SETUP_RATE:-400}
b=$(mktestdir setup)
conf=$(sip_conf "$b" "sip_max_calls = 5000" "outbox_interval = 1h")
echo "sip_rtp_port_min = 20000" >>"$conf"
echo "sip_rtp_port_max = 39998" >>"$conf"
sipd_start "$conf" || { fail "bridge did not start"; finish; }
scen "$b/setup.xml" "" "" 13900000001 invite:0 answered pause:200 bye
start=$(date +%s.%N)
(cd "$b" && sipp 127.0.0.1:"$SIPD_PORT" -sf setup.xml -s 12377 -m "$calls" -r "$rate" \
    -l 2000 -p "$(free_port)" -mp "$(free_port)" -i 127.0.0.1 -mi 127.0.0.1 \
    -cid_str "s%u-%p@jubao.test" -timeout 300 -nostdin -trace_stat -stf "$b/stat.csv" \
    >"$b/sipp.out" 2>&1)
secs=$(echo "$(date +%s.%N) - $start" | bc)
ok=$(grep -a "Successful call" "$b/sipp.out" | tail -1 | awk -F'|' '{print $3}' | tr -d ' ')
failed=$(grep -a "Failed call" "$b/sipp.out" | tail -1 | awk -F'|' '{print $3}' | tr -d ' ')
sleep 2
logged=$(jb_sql "SELECT count(*) FROM calls")
cpu=$(awk '{printf "%.1f", ($14 + $15) / 100}' "/proc/$SIPD_PID/stat")
echo "# setup: bridge cpu ${cpu}s"
echo "# setup: $calls calls offered at $rate/s: successful=$ok failed=$failed in ${secs}s => $(echo "scale=1; $ok / $secs" | bc) calls/s set up and torn down; ledger rows=$logged"
[ "${ok:-0}" -eq "$calls" ] && pass "set-up rate: $calls calls at $rate/s all succeeded" ||
	fail "set-up rate: $ok of $calls succeeded"
sipd_stop
finish
