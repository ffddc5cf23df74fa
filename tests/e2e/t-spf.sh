#!/bin/bash
# t-spf.sh - SPF results through a real Postfix, from DNS on loopback
#
# dnsmasq on a loopback address serves the test's SPF records; jubao-milter
# runs in a mount namespace whose /etc/resolv.conf names it, so no query
# reaches the machine's own resolver.  Postfix lets swaks pretend another
# client address (XCLIENT): libspf2 passes every loopback client.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/common.sh
. tests/lib/postfix.sh
. tests/lib/jubao.sh

dir=$(mktestdir spf)
sink="$dir/sink"
mkdir -p "$sink"; chown postfix "$sink"
smtp_port=$(free_port); sink_port=$(free_port); milter_port=$(free_port)
# a loopback address of our own for port 53, so parallel runs do not collide
dns_ip=127.53.$((RANDOM % 250 + 1)).$((RANDOM % 250 + 1))
dnsmasq --no-resolv --no-hosts --local=/example/ --listen-address="$dns_ip" \
    --bind-interfaces --port=53 --user=root --pid-file="$dir/dnsmasq.pid" \
    --txt-record=forged.example,"v=spf1 ip4:192.0.2.1 -all" \
    --txt-record=good.example,"v=spf1 ip4:203.0.113.0/24 ip6:2001:db8::/32 -all" \
    --txt-record=soft.example,"v=spf1 ip4:192.0.2.1 ~all" \
    --txt-record=neutral.example,"v=spf1 ?all" \
    --txt-record=broken.example,"v=spf1 ip4:300.1.2.3 -all" \
    --server=/slow.example/127.0.0.1#9 \
    --log-facility="$dir/dnsmasq.log" --log-queries
wait_for -t 5 test -s "$dir/dnsmasq.pid" || { fail "dnsmasq did not start"; finish; }
on_exit "kill $(cat "$dir/dnsmasq.pid") 2>/dev/null || true"
echo "nameserver $dns_ip" >"$dir/resolv.conf"
echo "options timeout:1 attempts:1" >>"$dir/resolv.conf"

# the namespace sees our resolv.conf; the check is made from inside it
ns() { exec unshare -m sh -c 'mount --bind "$0" /etc/resolv.conf && exec "$@"' "$dir/resolv.conf" "$@"; }
r=$(ns spfquery.libspf2 --ip 203.0.113.5 --sender a@forged.example 2>/dev/null | head -n 1)
[ "$r" = fail ] && pass "spfquery in the namespace sees the test's DNS (fail)" ||
	fail "spfquery says '$r'"

JB_CONF=$(jb_conf "$dir/jubao" "$milter_port" "delivery_method = smtp" \
    "smtp_relay = 127.0.0.1:$smtp_port" "outbox_interval = 1s")
jb_milter_start "$JB_CONF" ns || { fail "jubao-milter did not start"; finish; }
sink_start "$sink" "$sink_port" || { fail "smtp-sink did not start"; finish; }
# IPv6 clients (XCLIENT ADDR=IPV6:...) need Postfix to speak IPv6, though
# it listens on 127.0.0.1 only
pf_init "$dir/pf" "$smtp_port" "$sink_port" "inet:127.0.0.1:$milter_port" &&
	pf_set "$dir/pf" "inet_protocols = all" && pf_run "$dir/pf" ||
	{ fail "postfix did not start"; finish; }

# send - send CLIENT SENDER: one report from CLIENT (XCLIENT) as SENDER
send() {
	swaks --server "127.0.0.1:$smtp_port" --xclient-addr "$1" --from "$2" \
	    --to jubao@example.cn --header "Subject: spf $1 $2" \
	    --header "Message-ID: <spf-${1#IPV6:}-${2#*@}@test>" \
	    --body "有人在网上诈骗 https://x.example.cn/$2" --silent 2 >>"$dir/swaks.log" 2>&1
}
spf_of() {
	jb_sql "SELECT c.spf FROM cases c JOIN messages m ON m.case_id = c.id WHERE m.message_id = 'spf-${1#IPV6:}-${2#*@}@test'"
}
while read -r client sender want; do
	if send "$client" "$sender"; then
		got=$(spf_of "$client" "$sender")
		[ "$got" = "$want" ] && pass "$sender from $client: spf=$want" ||
			fail "$sender from $client: spf='$got', want $want"
	else
		fail "Postfix refused $sender from $client: $(tail -n 3 "$dir/swaks.log")"
	fi
done <<'LIST'
203.0.113.5 a@good.example pass
203.0.113.5 a@forged.example fail
203.0.113.5 a@soft.example softfail
203.0.113.5 a@neutral.example neutral
203.0.113.5 a@nospf.example none
203.0.113.5 a@broken.example permerror
203.0.113.5 a@slow.example temperror
IPV6:2001:db8::5 a@good.example pass
IPV6:2001:db8::5 a@forged.example fail
LIST

# what the mailbox sees, and what the forged sender gets (nothing)
sink_wait "$sink" 8 20 >/dev/null
f=$(python3 tests/lib/mail.py find "$sink" rcpt=jubao@example.cn "subject~=a@forged.example" | head -n 1)
[ -n "$f" ] && python3 tests/lib/mail.py show "$f" | grep -q "^Authentication-Results: mx.test.example; spf=fail smtp.mailfrom=forged.example" &&
	pass "the delivered report says spf=fail in Authentication-Results" ||
	fail "no spf=fail Authentication-Results"
c=$(jb_sql "SELECT c.case_no FROM cases c JOIN messages m ON m.case_id = c.id WHERE m.message_id = 'spf-203.0.113.5-forged.example@test'")
[ "$(jb_sql "SELECT o.status || ': ' || o.reason FROM outbox o JOIN cases c ON c.id = o.case_id WHERE c.case_no = '$c'")" = \
    "suppressed: SPF fail: the sender address is probably forged" ] &&
	pass "no acknowledgement to a forged sender (suppressed, with the reason)" ||
	fail "forged sender's acknowledgement: $(jb_sql "SELECT o.status, o.reason FROM outbox o JOIN cases c ON c.id = o.case_id WHERE c.case_no = '$c'")"
wait_for -t 10 test -n "$(python3 tests/lib/mail.py find "$sink" rcpt=a@good.example)"
[ -n "$(python3 tests/lib/mail.py find "$sink" rcpt=a@good.example)" ] &&
	pass "a sender that passed SPF is acknowledged" || fail "no acknowledgement for a@good.example"

# backscatter (finding 5): what a report says goes back only to a sender
# SPF vouched for; any other gets the short acknowledgement, with the case
# number and PIN but nothing the sender chose (the URL here)
ack_of() {
	f=$(python3 tests/lib/mail.py find "$sink" "rcpt=$1" | head -n 1)
	[ -n "$f" ] && python3 tests/lib/mail.py show "$f"
}
ack_of a@good.example | grep -q "https://x.example.cn/a@good.example" &&
	pass "SPF pass: the acknowledgement names the reported address" ||
	fail "SPF pass ack: $(ack_of a@good.example)"
for s in nospf soft neutral broken; do
	wait_for -t 10 test -n "$(python3 tests/lib/mail.py find "$sink" "rcpt=a@$s.example")"
	a=$(ack_of "a@$s.example")
	if [ -n "$a" ] && ! grep -q "x.example.cn" <<<"$a" && grep -q "案件编号" <<<"$a" &&
	    grep -q "查询密码" <<<"$a"; then
		pass "a@$s.example (not authenticated): a short acknowledgement, the URL not echoed"
	else
		fail "a@$s.example: $a"
	fi
done
[ "$(jb_sql "SELECT count(*) FROM events WHERE action = 'ack_queued' AND detail LIKE 'short: the sender is not authenticated (SPF %'")" -ge 4 ] &&
	pass "the ledger says why it was short" || fail "no 'short' events: $(jb_sql "SELECT detail FROM events WHERE action = 'ack_queued'")"
finish
