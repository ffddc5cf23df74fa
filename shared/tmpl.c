/*
 * NAME
 *	tmpl - message templates
 * DESCRIPTION
 *	Templates live in template_dir/LANG/NAME.txt.  The first line is
 *	"Subject: ...", then a blank line, then the body (tmpl_split).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conffile.h"
#include "tmpl.h"

/* lookup - a variable's value; NULL when unknown */
static const char *
lookup(const struct tmpl_var *v, size_t n, const char *name, size_t len)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strlen(v[i].name) == len && strncmp(v[i].name, name, len) == 0)
			return (v[i].value ? v[i].value : "");
	return (NULL);
}

/* render - expand [p, end) into out; 0 or -1 */
static int
render(const char *p, const char *end, const struct tmpl_var *v, size_t n,
    buf *out, buf *err)
{
	const char	*open, *close, *name, *val, *sec_end;
	char		 mark;
	size_t		 len;
	char		 closing[96];
	int		 show;

	while (p < end) {
		open = strstr(p, "{{");
		if (open == NULL || open >= end) {
			buf_add(out, p, (size_t)(end - p));
			return (0);
		}
		buf_add(out, p, (size_t)(open - p));
		close = strstr(open + 2, "}}");
		if (close == NULL || close >= end) {
			buf_printf(err, "unclosed '{{'\n");
			return (-1);
		}
		name = open + 2;
		mark = *name;
		if (mark == '#' || mark == '^')
			name++;
		len = (size_t)(close - name);
		if (len == 0 || len > 64) {
			buf_printf(err, "bad variable at '%.20s'\n", open);
			return (-1);
		}
		if ((val = lookup(v, n, name, len)) == NULL) {
			buf_printf(err, "unknown variable '%.*s'\n", (int)len, name);
			return (-1);
		}
		p = close + 2;
		if (mark != '#' && mark != '^') {
			buf_adds(out, val);
			continue;
		}
		/* a section tag alone on its line leaves no blank line */
		if (*p == '\n' && (out->len == 0 || out->s[out->len - 1] == '\n'))
			p++;
		snprintf(closing, sizeof(closing), "{{/%.*s}}", (int)len, name);
		sec_end = strstr(p, closing);
		if (sec_end == NULL || sec_end >= end) {
			buf_printf(err, "section '%.*s' is not closed\n", (int)len,
			    name);
			return (-1);
		}
		show = (*val != '\0') == (mark == '#');
		if (show && render(p, sec_end, v, n, out, err) < 0)
			return (-1);
		if (!show) {
			/* still check the hidden part for typos */
			buf	 scratch = { 0 };
			int	 rc = render(p, sec_end, v, n, &scratch, err);

			buf_free(&scratch);
			if (rc < 0)
				return (-1);
		}
		p = sec_end + strlen(closing);
		if (*p == '\n' && (out->len == 0 || out->s[out->len - 1] == '\n'))
			p++;
	}
	return (0);
}

/* tmpl_render - expand a template; NULL with a message in err */
char *
tmpl_render(const char *t, const struct tmpl_var *v, size_t n, buf *err)
{
	buf	 out = { 0 };

	buf_adds(&out, "");
	if (render(t, t + strlen(t), v, n, &out, err) < 0) {
		buf_free(&out);
		return (NULL);
	}
	return (out.s);
}

/* tmpl_load - read template_dir/lang/name.txt; NULL with err */
char *
tmpl_load(const char *dir, const char *lang, const char *name, buf *err)
{
	char	*path = xasprintf("%s/%s/%s.txt", dir, lang, name);
	FILE	*fp;
	buf	 b = { 0 };
	char	 chunk[4096];
	size_t	 got;

	if ((fp = fopen(path, "r")) == NULL) {
		conffile_error(err, path, 0, "cannot open: %s", strerror(errno));
		free(path);
		return (NULL);
	}
	buf_adds(&b, "");
	while ((got = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(&b, chunk, got);
	fclose(fp);
	free(path);
	return (b.s);
}

/* tmpl_split - "Subject: X\n\nbody" into its parts; 0 or -1 */
int
tmpl_split(const char *msg, char **subject, char **body)
{
	const char	*nl, *b;

	if (strncmp(msg, "Subject:", 8) != 0 || (nl = strchr(msg, '\n')) == NULL)
		return (-1);
	b = nl + 1;
	if (*b == '\n')
		b++;
	*subject = xstrndup(msg + 8, (size_t)(nl - msg - 8));
	str_trim(*subject);
	memmove(*subject, str_trim(*subject), strlen(str_trim(*subject)) + 1);
	*body = xstrdup(b);
	return (0);
}
