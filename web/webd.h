/*
 * NAME
 *	webd - jubao-webd's own declarations: the site, requests, pages
 * DESCRIPTION
 *	jubao-webd serves the reporters' status page over HTTP (GNU
 *	libmicrohttpd) behind the site's TLS reverse proxy:
 *
 *	webd_main.c	the daemon skeleton's callbacks: the site (templates,
 *			stylesheet, the feedback's templates, trusted
 *			proxies; the lookup's answer is the runtime's),
 *			loaded and checked with the configuration, the
 *			listening sockets (opened as root), libmicrohttpd's
 *			threads, signals
 *	webd_http.c	the HTTP side: routes, methods and caps, the form
 *			body (libmicrohttpd's post processor, bounded), the
 *			client address (X-Forwarded-For from a trusted proxy
 *			only), connections per client, the response headers
 *	webd_page.c	the pages: a lookup, a rating, a complaint, each
 *			through lookup_run and the workflow; HTML from the
 *			templates, every value escaped on the way in
 *
 *	A struct webd_site is the program's part of a runtime (rt->own):
 *	immutable once loaded; a request keeps the runtime it started with.
 */
#ifndef JUBAO_WEBD_H
#define JUBAO_WEBD_H

#include <sys/socket.h>
#include <microhttpd.h>

#include "daemon.h"
#include "feedback.h"
#include "lookup.h"
#include "util.h"

#define WEBD_NAME	"jubao-webd"
#define WEBD_LISTEN_MAX	8		/* web_listen addresses */
#define WEBD_URL_MAX	256		/* a longer request target: 414 */
#define WEBD_BODY_MAX	(24 * 1024)	/* a form body: 2000 CJK characters
					 * percent-encoded take 18 KB */
#define WEBD_TEXT_CHARS	2000		/* a complaint, in code points */
#define WEBD_TEXT_MAX	(WEBD_TEXT_CHARS * 4)	/* ... in bytes at most */
#define WEBD_FIELD_MAX	64		/* case number, PIN, lang, rating */
#define WEBD_PER_CLIENT	16		/* connections from one address
					 * (trusted proxies: no cap) */
#define WEBD_UPLOADS_AT_ONCE 2		/* reports with files from one
					 * client being received at once */
#define WEBD_TMPL_MAX	(64 * 1024)	/* a template or the stylesheet */

enum webd_lang { WL_ZH, WL_EN, WL_N };

/* the templates: template_dir/LANG/web-NAME.html */
enum webd_tmpl { WT_PAGE, WT_FORM, WT_STATUS, WT_DONE, WT_ERROR, WT_LAWS,
	WT_N };

struct webd_site {
	char			*tmpl[WL_N][WT_N];
	char			*css;		/* template_dir/web-style.css */
	size_t			 css_len;
	struct MHD_Response	*css_resp;	/* shared by every request */
	struct feedback_ctx	 fb;		/* what a complaint may queue */
	int			 fb_ok;
	strlist			 proxies;	/* web_trusted_proxies, normalised */
};

/* a request's form fields, as the post processor hands them over */
struct webd_form {
	char	 case_no[WEBD_FIELD_MAX];
	char	 pin[WEBD_FIELD_MAX];
	char	 lang[WEBD_FIELD_MAX];
	char	 rating[WEBD_FIELD_MAX];
	buf	 text;			/* the complaint, capped */
	int	 too_long;		/* a field over its cap */
	int	 repeated;		/* a field sent twice */
};

/*
 * The console's requests (webd_staff.c): the query's or the form's fields
 * by name, as many as WEBD_KV_MAX, each at most WEBD_TEXT_MAX bytes; a
 * name may come more than once (the cases of a bulk action, measures)
 */
#define WEBD_KV_MAX	128
struct webd_kv {
	char	*name;
	buf	 value;
};

struct webd_fields {
	struct webd_kv	 v[WEBD_KV_MAX];
	size_t		 n;
	size_t		 cap;		/* bytes a value; 0: WEBD_TEXT_MAX */
	size_t		 total;		/* bytes of all values */
	size_t		 total_cap;	/* ... at most; 0: no cap but n's */
	int		 too_many;	/* a field past WEBD_KV_MAX */
	int		 too_long;	/* a value past the cap */
};

/*
 * The files of a report or a supplement (multipart/form-data), each
 * written to spool_dir as it arrives, never held in memory; at most
 * web_uploads_max of them, each at most web_upload_max bytes.  What the
 * sender says of a file (its name, its type) is kept as sent, to be made
 * safe by whoever shows it.
 */
#define WEBD_UPLOADS	16		/* the most web_uploads_max may be */
#define WEBD_REPORT_TEXT (20000 * 4)	/* a report's field: 20000 characters */
#define WEBD_PUBLIC_FIELDS (2 * WEBD_REPORT_TEXT + 64 * 1024) /* all of them */
struct webd_upload {
	char	 field[WEBD_FIELD_MAX];	/* licence, authorisation, evidence */
	char	*name;			/* as sent */
	char	*type;			/* as sent */
	char	*path;			/* the spooled file (unlinked at the end) */
	int	 fd;
	size_t	 size;
};

struct webd_uploads {
	struct webd_upload v[WEBD_UPLOADS];
	size_t		 n;
	int		 too_many;	/* past web_uploads_max */
	int		 too_big;	/* a file past web_upload_max */
	int		 failed;	/* the spool could not be written */
};

struct webd_request {
	const char		*path;		/* the target without the query */
	int			 post;		/* POST; else GET or HEAD */
	const struct webd_fields *f;		/* the form (POST) or the query */
	const char		*session;	/* the session cookie, or NULL */
	const char		*pre;		/* the login form's cookie */
	const char		*lang;		/* the language cookie, or NULL */
	const char		*range;		/* the Range header, or NULL */
	const char		*client;	/* never logged */
	int			 https;		/* through a TLS proxy */
	const char		*form_cookie;	/* the report form's token */
	struct webd_uploads	*up;		/* a report's files, or NULL */
};

/* what a page handler answers: the status and the HTML (owned) */
struct webd_answer {
	unsigned int	 status;
	char		*html;
	const char	*allow;		/* 405: the methods allowed */
	long		 retry_after;	/* 429: seconds; 0 none */
	char		*cookie[2];	/* Set-Cookie lines (owned) */
	char		*location;	/* a 303's Location (owned) */
	/* a file instead of a page: data (owned, wiped when freed), its
	 * type and download name; answered in ranges when asked */
	void		*data;
	size_t		 len;
	const char	*type;
	char		*filename;	/* owned; NULL: shown inline */
	int		 media;		/* a page that plays audio: media-src */
	const char	*csp;		/* another Content-Security-Policy */
};

/* the pages' names for the error template's sections */
#define WE_400	"e400"
#define WE_404	"e404"
#define WE_405	"e405"
#define WE_413	"e413"
#define WE_414	"e414"
#define WE_415	"e415"
#define WE_503	"e503"

/* webd_public.c: the reporting zones, the guide, typical cases, laws */
void	 webd_public(const struct runtime *, const struct webd_request *,
	    struct webd_answer *);
int	 webd_public_path(const char *path, int post);
int	 webd_public_early(const struct runtime *, enum webd_lang,
	    const char *cookie, const char *client, struct webd_answer *);

/* webd_staff.c: the call centre's console under /staff/ */
void	 webd_staff(const struct runtime *, const struct webd_request *,
	    struct webd_answer *);
const char *webd_fields_get(const struct webd_fields *, const char *name);
void	 webd_fields_free(struct webd_fields *);

/* webd_main.c */
int	 webd_addr_parse(const char *, struct sockaddr_storage *, socklen_t *,
	    buf *err);

/* webd_http.c */
struct MHD_Daemon *webd_http_start(int fd, const struct cfg *, int threads);
void	 webd_http_stop(struct MHD_Daemon *);
void	 webd_http_init(void);
int	 webd_addr_text(const struct sockaddr *, char *, size_t);

/* webd_page.c */
int	 webd_site_check(struct webd_site *, buf *err);
enum webd_lang webd_lang(const char *);
void	 webd_page_form(const struct runtime *, enum webd_lang, int missing,
	    struct webd_answer *);
void	 webd_page_error(const struct runtime *, enum webd_lang,
	    unsigned int status, const char *which, struct webd_answer *);
void	 webd_page_status(const struct runtime *, struct webd_form *,
	    const char *client, struct webd_answer *);
void	 webd_page_rate(const struct runtime *, struct webd_form *,
	    const char *client, struct webd_answer *);
long	 webd_utf8_chars(const unsigned char *, size_t);
void	 webd_page_complain(const struct runtime *, struct webd_form *,
	    const char *client, struct webd_answer *);
void	 webd_page_public(const struct runtime *, enum webd_lang,
	    unsigned int status, const char *heading, const char *switch_href,
	    const char *content, struct webd_answer *);
void	 webd_size_text(long, char *, size_t);
void	 webd_page_laws(const struct runtime *, enum webd_lang,
	    struct webd_answer *);
int	 webd_page_found(const struct runtime *, struct webd_form *,
	    const char *client, time_t now, struct lookup_result *,
	    struct store **, struct webd_answer *);

/* webd_typical.c: the published typical cases, a <section> onto out */
int	 webd_typical_html(struct store *, const struct runtime *,
	    enum webd_lang, buf *out);

#endif
