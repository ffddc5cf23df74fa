#!/bin/bash
# t-twomx.sh - two MX hosts, one PostgreSQL store (issue 11): 1,000 reports
# split across two Postfix MX instances, each with its own jubao-milter
# (own spool, own evidence directory, own socket), and a hotline call to a
# jubao-sipd, all on one database in a private cluster.  One milter is killed with SIGKILL twice and the
# database is crash-restarted (pg_ctl restart -m immediate) once while the
# stream flows: exactly 1,000 cases, none twice, case numbers unique, and
# every acknowledgement delivered exactly once, by one of the two hosts.
#
# sender A -> front A -> MX A (milter A) -\
#                                          +-> smtp-sink (reports, acks)
# sender B -> front B -> MX B (milter B) -/
# Each front is the reporters' MTA, which retries what an MX tempfailed.
cd "$(dirname "$0")/../.." || exit 2
export JUBAO_TEST_ENGINE=postgresql
. tests/lib/common.sh
. tests/lib/postfix.sh
. tests/lib/jubao.sh
. tests/sip/sip.sh

N=${N:-1000}
H=$((N / 2))
dir=$(mktestdir twomx)
sink="$dir/sink"
mkdir -p "$sink"; chown postfix "$sink"
sink_port=$(free_port)
a_milter=$(free_port); b_milter=$(free_port)
a_mx=$(free_port); b_mx=$(free_port); a_front=$(free_port); b_front=$(free_port)
# host A's configuration makes the database; host B's is A's with its own
# socket, spool and evidence directory (the same key_file: one site)
conf_a=$(jb_conf "$dir/a" "$a_milter" "delivery_method = smtp" \
    "smtp_relay = 127.0.0.1:$sink_port" "outbox_interval = 1s" \
    "outbox_backoff_min = 1s" "outbox_backoff_max = 2s" "outbox_lease = 10s" \
    "ack_daily_limit = 0" "flood_reporter_hour = 0" "flood_reporter_day = 0")
mkdir -p "$dir/b/spool" "$dir/b/evidence"
sed -e "s|^milter_socket = .*|milter_socket = inet:$b_milter@127.0.0.1|" \
    -e "s|^spool_dir = .*|spool_dir = $dir/b/spool|" \
    -e "s|^evidence_dir = .*|evidence_dir = $dir/b/evidence|" "$conf_a" >"$dir/b/jubao.conf"
conf_b=$dir/b/jubao.conf
grep -q '^store_engine = postgresql' "$conf_a" && grep -q "^store_conninfo = host=$JB_PG_DIR " "$conf_b" &&
	pass "both hosts' configurations name one PostgreSQL database" || { fail "configurations"; finish; }

# milter B is ours to start and stop; milter A is jb_milter_start's
b_pid=
b_start() {
	"$JB_MILTER" -f -c "$conf_b" >>"$dir/b/milter.log" 2>&1 &
	b_pid=$!
	wait_port "$b_milter" 10
}
b_stop() {
	[ -n "$b_pid" ] || return 0
	kill -TERM "$b_pid" 2>/dev/null
	wait "$b_pid" 2>/dev/null
	b_pid=
}
on_exit 'b_stop'
# the hotline bridge: the same database and key, its own directories
mkdir -p "$dir/sip"; cp -p "$dir/a/jubao.key" "$dir/sip/"
# (every host sends from the one outbox: each needs a relay that works)
conf_s=$(sip_conf "$dir/sip" "sip_menu_timeout = 3s" "sip_silence_timeout = 6s" \
    "sip_record_min = 1s" "$(grep '^store_conninfo' "$conf_a" | tail -n 1)" \
    "smtp_relay = 127.0.0.1:$sink_port" "outbox_backoff_min = 1s" "outbox_backoff_max = 2s")
sipd_start "$conf_s" || { fail "jubao-sipd did not start"; finish; }
sox -n -r 8000 -c 1 -e u-law "$dir/t1000.wav" synth 3 sine 1000 vol 0.5
scen "$dir/call.xml" "" "" 13900000001 invite:0 answered pause:1500 key:1 \
    pause:8000 stream:"$dir/t1000.wav":0 pause:3300 key:pound pause:1000 bye
jb_milter_start "$conf_a" || { fail "milter A did not start"; finish; }
b_start || { fail "milter B did not start"; finish; }
b_first=$b_pid
sink_start "$sink" "$sink_port" || { fail "smtp-sink did not start"; finish; }
pf_start "$dir/mxa" "$a_mx" "$sink_port" "inet:127.0.0.1:$a_milter" || { fail "MX A"; finish; }
pf_start "$dir/mxb" "$b_mx" "$sink_port" "inet:127.0.0.1:$b_milter" || { fail "MX B"; finish; }
pf_start "$dir/fronta" "$a_front" "$a_mx" || { fail "front A"; finish; }
pf_start "$dir/frontb" "$b_front" "$b_mx" || { fail "front B"; finish; }

python3 tests/lib/sendmany.py "127.0.0.1:$a_front" "$H" 2 mxa >"$dir/send-a.log" 2>&1 &
sa=$!
python3 tests/lib/sendmany.py "127.0.0.1:$b_front" "$((N - H))" 2 mxb >"$dir/send-b.log" 2>&1 &
sb=$!
on_exit "kill $sa $sb 2>/dev/null || true"
sipp_run call "$dir/call.xml"

cases() { jb_sql "SELECT count(*) FROM cases" 2>/dev/null || echo 0; }
cases_at_least() { [ "$(cases)" -ge "$1" ]; }
# milter A killed twice, the database crash-restarted once between
wait_for -t 90 cases_at_least $((N / 5)) && jb_milter_kill9 && sleep 1 &&
	jb_milter_start "$conf_a" && k1=1
wait_for -t 90 cases_at_least $((N * 2 / 5)) && jb_pg_restart immediate && r1=1
wait_for -t 90 cases_at_least $((N * 3 / 5)) && jb_milter_kill9 && sleep 1 &&
	jb_milter_start "$conf_a" && k2=1
[ -n "${k1:-}" ] && [ -n "${k2:-}" ] && pass "milter A killed with SIGKILL twice during the stream" ||
	fail "the kills did not happen ($(cases) cases)"
[ -n "${r1:-}" ] && pass "PostgreSQL crash-restarted (pg_ctl restart -m immediate) during the stream" ||
	fail "the database restart did not happen ($(cases) cases)"
wait "$sa" && wait "$sb" && pass "the fronts took all $N reports" ||
	fail "sending: $(cat "$dir/send-a.log" "$dir/send-b.log")"

wait_for -t 120 pf_queue_empty "$dir/fronta"
wait_for -t 120 pf_queue_empty "$dir/frontb"
wait_for -t 60 pf_queue_empty "$dir/mxa"
wait_for -t 60 pf_queue_empty "$dir/mxb"
wait_for -t 30 cases_at_least "$N"
t=$(( $(grep -c "status=deferred" "$dir/fronta/maillog") + $(grep -c "status=deferred" "$dir/frontb/maillog") ))
[ "$t" -gt 0 ] && pass "the fronts were told to retry $t time(s) and did" ||
	fail "no deferral: the faults did not hit the stream"
grep -q "451 4.3.0" "$dir/fronta/maillog" "$dir/frontb/maillog" &&
	pass "an MX answered 451 4.3.0 while the database was away" || diag "no 451 seen (the restart was quick)"
[ -n "$b_pid" ] && kill -0 "$b_pid" 2>/dev/null && [ "$b_pid" = "$b_first" ] &&
	pass "milter B lived through the database restart without a restart of its own" ||
	fail "milter B: $(tail -3 "$dir/b/milter.log")"

sipp_wait call || fail "the hotline call: $(tail -3 "$dir/call.err" 2>/dev/null)"
hc=$(case_of call-1@jubao.test)
[ -n "$hc" ] && pass "the hotline call became case $hc in the same store" || fail "no case for the call"
want=$(jb_sql "SELECT e.sha256 FROM evidence e JOIN cases c ON c.id = e.case_id WHERE c.case_no = '$hc' ORDER BY e.id LIMIT 1")
got=$("$JB_CTL" -c "$conf_a" --actor auditor evidence "$hc" 1 | sha256sum | cut -d' ' -f1)
[ -n "$want" ] && [ "$got" = "$want" ] && [ -z "$(find "$dir/sip/evidence" "$dir/sip/rec" -type f)" ] &&
	pass "its recording opens on MX host A to its SHA-256; the bridge kept no file" ||
	fail "recording across hosts: $got, recorded $want; left: $(find "$dir/sip/evidence" "$dir/sip/rec" -type f)"
n_mail=$(jb_sql "SELECT count(*) FROM cases WHERE channel = 'email'")
[ "$n_mail" = "$N" ] && pass "exactly $N mail cases" || fail "$n_mail mail cases for $N reports"
jb_cases_once "$((N + 1))"
u=$(jb_sql "SELECT count(DISTINCT case_no) FROM cases")
[ "$u" = "$((N + 1))" ] && pass "$((N + 1)) distinct case numbers" || fail "$u distinct case numbers"
both=$(jb_sql "SELECT count(DISTINCT substr(m.message_id, 1, 3)) FROM messages m JOIN cases c ON c.id = m.case_id WHERE c.channel = 'email'")
[ "$both" = 2 ] && pass "both MX hosts committed cases into the one store" || fail "prefixes: $both"

# evidence is the store's: a case host B took opens on host A (another
# evidence_dir), to its recorded SHA-256, and host B kept no copy of it
cb=$(jb_sql "SELECT c.case_no FROM cases c JOIN messages m ON m.case_id = c.id WHERE m.message_id LIKE 'mxb-%' ORDER BY c.id LIMIT 1")
want=$(jb_sql "SELECT e.sha256 FROM evidence e JOIN cases c ON c.id = e.case_id WHERE c.case_no = '$cb' ORDER BY e.id LIMIT 1")
file=$(jb_sql "SELECT e.file FROM evidence e JOIN cases c ON c.id = e.case_id WHERE c.case_no = '$cb' ORDER BY e.id LIMIT 1")
got=$("$JB_CTL" -c "$conf_a" --actor auditor evidence "$cb" 1 | sha256sum | cut -d' ' -f1)
[ -n "$want" ] && [ "$got" = "$want" ] && [ ! -e "$dir/b/evidence/${file:0:2}/$file" ] &&
	pass "evidence of case $cb, taken by host B, opens on host A to its SHA-256 (B kept no file)" ||
	fail "evidence across hosts: $cb item 1: $got, recorded $want"

acks_sent() { [ "$(jb_sql "SELECT count(*) FROM outbox WHERE kind = 'ack' AND status = 'sent'")" -ge "$N" ]; }
wait_for -t 90 acks_sent
a=$(jb_sql "SELECT count(*) FROM outbox WHERE kind = 'ack' AND status = 'sent'")
[ "$a" = "$N" ] && pass "one acknowledgement sent per case" ||
	fail "$a acknowledgements sent: $(jb_sql "SELECT status, count(*) FROM outbox GROUP BY status")"
# at the sink: each acknowledgement arrived, sent by one host (the outbox
# lease).  A SIGKILL between the relay's "250" and the commit of "sent"
# cannot be told from one before the "250" (RFC 1047): the row is sent
# again when its lease ends, under the same Message-ID.  So at most one
# duplicate per kill (a milter sends one message at a time), and none from
# the database restart (the result waits for the database: outbox.c).
sleep 2
python3 tests/lib/mail.py find "$sink" header=Auto-Submitted >"$dir/acks"
got=$(wc -l <"$dir/acks")
xargs -r -d '\n' -a "$dir/acks" python3 tests/lib/mail.py get Message-Id | sort >"$dir/ack-ids"
uniq=$(sort -u "$dir/ack-ids" | wc -l)
dup=$((got - uniq))
[ "$uniq" = "$N" ] && [ "$dup" -le 2 ] &&
	pass "$N acknowledgements arrived ($dup sent again after a SIGKILL, same Message-ID)" ||
	fail "$got acknowledgements arrived, $uniq distinct: $(uniq -d "$dir/ack-ids" | head -5)"
owners=$(jb_sql "SELECT count(DISTINCT lease_owner) FROM outbox WHERE status = 'sent'")
[ "$owners" -ge 2 ] && pass "both hosts delivered from the shared outbox ($owners owners)" ||
	fail "lease owners: $owners"
finish
