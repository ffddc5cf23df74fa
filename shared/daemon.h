/*
 * NAME
 *	daemon - the one skeleton of jubao's daemons
 * DESCRIPTION
 *	In the spirit of Postfix's single_server_main(): daemon_main does
 *	for each daemon what they all do, in one fixed order, and calls the
 *	program back where it differs (struct daemon):
 *
 *	  options (-c file, -f, -n, -v), umask 027, logging
 *	  the runtime: configuration, categories, templates, and the
 *	    program's own part (load), checked; -n stops here
 *	  the key (key_file), read while we may
 *	  (root) the store's and evidence directories, and the program's
 *	    (prepare), made and handed to run_user, no link followed
 *	  (root) what must be opened before the drop (listen)
 *	  the privilege drop to run_user
 *	  the store opened once (created, migrated) as run_user
 *	  signals blocked in every thread (the program takes them)
 *	  the program's own loop (run), until it stops; it starts the
 *	    outbox thread (daemon_outbox_start: its transports, one retry
 *	    policy) when its transports can deliver
 *	  the outbox stopped (a delivery in flight aborted and left for the
 *	    next run: a stop is obeyed within a second or two)
 *
 *	A runtime is an immutable snapshot: a connection or a call keeps the
 *	one it started with (runtime_get/runtime_put); daemon_reload swaps in
 *	a new one, or keeps the running one when the new one has errors.
 *	Only start-up exits on error.
 */
#ifndef JUBAO_DAEMON_H
#define JUBAO_DAEMON_H

#include <signal.h>

#include "ack.h"
#include "cfg.h"
#include "classify.h"
#include "lookup.h"
#include "outbox.h"
#include "store.h"

struct runtime {
	struct cfg		*cfg;
	struct categories	*cats;
	struct ack_ctx		 ack;
	struct lookup_ctx	 look;	/* the status answers' templates */
	void			*own;	/* the program's part (jubao-sipd: prompts) */
	int			 refs;
};

struct daemon {
	const char	*name;		/* jubao-milter: logs, cfg_check_program */
	/* the program's part of a runtime (rt->own), checked: 0, or -1
	 * with what is wrong in err */
	int		 (*load)(struct runtime *, const char *path, buf *err);
	void		 (*unload)(void *own);
	/* (root) the program's directories, with privdrop_dir */
	void		 (*prepare)(const struct cfg *, buf *err);
	/* (root) what must be opened before the drop; 0 or -1 */
	int		 (*listen)(struct runtime *, buf *err);
	/* as run_user: until the program stops; the exit status */
	int		 (*run)(struct runtime *);
	const struct outbox_transport *const *transports;	/* NULL-ended */
};

int		 daemon_main(int argc, char **argv, const struct daemon *);
struct runtime	*runtime_get(void);
void		 runtime_put(struct runtime *);
int		 daemon_reload(void);
void		 daemon_kick(void);
void		 daemon_outbox_start(void);
void		 daemon_outbox_abort(void);
void		 daemon_outbox_stop(void);
volatile sig_atomic_t *daemon_stopping(void);
int		 daemon_spool_clear(const char *dir, const char *prefix);
struct store	*daemon_store(const struct cfg *, buf *err);
void		 daemon_store_failed(struct store *);

#endif
