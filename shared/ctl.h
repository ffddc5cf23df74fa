/*
 * NAME
 *	ctl - what jubaoctl's files share
 * DESCRIPTION
 *	jubaoctl.c: options, the command table, helpers; ctl_show.c: list,
 *	overdue, show, hot; ctl_act.c: the handlers' actions; ctl_stats.c:
 *	stats and the digest; ctl_run.c: deliver, purge, evidence, config,
 *	keygen, copy-from; ctl_user.c: the accounts.  Each command takes
 *	its own argv (argv[0] its name) and returns the exit code.  Results come typed from the store; JSON and
 *	text are made here, every sender's string made safe for a terminal
 *	(str_visible, json_visible).
 */
#ifndef JUBAO_CTL_H
#define JUBAO_CTL_H

#include <sysexits.h>
#include <time.h>
#include <jansson.h>

#include "cfg.h"
#include "classify.h"
#include "store.h"

#define EXIT_REFUSED	1
#define EXIT_USAGE	2
#define EXIT_TEMP	EX_TEMPFAIL

struct ctl {
	struct cfg		*cfg;
	struct store		*st;
	struct categories	*cats;
	int			 json;
	const char		*actor;
	time_t			 now;
	int			 now_given;	/* --now: for reading only */
	int			 scan;		/* stats --scan */
};

/* jubaoctl.c */
void		 ctl_usage(void) __attribute__((noreturn));
int		 ctl_store_fail(struct ctl *);
void		 ctl_print_json(json_t *);
time_t		 ctl_parse_time(const char *);
json_t		*ctl_json_time(time_t);
json_t		*ctl_json_str(const char *);
const char	*ctl_vis(const char *);
void		 ctl_range(struct ctl *, int argc, char **argv, time_t *from,
		    time_t *to, long *limit, int *fmt);

/* the commands */
int	 cmd_list(struct ctl *, int, char **);
int	 cmd_overdue(struct ctl *, int, char **);
int	 cmd_show(struct ctl *, int, char **);
int	 cmd_hot(struct ctl *, int, char **);
int	 cmd_act(struct ctl *, int, char **);
int	 cmd_stats(struct ctl *, int, char **);
int	 cmd_digest(struct ctl *, int, char **);
int	 cmd_deliver(struct ctl *, int, char **);
int	 cmd_purge(struct ctl *, int, char **);
int	 cmd_evidence(struct ctl *, int, char **);
int	 cmd_config(struct ctl *, int, char **);
int	 cmd_keygen(struct ctl *, int, char **);
int	 cmd_copy(struct ctl *, int, char **);
int	 cmd_rebuild_stats(struct ctl *, int, char **);
int	 cmd_user(struct ctl *, int, char **);

#endif
