/*
 * NAME
 *	store_outbox - the messages cases owe: rows, leases, results
 * DESCRIPTION
 *	A row is written in the transaction of what owes it (a case, an
 *	outcome, a status lookup: the answer to one that found no case
 *	belongs to no case) and never deleted: it ends sent, failed or suppressed, with
 *	the reason.  A deliverer claims a due row with a lease (so two
 *	processes never send the same one); a lease that ran out (a process
 *	that died) lets the next claim take it.  The recipient and the message
 *	(which names them) are sealed; the recipient is also blind-indexed
 *	for the daily acknowledgement limit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/*
 * store_outbox_insert - one row of a case's outbox (case_id 0: of no case,
 * the answer to a lookup that found none), in the caller's transaction;
 * 0 or -1
 */
int
store_outbox_insert(struct store *st, long long case_id,
    const struct outbox_row *o, time_t now)
{
	char	*rcpt = store_seal(st, o->recipient);
	char	*msg = store_seal(st, o->message);
	char	 idx[33];
	int	 rc;

	store_index(st, o->recipient, idx);
	rc = db_exec(st->db, "INSERT INTO outbox (case_id, kind, channel, "
	    "recipient, recipient_idx, env_from, message_id, message, status, "
	    "reason, next_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, "
	    "$8, $9, $10, $11, $11)", "zttttttttti", (time_t)case_id, o->kind,
	    o->channel, rcpt, o->recipient ? idx : NULL, o->env_from ?
	    o->env_from : "", o->message_id ? o->message_id : "", msg,
	    o->status, o->reason, (long long)now);
	free(rcpt);
	free(msg);
	return (rc < 0 ? store_dbfail(st) : 0);
}

/* outbox_item_clear - release a claimed item */
void
outbox_item_clear(struct outbox_item *it)
{
	free(it->kind);
	secret_free(it->recipient);	/* the reporter's address or number */
	free(it->env_from);
	secret_free(it->message);	/* with the receipt PIN */
	memset(it, 0, sizeof(*it));
}

/*
 * store_outbox_claim - lease the next due row of a channel (queued, due,
 * no live lease) to owner until now + lease, in a transaction of its own.
 * 0 with *found 1 and the row in it (release it with outbox_item_clear),
 * 0 with *found 0 when none is due, or -1.
 */
int
store_outbox_claim(struct store *st, const char *channel, const char *owner,
    time_t now, long lease, struct outbox_item *it, int *found)
{
	struct db_stmt	*q;
	int		 rc;

	*found = 0;
	memset(it, 0, sizeof(*it));
	if (store_begin(st) < 0)
		return (-1);
	if ((q = db_query(st->db, "SELECT o.id, COALESCE(c.case_no, '-'), "
	    "o.kind, o.recipient, o.env_from, o.message, o.attempts, "
	    "o.created_at FROM outbox o LEFT JOIN cases c ON c.id = o.case_id "
	    "WHERE o.status = 'queued' AND "
	    "o.next_at <= $1 AND o.lease_until <= $1 AND o.channel = $2 "
	    "ORDER BY o.next_at, o.id LIMIT 1", "it", (long long)now,
	    channel)) == NULL)
		goto fail;
	if ((rc = db_next(q)) == DB_ROW) {
		it->id = (long)db_col_int(q, 0);
		snprintf(it->case_no, sizeof(it->case_no), "%s",
		    db_col_text(q, 1));
		it->kind = db_col_dup(q, 2);
		it->recipient = store_unseal(st, db_col_text(q, 3));
		it->env_from = db_col_dup(q, 4);
		it->message = store_unseal(st, db_col_text(q, 5));
		it->attempts = (int)db_col_int(q, 6) + 1;
		it->created_at = (time_t)db_col_int(q, 7);
	}
	if (db_done(q) < 0)
		goto fail;
	if (rc == DB_ROW && db_exec(st->db, "UPDATE outbox SET lease_until = $1, "
	    "lease_owner = $2, attempts = attempts + 1 WHERE id = $3", "iti",
	    (long long)(now + lease), owner, (long long)it->id) < 0)
		goto fail;
	if (store_commit(st) < 0) {
		outbox_item_clear(it);
		return (-1);
	}
	*found = rc == DB_ROW;
	return (0);
fail:
	store_dbfail(st);
	store_rollback(st);
	outbox_item_clear(it);
	return (-1);
}

/*
 * finish - a claimed row's result and its event ("<kind>_sent", ...), by
 * actor, in one transaction: only while the claim still holds (the row
 * queued, its attempts those of the claim).  A claim whose lease ran out
 * may have been taken over by another process, whose result stands: then
 * nothing is written and 1 is returned.  0, 1, or -1.
 */
static int
finish(struct store *st, const struct outbox_item *it, const char *status,
    time_t now, time_t next_at, const char *error, const char *action,
    const char *actor)
{
	struct db_stmt	*q;
	long long	 case_id = 0;
	char		 ev[48] = "";
	int		 mine = 0;

	if (store_begin(st) < 0)
		return (-1);
	/* a feedback message sent counts in the statistics (store_rollup.c) */
	if (strcmp(status, "sent") == 0 && (db_int(st->db, &case_id, "SELECT "
	    "case_id FROM outbox WHERE id = $1 AND kind = 'feedback' AND status "
	    "= 'queued' AND attempts = $2", "ii", (long long)it->id,
	    (long long)it->attempts) < 0 || (case_id != 0 &&
	    store_touch(st, case_id) < 0))) {
		store_dbfail(st);
		goto rollback;
	}
	case_id = 0;
	if ((q = db_query(st->db, "UPDATE outbox SET status = $1, next_at = $2, "
	    "lease_until = 0, last_error = $3, reason = COALESCE($4, reason), "
	    "sent_at = CASE WHEN $1 = 'sent' THEN $5 ELSE sent_at END WHERE "
	    "id = $6 AND status = 'queued' AND attempts = $7 RETURNING "
	    "COALESCE(case_id, 0), kind", "tittiii", status, (long long)next_at, error,
	    strcmp(status, "failed") == 0 ? error : NULL, (long long)now,
	    (long long)it->id, (long long)it->attempts)) == NULL)
		goto fail;
	if (db_next(q) == DB_ROW) {
		mine = 1;
		case_id = db_col_int(q, 0);
		snprintf(ev, sizeof(ev), "%s%s", db_col_text(q, 1), action);
	}
	if (db_done(q) < 0)
		goto fail;
	if (!mine) {
		store_rollback(st);
		return (1);
	}
	/* the answer to a lookup that found no case has no ledger */
	if (case_id != 0 && ledger_add(st, case_id, now, actor, ev, error) < 0)
		goto rollback;
	return (store_commit(st));
fail:
	store_dbfail(st);
rollback:
	store_rollback(st);
	return (-1);
}

/*
 * store_outbox_sent, store_outbox_retry, store_outbox_failed - the result
 * of a claimed row: handed on (the MTA, the SMS gateway); a temporary
 * failure, to be tried again at next_at; given up, with the reason.  0,
 * 1 when the claim had been taken over (nothing written), or -1.
 */
int
store_outbox_sent(struct store *st, const struct outbox_item *it, time_t now,
    const char *actor)
{
	return (finish(st, it, "sent", now, now, NULL, "_sent", actor));
}

int
store_outbox_retry(struct store *st, const struct outbox_item *it, time_t now,
    time_t next_at, const char *error, const char *actor)
{
	return (finish(st, it, "queued", now, next_at, error, "_deferred",
	    actor));
}

int
store_outbox_failed(struct store *st, const struct outbox_item *it,
    time_t now, const char *error, const char *actor)
{
	return (finish(st, it, "failed", now, 0, error, "_failed", actor));
}
