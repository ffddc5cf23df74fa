#!/bin/bash
# t-faults.sh - nothing is lost under faults: a store that turns read-only
# and a disk that fills answer 451 while they last and recover without a
# restart; twenty acknowledgements wait out a relay that is down, with
# back-off, and are each delivered exactly once when it returns.
#
# The milter runs in its own mount namespace, where the test mounts its data
# directory read-only over itself and takes that away again (nsenter), or
# puts it on a 4 MB tmpfs and fills that.  No mock: the kernel says EROFS
# and ENOSPC.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/common.sh
. tests/lib/postfix.sh
. tests/lib/jubao.sh

M=tests/data/mail
# start - start NAME [tmpfs]: Postfix, a sink for acks, the milter in a namespace
start() {
	local name=$1 how=${2:-bind}
	dir=$(mktestdir "$name")
	data="$dir/j/data"
	mkdir -p "$data" "$dir/sink" "$dir/acks"; chown postfix "$dir/sink" "$dir/acks"
	smtp_port=$(free_port); sink_port=$(free_port); milter_port=$(free_port)
	ack_port=$(free_port)
	JB_CONF=$(jb_conf "$dir/j" "$milter_port" "store_path = $data/jubao.db" \
	    "spool_dir = $data/spool" "evidence_dir = $data/evidence" \
	    "delivery_method = smtp" "smtp_relay = 127.0.0.1:$ack_port" \
	    "outbox_interval = 1s" "outbox_backoff_min = 1s" "outbox_backoff_max = 4s" \
	    "outbox_lease = 10s" "store_busy_timeout = 1s" "ack_daily_limit = 0" \
	    "flood_reporter_hour = 0" "flood_reporter_day = 0")
	if [ "$how" = tmpfs ]; then
		ns() { exec unshare -m sh -c 'mount -t tmpfs -o size=4m tmpfs "$0" && exec "$@"' "$data" "$@"; }
	else
		ns() { exec unshare -m sh -c 'mount --bind "$0" "$0" && exec "$@"' "$data" "$@"; }
	fi
	jb_milter_start "$JB_CONF" ns || { fail "jubao-milter did not start"; finish; }
	sink_start "$dir/sink" "$sink_port" || { fail "smtp-sink"; finish; }
	pf_start "$dir/pf" "$smtp_port" "$sink_port" "inet:127.0.0.1:$milter_port" ||
		{ fail "postfix"; finish; }
}
# nsdo - run a command in the milter's mount namespace
nsdo() { nsenter -t "$JB_MILTER_PID" -m "$@"; }
# report - report ID: one report through Postfix; swaks' output
report() {
	sed -e "s/^Message-ID: .*/Message-ID: <fault-$1@example.org>/" \
	    -e "s/^From: .*/From: r$1@example.org/" "$M/42-english-fraud.eml" >"$dir/r.eml"
	swaks --server "127.0.0.1:$smtp_port" --from "r$1@example.org" --to jubao@example.cn \
	    --data "@$dir/r.eml" 2>&1
}
# q - a query on the store as the milter sees it (its namespace)
q() { nsdo sqlite3 -readonly "$data/jubao.db" "$1"; }
cases() { q "SELECT count(*) FROM cases" 2>/dev/null; }

# --- the store's file system turns read-only, then writable again
start ro
out=$(report 1); echo "$out" | grep -q "^<-  250 " && pass "read-only: a report before the fault is accepted" ||
	fail "before: $out"
# a read-only mount stacked on the data directory: what opens the store
# from now on finds it read-only (a descriptor held open keeps the old mount)
nsdo mount --bind -o ro "$data" "$data" || fail "cannot mount read-only"
out=$(report 2)
echo "$out" | grep -q "451 4.3.0" && pass "store read-only: 451 4.3.0" || fail "read-only: $(echo "$out" | grep '^<')"
grep -q "report not committed, tempfail" "$dir/j/milter.log" && pass "logged as a tempfail with the queue ID" || fail "no log line"
nsdo umount "$data" || fail "cannot take the read-only mount away"
out=$(report 2); echo "$out" | grep -q "^<-  250 " && pass "writable again: the same report is accepted, no restart" ||
	fail "after: $out"
[ "$(cases)" = 2 ] && pass "two cases, nothing lost, nothing twice" || fail "$(cases) cases"
kill -0 "$JB_MILTER_PID" && pass "the milter kept running" || fail "the milter died"
jb_milter_stop; pf_stop "$dir/pf"; sink_stop "$dir/sink"

# --- the disk fills up, then has room again
start full tmpfs
out=$(report 1); echo "$out" | grep -q "^<-  250 " && pass "full disk: a report before the fault is accepted" || fail "before: $out"
nsdo sh -c "dd if=/dev/zero of='$data/filler' bs=64k 2>/dev/null; sync"
nsdo df -k "$data" | tail -n 1 | awk '{ exit !($4 == 0) }' && pass "the store's file system is full" ||
	diag "df: $(nsdo df -k "$data" | tail -n 1)"
out=$(report 2)
echo "$out" | grep -q "451 4.3.0" && pass "disk full: 451 4.3.0" || fail "disk full: $(echo "$out" | grep '^<')"
nsdo rm -f "$data/filler"
out=$(report 2); echo "$out" | grep -q "^<-  250 " && pass "room again: the report is accepted, no restart" ||
	fail "after: $out $(tail -3 "$dir/j/milter.log")"
[ "$(cases)" = 2 ] && pass "two cases" || fail "$(cases) cases"
jb_milter_stop; pf_stop "$dir/pf"; sink_stop "$dir/sink"

# --- the relay for acknowledgements is down, then comes back
start relay
for i in $(seq 1 20); do report "relay-$i" >/dev/null || fail "report $i"; done
[ "$(cases)" = 20 ] && pass "twenty reports committed while the relay is down" || fail "$(cases) cases"
deferred() { [ "$(q "SELECT count(*) FROM outbox WHERE kind = 'ack' AND attempts >= 3 AND status = 'queued'")" = 20 ]; }
wait_for -t 30 deferred && pass "each acknowledgement retried (3 tries or more), with back-off, still queued" ||
	fail "outbox: $(q "SELECT status, attempts FROM outbox" | sort | uniq -c)"
sink_start "$dir/acks" "$ack_port" || fail "ack sink"
allsent() { [ "$(q "SELECT count(*) FROM outbox WHERE kind = 'ack' AND status = 'sent'")" = 20 ]; }
wait_for -t 30 allsent && pass "the relay is back: all twenty sent" ||
	fail "sent: $(q "SELECT status, count(*) FROM outbox GROUP BY status")"
sleep 2
n=$(sink_count "$dir/acks")
ids=$(sink_files "$dir/acks" | xargs -r -d '\n' python3 tests/lib/mail.py get Message-Id | sort -u | wc -l)
[ "$n" = 20 ] && [ "$ids" = 20 ] && pass "each delivered exactly once (20 messages, 20 Message-IDs)" ||
	fail "$n messages captured, $ids distinct"
finish
