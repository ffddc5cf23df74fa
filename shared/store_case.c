/*
 * NAME
 *	store_case - the handlers' workflow, statistics and retention
 * DESCRIPTION
 *	The state machine of 承诺书-4 (verify, dispose, tell the reporter) is
 *	enforced here, in one table: an action allowed from a status moves the
 *	case to the next, records an event with its actor, and (for an
 *	outcome) queues the outcome feedback, all in one transaction.  An
 *	action not allowed is refused with a message naming the status and
 *	what is allowed from it (store_busy() 0: the caller exits 1).
 *
 *	received ──▶ accepted ──▶ disposed ─┐
 *	   │  ▲          │                   ├─▶ feedback_sent ──▶ closed
 *	   ▼  │          ├─▶ escalated       │        │               │
 *	awaiting_materials   not_accepted, refused_malicious, transferred
 *	                         reopened ◀── objection, complaint, reopen
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sqlite3.h>
#include <sodium.h>

#include "extract.h"
#include "log.h"
#include "store.h"
#include "store_int.h"

#define OPEN_STATES	"|received|awaiting_materials|accepted|escalated|reopened|"
#define OUTCOME_STATES	"|disposed|not_accepted|refused_malicious|transferred|"
#define ANY_STATE	"*"

static const struct transition {
	const char	*action;
	const char	*from;		/* "|a|b|" or ANY_STATE */
	const char	*to;		/* NULL: unchanged */
	int		 outcome;	/* sets the outcome, queues feedback */
} transitions[] = {
	{ "accept",	"|received|awaiting_materials|escalated|reopened|", "accepted", 0 },
	{ "reject",	OPEN_STATES,					"not_accepted", 1 },
	{ "refuse",	OPEN_STATES,					"refused_malicious", 1 },
	{ "transfer",	OPEN_STATES,					"transferred", 1 },
	{ "escalate",	"|received|accepted|reopened|",			"escalated", 0 },
	{ "dispose",	"|accepted|escalated|reopened|",		"disposed", 1 },
	{ "feedback",	OUTCOME_STATES,					"feedback_sent", 0 },
	{ "close",	"|feedback_sent|",				"closed", 0 },
	{ "objection",	"|disposed|feedback_sent|closed|",		"reopened", 0 },
	{ "complaint",	ANY_STATE,					NULL, 0 },
	{ "reopen",	"|not_accepted|refused_malicious|transferred|disposed|feedback_sent|closed|",
							"reopened", 0 },
	{ "assign",	"|received|awaiting_materials|accepted|escalated|reopened|disposed|not_accepted|refused_malicious|transferred|feedback_sent|",
							NULL, 0 },
	{ "note",	ANY_STATE,					NULL, 0 },
};

static const char *const measure_names[] = {
	"delete", "block", "unlink", "warn", "suspend", "restrict", "close",
	"private", "dispute-label", NULL
};

/* store_measure_valid - is m one of the measures we know */
int
store_measure_valid(const char *m)
{
	size_t	 i;

	for (i = 0; measure_names[i]; i++)
		if (strcmp(measure_names[i], m) == 0)
			return (1);
	return (0);
}

/* in_set - is status in "|a|b|" (or the set is ANY_STATE) */
static int
in_set(const char *set, const char *status)
{
	char	 key[64];

	if (strcmp(set, ANY_STATE) == 0)
		return (1);
	snprintf(key, sizeof(key), "|%s|", status);
	return (strstr(set, key) != NULL);
}

struct case_row {
	long long	 id;
	char		 status[32];
	char		 channel[16];
	char		 lang[8];
	char		 category[64];
	char		 outcome[32];
	unsigned	 missing;
};

/* load - the row a workflow action needs; id 0 if no such case */
static int
load(struct store *st, const char *case_no, struct case_row *c)
{
	sqlite3_stmt	*s;
	int		 rc;

	memset(c, 0, sizeof(*c));
	if ((s = store_prep(st, "SELECT id, status, channel, lang, category, "
	    "COALESCE(outcome, ''), missing FROM cases WHERE case_no = ?")) == NULL)
		return (-1);
	store_bind_text(s, 1, case_no);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		c->id = sqlite3_column_int64(s, 0);
		snprintf(c->status, sizeof(c->status), "%s", sqlite3_column_text(s, 1));
		snprintf(c->channel, sizeof(c->channel), "%s", sqlite3_column_text(s, 2));
		snprintf(c->lang, sizeof(c->lang), "%s", sqlite3_column_text(s, 3));
		snprintf(c->category, sizeof(c->category), "%s", sqlite3_column_text(s, 4));
		snprintf(c->outcome, sizeof(c->outcome), "%s", sqlite3_column_text(s, 5));
		c->missing = (unsigned)sqlite3_column_int(s, 6);
	}
	sqlite3_finalize(s);
	return (rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_fail(st, "case"));
}

/* set_status - the new status, and the columns an action sets */
static int
set_status(struct store *st, long long id, const char *status,
    const struct case_action *a, int outcome)
{
	sqlite3_stmt	*s;

	if ((s = store_prep(st, "UPDATE cases SET status = ?, updated_at = ?, "
	    "outcome = CASE WHEN ? THEN ? ELSE outcome END, "
	    "outcome_at = CASE WHEN ? THEN ? ELSE outcome_at END, "
	    "outcome_detail = CASE WHEN ? THEN ? ELSE outcome_detail END, "
	    "explanation = CASE WHEN ? THEN ? ELSE explanation END, "
	    "closed_at = CASE WHEN ? = 'closed' THEN ? WHEN ? = 'reopened' "
	    "THEN NULL ELSE closed_at END "
	    "WHERE id = ?")) == NULL)
		return (-1);
	store_bind_text(s, 1, status);
	sqlite3_bind_int64(s, 2, a->now);
	sqlite3_bind_int(s, 3, outcome);
	store_bind_text(s, 4, status);
	sqlite3_bind_int(s, 5, outcome);
	sqlite3_bind_int64(s, 6, a->now);
	sqlite3_bind_int(s, 7, outcome);
	store_bind_text(s, 8, strcmp(a->action, "transfer") == 0 ? a->to : a->reason);
	sqlite3_bind_int(s, 9, outcome);
	store_bind_text(s, 10, a->explain);
	store_bind_text(s, 11, status);
	sqlite3_bind_int64(s, 12, a->now);
	store_bind_text(s, 13, status);
	sqlite3_bind_int64(s, 14, id);
	if (store_step_done(st, s) < 0)
		return (-1);
	/* reopened: the earlier outcome no longer stands, and the deadline
	 * counts again (overdue, the digest) */
	if (strcmp(status, "reopened") != 0)
		return (0);
	if ((s = store_prep(st, "UPDATE cases SET outcome = NULL, outcome_at = "
	    "NULL, feedback_at = NULL WHERE id = ?")) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, id);
	return (store_step_done(st, s));
}

/* add_measures - the measures of a disposal */
static int
add_measures(struct store *st, long long id, const struct case_action *a)
{
	sqlite3_stmt	*s;
	size_t		 i;

	for (i = 0; i < a->nmeasures; i++) {
		if ((s = store_prep(st, "INSERT INTO measures (case_id, measure, "
		    "until, at, actor) VALUES (?, ?, ?, ?, ?)")) == NULL)
			return (-1);
		sqlite3_bind_int64(s, 1, id);
		store_bind_text(s, 2, a->measures[i]);
		if (strcmp(a->measures[i], "private") == 0)
			sqlite3_bind_int64(s, 3, a->until);
		else
			sqlite3_bind_null(s, 3);
		sqlite3_bind_int64(s, 4, a->now);
		store_bind_text(s, 5, a->actor);
		if (store_step_done(st, s) < 0)
			return (-1);
	}
	return (0);
}

/* feedback_info_load - what the outcome feedback is built from */
static int
feedback_info_load(struct store *st, const char *case_no,
    const struct case_row *c, struct feedback_info *fi)
{
	sqlite3_stmt	*s;
	int		 rc;

	memset(fi, 0, sizeof(*fi));
	snprintf(fi->case_no, sizeof(fi->case_no), "%s", case_no);
	snprintf(fi->channel, sizeof(fi->channel), "%s", c->channel);
	snprintf(fi->lang, sizeof(fi->lang), "%s", c->lang);
	snprintf(fi->category, sizeof(fi->category), "%s", c->category);
	if ((s = store_prep(st, "SELECT outcome, outcome_detail, explanation, "
	    "(SELECT recipient FROM outbox WHERE case_id = c.id AND kind = 'ack' "
	    " ORDER BY id LIMIT 1), "
	    "(SELECT reason FROM outbox WHERE case_id = c.id AND kind = 'ack' "
	    " AND status = 'suppressed' ORDER BY id LIMIT 1), "
	    "(SELECT phone FROM reporters WHERE case_id = c.id), "
	    "(SELECT message_id FROM messages WHERE case_id = c.id ORDER BY id "
	    " LIMIT 1) FROM cases c WHERE c.id = ?")) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, c->id);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		snprintf(fi->outcome, sizeof(fi->outcome), "%s",
		    sqlite3_column_text(s, 0) ? (const char *)sqlite3_column_text(s, 0) : "");
		fi->outcome_detail = store_col_dup(s, 1);
		fi->explanation = store_col_dup(s, 2);
		fi->recipient = store_unseal(st, (const char *)
		    sqlite3_column_text(s, 3));
		fi->ack_reason = store_col_dup(s, 4);
		fi->phone = store_unseal(st, (const char *)
		    sqlite3_column_text(s, 5));
		fi->message_id = store_col_dup(s, 6);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW)
		return (store_fail(st, "feedback"));
	if ((s = store_prep(st, "SELECT measure, until FROM measures "
	    "WHERE case_id = ? ORDER BY id")) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, c->id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		char	 m[96];

		if (sqlite3_column_type(s, 1) != SQLITE_NULL)
			snprintf(m, sizeof(m), "%s:%lld", sqlite3_column_text(s, 0),
			    (long long)sqlite3_column_int64(s, 1));
		else
			snprintf(m, sizeof(m), "%s", sqlite3_column_text(s, 0));
		strlist_add(&fi->measures, m);
	}
	sqlite3_finalize(s);
	return (rc == SQLITE_DONE ? 0 : store_fail(st, "measures"));
}

/* feedback_info_clear - release what feedback_info_load filled in */
static void
feedback_info_clear(struct feedback_info *fi)
{
	free(fi->outcome_detail);
	free(fi->explanation);
	free(fi->recipient);
	free(fi->ack_reason);
	free(fi->phone);
	free(fi->message_id);
	strlist_free(&fi->measures);
}

/* queue_feedback - render the outcome feedback and put it in the outbox */
static int
queue_feedback(struct store *st, const char *case_no, const struct case_row *c,
    const struct case_action *a, store_feedback_fn fn, void *arg)
{
	struct feedback_info	 fi;
	struct store_msg	 m = { 0 };
	sqlite3_stmt		*s;
	char			 action[64];
	int			 rc = -1;
	const char		*status;

	if (feedback_info_load(st, case_no, c, &fi) < 0)
		return (-1);
	m.kind = "feedback";
	if (fn(arg, &fi, &m) < 0) {
		store_refuse(st, "cannot render the feedback for case %s", case_no);
		st->busy = 1;
		goto out;
	}
	status = m.suppress ? "suppressed" : m.channel &&
	    strcmp(m.channel, "callback") == 0 ? "callback" : "queued";
	if (store_outbox_insert(st, c->id, "feedback", m.channel ? m.channel :
	    "email", m.recipient, m.env_from, m.message_id, m.message, status,
	    m.suppress, a->now) < 0)
		goto out;
	snprintf(action, sizeof(action), "feedback_%s", status);
	if (store_add_event(st, c->id, a->now, a->actor, action, m.suppress) < 0)
		goto out;
	if ((s = store_prep(st, "UPDATE cases SET status = 'feedback_sent', "
	    "feedback_at = ? WHERE id = ?")) == NULL)
		goto out;
	sqlite3_bind_int64(s, 1, a->now);
	sqlite3_bind_int64(s, 2, c->id);
	rc = store_step_done(st, s);
out:
	free(m.recipient);
	free(m.env_from);
	free(m.message_id);
	free(m.message);
	free(m.suppress);
	free(m.detail);
	feedback_info_clear(&fi);
	return (rc);
}

/* allowed_from - the actions allowed from a status, for the refusal */
static void
allowed_from(const char *status, char *out, size_t len)
{
	size_t	 i, used = 0;

	out[0] = '\0';
	for (i = 0; i < sizeof(transitions) / sizeof(transitions[0]); i++)
		if (in_set(transitions[i].from, status) && used < len)
			used += (size_t)snprintf(out + used, len - used, "%s%s",
			    used ? ", " : "", transitions[i].action);
}

/* event_detail - what the ledger says about an action */
static void
event_detail(const struct case_action *a, char *out, size_t len)
{
	size_t	 i, used = 0;

	out[0] = '\0';
	if (a->to)
		used += (size_t)snprintf(out + used, len - used, "to %s", a->to);
	for (i = 0; i < a->nmeasures && used < len; i++)
		used += (size_t)snprintf(out + used, len - used, "%s%s",
		    used ? (i ? ", " : "; measures ") : "measures ", a->measures[i]);
	if (a->reason && used < len)
		used += (size_t)snprintf(out + used, len - used, "%s%s",
		    used ? "; " : "", a->reason);
	if (a->explain && used < len)
		snprintf(out + used, len - used, "%sexplanation: %s",
		    used ? "; " : "", a->explain);
}

/*
 * store_case_act - one handler's action on a case, in one transaction;
 * the new status in status_out.  -1 with store_busy() 0 for a refusal
 * (no such case, a transition not allowed, missing arguments).
 */
int
store_case_act(struct store *st, const char *case_no, const struct case_action *a,
    store_feedback_fn fn, void *arg, char *status_out, size_t slen)
{
	const struct transition	*t = NULL;
	struct case_row		 c;
	char			 allowed[256], detail[1024], msg[512];
	const char		*to;
	size_t			 i;

	for (i = 0; i < sizeof(transitions) / sizeof(transitions[0]); i++)
		if (strcmp(transitions[i].action, a->action) == 0)
			t = &transitions[i];
	if (t == NULL)
		return (store_refuse(st, "unknown action %s", a->action));
	if (store_exec(st, "BEGIN IMMEDIATE") < 0)
		return (-1);
	if (load(st, case_no, &c) < 0)
		goto rollback;
	if (c.id == 0) {
		store_refuse(st, "no case %s", case_no);
		goto rollback;
	}
	if (!in_set(t->from, c.status)) {
		allowed_from(c.status, allowed, sizeof(allowed));
		snprintf(msg, sizeof(msg), "case %s is %s: cannot %s it "
		    "(allowed: %s)", case_no, c.status, a->action, allowed);
		store_refuse(st, "%s", msg);
		goto rollback;
	}
	if (strcmp(a->action, "accept") == 0 && c.missing != 0) {
		store_missing_detail(c.missing, allowed, sizeof(allowed));
		snprintf(msg, sizeof(msg), "case %s lacks acceptance elements "
		    "(工作规范 第五条: %s): wait for the supplement, or reject it",
		    case_no, allowed);
		store_refuse(st, "%s", msg);
		goto rollback;
	}
	to = t->to;
	/* a complaint reopens what was finished; on an open case it is noted */
	if (strcmp(a->action, "complaint") == 0 && (in_set(OUTCOME_STATES,
	    c.status) || strcmp(c.status, "feedback_sent") == 0 ||
	    strcmp(c.status, "closed") == 0))
		to = "reopened";
	if (strcmp(a->action, "assign") == 0) {
		sqlite3_stmt *s = store_prep(st, "UPDATE cases SET assignee = ?, "
		    "updated_at = ? WHERE id = ?");

		if (s == NULL)
			goto rollback;
		store_bind_text(s, 1, a->to);
		sqlite3_bind_int64(s, 2, a->now);
		sqlite3_bind_int64(s, 3, c.id);
		if (store_step_done(st, s) < 0)
			goto rollback;
	}
	if (to != NULL && set_status(st, c.id, to, a, t->outcome) < 0)
		goto rollback;
	if (strcmp(a->action, "dispose") == 0 && add_measures(st, c.id, a) < 0)
		goto rollback;
	event_detail(a, detail, sizeof(detail));
	if (store_add_event(st, c.id, a->now, a->actor, a->action,
	    *detail ? detail : NULL) < 0)
		goto rollback;
	snprintf(status_out, slen, "%s", to ? to : c.status);
	if ((t->outcome && !a->no_feedback) || strcmp(a->action, "feedback") == 0) {
		if (fn == NULL) {
			store_refuse(st, "no feedback renderer%s", "");
			goto rollback;
		}
		if (queue_feedback(st, case_no, &c, a, fn, arg) < 0)
			goto rollback;
		snprintf(status_out, slen, "feedback_sent");
	}
	if (store_exec(st, "COMMIT") < 0)
		goto rollback;
	return (0);
rollback:
	store_rollback(st);
	return (-1);
}

/* store_case_rate - record a reporter's satisfaction rating (1-5) */
int
store_case_rate(struct store *st, const char *case_no, int rating,
    const char *actor, time_t now)
{
	sqlite3_stmt	*s;
	long long	 id;
	char		 detail[32];

	if (rating < 1 || rating > 5)
		return (store_refuse(st, "a rating is 1 to 5%s", ""));
	if (store_exec(st, "BEGIN IMMEDIATE") < 0)
		return (-1);
	if (store_find_case(st, case_no, NULL, &id, NULL, 0, NULL) < 0)
		goto rollback;
	if (id == 0) {
		store_refuse(st, "no case %s", case_no);
		goto rollback;
	}
	if ((s = store_prep(st, "UPDATE cases SET satisfaction = ?, "
	    "updated_at = ? WHERE id = ?")) == NULL)
		goto rollback;
	sqlite3_bind_int(s, 1, rating);
	sqlite3_bind_int64(s, 2, now);
	sqlite3_bind_int64(s, 3, id);
	snprintf(detail, sizeof(detail), "%d of 5", rating);
	if (store_step_done(st, s) < 0 ||
	    store_add_event(st, id, now, actor, "rating", detail) < 0 ||
	    store_exec(st, "COMMIT") < 0)
		goto rollback;
	return (0);
rollback:
	store_rollback(st);
	return (-1);
}

/*
 * store_feedback_bounced - a delivery failure report came back to the
 * signed VERP address of one feedback message (message_id): that row, if
 * it was sent, is marked failed with the diagnostic, and the case records
 * it.  *found 0 when no such message was sent (nothing is changed: a
 * forged or stale report).  0 or -1.
 */
int
store_feedback_bounced(struct store *st, const char *case_no,
    const char *message_id, const char *diagnostic, time_t now, int *found)
{
	sqlite3_stmt	*s;
	long long	 id;

	*found = 0;
	if (store_exec(st, "BEGIN IMMEDIATE") < 0)
		return (-1);
	if (store_find_case(st, case_no, NULL, &id, NULL, 0, NULL) < 0)
		goto rollback;
	if (id == 0)
		return (store_exec(st, "COMMIT"));
	if ((s = store_prep(st, "UPDATE outbox SET status = 'failed', "
	    "reason = 'bounced', last_error = ? WHERE case_id = ? AND "
	    "kind = 'feedback' AND channel = 'email' AND status = 'sent' AND "
	    "message_id = ?")) == NULL)
		goto rollback;
	store_bind_text(s, 1, diagnostic);
	sqlite3_bind_int64(s, 2, id);
	store_bind_text(s, 3, message_id);
	if (store_step_done(st, s) < 0)
		goto rollback;
	if ((*found = sqlite3_changes(st->db) > 0) &&
	    store_add_event(st, id, now, "jubao-milter", "feedback_bounced",
	    diagnostic) < 0)
		goto rollback;
	if (store_exec(st, "COMMIT") < 0)
		goto rollback;
	return (0);
rollback:
	store_rollback(st);
	return (-1);
}

/* like_pattern - "%text%" for LIKE, with % and _ escaped by backslash */
static char *
like_pattern(const char *text)
{
	buf	 b = { 0 };

	buf_adds(&b, "%");
	for (; *text; text++) {
		if (*text == '%' || *text == '_' || *text == '\\')
			buf_add(&b, "\\", 1);
		buf_add(&b, text, 1);
	}
	buf_adds(&b, "%");
	return (b.s);
}

/*
 * store_case_query - cases matching a filter, newest first (most urgent
 * first with overdue), as a JSON array; the fields of DESIGN.md's list.
 */
int
store_case_query(struct store *st, const struct case_filter *f, json_t **out)
{
	sqlite3_stmt	*s;
	json_t		*o;
	size_t		 i;
	char		*pat = f->text ? like_pattern(f->text) : NULL;
	char		 sql[2048];

	snprintf(sql, sizeof(sql), "SELECT case_no AS \"case\", channel, status, "
	    "category, priority, received_at, deadline, subject, spf, missing, "
	    "assignee, outcome, "
	    "CASE WHEN outcome_at IS NULL AND deadline < ? THEN 1 ELSE 0 END AS overdue "
	    "FROM cases WHERE (? IS NULL OR status = ?) "
	    "AND (? IS NULL OR outcome = ?) "
	    "AND (? IS NULL OR category = ?) AND (? IS NULL OR channel = ?) "
	    "AND (? IS NULL OR assignee = ?) "
	    "AND (? IS NULL OR subject LIKE ? ESCAPE '\\' OR body LIKE ? ESCAPE '\\') "
	    "AND (? = 0 OR (outcome_at IS NULL AND deadline < ?)) "
	    "AND (? = 0 OR (outcome_at IS NULL AND deadline >= ? AND deadline < ?)) "
	    "ORDER BY %s LIMIT ?",
	    f->overdue || f->due_before ? "priority, deadline, id" :
	    "received_at DESC, id DESC");
	if ((s = store_prep(st, sql)) == NULL) {
		free(pat);
		return (-1);
	}
	sqlite3_bind_int64(s, 1, f->now);
	store_bind_text(s, 2, f->status);
	store_bind_text(s, 3, f->status);
	store_bind_text(s, 4, f->outcome);
	store_bind_text(s, 5, f->outcome);
	store_bind_text(s, 6, f->category);
	store_bind_text(s, 7, f->category);
	store_bind_text(s, 8, f->channel);
	store_bind_text(s, 9, f->channel);
	store_bind_text(s, 10, f->assignee);
	store_bind_text(s, 11, f->assignee);
	store_bind_text(s, 12, pat);
	store_bind_text(s, 13, pat);
	store_bind_text(s, 14, pat);
	sqlite3_bind_int(s, 15, f->overdue);
	sqlite3_bind_int64(s, 16, f->now);
	sqlite3_bind_int(s, 17, f->due_before != 0);
	sqlite3_bind_int64(s, 18, f->now);
	sqlite3_bind_int64(s, 19, f->due_before);
	sqlite3_bind_int64(s, 20, f->limit > 0 ? f->limit : -1);
	free(pat);
	if (store_query_json(st, s, out) < 0)
		return (-1);
	json_array_foreach(*out, i, o) {
		json_object_set_new(o, "missing_elements", store_missing_json(
		    (unsigned)json_integer_value(json_object_get(o, "missing"))));
		json_object_del(o, "missing");
		json_object_set_new(o, "overdue", json_boolean(
		    json_integer_value(json_object_get(o, "overdue"))));
	}
	return (0);
}

/* store_case_extra - the handling fields, measures and related cases of a case */
int
store_case_extra(struct store *st, json_t *c, long long id)
{
	sqlite3_stmt	*s;
	json_t		*row;
	const char	*k;
	json_t		*v;
	int		 rc;

	if ((s = store_prep(st, "SELECT assignee, outcome, outcome_at, "
	    "outcome_detail, explanation, feedback_at, closed_at, satisfaction, "
	    "purged_at FROM cases WHERE id = ?")) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		row = store_row_json(s);
		json_object_foreach(row, k, v)
			json_object_set(c, k, v);
		json_decref(row);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW)
		return (store_fail(st, "case"));
	/* 同一举报事项、同一办理结果: other cases naming the same address */
	if (store_sub_query(st, c, id, "measures", "SELECT measure, until, at, "
	    "actor FROM measures WHERE case_id = ? ORDER BY id") < 0 ||
	    store_sub_query(st, c, id, "related", "SELECT DISTINCT o.case_no AS "
	    "\"case\", t2.value AS target, o.status, o.outcome, "
	    "(SELECT group_concat(measure, ',') FROM measures m "
	    " WHERE m.case_id = o.id) AS measures, o.received_at "
	    "FROM targets t1 JOIN targets t2 ON t2.value = t1.value "
	    "AND t2.case_id != t1.case_id JOIN cases o ON o.id = t2.case_id "
	    "WHERE t1.case_id = ? ORDER BY o.received_at DESC LIMIT 50") < 0)
		return (-1);
	return (0);
}

/* store_hot - the addresses and accounts reported in most cases (举报集中的账号) */
int
store_hot(struct store *st, time_t from, time_t to, long limit, json_t **out)
{
	sqlite3_stmt	*s;

	if ((s = store_prep(st, "SELECT t.value AS target, t.kind, "
	    "count(DISTINCT t.case_id) AS cases, "
	    "sum(CASE WHEN c.outcome = 'disposed' THEN 1 ELSE 0 END) AS disposed, "
	    "max(c.received_at) AS last_received_at "
	    "FROM targets t JOIN cases c ON c.id = t.case_id "
	    "WHERE c.received_at >= ? AND c.received_at < ? "
	    "GROUP BY t.value, t.kind ORDER BY cases DESC, last_received_at DESC "
	    "LIMIT ?")) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	sqlite3_bind_int64(s, 3, limit);
	return (store_query_json(st, s, out));
}

/* count_query - one integer from a query bound with (from, to) */
static int
count_query(struct store *st, const char *sql, time_t from, time_t to,
    long long *n)
{
	sqlite3_stmt	*s;

	*n = 0;
	if ((s = store_prep(st, sql)) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_finalize(s);
		return (store_fail(st, "stats"));
	}
	*n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return (0);
}

/* group_query - "key -> count" rows of a query bound with (from, to) */
static int
group_query(struct store *st, const char *sql, time_t from, time_t to,
    json_t **out)
{
	sqlite3_stmt	*s;
	int		 rc;

	*out = json_object();
	if ((s = store_prep(st, sql)) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		json_object_set_new(*out, (const char *)sqlite3_column_text(s, 0),
		    json_integer(sqlite3_column_int64(s, 1)));
	sqlite3_finalize(s);
	return (rc == SQLITE_DONE ? 0 : store_fail(st, "stats"));
}

/* percentile - the p-th percentile (nearest rank) of sorted values */
static double
percentile(const double *v, size_t n, double p)
{
	size_t	 rank;

	if (n == 0)
		return (0);
	rank = (size_t)(p / 100.0 * (double)n + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return (v[rank - 1]);
}

/*
 * store_stats - the published statistics (信息公开) of the cases received in
 * [from, to): counts by channel, category, outcome and measure, handling
 * time (received to outcome; median and 90th percentile, nearest rank, in
 * hours), the share finished by the deadline and with feedback sent, and
 * mean satisfaction.  Nothing personal.
 */
int
store_stats(struct store *st, time_t from, time_t to, json_t **out)
{
	static const char *const scalars[][2] = {
		{ "received", "SELECT count(*) FROM cases WHERE received_at >= ? AND received_at < ?" },
		{ "accepted", "SELECT count(DISTINCT e.case_id) FROM events e JOIN cases c ON c.id = e.case_id "
		  "WHERE e.action = 'accept' AND c.received_at >= ? AND c.received_at < ?" },
		{ "disposed", "SELECT count(*) FROM cases WHERE outcome = 'disposed' AND received_at >= ? AND received_at < ?" },
		{ "not_accepted", "SELECT count(*) FROM cases WHERE outcome = 'not_accepted' AND received_at >= ? AND received_at < ?" },
		{ "refused_malicious", "SELECT count(*) FROM cases WHERE outcome = 'refused_malicious' AND received_at >= ? AND received_at < ?" },
		{ "transferred", "SELECT count(*) FROM cases WHERE outcome = 'transferred' AND received_at >= ? AND received_at < ?" },
		{ "with_outcome", "SELECT count(*) FROM cases WHERE outcome IS NOT NULL AND received_at >= ? AND received_at < ?" },
		{ "on_time", "SELECT count(*) FROM cases WHERE outcome_at IS NOT NULL AND outcome_at <= deadline AND received_at >= ? AND received_at < ?" },
		{ "feedback_sent", "SELECT count(*) FROM cases c WHERE c.received_at >= ? AND c.received_at < ? "
		  "AND EXISTS (SELECT 1 FROM outbox o WHERE o.case_id = c.id AND o.kind = 'feedback' AND o.status = 'sent')" },
		{ "rated", "SELECT count(*) FROM cases WHERE satisfaction IS NOT NULL AND received_at >= ? AND received_at < ?" },
	};
	sqlite3_stmt	*s;
	json_t		*o = json_object(), *g;
	long long	 n, with_outcome = 0, on_time = 0, fb = 0;
	double		*hours = NULL, sum = 0;
	size_t		 nh = 0, cap = 0, i;
	int		 rc;

	*out = NULL;
	json_object_set_new(o, "from", store_rfc3339(from));
	json_object_set_new(o, "to", store_rfc3339(to));
	for (i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++) {
		if (count_query(st, scalars[i][1], from, to, &n) < 0)
			goto fail;
		json_object_set_new(o, scalars[i][0], json_integer(n));
		if (strcmp(scalars[i][0], "with_outcome") == 0)
			with_outcome = n;
		else if (strcmp(scalars[i][0], "on_time") == 0)
			on_time = n;
		else if (strcmp(scalars[i][0], "feedback_sent") == 0)
			fb = n;
	}
	if (group_query(st, "SELECT channel, count(*) FROM cases WHERE "
	    "received_at >= ? AND received_at < ? GROUP BY channel", from, to, &g) < 0)
		goto fail;
	json_object_set_new(o, "by_channel", g);
	if (group_query(st, "SELECT category, count(*) FROM cases WHERE "
	    "received_at >= ? AND received_at < ? GROUP BY category", from, to, &g) < 0)
		goto fail;
	json_object_set_new(o, "by_category", g);
	if (group_query(st, "SELECT m.measure, count(*) FROM measures m JOIN "
	    "cases c ON c.id = m.case_id WHERE c.received_at >= ? AND "
	    "c.received_at < ? GROUP BY m.measure", from, to, &g) < 0)
		goto fail;
	json_object_set_new(o, "by_measure", g);
	if (group_query(st, "SELECT status, count(*) FROM cases WHERE "
	    "received_at >= ? AND received_at < ? GROUP BY status", from, to, &g) < 0)
		goto fail;
	json_object_set_new(o, "by_status", g);

	if ((s = store_prep(st, "SELECT outcome_at - received_at FROM cases "
	    "WHERE outcome_at IS NOT NULL AND received_at >= ? AND received_at < ? "
	    "ORDER BY 1")) == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (nh == cap) {
			cap = cap ? cap * 2 : 1024;
			hours = xrealloc(hours, cap * sizeof(*hours));
		}
		hours[nh++] = (double)sqlite3_column_int64(s, 0) / 3600.0;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		store_fail(st, "stats");
		goto fail;
	}
	json_object_set_new(o, "handling_hours_median", json_real(
	    percentile(hours, nh, 50)));
	json_object_set_new(o, "handling_hours_p90", json_real(
	    percentile(hours, nh, 90)));
	json_object_set_new(o, "on_time_share", json_real(with_outcome ?
	    (double)on_time / (double)with_outcome : 0));
	json_object_set_new(o, "feedback_share", json_real(with_outcome ?
	    (double)fb / (double)with_outcome : 0));
	free(hours);
	hours = NULL;
	if ((s = store_prep(st, "SELECT avg(satisfaction) FROM cases WHERE "
	    "satisfaction IS NOT NULL AND received_at >= ? AND received_at < ?")) == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
		sum = sqlite3_column_double(s, 0);
	sqlite3_finalize(s);
	json_object_set_new(o, "satisfaction_mean", sum > 0 ? json_real(sum) :
	    json_null());
	*out = o;
	return (0);
fail:
	free(hours);
	json_decref(o);
	return (-1);
}

/* digest_list - the cases of one digest section */
static int
digest_list(struct store *st, json_t *o, const char *key, const char *sql,
    time_t a, time_t b)
{
	sqlite3_stmt	*s;
	json_t		*arr;

	if ((s = store_prep(st, sql)) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, a);
	sqlite3_bind_int64(s, 2, b);
	if (store_query_json(st, s, &arr) < 0)
		return (-1);
	json_object_set_new(o, key, arr);
	return (0);
}

/*
 * store_digest - what the handlers' daily digest lists: cases overdue,
 * cases due before day_end (jubaoctl: within 24 hours), and 限时加私
 * measures ending within window.
 */
int
store_digest(struct store *st, time_t now, time_t day_end, long window,
    json_t **out)
{
	json_t	*o = json_object();

	*out = NULL;
	if (digest_list(st, o, "overdue", "SELECT case_no AS \"case\", category, "
	    "status, priority, deadline, assignee FROM cases WHERE outcome_at IS "
	    "NULL AND deadline < ? AND ? > 0 ORDER BY priority, deadline", now, 1) < 0 ||
	    digest_list(st, o, "due_today", "SELECT case_no AS \"case\", category, "
	    "status, priority, deadline, assignee FROM cases WHERE outcome_at IS "
	    "NULL AND deadline >= ? AND deadline < ? ORDER BY priority, deadline",
	    now, day_end) < 0 ||
	    digest_list(st, o, "private_expiring", "SELECT c.case_no AS \"case\", "
	    "c.category, c.status, m.until FROM measures m JOIN cases c ON "
	    "c.id = m.case_id WHERE m.measure = 'private' AND m.until >= ? AND "
	    "m.until < ? ORDER BY m.until", now, now + window) < 0) {
		json_decref(o);
		return (-1);
	}
	*out = o;
	return (0);
}

/*
 * pseudonym - "reporter-" and a keyed hash of the identity, under a key
 * derived from key_file (a copy of the store alone cannot re-identify a
 * purged reporter by trying candidates: finding 10)
 */
static void
pseudonym(const unsigned char *key, const char *identity, char *out,
    size_t len)
{
	unsigned char	 h[16];
	char		*lower = str_lower_ascii(xstrdup(identity ? identity : ""));
	size_t		 i;

	crypto_generichash(h, sizeof(h), (const unsigned char *)lower,
	    strlen(lower), key, 32);
	free(lower);
	snprintf(out, len, "reporter-");
	for (i = 0; i < sizeof(h) && strlen(out) + 3 <= len; i++)
		snprintf(out + strlen(out), 3, "%02x", h[i]);
}

/* redact_column - rewrite one text column of some rows without identity */
static int
redact_column(struct store *st, const char *table, const char *col,
    const char *where, long long case_id, const strlist *secrets)
{
	sqlite3_stmt	*s, *u;
	char		 sql[256];
	int		 rc;

	snprintf(sql, sizeof(sql), "SELECT rowid, %s FROM %s WHERE %s = ?",
	    col, table, where);
	if ((s = store_prep(st, sql)) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, case_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char	*v = (const char *)sqlite3_column_text(s, 1);
		char		*r;

		if (v == NULL)
			continue;
		r = extract_redact(v, secrets);
		if (strcmp(r, v) != 0) {
			snprintf(sql, sizeof(sql), "UPDATE %s SET %s = ? WHERE "
			    "rowid = ?", table, col);
			if ((u = store_prep(st, sql)) == NULL) {
				free(r);
				sqlite3_finalize(s);
				return (-1);
			}
			store_bind_text(u, 1, r);
			sqlite3_bind_int64(u, 2, sqlite3_column_int64(s, 0));
			if (store_step_done(st, u) < 0) {
				free(r);
				sqlite3_finalize(s);
				return (-1);
			}
		}
		free(r);
	}
	sqlite3_finalize(s);
	return (rc == SQLITE_DONE ? 0 : store_fail(st, "redact"));
}

/* purge_one - pseudonymise one case; its evidence files into files */
static int
purge_one(struct store *st, long long id, const unsigned char *key,
    time_t now, strlist *files)
{
	sqlite3_stmt	*s;
	strlist		 secrets = { 0 };
	char		 pseud[64];
	int		 rc = -1, i;

	if ((s = store_prep(st, "SELECT address, name, phone, client_addr FROM "
	    "reporters WHERE case_id = ?")) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW)
		for (i = 0; i < 4; i++) {
			const char *v = (const char *)sqlite3_column_text(s, i);
			char	*copy, *tok, *save;

			if (v == NULL || *v == '\0')
				continue;
			/* phones are stored "a, b" */
			copy = store_unseal(st, v);
			for (tok = strtok_r(copy, ",", &save); tok;
			    tok = strtok_r(NULL, ",", &save))
				if (*str_trim(tok))
					strlist_add_unique(&secrets, str_trim(tok));
			free(copy);
		}
	sqlite3_finalize(s);
	pseudonym(key, secrets.n ? secrets.v[0] : "", pseud, sizeof(pseud));
	/* the recipients of our messages are the reporter too */
	if ((s = store_prep(st, "SELECT DISTINCT recipient FROM outbox WHERE "
	    "case_id = ? AND recipient IS NOT NULL")) == NULL)
		goto out;
	sqlite3_bind_int64(s, 1, id);
	while (sqlite3_step(s) == SQLITE_ROW) {
		char	*r = store_unseal(st, (const char *)sqlite3_column_text(s, 0));

		strlist_add_unique(&secrets, r);
		free(r);
	}
	sqlite3_finalize(s);

	/* the blind indexes stay: a pseudonymised reporter still counts for
	 * the flood caps and "same reporter" until the rows age out */
	if ((s = store_prep(st, "UPDATE reporters SET address = ?, name = NULL, "
	    "phone = NULL, client_addr = NULL WHERE case_id = ?")) == NULL)
		goto out;
	store_bind_text(s, 1, pseud);
	sqlite3_bind_int64(s, 2, id);
	if (store_step_done(st, s) < 0)
		goto out;
	if ((s = store_prep(st, "UPDATE outbox SET recipient = ?, message = NULL, "
	    "recipient_idx = NULL WHERE case_id = ?")) == NULL)
		goto out;
	store_bind_text(s, 1, pseud);
	sqlite3_bind_int64(s, 2, id);
	if (store_step_done(st, s) < 0)
		goto out;
	if (redact_column(st, "cases", "subject", "id", id, &secrets) < 0 ||
	    redact_column(st, "cases", "body", "id", id, &secrets) < 0 ||
	    redact_column(st, "messages", "subject", "case_id", id, &secrets) < 0 ||
	    redact_column(st, "messages", "body", "case_id", id, &secrets) < 0 ||
	    redact_column(st, "events", "detail", "case_id", id, &secrets) < 0 ||
	    redact_column(st, "outbox", "last_error", "case_id", id, &secrets) < 0)
		goto out;
	/* evidence files go; their records (name, type, size, hash) stay.
	 * A sealed file is the item's own; a plain one from before sealing
	 * was named by its hash and may be another case's too */
	if ((s = store_prep(st, "SELECT e.file FROM evidence e WHERE "
	    "e.case_id = ? AND e.file IS NOT NULL UNION SELECT e.sha256 FROM "
	    "evidence e WHERE e.case_id = ? AND e.file IS NULL AND NOT EXISTS "
	    "(SELECT 1 FROM evidence o JOIN cases c ON c.id = o.case_id WHERE "
	    "o.sha256 = e.sha256 AND o.file IS NULL AND c.id != e.case_id AND "
	    "c.purged_at IS NULL)")) == NULL)
		goto out;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, id);
	while (sqlite3_step(s) == SQLITE_ROW)
		strlist_add_unique(files, (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	if ((s = store_prep(st, "UPDATE evidence SET note = 'purged: file "
	    "deleted' WHERE case_id = ?")) == NULL)
		goto out;
	sqlite3_bind_int64(s, 1, id);
	if (store_step_done(st, s) < 0)
		goto out;
	if ((s = store_prep(st, "UPDATE cases SET purged_at = ? WHERE id = ?")) == NULL)
		goto out;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int64(s, 2, id);
	if (store_step_done(st, s) < 0 ||
	    store_add_event(st, id, now, "jubaoctl", "purged",
	    "reporter data pseudonymised; evidence files deleted") < 0)
		goto out;
	rc = 0;
out:
	strlist_free(&secrets);
	return (rc);
}

#define PURGE_BATCH	20	/* cases a transaction: intake waits no longer */

/*
 * store_purge - pseudonymise the reporter data of the cases closed before
 * 'before' (工作规范 第二十八条 keeps six months; the caller enforces the
 * minimum), keeping classification, targets, measures and the ledger.
 * PURGE_BATCH cases a transaction, so that the write lock is held for
 * moments, not for the whole run (intake tempfails meanwhile: finding 8);
 * after each commit, files() is handed the evidence files of that batch
 * to delete.  Deleted content is overwritten (secure_delete) and the WAL
 * checkpointed and truncated, so nothing of it stays in the files.
 * *count is the cases purged; *clean 0 when a reader kept the WAL from
 * being truncated.  0 or -1 (what was committed stays purged).
 */
int
store_purge(struct store *st, time_t before, time_t now, int dry_run,
    store_files_fn files_fn, void *arg, long *count, int *clean)
{
	sqlite3_stmt	*s;
	const unsigned char *key = st->keys->pseud;
	long long	*ids = NULL;
	size_t		 n = 0, cap = 0, i, j;
	strlist		 files = { 0 };
	int		 rc;

	*count = 0;
	*clean = 1;
	if ((s = store_prep(st, "SELECT id FROM cases WHERE status = 'closed' "
	    "AND closed_at < ? AND purged_at IS NULL ORDER BY id")) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, before);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			ids = xrealloc(ids, cap * sizeof(*ids));
		}
		ids[n++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		free(ids);
		return (store_fail(st, "purge"));
	}
	if (dry_run) {
		*count = (long)n;
		free(ids);
		return (0);
	}
	if (store_exec(st, "PRAGMA secure_delete = ON") < 0)
		goto fail;
	for (i = 0; i < n; i += PURGE_BATCH) {
		if (store_exec(st, "BEGIN IMMEDIATE") < 0)
			goto fail;
		for (j = i; j < n && j < i + PURGE_BATCH; j++)
			if (purge_one(st, ids[j], key, now, &files) < 0) {
				store_rollback(st);
				goto fail;
			}
		if (store_exec(st, "COMMIT") < 0) {
			store_rollback(st);
			goto fail;
		}
		*count += (long)(j - i);
		for (j = 0; j < files.n; j++)
			files_fn(arg, files.v[j]);
		strlist_free(&files);
	}
	free(ids);
	/* the old page images are in the WAL until it is checkpointed */
	if ((s = store_prep(st, "PRAGMA wal_checkpoint(TRUNCATE)")) == NULL)
		return (-1);
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0) != 0)
		*clean = 0;
	sqlite3_finalize(s);
	return (0);
fail:
	free(ids);
	strlist_free(&files);
	return (-1);
}
