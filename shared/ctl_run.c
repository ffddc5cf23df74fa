/*
 * NAME
 *	ctl_run - jubaoctl deliver, purge, evidence, config, keygen
 * DESCRIPTION
 *	What an administrator runs by hand or from cron: the outbox once,
 *	retention, one sealed evidence item, the configuration, a new key.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>

#include "caseno.h"
#include "crypt.h"
#include "derive.h"
#include "ctl.h"
#include "evidence.h"
#include "log.h"
#include "outbox.h"

#define PURGE_BATCH	20	/* cases a transaction: intake waits no longer */

/* cmd_deliver - run the mail outbox once, now */
int
cmd_deliver(struct ctl *x, int argc, char **argv)
{
	struct outbox_stats	 s;
	char			 owner[64];
	int			 rc;

	(void)argv;
	if (argc != 1)
		ctl_usage();
	snprintf(owner, sizeof(owner), "jubaoctl[%ld]", (long)getpid());
	rc = outbox_run(x->st, x->cfg, &outbox_email, owner, 0, NULL, &s);
	outbox_close();
	if (rc < 0)
		return (ctl_store_fail(x));
	printf("sent %d, deferred %d, failed %d\n", s.sent, s.deferred, s.failed);
	return (0);
}

/*
 * cmd_purge - pseudonymise the cases closed longer ago than retention,
 * PURGE_BATCH a transaction, deleting each batch's evidence files after
 * its commit (工作规范 第二十八条 keeps six months; cfg.c enforces it)
 */
int
cmd_purge(struct ctl *x, int argc, char **argv)
{
	int	 dry = argc == 2 && strcmp(argv[1], "--dry-run") == 0;
	int	 clean = 1, rc = 0;
	long	 n = 0, k;
	size_t	 deleted = 0, i;
	time_t	 before = x->now - x->cfg->retention;
	strlist	 files = { 0 };

	if (argc != 1 && !dry)
		ctl_usage();
	if (dry) {
		if ((n = store_purge_count(x->st, before)) < 0)
			rc = -1;
	} else
		while ((k = store_purge_batch(x->st, before, x->now, PURGE_BATCH,
		    "jubaoctl", &files)) != 0) {
			if (k < 0) {
				rc = -1;
				break;
			}
			n += k;
			for (i = 0; i < files.n; i++)
				if (evidence_remove(x->cfg->evidence_dir,
				    files.v[i]) < 0)
					fprintf(stderr, "jubaoctl: cannot delete "
					    "evidence %s: %s\n", files.v[i],
					    strerror(errno));
				else
					deleted++;
			strlist_free(&files);
		}
	printf("%s %ld case(s) closed before the retention of %ld days; %zu "
	    "evidence file(s) deleted\n", dry ? "would purge" : "purged", n,
	    x->cfg->retention / 86400, deleted);
	if (rc < 0)
		return (ctl_store_fail(x));
	/* the old page images are in the engine's log until it is emptied */
	if (!dry && store_purge_finish(x->st, &clean) < 0)
		return (ctl_store_fail(x));
	if (!clean) {
		fprintf(stderr, "jubaoctl: a reader kept the log from being "
		    "truncated: old copies of purged data stay in the WAL file "
		    "until the next checkpoint; run purge again\n");
		return (EXIT_TEMP);
	}
	return (0);
}

/*
 * cmd_evidence - one item of a case's sealed evidence, opened to standard
 * output (a file or a pipe, never a terminal), its opening recorded in the
 * ledger before a byte is written, its SHA-256 checked after; an
 * attachment is found again in its original message (each byte is
 * stored once).  The original message names the reporter: opening it is
 * a reveal too, in the ledger as show --reveal's, before a byte.
 */
int
cmd_evidence(struct ctl *x, int argc, char **argv)
{
	struct store_evidence	 ev;
	struct case_view	 v;
	char			 sha[65], *end, *why;
	long			 n;
	buf			 err = { 0 };
	int			 rc;

	if (argc != 3)
		ctl_usage();
	n = strtol(argv[2], &end, 10);
	if (!caseno_valid(argv[1]) || *end != '\0' || n < 1) {
		fprintf(stderr, "jubaoctl: evidence CASE N: N is the item's number "
		    "in \"jubaoctl show CASE\"\n");
		return (EXIT_USAGE);
	}
	if (isatty(STDOUT_FILENO)) {
		fprintf(stderr, "jubaoctl: evidence is not for a terminal: "
		    "redirect it to a file (> FILE) or a pipe\n");
		return (EXIT_USAGE);
	}
	if (store_evidence_open(x->st, argv[1], n, x->actor, x->now, &ev) < 0)
		return (ctl_store_fail(x));
	if (ev.is_original) {
		/* at the real time, whatever --now says, as show --reveal */
		why = xasprintf("the original message (item %ld) opened with "
		    "jubaoctl evidence", n);
		rc = store_case_view_why(x->st, argv[1], why, x->actor,
		    time(NULL), &v);
		free(why);
		if (rc < 0)
			return (ctl_store_fail(x));
		case_view_free(&v);
	}
	buf_adds(&err, "");
	rc = evidence_item_open(x->cfg, x->st, &ev, STDOUT_FILENO, sha, &err);
	if (rc == -2)
		return (ctl_store_fail(x));
	if (rc < 0) {
		fprintf(stderr, "jubaoctl: %s\n", err.s);
		buf_free(&err);
		return (EXIT_REFUSED);
	}
	buf_free(&err);
	if (strcmp(sha, ev.sha256) != 0) {
		fprintf(stderr, "jubaoctl: case %s item %ld: the content does not "
		    "match its recorded SHA-256 (%s)\n", argv[1], n, ev.sha256);
		return (EXIT_REFUSED);
	}
	return (0);
}

/* cmd_config - postconf(1) style: every parameter and its value */
int
cmd_config(struct ctl *x, int argc, char **argv)
{
	struct cfg	*d;

	if (argc == 2 && strcmp(argv[1], "--defaults") == 0) {
		d = cfg_defaults();
		cfg_dump(d, stdout, 0);
		cfg_unref(d);
	} else if (argc == 2 && strcmp(argv[1], "--changed") == 0)
		cfg_dump(x->cfg, stdout, 1);
	else if (argc == 1)
		cfg_dump(x->cfg, stdout, 0);
	else
		ctl_usage();
	return (0);
}

/* cmd_keygen - a new key_file, mode 0600; an existing one is never replaced */
int
cmd_keygen(struct ctl *x, int argc, char **argv)
{
	buf	 err = { 0 };

	(void)argv;
	if (argc != 1)
		ctl_usage();
	buf_adds(&err, "");
	if (crypt_keygen(x->cfg->key_file, &err) < 0) {
		fprintf(stderr, "jubaoctl: %s", err.s);
		buf_free(&err);
		return (EXIT_REFUSED);
	}
	buf_free(&err);
	printf("jubaoctl: new key in %s\n", x->cfg->key_file);
	return (0);
}

/* load_file - an evidence file's sealed bytes from evidence_dir */
static int
load_file(void *arg, const char *file, void **data, size_t *len)
{
	static long	 told;
	struct ctl	*x = arg;
	buf		 err = { 0 };
	char		*p = evidence_path(x->cfg->evidence_dir, file);
	int		 rc;

	if (access(p, F_OK) < 0 && errno == ENOENT) {
		if (told++ < 10)
			fprintf(stderr, "jubaoctl: evidence %s: not in "
			    "evidence_dir: nothing to copy\n", p);
		free(p);
		return (1);
	}
	free(p);
	if ((rc = evidence_read(x->cfg->evidence_dir, file, data, len,
	    &err)) < 0)
		fprintf(stderr, "jubaoctl: %s\n", err.s);
	buf_free(&err);
	return (rc);
}

/*
 * cmd_copy - copy-from FILE: an SQLite store (FILE) copied into the
 * configured store, which must be empty (store_engine postgresql: a site
 * that outgrew one host), then verified table by table
 */
int
cmd_copy(struct ctl *x, int argc, char **argv)
{
	struct store_copied	 out[STORE_COPY_TABLES];
	struct store		*src, *failed;
	buf			 err = { 0 };
	size_t			 i, n;
	int			 temporary, rc;

	if (argc != 2)
		ctl_usage();
	if (access(argv[1], F_OK) < 0) {
		fprintf(stderr, "jubaoctl: store %s: %s\n", argv[1],
		    strerror(errno));
		return (EXIT_REFUSED);
	}
	if (store_open("sqlite", argv[1], x->cfg->store_busy_timeout, &src,
	    &temporary, &err) < 0) {
		fprintf(stderr, "jubaoctl: %s\n", err.s);
		buf_free(&err);
		return (temporary ? EXIT_TEMP : EXIT_REFUSED);
	}
	rc = store_copy(x->st, src, out, &n, load_file, x, &failed);
	for (i = 0; i < n; i++)
		printf("%-14s %8ld rows  %s  %s\n", out[i].table, out[i].rows,
		    out[i].sha256, out[i].same ? "same" : "DIFFERENT");
	if (rc < 0) {
		fprintf(stderr, "jubaoctl: copy-from %s: %s\n", argv[1],
		    store_error(failed));
		rc = store_busy(failed) ? EXIT_TEMP : EXIT_REFUSED;
	} else
		printf("copied and verified: %d tables%s\n", STORE_COPY_TABLES -
		    1, n == STORE_COPY_TABLES ? " and the evidence files" : "");
	if (n == STORE_COPY_TABLES && out[n - 1].missing > 0)
		fprintf(stderr, "jubaoctl: %ld evidence file(s) the store names "
		    "were not in %s: the source had lost them already\n",
		    out[n - 1].missing, x->cfg->evidence_dir);
	store_close(src);
	return (rc);
}
