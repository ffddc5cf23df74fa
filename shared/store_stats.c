/*
 * NAME
 *	store_stats - the statistics (信息公开), the most reported, the digest
 * DESCRIPTION
 *	Counts over the cases received in a range, the addresses and accounts
 *	reported most often, and what the handlers' daily digest lists.
 *	Nothing personal is read: no reporter, no text.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/* counts_free - release a "key -> count" list */
static void
counts_free(struct counts *c)
{
	size_t	 i;

	for (i = 0; i < c->n; i++)
		free(c->v[i].key);
	free(c->v);
	memset(c, 0, sizeof(*c));
}

/* group - "key -> count" rows of a query bound with (from, to) */
static int
group(struct store *st, const char *sql, time_t from, time_t to,
    struct counts *out)
{
	struct db_stmt	*q;
	size_t		 cap = 0;

	if ((q = db_query(st->db, sql, "ii", (long long)from,
	    (long long)to)) == NULL)
		return (store_dbfail(st));
	while (db_next(q) == DB_ROW) {
		if (out->n == cap) {
			cap = cap ? cap * 2 : 16;
			out->v = xrealloc(out->v, cap * sizeof(*out->v));
		}
		out->v[out->n].key = db_col_dup(q, 0);
		out->v[out->n++].n = db_col_int(q, 1);
	}
	return (db_done(q) < 0 ? store_dbfail(st) : 0);
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

/* handling - hours from receipt to outcome, median and 90th percentile */
static int
handling(struct store *st, time_t from, time_t to, struct stats *s)
{
	struct db_stmt	*q;
	double		*h = NULL;
	size_t		 n = 0, cap = 0;
	int		 rc;

	if ((q = db_query(st->db, "SELECT outcome_at - received_at FROM cases "
	    "WHERE outcome_at IS NOT NULL AND received_at >= $1 AND "
	    "received_at < $2 ORDER BY 1", "ii", (long long)from,
	    (long long)to)) == NULL)
		return (store_dbfail(st));
	while (db_next(q) == DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			h = xrealloc(h, cap * sizeof(*h));
		}
		h[n++] = (double)db_col_int(q, 0) / 3600.0;
	}
	rc = db_done(q);
	s->hours_median = percentile(h, n, 50);
	s->hours_p90 = percentile(h, n, 90);
	free(h);
	return (rc < 0 ? store_dbfail(st) : 0);
}

/*
 * store_stats - the published statistics of the cases received in
 * [from, to): counts by channel, category, status and measure, handling
 * time (received to outcome; median and 90th percentile, nearest rank, in
 * hours), the share finished by the deadline and with feedback sent, and
 * mean satisfaction.  0 with *s filled in (free it with stats_free), -1.
 */
int
store_stats(struct store *st, time_t from, time_t to, struct stats *s)
{
#define IN_RANGE	"received_at >= $1 AND received_at < $2"
#define COUNT(cond)	"SELECT count(*) FROM cases WHERE " cond " AND " IN_RANGE
	static const struct {
		size_t		 off;
		const char	*sql;
	} scalars[] = {
		{ offsetof(struct stats, received), "SELECT count(*) FROM cases "
		  "WHERE " IN_RANGE },
		{ offsetof(struct stats, accepted), "SELECT count(DISTINCT "
		  "e.case_id) FROM events e JOIN cases c ON c.id = e.case_id WHERE "
		  "e.action = 'accept' AND c.received_at >= $1 AND "
		  "c.received_at < $2" },
		{ offsetof(struct stats, disposed), COUNT("outcome = 'disposed'") },
		{ offsetof(struct stats, not_accepted),
		  COUNT("outcome = 'not_accepted'") },
		{ offsetof(struct stats, refused_malicious),
		  COUNT("outcome = 'refused_malicious'") },
		{ offsetof(struct stats, transferred),
		  COUNT("outcome = 'transferred'") },
		{ offsetof(struct stats, with_outcome),
		  COUNT("outcome IS NOT NULL") },
		{ offsetof(struct stats, on_time),
		  COUNT("outcome_at IS NOT NULL AND outcome_at <= deadline") },
		{ offsetof(struct stats, feedback_sent), COUNT("EXISTS (SELECT 1 "
		  "FROM outbox o WHERE o.case_id = cases.id AND o.kind = "
		  "'feedback' AND o.status = 'sent')") },
		{ offsetof(struct stats, rated), COUNT("satisfaction IS NOT NULL") },
	};
#undef COUNT
	struct db_stmt	*q;
	size_t		 i;

	memset(s, 0, sizeof(*s));
	s->from = from;
	s->to = to;
	for (i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++)
		if (db_int(st->db, (long long *)((char *)s + scalars[i].off),
		    scalars[i].sql, "ii", (long long)from, (long long)to) < 0)
			goto fail;
	if (group(st, "SELECT channel, count(*) FROM cases WHERE " IN_RANGE
	    " GROUP BY channel ORDER BY channel", from, to, &s->by_channel) < 0 ||
	    group(st, "SELECT category, count(*) FROM cases WHERE " IN_RANGE
	    " GROUP BY category ORDER BY category", from, to, &s->by_category) < 0 ||
	    group(st, "SELECT m.measure, count(*) FROM measures m JOIN cases c "
	    "ON c.id = m.case_id WHERE c.received_at >= $1 AND c.received_at < "
	    "$2 GROUP BY m.measure ORDER BY m.measure", from, to,
	    &s->by_measure) < 0 ||
	    group(st, "SELECT status, count(*) FROM cases WHERE " IN_RANGE
	    " GROUP BY status ORDER BY status", from, to, &s->by_status) < 0 ||
	    handling(st, from, to, s) < 0)
		goto fail2;
	s->on_time_share = s->with_outcome ? (double)s->on_time /
	    (double)s->with_outcome : 0;
	s->feedback_share = s->with_outcome ? (double)s->feedback_sent /
	    (double)s->with_outcome : 0;
	/* the mean from an integer sum, so that every engine gives the same
	 * double (PostgreSQL's avg is a numeric of its own precision) */
	if ((q = db_query(st->db, "SELECT sum(satisfaction) FROM cases WHERE "
	    "satisfaction IS NOT NULL AND " IN_RANGE,
	    "ii", (long long)from, (long long)to)) == NULL)
		goto fail;
	if (db_next(q) == DB_ROW && !db_col_null(q, 0) && s->rated > 0)
		s->satisfaction_mean = (double)db_col_int(q, 0) /
		    (double)s->rated;
	if (db_done(q) < 0)
		goto fail;
	return (0);
fail:
	store_dbfail(st);
fail2:
	stats_free(s);
	return (-1);
#undef IN_RANGE
}

/* stats_free - release what store_stats filled in */
void
stats_free(struct stats *s)
{
	counts_free(&s->by_channel);
	counts_free(&s->by_category);
	counts_free(&s->by_measure);
	counts_free(&s->by_status);
}

/*
 * store_hot - the addresses and accounts reported in most cases received
 * in [from, to) (举报集中的账号), at most limit; 0 with the rows in *out
 * (free them with hot_rows_free), or -1
 */
int
store_hot(struct store *st, time_t from, time_t to, long limit,
    struct hot_rows *out)
{
	struct db_stmt	*q;
	struct hot_row	*h;
	size_t		 cap = 0;

	memset(out, 0, sizeof(*out));
	if ((q = db_query(st->db, "SELECT t.value, t.kind, count(DISTINCT "
	    "t.case_id) AS cases, sum(CASE WHEN c.outcome = 'disposed' THEN 1 "
	    "ELSE 0 END), max(c.received_at) AS last FROM targets t JOIN cases c "
	    "ON c.id = t.case_id WHERE c.received_at >= $1 AND c.received_at < $2 "
	    "GROUP BY t.value, t.kind ORDER BY cases DESC, last DESC LIMIT $3",
	    "iii", (long long)from, (long long)to, (long long)limit)) == NULL)
		return (store_dbfail(st));
	while (db_next(q) == DB_ROW) {
		if (out->n == cap) {
			cap = cap ? cap * 2 : 16;
			out->v = xrealloc(out->v, cap * sizeof(*out->v));
		}
		h = &out->v[out->n++];
		h->target = db_col_dup(q, 0);
		h->kind = db_col_dup(q, 1);
		h->cases = db_col_int(q, 2);
		h->disposed = db_col_int(q, 3);
		h->last_received_at = (time_t)db_col_int(q, 4);
	}
	if (db_done(q) < 0) {
		hot_rows_free(out);
		return (store_dbfail(st));
	}
	return (0);
}

/* hot_rows_free - release the rows of store_hot */
void
hot_rows_free(struct hot_rows *h)
{
	size_t	 i;

	for (i = 0; i < h->n; i++) {
		free(h->v[i].target);
		free(h->v[i].kind);
	}
	free(h->v);
	memset(h, 0, sizeof(*h));
}

/* digest_list - one section of the digest from a query bound with (a, b) */
static int
digest_list(struct store *st, const char *sql, time_t a, time_t b,
    struct digest_rows *out)
{
	struct db_stmt		*q;
	struct digest_row	*d;
	size_t			 cap = 0;

	if ((q = db_query(st->db, sql, "ii", (long long)a, (long long)b)) == NULL)
		return (store_dbfail(st));
	while (db_next(q) == DB_ROW) {
		if (out->n == cap) {
			cap = cap ? cap * 2 : 16;
			out->v = xrealloc(out->v, cap * sizeof(*out->v));
		}
		d = &out->v[out->n++];
		snprintf(d->case_no, sizeof(d->case_no), "%s", db_col_text(q, 0));
		d->category = db_col_dup(q, 1);
		d->status = db_col_dup(q, 2);
		d->priority = (int)db_col_int(q, 3);
		d->when = (time_t)db_col_int(q, 4);
		d->assignee = db_col_dup(q, 5);
	}
	return (db_done(q) < 0 ? store_dbfail(st) : 0);
}

/*
 * store_digest - what the handlers' daily digest lists: open cases
 * overdue, open cases due before due_before, and 限时加私 measures ending
 * within window seconds.  0 with *d filled in (free it with digest_free),
 * or -1.
 */
int
store_digest(struct store *st, time_t now, time_t due_before, long window,
    struct digest *d)
{
	memset(d, 0, sizeof(*d));
	if (digest_list(st, "SELECT case_no, category, status, priority, "
	    "deadline, assignee FROM cases WHERE outcome_at IS NULL AND "
	    "deadline < $1 AND $2 > 0 ORDER BY priority, deadline", now, 1,
	    &d->overdue) < 0 ||
	    digest_list(st, "SELECT case_no, category, status, priority, "
	    "deadline, assignee FROM cases WHERE outcome_at IS NULL AND "
	    "deadline >= $1 AND deadline < $2 ORDER BY priority, deadline", now,
	    due_before, &d->due_today) < 0 ||
	    digest_list(st, "SELECT c.case_no, c.category, c.status, 0, m.until, "
	    "NULL FROM measures m JOIN cases c ON c.id = m.case_id WHERE "
	    "m.measure = 'private' AND m.until >= $1 AND m.until < $2 ORDER BY "
	    "m.until", now, now + window, &d->private_expiring) < 0) {
		digest_free(d);
		return (-1);
	}
	return (0);
}

/* digest_rows_free - release one section */
static void
digest_rows_free(struct digest_rows *r)
{
	size_t	 i;

	for (i = 0; i < r->n; i++) {
		free(r->v[i].category);
		free(r->v[i].status);
		free(r->v[i].assignee);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

/* digest_free - release what store_digest filled in */
void
digest_free(struct digest *d)
{
	digest_rows_free(&d->overdue);
	digest_rows_free(&d->due_today);
	digest_rows_free(&d->private_expiring);
}
