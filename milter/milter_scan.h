/*
 * NAME
 *	milter_scan - one pass over a message as it arrives: hashes and bounds
 * DESCRIPTION
 *	A report is fed through mscan_feed in pieces (the milter's spool
 *	writes, or a file read), once.  It keeps the SHA-256 of the whole
 *	message (the original's evidence hash) and of its body (the content
 *	hash), and works out what GMime may be given so that the parse costs
 *	memory in proportion to the caps, not to what a sender sent: GMime
 *	builds an object for every header field (about 400 bytes for a
 *	10-byte field) and every MIME part (about 2.4 KB), so 80,000 tiny
 *	parts in 3.9 MB took 191 MB (issue "Hostile senders", finding 2).
 *
 *	It is a line classifier, not a MIME parser: a header block is the
 *	message's first, a block after a line that starts with "--" (a
 *	boundary, or what may be one), and a block after a part whose header
 *	names message/rfc822.  In each block, fields past header_limit are
 *	left out (and past ten times that in the whole message); the message
 *	is cut before the line that would make more "--" lines than two for
 *	each of part_limit parts (every part needs a boundary line; a closing
 *	one has one too).  What is left out stays in the stored original, and
 *	the report says so.  Linear time, constant memory apart from the
 *	list of left-out ranges (at most one for each header block).
 */
#ifndef JUBAO_MILTER_SCAN_H
#define JUBAO_MILTER_SCAN_H

#include <stddef.h>
#include <sys/types.h>
#include <gmime/gmime.h>

#include "util.h"

struct mscan_range {
	off_t	 start, end;
};

struct mscan {
	/* limits */
	long		 part_limit;	/* 0: none */
	long		 header_limit;	/* fields a header block; 0: none */
	/* results */
	char		 sha256[65];	/* the whole message */
	char		 body_sha256[65];	/* after the first empty line */
	off_t		 size;
	off_t		 cut;		/* -1: the whole message is parsed */
	struct mscan_range *skip;	/* header fields left out, in order */
	size_t		 nskip;
	long		 fields_left_out;
	/* state */
	void		*all, *body;	/* EVP_MD_CTX */
	char		 line[96];	/* the first bytes of the current line */
	size_t		 linelen;
	off_t		 line_start;
	int		 in_header;	/* 1: in a header block */
	int		 in_body;	/* the top-level body has begun */
	int		 skipping;	/* the current field is left out */
	int		 ctype;		/* the current field is Content-Type */
	int		 message_next;	/* the next block is a message's header */
	long		 block_fields, fields, dashes;
	size_t		 skip_cap;
};

void	 mscan_init(struct mscan *, long part_limit, long header_limit);
void	 mscan_feed(struct mscan *, const void *, size_t);
void	 mscan_finish(struct mscan *);
void	 mscan_free(struct mscan *);
GMimeStream *mscan_stream(const struct mscan *, GMimeStream *file);

#endif
