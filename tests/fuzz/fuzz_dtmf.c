/*
 * NAME
 *	fuzz_dtmf - libFuzzer target: keys by SIP INFO and by RFC 4733
 * DESCRIPTION
 *	Both ways a key reaches a call, into the real key handling of
 *	sip_call.c (menu, recording, read-back).  The input:
 *
 *	  byte 0    bit 0: 0 SIP INFO, 1 RFC 4733; bits 1-2 the call's state
 *		    (greeting, recording, read-back, menu)
 *	  INFO      byte 1 picks the Content-Type (0 application/dtmf-relay,
 *		    1 application/dtmf, 2 the first line of the rest); the
 *		    rest is the body, given to dtmf_from_info (sip_ua.c) a
 *		    line at a time and whole
 *	  RFC 4733  records: 1 byte timestamp step, 1 byte SSRC, 1 byte
 *		    length, that many payload bytes, to dtmf_event
 *		    (sip_media.c, static: both files are #included here)
 *
 *	Seeds: tests/fuzz/seeds/dtmf.
 */
#include "../../sip/sip_ua.c"
#include "../../sip/sip_media.c"

#include "fuzz.h"
#include "sip_stubs.h"

static struct runtime	*rt;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_init("fuzz_dtmf", 1, NULL);
	rt = fz_runtime(JB_TOP);
	return (0);
}

/* info_keys - the INFO path: whole body, then line by line */
static void
info_keys(struct call *c, const uint8_t *data, size_t size)
{
	static const char *const types[] = { "application/dtmf-relay",
	    "application/dtmf" };
	char	*s, *ctype, *body, *line, *save = NULL;
	int	 key;

	if (size < 1)
		return;
	s = fz_str(data + 1, size - 1);
	if (data[0] % 3 < 2) {
		ctype = xstrdup(types[data[0] % 3]);
		body = s;
	} else {
		body = strchr(s, '\n');
		if (body != NULL)
			*body++ = '\0';
		else
			body = s + strlen(s);
		ctype = xstrdup(s);
	}
	if ((key = dtmf_from_info(ctype, body)) >= 0)
		call_digit(c, key, "SIP INFO");
	for (line = strtok_r(body, "\r\n", &save); line != NULL;
	    line = strtok_r(NULL, "\r\n", &save))
		if ((key = dtmf_from_info(ctype, line)) >= 0)
			call_digit(c, key, "SIP INFO");
	free(ctype);
	free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum call_state states[] = { CS_GREETING, CS_RECORD,
	    CS_READBACK, CS_MENU };
	struct call	 c;
	size_t		 off = 1, len;
	uint32_t	 ts = 0;

	if (size < 1)
		return (0);
	memset(&c, 0, sizeof(c));
	snprintf(c.tag, sizeof(c.tag), "fuzz");
	snprintf(c.case_no, sizeof(c.case_no), "261123000017");
	snprintf(c.pin, sizeof(c.pin), "123456");
	c.rt = rt;
	c.fd = -1;
	c.rec_fd = -1;
	c.te_pt = 101;
	c.dt_event = -1;
	c.state = states[(data[0] >> 1) & 3];
	fz_now_ms += 100000;
	if ((data[0] & 1) == 0) {
		info_keys(&c, data + 1, size - 1);
		return (0);
	}
	while (off + 3 <= size) {
		ts += data[off] * 160u;
		len = data[off + 2];
		off += 3;
		if (len > size - off)
			len = size - off;
		dtmf_event(&c, data[off - 2], ts, data + off, len, fz_now_ms);
		off += len;
		fz_now_ms += SIP_PTIME;
	}
	return (0);
}
