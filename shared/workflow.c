/*
 * NAME
 *	workflow - the handlers' actions: the transition table and its steps
 * DESCRIPTION
 *	See workflow.h.  The table below is the whole state machine; each
 *	step of an action is a store primitive (store_case.c) in the action's
 *	transaction, and every event goes through the ledger.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
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
		if (in_set(transitions[i].from, status) && used < len)
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
 * workflow_act - one handler's action on a case, in one transaction; the
 * new status into status.  0, or -1: a refusal with store_busy() 0 (no
 * such case, an action not allowed from its status, an unknown action),
 * or a failure that may pass.
 */
int
workflow_act(struct store *st, const struct feedback_ctx *fb,
    const char *case_no, const struct case_action *a, char *status,
    size_t slen)
{
	const struct transition	*t;
	struct store_case	 c;
	char			 allowed[256], detail[1024];
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
	to = t->to;
	/* a complaint reopens what was finished; on an open case it is noted */
	if (strcmp(a->action, "complaint") == 0 && (in_set(OUTCOME_STATES,
	    c.status) || strcmp(c.status, "feedback_sent") == 0 ||
	    strcmp(c.status, "closed") == 0))
		to = "reopened";
	if (change(st, t, to, &c, a) < 0)
		goto rollback;
	event_detail(a, detail, sizeof(detail));
	if (ledger_add(st, c.id, a->now, a->actor, a->action, *detail ? detail :
	    NULL) < 0)
		goto rollback;
	snprintf(status, slen, "%s", to ? to : c.status);
	if ((t->outcome && !a->no_feedback) || strcmp(a->action, "feedback") == 0) {
		if (feedback(st, fb, &c, case_no, a) < 0)
			goto rollback;
		snprintf(status, slen, "feedback_sent");
	}
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
