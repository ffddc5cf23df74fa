/*
 * NAME
 *	stats_html - statistics (信息公开) and the digest, rendered
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feedback.h"
#include "stats_html.h"

static const struct {
	const char	*key, *label;
	size_t		 off;
} scalars[] = {
	{ "received", "收到举报 Received", offsetof(struct stats, received) },
	{ "accepted", "受理 Accepted", offsetof(struct stats, accepted) },
	{ "disposed", "处置 Disposed", offsetof(struct stats, disposed) },
	{ "transferred", "转交 Transferred", offsetof(struct stats, transferred) },
	{ "not_accepted", "不予受理 Not accepted",
	  offsetof(struct stats, not_accepted) },
	{ "refused_malicious", "恶意举报 Refused as malicious",
	  offsetof(struct stats, refused_malicious) },
	{ "feedback_sent", "已反馈 Feedback sent",
	  offsetof(struct stats, feedback_sent) },
};
#define NSCALARS	(sizeof(scalars) / sizeof(scalars[0]))

/* num - one of the scalars */
static long long
num(const struct stats *s, size_t i)
{
	return (*(const long long *)((const char *)s + scalars[i].off));
}

/* cat_label - "中文 (key)" for a category key */
static const char *
cat_label(const struct categories *cats, const char *key)
{
	const struct category *c = cats ? cat_find(cats, key) : NULL;

	return (c ? c->name : key);
}

/* stats_text - the statistics for a terminal */
void
stats_text(const struct stats *s, const struct categories *cats, FILE *fp)
{
	char	 from[40], to[40];
	size_t	 i;

	time_rfc3339(s->from, from);
	time_rfc3339(s->to, to);
	fprintf(fp, "from %s to %s\n", from, to);
	for (i = 0; i < NSCALARS; i++)
		fprintf(fp, "  %-34s %lld\n", scalars[i].label, num(s, i));
	fprintf(fp, "  %-34s %.1f h\n", "处理时长中位数 Median handling",
	    s->hours_median);
	fprintf(fp, "  %-34s %.1f h\n", "处理时长P90 90th percentile",
	    s->hours_p90);
	fprintf(fp, "  %-34s %.1f%%\n", "按时办结 Finished on time",
	    100 * s->on_time_share);
	fprintf(fp, "  %-34s %.1f%%\n", "已反馈 With feedback",
	    100 * s->feedback_share);
	if (s->satisfaction_mean > 0)
		fprintf(fp, "  %-34s %.2f / 5\n", "满意度 Satisfaction",
		    s->satisfaction_mean);
	fprintf(fp, "by channel:\n");
	for (i = 0; i < s->by_channel.n; i++)
		fprintf(fp, "  %-34s %lld\n", s->by_channel.v[i].key,
		    s->by_channel.v[i].n);
	fprintf(fp, "by category:\n");
	for (i = 0; i < s->by_category.n; i++)
		fprintf(fp, "  %-34s %lld\n", cat_label(cats,
		    s->by_category.v[i].key), s->by_category.v[i].n);
	fprintf(fp, "by measure:\n");
	for (i = 0; i < s->by_measure.n; i++)
		fprintf(fp, "  %-34s %lld\n", feedback_measure_name(
		    s->by_measure.v[i].key, "zh-CN"), s->by_measure.v[i].n);
}

/* stats_csv - "metric,key,value" rows */
void
stats_csv(const struct stats *s, const struct categories *cats, FILE *fp)
{
	const struct {
		const char		*name;
		const struct counts	*c;
	} groups[] = {
		{ "by_channel", &s->by_channel }, { "by_category", &s->by_category },
		{ "by_measure", &s->by_measure }, { "by_status", &s->by_status },
	};
	const struct {
		const char	*name;
		double		 v;
	} reals[] = {
		{ "handling_hours_median", s->hours_median },
		{ "handling_hours_p90", s->hours_p90 },
		{ "on_time_share", s->on_time_share },
		{ "feedback_share", s->feedback_share },
		{ "satisfaction_mean", s->satisfaction_mean },
	};
	char	 from[40], to[40];
	size_t	 i, j;

	(void)cats;
	time_rfc3339(s->from, from);
	time_rfc3339(s->to, to);
	fprintf(fp, "metric,key,value\n");
	fprintf(fp, "from,,%s\nto,,%s\n", from, to);
	for (i = 0; i < NSCALARS; i++)
		fprintf(fp, "%s,,%lld\n", scalars[i].key, num(s, i));
	/* satisfaction_mean only when somebody rated */
	for (i = 0; i < sizeof(reals) / sizeof(reals[0]); i++)
		if (i + 1 < sizeof(reals) / sizeof(reals[0]) ||
		    s->satisfaction_mean > 0)
			fprintf(fp, "%s,,%.4f\n", reals[i].name, reals[i].v);
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		for (j = 0; j < groups[i].c->n; j++)
			fprintf(fp, "%s,%s,%lld\n", groups[i].name,
			    groups[i].c->v[j].key, groups[i].c->v[j].n);
}

/* html_escape - text for HTML */
static void
html_escape(FILE *fp, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '&': fputs("&amp;", fp); break;
		case '"': fputs("&quot;", fp); break;
		default: fputc(*s, fp);
		}
}

/* bars - an SVG horizontal bar chart of "key -> count" rows */
static void
bars(FILE *fp, const char *title, const struct counts *g,
    const struct categories *cats, int measures)
{
	long long	 max = 1, c;
	size_t		 i;
	int		 y, w;

	for (i = 0; i < g->n; i++)
		if (g->v[i].n > max)
			max = g->v[i].n;
	fprintf(fp, "<section><h2>");
	html_escape(fp, title);
	fprintf(fp, "</h2>\n");
	if (g->n == 0) {
		fprintf(fp, "<p>—</p></section>\n");
		return;
	}
	fprintf(fp, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" "
	    "height=\"%d\" role=\"img\" aria-label=\"", 26 * (int)g->n + 10);
	html_escape(fp, title);
	fprintf(fp, "\">\n");
	y = 5;
	for (i = 0; i < g->n; i++) {
		c = g->v[i].n;
		w = (int)(380.0 * (double)c / (double)max);
		fprintf(fp, "<text x=\"200\" y=\"%d\" text-anchor=\"end\" "
		    "font-size=\"13\">", y + 15);
		html_escape(fp, measures ? feedback_measure_name(g->v[i].key,
		    "zh-CN") : cat_label(cats, g->v[i].key));
		fprintf(fp, "</text><rect x=\"210\" y=\"%d\" width=\"%d\" "
		    "height=\"18\" fill=\"#c0392b\"/><text x=\"%d\" y=\"%d\" "
		    "font-size=\"13\">%lld</text>\n", y + 2, w > 0 ? w : 1,
		    215 + w, y + 15, c);
		y += 26;
	}
	fprintf(fp, "</svg></section>\n");
}

/* stats_html - one page, publishable as it is */
void
stats_html(const struct stats *s, const struct categories *cats,
    const char *site, FILE *fp)
{
	char	 from[40], to[40];
	size_t	 i;

	time_rfc3339(s->from, from);
	time_rfc3339(s->to, to);
	fprintf(fp, "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta "
	    "charset=\"utf-8\"><title>");
	html_escape(fp, site);
	fprintf(fp, " 举报受理情况公开</title>\n<style>body{font-family:sans-serif;"
	    "max-width:760px;margin:2em auto;color:#222}table{border-collapse:"
	    "collapse}td,th{padding:4px 12px;border-bottom:1px solid #ddd;"
	    "text-align:left}td.n{text-align:right}h1{font-size:1.5em}"
	    "h2{font-size:1.1em;margin-top:1.5em}</style></head><body>\n<h1>");
	html_escape(fp, site);
	fprintf(fp, " 举报受理情况公开</h1>\n<p>统计区间 Period: %s — %s</p>\n"
	    "<table>\n", from, to);
	for (i = 0; i < NSCALARS; i++)
		fprintf(fp, "<tr><th>%s</th><td class=\"n\">%lld</td></tr>\n",
		    scalars[i].label, num(s, i));
	fprintf(fp, "<tr><th>处理时长中位数 Median handling time</th><td "
	    "class=\"n\">%.1f h</td></tr>\n", s->hours_median);
	fprintf(fp, "<tr><th>处理时长第90百分位 90th percentile</th><td "
	    "class=\"n\">%.1f h</td></tr>\n", s->hours_p90);
	fprintf(fp, "<tr><th>按时办结 Finished by the deadline</th><td "
	    "class=\"n\">%.1f%%</td></tr>\n", 100 * s->on_time_share);
	fprintf(fp, "<tr><th>已反馈处理结果 Reporters told the outcome</th><td "
	    "class=\"n\">%.1f%%</td></tr>\n", 100 * s->feedback_share);
	if (s->satisfaction_mean > 0)
		fprintf(fp, "<tr><th>满意度 Satisfaction</th><td class=\"n\">"
		    "%.2f / 5</td></tr>\n", s->satisfaction_mean);
	fprintf(fp, "</table>\n");
	bars(fp, "按类别 By category", &s->by_category, cats, 0);
	bars(fp, "按渠道 By channel", &s->by_channel, NULL, 0);
	bars(fp, "处置措施 Measures taken", &s->by_measure, NULL, 1);
	fprintf(fp, "</body></html>\n");
}

/* digest_section - one list of the digest; until: the measures' ends */
static void
digest_section(buf *b, const char *title, const struct digest_rows *a,
    const struct categories *cats, const char *when)
{
	char	 t[40];
	size_t	 i;

	buf_printf(b, "%s（%zu 件）\n", title, a->n);
	for (i = 0; i < a->n; i++) {
		time_rfc3339(a->v[i].when, t);
		buf_printf(b, "  %s  %-20s %-18s %s %s\n", a->v[i].case_no,
		    cat_label(cats, a->v[i].category), a->v[i].status, when, t);
	}
	buf_adds(b, "\n");
}

/* digest_text - the daily digest's body */
void
digest_text(const struct digest *d, const struct categories *cats,
    const char *day, buf *b)
{
	buf_printf(b, "举报处理日报 %s\n\n", day);
	digest_section(b, "已超期未办结 Overdue", &d->overdue, cats, "时限");
	digest_section(b, "24 小时内到期 Due within 24 hours", &d->due_today,
	    cats, "时限");
	digest_section(b, "限时加私即将到期 Limited-time private measures ending",
	    &d->private_expiring, cats, "限时加私至");
	buf_adds(b, "请及时办理。jubaoctl overdue 可查看全部超期案件。\n");
}
