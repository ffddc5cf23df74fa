/*
 * NAME
 *	sip_call - one hotline call: the state machine, the report, recovery
 * DESCRIPTION
 *	greeting -> category menu (a key, or sip_menu_timeout: "other") ->
 *	"speak after the tone, press # to finish" -> tone -> recording (until
 *	'#', sip_silence_timeout of silence, sip_record_max, or hang-up) ->
 *	commit (worker thread) -> case number and receipt PIN read back digit
 *	by digit (any key repeats) -> goodbye -> BYE.
 *
 *	The status query (issue 12): sip_query_key in the greeting or the
 *	menu -> "key the case number, then #" -> "key the PIN, then #" ->
 *	lookup_run (worker thread) -> the case number, its status (or the
 *	outcome of a finished case), the deadline of an open case or the day
 *	it was decided, how to complain -> goodbye -> BYE.  A wrong number or
 *	PIN, an empty entry or sip_menu_timeout without a key is asked again
 *	twice at most; too many lookups end the call.  No recording, no case;
 *	the ledger row says "query".  The digits keyed are neither logged nor
 *	stored (the ledger keeps the query key only) and the PIN is wiped
 *	once the worker has used it.
 *
 *	The state machine runs in the loop thread only.  call_commit runs in
 *	the worker: it reads what the loop no longer changes once the state
 *	is CS_COMMIT, and writes case_no and pin, which the loop reads after
 *	the worker's answer came through the pipe.
 *
 *	A recording shorter than sip_record_min makes no case; the call goes
 *	into the call ledger (the calls table) as abandoned, as does a call
 *	that hangs up before recording.  Log lines start with the Call-ID and
 *	never name the caller.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gmime/gmime.h>
#include <sodium.h>

#include "crypt.h"
#include "evidence.h"
#include "intake.h"
#include "log.h"
#include "sip.h"
#include "sip_say.h"

static struct call	*calls;
static int		 ncalls;

static void	 ledger_submit(struct call *, const char *);

/* call_list, call_count, call_link - the live calls (loop thread only) */
struct call *
call_list(void)
{
	return (calls);
}

int
call_count(void)
{
	return (ncalls);
}

void
call_link(struct call *c)
{
	c->next = calls;
	calls = c;
	ncalls++;
}

/* call_free - release everything; the call is unlinked already */
static void
call_free(struct call *c)
{
	rtp_close(c);
	if (c->rec_fd >= 0)
		close(c->rec_fd);
	free(c->call_id);
	free(c->from_name);
	free(c->from_number);
	free(c->pai_name);
	free(c->pai_number);
	free(c->rec_path);
	free(c->meta_path);
	free(c->sdp_sent);
	lookup_result_clear(&c->q_res);
	sodium_memzero(c->q_pin, sizeof(c->q_pin));
	if (c->rt)
		runtime_put(c->rt);
	free(c);
}

/* call_free_new - free a call that was never linked (refused) */
void
call_free_new(struct call *c)
{
	call_free(c);
}

/* call_unref - drop a reference; the last unlinks and frees */
void
call_unref(struct call *c)
{
	struct call	**pp;

	if (--c->refs > 0)
		return;
	for (pp = &calls; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			ncalls--;
			break;
		}
	call_free(c);
}

/* set_state - enter a state, noting when */
static void
set_state(struct call *c, enum call_state s)
{
	c->state = s;
	c->state_ms = now_ms();
}

/* go_prompt - the category is known: "speak after the tone", the tone */
static void
go_prompt(struct call *c)
{
	log_info("%s: category %s%s", c->tag, c->cat->key,
	    c->menu_tries < 0 ? " (no key: default)" : "");
	rtp_stop_playing(c);
	rtp_play(c, PR_RECORD);
	rtp_play(c, PR_BEEP);
	set_state(c, CS_PROMPT);
}

/* go_bye - play prompt (if any) and goodbye, then hang up */
static void
go_bye(struct call *c, int prompt)
{
	rtp_stop_playing(c);
	if (prompt >= 0)
		rtp_play(c, prompt);
	/* "thank you for your report" would be wrong after a query */
	rtp_play(c, c->query ? PR_Q_BYE : PR_GOODBYE);
	set_state(c, CS_BYE);
}

/* menu_prompt - the menu that names the query key configured */
static int
menu_prompt(const struct call *c)
{
	return (c->rt->cfg->sip_query_key[0] == '*' ? PR_MENU_STAR : PR_MENU);
}

/* readback - the case number and the PIN, digit by digit */
static void
readback(struct call *c)
{
	rtp_stop_playing(c);
	rtp_play(c, PR_CASENO);
	rtp_play_digits(c, c->case_no);
	rtp_play(c, PR_PIN);
	rtp_play_digits(c, c->pin);
	rtp_play(c, PR_REPEAT);
	c->readbacks++;
	set_state(c, CS_READBACK);
}

/* default_category - "other", or the last category of the table */
static const struct category *
default_category(const struct categories *cats)
{
	const struct category	*cat = cat_find(cats, "other");

	return (cat ? cat : &cats->v[cats->n - 1]);
}

/* call_start - the dialog is up (ACK): greet */
void
call_start(struct call *c)
{
	if (c->state != CS_NEW)
		return;
	rtp_play(c, PR_GREETING);
	rtp_play(c, menu_prompt(c));
	set_state(c, CS_GREETING);
}

/*
 * query_ask - ask for the case number (step 0) or the PIN (step 1),
 * after the prompt before (-1: none); the entry starts empty
 */
static void
query_ask(struct call *c, int step, int before)
{
	rtp_stop_playing(c);
	if (before >= 0)
		rtp_play(c, before);
	rtp_play(c, step == 0 ? PR_Q_CASENO : PR_Q_PIN);
	c->q_step = step;
	if (step == 0)
		c->q_case[0] = '\0';
	sodium_memzero(c->q_pin, sizeof(c->q_pin));
	c->q_key_ms = now_ms();
	set_state(c, CS_QUERY);
}

/* go_query - the query key: ask for the case number */
static void
go_query(struct call *c)
{
	log_info("%s: status query", c->tag);
	c->query = 1;
	query_ask(c, 0, -1);
}

/*
 * query_log - the query call's row in the call ledger, once: outcome
 * "query", how it ended as its detail.  Not while a lookup is out: the
 * worker takes one job of a call at a time (query_answered logs then).
 */
static void
query_log(struct call *c, const char *how)
{
	if (c->q_logged || c->committing)
		return;
	c->q_logged = 1;
	ledger_submit(c, how);
}

/*
 * query_wrong - a wrong or missing entry: ask again (step, after the
 * prompt before), or after SIP_QTRIES say before and goodbye
 */
static void
query_wrong(struct call *c, int step, int before, const char *why)
{
	log_info("%s: status query: %s (try %d of %d)", c->tag, why,
	    c->q_tries + 1, SIP_QTRIES);
	if (++c->q_tries < SIP_QTRIES) {
		query_ask(c, step, before);
		return;
	}
	query_log(c, why);
	go_bye(c, before);
}

/* query_key - a key while the case number or the PIN is keyed */
static void
query_key(struct call *c, int key)
{
	char	*e = c->q_step == 0 ? c->q_case : c->q_pin;
	size_t	 max = c->q_step == 0 ? SIP_QCASE_MAX : SIP_QPIN_MAX;
	size_t	 n = strlen(e);

	c->q_key_ms = now_ms();
	if (rtp_playing(c))
		rtp_stop_playing(c);	/* a key barges in */
	if (key >= '0' && key <= '9') {
		if (n < max) {		/* beyond: ignored, bounded */
			e[n] = (char)key;
			e[n + 1] = '\0';
		}
	} else if (key == '*')		/* start this entry again */
		query_ask(c, c->q_step, -1);
	else if (key != '#')
		;			/* A-D: nothing */
	else if (n == 0)
		query_wrong(c, c->q_step, -1, "empty entry");
	else if (c->q_step == 0)
		query_ask(c, 1, -1);
	else {
		/* the worker asks the store; keys wait (committing) */
		c->q_lookup = 1;
		c->committing = 1;
		set_state(c, CS_LOOKUP);
		commit_submit(c);
	}
}

/* call_digit - a key, by RFC 4733 or SIP INFO */
void
call_digit(struct call *c, int key, const char *how)
{
	const struct category	*cat;
	size_t			 n = strlen(c->keys);

	if (c->state == CS_DONE || c->state == CS_COMMIT || c->hungup ||
	    c->committing || c->kept)
		return;
	if (c->state == CS_QUERY) {
		/* a case number and its PIN: not in the log, nor the ledger */
		log_debug("%s: a key of the query (%s)", c->tag, how);
		query_key(c, key);
		return;
	}
	log_info("%s: key %c (%s)", c->tag, key, how);
	if (n < SIP_MAXKEYS) {
		c->keys[n] = (char)key;
		c->keys[n + 1] = '\0';
	}
	switch (c->state) {
	case CS_NEW:
	case CS_GREETING:
	case CS_MENU:
		if (key == c->rt->cfg->sip_query_key[0]) {
			go_query(c);
			break;
		}
		cat = key >= '0' && key <= '9' ?
		    cat_by_dtmf(c->rt->cats, key - '0') : NULL;
		if (cat != NULL) {
			c->cat = cat;
			go_prompt(c);
			break;
		}
		log_info("%s: key %c selects no category", c->tag, key);
		if (++c->menu_tries >= 3) {
			c->cat = default_category(c->rt->cats);
			go_prompt(c);
			break;
		}
		rtp_stop_playing(c);
		rtp_play(c, menu_prompt(c));
		set_state(c, CS_GREETING);
		break;
	case CS_RECORD:
		if (key == '#') {
			snprintf(c->end_reason, sizeof(c->end_reason), "pound");
			rec_stop(c);
		}
		break;
	case CS_READBACK:
		if (c->readbacks < 5)
			readback(c);
		break;
	default:
		break;
	}
}

/* call_hangup - we end the call: BYE (the dialog ends in call_gone) */
void
call_hangup(struct call *c, const char *why)
{
	if (c->bye_sent || c->hungup)
		return;
	log_info("%s: hanging up (%s)", c->tag, why);
	c->bye_sent = 1;
	ua_bye(c);
}

/* ledger_submit - the call ends without recording: log it */
static void
ledger_submit(struct call *c, const char *why)
{
	if (c->committing)
		return;
	snprintf(c->end_reason, sizeof(c->end_reason), "%s", why);
	c->ended = time(NULL);
	c->committing = 1;
	commit_submit(c);
}

/* commit - recording ended: hand the call to the worker */
static void
commit(struct call *c)
{
	if (c->committing)
		return;
	if (c->end_reason[0] == '\0')
		snprintf(c->end_reason, sizeof(c->end_reason), "hangup");
	c->ended = time(NULL);
	c->recorded_ms = (long)(c->rec_end / (SIP_RATE / 1000));
	log_info("%s: recording ended (%s) after %ld ms: %ld packets, %ld "
	    "bad, %ld late, %ld from other sources", c->tag, c->end_reason,
	    c->recorded_ms, c->pkts_in, c->pkts_bad, c->pkts_late,
	    c->pkts_foreign);
	c->committing = 1;
	set_state(c, CS_COMMIT);
	commit_submit(c);
}

/* call_gone - the dialog is over (BYE either way, CANCEL, error) */
void
call_gone(struct call *c, const char *why)
{
	if (c->hungup)
		return;
	c->hungup = 1;
	log_info("%s: call ended (%s) in state %d", c->tag, why, c->state);
	if (c->state == CS_RECORD) {
		snprintf(c->end_reason, sizeof(c->end_reason), "hangup");
		rec_stop(c);
		commit(c);
	} else if (c->state == CS_COMMIT && !c->committing)
		commit(c);	/* stopped (#, silence, a stop) but not yet
				 * handed over: the tick skips a call gone */
	else if (c->query)
		query_log(c, "hangup");
	else if (c->state < CS_RECORD && c->state != CS_NEW)
		ledger_submit(c, "abandoned");
	rtp_stop_playing(c);
	rtp_close(c);
	if (c->state != CS_COMMIT)
		c->state = CS_DONE;
	call_unref(c);	/* the dialog's reference */
}

/* query_say - what the caller hears of a case found (LOOKUP_OK) */
static void
query_say(struct call *c, const struct lookup_result *r)
{
	static const struct {
		const char	*name;
		int		 prompt;
		int		 open;	/* has a deadline still to meet */
	} st[] = {
		{ "received",		PR_ST_RECEIVED,		1 },
		{ "awaiting_materials",	PR_ST_AWAITING,		1 },
		{ "accepted",		PR_ST_ACCEPTED,		1 },
		{ "escalated",		PR_ST_ESCALATED,	1 },
		{ "reopened",		PR_ST_REOPENED,		1 },
		{ "disposed",		PR_ST_DISPOSED,		0 },
		{ "not_accepted",	PR_ST_NOT_ACCEPTED,	0 },
		{ "refused_malicious",	PR_ST_REFUSED_MALICIOUS, 0 },
		{ "transferred",	PR_ST_TRANSFERRED,	0 },
		{ "feedback_sent",	PR_ST_CLOSED,		0 },
		{ "closed",		PR_ST_CLOSED,		0 },
	};
	const char	*say = r->status;
	size_t		 i, k;
	int		 p[SAY_DATE_MAX], n, open = 0, prompt = -1;

	/* a finished case (the reporter told, or closed): its outcome */
	if ((strcmp(say, "feedback_sent") == 0 || strcmp(say, "closed") == 0) &&
	    r->outcome[0] != '\0')
		say = r->outcome;
	for (i = 0; i < sizeof(st) / sizeof(st[0]); i++)
		if (strcmp(st[i].name, say) == 0) {
			prompt = st[i].prompt;
			open = st[i].open;
		}
	rtp_stop_playing(c);
	rtp_play(c, PR_Q_NUMBER);
	rtp_play_digits(c, r->case_no);
	if (prompt >= 0)
		rtp_play(c, prompt);
	else
		log_warnx("%s: status query: no prompt for status %s", c->tag,
		    say);
	if (open && r->deadline > 0 && (n = say_date(r->deadline, p,
	    SAY_DATE_MAX)) > 0) {
		rtp_play(c, PR_Q_DEADLINE);
		for (k = 0; k < (size_t)n; k++)
			rtp_play(c, p[k]);
	} else if (!open && r->outcome[0] != '\0' && r->outcome_at > 0 &&
	    (n = say_date(r->outcome_at, p, SAY_DATE_MAX)) > 0) {
		rtp_play(c, PR_Q_DECIDED);
		for (k = 0; k < (size_t)n; k++)
			rtp_play(c, p[k]);
	}
	/* 承诺书 S15: how to complain about the handling */
	rtp_play(c, PR_Q_HINT);
	rtp_play(c, PR_Q_BYE);
	set_state(c, CS_BYE);
}

/* query_answered - the worker's answer to a lookup (loop thread) */
static void
query_answered(struct call *c, int ok)
{
	c->q_lookup = 0;
	c->committing = 0;
	if (c->hungup || c->state != CS_LOOKUP) {
		/* gone meanwhile, or sip_max_call_length said goodbye */
		query_log(c, c->hungup ? "hangup" : "max_call_length");
	} else if (!ok) {
		query_log(c, "failed");
		go_bye(c, PR_FAILED);
	} else if (c->q_res.verdict == LOOKUP_OK) {
		query_log(c, "answered");
		query_say(c, &c->q_res);
	} else if (c->q_res.verdict == LOOKUP_LIMITED) {
		query_log(c, "limited");
		go_bye(c, PR_Q_LIMITED);
	} else
		query_wrong(c, 0, PR_Q_DENIED, "denied");
	lookup_result_clear(&c->q_res);
	memset(&c->q_res, 0, sizeof(c->q_res));
}

/* call_committed - the worker's answer (loop thread) */
void
call_committed(struct call *c, int ok, int too_short)
{
	if (c->q_lookup) {
		query_answered(c, ok);
		return;
	}
	c->committing = 0;
	if (c->hungup) {
		c->state = CS_DONE;
		return;
	}
	if (c->state != CS_COMMIT)
		return;
	if (!ok)
		go_bye(c, PR_FAILED);
	else if (too_short)
		go_bye(c, PR_TOOSHORT);
	else
		readback(c);
}

/* call_tick - timers of the state machine (every 20 ms) */
void
call_tick(struct call *c, int64_t now)
{
	const struct cfg	*cfg = c->rt->cfg;

	if (c->hungup || c->state == CS_DONE)
		return;
	/* answered, and no ACK in sip_ack_timeout: most likely an INVITE
	 * from an address not the sender's; the line and the port are freed
	 * now, not when the 200 OK's retransmissions give up (32 s) */
	if (c->state == CS_NEW && now - c->started_ms >= cfg->sip_ack_timeout *
	    1000) {
		log_info("%s: no ACK in %lds: dropped", c->tag,
		    cfg->sip_ack_timeout);
		ua_drop(c);
		return;
	}
	if (now >= c->deadline_ms && c->state < CS_COMMIT) {
		log_info("%s: sip_max_call_length reached", c->tag);
		if (c->state == CS_RECORD) {
			snprintf(c->end_reason, sizeof(c->end_reason),
			    "max_call_length");
			rec_stop(c);
		} else {
			if (c->query)
				query_log(c, "max_call_length");
			else
				ledger_submit(c, "max_call_length");
			go_bye(c, -1);
		}
	}
	if (now >= c->deadline_ms + 60000 && !c->bye_sent) {
		call_hangup(c, "sip_max_call_length");
		return;
	}
	switch (c->state) {
	case CS_GREETING:
		if (!rtp_playing(c))
			set_state(c, CS_MENU);
		break;
	case CS_MENU:
		if (now - c->state_ms >= cfg->sip_menu_timeout * 1000) {
			c->cat = default_category(c->rt->cats);
			c->menu_tries = -1;
			go_prompt(c);
		}
		break;
	case CS_QUERY:
		/* sip_menu_timeout for each key, from the prompt's end */
		if (!rtp_playing(c) && now - (c->q_key_ms > c->play_done_ms ?
		    c->q_key_ms : c->play_done_ms) >= cfg->sip_menu_timeout * 1000)
			query_wrong(c, c->q_step, -1, "no key");
		break;
	case CS_PROMPT:
		if (!rtp_playing(c)) {
			set_state(c, CS_RECORD);
			if (rec_start(c) < 0) {
				ledger_submit(c, "recording_failed");
				go_bye(c, PR_FAILED);
			}
		}
		break;
	case CS_RECORD:
		if (now - c->last_voice_ms >= cfg->sip_silence_timeout * 1000) {
			snprintf(c->end_reason, sizeof(c->end_reason), "silence");
			rec_stop(c);
		}
		if (c->state == CS_COMMIT)
			commit(c);
		break;
	case CS_COMMIT:
		commit(c);	/* rec_stop from the media path */
		break;
	case CS_READBACK:
		if (!rtp_playing(c) && now - c->play_done_ms >= 6000)
			go_bye(c, -1);
		break;
	case CS_BYE:
		if (!rtp_playing(c) && now - c->play_done_ms >= 300)
			call_hangup(c, "done");
		break;
	default:
		break;
	}
}

/* fmt_local - "YYYY-MM-DD HH:MM:SS" */
static void
fmt_local(time_t t, char *out, size_t len)
{
	struct tm	 tm;

	localtime_r(&t, &tm);
	strftime(out, len, "%Y-%m-%d %H:%M:%S", &tm);
}

/* build_report - the case of a call (identity stays in the report only) */
static struct report *
build_report(const struct call *c, char *summary, size_t slen)
{
	struct report		*r = report_new("hotline");
	const struct category	*cat = c->cat;
	char			 st[32], en[32];
	const char		*name, *number;
	long			 dur = (long)(c->ended - c->started);

	r->received_at = c->started;
	/* the Call-ID often names the caller's host: the tag stands for it */
	r->queue_id = xstrdup(c->tag);
	r->message_id = xasprintf("sip:%s", c->tag);
	r->lang = xstrdup("zh-CN");
	if (c->trusted && c->pai_number) {
		number = c->pai_number;
		name = c->pai_name && *c->pai_name ? c->pai_name : c->from_name;
		strlist_add(&r->notes, "caller identity from P-Asserted-Identity "
		    "of a trusted peer (sip_trusted_peers)");
	} else {
		number = c->from_number;
		name = c->from_name;
		strlist_add(&r->notes, c->pai_number ? "caller identity from "
		    "the From header; a P-Asserted-Identity from an untrusted "
		    "peer was ignored" : "caller identity from the From "
		    "header (not verified)");
	}
	if (name && *name)
		r->from_name = xstrdup(name);
	if (number && *number) {
		strlist_add(&r->phones, number);
		r->from_addr = xasprintf("tel:%s", number);
	}
	r->client_addr = xstrdup(c->peer);
	if (c->interrupted)
		strlist_add(&r->notes, "interrupted: the bridge stopped during "
		    "the call; the recording was recovered at restart");
	cat_apply(cat, r);
	r->subject = xasprintf("%s%s", cat->name, c->interrupted ?
	    "（通话中断）" : "");
	fmt_local(c->started, st, sizeof(st));
	fmt_local(c->ended, en, sizeof(en));
	snprintf(summary, slen,
	    "渠道：举报热线\n通话标识：%s\n开始：%s\n结束：%s\n时长：%ld 秒\n"
	    "按键：%s\n类别：%s（%s）\n录音：%ld.%03ld 秒，结束原因：%s%s",
	    c->tag, st, en, dur, c->keys[0] ? c->keys : "（无）", cat->name,
	    cat->key, c->recorded_ms / 1000, c->recorded_ms % 1000,
	    c->end_reason, c->interrupted ? "\n状态：通话中断，录音在重启后恢复" : "");
	r->text = xasprintf("%s\n", summary);
	return (r);
}

/*
 * call_commit - (worker thread) finish the recording and commit the case
 * through the intake pipeline: its evidence, the staff notice, the SMS
 * acknowledgement and the call's ledger row in one transaction; or,
 * without a recording or with one too short, the ledger row alone.
 * 0, or -1 (store or disk trouble: the files stay for recovery).
 */
int
call_commit(struct call *c, struct runtime *rt, struct store *st,
    int *too_short)
{
	const struct cfg	*cfg = rt->cfg;
	struct intake_ctx	 x = { .cfg = rt->cfg, .cats = rt->cats,
				    .ack = &rt->ack, .actor = "jubao-sipd" };
	struct intake_call	 ic;
	struct intake_result	 res;
	struct report		*r = NULL;
	char			 sha[65], summary[1024], id[EVIDENCE_ID], d[96];
	char			*name = NULL;
	off_t			 bytes = 0;
	size_t			 size;
	buf			 err = { 0 };
	int			 rc = -1;

	*too_short = 0;
	memset(&ic, 0, sizeof(ic));
	ic.tag = c->tag;
	ic.number = c->trusted && c->pai_number ? c->pai_number :
	    c->from_number;
	ic.started = c->started;
	ic.ended = c->ended;
	ic.keys = c->keys;
	ic.end_reason = c->end_reason;
	if (c->rec_fd < 0) {
		/* no recording: the ledger only; a query says how it ended */
		if (intake_call_log(st, &ic, c->query ? "query" : c->end_reason,
		    c->query ? c->end_reason : NULL) < 0) {
			log_error("%s: call ledger: %s", c->tag, store_error(st));
			return (-1);
		}
		return (0);
	}
	if (wav_fixup(c->rec_fd, &bytes) < 0 || fdatasync(c->rec_fd) < 0) {
		log_warn("%s: %s", c->tag, c->rec_path);
		return (-1);
	}
	c->recorded_ms = (long)(bytes / 2 / (SIP_RATE / 1000));
	ic.recorded_ms = c->recorded_ms;
	if (c->recorded_ms < cfg->sip_record_min * 1000) {
		*too_short = 1;
		snprintf(d, sizeof(d), "recording of %ld ms is shorter than "
		    "sip_record_min (%lds): no case", c->recorded_ms,
		    cfg->sip_record_min);
		if (intake_call_log(st, &ic, "abandoned", d) < 0) {
			log_error("%s: call ledger: %s", c->tag, store_error(st));
			return (-1);
		}
		log_info("%s: %s", c->tag, d);
		close(c->rec_fd);
		c->rec_fd = -1;
		unlink(c->rec_path);
		unlink(c->meta_path);
		return (0);
	}
	buf_adds(&err, "");
	if (sha256_file(c->rec_path, sha, &size) < 0) {
		log_warn("%s: %s", c->tag, c->rec_path);
		goto out;
	}
	if (evidence_put_file(cfg->evidence_dir, c->rec_path, id, &err) < 0) {
		log_error("%s: evidence: %s", c->tag, err.s);
		goto out;
	}
	r = build_report(c, summary, sizeof(summary));
	name = xasprintf("hotline-%ld.wav", (long)c->started);
	snprintf(report_add_evidence(r, name, "audio/wav", size, sha,
	    NULL)->file, EVIDENCE_ID, "%s", id);
	memcpy(r->content_hash, sha, sizeof(r->content_hash));
	ic.wav = c->rec_path;
	ic.summary = summary;
	ic.outcome = c->interrupted ? "interrupted" : "case";
	if (intake_call(&x, st, r, &ic, &res) < 0) {
		log_error("%s: cannot commit the case: %s", c->tag,
		    store_error(st));
		goto out;
	}
	snprintf(c->case_no, sizeof(c->case_no), "%s", res.case_no);
	snprintf(c->pin, sizeof(c->pin), "%s", res.pin);
	log_info("%s: case %s%s: category %s, %ld ms recorded, evidence %.12s, "
	    "staff notice %s", c->tag, res.case_no, res.duplicate ?
	    " (committed before)" : "", c->cat->key, c->recorded_ms, sha,
	    res.ack_status);
	if (res.queued)
		daemon_kick();
	close(c->rec_fd);
	c->rec_fd = -1;
	unlink(c->rec_path);
	unlink(c->meta_path);
	rc = 0;
out:
	report_free(r);
	free(name);
	buf_free(&err);
	return (rc);
}

/*
 * call_lookup - (worker thread) the status query keyed: lookup_run with
 * the caller's number as its source (the one the SMS would go to),
 * q_res its answer; the PIN is wiped here, the loop no longer needs it.
 * 0, or -1 (store trouble: the caller is told, nothing is kept).
 */
int
call_lookup(struct call *c, struct runtime *rt, struct store *st)
{
	static const char *const verdicts[] = { "found", "denied", "limited" };
	struct lookup_query	 q;
	int			 rc;

	memset(&q, 0, sizeof(q));
	q.channel = "hotline";
	q.source = c->trusted && c->pai_number ? c->pai_number :
	    c->from_number;
	snprintf(q.case_no, sizeof(q.case_no), "%s", c->q_case);
	snprintf(q.pin, sizeof(q.pin), "%s", c->q_pin);
	q.now = time(NULL);
	sodium_memzero(c->q_pin, sizeof(c->q_pin));
	lookup_result_clear(&c->q_res);
	memset(&c->q_res, 0, sizeof(c->q_res));
	rc = lookup_run(rt->cfg, st, &q, &c->q_res);
	sodium_memzero(q.pin, sizeof(q.pin));
	if (rc < 0) {
		log_error("%s: status query: %s", c->tag, store_error(st));
		return (-1);
	}
	log_info("%s: status query: %s", c->tag,
	    (unsigned)c->q_res.verdict < 3 ? verdicts[c->q_res.verdict] : "?");
	return (0);
}

/* meta_get - "key=value" from a sidecar; "" when absent */
static char *
meta_get(const char *meta, const char *key)
{
	size_t		 kl = strlen(key);
	const char	*p = meta, *e;

	while (p && *p) {
		e = strchr(p, '\n');
		if (strncmp(p, key, kl) == 0 && p[kl] == '=')
			return (xstrndup(p + kl + 1, e ? (size_t)(e - p - kl - 1) :
			    strlen(p + kl + 1)));
		p = e ? e + 1 : NULL;
	}
	return (xstrdup(""));
}

/* empty_null - free "" and return NULL, or return s */
static char *
empty_null(char *s)
{
	if (s != NULL && *s == '\0') {
		free(s);
		return (NULL);
	}
	return (s);
}

/*
 * recover_recordings - turn recordings a crash left into cases marked
 * interrupted (start-up, before the first call).  Returns how many.
 */
int
recover_recordings(struct runtime *rt)
{
	const struct cfg	*cfg = rt->cfg;
	DIR			*d;
	struct dirent		*e;
	struct store		*st;
	struct stat		 sb;
	buf			 err = { 0 };
	int			 n = 0, too_short;
	size_t			 l;

	if ((d = opendir(cfg->sip_recordings_dir)) == NULL)
		return (0);
	buf_adds(&err, "");
	if (store_open(cfg->store_engine,
	    cfg_store_where(cfg), cfg->store_busy_timeout, &st, NULL,
	    &err) < 0) {
		log_error("recovery: %s", err.s);
		closedir(d);
		buf_free(&err);
		return (0);
	}
	while ((e = readdir(d)) != NULL) {
		struct call	*c;
		char		*meta = NULL, *v;
		FILE		*fp;
		size_t		 mlen = 0;
		int		 fd;

		l = strlen(e->d_name);
		if (l < 6 || strcmp(e->d_name + l - 5, ".meta") != 0)
			continue;
		c = xcalloc(1, sizeof(*c));
		c->fd = -1;
		c->rec_fd = -1;
		c->meta_path = xasprintf("%s/%s", cfg->sip_recordings_dir,
		    e->d_name);
		c->rec_path = xasprintf("%s/%.*s.wav.part",
		    cfg->sip_recordings_dir, (int)(l - 5), e->d_name);
		/* run_user's own files, opened as run_user, never through a
		 * link: the sidecar (sealed: who called) and the recording */
		if ((fd = open(c->meta_path, O_RDONLY | O_NOFOLLOW |
		    O_CLOEXEC)) >= 0 && (fp = fdopen(fd, "r")) != NULL) {
			char	*sealed = xcalloc(1, 16384);

			mlen = fread(sealed, 1, 16383, fp);
			fclose(fp);
			meta = crypt_open(crypt_get(), sealed);
			free(sealed);
		} else if (fd >= 0)
			close(fd);
		(void)mlen;
		if (meta == NULL || (c->rec_fd = open(c->rec_path,
		    O_RDWR | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
		    fstat(c->rec_fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
			log_info("recovery: %s has no recording: removed",
			    c->meta_path);
			unlink(c->meta_path);
			free(meta);
			call_free(c);
			continue;
		}
		c->call_id = meta_get(meta, "call_id");
		store_call_tag(c->call_id, c->tag);
		v = meta_get(meta, "started");
		c->started = (time_t)atol(v);
		free(v);
		c->ended = sb.st_mtime;
		v = meta_get(meta, "category");
		c->cat = cat_find(rt->cats, v);
		free(v);
		if (c->cat == NULL)
			c->cat = default_category(rt->cats);
		v = meta_get(meta, "keys");
		snprintf(c->keys, sizeof(c->keys), "%s", v);
		free(v);
		c->from_name = empty_null(meta_get(meta, "from_name"));
		c->from_number = empty_null(meta_get(meta, "from_number"));
		c->pai_name = empty_null(meta_get(meta, "pai_name"));
		c->pai_number = empty_null(meta_get(meta, "pai_number"));
		v = meta_get(meta, "peer");
		snprintf(c->peer, sizeof(c->peer), "%s", v);
		free(v);
		v = meta_get(meta, "trusted");
		c->trusted = atoi(v);
		free(v);
		free(meta);
		c->interrupted = 1;
		snprintf(c->end_reason, sizeof(c->end_reason), "interrupted");
		if (call_commit(c, rt, st, &too_short) == 0) {
			if (!too_short)
				n++;
			log_info("%s: interrupted call recovered%s%s", c->tag,
			    too_short ? ": too short, no case" : " as case ",
			    too_short ? "" : c->case_no);
		} else
			log_error("%s: recovery failed; the recording stays "
			    "in %s", c->tag, cfg->sip_recordings_dir);
		call_free(c);
	}
	closedir(d);
	store_close(st);
	buf_free(&err);
	return (n);
}
