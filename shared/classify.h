/*
 * NAME
 *	classify - report categories (categories.conf) and classification
 * DESCRIPTION
 *	cat_load reads the category table; cat_classify picks the category
 *	of a report by keywords; elem_check finds which acceptance elements
 *	an enterprise report lacks.  The table is immutable once loaded and
 *	shared read-only between threads.
 */
#ifndef JUBAO_CLASSIFY_H
#define JUBAO_CLASSIFY_H

#include "report.h"
#include "util.h"

struct category {
	char	*key;
	char	*name;		/* zh-CN */
	char	*name_en;
	int	 priority;	/* 1 most urgent */
	long	 deadline;	/* seconds */
	strlist	 keywords;
	strlist	 requires;
	int	 enterprise;
	int	 evidence;	/* 0: identity proofs suffice */
	int	 fast;
	int	 dtmf;		/* hotline key, -1 none */
};

struct categories {
	struct category	*v;
	size_t		 n;
};

struct categories	*cat_load(const char *path, buf *err);
void			 cat_free(struct categories *);
const struct category	*cat_find(const struct categories *, const char *key);
const struct category	*cat_by_dtmf(const struct categories *, int key);
const struct category	*cat_classify(const struct categories *,
			    const char *subject, const char *text);
const char		*cat_name(const struct category *, const char *lang);
void			 cat_apply(const struct category *, struct report *);
unsigned		 elem_check(const struct category *, const struct report *);

#endif
