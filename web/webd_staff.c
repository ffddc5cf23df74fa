/*
 * NAME
 *	webd_staff - the call centre's console: login, sessions, the forms'
 *	tokens, the accounts page, and the pages' common parts
 * DESCRIPTION
 *	Everything under /staff/ is the console.  A request is served in
 *	this order, and nothing of a later step runs when an earlier one
 *	refuses:
 *
 *	  1. the store handle of this worker (503 when the store is down);
 *	  2. the session: the cookie "jubao_staff" checked with
 *	     staff_session_check (staff.h); without one, a GET goes to the
 *	     login page (303) and a POST is refused (403), its body unread
 *	     by any action;
 *	  3. a POST's CSRF token (the form's "csrf" field, the session's
 *	     MAC) compared in constant time: 403 without it;
 *	  4. the role the page needs (403 below it);
 *	  5. the page (webd_console.c) with the logged-in name as the actor
 *	     of everything it does: the ledger never takes a name from the
 *	     request.
 *
 *	The login form carries its own token (a random value in a
 *	SameSite=Strict cookie, sent back in the form: a page on another
 *	site can do neither).  An unknown name and a wrong password get the
 *	same page after the same Argon2id work (staff_login); at most
 *	LOGIN_AT_ONCE logins hash at a time (each takes 64 MB), the others
 *	are asked to retry.  The session cookie is HttpOnly, SameSite=Strict,
 *	Path=/staff, and Secure when web_cookie_secure says so or the request
 *	came through a trusted TLS proxy.
 *
 *	Pages are built here in C (the console's text is short, in both
 *	languages, beside the code that uses it); every value from the store
 *	or the request goes through hp's %s (HTML-escaped) or %v (made
 *	visible, then escaped).
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <sodium.h>

#include "log.h"
#include "staff.h"
#include "webd.h"
#include "webd_console.h"

#define LOGIN_AT_ONCE	2		/* Argon2id hashings in parallel */
#define LOGIN_CLIENTS	512		/* clients remembered (a hash table) */
#define LOGIN_PER_CLIENT 10		/* login attempts a minute from one */

static pthread_mutex_t	 login_lock = PTHREAD_MUTEX_INITIALIZER;
static int		 logins;	/* hashing now */
static struct {
	uint64_t	 key;		/* of the client address */
	time_t		 since;		/* the minute counted */
	int		 n;
} clients[LOGIN_CLIENTS];

/* hp - printf for HTML: %s escaped, %v visible and escaped, %S as it is
 * (ours), %u URL-encoded, %d int, %l long, %L long long, %t a time */
void
hp(buf *b, const char *fmt, ...)
{
	va_list		 ap;
	const char	*s, *p;
	char		*v, tb[32];
	time_t		 t;
	struct tm	 tm;

	va_start(ap, fmt);
	for (p = fmt; *p; p++) {
		if (*p != '%') {
			s = p;
			p += strcspn(p, "%") - 1;
			buf_add(b, s, (size_t)(p - s + 1));
			continue;
		}
		switch (*++p) {
		case 's':
			hesc(b, va_arg(ap, const char *));
			break;
		case 'v':
			s = va_arg(ap, const char *);
			v = str_visible(s ? s : "", 1);
			hesc(b, v);
			free(v);
			break;
		case 'S':
			s = va_arg(ap, const char *);
			buf_adds(b, s ? s : "");
			break;
		case 'u':
			hurl(b, va_arg(ap, const char *));
			break;
		case 'd':
			buf_printf(b, "%d", va_arg(ap, int));
			break;
		case 'l':
			buf_printf(b, "%ld", va_arg(ap, long));
			break;
		case 'L':
			buf_printf(b, "%lld", va_arg(ap, long long));
			break;
		case 't':
			t = va_arg(ap, time_t);
			if (t == 0 || localtime_r(&t, &tm) == NULL)
				buf_adds(b, "—");
			else {
				strftime(tb, sizeof(tb), "%Y-%m-%d %H:%M", &tm);
				buf_adds(b, tb);
			}
			break;
		case '%':
			buf_add(b, "%", 1);
			break;
		default:
			log_panic("hp: bad format '%s'", fmt);
		}
	}
	va_end(ap);
}

/* hesc - s HTML-escaped onto b (NULL: nothing) */
void
hesc(buf *b, const char *s)
{
	size_t	 n;

	while (s && *s) {
		n = strcspn(s, "&<>\"'");
		buf_add(b, s, n);
		s += n;
		switch (*s) {
		case '&': buf_adds(b, "&amp;"); break;
		case '<': buf_adds(b, "&lt;"); break;
		case '>': buf_adds(b, "&gt;"); break;
		case '"': buf_adds(b, "&quot;"); break;
		case '\'': buf_adds(b, "&#39;"); break;
		default: continue;
		}
		s++;
	}
}

/* hurl - s percent-encoded for a query string onto b */
void
hurl(buf *b, const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const unsigned char	*p = (const unsigned char *)(s ? s : "");
	char			 e[3];

	for (; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL) {
			buf_add(b, p, 1);
			continue;
		}
		e[0] = '%';
		e[1] = hex[*p >> 4];
		e[2] = hex[*p & 15];
		buf_add(b, e, 3);
	}
}

/* sx_page - the console's layout around x->b: the answer's HTML */
void
sx_page(struct sx *x, unsigned int status, const char *title)
{
	buf	 h = { 0 };
	int	 en = x->l == WL_EN;

	hp(&h, "<!DOCTYPE html>\n<html lang=\"%S\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\"><title>%s · %s</title>"
	    "<link rel=\"stylesheet\" href=\"/static/style.css\"></head>\n"
	    "<body class=\"staff\"><header class=\"bar\"><strong>%s</strong>",
	    en ? "en" : "zh-CN", title, x->rt->cfg->site_name,
	    x->rt->cfg->site_name);
	if (x->authed) {
		hp(&h, "<nav><a href=\"/staff/queue\">%S</a> "
		    "<a href=\"/staff/queue?view=pending\">%S</a> "
		    "<a href=\"/staff/queue?view=callbacks\">%S</a> "
		    "<a href=\"/staff/stats\">%S</a> "
		    "<a href=\"/staff/digest\">%S</a>",
		    T(x, "案件队列", "Queue"), T(x, "待复核", "Approvals"),
		    T(x, "回拨", "Call-backs"), T(x, "统计", "Statistics"),
		    T(x, "每日摘要", "Digest"));
		if (staff_may(x->ses.role, ROLE_ADMIN))
			hp(&h, " <a href=\"/staff/users\">%S</a>",
			    T(x, "账户", "Accounts"));
		hp(&h, "</nav><form class=\"who\" method=\"post\" "
		    "action=\"/staff/logout\"><span id=\"me\">%s</span> (%S) "
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		    "<button type=\"submit\">%S</button></form>", x->ses.user,
		    sx_role(x, x->ses.role), x->ses.csrf, T(x, "退出", "Log out"));
	}
	hp(&h, "<a class=\"lang\" href=\"%s?lang=%S\">%S</a></header>\n<main>",
	    x->rq->path, en ? "zh-CN" : "en", en ? "中文" : "English");
	if (x->flash != NULL)
		hp(&h, "<p class=\"%S\" id=\"flash\">%s</p>\n",
		    x->flash_bad ? "bad" : "ok", x->flash);
	buf_add(&h, x->b.s ? x->b.s : "", x->b.len);
	buf_adds(&h, "</main></body></html>\n");
	x->a->status = status;
	x->a->html = h.s;
}

/* sx_flash - a message for the top of the page (escaped when shown) */
void
sx_flash(struct sx *x, int bad, const char *fmt, ...)
{
	va_list	 ap;
	char	*m;

	va_start(ap, fmt);
	if (vasprintf(&m, fmt, ap) < 0)
		log_fatal("out of memory");
	va_end(ap);
	free(x->flash);
	x->flash = m;
	x->flash_bad = bad;
}

/* sx_error - a short page saying why not */
void
sx_error(struct sx *x, unsigned int status, const char *zh, const char *en)
{
	buf_free(&x->b);
	hp(&x->b, "<h1>%d</h1><p class=\"bad\">%s</p>", (int)status,
	    T(x, zh, en));
	sx_page(x, status, T(x, "错误", "Error"));
}

/* sx_redirect - 303 to a path of ours */
void
sx_redirect(struct sx *x, const char *path)
{
	x->a->status = 303;
	x->a->location = xstrdup(path);
	x->a->html = xstrdup("");
}

/* sx_role - a role's name in the page's language */
const char *
sx_role(const struct sx *x, enum staff_role r)
{
	switch (r) {
	case ROLE_HANDLER: return (T(x, "受理员", "handler"));
	case ROLE_REVIEWER: return (T(x, "复核员", "reviewer"));
	case ROLE_ADMIN: return (T(x, "管理员", "admin"));
	default: return ("-");
	}
}

/* cookie_secure - does the session cookie say Secure? */
static int
cookie_secure(const struct sx *x)
{
	const char	*s = x->rt->cfg->web_cookie_secure;

	if (s != NULL && strcmp(s, "yes") == 0)
		return (1);
	if (s != NULL && strcmp(s, "no") == 0)
		return (0);
	return (x->rq->https);
}

/* limits - the login limits of the configuration */
static void
limits(const struct sx *x, struct staff_limits *lim)
{
	const struct cfg	*c = x->rt->cfg;

	lim->failures = c->login_failures;
	lim->lock = c->login_lock;
	lim->idle = c->web_session_idle;
	lim->max = c->web_session_max;
}

/* login_form - the login page, with a fresh token for the form */
static void
login_form(struct sx *x, unsigned int status)
{
	unsigned char	 r[16];
	char		 tok[33];

	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(tok, sizeof(tok), r, sizeof(r));
	x->a->cookie[0] = xasprintf("jubao_pre=%s; Path=/staff/login; "
	    "HttpOnly; SameSite=Strict%s", tok, cookie_secure(x) ?
	    "; Secure" : "");
	hp(&x->b, "<h1>%S</h1><form method=\"post\" action=\"/staff/login\" "
	    "class=\"login\"><input type=\"hidden\" name=\"csrf\" value=\"%S\">"
	    "<label>%S <input name=\"name\" autocomplete=\"username\" "
	    "required maxlength=\"63\"></label>"
	    "<label>%S <input type=\"password\" name=\"password\" "
	    "autocomplete=\"current-password\" required></label>"
	    "<button type=\"submit\">%S</button></form>",
	    T(x, "受理人员登录", "Staff login"), tok, T(x, "用户名", "Name"),
	    T(x, "密码", "Password"), T(x, "登录", "Log in"));
	sx_page(x, status, T(x, "登录", "Log in"));
}

/*
 * login_client - may this client try a login now: at most
 * LOGIN_PER_CLIENT a minute from one address, so that one client cannot
 * keep the Argon2id slots busy nor lock accounts at will.  The table is
 * small and fixed: a client that lands on another's slot takes it over.
 */
static int
login_client(const char *client, time_t now)
{
	unsigned char	 h[8];
	uint64_t	 key;
	size_t		 i;
	int		 ok = 1;

	crypto_generichash(h, sizeof(h), (const unsigned char *)(client ?
	    client : ""), client ? strlen(client) : 0, NULL, 0);
	memcpy(&key, h, sizeof(key));
	i = (size_t)(key % LOGIN_CLIENTS);
	pthread_mutex_lock(&login_lock);
	if (clients[i].key != key || now - clients[i].since >= 60) {
		clients[i].key = key;
		clients[i].since = now;
		clients[i].n = 0;
	}
	if (clients[i].n >= LOGIN_PER_CLIENT)
		ok = 0;
	else
		clients[i].n++;
	pthread_mutex_unlock(&login_lock);
	return (ok);
}

/* login_slot - room to hash one more password now? */
static int
login_slot(int take)
{
	int	 ok = 1;

	pthread_mutex_lock(&login_lock);
	if (take) {
		if (logins >= LOGIN_AT_ONCE)
			ok = 0;
		else
			logins++;
	} else
		logins--;
	pthread_mutex_unlock(&login_lock);
	return (ok);
}

/* login - POST /staff/login */
static void
login(struct sx *x, const char *pre)
{
	const char		*name = webd_fields_get(x->rq->f, "name");
	const char		*pw = webd_fields_get(x->rq->f, "password");
	const char		*tok = webd_fields_get(x->rq->f, "csrf");
	struct staff_limits	 lim;
	enum staff_login	 r;
	char			 token[STAFF_TOKEN_LEN + 1];

	if (pre == NULL || tok == NULL || strlen(pre) != 32 ||
	    strlen(tok) != 32 || sodium_memcmp(pre, tok, 32) != 0) {
		sx_flash(x, 1, "%s", T(x, "表单已过期，请重新登录。",
		    "The form expired: log in again."));
		login_form(x, 403);
		return;
	}
	if (!login_client(x->rq->client, x->now)) {
		x->a->retry_after = 60;
		sx_flash(x, 1, "%s", T(x, "登录尝试过于频繁，请一分钟后再试。",
		    "Too many logins from here: try again in a minute."));
		login_form(x, 429);
		return;
	}
	if (name == NULL || pw == NULL) {
		sx_error(x, 400, "请求不完整。", "The request is incomplete.");
		return;
	}
	if (!login_slot(1)) {
		x->a->retry_after = 1;
		sx_error(x, 503, "登录繁忙，请稍后再试。",
		    "Too many logins at once: try again in a moment.");
		return;
	}
	limits(x, &lim);
	r = staff_login(x->st, &lim, name, pw, x->now, token, &x->ses);
	login_slot(0);
	switch (r) {
	case LOGIN_OK:
		log_info("console: %s logged in", x->ses.user);
		x->a->cookie[0] = xasprintf("jubao_staff=%s; Path=/staff; "
		    "HttpOnly; SameSite=Strict%s", token, cookie_secure(x) ?
		    "; Secure" : "");
		x->a->cookie[1] = xstrdup("jubao_pre=; Path=/staff/login; "
		    "Max-Age=0; HttpOnly; SameSite=Strict");
		sodium_memzero(token, sizeof(token));
		sx_redirect(x, "/staff/queue");
		return;
	case LOGIN_DENIED:
	case LOGIN_LOCKED:
		/* the same page, whether the name is an account, the password
		 * wrong or the account locked: no oracle of who works here
		 * (the lock is logged when it is set: staff.c) */
		sx_flash(x, 1, "%s", T(x, "用户名或密码不正确。连续多次失败后，"
		    "账户将暂时锁定。", "Wrong name or password.  After "
		    "repeated failures an account is locked for a while."));
		login_form(x, 403);
		return;
	default:
		log_error("console login: %s", store_error(x->st));
		daemon_store_failed(x->st);
		x->st = NULL;
		sx_error(x, 503, "服务暂不可用，请稍后再试。",
		    "The service is unavailable: try again shortly.");
		return;
	}
}

/* logout - POST /staff/logout (the CSRF token checked) */
static void
logout(struct sx *x)
{
	if (staff_logout(x->st, x->rq->session) < 0)
		log_error("console logout: %s", store_error(x->st));
	else
		log_info("console: %s logged out", x->ses.user);
	x->a->cookie[0] = xstrdup("jubao_staff=; Path=/staff; Max-Age=0; "
	    "HttpOnly; SameSite=Strict");
	sx_redirect(x, "/staff/login");
}

/* users - GET and POST /staff/users: the accounts (admin) */
static void
users(struct sx *x)
{
	const char		*op = webd_fields_get(x->rq->f, "op");
	const char		*name = webd_fields_get(x->rq->f, "name");
	const char		*role = webd_fields_get(x->rq->f, "role");
	const char		*pw = webd_fields_get(x->rq->f, "password");
	struct staff_users	 u;
	enum staff_role		 r;
	size_t			 i;
	int			 rc = 0;

	if (x->rq->post && op != NULL && name != NULL) {
		if (strcmp(op, "add") == 0) {
			r = staff_role_parse(role ? role : "");
			if (r == ROLE_NONE || !staff_name_valid(name) ||
			    pw == NULL || strlen(pw) < STAFF_PW_MIN)
				rc = -2;
			else
				rc = staff_user_add(x->st, name, r, pw, x->now);
		} else if (strcmp(op, "disable") == 0 ||
		    strcmp(op, "enable") == 0) {
			if (strcmp(name, x->ses.user) == 0)
				rc = -3;
			else
				rc = staff_user_disable(x->st, name,
				    strcmp(op, "disable") == 0, x->now);
		} else
			rc = -2;
		if (rc == 0) {
			log_info("console: %s: account %s: %s", x->ses.user,
			    name, op);
			sx_flash(x, 0, "%s %s: %s", T(x, "账户", "Account"),
			    name, op);
		} else if (rc == -2)
			sx_flash(x, 1, "%s", T(x, "名称须为小写字母、数字和 ._-，"
			    "角色须为受理员、复核员或管理员，密码至少 10 个字符。",
			    "A name is lower-case letters, digits and ._-; a "
			    "role is handler, reviewer or admin; a password has "
			    "10 characters or more."));
		else if (rc == -3)
			sx_flash(x, 1, "%s", T(x, "不能停用自己的账户。",
			    "You cannot disable your own account."));
		else if (store_busy(x->st)) {
			sx_error(x, 503, "服务暂不可用，请稍后再试。",
			    "The service is unavailable: try again shortly.");
			return;
		} else
			sx_flash(x, 1, "%s", store_error(x->st));
	}
	if (staff_user_list(x->st, &u) < 0) {
		sx_error(x, 503, "服务暂不可用，请稍后再试。",
		    "The service is unavailable: try again shortly.");
		return;
	}
	hp(&x->b, "<h1>%S</h1><table class=\"list\"><tr><th>%S</th><th>%S</th>"
	    "<th>%S</th><th>%S</th><th></th></tr>\n", T(x, "账户", "Accounts"),
	    T(x, "用户名", "Name"), T(x, "角色", "Role"), T(x, "状态", "State"),
	    T(x, "上次登录", "Last login"));
	for (i = 0; i < u.n; i++) {
		hp(&x->b, "<tr><td>%s</td><td>%S</td><td>%S</td><td>%t</td><td>"
		    "<form method=\"post\" action=\"/staff/users\"><input "
		    "type=\"hidden\" name=\"csrf\" value=\"%s\"><input type="
		    "\"hidden\" name=\"name\" value=\"%s\"><button name=\"op\" "
		    "value=\"%S\">%S</button></form></td></tr>\n", u.v[i].name,
		    sx_role(x, u.v[i].role), u.v[i].disabled ? T(x, "已停用",
		    "disabled") : T(x, "启用", "enabled"), u.v[i].last_login,
		    x->ses.csrf, u.v[i].name, u.v[i].disabled ? "enable" :
		    "disable", u.v[i].disabled ? T(x, "启用", "Enable") :
		    T(x, "停用", "Disable"));
	}
	staff_users_free(&u);
	hp(&x->b, "</table><h2>%S</h2><form method=\"post\" action=\"/staff/users\" "
	    "class=\"act\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
	    "<input type=\"hidden\" name=\"op\" value=\"add\">"
	    "<label>%S <input name=\"name\" required maxlength=\"63\"></label>"
	    "<label>%S <select name=\"role\"><option value=\"handler\">%S"
	    "</option><option value=\"reviewer\">%S</option><option value="
	    "\"admin\">%S</option></select></label><label>%S <input type="
	    "\"password\" name=\"password\" autocomplete=\"new-password\" "
	    "minlength=\"10\" required></label><button type=\"submit\">%S"
	    "</button></form>", T(x, "新增账户", "Add an account"), x->ses.csrf,
	    T(x, "用户名", "Name"), T(x, "角色", "Role"),
	    sx_role(x, ROLE_HANDLER), sx_role(x, ROLE_REVIEWER),
	    sx_role(x, ROLE_ADMIN), T(x, "初始密码", "First password"),
	    T(x, "新增", "Add"));
	sx_page(x, rc == 0 ? 200 : 400, T(x, "账户", "Accounts"));
}

/*
 * session - the request's session, checked: 1 logged in (x->ses), 0 not
 * (the answer made: the login page for a GET, 403 for a POST), -1 store
 */
static int
session(struct sx *x)
{
	struct staff_limits	 lim;
	int			 rc = 1;

	limits(x, &lim);
	if (x->rq->session == NULL || strlen(x->rq->session) !=
	    STAFF_TOKEN_LEN)
		rc = 1;
	else if ((rc = staff_session_check(x->st, &lim, x->rq->session,
	    x->now, &x->ses)) < 0)
		return (-1);
	if (rc == 0) {
		x->authed = 1;
		return (1);
	}
	if (x->rq->post) {
		sx_error(x, 403, "会话已结束，请重新登录。",
		    "Your session has ended: log in again.");
		return (0);
	}
	sx_redirect(x, "/staff/login");
	return (0);
}

/* webd_staff - a request for the console (webd.h) */
void
webd_staff(const struct runtime *rt, const struct webd_request *rq,
    struct webd_answer *a)
{
	struct sx	 x;
	const char	*p = rq->path + strlen("/staff"), *lang, *csrf;
	buf		 err = { 0 };
	int		 rc;

	memset(&x, 0, sizeof(x));
	x.rt = rt;
	x.site = rt->own;
	x.rq = rq;
	x.a = a;
	x.now = time(NULL);
	lang = rq->post ? NULL : webd_fields_get(rq->f, "lang");
	if (lang != NULL) {
		x.l = webd_lang(lang);
		a->cookie[1] = xasprintf("jubao_lang=%s; Path=/staff; "
		    "SameSite=Strict", x.l == WL_EN ? "en" : "zh-CN");
	} else
		x.l = webd_lang(rq->lang);
	buf_adds(&err, "");
	if ((x.st = daemon_store(rt->cfg, &err)) == NULL) {
		log_error("console: %s", err.s);
		sx_error(&x, 503, "服务暂不可用，请稍后再试。",
		    "The service is unavailable: try again shortly.");
		goto out;
	}
	if (strcmp(p, "/login") == 0) {
		if (rq->post)
			login(&x, rq->pre);
		else
			login_form(&x, 200);
		goto out;
	}
	if ((rc = session(&x)) < 0)
		goto failed;
	if (rc == 0)
		goto out;
	if (rq->post) {
		csrf = webd_fields_get(rq->f, "csrf");
		if (csrf == NULL || !staff_csrf_ok(&x.ses, csrf)) {
			log_info("console: %s: a form without its token refused",
			    x.ses.user);
			sx_error(&x, 403, "表单已过期或来源不明，未执行。请返回"
			    "刷新页面后重试。", "The form expired or did not come "
			    "from this console: nothing was done. Go back, "
			    "reload and try again.");
			goto out;
		}
	}
	if (!staff_may(x.ses.role, ROLE_HANDLER))
		/* a role this program does not know: nothing */
		sx_error(&x, 403, "此账户没有可用的角色。",
		    "This account has no role the console knows.");
	else if (strcmp(p, "/logout") == 0 && rq->post)
		logout(&x);
	else if (strcmp(p, "") == 0 || strcmp(p, "/") == 0)
		sx_redirect(&x, "/staff/queue");
	else if (strcmp(p, "/users") == 0) {
		if (!staff_may(x.ses.role, ROLE_ADMIN))
			sx_error(&x, 403, "此页面仅限管理员。",
			    "This page is for administrators.");
		else
			users(&x);
	} else if (console_page(&x, p) < 0)
		goto failed;
	goto out;
failed:
	log_error("console: %s", store_error(x.st));
	daemon_store_failed(x.st);
	buf_free(&x.b);
	free(a->html);
	a->html = NULL;
	sx_error(&x, 503, "服务暂不可用，请稍后再试。",
	    "The service is unavailable: try again shortly.");
out:
	sodium_memzero(&x.ses, sizeof(x.ses));
	buf_free(&x.b);
	free(x.flash);
	buf_free(&err);
}
