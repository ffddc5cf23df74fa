/*
 * NAME
 *	milter - what jubao-milter's files share
 * DESCRIPTION
 *	milter_main.c: start-up through the daemon skeleton (daemon.c);
 *	milter_cb.c: the libmilter callbacks; milter_mime.c: a spooled
 *	message into a report (GMime); milter_scan.c: the bounds and hashes
 *	taken while a message is spooled; milter_spf.c: SPF (libspf2).
 *	Each connection holds a reference to the runtime (daemon.h) current
 *	when it started; SIGUSR1 swaps in a new one (libmilter keeps SIGHUP
 *	for itself: it stops the filter).
 */
#ifndef JUBAO_MILTER_H
#define JUBAO_MILTER_H

#include <libmilter/mfapi.h>

#include "daemon.h"

extern struct smfiDesc milter_desc;

#endif
