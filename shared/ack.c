/*
 * NAME
 *	ack - acknowledgements: recipient, RFC 3834 suppression, rendering
 * DESCRIPTION
 *	RFC 3834 §2: no automatic response to a null sender, MAILER-DAEMON,
 *	an Auto-Submitted message, a list message or bulk mail; §3.1.5:
 *	our own responses carry Auto-Submitted: auto-replied.  We add: no
 *	acknowledgement to a sender whose SPF check failed (the From is
 *	probably forged, and the reporter's identity must not leak to it).
 */
#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <gmime/gmime.h>
#include <sodium.h>

#include "ack.h"
#include "crypt.h"
#include "log.h"
#include "tmpl.h"

static const char *const lang_dir[ACK_NLANG] = { "zh-CN", "en" };
static const char *const kind_name[ACK_NKIND] = { "ack", "supplement",
	"ack-web" };

/* vars_fill - the template variables of one acknowledgement */
static size_t
vars_fill(struct tmpl_var *v, const struct cfg *cfg, const char *case_no,
    const char *pin,
    const char *category, const char *received, const char *deadline,
    const char *site, const char *urls, const char *evidence,
    const char *missing, const char *enterprise)
{
	size_t	 n = 0;

	v[n].name = "case"; v[n++].value = case_no;
	v[n].name = "pin"; v[n++].value = pin;
	v[n].name = "category"; v[n++].value = category;
	v[n].name = "received"; v[n++].value = received;
	v[n].name = "deadline"; v[n++].value = deadline;
	v[n].name = "site"; v[n++].value = site;
	v[n].name = "urls"; v[n++].value = urls;
	v[n].name = "evidence"; v[n++].value = evidence;
	v[n].name = "missing"; v[n++].value = missing;
	v[n].name = "enterprise"; v[n++].value = enterprise;
	/* how to ask how the case stands (lookup.c) */
	v[n].name = "key"; v[n++].value = cfg->sip_query_key;
	v[n].name = "web"; v[n++].value = cfg->web_public_url;
	return (n);
}

/* ack_init - load every template and render it once with sample values */
int
ack_init(struct ack_ctx *a, const struct cfg *cfg, const struct categories *cats,
    buf *err)
{
	struct tmpl_var	 v[16];
	size_t		 n, before = err->len;
	int		 l, k;
	char		*out, *subj, *body;

	memset(a, 0, sizeof(*a));
	a->cfg = cfg;
	a->cats = cats;
	n = vars_fill(v, cfg, "261123000017", "123456", "其他", "2026-11-23 10:00",
	    "2026-11-30 10:00", "example", "  https://x.example/1\n", "1",
	    "  1. x\n", "yes");
	for (l = 0; l < ACK_NLANG; l++)
		for (k = 0; k < ACK_NKIND; k++) {
			size_t	 mark = err->len;

			a->tmpl[l][k] = tmpl_load(cfg->template_dir, lang_dir[l],
			    kind_name[k], err);
			if (a->tmpl[l][k] == NULL)
				continue;
			if ((out = tmpl_render(a->tmpl[l][k], v, n, err)) == NULL) {
				buf_printf(err, "(in template %s/%s/%s.txt)\n",
				    cfg->template_dir, lang_dir[l], kind_name[k]);
				continue;
			}
			if (tmpl_split(out, &subj, &body) < 0)
				buf_printf(err, "%s/%s/%s.txt: the first line "
				    "must be 'Subject: ...'\n", cfg->template_dir,
				    lang_dir[l], kind_name[k]);
			else {
				free(subj);
				free(body);
			}
			free(out);
			(void)mark;
		}
	if (err->len > before) {
		ack_free(a);
		return (-1);
	}
	return (0);
}

/* ack_free - release the templates */
void
ack_free(struct ack_ctx *a)
{
	int	 l, k;

	for (l = 0; l < ACK_NLANG; l++)
		for (k = 0; k < ACK_NKIND; k++) {
			free(a->tmpl[l][k]);
			a->tmpl[l][k] = NULL;
		}
}

/* ack_is_our_message_id - did we make this Message-ID (a loop) */
int
ack_is_our_message_id(const struct cfg *cfg, const char *id)
{
	const char	*at;

	if (id == NULL || strncmp(id, "jubao.", 6) != 0 ||
	    (at = strrchr(id, '@')) == NULL)
		return (0);
	return (strcasecmp(at + 1, cfg->message_id_domain) == 0);
}

#define MID_MAC	10	/* bytes of MAC in our Message-IDs: 80 bits */

/* mid_mac - the MAC of "CASE.KIND.NONCE" as hex (2 * MID_MAC + 1) */
static void
mid_mac(const char *case_no, const char *kind, const char *nonce, char *hex)
{
	char	*m = xasprintf("mid:%s.%s.%s", case_no, kind, nonce);

	crypt_mac(crypt_get()->mac, m, MID_MAC, hex);
	free(m);
}

/*
 * ack_message_id - a Message-ID of ours for a message of kind about a
 * case: jubao.CASE.KIND.NONCE.MAC@message_id_domain, with a new random
 * NONCE when nonce is NULL (else the one given: the ID of a message sent
 * before); caller frees
 */
char *
ack_message_id(const struct cfg *cfg, const char *case_no, const char *kind,
    const char *given)
{
	char	 nonce[17], mac[2 * MID_MAC + 1];
	size_t	 i;

	if (given != NULL)
		snprintf(nonce, sizeof(nonce), "%s", given);
	else {
		for (i = 0; i < 8; i++)
			nonce[i] = "0123456789abcdef"[randombytes_uniform(16)];
		nonce[8] = '\0';
	}
	mid_mac(case_no, kind, nonce, mac);
	return (xasprintf("jubao.%s.%s.%s.%s@%s", case_no, kind, nonce, mac,
	    cfg->message_id_domain));
}

/*
 * ack_id_case - is id (with or without <>) one of our Message-IDs with a
 * good MAC: then 0, with its case number, kind and nonce; else -1 (not
 * ours, an old one without a MAC, a forged or changed one, or no key)
 */
int
ack_id_case(const char *id, char *case_no, size_t len, char *kind,
    size_t klen, char *nonce, size_t nlen)
{
	char		 f[4][40], mac[2 * MID_MAC + 1];
	const char	*p, *e;
	int		 i;

	if (id == NULL || crypt_get() == NULL)
		return (-1);
	if (*id == '<')
		id++;
	if (strncmp(id, "jubao.", 6) != 0)
		return (-1);
	/* four fields: CASE KIND NONCE MAC, each short */
	for (p = id + 6, i = 0; i < 4; i++) {
		for (e = p; *e && *e != '.' && *e != '@' && e - p < 39; e++)
			;
		if (e == p || (i < 3 ? *e != '.' : *e != '@'))
			return (-1);
		memcpy(f[i], p, (size_t)(e - p));
		f[i][e - p] = '\0';
		p = e + 1;
	}
	if (!caseno_valid(f[0]) || strlen(f[3]) != 2 * MID_MAC)
		return (-1);
	mid_mac(f[0], f[1], f[2], mac);
	if (sodium_memcmp(mac, f[3], sizeof(mac) - 1) != 0)
		return (-1);
	snprintf(case_no, len, "%s", f[0]);
	snprintf(kind, klen, "%s", f[1]);
	if (nonce != NULL)
		snprintf(nonce, nlen, "%s", f[2]);
	return (0);
}

/*
 * addr_plain - is addr a plain local@domain: a dot-atom local part (RFC
 * 5322 atext, no quotes, no spaces, no controls) and a host name.  Only
 * such an address is ever given to sendmail(1) or an SMTP RCPT TO: a
 * quoted local part can carry CR LF and with it SMTP commands to the
 * relay (issue "Hostile senders", finding 4).
 */
int
addr_plain(const char *addr)
{
	static const char atext[] = "!#$%&'*+/=?^_`{|}~-";
	const char	*at, *p, *label;
	size_t		 len;

	if (addr == NULL || (len = strlen(addr)) == 0 || len > 254 ||
	    (at = strrchr(addr, '@')) == NULL || at == addr || at - addr > 64)
		return (0);
	for (p = addr; p < at; p++) {
		if (*p == '.') {
			if (p == addr || p + 1 == at || p[1] == '.')
				return (0);
		} else if (!isalnum((unsigned char)*p) &&
		    strchr(atext, *p) == NULL)
			return (0);
	}
	for (label = p = at + 1;; p++) {
		if (*p == '.' || *p == '\0') {
			if (p == label || p - label > 63 || label[0] == '-' ||
			    p[-1] == '-')
				return (0);
			if (*p == '\0')
				return (1);
			label = p + 1;
		} else if (!isalnum((unsigned char)*p) && *p != '-')
			return (0);
	}
}

/* local_part_is - does addr's local part equal name, ignoring case */
static int
local_part_is(const char *addr, const char *name)
{
	size_t	 len = strlen(name);

	return (addr && strncasecmp(addr, name, len) == 0 && addr[len] == '@');
}

/* ack_suppress_reason - why no automatic message may go back; NULL: none */
char *
ack_suppress_reason(const struct cfg *cfg, const struct report *r)
{
	if (r->env_from != NULL && *r->env_from == '\0')
		return (xstrdup("RFC 3834: null envelope sender"));
	if (local_part_is(r->env_from, "mailer-daemon") ||
	    local_part_is(r->from_addr, "mailer-daemon") ||
	    local_part_is(r->env_from, "postmaster"))
		return (xstrdup("RFC 3834: message from MAILER-DAEMON or postmaster"));
	if (r->auto_reason != NULL)
		return (xasprintf("RFC 3834: %s", r->auto_reason));
	if (ack_is_our_message_id(cfg, r->message_id))
		return (xstrdup("loop: the message is one of ours"));
	if (r->spf != NULL && strcmp(r->spf, "fail") == 0)
		return (xstrdup("SPF fail: the sender address is probably forged"));
	if (r->env_from != NULL && *r->env_from != '\0' &&
	    !addr_plain(r->env_from))
		return (xstrdup("the envelope sender is not a plain address"));
	return (NULL);
}

/* domain_of - the part after the last @, or "" */
static const char *
domain_of(const char *addr)
{
	const char	*at = addr ? strrchr(addr, '@') : NULL;

	return (at ? at + 1 : "");
}

/*
 * ack_recipient - who gets the acknowledgement.  RFC 3834 §4: the envelope
 * sender, the address SPF vouched for.  The reporter's Reply-To or From is
 * used instead when it is in the same domain (a person's address, where the
 * envelope may be a bounce address); a From in another domain could be
 * anyone's, and we would be mailing a stranger.  Only a plain address
 * (addr_plain) is taken; NULL when the envelope sender is not one.
 */
const char *
ack_recipient(const struct report *r)
{
	const char	*env = r->env_from && *r->env_from ? r->env_from : NULL;
	const char	*dom = domain_of(env);

	if (env == NULL || !addr_plain(env))
		return (NULL);
	if (r->reply_to && addr_plain(r->reply_to) &&
	    strcasecmp(domain_of(r->reply_to), dom) == 0)
		return (r->reply_to);
	if (r->from_addr && addr_plain(r->from_addr) &&
	    strcasecmp(domain_of(r->from_addr), dom) == 0)
		return (r->from_addr);
	return (env);
}

/* fmt_time - local "YYYY-MM-DD HH:MM" */
static void
fmt_time(time_t t, char *out, size_t len)
{
	struct tm	 tm;

	localtime_r(&t, &tm);
	strftime(out, len, "%Y-%m-%d %H:%M", &tm);
}

/*
 * mail_build - a complete text/plain UTF-8 message (GMime encodes the
 * headers per RFC 2047); caller frees.  NULL never: GMime aborts on OOM.
 */
char *
mail_build(const char *from_name, const char *from_addr, const char *to,
    const char *subject, const char *body, const char *message_id,
    const char *in_reply_to, const char *auto_submitted)
{
	GMimeMessage	*m = g_mime_message_new(TRUE);
	GMimeTextPart	*tp = g_mime_text_part_new_with_subtype("plain");
	GDateTime	*now = g_date_time_new_now_local();
	char		*s, *out, *ref;

	g_mime_message_add_mailbox(m, GMIME_ADDRESS_TYPE_FROM, from_name,
	    from_addr);
	if (to != NULL)
		g_mime_message_add_mailbox(m, GMIME_ADDRESS_TYPE_TO, NULL, to);
	g_mime_message_set_subject(m, subject, "utf-8");
	g_mime_message_set_message_id(m, message_id);
	g_mime_message_set_date(m, now);
	if (in_reply_to != NULL && *in_reply_to != '\0') {
		ref = xasprintf("<%s>", in_reply_to);
		g_mime_object_set_header((GMimeObject *)m, "In-Reply-To", ref, NULL);
		g_mime_object_set_header((GMimeObject *)m, "References", ref, NULL);
		free(ref);
	}
	if (auto_submitted != NULL)
		g_mime_object_set_header((GMimeObject *)m, "Auto-Submitted",
		    auto_submitted, NULL);
	g_mime_text_part_set_text(tp, body);
	/* 8-bit text may meet a relay without 8BITMIME: base64 travels anywhere */
	g_mime_part_set_content_encoding((GMimePart *)tp,
	    GMIME_CONTENT_ENCODING_BASE64);
	g_mime_message_set_mime_part(m, (GMimeObject *)tp);
	s = g_mime_object_to_string((GMimeObject *)m, NULL);
	out = xstrdup(s);
	g_free(s);
	g_object_unref(tp);
	g_object_unref(m);
	g_date_time_unref(now);
	return (out);
}

/* owed_clear - release what a renderer filled in */
void
owed_clear(struct owed *m)
{
	free(m->recipient);
	free(m->env_from);
	free(m->message_id);
	free(m->message);
	free(m->suppress);
	free(m->detail);
	memset(m, 0, sizeof(*m));
}

/*
 * ack_render - the acknowledgement (kind "ack") of a report, or of a
 * supplement (kind "supplement"), into out: the recipient, why it may
 * not be sent (RFC 3834 and ours), and the whole message.  0, or -1 when
 * a template does not render (logged; the caller tempfails).
 */
int
ack_render(const struct ack_ctx *a, const struct report *r, const char *kind,
    const char *case_no, const char *pin, time_t deadline, unsigned missing,
    struct owed *out)
{
	const struct cfg	*cfg = a->cfg;
	const struct category	*cat;
	struct tmpl_var		 v[16];
	int			 l, k;
	size_t			 n, i, nev = 0;
	char			 received[32], due[32], nevs[16];
	char			*text, *subj = NULL, *body = NULL;
	const char		*to;
	unsigned		 bit;
	buf			 urls = { 0 }, miss = { 0 }, err = { 0 };

	out->kind = kind;
	out->channel = "email";
	l = r->lang && strcmp(r->lang, "en") == 0 ? ACK_LANG_EN : ACK_LANG_ZH;
	k = strcmp(kind, "supplement") == 0 ? ACK_KIND_SUPPLEMENT :
	    strcmp(r->channel, "web") == 0 ? ACK_KIND_WEB : ACK_KIND_ACK;
	cat = cat_find(a->cats, r->category ? r->category : "other");
	fmt_time(r->received_at, received, sizeof(received));
	fmt_time(deadline, due, sizeof(due));
	buf_adds(&urls, "");
	buf_adds(&miss, "");
	/* what a report says goes back only to a sender SPF or SMTP AUTH
	 * vouched for: to anyone else (a forged address, perhaps) the
	 * acknowledgement is short and names nothing the sender chose
	 * (issue "Hostile senders", finding 5) */
	for (i = 0; r->authenticated && i < r->urls.n && i < 20; i++)
		buf_printf(&urls, "    %s\n", r->urls.v[i]);
	for (i = 0; r->authenticated && i < r->accounts.n && i < 20; i++)
		buf_printf(&urls, "    @%s\n", r->accounts.v[i]);
	for (bit = 1, i = 1; bit <= ELEM_GUARANTEE; bit <<= 1)
		if (missing & bit)
			buf_printf(&miss, "  %zu. %s\n", i++, elem_describe(bit,
			    lang_dir[l]));
	for (i = 0; r->authenticated && i < r->nev; i++)
		if (!r->ev[i].original)
			nev++;
	snprintf(nevs, sizeof(nevs), "%zu", nev);
	n = vars_fill(v, a->cfg, case_no, pin, cat ? cat_name(cat, lang_dir[l]) :
	    r->category, received, due, cfg->site_name, urls.s,
	    nev ? nevs : "", miss.s, r->enterprise ? "yes" : "");
	text = tmpl_render(a->tmpl[l][k], v, n, &err);
	buf_free(&urls);
	buf_free(&miss);
	if (text == NULL || tmpl_split(text, &subj, &body) < 0) {
		log_error("case %s: template %s/%s: %s", case_no, lang_dir[l],
		    kind_name[k], err.s ? err.s : "no Subject line");
		free(text);
		buf_free(&err);
		return (-1);
	}
	free(text);
	buf_free(&err);

	to = ack_recipient(r);
	out->recipient = to ? str_lower_ascii(xstrdup(to)) : NULL;
	out->suppress = ack_suppress_reason(cfg, r);
	out->env_from = xstrdup("");
	if (!r->authenticated && out->suppress == NULL)
		out->detail = xasprintf("short: the sender is not "
		    "authenticated (SPF %s)", r->spf ? r->spf : "none");
	out->message_id = ack_message_id(cfg, case_no, out->kind, NULL);
	out->message = mail_build(cfg->ack_from_name, cfg->ack_from,
	    out->recipient, subj, body, out->message_id, r->message_id,
	    "auto-replied");
	free(subj);
	free(body);
	return (0);
}

/* digits_only - is s a telephone number (digits, an optional leading +) */
static int
digits_only(const char *s)
{
	if (s == NULL || *s == '\0')
		return (0);
	if (*s == '+')
		s++;
	if (*s == '\0')
		return (0);
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return (0);
	return (1);
}

/*
 * ack_sms - a caller's acknowledgement by SMS through the SIP MESSAGE
 * gateway (sip_sms_gateway): the case number and the receipt PIN, to the
 * number the call came from (NULL or not a number: suppressed)
 */
void
ack_sms(const struct cfg *cfg, const char *number, const char *case_no,
    const char *pin, struct owed *out)
{
	out->kind = "ack";
	out->channel = "sip";
	if (digits_only(number))
		out->recipient = xasprintf("sip:%s@%s", number,
		    cfg->sip_sms_gateway);
	else
		out->suppress = xstrdup("no caller number to send an SMS to");
	out->message = xasprintf("【%s】您的举报已受理，案件编号 %s，回执密码 %s。"
	    "请妥善保存；查询办理进度请拨打举报热线按%s键。", cfg->site_name,
	    case_no, pin, cfg->sip_query_key);
}

/*
 * ack_staff_notice - the notice of a call to the call centre's mailbox
 * (sip_staff_mailbox), with the recording attached as voicemail-to-email
 * does.  The caller's number is not in it: reporter identity is shown
 * only by an audited "jubaoctl show --reveal" (承诺书-5).
 */
void
ack_staff_notice(const struct cfg *cfg, const struct report *r,
    const char *case_no, time_t deadline, const char *summary, const char *wav,
    struct owed *out)
{
	GMimeMessage		*m;
	GMimeMultipart		*mp;
	GMimeTextPart		*tp;
	GMimePart		*ap;
	GMimeStream		*fs;
	GMimeDataWrapper	*dw;
	GDateTime		*now;
	char			*subj, *body, *s, rnd[9], due[32], *name;
	int			 fd, i;

	out->kind = "staff_notice";
	out->channel = "email";
	if (*cfg->sip_staff_mailbox == '\0') {
		out->suppress = xstrdup("no staff mailbox (sip_staff_mailbox)");
		return;
	}
	for (i = 0; i < 8; i++)
		rnd[i] = "0123456789abcdef"[randombytes_uniform(16)];
	rnd[8] = '\0';
	{
		struct tm	 tm;

		localtime_r(&deadline, &tm);
		strftime(due, sizeof(due), "%Y-%m-%d %H:%M:%S", &tm);
	}
	out->recipient = xstrdup(cfg->sip_staff_mailbox);
	out->env_from = xstrdup("");
	out->message_id = xasprintf("jubao.%s.staff.%s@%s", case_no, rnd,
	    cfg->message_id_domain);
	subj = xasprintf("[JB %s] 热线举报：%s", case_no, r->subject ?
	    r->subject : "");
	body = xasprintf("新的热线举报，案件编号 %s。\n\n%s\n办理期限：%s\n\n"
	    "录音见附件（SHA-256 %s）。来电号码已加密保存，需要时请用 "
	    "jubaoctl show --reveal %s 查看（该操作记入台账）。\n",
	    case_no, summary, due, r->nev ? r->ev[0].sha256 : "-", case_no);

	m = g_mime_message_new(TRUE);
	g_mime_message_add_mailbox(m, GMIME_ADDRESS_TYPE_FROM,
	    cfg->ack_from_name, cfg->ack_from);
	g_mime_message_add_mailbox(m, GMIME_ADDRESS_TYPE_TO, NULL,
	    cfg->sip_staff_mailbox);
	g_mime_message_set_subject(m, subj, "utf-8");
	g_mime_message_set_message_id(m, out->message_id);
	now = g_date_time_new_now_local();
	g_mime_message_set_date(m, now);
	g_date_time_unref(now);
	g_mime_object_set_header((GMimeObject *)m, "Auto-Submitted",
	    "auto-generated", NULL);
	g_mime_object_set_header((GMimeObject *)m, "X-Jubao-Case", case_no,
	    NULL);
	mp = g_mime_multipart_new_with_subtype("mixed");
	tp = g_mime_text_part_new_with_subtype("plain");
	g_mime_text_part_set_text(tp, body);
	g_mime_multipart_add(mp, (GMimeObject *)tp);
	if (wav != NULL && (fd = open(wav, O_RDONLY | O_CLOEXEC)) >= 0) {
		name = xasprintf("%s.wav", case_no);
		fs = g_mime_stream_fs_new(fd);
		dw = g_mime_data_wrapper_new_with_stream(fs,
		    GMIME_CONTENT_ENCODING_DEFAULT);
		ap = g_mime_part_new_with_type("audio", "wav");
		g_mime_part_set_content(ap, dw);
		g_mime_part_set_filename(ap, name);
		g_mime_part_set_content_encoding(ap,
		    GMIME_CONTENT_ENCODING_BASE64);
		g_mime_multipart_add(mp, (GMimeObject *)ap);
		g_object_unref(ap);
		g_object_unref(dw);
		g_object_unref(fs);
		free(name);
	}
	g_mime_message_set_mime_part(m, (GMimeObject *)mp);
	s = g_mime_object_to_string((GMimeObject *)m, NULL);
	out->message = xstrdup(s);
	g_free(s);
	g_object_unref(tp);
	g_object_unref(mp);
	g_object_unref(m);
	free(subj);
	free(body);
}
