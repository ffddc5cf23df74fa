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

/* where libmilter listens: what poke connects to */
static struct sockaddr_storage	 listen_addr;
static socklen_t		 listen_len;

/*
 * find_listener - libmilter does not hand out its listening descriptor, so
 * look for the one listening socket we have: note its address (poke), and
 * set TCP_NODELAY on it when it is TCP (accepted connections inherit it,
 * on Linux).  At end of message libmilter writes each header change and
 * the verdict with a write of its own: with Nagle the second waits for
 * the MTA's delayed ACK, ~40 ms per report (tests/bench/RESULTS.md).
 */
static void
find_listener(void)
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
		if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
			continue;
		memcpy(&listen_addr, &ss, len);
		listen_len = len;
		if ((ss.ss_family == AF_INET || ss.ss_family == AF_INET6) &&
		    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof(one)) < 0)
			log_warn("milter_socket: TCP_NODELAY");
	}
}

/*
 * poke - connect to our own listening socket and hang up: libmilter's
 * listener waits up to five seconds in select() before it looks whether
 * it was told to stop (MI_CHK_TIME); a connection wakes it at once
 */
static void
poke(void)
{
	struct sockaddr_storage	 a = listen_addr;
	struct sockaddr_in	*in = (struct sockaddr_in *)&a;
	struct sockaddr_in6	*in6 = (struct sockaddr_in6 *)&a;
	int			 fd;

	if (listen_len == 0)
		return;
	/* a socket bound to every address is reached on loopback */
	if (a.ss_family == AF_INET && in->sin_addr.s_addr == htonl(INADDR_ANY))
		in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (a.ss_family == AF_INET6 && IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr))
		in6->sin6_addr = in6addr_loopback;
	if ((fd = socket(a.ss_family, SOCK_STREAM | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0)) < 0)
		return;
	(void)connect(fd, (struct sockaddr *)&a, listen_len);
	close(fd);
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
	mode_t		 old;
	int		 rc;

	if (smfi_register(milter_desc) == MI_FAILURE) {
		buf_printf(err, "smfi_register failed");
		return (-1);
	}
	if (smfi_setconn((char *)sock) == MI_FAILURE) {
		buf_printf(err, "milter_socket %s: bad socket", sock);
		return (-1);
	}
	smfi_settimeout((int)rt->cfg->milter_timeout);
	/* libmilter makes a unix socket with the umask: group-writable, so
	 * that the group of its directory (postfix, set-group-ID) may
	 * connect; daemon.c's 027 would leave Postfix only read permission */
	old = umask(007);
	rc = smfi_opensocket(1);
	umask(old);
	if (rc == MI_FAILURE) {
		buf_printf(err, "milter_socket %s: cannot listen (in use, or a "
		    "bad path or address?)", sock);
		return (-1);
	}
	find_listener();
	if (strncmp(sock, "unix:", 5) == 0)
		privdrop_file(rt->cfg->run_user, sock + 5, err);
	else if (strncmp(sock, "local:", 6) == 0)
		privdrop_file(rt->cfg->run_user, sock + 6, err);
	return (err->len > 0 ? -1 : 0);
}

static pthread_t	 main_thread;
static volatile int	 milter_done;
static int		 milter_rc;

/* milter_thread - libmilter's loop; tells the main thread when it ends */
static void *
milter_thread(void *arg)
{
	(void)arg;
	milter_rc = smfi_main() == MI_SUCCESS ? 0 : 1;
	milter_done = 1;
	pthread_kill(main_thread, SIGUSR2);
	return (NULL);
}

/* stop_thread - smfi_stop, which waits for the listener's lock */
static void *
stop_thread(void *arg)
{
	(void)arg;
	smfi_stop();
	return (NULL);
}

/*
 * run - as run_user: clear the spool, start delivering, run libmilter's
 * loop in a thread of its own, and take the signals here.  SIGUSR1
 * reloads.  SIGTERM, SIGHUP (libmilter's meaning: stop) and SIGINT abort
 * a delivery in flight and stop libmilter, waking its listener (poke) so
 * that the stop takes a moment, not its five-second poll.  The main thread
 * is the one Linux hands a process's signal to when it waits for it; should
 * libmilter's own signal thread take one, it stops as it always did and
 * its loop's end is noticed here (SIGUSR2).
 */
static int
run(struct runtime *rt)
{
	pthread_t	 mt, stopper;
	sigset_t	 set;
	char		*name;
	int		 sig, i;

	/* spool files a crash left: Postfix retries them */
	if ((i = daemon_spool_clear(rt->cfg->spool_dir, "jubao.")) > 0)
		log_info("removed %d spool file(s) of messages never accepted "
		    "(the MTA retries them)", i);
	daemon_outbox_start();
	main_thread = pthread_self();
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (pthread_create(&mt, NULL, milter_thread, NULL) != 0)
		log_fatal("cannot start libmilter's thread");
	name = cfg_store_name(rt->cfg);
	log_info("started: listening on %s, %zu reporting mailbox(es), store %s, "
	    "running as uid %ld", rt->cfg->milter_socket,
	    rt->cfg->report_mailboxes.n, name, (long)getuid());
	free(name);
	while (!milter_done) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGUSR1) {
			daemon_reload();
			continue;
		}
		if (sig == SIGUSR2)
			continue;
		log_info("stopping (signal %d)", sig);
		daemon_outbox_abort();
		if (pthread_create(&stopper, NULL, stop_thread, NULL) == 0)
			pthread_detach(stopper);
		for (i = 0; i < 100 && !milter_done; i++) {
			poke();
			usleep(50000);
		}
		break;
	}
	pthread_join(mt, NULL);
	return (milter_rc);
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
