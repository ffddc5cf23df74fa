/*
 * NAME
 *	fuzz_rtp - libFuzzer target: RTP datagrams arriving for a call
 * DESCRIPTION
 *	rtp_packet (sip_media.c, static, hence the #include) checks and
 *	dispatches every datagram: audio to the recording, telephone-events
 *	to the call's key handling (the real sip_call.c).  The input:
 *
 *	  byte 0    the call: bits 0-1 its state (0 greeting, 1 recording,
 *		    2 read-back, 3 menu), bit 2 telephone-event negotiated
 *		    (101), bit 3 PCMA rather than PCMU, bit 4 a foreign
 *		    source address
 *	  then      datagrams, each a 2-byte big-endian length and the
 *		    bytes (the format of tests/data/hostile/sip/ *.rtp);
 *		    a short last record takes what is left
 *
 *	The clock advances 20 ms a datagram.  The recording goes to a memfd.
 *	Seeds: tests/fuzz/seeds/rtp.
 */
#include "../../sip/sip_media.c"

#include "fuzz.h"
#include "sip_stubs.h"

static struct runtime	*rt;
static int		 rec;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_init("fuzz_rtp", 1, NULL);
	rt = fz_runtime(JB_TOP);
	if ((rec = memfd_create("jubao-fuzz-rec", 0)) < 0)
		abort();
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum call_state states[] = { CS_GREETING, CS_RECORD,
	    CS_READBACK, CS_MENU };
	struct call		 c;
	struct sockaddr_in	 from;
	size_t			 off = 1, len;

	if (size < 1)
		return (0);
	memset(&c, 0, sizeof(c));
	snprintf(c.tag, sizeof(c.tag), "fuzz");
	snprintf(c.case_no, sizeof(c.case_no), "261123000017");
	snprintf(c.pin, sizeof(c.pin), "123456");
	c.rt = rt;
	c.fd = -1;
	c.rec_fd = -1;
	c.pt = data[0] & 8 ? 8 : 0;
	c.te_pt = data[0] & 4 ? 101 : -1;
	c.dt_event = -1;
	c.sig_addr.s_addr = htonl(INADDR_LOOPBACK);
	memset(&from, 0, sizeof(from));
	from.sin_family = AF_INET;
	from.sin_port = htons(40002);
	from.sin_addr.s_addr = htonl(data[0] & 16 ? 0xc0000201 : INADDR_LOOPBACK);
	fz_now_ms += 100000;
	if (states[data[0] & 3] == CS_RECORD) {
		if (ftruncate(rec, 0) < 0)
			abort();
		c.rec_fd = rec;
		c.rec_start_ms = c.last_voice_ms = fz_now_ms;
	}
	c.state = states[data[0] & 3];
	while (off < size && c.state != CS_DONE) {
		if (size - off < 2) {
			len = size - off;
		} else {
			len = (size_t)data[off] << 8 | data[off + 1];
			off += 2;
			if (len > size - off)
				len = size - off;
		}
		rtp_packet(&c, data + off, len, &from, fz_now_ms);
		off += len;
		fz_now_ms += SIP_PTIME;
	}
	return (0);
}
