/*
 * NAME
 *	sip_sms - the SIP MESSAGE transport of the outbox (the SMS gateway)
 * DESCRIPTION
 *	The outbox thread (daemon.c) claims and records the rows of channel
 *	"sip" as it does mail, under the one retry policy of outbox.c; only
 *	the sending is the loop's, since only the loop may speak SIP.  A
 *	request crosses over through a pipe the loop watches, and its answer
 *	comes back on the request itself (a mutex and a condition): the
 *	outbox thread waits for it, up to half the lease, or until a stop is
 *	requested (and its grace, OUTBOX_GRACE_MS, is over).  A request whose sender gave up is freed by whoever is
 *	last to let go of it (two references: the sender's and the loop's).
 *
 *	Results: 2xx sent; a refusal (4xx other than 408, 480, 486; 6xx)
 *	failed; anything else (a timeout, 5xx, busy) deferred.
 *
 *	MESSAGEs go one at a time.  A gateway that does not answer costs a
 *	request its whole timeout (Timer F, 32 s), so after one timeout the
 *	rows due in the next GATEWAY_QUIET seconds are deferred without
 *	being sent, as Postfix treats a dead destination: the mail the
 *	same thread delivers is not held behind them.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SU_ROOT_MAGIC_T	void
#include <sofia-sip/su.h>
#include <sofia-sip/su_wait.h>

#include "crypt.h"
#include "log.h"
#include "sip.h"

struct sms_req {
	int		 ua_kind;	/* first: UA_MSG */
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	int		 refs;		/* the sender, and the loop */
	int		 done;
	int		 status;
	char		 phrase[128];
	char		*to, *text;
};

static int	 sms_pipe[2] = { -1, -1 };

#define GATEWAY_QUIET	60	/* seconds a gateway that timed out rests */
static time_t	 gw_quiet_until;	/* the outbox thread's; monotonic */

/* mono - seconds of CLOCK_MONOTONIC (a stepped clock does not move it) */
static time_t
mono(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec);
}

/* req_put - let go of a request; the last frees it */
static void
req_put(struct sms_req *r)
{
	int	 last;

	pthread_mutex_lock(&r->lock);
	last = --r->refs == 0;
	pthread_mutex_unlock(&r->lock);
	if (!last)
		return;
	pthread_mutex_destroy(&r->lock);
	pthread_cond_destroy(&r->cond);
	secret_free(r->to);	/* the caller's number, the receipt PIN */
	secret_free(r->text);
	free(r);
}

/*
 * sms_answered - (loop) the final answer to a MESSAGE, or the loop's
 * refusal to send it: handed to the waiting sender
 */
void
sms_answered(void *arg, int status, const char *phrase)
{
	struct sms_req	*r = arg;

	pthread_mutex_lock(&r->lock);
	r->done = 1;
	r->status = status;
	snprintf(r->phrase, sizeof(r->phrase), "%s", phrase ? phrase : "");
	pthread_cond_signal(&r->cond);
	pthread_mutex_unlock(&r->lock);
	req_put(r);
}

/* sms_wakeup - (loop) requests from the outbox thread: send them */
static int
sms_wakeup(void *magic, su_wait_t *w, void *arg)
{
	struct sms_req	*r;

	(void)magic;
	(void)w;
	(void)arg;
	while (read(sms_pipe[0], &r, sizeof(r)) == (ssize_t)sizeof(r))
		if (ua_message(r->to, r->text, r) < 0)
			sms_answered(r, 0, "the bridge is stopping");
	return (0);
}

/* sms_init - (loop, at start) the pipe requests come through */
void
sms_init(void *root)
{
	su_wait_t	 w[1];

	if (pipe2(sms_pipe, O_NONBLOCK | O_CLOEXEC) < 0)
		log_fatal("pipe: %s", strerror(errno));
	/* the sender blocks on a full pipe rather than lose a request */
	fcntl(sms_pipe[1], F_SETFL, 0);
	su_wait_create(w, sms_pipe[0], SU_WAIT_IN);
	su_root_register(root, w, sms_wakeup, NULL, 0);
}

/*
 * plain_sip - is to "sip:NUMBER@GATEWAY": a telephone number (digits, an
 * optional +) at the configured gateway, and nothing else
 */
static int
plain_sip(const char *to, const char *gateway)
{
	const char	*p;

	if (to == NULL || strncmp(to, "sip:", 4) != 0 || *gateway == '\0')
		return (0);
	p = to + 4;
	if (*p == '+')
		p++;
	if (*p < '0' || *p > '9')
		return (0);
	while (*p >= '0' && *p <= '9')
		p++;
	return (*p == '@' && strcmp(p + 1, gateway) == 0);
}

/* sms_send - the transport's send (outbox thread): one MESSAGE, waited for */
static enum outbox_result
sms_send(const struct cfg *cfg, const struct outbox_item *it,
    volatile sig_atomic_t *stop, char *why, size_t len)
{
	struct sms_req		*r;
	struct timespec		 ts;
	enum outbox_result	 res;
	time_t			 until = time(NULL) + cfg->outbox_lease / 2;
	long long		 since = 0;
	int			 stopping = 0;

	if (it->recipient == NULL || it->message == NULL) {
		snprintf(why, len, "no recipient or no message");
		return (OUTBOX_FAIL);
	}
	/* checked as it leaves, whatever put it in the outbox */
	if (!plain_sip(it->recipient, cfg->sip_sms_gateway)) {
		snprintf(why, len, "the recipient is not a number at "
		    "sip_sms_gateway: not sent");
		return (OUTBOX_FAIL);
	}
	if (sms_pipe[1] < 0) {
		snprintf(why, len, "SIP is not running");
		return (OUTBOX_DEFER);
	}
	if (mono() < gw_quiet_until) {
		snprintf(why, len, "the gateway did not answer a MESSAGE in the "
		    "last %ds: not sent", GATEWAY_QUIET);
		return (OUTBOX_DEFER);
	}
	r = xcalloc(1, sizeof(*r));
	r->ua_kind = UA_MSG;
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->cond, NULL);
	r->refs = 2;
	r->to = xstrdup(it->recipient);
	r->text = xstrdup(it->message);
	if (write(sms_pipe[1], &r, sizeof(r)) != (ssize_t)sizeof(r)) {
		snprintf(why, len, "cannot hand the MESSAGE to the loop: %s",
		    strerror(errno));
		r->refs = 1;
		req_put(r);
		return (OUTBOX_DEFER);
	}
	pthread_mutex_lock(&r->lock);
	while (!r->done && !(stopping = outbox_stopping(stop, &since)) &&
	    time(NULL) < until) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 200 * 1000000L;	/* a stop is seen within 0.2 s */
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&r->cond, &r->lock, &ts);
	}
	if (!r->done) {
		res = stopping ? OUTBOX_STOPPED : OUTBOX_DEFER;
		snprintf(why, len, stopping ? "stopped before the gateway "
		    "answered" : "no answer from the gateway in %lds",
		    cfg->outbox_lease / 2);
	} else if (r->status == 0) {
		res = OUTBOX_STOPPED;	/* the loop would not send it */
		snprintf(why, len, "%s", r->phrase);
	} else {
		snprintf(why, len, "%d %s", r->status, r->phrase);
		res = r->status < 300 ? OUTBOX_SENT : (r->status >= 400 &&
		    r->status < 500 && r->status != 408 && r->status != 480 &&
		    r->status != 486) || r->status >= 600 ? OUTBOX_FAIL :
		    OUTBOX_DEFER;
	}
	if (!stopping && (!r->done || r->status == 408))
		gw_quiet_until = mono() + GATEWAY_QUIET;
	pthread_mutex_unlock(&r->lock);
	req_put(r);
	return (res);
}

const struct outbox_transport ua_sms = { "sip", sms_send };
