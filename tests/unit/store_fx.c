/*
 * NAME
 *	store_fx - the fixture of the store's unit tests (store_fx.h)
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

#include "crypt.h"
#include "log.h"
#include "store_fx.h"

int			 npass, nfail, nmail;
char			 tmp[256];	/* the test's directory */
const time_t		 base = 1795400000;	/* 2026-11-23: "now" */
struct cfg		*cfg;
struct categories	*cats;
struct ack_ctx		 ack;
struct feedback_ctx	 fb;
struct lookup_ctx	 look;
struct intake_ctx	 ix;

/* what a report's text makes it: categories.conf's deadline and priority */
const struct kind fraud = { "举报诈骗", "有骗子用钓鱼网站 https://scam.example/login 诈骗，"
	    "联系电话 13812345678。", 72 },
  other = { "一个问题", "请看看这个页面上的内容。", 168 },
  pct = { "折扣 100%_off 链接", "请看看。", 168 },
  wild = { "折扣 100xyoff 链接", "请看看。", 168 },
  rumour = { "企业谣言", "有人造谣我们公司。", 120 };

/* check - record one result */
void
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
const char *
tpath(const char *name)
{
	static char	 p[2][512];
	static int	 k;

	k ^= 1;
	snprintf(p[k], sizeof(p[k]), "%s/%s", tmp, name);
	return (p[k]);
}

/* cleanup - remove the test's directory and what is in it */
void
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
void
die(const char *what, const char *why)
{
	fprintf(stderr, "t_store: %s: %s\n", what, S(why));
	cleanup();
	exit(2);
}

/* mono - seconds on CLOCK_MONOTONIC */
double
mono(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

/* setup - directory, key, configuration, categories, templates */
void
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
	    feedback_init(&fb, cfg, cats, &err) < 0 ||
	    lookup_init(&look, cfg, cats, &err) < 0)
		die("configuration", err.s);
	ix.look = &look;
	ix.cfg = cfg;
	ix.cats = cats;
	ix.ack = &ack;
	ix.actor = "t_store";
	buf_free(&err);
}

/* raw - a db connection of our own on a file of the directory, or die */
struct db *
raw(const char *name, long timeout)
{
	struct db	*db;
	buf		 err = { 0 };

	if (db_open(NULL, tpath(name), timeout, &db, &err) < 0)
		die(name, err.s);
	return (db);
}

/* open_store - a store in the directory (created, migrated), or die */
struct store *
open_store(const char *name)
{
	struct store	*st;
	buf		 err = { 0 };

	if (store_open(NULL, tpath(name), cfg->store_busy_timeout, &st, NULL,
	    &err) < 0)
		die(name, err.s);
	return (st);
}

/* mail - an email report as the milter makes one: SPF pass, a new hash */
struct report *
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
int
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
void
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
int
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
const struct case_view *
see(struct store *st, const char *no, int reveal)
{
	static struct case_view	 v;

	case_view_free(&v);
	if (no != NULL)
		store_case_view(st, no, reveal, "t_store", base, &v);
	return (&v);
}

/* message - the first message of kind on channel (NULL: any) a case owes */
const struct case_message *
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
int
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
long
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
void
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
int
act(struct store *st, const char *no, const char *action, const char *actor,
    time_t now, const char *const *measures, char status[32])
{
	struct case_action	 a = { .action = action, .actor = actor,
				    .now = now, .measures = measures };

	while (measures && measures[a.nmeasures])
		a.nmeasures++;
	return (workflow_act(st, &fb, no, &a, status, 32));
}

/* fx_done - release the fixture, remove the directory, print the tally */
void
fx_done(void)
{
	see(NULL, NULL, 0);
	feedback_free(&fb);
	ack_free(&ack);
	cat_free(cats);
	cfg_unref(cfg);
	g_mime_shutdown();
	cleanup();
	printf("%d passed, %d failed\n", npass, nfail);
}
