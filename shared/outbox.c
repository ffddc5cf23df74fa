/*
 * NAME
 *	outbox - delivery: the retry policy, and the mail transport
 * DESCRIPTION
 *	sendmail(1) exit codes follow sysexits(3): EX_TEMPFAIL and friends
 *	defer, EX_NOUSER / EX_NOHOST / EX_DATAERR fail for good.  Over SMTP a
 *	5xx reply fails, anything else (connection refused, 4xx) defers.
 *	Log lines name the case and outbox row, never the recipient.  The
 *	calling program ignores SIGPIPE (a sendmail that exits early).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#include <curl/curl.h>

#include "ack.h"
#include "log.h"
#include "outbox.h"

/*
 * A send must end before its lease does, or another process could claim the
 * row and send it again while the first is still at it: sendmail(1) is
 * killed, and SMTP given up, after half the lease.
 */
#define SEND_TIMEOUT(cfg)	((cfg)->outbox_lease / 2)

/* mono_ms - the monotonic clock in milliseconds */
static long long
mono_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/*
 * outbox_stopping - for a transport, in flight: is it time to give up
 * (a stop was requested OUTBOX_GRACE_MS ago or more)?  *since_ms is the
 * transport's own, 0 before; the first call that sees the stop starts
 * the clock.
 */
int
outbox_stopping(volatile sig_atomic_t *stop, long long *since_ms)
{
	if (stop == NULL || !*stop)
		return (0);
	if (*since_ms == 0)
		*since_ms = mono_ms();
	return (mono_ms() - *since_ms >= OUTBOX_GRACE_MS);
}

/* outbox_backoff - when to try again after attempts failures */
time_t
outbox_backoff(const struct cfg *cfg, int attempts, time_t now)
{
	long	 d = cfg->outbox_backoff_min;
	int	 i;

	for (i = 1; i < attempts && d < cfg->outbox_backoff_max; i++)
		d *= 2;
	if (d > cfg->outbox_backoff_max)
		d = cfg->outbox_backoff_max;
	return (now + d);
}

/*
 * send_sendmail - pipe the message to sendmail(1); a sendmail that hangs
 * is killed after SEND_TIMEOUT, or a grace after a stop is requested
 */
static enum outbox_result
send_sendmail(const struct cfg *cfg, const struct outbox_item *it,
    volatile sig_atomic_t *stop, char *why, size_t len)
{
	int		 fd[2], status;
	pid_t		 pid, r;
	const char	*p = it->message;
	size_t		 left = strlen(it->message);
	ssize_t		 n;
	const char	*sender = it->env_from && *it->env_from ? it->env_from : "<>";
	long		 waited;
	long long	 since = 0;
	int		 stopping = 0;

	if (pipe(fd) < 0) {
		snprintf(why, len, "pipe: %s", strerror(errno));
		return (OUTBOX_DEFER);
	}
	switch ((pid = fork())) {
	case -1:
		snprintf(why, len, "fork: %s", strerror(errno));
		close(fd[0]);
		close(fd[1]);
		return (OUTBOX_DEFER);
	case 0:
		dup2(fd[0], 0);
		close(fd[0]);
		close(fd[1]);
		execl(cfg->sendmail_path, "sendmail", "-i", "-f", sender, "--",
		    it->recipient, (char *)NULL);
		_exit(EX_OSERR);
	}
	close(fd[0]);
	while (left > 0) {
		if ((n = write(fd[1], p, left)) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		p += n;
		left -= (size_t)n;
	}
	close(fd[1]);
	for (waited = 0;; waited++) {
		if ((r = waitpid(pid, &status, WNOHANG)) == pid)
			break;
		if (r < 0 && errno != EINTR) {
			snprintf(why, len, "waitpid: %s", strerror(errno));
			return (OUTBOX_DEFER);
		}
		if ((stopping = outbox_stopping(stop, &since)) ||
		    waited >= SEND_TIMEOUT(cfg) * 20) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			if (stopping) {
				snprintf(why, len, "stopped while %s ran",
				    cfg->sendmail_path);
				return (OUTBOX_STOPPED);
			}
			snprintf(why, len, "%s did not finish in %ld seconds",
			    cfg->sendmail_path, SEND_TIMEOUT(cfg));
			return (OUTBOX_DEFER);
		}
		usleep(50000);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && left == 0)
		return (OUTBOX_SENT);
	if (WIFEXITED(status)) {
		snprintf(why, len, "%s exited with status %d", cfg->sendmail_path,
		    WEXITSTATUS(status));
		switch (WEXITSTATUS(status)) {
		case EX_NOUSER: case EX_NOHOST: case EX_DATAERR:
		case EX_USAGE: case EX_NOPERM:
			return (OUTBOX_FAIL);
		}
	} else
		snprintf(why, len, "%s killed by signal %d", cfg->sendmail_path,
		    WTERMSIG(status));
	return (OUTBOX_DEFER);
}

struct reader {
	const char	*p;
	size_t		 left;
};

/* curl_read - feed the message to libcurl */
static size_t
curl_read(char *b, size_t size, size_t nmemb, void *arg)
{
	struct reader	*r = arg;
	size_t		 n = size * nmemb;

	if (n > r->left)
		n = r->left;
	memcpy(b, r->p, n);
	r->p += n;
	r->left -= n;
	return (n);
}

struct curl_stop {
	volatile sig_atomic_t	*stop;
	long long		 since;
};

/* this thread's SMTP handle; a connection idle longer is not used again */
static __thread CURL	*smtp_curl;
#define SMTP_IDLE	10	/* seconds */

/* curl_stop - libcurl's progress callback: abort after a stop's grace */
static int
curl_stop(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut,
    curl_off_t un)
{
	struct curl_stop	*cs = arg;

	(void)dt;
	(void)dn;
	(void)ut;
	(void)un;
	return (outbox_stopping(cs->stop, &cs->since));
}

/*
 * send_smtp - hand the message to smtp_relay with libcurl; a stop request
 * aborts it after its grace (libcurl asks its progress callback at least
 * once a second)
 */
static enum outbox_result
send_smtp(const struct cfg *cfg, const struct outbox_item *it,
    volatile sig_atomic_t *stop, char *why, size_t len)
{
	CURL			*c;
	CURLcode		 rc;
	struct curl_slist	*rcpt = NULL;
	struct reader		 rd = { it->message, strlen(it->message) };
	struct curl_stop	 cs = { stop, 0 };
	char			*url, *from, errbuf[CURL_ERROR_SIZE] = "";
	long			 code = 0;
	enum outbox_result	 res;

	/* one handle a thread, kept: its connection to the relay is used
	 * again for the next message while it is fresh (a batch of
	 * acknowledgements is one SMTP session, not one each) */
	if ((c = smtp_curl) == NULL && (c = smtp_curl = curl_easy_init()) ==
	    NULL) {
		snprintf(why, len, "curl_easy_init failed");
		return (OUTBOX_DEFER);
	}
	curl_easy_reset(c);
	url = xasprintf("smtp://%s", cfg->smtp_relay);
	from = xasprintf("<%s>", it->env_from ? it->env_from : "");
	rcpt = curl_slist_append(rcpt, it->recipient);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, curl_read);
	curl_easy_setopt(c, CURLOPT_READDATA, &rd);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_CRLF, 1L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, SEND_TIMEOUT(cfg) < 30 ?
	    SEND_TIMEOUT(cfg) : 30L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, SEND_TIMEOUT(cfg));
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, curl_stop);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, &cs);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_MAXAGE_CONN, (long)SMTP_IDLE);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (rc == CURLE_OK)
		res = OUTBOX_SENT;
	else if (rc == CURLE_ABORTED_BY_CALLBACK) {
		snprintf(why, len, "smtp %s: stopped", cfg->smtp_relay);
		res = OUTBOX_STOPPED;
	} else {
		snprintf(why, len, "smtp %s: %s (reply %ld)", cfg->smtp_relay,
		    *errbuf ? errbuf : curl_easy_strerror(rc), code);
		res = code >= 500 && code < 600 ? OUTBOX_FAIL : OUTBOX_DEFER;
	}
	curl_slist_free_all(rcpt);
	free(url);
	free(from);
	return (res);
}

/*
 * outbox_close - end this thread's SMTP session to the relay, if any (a
 * thread that delivered calls it before it ends)
 */
void
outbox_close(void)
{
	if (smtp_curl != NULL)
		curl_easy_cleanup(smtp_curl);
	smtp_curl = NULL;
}

/*
 * outbox_send - deliver one message by mail, by the configured method
 * (delivery_method: sendmail or smtp)
 */
enum outbox_result
outbox_send(const struct cfg *cfg, const struct outbox_item *it,
    volatile sig_atomic_t *stop, char *why, size_t len)
{
	why[0] = '\0';
	if (it->recipient == NULL || it->message == NULL) {
		snprintf(why, len, "no recipient or no message");
		return (OUTBOX_FAIL);
	}
	/* checked again as it leaves, whatever put it in the outbox: only a
	 * plain address reaches sendmail's command line or RCPT TO, and
	 * only a plain or the null envelope sender (finding 4) */
	if (!addr_plain(it->recipient) || (it->env_from != NULL &&
	    *it->env_from != '\0' && !addr_plain(it->env_from))) {
		snprintf(why, len, "the recipient or the sender is not a plain "
		    "address: not sent");
		return (OUTBOX_FAIL);
	}
	if (strcmp(cfg->delivery_method, "smtp") == 0)
		return (send_smtp(cfg, it, stop, why, len));
	return (send_sendmail(cfg, it, stop, why, len));
}

const struct outbox_transport outbox_email = { "email", outbox_send };

/* mono - the monotonic clock, in seconds */
static double
mono(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

/*
 * record - the one retry policy: a result into the row and a log line.
 * A message handed on must be recorded before the claim's lease ends
 * (until, on mono()), or another run sends it again: a store that is
 * away for a moment (a database restarting, failing over) is waited for.
 */
static int
record(struct store *st, const struct cfg *cfg, const struct outbox_item *it,
    enum outbox_result res, char *why, size_t len, struct outbox_stats *stats,
    double until)
{
	time_t	 now = time(NULL);
	char	 tmp[256];
	int	 rc;

	if (res == OUTBOX_DEFER && now - it->created_at > cfg->outbox_max_age) {
		snprintf(tmp, sizeof(tmp), "%.200s", why);
		snprintf(why, len, "gave up after %d attempts: %s", it->attempts,
		    tmp);
		res = OUTBOX_FAIL;
	}
	switch (res) {
	case OUTBOX_SENT:
		while ((rc = store_outbox_sent(st, it, now, "outbox")) < 0 &&
		    store_busy(st) && mono() + 0.5 < until)
			usleep(250000);
		stats->sent++;
		log_info("case %s: %s #%ld sent", it->case_no, it->kind, it->id);
		break;
	case OUTBOX_STOPPED:
		/* not the recipient's doing: the next run takes it at once */
		rc = store_outbox_retry(st, it, now, now, why, "outbox");
		stats->deferred++;
		log_info("case %s: %s #%ld: %s; left for the next run",
		    it->case_no, it->kind, it->id, why);
		break;
	case OUTBOX_DEFER:
		rc = store_outbox_retry(st, it, now, outbox_backoff(cfg,
		    it->attempts, now), why, "outbox");
		stats->deferred++;
		log_warnx("case %s: %s #%ld deferred: %s", it->case_no, it->kind,
		    it->id, why);
		break;
	default:
		rc = store_outbox_failed(st, it, now, why, "outbox");
		stats->failed++;
		log_warnx("case %s: %s #%ld failed: %s", it->case_no, it->kind,
		    it->id, why);
		break;
	}
	if (rc == 1) {
		/* our lease ran out and another run claimed the row: its
		 * result stands (a delivery longer than outbox_lease) */
		log_warnx("case %s: %s #%ld: the lease ran out before the "
		    "result; another run has the row", it->case_no, it->kind,
		    it->id);
		return (0);
	}
	if (rc < 0)
		log_warnx("outbox: case %s: recording the result of #%ld: %s",
		    it->case_no, it->id, store_error(st));
	return (rc);
}

/*
 * outbox_run - deliver up to max due rows of the transport's channel (0:
 * all that are due), until *stop; 0, or -1 when the store failed (rows
 * stay leased until the lease ends, then another run takes them).
 */
int
outbox_run(struct store *st, const struct cfg *cfg,
    const struct outbox_transport *tr, const char *owner, int max,
    volatile sig_atomic_t *stop, struct outbox_stats *stats)
{
	struct outbox_item	 it;
	enum outbox_result	 res;
	char			 why[512];
	int			 found, done, rc;
	double			 until;

	memset(stats, 0, sizeof(*stats));
	for (done = 0; max <= 0 || done < max; done++) {
		if (stop != NULL && *stop)
			return (0);
		until = mono() + cfg->outbox_lease;
		if (store_outbox_claim(st, tr->channel, owner, time(NULL),
		    cfg->outbox_lease, &it, &found) < 0) {
			log_warnx("outbox: %s", store_error(st));
			return (-1);
		}
		if (!found)
			return (0);
		why[0] = '\0';
		res = tr->send(cfg, &it, stop, why, sizeof(why));
		rc = record(st, cfg, &it, res, why, sizeof(why), stats, until);
		outbox_item_clear(&it);
		if (rc < 0)
			return (-1);
	}
	return (0);
}
