/*
 * NAME
 *	store_staff - the rows of the call centre's accounts, the console's
 *	sessions, and the disposals that await a second person
 * DESCRIPTION
 *	The store keeps what staff.c and workflow.c decide: an account's
 *	password only as its Argon2id string, a session only as the keyed
 *	hash of its token (the key, below, is that hash), a proposal with the
 *	parameters its disposal will take.  The account and session calls
 *	are each their own transaction; the proposal calls run in the
 *	workflow's.  Functions return 0 or -1 (store_error, store_busy);
 *	those that look something up return 1 when it is not there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "staff.h"
#include "store_int.h"

/* no_account - the refusal for a name that is no account; -1 */
static int
no_account(struct store *st, const char *name)
{
	store_refuse(st, "no account %s", name);
	store_rollback(st);
	return (-1);
}

/*
 * store_staff_add - a new account; -1 refused when the name is taken
 * (store_busy() 0)
 */
int
store_staff_add(struct store *st, const char *name, const char *role,
    const char *pwhash, time_t now)
{
	long long	 n;

	if (store_begin(st) < 0)
		return (-1);
	if (db_int(st->db, &n, "SELECT count(*) FROM staff WHERE name = $1",
	    "t", name) < 0)
		return (store_fail_tx(st));
	if (n > 0) {
		store_refuse(st, "account %s exists", name);
		store_rollback(st);
		return (-1);
	}
	if (db_exec(st->db, "INSERT INTO staff (name, role, pwhash, created_at, "
	    "pw_changed_at) VALUES ($1, $2, $3, $4, $4)", "ttti", name, role,
	    pwhash, (long long)now) < 0)
		return (store_fail_tx(st));
	return (store_commit(st));
}

/*
 * store_staff_passwd - an account's new password: its sessions end, and
 * so does a lock; -1 refused when there is no such account
 */
int
store_staff_passwd(struct store *st, const char *name, const char *pwhash,
    time_t now)
{
	if (store_begin(st) < 0)
		return (-1);
	if (db_exec(st->db, "UPDATE staff SET pwhash = $1, pw_changed_at = $2, "
	    "failures = 0, failed_since = NULL, locked_until = NULL WHERE "
	    "name = $3", "tit", pwhash, (long long)now, name) < 0)
		return (store_fail_tx(st));
	if (db_changes(st->db) != 1) {
		return (no_account(st, name));
	}
	if (db_exec(st->db, "DELETE FROM sessions WHERE name = $1", "t",
	    name) < 0)
		return (store_fail_tx(st));
	return (store_commit(st));
}

/*
 * store_staff_disable - an account disabled (its sessions end) or
 * enabled again; -1 refused when there is no such account
 */
int
store_staff_disable(struct store *st, const char *name, int disabled)
{
	if (store_begin(st) < 0)
		return (-1);
	if (db_exec(st->db, "UPDATE staff SET disabled = $1 WHERE name = $2",
	    "it", (long long)(disabled != 0), name) < 0)
		return (store_fail_tx(st));
	if (db_changes(st->db) != 1) {
		return (no_account(st, name));
	}
	if (disabled && db_exec(st->db, "DELETE FROM sessions WHERE name = $1",
	    "t", name) < 0)
		return (store_fail_tx(st));
	return (store_commit(st));
}

#define USER_COLS "name, role, disabled, created_at, " \
	"COALESCE(locked_until, 0), COALESCE(last_login, 0), failures, " \
	"pw_changed_at, pwhash"

/* user_read - a row of USER_COLS into u (and its hash, when asked) */
static void
user_read(struct db_stmt *q, struct staff_user *u, char *pwhash)
{
	memset(u, 0, sizeof(*u));
	snprintf(u->name, sizeof(u->name), "%s", db_col_text(q, 0));
	u->role = staff_role_parse(db_col_text(q, 1));
	u->disabled = db_col_int(q, 2) != 0;
	u->created_at = (time_t)db_col_int(q, 3);
	u->locked_until = (time_t)db_col_int(q, 4);
	u->last_login = (time_t)db_col_int(q, 5);
	u->failures = (long)db_col_int(q, 6);
	u->pw_changed_at = (time_t)db_col_int(q, 7);
	if (pwhash != NULL)
		snprintf(pwhash, STAFF_HASH_MAX, "%s", db_col_text(q, 8));
}

/*
 * store_staff_get - the account called name into u, and its password
 * hash into pwhash (when not NULL): 0, 1 when there is none, or -1.
 * Runs in the caller's transaction, or by itself.
 */
int
store_staff_get(struct store *st, const char *name, struct staff_user *u,
    char pwhash[STAFF_HASH_MAX])
{
	struct db_stmt	*q;
	int		 rc;

	memset(u, 0, sizeof(*u));
	if ((q = db_query(st->db, "SELECT " USER_COLS " FROM staff WHERE "
	    "name = $1", "t", name)) == NULL)
		return (store_dbfail(st));
	if ((rc = db_next(q)) == DB_ROW)
		user_read(q, u, pwhash);
	if (db_done(q) < 0 || rc < 0)
		return (store_dbfail(st));
	return (rc == DB_ROW ? 0 : 1);
}

/* store_staff_list - every account, by name, into out (staff_users_free) */
int
store_staff_list(struct store *st, struct staff_users *out)
{
	struct db_stmt	*q;
	size_t		 cap = 0;
	int		 rc;

	memset(out, 0, sizeof(*out));
	if ((q = db_query(st->db, "SELECT " USER_COLS " FROM staff ORDER BY "
	    "name", NULL)) == NULL)
		return (store_dbfail(st));
	while ((rc = db_next(q)) == DB_ROW) {
		if (out->n == cap) {
			cap = cap ? cap * 2 : 16;
			out->v = xrealloc(out->v, cap * sizeof(*out->v));
		}
		user_read(q, &out->v[out->n++], NULL);
	}
	if (db_done(q) < 0 || rc < 0) {
		staff_users_free(out);
		return (store_dbfail(st));
	}
	return (0);
}

/*
 * store_staff_failed - one more wrong password for name at now: counted
 * in a window of lim->lock from the first failure; the lim->failures-th
 * locks the account until now + lim->lock (and *locked says so).  0 or -1.
 */
int
store_staff_failed(struct store *st, const char *name, time_t now,
    const struct staff_limits *lim, int *locked)
{
	long long	 n = 0;
	int		 rc;

	*locked = 0;
	if (store_begin(st) < 0)
		return (-1);
	/* one statement counts, so that two logins at once count twice */
	if (db_exec(st->db, "UPDATE staff SET failures = CASE WHEN "
	    "failed_since IS NULL OR failed_since <= $1 THEN 1 ELSE failures + "
	    "1 END, failed_since = CASE WHEN failed_since IS NULL OR "
	    "failed_since <= $1 THEN $2 ELSE failed_since END WHERE name = $3",
	    "iit", (long long)(now - lim->lock), (long long)now, name) < 0 ||
	    (rc = db_int(st->db, &n, "SELECT failures FROM staff WHERE name = "
	    "$1", "t", name)) < 0)
		return (store_fail_tx(st));
	if (rc == DB_ROW && n >= lim->failures) {
		if (db_exec(st->db, "UPDATE staff SET locked_until = $1, "
		    "failures = 0, failed_since = NULL WHERE name = $2", "it",
		    (long long)(now + lim->lock), name) < 0)
			return (store_fail_tx(st));
		*locked = 1;
	}
	return (store_commit(st));
}

/*
 * store_session_open - a login of name: its failures forgotten, its last
 * login now, the sessions past their time removed (anyone's), and a new
 * session kept by key.  1 (nothing written) when the account changed
 * since its hash was read (disabled, a new password); 0 or -1.
 */
int
store_session_open(struct store *st, const char *name, const char *pwhash,
    const char *key, time_t now, const struct staff_limits *lim)
{
	if (store_begin(st) < 0)
		return (-1);
	if (db_exec(st->db, "UPDATE staff SET last_login = $1, failures = 0, "
	    "failed_since = NULL, locked_until = NULL WHERE name = $2 AND "
	    "disabled = 0 AND pwhash = $3", "itt", (long long)now, name,
	    pwhash) < 0)
		return (store_fail_tx(st));
	if (db_changes(st->db) != 1) {
		store_rollback(st);
		return (1);
	}
	if (db_exec(st->db, "DELETE FROM sessions WHERE last_seen <= $1 OR "
	    "created_at <= $2", "ii", (long long)(now - lim->idle),
	    (long long)(now - lim->max)) < 0 ||
	    db_exec(st->db, "INSERT INTO sessions (token, name, created_at, "
	    "last_seen) VALUES ($1, $2, $3, $3)", "tti", key, name,
	    (long long)now) < 0)
		return (store_fail_tx(st));
	return (store_commit(st));
}

/*
 * store_session_get - the session kept by key, with its account's role,
 * when its password was changed and whether it is disabled: 0, 1 when
 * there is no such session (or account), or -1
 */
int
store_session_get(struct store *st, const char *key, struct staff_session *s,
    time_t *pw_changed_at, int *disabled)
{
	struct db_stmt	*q;
	int		 rc;

	memset(s, 0, sizeof(*s));
	if ((q = db_query(st->db, "SELECT s.name, u.role, s.created_at, "
	    "s.last_seen, u.pw_changed_at, u.disabled FROM sessions s JOIN "
	    "staff u ON u.name = s.name WHERE s.token = $1", "t", key)) == NULL)
		return (store_dbfail(st));
	if ((rc = db_next(q)) == DB_ROW) {
		snprintf(s->user, sizeof(s->user), "%s", db_col_text(q, 0));
		s->role = staff_role_parse(db_col_text(q, 1));
		s->created_at = (time_t)db_col_int(q, 2);
		s->last_seen = (time_t)db_col_int(q, 3);
		*pw_changed_at = (time_t)db_col_int(q, 4);
		*disabled = db_col_int(q, 5) != 0;
	}
	if (db_done(q) < 0 || rc < 0)
		return (store_dbfail(st));
	return (rc == DB_ROW ? 0 : 1);
}

/* store_session_seen - the session kept by key was used at now; 0 or -1 */
int
store_session_seen(struct store *st, const char *key, time_t now)
{
	if (store_begin(st) < 0)
		return (-1);
	if (db_exec(st->db, "UPDATE sessions SET last_seen = $1 WHERE token = "
	    "$2", "it", (long long)now, key) < 0)
		return (store_fail_tx(st));
	return (store_commit(st));
}

/* store_session_end - the session kept by key ends (none: fine); 0 or -1 */
int
store_session_end(struct store *st, const char *key)
{
	if (store_begin(st) < 0)
		return (-1);
	if (db_exec(st->db, "DELETE FROM sessions WHERE token = $1", "t",
	    key) < 0)
		return (store_fail_tx(st));
	return (store_commit(st));
}

#define PROPOSAL_COLS "id, proposer, measures, explanation, decided_by, " \
	"state, reason, COALESCE(until, 0), proposed_at, " \
	"COALESCE(decided_at, 0), no_feedback"

/* proposal_read - a row of PROPOSAL_COLS into p */
static void
proposal_read(struct db_stmt *q, struct case_proposal *p)
{
	memset(p, 0, sizeof(*p));
	p->id = db_col_int(q, 0);
	p->proposer = db_col_dup(q, 1);
	p->measures = db_col_dup(q, 2);
	p->explanation = db_col_dup(q, 3);
	p->decided_by = db_col_dup(q, 4);
	p->state = db_col_dup(q, 5);
	p->reason = db_col_dup(q, 6);
	p->until = (time_t)db_col_int(q, 7);
	p->proposed_at = (time_t)db_col_int(q, 8);
	p->decided_at = (time_t)db_col_int(q, 9);
	p->no_feedback = db_col_int(q, 10) != 0;
}

/*
 * store_proposal_pending - the proposal of case case_id that awaits a
 * reviewer, into p (case_proposal_clear): 0 with p->id 0 when there is
 * none, 0, or -1
 */
int
store_proposal_pending(struct store *st, long long case_id,
    struct case_proposal *p)
{
	struct db_stmt	*q;
	int		 rc;

	memset(p, 0, sizeof(*p));
	if ((q = db_query(st->db, "SELECT " PROPOSAL_COLS " FROM proposals "
	    "WHERE state = 'pending' AND case_id = $1 ORDER BY id DESC LIMIT 1",
	    "i", case_id)) == NULL)
		return (store_dbfail(st));
	if ((rc = db_next(q)) == DB_ROW)
		proposal_read(q, p);
	if (db_done(q) < 0 || rc < 0) {
		case_proposal_clear(p);
		return (store_dbfail(st));
	}
	return (0);
}

/* store_proposal_add - a pending proposal of case case_id (p's fields) */
int
store_proposal_add(struct store *st, long long case_id,
    const struct case_proposal *p)
{
	if (db_exec(st->db, "INSERT INTO proposals (case_id, proposer, "
	    "measures, until, explanation, no_feedback, state, proposed_at) "
	    "VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7)", "ittztii",
	    case_id, p->proposer, p->measures, p->until, p->explanation,
	    (long long)(p->no_feedback != 0), (long long)p->proposed_at) < 0)
		return (store_dbfail(st));
	return (0);
}

/*
 * store_proposal_decide - proposal id approved or declined (state) by
 * whom, why (declined), when; 0, or -1 (a refusal when it no longer
 * awaits a decision)
 */
int
store_proposal_decide(struct store *st, long long id, const char *state,
    const char *by, const char *reason, time_t at)
{
	if (db_exec(st->db, "UPDATE proposals SET state = $1, decided_by = $2, "
	    "reason = $3, decided_at = $4 WHERE id = $5 AND state = 'pending'",
	    "tttii", state, by, reason, (long long)at, id) < 0)
		return (store_dbfail(st));
	if (db_changes(st->db) != 1)
		return (store_refuse(st, "proposal %lld was decided already", id));
	return (0);
}

/*
 * store_proposals - the proposals of case case_no, newest first, into *out
 * (*n of them; case_proposals_free); 0, or -1 (a refusal for no such case)
 */
int
store_proposals(struct store *st, const char *case_no,
    struct case_proposal **out, size_t *n)
{
	struct db_stmt	*q;
	long long	 id;
	size_t		 cap = 0;
	int		 rc;

	*out = NULL;
	*n = 0;
	if (ledger_find(st, case_no, &id) < 0)
		return (-1);
	if ((q = db_query(st->db, "SELECT " PROPOSAL_COLS " FROM proposals "
	    "WHERE case_id = $1 ORDER BY id DESC", "i", id)) == NULL)
		return (store_dbfail(st));
	while ((rc = db_next(q)) == DB_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 4;
			*out = xrealloc(*out, cap * sizeof(**out));
		}
		proposal_read(q, &(*out)[(*n)++]);
	}
	if (db_done(q) < 0 || rc < 0) {
		case_proposals_free(*out, *n);
		*out = NULL;
		*n = 0;
		return (store_dbfail(st));
	}
	return (0);
}

/* case_proposal_clear - free what one proposal holds */
void
case_proposal_clear(struct case_proposal *p)
{
	free(p->proposer);
	free(p->measures);
	free(p->explanation);
	free(p->decided_by);
	free(p->state);
	free(p->reason);
	memset(p, 0, sizeof(*p));
}

/* case_proposals_free - free n proposals and their array (NULL is fine) */
void
case_proposals_free(struct case_proposal *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		case_proposal_clear(&v[i]);
	free(v);
}

/* store_proposals_pending - how many cases have a proposal waiting; -1 */
long
store_proposals_pending(struct store *st)
{
	long long	 n;

	if (db_int(st->db, &n, "SELECT count(DISTINCT case_id) FROM proposals "
	    "WHERE state = 'pending'", NULL) < 0)
		return (store_dbfail(st));
	return ((long)n);
}
