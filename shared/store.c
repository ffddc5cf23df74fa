/*
 * NAME
 *	store - the handle: open, migrate, keys, errors, transactions
 * DESCRIPTION
 *	A handle is one db connection (db.h) with the process's keys: every
 *	module of the store writes through it.  The schema carries its
 *	version in meta; store_open applies the migrations it lacks, in one
 *	transaction (two processes starting together migrate once).  Times
 *	are Unix seconds.  Reporter identity is sealed with the box key and
 *	found again only by a blind index (crypt.c), so that the store alone
 *	(a backup, a copy) names no reporter.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store_int.h"

/* Migrations: entry i takes the schema from version i to i + 1. */
static const char *const migrations[] = {
	/* 0 -> 1: the intake */
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE case_seq (day TEXT PRIMARY KEY, n INTEGER NOT NULL);"
	"CREATE TABLE cases ("
	"  id INTEGER PRIMARY KEY,"
	"  case_no TEXT NOT NULL UNIQUE,"
	"  channel TEXT NOT NULL,"
	"  status TEXT NOT NULL,"
	"  category TEXT NOT NULL,"
	"  priority INTEGER NOT NULL,"
	"  enterprise INTEGER NOT NULL DEFAULT 0,"
	"  received_at INTEGER NOT NULL,"
	"  deadline INTEGER NOT NULL,"
	"  subject TEXT NOT NULL DEFAULT '',"
	"  body TEXT NOT NULL DEFAULT '',"
	"  lang TEXT NOT NULL DEFAULT 'zh-CN',"
	"  spf TEXT NOT NULL DEFAULT 'none',"
	"  spf_domain TEXT,"
	"  missing INTEGER NOT NULL DEFAULT 0,"
	"  pin TEXT NOT NULL,"
	"  updated_at INTEGER NOT NULL);"
	"CREATE INDEX cases_received ON cases (received_at);"
	"CREATE INDEX cases_status ON cases (status, deadline);"
	"CREATE TABLE reporters ("
	"  case_id INTEGER PRIMARY KEY REFERENCES cases (id),"
	"  address TEXT, name TEXT, phone TEXT, client_addr TEXT);"
	"CREATE TABLE messages ("
	"  id INTEGER PRIMARY KEY,"
	"  case_id INTEGER NOT NULL REFERENCES cases (id),"
	"  kind TEXT NOT NULL,"
	"  message_id TEXT NOT NULL DEFAULT '',"
	"  content_hash TEXT NOT NULL,"
	"  queue_id TEXT,"
	"  subject TEXT NOT NULL DEFAULT '',"
	"  body TEXT NOT NULL DEFAULT '',"
	"  auto_reason TEXT,"
	"  received_at INTEGER NOT NULL);"
	"CREATE INDEX messages_dedupe ON messages (content_hash, message_id);"
	"CREATE INDEX messages_case ON messages (case_id);"
	"CREATE TABLE evidence ("
	"  id INTEGER PRIMARY KEY,"
	"  case_id INTEGER NOT NULL REFERENCES cases (id),"
	"  message INTEGER REFERENCES messages (id),"
	"  name TEXT NOT NULL, type TEXT NOT NULL, size INTEGER NOT NULL,"
	"  sha256 TEXT NOT NULL, note TEXT,"
	"  original INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX evidence_case ON evidence (case_id);"
	"CREATE TABLE targets ("
	"  id INTEGER PRIMARY KEY,"
	"  case_id INTEGER NOT NULL REFERENCES cases (id),"
	"  kind TEXT NOT NULL, value TEXT NOT NULL);"
	"CREATE INDEX targets_case ON targets (case_id);"
	"CREATE INDEX targets_value ON targets (value);"
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY,"
	"  case_id INTEGER NOT NULL REFERENCES cases (id),"
	"  at INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,"
	"  detail TEXT);"
	"CREATE INDEX events_case ON events (case_id);"
	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY,"
	"  case_id INTEGER NOT NULL REFERENCES cases (id),"
	"  kind TEXT NOT NULL, channel TEXT NOT NULL,"
	"  recipient TEXT, env_from TEXT, message_id TEXT, message TEXT,"
	"  status TEXT NOT NULL, reason TEXT,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_at INTEGER NOT NULL, lease_until INTEGER NOT NULL DEFAULT 0,"
	"  lease_owner TEXT,"
	"  created_at INTEGER NOT NULL, sent_at INTEGER, last_error TEXT);"
	"CREATE INDEX outbox_due ON outbox (status, next_at);"
	"CREATE INDEX outbox_rcpt ON outbox (recipient, created_at);"
	"CREATE INDEX outbox_case ON outbox (case_id);",
	/* 1 -> 2: the hotline's call ledger (a call may end without a case) */
	"CREATE TABLE calls ("
	"  id INTEGER PRIMARY KEY,"
	"  call_id TEXT NOT NULL,"
	"  started_at INTEGER NOT NULL,"
	"  ended_at INTEGER NOT NULL,"
	"  outcome TEXT NOT NULL,"
	"  case_id INTEGER REFERENCES cases (id),"
	"  keys TEXT NOT NULL DEFAULT '',"
	"  recorded_ms INTEGER NOT NULL DEFAULT 0,"
	"  detail TEXT);"
	"CREATE INDEX calls_started ON calls (started_at);"
	"CREATE INDEX calls_call_id ON calls (call_id);",
	/* 2 -> 3: handling: assignment, outcome, measures, feedback, retention */
	"ALTER TABLE cases ADD COLUMN assignee TEXT;"
	"ALTER TABLE cases ADD COLUMN outcome TEXT;"
	"ALTER TABLE cases ADD COLUMN outcome_at INTEGER;"
	"ALTER TABLE cases ADD COLUMN outcome_detail TEXT;"
	"ALTER TABLE cases ADD COLUMN explanation TEXT;"
	"ALTER TABLE cases ADD COLUMN feedback_at INTEGER;"
	"ALTER TABLE cases ADD COLUMN closed_at INTEGER;"
	"ALTER TABLE cases ADD COLUMN satisfaction INTEGER;"
	"ALTER TABLE cases ADD COLUMN purged_at INTEGER;"
	"CREATE TABLE measures ("
	"  id INTEGER PRIMARY KEY,"
	"  case_id INTEGER NOT NULL REFERENCES cases (id),"
	"  measure TEXT NOT NULL,"
	"  until INTEGER,"
	"  at INTEGER NOT NULL,"
	"  actor TEXT NOT NULL);"
	"CREATE INDEX measures_case ON measures (case_id);"
	"CREATE INDEX measures_until ON measures (until);"
	"CREATE INDEX cases_deadline ON cases (outcome_at, deadline);"
	"CREATE INDEX cases_closed ON cases (closed_at);"
	"CREATE INDEX events_action ON events (action, at);",
	/* 3 -> 4: identity sealed (crypt.c), blind indexes, flood marks */
	"ALTER TABLE reporters ADD COLUMN address_idx TEXT;"
	"ALTER TABLE reporters ADD COLUMN client_idx TEXT;"
	"ALTER TABLE outbox ADD COLUMN recipient_idx TEXT;"
	"ALTER TABLE cases ADD COLUMN flood INTEGER NOT NULL DEFAULT 0;"
	"CREATE INDEX reporters_address_idx ON reporters (address_idx);"
	"CREATE INDEX reporters_client_idx ON reporters (client_idx);"
	"CREATE INDEX outbox_rcpt_idx ON outbox (recipient_idx, created_at);",
	/* 4 -> 5: statistics read indexes only (tests/bench/bench-store.sh):
	 * each query of store_stats filters cases on received_at and reads a
	 * few short columns, which one covering index holds */
	"CREATE INDEX cases_stats ON cases (received_at, channel, category,"
	"  status, outcome, outcome_at, deadline, feedback_at, satisfaction);"
	"DROP INDEX events_action;"
	"CREATE INDEX events_action ON events (action, at, case_id);"
	"DROP INDEX measures_case;"
	"CREATE INDEX measures_case ON measures (case_id, measure);",
	/* 5 -> 6: issue "Hostile senders": evidence files sealed under
	 * their own names; the envelope sender's blind index (a reply acts on
	 * a case only from it); the receipt PIN as a keyed hash (filled in
	 * by migrate_keys); the real uid beside a self-declared actor; the
	 * pseudonym key no longer in the file (derived from key_file) */
	"ALTER TABLE evidence ADD COLUMN file TEXT;"
	"ALTER TABLE reporters ADD COLUMN sender_idx TEXT;"
	"ALTER TABLE cases ADD COLUMN pin_hash TEXT;"
	"ALTER TABLE events ADD COLUMN uid INTEGER;"
	"DELETE FROM meta WHERE key = 'pseudonym_key';",
	/* 6 -> 7: issue 11: evidence in the store (PostgreSQL: shared by
	 * every host), sealed as the files are, under the file's name; */
	"CREATE TABLE evidence_data (file TEXT PRIMARY KEY, data BLOB NOT NULL);"
	/* and each byte stored once: an attachment is found again in its
	 * original message when opened (derive.c) */
	"ALTER TABLE evidence ADD COLUMN derived INTEGER NOT NULL DEFAULT 0;"
	/* and the statistics' rollup (store_rollup.c; built by
	 * store_rollup_rebuild) */
	"ALTER TABLE cases ADD COLUMN handling INTEGER;"
	"CREATE INDEX cases_handling ON cases (handling, received_at);"
	"CREATE TABLE stats_day (day INTEGER NOT NULL, dim TEXT NOT NULL,"
	"  key TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (day, dim, key));"
	"CREATE TABLE stats_hours (day INTEGER NOT NULL, hour INTEGER NOT NULL,"
	"  n INTEGER NOT NULL, PRIMARY KEY (day, hour));"
	"CREATE TABLE stats_measure (day INTEGER NOT NULL,"
	"  measure TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (day, measure));",
	/* 7 -> 8: status lookups (lookup.c): the attempts, for the limits,
	 * the source a keyed hash, kept a day; and an answer to a lookup
	 * that found no case is an outbox row of no case (outbox_loose) */
	"CREATE TABLE lookups (id INTEGER PRIMARY KEY, at INTEGER NOT NULL,"
	"  channel TEXT NOT NULL, source TEXT, case_no TEXT NOT NULL,"
	"  ok INTEGER NOT NULL);"
	"CREATE INDEX lookups_source ON lookups (source, at);"
	"CREATE INDEX lookups_case ON lookups (case_no, at);"
	"CREATE INDEX lookups_at ON lookups (at);"
	"DROP INDEX outbox_rcpt;",
	/* 8 -> 9: issue 13: the call centre's accounts, the console's
	 * sessions (a keyed hash of the token, never the token), and the
	 * disposals that await a second person (staff.h, store_staff.c) */
	"CREATE TABLE staff (name TEXT PRIMARY KEY, role TEXT NOT NULL,"
	"  pwhash TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL, pw_changed_at INTEGER NOT NULL,"
	"  last_login INTEGER, failures INTEGER NOT NULL DEFAULT 0,"
	"  failed_since INTEGER, locked_until INTEGER);"
	"CREATE TABLE sessions (token TEXT PRIMARY KEY, name TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL, last_seen INTEGER NOT NULL);"
	"CREATE TABLE proposals ("
	"  id INTEGER PRIMARY KEY,"
	"  case_id INTEGER NOT NULL,"
	"  proposer TEXT NOT NULL, measures TEXT NOT NULL, until INTEGER,"
	"  explanation TEXT, no_feedback INTEGER NOT NULL DEFAULT 0,"
	"  state TEXT NOT NULL, proposed_at INTEGER NOT NULL,"
	"  decided_by TEXT, decided_at INTEGER, reason TEXT);"
	"CREATE INDEX proposals_pending ON proposals (state, case_id);",
	/* 9 -> 10: issue 15: typical cases (指导意见 二十), a public summary
	 * of a finished case, published when a second person approves
	 * (typical.h, store_typical.c) */
	"CREATE TABLE typical ("
	"  id INTEGER PRIMARY KEY,"
	"  case_id INTEGER NOT NULL,"
	"  title TEXT NOT NULL, summary TEXT NOT NULL,"
	"  state TEXT NOT NULL,"	/* pending, published, declined, withdrawn */
	"  proposer TEXT NOT NULL, proposed_at INTEGER NOT NULL,"
	"  decided_by TEXT, decided_at INTEGER, reason TEXT);"
	"CREATE INDEX typical_state ON typical (state);"
	/* one pending or published a case, even with two writers at once */
	"CREATE UNIQUE INDEX typical_open ON typical (case_id)"
	"  WHERE state IN ('pending', 'published');",
	/* 10 -> 11: a case's proposals by its id: the console's case page
	 * read every proposal to find its own (tests/bench/bench-web.sh) */
	"CREATE INDEX proposals_case ON proposals (case_id);",
};
#define SCHEMA_VERSION	((int)(sizeof(migrations) / sizeof(migrations[0])))

/* store_fail_tx - store_dbfail, the transaction rolled back; -1 */
int
store_fail_tx(struct store *st)
{
	store_dbfail(st);
	store_rollback(st);
	return (-1);
}

/* store_dbfail - take the db layer's reason and class; always -1 */
int
store_dbfail(struct store *st)
{
	snprintf(st->err, sizeof(st->err), "%s", db_error(st->db));
	st->busy = db_temporary(st->db);
	return (-1);
}

/* store_refuse - a logical refusal (never temporary); always -1 */
int
store_refuse(struct store *st, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(st->err, sizeof(st->err), fmt, ap);
	va_end(ap);
	st->busy = 0;
	return (-1);
}

/*
 * store_fail - a failure of the layer above (a template that does not
 * render, no PIN), kept where store_error and store_busy read it, so that
 * a caller has one place to look; always -1
 */
int
store_fail(struct store *st, int temporary, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(st->err, sizeof(st->err), fmt, ap);
	va_end(ap);
	st->busy = temporary;
	return (-1);
}

/* store_error - why the last call failed */
const char *
store_error(const struct store *st)
{
	return (st->err);
}

/* store_busy - was the last failure temporary (lock, I/O, full, read-only) */
int
store_busy(const struct store *st)
{
	return (st->busy);
}

/*
 * store_keys_load - read key_file once per process, before any store_open:
 * every handle opened afterwards seals and opens reporter identity with it
 * (crypt_init).  0, or -1 with the reason in err (a missing file, a file
 * readable by group or others).
 */
int
store_keys_load(const char *path, buf *err)
{
	return (crypt_init(path, err));
}

/* store_seal - identity sealed for the store (caller frees); NULL in, NULL out */
char *
store_seal(struct store *st, const char *v)
{
	return (v == NULL ? NULL : crypt_seal(st->keys, v));
}

/* store_unseal - identity as it was (caller frees); "(undecryptable)" if forged */
char *
store_unseal(struct store *st, const char *v)
{
	char	*p;

	if (v == NULL)
		return (NULL);
	if ((p = crypt_open(st->keys, v)) == NULL)
		return (xstrdup(strncmp(v, "v1:", 3) != 0 ? v : "(undecryptable)"));
	return (p);
}

/* store_index - the blind index of an identity ("" for none) */
void
store_index(struct store *st, const char *v, char out[33])
{
	if (v == NULL) {
		out[0] = '\0';
		return;
	}
	crypt_index(st->keys, v, out);
}

/* store_pin_hash - the keyed hash a receipt PIN is kept as (32 hex) */
void
store_pin_hash(const char *case_no, const char *pin, char out[33])
{
	char	*m = xasprintf("%s:%s", case_no, pin);

	crypt_mac(crypt_get()->pin, m, 16, out);
	secret_free(m);
}

/*
 * store_call_tag - what names a call in the store and in log lines: "call-"
 * and a keyed hash of its Call-ID, which often holds the caller's host
 * (issue "Hostile senders", finding 10).  The same Call-ID gives the same
 * tag (a retried commit finds its case).
 */
void
store_call_tag(const char *call_id, char out[STORE_CALL_TAG])
{
	char	 h[21];
	char	*m = xasprintf("call:%s", call_id ? call_id : "");

	crypt_mac(crypt_get()->mac, m, 10, h);
	free(m);
	snprintf(out, STORE_CALL_TAG, "call-%s", h);
}

/* schema_version - the version recorded in meta, 0 for a new store */
static int
schema_version(struct store *st, int *v)
{
	char	 s[16];
	int	 yes, rc;

	*v = 0;
	if (db_table_exists(st->db, "meta", &yes) < 0)
		return (store_dbfail(st));
	if (!yes)
		return (0);
	if ((rc = db_text(st->db, s, sizeof(s), "SELECT value FROM meta "
	    "WHERE key = 'schema_version'", NULL)) < 0)
		return (store_dbfail(st));
	*v = atoi(s);
	return (0);
}

/*
 * migrate_keys - what version 6 needs the key for: receipt PINs kept as
 * their keyed hash, and the calls' Call-IDs (often the caller's host)
 * replaced by their tag (store_call_tag)
 */
static int
migrate_keys(struct store *st)
{
	struct db_stmt	*q;
	char		 h[33], tag[STORE_CALL_TAG];
	int		 rc;

	if ((q = db_query(st->db, "SELECT id, case_no, pin FROM cases WHERE "
	    "pin <> ''", NULL)) == NULL)
		return (store_dbfail(st));
	while ((rc = db_next(q)) == DB_ROW) {
		store_pin_hash(db_col_text(q, 1), db_col_text(q, 2), h);
		if (db_exec(st->db, "UPDATE cases SET pin = '', pin_hash = $1 "
		    "WHERE id = $2", "ti", h, db_col_int(q, 0)) < 0)
			break;
	}
	if (db_done(q) < 0 || rc == DB_ROW)
		return (store_dbfail(st));
	if ((q = db_query(st->db, "SELECT id, call_id FROM calls", NULL)) == NULL)
		return (store_dbfail(st));
	while ((rc = db_next(q)) == DB_ROW) {
		store_call_tag(db_col_text(q, 1), tag);
		if (db_exec(st->db, "UPDATE calls SET call_id = $1 WHERE id = $2",
		    "ti", tag, db_col_int(q, 0)) < 0)
			break;
	}
	if (db_done(q) < 0 || rc == DB_ROW)
		return (store_dbfail(st));
	return (0);
}

/*
 * outbox_loose - version 8's outbox.case_id may be NULL (the answer to a
 * status lookup that found no case).  PostgreSQL drops the constraint;
 * SQLite cannot, and copies the table into one without it.
 */
static int
outbox_loose(struct store *st)
{
	if (strcmp(db_engine_name(st->db), "postgresql") == 0)
		return (db_script(st->db, "ALTER TABLE outbox ALTER COLUMN "
		    "case_id DROP NOT NULL"));
	return (db_script(st->db,
	    "CREATE TABLE outbox_new ("
	    "  id INTEGER PRIMARY KEY,"
	    "  case_id INTEGER REFERENCES cases (id),"
	    "  kind TEXT NOT NULL, channel TEXT NOT NULL,"
	    "  recipient TEXT, env_from TEXT, message_id TEXT, message TEXT,"
	    "  status TEXT NOT NULL, reason TEXT,"
	    "  attempts INTEGER NOT NULL DEFAULT 0,"
	    "  next_at INTEGER NOT NULL, lease_until INTEGER NOT NULL DEFAULT 0,"
	    "  lease_owner TEXT,"
	    "  created_at INTEGER NOT NULL, sent_at INTEGER, last_error TEXT,"
	    "  recipient_idx TEXT);"
	    "INSERT INTO outbox_new (id, case_id, kind, channel, recipient,"
	    "  env_from, message_id, message, status, reason, attempts, next_at,"
	    "  lease_until, lease_owner, created_at, sent_at, last_error,"
	    "  recipient_idx) SELECT id, case_id, kind, channel, recipient,"
	    "  env_from, message_id, message, status, reason, attempts, next_at,"
	    "  lease_until, lease_owner, created_at, sent_at, last_error,"
	    "  recipient_idx FROM outbox;"
	    "DROP TABLE outbox;"
	    "ALTER TABLE outbox_new RENAME TO outbox;"
	    "CREATE INDEX outbox_due ON outbox (status, next_at);"
	    "CREATE INDEX outbox_case ON outbox (case_id);"
	    "CREATE INDEX outbox_rcpt_idx ON outbox (recipient_idx, created_at);"));
}

/* migrate - bring the schema up to SCHEMA_VERSION in one transaction */
static int
migrate(struct store *st)
{
	char	 v[16];
	int	 have, i;

	if (schema_version(st, &have) < 0)
		return (-1);
	if (have == SCHEMA_VERSION)
		return (0);
	if (have > SCHEMA_VERSION)
		return (store_refuse(st, "the store's schema is newer than this "
		    "program (version %d, this is %d): upgrade jubao", have,
		    SCHEMA_VERSION));
	if (store_begin(st) < 0)
		return (-1);
	/* another process may have migrated while we waited for the lock */
	if (schema_version(st, &have) < 0)
		goto rollback;
	for (i = have; i < SCHEMA_VERSION; i++)
		if (db_script(st->db, migrations[i]) < 0 ||
		    (i == 5 && migrate_keys(st) < 0) ||
		    (i == 6 && store_rollup_rebuild(st) < 0) ||
		    (i == 7 && outbox_loose(st) < 0)) {
			store_dbfail(st);
			goto rollback;
		}
	snprintf(v, sizeof(v), "%d", SCHEMA_VERSION);
	if (db_exec(st->db, "INSERT INTO meta (key, value) VALUES "
	    "('schema_version', $1) ON CONFLICT (key) DO UPDATE SET "
	    "value = excluded.value", "t", v) < 0) {
		store_dbfail(st);
		goto rollback;
	}
	return (store_commit(st));
rollback:
	store_rollback(st);
	return (-1);
}

/*
 * key_check - one store, one key: the keyed hash of a constant in meta,
 * written by the first program that opens the store (a store from
 * before it: once a sealed identity in it is seen to open with this
 * key).  A program whose key_file is another is refused, rather than
 * seal identities the others cannot open, or fail their messages as
 * undecryptable.  0, or -1 (a refusal, or the store failed).
 */
static int
key_check(struct store *st)
{
	char	 want[33], have[64], sealed[1024], *p;

	store_index(st, "jubao store key check", want);
	if (db_text(st->db, have, sizeof(have), "SELECT value FROM meta "
	    "WHERE key = 'key_check'", NULL) < 0)
		return (store_dbfail(st));
	if (have[0] == '\0') {
		/* one that fits the buffer whole: a cut one would not open */
		if (db_text(st->db, sealed, sizeof(sealed), "SELECT address "
		    "FROM reporters WHERE address LIKE 'v1:%' AND "
		    "length(address) < 1000 LIMIT 1", NULL) < 0)
			return (store_dbfail(st));
		if (sealed[0] != '\0') {
			if ((p = crypt_open(st->keys, sealed)) == NULL)
				goto refuse;
			secret_free(p);
		}
		/* two programs opening a new store at once: the first wins */
		if (db_exec(st->db, "INSERT INTO meta (key, value) VALUES "
		    "('key_check', $1) ON CONFLICT (key) DO NOTHING", "t",
		    want) < 0 || db_text(st->db, have, sizeof(have), "SELECT "
		    "value FROM meta WHERE key = 'key_check'", NULL) < 0)
			return (store_dbfail(st));
	}
	if (strcmp(have, want) == 0)
		return (0);
refuse:
	return (store_refuse(st, "key_file is not the key this store is "
	    "sealed with: every program and host of one store needs the same "
	    "key_file"));
}

/*
 * store_open - a handle on the store of engine ("sqlite" or NULL, or
 * "postgresql") at where (a file; a libpq connection string), created and
 * migrated; 0, or -1 with the reason in err and *out NULL, and in
 * *temporary (when not NULL) whether it may pass by itself (a lock, I/O,
 * the database down: 1) or not (a schema newer than this program: 0).
 * Close it with store_close.  The keys must have been loaded
 * (store_keys_load).  err names the store as db_describe does (never a
 * password).
 */
int
store_open(const char *engine, const char *where, long busy_timeout,
    struct store **out, int *temporary, buf *err)
{
	struct store	*st;
	buf		 name = { 0 }, why = { 0 };

	*out = NULL;
	if (temporary != NULL)
		*temporary = 1;
	db_describe(engine, where, &name);
	/* 承诺书-5: no handle without the key that seals reporters' identity */
	if (crypt_get() == NULL) {
		buf_printf(err, "store %s: no key_file loaded (a bug: call "
		    "store_keys_load first)", name.s);
		goto fail;
	}
	st = xcalloc(1, sizeof(*st));
	st->keys = crypt_get();
	st->uid = -1;
	st->engine = xstrdup(engine ? engine : "");
	st->where = xstrdup(where);
	st->busy_timeout = busy_timeout;
	if (db_open(engine, where, busy_timeout, &st->db, &why) < 0) {
		buf_printf(err, "store %s: %s", name.s, why.s);
		free(st->engine);
		free(st->where);
		free(st);
		goto fail;
	}
	if (migrate(st) < 0 || key_check(st) < 0) {
		buf_printf(err, "store %s: %s", name.s, st->err);
		if (temporary != NULL)
			*temporary = st->busy;
		store_close(st);
		goto fail;
	}
	buf_free(&name);
	*out = st;
	return (0);
fail:
	buf_free(&name);
	buf_free(&why);
	return (-1);
}

/*
 * store_reachable - -n's check of a store on a server (PostgreSQL): it
 * answers, and its schema is not newer than this program; nothing is
 * created or migrated.  A file store (SQLite) is the daemons' to create:
 * always 0.  0, or -1 with the reason in err (no password in it).
 */
int
store_reachable(const char *engine, const char *where, long busy_timeout,
    buf *err)
{
	struct store	 st = { 0 };
	buf		 name = { 0 }, why = { 0 };
	int		 v, rc = -1;

	if (engine == NULL || strcmp(engine, "postgresql") != 0)
		return (0);
	db_describe(engine, where, &name);
	if (db_open(engine, where, busy_timeout, &st.db, &why) < 0) {
		buf_printf(err, "store %s: %s\n", name.s, why.s);
		goto out;
	}
	if (schema_version(&st, &v) < 0)
		buf_printf(err, "store %s: %s\n", name.s, st.err);
	else if (v > SCHEMA_VERSION)
		buf_printf(err, "store %s: the schema is newer than this program "
		    "(version %d, this is %d)\n", name.s, v, SCHEMA_VERSION);
	else
		rc = 0;
	db_close(st.db);
out:
	buf_free(&name);
	buf_free(&why);
	return (rc);
}

/* store_close - close the handle (NULL is fine) */
void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	if (st->in_tx)
		db_rollback(st->db);
	db_close(st->db);
	free(st->engine);
	free(st->where);
	free(st->touched);
	free(st);
}

/*
 * store_opened_as - 1 when st was opened with this engine, place and busy
 * timeout (a daemon's long-lived handle still matches its configuration),
 * or 0
 */
int
store_opened_as(const struct store *st, const char *engine, const char *where,
    long busy_timeout)
{
	return (strcmp(st->engine, engine ? engine : "") == 0 &&
	    strcmp(st->where, where) == 0 && st->busy_timeout == busy_timeout);
}

/* store_schema_version - the schema version this store has; -1 on error */
int
store_schema_version(struct store *st)
{
	int	 v;

	return (schema_version(st, &v) < 0 ? -1 : v);
}

/*
 * store_set_uid - the real uid of the person jubaoctl acts for: recorded
 * with every event beside the actor's name, which is theirs to choose
 * (issue "Hostile senders", finding 12)
 */
void
store_set_uid(struct store *st, long uid)
{
	st->uid = uid;
}

/* store_uid - the uid events are written with; -1: none */
long
store_uid(const struct store *st)
{
	return (st->uid);
}

/*
 * store_begin - a write transaction (writers wait their turn, up to
 * store_busy_timeout); 0 or -1.  End it with store_commit or
 * store_rollback.
 */
/* begin - a write transaction by the engine's begin (db_begin or
 * db_begin_lax); 0 or -1 */
static int
begin(struct store *st, int (*engine_begin)(struct db *))
{
	if (st->in_tx)
		log_panic("store: a transaction inside a transaction");
	if (engine_begin(st->db) < 0)
		return (store_dbfail(st));
	st->in_tx = 1;
	return (0);
}

int
store_begin(struct store *st)
{
	return (begin(st, db_begin));
}

/*
 * store_begin_lax - store_begin for what a crash may lose without harm
 * (a status lookup by web or telephone: its attempt and its event); its
 * commit does not wait for the disk.  0 or -1.
 */
int
store_begin_lax(struct store *st)
{
	return (begin(st, db_begin_lax));
}

/*
 * store_commit - the cases it changed counted again in the statistics'
 * rollup, then the transaction made durable; 0, or -1 (rolled back)
 */
int
store_commit(struct store *st)
{
	if (store_rollup_settle(st) < 0) {
		store_rollback(st);
		return (-1);
	}
	if (db_commit(st->db) < 0) {
		store_dbfail(st);
		store_rollback(st);
		return (-1);
	}
	store_rollup_forget(st);
	st->in_tx = 0;
	return (0);
}

/*
 * store_rollback - end a failed transaction.  The reason stays in
 * store_error: only a failing call writes it.
 */
void
store_rollback(struct store *st)
{
	if (!st->in_tx)
		return;
	db_rollback(st->db);
	store_rollup_forget(st);
	st->in_tx = 0;
}
