/*
 * NAME
 *	staff - the call centre's accounts, their sessions, and the second
 *	person a removal needs (审处分离)
 * DESCRIPTION
 *	Accounts (jubaoctl user, the console's login): a name, a role
 *	(handler < reviewer < admin: each role may do what the one before
 *	it may), a password hashed with Argon2id (libsodium crypto_pwhash_str),
 *	disabled or not.  A login that fails login_failures times within
 *	login_lock locks the account for login_lock; an unknown name costs
 *	the same hashing and gets the same answer as a wrong password.
 *
 *	Sessions: a random token (the cookie) of which the store keeps only a
 *	keyed hash; a session ends after web_session_idle without a request,
 *	after web_session_max in any case, at logout, and when its account
 *	is disabled or its password changed.  The CSRF token of a session is
 *	a keyed MAC of the session token: nothing more to store.
 *
 *	Proposals (工作规范 第二十六、二十七条): a disposal whose measures
 *	remove content or close an account (delete, block, unlink, close)
 *	is, while removal_review is on, only proposed: it takes effect when
 *	a second person with the reviewer role approves it, never the
 *	proposer.  workflow.c applies the rule for jubaoctl and the console
 *	alike; the store keeps the proposal (store_staff.c).
 */
#ifndef JUBAO_STAFF_H
#define JUBAO_STAFF_H

#include <time.h>

#include "store.h"

#define STAFF_NAME_MAX	64	/* [a-z0-9._-]{1,63} */
#define STAFF_TOKEN_LEN	64	/* hex of 32 random bytes, + NUL */
#define STAFF_PW_MIN	10	/* characters */
#define STAFF_PW_MAX	256	/* bytes */
#define STAFF_HASH_MAX	128	/* crypto_pwhash_STRBYTES */

enum staff_role { ROLE_NONE = 0, ROLE_HANDLER, ROLE_REVIEWER, ROLE_ADMIN };

struct staff_user {
	char		 name[STAFF_NAME_MAX];
	enum staff_role	 role;
	int		 disabled;
	time_t		 created_at, locked_until, last_login;
	long		 failures;	/* in the current window */
	time_t		 pw_changed_at;
};

struct staff_users {
	struct staff_user *v;
	size_t		 n;
};

struct staff_session {
	char		 user[STAFF_NAME_MAX];
	enum staff_role	 role;
	char		 csrf[STAFF_TOKEN_LEN + 1];	/* for the forms */
	time_t		 created_at, last_seen;
};

/* what the login limits are (from the configuration) */
struct staff_limits {
	long		 failures;	/* login_failures */
	long		 lock;		/* login_lock, seconds */
	long		 idle;		/* web_session_idle, seconds */
	long		 max;		/* web_session_max, seconds */
};

enum staff_login {
	LOGIN_OK, LOGIN_DENIED,		/* wrong name or password, disabled */
	LOGIN_LOCKED,			/* too many failures: try later */
	LOGIN_ERROR			/* the store: store_error() */
};

struct case_proposal {
	long long	 id;
	char		*proposer, *measures, *explanation, *decided_by;
	char		*state;		/* pending, approved, declined */
	char		*reason;	/* declined: why */
	time_t		 until;		/* measure private: its end; 0 none */
	time_t		 proposed_at, decided_at;
	int		 no_feedback;	/* dispose --no-feedback */
};

/* staff.c */
const char	*staff_role_name(enum staff_role);
enum staff_role	 staff_role_parse(const char *);
int		 staff_name_valid(const char *);
int		 staff_password_hash(const char *password, char *out,
		    size_t len);
int		 staff_user_add(struct store *, const char *name,
		    enum staff_role, const char *password, time_t now);
int		 staff_user_passwd(struct store *, const char *name,
		    const char *password, time_t now);
int		 staff_user_disable(struct store *, const char *name,
		    int disabled, time_t now);
int		 staff_user_get(struct store *, const char *name,
		    struct staff_user *);	/* 0, 1 no such user, -1 */
int		 staff_user_list(struct store *, struct staff_users *);
void		 staff_users_free(struct staff_users *);
enum staff_login staff_login(struct store *, const struct staff_limits *,
		    const char *name, const char *password, time_t now,
		    char token[STAFF_TOKEN_LEN + 1], struct staff_session *);
int		 staff_session_check(struct store *, const struct staff_limits *,
		    const char *token, time_t now, struct staff_session *);
		    /* 0 valid, 1 none or ended, -1 store */
int		 staff_logout(struct store *, const char *token);
int		 staff_csrf_ok(const struct staff_session *, const char *given);
int		 staff_may(enum staff_role have, enum staff_role need);
int		 staff_second_person(struct store *, const char *actor,
		    const char *proposer, const char *case_no, const char *verb,
		    const char *what, const char *rule);

/* store_staff.c: the rows (callers hold no transaction; each is its own) */
int	 store_proposals(struct store *, const char *case_no,
	    struct case_proposal **, size_t *);
void	 case_proposals_free(struct case_proposal *, size_t);
long	 store_proposals_pending(struct store *);	/* how many cases wait */

/*
 * store_staff.c: what staff.c keeps (each its own transaction; 0, 1 where
 * said: no such account or session, or -1).  Times are the caller's now.
 */
int	 store_staff_add(struct store *, const char *name, const char *role,
	    const char *pwhash, time_t now);
int	 store_staff_passwd(struct store *, const char *name,
	    const char *pwhash, time_t now);
int	 store_staff_disable(struct store *, const char *name, int disabled);
int	 store_staff_get(struct store *, const char *name, struct staff_user *,
	    char pwhash[STAFF_HASH_MAX]);		/* 0, 1, -1 */
int	 store_staff_list(struct store *, struct staff_users *);
int	 store_staff_failed(struct store *, const char *name, time_t now,
	    const struct staff_limits *, int *locked);
int	 store_session_open(struct store *, const char *name,
	    const char *pwhash, const char *key, time_t now,
	    const struct staff_limits *);		/* 0, 1 changed, -1 */
int	 store_session_get(struct store *, const char *key,
	    struct staff_session *, time_t *pw_changed_at,
	    int *disabled);				/* 0, 1, -1 */
int	 store_session_seen(struct store *, const char *key, time_t now);
int	 store_session_end(struct store *, const char *key);

/* store_staff.c: a case's proposal, in the workflow's transaction */
int	 store_proposal_pending(struct store *, long long case_id,
	    struct case_proposal *);	/* 0 (id 0: none), -1 */
int	 store_proposal_add(struct store *, long long case_id,
	    const struct case_proposal *);
int	 store_proposal_decide(struct store *, long long id, const char *state,
	    const char *by, const char *reason, time_t at);
void	 case_proposal_clear(struct case_proposal *);

#endif
