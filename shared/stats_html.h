/*
 * NAME
 *	stats_html - the statistics and the digest as people read them
 * DESCRIPTION
 *	Renders store_stats() and store_digest() results: plain text, CSV
 *	("metric,key,value" rows) and a one-page HTML report with SVG charts
 *	that a site can publish as it is (no scripts, no external resources,
 *	no personal data: the results hold none).
 */
#ifndef JUBAO_STATS_HTML_H
#define JUBAO_STATS_HTML_H

#include <stdio.h>

#include "classify.h"
#include "store.h"
#include "util.h"

void	stats_text(const struct stats *, const struct categories *, FILE *);
void	stats_csv(const struct stats *, const struct categories *, FILE *);
void	stats_html(const struct stats *, const struct categories *,
	    const char *site, FILE *);
void	digest_text(const struct digest *, const struct categories *,
	    const char *day, buf *);

#endif
