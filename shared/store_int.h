/*
 * NAME
 *	store_int - what the store's modules share (not for callers)
 * DESCRIPTION
 *	The handle, and the helpers every module uses: the db connection,
 *	sealing and blind indexes (crypt.c), and the two ways a call fails:
 *	store_dbfail (the engine's reason, temporary or not, from db_error)
 *	and store_refuse (a logical refusal: an unknown case, a transition
 *	not allowed; never temporary).
 */
#ifndef JUBAO_STORE_INT_H
#define JUBAO_STORE_INT_H

#include "crypt.h"
#include "db.h"
#include "store.h"

struct store {
	struct db		*db;
	char			 err[512];
	int			 busy;
	const struct crypt_keys	*keys;
	long			 uid;		/* who ran jubaoctl; -1 */
	int			 in_tx;		/* a transaction is open */
	char			*engine;	/* as opened */
	char			*where;
	long long		*touched;	/* cases this transaction */
	size_t			 ntouched, ctouched;	/* changed (rollup) */
	long			 busy_timeout;
};

int	 store_dbfail(struct store *);
int	 store_fail_tx(struct store *);
int	 store_refuse(struct store *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* store_rollup.c: the statistics' rollup, kept with the cases (Unix days
 * of STORE_DAY seconds; handling times in hour buckets, store_hour_of) */
#define STORE_DAY	86400
long long store_hour_of(long long handling);
int	 store_touch(struct store *, long long case_id);
void	 store_touch_new(struct store *, long long case_id);
int	 store_rollup_settle(struct store *);
void	 store_rollup_forget(struct store *);
int	 store_rollup_measure(struct store *, long long case_id,
	    const char *measure);
char	*store_seal(struct store *, const char *);
char	*store_unseal(struct store *, const char *);
void	 store_index(struct store *, const char *, char out[33]);
long	 store_uid(const struct store *);

/* an unlimited LIMIT, portable (SQLite's -1 is not PostgreSQL's) */
#define STORE_NO_LIMIT	9223372036854775807LL

#endif
