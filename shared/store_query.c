/*
 * NAME
 *	store_query - cases as typed rows, and one case whole
 * DESCRIPTION
 *	What list, overdue and show read.  The results are typed (store.h):
 *	the programs that print them decide how (text, JSON, a page).  The
 *	reporter's identity is read only by store_case_view with reveal set,
 *	and only after the reveal is in the ledger.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/* grow - room for one more element of size sz in *v (n used, *cap) */
static void *
grow(void *v, size_t n, size_t *cap, size_t sz)
{
	if (n < *cap)
		return (v);
	*cap = *cap ? *cap * 2 : 16;
	v = xrealloc(v, *cap * sz);
	memset((char *)v + n * sz, 0, (*cap - n) * sz);
	return (v);
}

/* like_pattern - "%text%" for LIKE, with %, _ and \ escaped by backslash */
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

/* row_read - one case_row from columns 0-12 of a list query */
static void
row_read(struct db_stmt *q, struct case_row *r)
{
	snprintf(r->case_no, sizeof(r->case_no), "%s", db_col_text(q, 0));
	snprintf(r->channel, sizeof(r->channel), "%s", db_col_text(q, 1));
	snprintf(r->status, sizeof(r->status), "%s", db_col_text(q, 2));
	snprintf(r->category, sizeof(r->category), "%s", db_col_text(q, 3));
	r->priority = (int)db_col_int(q, 4);
	r->received_at = (time_t)db_col_int(q, 5);
	r->deadline = (time_t)db_col_int(q, 6);
	r->subject = db_col_dup(q, 7);
	snprintf(r->spf, sizeof(r->spf), "%s", db_col_text(q, 8));
	r->missing = (unsigned)db_col_int(q, 9);
	r->assignee = db_col_dup(q, 10);
	r->outcome = db_col_dup(q, 11);
	r->overdue = db_col_int(q, 12) != 0;
}

/* case_rows_read - every row of q (ROW_COLS) into *out, q finished; 0, or -1
 * with *out empty (q NULL: the query failed) */
static int
case_rows_read(struct store *st, struct db_stmt *q, struct case_rows *out)
{
	size_t	 cap = 0;

	if (q == NULL)
		return (store_dbfail(st));
	while (db_next(q) == DB_ROW) {
		out->v = grow(out->v, out->n, &cap, sizeof(*out->v));
		row_read(q, &out->v[out->n++]);
	}
	if (db_done(q) < 0) {
		case_rows_free(out);
		return (store_dbfail(st));
	}
	return (0);
}

#define ROW_COLS "case_no, channel, status, category, priority, received_at, " \
	"deadline, subject, spf, missing, assignee, outcome, " \
	"CASE WHEN outcome_at IS NULL AND deadline < $1 THEN 1 ELSE 0 END"

/*
 * the filter of store_case_query: $2-$9 are its fields, $1 is now.  The
 * text matches without regard to case on every engine (SQLite's LIKE
 * ignores ASCII case, PostgreSQL's does not: both sides lower()ed)
 */
#define FILTER "($2 IS NULL OR status = $2) AND ($3 IS NULL OR outcome = $3) " \
	"AND ($4 IS NULL OR category = $4) AND ($5 IS NULL OR channel = $5) " \
	"AND ($6 IS NULL OR assignee = $6) AND ($7 IS NULL OR lower(subject) " \
	"LIKE lower($7) ESCAPE '\\' OR lower(body) LIKE lower($7) ESCAPE " \
	"'\\') AND ($8 = 0 OR " \
	"(outcome_at IS NULL AND deadline < $1)) AND ($9 = 0 OR " \
	"(outcome_at IS NULL AND deadline >= $1 AND deadline < $9))"

/*
 * store_case_query - the cases matching a filter, newest first (most
 * urgent first with overdue or due_before), at most f->limit (0: all).
 * 0 with the rows in *out (free them with case_rows_free), or -1.
 */
int
store_case_query(struct store *st, const struct case_filter *f,
    struct case_rows *out)
{
	struct db_stmt	*q;
	char		*pat = f->text ? like_pattern(f->text) : NULL;
	int		 urgent = f->overdue || f->due_before;

	memset(out, 0, sizeof(*out));
	q = db_query(st->db, urgent ?
	    "SELECT " ROW_COLS " FROM cases WHERE " FILTER
	    " ORDER BY priority, deadline, id LIMIT $10" :
	    "SELECT " ROW_COLS " FROM cases WHERE " FILTER
	    " ORDER BY received_at DESC, id DESC LIMIT $10", "ittttttiii",
	    (long long)f->now, f->status, f->outcome, f->category, f->channel,
	    f->assignee, pat, (long long)(f->overdue != 0),
	    (long long)f->due_before, f->limit > 0 ? (long long)f->limit :
	    STORE_NO_LIMIT);
	free(pat);
	return (case_rows_read(st, q, out));
}

/*
 * The console's queue (jubao-webd): a view of the cases, a filter and a
 * page.  Open cases come most urgent first (by deadline: the overdue,
 * then those due today), on the index cases_deadline (outcome_at,
 * deadline), so that a page costs its own rows on a million cases; the
 * other views are newest first on cases_received.  $2-$6 filter, $7 is
 * the text searched: a URL or an account reported (targets_value) or
 * words of the subject or body.
 */
#define QUEUE_FILTER "($2 IS NULL OR status = $2) AND ($3 IS NULL OR " \
	"category = $3) AND ($4 IS NULL OR channel = $4) AND ($5 IS NULL OR " \
	"assignee = $5)"
/* the text searched, only when there is one: "$6 IS NULL OR" in front
 * kept the planners from the deadline index's order (tests/bench/
 * RESULTS.md); without a text $6 and $7 are still named, so that
 * PostgreSQL knows their type */
#define QUEUE_TEXT " AND (id IN (SELECT case_id FROM targets WHERE value = " \
	"$6) OR lower(subject) LIKE lower($7) ESCAPE '\\' OR lower(body) " \
	"LIKE lower($7) ESCAPE '\\')"
#define QUEUE_NO_TEXT " AND CAST($6 AS TEXT) IS NULL AND CAST($7 AS TEXT) " \
	"IS NULL"

static const struct {
	const char	*view, *where, *order;
} queue_views[] = {
	{ "open", "outcome_at IS NULL", "deadline, id" },
	{ "overdue", "outcome_at IS NULL AND deadline < $1", "deadline, id" },
	{ "today", "outcome_at IS NULL AND deadline >= $1 AND deadline < $8",
	    "deadline, id" },
	{ "pending", "id IN (SELECT case_id FROM proposals WHERE state = "
	    "'pending')", "deadline, id" },
	{ "callbacks", "id IN (SELECT case_id FROM outbox WHERE status = "
	    "'callback')", "received_at, id" },
	{ "all", "1 = 1", "received_at DESC, id DESC" },
};

/* store_queue_view - is view one of the queue's */
int
store_queue_view(const char *view)
{
	size_t	 i;

	for (i = 0; i < sizeof(queue_views) / sizeof(queue_views[0]); i++)
		if (strcmp(queue_views[i].view, view) == 0)
			return (1);
	return (0);
}

/*
 * store_queue - a page of the console's queue: at most f->limit rows
 * after f->offset.  0 with the rows in *out (case_rows_free), or -1.
 */
int
store_queue(struct store *st, const struct queue_filter *f,
    struct case_rows *out)
{
	struct db_stmt	*q;
	char		*sql, *pat = f->text ? like_pattern(f->text) : NULL;
	size_t		 i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < sizeof(queue_views) / sizeof(queue_views[0]) - 1; i++)
		if (f->view != NULL && strcmp(queue_views[i].view, f->view) == 0)
			break;
	sql = xasprintf("SELECT " ROW_COLS " FROM cases WHERE %s AND "
	    QUEUE_FILTER "%s ORDER BY %s LIMIT $9 OFFSET $10",
	    queue_views[i].where, f->text ? QUEUE_TEXT : QUEUE_NO_TEXT,
	    queue_views[i].order);
	q = db_query(st->db, sql, "ittttttiii", (long long)f->now, f->status,
	    f->category, f->channel, f->assignee, f->text, pat,
	    (long long)f->day_end, (long long)(f->limit > 0 ? f->limit : 50),
	    (long long)(f->offset > 0 ? f->offset : 0));
	free(sql);
	free(pat);
	return (case_rows_read(st, q, out));
}

/* case_row_clear - release what a row owns */
static void
case_row_clear(struct case_row *r)
{
	free(r->subject);
	free(r->assignee);
	free(r->outcome);
}

/* case_rows_free - release the rows of store_case_query */
void
case_rows_free(struct case_rows *rows)
{
	size_t	 i;

	for (i = 0; i < rows->n; i++)
		case_row_clear(&rows->v[i]);
	free(rows->v);
	memset(rows, 0, sizeof(*rows));
}

/* time_col - a time column; 0 for NULL */
static time_t
time_col(struct db_stmt *q, int i)
{
	return (db_col_null(q, i) ? 0 : (time_t)db_col_int(q, i));
}

/* view_main - the case's own columns; 0, 1 when there is no such case, -1 */
static int
view_main(struct store *st, const char *case_no, time_t now,
    struct case_view *c, long long *id)
{
	struct db_stmt	*q;
	int		 rc;

	if ((q = db_query(st->db, "SELECT " ROW_COLS ", id, enterprise, flood, "
	    "spf_domain, lang, body, outcome_detail, explanation, updated_at, "
	    "outcome_at, feedback_at, closed_at, purged_at, satisfaction "
	    "FROM cases WHERE case_no = $2", "it", (long long)now,
	    case_no)) == NULL)
		return (store_dbfail(st));
	if ((rc = db_next(q)) == DB_ROW) {
		row_read(q, &c->row);
		*id = db_col_int(q, 13);
		c->enterprise = (int)db_col_int(q, 14);
		c->flood = (int)db_col_int(q, 15);
		c->spf_domain = db_col_dup(q, 16);
		c->lang = db_col_dup(q, 17);
		c->text = db_col_dup(q, 18);
		c->outcome_detail = db_col_dup(q, 19);
		c->explanation = db_col_dup(q, 20);
		c->updated_at = time_col(q, 21);
		c->outcome_at = time_col(q, 22);
		c->feedback_at = time_col(q, 23);
		c->closed_at = time_col(q, 24);
		c->purged_at = time_col(q, 25);
		c->satisfaction = (int)db_col_int(q, 26);
	}
	if (db_done(q) < 0)
		return (store_dbfail(st));
	return (rc == DB_ROW ? 0 : 1);
}

/*
 * A column map: where each column of a query goes in a row struct, and
 * as what.  One map serves to read the rows and to free them.
 */
enum col_type {
	COL_END,
	COL_STR,		/* char *, a copy (NULL stays NULL) */
	COL_ARR,		/* char [len], truncated */
	COL_INT,		/* int */
	COL_LONG,		/* long */
	COL_LLONG,		/* long long */
	COL_TIME,		/* time_t, NULL read as 0 */
	COL_UID			/* long, NULL read as -1 */
};
struct col {
	enum col_type	 type;
	size_t		 off, len;
};
#define COL(type, t, f)	{ type, offsetof(struct t, f), \
	sizeof(((struct t *)0)->f) }
#define COLS_END	{ COL_END, 0, 0 }

static const struct col ev_cols[] = {
	COL(COL_STR, case_evidence, name), COL(COL_STR, case_evidence, type),
	COL(COL_LLONG, case_evidence, size),
	COL(COL_ARR, case_evidence, sha256), COL(COL_STR, case_evidence, note),
	COL(COL_INT, case_evidence, original), COLS_END
};
static const struct col rep_cols[] = {
	COL(COL_STR, case_report, kind), COL(COL_STR, case_report, message_id),
	COL(COL_STR, case_report, queue_id), COL(COL_STR, case_report, subject),
	COL(COL_TIME, case_report, received_at),
	COL(COL_STR, case_report, auto_reason), COLS_END
};
static const struct col evt_cols[] = {
	COL(COL_TIME, case_event, at), COL(COL_STR, case_event, actor),
	COL(COL_STR, case_event, action), COL(COL_STR, case_event, detail),
	COL(COL_UID, case_event, uid), COLS_END
};
static const struct col msg_cols[] = {
	COL(COL_LONG, case_message, id), COL(COL_STR, case_message, kind),
	COL(COL_STR, case_message, channel), COL(COL_STR, case_message, status),
	COL(COL_STR, case_message, reason), COL(COL_INT, case_message, attempts),
	COL(COL_TIME, case_message, created_at),
	COL(COL_TIME, case_message, sent_at),
	COL(COL_STR, case_message, last_error),
	COL(COL_STR, case_message, message_id), COLS_END
};
static const struct col mea_cols[] = {
	COL(COL_STR, case_measure, measure), COL(COL_TIME, case_measure, until),
	COL(COL_TIME, case_measure, at), COL(COL_STR, case_measure, actor),
	COLS_END
};
static const struct col rel_cols[] = {
	COL(COL_ARR, case_related, case_no), COL(COL_STR, case_related, target),
	COL(COL_STR, case_related, status), COL(COL_STR, case_related, outcome),
	COL(COL_TIME, case_related, received_at),
	COL(COL_LLONG, case_related, id), COLS_END
};

/* col_read - the columns of q's row into the struct at row, by map */
static void
col_read(struct db_stmt *q, const struct col *map, char *row)
{
	int	 i;

	for (i = 0; map[i].type != COL_END; i++) {
		void	*f = row + map[i].off;

		switch (map[i].type) {
		case COL_STR:
			*(char **)f = db_col_dup(q, i);
			break;
		case COL_ARR:
			snprintf(f, map[i].len, "%s", db_col_text(q, i));
			break;
		case COL_INT:
			*(int *)f = (int)db_col_int(q, i);
			break;
		case COL_LONG:
			*(long *)f = (long)db_col_int(q, i);
			break;
		case COL_LLONG:
			*(long long *)f = db_col_int(q, i);
			break;
		case COL_TIME:
			*(time_t *)f = time_col(q, i);
			break;
		case COL_UID:
			*(long *)f = db_col_null(q, i) ? -1 : (long)db_col_int(q, i);
			break;
		case COL_END:
			break;
		}
	}
}

/*
 * rows_read - the rows of sql (one parameter, the case id) as a new array
 * of structs of size sz, filled by map, their number in *n; free it with
 * rows_free.  Nothing is read when *failed is set already; a failure
 * sets it (the rows read so far are returned all the same).
 */
static void *
rows_read(struct store *st, long long id, const char *sql,
    const struct col *map, size_t sz, size_t *n, int *failed)
{
	struct db_stmt	*q;
	char		*v = NULL;
	size_t		 cap = 0;

	if (*failed)
		return (NULL);
	if ((q = db_query(st->db, sql, "i", id)) == NULL) {
		*failed = store_dbfail(st);
		return (NULL);
	}
	for (; db_next(q) == DB_ROW; (*n)++) {
		v = grow(v, *n, &cap, sz);
		col_read(q, map, v + *n * sz);
	}
	if (db_done(q) < 0)
		*failed = store_dbfail(st);
	return (v);
}

/* rows_free - free the strings of n rows of size sz by map, then the rows */
static void
rows_free(void *v, size_t n, size_t sz, const struct col *map)
{
	size_t	 i, k;

	for (i = 0; i < n; i++)
		for (k = 0; map[k].type != COL_END; k++)
			if (map[k].type == COL_STR)
				free(*(char **)((char *)v + i * sz + map[k].off));
	free(v);
}

/* view_lists - targets, evidence, messages received and owed, events */
static int
view_lists(struct store *st, long long id, struct case_view *c)
{
	struct db_stmt	*q;
	int		 failed = 0;

	if ((q = db_query(st->db, "SELECT kind, value FROM targets WHERE "
	    "case_id = $1 ORDER BY id", "i", id)) == NULL)
		return (store_dbfail(st));
	while (db_next(q) == DB_ROW)
		strlist_add(strcmp(db_col_text(q, 0), "url") == 0 ? &c->urls :
		    &c->accounts, db_col_text(q, 1));
	if (db_done(q) < 0)
		return (store_dbfail(st));
	c->ev = rows_read(st, id, "SELECT name, type, size, sha256, note, "
	    "original FROM evidence WHERE case_id = $1 ORDER BY id", ev_cols,
	    sizeof(*c->ev), &c->nev, &failed);
	c->reports = rows_read(st, id, "SELECT kind, message_id, queue_id, "
	    "subject, received_at, auto_reason FROM messages WHERE case_id = $1 "
	    "ORDER BY id", rep_cols, sizeof(*c->reports), &c->nreports, &failed);
	c->events = rows_read(st, id, "SELECT at, actor, action, detail, uid "
	    "FROM events WHERE case_id = $1 ORDER BY id", evt_cols,
	    sizeof(*c->events), &c->nevents, &failed);
	c->messages = rows_read(st, id, "SELECT id, kind, channel, status, "
	    "reason, attempts, created_at, sent_at, last_error, message_id FROM "
	    "outbox WHERE case_id = $1 ORDER BY id", msg_cols,
	    sizeof(*c->messages), &c->nmessages, &failed);
	c->measures = rows_read(st, id, "SELECT measure, until, at, actor FROM "
	    "measures WHERE case_id = $1 ORDER BY id", mea_cols,
	    sizeof(*c->measures), &c->nmeasures, &failed);
	return (failed);
}

/*
 * view_related - 同一举报事项、同一办理结果: other cases naming one of
 * this case's targets (at most 50), with their measures
 */
static int
view_related(struct store *st, long long id, struct case_view *c)
{
	struct db_stmt	*q;
	size_t		 i;
	buf		 b;

	int		 failed = 0;

	c->related = rows_read(st, id, "SELECT DISTINCT o.case_no, t2.value, "
	    "o.status, o.outcome, o.received_at, o.id FROM targets t1 JOIN "
	    "targets t2 ON t2.value = t1.value AND t2.case_id <> t1.case_id JOIN "
	    "cases o ON o.id = t2.case_id WHERE t1.case_id = $1 ORDER BY "
	    "o.received_at DESC LIMIT 50", rel_cols, sizeof(*c->related),
	    &c->nrelated, &failed);
	if (failed)
		return (-1);
	/* their measures, "a,b" (NULL: none), one query each */
	for (i = 0; i < c->nrelated; i++) {
		memset(&b, 0, sizeof(b));
		if ((q = db_query(st->db, "SELECT measure FROM measures WHERE "
		    "case_id = $1 ORDER BY measure", "i", c->related[i].id)) == NULL)
			return (store_dbfail(st));
		while (db_next(q) == DB_ROW)
			buf_printf(&b, "%s%s", b.len ? "," : "", db_col_text(q, 0));
		c->related[i].measures = b.s;
		if (db_done(q) < 0)
			return (store_dbfail(st));
	}
	return (0);
}

/* view_reporter - who reported, unsealed (the reveal is in the ledger) */
static int
view_reporter(struct store *st, long long id, struct case_view *c)
{
	struct db_stmt	*q;

	if ((q = db_query(st->db, "SELECT address, name, phone, client_addr "
	    "FROM reporters WHERE case_id = $1", "i", id)) == NULL)
		return (store_dbfail(st));
	if (db_next(q) == DB_ROW) {
		c->rep_address = store_unseal(st, db_col_text(q, 0));
		c->rep_name = store_unseal(st, db_col_text(q, 1));
		c->rep_phone = store_unseal(st, db_col_text(q, 2));
		c->rep_client = store_unseal(st, db_col_text(q, 3));
	}
	return (db_done(q) < 0 ? store_dbfail(st) : 0);
}

/*
 * store_case_view - one case, whole (show), overdue or not at now.  With
 * reveal, the reporter's identity too, after a "reveal" event by actor is
 * committed at now.  0 with the case in *c (free it with case_view_free),
 * or -1 (a refusal, "no case N", when there is none).
 */
int
store_case_view(struct store *st, const char *case_no, int reveal,
    const char *actor, time_t now, struct case_view *c)
{
	return (store_case_view_why(st, case_no, reveal ? "" : NULL, actor,
	    now, c));
}

/*
 * store_case_view_why - store_case_view, revealing the reporter when why
 * is not NULL, with why (the reason the handler gave) in the ledger line
 */
int
store_case_view_why(struct store *st, const char *case_no, const char *why,
    const char *actor, time_t now, struct case_view *c)
{
	long long	 id = 0;
	int		 rc, reveal = why != NULL;
	char		*detail;

	memset(c, 0, sizeof(*c));
	if ((rc = view_main(st, case_no, now, c, &id)) < 0)
		goto fail;
	if (rc == 1) {
		store_refuse(st, "no case %s", case_no);
		goto fail;
	}
	if (reveal) {
		c->revealed = 1;
		if (store_begin(st) < 0)
			goto fail;
		detail = xasprintf("reporter identity shown%s%s", *why ?
		    ": " : "", why);
		rc = ledger_add(st, id, now, actor, "reveal", detail);
		free(detail);
		if (rc < 0) {
			store_rollback(st);
			goto fail;
		}
		if (store_commit(st) < 0 || view_reporter(st, id, c) < 0)
			goto fail;
	}
	if (view_lists(st, id, c) < 0 || view_related(st, id, c) < 0)
		goto fail;
	return (0);
fail:
	case_view_free(c);
	return (-1);
}

/* case_view_free - release what store_case_view filled in */
void
case_view_free(struct case_view *c)
{
	size_t	 i;

	rows_free(c->ev, c->nev, sizeof(*c->ev), ev_cols);
	rows_free(c->reports, c->nreports, sizeof(*c->reports), rep_cols);
	rows_free(c->events, c->nevents, sizeof(*c->events), evt_cols);
	rows_free(c->messages, c->nmessages, sizeof(*c->messages), msg_cols);
	rows_free(c->measures, c->nmeasures, sizeof(*c->measures), mea_cols);
	for (i = 0; i < c->nrelated; i++)
		free(c->related[i].measures);	/* not a column */
	rows_free(c->related, c->nrelated, sizeof(*c->related), rel_cols);
	case_row_clear(&c->row);
	free(c->spf_domain);
	free(c->lang);
	free(c->text);
	free(c->outcome_detail);
	free(c->explanation);
	strlist_free(&c->urls);
	strlist_free(&c->accounts);
	secret_free(c->rep_address);
	secret_free(c->rep_name);
	secret_free(c->rep_phone);
	secret_free(c->rep_client);
	memset(c, 0, sizeof(*c));
}
