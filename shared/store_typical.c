/*
 * NAME
 *	store_typical - typical cases: their rows, the second person who
 *	publishes them, and the check that they name no reporter
 * DESCRIPTION
 *	What typical.h says, kept in the table typical.  Each call is its own
 *	transaction, with its event in the case's ledger.  The reporter's
 *	identity is unsealed here only to be compared with a proposed text,
 *	in this process's memory, and wiped after (secret_free): it is never
 *	returned, logged or shown, so the check records no reveal, and its
 *	refusal says only that the summary names the reporter.  A text is
 *	read once for numbers (runs of digits) and once for addresses (at
 *	each '@'); the identity's few values are each searched for in it.
 *	Functions return 0 or -1 (store_error, store_busy).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "staff.h"
#include "store_int.h"
#include "typical.h"

#define RUN_DIGITS	24	/* a number's digits kept: longer is no phone */
#define PHONES_MAX	16	/* a case's phones compared */
#define NAME_MIN	2	/* characters: a shorter name is in any text */
#define LOCAL_CHARS	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" \
	"0123456789._%+-"

/* 指导意见 三、二十: the rule a refusal cites */
#define TYPICAL_RULE	"typical cases are published after a second " \
	"person approves, 指导意见 二十"

/* a number in a text: its digits, a leading 86 or 0086 taken off */
struct number {
	char	 d[RUN_DIGITS + 1];
	size_t	 n;
	int	 mobile;	/* 11 digits 1[3-9]..., as written or in groups */
};

/* is_mobile - are n digits a mainland mobile number: 1[3-9] and 9 more */
static int
is_mobile(const char *d, size_t n)
{
	return (n == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9');
}

/* national - a number without its country code 86 (or 0086) */
static void
national(struct number *m)
{
	size_t	 cut = 0;

	if (m->n == 13 && strncmp(m->d, "86", 2) == 0)
		cut = 2;
	else if (m->n == 15 && strncmp(m->d, "0086", 4) == 0)
		cut = 4;
	memmove(m->d, m->d + cut, m->n - cut + 1);
	m->n -= cut;
	m->mobile |= is_mobile(m->d, m->n);
}

/*
 * number_next - the number at or after *p into m, *p past it: a run of
 * digits in which a single '-' or ' ' may stand between two (138 1234
 * 5678); 0, or -1 when the text has no more.  Each byte is read once.
 */
static int
number_next(const char **p, struct number *m)
{
	const char	*s = *p, *strict;

	s += strcspn(s, "0123456789");
	if (*s == '\0')
		return (-1);
	memset(m, 0, sizeof(*m));
	strict = s;
	for (;;) {
		if (m->n < RUN_DIGITS)
			m->d[m->n] = *s;
		m->n++;
		s++;
		if (*s >= '0' && *s <= '9')
			continue;
		/* a run of digits as written: 13812345678 */
		if (is_mobile(strict, (size_t)(s - strict)))
			m->mobile = 1;
		if ((*s == '-' || *s == ' ') && s[1] >= '0' && s[1] <= '9') {
			strict = ++s;
			continue;
		}
		break;
	}
	*p = s;
	if (m->n > RUN_DIGITS) {
		m->n = 0;		/* no phone: only its runs count */
		m->d[0] = '\0';
		return (0);
	}
	m->d[m->n] = '\0';
	national(m);
	return (0);
}

/* has_mobile - does text hold a mobile number (in any grouping) */
static int
has_mobile(const char *text)
{
	struct number	 m;
	const char	*p = text;

	while (number_next(&p, &m) == 0)
		if (m.mobile)
			return (1);
	return (0);
}

/*
 * has_address - does text hold an e-mail address: a local part, '@', and
 * a domain with a dot.  Each byte is read at most twice (before and after
 * the '@' nearest it).
 */
static int
has_address(const char *text)
{
	const char	*at, *b, *d, *from = text;
	size_t		 n;

	while ((at = strchr(from, '@')) != NULL) {
		for (b = at; b > from && strchr(LOCAL_CHARS, b[-1]) != NULL; b--)
			;
		d = at + 1;
		n = strspn(d, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789.-");
		if (b < at && n > 2 && memchr(d + 1, '.', n - 2) != NULL)
			return (1);
		from = at + 1;
	}
	return (0);
}

/* chars - code points in s (bytes that do not continue one) */
static size_t
chars(const char *s)
{
	size_t	 n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return (n);
}

/* contains - does low (lower-case) hold v, in any ASCII case */
static int
contains(const char *low, const char *v, size_t min)
{
	char	*l;
	int	 rc;

	if (v == NULL || chars(v) < min)
		return (0);
	l = str_lower_ascii(xstrdup(v));
	rc = strstr(low, l) != NULL;
	free(l);
	return (rc);
}

/*
 * names_phone - does text hold one of phones ("a, b" as stored): the same
 * digits, its digits within a longer number, or a local number (7 or
 * more digits) that ends it
 */
static int
names_phone(const char *text, const char *phones)
{
	struct number	 ph[PHONES_MAX], m;
	const char	*p = phones ? phones : "";
	size_t		 n = 0, i;

	while (n < PHONES_MAX && number_next(&p, &ph[n]) == 0)
		if (ph[n].n >= 5)
			n++;
	for (p = text; n > 0 && number_next(&p, &m) == 0; )
		for (i = 0; i < n; i++)
			if (m.n > 0 && (strcmp(m.d, ph[i].d) == 0 ||
			    (ph[i].n >= 7 && strstr(m.d, ph[i].d) != NULL) ||
			    (m.n >= 7 && m.n < ph[i].n && strcmp(ph[i].d +
			    ph[i].n - m.n, m.d) == 0)))
				return (1);
	return (0);
}

/*
 * names_reporter - does text name the reporter of case id: 1, 0, or -1.
 * The identity is unsealed here, compared, and wiped; nothing is
 * recorded (nothing was shown).
 */
static int
names_reporter(struct store *st, long long id, const char *text)
{
	struct db_stmt	*q;
	char		*v[4] = { NULL, NULL, NULL, NULL }, *low;
	int		 i, rc = 0;

	if ((q = db_query(st->db, "SELECT address, name, phone, client_addr "
	    "FROM reporters WHERE case_id = $1", "i", id)) == NULL)
		return (store_dbfail(st));
	if (db_next(q) == DB_ROW)
		for (i = 0; i < 4; i++)
			v[i] = store_unseal(st, db_col_text(q, i));
	if (db_done(q) < 0)
		rc = store_dbfail(st);
	low = str_lower_ascii(xstrdup(text));
	if (rc == 0 && (contains(low, v[0], 3) || contains(low, v[1],
	    NAME_MIN) || contains(low, v[3], 7) || names_phone(text, v[2])))
		rc = 1;
	free(low);
	for (i = 0; i < 4; i++)
		secret_free(v[i]);
	return (rc);
}

/* text_bad - why s is no title (multiline 0) or summary; NULL if it is */
static const char *
text_bad(const char *s, long max, int multiline)
{
	long	 n;

	if (s == NULL || (n = str_text_chars(s, multiline)) == 0)
		return ("a typical case has a title and a summary");
	if (n < 0)
		return ("a typical case's title and summary are UTF-8 text "
		    "without control characters (the title on one line)");
	if (n > max)
		return (multiline ? "a typical case's summary has at most 2000 "
		    "characters" : "a typical case's title has at most 100 "
		    "characters");
	return (NULL);
}

/*
 * finished - case case_no, closed with an outcome: its id into *id; 0,
 * or -1 (a refusal for no such case or one not finished)
 */
static int
finished(struct store *st, const char *case_no, long long *id)
{
	struct db_stmt	*q;
	char		*status = NULL;
	int		 rc, outcome = 0;

	if ((q = db_query(st->db, "SELECT id, status, outcome FROM cases WHERE "
	    "case_no = $1", "t", case_no)) == NULL)
		return (store_dbfail(st));
	if ((rc = db_next(q)) == DB_ROW) {
		*id = db_col_int(q, 0);
		status = db_col_dup(q, 1);
		outcome = !db_col_null(q, 2);
	}
	if (db_done(q) < 0 || rc < 0) {
		free(status);
		return (store_dbfail(st));
	}
	if (rc != DB_ROW)
		rc = store_refuse(st, "no case %s", case_no);
	else if (!outcome || (strcmp(status, "closed") != 0 &&
	    strcmp(status, "feedback_sent") != 0))
		rc = store_refuse(st, "case %s is %s: a typical case is a case "
		    "closed with its outcome (closed or feedback_sent)", case_no,
		    status);
	else
		rc = 0;
	free(status);
	return (rc);
}

/*
 * store_typical_propose - actor proposes case case_no as a typical case
 * with title and summary, at now: pending, its id into *id (may be NULL).
 * Refused (typical.h) for a case not closed, a second proposal while one
 * is pending or published, a text too long, not UTF-8 or not anonymous.
 */
int
store_typical_propose(struct store *st, const char *case_no,
    const char *actor, const char *title, const char *summary, time_t now,
    long long *id)
{
	const char	*why;
	char		*text, *detail;
	long long	 cid, n, tid;
	int		 rc;

	if ((why = text_bad(title, TYPICAL_TITLE_MAX, 0)) != NULL ||
	    (why = text_bad(summary, TYPICAL_SUMMARY_MAX, 1)) != NULL)
		return (store_refuse(st, "%s", why));
	text = xasprintf("%s\n%s", title, summary);
	if (has_mobile(text) || has_address(text)) {
		free(text);
		return (store_refuse(st, "a typical case is anonymous: its title "
		    "and summary hold no mobile number and no e-mail address"));
	}
	if (store_begin(st) < 0) {
		free(text);
		return (-1);
	}
	if (finished(st, case_no, &cid) < 0) {
		free(text);
		store_rollback(st);
		return (-1);
	}
	rc = names_reporter(st, cid, text);
	free(text);
	if (rc < 0)
		return (store_fail_tx(st));
	if (rc > 0) {
		store_refuse(st, "the summary names the reporter");
		store_rollback(st);
		return (-1);
	}
	if (db_int(st->db, &n, "SELECT count(*) FROM typical WHERE case_id = "
	    "$1 AND state IN ('pending', 'published')", "i", cid) < 0)
		return (store_fail_tx(st));
	if (n > 0) {
		store_refuse(st, "case %s is a typical case already, or awaits "
		    "approval as one: withdraw it first", case_no);
		store_rollback(st);
		return (-1);
	}
	if (db_exec(st->db, "INSERT INTO typical (case_id, title, summary, "
	    "state, proposer, proposed_at) VALUES ($1, $2, $3, 'pending', $4, "
	    "$5)", "ittti", cid, title, summary, actor, (long long)now) < 0 ||
	    db_int(st->db, &tid, "SELECT max(id) FROM typical WHERE case_id = "
	    "$1", "i", cid) < 0)
		return (store_fail_tx(st));
	detail = xasprintf("typical case %lld proposed: %s", tid, title);
	rc = ledger_add(st, cid, now, actor, "typical_propose", detail);
	free(detail);
	if (rc < 0) {
		store_rollback(st);
		return (-1);
	}
	if (store_commit(st) < 0)
		return (-1);
	if (id != NULL)
		*id = tid;
	return (0);
}

/*
 * may_withdraw - may actor withdraw a typical case proposer proposed: the
 * proposer, or an enabled admin; 0 or -1 (a refusal)
 */
static int
may_withdraw(struct store *st, const char *actor, const char *proposer,
    const char *case_no)
{
	struct staff_user	 u;
	int			 rc;

	if (strcmp(actor, proposer) == 0)
		return (0);
	if ((rc = store_staff_get(st, actor, &u, NULL)) < 0)
		return (-1);
	if (rc == 1 || u.disabled || !staff_may(u.role, ROLE_ADMIN))
		return (store_refuse(st, "case %s: %s may not withdraw a typical "
		    "case: its proposer or an admin does", case_no, actor));
	return (0);
}

/*
 * store_typical_decide - typical case id of case case_no approved
 * (published), declined (with a reason) or withdrawn by actor at now.
 * Approve and decline take a pending one and a second person
 * (staff_second_person); withdraw takes a pending or published one and
 * its proposer or an admin.
 */
int
store_typical_decide(struct store *st, const char *case_no, long long id,
    enum typical_act act, const char *actor, const char *reason, time_t now)
{
	static const char *const verbs[] = { "approve", "decline", "withdraw" };
	static const char *const states[] = { "published", "declined",
	    "withdrawn" };
	static const char *const events[] = { "typical_publish",
	    "typical_decline", "typical_withdraw" };
	struct db_stmt	*q;
	char		*proposer = NULL, *state = NULL, *detail;
	long long	 cid;
	long		 nc;
	int		 rc;

	if (reason != NULL && ((nc = str_text_chars(reason, 1)) < 0 ||
	    nc > TYPICAL_REASON_MAX))
		return (store_refuse(st, "a reason is UTF-8 text without "
		    "control characters, of at most %d characters",
		    TYPICAL_REASON_MAX));
	if (act == TYPICAL_DECLINE && (reason == NULL || *reason == '\0'))
		return (store_refuse(st, "a typical case is declined with a "
		    "reason"));
	if (store_begin(st) < 0)
		return (-1);
	if (ledger_find(st, case_no, &cid) < 0) {
		store_rollback(st);
		return (-1);
	}
	if ((q = db_query(st->db, "SELECT proposer, state FROM typical WHERE "
	    "id = $1 AND case_id = $2", "ii", id, cid)) == NULL)
		return (store_fail_tx(st));
	if ((rc = db_next(q)) == DB_ROW) {
		proposer = db_col_dup(q, 0);
		state = db_col_dup(q, 1);
	}
	if (db_done(q) < 0 || rc < 0)
		rc = store_fail_tx(st);
	else if (rc != DB_ROW) {
		store_refuse(st, "case %s has no typical case %lld", case_no, id);
		store_rollback(st);
		rc = -1;
	} else if (strcmp(state, "pending") != 0 && (act != TYPICAL_WITHDRAW ||
	    strcmp(state, "published") != 0)) {
		store_refuse(st, "case %s: typical case %lld is %s: it cannot "
		    "be %s", case_no, id, state, act == TYPICAL_WITHDRAW ?
		    "withdrawn" : "decided again");
		store_rollback(st);
		rc = -1;
	} else
		rc = 0;
	if (rc < 0)
		goto out;
	/* approve: the case is still closed (a reopened one is not told) */
	if ((act == TYPICAL_WITHDRAW ? may_withdraw(st, actor, proposer,
	    case_no) : staff_second_person(st, actor, proposer, case_no,
	    verbs[act], "typical case", TYPICAL_RULE)) < 0 ||
	    (act == TYPICAL_APPROVE && finished(st, case_no, &cid) < 0)) {
		store_rollback(st);
		rc = -1;
		goto out;
	}
	detail = xasprintf("typical case %lld proposed by %s: %s%s%s", id,
	    proposer, states[act], reason ? ": " : "", reason ? reason : "");
	if (db_exec(st->db, "UPDATE typical SET state = $1, decided_by = $2, "
	    "decided_at = $3, reason = $4 WHERE id = $5", "ttiti", states[act],
	    actor, (long long)now, reason, id) < 0)
		rc = store_fail_tx(st);
	else if (ledger_add(st, cid, now, actor, events[act], detail) < 0) {
		store_rollback(st);
		rc = -1;
	} else
		rc = store_commit(st);
	free(detail);
out:
	free(proposer);
	free(state);
	return (rc);
}

#define TYPICAL_COLS "t.id, c.category, t.title, t.summary, " \
	"COALESCE(t.decided_at, 0), c.case_no, t.state, t.proposer, " \
	"t.decided_by, t.reason, t.proposed_at"

/*
 * rows - the rows of q (TYPICAL_COLS; q is done here) into *out (*n;
 * typical_free); public: the first five columns only, no case number and
 * no staff name.  0 or -1.
 */
static int
rows(struct store *st, struct db_stmt *q, int public, struct typical **out,
    size_t *n)
{
	struct typical	*t;
	size_t		 cap = 0;
	int		 rc;

	*out = NULL;
	*n = 0;
	if (q == NULL)
		return (store_dbfail(st));
	while ((rc = db_next(q)) == DB_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*out = xrealloc(*out, cap * sizeof(**out));
		}
		t = &(*out)[(*n)++];
		memset(t, 0, sizeof(*t));
		t->id = db_col_int(q, 0);
		t->category = db_col_dup(q, 1);
		t->title = db_col_dup(q, 2);
		t->summary = db_col_dup(q, 3);
		t->decided_at = (time_t)db_col_int(q, 4);
		if (public)
			continue;
		t->case_no = db_col_dup(q, 5);
		t->state = db_col_dup(q, 6);
		t->proposer = db_col_dup(q, 7);
		t->decided_by = db_col_dup(q, 8);
		t->reason = db_col_dup(q, 9);
		t->proposed_at = (time_t)db_col_int(q, 10);
	}
	if (db_done(q) < 0 || rc < 0) {
		typical_free(*out, *n);
		*out = NULL;
		*n = 0;
		return (store_dbfail(st));
	}
	return (0);
}

/*
 * store_typical_published - the published typical cases, the last
 * decided first, at most max, into *out (*n; typical_free): id, category,
 * title, summary and when published only
 */
int
store_typical_published(struct store *st, size_t max, struct typical **out,
    size_t *n)
{
	return (rows(st, db_query(st->db, "SELECT " TYPICAL_COLS " FROM "
	    "typical t JOIN cases c ON c.id = t.case_id WHERE t.state = "
	    "'published' ORDER BY t.decided_at DESC, t.id DESC LIMIT $1", "i",
	    (long long)max), 1, out, n));
}

/* store_typical_pending - the typical cases awaiting a second person */
int
store_typical_pending(struct store *st, size_t max, struct typical **out,
    size_t *n)
{
	return (rows(st, db_query(st->db, "SELECT " TYPICAL_COLS " FROM "
	    "typical t JOIN cases c ON c.id = t.case_id WHERE t.state = "
	    "'pending' ORDER BY t.id DESC LIMIT $1", "i", (long long)max), 0,
	    out, n));
}

/* store_typical_of_case - the typical cases of case_no (none: 0, *n 0) */
int
store_typical_of_case(struct store *st, const char *case_no,
    struct typical **out, size_t *n)
{
	return (rows(st, db_query(st->db, "SELECT " TYPICAL_COLS " FROM "
	    "typical t JOIN cases c ON c.id = t.case_id WHERE c.case_no = $1 "
	    "ORDER BY t.id DESC", "t", case_no), 0, out, n));
}

/* typical_free - free n typical cases and their array (NULL is fine) */
void
typical_free(struct typical *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(v[i].case_no);
		free(v[i].category);
		free(v[i].title);
		free(v[i].summary);
		free(v[i].state);
		free(v[i].proposer);
		free(v[i].decided_by);
		free(v[i].reason);
	}
	free(v);
}
