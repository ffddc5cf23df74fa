#!/bin/bash
# t-large.sh - a report with a 20 MB attachment through Postfix: spooled in
# 64 KiB body chunks, the attachment kept whole as evidence; a report over
# max_message_size is refused with 552 5.3.4, not tempfailed for ever.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/common.sh
. tests/lib/postfix.sh
. tests/lib/jubao.sh

dir=$(mktestdir large)
sink="$dir/sink"
mkdir -p "$sink"; chown postfix "$sink"
smtp_port=$(free_port); sink_port=$(free_port); milter_port=$(free_port)
JB_CONF=$(jb_conf "$dir/jubao" "$milter_port" "max_message_size = 40m" \
    "delivery_method = smtp" "smtp_relay = 127.0.0.1:$sink_port")
jb_milter_start "$JB_CONF" || { fail "jubao-milter did not start"; finish; }
sink_start "$sink" "$sink_port" || { fail "smtp-sink did not start"; finish; }
pf_start "$dir/pf" "$smtp_port" "$sink_port" "inet:127.0.0.1:$milter_port" ||
	{ fail "postfix did not start"; finish; }

head -c $((20 * 1024 * 1024)) /dev/urandom >"$dir/video.mp4"
want=$(sha256sum <"$dir/video.mp4" | cut -d' ' -f1)
swaks --server "127.0.0.1:$smtp_port" --from big@example.com --to jubao@example.cn \
    --header "Subject: 举报暴力视频" --body "视频见附件，原地址 https://v.example.cn/1" \
    --attach-type video/mp4 --attach-name "录像.mp4" --attach "@$dir/video.mp4" \
    --silent 2 >"$dir/swaks.log" 2>&1 &&
	pass "a 20 MB report is accepted" || fail "20 MB report: $(tail -n 3 "$dir/swaks.log")"
c=$(jb_sql "SELECT case_no FROM cases LIMIT 1")
got=$(jb_ctl show --json "$c" | python3 -c 'import json,sys
c = json.load(sys.stdin)
print(" ".join("%s:%s:%s" % (e["name"], e["size"], e["sha256"]) for e in c["evidence"] if not e["original"]))')
[ "$got" = "录像.mp4:$((20 * 1024 * 1024)):$want" ] &&
	pass "the attachment is evidence, whole: name, size and SHA-256 match" ||
	fail "evidence: '$got' (want 录像.mp4 $want)"
jb_ctl evidence "$c" 2 >"$dir/opened.mp4"
cmp -s "$dir/opened.mp4" "$dir/video.mp4" && pass "the stored file opens to the attachment, byte for byte" ||
	fail "stored evidence differs"

head -c $((45 * 1024 * 1024)) /dev/urandom >"$dir/huge.bin"
swaks --server "127.0.0.1:$smtp_port" --from big@example.com --to jubao@example.cn \
    --header "Subject: too big" --attach "@$dir/huge.bin" >"$dir/swaks2.log" 2>&1
grep -q "552 5.3.4" "$dir/swaks2.log" &&
	pass "a report over max_message_size is refused with 552 5.3.4" ||
	fail "over the limit: $(grep -E '^ *<\*\* |^ *<~?\* ' "$dir/swaks2.log" | tail -n 3)"
[ "$(jb_sql "SELECT count(*) FROM cases")" = 1 ] && pass "and makes no case" || fail "case count"
# emptied spool files are kept for the next reports: none may hold a byte
[ -z "$(find "$dir/jubao/spool" -type f -size +0)" ] &&
	[ "$(find "$dir/jubao/spool" -type f | wc -l)" -le 32 ] &&
	pass "nothing of the reports is left in the spool" ||
	fail "spool: $(ls -l "$dir/jubao/spool")"
finish
