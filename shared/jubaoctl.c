/*
 * NAME
 *	jubaoctl - the handlers' command line: the store's front door
 * SYNOPSIS
 *	jubaoctl [-c file] [--json] [--actor NAME] [--now TIME] COMMAND ...
 * DESCRIPTION
 *	Reading: list, overdue, show, hot, stats.  Handling (one case, or
 *	case numbers one a line on standard input when none is given):
 *	assign, note, accept, reject, transfer, escalate, dispose, feedback,
 *	close, reopen, objection, complaint, rate.  Evidence: evidence (the
 *	sealed files, opened one at a time and each opening recorded).
 *	Running: deliver, digest, purge, config, -n.  Every action is an event
 *	with its actor (--actor, else the login name), the real uid of whoever
 *	ran jubaoctl beside it, and the time; --now only reads (a fixed clock
 *	for list, overdue, show, hot, stats, digest, purge --dry-run), it never
 *	writes a time into the ledger.
 *
 *	What a report says is printed for a handler's terminal with every
 *	control character, C1 control and bidi override made visible
 *	(str_visible): a report cannot rewrite the terminal that shows it.
 *
 *	Exit codes (sysexits): 0 done, 1 refused (a transition not allowed,
 *	an unknown case, a bad case number, a configuration error), 2 usage,
 *	75 temporary failure (store busy or unavailable; a delivery that
 *	must be retried).  Reads are safe while the daemons write (WAL).  The
 *	reporter's identity is printed only with show --reveal, which is
 *	recorded.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#include <curl/curl.h>
#include <gmime/gmime.h>

#include "ack.h"
#include "caseno.h"
#include "cfg.h"
#include "classify.h"
#include "crypt.h"
#include "evidence.h"
#include "feedback.h"
#include "log.h"
#include "outbox.h"
#include "privdrop.h"
#include "stats_html.h"
#include "store.h"

#define EXIT_REFUSED	1
#define EXIT_USAGE	2
#define EXIT_TEMP	EX_TEMPFAIL

struct ctl {
	struct cfg		*cfg;
	struct store		*st;
	struct categories	*cats;
	int			 json;
	const char		*actor;
	time_t			 now;
	int			 now_given;	/* --now: for reading only */
};

/* usage - the synopsis; exit 2 */
static void
usage(void)
{
	fprintf(stderr,
	    "usage: jubaoctl [-c file] [--json] [--actor NAME] [--now TIME] command ...\n"
	    "  list [--status S] [--outcome O] [--category C] [--channel email|hotline]\n"
	    "       [--assignee NAME] [--text TEXT] [--overdue] [--limit N (100; 0 all)]\n"
	    "  overdue | show [--reveal] CASE | hot [--from D] [--to D] [--limit N]\n"
	    "  stats --from DATE --to DATE [--csv | --html]\n"
	    "  assign --to NAME [CASE...]     note --text TEXT [CASE...]\n"
	    "  accept [CASE...]               escalate [CASE...]\n"
	    "  reject --reason TEXT [--malicious] [--no-feedback] [CASE...]\n"
	    "  transfer --to WHOM [--explain TEXT] [--no-feedback] [CASE...]\n"
	    "  dispose --measure M [--measure M...] [--until DATE] [--explain TEXT]\n"
	    "          [--no-feedback] [CASE...]\n"
	    "     M: delete block unlink warn suspend restrict close private dispute-label\n"
	    "  feedback | close | reopen [CASE...]\n"
	    "  objection --text TEXT CASE     complaint --text TEXT CASE\n"
	    "  rate --score 1-5 CASE\n"
	    "  evidence CASE N > FILE (item N of show's list; recorded)\n"
	    "  deliver | digest [--print] | purge [--dry-run]\n"
	    "  config [--defaults | --changed] | keygen | -n\n"
	    "  (no CASE: case numbers are read from standard input, one a line)\n");
	exit(EXIT_USAGE);
}

/* store_fail - report a store failure; the exit code it calls for */
static int
store_fail(struct store *st)
{
	fprintf(stderr, "jubaoctl: %s\n", store_error(st));
	return (store_busy(st) ? EXIT_TEMP : EXIT_REFUSED);
}

/*
 * str - a JSON string member or "", made safe for a terminal (str_visible);
 * the result lives until 16 more calls have been made
 */
static const char *
str(json_t *o, const char *k)
{
	static char	*ring[16];
	static int	 next;
	const char	*s = json_string_value(json_object_get(o, k));

	free(ring[next]);
	ring[next] = str_visible(s ? s : "", 0);
	s = ring[next];
	next = (next + 1) % 16;
	return (s);
}

/* print_json - one JSON document on standard output (json_visible) */
static void
print_json(json_t *j)
{
	char	*s = json_dumps(j, JSON_INDENT(2)), *v;

	v = json_visible(s ? s : "null");
	fputs(v, stdout);
	putchar('\n');
	free(v);
	free(s);
}

/*
 * parse_time - "YYYY-MM-DD" (local midnight), "YYYY-MM-DD HH:MM[:SS]",
 * RFC 3339 with a zone, or "@SECONDS"; -1 when it is none of them.
 */
static time_t
parse_time(const char *s)
{
	struct tm	 tm;
	const char	*e;
	char		*end;
	int		 off = 0, sign;

	if (*s == '@') {
		long long v = strtoll(s + 1, &end, 10);

		return (*end == '\0' && end != s + 1 ? (time_t)v : -1);
	}
	memset(&tm, 0, sizeof(tm));
	if ((e = strptime(s, "%Y-%m-%d", &tm)) == NULL)
		return (-1);
	if (*e == 'T' || *e == ' ') {
		const char *f = strptime(e + 1, "%H:%M:%S", &tm);

		if (f == NULL && (f = strptime(e + 1, "%H:%M", &tm)) == NULL)
			return (-1);
		e = f;
	}
	if (*e == '\0') {
		tm.tm_isdst = -1;
		return (mktime(&tm));
	}
	if (*e == 'Z' && e[1] == '\0')
		return (timegm(&tm));
	if ((*e == '+' || *e == '-') && isdigit((unsigned char)e[1]) &&
	    isdigit((unsigned char)e[2]) && e[3] == ':' && strlen(e) == 6) {
		sign = *e == '-' ? -1 : 1;
		off = sign * ((e[1] - '0') * 600 + (e[2] - '0') * 60 +
		    (e[4] - '0') * 10 + (e[5] - '0')) * 60;
		return (timegm(&tm) - off);
	}
	return (-1);
}

/* shorten - at most n characters of UTF-8 text, on one line */
static void
shorten(const char *s, size_t n, char *out, size_t len)
{
	size_t	 i = 0, chars = 0, j, l;

	while (s[i] && chars < n && i + 4 < len) {
		l = 1;
		if (((unsigned char)s[i] & 0xe0) == 0xc0) l = 2;
		else if (((unsigned char)s[i] & 0xf0) == 0xe0) l = 3;
		else if (((unsigned char)s[i] & 0xf8) == 0xf0) l = 4;
		memcpy(out + i, s + i, l);
		for (j = i; j < i + l; j++)
			if (out[j] == '\n' || out[j] == '\r' || out[j] == '\t')
				out[j] = ' ';
		i += l;
		chars++;
	}
	out[i] = '\0';
}

/* print_cases - a list of cases as a table */
static void
print_cases(json_t *a)
{
	json_t	*o;
	size_t	 i;
	char	 subj[256];

	printf("%-14s %-8s %-18s %-18s %-3s %-19s %-19s %s\n", "CASE", "CHANNEL",
	    "STATUS", "CATEGORY", "PRI", "RECEIVED", "DEADLINE", "SUBJECT");
	json_array_foreach(a, i, o) {
		shorten(str(o, "subject"), 40, subj, sizeof(subj));
		printf("%-14s %-8s %-18s %-18s %-3lld %-19.19s %-19.19s%s %s\n",
		    str(o, "case"), str(o, "channel"), str(o, "status"),
		    str(o, "category"),
		    json_integer_value(json_object_get(o, "priority")),
		    str(o, "received_at"), str(o, "deadline"),
		    json_is_true(json_object_get(o, "overdue")) ? "!" : " ", subj);
	}
}

/* cmd_list - cases by status, category, channel, assignee, text, deadline */
static int
cmd_list(struct ctl *x, int argc, char **argv, int overdue)
{
	static const struct option opts[] = {
		{ "status", required_argument, NULL, 's' },
		{ "outcome", required_argument, NULL, 'O' },
		{ "category", required_argument, NULL, 'k' },
		{ "channel", required_argument, NULL, 'h' },
		{ "assignee", required_argument, NULL, 'a' },
		{ "text", required_argument, NULL, 't' },
		{ "overdue", no_argument, NULL, 'o' },
		{ "limit", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	struct case_filter	 f = { 0 };
	json_t			*a;
	int			 ch;

	f.now = x->now;
	f.overdue = overdue;
	/* a million cases do not belong on a terminal: the newest 100 unless
	 * --limit says otherwise (0: all) */
	f.limit = 100;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1)
		switch (ch) {
		case 's': f.status = optarg; break;
		case 'O': f.outcome = optarg; break;
		case 'k': f.category = optarg; break;
		case 'h': f.channel = optarg; break;
		case 'a': f.assignee = optarg; break;
		case 't': f.text = optarg; break;
		case 'o': f.overdue = 1; break;
		case 'l': f.limit = atol(optarg); break;
		default: usage();
		}
	if (optind != argc || f.limit < 0)
		usage();
	if (store_case_query(x->st, &f, &a) < 0)
		return (store_fail(x->st));
	if (x->json)
		print_json(a);
	else
		print_cases(a);
	json_decref(a);
	return (0);
}

/* print_list - "key: a, b" for an array of strings */
static void
print_list(const char *k, json_t *a)
{
	size_t	 i;
	json_t	*v;

	char	*s;

	printf("%-17s", k);
	json_array_foreach(a, i, v) {
		s = str_visible(json_string_value(v) ? json_string_value(v) : "", 0);
		printf("%s%s", i ? ", " : "", s);
		free(s);
	}
	putchar('\n');
}

/* cmd_show - one case, whole */
static int
cmd_show(struct ctl *x, int argc, char **argv)
{
	const char	*case_no = NULL;
	int		 reveal = 0, i;
	json_t		*c, *o;
	size_t		 k;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--reveal") == 0)
			reveal = 1;
		else if (strcmp(argv[i], "--actor") == 0 && i + 1 < argc)
			x->actor = argv[++i];
		else if (argv[i][0] == '-' || case_no != NULL)
			usage();
		else
			case_no = argv[i];
	}
	if (case_no == NULL)
		usage();
	if (!caseno_valid(case_no)) {
		fprintf(stderr, "jubaoctl: '%s' is not a case number (12 or "
		    "more digits with a check digit)\n", case_no);
		return (EXIT_REFUSED);
	}
	if (store_case_show(x->st, case_no, reveal, x->actor, &c) < 0)
		return (store_fail(x->st));
	if (x->json) {
		print_json(c);
		json_decref(c);
		return (0);
	}
	printf("%-17s%s\n", "case:", str(c, "case"));
	printf("%-17s%s\n", "channel:", str(c, "channel"));
	printf("%-17s%s%s%s\n", "status:", str(c, "status"),
	    *str(c, "assignee") ? ", assigned to " : "", str(c, "assignee"));
	printf("%-17s%s (priority %lld)\n", "category:", str(c, "category"),
	    json_integer_value(json_object_get(c, "priority")));
	printf("%-17s%s\n", "received:", str(c, "received_at"));
	printf("%-17s%s\n", "deadline:", str(c, "deadline"));
	if (*str(c, "outcome"))
		printf("%-17s%s %s%s%s\n", "outcome:", str(c, "outcome"),
		    str(c, "outcome_at"), *str(c, "outcome_detail") ? ": " : "",
		    str(c, "outcome_detail"));
	printf("%-17s%s (%s)\n", "spf:", str(c, "spf"), str(c, "spf_domain"));
	print_list("missing:", json_object_get(c, "missing_elements"));
	print_list("urls:", json_object_get(c, "urls"));
	print_list("accounts:", json_object_get(c, "accounts"));
	if (reveal) {
		o = json_object_get(c, "reporter");
		printf("%-17s%s / %s / %s\n", "reporter:", str(o, "name"),
		    str(o, "address"), str(o, "phone"));
	}
	printf("%-17s%s\n", "subject:", str(c, "subject"));
	if (json_array_size(json_object_get(c, "measures")) > 0) {
		printf("measures:\n");
		json_array_foreach(json_object_get(c, "measures"), k, o)
			printf("  %-14s %s%s%s\n", str(o, "measure"), str(o, "at"),
			    json_is_string(json_object_get(o, "until")) ?
			    " until " : "", str(o, "until"));
	}
	printf("evidence (jubaoctl evidence %s N):\n", str(c, "case"));
	json_array_foreach(json_object_get(c, "evidence"), k, o)
		printf("  %2zu. %-36s %-28s %10lld  %.16s…%s%s\n", k + 1,
		    str(o, "name"),
		    str(o, "type"), json_integer_value(json_object_get(o, "size")),
		    str(o, "sha256"), json_is_string(json_object_get(o, "note")) ?
		    "  note: " : "", str(o, "note"));
	printf("messages:\n");
	json_array_foreach(json_object_get(c, "messages"), k, o)
		printf("  #%-5lld %-11s %-8s %-10s %s%s%s\n",
		    json_integer_value(json_object_get(o, "id")), str(o, "kind"),
		    str(o, "channel"), str(o, "status"), str(o, "sent_at"),
		    *str(o, "reason") ? "  " : "", str(o, "reason"));
	if (json_array_size(json_object_get(c, "related")) > 0) {
		printf("related cases (同一举报事项):\n");
		json_array_foreach(json_object_get(c, "related"), k, o)
			printf("  %-14s %-18s %-12s %-20s %s\n", str(o, "case"),
			    str(o, "status"), str(o, "outcome"), str(o, "measures"),
			    str(o, "target"));
	}
	printf("events:\n");
	json_array_foreach(json_object_get(c, "events"), k, o) {
		char	 who[160];

		/* the name is self-declared; the uid is who ran jubaoctl */
		if (json_is_integer(json_object_get(o, "uid")))
			snprintf(who, sizeof(who), "%s (uid %lld)", str(o, "actor"),
			    json_integer_value(json_object_get(o, "uid")));
		else
			snprintf(who, sizeof(who), "%s", str(o, "actor"));
		printf("  %s  %-14s %-20s %s\n", str(o, "at"), who,
		    str(o, "action"), str(o, "detail"));
	}
	{
		char	*t = str_visible(json_string_value(json_object_get(c,
			    "text")) ? json_string_value(json_object_get(c,
			    "text")) : "", 1);

		printf("text:\n%s\n", t);
		free(t);
	}
	json_decref(c);
	return (0);
}

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

/* cmd_act - a workflow action on one or more cases */
static int
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
				usage();
			}
			a.action = "refuse";
			break;
		case 't': a.to = optarg; break;
		case 'e': a.explain = optarg; break;
		case 'M':
			if (!store_measure_valid(optarg)) {
				fprintf(stderr, "jubaoctl: unknown measure '%s'\n",
				    optarg);
				usage();
			}
			if (a.nmeasures == sizeof(measures) / sizeof(measures[0])) {
				fprintf(stderr, "jubaoctl: too many --measure\n");
				usage();
			}
			measures[a.nmeasures++] = optarg;
			break;
		case 'u':
			if ((a.until = parse_time(optarg)) < 0) {
				fprintf(stderr, "jubaoctl: bad date '%s'\n", optarg);
				usage();
			}
			break;
		case 'n': a.no_feedback = 1; break;
		case 'x': a.reason = optarg; break;
		case 's': score = atoi(optarg); break;
		case 'a': x->actor = optarg; break;
		default: usage();
		}
	a.actor = x->actor;
	a.now = x->now;
	/* what each action needs */
	if ((strcmp(a.action, "reject") == 0 || strcmp(a.action, "refuse") == 0) &&
	    a.reason == NULL) {
		fprintf(stderr, "jubaoctl: %s needs --reason\n", argv[0]);
		usage();
	}
	if ((strcmp(a.action, "transfer") == 0 || strcmp(a.action, "assign") == 0) &&
	    a.to == NULL) {
		fprintf(stderr, "jubaoctl: %s needs --to\n", a.action);
		usage();
	}
	if (strcmp(a.action, "dispose") == 0) {
		int	 priv = 0;
		size_t	 k;

		if (a.nmeasures == 0) {
			fprintf(stderr, "jubaoctl: dispose needs --measure\n");
			usage();
		}
		for (k = 0; k < a.nmeasures; k++)
			priv |= strcmp(measures[k], "private") == 0;
		/* 限时加私 has an end that must be followed up */
		if (priv != (a.until != 0)) {
			fprintf(stderr, "jubaoctl: --measure private goes with "
			    "--until DATE, and only it\n");
			usage();
		}
	}
	if ((strcmp(a.action, "note") == 0 || strcmp(a.action, "objection") == 0 ||
	    strcmp(a.action, "complaint") == 0) && a.reason == NULL) {
		fprintf(stderr, "jubaoctl: %s needs --text\n", a.action);
		usage();
	}
	if (strcmp(a.action, "rate") == 0 && (score < 1 || score > 5)) {
		fprintf(stderr, "jubaoctl: rate needs --score 1..5\n");
		usage();
	}
	buf_adds(&err, "");
	if (feedback_init(&fb, x->cfg, x->cats, &err) < 0) {
		fprintf(stderr, "%s", err.s);
		buf_free(&err);
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
			json_object_set_new(o, "error", json_string("not a case number"));
			r = EXIT_REFUSED;
		} else if (strcmp(a.action, "rate") == 0) {
			r = store_case_rate(x->st, case_no, score, x->actor, x->now) < 0 ?
			    store_fail(x->st) : 0;
			snprintf(status, sizeof(status), "rated %d", score);
		} else
			r = store_case_act(x->st, case_no, &a, feedback_render, &fb,
			    status, sizeof(status)) < 0 ? store_fail(x->st) : 0;
		if (r == 0) {
			json_object_set_new(o, "status", json_string(status));
			if (!x->json)
				printf("%s: %s\n", case_no, status);
		} else if (json_object_get(o, "error") == NULL)
			json_object_set_new(o, "error",
			    json_string(store_error(x->st)));
		json_array_append_new(res, o);
		/* the worst result decides: temporary over refused over done */
		if (r == EXIT_TEMP || (r == EXIT_REFUSED && rc == 0))
			rc = r;
	}
	if (x->json)
		print_json(res);
	json_decref(res);
	feedback_free(&fb);
	if (n == 0) {
		fprintf(stderr, "jubaoctl: no case given\n");
		return (EXIT_USAGE);
	}
	return (rc);
}

/* range - --from and --to (default: the last 365 days to now) */
static void
range(struct ctl *x, int argc, char **argv, time_t *from, time_t *to,
    long *limit, int *fmt)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "limit", required_argument, NULL, 'l' },
		{ "csv", no_argument, NULL, 'c' },
		{ "html", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int	 ch;

	*from = x->now - 365L * 86400;
	*to = x->now + 1;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1)
		switch (ch) {
		case 'f':
			if ((*from = parse_time(optarg)) < 0)
				usage();
			break;
		case 't':
			if ((*to = parse_time(optarg)) < 0)
				usage();
			break;
		case 'l': if (limit) *limit = atol(optarg); else usage(); break;
		case 'c': if (fmt) *fmt = 1; else usage(); break;
		case 'h': if (fmt) *fmt = 2; else usage(); break;
		default: usage();
		}
	if (optind != argc)
		usage();
}

/* cmd_hot - the addresses and accounts reported most often */
static int
cmd_hot(struct ctl *x, int argc, char **argv)
{
	time_t	 from, to;
	long	 limit = 20;
	json_t	*a, *o;
	size_t	 i;

	range(x, argc, argv, &from, &to, &limit, NULL);
	if (store_hot(x->st, from, to, limit, &a) < 0)
		return (store_fail(x->st));
	if (x->json)
		print_json(a);
	else {
		printf("%-6s %-9s %-8s %s\n", "CASES", "DISPOSED", "KIND", "TARGET");
		json_array_foreach(a, i, o)
			printf("%-6lld %-9lld %-8s %s\n",
			    json_integer_value(json_object_get(o, "cases")),
			    json_integer_value(json_object_get(o, "disposed")),
			    str(o, "kind"), str(o, "target"));
	}
	json_decref(a);
	return (0);
}

/* cmd_stats - the published statistics: JSON, CSV or an HTML page */
static int
cmd_stats(struct ctl *x, int argc, char **argv)
{
	time_t	 from, to;
	int	 fmt = 0;
	json_t	*s;

	range(x, argc, argv, &from, &to, NULL, &fmt);
	if (to <= from) {
		fprintf(stderr, "jubaoctl: --to must be after --from\n");
		return (EXIT_USAGE);
	}
	if (store_stats(x->st, from, to, &s) < 0)
		return (store_fail(x->st));
	if (fmt == 1)
		stats_csv(s, x->cats, stdout);
	else if (fmt == 2)
		stats_html(s, x->cats, x->cfg->site_name, stdout);
	else if (x->json)
		print_json(s);
	else
		stats_text(s, x->cats, stdout);
	json_decref(s);
	return (0);
}

/* cmd_digest - the handlers' daily digest, sent now (or printed) */
static int
cmd_digest(struct ctl *x, int argc, char **argv)
{
	json_t			*d;
	buf			 b = { 0 };
	char			*msg, *id, subj[128], day[16];
	struct outbox_item	 it = { 0 };
	struct tm		 tm;
	int			 print = argc == 2 && strcmp(argv[1], "--print") == 0;
	enum outbox_result	 r;
	char			 why[512];

	if (argc != 1 && !print)
		usage();
	if (!print && *x->cfg->handlers_mailbox == '\0') {
		fprintf(stderr, "jubaoctl: handlers_mailbox is not set\n");
		return (EXIT_REFUSED);
	}
	/* due "today": before the next daily digest, whatever the hour */
	if (store_digest(x->st, x->now, x->now + 86400,
	    x->cfg->digest_expiry_window, &d) < 0)
		return (store_fail(x->st));
	localtime_r(&x->now, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	if (x->json && print) {
		print_json(d);
		json_decref(d);
		return (0);
	}
	digest_text(d, x->cats, day, &b);
	{
		char	*v = str_visible(b.s, 1);

		buf_free(&b);
		buf_adds(&b, v);
		free(v);
	}
	snprintf(subj, sizeof(subj), "[JB] 举报处理日报 %s：超期 %zu 件，24 小时内到期 %zu 件，"
	    "限时加私将到期 %zu 件", day,
	    json_array_size(json_object_get(d, "overdue")),
	    json_array_size(json_object_get(d, "due_today")),
	    json_array_size(json_object_get(d, "private_expiring")));
	json_decref(d);
	if (print) {
		printf("Subject: %s\n\n%s", subj, b.s);
		buf_free(&b);
		return (0);
	}
	id = xasprintf("jubao.digest.%s.%ld@%s", day, (long)x->now,
	    x->cfg->message_id_domain);
	msg = mail_build(x->cfg->ack_from_name, x->cfg->ack_from,
	    x->cfg->handlers_mailbox, subj, b.s, id, NULL, "auto-generated");
	buf_free(&b);
	it.recipient = x->cfg->handlers_mailbox;
	it.env_from = "";
	it.message = msg;
	r = outbox_send(x->cfg, &it, why, sizeof(why));
	free(msg);
	free(id);
	if (r == OUTBOX_SENT) {
		printf("digest sent\n");
		return (0);
	}
	fprintf(stderr, "jubaoctl: digest not sent: %s\n", why);
	return (r == OUTBOX_DEFER ? EXIT_TEMP : EXIT_REFUSED);
}

struct purge_files {
	const char	*dir;
	size_t		 n;
};

/* purge_file - store_files_fn: delete one evidence file of a purged case */
static void
purge_file(void *arg, const char *file)
{
	struct purge_files	*pf = arg;

	if (evidence_remove(pf->dir, file) < 0)
		fprintf(stderr, "jubaoctl: cannot delete evidence %s: %s\n", file,
		    strerror(errno));
	else
		pf->n++;
}

/* cmd_purge - pseudonymise the cases closed longer ago than retention */
static int
cmd_purge(struct ctl *x, int argc, char **argv)
{
	int			 dry = argc == 2 && strcmp(argv[1], "--dry-run") == 0;
	int			 clean, rc;
	long			 n;
	struct purge_files	 pf = { x->cfg->evidence_dir, 0 };

	if (argc != 1 && !dry)
		usage();
	rc = store_purge(x->st, x->now - x->cfg->retention, x->now, dry,
	    purge_file, &pf, &n, &clean);
	printf("%s %ld case(s) closed before the retention of %ld days; %zu "
	    "evidence file(s) deleted\n", dry ? "would purge" : "purged", n,
	    x->cfg->retention / 86400, pf.n);
	if (rc < 0)
		return (store_fail(x->st));
	if (!clean) {
		fprintf(stderr, "jubaoctl: a reader kept the log from being "
		    "truncated: old copies of purged data stay in the WAL file "
		    "until the next checkpoint; run purge again\n");
		return (EXIT_TEMP);
	}
	return (0);
}

/*
 * cmd_evidence - one item of a case's sealed evidence, opened to standard
 * output (a file or a pipe, never a terminal), its opening recorded in the
 * ledger before a byte is written, its SHA-256 checked after
 */
static int
cmd_evidence(struct ctl *x, int argc, char **argv)
{
	struct store_evidence	 ev;
	char			 sha[65], *end;
	long			 n;
	buf			 err = { 0 };

	if (argc != 3)
		usage();
	n = strtol(argv[2], &end, 10);
	if (!caseno_valid(argv[1]) || *end != '\0' || n < 1) {
		fprintf(stderr, "jubaoctl: evidence CASE N: N is the item's number "
		    "in \"jubaoctl show CASE\"\n");
		return (EXIT_USAGE);
	}
	if (isatty(STDOUT_FILENO)) {
		fprintf(stderr, "jubaoctl: evidence is not for a terminal: "
		    "redirect it to a file (> FILE) or a pipe\n");
		return (EXIT_USAGE);
	}
	if (store_evidence_open(x->st, argv[1], n, x->actor, &ev) < 0)
		return (store_fail(x->st));
	buf_adds(&err, "");
	if (evidence_open(x->cfg->evidence_dir, ev.file, STDOUT_FILENO, sha,
	    &err) < 0) {
		fprintf(stderr, "jubaoctl: %s\n", err.s);
		buf_free(&err);
		return (EXIT_REFUSED);
	}
	buf_free(&err);
	if (strcmp(sha, ev.sha256) != 0) {
		fprintf(stderr, "jubaoctl: case %s item %ld: the content does not "
		    "match its recorded SHA-256 (%s)\n", argv[1], n, ev.sha256);
		return (EXIT_REFUSED);
	}
	return (0);
}

/* cmd_deliver - run the outbox once, now */
static int
cmd_deliver(struct ctl *x, int argc)
{
	struct outbox_stats	 s;
	char			 owner[64];

	if (argc != 1)
		usage();
	snprintf(owner, sizeof(owner), "jubaoctl[%ld]", (long)getpid());
	if (outbox_run(x->st, x->cfg, owner, 0, &s) < 0)
		return (store_fail(x->st));
	printf("sent %d, deferred %d, failed %d\n", s.sent, s.deferred, s.failed);
	return (0);
}

/* cmd_config - postconf(1) style: every parameter and its value */
static int
cmd_config(struct ctl *x, int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--defaults") == 0) {
		struct cfg *d = cfg_defaults();

		cfg_dump(d, stdout, 0);
		cfg_unref(d);
	} else if (argc == 2 && strcmp(argv[1], "--changed") == 0)
		cfg_dump(x->cfg, stdout, 1);
	else if (argc == 1)
		cfg_dump(x->cfg, stdout, 0);
	else
		usage();
	return (0);
}

static const char *const actions[] = { "assign", "note", "accept", "reject",
    "transfer", "escalate", "dispose", "feedback", "close", "reopen",
    "objection", "complaint", "rate", NULL };

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "config", required_argument, NULL, 'c' },
		{ "actor", required_argument, NULL, 'a' },
		{ "now", required_argument, NULL, 'N' },
		{ NULL, 0, NULL, 0 },
	};
	const char	*path = CFG_DEFAULT_PATH;
	/* static: what the early returns leave is held until exit, not lost
	 * (LeakSanitizer, tests/t-asan.sh) */
	static struct ctl x;
	static buf	 err;
	int		 ch, check = 0, rc, i;
	const char	*cmd;
	uid_t		 real_uid = getuid();	/* before run_user */

	umask(027);
	x.now = time(NULL);
	/* options before the command; the command parses its own */
	while ((ch = getopt_long(argc, argv, "+c:jn", longopts, NULL)) != -1)
		switch (ch) {
		case 'c': path = optarg; break;
		case 'j': x.json = 1; break;
		case 'n': check = 1; break;
		case 'a': x.actor = optarg; break;
		case 'N':
			if ((x.now = parse_time(optarg)) < 0) {
				fprintf(stderr, "jubaoctl: bad time '%s'\n", optarg);
				usage();
			}
			x.now_given = 1;
			break;
		default: usage();
		}
	argc -= optind;
	argv += optind;
	/* --json may also follow the command */
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--json") == 0) {
			x.json = 1;
			memmove(&argv[i], &argv[i + 1],
			    (size_t)(argc - i) * sizeof(*argv));
			argc--;
			i--;
		}
	if (x.actor == NULL) {
		struct passwd *pw = getpwuid(getuid());

		x.actor = getenv("SUDO_USER") ? getenv("SUDO_USER") :
		    getlogin() ? getlogin() : pw ? pw->pw_name : "unknown";
	}
	log_init("jubaoctl", 1, NULL);
	signal(SIGPIPE, SIG_IGN);
	buf_adds(&err, "");
	if ((x.cfg = cfg_load(path, &err)) == NULL ||
	    cfg_check_program(x.cfg, "jubaoctl", &err) < 0 ||
	    (x.cats = cat_load(x.cfg->categories_file, &err)) == NULL) {
		fprintf(stderr, "%sjubaoctl: %s: configuration has errors\n",
		    err.s, path);
		return (EXIT_REFUSED);
	}
	if (argc >= 1 && strcmp(argv[0], "keygen") == 0 && !check) {
		/* a new key_file, mode 0600; an existing one is never replaced */
		if (argc != 1)
			usage();
		if (crypt_keygen(x.cfg->key_file, &err) < 0) {
			fprintf(stderr, "jubaoctl: %s", err.s);
			return (EXIT_REFUSED);
		}
		printf("jubaoctl: new key in %s\n", x.cfg->key_file);
		return (0);
	}
	if (argc >= 1 && strcmp(argv[0], "config") == 0)
		return (cmd_config(&x, argc, argv));
	if (store_keys_load(x.cfg->key_file, &err) < 0) {
		fprintf(stderr, "%sjubaoctl: %s: configuration has errors\n",
		    err.s, path);
		return (EXIT_REFUSED);
	}
	/* root works on the store as the daemons do, so that a WAL file it
	 * creates stays theirs */
	if (!check && privdrop_to(x.cfg->run_user, &err) < 0) {
		fprintf(stderr, "jubaoctl: %s", err.s);
		return (EXIT_REFUSED);
	}
	if (check) {
		printf("jubaoctl: %s: configuration OK\n", path);
		return (0);
	}
	if (argc < 1)
		usage();
	cmd = argv[0];
	for (i = 0; actions[i]; i++)
		if (strcmp(cmd, actions[i]) == 0)
			break;
	if (!actions[i] && strcmp(cmd, "list") && strcmp(cmd, "overdue") &&
	    strcmp(cmd, "show") && strcmp(cmd, "hot") && strcmp(cmd, "stats") &&
	    strcmp(cmd, "deliver") && strcmp(cmd, "digest") &&
	    strcmp(cmd, "purge") && strcmp(cmd, "evidence"))
		usage();
	/* the ledger's times are the clock's: --now only reads (issue
	 * "Hostile senders", finding 12) */
	if (x.now_given && (actions[i] || strcmp(cmd, "deliver") == 0 ||
	    strcmp(cmd, "evidence") == 0 || (strcmp(cmd, "purge") == 0 &&
	    !(argc == 2 && strcmp(argv[1], "--dry-run") == 0)))) {
		fprintf(stderr, "jubaoctl: --now is for reading (list, overdue, "
		    "show, hot, stats, digest, purge --dry-run): %s writes the "
		    "ledger at the real time\n", cmd);
		return (EXIT_USAGE);
	}
	g_mime_init();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	/* the daemons create the store; a mistyped path must not make one */
	if (access(x.cfg->store_path, F_OK) < 0) {
		fprintf(stderr, "jubaoctl: store %s: %s\n", x.cfg->store_path,
		    strerror(errno));
		return (EXIT_TEMP);
	}
	if (store_open(x.cfg->store_path, x.cfg->store_busy_timeout, &x.st,
	    &err) < 0) {
		fprintf(stderr, "jubaoctl: %s\n", err.s);
		return (EXIT_TEMP);
	}
	store_set_uid(x.st, (long)real_uid);
	if (actions[i])
		rc = cmd_act(&x, argc, argv);
	else if (strcmp(cmd, "evidence") == 0)
		rc = cmd_evidence(&x, argc, argv);
	else if (strcmp(cmd, "list") == 0)
		rc = cmd_list(&x, argc, argv, 0);
	else if (strcmp(cmd, "overdue") == 0)
		rc = cmd_list(&x, argc, argv, 1);
	else if (strcmp(cmd, "show") == 0)
		rc = cmd_show(&x, argc, argv);
	else if (strcmp(cmd, "hot") == 0)
		rc = cmd_hot(&x, argc, argv);
	else if (strcmp(cmd, "stats") == 0)
		rc = cmd_stats(&x, argc, argv);
	else if (strcmp(cmd, "digest") == 0)
		rc = cmd_digest(&x, argc, argv);
	else if (strcmp(cmd, "purge") == 0)
		rc = cmd_purge(&x, argc, argv);
	else
		rc = cmd_deliver(&x, argc);
	store_close(x.st);
	cat_free(x.cats);
	cfg_unref(x.cfg);
	buf_free(&err);
	return (rc);
}
