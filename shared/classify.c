/*
 * NAME
 *	classify - categories, keyword classification, acceptance elements
 * DESCRIPTION
 *	Scoring: each keyword occurrence in the text scores 1, in the subject
 *	3; a category with "requires" words competes only when one of them
 *	occurs.  Highest score wins; ties go to the lower priority number,
 *	then to the earlier section.  An explicit "类别：X" / "Category: X"
 *	line wins outright.  No keyword at all: the last category (其他).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "classify.h"
#include "conffile.h"
#include "extract.h"
#include "log.h"

struct load_ctx {
	struct categories	*c;
	const char		*path;
};

/* parse_deadline - "12h" or "3d" into seconds; -1 on error */
static long
parse_deadline(const char *v)
{
	char	*end;
	long	 n = strtol(v, &end, 10);

	if (end == v || n <= 0 || n > 10000)
		return (-1);
	if (strcmp(end, "h") == 0)
		return (n * 3600);
	if (strcmp(end, "d") == 0)
		return (n * 86400);
	return (-1);
}

/* parse_list - a comma-separated list into l */
static void
parse_list(strlist *l, const char *v)
{
	char	*copy = xstrdup(v), *tok, *save;

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		tok = str_trim(tok);
		if (*tok)
			strlist_add(l, tok);
	}
	free(copy);
}

/* yesno - "yes"/"no" into 1/0; -1 otherwise */
static int
yesno(const char *v)
{
	if (strcasecmp(v, "yes") == 0)
		return (1);
	if (strcasecmp(v, "no") == 0)
		return (0);
	return (-1);
}

/*
 * zone_entry - a zone_* key of category c (classify.h): its text (at most
 * 4000 bytes each) or its flags; 0 or -1 with the error
 */
static int
zone_entry(struct load_ctx *lc, struct category *c, const char *key,
    const char *v, int line, buf *err)
{
	static const char *const texts[] = { "zone_title", "zone_scope",
		"zone_evidence", "zone_guide" };
	char	**slot = NULL;
	size_t	 i;
	int	 b;

	if (strcmp(key, "zone") == 0) {
		if (*v == '\0' || strlen(v) > 32 || strspn(v,
		    "abcdefghijklmnopqrstuvwxyz0123456789_-") != strlen(v)) {
			conffile_error(err, lc->path, line, "zone: '%s' is not "
			    "a key (a-z, 0-9, _ and -, at most 32)", v);
			return (-1);
		}
		free(c->zone);
		c->zone = xstrdup(v);
		return (0);
	}
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		if (strcmp(key, texts[i]) == 0)
			slot = &c->zone_text[i][0];
		else if (strncmp(key, texts[i], strlen(texts[i])) == 0 &&
		    strcmp(key + strlen(texts[i]), "_en") == 0)
			slot = &c->zone_text[i][1];
	}
	if (slot != NULL) {
		if (strlen(v) > 4000) {
			conffile_error(err, lc->path, line, "%s: longer than "
			    "4000 bytes", key);
			return (-1);
		}
		free(*slot);
		*slot = xstrdup(v);
		return (0);
	}
	if (strcmp(key, "zone_contact") == 0) {
		if (strcmp(v, "required") != 0 && strcmp(v, "optional") != 0) {
			conffile_error(err, lc->path, line, "zone_contact: '%s' "
			    "is not required or optional", v);
			return (-1);
		}
		c->zone_contact = strcmp(v, "required") == 0;
		return (0);
	}
	if (strcmp(key, "zone_statement") == 0 || strcmp(key,
	    "zone_classify") == 0) {
		if ((b = yesno(v)) < 0) {
			conffile_error(err, lc->path, line, "%s: '%s' is not "
			    "yes or no", key, v);
			return (-1);
		}
		if (key[5] == 's')
			c->zone_statement = b;
		else
			c->zone_classify = b;
		return (0);
	}
	conffile_error(err, lc->path, line, "unknown key '%s' in [%s]", key,
	    c->key);
	return (-1);
}

/* cat_entry - conffile callback for one category key */
static int
cat_entry(void *arg, const char *section, const char *key, const char *v,
    int line, buf *err)
{
	struct load_ctx	*lc = arg;
	struct category	*c;
	int		 b;

	if (section == NULL) {
		conffile_error(err, lc->path, line,
		    "'%s' outside a [category] section", key);
		return (-1);
	}
	if (key != NULL && (lc->c->n == 0 ||
	    strcmp(lc->c->v[lc->c->n - 1].key, section) != 0))
		return (-1);	/* the section was refused */
	if (key == NULL) {
		size_t i;

		for (i = 0; i < lc->c->n; i++)
			if (strcmp(lc->c->v[i].key, section) == 0) {
				conffile_error(err, lc->path, line,
				    "category [%s] defined twice", section);
				return (-1);
			}
		lc->c->v = xrealloc(lc->c->v, (lc->c->n + 1) * sizeof(*c));
		c = &lc->c->v[lc->c->n++];
		memset(c, 0, sizeof(*c));
		c->key = xstrdup(section);
		c->priority = 5;
		c->deadline = 7 * 86400;
		c->evidence = 1;
		c->dtmf = -1;
		return (0);
	}
	c = &lc->c->v[lc->c->n - 1];
	if (strcmp(key, "name") == 0) {
		free(c->name);
		c->name = xstrdup(v);
	} else if (strcmp(key, "name_en") == 0) {
		free(c->name_en);
		c->name_en = xstrdup(v);
	} else if (strcmp(key, "priority") == 0) {
		c->priority = atoi(v);
		if (c->priority < 1 || c->priority > 9) {
			conffile_error(err, lc->path, line,
			    "priority: '%s' is not 1..9", v);
			return (-1);
		}
	} else if (strcmp(key, "deadline") == 0) {
		if ((c->deadline = parse_deadline(v)) < 0) {
			conffile_error(err, lc->path, line,
			    "deadline: '%s' is not Nh or Nd", v);
			return (-1);
		}
	} else if (strcmp(key, "keywords") == 0)
		parse_list(&c->keywords, v);
	else if (strcmp(key, "requires") == 0)
		parse_list(&c->requires, v);
	else if (strcmp(key, "dtmf") == 0) {
		if (strlen(v) != 1 || !isdigit((unsigned char)*v)) {
			conffile_error(err, lc->path, line,
			    "dtmf: '%s' is not one digit", v);
			return (-1);
		}
		c->dtmf = *v - '0';
	} else if (strcmp(key, "enterprise") == 0 || strcmp(key, "evidence") == 0 ||
	    strcmp(key, "fast") == 0) {
		if ((b = yesno(v)) < 0) {
			conffile_error(err, lc->path, line,
			    "%s: '%s' is not yes or no", key, v);
			return (-1);
		}
		if (key[0] == 'e' && key[1] == 'n')
			c->enterprise = b;
		else if (key[0] == 'e')
			c->evidence = b;
		else
			c->fast = b;
	} else if (strncmp(key, "zone", 4) == 0)
		return (zone_entry(lc, c, key, v, line, err));
	else {
		conffile_error(err, lc->path, line, "unknown key '%s' in [%s]",
		    key, section);
		return (-1);
	}
	return (0);
}

/* cat_load - read categories.conf; NULL with messages in err */
struct categories *
cat_load(const char *path, buf *err)
{
	struct load_ctx	 lc;
	size_t		 i, before = err->len;

	lc.c = xcalloc(1, sizeof(*lc.c));
	lc.path = path;
	if (conffile_read(path, cat_entry, &lc, err) < 0)
		goto fail;
	if (lc.c->n == 0)
		conffile_error(err, path, 0, "no category defined");
	for (i = 0; i < lc.c->n; i++)
		if (lc.c->v[i].name == NULL)
			conffile_error(err, path, 0, "[%s] has no name",
			    lc.c->v[i].key);
	if (err->len > before)
		goto fail;
	return (lc.c);
fail:
	cat_free(lc.c);
	return (NULL);
}

/* cat_free - release the table */
void
cat_free(struct categories *c)
{
	size_t	 i, k;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		free(c->v[i].key);
		free(c->v[i].name);
		free(c->v[i].name_en);
		strlist_free(&c->v[i].keywords);
		strlist_free(&c->v[i].requires);
		free(c->v[i].zone);
		for (k = 0; k < 4; k++) {
			free(c->v[i].zone_text[k][0]);
			free(c->v[i].zone_text[k][1]);
		}
	}
	free(c->v);
	free(c);
}

/*
 * cat_zones - the zones, in the order their first categories come: at
 * most max into z; how many.  A zone over 16 categories keeps the first.
 */
size_t
cat_zones(const struct categories *cats, struct zone *z, size_t max)
{
	size_t	 i, k, n = 0;

	for (i = 0; i < cats->n; i++) {
		if (cats->v[i].zone == NULL)
			continue;
		for (k = 0; k < n; k++)
			if (strcmp(z[k].key, cats->v[i].zone) == 0)
				break;
		if (k == n) {
			if (n == max)
				continue;
			memset(&z[n], 0, sizeof(z[n]));
			z[n].key = cats->v[i].zone;
			z[n++].first = &cats->v[i];
		}
		if (z[k].n < sizeof(z[k].cats) / sizeof(z[k].cats[0]))
			z[k].cats[z[k].n++] = &cats->v[i];
	}
	return (n);
}

/*
 * zone_text - what a zone says (ZONE_TITLE, ZONE_SCOPE, ZONE_EVIDENCE,
 * ZONE_GUIDE) in lang ("en", else zh-CN): the English when given, else
 * the Chinese; a title without either is its first category's name;
 * "" when nothing is said
 */
const char *
zone_text(const struct zone *z, int which, const char *lang)
{
	char *const	*t = z->first->zone_text[which];
	int		 en = lang != NULL && strcmp(lang, "en") == 0;

	if (en && t[1] != NULL)
		return (t[1]);
	if (t[0] != NULL)
		return (t[0]);
	if (which == ZONE_TITLE)
		return (cat_name(z->first, en ? "en" : "zh-CN"));
	return ("");
}

/* cat_find - by key, or by Chinese or English name; NULL if none */
const struct category *
cat_find(const struct categories *c, const char *key)
{
	size_t	 i;

	for (i = 0; i < c->n; i++)
		if (strcasecmp(c->v[i].key, key) == 0 ||
		    strcmp(c->v[i].name, key) == 0 ||
		    (c->v[i].name_en && strcasecmp(c->v[i].name_en, key) == 0))
			return (&c->v[i]);
	return (NULL);
}

/* cat_by_dtmf - the category a hotline key selects; NULL if none */
const struct category *
cat_by_dtmf(const struct categories *c, int key)
{
	size_t	 i;

	for (i = 0; i < c->n; i++)
		if (c->v[i].dtmf == key)
			return (&c->v[i]);
	return (NULL);
}

/* count - occurrences of word in text, ASCII case ignored */
static int
count(const char *text, const char *word)
{
	const char	*p = text;
	size_t		 len = strlen(word);
	int		 n = 0;

	if (text == NULL || len == 0)
		return (0);
	while ((p = strcasestr(p, word)) != NULL) {
		n++;
		p += len;
	}
	return (n);
}

static const char *const category_labels[] = {
	"举报类别", "举报类型", "类别", "类型", "Category", NULL
};

/* cat_classify - the best category for a report; never NULL */
const struct category *
cat_classify(const struct categories *c, const char *subject, const char *text)
{
	const struct category	*best = &c->v[c->n - 1], *k;
	int			 best_score = 0, score;
	size_t			 i, j;
	char			*label;

	if (text && (label = extract_labelled(text, category_labels)) != NULL) {
		k = cat_find(c, str_trim(label));
		free(label);
		if (k != NULL)
			return (k);
	}
	for (i = 0; i < c->n; i++) {
		k = &c->v[i];
		if (k->requires.n > 0) {
			for (j = 0; j < k->requires.n; j++)
				if (count(subject, k->requires.v[j]) +
				    count(text, k->requires.v[j]) > 0)
					break;
			if (j == k->requires.n)
				continue;
		}
		score = 0;
		for (j = 0; j < k->keywords.n; j++)
			score += 3 * count(subject, k->keywords.v[j]) +
			    count(text, k->keywords.v[j]);
		if (score > best_score || (score == best_score && score > 0 &&
		    k->priority < best->priority)) {
			best = k;
			best_score = score;
		}
	}
	return (best);
}

/* cat_name - the category's name in a language */
const char *
cat_name(const struct category *c, const char *lang)
{
	if (lang && strcmp(lang, "en") == 0 && c->name_en)
		return (c->name_en);
	return (c->name);
}

/* cat_apply - set category, priority and deadline on a report */
void
cat_apply(const struct category *c, struct report *r)
{
	free(r->category);
	r->category = xstrdup(c->key);
	r->priority = c->priority;
	r->deadline_secs = c->deadline;
	r->enterprise = c->enterprise;
	r->missing = c->enterprise ? elem_check(c, r) : 0;
}

/* text_chars - characters in UTF-8 text, white space not counted */
static size_t
text_chars(const char *s)
{
	size_t	 n = 0;

	for (; s && *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80 &&
		    !isspace((unsigned char)*s))
			n++;
	return (n);
}

/* any_of - does text (or subject) contain any of the words */
static int
any_of(const struct report *r, const char *const *words)
{
	size_t	 i, j;

	for (i = 0; words[i]; i++) {
		if (count(r->text, words[i]) || count(r->subject, words[i]))
			return (1);
		for (j = 0; j < r->nev; j++)
			if (!r->ev[j].original && count(r->ev[j].name, words[i]))
				return (1);
	}
	return (0);
}

static const char *const standing_words[] = {
	"营业执照", "组织机构代码", "统一社会信用代码", "身份证明", "身份证复印件",
	"身份证扫描", "business licence", "business license", "organization code",
	"organisation code", "certificate of incorporation", NULL
};
static const char *const agent_words[] = {
	"代理人", "委托举报", "受委托", "代为举报", "代理举报", "on behalf of",
	"as agent", NULL
};
static const char *const attorney_words[] = {
	"授权委托书", "委托书", "power of attorney", "letter of authori", NULL
};
static const char *const guarantee_words[] = {
	"保证所举报", "保证举报", "保证以上", "保证上述", "保证本举报", "真实性、合法性",
	"真实、合法", "真实合法", "承诺所举报", "承诺举报内容真实", "true and lawful",
	"true and accurate", "i guarantee", "we guarantee", "i certify",
	"we certify", NULL
};

/*
 * elem_check - the acceptance elements an enterprise report lacks
 * (工作规范 第五条).  Heuristic by design: a handler verifies; the check
 * only tells the reporter early what is plainly not there.  Impersonation,
 * insult and privacy reports need no evidence beyond the identity proofs
 * (第七、十三、十五条).
 */
unsigned
elem_check(const struct category *c, const struct report *r)
{
	unsigned	 missing = 0;
	size_t		 i, attachments = 0;

	for (i = 0; i < r->nev; i++)
		if (!r->ev[i].original)
			attachments++;
	/* (一) a statement: some real text, not a one-liner */
	if (text_chars(r->text) < 20)
		missing |= ELEM_STATEMENT;
	/* (二) standing; an agent also needs a power of attorney */
	if (!any_of(r, standing_words) ||
	    (any_of(r, agent_words) && !any_of(r, attorney_words)))
		missing |= ELEM_STANDING;
	/* (三) name and contact */
	if (r->reporter_name == NULL || (r->phones.n == 0 &&
	    (r->from_addr == NULL || *r->from_addr == '\0')))
		missing |= ELEM_CONTACT;
	/* (四) the address of the content */
	if (r->urls.n == 0 && r->accounts.n == 0)
		missing |= ELEM_ADDRESS;
	/* (五) preliminary evidence: an attachment beyond the standing proof */
	if (c->evidence) {
		size_t	 proofs = 0;

		for (i = 0; i < r->nev; i++)
			if (!r->ev[i].original && r->ev[i].name &&
			    (count(r->ev[i].name, "营业执照") ||
			    count(r->ev[i].name, "licen") ||
			    count(r->ev[i].name, "身份证") ||
			    count(r->ev[i].name, "委托书") ||
			    count(r->ev[i].name, "attorney")))
				proofs++;
		if (attachments <= proofs)
			missing |= ELEM_EVIDENCE;
	}
	/* (六) the guarantee */
	if (!any_of(r, guarantee_words))
		missing |= ELEM_GUARANTEE;
	return (missing);
}
