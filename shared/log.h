/*
 * NAME
 *	log - syslog or stderr logging with severity tiers
 * DESCRIPTION
 *	info, warn (appends strerror(errno)), warnx, error, fatal (start-up
 *	only: exits 1), panic (a bug or out of memory: aborts).  Messages about
 *	a mail start with its Postfix queue ID, about a call with its Call-ID;
 *	that is the caller's job.  Reporter identity never goes into a log
 *	line: callers log case numbers and queue IDs, not addresses.
 */
#ifndef JUBAO_LOG_H
#define JUBAO_LOG_H

void	log_init(const char *, int, const char *);
void	log_set_verbose(int);
int	log_verbose(void);
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_error(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
void	log_panic(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
