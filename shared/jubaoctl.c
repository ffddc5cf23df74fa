/*
 * NAME
 *	jubaoctl - the handlers' command line: the store's front door
 * SYNOPSIS
 *	jubaoctl [-c file] [--json] [--actor NAME] [--now TIME] COMMAND ...
 * DESCRIPTION
 *	Reading: list, overdue, show, hot, stats.  Handling (one case, or
 *	case numbers one a line on standard input when none is given):
 *	assign, note, accept, reject, transfer, escalate, dispose, approve,
 *	decline, feedback, close, reopen, objection, complaint, rate.
 *	Accounts: user (add, passwd, disable, enable, list).  Evidence:
 *	evidence (the sealed files, opened one at a time and each opening
 *	recorded).
 *	Running: deliver, digest, purge, config, keygen, -n.  Every action is
 *	an event with its actor (--actor, else the login name), the real uid
 *	of whoever ran jubaoctl beside it, and the time; --now only reads (a
 *	fixed clock for list, overdue, show, hot, stats, digest, purge
 *	--dry-run), it never writes a time into the ledger.
 *
 *	The commands are a table (OpenSMTPD's smtpctl): a name, the
 *	function, and what it needs (the store) or may not be given (--now,
 *	to a command that writes).  What a report says is printed for a
 *	handler's terminal with every control character, C1 control and bidi
 *	override made visible (str_visible): a report cannot rewrite the
 *	terminal that shows it.
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
#include <unistd.h>
#include <curl/curl.h>
#include <gmime/gmime.h>

#include "ctl.h"
#include "log.h"
#include "privdrop.h"

#define C_STORE		0x01	/* opens the store (and so the key) */
#define C_WRITES	0x02	/* writes the ledger: no --now */
#define C_DRYRUN	0x04	/* writes unless --dry-run */

static const struct command {
	const char	*name;
	int		(*fn)(struct ctl *, int, char **);
	int		 flags;
} commands[] = {
	{ "list",	cmd_list,	C_STORE },
	{ "overdue",	cmd_overdue,	C_STORE },
	{ "show",	cmd_show,	C_STORE },
	{ "hot",	cmd_hot,	C_STORE },
	{ "stats",	cmd_stats,	C_STORE },
	{ "digest",	cmd_digest,	C_STORE },
	{ "assign",	cmd_act,	C_STORE | C_WRITES },
	{ "note",	cmd_act,	C_STORE | C_WRITES },
	{ "accept",	cmd_act,	C_STORE | C_WRITES },
	{ "reject",	cmd_act,	C_STORE | C_WRITES },
	{ "transfer",	cmd_act,	C_STORE | C_WRITES },
	{ "escalate",	cmd_act,	C_STORE | C_WRITES },
	{ "dispose",	cmd_act,	C_STORE | C_WRITES },
	{ "approve",	cmd_act,	C_STORE | C_WRITES },
	{ "decline",	cmd_act,	C_STORE | C_WRITES },
	{ "feedback",	cmd_act,	C_STORE | C_WRITES },
	{ "close",	cmd_act,	C_STORE | C_WRITES },
	{ "reopen",	cmd_act,	C_STORE | C_WRITES },
	{ "objection",	cmd_act,	C_STORE | C_WRITES },
	{ "complaint",	cmd_act,	C_STORE | C_WRITES },
	{ "rate",	cmd_act,	C_STORE | C_WRITES },
	{ "evidence",	cmd_evidence,	C_STORE | C_WRITES },
	{ "deliver",	cmd_deliver,	C_STORE | C_WRITES },
	{ "purge",	cmd_purge,	C_STORE | C_DRYRUN },
	{ "copy-from",	cmd_copy,	C_STORE | C_WRITES },
	{ "user",	cmd_user,	C_STORE | C_WRITES },
	{ "rebuild-stats", cmd_rebuild_stats, C_STORE | C_WRITES },
	{ "config",	cmd_config,	0 },
	{ "keygen",	cmd_keygen,	0 },
};

/* ctl_usage - the synopsis; exit 2 */
void
ctl_usage(void)
{
	fprintf(stderr,
	    "usage: jubaoctl [-c file] [--json] [--actor NAME] [--now TIME] command ...\n"
	    "  list [--status S] [--outcome O] [--category C] [--channel email|hotline]\n"
	    "       [--assignee NAME] [--text TEXT] [--overdue] [--limit N (100; 0 all)]\n"
	    "  overdue | show [--reveal] CASE | hot [--from D] [--to D] [--limit N]\n"
	    "  stats --from DATE --to DATE [--csv | --html] [--scan]   rebuild-stats\n"
	    "  assign --to NAME [CASE...]     note --text TEXT [CASE...]\n"
	    "  accept [CASE...]               escalate [CASE...]\n"
	    "  reject --reason TEXT [--malicious] [--no-feedback] [CASE...]\n"
	    "  transfer --to WHOM [--explain TEXT] [--no-feedback] [CASE...]\n"
	    "  dispose --measure M [--measure M...] [--until DATE] [--explain TEXT]\n"
	    "          [--no-feedback] [CASE...]\n"
	    "     M: delete block unlink warn suspend restrict close private dispute-label\n"
	    "     (delete block unlink close: proposed, until a reviewer approves)\n"
	    "  approve [CASE...]              decline --reason TEXT [CASE...]\n"
	    "  feedback | close | reopen [CASE...]\n"
	    "  objection --text TEXT CASE     complaint --text TEXT CASE\n"
	    "  rate --score 1-5 CASE\n"
	    "  evidence CASE N > FILE (item N of show's list; recorded)\n"
	    "  deliver | digest [--print] | purge [--dry-run]\n"
	    "  config [--defaults | --changed] | keygen | -n\n"
	    "  copy-from SQLITE-FILE (into the configured, empty store; verified)\n"
	    "  user add NAME --role handler|reviewer|admin | user passwd NAME\n"
	    "  user disable NAME | user enable NAME | user list\n"
	    "     (a password: twice from the terminal, or a line of standard input)\n"
	    "  (no CASE: case numbers are read from standard input, one a line)\n");
	exit(EXIT_USAGE);
}

/* ctl_store_fail - report a store failure; the exit code it calls for */
int
ctl_store_fail(struct ctl *x)
{
	fprintf(stderr, "jubaoctl: %s\n", store_error(x->st));
	return (store_busy(x->st) ? EXIT_TEMP : EXIT_REFUSED);
}

/*
 * ctl_vis - a sender's string made safe for a terminal (str_visible), ""
 * for NULL; the result lives until 16 more calls have been made
 */
const char *
ctl_vis(const char *s)
{
	static char	*ring[16];
	static int	 next;
	const char	*v;

	free(ring[next]);
	ring[next] = str_visible(s ? s : "", 0);
	v = ring[next];
	next = (next + 1) % 16;
	return (v);
}

/* ctl_print_json - one JSON document on standard output (json_visible) */
void
ctl_print_json(json_t *j)
{
	char	*s = json_dumps(j, JSON_INDENT(2)), *v;

	v = json_visible(s ? s : "null");
	fputs(v, stdout);
	putchar('\n');
	free(v);
	free(s);
}

/* ctl_json_time - a time as RFC 3339, or null for none (0) */
json_t *
ctl_json_time(time_t t)
{
	char	 s[40];

	if (t == 0)
		return (json_null());
	time_rfc3339(t, s);
	return (json_string(s));
}

/* ctl_json_str - a string, or null */
json_t *
ctl_json_str(const char *s)
{
	return (s ? json_string(s) : json_null());
}

/*
 * ctl_parse_time - "YYYY-MM-DD" (local midnight), "YYYY-MM-DD HH:MM[:SS]",
 * RFC 3339 with a zone, or "@SECONDS"; -1 when it is none of them.
 */
time_t
ctl_parse_time(const char *s)
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

/*
 * ctl_range - --from and --to (default: the last 365 days to now), and
 * --limit and --csv/--html where the command takes them (limit, fmt not
 * NULL)
 */
void
ctl_range(struct ctl *x, int argc, char **argv, time_t *from, time_t *to,
    long *limit, int *fmt)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "limit", required_argument, NULL, 'l' },
		{ "csv", no_argument, NULL, 'c' },
		{ "html", no_argument, NULL, 'h' },
		{ "scan", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	int	 ch;

	*from = x->now - 365L * 86400;
	*to = x->now + 1;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1)
		switch (ch) {
		case 'f':
			if ((*from = ctl_parse_time(optarg)) < 0)
				ctl_usage();
			break;
		case 't':
			if ((*to = ctl_parse_time(optarg)) < 0)
				ctl_usage();
			break;
		case 'l': if (limit) *limit = atol(optarg); else ctl_usage(); break;
		case 'c': if (fmt) *fmt = 1; else ctl_usage(); break;
		case 'h': if (fmt) *fmt = 2; else ctl_usage(); break;
		case 's': if (fmt) x->scan = 1; else ctl_usage(); break;
		default: ctl_usage();
		}
	if (optind != argc)
		ctl_usage();
}

/* find - the command of this name; NULL when there is none */
static const struct command *
find(const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return (&commands[i]);
	return (NULL);
}

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
	const char		*path = CFG_DEFAULT_PATH;
	const struct command	*cmd = NULL;
	/* static: what the early returns leave is held until exit, not lost
	 * (LeakSanitizer, tests/t-asan.sh) */
	static struct ctl	 x;
	static buf		 err;
	int			 ch, check = 0, rc, i, writes, temporary;
	uid_t			 real_uid = getuid();	/* before run_user */

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
			if ((x.now = ctl_parse_time(optarg)) < 0) {
				fprintf(stderr, "jubaoctl: bad time '%s'\n", optarg);
				ctl_usage();
			}
			x.now_given = 1;
			break;
		default: ctl_usage();
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
	if (argc >= 1 && (cmd = find(argv[0])) == NULL && !check)
		ctl_usage();
	/* config and keygen need neither the key nor the store (and -n
	 * checks instead of making a key) */
	if (cmd != NULL && !(cmd->flags & C_STORE) && (!check ||
	    cmd->fn == cmd_config))
		return (cmd->fn(&x, argc, argv));
	if (store_keys_load(x.cfg->key_file, &err) < 0) {
		fprintf(stderr, "%sjubaoctl: %s: configuration has errors\n",
		    err.s, path);
		return (EXIT_REFUSED);
	}
	if (check && store_reachable(x.cfg->store_engine,
	    cfg_store_where(x.cfg), x.cfg->store_busy_timeout, &err) < 0) {
		fprintf(stderr, "%sjubaoctl: %s: the store is not reachable\n",
		    err.s, path);
		return (EXIT_TEMP);
	}
	if (check) {
		printf("jubaoctl: %s: configuration OK\n", path);
		return (0);
	}
	/* root works on the store as the daemons do, so that a WAL file it
	 * creates stays theirs */
	if (privdrop_to(x.cfg->run_user, &err) < 0) {
		fprintf(stderr, "jubaoctl: %s", err.s);
		return (EXIT_REFUSED);
	}
	if (cmd == NULL)
		ctl_usage();
	/* the ledger's times are the clock's: --now only reads (issue
	 * "Hostile senders", finding 12) */
	writes = (cmd->flags & C_WRITES) || ((cmd->flags & C_DRYRUN) &&
	    !(argc == 2 && strcmp(argv[1], "--dry-run") == 0));
	if (x.now_given && writes) {
		fprintf(stderr, "jubaoctl: --now is for reading (list, overdue, "
		    "show, hot, stats, digest, purge --dry-run): %s writes the "
		    "ledger at the real time\n", cmd->name);
		return (EXIT_USAGE);
	}
	g_mime_init();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	/* the daemons create the store; a mistyped path must not make one */
	if (strcmp(x.cfg->store_engine, "sqlite") == 0 &&
	    access(x.cfg->store_path, F_OK) < 0) {
		fprintf(stderr, "jubaoctl: store %s: %s\n", x.cfg->store_path,
		    strerror(errno));
		return (EXIT_TEMP);
	}
	if (store_open(x.cfg->store_engine,
	    cfg_store_where(x.cfg), x.cfg->store_busy_timeout, &x.st,
	    &temporary, &err) < 0) {
		fprintf(stderr, "jubaoctl: %s\n", err.s);
		return (temporary ? EXIT_TEMP : EXIT_REFUSED);
	}
	store_set_uid(x.st, (long)real_uid);
	rc = cmd->fn(&x, argc, argv);
	store_close(x.st);
	cat_free(x.cats);
	cfg_unref(x.cfg);
	buf_free(&err);
	return (rc);
}
