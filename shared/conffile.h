/*
 * NAME
 *	conffile - read "key = value" files with [sections]
 * DESCRIPTION
 *	The one reader behind jubao.conf and categories.conf.  Lines starting
 *	with # are comments; a line starting with white space continues the
 *	previous value (Postfix style); "[name]" starts a section.  For each
 *	entry the callback gets the section (NULL before the first), key,
 *	value and line number; at each "[name]" it is called once with key
 *	and value NULL.  conffile_read returns 0, or -1 after writing
 *	one message per error to *err (the caller frees it); a callback
 *	reports its own errors through conffile_error.
 */
#ifndef JUBAO_CONFFILE_H
#define JUBAO_CONFFILE_H

#include "util.h"

typedef int (*conffile_cb)(void *, const char *section, const char *key,
    const char *value, int line, buf *err);

int	conffile_read(const char *path, conffile_cb, void *, buf *err);
void	conffile_error(buf *err, const char *path, int line, const char *fmt,
	    ...) __attribute__((format(printf, 4, 5)));

#endif
