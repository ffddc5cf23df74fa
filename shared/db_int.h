/*
 * NAME
 *	db_int - what an engine gives the db layer (not for the store)
 * DESCRIPTION
 *	One table of operations an engine; db.c keeps the statement cache,
 *	the binding from format strings and the error text, and calls these.
 *	Each returns 0 or -1 unless said otherwise; on -1 the engine has
 *	called db_fail with the reason and whether it is temporary.
 */
#ifndef JUBAO_DB_INT_H
#define JUBAO_DB_INT_H

#include "db.h"

struct db_engine {
	const char	*name;
	int	 (*open)(struct db *, const char *where, long busy_timeout,
		    buf *err);
	void	 (*close)(struct db *);
	/* a statement: its engine handle, or NULL after db_fail */
	void	*(*prepare)(struct db *, const char *sql);
	void	 (*finalize)(void *);
	void	 (*reset)(void *);
	int	 (*bind_int)(struct db *, void *, int, long long);
	int	 (*bind_text)(struct db *, void *, int, const char *);
	/* bytes, not copied: kept by the caller until the statement is done */
	int	 (*bind_blob)(struct db *, void *, int, const void *, size_t);
	/* NULL for $i; is_int: where an integer would go (a 'z') */
	int	 (*bind_null)(struct db *, void *, int, int is_int);
	int	 (*step)(struct db *, void *);	/* DB_ROW, DB_DONE or -1 */
	long long (*col_int)(void *, int);
	const char *(*col_text)(void *, int);
	double	 (*col_real)(void *, int);
	int	 (*col_null)(void *, int);
	const void *(*col_blob)(void *, int, size_t *);
	int	 (*script)(struct db *, const char *);
	int	 (*begin)(struct db *);	/* a write transaction */
	int	 (*commit)(struct db *);
	void	 (*rollback)(struct db *);
	int	 (*table_exists)(struct db *, const char *, int *);
	long	 (*changes)(struct db *);
	/* what is deleted from now on is overwritten */
	int	 (*erase_begin)(struct db *);
	/* old copies of deleted content leave the engine's log; *clean 0
	 * when something kept them */
	int	 (*erase_finish)(struct db *, int *clean);
	/* what where names, fit for a log line (no password) */
	void	 (*describe)(const char *where, buf *out);
	/* is where usable (parses; names no password); 0 or -1 with why */
	int	 (*check)(const char *where, buf *err);
	/* the row's shape: columns, their names, integer-typed or not */
	int	 (*col_count)(void *);
	const char *(*col_name)(void *, int);
	int	 (*col_is_int)(void *, int);
	/* a table's next id comes after the ids inserted by hand (a copy) */
	int	 (*ids_follow)(struct db *, const char *table);
	/* the statement's results as bytes (NULL: they are already) */
	void	 (*want_bytes)(void *);
	/* a read-only transaction: one snapshot for several queries */
	int	 (*read_begin)(struct db *);
	void	 (*read_end)(struct db *);
	/* a write transaction whose commit need not wait for the disk: a
	 * crash may lose it, never corrupt the store (db_begin_lax) */
	int	 (*begin_lax)(struct db *);
};

struct db_cached {
	char		*sql;		/* the key: the statement's text */
	void		*es;		/* the engine's statement */
	int		 nparams;	/* the highest $N it uses */
	int		 busy;		/* a cursor is open on it */
};

#define DB_CACHE	256		/* statements kept a connection */

struct db_stmt {
	struct db	*db;
	void		*es;
	struct db_cached *slot;		/* NULL: not cached, finalized at done */
	int		 nparams;	/* values past $nparams are not bound */
	int		 failed;
};

struct db {
	const struct db_engine	*eng;
	void			*h;		/* the engine's connection */
	char			 err[512];
	int			 temporary;
	struct db_cached	 cache[DB_CACHE];
	struct db_stmt		 cur[DB_CACHE];	/* a cursor for each cached one */
};

extern const struct db_engine db_sqlite;
extern const struct db_engine db_pg;

#endif
