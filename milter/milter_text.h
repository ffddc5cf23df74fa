/*
 * NAME
 *	milter_text - text out of a message's bytes: charsets, RFC 2047
 *	header words, HTML (milter_text.c)
 */
#ifndef JUBAO_MILTER_TEXT_H
#define JUBAO_MILTER_TEXT_H

#include <stddef.h>
#include <gmime/gmime.h>

#include "util.h"

void		 text_init(void);
GMimeParserOptions *text_options(void);
const char	*text_charset(const char *label);
char		*text_header_decode(const char *raw);
size_t		 text_strip_nul(char *s, size_t len);
char		*text_to_utf8(const char *data, size_t len, const char *label,
		    strlist *notes);
void		 text_crlf_to_lf(char *s);
char		*text_from_html(const char *html, strlist *urls);

#endif
