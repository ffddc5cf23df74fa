/*
 * NAME
 *	fuzz_conf - libFuzzer target: jubao.conf and categories.conf readers
 * DESCRIPTION
 *	Each input is written to a file and read both as a jubao.conf
 *	(cfg_load, then cfg_check_program and cfg_dump of what loaded) and as
 *	a categories file (cat_load, then a classification of the input
 *	itself against what loaded).  Seeds: conf/ *.conf, tests/data/ *.conf.
 */
#include "fuzz.h"

#include "cfg.h"
#include "classify.h"
#include "log.h"
#include "report.h"

static FILE	*devnull;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_init("fuzz_conf", 1, NULL);
	if ((devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char		*path = fz_file(data, size);
	struct cfg		*cfg;
	struct categories	*cats;
	const struct category	*cat;
	struct report		*r;
	buf			 err = { 0 };
	char			*s;

	if ((cfg = cfg_load(path, &err)) != NULL) {
		(void)cfg_check_program(cfg, "jubao-milter", &err);
		(void)cfg_check_program(cfg, "jubao-sipd", &err);
		cfg_dump(cfg, devnull, 1);
		(void)cfg_is_report_mailbox(cfg, "jubao@example.cn");
		cfg_unref(cfg);
	}
	buf_free(&err);
	if ((cats = cat_load(path, &err)) != NULL) {
		s = fz_str(data, size);
		if ((cat = cat_classify(cats, s, s)) != NULL) {
			r = report_new("email");
			r->text = xstrdup(s);
			cat_apply(cat, r);
			(void)elem_check(cat, r);
			(void)cat_name(cat, "en");
			report_free(r);
		}
		(void)cat_by_dtmf(cats, data[0 % (size ? size : 1)] % 10);
		free(s);
		cat_free(cats);
	}
	buf_free(&err);
	return (0);
}
