/*
 * NAME
 *	store - the intake store: the only module with SQL
 * DESCRIPTION
 *	Keep the SQL portable (no SQLite-only syntax outside store_open's
 *	pragmas) so that a PostgreSQL backend can take the same statements.
 *	Reporter identity lives in its own table (reporters) and is read only
 *	by store_case_show with reveal set, which records an event.
 *	Times are stored as Unix seconds; JSON shows them as RFC 3339.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sqlite3.h>

#include "log.h"
#include "store.h"
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
};
#define SCHEMA_VERSION	((int)(sizeof(migrations) / sizeof(migrations[0])))

/* store_fail - remember an SQLite failure; always returns -1 */
int
store_fail(struct store *st, const char *what)
{
	int	 code = sqlite3_extended_errcode(st->db) & 0xff;

	snprintf(st->err, sizeof(st->err), "%s: %s", what, sqlite3_errmsg(st->db));
	st->busy = (code == SQLITE_BUSY || code == SQLITE_LOCKED ||
	    code == SQLITE_IOERR || code == SQLITE_FULL ||
	    code == SQLITE_READONLY || code == SQLITE_CANTOPEN ||
	    code == SQLITE_PROTOCOL || code == SQLITE_NOMEM);
	return (-1);
}

/* store_refuse - a logical refusal (unknown case); always returns -1 */
int
store_refuse(struct store *st, const char *fmt, const char *arg)
    __attribute__((format(printf, 2, 0)));
int
store_refuse(struct store *st, const char *fmt, const char *arg)
{
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	snprintf(st->err, sizeof(st->err), fmt, arg);
#pragma GCC diagnostic pop
	st->busy = 0;
	return (-1);
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

/* store_pin_hash - the keyed hash a receipt PIN is kept as (32 hex) */
void
store_pin_hash(const char *case_no, const char *pin, char out[33])
{
	char	*m = xasprintf("%s:%s", case_no, pin);

	crypt_mac(crypt_get()->pin, m, 16, out);
	free(m);
}

/* store_seal - identity sealed for the store; NULL in, NULL out */
char *
store_seal(struct store *st, const char *v)
{
	if (v == NULL)
		return (NULL);
	if (st->keys == NULL)
		log_panic("store: reporter identity written without a key");
	return (crypt_seal(st->keys, v));
}

/* store_unseal - identity as it was; "(undecryptable)" if forged */
char *
store_unseal(struct store *st, const char *v)
{
	char	*p;

	if (v == NULL)
		return (NULL);
	if (st->keys == NULL || (p = crypt_open(st->keys, v)) == NULL)
		return (xstrdup(st->keys == NULL && strncmp(v, "v1:", 3) != 0 ?
		    v : "(undecryptable)"));
	return (p);
}

/* store_index - the blind index of an identity ("" for none) */
void
store_index(struct store *st, const char *v, char out[33])
{
	if (v == NULL || st->keys == NULL) {
		out[0] = '\0';
		return;
	}
	crypt_index(st->keys, v, out);
}

/*
 * store_rollback - end a failed transaction.  The reason stays in st->err
 * and st->busy: only store_fail and store_refuse write those.
 */
void
store_rollback(struct store *st)
{
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
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

/* store_exec - run statements without results */
int
store_exec(struct store *st, const char *sql)
{
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return (store_fail(st, "exec"));
	return (0);
}

/* store_prep - prepare one statement; NULL after store_fail() */
sqlite3_stmt *
store_prep(struct store *st, const char *sql)
{
	sqlite3_stmt	*s = NULL;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		store_fail(st, "prepare");
		return (NULL);
	}
	return (s);
}

/* store_bind_text - bind a string or NULL */
void
store_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
}

/* store_step_done - step a statement that returns no row, then finalize it */
int
store_step_done(struct store *st, sqlite3_stmt *s)
{
	int	 rc;

	if (s == NULL)
		return (-1);
	rc = sqlite3_step(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		store_fail(st, "step");
		sqlite3_finalize(s);
		return (-1);
	}
	sqlite3_finalize(s);
	return (0);
}

/* schema_version - the version recorded in meta, 0 for a new file */
static int
schema_version(struct store *st, int *v)
{
	sqlite3_stmt	*s;
	int		 rc;

	*v = 0;
	if ((s = store_prep(st, "SELECT count(*) FROM sqlite_master "
	    "WHERE type = 'table' AND name = 'meta'")) == NULL)
		return (-1);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_finalize(s);
		return (store_fail(st, "schema"));
	}
	rc = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (rc == 0)
		return (0);
	if ((s = store_prep(st, "SELECT value FROM meta WHERE key = 'schema_version'")) == NULL)
		return (-1);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		*v = atoi((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return (rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_fail(st, "schema"));
}

/*
 * migrate_keys - what version 6 needs the key for: receipt PINs kept as
 * their keyed hash, and the calls' Call-IDs (often the caller's host)
 * replaced by their tag (store_call_tag)
 */
static int
migrate_keys(struct store *st)
{
	sqlite3_stmt	*s, *u;
	char		 h[33];
	int		 rc;

	if ((s = store_prep(st, "SELECT id, case_no, pin FROM cases WHERE "
	    "pin != ''")) == NULL)
		return (-1);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		store_pin_hash((const char *)sqlite3_column_text(s, 1),
		    (const char *)sqlite3_column_text(s, 2), h);
		if ((u = store_prep(st, "UPDATE cases SET pin = '', pin_hash = ? "
		    "WHERE id = ?")) == NULL)
			break;
		store_bind_text(u, 1, h);
		sqlite3_bind_int64(u, 2, sqlite3_column_int64(s, 0));
		if (store_step_done(st, u) < 0)
			break;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return (rc == SQLITE_ROW ? -1 : store_fail(st, "migrate"));
	if ((s = store_prep(st, "SELECT id, call_id FROM calls")) == NULL)
		return (-1);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		char	 tag[STORE_CALL_TAG];

		store_call_tag((const char *)sqlite3_column_text(s, 1), tag);
		if ((u = store_prep(st, "UPDATE calls SET call_id = ? WHERE "
		    "id = ?")) == NULL)
			break;
		store_bind_text(u, 1, tag);
		sqlite3_bind_int64(u, 2, sqlite3_column_int64(s, 0));
		if (store_step_done(st, u) < 0)
			break;
	}
	sqlite3_finalize(s);
	return (rc == SQLITE_DONE ? 0 : rc == SQLITE_ROW ? -1 :
	    store_fail(st, "migrate"));
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

/* migrate - bring the schema up to SCHEMA_VERSION in one transaction */
static int
migrate(struct store *st)
{
	int	 v, i;
	char	 sql[128];

	if (schema_version(st, &v) < 0)
		return (-1);
	if (v == SCHEMA_VERSION)
		return (0);
	if (v > SCHEMA_VERSION)
		return (store_refuse(st, "the store's schema is newer than this "
		    "program (version %s): upgrade jubao", ""));
	if (store_exec(st, "BEGIN IMMEDIATE") < 0)
		return (-1);
	/* another process may have migrated while we waited for the lock */
	if (schema_version(st, &v) < 0)
		goto rollback;
	for (i = v; i < SCHEMA_VERSION; i++)
		if (store_exec(st, migrations[i]) < 0 ||
		    (i == 5 && migrate_keys(st) < 0))
			goto rollback;
	snprintf(sql, sizeof(sql), "INSERT OR REPLACE INTO meta (key, value) "
	    "VALUES ('schema_version', '%d')", SCHEMA_VERSION);
	if (store_exec(st, sql) < 0 || store_exec(st, "COMMIT") < 0)
		goto rollback;
	return (0);
rollback:
	store_rollback(st);
	return (-1);
}

/*
 * store_open - open (creating if needed) and migrate; 0, or -1 with a
 * message in err and *out NULL.  The caller closes it with store_close.
 */
int
store_open(const char *path, long busy_timeout, struct store **out, buf *err)
{
	struct store	*st = xcalloc(1, sizeof(*st));
	char		 pragma[96];

	*out = NULL;
	/* 承诺书-5: no handle without the key that seals reporters' identity */
	if ((st->keys = crypt_get()) == NULL) {
		buf_printf(err, "store %s: no key_file loaded (a bug: call "
		    "store_keys_load first)", path);
		free(st);
		return (-1);
	}
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		buf_printf(err, "store %s: %s", path,
		    st->db ? sqlite3_errmsg(st->db) : "cannot open");
		goto fail;
	}
	sqlite3_busy_timeout(st->db, (int)(busy_timeout * 1000));
	snprintf(pragma, sizeof(pragma), "PRAGMA busy_timeout = %ld",
	    busy_timeout * 1000);
	/* WAL: readers (jubaoctl) never block the writers; FULL: a commit
	 * that returned is on disk, since Postfix deletes its copy after it. */
	if (store_exec(st, pragma) < 0 ||
	    store_exec(st, "PRAGMA journal_mode = WAL") < 0 ||
	    store_exec(st, "PRAGMA synchronous = FULL") < 0 ||
	    store_exec(st, "PRAGMA foreign_keys = ON") < 0 ||
	    migrate(st) < 0) {
		buf_printf(err, "store %s: %s", path, st->err);
		goto fail;
	}
	st->uid = -1;
	*out = st;
	return (0);
fail:
	sqlite3_close(st->db);
	free(st);
	return (-1);
}

/* store_close - close the handle */
void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	sqlite3_close(st->db);
	free(st);
}

/* store_schema_version - the schema version this file has; -1 on error */
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

/* store_add_event - append to the ledger */
int
store_add_event(struct store *st, long long case_id, time_t at, const char *actor,
    const char *action, const char *detail)
{
	sqlite3_stmt	*s;

	if ((s = store_prep(st, "INSERT INTO events (case_id, at, actor, action, "
	    "detail, uid) VALUES (?, ?, ?, ?, ?, ?)")) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_int64(s, 2, at);
	store_bind_text(s, 3, actor);
	store_bind_text(s, 4, action);
	store_bind_text(s, 5, detail);
	if (st->uid >= 0)
		sqlite3_bind_int64(s, 6, st->uid);
	else
		sqlite3_bind_null(s, 6);
	return (store_step_done(st, s));
}

/*
 * store_evidence_open - the n-th evidence item of a case (1-based, in the
 * order show lists them), its opening recorded in the ledger first, by
 * actor.  -1 with store_busy() 0 when there is no such case or item, or
 * its file was deleted at purge.
 */
int
store_evidence_open(struct store *st, const char *case_no, long n,
    const char *actor, struct store_evidence *ev)
{
	sqlite3_stmt	*s;
	long long	 case_id = 0;
	char		 detail[512];
	int		 rc;

	memset(ev, 0, sizeof(*ev));
	if (store_exec(st, "BEGIN IMMEDIATE") < 0)
		return (-1);
	if ((s = store_prep(st, "SELECT c.id, e.name, e.type, e.size, e.sha256, "
	    "COALESCE(e.file, e.sha256), e.note FROM cases c JOIN evidence e ON "
	    "e.case_id = c.id WHERE c.case_no = ? ORDER BY e.id LIMIT 1 "
	    "OFFSET ?")) == NULL)
		goto rollback;
	store_bind_text(s, 1, case_no);
	sqlite3_bind_int64(s, 2, n - 1);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		case_id = sqlite3_column_int64(s, 0);
		snprintf(ev->name, sizeof(ev->name), "%s", sqlite3_column_text(s, 1));
		snprintf(ev->type, sizeof(ev->type), "%s", sqlite3_column_text(s, 2));
		ev->size = sqlite3_column_int64(s, 3);
		snprintf(ev->sha256, sizeof(ev->sha256), "%s",
		    sqlite3_column_text(s, 4));
		snprintf(ev->file, sizeof(ev->file), "%s", sqlite3_column_text(s, 5));
		ev->purged = sqlite3_column_text(s, 6) != NULL && strncmp((const
		    char *)sqlite3_column_text(s, 6), "purged", 6) == 0;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_fail(st, "evidence");
		goto rollback;
	}
	if (case_id == 0 || n < 1) {
		store_refuse(st, "case %s has no such evidence item", case_no);
		goto rollback;
	}
	if (ev->purged) {
		store_refuse(st, "the file of this item of case %s was deleted "
		    "at purge", case_no);
		goto rollback;
	}
	snprintf(detail, sizeof(detail), "item %ld: %.200s (sha256 %.16s)", n,
	    ev->name, ev->sha256);
	if (store_add_event(st, case_id, time(NULL), actor, "evidence_opened",
	    detail) < 0 || store_exec(st, "COMMIT") < 0)
		goto rollback;
	return (0);
rollback:
	store_rollback(st);
	return (-1);
}

/* find_duplicate - the case a message with this hash and ID went to */
static int
find_duplicate(struct store *st, const struct report *r, char *case_no,
    size_t len)
{
	sqlite3_stmt	*s;
	int		 rc;

	case_no[0] = '\0';
	if ((s = store_prep(st, "SELECT c.case_no FROM messages m JOIN cases c "
	    "ON c.id = m.case_id WHERE m.content_hash = ? AND m.message_id = ?")) == NULL)
		return (-1);
	store_bind_text(s, 1, r->content_hash);
	store_bind_text(s, 2, r->message_id ? r->message_id : "");
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		snprintf(case_no, len, "%s", sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return (rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_fail(st, "dedupe"));
}

/*
 * store_find_case - id, status and missing elements of a case; id 0 if
 * none, or if sender (when not NULL) is not the reporter's: the envelope
 * sender the case came from, or the address its acknowledgement went to.
 * Anyone can read a case number; only its reporter may act on the case.
 */
int
store_find_case(struct store *st, const char *case_no, const char *sender,
    long long *id, char *status, size_t slen, unsigned *missing)
{
	sqlite3_stmt	*s;
	char		 idx[33];
	int		 rc;

	*id = 0;
	if ((s = store_prep(st, "SELECT c.id, c.status, c.missing FROM cases c "
	    "LEFT JOIN reporters r ON r.case_id = c.id WHERE c.case_no = ? "
	    "AND (? IS NULL OR r.sender_idx = ? OR EXISTS (SELECT 1 FROM "
	    "outbox o WHERE o.case_id = c.id AND o.kind = 'ack' AND "
	    "o.recipient_idx = ?))")) == NULL)
		return (-1);
	store_index(st, sender ? sender : "", idx);
	store_bind_text(s, 1, case_no);
	store_bind_text(s, 2, sender);
	store_bind_text(s, 3, idx);
	store_bind_text(s, 4, idx);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*id = sqlite3_column_int64(s, 0);
		if (status)
			snprintf(status, slen, "%s", sqlite3_column_text(s, 1));
		if (missing)
			*missing = (unsigned)sqlite3_column_int(s, 2);
	}
	sqlite3_finalize(s);
	return (rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_fail(st, "case"));
}

/* next_case_no - allocate today's next number inside the transaction */
static int
next_case_no(struct store *st, time_t now, char *out, size_t len)
{
	sqlite3_stmt	*s;
	struct tm	 tm;
	char		 day[16];
	long		 n;

	localtime_r(&now, &tm);
	strftime(day, sizeof(day), "%Y%m%d", &tm);
	if ((s = store_prep(st, "INSERT INTO case_seq (day, n) VALUES (?, 1) "
	    "ON CONFLICT (day) DO UPDATE SET n = case_seq.n + 1")) == NULL)
		return (-1);
	store_bind_text(s, 1, day);
	if (store_step_done(st, s) < 0)
		return (-1);
	if ((s = store_prep(st, "SELECT n FROM case_seq WHERE day = ?")) == NULL)
		return (-1);
	store_bind_text(s, 1, day);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_finalize(s);
		return (store_fail(st, "case_seq"));
	}
	n = (long)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (caseno_format(out, len, now, n) < 0)
		return (store_refuse(st, "cannot format case number%s", ""));
	return (0);
}

/* store_add_message - record the message (for dedupe and reading); its row id */
int
store_add_message(struct store *st, long long case_id, const char *kind,
    const struct report *r, long long *msg_id)
{
	sqlite3_stmt	*s;

	if ((s = store_prep(st, "INSERT INTO messages (case_id, kind, message_id, "
	    "content_hash, queue_id, subject, body, auto_reason, received_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, case_id);
	store_bind_text(s, 2, kind);
	store_bind_text(s, 3, r->message_id ? r->message_id : "");
	store_bind_text(s, 4, r->content_hash);
	store_bind_text(s, 5, r->queue_id);
	store_bind_text(s, 6, r->subject ? r->subject : "");
	store_bind_text(s, 7, r->text ? r->text : "");
	store_bind_text(s, 8, r->auto_reason);
	sqlite3_bind_int64(s, 9, r->received_at);
	if (store_step_done(st, s) < 0)
		return (-1);
	*msg_id = sqlite3_last_insert_rowid(st->db);
	return (0);
}

/* add_parts - evidence and targets of one message */
static int
add_parts(struct store *st, long long case_id, long long msg_id,
    const struct report *r)
{
	sqlite3_stmt	*s;
	size_t		 i;

	for (i = 0; i < r->nev; i++) {
		if ((s = store_prep(st, "INSERT INTO evidence (case_id, message, name, "
		    "type, size, sha256, note, original, file) "
		    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) == NULL)
			return (-1);
		sqlite3_bind_int64(s, 1, case_id);
		sqlite3_bind_int64(s, 2, msg_id);
		store_bind_text(s, 3, r->ev[i].name);
		store_bind_text(s, 4, r->ev[i].type);
		sqlite3_bind_int64(s, 5, (sqlite3_int64)r->ev[i].size);
		store_bind_text(s, 6, r->ev[i].sha256);
		store_bind_text(s, 7, r->ev[i].note);
		sqlite3_bind_int(s, 8, r->ev[i].original);
		store_bind_text(s, 9, *r->ev[i].file ? r->ev[i].file : NULL);
		if (store_step_done(st, s) < 0)
			return (-1);
	}
	for (i = 0; i < r->urls.n + r->accounts.n; i++) {
		int	 is_url = i < r->urls.n;

		if ((s = store_prep(st, "INSERT INTO targets (case_id, kind, value) "
		    "VALUES (?, ?, ?)")) == NULL)
			return (-1);
		sqlite3_bind_int64(s, 1, case_id);
		store_bind_text(s, 2, is_url ? "url" : "account");
		store_bind_text(s, 3, is_url ? r->urls.v[i] :
		    r->accounts.v[i - r->urls.n]);
		if (store_step_done(st, s) < 0)
			return (-1);
	}
	return (0);
}

/* store_missing_detail - "statement, contact" for the ledger */
void
store_missing_detail(unsigned missing, char *out, size_t len)
{
	unsigned	 bit;
	size_t		 used = 0;

	out[0] = '\0';
	for (bit = 1; bit <= ELEM_GUARANTEE; bit <<= 1)
		if ((missing & bit) && used < len)
			used += (size_t)snprintf(out + used, len - used, "%s%s",
			    used ? ", " : "", elem_key(bit));
}

/* acks_today - acknowledgements queued or sent to one recipient in 24 h */
static int
acks_today(struct store *st, const char *rcpt, time_t now, long *n)
{
	sqlite3_stmt	*s;

	if ((s = store_prep(st, "SELECT count(*) FROM outbox WHERE recipient_idx = ? "
	    "AND created_at >= ? AND kind IN ('ack', 'supplement') "
	    "AND status IN ('queued', 'sent')")) == NULL)
		return (-1);
	{
		char	 idx[33];

		store_index(st, rcpt, idx);
		store_bind_text(s, 1, idx);
	}
	sqlite3_bind_int64(s, 2, now - 86400);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_finalize(s);
		return (store_fail(st, "rate"));
	}
	*n = (long)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return (0);
}

/*
 * store_outbox_insert - one outbox row; the recipient (the reporter) and the
 * message (which names them) are sealed, the recipient also blind-indexed
 * for the daily limit.  0 or -1.
 */
int
store_outbox_insert(struct store *st, long long case_id, const char *kind,
    const char *channel, const char *recipient, const char *env_from,
    const char *message_id, const char *message, const char *status,
    const char *reason, time_t now)
{
	sqlite3_stmt	*s;
	char		*srcpt, *smsg, idx[33];
	int		 rc;

	if ((s = store_prep(st, "INSERT INTO outbox (case_id, kind, channel, "
	    "recipient, recipient_idx, env_from, message_id, message, status, "
	    "reason, next_at, created_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) == NULL)
		return (-1);
	srcpt = store_seal(st, recipient);
	smsg = store_seal(st, message);
	store_index(st, recipient, idx);
	sqlite3_bind_int64(s, 1, case_id);
	store_bind_text(s, 2, kind);
	store_bind_text(s, 3, channel);
	store_bind_text(s, 4, srcpt);
	store_bind_text(s, 5, recipient ? idx : NULL);
	store_bind_text(s, 6, env_from ? env_from : "");
	store_bind_text(s, 7, message_id ? message_id : "");
	store_bind_text(s, 8, smsg);
	store_bind_text(s, 9, status);
	store_bind_text(s, 10, reason);
	sqlite3_bind_int64(s, 11, now);
	sqlite3_bind_int64(s, 12, now);
	rc = store_step_done(st, s);
	free(srcpt);
	free(smsg);
	return (rc);
}

/* queue_msg - insert an outbox row, queued or suppressed, and its event */
static int
queue_msg(struct store *st, long long case_id, struct store_msg *m,
    long daily_limit, time_t now, const char *actor, char *status, size_t slen)
{
	long		 sent = 0;
	char		 why[128];

	if (m->recipient == NULL && m->suppress == NULL)
		m->suppress = xstrdup("no address to reply to");
	if (m->suppress == NULL && daily_limit > 0) {
		if (acks_today(st, m->recipient, now, &sent) < 0)
			return (-1);
		if (sent >= daily_limit) {
			snprintf(why, sizeof(why), "rate limit: %ld "
			    "acknowledgements to this reporter in 24 hours",
			    sent);
			m->suppress = xstrdup(why);
		}
	}
	if (store_outbox_insert(st, case_id, m->kind, "email", m->recipient,
	    m->env_from, m->message_id, m->message, m->suppress ? "suppressed" :
	    "queued", m->suppress, now) < 0)
		return (-1);
	snprintf(status, slen, "%s", m->suppress ? "suppressed" : "queued");
	snprintf(why, sizeof(why), "%s_%s", m->kind,
	    m->suppress ? "suppressed" : "queued");
	return (store_add_event(st, case_id, now, actor, why, m->suppress ?
	    m->suppress : m->detail));
}

/* store_msg_clear - release what a render callback filled in */
static void
store_msg_clear(struct store_msg *m)
{
	free(m->recipient);
	free(m->env_from);
	free(m->message_id);
	free(m->message);
	free(m->suppress);
	free(m->detail);
	memset(m, 0, sizeof(*m));
}

/* new_case - insert a case, its reporter, message, parts and events */
static int
new_case(struct store *st, struct report *r, const char *actor,
    char *case_no, size_t len, const char *pin, long long *case_id)
{
	sqlite3_stmt	*s;
	long long	 msg_id;
	char		 detail[256];
	const char	*status;
	size_t		 i;
	buf		 phones = { 0 };

	if (next_case_no(st, r->received_at, case_no, len) < 0)
		return (-1);
	status = r->enterprise && r->missing ? "awaiting_materials" : "received";
	if ((s = store_prep(st, "INSERT INTO cases (case_no, channel, status, "
	    "category, priority, enterprise, received_at, deadline, subject, "
	    "body, lang, spf, spf_domain, missing, pin, pin_hash, updated_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?)")) == NULL)
		return (-1);
	store_bind_text(s, 1, case_no);
	store_bind_text(s, 2, r->channel);
	store_bind_text(s, 3, status);
	store_bind_text(s, 4, r->category ? r->category : "other");
	sqlite3_bind_int(s, 5, r->priority);
	sqlite3_bind_int(s, 6, r->enterprise);
	sqlite3_bind_int64(s, 7, r->received_at);
	sqlite3_bind_int64(s, 8, r->received_at + r->deadline_secs);
	store_bind_text(s, 9, r->subject ? r->subject : "");
	store_bind_text(s, 10, r->text ? r->text : "");
	store_bind_text(s, 11, r->lang ? r->lang : "zh-CN");
	store_bind_text(s, 12, r->spf);
	store_bind_text(s, 13, r->spf_domain);
	sqlite3_bind_int(s, 14, (int)r->missing);
	{
		/* the PIN itself went to the reporter: only its keyed hash
		 * stays (issue "Hostile senders", finding 10) */
		char	 h[33];

		store_pin_hash(case_no, pin, h);
		store_bind_text(s, 15, h);
	}
	sqlite3_bind_int64(s, 16, r->received_at);
	if (store_step_done(st, s) < 0)
		return (-1);
	*case_id = sqlite3_last_insert_rowid(st->db);

	for (i = 0; i < r->phones.n; i++)
		buf_printf(&phones, "%s%s", i ? ", " : "", r->phones.v[i]);
	if ((s = store_prep(st, "INSERT INTO reporters (case_id, address, name, "
	    "phone, client_addr, address_idx, client_idx, sender_idx) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) == NULL) {
		buf_free(&phones);
		return (-1);
	}
	{
		/* 承诺书-5: who reported is sealed; only a blind index is open */
		char	*v[4], aidx[33], cidx[33], sidx[33];
		int	 k;

		v[0] = store_seal(st, r->from_addr);
		v[1] = store_seal(st, r->reporter_name ? r->reporter_name :
		    r->from_name);
		v[2] = store_seal(st, phones.s);
		v[3] = store_seal(st, r->client_addr);
		store_index(st, r->from_addr ? r->from_addr :
		    (phones.s ? r->phones.v[0] : NULL), aidx);
		store_index(st, r->client_addr, cidx);
		store_index(st, r->env_from && *r->env_from ? r->env_from :
		    NULL, sidx);
		sqlite3_bind_int64(s, 1, *case_id);
		for (k = 0; k < 4; k++)
			store_bind_text(s, 2 + k, v[k]);
		store_bind_text(s, 6, *aidx ? aidx : NULL);
		store_bind_text(s, 7, *cidx ? cidx : NULL);
		store_bind_text(s, 8, *sidx ? sidx : NULL);
		for (k = 0; k < 4; k++)
			free(v[k]);
	}
	buf_free(&phones);
	if (store_step_done(st, s) < 0)
		return (-1);

	if (store_add_message(st, *case_id, "report", r, &msg_id) < 0 ||
	    add_parts(st, *case_id, msg_id, r) < 0)
		return (-1);
	snprintf(detail, sizeof(detail), "channel %s, category %s, %zu "
	    "evidence item(s), spf %s%s%s", r->channel, r->category, r->nev,
	    r->spf, r->queue_id ? ", queue id " : "",
	    r->queue_id ? r->queue_id : "");
	if (store_add_event(st, *case_id, r->received_at, actor, "received", detail) < 0)
		return (-1);
	if (r->enterprise && r->missing) {
		store_missing_detail(r->missing, detail, sizeof(detail));
		if (store_add_event(st, *case_id, r->received_at, actor,
		    "materials_missing", detail) < 0)
			return (-1);
	}
	for (i = 0; i < r->notes.n; i++)
		if (store_add_event(st, *case_id, r->received_at, actor, "parse_note",
		    r->notes.v[i]) < 0)
			return (-1);
	return (0);
}

/* supplement - join a report to its case; re-check the elements */
static int
supplement(struct store *st, struct report *r, const char *actor,
    long long case_id, const char *status, unsigned old_missing,
    unsigned *missing)
{
	sqlite3_stmt	*s;
	long long	 msg_id;
	char		 detail[256];
	size_t		 i;

	if (store_add_message(st, case_id, "supplement", r, &msg_id) < 0 ||
	    add_parts(st, case_id, msg_id, r) < 0)
		return (-1);
	/* an element present in either the case or the supplement is there */
	*missing = old_missing & (r->enterprise ? r->missing : old_missing);
	snprintf(detail, sizeof(detail), "%zu evidence item(s)%s%s", r->nev,
	    r->queue_id ? ", queue id " : "", r->queue_id ? r->queue_id : "");
	if (store_add_event(st, case_id, r->received_at, actor, "supplement", detail) < 0)
		return (-1);
	for (i = 0; i < r->notes.n; i++)
		if (store_add_event(st, case_id, r->received_at, actor, "parse_note",
		    r->notes.v[i]) < 0)
			return (-1);
	if (*missing != old_missing) {
		store_missing_detail(*missing, detail, sizeof(detail));
		if (store_add_event(st, case_id, r->received_at, actor,
		    *missing ? "materials_missing" : "materials_complete",
		    *missing ? detail : NULL) < 0)
			return (-1);
	}
	if ((s = store_prep(st, "UPDATE cases SET missing = ?, status = ?, "
	    "updated_at = ? WHERE id = ?")) == NULL)
		return (-1);
	sqlite3_bind_int(s, 1, (int)*missing);
	store_bind_text(s, 2, strcmp(status, "awaiting_materials") == 0 &&
	    *missing == 0 ? "received" : status);
	sqlite3_bind_int64(s, 3, r->received_at);
	sqlite3_bind_int64(s, 4, case_id);
	return (store_step_done(st, s));
}

/* store_set_flood - caps on reports per reporter and per client address */
void
store_set_flood(struct store *st, long rep_hour, long rep_day, long cli_hour,
    long cli_day)
{
	st->flood[0] = rep_hour;
	st->flood[1] = rep_day;
	st->flood[2] = cli_hour;
	st->flood[3] = cli_day;
}

/* count_recent - cases since t from the same reporter or client (blind index) */
static int
count_recent(struct store *st, const char *col, const char *idx, time_t since,
    long long self, long *n)
{
	sqlite3_stmt	*s;
	char		 sql[256];

	*n = 0;
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM reporters r JOIN cases c "
	    "ON c.id = r.case_id WHERE r.%s = ? AND c.received_at >= ? AND "
	    "c.id != ?", col);
	if ((s = store_prep(st, sql)) == NULL)
		return (-1);
	store_bind_text(s, 1, idx);
	sqlite3_bind_int64(s, 2, since);
	sqlite3_bind_int64(s, 3, self);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_finalize(s);
		return (store_fail(st, "flood"));
	}
	*n = (long)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return (0);
}

/*
 * flood_check - is this new case over a cap (per reporter, per client
 * address; per hour, per day)?  Then it is marked flood with an event, and
 * why in out; "" when not.  The case is kept either way.
 */
static int
flood_check(struct store *st, const struct report *r, long long case_id,
    const char *actor, char *out, size_t len)
{
	static const struct {
		int		 cap;
		const char	*col, *who, *per;
		long		 secs;
	} caps[] = {
		{ 0, "address_idx", "this reporter", "hour", 3600 },
		{ 1, "address_idx", "this reporter", "day", 86400 },
		{ 2, "client_idx", "this client address", "hour", 3600 },
		{ 3, "client_idx", "this client address", "day", 86400 },
	};
	sqlite3_stmt	*s;
	char		 idx[33];
	long		 n;
	size_t		 i;

	out[0] = '\0';
	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		const char *v = caps[i].cap < 2 ? (r->from_addr ? r->from_addr :
		    (r->phones.n ? r->phones.v[0] : NULL)) : r->client_addr;

		if (st->flood[caps[i].cap] <= 0 || v == NULL)
			continue;
		store_index(st, v, idx);
		if (count_recent(st, caps[i].col, idx, r->received_at -
		    caps[i].secs, case_id, &n) < 0)
			return (-1);
		if (n >= st->flood[caps[i].cap]) {
			snprintf(out, len, "flood: %ld reports from %s in the "
			    "last %s (cap %ld)", n + 1, caps[i].who, caps[i].per,
			    st->flood[caps[i].cap]);
			break;
		}
	}
	if (*out == '\0')
		return (0);
	if ((s = store_prep(st, "UPDATE cases SET flood = 1 WHERE id = ?")) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, case_id);
	if (store_step_done(st, s) < 0)
		return (-1);
	return (store_add_event(st, case_id, r->received_at, actor, "flood", out));
}

/*
 * store_intake - commit a report in one transaction: a new case (number,
 * PIN, reporter, message, evidence, targets, events) or a supplement to the
 * case it names, and the acknowledgement render() builds.  A message
 * committed before (same content hash and Message-ID: a client retrying
 * after a tempfail) commits nothing and returns its case.  0 or -1.
 */
int
store_intake(struct store *st, struct report *r, long daily_limit,
    store_render_fn render, void *arg, struct store_intake_result *res)
{
	char		 flood[160] = "";
	long long	 case_id = 0;
	char		 status[32], pin[PIN_LEN + 1];
	unsigned	 old_missing = 0, missing;
	struct store_msg m = { 0 };
	sqlite3_stmt	*s;
	const char	*actor = strcmp(r->channel, "hotline") == 0 ?
			    "jubao-sipd" : "jubao-milter";
	time_t		 deadline;

	memset(res, 0, sizeof(*res));
	snprintf(res->ack_status, sizeof(res->ack_status), "none");
	if (store_exec(st, "BEGIN IMMEDIATE") < 0)
		return (-1);
	if (find_duplicate(st, r, res->case_no, sizeof(res->case_no)) < 0)
		goto rollback;
	if (res->case_no[0] != '\0') {
		res->duplicate = 1;
		return (store_exec(st, "COMMIT") < 0 ? -1 : 0);
	}
	/* a reply acts on its case only with proof that it answers a message
	 * we sent about it (case_ref: a good MAC) and from the reporter's own
	 * address; a case number in a subject is anyone's to write (issue
	 * "Hostile senders", finding 3) */
	if (r->case_ref[0] != '\0' && store_find_case(st, r->case_ref,
	    r->env_from ? r->env_from : "", &case_id, status, sizeof(status),
	    &old_missing) < 0)
		goto rollback;
	if (case_id != 0 && r->rating >= 1 && r->rating <= 5) {
		/* the reporter rates the outcome (满意度): recorded, not a supplement */
		long long	 msg_id;
		char		 detail[32];

		res->rated = r->rating;
		snprintf(res->case_no, sizeof(res->case_no), "%s", r->case_ref);
		if (store_add_message(st, case_id, "rating", r, &msg_id) < 0)
			goto rollback;
		if ((s = store_prep(st, "UPDATE cases SET satisfaction = ?, "
		    "updated_at = ? WHERE id = ?")) == NULL)
			goto rollback;
		sqlite3_bind_int(s, 1, r->rating);
		sqlite3_bind_int64(s, 2, r->received_at);
		sqlite3_bind_int64(s, 3, case_id);
		snprintf(detail, sizeof(detail), "%d of 5", r->rating);
		if (store_step_done(st, s) < 0 || store_add_event(st, case_id,
		    r->received_at, "reporter", "rating", detail) < 0 ||
		    store_exec(st, "COMMIT") < 0)
			goto rollback;
		return (0);
	}
	if (case_id != 0) {
		res->supplement = 1;
		snprintf(res->case_no, sizeof(res->case_no), "%s", r->case_ref);
		if (supplement(st, r, actor, case_id, status, old_missing,
		    &missing) < 0)
			goto rollback;
		if ((s = store_prep(st, "SELECT deadline FROM cases WHERE id = ?")) == NULL)
			goto rollback;
		sqlite3_bind_int64(s, 1, case_id);
		if (sqlite3_step(s) != SQLITE_ROW) {
			sqlite3_finalize(s);
			store_fail(st, "case");
			goto rollback;
		}
		deadline = (time_t)sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
		/* the PIN went to the reporter with the acknowledgement; only
		 * its hash is kept */
		pin[0] = '\0';
		m.kind = "supplement";
	} else {
		if (pin_generate(pin, sizeof(pin)) < 0) {
			store_refuse(st, "cannot generate a PIN%s", "");
			st->busy = 1;
			goto rollback;
		}
		if (new_case(st, r, actor, res->case_no, sizeof(res->case_no),
		    pin, &case_id) < 0)
			goto rollback;
		/* the same note and the same acknowledgement whether case N
		 * exists and whoever reported it: no oracle */
		if (r->case_ref[0] != '\0' || r->case_named[0] != '\0') {
			char	 note[256];

			snprintf(note, sizeof(note), "the message names case %s "
			    "but is not a reply to our message from its reporter's "
			    "address: opened as a new case", r->case_ref[0] ?
			    r->case_ref : r->case_named);
			if (store_add_event(st, case_id, r->received_at, actor,
			    "note", note) < 0)
				goto rollback;
		}
		missing = r->enterprise ? r->missing : 0;
		deadline = r->received_at + r->deadline_secs;
		m.kind = "ack";
		if (flood_check(st, r, case_id, actor, flood, sizeof(flood)) < 0)
			goto rollback;
	}
	if (render != NULL) {
		if (render(arg, r, res->case_no, pin, deadline, missing, &m) < 0) {
			store_refuse(st, "cannot render the acknowledgement%s", "");
			st->busy = 1;
			goto rollback;
		}
		/* 灌水举报 (工作规范 第十八条): kept, never lost, not answered */
		if (*flood && m.suppress == NULL)
			m.suppress = xstrdup(flood);
		if (queue_msg(st, case_id, &m, daily_limit, r->received_at,
		    actor, res->ack_status, sizeof(res->ack_status)) < 0)
			goto rollback;
	}
	if (store_exec(st, "COMMIT") < 0)
		goto rollback;
	store_msg_clear(&m);
	return (0);
rollback:
	store_rollback(st);
	store_msg_clear(&m);
	return (-1);
}

/* outbox_item_clear - release a claimed item */
void
outbox_item_clear(struct outbox_item *it)
{
	free(it->kind);
	free(it->recipient);
	free(it->env_from);
	free(it->message);
	memset(it, 0, sizeof(*it));
}

/* store_col_dup - a text column, copied, or NULL */
char *
store_col_dup(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return (t ? xstrdup((const char *)t) : NULL);
}

/*
 * store_outbox_claim - lease the next due message (queued, next_at passed,
 * no live lease) to owner until now + lease.  *found 0 when none is due.
 */
int
store_outbox_claim(struct store *st, const char *owner, time_t now, long lease,
    struct outbox_item *it, int *found)
{
	/* outbox_run delivers by mail: it claims only the email rows */
	return (store_outbox_claim_channel(st, "email", owner, now, lease, it,
	    found));
}

/*
 * store_outbox_claim_channel - store_outbox_claim for the rows of one
 * channel ("email", or "sip": the SIP MESSAGEs jubao-sipd sends).
 */
int
store_outbox_claim_channel(struct store *st, const char *channel,
    const char *owner, time_t now, long lease, struct outbox_item *it,
    int *found)
{
	sqlite3_stmt	*s;
	int		 rc;

	*found = 0;
	memset(it, 0, sizeof(*it));
	if (store_exec(st, "BEGIN IMMEDIATE") < 0)
		return (-1);
	if ((s = store_prep(st, "SELECT o.id, c.case_no, o.kind, o.recipient, "
	    "o.env_from, o.message, o.attempts, o.created_at FROM outbox o "
	    "JOIN cases c ON c.id = o.case_id WHERE o.status = 'queued' "
	    "AND o.next_at <= ? AND o.lease_until <= ? AND o.channel = ? "
	    "ORDER BY o.next_at, o.id LIMIT 1")) == NULL)
		goto rollback;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int64(s, 2, now);
	store_bind_text(s, 3, channel);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		it->id = (long)sqlite3_column_int64(s, 0);
		snprintf(it->case_no, sizeof(it->case_no), "%s",
		    sqlite3_column_text(s, 1));
		it->kind = store_col_dup(s, 2);
		it->recipient = store_unseal(st, (const char *)
		    sqlite3_column_text(s, 3));
		it->env_from = store_col_dup(s, 4);
		it->message = store_unseal(st, (const char *)
		    sqlite3_column_text(s, 5));
		it->attempts = sqlite3_column_int(s, 6);
		it->created_at = (time_t)sqlite3_column_int64(s, 7);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_fail(st, "claim");
		goto rollback;
	}
	if (rc == SQLITE_ROW) {
		if ((s = store_prep(st, "UPDATE outbox SET lease_until = ?, "
		    "lease_owner = ?, attempts = attempts + 1 WHERE id = ?")) == NULL)
			goto rollback;
		sqlite3_bind_int64(s, 1, now + lease);
		store_bind_text(s, 2, owner);
		sqlite3_bind_int64(s, 3, it->id);
		if (store_step_done(st, s) < 0)
			goto rollback;
		it->attempts++;
		*found = 1;
	}
	if (store_exec(st, "COMMIT") < 0)
		goto rollback;
	return (0);
rollback:
	store_rollback(st);
	outbox_item_clear(it);
	*found = 0;
	return (-1);
}

/* outbox_finish - set a row's state and log the event, in one transaction */
static int
outbox_finish(struct store *st, long id, const char *status, time_t next_at,
    const char *error, const char *action)
{
	sqlite3_stmt	*s;
	time_t		 now = time(NULL);

	if (store_exec(st, "BEGIN IMMEDIATE") < 0)
		return (-1);
	if ((s = store_prep(st, "UPDATE outbox SET status = ?, next_at = ?, "
	    "lease_until = 0, last_error = ?, reason = COALESCE(?, reason), "
	    "sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END "
	    "WHERE id = ?")) == NULL)
		goto rollback;
	store_bind_text(s, 1, status);
	sqlite3_bind_int64(s, 2, next_at);
	store_bind_text(s, 3, error);
	store_bind_text(s, 4, strcmp(status, "failed") == 0 ? error : NULL);
	store_bind_text(s, 5, status);
	sqlite3_bind_int64(s, 6, now);
	sqlite3_bind_int64(s, 7, id);
	if (store_step_done(st, s) < 0)
		goto rollback;
	if (action != NULL) {
		if ((s = store_prep(st, "INSERT INTO events (case_id, at, actor, "
		    "action, detail) SELECT case_id, ?, 'outbox', kind || ?, ? "
		    "FROM outbox WHERE id = ?")) == NULL)
			goto rollback;
		sqlite3_bind_int64(s, 1, now);
		store_bind_text(s, 2, action);
		store_bind_text(s, 3, error);
		sqlite3_bind_int64(s, 4, id);
		if (store_step_done(st, s) < 0)
			goto rollback;
	}
	if (store_exec(st, "COMMIT") < 0)
		goto rollback;
	return (0);
rollback:
	store_rollback(st);
	return (-1);
}

/* store_outbox_sent - the message was handed to the MTA */
int
store_outbox_sent(struct store *st, long id, time_t now)
{
	return (outbox_finish(st, id, "sent", now, NULL, "_sent"));
}

/* store_outbox_retry - a temporary failure: try again at next_at */
int
store_outbox_retry(struct store *st, long id, time_t next_at, const char *error)
{
	return (outbox_finish(st, id, "queued", next_at, error, "_deferred"));
}

/* store_outbox_failed - give up on the message, keeping the reason */
int
store_outbox_failed(struct store *st, long id, const char *error)
{
	return (outbox_finish(st, id, "failed", 0, error, "_failed"));
}

/* store_rfc3339 - Unix seconds as local RFC 3339 */
json_t *
store_rfc3339(time_t t)
{
	struct tm	 tm;
	char		 s[40], z[8];

	localtime_r(&t, &tm);
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(z, sizeof(z), "%z", &tm);	/* +0800 -> +08:00 */
	snprintf(s + strlen(s), sizeof(s) - strlen(s), "%.3s:%s", z, z + 3);
	return (json_string(s));
}

/* is_time_col - columns shown as RFC 3339 */
static int
is_time_col(const char *name)
{
	static const char *const cols[] = { "received_at", "deadline", "at",
	    "created_at", "sent_at", "next_at", "updated_at", "outcome_at",
	    "feedback_at", "closed_at", "purged_at", "until",
	    "last_received_at", NULL };
	size_t	 i;

	for (i = 0; cols[i]; i++)
		if (strcmp(cols[i], name) == 0)
			return (1);
	return (0);
}

/* store_row_json - one result row as an object keyed by column name */
json_t *
store_row_json(sqlite3_stmt *s)
{
	json_t		*o = json_object();
	int		 i, n = sqlite3_column_count(s);
	const char	*name;

	for (i = 0; i < n; i++) {
		name = sqlite3_column_name(s, i);
		switch (sqlite3_column_type(s, i)) {
		case SQLITE_NULL:
			json_object_set_new(o, name, json_null());
			break;
		case SQLITE_INTEGER:
			if (is_time_col(name))
				json_object_set_new(o, name,
				    sqlite3_column_int64(s, i) ?
				    store_rfc3339((time_t)sqlite3_column_int64(s, i)) :
				    json_null());
			else
				json_object_set_new(o, name,
				    json_integer(sqlite3_column_int64(s, i)));
			break;
		default:
			json_object_set_new(o, name, json_string(
			    (const char *)sqlite3_column_text(s, i)));
			break;
		}
	}
	return (o);
}

/* store_query_json - every row of a prepared statement into an array */
int
store_query_json(struct store *st, sqlite3_stmt *s, json_t **out)
{
	int	 rc;

	*out = json_array();
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		json_array_append_new(*out, store_row_json(s));
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		json_decref(*out);
		*out = NULL;
		return (store_fail(st, "query"));
	}
	return (0);
}

/* store_missing_json - element bits as an array of keys */
json_t *
store_missing_json(unsigned missing)
{
	json_t		*a = json_array();
	unsigned	 bit;

	for (bit = 1; bit <= ELEM_GUARANTEE; bit <<= 1)
		if (missing & bit)
			json_array_append_new(a, json_string(elem_key(bit)));
	return (a);
}

/* store_case_list - cases, newest first, optionally of one status */
int
store_case_list(struct store *st, const char *status, json_t **out)
{
	sqlite3_stmt	*s;
	size_t		 i;
	json_t		*o;

	if ((s = store_prep(st, "SELECT case_no AS \"case\", channel, status, "
	    "category, priority, received_at, deadline, subject, spf, missing "
	    "FROM cases WHERE (? IS NULL OR status = ?) "
	    "ORDER BY received_at DESC, id DESC")) == NULL)
		return (-1);
	store_bind_text(s, 1, status);
	store_bind_text(s, 2, status);
	if (store_query_json(st, s, out) < 0)
		return (-1);
	json_array_foreach(*out, i, o)
		json_object_set_new(o, "missing_elements", store_missing_json(
		    (unsigned)json_integer_value(json_object_get(o, "missing"))));
	json_array_foreach(*out, i, o)
		json_object_del(o, "missing");
	return (0);
}

/* store_sub_query - one list of a case, bound by case id, under key */
int
store_sub_query(struct store *st, json_t *c, long long id, const char *key,
    const char *sql)
{
	sqlite3_stmt	*s;
	json_t		*a;

	if ((s = store_prep(st, sql)) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, id);
	if (store_query_json(st, s, &a) < 0)
		return (-1);
	json_object_set_new(c, key, a);
	return (0);
}

/*
 * store_case_show - one case as a JSON object (DESIGN.md's fields); the
 * reporter's identity only with reveal, which is recorded as an event by
 * actor.  -1 with store_busy() 0 when there is no such case.
 */
int
store_case_show(struct store *st, const char *case_no, int reveal,
    const char *actor, json_t **out)
{
	sqlite3_stmt	*s;
	json_t		*c = NULL, *a, *v;
	long long	 id;
	size_t		 i;
	int		 rc;

	*out = NULL;
	if ((s = store_prep(st, "SELECT id, case_no AS \"case\", channel, status, "
	    "category, priority, enterprise, received_at, deadline, subject, "
	    "body AS text, lang, spf, spf_domain, missing, updated_at, flood "
	    "FROM cases WHERE case_no = ?")) == NULL)
		return (-1);
	store_bind_text(s, 1, case_no);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		c = store_row_json(s);
	sqlite3_finalize(s);
	if (rc == SQLITE_DONE)
		return (store_refuse(st, "no case %s", case_no));
	if (rc != SQLITE_ROW)
		return (store_fail(st, "show"));
	id = json_integer_value(json_object_get(c, "id"));
	json_object_set_new(c, "missing_elements", store_missing_json(
	    (unsigned)json_integer_value(json_object_get(c, "missing"))));
	json_object_del(c, "missing");
	json_object_set_new(c, "enterprise", json_boolean(
	    json_integer_value(json_object_get(c, "enterprise"))));

	if (reveal) {
		if (store_exec(st, "BEGIN IMMEDIATE") < 0)
			goto fail;
		if (store_add_event(st, id, time(NULL), actor, "reveal",
		    "reporter identity shown") < 0 || store_exec(st, "COMMIT") < 0) {
			store_rollback(st);
			goto fail;
		}
		if (store_sub_query(st, c, id, "reporter", "SELECT address, name, "
		    "phone, client_addr FROM reporters WHERE case_id = ?") < 0)
			goto fail;
		a = json_object_get(c, "reporter");
		v = json_array_size(a) ? json_incref(json_array_get(a, 0)) :
		    json_object();
		{
			static const char *const f[] = { "address", "name",
			    "phone", "client_addr", NULL };
			const char	*sealed;
			char		*plain;
			int		 k;

			for (k = 0; f[k]; k++)
				if ((sealed = json_string_value(json_object_get(v,
				    f[k]))) != NULL) {
					plain = store_unseal(st, sealed);
					json_object_set_new(v, f[k], json_string(plain));
					free(plain);
				}
		}
		json_object_set_new(c, "reporter", v);
	}
	if (store_sub_query(st, c, id, "targets", "SELECT kind, value FROM targets "
	    "WHERE case_id = ? ORDER BY id") < 0 ||
	    store_sub_query(st, c, id, "evidence", "SELECT name, type, size, sha256, "
	    "note, original FROM evidence WHERE case_id = ? ORDER BY id") < 0 ||
	    store_sub_query(st, c, id, "reports", "SELECT kind, message_id, queue_id, "
	    "subject, received_at, auto_reason FROM messages WHERE case_id = ? "
	    "ORDER BY id") < 0 ||
	    store_sub_query(st, c, id, "events", "SELECT at, actor, action, detail, "
	    "uid FROM events WHERE case_id = ? ORDER BY id") < 0 ||
	    store_sub_query(st, c, id, "messages", "SELECT id, kind, channel, status, "
	    "reason, attempts, created_at, sent_at, last_error, message_id "
	    "FROM outbox WHERE case_id = ? ORDER BY id") < 0)
		goto fail;
	/* urls and accounts as plain lists, as scripts expect */
	a = json_array();
	v = json_array();
	{
		json_t	*t;

		json_array_foreach(json_object_get(c, "targets"), i, t)
			json_array_append(strcmp(json_string_value(
			    json_object_get(t, "kind")), "url") == 0 ? a : v,
			    json_object_get(t, "value"));
	}
	json_object_set_new(c, "urls", a);
	json_object_set_new(c, "accounts", v);
	json_object_del(c, "targets");
	if (store_case_extra(st, c, id) < 0)
		goto fail;
	json_object_del(c, "id");
	*out = c;
	return (0);
fail:
	json_decref(c);
	return (-1);
}

/* store_message_get - the text of an outbox message; NULL if none */
int
store_message_get(struct store *st, long id, char **message)
{
	sqlite3_stmt	*s;
	int		 rc;

	*message = NULL;
	if ((s = store_prep(st, "SELECT message FROM outbox WHERE id = ?")) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*message = store_col_dup(s, 0);
	sqlite3_finalize(s);
	if (rc == SQLITE_DONE)
		return (store_refuse(st, "no message %s", ""));
	return (rc == SQLITE_ROW ? 0 : store_fail(st, "message"));
}

/*
 * store_case_category - the category key of a case whose reporter is
 * sender (store_find_case); "" when there is no such case, or sender is
 * not its reporter: nothing of a case may shape what anyone else's
 * message becomes (issue "Hostile senders", finding 3)
 */
int
store_case_category(struct store *st, const char *case_no, const char *sender,
    char *out, size_t len)
{
	sqlite3_stmt	*s;
	long long	 id;
	int		 rc;

	out[0] = '\0';
	if (store_find_case(st, case_no, sender ? sender : "", &id, NULL, 0,
	    NULL) < 0)
		return (-1);
	if (id == 0)
		return (0);
	if ((s = store_prep(st, "SELECT category FROM cases WHERE id = ?")) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		snprintf(out, len, "%s", sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return (rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_fail(st, "category"));
}

/*
 * store_outbox_add - queue (or record as suppressed, when suppress is not
 * NULL) one more message of a case on a channel ("email", "sip"), with
 * its event, in one transaction; an acknowledgement past daily_limit (0:
 * none) to the same recipient in 24 hours is suppressed.  0 or -1.
 */
int
store_outbox_add(struct store *st, const char *case_no, const char *kind,
    const char *channel, const char *recipient, const char *message,
    const char *suppress, long daily_limit, const char *actor)
{
	long long	 case_id;
	time_t		 now = time(NULL);
	char		 why[128], limit[128];
	long		 sent = 0;

	if (store_exec(st, "BEGIN IMMEDIATE") < 0)
		return (-1);
	if (store_find_case(st, case_no, NULL, &case_id, NULL, 0, NULL) < 0)
		goto rollback;
	if (case_id == 0) {
		store_refuse(st, "no case %s", case_no);
		goto rollback;
	}
	if (recipient == NULL && suppress == NULL)
		suppress = "no address to send to";
	/* a caller's number is whatever the From said: at most daily_limit
	 * acknowledgements to one number a day (finding 11) */
	if (suppress == NULL && daily_limit > 0 && strcmp(kind, "ack") == 0) {
		if (acks_today(st, recipient, now, &sent) < 0)
			goto rollback;
		if (sent >= daily_limit) {
			snprintf(limit, sizeof(limit), "rate limit: %ld "
			    "acknowledgements to this number in 24 hours", sent);
			suppress = limit;
		}
	}
	if (store_outbox_insert(st, case_id, kind, channel, recipient, NULL,
	    NULL, message, suppress ? "suppressed" : "queued", suppress, now) < 0)
		goto rollback;
	snprintf(why, sizeof(why), "%s_%s", kind,
	    suppress ? "suppressed" : "queued");
	if (store_add_event(st, case_id, now, actor, why, suppress) < 0 ||
	    store_exec(st, "COMMIT") < 0)
		goto rollback;
	return (0);
rollback:
	store_rollback(st);
	return (-1);
}

/*
 * store_call_log - one row of the hotline's call ledger: every call that
 * was answered, whether it made a case (case_no) or not (outcome
 * "abandoned", "too_short", ...).  No caller identity here.  0 or -1.
 */
int
store_call_log(struct store *st, const char *call_id, time_t started,
    time_t ended, const char *outcome, const char *case_no, const char *keys,
    long recorded_ms, const char *detail)
{
	sqlite3_stmt	*s;

	if ((s = store_prep(st, "INSERT INTO calls (call_id, started_at, ended_at, "
	    "outcome, case_id, keys, recorded_ms, detail) VALUES (?, ?, ?, ?, "
	    "(SELECT id FROM cases WHERE case_no = ?), ?, ?, ?)")) == NULL)
		return (-1);
	store_bind_text(s, 1, call_id);
	sqlite3_bind_int64(s, 2, started);
	sqlite3_bind_int64(s, 3, ended);
	store_bind_text(s, 4, outcome);
	store_bind_text(s, 5, case_no);
	store_bind_text(s, 6, keys ? keys : "");
	sqlite3_bind_int64(s, 7, recorded_ms);
	store_bind_text(s, 8, detail);
	return (store_step_done(st, s));
}
