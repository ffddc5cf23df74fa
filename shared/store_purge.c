/*
 * NAME
 *	store_purge - retention, and opening evidence
 * DESCRIPTION
 *	工作规范 第二十八条 keeps a case six months at least; after the
 *	configured retention the reporter's data of a closed case is
 *	pseudonymised: identity replaced by a pseudonym (a keyed hash, so the
 *	same reporter stays recognisable to the statistics and a copy of the
 *	store alone cannot re-identify them), texts rewritten without it, the
 *	evidence files deleted (their records stay).  Classification,
 *	targets, measures and the ledger stay.
 *
 *	The answers to status lookups (lookup.c: outbox rows of no case)
 *	lose their recipient, text, reason and last error a week after they
 *	were made, once sent or given up: nobody's case needs them.
 *
 *	A batch of cases a transaction (intake waits no longer than one
 *	batch: issue "Hostile senders", finding 8); the caller deletes the
 *	files a batch names after its commit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "extract.h"
#include "store_int.h"

/* pseudonym - "reporter-" and a keyed hash of the identity */
static void
pseudonym(const unsigned char *key, const char *identity, char *out,
    size_t len)
{
	unsigned char	 h[16];
	char		*lower = str_lower_ascii(xstrdup(identity ? identity : ""));
	size_t		 i;

	crypto_generichash(h, sizeof(h), (const unsigned char *)lower,
	    strlen(lower), key, CRYPT_KEYBYTES);
	free(lower);
	snprintf(out, len, "reporter-");
	for (i = 0; i < sizeof(h) && strlen(out) + 3 <= len; i++)
		snprintf(out + strlen(out), 3, "%02x", h[i]);
}

/*
 * redact - rewrite one text column of a case's rows without identity;
 * table, column and key are ours (constants), never input
 */
static int
redact(struct store *st, const char *table, const char *col, const char *key,
    long long case_id, const strlist *secrets)
{
	struct db_stmt	*q;
	char		 sel[160], upd[160], *r;
	const char	*v;
	int		 rc = 0;

	snprintf(sel, sizeof(sel), "SELECT id, %s FROM %s WHERE %s = $1", col,
	    table, key);
	snprintf(upd, sizeof(upd), "UPDATE %s SET %s = $1 WHERE id = $2", table,
	    col);
	if ((q = db_query(st->db, sel, "i", case_id)) == NULL)
		return (store_dbfail(st));
	while (rc == 0 && db_next(q) == DB_ROW) {
		if ((v = db_col_text(q, 1)) == NULL)
			continue;
		r = extract_redact(v, secrets);
		if (strcmp(r, v) != 0)
			rc = db_exec(st->db, upd, "ti", r, db_col_int(q, 0));
		free(r);
	}
	if (db_done(q) < 0 || rc < 0)
		return (store_dbfail(st));
	return (0);
}

/* secrets_of - every identity of a case's reporter, unsealed */
static int
secrets_of(struct store *st, long long id, strlist *secrets)
{
	struct db_stmt	*q;
	const char	*v;
	char		*copy, *tok, *save;
	int		 i;

	if ((q = db_query(st->db, "SELECT address, name, phone, client_addr "
	    "FROM reporters WHERE case_id = $1", "i", id)) == NULL)
		return (store_dbfail(st));
	if (db_next(q) == DB_ROW)
		for (i = 0; i < 4; i++) {
			if ((v = db_col_text(q, i)) == NULL || *v == '\0')
				continue;
			/* phones are stored "a, b" */
			copy = store_unseal(st, v);
			for (tok = strtok_r(copy, ",", &save); tok;
			    tok = strtok_r(NULL, ",", &save))
				if (*str_trim(tok))
					strlist_add_unique(secrets, str_trim(tok));
			free(copy);
		}
	if (db_done(q) < 0)
		return (store_dbfail(st));
	/* the recipients of our messages are the reporter too */
	if ((q = db_query(st->db, "SELECT DISTINCT recipient FROM outbox WHERE "
	    "case_id = $1 AND recipient IS NOT NULL", "i", id)) == NULL)
		return (store_dbfail(st));
	while (db_next(q) == DB_ROW) {
		copy = store_unseal(st, db_col_text(q, 0));
		strlist_add_unique(secrets, copy);
		free(copy);
	}
	return (db_done(q) < 0 ? store_dbfail(st) : 0);
}

/* purge_one - pseudonymise one case; its evidence files into files */
static int
purge_one(struct store *st, long long id, time_t now, const char *actor,
    strlist *files)
{
	struct db_stmt	*q;
	strlist		 secrets = { 0 }, mine = { 0 };
	char		 pseud[64];
	size_t		 i;
	int		 rc = -1;

	if (secrets_of(st, id, &secrets) < 0)
		goto out;
	pseudonym(st->keys->pseud, secrets.n ? secrets.v[0] : "", pseud,
	    sizeof(pseud));
	/* the blind indexes stay: a pseudonymised reporter still counts for
	 * the flood caps and "same reporter" until the rows age out */
	if (db_exec(st->db, "UPDATE reporters SET address = $1, name = NULL, "
	    "phone = NULL, client_addr = NULL WHERE case_id = $2", "ti", pseud,
	    id) < 0 ||
	    db_exec(st->db, "UPDATE outbox SET recipient = $1, message = NULL, "
	    "recipient_idx = NULL WHERE case_id = $2", "ti", pseud, id) < 0) {
		store_dbfail(st);
		goto out;
	}
	if (redact(st, "cases", "subject", "id", id, &secrets) < 0 ||
	    redact(st, "cases", "body", "id", id, &secrets) < 0 ||
	    redact(st, "messages", "subject", "case_id", id, &secrets) < 0 ||
	    redact(st, "messages", "body", "case_id", id, &secrets) < 0 ||
	    redact(st, "events", "detail", "case_id", id, &secrets) < 0 ||
	    redact(st, "outbox", "last_error", "case_id", id, &secrets) < 0)
		goto out;
	/* evidence files go; their records (name, type, size, hash) stay.
	 * A sealed file is the item's own; a plain one from before sealing
	 * was named by its hash and may be another case's too; a derived
	 * attachment has none (it goes with its original) */
	if ((q = db_query(st->db, "SELECT e.file FROM evidence e WHERE "
	    "e.case_id = $1 AND e.file IS NOT NULL UNION SELECT e.sha256 FROM "
	    "evidence e WHERE e.case_id = $1 AND e.file IS NULL AND "
	    "e.derived = 0 AND NOT EXISTS "
	    "(SELECT 1 FROM evidence o JOIN cases c ON c.id = o.case_id WHERE "
	    "o.sha256 = e.sha256 AND o.file IS NULL AND c.id <> e.case_id AND "
	    "c.purged_at IS NULL)", "i", id)) == NULL) {
		store_dbfail(st);
		goto out;
	}
	while (db_next(q) == DB_ROW)
		strlist_add(&mine, db_col_text(q, 0));
	if (db_done(q) < 0) {
		store_dbfail(st);
		goto out;
	}
	/* what the store keeps of them goes in this transaction */
	for (i = 0; i < mine.n; i++) {
		if (db_exec(st->db, "DELETE FROM evidence_data WHERE file = $1",
		    "t", mine.v[i]) < 0) {
			store_dbfail(st);
			goto out;
		}
		strlist_add_unique(files, mine.v[i]);
	}
	if (db_exec(st->db, "UPDATE evidence SET note = 'purged: file deleted' "
	    "WHERE case_id = $1", "i", id) < 0 ||
	    db_exec(st->db, "UPDATE cases SET purged_at = $1 WHERE id = $2", "ii",
	    (long long)now, id) < 0) {
		store_dbfail(st);
		goto out;
	}
	rc = ledger_add(st, id, now, actor, "purged", "reporter data "
	    "pseudonymised; evidence files deleted");
out:
	strlist_free(&secrets);
	strlist_free(&mine);
	return (rc);
}

/*
 * store_purge_count - the cases closed before 'before' and not yet
 * purged; the count, or -1
 */
long
store_purge_count(struct store *st, time_t before)
{
	long long	 n;

	if (db_int(st->db, &n, "SELECT count(*) FROM cases WHERE status = "
	    "'closed' AND closed_at < $1 AND purged_at IS NULL", "i",
	    (long long)before) < 0)
		return (store_dbfail(st));
	return ((long)n);
}

/*
 * store_purge_batch - pseudonymise up to max of the cases closed before
 * 'before', by actor, in one transaction; the evidence files to delete
 * are added to files (delete them: the batch is committed).  The cases
 * purged (0: none was left), or -1 (nothing of the batch is changed).
 * Deleted content is overwritten (the engine's secure delete).
 */
long
store_purge_batch(struct store *st, time_t before, time_t now, int max,
    const char *actor, strlist *files)
{
	struct db_stmt	*q;
	long long	 ids[64];
	int		 n = 0, i;

	if (max > (int)(sizeof(ids) / sizeof(ids[0])))
		max = (int)(sizeof(ids) / sizeof(ids[0]));
	if (db_erase_begin(st->db) < 0)
		return (store_dbfail(st));
	if (store_begin(st) < 0)
		return (-1);
	if (db_exec(st->db, "UPDATE outbox SET recipient = NULL, recipient_idx "
	    "= NULL, message = NULL, reason = NULL, last_error = NULL WHERE "
	    "case_id IS NULL AND status <> 'queued' AND created_at < $1 AND "
	    "(recipient IS NOT NULL OR last_error IS NOT NULL)", "i",
	    (long long)(now - 7 * 86400)) < 0)
		goto fail;
	if ((q = db_query(st->db, "SELECT id FROM cases WHERE status = 'closed' "
	    "AND closed_at < $1 AND purged_at IS NULL ORDER BY id LIMIT $2", "ii",
	    (long long)before, (long long)max)) == NULL)
		goto fail;
	while (n < max && db_next(q) == DB_ROW)
		ids[n++] = db_col_int(q, 0);
	if (db_done(q) < 0)
		goto fail;
	for (i = 0; i < n; i++)
		if (purge_one(st, ids[i], now, actor, files) < 0)
			goto rollback;
	if (store_commit(st) < 0)
		return (-1);
	return (n);
fail:
	store_dbfail(st);
rollback:
	store_rollback(st);
	return (-1);
}

/*
 * store_purge_finish - after the batches: the old page images of what was
 * purged leave the engine's log (SQLite: the WAL checkpointed and
 * truncated).  0 with *clean 0 when a reader kept them there (run it
 * again later), 0 with *clean 1, or -1.
 */
int
store_purge_finish(struct store *st, int *clean)
{
	if (db_erase_finish(st->db, clean) < 0)
		return (store_dbfail(st));
	return (0);
}

/*
 * store_evidence_open - the n-th evidence item of a case (1-based, in the
 * order show lists them), its opening recorded in the ledger by actor
 * first.  0 with the item in *ev, or -1: a refusal when there is no such
 * case or item, or its file was deleted at purge.
 */
int
store_evidence_open(struct store *st, const char *case_no, long n,
    const char *actor, time_t now, struct store_evidence *ev)
{
	struct db_stmt	*q;
	long long	 case_id = 0;
	char		 detail[512];
	int		 purged = 0;

	memset(ev, 0, sizeof(*ev));
	if (n < 1)
		return (store_refuse(st, "case %s has no such evidence item",
		    case_no));
	if (store_begin(st) < 0)
		return (-1);
	if ((q = db_query(st->db, "SELECT c.id, e.name, e.type, e.size, e.sha256, "
	    "COALESCE(e.file, e.sha256), e.note, e.derived, (SELECT "
	    "COALESCE(o.file, o.sha256) FROM evidence o WHERE o.message = "
	    "e.message AND o.original = 1 AND o.case_id = e.case_id ORDER BY "
	    "o.id LIMIT 1), e.original FROM cases c JOIN evidence e ON "
	    "e.case_id = c.id "
	    "WHERE c.case_no = $1 ORDER BY e.id LIMIT 1 OFFSET $2", "ti",
	    case_no, (long long)(n - 1))) == NULL)
		goto fail;
	if (db_next(q) == DB_ROW) {
		case_id = db_col_int(q, 0);
		snprintf(ev->name, sizeof(ev->name), "%s", db_col_text(q, 1));
		snprintf(ev->type, sizeof(ev->type), "%s", db_col_text(q, 2));
		ev->size = db_col_int(q, 3);
		snprintf(ev->sha256, sizeof(ev->sha256), "%s", db_col_text(q, 4));
		snprintf(ev->file, sizeof(ev->file), "%s", db_col_text(q, 5));
		purged = db_col_text(q, 6) != NULL &&
		    strncmp(db_col_text(q, 6), "purged", 6) == 0;
		ev->derived = (int)db_col_int(q, 7);
		snprintf(ev->original, sizeof(ev->original), "%s",
		    db_col_text(q, 8) ? db_col_text(q, 8) : "");
		ev->is_original = db_col_int(q, 9) != 0;
	}
	if (db_done(q) < 0)
		goto fail;
	if (case_id == 0) {
		store_refuse(st, "case %s has no such evidence item", case_no);
		goto rollback;
	}
	if (purged) {
		store_refuse(st, "the file of this item of case %s was deleted "
		    "at purge", case_no);
		goto rollback;
	}
	snprintf(detail, sizeof(detail), "item %ld: %.200s (sha256 %.16s)", n,
	    ev->name, ev->sha256);
	if (ledger_add(st, case_id, now, actor, "evidence_opened", detail) < 0)
		goto rollback;
	return (store_commit(st));
fail:
	store_dbfail(st);
rollback:
	store_rollback(st);
	return (-1);
}

/*
 * store_keeps_evidence - does the store hold evidence itself: with
 * PostgreSQL it does, so that every host (and jubaoctl anywhere) opens
 * it; SQLite is one host's, and its evidence stays in evidence_dir
 */
int
store_keeps_evidence(const struct store *st)
{
	return (strcmp(db_engine_name(st->db), "postgresql") == 0);
}

/*
 * store_evidence_data_put - an evidence file's sealed bytes into the store,
 * under its name, in the caller's transaction or (outside one) on their
 * own; 0 or -1
 */
int
store_evidence_data_put(struct store *st, const char *file, const void *data,
    size_t len)
{
	struct db_blob	 b = { data, len };

	if (db_exec(st->db, "INSERT INTO evidence_data (file, data) VALUES "
	    "($1, $2)", "tb", file, &b) < 0)
		return (store_dbfail(st));
	return (0);
}

/*
 * store_evidence_data_get - the sealed bytes the store holds under file
 * (caller frees *data): 1, 0 when it holds none (the file is in
 * evidence_dir), or -1
 */
int
store_evidence_data_get(struct store *st, const char *file, void **data,
    size_t *len)
{
	struct db_stmt	*q;
	const void	*p;
	int		 rc;

	*data = NULL;
	*len = 0;
	if ((q = db_query(st->db, "SELECT data FROM evidence_data WHERE file = "
	    "$1", "t", file)) == NULL)
		return (store_dbfail(st));
	db_want_bytes(q);
	if ((rc = db_next(q)) == DB_ROW) {
		p = db_col_blob(q, 0, len);
		*data = xmalloc(*len ? *len : 1);
		if (*len)
			memcpy(*data, p, *len);
	}
	if (db_done(q) < 0) {
		free(*data);
		*data = NULL;
		return (store_dbfail(st));
	}
	return (rc == DB_ROW);
}

/*
 * store_evidence_data_drop - the sealed bytes kept under file go (a report
 * that made no case; outside any transaction); 0 or -1
 */
int
store_evidence_data_drop(struct store *st, const char *file)
{
	if (db_exec(st->db, "DELETE FROM evidence_data WHERE file = $1", "t",
	    file) < 0)
		return (store_dbfail(st));
	return (0);
}
