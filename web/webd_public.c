/*
 * NAME
 *	webd_public - the online reporting zones: report on a web page, the
 *	guide, typical cases, the rules and laws (指导意见 三、九、十四、二十)
 * DESCRIPTION
 *	The third intake channel.  Its pages, beside the status page and on
 *	the same level (every link is relative, so a site may serve jubao
 *	under a prefix):
 *
 *	GET  zones		the zones of categories.conf (zone = KEY), each
 *				with its scope and the deadline to expect
 *	GET  zone?z=KEY		a zone: its scope, the evidence it asks for,
 *				its guide, and the form (multipart: the files
 *				are streamed to spool_dir by webd_http.c)
 *	POST report		a report: the form's cookie and the client's
 *				web_report_limit from the headers, before the
 *				body (webd_public_early); the token, the files'
 *				caps, the fields checked, then intake_web (the
 *				limit again, under the writers' lock); the
 *				confirmation with the case number and PIN, and
 *				what is missing
 *	POST supplement		more for a case, by its number and PIN (a
 *				lookup, counted as every lookup is), through
 *				intake_web_supplement
 *	GET  guide		how to report, every zone's guide
 *	GET  typical		the published typical cases (webd_typical.c)
 *	GET  laws		the site's web-laws.html template
 *
 *	The report form carries a token that must equal its cookie
 *	(jubao_form, HttpOnly, SameSite=Strict): a page on another site can
 *	neither read the cookie nor make the browser send it.  The
 *	supplement needs none: its case number and PIN are the secret.
 *
 *	A report is a case like any other (channel "web"): the reporter's
 *	name, address and telephone, and the client address, go where a
 *	mail's sender goes, sealed; the text, URLs and accounts where a
 *	mail's body goes.  The acknowledgement by mail, to an address that
 *	nobody has confirmed, says the case number and nothing else
 *	(ack-web.txt); the PIN is shown on the confirmation page only.
 *
 *	Every value from the request or the store goes through hp's %s or
 *	%v; what a visitor typed is shown back only to them, on the form
 *	they are correcting.  Logs name a case number, never a reporter, a
 *	PIN or a client address.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>

#include "evidence.h"
#include "extract.h"
#include "intake.h"
#include "log.h"
#include "webd.h"
#include "webd_console.h"	/* hp, hesc */

#define TOKEN_HEX	32		/* the form's token: 16 random bytes */
#define SUBJECT_CHARS	200
#define TEXT_CHARS	20000		/* WEBD_REPORT_TEXT / 4 */
#define NAME_CHARS	100
#define PHONE_MAX	32
#define EMAIL_MAX	254
#define LINES_MAX	50		/* URLs, accounts a report */
#define LINE_CHARS	2000
#define FILENAME_BYTES	200

/* a public request in progress */
struct px {
	const struct runtime	*rt;
	const struct webd_request *rq;
	struct webd_answer	*a;
	enum webd_lang		 l;
	const char		*lang;	/* "zh-CN" or "en" */
	const char		*lq;	/* "?lang=en" or "" */
	const char		*la;	/* "&lang=en" or "" */
	struct zone		 z[ZONES_MAX];
	size_t			 nz;
	buf			 b;
};

static const struct {
	const char	*path;
	int		 post;
} paths[] = {
	{ "/zones", 0 }, { "/zone", 0 }, { "/guide", 0 }, { "/typical", 0 },
	{ "/laws", 0 }, { "/report", 1 }, { "/supplement", 1 },
};

/* px_init - a request of ours in language l */
static void
px_init(struct px *x, const struct runtime *rt, const struct webd_request *rq,
    struct webd_answer *a, enum webd_lang l)
{
	memset(x, 0, sizeof(*x));
	x->rt = rt;
	x->rq = rq;
	x->a = a;
	x->l = l;
	x->lang = l == WL_EN ? "en" : "zh-CN";
	x->lq = l == WL_EN ? "?lang=en" : "";
	x->la = l == WL_EN ? "&amp;lang=en" : "";
	x->nz = cat_zones(rt->cats, x->z, ZONES_MAX);
	buf_adds(&x->b, "");
}

/* webd_public_path - is path ours (post -1); for POST (1), for GET (0)? */
int
webd_public_path(const char *path, int post)
{
	size_t	 i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (strcmp(path, paths[i].path) == 0)
			return (post < 0 || paths[i].post == post);
	return (0);
}

/* field - a form or query field, NULL when not sent */
static const char *
field(const struct px *x, const char *name)
{
	return (webd_fields_get(x->rq->f, name));
}

/* has - a field sent and not blank */
static int
has(const struct px *x, const char *name)
{
	const char	*v = field(x, name);

	return (v != NULL && v[strspn(v, " \t\r\n")] != '\0');
}

/* zone_of - the zone named key, or NULL */
static const struct zone *
zone_of(const struct px *x, const char *key)
{
	size_t	 i;

	for (i = 0; key != NULL && i < x->nz; i++)
		if (strcmp(x->z[i].key, key) == 0)
			return (&x->z[i]);
	return (NULL);
}

/* span - a deadline in words: "12 小时", "3 days" */
static void
span(const struct px *x, long secs, char *out, size_t len)
{
	int	 en = x->l == WL_EN;

	if (secs % 86400 == 0)
		snprintf(out, len, en ? "%ld day%s" : "%ld 天", secs / 86400,
		    secs == 86400 ? "" : "s");
	else
		snprintf(out, len, en ? "%ld hours" : "%ld 小时",
		    (secs + 3599) / 3600);
}

/* zone_span - the deadlines of a zone's categories: "3 天" or "3 至 5 天" */
static void
zone_span(const struct px *x, const struct zone *z, char *out, size_t len)
{
	char	 a[32], b[32];
	long	 lo = z->cats[0]->deadline, hi = lo;
	size_t	 i;

	for (i = 1; i < z->n; i++) {
		if (z->cats[i]->deadline < lo)
			lo = z->cats[i]->deadline;
		if (z->cats[i]->deadline > hi)
			hi = z->cats[i]->deadline;
	}
	span(x, lo, a, sizeof(a));
	span(x, hi, b, sizeof(b));
	if (lo == hi)
		snprintf(out, len, "%s", a);
	else
		snprintf(out, len, x->l == WL_EN ? "%s to %s" : "%s至%s", a, b);
}

/*
 * zone_all - does every category of a zone take the fast lane (快速处置通道,
 * ZONE_FAST), or is every one an enterprise one (ZONE_ENTERPRISE)?
 */
#define ZONE_FAST	0
#define ZONE_ENTERPRISE	1
static int
zone_all(const struct zone *z, int which)
{
	size_t	 i;

	for (i = 0; i < z->n; i++)
		if (!(which == ZONE_FAST ? z->cats[i]->fast :
		    z->cats[i]->enterprise))
			return (0);
	return (z->n > 0);
}

/* done - the page: the layout around x->b */
static void
done(struct px *x, unsigned int status, const char *heading,
    const char *here)
{
	char	*sw;

	/* the same page in the other language */
	sw = x->l == WL_EN ? xasprintf("%s", here) : xasprintf("%s%slang=en",
	    here, strchr(here, '?') ? "&" : "?");
	webd_page_public(x->rt, x->l, status, heading, sw, x->b.s ? x->b.s :
	    "", x->a);
	free(sw);
}

/* fail - an error page of ours: status, what went wrong, where to go */
static void
fail(struct px *x, unsigned int status, const char *zh, const char *en,
    const char *back)
{
	buf_free(&x->b);
	hp(&x->b, "<section class=\"answer error\" id=\"answer\"><h1>%S</h1>"
	    "<p id=\"why\">%S</p></section>", T(x, "无法完成请求",
	    "Request not completed"), T(x, zh, en));
	if (back != NULL)
		hp(&x->b, "<p><a href=\"%S%S\" id=\"again\">%S</a></p>", back,
		    strchr(back, '?') ? x->la : x->lq, T(x, "返回", "Back"));
	done(x, status, T(x, "无法完成请求", "Request not completed"), "zones");
}

/* not_saved - 503: the store (NS_BUSY) or the disk (NS_FILES) failed
 * before the report or supplement was committed; nothing of it is kept */
#define NS_BUSY		0
#define NS_FILES	1
static void
not_saved(struct px *x, int why, const char *back)
{
	int	 sup = strcmp(x->rq->path, "/supplement") == 0;

	if (why == NS_FILES)
		fail(x, 503, sup ? "文件暂时无法保存，补充材料没有保存，请稍后再试。" :
		    "文件暂时无法保存，您的举报没有保存，请稍后再试。", sup ?
		    "The files could not be kept: nothing was saved. Try again "
		    "later." : "The files could not be kept: your report was "
		    "not saved. Try again later.", back);
	else
		fail(x, 503, sup ? "服务暂时繁忙，补充材料没有保存，请稍后再试。" :
		    "服务暂时繁忙，您的举报没有保存，请稍后再试。", sup ?
		    "The service is busy: nothing was saved. Try again later." :
		    "The service is busy: your report was not saved. Try again "
		    "later.", back);
}

/* --- the zones, the guide, typical cases -------------------------------- */

/* stats_link - sep and the published statistics, when web_stats_url says where */
static void
stats_link(struct px *x, const char *sep)
{
	if (*x->rt->cfg->web_stats_url)
		hp(&x->b, "%S<a href=\"%s\" id=\"stats\">%S</a>", sep,
		    x->rt->cfg->web_stats_url, T(x, "统计数据（信息公开）",
		    "Published statistics"));
}

/* zones - GET zones: every zone, with its scope and deadline */
static void
zones(struct px *x)
{
	const struct zone	*z;
	char			 d[64];
	size_t			 i;

	hp(&x->b, "<h1>%S</h1><p>%S</p><ul class=\"zones\" id=\"zones\">",
	    T(x, "网上举报专区", "Report online"), T(x,
	    "请选择与您举报的内容相符的专区。举报人信息依法保密，不会告知被举报方。",
	    "Choose the zone that fits what you report. What identifies you "
	    "is kept confidential and never given to those you report."));
	for (i = 0; i < x->nz; i++) {
		z = &x->z[i];
		zone_span(x, z, d, sizeof(d));
		hp(&x->b, "<li class=\"zone\"><h2><a href=\"zone?z=%u%S\" "
		    "id=\"zone-%s\">%s</a>%S</h2><p>%s</p><p class=\"note\">%S%s"
		    "</p></li>\n", z->key, x->la, z->key, zone_text(z,
		    ZONE_TITLE, x->lang), zone_all(z, ZONE_FAST) ? T(x,
		    " <span class=\"mark fast\">快速处置</span>",
		    " <span class=\"mark fast\">fast lane</span>") : "",
		    zone_text(z, ZONE_SCOPE, x->lang), T(x, "处理时限：",
		    "Handled within: "), d);
	}
	hp(&x->b, "</ul><p><a href=\"guide%S\">%S</a> · <a href=\"./%S\">%S"
	    "</a>", x->lq, T(x, "举报指南", "How to report"), x->lq,
	    T(x, "查询举报处理进度", "Follow a report"));
	stats_link(x, " · ");
	buf_adds(&x->b, "</p>");
	done(x, 200, T(x, "网上举报专区", "Report online"), "zones");
}

/* guide - GET guide: how reporting works here, and each zone's guide */
static void
guide(struct px *x)
{
	const struct cfg	*cfg = x->rt->cfg;
	const struct zone	*z;
	size_t			 i;

	hp(&x->b, "<section id=\"guide\"><h1>%S</h1><ol>"
	    "<li>%S</li><li>%S</li><li>%S</li><li>%S</li></ol>",
	    T(x, "举报指南", "How to report"),
	    T(x, "选择专区，写明举报的内容、涉事网址和账号，上传截图等证据。",
	    "Choose a zone; say what you report, give the addresses and "
	    "accounts, and upload screenshots or other evidence."),
	    T(x, "提交后页面显示案件编号和查询密码。请当场记下：查询密码只显示一次。",
	    "After you submit, the page shows a case number and a PIN. Note "
	    "them at once: the PIN is shown only once."),
	    T(x, "凭案件编号和查询密码可在“进度查询”页查看进度、补充材料，处理完毕后查看处理结果、评价或投诉。",
	    "With them, the status page shows the progress, takes more "
	    "material, and once the report is handled shows the outcome "
	    "and takes your rating or complaint."),
	    T(x, "您的姓名和联系方式依法保密，只用于核实和反馈本次举报。",
	    "Your name and contact are kept confidential and used only to "
	    "check and answer this report."));
	if (cfg->report_mailboxes.n > 0) {
		hp(&x->b, "<p>%S", T(x, "也可以发送邮件至举报邮箱：",
		    "You can also report by mail to: "));
		for (i = 0; i < cfg->report_mailboxes.n; i++)
			hp(&x->b, "%S<span class=\"mailbox\">%s</span>", i ?
			    ", " : "", cfg->report_mailboxes.v[i]);
		buf_adds(&x->b, "</p>");
	}
	for (i = 0; i < x->nz; i++) {
		z = &x->z[i];
		hp(&x->b, "<h2 id=\"guide-%s\">%s</h2><p>%s</p>", z->key,
		    zone_text(z, ZONE_TITLE, x->lang), zone_text(z, ZONE_SCOPE,
		    x->lang));
		if (*zone_text(z, ZONE_EVIDENCE, x->lang))
			hp(&x->b, "<p>%S%s</p>", T(x, "所需证据：",
			    "Evidence asked for: "), zone_text(z, ZONE_EVIDENCE,
			    x->lang));
		if (*zone_text(z, ZONE_GUIDE, x->lang))
			hp(&x->b, "<p>%s</p>", zone_text(z, ZONE_GUIDE,
			    x->lang));
		hp(&x->b, "<p><a href=\"zone?z=%u%S\">%S</a></p>", z->key,
		    x->la, T(x, "进入专区", "Report in this zone"));
	}
	if (*x->rt->cfg->web_stats_url) {
		buf_adds(&x->b, "<p>");
		stats_link(x, "");
		buf_adds(&x->b, "</p>");
	}
	buf_adds(&x->b, "</section>");
	done(x, 200, T(x, "举报指南", "How to report"), "guide");
}

/* typical - GET typical: the published typical cases */
static void
typical(struct px *x)
{
	struct store	*st;
	buf		 err = { 0 };

	buf_adds(&err, "");
	if ((st = daemon_store(x->rt->cfg, &err)) == NULL) {
		log_error("typical cases: %s", err.s);
		buf_free(&err);
		fail(x, 503, "服务暂时繁忙，请稍后再试。",
		    "The service is busy: try again later.", NULL);
		return;
	}
	buf_free(&err);
	if (webd_typical_html(st, x->rt, x->l, &x->b) < 0) {
		log_error("typical cases: %s", store_error(st));
		daemon_store_failed(st);
		fail(x, 503, "服务暂时繁忙，请稍后再试。",
		    "The service is busy: try again later.", NULL);
		return;
	}
	done(x, 200, T(x, "典型案例", "Typical cases"), "typical");
}

/* --- the form ------------------------------------------------------------ */

/* secure - is the form's cookie Secure (web_cookie_secure, as the console's)? */
static int
secure(const struct px *x)
{
	const char	*s = x->rt->cfg->web_cookie_secure;

	if (strcmp(s, "yes") == 0 || strcmp(s, "no") == 0)
		return (*s == 'y');
	return (x->rq->https);
}

/* token - the form's token: the cookie's when it is one of ours, else new */
static void
token(struct px *x, char out[TOKEN_HEX + 1])
{
	const char	*c = x->rq->form_cookie;
	unsigned char	 r[TOKEN_HEX / 2];

	if (c != NULL && strlen(c) == TOKEN_HEX && strspn(c,
	    "0123456789abcdef") == TOKEN_HEX) {
		memcpy(out, c, TOKEN_HEX + 1);
		return;
	}
	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(out, TOKEN_HEX + 1, r, sizeof(r));
	x->a->cookie[0] = xasprintf("jubao_form=%s; HttpOnly; "
	    "SameSite=Strict%s", out, secure(x) ? "; Secure" : "");
}

/* keep - a field the visitor typed, shown back (made visible, escaped) */
static const char *
keep(const struct px *x, const char *name)
{
	const char	*v = field(x, name);

	return (v != NULL ? v : "");
}

/* upload_input - a file field with its label and hint */
static void
upload_input(struct px *x, const char *name, const char *zh, const char *en,
    const char *hzh, const char *hen)
{
	hp(&x->b, "<label for=\"%S\">%S</label><input type=\"file\" id=\"%S\" "
	    "name=\"%S\" multiple><p class=\"note\">%S</p>", name, T(x, zh, en),
	    name, name, T(x, hzh, hen));
}

/*
 * form - the report form of zone z; error, when set, says what to
 * correct, and the fields keep what was typed (files cannot be kept:
 * the page says so)
 */
static void
form(struct px *x, const struct zone *z, const char *error, unsigned status)
{
	const char	*cat = field(x, "category");
	char		 tok[TOKEN_HEX + 1], d[64], size[32], *here;
	int		 ent = zone_all(z, ZONE_ENTERPRISE);
	int		 req = z->first->zone_contact;
	size_t		 i;

	token(x, tok);
	zone_span(x, z, d, sizeof(d));
	hp(&x->b, "<h1 id=\"zone\" data-zone=\"%s\">%s</h1><p>%s</p>",
	    z->key, zone_text(z, ZONE_TITLE, x->lang), zone_text(z, ZONE_SCOPE,
	    x->lang));
	if (zone_all(z, ZONE_FAST))
		hp(&x->b, "<p class=\"answer\" id=\"fast\">%S</p>", T(x,
		    "本专区的举报进入快速处置通道。", "Reports in this zone take "
		    "the fast lane."));
	hp(&x->b, "<p>%S<span id=\"deadline\">%s</span></p>", T(x,
	    "处理时限：", "Handled within: "), d);
	if (*zone_text(z, ZONE_EVIDENCE, x->lang))
		hp(&x->b, "<p>%S%s</p>", T(x, "所需证据：", "Evidence asked "
		    "for: "), zone_text(z, ZONE_EVIDENCE, x->lang));
	if (*zone_text(z, ZONE_GUIDE, x->lang))
		hp(&x->b, "<p class=\"note\">%s</p>", zone_text(z, ZONE_GUIDE,
		    x->lang));
	if (error != NULL)
		hp(&x->b, "<p class=\"error\" role=\"alert\" id=\"error\">%S%S</p>",
		    error, x->rq->up != NULL && x->rq->up->n > 0 ? T(x,
		    "您选择的文件没有保存，请重新选择。", " The files you chose "
		    "were not kept: choose them again.") : "");
	hp(&x->b, "<form method=\"post\" action=\"report\" class=\"report\" "
	    "id=\"report-form\" enctype=\"multipart/form-data\">"
	    "<input type=\"hidden\" name=\"token\" value=\"%S\">"
	    "<input type=\"hidden\" name=\"zone\" value=\"%s\">"
	    "<input type=\"hidden\" name=\"lang\" value=\"%S\">", tok, z->key,
	    x->lang);
	if (z->n > 1) {
		hp(&x->b, "<label for=\"category\">%S</label><select "
		    "id=\"category\" name=\"category\">", T(x, "举报类型",
		    "Kind of report"));
		for (i = 0; i < z->n; i++)
			hp(&x->b, "<option value=\"%s\"%S>%s</option>",
			    z->cats[i]->key, cat != NULL && strcmp(cat,
			    z->cats[i]->key) == 0 ? " selected" : "",
			    cat_name(z->cats[i], x->lang));
		buf_adds(&x->b, "</select>");
	}
	hp(&x->b, "<label for=\"subject\">%S</label><input type=\"text\" "
	    "id=\"subject\" name=\"subject\" maxlength=\"%d\" value=\"%v\">"
	    "<label for=\"text\">%S</label><textarea id=\"text\" name=\"text\" "
	    "rows=\"8\" maxlength=\"%d\" required>%v</textarea>"
	    "<label for=\"urls\">%S</label><textarea id=\"urls\" name=\"urls\" "
	    "rows=\"3\">%v</textarea>"
	    "<label for=\"accounts\">%S</label><textarea id=\"accounts\" "
	    "name=\"accounts\" rows=\"2\">%v</textarea>",
	    T(x, "标题（可不填）", "Subject (optional)"), SUBJECT_CHARS,
	    keep(x, "subject"), ent ? T(x, "书面陈述及理由",
	    "Your statement and reasons") : T(x, "举报内容", "What you report"),
	    TEXT_CHARS, keep(x, "text"), T(x, "涉事网址（每行一个）",
	    "Addresses of the content (one a line)"), keep(x, "urls"),
	    T(x, "涉事账号（每行一个）", "Accounts (one a line)"),
	    keep(x, "accounts"));
	if (ent) {
		upload_input(x, "licence", "营业执照或其他主体资格证明",
		    "Business licence or other proof of standing",
		    "企业或企业家本人举报时提交。", "When the enterprise or "
		    "the entrepreneur reports.");
		hp(&x->b, "<label class=\"check\"><input type=\"checkbox\" "
		    "name=\"agent\" value=\"1\"%S> %S</label>", has(x, "agent") ?
		    " checked" : "", T(x, "我是代理人", "I report as an agent"));
		upload_input(x, "authorisation", "授权委托书和代理人身份证明",
		    "Power of attorney and the agent's ID",
		    "代理人举报时提交。", "When an agent reports.");
	}
	upload_input(x, "evidence", "证据文件", "Evidence",
	    "截图、录屏、判决书等。", "Screenshots, recordings, judgments.");
	webd_size_text(x->rt->cfg->web_upload_max, size, sizeof(size));
	hp(&x->b, "<p class=\"note\" id=\"limits\">%S%l%S%S%S</p>",
	    T(x, "最多 ", "At most "), x->rt->cfg->web_uploads_max,
	    T(x, " 个文件，每个不超过 ", " files, each at most "), size,
	    T(x, "。", "."));
	hp(&x->b, "<fieldset class=\"contact\"><legend>%S</legend><p "
	    "class=\"note\">%S</p>"
	    "<label for=\"name\">%S</label><input type=\"text\" id=\"name\" "
	    "name=\"name\" maxlength=\"%d\" autocomplete=\"name\" value=\"%v\">"
	    "<label for=\"email\">%S</label><input type=\"email\" id=\"email\" "
	    "name=\"email\" maxlength=\"%d\" autocomplete=\"email\" value=\"%v\">"
	    "<label for=\"phone\">%S</label><input type=\"tel\" id=\"phone\" "
	    "name=\"phone\" maxlength=\"%d\" autocomplete=\"tel\" value=\"%v\">"
	    "</fieldset>", req ? T(x, "联系方式", "Your contact") : T(x,
	    "联系方式（可不填）", "Your contact (optional)"), req ? T(x,
	    "请填写真实姓名和联系方式（工作规范第五条）。依法保密，不会告知被举报方。",
	    "Give your real name and a contact (article 5 of the rules). "
	    "Kept confidential, never given to those you report.") : T(x,
	    "可以匿名举报。填写邮箱后，我们会发送一封只含案件编号的确认邮件。",
	    "You may report anonymously. With an address, we send a mail "
	    "that holds the case number only."), T(x, "姓名", "Name"),
	    NAME_CHARS, keep(x, "name"), T(x, "电子邮箱", "Email"), EMAIL_MAX,
	    keep(x, "email"), T(x, "电话", "Telephone"), PHONE_MAX,
	    keep(x, "phone"));
	if (z->first->zone_statement)
		hp(&x->b, "<label class=\"check\"><input type=\"checkbox\" "
		    "name=\"guarantee\" id=\"guarantee\" value=\"1\"%S> %S"
		    "</label>", has(x, "guarantee") ? " checked" : "", T(x,
		    "我保证所提交的举报内容和材料真实、合法，并承担相应的法律责任。",
		    "I guarantee that this report and its material are true and "
		    "lawful, and I answer for them before the law."));
	hp(&x->b, "<button type=\"submit\" id=\"submit\">%S</button></form>"
	    "<p class=\"note\">%S</p>", T(x, "提交举报", "Submit the report"),
	    T(x, "缺少的材料不影响提交：确认页会列出，之后可凭案件编号和查询密码补充。",
	    "Missing material does not stop a report: the confirmation "
	    "lists it, and you can add it later with the case number and "
	    "PIN."));
	here = xasprintf("zone?z=%s", z->key);
	done(x, status, zone_text(z, ZONE_TITLE, x->lang), here);
	free(here);
}

/* zone - GET zone?z=KEY */
static void
zone(struct px *x)
{
	const struct zone	*z = zone_of(x, field(x, "z"));

	if (z == NULL) {
		fail(x, 404, "没有这个举报专区。", "There is no such zone.",
		    "zones");
		return;
	}
	form(x, z, NULL, 200);
}

/* --- a report, a supplement ---------------------------------------------- */

/*
 * text_ok - a typed field within its cap of characters (UTF-8, no control
 * but newline and tab where multiline); an absent field is ""
 */
static int
text_ok(const struct px *x, const char *name, long chars, int multiline)
{
	const char	*v = field(x, name);
	long		 n;

	if (v == NULL)
		return (1);
	n = str_text_chars(v, multiline);
	return (n >= 0 && n <= chars);
}

/* unix_lines - field name's CRLF as LF, in place */
static void
unix_lines(const struct px *x, const char *name)
{
	char	*v = (char *)field(x, name), *w;

	for (w = v; v != NULL && *v; v++)
		if (!(v[0] == '\r' && v[1] == '\n'))
			*w++ = *v;
	if (w != NULL)
		*w = '\0';
}

/* phone_ok - digits, and + - space ( ) */
static int
phone_ok(const char *s)
{
	size_t	 digits = strspn(s, "0123456789+-() ");

	return (strlen(s) <= PHONE_MAX && s[digits] == '\0' &&
	    strcspn(s, "0123456789") < strlen(s));
}

/* lines - each non-blank line of field name onto text, after label */
static int
lines(const struct px *x, const char *name, const char *label, buf *text)
{
	const char	*v = field(x, name), *p, *e;
	size_t		 n = 0, len;

	for (p = v; p != NULL && *p; p = *e ? e + 1 : e) {
		e = p + strcspn(p, "\n");
		len = (size_t)(e - p);
		while (len > 0 && strchr(" \t\r", p[len - 1]) != NULL)
			len--;
		while (len > 0 && strchr(" \t", *p) != NULL) {
			p++;
			len--;
		}
		if (len == 0)
			continue;
		if (++n > LINES_MAX || len > LINE_CHARS * 4)
			return (-1);
		buf_printf(text, "%s%.*s\n", label, (int)len, p);
	}
	return (0);
}

/* safe_name - a file name as sent, made safe to keep: its last path
 * element, controls and bidi made visible, at most FILENAME_BYTES */
static char *
safe_name(const char *sent, size_t i)
{
	const char	*b = sent;
	char		*v, *p;
	size_t		 len;

	if ((p = strrchr(b, '/')) != NULL)
		b = p + 1;
	if ((p = strrchr(b, '\\')) != NULL)
		b = p + 1;
	b += strspn(b, ". ");
	if (*b == '\0')
		return (xasprintf("upload-%zu", i + 1));
	v = str_visible(b, 0);
	if ((len = strlen(v)) > FILENAME_BYTES) {
		len = FILENAME_BYTES;
		while (len > 0 && ((unsigned char)v[len] & 0xc0) == 0x80)
			len--;
		v[len] = '\0';
	}
	return (v);
}

/* safe_type - the type as sent when it looks like one, else octet-stream */
static char *
safe_type(const char *sent)
{
	char	*t, *p;
	size_t	 n;

	n = strspn(sent, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789.+-/");
	if (n == 0 || n > 100 || (sent[n] != '\0' && sent[n] != ';') ||
	    strchr(sent, '/') == NULL || strchr(sent, '/') >= sent + n)
		return (xstrdup("application/octet-stream"));
	t = xstrndup(sent, n);
	for (p = t; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return (t);
}

/*
 * files - the request's files as the report's evidence: hashed, sealed
 * into evidence_dir (the spooled copy is removed by webd_http.c); the
 * fields they came in counted into nlic, nauth, nev.  0, or -1 (the
 * disk: logged).
 */
static int
files(const struct px *x, struct report *r, int *nlic, int *nauth, int *nev)
{
	const struct webd_uploads *u = x->rq->up;
	char			 sha[65], id[EVIDENCE_ID], *name, *type;
	size_t			 i, size;
	buf			 err = { 0 };
	int			 rc = 0;

	*nlic = *nauth = *nev = 0;
	buf_adds(&err, "");
	for (i = 0; u != NULL && i < u->n && rc == 0; i++) {
		if (sha256_file(u->v[i].path, sha, &size) < 0 ||
		    evidence_put_file(x->rt->cfg->evidence_dir, u->v[i].path,
		    id, &err) < 0) {
			log_error("web report: evidence: %s", err.s);
			rc = -1;
			break;
		}
		name = safe_name(u->v[i].name, i);
		type = safe_type(u->v[i].type);
		/* the handler sees which field a file came in */
		snprintf(report_add_evidence(r, name, type, size, sha,
		    strcmp(u->v[i].field, "licence") == 0 ? "form field: "
		    "licence (proof of standing)" : strcmp(u->v[i].field,
		    "authorisation") == 0 ? "form field: authorisation (power "
		    "of attorney)" : NULL)->file, EVIDENCE_ID, "%s", id);
		free(name);
		free(type);
		if (strcmp(u->v[i].field, "licence") == 0)
			(*nlic)++;
		else if (strcmp(u->v[i].field, "authorisation") == 0)
			(*nauth)++;
		else
			(*nev)++;
	}
	buf_free(&err);
	return (rc);
}

/* has_url - does the urls field hold an address extract_urls knows? */
static int
has_url(const struct px *x)
{
	strlist	 u = { 0 };
	int	 n;

	if (!has(x, "urls"))
		return (0);
	extract_urls(field(x, "urls"), &u);
	n = u.n > 0;
	strlist_free(&u);
	return (n);
}

/*
 * missing - 工作规范 第五条 for an enterprise report from its form: what
 * the fields and files lack.  A category whose evidence is the proof of
 * standing (insult, leaked secrets) asks for no other evidence.
 */
static unsigned
missing(const struct px *x, const struct category *c, int nlic, int nauth,
    int nev)
{
	unsigned	 m = 0;

	if (!has(x, "text"))
		m |= ELEM_STATEMENT;
	if (nlic == 0 || (has(x, "agent") && nauth == 0))
		m |= ELEM_STANDING;
	if (!has(x, "name") || (!has(x, "email") && !has(x, "phone")))
		m |= ELEM_CONTACT;
	if (!has_url(x))
		m |= ELEM_ADDRESS;
	if (c->evidence && nev == 0)
		m |= ELEM_EVIDENCE;
	if (!has(x, "guarantee"))
		m |= ELEM_GUARANTEE;
	return (m);
}

/*
 * build - the report of the form (or the supplement): text, URLs and
 * accounts as a mail's body would hold them, the reporter's contact
 * where a mail's sender goes.  NULL with *why set (the visitor's fault:
 * the form again) when a field is wrong.
 */
static struct report *
build(const struct px *x, time_t now, const char **why)
{
	struct report	*r;
	unsigned char	 rnd[12];
	char		 hex[25];
	const char	*email = field(x, "email"), *phone = field(x, "phone");
	buf		 text = { 0 };

	*why = NULL;
	/* a browser sends CRLF: a line ends as the textarea counted it */
	unix_lines(x, "text");
	unix_lines(x, "urls");
	unix_lines(x, "accounts");
	if (email != NULL)
		email = str_trim((char *)email);
	if (phone != NULL)
		phone = str_trim((char *)phone);
	if (!text_ok(x, "text", TEXT_CHARS, 1) ||
	    !text_ok(x, "subject", SUBJECT_CHARS, 0) ||
	    !text_ok(x, "name", NAME_CHARS, 0) ||
	    !text_ok(x, "urls", LINES_MAX * LINE_CHARS, 1) ||
	    !text_ok(x, "accounts", LINES_MAX * LINE_CHARS, 1))
		*why = T(x, "有内容超过长度限制或含有无法识别的字符，请修改后再提交。",
		    "A field is too long or holds characters that cannot be "
		    "read: correct it and submit again.");
	else if (has(x, "email") && (strlen(email) > EMAIL_MAX ||
	    !addr_plain(email)))
		*why = T(x, "电子邮箱格式不正确。", "The email address is not "
		    "valid.");
	else if (has(x, "phone") && !phone_ok(phone))
		*why = T(x, "电话号码只能包含数字和 + - ( ) 空格。", "A telephone "
		    "number holds digits and + - ( ) and spaces only.");
	buf_adds(&text, "");
	if (*why == NULL && (lines(x, "urls", "", &text) < 0 ||
	    lines(x, "accounts", T(x, "涉事账号：", "Account: "), &text) < 0))
		*why = T(x, "涉事网址和账号各不超过 50 个，每行不超过 2000 字。",
		    "At most 50 addresses and 50 accounts, each line at most "
		    "2000 characters.");
	if (*why != NULL) {
		buf_free(&text);
		return (NULL);
	}
	r = report_new("web");
	r->received_at = now;
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
	r->queue_id = xasprintf("web-%s", hex);
	r->message_id = xasprintf("web:%s", hex);
	r->lang = xstrdup(x->lang);
	r->subject = has(x, "subject") ? xstrdup(str_trim((char *)field(x,
	    "subject"))) : xstrdup("");
	if (has(x, "agent"))
		buf_adds(&text, T(x, "举报人为代理人。\n", "Reported by an "
		    "agent.\n"));
	r->text = xasprintf("%s\n%s%s", has(x, "text") ? field(x, "text") : "",
	    text.len ? "\n" : "", text.s);
	buf_free(&text);
	sha256_hex(r->text, strlen(r->text), r->content_hash);
	r->client_addr = xstrdup(x->rq->client);
	if (has(x, "name"))
		r->reporter_name = xstrdup(str_trim((char *)field(x, "name")));
	if (has(x, "email")) {
		r->from_addr = xstrdup(email);
		r->env_from = xstrdup(email);
	} else
		r->env_from = xstrdup("");
	if (has(x, "phone"))
		strlist_add(&r->phones, phone);
	return (r);
}

/* store_of - this thread's store handle, or NULL with a 503 page */
static struct store *
store_of(struct px *x, const char *what)
{
	struct store	*st;
	buf		 err = { 0 };

	buf_adds(&err, "");
	if ((st = daemon_store(x->rt->cfg, &err)) == NULL) {
		log_error("%s: %s", what, err.s);
		not_saved(x, NS_BUSY, NULL);
	}
	buf_free(&err);
	return (st);
}

/* uploads_refused - the files' caps: 1 with the page when one was passed */
static int
uploads_refused(struct px *x, const char *back)
{
	const struct webd_uploads *u = x->rq->up;
	char		 zh[200], en[200], size[32];

	if (u == NULL)
		return (0);
	if (u->failed) {
		not_saved(x, NS_FILES, back);
		return (1);
	}
	if (!u->too_many && !u->too_big && !x->rq->f->too_long)
		return (0);
	webd_size_text(x->rt->cfg->web_upload_max, size, sizeof(size));
	if (x->rq->f->too_long)
		snprintf(zh, sizeof(zh), "%s", "填写的内容太长，没有保存。");
	else if (u->too_many)
		snprintf(zh, sizeof(zh), "最多上传 %ld 个文件，没有保存。请减少文件后重新提交。",
		    x->rt->cfg->web_uploads_max);
	else
		snprintf(zh, sizeof(zh), "每个文件不超过 %s，没有保存。请压缩或拆分后重新提交。",
		    size);
	if (x->rq->f->too_long)
		snprintf(en, sizeof(en), "%s", "A field is too long: nothing "
		    "was saved.");
	else if (u->too_many)
		snprintf(en, sizeof(en), "At most %ld files: nothing was saved. "
		    "Send fewer and submit again.", x->rt->cfg->web_uploads_max);
	else
		snprintf(en, sizeof(en), "Each file at most %s: nothing was "
		    "saved. Shrink or split it and submit again.", size);
	fail(x, 413, zh, en, back);
	return (1);
}

/* missing_list - the elements of m, named, as a list */
static void
missing_list(struct px *x, unsigned m)
{
	unsigned	 bit;

	buf_adds(&x->b, "<ul id=\"missing\">");
	for (bit = 1; bit <= ELEM_GUARANTEE; bit <<= 1)
		if (m & bit)
			hp(&x->b, "<li data-elem=\"%S\">%s</li>", elem_key(bit),
			    elem_describe(bit, x->lang));
	buf_adds(&x->b, "</ul>");
}

/* confirm - the confirmation: case number, PIN, deadline, what is missing */
static void
confirm(struct px *x, const struct report *r, const struct intake_result *res)
{
	const struct category	*c = cat_find(x->rt->cats, r->category);
	char			 d[64];

	span(x, r->deadline_secs, d, sizeof(d));
	hp(&x->b, "<section class=\"answer\" id=\"answer\"><h1>%S</h1>"
	    "<dl class=\"facts receipt\"><dt>%S</dt><dd id=\"case\">%s</dd>"
	    "<dt>%S</dt><dd id=\"pin\">%s</dd><dt>%S</dt><dd id=\"category\">"
	    "%s</dd><dt>%S</dt><dd id=\"deadline\" data-secs=\"%l\">%t（%s）"
	    "</dd></dl>", T(x, "举报已提交", "Report received"),
	    T(x, "案件编号", "Case number"), res->case_no,
	    T(x, "查询密码", "PIN"), res->pin, T(x, "类别", "Category"),
	    c ? cat_name(c, x->lang) : r->category, T(x, "处理时限",
	    "Handled by"), r->deadline_secs, r->received_at + r->deadline_secs,
	    d);
	hp(&x->b, "<p id=\"keep\"><strong>%S</strong>%S</p>", T(x,
	    "请立即记下或截图保存案件编号和查询密码。",
	    "Write down or screenshot the case number and PIN now. "), T(x,
	    "查询密码只在本页显示一次，我们不会通过任何渠道再次提供，也不会向您索要。"
	    "凭这两项可在“进度查询”页查看进度、补充材料、评价处理结果。",
	    "The PIN is shown on this page only, never sent anywhere, and "
	    "nobody from us will ask for it. With both, the status page "
	    "shows the progress, takes more material, and takes your rating "
	    "of the outcome."));
	if (c != NULL && c->fast)
		hp(&x->b, "<p id=\"fast\">%S</p>", T(x,
		    "本举报已进入快速处置通道。", "This report takes the fast lane."));
	if (r->enterprise && r->missing) {
		hp(&x->b, "<h2>%S</h2>", T(x, "尚缺少的材料",
		    "Still missing"));
		missing_list(x, r->missing);
		hp(&x->b, "<p>%S</p>", T(x,
		    "材料齐全后才能受理：请在“进度查询”页输入案件编号和查询密码，补充上述材料。",
		    "The report is taken up once it is complete: add the above "
		    "on the status page with the case number and PIN."));
	}
	if (r->from_addr != NULL)
		hp(&x->b, "<p class=\"note\">%S</p>", T(x,
		    "发往您所填邮箱的确认邮件和处理结果通知只含案件编号，不含查询密码和举报内容；"
		    "处理结果请凭查询密码在进度查询页查看。",
		    "A mail to the address you gave, now or with the outcome, "
		    "holds the case number only, neither the PIN nor what you "
		    "reported; read the outcome on the status page with the "
		    "PIN."));
	hp(&x->b, "</section><p><a href=\"./%S\" id=\"to-status\">%S</a></p>",
	    x->lq, T(x, "查询处理进度", "Follow the report"));
	done(x, 200, T(x, "举报已提交", "Report received"), "zones");
}

/* expired - no token, or not the cookie's: 403 */
static void
expired(struct px *x, const char *back)
{
	fail(x, 403, "表单已过期或不是从本站页面提交的，没有保存。请重新打开举报页面填写。",
	    "The form expired or did not come from this site's page: nothing "
	    "was saved. Open the reporting page again.", back);
}

/* limited - web_report_limit: 429 */
static void
limited(struct px *x, const char *back)
{
	x->a->retry_after = 3600;
	fail(x, 429, "此网络地址一小时内提交的举报已达上限，没有保存。请稍后再试，或通过举报电话、举报邮箱举报。",
	    "Too many reports from this network address in an hour: nothing "
	    "was saved. Try later, or report by telephone or mail.", back);
}

/*
 * webd_public_early - (webd_http.c, a POST report's headers) a report
 * without the form's cookie, or from a client past web_report_limit, is
 * answered now, before its body and files are read: 1 with the page in
 * *a; 0 to read on
 */
int
webd_public_early(const struct runtime *rt, enum webd_lang l,
    const char *cookie, const char *client, struct webd_answer *a)
{
	struct webd_fields	 none;
	struct webd_request	 rq;
	struct store		*st;
	struct px		 x;
	long			 n = 0;
	int			 rc = 1;

	memset(&none, 0, sizeof(none));
	memset(&rq, 0, sizeof(rq));
	rq.path = "/report";
	rq.post = 1;
	rq.f = &none;
	rq.client = client;
	px_init(&x, rt, &rq, a, l);
	if (cookie == NULL || strlen(cookie) != TOKEN_HEX ||
	    strspn(cookie, "0123456789abcdef") != TOKEN_HEX)
		expired(&x, "zones");
	else if (rt->cfg->web_report_limit <= 0)
		rc = 0;
	else if ((st = store_of(&x, "web report")) == NULL)
		;
	else if ((n = store_reports_since(st, 1, client, time(NULL) -
	    3600, "web")) < 0) {
		log_error("web report: %s", store_error(st));
		daemon_store_failed(st);
		not_saved(&x, NS_BUSY, NULL);
	} else if (n >= rt->cfg->web_report_limit)
		limited(&x, "zones");
	else
		rc = 0;
	buf_free(&x.b);
	return (rc);
}

/* report - POST report */
static void
report(struct px *x)
{
	const struct zone	*z = zone_of(x, field(x, "zone"));
	const char		*tok = field(x, "token"), *cat = field(x,
				    "category"), *why;
	const char		*zc[16];
	struct intake_ctx	 ic = { .cfg = x->rt->cfg, .cats = x->rt->cats,
				    .ack = &x->rt->ack, .actor = WEBD_NAME,
				    .look = &x->rt->look };
	struct intake_web	 w = { 0 };
	struct intake_result	 res;
	const struct category	*c = NULL;
	struct store		*st;
	struct report		*r = NULL;
	time_t			 now = time(NULL);
	char			*back;
	size_t			 i;
	int			 nlic, nauth, nev;

	back = z != NULL ? xasprintf("zone?z=%s", z->key) : xstrdup("zones");
	if (x->rq->form_cookie == NULL || tok == NULL ||
	    strlen(x->rq->form_cookie) != TOKEN_HEX || strlen(tok) !=
	    TOKEN_HEX || sodium_memcmp(x->rq->form_cookie, tok, TOKEN_HEX) != 0) {
		expired(x, back);
		goto out;
	}
	if (uploads_refused(x, back))
		goto out;
	if (z == NULL) {
		fail(x, 404, "没有这个举报专区。", "There is no such zone.",
		    "zones");
		goto out;
	}
	if ((st = store_of(x, "web report")) == NULL)
		goto out;
	for (i = 0; i < z->n; i++)
		if (cat != NULL && strcmp(cat, z->cats[i]->key) == 0)
			c = z->cats[i];
	if (c == NULL)
		c = z->cats[0];
	if (!has(x, "text"))
		why = T(x, "请填写举报内容。", "Say what you report.");
	else
		r = build(x, now, &why);
	if (r == NULL) {
		buf_free(&x->b);
		form(x, z, why, 400);
		goto out;
	}
	if (files(x, r, &nlic, &nauth, &nev) < 0) {
		intake_drop_files(x->rt->cfg->evidence_dir, r);
		report_free(r);
		not_saved(x, NS_FILES, back);
		goto out;
	}
	for (i = 0; i < z->n && i < 16; i++)
		zc[i] = z->cats[i]->key;
	w.zone_cats = zc;
	w.nzone_cats = i;
	w.category = z->first->zone_classify ? NULL : c->key;
	w.missing = c->enterprise ? (int)missing(x, c, nlic, nauth, nev) :
	    -1;
	if (intake_web(&ic, st, r, &w, &res) < 0) {
		log_error("web report: cannot commit: %s", store_error(st));
		daemon_store_failed(st);
		report_free(r);
		not_saved(x, NS_BUSY, back);
		goto out;
	}
	if (res.limited) {
		report_free(r);
		limited(x, back);
		goto out;
	}
	log_info("case %s: web report in zone %s, category %s, %zu evidence "
	    "item(s), acknowledgement %s", res.case_no, z->key, r->category,
	    r->nev, res.ack_status);
	confirm(x, r, &res);
	sodium_memzero(res.pin, sizeof(res.pin));
	report_free(r);
out:
	free(back);
}

/* supplement - POST supplement: more for a case, by its number and PIN */
static void
supplement(struct px *x)
{
	struct intake_ctx	 ic = { .cfg = x->rt->cfg, .cats = x->rt->cats,
				    .ack = &x->rt->ack, .actor = WEBD_NAME,
				    .look = &x->rt->look };
	struct intake_web	 w = { 0 };
	struct intake_result	 res;
	struct lookup_result	 lr;
	struct webd_form	 f;
	const struct category	*c;
	struct store		*st;
	struct report		*r;
	const char		*why, *v;
	time_t			 now = time(NULL);
	int			 nlic, nauth, nev;

	if (uploads_refused(x, "./"))
		return;
	memset(&f, 0, sizeof(f));
	if ((v = field(x, "case")) != NULL)
		snprintf(f.case_no, sizeof(f.case_no), "%s", v);
	if ((v = field(x, "pin")) != NULL)
		snprintf(f.pin, sizeof(f.pin), "%s", v);
	snprintf(f.lang, sizeof(f.lang), "%s", x->lang);
	if (!has(x, "text") && !has(x, "urls") && !has(x, "accounts") &&
	    !has(x, "name") && !has(x, "guarantee") && (x->rq->up == NULL ||
	    x->rq->up->n == 0)) {
		fail(x, 400, "请填写补充内容或上传文件。", "Write something or "
		    "add a file.", "./");
		return;
	}
	if (!webd_page_found(x->rt, &f, x->rq->client, now, &lr, &st, x->a))
		goto wipe;
	if ((r = build(x, now, &why)) == NULL) {
		lookup_result_clear(&lr);
		fail(x, 400, why, why, "./");
		goto wipe;
	}
	if (files(x, r, &nlic, &nauth, &nev) < 0) {
		intake_drop_files(x->rt->cfg->evidence_dir, r);
		report_free(r);
		lookup_result_clear(&lr);
		not_saved(x, NS_FILES, "./");
		goto wipe;
	}
	c = cat_find(x->rt->cats, lr.category);
	w.category = lr.category;
	w.missing = c != NULL && c->enterprise ? (int)missing(x, c, nlic,
	    nauth, nev) : -1;
	if (intake_web_supplement(&ic, st, lr.case_no, r, &w, &res) < 0) {
		log_error("%s: web supplement: %s", lr.case_no,
		    store_error(st));
		daemon_store_failed(st);
		report_free(r);
		lookup_result_clear(&lr);
		not_saved(x, NS_BUSY, "./");
		goto wipe;
	}
	log_info("%s: web supplement, %zu evidence item(s)", lr.case_no,
	    r->nev);
	hp(&x->b, "<section class=\"answer\" id=\"answer\"><h1>%S</h1><p>%S"
	    "<span id=\"case\">%s</span></p>", T(x, "补充材料已收到",
	    "Material added"), T(x, "已加入案件 ", "Added to case "),
	    lr.case_no);
	if (res.missing && c != NULL && c->enterprise) {
		hp(&x->b, "<h2>%S</h2>", T(x, "尚缺少的材料", "Still missing"));
		missing_list(x, res.missing);
	} else if (c != NULL && c->enterprise)
		hp(&x->b, "<p id=\"complete\">%S</p>", T(x,
		    "材料已齐全，我们将依规受理。", "The report is complete and "
		    "will be taken up."));
	hp(&x->b, "</section><p><a href=\"./%S\" id=\"to-status\">%S</a></p>",
	    x->lq, T(x, "查询处理进度", "Follow the report"));
	done(x, 200, T(x, "补充材料已收到", "Material added"), "zones");
	report_free(r);
	lookup_result_clear(&lr);
wipe:
	explicit_bzero(f.pin, sizeof(f.pin));
}

/* webd_public - a request for one of paths[] (webd_http.c routed it) */
void
webd_public(const struct runtime *rt, const struct webd_request *rq,
    struct webd_answer *a)
{
	struct px	 x;
	const char	*l = webd_fields_get(rq->f, "lang");

	px_init(&x, rt, rq, a, webd_lang(l != NULL ? l : rq->lang));
	if (strcmp(rq->path, "/zones") == 0)
		zones(&x);
	else if (strcmp(rq->path, "/zone") == 0)
		zone(&x);
	else if (strcmp(rq->path, "/guide") == 0)
		guide(&x);
	else if (strcmp(rq->path, "/typical") == 0)
		typical(&x);
	else if (strcmp(rq->path, "/laws") == 0)
		webd_page_laws(rt, x.l, a);
	else if (strcmp(rq->path, "/report") == 0)
		report(&x);
	else
		supplement(&x);
	buf_free(&x.b);
}
