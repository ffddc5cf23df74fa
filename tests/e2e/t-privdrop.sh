#!/bin/bash
# t-privdrop.sh - the daemons give up root: jubao-milter reads its key as
# root, then runs as run_user; the store, its WAL, the spool, the evidence
# and a unix socket belong to run_user; jubaoctl run by root works on the
# store as run_user, so the files stay the daemon's.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/common.sh
. tests/lib/jubao.sh

# the system user the installation documents (README: useradd --system)
if ! getent passwd jubao >/dev/null; then
	useradd --system --no-create-home --shell /usr/sbin/nologin jubao ||
		{ fail "cannot create the jubao user"; finish; }
fi
uid=$(id -u jubao)
dir=$(mktestdir priv)
port=$(free_port)
JB_CONF=$(jb_conf "$dir/j" "$port" "run_user = jubao" \
    "milter_socket = unix:$dir/j/milter.sock" "delivery_method = smtp" \
    "smtp_relay = 127.0.0.1:9")
chown jubao: "$dir/j"
[ "$(stat -c '%U %a' "$dir/j/jubao.key")" = "root 600" ] && pass "the key is root's, 0600" ||
	fail "key: $(stat -c '%U %a' "$dir/j/jubao.key")"

"$JB_MILTER" -f -c "$JB_CONF" >"$dir/milter.log" 2>&1 &
pid=$!
on_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null; true"
wait_for -t 10 test -S "$dir/j/milter.sock" || { fail "no socket: $(cat "$dir/milter.log")"; finish; }
wait_for -t 5 grep -q "running as uid $uid" "$dir/milter.log" &&
	pass "jubao-milter runs as jubao (uid $uid) after start-up" || fail "log: $(cat "$dir/milter.log")"
[ "$(awk '/^Uid:/ { print $2, $3, $4, $5 }' /proc/$pid/status)" = "$uid $uid $uid $uid" ] &&
	pass "real, effective, saved and file uid are all jubao's" ||
	fail "uids: $(grep ^Uid: /proc/$pid/status)"
for f in "$dir/j/jubao.db" "$dir/j/spool" "$dir/j/evidence" "$dir/j/milter.sock"; do
	[ "$(stat -c %U "$f")" = jubao ] && pass "$(basename "$f") belongs to jubao" ||
		fail "$f belongs to $(stat -c %U "$f")"
done

# a report through the socket, as Postfix would send it, committed as jubao
cat >"$dir/send.lua" <<'EOF'
conn = mt.connect("unix:" .. sock, 50, 0.1)
if conn == nil then error("cannot connect") end
mt.conninfo(conn, "mail.example.com", "192.0.2.25")
mt.macro(conn, SMFIC_MAIL, "i", "PRIV1")
mt.mailfrom(conn, "<reporter@example.com>")
mt.rcptto(conn, "<jubao@example.cn>")
mt.data(conn)
mt.header(conn, "From", "reporter@example.com")
mt.header(conn, "Subject", "privdrop report")
mt.header(conn, "Message-ID", "<priv-1@example.com>")
mt.eoh(conn)
mt.bodystring(conn, "诈骗网站 https://x.example.cn/p\r\n")
mt.eom(conn)
r = mt.getreply(conn)
if r ~= SMFIR_ACCEPT and r ~= SMFIR_CONTINUE then error("not accepted: " .. tostring(r)) end
mt.disconnect(conn)
EOF
miltertest -D sock="$dir/j/milter.sock" -s "$dir/send.lua" >"$dir/mt.out" 2>&1 &&
	pass "a report is committed by the unprivileged milter" || fail "report: $(cat "$dir/mt.out") $(tail -3 "$dir/milter.log")"
[ "$(jb_sql "SELECT count(*) FROM cases")" = 1 ] && pass "one case" || fail "cases: $(jb_sql "SELECT count(*) FROM cases")"
ev=$(find "$dir/j/evidence" -type f | head -n 1)
[ -n "$ev" ] && [ "$(stat -c %U "$ev")" = jubao ] && pass "evidence files are jubao's" || fail "evidence owner"

# root's jubaoctl works as jubao: the WAL it may create stays jubao's
out=$(jb_ctl list 2>&1) && pass "jubaoctl run by root reads the store" || fail "jubaoctl: $out"
[ -z "$(find "$dir/j" -user root ! -name jubao.key ! -name jubao.conf)" ] &&
	pass "nothing in the store's directory belongs to root but the key and the configuration" ||
	fail "root's files: $(find "$dir/j" -user root)"
kill "$pid"; wait "$pid" 2>/dev/null
grep -q "stopped" "$dir/milter.log" && pass "and it stops in order" || fail "no orderly stop"
finish
