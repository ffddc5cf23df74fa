/*
 * NAME
 *	outbox - deliver what cases owe: one retry policy, pluggable transports
 * DESCRIPTION
 *	outbox_run claims the due rows of each transport's channel with a
 *	lease (so two processes never send the same row), hands each to its
 *	transport, and records the result under one policy for every
 *	channel: sent; deferred with exponential back-off
 *	(outbox_backoff_min .. outbox_backoff_max); failed for good (a
 *	permanent refusal, or older than outbox_max_age).  A row is never
 *	deleted.  A stop request (*stop set) starts no new delivery and gives
 *	the one in flight OUTBOX_GRACE_MS to end (a sendmail that has the
 *	message usually exits at once; killing it then could send it twice),
 *	then aborts it: the row is deferred to now, retried by the next run,
 *	wherever it runs.
 *
 *	Transports: outbox_email (sendmail(1), or SMTP to smtp_relay with
 *	libcurl) here; SIP MESSAGE (the SMS gateway) is jubao-sipd's
 *	(sip_ua.c), since only its loop may speak SIP.
 */
#ifndef JUBAO_OUTBOX_H
#define JUBAO_OUTBOX_H

#include <signal.h>

#include "cfg.h"
#include "store.h"

enum outbox_result { OUTBOX_SENT, OUTBOX_DEFER, OUTBOX_FAIL, OUTBOX_STOPPED };

struct outbox_transport {
	const char	*channel;	/* the rows it takes: email, sip */
	/* deliver one: the result, why (not OUTBOX_SENT) into why */
	enum outbox_result (*send)(const struct cfg *, const struct outbox_item *,
	    volatile sig_atomic_t *stop, char *why, size_t len);
};

struct outbox_stats {
	int	 sent, deferred, failed;
};

/* what a delivery in flight may still take once a stop is requested */
#define OUTBOX_GRACE_MS	1000

extern const struct outbox_transport outbox_email;

int	 outbox_stopping(volatile sig_atomic_t *stop, long long *since_ms);

int	 outbox_run(struct store *, const struct cfg *,
	    const struct outbox_transport *, const char *owner, int max,
	    volatile sig_atomic_t *stop, struct outbox_stats *);
enum outbox_result outbox_send(const struct cfg *, const struct outbox_item *,
	    volatile sig_atomic_t *stop, char *why, size_t len);
time_t	 outbox_backoff(const struct cfg *, int attempts, time_t now);
void	 outbox_close(void);

#endif
