/*
 * NAME
 *	tmpl - message templates with {{name}} and {{#name}}..{{/name}}
 * DESCRIPTION
 *	A template is UTF-8 text: {{name}} is replaced by the variable's
 *	value; {{#name}}...{{/name}} is kept only when the value is not
 *	empty, {{^name}}...{{/name}} only when it is.  An unknown variable or
 *	an unclosed section is an error, so that a typo in a template that a
 *	site edited is caught by "-n", not by a reporter.
 */
#ifndef JUBAO_TMPL_H
#define JUBAO_TMPL_H

#include "util.h"

struct tmpl_var {
	const char	*name;
	const char	*value;
};

char	*tmpl_render(const char *tmpl, const struct tmpl_var *vars, size_t nvars,
	    buf *err);
char	*tmpl_load(const char *dir, const char *lang, const char *name, buf *err);
int	 tmpl_split(const char *msg, char **subject, char **body);

#endif
