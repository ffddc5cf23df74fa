/*
 * NAME
 *	jubao-sipd - the hotline bridge: calls to the hotline become cases
 * SYNOPSIS
 *	jubao-sipd [-fnv] [-c file]
 * DESCRIPTION
 *	The daemon skeleton (daemon.c) starts it in its fixed order; what is
 *	jubao-sipd's own: the prompts (checked with the configuration), the
 *	recordings directory, recordings left by a crash (turned into cases
 *	marked interrupted), the commit worker (which also runs the status
 *	queries: lookup_run), and the su_root loop.
 *	SIGHUP loads a new configuration, categories and prompts for the
 *	calls that follow (the listen address and registration stay);
 *	SIGTERM or SIGINT refuses new calls, aborts a delivery in flight,
 *	ends the live calls (a recording in progress becomes its case),
 *	waits for the commits, and stops.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#define SU_ROOT_MAGIC_T	void
#include <sofia-sip/su.h>
#include <sofia-sip/su_wait.h>

#include "log.h"
#include "privdrop.h"
#include "sip.h"

/* the commit worker's queue, and its answers through a pipe */
static pthread_mutex_t	 wq_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 wq_cond = PTHREAD_COND_INITIALIZER;
static struct call	*wq[4096];
static int		 wq_head, wq_n, wq_stop, pending;
static int		 done_pipe[2];

static su_root_t	*root;
static int		 stopping;
static int64_t		 stop_ms;

struct done {
	struct call	*c;
	int		 ok, too_short;
	int		 answer;	/* 1: to a submit (pending); 0: a retry's end */
	int		 kept;		/* the worker keeps the call to retry it */
};

/*
 * A commit that failed (a store busy past store_busy_timeout, a full
 * disk) is tried again while the bridge runs, with back-off, instead of
 * waiting in the recordings directory for the next start: the caller
 * has heard "please call again", but nothing is lost, and the case gets
 * its SMS acknowledgement when it is committed.
 */
#define RETRY_MAX	256
#define RETRY_FIRST_MS	5000
#define RETRY_LAST_MS	300000

struct retry {
	struct call	*c;
	int64_t		 due;
	int64_t		 wait;
};

/* now_ms - the monotonic clock in milliseconds */
int64_t
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/*
 * load - the prompts, and what the bridge needs of the configuration (an
 * RTP address, a category for each key, none on the query key); 0, or
 * -1 with why in err
 */
static int
load(struct runtime *rt, const char *path, buf *err)
{
	const char	*l = rt->cfg->sip_listen.v[0];
	const char	*qk = rt->cfg->sip_query_key;
	size_t		 i;
	int		 keys = 0;

	if (*rt->cfg->sip_rtp_address == '\0' && (strncmp(l, "sip:0.0.0.0", 11)
	    == 0 || strncmp(l, "sip:*", 5) == 0 || strncmp(l, "sip:[", 5) == 0)) {
		buf_printf(err, "%s: sip_rtp_address: must be set when "
		    "sip_listen (%s) is not one IPv4 address\n", path, l);
		return (-1);
	}
	for (i = 0; i < rt->cats->n; i++) {
		if (rt->cats->v[i].dtmf >= 0)
			keys++;
		/* issue 12: the status-query key selects no category */
		if (qk[0] >= '0' && qk[0] <= '9' && rt->cats->v[i].dtmf ==
		    qk[0] - '0') {
			buf_printf(err, "%s: category %s: dtmf = %d is the "
			    "hotline's status-query key (sip_query_key = %s "
			    "in %s): choose another key for one of them\n",
			    rt->cfg->categories_file, rt->cats->v[i].key,
			    rt->cats->v[i].dtmf, qk, path);
			return (-1);
		}
	}
	if (keys == 0) {
		buf_printf(err, "%s: no category has a hotline key (dtmf = N)\n",
		    rt->cfg->categories_file);
		return (-1);
	}
	if ((rt->own = prompts_load(rt->cfg->sip_prompt_dir, err)) == NULL)
		return (-1);
	return (0);
}

/* unload - release the prompts of a runtime */
static void
unload(void *own)
{
	prompts_free(own);
}

/* prepare - (root) the recordings directory, handed to run_user */
static void
prepare(const struct cfg *cfg, buf *err)
{
	privdrop_dir(cfg->run_user, cfg->sip_recordings_dir, 0700, err);
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

/* answer - (worker) a message to the loop through the pipe */
static void
answer(struct call *c, int ok, int too_short, int first, int kept)
{
	struct done	 d;

	memset(&d, 0, sizeof(d));
	d.c = c;
	d.ok = ok;
	d.too_short = too_short;
	d.answer = first;
	d.kept = kept;
	if (write(done_pipe[1], &d, sizeof(d)) != (ssize_t)sizeof(d))
		log_panic("commit answer pipe: %s", strerror(errno));
}

/*
 * commit - (worker) one attempt at a call's commit, or its status query
 * (q_lookup: the loop sets it before the submit and clears it on the
 * answer, one job of a call at a time); 0 or -1
 */
static int
commit(struct call *c, int *too_short)
{
	struct store	*st;
	buf		 err = { 0 };
	int		 rc = -1;

	*too_short = 0;
	buf_adds(&err, "");
	if ((st = daemon_store(c->rt->cfg, &err)) == NULL)
		log_error("%s: %s", c->tag, err.s);
	else if ((rc = c->q_lookup ? call_lookup(c, c->rt, st) :
	    call_commit(c, c->rt, st, too_short)) < 0)
		daemon_store_failed(st);
	buf_free(&err);
	return (rc);
}

/* next_due - (worker) the retry due first, or -1 when there is none */
static int
next_due(const struct retry *r, int n)
{
	int	 i, k = -1;

	for (i = 0; i < n; i++)
		if (k < 0 || r[i].due < r[k].due)
			k = i;
	return (k);
}

/*
 * worker - commit calls one by one, on a store handle of its own; answers
 * go back through the pipe.  A failed commit is answered at once (the
 * caller is told) and kept to be tried again; when the bridge stops, what
 * is kept is let go (its recording is recovered at the next start).
 */
static void *
worker(void *arg)
{
	static struct retry	 r[RETRY_MAX];
	struct timespec		 ts;
	struct call		*c;
	int64_t			 wait;
	int			 n = 0, k, ok, too_short, first;

	(void)arg;
	for (;;) {
		pthread_mutex_lock(&wq_lock);
		while (wq_n == 0 && !wq_stop && !(n > 0 && *daemon_stopping()) &&
		    ((k = next_due(r, n)) < 0 || r[k].due > now_ms())) {
			if (k < 0) {
				pthread_cond_wait(&wq_cond, &wq_lock);
				continue;
			}
			/* wake for the retry, or within a second for a stop */
			wait = r[k].due - now_ms();
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += (wait > 1000 ? 1000 : wait) / 1000;
			ts.tv_nsec += ((wait > 1000 ? 1000 : wait) % 1000) * 1000000;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&wq_cond, &wq_lock, &ts);
		}
		if (wq_n > 0) {
			c = wq[wq_head];
			wq_head = (wq_head + 1) % (int)(sizeof(wq) / sizeof(wq[0]));
			wq_n--;
			first = 1;
			k = -1;
		} else if (n > 0 && *daemon_stopping()) {
			/* stopping: let the kept calls go */
			pthread_mutex_unlock(&wq_lock);
			while (n > 0)
				answer(r[--n].c, 0, 0, 0, 0);
			continue;
		} else if ((k = next_due(r, n)) >= 0 && r[k].due <= now_ms()) {
			c = r[k].c;
			first = 0;
		} else {
			pthread_mutex_unlock(&wq_lock);
			break;
		}
		pthread_mutex_unlock(&wq_lock);

		ok = commit(c, &too_short) == 0;
		if (first && c->q_lookup) {
			/* a query is answered, never kept: the caller hears
			 * "try again later" and may call again */
			answer(c, ok, 0, 1, 0);
			continue;
		}
		if (!ok && first && n == RETRY_MAX)
			log_error("%s: the commit failed and %d calls are kept "
			    "already: the recording stays for recovery at the "
			    "next start", c->tag, RETRY_MAX);
		if (ok || (first && n == RETRY_MAX)) {
			if (!first) {
				log_info("%s: committed when tried again", c->tag);
				r[k] = r[--n];
			}
			answer(c, ok, too_short, first, 0);
		} else if (first) {
			log_error("%s: the commit failed: the recording is kept "
			    "and tried again in %ds", c->tag, RETRY_FIRST_MS / 1000);
			r[n].c = c;
			r[n].wait = RETRY_FIRST_MS;
			r[n++].due = now_ms() + RETRY_FIRST_MS;
			answer(c, 0, 0, 1, 1);
		} else {
			r[k].wait = r[k].wait * 2 > RETRY_LAST_MS ? RETRY_LAST_MS :
			    r[k].wait * 2;
			r[k].due = now_ms() + r[k].wait;
		}
	}
	/* the loop is gone: what is kept stays for recovery at the start */
	return (NULL);
}

/* done_wakeup - (loop) the worker's answers */
static int
done_wakeup(void *magic, su_wait_t *w, void *arg)
{
	struct done	 d;

	(void)magic;
	(void)w;
	(void)arg;
	while (read(done_pipe[0], &d, sizeof(d)) == (ssize_t)sizeof(d)) {
		if (d.answer) {
			pending--;
			d.c->kept = d.kept;
			call_committed(d.c, d.ok, d.too_short);
		}
		if (!d.kept)
			call_unref(d.c);
	}
	return (0);
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
	/* a delivery in flight is aborted now, and left for the next run */
	daemon_outbox_abort();
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
	int			 fd = *(int *)arg;

	(void)magic;
	(void)w;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		if (si.ssi_signo == SIGHUP)
			daemon_reload();
		else
			begin_stop();
	return (0);
}

/*
 * run - as run_user: recover, listen for SIP, start the worker, run the
 * loop until stopped; then the outbox, nua and the worker, in that order
 */
static int
run(struct runtime *rt)
{
	pthread_t	 wk;
	sigset_t	 set;
	char		*name;
	su_wait_t	 w[1];
	su_timer_t	*t;
	int		 sfd, n;

	/* what is in a directory run_user owns is read as run_user only */
	if ((n = recover_recordings(rt)) > 0)
		log_info("%d interrupted call(s) recovered as cases", n);
	/* the skeleton blocked the signals in every thread: read them here */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
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
	sms_init(root);
	daemon_outbox_start();
	t = su_timer_create(su_root_task(root), SIP_PTIME);
	su_timer_set_for_ever(t, tick, NULL);
	if (pthread_create(&wk, NULL, worker, NULL) != 0)
		log_fatal("cannot start the commit worker");
	name = cfg_store_name(rt->cfg);
	log_info("started: listening on %s, hotline %s, up to %ld calls, "
	    "store %s", rt->cfg->sip_listen.v[0], rt->cfg->sip_hotline_users.v[0],
	    rt->cfg->sip_max_calls, name);
	free(name);

	su_root_run(root);

	su_timer_destroy(t);
	daemon_outbox_stop();
	ua_destroy();
	pthread_mutex_lock(&wq_lock);
	wq_stop = 1;
	pthread_cond_signal(&wq_cond);
	pthread_mutex_unlock(&wq_lock);
	pthread_join(wk, NULL);
	su_root_destroy(root);
	su_deinit();
	return (0);
}

static const struct outbox_transport *const transports[] = {
	&outbox_email, &ua_sms, NULL
};

static const struct daemon sipd_daemon = {
	"jubao-sipd", load, unload, prepare, NULL, run, transports,
};

int
main(int argc, char **argv)
{
	return (daemon_main(argc, argv, &sipd_daemon));
}
