/*
 * NAME
 *	daemon - start-up, runtime snapshots, the outbox thread, stopping
 * DESCRIPTION
 *	See daemon.h.  The outbox thread keeps one store handle of its own
 *	and runs each transport of the program in turn, when something was
 *	queued (daemon_kick) or every outbox_interval; a stop request sets
 *	the flag every transport watches (outbox.h), so that a delivery in
 *	flight (an SMTP dialogue, a sendmail that hangs, a SIP MESSAGE
 *	waiting for its answer) ends within a second or two.
 *
 *	daemon_store hands each thread a long-lived handle of its own (a
 *	milter worker, the bridge's commit worker): opening the store costs
 *	a WAL index rebuild and prepared statements, so it is done once per
 *	thread, not per report (tests/bench/RESULTS.md).
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <sysexits.h>
#include <unistd.h>
#include <curl/curl.h>
#include <gmime/gmime.h>

#include "daemon.h"
#include "log.h"
#include "privdrop.h"

static const struct daemon *prog;
static const char	*conf_path = CFG_DEFAULT_PATH;

static pthread_mutex_t	 rt_lock = PTHREAD_MUTEX_INITIALIZER;
static struct runtime	*rt_current;

static pthread_mutex_t	 ob_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 ob_cond = PTHREAD_COND_INITIALIZER;
static int		 ob_kicked;
static volatile sig_atomic_t ob_stop;
static pthread_t	 ob_thread;
static int		 ob_started;

static pthread_key_t	 store_key;

static void	*outbox_thread(void *);

/* runtime_free - release a runtime nobody refers to */
static void
runtime_free(struct runtime *rt)
{
	if (rt->own != NULL && prog->unload != NULL)
		prog->unload(rt->own);
	ack_free(&rt->ack);
	lookup_free(&rt->look);
	cat_free(rt->cats);
	if (rt->cfg != NULL)
		cfg_unref(rt->cfg);
	free(rt);
}

/* checked - the end of "-n" (or of a start that failed early): rc */
static int
checked(struct runtime *rt, buf *err, int rc)
{
	runtime_put(rt);
	buf_free(err);
	return (rc);
}

/*
 * runtime_load - configuration, categories, templates and the program's
 * part from path, checked; NULL with what is wrong in err
 */
static struct runtime *
runtime_load(const char *path, buf *err)
{
	struct runtime	*rt = xcalloc(1, sizeof(*rt));

	if ((rt->cfg = cfg_load(path, err)) == NULL ||
	    cfg_check_program(rt->cfg, prog->name, err) < 0 ||
	    (rt->cats = cat_load(rt->cfg->categories_file, err)) == NULL ||
	    ack_init(&rt->ack, rt->cfg, rt->cats, err) < 0 ||
	    lookup_init(&rt->look, rt->cfg, rt->cats, err) < 0 ||
	    (prog->load != NULL && prog->load(rt, path, err) < 0)) {
		runtime_free(rt);
		return (NULL);
	}
	rt->refs = 1;
	return (rt);
}

/* runtime_get - a reference to the current runtime; runtime_put it */
struct runtime *
runtime_get(void)
{
	struct runtime	*rt;

	pthread_mutex_lock(&rt_lock);
	rt = rt_current;
	rt->refs++;
	pthread_mutex_unlock(&rt_lock);
	return (rt);
}

/* runtime_put - drop a reference; the last frees (NULL is fine) */
void
runtime_put(struct runtime *rt)
{
	int	 last;

	if (rt == NULL)
		return;
	pthread_mutex_lock(&rt_lock);
	last = --rt->refs == 0;
	pthread_mutex_unlock(&rt_lock);
	if (last)
		runtime_free(rt);
}

/*
 * daemon_reload - load the configuration again and make it current for
 * what starts from now on; 0, or -1 (logged) keeping the running one
 */
int
daemon_reload(void)
{
	struct runtime	*rt, *old;
	buf		 err = { 0 };

	buf_adds(&err, "");
	if ((rt = runtime_load(conf_path, &err)) == NULL) {
		log_error("reload of %s failed, keeping the running "
		    "configuration:\n%s", conf_path, err.s);
		buf_free(&err);
		return (-1);
	}
	buf_free(&err);
	pthread_mutex_lock(&rt_lock);
	old = rt_current;
	rt_current = rt;
	pthread_mutex_unlock(&rt_lock);
	runtime_put(old);
	log_info("configuration reloaded from %s", conf_path);
	return (0);
}

/* store_destroy - a thread's handle, closed when the thread ends */
static void
store_destroy(void *st)
{
	store_close(st);
}

/*
 * daemon_store - this thread's handle on the store, opened on first use
 * and kept; NULL with the reason in err
 */
struct store *
daemon_store(const struct cfg *cfg, buf *err)
{
	struct store	*st = pthread_getspecific(store_key);

	/* a reload changed store_path or store_busy_timeout: open it anew */
	if (st != NULL && !store_opened_as(st, cfg->store_engine,
	    cfg_store_where(cfg),
	    cfg->store_busy_timeout)) {
		pthread_setspecific(store_key, NULL);
		store_close(st);
		st = NULL;
	}
	if (st == NULL && store_open(cfg->store_engine,
	    cfg_store_where(cfg), cfg->store_busy_timeout,
	    &st, NULL, err) == 0)
		pthread_setspecific(store_key, st);
	return (st);
}

/*
 * daemon_store_failed - a call on this thread's handle failed: after a
 * failure that may pass (I/O, a lock), the next use opens it anew
 */
void
daemon_store_failed(struct store *st)
{
	if (st == NULL || !store_busy(st) || st != pthread_getspecific(store_key))
		return;
	pthread_setspecific(store_key, NULL);
	store_close(st);
}

/*
 * daemon_spool_clear - (run, before any request) remove the files of dir
 * named prefix*: what a crash left of the program's own work; the count
 */
int
daemon_spool_clear(const char *dir, const char *prefix)
{
	DIR		*d;
	struct dirent	*e;
	char		*p;
	int		 n = 0;

	if ((d = opendir(dir)) == NULL)
		return (0);
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, prefix, strlen(prefix)) != 0)
			continue;
		p = xasprintf("%s/%s", dir, e->d_name);
		if (unlink(p) == 0)
			n++;
		free(p);
	}
	closedir(d);
	return (n);
}

/* daemon_kick - something was queued: wake the outbox thread */
void
daemon_kick(void)
{
	pthread_mutex_lock(&ob_lock);
	ob_kicked = 1;
	pthread_cond_signal(&ob_cond);
	pthread_mutex_unlock(&ob_lock);
}

/* daemon_stopping - the flag transports watch: set when stopping */
volatile sig_atomic_t *
daemon_stopping(void)
{
	return (&ob_stop);
}

/*
 * daemon_outbox_start - (run) start delivering, once the program's
 * transports can (jubao-sipd's needs its loop); exits when it cannot
 */
void
daemon_outbox_start(void)
{
	if (pthread_create(&ob_thread, NULL, outbox_thread, NULL) != 0)
		log_fatal("cannot start the outbox thread");
	ob_started = 1;
}

/*
 * daemon_outbox_abort - ask the outbox thread to stop: what is in flight
 * is aborted and left for the next run; returns at once
 */
void
daemon_outbox_abort(void)
{
	pthread_mutex_lock(&ob_lock);
	ob_stop = 1;
	pthread_cond_broadcast(&ob_cond);
	pthread_mutex_unlock(&ob_lock);
}

/* daemon_outbox_stop - daemon_outbox_abort, and wait until it is gone */
void
daemon_outbox_stop(void)
{
	daemon_outbox_abort();
	if (ob_started) {
		pthread_join(ob_thread, NULL);
		ob_started = 0;
	}
}

/* outbox_thread - deliver, outside the program's own threads */
static void *
outbox_thread(void *arg)
{
	const struct outbox_transport *const *tr;
	struct outbox_stats	 stats;
	struct runtime		*rt;
	struct store		*st;
	struct timespec		 ts;
	char			 owner[64];
	buf			 err = { 0 };

	(void)arg;
	snprintf(owner, sizeof(owner), "%s[%ld]", prog->name, (long)getpid());
	while (!ob_stop) {
		rt = runtime_get();
		err.len = 0;
		buf_adds(&err, "");
		if ((st = daemon_store(rt->cfg, &err)) == NULL)
			log_warnx("outbox: %s", err.s);
		for (tr = prog->transports; st != NULL && *tr && !ob_stop; tr++)
			if (outbox_run(st, rt->cfg, *tr, owner, 0, &ob_stop,
			    &stats) < 0) {
				daemon_store_failed(st);
				break;
			}
		pthread_mutex_lock(&ob_lock);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += rt->cfg->outbox_interval;
		runtime_put(rt);
		while (!ob_kicked && !ob_stop)
			if (pthread_cond_timedwait(&ob_cond, &ob_lock, &ts) ==
			    ETIMEDOUT)
				break;
		ob_kicked = 0;
		pthread_mutex_unlock(&ob_lock);
	}
	outbox_close();
	buf_free(&err);
	return (NULL);
}

/* prepare - (root) the directories, handed to run_user; exits on error */
static void
prepare(const struct cfg *cfg)
{
	buf	 err = { 0 };

	buf_adds(&err, "");
	if (strcmp(cfg->store_engine, "sqlite") == 0)
		privdrop_store(cfg->run_user, cfg->store_path, &err);
	privdrop_dir(cfg->run_user, cfg->evidence_dir, 0750, &err);
	if (prog->prepare != NULL)
		prog->prepare(cfg, &err);
	if (err.len > 0)
		log_fatal("%s", err.s);
	buf_free(&err);
}

/* usage - the synopsis; exit 2 */
static void
usage(void)
{
	fprintf(stderr, "usage: %s [-fnv] [-c file]\n", prog->name);
	exit(2);
}

/*
 * daemon_main - run the program d (see daemon.h); the exit status: 0, 1
 * for a configuration with errors, 2 for usage
 */
int
daemon_main(int argc, char **argv, const struct daemon *d)
{
	struct runtime	*rt;
	struct store	*st;
	sigset_t	 set;
	buf		 err = { 0 };
	int		 ch, check = 0, fg = 0, verbose = 0, rc;

	prog = d;
	while ((ch = getopt(argc, argv, "c:fnv")) != -1)
		switch (ch) {
		case 'c': conf_path = optarg; break;
		case 'f': fg = 1; break;
		case 'n': check = 1; break;
		case 'v': verbose = 1; break;
		default: usage();
		}
	if (optind != argc)
		usage();
	/* nothing jubao writes is for others to read (evidence is sealed,
	 * the store holds sealed identity; the group may read, for backups) */
	umask(027);
	log_init(d->name, fg || check, NULL);
	log_set_verbose(verbose);
	g_mime_init();
	buf_adds(&err, "");
	if ((rt = runtime_load(conf_path, &err)) == NULL) {
		fprintf(stderr, "%s%s: %s: configuration has errors\n", err.s,
		    d->name, conf_path);
		buf_free(&err);
		return (1);
	}
	/* the key is read while we may (it is 0600, root's or jubao's) */
	if (store_keys_load(rt->cfg->key_file, &err) < 0) {
		fprintf(stderr, "%s%s: %s: configuration has errors\n", err.s,
		    d->name, conf_path);
		return (checked(rt, &err, 1));
	}
	if (check && store_reachable(rt->cfg->store_engine,
	    cfg_store_where(rt->cfg), rt->cfg->store_busy_timeout, &err) < 0) {
		fprintf(stderr, "%s%s: %s: the store is not reachable\n", err.s,
		    d->name, conf_path);
		return (checked(rt, &err, EX_TEMPFAIL));
	}
	if (check) {
		printf("%s: %s: configuration OK\n", d->name, conf_path);
		return (checked(rt, &err, 0));
	}
	if (!fg)
		log_init(d->name, 0, rt->cfg->log_facility);
	rt_current = rt;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	signal(SIGPIPE, SIG_IGN);
	pthread_key_create(&store_key, store_destroy);

	prepare(rt->cfg);
	if (d->listen != NULL && d->listen(rt, &err) < 0)
		log_fatal("%s", err.s);
	err.len = 0;
	if (privdrop_to(rt->cfg->run_user, &err) < 0)
		log_fatal("%s", err.s);
	/* as run_user from here: the store is created or migrated once, and
	 * this handle stays open until we stop (when the last connection to
	 * a SQLite file closes, the WAL is checkpointed and the next open
	 * rebuilds its index) */
	err.len = 0;
	if (store_open(rt->cfg->store_engine,
	    cfg_store_where(rt->cfg), rt->cfg->store_busy_timeout, &st,
	    NULL, &err) < 0)
		log_fatal("%s%s", err.s, *rt->cfg->run_user ? " (the store's "
		    "directory must be writable by run_user)" : "");

	/* the program takes its signals where it wants them (libmilter's
	 * thread, a signalfd); no other thread may, or it dies of them */
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	rc = d->run(rt);

	daemon_outbox_stop();
	store_close(st);
	log_info("stopped");
	buf_free(&err);
	return (rc);
}
