/*
 * NAME
 *	webd_console - the console's pages: the queue, a case, its actions,
 *	its evidence, the call-backs, the statistics and the digest
 * DESCRIPTION
 *	Every page runs as the logged-in account (webd_staff.c has checked
 *	the session, the form's token and nothing else): each action goes
 *	through the workflow (workflow.c) with that name as its actor, so
 *	the console has jubaoctl's rules and refusals, including the second
 *	person a removal needs.
 *
 *	  /staff/queue		the cases of a view (open, overdue, due within
 *				24 hours, awaiting approval, call-backs, all),
 *				filtered, searched (a case number opens it; a
 *				URL or an account reported; words), a page of
 *				QUEUE_PAGE at a time; assign or accept the
 *				ticked ones (/staff/bulk)
 *	  /staff/case/N		one case whole, the reporter hidden;
 *				.../act a workflow action, .../reveal the
 *				reporter with a reason (in the ledger, shown),
 *				.../callback a call-back made,
 *				.../evidence/K an item opened (each opening in
 *				the ledger): a recording plays in the page
 *				(HTTP ranges), anything else is a download,
 *				never shown in our origin
 *				.../typical a typical case proposed, approved,
 *				declined or withdrawn (typical.h: a second
 *				person publishes it)
 *	  /staff/typical	the typical cases awaiting a second person
 *	  /staff/stats		the statistics of a period, the most reported;
 *				stats.html the published page, stats.csv
 *	  /staff/digest		the daily digest
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>

#include "caseno.h"
#include "classify.h"
#include "evidence.h"
#include "log.h"
#include "stats_html.h"
#include "typical.h"
#include "webd_console.h"
#include "workflow.h"

#define QUEUE_PAGE	50		/* cases a page */
#define QUEUE_PAGES	200		/* pages one can go down */
#define BULK_MAX	100		/* cases one bulk action takes */
#define EVIDENCE_MAX	(64L * 1024 * 1024)	/* an item opened in memory */
#define MEASURES_MAX	16

static const char *const statuses[][3] = {
	{ "received", "已接收", "received" },
	{ "awaiting_materials", "待补充材料", "awaiting materials" },
	{ "accepted", "已受理", "accepted" },
	{ "escalated", "已上报", "escalated" },
	{ "disposed", "已处置", "disposed" },
	{ "not_accepted", "不予受理", "not accepted" },
	{ "refused_malicious", "恶意举报", "refused (malicious)" },
	{ "transferred", "已转办", "transferred" },
	{ "feedback_sent", "已反馈", "feedback sent" },
	{ "closed", "已办结", "closed" },
	{ "reopened", "重新办理", "reopened" },
};
#define NSTATUSES	(sizeof(statuses) / sizeof(statuses[0]))

static const char *const views[][3] = {
	{ "open", "待办", "Open" },
	{ "overdue", "已超期", "Overdue" },
	{ "today", "24 小时内到期", "Due within 24 h" },
	{ "pending", "待复核", "Awaiting approval" },
	{ "callbacks", "待回拨", "Call-backs" },
	{ "all", "全部", "All" },
};
#define NVIEWS	(sizeof(views) / sizeof(views[0]))

/* the actions of the action form: name, needs (t: to, r: reason), zh, en */
static const char *const actions[][4] = {
	{ "accept", "", "受理", "accept" },
	{ "assign", "t", "分派", "assign" },
	{ "note", "r", "备注", "note" },
	{ "escalate", "", "上报", "escalate" },
	{ "reject", "r", "不予受理", "reject" },
	{ "refuse", "r", "恶意举报，不予处理", "reject as malicious" },
	{ "transfer", "t", "转办", "transfer" },
	{ "feedback", "", "反馈处理结果", "send the outcome feedback" },
	{ "close", "", "办结", "close" },
	{ "reopen", "", "重新办理", "reopen" },
	{ "objection", "r", "登记异议", "record an objection" },
	{ "complaint", "r", "登记投诉", "record a complaint" },
};
#define NACTIONS	(sizeof(actions) / sizeof(actions[0]))

static const char *const measures[][3] = {
	{ "delete", "删除", "delete" },
	{ "block", "屏蔽", "block" },
	{ "unlink", "断开链接", "unlink" },
	{ "close", "关闭账号", "close the account" },
	{ "warn", "警示", "warn" },
	{ "suspend", "暂停更新", "suspend" },
	{ "restrict", "限制功能", "restrict" },
	{ "private", "限时加私", "private until" },
	{ "dispute-label", "争议标签", "dispute label" },
};
#define NMEASURES	(sizeof(measures) / sizeof(measures[0]))

static const char *const typical_states[][3] = {
	{ "pending", "待批准", "awaiting approval" },
	{ "published", "已发布", "published" },
	{ "declined", "已驳回", "declined" },
	{ "withdrawn", "已撤回", "withdrawn" },
};
#define NTYPICAL_STATES	(sizeof(typical_states) / sizeof(typical_states[0]))

/* row_name - key s of rows (key, zh, en) in the page's language */
static const char *
row_name(const struct sx *x, const char *const (*rows)[3], size_t n,
    const char *s)
{
	size_t	 i;

	for (i = 0; s != NULL && i < n; i++)
		if (strcmp(rows[i][0], s) == 0)
			return (rows[i][x->l == WL_EN ? 2 : 1]);
	return ("-");	/* printed as it is (%S): never the store's text */
}

/* status_name - a status in the page's language */
static const char *
status_name(const struct sx *x, const char *s)
{
	return (row_name(x, statuses, NSTATUSES, s));
}

/* channel_name - a channel in the page's language */
static const char *
channel_name(const struct sx *x, const char *c)
{
	if (strcmp(c, "email") == 0)
		return (T(x, "邮件", "mail"));
	if (strcmp(c, "hotline") == 0)
		return (T(x, "电话", "hotline"));
	if (strcmp(c, "web") == 0)
		return (T(x, "网页", "web"));
	return ("-");	/* printed as it is (%S): never the store's text */
}

/* category - the category's name, and its marks (fast lane, minors) */
static void
category(struct sx *x, buf *b, const char *key)
{
	const struct category	*c = cat_find(x->rt->cats, key);

	hp(b, "%s", c ? cat_name(c, x->l == WL_EN ? "en" : "zh-CN") : key);
	if (c != NULL && c->fast)
		hp(b, " <span class=\"mark fast\">%S</span>",
		    T(x, "快速通道", "fast lane"));
	if (strcmp(key, "minors") == 0)
		hp(b, " <span class=\"mark minor\">%S</span>",
		    T(x, "未成年人", "minors"));
}

/* field - a form or query field, trimmed; NULL when absent or empty */
static const char *
field(const struct sx *x, const char *name)
{
	const char	*v = webd_fields_get(x->rq->f, name);
	char		*t;

	if (v == NULL)
		return (NULL);
	t = str_trim((char *)v);	/* ours: the request's own copy */
	return (*t ? t : NULL);
}

/* text_ok - typed text: UTF-8 without control characters, at most max chars */
static int
text_ok(const char *s, long max)
{
	long	 n = webd_utf8_chars((const unsigned char *)s, strlen(s));

	return (n >= 0 && n <= max);
}

/* select - a <select> of name from rows (key, zh, en), sel chosen */
static void
select_of(struct sx *x, const char *name, const char *label,
    const char *const (*rows)[3], size_t n, const char *sel, int any)
{
	size_t	 i;

	hp(&x->b, "<label>%S <select name=\"%S\">", label, name);
	if (any)
		hp(&x->b, "<option value=\"\">%S</option>", T(x, "全部", "any"));
	for (i = 0; i < n; i++)
		hp(&x->b, "<option value=\"%S\"%S>%S</option>", rows[i][0],
		    sel && strcmp(sel, rows[i][0]) == 0 ? " selected" : "",
		    rows[i][x->l == WL_EN ? 2 : 1]);
	buf_adds(&x->b, "</select></label>");
}

/* queue_link - the queue's URL with its filters and a page */
static void
queue_link(struct sx *x, buf *b, const struct queue_filter *f, long page)
{
	hp(b, "/staff/queue?view=%u", f->view);
	if (f->status)
		hp(b, "&amp;status=%u", f->status);
	if (f->category)
		hp(b, "&amp;category=%u", f->category);
	if (f->channel)
		hp(b, "&amp;channel=%u", f->channel);
	if (f->assignee)
		hp(b, "&amp;assignee=%u", f->assignee);
	if (f->text)
		hp(b, "&amp;q=%u", f->text);
	hp(b, "&amp;page=%l", page);
}

/* queue - GET /staff/queue */
static int
queue(struct sx *x)
{
	struct queue_filter	 f;
	struct case_rows	 rows;
	const char		*pg = field(x, "page");
	char			 loc[64];
	long			 page = pg ? atol(pg) : 1;
	size_t			 i, k, shown;
	const struct case_row	*r;

	memset(&f, 0, sizeof(f));
	f.view = field(x, "view");
	if (f.view == NULL || !store_queue_view(f.view))
		f.view = "open";
	f.status = field(x, "status");
	f.category = field(x, "category");
	f.channel = field(x, "channel");
	f.assignee = field(x, "assignee");
	f.text = field(x, "q");
	if (f.text != NULL && caseno_valid(f.text)) {
		snprintf(loc, sizeof(loc), "/staff/case/%s", f.text);
		sx_redirect(x, loc);
		return (0);
	}
	if (page < 1 || page > QUEUE_PAGES)
		page = 1;
	f.now = x->now;
	f.day_end = x->now + 86400;	/* as the digest's "due today" */
	f.offset = (page - 1) * QUEUE_PAGE;
	f.limit = QUEUE_PAGE + 1;	/* one more: is there a next page? */
	if (store_queue(x->st, &f, &rows) < 0)
		return (-1);
	hp(&x->b, "<h1>%S</h1><nav class=\"views\">", T(x, "案件队列", "Queue"));
	for (i = 0; i < NVIEWS; i++)
		hp(&x->b, "<a href=\"/staff/queue?view=%S\"%S>%S</a> ",
		    views[i][0], strcmp(views[i][0], f.view) == 0 ?
		    " class=\"on\"" : "", views[i][x->l == WL_EN ? 2 : 1]);
	hp(&x->b, "<a href=\"/staff/queue?view=open&amp;assignee=%u\">%S</a>"
	    " <a href=\"/staff/typical\">%S</a></nav>\n<form method=\"get\" action=\"/staff/queue\" class="
	    "\"filter\"><input type=\"hidden\" name=\"view\" value=\"%s\">",
	    x->ses.user, T(x, "我的案件", "Mine"), T(x, "典型案例待批准",
	    "Typical cases to approve"), f.view);
	select_of(x, "status", T(x, "状态", "Status"), statuses, NSTATUSES,
	    f.status, 1);
	hp(&x->b, "<label>%S <select name=\"category\"><option value=\"\">%S"
	    "</option>", T(x, "类别", "Category"), T(x, "全部", "any"));
	for (i = 0; i < x->rt->cats->n; i++)
		hp(&x->b, "<option value=\"%s\"%S>%s</option>",
		    x->rt->cats->v[i].key, f.category && strcmp(f.category,
		    x->rt->cats->v[i].key) == 0 ? " selected" : "",
		    cat_name(&x->rt->cats->v[i], x->l == WL_EN ? "en" : "zh-CN"));
	hp(&x->b, "</select></label><label>%S <select name=\"channel\">"
	    "<option value=\"\">%S</option><option value=\"email\"%S>%S</option>"
	    "<option value=\"hotline\"%S>%S</option><option value=\"web\"%S>%S"
	    "</option></select></label><label>%S <input name=\"assignee\" "
	    "value=\"%s\" size=\"10\"></label><label>%S <input type=\"search\" "
	    "name=\"q\" value=\"%s\" placeholder=\"%S\"></label><button "
	    "type=\"submit\">%S</button></form>\n", T(x, "渠道", "Channel"),
	    T(x, "全部", "any"), f.channel && strcmp(f.channel, "email") == 0 ?
	    " selected" : "", T(x, "邮件", "mail"), f.channel &&
	    strcmp(f.channel, "hotline") == 0 ? " selected" : "",
	    T(x, "电话", "hotline"), f.channel && strcmp(f.channel, "web") == 0 ?
	    " selected" : "", T(x, "网页", "web"), T(x, "经办人", "Assignee"),
	    f.assignee, T(x, "搜索", "Search"), f.text, T(x, "案件编号、网址、账号或文字",
	    "case number, URL, account or words"), T(x, "筛选", "Filter"));
	shown = rows.n > QUEUE_PAGE ? QUEUE_PAGE : rows.n;
	hp(&x->b, "<form method=\"post\" action=\"/staff/bulk\"><input type="
	    "\"hidden\" name=\"csrf\" value=\"%s\"><table class=\"list queue\">"
	    "<tr><th></th><th>%S</th><th>%S</th><th>%S</th><th>%S</th><th>%S"
	    "</th><th>%S</th><th>%S</th><th>%S</th></tr>\n", x->ses.csrf,
	    T(x, "编号", "Case"), T(x, "时限", "Deadline"), T(x, "类别",
	    "Category"), T(x, "渠道", "Channel"), T(x, "状态", "Status"),
	    T(x, "经办人", "Assignee"), T(x, "主题", "Subject"),
	    T(x, "接收时间", "Received"));
	for (k = 0; k < shown; k++) {
		r = &rows.v[k];
		hp(&x->b, "<tr class=\"%S\"><td><input type=\"checkbox\" name="
		    "\"case\" value=\"%s\" aria-label=\"%s\"></td><td><a href="
		    "\"/staff/case/%s\">%s</a></td><td>%t%S</td><td>",
		    r->overdue ? "overdue" : r->outcome == NULL &&
		    r->deadline < x->now + 86400 ? "due" : "", r->case_no,
		    r->case_no, r->case_no, r->case_no, r->deadline,
		    r->overdue ? T(x, " 已超期", " overdue") : "");
		category(x, &x->b, r->category);
		hp(&x->b, "</td><td>%S</td><td>%S</td><td>%s</td><td>%v</td>"
		    "<td>%t</td></tr>\n", channel_name(x, r->channel),
		    status_name(x, r->status), r->assignee ? r->assignee : "",
		    r->subject ? r->subject : "", r->received_at);
	}
	if (shown == 0)
		hp(&x->b, "<tr><td colspan=\"9\">%S</td></tr>",
		    T(x, "没有案件。", "No cases."));
	hp(&x->b, "</table><p class=\"bulk\"><label>%S <input name=\"to\" "
	    "size=\"10\"></label> <button name=\"op\" value=\"assign\">%S"
	    "</button> <button name=\"op\" value=\"accept\">%S</button></p>"
	    "</form><p class=\"pages\">", T(x, "分派给", "Assign to"),
	    T(x, "分派所选", "Assign the ticked"), T(x, "受理所选",
	    "Accept the ticked"));
	if (page > 1) {
		buf_adds(&x->b, "<a rel=\"prev\" href=\"");
		queue_link(x, &x->b, &f, page - 1);
		hp(&x->b, "\">%S</a> ", T(x, "上一页", "Previous"));
	}
	hp(&x->b, "%S %l", T(x, "第", "Page"), page);
	if (rows.n > QUEUE_PAGE && page < QUEUE_PAGES) {
		buf_adds(&x->b, " <a rel=\"next\" href=\"");
		queue_link(x, &x->b, &f, page + 1);
		hp(&x->b, "\">%S</a>", T(x, "下一页", "Next"));
	}
	buf_adds(&x->b, "</p>");
	case_rows_free(&rows);
	sx_page(x, 200, T(x, "案件队列", "Queue"));
	return (0);
}

/* bulk - POST /staff/bulk: assign or accept the ticked cases */
static int
bulk(struct sx *x)
{
	const char		*op = field(x, "op"), *to = field(x, "to");
	struct case_action	 a;
	char			 status[64];
	size_t			 i, n = 0;
	int			 rc;

	if (op == NULL || (strcmp(op, "assign") != 0 &&
	    strcmp(op, "accept") != 0) || (strcmp(op, "assign") == 0 &&
	    (to == NULL || !staff_name_valid(to)))) {
		sx_error(x, 400, "请选择操作；分派需填写经办人用户名。",
		    "Choose an action; to assign, name the assignee.");
		return (0);
	}
	memset(&a, 0, sizeof(a));
	a.action = op;
	a.actor = x->ses.user;
	a.now = x->now;
	a.to = to;
	hp(&x->b, "<h1>%S</h1><ul class=\"results\">", T(x, "批量操作结果",
	    "Bulk action"));
	for (i = 0; i < x->rq->f->n; i++) {
		if (strcmp(x->rq->f->v[i].name, "case") != 0)
			continue;
		if (++n > BULK_MAX) {
			hp(&x->b, "<li class=\"bad\">%S</li>", T(x, "一次最多 100 "
			    "件，其余未处理。", "At most 100 cases at once: the "
			    "rest were left."));
			break;
		}
		if (!caseno_valid(x->rq->f->v[i].value.s)) {
			hp(&x->b, "<li class=\"bad\">%s: %S</li>",
			    x->rq->f->v[i].value.s, T(x, "不是案件编号",
			    "not a case number"));
			continue;
		}
		rc = workflow_act(x->st, &x->site->fb, x->rq->f->v[i].value.s,
		    &a, status, sizeof(status));
		if (rc < 0 && store_busy(x->st))
			return (-1);
		if (rc < 0)
			hp(&x->b, "<li class=\"bad\"><a href=\"/staff/case/%s\">"
			    "%s</a>: %s</li>", x->rq->f->v[i].value.s,
			    x->rq->f->v[i].value.s, store_error(x->st));
		else {
			log_info("%s: %s by %s on the console",
			    x->rq->f->v[i].value.s, op, x->ses.user);
			hp(&x->b, "<li class=\"ok\"><a href=\"/staff/case/%s\">%s"
			    "</a>: %S</li>", x->rq->f->v[i].value.s,
			    x->rq->f->v[i].value.s, status_name(x, status));
		}
	}
	if (n == 0)
		hp(&x->b, "<li>%S</li>", T(x, "未勾选案件。", "No case was ticked."));
	hp(&x->b, "</ul><p><a href=\"/staff/queue\">%S</a></p>",
	    T(x, "返回队列", "Back to the queue"));
	sx_page(x, 200, T(x, "批量操作结果", "Bulk action"));
	return (0);
}

/* audio_type - is an evidence type a recording we play in the page */
static int
audio_type(const char *t)
{
	return (strcmp(t, "audio/wav") == 0 || strcmp(t, "audio/x-wav") == 0 ||
	    strcmp(t, "audio/wave") == 0);
}

/* case_head - the case's own facts */
static void
case_head(struct sx *x, const struct case_view *v)
{
	const struct case_row	*r = &v->row;
	char			 miss[256];

	hp(&x->b, "<h1>%S <span id=\"case\">%s</span></h1><dl class=\"facts\">"
	    "<dt>%S</dt><dd id=\"status\">%S</dd><dt>%S</dt><dd>", T(x, "案件",
	    "Case"), r->case_no, T(x, "状态", "Status"), status_name(x,
	    r->status), T(x, "类别", "Category"));
	category(x, &x->b, r->category);
	hp(&x->b, "</dd><dt>%S</dt><dd>%S</dd><dt>%S</dt><dd>%t</dd><dt>%S</dt>"
	    "<dd class=\"%S\">%t%S</dd><dt>%S</dt><dd>%s</dd>",
	    T(x, "渠道", "Channel"), channel_name(x, r->channel),
	    T(x, "接收时间", "Received"), r->received_at, T(x, "办理时限",
	    "Deadline"), r->overdue ? "overdue" : "", r->deadline,
	    r->overdue ? T(x, "（已超期）", " (overdue)") : "",
	    T(x, "经办人", "Assignee"), r->assignee ? r->assignee : "—");
	if (r->outcome != NULL)
		hp(&x->b, "<dt>%S</dt><dd id=\"outcome\">%S %s</dd>",
		    T(x, "处理结果", "Outcome"), status_name(x, r->outcome),
		    v->outcome_detail ? v->outcome_detail : "");
	if (v->explanation != NULL)
		hp(&x->b, "<dt>%S</dt><dd>%v</dd>", T(x, "说明", "Explanation"),
		    v->explanation);
	if (r->missing) {
		elem_list(r->missing, miss, sizeof(miss));
		hp(&x->b, "<dt>%S</dt><dd class=\"bad\">%s</dd>",
		    T(x, "缺少要件", "Missing elements"), miss);
	}
	hp(&x->b, "<dt>SPF</dt><dd>%s %s</dd>", r->spf, v->spf_domain ?
	    v->spf_domain : "");
	if (v->flood)
		hp(&x->b, "<dt>%S</dt><dd>%S</dd>", T(x, "标记", "Marked"),
		    T(x, "大量重复举报（未确认）", "flood (not acknowledged)"));
	buf_adds(&x->b, "</dl>\n");
}

/* case_report - what was reported: subject, text, URLs, accounts */
static void
case_report(struct sx *x, const struct case_view *v)
{
	size_t	 i;

	hp(&x->b, "<section><h2>%S</h2><p class=\"subject\"><strong>%v</strong>"
	    "</p><pre class=\"text\" id=\"text\">%v</pre>", T(x, "举报内容",
	    "The report"), v->row.subject ? v->row.subject : "",
	    v->text ? v->text : "");
	if (v->urls.n) {
		hp(&x->b, "<h3>%S</h3><ul class=\"targets\">",
		    T(x, "被举报网址", "URLs reported"));
		for (i = 0; i < v->urls.n; i++)
			hp(&x->b, "<li><code>%v</code> <a href=\"/staff/queue?"
			    "view=all&amp;q=%u\">%S</a></li>", v->urls.v[i],
			    v->urls.v[i], T(x, "同一网址的案件", "cases of it"));
		buf_adds(&x->b, "</ul>");
	}
	if (v->accounts.n) {
		hp(&x->b, "<h3>%S</h3><ul class=\"targets\">",
		    T(x, "被举报账号", "Accounts reported"));
		for (i = 0; i < v->accounts.n; i++)
			hp(&x->b, "<li><code>%v</code> <a href=\"/staff/queue?"
			    "view=all&amp;q=%u\">%S</a></li>", v->accounts.v[i],
			    v->accounts.v[i], T(x, "同一账号的案件",
			    "cases of it"));
		buf_adds(&x->b, "</ul>");
	}
	buf_adds(&x->b, "</section>\n");
}

/* case_evidence - the items, a recording with a player */
static void
case_evidence(struct sx *x, const struct case_view *v)
{
	size_t	 i;

	if (v->nev == 0)
		return;
	hp(&x->b, "<section><h2>%S</h2><p class=\"note\">%S</p><table class="
	    "\"list\"><tr><th>#</th><th>%S</th><th>%S</th><th>%S</th><th>SHA-256"
	    "</th><th></th></tr>", T(x, "证据", "Evidence"), T(x, "每次打开均记入"
	    "案件记录。", "Each opening is recorded in the case's ledger."),
	    T(x, "名称", "Name"), T(x, "类型", "Type"), T(x, "大小", "Size"));
	for (i = 0; i < v->nev; i++) {
		hp(&x->b, "<tr><td>%l</td><td>%v</td><td>%v</td><td>%L</td><td>"
		    "<code class=\"sha\">%s</code></td><td>", (long)i + 1,
		    v->ev[i].name, v->ev[i].type, v->ev[i].size,
		    v->ev[i].sha256);
		if (audio_type(v->ev[i].type))
			hp(&x->b, "<audio controls preload=\"none\" id=\"rec%l\" "
			    "src=\"/staff/case/%s/evidence/%l\"></audio>",
			    (long)i + 1, v->row.case_no, (long)i + 1);
		else if (v->ev[i].original)
			/* the message as it came names its sender: a reveal */
			hp(&x->b, "<form method=\"post\" action=\"/staff/case/%s/"
			    "evidence/%l\" class=\"inline\" id=\"original%l\">"
			    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
			    "<input name=\"reason\" required maxlength=\"200\" "
			    "size=\"16\" placeholder=\"%S\"> <button type=\"submit"
			    "\">%S</button></form>", v->row.case_no, (long)i + 1,
			    (long)i + 1, x->ses.csrf, T(x, "理由（记入案件记录）",
			    "why (recorded)"), T(x, "下载原始邮件（含举报人信息）",
			    "Download the original (names the reporter)"));
		else
			hp(&x->b, "<a href=\"/staff/case/%s/evidence/%l\">%S</a>",
			    v->row.case_no, (long)i + 1, T(x, "下载", "Download"));
		buf_adds(&x->b, "</td></tr>");
	}
	buf_adds(&x->b, "</table></section>\n");
}

/* case_messages - what the case owed: sent, suppressed (why), call-backs */
static void
case_messages(struct sx *x, const struct case_view *v)
{
	const struct case_message	*m;
	size_t				 i;

	if (v->nmessages == 0)
		return;
	hp(&x->b, "<section><h2>%S</h2><table class=\"list\" id=\"messages\">"
	    "<tr><th>%S</th><th>%S</th><th>%S</th><th>%S</th><th>%S</th>"
	    "<th>%S</th></tr>", T(x, "回复与反馈", "Messages"), T(x, "种类",
	    "Kind"), T(x, "渠道", "Channel"), T(x, "状态", "Status"),
	    T(x, "原因", "Reason"), T(x, "创建", "Created"), T(x, "发送",
	    "Sent"));
	for (i = 0; i < v->nmessages; i++) {
		m = &v->messages[i];
		hp(&x->b, "<tr><td>%s</td><td>%s</td><td>%s", m->kind,
		    m->channel, m->status);
		if (strcmp(m->status, "callback") == 0)
			hp(&x->b, "<form method=\"post\" action=\"/staff/case/%s/"
			    "callback\" class=\"inline\"><input type=\"hidden\" "
			    "name=\"csrf\" value=\"%s\"><input type=\"hidden\" "
			    "name=\"message\" value=\"%l\"><button type=\"submit\">"
			    "%S</button></form>", v->row.case_no, x->ses.csrf,
			    m->id, T(x, "已回拨", "Called back"));
		hp(&x->b, "</td><td>%v</td><td>%t</td><td>%t</td></tr>",
		    m->reason ? m->reason : m->last_error ? m->last_error : "",
		    m->created_at, m->sent_at);
	}
	buf_adds(&x->b, "</table>");
	for (i = 0; i < v->nmessages; i++)
		if (strcmp(v->messages[i].status, "callback") == 0) {
			hp(&x->b, "<p class=\"note\">%S</p>", T(x, "来电人没有短信"
			    "通道：请回拨告知处理结果。回拨号码属于举报人信息，"
			    "需在下方查看（将记入案件记录）。", "The caller has no "
			    "SMS: call them back with the outcome. Their number is "
			    "the reporter's identity: reveal it below (it is "
			    "recorded)."));
			break;
		}
	buf_adds(&x->b, "</section>\n");
}

/* case_ledger - the events, the measures and the related cases */
static void
case_ledger(struct sx *x, const struct case_view *v)
{
	size_t	 i;

	if (v->nmeasures) {
		hp(&x->b, "<section><h2>%S</h2><ul>", T(x, "处置措施",
		    "Measures"));
		for (i = 0; i < v->nmeasures; i++)
			hp(&x->b, "<li>%s %S%t · %s · %t</li>",
			    v->measures[i].measure, v->measures[i].until ?
			    T(x, "至 ", "until ") : "", v->measures[i].until,
			    v->measures[i].actor, v->measures[i].at);
		buf_adds(&x->b, "</ul></section>\n");
	}
	if (v->nrelated) {
		hp(&x->b, "<section><h2>%S</h2><ul class=\"related\">",
		    T(x, "相关案件（同一网址或账号）",
		    "Related cases (the same URL or account)"));
		for (i = 0; i < v->nrelated; i++)
			hp(&x->b, "<li><a href=\"/staff/case/%s\">%s</a> %v · %S"
			    " · %s</li>", v->related[i].case_no,
			    v->related[i].case_no, v->related[i].target,
			    status_name(x, v->related[i].status),
			    v->related[i].measures ? v->related[i].measures : "");
		buf_adds(&x->b, "</ul></section>\n");
	}
	hp(&x->b, "<section><h2>%S</h2><table class=\"list\" id=\"ledger\"><tr>"
	    "<th>%S</th><th>%S</th><th>%S</th><th>%S</th></tr>",
	    T(x, "案件记录", "Ledger"), T(x, "时间", "When"), T(x, "人员",
	    "Who"), T(x, "动作", "Action"), T(x, "详情", "Detail"));
	for (i = 0; i < v->nevents; i++)
		hp(&x->b, "<tr><td>%t</td><td>%s</td><td>%s</td><td>%v</td></tr>",
		    v->events[i].at, v->events[i].actor, v->events[i].action,
		    v->events[i].detail ? v->events[i].detail : "");
	buf_adds(&x->b, "</table></section>\n");
}

/* case_proposals - the removals proposed, and the reviewer's buttons */
static void
case_proposals(struct sx *x, const char *case_no,
    const struct case_proposal *p, size_t n)
{
	size_t	 i;

	if (n == 0)
		return;
	hp(&x->b, "<section id=\"proposals\"><h2>%S</h2><p class=\"note\">%S"
	    "</p><ul>", T(x, "处置提议（审处分离）", "Proposed removals "
	    "(two people)"), T(x, "删除、屏蔽、断开链接、关闭账号须由另一名"
	    "复核员批准后生效；提议人不能批准自己的提议。", "Delete, block, "
	    "unlink and close take effect only when a second person, a "
	    "reviewer, approves; never the proposer."));
	for (i = 0; i < n; i++) {
		hp(&x->b, "<li class=\"%s\">%s · %s · %S %s%S%t", p[i].state,
		    p[i].measures, p[i].state, T(x, "提议人", "proposed by"),
		    p[i].proposer, p[i].until ? T(x, " · 至 ", " · until ") :
		    "", p[i].until);
		if (p[i].decided_by != NULL)
			hp(&x->b, " · %S %s %t%S%v", T(x, "复核人", "decided by"),
			    p[i].decided_by, p[i].decided_at, p[i].reason ?
			    " · " : "", p[i].reason ? p[i].reason : "");
		if (strcmp(p[i].state, "pending") == 0 &&
		    staff_may(x->ses.role, ROLE_REVIEWER) &&
		    strcmp(p[i].proposer, x->ses.user) != 0)
			hp(&x->b, "<form method=\"post\" action=\"/staff/case/%s/"
			    "act\" class=\"inline\"><input type=\"hidden\" name="
			    "\"csrf\" value=\"%s\"><button name=\"action\" value="
			    "\"approve\" id=\"approve\">%S</button> <input name="
			    "\"reason\" placeholder=\"%S\"> <button name=\"action\""
			    " value=\"decline\">%S</button></form>", case_no,
			    x->ses.csrf, T(x, "批准", "Approve"), T(x, "驳回理由",
			    "why not"), T(x, "驳回", "Decline"));
		else if (strcmp(p[i].state, "pending") == 0)
			hp(&x->b, " <em>%S</em>", T(x, "等待另一名复核员批准",
			    "waits for another person, a reviewer"));
		buf_adds(&x->b, "</li>");
	}
	buf_adds(&x->b, "</ul></section>\n");
}

/*
 * typical_buttons - what x's account may do with typical case t of case
 * no: approve or decline it (a reviewer, not its proposer), withdraw it
 * (its proposer, an admin).  The store applies the rule again.
 */
static void
typical_buttons(struct sx *x, const char *no, const struct typical *t)
{
	int	 pending = strcmp(t->state, "pending") == 0;
	int	 mine = strcmp(t->proposer, x->ses.user) == 0;

	if (pending && !mine && staff_may(x->ses.role, ROLE_REVIEWER))
		hp(&x->b, "<form method=\"post\" action=\"/staff/case/%s/"
		    "typical\" class=\"inline\"><input type=\"hidden\" name="
		    "\"csrf\" value=\"%s\"><input type=\"hidden\" name=\"id\" "
		    "value=\"%L\"><button name=\"action\" value=\"approve\" "
		    "id=\"typical-approve\">%S</button> <input name=\"reason\" "
		    "maxlength=\"500\" placeholder=\"%S\"> <button name=\"action\""
		    " value=\"decline\">%S</button></form>", no, x->ses.csrf,
		    t->id, T(x, "批准发布", "Approve and publish"),
		    T(x, "驳回理由", "why not"), T(x, "驳回", "Decline"));
	else if (pending)
		hp(&x->b, " <em>%S</em>", T(x, "等待另一名复核员批准",
		    "waits for another person, a reviewer"));
	if ((pending || strcmp(t->state, "published") == 0) && (mine ||
	    staff_may(x->ses.role, ROLE_ADMIN)))
		hp(&x->b, "<form method=\"post\" action=\"/staff/case/%s/"
		    "typical\" class=\"inline\"><input type=\"hidden\" name="
		    "\"csrf\" value=\"%s\"><input type=\"hidden\" name=\"id\" "
		    "value=\"%L\"><button name=\"action\" value=\"withdraw\">%S"
		    "</button></form>", no, x->ses.csrf, t->id, T(x, "撤回",
		    "Withdraw"));
}

/*
 * case_typical - a closed case's typical cases (指导意见 二十), the form
 * that proposes one (what was typed kept after a refusal), the buttons
 */
static void
case_typical(struct sx *x, const struct case_view *v, const struct typical *t,
    size_t n)
{
	const char	*no = v->row.case_no, *title, *summary;
	int		 open = 0;
	size_t		 i;

	if (strcmp(v->row.status, "closed") != 0 &&
	    strcmp(v->row.status, "feedback_sent") != 0 && n == 0)
		return;
	hp(&x->b, "<section id=\"typical\"><h2>%S</h2><p class=\"note\">%S"
	    "</p><ul>", T(x, "典型案例", "Typical case"), T(x, "办结的案件可作为"
	    "典型案例公开：须经另一名复核员批准后发布，提议人不能批准自己的提议。"
	    "标题和摘要不得含有举报人的任何信息，也不得含有手机号码或电子邮件地址。",
	    "A closed case may be published as a typical case when a second "
	    "person, a reviewer, approves it; never the proposer.  Its title "
	    "and summary hold nothing of the reporter, and no mobile number or "
	    "e-mail address."));
	for (i = 0; i < n; i++) {
		open |= strcmp(t[i].state, "pending") == 0 ||
		    strcmp(t[i].state, "published") == 0;
		hp(&x->b, "<li class=\"%s\" id=\"typical-%L\"><strong>%v</strong>"
		    " · %S · %S %s %t", t[i].state, t[i].id, t[i].title,
		    row_name(x, typical_states, NTYPICAL_STATES, t[i].state),
		    T(x, "提议人", "proposed by"),
		    t[i].proposer, t[i].proposed_at);
		if (t[i].decided_by != NULL)
			hp(&x->b, " · %S %s %t%S%v", T(x, "决定人", "decided by"),
			    t[i].decided_by, t[i].decided_at, t[i].reason ?
			    " · " : "", t[i].reason ? t[i].reason : "");
		typical_buttons(x, no, &t[i]);
		hp(&x->b, "<pre class=\"text\">%v</pre></li>", t[i].summary);
	}
	buf_adds(&x->b, "</ul>");
	if (!open && (strcmp(v->row.status, "closed") == 0 ||
	    strcmp(v->row.status, "feedback_sent") == 0)) {
		title = field(x, "title");
		summary = field(x, "summary");
		hp(&x->b, "<form method=\"post\" action=\"/staff/case/%s/typical"
		    "\" class=\"act\" id=\"typicalform\"><input type=\"hidden\" "
		    "name=\"csrf\" value=\"%s\"><input type=\"hidden\" name="
		    "\"action\" value=\"propose\"><label>%S <input name=\"title\" "
		    "required maxlength=\"100\" size=\"40\" value=\"%s\"></label>"
		    "<label>%S <textarea name=\"summary\" required rows=\"6\" "
		    "cols=\"60\" maxlength=\"2000\">%s</textarea></label><button "
		    "type=\"submit\">%S</button></form>", no, x->ses.csrf,
		    T(x, "标题", "Title"), title ? title : "", T(x, "公开摘要",
		    "Public summary"), summary ? summary : "", T(x, "提交复核",
		    "Propose for approval"));
	}
	buf_adds(&x->b, "</section>\n");
}

/* case_forms - the workflow's actions, the disposal, the reveal */
static void
case_forms(struct sx *x, const struct case_view *v)
{
	const char	*no = v->row.case_no;
	size_t		 i;

	hp(&x->b, "<section><h2>%S</h2><form method=\"post\" action=\"/staff/"
	    "case/%s/act\" class=\"act\" id=\"actform\"><input type=\"hidden\" "
	    "name=\"csrf\" value=\"%s\"><label>%S <select name=\"action\">",
	    T(x, "办理", "Handle"), no, x->ses.csrf, T(x, "操作", "Action"));
	for (i = 0; i < NACTIONS; i++)
		hp(&x->b, "<option value=\"%S\">%S</option>", actions[i][0],
		    actions[i][x->l == WL_EN ? 3 : 2]);
	hp(&x->b, "</select></label><label>%S <input name=\"to\" size=\"12\">"
	    "</label><label>%S <textarea name=\"reason\" rows=\"2\" cols=\"40\" "
	    "maxlength=\"2000\"></textarea></label><button type=\"submit\">%S"
	    "</button></form>\n", T(x, "分派或转办给", "To (assign, transfer)"),
	    T(x, "理由或备注", "Reason or text"), T(x, "执行", "Do it"));
	hp(&x->b, "<form method=\"post\" action=\"/staff/case/%s/act\" class="
	    "\"act\" id=\"disposeform\"><input type=\"hidden\" name=\"csrf\" "
	    "value=\"%s\"><input type=\"hidden\" name=\"action\" value="
	    "\"dispose\"><fieldset><legend>%S</legend>", no, x->ses.csrf,
	    T(x, "处置措施", "Measures"));
	for (i = 0; i < NMEASURES; i++)
		hp(&x->b, "<label class=\"check\"><input type=\"checkbox\" name="
		    "\"measure\" value=\"%S\"> %S</label>", measures[i][0],
		    measures[i][x->l == WL_EN ? 2 : 1]);
	hp(&x->b, "</fieldset><label>%S <input type=\"date\" name=\"until\">"
	    "</label><label>%S <textarea name=\"explain\" rows=\"2\" cols=\"40\" "
	    "maxlength=\"2000\"></textarea></label><label class=\"check\"><input "
	    "type=\"checkbox\" name=\"no_feedback\" value=\"1\"> %S</label>"
	    "<button type=\"submit\">%S</button></form>\n", T(x, "限时加私至",
	    "Private until"), T(x, "向举报人说明", "Explanation for the "
	    "reporter"), T(x, "暂不反馈", "no feedback yet"), T(x, "处置",
	    "Dispose"));
	hp(&x->b, "<form method=\"post\" action=\"/staff/case/%s/reveal\" "
	    "class=\"act\" id=\"revealform\"><input type=\"hidden\" name=\"csrf\" "
	    "value=\"%s\"><label>%S <input name=\"reason\" required maxlength="
	    "\"200\" size=\"30\"></label><button type=\"submit\">%S</button></form>"
	    "</section>\n", no, x->ses.csrf, T(x, "查看举报人信息的理由（将记入"
	    "案件记录）", "Why you need the reporter's identity (it is "
	    "recorded)"), T(x, "查看举报人", "Reveal the reporter"));
}

/* case_reporter - the identity, shown only after the reveal is recorded */
static void
case_reporter(struct sx *x, const struct case_view *v)
{
	const struct case_event	*e = NULL;
	size_t			 i;

	hp(&x->b, "<section id=\"reporter\"><h2>%S</h2>", T(x, "举报人",
	    "Reporter"));
	if (!v->revealed) {
		hp(&x->b, "<p>%S</p></section>\n", T(x, "举报人信息已隐藏。",
		    "The reporter's identity is hidden."));
		return;
	}
	for (i = 0; i < v->nevents; i++)
		if (strcmp(v->events[i].action, "reveal") == 0 &&
		    strcmp(v->events[i].actor, x->ses.user) == 0)
			e = &v->events[i];
	hp(&x->b, "<dl class=\"facts\"><dt>%S</dt><dd>%v</dd><dt>%S</dt><dd>%v"
	    "</dd><dt>%S</dt><dd>%v</dd></dl>", T(x, "地址", "Address"),
	    v->rep_address ? v->rep_address : "", T(x, "姓名", "Name"),
	    v->rep_name ? v->rep_name : "", T(x, "电话", "Phone"),
	    v->rep_phone ? v->rep_phone : "");
	if (e != NULL)
		hp(&x->b, "<p class=\"audit\" id=\"audit\">%S %t %s %s: %v</p>",
		    T(x, "本次查看已记入案件记录：", "This was recorded in the "
		    "ledger:"), e->at, e->actor, e->action, e->detail ?
		    e->detail : "");
	buf_adds(&x->b, "</section>\n");
}

/*
 * case_page - the case page (reason: reveal the reporter, recorded
 * first); status 200, or the refusal's code with the flash set
 */
static int
case_page(struct sx *x, const char *no, const char *reason,
    unsigned int status)
{
	struct case_view	 v;
	struct case_proposal	*p = NULL;
	struct typical		*t = NULL;
	size_t			 np = 0, nt = 0;

	if (store_case_view_why(x->st, no, reason, x->ses.user, x->now,
	    &v) < 0) {
		if (store_busy(x->st))
			return (-1);
		sx_error(x, 404, "没有这个案件。", "No such case.");
		return (0);
	}
	if (reason != NULL)
		log_info("%s: the reporter revealed to %s on the console", no,
		    x->ses.user);
	if (store_proposals(x->st, no, &p, &np) < 0 ||
	    store_typical_of_case(x->st, no, &t, &nt) < 0) {
		case_proposals_free(p, np);
		case_view_free(&v);
		return (-1);
	}
	case_head(x, &v);
	case_proposals(x, no, p, np);
	case_typical(x, &v, t, nt);
	case_report(x, &v);
	case_evidence(x, &v);
	case_forms(x, &v);
	case_reporter(x, &v);
	case_messages(x, &v);
	case_ledger(x, &v);
	x->a->media = v.nev > 0;
	case_proposals_free(p, np);
	typical_free(t, nt);
	case_view_free(&v);
	sx_page(x, status, no);
	return (0);
}

/* until_of - "YYYY-MM-DD" as the end of that day, local time; 0 if bad */
static time_t
until_of(const char *s)
{
	struct tm	 tm;
	char		*end;

	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%Y-%m-%d", &tm)) == NULL || *end != '\0')
		return (0);
	tm.tm_hour = 23;
	tm.tm_min = 59;
	tm.tm_sec = 59;
	tm.tm_isdst = -1;
	return (mktime(&tm));
}

/*
 * act_check - what the action needs (as jubaoctl's): NULL, or why not
 * in the page's language
 */
static const char *
act_check(struct sx *x, struct case_action *a, const char **ms, int *bad)
{
	const char	*need = NULL;
	size_t		 i, k;
	int		 priv = 0;

	*bad = 1;
	for (i = 0; i < NACTIONS; i++)
		if (strcmp(actions[i][0], a->action) == 0)
			need = actions[i][1];
	if (need == NULL && strcmp(a->action, "dispose") != 0 &&
	    strcmp(a->action, "approve") != 0 &&
	    strcmp(a->action, "decline") != 0)
		return (T(x, "没有这个操作。", "No such action."));
	if (a->reason != NULL && !text_ok(a->reason, WEBD_TEXT_CHARS))
		return (T(x, "理由过长或含有控制字符。",
		    "The text is too long or holds control characters."));
	if (a->explain != NULL && !text_ok(a->explain, WEBD_TEXT_CHARS))
		return (T(x, "说明过长或含有控制字符。",
		    "The explanation is too long or holds control characters."));
	if (need != NULL && strchr(need, 't') && (a->to == NULL ||
	    !text_ok(a->to, 100)))
		return (T(x, "请填写分派或转办对象。", "Say to whom."));
	if (((need != NULL && strchr(need, 'r')) ||
	    strcmp(a->action, "decline") == 0) && a->reason == NULL)
		return (T(x, "请填写理由或内容。", "Give the reason or the text."));
	if (strcmp(a->action, "dispose") == 0) {
		if (a->nmeasures == 0)
			return (T(x, "请选择处置措施。", "Choose the measures."));
		for (k = 0; k < a->nmeasures; k++) {
			if (!workflow_measure_valid(ms[k]))
				return (T(x, "没有这个处置措施。",
				    "No such measure."));
			priv |= strcmp(ms[k], "private") == 0;
		}
		if (priv != (a->until != 0))
			return (T(x, "限时加私须填写截止日期（且仅限时加私填写）。",
			    "Private goes with an end date, and only it."));
	}
	*bad = 0;
	return (NULL);
}

/* act - POST /staff/case/N/act: one workflow action as the logged-in name */
static int
act(struct sx *x, const char *no)
{
	struct case_action	 a;
	const char		*ms[MEASURES_MAX], *why, *u;
	char			 status[64], loc[96];
	size_t			 i;
	int			 bad;

	memset(&a, 0, sizeof(a));
	a.action = field(x, "action");
	a.actor = x->ses.user;
	a.now = x->now;
	a.to = field(x, "to");
	a.reason = field(x, "reason");
	a.explain = field(x, "explain");
	a.no_feedback = field(x, "no_feedback") != NULL;
	a.measures = ms;
	for (i = 0; i < x->rq->f->n; i++)
		if (strcmp(x->rq->f->v[i].name, "measure") == 0 &&
		    a.nmeasures < MEASURES_MAX)
			ms[a.nmeasures++] = x->rq->f->v[i].value.s;
	if ((u = field(x, "until")) != NULL && (a.until = until_of(u)) == 0) {
		sx_flash(x, 1, "%s", T(x, "日期格式应为 YYYY-MM-DD。",
		    "A date is YYYY-MM-DD."));
		return (case_page(x, no, NULL, 400));
	}
	if (a.action == NULL) {
		sx_flash(x, 1, "%s", T(x, "请选择操作。", "Choose an action."));
		return (case_page(x, no, NULL, 400));
	}
	if ((why = act_check(x, &a, ms, &bad)) != NULL) {
		sx_flash(x, 1, "%s", why);
		return (case_page(x, no, NULL, 400));
	}
	if (workflow_act(x->st, &x->site->fb, no, &a, status,
	    sizeof(status)) < 0) {
		if (store_busy(x->st))
			return (-1);
		log_info("%s: %s by %s on the console refused: %s", no,
		    a.action, x->ses.user, store_error(x->st));
		sx_flash(x, 1, "%s", store_error(x->st));
		return (case_page(x, no, NULL, 409));
	}
	log_info("%s: %s by %s on the console (now %s)", no, a.action,
	    x->ses.user, status);
	snprintf(loc, sizeof(loc), "/staff/case/%s?done=%s", no,
	    strcmp(status, "proposed") == 0 ? "propose" : a.action);
	sx_redirect(x, loc);
	return (0);
}

/*
 * typical - POST /staff/case/N/typical: a typical case proposed (title,
 * summary) or, by id, approved, declined or withdrawn, as the logged-in
 * name; the store keeps the rules (typical.h).  A refusal shows the case
 * again with what was typed; it never echoes the reporter.
 */
static int
typical(struct sx *x, const char *no)
{
	static const char *const acts[] = { "approve", "decline", "withdraw" };
	const char	*action = field(x, "action"), *id = field(x, "id");
	char		 loc[96];
	size_t		 k;
	int		 rc;

	if (action == NULL || strcmp(action, "propose") == 0) {
		action = "propose";
		rc = store_typical_propose(x->st, no, x->ses.user,
		    field(x, "title"), field(x, "summary"), x->now, NULL);
	} else {
		for (k = 0; k < sizeof(acts) / sizeof(acts[0]); k++)
			if (strcmp(acts[k], action) == 0)
				break;
		if (k == sizeof(acts) / sizeof(acts[0]) || id == NULL ||
		    strspn(id, "0123456789") != strlen(id) || strlen(id) > 15) {
			sx_error(x, 400, "请求不完整。",
			    "The request is incomplete.");
			return (0);
		}
		action = acts[k];
		rc = store_typical_decide(x->st, no, atoll(id),
		    (enum typical_act)k, x->ses.user, field(x, "reason"),
		    x->now);
	}
	if (rc < 0) {
		if (store_busy(x->st))
			return (-1);
		log_info("%s: typical case %s by %s on the console refused: %s",
		    no, action, x->ses.user, store_error(x->st));
		sx_flash(x, 1, "%s", store_error(x->st));
		return (case_page(x, no, NULL, 409));
	}
	log_info("%s: typical case %s by %s on the console", no, action,
	    x->ses.user);
	snprintf(loc, sizeof(loc), "/staff/case/%s?done=typical_%s", no,
	    action);
	sx_redirect(x, loc);
	return (0);
}

/* typical_queue - GET /staff/typical: the typical cases awaiting approval */
static int
typical_queue(struct sx *x)
{
	struct typical	*t;
	size_t		 n, i;

	if (store_typical_pending(x->st, QUEUE_PAGE, &t, &n) < 0)
		return (-1);
	hp(&x->b, "<h1>%S</h1><p class=\"note\">%S <a href=\"/typical\">%S</a>"
	    "</p><table class=\"list\" id=\"typical\"><tr><th>%S</th><th>%S"
	    "</th><th>%S</th><th>%S</th></tr>", T(x, "典型案例待批准",
	    "Typical cases to approve"), T(x, "须由提议人以外的复核员批准后发布。",
	    "Published when a reviewer other than the proposer approves."),
	    T(x, "已发布的典型案例", "The published typical cases"),
	    T(x, "案件", "Case"), T(x, "标题", "Title"), T(x, "提议人",
	    "Proposed by"), T(x, "提议时间", "Proposed"));
	for (i = 0; i < n; i++)
		hp(&x->b, "<tr><td><a href=\"/staff/case/%s#typical\">%s</a></td>"
		    "<td>%v</td><td>%s</td><td>%t</td></tr>", t[i].case_no,
		    t[i].case_no, t[i].title, t[i].proposer, t[i].proposed_at);
	if (n == 0)
		hp(&x->b, "<tr><td colspan=\"4\">%S</td></tr>", T(x, "没有待批准的"
		    "典型案例。", "None awaits approval."));
	buf_adds(&x->b, "</table>\n");
	typical_free(t, n);
	sx_page(x, 200, T(x, "典型案例待批准", "Typical cases to approve"));
	return (0);
}

/* callback - POST /staff/case/N/callback: a call-back made */
static int
callback(struct sx *x, const char *no)
{
	const char	*m = field(x, "message");
	char		 loc[96];

	if (m == NULL || strspn(m, "0123456789") != strlen(m) ||
	    strlen(m) > 15) {
		sx_error(x, 400, "请求不完整。", "The request is incomplete.");
		return (0);
	}
	if (store_callback_done(x->st, no, atol(m), x->ses.user, x->now) < 0) {
		if (store_busy(x->st))
			return (-1);
		sx_flash(x, 1, "%s", store_error(x->st));
		return (case_page(x, no, NULL, 409));
	}
	log_info("%s: call-back made by %s", no, x->ses.user);
	snprintf(loc, sizeof(loc), "/staff/case/%s?done=callback", no);
	sx_redirect(x, loc);
	return (0);
}

/* put_buf - evidence_item_open's writer into a memory file */
static int
read_all(int fd, void **data, size_t *len)
{
	struct stat	 sb;
	void		*m;

	if (fstat(fd, &sb) < 0 || sb.st_size > EVIDENCE_MAX)
		return (-1);
	if (sb.st_size == 0) {
		*data = xmalloc(1);
		*len = 0;
		return (0);
	}
	if ((m = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd,
	    0)) == MAP_FAILED)
		return (-1);
	*data = xmalloc((size_t)sb.st_size);
	*len = (size_t)sb.st_size;
	memcpy(*data, m, *len);
	munmap(m, *len);
	return (0);
}

/* ext_of - a download's extension from the sender's name: [A-Za-z0-9]{1,8} */
static void
ext_of(const char *name, char *out, size_t len)
{
	const char	*dot = strrchr(name, '.');
	size_t		 n;

	out[0] = '\0';
	if (dot == NULL || (n = strlen(dot + 1)) == 0 || n > 8 || n >= len ||
	    strspn(dot + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789") != n)
		return;
	snprintf(out, len, ".%s", dot + 1);
}

/*
 * original_reveal - before item n of case no is opened: the original
 * message as it came names the reporter (its From, its Received lines),
 * so it is opened only by a POST with a reason, which is recorded as a
 * reveal first, as the reveal form's is.  1: go on and open it; 0: the
 * refusal is the answer; -1: the store failed.
 */
static int
original_reveal(struct sx *x, const char *no, long n)
{
	struct case_view	 v;
	const char		*why = field(x, "reason");
	int			 orig;

	if (store_case_view(x->st, no, 0, x->ses.user, x->now, &v) < 0)
		return (store_busy(x->st) ? -1 : 1);	/* open refuses it */
	orig = n <= (long)v.nev && v.ev[n - 1].original;
	case_view_free(&v);
	if (!orig)
		return (x->rq->post ? (sx_error(x, 405, "请求方法不对。",
		    "Wrong method."), 0) : 1);
	if (!x->rq->post || why == NULL || !text_ok(why, 200)) {
		sx_error(x, x->rq->post ? 400 : 403, "原始邮件含有举报人信息：请在"
		    "案件页填写理由后下载（将记入案件记录）。", "The original "
		    "message names the reporter: download it from the case "
		    "page with a reason (it is recorded).");
		return (0);
	}
	if (store_case_view_why(x->st, no, why, x->ses.user, x->now, &v) < 0)
		return (store_busy(x->st) ? -1 : 1);
	case_view_free(&v);
	log_info("%s: the original message (item %ld) opened by %s on the "
	    "console, a reveal", no, n, x->ses.user);
	return (1);
}

/*
 * evidence - GET /staff/case/N/evidence/K: the item, its opening in the
 * ledger first; a recording as audio/wav (a player asks in ranges),
 * anything else as a download that the browser never renders here
 */
static int
evidence(struct sx *x, const char *no, const char *k)
{
	struct store_evidence	 ev;
	char			 sha[65], ext[16];
	buf			 err = { 0 };
	int			 fd, rc;
	long			 n;

	n = strspn(k, "0123456789") == strlen(k) && strlen(k) < 6 ? atol(k) : 0;
	if (n < 1) {
		sx_error(x, 404, "没有这件证据。", "No such item.");
		return (0);
	}
	if ((rc = original_reveal(x, no, n)) != 1)
		return (rc);
	if (store_evidence_open(x->st, no, n, x->ses.user, x->now, &ev) < 0) {
		if (store_busy(x->st))
			return (-1);
		sx_error(x, 404, "没有这件证据。", "No such item.");
		return (0);
	}
	if (ev.size > EVIDENCE_MAX) {
		sx_error(x, 413, "这件证据太大，无法在网页中打开，请用 jubaoctl "
		    "evidence。", "This item is too large for the console: use "
		    "jubaoctl evidence.");
		return (0);
	}
	if ((fd = memfd_create("jubao-evidence", MFD_CLOEXEC)) < 0)
		log_fatal("memfd_create: %s", strerror(errno));
	buf_adds(&err, "");
	rc = evidence_item_open(x->rt->cfg, x->st, &ev, fd, sha, &err);
	if (rc == 0 && (strcmp(sha, ev.sha256) != 0 ||
	    read_all(fd, &x->a->data, &x->a->len) < 0)) {
		buf_printf(&err, "item %ld: its content does not match its "
		    "SHA-256, or it is too large to serve", n);
		rc = -1;
	}
	close(fd);
	if (rc == -2) {
		buf_free(&err);
		return (-1);
	}
	if (rc < 0) {
		log_error("%s: evidence %ld: %s", no, n, err.s);
		buf_free(&err);
		sx_error(x, 500, "证据无法打开，已记录。",
		    "The item cannot be opened; this was logged.");
		return (0);
	}
	buf_free(&err);
	log_info("%s: evidence %ld opened by %s on the console", no, n,
	    x->ses.user);
	x->a->status = 200;
	if (audio_type(ev.type))
		x->a->type = "audio/wav";
	else {
		x->a->type = "application/octet-stream";
		ext_of(ev.name, ext, sizeof(ext));
		x->a->filename = xasprintf("%s-%ld%s", no, n, ext);
	}
	return (0);
}

/* period - the statistics' period from "from" and "to" (dates), else 30 days */
static void
period(struct sx *x, time_t *from, time_t *to)
{
	const char	*f = field(x, "from"), *t = field(x, "to");
	time_t		 v;

	*to = x->now;
	*from = x->now - 30 * 86400;
	if (t != NULL && (v = until_of(t)) != 0)
		*to = v + 1;
	if (f != NULL && (v = until_of(f)) != 0)
		*from = v + 1 - 86400;
}

/* stats - GET /staff/stats, stats.html, stats.csv */
static int
stats(struct sx *x, const char *which)
{
	struct stats	 s;
	struct hot_rows	 hot;
	time_t		 from, to;
	char		*mem = NULL, df[16], dt[16];
	size_t		 mlen = 0, i;
	FILE		*fp;
	struct tm	 tm;

	period(x, &from, &to);
	if (store_stats(x->st, from, to, &s) < 0)
		return (-1);
	if (*which != '\0') {
		if ((fp = open_memstream(&mem, &mlen)) == NULL)
			log_fatal("open_memstream: %s", strerror(errno));
		if (strcmp(which, ".csv") == 0)
			stats_csv(&s, x->rt->cats, fp);
		else
			stats_html(&s, x->rt->cats, x->rt->cfg->site_name, fp);
		fclose(fp);
		stats_free(&s);
		x->a->status = 200;
		if (strcmp(which, ".csv") == 0) {
			x->a->data = mem;
			x->a->len = mlen;
			x->a->type = "text/csv; charset=utf-8";
			x->a->filename = xstrdup("statistics.csv");
		} else {
			x->a->html = mem;
			x->a->csp = "default-src 'none'; style-src "
			    "'unsafe-inline'; frame-ancestors 'none'; "
			    "base-uri 'none'; form-action 'none'";
		}
		return (0);
	}
	if (store_hot(x->st, from, to, 20, &hot) < 0) {
		stats_free(&s);
		return (-1);
	}
	localtime_r(&from, &tm);
	strftime(df, sizeof(df), "%Y-%m-%d", &tm);
	localtime_r(&to, &tm);
	strftime(dt, sizeof(dt), "%Y-%m-%d", &tm);
	hp(&x->b, "<h1>%S</h1><form method=\"get\" action=\"/staff/stats\" "
	    "class=\"filter\"><label>%S <input type=\"date\" name=\"from\" "
	    "value=\"%S\"></label><label>%S <input type=\"date\" name=\"to\" "
	    "value=\"%S\"></label><button type=\"submit\">%S</button></form>"
	    "<table class=\"list\" id=\"stats\">", T(x, "统计", "Statistics"),
	    T(x, "自", "From"), df, T(x, "至", "To"), dt, T(x, "查看", "Show"));
	hp(&x->b, "<tr><th>%S</th><td>%L</td></tr><tr><th>%S</th><td>%L</td></tr>"
	    "<tr><th>%S</th><td>%L</td></tr><tr><th>%S</th><td>%L</td></tr>"
	    "<tr><th>%S</th><td>%L</td></tr><tr><th>%S</th><td>%L</td></tr>",
	    T(x, "收到", "Received"), s.received, T(x, "受理", "Accepted"),
	    s.accepted, T(x, "已处置", "Disposed"), s.disposed,
	    T(x, "不予受理", "Not accepted"), s.not_accepted,
	    T(x, "按时办结", "On time"), s.on_time, T(x, "已反馈", "Told the "
	    "outcome"), s.feedback_sent);
	hp(&x->b, "</table><p><a href=\"/staff/stats.html?from=%S&amp;to=%S\">"
	    "%S</a> · <a href=\"/staff/stats.csv?from=%S&amp;to=%S\">CSV</a></p>"
	    "<h2>%S</h2><table class=\"list\" id=\"hot\"><tr><th>%S</th><th>%S"
	    "</th><th>%S</th><th>%S</th></tr>", df, dt, T(x, "公开统计页面（含图表）",
	    "The published page (with charts)"), df, dt, T(x, "被反复举报的网址和"
	    "账号", "Reported again and again"), T(x, "网址或账号", "URL or "
	    "account"), T(x, "案件", "Cases"), T(x, "已处置", "Disposed"),
	    T(x, "最近", "Last"));
	for (i = 0; i < hot.n; i++)
		hp(&x->b, "<tr><td><a href=\"/staff/queue?view=all&amp;q=%u\">%v"
		    "</a></td><td>%L</td><td>%L</td><td>%t</td></tr>",
		    hot.v[i].target, hot.v[i].target, hot.v[i].cases,
		    hot.v[i].disposed, hot.v[i].last_received_at);
	buf_adds(&x->b, "</table>");
	hot_rows_free(&hot);
	stats_free(&s);
	sx_page(x, 200, T(x, "统计", "Statistics"));
	return (0);
}

/* digest - GET /staff/digest: the daily digest as a page */
static int
digest(struct sx *x)
{
	struct digest	 d;
	struct tm	 tm;
	char		 day[16];
	buf		 t = { 0 };

	if (store_digest(x->st, x->now, x->now + 86400,
	    x->rt->cfg->digest_expiry_window, &d) < 0)
		return (-1);
	localtime_r(&x->now, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	buf_adds(&t, "");
	digest_text(&d, x->rt->cats, day, &t);
	hp(&x->b, "<h1>%S</h1><pre class=\"text\" id=\"digest\">%s</pre>",
	    T(x, "每日摘要", "Digest"), t.s);
	buf_free(&t);
	digest_free(&d);
	sx_page(x, 200, T(x, "每日摘要", "Digest"));
	return (0);
}

/* console_page - the console's pages past the session check (webd_console.h) */
int
console_page(struct sx *x, const char *p)
{
	char		 no[CASENO_MAX];
	const char	*rest, *done;
	size_t		 n;

	if (strcmp(p, "/queue") == 0 && !x->rq->post)
		return (queue(x));
	if (strcmp(p, "/bulk") == 0 && x->rq->post)
		return (bulk(x));
	if (strcmp(p, "/digest") == 0 && !x->rq->post)
		return (digest(x));
	if (strcmp(p, "/typical") == 0 && !x->rq->post)
		return (typical_queue(x));
	if ((strcmp(p, "/stats") == 0 || strcmp(p, "/stats.html") == 0 ||
	    strcmp(p, "/stats.csv") == 0) && !x->rq->post)
		return (stats(x, p + strlen("/stats")));
	if (strncmp(p, "/case/", 6) == 0) {
		p += 6;
		n = strcspn(p, "/");
		if (n == 0 || n >= sizeof(no))
			goto none;
		memcpy(no, p, n);
		no[n] = '\0';
		rest = p + n;
		if (!caseno_valid(no))
			goto none;
		if (*rest == '\0' && !x->rq->post) {
			done = field(x, "done");
			if (done != NULL && strcmp(done, "propose") == 0)
				sx_flash(x, 0, "%s", T(x, "已提交复核：须经另一名"
				    "复核员批准后生效。", "Proposed: it takes "
				    "effect when another person, a reviewer, "
				    "approves it."));
			else if (done != NULL && strcmp(done,
			    "typical_propose") == 0)
				sx_flash(x, 0, "%s", T(x, "典型案例已提交：须经另一名"
				    "复核员批准后发布。", "Typical case proposed: it is "
				    "published when another person, a reviewer, "
				    "approves it."));
			else if (done != NULL && (strcmp(done,
			    "typical_approve") == 0 || strcmp(done,
			    "typical_decline") == 0 || strcmp(done,
			    "typical_withdraw") == 0))
				sx_flash(x, 0, "%s %s", T(x, "已完成：", "Done:"),
				    done);
			else if (done != NULL && (workflow_known(done) ||
			    strcmp(done, "callback") == 0 ||
			    strcmp(done, "approve") == 0 ||
			    strcmp(done, "decline") == 0))
				sx_flash(x, 0, "%s %s", T(x, "已完成：", "Done:"),
				    done);
			return (case_page(x, no, NULL, 200));
		}
		if (strcmp(rest, "/act") == 0 && x->rq->post)
			return (act(x, no));
		if (strcmp(rest, "/reveal") == 0 && x->rq->post) {
			done = field(x, "reason");
			if (done == NULL || !text_ok(done, 200)) {
				sx_flash(x, 1, "%s", T(x, "请填写查看理由（200 字以内）。",
				    "Give a reason (200 characters at most)."));
				return (case_page(x, no, NULL, 400));
			}
			return (case_page(x, no, done, 200));
		}
		if (strcmp(rest, "/callback") == 0 && x->rq->post)
			return (callback(x, no));
		if (strcmp(rest, "/typical") == 0 && x->rq->post)
			return (typical(x, no));
		if (strncmp(rest, "/evidence/", 10) == 0)
			return (evidence(x, no, rest + 10));
	}
none:
	sx_error(x, 404, "没有这个页面。", "No such page.");
	return (0);
}
