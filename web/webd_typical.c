/*
 * NAME
 *	webd_typical - the published typical cases, as a section of a page
 *	(指导意见 三、二十: 典型案例)
 * DESCRIPTION
 *	webd_typical_html appends <section id="typical"> to a page: each
 *	typical case a second person approved (typical.h), the last
 *	published first, at most TYPICAL_PUBLIC_MAX: its title, category,
 *	the month it was published and its summary.  The store gives the
 *	public list no case number and no staff name, and every value is
 *	escaped here on the way out.  The caller (webd_public.c, GET
 *	/typical) wraps it in the site's layout.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "classify.h"
#include "typical.h"
#include "webd.h"
#include "webd_console.h"	/* hp: the HTML printf */

/*
 * webd_typical_html - the published typical cases in language l onto out;
 * 0, or -1 when the store failed (store_error; out has nothing of it)
 */
int
webd_typical_html(struct store *st, const struct runtime *rt,
    enum webd_lang l, buf *out)
{
	struct typical		*t;
	const struct category	*c;
	struct tm		 tm;
	char			 month[16];
	int			 en = l == WL_EN;
	size_t			 n, i;

	if (store_typical_published(st, TYPICAL_PUBLIC_MAX, &t, &n) < 0)
		return (-1);
	hp(out, "<section id=\"typical\"><h1>%S</h1>", en ? "Typical cases" :
	    "典型案例");
	if (n == 0)
		hp(out, "<p>%S</p>", en ? "No typical case is published yet." :
		    "暂无已发布的典型案例。");
	for (i = 0; i < n; i++) {
		c = cat_find(rt->cats, t[i].category);
		month[0] = '\0';
		if (localtime_r(&t[i].decided_at, &tm) != NULL)
			strftime(month, sizeof(month), en ? "%Y-%m" :
			    "%Y 年 %m 月", &tm);
		hp(out, "<article class=\"typical\"><h2>%v</h2><p class=\"meta\">"
		    "<span class=\"category\">%s</span> · <time>%s</time></p>"
		    "<div class=\"text\">%v</div></article>\n", t[i].title,
		    c ? cat_name(c, en ? "en" : "zh-CN") : t[i].category, month,
		    t[i].summary);
	}
	buf_adds(out, "</section>\n");
	typical_free(t, n);
	return (0);
}
