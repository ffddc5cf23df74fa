/*
 * NAME
 *	fuzz_tmpl - libFuzzer target: message templates
 * DESCRIPTION
 *	Each input is a template, rendered with the variables the
 *	acknowledgement and feedback templates use (some empty, so that both
 *	{{#x}} and {{^x}} sections are taken), then split into subject and
 *	body.  Seeds: conf/templates/<lang>/ *.txt.
 */
#include "fuzz.h"

#include "log.h"
#include "tmpl.h"

static const struct tmpl_var vars[] = {
	{ "case", "261123000017" }, { "pin", "123456" },
	{ "category", "网络诈骗" }, { "received", "2026-11-23 10:00" },
	{ "deadline", "2026-11-30 10:00" }, { "site", "示例网" },
	{ "urls", "  https://x.example/1\n" }, { "evidence", "1" },
	{ "missing", "" }, { "enterprise", "" }, { "explanation", "{{case}}" },
	{ "measures", "  已删除\n" }, { "reason", "" }, { "jubao", "" },
	{ "to", "reporter@example.com" },
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_init("fuzz_tmpl", 1, NULL);
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	buf	 err = { 0 };
	char	*t = fz_str(data, size), *out, *subj = NULL, *body = NULL;

	out = tmpl_render(t, vars, sizeof(vars) / sizeof(vars[0]), &err);
	if (out != NULL && tmpl_split(out, &subj, &body) == 0) {
		free(subj);
		free(body);
	}
	free(out);
	buf_free(&err);
	subj = body = NULL;
	if (tmpl_split(t, &subj, &body) == 0) {
		free(subj);
		free(body);
	}
	free(t);
	return (0);
}
