/*
 * NAME
 *	ctl_user - jubaoctl's accounts: the call centre's staff
 * DESCRIPTION
 *	user add NAME --role handler|reviewer|admin, user passwd NAME, user
 *	disable NAME, user enable NAME, user list: a table of subcommands over
 *	staff.c, which hashes the passwords (Argon2id) and logs each change
 *	(never a password).  A password is asked for twice on the terminal
 *	without echo, or, when standard input is no terminal (a script, a
 *	test), read as its first line.  The console (jubao-webd) logs these
 *	accounts in; a removal is approved by one with the reviewer role
 *	(workflow.h).
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sodium.h>

#include "ctl.h"
#include "staff.h"

#define PW_BUF	(STAFF_PW_MAX + 2)	/* the line, its newline, NUL */

static struct termios	 saved_tty;

/* restore_tty - a signal while the echo is off: echo on again, then die */
static void
restore_tty(int sig)
{
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* read_line - one line of fp into out, without its end; 0 or -1 (none,
 * or longer than out) */
static int
read_line(FILE *fp, char *out, size_t len)
{
	size_t	 n;

	if (fgets(out, (int)len, fp) == NULL)
		return (-1);
	n = strlen(out);
	if (n > 0 && out[n - 1] == '\n')
		out[--n] = '\0';
	else if (!feof(fp))
		return (-1);
	if (n > 0 && out[n - 1] == '\r')
		out[--n] = '\0';
	return (0);
}

/* ask - prompt on the terminal and read a line without echo; 0 or -1 */
static int
ask(const char *prompt, char *out, size_t len)
{
	struct termios	 quiet;
	int		 rc;

	if (tcgetattr(STDIN_FILENO, &saved_tty) < 0)
		return (-1);
	fputs(prompt, stderr);
	fflush(stderr);
	quiet = saved_tty;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	signal(SIGINT, restore_tty);
	signal(SIGTERM, restore_tty);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	rc = read_line(stdin, out, len);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	fputc('\n', stderr);
	return (rc);
}

/*
 * password - a new password for name into out (PW_BUF bytes): twice from
 * the terminal, or a line of standard input; 0, or -1 said on stderr
 */
static int
password(const char *name, char out[PW_BUF])
{
	char	 again[PW_BUF], prompt[128];
	int	 rc;

	if (!isatty(STDIN_FILENO)) {
		if (read_line(stdin, out, PW_BUF) == 0)
			return (0);
		fprintf(stderr, "jubaoctl: no password on standard input (one "
		    "line, at most %d bytes)\n", STAFF_PW_MAX);
		return (-1);
	}
	snprintf(prompt, sizeof(prompt), "New password for %s: ", name);
	if (ask(prompt, out, PW_BUF) < 0 || ask("Again: ", again, PW_BUF) < 0) {
		fprintf(stderr, "jubaoctl: no password read (at most %d "
		    "bytes)\n", STAFF_PW_MAX);
		rc = -1;
	} else if ((rc = strcmp(out, again) == 0 ? 0 : -1) < 0)
		fprintf(stderr, "jubaoctl: the two passwords differ\n");
	sodium_memzero(again, sizeof(again));
	return (rc);
}

/* done - what a change did, as text or JSON; exit 0 */
static int
done(struct ctl *x, const char *name, const char *what)
{
	json_t	*o;

	if (!x->json) {
		printf("account %s: %s\n", name, what);
		return (0);
	}
	o = json_pack("{s:s, s:s}", "user", name, "done", what);
	ctl_print_json(o);
	json_decref(o);
	return (0);
}

/* user_add - user add NAME --role ROLE */
static int
user_add(struct ctl *x, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "role", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	enum staff_role	 role = ROLE_NONE;
	char		 pw[PW_BUF], what[64];
	int		 ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1)
		switch (ch) {
		case 'r':
			if ((role = staff_role_parse(optarg)) == ROLE_NONE) {
				fprintf(stderr, "jubaoctl: a role is handler, "
				    "reviewer or admin\n");
				ctl_usage();
			}
			break;
		default: ctl_usage();
		}
	if (optind + 1 != argc || role == ROLE_NONE) {
		fprintf(stderr, "jubaoctl: user add NAME --role "
		    "handler|reviewer|admin\n");
		ctl_usage();
	}
	if (!staff_name_valid(argv[optind])) {
		fprintf(stderr, "jubaoctl: '%s' is not an account name "
		    "(a-z, 0-9, '.', '_', '-'; at most %d)\n",
		    ctl_vis(argv[optind]), STAFF_NAME_MAX - 1);
		return (EXIT_REFUSED);
	}
	if (password(argv[optind], pw) < 0)
		return (EXIT_REFUSED);
	rc = staff_user_add(x->st, argv[optind], role, pw, x->now);
	sodium_memzero(pw, sizeof(pw));
	if (rc < 0)
		return (ctl_store_fail(x));
	snprintf(what, sizeof(what), "added, role %s", staff_role_name(role));
	return (done(x, argv[optind], what));
}

/* one_name - the NAME of "user CMD NAME", or usage */
static const char *
one_name(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "jubaoctl: user %s NAME\n", argv[0]);
		ctl_usage();
	}
	return (argv[1]);
}

/* user_passwd - user passwd NAME: its sessions end */
static int
user_passwd(struct ctl *x, int argc, char **argv)
{
	const char	*name = one_name(argc, argv);
	char		 pw[PW_BUF];
	int		 rc;

	if (password(name, pw) < 0)
		return (EXIT_REFUSED);
	rc = staff_user_passwd(x->st, name, pw, x->now);
	sodium_memzero(pw, sizeof(pw));
	if (rc < 0)
		return (ctl_store_fail(x));
	return (done(x, name, "password changed, its sessions ended"));
}

/* user_disable - user disable NAME (its sessions end), user enable NAME */
static int
user_disable(struct ctl *x, int argc, char **argv)
{
	const char	*name = one_name(argc, argv);
	int		 off = strcmp(argv[0], "disable") == 0;

	if (staff_user_disable(x->st, name, off, x->now) < 0)
		return (ctl_store_fail(x));
	return (done(x, name, off ? "disabled, its sessions ended" :
	    "enabled"));
}

/* user_list - user list: every account, never a password's hash */
static int
user_list(struct ctl *x, int argc, char **argv)
{
	struct staff_users	 u;
	const struct staff_user	*v;
	json_t			*a, *o;
	char			 when[40];
	size_t			 i;

	if (argc != 1)
		ctl_usage();
	if (staff_user_list(x->st, &u) < 0)
		return (ctl_store_fail(x));
	a = json_array();
	for (i = 0; i < u.n; i++) {
		v = &u.v[i];
		o = json_object();
		json_object_set_new(o, "user", json_string(v->name));
		json_object_set_new(o, "role", json_string(staff_role_name(
		    v->role)));
		json_object_set_new(o, "disabled", json_boolean(v->disabled));
		json_object_set_new(o, "locked_until", v->locked_until > x->now ?
		    ctl_json_time(v->locked_until) : json_null());
		json_object_set_new(o, "created_at", ctl_json_time(v->created_at));
		json_object_set_new(o, "pw_changed_at",
		    ctl_json_time(v->pw_changed_at));
		json_object_set_new(o, "last_login", ctl_json_time(v->last_login));
		json_array_append_new(a, o);
		if (x->json)
			continue;
		if (v->last_login)
			time_rfc3339(v->last_login, when);
		printf("%-20s %-9s %-8s last login %s\n", v->name,
		    staff_role_name(v->role), v->disabled ? "disabled" :
		    v->locked_until > x->now ? "locked" : "enabled",
		    v->last_login ? when : "never");
	}
	if (x->json)
		ctl_print_json(a);
	json_decref(a);
	staff_users_free(&u);
	return (0);
}

static const struct {
	const char	*name;
	int		(*fn)(struct ctl *, int, char **);
} user_cmds[] = {
	{ "add",	user_add },
	{ "passwd",	user_passwd },
	{ "disable",	user_disable },
	{ "enable",	user_disable },
	{ "list",	user_list },
};

/* cmd_user - user SUBCOMMAND ...: the accounts */
int
cmd_user(struct ctl *x, int argc, char **argv)
{
	size_t	 i;

	if (argc >= 2)
		for (i = 0; i < sizeof(user_cmds) / sizeof(user_cmds[0]); i++)
			if (strcmp(user_cmds[i].name, argv[1]) == 0)
				return (user_cmds[i].fn(x, argc - 1, argv + 1));
	ctl_usage();
}
