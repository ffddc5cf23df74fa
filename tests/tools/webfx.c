/*
 * NAME
 *	webfx - cases whose receipt PIN a test knows (jubao-webd's tests)
 * SYNOPSIS
 *	webfx case CONF [N]
 *	webfx pins CONF N OUT [SEED]
 * DESCRIPTION
 *	case: N (default 1) new email cases through the real intake
 *	pipeline (intake_email, as jubao-milter commits a report: SPF pass,
 *	the acknowledgement queued), received now; prints "CASE PIN" a line.
 *	The PIN is what intake returns (struct intake_result), as the
 *	acknowledgement gives it to the reporter.
 *
 *	pins: for N cases picked at random from a store that
 *	tests/bench/storebench generated (it writes no PIN hashes), a random
 *	PIN, kept as the store keeps one (store_pin_hash); writes "CASE PIN"
 *	lines to OUT for the benchmark's requests (tests/bench/bench-web.sh).
 *	Test tooling: it writes the pin_hash column straight, in one
 *	transaction, with the store's own hash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sqlite3.h>
#include <gmime/gmime.h>
#include <sodium.h>

#include "ack.h"
#include "cfg.h"
#include "classify.h"
#include "intake.h"
#include "log.h"
#include "store.h"

/* die - say why and exit 1 */
static void
die(const char *what, const char *why)
{
	fprintf(stderr, "webfx: %s: %s\n", what, why ? why : "failed");
	exit(1);
}

/* conf_load - configuration, categories and the key, or die */
static struct cfg *
conf_load(const char *path, struct categories **cats)
{
	struct cfg	*cfg;
	buf		 err = { 0 };

	buf_adds(&err, "");
	if ((cfg = cfg_load(path, &err)) == NULL ||
	    (*cats = cat_load(cfg->categories_file, &err)) == NULL ||
	    store_keys_load(cfg->key_file, &err) < 0)
		die(path, err.s);
	buf_free(&err);
	return (cfg);
}

/* cmd_case - n reports through intake_email; "CASE PIN" for each */
static int
cmd_case(const char *conf, long n)
{
	struct categories	*cats;
	struct cfg		*cfg = conf_load(conf, &cats);
	struct intake_ctx	 ix;
	struct intake_result	 res;
	struct ack_ctx		 ack;
	struct report		*r;
	struct store		*st;
	buf			 err = { 0 };
	time_t			 now = time(NULL);
	long			 i;

	buf_adds(&err, "");
	if (ack_init(&ack, cfg, cats, &err) < 0 ||
	    store_open(cfg->store_engine, cfg_store_where(cfg),
	    cfg->store_busy_timeout, &st, NULL, &err) < 0)
		die(conf, err.s);
	ix.cfg = cfg;
	ix.cats = cats;
	ix.ack = &ack;
	ix.actor = "webfx";
	for (i = 0; i < n; i++) {
		r = report_new("email");
		r->received_at = now;
		r->subject = xstrdup("举报诈骗网站");
		r->text = xasprintf("有骗子用钓鱼网站 https://scam-%ld.example/login "
		    "诈骗，联系电话 13812345678。", i);
		r->env_from = xasprintf("reporter%ld@example.com", i);
		r->from_addr = xstrdup(r->env_from);
		r->client_addr = xstrdup("192.0.2.1");
		r->message_id = xasprintf("webfx.%ld.%ld@example.com",
		    (long)now, i);
		r->queue_id = xasprintf("WEBFX%ld", i);
		snprintf(r->content_hash, sizeof(r->content_hash),
		    "%032lx%032lx", (long)now, i);
		free(r->spf);
		r->spf = xstrdup("pass");
		r->authenticated = 1;
		memset(&res, 0, sizeof(res));
		if (intake_email(&ix, st, r, &res) < 0)
			die("intake_email", store_error(st));
		report_free(r);
		if (*res.pin == '\0')
			die("intake_email", "no PIN for a new case");
		printf("%s %s\n", res.case_no, res.pin);
	}
	store_close(st);
	ack_free(&ack);
	cat_free(cats);
	cfg_unref(cfg);
	buf_free(&err);
	return (0);
}

/* cmd_pins - n random cases of a generated store get PINs; "CASE PIN" to out */
static int
cmd_pins(const char *conf, long n, const char *out, unsigned seed)
{
	struct categories	*cats;
	struct cfg		*cfg = conf_load(conf, &cats);
	sqlite3			*db;
	sqlite3_stmt		*sel, *upd;
	FILE			*fp;
	char			 pin[8], h[33];
	long			 done = 0;

	srandom(seed);
	if (sqlite3_open(cfg->store_path, &db) != SQLITE_OK)
		die(cfg->store_path, sqlite3_errmsg(db));
	/* a random sample: every case has the same chance */
	if (sqlite3_exec(db, "PRAGMA busy_timeout = 30000; BEGIN", NULL, NULL,
	    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT case_no FROM cases ORDER BY "
	    "random() LIMIT ?", -1, &sel, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "UPDATE cases SET pin = '', pin_hash = ? "
	    "WHERE case_no = ?", -1, &upd, NULL) != SQLITE_OK)
		die("sqlite", sqlite3_errmsg(db));
	if ((fp = fopen(out, "w")) == NULL)
		die(out, "cannot write");
	sqlite3_bind_int64(sel, 1, n);
	while (sqlite3_step(sel) == SQLITE_ROW) {
		const char *no = (const char *)sqlite3_column_text(sel, 0);

		snprintf(pin, sizeof(pin), "%06ld", random() % 1000000);
		store_pin_hash(no, pin, h);
		sqlite3_bind_text(upd, 1, h, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(upd, 2, no, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(upd) != SQLITE_DONE)
			die("update", sqlite3_errmsg(db));
		sqlite3_reset(upd);
		fprintf(fp, "%s %s\n", no, pin);
		done++;
	}
	sqlite3_finalize(sel);
	sqlite3_finalize(upd);
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		die("commit", sqlite3_errmsg(db));
	sqlite3_close(db);
	if (fclose(fp) != 0)
		die(out, "cannot write");
	printf("pins=%ld\n", done);
	cat_free(cats);
	cfg_unref(cfg);
	return (done == n ? 0 : 1);
}

int
main(int argc, char **argv)
{
	log_init("webfx", 1, NULL);
	if (sodium_init() < 0)
		die("libsodium", "cannot initialise");
	g_mime_init();
	if (argc >= 3 && strcmp(argv[1], "case") == 0)
		return (cmd_case(argv[2], argc > 3 ? atol(argv[3]) : 1));
	if (argc >= 5 && strcmp(argv[1], "pins") == 0)
		return (cmd_pins(argv[2], atol(argv[3]), argv[4],
		    argc > 5 ? (unsigned)atol(argv[5]) : 1));
	fprintf(stderr, "usage: webfx case CONF [N]\n"
	    "       webfx pins CONF N OUT [SEED]\n");
	return (2);
}
