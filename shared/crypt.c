/*
 * NAME
 *	crypt - reporter identity encrypted at rest, and blind indexes
 * DESCRIPTION
 *	Everything here is libsodium.  Keys live in locked memory where the
 *	system allows (sodium_mlock) and are wiped by crypt_wipe.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

#include "crypt.h"

#define PREFIX		"v1:"

static struct crypt_keys	 process_keys;
static int			 process_loaded;

/*
 * crypt_init - load key_file as the process's keys (once, before any
 * thread starts); 0, or -1 with the reason in err
 */
int
crypt_init(const char *path, buf *err)
{
	if (crypt_load(path, &process_keys, err) < 0)
		return (-1);
	process_loaded = 1;
	return (0);
}

/* crypt_get - the process's keys; NULL before crypt_init */
const struct crypt_keys *
crypt_get(void)
{
	return (process_loaded ? &process_keys : NULL);
}

/* crypt_load - read the master key file and derive the subkeys; 0 or -1 */
int
crypt_load(const char *path, struct crypt_keys *k, buf *err)
{
	unsigned char	 master[CRYPT_KEYBYTES], raw[2 * CRYPT_KEYBYTES + 2];
	struct stat	 sb;
	ssize_t		 n;
	size_t		 len;
	int		 fd;

	memset(k, 0, sizeof(*k));
	if (sodium_init() < 0) {
		buf_printf(err, "key_file: libsodium does not initialise\n");
		return (-1);
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
		buf_printf(err, "key_file %s: %s (create it with \"jubaoctl "
		    "keygen\")\n", path, strerror(errno));
		return (-1);
	}
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		buf_printf(err, "key_file %s: not a regular file\n", path);
		close(fd);
		return (-1);
	}
	/* 承诺书-5: the key that guards reporters is nobody else's to read */
	if (sb.st_mode & (S_IRWXG | S_IRWXO)) {
		buf_printf(err, "key_file %s: mode %04o: readable by group or "
		    "others; chmod 600 it\n", path, (unsigned)(sb.st_mode & 07777));
		close(fd);
		return (-1);
	}
	n = read(fd, raw, sizeof(raw));
	close(fd);
	if (n < 0) {
		buf_printf(err, "key_file %s: %s\n", path, strerror(errno));
		return (-1);
	}
	len = (size_t)n;
	while (len > 0 && (raw[len - 1] == '\n' || raw[len - 1] == '\r'))
		len--;
	if (len == 2 * CRYPT_KEYBYTES) {
		size_t	 bin;

		if (sodium_hex2bin(master, sizeof(master), (const char *)raw, len,
		    NULL, &bin, NULL) < 0 || bin != CRYPT_KEYBYTES) {
			buf_printf(err, "key_file %s: not 64 hex digits\n", path);
			return (-1);
		}
	} else if (len == CRYPT_KEYBYTES && n == CRYPT_KEYBYTES)
		memcpy(master, raw, CRYPT_KEYBYTES);
	else {
		buf_printf(err, "key_file %s: %zd bytes: want 32 bytes or 64 hex "
		    "digits\n", path, n);
		sodium_memzero(raw, sizeof(raw));
		return (-1);
	}
	sodium_memzero(raw, sizeof(raw));
	sodium_mlock(k, sizeof(*k));
	crypto_kdf_derive_from_key(k->box, sizeof(k->box), 1, "jubaobox", master);
	crypto_kdf_derive_from_key(k->idx, sizeof(k->idx), 2, "jubaoidx", master);
	crypto_kdf_derive_from_key(k->mac, sizeof(k->mac), 3, "jubaomac", master);
	crypto_kdf_derive_from_key(k->pin, sizeof(k->pin), 4, "jubaopin", master);
	crypto_kdf_derive_from_key(k->pseud, sizeof(k->pseud), 5, "jubaopsd",
	    master);
	crypto_kdf_derive_from_key(k->file, sizeof(k->file), 6, "jubaofil", master);
	crypto_kdf_derive_from_key(k->session, sizeof(k->session), 7, "jubaoses",
	    master);
	sodium_memzero(master, sizeof(master));
	return (0);
}

/* crypt_keygen - write a new random key file, mode 0600; never overwrite */
int
crypt_keygen(const char *path, buf *err)
{
	unsigned char	 key[CRYPT_KEYBYTES];
	char		 hex[2 * CRYPT_KEYBYTES + 2];
	int		 fd;
	size_t		 len;

	if (sodium_init() < 0)
		return (-1);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
		buf_printf(err, "key_file %s: %s\n", path, strerror(errno));
		return (-1);
	}
	randombytes_buf(key, sizeof(key));
	sodium_bin2hex(hex, sizeof(hex), key, sizeof(key));
	sodium_memzero(key, sizeof(key));
	len = strlen(hex);
	hex[len++] = '\n';
	if (write(fd, hex, len) != (ssize_t)len || fsync(fd) < 0) {
		buf_printf(err, "key_file %s: %s\n", path, strerror(errno));
		close(fd);
		unlink(path);
		sodium_memzero(hex, sizeof(hex));
		return (-1);
	}
	sodium_memzero(hex, sizeof(hex));
	return (close(fd));
}

/* crypt_seal - "v1:" + base64(nonce || secretbox(plain)); caller frees */
char *
crypt_seal(const struct crypt_keys *k, const char *plain)
{
	size_t		 plen = strlen(plain);
	size_t		 blen = crypto_secretbox_NONCEBYTES +
			    crypto_secretbox_MACBYTES + plen;
	unsigned char	*b = xmalloc(blen);
	size_t		 elen = sodium_base64_encoded_len(blen,
			    sodium_base64_VARIANT_ORIGINAL);
	char		*out = xmalloc(strlen(PREFIX) + elen);

	randombytes_buf(b, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(b + crypto_secretbox_NONCEBYTES,
	    (const unsigned char *)plain, plen, b, k->box);
	memcpy(out, PREFIX, strlen(PREFIX));
	sodium_bin2base64(out + strlen(PREFIX), elen, b, blen,
	    sodium_base64_VARIANT_ORIGINAL);
	free(b);
	return (out);
}

/* crypt_open - the plain text of a sealed value, or NULL if it is forged */
char *
crypt_open(const struct crypt_keys *k, const char *sealed)
{
	size_t		 slen, blen;
	unsigned char	*b;
	char		*out;

	if (strncmp(sealed, PREFIX, strlen(PREFIX)) != 0)
		return (xstrdup(sealed));	/* from before encryption */
	sealed += strlen(PREFIX);
	slen = strlen(sealed);
	b = xmalloc(slen + 1);
	if (sodium_base642bin(b, slen, sealed, slen, NULL, &blen, NULL,
	    sodium_base64_VARIANT_ORIGINAL) < 0 ||
	    blen < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
		free(b);
		return (NULL);
	}
	out = xmalloc(blen - crypto_secretbox_NONCEBYTES -
	    crypto_secretbox_MACBYTES + 1);
	if (crypto_secretbox_open_easy((unsigned char *)out,
	    b + crypto_secretbox_NONCEBYTES, blen - crypto_secretbox_NONCEBYTES,
	    b, k->box) < 0) {
		free(b);
		free(out);
		return (NULL);
	}
	out[blen - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES] = '\0';
	free(b);
	return (out);
}

/* crypt_index - the blind index of a value (ASCII case folded): 32 hex */
void
crypt_index(const struct crypt_keys *k, const char *value, char out[33])
{
	unsigned char	 h[16];
	char		*lower = str_lower_ascii(xstrdup(value));

	crypto_generichash(h, sizeof(h), (const unsigned char *)lower,
	    strlen(lower), k->idx, sizeof(k->idx));
	free(lower);
	sodium_bin2hex(out, 33, h, sizeof(h));
}

/* crypt_mac - keyed BLAKE2b of msg, bytes long (8..32), as hex in hex */
void
crypt_mac(const unsigned char key[CRYPT_KEYBYTES], const char *msg,
    size_t bytes, char *hex)
{
	unsigned char	 h[32];

	if (bytes < 8 || bytes > sizeof(h))
		bytes = sizeof(h);
	crypto_generichash(h, bytes, (const unsigned char *)msg, strlen(msg),
	    key, CRYPT_KEYBYTES);
	sodium_bin2hex(hex, 2 * bytes + 1, h, bytes);
}

#define FILE_MAGIC	"jubaoev1"
#define FILE_CHUNK	65536

/* write_all - write n bytes; 0 or -1 */
static int
write_all(int fd, const void *p, size_t n)
{
	const char	*q = p;
	ssize_t		 w;

	while (n > 0) {
		if ((w = write(fd, q, n)) < 0) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		q += w;
		n -= (size_t)w;
	}
	return (0);
}

/* read_full - read up to n bytes (less only at the end); the count or -1 */
static ssize_t
read_full(int fd, void *p, size_t n)
{
	char	*q = p;
	size_t	 got = 0;
	ssize_t	 r;

	while (got < n) {
		if ((r = read(fd, q + got, n - got)) < 0) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return ((ssize_t)got);
}

/*
 * crypt_file_seal - write a sealed file to out_fd: the bytes of data
 * (len) or, when data is NULL, everything read from in_fd.  0, or -1 with
 * errno set (nothing is logged: the caller names the file).
 */
int
crypt_file_seal(const struct crypt_keys *k, const void *data, size_t len,
    int in_fd, int out_fd)
{
	crypto_secretstream_xchacha20poly1305_state st;
	unsigned char	 hdr[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
	unsigned char	*in = data ? NULL : xmalloc(FILE_CHUNK);
	unsigned char	*out = xmalloc(FILE_CHUNK +
			    crypto_secretstream_xchacha20poly1305_ABYTES);
	const unsigned char *p = data;
	size_t		 n, done = 0;
	ssize_t		 r;
	unsigned char	 tag;
	unsigned long long olen;
	int		 rc = -1;

	crypto_secretstream_xchacha20poly1305_init_push(&st, hdr, k->file);
	if (write_all(out_fd, FILE_MAGIC, strlen(FILE_MAGIC)) < 0 ||
	    write_all(out_fd, hdr, sizeof(hdr)) < 0)
		goto out;
	for (;;) {
		if (data != NULL) {
			n = len - done < FILE_CHUNK ? len - done : FILE_CHUNK;
			p = (const unsigned char *)data + done;
			done += n;
			tag = done == len ?
			    crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0;
		} else {
			if ((r = read_full(in_fd, in, FILE_CHUNK)) < 0)
				goto out;
			n = (size_t)r;
			p = in;
			tag = n < FILE_CHUNK ?
			    crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0;
		}
		crypto_secretstream_xchacha20poly1305_push(&st, out, &olen, p, n,
		    NULL, 0, tag);
		if (write_all(out_fd, out, (size_t)olen) < 0)
			goto out;
		if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL)
			break;
	}
	rc = 0;
out:
	sodium_memzero(&st, sizeof(st));
	free(in);
	free(out);
	return (rc);
}

/*
 * crypt_file_open - hand the plain content of a sealed file (in_fd) to
 * put, a chunk at a time; 0, or -1: errno set on I/O failure (or by put),
 * EBADMSG when the file is not sealed with this key, was changed or cut
 * short.  Nothing is handed over from a chunk that does not verify.
 */
int
crypt_file_open(const struct crypt_keys *k, int in_fd, crypt_put_fn put,
    void *arg)
{
	crypto_secretstream_xchacha20poly1305_state st;
	unsigned char	 hdr[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
	char		 magic[sizeof(FILE_MAGIC)];
	size_t		 clen = FILE_CHUNK + crypto_secretstream_xchacha20poly1305_ABYTES;
	unsigned char	*in = xmalloc(clen), *out = xmalloc(FILE_CHUNK);
	unsigned long long olen;
	unsigned char	 tag = 0;
	ssize_t		 r;
	int		 rc = -1;

	if (read_full(in_fd, magic, strlen(FILE_MAGIC)) !=
	    (ssize_t)strlen(FILE_MAGIC) ||
	    memcmp(magic, FILE_MAGIC, strlen(FILE_MAGIC)) != 0 ||
	    read_full(in_fd, hdr, sizeof(hdr)) != (ssize_t)sizeof(hdr) ||
	    crypto_secretstream_xchacha20poly1305_init_pull(&st, hdr, k->file) != 0) {
		errno = EBADMSG;
		goto out;
	}
	while (tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
		if ((r = read_full(in_fd, in, clen)) < 0)
			goto out;
		if (crypto_secretstream_xchacha20poly1305_pull(&st, out, &olen,
		    &tag, in, (unsigned long long)r, NULL, 0) != 0 ||
		    (r < (ssize_t)clen &&
		    tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL)) {
			errno = EBADMSG;
			goto out;
		}
		if (put(arg, out, (size_t)olen) < 0)
			goto out;
	}
	rc = 0;
out:
	sodium_memzero(&st, sizeof(st));
	free(in);
	sodium_memzero(out, FILE_CHUNK);
	free(out);
	return (rc);
}

/* crypt_file_sealed - does the file at fd's offset start as a sealed one */
int
crypt_file_sealed(int fd)
{
	char	 magic[sizeof(FILE_MAGIC)];

	return (pread(fd, magic, strlen(FILE_MAGIC), 0) ==
	    (ssize_t)strlen(FILE_MAGIC) &&
	    memcmp(magic, FILE_MAGIC, strlen(FILE_MAGIC)) == 0);
}

/* crypt_wipe - forget the keys */
void
crypt_wipe(struct crypt_keys *k)
{
	sodium_munlock(k, sizeof(*k));
}

/*
 * secret_free - free a string that held a reporter's identity or a PIN,
 * zeroed first (NULL is fine)
 */
void
secret_free(char *s)
{
	if (s == NULL)
		return;
	sodium_memzero(s, strlen(s));
	free(s);
}
