/*
 * NAME
 *	jubao-milter - turn mail to the reporting mailboxes into cases
 * SYNOPSIS
 *	jubao-milter [-fnv] [-c file]
 * DESCRIPTION
 *	Start-up, in a fixed order: read and check the configuration (-n
 *	stops here), open the store once (creating or migrating it), clear
 *	spool files left by a crash (Postfix was never told "accepted" for
 *	them, so it retries), open the milter socket, start the delivery
 *	thread, and hand over to libmilter.  Only start-up exits on error.
 *	SIGUSR1 reloads the configuration; SIGTERM or SIGHUP (libmilter's)
 *	stops.
 */
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <curl/curl.h>

#include "evidence.h"
#include "log.h"
#include "milter.h"
#include "milter_mime.h"
#include "outbox.h"
#include "privdrop.h"
#include "store.h"

static pthread_mutex_t	 rt_lock = PTHREAD_MUTEX_INITIALIZER;
static struct runtime	*rt_current;
static const char	*conf_path = CFG_DEFAULT_PATH;

static pthread_mutex_t	 ob_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 ob_cond = PTHREAD_COND_INITIALIZER;
static int		 ob_kicked, ob_stop;

/* runtime_load - configuration, categories and templates from path */
struct runtime *
runtime_load(const char *path, buf *err)
{
	struct runtime	*rt = xcalloc(1, sizeof(*rt));

	if ((rt->cfg = cfg_load(path, err)) == NULL ||
	    cfg_check_program(rt->cfg, "jubao-milter", err) < 0 ||
	    (rt->cats = cat_load(rt->cfg->categories_file, err)) == NULL ||
	    ack_init(&rt->ack, rt->cfg, rt->cats, err) < 0) {
		if (rt->cfg)
			cfg_unref(rt->cfg);
		cat_free(rt->cats);
		free(rt);
		return (NULL);
	}
	rt->refs = 1;
	return (rt);
}

/* runtime_get - a reference to the current runtime */
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

/* runtime_put - drop a reference; the last frees */
void
runtime_put(struct runtime *rt)
{
	int	 last;

	if (rt == NULL)
		return;
	pthread_mutex_lock(&rt_lock);
	last = --rt->refs == 0;
	pthread_mutex_unlock(&rt_lock);
	if (!last)
		return;
	ack_free(&rt->ack);
	cat_free(rt->cats);
	cfg_unref(rt->cfg);
	free(rt);
}

/* runtime_swap - make rt current */
static void
runtime_swap(struct runtime *rt)
{
	struct runtime	*old;

	pthread_mutex_lock(&rt_lock);
	old = rt_current;
	rt_current = rt;
	pthread_mutex_unlock(&rt_lock);
	runtime_put(old);
}

/* outbox_kick - wake the delivery thread: something was queued */
void
outbox_kick(void)
{
	pthread_mutex_lock(&ob_lock);
	ob_kicked = 1;
	pthread_cond_signal(&ob_cond);
	pthread_mutex_unlock(&ob_lock);
}

/* outbox_thread - deliver the outbox, outside any milter callback */
static void *
outbox_thread(void *arg)
{
	struct runtime		*rt;
	struct store		*st;
	struct outbox_stats	 stats;
	struct timespec		 ts;
	char			 owner[64];
	buf			 err = { 0 };

	(void)arg;
	snprintf(owner, sizeof(owner), "jubao-milter[%ld]", (long)getpid());
	for (;;) {
		rt = runtime_get();
		err.len = 0;
		if (store_open(rt->cfg->store_path, rt->cfg->store_busy_timeout,
		    &st, &err) < 0)
			log_warnx("outbox: %s", err.s);
		else {
			outbox_run(st, rt->cfg, owner, 0, &stats);
			store_close(st);
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
		if (ob_stop) {
			pthread_mutex_unlock(&ob_lock);
			break;
		}
		pthread_mutex_unlock(&ob_lock);
	}
	buf_free(&err);
	return (NULL);
}

/* reload_thread - SIGUSR1: load a new runtime; keep the old on error */
static void *
reload_thread(void *arg)
{
	sigset_t	*set = arg;
	struct runtime	*rt;
	buf		 err = { 0 };
	int		 sig;

	for (;;) {
		if (sigwait(set, &sig) != 0 || sig != SIGUSR1)
			continue;
		err.len = 0;
		buf_adds(&err, "");
		if ((rt = runtime_load(conf_path, &err)) == NULL) {
			log_error("reload of %s failed, keeping the running "
			    "configuration:\n%s", conf_path, err.s);
			continue;
		}
		runtime_swap(rt);
		log_info("configuration reloaded from %s", conf_path);
	}
	return (NULL);
}

/* clear_spool - remove spool files a crash left; Postfix retries them */
static void
clear_spool(const char *dir)
{
	DIR		*d;
	struct dirent	*e;
	char		*p;
	int		 n = 0;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, "jubao.", 6) != 0)
			continue;
		p = xasprintf("%s/%s", dir, e->d_name);
		if (unlink(p) == 0)
			n++;
		free(p);
	}
	closedir(d);
	if (n > 0)
		log_info("removed %d spool file(s) of messages never accepted "
		    "(the MTA retries them)", n);
}

/*
 * prepare - (root) the directories jubao-milter needs, made and handed to
 * run_user; a store an older jubao made as root handed over too.  No
 * path is followed through a link run_user could have planted
 * (privdrop.c); the store is opened only after the drop.
 */
static void
prepare(const struct cfg *cfg)
{
	buf	 err = { 0 };

	buf_adds(&err, "");
	privdrop_store(cfg->run_user, cfg->store_path, &err);
	privdrop_dir(cfg->run_user, cfg->spool_dir, 0750, &err);
	privdrop_dir(cfg->run_user, cfg->evidence_dir, 0750, &err);
	if (err.len > 0)
		log_fatal("%s", err.s);
	buf_free(&err);
}

/* drop_privileges - (root) the socket to run_user, then become it */
static void
drop_privileges(const struct cfg *cfg)
{
	buf	 err = { 0 };

	buf_adds(&err, "");
	if (strncmp(cfg->milter_socket, "unix:", 5) == 0)
		privdrop_file(cfg->run_user, cfg->milter_socket + 5, &err);
	else if (strncmp(cfg->milter_socket, "local:", 6) == 0)
		privdrop_file(cfg->run_user, cfg->milter_socket + 6, &err);
	if (err.len > 0 || privdrop_to(cfg->run_user, &err) < 0)
		log_fatal("%s", err.s);
	buf_free(&err);
}

/*
 * nodelay_listener - TCP_NODELAY on the milter's TCP listening socket;
 * accepted connections inherit it (Linux).  At end of message libmilter
 * writes each header change and the verdict with a write of its own:
 * with Nagle the second waits for the MTA's delayed ACK, ~40 ms per
 * report (tests/bench/RESULTS.md).  libmilter does not hand out its
 * descriptor, so look for the one listening socket we have.
 */
static void
nodelay_listener(void)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	int			 fd, on, one = 1;

	for (fd = 0; fd < 1024; fd++) {
		len = sizeof(on);
		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &len) < 0 ||
		    !on)
			continue;
		len = sizeof(ss);
		if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0 ||
		    (ss.ss_family != AF_INET && ss.ss_family != AF_INET6))
			continue;
		if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof(one)) < 0)
			log_warn("milter_socket: TCP_NODELAY");
	}
}

/* usage - print the synopsis and exit 2 */
static void
usage(void)
{
	fprintf(stderr, "usage: jubao-milter [-fnv] [-c file]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct runtime	*rt;
	struct store	*st;
	pthread_t	 ob, rl;
	sigset_t	 set;
	buf		 err = { 0 };
	int		 ch, check = 0, fg = 0, verbose = 0, rc;

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
	log_init("jubao-milter", fg || check, NULL);
	log_set_verbose(verbose);
	mime_init();
	buf_adds(&err, "");
	if ((rt = runtime_load(conf_path, &err)) == NULL) {
		fprintf(stderr, "%s", err.s);
		fprintf(stderr, "jubao-milter: %s: configuration has errors\n",
		    conf_path);
		return (1);
	}
	/* the key is read while we may (it is 0600, root's or jubao's) */
	if (store_keys_load(rt->cfg->key_file, &err) < 0) {
		fprintf(stderr, "%sjubao-milter: %s: configuration has errors\n",
		    err.s, conf_path);
		return (1);
	}
	if (check) {
		printf("jubao-milter: %s: configuration OK\n", conf_path);
		return (0);
	}
	if (!fg) {
		log_init("jubao-milter", 0, rt->cfg->log_facility);
	}
	rt_current = rt;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	prepare(rt->cfg);

	if (smfi_register(milter_desc) == MI_FAILURE)
		log_fatal("smfi_register failed");
	if (smfi_setconn(rt->cfg->milter_socket) == MI_FAILURE)
		log_fatal("milter_socket %s: bad socket", rt->cfg->milter_socket);
	smfi_settimeout((int)rt->cfg->milter_timeout);
	if (smfi_opensocket(1) == MI_FAILURE)
		log_fatal("milter_socket %s: cannot listen (in use, or a bad "
		    "path or address?)", rt->cfg->milter_socket);
	nodelay_listener();
	drop_privileges(rt->cfg);

	/* as run_user from here: the store, and what is in the spool */
	err.len = 0;
	if (store_open(rt->cfg->store_path, rt->cfg->store_busy_timeout, &st,
	    &err) < 0)
		log_fatal("%s%s", err.s, *rt->cfg->run_user ? " (the store's "
		    "directory must be writable by run_user)" : "");
	/* st stays open, unused, until we stop: whenever the last connection
	 * to the file closes, SQLite checkpoints the WAL (fsyncs included)
	 * and the next open rebuilds the WAL index, and cb_eom opens and
	 * closes a connection for every report (tests/bench/RESULTS.md) */
	clear_spool(rt->cfg->spool_dir);

	/* SIGHUP, SIGTERM and SIGINT are libmilter's (its signal thread
	 * sigwaits for them); SIGUSR1 is ours.  Block all four before any
	 * thread starts, or a thread of ours takes SIGTERM and dies of it. */
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	signal(SIGPIPE, SIG_IGN);
	if (pthread_create(&ob, NULL, outbox_thread, NULL) != 0 ||
	    pthread_create(&rl, NULL, reload_thread, &set) != 0)
		log_fatal("cannot start threads");
	pthread_detach(rl);
	log_info("started: listening on %s, %zu reporting mailbox(es), store %s, "
	    "running as uid %ld", rt->cfg->milter_socket,
	    rt->cfg->report_mailboxes.n, rt->cfg->store_path, (long)getuid());

	rc = smfi_main();

	pthread_mutex_lock(&ob_lock);
	ob_stop = 1;
	pthread_cond_signal(&ob_cond);
	pthread_mutex_unlock(&ob_lock);
	pthread_join(ob, NULL);
	store_close(st);
	log_info("stopped");
	buf_free(&err);
	return (rc == MI_SUCCESS ? 0 : 1);
}
