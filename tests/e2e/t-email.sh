#!/bin/bash
# t-email.sh - email intake end to end through a real Postfix
#
# smtp client (swaks) -> Postfix 127.0.0.1 with smtpd_milters = jubao-milter
# -> smtp-sink.  jubao's acknowledgements go out by SMTP through the same
# Postfix and land in the same smtp-sink.  Checks what a mail administrator,
# a handler (jubaoctl show --json) and a reporter (the acknowledgement) see.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/common.sh
. tests/lib/postfix.sh
. tests/lib/jubao.sh

M=tests/data/mail
dir=$(mktestdir e2e)
sink="$dir/sink"
mkdir -p "$sink"; chown postfix "$sink"
smtp_port=$(free_port); sink_port=$(free_port); milter_port=$(free_port)
JB_CONF=$(jb_conf "$dir/jubao" "$milter_port" "delivery_method = smtp" \
    "smtp_relay = 127.0.0.1:$smtp_port" "outbox_interval = 1s" \
    "outbox_backoff_min = 1s" "flood_reporter_hour = 3")
jb_milter_start "$JB_CONF" || { fail "jubao-milter did not start"; finish; }
sink_start "$sink" "$sink_port" || { fail "smtp-sink did not start"; finish; }
pf_start "$dir/pf" "$smtp_port" "$sink_port" "inet:127.0.0.1:$milter_port" ||
	{ fail "postfix did not start"; finish; }

# send - send FROM TO FILE: one message through Postfix; swaks' exit status
send() {
	swaks --server "127.0.0.1:$smtp_port" --from "$1" --to "$2" \
	    --data "@$3" --silent 2 >>"$dir/swaks.log" 2>&1
}
# find - find COND...: the captured messages that match (tests/lib/mail.py)
find_mail() {
	python3 tests/lib/mail.py find "$sink" "$@"
}
# has_mail - has_mail COND...: true when a captured message matches
has_mail() {
	[ -n "$(find_mail "$@")" ]
}
# case_of - the X-Jubao-Case of the copy delivered to RCPT with SUBJECT
case_of() {
	local f
	f=$(find_mail "rcpt=$1" "subject~=$2" header=X-Jubao-Case | head -n 1)
	[ -n "$f" ] && python3 tests/lib/mail.py show "$f" | sed -n 's/^X-Jubao-Case: //p'
}
# json - json CASE EXPR: evaluate a Python expression over "show --json" (c)
json() {
	jb_ctl show --json "$1" | python3 -c "import json,sys; c=json.load(sys.stdin); print($2)"
}

# 1. a complete enterprise report, GB18030 attachment names and all
check "a complete enterprise report is accepted by Postfix" \
    send legal@xinghe-food.example.cn jubao@example.cn "$M/36-ent-complete.eml"
# 2. an incomplete one
check "an incomplete enterprise report is accepted" \
    send pr@huadong-energy.example.cn report@example.cn "$M/37-ent-missing-evidence-guarantee.eml"
# 3. ordinary mail, to someone else
check "ordinary mail is accepted" \
    send friend@example.org someone@example.org "$M/01-utf8-plain.eml"
# 4. an auto-reply to the reporting mailbox (bulk, from a vacation program)
check "an auto-reply is accepted" \
    send vacation@example.com jubao@example.cn "$M/24-x-autoreply-precedence.eml"
# 5. an English report
check "an English report is accepted" \
    send john.smith@example.com jubao@example.cn "$M/42-english-fraud.eml"

# four reports and ordinary mail relayed, three acknowledgements
sink_wait "$sink" 8 30 || diag "only $(sink_count "$sink") messages captured"
wait_for -t 20 has_mail rcpt=john.smith@example.com
wait_for -t 20 has_mail rcpt=pr@huadong-energy.example.cn

c1=$(case_of jubao@example.cn "星河食品")
c1=${c1:-$(case_of jubao@example.cn "涉企举报")}
c2=$(case_of report@example.cn "")
[ -n "$c1" ] && pass "the delivered report carries X-Jubao-Case: $c1" ||
	fail "no X-Jubao-Case on the delivered report"
f=$(find_mail rcpt=jubao@example.cn header=X-Jubao-Case header=Authentication-Results | head -n 1)
[ -n "$f" ] && python3 tests/lib/mail.py show "$f" | grep -q "^Authentication-Results: mx.test.example; spf=" &&
	pass "and Authentication-Results with our authserv-id" ||
	fail "no Authentication-Results on the delivered report"
o=$(find_mail rcpt=someone@example.org)
[ -n "$o" ] && [ -z "$(find_mail rcpt=someone@example.org header=X-Jubao-Case)" ] &&
	pass "ordinary mail arrives without X-Jubao-Case" || fail "ordinary mail: '$o'"
# the ordinary message's body arrives as sent
if [ -n "$o" ]; then
	python3 - "$o" "$M/01-utf8-plain.eml" <<'PY' && pass "ordinary mail's body is untouched" || fail "ordinary mail's body changed"
import re, sys
got = open(sys.argv[1], "rb").read()
want = re.split(rb"\r?\n\r?\n", open(sys.argv[2], "rb").read(), 1)[1]
sys.exit(0 if want.replace(b"\r\n", b"\n").strip() in got else 1)
PY
fi
n=$(jb_sql "SELECT count(*) FROM cases")
[ "$n" = 4 ] && pass "four cases (ordinary mail made none)" || fail "$n cases, want 4"

# the handler's view
if [ -n "$c1" ]; then
	[ "$(json "$c1" 'c["category"], c["status"], c["missing_elements"], c["channel"]')" = \
	    "ent_rumour received [] email" ] && pass "case $c1: ent_rumour, received, nothing missing" ||
		fail "case $c1: $(json "$c1" 'c["category"], c["status"], c["missing_elements"]')"
	[ "$(json "$c1" 'sorted(e["name"] for e in c["evidence"] if not e["original"])')" = \
	    "['screenshot.png', '营业执照.jpg']" ] && pass "case $c1 keeps both attachments as evidence" ||
		fail "evidence: $(json "$c1" 'c["evidence"]')"
	json "$c1" 'c["urls"]' | grep -q "https://weibo.com/u/5566778899" &&
		pass "case $c1 names the reported URL" || fail "urls: $(json "$c1" 'c["urls"]')"
	# the evidence files are there, sealed (finding 10): nothing of the
	# report is readable in them, and "jubaoctl evidence" opens each to
	# the bytes its SHA-256 was recorded for, and records the opening
	n=$(json "$c1" 'len(c["evidence"])')
	: >"$dir/ev.check"
	for i in $(seq 1 "$n"); do
		want=$(json "$c1" "c['evidence'][$i - 1]['sha256']")
		got=$(jb_ctl --actor auditor-qian evidence "$c1" "$i" | sha256sum | cut -d' ' -f1)
		[ "$got" = "$want" ] || echo "item $i: $got, recorded $want" >>"$dir/ev.check"
	done
	# each byte stored once: the original is sealed, its attachments are
	# found again in it (jubaoctl evidence above opened them all)
	[ "$(jb_sql "SELECT count(*) FROM evidence e JOIN cases c ON c.id = e.case_id WHERE c.case_no = '$c1' AND e.file IS NULL AND e.derived = 1")" = $((n - 1)) ] ||
		echo "not every attachment is derived from the original" >>"$dir/ev.check"
	jb_sql "SELECT file FROM evidence e JOIN cases c ON c.id = e.case_id WHERE c.case_no = '$c1' AND e.file IS NOT NULL" |
	while read -r id; do
		[ "$(jb_evidence_head "$dir/jubao/evidence" "$id")" = jubaoev1 ] ||
			echo "$id is not sealed" >>"$dir/ev.check"
	done
	[ "$n" -ge 3 ] && [ ! -s "$dir/ev.check" ] &&
		pass "all $n evidence items open to their recorded SHA-256: the original sealed, the attachments found again in it" ||
		fail "evidence files: $(cat "$dir/ev.check")"
	# the original names the reporter: its opening, and only its, is a reveal
	[ "$(json "$c1" '[e["detail"] for e in c["events"] if e["action"] == "reveal" and e["actor"] == "auditor-qian"] == ["reporter identity shown: the original message (item %d) opened with jubaoctl evidence" % i for i in [k + 1 for k, e in enumerate(c["evidence"]) if e["original"]]]')" = True ] &&
	[ "$(json "$c1" 'len([e for e in c["events"] if e["action"] == "evidence_opened" and e["actor"] == "auditor-qian"])')" = "$n" ] &&
		pass "jubaoctl evidence: each opening in the ledger; the original's also as a reveal" ||
		fail "openings: $(json "$c1" '[(e["action"], e["detail"]) for e in c["events"] if e["actor"] == "auditor-qian"]')"
	if [ "$JB_ENGINE" = postgresql ]; then
		[ "$(jb_sql "SELECT count(*) FROM evidence_data WHERE position(convert_to('星河食品', 'UTF8') IN data) > 0 OR position('weibo.com/u/5566778899'::bytea IN data) > 0 OR position('IHDR'::bytea IN data) > 0")" = 0 ] &&
		[ "$(jb_sql "SELECT count(*) FROM evidence_data")" -ge 3 ] &&
		[ "$(jb_sql "SELECT count(*) = sum(CASE WHEN position('jubaoev1'::bytea IN data) = 1 THEN 1 ELSE 0 END) FROM evidence_data")" = t ] &&
			pass "no report text and no image bytes are readable in the evidence the store keeps (the search finds the seal's header)" ||
			fail "report text or image bytes are readable in evidence_data"
	fi
	grep -rqaF -e "星河食品" -e "weibo.com/u/5566778899" -e "IHDR" "$dir/jubao/evidence" &&
		fail "report text or image bytes are readable in the evidence directory" ||
		pass "no report text and no image bytes are readable in the evidence directory"
	[ "$(json "$c1" 'len([e for e in c["events"] if e["action"] == "evidence_opened" and e["actor"] == "auditor-qian" and e["uid"] == 0])')" = "$n" ] &&
		pass "each opening is in the ledger, with the actor and the real uid" ||
		fail "evidence_opened events: $(json "$c1" '[e for e in c["events"] if e["action"] == "evidence_opened"]')"
	out=$(script -qc "$JB_CTL -c $JB_CONF evidence $c1 1" /dev/null 2>&1); rc=$?
	[[ "$out" == *"not for a terminal"* ]] && pass "evidence is never written to a terminal" ||
		fail "evidence to a terminal: $rc $out"
	json "$c1" 'c.get("reporter")' | grep -q None &&
		pass "show without --reveal shows no reporter" || fail "reporter shown without --reveal"
	json "$c1" 'c["deadline"] > c["received_at"]' | grep -q True &&
		pass "the deadline follows receipt (RFC 3339)" || fail "deadline"
fi
if [ -n "$c2" ]; then
	[ "$(json "$c2" 'c["status"], sorted(c["missing_elements"])')" = \
	    "awaiting_materials ['evidence', 'guarantee']" ] &&
		pass "case $c2 awaits evidence and guarantee" ||
		fail "case $c2: $(json "$c2" 'c["status"], c["missing_elements"]')"
fi

# the reporter's view: acknowledgements
ack1=$(find_mail rcpt=legal@xinghe-food.example.cn "subject~=[JB $c1]" | head -n 1)
if [ -n "$ack1" ]; then
	python3 tests/lib/mail.py show "$ack1" >"$dir/ack1.txt"
	pass "the reporter got an acknowledgement for $c1"
	grep -q '^Envelope-From: <>$' "$dir/ack1.txt" && pass "with a null envelope sender" ||
		fail "envelope sender: $(grep Envelope-From "$dir/ack1.txt")"
	grep -q '^Auto-Submitted: auto-replied$' "$dir/ack1.txt" && pass "marked Auto-Submitted: auto-replied" ||
		fail "no Auto-Submitted"
	grep -q '^In-Reply-To: <36.ent-complete@mail.example.com>$' "$dir/ack1.txt" &&
		pass "threaded to the report (In-Reply-To)" || fail "In-Reply-To: $(grep -i in-reply "$dir/ack1.txt")"
	grep -q "^Subject: \[JB $c1\] 您的举报已收到" "$dir/ack1.txt" && pass "subject in Chinese with the case number" ||
		fail "subject: $(grep ^Subject "$dir/ack1.txt")"
	# the store keeps the PIN's keyed hash only (finding 10): the PIN in
	# the acknowledgement must be the one that hash is of
	pin=$(sed -n 's/^ *查询密码：\([0-9]\{6\}\)$/\1/p' "$dir/ack1.txt")
	[ -n "$pin" ] && [ "$(jb_sql "SELECT pin FROM cases WHERE case_no = '$c1'")" = "" ] &&
	    [ "$(python3 tests/tools/jbkey.py "$dir/jubao/jubao.key" pin "$c1" "$pin")" = \
	    "$(jb_sql "SELECT pin_hash FROM cases WHERE case_no = '$c1'")" ] &&
	    grep -q "案件编号：$c1" "$dir/ack1.txt" &&
		pass "the body gives the case number and receipt PIN" || fail "body: $(cat "$dir/ack1.txt")"
	grep -q "涉企侵权-谣言性信息" "$dir/ack1.txt" && pass "and the category by name" || fail "no category name"
	! grep -q "尚缺少以下材料" "$dir/ack1.txt" && pass "a complete report is not asked for more" ||
		fail "a complete report was asked for materials"
else
	fail "no acknowledgement for $c1"
fi
ack2=$(find_mail rcpt=pr@huadong-energy.example.cn "subject~=[JB $c2]" | head -n 1)
if [ -n "$ack2" ]; then
	python3 tests/lib/mail.py show "$ack2" >"$dir/ack2.txt"
	grep -q "尚缺少以下材料" "$dir/ack2.txt" && grep -q "初步证据材料" "$dir/ack2.txt" &&
	    grep -q "文字保证" "$dir/ack2.txt" && ! grep -q "举报人姓名和联系方式" "$dir/ack2.txt" &&
		pass "the incomplete report's acknowledgement lists exactly what is missing" ||
		fail "ack2: $(cat "$dir/ack2.txt")"
	grep -q "请直接回复本邮件补充上述材料" "$dir/ack2.txt" && pass "and how to supply it: by a reply" ||
		fail "no instruction to reply"
	ack2id=$(sed -n 's/^Message-Id: <\(.*\)>$/\1/p' "$dir/ack2.txt" | head -n 1)
	[[ "$ack2id" =~ ^jubao\.$c2\.ack\.[0-9a-f]{8}\.[0-9a-f]{20}@example\.cn$ ]] &&
		pass "its Message-ID carries a MAC ($ack2id)" || fail "Message-ID: $ack2id"
else
	fail "no acknowledgement for the incomplete report"
fi
c5=$(jb_sql "SELECT case_no FROM cases WHERE lang = 'en'")
ack5=$(find_mail rcpt=john.smith@example.com "subject~=[JB $c5] Your report has been received" | head -n 1)
[ -n "$c5" ] && [ -n "$ack5" ] && pass "the English report is acknowledged in English" ||
	fail "English acknowledgement (case '$c5')"
# RFC 3834: nothing goes back to an auto-reply
c4=$(jb_sql "SELECT c.case_no FROM cases c JOIN messages m ON m.case_id = c.id WHERE m.auto_reason IS NOT NULL")
[ -n "$c4" ] && [ "$(json "$c4" '[(m["status"], m["reason"]) for m in c["messages"]]')" = \
    "[('suppressed', 'RFC 3834: precedence')]" ] &&
	pass "the auto-reply became case $c4, its acknowledgement suppressed with the reason" ||
	fail "auto-reply case '$c4': $(json "$c4" 'c["messages"]' 2>&1)"
[ -z "$(find_mail rcpt=vacation@example.com)" ] && pass "nothing was sent to the auto-replier" ||
	fail "something was sent to the auto-replier"

# 6. a supplement: a reply to the acknowledgement, from the reporter's
# address, with evidence (finding 3: a reply acts on a case only with
# proof, the MAC in our Message-ID it answers, and from the reporter)
# supp - supp FROM IN-REPLY-TO SUBJECT MESSAGE-ID: a supplement message
supp() {
	cat <<SUPP
From: $1
To: report@example.cn
Subject: $3
Message-ID: <$4@example.com>
${2:+In-Reply-To: <$2>}
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

补充截图作为证据。本人保证所举报内容真实、合法。

--b1
Content-Type: image/png
Content-Disposition: attachment; filename="证据截图.png"
Content-Transfer-Encoding: base64

iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==
--b1--
SUPP
}
ncases() { jb_sql "SELECT count(*) FROM cases"; }
if [ -n "$c2" ] && [ -n "$ack2id" ]; then
	# not a reply: the subject names the case, from the reporter's own
	# address; and a reply from another address (the case number and even
	# the acknowledgement in a stranger's hands): new cases both
	supp pr@huadong-energy.example.cn "" "Re: [JB $c2] 补充" "subj-$c2" >"$dir/subj.eml"
	send pr@huadong-energy.example.cn report@example.cn "$dir/subj.eml"
	supp victim@huadong-energy.example.cn "$ack2id" "Re: [JB $c2] 您的举报已收到" "stranger-$c2" >"$dir/stranger.eml"
	send mallory@example.net report@example.cn "$dir/stranger.eml"
	# a forged MAC from the reporter's own address
	supp pr@huadong-energy.example.cn "${ack2id%.*@*}.00000000000000000000@example.cn" \
	    "Re: [JB $c2] 您的举报已收到" "forged-$c2" >"$dir/forged.eml"
	send pr@huadong-energy.example.cn report@example.cn "$dir/forged.eml"
	[ "$(ncases)" = 7 ] && [ "$(json "$c2" 'len(c["reports"])')" = 1 ] &&
		pass "no proof, no supplement: the subject alone, a stranger's reply, a forged MAC open three new cases; $c2 is unchanged" ||
		fail "without proof: $(ncases) cases, $(json "$c2" 'len(c["reports"])') reports on $c2"
	[ "$(jb_sql "SELECT count(*) FROM events WHERE action = 'note' AND detail LIKE 'the message names case $c2 but is not a reply to our message from its reporter%'")" = 3 ] &&
		pass "each new case carries a note for the handlers naming $c2" || fail "notes: $(jb_sql "SELECT detail FROM events WHERE action = 'note'")"
	# the real one
	supp pr@huadong-energy.example.cn "$ack2id" "Re: [JB $c2] 您的举报已收到" "supp-$c2" >"$dir/supp.eml"
	check "the supplement is accepted" send pr@huadong-energy.example.cn report@example.cn "$dir/supp.eml"
	wait_for -t 20 has_mail rcpt=pr@huadong-energy.example.cn 'subject~=补充材料已收到'
	[ "$(ncases)" = 7 ] && pass "the supplement opened no new case" || fail "$(ncases) cases after the supplement"
	[ "$(json "$c2" 'c["status"], c["missing_elements"], len(c["reports"])')" = "received [] 2" ] &&
		pass "case $c2 now has everything and two reports" ||
		fail "case $c2 after supplement: $(json "$c2" 'c["status"], c["missing_elements"], c["reports"]')"
	json "$c2" '[e["name"] for e in c["evidence"]]' | grep -q "证据截图.png" &&
		pass "the supplement's attachment joined case $c2" || fail "no supplement evidence"
	f=$(find_mail rcpt=pr@huadong-energy.example.cn 'subject~=补充材料已收到' | head -n 1)
	[ -n "$f" ] && python3 tests/lib/mail.py show "$f" | grep -q "受理所需的材料已齐全" &&
		pass "the reporter is told the materials are complete" || fail "no supplement acknowledgement"
fi

# 7. the same message again (a client retrying after a lost reply) is one case
check "a resent message is accepted" \
    send legal@xinghe-food.example.cn jubao@example.cn "$M/36-ent-complete.eml"
sleep 1
[ "$(ncases)" = 7 ] && pass "a resent message is recognised (Message-ID and content hash)" ||
	fail "$(ncases) cases after resending"

# 8. no oracle: what a sender gets for a message naming case N is the same
# whether N exists, and whoever reported it (finding 3)
if [ -n "$c2" ]; then
	none=261201999990	# a well-formed number no case has
	[ "$(jb_sql "SELECT count(*) FROM cases WHERE case_no = '$none'")" = 0 ] || fail "case $none exists"
	supp victim@huadong-energy.example.cn "$ack2id" "Re: [JB $c2] 您的举报已收到" "oracle1-$c2" >"$dir/o1.eml"
	supp victim@huadong-energy.example.cn "jubao.$none.ack.0badc0de.0123456789abcdef0123@example.cn" \
	    "Re: [JB $none] 您的举报已收到" "oracle2-$c2" >"$dir/o2.eml"
	send eve1@example.net report@example.cn "$dir/o1.eml"
	send eve2@example.net report@example.cn "$dir/o2.eml"
	wait_for -t 20 has_mail rcpt=eve1@example.net
	wait_for -t 20 has_mail rcpt=eve2@example.net
	python3 - "$(find_mail rcpt=eve1@example.net | head -n 1)" "$(find_mail rcpt=eve2@example.net | head -n 1)" <<'PY' >"$dir/oracle.out"
import re, subprocess, sys
def norm(f):
    t = subprocess.run(["python3", "tests/lib/mail.py", "show", f], capture_output=True, text=True).stdout
    t = re.sub(r"^(Envelope-To|To|Date|Message-Id|In-Reply-To|References|Received): .*$", r"\1: X", t, flags=re.M)
    t = re.sub(r"\b\d{12}\b", "CASE", t)
    t = re.sub(r"\b\d{6}\b", "PIN", t)
    t = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d", "TIME", t)
    return t
a, b = norm(sys.argv[1]), norm(sys.argv[2])
print("same" if a == b else "DIFFERENT\n" + a + "\n----\n" + b)
PY
	[ "$(head -n 1 "$dir/oracle.out")" = same ] &&
		pass "naming a real case and naming no case get the same acknowledgement" ||
		fail "an oracle: $(cat "$dir/oracle.out")"
fi

# 9. RFC 3834 §4: a From in another domain than the envelope sender is not
# mailed; the acknowledgement goes to the envelope sender SPF vouched for
sed -e "s/^From: .*/From: victim-of-forgery@elsewhere.example/" \
    -e "s/^Message-ID: .*/Message-ID: <aligned-1@example.org>/" \
    "$M/01-utf8-plain.eml" >"$dir/misaligned.eml"
check "a report with a From in another domain is accepted" \
    send sender@example.org jubao@example.cn "$dir/misaligned.eml"
wait_for -t 20 has_mail rcpt=sender@example.org
[ -n "$(find_mail rcpt=sender@example.org)" ] && [ -z "$(find_mail rcpt=victim-of-forgery@elsewhere.example)" ] &&
	pass "the acknowledgement goes to the envelope sender, not the foreign From" ||
	fail "acknowledgement recipient for a misaligned From"

# each byte stored once, but not where the scan trimmed the message: an
# attachment of 2,100 lines beginning "--" (an SQL dump) makes the parser
# see a cut message, whose attachments cannot be found again in the whole
# original; they are sealed on their own and open all the same
python3 - "$dir/dump.eml" <<'PY'
import sys
from email.message import EmailMessage
m = EmailMessage()
m["From"] = "dba@example.com"; m["To"] = "jubao@example.cn"
m["Subject"] = "举报 数据泄露 dump"; m["Message-ID"] = "<dump-1@example.com>"
m.set_content("网站 https://leak.example.cn/db 泄露了用户数据，见附件。\n")
# as text (7bit): the lines reach the scan as they are
m.add_attachment("".join("-- row %d\n" % i for i in range(2100)), subtype="x-sql",
                 filename="dump.sql", cte="7bit")
open(sys.argv[1], "wb").write(bytes(m))
PY
send dba@example.com jubao@example.cn "$dir/dump.eml" || fail "send dump.eml"
wait_for -t 20 eval '[ -n "$(case_of jubao@example.cn dump)" ]'
cd_=$(case_of jubao@example.cn dump)
want=$(json "$cd_" "[e['sha256'] for e in c['evidence'] if e['name'] == 'dump.sql'][0]" 2>/dev/null)
got=$(jb_ctl --actor auditor-qian evidence "$cd_" 2 | sha256sum | cut -d' ' -f1)
[ -n "$cd_" ] && [ -n "$want" ] && [ "$got" = "$want" ] &&
	[ "$(jb_sql "SELECT count(*) FROM evidence e JOIN cases c ON c.id = e.case_id WHERE c.case_no = '$cd_' AND e.derived = 0 AND e.file IS NOT NULL")" = 2 ] &&
	pass "an attachment of a message the scan cut is sealed on its own, and opens to its SHA-256" ||
	fail "dump.sql of case '$cd_': got $got, recorded $want"

# 承诺书-5: the reporter's identity is sealed in the store, open only to --reveal
if [ "$JB_ENGINE" = postgresql ]; then
	# every file of the cluster: tables, indexes, the WAL
	find "$JB_PG_DIR/data" -type f -exec cat {} + >"$dir/raw.bin"
else
	db=$(sed -n 's/^store_path = //p' "$JB_CONF")
	cat "$db" "$db-wal" 2>/dev/null >"$dir/raw.bin"
fi
leaks=
for addr in legal@xinghe-food.example.cn pr@huadong-energy.example.cn john.smith@example.com; do
	# an address the reporter typed into the report text is part of the report
	jb_sql "SELECT body FROM cases" | grep -qF "$addr" && continue
	grep -aqF "$addr" "$dir/raw.bin" && leaks="$leaks $addr"
done
[ -z "$leaks" ] && pass "no reporter address is in the store ($JB_ENGINE: its files and WAL) in the clear" ||
	fail "in the clear in the store:$leaks"
jb_sql "SELECT address FROM reporters" | grep -qv '^v1:' &&
	fail "a reporter row is not sealed: $(jb_sql "SELECT address FROM reporters" | head -2)" ||
	pass "every reporter row is sealed (v1:)"
jb_ctl list --json | grep -q "xinghe-food\|huadong-energy\|john.smith" &&
	fail "list --json exports a reporter" || pass "list --json exports no reporter"
if [ -n "$c1" ]; then
	[ "$(jb_ctl --json show --reveal --actor auditor-zhao "$c1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["reporter"]["address"])')" = \
	    legal@xinghe-food.example.cn ] && pass "show --reveal opens the sealed identity" ||
		fail "reveal: $(jb_ctl --json show --reveal "$c1")"
	[ "$(json "$c1" '[(e["actor"], e["action"]) for e in c["events"] if e["action"] == "reveal"]')" = \
	    "[('auditor-qian', 'reveal'), ('auditor-zhao', 'reveal')]" ] &&
		pass "and the reveal is in the ledger with who asked (after the original's opening, above)" ||
		fail "no reveal event"
fi

# 10. 灌水举报: past the cap (3 an hour here) a report is kept, marked flood,
# and not acknowledged
for i in 1 2 3 4 5; do
	sed -e "s/^Message-ID: .*/Message-ID: <flood-$i@example.org>/" \
	    -e "s/^From: .*/From: flooder@example.org/" "$M/42-english-fraud.eml" >"$dir/flood.eml"
	send flooder@example.org jubao@example.cn "$dir/flood.eml" || fail "flood $i refused"
done
[ "$(jb_sql "SELECT count(*) FROM cases c JOIN messages m ON m.case_id = c.id WHERE m.message_id LIKE 'flood-%'")" = 5 ] &&
	pass "five reports from one reporter are five cases: none lost" || fail "flood cases"
[ "$(jb_sql "SELECT c.flood FROM cases c JOIN messages m ON m.case_id = c.id WHERE m.message_id LIKE 'flood-%' ORDER BY c.id" | tr -d '\n')" = 00011 ] &&
	pass "the 4th and 5th are marked flood" || fail "flood marks: $(jb_sql "SELECT c.flood FROM cases c JOIN messages m ON m.case_id = c.id WHERE m.message_id LIKE 'flood-%'")"
[ "$(jb_sql "SELECT count(*) FROM outbox o JOIN messages m ON m.case_id = o.case_id WHERE m.message_id LIKE 'flood-%' AND o.status = 'suppressed' AND o.reason LIKE 'flood: % from this reporter in the last hour (cap 3)'")" = 2 ] &&
	pass "and get no acknowledgement (suppressed: flood)" || fail "flood acks: $(jb_sql "SELECT o.status, o.reason FROM outbox o JOIN messages m ON m.case_id = o.case_id WHERE m.message_id LIKE 'flood-%'")"

# the logs: queue IDs and case numbers, no reporter identity
grep -Eq '^[^ ]+ jubao-milter: [0-9A-Za-z]+: case [0-9]{12} opened' "$dir/jubao/milter.log" &&
	pass "milter log lines start with the queue ID" || fail "milter log: $(head -3 "$dir/jubao/milter.log")"
if grep -Eq 'xinghe-food|ceo-office|victim@|13812345678|林小红' "$dir/jubao/milter.log"; then
	fail "the milter log names a reporter"
else
	pass "the milter log names no reporter"
fi
jb_milter_stop
grep -q "jubao-milter: stopped" "$dir/jubao/milter.log" &&
	pass "SIGTERM stops the milter in order (it logs 'stopped')" ||
	fail "no orderly stop on SIGTERM: $(tail -n 3 "$dir/jubao/milter.log")"
[ "$(jb_sql "SELECT count(*) FROM outbox WHERE status = 'queued'")" = 0 ] &&
	pass "the outbox is empty: everything was delivered or suppressed" ||
	fail "outbox: $(jb_sql "SELECT id, kind, status, last_error FROM outbox")"
# what every step above changed is in the statistics' rollup as a scan of
# every case sees it (store_rollup.c)
out=$(jb_stats_same "@$(($(date +%s) - 30 * 86400))" "@$(($(date +%s) + 86400))") &&
	pass "the statistics' rollup gives what a scan of every case gives" ||
	fail "rollup and scan differ: $out"

# one store, one key: a program with another key_file is refused, also on
# a store from before the check (its sealed identities do not open)
sed "s|^key_file = .*|key_file = $dir/other.key|" "$JB_CONF" >"$dir/other.conf"
"$JB_CTL" -c "$dir/other.conf" keygen >/dev/null 2>&1
refused() { ! "$JB_CTL" -c "$dir/other.conf" list >/dev/null 2>"$dir/other.err" &&
	grep -q "key_file is not the key this store is sealed with" "$dir/other.err"; }
check_now=$(jb_sql "SELECT value FROM meta WHERE key = 'key_check'")
refused && [ -n "$check_now" ] && pass "jubaoctl with another key_file is refused: $(cat "$dir/other.err")" ||
	fail "another key: $(cat "$dir/other.err")"
JB_SQL_WRITE=" " jb_sql "DELETE FROM meta WHERE key = 'key_check'" >/dev/null
refused && [ -z "$(jb_sql "SELECT value FROM meta WHERE key = 'key_check'")" ] &&
	jb_ctl list >/dev/null && [ "$(jb_sql "SELECT value FROM meta WHERE key = 'key_check'")" = "$check_now" ] &&
	pass "a store from before the check: another key is refused by a sealed identity; its own key records the check again" ||
	fail "a store without its check: $(cat "$dir/other.err")"
finish
