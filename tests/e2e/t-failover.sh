#!/bin/bash
# t-failover.sh - the database fails over during a stream of reports (issue
# 11): a primary and a streaming-replication standby (pg_basebackup -R,
# synchronous, so that a commit the milter was told of is on both), jubao
# configured with both hosts and target_session_attrs=read-write.  The
# primary is stopped (immediate: a crash) and the standby promoted while
# 300 reports flow through Postfix: the MX tempfails while there is no
# primary, nothing is lost or stored twice, and intake resumes on the new
# primary without restarting jubao-milter.
cd "$(dirname "$0")/../.." || exit 2
export JUBAO_TEST_ENGINE=postgresql
. tests/lib/common.sh
. tests/lib/postfix.sh
. tests/lib/jubao.sh

N=${N:-300}
dir=$(mktestdir failover)
sink="$dir/sink"
mkdir -p "$sink"; chown postfix "$sink"
sink_port=$(free_port); milter_port=$(free_port); mx_port=$(free_port); front_port=$(free_port)
JB_CONF=$(jb_conf "$dir/j" "$milter_port" "delivery_method = smtp" \
    "smtp_relay = 127.0.0.1:$sink_port" "outbox_interval = 1s" \
    "ack_daily_limit = 0" "flood_reporter_hour = 0" "flood_reporter_day = 0" \
    "store_busy_timeout = 2s")
ci=$(sed -n 's/^store_conninfo = //p' "$JB_CONF")
db=$(printf '%s\n' "$ci" | sed 's/.*dbname=//')

# the standby: a base backup of the primary, replicating synchronously
sdir=$JUBAO_TEST_ROOT/pg2
mkdir -p "$sdir"; chown postgres "$sdir"
sport=$(free_port)
jb_pg_as "$JB_PG_BIN/pg_basebackup" -D "$sdir/data" -R -h "$JB_PG_DIR" -p "$JB_PG_PORT" -U jubao \
    >"$dir/basebackup.log" 2>&1 || { fail "pg_basebackup: $(cat "$dir/basebackup.log")"; finish; }
# its replication connection names it "standby"
sed -i "s/^primary_conninfo = '/primary_conninfo = 'application_name=standby /" "$sdir/data/postgresql.auto.conf"
s_stop() { jb_pg_as "$JB_PG_BIN/pg_ctl" -D "$sdir/data" -m fast -w stop >/dev/null 2>&1; }
on_exit 's_stop'
jb_pg_as "$JB_PG_BIN/pg_ctl" -D "$sdir/data" -l "$sdir/log" -w \
    -o "-k $sdir -p $sport -c listen_addresses='' -c fsync=off" start >/dev/null 2>&1 ||
	{ fail "the standby did not start: $(tail -3 "$sdir/log")"; finish; }
jb_psql "host=$JB_PG_DIR port=$JB_PG_PORT user=jubao dbname=postgres" \
    "ALTER SYSTEM SET synchronous_standby_names = 'standby'" >/dev/null &&
	jb_psql "host=$JB_PG_DIR port=$JB_PG_PORT user=jubao dbname=postgres" "SELECT pg_reload_conf()" >/dev/null
sync_on() { [ "$(jb_psql "host=$JB_PG_DIR port=$JB_PG_PORT user=jubao dbname=postgres" \
    "SELECT sync_state FROM pg_stat_replication")" = sync ]; }
wait_for -t 20 sync_on && pass "a standby replicates the primary synchronously" ||
	{ fail "replication: $(tail -3 "$sdir/log")"; finish; }

# jubao knows both servers and wants the writable one
sed -i "s|^store_conninfo = .*|store_conninfo = host=$JB_PG_DIR,$sdir port=$JB_PG_PORT,$sport user=jubao dbname=$db target_session_attrs=read-write|" "$JB_CONF"
jb_milter_start "$JB_CONF" || { fail "jubao-milter did not start"; finish; }
mpid=$JB_MILTER_PID
sink_start "$sink" "$sink_port" || { fail "smtp-sink"; finish; }
pf_start "$dir/mx" "$mx_port" "$sink_port" "inet:127.0.0.1:$milter_port" || { fail "MX"; finish; }
pf_start "$dir/front" "$front_port" "$mx_port" || { fail "front"; finish; }

python3 tests/lib/sendmany.py "127.0.0.1:$front_port" "$N" 2 fo >"$dir/send.log" 2>&1 &
sender=$!
on_exit "kill $sender 2>/dev/null || true"
cases() { jb_sql "SELECT count(*) FROM cases" 2>/dev/null || echo 0; }
cases_at_least() { [ "$(cases)" -ge "$1" ]; }
wait_for -t 60 cases_at_least $((N / 3)) || fail "the stream did not start ($(cases) cases)"
before=$(cases)
jb_pg_ctl -m immediate -w stop >/dev/null 2>&1 && pass "the primary crashed (pg_ctl stop -m immediate) after $before cases"
sleep 3	# reports meet no primary for a while
jb_pg_as "$JB_PG_BIN/pg_ctl" -D "$sdir/data" -w promote >/dev/null 2>&1 &&
	pass "the standby was promoted" || fail "promote: $(tail -3 "$sdir/log")"
JB_PG_DIR=$sdir; JB_PG_PORT=$sport	# jb_sql reads the new primary
wait "$sender" && pass "the front MTA took all $N reports" || fail "sending: $(cat "$dir/send.log")"
wait_for -t 120 pf_queue_empty "$dir/front"
wait_for -t 60 pf_queue_empty "$dir/mx"
wait_for -t 30 cases_at_least "$N"

grep -q "451 4.3.0" "$dir/front/maillog" &&
	pass "the MX answered 451 4.3.0 while there was no primary" || fail "no 451 during the failover"
kill -0 "$mpid" 2>/dev/null && [ "$JB_MILTER_PID" = "$mpid" ] &&
	pass "the same jubao-milter process (no restart) took the rest on the new primary" || fail "the milter is gone"
jb_cases_once "$N"
n=$(cases)
[ "$n" -gt "$before" ] && pass "$((n - before)) cases committed after the failover" || fail "nothing after the failover"
finish
