/*
 * NAME
 *	ledger - the events of a case, and finding a case by its number
 * DESCRIPTION
 *	Every state change is an event: who (the actor a program or a
 *	handler names, and the real uid of whoever ran jubaoctl), when, what,
 *	and a detail.  The ledger is append-only: nothing here updates or
 *	deletes an event (purge rewrites identity out of details, and only
 *	that).  Every module of the store writes events through ledger_add,
 *	inside the transaction of the change it records.
 */
#include <stdio.h>
#include <string.h>

#include "store_int.h"

/* ledger_add - append one event to a case's ledger; 0 or -1 */
int
ledger_add(struct store *st, long long case_id, time_t at, const char *actor,
    const char *action, const char *detail)
{
	long	 uid = store_uid(st);

	/* an accepted case counts as such (store_rollup.c) */
	if (strcmp(action, "accept") == 0 && store_touch(st, case_id) < 0)
		return (-1);
	if (db_exec(st->db, uid >= 0 ? "INSERT INTO events (case_id, at, actor, "
	    "action, detail, uid) VALUES ($1, $2, $3, $4, $5, $6)" :
	    "INSERT INTO events (case_id, at, actor, action, detail) VALUES "
	    "($1, $2, $3, $4, $5)", "iittti", case_id, (long long)at, actor,
	    action, detail, (long long)uid) < 0)
		return (store_dbfail(st));
	return (0);
}

/*
 * ledger_find - the id of the case with this number: 0 with *id set, or
 * -1 (a refusal, "no case N", when there is none; or the store failed)
 */
int
ledger_find(struct store *st, const char *case_no, long long *id)
{
	int	 rc;

	if ((rc = db_int(st->db, id, "SELECT id FROM cases WHERE case_no = $1",
	    "t", case_no)) < 0)
		return (store_dbfail(st));
	if (rc == DB_DONE)
		return (store_refuse(st, "no case %s", case_no));
	return (0);
}
