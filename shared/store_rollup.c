/*
 * NAME
 *	store_rollup - the statistics' per-day rollup, kept in the cases'
 *	own transactions
 * DESCRIPTION
 *	The published statistics over a year read a few thousand rollup rows
 *	instead of every case (issue 11: under 100 ms over 1,000,000 cases,
 *	the same figures as a full scan).  A case counts, on the day it was
 *	received (Unix days: received_at / 86400), once in each dimension of
 *	stats_day the statistics group by (its channel, category, status and
 *	outcome: some thirty rows a day), and in the day's totals (received,
 *	accepted, on time, feedback sent, rated, the ratings' sum); in
 *	stats_hours under the hour bucket of its handling time (outcome_at -
 *	received_at, also kept in cases.handling for the percentiles); and in
 *	stats_measure once a measure.
 *
 *	Keeping it: every store function that changes what a case counts as
 *	calls store_touch(case) first, in its transaction; the first touch of
 *	a case in a transaction takes the case's contribution out, and
 *	store_commit puts the contributions of the touched cases back as they
 *	then are, before COMMIT.  A new case is touched as new (nothing to
 *	take out).  A rollback forgets the touches with the rest.
 *	store_rollup_rebuild computes it all again from the cases (a
 *	migration, jubaoctl stats --rebuild after the tables were written
 *	by hand).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store_int.h"


/*
 * what a case counts as, for stats_day and stats_hours: one case (its
 * events and outbox rows by case_id: "action || ''" keeps SQLite from
 * scanning every accept event of the store through events_action)
 */
#define CONTRIB_SQL \
	"SELECT received_at / 86400 AS d, channel AS ch, category AS cat, " \
	"status AS st, COALESCE(outcome, '') AS oc, CASE WHEN outcome_at IS " \
	"NOT NULL AND outcome_at <= deadline THEN 1 ELSE 0 END AS ot, CASE " \
	"WHEN EXISTS (SELECT 1 FROM events e WHERE e.case_id = cases.id AND " \
	"e.action || '' = 'accept') THEN 1 ELSE 0 END AS ac, CASE WHEN EXISTS " \
	"(SELECT 1 FROM outbox o WHERE o.case_id = cases.id AND o.kind = " \
	"'feedback' AND o.status = 'sent') THEN 1 ELSE 0 END AS fb, " \
	"satisfaction AS sat, handling AS h FROM cases"
/*
 * and every case at once: the accepted and fed back ones as sets, each
 * made once (IN a subquery: SQLite's list subquery, PostgreSQL's hashed
 * subplan); a correlated EXISTS or a join would scan them per case
 */
#define CONTRIB_ALL_SQL \
	"SELECT c.received_at / 86400 AS d, c.channel AS ch, c.category AS " \
	"cat, c.status AS st, COALESCE(c.outcome, '') AS oc, CASE WHEN " \
	"c.outcome_at IS NOT NULL AND c.outcome_at <= c.deadline THEN 1 ELSE " \
	"0 END AS ot, CASE WHEN c.id IN (SELECT case_id FROM events WHERE " \
	"action = 'accept') THEN 1 ELSE 0 END AS ac, CASE WHEN c.id IN (SELECT " \
	"case_id FROM outbox WHERE kind = 'feedback' AND status = 'sent') THEN " \
	"1 ELSE 0 END AS fb, c.satisfaction AS sat FROM cases c"

/*
 * store_hour_of - the hour bucket of a handling time (negative: -1); the
 * rebuild's SQL says the same
 */
long long
store_hour_of(long long handling)
{
	return (handling < 0 ? -1 : handling / 3600);
}

/* contrib - add (sign 1) or take out (-1) case id's contribution; 0, -1 */
static int
contrib(struct store *st, long long id, int sign)
{
	struct db_stmt	*q;
	long long	 day = 0, on_time = 0, acc = 0, fb = 0, sat = 0, h = 0;
	char		*ch = NULL, *cat = NULL, *status = NULL, *out = NULL;
	int		 rated = 0, decided = 0, rc = -1;

	if ((q = db_query(st->db, CONTRIB_SQL " WHERE id = $1", "i", id)) ==
	    NULL)
		return (store_dbfail(st));
	if (db_next(q) == DB_ROW) {
		day = db_col_int(q, 0);
		ch = db_col_dup(q, 1);
		cat = db_col_dup(q, 2);
		status = db_col_dup(q, 3);
		out = db_col_dup(q, 4);
		on_time = db_col_int(q, 5);
		acc = db_col_int(q, 6);
		fb = db_col_int(q, 7);
		rated = !db_col_null(q, 8);
		sat = db_col_int(q, 8);
		decided = !db_col_null(q, 9);
		h = db_col_int(q, 9);
	}
	if (db_done(q) < 0) {
		store_dbfail(st);
		goto out;
	}
	if (ch == NULL) {	/* no such case: nothing counts */
		rc = 0;
		goto out;
	}
	/* one counter a dimension's value, and the day's totals (key '') */
	if (db_exec(st->db, "INSERT INTO stats_day (day, dim, key, n) VALUES "
	    "($1, 'channel', $2, $7), ($1, 'category', $3, $7), ($1, 'status', "
	    "$4, $7), ($1, 'outcome', $5, $7), ($1, 'received', '', $7), ($1, "
	    "'accepted', '', $8), ($1, 'on_time', '', $9), ($1, 'feedback', '', "
	    "$10), ($1, 'rated', '', $11), ($1, 'sat_sum', '', $6) ON CONFLICT "
	    "(day, dim, key) DO UPDATE SET n = stats_day.n + excluded.n",
	    "ittttiiiiii", day, ch, cat, status, out, rated ? sat * sign : 0LL,
	    (long long)sign, acc * sign, on_time * sign, fb * sign,
	    (long long)(rated * sign)) < 0 ||
	    (decided && db_exec(st->db, "INSERT INTO stats_hours (day, hour, n) "
	    "VALUES ($1, $2, $3) ON CONFLICT (day, hour) DO UPDATE SET n = "
	    "stats_hours.n + excluded.n", "iii", day, store_hour_of(h),
	    (long long)sign) < 0)) {
		store_dbfail(st);
		goto out;
	}
	rc = 0;
out:
	free(ch);
	free(cat);
	free(status);
	free(out);
	return (rc);
}

/* touched - is id among this transaction's touched cases */
static int
touched(const struct store *st, long long id)
{
	size_t	 i;

	for (i = 0; i < st->ntouched; i++)
		if (st->touched[i] == id)
			return (1);
	return (0);
}

/* remember - id is touched in this transaction */
static void
remember(struct store *st, long long id)
{
	if (st->ntouched == st->ctouched) {
		st->ctouched = st->ctouched ? st->ctouched * 2 : 16;
		st->touched = xrealloc(st->touched, st->ctouched *
		    sizeof(*st->touched));
	}
	st->touched[st->ntouched++] = id;
}

/*
 * store_touch - case id is about to change what it counts as: its
 * contribution leaves the rollup until store_commit puts it back (once a
 * transaction); 0 or -1
 */
int
store_touch(struct store *st, long long id)
{
	if (!st->in_tx)
		log_panic("store: a case changed outside a transaction");
	if (touched(st, id))
		return (0);
	if (contrib(st, id, -1) < 0)
		return (-1);
	remember(st, id);
	return (0);
}

/* store_touch_new - case id was just made: it counts from the commit */
void
store_touch_new(struct store *st, long long id)
{
	if (!st->in_tx)
		log_panic("store: a case made outside a transaction");
	if (!touched(st, id))
		remember(st, id);
}

/*
 * store_rollup_settle - before COMMIT: the touched cases count again, as
 * they now are; 0 or -1.  store_rollup_forget after a commit or rollback.
 */
int
store_rollup_settle(struct store *st)
{
	size_t	 i;

	for (i = 0; i < st->ntouched; i++)
		if (contrib(st, st->touched[i], 1) < 0)
			return (-1);
	return (0);
}

void
store_rollup_forget(struct store *st)
{
	st->ntouched = 0;
}

/* store_rollup_measure - a measure of case id counts on its day; 0, -1 */
int
store_rollup_measure(struct store *st, long long id, const char *measure)
{
	if (db_exec(st->db, "INSERT INTO stats_measure (day, measure, n) "
	    "SELECT received_at / 86400, $1, 1 FROM cases WHERE id = $2 ON "
	    "CONFLICT (day, measure) DO UPDATE SET n = stats_measure.n + 1",
	    "ti", measure, id) < 0)
		return (store_dbfail(st));
	return (0);
}

/*
 * rebuild_dim, rebuild_sum - one dimension of stats_day from every case:
 * a count for each value of expr (our own SQL), or a day's sum of expr
 */
static int
rebuild_dim(struct store *st, const char *dim, const char *expr)
{
	char	*sql = xasprintf("INSERT INTO stats_day (day, dim, key, n) SELECT "
		    "d, '%s', %s, count(*) FROM (" CONTRIB_ALL_SQL ") AS x GROUP "
		    "BY d, %s", dim, expr, expr);
	int	 rc = db_exec(st->db, sql, NULL);

	free(sql);
	return (rc);
}

static int
rebuild_sum(struct store *st, const char *dim, const char *expr)
{
	char	*sql = xasprintf("INSERT INTO stats_day (day, dim, key, n) SELECT "
		    "d, '%s', '', sum(%s) FROM (" CONTRIB_ALL_SQL ") AS x GROUP BY "
		    "d", dim, expr);
	int	 rc = db_exec(st->db, sql, NULL);

	free(sql);
	return (rc);
}

/*
 * store_rollup_rebuild - the rollup computed again from the cases, in the
 * caller's transaction; 0 or -1
 */
int
store_rollup_rebuild(struct store *st)
{
	if (db_exec(st->db, "DELETE FROM stats_day", NULL) < 0 ||
	    db_exec(st->db, "DELETE FROM stats_hours", NULL) < 0 ||
	    db_exec(st->db, "DELETE FROM stats_measure", NULL) < 0 ||
	    db_exec(st->db, "UPDATE cases SET handling = outcome_at - "
	    "received_at WHERE outcome_at IS NOT NULL AND (handling IS NULL OR "
	    "handling <> outcome_at - received_at)", NULL) < 0 ||
	    db_exec(st->db, "UPDATE cases SET handling = NULL WHERE outcome_at "
	    "IS NULL AND handling IS NOT NULL", NULL) < 0 ||
	    rebuild_dim(st, "channel", "ch") < 0 ||
	    rebuild_dim(st, "category", "cat") < 0 ||
	    rebuild_dim(st, "status", "st") < 0 ||
	    rebuild_dim(st, "outcome", "oc") < 0 ||
	    rebuild_sum(st, "received", "1") < 0 ||
	    rebuild_sum(st, "accepted", "ac") < 0 ||
	    rebuild_sum(st, "on_time", "ot") < 0 ||
	    rebuild_sum(st, "feedback", "fb") < 0 ||
	    rebuild_sum(st, "rated", "CASE WHEN sat IS NULL THEN 0 ELSE 1 END") < 0 ||
	    rebuild_sum(st, "sat_sum", "COALESCE(sat, 0)") < 0 ||
	    db_exec(st->db, "INSERT INTO stats_hours (day, hour, n) SELECT "
	    "received_at / 86400, CASE WHEN handling < 0 THEN -1 ELSE handling "
	    "/ 3600 END, count(*) FROM cases WHERE handling IS NOT NULL GROUP "
	    "BY 1, 2", NULL) < 0 ||
	    db_exec(st->db, "INSERT INTO stats_measure (day, measure, n) SELECT "
	    "c.received_at / 86400, m.measure, count(*) FROM measures m JOIN "
	    "cases c ON c.id = m.case_id GROUP BY 1, 2", NULL) < 0)
		return (store_dbfail(st));
	return (0);
}
