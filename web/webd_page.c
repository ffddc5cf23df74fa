/*
 * NAME
 *	webd_page - jubao-webd's pages: the form, a lookup, a rating, a
 *	complaint, and the errors
 * DESCRIPTION
 *	A page is two templates of the visitor's language: its own
 *	(web-form, web-status, web-done, web-error) rendered into the
 *	layout (web-page).  Every template is given the same variables
 *	(vars[]), so that "-n" renders each with all of them set and with
 *	none, and a typo in a template a site edited is caught there.  A
 *	value from outside, or from the store, is HTML-escaped before it
 *	goes in; only flags, digits and our own rendered HTML go in as they
 *	are.
 *
 *	A lookup, a rating and a complaint each run lookup_run first (so the
 *	limits count every one of them), and a rating or a complaint is
 *	recorded only when it answers LOOKUP_OK; any other verdict shows the
 *	lookup's own answer, the same page /status shows.  Nothing a
 *	visitor typed is echoed on a denied or limited page: it is the same
 *	bytes for an unknown case number, a malformed one and a wrong PIN.
 *
 *	Logs: a rating and a complaint with the case number (they
 *	succeeded), a lookup that found its case with -v only; a failed one
 *	never (the log would be an oracle).  Never a PIN, a complaint's text
 *	or a client address.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "tmpl.h"
#include "webd.h"
#include "workflow.h"

/* every variable every template may use */
static const char *const vars[] = {
	"lang", "other", "site", "content", "switch_post",
	"page_form", "page_status", "page_done", "page_error", "page_public",
	"page_laws", "switch_href", "upload_max", "uploads_max",
	"case", "pin", "heading", "text", "ok", "limited", "missing",
	"rating", "rated", "complained", "refused",
	"rating_bad", "text_empty", "text_long", "text_bad", "max_chars",
	WE_400, WE_404, WE_405, WE_413, WE_414, WE_415, WE_503,
};
#define NVARS	(sizeof(vars) / sizeof(vars[0]))

/* a page's values: each name of vars[] once, in that order */
struct pv {
	struct tmpl_var	 v[NVARS];
	char		*own[NVARS];
};

static const char *const lang_code[WL_N] = { "zh-CN", "en" };

/* webd_lang - the language a visitor asked for: "en", else zh-CN */
enum webd_lang
webd_lang(const char *s)
{
	return (s != NULL && strcmp(s, "en") == 0 ? WL_EN : WL_ZH);
}

/* html_escape - s with & < > " ' as entities (caller frees) */
static char *
html_escape(const char *s)
{
	buf	 b = { 0 };
	size_t	 n;

	buf_adds(&b, "");
	while (*s) {
		n = strcspn(s, "&<>\"'");
		buf_add(&b, s, n);
		s += n;
		switch (*s) {
		case '&': buf_adds(&b, "&amp;"); break;
		case '<': buf_adds(&b, "&lt;"); break;
		case '>': buf_adds(&b, "&gt;"); break;
		case '"': buf_adds(&b, "&quot;"); break;
		case '\'': buf_adds(&b, "&#39;"); break;
		default: continue;
		}
		s++;
	}
	return (b.s);
}

/* pv_slot - the index of name in vars[]; a bug when it is not there */
static size_t
pv_slot(const char *name)
{
	size_t	 i;

	for (i = 0; i < NVARS; i++)
		if (strcmp(vars[i], name) == 0)
			return (i);
	log_panic("webd_page: no template variable '%s'", name);
}

/* pv_set - a trusted value (a flag, digits, our own HTML), not copied */
static void
pv_set(struct pv *p, const char *name, const char *value)
{
	size_t	 i = pv_slot(name);

	free(p->own[i]);
	p->own[i] = NULL;
	p->v[i].value = value;
}

/* pv_esc - a value from outside or from the store, HTML-escaped */
static void
pv_esc(struct pv *p, const char *name, const char *value)
{
	size_t	 i = pv_slot(name);

	free(p->own[i]);
	p->own[i] = html_escape(value != NULL ? value : "");
	p->v[i].value = p->own[i];
}

/* webd_size_text - a size for people: "10 MB", "256 KB", "100 bytes" */
void
webd_size_text(long n, char *out, size_t len)
{
	if (n >= 1024 * 1024 && n % (1024 * 1024) == 0)
		snprintf(out, len, "%ld MB", n / (1024 * 1024));
	else if (n >= 1024)
		snprintf(out, len, "%ld KB", n / 1024);
	else
		snprintf(out, len, "%ld bytes", n);
}

/* pv_init - every variable empty, then what every page has */
static void
pv_init(struct pv *p, const struct runtime *rt, enum webd_lang l)
{
	char	 n[32];
	size_t	 i;

	for (i = 0; i < NVARS; i++) {
		p->v[i].name = vars[i];
		p->v[i].value = "";
		p->own[i] = NULL;
	}
	pv_set(p, "lang", lang_code[l]);
	pv_set(p, "other", lang_code[l == WL_EN ? WL_ZH : WL_EN]);
	pv_esc(p, "site", rt->cfg->site_name);
	pv_set(p, "max_chars", "2000");
	webd_size_text(rt->cfg->web_upload_max, n, sizeof(n));
	pv_esc(p, "upload_max", n);
	snprintf(n, sizeof(n), "%ld", rt->cfg->web_uploads_max);
	pv_esc(p, "uploads_max", n);
}

/* pv_free - release what pv_esc made */
static void
pv_free(struct pv *p)
{
	size_t	 i;

	for (i = 0; i < NVARS; i++)
		free(p->own[i]);
}

/*
 * layout - the layout of language l with p's values (the content among
 * them); err, when it holds a reason already, makes it a bare page.  The
 * HTML (caller frees); err freed.
 */
static char *
layout(const struct runtime *rt, enum webd_lang l, struct pv *p, buf *err)
{
	const struct webd_site	*s = rt->own;
	char			*html = NULL;

	if (err->len == 0)
		html = tmpl_render(s->tmpl[l][WT_PAGE], p->v, NVARS, err);
	if (html == NULL) {
		log_error("web page template: %s", err->s);
		html = xstrdup("<!DOCTYPE html><title>jubao</title><p>500</p>\n");
	}
	buf_free(err);
	return (html);
}

/*
 * page - template t of language l in the layout, with p's values; the
 * HTML (caller frees).  The templates were rendered at load with every
 * variable: a failure here is a bug, answered with a bare page.
 */
static char *
page(const struct runtime *rt, enum webd_lang l, enum webd_tmpl t,
    struct pv *p)
{
	static const char *const flag[WT_N] = { NULL, "page_form",
		"page_status", "page_done", "page_error", "page_laws" };
	const struct webd_site	*s = rt->own;
	buf			 err = { 0 };
	char			*content, *html;

	buf_adds(&err, "");
	pv_set(p, flag[t], "1");
	if ((content = tmpl_render(s->tmpl[l][t], p->v, NVARS, &err)) == NULL)
		return (layout(rt, l, p, &err));
	pv_set(p, "content", content);
	html = layout(rt, l, p, &err);
	pv_set(p, "content", "");
	free(content);
	return (html);
}

/*
 * webd_site_check - (load) render every template of the site with every
 * variable set and with none; 0, or -1 with what is wrong in err
 */
int
webd_site_check(struct webd_site *s, buf *err)
{
	static const char *const name[WT_N] = { "page", "form", "status",
		"done", "error", "laws" };
	struct tmpl_var	 v[NVARS];
	char		*out;
	size_t		 i;
	int		 l, t, set, rc = 0;

	for (set = 0; set < 2; set++) {
		for (i = 0; i < NVARS; i++) {
			v[i].name = vars[i];
			v[i].value = set ? "x" : "";
		}
		for (l = 0; l < WL_N; l++)
			for (t = 0; t < WT_N; t++) {
				if ((out = tmpl_render(s->tmpl[l][t], v, NVARS,
				    err)) == NULL) {
					buf_printf(err, " (template web-%s.html "
					    "of %s)\n", name[t], lang_code[l]);
					rc = -1;
				}
				free(out);
			}
		if (rc < 0)
			break;
	}
	return (rc);
}

/* webd_page_form - the lookup form; missing: say both fields are needed */
void
webd_page_form(const struct runtime *rt, enum webd_lang l, int missing,
    struct webd_answer *a)
{
	struct pv	 p;

	pv_init(&p, rt, l);
	pv_set(&p, "missing", missing ? "1" : "");
	a->status = missing ? 400 : 200;
	a->html = page(rt, l, WT_FORM, &p);
	pv_free(&p);
}

/*
 * webd_page_error - an error page: status, and which of the error
 * template's sections says why (WE_400 ...); *a filled
 */
void
webd_page_error(const struct runtime *rt, enum webd_lang l,
    unsigned int status, const char *which, struct webd_answer *a)
{
	struct pv	 p;

	pv_init(&p, rt, l);
	pv_set(&p, which, "1");
	a->status = status;
	a->html = page(rt, l, WT_ERROR, &p);
	pv_free(&p);
}

/* bad_input - a 400 page whose section flag says what was wrong */
static void
bad_input(const struct runtime *rt, enum webd_lang l, const char *flag,
    struct webd_answer *a)
{
	struct pv	 p;

	pv_init(&p, rt, l);
	pv_set(&p, WE_400, "1");
	pv_set(&p, flag, "1");
	a->status = 400;
	a->html = page(rt, l, WT_ERROR, &p);
	pv_free(&p);
}

/*
 * lookup - lookup_run for the form's case number and PIN, from client,
 * on this thread's store handle.  0 with the verdict in res (clear it)
 * and the handle in *stp; -1 with a 503 page in *a (the store failed).
 */
static int
lookup(const struct runtime *rt, struct webd_form *f, const char *client,
    time_t now, struct lookup_result *res, struct store **stp,
    struct webd_answer *a)
{
	struct lookup_query	 q;
	struct store		*st;
	buf			 err = { 0 };
	int			 rc = 0;

	memset(&q, 0, sizeof(q));
	q.channel = "web";
	q.source = client;
	q.now = now;
	/* a malformed number or PIN is looked up as "": the same work and
	 * the same answer as a wrong one (lookup.h: no oracle) */
	(void)lookup_normalise(f->case_no, q.case_no, sizeof(q.case_no));
	(void)lookup_normalise(f->pin, q.pin, sizeof(q.pin));
	buf_adds(&err, "");
	if ((st = daemon_store(rt->cfg, &err)) == NULL) {
		log_error("status lookup: %s", err.s);
		rc = -1;
	} else if (lookup_run(rt->cfg, st, &q, res) < 0) {
		log_error("status lookup: %s", store_error(st));
		daemon_store_failed(st);
		rc = -1;
	}
	if (rc < 0)
		webd_page_error(rt, webd_lang(f->lang), 503, WE_503, a);
	explicit_bzero(q.pin, sizeof(q.pin));
	*stp = st;
	buf_free(&err);
	return (rc);
}

/*
 * answer_page - the lookup's answer as a page: the same subject and text
 * as the mail answer (lookup_render); when found, the forms to rate and
 * to complain, which carry the case number and PIN again
 */
static void
answer_page(const struct runtime *rt, enum webd_lang l,
    const struct lookup_result *res, const char *pin, time_t now,
    struct webd_answer *a)
{
	struct pv		 p;
	char			*subject, *body;

	if (lookup_render(&rt->look, res, lang_code[l], &subject, &body) < 0) {
		webd_page_error(rt, l, 503, WE_503, a);
		return;
	}
	pv_init(&p, rt, l);
	pv_esc(&p, "heading", subject);
	pv_esc(&p, "text", body);
	if (res->verdict == LOOKUP_OK) {
		pv_set(&p, "ok", "1");
		pv_set(&p, "switch_post", "1");
		pv_esc(&p, "case", res->case_no);
		pv_esc(&p, "pin", pin);
	}
	a->status = 200;
	if (res->verdict == LOOKUP_LIMITED) {
		pv_set(&p, "limited", "1");
		a->status = 429;
		a->retry_after = res->retry_at > now ? res->retry_at - now : 1;
	}
	a->html = page(rt, l, WT_STATUS, &p);
	pv_free(&p);
	free(subject);
	free(body);
}

/* pin_of - the form's PIN as digits (for the forms of a found case) */
static void
pin_of(const struct webd_form *f, char *pin, size_t len)
{
	(void)lookup_normalise(f->pin, pin, len);
}

/* webd_page_status - POST /status: a lookup and its answer */
void
webd_page_status(const struct runtime *rt, struct webd_form *f,
    const char *client, struct webd_answer *a)
{
	struct lookup_result	 res;
	struct store		*st;
	enum webd_lang		 l = webd_lang(f->lang);
	time_t			 now = time(NULL);
	char			 pin[LOOKUP_PIN_MAX];

	if (*f->case_no == '\0' || *f->pin == '\0') {
		webd_page_form(rt, l, 1, a);
		return;
	}
	if (lookup(rt, f, client, now, &res, &st, a) < 0)
		return;
	if (res.verdict == LOOKUP_OK)
		log_debug("%s: status looked up on the web page", res.case_no);
	pin_of(f, pin, sizeof(pin));
	answer_page(rt, l, &res, pin, now, a);
	explicit_bzero(pin, sizeof(pin));
	lookup_result_clear(&res);
}

/*
 * webd_page_found - (a rating, a complaint, a supplement) the lookup
 * that must find the case first: 1 with the case in res (clear it) and
 * the store handle in *stp; 0 when *a already holds the page (the form
 * again, the lookup's own answer, a 503)
 */
int
webd_page_found(const struct runtime *rt, struct webd_form *f,
    const char *client, time_t now, struct lookup_result *res, struct store **stp,
    struct webd_answer *a)
{
	enum webd_lang	 l = webd_lang(f->lang);

	if (*f->case_no == '\0' || *f->pin == '\0') {
		webd_page_form(rt, l, 1, a);
		return (0);
	}
	if (lookup(rt, f, client, now, res, stp, a) < 0)
		return (0);
	if (res->verdict != LOOKUP_OK) {
		answer_page(rt, l, res, "", now, a);
		lookup_result_clear(res);
		return (0);
	}
	return (1);
}

/* webd_page_rate - POST /rate: a rating of 1 to 5, once the lookup finds the case */
void
webd_page_rate(const struct runtime *rt, struct webd_form *f,
    const char *client, struct webd_answer *a)
{
	struct lookup_result	 res;
	struct store		*st;
	struct pv		 p;
	enum webd_lang		 l = webd_lang(f->lang);
	time_t			 now = time(NULL);
	int			 rating;

	if (strlen(f->rating) != 1 || *f->rating < '1' || *f->rating > '5') {
		bad_input(rt, l, "rating_bad", a);
		return;
	}
	rating = *f->rating - '0';
	if (!webd_page_found(rt, f, client, now, &res, &st, a))
		return;
	if (workflow_rate(st, res.case_no, rating, "reporter", now) < 0) {
		log_error("%s: rating on the web page: %s", res.case_no,
		    store_error(st));
		daemon_store_failed(st);
		webd_page_error(rt, l, 503, WE_503, a);
		lookup_result_clear(&res);
		return;
	}
	log_info("%s: rated %d of 5 by the reporter on the web page",
	    res.case_no, rating);
	pv_init(&p, rt, l);
	pv_set(&p, "rated", "1");
	pv_set(&p, "rating", f->rating);
	pv_esc(&p, "case", res.case_no);
	a->status = 200;
	a->html = page(rt, l, WT_DONE, &p);
	pv_free(&p);
	lookup_result_clear(&res);
}

/*
 * webd_utf8_chars - the code points in s, or -1 when it is not UTF-8 (an
 * overlong form, a surrogate, past U+10FFFF) or holds a control
 * character other than tab, CR and LF; one pass
 */
long
webd_utf8_chars(const unsigned char *s, size_t len)
{
	size_t		 i = 0, k, n;
	unsigned long	 c, min;
	long		 chars = 0;

	while (i < len) {
		c = s[i];
		if (c < 0x80) {
			if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') ||
			    c == 0x7f)
				return (-1);
			i++;
			chars++;
			continue;
		}
		if ((c & 0xe0) == 0xc0)
			n = 1, c &= 0x1f, min = 0x80;
		else if ((c & 0xf0) == 0xe0)
			n = 2, c &= 0x0f, min = 0x800;
		else if ((c & 0xf8) == 0xf0)
			n = 3, c &= 0x07, min = 0x10000;
		else
			return (-1);
		for (k = 1; k <= n; k++) {
			if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
				return (-1);
			c = c << 6 | (s[i + k] & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff) ||
		    (c >= 0x80 && c < 0xa0))
			return (-1);
		i += n + 1;
		chars++;
	}
	return (chars);
}

/*
 * webd_page_complain - POST /complain: a complaint about the handling
 * (指导意见 19), once the lookup finds the case; the workflow reopens a
 * finished case, notes it on an open one
 */
void
webd_page_complain(const struct runtime *rt, struct webd_form *f,
    const char *client, struct webd_answer *a)
{
	const struct webd_site	*s = rt->own;
	struct lookup_result	 res;
	struct store		*st;
	struct case_action	 act;
	struct pv		 p;
	enum webd_lang		 l = webd_lang(f->lang);
	time_t			 now = time(NULL);
	char			 status[256], *text;
	long			 n;

	if (f->too_long || (n = webd_utf8_chars((unsigned char *)f->text.s,
	    f->text.len)) > WEBD_TEXT_CHARS) {
		bad_input(rt, l, "text_long", a);
		return;
	}
	if (n < 0) {
		bad_input(rt, l, "text_bad", a);
		return;
	}
	text = str_trim(f->text.s);
	if (*text == '\0') {
		bad_input(rt, l, "text_empty", a);
		return;
	}
	if (!webd_page_found(rt, f, client, now, &res, &st, a))
		return;
	memset(&act, 0, sizeof(act));
	act.action = "complaint";
	act.actor = "reporter";
	act.now = now;
	act.reason = text;
	pv_init(&p, rt, l);
	pv_esc(&p, "case", res.case_no);
	a->status = 200;
	if (workflow_act(st, &s->fb, res.case_no, &act, status,
	    sizeof(status)) < 0) {
		if (store_busy(st)) {
			log_error("%s: complaint on the web page: %s",
			    res.case_no, store_error(st));
			daemon_store_failed(st);
			pv_free(&p);
			webd_page_error(rt, l, 503, WE_503, a);
			lookup_result_clear(&res);
			return;
		}
		log_info("%s: complaint on the web page refused: %s",
		    res.case_no, store_error(st));
		pv_set(&p, "refused", "1");
		a->status = 409;
	} else {
		log_info("%s: complaint lodged by the reporter on the web page "
		    "(now %s)", res.case_no, status);
		pv_set(&p, "complained", "1");
	}
	a->html = page(rt, l, WT_DONE, &p);
	pv_free(&p);
	lookup_result_clear(&res);
}

/*
 * webd_page_public - a page of the reporting zones (webd_public.c): our
 * own HTML (content, every value in it escaped by its maker) in the
 * layout, under heading; switch_href the same page in the other language
 */
void
webd_page_public(const struct runtime *rt, enum webd_lang l,
    unsigned int status, const char *heading, const char *switch_href,
    const char *content, struct webd_answer *a)
{
	struct pv		 p;
	buf			 err = { 0 };

	pv_init(&p, rt, l);
	pv_set(&p, "page_public", "1");
	pv_esc(&p, "heading", heading);
	pv_esc(&p, "switch_href", switch_href);
	pv_set(&p, "content", content);
	buf_adds(&err, "");
	a->html = layout(rt, l, &p, &err);
	a->status = status;
	pv_free(&p);
}

/* webd_page_laws - GET /laws: the rules and laws the site configures */
void
webd_page_laws(const struct runtime *rt, enum webd_lang l,
    struct webd_answer *a)
{
	struct pv	 p;

	pv_init(&p, rt, l);
	pv_set(&p, "switch_href", l == WL_EN ? "laws" : "laws?lang=en");
	a->status = 200;
	a->html = page(rt, l, WT_LAWS, &p);
	pv_free(&p);
}
