# pg.sh - a private PostgreSQL cluster for a test (source after common.sh)
#
#   jb_pg_start DIR          initdb and start a cluster in DIR (a unix socket
#                            in DIR, no TCP); sets JB_PG_DIR, JB_PG_PORT; it is
#                            stopped by its own pg_ctl when the test exits
#   jb_pg_stop               pg_ctl stop -m fast
#   jb_pg_resume             start it again after jb_pg_stop
#   jb_pg_restart [MODE]     pg_ctl restart -m MODE (immediate: a crash)
#   jb_pg_ctl ARGS...        pg_ctl -D DIR/data ARGS... as the cluster's owner
#   jb_pg_createdb NAME      an empty database NAME; prints its connection string
#   jb_psql CONNINFO SQL     one query: unaligned, no headers, "|" between columns
#
# Tests run the cluster with fsync=off (a crash of the machine is not what
# they test); JB_PG_FSYNC=on (benchmarks) makes every commit durable, as
# SQLite's synchronous=FULL is.
#
# As root (CI), the cluster runs as the "postgres" user of Debian's package
# (TESTING.md); as anyone else, as that user.  The server is Debian's
# PostgreSQL 15 (or the newest under /usr/lib/postgresql).

JB_PG_DIR=
JB_PG_PORT=
JB_PG_OPTS=
JB_PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)

# jb_pg_as - jb_pg_as CMD...: run CMD as the cluster's owner
jb_pg_as() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# jb_pg_ctl - pg_ctl on the test's cluster
jb_pg_ctl() {
	jb_pg_as "$JB_PG_BIN/pg_ctl" -D "$JB_PG_DIR/data" "$@"
}

# jb_pg_start - jb_pg_start DIR: a fresh cluster, started; false if it is not
jb_pg_start() {
	local dir=${1:?jb_pg_start DIR}
	[ -x "$JB_PG_BIN/initdb" ] || { diag "no PostgreSQL server (package postgresql)"; return 1; }
	mkdir -p "$dir"
	[ "$(id -u)" = 0 ] && chown postgres "$dir"
	JB_PG_DIR=$dir
	JB_PG_PORT=$(free_port) || return 1
	jb_pg_as "$JB_PG_BIN/initdb" -D "$dir/data" -A trust -U jubao --no-sync \
	    -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
		diag "initdb failed:"; tail -n 5 "$dir/initdb.log" | diag; return 1; }
	on_exit 'jb_pg_stop'
	JB_PG_OPTS="-k $dir -p $JB_PG_PORT -c listen_addresses='' -c fsync=${JB_PG_FSYNC:-off}"
	jb_pg_resume || {
		diag "the cluster did not start:"; tail -n 5 "$dir/log" | diag; return 1; }
}

# jb_pg_resume - start the cluster (again), as jb_pg_start did
jb_pg_resume() {
	jb_pg_ctl -o "$JB_PG_OPTS" -l "$JB_PG_DIR/log" -w start >/dev/null 2>&1
}

# jb_pg_stop - stop the cluster (fast), if it runs
jb_pg_stop() {
	[ -n "$JB_PG_DIR" ] && [ -f "$JB_PG_DIR/data/postmaster.pid" ] || return 0
	jb_pg_ctl -m fast -w stop >/dev/null 2>&1
}

# jb_pg_restart - jb_pg_restart [MODE]: restart it (immediate: as after a crash)
jb_pg_restart() {
	jb_pg_ctl -m "${1:-fast}" -w restart >/dev/null 2>&1
}

# jb_pg_createdb - jb_pg_createdb NAME: make the database; print its connection string
jb_pg_createdb() {
	local name=${1:?jb_pg_createdb NAME}
	jb_psql "host=$JB_PG_DIR port=$JB_PG_PORT user=jubao dbname=postgres" \
	    "CREATE DATABASE $name" >/dev/null || return 1
	printf 'host=%s port=%s user=jubao dbname=%s\n' "$JB_PG_DIR" "$JB_PG_PORT" "$name"
}

# jb_psql - jb_psql CONNINFO SQL: the rows of one query
jb_psql() {
	psql -X -q -A -t -F '|' -v ON_ERROR_STOP=1 -d "$1" -c "$2"
}
