/*
 * NAME
 *	jubao-parse - print what jubao-milter's parser makes of a message
 * SYNOPSIS
 *	jubao-parse [-DqR] [-c file] message.eml
 * DESCRIPTION
 *	The golden tests' view of the parser (tests/golden.sh): the same
 *	mime_parse_file and intake_enrich the milter's intake runs, without
 *	the store, evidence kept nowhere (hashed only).  One field a line;
 *	the text last.
 *	-R also redacts the text as purge does (the reporter's address and
 *	name as secrets) and prints the redacted length; -q prints only
 *	counts (tests/bench/bench-complexity.sh times the parse with it).
 *	-D finds each attachment again in the message as jubaoctl evidence
 *	does (derive.h) and prints "derived: K of N", and each one missed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "classify.h"
#include "derive.h"
#include "extract.h"
#include "intake.h"
#include "log.h"
#include "milter_mime.h"

int
main(int argc, char **argv)
{
	const char		*path = "conf/jubao.conf";
	struct cfg		*cfg;
	struct categories	*cats;
	struct mime_opts	 o;
	struct report		*r;
	buf			 err = { 0 };
	size_t			 i;
	unsigned		 bit;
	int			 ch, quiet = 0, redact = 0, dv = 0;

	while ((ch = getopt(argc, argv, "c:DqR")) != -1)
		switch (ch) {
		case 'c': path = optarg; break;
		case 'D': dv = 1; break;
		case 'q': quiet = 1; break;
		case 'R': redact = 1; break;
		default: goto usage;
		}
	if (optind + 1 != argc)
		goto usage;
	log_init("jubao-parse", 1, NULL);
	buf_adds(&err, "");
	if ((cfg = cfg_load(path, &err)) == NULL ||
	    (cats = cat_load(cfg->categories_file, &err)) == NULL) {
		fprintf(stderr, "%s", err.s);
		return (1);
	}
	mime_init();
	o.evidence_dir = NULL;
	o.cfg = cfg;
	o.scan = NULL;
	r = report_new("email");
	if (mime_parse_file(argv[optind], &o, r, &err) < 0) {
		fprintf(stderr, "jubao-parse: %s\n", err.s);
		return (1);
	}
	intake_enrich(cfg, cats, r);
	if (dv) {
		GByteArray	*part;
		gchar		*msg;
		gsize		 len;
		size_t		 n = 0, k = 0;

		if (!g_file_get_contents(argv[optind], &msg, &len, NULL))
			return (1);
		for (i = 0; i < r->nev; i++) {
			if (!r->ev[i].derived)
				continue;
			n++;
			if ((part = derive(msg, len, r->ev[i].sha256)) != NULL) {
				k++;
				g_byte_array_unref(part);
			} else
				printf("underived: %s %s\n", r->ev[i].name,
				    r->ev[i].sha256);
		}
		g_free(msg);
		printf("derived: %zu of %zu\n", k, n);
		goto done;
	}
	if (redact) {
		strlist	 secrets = { 0 };
		char	*red;

		if (r->from_addr)
			strlist_add(&secrets, r->from_addr);
		if (r->reporter_name)
			strlist_add(&secrets, r->reporter_name);
		red = extract_redact(r->text, &secrets);
		printf("redacted: %zu bytes\n", strlen(red));
		free(red);
		strlist_free(&secrets);
	}
	if (quiet) {
		printf("text: %zu bytes, urls %zu, accounts %zu, phones %zu, "
		    "evidence %zu, notes %zu\n", strlen(r->text), r->urls.n,
		    r->accounts.n, r->phones.n, r->nev, r->notes.n);
		goto done;
	}
	printf("subject: %s\n", r->subject);
	printf("from: %s\n", r->from_addr ? r->from_addr : "");
	printf("from_name: %s\n", r->from_name ? r->from_name : "");
	printf("message_id: %s\n", r->message_id ? r->message_id : "");
	printf("in_reply_to: %s\n", r->in_reply_to ? r->in_reply_to : "");
	for (i = 0; i < r->references.n; i++)
		printf("reference: %s\n", r->references.v[i]);
	if (r->auto_reason)
		printf("auto: %s\n", r->auto_reason);
	if (r->case_ref[0])
		printf("case_ref: %s\n", r->case_ref);
	if (r->ref_kind[0])
		printf("ref_kind: %s\n", r->ref_kind);
	if (r->case_named[0])
		printf("case_named: %s\n", r->case_named);
	printf("category: %s\n", r->category);
	printf("priority: %d\n", r->priority);
	printf("lang: %s\n", r->lang);
	for (i = 0; i < r->urls.n; i++)
		printf("url: %s\n", r->urls.v[i]);
	for (i = 0; i < r->accounts.n; i++)
		printf("account: %s\n", r->accounts.v[i]);
	for (i = 0; i < r->phones.n; i++)
		printf("phone: %s\n", r->phones.v[i]);
	if (r->reporter_name)
		printf("reporter_name: %s\n", r->reporter_name);
	for (i = 0; i < r->nev; i++)
		if (!r->ev[i].original)
			printf("evidence: %s|%s|%zu|%s|%s\n", r->ev[i].name,
			    r->ev[i].type, r->ev[i].size, r->ev[i].sha256,
			    r->ev[i].note ? r->ev[i].note : "");
	if (r->enterprise) {
		if (r->missing == 0)
			printf("missing: none\n");
		for (bit = 1; bit <= ELEM_GUARANTEE; bit <<= 1)
			if (r->missing & bit)
				printf("missing: %s\n", elem_key(bit));
	}
	for (i = 0; i < r->notes.n; i++)
		printf("note: %s\n", r->notes.v[i]);
	printf("text:\n%s\n", r->text);
done:
	report_free(r);
	cat_free(cats);
	cfg_unref(cfg);
	buf_free(&err);
	return (0);
usage:
	fprintf(stderr, "usage: jubao-parse [-qR] [-c file] message.eml\n");
	return (2);
}
