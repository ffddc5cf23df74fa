/*
 * NAME
 *	ack - acknowledgements: who gets one, and the messages themselves
 * DESCRIPTION
 *	ack_init loads and test-renders the templates (so "-n" catches a
 *	broken one).  The renderers build what a new case owes, for the
 *	intake pipeline (intake.c) to commit in the case's transaction: the
 *	acknowledgement of a report or a supplement (ack_render: the
 *	recipient, whether RFC 3834 forbids the reply, the whole message by
 *	GMime), a caller's SMS (ack_sms) and the call centre's notice of a
 *	call (ack_staff_notice).  Acknowledgements go out with a null
 *	envelope sender, so they never bounce back to us.
 *
 *	Our Message-IDs are jubao.CASE.KIND.NONCE.MAC@message_id_domain: the
 *	MAC (keyed BLAKE2b, key_file's MAC key) proves that a reply refers to
 *	a message we sent, which only its recipient, the reporter, received.
 *	A reply acts on a case only with that proof and from the reporter's
 *	own address (issue "Hostile senders", finding 3).
 */
#ifndef JUBAO_ACK_H
#define JUBAO_ACK_H

#include "cfg.h"
#include "classify.h"
#include "report.h"

enum { ACK_LANG_ZH, ACK_LANG_EN, ACK_NLANG };
/* ack-web: a report made on our web form, mailed to the address typed in
 * it, which nobody has confirmed: the case number and nothing else */
enum { ACK_KIND_ACK, ACK_KIND_SUPPLEMENT, ACK_KIND_WEB, ACK_NKIND };

struct ack_ctx {
	const struct cfg	*cfg;
	const struct categories	*cats;
	char			*tmpl[ACK_NLANG][ACK_NKIND];
};

/* a message a case owes, as rendered: owned strings, owed_clear frees */
struct owed {
	const char	*kind;		/* ack, supplement, feedback, staff_notice */
	const char	*channel;	/* email, sip, callback */
	char		*recipient;	/* NULL: nobody to tell */
	char		*env_from;	/* "" the null sender */
	char		*message_id;
	char		*message;
	char		*suppress;	/* why it is not sent; NULL: it is */
	char		*detail;	/* for the ledger, when it is sent */
};

void	 owed_clear(struct owed *);
int	 ack_init(struct ack_ctx *, const struct cfg *, const struct categories *,
	    buf *err);
void	 ack_free(struct ack_ctx *);
int	 ack_render(const struct ack_ctx *, const struct report *,
	    const char *kind, const char *case_no, const char *pin,
	    time_t deadline, unsigned missing, struct owed *out);
void	 ack_sms(const struct cfg *, const char *number, const char *case_no,
	    const char *pin, struct owed *out);
void	 ack_staff_notice(const struct cfg *, const struct report *,
	    const char *case_no, time_t deadline, const char *summary,
	    const char *wav, struct owed *out);
const char *ack_recipient(const struct report *);
char	*ack_suppress_reason(const struct cfg *, const struct report *);
int	 ack_is_our_message_id(const struct cfg *, const char *id);
char	*ack_message_id(const struct cfg *, const char *case_no,
	    const char *kind, const char *nonce);
int	 ack_id_case(const char *id, char *case_no, size_t len, char *kind,
	    size_t klen, char *nonce, size_t nlen);
int	 addr_plain(const char *addr);
char	*mail_build(const char *from_name, const char *from_addr,
	    const char *to, const char *subject, const char *body,
	    const char *message_id, const char *in_reply_to,
	    const char *auto_submitted);

#endif
