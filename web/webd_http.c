/*
 * NAME
 *	webd_http - jubao-webd's HTTP side (GNU libmicrohttpd)
 * DESCRIPTION
 *	Every request is hostile until shown otherwise:
 *
 *	  routes	GET (HEAD) /, GET /static/style.css, POST /status,
 *			/rate, /complain; the console under /staff/
 *			(webd_staff.c); the zones, guide, typical cases and
 *			laws, POST /report and /supplement (webd_public.c,
 *			multipart/form-data: each file streamed to the
 *			spool, capped); any other path 404, any other
 *			method 405 with Allow, a target over WEBD_URL_MAX
 *			414; a query string is read only for "lang", so a
 *			PIN put in a URL is never looked up
 *	  bodies	POST only, application/x-www-form-urlencoded only
 *			(415), at most WEBD_BODY_MAX bytes (413 when the
 *			Content-Length says so, the connection closed when a
 *			chunked body goes past it), fields capped one by one
 *			as the post processor hands them over
 *	  limits	web_max_connections, web_timeout, the header memory
 *			(libmicrohttpd answers 431 past it), WEBD_PER_CLIENT
 *			connections from one address (a trusted proxy's
 *			are not counted: its clients are, by lookup_run)
 *	  client	the peer's address; from a peer in
 *			web_trusted_proxies, the last hop of X-Forwarded-For
 *			(what the proxy itself appended).  It is handed to
 *			lookup_run for its limits and never logged.
 *	  answers	every page with Cache-Control: no-store,
 *			Referrer-Policy: no-referrer, X-Frame-Options: DENY,
 *			a Content-Security-Policy that allows our own
 *			stylesheet and forms and nothing else
 *
 *	libmicrohttpd runs its own threads (epoll, a pool per listener); a
 *	worker handles a request start to end, with its own store handle.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>

#include "log.h"
#include "webd.h"

enum route { R_NONE, R_FORM, R_CSS, R_STATUS, R_RATE, R_COMPLAIN, R_STAFF,
	R_PUBLIC };

/* a request in progress (libmicrohttpd's req_cls) */
struct req {
	enum route		 route;
	struct runtime		*rt;		/* kept from the first call */
	struct MHD_PostProcessor *pp;
	char			*path;		/* the target, without the query */
	size_t			 body;		/* bytes of body so far */
	struct webd_form	 form;
	struct webd_fields	 kv;		/* the console's fields */
	struct webd_uploads	 up;		/* a report's files */
	size_t			 body_max;	/* this request's body cap */
	size_t			 spool;		/* its part of web_spool_max */
	char			 up_client[64];	/* counted in up_tab */
};

static const struct {
	const char	*path;
	enum route	 route;
	int		 post;		/* 1: POST; 0: GET and HEAD */
} routes[] = {
	{ "/",			R_FORM,		0 },
	{ "/static/style.css",	R_CSS,		0 },
	{ "/status",		R_STATUS,	1 },
	{ "/rate",		R_RATE,		1 },
	{ "/complain",		R_COMPLAIN,	1 },
};
#define NROUTES	(sizeof(routes) / sizeof(routes[0]))

/*
 * Connections per client address: a small chained hash, keyed with a
 * per-process random seed, holding only the addresses connected now.
 */
#define CC_BUCKETS	1024

struct cc {
	struct cc	*next;
	char		 addr[48];
	long		 n;
};

static pthread_mutex_t	 cc_lock = PTHREAD_MUTEX_INITIALIZER;
static struct cc	*cc_tab[CC_BUCKETS];	/* connections, by peer */
static struct cc	*up_tab[CC_BUCKETS];	/* reports with files being
						 * received, by client */
static uint64_t		 cc_seed;
static int		 cc_over;	/* the mark of a connection over its cap */

static long	cc_change(struct cc **, const char *, int);
static int	client_text(struct MHD_Connection *, const struct webd_site *,
		    char *, size_t);

/*
 * The bytes of reports with files being received now, against
 * web_spool_max: taken from the Content-Length when a report begins,
 * given back when it is over, whatever its end.
 */
static pthread_mutex_t	 spool_lock = PTHREAD_MUTEX_INITIALIZER;
static size_t		 spool_now;	/* bytes taken */
static long		 spool_refused;	/* refusals not yet logged */
static time_t		 spool_logged;	/* when they last were */

/*
 * spool_take - take n bytes of max for a report; 0 when that would pass
 * max and another report is being received (one alone always goes)
 */
static int
spool_take(size_t n, size_t max)
{
	time_t	 now = time(NULL);
	long	 refused = 0;
	int	 ok;

	pthread_mutex_lock(&spool_lock);
	ok = spool_now == 0 || (spool_now < max && n <= max - spool_now);
	if (ok)
		spool_now += n;
	else if (++spool_refused, now - spool_logged >= 60) {
		refused = spool_refused;
		spool_refused = 0;
		spool_logged = now;
	}
	pthread_mutex_unlock(&spool_lock);
	/* at most a line a minute, however many are refused */
	if (refused > 0)
		log_warnx("%ld report(s) refused with 503: web_spool_max (%zu "
		    "bytes) in use by reports being received", refused, max);
	return (ok);
}

/* spool_give - a request's bytes and its count for its client back */
static void
spool_give(struct req *rq)
{
	if (rq->spool > 0) {
		pthread_mutex_lock(&spool_lock);
		spool_now -= rq->spool < spool_now ? rq->spool : spool_now;
		pthread_mutex_unlock(&spool_lock);
		rq->spool = 0;
	}
	if (rq->up_client[0] != '\0') {
		(void)cc_change(up_tab, rq->up_client, -1);
		explicit_bzero(rq->up_client, sizeof(rq->up_client));
	}
}

/*
 * spool_admit - a report with files from the client of c: at most
 * WEBD_UPLOADS_AT_ONCE of one client's at once (a slow sender holds
 * its part of web_spool_max until web_timeout), then its bytes within
 * web_spool_max.  1, or 0 (answer 503).
 */
static int
spool_admit(struct MHD_Connection *c, const struct runtime *rt,
    struct req *rq, const char *cl)
{
	if (client_text(c, rt->own, rq->up_client, sizeof(rq->up_client)) < 0)
		snprintf(rq->up_client, sizeof(rq->up_client), "unknown");
	if (cc_change(up_tab, rq->up_client, 1) > WEBD_UPLOADS_AT_ONCE)
		return (0);
	rq->spool = cl != NULL ? (size_t)strtoull(cl, NULL, 10) :
	    rq->body_max;
	if (!spool_take(rq->spool, (size_t)rt->cfg->web_spool_max)) {
		rq->spool = 0;
		return (0);
	}
	return (1);
}

/* webd_http_init - once, before the listeners start */
void
webd_http_init(void)
{
	randombytes_buf(&cc_seed, sizeof(cc_seed));
}

/* cc_hash - FNV-1a over the address, from the random seed */
static size_t
cc_hash(const char *s)
{
	uint64_t	 h = 14695981039346656037ULL ^ cc_seed;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return ((size_t)(h % CC_BUCKETS));
}

/*
 * cc_change - count a connection (cc_tab) or a report (up_tab) from
 * addr in (d 1) or out (d -1); returns the count now.  An address whose
 * count falls to 0 is dropped.
 */
static long
cc_change(struct cc **tab, const char *addr, int d)
{
	struct cc	**pp, *c;
	long		 n;

	pthread_mutex_lock(&cc_lock);
	for (pp = &tab[cc_hash(addr)]; (c = *pp) != NULL; pp = &c->next)
		if (strcmp(c->addr, addr) == 0)
			break;
	if (c == NULL && d > 0) {
		c = xcalloc(1, sizeof(*c));
		snprintf(c->addr, sizeof(c->addr), "%s", addr);
		*pp = c;		/* at the end of its chain */
	}
	if (c == NULL) {
		pthread_mutex_unlock(&cc_lock);
		return (0);
	}
	n = c->n += d;
	if (n <= 0) {
		*pp = c->next;
		free(c);
	}
	pthread_mutex_unlock(&cc_lock);
	return (n);
}

/*
 * webd_addr_text - an address as text, an IPv4-mapped IPv6 address as
 * IPv4; 0 or -1
 */
int
webd_addr_text(const struct sockaddr *sa, char *out, size_t len)
{
	const struct sockaddr_in6	*s6 = (const struct sockaddr_in6 *)sa;

	if (sa->sa_family == AF_INET)
		return (inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->
		    sin_addr, out, (socklen_t)len) ? 0 : -1);
	if (sa->sa_family != AF_INET6)
		return (-1);
	if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
		return (inet_ntop(AF_INET, s6->sin6_addr.s6_addr + 12, out,
		    (socklen_t)len) ? 0 : -1);
	return (inet_ntop(AF_INET6, &s6->sin6_addr, out, (socklen_t)len) ?
	    0 : -1);
}

/* peer_text - the connection's peer address as text; 0 or -1 */
static int
peer_text(struct MHD_Connection *c, char *out, size_t len)
{
	const union MHD_ConnectionInfo	*ci;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || ci->client_addr == NULL)
		return (-1);
	return (webd_addr_text(ci->client_addr, out, len));
}

/* trusted - is addr one of the site's trusted proxies? */
static int
trusted(const char *addr)
{
	struct runtime	*rt = runtime_get();
	int		 yes;

	yes = strlist_has(&((struct webd_site *)rt->own)->proxies, addr);
	runtime_put(rt);
	return (yes);
}

/*
 * notify - a connection starts or ends: count it for its peer address
 * (trusted proxies aside); one over WEBD_PER_CLIENT is marked, and its
 * requests are answered 503 and the connection closed
 */
static void
notify(void *cls, struct MHD_Connection *c, void **socket_ctx,
    enum MHD_ConnectionNotificationCode code)
{
	char	 addr[48];

	(void)cls;
	if (peer_text(c, addr, sizeof(addr)) < 0 || trusted(addr))
		return;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		if (cc_change(cc_tab, addr, 1) > WEBD_PER_CLIENT)
			*socket_ctx = &cc_over;
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED)
		(void)cc_change(cc_tab, addr, -1);
}

/* over_cap - was this connection marked by notify? */
static int
over_cap(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo	*ci;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return (ci != NULL && ci->socket_context == &cc_over);
}

/*
 * client_text - who asks: the peer, or from a trusted proxy the last hop
 * of X-Forwarded-For when it is an address; 0 or -1
 */
static int
client_text(struct MHD_Connection *c, const struct webd_site *s, char *out,
    size_t len)
{
	struct sockaddr_storage	 ss;
	const char		*xff, *last;
	char			 hop[64];
	size_t			 n;

	if (peer_text(c, out, len) < 0)
		return (-1);
	if (!strlist_has(&s->proxies, out) || (xff = MHD_lookup_connection_value(
	    c, MHD_HEADER_KIND, "X-Forwarded-For")) == NULL)
		return (0);
	last = strrchr(xff, ',');
	last = last ? last + 1 : xff;
	last += strspn(last, " \t");
	n = strcspn(last, " \t");
	if (n == 0 || n >= sizeof(hop))
		return (0);
	memcpy(hop, last, n);
	hop[n] = '\0';
	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, hop, &((struct sockaddr_in *)&ss)->sin_addr) == 1)
		ss.ss_family = AF_INET;
	else if (inet_pton(AF_INET6, hop, &((struct sockaddr_in6 *)&ss)->
	    sin6_addr) == 1)
		ss.ss_family = AF_INET6;
	else
		return (0);		/* not an address: the proxy's own */
	return (webd_addr_text((struct sockaddr *)&ss, out, len));
}

/*
 * kv_add - a piece of a console field: a new field when off is 0, else
 * more of the last one; -1 past the caps (the request is refused)
 */
static int
kv_add(struct webd_fields *f, const char *key, const char *data, size_t size,
    uint64_t off)
{
	struct webd_kv	*k;

	if (off == 0) {
		if (f->n == WEBD_KV_MAX || strlen(key) >= WEBD_FIELD_MAX) {
			f->too_many = 1;
			return (0);
		}
		k = &f->v[f->n++];
		k->name = xstrdup(key);
		buf_adds(&k->value, "");
	} else if (f->n == 0 || f->too_many)
		return (0);
	k = &f->v[f->n - 1];
	if (k->value.len + size > (f->cap ? f->cap : WEBD_TEXT_MAX) ||
	    (f->total_cap && f->total + size > f->total_cap)) {
		f->too_long = 1;
		return (0);
	}
	buf_add(&k->value, data, size);
	f->total += size;
	return (0);
}

/* query_arg - libmicrohttpd's iterator over the query: each into the fields */
static enum MHD_Result
query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	(void)kind;
	if (value == NULL)
		value = "";
	(void)kv_add(cls, key, value, strlen(value), 0);
	return (MHD_YES);
}

/* webd_fields_get - the first value of a field, or NULL */
const char *
webd_fields_get(const struct webd_fields *f, const char *name)
{
	size_t	 i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->v[i].name, name) == 0)
			return (f->v[i].value.s);
	return (NULL);
}

/* webd_fields_free - release the fields (their values wiped: passwords) */
void
webd_fields_free(struct webd_fields *f)
{
	size_t	 i;

	for (i = 0; i < f->n; i++) {
		free(f->v[i].name);
		if (f->v[i].value.s != NULL)
			explicit_bzero(f->v[i].value.s, f->v[i].value.len);
		buf_free(&f->v[i].value);
	}
	f->n = 0;
}

/*
 * upload - a chunk of a file of a report (a multipart part with a file
 * name): a new file in spool_dir at offset 0, written as it comes.  Past
 * web_uploads_max files, or web_upload_max bytes in one, the request is
 * marked and what came is dropped (the page says why); the body keeps
 * being read, up to its cap, so that the sender gets the page.
 */
static enum MHD_Result
upload(struct req *rq, const char *key, const char *name, const char *type,
    const char *data, uint64_t off, size_t size)
{
	struct webd_uploads	*u = &rq->up;
	struct webd_upload	*f;
	const struct cfg	*cfg = rq->rt->cfg;
	ssize_t			 w;
	size_t			 done;

	if (u->too_many || u->too_big || u->failed)
		return (MHD_YES);
	if (off == 0) {
		if (*name == '\0' && size == 0)
			return (MHD_YES);	/* a file input left empty */
		if (u->n >= (size_t)cfg->web_uploads_max || u->n >= WEBD_UPLOADS) {
			u->too_many = 1;
			return (MHD_YES);
		}
		/* the file before is whole: one descriptor a request */
		if (u->n > 0 && u->v[u->n - 1].fd >= 0) {
			if (close(u->v[u->n - 1].fd) < 0)
				u->failed = 1;
			u->v[u->n - 1].fd = -1;
			if (u->failed)
				return (MHD_YES);
		}
		f = &u->v[u->n];
		memset(f, 0, sizeof(*f));
		snprintf(f->field, sizeof(f->field), "%s", key);
		f->name = xstrndup(name, 1024);
		f->type = xstrndup(type ? type : "", 200);
		f->path = xasprintf("%s/.web-XXXXXX", cfg->spool_dir);
		if ((f->fd = mkostemp(f->path, O_CLOEXEC)) < 0) {
			log_warn("spool %s", f->path);
			free(f->name);
			free(f->type);
			free(f->path);
			u->failed = 1;
			return (MHD_YES);
		}
		u->n++;
	} else if (u->n == 0)
		return (MHD_YES);
	f = &u->v[u->n - 1];
	if (f->size + size > (size_t)cfg->web_upload_max) {
		u->too_big = 1;
		return (MHD_YES);
	}
	for (done = 0; done < size; done += (size_t)w)
		if ((w = write(f->fd, data + done, size - done)) < 0) {
			if (errno == EINTR) {
				w = 0;
				continue;
			}
			log_warn("spool %s", f->path);
			u->failed = 1;
			return (MHD_YES);
		}
	f->size += size;
	return (MHD_YES);
}

/* uploads_free - the spooled files removed, the list emptied */
static void
uploads_free(struct webd_uploads *u)
{
	size_t	 i;

	for (i = 0; i < u->n; i++) {
		if (u->v[i].fd >= 0)
			close(u->v[i].fd);
		if (u->v[i].path != NULL)
			(void)unlink(u->v[i].path);
		free(u->v[i].path);
		free(u->v[i].name);
		free(u->v[i].type);
	}
	memset(u, 0, sizeof(*u));
}

/*
 * field - one chunk of a form field from the post processor: appended at
 * off, within the field's cap; an unknown field is ignored, a known one
 * sent twice marks the form
 */
static enum MHD_Result
field(void *cls, enum MHD_ValueKind kind, const char *key, const char *name,
    const char *type, const char *enc, const char *data, uint64_t off,
    size_t size)
{
	struct req		*rq = cls;
	struct webd_form	*f = &rq->form;
	char			*dst = NULL;
	size_t			 have;

	(void)kind; (void)enc;
	/* libmicrohttpd 0.9.75's multipart parser may hand a part's start
	 * twice, first without data when fewer than 4 bytes of it are in:
	 * a field begins with its first byte (an empty one is absent) */
	if (rq->route == R_PUBLIC && off == 0 && size == 0)
		return (MHD_YES);
	if (rq->route == R_PUBLIC && name != NULL)
		return (upload(rq, key, name, type, data, off, size));
	if (rq->route == R_STAFF || rq->route == R_PUBLIC)
		return (kv_add(&rq->kv, key, data, size, off) < 0 ? MHD_NO :
		    MHD_YES);
	(void)name; (void)type;
	if (strcmp(key, "text") == 0) {
		if (off == 0 && f->text.len > 0)
			f->repeated = 1;
		if (f->text.len + size > WEBD_TEXT_MAX)
			f->too_long = 1;
		else
			buf_add(&f->text, data, size);
		if (f->text.s == NULL)
			buf_adds(&f->text, "");
		return (MHD_YES);
	}
	if (strcmp(key, "case") == 0)
		dst = f->case_no;
	else if (strcmp(key, "pin") == 0)
		dst = f->pin;
	else if (strcmp(key, "lang") == 0)
		dst = f->lang;
	else if (strcmp(key, "rating") == 0)
		dst = f->rating;
	if (dst == NULL)
		return (MHD_YES);
	have = strlen(dst);
	if (off == 0 && have > 0)
		f->repeated = 1;
	if (have + size >= WEBD_FIELD_MAX) {
		f->too_long = 1;
		return (MHD_YES);
	}
	memcpy(dst + have, data, size);
	dst[have + size] = '\0';
	return (MHD_YES);
}

/*
 * headers - what every page says to the browser and the caches; a
 * console page that plays a recording may load media from us too
 */
static void
headers(struct MHD_Response *r, const char *type, int media, const char *csp)
{
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Content-Security-Policy", csp ? csp : media ?
	    "default-src 'none'; style-src 'self'; media-src 'self'; "
	    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'" :
	    "default-src 'none'; style-src 'self'; form-action 'self'; "
	    "frame-ancestors 'none'; base-uri 'none'");
}

/*
 * range - a Range header of one range, "bytes=A-B", "bytes=A-" or
 * "bytes=-N", against a file of len bytes: 1 with [*from, *to] (to
 * inclusive), 0 to answer the whole file (no header, or one we do not
 * serve in parts: several ranges, another unit), -1 when it cannot be
 * satisfied (416)
 */
static int
range(const char *h, size_t len, size_t *from, size_t *to)
{
	unsigned long long	 a, b;
	const char		*p;
	char			*end;

	if (h == NULL || strncmp(h, "bytes=", 6) != 0 || strchr(h, ',') != NULL)
		return (0);
	p = h + 6;
	if (*p == '-') {
		if (!isdigit((unsigned char)p[1]))
			return (0);
		b = strtoull(p + 1, &end, 10);
		if (*end != '\0')
			return (0);
		if (b == 0 || len == 0)
			return (-1);
		*from = b >= len ? 0 : len - (size_t)b;
		*to = len - 1;
		return (1);
	}
	if (!isdigit((unsigned char)*p))
		return (0);
	a = strtoull(p, &end, 10);
	if (*end != '-')
		return (0);
	p = end + 1;
	b = ULLONG_MAX;
	if (*p != '\0') {
		if (!isdigit((unsigned char)*p))
			return (0);
		b = strtoull(p, &end, 10);
		if (*end != '\0' || b < a)
			return (0);
	}
	if (a >= len)
		return (-1);
	*from = (size_t)a;
	*to = b >= len ? len - 1 : (size_t)b;
	return (1);
}

/*
 * file_response - a file's bytes, whole or the range asked for; a->data
 * is wiped and freed here.  NULL only when libmicrohttpd cannot make one.
 */
static struct MHD_Response *
file_response(struct webd_answer *a, const char *range_h)
{
	struct MHD_Response	*r;
	size_t			 from = 0, to = 0;
	char			 cr[96];
	int			 k;

	k = range(range_h, a->len, &from, &to);
	if (k < 0) {
		r = MHD_create_response_from_buffer(0, (void *)"",
		    MHD_RESPMEM_PERSISTENT);
		snprintf(cr, sizeof(cr), "bytes */%zu", a->len);
		a->status = 416;
	} else if (k > 0) {
		r = MHD_create_response_from_buffer(to - from + 1,
		    (char *)a->data + from, MHD_RESPMEM_MUST_COPY);
		snprintf(cr, sizeof(cr), "bytes %zu-%zu/%zu", from, to, a->len);
		a->status = 206;
	} else
		r = MHD_create_response_from_buffer(a->len, a->data,
		    MHD_RESPMEM_MUST_COPY);
	sodium_memzero(a->data, a->len);
	free(a->data);
	a->data = NULL;
	if (r == NULL)
		return (NULL);
	headers(r, a->type, 0, NULL);
	MHD_add_response_header(r, "Accept-Ranges", "bytes");
	if (k != 0)
		MHD_add_response_header(r, "Content-Range", cr);
	return (r);
}

/*
 * answer - queue a page (its HTML freed with the response), or a file
 * (in the range range_h asks for), with its cookies and redirect
 */
static enum MHD_Result
answer_range(struct MHD_Connection *c, struct webd_answer *a, int close_it,
    const char *range_h)
{
	struct MHD_Response	*r;
	enum MHD_Result		 rc;
	char			 n[24], *cd;
	size_t			 i;

	if (a->data != NULL) {
		free(a->html);
		a->html = NULL;
		r = file_response(a, range_h);
	} else {
		if (a->html == NULL)
			a->html = xstrdup("");
		r = MHD_create_response_from_buffer(strlen(a->html), a->html,
		    MHD_RESPMEM_MUST_FREE);
		if (r == NULL)
			free(a->html);
		else
			headers(r, "text/html; charset=utf-8", a->media, a->csp);
	}
	for (i = 0; i < 2; i++) {
		if (r != NULL && a->cookie[i] != NULL)
			MHD_add_response_header(r, "Set-Cookie", a->cookie[i]);
		free(a->cookie[i]);
	}
	if (r != NULL && a->location != NULL)
		MHD_add_response_header(r, "Location", a->location);
	free(a->location);
	if (r != NULL && a->filename != NULL) {
		/* the name is ours (case, item, an ASCII extension): still
		 * quoted, and the RFC 6266 form for what is not ASCII */
		cd = xasprintf("attachment; filename=\"%s\"", a->filename);
		MHD_add_response_header(r, "Content-Disposition", cd);
		free(cd);
	}
	free(a->filename);
	if (r == NULL)
		return (MHD_NO);
	if (a->allow != NULL)
		MHD_add_response_header(r, "Allow", a->allow);
	if (a->retry_after > 0) {
		snprintf(n, sizeof(n), "%ld", a->retry_after);
		MHD_add_response_header(r, "Retry-After", n);
	}
	if (close_it)
		MHD_add_response_header(r, "Connection", "close");
	rc = MHD_queue_response(c, a->status, r);
	MHD_destroy_response(r);
	return (rc);
}

/* answer - a page or a file, whole */
static enum MHD_Result
answer(struct MHD_Connection *c, struct webd_answer *a, int close_it)
{
	return (answer_range(c, a, close_it, NULL));
}

/* refuse - an error page, before or instead of the request's work */
static enum MHD_Result
refuse(struct MHD_Connection *c, const struct runtime *rt, enum webd_lang l,
    unsigned int status, const char *which, const char *allow)
{
	struct webd_answer	 a = { 0 };

	webd_page_error(rt, l, status, which, &a);
	a.allow = allow;
	return (answer(c, &a, status >= 413 || status == 400));
}

/* query_lang - the language a GET asks for (?lang=en), else zh-CN */
static enum webd_lang
query_lang(struct MHD_Connection *c)
{
	return (webd_lang(MHD_lookup_connection_value(c,
	    MHD_GET_ARGUMENT_KIND, "lang")));
}

/* early - webd_public_early for a report, from its headers; 1: answered in *a */
static int
early(struct MHD_Connection *c, const struct runtime *rt, enum webd_lang l,
    struct webd_answer *a)
{
	char	 client[64];
	int	 rc;

	if (client_text(c, rt->own, client, sizeof(client)) < 0)
		snprintf(client, sizeof(client), "unknown");
	rc = webd_public_early(rt, l, MHD_lookup_connection_value(c,
	    MHD_COOKIE_KIND, "jubao_form"), client, a);
	explicit_bzero(client, sizeof(client));
	return (rc);
}

/*
 * start - the first call for a request: route, method, target and body
 * checked before any of the body is read.  MHD_YES with *rq set to go
 * on (*done 0), or what refuse returned (*done 1: answered, and the
 * connection closed, its body unread).
 */
static enum MHD_Result
start(struct MHD_Connection *c, const char *url, const char *method,
    struct req **rq, int *done)
{
	struct runtime	*rt = runtime_get();
	struct webd_answer a = { 0 };
	const char	*ct, *cl;
	enum webd_lang	 l = query_lang(c);
	enum MHD_Result	 rc;
	size_t		 i;
	int		 get, post, files = 0;

	*done = 1;
	get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
	post = strcmp(method, "POST") == 0;
	if (over_cap(c)) {
		rc = refuse(c, rt, l, 503, WE_503, NULL);
		goto out;
	}
	if (strlen(url) > WEBD_URL_MAX) {
		rc = refuse(c, rt, l, 414, WE_414, NULL);
		goto out;
	}
	if (strcmp(url, "/staff") == 0 || strncmp(url, "/staff/", 7) == 0) {
		/* the console routes its own paths and methods */
		if (!get && !post) {
			rc = refuse(c, rt, l, 405, WE_405, "GET, HEAD, POST");
			goto out;
		}
		*rq = xcalloc(1, sizeof(**rq));
		(*rq)->route = R_STAFF;
	} else if (webd_public_path(url, -1)) {
		if (!webd_public_path(url, post)) {
			rc = refuse(c, rt, l, 405, WE_405, webd_public_path(url,
			    1) ? "POST" : "GET, HEAD");
			goto out;
		}
		*rq = xcalloc(1, sizeof(**rq));
		(*rq)->route = R_PUBLIC;
		(*rq)->kv.cap = WEBD_REPORT_TEXT;
		(*rq)->kv.total_cap = WEBD_PUBLIC_FIELDS;
		/* a report without the form's cookie, or from a client past
		 * its limit, is answered before its body (and files) is read */
		if (post && strcmp(url, "/report") == 0 && early(c, rt, l, &a)) {
			rc = answer(c, &a, 1);
			goto out;
		}
	} else {
		for (i = 0; i < NROUTES; i++)
			if (strcmp(url, routes[i].path) == 0)
				break;
		if (i == NROUTES) {
			rc = refuse(c, rt, l, 404, WE_404, NULL);
			goto out;
		}
		if (routes[i].post ? !post : !get) {
			rc = refuse(c, rt, l, 405, WE_405, routes[i].post ?
			    "POST" : "GET, HEAD");
			goto out;
		}
		*rq = xcalloc(1, sizeof(**rq));
		(*rq)->route = routes[i].route;
	}
	(*rq)->rt = rt;
	*done = 0;
	/* a GET is answered at the next call: libmicrohttpd 0.9.75 closes
	 * the connection after a response queued at the first */
	if (!post)
		return (MHD_YES);
	ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	(*rq)->body_max = WEBD_BODY_MAX;
	if ((*rq)->route == R_PUBLIC && ct != NULL && strncasecmp(ct,
	    "multipart/form-data", 19) == 0 && (ct[19] == ';' ||
	    ct[19] == '\0')) {
		/* a report's files, each streamed to the spool, and its text */
		(*rq)->body_max = (size_t)(rt->cfg->web_uploads_max + 1) *
		    (size_t)rt->cfg->web_upload_max + 1024 * 1024;
		files = 1;
	} else if (ct == NULL || strncasecmp(ct,
	    "application/x-www-form-urlencoded", 33) != 0 || (ct[33] != '\0' &&
	    ct[33] != ';')) {
		rc = refuse(c, rt, l, 415, WE_415, NULL);
		goto out;
	}
	if ((*rq)->route == R_PUBLIC && (*rq)->body_max == WEBD_BODY_MAX)
		(*rq)->body_max = 2 * WEBD_REPORT_TEXT;
	cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
	if (cl != NULL && (strspn(cl, "0123456789") != strlen(cl) ||
	    strlen(cl) > 12 || strtoull(cl, NULL, 10) > (*rq)->body_max)) {
		rc = refuse(c, rt, l, 413, WE_413, NULL);
		goto out;
	}
	/* files go to the spool: within web_spool_max, or come back later */
	if (files && !spool_admit(c, rt, *rq, cl)) {
		webd_page_error(rt, l, 503, WE_503, &a);
		a.retry_after = 30;
		rc = answer(c, &a, 1);
		goto out;
	}
	if (((*rq)->pp = MHD_create_post_processor(c, 16 * 1024, field,
	    *rq)) == NULL) {
		rc = refuse(c, rt, l, 400, WE_400, NULL);
		goto out;
	}
	return (MHD_YES);
out:
	/* answered (and to be closed): nothing of the request is kept */
	if (*rq != NULL) {
		spool_give(*rq);
		free(*rq);
		*rq = NULL;
	}
	*done = 1;
	runtime_put(rt);
	return (rc);
}

/* https - came through a trusted proxy that says the client used TLS */
static int
https(struct MHD_Connection *c, const struct webd_site *s)
{
	const char	*proto = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
			    "X-Forwarded-Proto");
	char		 peer[64];

	return (proto != NULL && strcasecmp(proto, "https") == 0 &&
	    peer_text(c, peer, sizeof(peer)) == 0 &&
	    strlist_has(&s->proxies, peer));
}

/*
 * staff - a console request: its fields (the query of a GET, the form of
 * a POST), cookies and Range handed to webd_staff
 */
static enum MHD_Result
staff(struct MHD_Connection *c, struct req *rq, const char *client)
{
	struct webd_site	*s = rq->rt->own;
	struct webd_request	 r;
	struct webd_answer	 a = { 0 };
	enum MHD_Result		 rc;

	memset(&r, 0, sizeof(r));
	if (rq->pp == NULL)
		(void)MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND,
		    query_arg, &rq->kv);
	if (rq->kv.too_many || rq->kv.too_long) {
		rc = refuse(c, rq->rt, WL_ZH, 413, WE_413, NULL);
		return (rc);
	}
	r.path = rq->path;
	r.post = rq->pp != NULL;
	r.f = &rq->kv;
	r.session = MHD_lookup_connection_value(c, MHD_COOKIE_KIND,
	    "jubao_staff");
	r.pre = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "jubao_pre");
	r.lang = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "jubao_lang");
	r.range = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Range");
	r.client = client;
	r.https = https(c, s);
	webd_staff(rq->rt, &r, &a);
	return (answer_range(c, &a, 0, r.range));
}

/*
 * public - a request for the zones, the guide, typical cases, laws, a
 * report or a supplement: its fields, files and cookies handed to
 * webd_public
 */
static enum MHD_Result
public(struct MHD_Connection *c, struct req *rq, const char *client)
{
	struct webd_request	 r;
	struct webd_answer	 a = { 0 };
	size_t			 i;

	memset(&r, 0, sizeof(r));
	if (rq->pp == NULL)
		(void)MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND,
		    query_arg, &rq->kv);
	if (rq->kv.too_many)
		return (refuse(c, rq->rt, WL_ZH, 413, WE_413, NULL));
	for (i = 0; i < rq->up.n; i++)
		if (rq->up.v[i].fd >= 0 && close(rq->up.v[i].fd) < 0)
			rq->up.failed = 1;
		else
			rq->up.v[i].fd = -1;
	r.path = rq->path;
	r.post = rq->pp != NULL;
	r.f = &rq->kv;
	r.lang = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "jubao_lang");
	r.form_cookie = MHD_lookup_connection_value(c, MHD_COOKIE_KIND,
	    "jubao_form");
	r.client = client;
	r.up = &rq->up;
	r.https = https(c, rq->rt->own);
	webd_public(rq->rt, &r, &a);
	return (answer_range(c, &a, 0, NULL));
}

/* finish - the whole body is in: the page for the request */
static enum MHD_Result
finish(struct MHD_Connection *c, struct req *rq)
{
	struct webd_site	*s = rq->rt->own;
	struct webd_answer	 a = { 0 };
	char			 client[64];

	if (rq->route == R_CSS)
		return (MHD_queue_response(c, MHD_HTTP_OK, s->css_resp));
	if (rq->route == R_FORM) {
		webd_page_form(rq->rt, query_lang(c), 0, &a);
		return (answer(c, &a, 0));
	}
	if (client_text(c, s, client, sizeof(client)) < 0)
		snprintf(client, sizeof(client), "unknown");
	if (rq->route == R_STAFF)
		return (staff(c, rq, client));
	if (rq->route == R_PUBLIC)
		return (public(c, rq, client));
	if (rq->form.text.s == NULL)
		buf_adds(&rq->form.text, "");
	if (rq->form.repeated || (rq->form.too_long &&
	    rq->route != R_COMPLAIN))
		return (refuse(c, rq->rt, webd_lang(rq->form.lang), 400, WE_400,
		    NULL));
	switch (rq->route) {
	case R_STATUS:
		webd_page_status(rq->rt, &rq->form, client, &a);
		break;
	case R_RATE:
		webd_page_rate(rq->rt, &rq->form, client, &a);
		break;
	default:
		webd_page_complain(rq->rt, &rq->form, client, &a);
		break;
	}
	explicit_bzero(client, sizeof(client));
	return (answer(c, &a, 0));
}

/*
 * handler - libmicrohttpd's access handler: called once when the
 * headers are in, then with each piece of the body, then once more
 */
static enum MHD_Result
handler(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *data,
    size_t *size, void **req_cls)
{
	struct req	*rq = *req_cls;
	int		 done;
	enum MHD_Result	 rc;

	(void)cls; (void)version;
	if (rq == NULL) {
		rc = start(c, url, method, &rq, &done);
		if (!done) {
			*req_cls = rq;
			rq->path = xstrdup(url);
		}
		return (rc);
	}
	if (*size > 0) {
		rq->body += *size;
		/* a chunked body past the cap: hang up (a response cannot be
		 * queued in the middle of a body); a GET's body is ignored */
		if (rq->body > rq->body_max || (rq->pp != NULL &&
		    MHD_post_process(rq->pp, data, *size) == MHD_NO))
			return (MHD_NO);
		*size = 0;
		return (MHD_YES);
	}
	return (finish(c, rq));
}

/* completed - a request is over, answered or not: its state freed */
static void
completed(void *cls, struct MHD_Connection *c, void **req_cls,
    enum MHD_RequestTerminationCode code)
{
	struct req	*rq = *req_cls;

	(void)cls; (void)c; (void)code;
	if (rq == NULL)
		return;
	if (rq->pp != NULL)
		MHD_destroy_post_processor(rq->pp);
	explicit_bzero(rq->form.pin, sizeof(rq->form.pin));
	if (rq->form.text.s != NULL)
		explicit_bzero(rq->form.text.s, rq->form.text.len);
	buf_free(&rq->form.text);
	webd_fields_free(&rq->kv);
	uploads_free(&rq->up);
	spool_give(rq);
	free(rq->path);
	runtime_put(rq->rt);
	free(rq);
	*req_cls = NULL;
}

/*
 * mhd_log - libmicrohttpd's own messages, shown with -v only: none names
 * a client, but none is needed to run it either
 */
static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char	 line[512];

	(void)cls;
	if (!log_verbose())
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	log_debug("libmicrohttpd: %s", line);
}

/*
 * webd_http_start - libmicrohttpd on the listening socket fd, with
 * threads workers (epoll); the daemon, or NULL
 */
struct MHD_Daemon *
webd_http_start(int fd, const struct cfg *cfg, int threads)
{
	return (MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0, NULL, NULL, handler, NULL,
	    MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)threads,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)cfg->web_max_connections,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)cfg->web_timeout,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32 * 1024),
	    MHD_OPTION_NOTIFY_CONNECTION, notify, NULL,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_END));
}

/* webd_http_stop - close the listener and every connection, join */
void
webd_http_stop(struct MHD_Daemon *d)
{
	if (d != NULL)
		MHD_stop_daemon(d);
}
