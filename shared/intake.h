/*
 * NAME
 *	intake - the intake pipeline: a report becomes a case
 * DESCRIPTION
 *	One path for every channel, after the channel has made its report
 *	(milter_mime.c from a message, sip_call.c from a call):
 *
 *	  enrich	the addresses, accounts and numbers the text names,
 *			its language, the category and the acceptance
 *			elements it lacks (intake_enrich); a reply that
 *			proves it answers its reporter's case takes that
 *			case's category
 *	  decide	a retry of a message committed before, a rating, a
 *			supplement or a new case; a flood; one
 *			acknowledgement policy for every channel (RFC 3834,
 *			floods, no address, the daily limit)
 *	  commit	the case and every message it owes (the
 *			acknowledgement by mail or SMS, the call centre's
 *			notice) and the call's ledger row, in one
 *			transaction: all of it, or nothing and a temporary
 *			failure for the channel to answer with
 *
 *	The store below writes what is decided here; nothing here knows the
 *	database.  A failure returns -1 with the store's reason
 *	(store_error), temporary or not (store_busy): the milter tempfails
 *	either way, the bridge keeps the recording for recovery.
 */
#ifndef JUBAO_INTAKE_H
#define JUBAO_INTAKE_H

#include "ack.h"
#include "cfg.h"
#include "classify.h"
#include "lookup.h"
#include "report.h"
#include "store.h"

struct intake_ctx {		/* what a program's runtime lends the pipeline */
	const struct cfg	*cfg;
	const struct categories	*cats;
	const struct ack_ctx	*ack;
	const char		*actor;	/* the program: jubao-milter, jubao-sipd */
	const struct lookup_ctx	*look;	/* status answers (a query by mail) */
};

struct intake_result {
	char	 case_no[CASENO_MAX];
	char	 pin[PIN_LEN + 1];	/* a new case's receipt PIN, else "" */
	int	 duplicate;	/* the same message was committed before */
	int	 supplement;	/* joined its reporter's case */
	int	 rated;		/* a rating (1-5) of the case's outcome */
	int	 limited;	/* a web report past web_report_limit: no case */
	unsigned missing;	/* a supplement: the elements still missing */
	char	 ack_status[16];	/* the acknowledgement (email) or the
					 * staff notice (call): queued,
					 * suppressed, none */
	int	 queued;	/* messages queued: the outbox has work */
	int	 commit_failed;	/* -1 came from the COMMIT itself */
	int	 query;		/* a status query, not a report: answered
				 * (ack_status queued or suppressed) or not
				 * (ack_status "none", why in no_answer) */
	char	 no_answer[96];
};

struct intake_call {		/* what a call brings beside its report */
	const char	*tag;		/* store_call_tag of its Call-ID */
	const char	*number;	/* the caller's number, for the SMS */
	const char	*wav;		/* the recording, for the staff notice */
	const char	*summary;	/* for the staff notice */
	time_t		 started, ended;
	const char	*outcome;	/* for the call ledger: case, interrupted */
	const char	*keys;
	long		 recorded_ms;
	const char	*end_reason;
};

struct intake_web {		/* what a web form decided beside its report */
	const char	*category;	/* the zone's (a supplement: the case's),
					 * or NULL: from the text */
	const char	*const *zone_cats; /* the zone's categories (flood) */
	size_t		 nzone_cats;
	int		 missing;	/* ELEM_* the form lacks; -1: the text's */
};

void	 intake_drop_files(const char *evidence_dir, const struct report *);
void	 intake_enrich(const struct cfg *, const struct categories *,
	    struct report *);
int	 intake_query(const struct report *, struct lookup_query *);
int	 intake_email(const struct intake_ctx *, struct store *,
	    struct report *, struct intake_result *);
int	 intake_call(const struct intake_ctx *, struct store *,
	    struct report *, const struct intake_call *,
	    struct intake_result *);
int	 intake_web(const struct intake_ctx *, struct store *,
	    struct report *, const struct intake_web *,
	    struct intake_result *);
int	 intake_web_supplement(const struct intake_ctx *, struct store *,
	    const char *case_no, struct report *, const struct intake_web *,
	    struct intake_result *);
int	 intake_call_log(struct store *, const struct intake_call *,
	    const char *outcome, const char *detail);
int	 intake_bounce(const struct intake_ctx *, struct store *,
	    const char *case_no, const char *message_id, const char *diagnostic,
	    int *found);

#endif
