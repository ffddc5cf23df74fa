/*
 * NAME
 *	report - the normalised report: allocation and element names
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* report_new - an empty report for a channel */
struct report *
report_new(const char *channel)
{
	struct report	*r = xcalloc(1, sizeof(*r));

	r->channel = xstrdup(channel);
	r->received_at = time(NULL);
	r->spf = xstrdup("none");
	return (r);
}

/* report_free - release the report and all it owns */
void
report_free(struct report *r)
{
	size_t	 i;

	if (r == NULL)
		return;
	free(r->channel);
	free(r->queue_id);
	free(r->subject);
	free(r->text);
	free(r->lang);
	free(r->from_addr);
	free(r->from_name);
	free(r->reply_to);
	free(r->env_from);
	free(r->client_addr);
	free(r->reporter_name);
	strlist_free(&r->phones);
	free(r->message_id);
	free(r->in_reply_to);
	strlist_free(&r->references);
	free(r->auto_reason);
	strlist_free(&r->urls);
	strlist_free(&r->accounts);
	free(r->category);
	free(r->spf);
	free(r->spf_domain);
	for (i = 0; i < r->nev; i++) {
		free(r->ev[i].name);
		free(r->ev[i].type);
		free(r->ev[i].note);
	}
	free(r->ev);
	strlist_free(&r->notes);
	free(r);
}

/*
 * report_add_evidence - append an evidence record; returns it, or NULL
 * when ev_max items (beside the original, which comes first) are there
 */
struct evidence *
report_add_evidence(struct report *r, const char *name, const char *type,
    size_t size, const char *sha256, const char *note)
{
	struct evidence	*e;

	if (r->ev_max > 0 && r->nev > r->ev_max) {
		r->ev_dropped++;
		return (NULL);
	}
	if (r->nev == r->ev_cap) {
		r->ev_cap = r->ev_cap ? r->ev_cap * 2 : 4;
		r->ev = xrealloc(r->ev, r->ev_cap * sizeof(*r->ev));
	}
	e = &r->ev[r->nev++];
	memset(e, 0, sizeof(*e));
	e->name = xstrdup(name);
	e->type = xstrdup(type);
	e->size = size;
	snprintf(e->sha256, sizeof(e->sha256), "%s", sha256);
	e->note = note ? xstrdup(note) : NULL;
	return (e);
}

/*
 * report_cap_notes - a note for each list a cap cut short: the rest is in
 * the stored original (issue "Hostile senders", finding 2)
 */
void
report_cap_notes(struct report *r)
{
	static const struct {
		size_t		 off;
		const char	*what;
	} lists[] = {
		{ offsetof(struct report, urls), "addresses (URLs)" },
		{ offsetof(struct report, accounts), "accounts" },
		{ offsetof(struct report, phones), "telephone numbers" },
	};
	const strlist	*l;
	char		*note;
	size_t		 i;

	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		l = (const strlist *)((const char *)r + lists[i].off);
		if (l->dropped == 0)
			continue;
		note = xasprintf("more than %zu %s: the first %zu are listed, the "
		    "rest (%zu) is in the original", l->max, lists[i].what,
		    l->max, l->dropped);
		strlist_add(&r->notes, note);
		free(note);
	}
	if (r->ev_dropped > 0) {
		note = xasprintf("more than %zu attachments: the first %zu are kept "
		    "as evidence, the rest (%zu) is in the original", r->ev_max,
		    r->ev_max, r->ev_dropped);
		strlist_add(&r->notes, note);
		free(note);
	}
}

static const struct {
	unsigned	 bit;
	const char	*key, *zh, *en;
} elems[] = {
	{ ELEM_STATEMENT, "statement",
	  "能够充分陈述举报事项、阐明举报理由的文字说明",
	  "a written statement of the matter and the reasons" },
	{ ELEM_STANDING, "standing",
	  "权利主体资格证明（营业执照、组织机构代码证或企业家身份证明；委托举报的，另附代理人身份证明和授权委托书）",
	  "proof of standing (business licence, organisation code certificate or the entrepreneur's ID; for an agent, also the agent's ID and a power of attorney)" },
	{ ELEM_CONTACT, "contact",
	  "举报人姓名和联系方式",
	  "the reporter's name and contact details" },
	{ ELEM_ADDRESS, "address",
	  "被举报内容的具体网络地址（网址、账号）",
	  "the exact network address of the content (URL, account)" },
	{ ELEM_EVIDENCE, "evidence",
	  "能够证明侵权的初步证据材料（如截图）",
	  "preliminary evidence of the infringement (e.g. screenshots)" },
	{ ELEM_GUARANTEE, "guarantee",
	  "申明举报内容真实、合法的文字保证",
	  "a written guarantee that the report is true and lawful" },
};

/* elem_key - the stable key of one element bit, or NULL */
const char *
elem_key(unsigned bit)
{
	size_t	 i;

	for (i = 0; i < sizeof(elems) / sizeof(elems[0]); i++)
		if (elems[i].bit == bit)
			return (elems[i].key);
	return (NULL);
}

/* elem_describe - what the element asks for, in the reporter's language */
const char *
elem_describe(unsigned bit, const char *lang)
{
	size_t	 i;

	for (i = 0; i < sizeof(elems) / sizeof(elems[0]); i++)
		if (elems[i].bit == bit)
			return (lang && strcmp(lang, "en") == 0 ?
			    elems[i].en : elems[i].zh);
	return ("");
}

/* text_has_cjk - 1 when the UTF-8 text holds a CJK ideograph */
int
text_has_cjk(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	unsigned		 cp;

	while (p && *p) {
		if (*p < 0x80) {
			p++;
			continue;
		}
		if ((*p & 0xf0) == 0xe0 && p[1] && p[2]) {
			cp = ((p[0] & 0x0fu) << 12) | ((p[1] & 0x3fu) << 6) |
			    (p[2] & 0x3fu);
			if ((cp >= 0x4e00 && cp <= 0x9fff) ||
			    (cp >= 0x3400 && cp <= 0x4dbf))
				return (1);
			p += 3;
		} else
			p++;
	}
	return (0);
}

/* elem_list - the keys of the missing elements, "statement, contact" */
void
elem_list(unsigned missing, char *out, size_t len)
{
	unsigned	 bit;
	size_t		 used = 0;

	out[0] = '\0';
	for (bit = 1; bit <= ELEM_GUARANTEE; bit <<= 1)
		if ((missing & bit) && used < len)
			used += (size_t)snprintf(out + used, len - used, "%s%s",
			    used ? ", " : "", elem_key(bit));
}
