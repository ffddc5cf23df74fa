/*
 * NAME
 *	derive - an attachment found again in its original message (derive.c)
 */
#ifndef JUBAO_DERIVE_H
#define JUBAO_DERIVE_H

#include <stddef.h>
#include <gmime/gmime.h>

GMimeParserOptions *derive_parser_options(void);
GByteArray	*derive_part_bytes(GMimePart *, int raw);
GByteArray	*derive(const void *msg, size_t len, const char *sha);

#endif
