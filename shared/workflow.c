/*
 * NAME
 *	workflow - the handlers' actions: the transition table and its steps
 * DESCRIPTION
 *	See workflow.h.  The table below is the whole state machine; each
 *	step of an action is a store primitive (store_case.c) in the action's
 *	transaction, and every event goes through the ledger.  A removal
 *	(工作规范 第二十六、二十七条) is proposed, then approved or declined
 *	by a reviewer: the proposal is a row of its own (store_staff.c), the
 *	case's status does not move until the approval disposes of it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "staff.h"
#include "workflow.h"

#define OPEN_STATES	"|received|awaiting_materials|accepted|escalated|reopened|"
#define OUTCOME_STATES	"|disposed|not_accepted|refused_malicious|transferred|"
#define ANY_STATE	"*"

static const struct transition {
	const char	*action;
	const char	*from;		/* "|a|b|" or ANY_STATE */
	const char	*to;		/* NULL: unchanged */
	int		 outcome;	/* sets the outcome, queues feedback */
} transitions[] = {
	{ "accept",	"|received|awaiting_materials|escalated|reopened|", "accepted", 0 },
	{ "reject",	OPEN_STATES,					"not_accepted", 1 },
	{ "refuse",	OPEN_STATES,					"refused_malicious", 1 },
	{ "transfer",	OPEN_STATES,					"transferred", 1 },
	{ "escalate",	"|received|accepted|reopened|",			"escalated", 0 },
	{ "dispose",	"|accepted|escalated|reopened|",		"disposed", 1 },
	{ "feedback",	OUTCOME_STATES,					"feedback_sent", 0 },
	{ "close",	"|feedback_sent|",				"closed", 0 },
	{ "objection",	"|disposed|feedback_sent|closed|",		"reopened", 0 },
	{ "complaint",	ANY_STATE,					NULL, 0 },
	{ "reopen",	"|not_accepted|refused_malicious|transferred|disposed|feedback_sent|closed|",
							"reopened", 0 },
	{ "assign",	"|received|awaiting_materials|accepted|escalated|reopened|disposed|not_accepted|refused_malicious|transferred|feedback_sent|",
							NULL, 0 },
	{ "note",	ANY_STATE,					NULL, 0 },
	/* a proposed removal: approve disposes (from where dispose may),
	 * decline leaves the case where it is */
	{ "approve",	"|accepted|escalated|reopened|",		"disposed", 1 },
	{ "decline",	ANY_STATE,					NULL, 0 },
};

/* the measures that remove content or close an account: a second person
 * approves them (工作规范 第二十六、二十七条) */
static const char *const removal_names[] = {
	"delete", "block", "unlink", "close", NULL
};

static const char *const measure_names[] = {
	"delete", "block", "unlink", "warn", "suspend", "restrict", "close",
	"private", "dispute-label", NULL
};

/* find - the transition of an action; NULL when there is none */
static const struct transition *
find(const char *action)
{
	size_t	 i;

	for (i = 0; i < sizeof(transitions) / sizeof(transitions[0]); i++)
		if (strcmp(transitions[i].action, action) == 0)
			return (&transitions[i]);
	return (NULL);
}

/* workflow_known - is action one of the table's */
int
workflow_known(const char *action)
{
	return (find(action) != NULL);
}

/* workflow_measure_valid - is m one of the measures we know */
int
workflow_measure_valid(const char *m)
{
	size_t	 i;

	for (i = 0; measure_names[i]; i++)
		if (strcmp(measure_names[i], m) == 0)
			return (1);
	return (0);
}

/* is_review - is action a reviewer's (approve, decline): it needs a
 * proposal, which the status alone does not say */
static int
is_review(const char *action)
{
	return (strcmp(action, "approve") == 0 || strcmp(action,
	    "decline") == 0);
}

/* in_set - is status in "|a|b|" (or the set is ANY_STATE) */
static int
in_set(const char *set, const char *status)
{
	char	 key[64];

	if (strcmp(set, ANY_STATE) == 0)
		return (1);
	snprintf(key, sizeof(key), "|%s|", status);
	return (strstr(set, key) != NULL);
}

/* allowed_from - the actions allowed from a status, for the refusal */
static void
allowed_from(const char *status, char *out, size_t len)
{
	size_t	 i, used = 0;

	out[0] = '\0';
	for (i = 0; i < sizeof(transitions) / sizeof(transitions[0]); i++)
		if (in_set(transitions[i].from, status) && used < len &&
		    !is_review(transitions[i].action))
			used += (size_t)snprintf(out + used, len - used, "%s%s",
			    used ? ", " : "", transitions[i].action);
}

/* event_detail - what the ledger says about an action */
static void
event_detail(const struct case_action *a, char *out, size_t len)
{
	size_t	 i, used = 0;

	out[0] = '\0';
	if (a->to)
		used += (size_t)snprintf(out + used, len - used, "to %s", a->to);
	for (i = 0; i < a->nmeasures && used < len; i++)
		used += (size_t)snprintf(out + used, len - used, "%s%s",
		    used ? (i ? ", " : "; measures ") : "measures ", a->measures[i]);
	if (a->reason && used < len)
		used += (size_t)snprintf(out + used, len - used, "%s%s",
		    used ? "; " : "", a->reason);
	if (a->explain && used < len)
		snprintf(out + used, len - used, "%sexplanation: %s",
		    used ? "; " : "", a->explain);
}

/*
 * feedback - render the outcome feedback of a case and queue it (or
 * record it suppressed, or listed for a call-back), in the transaction
 */
static int
feedback(struct store *st, const struct feedback_ctx *fb,
    const struct store_case *c, const char *case_no,
    const struct case_action *a)
{
	struct feedback_info	 fi;
	struct owed		 m = { 0 };
	struct outbox_row	 row;
	char			 ev[64];
	int			 rc = -1;

	if (store_feedback_info(st, c->id, case_no, &fi) < 0)
		goto out;
	m.kind = "feedback";
	if (feedback_render(fb, &fi, &m) < 0) {
		store_fail(st, 1, "cannot render the feedback for case %s",
		    case_no);
		goto out;
	}
	memset(&row, 0, sizeof(row));
	row.kind = "feedback";
	row.channel = m.channel ? m.channel : "email";
	row.recipient = m.recipient;
	row.env_from = m.env_from;
	row.message_id = m.message_id;
	row.message = m.message;
	row.status = m.suppress ? "suppressed" : strcmp(row.channel,
	    "callback") == 0 ? "callback" : "queued";
	row.reason = m.suppress;
	snprintf(ev, sizeof(ev), "feedback_%s", row.status);
	if (store_outbox_insert(st, c->id, &row, a->now) < 0 ||
	    ledger_add(st, c->id, a->now, a->actor, ev, m.suppress) < 0 ||
	    store_case_feedback_at(st, c->id, a->now) < 0)
		goto out;
	rc = 0;
out:
	owed_clear(&m);
	feedback_info_clear(&fi);
	return (rc);
}

/* change - what an allowed action changes, before its event */
static int
change(struct store *st, const struct transition *t, const char *to,
    const struct store_case *c, const struct case_action *a)
{
	size_t	 i;

	if (strcmp(a->action, "assign") == 0 &&
	    store_case_assign(st, c->id, a->to, a->now) < 0)
		return (-1);
	if (to == NULL)
		return (0);
	if (store_case_status(st, c->id, to, a->now) < 0 ||
	    (t->outcome && store_case_outcome(st, c->id, to,
	    strcmp(a->action, "transfer") == 0 ? a->to : a->reason, a->explain,
	    a->now) < 0) ||
	    (strcmp(to, "closed") == 0 && store_case_closed(st, c->id,
	    a->now) < 0) ||
	    (strcmp(to, "reopened") == 0 && store_case_reopened(st, c->id) < 0))
		return (-1);
	if (strcmp(a->action, "dispose") == 0)
		for (i = 0; i < a->nmeasures; i++)
			if (store_case_measure(st, c->id, a->measures[i],
			    strcmp(a->measures[i], "private") == 0 ? a->until : 0,
			    a->now, a->actor) < 0)
				return (-1);
	return (0);
}

/* load - a case by number, or a refusal "no case N"; 0 or -1 */
static int
load(struct store *st, const char *case_no, struct store_case *c)
{
	if (store_case_load(st, case_no, c) < 0)
		return (-1);
	if (c->id == 0)
		return (store_fail(st, 0, "no case %s", case_no));
	return (0);
}

/*
 * apply - an allowed action's change, its event (what event_detail makes
 * of a, and also when not NULL) and, for an outcome, the feedback, in the
 * caller's transaction; the new status into status.  0 or -1.
 */
static int
apply(struct store *st, const struct feedback_ctx *fb,
    const struct transition *t, const char *to, const struct store_case *c,
    const char *case_no, const struct case_action *a, const char *also,
    char *status, size_t slen)
{
	char	 detail[1024];
	size_t	 used = 0;

	if (change(st, t, to, c, a) < 0)
		return (-1);
	/* also first: a long explanation is what a full detail cuts */
	if (also != NULL && (used = (size_t)snprintf(detail, sizeof(detail),
	    "%.200s; ", also)) >= sizeof(detail))
		used = sizeof(detail) - 1;
	event_detail(a, detail + used, sizeof(detail) - used);
	if (used >= 2 && detail[used] == '\0')
		detail[used - 2] = '\0';	/* no "; " at the end */
	if (ledger_add(st, c->id, a->now, a->actor, a->action, *detail ? detail :
	    NULL) < 0)
		return (-1);
	snprintf(status, slen, "%s", to ? to : c->status);
	if ((t->outcome && !a->no_feedback) || strcmp(a->action, "feedback") == 0) {
		if (feedback(st, fb, c, case_no, a) < 0)
			return (-1);
		snprintf(status, slen, "feedback_sent");
	}
	return (0);
}

/* removal - does a disposal remove content or close an account */
static int
removal(const struct case_action *a)
{
	size_t	 i, k;

	for (i = 0; i < a->nmeasures; i++)
		for (k = 0; removal_names[k] != NULL; k++)
			if (strcmp(a->measures[i], removal_names[k]) == 0)
				return (1);
	return (0);
}

/*
 * review_on - does a removal wait for a reviewer (removal_review): yes
 * unless the configuration says no (工作规范 第二十六、二十七条)
 */
static int
review_on(const struct feedback_ctx *fb)
{
	return (fb == NULL || fb->cfg == NULL || fb->cfg->removal_review ==
	    NULL || strcmp(fb->cfg->removal_review, "no") != 0);
}

/*
 * propose - a removal recorded as a proposal of a's disposal, and its
 * event "propose"; the case is not changed.  0 or -1.
 */
static int
propose(struct store *st, const struct store_case *c,
    const struct case_action *a)
{
	struct case_proposal	 p;
	char			 detail[1024];
	buf			 m = { 0 };
	size_t			 i;
	int			 rc;

	for (i = 0; i < a->nmeasures; i++)
		buf_printf(&m, "%s%s", i ? "," : "", a->measures[i]);
	memset(&p, 0, sizeof(p));
	p.proposer = xstrdup(a->actor);
	p.measures = m.s;
	p.explanation = a->explain ? xstrdup(a->explain) : NULL;
	p.until = a->until;
	p.no_feedback = a->no_feedback;
	p.proposed_at = a->now;
	event_detail(a, detail, sizeof(detail));
	rc = store_proposal_add(st, c->id, &p) < 0 || ledger_add(st, c->id,
	    a->now, a->actor, "propose", *detail ? detail : NULL) < 0 ? -1 : 0;
	case_proposal_clear(&p);
	return (rc);
}

/*
 * may_review - may a's actor approve or decline proposal p of case_no:
 * not its proposer, and an enabled account with the reviewer role or
 * above (staff_second_person).  0, or -1 (a refusal naming why).
 */
static int
may_review(struct store *st, const struct case_action *a,
    const struct case_proposal *p, const char *case_no)
{
	return (staff_second_person(st, a->actor, p->proposer, case_no,
	    a->action, "disposal", "审处分离, 工作规范 第二十六、二十七条"));
}

/*
 * review - approve or decline the proposal of case c that awaits a
 * reviewer.  Approved, the disposal is made as dispose would make it,
 * with the proposal's measures, end, explanation and feedback, and the
 * proposer as its actor ("approved by" the reviewer); declined, the case
 * is left where it is, with the reason.  0 or -1.
 */
static int
review(struct store *st, const struct feedback_ctx *fb,
    const struct store_case *c, const char *case_no,
    const struct case_action *a, char *status, size_t slen)
{
	struct case_proposal	 p;
	struct case_action	 d;
	const char		*ms[16];
	char			*list = NULL, *tok, *save, detail[1024];
	int			 rc = -1;

	if (store_proposal_pending(st, c->id, &p) < 0)
		return (-1);
	if (p.id == 0) {
		store_fail(st, 0, "case %s has no disposal awaiting a "
		    "reviewer", case_no);
		goto out;
	}
	if (strcmp(a->action, "decline") == 0 && (a->reason == NULL ||
	    *a->reason == '\0')) {
		store_fail(st, 0, "case %s: a decline says why", case_no);
		goto out;
	}
	if (may_review(st, a, &p, case_no) < 0)
		goto out;
	snprintf(detail, sizeof(detail), "proposed by %s: measures %s%s%s",
	    p.proposer, p.measures, a->reason ? "; " : "", a->reason ?
	    a->reason : "");
	if (store_proposal_decide(st, p.id, strcmp(a->action, "approve") == 0 ?
	    "approved" : "declined", a->actor, a->reason, a->now) < 0 ||
	    ledger_add(st, c->id, a->now, a->actor, a->action, detail) < 0)
		goto out;
	if (strcmp(a->action, "decline") == 0) {
		snprintf(status, slen, "%s", c->status);
		rc = 0;
		goto out;
	}
	memset(&d, 0, sizeof(d));
	d.action = "dispose";
	d.actor = p.proposer;
	d.now = a->now;
	d.explain = p.explanation;
	d.until = p.until;
	d.no_feedback = p.no_feedback;
	d.measures = ms;
	list = xstrdup(p.measures);
	for (tok = strtok_r(list, ",", &save); tok != NULL && d.nmeasures <
	    sizeof(ms) / sizeof(ms[0]); tok = strtok_r(NULL, ",", &save))
		if (workflow_measure_valid(tok))
			ms[d.nmeasures++] = tok;
	snprintf(detail, sizeof(detail), "approved by %s", a->actor);
	rc = apply(st, fb, find("dispose"), "disposed", c, case_no, &d, detail,
	    status, slen);
out:
	free(list);
	case_proposal_clear(&p);
	return (rc);
}

/*
 * pending - refuse a disposal of case c while one is proposed; 0 when
 * none is, or -1
 */
static int
pending(struct store *st, const struct store_case *c, const char *case_no)
{
	struct case_proposal	 p;
	int			 rc = 0;

	if (store_proposal_pending(st, c->id, &p) < 0)
		return (-1);
	if (p.id != 0)
		rc = store_fail(st, 0, "case %s: a disposal proposed by %s "
		    "awaits a reviewer: approve or decline it first", case_no,
		    p.proposer);
	case_proposal_clear(&p);
	return (rc);
}

/*
 * workflow_act - one handler's action on a case, in one transaction; the
 * new status into status ("proposed": a removal awaits a reviewer, the
 * case's own status unchanged).  0, or -1: a refusal with store_busy() 0
 * (no such case, an action not allowed from its status, an unknown
 * action, a removal already proposed, an approval by the proposer or by
 * one who is no reviewer), or a failure that may pass.
 */
int
workflow_act(struct store *st, const struct feedback_ctx *fb,
    const char *case_no, const struct case_action *a, char *status,
    size_t slen)
{
	const struct transition	*t;
	struct store_case	 c;
	char			 allowed[256];
	const char		*to;

	if ((t = find(a->action)) == NULL)
		return (store_fail(st, 0, "unknown action %s", a->action));
	if (store_begin(st) < 0)
		return (-1);
	if (load(st, case_no, &c) < 0)
		goto rollback;
	if (!in_set(t->from, c.status)) {
		allowed_from(c.status, allowed, sizeof(allowed));
		store_fail(st, 0, "case %s is %s: cannot %s it (allowed: %s)",
		    case_no, c.status, a->action, allowed);
		goto rollback;
	}
	if (strcmp(a->action, "accept") == 0 && c.missing != 0) {
		elem_list(c.missing, allowed, sizeof(allowed));
		store_fail(st, 0, "case %s lacks acceptance elements (工作规范 "
		    "第五条: %s): wait for the supplement, or reject it",
		    case_no, allowed);
		goto rollback;
	}
	if (is_review(a->action)) {
		if (review(st, fb, &c, case_no, a, status, slen) < 0)
			goto rollback;
		return (store_commit(st));
	}
	if (strcmp(a->action, "dispose") == 0) {
		if (pending(st, &c, case_no) < 0)
			goto rollback;
		/* 工作规范 第二十六、二十七条: 审处分离 */
		if (removal(a) && review_on(fb)) {
			if (propose(st, &c, a) < 0)
				goto rollback;
			snprintf(status, slen, "proposed");
			return (store_commit(st));
		}
	}
	to = t->to;
	/* a complaint reopens what was finished; on an open case it is noted */
	if (strcmp(a->action, "complaint") == 0 && (in_set(OUTCOME_STATES,
	    c.status) || strcmp(c.status, "feedback_sent") == 0 ||
	    strcmp(c.status, "closed") == 0))
		to = "reopened";
	if (apply(st, fb, t, to, &c, case_no, a, NULL, status, slen) < 0)
		goto rollback;
	return (store_commit(st));
rollback:
	store_rollback(st);
	return (-1);
}

/*
 * workflow_rate - a reporter's satisfaction rating (1-5), recorded by a
 * handler (a rating given by telephone); 0, or -1 (a refusal: no such
 * case, a rating out of range)
 */
int
workflow_rate(struct store *st, const char *case_no, int rating,
    const char *actor, time_t now)
{
	struct store_case	 c;
	char			 detail[32];

	if (rating < 1 || rating > 5)
		return (store_fail(st, 0, "a rating is 1 to 5"));
	if (store_begin(st) < 0)
		return (-1);
	if (load(st, case_no, &c) < 0)
		goto rollback;
	snprintf(detail, sizeof(detail), "%d of 5", rating);
	if (store_case_satisfaction(st, c.id, rating, now) < 0 ||
	    ledger_add(st, c.id, now, actor, "rating", detail) < 0)
		goto rollback;
	return (store_commit(st));
rollback:
	store_rollback(st);
	return (-1);
}
