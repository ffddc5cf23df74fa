/*
 * NAME
 *	db_pg - the PostgreSQL engine of the db layer (libpq)
 * DESCRIPTION
 *	where is a libpq connection string (key = value words, or a
 *	postgresql:// URI).  A password comes from a passfile (passfile=,
 *	PGPASSFILE, ~/.pgpass): the string itself is never logged, only the
 *	host, port, database and user it names (db_pg_describe).
 *
 *	Statements are prepared on the server once per connection (PQprepare,
 *	named j1, j2 ...) and run with their values as text.  A result is
 *	read whole, so that a nested query may run while a cursor is open;
 *	the store's queries are bounded (a LIMIT, a range of days).
 *
 *	A write transaction takes one transaction-level advisory lock first:
 *	the writers of every host queue on it as SQLite's writers queue on
 *	STORE-lock, so that the store's read-then-write steps (the day's case
 *	number, a retry found by its Message-ID or content hash, the flood
 *	count, an outbox claim) see everything committed before them,
 *	whichever host committed it.  The wait is bounded by
 *	store_busy_timeout (lock_timeout).  Readers take no lock.
 *
 *	A connection that broke (the server restarted or failed over) is made
 *	again by the next call outside a transaction, and statements are
 *	prepared again as they are used (a generation number); a transaction
 *	it broke fails, temporarily, and the caller tempfails.  A COMMIT whose
 *	answer was lost may have committed: the retry finds the case by its
 *	Message-ID and content hash.  Temporary (db_temporary): a broken
 *	connection and SQLSTATE classes 08 (connection), 40 (serialization,
 *	deadlock), 53 (resources: disk full, too many connections), 57
 *	(shutdown, starting up), 58 (I/O), 25006 (a read-only standby) and
 *	55P03 (lock timeout).
 *
 *	The schema's text is SQLite's (store.c); migrations reach PostgreSQL
 *	through ddl(): INTEGER is BIGINT, BLOB is BYTEA, and a table's "id
 *	INTEGER PRIMARY KEY" (SQLite's rowid) is an identity column.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>

#include "db_int.h"
#include "log.h"

/* the advisory lock every writer takes: "jubao" in ASCII */
#define PG_WRITERS_LOCK	"106117098097111"
#define PG_MAXPARAMS	32766	/* as SQLite's; the protocol's is 65535 */
#define PG_INT8		20	/* pg_type.h's INT8OID, TEXTOID */
#define PG_TEXT		25
#define PG_BYTEA	17

struct pg {
	PGconn		*c;
	unsigned	 gen;		/* connections made: statements of an
					 * older one are prepared again */
	unsigned	 names;		/* statement names given */
	long		 changes;
	long		 busy_timeout;	/* seconds */
	int		 in_tx;
	int		 closing;
};

struct pgs {
	struct pg	*pg;
	char		*sql;
	char		 name[16];
	unsigned	 gen;		/* prepared on connection gen; 0: not */
	int		 np;		/* the highest $N bound */
	char		**val;		/* [1..np]; NULL: SQL NULL */
	Oid		*type;		/* [1..np] as bound: int8, text, bytea */
	int		*len;		/* [1..np] bytes' length; text: 0 */
	int		*fmt;		/* [1..np] 1: bytes, 0: text */
	const char	**ptr;		/* [1..np] what is sent */
	int		 cap;		/* of val, type, len, fmt, ptr */
	unsigned char	*blob;		/* the last bytea read (col_blob) */
	int		 bytes;		/* results in binary (want_bytes) */
	PGresult	*res;
	int		 row, nrows, ran;
};

#define PG(db)	((struct pg *)(db)->h)

/* sqlstate_temporary - does this SQLSTATE say the failure may pass */
static int
sqlstate_temporary(const char *st)
{
	if (st == NULL || strlen(st) != 5)
		return (1);	/* no state: the connection, libpq itself */
	return (strncmp(st, "08", 2) == 0 || strncmp(st, "40", 2) == 0 ||
	    strncmp(st, "53", 2) == 0 || strncmp(st, "57", 2) == 0 ||
	    strncmp(st, "58", 2) == 0 || strcmp(st, "25006") == 0 ||
	    strcmp(st, "55P03") == 0);
}

/* one_line - the first line of a libpq message, for db_fail */
static void
one_line(char *out, size_t len, const char *m)
{
	size_t	 n = strcspn(m ? m : "", "\n");

	if (n >= len)
		n = len - 1;
	memcpy(out, m ? m : "", n);
	out[n] = '\0';
}

/* fail_res - db_fail with a result's message and class; clears it; -1 */
static int
fail_res(struct db *db, const char *what, PGresult *r)
{
	struct pg	*p = PG(db);
	char		 m[400];
	int		 temp;

	if (r != NULL) {
		one_line(m, sizeof(m), PQresultErrorMessage(r));
		temp = sqlstate_temporary(PQresultErrorField(r,
		    PG_DIAG_SQLSTATE));
		PQclear(r);
	} else {
		one_line(m, sizeof(m), PQerrorMessage(p->c));
		temp = 1;
	}
	if (PQstatus(p->c) != CONNECTION_OK)
		temp = 1;
	if (*m == '\0')
		snprintf(m, sizeof(m), "no answer from the server");
	return (db_fail(db, temp, "%s: %s", what, m));
}

/* exec_ok - run a command without values; 0 or -1 */
static int
exec_ok(struct db *db, const char *what, const char *sql)
{
	PGresult	*r = PQexec(PG(db)->c, sql);

	if (r == NULL || (PQresultStatus(r) != PGRES_COMMAND_OK &&
	    PQresultStatus(r) != PGRES_TUPLES_OK))
		return (fail_res(db, what, r));
	PQclear(r);
	return (0);
}

/*
 * session - what every connection is set to: UTC (times are Unix seconds
 * anyway), lock waits bounded by the busy timeout, and a transaction left
 * idle (a host that froze or lost the network holding the writers' lock)
 * ended by the server after a minute, so that the other hosts go on
 */
static int
session(struct db *db, long busy_timeout)
{
	char	 sql[256];

	snprintf(sql, sizeof(sql), "SET lock_timeout = %ld; SET TIME ZONE 'UTC';"
	    " SET client_min_messages = warning; SET "
	    "idle_in_transaction_session_timeout = %ld", busy_timeout * 1000,
	    (busy_timeout * 4 > 60 ? busy_timeout * 4 : 60) * 1000);
	return (exec_ok(db, "session", sql));
}

/*
 * conn_ok - a usable connection: one that broke is made again, unless a
 * transaction was open on it (then it is lost: fail, temporarily)
 */
static int
conn_ok(struct db *db)
{
	struct pg	*p = PG(db);

	if (PQstatus(p->c) == CONNECTION_OK)
		return (0);
	if (p->in_tx)
		return (db_fail(db, 1, "the database connection broke during "
		    "a transaction"));
	PQreset(p->c);
	p->gen++;
	if (PQstatus(p->c) != CONNECTION_OK)
		return (fail_res(db, "connect", NULL));
	return (session(db, p->busy_timeout));
}

/* notice - the server's notices (a shutdown, a warning): debug lines */
static void
notice(void *arg, const char *m)
{
	char	 line[400];

	(void)arg;
	one_line(line, sizeof(line), m);
	log_debug("postgresql: %s", line);
}

/*
 * pg_open - connect (connect_timeout the busy timeout, keepalives and a
 * TCP timeout of a minute, unless where says otherwise; application_name
 * jubao)
 */
static int
pg_open(struct db *db, const char *where, long busy_timeout, buf *err)
{
	struct pg	*p = xcalloc(1, sizeof(*p));
	/* a TCP peer that went away is noticed in a minute, not two hours */
	const char	*kw[] = { "connect_timeout", "application_name",
			    "keepalives", "keepalives_idle", "keepalives_interval",
			    "keepalives_count", "tcp_user_timeout", "dbname", NULL };
	char		 t[24], m[400];
	const char	*val[9];

	snprintf(t, sizeof(t), "%ld", busy_timeout < 2 ? 2 : busy_timeout);
	val[0] = t;
	val[1] = "jubao";
	val[2] = "1";
	val[3] = "30";
	val[4] = "10";
	val[5] = "3";
	val[6] = "60000";
	val[7] = where;
	val[8] = NULL;
	db->h = p;
	p->busy_timeout = busy_timeout;
	/* the words of where (expanded from dbname) come after ours */
	p->c = PQconnectdbParams(kw, val, 1);
	p->gen = 1;
	if (p->c != NULL)
		PQsetNoticeProcessor(p->c, notice, NULL);
	if (p->c == NULL || PQstatus(p->c) != CONNECTION_OK) {
		one_line(m, sizeof(m), p->c ? PQerrorMessage(p->c) : "no memory");
		buf_printf(err, "%s", m);
		goto fail;
	}
	if (session(db, busy_timeout) < 0) {
		buf_printf(err, "%s", db->err);
		goto fail;
	}
	return (0);
fail:
	PQfinish(p->c);
	free(p);
	db->h = NULL;
	return (-1);
}

/* pg_close - close the connection */
static void
pg_close(struct db *db)
{
	if (PG(db) == NULL)
		return;
	PQfinish(PG(db)->c);
	free(PG(db));
}

/* pg_prepare - a statement, prepared on the server when it first runs */
static void *
pg_prepare(struct db *db, const char *sql)
{
	struct pgs	*s = xcalloc(1, sizeof(*s));

	s->pg = PG(db);
	s->sql = xstrdup(sql);
	snprintf(s->name, sizeof(s->name), "j%u", ++PG(db)->names);
	return (s);
}

/* clear - a statement's values and result gone */
static void
clear(struct pgs *s)
{
	int	 i;

	for (i = 1; i <= s->np; i++) {
		free(s->val[i]);
		s->val[i] = NULL;
	}
	s->np = 0;
	s->bytes = 0;
	PQfreemem(s->blob);
	s->blob = NULL;
	PQclear(s->res);
	s->res = NULL;
	s->ran = s->row = s->nrows = 0;
}

/* pg_finalize - forget a statement (and on the server, while it lasts) */
static void
pg_finalize(void *v)
{
	struct pgs	*s = v;
	char		 sql[40];
	PGresult	*r;

	clear(s);
	if (!s->pg->closing && s->gen == s->pg->gen &&
	    PQstatus(s->pg->c) == CONNECTION_OK && !s->pg->in_tx) {
		snprintf(sql, sizeof(sql), "DEALLOCATE %s", s->name);
		if ((r = PQexec(s->pg->c, sql)) != NULL)
			PQclear(r);
	}
	free(s->val);
	free(s->type);
	free(s->len);
	free(s->fmt);
	free(s->ptr);
	free(s->sql);
	free(s);
}

/* pg_reset - a statement ready to run again, its values unbound */
static void
pg_reset(void *v)
{
	clear(v);
}

/*
 * bind_val - $i takes v (given to the statement), of type t: the types
 * of the first values bound are those the server prepares the statement
 * with, so that "$2 IS NULL OR status = $2" has a type for $2
 */
static int
bind_val(struct db *db, struct pgs *s, int i, char *v, Oid t)
{
	int	 old;

	if (i < 1 || i > PG_MAXPARAMS) {
		free(v);
		return (db_fail(db, 0, "bind: $%d: more than %d values", i,
		    PG_MAXPARAMS));
	}
	if (i >= s->cap) {
		old = s->cap;
		s->cap = i < 16 ? 32 : i * 2;
		s->val = xrealloc(s->val, s->cap * sizeof(*s->val));
		s->type = xrealloc(s->type, s->cap * sizeof(*s->type));
		s->len = xrealloc(s->len, s->cap * sizeof(*s->len));
		s->fmt = xrealloc(s->fmt, s->cap * sizeof(*s->fmt));
		s->ptr = xrealloc(s->ptr, s->cap * sizeof(*s->ptr));
		memset(s->val + old, 0, (s->cap - old) * sizeof(*s->val));
		memset(s->ptr + old, 0, (s->cap - old) * sizeof(*s->ptr));
		memset(s->type + old, 0, (s->cap - old) * sizeof(*s->type));
		memset(s->len + old, 0, (s->cap - old) * sizeof(*s->len));
		memset(s->fmt + old, 0, (s->cap - old) * sizeof(*s->fmt));
	}
	free(s->val[i]);
	s->val[i] = v;
	s->ptr[i] = v;
	s->type[i] = t;
	s->fmt[i] = 0;
	s->len[i] = 0;
	if (i > s->np)
		s->np = i;
	return (0);
}

static int
pg_bind_int(struct db *db, void *s, int i, long long v)
{
	return (bind_val(db, s, i, xasprintf("%lld", v), PG_INT8));
}

static int
pg_bind_text(struct db *db, void *s, int i, const char *v)
{
	return (bind_val(db, s, i, xstrdup(v), PG_TEXT));
}

/* pg_bind_blob - $i as bytea, sent in binary (not copied) */
static int
pg_bind_blob(struct db *db, void *v, int i, const void *data, size_t len)
{
	struct pgs	*s = v;

	if (len > 0x7fffffff)
		return (db_fail(db, 0, "bind: %zu bytes: too long", len));
	if (bind_val(db, s, i, NULL, PG_BYTEA) < 0)
		return (-1);
	s->ptr[i] = data ? data : "";
	s->len[i] = (int)len;
	s->fmt[i] = 1;
	return (0);
}

static int
pg_bind_null(struct db *db, void *s, int i, int is_int)
{
	return (bind_val(db, s, i, NULL, is_int ? PG_INT8 : PG_TEXT));
}

/* run - prepare (on this connection) and execute; 0 or -1 */
static int
run(struct db *db, struct pgs *s)
{
	struct pg	*p = PG(db);
	PGresult	*r;
	const char	*tuples;

	if (conn_ok(db) < 0)
		return (-1);
	if (s->gen != p->gen) {
		r = PQprepare(p->c, s->name, s->sql, s->np,
		    s->np ? s->type + 1 : NULL);
		if (r == NULL || PQresultStatus(r) != PGRES_COMMAND_OK)
			return (fail_res(db, "prepare", r));
		PQclear(r);
		s->gen = p->gen;
	}
	r = PQexecPrepared(p->c, s->name, s->np,
	    s->np ? s->ptr + 1 : NULL, s->np ? s->len + 1 : NULL,
	    s->np ? s->fmt + 1 : NULL, s->bytes);
	if (r == NULL || (PQresultStatus(r) != PGRES_TUPLES_OK &&
	    PQresultStatus(r) != PGRES_COMMAND_OK))
		return (fail_res(db, "step", r));
	s->res = r;
	s->nrows = PQntuples(r);
	tuples = PQcmdTuples(r);
	p->changes = *tuples ? atol(tuples) : 0;
	return (0);
}

/* pg_step - the next row: DB_ROW, DB_DONE or -1 (the first runs it) */
static int
pg_step(struct db *db, void *v)
{
	struct pgs	*s = v;

	if (!s->ran) {
		if (run(db, s) < 0)
			return (-1);
		s->ran = 1;
		s->row = -1;
	}
	if (s->row + 1 < s->nrows) {
		s->row++;
		return (DB_ROW);
	}
	s->row = s->nrows;
	return (DB_DONE);
}

/* cell - a column of the current row, NULL when NULL or past the end */
static const char *
cell(struct pgs *s, int i)
{
	if (s->res == NULL || s->row < 0 || s->row >= s->nrows ||
	    i >= PQnfields(s->res) || PQgetisnull(s->res, s->row, i))
		return (NULL);
	return (PQgetvalue(s->res, s->row, i));
}

/* pg_col_int - an integer; a boolean is 1 or 0; NULL is 0 */
static long long
pg_col_int(void *s, int i)
{
	const char	*v = cell(s, i);

	if (v == NULL)
		return (0);
	if (*v == 't')
		return (1);
	return (strtoll(v, NULL, 10));
}

static const char *
pg_col_text(void *s, int i)
{
	return (cell(s, i));
}

static double
pg_col_real(void *s, int i)
{
	const char	*v = cell(s, i);

	return (v ? strtod(v, NULL) : 0.0);
}

/* pg_want_bytes - the results in binary (a bytea as it is, not hex) */
static void
pg_want_bytes(void *v)
{
	((struct pgs *)v)->bytes = 1;
}

/* pg_col_blob - a bytea column's bytes (valid until the next step) */
static const void *
pg_col_blob(void *v, int i, size_t *len)
{
	struct pgs	*s = v;
	const char	*t = cell(s, i);

	*len = 0;
	PQfreemem(s->blob);
	s->blob = NULL;
	if (t == NULL)
		return (NULL);
	if (s->bytes) {
		*len = (size_t)PQgetlength(s->res, s->row, i);
		return (t);
	}
	if ((s->blob = PQunescapeBytea((const unsigned char *)t, len)) == NULL)
		log_panic("db: out of memory");
	return (s->blob);
}

static int
pg_col_null(void *s, int i)
{
	return (cell(s, i) == NULL);
}

/* word - is s at a word of its own, of length n, case-insensitive */
static int
word(const char *start, const char *s, const char *w)
{
	size_t	 n = strlen(w);

	return ((s == start || !(isalnum((unsigned char)s[-1]) || s[-1] == '_'))
	    && strncasecmp(s, w, n) == 0 &&
	    !(isalnum((unsigned char)s[n]) || s[n] == '_'));
}

/*
 * ddl - the schema's SQLite text for PostgreSQL (caller frees): "id
 * INTEGER PRIMARY KEY" an identity column, INTEGER BIGINT, BLOB BYTEA.
 * One pass over our own text.
 */
static char *
ddl(const char *sql)
{
	static const char ident[] = "id INTEGER PRIMARY KEY";
	buf		 b = { 0 };
	const char	*s;

	for (s = sql; *s; )
		if (word(sql, s, "id") && strncmp(s, ident, strlen(ident)) == 0) {
			buf_printf(&b, "id BIGINT GENERATED BY DEFAULT AS "
			    "IDENTITY PRIMARY KEY");
			s += strlen(ident);
		} else if (word(sql, s, "INTEGER")) {
			buf_printf(&b, "BIGINT");
			s += strlen("INTEGER");
		} else if (word(sql, s, "BLOB")) {
			buf_printf(&b, "BYTEA");
			s += strlen("BLOB");
		} else
			buf_printf(&b, "%c", *s++);
	return (b.s ? b.s : xstrdup(""));
}

/* pg_script - statements without values or rows (migrations) */
static int
pg_script(struct db *db, const char *sql)
{
	char	*t;
	int	 rc;

	if (conn_ok(db) < 0)
		return (-1);
	t = ddl(sql);
	rc = exec_ok(db, "exec", t);
	free(t);
	return (rc);
}

/*
 * pg_begin_as - BEGIN, then the writers' lock (all hosts); lax: its commit
 * does not wait for the WAL's flush (synchronous_commit off: a crash of
 * the server may lose it, never corrupt).  0 or -1.
 */
static int
pg_begin_as(struct db *db, int lax)
{
	if (conn_ok(db) < 0)
		return (-1);
	if (exec_ok(db, "begin", lax ? "BEGIN; SET LOCAL synchronous_commit "
	    "TO off; SELECT pg_advisory_xact_lock(" PG_WRITERS_LOCK ")" :
	    "BEGIN; SELECT pg_advisory_xact_lock(" PG_WRITERS_LOCK ")") < 0) {
		if (PQstatus(PG(db)->c) == CONNECTION_OK &&
		    PQtransactionStatus(PG(db)->c) != PQTRANS_IDLE)
			PQclear(PQexec(PG(db)->c, "ROLLBACK"));
		return (-1);
	}
	PG(db)->in_tx = 1;
	return (0);
}

static int
pg_begin(struct db *db)
{
	return (pg_begin_as(db, 0));
}

static int
pg_begin_lax(struct db *db)
{
	return (pg_begin_as(db, 1));
}

/* pg_commit - COMMIT; 0 or -1 (then the caller rolls back) */
static int
pg_commit(struct db *db)
{
	if (PQstatus(PG(db)->c) != CONNECTION_OK)
		return (db_fail(db, 1, "commit: the database connection broke"));
	if (exec_ok(db, "commit", "COMMIT") < 0)
		return (-1);
	PG(db)->in_tx = 0;
	return (0);
}

static void	 pg_rollback(struct db *);

/* pg_read_begin - REPEATABLE READ READ ONLY: one snapshot, no lock */
static int
pg_read_begin(struct db *db)
{
	if (conn_ok(db) < 0)
		return (-1);
	if (exec_ok(db, "begin", "BEGIN ISOLATION LEVEL REPEATABLE READ READ "
	    "ONLY") < 0)
		return (-1);
	PG(db)->in_tx = 1;
	return (0);
}

static void
pg_read_end(struct db *db)
{
	pg_rollback(db);
}

/* pg_rollback - ROLLBACK (nothing to do on a broken connection) */
static void
pg_rollback(struct db *db)
{
	PGresult	*r;

	PG(db)->in_tx = 0;
	if (PQstatus(PG(db)->c) == CONNECTION_OK &&
	    PQtransactionStatus(PG(db)->c) != PQTRANS_IDLE &&
	    (r = PQexec(PG(db)->c, "ROLLBACK")) != NULL)
		PQclear(r);
}

/* pg_table_exists - is there a table of this name in our schema */
static int
pg_table_exists(struct db *db, const char *table, int *yes)
{
	const char	*v[1] = { table };
	PGresult	*r;

	*yes = 0;
	if (conn_ok(db) < 0)
		return (-1);
	r = PQexecParams(PG(db)->c, "SELECT to_regclass($1) IS NOT NULL", 1,
	    NULL, v, NULL, NULL, 0);
	if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK ||
	    PQntuples(r) != 1)
		return (fail_res(db, "schema", r));
	*yes = *PQgetvalue(r, 0, 0) == 't';
	PQclear(r);
	return (0);
}

static long
pg_changes(struct db *db)
{
	return (PG(db)->changes);
}

/*
 * pg_erase_begin - PostgreSQL cannot overwrite what it deletes: the rows
 * go when VACUUM reclaims their space (pg_erase_finish), and the server's
 * WAL and its backups keep old copies until they are recycled.  Reporter
 * identity in them is sealed (crypt.c) like everything else at rest.
 */
static int
pg_erase_begin(struct db *db)
{
	(void)db;
	return (0);
}

/* pg_erase_finish - VACUUM the tables a purge deletes from */
static int
pg_erase_finish(struct db *db, int *clean)
{
	*clean = 1;
	if (conn_ok(db) < 0)
		return (-1);
	return (exec_ok(db, "vacuum", "VACUUM cases, reporters, messages, "
	    "evidence, evidence_data, targets, events, outbox, measures, calls"));
}


/*
 * pg_describe - what a connection string names, for a log line: host,
 * port, dbname and user, never a password (a string that does not parse
 * is "(a connection string that does not parse)")
 */
static void
pg_describe(const char *where, buf *out)
{
	PQconninfoOption	*o, *k;
	const char		*show[] = { "host", "hostaddr", "port", "dbname",
				    "user", NULL };
	size_t			 i;
	int			 any = 0;

	if ((o = PQconninfoParse(where, NULL)) == NULL) {
		buf_printf(out, "(a connection string that does not parse)");
		return;
	}
	for (i = 0; show[i]; i++)
		for (k = o; k->keyword; k++)
			if (strcmp(k->keyword, show[i]) == 0 && k->val &&
			    *k->val) {
				buf_printf(out, "%s%s=%s", any++ ? " " : "",
				    k->keyword, k->val);
			}
	if (!any)
		buf_printf(out, "(libpq defaults)");
	PQconninfoFree(o);
}

/*
 * pg_check - a connection string that parses and holds no password: the
 * configuration is read by every program and shown by -n, so a password
 * belongs in a passfile (passfile=, PGPASSFILE)
 */
static int
pg_check(const char *where, buf *err)
{
	PQconninfoOption	*o, *k;
	char			*m = NULL;
	int			 rc = 0;

	if (*where == '\0') {
		buf_printf(err, "store_conninfo: empty (store_engine postgresql "
		    "needs a libpq connection string)");
		return (-1);
	}
	if ((o = PQconninfoParse(where, &m)) == NULL) {
		buf_printf(err, "store_conninfo: %s", m ? strtok(m, "\n") :
		    "does not parse");
		PQfreemem(m);
		return (-1);
	}
	for (k = o; k->keyword; k++)
		if (strcmp(k->keyword, "password") == 0 && k->val != NULL) {
			buf_printf(err, "store_conninfo: holds a password; put "
			    "it in a passfile (passfile=PATH, mode 0600)");
			rc = -1;
		}
	PQconninfoFree(o);
	return (rc);
}

static int
pg_col_count(void *v)
{
	struct pgs	*s = v;

	return (s->res ? PQnfields(s->res) : 0);
}

static const char *
pg_col_name(void *v, int i)
{
	struct pgs	*s = v;

	return (s->res ? PQfname(s->res, i) : NULL);
}

/* pg_col_is_int - bigint, integer or smallint */
static int
pg_col_is_int(void *v, int i)
{
	struct pgs	*s = v;
	Oid		 t = s->res ? PQftype(s->res, i) : 0;

	return (t == 20 || t == 21 || t == 23);
}

/*
 * pg_ids_follow - the identity sequence set past the highest id (table is
 * one of the schema's names, never a sender's)
 */
static int
pg_ids_follow(struct db *db, const char *table)
{
	char	*sql;
	int	 rc;

	if (conn_ok(db) < 0)
		return (-1);
	sql = xasprintf("SELECT setval(pg_get_serial_sequence('%s', 'id'), "
	    "(SELECT coalesce(max(id), 0) + 1 FROM %s), false)", table, table);
	rc = exec_ok(db, "ids", sql);
	free(sql);
	return (rc);
}

const struct db_engine db_pg = {
	"postgresql",
	pg_open, pg_close, pg_prepare, pg_finalize, pg_reset,
	pg_bind_int, pg_bind_text, pg_bind_blob, pg_bind_null, pg_step,
	pg_col_int, pg_col_text, pg_col_real, pg_col_null, pg_col_blob,
	pg_script, pg_begin, pg_commit, pg_rollback, pg_table_exists,
	pg_changes, pg_erase_begin, pg_erase_finish, pg_describe,
	pg_check, pg_col_count, pg_col_name, pg_col_is_int, pg_ids_follow,
	pg_want_bytes, pg_read_begin, pg_read_end, pg_begin_lax,
};
