#!/bin/bash
# t-symlinks.sh - run_user cannot become root through start-up (issue
# "Hostile senders", finding 7)
#
# The daemons start as root and hand directories to run_user (jubao), which
# owns them afterwards and may plant whatever it likes in them.  Each attack
# here is what run_user could do between two starts:
#   - jubao-milter: evidence_dir replaced by a link to a root-only
#     directory, and the store's -wal by a link to a root-only file: the
#     milter refuses to start, and neither target changes hands;
#   - jubao-sipd: a call's recording, left by a crash, replaced by a link to
#     a root-only file: recovery (as jubao, after the drop) does not follow
#     it, and the file keeps its owner and its bytes; the sidecar of a call
#     in progress names no caller in the clear;
#   - files jubao makes are not readable by others (umask 027).
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/common.sh
. tests/lib/jubao.sh
. tests/sip/sip.sh

if ! getent passwd jubao >/dev/null; then
	useradd --system --no-create-home --shell /usr/sbin/nologin jubao ||
		{ fail "cannot create the jubao user"; finish; }
fi
dir=$(mktestdir links)
# what root keeps for itself, outside anything jubao owns
mkdir -p "$dir/root-only"; chmod 700 "$dir/root-only"
printf 'root secret\n' >"$dir/root-only/secret"; chmod 600 "$dir/root-only/secret"
printf 'root file\n' >"$dir/root-file"; chmod 600 "$dir/root-file"
mkdir -p "$dir/victim"; chmod 700 "$dir/victim"
owner() { stat -c '%U %a' "$1"; }

# --- jubao-milter
port=$(free_port)
JB_CONF=$(jb_conf "$dir/j" "$port" "run_user = jubao" \
    "milter_socket = unix:$dir/j/milter.sock" "delivery_method = smtp" \
    "smtp_relay = 127.0.0.1:9")
chown jubao: "$dir/j"
start_milter() {
	"$JB_MILTER" -f -c "$JB_CONF" >"$dir/milter.log" 2>&1 &
	mpid=$!
	on_exit "kill $mpid 2>/dev/null; wait $mpid 2>/dev/null; true"
}
start_milter
wait_for -t 10 test -S "$dir/j/milter.sock" || { fail "no socket: $(cat "$dir/milter.log")"; finish; }
kill "$mpid"; wait "$mpid" 2>/dev/null
[ -z "$(find "$dir/j" -mindepth 1 -type f -perm -o=r ! -name jubao.conf)" ] &&
	pass "no file jubao-milter made is readable by others" ||
	fail "readable by others: $(find "$dir/j" -mindepth 1 -perm -o=r ! -name jubao.conf)"
# refused - start the milter with what run_user planted: it must refuse
refused() {
	start_milter
	for i in $(seq 1 50); do kill -0 "$mpid" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$mpid" 2>/dev/null; then
		fail "jubao-milter started through a planted $1"
		kill "$mpid"
	else
		wait "$mpid"; rc=$?
		[ "$rc" != 0 ] && grep -q "$1.*symbolic link" "$dir/milter.log" &&
			pass "a link for $1: jubao-milter refuses to start ($(grep -m1 "symbolic link" "$dir/milter.log" | sed 's/^.*fatal: //'))" ||
			fail "$1: exit $rc: $(cat "$dir/milter.log")"
	fi
}
# run_user plants its links (it owns $dir/j and all in it)
su -s /bin/sh jubao -c "mv '$dir/j/evidence' '$dir/j/evidence.old' && ln -s '$dir/victim' '$dir/j/evidence'" ||
	fail "planting the evidence link"
refused evidence
su -s /bin/sh jubao -c "rm '$dir/j/evidence' && mv '$dir/j/evidence.old' '$dir/j/evidence' &&
    rm -f '$dir/j/jubao.db-wal' && ln -s '$dir/root-only/secret' '$dir/j/jubao.db-wal'" ||
	fail "planting the -wal link"
refused jubao.db-wal
[ "$(owner "$dir/victim")" = "root 700" ] && [ "$(owner "$dir/root-only/secret")" = "root 600" ] &&
	[ "$(cat "$dir/root-only/secret")" = "root secret" ] &&
	pass "the linked directory and file are still root's, unchanged" ||
	fail "victim: $(owner "$dir/victim"), secret: $(owner "$dir/root-only/secret")"

# --- jubao-sipd: a crash leaves a recording; run_user replaces it by a link
d="$dir/s"
mkdir -p "$d"
conf=$(sip_conf "$d" "run_user = jubao" "sip_silence_timeout = 30s")
chown jubao: "$d"
chmod 755 "$d"
sox -n -r 8000 -c 1 -e u-law "$d/t1000.wav" synth 3 sine 1000 vol 0.5
sipd_start "$conf" || { fail "jubao-sipd did not start"; finish; }
scen "$d/k.xml" "" "王五" 13900000001 invite:0 answered pause:1500 key:4 \
    pause:8000 stream:"$d/t1000.wav":0 pause:20000 bye
sipp_run k "$d/k.xml"
ktag=$(tag_of k-1@jubao.test)
wait_for -t 20 eval 'grep -q "$ktag: category privacy" "$SIPD_LOG"'
sleep 11
[ "$(awk '/^Uid:/ { print $2 }' /proc/$SIPD_PID/status)" = "$(id -u jubao)" ] &&
	pass "jubao-sipd runs as jubao" || fail "sipd uid: $(grep ^Uid: /proc/$SIPD_PID/status)"
meta=$(ls "$d"/rec/*.meta 2>/dev/null | head -n 1)
[ -n "$meta" ] && ! grep -aq -e 13900000001 -e "王五" "$meta" &&
	pass "the sidecar of the call in progress is sealed: no caller in the clear" ||
	fail "sidecar: $(cat "$meta" 2>/dev/null | head -c 200)"
sipd_kill9
kill "${SIPP_PID[k]}" 2>/dev/null
part=$(ls "$d"/rec/*.wav.part 2>/dev/null | head -n 1)
[ -n "$part" ] && pass "a crash left $(basename "$part")" || fail "no .wav.part"
su -s /bin/sh jubao -c "rm -f '$part' && ln -s '$dir/root-file' '$part'" || fail "planting the recording link"
sipd_start "$conf" || fail "jubao-sipd did not restart"
wait_for -t 10 grep -q "has no recording: removed" "$SIPD_LOG" &&
	pass "recovery does not follow the link: 'has no recording: removed'" ||
	fail "recovery: $(grep -i recover "$SIPD_LOG" | tail -3)"
[ "$(owner "$dir/root-file")" = "root 600" ] && [ "$(cat "$dir/root-file")" = "root file" ] &&
	pass "the linked root file keeps its owner and its bytes" ||
	fail "root-file: $(owner "$dir/root-file") $(head -c 60 "$dir/root-file" | od -c | head -2)"
sipd_stop
finish
