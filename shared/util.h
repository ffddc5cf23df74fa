/*
 * NAME
 *	util - memory helpers that never fail, and small string lists
 * DESCRIPTION
 *	x-prefixed functions abort the program with a panic log line when
 *	memory runs out (OpenSMTPD style): callers never check their result.
 *	A strlist owns its strings; strlist_free releases them.
 */
#ifndef JUBAO_UTIL_H
#define JUBAO_UTIL_H

#include <stddef.h>
#include <stdarg.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));

/* A growable array of owned strings. */
typedef struct strlist {
	char	**v;
	size_t	  n;
	size_t	  cap;
} strlist;

void	 strlist_add(strlist *, const char *);
int	 strlist_add_unique(strlist *, const char *);
int	 strlist_has(const strlist *, const char *);
void	 strlist_free(strlist *);

/* A growable byte buffer, always NUL-terminated. */
typedef struct buf {
	char	*s;
	size_t	 len;
	size_t	 cap;
} buf;

void	 buf_add(buf *, const void *, size_t);
void	 buf_adds(buf *, const char *);
void	 buf_printf(buf *, const char *, ...) __attribute__((format(printf, 2, 3)));
void	 buf_free(buf *);

char	*str_trim(char *);
int	 str_casecmp_ascii(const char *, const char *);
char	*str_lower_ascii(char *);

#endif
