/*
 * NAME
 *	ctl_act - jubaoctl's handling commands: one action on some cases
 * DESCRIPTION
 *	assign, note, accept, reject (--malicious: refuse), transfer,
 *	escalate, dispose, approve, decline, feedback, close, reopen,
 *	objection, complaint, rate: on the cases named, or on case numbers
 *	read from standard input one a line.  The workflow (workflow.c)
 *	decides what is allowed, and who may approve a removal; the worst
 *	result decides the exit code (temporary over refused over done).  A
 *	removal proposed is done (exit 0): it says it awaits a reviewer.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caseno.h"
#include "ctl.h"
#include "feedback.h"
#include "workflow.h"

/* next_case - the next case number: from argv, or a line of stdin */
static const char *
next_case(int argc, char **argv, int *i, char *line, size_t len, int from_stdin)
{
	char	*p;

	if (!from_stdin)
		return (*i < argc ? argv[(*i)++] : NULL);
	for (;;) {
		if (fgets(line, (int)len, stdin) == NULL)
			return (NULL);
		p = str_trim(line);
		if (*p != '\0' && *p != '#')
			return (p);
	}
}

/* needs - what each action must be given; usage when it is not */
static void
needs(const struct case_action *a, const char *name, int score)
{
	int	 priv = 0;
	size_t	 k;

	if ((strcmp(a->action, "reject") == 0 || strcmp(a->action,
	    "refuse") == 0 || strcmp(a->action, "decline") == 0) &&
	    a->reason == NULL) {
		fprintf(stderr, "jubaoctl: %s needs --reason\n", name);
		ctl_usage();
	}
	if ((strcmp(a->action, "transfer") == 0 || strcmp(a->action,
	    "assign") == 0) && a->to == NULL) {
		fprintf(stderr, "jubaoctl: %s needs --to\n", a->action);
		ctl_usage();
	}
	if (strcmp(a->action, "dispose") == 0) {
		if (a->nmeasures == 0) {
			fprintf(stderr, "jubaoctl: dispose needs --measure\n");
			ctl_usage();
		}
		for (k = 0; k < a->nmeasures; k++)
			priv |= strcmp(a->measures[k], "private") == 0;
		/* 限时加私 has an end that must be followed up */
		if (priv != (a->until != 0)) {
			fprintf(stderr, "jubaoctl: --measure private goes with "
			    "--until DATE, and only it\n");
			ctl_usage();
		}
	}
	if ((strcmp(a->action, "note") == 0 || strcmp(a->action,
	    "objection") == 0 || strcmp(a->action, "complaint") == 0) &&
	    a->reason == NULL) {
		fprintf(stderr, "jubaoctl: %s needs --text\n", a->action);
		ctl_usage();
	}
	if (strcmp(a->action, "rate") == 0 && (score < 1 || score > 5)) {
		fprintf(stderr, "jubaoctl: rate needs --score 1..5\n");
		ctl_usage();
	}
}

/* cmd_act - a workflow action on one or more cases */
int
cmd_act(struct ctl *x, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ "malicious", no_argument, NULL, 'm' },
		{ "to", required_argument, NULL, 't' },
		{ "explain", required_argument, NULL, 'e' },
		{ "measure", required_argument, NULL, 'M' },
		{ "until", required_argument, NULL, 'u' },
		{ "no-feedback", no_argument, NULL, 'n' },
		{ "text", required_argument, NULL, 'x' },
		{ "note", required_argument, NULL, 'x' },
		{ "score", required_argument, NULL, 's' },
		{ "actor", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	struct case_action	 a = { 0 };
	struct feedback_ctx	 fb;
	const char		*measures[16], *case_no;
	char			 status[32], line[256];
	int			 ch, i, rc = 0, r, from_stdin, score = 0, n = 0;
	json_t			*res = json_array(), *o;
	buf			 err = { 0 };

	a.action = argv[0];
	a.measures = measures;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1)
		switch (ch) {
		case 'r': a.reason = optarg; break;
		case 'm':
			if (strcmp(argv[0], "reject") != 0) {
				fprintf(stderr, "jubaoctl: --malicious goes with "
				    "reject only\n");
				ctl_usage();
			}
			a.action = "refuse";
			break;
		case 't': a.to = optarg; break;
		case 'e': a.explain = optarg; break;
		case 'M':
			if (!workflow_measure_valid(optarg)) {
				fprintf(stderr, "jubaoctl: unknown measure '%s'\n",
				    optarg);
				ctl_usage();
			}
			if (a.nmeasures == sizeof(measures) / sizeof(measures[0])) {
				fprintf(stderr, "jubaoctl: too many --measure\n");
				ctl_usage();
			}
			measures[a.nmeasures++] = optarg;
			break;
		case 'u':
			if ((a.until = ctl_parse_time(optarg)) < 0) {
				fprintf(stderr, "jubaoctl: bad date '%s'\n", optarg);
				ctl_usage();
			}
			break;
		case 'n': a.no_feedback = 1; break;
		case 'x': a.reason = optarg; break;
		case 's': score = atoi(optarg); break;
		case 'a': x->actor = optarg; break;
		default: ctl_usage();
		}
	a.actor = x->actor;
	a.now = x->now;
	needs(&a, argv[0], score);
	buf_adds(&err, "");
	if (feedback_init(&fb, x->cfg, x->cats, &err) < 0) {
		fprintf(stderr, "%s", err.s);
		buf_free(&err);
		json_decref(res);
		return (EXIT_REFUSED);
	}
	buf_free(&err);
	from_stdin = optind == argc || (optind + 1 == argc &&
	    strcmp(argv[optind], "-") == 0);
	i = optind;
	while ((case_no = next_case(argc, argv, &i, line, sizeof(line),
	    from_stdin)) != NULL) {
		n++;
		o = json_object();
		json_object_set_new(o, "case", json_string(case_no));
		if (!caseno_valid(case_no)) {
			fprintf(stderr, "jubaoctl: '%s' is not a case number\n",
			    case_no);
			json_object_set_new(o, "error",
			    json_string("not a case number"));
			r = EXIT_REFUSED;
		} else if (strcmp(a.action, "rate") == 0) {
			r = workflow_rate(x->st, case_no, score, x->actor,
			    x->now) < 0 ? ctl_store_fail(x) : 0;
			snprintf(status, sizeof(status), "rated %d", score);
		} else
			r = workflow_act(x->st, &fb, case_no, &a, status,
			    sizeof(status)) < 0 ? ctl_store_fail(x) : 0;
		if (r == 0) {
			json_object_set_new(o, "status", json_string(status));
			if (!x->json)
				printf("%s: %s\n", case_no, strcmp(status,
				    "proposed") == 0 ? "proposed, awaits a "
				    "reviewer's approval" : status);
		} else if (json_object_get(o, "error") == NULL)
			json_object_set_new(o, "error",
			    json_string(store_error(x->st)));
		json_array_append_new(res, o);
		/* the worst result decides: temporary over refused over done */
		if (r == EXIT_TEMP || (r == EXIT_REFUSED && rc == 0))
			rc = r;
	}
	if (x->json)
		ctl_print_json(res);
	json_decref(res);
	feedback_free(&fb);
	if (n == 0) {
		fprintf(stderr, "jubaoctl: no case given\n");
		return (EXIT_USAGE);
	}
	return (rc);
}
