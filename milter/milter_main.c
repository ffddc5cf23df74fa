/*
 * NAME
 *	jubao-milter - turn mail to the reporting mailboxes into cases
 * SYNOPSIS
 *	jubao-milter [-fnv] [-c file]
 * DESCRIPTION
 *	The daemon skeleton (daemon.c) starts it in its fixed order; what is
 *	jubao-milter's own: the spool directory, the milter socket (opened
 *	as root), spool files a crash left (cleared: Postfix was never told
 *	"accepted" for them, so it retries), SIGUSR1 to reload, and
 *	libmilter's loop, which SIGTERM or SIGHUP stops.
 */
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"
#include "milter.h"
#include "milter_mime.h"
#include "privdrop.h"

/* clear_spool - remove spool files a crash left; Postfix retries them */
static void
clear_spool(const char *dir)
{
	DIR		*d;
	struct dirent	*e;
	char		*p;
	int		 n = 0;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, "jubao.", 6) != 0)
			continue;
		p = xasprintf("%s/%s", dir, e->d_name);
		if (unlink(p) == 0)
			n++;
		free(p);
	}
	closedir(d);
	if (n > 0)
		log_info("removed %d spool file(s) of messages never accepted "
		    "(the MTA retries them)", n);
}

/*
 * nodelay_listener - TCP_NODELAY on the milter's TCP listening socket;
 * accepted connections inherit it (Linux).  At end of message libmilter
 * writes each header change and the verdict with a write of its own:
 * with Nagle the second waits for the MTA's delayed ACK, ~40 ms per
 * report (tests/bench/RESULTS.md).  libmilter does not hand out its
 * descriptor, so look for the one listening socket we have.
 */
static void
nodelay_listener(void)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	int			 fd, on, one = 1;

	for (fd = 0; fd < 1024; fd++) {
		len = sizeof(on);
		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &len) < 0 ||
		    !on)
			continue;
		len = sizeof(ss);
		if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0 ||
		    (ss.ss_family != AF_INET && ss.ss_family != AF_INET6))
			continue;
		if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof(one)) < 0)
			log_warn("milter_socket: TCP_NODELAY");
	}
}

/* prepare - (root) the spool directory, handed to run_user */
static void
prepare(const struct cfg *cfg, buf *err)
{
	privdrop_dir(cfg->run_user, cfg->spool_dir, 0750, err);
}

/*
 * listen_milter - (root) the milter socket, then handed to run_user (a
 * unix socket's file); no path is followed through a link run_user could
 * have planted (privdrop.c)
 */
static int
listen_milter(struct runtime *rt, buf *err)
{
	const char	*sock = rt->cfg->milter_socket;

	if (smfi_register(milter_desc) == MI_FAILURE) {
		buf_printf(err, "smfi_register failed");
		return (-1);
	}
	if (smfi_setconn((char *)sock) == MI_FAILURE) {
		buf_printf(err, "milter_socket %s: bad socket", sock);
		return (-1);
	}
	smfi_settimeout((int)rt->cfg->milter_timeout);
	if (smfi_opensocket(1) == MI_FAILURE) {
		buf_printf(err, "milter_socket %s: cannot listen (in use, or a "
		    "bad path or address?)", sock);
		return (-1);
	}
	nodelay_listener();
	if (strncmp(sock, "unix:", 5) == 0)
		privdrop_file(rt->cfg->run_user, sock + 5, err);
	else if (strncmp(sock, "local:", 6) == 0)
		privdrop_file(rt->cfg->run_user, sock + 6, err);
	return (err->len > 0 ? -1 : 0);
}

/* reload_thread - SIGUSR1: load a new runtime; keep the old on error */
static void *
reload_thread(void *arg)
{
	sigset_t	 set;
	int		 sig;

	(void)arg;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	for (;;)
		if (sigwait(&set, &sig) == 0 && sig == SIGUSR1)
			daemon_reload();
	return (NULL);
}

/*
 * run - as run_user: clear the spool, take SIGUSR1, hand over to
 * libmilter until SIGTERM or SIGHUP (libmilter's signal thread)
 */
static int
run(struct runtime *rt)
{
	pthread_t	 rl;

	clear_spool(rt->cfg->spool_dir);
	daemon_outbox_start();
	if (pthread_create(&rl, NULL, reload_thread, NULL) != 0)
		log_fatal("cannot start the reload thread");
	pthread_detach(rl);
	log_info("started: listening on %s, %zu reporting mailbox(es), store %s, "
	    "running as uid %ld", rt->cfg->milter_socket,
	    rt->cfg->report_mailboxes.n, rt->cfg->store_path, (long)getuid());
	return (smfi_main() == MI_SUCCESS ? 0 : 1);
}

static const struct outbox_transport *const transports[] = {
	&outbox_email, NULL
};

static const struct daemon milter_daemon = {
	"jubao-milter", NULL, NULL, prepare, listen_milter, run, transports,
};

int
main(int argc, char **argv)
{
	/* GMime and libxml2, once, before any thread */
	mime_init();
	return (daemon_main(argc, argv, &milter_daemon));
}
