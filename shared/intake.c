/*
 * NAME
 *	intake - the intake pipeline: enrich, decide, commit
 * DESCRIPTION
 *	See intake.h.  Following an email report: milter_cb.c spools it and
 *	at end of message calls mime_parse_file (milter_mime.c: MIME into a
 *	report) and intake_email (here); a call: sip_call.c builds its report
 *	and calls intake_call.  Everything a case owes is rendered here
 *	(ack.c) and queued in its transaction; the daemons' outbox thread
 *	(daemon.c, outbox.c) delivers it.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evidence.h"
#include "extract.h"
#include "feedback.h"
#include "intake.h"
#include "log.h"

/*
 * intake_enrich - what the text of a report names (addresses, accounts,
 * numbers, a name), its language, its category and the acceptance
 * elements it lacks (工作规范 第五条).  Linear in the text.
 */
void
intake_enrich(const struct cfg *cfg, const struct categories *cats,
    struct report *r)
{
	const struct category	*c;
	char			*all = xasprintf("%s\n%s", r->subject ?
				    r->subject : "", r->text ? r->text : "");

	extract_urls(all, &r->urls);
	extract_accounts(r->text ? r->text : "", &r->accounts);
	extract_phones(r->text ? r->text : "", &r->phones);
	r->reporter_name = r->text ? extract_name(r->text) : NULL;
	free(r->lang);
	if (text_has_cjk(all))
		r->lang = xstrdup("zh-CN");
	else if (strlen(str_trim(all)) > 0)
		r->lang = xstrdup("en");
	else
		r->lang = xstrdup(cfg ? cfg->language : "zh-CN");
	free(all);
	report_cap_notes(r);
	if (cats == NULL)
		return;
	c = cat_classify(cats, r->subject, r->text);
	cat_apply(c, r);
	/* the From display name counts as a name for element (三) */
	if (c->enterprise && r->reporter_name == NULL && r->from_name) {
		r->reporter_name = xstrdup(r->from_name);
		r->missing = elem_check(c, r);
		free(r->reporter_name);
		r->reporter_name = NULL;
	}
}

/* notes - the parse notes of a message, into the ledger */
static int
notes(const struct intake_ctx *x, struct store *st, long long id,
    const struct report *r)
{
	size_t	 i;

	for (i = 0; i < r->notes.n; i++)
		if (ledger_add(st, id, r->received_at, x->actor, "parse_note",
		    r->notes.v[i]) < 0)
			return (-1);
	return (0);
}

/*
 * new_case - a case from a report, and its first events; its number into
 * res, a new receipt PIN into res->pin
 */
static int
new_case(const struct intake_ctx *x, struct store *st, struct report *r,
    struct intake_result *res, long long *id)
{
	char	 detail[256];

	if (pin_generate(res->pin, sizeof(res->pin)) < 0)
		return (store_fail(st, 1, "cannot generate a receipt PIN"));
	if (store_case_new(st, r, res->pin, r->enterprise && r->missing ?
	    "awaiting_materials" : "received", res->case_no,
	    sizeof(res->case_no), id) < 0)
		return (-1);
	snprintf(detail, sizeof(detail), "channel %s, category %s, %zu "
	    "evidence item(s), spf %s%s%s", r->channel, r->category, r->nev,
	    r->spf, r->queue_id ? ", queue id " : "", r->queue_id ?
	    r->queue_id : "");
	if (ledger_add(st, *id, r->received_at, x->actor, "received",
	    detail) < 0)
		return (-1);
	if (r->enterprise && r->missing) {
		elem_list(r->missing, detail, sizeof(detail));
		if (ledger_add(st, *id, r->received_at, x->actor,
		    "materials_missing", detail) < 0)
			return (-1);
	}
	return (notes(x, st, *id, r));
}

/*
 * supplement - a reply of its reporter joins the case: the message, its
 * evidence and targets; the elements it brings complete those the case
 * lacks.  The elements still missing into *missing.
 */
static int
supplement(const struct intake_ctx *x, struct store *st,
    const struct report *r, const struct store_target *t, unsigned *missing)
{
	char	 detail[256];

	if (store_message_add(st, t->id, "supplement", r) < 0)
		return (-1);
	/* an element present in either the case or the supplement is there */
	*missing = t->missing & (r->enterprise ? r->missing : t->missing);
	snprintf(detail, sizeof(detail), "%zu evidence item(s)%s%s", r->nev,
	    r->queue_id ? ", queue id " : "", r->queue_id ? r->queue_id : "");
	if (ledger_add(st, t->id, r->received_at, x->actor, "supplement",
	    detail) < 0 || notes(x, st, t->id, r) < 0)
		return (-1);
	if (*missing != t->missing) {
		elem_list(*missing, detail, sizeof(detail));
		if (ledger_add(st, t->id, r->received_at, x->actor, *missing ?
		    "materials_missing" : "materials_complete", *missing ?
		    detail : NULL) < 0)
			return (-1);
	}
	return (store_case_materials(st, t->id, *missing,
	    strcmp(t->status, "awaiting_materials") == 0 && *missing == 0 ?
	    "received" : t->status, r->received_at));
}

/*
 * flood - is a new report over a cap (per reporter, per client address;
 * per hour, per day: 工作规范 第十八条, 灌水举报)?  Why into out, "" when
 * not.  Counted before the case is added, so it does not count itself.
 */
static int
flood(const struct cfg *cfg, struct store *st, const struct report *r,
    char *out, size_t len)
{
	const struct {
		long		 cap;
		int		 by_client;
		const char	*who, *per;
		long		 secs;
	} caps[] = {
		{ cfg->flood_reporter_hour, 0, "this reporter", "hour", 3600 },
		{ cfg->flood_reporter_day, 0, "this reporter", "day", 86400 },
		{ cfg->flood_client_hour, 1, "this client address", "hour", 3600 },
		{ cfg->flood_client_day, 1, "this client address", "day", 86400 },
	};
	const char	*v;
	long		 n;
	size_t		 i;

	out[0] = '\0';
	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		v = caps[i].by_client ? r->client_addr : r->from_addr ?
		    r->from_addr : r->phones.n ? r->phones.v[0] : NULL;
		if (caps[i].cap <= 0 || v == NULL)
			continue;
		/* a reporter on any channel; a client address on its own */
		if ((n = store_reports_since(st, caps[i].by_client, v,
		    r->received_at - caps[i].secs, caps[i].by_client ?
		    r->channel : NULL)) < 0)
			return (-1);
		if (n >= caps[i].cap) {
			snprintf(out, len, "flood: %ld reports from %s in the "
			    "last %s (cap %ld)", n + 1, caps[i].who, caps[i].per,
			    caps[i].cap);
			break;
		}
	}
	return (0);
}

/*
 * owe - the one acknowledgement policy, and the row: a message with
 * nobody to send to is suppressed; an acknowledgement (limited) past
 * ack_daily_limit to the same recipient in 24 hours is suppressed (who:
 * "reporter", "number"), and so is a status answer past as many status
 * answers (counted apart: a forged query must not silence a reporter's
 * acknowledgements); the rest is queued.  The row and its event
 * ("ack_queued", "staff_notice_suppressed", ...) in the caller's
 * transaction; the status into status.
 */
static int
owe(const struct intake_ctx *x, struct store *st, long long id,
    struct owed *m, int limited, const char *who, time_t now,
    struct intake_result *res, char *status, size_t slen)
{
	struct outbox_row	 row;
	char			 ev[48];
	long			 n;

	if (m->recipient == NULL && m->suppress == NULL)
		m->suppress = xstrdup("no address to reply to");
	if (m->suppress == NULL && limited && x->cfg->ack_daily_limit > 0) {
		if ((n = store_acks_since(st, m->recipient, now - 86400,
		    strcmp(m->kind, "status") == 0)) < 0)
			return (-1);
		if (n >= x->cfg->ack_daily_limit)
			m->suppress = xasprintf("rate limit: %ld %s to this %s "
			    "in 24 hours", n, strcmp(m->kind, "status") == 0 ?
			    "status answers" : "acknowledgements", who);
	}
	memset(&row, 0, sizeof(row));
	row.kind = m->kind;
	row.channel = m->channel ? m->channel : "email";
	row.recipient = m->recipient;
	row.env_from = m->env_from;
	row.message_id = m->message_id;
	row.message = m->message;
	row.status = m->suppress ? "suppressed" : "queued";
	row.reason = m->suppress;
	if (store_outbox_insert(st, id, &row, now) < 0)
		return (-1);
	if (status != NULL)
		snprintf(status, slen, "%s", row.status);
	if (m->suppress == NULL)
		res->queued++;
	snprintf(ev, sizeof(ev), "%s_%s", m->kind, row.status);
	if (id == 0)		/* the answer to a lookup of no case */
		return (0);
	return (ledger_add(st, id, now, x->actor, ev, m->suppress ?
	    m->suppress : m->detail));
}

/* rate - a reply to the outcome feedback that carries a rating (满意度) */
static int
rate(struct store *st, const struct report *r, const struct store_target *t,
    struct intake_result *res)
{
	char	 detail[32];

	res->rated = r->rating;
	snprintf(res->case_no, sizeof(res->case_no), "%s", r->case_ref);
	snprintf(detail, sizeof(detail), "%d of 5", r->rating);
	if (store_message_add(st, t->id, "rating", r) < 0 ||
	    store_case_satisfaction(st, t->id, r->rating, r->received_at) < 0 ||
	    ledger_add(st, t->id, r->received_at, "reporter", "rating",
	    detail) < 0)
		return (-1);
	return (0);
}

/*
 * begin - open the commit of a report: 1 when the same message was
 * committed before (a client's retry: its case in res, the transaction
 * ended, nothing more to do), 0 to go on in the transaction, or -1
 */
static int
begin(struct store *st, const struct report *r, struct intake_result *res)
{
	memset(res, 0, sizeof(*res));
	snprintf(res->ack_status, sizeof(res->ack_status), "none");
	if (store_begin(st) < 0)
		return (-1);
	if (store_find_duplicate(st, r, res->case_no, sizeof(res->case_no)) < 0) {
		store_rollback(st);
		return (-1);
	}
	if (res->case_no[0] == '\0')
		return (0);
	res->duplicate = 1;
	return (store_commit(st) < 0 ? -1 : 1);
}

/*
 * keep_evidence - a store that holds evidence itself (PostgreSQL:
 * store_keeps_evidence) takes the report's sealed files, as they are,
 * before the report's transaction and outside it: the bytes (up to
 * max_message_size) travel while no writer waits for the writers' lock
 * (files_settle takes them out again when no case came to name them).
 * 0 or -1 (temporary: a file that cannot be read is the disk's fault,
 * not the sender's).
 */
static int
keep_evidence(const struct intake_ctx *x, struct store *st,
    const struct report *r)
{
	void	*data;
	size_t	 len, i;
	buf	 err = { 0 };
	int	 rc = 0;

	if (!store_keeps_evidence(st))
		return (0);
	for (i = 0; i < r->nev && rc == 0; i++) {
		if (*r->ev[i].file == '\0')
			continue;
		if (evidence_read(x->cfg->evidence_dir, r->ev[i].file, &data,
		    &len, &err) < 0) {
			rc = store_fail(st, 1, "%s", err.s);
			break;
		}
		rc = store_evidence_data_put(st, r->ev[i].file, data, len);
		free(data);
	}
	buf_free(&err);
	return (rc);
}

/*
 * end - commit (ok) or roll back the report's transaction; 0 or -1 (a
 * COMMIT that failed is marked in res: see files_settle)
 */
static int
end(const struct intake_ctx *x, struct store *st, const struct report *r,
    struct owed *m, int ok, struct intake_result *res)
{
	owed_clear(m);
	if (ok) {
		if (store_commit(st) == 0)
			return (0);
		res->commit_failed = 1;
		return (-1);
	}
	store_rollback(st);
	return (-1);
}

/*
 * intake_drop_files - remove the evidence files a report's items name
 * (sealed before its commit); what cannot be removed is logged, by id
 */
void
intake_drop_files(const char *evidence_dir, const struct report *r)
{
	size_t	 i;

	for (i = 0; i < r->nev; i++)
		if (*r->ev[i].file && evidence_remove(evidence_dir,
		    r->ev[i].file) < 0)
			log_warn("evidence %s", r->ev[i].file);
}

/*
 * files_settle - after a commit (rc 0) or its failure (-1): the report's
 * evidence stays only when a committed row names it.  A retry of a
 * message committed before and a rating name none (whatever became of
 * the rating's COMMIT); a failure before COMMIT leaves none.  When the
 * COMMIT itself failed it is kept: a backend may not know whether it
 * took effect, and an orphan is better than a case without its evidence.
 * A store that keeps evidence (PostgreSQL) has it already: the local
 * files go in every case.
 */
static int
files_settle(const struct intake_ctx *x, struct store *st,
    const struct report *r, int rc, const struct intake_result *res)
{
	size_t	 i;
	int	 named = !res->rated && !res->limited && (rc < 0 ?
		    res->commit_failed : !res->duplicate);

	if (!named || store_keeps_evidence(st))
		intake_drop_files(x->cfg->evidence_dir, r);
	/* what the store took before the transaction, no case names */
	if (!named && store_keeps_evidence(st))
		for (i = 0; i < r->nev; i++)
			if (*r->ev[i].file && store_evidence_data_drop(st,
			    r->ev[i].file) < 0)
				log_warnx("evidence %s: left in the store: %s",
				    r->ev[i].file, store_error(st));
	return (rc);
}

/*
 * email_tx - commit an email report: a retry of a message committed
 * before (the same content hash and Message-ID) commits nothing and
 * names its case; a reply that proves it answers its reporter's case (a
 * good MAC in one of our Message-IDs, from the reporter's own address) is
 * a rating or a supplement; anything else is a new case.  With its
 * acknowledgement, in one transaction.  0 with *res filled in, or -1.
 */
static int
email_tx(const struct intake_ctx *x, struct store *st, struct report *r,
    struct intake_result *res)
{
	const struct category	*cat;
	struct store_target	 t;
	struct owed		 m = { 0 };
	char			 fl[160] = "", note[256];
	const char		*kind;
	unsigned		 missing;
	time_t			 deadline;
	long long		 id;
	int			 rc;

	/* a reply to the outcome feedback may carry the reporter's rating */
	if (strcmp(r->ref_kind, "feedback") == 0 && r->text != NULL)
		r->rating = feedback_rating(r->text) > 0 ?
		    feedback_rating(r->text) : 0;
	intake_enrich(x->cfg, x->cats, r);
	/* a supplement is checked against its case's category (the elements
	 * it brings complete those the case lacks); nothing of a case shapes
	 * what anyone but its reporter sends (issue "Hostile senders",
	 * finding 3) */
	if (r->case_ref[0] != '\0') {
		if (store_reply_target(st, r->case_ref, r->env_from ?
		    r->env_from : "", &t) < 0)
			return (-1);
		if (t.id != 0 && (cat = cat_find(x->cats, t.category)) != NULL)
			cat_apply(cat, r);
	}

	if ((rc = begin(st, r, res)) != 0)
		return (rc < 0 ? -1 : 0);
	memset(&t, 0, sizeof(t));
	if (r->case_ref[0] != '\0' && store_reply_target(st, r->case_ref,
	    r->env_from ? r->env_from : "", &t) < 0)
		goto fail;
	if (t.id != 0 && r->rating >= 1 && r->rating <= 5)
		return (end(x, st, r, &m, rate(st, r, &t, res) == 0, res));
	if (t.id != 0) {
		res->supplement = 1;
		snprintf(res->case_no, sizeof(res->case_no), "%s", r->case_ref);
		if (supplement(x, st, r, &t, &missing) < 0)
			goto fail;
		id = t.id;
		deadline = t.deadline;
		kind = "supplement";
	} else {
		if (flood(x->cfg, st, r, fl, sizeof(fl)) < 0 ||
		    new_case(x, st, r, res, &id) < 0)
			goto fail;
		/* the same note and the same acknowledgement whether case N
		 * exists and whoever reported it: no oracle */
		if (r->case_ref[0] != '\0' || r->case_named[0] != '\0') {
			snprintf(note, sizeof(note), "the message names case %s "
			    "but is not a reply to our message from its "
			    "reporter's address: opened as a new case",
			    r->case_ref[0] ? r->case_ref : r->case_named);
			if (ledger_add(st, id, r->received_at, x->actor, "note",
			    note) < 0)
				goto fail;
		}
		if (*fl && (store_case_flood(st, id) < 0 || ledger_add(st, id,
		    r->received_at, x->actor, "flood", fl) < 0))
			goto fail;
		missing = r->enterprise ? r->missing : 0;
		deadline = r->received_at + r->deadline_secs;
		kind = "ack";
	}
	if (ack_render(x->ack, r, kind, res->case_no, res->pin, deadline,
	    missing, &m) < 0) {
		store_fail(st, 1, "cannot render the acknowledgement of case %s",
		    res->case_no);
		goto fail;
	}
	/* 灌水举报 (工作规范 第十八条): kept, never lost, not answered */
	if (*fl && m.suppress == NULL)
		m.suppress = xstrdup(fl);
	return (end(x, st, r, &m, owe(x, st, id, &m, 1, "reporter", r->received_at,
	    res, res->ack_status, sizeof(res->ack_status)) == 0, res));
fail:
	return (end(x, st, r, &m, 0, res));
}

/*
 * call_tx - commit a call's report: the case, the call centre's
 * notice (the recording attached), the caller's SMS (with a gateway) and
 * the call's ledger row, in one transaction.  A retry of a call committed
 * before (the same recording and Call-ID) commits nothing and names its
 * case.  0 with *res filled in (the receipt PIN in res->pin, for the
 * read-back), or -1.
 */
static int
call_tx(const struct intake_ctx *x, struct store *st, struct report *r,
    const struct intake_call *c, struct intake_result *res)
{
	struct owed	 m = { 0 };
	long long	 id;
	time_t		 deadline = r->received_at + r->deadline_secs;
	int		 rc;

	if ((rc = begin(st, r, res)) != 0)
		return (rc < 0 ? -1 : 0);
	if (new_case(x, st, r, res, &id) < 0)
		goto fail;
	ack_staff_notice(x->cfg, r, res->case_no, deadline, c->summary, c->wav,
	    &m);
	if (owe(x, st, id, &m, 0, NULL, r->received_at, res, res->ack_status,
	    sizeof(res->ack_status)) < 0)
		goto fail;
	owed_clear(&m);
	if (*x->cfg->sip_sms_gateway != '\0') {
		ack_sms(x->cfg, c->number, res->case_no, res->pin, &m);
		if (owe(x, st, id, &m, 1, "number", r->received_at, res, NULL,
		    0) < 0)
			goto fail;
		owed_clear(&m);
	}
	return (end(x, st, r, &m, store_call_log(st, c->tag, c->started, c->ended,
	    c->outcome, res->case_no, c->keys, c->recorded_ms,
	    c->end_reason) == 0, res));
fail:
	return (end(x, st, r, &m, 0, res));
}

/*
 * web_flood - is a report by the web form past web_flood_hour from its
 * client address in the last hour (工作规范 第十八条)?  Why into out, ""
 * when not.  Not per reporter, as mail is (flood): the address typed in
 * the form proves nothing, and counting it would let anyone mark a
 * stranger's reports.  Past web_zone_hour reports into its zone from
 * anyone, surge says so: a sign for the handlers, not a mark on the
 * report (its reporter may be honest).  0 or -1.
 */
static int
web_flood(const struct intake_ctx *x, struct store *st, const struct report *r,
    const struct intake_web *w, char *out, char *surge, size_t len)
{
	long	 n = 0, k;
	size_t	 i;

	out[0] = surge[0] = '\0';
	if (x->cfg->web_flood_hour > 0 && r->client_addr != NULL) {
		if ((n = store_reports_since(st, 1, r->client_addr,
		    r->received_at - 3600, "web")) < 0)
			return (-1);
		if (n >= x->cfg->web_flood_hour)
			snprintf(out, len, "flood: %ld reports from this client "
			    "address in the last hour (cap %ld)", n + 1,
			    x->cfg->web_flood_hour);
	}
	if (x->cfg->web_zone_hour <= 0)
		return (0);
	for (n = 0, i = 0; i < w->nzone_cats; i++) {
		if ((k = store_web_reports_since(st, w->zone_cats[i],
		    r->received_at - 3600)) < 0)
			return (-1);
		n += k;
	}
	if (n >= x->cfg->web_zone_hour)
		snprintf(surge, len, "%ld reports into this zone in the last "
		    "hour (web_zone_hour %ld)", n + 1, x->cfg->web_zone_hour);
	return (0);
}

/*
 * web_enrich - a web report enriched as any other, then put in the
 * zone's category (unless the zone classifies), with the elements the
 * form showed missing
 */
static void
web_enrich(const struct intake_ctx *x, struct report *r,
    const struct intake_web *w, const char *category)
{
	const struct category	*c;
	char			*name = r->reporter_name, *lang = r->lang;

	/* the name and the language are the form's, not guessed from the text */
	r->reporter_name = NULL;
	r->lang = NULL;
	intake_enrich(x->cfg, x->cats, r);
	if (name != NULL) {
		free(r->reporter_name);
		r->reporter_name = name;
	}
	if (lang != NULL) {
		free(r->lang);
		r->lang = lang;
	}
	if (category != NULL && (c = cat_find(x->cats, category)) != NULL)
		cat_apply(c, r);
	if (r->enterprise && w->missing >= 0)
		r->missing = (unsigned)w->missing & ELEM_ALL;
}

/*
 * web_tx - commit a report of the web form: a new case, the flood rules
 * (web_flood), and its acknowledgement: a mail to the address typed in
 * the form, which nobody has confirmed, so in the form that tells a
 * stranger nothing (ack-web.txt: the case number, neither the PIN nor
 * anything the reporter wrote), under the same limits as every
 * acknowledgement.  The PIN is for the confirmation page.  0 or -1.
 */
static int
web_tx(const struct intake_ctx *x, struct store *st, struct report *r,
    const struct intake_web *w, struct intake_result *res)
{
	struct owed	 m = { 0 };
	char		 fl[160] = "", surge[160];
	long long	 id;
	long		 n;
	int		 rc;

	web_enrich(x, r, w, w->category);
	r->authenticated = 0;
	if ((rc = begin(st, r, res)) != 0)
		return (rc < 0 ? -1 : 0);
	/* web_report_limit again, under the writers' lock: the caller's
	 * check, before the files, let reports sent at once all pass */
	if (x->cfg->web_report_limit > 0 && r->client_addr != NULL) {
		if ((n = store_reports_since(st, 1, r->client_addr,
		    r->received_at - 3600, "web")) < 0)
			goto fail;
		if (n >= x->cfg->web_report_limit) {
			res->limited = 1;
			store_rollback(st);
			return (0);
		}
	}
	if (web_flood(x, st, r, w, fl, surge, sizeof(fl)) < 0 ||
	    new_case(x, st, r, res, &id) < 0)
		goto fail;
	if (*fl && (store_case_flood(st, id) < 0 || ledger_add(st, id,
	    r->received_at, x->actor, "flood", fl) < 0))
		goto fail;
	if (*surge && ledger_add(st, id, r->received_at, x->actor,
	    "zone_surge", surge) < 0)
		goto fail;
	if (ack_render(x->ack, r, "ack", res->case_no, res->pin,
	    r->received_at + r->deadline_secs, r->enterprise ? r->missing : 0,
	    &m) < 0) {
		store_fail(st, 1, "cannot render the acknowledgement of case %s",
		    res->case_no);
		goto fail;
	}
	if (*fl && m.suppress == NULL)
		m.suppress = xstrdup(fl);
	return (end(x, st, r, &m, owe(x, st, id, &m, 1, "reporter",
	    r->received_at, res, res->ack_status, sizeof(res->ack_status)) == 0,
	    res));
fail:
	return (end(x, st, r, &m, 0, res));
}

/*
 * web_supplement_tx - a supplement on the status page, by one who gave
 * the case number and its PIN (checked by the caller, as a lookup): it
 * joins the case as a reply of its reporter does, the elements it brings
 * completing those the case lacks.  No message goes out: the page says
 * it.  0 or -1 (no such case: refused).
 */
static int
web_supplement_tx(const struct intake_ctx *x, struct store *st,
    const char *case_no, struct report *r, const struct intake_web *w,
    struct intake_result *res)
{
	struct store_target	 t;
	struct owed		 m = { 0 };
	unsigned		 missing;
	int			 rc;

	/* w->category is the case's, which the caller's lookup found */
	web_enrich(x, r, w, w->category);
	if ((rc = begin(st, r, res)) != 0)
		return (rc < 0 ? -1 : 0);
	if (store_case_target(st, case_no, &t) < 0)
		return (end(x, st, r, &m, 0, res));
	if (t.id == 0) {
		store_rollback(st);
		return (store_fail(st, 0, "no case %s", case_no));
	}
	if (supplement(x, st, r, &t, &missing) < 0 ||
	    ((r->from_addr || r->reporter_name || r->phones.n) &&
	    store_reporter_fill(st, t.id, r) < 0))
		return (end(x, st, r, &m, 0, res));
	res->supplement = 1;
	res->missing = missing;
	snprintf(res->case_no, sizeof(res->case_no), "%s", case_no);
	return (end(x, st, r, &m, 1, res));
}

#define QUERY_OTHER_TEXT	100	/* characters a query may say besides */

/*
 * says_more - does text say more than a query would: over
 * QUERY_OTHER_TEXT characters that are not white space, or a URL?  Quoted
 * lines ("> ") are not counted, nor anything after a signature or a
 * quoted original ("-- ", "---", "___", 原始邮件, "Original Message",
 * "wrote:").  One pass.
 */
static int
says_more(const char *t)
{
	const char	*eol;
	size_t		 n = 0, len;

	for (; t != NULL && *t != '\0'; t = *eol ? eol + 1 : eol) {
		eol = t + strcspn(t, "\n");
		len = (size_t)(eol - t);
		if (*t == '>')
			continue;
		if ((len >= 3 && (strncmp(t, "-- ", 3) == 0 ||
		    strncmp(t, "---", 3) == 0 || strncmp(t, "___", 3) == 0)) ||
		    memmem(t, len, "原始邮件", strlen("原始邮件")) != NULL ||
		    memmem(t, len, "Original Message", 16) != NULL ||
		    memmem(t, len, "wrote:", 6) != NULL)
			break;
		if (memmem(t, len, "http", 4) != NULL ||
		    memmem(t, len, "www.", 4) != NULL)
			return (1);
		for (; t < eol; t++)
			/* a character: its first byte, not a space */
			if ((*t & 0xc0) != 0x80 && !isspace((unsigned char)*t) &&
			    ++n > QUERY_OTHER_TEXT)
				return (1);
	}
	return (0);
}

/*
 * intake_query - is the message a status query: its subject, else the
 * first line of its text, a query (lookup_parse), with no attachment, no
 * URL and at most QUERY_OTHER_TEXT characters besides?  A message that
 * brings more is a report or a supplement, whatever its subject says:
 * nothing a reporter sends is lost to a query.  1 with the number and PIN
 * in q, or 0.
 */
int
intake_query(const struct report *r, struct lookup_query *q)
{
	const char	*t = r->text, *rest = r->text;
	size_t		 i;

	memset(q, 0, sizeof(*q));
	for (i = 0; i < r->nev; i++)
		if (!r->ev[i].original)
			return (0);
	if (r->subject == NULL || !lookup_parse(r->subject, q)) {
		if (t == NULL)
			return (0);
		while (*t == '\n' || *t == '\r' || *t == ' ' || *t == '\t')
			t++;
		if (!lookup_parse(t, q))
			return (0);
		rest = t + strcspn(t, "\n");
	}
	return (!says_more(rest));
}

/*
 * query_tx - answer a status query by mail: the lookup (its attempt and
 * its event on the case) and the answer owed, in one transaction.  No
 * case is made, and the answer is no case's message (the lookup's event
 * is): the asker's address, sealed in its row, is forgotten a week on
 * (store_purge_batch), not kept with the case.  Whatever RFC 3834 forbids an acknowledgement forbids
 * the answer too, and then nothing is looked up (res->no_answer says
 * why); the answer counts towards ack_daily_limit as acknowledgements
 * do.  0 with *res filled in, or -1.
 */
static int
query_tx(const struct intake_ctx *x, struct store *st, struct report *r,
    struct lookup_query *q, struct intake_result *res)
{
	struct lookup_result	 lr;
	struct owed		 m = { 0 };
	char			*why, *subj = NULL, *body = NULL, *all;
	const char		*to;
	int			 en;

	memset(res, 0, sizeof(*res));
	res->query = 1;
	snprintf(res->ack_status, sizeof(res->ack_status), "none");
	if ((why = ack_suppress_reason(x->cfg, r)) != NULL) {
		snprintf(res->no_answer, sizeof(res->no_answer), "%s", why);
		free(why);
		return (0);
	}
	all = xasprintf("%s\n%s", r->subject ? r->subject : "", r->text ?
	    r->text : "");
	en = !text_has_cjk(all);
	free(all);
	q->channel = "email";
	/* the sender: a connecting MTA is shared by too many people */
	q->source = r->env_from;
	q->now = r->received_at;
	if (store_begin(st) < 0)
		return (-1);
	if (lookup_check(x->cfg, st, q, &lr) < 0)
		goto fail;
	if (lookup_render(x->look, &lr, en ? "en" : "zh-CN", &subj, &body) < 0) {
		store_fail(st, 1, "cannot render the answer to a status query");
		goto fail;
	}
	if (lr.verdict == LOOKUP_OK)
		snprintf(res->case_no, sizeof(res->case_no), "%s", lr.case_no);
	to = ack_recipient(r);
	m.kind = "status";
	m.channel = "email";
	m.recipient = to ? str_lower_ascii(xstrdup(to)) : NULL;
	m.env_from = xstrdup("");
	m.message_id = ack_message_id(x->cfg, lr.verdict == LOOKUP_OK ?
	    lr.case_no : "none", "status", NULL);
	m.message = mail_build(x->cfg->ack_from_name, x->cfg->ack_from,
	    m.recipient, subj, body, m.message_id, r->message_id,
	    "auto-replied");
	if (owe(x, st, 0, &m, 1, "reporter", r->received_at, res,
	    res->ack_status, sizeof(res->ack_status)) < 0)
		goto fail;
	free(subj);
	free(body);
	lookup_result_clear(&lr);
	return (end(x, st, r, &m, 1, res));
fail:
	free(subj);
	free(body);
	lookup_result_clear(&lr);
	return (end(x, st, r, &m, 0, res));
}

/*
 * intake_email - commit an email report (email_tx).  From this call on,
 * the report's evidence files are the pipeline's: kept when the commit
 * names them, removed otherwise (files_settle).  0 with *res filled in,
 * or -1.
 */
int
intake_email(const struct intake_ctx *x, struct store *st, struct report *r,
    struct intake_result *res)
{
	struct lookup_query	 q;

	memset(res, 0, sizeof(*res));
	/* a status query makes no case: its files go */
	if (intake_query(r, &q)) {
		intake_drop_files(x->cfg->evidence_dir, r);
		return (query_tx(x, st, r, &q, res));
	}
	return (files_settle(x, st, r, keep_evidence(x, st, r) < 0 ? -1 :
	    email_tx(x, st, r, res), res));
}

/* intake_call - commit a call's report (call_tx); its files as above */
int
intake_call(const struct intake_ctx *x, struct store *st, struct report *r,
    const struct intake_call *c, struct intake_result *res)
{
	memset(res, 0, sizeof(*res));
	return (files_settle(x, st, r, keep_evidence(x, st, r) < 0 ? -1 :
	    call_tx(x, st, r, c, res), res));
}

/* intake_web - commit a report of the web form (web_tx); its files as above */
int
intake_web(const struct intake_ctx *x, struct store *st, struct report *r,
    const struct intake_web *w, struct intake_result *res)
{
	memset(res, 0, sizeof(*res));
	return (files_settle(x, st, r, keep_evidence(x, st, r) < 0 ? -1 :
	    web_tx(x, st, r, w, res), res));
}

/* intake_web_supplement - a supplement on the status page (its files as above) */
int
intake_web_supplement(const struct intake_ctx *x, struct store *st,
    const char *case_no, struct report *r, const struct intake_web *w,
    struct intake_result *res)
{
	memset(res, 0, sizeof(*res));
	return (files_settle(x, st, r, keep_evidence(x, st, r) < 0 ? -1 :
	    web_supplement_tx(x, st, case_no, r, w, res), res));
}

/*
 * intake_call_log - a call that made no case (no recording, or one too
 * short): its row in the call ledger, by itself; 0 or -1
 */
int
intake_call_log(struct store *st, const struct intake_call *c,
    const char *outcome, const char *detail)
{
	if (store_begin(st) < 0)
		return (-1);
	if (store_call_log(st, c->tag, c->started, c->ended, outcome, NULL,
	    c->keys, c->recorded_ms, detail) < 0) {
		store_rollback(st);
		return (-1);
	}
	return (store_commit(st));
}

/*
 * intake_bounce - a delivery failure report for the feedback message
 * message_id of case_no (a signed VERP address named them): that message,
 * if it was sent, is marked failed with the diagnostic, and the case
 * records it.  0 with *found 0 when there is no such case or message (a
 * forged or stale report: nothing changes), 0 with *found 1, or -1.
 */
int
intake_bounce(const struct intake_ctx *x, struct store *st,
    const char *case_no, const char *message_id, const char *diagnostic,
    int *found)
{
	struct store_case	 c;

	*found = 0;
	if (store_begin(st) < 0)
		return (-1);
	if (store_case_load(st, case_no, &c) < 0)
		goto fail;
	if (c.id != 0 && (store_feedback_bounced(st, c.id, message_id,
	    diagnostic, found) < 0 || (*found && ledger_add(st, c.id,
	    time(NULL), x->actor, "feedback_bounced", diagnostic) < 0)))
		goto fail;
	return (store_commit(st));
fail:
	store_rollback(st);
	return (-1);
}
