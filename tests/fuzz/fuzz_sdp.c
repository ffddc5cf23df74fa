/*
 * NAME
 *	fuzz_sdp - libFuzzer target: an SDP offer as jubao-sipd takes it
 * DESCRIPTION
 *	Each input is the body of an INVITE: sdp_offer (sip_sdp.c, whose
 *	static helpers come with the #include) checks it with sofia-sip's parser and takes the
 *	remote address, codec and telephone-event type; when it is taken,
 *	our answer is written (sdp_answer), and the same body is offered
 *	again in the dialog (a re-INVITE: answer_only), as a PBX does.
 *	Seeds: tests/fuzz/seeds/sdp.
 */
#include "../../sip/sip_sdp.c"

#include "fuzz.h"
#include "sip_stubs.h"

static struct runtime	*rt;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_init("fuzz_sdp", 1, NULL);
	rt = fz_runtime(JB_TOP);
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct call	 c;
	const char	*why = NULL;
	char		*ans;

	memset(&c, 0, sizeof(c));
	c.rt = rt;
	inet_pton(AF_INET, "127.0.0.1", &c.sig_addr);
	snprintf(c.tag, sizeof(c.tag), "fuzz");
	c.pt = -1;
	c.te_pt = -1;
	c.fd = -1;
	c.port = 40000;
	c.sdp_session = 1;
	if (sdp_offer(&c, (const char *)data, size, 0, &why) == 0) {
		ans = sdp_answer(&c, "127.0.0.1", 0);
		free(ans);
		ans = sdp_answer(&c, "127.0.0.1", 1);
		free(ans);
		(void)sdp_offer(&c, (const char *)data, size, 1, &why);
	}
	free(c.sdp_sent);
	return (0);
}
