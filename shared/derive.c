/*
 * NAME
 *	derive - an attachment found again in its original message
 * DESCRIPTION
 *	Each byte of a report is stored once (issue 11): the original message
 *	is sealed as evidence, and its attachments are not stored beside it
 *	but recorded (name, type, size, SHA-256) and derived from it when a
 *	handler opens one.  jubao-milter makes each attachment with
 *	derive_part_bytes (decoded, or as sent when its base64 is invalid) or
 *	as an attached message's text; derive walks the original the same
 *	way, bounded in depth and parts, and gives back the part whose bytes
 *	have the recorded SHA-256.  The hash decides, not the position, so a
 *	change of report_part_limit since the intake does not move an item.
 */
#include <stdlib.h>
#include <string.h>
#include <gmime/gmime.h>

#include "derive.h"
#include "evidence.h"

#define DERIVE_DEPTH	64	/* as jubao-milter's walk */
#define DERIVE_PARTS	100000	/* a hostile original is bounded too */

struct want {
	const char	*sha;
	GByteArray	*found;
	long		 parts;
};

/*
 * derive_parser_options - how jubao parses a message (made once, before
 * threads: g_mime_init first): RFC 2047 strict, addresses and parameters
 * loose, Chinese charsets to fall back on
 */
GMimeParserOptions *
derive_parser_options(void)
{
	static const char *fallback[] = { "UTF-8", "GB18030", "BIG5-HKSCS", NULL };
	static GMimeParserOptions *o;

	if (o != NULL)
		return (o);
	o = g_mime_parser_options_new();
	g_mime_parser_options_set_rfc2047_compliance_mode(o,
	    GMIME_RFC_COMPLIANCE_STRICT);
	g_mime_parser_options_set_address_compliance_mode(o,
	    GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_parameter_compliance_mode(o,
	    GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_fallback_charsets(o, fallback);
	return (o);
}

/* derive_part_bytes - the content of a leaf part, decoded or as sent */
GByteArray *
derive_part_bytes(GMimePart *part, int raw)
{
	GMimeDataWrapper	*w = g_mime_part_get_content(part);
	GMimeStream		*mem = g_mime_stream_mem_new();
	GByteArray		*ba, *copy;

	if (w != NULL) {
		if (raw)
			g_mime_stream_write_to_stream(
			    g_mime_data_wrapper_get_stream(w), mem);
		else
			g_mime_data_wrapper_write_to_stream(w, mem);
		g_mime_stream_reset(g_mime_data_wrapper_get_stream(w));
	}
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	copy = g_byte_array_sized_new(ba->len + 1);
	g_byte_array_append(copy, ba->data, ba->len);
	g_object_unref(mem);
	return (copy);
}

/* match - keep ba when its SHA-256 is the one wanted (takes ba) */
static void
match(struct want *w, GByteArray *ba)
{
	char	 sha[65];

	sha256_hex(ba->data, ba->len, sha);
	if (w->found == NULL && strcmp(sha, w->sha) == 0)
		w->found = ba;
	else
		g_byte_array_unref(ba);
}

/* walk - an object and what it holds, until found or a bound is reached */
static void
walk(struct want *w, GMimeObject *obj, int depth)
{
	GMimeMessage	*m;
	char		*s;
	int		 i, n;

	if (w->found != NULL || obj == NULL || depth > DERIVE_DEPTH ||
	    ++w->parts > DERIVE_PARTS)
		return;
	if (GMIME_IS_MULTIPART(obj)) {
		n = g_mime_multipart_get_count((GMimeMultipart *)obj);
		for (i = 0; i < n && w->found == NULL; i++)
			walk(w, g_mime_multipart_get_part((GMimeMultipart *)obj,
			    i), depth + 1);
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		m = g_mime_message_part_get_message((GMimeMessagePart *)obj);
		if (m == NULL)
			return;
		s = g_mime_object_to_string((GMimeObject *)m, NULL);
		match(w, g_byte_array_append(g_byte_array_new(),
		    (const guint8 *)s, strlen(s)));
		g_free(s);
		walk(w, g_mime_message_get_mime_part(m), depth + 2);
	} else if (GMIME_IS_PART(obj)) {
		match(w, derive_part_bytes((GMimePart *)obj, 0));
		if (w->found == NULL && g_mime_part_get_content_encoding(
		    (GMimePart *)obj) == GMIME_CONTENT_ENCODING_BASE64)
			match(w, derive_part_bytes((GMimePart *)obj, 1));
	}
}

/*
 * derive - the part of the message msg (len bytes, in the clear) whose
 * bytes have the SHA-256 sha (hex): a new byte array, or NULL when none
 * has
 */
GByteArray *
derive(const void *msg, size_t len, const char *sha)
{
	GMimeStream	*mem;
	GMimeParser	*parser;
	GMimeMessage	*m;
	struct want	 w = { sha, NULL, 0 };

	mem = g_mime_stream_mem_new_with_buffer(msg, len);
	parser = g_mime_parser_new_with_stream(mem);
	m = g_mime_parser_construct_message(parser, derive_parser_options());
	g_object_unref(parser);
	g_object_unref(mem);
	if (m == NULL)
		return (NULL);
	walk(&w, g_mime_message_get_mime_part(m), 1);
	g_object_unref(m);
	return (w.found);
}
