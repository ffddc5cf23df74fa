#!/bin/bash
# demo.sh - the whole email flow on loopback, for a newcomer ("make demo")
#
# Starts a throw-away Postfix on 127.0.0.1 with jubao-milter in front and an
# smtp-sink catching what leaves, and jubao-webd's status page; sends sample
# reports from tests/data/mail, reports on the web form, makes a call,
# shows the cases (jubaoctl list), one acknowledgement as the reporter gets it, and the reporter's
# status query by mail and on the page; then stops everything it started.
# Needs root (Postfix).
cd "$(dirname "$0")/.." || exit 2
export JUBAO_KEEP_TMP=${JUBAO_KEEP_TMP:-}
. tests/lib/common.sh
. tests/lib/postfix.sh
. tests/lib/jubao.sh

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

dir=$(mktestdir demo)
sink="$dir/sink"
mkdir -p "$sink"; chown postfix "$sink"
smtp_port=$(free_port); sink_port=$(free_port); milter_port=$(free_port)
web_port=$(free_port)
JB_CONF=$(jb_conf "$dir/jubao" "$milter_port" "delivery_method = smtp" \
    "smtp_relay = 127.0.0.1:$smtp_port" "outbox_interval = 1s" \
    "web_listen = 127.0.0.1:$web_port" "web_public_url = http://127.0.0.1:$web_port/")

say "Starting jubao-milter, smtp-sink and a private Postfix on 127.0.0.1"
jb_milter_start "$JB_CONF" || exit 1
sink_start "$sink" "$sink_port" || exit 1
pf_start "$dir/pf" "$smtp_port" "$sink_port" "inet:127.0.0.1:$milter_port" || exit 1
echo "Postfix: 127.0.0.1:$smtp_port (smtpd_milters = inet:127.0.0.1:$milter_port)"
echo "smtp-sink: 127.0.0.1:$sink_port, store: $dir/jubao/jubao.db"
web/jubao-webd -f -c "$JB_CONF" >>"$dir/jubao/webd.log" 2>&1 &
webd_pid=$!
on_exit "kill -TERM $webd_pid 2>/dev/null; wait $webd_pid 2>/dev/null"
wait_for -t 10 port_owned_by "$web_port" "$webd_pid" || { echo "jubao-webd did not start"; exit 1; }
echo "jubao-webd (the status page): http://127.0.0.1:$web_port/"

say "Sending sample reports through Postfix (swaks)"
n=0
for f in 36-ent-complete 37-ent-missing-evidence-guarantee 03-gb2312-label-gbk-chars \
    09-rfc2047-gbk-split 11-html-only 42-english-fraud 43-english-harassment 24-x-autoreply-precedence; do
	from=$(python3 -c 'import email,sys,email.utils as u; m=email.message_from_binary_file(open(sys.argv[1],"rb")); print(u.parseaddr(str(m["From"]))[1] or "someone@example.com")' "tests/data/mail/$f.eml" 2>/dev/null)
	printf '  %-42s ' "$f.eml"
	if swaks --server "127.0.0.1:$smtp_port" --from "$from" --to jubao@example.cn \
	    --data "@tests/data/mail/$f.eml" --silent 2 >/dev/null 2>&1; then
		echo "250 accepted"
		n=$((n + 1))
	else
		echo "refused"
	fi
done
printf '  %-42s ' "(ordinary mail to someone@example.org)"
swaks --server "127.0.0.1:$smtp_port" --from a@example.org --to someone@example.org \
    --data "@tests/data/mail/01-utf8-plain.eml" --silent 2 >/dev/null 2>&1 && echo "250 accepted, untouched"

ackd() { [ "$(jb_sql "SELECT count(*) FROM outbox WHERE status IN ('sent','suppressed','failed')")" -ge "$n" ]; }
wait_for -t 30 ackd
sink_wait "$sink" $((2 * n)) 20 >/dev/null 2>&1

# page_text - a page's words, one line each (no header, forms, styles)
page_text() {
	python3 -c '
import html.parser, sys
class P(html.parser.HTMLParser):
    skip = 0
    def handle_starttag(self, t, a):
        if t in ("style", "form", "head", "header"): self.skip += 1
    def handle_endtag(self, t):
        if t in ("style", "form", "head", "header"): self.skip -= 1
    def handle_data(self, d):
        if not self.skip and d.strip(): print(d.strip())
P().feed(sys.stdin.read())'
}

say "A report on the web: the cyber-violence zone, with a screenshot (http://127.0.0.1:$web_port/zones)"
tok=$(curl -s -c "$dir/form.jar" "http://127.0.0.1:$web_port/zone?z=cyberviolence" |
    sed -n 's/.*name="token" value="\([0-9a-f]*\)".*/\1/p')
head -c 20000 /dev/urandom >"$dir/screenshot.png"
curl -s -b "$dir/form.jar" -F "token=$tok" -F zone=cyberviolence -F lang=zh-CN \
    --form-string "text=有人在论坛上公开我的住址和电话，并煽动他人辱骂我。" \
    --form-string "urls=https://forum.example.com/t/12345" \
    --form-string "email=victim@example.org" -F "evidence=@$dir/screenshot.png;type=image/png" \
    "http://127.0.0.1:$web_port/report" | page_text

say "A call to the hotline (SIPp to jubao-sipd, same store)"
. tests/sip/sip.sh
. tests/sip/demo-call.sh
sip_demo_call "$dir"

say "The cases, mail and hotline (jubaoctl list)"
jb_ctl list

c=$(jb_sql "SELECT case_no FROM cases WHERE status = 'awaiting_materials' LIMIT 1")
say "One case as a handler sees it (jubaoctl show $c)"
jb_ctl show "$c" | sed -n '1,/^text:/p'

f=$(python3 tests/lib/mail.py find "$sink" "subject~=[JB $c]" | head -n 1)
say "The acknowledgement the reporter received (decoded from smtp-sink)"
[ -n "$f" ] && python3 tests/lib/mail.py show "$f" | grep -v '^Received:\|^X-' || echo "(none captured)"

pin=$([ -n "$f" ] && python3 tests/lib/mail.py show "$f" | sed -n 's/^ *查询密码：\([0-9]*\).*/\1/p' | head -n 1)
to=$([ -n "$f" ] && python3 tests/lib/mail.py show "$f" | sed -n 's/^Envelope-To: <\(.*\)>/\1/p' | head -n 1)
if [ -n "$pin" ] && [ -n "$to" ]; then
	say "The reporter asks how case $c stands: a mail \"查询 $c $pin\""
	python3 -c 'import sys; from email.message import EmailMessage as M; m=M(); m["From"]=sys.argv[1]; m["To"]="jubao@example.cn"; m["Subject"]="查询 %s %s" % (sys.argv[2], sys.argv[3]); m.set_content("\n"); sys.stdout.buffer.write(bytes(m))' \
	    "$to" "$c" "$pin" >"$dir/query.eml"
	swaks --server "127.0.0.1:$smtp_port" --from "$to" --to jubao@example.cn \
	    --data "@$dir/query.eml" --silent 2 >/dev/null 2>&1
	answered() { [ -n "$(python3 tests/lib/mail.py find "$sink" "rcpt=$to" "subject~=案件办理进度")" ]; }
	wait_for -t 20 answered
	a=$(python3 tests/lib/mail.py find "$sink" "rcpt=$to" "subject~=案件办理进度" | head -n 1)
	[ -n "$a" ] && python3 tests/lib/mail.py show "$a" | sed '1,/^$/d' || echo "(no answer captured)"

	say "The same on the status page (POST http://127.0.0.1:$web_port/status)"
	curl -s --data-urlencode "case=$c" --data-urlencode "pin=$pin" \
	    "http://127.0.0.1:$web_port/status" | page_text
fi

say "The call centre's console: http://127.0.0.1:$web_port/staff/ (jubao-webd)"
# queue_rows - the rows of the console's queue page, one line each
queue_rows() {
	python3 -c '
import html.parser, sys
class P(html.parser.HTMLParser):
    row = None
    def handle_starttag(self, t, a):
        if t == "tr": self.row = []
        if t in ("td", "th") and self.row is not None: self.row.append("")
    def handle_endtag(self, t):
        if t == "tr" and self.row: print("  " + " | ".join(c.strip() for c in self.row[1:])); self.row = None
    def handle_data(self, d):
        if self.row: self.row[-1] += d
P().feed(sys.stdin.read())'
}
# staff_login - staff_login NAME PASSWORD: a session in $dir/NAME.jar
staff_login() {
	local tok
	tok=$(curl -s -c "$dir/$1.jar" "http://127.0.0.1:$web_port/staff/login" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p')
	curl -s -o /dev/null -b "$dir/$1.jar" -c "$dir/$1.jar" --data "csrf=$tok&name=$1&password=$2" \
	    "http://127.0.0.1:$web_port/staff/login"
}
# staff_post - staff_post NAME PATH FIELDS: a form posted with NAME's CSRF token
staff_post() {
	local tok
	tok=$(curl -s -b "$dir/$1.jar" "http://127.0.0.1:$web_port/staff/queue" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -n 1)
	curl -s -o /dev/null -b "$dir/$1.jar" --data "csrf=$tok&$3" "http://127.0.0.1:$web_port$2"
}
echo 'li-demo-password' | jb_ctl user add li --role handler 2>/dev/null
echo 'zhao-demo-password' | jb_ctl user add zhao --role reviewer 2>/dev/null
staff_login li li-demo-password
echo "-- li (a handler) logs in; the queue, most urgent first:"
curl -s -b "$dir/li.jar" "http://127.0.0.1:$web_port/staff/queue" | queue_rows | head -n 12
d=$(jb_sql "SELECT case_no FROM cases WHERE status = 'received' ORDER BY deadline LIMIT 1")
if [ -n "$d" ]; then
	echo "-- li accepts case $d and proposes to delete the content (审处分离: it waits)"
	staff_post li "/staff/case/$d/act" "action=accept"
	staff_post li "/staff/case/$d/act" "action=dispose&measure=delete&explain=涉事信息已删除"
	jb_ctl show "$d" | grep -E '^status:|propose' | head -n 3
	echo "-- zhao (a reviewer) approves it: disposed, the outcome feedback queued"
	staff_login zhao zhao-demo-password
	staff_post zhao "/staff/case/$d/act" "action=approve"
	jb_ctl show "$d" | grep -E '^status:|approve|dispose' | head -n 4
fi

say "What was sent or suppressed"
jb_sql "SELECT COALESCE(c.case_no, '-'), o.kind, o.status, COALESCE(o.reason, '') FROM outbox o LEFT JOIN cases c ON c.id = o.case_id ORDER BY o.id" | tr '|' '\t'

say "Stopping everything the demo started"
