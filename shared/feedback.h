/*
 * NAME
 *	feedback - the outcome feedback every reporter is owed (承诺书-4)
 * DESCRIPTION
 *	feedback_init loads and test-renders the templates
 *	(template_dir/LANG/feedback-OUTCOME.txt); feedback_render builds the
 *	message the workflow (workflow.c) queues in the outcome's transaction.  Email
 *	feedback goes out with a VERP envelope sender (bounce_address with
 *	+CASE), so that a bounce finds its case; a caller's feedback goes by
 *	SMS through the SIP MESSAGE gateway when one is configured, and is
 *	listed for a call-back by staff otherwise.  The text names no one:
 *	not the handler, not the reported party, not the reporter.
 */
#ifndef JUBAO_FEEDBACK_H
#define JUBAO_FEEDBACK_H

#include "ack.h"
#include "cfg.h"
#include "classify.h"
#include "store.h"

#define FB_NOUTCOME	4

struct feedback_ctx {
	const struct cfg	*cfg;
	const struct categories	*cats;
	char			*tmpl[2][FB_NOUTCOME];
	char			*sms[2];	/* feedback-sms.txt */
	char			*web[2];	/* feedback-web.txt */
};

int	 feedback_init(struct feedback_ctx *, const struct cfg *,
	    const struct categories *, buf *err);
void	 feedback_free(struct feedback_ctx *);
int	 feedback_render(const struct feedback_ctx *,
	    const struct feedback_info *, struct owed *out);
char	*feedback_verp(const struct cfg *, const char *case_no,
	    const char *nonce);
int	 feedback_bounce_case(const struct cfg *, const char *rcpt, char *case_no,
	    size_t len, char *nonce, size_t nlen);
const char *feedback_measure_text(const char *measure, const char *lang);
const char *feedback_measure_name(const char *measure, const char *lang);
int	 feedback_rating(const char *text);
char	*feedback_outcome_words(const char *outcome, const char *detail,
	    const char *lang);
void	 feedback_measures_list(const strlist *measures, const char *lang,
	    buf *b);

#endif
