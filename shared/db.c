/*
 * NAME
 *	db - the engine dispatch, the statement cache, binding, errors
 * DESCRIPTION
 *	See db.h.  A cached statement has one cursor (struct db_stmt in the
 *	connection); a query on a statement whose cursor is open (a nested
 *	query of the same text) gets a statement of its own, finalized when
 *	done.  Preparing costs about half the time of a small report with
 *	SQLite (tests/bench/RESULTS.md), hence the cache.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_int.h"
#include "log.h"

static const struct db_engine *const engines[] = { &db_sqlite, &db_pg, NULL };

/* db_fail - remember why the last call failed; always -1 */
int
db_fail(struct db *db, int temporary, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(db->err, sizeof(db->err), fmt, ap);
	va_end(ap);
	db->temporary = temporary;
	return (-1);
}

/* db_error - why the last call failed */
const char *
db_error(const struct db *db)
{
	return (db->err);
}

/* db_temporary - was it something that may pass (busy, I/O, full, ...) */
int
db_temporary(const struct db *db)
{
	return (db->temporary);
}

/* db_engine_name - "sqlite", ... */
const char *
db_engine_name(const struct db *db)
{
	return (db->eng->name);
}

/* engine - the engine of this name ("" or NULL: sqlite), or NULL */
static const struct db_engine *
engine(const char *name)
{
	size_t	 i;

	for (i = 0; engines[i]; i++)
		if (name == NULL || *name == '\0' ||
		    strcmp(name, engines[i]->name) == 0)
			return (engines[i]);
	return (NULL);
}

/* db_engine_known - is there an engine of this name */
int
db_engine_known(const char *name)
{
	return (engine(name) != NULL);
}

/*
 * db_describe - what where names for this engine, fit for a log line: a
 * file's path, a connection string's host and database but never its
 * password
 */
void
db_describe(const char *name, const char *where, buf *out)
{
	const struct db_engine	*e = engine(name);

	if (e == NULL)
		buf_printf(out, "(engine %s)", name);
	else
		e->describe(where, out);
}

/*
 * db_where_check - can the engine use where: SQLite a path, PostgreSQL a
 * connection string that parses and holds no password (a passfile does);
 * 0, or -1 with the reason in err
 */
int
db_where_check(const char *name, const char *where, buf *err)
{
	const struct db_engine	*e = engine(name);

	if (e == NULL) {
		buf_printf(err, "store_engine %s: not known", name);
		return (-1);
	}
	return (e->check(where, err));
}

/*
 * db_open - a connection to the store at where (a file for SQLite, a
 * connection string for PostgreSQL), with engine ("" or NULL: sqlite);
 * 0, or -1 with the reason in err
 */
int
db_open(const char *name, const char *where, long busy_timeout,
    struct db **out, buf *err)
{
	const struct db_engine	*e = engine(name);
	struct db		*db;

	*out = NULL;
	if (e == NULL) {
		buf_printf(err, "store engine %s: not known", name);
		return (-1);
	}
	db = xcalloc(1, sizeof(*db));
	db->eng = e;
	if (db->eng->open(db, where, busy_timeout, err) < 0) {
		free(db);
		return (-1);
	}
	*out = db;
	return (0);
}

/* db_close - finalize every cached statement and close (NULL is fine) */
void
db_close(struct db *db)
{
	size_t	 i;

	if (db == NULL)
		return;
	for (i = 0; i < DB_CACHE; i++)
		if (db->cache[i].sql != NULL) {
			db->eng->finalize(db->cache[i].es);
			free(db->cache[i].sql);
		}
	db->eng->close(db);
	free(db);
}

/* db_begin, db_commit, db_rollback - a write transaction */
int
db_begin(struct db *db)
{
	return (db->eng->begin(db));
}

/*
 * db_begin_lax - a write transaction whose loss in a crash harms nothing
 * (a status lookup's attempt): its commit does not wait for the disk
 */
int
db_begin_lax(struct db *db)
{
	return (db->eng->begin_lax(db));
}

int
db_commit(struct db *db)
{
	return (db->eng->commit(db));
}

void
db_rollback(struct db *db)
{
	db->eng->rollback(db);
}

/*
 * db_read_begin, db_read_end - a transaction that only reads: the
 * queries in it see one snapshot (the statistics add figures of several
 * queries); it takes no writers' lock
 */
int
db_read_begin(struct db *db)
{
	return (db->eng->read_begin(db));
}

void
db_read_end(struct db *db)
{
	db->eng->read_end(db);
}

/* db_script - statements without parameters or rows (migrations) */
int
db_script(struct db *db, const char *sql)
{
	return (db->eng->script(db, sql));
}

/* db_table_exists - is there a table of this name */
int
db_table_exists(struct db *db, const char *table, int *yes)
{
	return (db->eng->table_exists(db, table, yes));
}

/* db_changes - rows the last statement changed */
long
db_changes(struct db *db)
{
	return (db->eng->changes(db));
}

/*
 * db_erase_begin - what is deleted or overwritten from now on, on this
 * connection, leaves no copy in the files (purge); 0 or -1
 */
int
db_erase_begin(struct db *db)
{
	return (db->eng->erase_begin(db));
}

/*
 * db_erase_finish - old copies of what was erased leave the engine's log
 * too; 0 with *clean 0 when a reader kept them there, or -1
 */
int
db_erase_finish(struct db *db, int *clean)
{
	return (db->eng->erase_finish(db, clean));
}

/* sql_hash - FNV-1a of a statement's text (ours, not a sender's) */
static size_t
sql_hash(const char *s)
{
	size_t	 h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return (h);
}

/*
 * sql_nparams - the highest $N in a statement's text (ours, not a
 * sender's): a value past it is not bound, so that one format string may
 * serve two statements that differ by a column (an engine such as
 * PostgreSQL refuses values a statement does not take)
 */
static int
sql_nparams(const char *s)
{
	int	 n, max = 0;

	for (; *s; s++)
		if (*s == '$' && s[1] >= '1' && s[1] <= '9') {
			for (n = 0, s++; *s >= '0' && *s <= '9'; s++)
				n = n * 10 + (*s - '0');
			if (n > max)
				max = n;
			s--;
		}
	return (max);
}

/*
 * stmt_get - a cursor on sql: the cached statement when free, prepared
 * and cached on first use, or one of its own; NULL after db_fail
 */
static struct db_stmt *
stmt_get(struct db *db, const char *sql)
{
	size_t		 h = sql_hash(sql), i, n;
	struct db_cached *c = NULL;
	struct db_stmt	*q;
	void		*es;

	for (n = 0; n < DB_CACHE; n++) {
		i = (h + n) % DB_CACHE;
		if (db->cache[i].sql == NULL || strcmp(db->cache[i].sql, sql) == 0) {
			c = &db->cache[i];
			break;
		}
	}
	if (c != NULL && c->sql != NULL && !c->busy) {
		q = &db->cur[c - db->cache];
		c->busy = 1;
		q->db = db;
		q->es = c->es;
		q->slot = c;
		q->nparams = c->nparams;
		q->failed = 0;
		return (q);
	}
	if ((es = db->eng->prepare(db, sql)) == NULL)
		return (NULL);
	if (c != NULL && c->sql == NULL) {
		c->sql = xstrdup(sql);
		c->es = es;
		c->busy = 1;
		q = &db->cur[c - db->cache];
		q->slot = c;
	} else {
		q = xcalloc(1, sizeof(*q));
		q->slot = NULL;
	}
	q->db = db;
	q->es = es;
	q->nparams = sql_nparams(sql);
	if (q->slot != NULL)
		q->slot->nparams = q->nparams;
	q->failed = 0;
	return (q);
}

/* stmt_bind - bind the values of fmt to $1, $2 ...; 0 or -1 */
static int
stmt_bind(struct db_stmt *q, const char *fmt, va_list ap)
{
	struct db	*db = q->db;
	const struct db_blob *b;
	const char	*s;
	long long	 v;
	time_t		 t;
	int		 i, rc = 0;

	/* a statement given fewer values than it takes is a bug of ours */
	if ((fmt == NULL ? 0 : (int)strlen(fmt)) < q->nparams)
		log_panic("db: %d value(s) for a statement of %d parameters",
		    fmt == NULL ? 0 : (int)strlen(fmt), q->nparams);
	for (i = 1; fmt != NULL && *fmt && rc == 0; fmt++, i++)
		switch (*fmt) {
		case 'i':
			v = va_arg(ap, long long);
			if (i <= q->nparams)
				rc = db->eng->bind_int(db, q->es, i, v);
			break;
		case 't':
			s = va_arg(ap, const char *);
			if (i <= q->nparams)
				rc = s ? db->eng->bind_text(db, q->es, i, s) :
				    db->eng->bind_null(db, q->es, i, 0);
			break;
		case 'b':
			b = va_arg(ap, const struct db_blob *);
			if (i <= q->nparams)
				rc = db->eng->bind_blob(db, q->es, i, b->data,
				    b->len);
			break;
		case 'z':
			t = va_arg(ap, time_t);
			if (i <= q->nparams)
				rc = t ? db->eng->bind_int(db, q->es, i,
				    (long long)t) : db->eng->bind_null(db, q->es, i, 1);
			break;
		default:
			log_panic("db: bad format letter '%c'", *fmt);
		}
	return (rc);
}

/* vquery - a bound cursor, or NULL after db_fail */
static struct db_stmt *
vquery(struct db *db, const char *sql, const char *fmt, va_list ap)
{
	struct db_stmt	*q;

	if ((q = stmt_get(db, sql)) == NULL)
		return (NULL);
	if (stmt_bind(q, fmt, ap) < 0) {
		q->failed = 1;
		db_done(q);
		return (NULL);
	}
	return (q);
}

/*
 * db_query - a cursor over the rows of sql with the values of fmt bound;
 * NULL after db_fail.  Step it with db_next and give it back with db_done.
 */
struct db_stmt *
db_query(struct db *db, const char *sql, const char *fmt, ...)
{
	struct db_stmt	*q;
	va_list		 ap;

	va_start(ap, fmt);
	q = vquery(db, sql, fmt, ap);
	va_end(ap);
	return (q);
}

/* db_next - the next row: DB_ROW, DB_DONE, or -1 (remembered for db_done) */
int
db_next(struct db_stmt *q)
{
	int	 rc = q->db->eng->step(q->db, q->es);

	if (rc < 0)
		q->failed = 1;
	return (rc);
}

/*
 * db_done - give a cursor back (reset, kept in the cache, or finalized);
 * -1 when a step or a bind of it failed, else 0
 */
int
db_done(struct db_stmt *q)
{
	int	 rc;

	if (q == NULL)
		return (-1);
	rc = q->failed ? -1 : 0;
	if (q->slot != NULL) {
		q->db->eng->reset(q->es);
		q->slot->busy = 0;
	} else {
		q->db->eng->finalize(q->es);
		free(q);
	}
	return (rc);
}

/* db_col_int, db_col_text, db_col_real, db_col_null - a column of the row */
long long
db_col_int(struct db_stmt *q, int i)
{
	return (q->db->eng->col_int(q->es, i));
}

const char *
db_col_text(struct db_stmt *q, int i)
{
	return (q->db->eng->col_text(q->es, i));
}

double
db_col_real(struct db_stmt *q, int i)
{
	return (q->db->eng->col_real(q->es, i));
}

int
db_col_null(struct db_stmt *q, int i)
{
	return (q->db->eng->col_null(q->es, i));
}

/*
 * db_want_bytes - a cursor not yet stepped reads its columns as bytes
 * (db_col_blob only): an engine that would send them as text (PostgreSQL's
 * hex bytea, twice the size) sends them as they are
 */
void
db_want_bytes(struct db_stmt *q)
{
	if (q->db->eng->want_bytes != NULL)
		q->db->eng->want_bytes(q->es);
}

/* db_col_blob - a column's bytes (valid until the next step), its length */
const void *
db_col_blob(struct db_stmt *q, int i, size_t *len)
{
	return (q->db->eng->col_blob(q->es, i, len));
}

/* db_col_count, db_col_name, db_col_is_int - the shape of the row */
int
db_col_count(struct db_stmt *q)
{
	return (q->db->eng->col_count(q->es));
}

const char *
db_col_name(struct db_stmt *q, int i)
{
	return (q->db->eng->col_name(q->es, i));
}

int
db_col_is_int(struct db_stmt *q, int i)
{
	return (q->db->eng->col_is_int(q->es, i));
}

/*
 * db_prepare - a cursor whose values are bound one by one (db_bind_text),
 * for statements made at run time; NULL after db_fail
 */
struct db_stmt *
db_prepare(struct db *db, const char *sql)
{
	return (stmt_get(db, sql));
}

/* db_bind_text - $i as text (NULL: NULL; CAST it in the SQL); 0 or -1 */
int
db_bind_text(struct db_stmt *q, int i, const char *v)
{
	struct db	*db = q->db;
	int		 rc;

	rc = v ? db->eng->bind_text(db, q->es, i, v) :
	    db->eng->bind_null(db, q->es, i, 0);
	if (rc < 0)
		q->failed = 1;
	return (rc);
}

/*
 * db_ids_follow - after rows were inserted with their ids given, the next
 * id the table gives comes after them (PostgreSQL's identity sequence)
 */
int
db_ids_follow(struct db *db, const char *table)
{
	return (db->eng->ids_follow(db, table));
}

/* db_col_dup - a text column, copied (caller frees), or NULL */
char *
db_col_dup(struct db_stmt *q, int i)
{
	const char	*t = db_col_text(q, i);

	return (t ? xstrdup(t) : NULL);
}

/* db_exec - run sql (no rows wanted) with the values of fmt; 0 or -1 */
int
db_exec(struct db *db, const char *sql, const char *fmt, ...)
{
	struct db_stmt	*q;
	va_list		 ap;

	va_start(ap, fmt);
	q = vquery(db, sql, fmt, ap);
	va_end(ap);
	if (q == NULL)
		return (-1);
	while (db_next(q) == DB_ROW)
		;
	return (db_done(q));
}

/*
 * db_int - the first column of the first row as an integer: DB_ROW with
 * *out set, DB_DONE when there is no row (*out 0), or -1
 */
int
db_int(struct db *db, long long *out, const char *sql, const char *fmt, ...)
{
	struct db_stmt	*q;
	va_list		 ap;
	int		 rc;

	*out = 0;
	va_start(ap, fmt);
	q = vquery(db, sql, fmt, ap);
	va_end(ap);
	if (q == NULL)
		return (-1);
	if ((rc = db_next(q)) == DB_ROW)
		*out = db_col_int(q, 0);
	return (db_done(q) < 0 ? -1 : rc);
}

/*
 * db_text - the first column of the first row as text, into out (len):
 * DB_ROW, DB_DONE (out ""), or -1; NULL reads as ""
 */
int
db_text(struct db *db, char *out, size_t len, const char *sql,
    const char *fmt, ...)
{
	struct db_stmt	*q;
	va_list		 ap;
	int		 rc;

	out[0] = '\0';
	va_start(ap, fmt);
	q = vquery(db, sql, fmt, ap);
	va_end(ap);
	if (q == NULL)
		return (-1);
	if ((rc = db_next(q)) == DB_ROW && db_col_text(q, 0) != NULL)
		snprintf(out, len, "%s", db_col_text(q, 0));
	return (db_done(q) < 0 ? -1 : rc);
}
