#!/bin/bash
# t-query.sh - status queries by mail, through a real Postfix
#
# A reporter's query (「查询 CASE PIN」 and its other written forms) to the
# reporting mailbox is answered by mail with how the case stands, and makes
# no case; a wrong PIN and an unknown case number get the same answer; a
# number locked by wrong PINs is refused alike whether a case has it; the
# null sender and an auto-replier get nothing.  What a reporter reads is
# checked in the answers smtp-sink captured.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/common.sh
. tests/lib/postfix.sh
. tests/lib/jubao.sh

dir=$(mktestdir query)
sink="$dir/sink"
mkdir -p "$sink"; chown postfix "$sink"
smtp_port=$(free_port); sink_port=$(free_port); milter_port=$(free_port)
JB_CONF=$(jb_conf "$dir/jubao" "$milter_port" "delivery_method = smtp" \
    "smtp_relay = 127.0.0.1:$smtp_port" "outbox_interval = 1s" \
    "outbox_backoff_min = 1s" "ack_daily_limit = 100" \
    "web_public_url = https://jubao.example.cn/status" "lookup_case_failures = 3")
jb_milter_start "$JB_CONF" || { fail "jubao-milter did not start"; finish; }
sink_start "$sink" "$sink_port" || { fail "smtp-sink did not start"; finish; }
pf_start "$dir/pf" "$smtp_port" "$sink_port" "inet:127.0.0.1:$milter_port" ||
	{ fail "postfix did not start"; finish; }

n_msg=0
# mail - mail FROM SUBJECT BODY [HEADER...]: one message through Postfix to
# the reporting mailbox, written by Python (RFC 2047 subject, UTF-8 body)
mail() {
	local from=$1 subject=$2 text=$3
	shift 3
	n_msg=$((n_msg + 1))
	python3 - "$dir/m$n_msg.eml" "${from:-nobody@example.com}" "$subject" "$text" "$@" <<'PY'
import sys
from email.message import EmailMessage
from email.utils import make_msgid
path, frm, subject, text = sys.argv[1:5]
m = EmailMessage()
m["From"] = frm
m["To"] = "jubao@example.cn"
if subject:
    m["Subject"] = subject
m["Message-ID"] = make_msgid(domain="client.example")
for h in sys.argv[5:]:
    k, v = h.split(": ", 1)
    m[k] = v
m.set_content(text)
open(path, "wb").write(bytes(m))
PY
	swaks --server "127.0.0.1:$smtp_port" --from "${from:-<>}" --to jubao@example.cn \
	    --data "@$dir/m$n_msg.eml" --silent 2 >>"$dir/swaks.log" 2>&1
}
find_mail() { python3 tests/lib/mail.py find "$sink" "$@"; }
has_mail() { [ -n "$(find_mail "$@")" ]; }
# body_of - the decoded body of the newest message to RCPT whose subject has TEXT
body_of() {
	local f
	f=$(find_mail "rcpt=$1" "subject~=$2" | tail -n 1)
	[ -n "$f" ] && python3 tests/lib/mail.py show "$f" | sed '1,/^$/d'
}
# answers - how many answers RCPT got (our status answers, any verdict)
answers() {
	find_mail "rcpt=$1" header=Auto-Submitted | while read -r f; do
		python3 tests/lib/mail.py show "$f" | grep -qi '^Message-ID: <jubao\.[^.]*\.status\.' && echo
	done | wc -l
}
ncases() { jb_sql "SELECT count(*) FROM cases"; }

# a report, and what its acknowledgement tells the reporter
mail reporter@example.com "网络诈骗举报" "有人在 https://fraud.example.net/pay 冒充客服诈骗，请核查。"
wait_for -t 30 has_mail rcpt=reporter@example.com subject~=您的举报已收到
ack=$(body_of reporter@example.com 您的举报已收到)
case=$(printf '%s\n' "$ack" | sed -n 's/^ *案件编号：\([0-9]*\).*/\1/p' | head -n 1)
pin=$(printf '%s\n' "$ack" | sed -n 's/^ *查询密码：\([0-9]*\).*/\1/p' | head -n 1)
[ -n "$case" ] && [ ${#pin} = 6 ] && pass "the acknowledgement gives case $case and a PIN" ||
	fail "acknowledgement: $ack"
printf '%s\n' "$ack" | grep -q "主题写「查询 $case 查询密码」" &&
	printf '%s\n' "$ack" | grep -q "按 0 键" &&
	printf '%s\n' "$ack" | grep -q "https://jubao.example.cn/status" &&
	pass "it says how to query: by mail, the hotline's key 0, the web page" ||
	fail "no query help in the acknowledgement: $ack"
cases0=$(ncases)
wrong=$(printf '%06d' $(( (10#$pin + 1) % 1000000 )))
fw() { printf '%s' "$1" | python3 -c 'import sys; print("".join(chr(ord(c) + 0xfee0) if c.isdigit() else c for c in sys.stdin.read()))'; }
deadline=$(jb_ctl show --json "$case" | python3 -c 'import json,sys,time; c=json.load(sys.stdin); print(c["deadline"])')

# the written forms: each is answered with the case's status
mail reporter@example.com "查询 $case $pin" "谢谢"
mail reporter@example.com "查询 JB$case 密码 $pin" ""
mail other@example.org "查询：$(fw "$case")　密码：$(fw "$pin")" "（全角）"
mail other@example.org "" "查询 $case $pin
其余的话"
mail other@example.org "status $case $pin" "please"
wait_for -t 30 has_mail rcpt=other@example.org "subject~=How your case stands"
wait_for -t 30 test "$(answers reporter@example.com)" -ge 2
wait_for -t 30 test "$(answers other@example.org)" -ge 3
[ "$(answers reporter@example.com)" = 2 ] && [ "$(answers other@example.org)" = 3 ] &&
	pass "five queries in five written forms, five answers" ||
	fail "answers: $(answers reporter@example.com) to the reporter, $(answers other@example.org) to other"
a=$(body_of reporter@example.com "案件办理进度")
printf '%s\n' "$a" | grep -q "案件编号：$case" && printf '%s\n' "$a" | grep -q "办理状态：已收到，正在核查" &&
	printf '%s\n' "$a" | grep -q "办理时限：" && printf '%s\n' "$a" | grep -q "举报类别：" &&
	pass "the answer gives the case, its category, its status and its deadline" ||
	fail "answer: $a"
due=$(python3 -c 'import sys,datetime; print(datetime.datetime.fromisoformat(sys.argv[1].replace("Z","+00:00")).astimezone().strftime("%Y-%m-%d %H:%M"))' "$deadline")
printf '%s\n' "$a" | grep -q "办理时限：$due 前" && pass "the deadline is the case's ($due)" ||
	fail "deadline $due not in: $a"
e=$(body_of other@example.org "How your case stands")
printf '%s\n' "$e" | grep -q "Status: *received, being verified" &&
	pass "an English query gets the English answer" || fail "English answer: $e"
[ "$(ncases)" = "$cases0" ] && pass "no query made a case" || fail "$(ncases) cases, want $cases0"
[ -z "$(find_mail rcpt=jubao@example.cn 'subject~=查询')" ] &&
	pass "a query is not delivered to the mailbox (it holds a PIN)" || fail "a query reached the mailbox"
ev=$(jb_ctl show --json "$case" | python3 -c 'import json,sys; c=json.load(sys.stdin); print(" ".join(e["action"] + "/" + e["actor"] for e in c["events"] if e["action"].startswith("lookup")))')
[ "$ev" = "lookup/lookup lookup/lookup lookup/lookup lookup/lookup lookup/lookup" ] &&
	pass "each lookup is an event on the case" || fail "lookup events: $ev"
jb_ctl show --json "$case" | grep -q -e "other@example.org" -e "reporter@example.com" &&
	fail "an asker's address is in the case" || pass "no asker's address in the case (handlers' view)"

# a wrong PIN and an unknown case number: the same answer
unknown=$(python3 - "$case" <<'PY'
import sys
c = sys.argv[1]
# Damm check digit over the number's digits, a sequence no case has
t = ["0317598642", "7092154863", "4206871359", "1750983426", "6123045978",
     "3674209581", "5869720134", "8945362017", "9438617205", "2581436790"]
def damm(s):
    i = 0
    for d in s:
        i = int(t[i][int(d)])
    return str(i)
base = c[:6] + "99998"
print(base + damm(base))
PY
)
mail asker1@example.org "查询 $case $wrong" ""
mail asker2@example.org "查询 $unknown $pin" ""
wait_for -t 30 has_mail rcpt=asker1@example.org
wait_for -t 30 has_mail rcpt=asker2@example.org
d1=$(body_of asker1@example.org "")
d2=$(body_of asker2@example.org "")
[ -n "$d1" ] && [ "$d1" = "$d2" ] && printf '%s\n' "$d1" | grep -q "案件编号或查询密码不正确" &&
	pass "a wrong PIN and an unknown case number get the same answer" ||
	fail "wrong PIN: $d1 / unknown case: $d2"
printf '%s\n' "$d1" | grep -q "$case" && fail "the denial names the case" ||
	pass "the denial names no case"

# the lock: lookup_case_failures (3) wrong PINs, then even the right one
# is refused; a number no case has is locked alike
mail asker3@example.org "查询 $case $wrong" ""
mail asker4@example.org "查询 $case $wrong" ""
mail asker5@example.org "查询 $case $pin" ""
for n in 1 2 3; do mail lock$n@example.org "查询 $unknown 000000" ""; done
mail asker6@example.org "查询 $unknown $pin" ""
wait_for -t 30 has_mail rcpt=asker5@example.org
wait_for -t 30 has_mail rcpt=asker6@example.org
l1=$(body_of asker5@example.org "")
l2=$(body_of asker6@example.org "")
printf '%s\n' "$l1" | grep -q "查询尝试次数过多" && ! printf '%s\n' "$l1" | grep -q "办理状态" &&
	pass "after 3 wrong PINs the case is locked, the right PIN too" || fail "locked answer: $l1"
printf '%s\n' "$l2" | grep -q "查询尝试次数过多" &&
	pass "a number no case has is locked the same way" || fail "unknown locked: $l2"
jb_ctl show --json "$case" | python3 -c 'import json,sys; c=json.load(sys.stdin); sys.exit(0 if sum(e["action"] == "lookup_locked" for e in c["events"]) == 1 else 1)' &&
	pass "the ledger says the case was locked" || fail "no lookup_locked event"

# a decided case: the outcome and measures in the feedback's words
mail reporter2@example.com "赌博网站举报" "https://casino.example.net 提供网络赌博。"
wait_for -t 30 has_mail rcpt=reporter2@example.com subject~=您的举报已收到
ack2=$(body_of reporter2@example.com 您的举报已收到)
case2=$(printf '%s\n' "$ack2" | sed -n 's/^ *案件编号：\([0-9]*\).*/\1/p' | head -n 1)
pin2=$(printf '%s\n' "$ack2" | sed -n 's/^ *查询密码：\([0-9]*\).*/\1/p' | head -n 1)
jb_ctl accept "$case2" >/dev/null 2>&1
{ jb_ctl dispose --measure delete --measure close --explain "已核实" "$case2" &&
    jb_approve "$JB_CONF" "$case2"; } >"$dir/dispose.out" 2>&1 ||
	fail "dispose: $(cat "$dir/dispose.out")"
mail reporter2@example.com "查询 $case2 $pin2" ""
wait_for -t 30 has_mail rcpt=reporter2@example.com subject~=案件办理进度
o=$(body_of reporter2@example.com 案件办理进度)
printf '%s\n' "$o" | grep -q "办理结果：已依法处置" && printf '%s\n' "$o" | grep -q "删除了相关内容" &&
	printf '%s\n' "$o" | grep -q "关闭了相关账号" && printf '%s\n' "$o" | grep -q "说明：已核实" &&
	printf '%s\n' "$o" | grep -q "可以投诉" && ! printf '%s\n' "$o" | grep -q "办理时限" &&
	pass "a decided case shows its outcome, measures, explanation and how to complain" ||
	fail "decided answer: $o"

# the null sender and an auto-replier: no answer, nothing looked up
before=$(jb_sql "SELECT count(*) FROM lookups")
mail "" "查询 $case2 $pin2" ""
mail bot@example.org "查询 $case2 $pin2" "" "Auto-Submitted: auto-replied"
wait_for -t 20 grep -c "status query not answered" "$dir/jubao/milter.log" >/dev/null
sleep 2
[ "$(grep -c "status query not answered" "$dir/jubao/milter.log")" = 2 ] &&
	pass "queries from the null sender and an auto-replier are not answered" ||
	fail "milter log: $(grep 'status query' "$dir/jubao/milter.log")"
[ -z "$(find_mail rcpt=bot@example.org)" ] && [ "$(jb_sql "SELECT count(*) FROM lookups")" = "$before" ] &&
	pass "nothing sent to them, nothing looked up" || fail "bot got mail, or a lookup was made"
[ "$(ncases)" = $((cases0 + 1)) ] && pass "only the second report made a case" ||
	fail "$(ncases) cases, want $((cases0 + 1))"

# nothing a reporter sends is lost to a query: a report titled "Status",
# and a query that brings a URL, are reports
mail reporter3@example.com "Status" "Scam shop at https://shop.example.net takes money and never ships."
mail reporter3@example.com "查询 $case $pin" "另外补充一个诈骗网址 https://second.example.net/pay"
wait_for -t 30 test "$(ncases)" -ge $((cases0 + 3))
[ "$(ncases)" = $((cases0 + 3)) ] &&
	pass "a report titled \"Status\" and a query bringing a URL are kept as reports" ||
	fail "$(ncases) cases, want $((cases0 + 3))"

# nothing secret in the log: no PIN, no asker
for s in "$pin" "$wrong" "$pin2" asker1@example.org other@example.org; do
	grep -q -- "$s" "$dir/jubao/milter.log" && fail "the milter's log holds '$s'"
done
pass "the milter's log holds no PIN and no asker's address"

jb_milter_stop


finish
