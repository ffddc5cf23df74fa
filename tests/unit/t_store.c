/*
 * NAME
 *	t_store - unit tests of the store layer: db, store, intake, workflow
 * DESCRIPTION
 *	The db layer (binding, nested cursors, errors and their class, the
 *	writers' lock across processes), migrations, the intake pipeline
 *	(new case, duplicate, reply, supplement, daily limit, flood, a call),
 *	the outbox's leases, the workflow, queries, statistics, the digest and
 *	purge.  Every store lives in a fresh directory (mkdtemp under
 *	$JUBAO_TEST_TMP or /tmp) removed at the end; every time is relative to
 *	a fixed base, never the clock.  Run from the top of the source tree.
 *	Prints "ok - X" or "not ok - X" per check and ends with "N passed,
 *	N failed".
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <gmime/gmime.h>

#include "ack.h"
#include "cfg.h"
#include "classify.h"
#include "crypt.h"
#include "db.h"
#include "feedback.h"
#include "intake.h"
#include "log.h"
#include "store.h"
#include "workflow.h"

#define H	3600L
#define D	86400L
#define S(s)	((s) ? (s) : "(null)")

static int		 npass, nfail, nmail;
static char		 tmp[256];	/* the test's directory */
static const time_t	 base = 1795400000;	/* 2026-11-23: "now" */
static struct cfg	*cfg;
static struct categories *cats;
static struct ack_ctx	 ack;
static struct feedback_ctx fb;
static struct intake_ctx ix;

/* what a report's text makes it: categories.conf's deadline and priority */
static const struct kind {
	const char	*subject, *text;
	long		 deadline_h;
} fraud = { "举报诈骗", "有骗子用钓鱼网站 https://scam.example/login 诈骗，"
	    "联系电话 13812345678。", 72 },
  other = { "一个问题", "请看看这个页面上的内容。", 168 },
  pct = { "折扣 100%_off 链接", "请看看。", 168 },
  wild = { "折扣 100xyoff 链接", "请看看。", 168 },
  rumour = { "企业谣言", "有人造谣我们公司。", 120 };

/* check - record one result */
static void __attribute__((format(printf, 2, 3)))
check(int ok, const char *fmt, ...)
{
	va_list	 ap;

	printf("%s - ", ok ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	*(ok ? &npass : &nfail) += 1;
}

/* tpath - a file in the test's directory (static, two in turn) */
static const char *
tpath(const char *name)
{
	static char	 p[2][512];
	static int	 k;

	k ^= 1;
	snprintf(p[k], sizeof(p[k]), "%s/%s", tmp, name);
	return (p[k]);
}

/* cleanup - remove the test's directory and what is in it */
static void
cleanup(void)
{
	DIR		*d;
	struct dirent	*e;

	if (*tmp == '\0' || (d = opendir(tmp)) == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			unlink(tpath(e->d_name));
	closedir(d);
	rmdir(tmp);
}

/* die - a test that cannot go on: clean up, exit 2 */
static void __attribute__((noreturn))
die(const char *what, const char *why)
{
	fprintf(stderr, "t_store: %s: %s\n", what, S(why));
	cleanup();
	exit(2);
}

/* mono - seconds on CLOCK_MONOTONIC */
static double
mono(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

/* setup - directory, key, configuration, categories, templates */
static void
setup(void)
{
	const char	*t = getenv("JUBAO_TEST_TMP");
	buf		 err = { 0 };
	FILE		*fp;

	snprintf(tmp, sizeof(tmp), "%s/jubao-t_store.XXXXXX", t && *t ? t : "/tmp");
	if (mkdtemp(tmp) == NULL)
		die(tmp, "mkdtemp failed");
	buf_adds(&err, "");
	if (crypt_keygen(tpath("jubao.key"), &err) < 0 ||
	    store_keys_load(tpath("jubao.key"), &err) < 0)
		die("key_file", err.s);
	if ((fp = fopen(tpath("jubao.conf"), "w")) == NULL)
		die("jubao.conf", "cannot write");
	fprintf(fp, "store_path = %s\nspool_dir = %s\nevidence_dir = %s\n"
	    "categories_file = conf/categories.conf\ntemplate_dir = conf/templates\n"
	    "message_id_domain = example.cn\nsite_name = 示例网\n"
	    "ack_from = jubao@example.cn\nkey_file = %s\nrun_user =\n"
	    "store_busy_timeout = 1s\nack_daily_limit = 2\nflood_reporter_hour = 2\n"
	    "sip_sms_gateway = sms.example\n", tpath("jubao.db"), tmp, tmp,
	    tpath("jubao.key"));
	fclose(fp);
	if ((cfg = cfg_load(tpath("jubao.conf"), &err)) == NULL ||
	    (cats = cat_load(cfg->categories_file, &err)) == NULL ||
	    ack_init(&ack, cfg, cats, &err) < 0 ||
	    feedback_init(&fb, cfg, cats, &err) < 0)
		die("configuration", err.s);
	ix.cfg = cfg;
	ix.cats = cats;
	ix.ack = &ack;
	ix.actor = "t_store";
	buf_free(&err);
}

/* raw - a db connection of our own on a file of the directory, or die */
static struct db *
raw(const char *name, long timeout)
{
	struct db	*db;
	buf		 err = { 0 };

	if (db_open(NULL, tpath(name), timeout, &db, &err) < 0)
		die(name, err.s);
	return (db);
}

/* open_store - a store in the directory (created, migrated), or die */
static struct store *
open_store(const char *name)
{
	struct store	*st;
	buf		 err = { 0 };

	if (store_open(tpath(name), cfg->store_busy_timeout, &st, NULL,
	    &err) < 0)
		die(name, err.s);
	return (st);
}

/* mail - an email report as the milter makes one: SPF pass, a new hash */
static struct report *
mail(const char *sender, const struct kind *k, time_t at)
{
	struct report	*r = report_new("email");

	r->received_at = at;
	r->subject = xstrdup(k->subject);
	r->text = xstrdup(k->text);
	r->env_from = xstrdup(sender);
	r->from_addr = xstrdup(sender);
	r->client_addr = xstrdup("192.0.2.1");
	r->message_id = xasprintf("m%d.%s", ++nmail, sender);
	r->queue_id = xasprintf("Q%d", nmail);
	snprintf(r->content_hash, sizeof(r->content_hash), "%064x", nmail);
	free(r->spf);
	r->spf = xstrdup("pass");
	r->authenticated = 1;
	return (r);
}

/* submit - intake_email of r (then freed); its return */
static int
submit(struct store *st, struct report *r, struct intake_result *res)
{
	int	 rc;

	memset(res, 0, sizeof(*res));
	if ((rc = intake_email(&ix, st, r, res)) < 0)
		fprintf(stderr, "intake_email: %s\n", store_error(st));
	report_free(r);
	return (rc);
}

/* new_case - a new email case from sender, or die; its number into no */
static void
new_case(struct store *st, const char *sender, const struct kind *k,
    time_t at, char no[CASENO_MAX])
{
	struct intake_result	 res;

	if (submit(st, mail(sender, k, at), &res) < 0 || res.duplicate ||
	    res.supplement)
		die(sender, "no new case");
	memcpy(no, res.case_no, CASENO_MAX);
}

/* call - a fraud report by telephone from number at 'at', Call-ID cid */
static int
call(struct store *st, const char *number, const char *cid, time_t at,
    struct intake_result *res)
{
	struct intake_call	 ic = { .number = number, .outcome = "case",
				    .summary = "渠道：举报热线", .keys = "4",
				    .recorded_ms = 60000, .end_reason = "hangup" };
	struct report		*r = report_new("hotline");
	char			 tag[STORE_CALL_TAG];
	int			 rc;

	store_call_tag(cid, tag);
	r->received_at = ic.started = at;
	ic.ended = at + 95;
	ic.tag = r->queue_id = xstrdup(tag);
	r->message_id = xasprintf("sip:%s", tag);
	r->lang = xstrdup("zh-CN");
	strlist_add(&r->phones, number);
	r->from_addr = xasprintf("tel:%s", number);
	r->client_addr = xstrdup("198.51.100.7");
	cat_apply(cat_find(cats, "fraud"), r);
	r->subject = xstrdup("诈骗");
	r->text = xstrdup("渠道：举报热线\n类别：诈骗\n");
	snprintf(r->content_hash, sizeof(r->content_hash), "%064x", ++nmail);
	rc = intake_call(&ix, st, r, &ic, res);
	report_free(r);
	return (rc);
}

/*
 * see - a case whole as read at base by t_store (reveal: identity too),
 * the one before released; all zero when it cannot be read
 */
static const struct case_view *
see(struct store *st, const char *no, int reveal)
{
	static struct case_view	 v;

	case_view_free(&v);
	if (no != NULL)
		store_case_view(st, no, reveal, "t_store", base, &v);
	return (&v);
}

/* message - the first message of kind on channel (NULL: any) a case owes */
static const struct case_message *
message(const struct case_view *v, const char *kind, const char *channel)
{
	size_t	 i;

	for (i = 0; i < v->nmessages; i++)
		if (strcmp(v->messages[i].kind, kind) == 0 && (channel == NULL ||
		    strcmp(v->messages[i].channel, channel) == 0))
			return (&v->messages[i]);
	return (NULL);
}

/* events - how many events of action by actor (NULL: anyone) */
static int
events(const struct case_view *v, const char *action, const char *actor)
{
	size_t	 i;
	int	 n = 0;

	for (i = 0; i < v->nevents; i++)
		if (strcmp(v->events[i].action, action) == 0 && (actor == NULL ||
		    strcmp(v->events[i].actor, actor) == 0))
			n++;
	return (n);
}

/* ncases - how many cases the store has; -1 on error */
static long
ncases(struct store *st)
{
	struct case_filter	 f = { 0 };
	struct case_rows	 rows;
	long			 n;

	if (store_case_query(st, &f, &rows) < 0)
		return (-1);
	n = (long)rows.n;
	case_rows_free(&rows);
	return (n);
}

/* ack_to - where the case's first acknowledgement goes (unsealed) */
static void
ack_to(struct store *st, const char *no, char *out, size_t len)
{
	struct store_case	 c;
	struct feedback_info	 fi;

	*out = '\0';
	memset(&fi, 0, sizeof(fi));
	if (store_case_load(st, no, &c) == 0 && c.id != 0 &&
	    store_feedback_info(st, c.id, no, &fi) == 0)
		snprintf(out, len, "%s", S(fi.recipient));
	feedback_info_clear(&fi);
}

/* act - a handler's action at now, measures NULL-terminated; 0 or -1 */
static int
act(struct store *st, const char *no, const char *action, const char *actor,
    time_t now, const char *const *measures, char status[32])
{
	struct case_action	 a = { .action = action, .actor = actor,
				    .now = now, .measures = measures };

	while (measures && measures[a.nmeasures])
		a.nmeasures++;
	return (workflow_act(st, &fb, no, &a, status, 32));
}

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
	check(store_schema_version(st) == 6, "a new store is at schema version 6");
	st2 = open_store("mig.db");
	check(store_schema_version(st2) == 6, "opening it again changes nothing");
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
	if (db_exec(db, "UPDATE meta SET value = '7' WHERE key = 'schema_version'",
	    NULL) < 0)
		die("meta", db_error(db));
	db_close(db);
	buf_adds(&err, "");
	rc = store_open(tpath("mig.db"), 1, &st2, &temporary, &err);
	check(rc < 0 && st2 == NULL && strstr(err.s, "newer") != NULL &&
	    strstr(err.s, "version 7") != NULL && temporary == 0, "a newer "
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

/* test_workflow - actions, refusals, feedback, rating, reopen, the ledger */
static void
test_workflow(struct store *st)
{
	static const char *const ms[] = { "delete", "warn", NULL };
	static const struct {	/* at: hours before base; status NULL: refused */
		const char	*action, *actor;
		long		 at;
		const char	*status, *err, *other;	/* other: not our case */
	} steps[] = {
		{ "dispose", "alice", 29, 0, "is received: cannot dispose", 0 },
		{ "accept", "alice", 29, "accepted", 0, 0 },
		{ "dispose", "bob", 20, "feedback_sent", 0, 0 },
		{ "accept", "carol", 19, 0, "is feedback_sent: cannot accept", 0 },
		{ "reopen", "dave", 18, "reopened", 0, 0 },
		{ "accept", "dave", 17, 0, "no case 261123000017", "261123000017" },
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
		check(ok && events(v, steps[i].action, steps[i].actor) ==
		    (steps[i].status != NULL), "%s by %s: %s "
		    "(an event only if allowed)", steps[i].action, steps[i].actor,
		    rc ? store_error(st) : status);
		m = message(v, "feedback", "email");
		if (i == 2)
			check(strcmp(S(v->row.outcome), "disposed") == 0 &&
			    v->outcome_at == base - 20 * H && v->nmeasures == 2 &&
			    m && strcmp(m->status, "queued") == 0 &&
			    events(v, "feedback_queued", "bob") == 1,
			    "dispose: outcome, 2 measures, feedback queued");
		if (i == 4)
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
	static const char *const life[] = { "accept", "dispose", "close" };
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
		for (j = 0; j < 3; j++)
			rc |= act(st, no[i], life[j], "alice", base - (i ? 19 :
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

/* main - every group of checks, in one throw-away directory */
int
main(void)
{
	struct store	*st;

	log_init("t_store", 1, NULL);
	g_mime_init();
	setup();
	test_db();
	test_migrate();
	test_intake();
	test_call();
	test_outbox();
	st = open_store("flow.db");
	test_workflow(st);
	test_purge(st);
	store_close(st);
	test_queries();
	see(NULL, NULL, 0);
	feedback_free(&fb);
	ack_free(&ack);
	cat_free(cats);
	cfg_unref(cfg);
	g_mime_shutdown();
	cleanup();
	printf("%d passed, %d failed\n", npass, nfail);
	return (nfail ? 1 : 0);
}
