/*
 * NAME
 *	sip_media - RTP for one call: G.711 prompts out, recording and DTMF in
 * DESCRIPTION
 *	Receiving (RFC 3550): every packet is checked before use: length,
 *	version, CSRC count, header extension and padding must fit inside
 *	what arrived; a bad one is counted and logged (rate-limited), never
 *	trusted.  RTP is taken only from the signalling host (or the
 *	configured sip_rtp_sources) and the first good packet latches the
 *	send address (symmetric RTP, for callers behind NAT).
 *
 *	Recording: each audio packet is decoded to 16-bit PCM and written
 *	with pwrite at the place its timestamp says, so a reordered packet
 *	lands where it belongs and a lost one leaves a hole that reads back
 *	as silence.  Each SSRC has its own timestamp origin (a PBX may
 *	switch sources mid-call, and DTMF often comes from another one); a
 *	timestamp that jumps far from the wall clock is re-anchored.  The
 *	file is written as the packets arrive: a crash loses nothing the
 *	kernel got.
 *
 *	DTMF (RFC 4733): one key per (SSRC, timestamp, event); the repeated
 *	end packets (§2.5.1.4: sent three times) and retransmissions of the
 *	same event are counted once.
 *
 *	Sending: one packet per 20 ms from the media tick, paced by the
 *	monotonic clock (a late tick sends what is due); silence when no
 *	prompt plays, so the caller's NAT binding and our latching stay.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

#include "crypt.h"
#include "evidence.h"
#include "log.h"
#include "sip.h"

static int	 next_port;	/* rotating cursor over the RTP range */

/* g711_ulaw - ITU-T G.711 u-law encoding of one sample */
uint8_t
g711_ulaw(int16_t s)
{
	int	 sign = 0, exp, mant, v = s;

	if (v < 0) {
		v = -v;
		sign = 0x80;
	}
	if (v > 32635)
		v = 32635;
	v += 0x84;
	for (exp = 7; exp > 0 && !(v & (0x4000 >> (7 - exp))); exp--)
		;
	mant = (v >> (exp + 3)) & 0x0f;
	return ((uint8_t)~(sign | exp << 4 | mant));
}

/* g711_ulaw_dec - one u-law byte to a sample */
int16_t
g711_ulaw_dec(uint8_t u)
{
	int	 t;

	u = ~u;
	t = ((u & 0x0f) << 3) + 0x84;
	t <<= (u & 0x70) >> 4;
	return ((int16_t)((u & 0x80) ? 0x84 - t : t - 0x84));
}

/* g711_alaw - ITU-T G.711 A-law encoding of one sample */
uint8_t
g711_alaw(int16_t s)
{
	int	 v = s, mask, seg, aval;

	if (v >= 0)
		mask = 0xd5;
	else {
		mask = 0x55;
		v = -v - 1;
	}
	v >>= 3;
	for (seg = 0; seg < 8 && v > (0x1f << seg) + ((1 << seg) - 1); seg++)
		;
	if (v > 0xfff)
		seg = 8;
	if (seg >= 8)
		return ((uint8_t)(0x7f ^ mask));
	aval = seg << 4;
	aval |= seg < 2 ? (v >> 1) & 0x0f : (v >> seg) & 0x0f;
	return ((uint8_t)(aval ^ mask));
}

/* g711_alaw_dec - one A-law byte to a sample */
int16_t
g711_alaw_dec(uint8_t a)
{
	int	 t, seg;

	a ^= 0x55;
	t = (a & 0x0f) << 4;
	seg = (a & 0x70) >> 4;
	switch (seg) {
	case 0: t += 8; break;
	case 1: t += 0x108; break;
	default: t += 0x108; t <<= seg - 1;
	}
	return ((int16_t)((a & 0x80) ? t : -t));
}

/*
 * rtp_open - bind an even port of the configured range on addr for the
 * call (RTCP would take the odd one; we do not use it).  0 or -1.
 */
int
rtp_open(struct call *c, const struct cfg *cfg, const char *addr)
{
	struct sockaddr_in	 sin;
	int			 fd, lo, hi, span, i, port, fl;

	lo = (int)(cfg->sip_rtp_port_min + 1) & ~1;
	hi = (int)cfg->sip_rtp_port_max;
	span = (hi - lo) / 2 + 1;
	if (span < 1)
		return (-1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1) {
		log_error("sip_rtp_address %s: not an IPv4 address", addr);
		return (-1);
	}
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0) {
		log_warn("RTP socket");
		return (-1);
	}
	for (i = 0; i < span; i++) {
		port = lo + 2 * ((next_port + i) % span);
		sin.sin_port = htons((uint16_t)port);
		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0) {
			next_port = (next_port + i + 1) % span;
			fl = fcntl(fd, F_GETFL);
			fcntl(fd, F_SETFL, fl | O_NONBLOCK);
			fcntl(fd, F_SETFD, FD_CLOEXEC);
			fl = 256 * 1024;
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &fl, sizeof(fl));
			c->fd = fd;
			c->port = port;
			c->tx_ssrc = randombytes_random();
			c->tx_ts = randombytes_random();
			c->tx_seq = (uint16_t)randombytes_random();
			c->tx_marker = 1;
			return (0);
		}
	}
	close(fd);
	log_error("%s: no free RTP port in %d..%d", c->tag, lo, hi);
	return (-1);
}

/* rtp_close - close the socket */
void
rtp_close(struct call *c)
{
	ua_media_detach(c);
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

/* rtp_source_allowed - may RTP come from this address */
int
rtp_source_allowed(const struct call *c, struct in_addr a)
{
	const strlist	*l = &c->rt->cfg->sip_rtp_sources;
	char		 s[INET_ADDRSTRLEN];
	size_t		 i;

	if (a.s_addr == c->sig_addr.s_addr)
		return (1);
	inet_ntop(AF_INET, &a, s, sizeof(s));
	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], "any") == 0 || strcmp(l->v[i], s) == 0)
			return (1);
	return (0);
}

/* rtp_dest_listed - is this address one of sip_rtp_sources by name ("any" is not) */
int
rtp_dest_listed(const struct call *c, struct in_addr a)
{
	const strlist	*l = &c->rt->cfg->sip_rtp_sources;
	char		 s[INET_ADDRSTRLEN];
	size_t		 i;

	inet_ntop(AF_INET, &a, s, sizeof(s));
	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return (1);
	return (0);
}

/* rtp_play - queue a prompt */
void
rtp_play(struct call *c, int prompt)
{
	if (c->qn < (int)(sizeof(c->q) / sizeof(c->q[0])))
		c->q[c->qn++] = prompt;
}

/* rtp_play_digits - queue a number, digit by digit */
void
rtp_play_digits(struct call *c, const char *digits)
{
	for (; *digits; digits++)
		if (*digits >= '0' && *digits <= '9')
			rtp_play(c, PR_DIGIT0 + (*digits - '0'));
}

/* rtp_stop_playing - drop the queue (barge-in) */
void
rtp_stop_playing(struct call *c)
{
	c->qn = c->qi = 0;
	c->qoff = 0;
	c->play_done_ms = now_ms();
}

/* rtp_playing - is a prompt still playing */
int
rtp_playing(const struct call *c)
{
	return (c->qi < c->qn);
}

/* send_packet - one 20 ms packet: the next prompt frame or silence */
static void
send_packet(struct call *c)
{
	unsigned char		 pkt[12 + SIP_FRAME];
	const struct prompt	*p;
	int			 pt = c->pt;

	pkt[0] = 0x80;
	if (c->qi < c->qn) {
		p = &RT_PROMPTS(c->rt)->p[c->q[c->qi]];
		memcpy(pkt + 12, (pt == 8 ? p->alaw : p->ulaw) + c->qoff,
		    SIP_FRAME);
		if (c->qoff == 0)
			c->tx_marker = 1;	/* a talkspurt begins */
		c->qoff += SIP_FRAME;
		if (c->qoff >= p->n) {
			c->qoff = 0;
			if (++c->qi == c->qn) {
				c->qi = c->qn = 0;
				c->play_done_ms = now_ms();
			}
		}
	} else
		memset(pkt + 12, pt == 8 ? 0xd5 : 0xff, SIP_FRAME);
	pkt[1] = (unsigned char)((c->tx_marker ? 0x80 : 0) | pt);
	c->tx_marker = 0;
	pkt[2] = c->tx_seq >> 8;
	pkt[3] = c->tx_seq & 0xff;
	pkt[4] = c->tx_ts >> 24;
	pkt[5] = (c->tx_ts >> 16) & 0xff;
	pkt[6] = (c->tx_ts >> 8) & 0xff;
	pkt[7] = c->tx_ts & 0xff;
	pkt[8] = c->tx_ssrc >> 24;
	pkt[9] = (c->tx_ssrc >> 16) & 0xff;
	pkt[10] = (c->tx_ssrc >> 8) & 0xff;
	pkt[11] = c->tx_ssrc & 0xff;
	c->tx_seq++;
	c->tx_ts += SIP_FRAME;
	if (c->remote_ok && c->mode_send && c->fd >= 0 &&
	    sendto(c->fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&c->remote,
	    sizeof(c->remote)) < 0 && errno != EAGAIN && errno != ECONNREFUSED)
		log_debug("%s: RTP send: %s", c->tag, strerror(errno));
}

/* rtp_tick - send what is due by now (20 ms pacing, catching up) */
void
rtp_tick(struct call *c, int64_t now)
{
	int	 n = 0;

	if (c->fd < 0)
		return;
	if (c->tx_next_ms == 0)
		c->tx_next_ms = now;
	/* far behind (the loop was stalled): skip, do not burst */
	if (now - c->tx_next_ms > 200) {
		c->tx_next_ms = now;
		c->tx_marker = 1;
	}
	while (c->tx_next_ms <= now && n++ < 10) {
		send_packet(c);
		c->tx_next_ms += SIP_PTIME;
	}
}

/*
 * rec_start - open the recording (a WAV with an unknown length) and its
 * sidecar, sip_recordings_dir/TIME-TAG.wav.part and TIME-TAG.meta.  The
 * sidecar holds who called, sealed (crypt_seal): recovery needs it to make
 * the case after a crash.  New files only, never through a link.  0 or -1.
 */
int
rec_start(struct call *c)
{
	const struct cfg	*cfg = c->rt->cfg;
	char			*meta, *sealed;
	size_t			 len;
	int			 fd;

	c->rec_path = xasprintf("%s/%ld-%s.wav.part", cfg->sip_recordings_dir,
	    (long)c->started, c->tag);
	c->meta_path = xasprintf("%s/%ld-%s.meta", cfg->sip_recordings_dir,
	    (long)c->started, c->tag);
	meta = xasprintf("call_id=%s\nstarted=%ld\ncategory=%s\nkeys=%s\n"
	    "from_name=%s\nfrom_number=%s\npai_name=%s\npai_number=%s\n"
	    "peer=%s\ntrusted=%d\n", c->call_id, (long)c->started,
	    c->cat ? c->cat->key : "other", c->keys,
	    c->from_name ? c->from_name : "", c->from_number ? c->from_number : "",
	    c->pai_name ? c->pai_name : "", c->pai_number ? c->pai_number : "",
	    c->peer, c->trusted);
	sealed = crypt_seal(crypt_get(), meta);
	free(meta);
	len = strlen(sealed);
	/* the sidecar first: recovery needs it to make the case */
	if ((fd = open(c->meta_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) < 0 || write(fd, sealed, len) != (ssize_t)len ||
	    fsync(fd) < 0) {
		log_warn("%s: %s", c->tag, c->meta_path);
		if (fd >= 0)
			close(fd);
		free(sealed);
		return (-1);
	}
	close(fd);
	free(sealed);
	if ((fd = open(c->rec_path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) < 0 || wav_header(fd, 0xffffffff) < 0) {
		log_warn("%s: %s", c->tag, c->rec_path);
		if (fd >= 0)
			close(fd);
		return (-1);
	}
	c->rec_fd = fd;
	c->rec_start_ms = now_ms();
	c->last_voice_ms = c->rec_start_ms;
	c->rec_end = 0;
	memset(c->src, 0, sizeof(c->src));
	return (0);
}

/* rec_stop - stop taking audio (the file stays open for the commit) */
void
rec_stop(struct call *c)
{
	if (c->state == CS_RECORD)
		c->state = CS_COMMIT;
}

/* rec_write - place one decoded packet by its timestamp */
static void
rec_write(struct call *c, uint32_t ssrc, uint32_t ts, const int16_t *pcm,
    size_t n, int64_t now)
{
	const struct cfg	*cfg = c->rt->cfg;
	struct rec_src		*s = NULL;
	int64_t			 wall = (now - c->rec_start_ms) * (SIP_RATE / 1000);
	int64_t			 pos, max = cfg->sip_record_max * SIP_RATE;
	size_t			 i;
	long			 energy = 0;
	unsigned char		 le[2 * 1024];

	for (i = 0; i < 4; i++)
		if (c->src[i].used && c->src[i].ssrc == ssrc) {
			s = &c->src[i];
			break;
		}
	if (s == NULL) {
		for (i = 0; i < 4 && c->src[i].used; i++)
			;
		if (i == 4)
			i = 3;		/* a fifth source replaces the last */
		s = &c->src[i];
		s->used = 1;
		s->ssrc = ssrc;
		s->ref_ts = ts;
		/* the first source starts the recording; a later one is
		 * placed by the wall clock */
		s->ref_pos = c->rec_end == 0 && i == 0 ? 0 : wall;
		if (i > 0)
			log_info("%s: audio from a further SSRC %08x",
			    c->tag, ssrc);
	}
	pos = s->ref_pos + (int32_t)(ts - s->ref_ts);
	if (pos - wall > 3 * SIP_RATE || wall - pos > 3 * SIP_RATE) {
		log_info("%s: RTP timestamp jump of %+lld ms on SSRC %08x: "
		    "re-anchored", c->tag, (long long)(pos - wall) / 8, ssrc);
		s->ref_ts = ts;
		s->ref_pos = pos = wall;
	}
	if (pos < 0) {
		c->pkts_late++;
		return;
	}
	if (n > 1024)
		n = 1024;
	if (pos + (int64_t)n > max)
		n = pos >= max ? 0 : (size_t)(max - pos);
	for (i = 0; i < n; i++) {
		le[2 * i] = (unsigned char)(pcm[i] & 0xff);
		le[2 * i + 1] = (unsigned char)((uint16_t)pcm[i] >> 8);
		energy += pcm[i] < 0 ? -pcm[i] : pcm[i];
	}
	if (n > 0 && pwrite(c->rec_fd, le, 2 * n, 44 + 2 * pos) !=
	    (ssize_t)(2 * n))
		log_warn("%s: writing the recording", c->tag);
	if (pos + (int64_t)n > c->rec_end)
		c->rec_end = pos + (int64_t)n;
	/* about -40 dBFS mean: a voice, not line noise */
	if (n > 0 && energy / (long)n > 300)
		c->last_voice_ms = now;
	if (c->rec_end >= max) {
		snprintf(c->end_reason, sizeof(c->end_reason), "max_length");
		rec_stop(c);
	}
}

/* bad - count a bad packet; true for the 1st, 501st... of its kind */
static int
bad(struct call *c, int kind)
{
	c->pkts_bad++;
	return (c->bad_kind[kind]++ % 500 == 0);
}

/* dtmf_event - RFC 4733 telephone-event payload */
static void
dtmf_event(struct call *c, uint32_t ssrc, uint32_t ts, const unsigned char *p,
    size_t len, int64_t now)
{
	static const char keys[] = "0123456789*#ABCD";
	int	 ev;

	if (len < 4) {
		if (bad(c, 3))
				log_info("%s: telephone-event payload of %zu bytes "
			    "ignored", c->tag, len);
		return;
	}
	ev = p[0];
	if (ev > 15) {
		log_debug("%s: telephone-event %d (not a key) ignored", c->tag, ev);
		return;
	}
	/* RFC 4733 §2.5.1: one event keeps its timestamp in every packet,
	 * the end packet (E bit) is sent three times: count it once */
	if (ssrc == c->dt_ssrc && ts == c->dt_ts && ev == c->dt_event &&
	    now - c->dt_last_ms < 2000) {
		c->dt_last_ms = now;
		return;
	}
	c->dt_ssrc = ssrc;
	c->dt_ts = ts;
	c->dt_event = ev;
	c->dt_last_ms = now;
	call_digit(c, keys[ev], "rfc4733");
}

/* rtp_packet - check and dispatch one datagram */
static void
rtp_packet(struct call *c, const unsigned char *b, size_t len,
    const struct sockaddr_in *from, int64_t now)
{
	size_t		 hl, pad = 0, i, n;
	int		 pt;
	uint32_t	 ts, ssrc;
	int16_t		 pcm[1024];

	if (!rtp_source_allowed(c, from->sin_addr)) {
		if (c->pkts_foreign++ % 500 == 0)
			log_info("%s: RTP from a source that is not the "
			    "signalling host ignored (%ld so far; see "
			    "sip_rtp_sources)", c->tag, c->pkts_foreign);
		return;
	}
	if (len < 12 || (b[0] >> 6) != 2) {
		if (bad(c, 0))
			log_info("%s: not an RTP packet (%zu bytes, version "
			    "%d) ignored", c->tag, len, len ? b[0] >> 6 : -1);
		return;
	}
	pt = b[1] & 0x7f;
	if (pt >= 72 && pt <= 76)	/* RTCP multiplexed (RFC 5761) */
		return;
	hl = 12 + 4 * (size_t)(b[0] & 0x0f);
	if ((b[0] & 0x10) && hl + 4 <= len)
		hl += 4 + 4 * (size_t)((b[hl + 2] << 8) | b[hl + 3]);
	else if (b[0] & 0x10)
		hl = len + 1;
	if (hl <= len && (b[0] & 0x20)) {
		pad = b[len - 1];
		if (pad == 0 || pad > len - hl)
			hl = len + 1;
	}
	if (hl > len) {
		if (bad(c, 1))
			log_info("%s: RTP header (CSRC, extension or padding) "
			    "longer than the packet: ignored", c->tag);
		return;
	}
	n = len - hl - pad;
	ts = (uint32_t)b[4] << 24 | (uint32_t)b[5] << 16 | (uint32_t)b[6] << 8 | b[7];
	ssrc = (uint32_t)b[8] << 24 | (uint32_t)b[9] << 16 |
	    (uint32_t)b[10] << 8 | b[11];
	if ((c->te_pt < 0 || pt != c->te_pt) && pt != 0 && pt != 8) {
		if (bad(c, 2))
			log_info("%s: RTP payload type %d not negotiated: "
			    "ignored", c->tag, pt);
		return;
	}
	c->pkts_in++;
	if (!c->latched) {
		/* symmetric RTP: answer where the caller's media comes from */
		c->remote = *from;
		c->remote_ok = 1;
		c->latched = 1;
		log_debug("%s: RTP latched", c->tag);
	}
	if (c->te_pt >= 0 && pt == c->te_pt) {
		dtmf_event(c, ssrc, ts, b + hl, n, now);
		return;
	}
	if (c->state != CS_RECORD || c->rec_fd < 0 || n == 0)
		return;
	if (n > sizeof(pcm) / sizeof(pcm[0]))
		n = sizeof(pcm) / sizeof(pcm[0]);
	for (i = 0; i < n; i++)
		pcm[i] = pt == 0 ? g711_ulaw_dec(b[hl + i]) :
		    g711_alaw_dec(b[hl + i]);
	rec_write(c, ssrc, ts, pcm, n, now);
}

/* rtp_readable - read every datagram waiting on the call's socket */
void
rtp_readable(struct call *c)
{
	unsigned char		 b[2048];
	struct sockaddr_in	 from;
	socklen_t		 fl;
	ssize_t			 n;
	int64_t			 now = now_ms();
	int			 k;

	for (k = 0; k < 64 && c->fd >= 0; k++) {
		fl = sizeof(from);
		n = recvfrom(c->fd, b, sizeof(b), 0, (struct sockaddr *)&from, &fl);
		if (n < 0)
			break;
		if (fl != sizeof(from) || from.sin_family != AF_INET)
			continue;
		rtp_packet(c, b, (size_t)n, &from, now);
		if (c->state == CS_DONE)
			break;
	}
}
