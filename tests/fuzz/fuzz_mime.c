/*
 * NAME
 *	fuzz_mime - libFuzzer target: a raw message into a normalised report
 * DESCRIPTION
 *	Each input is one RFC 5322 message, parsed by mime_parse_file and
 *	enriched by intake_enrich as the milter's intake does (evidence
 *	hashed, kept nowhere), then the report freed;
 *	the input is also given to text_header_decode as a header
 *	value (garbage RFC 2047).  Seeds: tests/data/mail/ *.eml and the
 *	hostile senders' classes, tests/data/hostile/mail/ *-hs-*.eml.
 */
#include "fuzz.h"

#include "cfg.h"
#include "classify.h"
#include "intake.h"
#include "log.h"
#include "milter_mime.h"
#include "milter_text.h"
#include "report.h"

static struct cfg		*cfg;
static struct categories	*cats;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	buf	 err = { 0 };

	log_init("fuzz_mime", 1, NULL);
	if ((cfg = cfg_defaults()) == NULL ||
	    (cats = cat_load(JB_TOP "/conf/categories.conf", &err)) == NULL)
		abort();
	mime_init();
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mime_opts	 o = { NULL, cfg, NULL };
	struct report		*r = report_new("email");
	buf			 err = { 0 };
	char			*s, *m;

	buf_adds(&err, "");
	if (mime_parse_file(fz_file(data, size), &o, r, &err) == 0)
		intake_enrich(cfg, cats, r);
	report_free(r);
	buf_free(&err);
	if (size < 65536) {
		s = fz_str(data, size);
		m = text_header_decode(s);
		free(m);
		free(s);
	}
	return (0);
}
