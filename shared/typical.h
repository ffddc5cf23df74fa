/*
 * NAME
 *	typical - typical cases: a finished case told to the public
 *	(指导意见 二十: 典型案例)
 * DESCRIPTION
 *	A handler proposes a closed case (closed or feedback_sent, with an
 *	outcome) as a typical case with a title and a public summary; it is
 *	published only when a second person approves it: an enabled account
 *	with the reviewer role or above, never the proposer (the rule of the
 *	removals, staff_second_person).  A reviewer may decline it with a
 *	reason; its proposer or an admin may withdraw it, pending or
 *	published.  Each step is an event in the case's ledger
 *	(typical_propose, typical_publish, typical_decline, typical_withdraw)
 *	in the transaction of the change.
 *
 *	A typical case is anonymous: the store refuses a title or summary
 *	that holds the reporter's address, name, client address or a phone
 *	number of the case (read unsealed inside the store, never returned,
 *	no reveal recorded, never echoed: "the summary names the
 *	reporter"), and any mobile number or e-mail address at all.  The
 *	public list carries no case number and no staff name.
 */
#ifndef JUBAO_TYPICAL_H
#define JUBAO_TYPICAL_H

#include <stddef.h>
#include <time.h>

#include "store.h"

#define TYPICAL_TITLE_MAX	100	/* characters, one line */
#define TYPICAL_SUMMARY_MAX	2000	/* characters, lines */
#define TYPICAL_REASON_MAX	500	/* characters: a decline, a withdrawal */
#define TYPICAL_PUBLIC_MAX	100	/* the public page's cases, newest */

enum typical_act { TYPICAL_APPROVE, TYPICAL_DECLINE, TYPICAL_WITHDRAW };

struct typical {
	long long	 id;
	char		*case_no;	/* NULL on the public list */
	char		*category;	/* the case's category key */
	char		*title, *summary;
	char		*state;		/* pending, published, declined,
					 * withdrawn */
	char		*proposer;	/* NULL on the public list */
	char		*decided_by;	/* NULL: undecided, or the public list */
	char		*reason;	/* declined, withdrawn: why */
	time_t		 proposed_at, decided_at;
};

/*
 * store_typical.c: each its own transaction.  0, or -1: a refusal
 * (store_busy() 0: no such case or typical case, a case not closed, a
 * text too long or not anonymous, a second proposal, an approval by the
 * proposer or by one who is no reviewer) or a failure that may pass.
 * Lists (typical_free) are newest first.
 */
int	 store_typical_propose(struct store *, const char *case_no,
	    const char *actor, const char *title, const char *summary,
	    time_t now, long long *id);
int	 store_typical_decide(struct store *, const char *case_no,
	    long long id, enum typical_act, const char *actor,
	    const char *reason, time_t now);
int	 store_typical_published(struct store *, size_t max, struct typical **,
	    size_t *n);
int	 store_typical_pending(struct store *, size_t max, struct typical **,
	    size_t *n);
int	 store_typical_of_case(struct store *, const char *case_no,
	    struct typical **, size_t *n);
void	 typical_free(struct typical *, size_t n);

#endif
