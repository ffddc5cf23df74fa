#!/bin/bash
# t-postfix-harness.sh - self-test of tests/lib/postfix.sh: Postfix relays to smtp-sink, no milter
#
# Starts smtp-sink and a private Postfix on free loopback ports, sends three
# messages with swaks (one with a UTF-8 body), checks that each reaches the
# sink with the right envelope and an intact body, then stops everything and
# checks by PID that no daemon of this test is left.  Needs root.
# shellcheck source-path=SCRIPTDIR disable=SC2317 # helpers are called through check
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/common.sh
. "$here/../lib/common.sh"
# shellcheck source=../lib/postfix.sh
. "$here/../lib/postfix.sh"

# ms_now - print the current time in milliseconds
ms_now() {
	echo $(($(now_us) / 1000))
}

# send - send N BODY [swaks options...]: send message N through the test Postfix
send() {
	local n=$1 body=$2
	shift 2
	swaks --server "127.0.0.1:$smtp_port" --to a@example.cn --from b@example.org \
		--header "Subject: harness test $n" --body "$body" "$@" >"$root/swaks.$n.log" 2>&1
}

# sink_file_for - sink_file_for SUBJECT: print the captured message with that subject
sink_file_for() {
	local f
	for f in $(sink_files "$sink_dir"); do
		grep -qxF "Subject: $1" "$f" && { printf '%s\n' "$f"; return 0; }
	done
	return 1
}

# has_envelope - has_envelope FILE: true if FILE shows MAIL FROM b@example.org, RCPT TO a@example.cn only
has_envelope() {
	grep -qE '^X-Mail-Args: <b@example\.org>( |$)' "$1" &&
		grep -qE '^X-Rcpt-Args: <a@example\.cn>( |$)' "$1" &&
		[ "$(grep -c '^X-Rcpt-Args:' "$1")" -eq 1 ]
}

if [ "$(id -u)" -ne 0 ]; then
	fail "must run as root (Postfix instances need it)"
	finish
fi
for cmd in postfix smtp-sink swaks ss script python3; do
	command -v "$cmd" >/dev/null || { fail "missing command: $cmd"; finish; }
done

root=$(mktestdir harness)
sink_dir=$root/sink
pf_dir=$root/pf
smtp_port=$(free_port)
relay_port=$(free_port)
check "free_port gave two different ports ($smtp_port, $relay_port)" \
	test -n "$smtp_port" -a -n "$relay_port" -a "$smtp_port" != "$relay_port"

t0=$(ms_now)
check "smtp-sink listens on 127.0.0.1:$relay_port" sink_start "$sink_dir" "$relay_port"
t1=$(ms_now)
if ! check "postfix listens on 127.0.0.1:$smtp_port" pf_start "$pf_dir" "$smtp_port" "$relay_port"; then
	pf_log "$pf_dir" | tail -n 20 | diag
	finish
fi
t2=$(ms_now)
diag "start: smtp-sink $((t1 - t0)) ms, postfix $((t2 - t1)) ms"
master_pid=$(pf_master_pid "$pf_dir")
sink_pid=$(sink_pid "$sink_dir")
check "master PID known ($master_pid)" [ -n "$master_pid" ]
check "smtp-sink PID known ($sink_pid)" [ -n "$sink_pid" ]
check "main.cf is private" [ "$(postconf -c "$pf_dir/etc" -h queue_directory)" = "$pf_dir/queue" ]

utf8_body='UTF-8 测试：中文正文，Grüße, ÄÖÜ, 日本語, emoji 📧.'
check "swaks message 1 accepted" send 1 "plain body one"
check "swaks message 2 accepted" send 2 "plain body two"
check "swaks message 3 (UTF-8 body) accepted" send 3 "$utf8_body" \
	--header 'Content-Type: text/plain; charset=UTF-8' \
	--header 'Content-Transfer-Encoding: 8bit'

t3=$(ms_now)
check "3 messages reach the sink" sink_wait "$sink_dir" 3 20
check "postfix queue is empty" pf_wait_queue_empty "$pf_dir" 10
diag "relay: 3 messages in the sink $(($(ms_now) - t3)) ms after the last swaks"
check "exactly 3 messages in the sink" [ "$(sink_count "$sink_dir")" -eq 3 ]

for n in 1 2 3; do
	if f=$(sink_file_for "harness test $n"); then
		check "message $n has the right envelope" has_envelope "$f"
		check "message $n was relayed by the test Postfix" \
			grep -q "by $PF_HOSTNAME (Postfix) with ESMTP" "$f"
	else
		fail "message $n found in the sink"
	fi
done
f=$(sink_file_for "harness test 1") && check "message 1 body intact" grep -qxF "plain body one" "$f"
if f=$(sink_file_for "harness test 3"); then
	check "UTF-8 body arrives byte for byte" grep -qxF -- "$utf8_body" "$f"
	diag "message 3 envelope: $(grep '^X-Mail-Args:' "$f")"
fi
check "maillog shows 3 deliveries to the sink" \
	[ "$(grep -c "relay=127.0.0.1\[127.0.0.1\]:$relay_port, .*status=sent" "$pf_dir/maillog")" -eq 3 ]
check "pf_queue_count says 0" [ "$(pf_queue_count "$pf_dir")" -eq 0 ]

t4=$(ms_now)
pf_stop "$pf_dir"
t5=$(ms_now)
sink_stop "$sink_dir"
t6=$(ms_now)
diag "stop: postfix $((t5 - t4)) ms, smtp-sink $((t6 - t5)) ms"
check "postfix master $master_pid is gone" eval "! pid_alive $master_pid"
check "no process left in master's process group" pf_group_gone "$master_pid"
check "smtp-sink $sink_pid is gone" eval "! pid_alive $sink_pid"
check "nothing listens on $smtp_port or $relay_port" \
	eval "! port_listening $smtp_port && ! port_listening $relay_port"
check "pf_stop is idempotent" pf_stop "$pf_dir"
check "sink files still readable after stop" [ "$(sink_count "$sink_dir")" -eq 3 ]

finish
