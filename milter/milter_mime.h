/*
 * NAME
 *	milter_mime - a spooled message into a normalised report (GMime)
 * DESCRIPTION
 *	mime_parse_file reads one RFC 5322 message and fills in a report:
 *	subject and text in UTF-8 (any charset; HTML only when there is no
 *	plain part), forwarded messages, every attachment as evidence (and
 *	the original message itself), threading headers, RFC 3834 markers.
 *	MIME only: what the text names, its category and the elements it
 *	lacks are the intake pipeline's (intake_enrich, intake.c).  Bad
 *	MIME never fails the parse: what cannot be decoded is
 *	kept raw with a note.  Returns -1 only when a file cannot be read or
 *	evidence cannot be written (the caller tempfails).  Its cost is linear
 *	in the message and its memory bounded by the caps (report_*_limit):
 *	GMime sees what milter_scan leaves it, and rfc2047 words are found
 *	by milter_text.c, not by GMime's loose tokenizer.
 */
#ifndef JUBAO_MILTER_MIME_H
#define JUBAO_MILTER_MIME_H

#include "cfg.h"
#include "milter_scan.h"
#include "report.h"

struct mime_opts {
	const char		*evidence_dir;	/* NULL: hash, do not keep */
	const struct cfg	*cfg;		/* the caps; NULL: none */
	const struct mscan	*scan;		/* the scan made while spooling;
						 * NULL: scan the file first */
};

void	mime_init(void);
int	mime_parse_file(const char *path, const struct mime_opts *,
	    struct report *, buf *err);
int	 mime_dsn(const char *path, const struct mscan *, char **diag);

#endif
