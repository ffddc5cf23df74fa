/*
 * NAME
 *	jubao-webd - the reporters' status page: case number and PIN
 * SYNOPSIS
 *	jubao-webd [-fnv] [-c file]
 * DESCRIPTION
 *	The daemon skeleton (daemon.c) starts it in its fixed order; what is
 *	jubao-webd's own: the site (webd.h), loaded and checked with the
 *	configuration (so "-n" finds a broken template), the listening
 *	sockets of web_listen (opened as root, so a port below 1024 works),
 *	and libmicrohttpd's threads, one daemon per address, each with a
 *	pool of workers that keep a store handle each (daemon_store).
 *	SIGHUP or SIGUSR1 loads a new configuration and site for the
 *	requests that follow (the addresses stay until a restart); SIGTERM
 *	or SIGINT stops: the listeners close, the connections end.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conffile.h"
#include "log.h"
#include "privdrop.h"
#include "webd.h"

static int		 lfd[WEBD_LISTEN_MAX];
static size_t		 nlfd;

/*
 * webd_addr_parse - "HOST:PORT", "[V6]:PORT" or "*:PORT" (every address)
 * into an address to bind; 0, or -1 with why in err
 */
int
webd_addr_parse(const char *s, struct sockaddr_storage *ss, socklen_t *len,
    buf *err)
{
	struct addrinfo	 hints, *ai;
	char		 host[64];
	const char	*port, *h;
	size_t		 hl;
	int		 rc;

	if (*s == '[') {
		if ((port = strstr(s, "]:")) == NULL)
			goto bad;
		h = s + 1;
		hl = (size_t)(port - h);
		port += 2;
	} else {
		if ((port = strrchr(s, ':')) == NULL)
			goto bad;
		h = s;
		hl = (size_t)(port - s);
		port++;
	}
	if (hl == 0 || hl >= sizeof(host) || *port == '\0' ||
	    strspn(port, "0123456789") != strlen(port) || atol(port) < 1 ||
	    atol(port) > 65535)
		goto bad;
	memcpy(host, h, hl);
	host[hl] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	if ((rc = getaddrinfo(strcmp(host, "*") == 0 ? NULL : host, port,
	    &hints, &ai)) != 0)
		goto bad;
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return (0);
bad:
	buf_printf(err, "web_listen: '%s' is not ADDRESS:PORT ([ADDRESS]:PORT "
	    "for IPv6, *:PORT for every address)\n", s);
	return (-1);
}

/* proxies_load - web_trusted_proxies, normalised as webd_addr_text writes them */
static int
proxies_load(struct webd_site *s, const struct cfg *cfg, buf *err)
{
	struct sockaddr_storage	 ss;
	char			 text[64];
	size_t			 i;
	int			 rc = 0;

	for (i = 0; i < cfg->web_trusted_proxies.n; i++) {
		const char	*p = cfg->web_trusted_proxies.v[i];

		memset(&ss, 0, sizeof(ss));
		if (inet_pton(AF_INET, p, &((struct sockaddr_in *)&ss)->
		    sin_addr) == 1)
			ss.ss_family = AF_INET;
		else if (inet_pton(AF_INET6, p, &((struct sockaddr_in6 *)&ss)->
		    sin6_addr) == 1)
			ss.ss_family = AF_INET6;
		if (ss.ss_family == 0 || webd_addr_text((struct sockaddr *)&ss,
		    text, sizeof(text)) < 0) {
			conffile_error(err, cfg->path, 0, "web_trusted_proxies: "
			    "'%s' is not an IP address", p);
			rc = -1;
			continue;
		}
		strlist_add_unique(&s->proxies, text);
	}
	return (rc);
}

/* file_load - a whole file of at most WEBD_TMPL_MAX bytes; NULL with err */
static char *
file_load(const char *path, size_t *lenp, buf *err)
{
	FILE	*fp;
	buf	 b = { 0 };
	char	 chunk[4096];
	size_t	 got;

	if ((fp = fopen(path, "r")) == NULL) {
		conffile_error(err, path, 0, "cannot open: %s", strerror(errno));
		return (NULL);
	}
	buf_adds(&b, "");
	while ((got = fread(chunk, 1, sizeof(chunk), fp)) > 0 &&
	    b.len <= WEBD_TMPL_MAX)
		buf_add(&b, chunk, got);
	fclose(fp);
	if (b.len > WEBD_TMPL_MAX || memchr(b.s, '\0', b.len) != NULL) {
		conffile_error(err, path, 0, "larger than %d bytes, or binary",
		    WEBD_TMPL_MAX);
		buf_free(&b);
		return (NULL);
	}
	if (lenp != NULL)
		*lenp = b.len;
	return (b.s);
}

static const char *const lang_dir[WL_N] = { "zh-CN", "en" };
static const char *const tmpl_name[WT_N] = { "page", "form", "status", "done",
	"error", "laws" };

/* unload - release a site */
static void
unload(void *own)
{
	struct webd_site	*s = own;
	int			 l, t;

	if (s == NULL)
		return;
	for (l = 0; l < WL_N; l++)
		for (t = 0; t < WT_N; t++)
			free(s->tmpl[l][t]);
	/* a response still queued keeps itself until it is sent */
	if (s->css_resp != NULL)
		MHD_destroy_response(s->css_resp);
	free(s->css);
	if (s->fb_ok)
		feedback_free(&s->fb);
	strlist_free(&s->proxies);
	free(s);
}

/*
 * load - the site: templates and stylesheet from template_dir, the
 * feedback's templates (the lookup's answer is the runtime's, rt->look),
 * web_listen and the trusted proxies checked; 0, or -1 with what is
 * wrong in err
 */
static int
load(struct runtime *rt, const char *path, buf *err)
{
	const struct cfg	*cfg = rt->cfg;
	struct webd_site	*s = xcalloc(1, sizeof(*s));
	struct sockaddr_storage	 ss;
	socklen_t		 sl;
	char			*p;
	size_t			 i;
	int			 l, t, rc = 0;

	rt->own = s;
	if (cfg->web_listen.n == 0 || cfg->web_listen.n > WEBD_LISTEN_MAX) {
		buf_printf(err, "%s: web_listen: 1 to %d addresses\n", path,
		    WEBD_LISTEN_MAX);
		rc = -1;
	}
	for (i = 0; i < cfg->web_listen.n; i++)
		if (webd_addr_parse(cfg->web_listen.v[i], &ss, &sl, err) < 0)
			rc = -1;
	if (proxies_load(s, cfg, err) < 0)
		rc = -1;
	/* a file is evidence, which a PostgreSQL store takes whole, as a
	 * message of at most max_message_size */
	if (cfg->web_upload_max > cfg->max_message_size) {
		buf_printf(err, "%s: web_upload_max (%ld) is over "
		    "max_message_size (%ld)\n", path, cfg->web_upload_max,
		    cfg->max_message_size);
		rc = -1;
	}
	if (*cfg->web_stats_url && strncmp(cfg->web_stats_url, "/", 1) != 0 &&
	    strncmp(cfg->web_stats_url, "http://", 7) != 0 &&
	    strncmp(cfg->web_stats_url, "https://", 8) != 0) {
		buf_printf(err, "%s: web_stats_url: begins with /, http:// or "
		    "https://\n", path);
		rc = -1;
	}
	for (l = 0; l < WL_N; l++)
		for (t = 0; t < WT_N; t++) {
			p = xasprintf("%s/%s/web-%s.html", cfg->template_dir,
			    lang_dir[l], tmpl_name[t]);
			if ((s->tmpl[l][t] = file_load(p, NULL, err)) == NULL)
				rc = -1;
			free(p);
		}
	p = xasprintf("%s/web-style.css", cfg->template_dir);
	if ((s->css = file_load(p, &s->css_len, err)) == NULL)
		rc = -1;
	free(p);
	if (feedback_init(&s->fb, cfg, rt->cats, err) == 0)
		s->fb_ok = 1;
	else
		rc = -1;
	if (rc == 0 && webd_site_check(s, err) < 0)
		rc = -1;
	if (rc == 0) {
		s->css_resp = MHD_create_response_from_buffer(s->css_len, s->css,
		    MHD_RESPMEM_PERSISTENT);
		if (s->css_resp == NULL ||
		    MHD_add_response_header(s->css_resp, "Content-Type",
		    "text/css; charset=utf-8") == MHD_NO ||
		    MHD_add_response_header(s->css_resp, "Cache-Control",
		    "public, max-age=86400") == MHD_NO ||
		    MHD_add_response_header(s->css_resp,
		    "X-Content-Type-Options", "nosniff") == MHD_NO) {
			buf_printf(err, "%s: cannot make the stylesheet's "
			    "response\n", path);
			rc = -1;
		}
	}
	return (rc);
}

/*
 * listen_web - (root) a socket for each web_listen address, bound and
 * listening, for libmicrohttpd to take over as run_user; 0, or -1 with
 * why in err
 */
static int
listen_web(struct runtime *rt, buf *err)
{
	const struct cfg	*cfg = rt->cfg;
	struct sockaddr_storage	 ss;
	socklen_t		 sl;
	size_t			 i;
	int			 fd, on = 1;

	for (i = 0; i < cfg->web_listen.n && i < WEBD_LISTEN_MAX; i++) {
		if (webd_addr_parse(cfg->web_listen.v[i], &ss, &sl, err) < 0)
			return (-1);
		if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0)) < 0) {
			buf_printf(err, "web_listen %s: socket: %s",
			    cfg->web_listen.v[i], strerror(errno));
			return (-1);
		}
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		if (ss.ss_family == AF_INET6)
			(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on,
			    sizeof(on));
		if (bind(fd, (struct sockaddr *)&ss, sl) < 0 ||
		    listen(fd, 511) < 0) {
			buf_printf(err, "web_listen %s: cannot listen: %s",
			    cfg->web_listen.v[i], strerror(errno));
			close(fd);
			return (-1);
		}
		lfd[nlfd++] = fd;
	}
	return (0);
}

/*
 * workers - threads for each listener: one a core (a lookup is short
 * and mostly the store's), at least two so that one slow store call does
 * not stall the page, at most 16
 */
static int
workers(void)
{
	long	 n = sysconf(_SC_NPROCESSORS_ONLN);

	return (n < 2 ? 2 : n > 16 ? 16 : (int)n);
}

/*
 * run - as run_user: libmicrohttpd on each socket, then the signals here
 * until a stop; the outbox is not started: what the store queues (a web
 * report's acknowledgement, the console's feedback) the other daemons
 * deliver, jubao-milter on the mail host, jubao-sipd on the telephony one
 */
static int
run(struct runtime *rt)
{
	struct MHD_Daemon	*d[WEBD_LISTEN_MAX];
	sigset_t		 set;
	size_t			 i;
	int			 sig, n;

	webd_http_init();
	/* the files of reports a crash cut short (webd_http.c): never cases */
	if ((n = daemon_spool_clear(rt->cfg->spool_dir, ".web-")) > 0)
		log_info("removed %d file(s) of web reports never completed", n);
	for (i = 0; i < nlfd; i++)
		if ((d[i] = webd_http_start(lfd[i], rt->cfg, workers())) == NULL)
			log_fatal("cannot start libmicrohttpd on %s",
			    rt->cfg->web_listen.v[i]);
	log_info("started: listening on %s%s, %d worker(s) each, running as "
	    "uid %ld", rt->cfg->web_listen.v[0], nlfd > 1 ? " and more" : "",
	    workers(), (long)getuid());
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGHUP || sig == SIGUSR1) {
			daemon_reload();
			continue;
		}
		log_info("stopping (signal %d)", sig);
		break;
	}
	for (i = 0; i < nlfd; i++)
		webd_http_stop(d[i]);
	return (0);
}

static const struct outbox_transport *const transports[] = { NULL };

/* prepare - (root) the spool directory (a report's files), handed to run_user */
static void
prepare(const struct cfg *cfg, buf *err)
{
	privdrop_dir(cfg->run_user, cfg->spool_dir, 0750, err);
}

static const struct daemon webd_daemon = {
	WEBD_NAME, load, unload, prepare, listen_web, run, transports,
};

int
main(int argc, char **argv)
{
	return (daemon_main(argc, argv, &webd_daemon));
}
