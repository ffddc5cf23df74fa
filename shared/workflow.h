/*
 * NAME
 *	workflow - the handlers' actions on a case (承诺书-4)
 * DESCRIPTION
 *	Verify, dispose, tell the reporter: one table says which action each
 *	status allows and where it leads.  An allowed action changes the case,
 *	writes its event with the actor and, for an outcome, queues the
 *	outcome feedback (feedback.c renders it), all in one transaction.  An
 *	action not allowed is refused with a message naming the status and
 *	what it allows (store_busy() 0: the caller exits 1).
 *
 *	received ──▶ accepted ──▶ disposed ─┐
 *	   │  ▲          │                   ├─▶ feedback_sent ──▶ closed
 *	   ▼  │          ├─▶ escalated       │        │               │
 *	awaiting_materials   not_accepted, refused_malicious, transferred
 *	                         reopened ◀── objection, complaint, reopen
 *
 *	工作规范 第二十六、二十七条 (审处分离): while removal_review is on, a
 *	dispose whose measures include delete, block, unlink or close only
 *	proposes (an event "propose"; the status is "proposed", the case's
 *	own unchanged), and no other dispose of the case is taken until a
 *	second person decides: approve (the disposal, made as dispose makes
 *	it, its actor the proposer) or decline (with a reason).  That person
 *	is an enabled staff account (staff.h) with the reviewer role or
 *	above, never the proposer: the actor is looked up in the store here,
 *	so that jubaoctl and the console keep one rule.
 */
#ifndef JUBAO_WORKFLOW_H
#define JUBAO_WORKFLOW_H

#include "feedback.h"
#include "store.h"

struct case_action {
	const char		*action;	/* accept, reject, refuse, ... */
	const char		*actor;
	time_t			 now;
	const char		*reason;	/* reject, refuse, decline; note,
						 * objection, complaint */
	const char		*to;		/* transfer, assign: to whom */
	const char		*explain;	/* the public explanation */
	const char *const	*measures;	/* dispose */
	size_t			 nmeasures;
	time_t			 until;		/* dispose --measure private */
	int			 no_feedback;
};

int	 workflow_known(const char *action);
int	 workflow_measure_valid(const char *measure);
int	 workflow_act(struct store *, const struct feedback_ctx *,
	    const char *case_no, const struct case_action *, char *status,
	    size_t len);
int	 workflow_rate(struct store *, const char *case_no, int rating,
	    const char *actor, time_t now);

#endif
