/*
 * NAME
 *	sip_ua - the SIP side of jubao-sipd (sofia-sip nua)
 * DESCRIPTION
 *	Admission of an INVITE, in this order: the Request-URI's user part
 *	must be a hotline number (404); the source address is under its
 *	INVITE rate (503 with Retry-After); there is room for one more call
 *	(486 Busy Here); the offer is well-formed SDP with an RTP/AVP audio
 *	stream offering PCMU or PCMA (488 with a Warning, RFC 3261 §20.43).
 *	Media is handled by jubao-sipd, not by nua's soa
 *	(NUTAG_MEDIA_ENABLE(0)), so that the answer carries exactly our
 *	address, port and codecs (sip_sdp.c).
 *	A re-INVITE is answered with the same session, its o= version bumped
 *	when our SDP changes (RFC 3264 §8); REFER and other methods we do not
 *	implement are refused by nua (405 from our Allow list, 501 unknown).
 *	DTMF by SIP INFO (application/dtmf-relay, application/dtmf).
 *	Optional REGISTER with digest authentication, refreshed by nua.
 *	MESSAGE requests (the SMS gateway) for sip_sms.c, which hands them
 *	over from the outbox thread.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define NUA_MAGIC_T	void
#define NUA_HMAGIC_T	void
#define SU_ROOT_MAGIC_T	void
#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/sdp.h>
#include <sofia-sip/su_wait.h>
#include <sofia-sip/msg_addr.h>
#include <sofia-sip/su_tagarg.h>
#include <sofia-sip/su_log.h>

/* sofia-sip's own log objects (exported, not in its public headers) */
extern su_log_t	 nua_log[], nta_log[], tport_log[], soa_log[];

#include <sodium.h>

#include "log.h"
#include "outbox.h"
#include "sip.h"

#define ALLOW	"INVITE, ACK, BYE, CANCEL, OPTIONS, INFO"

struct ua_reg {
	int		 ua_kind;	/* UA_REG */
	int		 auth_tries;
	int		 ok;
};

/*
 * a token bucket per source address (the INVITE rate), in a hash table
 * of RATE_SLOTS with linear probing, keyed with a random per-process
 * secret so that nobody can aim addresses at one slot; when full, the
 * bucket idle longest is reused (it would have refilled anyway)
 */
#define RATE_SLOTS	4096
#define RATE_PROBE	16
struct rate {
	struct in_addr	 a;
	double		 tokens;
	int64_t		 at;
	int		 used;
};

static su_root_t	*root;
static nua_t		*nua;
static nua_handle_t	*reg_nh;
static struct ua_reg	 reg_ctx = { UA_REG, 0, 0 };
static su_timer_t	*reg_timer;
static struct rate	 rates[RATE_SLOTS];
static uint32_t		 rate_key;

/* call_of - the call bound to a handle, or NULL */
static struct call *
call_of(void *hmagic)
{
	return (hmagic && *(int *)hmagic == UA_CALL ? hmagic : NULL);
}

/* rate_ok - take one INVITE from the bucket of addr */
static int
rate_ok(struct in_addr a, long per_minute)
{
	struct rate	*r = NULL, *oldest = NULL;
	int64_t		 now = now_ms();
	uint32_t	 h;
	int		 i;

	if (per_minute <= 0)
		return (1);
	if (rate_key == 0)
		rate_key = randombytes_random() | 1;
	h = ((ntohl(a.s_addr) ^ rate_key) * 2654435761u) % RATE_SLOTS;
	for (i = 0; i < RATE_PROBE; i++) {
		struct rate *s = &rates[(h + (uint32_t)i) % RATE_SLOTS];

		if (s->used && s->a.s_addr == a.s_addr) {
			r = s;
			break;
		}
		if (!s->used) {
			if (oldest == NULL || oldest->used)
				oldest = s;
		} else if (oldest == NULL || (oldest->used && s->at < oldest->at))
			oldest = s;
	}
	if (r == NULL) {
		r = oldest;
		r->used = 1;
		r->a = a;
		r->tokens = (double)per_minute;
		r->at = now;
	}
	r->tokens += (double)(now - r->at) * (double)per_minute / 60000.0;
	if (r->tokens > (double)per_minute)
		r->tokens = (double)per_minute;
	r->at = now;
	if (r->tokens < 1.0)
		return (0);
	r->tokens -= 1.0;
	return (1);
}

/* unquote - a display name without its quotes and escapes */
static char *
unquote(const char *s)
{
	char	*out, *o;

	if (s == NULL)
		return (NULL);
	while (*s == ' ')
		s++;
	out = o = xstrdup(s);
	if (*s == '"') {
		for (s++; *s && *s != '"'; s++) {
			if (*s == '\\' && s[1])
				s++;
			*o++ = *s;
		}
		*o = '\0';
	} else
		str_trim(out);
	if (*out == '\0') {
		free(out);
		return (NULL);
	}
	return (out);
}

/* number_of - the user part of a SIP or tel URI, as a string */
static char *
number_of(const url_t *u)
{
	if (u == NULL)
		return (NULL);
	if (u->url_type == url_tel && u->url_host)
		return (xstrdup(u->url_host));
	return (u->url_user ? xstrdup(u->url_user) : NULL);
}

/* media_wakeup - RTP waiting on a call's socket */
static int
media_wakeup(void *magic, su_wait_t *w, void *arg)
{
	struct call	*c = arg;

	(void)magic;
	(void)w;
	rtp_readable(c);
	return (0);
}

/* ua_media_detach - stop watching the call's RTP socket */
void
ua_media_detach(struct call *c)
{
	if (c->reg > 0)
		su_root_deregister(root, c->reg);
	c->reg = 0;
}

/* rtp_addr - the address for RTP and SDP */
static const char *
rtp_addr(const struct cfg *cfg)
{
	static char	 host[64];
	const char	*u, *e;

	if (*cfg->sip_rtp_address)
		return (cfg->sip_rtp_address);
	/* the host of the first sip_listen URI */
	u = cfg->sip_listen.v[0] + 4;
	e = u + strcspn(u, ":;>");
	snprintf(host, sizeof(host), "%.*s", (int)(e - u), u);
	return (host);
}

/* peer_of - the source address of the request being processed */
static int
peer_of(struct in_addr *a, char *s, size_t len)
{
	msg_t		*msg = nua_current_request(nua);
	su_addrinfo_t	*ai = msg ? msg_addrinfo(msg) : NULL;

	a->s_addr = 0;
	snprintf(s, len, "unknown");
	if (ai == NULL || ai->ai_addr == NULL || ai->ai_family != AF_INET)
		return (-1);
	*a = ((struct sockaddr_in *)ai->ai_addr)->sin_addr;
	inet_ntop(AF_INET, a, s, (socklen_t)len);
	return (0);
}

/* find_pai - the first P-Asserted-Identity (RFC 3325), parsed */
static void
find_pai(struct call *c, const sip_t *sip)
{
	su_home_t		 home[1] = { SU_HOME_INIT(home) };
	const sip_unknown_t	*u;
	sip_from_t		*f;

	for (u = sip->sip_unknown; u; u = u->un_next)
		if (u->un_name && strcasecmp(u->un_name, "P-Asserted-Identity") == 0)
			break;
	if (u == NULL || u->un_value == NULL)
		return;
	if ((f = sip_from_make(home, u->un_value)) != NULL) {
		c->pai_name = unquote(f->a_display);
		c->pai_number = number_of(f->a_url);
	}
	su_home_deinit(home);
}

/* respond_refuse - a final refusal with a Warning (RFC 3261 §20.43) */
static void
respond_refuse(nua_handle_t *nh, int status, const char *phrase,
    const char *warning, const char *retry_after)
{
	char	 w[160];

	snprintf(w, sizeof(w), "399 jubao-sipd \"%s\"", warning);
	nua_respond(nh, status, phrase, SIPTAG_WARNING_STR(w),
	    TAG_IF(retry_after, SIPTAG_RETRY_AFTER_STR(retry_after)),
	    TAG_END());
	nua_handle_destroy(nh);
}

/* unconfirmed_calls - calls answered whose ACK has not come */
static int
unconfirmed_calls(void)
{
	struct call	*c;
	int		 n = 0;

	for (c = call_list(); c; c = c->next)
		if (!c->hungup && c->state == CS_NEW)
			n++;
	return (n);
}

/* active_calls - calls with a live dialog */
static int
active_calls(void)
{
	struct call	*c;
	int		 n = 0;

	for (c = call_list(); c; c = c->next)
		if (!c->hungup)
			n++;
	return (n);
}

static int	 shutting_down;

/* invite - a new INVITE: admission, media, 200 OK */
static void
invite(nua_handle_t *nh, const sip_t *sip)
{
	struct runtime	*rt = runtime_get();
	const struct cfg *cfg = rt->cfg;
	const char	*user, *why, *cid;
	struct call	*c;
	struct in_addr	 src;
	char		 peer[64], *sdp, tag[STORE_CALL_TAG];
	size_t		 i;
	su_wait_t	 w[1];

	cid = sip->sip_call_id ? sip->sip_call_id->i_id : "-";
	store_call_tag(cid, tag);
	user = sip->sip_request->rq_url->url_user;
	peer_of(&src, peer, sizeof(peer));
	/* known scanners (friendly-scanner, sipcli, ...) get 403 and no call */
	if (sip->sip_user_agent && sip->sip_user_agent->g_string)
		for (i = 0; i < cfg->sip_scanner_agents.n; i++)
			if (strcasestr(sip->sip_user_agent->g_string,
			    cfg->sip_scanner_agents.v[i]) != NULL) {
				log_info("%s: INVITE from a scanner (User-Agent "
				    "matches '%s'): 403", tag,
				    cfg->sip_scanner_agents.v[i]);
				respond_refuse(nh, SIP_403_FORBIDDEN, "scanner", NULL);
				goto out;
			}
	for (i = 0; user && i < cfg->sip_hotline_users.n; i++)
		if (strcmp(user, cfg->sip_hotline_users.v[i]) == 0)
			break;
	if (user == NULL || i == cfg->sip_hotline_users.n) {
		log_info("%s: INVITE for a user that is not a hotline "
		    "number: 404", tag);
		respond_refuse(nh, SIP_404_NOT_FOUND, "not a hotline number", NULL);
		goto out;
	}
	if (shutting_down) {
		respond_refuse(nh, SIP_503_SERVICE_UNAVAILABLE,
		    "shutting down", "60");
		goto out;
	}
	if (!rate_ok(src, cfg->sip_invite_rate)) {
		/* the source address is the caller's, often: not logged */
		log_info("%s: INVITE rate of its source address exceeded "
		    "(sip_invite_rate %ld a minute): 503", tag,
		    cfg->sip_invite_rate);
		respond_refuse(nh, SIP_503_SERVICE_UNAVAILABLE,
		    "too many calls from this address", "10");
		goto out;
	}
	if (active_calls() >= cfg->sip_max_calls) {
		log_info("%s: %d calls in progress (sip_max_calls): 486",
		    tag, active_calls());
		respond_refuse(nh, SIP_486_BUSY_HERE, "all lines busy", NULL);
		goto out;
	}
	/* answered and not confirmed: over UDP anyone can send an INVITE
	 * from an address not theirs, and each would hold a line and a port
	 * until the ACK never comes (finding 11) */
	if (unconfirmed_calls() >= cfg->sip_max_unconfirmed) {
		log_info("%s: %d answered calls wait for their ACK "
		    "(sip_max_unconfirmed): 503", tag, unconfirmed_calls());
		respond_refuse(nh, SIP_503_SERVICE_UNAVAILABLE,
		    "too many calls waiting for an ACK", "5");
		goto out;
	}
	c = xcalloc(1, sizeof(*c));
	c->ua_kind = UA_CALL;
	c->fd = -1;
	c->rec_fd = -1;
	c->pt = -1;
	c->te_pt = -1;
	c->rt = rt;
	rt = NULL;
	c->call_id = xstrdup(cid);
	snprintf(c->tag, sizeof(c->tag), "%s", tag);
	c->started = time(NULL);
	c->started_ms = c->state_ms = now_ms();
	c->deadline_ms = c->started_ms + cfg->sip_max_call_length * 1000;
	c->sig_addr = src;
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
	for (i = 0; i < cfg->sip_trusted_peers.n; i++)
		if (strcmp(cfg->sip_trusted_peers.v[i], peer) == 0)
			c->trusted = 1;
	c->sdp_session = (unsigned long)c->started;
	c->sdp_version = 1;
	c->last_reason = "dialog ended";
	c->mode_send = c->mode_recv = 1;
	if (sip->sip_from) {
		c->from_name = unquote(sip->sip_from->a_display);
		c->from_number = number_of(sip->sip_from->a_url);
	}
	find_pai(c, sip);
	if (sip->sip_payload && (sip->sip_content_type == NULL ||
	    strcasecmp(sip->sip_content_type->c_type, "application/sdp") != 0)) {
		log_info("%s: INVITE body is not application/sdp: 415", c->tag);
		nua_respond(nh, SIP_415_UNSUPPORTED_MEDIA,
		    SIPTAG_ACCEPT_STR("application/sdp"), TAG_END());
		nua_handle_destroy(nh);
		call_free_new(c);
		goto out;
	}
	if (sip->sip_payload && sdp_offer(c, sip->sip_payload->pl_data,
	    sip->sip_payload->pl_len, 0, &why) < 0) {
		log_info("%s: offer refused (%s): 488", c->tag, why);
		respond_refuse(nh, SIP_488_NOT_ACCEPTABLE, why, NULL);
		call_free_new(c);
		goto out;
	}
	if (rtp_open(c, cfg, rtp_addr(cfg)) < 0) {
		respond_refuse(nh, SIP_503_SERVICE_UNAVAILABLE,
		    "no media port", "5");
		call_free_new(c);
		goto out;
	}
	su_wait_create(w, c->fd, SU_WAIT_IN);
	if ((c->reg = su_root_register(root, w, media_wakeup, c, 0)) <= 0) {
		log_error("%s: cannot watch the RTP socket", c->tag);
		respond_refuse(nh, SIP_503_SERVICE_UNAVAILABLE,
		    "no media port", "5");
		call_free_new(c);
		goto out;
	}
	c->nh = nh;
	c->refs = 1;
	nua_handle_bind(nh, c);
	call_link(c);
	/* no offer: ours goes in the 200, the answer comes in the ACK */
	sdp = sdp_answer(c, rtp_addr(cfg), !sip->sip_payload);
	log_info("%s: call from %s to the hotline: %s, RTP port %d%s",
	    c->tag, c->trusted ? "a trusted peer" : "a peer",
	    c->pt == 8 ? "PCMA" : c->pt == 0 ? "PCMU" : "delayed offer",
	    c->port, c->te_pt >= 0 ? ", telephone-event" : "");
	nua_respond(nh, SIP_200_OK, SIPTAG_CONTENT_TYPE_STR("application/sdp"),
	    SIPTAG_PAYLOAD_STR(sdp), NUTAG_AUTOANSWER(0), TAG_END());
	free(sdp);
out:
	runtime_put(rt);
}

/* reinvite - an INVITE inside the dialog: answer with our session */
static void
reinvite(struct call *c, nua_handle_t *nh, const sip_t *sip)
{
	const char	*why;
	char		*sdp;

	if (sip->sip_payload && sdp_offer(c, sip->sip_payload->pl_data,
	    sip->sip_payload->pl_len, 0, &why) < 0) {
		log_info("%s: re-INVITE refused (%s): 488", c->tag, why);
		nua_respond(nh, SIP_488_NOT_ACCEPTABLE, TAG_END());
		return;
	}
	sdp = sdp_answer(c, rtp_addr(c->rt->cfg), 0);
	log_info("%s: re-INVITE answered", c->tag);
	nua_respond(nh, SIP_200_OK, SIPTAG_CONTENT_TYPE_STR("application/sdp"),
	    SIPTAG_PAYLOAD_STR(sdp), TAG_END());
	free(sdp);
}

/*
 * dtmf_from_info - the key in a SIP INFO body: application/dtmf-relay
 * ("Signal=5"), application/dtmf ("5"); -1 when there is none.
 */
int
dtmf_from_info(const char *ctype, const char *body)
{
	const char	*p;
	int		 n;

	if (ctype == NULL || body == NULL)
		return (-1);
	if (strncasecmp(ctype, "application/dtmf-relay", 22) == 0) {
		for (p = body; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
			if (strncasecmp(p, "Signal", 6) == 0)
				break;
		if (p == NULL || *p == '\0')
			return (-1);
		p += 6;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p++ != '=')
			return (-1);
		while (*p == ' ' || *p == '\t')
			p++;
	} else if (strncasecmp(ctype, "application/dtmf", 16) == 0) {
		p = body;
		while (isspace((unsigned char)*p))
			p++;
	} else
		return (-1);
	if (isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1])) {
		n = atoi(p);	/* some send events as numbers: 10 *, 11 # */
		return (n == 10 ? '*' : n == 11 ? '#' : -1);
	}
	if (strchr("0123456789*#ABCDabcd", *p) && *p)
		return (toupper((unsigned char)*p));
	return (-1);
}

/* info - a SIP INFO (nua answered it 200 already) */
static void
info(struct call *c, const sip_t *sip)
{
	char	*body;
	int	 key;

	if (c == NULL || sip == NULL || sip->sip_payload == NULL ||
	    sip->sip_content_type == NULL)
		return;
	body = xstrndup(sip->sip_payload->pl_data, sip->sip_payload->pl_len);
	key = dtmf_from_info(sip->sip_content_type->c_type, body);
	if (key < 0)
		log_info("%s: INFO (%s) carries no key", c->tag,
		    sip->sip_content_type->c_type);
	else
		call_digit(c, key, "SIP INFO");
	free(body);
}

/* reg_again - (timer) register again after a failure */
static void
reg_again(void *magic, su_timer_t *t, void *arg)
{
	struct runtime	*rt = runtime_get();

	(void)magic;
	(void)t;
	(void)arg;
	reg_ctx.auth_tries = 0;
	nua_register(reg_nh, NUTAG_M_USERNAME(rt->cfg->sip_register_user),
	    TAG_END());
	runtime_put(rt);
}

/* registered - the registrar answered */
static void
registered(int status, const char *phrase, nua_handle_t *nh, const sip_t *sip)
{
	struct runtime		*rt;
	const msg_param_t	*params = NULL;
	const char		*realm = NULL;
	char			*auth;

	if (status < 200)
		return;
	if ((status == 401 || status == 407) && sip && reg_ctx.auth_tries++ < 2) {
		if (status == 401 && sip->sip_www_authenticate)
			params = sip->sip_www_authenticate->au_params;
		else if (sip->sip_proxy_authenticate)
			params = sip->sip_proxy_authenticate->au_params;
		if (params)
			realm = msg_params_find(params, "realm=");
		rt = runtime_get();
		auth = xasprintf("Digest:%s:%s:%s", realm ? realm : "\"\"",
		    rt->cfg->sip_register_user, rt->cfg->sip_register_password);
		nua_authenticate(nh, NUTAG_AUTH(auth), TAG_END());
		free(auth);
		runtime_put(rt);
		return;
	}
	if (status >= 200 && status < 300) {
		if (!reg_ctx.ok)
			log_info("registered to %s", "the PBX");
		reg_ctx.ok = 1;
		reg_ctx.auth_tries = 0;
		return;
	}
	reg_ctx.ok = 0;
	log_error("registration refused: %d %s; trying again in 60 s", status,
	    phrase);
	su_timer_set_interval(reg_timer, reg_again, NULL, 60000);
}

/*
 * ua_message - (loop) send a MESSAGE to "to" with text, bound to magic
 * (an SMS request: its answer goes to sms_answered); 0, or -1 when SIP is
 * not running (stopping)
 */
int
ua_message(const char *to, const char *text, void *magic)
{
	struct runtime	*rt;
	nua_handle_t	*nh;
	char		 from[256];

	if (nua == NULL || shutting_down)
		return (-1);
	rt = runtime_get();
	snprintf(from, sizeof(from), "<sip:%s@%s>",
	    rt->cfg->sip_hotline_users.v[0], rtp_addr(rt->cfg));
	runtime_put(rt);
	nh = nua_handle(nua, magic, SIPTAG_TO_STR(to), SIPTAG_FROM_STR(from),
	    TAG_END());
	nua_message(nh, SIPTAG_CONTENT_TYPE_STR("text/plain;charset=UTF-8"),
	    SIPTAG_PAYLOAD_STR(text), TAG_END());
	return (0);
}

/* ua_event - everything nua tells us */
static void
ua_event(nua_event_t ev, int status, const char *phrase, nua_t *n,
    void *magic, nua_handle_t *nh, void *hmagic, const sip_t *sip,
    tagi_t tags[])
{
	struct call	*c = call_of(hmagic);
	int		 cs = -1;

	(void)n;
	(void)magic;
	switch (ev) {
	case nua_i_invite:
		if (c != NULL)
			reinvite(c, nh, sip);
		else if (hmagic == NULL)
			invite(nh, sip);
		break;
	case nua_i_ack:
		if (c && c->pt < 0 && sip && sip->sip_payload) {
			const char *why;

			if (sdp_offer(c, sip->sip_payload->pl_data,
			    sip->sip_payload->pl_len, 1, &why) < 0) {
				log_info("%s: answer in the ACK refused (%s)",
				    c->tag, why);
				call_hangup(c, "bad SDP answer");
			}
		}
		break;
	case nua_i_state:
		tl_gets(tags, NUTAG_CALLSTATE_REF(cs), TAG_END());
		if (c == NULL)
			break;
		if (cs == nua_callstate_ready) {
			if (c->pt < 0) {
				call_hangup(c, "no SDP answer in the ACK");
				break;
			}
			call_start(c);
		} else if (cs == nua_callstate_terminated) {
			nua_handle_bind(nh, NULL);
			c->nh = NULL;
			call_gone(c, c->last_reason);
			nua_handle_destroy(nh);
		}
		break;
	/* why a dialog ends is the call's own, not the last call's */
	case nua_i_bye:
		if (c != NULL)
			c->last_reason = "caller hung up";
		break;
	case nua_i_cancel:
		if (c != NULL)
			c->last_reason = "cancelled";
		break;
	case nua_r_bye:
		if (c != NULL)
			c->last_reason = "we hung up";
		break;
	case nua_i_info:
		info(c, sip);
		break;
	case nua_r_register:
	case nua_r_unregister:
		if (hmagic == &reg_ctx)
			registered(status, phrase, nh, sip);
		break;
	case nua_r_message:
		if (status < 200)
			break;
		if (hmagic && *(int *)hmagic == UA_MSG)
			sms_answered(hmagic, status, phrase);
		nua_handle_destroy(nh);
		break;
	case nua_r_shutdown:
		if (status >= 200)
			su_root_break(root);
		break;
	case nua_i_terminated:
		if (c) {
			nua_handle_bind(nh, NULL);
			c->nh = NULL;
			call_gone(c, c->last_reason);
		}
		nua_handle_destroy(nh);
		break;
	case nua_i_error:
		log_info("SIP: %d %s", status, phrase);
		break;
	default:
		break;
	}
	/* a request outside any call of ours (OPTIONS, a stray BYE or INFO,
	 * MESSAGE, REFER, SUBSCRIBE, an unknown method): nua answered it, and
	 * its handle is ours to destroy, or every one stays (1.6 kB each) */
	if (hmagic == NULL && nh != NULL && ((ev >= nua_i_bye &&
	    ev <= nua_i_method) || ev == nua_i_register))
		nua_handle_destroy(nh);
}

/* ua_bye - hang up a call (or refuse it, before the ACK) */
void
ua_bye(struct call *c)
{
	if (c->nh)
		nua_bye(c->nh, TAG_END());
}

/* ua_drop - end a call that never got its ACK: the dialog is forgotten */
void
ua_drop(struct call *c)
{
	nua_handle_t	*nh = c->nh;

	if (nh != NULL) {
		nua_handle_bind(nh, NULL);
		c->nh = NULL;
		nua_handle_destroy(nh);
	}
	call_gone(c, "no ACK");
}

/* ua_shutting_down - refuse new calls from now on */
void
ua_shutting_down(void)
{
	shutting_down = 1;
}

/* ua_shutdown - unregister and stop nua (its answer breaks the loop) */
void
ua_shutdown(void)
{
	if (reg_nh && reg_ctx.ok)
		nua_unregister(reg_nh, TAG_END());
	nua_shutdown(nua);
}

/* ua_destroy - after the loop */
void
ua_destroy(void)
{
	if (reg_timer)
		su_timer_destroy(reg_timer);
	if (nua)
		nua_destroy(nua);
	nua = NULL;
}

/*
 * sofia_log - sofia-sip's diagnostics name callers ("strange ACK from
 * <sip:NUMBER@...>"), so they are dropped; JUBAO_SOFIA_DEBUG=1 in the
 * environment lets them through to stderr for a developer.
 */
static void
sofia_log(void *stream, const char *fmt, va_list ap)
{
	(void)stream;
	if (getenv("JUBAO_SOFIA_DEBUG") != NULL)
		vfprintf(stderr, fmt, ap);
}

/*
 * ua_init - start nua on the configured addresses (UDP and TCP each) and,
 * if configured, register.  0, or -1 after logging why.
 */
int
ua_init(struct runtime *rt, void *r)
{
	const struct cfg	*cfg = rt->cfg;
	char			 aor[256], exp[32], *host, *p;
	size_t			 i;

	root = r;
	su_log_redirect(su_log_default, sofia_log, NULL);
	su_log_redirect(nua_log, sofia_log, NULL);
	su_log_redirect(nta_log, sofia_log, NULL);
	su_log_redirect(tport_log, sofia_log, NULL);
	su_log_redirect(soa_log, sofia_log, NULL);
	nua = nua_create(root, ua_event, NULL, NUTAG_URL(cfg->sip_listen.v[0]),
	    NUTAG_MEDIA_ENABLE(0), NUTAG_AUTOANSWER(0), NUTAG_AUTOALERT(0),
	    NUTAG_ENABLEMESSAGE(0), NUTAG_ENABLEINVITE(1),
	    SIPTAG_ALLOW_STR(ALLOW), NUTAG_ALLOW(ALLOW),
	    SIPTAG_USER_AGENT_STR("jubao-sipd"),
	    NUTAG_OUTBOUND("no-options-keepalive no-validate"),
	    TAG_END());
	if (nua == NULL) {
		log_error("cannot listen on %s (in use, or a bad address?)",
		    cfg->sip_listen.v[0]);
		return (-1);
	}
	for (i = 1; i < cfg->sip_listen.n; i++)
		log_error("sip_listen: only the first URI (%s) is used; %s "
		    "ignored", cfg->sip_listen.v[0], cfg->sip_listen.v[i]);
	reg_timer = su_timer_create(su_root_task(root), 60000);
	if (*cfg->sip_register_registrar) {
		host = xstrdup(cfg->sip_register_registrar + 4);
		if ((p = strpbrk(host, ":;>")) != NULL)
			*p = '\0';
		snprintf(aor, sizeof(aor), "sip:%s@%s",
		    cfg->sip_register_user, host);
		free(host);
		snprintf(exp, sizeof(exp), "%ld", cfg->sip_register_expires);
		reg_nh = nua_handle(nua, &reg_ctx, SIPTAG_TO_STR(aor),
		    SIPTAG_FROM_STR(aor), TAG_END());
		nua_register(reg_nh, NUTAG_REGISTRAR(cfg->sip_register_registrar),
		    NUTAG_M_USERNAME(cfg->sip_register_user),
		    SIPTAG_EXPIRES_STR(exp), TAG_END());
	}
	return (0);
}
