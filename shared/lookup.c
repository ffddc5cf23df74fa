/*
 * NAME
 *	lookup - status lookups: parse, limits, answer
 * DESCRIPTION
 *	See lookup.h.  Each scan of what a sender typed is one pass, with a
 *	fixed set of words tried at each position.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sodium.h>

#include "feedback.h"
#include "log.h"
#include "lookup.h"
#include "tmpl.h"

static const char *const langs[2] = { "zh-CN", "en" };
static const char *const names[3] = { "status", "status-denied",
    "status-limited" };

/*
 * fold - the next character of s as the sender meant it: full-width
 * forms (U+FF01..U+FF5E) as their ASCII letters, digits and marks, the
 * ideographic space, comma and full stop (U+3000..U+3002) as a space, a
 * comma and a full stop; its length in *n.  Anything
 * else is returned as its first byte (0x80 and above: not ASCII).
 */
static int
fold(const unsigned char *s, size_t *n)
{
	unsigned	 c;

	*n = 1;
	if (s[0] == 0xe3 && s[1] == 0x80 && s[2] >= 0x80 && s[2] <= 0x82) {
		*n = 3;
		return (" ,."[s[2] - 0x80]);
	}
	if (s[0] == 0xef && (s[1] == 0xbc || s[1] == 0xbd) && s[2] >= 0x80 &&
	    s[2] <= 0xbf) {
		c = ((s[1] & 0x3f) << 6 | (s[2] & 0x3f)) + 0xf000;	/* U+FFxx */
		if (c >= 0xff01 && c <= 0xff5e) {
			*n = 3;
			return ((int)(c - 0xfee0));
		}
	}
	return (s[0]);
}

/* sep - is c (folded) a separator between the words of a query? */
static int
sep(int c)
{
	return (c == ' ' || c == '\t' || c == ':' || c == ',' || c == '.' ||
	    c == '#' || c == '[' || c == ']' || c == '(' || c == ')' ||
	    c == '-' || c == '/' || c == ';' || c == '\r' || c == '\n');
}

/*
 * word - does s begin with one of words (UTF-8, ASCII ones in any case)?
 * Its length, or 0.  The longest of them that matches.
 */
static size_t
word(const char *s, const char *const *words)
{
	size_t	 i, n, best = 0;

	for (i = 0; words[i] != NULL; i++) {
		n = strlen(words[i]);
		if (n > best && strncasecmp(s, words[i], n) == 0)
			best = n;
	}
	return (best);
}

/*
 * lookup_parse - is line a status query?  A query word (查询, status,
 * query) first (after a reply's "Re:"), then the case number and the PIN,
 * with only separators and the words people write around them (案件编号,
 * 密码, PIN, JB, 谢谢, ...): 「查询 261201000025 825527」, 「查询：JB
 * 261201000025，密码：825527。」, "status 261201000025 825527".  A line
 * that says anything else, or lacks either number, is not a query (a
 * report that begins with 查询 or "Status" stays a report).  1 with the
 * number and PIN in q (either may be malformed: the lookup denies it), or
 * 0.  One pass, after folding full-width forms.
 */
int
lookup_parse(const char *line, struct lookup_query *q)
{
	static const char *const keys[] = { "查询", "查詢", "status",
	    "query", NULL };
	static const char *const replies[] = { "re", "aw", "sv", "fw", "fwd",
	    "回复", "答复", "转发", NULL };
	static const char *const labels[] = { "查询密码", "回执密码", "密码",
	    "案件编号", "案件号", "编号", "案件", "号", "进度", "jb", "case",
	    "no", "number", "pin", "password", "code", "谢谢", "您好", "你好",
	    "请", "please", "thanks", "thank", "you", "hello", "hi", NULL };
	char		 norm[512], *s;
	char		*dst[2] = { q->case_no, q->pin };
	size_t		 len[2] = { sizeof(q->case_no), sizeof(q->pin) };
	size_t		 i, n, k = 0, nums = 0, w;
	int		 c;

	q->case_no[0] = q->pin[0] = '\0';
	/* fold into norm: at most its size, a longer line is no query */
	for (i = 0; line[i] != '\0' && line[i] != '\n'; i += n) {
		c = fold((const unsigned char *)line + i, &n);
		if (k + 4 >= sizeof(norm))
			return (0);
		if (c < 0x80)
			norm[k++] = (char)c;
		else {
			memcpy(norm + k, line + i, n);
			k += n;
		}
	}
	norm[k] = '\0';
	/* "Re: Re: 查询 ...": a reply's prefixes, each a word of its own */
	for (s = norm; ; s += w) {
		while (sep((unsigned char)*s))
			s++;
		if ((w = word(s, replies)) == 0 || !sep((unsigned char)s[w]))
			break;
	}
	if ((w = word(s, keys)) == 0)
		return (0);
	for (s += w; *s != '\0'; ) {
		if (sep((unsigned char)*s)) {
			s++;
			continue;
		}
		if ((s[0] == 'J' || s[0] == 'j') && (s[1] == 'B' || s[1] == 'b') &&
		    s[2] >= '0' && s[2] <= '9')
			s += 2;
		if (*s >= '0' && *s <= '9') {
			if (nums == 2)
				return (0);
			for (n = 0; s[n] >= '0' && s[n] <= '9'; n++)
				;
			snprintf(dst[nums], len[nums], "%.*s", n < len[nums] ?
			    (int)n : 0, s);
			nums++;
			s += n;
			continue;
		}
		if ((w = word(s, labels)) == 0)
			return (0);
		s += w;
	}
	return (nums == 2);
}

/*
 * lookup_normalise - what a caller keyed or a page's visitor typed into
 * a field, as digits: full-width digits folded, spaces and dashes
 * dropped, a leading "JB" dropped.  0, or -1 when anything else is left
 * or it does not fit (out is then "").
 */
int
lookup_normalise(const char *in, char *out, size_t len)
{
	size_t	 i, k = 0, n;
	int	 c;

	out[0] = '\0';
	for (i = 0; in[i] != '\0'; i += n) {
		c = fold((const unsigned char *)in + i, &n);
		if (c == ' ' || c == '-' || c == '\t')
			continue;
		if (k == 0 && (c == 'J' || c == 'j') && in[i + n] != '\0') {
			size_t	 m;
			int	 d = fold((const unsigned char *)in + i + n, &m);

			if (d == 'B' || d == 'b') {
				n += m;
				continue;
			}
		}
		if (c < '0' || c > '9' || k + 1 >= len) {
			out[0] = '\0';
			return (-1);
		}
		out[k++] = (char)c;
	}
	out[k] = '\0';
	return (0);
}

/* lookup_result_clear - release a result */
void
lookup_result_clear(struct lookup_result *r)
{
	free(r->outcome_detail);
	free(r->explanation);
	strlist_free(&r->measures);
	memset(r, 0, sizeof(*r));
}

/*
 * attempt - an attempt's row, and its event on the case (id 0: none):
 * the channel and the result, never who asked
 */
static int
attempt(struct store *st, const struct lookup_query *q, long long id, int ok,
    const char *result)
{
	char	 detail[96];

	if (store_lookup_add(st, q->channel, q->source, q->case_no, ok,
	    q->now) < 0)
		return (-1);
	if (id == 0)
		return (0);
	snprintf(detail, sizeof(detail), "by %s: %s", q->channel, result);
	return (ledger_add(st, id, q->now, "lookup", "lookup", detail));
}

/*
 * limited - is the query over a limit?  1 with r->retry_at, 0, or -1.
 * A source: lookup_source_failures wrong ones, or lookup_source_limit in
 * all, in the last hour.  A case number (whether or not a case has it):
 * lookup_case_failures wrong PINs within lookup_lock, locked until
 * lookup_lock after the last; LOOKUP_DAY_LOCKS times as many in a day,
 * locked until a day after the last (one number takes at most that many
 * guesses a day, whoever makes them).
 */
static int
limited(const struct cfg *cfg, struct store *st, const struct lookup_query *q,
    struct lookup_result *r)
{
	long	 bad, all;
	time_t	 last;

	if (q->source != NULL) {
		if (store_lookup_failures(st, "source", q->source, q->now - 3600,
		    &bad, &all, &last) < 0)
			return (-1);
		if (bad >= cfg->lookup_source_failures ||
		    (cfg->lookup_source_limit > 0 &&
		    all >= cfg->lookup_source_limit)) {
			r->retry_at = q->now + 3600;
			return (1);
		}
	}
	if (store_lookup_failures(st, "case_no", q->case_no, q->now - 86400,
	    &bad, &all, &last) < 0)
		return (-1);
	if (bad >= LOOKUP_DAY_LOCKS * cfg->lookup_case_failures) {
		r->retry_at = last + 86400;
		return (1);
	}
	if (store_lookup_failures(st, "case_no", q->case_no,
	    q->now - cfg->lookup_lock, &bad, &all, &last) < 0)
		return (-1);
	if (bad >= cfg->lookup_case_failures) {
		r->retry_at = last + cfg->lookup_lock;
		return (1);
	}
	return (0);
}

/*
 * lookup_check - one lookup (see lookup.h) in the caller's transaction:
 * the verdict and, when LOOKUP_OK, the case into r.  0, or -1 (the
 * store's reason; store_busy: it may pass).  Clear r with
 * lookup_result_clear either way.
 */
int
lookup_check(const struct cfg *cfg, struct store *st, struct lookup_query *q,
    struct lookup_result *r)
{
	char		 want[33], have[33], note[128];
	long long	 id = 0;
	long		 bad, all;
	time_t		 last;
	int		 rc, ok, ret = -1;

	memset(r, 0, sizeof(*r));
	r->verdict = LOOKUP_DENIED;
	if ((rc = limited(cfg, st, q, r)) < 0)
		goto out;
	/* the case is read whatever the verdict, so that every answer
	 * costs the same */
	if (store_lookup_case(st, q->case_no, &id, have, r) < 0)
		goto out;
	if (rc == 1) {
		r->verdict = LOOKUP_LIMITED;
		if (attempt(st, q, id, 2, "refused, too many attempts") < 0)
			goto out;
		ret = 0;
		goto out;
	}
	store_pin_hash(q->case_no, q->pin, want);
	ok = id != 0 && strlen(have) == 32 && strlen(q->pin) == PIN_LEN &&
	    sodium_memcmp(want, have, 32) == 0;
	if (attempt(st, q, id, ok, ok ? "found" : "wrong PIN") < 0)
		goto out;
	/* the wrong PIN that locks the number says so; counted whatever
	 * the verdict, so that every answer costs the same statements (but
	 * for the event, written only on a case: the limits leave too few
	 * tries to time it) */
	if (store_lookup_failures(st, "case_no", q->case_no,
	    q->now - cfg->lookup_lock, &bad, &all, &last) < 0)
		goto out;
	if (ok) {
		r->verdict = LOOKUP_OK;
		r->case_id = id;
	} else if (id != 0) {
		if (bad == cfg->lookup_case_failures) {
			snprintf(note, sizeof(note), "%ld wrong PINs: lookups "
			    "refused for %lds", bad, cfg->lookup_lock);
			if (ledger_add(st, id, q->now, "lookup", "lookup_locked",
			    note) < 0)
				goto out;
		}
	}
	ret = 0;
out:
	/* nothing of a case but for its PIN */
	if (r->verdict != LOOKUP_OK) {
		time_t			 retry = r->retry_at;
		enum lookup_verdict	 v = r->verdict;

		lookup_result_clear(r);
		r->verdict = v;
		r->retry_at = retry;
	}
	sodium_memzero(want, sizeof(want));
	sodium_memzero(have, sizeof(have));
	return (ret);
}

/*
 * lookup_run - lookup_check in a transaction of its own, for the channels
 * that answer at once (the page, the call): a crash may lose the attempt
 * and its event, so the commit does not wait for the disk.  0 or -1.
 */
int
lookup_run(const struct cfg *cfg, struct store *st, struct lookup_query *q,
    struct lookup_result *r)
{
	memset(r, 0, sizeof(*r));
	if (store_begin_lax(st) < 0)
		return (-1);
	if (lookup_check(cfg, st, q, r) < 0) {
		store_rollback(st);
		return (-1);
	}
	if (store_commit(st) < 0) {
		lookup_result_clear(r);
		return (-1);
	}
	return (0);
}

/*
 * lookup_status_name - where a case stands, in a reporter's words: an
 * open case's step, or that it is decided
 */
const char *
lookup_status_name(const char *status, const char *lang)
{
	static const struct {
		const char	*status, *zh, *en;
	} t[] = {
		{ "received", "已收到，正在核查", "received, being verified" },
		{ "awaiting_materials", "待补充材料",
		  "waiting for the materials it lacks" },
		{ "accepted", "已受理，正在处理", "accepted, being handled" },
		{ "escalated", "已上报，正在处理", "escalated, being handled" },
		{ "reopened", "已重新办理", "reopened, being handled again" },
		{ "feedback_sent", "已办结，处理结果已反馈",
		  "decided; the outcome was sent to you" },
		{ "closed", "已办结", "closed" },
	};
	size_t	 i;
	int	 l = strcmp(lang, "en") == 0;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(t[i].status, status) == 0)
			return (l ? t[i].en : t[i].zh);
	return (l ? "decided" : "已办结");
}

/* fmt_when - local "YYYY-MM-DD HH:MM" */
static void
fmt_when(time_t t, char *out, size_t len)
{
	struct tm	 tm;

	localtime_r(&t, &tm);
	strftime(out, len, "%Y-%m-%d %H:%M", &tm);
}

/*
 * vars - the answer's variables (values into the caller's strings: the
 * outcome's words and the measures are allocated into o and m)
 */
static size_t
vars(const struct lookup_ctx *x, const struct lookup_result *r, int l,
    struct tmpl_var *v, char rec[32], char due[32], char dec[32],
    char retry[32], char **o, buf *m)
{
	const struct category	*cat = cat_find(x->cats, r->category);
	size_t			 n = 0;

	*o = NULL;
	buf_adds(m, "");
	if (r->verdict == LOOKUP_OK) {
		fmt_when(r->received_at, rec, 32);
		fmt_when(r->deadline, due, 32);
		if (*r->outcome) {
			fmt_when(r->outcome_at, dec, 32);
			*o = feedback_outcome_words(r->outcome, r->outcome_detail,
			    langs[l]);
			feedback_measures_list(&r->measures, langs[l], m);
		} else
			dec[0] = '\0';
	} else
		rec[0] = due[0] = dec[0] = '\0';
	if (r->verdict == LOOKUP_LIMITED)
		fmt_when(r->retry_at, retry, 32);
	else
		retry[0] = '\0';
	v[n].name = "site"; v[n++].value = x->cfg->site_name;
	v[n].name = "case"; v[n++].value = r->verdict == LOOKUP_OK ?
	    r->case_no : "";
	v[n].name = "status"; v[n++].value = r->verdict == LOOKUP_OK ?
	    lookup_status_name(r->status, langs[l]) : "";
	v[n].name = "category"; v[n++].value = r->verdict != LOOKUP_OK ? "" :
	    cat ? cat_name(cat, langs[l]) : r->category;
	v[n].name = "received"; v[n++].value = rec;
	v[n].name = "deadline"; v[n++].value = *r->outcome ? "" : due;
	v[n].name = "decided"; v[n++].value = dec;
	v[n].name = "outcome"; v[n++].value = *o ? *o : "";
	v[n].name = "measures"; v[n++].value = m->s;
	v[n].name = "explanation"; v[n++].value = r->explanation ?
	    r->explanation : "";
	v[n].name = "missing"; v[n++].value = r->missing ? "yes" : "";
	v[n].name = "rated"; v[n++].value = r->satisfaction ? "yes" : "";
	v[n].name = "retry"; v[n++].value = retry;
	v[n].name = "web"; v[n++].value = x->cfg->web_public_url;
	v[n].name = "mailbox"; v[n++].value = x->cfg->report_mailboxes.n ?
	    x->cfg->report_mailboxes.v[0] : "";
	v[n].name = "key"; v[n++].value = x->cfg->sip_query_key;
	return (n);
}

/*
 * render - one answer: its template for the verdict and language, the
 * subject and body apart; 0, or -1 with the reason in err
 */
static int
render(const struct lookup_ctx *x, const struct lookup_result *r, int l,
    char **subject, char **body, buf *err)
{
	struct tmpl_var	 v[20];
	char		 rec[32], due[32], dec[32], retry[32], *o, *text;
	buf		 m = { 0 };
	size_t		 n;
	int		 rc = 0;

	*subject = *body = NULL;
	n = vars(x, r, l, v, rec, due, dec, retry, &o, &m);
	text = tmpl_render(x->tmpl[l][r->verdict], v, n, err);
	if (text == NULL || tmpl_split(text, subject, body) < 0) {
		if (text != NULL)
			buf_printf(err, "no Subject line");
		rc = -1;
	}
	free(text);
	free(o);
	buf_free(&m);
	return (rc);
}

/*
 * lookup_init - load the answer's templates (template_dir/LANG/
 * status.txt, status-denied.txt, status-limited.txt) and render each
 * once; 0, or -1 with the reason in err
 */
int
lookup_init(struct lookup_ctx *x, const struct cfg *cfg,
    const struct categories *cats, buf *err)
{
	struct lookup_result	 r;
	char			*s, *b;
	int			 l, k;

	memset(x, 0, sizeof(*x));
	x->cfg = cfg;
	x->cats = cats;
	for (l = 0; l < 2; l++)
		for (k = 0; k < 3; k++)
			if ((x->tmpl[l][k] = tmpl_load(cfg->template_dir,
			    langs[l], names[k], err)) == NULL)
				goto fail;
	memset(&r, 0, sizeof(r));
	snprintf(r.case_no, sizeof(r.case_no), "261201000025");
	snprintf(r.status, sizeof(r.status), "feedback_sent");
	snprintf(r.category, sizeof(r.category), "other");
	snprintf(r.outcome, sizeof(r.outcome), "disposed");
	for (l = 0; l < 2; l++)
		for (k = 0; k < 3; k++) {
			r.verdict = (enum lookup_verdict)k;
			if (render(x, &r, l, &s, &b, err) < 0) {
				buf_printf(err, " (%s/%s)", langs[l], names[k]);
				goto fail;
			}
			free(s);
			free(b);
		}
	return (0);
fail:
	lookup_free(x);
	return (-1);
}

/* lookup_free - release the templates */
void
lookup_free(struct lookup_ctx *x)
{
	int	 l, k;

	for (l = 0; l < 2; l++)
		for (k = 0; k < 3; k++)
			free(x->tmpl[l][k]);
	memset(x, 0, sizeof(*x));
}

/*
 * lookup_render - the answer to a lookup in lang ("en", else zh-CN): the
 * same words on every channel that shows text.  0 with the subject and
 * body (caller frees), or -1 (logged).
 */
int
lookup_render(const struct lookup_ctx *x, const struct lookup_result *r,
    const char *lang, char **subject, char **body)
{
	buf	 err = { 0 };
	int	 rc;

	buf_adds(&err, "");
	if ((rc = render(x, r, lang != NULL && strcmp(lang, "en") == 0, subject,
	    body, &err)) < 0)
		log_error("status answer: %s", err.s);
	buf_free(&err);
	return (rc);
}
