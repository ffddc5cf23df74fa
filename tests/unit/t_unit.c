/*
 * NAME
 *	t_unit - table-driven unit tests of shared/
 * DESCRIPTION
 *	Case numbers and check digits, configuration, templates,
 *	classification, the element check, URL, account, phone and name
 *	extraction.  Run from the top of the source tree.  Prints "ok - X" or
 *	"not ok - X" per check and ends with "N passed, N failed".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "caseno.h"
#include "cfg.h"
#include "classify.h"
#include "extract.h"
#include "log.h"
#include "lookup.h"
#include "report.h"
#include "tmpl.h"
#include "../../sip/sip_say.h"	/* the bridge's pure functions */

static int	 npass, nfail;

/* check - record one result */
static void
check(int ok, const char *fmt, const char *a, const char *b)
{
	char	 msg[1024];

	char	*q;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	snprintf(msg, sizeof(msg), fmt, a ? a : "(null)", b ? b : "(null)");
#pragma GCC diagnostic pop
	for (q = msg; *q; q++)
		if (*q == '\n')
			*q = ' ';
	printf("%s - %s\n", ok ? "ok" : "not ok", msg);
	if (ok)
		npass++;
	else
		nfail++;
}

/* write_file - a scratch file with content; its path (static) */
static const char *
write_file(const char *content)
{
	static char	 path[64];
	FILE		*fp;

	snprintf(path, sizeof(path), "/tmp/jubao-t_unit.%ld.conf", (long)getpid());
	fp = fopen(path, "w");
	fputs(content, fp);
	fclose(fp);
	return (path);
}

static void
test_caseno(void)
{
	static const struct { const char *s; int valid; } t[] = {
		{ "261123000017", 1 }, { "261123000014", 0 },
		{ "261123000071", 0 },	/* transposition of the last two */
		{ "261125000038", 1 }, { "26112300001", 0 }, { "", 0 },
		{ "2611230000a7", 0 }, { "123456789012345678901", 0 },
	};
	char	 buf[CASENO_MAX], pin[PIN_LEN + 1], all[64];
	size_t	 i;
	time_t	 day = 1795400000;	/* 2026-11-23 (UTC+0..+8) */

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		check(caseno_valid(t[i].s) == t[i].valid,
		    "caseno_valid(%s) is %s", t[i].s, t[i].valid ? "1" : "0");
	/* every single-digit error and adjacent transposition is caught */
	{
		const char	*good = "261123000017";
		int		 caught = 1;
		size_t		 k;

		for (k = 0; k < strlen(good); k++) {
			for (char d = '0'; d <= '9'; d++) {
				if (d == good[k])
					continue;
				snprintf(buf, sizeof(buf), "%s", good);
				buf[k] = d;
				if (caseno_valid(buf))
					caught = 0;
			}
			if (k + 1 < strlen(good) && good[k] != good[k + 1]) {
				snprintf(buf, sizeof(buf), "%s", good);
				buf[k] = good[k + 1];
				buf[k + 1] = good[k];
				if (caseno_valid(buf))
					caught = 0;
			}
		}
		check(caught, "every one-digit error and transposition of %s "
		    "is caught%s", good, "");
	}
	check(caseno_format(buf, sizeof(buf), day, 42) == 0 &&
	    strlen(buf) == 12 && caseno_valid(buf) &&
	    strncmp(buf + 6, "00042", 5) == 0, "caseno_format(day, 42) = %s%s",
	    buf, "");
	check(caseno_format(buf, sizeof(buf), day, 123456) == 0 &&
	    strlen(buf) == 13 && caseno_valid(buf),
	    "a sequence past 99999 widens: %s%s", buf, "");
	check(caseno_format(buf, sizeof(buf), day, 0) < 0,
	    "sequence 0 is refused%s%s", "", "");
	check(caseno_find("Re: [JB 261123000017] 补充材料", buf, sizeof(buf)) == 0 &&
	    strcmp(buf, "261123000017") == 0, "caseno_find in a subject: %s%s",
	    buf, "");
	check(caseno_find("电话 13812345678，编号 261123000014", buf,
	    sizeof(buf)) < 0, "caseno_find skips a bad check digit%s%s", "", "");
	check(caseno_find("x261123000017", buf, sizeof(buf)) < 0 &&
	    caseno_find("订单号 261123000017", buf, sizeof(buf)) < 0 &&
	    caseno_find("XJB 261123000017", buf, sizeof(buf)) < 0,
	    "caseno_find takes only a number after JB%s%s", "", "");
	check(caseno_find("回复：jb:261123000017", buf, sizeof(buf)) == 0 &&
	    caseno_find("JB261123000017", buf, sizeof(buf)) == 0,
	    "caseno_find: jb:NNNN and JBNNNN%s%s", "", "");
	check(pin_generate(pin, sizeof(pin)) == 0 && strlen(pin) == PIN_LEN &&
	    strspn(pin, "0123456789") == PIN_LEN, "pin_generate: %s%s", pin, "");
	snprintf(all, sizeof(all), "%s", pin);
	pin_generate(pin, sizeof(pin));
	pin_generate(buf, sizeof(buf));
	check(strcmp(all, pin) != 0 || strcmp(pin, buf) != 0,
	    "PINs differ (%s, %s)", all, pin);
}

static void
test_cfg(void)
{
	static const struct { const char *text, *want_err; } bad[] = {
		{ "nosuch = 1\n", "1: unknown parameter 'nosuch'" },
		{ "ack_daily_limit = -3\n", "ack_daily_limit: bad number" },
		{ "ack_daily_limit = 99999\n", "out of bounds" },
		{ "store_busy_timeout = 5x\n", "bad time" },
		{ "max_message_size = 1k\n", "out of bounds" },
		{ "language = fr\n", "'fr' is not one of zh-CN|en" },
		{ "# c\n\nstore_path\n", "3: expected 'name = value'" },
		{ "outbox_backoff_min = 2h\noutbox_backoff_max = 1h\n",
		  "outbox_backoff_min is larger" },
	};
	struct cfg	*c;
	buf		 err = { 0 };
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err.len = 0;
		buf_adds(&err, "");
		c = cfg_load(write_file(bad[i].text), &err);
		check(c == NULL && strstr(err.s, bad[i].want_err) != NULL,
		    "bad config is refused with '%s' (got: %s)", bad[i].want_err,
		    err.s);
		if (c)
			cfg_unref(c);
	}
	err.len = 0;
	c = cfg_load(write_file("store_busy_timeout = 1s\nstore_busy_timeout = 2m\nmax_message_size = 10m\n"
	    "report_mailboxes = A@x.cn,\n  b@y.cn\nlanguage = EN\n"), &err);
	check(c != NULL && c->store_busy_timeout == 120 &&
	    c->max_message_size == 10 * 1024 * 1024 &&
	    c->report_mailboxes.n == 2 && strcmp(c->language, "en") == 0,
	    "units, continuation lines, enum case, last value wins: %s%s", err.s, "");
	if (c) {
		check(cfg_is_report_mailbox(c, "<a@X.CN>") &&
		    cfg_is_report_mailbox(c, "a+weibo@x.cn") &&
		    !cfg_is_report_mailbox(c, "ab@x.cn") &&
		    !cfg_is_report_mailbox(c, "a@x.cn.evil") &&
		    cfg_is_report_mailbox(c, "B@y.cn"),
		    "report mailbox matching (case, +detail)%s%s", "", "");
		cfg_unref(c);
	}
	err.len = 0;
	c = cfg_load("conf/jubao.conf", &err);
	check(c != NULL, "the sample conf/jubao.conf loads: %s%s", err.s, "");
	if (c)
		cfg_unref(c);
	buf_free(&err);
}

static void
test_tmpl(void)
{
	struct tmpl_var	 v[] = { { "case", "261123000017" }, { "missing", "" },
	    { "urls", "  u\n" } };
	static const struct { const char *in, *out, *err; } t[] = {
		{ "案件 {{case}}。", "案件 261123000017。", NULL },
		{ "a{{#missing}}X{{/missing}}b", "ab", NULL },
		{ "a{{^missing}}none{{/missing}}b", "anoneb", NULL },
		{ "{{#urls}}\nURLs:\n{{urls}}{{/urls}}\nend", "URLs:\n  u\nend", NULL },
		{ "{{nosuch}}", NULL, "unknown variable 'nosuch'" },
		{ "{{#missing}}x", NULL, "not closed" },
		{ "{{case", NULL, "unclosed" },
		{ "{{#missing}}{{typo}}{{/missing}}", NULL, "unknown variable 'typo'" },
	};
	buf	 err = { 0 };
	char	*out, *subj, *body;
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		err.len = 0;
		buf_adds(&err, "");
		out = tmpl_render(t[i].in, v, 3, &err);
		if (t[i].out)
			check(out && strcmp(out, t[i].out) == 0,
			    "tmpl_render -> '%s' (got '%s')", t[i].out, out);
		else
			check(out == NULL && strstr(err.s, t[i].err),
			    "tmpl_render refuses: %s (got %s)", t[i].err, err.s);
		free(out);
	}
	/* split first: the order in which check()'s arguments are evaluated
	 * is unspecified, and subj is one of them */
	subj = body = NULL;
	i = (size_t)tmpl_split("Subject: 您好 [JB 1]\n\nbody\n", &subj, &body);
	check(i == 0 && strcmp(subj, "您好 [JB 1]") == 0 &&
	    strcmp(body, "body\n") == 0, "tmpl_split subject '%s'%s", subj, "");
	free(subj);
	free(body);
	buf_free(&err);
}

static void
test_classify(void)
{
	static const struct { const char *subj, *text, *want; } t[] = {
		{ "举报人肉搜索", "有人把我的照片发到论坛，人肉我的住址", "cyberviolence" },
		{ "", "有人在群里传播未成年人不良视频，涉及中学生", "minors" },
		{ "举报赌博网站", "该网站提供百家乐下注", "gambling" },
		{ "", "冒充客服诈骗，骗钱三千元，是钓鱼网站", "fraud" },
		{ "", "某账号发布色情低俗直播", "porn" },
		{ "", "有人声称付费删帖，有偿删帖每条五百", "extortion" },
		{ "公司被造谣", "我公司被人造谣，发布不实信息诋毁产品质量，附营业执照", "ent_rumour" },
		{ "", "有人造谣说地震要来了，传谣", "rumour" },
		{ "Report: scam", "This is a phishing scam site", "fraud" },
		{ "", "类别：谣言\n有人诈骗诈骗诈骗", "rumour" },
		{ "", "Category: minors\nsomething", "minors" },
		{ "你好", "没有任何关键词的内容", "other" },
		{ "", "我的身份证号和家庭住址被泄露", "privacy" },
		{ "", "我们董事长（企业家）的家庭住址和手机号被泄露", "ent_privacy" },
	};
	struct categories	*c;
	const struct category	*k;
	buf			 err = { 0 };
	size_t			 i;

	buf_adds(&err, "");
	c = cat_load("conf/categories.conf", &err);
	check(c != NULL, "conf/categories.conf loads: %s%s", err.s, "");
	if (c == NULL)
		return;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		k = cat_classify(c, t[i].subj, t[i].text);
		check(strcmp(k->key, t[i].want) == 0, "classify as %s (got %s)",
		    t[i].want, k->key);
	}
	k = cat_find(c, "cyberviolence");
	check(k && k->fast && k->deadline == 12 * 3600 && k->priority == 1,
	    "cyberviolence is the fast channel, 12h%s%s", "", "");
	check(cat_by_dtmf(c, 1) == k, "key 1 selects cyberviolence%s%s", "", "");
	check(cat_find(c, "网络暴力") == k, "find by Chinese name%s%s", "", "");
	cat_free(c);

	static const struct { const char *text, *want; } bad[] = {
		{ "[a]\nname = x\npriority = 0\n", "priority: '0' is not 1..9" },
		{ "[a]\nname = x\ndeadline = 3w\n", "deadline: '3w'" },
		{ "[a]\nname = x\nfast = maybe\n", "'maybe' is not yes or no" },
		{ "[a]\nname = x\nfoo = 1\n", "unknown key 'foo' in [a]" },
		{ "name = x\n", "outside a [category]" },
		{ "[a]\npriority = 1\n", "[a] has no name" },
		{ "[a]\nname = x\n[a]\nname = y\n", "defined twice" },
	};
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err.len = 0;
		c = cat_load(write_file(bad[i].text), &err);
		check(c == NULL && strstr(err.s, bad[i].want),
		    "bad categories refused: %s (got %s)", bad[i].want, err.s);
		cat_free(c);
	}
	buf_free(&err);
}

/* rep - a report with text and n attachments named by names */
static struct report *
rep(const char *text, const char *from, const char *const *att)
{
	struct report	*r = report_new("email");

	r->text = xstrdup(text);
	r->subject = xstrdup("");
	r->from_addr = from ? xstrdup(from) : NULL;
	extract_urls(text, &r->urls);
	extract_accounts(text, &r->accounts);
	extract_phones(text, &r->phones);
	r->reporter_name = extract_name(text);
	for (; att && *att; att++)
		report_add_evidence(r, *att, "image/png", 10, "00", NULL);
	return (r);
}

static void
test_elements(void)
{
	static const char *const both[] = { "营业执照.jpg", "截图.png", NULL };
	static const char *const lic[] = { "营业执照.jpg", NULL };
	static const char *const shot[] = { "截图.png", NULL };
	static const char *const full =
	    "我公司被人恶意造谣，称产品不合格，已严重影响经营，请删除相关内容。"
	    "地址：https://weibo.com/1/2\n附营业执照。\n姓名：张三\n电话：13812345678\n"
	    "本人保证所举报内容真实、合法。";
	static const struct {
		const char	*text;
		const char *const *att;
		const char	*cat;
		unsigned	 want;
	} t[] = {
		{ NULL, both, "ent_rumour", 0 },
		{ NULL, lic, "ent_rumour", ELEM_EVIDENCE },
		{ NULL, lic, "ent_impersonation", 0 },	/* 第七条 */
		{ NULL, shot, "ent_rumour", 0 },	/* 附营业执照 in the text */
		{ "短", NULL, "ent_rumour", ELEM_ALL },
		{ "我公司被人恶意造谣，称产品不合格，已严重影响经营，请删除相关内容。"
		  "我是代理人，受委托举报，附营业执照。https://x.cn/1 姓名：李四 电话：13812345678 "
		  "本人保证举报内容真实合法。", both, "ent_rumour", ELEM_STANDING },
	};
	struct categories	*c;
	struct report		*r;
	buf			 err = { 0 };
	size_t			 i;
	unsigned		 got;
	char			 w[16], g[16];

	buf_adds(&err, "");
	if ((c = cat_load("conf/categories.conf", &err)) == NULL)
		return;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		r = rep(t[i].text ? t[i].text : full, "a@b.cn", t[i].att);
		got = elem_check(cat_find(c, t[i].cat), r);
		snprintf(w, sizeof(w), "%#x", t[i].want);
		snprintf(g, sizeof(g), "%#x", got);
		check(got == t[i].want, "elements missing %s (got %s)", w, g);
		report_free(r);
	}
	cat_free(c);
	buf_free(&err);
}

/* joined - a list as "a|b|c" (static buffer) */
static const char *
joined(const strlist *l)
{
	static char	 b[1024];
	size_t		 i, n = 0;

	b[0] = '\0';
	for (i = 0; i < l->n && n < sizeof(b); i++)
		n += (size_t)snprintf(b + n, sizeof(b) - n, "%s%s", i ? "|" : "",
		    l->v[i]);
	return (b);
}

static void
test_extract(void)
{
	static const struct { const char *text, *urls; } u[] = {
		{ "见 https://t.cn/abc。谢谢", "https://t.cn/abc" },
		{ "（http://x.cn/1）和 www.example.cn/a/b，", "http://x.cn/1|www.example.cn/a/b" },
		{ "(see https://en.wikipedia.org/wiki/A_(b)).", "https://en.wikipedia.org/wiki/A_(b)" },
		{ "bare weibo.com/u/123 here", "weibo.com/u/123" },
		{ "mail me at a@example.cn please", "" },
		{ "version 1.2.3 and file.txt", "" },
		{ "HTTPS://X.CN/Q?a=1&b=2;", "HTTPS://X.CN/Q?a=1&b=2" },
		{ "地址：www.bad.example.com。", "www.bad.example.com" },
		/* as reporters write them (issue "Hostile senders", finding 1) */
		{ "网站www.example.cn/casino提供赌博", "www.example.cn/casino" },
		{ "网站\xe3\x80\x80www.e2.cn/casino\xe3\x80\x80提供赌博", "www.e2.cn/casino" },
		{ "「http://t.cn/abc」和（example.cn/a）。", "http://t.cn/abc|example.cn/a" },
		{ "见example.law/abc，", "example.law/abc" },
		{ "www.example.travel和www.x.shop。", "www.example.travel|www.x.shop" },
		{ "report.pdf, image.png, e.g. this", "" },
		{ "http://x.cn/))))]]]", "http://x.cn/" },
		{ "user.name@example.com and x.cn:", "x.cn" },
	};
	static const struct { const char *text, *acc; } a[] = {
		{ "发帖人 @某某某 说", "某某某" },
		{ "账号：abc123，", "abc123" },
		{ "微博账号: @xyz_9", "xyz_9" },
		{ "用户名: foo_bar\n", "foo_bar" },
		{ "write to a@b.cn", "" },
		{ "Account: chen.meiling.official.", "chen.meiling.official" },
	};
	static const struct { const char *text, *phones; } p[] = {
		{ "电话：13812345678", "13812345678" },
		{ "手机: 139-1234-5678。", "13912345678" },
		{ "Phone: +86 10 6552 1234", "+861065521234" },
		{ "座机 010-65521234", "01065521234" },
		{ "案件 261123000017 与 weibo.com/u/13812345678", "" },
		{ "日期 2026-11-23", "" },
		{ "(852) 9123 4567", "85291234567" },
	};
	static const struct { const char *text, *name; } n[] = {
		{ "姓名：张三\n", "张三" },
		{ "联系人：林小红（公司法务）", "林小红" },
		{ "姓名：王五 电话：13800000000", "王五" },
		{ "Name: John Smith, phone 1", "John Smith" },
		{ "没有名字", NULL },
	};
	static const struct { const char *text, *secret, *want; } rd[] = {
		{ "联系 a.b@c.cn 或 13812345678，张三", "张三",
		  "联系 [已删除] 或 [已删除]，[已删除]" },
		{ "abc aaaa 12-34 x@y", NULL, "abc aaaa 12-34 x@y" },
		{ "ZHANG San wrote", "zhang san", "[已删除] wrote" },
		{ "+86 138 1234 5678!", NULL, "[已删除]!" },
	};
	strlist	 l = { 0 };
	char	*s;
	size_t	 i;

	for (i = 0; i < sizeof(rd) / sizeof(rd[0]); i++) {
		if (rd[i].secret)
			strlist_add(&l, rd[i].secret);
		s = extract_redact(rd[i].text, &l);
		check(strcmp(s, rd[i].want) == 0, "redact '%s' (got '%s')",
		    rd[i].want, s);
		free(s);
		strlist_free(&l);
	}
	/* a cap turns away what is past it, and counts it */
	l.max = 2;
	extract_urls("http://a.cn/1 http://a.cn/2 http://a.cn/1 http://a.cn/3", &l);
	check(l.n == 2 && l.dropped == 1, "a list's cap keeps %s, drops %s",
	    "2", "1");
	strlist_free(&l);
	/* the hash index: 20,000 distinct strings, each found, none twice */
	for (i = 0; i < 20000; i++) {
		char	 k[32];

		snprintf(k, sizeof(k), "k%zu", i);
		strlist_add_unique(&l, k);
		strlist_add_unique(&l, k);
	}
	check(l.n == 20000 && strlist_find(&l, "k19999") == 19999 &&
	    strlist_find(&l, "k20000") == -1, "a hashed list of %s strings%s",
	    "20,000", "");
	strlist_free(&l);

	for (i = 0; i < sizeof(u) / sizeof(u[0]); i++) {
		extract_urls(u[i].text, &l);
		check(strcmp(joined(&l), u[i].urls) == 0, "urls '%s' (got '%s')",
		    u[i].urls, joined(&l));
		strlist_free(&l);
	}
	for (i = 0; i < sizeof(a) / sizeof(a[0]); i++) {
		extract_accounts(a[i].text, &l);
		check(strcmp(joined(&l), a[i].acc) == 0, "accounts '%s' (got '%s')",
		    a[i].acc, joined(&l));
		strlist_free(&l);
	}
	for (i = 0; i < sizeof(p) / sizeof(p[0]); i++) {
		extract_phones(p[i].text, &l);
		check(strcmp(joined(&l), p[i].phones) == 0, "phones '%s' (got '%s')",
		    p[i].phones, joined(&l));
		strlist_free(&l);
	}
	for (i = 0; i < sizeof(n) / sizeof(n[0]); i++) {
		s = extract_name(n[i].text);
		check((s == NULL && n[i].name == NULL) ||
		    (s && n[i].name && strcmp(s, n[i].name) == 0),
		    "name '%s' (got '%s')", n[i].name, s);
		free(s);
	}
}

/* test_lookup_parse - which lines are status queries, and their parts */
static void
test_lookup_parse(void)
{
	static const struct {
		const char	*line;
		int		 query;
		const char	*case_no, *pin;
	} t[] = {
		{ "查询 261201000025 825527", 1, "261201000025", "825527" },
		{ "查询 JB261201000025 密码 825527", 1, "261201000025", "825527" },
		{ "查询：JB261201000025，查询密码：825527", 1, "261201000025",
		  "825527" },
		/* full-width digits, letters, colon and the ideographic space */
		{ "查询\u3000２６１２０１００００２５\u3000８２５５２７", 1,
		  "261201000025", "825527" },
		{ "查询　ＪＢ２６１２０１００００２５　密码：８２５５２７", 1,
		  "261201000025", "825527" },
		{ "查询案件编号261201000025密码825527", 1, "261201000025",
		  "825527" },
		{ "  status 261201000025 825527", 1, "261201000025", "825527" },
		{ "STATUS case 261201000025 pin 825527", 1, "261201000025",
		  "825527" },
		{ "[JB 261201000025] 查询", 0, "", "" },
		/* a query word without both numbers is a report's subject */
		{ "查询", 0, "", "" },
		{ "Status", 0, "", "" },
		{ "查询进度", 0, "", "" },
		{ "查询 261201000025", 0, "", "" },
		{ "查询：JB 261201000025，密码：825527。", 1, "261201000025",
		  "825527" },
		{ "查询 261201000025、825527", 1, "261201000025", "825527" },
		{ "Re: 回复：查询 261201000025 825527", 1, "261201000025",
		  "825527" },
		{ "Return 261201000025 825527", 0, "", "" },
		/* a report that begins with 查询 stays a report */
		{ "查询到某网站 www.example.cn 有赌博内容", 0, "", "" },
		{ "查询 261201000025 825527 谢谢", 1, "261201000025", "825527" },
		{ "查询 261201000025 825527 3", 0, "", "" },
		{ "查询 1 2 3", 0, "", "" },
		{ "Re: 查询 261201000025 825527", 1, "261201000025", "825527" },
		{ "您好，查询 261201000025 825527", 0, "", "" },
		{ "status report of the scam site", 0, "", "" },
	};
	struct lookup_query	 q;
	char			 out[CASENO_MAX], big[8192];
	size_t			 i;
	int			 got;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(&q, 0, sizeof(q));
		got = lookup_parse(t[i].line, &q);
		check(got == t[i].query && (!got || (strcmp(q.case_no,
		    t[i].case_no) == 0 && strcmp(q.pin, t[i].pin) == 0)),
		    "lookup_parse '%s' (case '%s')", t[i].line, q.case_no);
	}
	/* a line longer than any query is none, whatever it holds */
	memset(big, ' ', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "查询", strlen("查询"));
	check(lookup_parse(big, &q) == 0, "lookup_parse %s%s",
	    "a line of 8 KB", "");
	check(lookup_normalise("ＪＢ２６１２０１-００００２５", out,
	    sizeof(out)) == 0 && strcmp(out, "261201000025") == 0,
	    "lookup_normalise full-width %s (got %s)", "JB2612...", out);
	check(lookup_normalise("2612010000x25", out, sizeof(out)) < 0 &&
	    *out == '\0', "lookup_normalise %s refused%s", "a letter", "");
	check(lookup_normalise("1234567890123456789012345678901234567890",
	    out, sizeof(out)) < 0, "lookup_normalise %s refused%s",
	    "40 digits", "");
}

/* say_names - prompt ids as their names, "digit2 ten month" */
static void
say_names(const int *p, int n, char *out, size_t len)
{
	size_t	 used = 0;
	int	 i;

	out[0] = '\0';
	for (i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(out + used, len - used, "%s%s%.0d",
		    i ? " " : "", p[i] == PR_TEN ? "ten" : p[i] == PR_MONTH ?
		    "month" : p[i] == PR_DAY ? "day" : p[i] >= PR_DIGIT0 &&
		    p[i] <= PR_DIGIT0 + 9 ? "digit" : "?", p[i] >= PR_DIGIT0 &&
		    p[i] <= PR_DIGIT0 + 9 ? p[i] - PR_DIGIT0 : 0);
}

/* test_say - numbers and dates as the hotline speaks them (sip_say.h) */
static void
test_say(void)
{
	static const struct {
		int		 n;
		const char	*say;
	} t[] = {
		{ 1, "digit1" }, { 3, "digit3" }, { 9, "digit9" },
		{ 10, "ten" }, { 11, "ten digit1" }, { 12, "ten digit2" },
		{ 19, "ten digit9" }, { 20, "digit2 ten" },
		{ 21, "digit2 ten digit1" }, { 30, "digit3 ten" },
		{ 31, "digit3 ten digit1" }, { 0, "" }, { -1, "" }, { 100, "" },
	};
	static const struct {
		int		 mon, day;
		const char	*say;
	} dt[] = {
		{ 12, 3, "ten digit2 month digit3 day" },
		{ 11, 21, "ten digit1 month digit2 ten digit1 day" },
		{ 1, 31, "digit1 month digit3 ten digit1 day" },
		{ 10, 10, "ten month ten day" },
		{ 12, 31, "ten digit2 month digit3 ten digit1 day" },
	};
	struct tm	 tm;
	char		 got[256], num[8];
	int		 p[SAY_DATE_MAX], n;
	size_t		 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		n = say_number(t[i].n, p, SAY_DATE_MAX);
		say_names(p, n < 0 ? 0 : n, got, sizeof(got));
		snprintf(num, sizeof(num), "%d", t[i].n);
		check((n < 0) == (*t[i].say == '\0') &&
		    strcmp(got, t[i].say) == 0, "say_number %s (got '%s')",
		    num, got);
	}
	check(say_number(21, p, 2) < 0, "say_number %s%s: no room, -1",
	    "21", "");
	for (i = 0; i < sizeof(dt) / sizeof(dt[0]); i++) {
		/* local noon: the day the bridge says in any time zone */
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = 2026 - 1900;
		tm.tm_mon = dt[i].mon - 1;
		tm.tm_mday = dt[i].day;
		tm.tm_hour = 12;
		tm.tm_isdst = -1;
		n = say_date(mktime(&tm), p, SAY_DATE_MAX);
		say_names(p, n < 0 ? 0 : n, got, sizeof(got));
		check(strcmp(got, dt[i].say) == 0, "say_date %s (got '%s')",
		    dt[i].say, got);
	}
}

int
main(void)
{
	log_init("t_unit", 1, NULL);
	test_caseno();
	test_cfg();
	test_tmpl();
	test_classify();
	test_elements();
	test_extract();
	test_lookup_parse();
	test_say();
	unlink(write_file(""));
	printf("%d passed, %d failed\n", npass, nfail);
	return (nfail ? 1 : 0);
}
