/*
 * NAME
 *	evidence - the evidence directory: sealed files, one for each item
 * DESCRIPTION
 *	SHA-256 by OpenSSL's libcrypto, which uses the CPU's SHA extensions:
 *	libsodium's portable SHA-256 was 80 % of jubao-milter's instructions
 *	on reports with attachments (tests/bench/PROFILE-milter.txt; 216 MB/s
 *	against 1.7 GB/s here).  Every function returns 0 or -1 with a message
 *	in err; errno-level detail is included, never file contents.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <sodium.h>

#include "crypt.h"
#include "evidence.h"
#include "log.h"

/* hex - bytes to lower-case hex */
static void
hex(const unsigned char *h, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";
	size_t	 i;

	for (i = 0; i < n; i++) {
		out[2 * i] = d[h[i] >> 4];
		out[2 * i + 1] = d[h[i] & 15];
	}
	out[2 * n] = '\0';
}

/* sha256_hex - the SHA-256 of a buffer, as hex */
void
sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char	 h[EVP_MAX_MD_SIZE];
	unsigned int	 n = 0;

	if (EVP_Digest(data, len, h, &n, EVP_sha256(), NULL) != 1 || n != 32)
		log_panic("evidence: SHA-256 failed");
	hex(h, n, out);
}

/* sha256_file - the SHA-256 and size of a file; 0 or -1 (errno set) */
int
sha256_file(const char *path, char out[65], size_t *size)
{
	EVP_MD_CTX	*st;
	unsigned char	 h[EVP_MAX_MD_SIZE], b[65536];
	unsigned int	 hn = 0;
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return (-1);
	if ((st = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(st, EVP_sha256(), NULL) != 1)
		log_panic("evidence: SHA-256 failed");
	*size = 0;
	while ((n = read(fd, b, sizeof(b))) > 0) {
		if (EVP_DigestUpdate(st, b, (size_t)n) != 1)
			log_panic("evidence: SHA-256 failed");
		*size += (size_t)n;
	}
	close(fd);
	if (n >= 0 && EVP_DigestFinal_ex(st, h, &hn) != 1)
		log_panic("evidence: SHA-256 failed");
	EVP_MD_CTX_free(st);
	if (n < 0)
		return (-1);
	hex(h, hn, out);
	return (0);
}

/* mkdirs - mkdir -p; 0 or -1 */
int
mkdirs(const char *path, int mode)
{
	char	*p, *s;
	int	 rc = 0;

	/* the usual case, one call: the directory is there, or only it is not */
	if (mkdir(path, (mode_t)mode) == 0 || errno == EEXIST)
		return (0);
	p = xstrdup(path);
	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, (mode_t)mode) < 0 && errno != EEXIST)
			rc = -1;
		*s = '/';
	}
	if (rc == 0 && mkdir(p, (mode_t)mode) < 0 && errno != EEXIST)
		rc = -1;
	free(p);
	return (rc);
}

/*
 * evidence_path - where the file with this id (or, from before sealing,
 * this SHA-256) lives; caller frees
 */
char *
evidence_path(const char *dir, const char *id)
{
	return (xasprintf("%s/%.2s/%s", dir, id, id));
}

/* fsync_dir - make a rename durable */
static int
fsync_dir(const char *dir)
{
	int	 fd, rc;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return (-1);
	rc = fsync(fd);
	close(fd);
	return (rc);
}

/*
 * seal_new - a new sealed file under dir from data (len) or from the file
 * at path: a random id, a temporary file, fsync, rename, fsync of the
 * directory.  0 or -1.
 */
static int
seal_new(const char *dir, const void *data, size_t len, const char *path,
    char id[EVIDENCE_ID], buf *err)
{
	const struct crypt_keys	*k = crypt_get();
	unsigned char		 rnd[16];
	char			*tmp = NULL, *sub = NULL, *dst = NULL;
	int			 in = -1, out = -1, rc = -1;

	if (k == NULL)
		log_panic("evidence: written without a key");
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(id, EVIDENCE_ID, rnd, sizeof(rnd));
	sub = xasprintf("%s/%.2s", dir, id);
	dst = evidence_path(dir, id);
	if (mkdirs(sub, 0750) < 0) {
		buf_printf(err, "evidence: mkdir %s: %s", sub, strerror(errno));
		goto out;
	}
	tmp = xasprintf("%s/.tmp.XXXXXX", dir);
	if ((out = mkostemp(tmp, O_CLOEXEC)) < 0) {
		buf_printf(err, "evidence: create in %s: %s", dir, strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	if (path != NULL && (in = open(path, O_RDONLY | O_CLOEXEC |
	    O_NOFOLLOW)) < 0) {
		buf_printf(err, "evidence: open %s: %s", path, strerror(errno));
		goto out;
	}
	if (crypt_file_seal(k, data, len, in, out) < 0 || fsync(out) < 0) {
		buf_printf(err, "evidence: write %s: %s", tmp, strerror(errno));
		goto out;
	}
	if (close(out) < 0) {
		out = -1;
		buf_printf(err, "evidence: close %s: %s", tmp, strerror(errno));
		goto out;
	}
	out = -1;
	if (rename(tmp, dst) < 0) {
		buf_printf(err, "evidence: rename to %s: %s", dst, strerror(errno));
		goto out;
	}
	free(tmp);
	tmp = NULL;
	if (fsync_dir(sub) < 0) {
		buf_printf(err, "evidence: fsync %s: %s", sub, strerror(errno));
		unlink(dst);	/* a failure leaves no file behind */
		goto out;
	}
	rc = 0;
out:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	if (tmp != NULL)
		unlink(tmp);
	free(tmp);
	free(sub);
	free(dst);
	return (rc);
}

/* evidence_put - seal a buffer into a new evidence file; its id in id */
int
evidence_put(const char *dir, const void *data, size_t len,
    char id[EVIDENCE_ID], buf *err)
{
	return (seal_new(dir, data ? data : "", len, NULL, id, err));
}

/*
 * evidence_put_file - seal a file's content (the spooled original, a
 * recording) into a new evidence file; its id in id.  The source file is
 * the caller's to remove.
 */
int
evidence_put_file(const char *dir, const char *path, char id[EVIDENCE_ID],
    buf *err)
{
	return (seal_new(dir, NULL, 0, path, id, err));
}

struct open_out {
	int		 fd;
	EVP_MD_CTX	*md;
};

/* open_put - crypt_put_fn: hash a chunk and write it out */
static int
open_put(void *arg, const void *p, size_t n)
{
	struct open_out	*o = arg;
	const char	*q = p;
	ssize_t		 w;

	if (EVP_DigestUpdate(o->md, p, n) != 1)
		log_panic("evidence: SHA-256 failed");
	while (n > 0) {
		if ((w = write(o->fd, q, n)) < 0) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		q += w;
		n -= (size_t)w;
	}
	return (0);
}

/*
 * evidence_open_fd - an evidence item read from fd (what label names in
 * a message) written to out_fd in the clear: opened when it is sealed,
 * as it is when it is plain (from before sealing); its SHA-256 in sha
 * (of what was written).  0, or -1 with the reason in err.
 */
int
evidence_open_fd(int fd, const char *label, int out_fd, char sha[65],
    buf *err)
{
	const struct crypt_keys	*k = crypt_get();
	char			 b[65536];
	struct open_out		 o;
	unsigned char		 h[EVP_MAX_MD_SIZE];
	unsigned int		 hn = 0;
	ssize_t			 n;
	int			 rc = -1;

	o.fd = out_fd;
	if ((o.md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(o.md, EVP_sha256(), NULL) != 1)
		log_panic("evidence: SHA-256 failed");
	if (crypt_file_sealed(fd)) {
		if (k == NULL || crypt_file_open(k, fd, open_put, &o) < 0)
			buf_printf(err, "evidence %s: %s", label, errno == EBADMSG ?
			    "not sealed with this key_file, changed or cut short" :
			    strerror(errno));
		else
			rc = 0;
	} else {
		while ((n = read(fd, b, sizeof(b))) > 0)
			if (open_put(&o, b, (size_t)n) < 0)
				break;
		if (n != 0)
			buf_printf(err, "evidence %s: %s", label, strerror(errno));
		else
			rc = 0;
	}
	if (EVP_DigestFinal_ex(o.md, h, &hn) != 1)
		log_panic("evidence: SHA-256 failed");
	EVP_MD_CTX_free(o.md);
	hex(h, hn, sha);
	return (rc);
}

/* evidence_open - evidence_open_fd on the file of item id in dir */
int
evidence_open(const char *dir, const char *id, int out_fd, char sha[65],
    buf *err)
{
	char	*p = evidence_path(dir, id);
	int	 fd, rc;

	if ((fd = open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
		buf_printf(err, "evidence %s: %s", p, strerror(errno));
		free(p);
		return (-1);
	}
	rc = evidence_open_fd(fd, p, out_fd, sha, err);
	close(fd);
	free(p);
	return (rc);
}

/*
 * evidence_read - the bytes of item id's file in dir as they are (sealed),
 * for the store to keep (caller frees *data); 0, or -1 with the reason in
 * err
 */
int
evidence_read(const char *dir, const char *id, void **data, size_t *len,
    buf *err)
{
	char		*p = evidence_path(dir, id);
	struct stat	 sb;
	ssize_t		 n;
	size_t		 got = 0;
	int		 fd;

	*data = NULL;
	*len = 0;
	if ((fd = open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0 ||
	    fstat(fd, &sb) < 0) {
		buf_printf(err, "evidence %s: %s", p, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(p);
		return (-1);
	}
	if (!S_ISREG(sb.st_mode)) {
		buf_printf(err, "evidence %s: not a regular file", p);
		close(fd);
		free(p);
		return (-1);
	}
	*data = xmalloc((size_t)sb.st_size + 1);
	while (got < (size_t)sb.st_size &&
	    (n = read(fd, (char *)*data + got, (size_t)sb.st_size - got)) > 0)
		got += (size_t)n;
	close(fd);
	if (got != (size_t)sb.st_size) {
		buf_printf(err, "evidence %s: read %zu of %lld bytes", p, got,
		    (long long)sb.st_size);
		free(*data);
		*data = NULL;
		free(p);
		return (-1);
	}
	*len = got;
	free(p);
	return (0);
}

/* evidence_remove - delete an evidence file; 0, or -1 (errno) */
int
evidence_remove(const char *dir, const char *id)
{
	char	*p = evidence_path(dir, id);
	int	 rc = unlink(p);

	if (rc < 0 && errno == ENOENT)
		rc = 0;
	free(p);
	return (rc);
}
