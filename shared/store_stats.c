/*
 * NAME
 *	store_stats - the statistics (信息公开), the most reported, the digest
 * DESCRIPTION
 *	Counts over the cases received in a range, the addresses and accounts
 *	reported most often, and what the handlers' daily digest lists.
 *	Nothing personal is read: no reporter, no text.
 */
#include <limits.h>
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

/* counts_add - n more of key (a new key when absent; none for 0) */
static void
counts_add(struct counts *c, const char *key, long long n)
{
	size_t	 i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->v[i].key, key) == 0) {
			c->v[i].n += n;
			return;
		}
	if (n == 0)
		return;
	c->v = xrealloc(c->v, (c->n + 1) * sizeof(*c->v));
	c->v[c->n].key = xstrdup(key);
	c->v[c->n++].n = n;
}

/* count_cmp - qsort: by key, bytewise (the same on every engine) */
static int
count_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct count_row *)a)->key,
	    ((const struct count_row *)b)->key));
}

/* counts_settle - keys with nothing left go; the rest in key order */
static void
counts_settle(struct counts *c)
{
	size_t	 i, k = 0;

	for (i = 0; i < c->n; i++)
		if (c->v[i].n != 0)
			c->v[k++] = c->v[i];
		else
			free(c->v[i].key);
	c->n = k;
	if (c->n > 1)
		qsort(c->v, c->n, sizeof(*c->v), count_cmp);
}

/* group - add the "key, count" rows of a query bound with (a, b) */
static int
group(struct store *st, const char *sql, long long a, long long b,
    struct counts *out)
{
	struct db_stmt	*q;

	if ((q = db_query(st->db, sql, "ii", a, b)) == NULL)
		return (store_dbfail(st));
	while (db_next(q) == DB_ROW)
		counts_add(out, db_col_text(q, 0), db_col_int(q, 1));
	return (db_done(q) < 0 ? store_dbfail(st) : 0);
}

/* the handling times (seconds) read from cases, and the hour histogram */
struct hours {
	long long	*v;
	size_t		 n, cap;
	long long	*hist_hour, *hist_n;
	size_t		 nh;
};

static void
hours_free(struct hours *h)
{
	free(h->v);
	free(h->hist_hour);
	free(h->hist_n);
}

static void
hours_add(struct hours *h, long long secs)
{
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 1024;
		h->v = xrealloc(h->v, h->cap * sizeof(*h->v));
	}
	h->v[h->n++] = secs;
}

/* ll_cmp - qsort: long longs ascending */
static int
ll_cmp(const void *a, const void *b)
{
	long long	 x = *(const long long *)a, y = *(const long long *)b;

	return (x < y ? -1 : x > y);
}

/*
 * scan - the cases received in [a, b) read one by one, added into s
 * (sat: the ratings' sum; h: the handling times)
 */
static int
scan(struct store *st, long long a, long long b, struct stats *s,
    long long *sat, struct hours *h)
{
#define IN_RANGE	"received_at >= $1 AND received_at < $2"
#define COUNT(cond)	"SELECT count(*) FROM cases WHERE " cond " AND " IN_RANGE
	static const struct {
		size_t		 off;
		const char	*sql;
	} scalars[] = {
		{ offsetof(struct stats, received), "SELECT count(*) FROM cases "
		  "WHERE " IN_RANGE },
		/* by the range's cases, each one's events by case_id ("action
		 * || ''": not every accept event of the store through
		 * events_action, whatever the range) */
		{ offsetof(struct stats, accepted), COUNT("EXISTS (SELECT 1 "
		  "FROM events e WHERE e.case_id = cases.id AND e.action || '' "
		  "= 'accept')") },
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
	long long	 v;
	size_t		 i;

	if (a >= b)
		return (0);
	for (i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++) {
		if (db_int(st->db, &v, scalars[i].sql, "ii", a, b) < 0)
			return (store_dbfail(st));
		*(long long *)((char *)s + scalars[i].off) += v;
	}
	if (group(st, "SELECT channel, count(*) FROM cases WHERE " IN_RANGE
	    " GROUP BY channel", a, b, &s->by_channel) < 0 ||
	    group(st, "SELECT category, count(*) FROM cases WHERE " IN_RANGE
	    " GROUP BY category", a, b, &s->by_category) < 0 ||
	    group(st, "SELECT m.measure, count(*) FROM measures m JOIN cases c "
	    "ON c.id = m.case_id WHERE c.received_at >= $1 AND c.received_at < "
	    "$2 GROUP BY m.measure", a, b, &s->by_measure) < 0 ||
	    group(st, "SELECT status, count(*) FROM cases WHERE " IN_RANGE
	    " GROUP BY status", a, b, &s->by_status) < 0)
		return (-1);
	/* the mean from an integer sum, so that every engine gives the same
	 * double (PostgreSQL's avg is a numeric of its own precision) */
	if (db_int(st->db, &v, "SELECT COALESCE(sum(satisfaction), 0) FROM "
	    "cases WHERE " IN_RANGE, "ii", a, b) < 0)
		return (store_dbfail(st));
	*sat += v;
	if ((q = db_query(st->db, "SELECT outcome_at - received_at FROM cases "
	    "WHERE outcome_at IS NOT NULL AND " IN_RANGE, "ii", a, b)) == NULL)
		return (store_dbfail(st));
	while (db_next(q) == DB_ROW)
		hours_add(h, db_col_int(q, 0));
	return (db_done(q) < 0 ? store_dbfail(st) : 0);
#undef IN_RANGE
}

/* rollup - the whole days [d0, d1) from the rollup, added into s */
static int
rollup(struct store *st, long long d0, long long d1, struct stats *s,
    long long *sat, struct hours *h)
{
	struct db_stmt	*q;
	const char	*dim, *key;
	long long	 n;
	size_t		 cap = 0;

	if (d0 >= d1)
		return (0);
	if ((q = db_query(st->db, "SELECT dim, key, sum(n) FROM stats_day WHERE "
	    "day >= $1 AND day < $2 GROUP BY dim, key", "ii", d0, d1)) == NULL)
		return (store_dbfail(st));
	while (db_next(q) == DB_ROW) {
		dim = db_col_text(q, 0);
		key = db_col_text(q, 1);
		n = db_col_int(q, 2);
		if (strcmp(dim, "channel") == 0)
			counts_add(&s->by_channel, key, n);
		else if (strcmp(dim, "category") == 0)
			counts_add(&s->by_category, key, n);
		else if (strcmp(dim, "status") == 0)
			counts_add(&s->by_status, key, n);
		else if (strcmp(dim, "outcome") == 0) {
			s->disposed += strcmp(key, "disposed") == 0 ? n : 0;
			s->not_accepted += strcmp(key, "not_accepted") == 0 ? n : 0;
			s->refused_malicious += strcmp(key, "refused_malicious") ==
			    0 ? n : 0;
			s->transferred += strcmp(key, "transferred") == 0 ? n : 0;
			s->with_outcome += *key ? n : 0;
		} else if (strcmp(dim, "received") == 0)
			s->received += n;
		else if (strcmp(dim, "accepted") == 0)
			s->accepted += n;
		else if (strcmp(dim, "on_time") == 0)
			s->on_time += n;
		else if (strcmp(dim, "feedback") == 0)
			s->feedback_sent += n;
		else if (strcmp(dim, "rated") == 0)
			s->rated += n;
		else if (strcmp(dim, "sat_sum") == 0)
			*sat += n;
	}
	if (db_done(q) < 0)
		return (store_dbfail(st));
	if (group(st, "SELECT measure, sum(n) FROM stats_measure WHERE day >= "
	    "$1 AND day < $2 GROUP BY measure", d0, d1, &s->by_measure) < 0)
		return (-1);
	if ((q = db_query(st->db, "SELECT hour, sum(n) FROM stats_hours WHERE "
	    "day >= $1 AND day < $2 GROUP BY hour ORDER BY hour", "ii", d0,
	    d1)) == NULL)
		return (store_dbfail(st));
	while (db_next(q) == DB_ROW) {
		if (h->nh == cap) {
			cap = cap ? cap * 2 : 256;
			h->hist_hour = xrealloc(h->hist_hour, cap *
			    sizeof(*h->hist_hour));
			h->hist_n = xrealloc(h->hist_n, cap * sizeof(*h->hist_n));
		}
		h->hist_hour[h->nh] = db_col_int(q, 0);
		h->hist_n[h->nh++] = db_col_int(q, 1);
	}
	return (db_done(q) < 0 ? store_dbfail(st) : 0);
}

/*
 * percentile - the p-th percentile (nearest rank), in hours, of the
 * handling times: those read (h->v, sorted) and those the rollup counts
 * by hour (h->hist, the whole days [d0, d1)); the bucket that holds the
 * rank is read from the cases (index cases_handling).  0 or -1.
 */
static int
percentile(struct store *st, const struct hours *h, long long d0,
    long long d1, double p, double *out)
{
	struct db_stmt	*q;
	long long	 total = (long long)h->n, rank, before = 0, bucket, in;
	long long	*v = NULL;
	size_t		 i, k, nv = 0, cap = 0;
	int		 rc;

	*out = 0;
	for (i = 0; i < h->nh; i++)
		total += h->hist_n[i];
	if (total == 0)
		return (0);
	rank = (long long)(p / 100.0 * (double)total + 0.999999);
	rank = rank < 1 ? 1 : rank > total ? total : rank;
	/* walk the buckets in order, the rollup's and the read ones merged */
	for (i = 0, k = 0; ; ) {
		if (i >= h->nh && k >= h->n)
			return (store_refuse(st, "the statistics' rollup does not "
			    "match the cases: run jubaoctl rebuild-stats"));
		bucket = i < h->nh ? h->hist_hour[i] : LLONG_MAX;
		if (k < h->n && store_hour_of(h->v[k]) < bucket)
			bucket = store_hour_of(h->v[k]);
		in = 0;
		if (i < h->nh && h->hist_hour[i] == bucket)
			in += h->hist_n[i++];
		while (k < h->n && store_hour_of(h->v[k]) == bucket) {
			in++;
			k++;
		}
		if (before + in >= rank)
			break;
		before += in;
	}
	/* the bucket's values: the rollup's days from the cases, the rest
	 * read already */
	if (d0 < d1) {
		if ((q = db_query(st->db, bucket < 0 ? "SELECT handling FROM "
		    "cases WHERE handling < 0 AND received_at >= $3 AND "
		    "received_at < $4" : "SELECT handling FROM cases WHERE "
		    "handling >= $1 AND handling < $2 AND received_at >= $3 AND "
		    "received_at < $4", "iiii", bucket * 3600, (bucket + 1) *
		    3600, d0 * STORE_DAY, d1 * STORE_DAY)) == NULL)
			return (store_dbfail(st));
		while ((rc = db_next(q)) == DB_ROW) {
			if (nv == cap) {
				cap = cap ? cap * 2 : 256;
				v = xrealloc(v, cap * sizeof(*v));
			}
			v[nv++] = db_col_int(q, 0);
		}
		if (db_done(q) < 0) {
			free(v);
			return (store_dbfail(st));
		}
	}
	for (k = 0; k < h->n; k++)
		if (store_hour_of(h->v[k]) == bucket) {
			if (nv == cap) {
				cap = cap ? cap * 2 : 256;
				v = xrealloc(v, cap * sizeof(*v));
			}
			v[nv++] = h->v[k];
		}
	if (nv < (size_t)(rank - before)) {
		free(v);
		return (store_refuse(st, "the statistics' rollup does not match "
		    "the cases (hour %lld): run jubaoctl rebuild-stats",
		    bucket));
	}
	qsort(v, nv, sizeof(*v), ll_cmp);
	*out = (double)v[rank - before - 1] / 3600.0;
	free(v);
	return (0);
}

/*
 * stats_range - store_stats, with (rollup 1) or without the rollup: the
 * whole Unix days of [from, to) from it, the ends read from the cases
 */
static int
stats_range(struct store *st, time_t from, time_t to, int use_rollup,
    struct stats *s)
{
	struct hours	 h = { 0 };
	long long	 sat = 0, d0, d1;

	memset(s, 0, sizeof(*s));
	s->from = from;
	s->to = to;
	/* one snapshot: a case handled between two queries is counted once */
	if (db_read_begin(st->db) < 0)
		return (store_dbfail(st));
	d0 = from <= 0 ? 0 : ((long long)from + STORE_DAY - 1) / STORE_DAY;
	d1 = to <= 0 ? 0 : (long long)to / STORE_DAY;
	if (!use_rollup || d0 >= d1 || from < 0) {
		d0 = d1 = 0;
		if (scan(st, from, to, s, &sat, &h) < 0)
			goto fail;
	} else if (scan(st, from, d0 * STORE_DAY, s, &sat, &h) < 0 ||
	    scan(st, d1 * STORE_DAY, to, s, &sat, &h) < 0 ||
	    rollup(st, d0, d1, s, &sat, &h) < 0)
		goto fail;
	counts_settle(&s->by_channel);
	counts_settle(&s->by_category);
	counts_settle(&s->by_measure);
	counts_settle(&s->by_status);
	if (h.n > 1)
		qsort(h.v, h.n, sizeof(*h.v), ll_cmp);
	if (percentile(st, &h, d0, d1, 50, &s->hours_median) < 0 ||
	    percentile(st, &h, d0, d1, 90, &s->hours_p90) < 0)
		goto fail;
	s->on_time_share = s->with_outcome ? (double)s->on_time /
	    (double)s->with_outcome : 0;
	s->feedback_share = s->with_outcome ? (double)s->feedback_sent /
	    (double)s->with_outcome : 0;
	s->satisfaction_mean = s->rated > 0 ? (double)sat / (double)s->rated :
	    0;
	db_read_end(st->db);
	hours_free(&h);
	return (0);
fail:
	db_read_end(st->db);
	hours_free(&h);
	stats_free(s);
	return (-1);
}

/*
 * store_stats - the published statistics of the cases received in
 * [from, to): counts by channel, category, status and measure, handling
 * time (received to outcome; median and 90th percentile, nearest rank, in
 * hours), the share finished by the deadline and with feedback sent, and
 * mean satisfaction.  The whole days come from the rollup kept with the
 * cases (store_rollup.c), the ends of the range from the cases.  0 with
 * *s filled in (free it with stats_free), -1.
 */
int
store_stats(struct store *st, time_t from, time_t to, struct stats *s)
{
	return (stats_range(st, from, to, 1, s));
}

/*
 * store_stats_scan - the same figures from every case in the range, one
 * by one (jubaoctl stats --scan: the check of the rollup)
 */
int
store_stats_scan(struct store *st, time_t from, time_t to, struct stats *s)
{
	return (stats_range(st, from, to, 0, s));
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
