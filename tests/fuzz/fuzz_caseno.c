/*
 * NAME
 *	fuzz_caseno - libFuzzer target: what is read out of a reporter's text
 * DESCRIPTION
 *	Each input is text: case numbers (caseno_valid, caseno_find,
 *	caseno_check_digit), a satisfaction rating (feedback_rating), a VERP
 *	bounce address (feedback_bounce_case), and the extractors (URLs,
 *	accounts, phones, names, labelled values, redaction).  Seeds:
 *	tests/data/mail/ *.eml and tests/fuzz/seeds/caseno.
 */
#include "fuzz.h"

#include "caseno.h"
#include "cfg.h"
#include "extract.h"
#include "feedback.h"
#include "log.h"
#include "report.h"

static struct cfg	*cfg;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_init("fuzz_caseno", 1, NULL);
	if ((cfg = cfg_defaults()) == NULL)
		abort();
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const labels[] = { "姓名", "Name:", "举报类型", NULL };
	char		*s = fz_str(data, size), case_no[CASENO_MAX];
	char		 small[8];
	strlist		 l = { 0 };

	(void)caseno_valid(s);
	(void)caseno_find(s, case_no, sizeof(case_no));
	(void)caseno_find(s, small, sizeof(small));
	if (strspn(s, "0123456789") == strlen(s))
		(void)caseno_check_digit(s, strlen(s));
	(void)feedback_rating(s);
	(void)feedback_bounce_case(cfg, s, case_no, sizeof(case_no));
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
