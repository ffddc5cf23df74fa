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

#define ROW_COLS "case_no, channel, status, category, priority, received_at, " \
	"deadline, subject, spf, missing, assignee, outcome, " \
	"CASE WHEN outcome_at IS NULL AND deadline < $1 THEN 1 ELSE 0 END"

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
	size_t		 cap = 0;
	int		 urgent = f->overdue || f->due_before;

	memset(out, 0, sizeof(*out));
	q = db_query(st->db, urgent ? "SELECT " ROW_COLS " FROM cases WHERE "
	    "($2 IS NULL OR status = $2) AND ($3 IS NULL OR outcome = $3) AND "
	    "($4 IS NULL OR category = $4) AND ($5 IS NULL OR channel = $5) AND "
	    "($6 IS NULL OR assignee = $6) AND ($7 IS NULL OR subject LIKE $7 "
	    "ESCAPE '\\' OR body LIKE $7 ESCAPE '\\') AND ($8 = 0 OR "
	    "(outcome_at IS NULL AND deadline < $1)) AND ($9 = 0 OR "
	    "(outcome_at IS NULL AND deadline >= $1 AND deadline < $9)) "
	    "ORDER BY priority, deadline, id LIMIT $10" :
	    "SELECT " ROW_COLS " FROM cases WHERE "
	    "($2 IS NULL OR status = $2) AND ($3 IS NULL OR outcome = $3) AND "
	    "($4 IS NULL OR category = $4) AND ($5 IS NULL OR channel = $5) AND "
	    "($6 IS NULL OR assignee = $6) AND ($7 IS NULL OR subject LIKE $7 "
	    "ESCAPE '\\' OR body LIKE $7 ESCAPE '\\') AND ($8 = 0 OR "
	    "(outcome_at IS NULL AND deadline < $1)) AND ($9 = 0 OR "
	    "(outcome_at IS NULL AND deadline >= $1 AND deadline < $9)) "
	    "ORDER BY received_at DESC, id DESC LIMIT $10", "ittttttiii",
	    (long long)f->now, f->status, f->outcome, f->category, f->channel,
	    f->assignee, pat, (long long)(f->overdue != 0),
	    (long long)f->due_before, f->limit > 0 ? (long long)f->limit :
	    STORE_NO_LIMIT);
	free(pat);
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

/* view_lists - evidence, targets, messages received, events */
static int
view_lists(struct store *st, long long id, struct case_view *c)
{
	struct db_stmt	*q;
	size_t		 cap;

	if ((q = db_query(st->db, "SELECT kind, value FROM targets WHERE "
	    "case_id = $1 ORDER BY id", "i", id)) == NULL)
		return (store_dbfail(st));
	while (db_next(q) == DB_ROW)
		strlist_add(strcmp(db_col_text(q, 0), "url") == 0 ? &c->urls :
		    &c->accounts, db_col_text(q, 1));
	if (db_done(q) < 0 || (q = db_query(st->db, "SELECT name, type, size, "
	    "sha256, note, original FROM evidence WHERE case_id = $1 ORDER BY id",
	    "i", id)) == NULL)
		return (store_dbfail(st));
	for (cap = 0; db_next(q) == DB_ROW; c->nev++) {
		struct case_evidence *e;

		c->ev = grow(c->ev, c->nev, &cap, sizeof(*c->ev));
		e = &c->ev[c->nev];
		e->name = db_col_dup(q, 0);
		e->type = db_col_dup(q, 1);
		e->size = db_col_int(q, 2);
		snprintf(e->sha256, sizeof(e->sha256), "%s", db_col_text(q, 3));
		e->note = db_col_dup(q, 4);
		e->original = (int)db_col_int(q, 5);
	}
	if (db_done(q) < 0 || (q = db_query(st->db, "SELECT kind, message_id, "
	    "queue_id, subject, received_at, auto_reason FROM messages WHERE "
	    "case_id = $1 ORDER BY id", "i", id)) == NULL)
		return (store_dbfail(st));
	for (cap = 0; db_next(q) == DB_ROW; c->nreports++) {
		struct case_report *r;

		c->reports = grow(c->reports, c->nreports, &cap,
		    sizeof(*c->reports));
		r = &c->reports[c->nreports];
		r->kind = db_col_dup(q, 0);
		r->message_id = db_col_dup(q, 1);
		r->queue_id = db_col_dup(q, 2);
		r->subject = db_col_dup(q, 3);
		r->received_at = time_col(q, 4);
		r->auto_reason = db_col_dup(q, 5);
	}
	if (db_done(q) < 0 || (q = db_query(st->db, "SELECT at, actor, action, "
	    "detail, uid FROM events WHERE case_id = $1 ORDER BY id", "i",
	    id)) == NULL)
		return (store_dbfail(st));
	for (cap = 0; db_next(q) == DB_ROW; c->nevents++) {
		struct case_event *e;

		c->events = grow(c->events, c->nevents, &cap, sizeof(*c->events));
		e = &c->events[c->nevents];
		e->at = time_col(q, 0);
		e->actor = db_col_dup(q, 1);
		e->action = db_col_dup(q, 2);
		e->detail = db_col_dup(q, 3);
		e->uid = db_col_null(q, 4) ? -1 : (long)db_col_int(q, 4);
	}
	return (db_done(q) < 0 ? store_dbfail(st) : 0);
}

/* view_handling - the messages owed, the measures, the related cases */
static int
view_handling(struct store *st, long long id, struct case_view *c)
{
	struct db_stmt	*q;
	size_t		 cap, i;
	buf		 b;

	if ((q = db_query(st->db, "SELECT id, kind, channel, status, reason, "
	    "attempts, created_at, sent_at, last_error, message_id FROM outbox "
	    "WHERE case_id = $1 ORDER BY id", "i", id)) == NULL)
		return (store_dbfail(st));
	for (cap = 0; db_next(q) == DB_ROW; c->nmessages++) {
		struct case_message *m;

		c->messages = grow(c->messages, c->nmessages, &cap,
		    sizeof(*c->messages));
		m = &c->messages[c->nmessages];
		m->id = (long)db_col_int(q, 0);
		m->kind = db_col_dup(q, 1);
		m->channel = db_col_dup(q, 2);
		m->status = db_col_dup(q, 3);
		m->reason = db_col_dup(q, 4);
		m->attempts = (int)db_col_int(q, 5);
		m->created_at = time_col(q, 6);
		m->sent_at = time_col(q, 7);
		m->last_error = db_col_dup(q, 8);
		m->message_id = db_col_dup(q, 9);
	}
	if (db_done(q) < 0 || (q = db_query(st->db, "SELECT measure, until, at, "
	    "actor FROM measures WHERE case_id = $1 ORDER BY id", "i",
	    id)) == NULL)
		return (store_dbfail(st));
	for (cap = 0; db_next(q) == DB_ROW; c->nmeasures++) {
		struct case_measure *m;

		c->measures = grow(c->measures, c->nmeasures, &cap,
		    sizeof(*c->measures));
		m = &c->measures[c->nmeasures];
		m->measure = db_col_dup(q, 0);
		m->until = time_col(q, 1);
		m->at = time_col(q, 2);
		m->actor = db_col_dup(q, 3);
	}
	/* 同一举报事项、同一办理结果: other cases naming the same address */
	if (db_done(q) < 0 || (q = db_query(st->db, "SELECT DISTINCT o.case_no, "
	    "t2.value, o.status, o.outcome, o.received_at, o.id FROM targets t1 "
	    "JOIN targets t2 ON t2.value = t1.value AND t2.case_id <> t1.case_id "
	    "JOIN cases o ON o.id = t2.case_id WHERE t1.case_id = $1 "
	    "ORDER BY o.received_at DESC LIMIT 50", "i", id)) == NULL)
		return (store_dbfail(st));
	for (cap = 0; db_next(q) == DB_ROW; c->nrelated++) {
		struct case_related *r;

		c->related = grow(c->related, c->nrelated, &cap,
		    sizeof(*c->related));
		r = &c->related[c->nrelated];
		snprintf(r->case_no, sizeof(r->case_no), "%s", db_col_text(q, 0));
		r->target = db_col_dup(q, 1);
		r->status = db_col_dup(q, 2);
		r->outcome = db_col_dup(q, 3);
		r->received_at = time_col(q, 4);
		r->id = db_col_int(q, 5);
	}
	if (db_done(q) < 0)
		return (store_dbfail(st));
	/* their measures, "a,b" (NULL: none), one query each (at most 50) */
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
	long long	 id = 0;
	int		 rc;

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
		if (ledger_add(st, id, now, actor, "reveal",
		    "reporter identity shown") < 0) {
			store_rollback(st);
			goto fail;
		}
		if (store_commit(st) < 0 || view_reporter(st, id, c) < 0)
			goto fail;
	}
	if (view_lists(st, id, c) < 0 || view_handling(st, id, c) < 0)
		goto fail;
	return (0);
fail:
	case_view_free(c);
	return (-1);
}

/*
 * free_rows - free the strings at offsets off (ended by END) of n rows of
 * size sz, then the rows
 */
#define END	((size_t)-1)
static void
free_rows(void *v, size_t n, size_t sz, const size_t *off)
{
	size_t	 i, k;

	for (i = 0; i < n; i++)
		for (k = 0; off[k] != END; k++)
			free(*(char **)((char *)v + i * sz + off[k]));
	free(v);
}

#define OFF(t, f)	offsetof(struct t, f)

/* case_view_free - release what store_case_view filled in */
void
case_view_free(struct case_view *c)
{
	static const size_t ev[] = { OFF(case_evidence, name),
	    OFF(case_evidence, type), OFF(case_evidence, note), END };
	static const size_t rep[] = { OFF(case_report, kind),
	    OFF(case_report, message_id), OFF(case_report, queue_id),
	    OFF(case_report, subject), OFF(case_report, auto_reason), END };
	static const size_t evt[] = { OFF(case_event, actor),
	    OFF(case_event, action), OFF(case_event, detail), END };
	static const size_t msg[] = { OFF(case_message, kind),
	    OFF(case_message, channel), OFF(case_message, status),
	    OFF(case_message, reason), OFF(case_message, last_error),
	    OFF(case_message, message_id), END };
	static const size_t mea[] = { OFF(case_measure, measure),
	    OFF(case_measure, actor), END };
	static const size_t rel[] = { OFF(case_related, target),
	    OFF(case_related, status), OFF(case_related, outcome),
	    OFF(case_related, measures), END };

	free_rows(c->ev, c->nev, sizeof(*c->ev), ev);
	free_rows(c->reports, c->nreports, sizeof(*c->reports), rep);
	free_rows(c->events, c->nevents, sizeof(*c->events), evt);
	free_rows(c->messages, c->nmessages, sizeof(*c->messages), msg);
	free_rows(c->measures, c->nmeasures, sizeof(*c->measures), mea);
	free_rows(c->related, c->nrelated, sizeof(*c->related), rel);
	case_row_clear(&c->row);
	free(c->spf_domain);
	free(c->lang);
	free(c->text);
	free(c->outcome_detail);
	free(c->explanation);
	strlist_free(&c->urls);
	strlist_free(&c->accounts);
	free(c->rep_address);
	free(c->rep_name);
	free(c->rep_phone);
	free(c->rep_client);
	memset(c, 0, sizeof(*c));
}
