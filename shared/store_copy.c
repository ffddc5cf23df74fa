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
 *	destination must hold no case, call or outbox row.  A destination
 *	that keeps evidence itself (store_keeps_evidence) takes every
 *	evidence file the source's rows name, sealed as it is, read by the
 *	caller's loader, in the same transaction; read back, each file's
 *	bytes are compared too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "store_int.h"

/* in an order that keeps every reference to a row already copied */
static const struct {
	const char	*name;
	const char	*order;		/* a unique key, to read in its order */
	int		 key_int;	/* it is an integer */
	int		 ids;		/* an identity id column */
} tables[] = {
	{ "meta", "key", 0, 0 },
	{ "case_seq", "day", 0, 0 },
	{ "cases", "id", 1, 1 },
	{ "reporters", "case_id", 1, 0 },
	{ "messages", "id", 1, 1 },
	{ "evidence", "id", 1, 1 },
	{ "targets", "id", 1, 1 },
	{ "events", "id", 1, 1 },
	{ "outbox", "id", 1, 1 },
	{ "calls", "id", 1, 1 },
	{ "measures", "id", 1, 1 },
	/* the accounts and the proposals go with the store; the sessions
	 * do not (a login on the new store) */
	{ "staff", "name", 0, 0 },
	{ "proposals", "id", 1, 1 },
	/* and the typical cases, published or not */
	{ "typical", "id", 1, 1 },
};
#define NTABLES	(sizeof(tables) / sizeof(tables[0]))
/* and a last line for the evidence files loaded */
_Static_assert(NTABLES + 1 == STORE_COPY_TABLES, "store.h's STORE_COPY_TABLES");

/* the schema version and the key's check are the destination's own (it
 * was migrated, and opened with the same key) */
#define META_WHERE	" WHERE key NOT IN ('schema_version', 'key_check')"

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

/* values a statement of the copy takes (SQLite's default limit was 999) */
#define COPY_VALUES	999
/* rows a page when a table is read back */
#define DIGEST_PAGE	10000

/* insert_sql - an INSERT of rows rows of table t (caller frees) */
static char *
insert_sql(size_t t, const char *cols, const int *ints, int n, int rows)
{
	buf	 sql = { 0 };
	int	 r, i;

	buf_printf(&sql, "INSERT INTO %s (%s) VALUES ", tables[t].name, cols);
	for (r = 0; r < rows; r++) {
		buf_printf(&sql, "%s(", r ? ", " : "");
		for (i = 0; i < n; i++)
			buf_printf(&sql, ints[i] ? "%sCAST($%d AS BIGINT)" :
			    "%s$%d", i ? ", " : "", r * n + i + 1);
		buf_printf(&sql, ")");
	}
	return (sql.s);
}

/* flush - insert the k values of v (rows of n) into dst; frees them; 0, -1 */
static int
flush(struct store *dst, size_t t, const char *cols, const int *ints, int n,
    char **v, int k)
{
	struct db_stmt	*ins;
	char		*sql = insert_sql(t, cols, ints, n, k / n);
	int		 i, rc = -1;

	if ((ins = db_prepare(dst->db, sql)) != NULL) {
		for (i = 0; i < k; i++)
			db_bind_text(ins, i + 1, v[i]);
		while (db_next(ins) == DB_ROW)
			;
		rc = db_done(ins);
	}
	for (i = 0; i < k; i++) {
		free(v[i]);
		v[i] = NULL;
	}
	free(sql);
	return (rc < 0 ? store_dbfail(dst) : 0);
}

/*
 * copy_table - the rows of table t from src into dst, COPY_VALUES values
 * an INSERT (a row at a time, a million cases cost a round trip each);
 * rows, or -1 with *failed the handle that failed
 */
static long
copy_table(struct store *dst, struct store *src, size_t t, const char *cols,
    const int *ints, int n, struct store **failed)
{
	struct db_stmt	*q;
	char		*sel = select_sql(t, cols), **v;
	int		 per = COPY_VALUES / n > 0 ? COPY_VALUES / n : 1;
	int		 i, k = 0, rc;
	long		 rows = 0;

	*failed = src;
	q = db_query(src->db, sel, NULL);
	free(sel);
	if (q == NULL)
		return (store_dbfail(src));
	v = xcalloc((size_t)per * n, sizeof(*v));
	while ((rc = db_next(q)) == DB_ROW) {
		for (i = 0; i < n; i++)
			v[k++] = db_col_dup(q, i);
		rows++;
		if (k == per * n) {
			*failed = dst;
			if (flush(dst, t, cols, ints, n, v, k) < 0)
				break;
			k = 0;
		}
	}
	if (rc == DB_ROW) {
		db_done(q);
		free(v);
		return (-1);
	}
	*failed = src;
	if (db_done(q) < 0 || rc < 0) {
		for (i = 0; i < k; i++)
			free(v[i]);
		free(v);
		return (store_dbfail(src));
	}
	*failed = dst;
	rc = k > 0 ? flush(dst, t, cols, ints, n, v, k) : 0;
	free(v);
	if (rc < 0)
		return (-1);
	if (tables[t].ids && db_ids_follow(dst->db, tables[t].name) < 0)
		return (store_dbfail(dst));
	return (rows);
}

/*
 * digest - the rows of table t in st: their count and a SHA-256 over
 * their values' text (NULL apart from ""), read a page at a time (a
 * PostgreSQL result is held whole); 0 or -1
 */
static int
digest(struct store *st, size_t t, const char *cols, int n, long *rows,
    char hex[65])
{
	crypto_hash_sha256_state h;
	unsigned char	 md[crypto_hash_sha256_BYTES];
	struct db_stmt	*q;
	const char	*v;
	char		*first, *next, *last = NULL;
	long		 got;
	int		 i, rc = 0;

	/* the key comes last in each row: where the next page starts */
	first = xasprintf("SELECT %s, %s FROM %s%s ORDER BY %s LIMIT %d", cols,
	    tables[t].order, tables[t].name, t == 0 ? META_WHERE : "",
	    tables[t].order, DIGEST_PAGE);
	next = xasprintf("SELECT %s, %s FROM %s WHERE %s%s > %s ORDER BY %s "
	    "LIMIT %d", cols, tables[t].order, tables[t].name, t == 0 ?
	    "key <> 'schema_version' AND " : "", tables[t].order, tables[t].key_int ?
	    "CAST($1 AS BIGINT)" : "$1", tables[t].order, DIGEST_PAGE);
	*rows = 0;
	crypto_hash_sha256_init(&h);
	do {
		if ((q = db_prepare(st->db, last ? next : first)) == NULL)
			break;
		if (last != NULL)
			db_bind_text(q, 1, last);
		got = 0;
		while ((rc = db_next(q)) == DB_ROW) {
			for (i = 0; i < n; i++) {
				v = db_col_text(q, i);
				crypto_hash_sha256_update(&h,
				    (const unsigned char *)(v ? "v" : "n"), 1);
				if (v != NULL)
					crypto_hash_sha256_update(&h,
					    (const unsigned char *)v,
					    strlen(v) + 1);
			}
			free(last);
			last = db_col_dup(q, n);
			got++;
		}
		if (db_done(q) < 0 || rc < 0)
			break;
		*rows += got;
	} while (got == DIGEST_PAGE);
	free(first);
	free(next);
	free(last);
	if (q == NULL || rc < 0)
		return (store_dbfail(st));
	crypto_hash_sha256_final(&h, md);
	sodium_bin2hex(hex, 65, md, sizeof(md));
	return (0);
}

/* names - the first column of sql's rows, into out; 0 or -1 */
static int
names(struct store *st, const char *sql, strlist *out)
{
	struct db_stmt	*q;

	if ((q = db_query(st->db, sql, NULL)) == NULL)
		return (store_dbfail(st));
	while (db_next(q) == DB_ROW)
		strlist_add(out, db_col_text(q, 0));
	if (db_done(q) < 0) {
		strlist_free(out);
		return (store_dbfail(st));
	}
	return (0);
}

/* hash_file - a file's name and bytes into the evidence digest */
static void
hash_file(crypto_hash_sha256_state *h, const char *file, const void *data,
    size_t len)
{
	crypto_hash_sha256_update(h, (const unsigned char *)file,
	    strlen(file) + 1);
	crypto_hash_sha256_update(h, data, len);
}

/*
 * load_evidence - the files the copied evidence rows name, into dst's
 * evidence_data, by load; their count, a SHA-256 over their names and
 * bytes in name order (hex), or -1 with *failed the handle that failed
 */
static long
load_evidence(struct store *dst, struct store *src, store_copy_load_fn load,
    void *arg, char hex[65], long *missing, struct store **failed)
{
	crypto_hash_sha256_state h;
	unsigned char	 md[crypto_hash_sha256_BYTES];
	strlist		 files = { 0 };
	void		*data;
	size_t		 len, i;
	long		 n = 0;
	int		 rc;

	*failed = src;
	/* a file from before sealing is named by its SHA-256 (file NULL) */
	if (names(src, "SELECT DISTINCT COALESCE(file, sha256) FROM evidence "
	    "WHERE derived = 0 AND (note IS NULL OR note NOT LIKE 'purged%') "
	    "ORDER BY 1", &files) < 0)
		return (-1);
	*failed = dst;
	crypto_hash_sha256_init(&h);
	for (i = 0; i < files.n; i++) {
		if ((rc = load(arg, files.v[i], &data, &len)) < 0) {
			store_fail(dst, 0, "evidence %s: cannot be read",
			    files.v[i]);
			break;
		}
		/* a file the source names but never had (or lost): there is
		 * nothing to copy; it is counted, and said */
		if (rc > 0) {
			(*missing)++;
			continue;
		}
		hash_file(&h, files.v[i], data, len);
		if (store_evidence_data_put(dst, files.v[i], data, len) < 0) {
			free(data);
			break;
		}
		free(data);
		n++;
	}
	if (i < files.n) {
		strlist_free(&files);
		return (-1);
	}
	crypto_hash_sha256_final(&h, md);
	sodium_bin2hex(hex, 65, md, sizeof(md));
	strlist_free(&files);
	return (n);
}

/* evidence_digest - the same SHA-256 over what dst keeps; 0 or -1 */
static int
evidence_digest(struct store *dst, long *n, char hex[65])
{
	crypto_hash_sha256_state h;
	unsigned char	 md[crypto_hash_sha256_BYTES];
	strlist		 files = { 0 };
	void		*data;
	size_t		 len, i;
	int		 rc = 0;

	*n = 0;
	if (names(dst, "SELECT file FROM evidence_data ORDER BY file",
	    &files) < 0)
		return (-1);
	crypto_hash_sha256_init(&h);
	for (i = 0; i < files.n && rc == 0; i++) {
		if ((rc = store_evidence_data_get(dst, files.v[i], &data,
		    &len)) <= 0) {
			rc = rc < 0 ? -1 : store_refuse(dst, "evidence %s went "
			    "away during the check", files.v[i]);
			break;
		}
		rc = 0;
		hash_file(&h, files.v[i], data, len);
		free(data);
		(*n)++;
	}
	strlist_free(&files);
	crypto_hash_sha256_final(&h, md);
	sodium_bin2hex(hex, 65, md, sizeof(md));
	return (rc);
}

/*
 * store_copy - copy src into dst (empty) and verify; the tables' counts
 * and digests in out (NTABLES entries; *n set).  0, or -1 with the reason
 * in dst's or src's error (*failed says which handle holds it).
 */
int
store_copy(struct store *dst, struct store *src,
    struct store_copied out[STORE_COPY_TABLES], size_t *n,
    store_copy_load_fn load, void *arg, struct store **failed)
{
	long long	 have;
	long		 k, files = 0, missing = 0;
	char		 evhex[65] = "";
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
	/* the statistics' rollup is the cases' own: made again from them */
	*failed = dst;
	if (store_rollup_rebuild(dst) < 0) {
		store_rollback(dst);
		goto out;
	}
	if (store_keeps_evidence(dst) && load != NULL &&
	    (files = load_evidence(dst, src, load, arg, evhex, &missing,
	    failed)) < 0) {
		store_rollback(dst);
		goto out;
	}
	*failed = dst;
	if (store_commit(dst) < 0)
		goto out;
	/* read back: what the destination holds is what the source holds */
	for (t = 0; t < NTABLES; t++) {
		*failed = src;
		if (digest(src, t, cols[t].s, nc[t], &out[t].rows,
		    out[t].sha256) < 0)
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
	if (*evhex) {
		if (evidence_digest(dst, &k, hex) < 0)
			goto out;
		out[NTABLES].table = "evidence files";
		out[NTABLES].missing = missing;
		out[NTABLES].rows = files;
		out[NTABLES].copied = files;
		snprintf(out[NTABLES].sha256, 65, "%s", evhex);
		out[NTABLES].same = k == files && strcmp(hex, evhex) == 0;
		*n = NTABLES + 1;
		if (!out[NTABLES].same) {
			store_refuse(dst, "the evidence files differ after the "
			    "copy: %ld loaded, %ld read back", files, k);
			goto out;
		}
	}
	rc = 0;
out:
	for (t = 0; t < NTABLES; t++)
		buf_free(&cols[t]);
	return (rc);
}
