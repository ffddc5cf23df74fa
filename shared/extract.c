/*
 * NAME
 *	extract - addresses, accounts, phone numbers and names in report text
 * DESCRIPTION
 *	Hand-scanned rather than regex(3): POSIX regex knows nothing of UTF-8
 *	and full-width punctuation.  Each scanner is a small loop over bytes
 *	that never goes back over what it has passed (extract.h).
 */
#include <ctype.h>
#include <stdint.h>
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

/*
 * url_run - the address characters from s: *run is where they end, and
 * the return value where the address ends once trailing punctuation is
 * trimmed (.,;:!? and a closing bracket that closes nothing inside).  The
 * brackets are counted on the way forward, so the trim is one step back
 * a character: linear, however many ")" a sender appends.
 */
static const char *
url_run(const char *s, const char **run)
{
	const char	*e = s;
	long		 paren = 0, square = 0;	/* opened minus closed */

	for (; url_char((unsigned char)*e); e++)
		if (*e == '(')
			paren++;
		else if (*e == ')')
			paren--;
		else if (*e == '[')
			square++;
		else if (*e == ']')
			square--;
	*run = e;
	while (e > s) {
		if (strchr(".,;:!?", e[-1]) != NULL)
			e--;
		else if (e[-1] == ')' && paren < 0) {
			paren++;
			e--;
		} else if (e[-1] == ']' && square < 0) {
			square++;
			e--;
		} else
			break;
	}
	return (e);
}

static const char *const tlds[] = {
	"cn", "com", "net", "org", "io", "me", "tv", "cc", "info", "top", "xyz",
	"vip", "club", "site", "online", "hk", "tw", "mo", "edu", "gov", "app",
	"co", "uk", "jp", "us", "de", "ru", "biz", "ltd", "shop", "link", "live",
	"fun", "pro", "asia", "work", "wang", "ink", "red", NULL
};

/*
 * host_ok - is [s, e) a host name a reporter wrote: labels of letters,
 * digits and hyphens, at least two, and a last label of letters that is
 * a TLD we know, or any (2 to 24 letters) after "www." or before a path.
 */
static int
host_ok(const char *s, const char *e, int path)
{
	const char	*p, *tld = s;
	size_t		 i, len;
	int		 dots = 0;

	for (p = s; p < e; p++)
		if (*p == '.') {
			if (p == s || p[-1] == '.' || p + 1 == e)
				return (0);	/* an empty label */
			dots++;
			tld = p + 1;
		}
	if (dots == 0)
		return (0);
	len = (size_t)(e - tld);
	for (p = tld; p < e; p++)
		if (!isalpha((unsigned char)*p))
			return (0);
	for (i = 0; tlds[i]; i++)
		if (strlen(tlds[i]) == len && strncasecmp(tld, tlds[i], len) == 0)
			return (1);
	return ((path || (e - s > 4 && strncasecmp(s, "www.", 4) == 0)) &&
	    len >= 2 && len <= 24);
}

/* add_span - add [s, e) to a list */
static void
add_span(strlist *out, const char *s, const char *e)
{
	char	*u = xstrndup(s, (size_t)(e - s));

	strlist_add_unique(out, u);
	free(u);
}

/*
 * extract_urls - http(s) URLs, and addresses written without a scheme
 * (www.example.cn, example.cn/path), also glued to Chinese text or inside
 * full-width punctuation: an address is ASCII, so it ends where the text
 * does not.  One pass: a position where no address starts is never
 * looked at again.
 */
void
extract_urls(const char *text, strlist *out)
{
	const char	*p = text, *s, *e, *h, *run;

	while (*p) {
		if ((*p == 'h' || *p == 'H') &&
		    (strncasecmp(p, "http://", 7) == 0 ||
		    strncasecmp(p, "https://", 8) == 0)) {
			s = p;
			e = url_run(s, &run);
			if (e - s > 8)
				add_span(out, s, e);
			p = run;
			continue;
		}
		/* a bare name starts after a byte that cannot be in one
		 * (a space, Chinese text, full-width punctuation) */
		if (!isalnum((unsigned char)*p) || (p > text &&
		    (isalnum((unsigned char)p[-1]) ||
		    strchr("@._-/:%?=&#~+", p[-1]) != NULL))) {
			p++;
			continue;
		}
		s = p;
		for (h = p; isalnum((unsigned char)*h) || *h == '.' || *h == '-';
		    h++)
			;
		p = h;
		/* an e-mail address is not a reported address */
		if (*h == '@') {
			p = h + 1;
			continue;
		}
		for (e = h; e > s && (e[-1] == '.' || e[-1] == '-'); e--)
			;
		if (!host_ok(s, e, e == h && *h == '/'))
			continue;
		/* the host is good: take its port and path too */
		if (e == h && (*h == '/' || *h == ':' || *h == '?' || *h == '#')) {
			e = url_run(h, &run);
			p = run;
			if (e == h + 1 && *h != '/')
				e = h;		/* "example.cn:" ends a sentence */
		}
		add_span(out, s, e);
	}
}

#define HANDLE_MAX	64	/* characters; a longer run is not a handle */

/*
 * handle_end - where an account handle starting at s ends; it looks at
 * no more than HANDLE_MAX + 1 characters (a longer run is refused)
 */
static const char *
handle_end(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	unsigned		 cp;
	size_t			 len, chars = 0;

	while (*p && chars++ <= HANDLE_MAX) {
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

/* mark - set the mask over [s, e) */
static void
mark(unsigned char *mask, size_t s, size_t e)
{
	memset(mask + s, 1, e - s);
}

/* local_char - may this byte be in the local part of an address */
static int
local_char(int c)
{
	return (isalnum(c) || (c != '\0' && strchr("._%+-", c) != NULL));
}

/*
 * extract_redact - text without personal data, for retention: every
 * secret (ASCII case ignored), every e-mail address and every run that
 * reads as a phone number (7 or more digits, with spaces, hyphens,
 * parentheses or a leading +) becomes "[已删除]".  Linear: each secret is
 * found with strcasestr (glibc's is two-way, linear), addresses from each
 * "@" with the local part's start remembered on the way, numbers in one
 * pass; what is found is marked in a mask, and each marked run written
 * once as "[已删除]".  Caller frees.
 */
char *
extract_redact(const char *text, const strlist *secrets)
{
	size_t		 n = strlen(text), i, j, len, run = SIZE_MAX, digits;
	unsigned char	*mask = xcalloc(n + 1, 1);
	const char	*p, *q;
	buf		 out = { 0 };
	int		 c;

	for (i = 0; secrets && i < secrets->n; i++) {
		if ((len = strlen(secrets->v[i])) == 0)
			continue;
		for (p = text; (q = strcasestr(p, secrets->v[i])) != NULL;
		    p = q + len)
			mark(mask, (size_t)(q - text), (size_t)(q - text) + len);
	}
	/* local@domain.tld: the local part is the run before the "@" */
	for (i = 0; i < n; i++) {
		c = (unsigned char)text[i];
		if (local_char(c)) {
			if (run == SIZE_MAX)
				run = i;
			continue;
		}
		if (c == '@' && run != SIZE_MAX &&
		    isalnum((unsigned char)text[i + 1])) {
			for (j = i + 1; isalnum((unsigned char)text[j]) ||
			    text[j] == '.' || text[j] == '-'; j++)
				;
			if (memchr(text + i, '.', j - i) != NULL) {
				mark(mask, run, j);
				i = j - 1;
			}
		}
		run = SIZE_MAX;
	}
	/* phone numbers */
	for (i = 0; i < n; ) {
		c = (unsigned char)text[i];
		if (mask[i] || !(isdigit(c) || ((c == '+' || c == '(') &&
		    isdigit((unsigned char)text[i + 1])))) {
			i++;
			continue;
		}
		for (j = i, digits = 0; text[j] && (isdigit((unsigned char)text[j]) ||
		    ((text[j] == ' ' || text[j] == '-' || text[j] == '(' ||
		    text[j] == ')' || text[j] == '+') && text[j + 1] &&
		    (isdigit((unsigned char)text[j + 1]) || text[j + 1] == ' ' ||
		    text[j + 1] == '('))); j++)
			if (isdigit((unsigned char)text[j]))
				digits++;
		if (digits >= 7)
			mark(mask, i, j);
		i = j > i ? j : i + 1;
	}
	buf_reserve(&out, n);
	buf_adds(&out, "");
	for (i = 0; i < n; i = j) {
		for (j = i; j < n && mask[j] == mask[i]; j++)
			;
		if (mask[i])
			buf_adds(&out, REDACTED);
		else
			buf_add(&out, text + i, j - i);
	}
	free(mask);
	return (out.s);
}
