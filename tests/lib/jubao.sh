# jubao.sh - start jubao's own programs in tests (source after common.sh)
#
#   jb_conf DIR MILTER_PORT [LINE ...]   write DIR/jubao.conf for a test
#   jb_milter_start CONF [WRAPPER...]    start jubao-milter -f, wait for its port
#   jb_milter_stop                       SIGTERM it by PID, wait until gone
#   jb_milter_kill9                      SIGKILL it by PID (fault tests)
#   jb_ctl ARGS...                       jubaoctl -c "$JB_CONF" ARGS...
#   jb_evidence_named DIR                the sealed files in DIR are those the store names
#   jb_evidence_head DIR ID              the first bytes of evidence item ID as stored
#   jb_login BASE OUT NAME PW JAR [CLIENT] a console login (jubao-webd); its status code
#   jb_csrf BASE JAR                     the CSRF token of that session
#   jb_sql SQL                           a query on the test's store (sqlite3 or psql)
#   jb_cases_once N                      check: N cases, no report stored twice
#   jb_stats_same FROM TO                stats from the rollup = stats --scan
#
# Paths are absolute, so the programs may run from any directory.
#
# JUBAO_TEST_ENGINE=postgresql (tests/run.sh "pg:SUITE"): jb_conf puts each
# store in a database of its own in a private cluster (tests/lib/pg.sh),
# started with the first jb_conf and stopped when the test exits.

JB_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# JUBAO_BUILD: where the programs are (build/asan for tests/t-asan.sh)
case ${JUBAO_BUILD:-} in ""|/*) ;; *) JUBAO_BUILD=$JB_TOP/$JUBAO_BUILD ;; esac
JB_MILTER="${JUBAO_BUILD:-$JB_TOP}/milter/jubao-milter"
JB_WEBD="${JUBAO_BUILD:-$JB_TOP}/web/jubao-webd"
JB_CTL="${JUBAO_BUILD:-$JB_TOP}/shared/jubaoctl"
JB_MILTER_PID=
JB_MILTER_PORT=
JB_CONF=
JB_ENGINE=${JUBAO_TEST_ENGINE:-sqlite}
. "$JB_TOP/tests/lib/pg.sh"
if [ "$JB_ENGINE" = postgresql ]; then
	jb_pg_start "$JUBAO_TEST_ROOT/pg" || { fail "a PostgreSQL cluster for the test"; finish; }
fi

# jb_conf - jb_conf DIR MILTER_PORT [LINE ...]: write DIR/jubao.conf and print its path
jb_conf() {
	local dir=${1:?jb_conf DIR PORT} port=${2:?jb_conf: PORT}
	shift 2
	mkdir -p "$dir/spool" "$dir/evidence"
	{
		echo "# written by tests/lib/jubao.sh"
		echo "store_path = $dir/jubao.db"
		echo "store_busy_timeout = 2s"
		echo "spool_dir = $dir/spool"
		echo "evidence_dir = $dir/evidence"
		echo "milter_socket = inet:$port@127.0.0.1"
		echo "report_mailboxes = jubao@example.cn, report@example.cn"
		echo "categories_file = $JB_TOP/conf/categories.conf"
		echo "template_dir = $JB_TOP/conf/templates"
		echo "authserv_id = mx.test.example"
		echo "message_id_domain = example.cn"
		echo "site_name = 示例网"
		echo "ack_from = jubao@example.cn"
		echo "key_file = $dir/jubao.key"
		echo "run_user ="
		jb_store_engine
		local l
		for l in "$@"; do echo "$l"; done
	} >"$dir/jubao.conf"
	# the reporters' key, as "make install" makes it (0600)
	[ -e "$dir/jubao.key" ] || "$JB_CTL" -c "$dir/jubao.conf" keygen >/dev/null
	printf '%s\n' "$dir/jubao.conf"
}

# jb_store_engine - the configuration lines that put a store on the test's
# engine: none for SQLite; for PostgreSQL a new database of its own (a
# counter file: jb_conf runs in $(...))
jb_store_engine() {
	[ "$JB_ENGINE" = postgresql ] || return 0
	local n
	n=$(( $(cat "$JB_PG_DIR/dbs" 2>/dev/null || echo 0) + 1 ))
	echo "$n" >"$JB_PG_DIR/dbs"
	echo "store_engine = postgresql"
	echo "store_conninfo = $(jb_pg_createdb "jubao$n")"
}

# jb_milter_start - jb_milter_start CONF [WRAPPER...]: run the milter in the foreground, in the background
jb_milter_start() {
	local conf=${1:?jb_milter_start CONF}
	shift
	JB_CONF=$conf
	JB_MILTER_PORT=$(sed -n 's/^milter_socket = inet:\([0-9]*\)@.*/\1/p' "$conf")
	"$@" "$JB_MILTER" -f -c "$conf" >>"$(dirname "$conf")/milter.log" 2>&1 &
	JB_MILTER_PID=$!
	on_exit 'jb_milter_stop'
	if ! wait_port "$JB_MILTER_PORT" 10; then
		diag "jubao-milter did not listen on $JB_MILTER_PORT:"
		tail -n 20 "$(dirname "$conf")/milter.log" | diag
		return 1
	fi
}

# jb_milter_stop - SIGTERM the milter started by jb_milter_start, wait until it is gone
jb_milter_stop() {
	[ -n "$JB_MILTER_PID" ] || return 0
	kill -TERM "$JB_MILTER_PID" 2>/dev/null
	local i
	for i in $(seq 1 100); do
		kill -0 "$JB_MILTER_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$JB_MILTER_PID" 2>/dev/null
	wait "$JB_MILTER_PID" 2>/dev/null
	JB_MILTER_PID=
}

# jb_milter_kill9 - SIGKILL the milter (a crash), reap it
jb_milter_kill9() {
	[ -n "$JB_MILTER_PID" ] || return 0
	kill -KILL "$JB_MILTER_PID" 2>/dev/null
	wait "$JB_MILTER_PID" 2>/dev/null
	JB_MILTER_PID=
}

# jb_webd_start - jb_webd_start CONF PORT LOG: jubao-webd -f in the
# background (its output appended to LOG) until it listens on PORT; its PID
# in JB_WEBD_PID; stopped at the test's exit
jb_webd_start() {
	"$JB_WEBD" -f -c "$1" >>"$3" 2>&1 &
	JB_WEBD_PID=$!
	on_exit jb_webd_stop
	wait_for -t 10 port_owned_by "$2" "$JB_WEBD_PID"
}

# jb_webd_stop - SIGTERM jubao-webd, wait for it (SIGKILL after 10 s); its
# exit status in JB_WEBD_RC
jb_webd_stop() {
	[ -n "$JB_WEBD_PID" ] || return 0
	kill -TERM "$JB_WEBD_PID" 2>/dev/null
	wait_for -t 10 eval "! pid_alive $JB_WEBD_PID" || kill -KILL "$JB_WEBD_PID" 2>/dev/null
	wait "$JB_WEBD_PID" 2>/dev/null
	JB_WEBD_RC=$?
	JB_WEBD_PID=
}

# jb_chromium - jb_chromium OUT SCRIPT ARG...: a Selenium script
# (tests/e2e/*_selenium.py) with Debian's Python, its output in OUT; each
# of its "ok - " and "not ok - " lines counted as this test's
jb_chromium() {
	local out=$1 line
	shift
	/usr/bin/python3 "$@" >"$out" 2>&1
	while IFS= read -r line; do
		case $line in
		"ok - "*) pass "chromium: ${line#ok - }" ;;
		"not ok - "*) fail "chromium: ${line#not ok - }" ;;
		esac
	done <"$out"
	grep -q '^ok - ' "$out" || { fail "selenium did not run"; diag <"$out"; }
	# the exception's own line last, where a short log still shows it
	! grep -q '^Traceback' "$out" || { diag <"$out"; fail "selenium stopped: $(grep -m1 -E '^[A-Za-z_.]+(Exception|Error)' "$out")"; }
}

# jb_ctl - jubaoctl with the test's configuration
jb_ctl() {
	"$JB_CTL" -c "$JB_CONF" "$@"
}

# jb_approve - jb_approve CONF CASE...: the reviewer shen.rev (an account
# made the first time) approves the removal proposed on each CASE: a
# disposal that deletes, blocks, unlinks or closes waits for a second
# person (审处分离; tests/e2e/t-review.sh tests the rule itself)
jb_approve() {
	local conf=$1
	shift
	"$JB_CTL" -c "$conf" user list 2>/dev/null | grep -q '^shen\.rev ' ||
		echo 'shen-reviewer-password' | "$JB_CTL" -c "$conf" user add \
		    shen.rev --role reviewer >/dev/null || return 1
	"$JB_CTL" -c "$conf" --actor shen.rev approve "$@"
}

# jb_evidence_named - jb_evidence_named DIR: true when the sealed files in the
# evidence directory DIR are exactly those the store's evidence rows name
# (and there are some); otherwise says what differs, on stdout.  With
# PostgreSQL the store keeps them (evidence_data) and DIR must be empty.
jb_evidence_named() {
	local files rows kept=
	files=$(find "$1" -type f ! -name '.tmp.*' | sed 's|.*/||' | sort)
	rows=$(jb_sql "SELECT file FROM evidence WHERE file IS NOT NULL ORDER BY file")
	if [ "$JB_ENGINE" = postgresql ]; then
		kept=$(jb_sql "SELECT file FROM evidence_data ORDER BY file")
		[ -n "$rows" ] && [ "$kept" = "$rows" ] && [ -z "$files" ] && return 0
		echo "evidence in the store:" $kept "; files:" $files "; rows:" $rows
		return 1
	fi
	[ -n "$rows" ] && [ "$files" = "$rows" ] && return 0
	echo "evidence files:" $files "; rows:" $rows
	return 1
}

# jb_evidence_head - jb_evidence_head DIR ID: the first 8 bytes of evidence
# item ID as stored (sealed: "jubaoev1"), from DIR or the store
jb_evidence_head() {
	if [ "$JB_ENGINE" = postgresql ]; then
		jb_sql "SELECT encode(substr(data, 1, 8), 'escape') FROM evidence_data WHERE file = '$2'"
	else
		head -c 8 "$1/${2:0:2}/$2"
	fi
}

# jb_cases_once - jb_cases_once N: checks that the store has exactly N cases
# and that no report (Message-ID) has two
jb_cases_once() {
	local n d
	n=$(jb_sql "SELECT count(*) FROM cases")
	[ "$n" = "$1" ] && pass "exactly $1 cases" || fail "$n cases for $1 reports"
	d=$(jb_sql "SELECT count(*) FROM (SELECT message_id FROM messages GROUP BY message_id HAVING count(*) > 1) x")
	[ "$d" = 0 ] && pass "no report is stored twice" || fail "$d reports stored twice"
}

# jb_stats_same - jb_stats_same FROM TO: true when jubaoctl stats over [FROM,
# TO) from the rollup (store_rollup.c) is byte for byte what --scan reads
# from every case; otherwise prints the difference
jb_stats_same() {
	local a b
	a=$(jb_ctl --json stats --from "$1" --to "$2" 2>&1) &&
		b=$(jb_ctl --json stats --scan --from "$1" --to "$2" 2>&1) &&
		[ "$a" = "$b" ] && [ -n "$a" ] && return 0
	diff <(echo "$a") <(echo "$b") | head -10
	return 1
}

# jb_login - jb_login BASE OUT NAME PASSWORD JAR [CLIENT]: a console login
# at BASE (http://host:port): the login form's token and cookie, then the
# post (from CLIENT by X-Forwarded-For, loopback being a trusted proxy;
# else 198.51.100.N, N counted in JB_NLOGIN, to stay under the logins a
# minute from one client); the status code, the answer in OUT.out and its
# headers in OUT.h
JB_NLOGIN=0
jb_login() {
	local tok
	JB_NLOGIN=$((JB_NLOGIN + 1))
	rm -f "$5"
	tok=$(curl -s -c "$5" -b "$5" "$1/staff/login" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p')
	curl -s -o "$2.out" -D "$2.h" -w '%{http_code}' -c "$5" -b "$5" \
	    -H "X-Forwarded-For: ${6:-198.51.100.$JB_NLOGIN}" \
	    --data-urlencode "csrf=$tok" --data-urlencode "name=$3" --data-urlencode "password=$4" \
	    "$1/staff/login"
}

# jb_csrf - jb_csrf BASE JAR: the CSRF token of the session in JAR
jb_csrf() {
	curl -s -b "$2" "$1/staff/queue" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -n 1
}

# jb_sql - jb_sql SQL: a query on the test's store (independent of jubaoctl),
# read-only on SQLite unless JB_SQL_WRITE is set (to " ")
jb_sql() {
	if grep -q '^store_engine = postgresql' "$JB_CONF"; then
		jb_psql "$(sed -n 's/^store_conninfo = //p' "$JB_CONF" | tail -n 1)" "$1"
	else
		sqlite3 ${JB_SQL_WRITE:--readonly} "$(sed -n 's/^store_path = //p' "$JB_CONF" | tail -n 1)" "$1"
	fi
}
