/*
 * NAME
 *	conffile - read "key = value" files with [sections]
 * DESCRIPTION
 *	Every error is collected, not just the first, so that "-n" names the
 *	line and key of each one.  Values are trimmed; continuation lines are
 *	joined with one space.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conffile.h"

/* conffile_error - append "path:line: message" to the error buffer */
void
conffile_error(buf *err, const char *path, int line, const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[1024];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line > 0)
		buf_printf(err, "%s:%d: %s\n", path, line, msg);
	else
		buf_printf(err, "%s: %s\n", path, msg);
}

/* flush - hand a pending entry to the callback */
static int
flush(const char *path, conffile_cb cb, void *arg, const char *section,
    buf *key, buf *val, int line, buf *err)
{
	char	*k, *v;
	int	 rc;

	if (key->len == 0)
		return (0);
	k = str_trim(key->s);
	v = str_trim(val->s ? val->s : (char *)"");
	if (*k == '\0') {
		conffile_error(err, path, line, "missing parameter name");
		rc = -1;
	} else
		rc = cb(arg, section, k, v, line, err);
	key->len = val->len = 0;
	if (key->s)
		key->s[0] = '\0';
	if (val->s)
		val->s[0] = '\0';
	return (rc);
}

/* conffile_read - parse a file, calling cb for each entry */
int
conffile_read(const char *path, conffile_cb cb, void *arg, buf *err)
{
	FILE	*fp;
	char	*line = NULL, *p, *eq, *section = NULL;
	size_t	 cap = 0;
	ssize_t	 n;
	int	 lineno = 0, entry_line = 0, rc = 0;
	buf	 key = { 0 }, val = { 0 };

	if ((fp = fopen(path, "r")) == NULL) {
		conffile_error(err, path, 0, "cannot open: %s", strerror(errno));
		return (-1);
	}
	while ((n = getline(&line, &cap, fp)) != -1) {
		lineno++;
		if (memchr(line, '\0', (size_t)n) != NULL) {
			conffile_error(err, path, lineno, "NUL byte in line");
			rc = -1;
			continue;
		}
		line[strcspn(line, "\r\n")] = '\0';
		p = line;
		if (*p == '#' || *str_trim(p) == '\0')
			continue;
		if ((*p == ' ' || *p == '\t') && key.len > 0) {
			/* continuation of the previous value */
			buf_adds(&val, " ");
			buf_adds(&val, str_trim(p));
			continue;
		}
		if (flush(path, cb, arg, section, &key, &val, entry_line,
		    err) < 0)
			rc = -1;
		p = str_trim(p);
		if (*p == '[') {
			char *e = strchr(p, ']');

			if (e == NULL || e[1] != '\0' || e == p + 1) {
				conffile_error(err, path, lineno,
				    "bad section header '%s'", p);
				rc = -1;
				continue;
			}
			free(section);
			section = xstrndup(p + 1, (size_t)(e - p - 1));
			/* the callback sees each section start: key NULL */
			if (cb(arg, section, NULL, NULL, lineno, err) < 0)
				rc = -1;
			continue;
		}
		if ((eq = strchr(p, '=')) == NULL) {
			conffile_error(err, path, lineno,
			    "expected 'name = value', got '%s'", p);
			rc = -1;
			continue;
		}
		buf_add(&key, p, (size_t)(eq - p));
		buf_adds(&val, eq + 1);
		entry_line = lineno;
	}
	if (ferror(fp)) {
		conffile_error(err, path, 0, "read error: %s", strerror(errno));
		rc = -1;
	}
	if (flush(path, cb, arg, section, &key, &val, entry_line, err) < 0)
		rc = -1;
	fclose(fp);
	free(line);
	free(section);
	buf_free(&key);
	buf_free(&val);
	return (rc);
}
