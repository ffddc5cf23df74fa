#!/bin/bash
# t-workflow.sh - a case's whole life, through a real Postfix: report,
# acknowledgement, accept, dispose, outcome feedback delivered (VERP), the
# reporter's rating by reply, a bounce of the feedback, close, reopen; every
# refused transition; rejection and transfer with their feedback; bulk
# actions from standard input; list filters; same matter, same result.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/common.sh
. tests/lib/postfix.sh
. tests/lib/jubao.sh

M=tests/data/mail
dir=$(mktestdir wf)
sink="$dir/sink"
mkdir -p "$sink"; chown postfix "$sink"
smtp_port=$(free_port); sink_port=$(free_port); milter_port=$(free_port)
JB_CONF=$(jb_conf "$dir/jubao" "$milter_port" "delivery_method = smtp" \
    "smtp_relay = 127.0.0.1:$smtp_port" "outbox_interval = 1s" \
    "bounce_address = jubao-bounces@example.cn")
jb_milter_start "$JB_CONF" || { fail "jubao-milter did not start"; finish; }
sink_start "$sink" "$sink_port" || { fail "smtp-sink did not start"; finish; }
pf_start "$dir/pf" "$smtp_port" "$sink_port" "inet:127.0.0.1:$milter_port" ||
	{ fail "postfix did not start"; finish; }

send() {
	swaks --server "127.0.0.1:$smtp_port" --from "$1" --to "$2" \
	    --data "@$3" --silent 2 >>"$dir/swaks.log" 2>&1
}
find_mail() { python3 tests/lib/mail.py find "$sink" "$@"; }
has_mail() { [ -n "$(find_mail "$@")" ]; }
json() { jb_ctl --json show "$1" | python3 -c "import json,sys; c=json.load(sys.stdin); print($2)"; }
ctl() { jb_ctl --actor handler-li "$@"; }
# refused - refused WHAT CMD...: the command must exit 1 saying why
refused() {
	local what=$1 out rc
	shift
	out=$(ctl "$@" 2>&1); rc=$?
	[ "$rc" = 1 ] && [ -n "$out" ] && pass "refused: $what ($out)" ||
		fail "$what: exit $rc, '$out'"
}

# reports: a fraud report (two, about the same URL), an incomplete enterprise one
sed -e 's/^Message-ID: .*/Message-ID: <wf-a@example.com>/' "$M/11-html-only.eml" >"$dir/a.eml"
sed -e 's/^Message-ID: .*/Message-ID: <wf-b@example.com>/' -e 's/^From: .*/From: other@example.org/' \
    -e 's/^Subject: .*/Subject: =?UTF-8?B?5Lic5Lqm5Liq6ZKT6bG8572R56uZ?=/' "$M/11-html-only.eml" >"$dir/b.eml"
send wujiu@example.com jubao@example.cn "$dir/a.eml" || fail "send a"
send other@example.org jubao@example.cn "$dir/b.eml" || fail "send b"
send pr@huadong-energy.example.cn jubao@example.cn "$M/37-ent-missing-evidence-guarantee.eml" || fail "send c"
a=$(jb_sql "SELECT c.case_no FROM cases c JOIN messages m ON m.case_id = c.id WHERE m.message_id = 'wf-a@example.com'")
b=$(jb_sql "SELECT c.case_no FROM cases c JOIN messages m ON m.case_id = c.id WHERE m.message_id = 'wf-b@example.com'")
c=$(jb_sql "SELECT case_no FROM cases WHERE status = 'awaiting_materials'")
[ -n "$a" ] && [ -n "$b" ] && [ -n "$c" ] && pass "three cases: $a, $b, $c" || fail "cases: '$a' '$b' '$c'"
wait_for -t 20 has_mail rcpt=wujiu@example.com "subject~=[JB $a]"

# every transition that is not allowed is refused, with the reason
refused "dispose a received case" dispose --measure delete "$a"
refused "feedback before an outcome" feedback "$a"
refused "close a received case" close "$a"
refused "reopen a received case" reopen "$a"
refused "objection to an undecided case" objection --text "x" "$a"
refused "accept an incomplete enterprise report" accept "$c"
ctl accept "$c" 2>&1 | grep -q "工作规范 第五条: evidence, guarantee" &&
	pass "the refusal names the missing elements" || fail "no element list in the refusal"
refused "an unknown case" accept 261123999990
refused "a mistyped case number" accept 261123000018
[ "$(json "$a" 'c["status"]')" = received ] && pass "refusals change nothing" || fail "status changed"

# the life of case a
[ "$(ctl accept "$a")" = "$a: accepted" ] && pass "accept" || fail "accept"
refused "accept twice" accept "$a"
out=$(ctl dispose "$a" 2>&1); [ $? = 2 ] && pass "dispose with no measure is a usage error" || fail "$out"
out=$(ctl dispose --measure private "$a" 2>&1); [ $? = 2 ] &&
	pass "限时加私 needs --until (usage)" || fail "private without --until: $out"
out=$(ctl dispose --measure burn "$a" 2>&1); [ $? = 2 ] && pass "an unknown measure is a usage error" || fail "$out"
# a removal waits for a second person (审处分离): the proposer cannot approve
[ "$(ctl dispose --measure delete --measure warn --explain '涉事网页已删除，发布账号已被警示' "$a")" = \
    "$a: proposed, awaits a reviewer's approval" ] &&
    [ "$(json "$a" 'c["status"]')" = accepted ] &&
	pass "dispose with delete: proposed, the case still accepted" || fail "dispose"
echo 'li-reviewer-password' | jb_ctl user add handler-li --role reviewer >/dev/null &&
	pass "user add: handler-li is a reviewer too" || fail "user add"
out=$(ctl approve "$a" 2>&1); [ $? = 1 ] && echo "$out" | grep -q "handler-li proposed this disposal and cannot approve it" &&
	pass "the proposer cannot approve their own removal (exit 1)" || fail "self-approval: $out"
refused "a second disposal while one is proposed" dispose --measure warn "$a"
out=$(jb_approve "$JB_CONF" "$a") && [ "$out" = "$a: feedback_sent" ] &&
	pass "approved by a second person: the outcome feedback is queued" || fail "approve: $out"
jb_sql "SELECT action || ' ' || actor FROM events e JOIN cases c ON c.id = e.case_id WHERE c.case_no = '$a' AND action IN ('propose', 'approve', 'dispose') ORDER BY e.id" >"$dir/review.ev"
[ "$(cat "$dir/review.ev" | tr '\n' ,)" = "propose handler-li,approve shen.rev,dispose handler-li," ] &&
	pass "both names in the ledger: proposed and disposed by handler-li, approved by shen.rev" ||
	fail "ledger: $(cat "$dir/review.ev")"
wait_for -t 20 has_mail rcpt=wujiu@example.com "subject~=您的举报已处理完毕"
f=$(find_mail rcpt=wujiu@example.com "subject~=您的举报已处理完毕" | head -n 1)
if [ -n "$f" ]; then
	python3 tests/lib/mail.py show "$f" >"$dir/fb.txt"
	verp=$(sed -n 's/^Envelope-From: <\(.*\)>$/\1/p' "$dir/fb.txt")
	[[ "$verp" =~ ^jubao-bounces\+$a\.[0-9a-f]{8}\.[0-9a-f]{16}@example\.cn$ ]] &&
		pass "the feedback's envelope sender is the signed VERP address of the case ($verp)" ||
		fail "envelope: $(grep Envelope-From "$dir/fb.txt")"
	grep -q "删除了相关内容" "$dir/fb.txt" && grep -q "对相关账号进行了警示教育" "$dir/fb.txt" &&
	    grep -q "涉事网页已删除，发布账号已被警示" "$dir/fb.txt" &&
		pass "it lists the measures and the public explanation" || fail "feedback body: $(cat "$dir/fb.txt")"
	! grep -q "handler-li" "$dir/fb.txt" && pass "it names no handler" || fail "the handler's name is in the feedback"
	grep -q "^Auto-Submitted: auto-generated$" "$dir/fb.txt" && pass "marked Auto-Submitted" || fail "no Auto-Submitted"
	fbid=$(sed -n 's/^Message-Id: <\(.*\)>$/\1/p' "$dir/fb.txt" | head -n 1)
else
	fail "no feedback reached the reporter"
fi
[ "$(json "$a" '[(m["kind"], m["status"]) for m in c["messages"]]')" = \
    "[('ack', 'sent'), ('feedback', 'sent')]" ] && pass "the case shows its messages: ack and feedback sent" ||
	fail "messages: $(json "$a" 'c["messages"]')"
[ "$(json "$a" '[m["measure"] for m in c["measures"]]')" = "['delete', 'warn']" ] &&
	pass "the measures are on the case" || fail "measures"

# the reporter rates it by replying; a stranger cannot
cat >"$dir/rate.eml" <<EOF
From: wujiu@example.com
To: jubao@example.cn
Subject: Re: [JB $a] 您的举报已处理完毕
Message-ID: <rate-$a@example.com>
In-Reply-To: <$fbid>
Content-Type: text/plain; charset=utf-8

5

> 您举报的第 $a 号案件已核查处置完毕。
EOF
send wujiu@example.com jubao@example.cn "$dir/rate.eml" || fail "send rating"
[ "$(json "$a" 'c["satisfaction"]')" = 5 ] && pass "the reporter's reply '5' is recorded as satisfaction 5" ||
	fail "satisfaction: $(json "$a" 'c["satisfaction"]')"
[ "$(jb_sql "SELECT count(*) FROM cases")" = 3 ] && pass "a rating opens no case" || fail "case count after rating"
# the milter sealed the rating's original as it sealed every message: no
# row names it, so it must be gone
out=$(jb_evidence_named "$dir/jubao/evidence") &&
	pass "every sealed file in evidence_dir is a case's: none is the rating's" ||
	fail "$out"

# bounces (issue "Hostile senders", finding 6): only a delivery status
# report of a failure, to the signed VERP address of a message we sent,
# marks the feedback failed
# dsn - dsn ACTION: a delivery status report for the feedback
dsn() {
	cat <<EOF
From: MAILER-DAEMON@mx.example.com
To: $verp
Subject: Undelivered Mail Returned to Sender
Message-ID: <bounce-$1-$RANDOM@mx.example.com>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

I'm sorry to have to inform you that your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.com

Final-Recipient: rfc822; wujiu@example.com
Action: $1
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <wujiu@example.com>: Recipient address rejected

--B--
EOF
}
# bounce_to - bounce_to ADDRESS FILE: FILE from the null sender to ADDRESS
bounce_to() {
	swaks --server "127.0.0.1:$smtp_port" --from '<>' --to "$1" --data "@$2" \
	    --silent 2 >>"$dir/swaks.log" 2>&1
}
fbstatus() {
	json "$a" '[(m["status"], m["reason"]) for m in c["messages"] if m["kind"] == "feedback"]'
}
dsn failed >"$dir/bounce.eml"
# forged: the unsigned address of before, a changed MAC, another message
bounce_to "jubao-bounces+$a@example.cn" "$dir/bounce.eml"
bounce_to "${verp%.*}.0000000000000000@example.cn" "$dir/bounce.eml"
# signed with the site's key (tests/tools/jbkey.py), for a message never sent
other="jubao-bounces+$(python3 tests/tools/jbkey.py "$dir/jubao/jubao.key" verp "$a" deadbeef)@example.cn"
bounce_to "$other" "$dir/bounce.eml"
# signed, but not a failure report: a delay notice, and plain text
dsn delayed >"$dir/delayed.eml"
bounce_to "$verp" "$dir/delayed.eml"
printf 'From: MAILER-DAEMON@mx.example.com\nSubject: Undelivered\nMessage-ID: <plain-%s@x>\n\nAction: failed\n' "$a" >"$dir/plain.eml"
bounce_to "$verp" "$dir/plain.eml"
# and a person writing to it
printf 'From: someone@example.org\nSubject: hello\nMessage-ID: <nb-%s@x>\n\nnot a bounce\n' "$a" >"$dir/nb.eml"
swaks --server "127.0.0.1:$smtp_port" --from someone@example.org --to "$verp" \
    --data "@$dir/nb.eml" --silent 2 >>"$dir/swaks.log" 2>&1
sleep 1
[ "$(fbstatus)" = "[('sent', None)]" ] &&
	[ "$(jb_sql "SELECT count(*) FROM events e JOIN cases c ON c.id = e.case_id WHERE c.case_no = '$a' AND e.action = 'feedback_bounced'")" = 0 ] &&
	pass "forged bounces change nothing: unsigned, a bad MAC, a message never sent, a delay notice, plain text, a person" ||
	fail "after forged bounces: $(fbstatus)"
wait_for -t 10 has_mail "rcpt=jubao-bounces+$a@example.cn" &&
	pass "mail to an unsigned VERP address is not ours: passed on like any mail" ||
	fail "the unsigned VERP address"
[ -z "$(find_mail "rcpt=$verp")" ] &&
	pass "mail to the signed VERP address that is no failure report is discarded" ||
	fail "something to $verp was delivered"
grep -q "not a delivery failure report from the null sender: discarded" "$dir/jubao/milter.log" &&
	grep -q "a failure report for a feedback message that was not sent: discarded" "$dir/jubao/milter.log" &&
	pass "the milter says why each was discarded" || fail "milter log: $(grep -i bounce "$dir/jubao/milter.log" | tail -3)"
# the real one
bounce_to "$verp" "$dir/bounce.eml" && pass "the bounce is accepted" || fail "bounce refused"
[ "$(fbstatus)" = "[('failed', 'bounced')]" ] && pass "the bounce marks the feedback failed on the case" ||
	fail "after the bounce: $(json "$a" 'c["messages"]')"
json "$a" '[e["detail"] for e in c["events"] if e["action"] == "feedback_bounced"][0]' >"$dir/bd"
grep -q "Status: 5.1.1" "$dir/bd" && ! grep -q "wujiu" "$dir/bd" &&
	pass "the ledger keeps the status, not the address ($(cat "$dir/bd"))" || fail "bounce detail: $(cat "$dir/bd")"
[ "$(jb_sql "SELECT count(*) FROM cases")" = 3 ] && [ -z "$(find_mail "rcpt=$verp")" ] &&
	pass "the bounce opens no case and is not delivered" || fail "the bounce went on"

[ "$(ctl close "$a")" = "$a: closed" ] && pass "close after feedback" || fail "close"
refused "close twice" close "$a"
[ "$(ctl objection --text '被举报方提出异议，称内容属实' "$a")" = "$a: reopened" ] &&
	pass "an objection from the reported party reopens it" || fail "objection"
[ "$(ctl accept "$a")" = "$a: accepted" ] && pass "and it can be handled again" || fail "accept after reopen"

# same matter, same result: b names the same address as a
json "$b" '[(r["case"], r["outcome"], r["measures"]) for r in c["related"]][0]' | grep -q "$a" &&
	pass "case $b shows the earlier case $a about the same address, with its measures" ||
	fail "related: $(json "$b" 'c["related"]')"
jb_ctl --json hot | python3 -c 'import json,sys; h=json.load(sys.stdin); sys.exit(0 if h[0]["cases"] == 2 else 1)' &&
	pass "hot lists the address reported twice first" || fail "hot: $(jb_ctl hot)"

# reject and transfer, each with its own feedback
[ "$(ctl reject --reason '所举报内容未违反相关规定' "$b")" = "$b: feedback_sent" ] && pass "reject" || fail "reject"
wait_for -t 20 has_mail rcpt=other@example.org "subject~=您的举报处理结果"
f=$(find_mail rcpt=other@example.org "subject~=您的举报处理结果" | head -n 1)
[ -n "$f" ] && python3 tests/lib/mail.py show "$f" | grep -q "原因：所举报内容未违反相关规定" &&
	pass "the rejection's feedback gives the reason" || fail "no rejection feedback"

# bulk: case numbers on standard input
printf '%s\n%s\n' "$a" "$c" | ctl assign --to 王五 >"$dir/bulk.out"
[ "$(cat "$dir/bulk.out")" = "$a: accepted
$c: awaiting_materials" ] && pass "bulk assign from standard input" || fail "bulk: $(cat "$dir/bulk.out")"
printf '%s\n261123999990\n' "$a" | ctl note --text '已电话联系' >/dev/null 2>&1; rc=$?
[ "$rc" = 1 ] && [ "$(json "$a" '[e["action"] for e in c["events"]][-1]')" = note ] &&
	pass "bulk: a bad line fails (exit 1), the good ones are done" || fail "bulk note exit $rc"
[ "$(jb_ctl --json list --assignee 王五 | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 2 ] &&
	pass "list --assignee" || fail "list --assignee"
[ "$(jb_ctl --json list --text 钓鱼 --outcome not_accepted | python3 -c 'import json,sys; print([c["case"] for c in json.load(sys.stdin)])')" = "['$b']" ] &&
	pass "list --text --outcome" || fail "list --text"
# the text matches without regard to case, on every engine (both reports
# say "Q&A"; PostgreSQL's LIKE alone would not find "q&a")
n1=$(jb_ctl --json list --text 'q&a' --limit 0 | python3 -c 'import json,sys; print(sorted(c["case"] for c in json.load(sys.stdin)))')
n2=$(jb_ctl --json list --text 'Q&A' --limit 0 | python3 -c 'import json,sys; print(sorted(c["case"] for c in json.load(sys.stdin)))')
[ "$n1" = "$n2" ] && [ "$n1" = "$(python3 -c 'import sys; print(sorted(sys.argv[1:]))' "$a" "$b")" ] &&
	pass "list --text ignores case ($JB_ENGINE)" || fail "list --text q&a: $n1, Q&A: $n2"
[ "$(jb_ctl --json list --category ent_misleading --channel email | python3 -c 'import json,sys; print([c["case"] for c in json.load(sys.stdin)])')" = "['$c']" ] &&
	pass "list --category --channel" || fail "list --category"
[ "$(ctl transfer --to 公安机关 --explain '涉嫌诈骗犯罪' "$a")" = "$a: feedback_sent" ] && pass "transfer" || fail "transfer"
wait_for -t 20 has_mail rcpt=wujiu@example.com "subject~=已转交处理"
f=$(find_mail rcpt=wujiu@example.com "subject~=已转交处理" | head -n 1)
[ -n "$f" ] && python3 tests/lib/mail.py show "$f" | grep -q "已转交公安机关依法处理" &&
	pass "the transfer's feedback says to whom" || fail "no transfer feedback"

# every action is in the ledger with its actor
[ "$(jb_sql "SELECT count(*) FROM events e JOIN cases c ON c.id = e.case_id WHERE c.case_no = '$a' AND e.actor = 'handler-li'")" -ge 7 ] &&
	pass "every action is an event with its actor" || fail "events: $(json "$a" 'c["events"]')"
# what every step above changed is in the statistics' rollup as a scan of
# every case sees it (store_rollup.c)
out=$(jb_stats_same "@$(($(date +%s) - 30 * 86400))" "@$(($(date +%s) + 86400))") &&
	pass "the statistics' rollup gives what a scan of every case gives" ||
	fail "rollup and scan differ: $out"
finish
