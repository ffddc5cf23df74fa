/*
 * NAME
 *	t_store_case - unit tests of the store layer: workflow, queries,
 *	statistics, the digest, purge
 * DESCRIPTION
 *	The handlers' side of the store, through the workflow
 *	(workflow_act) and the typed queries: transitions, refusals, the
 *	outcome feedback, ratings, the ledger; list filters, statistics and
 *	the digest at a fixed now; purge.  The fixture is store_fx.c.  Run
 *	from the top of the source tree.  Prints "ok - X" or "not ok - X" per
 *	check and ends with "N passed, N failed".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <gmime/gmime.h>

#include "log.h"
#include "staff.h"
#include "store_fx.h"
#include "typical.h"

/* test_workflow - actions, refusals, feedback, rating, reopen, the ledger */
static void
test_workflow(struct store *st)
{
	static const char *const ms[] = { "delete", "warn", NULL };
	static const struct {	/* at: hours before base; status NULL: refused */
		const char	*action, *actor;
		long		 at;
		const char	*status, *err, *other;	/* other: not our case */
		const char	*event;		/* the event, when not action */
	} steps[] = {
		{ "dispose", "alice", 29, 0, "is received: cannot dispose", 0, 0 },
		{ "accept", "alice", 29, "accepted", 0, 0, 0 },
		/* a removal: proposed, then approved by a reviewer */
		{ "dispose", "bob", 20, "proposed", 0, 0, "propose" },
		{ "approve", "rita", 20, "feedback_sent", 0, 0, 0 },
		{ "accept", "carol", 19, 0, "is feedback_sent: cannot accept", 0, 0 },
		{ "reopen", "dave", 18, "reopened", 0, 0, 0 },
		{ "accept", "dave", 17, 0, "no case 261123000017", "261123000017", 0 },
	};
	const struct case_message *m;
	const struct case_view *v;
	char			 no[CASENO_MAX], status[32];
	size_t			 i;
	int			 rc, ok;

	new_case(st, "fay@example.org", &fraud, base - 30 * H, no);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		*status = '\0';
		rc = act(st, steps[i].other ? steps[i].other : no,
		    steps[i].action, steps[i].actor, base - steps[i].at * H,
		    strcmp(steps[i].action, "dispose") ? NULL : ms, status);
		ok = steps[i].status ? rc == 0 && strcmp(status, steps[i].status)
		    == 0 : rc < 0 && !store_busy(st) && strstr(store_error(st),
		    steps[i].err) != NULL;
		v = see(st, no, 0);
		check(ok && events(v, steps[i].event ? steps[i].event :
		    steps[i].action, steps[i].actor) == (steps[i].status != NULL),
		    "%s by %s: %s (an event only if allowed)", steps[i].action,
		    steps[i].actor, rc ? store_error(st) : status);
		m = message(v, "feedback", "email");
		if (i == 3)
			check(strcmp(S(v->row.outcome), "disposed") == 0 &&
			    v->outcome_at == base - 20 * H && v->nmeasures == 2 &&
			    m && strcmp(m->status, "queued") == 0 &&
			    events(v, "dispose", "bob") == 1 &&
			    events(v, "feedback_queued", "bob") == 1,
			    "approved: outcome, 2 measures, feedback queued, "
			    "bob's disposal");
		if (i == 5)
			check(v->outcome_at == 0 && v->row.outcome == NULL &&
			    strcmp(v->row.status, "reopened") == 0,
			    "reopen clears the outcome");
	}
	rc = workflow_rate(st, no, 0, "erin", base) < 0 && !store_busy(st) &&
	    workflow_rate(st, no, 6, "erin", base) < 0 && !store_busy(st);
	check(rc, "ratings 0 and 6 are refused (%s)", store_error(st));
	rc = workflow_rate(st, no, 4, "erin", base);
	v = see(st, no, 0);
	check(rc == 0 && v->satisfaction == 4 && events(v, "rating", "erin") == 1,
	    "a rating of 4, by erin");
	/* an enterprise report without its six elements */
	new_case(st, "gus@example.org", &rumour, base - 10 * H, no);
	v = see(st, no, 0);
	check(strcmp(v->row.category, "ent_rumour") == 0 &&
	    strcmp(v->row.status, "awaiting_materials") == 0 && v->row.missing != 0,
	    "an enterprise report lacking elements awaits materials");
	rc = act(st, no, "accept", "alice", base, NULL, status);
	check(rc < 0 && !store_busy(st) && strstr(store_error(st),
	    "lacks acceptance elements"), "accept is refused: %s",
	    rc ? store_error(st) : "accepted");
}

/* test_purge - a case closed long ago is pseudonymised, its file gone */
static void
test_purge(struct store *st)
{
	static const char *const life[] = { "accept", "dispose", "approve",
		"close" };
	static const char *const who[] = { "alice", "alice", "rita", "alice" };
	static const char *const ms[] = { "delete", NULL };
	const char		*file = "0123456789abcdef0123456789abcdef";
	const time_t		 before = base - 180 * D;
	struct store_evidence	 ev;
	struct intake_result	 res;
	const struct case_view *v;
	struct report		*r;
	strlist			 files = { 0 };
	char			 no[2][CASENO_MAX], status[32];
	size_t			 i, j;
	int			 rc = 0;

	for (i = 0; i < 2; i++) {	/* closed 397 and 17 days ago */
		r = mail(i ? "ivy@example.org" : "hal@example.org", &fraud,
		    base - (i ? 20 : 400) * D);
		snprintf(report_add_evidence(r, "shot.png", "image/png", 1234,
		    "5e1f00000000000000000000000000000000000000000000000000000000"
		    "0000", NULL)->file, sizeof(r->ev[0].file), "%s", file);
		if (submit(st, r, &res) < 0)
			die("purge", store_error(st));
		memcpy(no[i], res.case_no, CASENO_MAX);
		for (j = 0; j < 4; j++)
			rc |= act(st, no[i], life[j], who[j], base - (i ? 19 :
			    399) * D + (time_t)j * D, j == 1 ? ms : NULL, status);
	}
	check(rc == 0 && strcmp(status, "closed") == 0, "two cases closed");
	v = see(st, no[0], 1);
	check(strcmp(S(v->rep_address), "hal@example.org") == 0 &&
	    strcmp(S(v->rep_phone), "13812345678") == 0, "before: the reporter "
	    "%s, %s", S(v->rep_address), S(v->rep_phone));
	rc = store_evidence_open(st, no[0], 1, "alice", base, &ev);
	check(rc == 0 && strcmp(ev.name, "shot.png") == 0 && strcmp(ev.file,
	    file) == 0, "before: evidence 1 opens (%s)", ev.name);
	check(store_purge_count(st, before) == 1, "one case to purge");
	rc = store_purge_batch(st, before, base, 10, "retention", &files) == 1 &&
	    files.n == 1 && strcmp(files.v[0], file) == 0;
	check(rc, "purge batch: 1 case, its file to delete");
	strlist_free(&files);
	check(store_purge_count(st, before) == 0, "none left to purge");
	v = see(st, no[0], 1);
	check(v->rep_address && strncmp(v->rep_address, "reporter-", 9)
	    == 0 && strlen(v->rep_address) == 9 + 32 && strspn(v->rep_address + 9,
	    "0123456789abcdef") == 32 && v->rep_phone == NULL && v->nev == 1 &&
	    strcmp(S(v->ev[0].note), "purged: file deleted") == 0 &&
	    v->purged_at == base && events(v, "purged", "retention") == 1,
	    "after: %s, no phone, evidence %s", S(v->rep_address),
	    v->nev ? S(v->ev[0].note) : "none");
	v = see(st, no[1], 0);
	check(*v->row.case_no && v->purged_at == 0, "the case closed recently "
	    "is kept");
	rc = store_evidence_open(st, no[0], 1, "alice", base, &ev);
	check(rc < 0 && !store_busy(st) && strstr(store_error(st), "purge"),
	    "after: its evidence is refused (%s)", rc ? store_error(st) : "ok");
}

/* the cases of test_queries: who, what, when, and what became of it */
static const struct qcase {
	const char	*who;		/* an address, or a number: a call */
	const struct kind *k;
	long		 ago;		/* received, hours before base */
	const char	*outcome;	/* NULL: open; dispose; reject */
	long		 done;		/* the outcome, hours before base */
} qc[] = {
	{ "s1@example.org", &fraud, 90, "dispose", 10 },	/* late */
	{ "s2@example.org", &fraud, 50, "reject", 45 },		/* on time */
	{ "s3@example.org", &other, 10, NULL, 0 },
	{ "13900002222", &fraud, 20, NULL, 0 },
	{ "s5@example.org", &fraud, 80, NULL, 0 },		/* overdue */
	{ "s6@example.org", &fraud, 60, NULL, 0 },		/* due today */
	{ "s7@example.org", &other, 200, NULL, 0 },	/* before the range */
	{ "s8@example.org", &pct, -500, NULL, 0 },		/* in the future */
	{ "s9@example.org", &wild, -501, NULL, 0 },
	{ "s10@example.org", &fraud, 40, NULL, 0 },		/* due tomorrow */
};
#define NQ	(sizeof(qc) / sizeof(qc[0]))

/* overdue_at - is case i of qc open and past its deadline at now */
static int
overdue_at(size_t i, time_t now)
{
	return (qc[i].outcome == NULL && base - qc[i].ago * H +
	    qc[i].k->deadline_h * H < now);
}

/*
 * matches - are the numbers of n rows (size bytes each, the case number
 * first) those of the cases of qc that want selects
 */
static int
matches(char no[][CASENO_MAX], const int *want, const void *rows, size_t size,
    size_t n)
{
	size_t	 i, j, k = 0;

	for (i = 0; i < NQ; i++) {
		if (!want[i])
			continue;
		for (k++, j = 0; j < n && strcmp((const char *)rows + j * size,
		    no[i]) != 0; j++)
			;
		if (j == n)
			return (0);
	}
	return (k == n);
}

/* count_of - the count of key in a "key -> count" list (0: absent) */
static long long
count_of(const struct counts *c, const char *key)
{
	size_t	 i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->v[i].key, key) == 0)
			return (c->v[i].n);
	return (0);
}

/* test_queries - filters, statistics, the digest, all at a fixed now */
static void
test_queries(void)
{
	static const struct {	/* overdue: at base + hours; -1: not asked */
		const char	*status, *channel, *text;
		long		 limit, overdue;
		int		 want[NQ];
	} flt[] = {
		{ "feedback_sent", NULL, NULL, 0, -1, { 1, 1 } },
		{ NULL, "hotline", NULL, 0, -1, { [3] = 1 } },
		{ NULL, NULL, "100%_off", 0, -1, { [7] = 1 } },	/* % _ literal */
		{ NULL, NULL, NULL, 2, -1, { [7] = 1, [8] = 1 } },	/* newest */
		{ NULL, NULL, NULL, 0, 0, { 0 } },
		{ NULL, NULL, NULL, 0, 100, { 0 } },
	};
	struct store		*st = open_store("stats.db");
	struct intake_result	 res;
	struct case_filter	 f;
	struct case_rows	 rows;
	struct stats		 s;
	struct digest		 d;
	char			 no[NQ][CASENO_MAX], status[32];
	int			 want[NQ], nrecv = 0, nemail = 0, nout = 0;
	int			 ntime = 0, rc;
	size_t			 i, j;
	time_t			 at;

	for (i = 0; i < NQ; i++) {
		at = base - qc[i].ago * H;
		if (strchr(qc[i].who, '@') != NULL)
			new_case(st, qc[i].who, qc[i].k, at, no[i]);
		else if (call(st, qc[i].who, qc[i].who, at, &res) == 0)
			memcpy(no[i], res.case_no, CASENO_MAX);
		else
			die("intake_call", store_error(st));
		if (qc[i].outcome && ((strcmp(qc[i].outcome, "dispose") == 0 &&
		    act(st, no[i], "accept", "alice", at + H, NULL, status) < 0) ||
		    act(st, no[i], qc[i].outcome, "alice", base - qc[i].done * H,
		    NULL, status) < 0))
			die(qc[i].outcome, store_error(st));
		if (qc[i].ago > 0 && qc[i].ago <= 100) {	/* [-100h, 0) */
			nrecv++;
			nemail += strchr(qc[i].who, '@') != NULL;
			nout += qc[i].outcome != NULL;
			ntime += qc[i].outcome && qc[i].ago - qc[i].done <=
			    qc[i].k->deadline_h;
		}
	}
	for (i = 0; i < sizeof(flt) / sizeof(flt[0]); i++) {
		memset(&f, 0, sizeof(f));
		f.status = flt[i].status;
		f.channel = flt[i].channel;
		f.text = flt[i].text;
		f.limit = flt[i].limit;
		f.overdue = flt[i].overdue >= 0;
		f.now = base + flt[i].overdue * H;
		for (j = 0; j < NQ; j++)
			want[j] = f.overdue ? overdue_at(j, f.now) : flt[i].want[j];
		if (store_case_query(st, &f, &rows) < 0)
			die("store_case_query", store_error(st));
		check(matches(no, want, rows.v, sizeof(*rows.v), rows.n) &&
		    (rows.n < 2 || (f.overdue ? rows.v[0].priority <=
		    rows.v[1].priority : rows.v[0].received_at >=
		    rows.v[1].received_at)), "store_case_query status %s, channel "
		    "%s, text %s, limit %ld, overdue %ld: %zu case(s)", S(f.status),
		    S(f.channel), S(f.text), f.limit, flt[i].overdue, rows.n);
		case_rows_free(&rows);
	}
	if (store_stats(st, base - 100 * H, base, &s) < 0)
		die("store_stats", store_error(st));
	check(s.received == nrecv && count_of(&s.by_channel, "email") == nemail &&
	    count_of(&s.by_channel, "hotline") == nrecv - nemail &&
	    s.with_outcome == nout && s.on_time == ntime && s.accepted == 1 &&
	    s.disposed == 1 && s.not_accepted == 1, "store_stats: received %lld "
	    "(%d), by email %lld (%d), with outcome %lld (%d), on time %lld (%d)",
	    s.received, nrecv, count_of(&s.by_channel, "email"), nemail,
	    s.with_outcome, nout, s.on_time, ntime);
	/* handling 80h and 5h: nearest rank median 5, 90th percentile 80 */
	check(s.hours_median == 5 && s.hours_p90 == 80, "handling hours: median "
	    "%.1f, p90 %.1f", s.hours_median, s.hours_p90);
	stats_free(&s);
	if (store_digest(st, base, base + 24 * H, 3 * D, &d) < 0)
		die("store_digest", store_error(st));
	for (i = 0; i < NQ; i++)
		want[i] = overdue_at(i, base);
	rc = matches(no, want, d.overdue.v, sizeof(*d.overdue.v), d.overdue.n);
	check(rc && d.overdue.n >= 2 && d.overdue.v[0].priority <=
	    d.overdue.v[1].priority, "digest: %zu overdue at base, most urgent "
	    "first", d.overdue.n);
	for (i = 0; i < NQ; i++)	/* deadline in [base, base + 24h) */
		want[i] = !overdue_at(i, base) && overdue_at(i, base + 24 * H);
	rc = matches(no, want, d.due_today.v, sizeof(*d.due_today.v),
	    d.due_today.n);
	check(rc && d.due_today.n == 1, "digest: %zu due today", d.due_today.n);
	digest_free(&d);
	/* one case viewed whole says what the list says of it */
	for (i = 0, rc = 1; i < NQ; i++)
		rc &= see(st, no[i], 0)->row.overdue == overdue_at(i, base);
	check(rc, "store_case_view: overdue at base as the list has it");
	see(st, NULL, 0);
	store_close(st);
}

/*
 * test_staff - accounts, logins, lockout, sessions and CSRF tokens, and
 * the two-person rule of a removal (审处分离): who may approve it
 */
static void
test_staff(struct store *st)
{
	static const char *const del[] = { "delete", NULL };
	struct staff_limits	 lim = { 3, 900, 1800, 43200 };
	struct staff_session	 s, s2;
	struct staff_user	 u;
	char			 tok[STAFF_TOKEN_LEN + 1], tok2[STAFF_TOKEN_LEN + 1];
	char			 no[CASENO_MAX], status[32];
	const struct case_view	*v;
	time_t			 t = base - 10 * D;
	int			 rc;

	check(staff_user_add(st, "hana", ROLE_HANDLER, "short", t) < 0,
	    "a password under %d characters is refused", STAFF_PW_MIN);
	check(staff_user_add(st, "Bad Name", ROLE_HANDLER, "long-enough-1",
	    t) < 0, "a name with a space and capitals is refused");
	check(staff_user_add(st, "hana", ROLE_HANDLER, "hana-password-1", t) ==
	    0 && staff_user_add(st, "hana", ROLE_ADMIN, "hana-password-2", t) <
	    0, "an account is made once; the name is not taken twice");
	check(staff_login(st, &lim, "hana", "hana-password-1", t, tok, &s) ==
	    LOGIN_OK && strlen(tok) == STAFF_TOKEN_LEN && strcmp(s.user,
	    "hana") == 0 && s.role == ROLE_HANDLER, "hana logs in as a handler");
	check(staff_session_check(st, &lim, tok, t + 60, &s2) == 0 &&
	    strcmp(s2.user, "hana") == 0 && staff_csrf_ok(&s2, s.csrf) &&
	    !staff_csrf_ok(&s2, NULL) && !staff_csrf_ok(&s2, tok),
	    "the session holds; its CSRF token is the login's, not the cookie");
	check(staff_session_check(st, &lim, tok, t + 60 + lim.idle, &s2) == 1 &&
	    staff_session_check(st, &lim, tok, t + 120, &s2) == 1,
	    "idle for web_session_idle, the session ends for good");
	{
		char	 huge[STAFF_PW_MAX + 2];

		memset(huge, 'x', sizeof(huge) - 1);
		huge[sizeof(huge) - 1] = '\0';
		for (rc = 0; rc < 5; rc++)
			staff_login(st, &lim, "hana", huge, t, tok2, &s2);
		check(staff_user_get(st, "hana", &u) == 0 && u.failures == 0 &&
		    u.locked_until == 0, "a password over %d bytes is denied "
		    "and not counted: no one locks an account at wire speed",
		    STAFF_PW_MAX);
	}
	check(staff_login(st, &lim, "nobody", "hana-password-1", t, tok2, &s2)
	    == LOGIN_DENIED && staff_login(st, &lim, "hana", "wrong-password",
	    t, tok2, &s2) == LOGIN_DENIED && *tok2 == '\0',
	    "an unknown name and a wrong password are denied alike");
	check(staff_login(st, &lim, "hana", "wrong-password", t + 1, tok2, &s2)
	    == LOGIN_DENIED && staff_login(st, &lim, "hana", "wrong-password",
	    t + 2, tok2, &s2) == LOGIN_LOCKED, "the %ldrd wrong password locks "
	    "the account", lim.failures);
	check(staff_login(st, &lim, "hana", "hana-password-1", t + 3, tok2, &s2)
	    == LOGIN_LOCKED && staff_login(st, &lim, "hana", "hana-password-1",
	    t + 3 + lim.lock, tok2, &s2) == LOGIN_OK, "locked, the right "
	    "password is refused until login_lock has passed");
	check(staff_user_passwd(st, "hana", "hana-password-3", t + 3 + lim.lock)
	    == 0 && staff_session_check(st, &lim, tok2, t + 4 + lim.lock, &s2)
	    == 1, "a new password ends the account's sessions");
	check(staff_login(st, &lim, "hana", "hana-password-3", t + 5 + lim.lock,
	    tok2, &s2) == LOGIN_OK && staff_user_disable(st, "hana", 1, t) == 0
	    && staff_session_check(st, &lim, tok2, t + 6 + lim.lock, &s2) == 1 &&
	    staff_login(st, &lim, "hana", "hana-password-3", t + 7 + lim.lock,
	    tok2, &s2) == LOGIN_DENIED, "disabled: its sessions end, its "
	    "logins are denied");
	staff_user_disable(st, "hana", 0, t);
	check(staff_user_get(st, "hana", &u) == 0 && !u.disabled &&
	    u.role == ROLE_HANDLER, "enabled again, a handler still");

	/* the two-person rule */
	new_case(st, "tip@example.net", &fraud, t, no);
	rc = act(st, no, "accept", "hana", t, NULL, status);
	rc |= act(st, no, "dispose", "hana", t + 1, del, status);
	check(rc == 0 && strcmp(status, "proposed") == 0 && strcmp(see(st, no,
	    0)->row.status, "accepted") == 0, "hana's removal is proposed; the "
	    "case stays accepted");
	check(act(st, no, "dispose", "hana", t + 2, del, status) < 0 &&
	    strstr(store_error(st), "awaits a reviewer") != NULL,
	    "a second disposal waits for the first: %s", store_error(st));
	check(act(st, no, "approve", "hana", t + 3, NULL, status) < 0 &&
	    strstr(store_error(st), "cannot approve it") != NULL,
	    "the proposer cannot approve: %s", store_error(st));
	staff_user_add(st, "henry", ROLE_HANDLER, "henry-password-1", t);
	check(act(st, no, "approve", "henry", t + 3, NULL, status) < 0 &&
	    strstr(store_error(st), "reviewer or admin role (handler)") != NULL,
	    "another handler cannot approve: %s", store_error(st));
	check(act(st, no, "approve", "mallory", t + 3, NULL, status) < 0 &&
	    strstr(store_error(st), "no such account") != NULL,
	    "a name without an account cannot approve");
	staff_user_disable(st, "rita", 1, t);
	check(act(st, no, "approve", "rita", t + 3, NULL, status) < 0,
	    "a disabled reviewer cannot approve");
	staff_user_disable(st, "rita", 0, t);
	check(act(st, no, "decline", "rita", t + 4, NULL, status) < 0,
	    "a decline without a reason is refused");
	{
		struct case_action	 a = { .action = "decline", .actor =
					    "rita", .now = t + 4, .reason =
					    "证据不足" };

		rc = workflow_act(st, NULL, no, &a, status, sizeof(status));
	}
	v = see(st, no, 0);
	check(rc == 0 && strcmp(v->row.status, "accepted") == 0 && events(v,
	    "decline", "rita") == 1 && v->row.outcome == NULL, "declined with "
	    "a reason: the case is as it was");
	rc = act(st, no, "dispose", "henry", t + 5, del, status);
	rc |= act(st, no, "approve", "rita", t + 6, NULL, status);
	v = see(st, no, 0);
	check(rc == 0 && strcmp(S(v->row.outcome), "disposed") == 0 &&
	    events(v, "propose", "henry") == 1 && events(v, "approve", "rita")
	    == 1 && events(v, "dispose", "henry") == 1, "proposed again by "
	    "henry, approved by rita: disposed, both names in the ledger");
	check(act(st, no, "approve", "rita", t + 7, NULL, status) < 0,
	    "nothing left to approve");
	see(st, NULL, 0);
}

/* typicals - the typical cases of case no: how many, the first's state */
static size_t
typicals(struct store *st, const char *no, char *state, size_t len)
{
	struct typical	*v;
	size_t		 n;

	*state = '\0';
	if (store_typical_of_case(st, no, &v, &n) < 0)
		return ((size_t)-1);
	if (n > 0)
		snprintf(state, len, "%s", v[0].state);
	typical_free(v, n);
	return (n);
}

/*
 * test_typical - a typical case (指导意见 二十): proposed on a closed case
 * only, anonymous (the reporter's name and phone refused without being
 * named, any mobile number or address), published by a second person
 */
static void
test_typical(struct store *st)
{
	static const char *const warn[] = { "warn", NULL };
	static const struct kind landline = { "举报诈骗", "诈骗网站 "
	    "https://scam-typical.example/ 我的电话 010-62345678。", 72 };
	struct intake_result	 res;
	struct report		*r;
	struct typical		*pub;
	size_t			 n;
	char			 no[CASENO_MAX], status[32], state[16];
	char			 title[128];
	const struct case_view	*v;
	time_t			 t = base - 5 * D;
	long long		 id;
	int			 rc;

	r = mail("wu.tip@example.net", &landline, t);
	r->from_name = xstrdup("Tipster Wu");
	if (submit(st, r, &res) < 0)
		die("typical", "no case");
	memcpy(no, res.case_no, CASENO_MAX);
	check(store_typical_propose(st, no, "hana", "钓鱼网站案", "摘要。", t,
	    &id) < 0 && strstr(store_error(st), "closed") != NULL,
	    "a case not yet closed is no typical case: %s", store_error(st));
	rc = act(st, no, "accept", "hana", t + 1, NULL, status);
	rc |= act(st, no, "dispose", "hana", t + 2, warn, status);
	if (strcmp(see(st, no, 0)->row.status, "feedback_sent") != 0)
		rc |= act(st, no, "feedback", "hana", t + 2, NULL, status);
	check(rc == 0 && strcmp(see(st, no, 0)->row.status, "feedback_sent") ==
	    0, "the case is disposed and its reporter told (feedback_sent)");
	rc = store_typical_propose(st, no, "hana", "钓鱼网站案", "举报人 "
	    "TIPSTER wu 发现钓鱼网站。", t + 3, &id);
	check(rc < 0 && strcmp(store_error(st), "the summary names the "
	    "reporter") == 0 && !store_busy(st), "the reporter's name, in any "
	    "case: refused, and the refusal does not echo it (%s)",
	    store_error(st));
	check(store_typical_propose(st, no, "hana", "钓鱼网站案", "可拨打 "
	    "6234 5678 核实。", t + 3, &id) < 0 && strcmp(store_error(st),
	    "the summary names the reporter") == 0, "the reporter's phone, "
	    "without its area code and grouped: refused");
	check(store_typical_propose(st, no, "hana", "联系 +86 139-0000-0000",
	    "摘要。", t + 3, &id) < 0 && strstr(store_error(st), "mobile") !=
	    NULL && store_typical_propose(st, no, "hana", "钓鱼网站案", "写信给 "
	    "someone@example.org。", t + 3, &id) < 0 && strstr(store_error(st),
	    "e-mail") != NULL, "any mobile number or e-mail address is refused");
	memset(title, 'x', 101);
	title[101] = '\0';
	check(store_typical_propose(st, no, "hana", title, "摘要。", t + 3, &id)
	    < 0 && store_typical_propose(st, no, "hana", "两行\n标题", "摘要。",
	    t + 3, &id) < 0 && store_typical_propose(st, no, "hana", "标题",
	    "\x1b[31m", t + 3, &id) < 0 && store_typical_propose(st, no, "hana",
	    "标题", "", t + 3, &id) < 0, "a title over 100 characters or of two "
	    "lines, a control character, an empty summary: refused");
	check(typicals(st, no, state, sizeof(state)) == 0, "nothing refused "
	    "was stored");
	check(store_typical_propose(st, no, "hana", "冒充银行的钓鱼网站",
	    "有人冒充银行建立钓鱼网站骗取密码。\n经核查已依法处置。", t + 4, &id)
	    == 0 && typicals(st, no, state, sizeof(state)) == 1 &&
	    strcmp(state, "pending") == 0, "hana proposes it: pending");
	check(store_typical_propose(st, no, "henry", "再一次", "摘要。", t + 4,
	    NULL) < 0, "one typical case a case: a second proposal is refused");
	check(store_typical_published(st, 10, &pub, &n) == 0 && n == 0,
	    "nothing is published yet");
	typical_free(pub, n);
	check(store_typical_decide(st, no, id, TYPICAL_APPROVE, "hana", NULL,
	    t + 5) < 0 && strstr(store_error(st), "cannot approve it") != NULL,
	    "the proposer cannot approve: %s", store_error(st));
	check(store_typical_decide(st, no, id, TYPICAL_APPROVE, "henry", NULL,
	    t + 5) < 0 && strstr(store_error(st), "reviewer or admin role "
	    "(handler)") != NULL, "another handler cannot approve: %s",
	    store_error(st));
	check(store_typical_decide(st, no, id, TYPICAL_DECLINE, "rita", NULL,
	    t + 5) < 0, "a decline without a reason is refused");
	check(store_typical_decide(st, no, id, TYPICAL_APPROVE, "rita", NULL,
	    t + 6) == 0 && typicals(st, no, state, sizeof(state)) == 1 &&
	    strcmp(state, "published") == 0, "rita, a reviewer, approves: "
	    "published");
	check(store_typical_published(st, 10, &pub, &n) == 0 && n == 1 &&
	    pub[0].case_no == NULL && pub[0].proposer == NULL &&
	    pub[0].decided_by == NULL && strcmp(pub[0].category, "fraud") == 0
	    && pub[0].decided_at == t + 6 && strstr(pub[0].summary, "钓鱼网站")
	    != NULL, "the public list: title, category, summary, when; no case "
	    "number, no staff name");
	typical_free(pub, n);
	v = see(st, no, 0);
	check(events(v, "typical_propose", "hana") == 1 && events(v,
	    "typical_publish", "rita") == 1, "the ledger: hana proposed, rita "
	    "published");
	check(store_typical_decide(st, no, id, TYPICAL_WITHDRAW, "henry", NULL,
	    t + 7) < 0 && store_typical_decide(st, no, id, TYPICAL_WITHDRAW,
	    "hana", "已过时", t + 7) == 0 && store_typical_published(st, 10, &pub,
	    &n) == 0 && n == 0, "withdrawn by its proposer (not by another "
	    "handler): no longer published");
	typical_free(pub, n);
	see(st, NULL, 0);
}

/* main - every group of checks, in one throw-away directory */
/*
 * test_client_channel - a client address is counted on its own channel
 * (the web form's limits, the flood caps by client): an MTA and a SIP
 * peer at one address are not one sender; a reporter counts everywhere
 */
static void
test_client_channel(void)
{
	struct store		*st = open_store("channel.db");
	struct intake_result	 res;
	struct report		*r;
	const char		*peer = "198.51.100.7";	/* call()'s */

	r = mail("chan@example.net", &fraud, base);
	free(r->client_addr);
	r->client_addr = xstrdup(peer);
	check(submit(st, r, &res) == 0 && !res.duplicate, "a mail from %s",
	    peer);
	check(call(st, "13800138077", "chan-call-1", base + 60, &res) == 0,
	    "a call from %s", peer);
	check(store_reports_since(st, 1, peer, base - 3600, "email") == 1 &&
	    store_reports_since(st, 1, peer, base - 3600, "hotline") == 1 &&
	    store_reports_since(st, 1, peer, base - 3600, "web") == 0 &&
	    store_reports_since(st, 1, peer, base - 3600, NULL) == 2,
	    "one client address: 1 by mail, 1 by phone, none by the form, "
	    "2 on any channel");
	check(store_reports_since(st, 0, "chan@example.net", base - 3600,
	    NULL) == 1 && store_reports_since(st, 0, "chan@example.net",
	    base + 1, NULL) == 0, "a reporter on any channel, from since");
	store_close(st);
}

int
main(void)
{
	struct store	*st;

	log_init("t_store_case", 1, NULL);
	g_mime_init();
	setup();
	st = open_store("flow.db");
	if (staff_user_add(st, "rita", ROLE_REVIEWER, "rita-password-1",
	    base - 400 * D) < 0)
		die("staff", store_error(st));
	test_workflow(st);
	test_purge(st);
	test_staff(st);
	test_typical(st);
	store_close(st);
	test_client_channel();
	test_queries();
	fx_done();
	return (nfail ? 1 : 0);
}
