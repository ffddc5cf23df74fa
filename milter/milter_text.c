/*
 * NAME
 *	milter_text - text out of a message's bytes: charsets, RFC 2047
 *	header words, HTML
 * DESCRIPTION
 *	GLib's g_convert (iconv) does charsets; GMime decodes each RFC 2047
 *	word; libxml2's HTML parser turns HTML into text.  Two repairs of our
 *	own, each cited where it is made: adjacent RFC 2047 words are merged
 *	before decoding (GMime 3.2 loses the text after a word split inside a
 *	multi-byte character), and Chinese charset labels are widened to the
 *	superset mailers really use.  Every function is linear in its input
 *	(issue "Hostile senders", finding 1).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <gmime/gmime.h>
#include <libxml/HTMLparser.h>

#include "derive.h"
#include "log.h"
#include "milter_text.h"

static GMimeParserOptions *parser_options;

/*
 * text_init - once per process, before threads: GMime, libxml2, and the
 * parser options every parse of ours uses.  RFC 2047: strict (GMime's
 * loose tokenizer is quadratic in the words of a header: issue "Hostile
 * senders", finding 1; the words are found here, text_header_decode);
 * addresses and parameters: loose, as mailers write them.
 */
void
text_init(void)
{
	g_mime_init();
	xmlInitParser();
	parser_options = derive_parser_options();
}

/* text_options - the parser options text_init made */
GMimeParserOptions *
text_options(void)
{
	return (parser_options);
}

/*
 * text_charset - the charset to decode a label with.  Mailers label GBK
 * and GB18030 text "gb2312" and Big5-HKSCS text "big5"; decoding with the
 * superset loses nothing when the label was right.
 */
const char *
text_charset(const char *cs)
{
	static const char *const gb[] = { "gb2312", "gbk", "cp936", "x-gbk",
	    "euc-cn", "gb_2312-80", "x-euc-cn", "csgb2312", "chinese", "ms936",
	    "windows-936", "gb18030", NULL };
	static const char *const big5[] = { "big5", "x-big5", "cn-big5",
	    "big-5", "csbig5", "cp950", "big5-hkscs", NULL };
	size_t	 i;

	if (cs == NULL)
		return (NULL);
	for (i = 0; gb[i]; i++)
		if (strcasecmp(cs, gb[i]) == 0)
			return ("GB18030");
	for (i = 0; big5[i]; i++)
		if (strcasecmp(cs, big5[i]) == 0)
			return ("BIG5-HKSCS");
	return (cs);
}

/* ew - one RFC 2047 encoded word found in a header */
struct ew {
	const char	*start, *end;		/* the whole =?..?= */
	char		 cs[64];
	char		 enc;			/* 'B' or 'Q' */
	const char	*text, *text_end;
};

/*
 * ew_memo - what a failed look for the end of an encoded word learnt: no
 * "?=" starts in [from, to), and to is white space or the end.  A later
 * word whose text reaches from fails at once: without it, each of n "=?"
 * in a header scanned to the header's end (n squared, hours for a header
 * of megabytes: issue "Hostile senders", finding 1).
 */
struct ew_memo {
	const char	*from, *to;
};

/* ew_space - white space, which no encoded word contains */
static int
ew_space(int c)
{
	return (c == ' ' || c == '\t' || c == '\r' || c == '\n');
}

/* ew_parse - an encoded word at p; 0 or -1 (linear with the memo) */
static int
ew_parse(const char *p, struct ew *w, struct ew_memo *memo)
{
	const char	*q, *e;
	size_t		 len;

	if (p[0] != '=' || p[1] != '?')
		return (-1);
	q = p + 2;
	for (e = q; *e && *e != '?' && (size_t)(e - q) < sizeof(w->cs); e++)
		;
	if (*e != '?' || (len = (size_t)(e - q)) == 0 || len >= sizeof(w->cs))
		return (-1);
	memcpy(w->cs, q, len);
	w->cs[len] = '\0';
	/* RFC 2231 §5: charset*language */
	if ((q = strchr(w->cs, '*')) != NULL)
		*(char *)q = '\0';
	w->enc = (char)toupper((unsigned char)e[1]);
	if ((w->enc != 'B' && w->enc != 'Q') || e[2] != '?')
		return (-1);
	w->text = e + 3;
	for (q = w->text; !(q[0] == '?' && q[1] == '='); q++)
		if (*q == '\0' || ew_space((unsigned char)*q) ||
		    (q >= memo->from && q < memo->to)) {
			if (q >= memo->from && q < memo->to)
				q = memo->to;
			if (q > memo->to) {
				memo->from = w->text;
				memo->to = q;
			} else if (w->text < memo->from)
				memo->from = w->text;
			return (-1);
		}
	w->text_end = q;
	w->start = p;
	w->end = q + 2;
	return (0);
}

/*
 * raw_text - header bytes that are not an encoded word, as UTF-8: as
 * they are when they are UTF-8, else read as GB18030 or Big5-HKSCS (raw
 * 8-bit Chinese headers carry no label), else with what is undecodable
 * replaced.  Appended to out.
 */
static void
raw_text(buf *out, const char *s, size_t len)
{
	static const char *const tries[] = { "GB18030", "BIG5-HKSCS", NULL };
	gchar	*u;
	gsize	 rd, wr;
	size_t	 i;

	if (g_utf8_validate(s, (gssize)len, NULL)) {
		buf_add(out, s, len);
		return;
	}
	for (i = 0; tries[i]; i++)
		if ((u = g_convert(s, (gssize)len, "UTF-8", tries[i], &rd, &wr,
		    NULL)) != NULL) {
			buf_add(out, u, wr);
			g_free(u);
			return;
		}
	u = g_utf8_make_valid(s, (gssize)len);
	buf_adds(out, u);
	g_free(u);
}

/*
 * plain_text - the text between encoded words: white space alone between
 * two words is dropped (RFC 2047 §6.2); text holding a "=?" that begins
 * no word is taken as it is (GMime's loose tokenizer scans from each "=?"
 * to the end of the header for a "?=": n squared); other text goes to
 * GMime, which knows what raw 8-bit headers hold.
 */
static void
plain_text(buf *out, const char *s, const char *e, int between)
{
	const char	*p;
	char		*seg, *dec;

	if (s == e)
		return;
	for (p = s; p < e && ew_space((unsigned char)*p); p++)
		;
	if (p == e && between)
		return;
	for (p = s; p + 1 < e; p++)
		if (p[0] == '=' && p[1] == '?') {
			raw_text(out, s, (size_t)(e - s));
			return;
		}
	seg = xstrndup(s, (size_t)(e - s));
	dec = g_mime_utils_header_decode_text(parser_options, seg);
	buf_adds(out, dec ? dec : "");
	g_free(dec);
	free(seg);
}

/*
 * text_header_decode - a raw header value as UTF-8 text, in time linear
 * in its length.  Runs of adjacent encoded words with the same charset
 * and encoding are joined into one before decoding (GMime 3.2 decodes
 * each word on its own, so a GBK or Big5 character split across two
 * words, as some mailers send, loses the rest of the header: TESTING.md),
 * Chinese charset labels are widened, and GMime decodes each joined word
 * alone.  Caller frees.
 */
char *
text_header_decode(const char *raw)
{
	buf		 out = { 0 }, bytes = { 0 }, word = { 0 };
	struct ew	 w, n;
	struct ew_memo	 memo = { NULL, NULL };
	const char	*p = raw, *q, *plain = raw;
	int		 between = 0;
	guchar		*dec;
	gsize		 dlen;
	char		*b64, *text;

	buf_adds(&out, "");
	while (*p) {
		if (ew_parse(p, &w, &memo) < 0) {
			p++;
			continue;
		}
		plain_text(&out, plain, p, between);
		bytes.len = 0;
		q = w.end;
		for (;;) {
			if (w.enc == 'B') {
				char	*chunk = xstrndup(w.text,
					    (size_t)(w.text_end - w.text));

				dec = g_base64_decode(chunk, &dlen);
				buf_add(&bytes, dec, dlen);
				g_free(dec);
				free(chunk);
			} else
				buf_add(&bytes, w.text, (size_t)(w.text_end - w.text));
			while (ew_space((unsigned char)*q))
				q++;
			if (ew_parse(q, &n, &memo) < 0 || strcasecmp(n.cs, w.cs) != 0 ||
			    n.enc != w.enc) {
				q = w.end;
				break;
			}
			w = n;
			q = w.end;
		}
		word.len = 0;
		buf_printf(&word, "=?%s?%c?", text_charset(w.cs), w.enc);
		if (w.enc == 'B') {
			b64 = g_base64_encode((const guchar *)(bytes.s ? bytes.s : ""),
			    bytes.len);
			buf_adds(&word, b64);
			g_free(b64);
		} else
			buf_add(&word, bytes.s ? bytes.s : "", bytes.len);
		buf_adds(&word, "?=");
		text = g_mime_utils_header_decode_text(parser_options, word.s);
		buf_adds(&out, text ? text : "");
		g_free(text);
		p = plain = q;
		between = 1;
	}
	plain_text(&out, plain, p, 0);
	buf_free(&bytes);
	buf_free(&word);
	return (out.s);
}

/* text_strip_nul - drop NUL bytes (they would cut the text short in the store) */
size_t
text_strip_nul(char *s, size_t len)
{
	size_t	 i, j;

	for (i = j = 0; i < len; i++)
		if (s[i] != '\0')
			s[j++] = s[i];
	s[j] = '\0';
	return (j);
}

/*
 * text_to_utf8 - bytes in a labelled charset into UTF-8; caller frees.  A label
 * that does not fit the bytes (or an unknown one) is not trusted: try
 * UTF-8, GB18030, Big5, and at worst keep what is valid, with a note.
 */
char *
text_to_utf8(const char *data, size_t len, const char *label,
    strlist *notes)
{
	static const char *const tries[] = { "GB18030", "BIG5-HKSCS", NULL };
	const char	*cs = text_charset(label);
	gchar		*out;
	gsize		 rd, wr;
	size_t		 i;
	char		*res;

	if (cs != NULL && strcasecmp(cs, "utf-8") != 0 &&
	    strcasecmp(cs, "us-ascii") != 0 && strcasecmp(cs, "utf8") != 0) {
		out = g_convert(data, (gssize)len, "UTF-8", cs, &rd, &wr, NULL);
		if (out != NULL) {
			res = xstrndup(out, wr);
			g_free(out);
			return (res);
		}
	}
	if (g_utf8_validate(data, (gssize)len, NULL)) {
		if (cs != NULL && strcasecmp(cs, "utf-8") != 0 &&
		    strcasecmp(cs, "us-ascii") != 0 && strcasecmp(cs, "utf8") != 0)
			strlist_add_unique(notes, "a charset label did not "
			    "fit its text; decoded as UTF-8");
		return (xstrndup(data, len));
	}
	for (i = 0; tries[i]; i++) {
		out = g_convert(data, (gssize)len, "UTF-8", tries[i], &rd, &wr,
		    NULL);
		if (out != NULL) {
			if (label != NULL) {
				char	*note = xasprintf("charset label did not fit "
				    "its text; decoded as %s", tries[i]);

				strlist_add_unique(notes, note);
				free(note);
			}
			res = xstrndup(out, wr);
			g_free(out);
			return (res);
		}
	}
	strlist_add_unique(notes, "text in an unknown charset: "
	    "undecodable bytes replaced");
	out = g_utf8_make_valid(data, (gssize)len);
	res = xstrdup(out);
	g_free(out);
	return (res);
}

/* text_crlf_to_lf - line ends as LF, in place */
void
text_crlf_to_lf(char *s)
{
	char	*q = s;

	for (; *s; s++)
		if (!(s[0] == '\r' && s[1] == '\n'))
			*q++ = *s;
	*q = '\0';
}

/* is_block - HTML elements that end a line of text */
static int
is_block(const char *n)
{
	static const char *const b[] = { "p", "div", "br", "li", "tr", "h1",
	    "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "blockquote",
	    "pre", "hr", "dd", "dt", "section", "article", "header", "footer",
	    NULL };
	size_t	 i;

	for (i = 0; b[i]; i++)
		if (strcasecmp(n, b[i]) == 0)
			return (1);
	return (0);
}

struct html_state {
	buf		*out;
	strlist		*urls;
	int		 skip;		/* inside script, style or head */
};

/* html_skipped - elements whose text is not the report's */
static int
html_skipped(const xmlChar *n)
{
	return (strcasecmp((const char *)n, "script") == 0 ||
	    strcasecmp((const char *)n, "style") == 0 ||
	    strcasecmp((const char *)n, "head") == 0);
}

/* html_start - SAX: an element opens; an <a href> names an address */
static void
html_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
	struct html_state	*hs = ctx;
	size_t			 i;

	if (html_skipped(name))
		hs->skip++;
	if (strcasecmp((const char *)name, "a") != 0 || atts == NULL)
		return;
	for (i = 0; atts[i] != NULL; i += 2)
		if (strcasecmp((const char *)atts[i], "href") == 0 &&
		    atts[i + 1] != NULL && (strncasecmp((const char *)atts[i + 1],
		    "http://", 7) == 0 || strncasecmp((const char *)atts[i + 1],
		    "https://", 8) == 0))
			strlist_add_unique(hs->urls, (const char *)atts[i + 1]);
}

/* html_end - SAX: an element closes; a block ends a line */
static void
html_end(void *ctx, const xmlChar *name)
{
	struct html_state	*hs = ctx;

	if (html_skipped(name) && hs->skip > 0)
		hs->skip--;
	if (hs->skip == 0 && is_block((const char *)name))
		buf_adds(hs->out, "\n");
}

/* html_chars - SAX: text */
static void
html_chars(void *ctx, const xmlChar *ch, int len)
{
	struct html_state	*hs = ctx;

	if (hs->skip == 0 && len > 0)
		buf_add(hs->out, ch, (size_t)len);
}

/*
 * text_from_html - UTF-8 HTML into plain text; caller frees.  libxml2's
 * HTML parser with SAX callbacks and no tree: memory does not grow with
 * the page (a tree took 30 times the HTML: 235 MB for 8 MB of links)
 */
char *
text_from_html(const char *html, strlist *urls)
{
	htmlSAXHandler		 sax;
	htmlParserCtxtPtr	 ctxt;
	struct html_state	 hs;
	buf			 out = { 0 };
	char			*p, *q;
	int			 nl = 0, sp = 0;

	buf_adds(&out, "");
	memset(&sax, 0, sizeof(sax));
	sax.startElement = html_start;
	sax.endElement = html_end;
	sax.characters = html_chars;
	sax.cdataBlock = html_chars;
	hs.out = &out;
	hs.urls = urls;
	hs.skip = 0;
	if ((ctxt = htmlCreatePushParserCtxt(&sax, &hs, NULL, 0, NULL,
	    XML_CHAR_ENCODING_UTF8)) != NULL) {
		htmlCtxtUseOptions(ctxt, HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
		    HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
		htmlParseChunk(ctxt, html, (int)strlen(html), 1);
		htmlFreeParserCtxt(ctxt);
	}
	/* collapse runs of white space; keep at most one blank line */
	for (p = q = out.s; *p; p++) {
		if (*p == '\n') {
			if (nl < 2 && q != out.s)
				*q++ = '\n';
			nl++;
			sp = 0;
		} else if (*p == ' ' || *p == '\t' || *p == '\r') {
			sp = 1;
		} else {
			if (sp && nl == 0 && q != out.s)
				*q++ = ' ';
			sp = nl = 0;
			*q++ = *p;
		}
	}
	*q = '\0';
	return (out.s);
}

