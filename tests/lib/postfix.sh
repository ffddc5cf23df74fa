# postfix.sh - throw-away Postfix instances and smtp-sink on loopback (source after common.sh)
# shellcheck shell=bash
#
# Needs root (Postfix refuses to start otherwise).  The system Postfix and
# /etc/postfix/main.cf are never used or touched: each instance lives in its
# own DIR, and every command gets "-c DIR/etc".
#
#   DIR/etc/main.cf, DIR/etc/master.cf   configuration written by pf_init
#   DIR/queue                            queue_directory (pid/master.pid inside)
#   DIR/data                             data_directory, owned by postfix
#   DIR/maillog                          the instance's log (pf_log)
#
# Mail flow:  client -> smtpd 127.0.0.1:SMTP_PORT [-> milter] -> queue ->
#             smtp client -> relayhost [127.0.0.1]:RELAY_PORT (smtp-sink).
#
# No DNS: smtp_dns_support_level = disabled, the relayhost is a literal
# address, smtpd_peername_lookup = no (clients show up as unknown[ADDR]).
#
# Relaying: every recipient domain is a relay domain (relay_domains =
# static:ALL), and smtpd_relay_restrictions = permit_mynetworks,
# reject_unauth_destination.  So a client that pretends (XCLIENT ADDR=...) to
# be outside mynetworks can still send to any domain: SPF tests need that.
#
# smtp-sink capture format, checked here with Postfix 3.7.11 (smtp-sink -d):
#   - one file per mail transaction, named by expanding DIR/%M. with
#     strftime and appending a random hex id: DIR/MM.xxxxxxxx (MM = minute).
#     smtp-sink creates it at MAIL FROM and closes it *before* answering
#     "250" to the final dot; sink_files lists only closed files.
#   - the file starts with headers written by smtp-sink, LF line endings:
#       X-Client-Addr: 127.0.0.1
#       X-Client-Proto: ESMTP
#       X-Helo-Args: mx.test.example
#       X-Mail-Args: <b@example.org>                     (MAIL FROM args, no "FROM:")
#       X-Rcpt-Args: <a@example.cn> ORCPT=rfc822;a@example.cn   (one per RCPT)
#       Received: from mx.test.example ([127.0.0.1])     (3 lines)
#     then the message as received (CRLF turned into LF, dot-unstuffed),
#     then one empty line.  Postfix adds ORCPT because smtp-sink offers DSN;
#     match recipients with '^X-Rcpt-Args: <a@example.cn>( |$)'.  smtp-sink
#     announces 8BITMIME, so 8-bit bodies arrive unchanged; Postfix appends
#     " BODY=8BITMIME" to X-Mail-Args only when it knows the body is 8-bit.

PF_HOSTNAME=${PF_HOSTNAME:-mx.test.example}
PF_DAEMON_DIR=${PF_DAEMON_DIR:-/usr/lib/postfix/sbin}

# pf_abs - pf_abs DIR: print DIR as an absolute path
pf_abs() {
	case $1 in
	/*) printf '%s\n' "$1" ;;
	*) printf '%s/%s\n' "$(pwd -P)" "$1" ;;
	esac
}

# pf_init - pf_init DIR SMTP_PORT RELAY_PORT [MILTER]: write an instance's configuration (no start)
pf_init() {
	local dir smtp_port=${2:?pf_init DIR SMTP_PORT RELAY_PORT [MILTER]} relay_port=${3:?pf_init: RELAY_PORT} milter=${4:-}
	dir=$(pf_abs "${1:?pf_init: DIR}")
	mkdir -p -- "$dir/etc" "$dir/queue" "$dir/data" || return 1
	chmod 0755 -- "$dir" "$dir/etc" "$dir/queue"
	chown postfix -- "$dir/data" || return 1
	cat >"$dir/etc/main.cf" <<EOF
# Throw-away Postfix instance written by tests/lib/postfix.sh
compatibility_level = 3.6
queue_directory = $dir/queue
data_directory = $dir/data
maillog_file = $dir/maillog
maillog_file_prefixes = $dir
myhostname = $PF_HOSTNAME
mydomain = test.example
myorigin = \$myhostname
smtpd_banner = \$myhostname ESMTP jubao-test
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mydestination =
local_recipient_maps =
local_transport = error:5.1.1 local delivery is disabled in this test instance
alias_maps =
alias_database =
relay_domains = static:ALL
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_authorized_xclient_hosts = 127.0.0.0/8
relayhost = [127.0.0.1]:$relay_port
smtp_dns_support_level = disabled
smtpd_peername_lookup = no
smtp_tls_security_level = none
smtpd_tls_security_level = none
smtpd_error_sleep_time = 0
smtpd_soft_error_limit = 100
smtpd_hard_error_limit = 1000
message_size_limit = 62914560
mailbox_size_limit = 0
queue_run_delay = 2s
minimal_backoff_time = 2s
maximal_backoff_time = 4s
maximal_queue_lifetime = 1h
bounce_queue_lifetime = 1h
smtp_connect_timeout = 5s
smtp_connection_cache_time_limit = 2s
biff = no
EOF
	if [ -n "$milter" ]; then
		cat >>"$dir/etc/main.cf" <<EOF
smtpd_milters = $milter
milter_default_action = tempfail
milter_protocol = 6
milter_connect_timeout = 5s
milter_command_timeout = 10s
milter_content_timeout = 30s
EOF
	fi
	cat >"$dir/etc/master.cf" <<EOF
# service type  private unpriv  chroot  wakeup  maxproc command + args
127.0.0.1:$smtp_port inet n     -       n       -       -       smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
	printf '%s\n' "$smtp_port" >"$dir/etc/smtp_port"
	pf_backdate "$dir"
}

# pf_backdate - pf_backdate DIR: set main.cf's mtime 10 s back, or the next postfix command sleeps ~2 s
#
# Postfix re-reads a main.cf modified less than ~2 s ago in a 0.3 s loop
# (protection against half-written files): "postfix start" right after
# writing main.cf takes 2.1 s instead of 0.3 s.
pf_backdate() {
	touch -d "@$(($(date +%s) - 10))" -- "$1/etc/main.cf" "$1/etc/master.cf"
}

# pf_set - pf_set DIR 'name = value'...: change main.cf parameters; reloads a running instance
#
# After a reload the master replaces its daemons (idle ones exit at once, busy
# ones after their current client); pf_set waits until all daemons that ran
# before are gone (at most 5 s), so the next connection sees the new settings.
pf_set() {
	local dir pid old
	dir=$(pf_abs "${1:?pf_set DIR 'name = value'...}")
	shift
	postconf -c "$dir/etc" -e "$@" || return 1
	pf_backdate "$dir"
	pid=$(pf_master_pid "$dir") || return 0
	old=$(pf_group_pids "$pid" | grep -vx -- "$pid")
	postfix -c "$dir/etc" reload >/dev/null 2>&1 || return 1
	# shellcheck disable=SC2086 # one argument per PID
	wait_for -t 5 pf_pids_gone $old ||
		diag "pf_set: old daemons of $dir still running 5 s after reload"
	return 0
}

# pf_pids_gone - pf_pids_gone PID...: true when none of the PIDs is alive
pf_pids_gone() {
	local p
	for p in "$@"; do
		pid_alive "$p" && return 1
	done
	return 0
}

# pf_run - pf_run DIR: start an instance written by pf_init; wait until smtpd listens
pf_run() {
	local dir out rc port pid
	dir=$(pf_abs "${1:?pf_run DIR}")
	port=$(cat "$dir/etc/smtp_port") || return 1
	on_exit "pf_stop $(printf '%q' "$dir")"
	# postfix prints start-up errors only to a terminal (or the maillog)
	out=$(script -eqc "postfix -c $(printf '%q' "$dir/etc") start" /dev/null 2>&1)
	rc=$?
	if [ "$rc" -ne 0 ]; then
		diag "pf_run: postfix -c $dir/etc start failed (exit $rc):"
		printf '%s\n' "$out" | tr -d '\r' | diag
		[ -f "$dir/maillog" ] && tail -n 5 "$dir/maillog" | diag
		return 1
	fi
	pid=$(pf_master_pid "$dir") || { diag "pf_run: no master running for $dir"; return 1; }
	if ! wait_for -t 10 port_owned_by "$port" "$pid"; then
		diag "pf_run: master $pid does not listen on 127.0.0.1:$port"
		return 1
	fi
}

# pf_start - pf_start DIR SMTP_PORT RELAY_PORT [MILTER]: write, start and wait for an instance
pf_start() {
	pf_init "$@" && pf_run "$1"
}

# pf_master_pid - pf_master_pid DIR: print the instance's master PID; false if it is not running
pf_master_pid() {
	local dir pid
	dir=$(pf_abs "${1:?pf_master_pid DIR}")
	pid=$(tr -dc '0-9' <"$dir/queue/pid/master.pid" 2>/dev/null)
	[ -n "$pid" ] && pid_alive "$pid" || return 1
	# make sure the PID was not reused: it must be a master of this queue
	[ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$PF_DAEMON_DIR/master" ] || return 1
	tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qxF "queue_directory=$dir/queue" || return 1
	printf '%s\n' "$pid"
}

# pf_group_pids - pf_group_pids PID: print the live (non-zombie) PIDs in process group PID
#
# The master is the leader of its own process group (it calls setsid), and
# its daemons stay in it.  After "postfix stop" all of them exit within
# ~40 ms but stay zombies for 1-2 s until init reaps them: they hold no
# port or file any more, so zombies count as gone.
pf_group_pids() {
	ps -e -o pid=,pgid=,stat= | awk -v g="$1" '$2 == g && $3 !~ /^Z/ { print $1 }'
}

# pf_group_gone - pf_group_gone PID: true when no process of group PID is left
pf_group_gone() {
	[ -z "$(pf_group_pids "$1")" ]
}

# pf_stop - pf_stop DIR: stop the instance, wait until its master and children are gone
pf_stop() {
	local dir pid
	dir=$(pf_abs "${1:?pf_stop DIR}")
	pid=$(pf_master_pid "$dir") || return 0
	postfix -c "$dir/etc" stop >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null
	wait_for -t 15 pf_group_gone "$pid" && return 0
	diag "pf_stop: master $pid still running after 15 s, killing its process group"
	kill -KILL -- "-$pid" 2>/dev/null
	wait_for -t 5 pf_group_gone "$pid"
}

# pf_flush - pf_flush DIR: attempt delivery of all queued mail now
pf_flush() {
	postqueue -c "$(pf_abs "${1:?pf_flush DIR}")/etc" -f
}

# pf_queue_count - pf_queue_count DIR: print the number of messages in the instance's queue
pf_queue_count() {
	local dir
	dir=$(pf_abs "${1:?pf_queue_count DIR}")
	if pf_master_pid "$dir" >/dev/null; then
		postqueue -c "$dir/etc" -j | grep -c '"queue_id"'
	else
		# stopped: count the queue files directly
		find "$dir/queue/maildrop" "$dir/queue/incoming" "$dir/queue/active" \
			"$dir/queue/deferred" "$dir/queue/hold" -type f 2>/dev/null | wc -l
	fi
	return 0
}

# pf_queue_empty - pf_queue_empty DIR: true if the instance's queue is empty
pf_queue_empty() {
	[ "$(pf_queue_count "$1")" -eq 0 ]
}

# pf_wait_queue_empty - pf_wait_queue_empty DIR [SECONDS]: wait until the queue is empty (default 20 s)
pf_wait_queue_empty() {
	wait_for -t "${2:-20}" pf_queue_empty "$1"
}

# pf_log - pf_log DIR: print the instance's maillog
pf_log() {
	cat -- "$(pf_abs "${1:?pf_log DIR}")/maillog" 2>/dev/null
}

# sink_start - sink_start DIR PORT: run smtp-sink on 127.0.0.1:PORT capturing each message in DIR
sink_start() {
	local dir port=${2:?sink_start DIR PORT} pid
	dir=$(pf_abs "${1:?sink_start DIR PORT}")
	mkdir -p -- "$dir" && chown postfix -- "$dir" || return 1
	smtp-sink -u postfix -d "$dir/%M." "127.0.0.1:$port" 100 >>"$dir/.smtp-sink.log" 2>&1 &
	pid=$!
	printf '%s\n' "$pid" >"$dir/.smtp-sink.pid"
	SINK_DIR=$dir
	on_exit "sink_stop $(printf '%q' "$dir")"
	if ! wait_for -t 10 sink_listening "$port" "$pid" || ! pid_alive "$pid"; then
		diag "sink_start: smtp-sink (pid $pid) does not listen on 127.0.0.1:$port"
		diag <"$dir/.smtp-sink.log"
		return 1
	fi
}

# sink_listening - sink_listening PORT PID: true if PID listens on PORT or is dead (stop waiting)
sink_listening() {
	port_owned_by "$1" "$2" || ! pid_alive "$2"
}

# sink_pid - sink_pid [DIR]: print the PID of the smtp-sink capturing into DIR; false if not running
sink_pid() {
	local dir pid
	dir=$(pf_abs "${1:-${SINK_DIR:?sink_pid: no DIR and no sink started}}")
	pid=$(cat "$dir/.smtp-sink.pid" 2>/dev/null) || return 1
	pid_alive "$pid" || return 1
	[ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = /usr/sbin/smtp-sink ] || return 1
	printf '%s\n' "$pid"
}

# sink_stop - sink_stop [DIR]: stop the smtp-sink capturing into DIR (default: the last one started)
sink_stop() {
	local pid
	pid=$(sink_pid "$@") || return 0
	kill -TERM "$pid" 2>/dev/null
	wait_for -t 5 eval "! pid_alive $pid" && return 0
	kill -KILL "$pid" 2>/dev/null
	wait_for -t 5 eval "! pid_alive $pid"
}

# sink_files - sink_files DIR: print the paths of the complete captured messages, oldest first
sink_files() {
	local dir pid files open f
	dir=$(pf_abs "${1:?sink_files DIR}")
	# list first, then drop the files smtp-sink still holds open (a
	# transaction in progress); a file closed by now is complete
	files=$(cd "$dir" 2>/dev/null && ls -1tr 2>/dev/null)	# no dotfiles
	[ -n "$files" ] || return 0
	open=
	if pid=$(sink_pid "$dir"); then
		open=$(for f in /proc/"$pid"/fd/*; do readlink "$f"; done 2>/dev/null)
	fi
	printf '%s\n' "$files" | while IFS= read -r f; do
		printf '%s\n' "$open" | grep -qxF -- "$dir/$f" || printf '%s\n' "$dir/$f"
	done
}

# sink_count - sink_count DIR: print the number of complete captured messages
sink_count() {
	sink_files "$1" | grep -c .
	return 0
}

# sink_has - sink_has DIR N: true if at least N messages were captured in DIR
sink_has() {
	[ "$(sink_count "$1")" -ge "$2" ]
}

# sink_wait - sink_wait DIR N [SECONDS]: wait until at least N messages are captured (default 20 s)
sink_wait() {
	wait_for -t "${3:-20}" sink_has "$1" "$2"
}
