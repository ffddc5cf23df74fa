/*
 * NAME
 *	extract - addresses, accounts, phone numbers and names in report text
 * DESCRIPTION
 *	Hand-scanned rather than regex(3): POSIX regex knows nothing of UTF-8
 *	and full-width punctuation.  Each scanner is a small loop over bytes.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extract.h"
#include "report.h"

/* utf8_cp - the code point at p and its length in *len (1 for bad bytes) */
static unsigned
utf8_cp(const unsigned char *p, size_t *len)
{
	if (p[0] < 0x80) {
		*len = 1;
		return (p[0]);
	}
	if ((p[0] & 0xe0) == 0xc0 && (p[1] & 0xc0) == 0x80) {
		*len = 2;
		return (((p[0] & 0x1fu) << 6) | (p[1] & 0x3fu));
	}
	if ((p[0] & 0xf0) == 0xe0 && (p[1] & 0xc0) == 0x80 &&
	    (p[2] & 0xc0) == 0x80) {
		*len = 3;
		return (((p[0] & 0x0fu) << 12) | ((p[1] & 0x3fu) << 6) |
		    (p[2] & 0x3fu));
	}
	if ((p[0] & 0xf8) == 0xf0 && (p[1] & 0xc0) == 0x80 &&
	    (p[2] & 0xc0) == 0x80 && (p[3] & 0xc0) == 0x80) {
		*len = 4;
		return (((p[0] & 0x07u) << 18) | ((p[1] & 0x3fu) << 12) |
		    ((p[2] & 0x3fu) << 6) | (p[3] & 0x3fu));
	}
	*len = 1;
	return (0xfffd);
}

/* is_cjk_punct - CJK symbols and punctuation, full-width forms, spaces */
static int
is_cjk_punct(unsigned cp)
{
	return ((cp >= 0x3000 && cp <= 0x303f) ||
	    (cp >= 0xff00 && cp <= 0xff0f) || (cp >= 0xff1a && cp <= 0xff20) ||
	    (cp >= 0xff3b && cp <= 0xff40) || (cp >= 0xff5b && cp <= 0xff65) ||
	    (cp >= 0x2000 && cp <= 0x206f) || cp == 0xa0);
}

/* url_char - may this ASCII byte be part of an address */
static int
url_char(int c)
{
	return (c > 0x20 && c < 0x7f && strchr("<>\"'`{}|\\^", c) == NULL);
}

/* trim_tail - drop trailing punctuation from an address at [s, e) */
static const char *
trim_tail(const char *s, const char *e)
{
	int	 open;
	const char *p;

	for (;;) {
		if (e <= s)
			return (e);
		if (strchr(".,;:!?", e[-1]) != NULL) {
			e--;
			continue;
		}
		if (e[-1] == ')' || e[-1] == ']') {
			char o = e[-1] == ')' ? '(' : '[';

			/* strip a closing bracket that closes nothing inside */
			for (open = 0, p = s; p < e - 1; p++)
				if (*p == o)
					open++;
				else if (*p == e[-1])
					open--;
			if (open <= 0) {
				e--;
				continue;
			}
		}
		return (e);
	}
}

static const char *const tlds[] = {
	"cn", "com", "net", "org", "io", "me", "tv", "cc", "info", "top", "xyz",
	"vip", "club", "site", "online", "hk", "tw", "mo", "edu", "gov", "app",
	"co", "uk", "jp", "us", "de", "ru", "biz", "ltd", "shop", "link", "live",
	"fun", "pro", "asia", "work", "wang", "ink", "red", NULL
};

/* known_tld - does the host [s, e) end in a label we accept bare */
static int
known_tld(const char *s, const char *e)
{
	const char	*dot = NULL, *p;
	size_t		 i, len;

	for (p = s; p < e; p++)
		if (*p == '.')
			dot = p;
	if (dot == NULL || dot == s)
		return (0);
	len = (size_t)(e - dot - 1);
	for (i = 0; tlds[i]; i++)
		if (strlen(tlds[i]) == len && strncasecmp(dot + 1, tlds[i], len) == 0)
			return (1);
	return (0);
}

/* extract_urls - http(s) URLs and bare host[/path] names */
void
extract_urls(const char *text, strlist *out)
{
	const char	*p = text, *s, *e, *h;
	char		*u;

	while (*p) {
		if (strncasecmp(p, "http://", 7) == 0 ||
		    strncasecmp(p, "https://", 8) == 0) {
			s = p;
			while (url_char((unsigned char)*p))
				p++;
			e = trim_tail(s, p);
			if (e - s > 8) {
				u = xstrndup(s, (size_t)(e - s));
				strlist_add_unique(out, u);
				free(u);
			}
			continue;
		}
		/* a bare name starts after a non-address byte */
		if (!isalnum((unsigned char)*p) || (p > text &&
		    (isalnum((unsigned char)p[-1]) ||
		    strchr("@._-/:%?=&#~+", p[-1]) != NULL))) {
			p++;
			continue;
		}
		s = p;
		h = p;
		while (isalnum((unsigned char)*h) || *h == '.' || *h == '-')
			h++;
		/* an e-mail address is not a reported address */
		if (*h == '@') {
			p = h + 1;
			continue;
		}
		e = trim_tail(s, h);
		if (!known_tld(s, e) || memchr(s, '.', (size_t)(e - s)) == NULL) {
			p = h > p ? h : p + 1;
			continue;
		}
		/* the host is good: take the path too */
		p = h;
		if (*p == '/' || *p == ':')
			while (url_char((unsigned char)*p))
				p++;
		e = trim_tail(s, p);
		u = xstrndup(s, (size_t)(e - s));
		strlist_add_unique(out, u);
		free(u);
	}
}

/* handle_end - where an account handle starting at s ends */
static const char *
handle_end(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	unsigned		 cp;
	size_t			 len;

	while (*p) {
		cp = utf8_cp(p, &len);
		if (cp < 0x80) {
			if (!isalnum((int)cp) && cp != '_' && cp != '-' && cp != '.')
				break;
		} else if (is_cjk_punct(cp) || cp == 0xfffd)
			break;
		p += len;
	}
	/* a trailing dot is punctuation */
	while ((const char *)p > s && p[-1] == '.')
		p--;
	return ((const char *)p);
}

static const char *const account_labels[] = {
	"微博账号", "微博帳號", "抖音号", "快手号", "微信号", "公众号", "用户名",
	"用戶名", "账号", "帐号", "帳號", "賬號", "昵称", "暱稱", "Account", "Username", "Handle", "ID", NULL
};

/* skip_label_sep - after a label: optional spaces, then ':' or '：' */
static const char *
skip_label_sep(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == ':')
		p++;
	else if (strncmp(p, "\xef\xbc\x9a", 3) == 0)	/* U+FF1A ： */
		p += 3;
	else
		return (NULL);
	while (*p == ' ' || *p == '\t')
		p++;
	return (p);
}

/* extract_accounts - "@handle" and labelled accounts ("账号：abc") */
void
extract_accounts(const char *text, strlist *out)
{
	const char	*p, *s, *e;
	char		*h;
	size_t		 i, ll;

	for (p = text; *p; p++) {
		if (*p != '@')
			continue;
		/* name@domain is an e-mail address */
		if (p > text && (isalnum((unsigned char)p[-1]) ||
		    strchr("._-+", p[-1])))
			continue;
		s = p + 1;
		e = handle_end(s);
		if (e - s >= 2 && e - s <= 64) {
			h = xstrndup(s, (size_t)(e - s));
			strlist_add_unique(out, h);
			free(h);
		}
	}
	for (i = 0; account_labels[i]; i++) {
		ll = strlen(account_labels[i]);
		for (p = text; (p = strstr(p, account_labels[i])) != NULL; p += ll) {
			/* "ID" only as a word of its own */
			if (ll == 2 && p > text && isalnum((unsigned char)p[-1]))
				continue;
			if ((s = skip_label_sep(p + ll)) == NULL)
				continue;
			if (*s == '@')
				s++;
			if (strncasecmp(s, "http", 4) == 0)
				continue;
			e = handle_end(s);
			if (e - s >= 2 && e - s <= 64) {
				h = xstrndup(s, (size_t)(e - s));
				strlist_add_unique(out, h);
				free(h);
			}
		}
	}
}

/* extract_phones - Chinese mobile and fixed-line numbers, +CC numbers */
void
extract_phones(const char *text, strlist *out)
{
	const char	*p = text, *s;
	char		 d[32];
	size_t		 n;
	int		 plus, paren;

	while (*p) {
		if (!(isdigit((unsigned char)*p) || ((*p == '+' || *p == '(') &&
		    isdigit((unsigned char)p[1])))) {
			p++;
			continue;
		}
		/* part of a word, an address, a case number or a date */
		if (p > text && (isalnum((unsigned char)p[-1]) ||
		    strchr("/=._#%&-", p[-1]))) {
			/* step over a leading '+' or '(' too: "a+1" looped */
			do
				p++;
			while (isalnum((unsigned char)*p));
			continue;
		}
		s = p;
		plus = (*p == '+');
		paren = (*p == '(');
		if (plus || paren)
			p++;
		n = 0;
		while (*p && n < sizeof(d) - 2) {
			if (isdigit((unsigned char)*p))
				d[n++] = *p++;
			else if ((*p == ' ' || *p == '-') &&
			    isdigit((unsigned char)p[1]) && n > 0)
				p++;
			else if ((*p == '(' || *p == ')') && n < 6 &&
			    (isdigit((unsigned char)p[1]) || (p[1] == ' ' &&
			    isdigit((unsigned char)p[2]))))
				p++;
			else
				break;
		}
		d[n] = '\0';
		if (isalpha((unsigned char)*p) || *p == '/' || *p == '@' ||
		    (*p == '.' && isdigit((unsigned char)p[1])))
			continue;
		if (plus && n >= 8 && n <= 15) {
			char	 q[34];

			q[0] = '+';
			memcpy(q + 1, d, n + 1);
			strlist_add_unique(out, q);
		} else if (paren && n >= 8 && n <= 15)
			strlist_add_unique(out, d);	/* "(852) 9123 4567" */
		else if (!plus && n == 11 && d[0] == '1' && d[1] >= '3')
			strlist_add_unique(out, d);	/* mobile */
		else if (!plus && d[0] == '0' && d[1] != '0' && n >= 10 &&
		    n <= 12)
			strlist_add_unique(out, d);	/* area code + number */
		else if (!plus && n == 13 && strncmp(d, "86", 2) == 0 &&
		    d[2] == '1') {
			char	 q[34];

			q[0] = '+';
			memcpy(q + 1, d, n + 1);
			strlist_add_unique(out, q);
		}
		(void)s;
	}
}

static const char *const name_labels[] = {
	"举报人姓名", "联系人姓名", "姓名", "联系人", "聯絡人", "聯繫人",
	"举报人", "舉報人", "Reporter",
	"Contact name", "Full name", "Name", NULL
};

/* extract_labelled - the value after the first of labels, to end of line */
char *
extract_labelled(const char *text, const char *const *labels)
{
	const char	*p, *s, *e;
	size_t		 i, ll;

	for (i = 0; labels[i]; i++) {
		ll = strlen(labels[i]);
		for (p = text; (p = strcasestr(p, labels[i])) != NULL; p += ll) {
			if (p > text && isalpha((unsigned char)p[-1]))
				continue;
			if ((s = skip_label_sep(p + ll)) == NULL)
				continue;
			e = s;
			while (*e && *e != '\n' && *e != '\r')
				e++;
			while (e > s && (e[-1] == ' ' || e[-1] == '\t' ||
			    strchr(",;.", e[-1])))
				e--;
			/* a long line: the value is at its start */
			if (e - s > 64) {
				e = s + 64;
				while (e > s && ((unsigned char)*e & 0xc0) == 0x80)
					e--;
			}
			if (e > s)
				return (xstrndup(s, (size_t)(e - s)));
		}
	}
	return (NULL);
}

/* extract_name - the reporter's name if the text gives it, else NULL */
char *
extract_name(const char *text)
{
	char	*v, *cut;

	if ((v = extract_labelled(text, name_labels)) == NULL)
		return (NULL);
	/* "张三，电话：138..." : the name ends at CJK punctuation */
	for (cut = v; *cut; ) {
		size_t	 len;
		unsigned cp = utf8_cp((unsigned char *)cut, &len);

		if (is_cjk_punct(cp) || cp == ',' || cp == ';' || cp == '(' ||
		    (cp == ' ' && cut > v && (unsigned char)cut[-1] >= 0x80))
			break;
		cut += len;
	}
	*cut = '\0';
	str_trim(v);
	if (*v == '\0') {
		free(v);
		return (NULL);
	}
	return (v);
}

#define REDACTED	"[已删除]"

/*
 * extract_redact - text without personal data, for retention: every
 * secret (ASCII case ignored), every e-mail address and every run that
 * reads as a phone number (7 or more digits, with spaces, hyphens,
 * parentheses or a leading +) becomes "[已删除]".  Caller frees.
 */
char *
extract_redact(const char *text, const strlist *secrets)
{
	buf		 out = { 0 };
	const char	*p = text, *s, *e;
	size_t		 i, len, digits;

	buf_adds(&out, "");
	while (*p) {
		for (i = 0; secrets && i < secrets->n; i++) {
			len = strlen(secrets->v[i]);
			if (len > 0 && strncasecmp(p, secrets->v[i], len) == 0)
				break;
		}
		if (secrets && i < secrets->n) {
			buf_adds(&out, REDACTED);
			p += strlen(secrets->v[i]);
			continue;
		}
		/* an e-mail address: local@domain.tld */
		if (isalnum((unsigned char)*p) || strchr("._%+-", *p)) {
			s = p;
			/* *p first: strchr finds the terminating NUL too */
			while (*p && (isalnum((unsigned char)*p) ||
			    strchr("._%+-", *p)))
				p++;
			if (*p == '@' && isalnum((unsigned char)p[1])) {
				e = p + 1;
				while (isalnum((unsigned char)*e) || *e == '.' || *e == '-')
					e++;
				if (memchr(p, '.', (size_t)(e - p)) != NULL) {
					buf_adds(&out, REDACTED);
					p = e;
					continue;
				}
			}
			p = s;
		}
		/* a phone number */
		if (isdigit((unsigned char)*p) || ((*p == '+' || *p == '(') &&
		    isdigit((unsigned char)p[1]))) {
			s = p;
			digits = 0;
			e = p;
			while (*e && (isdigit((unsigned char)*e) || ((*e == ' ' ||
			    *e == '-' || *e == '(' || *e == ')' || *e == '+') &&
			    e[1] && (isdigit((unsigned char)e[1]) || e[1] == ' ' ||
			    e[1] == '(')))) {
				if (isdigit((unsigned char)*e))
					digits++;
				e++;
			}
			if (digits >= 7) {
				buf_adds(&out, REDACTED);
				p = e;
				continue;
			}
			buf_add(&out, s, (size_t)(e - s));
			p = e;
			continue;
		}
		buf_add(&out, p, 1);
		p++;
	}
	return (out.s);
}
