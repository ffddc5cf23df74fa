/*
 * NAME
 *	store_lookup - status lookups: the attempts, and what a case shows
 * DESCRIPTION
 *	The attempts table serves the limits (lookup.c) and nothing else:
 *	its source is a keyed hash of who asked (a sender, a caller's
 *	number, a client address), apart from the reporters' blind indexes
 *	(source_idx: no join tells which reporter asked), its case number the one typed, whether
 *	or not a case has it; rows older than the longest window are removed
 *	as new ones come.  ok: 1 the PIN was right, 0 wrong (or no such
 *	case), 2 refused by a limit.  These run in the caller's transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lookup.h"
#include "store_int.h"

/* source_idx - the hash a source is kept as (not store_index's alone) */
static void
source_idx(struct store *st, const char *source, char out[33])
{
	char	*v = xasprintf("lookup-source:%s", source);

	store_index(st, v, out);
	secret_free(v);
}

/*
 * store_lookup_failures - the attempts of one source (column "source",
 * key who it is: kept as its keyed hash) or one case number (column "case_no") since since: the
 * wrong PINs among them, all of them, and when the last wrong one was.
 * 0 or -1.
 */
int
store_lookup_failures(struct store *st, const char *column, const char *key,
    time_t since, long *failures, long *all, time_t *last)
{
	struct db_stmt	*q;
	const char	*sql;
	char		 idx[33];

	*failures = *all = 0;
	*last = 0;
	/* two texts, never one pasted together: the column is ours */
	sql = strcmp(column, "source") == 0 ?
	    "SELECT COALESCE(SUM(CASE WHEN ok = 0 THEN 1 ELSE 0 END), 0), "
	    "count(*), COALESCE(MAX(CASE WHEN ok = 0 THEN at END), 0) FROM "
	    "lookups WHERE source = $1 AND at >= $2" :
	    "SELECT COALESCE(SUM(CASE WHEN ok = 0 THEN 1 ELSE 0 END), 0), "
	    "count(*), COALESCE(MAX(CASE WHEN ok = 0 THEN at END), 0) FROM "
	    "lookups WHERE case_no = $1 AND at >= $2";
	if (strcmp(column, "source") == 0) {
		source_idx(st, key, idx);
		key = idx;
	}
	if ((q = db_query(st->db, sql, "ti", key, (long long)since)) == NULL)
		return (store_dbfail(st));
	if (db_next(q) == DB_ROW) {
		*failures = (long)db_col_int(q, 0);
		*all = (long)db_col_int(q, 1);
		*last = (time_t)db_col_int(q, 2);
	}
	return (db_done(q) < 0 ? store_dbfail(st) : 0);
}

/*
 * store_lookup_add - one attempt (ok: 1, 0 or 2, as above) from source
 * (NULL: none; kept as its keyed hash), and the attempts older than
 * LOOKUP_KEEP removed; 0 or -1
 */
int
store_lookup_add(struct store *st, const char *channel,
    const char *source, const char *case_no, int ok, time_t now)
{
	char	 idx[33];

	if (source != NULL)
		source_idx(st, source, idx);
	if (db_exec(st->db, "DELETE FROM lookups WHERE at < $1", "i",
	    (long long)(now - LOOKUP_KEEP)) < 0 ||
	    db_exec(st->db, "INSERT INTO lookups (at, channel, source, case_no, "
	    "ok) VALUES ($1, $2, $3, $4, $5)", "ittti", (long long)now, channel,
	    source ? idx : NULL, case_no, (long long)ok) < 0)
		return (store_dbfail(st));
	return (0);
}

/*
 * store_lookup_case - the case numbered case_no: its id (0: none), the
 * hash of its PIN, and what a reporter may know of it into r; 0 or -1
 */
int
store_lookup_case(struct store *st, const char *case_no, long long *id,
    char pin_hash[33], struct lookup_result *r)
{
	struct db_stmt	*q;
	char		 m[96];
	int		 rc;

	*id = 0;
	pin_hash[0] = '\0';
	if ((q = db_query(st->db, "SELECT id, COALESCE(pin_hash, ''), channel, "
	    "status, category, lang, COALESCE(outcome, ''), received_at, "
	    "deadline, COALESCE(outcome_at, 0), outcome_detail, explanation, "
	    "COALESCE(satisfaction, 0), missing FROM cases WHERE case_no = $1",
	    "t", case_no)) == NULL)
		return (store_dbfail(st));
	if ((rc = db_next(q)) == DB_ROW) {
		*id = db_col_int(q, 0);
		snprintf(pin_hash, 33, "%s", db_col_text(q, 1));
		snprintf(r->case_no, sizeof(r->case_no), "%s", case_no);
		snprintf(r->channel, sizeof(r->channel), "%s", db_col_text(q, 2));
		snprintf(r->status, sizeof(r->status), "%s", db_col_text(q, 3));
		snprintf(r->category, sizeof(r->category), "%s",
		    db_col_text(q, 4));
		snprintf(r->lang, sizeof(r->lang), "%s", db_col_text(q, 5));
		snprintf(r->outcome, sizeof(r->outcome), "%s", db_col_text(q, 6));
		r->received_at = (time_t)db_col_int(q, 7);
		r->deadline = (time_t)db_col_int(q, 8);
		r->outcome_at = (time_t)db_col_int(q, 9);
		r->outcome_detail = db_col_dup(q, 10);
		r->explanation = db_col_dup(q, 11);
		r->satisfaction = (int)db_col_int(q, 12);
		r->missing = (unsigned)db_col_int(q, 13);
	}
	if (db_done(q) < 0)
		return (store_dbfail(st));
	/* asked for no case too: the same statements either way */
	if ((q = db_query(st->db, "SELECT measure, until FROM measures WHERE "
	    "case_id = $1 ORDER BY id", "i", *id)) == NULL)
		return (store_dbfail(st));
	while ((rc = db_next(q)) == DB_ROW) {
		if (!db_col_null(q, 1))
			snprintf(m, sizeof(m), "%s:%lld", db_col_text(q, 0),
			    db_col_int(q, 1));
		else
			snprintf(m, sizeof(m), "%s", db_col_text(q, 0));
		strlist_add(&r->measures, m);
	}
	return (db_done(q) < 0 ? store_dbfail(st) : 0);
}
