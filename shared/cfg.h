/*
 * NAME
 *	cfg - jubao.conf: one table of parameters, defaults and bounds
 * DESCRIPTION
 *	Every parameter is defined once, in cfg_table[] (cfg.c): its name,
 *	type, default and bounds.  cfg_load returns an immutable snapshot;
 *	programs swap snapshots on SIGHUP and a live connection keeps the one
 *	it started with (cfg_ref/cfg_unref).  Unknown keys, bad values and
 *	values out of bounds are errors, each reported with file, line and key.
 */
#ifndef JUBAO_CFG_H
#define JUBAO_CFG_H

#include <stddef.h>
#include <stdio.h>
#include "util.h"

#define CFG_DEFAULT_PATH	"/etc/jubao/jubao.conf"

struct cfg {
	/* store */
	char	*store_engine;		/* sqlite | postgresql */
	char	*store_path;
	char	*store_conninfo;
	char	*key_file;
	long	 store_busy_timeout;	/* seconds */
	char	*evidence_dir;
	char	*spool_dir;
	/* milter */
	char	*milter_socket;
	strlist	 report_mailboxes;
	long	 max_message_size;	/* bytes */
	long	 milter_timeout;	/* seconds */
	char	*authserv_id;
	/* what one report may hold (the rest stays in the original) */
	long	 report_part_limit;
	long	 report_header_limit;
	long	 report_evidence_limit;
	long	 report_url_limit;
	long	 report_account_limit;
	long	 report_phone_limit;
	/* classification and templates */
	char	*categories_file;
	char	*template_dir;
	char	*language;
	char	*site_name;
	/* acknowledgements and the outbox */
	char	*ack_from;
	char	*ack_from_name;
	long	 ack_daily_limit;
	long	 flood_reporter_hour;
	long	 flood_reporter_day;
	long	 flood_client_hour;
	long	 flood_client_day;
	char	*message_id_domain;
	char	*delivery_method;
	char	*sendmail_path;
	char	*smtp_relay;
	long	 outbox_interval;	/* seconds */
	long	 outbox_lease;		/* seconds */
	long	 outbox_backoff_min;	/* seconds */
	long	 outbox_backoff_max;	/* seconds */
	long	 outbox_max_age;	/* seconds */
	/* logging and privileges */
	char	*log_facility;
	char	*run_user;
	/* case handling */
	char	*handlers_mailbox;
	char	*bounce_address;
	long	 retention;		/* seconds */
	long	 digest_expiry_window;	/* seconds */
	/* the hotline bridge (jubao-sipd) */
	strlist	 sip_listen;
	strlist	 sip_hotline_users;
	long	 sip_max_calls;
	long	 sip_max_unconfirmed;	/* answered, no ACK yet */
	long	 sip_ack_timeout;	/* seconds */
	long	 sip_invite_rate;	/* INVITEs a minute from one address */
	long	 sip_max_call_length;	/* seconds */
	char	*sip_rtp_address;
	long	 sip_rtp_port_min;
	long	 sip_rtp_port_max;
	strlist	 sip_rtp_sources;
	long	 sip_record_max;	/* seconds */
	long	 sip_record_min;	/* seconds */
	long	 sip_silence_timeout;	/* seconds */
	long	 sip_menu_timeout;	/* seconds */
	char	*sip_recordings_dir;
	char	*sip_prompt_dir;
	strlist	 sip_trusted_peers;
	strlist	 sip_scanner_agents;
	char	*sip_sms_gateway;
	char	*sip_staff_mailbox;
	char	*sip_register_registrar;
	char	*sip_register_user;
	char	*sip_register_password;
	long	 sip_register_expires;	/* seconds */
	char	*sip_query_key;		/* the hotline's status-query key */
	long	 lookup_case_failures;	/* wrong PINs that lock a case number */
	long	 lookup_lock;		/* seconds */
	long	 lookup_source_failures; /* failures an hour from one source */
	long	 lookup_source_limit;	/* lookups an hour from one source */
	strlist	 web_listen;
	char	*web_public_url;
	char	*web_stats_url;		/* the published statistics (a link) */
	strlist	 web_trusted_proxies;
	long	 web_max_connections;
	long	 web_timeout;		/* seconds */
	/* the console's accounts and sessions (staff.c), and the second
	 * person a removal needs (工作规范 第二十六、二十七条) */
	long	 login_failures;	/* failures that lock an account */
	long	 login_lock;		/* seconds: the window and the lock */
	long	 web_session_idle;	/* seconds */
	long	 web_session_max;	/* seconds */
	char	*web_cookie_secure;	/* auto | yes | no */
	char	*removal_review;	/* yes | no */
	/* the online reporting zones (webd_public.c) */
	long	 web_upload_max;	/* bytes a file */
	long	 web_uploads_max;	/* files a report */
	long	 web_spool_max;		/* bytes of reports in flight at once */
	long	 web_report_limit;	/* reports an hour from a client: 429 */
	long	 web_flood_hour;	/* ... past which they are flood */
	long	 web_zone_hour;		/* reports an hour into a zone: flood */

	char	*path;			/* the file it came from */
	int	 refs;
};

struct cfg	*cfg_load(const char *path, buf *err);
struct cfg	*cfg_defaults(void);
struct cfg	*cfg_ref(struct cfg *);
void		 cfg_unref(struct cfg *);
int		 cfg_check_program(const struct cfg *, const char *prog, buf *err);
const char	*cfg_store_where(const struct cfg *);
char		*cfg_store_name(const struct cfg *);
void		 cfg_dump(const struct cfg *, FILE *, int nondefault_only);
int		 cfg_is_report_mailbox(const struct cfg *, const char *addr);

#endif
