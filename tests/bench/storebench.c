/*
 * NAME
 *	storebench - the intake store's benchmark tool
 * SYNOPSIS
 *	storebench writers CONF NPROC SECONDS [reopen]
 *	storebench generate CONF NCASES END_EPOCH [SEED]
 *	storebench show CONF CASE ROUNDS
 *	storebench stats CONF FROM_EPOCH TO_EPOCH
 * DESCRIPTION
 *	writers: NPROC processes commit reports through the real intake
 *	pipeline for SECONDS: the even ones as jubao-milter does
 *	(intake_email: an e-mail report with its acknowledgement), the odd
 *	ones as jubao-sipd does (intake_call: a hotline report, its staff
 *	notice and its row in the call ledger).  Each keeps one store handle
 *	open (as the daemons' threads do), or with "reopen" opens and closes
 *	the store around every report, as jubao-milter did before.  Prints
 *	one line: commits, call-ledger rows, busy failures, wall seconds, and
 *	the p50, p99 and maximum commit latency in milliseconds (the wait for
 *	the writers' lock included).
 *
 *	generate: NCASES handled cases received over the 365 days before
 *	END_EPOCH, with what the workflow leaves (reporter, message,
 *	evidence, targets, events, acknowledgement and feedback rows,
 *	measures, outcome, feedback and rating times), written in large
 *	transactions straight into the schema store_open() creates.  Test
 *	tooling: the product's SQL stays in shared/store*.c; these INSERTs
 *	follow its columns, and fail loudly when the schema moves.
 *
 *	show: store_case_view() on CASE ROUNDS times in one process; the mean
 *	in milliseconds (the store's share of "jubaoctl show").
 *
 *	stats: a proposal for store_stats() (one pass over the cases of the
 *	range, aggregated in C, instead of seventeen scans), timed.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <sqlite3.h>
#include <gmime/gmime.h>

#include "ack.h"
#include "caseno.h"
#include "cfg.h"
#include "classify.h"
#include "evidence.h"
#include "intake.h"
#include "log.h"
#include "report.h"
#include "store.h"

/* now_ms - a monotonic clock in milliseconds */
static double
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6);
}

/* rnd - xorshift64*: fast, seeded, the same sequence on every machine */
static unsigned long long rnd_state = 88172645463325252ULL;

static unsigned long long
rnd(void)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return (rnd_state * 2685821657736338717ULL);
}

/* rndn - uniform in [0, n) */
static long
rndn(long n)
{
	return ((long)(rnd() % (unsigned long long)n));
}

/* rndf - uniform in [0, 1) */
static double
rndf(void)
{
	return ((double)(rnd() >> 11) / 9007199254740992.0);
}

static const char *const texts[] = {
	"有人冒充银行客服实施诈骗，诱导转账，钓鱼网站仍可访问，请尽快处理。",
	"该网站提供百家乐、网络赌博下注服务，并在群内拉人充值。",
	"有人在网上散布谣言、编造虚假信息，造成恶劣影响。",
	"该网站传播淫秽色情视频，首页即可观看，未设任何限制。",
	"有人组织网暴、人肉搜索并辱骂他人，公开了受害人的住址。",
	"有人公开他人身份证号和住址，泄露个人隐私，要求删除。",
	"某账号冒充我公司官方发布虚假声明，误导消费者，请核查。",
	"视频中有未成年人被诱导直播打赏，平台未加干预。",
};
#define NTEXTS	(sizeof(texts) / sizeof(texts[0]))

/* die - print and exit 1 */
static void
die(const char *what, const char *why)
{
	fprintf(stderr, "storebench: %s: %s\n", what, why);
	exit(1);
}

struct rt {
	struct cfg		*cfg;
	struct categories	*cats;
	struct ack_ctx		 ack;
};

/* rt_load - configuration, categories, templates and the reporters' key of CONF */
static void
rt_load(const char *conf, struct rt *rt)
{
	buf	 err = { 0 };

	buf_adds(&err, "");
	if ((rt->cfg = cfg_load(conf, &err)) == NULL ||
	    (rt->cats = cat_load(rt->cfg->categories_file, &err)) == NULL ||
	    ack_init(&rt->ack, rt->cfg, rt->cats, &err) < 0 ||
	    store_keys_load(rt->cfg->key_file, &err) < 0)
		die(conf, err.s);
	buf_free(&err);
}

/* open_store - store_open, or exit */
static struct store *
open_store(struct rt *rt)
{
	struct store	*st;
	buf		 err = { 0 };

	buf_adds(&err, "");
	if (store_open(rt->cfg->store_engine,
	    cfg_store_where(rt->cfg), rt->cfg->store_busy_timeout, &st,
	    NULL, &err) < 0)
		die("store", err.s);
	buf_free(&err);
	return (st);
}

/* make_report - a report as the milter (email) or the bridge (hotline) makes it */
static struct report *
make_report(struct rt *rt, int hotline, int proc, long n)
{
	struct report		*r = report_new(hotline ? "hotline" : "email");
	const struct category	*cat = &rt->cats->v[rndn((long)rt->cats->n)];
	char			 sha[65], id[128];
	long			 k, nev;

	snprintf(id, sizeof(id), "sb-%d-%d-%ld@bench.example.com", (int)getpid(),
	    proc, n);
	sha256_hex(id, strlen(id), r->content_hash);
	r->message_id = xstrdup(id);
	r->queue_id = xasprintf("SB%d%ld", proc, n);
	r->subject = xstrdup(hotline ? "" : "举报违法和不良信息");
	r->text = xasprintf("%s\nhttps://bad-%ld.example.vip/p/%ld\n姓名：测试%ld\n"
	    "电话：1380013%04ld\n", texts[n % NTEXTS], rndn(300000), n, n, n % 10000);
	r->lang = xstrdup("zh-CN");
	strlist_add(&r->urls, "https://bad.example.vip/p/1");
	if (hotline) {
		strlist_add(&r->phones, "13800138000");
		snprintf(sha, sizeof(sha), "%064lx", (unsigned long)rnd());
		report_add_evidence(r, "recording.wav", "audio/wav", 160000, sha, NULL);
	} else {
		r->from_addr = xasprintf("reporter-%d-%d-%ld@example.com",
		    (int)getpid(), proc, n);
		r->from_name = xstrdup("测试");
		r->env_from = xstrdup(r->from_addr);
		r->client_addr = xstrdup("192.0.2.25");
		free(r->spf);
		r->spf = xstrdup("pass");
		r->spf_domain = xstrdup("example.com");
		nev = 1 + rndn(4);
		for (k = 0; k < nev; k++) {
			snprintf(sha, sizeof(sha), "%016llx%016llx%016llx%016llx",
			    rnd(), rnd(), rnd(), rnd());
			report_add_evidence(r, k ? "evidence.png" : "message.eml",
			    k ? "image/png" : "message/rfc822", 300000, sha,
			    NULL)->original = k == 0;
		}
	}
	cat_apply(cat, r);
	return (r);
}

/* writer - one writer process: commit until the deadline, latencies to path */
static int
writer(struct rt *rt, int proc, double secs, int reopen, const char *path)
{
	struct store			*st = NULL;
	struct intake_ctx		 x = { .cfg = rt->cfg, .cats = rt->cats,
					    .ack = &rt->ack, .actor = "storebench" };
	struct intake_call		 ic;
	struct intake_result		 res;
	struct report			*r;
	buf				 err = { 0 };
	double				 end = now_ms() + secs * 1000, t0, *lat = NULL;
	long				 n = 0, cap = 0, busy = 0, calls = 0;
	int				 hotline = proc % 2;
	FILE				*f;
	char				 callid[64];

	rnd_state ^= (unsigned long long)getpid() << 20;
	buf_adds(&err, "");
	if (!reopen)
		st = open_store(rt);
	while (now_ms() < end) {
		r = make_report(rt, hotline, proc, n);
		t0 = now_ms();
		if (reopen)
			st = open_store(rt);
		memset(&ic, 0, sizeof(ic));
		if (hotline) {
			snprintf(callid, sizeof(callid), "%s", r->queue_id);
			ic.tag = callid;
			ic.number = "13800138000";
			ic.summary = "storebench";
			ic.started = r->received_at;
			ic.ended = r->received_at + 60;
			ic.outcome = "case";
			ic.keys = "1#";
			ic.recorded_ms = 60000;
		}
		if ((hotline ? intake_call(&x, st, r, &ic, &res) :
		    intake_email(&x, st, r, &res)) < 0) {
			if (!store_busy(st))
				die("intake", store_error(st));
			busy++;
		} else {
			if (n == cap) {
				cap = cap ? cap * 2 : 4096;
				lat = xrealloc(lat, (size_t)cap * sizeof(*lat));
			}
			lat[n++] = now_ms() - t0;
			calls += hotline;
		}
		if (reopen) {
			store_close(st);
			st = NULL;
		}
		report_free(r);
	}
	store_close(st);
	if ((f = fopen(path, "w")) == NULL)
		die(path, strerror(errno));
	fprintf(f, "%ld %ld %ld\n", n, calls, busy);
	fwrite(lat, sizeof(*lat), (size_t)n, f);
	fclose(f);
	free(lat);
	buf_free(&err);
	return (0);
}

/* dcmp - qsort: doubles ascending */
static int
dcmp(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return (x < y ? -1 : x > y);
}

/* pctl - nearest-rank percentile of sorted values */
static double
pctl(const double *v, long n, double p)
{
	long	 k = (long)(p / 100.0 * (double)n + 0.999999);

	if (n == 0)
		return (0);
	return (v[k < 1 ? 0 : k > n ? n - 1 : k - 1]);
}

/* cmd_writers - NPROC writers for SECONDS; one summary line */
static int
cmd_writers(const char *conf, int nproc, double secs, int reopen)
{
	struct rt	 rt;
	struct store	*st;
	buf		 err = { 0 };
	double		 t0, wall, *all = NULL;
	long		 total = 0, calls = 0, busy = 0, n, c, b;
	pid_t		*pids = xcalloc((size_t)nproc, sizeof(*pids));
	char		 path[4096];
	int		 i, status, bad = 0;
	FILE		*f;

	rt_load(conf, &rt);
	buf_adds(&err, "");
	/* create or migrate once, before the writers race for it */
	st = open_store(&rt);
	store_close(st);
	t0 = now_ms();
	for (i = 0; i < nproc; i++) {
		snprintf(path, sizeof(path), "%s.lat.%d", rt.cfg->store_path, i);
		if ((pids[i] = fork()) == 0)
			_exit(writer(&rt, i, secs, reopen, path));
		if (pids[i] < 0)
			die("fork", strerror(errno));
	}
	for (i = 0; i < nproc; i++)
		if (waitpid(pids[i], &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			bad++;
	wall = (now_ms() - t0) / 1000;
	for (i = 0; i < nproc; i++) {
		snprintf(path, sizeof(path), "%s.lat.%d", rt.cfg->store_path, i);
		if ((f = fopen(path, "r")) == NULL || fscanf(f, "%ld %ld %ld", &n,
		    &c, &b) != 3 || fgetc(f) != '\n')
			die(path, "no results");
		all = xrealloc(all, (size_t)(total + n + 1) * sizeof(*all));
		if (fread(all + total, sizeof(*all), (size_t)n, f) != (size_t)n)
			die(path, "short results");
		fclose(f);
		unlink(path);
		total += n;
		calls += c;
		busy += b;
	}
	qsort(all, (size_t)total, sizeof(*all), dcmp);
	printf("writers=%d reopen=%d commits=%ld calls=%ld busy=%ld failed_procs=%d "
	    "seconds=%.2f commits_per_s=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
	    nproc, reopen, total, calls, busy, bad, wall, (double)total / wall,
	    pctl(all, total, 50), pctl(all, total, 99),
	    total ? all[total - 1] : 0);
	free(all);
	free(pids);
	buf_free(&err);
	return (bad ? 1 : 0);
}

/* gen - the statements of the bulk generator, prepared once */
enum { G_CASE, G_REP, G_MSG, G_EV, G_TGT, G_EVT, G_OUT, G_MEAS, G_SEQ, G_N };
static const char *const gen_sql[G_N] = {
	"INSERT INTO cases (case_no, channel, status, category, priority, "
	"enterprise, received_at, deadline, subject, body, lang, spf, spf_domain, "
	"missing, pin, updated_at, assignee, outcome, outcome_at, outcome_detail, "
	"explanation, feedback_at, closed_at, satisfaction, handling) VALUES (?, "
	"?, ?, ?, ?, 0, ?, ?, ?, ?, 'zh-CN', ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	"?, ?)",
	"INSERT INTO reporters (case_id, address, name, phone, client_addr) "
	"VALUES (?, ?, ?, ?, ?)",
	"INSERT INTO messages (case_id, kind, message_id, content_hash, queue_id, "
	"subject, body, received_at) VALUES (?, 'report', ?, ?, ?, ?, ?, ?)",
	"INSERT INTO evidence (case_id, message, name, type, size, sha256, "
	"original) VALUES (?, ?, ?, ?, ?, ?, ?)",
	"INSERT INTO targets (case_id, kind, value) VALUES (?, 'url', ?)",
	"INSERT INTO events (case_id, at, actor, action, detail) VALUES (?, ?, ?, ?, ?)",
	"INSERT INTO outbox (case_id, kind, channel, recipient, env_from, "
	"message_id, message, status, attempts, next_at, created_at, sent_at) "
	"VALUES (?, ?, ?, ?, '', ?, ?, 'sent', 1, ?, ?, ?)",
	"INSERT INTO measures (case_id, measure, until, at, actor) VALUES (?, ?, ?, ?, ?)",
	"INSERT INTO case_seq (day, n) VALUES (?, ?) ON CONFLICT (day) DO "
	"UPDATE SET n = max(n, excluded.n)",
};
static sqlite3		*gdb;
static sqlite3_stmt	*gs[G_N];

/* gstep - run one prepared insert; its rowid */
static long long
gstep(int k)
{
	if (sqlite3_step(gs[k]) != SQLITE_DONE)
		die(gen_sql[k], sqlite3_errmsg(gdb));
	sqlite3_reset(gs[k]);
	return (sqlite3_last_insert_rowid(gdb));
}

/* gstr - bind text (SQLITE_TRANSIENT) or NULL */
static void
gstr(int k, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(gs[k], i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(gs[k], i);
}

/* gnum - bind an integer, or NULL when v < 0 */
static void
gnum(int k, int i, long long v)
{
	if (v >= 0)
		sqlite3_bind_int64(gs[k], i, v);
	else
		sqlite3_bind_null(gs[k], i);
}

/* gevent - one ledger row */
static void
gevent(long long id, long long at, const char *actor, const char *action,
    const char *detail)
{
	gnum(G_EVT, 1, id);
	gnum(G_EVT, 2, at);
	gstr(G_EVT, 3, actor);
	gstr(G_EVT, 4, action);
	gstr(G_EVT, 5, detail);
	gstep(G_EVT);
}

static const char *const measures[] = { "delete", "block", "unlink", "warn",
	"suspend", "restrict", "close", "private", "dispute-label" };

/* cmd_generate - NCASES cases over the year before END */
static int
cmd_generate(const char *conf, long ncases, time_t end, unsigned long long seed)
{
	struct rt	 rt;
	struct store	*st;
	buf		 err = { 0 };
	time_t		 start = end - 365L * 86400, t;
	double		 slot = 365.0 * 86400 / (double)ncases, t0 = now_ms();
	char		 day[16], lastday[16] = "", cno[CASENO_MAX], s1[256],
			 s2[256], sha[65], body[1024], who[32];
	long		 i, seq = 0, k, nt;
	long long	 id, mid;
	int		 j;

	rnd_state ^= seed;
	rt_load(conf, &rt);
	buf_adds(&err, "");
	st = open_store(&rt);
	store_close(st);
	if (sqlite3_open(rt.cfg->store_path, &gdb) != SQLITE_OK)
		die(rt.cfg->store_path, sqlite3_errmsg(gdb));
	if (sqlite3_exec(gdb, "PRAGMA synchronous = OFF; PRAGMA cache_size = "
	    "-1048576; PRAGMA foreign_keys = OFF; BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		die("pragma", sqlite3_errmsg(gdb));
	for (j = 0; j < G_N; j++)
		if (sqlite3_prepare_v2(gdb, gen_sql[j], -1, &gs[j], NULL) != SQLITE_OK)
			die(gen_sql[j], sqlite3_errmsg(gdb));
	for (i = 0; i < ncases; i++) {
		const struct category *cat = &rt.cats->v[rndn((long)rt.cats->n)];
		int	 hotline = rndf() < 0.25;
		long	 age, handling, deadline = cat->deadline;
		long long outcome_at = -1, feedback_at = -1, closed_at = -1,
			 accept_at = -1, rating = -1;
		const char *status, *outcome = NULL, *action = NULL;
		double	 u = rndf();
		struct tm tm;

		t = start + (time_t)((double)i * slot + rndf() * slot);
		localtime_r(&t, &tm);
		strftime(day, sizeof(day), "%Y%m%d", &tm);
		if (strcmp(day, lastday) != 0) {
			if (*lastday) {
				gstr(G_SEQ, 1, lastday);
				gnum(G_SEQ, 2, seq);
				gstep(G_SEQ);
			}
			snprintf(lastday, sizeof(lastday), "%s", day);
			seq = 0;
		}
		if (caseno_format(cno, sizeof(cno), t, ++seq) < 0)
			die("caseno", "cannot format");
		age = (long)(end - t);
		/* the workflow: recent cases are open, older ones handled */
		handling = (long)((double)deadline * (0.05 + 1.2 * u * u));
		if (age < handling || rndf() < 0.03) {
			status = age < 3600 ? "received" : rndf() < 0.15 ?
			    "awaiting_materials" : rndf() < 0.7 ? "accepted" :
			    "escalated";
			if (strcmp(status, "accepted") == 0 ||
			    strcmp(status, "escalated") == 0)
				accept_at = t + age / 3;
		} else {
			double v = rndf();

			outcome_at = t + handling;
			if (v < 0.55) {
				outcome = "disposed", action = "dispose";
				accept_at = t + handling / 3;
			} else if (v < 0.75)
				outcome = "not_accepted", action = "reject";
			else if (v < 0.93) {
				outcome = "transferred", action = "transfer";
				if (rndf() < 0.5)
					accept_at = t + handling / 3;
			} else
				outcome = "refused_malicious", action = "refuse";
			status = outcome;
			if (rndf() < 0.95 && outcome_at + 3600 < end) {
				feedback_at = outcome_at + 60 + rndn(3600);
				status = "feedback_sent";
				if (rndf() < 0.3)
					rating = 1 + rndn(5);
				if (feedback_at + 3 * 86400 < end && rndf() < 0.85) {
					closed_at = feedback_at + 3 * 86400;
					status = "closed";
				}
			}
		}
		snprintf(who, sizeof(who), "handler-%ld", rndn(20));
		snprintf(body, sizeof(body), "%s\nhttps://bad-%ld.example.vip/p/%ld\n"
		    "时间：该内容仍可访问。", texts[i % (long)NTEXTS], rndn(300000), i);
		gstr(G_CASE, 1, cno);
		gstr(G_CASE, 2, hotline ? "hotline" : "email");
		gstr(G_CASE, 3, status);
		gstr(G_CASE, 4, cat->key);
		gnum(G_CASE, 5, cat->priority);
		gnum(G_CASE, 6, t);
		gnum(G_CASE, 7, t + deadline);
		gstr(G_CASE, 8, hotline ? "" : "举报违法和不良信息");
		gstr(G_CASE, 9, body);
		gstr(G_CASE, 10, hotline ? "none" : "pass");
		gstr(G_CASE, 11, hotline ? NULL : "example.com");
		snprintf(s1, sizeof(s1), "%06ld", rndn(1000000));
		gstr(G_CASE, 12, s1);
		gnum(G_CASE, 13, closed_at > 0 ? closed_at : feedback_at > 0 ?
		    feedback_at : outcome_at > 0 ? outcome_at : t);
		gstr(G_CASE, 14, accept_at > 0 || outcome ? who : NULL);
		gstr(G_CASE, 15, outcome);
		gnum(G_CASE, 16, outcome_at);
		gstr(G_CASE, 17, outcome ? "核查属实，已处置" : NULL);
		gstr(G_CASE, 18, outcome ? "依据《网络信息内容生态治理规定》处理" : NULL);
		gnum(G_CASE, 19, feedback_at);
		gnum(G_CASE, 20, closed_at);
		gnum(G_CASE, 21, rating);
		gnum(G_CASE, 22, outcome_at > 0 ? outcome_at - t : -1);
		id = gstep(G_CASE);

		snprintf(s1, sizeof(s1), "reporter-%ld@example.net", i);
		snprintf(s2, sizeof(s2), "139%08ld", i % 100000000);
		gnum(G_REP, 1, id);
		gstr(G_REP, 2, hotline ? NULL : s1);
		gstr(G_REP, 3, "测试");
		gstr(G_REP, 4, s2);
		gstr(G_REP, 5, hotline ? NULL : "192.0.2.25");
		gstep(G_REP);

		snprintf(s1, sizeof(s1), "gen-%ld@example.net", i);
		sha256_hex(s1, strlen(s1), sha);
		gnum(G_MSG, 1, id);
		gstr(G_MSG, 2, hotline ? "" : s1);
		gstr(G_MSG, 3, sha);
		snprintf(s2, sizeof(s2), "G%ld", i);
		gstr(G_MSG, 4, s2);
		gstr(G_MSG, 5, hotline ? "" : "举报违法和不良信息");
		gstr(G_MSG, 6, body);
		gnum(G_MSG, 7, t);
		mid = gstep(G_MSG);

		nt = hotline ? 1 : 1 + rndn(3);
		for (k = 0; k < nt; k++) {
			snprintf(sha, sizeof(sha), "%016llx%016llx%016llx%016llx",
			    rnd(), rnd(), rnd(), rnd());
			gnum(G_EV, 1, id);
			gnum(G_EV, 2, mid);
			gstr(G_EV, 3, hotline ? "recording.wav" : k ? "evidence.png" :
			    "message.eml");
			gstr(G_EV, 4, hotline ? "audio/wav" : k ? "image/png" :
			    "message/rfc822");
			gnum(G_EV, 5, 20000 + rndn(2000000));
			gstr(G_EV, 6, sha);
			gnum(G_EV, 7, !hotline && k == 0);
			gstep(G_EV);
		}
		nt = 1 + rndn(2);
		for (k = 0; k < nt; k++) {
			/* 300,000 addresses: some are reported again and again */
			snprintf(s1, sizeof(s1), "https://bad-%ld.example.vip/",
			    rndn(300000));
			gnum(G_TGT, 1, id);
			gstr(G_TGT, 2, s1);
			gstep(G_TGT);
		}

		snprintf(s1, sizeof(s1), "channel %s, category %s",
		    hotline ? "hotline" : "email", cat->key);
		gevent(id, t, hotline ? "jubao-sipd" : "jubao-milter", "received", s1);
		gevent(id, t, hotline ? "jubao-sipd" : "jubao-milter", "ack_queued", NULL);
		gevent(id, t + 2, "outbox", "ack_sent", NULL);
		gnum(G_OUT, 1, id);
		gstr(G_OUT, 2, "ack");
		gstr(G_OUT, 3, hotline ? "sip" : "email");
		snprintf(s1, sizeof(s1), "reporter-%ld@example.net", i);
		gstr(G_OUT, 4, hotline ? "13900000000" : s1);
		snprintf(s2, sizeof(s2), "<ack-%ld@example.cn>", i);
		gstr(G_OUT, 5, s2);
		gstr(G_OUT, 6, "Subject: [JB] acknowledgement\r\n\r\n...");
		gnum(G_OUT, 7, t);
		gnum(G_OUT, 8, t);
		gnum(G_OUT, 9, t + 2);
		gstep(G_OUT);
		if (accept_at > 0)
			gevent(id, accept_at, who, "accept", NULL);
		if (outcome) {
			gevent(id, outcome_at, who, action, NULL);
			if (strcmp(outcome, "disposed") == 0)
				for (k = 0; k < 1 + rndn(2); k++) {
					const char *m = measures[rndn(9)];

					gnum(G_MEAS, 1, id);
					gstr(G_MEAS, 2, m);
					gnum(G_MEAS, 3, strcmp(m, "private") == 0 ?
					    outcome_at + 30 * 86400 : -1);
					gnum(G_MEAS, 4, outcome_at);
					gstr(G_MEAS, 5, who);
					gstep(G_MEAS);
				}
		}
		if (feedback_at > 0) {
			gnum(G_OUT, 1, id);
			gstr(G_OUT, 2, "feedback");
			gstr(G_OUT, 3, hotline ? "sip" : "email");
			gstr(G_OUT, 4, hotline ? "13900000000" : s1);
			snprintf(s2, sizeof(s2), "<fb-%ld@example.cn>", i);
			gstr(G_OUT, 5, s2);
			gstr(G_OUT, 6, "Subject: [JB] outcome\r\n\r\n...");
			gnum(G_OUT, 7, feedback_at);
			gnum(G_OUT, 8, feedback_at);
			gnum(G_OUT, 9, feedback_at + 2);
			gstep(G_OUT);
			gevent(id, feedback_at, "outbox", "feedback_sent", NULL);
		}
		if (rating > 0)
			gevent(id, feedback_at + 86400, "reporter", "rate", NULL);
		if (closed_at > 0)
			gevent(id, closed_at, who, "close", NULL);
		if (i % 50000 == 49999 && sqlite3_exec(gdb, "COMMIT; BEGIN", NULL,
		    NULL, NULL) != SQLITE_OK)
			die("commit", sqlite3_errmsg(gdb));
	}
	if (*lastday) {
		gstr(G_SEQ, 1, lastday);
		gnum(G_SEQ, 2, seq);
		gstep(G_SEQ);
	}
	for (j = 0; j < G_N; j++)
		sqlite3_finalize(gs[j]);
	if (sqlite3_exec(gdb, "COMMIT; PRAGMA wal_checkpoint(TRUNCATE)", NULL,
	    NULL, NULL) != SQLITE_OK)
		die("commit", sqlite3_errmsg(gdb));
	sqlite3_close(gdb);
	printf("generated=%ld seconds=%.1f\n", ncases, (now_ms() - t0) / 1000);
	buf_free(&err);
	return (0);
}

/* cmd_show - store_case_view ROUNDS times; mean milliseconds */
static int
cmd_show(const char *conf, const char *case_no, int rounds)
{
	struct rt		 rt;
	struct store		*st;
	struct case_view	 c;
	buf			 err = { 0 };
	double			 t0;
	int			 i;

	rt_load(conf, &rt);
	buf_adds(&err, "");
	st = open_store(&rt);
	t0 = now_ms();
	for (i = 0; i < rounds; i++) {
		if (store_case_view(st, case_no, 0, "storebench", time(NULL),
		    &c) < 0)
			die(case_no, store_error(st));
		case_view_free(&c);
	}
	printf("show_ms=%.3f\n", (now_ms() - t0) / rounds);
	store_close(st);
	buf_free(&err);
	return (0);
}

/* kc - a small key -> count table */
struct kc {
	char	 key[64];
	long	 n;
};

/* kc_add - count one more of key in t (at most 64 keys) */
static void
kc_add(struct kc *t, int *nt, const unsigned char *key)
{
	int	 i;

	if (key == NULL)
		key = (const unsigned char *)"";
	for (i = 0; i < *nt; i++)
		if (strcmp(t[i].key, (const char *)key) == 0) {
			t[i].n++;
			return;
		}
	if (*nt < 64) {
		snprintf(t[*nt].key, sizeof(t[*nt].key), "%s", key);
		t[(*nt)++].n = 1;
	}
}

/*
 * cmd_stats - a proposal for store_stats(), timed: one pass over the
 * cases of [from, to) aggregated here instead of seventeen scans, then
 * the two joins (accepted, measures) as store_stats has them.  Prints the
 * milliseconds of each part and a few totals to compare with jubaoctl.
 */
static int
cmd_stats(const char *conf, time_t from, time_t to)
{
	struct rt	 rt;
	sqlite3		*db;
	sqlite3_stmt	*s;
	struct kc	 ch[64], cat[64], stat[64], out[64], meas[64];
	int		 nch = 0, ncat = 0, nstat = 0, nout = 0, nmeas = 0;
	long		 n = 0, on_time = 0, fb = 0, rated = 0, nh = 0, accepted = 0;
	double		 sat = 0, *h = xcalloc(1, sizeof(*h)), t0 = now_ms(), t1, t2;
	size_t		 cap = 1;

	rt_load(conf, &rt);
	if (sqlite3_open_v2(rt.cfg->store_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		die(rt.cfg->store_path, sqlite3_errmsg(db));
	if (sqlite3_prepare_v2(db, "SELECT channel, category, status, outcome, "
	    "outcome_at - received_at, outcome_at <= deadline, feedback_at IS NOT NULL, "
	    "satisfaction FROM cases WHERE received_at >= ? AND received_at < ?",
	    -1, &s, NULL) != SQLITE_OK)
		die("prepare", sqlite3_errmsg(db));
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	while (sqlite3_step(s) == SQLITE_ROW) {
		n++;
		kc_add(ch, &nch, sqlite3_column_text(s, 0));
		kc_add(cat, &ncat, sqlite3_column_text(s, 1));
		kc_add(stat, &nstat, sqlite3_column_text(s, 2));
		if (sqlite3_column_type(s, 3) != SQLITE_NULL) {
			kc_add(out, &nout, sqlite3_column_text(s, 3));
			if ((size_t)nh == cap)
				h = xrealloc(h, (cap *= 2) * sizeof(*h));
			h[nh++] = (double)sqlite3_column_int64(s, 4) / 3600;
			on_time += sqlite3_column_int(s, 5);
		}
		fb += sqlite3_column_int(s, 6);
		if (sqlite3_column_type(s, 7) != SQLITE_NULL) {
			rated++;
			sat += sqlite3_column_double(s, 7);
		}
	}
	sqlite3_finalize(s);
	qsort(h, (size_t)nh, sizeof(*h), dcmp);
	t1 = now_ms();
	if (sqlite3_prepare_v2(db, "SELECT count(DISTINCT e.case_id) FROM events e "
	    "JOIN cases c ON c.id = e.case_id WHERE e.action = 'accept' AND "
	    "c.received_at >= ? AND c.received_at < ?", -1, &s, NULL) != SQLITE_OK)
		die("prepare", sqlite3_errmsg(db));
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	if (sqlite3_step(s) == SQLITE_ROW)
		accepted = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	t2 = now_ms();
	if (sqlite3_prepare_v2(db, "SELECT m.measure FROM measures m JOIN cases c "
	    "ON c.id = m.case_id WHERE c.received_at >= ? AND c.received_at < ?",
	    -1, &s, NULL) != SQLITE_OK)
		die("prepare", sqlite3_errmsg(db));
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	while (sqlite3_step(s) == SQLITE_ROW)
		kc_add(meas, &nmeas, sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	printf("received=%ld accepted=%ld with_outcome=%ld on_time=%ld feedback=%ld "
	    "rated=%ld median_h=%.1f p90_h=%.1f channels=%d categories=%d statuses=%d "
	    "measures=%d scan_ms=%.0f accepted_ms=%.0f measures_ms=%.0f total_ms=%.0f\n",
	    n, accepted, nh, on_time, fb, rated, pctl(h, nh, 50), pctl(h, nh, 90),
	    nch, ncat, nstat, nmeas, t1 - t0, t2 - t1, now_ms() - t2, now_ms() - t0);
	(void)sat;
	(void)nout;
	free(h);
	sqlite3_close(db);
	return (0);
}

/* usage - the synopsis; exit 2 */
static void
usage(void)
{
	fprintf(stderr, "usage: storebench writers CONF NPROC SECONDS [reopen]\n"
	    "       storebench generate CONF NCASES END_EPOCH [SEED]\n"
	    "       storebench show CONF CASE ROUNDS\n"
	    "       storebench stats CONF FROM_EPOCH TO_EPOCH\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	log_init("storebench", 1, NULL);
	g_mime_init();		/* ack_render builds the acknowledgement with GMime */
	if (argc >= 5 && strcmp(argv[1], "writers") == 0)
		return (cmd_writers(argv[2], atoi(argv[3]), atof(argv[4]),
		    argc > 5 && strcmp(argv[5], "reopen") == 0));
	if (argc >= 5 && strcmp(argv[1], "generate") == 0)
		return (cmd_generate(argv[2], atol(argv[3]), (time_t)atoll(argv[4]),
		    argc > 5 ? strtoull(argv[5], NULL, 10) : 6));
	if (argc == 5 && strcmp(argv[1], "stats") == 0)
		return (cmd_stats(argv[2], (time_t)atoll(argv[3]), (time_t)atoll(argv[4])));
	if (argc == 5 && strcmp(argv[1], "show") == 0)
		return (cmd_show(argv[2], argv[3], atoi(argv[4])));
	usage();
	return (2);
}
