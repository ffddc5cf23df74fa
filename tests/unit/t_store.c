/*
 * NAME
 *	t_store - unit tests of the store layer: db, migrations, intake, outbox
 * DESCRIPTION
 *	The db layer (binding, nested cursors, errors and their class, the
 *	writers' lock across processes), migrations, the intake pipeline (new
 *	case, duplicate, reply, supplement, daily limit, flood, a call) and
 *	the outbox's leases.  The workflow, queries, statistics and purge are
 *	t_store_case's.  The fixture (store_fx.c): one throw-away directory,
 *	times relative to a fixed base, never the clock.  Run from the top of
 *	the source tree.  Prints "ok - X" or "not ok - X" per check and ends
 *	with "N passed, N failed".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <gmime/gmime.h>

#include "log.h"
#include "store_fx.h"

/*
 * holder - fork a child that takes path's write transaction, writes a row
 * it never commits and dies when *go is closed; once it holds it.  No
 * connection of ours may be open on path across the fork (SQLite's rule).
 */
static pid_t
holder(const char *path, int *go)
{
	struct db	*db;
	buf		 err = { 0 };
	int		 rdy[2], g[2];
	pid_t		 pid;
	char		 c;

	if (pipe(rdy) < 0 || pipe(g) < 0 || (pid = fork()) < 0)
		die("fork", "failed");
	if (pid == 0) {
		close(g[1]);
		if (db_open(NULL, path, 1, &db, &err) < 0 || db_begin(db) < 0 ||
		    db_exec(db, "INSERT INTO t (k) VALUES ('ghost')", NULL) < 0 ||
		    write(rdy[1], "r", 1) != 1)
			_exit(1);
		_exit(read(g[0], &c, 1) < 0);	/* no commit, no rollback */
	}
	close(rdy[1]);
	close(g[0]);
	*go = g[1];
	if (read(rdy[0], &c, 1) != 1)
		die("holder", "the child did not begin");
	close(rdy[0]);
	return (pid);
}

/* test_db - binding, nested cursors, errors and their class, the writers' lock */
static void
test_db(void)
{
	static const struct { const char *sql, *fmt; long long a, b, want; } p[] = {
		{ "SELECT $1 + $1", "i", 21, 0, 42 },	/* one value, used twice */
		{ "SELECT $2 - $1", "ii", 1, 8, 7 },	/* by number, not order */
		{ "SELECT $1", "ii", 7, 99, 7 },	/* a value past the last $N */
		{ "SELECT count(*) FROM t WHERE n >= $1", "i", 20, 0, 3 },
		{ "SELECT count(*) FROM t WHERE k IS NULL AND z IS NULL", "", 0, 0,
		  1 },	/* 't' NULL and 'z' 0 bind NULL */
	};
#define NESTED	"SELECT id, n FROM t WHERE n >= $1 ORDER BY id"
	char		 path[512], got[64] = "", txt[32] = "x";
	struct db	*db;
	struct db_stmt	*q, *q2;
	long long	 id[3], v = -1, n, c;
	double		 t0, el;
	size_t		 i;
	int		 rc = 0, go, st;
	pid_t		 pid;

	snprintf(path, sizeof(path), "%s", tpath("db.sqlite"));
	db = raw("db.sqlite", 1);
	if (db_script(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT UNIQUE, "
	    "n INTEGER, z INTEGER)") < 0)
		die("db_script", db_error(db));
	for (i = 0; i < 3; i++)
		if (db_int(db, &id[i], "INSERT INTO t (k, n, z) VALUES ($1, $2, $3) "
		    "RETURNING id", "tiz", (const char *[]){ "a", "b", "c" }[i],
		    (long long)(10 * (i + 1)), base) != DB_ROW)
			rc = -1;
	check(rc == 0 && id[0] > 0 && id[1] > id[0] && id[2] > id[1],
	    "RETURNING id gives increasing ids (%lld %lld %lld)", id[0], id[1],
	    id[2]);
	rc = db_exec(db, "INSERT INTO t (k, n, z) VALUES ($1, $2, $3)", "tiz",
	    (const char *)NULL, 40LL, (time_t)0);
	for (i = 0; i < sizeof(p) / sizeof(p[0]); i++) {
		v = -1;
		rc |= db_int(db, &v, p[i].sql, p[i].fmt, p[i].a, p[i].b) != DB_ROW;
		check(rc == 0 && v == p[i].want, "db_int %s (\"%s\" %lld %lld): "
		    "%lld", p[i].sql, p[i].fmt, p[i].a, p[i].b, v);
	}
	/* the same text while its cursor is open: a statement of its own */
	if ((q = db_query(db, NESTED, "i", 0LL)) == NULL)
		die("db_query", db_error(db));
	while (db_next(q) == DB_ROW) {
		n = db_col_int(q, 1);
		c = 0;
		if ((q2 = db_query(db, NESTED, "i", n)) != NULL)
			while (db_next(q2) == DB_ROW)
				c++;
		rc = db_done(q2);
		snprintf(got + strlen(got), sizeof(got) - strlen(got),
		    "%s%lld:%lld%s", *got ? "," : "", n, c, rc < 0 ? "!" : "");
	}
	rc = db_done(q);
	check(rc == 0 && strcmp(got, "10:4,20:3,30:2,40:1") == 0,
	    "a nested query of the same SQL text: %s", got);
	rc = db_int(db, &v, NESTED, "i", 20LL);
	check(rc == DB_ROW && v == id[1], "its cached statement serves again");
	v = 99;
	rc = db_int(db, &v, "SELECT n FROM t WHERE id = $1", "i", -1LL);
	check(rc == DB_DONE && v == 0, "db_int without a row: DB_DONE, 0");
	rc = db_text(db, txt, sizeof(txt), "SELECT k FROM t WHERE id = $1", "i",
	    -1LL);
	check(rc == DB_DONE && *txt == '\0', "db_text without a row: DB_DONE, \"\"");
	rc = db_exec(db, "UPDATE t SET z = $1 WHERE n >= $2", "zi", base, 20LL);
	check(rc == 0 && db_changes(db) == 3, "db_changes after an UPDATE of 3 "
	    "rows");
	q = db_query(db, "SELEC 1", NULL);
	check(q == NULL && !db_temporary(db), "a statement that does not "
	    "prepare is not temporary (%s)", db_error(db));
	db_close(db);

	/* another process holds the write transaction: busy after the timeout */
	pid = holder(path, &go);
	db = raw("db.sqlite", 1);
	t0 = mono();
	rc = db_begin(db);
	el = mono() - t0;
	check(rc < 0 && db_temporary(db) && el > 0.9 && el < 3, "db_begin while "
	    "another process writes: temporary after %.2fs (%s)", el, db_error(db));
	rc = db_exec(db, "INSERT INTO t (k) VALUES ('busy')", NULL);
	check(rc < 0 && db_temporary(db), "an autocommit write meanwhile: "
	    "temporary (%s)", db_error(db));
	/* it dies holding the writers' lock: the next takes it over at once,
	 * not after its timeout (5 s) */
	close(go);
	waitpid(pid, &st, 0);
	db_close(db);
	db = raw("db.sqlite", 5);
	t0 = mono();
	rc = db_begin(db);
	el = mono() - t0;
	check(rc == 0 && el < 2, "db_begin after that writer died holding the "
	    "lock: %.3fs (%s)", el, rc ? db_error(db) : "ok");
	rc = rc || db_int(db, &v, "SELECT count(*) FROM t WHERE k = 'ghost'",
	    NULL) != DB_ROW;
	check(rc == 0 && v == 0, "what the dead writer wrote is not there");
	rc = rc || db_exec(db, "INSERT INTO t (k) VALUES ('after')", NULL) < 0 ||
	    db_commit(db) < 0;
	check(rc == 0, "and our write commits");
	db_close(db);
}

/* test_migrate - a new store's version, a second open, a newer schema */
static void
test_migrate(void)
{
	struct store	*st, *st2;
	struct db	*db;
	buf		 err = { 0 };
	long long	 v = -1;
	int		 rc, temporary = -1;

	st = open_store("mig.db");
	check(store_schema_version(st) == 11, "a new store is at schema version 11");
	st2 = open_store("mig.db");
	check(store_schema_version(st2) == 11, "opening it again changes nothing");
	store_close(st2);
	db = raw("mig.db", 1);
	rc = db_int(db, &v, "SELECT count(*) FROM meta WHERE key = "
	    "'schema_version'", NULL);
	check(rc == DB_ROW && v == 1, "one schema_version row in meta (%lld)", v);
#define CASE_ROW "INSERT INTO cases (case_no, channel, status, category, " \
	"priority, received_at, deadline, pin, updated_at) VALUES ($1, 'email', " \
	"'received', 'other', 5, $2, $2, '', $2)"
	rc = db_exec(db, CASE_ROW, "tz", "261123000017", base) == 0 &&
	    db_exec(db, CASE_ROW, "tz", "261123000017", base) < 0;
	check(rc && !db_temporary(db), "a duplicate case_no is refused, not "
	    "temporary (%s)", db_error(db));
	store_close(st);
	if (db_exec(db, "UPDATE meta SET value = '12' WHERE key = 'schema_version'",
	    NULL) < 0)
		die("meta", db_error(db));
	db_close(db);
	buf_adds(&err, "");
	rc = store_open(NULL, tpath("mig.db"), 1, &st2, &temporary, &err);
	check(rc < 0 && st2 == NULL && strstr(err.s, "newer") != NULL &&
	    strstr(err.s, "version 12") != NULL && temporary == 0, "a newer "
	    "schema is refused, not as temporary: %s", err.s);
	buf_free(&err);
}

/* test_intake - new case, duplicate, foreign reply, supplement, limits */
static void
test_intake(void)
{
	static const struct {	/* three reports step seconds apart: the */
		const char	*sender, *reason;	/* third's ack is not sent */
		long		 step;
		int		 flood;		/* and it is marked flood */
	} lim[] = {
		{ "cat@example.com", "rate limit", 2 * H, 0 },	/* ack_daily_limit */
		{ "dan@example.com", "flood:", 600, 1 },	/* flood_reporter_hour */
	};
	const struct case_message *m;
	struct intake_result	 res;
	const struct case_view *v;
	struct report		*r;
	struct store		*st = open_store("intake.db");
	char			 no[CASENO_MAX], rcpt[128];
	long			 n0;
	size_t			 i, k;
	int			 rc;

	rc = submit(st, mail("ann@example.org", &fraud, base - 5 * H), &res);
	memcpy(no, res.case_no, sizeof(no));
	check(rc == 0 && caseno_valid(no) && !res.duplicate && !res.supplement &&
	    strlen(res.pin) == 6 && strcmp(res.ack_status, "queued") == 0,
	    "intake_email: new case %s, ack %s", no, res.ack_status);
	v = see(st, no, 0);
	m = message(v, "ack", "email");
	check(rc == 0 && strcmp(v->row.channel, "email") == 0 &&
	    strcmp(v->row.status, "received") == 0 &&
	    strcmp(v->row.category, "fraud") == 0 && v->row.deadline ==
	    base - 5 * H + 72 * H && m && strcmp(m->status, "queued") == 0,
	    "case %s: email, received, fraud, due in 72h, ack queued", no);
	ack_to(st, no, rcpt, sizeof(rcpt));
	check(strcmp(rcpt, "ann@example.org") == 0, "the ack goes to the sender "
	    "(%s)", rcpt);

	n0 = ncases(st);
	r = mail("ann@example.org", &fraud, base - 5 * H);
	free(r->message_id);
	r->message_id = xasprintf("m%d.ann@example.org", nmail - 1);
	snprintf(r->content_hash, sizeof(r->content_hash), "%064x", nmail - 1);
	rc = submit(st, r, &res);
	check(rc == 0 && res.duplicate && strcmp(res.case_no, no) == 0 &&
	    ncases(st) == n0, "the same message again is a duplicate of %s, "
	    "no new case", res.case_no);

	/* a case number proves nothing from another sender: a new case */
	r = mail("bob@example.net", &fraud, base - 4 * H);
	memcpy(r->case_ref, no, sizeof(r->case_ref));
	rc = submit(st, r, &res);
	check(rc == 0 && !res.supplement && strcmp(res.case_no, no) != 0 &&
	    ncases(st) == n0 + 1, "case_ref from another sender opens case %s",
	    res.case_no);
	v = see(st, res.case_no, 0);
	check(rc == 0 && events(v, "note", "t_store") == 1, "which notes the "
	    "number it named");
	v = see(st, no, 0);
	check(rc == 0 && v->nreports == 1 && events(v, "supplement", NULL) == 0 &&
	    v->nmessages == 1, "and case %s is unchanged", no);

	/* the reporter's own reply joins the case */
	r = mail("ann@example.org", &other, base - 3 * H);
	memcpy(r->case_ref, no, sizeof(r->case_ref));
	rc = submit(st, r, &res);
	check(rc == 0 && res.supplement == 1 && strcmp(res.case_no, no) == 0 &&
	    ncases(st) == n0 + 1, "a reply from the reporter is a supplement "
	    "of %s", res.case_no);
	v = see(st, no, 0);
	check(rc == 0 && v->nreports == 2 && strcmp(v->reports[1].kind,
	    "supplement") == 0 && events(v, "supplement", "t_store") == 1 &&
	    message(v, "supplement", "email") != NULL && strcmp(v->row.category,
	    "fraud") == 0, "case %s: 2 messages, a supplement ack, still fraud", no);

	for (i = 0; i < 3 * sizeof(lim) / sizeof(lim[0]); i++) {
		k = i % 3;	/* the third is over the limit */
		rc = submit(st, mail(lim[i / 3].sender, &fraud, base - 20 * H +
		    (time_t)k * lim[i / 3].step), &res);
		v = see(st, res.case_no, 0);
		m = message(v, "ack", "email");
		check(rc == 0 && m && v->flood == (k == 2 && lim[i / 3].flood) &&
		    strcmp(m->status, k == 2 ? "suppressed" : "queued") == 0 &&
		    (k < 2 || strncmp(S(m->reason), lim[i / 3].reason,
		    strlen(lim[i / 3].reason)) == 0), "report %zu of %s: flood %d, "
		    "ack %s (%s)", k + 1, lim[i / 3].sender, v->flood,
		    m ? m->status : "none", m ? S(m->reason) : "");
	}
	store_close(st);
}

/* test_call - one call: case, staff notice, SMS, the call ledger, the PIN */
static void
test_call(void)
{
	struct store		*st = open_store("call.db");
	struct db		*db = raw("call.db", 1);
	struct intake_call	 ic = { 0 };
	struct intake_result	 res;
	const struct case_view *v;
	const struct case_message *sn, *sms;
	char			 tag[STORE_CALL_TAG], rcpt[128], pin[64], h[33];
	long long		 n = 0;
	int			 rc;

	rc = call(st, "13900001111", "a84b4c76e66710@198.51.100.7", base - 2 * H,
	    &res);
	check(rc == 0 && caseno_valid(res.case_no) && strlen(res.pin) == 6 &&
	    strspn(res.pin, "0123456789") == 6, "intake_call: case %s, a PIN of "
	    "6 digits", res.case_no);
	v = see(st, res.case_no, 0);
	sn = message(v, "staff_notice", "email");
	sms = message(v, "ack", "sip");
	check(rc == 0 && strcmp(v->row.channel, "hotline") == 0 && sn &&
	    strcmp(sn->status, "suppressed") == 0 && sn->reason &&
	    strstr(sn->reason, "no staff mailbox") && sms &&
	    strcmp(sms->status, "queued") == 0, "hotline case: staff notice "
	    "suppressed (%s), SMS ack %s", sn ? S(sn->reason) : "none",
	    sms ? sms->status : "none");
	ack_to(st, res.case_no, rcpt, sizeof(rcpt));
	check(strcmp(rcpt, "sip:13900001111@sms.example") == 0, "the SMS goes to "
	    "%s", rcpt);
	store_call_tag("a84b4c76e66710@198.51.100.7", tag);
	rc = db_int(db, &n, "SELECT count(*) FROM calls c JOIN cases k ON k.id = "
	    "c.case_id WHERE k.case_no = $1 AND c.call_id = $2 AND c.outcome = "
	    "'case' AND c.recorded_ms = 60000", "tt", res.case_no, tag);
	check(rc == DB_ROW && n == 1, "the call ledger has the call, with its case");
	store_pin_hash(res.case_no, res.pin, h);
	rc = db_text(db, pin, sizeof(pin), "SELECT pin || '/' || pin_hash FROM "
	    "cases WHERE case_no = $1", "t", res.case_no);
	check(rc == DB_ROW && pin[0] == '/' && strlen(pin + 1) == 32 &&
	    strspn(pin + 1, "0123456789abcdef") == 32 && strcmp(pin + 1, h) == 0,
	    "the store keeps only the PIN's keyed hash (%s)", pin);
	store_call_tag("b84b4c76e66711@198.51.100.7", tag);
	ic.tag = tag;
	rc = intake_call_log(st, &ic, "abandoned", "too short") < 0 ||
	    db_int(db, &n, "SELECT count(*) FROM calls WHERE call_id = $1 AND "
	    "case_id IS NULL AND outcome = 'abandoned'", "t", tag) != DB_ROW;
	check(rc == 0 && n == 1, "intake_call_log: a call without a case");
	db_close(db);
	store_close(st);
}

/*
 * test_takeover - a claim whose lease ran out cannot undo the result of
 * the run that claimed the row after it (a delivery longer than the lease)
 */
static void
test_takeover(struct store *st, long long case_id, time_t t)
{
	struct outbox_row	 o = { "feedback", "email", "eve@example.org",
				    "", "", "结果", "queued", NULL };
	struct outbox_item	 a, b;
	struct db		*db;
	char			 status[32];
	long long		 n;
	int			 fa, fb, ra, rb;

	if (store_begin(st) < 0 || store_outbox_insert(st, case_id, &o,
	    t + 2000) < 0 || store_commit(st) < 0)
		die("takeover", store_error(st));
	ra = store_outbox_claim(st, "email", "run-a", t + 2000, 300, &a, &fa);
	rb = store_outbox_claim(st, "email", "run-b", t + 2300, 300, &b, &fb);
	check(ra == 0 && rb == 0 && fa && fb && a.id == b.id && a.attempts == 1 &&
	    b.attempts == 2, "run B claims the row once run A's lease ran out "
	    "(attempts %d, then %d)", a.attempts, b.attempts);
	rb = store_outbox_sent(st, &b, t + 2301, "run-b");
	ra = store_outbox_retry(st, &a, t + 2302, t + 3000, "421 late", "run-a");
	db = raw("outbox.db", 2);
	db_text(db, status, sizeof(status), "SELECT status FROM outbox WHERE "
	    "id = $1", "i", (long long)a.id);
	db_int(db, &n, "SELECT count(*) FROM events WHERE actor = 'run-a'", NULL);
	check(rb == 0 && ra == 1 && strcmp(status, "sent") == 0 && n == 0,
	    "run A's late retry is not recorded (%d): the row stays %s, no "
	    "event by run A (%lld)", ra, status, n);
	ra = store_outbox_failed(st, &a, t + 2303, "550 late", "run-a");
	db_text(db, status, sizeof(status), "SELECT status FROM outbox WHERE "
	    "id = $1", "i", (long long)a.id);
	check(ra == 1 && strcmp(status, "sent") == 0, "nor its late failure: "
	    "the row stays %s", status);
	db_close(db);
	outbox_item_clear(&a);
	outbox_item_clear(&b);
}

/* query - a lookup of no by pin from source at; its verdict (-1: error) */
static int
query(struct store *st, const char *no, const char *pin, const char *source,
    time_t at, struct lookup_result *r)
{
	struct lookup_query	 q;

	memset(&q, 0, sizeof(q));
	q.channel = "web";
	q.source = source;
	q.now = at;
	snprintf(q.case_no, sizeof(q.case_no), "%s", no);
	snprintf(q.pin, sizeof(q.pin), "%s", pin);
	lookup_result_clear(r);
	if (lookup_run(cfg, st, &q, r) < 0) {
		fprintf(stderr, "lookup_run: %s\n", store_error(st));
		return (-1);
	}
	return ((int)r->verdict);
}

/* answer - the body of the answer to r, in zh-CN (static) */
static const char *
answer(const struct lookup_result *r)
{
	static char	*body;
	char		*subj;

	free(body);
	body = NULL;
	if (lookup_render(&look, r, "zh-CN", &subj, &body) < 0)
		return ("(none)");
	free(subj);
	return (body);
}

/* count - a count(*) of the lookup test's store; -1 on error */
static long long
count(const char *sql, const char *arg)
{
	struct db	*db = raw("lookup.db", 1);
	long long	 n = -1;

	if (db_int(db, &n, sql, arg ? "t" : NULL, arg) < 0)
		n = -1;
	db_close(db);
	return (n);
}

/*
 * test_lookup - status lookups: found, denied alike for a wrong PIN and
 * no case, the lock of a number, the source's limit, by mail
 */
static void
test_lookup(void)
{
	struct store		*st = open_store("lookup.db");
	struct intake_result	 res;
	struct lookup_result	 r = { 0 };
	struct report		*m;
	char			 a[CASENO_MAX], pa[PIN_LEN + 1], b[CASENO_MAX];
	char			 pb[PIN_LEN + 1], none[CASENO_MAX], wrong[8];
	char			*deny1, subj[80];
	const struct case_view	*v;
	long			 n0;
	int			 i, ok;

	if (submit(st, mail("a@example.cn", &fraud, base), &res) < 0)
		die("lookup", "no case");
	memcpy(a, res.case_no, sizeof(a));
	memcpy(pa, res.pin, sizeof(pa));
	if (submit(st, mail("b@example.cn", &other, base), &res) < 0)
		die("lookup", "no case");
	memcpy(b, res.case_no, sizeof(b));
	memcpy(pb, res.pin, sizeof(pb));
	caseno_format(none, sizeof(none), base, 99999);
	snprintf(wrong, sizeof(wrong), "%06d", (atoi(pa) + 1) % 1000000);

	check(query(st, a, pa, "192.0.2.7", base + 60, &r) == LOOKUP_OK &&
	    strcmp(r.status, "received") == 0 && r.deadline > base &&
	    strstr(answer(&r), a) != NULL, "the right PIN shows case %s: %s",
	    a, S(r.status));
	v = see(st, a, 0);
	ok = events(v, "lookup", "lookup") == 1;
	for (i = 0; i < (int)v->nevents; i++)
		if (v->events[i].detail && strstr(v->events[i].detail,
		    "192.0.2.7") != NULL)
			ok = 0;
	check(ok, "the lookup is an event on the case, without who asked");
	check(count("SELECT count(*) FROM lookups WHERE source = $1",
	    "192.0.2.7") == 0 && count("SELECT count(*) FROM lookups WHERE "
	    "source IS NOT NULL", NULL) == 1, "the attempt keeps the "
	    "client address only as a keyed hash");

	check(query(st, a, wrong, "192.0.2.8", base + 60, &r) == LOOKUP_DENIED,
	    "a wrong PIN is denied");
	deny1 = xstrdup(answer(&r));
	check(query(st, none, pa, "192.0.2.8", base + 60, &r) == LOOKUP_DENIED &&
	    strcmp(deny1, answer(&r)) == 0, "an unknown case number gets the "
	    "same answer as a wrong PIN, byte for byte");
	check(query(st, "not-a-number", pa, "192.0.2.8", base + 60, &r) ==
	    LOOKUP_DENIED && strcmp(deny1, answer(&r)) == 0 && strstr(deny1,
	    a) == NULL, "a malformed one too, and the answer names no case");
	free(deny1);

	/* the lock: lookup_case_failures wrong PINs, from anywhere */
	for (i = 1; i < (int)cfg->lookup_case_failures; i++)
		query(st, a, wrong, "198.51.100.1", base + 120 + i, &r);
	check(query(st, a, pa, "192.0.2.9", base + 200, &r) == LOOKUP_LIMITED &&
	    r.retry_at == base + 120 + cfg->lookup_case_failures - 1 +
	    cfg->lookup_lock && r.status[0] == '\0', "after %ld wrong PINs "
	    "case %s is locked, the right PIN too", cfg->lookup_case_failures,
	    a);
	v = see(st, a, 0);
	check(events(v, "lookup_locked", NULL) == 1, "the ledger says the "
	    "case was locked, once (%d)", events(v, "lookup_locked", NULL));
	for (i = 0; i < (int)cfg->lookup_case_failures; i++)
		query(st, none, wrong, "198.51.100.2", base + 120 + i, &r);
	check(query(st, none, pa, "192.0.2.9", base + 200, &r) ==
	    LOOKUP_LIMITED, "a number no case has locks the same way (no "
	    "oracle)");
	check(query(st, a, pa, "192.0.2.9", base + 200 + cfg->lookup_lock, &r) ==
	    LOOKUP_OK, "the lock ends lookup_lock after the last wrong PIN");

	/* a source: lookup_source_failures wrong ones in an hour */
	for (i = 0; i < (int)cfg->lookup_source_failures; i++) {
		caseno_format(none, sizeof(none), base, 90000 + i);
		query(st, none, "000000", "203.0.113.5", base + 300 + i, &r);
	}
	check(query(st, b, pb, "203.0.113.5", base + 400, &r) == LOOKUP_LIMITED,
	    "a source with %ld failures in an hour is refused, even the "
	    "right PIN", cfg->lookup_source_failures);
	check(query(st, b, pb, "203.0.113.6", base + 400, &r) == LOOKUP_OK,
	    "another source is not");
	check(query(st, b, pb, "203.0.113.5", base + 310 + 3600, &r) ==
	    LOOKUP_OK, "an hour later the source may ask again");

	/* by mail (after case A's lock): an answer, no case; the null
	 * sender: nothing */
	n0 = ncases(st);
	m = mail("a@example.cn", &other, base + 2 * cfg->lookup_lock);
	free(m->subject);
	snprintf(subj, sizeof(subj), "查询 %s %s", a, pa);
	m->subject = xstrdup(subj);
	check(submit(st, m, &res) == 0 && res.query && strcmp(res.ack_status,
	    "queued") == 0 && strcmp(res.case_no, a) == 0 && ncases(st) == n0,
	    "a query by mail is answered (%s) and opens no case",
	    res.ack_status);
	v = see(st, a, 0);
	check(message(v, "status", "email") == NULL && count("SELECT count(*) "
	    "FROM outbox WHERE case_id IS NULL AND kind = 'status'", NULL) == 1,
	    "the answer is no case's message (the asker's address is not kept "
	    "with case %s)", a);
	m = mail("c@example.cn", &other, base + 2 * cfg->lookup_lock);
	free(m->subject);
	snprintf(subj, sizeof(subj), "查询 %s %s", a, wrong);
	m->subject = xstrdup(subj);
	check(submit(st, m, &res) == 0 && res.query && strcmp(res.ack_status,
	    "queued") == 0 && res.case_no[0] == '\0' && ncases(st) == n0 &&
	    count("SELECT count(*) FROM outbox WHERE case_id IS NULL AND kind "
	    "= 'status'", NULL) == 2, "a wrong PIN by mail is answered too");
	/* what brings more than a query is a report: nothing is lost */
	m = mail("d@example.cn", &fraud, base + 2 * cfg->lookup_lock);
	free(m->subject);
	m->subject = xstrdup("Status");
	check(submit(st, m, &res) == 0 && !res.query && ncases(st) == n0 + 1,
	    "a report whose subject is a query word is a report");
	m = mail("d@example.cn", &other, base + 2 * cfg->lookup_lock);
	free(m->subject);
	m->subject = xstrdup(subj);
	free(m->text);
	m->text = xstrdup("查询的同时补充：https://fraud.example.net/new 也是诈骗网站");
	check(submit(st, m, &res) == 0 && !res.query && ncases(st) == n0 + 2,
	    "a query that brings a URL is kept as a report");
	n0 = ncases(st);
	m = mail("", &other, base + 2 * cfg->lookup_lock);
	free(m->subject);
	m->subject = xstrdup(subj);
	check(submit(st, m, &res) == 0 && res.query && strcmp(res.ack_status,
	    "none") == 0 && strstr(res.no_answer, "null") != NULL &&
	    ncases(st) == n0, "a query from the null sender is not answered "
	    "(%s)", res.no_answer);
	{
		struct db	*db = raw("lookup.db", 1);
		strlist		 files = { 0 };

		db_exec(db, "UPDATE outbox SET status = 'sent' WHERE case_id IS "
		    "NULL", NULL);
		db_close(db);
		check(store_purge_batch(st, base, base + 2 * cfg->lookup_lock +
		    8 * D, 10, "t_store", &files) >= 0 && count("SELECT "
		    "count(*) FROM outbox WHERE case_id IS NULL AND recipient IS "
		    "NULL AND message IS NULL", NULL) == 2, "a week on, purge "
		    "forgets whom the answers went to");
		strlist_free(&files);
	}
	/* (last: later than all above) a day: LOOKUP_DAY_LOCKS locks' worth of wrong PINs for case B,
	 * an hour's lock apart, lock it for the day */
	{
		time_t	 t = base + 5 * D, last = 0;
		int	 k;
		char	 src[32];

		for (k = 0; k < LOOKUP_DAY_LOCKS; k++)
			for (i = 0; i < (int)cfg->lookup_case_failures; i++) {
				snprintf(src, sizeof(src), "198.51.100.%d", 10 + k);
				last = t + k * (cfg->lookup_lock + 60) + i;
				query(st, b, "000000", src, last, &r);
			}
		check(query(st, b, pb, "192.0.2.10", last + cfg->lookup_lock + 60,
		    &r) == LOOKUP_LIMITED && r.retry_at == last + D,
		    "%d locks' worth of wrong PINs in a day lock case %s for the "
		    "day", LOOKUP_DAY_LOCKS, b);
		check(query(st, b, pb, "192.0.2.10", last + D, &r) == LOOKUP_OK,
		    "and a day after the last it may be looked up again");
	}

	lookup_result_clear(&r);
	see(NULL, NULL, 0);
	store_close(st);
}

/* test_outbox - leases, per channel, retry, sent, failed */
static void
test_outbox(void)
{
	static const struct {	/* op: claim, retry, sent, failed; at: +seconds */
		char		 op;
		int		 sip, found, attempts;	/* sip: the channel */
		long		 at;
		const char	*what;
	} seq[] = {
		{ 'c', 0, 1, 1, 0, "the due ack is leased" },
		{ 'c', 0, 0, 0, 0, "a second claim finds it leased" },
		{ 'c', 1, 1, 1, 0, "the sip channel takes its own row" },
		{ 'c', 0, 0, 0, 299, "the lease holds until it runs out" },
		{ 'c', 0, 1, 2, 300, "an expired lease is claimed again" },
		{ 'r', 0, 0, 0, 300, "retry at +1000" },
		{ 'c', 0, 0, 0, 999, "not before next_at" },
		{ 'c', 0, 1, 3, 1000, "at next_at" },
		{ 's', 0, 0, 0, 1000, "sent" },
		{ 'f', 1, 0, 0, 1000, "failed" },
		{ 'c', 0, 0, 0, 100000, "a sent row is never claimed" },
		{ 'c', 1, 0, 0, 100000, "nor a failed one" },
	};
	static const char *const chan[2] = { "email", "sip" };
	struct store		*st = open_store("outbox.db");
	struct outbox_row	 o = { "ack", "sip", "sip:13700000000@sms.example",
				    "", "", "短信", "queued", NULL };
	struct outbox_item	 it, last[2];	/* last: each channel's claim */
	struct store_case	 c;
	const struct case_view *v;
	const struct case_message *e, *s;
	const time_t		 t = base - H;
	char			 no[CASENO_MAX];
	long			 id[2] = { 0, 0 };
	size_t			 i;
	int			 rc, found;

	memset(last, 0, sizeof(last));

	new_case(st, "eve@example.org", &fraud, t, no);
	if (store_case_load(st, no, &c) < 0 || store_begin(st) < 0 ||
	    store_outbox_insert(st, c.id, &o, t) < 0 || store_commit(st) < 0)
		die("outbox", store_error(st));
	for (i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		found = 0;
		memset(&it, 0, sizeof(it));
		if (seq[i].op == 'c') {
			rc = store_outbox_claim(st, chan[seq[i].sip], "t_store",
			    t + seq[i].at, 300, &it, &found);
			if (found && id[seq[i].sip] == 0)
				id[seq[i].sip] = it.id;
			if (found) {
				last[seq[i].sip].id = it.id;
				last[seq[i].sip].attempts = it.attempts;
			}
			rc = rc == 0 && found == seq[i].found && (!found ||
			    (it.id == id[seq[i].sip] && it.attempts ==
			    seq[i].attempts && strcmp(it.case_no, no) == 0 &&
			    strcmp(it.kind, "ack") == 0)) ? 0 : -1;
		} else if (seq[i].op == 'r')
			rc = store_outbox_retry(st, &last[0], t + seq[i].at,
			    t + 1000, "421 try later", "outboxd");
		else if (seq[i].op == 's')
			rc = store_outbox_sent(st, &last[0], t + seq[i].at,
			    "outboxd");
		else
			rc = store_outbox_failed(st, &last[1], t + seq[i].at,
			    "550 no such user", "outboxd");
		check(rc == 0, "outbox %s at +%ld: %s (found %d, attempts %d)",
		    chan[seq[i].sip], seq[i].at, seq[i].what, found, it.attempts);
		if (i == 0)
			check(found && strcmp(S(it.recipient),
			    "eve@example.org") == 0 && strcmp(S(it.env_from),
			    "") == 0 && strstr(S(it.message),
			    "Auto-Submitted: auto-replied") != NULL, "the claimed "
			    "ack: to %s, null sender, RFC 3834 Auto-Submitted",
			    S(it.recipient));
		outbox_item_clear(&it);
	}
	v = see(st, no, 0);
	e = message(v, "ack", "email");
	s = message(v, "ack", "sip");
	check(e && strcmp(e->status, "sent") == 0 && e->sent_at == t + 1000 &&
	    e->attempts == 3, "the ack is sent at +1000 after 3 attempts");
	check(s && strcmp(s->status, "failed") == 0 && strcmp(S(s->reason),
	    "550 no such user") == 0, "the SMS failed, keeping its reason (%s)",
	    s ? S(s->reason) : "none");
	check(events(v, "ack_deferred", "outboxd") == 1 &&
	    events(v, "ack_sent", "outboxd") == 1 &&
	    events(v, "ack_failed", "outboxd") == 1, "each result is an event "
	    "by its actor");
	test_takeover(st, c.id, t);
	store_close(st);
}

/* main - every group of checks, in one throw-away directory */
int
main(void)
{
	log_init("t_store", 1, NULL);
	g_mime_init();
	setup();
	test_db();
	test_migrate();
	test_intake();
	test_call();
	test_outbox();
	test_lookup();
	fx_done();
	return (nfail ? 1 : 0);
}
