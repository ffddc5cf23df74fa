#!/bin/bash
# t-stats.sh - published statistics over 10,000 generated cases, checked
# against figures computed independently (tests/tools/gencases.py computes
# them from the values it generated; counts also by plain sqlite3); the
# HTML report in headless Chromium; deadlines, overdue and the digest with
# a fixed clock; retention: after purge no reporter address or phone of a
# purged case is anywhere in the database file or its WAL.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/common.sh
. tests/lib/postfix.sh
. tests/lib/jubao.sh

N=${N:-10000}
dir=$(mktestdir stats)
port=$(free_port)
JB_CONF=$(jb_conf "$dir" "$port" "delivery_method = smtp" "smtp_relay = 127.0.0.1:9" \
    "handlers_mailbox = handlers@example.cn")
# the real milter creates the store (and one real case); on PostgreSQL
# the cases are made in SQLite first and copied over by jubaoctl copy-from
# (a site moving up), which the rest of the suite then reads
sconf=$JB_CONF
if [ "$JB_ENGINE" = postgresql ]; then
	sconf=$dir/sqlite.conf
	grep -v '^store_engine\|^store_conninfo' "$JB_CONF" >"$sconf"
fi
miltertest -D bin="$JB_MILTER" -D conf="$sconf" -D port="$port" -D qid=ST1 \
    -s tests/milter/report.lua >"$dir/mt.out" 2>&1 || { fail "report: $(cat "$dir/mt.out")"; finish; }
real=$(sed -n 's/^CASE //p' "$dir/mt.out")
db="$dir/jubao.db"
# the year of cases ends a month before today, whatever today is: purge
# (which takes no --now) then finds cases closed on both sides of its
# six-month line; local midnight, so that --from and --to are whole days
start=$(date -d "$(date -d '400 days ago' +%F) 00:00:00" +%s)
python3 tests/tools/gencases.py "$db" "$N" 42 "$start" "$dir/expect.json" ||
	{ fail "gencases failed"; finish; }
pass "generated $N cases over a year"
# gencases.py wrote the tables by hand: the statistics' rollup is made again
# from them, as after any such change (jubaoctl(8), rebuild-stats)
JB_CONF=$sconf jb_ctl rebuild-stats >/dev/null || fail "rebuild-stats"
if [ "$JB_ENGINE" = postgresql ]; then
	# an account goes with the store (staff is one of the tables copied)
	echo 'a-long-password-1' | JB_CONF=$sconf jb_ctl user add zhang.rev \
	    --role reviewer >/dev/null || fail "user add in the SQLite store"
	jb_ctl copy-from "$db" >"$dir/copy.out" 2>&1 &&
	    grep -q "^cases *$((N + 1)) rows .* same$" "$dir/copy.out" &&
	    grep -q "^copied and verified: 14 tables and the evidence files$" "$dir/copy.out" &&
		pass "jubaoctl copy-from: $((N + 1)) cases into PostgreSQL, every table verified" ||
		{ fail "copy-from: $(cat "$dir/copy.out")"; finish; }
	[ "$(jb_sql "SELECT count(*) FROM cases")" = $((N + 1)) ] &&
	[ "$(jb_sql "SELECT sum(id) FROM events")" = "$(sqlite3 -readonly "$db" "SELECT sum(id) FROM events")" ] &&
		pass "psql counts the same cases and event ids" || fail "psql: $(jb_sql "SELECT count(*) FROM cases")"
	[ "$(jb_sql "SELECT role FROM staff WHERE name = 'zhang.rev'")" = reviewer ] &&
		pass "the account was copied" || fail "staff: $(jb_sql "SELECT name, role FROM staff")"
	jb_ctl copy-from "$db" >"$dir/copy2.out" 2>&1; rc=$?
	[ "$rc" = 1 ] && grep -q "is not empty" "$dir/copy2.out" &&
		pass "a second copy into the same database is refused (exit 1)" || fail "copy again: $rc $(cat "$dir/copy2.out")"
fi

# --- statistics against the independent figures
from=$(date -d @"$start" '+%Y-%m-%d'); to=$(date -d @"$((start + 365 * 86400))" '+%Y-%m-%d')
jb_ctl --json stats --from "$from" --to "$to" >"$dir/stats.json" || fail "stats failed"
python3 - "$dir/stats.json" "$dir/expect.json" <<'PY' >"$dir/cmp.out"
import json, sys
got, exp = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
for k, v in exp.items():
    if k == "closed":
        continue
    g = got.get(k)
    if isinstance(v, float):
        ok = g is not None and abs(g - v) < 1e-6
    elif isinstance(v, dict):
        ok = {a: b for a, b in (g or {}).items()} == v
    else:
        ok = g == v
    print(("ok - " if ok else "not ok - ") + "stats %s: %s%s" % (k, g, "" if ok else " (want %s)" % v))
PY
while read -r line; do
	case $line in ok*) pass "${line#ok - }" ;; *) fail "${line#not ok - }" ;; esac
done <"$dir/cmp.out"
# the rollup gives what a scan of every case gives: a year from local
# midnight (whole days from the rollup, the ends read), whole UTC days
# only, part of one day, a range with nothing in it
u=$(( (start / 86400 + 1) * 86400 ))
for r in "$from $to" "@$u @$((u + 200 * 86400))" "@$((start + 3600)) @$((start + 7300))" \
    "@$((start + 400 * 86400)) @$((start + 401 * 86400))"; do
	set -- $r
	out=$(jb_stats_same "$1" "$2") && pass "stats $1 .. $2: the rollup gives what --scan gives" ||
		fail "stats $1 .. $2, rollup and scan differ: $out"
done
# counts again, by plain sqlite3 (psql) on the store
y="received_at >= $start AND received_at < $((start + 365 * 86400))"
for q in "received|SELECT count(*) FROM cases WHERE $y" \
    "disposed|SELECT count(*) FROM cases WHERE outcome = 'disposed' AND $y" \
    "transferred|SELECT count(*) FROM cases WHERE outcome = 'transferred' AND $y"; do
	k=${q%%|*}
	want=$(jb_sql "${q#*|}")
	got=$(python3 -c "import json; print(json.load(open('$dir/stats.json'))['$k'])")
	[ "$got" = "$want" ] && pass "$JB_ENGINE agrees: $k $got" || fail "$JB_ENGINE $k: $want, stats $got"
done
jb_ctl stats --from "$from" --to "$to" --csv >"$dir/stats.csv"
grep -qx "received,,$N" "$dir/stats.csv" && grep -q "^by_category,fraud," "$dir/stats.csv" &&
	pass "CSV has the same figures" || fail "CSV: $(head -5 "$dir/stats.csv")"
# no personal data in any form of the statistics
if grep -Eq "example\.net|139[0-9]{8}|举报人[0-9]" "$dir/stats.json" "$dir/stats.csv"; then
	fail "personal data in the statistics"
else
	pass "no personal data in JSON or CSV statistics"
fi

# --- the HTML report, publishable as it is, in headless Chromium
jb_ctl stats --from "$from" --to "$to" --html >"$dir/report.html"
! grep -Eqi "<script|src=|href=|@import|url\(" "$dir/report.html" &&
	pass "the HTML report has no scripts and no external resources" || fail "report.html loads something"
grep -q "<svg" "$dir/report.html" && pass "it has SVG charts" || fail "no SVG"
if command -v chromium >/dev/null; then
	( cd "$dir" && timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic \
	    --no-first-run --disable-background-networking --disable-component-update \
	    --disable-sync --user-data-dir="$dir/chrome" --enable-logging=stderr --v=0 \
	    --window-size=800,1400 --screenshot="$dir/report.png" "file://$dir/report.html" \
	    >"$dir/chrome.log" 2>&1 )
	[ -s "$dir/report.png" ] && [ "$(head -c 4 "$dir/report.png" | od -An -c | tr -d ' ')" = "211PNG" ] &&
		pass "Chromium renders it to a screenshot ($(stat -c %s "$dir/report.png") bytes)" ||
		fail "no screenshot: $(tail -5 "$dir/chrome.log")"
	if grep -Eq "CONSOLE|Uncaught|ERR_FILE|Failed to load" "$dir/chrome.log"; then
		fail "console errors: $(grep -E 'CONSOLE|Uncaught|ERR_FILE|Failed to load' "$dir/chrome.log" | head -3)"
	else
		pass "with no console errors"
	fi
	[ -n "${JUBAO_KEEP_SCREENSHOT:-}" ] && cp "$dir/report.png" "$JUBAO_KEEP_SCREENSHOT"
else
	fail "chromium is not installed (tests/packages.txt lists it)"
fi

# --- deadlines with a fixed clock: the real case is overdue a day later
due=$(jb_sql "SELECT deadline FROM cases WHERE case_no = '$real'")
jb_ctl --json --now "@$((due - 3600))" overdue --limit 0 | grep -q "\"$real\"" &&
	fail "overdue before its deadline" || pass "not overdue an hour before its deadline"
jb_ctl --json --now "@$((due + 3600))" overdue --limit 0 | grep -q "\"$real\"" &&
	pass "overdue an hour after its deadline" || fail "not overdue after the deadline"
# "due today" is due within 24 hours (before the next daily digest), so
# this holds at any hour: it failed in the hour after midnight when it was
# "before the next midnight"
jb_ctl --now "@$((due - 3600))" digest --print >"$dir/digest1.txt"
grep -q "24 小时内到期 Due within 24 hours（1 件）" "$dir/digest1.txt" && grep -q "$real" "$dir/digest1.txt" &&
	pass "the digest lists it as due within 24 hours an hour before" || fail "digest: $(cat "$dir/digest1.txt")"
jb_ctl --now "@$((due - 25 * 3600))" digest --print >"$dir/digest0.txt"
! grep -q "$real" "$dir/digest0.txt" && pass "but not 25 hours before" ||
	fail "digest 25 h before: $(cat "$dir/digest0.txt")"
jb_ctl --actor 李 accept "$real" >/dev/null
jb_ctl --actor 李 dispose --measure private --until "@$((due + 2 * 86400))" --measure dispute-label "$real" >/dev/null ||
	fail "dispose private"
jb_ctl --now "@$((due + 86400))" digest --print >"$dir/digest2.txt"
grep -q "限时加私即将到期.*（1 件）" "$dir/digest2.txt" && grep -q "$real" "$dir/digest2.txt" &&
	pass "the digest warns of the 限时加私 measure ending in a day" || fail "digest2: $(cat "$dir/digest2.txt")"
[ "$(grep -c "$real" "$dir/digest2.txt")" = 1 ] && pass "a disposed case is not listed as overdue" ||
	fail "overdue after disposal"

# --- the digest is mailed to the handlers; a relay that is down is exit 75
jb_ctl --now "@$((due + 86400))" digest >"$dir/d.out" 2>&1; rc=$?
[ "$rc" = 75 ] && pass "digest with the relay down: exit 75 (cron retries)" || fail "digest rc $rc: $(cat "$dir/d.out")"
sport=$(free_port); mkdir -p "$dir/sink"; chown postfix "$dir/sink"
sink_start "$dir/sink" "$sport" || fail "sink"
echo "smtp_relay = 127.0.0.1:$sport" >>"$JB_CONF"
[ "$(jb_ctl --now "@$((due + 86400))" digest)" = "digest sent" ] && sink_wait "$dir/sink" 1 10 &&
	python3 tests/lib/mail.py show "$(sink_files "$dir/sink" | head -n 1)" >"$dir/digest.mail" &&
	grep -q "^Envelope-To: <handlers@example.cn>$" "$dir/digest.mail" && grep -q "限时加私即将到期" "$dir/digest.mail" &&
	grep -q "^Subject: \[JB\] 举报处理日报" "$dir/digest.mail" &&
	pass "the digest is mailed to handlers_mailbox" || fail "digest mail: $(cat "$dir/digest.mail" 2>/dev/null)"
sed -i '$d' "$JB_CONF"

# --- retention: pseudonymise what was closed more than six months ago
printf 'retention = 30d\n' >>"$JB_CONF"
out=$(jb_ctl -n 2>&1) && fail "a retention under six months is accepted" ||
	case $out in *"retention: 30d is out of bounds"*) pass "a retention under six months is refused" ;;
	*) fail "retention 30d: $out" ;; esac
sed -i '$d' "$JB_CONF"
out=$(jb_ctl --now "@$((start + 400 * 86400))" purge 2>&1); rc=$?
[ "$rc" = 2 ] && [[ "$out" == *"--now is for reading"* ]] &&
	pass "purge refuses --now: retention is counted on the real clock" ||
	fail "purge --now: exit $rc: $out"
now=$(date +%s)
jb_ctl purge >"$dir/purge.out" 2>&1 || fail "purge: $(cat "$dir/purge.out")"
python3 - "$dir/expect.json" "$now" >"$dir/purged" <<'PY'
import json, sys
exp, now = json.load(open(sys.argv[1])), int(sys.argv[2])
for no, closed, i in exp["closed"]:
    line = now - 180 * 86400
    # purge ran a moment after "now": a case closed within two minutes of
    # its line may fall either side, and is not checked
    if abs(closed - line) < 120:
        print("either", no, i)
    else:
        print("purged" if closed < line else "kept", no, i)
PY
np=$(grep -c ^purged "$dir/purged"); nk=$(grep -c ^kept "$dir/purged"); ne=$(grep -c ^either "$dir/purged")
got=$(sed -n 's/^purged \([0-9]*\) case(s).*/\1/p' "$dir/purge.out")
[ -n "$got" ] && [ "$got" -ge "$np" ] && [ "$got" -le $((np + ne)) ] &&
	pass "purge: $got cases closed over 180 days ago ($nk closed later kept)" ||
	fail "purge said: $(cat "$dir/purge.out"), want $np"
# search the raw bytes of the database and its WAL.  PostgreSQL cannot
# overwrite what it deletes (its pages' free space and its WAL keep old
# rows until reused: jubaoctl(8), purge); what it must not keep is a
# purged identity in any row, so its search is over a backup, pg_dump's
if [ "$JB_ENGINE" = postgresql ]; then
	pg_dump -d "$(sed -n 's/^store_conninfo = //p' "$JB_CONF")" >"$dir/raw.bin"
else
	cat "$db" "$db-wal" 2>/dev/null >"$dir/raw.bin"
fi
bad=0; checked=0
while read -r what no i; do
	[ "$what" = purged ] || continue
	checked=$((checked + 1))
	[ $checked -gt 300 ] && break
	if grep -aq -e "reporter-$i@example.net" -e "139$(printf '%08d' "$i")" "$dir/raw.bin"; then
		bad=$((bad + 1)); diag "case $no still has its reporter's address or phone"
	fi
done <"$dir/purged"
[ "$bad" = 0 ] && [ "$checked" -gt 0 ] &&
	pass "no address or phone of $checked purged cases remains in the store ($JB_ENGINE: $([ "$JB_ENGINE" = sqlite ] && echo 'file and WAL' || echo 'a pg_dump'))" ||
	fail "$bad of $checked purged cases still have identity in the file"
k=$(awk '$1 == "kept" { print $3; exit }' "$dir/purged")
[ -n "$k" ] && grep -aq "reporter-$k@example.net" "$dir/raw.bin" &&
	pass "a case closed later keeps its reporter (the search does see addresses)" ||
	fail "kept case $k lost its reporter (or the search is blind)"
p=$(awk '$1 == "purged" { print $2; exit }' "$dir/purged")
[ "$(jb_ctl --json show "$p" | python3 -c 'import json,sys; c=json.load(sys.stdin); print(c["category"] != "" and c["purged_at"] is not None)')" = True ] &&
	pass "a purged case keeps its classification" || fail "purged case $p"
out=$(jb_stats_same "$from" "@$(($(date +%s) + 86400))") &&
	pass "after the real case was handled and the purge: the rollup still gives what --scan gives" ||
	fail "rollup after handling and purge: $out"
jb_ctl --json show --reveal "$p" | python3 -c 'import json,sys; r=json.load(sys.stdin)["reporter"]; sys.exit(0 if r["address"].startswith("reporter-") and "@" not in r["address"] and r["phone"] is None else 1)' &&
	pass "its reporter is a pseudonym" || fail "reporter after purge: $(jb_ctl --json show --reveal "$p")"
finish
