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

/* crypt_wipe - forget the keys */
void
crypt_wipe(struct crypt_keys *k)
{
	sodium_munlock(k, sizeof(*k));
}
