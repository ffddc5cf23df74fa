/*
 * NAME
 *	store_fx - what the store's unit tests share (t_store, t_store_case)
 * DESCRIPTION
 *	One throw-away directory (mkdtemp under $JUBAO_TEST_TMP or /tmp) with a
 *	key, a configuration, categories and templates; stores made in it;
 *	reports and calls as the daemons make them; a case read whole; the
 *	check that prints "ok - X" or "not ok - X".  Every time is relative to
 *	base, a fixed "now", never the clock.
 */
#ifndef JUBAO_STORE_FX_H
#define JUBAO_STORE_FX_H

#include <sys/types.h>
#include <time.h>

#include "ack.h"
#include "cfg.h"
#include "classify.h"
#include "db.h"
#include "feedback.h"
#include "intake.h"
#include "lookup.h"
#include "store.h"
#include "workflow.h"

#define H	3600L
#define D	86400L
#define S(s)	((s) ? (s) : "(null)")

/* what a report's text makes it: categories.conf's deadline and priority */
struct kind {
	const char	*subject, *text;
	long		 deadline_h;
};

extern int			 npass, nfail, nmail;
extern char			 tmp[256];
extern const time_t		 base;
extern struct cfg		*cfg;
extern struct categories	*cats;
extern struct ack_ctx		 ack;
extern struct feedback_ctx	 fb;
extern struct lookup_ctx	 look;
extern struct intake_ctx	 ix;
extern const struct kind	 fraud, other, pct, wild, rumour;

void		 check(int ok, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
const char	*tpath(const char *name);
void		 cleanup(void);
void		 die(const char *what, const char *why)
		    __attribute__((noreturn));
double		 mono(void);
void		 setup(void);
struct db	*raw(const char *name, long timeout);
struct store	*open_store(const char *name);
struct report	*mail(const char *sender, const struct kind *k, time_t at);
int		 submit(struct store *st, struct report *r,
		    struct intake_result *res);
void		 new_case(struct store *st, const char *sender,
		    const struct kind *k, time_t at, char no[CASENO_MAX]);
int		 call(struct store *st, const char *number, const char *cid,
		    time_t at, struct intake_result *res);
const struct case_view *see(struct store *st, const char *no, int reveal);
const struct case_message *message(const struct case_view *v,
		    const char *kind, const char *channel);
int		 events(const struct case_view *v, const char *action,
		    const char *actor);
long		 ncases(struct store *st);
void		 ack_to(struct store *st, const char *no, char *out, size_t len);
int		 act(struct store *st, const char *no, const char *action,
		    const char *actor, time_t now, const char *const *measures,
		    char status[32]);
void		 fx_done(void);

#endif
