/*
 * NAME
 *	jubaoctl - the handlers' command line: the store's front door
 * SYNOPSIS
 *	jubaoctl [-c file] [--json] list [--status STATUS]
 *	jubaoctl [-c file] [--json] show [--reveal] [--actor NAME] CASE
 *	jubaoctl [-c file] deliver
 *	jubaoctl [-c file] config [--defaults | --changed]
 *	jubaoctl [-c file] -n
 * DESCRIPTION
 *	Exit codes (sysexits): 0 done, 1 refused (unknown case, bad case
 *	number), 2 usage, 75 temporary failure (store busy or unavailable).
 *	Reads are safe while the daemons write (WAL).  The reporter's
 *	identity is printed only with --reveal, which is recorded.
 */
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>
#include <curl/curl.h>
#include <gmime/gmime.h>

#include "caseno.h"
#include "cfg.h"
#include "classify.h"
#include "log.h"
#include "outbox.h"
#include "store.h"

#define EXIT_REFUSED	1
#define EXIT_USAGE	2
#define EXIT_TEMP	EX_TEMPFAIL

/* usage - the synopsis; exit 2 */
static void
usage(void)
{
	fprintf(stderr,
	    "usage: jubaoctl [-c file] [--json] list [--status STATUS]\n"
	    "       jubaoctl [-c file] [--json] show [--reveal] [--actor NAME] CASE\n"
	    "       jubaoctl [-c file] deliver\n"
	    "       jubaoctl [-c file] config [--defaults | --changed]\n"
	    "       jubaoctl [-c file] -n\n");
	exit(EXIT_USAGE);
}

/* store_fail - report a store failure; the exit code it calls for */
static int
store_fail(struct store *st)
{
	fprintf(stderr, "jubaoctl: %s\n", store_error(st));
	return (store_busy(st) ? EXIT_TEMP : EXIT_REFUSED);
}

/* str - a JSON string member or "" */
static const char *
str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return (s ? s : "");
}

/* shorten - at most n characters of UTF-8 text, on one line */
static void
shorten(const char *s, size_t n, char *out, size_t len)
{
	size_t	 i = 0, chars = 0;

	while (s[i] && chars < n && i + 4 < len) {
		size_t	 l = 1;

		if (((unsigned char)s[i] & 0xe0) == 0xc0) l = 2;
		else if (((unsigned char)s[i] & 0xf0) == 0xe0) l = 3;
		else if (((unsigned char)s[i] & 0xf8) == 0xf0) l = 4;
		memcpy(out + i, s + i, l);
		for (size_t j = i; j < i + l; j++)
			if (out[j] == '\n' || out[j] == '\r' || out[j] == '\t')
				out[j] = ' ';
		i += l;
		chars++;
	}
	out[i] = '\0';
}

/* cmd_list - the cases, newest first */
static int
cmd_list(struct store *st, int json, int argc, char **argv)
{
	const char	*status = NULL;
	json_t		*a, *o;
	size_t		 i;
	char		 subj[256];

	if (argc == 3 && strcmp(argv[1], "--status") == 0)
		status = argv[2];
	else if (argc != 1)
		usage();
	if (store_case_list(st, status, &a) < 0)
		return (store_fail(st));
	if (json) {
		json_dumpf(a, stdout, JSON_INDENT(2));
		putchar('\n');
	} else {
		printf("%-14s %-8s %-18s %-18s %-3s %-19s %-19s %s\n", "CASE",
		    "CHANNEL", "STATUS", "CATEGORY", "PRI", "RECEIVED", "DEADLINE",
		    "SUBJECT");
		json_array_foreach(a, i, o) {
			shorten(str(o, "subject"), 40, subj, sizeof(subj));
			printf("%-14s %-8s %-18s %-18s %-3lld %-19.19s %-19.19s %s\n",
			    str(o, "case"), str(o, "channel"), str(o, "status"),
			    str(o, "category"),
			    json_integer_value(json_object_get(o, "priority")),
			    str(o, "received_at"), str(o, "deadline"), subj);
		}
	}
	json_decref(a);
	return (0);
}

/* print_list - "key: a, b" for an array of strings */
static void
print_list(const char *k, json_t *a)
{
	size_t	 i;
	json_t	*v;

	printf("%-17s", k);
	json_array_foreach(a, i, v)
		printf("%s%s", i ? ", " : "", json_string_value(v));
	putchar('\n');
}

/* cmd_show - one case, whole */
static int
cmd_show(struct store *st, int json, int argc, char **argv)
{
	const char	*case_no = NULL, *actor = NULL;
	int		 reveal = 0, i;
	json_t		*c, *o;
	size_t		 k;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--reveal") == 0)
			reveal = 1;
		else if (strcmp(argv[i], "--actor") == 0 && i + 1 < argc)
			actor = argv[++i];
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
	if (actor == NULL) {
		struct passwd *pw = getpwuid(getuid());

		actor = getenv("SUDO_USER") ? getenv("SUDO_USER") :
		    getlogin() ? getlogin() : pw ? pw->pw_name : "unknown";
	}
	if (store_case_show(st, case_no, reveal, actor, &c) < 0)
		return (store_fail(st));
	if (json) {
		json_dumpf(c, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(c);
		return (0);
	}
	printf("%-17s%s\n", "case:", str(c, "case"));
	printf("%-17s%s\n", "channel:", str(c, "channel"));
	printf("%-17s%s\n", "status:", str(c, "status"));
	printf("%-17s%s (priority %lld)\n", "category:", str(c, "category"),
	    json_integer_value(json_object_get(c, "priority")));
	printf("%-17s%s\n", "received:", str(c, "received_at"));
	printf("%-17s%s\n", "deadline:", str(c, "deadline"));
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
	printf("evidence:\n");
	json_array_foreach(json_object_get(c, "evidence"), k, o)
		printf("  %-40s %-28s %10lld  %.16s…%s%s\n", str(o, "name"),
		    str(o, "type"), json_integer_value(json_object_get(o, "size")),
		    str(o, "sha256"), json_is_string(json_object_get(o, "note")) ?
		    "  note: " : "", str(o, "note"));
	printf("messages:\n");
	json_array_foreach(json_object_get(c, "messages"), k, o)
		printf("  #%-5lld %-11s %-10s %s%s%s\n",
		    json_integer_value(json_object_get(o, "id")), str(o, "kind"),
		    str(o, "status"), str(o, "sent_at"),
		    *str(o, "reason") ? "  " : "", str(o, "reason"));
	printf("events:\n");
	json_array_foreach(json_object_get(c, "events"), k, o)
		printf("  %s  %-14s %-20s %s\n", str(o, "at"), str(o, "actor"),
		    str(o, "action"), str(o, "detail"));
	printf("text:\n%s\n", str(c, "text"));
	json_decref(c);
	return (0);
}

/* cmd_deliver - run the outbox once, now */
static int
cmd_deliver(struct store *st, const struct cfg *cfg, int argc)
{
	struct outbox_stats	 s;
	char			 owner[64];

	if (argc != 1)
		usage();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	signal(SIGPIPE, SIG_IGN);
	snprintf(owner, sizeof(owner), "jubaoctl[%ld]", (long)getpid());
	if (outbox_run(st, cfg, owner, 0, &s) < 0)
		return (store_fail(st));
	printf("sent %d, deferred %d, failed %d\n", s.sent, s.deferred, s.failed);
	return (0);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "config", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	const char	*path = CFG_DEFAULT_PATH;
	struct cfg	*cfg;
	struct store	*st;
	buf		 err = { 0 };
	int		 ch, json = 0, check = 0, rc;

	/* options before the command only; the command parses its own */
	while ((ch = getopt_long(argc, argv, "+c:jn", longopts, NULL)) != -1)
		switch (ch) {
		case 'c': path = optarg; break;
		case 'j': json = 1; break;
		case 'n': check = 1; break;
		default: usage();
		}
	argc -= optind;
	argv += optind;
	/* --json may also follow the command */
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--json") == 0) {
			json = 1;
			memmove(&argv[i], &argv[i + 1],
			    (size_t)(argc - i) * sizeof(*argv));
			argc--;
			i--;
		}
	log_init("jubaoctl", 1, NULL);
	buf_adds(&err, "");
	if ((cfg = cfg_load(path, &err)) == NULL ||
	    cfg_check_program(cfg, "jubaoctl", &err) < 0) {
		fprintf(stderr, "%sjubaoctl: %s: configuration has errors\n",
		    err.s, path);
		return (EXIT_REFUSED);
	}
	if (check) {
		struct categories *cats = cat_load(cfg->categories_file, &err);

		if (cats == NULL) {
			fprintf(stderr, "%s", err.s);
			return (1);
		}
		cat_free(cats);
		printf("jubaoctl: %s: configuration OK\n", path);
		return (0);
	}
	if (argc < 1)
		usage();
	if (strcmp(argv[0], "config") == 0) {
		/* postconf(1) style: every parameter and its value */
		if (argc == 2 && strcmp(argv[1], "--defaults") == 0) {
			struct cfg *d = cfg_defaults();

			cfg_dump(d, stdout, 0);
			cfg_unref(d);
		} else if (argc == 2 && strcmp(argv[1], "--changed") == 0)
			cfg_dump(cfg, stdout, 1);
		else if (argc == 1)
			cfg_dump(cfg, stdout, 0);
		else
			usage();
		cfg_unref(cfg);
		return (0);
	}
	if (strcmp(argv[0], "list") != 0 && strcmp(argv[0], "show") != 0 &&
	    strcmp(argv[0], "deliver") != 0)
		usage();
	g_mime_init();
	/* the daemons create the store; a mistyped path must not make one */
	if (access(cfg->store_path, F_OK) < 0) {
		fprintf(stderr, "jubaoctl: store %s: %s\n", cfg->store_path,
		    strerror(errno));
		return (EXIT_TEMP);
	}
	if (store_open(cfg->store_path, cfg->store_busy_timeout, &st, &err) < 0) {
		fprintf(stderr, "jubaoctl: %s\n", err.s);
		return (EXIT_TEMP);
	}
	if (strcmp(argv[0], "list") == 0)
		rc = cmd_list(st, json, argc, argv);
	else if (strcmp(argv[0], "show") == 0)
		rc = cmd_show(st, json, argc, argv);
	else
		rc = cmd_deliver(st, cfg, argc);
	store_close(st);
	cfg_unref(cfg);
	buf_free(&err);
	return (rc);
}
