/*
 * NAME
 *	lookup - a reporter asks how the case stands: case number and PIN
 * DESCRIPTION
 *	One path for the three channels (a query by mail: intake.c; by the
 *	hotline's query key: sip_call.c; on the status page: jubao-webd):
 *
 *	  parse		lookup_parse finds a query in a line a sender wrote
 *			(「查询 261201000025 825527」, 「查询 JB261201000025
 *			密码 825527」, full-width digits and spaces, "status
 *			CASE PIN"); linear in the line
 *	  check		lookup_run, in one transaction: the limits (a case
 *			number locked after lookup_case_failures wrong PINs,
 *			a source over lookup_source_failures failures or
 *			lookup_source_limit lookups in an hour), the case,
 *			its PIN (a keyed hash, compared in constant time);
 *			the attempt recorded (the source only as a keyed
 *			hash, kept a day) and, when the case exists, an
 *			event on it (channel, result: never who asked);
 *			LOOKUP_DAY_LOCKS locks' worth of wrong PINs in a
 *			day lock the number for the day
 *	  answer	lookup_render: the same text for every channel that
 *			shows text (the mail answer, the web page), from
 *			template_dir/LANG/status*.txt
 *
 *	No oracle: a wrong PIN, an unknown case number and a malformed one
 *	give the same verdict (LOOKUP_DENIED) after the same work; a
 *	locked number gives LOOKUP_LIMITED whether or not a case has it, as
 *	does a source over its limits.
 */
#ifndef JUBAO_LOOKUP_H
#define JUBAO_LOOKUP_H

#include <time.h>

#include "caseno.h"
#include "cfg.h"
#include "classify.h"
#include "store.h"
#include "util.h"

#define LOOKUP_PIN_MAX	16
#define LOOKUP_DAY_LOCKS 4	/* a day's wrong PINs for one number:
				 * this many times lookup_case_failures */
#define LOOKUP_KEEP	(86400 + 3600)	/* attempts kept: a day and the
					 * hour limits' window */

enum lookup_verdict {
	LOOKUP_OK,		/* the case and its status in the result */
	LOOKUP_DENIED,		/* wrong number or PIN: nothing more said */
	LOOKUP_LIMITED		/* too many attempts: retry_at says when */
};

struct lookup_query {
	const char	*channel;	/* email, hotline, web */
	const char	*source;	/* the envelope sender, the caller's
					 * number, the client address; NULL:
					 * none (limited by case only) */
	char		 case_no[CASENO_MAX];	/* as typed, normalised */
	char		 pin[LOOKUP_PIN_MAX];
	time_t		 now;
};

struct lookup_result {
	enum lookup_verdict verdict;
	time_t		 retry_at;	/* LOOKUP_LIMITED: when to try again */
	/* LOOKUP_OK: what the reporter may know of the case, nothing else */
	char		 case_no[CASENO_MAX];
	char		 channel[16];	/* email, hotline, web */
	char		 status[32];
	char		 category[64];
	char		 lang[8];
	char		 outcome[32];	/* "" none yet */
	time_t		 received_at, deadline, outcome_at;
	char		*outcome_detail;	/* transferred: to whom */
	char		*explanation;
	strlist		 measures;	/* "delete", "private:UNIXTIME" */
	int		 satisfaction;	/* 0: not rated */
	unsigned	 missing;	/* acceptance elements it lacks */
	long long	 case_id;	/* the store's, for what the answer owes */
};

int	 lookup_parse(const char *line, struct lookup_query *q);
int	 lookup_normalise(const char *in, char *out, size_t len);
int	 lookup_run(const struct cfg *, struct store *, struct lookup_query *,
	    struct lookup_result *);
int	 lookup_check(const struct cfg *, struct store *,
	    struct lookup_query *, struct lookup_result *);
void	 lookup_result_clear(struct lookup_result *);
const char *lookup_status_name(const char *status, const char *lang);
/* the answer's templates: status.txt (found), status-denied.txt,
 * status-limited.txt, in zh-CN and en; loaded and test-rendered once */
struct lookup_ctx {
	const struct cfg	*cfg;
	const struct categories	*cats;
	char			*tmpl[2][3];
};

int	 lookup_init(struct lookup_ctx *, const struct cfg *,
	    const struct categories *, buf *err);
void	 lookup_free(struct lookup_ctx *);
int	 lookup_render(const struct lookup_ctx *, const struct lookup_result *,
	    const char *lang, char **subject, char **body);

/* store_lookup.c */
int	 store_lookup_failures(struct store *, const char *column,
	    const char *key, time_t since, long *failures, long *all,
	    time_t *last);
int	 store_lookup_add(struct store *, const char *channel,
	    const char *source, const char *case_no, int ok, time_t now);
int	 store_lookup_case(struct store *, const char *case_no,
	    long long *id, char pin_hash[33], struct lookup_result *);

#endif
