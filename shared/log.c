/*
 * NAME
 *	log - syslog or stderr logging with severity tiers
 * DESCRIPTION
 *	log_init(progname, foreground, facility): foreground logs to stderr
 *	with a time stamp, otherwise to syslog under the named facility
 *	("mail" by default).  Safe to call from several threads: each line is
 *	written with one call.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>

#include "log.h"

static int	 log_fg = 1;
static int	 log_verb;
static const char *log_name = "jubao";

static const struct {
	const char	*name;
	int		 fac;
} facilities[] = {
	{ "mail", LOG_MAIL }, { "daemon", LOG_DAEMON }, { "user", LOG_USER },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
	{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
};

/* log_init - choose stderr or syslog */
void
log_init(const char *name, int foreground, const char *facility)
{
	size_t	 i;
	int	 fac = LOG_MAIL;

	log_name = name;
	log_fg = foreground;
	if (facility != NULL)
		for (i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
			if (strcasecmp(facility, facilities[i].name) == 0)
				fac = facilities[i].fac;
	if (!log_fg)
		openlog(name, LOG_PID | LOG_NDELAY, fac);
}

/* log_set_verbose - enable debug lines */
void
log_set_verbose(int v)
{
	log_verb = v;
}

/* log_verbose - are debug lines enabled */
int
log_verbose(void)
{
	return (log_verb);
}

/* vlog - emit one line at a priority with an optional suffix */
static void
vlog(int pri, const char *tag, const char *fmt, va_list ap, const char *suffix)
{
	char		 msg[2048];
	struct timespec	 ts;
	struct tm	 tm;
	char		 when[32];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_fg) {
		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ld %s: %s%s%s%s\n", when,
		    ts.tv_nsec / 1000000, log_name, tag, msg,
		    suffix ? ": " : "", suffix ? suffix : "");
	} else
		syslog(pri, "%s%s%s%s", tag, msg, suffix ? ": " : "",
		    suffix ? suffix : "");
}

#define LOGFN(fn, pri, tag) \
void fn(const char *fmt, ...) { va_list ap; va_start(ap, fmt); \
	vlog(pri, tag, fmt, ap, NULL); va_end(ap); }

LOGFN(log_info, LOG_INFO, "")
LOGFN(log_warnx, LOG_WARNING, "warning: ")
LOGFN(log_error, LOG_ERR, "error: ")

/* log_debug - a line only when verbose */
void
log_debug(const char *fmt, ...)
{
	va_list	 ap;

	if (!log_verb)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, "debug: ", fmt, ap, NULL);
	va_end(ap);
}

/* log_warn - a warning with strerror(errno) appended */
void
log_warn(const char *fmt, ...)
{
	va_list	 ap;
	char	 err[256];
	int	 saved = errno;

	snprintf(err, sizeof(err), "%s", strerror(saved));
	va_start(ap, fmt);
	vlog(LOG_WARNING, "warning: ", fmt, ap, err);
	va_end(ap);
	errno = saved;
}

/* log_fatal - a start-up failure: log and exit 1 */
void
log_fatal(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, "fatal: ", fmt, ap, NULL);
	va_end(ap);
	exit(1);
}

/* log_panic - a bug or resource exhaustion: log and abort */
void
log_panic(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, "panic: ", fmt, ap, NULL);
	va_end(ap);
	abort();
}
