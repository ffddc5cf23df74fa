/*
 * NAME
 *	store_int - what the store's own files share (not for callers)
 * DESCRIPTION
 *	The store is split by purpose: store.c (opening, schema, intake,
 *	outbox, reading a case) and store_case.c (the handlers' workflow,
 *	statistics, retention).  All of jubao's SQL is in these files.
 */
#ifndef JUBAO_STORE_INT_H
#define JUBAO_STORE_INT_H

#include <sqlite3.h>

#include "crypt.h"

struct store {
	sqlite3			*db;
	char			 err[512];
	int			 busy;
	const struct crypt_keys	*keys;	/* NULL: identity cannot be stored */
	long			 flood[4];	/* caps: reporter hour, day; client hour, day */
	long			 uid;		/* the user who acts (jubaoctl), -1 */
};

char		*store_seal(struct store *, const char *);
char		*store_unseal(struct store *, const char *);
void		 store_index(struct store *, const char *, char out[33]);

int		 store_fail(struct store *, const char *what);
int		 store_refuse(struct store *, const char *fmt, const char *arg)
		    __attribute__((format(printf, 2, 0)));
int		 store_exec(struct store *, const char *sql);
void		 store_rollback(struct store *);
sqlite3_stmt	*store_prep(struct store *, const char *sql);
void		 store_bind_text(sqlite3_stmt *, int, const char *);
int		 store_step_done(struct store *, sqlite3_stmt *);
int		 store_add_event(struct store *, long long case_id, time_t at,
		    const char *actor, const char *action, const char *detail);
int		 store_find_case(struct store *, const char *case_no, const char *from,
		    long long *id, char *status, size_t slen, unsigned *missing);
json_t		*store_row_json(sqlite3_stmt *);
int		 store_query_json(struct store *, sqlite3_stmt *, json_t **);
char		*store_col_dup(sqlite3_stmt *, int);
json_t		*store_missing_json(unsigned);
json_t		*store_rfc3339(time_t);
int		 store_sub_query(struct store *, json_t *, long long id, const char *key,
		    const char *sql);
void		 store_missing_detail(unsigned, char *, size_t);
int		 store_outbox_insert(struct store *, long long case_id,
		    const char *kind, const char *channel, const char *recipient,
		    const char *env_from, const char *message_id,
		    const char *message, const char *status, const char *reason,
		    time_t now);
int		 store_add_message(struct store *, long long case_id,
		    const char *kind, const struct report *, long long *msg_id);

#endif
