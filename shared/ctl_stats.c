/*
 * NAME
 *	ctl_stats - jubaoctl stats and digest
 * DESCRIPTION
 *	The published statistics (信息公开) as text, JSON, CSV or one HTML
 *	page (stats_html.c), and the handlers' daily digest, mailed to
 *	handlers_mailbox or printed.  Nothing personal is in either.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ack.h"
#include "ctl.h"
#include "outbox.h"
#include "stats_html.h"

/* json_counts - "key -> count" rows as an object */
static json_t *
json_counts(const struct counts *c)
{
	json_t	*o = json_object();
	size_t	 i;

	for (i = 0; i < c->n; i++)
		json_object_set_new(o, c->v[i].key, json_integer(c->v[i].n));
	return (o);
}

/* json_stats - the statistics as stats --json prints them */
static json_t *
json_stats(const struct stats *s)
{
	json_t	*o = json_object();

	json_object_set_new(o, "from", ctl_json_time(s->from));
	json_object_set_new(o, "to", ctl_json_time(s->to));
	json_object_set_new(o, "received", json_integer(s->received));
	json_object_set_new(o, "accepted", json_integer(s->accepted));
	json_object_set_new(o, "disposed", json_integer(s->disposed));
	json_object_set_new(o, "not_accepted", json_integer(s->not_accepted));
	json_object_set_new(o, "refused_malicious",
	    json_integer(s->refused_malicious));
	json_object_set_new(o, "transferred", json_integer(s->transferred));
	json_object_set_new(o, "with_outcome", json_integer(s->with_outcome));
	json_object_set_new(o, "on_time", json_integer(s->on_time));
	json_object_set_new(o, "feedback_sent", json_integer(s->feedback_sent));
	json_object_set_new(o, "rated", json_integer(s->rated));
	json_object_set_new(o, "by_channel", json_counts(&s->by_channel));
	json_object_set_new(o, "by_category", json_counts(&s->by_category));
	json_object_set_new(o, "by_measure", json_counts(&s->by_measure));
	json_object_set_new(o, "by_status", json_counts(&s->by_status));
	json_object_set_new(o, "handling_hours_median",
	    json_real(s->hours_median));
	json_object_set_new(o, "handling_hours_p90", json_real(s->hours_p90));
	json_object_set_new(o, "on_time_share", json_real(s->on_time_share));
	json_object_set_new(o, "feedback_share", json_real(s->feedback_share));
	json_object_set_new(o, "satisfaction_mean", s->satisfaction_mean > 0 ?
	    json_real(s->satisfaction_mean) : json_null());
	return (o);
}

/*
 * cmd_rebuild_stats - the statistics' rollup computed again from the cases
 * (after the tables were written by hand, a restore of part of them)
 */
int
cmd_rebuild_stats(struct ctl *x, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		ctl_usage();
	if (store_begin(x->st) < 0 || store_rollup_rebuild(x->st) < 0) {
		store_rollback(x->st);
		return (ctl_store_fail(x));
	}
	if (store_commit(x->st) < 0)
		return (ctl_store_fail(x));
	printf("statistics rollup rebuilt from the cases\n");
	return (0);
}

/* cmd_stats - the published statistics: text, JSON, CSV or an HTML page */
int
cmd_stats(struct ctl *x, int argc, char **argv)
{
	struct stats	 s;
	time_t		 from, to;
	int		 fmt = 0;
	json_t		*j;

	ctl_range(x, argc, argv, &from, &to, NULL, &fmt);
	if (to <= from) {
		fprintf(stderr, "jubaoctl: --to must be after --from\n");
		return (EXIT_USAGE);
	}
	if ((x->scan ? store_stats_scan(x->st, from, to, &s) :
	    store_stats(x->st, from, to, &s)) < 0)
		return (ctl_store_fail(x));
	if (fmt == 1)
		stats_csv(&s, x->cats, stdout);
	else if (fmt == 2)
		stats_html(&s, x->cats, x->cfg->site_name, stdout);
	else if (x->json) {
		j = json_stats(&s);
		ctl_print_json(j);
		json_decref(j);
	} else
		stats_text(&s, x->cats, stdout);
	stats_free(&s);
	return (0);
}

/* json_digest_rows - one section of the digest; until: the measures' */
static json_t *
json_digest_rows(const struct digest_rows *r, int until)
{
	json_t	*a = json_array(), *o;
	size_t	 i;

	for (i = 0; i < r->n; i++) {
		o = json_object();
		json_object_set_new(o, "case", json_string(r->v[i].case_no));
		json_object_set_new(o, "category", json_string(r->v[i].category));
		json_object_set_new(o, "status", json_string(r->v[i].status));
		if (until)
			json_object_set_new(o, "until",
			    ctl_json_time(r->v[i].when));
		else {
			json_object_set_new(o, "priority",
			    json_integer(r->v[i].priority));
			json_object_set_new(o, "deadline",
			    ctl_json_time(r->v[i].when));
			json_object_set_new(o, "assignee",
			    ctl_json_str(r->v[i].assignee));
		}
		json_array_append_new(a, o);
	}
	return (a);
}

/* cmd_digest - the handlers' daily digest, sent now (or printed) */
int
cmd_digest(struct ctl *x, int argc, char **argv)
{
	struct digest		 d;
	struct outbox_item	 it = { 0 };
	enum outbox_result	 r;
	struct tm		 tm;
	buf			 b = { 0 };
	char			*msg, *id, *v, subj[256], day[16], why[512];
	int			 print = argc == 2 && strcmp(argv[1], "--print") == 0;
	json_t			*j;

	if (argc != 1 && !print)
		ctl_usage();
	if (!print && *x->cfg->handlers_mailbox == '\0') {
		fprintf(stderr, "jubaoctl: handlers_mailbox is not set\n");
		return (EXIT_REFUSED);
	}
	/* due "today": before the next daily digest, whatever the hour */
	if (store_digest(x->st, x->now, x->now + 86400,
	    x->cfg->digest_expiry_window, &d) < 0)
		return (ctl_store_fail(x));
	localtime_r(&x->now, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	if (x->json && print) {
		j = json_object();
		json_object_set_new(j, "overdue", json_digest_rows(&d.overdue, 0));
		json_object_set_new(j, "due_today",
		    json_digest_rows(&d.due_today, 0));
		json_object_set_new(j, "private_expiring",
		    json_digest_rows(&d.private_expiring, 1));
		ctl_print_json(j);
		json_decref(j);
		digest_free(&d);
		return (0);
	}
	digest_text(&d, x->cats, day, &b);
	v = str_visible(b.s, 1);
	buf_free(&b);
	snprintf(subj, sizeof(subj), "[JB] 举报处理日报 %s：超期 %zu 件，24 小时内"
	    "到期 %zu 件，限时加私将到期 %zu 件", day, d.overdue.n,
	    d.due_today.n, d.private_expiring.n);
	digest_free(&d);
	if (print) {
		printf("Subject: %s\n\n%s", subj, v);
		free(v);
		return (0);
	}
	id = xasprintf("jubao.digest.%s.%ld@%s", day, (long)x->now,
	    x->cfg->message_id_domain);
	msg = mail_build(x->cfg->ack_from_name, x->cfg->ack_from,
	    x->cfg->handlers_mailbox, subj, v, id, NULL, "auto-generated");
	free(v);
	it.recipient = x->cfg->handlers_mailbox;
	it.env_from = "";
	it.message = msg;
	r = outbox_send(x->cfg, &it, NULL, why, sizeof(why));
	outbox_close();
	free(msg);
	free(id);
	if (r == OUTBOX_SENT) {
		printf("digest sent\n");
		return (0);
	}
	fprintf(stderr, "jubaoctl: digest not sent: %s\n", why);
	return (r == OUTBOX_DEFER ? EXIT_TEMP : EXIT_REFUSED);
}
