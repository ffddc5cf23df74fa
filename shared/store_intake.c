/*
 * NAME
 *	store_intake - what a report adds to the store
 * DESCRIPTION
 *	The primitives the intake pipeline (intake.c) builds a commit from: a
 *	case with its reporter, message, evidence and targets; a message
 *	joined to a case; the counts its policies need (duplicates, floods,
 *	the daily acknowledgement limit); the call ledger.  They decide
 *	nothing: each runs inside the transaction the caller holds
 *	(store_begin) and writes what it is given.
 *
 *	承诺书-5: who reported is sealed (store_seal) in its own table; only a
 *	blind index of it is open, for "same reporter" (floods, the daily
 *	limit, replies).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/*
 * store_find_duplicate - the case a message with this content hash and
 * Message-ID went to (a client retrying after a tempfail): 0 with its
 * number in case_no, "" when none; -1 when the store failed
 */
int
store_find_duplicate(struct store *st, const struct report *r, char *case_no,
    size_t len)
{
	if (db_text(st->db, case_no, len, "SELECT c.case_no FROM messages m "
	    "JOIN cases c ON c.id = m.case_id WHERE m.content_hash = $1 AND "
	    "m.message_id = $2", "tt", r->content_hash, r->message_id ?
	    r->message_id : "") < 0)
		return (store_dbfail(st));
	return (0);
}

/* target_read - the row of a query for a target (id, status, category,
 * missing, deadline), if any, into t; 0 or -1 */
static int
target_read(struct store *st, struct db_stmt *q, struct store_target *t)
{
	if (q == NULL)
		return (store_dbfail(st));
	if (db_next(q) == DB_ROW) {
		t->id = db_col_int(q, 0);
		snprintf(t->status, sizeof(t->status), "%s", db_col_text(q, 1));
		snprintf(t->category, sizeof(t->category), "%s",
		    db_col_text(q, 2));
		t->missing = (unsigned)db_col_int(q, 3);
		t->deadline = (time_t)db_col_int(q, 4);
	}
	if (db_done(q) < 0)
		return (store_dbfail(st));
	return (0);
}

/*
 * store_reply_target - the case a reply may act on: case_no, if sender is
 * its reporter (the envelope sender the case came from, or the address its
 * acknowledgement went to).  Anyone can read a case number; only its
 * reporter may act on the case.  0 with t->id 0 when there is no such case
 * or sender is not its reporter (the caller cannot tell which: no
 * oracle); -1 when the store failed.
 */
int
store_reply_target(struct store *st, const char *case_no, const char *sender,
    struct store_target *t)
{
	struct db_stmt	*q;
	char		 idx[33];

	memset(t, 0, sizeof(*t));
	store_index(st, sender ? sender : "", idx);
	q = db_query(st->db, "SELECT c.id, c.status, c.category, c.missing, "
	    "c.deadline FROM cases c LEFT JOIN reporters r ON r.case_id = c.id "
	    "WHERE c.case_no = $1 AND c.channel <> 'web' AND (r.sender_idx = "
	    "$2 OR EXISTS (SELECT 1 FROM outbox o WHERE o.case_id = c.id AND "
	    "o.kind = 'ack' AND o.recipient_idx = $2))", "tt", case_no, idx);
	return (target_read(st, q, t));
}

/*
 * store_reporter_fill - the contact a supplement brings (the status page's
 * form: name, address, telephone), sealed, where the case's reporter row
 * has none; what it had stays.  0 or -1.
 */
int
store_reporter_fill(struct store *st, long long case_id,
    const struct report *r)
{
	char	*v[3], aidx[33];
	int	 rc;

	v[0] = store_seal(st, r->from_addr);
	v[1] = store_seal(st, r->reporter_name);
	v[2] = store_seal(st, r->phones.n ? r->phones.v[0] : NULL);
	store_index(st, r->from_addr ? r->from_addr : r->phones.n ?
	    r->phones.v[0] : NULL, aidx);
	rc = db_exec(st->db, "UPDATE reporters SET address = COALESCE(address, "
	    "$2), name = COALESCE(name, $3), phone = COALESCE(phone, $4), "
	    "address_idx = COALESCE(address_idx, $5) WHERE case_id = $1",
	    "ittttt", case_id, v[0], v[1], v[2], *aidx ? aidx : NULL);
	free(v[0]);
	free(v[1]);
	free(v[2]);
	return (rc < 0 ? store_dbfail(st) : 0);
}

/*
 * store_case_target - the case case_no as store_reply_target gives it,
 * for one who proved to be its reporter otherwise (the PIN on the status
 * page): t->id 0 when there is no such case; 0 or -1
 */
int
store_case_target(struct store *st, const char *case_no,
    struct store_target *t)
{
	memset(t, 0, sizeof(*t));
	return (target_read(st, db_query(st->db, "SELECT id, status, category, "
	    "missing, deadline FROM cases WHERE case_no = $1", "t", case_no),
	    t));
}

/*
 * store_web_reports_since - the cases the web form made in category at
 * or after since; the count, or -1
 */
long
store_web_reports_since(struct store *st, const char *category, time_t since)
{
	long long	 n;

	if (db_int(st->db, &n, "SELECT count(*) FROM cases WHERE received_at "
	    ">= $1 AND channel = 'web' AND category = $2", "it",
	    (long long)since, category) < 0)
		return (store_dbfail(st));
	return ((long)n);
}

/*
 * store_reports_since - the cases received at or after since from one
 * reporter (by_client 0: its address or number) or one client address
 * (by_client 1), by blind index, on channel (NULL: on any); the count,
 * or -1.  A client address is counted on its own channel: an MTA, a
 * SIP trunk and a browser that share an address are not one sender.
 */
long
store_reports_since(struct store *st, int by_client, const char *who,
    time_t since, const char *channel)
{
	long long	 n;
	char		 idx[33];

	store_index(st, who, idx);
	if (db_int(st->db, &n, by_client ? "SELECT count(*) FROM reporters r "
	    "JOIN cases c ON c.id = r.case_id WHERE r.client_idx = $1 AND "
	    "c.received_at >= $2 AND ($3 IS NULL OR c.channel = $3)" :
	    "SELECT count(*) FROM reporters r JOIN cases c ON c.id = "
	    "r.case_id WHERE r.address_idx = $1 AND c.received_at >= $2 AND "
	    "($3 IS NULL OR c.channel = $3)", "tit", idx, (long long)since,
	    channel) < 0)
		return (store_dbfail(st));
	return ((long)n);
}

/*
 * store_acks_since - acknowledgements (of a report or a supplement), or
 * with answers status answers (lookup.c), queued or sent to one
 * recipient at or after since; the count, or -1
 */
long
store_acks_since(struct store *st, const char *recipient, time_t since,
    int answers)
{
	long long	 n;
	char		 idx[33];

	store_index(st, recipient, idx);
	if (db_int(st->db, &n, answers ? "SELECT count(*) FROM outbox WHERE "
	    "recipient_idx = $1 AND created_at >= $2 AND kind = 'status' AND "
	    "status IN ('queued', 'sent')" : "SELECT count(*) FROM outbox WHERE "
	    "recipient_idx = $1 AND created_at >= $2 AND kind IN ('ack', "
	    "'supplement') AND status IN ('queued', 'sent')", "ti", idx,
	    (long long)since) < 0)
		return (store_dbfail(st));
	return ((long)n);
}

/* next_case_no - today's next number, allocated in the transaction */
static int
next_case_no(struct store *st, time_t at, char *out, size_t len)
{
	long long	 n;
	struct tm	 tm;
	char		 day[16];

	localtime_r(&at, &tm);
	strftime(day, sizeof(day), "%Y%m%d", &tm);
	if (db_int(st->db, &n, "INSERT INTO case_seq (day, n) VALUES ($1, 1) "
	    "ON CONFLICT (day) DO UPDATE SET n = case_seq.n + 1 RETURNING n",
	    "t", day) != DB_ROW)
		return (store_dbfail(st));
	if (caseno_format(out, len, at, (long)n) < 0)
		return (store_refuse(st, "cannot format case number %lld", n));
	return (0);
}

/* add_parts - the evidence and the targets a message brings */
static int
add_parts(struct store *st, long long case_id, long long msg_id,
    const struct report *r)
{
	size_t	 i;
	int	 is_url;

	for (i = 0; i < r->nev; i++)
		if (db_exec(st->db, "INSERT INTO evidence (case_id, message, name, "
		    "type, size, sha256, note, original, file, derived) VALUES "
		    "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)", "iittittiti",
		    case_id, msg_id, r->ev[i].name, r->ev[i].type,
		    (long long)r->ev[i].size, r->ev[i].sha256, r->ev[i].note,
		    (long long)r->ev[i].original, *r->ev[i].file ?
		    r->ev[i].file : NULL, (long long)r->ev[i].derived) < 0)
			return (store_dbfail(st));
	for (i = 0; i < r->urls.n + r->accounts.n; i++) {
		is_url = i < r->urls.n;
		if (db_exec(st->db, "INSERT INTO targets (case_id, kind, value) "
		    "VALUES ($1, $2, $3)", "itt", case_id, is_url ? "url" :
		    "account", is_url ? r->urls.v[i] :
		    r->accounts.v[i - r->urls.n]) < 0)
			return (store_dbfail(st));
	}
	return (0);
}

/*
 * store_message_add - a message of a case (kind: report, supplement,
 * rating), for duplicates and for reading, with the evidence and targets
 * it brings; 0 or -1
 */
int
store_message_add(struct store *st, long long case_id, const char *kind,
    const struct report *r)
{
	long long	 id;

	if (db_int(st->db, &id, "INSERT INTO messages (case_id, kind, "
	    "message_id, content_hash, queue_id, subject, body, auto_reason, "
	    "received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
	    "RETURNING id", "ittttttti", case_id, kind, r->message_id ?
	    r->message_id : "", r->content_hash, r->queue_id, r->subject ?
	    r->subject : "", r->text ? r->text : "", r->auto_reason,
	    (long long)r->received_at) != DB_ROW)
		return (store_dbfail(st));
	if (strcmp(kind, "rating") == 0)
		return (0);
	return (add_parts(st, case_id, id, r));
}

/* add_reporter - who reported, sealed, and the blind indexes */
static int
add_reporter(struct store *st, long long case_id, const struct report *r)
{
	char		*v[4], aidx[33], cidx[33], sidx[33];
	buf		 phones = { 0 };
	size_t		 i;
	int		 rc;

	for (i = 0; i < r->phones.n; i++)
		buf_printf(&phones, "%s%s", i ? ", " : "", r->phones.v[i]);
	v[0] = store_seal(st, r->from_addr);
	v[1] = store_seal(st, r->reporter_name ? r->reporter_name : r->from_name);
	v[2] = store_seal(st, phones.s);
	v[3] = store_seal(st, r->client_addr);
	store_index(st, r->from_addr ? r->from_addr : r->phones.n ?
	    r->phones.v[0] : NULL, aidx);
	store_index(st, r->client_addr, cidx);
	/* a web form's address is typed, not a sender's: replies from it
	 * prove nothing (store_reply_target) */
	store_index(st, r->env_from && *r->env_from && strcmp(r->channel,
	    "web") != 0 ? r->env_from : NULL, sidx);
	rc = db_exec(st->db, "INSERT INTO reporters (case_id, address, name, "
	    "phone, client_addr, address_idx, client_idx, sender_idx) VALUES "
	    "($1, $2, $3, $4, $5, $6, $7, $8)", "ittttttt", case_id, v[0], v[1],
	    v[2], v[3], *aidx ? aidx : NULL, *cidx ? cidx : NULL,
	    *sidx ? sidx : NULL);
	for (i = 0; i < 4; i++)
		free(v[i]);
	buf_free(&phones);
	return (rc < 0 ? store_dbfail(st) : 0);
}

/*
 * store_case_new - a new case from a report: its number (allocated here,
 * in the transaction, so two processes never collide) into case_no, its
 * id, the reporter (sealed), the message, evidence and targets.  Only the
 * keyed hash of pin is kept: the PIN itself goes to the reporter.  0 or -1.
 */
int
store_case_new(struct store *st, const struct report *r, const char *pin,
    const char *status, char *case_no, size_t len, long long *case_id)
{
	char	 h[33];

	if (next_case_no(st, r->received_at, case_no, len) < 0)
		return (-1);
	store_pin_hash(case_no, pin, h);
	if (db_int(st->db, case_id, "INSERT INTO cases (case_no, channel, "
	    "status, category, priority, enterprise, received_at, deadline, "
	    "subject, body, lang, spf, spf_domain, missing, pin, pin_hash, "
	    "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
	    "$12, $13, $14, '', $15, $7) RETURNING id", "ttttiiiitttttit",
	    case_no, r->channel, status, r->category ? r->category : "other",
	    (long long)r->priority, (long long)r->enterprise,
	    (long long)r->received_at,
	    (long long)(r->received_at + r->deadline_secs),
	    r->subject ? r->subject : "", r->text ? r->text : "",
	    r->lang ? r->lang : "zh-CN", r->spf, r->spf_domain,
	    (long long)r->missing, h) != DB_ROW)
		return (store_dbfail(st));
	store_touch_new(st, *case_id);
	if (add_reporter(st, *case_id, r) < 0)
		return (-1);
	return (store_message_add(st, *case_id, "report", r));
}

/* store_case_flood - mark a case as over a flood cap; 0 or -1 */
int
store_case_flood(struct store *st, long long case_id)
{
	if (db_exec(st->db, "UPDATE cases SET flood = 1 WHERE id = $1", "i",
	    case_id) < 0)
		return (store_dbfail(st));
	return (0);
}

/*
 * store_case_materials - the elements a case still lacks after a
 * supplement, and its status; 0 or -1
 */
int
store_case_materials(struct store *st, long long case_id, unsigned missing,
    const char *status, time_t at)
{
	if (store_touch(st, case_id) < 0)
		return (-1);
	if (db_exec(st->db, "UPDATE cases SET missing = $1, status = $2, "
	    "updated_at = $3 WHERE id = $4", "itii", (long long)missing, status,
	    (long long)at, case_id) < 0)
		return (store_dbfail(st));
	return (0);
}

/* store_case_satisfaction - the reporter's rating (1-5); 0 or -1 */
int
store_case_satisfaction(struct store *st, long long case_id, int rating,
    time_t at)
{
	if (store_touch(st, case_id) < 0)
		return (-1);
	if (db_exec(st->db, "UPDATE cases SET satisfaction = $1, updated_at = $2 "
	    "WHERE id = $3", "iii", (long long)rating, (long long)at,
	    case_id) < 0)
		return (store_dbfail(st));
	return (0);
}

/*
 * store_call_log - one row of the hotline's call ledger: every call that
 * was answered, whether it made a case (case_no) or not (outcome
 * "abandoned", "too_short", ...).  No caller identity here.  0 or -1.
 */
int
store_call_log(struct store *st, const char *call_tag, time_t started,
    time_t ended, const char *outcome, const char *case_no, const char *keys,
    long recorded_ms, const char *detail)
{
	if (db_exec(st->db, "INSERT INTO calls (call_id, started_at, ended_at, "
	    "outcome, case_id, keys, recorded_ms, detail) VALUES ($1, $2, $3, "
	    "$4, (SELECT id FROM cases WHERE case_no = $5), $6, $7, $8)",
	    "tiitttit", call_tag, (long long)started, (long long)ended, outcome,
	    case_no, keys ? keys : "", (long long)recorded_ms, detail) < 0)
		return (store_dbfail(st));
	return (0);
}
