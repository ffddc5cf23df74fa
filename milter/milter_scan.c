/*
 * NAME
 *	milter_scan - one pass over a message as it arrives: hashes and bounds
 * DESCRIPTION
 *	See milter_scan.h.  Lines are found with memchr; of each line only
 *	its first bytes are kept, which is all the classification needs (a
 *	header name, "--", a Content-Type value).  SHA-256 by libcrypto
 *	(shared/evidence.c says why).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <openssl/evp.h>

#include "evidence.h"
#include "log.h"
#include "milter_scan.h"

/* md_new - a SHA-256 context, or a panic */
static void *
md_new(void)
{
	EVP_MD_CTX	*md;

	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
		log_panic("mscan: SHA-256 failed");
	return (md);
}

/* md_done - the hex digest; the context is freed */
static void
md_done(void *ctx, char out[65])
{
	EVP_MD_CTX	*md = ctx;
	unsigned char	 h[EVP_MAX_MD_SIZE];
	unsigned int	 n = 0;
	static const char d[] = "0123456789abcdef";
	unsigned int	 i;

	if (EVP_DigestFinal_ex(md, h, &n) != 1 || n != 32)
		log_panic("mscan: SHA-256 failed");
	EVP_MD_CTX_free(md);
	for (i = 0; i < n; i++) {
		out[2 * i] = d[h[i] >> 4];
		out[2 * i + 1] = d[h[i] & 15];
	}
	out[2 * n] = '\0';
}

/* mscan_init - a scanner with its caps (0: none) */
void
mscan_init(struct mscan *ms, long part_limit, long header_limit)
{
	memset(ms, 0, sizeof(*ms));
	ms->part_limit = part_limit;
	ms->header_limit = header_limit;
	ms->cut = -1;
	ms->in_header = 1;
	ms->all = md_new();
	ms->body = md_new();
}

/* skip_start, skip_end - a run of left-out header fields */
static void
skip_start(struct mscan *ms, off_t at)
{
	if (ms->nskip == ms->skip_cap) {
		ms->skip_cap = ms->skip_cap ? ms->skip_cap * 2 : 8;
		ms->skip = xrealloc(ms->skip, ms->skip_cap * sizeof(*ms->skip));
	}
	ms->skip[ms->nskip].start = at;
	ms->skip[ms->nskip].end = -1;
	ms->nskip++;
	ms->skipping = 1;
}

static void
skip_end(struct mscan *ms, off_t at)
{
	if (ms->skipping)
		ms->skip[ms->nskip - 1].end = at;
	ms->skipping = 0;
}

/* names_message - does this Content-Type text name an encapsulated message */
static int
names_message(const char *s)
{
	return (strcasestr(s, "message/rfc822") != NULL ||
	    strcasestr(s, "message/global") != NULL ||
	    strcasestr(s, "message/news") != NULL);
}

/* line_end - classify the line that just ended */
static void
line_end(struct mscan *ms)
{
	const char	*l = ms->line;
	size_t		 n = ms->linelen;
	int		 blank;
	long		 total_limit = ms->header_limit * 10;

	ms->line[n] = '\0';
	blank = (n == 1 && l[0] == '\n') || (n == 2 && l[0] == '\r' &&
	    l[1] == '\n') || n == 0;
	if (ms->cut >= 0)
		;
	else if (ms->in_header) {
		if (blank) {
			skip_end(ms, ms->line_start);
			ms->in_body = 1;
			ms->in_header = ms->message_next;
			ms->message_next = 0;
			ms->block_fields = 0;
			ms->ctype = 0;
		} else if (l[0] == ' ' || l[0] == '\t') {
			if (ms->ctype && names_message(l))
				ms->message_next = 1;
		} else {
			ms->block_fields++;
			ms->fields++;
			if (ms->header_limit > 0 && (ms->block_fields >
			    ms->header_limit || ms->fields > total_limit)) {
				if (!ms->skipping)
					skip_start(ms, ms->line_start);
				ms->fields_left_out++;
			} else
				skip_end(ms, ms->line_start);
			ms->ctype = strncasecmp(l, "content-type:", 13) == 0;
			if (ms->ctype && names_message(l + 13))
				ms->message_next = 1;
		}
	} else if (n >= 2 && l[0] == '-' && l[1] == '-') {
		if (ms->part_limit > 0 && ++ms->dashes > 2 * ms->part_limit + 2)
			ms->cut = ms->line_start;
		else {
			ms->in_header = 1;
			ms->block_fields = 0;
			ms->message_next = 0;
			ms->ctype = 0;
		}
	}
	ms->line_start = ms->size;
	ms->linelen = 0;
}

/* mscan_feed - the next bytes of the message */
void
mscan_feed(struct mscan *ms, const void *data, size_t len)
{
	const char	*p = data, *e = p + len, *nl;
	size_t		 n, keep;

	if (len == 0)
		return;
	if (EVP_DigestUpdate(ms->all, data, len) != 1)
		log_panic("mscan: SHA-256 failed");
	while (p < e) {
		nl = memchr(p, '\n', (size_t)(e - p));
		n = (size_t)((nl ? nl + 1 : e) - p);
		if (ms->in_body && EVP_DigestUpdate(ms->body, p, n) != 1)
			log_panic("mscan: SHA-256 failed");
		keep = sizeof(ms->line) - 1 - ms->linelen;
		if (keep > n)
			keep = n;
		memcpy(ms->line + ms->linelen, p, keep);
		ms->linelen += keep;
		ms->size += (off_t)n;
		p += n;
		if (nl != NULL)
			line_end(ms);
	}
}

/* mscan_finish - the last line, the hashes; results are final */
void
mscan_finish(struct mscan *ms)
{
	if (ms->linelen > 0)
		line_end(ms);
	if (ms->skipping)
		skip_end(ms, ms->cut >= 0 ? ms->cut : ms->size);
	md_done(ms->all, ms->sha256);
	md_done(ms->body, ms->body_sha256);
	ms->all = ms->body = NULL;
}

/* mscan_free - release the ranges (and the contexts, if not finished) */
void
mscan_free(struct mscan *ms)
{
	if (ms->all)
		EVP_MD_CTX_free(ms->all);
	if (ms->body)
		EVP_MD_CTX_free(ms->body);
	free(ms->skip);
	memset(ms, 0, sizeof(*ms));
}

/*
 * mscan_stream - what GMime may parse: the message file less the fields
 * left out, up to the cut; a new reference (the caller unrefs it).
 */
GMimeStream *
mscan_stream(const struct mscan *ms, GMimeStream *file)
{
	GMimeStream	*cat, *sub;
	off_t		 pos = 0, end = ms->cut >= 0 ? ms->cut : ms->size;
	size_t		 i;

	if (ms->nskip == 0 && ms->cut < 0)
		return (g_object_ref(file));
	cat = g_mime_stream_cat_new();
	for (i = 0; i <= ms->nskip; i++) {
		off_t	 stop = i < ms->nskip ? ms->skip[i].start : end;

		if (stop > end)
			stop = end;
		if (stop > pos) {
			sub = g_mime_stream_substream(file, pos, stop);
			g_mime_stream_cat_add_source((GMimeStreamCat *)cat, sub);
			g_object_unref(sub);
		}
		if (i < ms->nskip)
			pos = ms->skip[i].end;
		if (pos >= end)
			break;
	}
	return (cat);
}
