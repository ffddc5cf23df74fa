/*
 * NAME
 *	db - the one layer that knows the database engine
 * DESCRIPTION
 *	Everything above it (the store's modules) speaks portable SQL through
 *	these calls: parameters are $1, $2 ... (bound by that name, so one
 *	may be used twice), new rows give their id with RETURNING id, and no
 *	statement names an engine's own catalogue.  The engine is a table of
 *	operations (struct db_engine, db_int.h), one file each, as OpenSMTPD's
 *	queue_backend.c dispatches to queue_fs.c: SQLite (db_sqlite.c) and PostgreSQL (db_pg.c).
 *
 *	Statements are prepared once per connection and kept (a cache keyed
 *	by the SQL text); a query hands back a cursor that db_done returns to
 *	the cache.  Values are bound from a format string, one letter each:
 *	'i' a long long, 't' a string (NULL binds NULL), 'z' a time_t (0
 *	binds NULL), 'b' bytes (a const struct db_blob *, kept by the caller
 *	until the statement is done).
 *
 *	Every function that can fail returns -1 (or NULL) and leaves the
 *	reason in db_error(); db_temporary() says whether it may pass by
 *	itself (busy, locked, I/O, disk full, read-only, unreachable): the
 *	caller tempfails or exits 75 then, and refuses otherwise.  A
 *	connection is used by one thread at a time.
 */
#ifndef JUBAO_DB_H
#define JUBAO_DB_H

#include <stddef.h>
#include <time.h>

#include "util.h"

#define DB_ROW		1
#define DB_DONE		0

struct db;
struct db_stmt;

struct db_blob {
	const void	*data;
	size_t		 len;
};

int	 db_open(const char *engine, const char *where, long busy_timeout,
	    struct db **, buf *err);
void	 db_close(struct db *);
int	 db_engine_known(const char *);
void	 db_describe(const char *engine, const char *where, buf *out);
int	 db_where_check(const char *engine, const char *where, buf *err);
const char *db_engine_name(const struct db *);
const char *db_error(const struct db *);
int	 db_temporary(const struct db *);
int	 db_fail(struct db *, int temporary, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

int	 db_begin(struct db *);
int	 db_begin_lax(struct db *);
int	 db_read_begin(struct db *);
void	 db_read_end(struct db *);
int	 db_commit(struct db *);
void	 db_rollback(struct db *);
int	 db_script(struct db *, const char *sql);
int	 db_table_exists(struct db *, const char *table, int *yes);
long	 db_changes(struct db *);
int	 db_erase_begin(struct db *);
int	 db_erase_finish(struct db *, int *clean);

struct db_stmt *db_query(struct db *, const char *sql, const char *fmt, ...);
int	 db_next(struct db_stmt *);
int	 db_done(struct db_stmt *);
long long db_col_int(struct db_stmt *, int);
const char *db_col_text(struct db_stmt *, int);
char	*db_col_dup(struct db_stmt *, int);
int	 db_col_null(struct db_stmt *, int);
const void *db_col_blob(struct db_stmt *, int, size_t *len);
void	 db_want_bytes(struct db_stmt *);
double	 db_col_real(struct db_stmt *, int);
int	 db_col_count(struct db_stmt *);
const char *db_col_name(struct db_stmt *, int);
int	 db_col_is_int(struct db_stmt *, int);

/* statements whose values are not known at compile time (a copy) */
struct db_stmt *db_prepare(struct db *, const char *sql);
int	 db_bind_text(struct db_stmt *, int i, const char *);
int	 db_ids_follow(struct db *, const char *table);

int	 db_exec(struct db *, const char *sql, const char *fmt, ...);
int	 db_int(struct db *, long long *out, const char *sql, const char *fmt,
	    ...);
int	 db_text(struct db *, char *out, size_t len, const char *sql,
	    const char *fmt, ...);

#endif
