/*
 * NAME
 *	util - memory helpers that never fail, string lists and buffers
 * DESCRIPTION
 *	Out of memory is not a condition jubao recovers from inside a
 *	callback: it logs a panic and aborts, and libmilter's peer (Postfix)
 *	applies milter_default_action (tempfail), so nothing is lost.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <strings.h>
#include <sodium.h>

#include "log.h"
#include "util.h"

/* oom - report exhaustion and abort */
static void
oom(size_t n)
{
	log_panic("out of memory allocating %zu bytes", n);
}

/* xmalloc - malloc or die */
void *
xmalloc(size_t n)
{
	void	*p = malloc(n ? n : 1);

	if (p == NULL)
		oom(n);
	return (p);
}

/* xcalloc - calloc or die */
void *
xcalloc(size_t n, size_t sz)
{
	void	*p = calloc(n ? n : 1, sz ? sz : 1);

	if (p == NULL)
		oom(n * sz);
	return (p);
}

/* xrealloc - realloc or die */
void *
xrealloc(void *p, size_t n)
{
	void	*q = realloc(p, n ? n : 1);

	if (q == NULL)
		oom(n);
	return (q);
}

/* xstrdup - strdup or die */
char *
xstrdup(const char *s)
{
	return (xstrndup(s, strlen(s)));
}

/* xstrndup - copy at most n bytes of s, NUL-terminated */
char *
xstrndup(const char *s, size_t n)
{
	char	*p;
	size_t	 len = strnlen(s, n);

	p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return (p);
}

/* xasprintf - formatted allocation or die */
char *
xasprintf(const char *fmt, ...)
{
	va_list	 ap;
	char	*p;
	int	 r;

	va_start(ap, fmt);
	r = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (r < 0)
		oom(strlen(fmt));
	return (p);
}

static unsigned char	 hash_key[crypto_shorthash_KEYBYTES];
static pthread_once_t	 hash_once = PTHREAD_ONCE_INIT;

/* hash_init - the per-process SipHash key (once) */
static void
hash_init(void)
{
	if (sodium_init() < 0)
		log_panic("libsodium does not initialise");
	randombytes_buf(hash_key, sizeof(hash_key));
}

/* str_hash - SipHash-2-4 of a string under the process key */
static size_t
str_hash(const char *s)
{
	unsigned char	 h[crypto_shorthash_BYTES];
	size_t		 v;

	pthread_once(&hash_once, hash_init);
	crypto_shorthash(h, (const unsigned char *)s, strlen(s), hash_key);
	memcpy(&v, h, sizeof(v));
	return (v);
}

/* idx_slot - the slot of s in the index: where it is, or the empty one */
static size_t
idx_slot(const strlist *l, const char *s)
{
	size_t	 i = str_hash(s) & (l->idx_cap - 1);

	while (l->idx[i] != 0 && strcmp(l->v[l->idx[i] - 1], s) != 0)
		i = (i + 1) & (l->idx_cap - 1);
	return (i);
}

/* idx_grow - (re)build the index at twice the strings' capacity */
static void
idx_grow(strlist *l)
{
	size_t	 i;

	l->idx_cap = 16;
	while (l->idx_cap < 2 * l->cap)
		l->idx_cap *= 2;
	free(l->idx);
	l->idx = xcalloc(l->idx_cap, sizeof(*l->idx));
	for (i = 0; i < l->n; i++)
		l->idx[idx_slot(l, l->v[i])] = i + 1;
}

/*
 * strlist_add - append a copy of s; 0, or 1 when the cap (max) turned it
 * away (counted in dropped).
 */
int
strlist_add(strlist *l, const char *s)
{
	size_t	 slot;

	if (l->max > 0 && l->n >= l->max) {
		l->dropped++;
		return (1);
	}
	if (l->n + 1 >= l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = xstrdup(s);
	l->v[l->n] = NULL;
	/* a few strings are compared one by one; past that, hashed */
	if (l->n > 8 && l->idx_cap < 2 * l->cap)
		idx_grow(l);
	else if (l->idx_cap > 0) {
		slot = idx_slot(l, s);
		if (l->idx[slot] == 0)
			l->idx[slot] = l->n;
	}
	return (0);
}

/* strlist_find - the position of s (exact match), or -1 */
long
strlist_find(const strlist *l, const char *s)
{
	size_t	 i;

	if (l->idx_cap > 0) {
		i = idx_slot(l, s);
		return (l->idx[i] ? (long)l->idx[i] - 1 : -1);
	}
	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return ((long)i);
	return (-1);
}

/* strlist_has - is s in the list (exact match) */
int
strlist_has(const strlist *l, const char *s)
{
	return (strlist_find(l, s) >= 0);
}

/*
 * strlist_add_unique - append s unless present: 0 added, -1 present, 1
 * turned away by the cap.
 */
int
strlist_add_unique(strlist *l, const char *s)
{
	if (strlist_has(l, s))
		return (-1);
	return (strlist_add(l, s));
}

/* strlist_free - release the strings, the array and the index */
void
strlist_free(strlist *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	free(l->idx);
	memset(l, 0, sizeof(*l));
}

/* buf_reserve - room for n more bytes (and the NUL) without moving */
void
buf_reserve(buf *b, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		while (b->len + n + 1 > b->cap)
			b->cap = b->cap ? b->cap * 2 : 256;
		b->s = xrealloc(b->s, b->cap);
	}
}

/* buf_add - append n bytes */
void
buf_add(buf *b, const void *p, size_t n)
{
	buf_reserve(b, n);
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* buf_adds - append a string */
void
buf_adds(buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* buf_printf - append formatted text */
void
buf_printf(buf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	*p;
	int	 r;

	va_start(ap, fmt);
	r = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (r < 0)
		oom(strlen(fmt));
	buf_add(b, p, (size_t)r);
	free(p);
}

/* buf_free - release the buffer */
void
buf_free(buf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}

/* utf8_next - the code point at p, its length in *len; -1 for a bad byte */
static long
utf8_next(const unsigned char *p, size_t *len)
{
	long	 cp;
	size_t	 n, i;

	if (p[0] < 0x80) {
		*len = 1;
		return (p[0]);
	}
	if ((p[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = p[0] & 0x0f;
	} else if ((p[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = p[0] & 0x07;
	} else {
		*len = 1;
		return (-1);
	}
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			*len = 1;
			return (-1);
		}
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	/* overlong forms and surrogates are not text */
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff)) {
		*len = 1;
		return (-1);
	}
	*len = n;
	return (cp);
}

/* steers - does a code point steer a terminal or reorder what it shows */
static int
steers(long cp)
{
	return ((cp >= 0x80 && cp <= 0x9f) ||		/* C1, CSI 0x9b among them */
	    cp == 0x061c || cp == 0x200e || cp == 0x200f ||	/* bidi marks */
	    (cp >= 0x202a && cp <= 0x202e) ||		/* embeddings, overrides */
	    (cp >= 0x2066 && cp <= 0x2069));		/* isolates */
}

/*
 * str_visible - text a sender wrote, safe to print on a handler's
 * terminal: C0 controls (but newline and tab with multiline), DEL, C1
 * controls, bidi overrides and bytes that are not UTF-8 become visible
 * escapes (\x1b, \u202e).  Caller frees.
 */
char *
str_visible(const char *s, int multiline)
{
	const unsigned char	*p = (const unsigned char *)s;
	buf			 b = { 0 };
	size_t			 len;
	long			 cp;

	buf_adds(&b, "");
	while (p && *p) {
		cp = utf8_next(p, &len);
		if (cp < 0 || cp == 0x7f || (cp < 0x20 && !(multiline &&
		    (cp == '\n' || cp == '\t'))))
			buf_printf(&b, "\\x%02x", *p);
		else if (steers(cp))
			buf_printf(&b, "\\u%04lx", cp);
		else
			buf_add(&b, p, len);
		p += len;
	}
	return (b.s);
}

/*
 * str_text_chars - the characters (code points) of typed text, or -1 when
 * it is not UTF-8 or holds a control character (C0 but, with multiline,
 * newline, CR and tab; DEL; C1) or a bidi override; one pass
 */
long
str_text_chars(const char *s, int multiline)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 len;
	long			 cp, n = 0;

	for (; *p; p += len, n++) {
		cp = utf8_next(p, &len);
		if (cp < 0 || cp == 0x7f || steers(cp) ||
		    (cp < 0x20 && !(multiline && (cp == '\n' || cp == '\r' ||
		    cp == '\t'))))
			return (-1);
	}
	return (n);
}

/*
 * json_visible - a JSON text (jansson escapes C0 already) with C1 controls
 * and bidi overrides escaped as \uXXXX too: they can occur only inside
 * strings, where the escape means the same character.  Caller frees.
 */
char *
json_visible(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	buf			 b = { 0 };
	size_t			 len;
	long			 cp;

	buf_adds(&b, "");
	while (*p) {
		cp = utf8_next(p, &len);
		if (cp >= 0 && steers(cp))
			buf_printf(&b, "\\u%04lx", cp);
		else
			buf_add(&b, p, len);
		p += len;
	}
	return (b.s);
}

/* str_trim - strip ASCII white space at both ends, in place */
char *
str_trim(char *s)
{
	char	*e;

	while (*s && isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return (s);
}

/* str_casecmp_ascii - compare ignoring ASCII case, locale-free */
int
str_casecmp_ascii(const char *a, const char *b)
{
	return (strcasecmp(a, b));
}

/* str_lower_ascii - lower-case ASCII letters in place */
char *
str_lower_ascii(char *s)
{
	char	*p;

	for (p = s; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return (s);
}

/* time_rfc3339 - Unix seconds as local RFC 3339, "2026-11-23T10:00:00+08:00" */
void
time_rfc3339(time_t t, char out[40])
{
	struct tm	 tm;
	char		 z[8];

	localtime_r(&t, &tm);
	strftime(out, 40, "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(z, sizeof(z), "%z", &tm);	/* +0800 -> +08:00 */
	snprintf(out + strlen(out), 40 - strlen(out), "%.3s:%s", z, z + 3);
}
