/*
 * NAME
 *	store_case - what a handler's action changes in a case
 * DESCRIPTION
 *	The primitives of the workflow (workflow.c decides which action a
 *	status allows, and in what order these run): each runs inside the
 *	transaction the caller holds and changes one thing.  What the outcome
 *	feedback is made of is read here too (store_feedback_info), since it
 *	opens the sealed recipient.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/*
 * store_case_load - what an action needs of a case: 0 with c->id 0 when
 * there is no such case, 0 with the row, or -1
 */
int
store_case_load(struct store *st, const char *case_no, struct store_case *c)
{
	struct db_stmt	*q;

	memset(c, 0, sizeof(*c));
	if ((q = db_query(st->db, "SELECT id, status, channel, lang, category, "
	    "COALESCE(outcome, ''), missing FROM cases WHERE case_no = $1", "t",
	    case_no)) == NULL)
		return (store_dbfail(st));
	if (db_next(q) == DB_ROW) {
		c->id = db_col_int(q, 0);
		snprintf(c->status, sizeof(c->status), "%s", db_col_text(q, 1));
		snprintf(c->channel, sizeof(c->channel), "%s", db_col_text(q, 2));
		snprintf(c->lang, sizeof(c->lang), "%s", db_col_text(q, 3));
		snprintf(c->category, sizeof(c->category), "%s", db_col_text(q, 4));
		snprintf(c->outcome, sizeof(c->outcome), "%s", db_col_text(q, 5));
		c->missing = (unsigned)db_col_int(q, 6);
	}
	return (db_done(q) < 0 ? store_dbfail(st) : 0);
}

/* store_case_status - a case's new status; 0 or -1 */
int
store_case_status(struct store *st, long long id, const char *status,
    time_t at)
{
	if (store_touch(st, id) < 0)
		return (-1);
	if (db_exec(st->db, "UPDATE cases SET status = $1, updated_at = $2 "
	    "WHERE id = $3", "tii", status, (long long)at, id) < 0)
		return (store_dbfail(st));
	return (0);
}

/*
 * store_case_outcome - the outcome of a case (disposed, not_accepted,
 * refused_malicious, transferred), its detail (the reason, or to whom it
 * went) and the public explanation; 0 or -1
 */
int
store_case_outcome(struct store *st, long long id, const char *outcome,
    const char *detail, const char *explanation, time_t at)
{
	if (store_touch(st, id) < 0)
		return (-1);
	if (db_exec(st->db, "UPDATE cases SET outcome = $1, outcome_at = $2, "
	    "outcome_detail = $3, explanation = $4, handling = $2 - received_at "
	    "WHERE id = $5", "titti", outcome, (long long)at, detail,
	    explanation, id) < 0)
		return (store_dbfail(st));
	return (0);
}

/*
 * store_case_reopened - the earlier outcome no longer stands, and the
 * deadline counts again (overdue, the digest); 0 or -1
 */
int
store_case_reopened(struct store *st, long long id)
{
	if (store_touch(st, id) < 0)
		return (-1);
	if (db_exec(st->db, "UPDATE cases SET outcome = NULL, outcome_at = NULL, "
	    "handling = NULL, feedback_at = NULL, closed_at = NULL WHERE id = "
	    "$1", "i", id) < 0)
		return (store_dbfail(st));
	return (0);
}

/* store_case_closed - when a case was closed (retention counts from it) */
int
store_case_closed(struct store *st, long long id, time_t at)
{
	if (db_exec(st->db, "UPDATE cases SET closed_at = $1 WHERE id = $2",
	    "ii", (long long)at, id) < 0)
		return (store_dbfail(st));
	return (0);
}

/* store_case_assign - who handles a case; 0 or -1 */
int
store_case_assign(struct store *st, long long id, const char *to, time_t at)
{
	if (db_exec(st->db, "UPDATE cases SET assignee = $1, updated_at = $2 "
	    "WHERE id = $3", "tii", to, (long long)at, id) < 0)
		return (store_dbfail(st));
	return (0);
}

/* store_case_measure - one measure of a disposal (until: private's end) */
int
store_case_measure(struct store *st, long long id, const char *measure,
    time_t until, time_t at, const char *actor)
{
	if (db_exec(st->db, "INSERT INTO measures (case_id, measure, until, at, "
	    "actor) VALUES ($1, $2, $3, $4, $5)", "itzit", id, measure, until,
	    (long long)at, actor) < 0)
		return (store_dbfail(st));
	return (store_rollup_measure(st, id, measure));
}

/* store_case_feedback_at - the feedback went out (status feedback_sent) */
int
store_case_feedback_at(struct store *st, long long id, time_t at)
{
	if (store_touch(st, id) < 0)
		return (-1);
	if (db_exec(st->db, "UPDATE cases SET status = 'feedback_sent', "
	    "feedback_at = $1 WHERE id = $2", "ii", (long long)at, id) < 0)
		return (store_dbfail(st));
	return (0);
}

/* feedback_info_clear - release what store_feedback_info filled in */
void
feedback_info_clear(struct feedback_info *fi)
{
	free(fi->outcome_detail);
	free(fi->explanation);
	free(fi->recipient);
	free(fi->ack_reason);
	free(fi->phone);
	free(fi->message_id);
	strlist_free(&fi->measures);
	memset(fi, 0, sizeof(*fi));
}

/*
 * store_feedback_info - what the outcome feedback of case id (number
 * case_no) is made of: the outcome, the measures, and where the
 * acknowledgement went (unsealed).  0, or -1; clear it with
 * feedback_info_clear either way.
 */
int
store_feedback_info(struct store *st, long long id, const char *case_no,
    struct feedback_info *fi)
{
	struct db_stmt	*q;
	char		 m[96];
	int		 rc;

	memset(fi, 0, sizeof(*fi));
	snprintf(fi->case_no, sizeof(fi->case_no), "%s", case_no);
	if ((q = db_query(st->db, "SELECT c.channel, c.lang, c.category, "
	    "COALESCE(c.outcome, ''), c.outcome_detail, c.explanation, "
	    "(SELECT recipient FROM outbox WHERE case_id = c.id AND kind = 'ack' "
	    " ORDER BY id LIMIT 1), "
	    "(SELECT reason FROM outbox WHERE case_id = c.id AND kind = 'ack' "
	    " AND status = 'suppressed' ORDER BY id LIMIT 1), "
	    "(SELECT phone FROM reporters WHERE case_id = c.id), "
	    "(SELECT message_id FROM messages WHERE case_id = c.id ORDER BY id "
	    " LIMIT 1) FROM cases c WHERE c.id = $1", "i", id)) == NULL)
		return (store_dbfail(st));
	if ((rc = db_next(q)) == DB_ROW) {
		snprintf(fi->channel, sizeof(fi->channel), "%s", db_col_text(q, 0));
		snprintf(fi->lang, sizeof(fi->lang), "%s", db_col_text(q, 1));
		snprintf(fi->category, sizeof(fi->category), "%s",
		    db_col_text(q, 2));
		snprintf(fi->outcome, sizeof(fi->outcome), "%s", db_col_text(q, 3));
		fi->outcome_detail = db_col_dup(q, 4);
		fi->explanation = db_col_dup(q, 5);
		fi->recipient = store_unseal(st, db_col_text(q, 6));
		fi->ack_reason = db_col_dup(q, 7);
		fi->phone = store_unseal(st, db_col_text(q, 8));
		fi->message_id = db_col_dup(q, 9);
	}
	if (db_done(q) < 0)
		return (store_dbfail(st));
	if (rc != DB_ROW)
		return (store_refuse(st, "no case %s", case_no));
	if ((q = db_query(st->db, "SELECT measure, until FROM measures WHERE "
	    "case_id = $1 ORDER BY id", "i", id)) == NULL)
		return (store_dbfail(st));
	while (db_next(q) == DB_ROW) {
		if (!db_col_null(q, 1))
			snprintf(m, sizeof(m), "%s:%lld", db_col_text(q, 0),
			    db_col_int(q, 1));
		else
			snprintf(m, sizeof(m), "%s", db_col_text(q, 0));
		strlist_add(&fi->measures, m);
	}
	return (db_done(q) < 0 ? store_dbfail(st) : 0);
}

/*
 * store_feedback_bounced - a delivery failure report came back for the
 * feedback message message_id of case id: that row, if it was sent by
 * mail, is marked failed (reason "bounced") with the diagnostic.  In the
 * caller's transaction; 0 with *found 1 when a row was marked, 0 with
 * *found 0 when no such message was sent (a forged or stale report), -1.
 */
int
store_feedback_bounced(struct store *st, long long id, const char *message_id,
    const char *diagnostic, int *found)
{
	*found = 0;
	/* a feedback no longer sent counts so (store_rollup.c) */
	if (store_touch(st, id) < 0)
		return (-1);
	if (db_exec(st->db, "UPDATE outbox SET status = 'failed', reason = "
	    "'bounced', last_error = $1 WHERE case_id = $2 AND kind = 'feedback' "
	    "AND channel = 'email' AND status = 'sent' AND message_id = $3",
	    "tit", diagnostic, id, message_id) < 0)
		return (store_dbfail(st));
	*found = db_changes(st->db) > 0;
	return (0);
}

/*
 * store_callback_done - (its own transaction) the call-back owed to a
 * caller without SMS was made: the outbox row msg_id of case_no, listed
 * "callback", becomes "sent", and the ledger says who called.  0; -1
 * refused when there is no such call-back owed (store_busy() 0).
 */
int
store_callback_done(struct store *st, const char *case_no, long msg_id,
    const char *actor, time_t now)
{
	long long	 id;
	char		 detail[64];

	if (store_begin(st) < 0)
		return (-1);
	if (ledger_find(st, case_no, &id) < 0)
		goto fail;
	if (db_exec(st->db, "UPDATE outbox SET status = 'sent', sent_at = $1 "
	    "WHERE id = $2 AND case_id = $3 AND status = 'callback'", "iii",
	    (long long)now, (long long)msg_id, id) < 0) {
		store_dbfail(st);
		goto fail;
	}
	if (db_changes(st->db) != 1) {
		store_refuse(st, "case %s owes no call-back %ld", case_no, msg_id);
		goto fail;
	}
	snprintf(detail, sizeof(detail), "message %ld", msg_id);
	if (ledger_add(st, id, now, actor, "callback_done", detail) < 0 ||
	    store_commit(st) < 0)
		goto fail;
	return (0);
fail:
	store_rollback(st);
	return (-1);
}
