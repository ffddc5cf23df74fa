/*
 * NAME
 *	ctl_show - jubaoctl list, overdue, show, hot
 * DESCRIPTION
 *	The store's typed rows as a table or JSON (DESIGN.md's fields: the
 *	interface scripts read).  Times are RFC 3339, null when there is none.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caseno.h"
#include "ctl.h"

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

/* json_missing - element bits as an array of keys */
static json_t *
json_missing(unsigned missing)
{
	json_t		*a = json_array();
	unsigned	 bit;

	for (bit = 1; bit <= ELEM_GUARANTEE; bit <<= 1)
		if (missing & bit)
			json_array_append_new(a, json_string(elem_key(bit)));
	return (a);
}

/* json_row - one case of a list */
static json_t *
json_row(const struct case_row *r)
{
	json_t	*o = json_object();

	json_object_set_new(o, "case", json_string(r->case_no));
	json_object_set_new(o, "channel", json_string(r->channel));
	json_object_set_new(o, "status", json_string(r->status));
	json_object_set_new(o, "category", json_string(r->category));
	json_object_set_new(o, "priority", json_integer(r->priority));
	json_object_set_new(o, "received_at", ctl_json_time(r->received_at));
	json_object_set_new(o, "deadline", ctl_json_time(r->deadline));
	json_object_set_new(o, "subject", ctl_json_str(r->subject));
	json_object_set_new(o, "spf", json_string(r->spf));
	json_object_set_new(o, "assignee", ctl_json_str(r->assignee));
	json_object_set_new(o, "outcome", ctl_json_str(r->outcome));
	json_object_set_new(o, "overdue", json_boolean(r->overdue));
	json_object_set_new(o, "missing_elements", json_missing(r->missing));
	return (o);
}

/* list - the cases a filter selects, as a table or JSON */
static int
list(struct ctl *x, int argc, char **argv, int overdue)
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
	struct case_rows	 rows;
	const struct case_row	*r;
	json_t			*a;
	char			 subj[256], rec[40], due[40];
	size_t			 i;
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
		default: ctl_usage();
		}
	if (optind != argc || f.limit < 0)
		ctl_usage();
	if (store_case_query(x->st, &f, &rows) < 0)
		return (ctl_store_fail(x));
	if (x->json) {
		a = json_array();
		for (i = 0; i < rows.n; i++)
			json_array_append_new(a, json_row(&rows.v[i]));
		ctl_print_json(a);
		json_decref(a);
	} else {
		printf("%-14s %-8s %-18s %-18s %-3s %-19s %-19s %s\n", "CASE",
		    "CHANNEL", "STATUS", "CATEGORY", "PRI", "RECEIVED",
		    "DEADLINE", "SUBJECT");
		for (i = 0; i < rows.n; i++) {
			r = &rows.v[i];
			shorten(ctl_vis(r->subject), 40, subj, sizeof(subj));
			time_rfc3339(r->received_at, rec);
			time_rfc3339(r->deadline, due);
			printf("%-14s %-8s %-18s %-18s %-3d %-19.19s %-19.19s%s "
			    "%s\n", ctl_vis(r->case_no), ctl_vis(r->channel),
			    ctl_vis(r->status), ctl_vis(r->category), r->priority,
			    rec, due, r->overdue ? "!" : " ", subj);
		}
	}
	case_rows_free(&rows);
	return (0);
}

/* cmd_list - cases by status, category, channel, assignee, text, deadline */
int
cmd_list(struct ctl *x, int argc, char **argv)
{
	return (list(x, argc, argv, 0));
}

/* cmd_overdue - the open cases past their deadline, most urgent first */
int
cmd_overdue(struct ctl *x, int argc, char **argv)
{
	return (list(x, argc, argv, 1));
}

/* json_strlist - a list of strings as an array */
static json_t *
json_strlist(const strlist *l)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; i < l->n; i++)
		json_array_append_new(a, json_string(l->v[i]));
	return (a);
}

/* json_lists - the evidence, messages received and events of a case */
static void
json_lists(json_t *c, const struct case_view *v)
{
	json_t	*a, *o;
	size_t	 i;

	a = json_array();
	for (i = 0; i < v->nev; i++) {
		o = json_object();
		json_object_set_new(o, "name", json_string(v->ev[i].name));
		json_object_set_new(o, "type", json_string(v->ev[i].type));
		json_object_set_new(o, "size", json_integer(v->ev[i].size));
		json_object_set_new(o, "sha256", json_string(v->ev[i].sha256));
		json_object_set_new(o, "note", ctl_json_str(v->ev[i].note));
		json_object_set_new(o, "original",
		    json_integer(v->ev[i].original));
		json_array_append_new(a, o);
	}
	json_object_set_new(c, "evidence", a);
	a = json_array();
	for (i = 0; i < v->nreports; i++) {
		o = json_object();
		json_object_set_new(o, "kind", json_string(v->reports[i].kind));
		json_object_set_new(o, "message_id",
		    ctl_json_str(v->reports[i].message_id));
		json_object_set_new(o, "queue_id",
		    ctl_json_str(v->reports[i].queue_id));
		json_object_set_new(o, "subject",
		    ctl_json_str(v->reports[i].subject));
		json_object_set_new(o, "received_at",
		    ctl_json_time(v->reports[i].received_at));
		json_object_set_new(o, "auto_reason",
		    ctl_json_str(v->reports[i].auto_reason));
		json_array_append_new(a, o);
	}
	json_object_set_new(c, "reports", a);
	a = json_array();
	for (i = 0; i < v->nevents; i++) {
		o = json_object();
		json_object_set_new(o, "at", ctl_json_time(v->events[i].at));
		json_object_set_new(o, "actor", json_string(v->events[i].actor));
		json_object_set_new(o, "action", json_string(v->events[i].action));
		json_object_set_new(o, "detail", ctl_json_str(v->events[i].detail));
		json_object_set_new(o, "uid", v->events[i].uid >= 0 ?
		    json_integer(v->events[i].uid) : json_null());
		json_array_append_new(a, o);
	}
	json_object_set_new(c, "events", a);
}

/* json_handling - the messages owed */
static void
json_handling(json_t *c, const struct case_view *v)
{
	const struct case_message	*m;
	json_t				*a, *o;
	size_t				 i;

	a = json_array();
	for (i = 0; i < v->nmessages; i++) {
		m = &v->messages[i];
		o = json_object();
		json_object_set_new(o, "id", json_integer(m->id));
		json_object_set_new(o, "kind", json_string(m->kind));
		json_object_set_new(o, "channel", json_string(m->channel));
		json_object_set_new(o, "status", json_string(m->status));
		json_object_set_new(o, "reason", ctl_json_str(m->reason));
		json_object_set_new(o, "attempts", json_integer(m->attempts));
		json_object_set_new(o, "created_at", ctl_json_time(m->created_at));
		json_object_set_new(o, "sent_at", ctl_json_time(m->sent_at));
		json_object_set_new(o, "last_error", ctl_json_str(m->last_error));
		json_object_set_new(o, "message_id", ctl_json_str(m->message_id));
		json_array_append_new(a, o);
	}
	json_object_set_new(c, "messages", a);
}

/* json_outcome - the handling fields, measures and related cases */
static void
json_outcome(json_t *c, const struct case_view *v)
{
	json_t	*a, *o;
	size_t	 i;

	json_object_set_new(c, "urls", json_strlist(&v->urls));
	json_object_set_new(c, "accounts", json_strlist(&v->accounts));
	json_object_set_new(c, "assignee", ctl_json_str(v->row.assignee));
	json_object_set_new(c, "outcome", ctl_json_str(v->row.outcome));
	json_object_set_new(c, "outcome_at", ctl_json_time(v->outcome_at));
	json_object_set_new(c, "outcome_detail", ctl_json_str(v->outcome_detail));
	json_object_set_new(c, "explanation", ctl_json_str(v->explanation));
	json_object_set_new(c, "feedback_at", ctl_json_time(v->feedback_at));
	json_object_set_new(c, "closed_at", ctl_json_time(v->closed_at));
	json_object_set_new(c, "satisfaction", v->satisfaction ?
	    json_integer(v->satisfaction) : json_null());
	json_object_set_new(c, "purged_at", ctl_json_time(v->purged_at));
	a = json_array();
	for (i = 0; i < v->nmeasures; i++) {
		o = json_object();
		json_object_set_new(o, "measure",
		    json_string(v->measures[i].measure));
		json_object_set_new(o, "until", ctl_json_time(v->measures[i].until));
		json_object_set_new(o, "at", ctl_json_time(v->measures[i].at));
		json_object_set_new(o, "actor", json_string(v->measures[i].actor));
		json_array_append_new(a, o);
	}
	json_object_set_new(c, "measures", a);
	a = json_array();
	for (i = 0; i < v->nrelated; i++) {
		o = json_object();
		json_object_set_new(o, "case", json_string(v->related[i].case_no));
		json_object_set_new(o, "target", json_string(v->related[i].target));
		json_object_set_new(o, "status", json_string(v->related[i].status));
		json_object_set_new(o, "outcome",
		    ctl_json_str(v->related[i].outcome));
		json_object_set_new(o, "measures",
		    ctl_json_str(v->related[i].measures));
		json_object_set_new(o, "received_at",
		    ctl_json_time(v->related[i].received_at));
		json_array_append_new(a, o);
	}
	json_object_set_new(c, "related", a);
}

/* json_view - one case, whole, as show --json prints it */
static json_t *
json_view(const struct case_view *v)
{
	json_t	*c = json_object(), *r;

	json_object_set_new(c, "case", json_string(v->row.case_no));
	json_object_set_new(c, "channel", json_string(v->row.channel));
	json_object_set_new(c, "status", json_string(v->row.status));
	json_object_set_new(c, "category", json_string(v->row.category));
	json_object_set_new(c, "priority", json_integer(v->row.priority));
	json_object_set_new(c, "enterprise", json_boolean(v->enterprise));
	json_object_set_new(c, "received_at", ctl_json_time(v->row.received_at));
	json_object_set_new(c, "deadline", ctl_json_time(v->row.deadline));
	json_object_set_new(c, "subject", ctl_json_str(v->row.subject));
	json_object_set_new(c, "text", ctl_json_str(v->text));
	json_object_set_new(c, "lang", ctl_json_str(v->lang));
	json_object_set_new(c, "spf", json_string(v->row.spf));
	json_object_set_new(c, "spf_domain", ctl_json_str(v->spf_domain));
	json_object_set_new(c, "updated_at", ctl_json_time(v->updated_at));
	json_object_set_new(c, "flood", json_integer(v->flood));
	json_object_set_new(c, "missing_elements", json_missing(v->row.missing));
	if (v->revealed) {
		r = json_object();
		json_object_set_new(r, "address", ctl_json_str(v->rep_address));
		json_object_set_new(r, "name", ctl_json_str(v->rep_name));
		json_object_set_new(r, "phone", ctl_json_str(v->rep_phone));
		json_object_set_new(r, "client_addr", ctl_json_str(v->rep_client));
		json_object_set_new(c, "reporter", r);
	}
	json_lists(c, v);
	json_handling(c, v);
	json_outcome(c, v);
	return (c);
}

/* print_list - "key: a, b" */
static void
print_list(const char *k, const strlist *l)
{
	size_t	 i;

	printf("%-17s", k);
	for (i = 0; i < l->n; i++)
		printf("%s%s", i ? ", " : "", ctl_vis(l->v[i]));
	putchar('\n');
}

/* t - a time as RFC 3339, "" for none; lives until 8 more calls */
static const char *
t(time_t when)
{
	static char	 ring[8][40];
	static int	 next;
	char		*s = ring[next];

	next = (next + 1) % 8;
	if (when == 0)
		s[0] = '\0';
	else
		time_rfc3339(when, s);
	return (s);
}

/* print_handling - measures, evidence, messages, related cases */
static void
print_handling(const struct case_view *v)
{
	size_t	 k;

	if (v->nmeasures > 0) {
		printf("measures:\n");
		for (k = 0; k < v->nmeasures; k++)
			printf("  %-14s %s%s%s\n", ctl_vis(v->measures[k].measure),
			    t(v->measures[k].at), v->measures[k].until ?
			    " until " : "", t(v->measures[k].until));
	}
	printf("evidence (jubaoctl evidence %s N):\n", v->row.case_no);
	for (k = 0; k < v->nev; k++)
		printf("  %2zu. %-36s %-28s %10lld  %.16s…%s%s\n", k + 1,
		    ctl_vis(v->ev[k].name), ctl_vis(v->ev[k].type),
		    v->ev[k].size, ctl_vis(v->ev[k].sha256), v->ev[k].note ?
		    "  note: " : "", ctl_vis(v->ev[k].note));
	printf("messages:\n");
	for (k = 0; k < v->nmessages; k++)
		printf("  #%-5ld %-11s %-8s %-10s %s%s%s\n", v->messages[k].id,
		    ctl_vis(v->messages[k].kind), ctl_vis(v->messages[k].channel),
		    ctl_vis(v->messages[k].status), t(v->messages[k].sent_at),
		    v->messages[k].reason && *v->messages[k].reason ? "  " : "",
		    ctl_vis(v->messages[k].reason));
	if (v->nrelated > 0) {
		printf("related cases (同一举报事项):\n");
		for (k = 0; k < v->nrelated; k++)
			printf("  %-14s %-18s %-12s %-20s %s\n",
			    v->related[k].case_no, ctl_vis(v->related[k].status),
			    ctl_vis(v->related[k].outcome),
			    ctl_vis(v->related[k].measures),
			    ctl_vis(v->related[k].target));
	}
}

/* print_view - one case, whole, for a terminal */
static void
print_view(const struct case_view *v)
{
	char	 who[160], *text;
	size_t	 k;

	printf("%-17s%s\n", "case:", v->row.case_no);
	printf("%-17s%s\n", "channel:", ctl_vis(v->row.channel));
	printf("%-17s%s%s%s\n", "status:", ctl_vis(v->row.status),
	    v->row.assignee && *v->row.assignee ? ", assigned to " : "",
	    ctl_vis(v->row.assignee));
	printf("%-17s%s (priority %d)\n", "category:", ctl_vis(v->row.category),
	    v->row.priority);
	printf("%-17s%s\n", "received:", t(v->row.received_at));
	printf("%-17s%s\n", "deadline:", t(v->row.deadline));
	if (v->row.outcome && *v->row.outcome)
		printf("%-17s%s %s%s%s\n", "outcome:", ctl_vis(v->row.outcome),
		    t(v->outcome_at), v->outcome_detail && *v->outcome_detail ?
		    ": " : "", ctl_vis(v->outcome_detail));
	printf("%-17s%s (%s)\n", "spf:", ctl_vis(v->row.spf),
	    ctl_vis(v->spf_domain));
	{
		strlist	 miss = { 0 };
		unsigned bit;

		for (bit = 1; bit <= ELEM_GUARANTEE; bit <<= 1)
			if (v->row.missing & bit)
				strlist_add(&miss, elem_key(bit));
		print_list("missing:", &miss);
		strlist_free(&miss);
	}
	print_list("urls:", &v->urls);
	print_list("accounts:", &v->accounts);
	if (v->revealed)
		printf("%-17s%s / %s / %s\n", "reporter:", ctl_vis(v->rep_name),
		    ctl_vis(v->rep_address), ctl_vis(v->rep_phone));
	printf("%-17s%s\n", "subject:", ctl_vis(v->row.subject));
	print_handling(v);
	printf("events:\n");
	for (k = 0; k < v->nevents; k++) {
		/* the name is self-declared; the uid is who ran jubaoctl */
		if (v->events[k].uid >= 0)
			snprintf(who, sizeof(who), "%s (uid %ld)",
			    ctl_vis(v->events[k].actor), v->events[k].uid);
		else
			snprintf(who, sizeof(who), "%s",
			    ctl_vis(v->events[k].actor));
		printf("  %s  %-14s %-20s %s\n", t(v->events[k].at), who,
		    ctl_vis(v->events[k].action), ctl_vis(v->events[k].detail));
	}
	text = str_visible(v->text ? v->text : "", 1);
	printf("text:\n%s\n", text);
	free(text);
}

/* cmd_show - one case, whole */
int
cmd_show(struct ctl *x, int argc, char **argv)
{
	struct case_view	 v;
	const char		*case_no = NULL;
	json_t			*c;
	int			 reveal = 0, i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--reveal") == 0)
			reveal = 1;
		else if (strcmp(argv[i], "--actor") == 0 && i + 1 < argc)
			x->actor = argv[++i];
		else if (argv[i][0] == '-' || case_no != NULL)
			ctl_usage();
		else
			case_no = argv[i];
	}
	if (case_no == NULL)
		ctl_usage();
	if (!caseno_valid(case_no)) {
		fprintf(stderr, "jubaoctl: '%s' is not a case number (12 or "
		    "more digits with a check digit)\n", case_no);
		return (EXIT_REFUSED);
	}
	/* a reveal is written at the real time, whatever --now says */
	if (store_case_view(x->st, case_no, reveal, x->actor, time(NULL),
	    &v) < 0)
		return (ctl_store_fail(x));
	if (x->json) {
		c = json_view(&v);
		ctl_print_json(c);
		json_decref(c);
	} else
		print_view(&v);
	case_view_free(&v);
	return (0);
}

/* cmd_hot - the addresses and accounts reported most often */
int
cmd_hot(struct ctl *x, int argc, char **argv)
{
	struct hot_rows	 h;
	time_t		 from, to;
	long		 limit = 20;
	json_t		*a, *o;
	size_t		 i;

	ctl_range(x, argc, argv, &from, &to, &limit, NULL);
	if (store_hot(x->st, from, to, limit, &h) < 0)
		return (ctl_store_fail(x));
	if (x->json) {
		a = json_array();
		for (i = 0; i < h.n; i++) {
			o = json_object();
			json_object_set_new(o, "target", json_string(h.v[i].target));
			json_object_set_new(o, "kind", json_string(h.v[i].kind));
			json_object_set_new(o, "cases", json_integer(h.v[i].cases));
			json_object_set_new(o, "disposed",
			    json_integer(h.v[i].disposed));
			json_object_set_new(o, "last_received_at",
			    ctl_json_time(h.v[i].last_received_at));
			json_array_append_new(a, o);
		}
		ctl_print_json(a);
		json_decref(a);
	} else {
		printf("%-6s %-9s %-8s %s\n", "CASES", "DISPOSED", "KIND", "TARGET");
		for (i = 0; i < h.n; i++)
			printf("%-6lld %-9lld %-8s %s\n", h.v[i].cases,
			    h.v[i].disposed, ctl_vis(h.v[i].kind),
			    ctl_vis(h.v[i].target));
	}
	hot_rows_free(&h);
	return (0);
}
