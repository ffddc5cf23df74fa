/*
 * NAME
 *	util - memory helpers that never fail, string lists and buffers
 * DESCRIPTION
 *	Out of memory is not a condition jubao recovers from inside a
 *	callback: it logs a panic and aborts, and libmilter's peer (Postfix)
 *	applies milter_default_action (tempfail), so nothing is lost.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* strlist_add - append a copy of s */
void
strlist_add(strlist *l, const char *s)
{
	if (l->n + 1 >= l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = xstrdup(s);
	l->v[l->n] = NULL;
}

/* strlist_has - is s in the list (exact match) */
int
strlist_has(const strlist *l, const char *s)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return (1);
	return (0);
}

/* strlist_add_unique - append s unless present; return 0 added, -1 present */
int
strlist_add_unique(strlist *l, const char *s)
{
	if (strlist_has(l, s))
		return (-1);
	strlist_add(l, s);
	return (0);
}

/* strlist_free - release the strings and the array */
void
strlist_free(strlist *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* buf_add - append n bytes */
void
buf_add(buf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		while (b->len + n + 1 > b->cap)
			b->cap = b->cap ? b->cap * 2 : 256;
		b->s = xrealloc(b->s, b->cap);
	}
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
