/*
 * NAME
 *	milter_mime - a spooled message into a normalised report (GMime)
 * DESCRIPTION
 *	GMime does MIME, RFC 2231 and transfer encodings; the text of each
 *	part and header is made by milter_text.c (charsets, RFC 2047 words,
 *	HTML).  The walk is bounded by the scan taken while spooling
 *	(milter_scan.c) and by the caps (report_*_limit).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <gmime/gmime.h>
#include <libxml/HTMLparser.h>

#include "ack.h"
#include "caseno.h"
#include "classify.h"
#include "derive.h"
#include "evidence.h"
#include "extract.h"
#include "log.h"
#include "milter_mime.h"
#include "milter_scan.h"
#include "milter_text.h"

#define MAX_DEPTH	64	/* MIME nesting we walk; deeper stays in the original */
#define MAX_TEXT	(4 * 1024 * 1024)	/* text we keep from one message */

struct walk {
	const struct mime_opts	*o;
	struct report		*r;
	GMimeParserOptions	*popts;
	buf			 plain;
	buf			 html;
	buf			*err;
	int			 failed;	/* I/O: tempfail */
	int			 nparts;
	int			 depth_note;
	int			 trimmed;	/* the scan left something out */
};

static GMimeParserOptions *parser_options;

/* mime_init - once per process, before threads: GMime and libxml2 */
void
mime_init(void)
{
	text_init();
	parser_options = text_options();
}

/* header_text - a header decoded to UTF-8; NULL if absent */
static char *
header_text(GMimeObject *obj, const char *name)
{
	GMimeHeaderList	*hl = g_mime_object_get_header_list(obj);
	GMimeHeader	*h;
	const char	*raw;
	char		*unfolded, *res, *p;

	if (hl == NULL || (h = g_mime_header_list_get_header(hl, name)) == NULL)
		return (NULL);
	if ((raw = g_mime_header_get_raw_value(h)) == NULL)
		return (NULL);
	unfolded = xstrdup(raw);
	for (p = unfolded; *p; p++)
		if (*p == '\r' || *p == '\n')
			*p = ' ';
	res = text_header_decode(unfolded);
	free(unfolded);
	/* collapse the folding white space left behind */
	for (p = res; *p; p++)
		if (*p == '\t')
			*p = ' ';
	p = xstrdup(str_trim(res));
	free(res);
	return (p);
}

/* bad_base64 - does the encoded content hold bytes base64 does not use */
static int
bad_base64(GMimePart *part)
{
	/* one lookup a byte (isalnum() and friends: a locale lookup each) */
	static const unsigned char ok[256] = {
		['A' ... 'Z'] = 1, ['a' ... 'z'] = 1, ['0' ... '9'] = 1,
		['+'] = 1, ['/'] = 1, ['='] = 1, ['\r'] = 1, ['\n'] = 1,
		[' '] = 1, ['\t'] = 1,
	};
	GByteArray		*raw = derive_part_bytes(part, 1);
	guint			 i;
	int			 bad = 0;

	for (i = 0; i < raw->len; i++)
		if (!ok[raw->data[i]]) {
			bad = 1;
			break;
		}
	g_byte_array_unref(raw);
	return (bad);
}

/*
 * keep - record an attachment as evidence: its name, type, size and
 * SHA-256.  Its bytes are not stored: the sealed original holds them,
 * and jubaoctl evidence finds them again there by their hash (derive.h;
 * each byte stored once, issue 11).  Unless the scan trimmed what the
 * parser saw (header fields left out, the message cut after too many
 * parts): a parse of the whole original may not give these bytes, so
 * they are sealed on their own, as before.
 */
static void
keep(struct walk *w, const char *name, const char *type, const void *data,
    size_t len, const char *note)
{
	struct evidence	*e;
	char		 sha[65], id[EVIDENCE_ID] = "";

	/* the cap first: past it nothing is recorded (finding 2) */
	if (w->r->ev_max > 0 && w->r->nev > w->r->ev_max) {
		w->r->ev_dropped++;
		return;
	}
	sha256_hex(data, len, sha);
	if (w->trimmed && w->o->evidence_dir != NULL &&
	    evidence_put(w->o->evidence_dir, data, len, id, w->err) < 0) {
		w->failed = 1;
		return;
	}
	if ((e = report_add_evidence(w->r, name, type, len, sha, note)) == NULL)
		return;
	if (w->trimmed)
		snprintf(e->file, sizeof(e->file), "%s", id);
	else
		e->derived = 1;
}

/* mime_type - "type/subtype" of an object, lower case; caller frees */
static char *
mime_type(GMimeObject *obj)
{
	GMimeContentType	*ct = g_mime_object_get_content_type(obj);
	char			*t, *res;

	if (ct == NULL)
		return (xstrdup("application/octet-stream"));
	t = g_mime_content_type_get_mime_type(ct);
	res = str_lower_ascii(xstrdup(t ? t : "application/octet-stream"));
	g_free(t);
	return (res);
}

/* made_name - a file name for an unnamed part */
static char *
made_name(int n, const char *type)
{
	const char	*ext = "bin";

	if (strcmp(type, "message/rfc822") == 0)
		ext = "eml";
	else if (strncmp(type, "text/", 5) == 0)
		ext = "txt";
	else if (strncmp(type, "image/", 6) == 0)
		ext = type + 6;
	else if (strcmp(type, "message/delivery-status") == 0 ||
	    strcmp(type, "message/feedback-report") == 0)
		ext = "txt";
	return (xasprintf("part-%d.%s", n, ext));
}

static void walk_object(struct walk *, GMimeObject *, int depth);

/* walk_message - a (forwarded) message: its text follows the main text */
static void
walk_message(struct walk *w, GMimeMessage *m, int depth)
{
	GMimeObject	*body = g_mime_message_get_mime_part(m);
	char		*subj;

	if (depth > 0) {
		subj = header_text((GMimeObject *)m, "Subject");
		buf_printf(&w->plain, "\n\n---------- Forwarded message ----------\n"
		    "Subject: %s\n\n", subj ? subj : "");
		free(subj);
	}
	if (body != NULL)
		walk_object(w, body, depth + 1);
}

/* walk_part - a leaf: text for the report, or an attachment */
static void
walk_part(struct walk *w, GMimePart *part, int depth)
{
	GMimeObject		*obj = (GMimeObject *)part;
	const char		*fname = g_mime_part_get_filename(part);
	const char		*disp = g_mime_object_get_disposition(obj);
	char			*type = mime_type(obj), *name, *text;
	GByteArray		*ba;
	int			 attachment;

	(void)depth;
	w->nparts++;
	attachment = fname != NULL || (disp != NULL &&
	    strcasecmp(disp, "attachment") == 0) ||
	    (strcmp(type, "text/plain") != 0 && strcmp(type, "text/html") != 0);
	if (g_mime_part_get_content_encoding(part) ==
	    GMIME_CONTENT_ENCODING_BASE64 && bad_base64(part)) {
		/* keep it as sent, with a note; a text part is also read
		 * as well as it decodes (the invalid bytes skipped) */
		ba = derive_part_bytes(part, 1);
		name = fname ? xstrdup(fname) : made_name(w->nparts, type);
		keep(w, name, type, ba->data, ba->len,
		    "invalid base64: kept as sent, undecoded");
		free(name);
		g_byte_array_unref(ba);
		strlist_add_unique(&w->r->notes, "a part had invalid base64 "
		    "and was kept as sent");
		if (attachment) {
			free(type);
			return;
		}
	}
	ba = derive_part_bytes(part, 0);
	if (!attachment) {
		const char *cs = g_mime_object_get_content_type_parameter(obj,
		    "charset");
		size_t	 len = text_strip_nul((char *)ba->data, ba->len);

		g_byte_array_append(ba, (const guint8 *)"", 1);
		text = text_to_utf8((const char *)ba->data, len, cs,
		    &w->r->notes);
		text_crlf_to_lf(text);
		if (strcmp(type, "text/html") == 0)
			buf_adds(&w->html, text);
		else {
			if (w->plain.len > 0 && w->plain.s[w->plain.len - 1] != '\n')
				buf_adds(&w->plain, "\n");
			buf_adds(&w->plain, text);
		}
		free(text);
	} else {
		name = fname ? xstrdup(fname) : made_name(w->nparts, type);
		keep(w, name, type, ba->data, ba->len, NULL);
		free(name);
	}
	g_byte_array_unref(ba);
	free(type);
}

/* walk_object - any MIME object, depth-limited */
static void
walk_object(struct walk *w, GMimeObject *obj, int depth)
{
	int	 i, n;

	if (w->failed || obj == NULL)
		return;
	if (depth > MAX_DEPTH) {
		if (!w->depth_note) {
			strlist_add(&w->r->notes, "MIME nesting deeper than 64 "
			    "levels: the rest is kept in the original message");
			w->depth_note = 1;
		}
		return;
	}
	if (GMIME_IS_MULTIPART(obj)) {
		n = g_mime_multipart_get_count((GMimeMultipart *)obj);
		if (n == 0) {
			/* no boundary found (or none given): all of the body is
			 * the prologue; a person wrote it, so it is the text */
			const char *pro = g_mime_multipart_get_prologue(
			    (GMimeMultipart *)obj);

			strlist_add_unique(&w->r->notes, "multipart without "
			    "parts (boundary missing): body taken as text");
			if (pro != NULL) {
				char	*t = text_to_utf8(pro, strlen(pro), NULL,
				    &w->r->notes);

				buf_adds(&w->plain, t);
				free(t);
			}
			return;
		}
		for (i = 0; i < n; i++)
			walk_object(w, g_mime_multipart_get_part(
			    (GMimeMultipart *)obj, i), depth + 1);
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage	*m = g_mime_message_part_get_message(
				    (GMimeMessagePart *)obj);
		char		*type = mime_type(obj), *name;
		const char	*fname = g_mime_object_get_content_disposition_parameter(
				    obj, "filename");

		w->nparts++;
		if (m != NULL) {
			char	*s = g_mime_object_to_string((GMimeObject *)m, NULL);

			name = fname ? xstrdup(fname) : made_name(w->nparts, type);
			keep(w, name, type, s, strlen(s), NULL);
			free(name);
			g_free(s);
			walk_message(w, m, depth + 1);
		}
		free(type);
	} else if (GMIME_IS_PART(obj))
		walk_part(w, (GMimePart *)obj, depth);
}

/* first_mailbox - address and name of the first mailbox in a list */
static void
first_mailbox(InternetAddressList *l, char **addr, char **name)
{
	InternetAddress	*a;
	const char	*s;

	if (l == NULL || internet_address_list_length(l) == 0)
		return;
	a = internet_address_list_get_address(l, 0);
	if (!INTERNET_ADDRESS_IS_MAILBOX(a))
		return;
	s = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a));
	if (s != NULL && *s != '\0' && addr != NULL)
		*addr = xstrdup(s);
	s = internet_address_get_name(a);
	if (s != NULL && *s != '\0' && name != NULL)
		*name = xstrdup(s);
}

/* auto_reason - RFC 3834 §2 markers in the headers; NULL: none */
static const char *
auto_reason(GMimeMessage *m, const char *from)
{
	GMimeObject	*o = (GMimeObject *)m;
	GMimeHeaderList	*hl = g_mime_object_get_header_list(o);
	const char	*v;
	char		*type;
	int		 i, n;

	if ((v = g_mime_object_get_header(o, "Auto-Submitted")) != NULL &&
	    strncasecmp(str_trim((char *)v), "no", 2) != 0)
		return ("auto-submitted");
	if ((v = g_mime_object_get_header(o, "Precedence")) != NULL &&
	    (strcasestr(v, "bulk") || strcasestr(v, "junk") ||
	    strcasestr(v, "list")))
		return ("precedence");
	/* the de facto markers of vacation programs */
	if (g_mime_object_get_header(o, "X-Autoreply") != NULL ||
	    g_mime_object_get_header(o, "X-Autorespond") != NULL)
		return ("auto-submitted");
	n = hl ? g_mime_header_list_get_count(hl) : 0;
	for (i = 0; i < n; i++)
		if (strncasecmp(g_mime_header_get_name(
		    g_mime_header_list_get_header_at(hl, i)), "List-", 5) == 0)
			return ("list");
	if (from != NULL && (strncasecmp(from, "mailer-daemon@", 14) == 0 ||
	    strncasecmp(from, "postmaster@", 11) == 0))
		return ("mailer-daemon");
	type = mime_type(g_mime_message_get_mime_part(m) ?
	    g_mime_message_get_mime_part(m) : o);
	i = strcmp(type, "multipart/report") == 0;
	free(type);
	return (i ? "report" : NULL);
}

/*
 * named_in_id - the case number an ID of our form names, proof or not
 * (jubao.CASE.*); 0 or -1
 */
static int
named_in_id(const char *id, char *out, size_t len)
{
	const char	*p, *e;

	if (id == NULL)
		return (-1);
	if (*id == '<')
		id++;
	if (strncmp(id, "jubao.", 6) != 0)
		return (-1);
	p = id + 6;
	for (e = p; isdigit((unsigned char)*e) && e - p < 21; e++)
		;
	if (*e != '.' || (size_t)(e - p) >= len)
		return (-1);
	memcpy(out, p, (size_t)(e - p));
	out[e - p] = '\0';
	return (caseno_valid(out) ? 0 : -1);
}

/* threading - Message-ID, In-Reply-To, References; the case they name */
static void
threading(GMimeMessage *m, struct report *r)
{
	GMimeObject		*o = (GMimeObject *)m;
	GMimeReferences		*refs;
	const char		*v, *id;
	char			*d;
	int			 i;

	if ((v = g_mime_message_get_message_id(m)) != NULL && *v)
		r->message_id = xstrdup(v);
	if ((v = g_mime_object_get_header(o, "In-Reply-To")) != NULL &&
	    (d = g_mime_utils_decode_message_id(v)) != NULL) {
		r->in_reply_to = xstrdup(d);
		g_free(d);
	}
	if ((v = g_mime_object_get_header(o, "References")) != NULL &&
	    (refs = g_mime_references_parse(parser_options, v)) != NULL) {
		for (i = 0; i < g_mime_references_length(refs); i++)
			if ((id = g_mime_references_get_message_id(refs, i)))
				strlist_add(&r->references, id);
		g_mime_references_free(refs);
	}
	/* our own Message-IDs with a good MAC: proof that this answers a
	 * message we sent (only the reporter got it), and which one (a reply
	 * to the outcome feedback may carry a rating) */
	if (ack_id_case(r->in_reply_to, r->case_ref, sizeof(r->case_ref),
	    r->ref_kind, sizeof(r->ref_kind), NULL, 0) == 0)
		return;
	for (i = (int)r->references.n - 1; i >= 0; i--)
		if (ack_id_case(r->references.v[i], r->case_ref,
		    sizeof(r->case_ref), r->ref_kind, sizeof(r->ref_kind),
		    NULL, 0) == 0)
			return;
	/* a case named without proof: "[JB 261123000017]" with a good check
	 * digit, or one of our IDs (from before MACs, or forged) */
	r->case_ref[0] = r->ref_kind[0] = '\0';
	if (named_in_id(r->in_reply_to, r->case_named, sizeof(r->case_named)) == 0)
		return;
	for (i = (int)r->references.n - 1; i >= 0; i--)
		if (named_in_id(r->references.v[i], r->case_named,
		    sizeof(r->case_named)) == 0)
			return;
	if (r->subject && caseno_find(r->subject, r->case_named,
	    sizeof(r->case_named)) == 0)
		return;
	r->case_named[0] = '\0';
}

/*
 * content_hash - SHA-256 of what makes a message this message: Message-ID,
 * From, Date and Subject as sent, and the body's SHA-256 (from the scan as
 * the message arrived).  A client's retry is the same; two reports
 * without a Message-ID that say the same are not.
 */
static void
content_hash(GMimeMessage *m, const struct mscan *ms, struct report *r)
{
	static const char *const hdrs[] = { "From", "Date", "Subject", NULL };
	buf		 id = { 0 };
	const char	*v;
	size_t		 i;

	buf_printf(&id, "%s\n", r->message_id ? r->message_id : "");
	for (i = 0; m != NULL && hdrs[i]; i++) {
		v = g_mime_object_get_header((GMimeObject *)m, hdrs[i]);
		buf_printf(&id, "%s\n", v ? v : "");
	}
	buf_printf(&id, "%s\n", ms->body_sha256);
	sha256_hex(id.s, id.len, r->content_hash);
	buf_free(&id);
}

/* parse - the message, as the scan bounded it, into the report */
static int
parse(const char *path, const struct mscan *ms, const struct mime_opts *o,
    struct report *r, buf *err, struct mscan *own)
{
	GMimeStream	*file, *stream;
	GMimeParser	*parser;
	GMimeMessage	*m;
	struct walk	 w;
	struct evidence	*e;
	char		 id[EVIDENCE_ID] = "";
	int		 fd, rc = -1;

	memset(&w, 0, sizeof(w));
	w.o = o;
	w.r = r;
	w.trimmed = ms->cut >= 0 || ms->nskip > 0 || ms->fields_left_out > 0;
	w.err = err;
	buf_adds(&w.plain, "");
	buf_adds(&w.html, "");

	/* the original message itself is the first evidence, sealed */
	if (o->evidence_dir != NULL &&
	    evidence_put_file(o->evidence_dir, path, id, err) < 0)
		goto out;
	e = report_add_evidence(r, "message.eml", "message/rfc822",
	    (size_t)ms->size, ms->sha256, NULL);
	e->original = 1;
	snprintf(e->file, sizeof(e->file), "%s", id);
	if (ms->cut >= 0)
		strlist_add(&r->notes, "more MIME parts than report_part_limit: "
		    "the rest is in the original");
	if (ms->fields_left_out > 0)
		strlist_add(&r->notes, "more header fields than "
		    "report_header_limit: the rest are in the original");

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		buf_printf(err, "open %s: %s", path, strerror(errno));
		goto out;
	}
	file = g_mime_stream_fs_new(fd);
	stream = mscan_stream(ms, file);
	parser = g_mime_parser_new_with_stream(stream);
	m = g_mime_parser_construct_message(parser, parser_options);
	g_object_unref(parser);
	g_object_unref(stream);
	g_object_unref(file);
	if (m == NULL) {
		strlist_add(&r->notes, "not a parsable message: kept as sent");
		r->subject = xstrdup("");
		r->text = xstrdup("");
		content_hash(NULL, ms, r);
	} else {
		r->subject = header_text((GMimeObject *)m, "Subject");
		if (r->subject == NULL)
			r->subject = xstrdup("");
		first_mailbox(g_mime_message_get_from(m), &r->from_addr,
		    &r->from_name);
		first_mailbox(g_mime_message_get_reply_to(m), &r->reply_to, NULL);
		threading(m, r);
		content_hash(m, ms, r);
		{
			const char *why = auto_reason(m, r->from_addr);

			if (why != NULL)
				r->auto_reason = xstrdup(why);
		}
		walk_message(&w, m, 0);
		g_object_unref(m);
		if (w.failed)
			goto out;
		if (strlen(str_trim(w.plain.s)) > 0 || w.html.len == 0)
			r->text = xstrdup(str_trim(w.plain.s));
		else {
			char	*t = text_from_html(w.html.s, &r->urls);

			r->text = xstrdup(str_trim(t));
			free(t);
		}
		if (strlen(r->text) > MAX_TEXT) {
			size_t	 cut = MAX_TEXT;

			while (cut > 0 && ((unsigned char)r->text[cut] & 0xc0) == 0x80)
				cut--;
			r->text[cut] = '\0';
			strlist_add(&r->notes, "text longer than 4 MB: the rest is "
			    "kept in the original message");
		}
	}
	rc = 0;
out:
	if (own != NULL)
		mscan_free(own);
	buf_free(&w.plain);
	buf_free(&w.html);
	return (rc);
}

/*
 * scan_file - feed a spooled message through the scanner (jubao-parse and
 * the fuzzer; the milter feeds its scanner while it spools); 0 or -1
 */
static int
scan_file(const char *path, struct mscan *ms, buf *err)
{
	char	 b[65536];
	ssize_t	 n;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		buf_printf(err, "open %s: %s", path, strerror(errno));
		return (-1);
	}
	while ((n = read(fd, b, sizeof(b))) > 0)
		mscan_feed(ms, b, (size_t)n);
	close(fd);
	if (n < 0) {
		buf_printf(err, "read %s: %s", path, strerror(errno));
		return (-1);
	}
	mscan_finish(ms);
	return (0);
}

/* mime_caps - the report's caps from the configuration (finding 2) */
static void
mime_caps(const struct cfg *cfg, struct report *r, struct mscan *ms)
{
	long	 parts = cfg ? cfg->report_part_limit : 0;
	long	 fields = cfg ? cfg->report_header_limit : 0;

	if (ms != NULL)
		mscan_init(ms, parts, fields);
	if (cfg == NULL)
		return;
	r->references.max = 100;
	r->urls.max = (size_t)cfg->report_url_limit;
	r->accounts.max = (size_t)cfg->report_account_limit;
	r->phones.max = (size_t)cfg->report_phone_limit;
	r->ev_max = (size_t)cfg->report_evidence_limit;
}

/* mime_parse_file - see milter_mime.h */
int
mime_parse_file(const char *path, const struct mime_opts *o, struct report *r,
    buf *err)
{
	struct mscan	 own;
	const struct mscan *ms = o->scan;

	if (ms == NULL) {
		mime_caps(o->cfg, r, &own);
		if (scan_file(path, &own, err) < 0) {
			mscan_free(&own);
			return (-1);
		}
		ms = &own;
	} else
		mime_caps(o->cfg, r, NULL);
	return (parse(path, ms, o, r, err, ms == &own ? &own : NULL));
}

/* dsn_field - the value of the first "name:" line in fields, at most 200 bytes */
static char *
dsn_field(const char *fields, const char *name)
{
	const char	*p = fields, *e;
	size_t		 n = strlen(name);

	while (p && *p) {
		e = strchr(p, '\n');
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			p += n + 1;
			while (*p == ' ' || *p == '\t')
				p++;
			e = p + strcspn(p, "\r\n");
			return (xstrndup(p, (size_t)(e - p) > 200 ? 200 :
			    (size_t)(e - p)));
		}
		p = e ? e + 1 : NULL;
	}
	return (NULL);
}

/* dsn_failed - does any per-recipient block say "Action: failed" */
static int
dsn_failed(const char *fields)
{
	const char	*p = fields, *e;

	while (p && *p) {
		e = strchr(p, '\n');
		if (strncasecmp(p, "Action:", 7) == 0) {
			p += 7;
			while (*p == ' ' || *p == '\t')
				p++;
			if (strncasecmp(p, "failed", 6) == 0)
				return (1);
		}
		p = e ? e + 1 : NULL;
	}
	return (0);
}

/*
 * mime_dsn - read a spooled message as a delivery status notification
 * (RFC 3464: multipart/report; report-type=delivery-status, with a
 * message/delivery-status part): 1 when it is one and reports a failure
 * (Action: failed), with its Status and Diagnostic-Code in *diag, which
 * the caller frees (addresses and numbers redacted: handlers read it); 0
 * when it is not (a delay notice, an auto-reply, any other mail); -1 when
 * the file cannot be read.  ms bounds the parse as for a report.
 */
int
mime_dsn(const char *path, const struct mscan *ms, char **diag)
{
	GMimeStream	*file, *stream;
	GMimeParser	*parser;
	GMimeMessage	*m;
	GMimeObject	*top, *part;
	GMimeContentType *ct;
	GByteArray	*ba = NULL;
	char		*fields = NULL, *status, *code, *red;
	int		 fd, i, n, rc = 0;
	buf		 b = { 0 };

	*diag = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return (-1);
	file = g_mime_stream_fs_new(fd);
	stream = mscan_stream(ms, file);
	parser = g_mime_parser_new_with_stream(stream);
	m = g_mime_parser_construct_message(parser, parser_options);
	g_object_unref(parser);
	g_object_unref(stream);
	g_object_unref(file);
	if (m == NULL)
		return (0);
	top = g_mime_message_get_mime_part(m);
	if (top == NULL || !GMIME_IS_MULTIPART(top) ||
	    (ct = g_mime_object_get_content_type(top)) == NULL ||
	    !g_mime_content_type_is_type(ct, "multipart", "report"))
		goto out;
	n = g_mime_multipart_get_count((GMimeMultipart *)top);
	for (i = 0; i < n && fields == NULL; i++) {
		part = g_mime_multipart_get_part((GMimeMultipart *)top, i);
		ct = g_mime_object_get_content_type(part);
		if (ct == NULL || (!g_mime_content_type_is_type(ct, "message",
		    "delivery-status") && !g_mime_content_type_is_type(ct,
		    "message", "global-delivery-status")))
			continue;
		if (GMIME_IS_PART(part)) {
			ba = derive_part_bytes((GMimePart *)part, 0);
			if (ba->len > 65536)
				g_byte_array_set_size(ba, 65536);
			g_byte_array_append(ba, (const guint8 *)"", 1);
			fields = xstrdup((const char *)ba->data);
			g_byte_array_unref(ba);
		} else if (GMIME_IS_MESSAGE_PART(part) &&
		    g_mime_message_part_get_message((GMimeMessagePart *)part)) {
			char	*s = g_mime_object_to_string((GMimeObject *)
			    g_mime_message_part_get_message((GMimeMessagePart *)
			    part), NULL);

			fields = xstrndup(s, 65536);
			g_free(s);
		}
	}
	if (fields == NULL || !dsn_failed(fields))
		goto out;
	rc = 1;
	status = dsn_field(fields, "Status");
	code = dsn_field(fields, "Diagnostic-Code");
	buf_adds(&b, "");
	if (status != NULL) {
		red = extract_redact(status, NULL);
		buf_printf(&b, "Status: %s", red);
		free(red);
	}
	if (code != NULL) {
		red = extract_redact(code, NULL);
		buf_printf(&b, "%sDiagnostic-Code: %s", b.len ? "; " : "", red);
		free(red);
	}
	if (b.len == 0)
		buf_adds(&b, "failed (no status given)");
	*diag = b.s;
	free(status);
	free(code);
out:
	free(fields);
	g_object_unref(m);
	return (rc);
}
