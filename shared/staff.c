/*
 * NAME
 *	staff - the call centre's accounts, logins, sessions and CSRF tokens
 * DESCRIPTION
 *	See staff.h.  The policy is here, the rows in store_staff.c: a
 *	password is hashed with Argon2id (libsodium crypto_pwhash_str,
 *	OPSLIMIT and MEMLIMIT_INTERACTIVE) before it goes near the store, and
 *	is never logged; a session token is 32 random bytes in hex, of which
 *	the store keeps a keyed hash (crypt_keys.session, "session:"), and its
 *	CSRF token is a keyed MAC of it with the same key under another name
 *	("csrf:"), so that neither can be made from what the store holds.
 *	The Argon2id work is done outside any transaction: a login does not
 *	hold the store's write lock while it hashes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "crypt.h"
#include "log.h"
#include "staff.h"

_Static_assert(STAFF_HASH_MAX >= crypto_pwhash_STRBYTES, "STAFF_HASH_MAX");

/*
 * What an unknown name is verified against, so that it costs what a
 * wrong password costs (the hash of a random password nobody kept, with
 * the parameters crypto_pwhash_str uses)
 */
static const char dummy_hash[STAFF_HASH_MAX] = "$argon2id$v=19$m=65536,t=2,p=1$"
	"l6MIcgWz/V4qa9i7N1ouug$TM0Pvd28/N2XFvtOB70fw1o8wRiK9wvcvHCfdqpAZkM";

static const char *const role_names[] = {
	[ROLE_HANDLER] = "handler",
	[ROLE_REVIEWER] = "reviewer",
	[ROLE_ADMIN] = "admin",
};

/* staff_role_name - a role's name ("none" for ROLE_NONE) */
const char *
staff_role_name(enum staff_role r)
{
	if (r <= ROLE_NONE || r > ROLE_ADMIN)
		return ("none");
	return (role_names[r]);
}

/* staff_role_parse - a role by name; ROLE_NONE when it is none of them */
enum staff_role
staff_role_parse(const char *s)
{
	int	 r;

	for (r = ROLE_HANDLER; r <= ROLE_ADMIN; r++)
		if (strcmp(role_names[r], s) == 0)
			return ((enum staff_role)r);
	return (ROLE_NONE);
}

/* staff_may - may a role of have do what needs need (each role may do
 * what the ones below it may) */
int
staff_may(enum staff_role have, enum staff_role need)
{
	return (have >= need);
}

/* staff_name_valid - is s an account's name: [a-z0-9._-]{1,63} */
int
staff_name_valid(const char *s)
{
	size_t	 n = strlen(s);

	return (n > 0 && n < STAFF_NAME_MAX &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789._-") == n);
}

/*
 * pw_ok - is password acceptable: STAFF_PW_MIN characters (UTF-8
 * characters, not bytes) and at most STAFF_PW_MAX bytes
 */
static int
pw_ok(const char *pw)
{
	size_t	 i, chars = 0;

	for (i = 0; pw[i] != '\0' && i <= STAFF_PW_MAX; i++)
		chars += ((unsigned char)pw[i] & 0xc0) != 0x80;
	return (i <= STAFF_PW_MAX && chars >= STAFF_PW_MIN);
}

/* refuse_pw - the refusal of a password pw_ok does not take; -1 */
static int
refuse_pw(struct store *st)
{
	return (store_fail(st, 0, "a password has %d characters or more, and "
	    "at most %d bytes", STAFF_PW_MIN, STAFF_PW_MAX));
}

/*
 * staff_password_hash - password as an Argon2id string (crypto_pwhash_str)
 * into out (len bytes, at least STAFF_HASH_MAX); 0, or -1 (out too small,
 * a password too long, no memory for the hashing)
 */
int
staff_password_hash(const char *password, char *out, size_t len)
{
	if (len < crypto_pwhash_STRBYTES || strlen(password) > STAFF_PW_MAX)
		return (-1);
	return (crypto_pwhash_str(out, password, strlen(password),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0 ? 0 : -1);
}

/* hash_for - password hashed into h for st's account calls; 0 or -1 */
static int
hash_for(struct store *st, const char *password, char h[STAFF_HASH_MAX])
{
	if (!pw_ok(password))
		return (refuse_pw(st));
	if (staff_password_hash(password, h, STAFF_HASH_MAX) < 0)
		return (store_fail(st, 1, "cannot hash the password (memory)"));
	return (0);
}

/*
 * staff_user_add - a new account (its password hashed here); 0, or -1
 * with store_error (a bad name, role or password, a name taken: refused)
 */
int
staff_user_add(struct store *st, const char *name, enum staff_role role,
    const char *password, time_t now)
{
	char	 h[STAFF_HASH_MAX];
	int	 rc;

	if (!staff_name_valid(name))
		return (store_fail(st, 0, "'%s' is not an account name "
		    "([a-z0-9._-], at most %d)", name, STAFF_NAME_MAX - 1));
	if (role == ROLE_NONE)
		return (store_fail(st, 0, "an account's role is handler, "
		    "reviewer or admin"));
	if (hash_for(st, password, h) < 0)
		return (-1);
	rc = store_staff_add(st, name, staff_role_name(role), h, now);
	sodium_memzero(h, sizeof(h));
	if (rc == 0)
		log_info("account %s added, role %s", name, staff_role_name(role));
	return (rc);
}

/*
 * staff_user_passwd - an account's new password; its sessions end.  0, or
 * -1 (no such account, a bad password: refused)
 */
int
staff_user_passwd(struct store *st, const char *name, const char *password,
    time_t now)
{
	char	 h[STAFF_HASH_MAX];
	int	 rc;

	if (hash_for(st, password, h) < 0)
		return (-1);
	rc = store_staff_passwd(st, name, h, now);
	sodium_memzero(h, sizeof(h));
	if (rc == 0)
		log_info("account %s: password changed, its sessions ended", name);
	return (rc);
}

/*
 * staff_user_disable - an account disabled (its sessions end) or, with
 * disabled 0, enabled; 0, or -1 (no such account: refused)
 */
int
staff_user_disable(struct store *st, const char *name, int disabled,
    time_t now)
{
	(void)now;
	if (store_staff_disable(st, name, disabled) < 0)
		return (-1);
	log_info("account %s %s", name, disabled ? "disabled, its sessions "
	    "ended" : "enabled");
	return (0);
}

/* staff_user_get - the account called name: 0, 1 when none, or -1 */
int
staff_user_get(struct store *st, const char *name, struct staff_user *u)
{
	return (store_staff_get(st, name, u, NULL));
}

/*
 * staff_second_person - may actor decide (verb: approve, decline) the
 * what ("disposal", "typical case") that proposer proposed on case_no:
 * never its proposer, and an enabled account with the reviewer role or
 * above (rule: the rule cited in the refusal).  0, or -1 (a refusal
 * naming why, store_busy() 0; or the store failed).  Runs in the
 * caller's transaction: workflow.c's removals and store_typical.c keep
 * one rule.
 */
int
staff_second_person(struct store *st, const char *actor, const char *proposer,
    const char *case_no, const char *verb, const char *what, const char *rule)
{
	struct staff_user	 u;
	int			 rc;

	if (strcmp(proposer, actor) == 0)
		return (store_fail(st, 0, "case %s: %s proposed this %s and "
		    "cannot %s it: a second person decides (%s)", case_no,
		    actor, what, verb, rule));
	if ((rc = store_staff_get(st, actor, &u, NULL)) < 0)
		return (-1);
	if (rc == 1 || u.disabled || !staff_may(u.role, ROLE_REVIEWER))
		return (store_fail(st, 0, "case %s: %s may not %s a %s: that "
		    "takes an enabled account with the reviewer or admin role "
		    "(%s)", case_no, actor, verb, what, rc == 1 ?
		    "no such account" : u.disabled ? "the account is disabled" :
		    staff_role_name(u.role)));
	return (0);
}

/* staff_user_list - every account, by name (staff_users_free); 0 or -1 */
int
staff_user_list(struct store *st, struct staff_users *out)
{
	return (store_staff_list(st, out));
}

/* staff_users_free - free a list of accounts */
void
staff_users_free(struct staff_users *u)
{
	free(u->v);
	memset(u, 0, sizeof(*u));
}

/* session_key - what the store keeps of a token: its keyed hash, hex */
static void
session_key(const char *token, char key[STAFF_TOKEN_LEN + 1])
{
	char	*m = xasprintf("session:%s", token);

	crypt_mac(crypt_get()->session, m, 32, key);
	secret_free(m);
}

/* session_csrf - the CSRF token of a session token: a keyed MAC, hex */
static void
session_csrf(const char *token, char csrf[STAFF_TOKEN_LEN + 1])
{
	char	*m = xasprintf("csrf:%s", token);

	crypt_mac(crypt_get()->session, m, 32, csrf);
	secret_free(m);
}

/* token_valid - is t a token we could have made: 64 lower-case hex */
static int
token_valid(const char *t)
{
	return (t != NULL && strlen(t) == STAFF_TOKEN_LEN &&
	    strspn(t, "0123456789abcdef") == STAFF_TOKEN_LEN);
}

/*
 * staff_login - name and password checked at now: LOGIN_OK with a new
 * session's token (the cookie) in token and the session in *s;
 * LOGIN_DENIED for an unknown name, a wrong password or a disabled
 * account alike, each after the same Argon2id work; LOGIN_LOCKED while
 * the account is locked (the password not looked at, the same work done),
 * and for the failure that locks it; LOGIN_ERROR when the store failed.
 */
enum staff_login
staff_login(struct store *st, const struct staff_limits *lim,
    const char *name, const char *password, time_t now,
    char token[STAFF_TOKEN_LEN + 1], struct staff_session *s)
{
	struct staff_user	 u;
	unsigned char		 r[32];
	char			 h[STAFF_HASH_MAX], key[STAFF_TOKEN_LEN + 1];
	size_t			 plen = strlen(password);
	int			 rc, right, locked;

	*token = '\0';
	memset(s, 0, sizeof(*s));
	if (plen > STAFF_PW_MAX) {
		/* no password is that long: refused as a wrong one, after the
		 * same work, and not counted (a way to lock others out) */
		rc = crypto_pwhash_str_verify(dummy_hash, "", 0);	/* its work */
		return (LOGIN_DENIED);
	}
	rc = staff_name_valid(name) ? store_staff_get(st, name, &u, h) : 1;
	if (rc < 0)
		return (LOGIN_ERROR);
	if (rc == 0 && u.locked_until > now) {
		/* the password not looked at, but the same work done */
		sodium_memzero(h, sizeof(h));
		right = crypto_pwhash_str_verify(dummy_hash, password, plen <=
		    STAFF_PW_MAX ? plen : 0);	/* whatever it says */
		return (LOGIN_LOCKED);
	}
	/* the same work whether the name is an account or not: no oracle */
	right = plen <= STAFF_PW_MAX && crypto_pwhash_str_verify(rc == 0 ? h :
	    dummy_hash, password, plen) == 0 && rc == 0;
	if (rc != 0 || u.disabled) {
		sodium_memzero(h, sizeof(h));
		return (LOGIN_DENIED);
	}
	if (!right) {
		sodium_memzero(h, sizeof(h));
		if (store_staff_failed(st, name, now, lim, &locked) < 0)
			return (LOGIN_ERROR);
		if (locked)
			log_warnx("account %s locked after %ld failed logins",
			    name, lim->failures);
		return (locked ? LOGIN_LOCKED : LOGIN_DENIED);
	}
	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(token, STAFF_TOKEN_LEN + 1, r, sizeof(r));
	sodium_memzero(r, sizeof(r));
	session_key(token, key);
	rc = store_session_open(st, name, h, key, now, lim);
	sodium_memzero(h, sizeof(h));
	if (rc != 0) {
		sodium_memzero(token, STAFF_TOKEN_LEN + 1);
		/* disabled or given a new password while we hashed */
		return (rc < 0 ? LOGIN_ERROR : LOGIN_DENIED);
	}
	snprintf(s->user, sizeof(s->user), "%s", name);
	s->role = u.role;
	s->created_at = s->last_seen = now;
	session_csrf(token, s->csrf);
	return (LOGIN_OK);
}

/*
 * staff_session_check - the session of token at now, into *s: 0 when it
 * is valid (its last request recorded, at most once a minute), 1 when
 * there is none or it has ended (idle past lim->idle, older than
 * lim->max, its account disabled or its password changed since: it is
 * removed then), -1 when the store failed
 */
int
staff_session_check(struct store *st, const struct staff_limits *lim,
    const char *token, time_t now, struct staff_session *s)
{
	char	 key[STAFF_TOKEN_LEN + 1];
	time_t	 changed;
	int	 rc, disabled;

	memset(s, 0, sizeof(*s));
	if (!token_valid(token))
		return (1);
	session_key(token, key);
	if ((rc = store_session_get(st, key, s, &changed, &disabled)) != 0)
		return (rc);
	if (disabled || s->created_at < changed || now - s->last_seen >=
	    lim->idle || now - s->created_at >= lim->max) {
		memset(s, 0, sizeof(*s));
		return (store_session_end(st, key) < 0 ? -1 : 1);
	}
	/* one write a minute, not one a request */
	if (now - s->last_seen >= 60) {
		if (store_session_seen(st, key, now) < 0)
			return (-1);
		s->last_seen = now;
	}
	session_csrf(token, s->csrf);
	return (0);
}

/* staff_logout - the session of token ends (none: fine); 0 or -1 */
int
staff_logout(struct store *st, const char *token)
{
	char	 key[STAFF_TOKEN_LEN + 1];

	if (!token_valid(token))
		return (0);
	session_key(token, key);
	return (store_session_end(st, key));
}

/* staff_csrf_ok - is given the session's CSRF token (constant time) */
int
staff_csrf_ok(const struct staff_session *s, const char *given)
{
	if (given == NULL || strlen(given) != STAFF_TOKEN_LEN ||
	    strlen(s->csrf) != STAFF_TOKEN_LEN)
		return (0);
	return (sodium_memcmp(s->csrf, given, STAFF_TOKEN_LEN) == 0);
}
