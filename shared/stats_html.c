/*
 * NAME
 *	stats_html - statistics (信息公开) and the digest, rendered
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feedback.h"
#include "stats_html.h"

static const char *const scalar_keys[][2] = {
	{ "received", "收到举报 Received" },
	{ "accepted", "受理 Accepted" },
	{ "disposed", "处置 Disposed" },
	{ "transferred", "转交 Transferred" },
	{ "not_accepted", "不予受理 Not accepted" },
	{ "refused_malicious", "恶意举报 Refused as malicious" },
	{ "feedback_sent", "已反馈 Feedback sent" },
};

/* num - an integer member */
static long long
num(json_t *o, const char *k)
{
	return (json_integer_value(json_object_get(o, k)));
}

/* real - a number member */
static double
real(json_t *o, const char *k)
{
	return (json_number_value(json_object_get(o, k)));
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
stats_text(json_t *s, const struct categories *cats, FILE *fp)
{
	const char	*k;
	json_t		*v;
	size_t		 i;

	fprintf(fp, "from %s to %s\n", json_string_value(json_object_get(s, "from")),
	    json_string_value(json_object_get(s, "to")));
	for (i = 0; i < sizeof(scalar_keys) / sizeof(scalar_keys[0]); i++)
		fprintf(fp, "  %-34s %lld\n", scalar_keys[i][1],
		    num(s, scalar_keys[i][0]));
	fprintf(fp, "  %-34s %.1f h\n", "处理时长中位数 Median handling",
	    real(s, "handling_hours_median"));
	fprintf(fp, "  %-34s %.1f h\n", "处理时长P90 90th percentile",
	    real(s, "handling_hours_p90"));
	fprintf(fp, "  %-34s %.1f%%\n", "按时办结 Finished on time",
	    100 * real(s, "on_time_share"));
	fprintf(fp, "  %-34s %.1f%%\n", "已反馈 With feedback",
	    100 * real(s, "feedback_share"));
	if (json_is_number(json_object_get(s, "satisfaction_mean")))
		fprintf(fp, "  %-34s %.2f / 5\n", "满意度 Satisfaction",
		    real(s, "satisfaction_mean"));
	fprintf(fp, "by channel:\n");
	json_object_foreach(json_object_get(s, "by_channel"), k, v)
		fprintf(fp, "  %-34s %lld\n", k, json_integer_value(v));
	fprintf(fp, "by category:\n");
	json_object_foreach(json_object_get(s, "by_category"), k, v)
		fprintf(fp, "  %-34s %lld\n", cat_label(cats, k), json_integer_value(v));
	fprintf(fp, "by measure:\n");
	json_object_foreach(json_object_get(s, "by_measure"), k, v)
		fprintf(fp, "  %-34s %lld\n", feedback_measure_name(k, "zh-CN"),
		    json_integer_value(v));
}

/* stats_csv - "metric,key,value" rows */
void
stats_csv(json_t *s, const struct categories *cats, FILE *fp)
{
	static const char *const groups[] = { "by_channel", "by_category",
	    "by_measure", "by_status", NULL };
	static const char *const reals[] = { "handling_hours_median",
	    "handling_hours_p90", "on_time_share", "feedback_share",
	    "satisfaction_mean", NULL };
	const char	*k;
	json_t		*v;
	size_t		 i;

	(void)cats;
	fprintf(fp, "metric,key,value\n");
	fprintf(fp, "from,,%s\nto,,%s\n",
	    json_string_value(json_object_get(s, "from")),
	    json_string_value(json_object_get(s, "to")));
	for (i = 0; i < sizeof(scalar_keys) / sizeof(scalar_keys[0]); i++)
		fprintf(fp, "%s,,%lld\n", scalar_keys[i][0], num(s, scalar_keys[i][0]));
	for (i = 0; reals[i]; i++)
		if (json_is_number(json_object_get(s, reals[i])))
			fprintf(fp, "%s,,%.4f\n", reals[i], real(s, reals[i]));
	for (i = 0; groups[i]; i++)
		json_object_foreach(json_object_get(s, groups[i]), k, v)
			fprintf(fp, "%s,%s,%lld\n", groups[i], k,
			    json_integer_value(v));
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

/* bars - an SVG horizontal bar chart of a "key -> count" object */
static void
bars(FILE *fp, const char *title, json_t *g, const struct categories *cats,
    int measures)
{
	const char	*k;
	json_t		*v;
	long long	 max = 1;
	int		 n = 0, y;

	json_object_foreach(g, k, v) {
		if (json_integer_value(v) > max)
			max = json_integer_value(v);
		n++;
	}
	fprintf(fp, "<section><h2>");
	html_escape(fp, title);
	fprintf(fp, "</h2>\n");
	if (n == 0) {
		fprintf(fp, "<p>—</p></section>\n");
		return;
	}
	fprintf(fp, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" "
	    "height=\"%d\" role=\"img\" aria-label=\"", 26 * n + 10);
	html_escape(fp, title);
	fprintf(fp, "\">\n");
	y = 5;
	json_object_foreach(g, k, v) {
		long long c = json_integer_value(v);
		int w = (int)(380.0 * (double)c / (double)max);

		fprintf(fp, "<text x=\"200\" y=\"%d\" text-anchor=\"end\" "
		    "font-size=\"13\">", y + 15);
		html_escape(fp, measures ? feedback_measure_name(k, "zh-CN") :
		    cat_label(cats, k));
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
stats_html(json_t *s, const struct categories *cats, const char *site, FILE *fp)
{
	size_t	 i;

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
	    "<table>\n", json_string_value(json_object_get(s, "from")),
	    json_string_value(json_object_get(s, "to")));
	for (i = 0; i < sizeof(scalar_keys) / sizeof(scalar_keys[0]); i++)
		fprintf(fp, "<tr><th>%s</th><td class=\"n\">%lld</td></tr>\n",
		    scalar_keys[i][1], num(s, scalar_keys[i][0]));
	fprintf(fp, "<tr><th>处理时长中位数 Median handling time</th><td "
	    "class=\"n\">%.1f h</td></tr>\n", real(s, "handling_hours_median"));
	fprintf(fp, "<tr><th>处理时长第90百分位 90th percentile</th><td "
	    "class=\"n\">%.1f h</td></tr>\n", real(s, "handling_hours_p90"));
	fprintf(fp, "<tr><th>按时办结 Finished by the deadline</th><td "
	    "class=\"n\">%.1f%%</td></tr>\n", 100 * real(s, "on_time_share"));
	fprintf(fp, "<tr><th>已反馈处理结果 Reporters told the outcome</th><td "
	    "class=\"n\">%.1f%%</td></tr>\n", 100 * real(s, "feedback_share"));
	if (json_is_number(json_object_get(s, "satisfaction_mean")))
		fprintf(fp, "<tr><th>满意度 Satisfaction</th><td class=\"n\">"
		    "%.2f / 5</td></tr>\n", real(s, "satisfaction_mean"));
	fprintf(fp, "</table>\n");
	bars(fp, "按类别 By category", json_object_get(s, "by_category"), cats, 0);
	bars(fp, "按渠道 By channel", json_object_get(s, "by_channel"), NULL, 0);
	bars(fp, "处置措施 Measures taken", json_object_get(s, "by_measure"), NULL, 1);
	fprintf(fp, "</body></html>\n");
}

/* digest_section - one list of the digest */
static void
digest_section(buf *b, const char *title, json_t *a,
    const struct categories *cats, const char *when)
{
	json_t	*o;
	size_t	 i;

	buf_printf(b, "%s（%zu 件）\n", title, json_array_size(a));
	json_array_foreach(a, i, o)
		buf_printf(b, "  %s  %-20s %-18s %s %s\n",
		    json_string_value(json_object_get(o, "case")),
		    cat_label(cats, json_string_value(json_object_get(o, "category"))),
		    json_string_value(json_object_get(o, "status")), when,
		    json_string_value(json_object_get(o, *when == '\0' ? "deadline" :
		    strcmp(when, "限时加私至") == 0 ? "until" : "deadline")));
	buf_adds(b, "\n");
}

/* digest_text - the daily digest's body */
void
digest_text(json_t *d, const struct categories *cats, const char *day, buf *b)
{
	buf_printf(b, "举报处理日报 %s\n\n", day);
	digest_section(b, "已超期未办结 Overdue", json_object_get(d, "overdue"),
	    cats, "时限");
	digest_section(b, "24 小时内到期 Due within 24 hours", json_object_get(d, "due_today"),
	    cats, "时限");
	digest_section(b, "限时加私即将到期 Limited-time private measures ending",
	    json_object_get(d, "private_expiring"), cats, "限时加私至");
	buf_adds(b, "请及时办理。jubaoctl overdue 可查看全部超期案件。\n");
}
