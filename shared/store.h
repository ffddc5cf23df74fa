/*
 * NAME
 *	store - the intake store: cases, their messages and their ledger
 * DESCRIPTION
 *	The contract between jubao's processes.  The store keeps and finds;
 *	it decides nothing: what a report becomes, whether it is answered and
 *	which action a case allows are decided above it (intake.c,
 *	workflow.c) and handed down as data.  It is split by concern, each
 *	module on the db layer (db.h, the only code that knows the engine)
 *	and the ledger (ledger.c) below them all:
 *
 *	store.c		the handle: open (creating, migrating), errors,
 *			transactions, sealing identity, blind indexes
 *	store_intake.c	what a report adds: a case, its reporter, messages,
 *			evidence, targets; duplicates, reply targets, the
 *			counts the flood caps need; the call ledger
 *	store_outbox.c	messages owed: rows, leases, results
 *	store_case.c	what a handler's action changes
 *	store_query.c	cases as typed rows and one case whole
 *	store_stats.c	statistics, the most reported, the digest
 *	store_rollup.c	the statistics' per-day rollup, kept with the cases
 *	store_purge.c	retention, and opening evidence
 *	store_copy.c	a whole store into an empty one, verified
 *
 *	Functions return 0 or -1 (counting ones the count or -1); after -1,
 *	store_error() says why and store_busy() whether it may pass by itself
 *	(the caller tempfails, or exits 75) or is a refusal (an unknown case:
 *	exit 1).  What they hand out belongs to the caller; each typed result
 *	has a _free.  A handle is used by one thread at a time.
 */
#ifndef JUBAO_STORE_H
#define JUBAO_STORE_H

#include <time.h>

#include "caseno.h"
#include "report.h"

struct store;

#define STORE_CALL_TAG	26	/* "call-" + 20 hex + NUL */

/* store.c: the handle */
int	 store_keys_load(const char *key_file, buf *err);
int	 store_open(const char *engine, const char *where, long busy_timeout,
	    struct store **, int *temporary, buf *err);
void	 store_close(struct store *);
int	 store_reachable(const char *engine, const char *where,
	    long busy_timeout, buf *err);
int	 store_opened_as(const struct store *, const char *engine,
	    const char *where, long busy_timeout);
const char *store_error(const struct store *);
int	 store_busy(const struct store *);
int	 store_fail(struct store *, int temporary, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
int	 store_schema_version(struct store *);
void	 store_set_uid(struct store *, long uid);
int	 store_begin(struct store *);
int	 store_begin_lax(struct store *);
int	 store_commit(struct store *);
void	 store_rollback(struct store *);
void	 store_pin_hash(const char *case_no, const char *pin, char out[33]);
void	 store_call_tag(const char *call_id, char out[STORE_CALL_TAG]);

/*
 * store_intake.c: what a report adds.  These run inside a transaction the
 * caller holds (store_begin ... store_commit): intake.c decides, these
 * write what it decided.
 */
struct store_target {		/* the case a reply proves it answers */
	long long	 id;	/* 0: none (no such case, or not the reporter) */
	char		 status[32];
	char		 category[64];
	unsigned	 missing;
	time_t		 deadline;
};

int	 store_find_duplicate(struct store *, const struct report *,
	    char *case_no, size_t len);
int	 store_reply_target(struct store *, const char *case_no,
	    const char *sender, struct store_target *);
int	 store_case_target(struct store *, const char *case_no,
	    struct store_target *);
int	 store_reporter_fill(struct store *, long long case_id,
	    const struct report *);
long	 store_web_reports_since(struct store *, const char *category,
	    time_t since);
long	 store_reports_since(struct store *, int by_client, const char *who,
	    time_t since, const char *channel);
long	 store_acks_since(struct store *, const char *recipient, time_t since,
	    int answers);
int	 store_case_new(struct store *, const struct report *, const char *pin,
	    const char *status, char *case_no, size_t len, long long *case_id);
int	 store_case_flood(struct store *, long long case_id);
int	 store_message_add(struct store *, long long case_id, const char *kind,
	    const struct report *);
int	 store_case_materials(struct store *, long long case_id,
	    unsigned missing, const char *status, time_t at);
int	 store_case_satisfaction(struct store *, long long case_id, int rating,
	    time_t at);
int	 store_call_log(struct store *, const char *call_tag, time_t started,
	    time_t ended, const char *outcome, const char *case_no,
	    const char *keys, long recorded_ms, const char *detail);

/* ledger.c: the events of a case, and finding a case by its number */
int	 ledger_add(struct store *, long long case_id, time_t at,
	    const char *actor, const char *action, const char *detail);
int	 ledger_find(struct store *, const char *case_no, long long *id);

/* store_outbox.c: messages owed */
struct outbox_row {		/* what a row is written from */
	const char	*kind;		/* ack, supplement, feedback, staff_notice */
	const char	*channel;	/* email, sip, callback */
	const char	*recipient;	/* sealed; NULL: nobody to tell */
	const char	*env_from;	/* "" the null sender */
	const char	*message_id;
	const char	*message;	/* sealed */
	const char	*status;	/* queued, suppressed, callback */
	const char	*reason;	/* why suppressed */
};

struct outbox_item {		/* a row claimed for delivery */
	long		 id;
	int		 attempts;	/* with this claim: the claim's token */
	char		 case_no[CASENO_MAX];
	char		*kind;
	char		*recipient;
	char		*env_from;
	char		*message;
	time_t		 created_at;
};

int	 store_outbox_insert(struct store *, long long case_id,
	    const struct outbox_row *, time_t now);
int	 store_outbox_claim(struct store *, const char *channel,
	    const char *owner, time_t now, long lease, struct outbox_item *,
	    int *found);
int	 store_outbox_sent(struct store *, const struct outbox_item *,
	    time_t now, const char *actor);
int	 store_outbox_retry(struct store *, const struct outbox_item *,
	    time_t now, time_t next_at, const char *error, const char *actor);
int	 store_outbox_failed(struct store *, const struct outbox_item *,
	    time_t now, const char *error, const char *actor);
void	 outbox_item_clear(struct outbox_item *);

/* store_case.c: what a handler's action changes (in the caller's transaction) */
struct store_case {		/* what an action needs of its case */
	long long	 id;	/* 0: no such case */
	char		 status[32];
	char		 channel[16];
	char		 lang[8];
	char		 category[64];
	char		 outcome[32];
	unsigned	 missing;
};

struct feedback_info {		/* what the outcome feedback is made of */
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

int	 store_case_load(struct store *, const char *case_no, struct store_case *);
int	 store_case_status(struct store *, long long id, const char *status,
	    time_t at);
int	 store_case_outcome(struct store *, long long id, const char *outcome,
	    const char *detail, const char *explanation, time_t at);
int	 store_case_reopened(struct store *, long long id);
int	 store_case_closed(struct store *, long long id, time_t at);
int	 store_case_assign(struct store *, long long id, const char *to,
	    time_t at);
int	 store_case_measure(struct store *, long long id, const char *measure,
	    time_t until, time_t at, const char *actor);
int	 store_case_feedback_at(struct store *, long long id, time_t at);
int	 store_callback_done(struct store *, const char *case_no, long msg_id,
	    const char *actor, time_t now);
int	 store_feedback_info(struct store *, long long id, const char *case_no,
	    struct feedback_info *);
void	 feedback_info_clear(struct feedback_info *);
int	 store_feedback_bounced(struct store *, long long id,
	    const char *message_id, const char *diagnostic, int *found);

/* store_query.c: cases as typed rows */
struct case_filter {
	const char	*status, *outcome, *category, *channel, *assignee, *text;
	int		 overdue;
	time_t		 due_before;	/* open cases due in [now, due_before) */
	time_t		 now;
	long		 limit;		/* 0: all */
};

struct case_row {		/* one line of list */
	char		 case_no[CASENO_MAX];
	char		 channel[16];
	char		 status[32];
	char		 category[64];
	int		 priority;
	time_t		 received_at, deadline;
	char		*subject;
	char		 spf[16];
	unsigned	 missing;
	char		*assignee;	/* NULL: none */
	char		*outcome;	/* NULL: none */
	int		 overdue;
};

struct case_rows {
	struct case_row	*v;
	size_t		 n;
};

struct case_evidence {
	char		*name, *type, *note;
	long long	 size;
	char		 sha256[65];
	int		 original;
};

struct case_report {		/* a message the case received */
	char		*kind, *message_id, *queue_id, *subject, *auto_reason;
	time_t		 received_at;
};

struct case_event {
	time_t		 at;
	char		*actor, *action, *detail;
	long		 uid;		/* -1: not written by jubaoctl */
};

struct case_message {		/* a message the case owed */
	long		 id;
	char		*kind, *channel, *status, *reason, *last_error;
	char		*message_id;
	int		 attempts;
	time_t		 created_at, sent_at;
};

struct case_measure {
	char		*measure, *actor;
	time_t		 until, at;	/* until 0: none */
};

struct case_related {		/* 同一举报事项: another case, the same target */
	long long	 id;
	char		 case_no[CASENO_MAX];
	char		*target, *status, *outcome, *measures;
	time_t		 received_at;
};

struct case_view {		/* one case, whole: show */
	struct case_row	 row;
	int		 enterprise, flood;
	char		*spf_domain, *lang, *text, *outcome_detail;
	char		*explanation;
	time_t		 updated_at, outcome_at, feedback_at, closed_at;
	time_t		 purged_at;
	int		 satisfaction;	/* 0: not rated */
	strlist		 urls, accounts;
	struct case_evidence *ev;	size_t nev;
	struct case_report *reports;	size_t nreports;
	struct case_event *events;	size_t nevents;
	struct case_message *messages;	size_t nmessages;
	struct case_measure *measures;	size_t nmeasures;
	struct case_related *related;	size_t nrelated;
	int		 revealed;	/* the reporter was asked for */
	char		*rep_address, *rep_name, *rep_phone, *rep_client;
};

int	 store_case_query(struct store *, const struct case_filter *,
	    struct case_rows *);

struct queue_filter {		/* the console's queue */
	const char	*view;		/* open, overdue, today, pending,
					 * callbacks, all (NULL: open) */
	const char	*status, *category, *channel, *assignee;
	const char	*text;		/* a URL, an account, or words */
	time_t		 now, day_end;	/* day_end: the end of today */
	long		 offset, limit;
};

int	 store_queue_view(const char *view);
int	 store_queue(struct store *, const struct queue_filter *,
	    struct case_rows *);
void	 case_rows_free(struct case_rows *);
int	 store_case_view(struct store *, const char *case_no, int reveal,
	    const char *actor, time_t now, struct case_view *);
int	 store_case_view_why(struct store *, const char *case_no,
	    const char *why, const char *actor, time_t now, struct case_view *);
void	 case_view_free(struct case_view *);

/* store_stats.c: statistics (信息公开), the most reported, the digest */
struct count_row {
	char		*key;
	long long	 n;
};

struct counts {
	struct count_row *v;
	size_t		 n;
};

struct stats {
	time_t		 from, to;
	long long	 received, accepted, disposed, not_accepted;
	long long	 refused_malicious, transferred, with_outcome, on_time;
	long long	 feedback_sent, rated;
	struct counts	 by_channel, by_category, by_measure, by_status;
	double		 hours_median, hours_p90, on_time_share, feedback_share;
	double		 satisfaction_mean;	/* 0: nobody rated */
};

struct hot_row {
	char		*target, *kind;
	long long	 cases, disposed;
	time_t		 last_received_at;
};

struct hot_rows {
	struct hot_row	*v;
	size_t		 n;
};

struct digest_row {
	char		 case_no[CASENO_MAX];
	char		*category, *status, *assignee;
	int		 priority;
	time_t		 when;		/* the deadline, or the measure's end */
};

struct digest_rows {
	struct digest_row *v;
	size_t		 n;
};

struct digest {
	struct digest_rows overdue, due_today, private_expiring;
};

int	 store_stats(struct store *, time_t from, time_t to, struct stats *);
int	 store_stats_scan(struct store *, time_t from, time_t to,
	    struct stats *);
void	 stats_free(struct stats *);
int	 store_hot(struct store *, time_t from, time_t to, long limit,
	    struct hot_rows *);
void	 hot_rows_free(struct hot_rows *);
int	 store_digest(struct store *, time_t now, time_t due_before,
	    long window, struct digest *);
void	 digest_free(struct digest *);

/* store_purge.c: retention, and the evidence files */
struct store_evidence {
	char		 name[256];
	char		 type[128];
	long long	 size;
	char		 sha256[65];
	char		 file[65];	/* the sealed file's id (or, from before, its SHA-256) */
	int		 derived;	/* found again in the original: */
	char		 original[65];	/* the original's file (as file) */
	int		 is_original;	/* the message as it came: it names
					 * the reporter */
};

long	 store_purge_batch(struct store *, time_t before, time_t now,
	    int max, const char *actor, strlist *files);
long	 store_purge_count(struct store *, time_t before);
int	 store_purge_finish(struct store *, int *clean);
int	 store_evidence_open(struct store *, const char *case_no, long n,
	    const char *actor, time_t now, struct store_evidence *);
int	 store_keeps_evidence(const struct store *);
int	 store_rollup_rebuild(struct store *);
int	 store_evidence_data_put(struct store *, const char *file,
	    const void *data, size_t len);
int	 store_evidence_data_get(struct store *, const char *file,
	    void **data, size_t *len);
int	 store_evidence_data_drop(struct store *, const char *file);

/* store_copy.c: a whole store into an empty one (jubaoctl copy-from) */
struct store_copied {
	const char	*table;
	long		 rows;		/* in the source */
	long		 copied;
	int		 same;		/* read back: same count, same SHA-256 */
	long		 missing;	/* evidence named but not in evidence_dir */
	char		 sha256[65];	/* of the source's rows */
};
#define STORE_COPY_TABLES	15
/* reads an evidence file's sealed bytes (caller frees); 0, 1 when there
 * is no such file, or -1 */
typedef int (*store_copy_load_fn)(void *arg, const char *file, void **data,
    size_t *len);

int	 store_copy(struct store *dst, struct store *src,
	    struct store_copied out[STORE_COPY_TABLES], size_t *n,
	    store_copy_load_fn, void *arg, struct store **failed);

#endif
