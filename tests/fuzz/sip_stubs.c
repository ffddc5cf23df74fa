/*
 * NAME
 *	sip_stubs - what sip_main.c gives the other sip files, for the fuzzers
 * DESCRIPTION
 *	The SIP fuzz targets link sip_call.o, sip_media.o, sip_ua.o,
 *	sip_prompt.o and sip_sms.o (less the one they include) without
 *	sip_main.o, whose main, threads and su_root they do not want, nor the
 *	daemon skeleton (daemon.c): what they take of it is here.  The clock
 *	is the harness's (fz_now_ms, so a run is repeatable), the runtime is
 *	the one fz_runtime built, a commit is only counted, and nothing is
 *	delivered.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"
#include "sip.h"
#include "sip_stubs.h"

int64_t		 fz_now_ms = 1000000;
long		 fz_commits;
static struct runtime	*fz_rt;

/* now_ms - the harness's clock */
int64_t
now_ms(void)
{
	return (fz_now_ms);
}

/* runtime_get - the one runtime, made by fz_runtime */
struct runtime *
runtime_get(void)
{
	fz_rt->refs++;
	return (fz_rt);
}

/* runtime_put - drop a reference (the runtime lives as long as the process) */
void
runtime_put(struct runtime *rt)
{
	if (rt != NULL)
		rt->refs--;
}

/* commit_submit - a call asks to be committed: counted only */
void
commit_submit(struct call *c)
{
	fz_commits++;
	c->committing = 1;
}

/* daemon_kick - nothing to deliver here */
void
daemon_kick(void)
{
}

/* fz_runtime - defaults, the categories and the prompts of the tree */
struct runtime *
fz_runtime(const char *top)
{
	static char	 cats_path[4096], prompts_path[4096];
	buf		 err = { 0 };

	if (fz_rt != NULL)
		return (fz_rt);
	fz_rt = xcalloc(1, sizeof(*fz_rt));
	snprintf(cats_path, sizeof(cats_path), "%s/conf/categories.conf", top);
	snprintf(prompts_path, sizeof(prompts_path), "%s/conf/prompts/zh", top);
	if ((fz_rt->cfg = cfg_defaults()) == NULL ||
	    (fz_rt->cats = cat_load(cats_path, &err)) == NULL ||
	    (fz_rt->own = prompts_load(prompts_path, &err)) == NULL)
		log_panic("fuzz: cannot set up the runtime: %s",
		    err.s ? err.s : "?");
	fz_rt->refs = 1;
	return (fz_rt);
}
