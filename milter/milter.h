/*
 * NAME
 *	milter - jubao-milter's runtime: configuration snapshot and friends
 * DESCRIPTION
 *	A runtime is one immutable snapshot of the configuration with the
 *	categories and templates loaded from it.  Each connection holds a
 *	reference to the runtime current when it started; SIGUSR1 swaps in
 *	a new one (libmilter keeps SIGHUP for itself: it stops the filter).
 */
#ifndef JUBAO_MILTER_H
#define JUBAO_MILTER_H

#include <libmilter/mfapi.h>

#include "ack.h"
#include "cfg.h"
#include "classify.h"

struct runtime {
	struct cfg		*cfg;
	struct categories	*cats;
	struct ack_ctx		 ack;
	int			 refs;
};

struct runtime	*runtime_load(const char *path, buf *err);
struct runtime	*runtime_get(void);
void		 runtime_put(struct runtime *);
void		 outbox_kick(void);

extern struct smfiDesc milter_desc;

#endif
