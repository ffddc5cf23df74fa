/*
 * NAME
 *	ack - acknowledgements: who gets one, and the message itself
 * DESCRIPTION
 *	ack_init loads and test-renders the templates (so "-n" catches a
 *	broken one); ack_render is the store_render_fn the intake calls inside
 *	its transaction: it decides the recipient, whether RFC 3834 forbids
 *	the reply, and builds the whole message with GMime.  Acknowledgements
 *	go out with a null envelope sender, so they never bounce back to us.
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
#include "store.h"

enum { ACK_LANG_ZH, ACK_LANG_EN, ACK_NLANG };
enum { ACK_KIND_ACK, ACK_KIND_SUPPLEMENT, ACK_NKIND };

struct ack_ctx {
	const struct cfg	*cfg;
	const struct categories	*cats;
	char			*tmpl[ACK_NLANG][ACK_NKIND];
};

int	 ack_init(struct ack_ctx *, const struct cfg *, const struct categories *,
	    buf *err);
void	 ack_free(struct ack_ctx *);
int	 ack_render(void *ctx, const struct report *, const char *case_no,
	    const char *pin, time_t deadline, unsigned missing,
	    struct store_msg *out);
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
