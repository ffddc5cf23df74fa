/*
 * NAME
 *	jubao-sipd - the hotline bridge: calls to the hotline become cases
 * SYNOPSIS
 *	jubao-sipd [-fnv] [-c file]
 * DESCRIPTION
 *	Start-up, in a fixed order: read and check the configuration and the
 *	prompts (-n stops here), open the store (creating or migrating it),
 *	turn recordings left by a crash into cases marked interrupted, listen
 *	for SIP, start the commit worker and the mail delivery thread, and run
 *	the su_root loop.  Only start-up exits on error.
 *	SIGHUP loads a new configuration, categories and prompts for the
 *	calls that follow (the listen address and registration stay);
 *	SIGTERM or SIGINT refuses new calls, ends the live ones (a recording
 *	in progress becomes its case), waits for the commits, and stops.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <curl/curl.h>
#include <gmime/gmime.h>

#define SU_ROOT_MAGIC_T	void
#include <sofia-sip/su.h>
#include <sofia-sip/su_wait.h>

#include "evidence.h"
#include "log.h"
#include "outbox.h"
#include "privdrop.h"
#include "sip.h"

static pthread_mutex_t	 rt_lock = PTHREAD_MUTEX_INITIALIZER;
static struct runtime	*rt_current;
static const char	*conf_path = CFG_DEFAULT_PATH;

/* the commit worker's queue, and its answers through a pipe */
static pthread_mutex_t	 wq_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 wq_cond = PTHREAD_COND_INITIALIZER;
static struct call	*wq[4096];
static int		 wq_head, wq_n, wq_stop, pending;
static int		 done_pipe[2];

/* the mail delivery thread */
static pthread_mutex_t	 ob_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 ob_cond = PTHREAD_COND_INITIALIZER;
static int		 ob_kicked, ob_stop;

static su_root_t	*root;
static int		 stopping;
static int64_t		 stop_ms;

struct done {
	struct call	*c;
	int		 ok, too_short;
};

/* now_ms - the monotonic clock in milliseconds */
int64_t
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* runtime_load - configuration, categories and prompts from path */
static struct runtime *
runtime_load(const char *path, buf *err)
{
	struct runtime	*rt = xcalloc(1, sizeof(*rt));
	const char	*l;
	size_t		 i;
	int		 keys = 0;

	if ((rt->cfg = cfg_load(path, err)) == NULL ||
	    cfg_check_program(rt->cfg, "jubao-sipd", err) < 0 ||
	    (rt->cats = cat_load(rt->cfg->categories_file, err)) == NULL ||
	    (rt->prompts = prompts_load(rt->cfg->sip_prompt_dir, err)) == NULL)
		goto fail;
	l = rt->cfg->sip_listen.v[0];
	if (*rt->cfg->sip_rtp_address == '\0' && (strncmp(l, "sip:0.0.0.0", 11)
	    == 0 || strncmp(l, "sip:*", 5) == 0 || strncmp(l, "sip:[", 5) == 0)) {
		buf_printf(err, "%s: sip_rtp_address: must be set when "
		    "sip_listen (%s) is not one IPv4 address\n", path, l);
		goto fail;
	}
	for (i = 0; i < rt->cats->n; i++)
		if (rt->cats->v[i].dtmf >= 0)
			keys++;
	if (keys == 0) {
		buf_printf(err, "%s: no category has a hotline key (dtmf = N)\n",
		    rt->cfg->categories_file);
		goto fail;
	}
	rt->refs = 1;
	return (rt);
fail:
	if (rt->cfg)
		cfg_unref(rt->cfg);
	cat_free(rt->cats);
	prompts_free(rt->prompts);
	free(rt);
	return (NULL);
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
	prompts_free(rt->prompts);
	cat_free(rt->cats);
	cfg_unref(rt->cfg);
	free(rt);
}

/* sipd_outbox_kick - something was queued: wake both deliveries */
void
sipd_outbox_kick(void)
{
	struct done	 d = { NULL, 0, 0 };

	pthread_mutex_lock(&ob_lock);
	ob_kicked = 1;
	pthread_cond_signal(&ob_cond);
	pthread_mutex_unlock(&ob_lock);
	/* a NULL call through the pipe: run the SIP outbox */
	if (write(done_pipe[1], &d, sizeof(d)) < 0)
		log_warn("outbox kick");
}

/* commit_submit - (loop) hand a finished call to the worker */
void
commit_submit(struct call *c)
{
	c->refs++;
	pending++;
	pthread_mutex_lock(&wq_lock);
	if (wq_n == (int)(sizeof(wq) / sizeof(wq[0])))
		log_panic("commit queue full");
	wq[(wq_head + wq_n++) % (int)(sizeof(wq) / sizeof(wq[0]))] = c;
	pthread_cond_signal(&wq_cond);
	pthread_mutex_unlock(&wq_lock);
}

/* worker - commit calls one by one; answers go back through the pipe */
static void *
worker(void *arg)
{
	struct store	*st = NULL;
	struct call	*c;
	struct done	 d;
	buf		 err = { 0 };

	(void)arg;
	for (;;) {
		pthread_mutex_lock(&wq_lock);
		while (wq_n == 0 && !wq_stop)
			pthread_cond_wait(&wq_cond, &wq_lock);
		if (wq_n == 0) {
			pthread_mutex_unlock(&wq_lock);
			break;
		}
		c = wq[wq_head];
		wq_head = (wq_head + 1) % (int)(sizeof(wq) / sizeof(wq[0]));
		wq_n--;
		pthread_mutex_unlock(&wq_lock);

		d.c = c;
		d.ok = 0;
		d.too_short = 0;
		if (st == NULL) {
			err.len = 0;
			buf_adds(&err, "");
			if (store_open(c->rt->cfg->store_path,
			    c->rt->cfg->store_busy_timeout, &st, &err) < 0)
				log_error("%s: %s", c->tag, err.s);
		}
		if (st != NULL) {
			d.ok = call_commit(c, st, c->rt->cfg, &d.too_short) == 0;
			if (!d.ok && store_busy(st)) {
				store_close(st);	/* reopen next time */
				st = NULL;
			}
		}
		if (write(done_pipe[1], &d, sizeof(d)) != (ssize_t)sizeof(d))
			log_panic("commit answer pipe: %s", strerror(errno));
	}
	store_close(st);
	buf_free(&err);
	return (NULL);
}

/* done_wakeup - (loop) the worker's answers, and outbox kicks */
static int
done_wakeup(void *magic, su_wait_t *w, void *arg)
{
	struct done	 d;
	int		 kick = 0;

	(void)magic;
	(void)w;
	(void)arg;
	while (read(done_pipe[0], &d, sizeof(d)) == (ssize_t)sizeof(d)) {
		if (d.c == NULL) {
			kick = 1;
			continue;
		}
		pending--;
		call_committed(d.c, d.ok, d.too_short);
		call_unref(d.c);
	}
	if (kick)
		ua_outbox_run();
	return (0);
}

/* outbox_thread - deliver the email outbox (staff notices) */
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
	snprintf(owner, sizeof(owner), "jubao-sipd[%ld]", (long)getpid());
	for (;;) {
		rt = runtime_get();
		err.len = 0;
		buf_adds(&err, "");
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

/* begin_stop - refuse new calls, end the live ones */
static void
begin_stop(void)
{
	struct call	*c, *next;

	if (stopping)
		return;
	stopping = 1;
	stop_ms = now_ms();
	log_info("stopping: ending %d call(s)", call_count());
	ua_shutting_down();
	for (c = call_list(); c; c = next) {
		next = c->next;
		if (c->state == CS_RECORD) {
			snprintf(c->end_reason, sizeof(c->end_reason),
			    "shutdown");
			rec_stop(c);
		}
		call_hangup(c, "shutting down");
	}
}

/* tick - every 20 ms: media out, the calls' timers, stopping */
static void
tick(void *magic, su_timer_t *t, void *arg)
{
	struct call	*c, *next;
	int64_t		 now = now_ms();
	static int64_t	 last_outbox;
	struct runtime	*rt;

	(void)magic;
	(void)t;
	(void)arg;
	for (c = call_list(); c; c = next) {
		next = c->next;
		if (!c->hungup) {
			rtp_tick(c, now);
			call_tick(c, now);
		}
	}
	if (now - last_outbox > 1000) {
		rt = runtime_get();
		if (now - last_outbox >= rt->cfg->outbox_interval * 1000) {
			last_outbox = now;
			ua_outbox_run();
		}
		runtime_put(rt);
	}
	if (stopping == 1 && ((call_count() == 0 && pending == 0) ||
	    now - stop_ms > 15000)) {
		stopping = 2;
		ua_shutdown();
	}
	if (stopping == 2 && now - stop_ms > 20000)
		su_root_break(root);
}

/* signal_wakeup - SIGTERM, SIGINT, SIGHUP through a signalfd */
static int
signal_wakeup(void *magic, su_wait_t *w, void *arg)
{
	struct signalfd_siginfo	 si;
	struct runtime		*rt, *old;
	int			 fd = *(int *)arg;
	buf			 err = { 0 };

	(void)magic;
	(void)w;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo != SIGHUP) {
			begin_stop();
			continue;
		}
		buf_adds(&err, "");
		if ((rt = runtime_load(conf_path, &err)) == NULL) {
			log_error("reload of %s failed, keeping the running "
			    "configuration:\n%s", conf_path, err.s);
			err.len = 0;
			continue;
		}
		pthread_mutex_lock(&rt_lock);
		old = rt_current;
		rt_current = rt;
		pthread_mutex_unlock(&rt_lock);
		runtime_put(old);
		log_info("configuration reloaded from %s", conf_path);
	}
	buf_free(&err);
	return (0);
}

/* usage - print the synopsis and exit 2 */
static void
usage(void)
{
	fprintf(stderr, "usage: jubao-sipd [-fnv] [-c file]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct runtime	*rt;
	struct store	*st;
	pthread_t	 wk, ob;
	sigset_t	 set;
	su_wait_t	 w[1];
	su_timer_t	*t;
	buf		 err = { 0 };
	int		 ch, check = 0, fg = 0, verbose = 0, sfd, n;

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
	umask(027);
	log_init("jubao-sipd", fg || check, NULL);
	log_set_verbose(verbose);
	g_mime_init();
	buf_adds(&err, "");
	if ((rt = runtime_load(conf_path, &err)) == NULL) {
		fprintf(stderr, "%s", err.s);
		fprintf(stderr, "jubao-sipd: %s: configuration has errors\n",
		    conf_path);
		return (1);
	}
	/* the reporters' key: read once, before anything opens the store */
	if (store_keys_load(rt->cfg->key_file, &err) < 0) {
		fprintf(stderr, "%sjubao-sipd: %s: configuration has errors\n",
		    err.s, conf_path);
		return (1);
	}
	if (check) {
		printf("jubao-sipd: %s: configuration OK\n", conf_path);
		return (0);
	}
	if (!fg)
		log_init("jubao-sipd", 0, rt->cfg->log_facility);
	rt_current = rt;
	curl_global_init(CURL_GLOBAL_DEFAULT);

	/* (root) the directories, handed to run_user without following a
	 * link it could have planted; the SIP sockets are unprivileged ports
	 * opened below as run_user */
	err.len = 0;
	privdrop_store(rt->cfg->run_user, rt->cfg->store_path, &err);
	privdrop_dir(rt->cfg->run_user, rt->cfg->evidence_dir, 0750, &err);
	privdrop_dir(rt->cfg->run_user, rt->cfg->sip_recordings_dir, 0700, &err);
	if (err.len > 0 || privdrop_to(rt->cfg->run_user, &err) < 0)
		log_fatal("%s", err.s);
	/* as run_user from here: the store, and the recordings a crash left
	 * (what is in a directory run_user owns is never read as root) */
	if (store_open(rt->cfg->store_path, rt->cfg->store_busy_timeout, &st,
	    &err) < 0)
		log_fatal("%s", err.s);
	store_close(st);
	if ((n = recover_recordings(rt)) > 0)
		log_info("%d interrupted call(s) recovered as cases", n);

	/* signals: blocked everywhere, read from a signalfd in the loop */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0)
		log_fatal("signalfd: %s", strerror(errno));
	if (pipe2(done_pipe, O_NONBLOCK | O_CLOEXEC) < 0)
		log_fatal("pipe: %s", strerror(errno));
	/* the worker blocks on a full pipe rather than lose an answer */
	fcntl(done_pipe[1], F_SETFL, 0);

	su_init();
	if ((root = su_root_create(NULL)) == NULL)
		log_fatal("su_root_create failed");
	su_wait_create(w, done_pipe[0], SU_WAIT_IN);
	su_root_register(root, w, done_wakeup, NULL, 0);
	su_wait_create(w, sfd, SU_WAIT_IN);
	su_root_register(root, w, signal_wakeup, &sfd, 0);
	if (ua_init(rt, root) < 0)
		log_fatal("cannot start SIP on %s", rt->cfg->sip_listen.v[0]);
	t = su_timer_create(su_root_task(root), SIP_PTIME);
	su_timer_set_for_ever(t, tick, NULL);

	if (pthread_create(&wk, NULL, worker, NULL) != 0 ||
	    pthread_create(&ob, NULL, outbox_thread, NULL) != 0)
		log_fatal("cannot start threads");
	log_info("started: listening on %s, hotline %s, up to %ld calls, "
	    "store %s", rt->cfg->sip_listen.v[0], rt->cfg->sip_hotline_users.v[0],
	    rt->cfg->sip_max_calls, rt->cfg->store_path);

	su_root_run(root);

	su_timer_destroy(t);
	ua_destroy();
	pthread_mutex_lock(&wq_lock);
	wq_stop = 1;
	pthread_cond_signal(&wq_cond);
	pthread_mutex_unlock(&wq_lock);
	pthread_join(wk, NULL);
	pthread_mutex_lock(&ob_lock);
	ob_stop = 1;
	pthread_cond_signal(&ob_cond);
	pthread_mutex_unlock(&ob_lock);
	pthread_join(ob, NULL);
	su_root_destroy(root);
	su_deinit();
	log_info("stopped");
	buf_free(&err);
	return (0);
}
