#!/bin/bash
# t-complexity.sh - CI's guard on the cost of hostile messages (issue
# "Hostile senders", finding 1): a 4 MB message of each shape of
# tests/bench/shapes.py goes through a real Postfix to jubao-milter, and
# each is accepted (or refused) well within Postfix's milter timeouts:
# here under 20 s from the end of DATA to Postfix's answer, on a shared
# machine (at 8 MB the earlier parser took hours on some of them).  The
# shapes' growth with size is measured by tests/bench/bench-complexity.sh.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/common.sh
. tests/lib/postfix.sh
. tests/lib/jubao.sh

SIZE=$((4 << 20))
LIMIT=20
dir=$(mktestdir cx)
sink="$dir/sink"
mkdir -p "$sink"; chown postfix "$sink"
smtp_port=$(free_port); sink_port=$(free_port); milter_port=$(free_port)
JB_CONF=$(jb_conf "$dir/jubao" "$milter_port" "delivery_method = smtp" \
    "smtp_relay = 127.0.0.1:9" "flood_reporter_hour = 0" "flood_reporter_day = 0")
jb_milter_start "$JB_CONF" || { fail "jubao-milter did not start"; finish; }
sink_start "$sink" "$sink_port" || { fail "smtp-sink did not start"; finish; }
pf_start "$dir/pf" "$smtp_port" "$sink_port" "inet:127.0.0.1:$milter_port" ||
	{ fail "postfix did not start"; finish; }

for shape in $(python3 tests/bench/shapes.py --list); do
	python3 tests/bench/shapes.py "$shape" "$SIZE" "$dir/m.eml"
	# the time from the end of DATA to the reply: the milter's share
	python3 - "$smtp_port" "$dir/m.eml" >"$dir/r.out" 2>&1 <<'PY'
import smtplib, sys, time
port, path = int(sys.argv[1]), sys.argv[2]
data = open(path, "rb").read()
s = smtplib.SMTP("127.0.0.1", port, timeout=600)
s.ehlo("cx.example")
s.mail("cx@example.org")
s.rcpt("jubao@example.cn")
code, _ = s.docmd("DATA")
assert code == 354, code
s.send(data.replace(b"\r\n.", b"\r\n..") + b"\r\n.\r\n")
t0 = time.monotonic()
code, msg = s.getreply()
print("%d %.2f" % (code, time.monotonic() - t0))
s.quit()
PY
	read -r code secs <"$dir/r.out"
	case $code in
	250|4*|5*) ok_code=1 ;;
	*) ok_code= ;;
	esac
	if [ -n "$ok_code" ] && [ "$(python3 -c "print($secs < $LIMIT)")" = True ]; then
		pass "$shape, $((SIZE >> 20)) MB: $code after ${secs} s"
	else
		fail "$shape, $((SIZE >> 20)) MB: $(cat "$dir/r.out")"
	fi
done
n=$(jb_sql "SELECT count(*) FROM cases")
[ "$n" = "$(python3 tests/bench/shapes.py --list | wc -l)" ] && pass "each became a case ($n)" || fail "$n cases"
pid_alive "$JB_MILTER_PID" && pass "the milter is alive after every shape" || fail "the milter died"
finish
