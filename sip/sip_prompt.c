/*
 * NAME
 *	sip_prompt - the voice prompts, and the WAV files of recordings
 * DESCRIPTION
 *	Prompts are WAV files in sip_prompt_dir (8 kHz mono, 16-bit PCM,
 *	u-law or A-law), generated at build time with espeak-ng from
 *	conf/prompts.txt and replaceable by recorded ones.  Each is loaded
 *	once, padded with silence to whole 20 ms packets and encoded to both
 *	G.711 laws, so that sending a packet is a copy.  A missing or
 *	unreadable prompt is a start-up error, named with its path.
 *
 *	Recordings are written as WAV from the first packet: the header says
 *	"unknown length" (0xffffffff) until wav_fixup writes the real one, so
 *	a crash leaves a file that players read and recovery repairs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "sip.h"

static const char *const prompt_names[PR_N] = {
	"greeting", "menu", "record", "beep", "caseno", "pin", "repeat",
	"goodbye", "tooshort", "failed", "busy",
	"digit0", "digit1", "digit2", "digit3", "digit4", "digit5", "digit6",
	"digit7", "digit8", "digit9",
	/* the status query: its own words, then the statuses */
	[PR_MENU_STAR] = "menu_star",
	[PR_Q_CASENO] = "q_caseno", [PR_Q_PIN] = "q_pin",
	[PR_Q_DENIED] = "q_denied", [PR_Q_LIMITED] = "q_limited",
	[PR_Q_NUMBER] = "q_number", [PR_Q_DEADLINE] = "q_deadline",
	[PR_Q_DECIDED] = "q_decided", [PR_Q_HINT] = "q_hint",
	[PR_Q_BYE] = "q_bye",
	[PR_TEN] = "ten", [PR_MONTH] = "month", [PR_DAY] = "day",
	[PR_ST_RECEIVED] = "st_received",
	[PR_ST_AWAITING] = "st_awaiting_materials",
	[PR_ST_ACCEPTED] = "st_accepted",
	[PR_ST_ESCALATED] = "st_escalated",
	[PR_ST_REOPENED] = "st_reopened",
	[PR_ST_DISPOSED] = "st_disposed",
	[PR_ST_NOT_ACCEPTED] = "st_not_accepted",
	[PR_ST_REFUSED_MALICIOUS] = "st_refused_malicious",
	[PR_ST_TRANSFERRED] = "st_transferred",
	[PR_ST_CLOSED] = "st_closed",
};

/* le16, le32 - little-endian fields */
static unsigned
le16(const unsigned char *p)
{
	return ((unsigned)p[0] | (unsigned)p[1] << 8);
}

static uint32_t
le32(const unsigned char *p)
{
	return ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24);
}

/* prompt_load - one WAV file into p; -1 with a message in err */
static int
prompt_load(const char *path, struct prompt *p, buf *err)
{
	FILE		*fp;
	unsigned char	*d = NULL, *fmt = NULL, *data = NULL;
	size_t		 len = 0, cap = 0, off, n, i, datalen = 0;
	unsigned	 format = 0, chans = 0, bits = 0;
	uint32_t	 rate = 0, clen;

	if ((fp = fopen(path, "rb")) == NULL) {
		buf_printf(err, "prompt %s: %s\n", path, strerror(errno));
		return (-1);
	}
	for (;;) {
		if (len == cap)
			d = xrealloc(d, cap = cap ? cap * 2 : 65536);
		if ((n = fread(d + len, 1, cap - len, fp)) == 0)
			break;
		len += n;
	}
	fclose(fp);
	if (len < 12 || memcmp(d, "RIFF", 4) != 0 || memcmp(d + 8, "WAVE", 4) != 0) {
		buf_printf(err, "prompt %s: not a WAV file\n", path);
		goto fail;
	}
	for (off = 12; off + 8 <= len; off += 8 + clen + (clen & 1)) {
		clen = le32(d + off + 4);
		if (clen > len - off - 8)
			clen = (uint32_t)(len - off - 8);	/* truncated: take what is there */
		if (memcmp(d + off, "fmt ", 4) == 0 && clen >= 16)
			fmt = d + off + 8;
		else if (memcmp(d + off, "data", 4) == 0) {
			data = d + off + 8;
			datalen = clen;
			break;
		}
	}
	if (fmt != NULL) {
		format = le16(fmt);
		chans = le16(fmt + 2);
		rate = le32(fmt + 4);
		bits = le16(fmt + 14);
		if (format == 0xfffe && le16(fmt + 16) >= 22)	/* extensible */
			format = le16(fmt + 24);
	}
	if (fmt == NULL || data == NULL || rate != SIP_RATE || chans != 1 ||
	    !((format == 1 && bits == 16) || ((format == 6 || format == 7) &&
	    bits == 8))) {
		buf_printf(err, "prompt %s: must be 8000 Hz mono 16-bit PCM, "
		    "u-law or A-law (convert with: sox IN -r 8000 -c 1 -b 16 "
		    "-e signed-integer OUT.wav)\n", path);
		goto fail;
	}
	n = format == 1 ? datalen / 2 : datalen;
	p->n = (n + SIP_FRAME - 1) / SIP_FRAME * SIP_FRAME;
	if (p->n == 0)
		p->n = SIP_FRAME;
	p->pcm = xcalloc(p->n, sizeof(*p->pcm));
	p->ulaw = xmalloc(p->n);
	p->alaw = xmalloc(p->n);
	for (i = 0; i < n; i++)
		p->pcm[i] = format == 1 ? (int16_t)le16(data + 2 * i) :
		    format == 7 ? g711_ulaw_dec(data[i]) : g711_alaw_dec(data[i]);
	for (i = 0; i < p->n; i++) {
		p->ulaw[i] = g711_ulaw(p->pcm[i]);
		p->alaw[i] = g711_alaw(p->pcm[i]);
	}
	free(d);
	return (0);
fail:
	free(d);
	return (-1);
}

/*
 * prompts_load - every prompt from dir; NULL with one line per bad file
 * in err.  The caller frees with prompts_free.
 */
struct prompts *
prompts_load(const char *dir, buf *err)
{
	struct prompts	*ps = xcalloc(1, sizeof(*ps));
	size_t		 before = err->len;
	char		*path;
	int		 i;

	for (i = 0; i < PR_N; i++) {
		path = xasprintf("%s/%s.wav", dir, prompt_names[i]);
		prompt_load(path, &ps->p[i], err);
		free(path);
	}
	if (err->len > before) {
		prompts_free(ps);
		return (NULL);
	}
	return (ps);
}

/* prompts_free - release the prompts */
void
prompts_free(struct prompts *ps)
{
	int	 i;

	if (ps == NULL)
		return;
	for (i = 0; i < PR_N; i++) {
		free(ps->p[i].pcm);
		free(ps->p[i].ulaw);
		free(ps->p[i].alaw);
	}
	free(ps);
}

/* put16, put32 - little-endian into a header */
static void
put16(unsigned char *p, unsigned v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
}

static void
put32(unsigned char *p, uint32_t v)
{
	put16(p, v & 0xffff);
	put16(p + 2, v >> 16);
}

/*
 * wav_header - write the 44-byte header of an 8 kHz mono 16-bit WAV at
 * offset 0; data_bytes 0xffffffff while the length is not known.  0 or -1.
 */
int
wav_header(int fd, uint32_t data_bytes)
{
	unsigned char	 h[44];

	memcpy(h, "RIFF", 4);
	put32(h + 4, data_bytes == 0xffffffff ? 0xffffffff : 36 + data_bytes);
	memcpy(h + 8, "WAVEfmt ", 8);
	put32(h + 16, 16);
	put16(h + 20, 1);		/* PCM */
	put16(h + 22, 1);		/* mono */
	put32(h + 24, SIP_RATE);
	put32(h + 28, SIP_RATE * 2);
	put16(h + 32, 2);
	put16(h + 34, 16);
	memcpy(h + 36, "data", 4);
	put32(h + 40, data_bytes);
	return (pwrite(fd, h, sizeof(h), 0) == (ssize_t)sizeof(h) ? 0 : -1);
}

/*
 * wav_fixup - make the header tell the length the file has (an odd
 * trailing byte, from a write cut by a crash, is dropped).  *data_bytes
 * gets the audio length.  0 or -1.
 */
int
wav_fixup(int fd, off_t *data_bytes)
{
	struct stat	 sb;
	off_t		 n;

	if (fstat(fd, &sb) < 0)
		return (-1);
	n = sb.st_size < 44 ? 0 : (sb.st_size - 44) & ~(off_t)1;
	if (n > 0xfffffff0)
		n = 0xfffffff0;
	if (ftruncate(fd, 44 + n) < 0 || wav_header(fd, (uint32_t)n) < 0)
		return (-1);
	*data_bytes = n;
	return (0);
}
