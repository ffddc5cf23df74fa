/*
 * NAME
 *	util - memory helpers that never fail, string lists, buffers
 * DESCRIPTION
 *	x-prefixed functions abort the program with a panic log line when
 *	memory runs out (OpenSMTPD style): callers never check their result.
 *	A strlist owns its strings; strlist_free releases them.
 *
 *	The rule for text from outside (mail, SIP, web forms, handler
 *	input): every scan is linear in its length, and every collection
 *	that grows with it has a cap.  A strlist keeps a hash index (SipHash
 *	with a per-process random key, so that nobody can send strings that
 *	collide) once it holds a few strings, so membership costs the same
 *	at the ten-thousandth string as at the first; its max, when set, is
 *	the cap, and dropped counts what the cap turned away.
 */
#ifndef JUBAO_UTIL_H
#define JUBAO_UTIL_H

#include <stddef.h>
#include <stdarg.h>
#include <time.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));

/* A growable array of owned strings, with a hash index and a cap. */
typedef struct strlist {
	char	**v;
	size_t	  n;
	size_t	  cap;
	size_t	  max;		/* 0: no cap; else add drops past max */
	size_t	  dropped;	/* what the cap turned away */
	size_t	 *idx;		/* open addressing: position + 1, 0 empty */
	size_t	  idx_cap;	/* a power of two, 0 until there are a few */
} strlist;

int	 strlist_add(strlist *, const char *);
int	 strlist_add_unique(strlist *, const char *);
int	 strlist_has(const strlist *, const char *);
long	 strlist_find(const strlist *, const char *);
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

void	 buf_reserve(buf *, size_t);

char	*str_visible(const char *, int multiline);
long	 str_text_chars(const char *, int multiline);
char	*json_visible(const char *);

char	*str_trim(char *);
void	 time_rfc3339(time_t, char out[40]);
int	 str_casecmp_ascii(const char *, const char *);
char	*str_lower_ascii(char *);

#endif
