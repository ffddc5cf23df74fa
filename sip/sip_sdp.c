/*
 * NAME
 *	sip_sdp - the hotline's side of the SDP offer/answer (RFC 3264)
 * DESCRIPTION
 *	Media is handled by jubao-sipd, not by nua's soa, so that the answer
 *	carries exactly our address, port and codecs: an offer is checked
 *	with sofia-sip's parser and read for the remote address, the codec
 *	(PCMU or PCMA) and the telephone-event type; RTP goes only where the
 *	call came from unless the peer is trusted or the address listed
 *	(sip_rtp_sources).  Loop thread only.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SU_ROOT_MAGIC_T	void
#include <sofia-sip/sdp.h>
#include <sofia-sip/su_alloc.h>

#include "log.h"
#include "sip.h"

/* sdp_conn - the connection address of a media line */
static const sdp_connection_t *
sdp_conn(const sdp_session_t *s, const sdp_media_t *m)
{
	return (m->m_connections ? m->m_connections : s->sdp_connection);
}

/* sdp_token_char - RFC 4566 §9: token-char (no "/", no space) */
static int
sdp_token_char(int ch)
{
	static const char	 tok[] = "!#$%&'*+-.^_`{|}~";

	return (isalnum(ch) || (ch != 0 && strchr(tok, ch) != NULL));
}

/*
 * sdp_mline_ok - "<media> <port>[/<n>] <proto> <fmt> ..." exactly as RFC
 * 4566 §5.14 has it: media and formats are tokens, the port digits with
 * at most one "/" and digits after it, the protocol tokens joined by
 * single "/" (sofia-sip's sdp_parse allocates without bound on "4/20/0/"
 * or "0//////RTP/AVP": found by fuzz_sdp)
 */
static int
sdp_mline_ok(const char *s, size_t len)
{
	size_t	 i, field = 0, flen = 0, slashes = 0;
	int	 ch, prev = ' ';

	for (i = 0; i < len && s[i] != '\r' && s[i] != '\n'; i++) {
		ch = (unsigned char)s[i];
		if (ch == ' ') {
			if (flen > 0 && prev == '/')
				return (0);	/* "4/" or "RTP/" */
			if (flen > 0)
				field++;
			flen = 0;
			slashes = 0;
			prev = ch;
			continue;
		}
		if (ch == '/') {
			if ((field != 1 && field != 2) || flen == 0 ||
			    prev == '/' || (field == 1 && ++slashes > 1))
				return (0);
		} else if (field == 1 ? !isdigit(ch) : !sdp_token_char(ch))
			return (0);
		flen++;
		prev = ch;
	}
	return (prev != '/' && field + (flen > 0) >= 4);
}

/*
 * sdp_offer - check an offer and take from it the remote address, our
 * codec and the telephone-event type; 0, or -1 with why.
 */
int
sdp_offer(struct call *c, const char *body, size_t len, int answer_only,
    const char **why)
{
	su_home_t		 home[1] = { SU_HOME_INIT(home) };
	sdp_parser_t		*p;
	sdp_session_t		*s;
	sdp_media_t		*m;
	const sdp_rtpmap_t	*rm;
	const sdp_connection_t	*cn;
	struct sockaddr_in	 a;
	int			 pt = -1, te = -1, rc = -1;
	size_t			 i;

	*why = "malformed SDP";
	if (body == NULL || len == 0) {
		*why = "no SDP";
		return (-1);
	}
	/* sofia-sip's sdp_parse allocates until memory runs out on an m= line
	 * whose format list has a character outside a token ("m=audio 4000
	 * X /0", "RTP\xff\xff 8": found by fuzz_sdp): RFC 4566 §5.14 m= only */
	for (i = 0; i + 1 < len; i++)
		if (body[i] == 'm' && body[i + 1] == '=' &&
		    (i == 0 || body[i - 1] == '\n' || body[i - 1] == '\r') &&
		    !sdp_mline_ok(body + i + 2, len - i - 2)) {
			log_info("%s: SDP rejected: malformed m= line", c->tag);
			goto out;
		}
	p = sdp_parse(home, body, (issize_t)len, sdp_f_strict);
	if ((s = sdp_session(p)) == NULL) {
		log_info("%s: SDP rejected: %s", c->tag, sdp_parsing_error(p));
		goto out;
	}
	for (m = s->sdp_media; m; m = m->m_next) {
		if (m->m_type != sdp_media_audio || m->m_rejected ||
		    m->m_port == 0)
			continue;
		if (m->m_proto != sdp_proto_rtp) {
			*why = "audio is not RTP/AVP";
			continue;
		}
		pt = te = -1;
		for (rm = m->m_rtpmaps; rm; rm = rm->rm_next) {
			if (rm->rm_encoding == NULL)
				continue;
			if (pt < 0 && rm->rm_rate == 8000 &&
			    (strcasecmp(rm->rm_encoding, "PCMU") == 0 ||
			    strcasecmp(rm->rm_encoding, "PCMA") == 0))
				pt = strcasecmp(rm->rm_encoding, "PCMU") == 0 ? 0 : 8;
			if (te < 0 && rm->rm_rate == 8000 &&
			    strcasecmp(rm->rm_encoding, "telephone-event") == 0)
				te = (int)rm->rm_pt;
		}
		if (pt < 0) {
			*why = "no PCMU or PCMA offered";
			continue;
		}
		cn = sdp_conn(s, m);
		if (cn == NULL || cn->c_address == NULL ||
		    cn->c_addrtype != sdp_addr_ip4) {
			*why = "no IPv4 connection address";
			pt = -1;
			continue;
		}
		memset(&a, 0, sizeof(a));
		a.sin_family = AF_INET;
		if (inet_pton(AF_INET, cn->c_address, &a.sin_addr) != 1 ||
		    m->m_port > 65535) {
			*why = "connection address is not an IPv4 address";
			pt = -1;
			continue;
		}
		a.sin_port = htons((uint16_t)m->m_port);
		break;
	}
	if (m == NULL || pt < 0)
		goto out;
	if (!answer_only || c->pt < 0)
		c->pt = pt;
	c->te_pt = te;
	/* RFC 3264 §6.1: we send if they receive, and the other way */
	c->mode_send = (m->m_mode & sdp_recvonly) != 0 &&
	    a.sin_addr.s_addr != INADDR_ANY;
	c->mode_recv = (m->m_mode & sdp_sendonly) != 0;
	if (c->remote_ok && (a.sin_addr.s_addr != c->sdp_remote.sin_addr.s_addr ||
	    a.sin_port != c->sdp_remote.sin_port)) {
		/* the media moved (a transfer on the PBX): latch anew */
		log_info("%s: the remote media address changed", c->tag);
		c->latched = 0;
	}
	c->sdp_remote = a;
	/* RTP goes where the call came from, not wherever an SDP says (a
	 * reflector aimed at loopback or a third party: finding 11), unless
	 * the peer is trusted or the address is one of sip_rtp_sources */
	if (a.sin_addr.s_addr != c->sig_addr.s_addr && !c->trusted &&
	    !rtp_dest_listed(c, a.sin_addr)) {
		log_info("%s: the SDP names another host than the signalling "
		    "source: RTP goes to the source", c->tag);
		a.sin_addr = c->sig_addr;
	}
	if (!c->latched) {
		c->remote = a;
		c->remote_ok = 1;
	}
	rc = 0;
out:
	su_home_deinit(home);
	return (rc);
}

/* sdp_body - our SDP after its o= line (an answer, or an offer) */
static char *
sdp_body(const struct call *c, const char *addr, int offer)
{
	const char	*mode = c->mode_send && c->mode_recv ? "sendrecv" :
			    c->mode_send ? "sendonly" : c->mode_recv ?
			    "recvonly" : "inactive";
	char		 fmts[32], maps[256];
	int		 te = c->te_pt >= 0 ? c->te_pt : 101;

	if (offer) {
		snprintf(fmts, sizeof(fmts), "0 8 101");
		snprintf(maps, sizeof(maps), "a=rtpmap:0 PCMU/8000\r\n"
		    "a=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
		    "a=fmtp:101 0-15\r\n");
		mode = "sendrecv";
	} else if (c->te_pt >= 0) {
		snprintf(fmts, sizeof(fmts), "%d %d", c->pt, te);
		snprintf(maps, sizeof(maps), "a=rtpmap:%d %s/8000\r\n"
		    "a=rtpmap:%d telephone-event/8000\r\na=fmtp:%d 0-15\r\n",
		    c->pt, c->pt == 8 ? "PCMA" : "PCMU", te, te);
	} else {
		snprintf(fmts, sizeof(fmts), "%d", c->pt);
		snprintf(maps, sizeof(maps), "a=rtpmap:%d %s/8000\r\n", c->pt,
		    c->pt == 8 ? "PCMA" : "PCMU");
	}
	return (xasprintf("s=jubao\r\nc=IN IP4 %s\r\nt=0 0\r\n"
	    "m=audio %d RTP/AVP %s\r\n%sa=ptime:20\r\na=%s\r\n", addr,
	    c->port, fmts, maps, mode));
}

/*
 * sdp_answer - our SDP, whole; caller frees.  RFC 3264 §8: its o= version
 * goes up whenever what follows it changes (a hold answered recvonly, a
 * resume sendrecv), and only then: a peer may ignore an SDP whose version
 * it has seen.
 */
char *
sdp_answer(struct call *c, const char *addr, int offer)
{
	char	*body = sdp_body(c, addr, offer), *sdp;

	if (c->sdp_sent != NULL && strcmp(c->sdp_sent, body) != 0)
		c->sdp_version++;
	free(c->sdp_sent);
	c->sdp_sent = body;
	sdp = xasprintf("v=0\r\no=jubao %lu %lu IN IP4 %s\r\n%s",
	    c->sdp_session, c->sdp_version, addr, body);
	return (sdp);
}

