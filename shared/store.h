/*
 * NAME
 *	store - the intake store: the only module with SQL
 * DESCRIPTION
 *	SQLite in WAL mode with a busy timeout, shared by jubao-milter,
 *	jubao-sipd and jubaoctl.  Every write is one short transaction
 *	(BEGIN IMMEDIATE, so two writers never deadlock on a lock upgrade).
 *	The schema carries its version in meta; store_open applies the
 *	migrations it lacks.  Functions return 0 or -1; after -1,
 *	store_error() says why and store_busy() whether it was a lock or an
 *	I/O condition that may pass (a caller answers "try again": tempfail,
 *	exit 75).  Results handed out are owned by the caller.
 */
#ifndef JUBAO_STORE_H
#define JUBAO_STORE_H

#include <jansson.h>
#include <time.h>

#include "caseno.h"
#include "report.h"

struct store;

/* what the intake queues with a case: the acknowledgement */
struct store_msg {
	const char	*kind;		/* "ack", "supplement", "feedback" */
	const char	*channel;	/* "email" (NULL), "sip", "callback" */
	char		*recipient;	/* NULL: nobody to tell */
	char		*env_from;	/* "" null sender */
	char		*message_id;
	char		*message;	/* the whole RFC 5322 message */
	char		*suppress;	/* RFC 3834 etc.: why it is not sent */
	char		*detail;	/* for the ledger, when it is sent */
};

typedef int (*store_render_fn)(void *arg, const struct report *,
    const char *case_no, const char *pin, time_t deadline, unsigned missing,
    struct store_msg *out);

struct store_intake_result {
	char	 case_no[CASENO_MAX];
	int	 duplicate;	/* the same message was committed before */
	int	 supplement;	/* joined an existing case */
	int	 rated;		/* a rating (1-5) of the case's outcome, recorded */
	char	 ack_status[16];	/* queued, suppressed, none */
};

struct outbox_item {
	long	 id;
	char	 case_no[CASENO_MAX];
	char	*kind;
	char	*recipient;
	char	*env_from;
	char	*message;
	int	 attempts;
	time_t	 created_at;
};

#define STORE_CALL_TAG	26	/* "call-" + 20 hex + NUL */

struct store_evidence {
	char		 name[256];
	char		 type[128];
	long long	 size;
	char		 sha256[65];
	char		 file[65];	/* the sealed file's id (or, from before, its SHA-256) */
	int		 purged;
};

int	 store_keys_load(const char *key_file, buf *err);
void	 store_set_uid(struct store *, long uid);
int	 store_evidence_open(struct store *, const char *case_no, long n,
	    const char *actor, struct store_evidence *);
void	 store_pin_hash(const char *case_no, const char *pin, char out[33]);
void	 store_call_tag(const char *call_id, char out[STORE_CALL_TAG]);
int	 store_open(const char *path, long busy_timeout, struct store **, buf *err);
void	 store_set_flood(struct store *, long rep_hour, long rep_day,
	    long client_hour, long client_day);
void	 store_close(struct store *);
const char *store_error(const struct store *);
int	 store_busy(const struct store *);
int	 store_schema_version(struct store *);

int	 store_intake(struct store *, struct report *, long daily_limit,
	    store_render_fn, void *arg, struct store_intake_result *);

int	 store_outbox_claim(struct store *, const char *owner, time_t now,
	    long lease, struct outbox_item *, int *found);
int	 store_outbox_sent(struct store *, long id, time_t now);
int	 store_outbox_retry(struct store *, long id, time_t next_at,
	    const char *error);
int	 store_outbox_failed(struct store *, long id, const char *error);
void	 outbox_item_clear(struct outbox_item *);

int	 store_case_list(struct store *, const char *status, json_t **out);
int	 store_case_show(struct store *, const char *case_no, int reveal,
	    const char *actor, json_t **out);
int	 store_case_category(struct store *, const char *case_no,
	    const char *sender, char *out, size_t len);
int	 store_message_get(struct store *, long id, char **message);

/* the hotline (jubao-sipd): other channels' outbox rows, the call ledger */
int	 store_outbox_claim_channel(struct store *, const char *channel,
	    const char *owner, time_t now, long lease, struct outbox_item *,
	    int *found);
int	 store_outbox_add(struct store *, const char *case_no,
	    const char *kind, const char *channel, const char *recipient,
	    const char *message, const char *suppress, long daily_limit,
	    const char *actor);
int	 store_call_log(struct store *, const char *call_id, time_t started,
	    time_t ended, const char *outcome, const char *case_no,
	    const char *keys, long recorded_ms, const char *detail);


/* the handlers' workflow (store_case.c) */
struct case_action {
	const char		*action;	/* accept, reject, refuse, transfer, ... */
	const char		*actor;
	time_t			 now;
	const char		*reason;	/* reject, refuse; note, objection, complaint */
	const char		*to;		/* transfer: to whom; assign: to whom */
	const char		*explain;	/* dispose: the public explanation */
	const char *const	*measures;	/* dispose */
	size_t			 nmeasures;
	time_t			 until;		/* dispose --measure private */
	int			 no_feedback;
};

struct feedback_info {
	char	 case_no[CASENO_MAX];
	char	 channel[16];
	char	 lang[8];
	char	 category[64];
	char	 outcome[32];
	char	*outcome_detail;	/* the reason, or to whom it went */
	char	*explanation;
	strlist	 measures;		/* "delete", "private:UNIXTIME", ... */
	char	*recipient;		/* the acknowledgement's recipient */
	char	*ack_reason;		/* why the acknowledgement was suppressed */
	char	*phone;			/* a caller's number */
	char	*message_id;		/* the report's Message-ID */
};

typedef int (*store_feedback_fn)(void *arg, const struct feedback_info *,
    struct store_msg *out);

struct case_filter {
	const char	*status, *outcome, *category, *channel, *assignee, *text;
	int		 overdue;
	time_t		 due_before;	/* open cases due in [now, due_before) */
	time_t		 now;
	long		 limit;
};

int	 store_measure_valid(const char *);
int	 store_case_act(struct store *, const char *case_no,
	    const struct case_action *, store_feedback_fn, void *arg,
	    char *status, size_t len);
int	 store_case_rate(struct store *, const char *case_no, int rating,
	    const char *actor, time_t now);
int	 store_feedback_bounced(struct store *, const char *case_no,
	    const char *message_id, const char *diagnostic, time_t now,
	    int *found);
int	 store_case_query(struct store *, const struct case_filter *, json_t **);
int	 store_case_extra(struct store *, json_t *, long long id);
int	 store_hot(struct store *, time_t from, time_t to, long limit, json_t **);
int	 store_stats(struct store *, time_t from, time_t to, json_t **);
int	 store_digest(struct store *, time_t now, time_t day_end, long window,
	    json_t **);
typedef void (*store_files_fn)(void *arg, const char *file);
int	 store_purge(struct store *, time_t before, time_t now, int dry_run,
	    store_files_fn, void *arg, long *count, int *clean);

#endif
