/*
 * NAME
 *	crypt - reporter identity encrypted at rest, and blind indexes
 * DESCRIPTION
 *	One 32-byte master key in a file (key_file, mode 0600, created by
 *	"make install" or jubaoctl keygen).  Two subkeys are derived from it
 *	(libsodium crypto_kdf): one for XSalsa20-Poly1305 secretbox, one for a
 *	keyed BLAKE2b blind index, so the same reporter can be matched (rate
 *	limits, threading, flood caps) without decrypting anything.
 *	Sealed values look like "v1:" + base64(nonce || box); a value without
 *	the prefix (a row from before encryption) opens as itself.
 */
#ifndef JUBAO_CRYPT_H
#define JUBAO_CRYPT_H

#include <stddef.h>
#include "util.h"

#define CRYPT_KEYBYTES	32

struct crypt_keys {
	unsigned char	 box[CRYPT_KEYBYTES];
	unsigned char	 idx[CRYPT_KEYBYTES];
};

int	 crypt_load(const char *path, struct crypt_keys *, buf *err);
int	 crypt_keygen(const char *path, buf *err);
char	*crypt_seal(const struct crypt_keys *, const char *plain);
char	*crypt_open(const struct crypt_keys *, const char *sealed);
void	 crypt_index(const struct crypt_keys *, const char *value, char out[33]);
void	 crypt_wipe(struct crypt_keys *);

#endif
