/*
 * NAME
 *	store_copy - a whole store copied into an empty one, and verified
 * DESCRIPTION
 *	For a site that outgrows one host: an SQLite store copied into a
 *	PostgreSQL database (or any store into any empty one), every row
 *	with its id, sealed identities and keyed hashes unchanged (the same
 *	key_file opens them), in one transaction on the destination.  Then
 *	each table is read back on both sides in the same order, and its
 *	row count and a SHA-256 over its rows' text compared.  The
 *	destination must hold no case, call or outbox row.  Evidence files
 *	are not in the store: they stay in evidence_dir.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "store_int.h"

/* in an order that keeps every reference to a row already copied */
static const struct {
	const char	*name;
	const char	*order;
	int		 ids;		/* an identity id column */
} tables[] = {
	{ "meta", "key", 0 },
	{ "case_seq", "day", 0 },
	{ "cases", "id", 1 },
	{ "reporters", "case_id", 0 },
	{ "messages", "id", 1 },
	{ "evidence", "id", 1 },
	{ "targets", "id", 1 },
	{ "events", "id", 1 },
	{ "outbox", "id", 1 },
	{ "calls", "id", 1 },
	{ "measures", "id", 1 },
};
#define NTABLES	(sizeof(tables) / sizeof(tables[0]))
_Static_assert(NTABLES == STORE_COPY_TABLES, "store.h's STORE_COPY_TABLES");

/* the schema version is the destination's own (it was migrated) */
#define META_WHERE	" WHERE key <> 'schema_version'"

/* select_sql - every column of table t, in a stable order (caller frees) */
static char *
select_sql(size_t t, const char *cols)
{
	return (xasprintf("SELECT %s FROM %s%s ORDER BY %s", cols,
	    tables[t].name, t == 0 ? META_WHERE : "", tables[t].order));
}

/*
 * columns - the source's column list of table t ("a, b, c"), and which
 * are integers (ints[i], up to max); the count, or -1
 */
static int
columns(struct store *src, size_t t, buf *cols, int *ints, int max)
{
	struct db_stmt	*q;
	char		*sql = xasprintf("SELECT * FROM %s LIMIT 1",
			    tables[t].name);
	int		 i, n;

	q = db_query(src->db, sql, NULL);
	free(sql);
	if (q == NULL)
		return (store_dbfail(src));
	/* the shape is known once the statement ran, row or none */
	db_next(q);
	n = db_col_count(q);
	for (i = 0; i < n && i < max; i++) {
		buf_printf(cols, "%s%s", i ? ", " : "", db_col_name(q, i));
		ints[i] = db_col_is_int(q, i);
	}
	if (db_done(q) < 0)
		return (store_dbfail(src));
	if (n > max || n == 0)
		return (store_refuse(src, "table %s: %d columns", tables[t].name,
		    n));
	return (n);
}

/* copy_table - the rows of table t from src into dst; rows, or -1 */
static long
copy_table(struct store *dst, struct store *src, size_t t, const char *cols,
    const int *ints, int n, struct store **failed)
{
	struct db_stmt	*q, *ins;
	buf		 sql = { 0 };
	char		*sel = select_sql(t, cols);
	long		 rows = 0;
	int		 i, rc;

	buf_printf(&sql, "INSERT INTO %s (%s) VALUES (", tables[t].name, cols);
	for (i = 0; i < n; i++)
		buf_printf(&sql, ints[i] ? "%sCAST($%d AS BIGINT)" : "%s$%d",
		    i ? ", " : "", i + 1);
	buf_printf(&sql, ")");
	q = db_query(src->db, sel, NULL);
	free(sel);
	*failed = src;
	if (q == NULL) {
		buf_free(&sql);
		return (store_dbfail(src));
	}
	while ((rc = db_next(q)) == DB_ROW) {
		*failed = dst;
		if ((ins = db_prepare(dst->db, sql.s)) == NULL)
			break;
		for (i = 0; i < n; i++)
			db_bind_text(ins, i + 1, db_col_text(q, i));
		while ((rc = db_next(ins)) == DB_ROW)
			;
		if (db_done(ins) < 0)
			break;
		rows++;
	}
	buf_free(&sql);
	if (rc == DB_ROW) {
		db_done(q);
		return (store_dbfail(dst));
	}
	*failed = src;
	if (db_done(q) < 0 || rc < 0)
		return (store_dbfail(src));
	*failed = dst;
	if (tables[t].ids && db_ids_follow(dst->db, tables[t].name) < 0)
		return (store_dbfail(dst));
	return (rows);
}

/*
 * digest - the rows of table t in st: their count and a SHA-256 over
 * their values' text (NULL apart from ""); 0 or -1
 */
static int
digest(struct store *st, size_t t, const char *cols, int n, long *rows,
    char hex[65])
{
	crypto_hash_sha256_state h;
	unsigned char	 md[crypto_hash_sha256_BYTES];
	struct db_stmt	*q;
	const char	*v;
	char		*sel = select_sql(t, cols);
	int		 i, rc;

	*rows = 0;
	crypto_hash_sha256_init(&h);
	q = db_query(st->db, sel, NULL);
	free(sel);
	if (q == NULL)
		return (store_dbfail(st));
	while ((rc = db_next(q)) == DB_ROW) {
		for (i = 0; i < n; i++) {
			v = db_col_text(q, i);
			crypto_hash_sha256_update(&h, (const unsigned char *)
			    (v ? "v" : "n"), 1);
			if (v != NULL)
				crypto_hash_sha256_update(&h,
				    (const unsigned char *)v, strlen(v) + 1);
		}
		(*rows)++;
	}
	if (db_done(q) < 0 || rc < 0)
		return (store_dbfail(st));
	crypto_hash_sha256_final(&h, md);
	sodium_bin2hex(hex, 65, md, sizeof(md));
	return (0);
}

/*
 * store_copy - copy src into dst (empty) and verify; the tables' counts
 * and digests in out (NTABLES entries; *n set).  0, or -1 with the reason
 * in dst's or src's error (*failed says which handle holds it).
 */
int
store_copy(struct store *dst, struct store *src,
    struct store_copied out[STORE_COPY_TABLES], size_t *n,
    struct store **failed)
{
	long long	 have;
	long		 k;
	size_t		 t;
	int		 ints[64], nc[NTABLES];
	buf		 cols[NTABLES];
	char		 hex[65];
	int		 rc = -1;

	*n = 0;
	*failed = dst;
	memset(cols, 0, sizeof(cols));
	if (db_int(dst->db, &have, "SELECT (SELECT count(*) FROM cases) + "
	    "(SELECT count(*) FROM calls) + (SELECT count(*) FROM outbox)",
	    NULL) < 0) {
		store_dbfail(dst);
		goto out;
	}
	if (have > 0) {
		store_refuse(dst, "the destination store is not empty (%lld "
		    "cases, calls and messages): copy into a new database", have);
		goto out;
	}
	if (store_begin(dst) < 0)
		goto out;
	for (t = 0; t < NTABLES; t++) {
		*failed = src;
		if ((nc[t] = columns(src, t, &cols[t], ints, 64)) < 0) {
			store_rollback(dst);
			goto out;
		}
		if ((k = copy_table(dst, src, t, cols[t].s, ints, nc[t],
		    failed)) < 0) {
			store_rollback(dst);
			goto out;
		}
		out[t].table = tables[t].name;
		out[t].copied = k;
	}
	if (store_commit(dst) < 0)
		goto out;
	/* read back: what the destination holds is what the source holds */
	for (t = 0; t < NTABLES; t++) {
		*failed = src;
		if (digest(src, t, cols[t].s, nc[t], &out[t].rows, out[t].sha256)
		    < 0)
			goto out;
		*failed = dst;
		if (digest(dst, t, cols[t].s, nc[t], &k, hex) < 0)
			goto out;
		out[t].same = k == out[t].rows && out[t].copied == k &&
		    strcmp(hex, out[t].sha256) == 0;
		*n = t + 1;
		if (!out[t].same) {
			store_refuse(dst, "table %s differs after the copy: %ld "
			    "rows, %ld copied, %ld read back", tables[t].name,
			    out[t].rows, out[t].copied, k);
			goto out;
		}
	}
	rc = 0;
out:
	for (t = 0; t < NTABLES; t++)
		buf_free(&cols[t]);
	return (rc);
}
