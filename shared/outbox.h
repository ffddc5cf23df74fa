/*
 * NAME
 *	outbox - deliver queued messages: sendmail(1) or SMTP to a relay
 * DESCRIPTION
 *	outbox_run claims due rows with a lease (so two processes never send
 *	the same row), hands each to the MTA, and marks it sent, deferred
 *	with exponential back-off, or failed (a permanent refusal, or older
 *	than outbox_max_age).  A row is never deleted.  Runs outside any
 *	milter callback: in the daemons' delivery thread and in
 *	"jubaoctl deliver".
 */
#ifndef JUBAO_OUTBOX_H
#define JUBAO_OUTBOX_H

#include "cfg.h"
#include "store.h"

enum outbox_result { OUTBOX_SENT, OUTBOX_DEFER, OUTBOX_FAIL };

struct outbox_stats {
	int	 sent, deferred, failed;
};

int	 outbox_run(struct store *, const struct cfg *, const char *owner,
	    int max, struct outbox_stats *);
enum outbox_result outbox_send(const struct cfg *, const struct outbox_item *,
	    char *why, size_t len);
time_t	 outbox_backoff(const struct cfg *, int attempts, time_t now);

#endif
