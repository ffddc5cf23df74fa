#!/bin/bash
# t-purge.sh - retention against hostile reports (issue "Hostile senders",
# finding 8), through a real Postfix and jubaoctl
#
#   - two reports with 4 MB bodies shaped against the redaction (one run of
#     address characters with no "@", and thousands of telephone numbers):
#     purge takes seconds, not hours, and a report sent while it runs is
#     accepted at once (the write lock is held a batch at a time);
#   - a newer case holding the same attachment as a purged one keeps its
#     evidence: purge deletes only what was the purged case's own;
#   - what was purged is gone from the store, its WAL and the evidence.
# Cases are made old by setting closed_at in the store (test tooling, as
# gencases.py): purge has no --now.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/common.sh
. tests/lib/postfix.sh
. tests/lib/jubao.sh

dir=$(mktestdir purge)
sink="$dir/sink"
mkdir -p "$sink"; chown postfix "$sink"
smtp_port=$(free_port); sink_port=$(free_port); milter_port=$(free_port)
JB_CONF=$(jb_conf "$dir/jubao" "$milter_port" "delivery_method = smtp" \
    "smtp_relay = 127.0.0.1:$sink_port" "flood_reporter_hour = 0" \
    "flood_reporter_day = 0" "ack_daily_limit = 0")
jb_milter_start "$JB_CONF" || { fail "jubao-milter did not start"; finish; }
sink_start "$sink" "$sink_port" || { fail "smtp-sink did not start"; finish; }
pf_start "$dir/pf" "$smtp_port" "$sink_port" "inet:127.0.0.1:$milter_port" ||
	{ fail "postfix did not start"; finish; }
send() {
	swaks --server "127.0.0.1:$smtp_port" --from "$1" --to jubao@example.cn \
	    --data "@$2" --silent 2 >>"$dir/swaks.log" 2>&1
}
case_of() {
	jb_sql "SELECT c.case_no FROM cases c JOIN messages m ON m.case_id = c.id WHERE m.message_id = '$1'"
}
# report ID BODYFILE: a report whose text is BODYFILE, with one attachment
report() {
	python3 - "$1" "$2" "$dir/$1.eml" <<'PY'
import base64, sys
mid, body, out = sys.argv[1], open(sys.argv[2], "rb").read(), sys.argv[3]
att = base64.encodebytes(b"the same screenshot in two reports\n" * 50).decode().replace("\n", "\r\n")
open(out, "w").write(
    "From: purge-%s@example.org\r\nTo: jubao@example.cn\r\nSubject: purge %s\r\n"
    "Message-ID: <%s>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
    "--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n%s"
    "--b\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=\"shot.png\"\r\n"
    "Content-Transfer-Encoding: base64\r\n\r\n%s--b--\r\n"
    % (mid, mid, mid, base64.encodebytes(body).decode().replace("\n", "\r\n"), att))
PY
}
python3 -c 'import sys; sys.stdout.write("联系人：张三 " + "a" * (4 << 20))' >"$dir/run.txt"
python3 -c 'import sys; sys.stdout.write("".join("电话 139%08d，" % i for i in range(250000)))' >"$dir/phones.txt"
printf '举报内容\n' >"$dir/short.txt"
report p-run "$dir/run.txt"; report p-phones "$dir/phones.txt"; report p-new "$dir/short.txt"
for m in p-run p-phones p-new; do
	send "purge-$m@example.org" "$dir/$m.eml" || fail "report $m refused"
done
run=$(case_of p-run); phones=$(case_of p-phones); new=$(case_of p-new)
[ -n "$run" ] && [ -n "$phones" ] && [ -n "$new" ] && pass "three reports, two of 4 MB: $run $phones $new" ||
	{ fail "cases: '$run' '$phones' '$new'"; finish; }
[ "$(jb_sql "SELECT count(DISTINCT sha256) FROM evidence WHERE name = 'shot.png'")" = 1 ] &&
	pass "all three hold the same attachment (one SHA-256)" || fail "attachments differ"

# the two big ones are closed, long ago; the new one stays open
for c in "$run" "$phones"; do
	jb_ctl reject --reason test --no-feedback "$c" >/dev/null && jb_ctl feedback "$c" >/dev/null &&
		jb_ctl close "$c" >/dev/null || fail "closing $c"
done
jb_sql "SELECT 1" >/dev/null
sqlite3 "$dir/jubao/jubao.db" "UPDATE cases SET closed_at = strftime('%s') - 200 * 86400 WHERE case_no IN ('$run', '$phones')"

# purge, and a report sent while it runs
report p-during "$dir/short.txt"
t0=$(now_us)
jb_ctl purge >"$dir/purge.out" 2>&1 &
ppid=$!
send purge-p-during@example.org "$dir/p-during.eml"; src=$?
t1=$(now_us)
wait "$ppid"; prc=$?
t2=$(now_us)
[ "$prc" = 0 ] && grep -q "^purged 2 case(s)" "$dir/purge.out" &&
	pass "purge: $(cat "$dir/purge.out")" || fail "purge exit $prc: $(cat "$dir/purge.out")"
secs=$(( (t2 - t0) / 1000000 ))
[ "$secs" -lt 30 ] && pass "purging two 4 MB bodies took ${secs} s (linear redaction)" ||
	fail "purge took ${secs} s"
[ "$src" = 0 ] && [ -n "$(case_of p-during)" ] &&
	pass "a report sent during the purge was accepted ($(( (t1 - t0) / 1000 )) ms), not tempfailed" ||
	fail "the report during the purge: swaks $src, $(tail -n 3 "$dir/swaks.log")"

# the newer case's evidence is whole; the purged cases' files are gone
jb_ctl evidence "$new" 2 >"$dir/new-shot" && grep -q "the same screenshot" "$dir/new-shot" &&
	pass "the open case holding the same attachment still opens it" ||
	fail "the open case lost its evidence: $(jb_ctl evidence "$new" 2 2>&1 >/dev/null)"
out=$(jb_ctl evidence "$run" 2 2>&1 >/dev/null); rc=$?
[ "$rc" = 1 ] && [[ "$out" == *"deleted at purge"* ]] &&
	pass "a purged case's evidence says it was deleted" || fail "purged evidence: $rc $out"
left=0
for id in $(jb_sql "SELECT e.file FROM evidence e JOIN cases c ON c.id = e.case_id WHERE c.case_no IN ('$run', '$phones')"); do
	[ -e "$dir/jubao/evidence/${id:0:2}/$id" ] && left=$((left + 1))
done
[ "$left" = 0 ] && pass "every evidence file of the purged cases is deleted" || fail "$left files left"
db="$dir/jubao/jubao.db"
cat "$db" "$db-wal" 2>/dev/null >"$dir/raw.bin"
grep -aq -e "purge-p-run@example.org" -e "13900001234" -e "张三" "$dir/raw.bin" &&
	fail "purged identity is still in the store's files" ||
	pass "no address, number or name of the purged cases is left in the store or its WAL"
finish
