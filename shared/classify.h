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
	/*
	 * the online reporting zone (指导意见 三、九、十四) it belongs to:
	 * the zone's key, NULL none.  The first category of a zone says
	 * what the zone's page says, [0] zh-CN and [1] en; a zone of more
	 * than one category asks the reporter which.
	 */
	char	*zone;
	char	*zone_text[4][2];	/* ZONE_TITLE ... ZONE_GUIDE */
	int	 zone_contact;	/* 1: the reporter's contact is required */
	int	 zone_statement; /* 1: the true-and-lawful statement too */
	int	 zone_classify;	/* 1: the category from the text (general) */
};

/* a zone: its categories, in the file's order (cat_zones) */
struct zone {
	const char		*key;
	const struct category	*first;		/* what the zone says */
	const struct category	*cats[16];
	size_t			 n;
};

#define ZONES_MAX	16

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
size_t			 cat_zones(const struct categories *, struct zone *,
			    size_t max);
const char		*zone_text(const struct zone *, int which,
			    const char *lang);
#define ZONE_TITLE	0
#define ZONE_SCOPE	1
#define ZONE_EVIDENCE	2
#define ZONE_GUIDE	3
void			 cat_apply(const struct category *, struct report *);
unsigned		 elem_check(const struct category *, const struct report *);

#endif
