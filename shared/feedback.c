/*
 * NAME
 *	feedback - outcome feedback: templates, channels, VERP, ratings
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sodium.h>

#include "ack.h"
#include "caseno.h"
#include "crypt.h"
#include "feedback.h"
#include "log.h"
#include "tmpl.h"

static const char *const outcomes[FB_NOUTCOME] = {
	"disposed", "not_accepted", "refused_malicious", "transferred"
};
static const char *const langs[2] = { "zh-CN", "en" };

static const struct {
	const char	*measure, *zh, *en;
} measure_name[] = {
	{ "delete", "删除", "delete" },
	{ "block", "屏蔽", "block" },
	{ "unlink", "断开链接", "unlink" },
	{ "warn", "警示教育", "warning" },
	{ "suspend", "暂停更新", "suspend updates" },
	{ "restrict", "限制发布", "restrict posting" },
	{ "close", "关闭账号", "close account" },
	{ "private", "限时加私", "private for a limited time" },
	{ "dispute-label", "争议标签", "dispute label" },
}, measure_text[] = {
	{ "delete", "删除了相关内容", "deleted the content" },
	{ "block", "屏蔽了相关内容", "blocked the content" },
	{ "unlink", "断开了相关链接", "removed the links to it" },
	{ "warn", "对相关账号进行了警示教育", "warned the account" },
	{ "suspend", "暂停了相关账号的更新", "suspended the account's updates" },
	{ "restrict", "限制了相关账号发布信息", "restricted the account's posting" },
	{ "close", "关闭了相关账号", "closed the account" },
	{ "private", "对相关内容限时加私", "made the content private for a limited time" },
	{ "dispute-label", "为相关内容标注了争议标签",
	  "labelled the content as disputed" },
};

/* feedback_measure_name - a measure's short name, for tables and charts */
const char *
feedback_measure_name(const char *m, const char *lang)
{
	size_t	 i;

	for (i = 0; i < sizeof(measure_name) / sizeof(measure_name[0]); i++)
		if (strcmp(measure_name[i].measure, m) == 0)
			return (strcmp(lang, "en") == 0 ? measure_name[i].en :
			    measure_name[i].zh);
	return (m);
}

/* feedback_measure_text - what a measure means to a reporter */
const char *
feedback_measure_text(const char *m, const char *lang)
{
	size_t	 i;

	for (i = 0; i < sizeof(measure_text) / sizeof(measure_text[0]); i++)
		if (strcmp(measure_text[i].measure, m) == 0)
			return (strcmp(lang, "en") == 0 ? measure_text[i].en :
			    measure_text[i].zh);
	return (m);
}

/* vars - the template variables of one feedback */
static size_t
vars(struct tmpl_var *v, const char *case_no, const char *category,
    const char *measures, const char *explanation, const char *reason,
    const char *to, const char *site)
{
	size_t	 n = 0;

	v[n].name = "case"; v[n++].value = case_no;
	v[n].name = "category"; v[n++].value = category;
	v[n].name = "measures"; v[n++].value = measures;
	v[n].name = "explanation"; v[n++].value = explanation;
	v[n].name = "reason"; v[n++].value = reason;
	v[n].name = "to"; v[n++].value = to;
	v[n].name = "site"; v[n++].value = site;
	return (n);
}

/* feedback_init - load every feedback template and render it once */
int
feedback_init(struct feedback_ctx *f, const struct cfg *cfg,
    const struct categories *cats, buf *err)
{
	struct tmpl_var	 v[8];
	size_t		 n, before = err->len;
	int		 l, k;
	char		*out, *subj, *body, name[64];

	memset(f, 0, sizeof(*f));
	f->cfg = cfg;
	f->cats = cats;
	n = vars(v, "261123000017", "其他", "  1. x\n", "x", "x", "x", "x");
	for (l = 0; l < 2; l++) {
		struct tmpl_var	 sv[3] = { { "site", "x" }, { "case", "1" },
				    { "outcome", "x" } };

		if ((f->sms[l] = tmpl_load(cfg->template_dir, langs[l],
		    "feedback-sms", err)) != NULL &&
		    (out = tmpl_render(f->sms[l], sv, 3, err)) != NULL)
			free(out);
		if ((f->web[l] = tmpl_load(cfg->template_dir, langs[l],
		    "feedback-web", err)) == NULL ||
		    (out = tmpl_render(f->web[l], sv, 2, err)) == NULL)
			continue;
		if (tmpl_split(out, &subj, &body) < 0)
			buf_printf(err, "%s/%s/feedback-web.txt: the first line "
			    "must be 'Subject: ...'\n", cfg->template_dir,
			    langs[l]);
		else {
			free(subj);
			free(body);
		}
		free(out);
	}
	for (l = 0; l < 2; l++)
		for (k = 0; k < FB_NOUTCOME; k++) {
			snprintf(name, sizeof(name), "feedback-%s", outcomes[k]);
			if ((f->tmpl[l][k] = tmpl_load(cfg->template_dir,
			    langs[l], name, err)) == NULL)
				continue;
			if ((out = tmpl_render(f->tmpl[l][k], v, n, err)) == NULL) {
				buf_printf(err, "(in template %s/%s/%s.txt)\n",
				    cfg->template_dir, langs[l], name);
				continue;
			}
			if (tmpl_split(out, &subj, &body) < 0)
				buf_printf(err, "%s/%s/%s.txt: the first line must "
				    "be 'Subject: ...'\n", cfg->template_dir,
				    langs[l], name);
			else {
				free(subj);
				free(body);
			}
			free(out);
		}
	if (err->len > before) {
		feedback_free(f);
		return (-1);
	}
	return (0);
}

/* feedback_free - release the templates */
void
feedback_free(struct feedback_ctx *f)
{
	int	 l, k;

	for (l = 0; l < 2; l++) {
		for (k = 0; k < FB_NOUTCOME; k++) {
			free(f->tmpl[l][k]);
			f->tmpl[l][k] = NULL;
		}
		free(f->sms[l]);
		f->sms[l] = NULL;
		free(f->web[l]);
		f->web[l] = NULL;
	}
}

/* bounce_base - bounce_address, or ack_from's local part + "-bounces" */
static char *
bounce_base(const struct cfg *cfg)
{
	const char	*at;

	if (*cfg->bounce_address)
		return (xstrdup(cfg->bounce_address));
	if ((at = strrchr(cfg->ack_from, '@')) == NULL)
		return (xasprintf("%s-bounces", cfg->ack_from));
	return (xasprintf("%.*s-bounces%s", (int)(at - cfg->ack_from),
	    cfg->ack_from, at));
}

#define VERP_MAC	8	/* bytes of MAC in a VERP tag: 64 bits */

/* verp_mac - the MAC of a VERP tag "CASE.NONCE", as hex */
static void
verp_mac(const char *case_no, const char *nonce, char *hex)
{
	char	*m = xasprintf("verp:%s.%s", case_no, nonce);

	crypt_mac(crypt_get()->mac, m, VERP_MAC, hex);
	free(m);
}

/*
 * feedback_verp - the envelope sender of a case's feedback, naming the
 * message it was (its Message-ID's nonce) and signed:
 * local+CASE.NONCE.MAC@domain (issue "Hostile senders", finding 6)
 */
char *
feedback_verp(const struct cfg *cfg, const char *case_no, const char *nonce)
{
	char		*base = bounce_base(cfg), *res, mac[2 * VERP_MAC + 1];
	const char	*at = strrchr(base, '@');

	verp_mac(case_no, nonce, mac);
	res = at ? xasprintf("%.*s+%s.%s.%s%s", (int)(at - base), base, case_no,
	    nonce, mac, at) : xasprintf("%s+%s.%s.%s", base, case_no, nonce, mac);
	free(base);
	return (res);
}

/*
 * feedback_bounce_case - is rcpt our VERP bounce address with a good MAC;
 * the case and the nonce of the message it names.  0 yes, -1 no (not
 * ours, unsigned, forged).
 */
int
feedback_bounce_case(const struct cfg *cfg, const char *rcpt, char *case_no,
    size_t len, char *nonce, size_t nlen)
{
	char		*base = bounce_base(cfg), *a, *tag, *dot1, *dot2;
	char		 mac[2 * VERP_MAC + 1];
	const char	*at_b, *at_r, *plus;
	size_t		 l, rl = strlen(rcpt);
	int		 rc = -1;

	if (rl > 1 && rcpt[0] == '<' && rcpt[rl - 1] == '>')
		a = xstrndup(rcpt + 1, rl - 2);
	else
		a = xstrdup(rcpt);
	at_b = strrchr(base, '@');
	at_r = strrchr(a, '@');
	if (at_b == NULL || at_r == NULL || crypt_get() == NULL ||
	    strcasecmp(at_b, at_r) != 0 ||
	    (plus = memchr(a, '+', (size_t)(at_r - a))) == NULL)
		goto out;
	l = (size_t)(at_b - base);
	if ((size_t)(plus - a) != l || strncasecmp(a, base, l) != 0)
		goto out;
	tag = xstrndup(plus + 1, (size_t)(at_r - plus - 1));
	if ((dot1 = strchr(tag, '.')) != NULL &&
	    (dot2 = strchr(dot1 + 1, '.')) != NULL && strchr(dot2 + 1, '.') ==
	    NULL) {
		*dot1++ = '\0';
		*dot2++ = '\0';
		if (caseno_valid(tag) && strlen(tag) < len && strlen(dot1) < nlen &&
		    strlen(dot2) == 2 * VERP_MAC) {
			verp_mac(tag, dot1, mac);
			/* a case-folding MTA may have lowered our hex: it is */
			str_lower_ascii(dot2);
			if (sodium_memcmp(mac, dot2, 2 * VERP_MAC) == 0) {
				snprintf(case_no, len, "%s", tag);
				snprintf(nonce, nlen, "%s", dot1);
				rc = 0;
			}
		}
	}
	free(tag);
out:
	free(base);
	free(a);
	return (rc);
}

/*
 * feedback_rating - a satisfaction rating (1-5) in a reply, or -1.  Read
 * from the reporter's own lines, before the quoted message: a line that
 * is one digit (perhaps "5分", "4星", "5/5"), or one after 满意度, 评分,
 * 评价 or "rating".
 */
int
feedback_rating(const char *text)
{
	static const char *const labels[] = { "满意度", "评分", "评价", "rating",
	    "Rating", NULL };
	const char	*p = text, *e, *q;
	char		 line[256];
	size_t		 len, i;

	while (p && *p) {
		e = strchr(p, '\n');
		len = e ? (size_t)(e - p) : strlen(p);
		if (len >= sizeof(line))
			len = sizeof(line) - 1;
		memcpy(line, p, len);
		line[len] = '\0';
		p = e ? e + 1 : NULL;
		q = str_trim(line);
		/* the quoted message starts: stop */
		if (*q == '>' || strncmp(q, "-----", 5) == 0 ||
		    strstr(q, "写道") || strstr(q, " wrote:"))
			break;
		if (*q >= '1' && *q <= '5' && (q[1] == '\0' ||
		    strcmp(q + 1, "分") == 0 || strcmp(q + 1, "星") == 0 ||
		    strcmp(q + 1, "/5") == 0 || strcmp(q + 1, ".") == 0))
			return (*q - '0');
		for (i = 0; labels[i]; i++)
			if ((q = strstr(line, labels[i])) != NULL) {
				q += strlen(labels[i]);
				while (*q && !isdigit((unsigned char)*q) &&
				    (unsigned char)*q != 0xe3 && q - line < 200 &&
				    (*q == ' ' || *q == ':' || (unsigned char)*q >= 0x80))
					q++;
				if (*q >= '1' && *q <= '5' && !isdigit((unsigned char)q[1]))
					return (*q - '0');
			}
	}
	return (-1);
}

/* fmt_day - local "YYYY-MM-DD" */
static void
fmt_day(time_t t, char *out, size_t len)
{
	struct tm	 tm;

	localtime_r(&t, &tm);
	strftime(out, len, "%Y-%m-%d", &tm);
}

/*
 * feedback_outcome_words - an outcome in a reporter's words (the SMS, a
 * status lookup): "已依法处置", "has been transferred to X"; caller frees
 */
char *
feedback_outcome_words(const char *outcome, const char *detail,
    const char *lang)
{
	static const char *const zh[FB_NOUTCOME] = { "已依法处置",
	    "经核查不予受理", "被认定为恶意举报，不予处理", "已转交" };
	static const char *const en[FB_NOUTCOME] = { "has been handled",
	    "was not accepted after verification",
	    "was found malicious and will not be handled",
	    "has been transferred to " };
	int	 l = strcmp(lang, "en") == 0, k;

	for (k = 0; k < FB_NOUTCOME; k++)
		if (strcmp(outcomes[k], outcome) == 0)
			break;
	if (k == FB_NOUTCOME)
		return (xstrdup(outcome));
	if (k == 3)
		return (xasprintf("%s%s%s", l ? en[k] : zh[k], detail ? detail :
		    (l ? "the competent authority" : "有关主管部门"),
		    l ? "" : "处理"));
	if (k == 1 && detail)
		return (xasprintf("%s%s%s%s", l ? en[k] : zh[k], l ? ": " : "（",
		    detail, l ? "" : "）"));
	return (xstrdup(l ? en[k] : zh[k]));
}

/*
 * feedback_measures_list - a case's measures as the lines of a numbered
 * list, in a reporter's words ("  1. 删除了相关内容"), onto b
 */
void
feedback_measures_list(const strlist *measures, const char *lang, buf *b)
{
	size_t	 i;
	char	 day[16];
	int	 l = strcmp(lang, "en") == 0;

	buf_adds(b, "");
	for (i = 0; i < measures->n; i++) {
		char		*m = xstrdup(measures->v[i]), *colon;
		const char	*txt;

		if ((colon = strchr(m, ':')) != NULL)
			*colon++ = '\0';
		txt = feedback_measure_text(m, l ? "en" : "zh-CN");
		if (colon != NULL) {
			fmt_day((time_t)strtoll(colon, NULL, 10), day, sizeof(day));
			buf_printf(b, "  %zu. %s%s%s%s\n", i + 1, txt,
			    l ? " (until " : "（至 ", day, l ? ")" : "）");
		} else
			buf_printf(b, "  %zu. %s\n", i + 1, txt);
		free(m);
	}
}

/* sms_text - the short outcome text a caller gets by SMS; caller frees */
static char *
sms_text(const struct feedback_ctx *f, const struct feedback_info *fi, int l, int k)
{
	struct tmpl_var	 v[3];
	char		*outcome, *text, *subj = NULL, *body = NULL;
	buf		 err = { 0 };

	outcome = feedback_outcome_words(outcomes[k], fi->outcome_detail,
	    langs[l]);
	v[0].name = "site"; v[0].value = f->cfg->site_name;
	v[1].name = "case"; v[1].value = fi->case_no;
	v[2].name = "outcome"; v[2].value = outcome;
	text = tmpl_render(f->sms[l], v, 3, &err);
	free(outcome);
	buf_free(&err);
	if (text == NULL || tmpl_split(text, &subj, &body) < 0) {
		free(text);
		return (NULL);
	}
	free(text);
	free(subj);
	str_trim(body);
	return (body);
}

/*
 * web_text - a web report's feedback by mail (feedback-web.txt), in place
 * of the outcome's own text: the address was typed in a form and nobody
 * confirmed it, so it is told that the case has an outcome, to be read on
 * the status page with the PIN, and nothing of the case.  0 or -1.
 */
static int
web_text(const struct feedback_ctx *f, const struct feedback_info *fi, int l,
    char **subj, char **body)
{
	struct tmpl_var	 v[2] = { { "site", f->cfg->site_name },
			    { "case", fi->case_no } };
	char		*text;
	buf		 err = { 0 };
	int		 rc = -1;

	free(*subj);
	free(*body);
	*subj = *body = NULL;
	if ((text = tmpl_render(f->web[l], v, 2, &err)) != NULL &&
	    tmpl_split(text, subj, body) == 0)
		rc = 0;
	else
		log_error("case %s: feedback-web template: %s", fi->case_no,
		    err.s ? err.s : "no Subject line");
	free(text);
	buf_free(&err);
	return (rc);
}

/*
 * feedback_render - the feedback of a case's outcome into out (channel,
 * recipient, message, or why it is not sent); 0, or -1 when there is no
 * template for the outcome (logged)
 */
int
feedback_render(const struct feedback_ctx *f, const struct feedback_info *fi,
    struct owed *out)
{
	const struct cfg	*cfg = f->cfg;
	const struct category	*cat = cat_find(f->cats, fi->category);
	struct tmpl_var		 v[8];
	int			 l = strcmp(fi->lang, "en") == 0, k;
	size_t			 n;
	char			*text, *subj = NULL, *body = NULL;
	buf			 ms = { 0 }, err = { 0 };

	for (k = 0; k < FB_NOUTCOME; k++)
		if (strcmp(outcomes[k], fi->outcome) == 0)
			break;
	if (k == FB_NOUTCOME) {
		log_error("case %s: no feedback template for outcome '%s'",
		    fi->case_no, fi->outcome);
		return (-1);
	}
	feedback_measures_list(&fi->measures, langs[l], &ms);
	n = vars(v, fi->case_no, cat ? cat_name(cat, langs[l]) : fi->category,
	    ms.s, fi->explanation ? fi->explanation : "",
	    fi->outcome_detail ? fi->outcome_detail : "",
	    fi->outcome_detail ? fi->outcome_detail : (l ? "the competent authority" :
	    "有关主管部门"), cfg->site_name);
	text = tmpl_render(f->tmpl[l][k], v, n, &err);
	buf_free(&ms);
	if (text == NULL || tmpl_split(text, &subj, &body) < 0) {
		log_error("case %s: feedback template: %s", fi->case_no,
		    err.s ? err.s : "no Subject line");
		free(text);
		buf_free(&err);
		return (-1);
	}
	free(text);
	buf_free(&err);

	if (strcmp(fi->channel, "hotline") == 0) {
		/* a caller: an SMS through the SIP MESSAGE gateway, as the
		 * acknowledgement went; without a gateway, staff call back and
		 * read the full text */
		char	*num = fi->phone ? xstrdup(fi->phone) : NULL;

		if (num != NULL)
			num[strcspn(num, ", ")] = '\0';
		if (num != NULL && (*num == '\0' ||
		    strspn(num, "+0123456789") != strlen(num))) {
			free(num);
			num = NULL;
		}
		if (*cfg->sip_sms_gateway) {
			out->channel = "sip";
			out->recipient = num ? xasprintf("sip:%s@%s", num,
			    cfg->sip_sms_gateway) : NULL;
			out->message = sms_text(f, fi, l, k);
		} else {
			out->channel = "callback";
			out->recipient = num ? xstrdup(num) : NULL;
			out->message = xasprintf("%s\n\n%s", subj, body);
		}
		if (num == NULL)
			out->suppress = xstrdup("the caller left no number");
		free(num);
		free(subj);
		free(body);
		return (out->message ? 0 : -1);
	}
	if (strcmp(fi->channel, "web") == 0 && web_text(f, fi, l, &subj,
	    &body) < 0) {
		free(subj);
		free(body);
		return (-1);
	}
	out->channel = "email";
	out->recipient = fi->recipient ? xstrdup(fi->recipient) : NULL;
	/* whatever kept the acknowledgement from going keeps this too, except
	 * the daily limit: every reporter is told the outcome */
	if (fi->ack_reason != NULL && strncmp(fi->ack_reason, "rate limit", 10) != 0)
		out->suppress = xasprintf("as the acknowledgement: %s",
		    fi->ack_reason);
	else if (out->recipient == NULL)
		out->suppress = xstrdup("no address to reply to");
	else if (!addr_plain(out->recipient))
		out->suppress = xstrdup("the reporter's address is not a plain "
		    "address");
	out->message_id = ack_message_id(cfg, fi->case_no, "feedback", NULL);
	{
		char	 c[CASENO_MAX], k[16], nonce[17];

		if (ack_id_case(out->message_id, c, sizeof(c), k, sizeof(k),
		    nonce, sizeof(nonce)) < 0)
			log_panic("feedback: our own Message-ID does not verify");
		out->env_from = feedback_verp(cfg, fi->case_no, nonce);
	}
	out->message = mail_build(cfg->ack_from_name, cfg->ack_from,
	    out->recipient, subj, body, out->message_id, fi->message_id,
	    "auto-generated");
	free(subj);
	free(body);
	return (0);
}
