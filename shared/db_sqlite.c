/*
 * NAME
 *	db_sqlite - the SQLite engine of the db layer
 * DESCRIPTION
 *	WAL, so readers (jubaoctl) never block writers; synchronous FULL, so
 *	a commit that returned is on disk (Postfix deletes its copy after
 *	it); foreign keys on.  A write transaction is BEGIN IMMEDIATE, so two
 *	writers never deadlock on a lock upgrade.
 *
 *	Waiting for the write lock: SQLite's own busy handler sleeps 1, 2, 5
 *	... then 100 ms at a time, so a writer that keeps losing the race
 *	waited seconds while others committed thousands of times (2.7-3.9 s
 *	with 8 writers: tests/bench/RESULTS.md).  Writers of one store queue
 *	instead on a mutex of their own, taken before BEGIN IMMEDIATE: a
 *	process-shared, robust pthread mutex in STORE-lock, a small file
 *	mapped by every jubao process.  Waiters sleep in the kernel and the
 *	one that is woken takes it the moment it is free, so nobody polls
 *	and nobody starves; the wait is bounded by store_busy_timeout
 *	(pthread_mutex_timedlock), and a process that dies holding it does
 *	not block the others (a robust mutex: the next one takes it over).
 *	When the file cannot be made (a read-only directory) SQLite's own
 *	waiting is used.
 *
 *	Error classes (db_temporary): busy, locked, I/O, full, read-only,
 *	cannot open, protocol, out of memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <sqlite3.h>

#include "db_int.h"
#include "log.h"

#define LOCK_MAGIC	0x6a75626c6f636b31ULL	/* "jublock1" */

/* what STORE-lock holds: the writers' mutex */
struct sq_shared {
	unsigned long long	 magic;
	pthread_mutex_t		 writers;
};

struct sq {
	sqlite3		*s;
	struct sq_shared *shm;		/* STORE-lock mapped; NULL when none */
	int		 locked;
	int		 lax;		/* this transaction: synchronous NORMAL */
	long		 timeout_ms;
};

#define SQ(db)	((struct sq *)(db)->h)

/* fail - db_fail with SQLite's message and its class */
static int
fail(struct db *db, const char *what)
{
	int	 code = sqlite3_extended_errcode(SQ(db)->s) & 0xff;

	return (db_fail(db, code == SQLITE_BUSY || code == SQLITE_LOCKED ||
	    code == SQLITE_IOERR || code == SQLITE_FULL ||
	    code == SQLITE_READONLY || code == SQLITE_CANTOPEN ||
	    code == SQLITE_PROTOCOL || code == SQLITE_NOMEM,
	    "%s: %s", what, sqlite3_errmsg(SQ(db)->s)));
}

/*
 * lock_map - map STORE-lock, making its mutex the first time (under flock,
 * so two processes starting together make it once); NULL with errno
 */
static struct sq_shared *
lock_map(const char *path)
{
	struct sq_shared	*m;
	pthread_mutexattr_t	 a;
	struct stat		 sb;
	int			 fd, e;

	if ((fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0640)) < 0)
		return (NULL);
	if (flock(fd, LOCK_EX) < 0 || fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) ||
	    (sb.st_size < (off_t)sizeof(*m) && ftruncate(fd, sizeof(*m)) < 0))
		goto fail;
	m = mmap(NULL, sizeof(*m), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		goto fail;
	if (m->magic != LOCK_MAGIC) {
		pthread_mutexattr_init(&a);
		pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
		pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
		pthread_mutex_init(&m->writers, &a);
		pthread_mutexattr_destroy(&a);
		m->magic = LOCK_MAGIC;
		msync(m, sizeof(*m), MS_SYNC);
	}
	flock(fd, LOCK_UN);
	close(fd);
	return (m);
fail:
	e = errno;
	close(fd);
	errno = e;
	return (NULL);
}

/* sq_open - the file, its pragmas, the writers' lock beside it */
static int
sq_open(struct db *db, const char *path, long busy_timeout, buf *err)
{
	struct sq	*q = xcalloc(1, sizeof(*q));
	char		 pragma[64], *lock;
	int		 rc;

	db->h = q;
	q->timeout_ms = busy_timeout * 1000;
	if ((rc = sqlite3_open_v2(path, &q->s, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL)) != SQLITE_OK) {
		buf_printf(err, "%s", q->s ? sqlite3_errmsg(q->s) :
		    "cannot open");
		goto fail;
	}
	sqlite3_busy_timeout(q->s, (int)q->timeout_ms);
	snprintf(pragma, sizeof(pragma), "PRAGMA busy_timeout = %ld",
	    q->timeout_ms);
	if (sqlite3_exec(q->s, pragma, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(q->s, "PRAGMA journal_mode = WAL", NULL, NULL,
	    NULL) != SQLITE_OK ||
	    sqlite3_exec(q->s, "PRAGMA synchronous = FULL", NULL, NULL,
	    NULL) != SQLITE_OK ||
	    sqlite3_exec(q->s, "PRAGMA foreign_keys = ON", NULL, NULL,
	    NULL) != SQLITE_OK) {
		buf_printf(err, "%s", sqlite3_errmsg(q->s));
		goto fail;
	}
	lock = xasprintf("%s-lock", path);
	if ((q->shm = lock_map(lock)) == NULL)
		log_debug("store %s: no writers' lock (%s): SQLite's own waiting",
		    lock, strerror(errno));
	free(lock);
	return (0);
fail:
	sqlite3_close(q->s);
	free(q);
	db->h = NULL;
	return (-1);
}


/* sq_close - close the file and the lock */
static void
sq_close(struct db *db)
{
	if (SQ(db) == NULL)
		return;
	sqlite3_close(SQ(db)->s);
	if (SQ(db)->shm != NULL)
		munmap(SQ(db)->shm, sizeof(*SQ(db)->shm));
	free(SQ(db));
}

/* sq_prepare - a persistent statement (it will be reused) */
static void *
sq_prepare(struct db *db, const char *sql)
{
	sqlite3_stmt	*s = NULL;

	if (sqlite3_prepare_v3(SQ(db)->s, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &s, NULL) != SQLITE_OK) {
		fail(db, "prepare");
		return (NULL);
	}
	return (s);
}

/* sq_finalize - forget a statement */
static void
sq_finalize(void *s)
{
	sqlite3_finalize(s);
}

/* sq_reset - a statement ready to run again, its values unbound */
static void
sq_reset(void *s)
{
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
}

/* param - the index of $i in the statement; 0 when it does not use it */
static int
param(void *s, int i)
{
	char	 name[16];

	snprintf(name, sizeof(name), "$%d", i);
	return (sqlite3_bind_parameter_index(s, name));
}

/* sq_bind_int - $i as an integer (a statement without $i ignores it) */
static int
sq_bind_int(struct db *db, void *s, int i, long long v)
{
	int	 k = param(s, i);

	if (k > 0 && sqlite3_bind_int64(s, k, v) != SQLITE_OK)
		return (fail(db, "bind"));
	return (0);
}

/* sq_bind_text - $i as text (copied) */
static int
sq_bind_text(struct db *db, void *s, int i, const char *v)
{
	int	 k = param(s, i);

	if (k > 0 && sqlite3_bind_text(s, k, v, -1, SQLITE_TRANSIENT) != SQLITE_OK)
		return (fail(db, "bind"));
	return (0);
}

/* sq_bind_blob - $i as bytes (not copied: the caller keeps them) */
static int
sq_bind_blob(struct db *db, void *s, int i, const void *v, size_t len)
{
	int	 k = param(s, i);

	if (k > 0 && sqlite3_bind_blob64(s, k, v, len, SQLITE_STATIC) !=
	    SQLITE_OK)
		return (fail(db, "bind"));
	return (0);
}

/* sq_bind_null - $i as NULL */
static int
sq_bind_null(struct db *db, void *s, int i, int is_int)
{
	int	 k = param(s, i);

	if (k > 0 && sqlite3_bind_null(s, k) != SQLITE_OK)
		return (fail(db, "bind"));
	return (0);
}

/* sq_step - the next row: DB_ROW, DB_DONE or -1 */
static int
sq_step(struct db *db, void *s)
{
	switch (sqlite3_step(s)) {
	case SQLITE_ROW:
		return (DB_ROW);
	case SQLITE_DONE:
		return (DB_DONE);
	default:
		return (fail(db, "step"));
	}
}

/* sq_col_int - a column of the row as an integer */
static long long
sq_col_int(void *s, int i)
{
	return (sqlite3_column_int64(s, i));
}

/* sq_col_text - a column of the row as text (valid until the next step) */
static const char *
sq_col_text(void *s, int i)
{
	return ((const char *)sqlite3_column_text(s, i));
}

/* sq_col_real - a column of the row as a real */
static double
sq_col_real(void *s, int i)
{
	return (sqlite3_column_double(s, i));
}

/* sq_col_blob - a column's bytes and length (valid until the next step) */
static const void *
sq_col_blob(void *s, int i, size_t *len)
{
	const void	*p = sqlite3_column_blob(s, i);

	*len = (size_t)sqlite3_column_bytes(s, i);
	return (p);
}

/* sq_col_null - is a column of the row NULL */
static int
sq_col_null(void *s, int i)
{
	return (sqlite3_column_type(s, i) == SQLITE_NULL);
}

/* sq_script - statements without parameters or rows (migrations) */
static int
sq_script(struct db *db, const char *sql)
{
	if (sqlite3_exec(SQ(db)->s, sql, NULL, NULL, NULL) != SQLITE_OK)
		return (fail(db, "exec"));
	return (0);
}

/* mono_ms - the monotonic clock in milliseconds */
static long long
mono_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/*
 * writers_lock - wait in the writers' queue up to the busy timeout; 0, or
 * -1 (busy).  A holder that died leaves the mutex to the next one.  What
 * is left of the timeout is SQLite's to wait for a lock held by another
 * program (the sqlite3 shell, a backup): the two waits are one timeout.
 */
static int
writers_lock(struct db *db)
{
	struct sq	*q = SQ(db);
	struct timespec	 until;
	long long	 t0 = mono_ms(), left;
	int		 rc;

	if (q->shm == NULL)
		return (0);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += q->timeout_ms / 1000;
	rc = pthread_mutex_timedlock(&q->shm->writers, &until);
	left = q->timeout_ms - (mono_ms() - t0);
	sqlite3_busy_timeout(q->s, left > 100 ? (int)left : 100);
	if (rc == EOWNERDEAD)
		rc = pthread_mutex_consistent(&q->shm->writers);
	if (rc == ETIMEDOUT)
		return (db_fail(db, 1, "store busy: other writers held it for "
		    "%lds (store_busy_timeout)", q->timeout_ms / 1000));
	if (rc != 0)
		return (0);	/* not usable: SQLite's own waiting */
	q->locked = 1;
	return (0);
}

/* writers_unlock - let the next writer in */
static void
writers_unlock(struct db *db)
{
	struct sq	*q = SQ(db);

	if (!q->locked)
		return;
	q->locked = 0;
	pthread_mutex_unlock(&q->shm->writers);
}

/* sq_strict - back to synchronous FULL after a lax transaction */
static void
sq_strict(struct db *db)
{
	if (!SQ(db)->lax)
		return;
	SQ(db)->lax = 0;
	if (sqlite3_exec(SQ(db)->s, "PRAGMA synchronous = FULL", NULL, NULL,
	    NULL) != SQLITE_OK)
		log_panic("sqlite: cannot set synchronous back to FULL: %s",
		    sqlite3_errmsg(SQ(db)->s));
}

/*
 * sq_begin_as - the writers' queue, then BEGIN IMMEDIATE; lax: with
 * synchronous NORMAL (WAL: the commit is not synced, a crash may lose it;
 * the next FULL commit syncs it with its own).  The level may change only
 * outside a transaction.  0 or -1.
 */
static int
sq_begin_as(struct db *db, int lax)
{
	int	 rc;

	if (writers_lock(db) < 0)
		return (-1);
	if (lax && sqlite3_exec(SQ(db)->s, "PRAGMA synchronous = NORMAL", NULL,
	    NULL, NULL) == SQLITE_OK)
		SQ(db)->lax = 1;
	rc = sqlite3_exec(SQ(db)->s, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	sqlite3_busy_timeout(SQ(db)->s, (int)SQ(db)->timeout_ms);
	if (rc != SQLITE_OK) {
		fail(db, "begin");
		sq_strict(db);
		writers_unlock(db);
		return (-1);
	}
	return (0);
}

static int
sq_begin(struct db *db)
{
	return (sq_begin_as(db, 0));
}

static int
sq_begin_lax(struct db *db)
{
	return (sq_begin_as(db, 1));
}

/* sq_commit - COMMIT, then the next writer's turn; 0 or -1 */
static int
sq_commit(struct db *db)
{
	if (sqlite3_exec(SQ(db)->s, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return (fail(db, "commit"));
	sq_strict(db);
	writers_unlock(db);
	return (0);
}

/* sq_rollback - ROLLBACK, then the next writer's turn */
static void
sq_rollback(struct db *db)
{
	sqlite3_exec(SQ(db)->s, "ROLLBACK", NULL, NULL, NULL);
	sq_strict(db);
	writers_unlock(db);
}

/* sq_read_begin - a deferred transaction: WAL gives it one snapshot */
static int
sq_read_begin(struct db *db)
{
	if (sqlite3_exec(SQ(db)->s, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return (fail(db, "begin"));
	return (0);
}

static void
sq_read_end(struct db *db)
{
	sqlite3_exec(SQ(db)->s, "COMMIT", NULL, NULL, NULL);
}

/* sq_table_exists - is there a table of this name (sqlite_master) */
static int
sq_table_exists(struct db *db, const char *table, int *yes)
{
	sqlite3_stmt	*s;
	int		 rc;

	*yes = 0;
	if (sqlite3_prepare_v2(SQ(db)->s, "SELECT count(*) FROM sqlite_master "
	    "WHERE type = 'table' AND name = ?1", -1, &s, NULL) != SQLITE_OK)
		return (fail(db, "schema"));
	sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		*yes = sqlite3_column_int(s, 0) > 0;
	sqlite3_finalize(s);
	return (rc == SQLITE_ROW ? 0 : fail(db, "schema"));
}

/* sq_changes - rows the last statement changed */
static long
sq_changes(struct db *db)
{
	return ((long)sqlite3_changes(SQ(db)->s));
}

/* sq_erase_begin - SQLite overwrites deleted content with zeros */
static int
sq_erase_begin(struct db *db)
{
	return (sq_script(db, "PRAGMA secure_delete = ON"));
}

/* sq_erase_finish - checkpoint the WAL and truncate it */
static int
sq_erase_finish(struct db *db, int *clean)
{
	sqlite3_stmt	*s;
	int		 rc;

	*clean = 1;
	if (sqlite3_prepare_v2(SQ(db)->s, "PRAGMA wal_checkpoint(TRUNCATE)",
	    -1, &s, NULL) != SQLITE_OK)
		return (fail(db, "checkpoint"));
	if ((rc = sqlite3_step(s)) == SQLITE_ROW && sqlite3_column_int(s, 0))
		*clean = 0;
	sqlite3_finalize(s);
	return (rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	    fail(db, "checkpoint"));
}

/* sq_describe - the file, for a log line */
static void
sq_describe(const char *where, buf *out)
{
	buf_printf(out, "%s", where);
}

/* sq_check - a path */
static int
sq_check(const char *where, buf *err)
{
	if (*where == '\0') {
		buf_printf(err, "store_path: empty");
		return (-1);
	}
	return (0);
}

static int
sq_col_count(void *s)
{
	return (sqlite3_column_count(s));
}

static const char *
sq_col_name(void *s, int i)
{
	return (sqlite3_column_name(s, i));
}

/* sq_col_is_int - is the column declared INTEGER (its affinity) */
static int
sq_col_is_int(void *s, int i)
{
	const char	*t = sqlite3_column_decltype(s, i);

	return (t != NULL && strcasestr(t, "INT") != NULL);
}

/* sq_ids_follow - a rowid table gives max(rowid) + 1 by itself */
static int
sq_ids_follow(struct db *db, const char *table)
{
	(void)db;
	(void)table;
	return (0);
}

const struct db_engine db_sqlite = {
	"sqlite",
	sq_open, sq_close, sq_prepare, sq_finalize, sq_reset,
	sq_bind_int, sq_bind_text, sq_bind_blob, sq_bind_null, sq_step,
	sq_col_int, sq_col_text, sq_col_real, sq_col_null, sq_col_blob,
	sq_script, sq_begin, sq_commit, sq_rollback, sq_table_exists,
	sq_changes, sq_erase_begin, sq_erase_finish, sq_describe,
	sq_check, sq_col_count, sq_col_name, sq_col_is_int, sq_ids_follow,
	NULL, sq_read_begin, sq_read_end, sq_begin_lax,
};
