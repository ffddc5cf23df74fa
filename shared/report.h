/*
 * NAME
 *	report - the normalised report both intake channels produce
 * DESCRIPTION
 *	A report is what the milter (from a message) or the bridge (from a
 *	call) hands to the store: text, addresses named, category, missing
 *	elements, evidence, and the reporter's identity, which the store keeps
 *	apart from the report.  report_free releases everything it owns.
 */
#ifndef JUBAO_REPORT_H
#define JUBAO_REPORT_H

#include <stddef.h>
#include <time.h>

#include "caseno.h"
#include "util.h"

/* 工作规范 第五条: the six acceptance elements of an enterprise report */
#define ELEM_STATEMENT	0x01	/* (一) a written statement and reasons */
#define ELEM_STANDING	0x02	/* (二) licence / ID; agent's ID and power of attorney */
#define ELEM_CONTACT	0x04	/* (三) the reporter's name and contact */
#define ELEM_ADDRESS	0x08	/* (四) the network address of the content */
#define ELEM_EVIDENCE	0x10	/* (五) preliminary evidence */
#define ELEM_GUARANTEE	0x20	/* (六) a guarantee of truth and lawfulness */
#define ELEM_ALL	0x3f

struct evidence {
	char	*name;		/* decoded file name, or a made-up one */
	char	*type;		/* lower-case MIME type */
	size_t	 size;		/* decoded size in bytes */
	char	 sha256[65];	/* hex */
	char	*note;		/* e.g. "could not decode base64: kept raw", or NULL */
	int	 original;	/* 1: the original message itself */
	int	 derived;	/* 1: not stored, found again in the original
				 * when opened (derive.h) */
	char	 file[33];	/* the sealed evidence file (evidence.h), or "" */
};

struct report {
	char		*channel;	/* "email" or "hotline" */
	time_t		 received_at;
	char		*queue_id;	/* Postfix queue ID or SIP Call-ID */
	char		*subject;
	char		*text;		/* UTF-8 */
	char		*lang;		/* "zh-CN" or "en": the reporter's language */
	/* identity: kept apart, never logged */
	char		*from_addr;
	char		*from_name;
	char		*reply_to;
	char		*env_from;	/* envelope sender, "" for null */
	char		*client_addr;
	char		*reporter_name;
	strlist		 phones;
	/* threading and loops */
	char		*message_id;
	char		*in_reply_to;
	strlist		 references;
	char		*auto_reason;	/* RFC 3834: why nothing automatic goes back */
	char		 case_ref[CASENO_MAX];	/* the case a reply proves it
					 * answers: a good MAC in one of our
					 * Message-IDs it refers to */
	char		 ref_kind[16];	/* which of our messages it answers: ack, feedback */
	char		 case_named[CASENO_MAX];	/* a case it names without
					 * proof ([JB N], an old or forged ID) */
	int		 authenticated;	/* SPF pass or SMTP AUTH: what it
					 * says may be echoed to its sender */
	int		 rating;	/* a reply to feedback: satisfaction 1-5, else 0 */
	char		 content_hash[65];
	/* what is reported */
	strlist		 urls;
	strlist		 accounts;
	char		*category;	/* key in categories.conf */
	int		 priority;
	long		 deadline_secs;
	int		 enterprise;
	unsigned	 missing;	/* ELEM_* bits, enterprise reports only */
	char		*spf;		/* pass, fail, softfail, neutral, none, temperror, permerror */
	char		*spf_domain;	/* the identity checked */
	/* evidence */
	struct evidence	*ev;
	size_t		 nev, ev_cap;
	size_t		 ev_max;	/* items beside the original; 0: no cap */
	size_t		 ev_dropped;	/* what ev_max turned away */
	strlist		 notes;		/* problems met while parsing (no identity) */
};

struct report	*report_new(const char *channel);
void		 report_free(struct report *);
struct evidence	*report_add_evidence(struct report *, const char *name,
		    const char *type, size_t size, const char *sha256,
		    const char *note);
void		 report_cap_notes(struct report *);
const char	*elem_key(unsigned bit);
void		 elem_list(unsigned missing, char *out, size_t len);
const char	*elem_describe(unsigned bit, const char *lang);
int		 text_has_cjk(const char *);

#endif
