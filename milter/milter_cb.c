/*
 * NAME
 *	milter_cb - jubao-milter's libmilter callbacks
 * DESCRIPTION
 *	Mail with no reporting-mailbox recipient is accepted at DATA and
 *	never seen again.  A report is spooled as it arrives, and at
 *	end-of-message parsed, checked (SPF) and committed with its
 *	acknowledgement in one store transaction; only then is it accepted,
 *	with X-Jubao-Case and Authentication-Results added.  Every failure
 *	before the commit answers tempfail (451 4.3.0) and is logged with the
 *	queue ID: Postfix keeps the mail and the client retries, so no report
 *	is lost.  Log lines carry queue IDs and case numbers, never addresses.
 *
 *	Contexts (OpenDKIM's model): a connection context, and inside it a
 *	message context; msg_cleanup is called from eom, abort and close
 *	(close may come without connect).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include <gmime/gmime.h>

#include "ack.h"
#include "feedback.h"
#include "intake.h"
#include "log.h"
#include "milter.h"
#include "milter_mime.h"
#include "milter_spf.h"

struct msg_ctx {
	char		*m_env_from;	/* envelope sender without <> */
	int		 m_auth;	/* the client authenticated (SMTP AUTH) */
	int		 m_report;	/* spool it: a report, or a bounce */
	int		 m_mailbox;	/* a recipient is a reporting mailbox */
	char		 m_bounce[CASENO_MAX];	/* a bounce of this case's feedback (VERP) */
	char		 m_bounce_nonce[17];	/* ... of this message of it */
	char		*m_spool;	/* spool file path */
	FILE		*m_fp;		/* spool file */
	int		 m_spool_errno;	/* first write error */
	size_t		 m_size;	/* bytes spooled */
	int		 m_too_big;
	struct mscan	 m_scan;	/* hashes and bounds, as it is spooled */
	strlist		 m_hnames;	/* header names seen (lower case, hashed) */
	int		*m_hcount;	/* how many of each, for removal indexes */
	struct {
		char	*name;
		int	 idx;
	}		*m_del;		/* headers to remove at eom */
	size_t		 m_ndel, m_delcap;
};

struct conn_ctx {
	struct runtime	*c_rt;		/* the configuration of this connection */
	char		*c_addr;	/* client address, text */
	char		*c_helo;
	unsigned long	 c_nr;		/* SMFIP_NR_* flags negotiated */
	struct msg_ctx	*c_msg;
};

static sfsistat	tempfail(SMFICTX *, struct conn_ctx *, const char *);

#define NR(cc, flag)	((cc)->c_nr & (flag) ? SMFIS_NOREPLY : SMFIS_CONTINUE)

/* qid - the Postfix queue ID for log lines */
static const char *
qid(SMFICTX *ctx)
{
	const char	*q = smfi_getsymval(ctx, "i");

	return (q && *q ? q : "NOQUEUE");
}

/* intake_init - what the intake pipeline borrows of a runtime */
static void
intake_init(struct intake_ctx *x, const struct runtime *rt)
{
	x->cfg = rt->cfg;
	x->cats = rt->cats;
	x->ack = &rt->ack;
	x->look = &rt->look;
	x->actor = "jubao-milter";
}

/* conn_get - the connection context, created on first use */
static struct conn_ctx *
conn_get(SMFICTX *ctx)
{
	struct conn_ctx	*cc = smfi_getpriv(ctx);

	if (cc == NULL) {
		cc = xcalloc(1, sizeof(*cc));
		cc->c_rt = runtime_get();
		smfi_setpriv(ctx, cc);
	}
	return (cc);
}

/*
 * The spool files are kept for the next report instead of being made and
 * removed for each: a new file costs ext4 an inode allocation, which was
 * the milter's largest kernel cost (tests/bench/RESULTS.md).  A file is
 * emptied when it is given back; what a crash leaves is removed at start
 * (clear_spool).
 */
#define SPOOL_KEEP	32

static pthread_mutex_t	 spool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct spool {
	char	*path;
	FILE	*fp;
}			 spool_free[SPOOL_KEEP];
static int		 spool_nfree;

/*
 * spool_take - an empty spool file in dir, kept or new: 0 with its path
 * and stream, or -1 (errno set)
 */
static int
spool_take(const char *dir, char **path, FILE **fp)
{
	int	 fd;

	pthread_mutex_lock(&spool_lock);
	if (spool_nfree > 0) {
		spool_nfree--;
		*path = spool_free[spool_nfree].path;
		*fp = spool_free[spool_nfree].fp;
		pthread_mutex_unlock(&spool_lock);
		return (0);
	}
	pthread_mutex_unlock(&spool_lock);
	*path = xasprintf("%s/jubao.XXXXXX", dir);
	if ((fd = mkostemp(*path, O_CLOEXEC)) < 0 ||
	    (*fp = fdopen(fd, "w")) == NULL) {
		if (fd >= 0) {
			close(fd);
			unlink(*path);
		}
		free(*path);
		*path = NULL;
		return (-1);
	}
	return (0);
}

/*
 * spool_give - a spool file done with: emptied at once (what a reporter
 * wrote does not stay on disk in the clear) and kept for the next report,
 * or removed
 */
static void
spool_give(char *path, FILE *fp)
{
	int	 kept = 0;

	if (fp != NULL) {
		__fpurge(fp);	/* what is still buffered is not written */
		if (ftruncate(fileno(fp), 0) == 0 &&
		    fseeko(fp, 0, SEEK_SET) == 0) {
			pthread_mutex_lock(&spool_lock);
			if ((kept = spool_nfree < SPOOL_KEEP)) {
				spool_free[spool_nfree].path = path;
				spool_free[spool_nfree++].fp = fp;
			}
			pthread_mutex_unlock(&spool_lock);
		}
	}
	if (kept)
		return;
	if (fp != NULL)
		fclose(fp);
	unlink(path);
	free(path);
}

/* msg_cleanup - drop the message context and give its spool file back */
static void
msg_cleanup(struct conn_ctx *cc)
{
	struct msg_ctx	*m;
	size_t		 i;

	if (cc == NULL || (m = cc->c_msg) == NULL)
		return;
	if (m->m_spool != NULL)
		spool_give(m->m_spool, m->m_fp);
	else if (m->m_fp != NULL)
		fclose(m->m_fp);
	free(m->m_env_from);
	strlist_free(&m->m_hnames);
	free(m->m_hcount);
	mscan_free(&m->m_scan);
	for (i = 0; i < m->m_ndel; i++)
		free(m->m_del[i].name);
	free(m->m_del);
	free(m);
	cc->c_msg = NULL;
}

/* cb_negotiate - ask only for what a reporting-mailbox filter needs */
static sfsistat
cb_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
    unsigned long f2, unsigned long f3, unsigned long *pf0,
    unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	struct conn_ctx	*cc = conn_get(ctx);
	unsigned long	 want = SMFIP_NR_CONN | SMFIP_NR_HELO | SMFIP_NR_MAIL |
			    SMFIP_NR_RCPT | SMFIP_NR_HDR | SMFIP_NR_EOH |
			    SMFIP_NR_BODY | SMFIP_NOUNKNOWN;

	(void)f2;
	(void)f3;
	if ((f0 & (SMFIF_ADDHDRS | SMFIF_CHGHDRS)) !=
	    (SMFIF_ADDHDRS | SMFIF_CHGHDRS)) {
		log_error("the MTA does not offer header changes: check "
		    "milter_protocol (6 is needed)");
		return (SMFIS_REJECT);
	}
	*pf0 = SMFIF_ADDHDRS | SMFIF_CHGHDRS;
	cc->c_nr = f1 & want & ~SMFIP_NOUNKNOWN;
	*pf1 = f1 & want;
	*pf2 = 0;
	*pf3 = 0;
	return (SMFIS_CONTINUE);
}

/* cb_connect - remember the client address (for SPF) */
static sfsistat
cb_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *sa)
{
	struct conn_ctx	*cc = conn_get(ctx);
	char		 a[INET6_ADDRSTRLEN] = "";

	(void)host;
	free(cc->c_addr);
	cc->c_addr = NULL;
	if (sa != NULL && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)sa)->sin_addr, a,
		    sizeof(a));
	else if (sa != NULL && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)sa)->sin6_addr, a,
		    sizeof(a));
	if (*a)
		cc->c_addr = xstrdup(a);
	return (NR(cc, SMFIP_NR_CONN));
}

/* cb_helo - remember the HELO name */
static sfsistat
cb_helo(SMFICTX *ctx, char *helo)
{
	struct conn_ctx	*cc = conn_get(ctx);

	free(cc->c_helo);
	cc->c_helo = helo ? xstrdup(helo) : NULL;
	return (NR(cc, SMFIP_NR_HELO));
}

/* strip_angle - "<a@b>" into "a@b" (a new string) */
static char *
strip_angle(const char *s)
{
	size_t	 len = strlen(s);

	if (len >= 2 && s[0] == '<' && s[len - 1] == '>')
		return (xstrndup(s + 1, len - 2));
	return (xstrdup(s));
}

/* cb_envfrom - a new message */
static sfsistat
cb_envfrom(SMFICTX *ctx, char **argv)
{
	struct conn_ctx	*cc = conn_get(ctx);

	const char	*auth = smfi_getsymval(ctx, "{auth_authen}");

	msg_cleanup(cc);
	cc->c_msg = xcalloc(1, sizeof(*cc->c_msg));
	cc->c_msg->m_env_from = strip_angle(argv[0] ? argv[0] : "");
	/* Postfix sends {auth_authen} with MAIL FROM (milter_mail_macros) */
	cc->c_msg->m_auth = auth != NULL && *auth != '\0';
	return (NR(cc, SMFIP_NR_MAIL));
}

/* cb_envrcpt - is this a reporting mailbox */
static sfsistat
cb_envrcpt(SMFICTX *ctx, char **argv)
{
	struct conn_ctx	*cc = conn_get(ctx);

	if (cc->c_msg != NULL && argv[0] != NULL &&
	    cfg_is_report_mailbox(cc->c_rt->cfg, argv[0]))
		cc->c_msg->m_report = cc->c_msg->m_mailbox = 1;
	else if (cc->c_msg != NULL && argv[0] != NULL &&
	    feedback_bounce_case(cc->c_rt->cfg, argv[0], cc->c_msg->m_bounce,
	    sizeof(cc->c_msg->m_bounce), cc->c_msg->m_bounce_nonce,
	    sizeof(cc->c_msg->m_bounce_nonce)) == 0)
		cc->c_msg->m_report = 1;	/* spooled like a report */
	return (NR(cc, SMFIP_NR_RCPT));
}

/* cb_data - step aside for ordinary mail; open the spool for a report */
static sfsistat
cb_data(SMFICTX *ctx)
{
	struct conn_ctx	*cc = conn_get(ctx);
	struct msg_ctx	*m = cc->c_msg;

	if (m == NULL || !m->m_report) {
		log_debug("%s: no reporting mailbox among the recipients: "
		    "accepted at DATA", qid(ctx));
		return (SMFIS_ACCEPT);
	}
	log_debug("%s: a report: spooling", qid(ctx));
	if (spool_take(cc->c_rt->cfg->spool_dir, &m->m_spool, &m->m_fp) < 0) {
		char	 why[512];

		snprintf(why, sizeof(why), "cannot create a spool file in %s: %s",
		    cc->c_rt->cfg->spool_dir, strerror(errno));
		return (tempfail(ctx, cc, why));
	}
	mscan_init(&m->m_scan, cc->c_rt->cfg->report_part_limit,
	    cc->c_rt->cfg->report_header_limit);
	return (SMFIS_CONTINUE);
}

/* spool_write - append to the spool, remembering the first error */
static void
spool_write(struct msg_ctx *m, const void *p, size_t len, long max)
{
	if (m->m_fp == NULL || m->m_spool_errno || m->m_too_big)
		return;
	if (m->m_size + len > (size_t)max) {
		m->m_too_big = 1;
		return;
	}
	if (fwrite(p, 1, len, m->m_fp) != len)
		m->m_spool_errno = errno ? errno : EIO;
	m->m_size += len;
	mscan_feed(&m->m_scan, p, len);
}

/*
 * count_header - how many of this header so far (1-based for chgheader);
 * a hashed lookup: a message of 100,000 distinct header names costs no
 * more for the last than for the first
 */
static int
count_header(struct msg_ctx *m, const char *name)
{
	char	*lower = str_lower_ascii(xstrdup(name));
	long	 i = strlist_find(&m->m_hnames, lower);

	if (i < 0) {
		i = (long)m->m_hnames.n;
		strlist_add(&m->m_hnames, lower);
		if ((m->m_hnames.n & (m->m_hnames.n - 1)) == 0 || i == 0)
			m->m_hcount = xrealloc(m->m_hcount,
			    2 * m->m_hnames.n * sizeof(*m->m_hcount));
		m->m_hcount[i] = 0;
	}
	free(lower);
	return (++m->m_hcount[i]);
}

/* mark_delete - remember a header to remove at end of message */
static void
mark_delete(struct msg_ctx *m, const char *name, int idx)
{
	if (m->m_ndel == m->m_delcap) {
		m->m_delcap = m->m_delcap ? 2 * m->m_delcap : 8;
		m->m_del = xrealloc(m->m_del, m->m_delcap * sizeof(*m->m_del));
	}
	m->m_del[m->m_ndel].name = xstrdup(name);
	m->m_del[m->m_ndel].idx = idx;
	m->m_ndel++;
}

/* skip_cfws - past folding white space and (nested) comments, RFC 5322 §3.2.2 */
static const char *
skip_cfws(const char *v)
{
	int	 depth = 0;

	for (; *v; v++) {
		if (*v == '(')
			depth++;
		else if (*v == ')' && depth > 0)
			depth--;
		else if (*v == '\\' && depth > 0 && v[1])
			v++;
		else if (depth == 0 && *v != ' ' && *v != '\t' && *v != '\r' &&
		    *v != '\n')
			break;
	}
	return (v);
}

/* cb_header - spool a header; note the ones we must remove */
static sfsistat
cb_header(SMFICTX *ctx, char *name, char *value)
{
	struct conn_ctx	*cc = conn_get(ctx);
	struct msg_ctx	*m = cc->c_msg;
	long		 max = cc->c_rt->cfg->max_message_size;
	int		 idx;
	size_t		 len;

	if (m == NULL || m->m_fp == NULL)
		return (NR(cc, SMFIP_NR_HDR));
	idx = count_header(m, name);
	/* the sender may not speak for us: drop its X-Jubao-* headers, and
	 * any Authentication-Results claiming our authserv-id (RFC 8601 §5) */
	len = strlen(cc->c_rt->cfg->authserv_id);
	if (strncasecmp(name, "X-Jubao-", 8) == 0)
		mark_delete(m, name, idx);
	else if (strcasecmp(name, "Authentication-Results") == 0) {
		const char *v = skip_cfws(value);

		if (strncasecmp(v, cc->c_rt->cfg->authserv_id, len) == 0 &&
		    (v[len] == ';' || v[len] == ' ' || v[len] == '\0'))
			mark_delete(m, name, idx);
	}
	spool_write(m, name, strlen(name), max);
	spool_write(m, ": ", 2, max);
	spool_write(m, value, strlen(value), max);
	spool_write(m, "\r\n", 2, max);
	return (NR(cc, SMFIP_NR_HDR));
}

/* cb_eoh - the blank line after the headers */
static sfsistat
cb_eoh(SMFICTX *ctx)
{
	struct conn_ctx	*cc = conn_get(ctx);

	if (cc->c_msg != NULL)
		spool_write(cc->c_msg, "\r\n", 2, cc->c_rt->cfg->max_message_size);
	return (NR(cc, SMFIP_NR_EOH));
}

/* cb_body - spool a body chunk (up to 64 KiB each) */
static sfsistat
cb_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	struct conn_ctx	*cc = conn_get(ctx);

	if (cc->c_msg != NULL)
		spool_write(cc->c_msg, chunk, len, cc->c_rt->cfg->max_message_size);
	return (NR(cc, SMFIP_NR_BODY));
}

/* tempfail - log why and answer 451 4.3.0 */
static sfsistat
tempfail(SMFICTX *ctx, struct conn_ctx *cc, const char *why)
{
	log_error("%s: report not committed, tempfail: %s", qid(ctx), why);
	smfi_setreply(ctx, "451", "4.3.0", "Report intake temporarily "
	    "unavailable, please try again later");
	msg_cleanup(cc);
	return (SMFIS_TEMPFAIL);
}

/*
 * bounce - mail to the signed VERP address of one feedback message.  A
 * delivery status report of a failure for a message we sent marks that
 * message failed on its case; anything else to that address (a delay
 * notice, an auto-reply, a report naming a message we never sent) is
 * logged and discarded: nobody reads that mailbox, and nothing in it may
 * change a case unless it is a real failure report (issue "Hostile
 * senders", finding 6).
 */
static sfsistat
bounce(SMFICTX *ctx, struct conn_ctx *cc)
{
	struct msg_ctx		*m = cc->c_msg;
	const struct cfg	*cfg = cc->c_rt->cfg;
	struct intake_ctx	 x;
	struct store		*st = NULL;
	buf			 err = { 0 };
	char			*diag = NULL, *mid, why[1024];
	int			 rc, found = 0;

	if (m->m_spool_errno || m->m_fp == NULL || fflush(m->m_fp) != 0)
		return (tempfail(ctx, cc, "spool write failed"));
	mscan_finish(&m->m_scan);
	if ((rc = mime_dsn(m->m_spool, &m->m_scan, &diag)) < 0)
		return (tempfail(ctx, cc, "cannot read the spooled bounce"));
	if (rc == 0 || *m->m_env_from != '\0') {
		log_info("%s: mail to the bounce address of case %s that is not "
		    "a delivery failure report from the null sender: discarded",
		    qid(ctx), m->m_bounce);
		free(diag);
		msg_cleanup(cc);
		return (SMFIS_DISCARD);
	}
	mid = ack_message_id(cfg, m->m_bounce, "feedback", m->m_bounce_nonce);
	buf_adds(&err, "");
	intake_init(&x, cc->c_rt);
	if ((st = daemon_store(cfg, &err)) == NULL ||
	    intake_bounce(&x, st, m->m_bounce, mid, diag, &found) < 0) {
		snprintf(why, sizeof(why), "bounce of case %s: %s", m->m_bounce,
		    st ? store_error(st) : err.s);
		daemon_store_failed(st);
		free(diag);
		free(mid);
		buf_free(&err);
		return (tempfail(ctx, cc, why));
	}
	if (found)
		log_info("%s: case %s: the outcome feedback bounced (%s): "
		    "recorded, bounce discarded", qid(ctx), m->m_bounce, diag);
	else
		log_info("%s: case %s: a failure report for a feedback message "
		    "that was not sent: discarded", qid(ctx), m->m_bounce);
	free(diag);
	free(mid);
	buf_free(&err);
	msg_cleanup(cc);
	return (SMFIS_DISCARD);
}

/* cb_eom - parse, check, commit (the intake pipeline); only then accept */
static sfsistat
cb_eom(SMFICTX *ctx)
{
	struct conn_ctx		*cc = conn_get(ctx);
	struct msg_ctx		*m = cc->c_msg;
	const struct cfg	*cfg = cc->c_rt->cfg;
	struct mime_opts	 o;
	struct intake_ctx	 x;
	struct intake_result	 res;
	struct report		*r = NULL;
	struct store		*st;
	buf			 err = { 0 };
	char			*ar, why[1024];
	size_t			 i;
	sfsistat		 rc;

	if (m == NULL || !m->m_report)
		return (SMFIS_ACCEPT);
	/* RFC 3464: a bounce comes from the null sender; a report that also
	 * went to a VERP address is a report */
	if (m->m_bounce[0] != '\0' && !m->m_mailbox && !m->m_too_big)
		return (bounce(ctx, cc));
	if (m->m_too_big) {
		log_warnx("%s: report larger than max_message_size (%ld): "
		    "rejected", qid(ctx), cfg->max_message_size);
		smfi_setreply(ctx, "552", "5.3.4", "Message too big for the "
		    "reporting mailbox");
		msg_cleanup(cc);
		return (SMFIS_REJECT);
	}
	if (m->m_spool_errno || m->m_fp == NULL || fflush(m->m_fp) != 0) {
		snprintf(why, sizeof(why), "spool %s: %s", m->m_spool ?
		    m->m_spool : cfg->spool_dir, strerror(m->m_spool_errno ?
		    m->m_spool_errno : errno));
		return (tempfail(ctx, cc, why));
	}
	/* a sender that makes us remove more headers than a header block
	 * may hold is not sending a report (each removal is a round trip,
	 * and a search of the header list in Postfix's cleanup) */
	if (m->m_ndel > (size_t)cfg->report_header_limit) {
		log_warnx("%s: %zu X-Jubao-* or Authentication-Results headers "
		    "to remove: rejected", qid(ctx), m->m_ndel);
		smfi_setreply(ctx, "554", "5.6.0", "Too many X-Jubao or "
		    "Authentication-Results headers");
		msg_cleanup(cc);
		return (SMFIS_REJECT);
	}
	mscan_finish(&m->m_scan);
	r = report_new("email");
	r->queue_id = xstrdup(qid(ctx));
	r->env_from = xstrdup(m->m_env_from);
	r->client_addr = cc->c_addr ? xstrdup(cc->c_addr) : NULL;
	o.evidence_dir = cfg->evidence_dir;
	o.cfg = cfg;
	o.scan = &m->m_scan;
	buf_adds(&err, "");
	/* the evidence it seals is ours to remove until intake_email takes
	 * it: a tempfail leaves no file that no case names */
	if (mime_parse_file(m->m_spool, &o, r, &err) < 0) {
		snprintf(why, sizeof(why), "%s", err.s);
		goto drop;
	}
	free(r->spf);
	r->spf = spf_check(cc->c_addr, cc->c_helo, m->m_env_from, &r->spf_domain);
	/* what the report says may go back only to a sender SPF or SMTP
	 * AUTH vouched for (ack_render) */
	r->authenticated = strcmp(r->spf, "pass") == 0 || m->m_auth;

	err.len = 0;
	intake_init(&x, cc->c_rt);
	if ((st = daemon_store(cfg, &err)) == NULL) {
		snprintf(why, sizeof(why), "%s", err.s);
		goto drop;
	}
	if (intake_email(&x, st, r, &res) < 0) {
		snprintf(why, sizeof(why), "store: %s", store_error(st));
		daemon_store_failed(st);
		goto fail;
	}
	if (res.queued)
		daemon_kick();
	/* a status query is answered, not kept: it holds a PIN, and the
	 * mailbox has nothing to do with it */
	if (res.query) {
		if (*res.no_answer)
			log_info("%s: status query not answered (%s): "
			    "discarded", r->queue_id, res.no_answer);
		else
			log_info("%s: status query answered (answer %s): "
			    "discarded", r->queue_id, res.ack_status);
		report_free(r);
		buf_free(&err);
		msg_cleanup(cc);
		return (SMFIS_DISCARD);
	}
	for (i = 0; i < r->notes.n; i++)
		log_warnx("%s: %s", r->queue_id, r->notes.v[i]);

	/* committed: from here a failure still tempfails, and the retry
	 * finds the same case by Message-ID and content hash */
	for (i = 0; i < m->m_ndel; i++)
		if (smfi_chgheader(ctx, m->m_del[i].name, m->m_del[i].idx,
		    NULL) != MI_SUCCESS) {
			snprintf(why, sizeof(why), "cannot remove header %s "
			    "(case %s is committed)", m->m_del[i].name, res.case_no);
			goto fail;
		}
	ar = xasprintf("%s; spf=%s smtp.mailfrom=%s", cfg->authserv_id, r->spf,
	    r->spf_domain ? r->spf_domain : "unknown");
	rc = smfi_insheader(ctx, 0, "Authentication-Results", ar) == MI_SUCCESS &&
	    smfi_addheader(ctx, "X-Jubao-Case", res.case_no) == MI_SUCCESS ?
	    SMFIS_CONTINUE : SMFIS_TEMPFAIL;
	free(ar);
	if (rc != SMFIS_CONTINUE) {
		snprintf(why, sizeof(why), "cannot add headers (case %s is "
		    "committed)", res.case_no);
		goto fail;
	}
	if (res.rated)
		log_info("%s: case %s rated %d of 5 by its reporter", r->queue_id,
		    res.case_no, res.rated);
	else
		log_info("%s: case %s %s: category %s, %zu evidence item(s), "
		    "spf %s, acknowledgement %s", r->queue_id, res.case_no,
		    res.duplicate ? "already committed (retry)" : res.supplement ?
		    "supplemented" : "opened", r->category, r->nev, r->spf,
		    res.duplicate ? "unchanged" : res.ack_status);
	report_free(r);
	buf_free(&err);
	msg_cleanup(cc);
	return (SMFIS_CONTINUE);
drop:
	intake_drop_files(cfg->evidence_dir, r);
fail:
	report_free(r);
	buf_free(&err);
	return (tempfail(ctx, cc, why));
}

/* cb_abort - the message is gone (RSET, or the client left) */
static sfsistat
cb_abort(SMFICTX *ctx)
{
	msg_cleanup(smfi_getpriv(ctx));
	return (SMFIS_CONTINUE);
}

/* cb_close - the connection is gone; may come without connect */
static sfsistat
cb_close(SMFICTX *ctx)
{
	struct conn_ctx	*cc = smfi_getpriv(ctx);

	if (cc == NULL)
		return (SMFIS_CONTINUE);
	msg_cleanup(cc);
	runtime_put(cc->c_rt);
	free(cc->c_addr);
	free(cc->c_helo);
	free(cc);
	smfi_setpriv(ctx, NULL);
	return (SMFIS_CONTINUE);
}

struct smfiDesc milter_desc = {
	"jubao-milter",
	SMFI_VERSION,
	SMFIF_ADDHDRS | SMFIF_CHGHDRS,
	cb_connect,
	cb_helo,
	cb_envfrom,
	cb_envrcpt,
	cb_header,
	cb_eoh,
	cb_body,
	cb_eom,
	cb_abort,
	cb_close,
	NULL,		/* unknown */
	cb_data,
	cb_negotiate,
};
