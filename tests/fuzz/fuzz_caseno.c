/*
 * NAME
 *	fuzz_caseno - libFuzzer target: what is read out of a reporter's text
 * DESCRIPTION
 *	Each input is text: case numbers (caseno_valid, caseno_find,
 *	caseno_check_digit), a satisfaction rating (feedback_rating), a VERP
 *	bounce address (feedback_bounce_case), one of our Message-IDs
 *	(ack_id_case), a plain address (addr_plain), a status query
 *	(lookup_parse, lookup_normalise), and the extractors
 *	(URLs, accounts, phones, names, labelled values, redaction).  A key
 *	is made for the run (the MACs need one) and its file removed at once.
 *	Seeds: tests/data/mail/ *.eml and tests/fuzz/seeds/caseno.
 */
#include "fuzz.h"

#include <unistd.h>

#include "ack.h"
#include "caseno.h"
#include "cfg.h"
#include "crypt.h"
#include "extract.h"
#include "feedback.h"
#include "log.h"
#include "lookup.h"
#include "report.h"

static struct cfg	*cfg;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char	 path[] = "/tmp/fuzz_caseno.key.XXXXXX";
	buf	 err = { 0 };
	int	 fd;

	log_init("fuzz_caseno", 1, NULL);
	if ((cfg = cfg_defaults()) == NULL || (fd = mkstemp(path)) < 0)
		abort();
	if (write(fd, "00112233445566778899aabbccddeeff"
	    "00112233445566778899aabbccddeeff\n", 65) != 65 ||
	    crypt_init(path, &err) < 0)
		abort();
	close(fd);
	unlink(path);
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const labels[] = { "姓名", "Name:", "举报类型", NULL };
	char		*s = fz_str(data, size), case_no[CASENO_MAX];
	char		 small[8], kind[16], nonce[17];
	strlist		 l = { 0 };

	(void)caseno_valid(s);
	(void)caseno_find(s, case_no, sizeof(case_no));
	(void)caseno_find(s, small, sizeof(small));
	if (strspn(s, "0123456789") == strlen(s))
		(void)caseno_check_digit(s, strlen(s));
	(void)feedback_rating(s);
	(void)feedback_bounce_case(cfg, s, case_no, sizeof(case_no), nonce,
	    sizeof(nonce));
	(void)ack_id_case(s, case_no, sizeof(case_no), kind, sizeof(kind),
	    nonce, sizeof(nonce));
	(void)addr_plain(s);
	{
		struct lookup_query	 q;

		if (lookup_parse(s, &q) == 1 && (strlen(q.case_no) >=
		    sizeof(q.case_no) || strlen(q.pin) >= sizeof(q.pin)))
			abort();
		(void)lookup_normalise(s, case_no, sizeof(case_no));
		(void)lookup_normalise(s, small, sizeof(small));
	}
	(void)text_has_cjk(s);
	extract_urls(s, &l);
	extract_accounts(s, &l);
	extract_phones(s, &l);
	free(extract_name(s));
	free(extract_labelled(s, labels));
	free(extract_redact(s, &l));
	strlist_free(&l);
	free(s);
	return (0);
}
