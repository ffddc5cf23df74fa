/*
 * NAME
 *	milter_mime - a spooled message into a normalised report (GMime)
 * DESCRIPTION
 *	mime_parse_file reads one RFC 5322 message and fills in a report:
 *	subject and text in UTF-8 (any charset; HTML only when there is no
 *	plain part), forwarded messages, every attachment as evidence (and
 *	the original message itself), threading headers, RFC 3834 markers,
 *	the addresses and details the text names, category and missing
 *	elements.  Bad MIME never fails the parse: what cannot be decoded is
 *	kept raw with a note.  Returns -1 only when a file cannot be read or
 *	evidence cannot be written (the caller tempfails).
 */
#ifndef JUBAO_MILTER_MIME_H
#define JUBAO_MILTER_MIME_H

#include "cfg.h"
#include "classify.h"
#include "report.h"

struct mime_opts {
	const char		*evidence_dir;	/* NULL: hash, do not keep */
	const struct categories	*cats;
	const struct cfg	*cfg;
};

void	mime_init(void);
int	mime_parse_file(const char *path, const struct mime_opts *,
	    struct report *, buf *err);
char	*mime_merge_encoded_words(const char *raw);

#endif
