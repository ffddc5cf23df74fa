/*
 * NAME
 *	cfg - jubao.conf: one table of parameters, defaults and bounds
 * DESCRIPTION
 *	cfg_table[] is the only place a parameter is defined.  The sample
 *	conf/jubao.conf and jubao.conf(5) are checked against it by the tests
 *	(tests/unit/t_unit.c and tests/t-conf.sh).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cfg.h"
#include "conffile.h"
#include "db.h"
#include "log.h"

enum cfg_type { CFG_STR, CFG_INT, CFG_TIME, CFG_SIZE, CFG_LIST, CFG_ENUM };

struct cfg_param {
	const char	*name;
	enum cfg_type	 type;
	size_t		 off;
	const char	*def;
	long		 min, max;	/* CFG_INT, CFG_TIME, CFG_SIZE */
	const char	*choices;	/* CFG_ENUM: "a|b|c" */
};

#define S(f)	CFG_STR, offsetof(struct cfg, f)
#define I(f)	CFG_INT, offsetof(struct cfg, f)
#define T(f)	CFG_TIME, offsetof(struct cfg, f)
#define Z(f)	CFG_SIZE, offsetof(struct cfg, f)
#define L(f)	CFG_LIST, offsetof(struct cfg, f)
#define E(f)	CFG_ENUM, offsetof(struct cfg, f)

static const struct cfg_param cfg_table[] = {
	/* name			type			default		min	max	choices */
	{ "store_engine",	E(store_engine),	"sqlite",	0,	0,	"sqlite|postgresql" },
	{ "store_path",		S(store_path),		"/var/lib/jubao/jubao.db", 0, 0, NULL },
	{ "store_conninfo",	S(store_conninfo),	"",		0,	0,	NULL },
	{ "key_file",		S(key_file),		"/etc/jubao/jubao.key", 0, 0, NULL },
	{ "store_busy_timeout",	T(store_busy_timeout),	"5s",		1,	600,	NULL },
	{ "evidence_dir",	S(evidence_dir),	"/var/lib/jubao/evidence", 0, 0, NULL },
	{ "spool_dir",		S(spool_dir),		"/var/spool/jubao", 0, 0, NULL },
	{ "milter_socket",	S(milter_socket),	"unix:/run/jubao/milter.sock", 0, 0, NULL },
	{ "report_mailboxes",	L(report_mailboxes),	"",		0,	0,	NULL },
	{ "max_message_size",	Z(max_message_size),	"50m",		65536,	1L << 30, NULL },
	{ "milter_timeout",	T(milter_timeout),	"300s",		10,	3600,	NULL },
	{ "authserv_id",	S(authserv_id),		"",		0,	0,	NULL },
	/* caps on what a report holds; past them, the original keeps it */
	{ "report_part_limit",	I(report_part_limit),	"1000",		10,	1000000, NULL },
	{ "report_header_limit", I(report_header_limit), "500",		50,	100000,	NULL },
	{ "report_evidence_limit", I(report_evidence_limit), "200",	1,	100000,	NULL },
	{ "report_url_limit",	I(report_url_limit),	"500",		1,	1000000, NULL },
	{ "report_account_limit", I(report_account_limit), "500",	1,	1000000, NULL },
	{ "report_phone_limit",	I(report_phone_limit),	"50",		1,	100000,	NULL },
	{ "categories_file",	S(categories_file),	"/etc/jubao/categories.conf", 0, 0, NULL },
	{ "template_dir",	S(template_dir),	"/etc/jubao/templates", 0, 0, NULL },
	{ "language",		E(language),		"zh-CN",	0,	0,	"zh-CN|en" },
	{ "site_name",		S(site_name),		"本站",		0,	0,	NULL },
	{ "ack_from",		S(ack_from),		"jubao@localhost", 0,	0,	NULL },
	{ "ack_from_name",	S(ack_from_name),	"举报受理中心",	0,	0,	NULL },
	{ "ack_daily_limit",	I(ack_daily_limit),	"5",		0,	10000,	NULL },
	/* 工作规范 第十八条: flood reports (灌水举报); 0 is no cap */
	{ "flood_reporter_hour", I(flood_reporter_hour), "10",		0,	100000,	NULL },
	{ "flood_reporter_day",	I(flood_reporter_day),	"30",		0,	100000,	NULL },
	{ "flood_client_hour",	I(flood_client_hour),	"0",		0,	100000,	NULL },
	{ "flood_client_day",	I(flood_client_day),	"0",		0,	100000,	NULL },
	{ "message_id_domain",	S(message_id_domain),	"",		0,	0,	NULL },
	{ "delivery_method",	E(delivery_method),	"sendmail",	0,	0,	"sendmail|smtp" },
	{ "sendmail_path",	S(sendmail_path),	"/usr/sbin/sendmail", 0, 0,	NULL },
	{ "smtp_relay",		S(smtp_relay),		"127.0.0.1:25",	0,	0,	NULL },
	{ "outbox_interval",	T(outbox_interval),	"30s",		1,	3600,	NULL },
	{ "outbox_lease",	T(outbox_lease),	"300s",		10,	86400,	NULL },
	{ "outbox_backoff_min",	T(outbox_backoff_min),	"60s",		1,	86400,	NULL },
	{ "outbox_backoff_max",	T(outbox_backoff_max),	"1h",		1,	604800,	NULL },
	{ "outbox_max_age",	T(outbox_max_age),	"5d",		60,	2592000, NULL },
	{ "log_facility",	E(log_facility),	"mail",		0,	0,
	    "mail|daemon|user|local0|local1|local2|local3|local4|local5|local6|local7" },
	{ "run_user",		S(run_user),		"jubao",	0,	0,	NULL },
	{ "handlers_mailbox",	S(handlers_mailbox),	"",		0,	0,	NULL },
	{ "bounce_address",	S(bounce_address),	"",		0,	0,	NULL },
	/* 工作规范 第二十八条: keep all data at least six months */
	{ "retention",		T(retention),		"180d",		180L * 86400, 3650L * 86400, NULL },
	{ "digest_expiry_window", T(digest_expiry_window), "3d",	3600,	30L * 86400, NULL },
	{ "sip_listen",		L(sip_listen),		"sip:0.0.0.0:5060", 0,	0,	NULL },
	{ "sip_hotline_users",	L(sip_hotline_users),	"12377",	0,	0,	NULL },
	{ "sip_max_calls",	I(sip_max_calls),	"60",		1,	10000,	NULL },
	/* a spoofed UDP INVITE is answered but never ACKed (finding 11) */
	{ "sip_max_unconfirmed", I(sip_max_unconfirmed), "10",		1,	10000,	NULL },
	{ "sip_ack_timeout",	T(sip_ack_timeout),	"4s",		1,	32,	NULL },
	{ "sip_invite_rate",	I(sip_invite_rate),	"60",		0,	100000,	NULL },
	{ "sip_max_call_length", T(sip_max_call_length), "15m",		60,	86400,	NULL },
	{ "sip_rtp_address",	S(sip_rtp_address),	"",		0,	0,	NULL },
	{ "sip_rtp_port_min",	I(sip_rtp_port_min),	"20000",	1024,	65534,	NULL },
	{ "sip_rtp_port_max",	I(sip_rtp_port_max),	"30000",	1025,	65535,	NULL },
	{ "sip_rtp_sources",	L(sip_rtp_sources),	"",		0,	0,	NULL },
	{ "sip_record_max",	T(sip_record_max),	"5m",		10,	3600,	NULL },
	{ "sip_record_min",	T(sip_record_min),	"2s",		0,	60,	NULL },
	{ "sip_silence_timeout", T(sip_silence_timeout), "10s",		1,	300,	NULL },
	{ "sip_menu_timeout",	T(sip_menu_timeout),	"8s",		1,	120,	NULL },
	{ "sip_recordings_dir",	S(sip_recordings_dir),	"/var/spool/jubao/recordings", 0, 0, NULL },
	{ "sip_prompt_dir",	S(sip_prompt_dir),	"/etc/jubao/prompts/zh", 0, 0,	NULL },
	{ "sip_trusted_peers",	L(sip_trusted_peers),	"",		0,	0,	NULL },
	{ "sip_scanner_agents",	L(sip_scanner_agents),	"friendly-scanner, sipcli, sipvicious, sip-scan, sipsak, VaxSIPUserAgent, pplsip, iWar, sundayddr", 0, 0, NULL },
	{ "sip_sms_gateway",	S(sip_sms_gateway),	"",		0,	0,	NULL },
	{ "sip_staff_mailbox",	S(sip_staff_mailbox),	"",		0,	0,	NULL },
	{ "sip_register_registrar", S(sip_register_registrar), "",	0,	0,	NULL },
	{ "sip_register_user",	S(sip_register_user),	"",		0,	0,	NULL },
	{ "sip_register_password", S(sip_register_password), "",	0,	0,	NULL },
	{ "sip_register_expires", T(sip_register_expires), "1h",	60,	86400,	NULL },
	{ "sip_query_key",	E(sip_query_key),	"0",		0,	0,	"0|*" },
	{ "lookup_case_failures", I(lookup_case_failures), "5",		1,	100,	NULL },
	{ "lookup_lock",	T(lookup_lock),		"1h",		60,	86400,	NULL },
	{ "lookup_source_failures", I(lookup_source_failures), "10",	1,	10000,	NULL },
	{ "lookup_source_limit", I(lookup_source_limit), "60",		0,	1000000, NULL },
	{ "web_listen",		L(web_listen),		"127.0.0.1:8025", 0,	0,	NULL },
	{ "web_public_url",	S(web_public_url),	"",		0,	0,	NULL },
	{ "web_stats_url",	S(web_stats_url),	"",		0,	0,	NULL },
	{ "web_trusted_proxies", L(web_trusted_proxies), "127.0.0.1, ::1", 0,	0,	NULL },
	{ "web_max_connections", I(web_max_connections), "256",	1,	100000,	NULL },
	{ "web_timeout",	T(web_timeout),		"30s",		1,	3600,	NULL },
	{ "login_failures",	I(login_failures),	"5",		1,	100,	NULL },
	{ "login_lock",		T(login_lock),		"15m",		60,	86400,	NULL },
	{ "web_session_idle",	T(web_session_idle),	"30m",		60,	86400,	NULL },
	{ "web_session_max",	T(web_session_max),	"12h",		300,	604800,	NULL },
	{ "web_cookie_secure",	E(web_cookie_secure),	"auto",		0,	0,	"auto|yes|no" },
	/* 工作规范 第二十六、二十七条: a removal takes a second person */
	{ "removal_review",	E(removal_review),	"yes",		0,	0,	"yes|no" },
	/* the online reporting zones: uploads and the limits of the form */
	{ "web_upload_max",	Z(web_upload_max),	"10m",		1024,	1L << 30, NULL },
	{ "web_uploads_max",	I(web_uploads_max),	"5",		0,	16,	NULL },
	{ "web_spool_max",	Z(web_spool_max),	"1g",		1L << 20, 1L << 40, NULL },
	{ "web_report_limit",	I(web_report_limit),	"20",		0,	100000,	NULL },
	{ "web_flood_hour",	I(web_flood_hour),	"5",		0,	100000,	NULL },
	{ "web_zone_hour",	I(web_zone_hour),	"200",		0,	1000000, NULL },
};
#define NPARAM	(sizeof(cfg_table) / sizeof(cfg_table[0]))

#define FIELD(c, p, t)	((t *)((char *)(c) + (p)->off))

/* parse_number - a number with an optional unit suffix; -1 on error */
static int
parse_number(const struct cfg_param *p, const char *v, long *out)
{
	char		*end;
	long long	 n, mul = 1;

	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || end == v || n < 0)
		return (-1);
	if (p->type == CFG_TIME) {
		switch (*end) {
		case '\0': case 's': mul = 1; break;
		case 'm': mul = 60; break;
		case 'h': mul = 3600; break;
		case 'd': mul = 86400; break;
		case 'w': mul = 604800; break;
		default: return (-1);
		}
	} else if (p->type == CFG_SIZE) {
		switch (*end) {
		case '\0': mul = 1; break;
		case 'k': case 'K': mul = 1024; break;
		case 'm': case 'M': mul = 1024 * 1024; break;
		case 'g': case 'G': mul = 1024 * 1024 * 1024; break;
		default: return (-1);
		}
	}
	if (*end != '\0' && end[1] != '\0')
		return (-1);
	if (p->type == CFG_INT && *end != '\0')
		return (-1);
	if (n > LONG_MAX / mul)
		return (-1);
	*out = (long)(n * mul);
	return (0);
}

/* set_param - store one value; 0 or -1 with a message in err */
static int
set_param(struct cfg *c, const struct cfg_param *p, const char *v,
    const char *path, int line, buf *err)
{
	long	 n;
	char	*copy, *tok, *save;

	switch (p->type) {
	case CFG_STR:
		free(*FIELD(c, p, char *));
		*FIELD(c, p, char *) = xstrdup(v);
		return (0);
	case CFG_ENUM: {
		const char	*s = p->choices;
		size_t		 len = strlen(v);

		while (s && *s) {
			size_t l = strcspn(s, "|");

			if (l == len && strncasecmp(s, v, l) == 0) {
				free(*FIELD(c, p, char *));
				*FIELD(c, p, char *) = xstrndup(s, l);
				return (0);
			}
			s += l + (s[l] == '|');
		}
		conffile_error(err, path, line, "%s: '%s' is not one of %s",
		    p->name, v, p->choices);
		return (-1);
	}
	case CFG_INT:
	case CFG_TIME:
	case CFG_SIZE:
		if (parse_number(p, v, &n) < 0) {
			conffile_error(err, path, line, "%s: bad %s '%s'",
			    p->name, p->type == CFG_TIME ? "time (use s, m, h, d, w)" :
			    p->type == CFG_SIZE ? "size (use k, m, g)" : "number", v);
			return (-1);
		}
		if (n < p->min || n > p->max) {
			conffile_error(err, path, line,
			    "%s: %s is out of bounds (%ld..%ld)", p->name, v,
			    p->min, p->max);
			return (-1);
		}
		*FIELD(c, p, long) = n;
		return (0);
	case CFG_LIST:
		strlist_free(FIELD(c, p, strlist));
		copy = xstrdup(v);
		for (tok = strtok_r(copy, ", \t", &save); tok != NULL;
		    tok = strtok_r(NULL, ", \t", &save))
			strlist_add(FIELD(c, p, strlist), tok);
		free(copy);
		return (0);
	}
	return (-1);
}

/* cfg_defaults - a snapshot holding every default */
struct cfg *
cfg_defaults(void)
{
	struct cfg	*c = xcalloc(1, sizeof(*c));
	buf		 err = { 0 };
	size_t		 i;

	for (i = 0; i < NPARAM; i++)
		if (set_param(c, &cfg_table[i], cfg_table[i].def, "(default)",
		    0, &err) < 0)
			log_panic("default of %s: %s", cfg_table[i].name, err.s);
	c->path = xstrdup("(defaults)");
	c->refs = 1;
	buf_free(&err);
	return (c);
}

struct load_ctx {
	struct cfg	*c;
	const char	*path;
};

/* load_entry - conffile callback for one "key = value" */
static int
load_entry(void *arg, const char *section, const char *key, const char *value,
    int line, buf *err)
{
	struct load_ctx	*lc = arg;
	size_t		 i;

	if (section != NULL) {
		if (key == NULL)
			conffile_error(err, lc->path, line,
			    "sections are not used in this file ('[%s]')",
			    section);
		return (-1);
	}
	for (i = 0; i < NPARAM; i++)
		if (strcmp(cfg_table[i].name, key) == 0)
			break;
	if (i == NPARAM) {
		conffile_error(err, lc->path, line, "unknown parameter '%s'", key);
		return (-1);
	}
	/* set again: the last value wins, as in Postfix's main.cf */
	return (set_param(lc->c, &cfg_table[i], value, lc->path, line, err));
}

/* cfg_load - read a file over the defaults; NULL with messages in err */
struct cfg *
cfg_load(const char *path, buf *err)
{
	struct load_ctx	 lc = { 0 };
	size_t		 before = err->len;
	char		 host[256];
	buf		 msg = { 0 };

	lc.c = cfg_defaults();
	lc.path = path;
	free(lc.c->path);
	lc.c->path = xstrdup(path);
	if (conffile_read(path, load_entry, &lc, err) < 0 || err->len > before) {
		cfg_unref(lc.c);
		return (NULL);
	}
	if (db_where_check(lc.c->store_engine, cfg_store_where(lc.c), &msg) < 0) {
		conffile_error(err, path, 0, "%s", msg.s);
		buf_free(&msg);
		cfg_unref(lc.c);
		return (NULL);
	}
	if (lc.c->outbox_backoff_min > lc.c->outbox_backoff_max) {
		conffile_error(err, path, 0,
		    "outbox_backoff_min is larger than outbox_backoff_max");
		cfg_unref(lc.c);
		return (NULL);
	}
	if (*lc.c->authserv_id == '\0' || *lc.c->message_id_domain == '\0') {
		if (gethostname(host, sizeof(host)) < 0)
			snprintf(host, sizeof(host), "localhost");
		host[sizeof(host) - 1] = '\0';
		if (*lc.c->authserv_id == '\0') {
			free(lc.c->authserv_id);
			lc.c->authserv_id = xstrdup(host);
		}
		if (*lc.c->message_id_domain == '\0') {
			free(lc.c->message_id_domain);
			lc.c->message_id_domain = xstrdup(host);
		}
	}
	return (lc.c);
}

/*
 * cfg_store_where - where the store is for its engine: store_conninfo for
 * PostgreSQL, store_path for SQLite
 */
const char *
cfg_store_where(const struct cfg *c)
{
	return (strcmp(c->store_engine, "postgresql") == 0 ?
	    c->store_conninfo : c->store_path);
}

/*
 * cfg_store_name - the store as a log line may name it (a path; a
 * database's host and name, never a password); caller frees
 */
char *
cfg_store_name(const struct cfg *c)
{
	buf	 b = { 0 };

	db_describe(c->store_engine, cfg_store_where(c), &b);
	return (b.s ? b.s : xstrdup(""));
}

/* cfg_check_program - what a given program needs beyond syntax */
int
cfg_check_program(const struct cfg *c, const char *prog, buf *err)
{
	size_t	 i;
	int	 rc = 0;

	if (strcmp(prog, "jubao-milter") == 0) {
		if (c->report_mailboxes.n == 0) {
			conffile_error(err, c->path, 0,
			    "report_mailboxes: no reporting mailbox configured");
			rc = -1;
		}
		for (i = 0; i < c->report_mailboxes.n; i++)
			if (strchr(c->report_mailboxes.v[i], '@') == NULL) {
				conffile_error(err, c->path, 0,
				    "report_mailboxes: '%s' is not an address",
				    c->report_mailboxes.v[i]);
				rc = -1;
			}
		if (strncmp(c->milter_socket, "unix:", 5) != 0 &&
		    strncmp(c->milter_socket, "local:", 6) != 0 &&
		    strncmp(c->milter_socket, "inet:", 5) != 0 &&
		    strncmp(c->milter_socket, "inet6:", 6) != 0) {
			conffile_error(err, c->path, 0,
			    "milter_socket: '%s' is not unix:PATH, inet:PORT@HOST or inet6:PORT@HOST",
			    c->milter_socket);
			rc = -1;
		}
	}
	if (strcmp(prog, "jubao-sipd") == 0) {
		if (c->sip_listen.n == 0) {
			conffile_error(err, c->path, 0,
			    "sip_listen: no address to listen on");
			rc = -1;
		}
		for (i = 0; i < c->sip_listen.n; i++)
			if (strncmp(c->sip_listen.v[i], "sip:", 4) != 0) {
				conffile_error(err, c->path, 0,
				    "sip_listen: '%s' is not a sip: URI "
				    "(sip:ADDRESS:PORT)", c->sip_listen.v[i]);
				rc = -1;
			}
		if (c->sip_hotline_users.n == 0) {
			conffile_error(err, c->path, 0,
			    "sip_hotline_users: no hotline number configured");
			rc = -1;
		}
		if (c->sip_rtp_port_min >= c->sip_rtp_port_max) {
			conffile_error(err, c->path, 0,
			    "sip_rtp_port_min is not below sip_rtp_port_max");
			rc = -1;
		}
		if (c->sip_record_min >= c->sip_record_max) {
			conffile_error(err, c->path, 0,
			    "sip_record_min is not below sip_record_max");
			rc = -1;
		}
		if (*c->sip_register_registrar != '\0' &&
		    (strncmp(c->sip_register_registrar, "sip:", 4) != 0 ||
		    *c->sip_register_user == '\0')) {
			conffile_error(err, c->path, 0,
			    "sip_register_registrar needs a sip: URI and "
			    "sip_register_user");
			rc = -1;
		}
		if (*c->sip_staff_mailbox != '\0' &&
		    strchr(c->sip_staff_mailbox, '@') == NULL) {
			conffile_error(err, c->path, 0,
			    "sip_staff_mailbox: '%s' is not an address",
			    c->sip_staff_mailbox);
			rc = -1;
		}
	}
	if (strcmp(c->delivery_method, "smtp") == 0 &&
	    strchr(c->smtp_relay, ':') == NULL) {
		conffile_error(err, c->path, 0,
		    "smtp_relay: '%s' is not HOST:PORT", c->smtp_relay);
		rc = -1;
	}
	return (rc);
}

/* cfg_ref - take a reference to a snapshot */
struct cfg *
cfg_ref(struct cfg *c)
{
	__atomic_add_fetch(&c->refs, 1, __ATOMIC_SEQ_CST);
	return (c);
}

/* cfg_unref - drop a reference; the last one frees the snapshot */
void
cfg_unref(struct cfg *c)
{
	size_t	 i;

	if (c == NULL || __atomic_sub_fetch(&c->refs, 1, __ATOMIC_SEQ_CST) > 0)
		return;
	for (i = 0; i < NPARAM; i++) {
		const struct cfg_param *p = &cfg_table[i];

		if (p->type == CFG_STR || p->type == CFG_ENUM)
			free(*FIELD(c, p, char *));
		else if (p->type == CFG_LIST)
			strlist_free(FIELD(c, p, strlist));
	}
	free(c->path);
	free(c);
}

/* cfg_dump - print "name = value" for every parameter (postconf style) */
void
cfg_dump(const struct cfg *c, FILE *fp, int nondefault_only)
{
	struct cfg	*d = nondefault_only ? cfg_defaults() : NULL;
	size_t		 i, j;
	buf		 v = { 0 }, dv = { 0 };

	for (i = 0; i < NPARAM; i++) {
		const struct cfg_param *p = &cfg_table[i];
		const struct cfg *src[2] = { c, d };
		buf *out[2] = { &v, &dv };
		int k;

		for (k = 0; k < 2; k++) {
			out[k]->len = 0;
			buf_adds(out[k], "");
			if (src[k] == NULL)
				continue;
			switch (p->type) {
			case CFG_STR: case CFG_ENUM:
				buf_adds(out[k], *FIELD(src[k], p, char *));
				break;
			case CFG_INT: case CFG_TIME: case CFG_SIZE:
				buf_printf(out[k], "%ld%s",
				    *FIELD(src[k], p, long),
				    p->type == CFG_TIME ? "s" : "");
				break;
			case CFG_LIST:
				for (j = 0; j < FIELD(src[k], p, strlist)->n; j++)
					buf_printf(out[k], "%s%s", j ? ", " : "",
					    FIELD(src[k], p, strlist)->v[j]);
				break;
			}
		}
		if (d == NULL || strcmp(v.s, dv.s) != 0)
			fprintf(fp, "%s = %s\n", p->name, v.s);
	}
	buf_free(&v);
	buf_free(&dv);
	if (d)
		cfg_unref(d);
}

/* cfg_is_report_mailbox - is addr one of ours (case-insensitive, +detail) */
int
cfg_is_report_mailbox(const struct cfg *c, const char *addr)
{
	char	 a[512], *at, *plus;
	size_t	 i, len;

	len = strlen(addr);
	if (len > 0 && addr[0] == '<' && addr[len - 1] == '>') {
		addr++;
		len -= 2;
	}
	if (len == 0 || len >= sizeof(a))
		return (0);
	memcpy(a, addr, len);
	a[len] = '\0';
	if ((at = strrchr(a, '@')) == NULL)
		return (0);
	/* strip a +detail from the local part: jubao+tag@x is jubao@x */
	if ((plus = memchr(a, '+', (size_t)(at - a))) != NULL)
		memmove(plus, at, strlen(at) + 1);
	for (i = 0; i < c->report_mailboxes.n; i++)
		if (strcasecmp(c->report_mailboxes.v[i], a) == 0)
			return (1);
	return (0);
}
