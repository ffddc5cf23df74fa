/*
 * NAME
 *	crypt - reporter identity encrypted at rest, and blind indexes
 * DESCRIPTION
 *	One 32-byte master key in a file (key_file, mode 0600, created by
 *	"make install" or jubaoctl keygen).  Every key jubao uses is derived
 *	from it (libsodium crypto_kdf), one for each purpose, so that none of
 *	them is ever stored: secretbox for identity in the store; a keyed
 *	BLAKE2b blind index, so the same reporter can be matched (rate
 *	limits, replies, flood caps) without decrypting anything; MACs in our
 *	Message-IDs and VERP addresses (a reply or a bounce proves it answers
 *	a message we sent); the keyed hash of receipt PINs and of the console's
 *	session tokens, and their CSRF tokens; pseudonyms for
 *	retention; and secretstream for evidence files (originals,
 *	attachments, recordings).
 *	Sealed values look like "v1:" + base64(nonce || box); a value without
 *	the prefix (a row from before encryption) opens as itself.  A sealed
 *	file is "jubaoev1" and a secretstream of 64 KiB chunks.
 *	crypt_init loads the process's keys once (before threads); crypt_get
 *	hands them out, NULL before.
 */
#ifndef JUBAO_CRYPT_H
#define JUBAO_CRYPT_H

#include <stddef.h>
#include "util.h"

#define CRYPT_KEYBYTES	32

struct crypt_keys {
	unsigned char	 box[CRYPT_KEYBYTES];	/* identity in the store */
	unsigned char	 idx[CRYPT_KEYBYTES];	/* blind indexes */
	unsigned char	 mac[CRYPT_KEYBYTES];	/* Message-IDs, VERP tags */
	unsigned char	 pin[CRYPT_KEYBYTES];	/* receipt PINs */
	unsigned char	 pseud[CRYPT_KEYBYTES];	/* retention pseudonyms */
	unsigned char	 file[CRYPT_KEYBYTES];	/* evidence files */
	unsigned char	 session[CRYPT_KEYBYTES]; /* console sessions, CSRF */
};

int	 crypt_init(const char *path, buf *err);
const struct crypt_keys *crypt_get(void);
int	 crypt_load(const char *path, struct crypt_keys *, buf *err);
int	 crypt_keygen(const char *path, buf *err);
char	*crypt_seal(const struct crypt_keys *, const char *plain);
char	*crypt_open(const struct crypt_keys *, const char *sealed);
void	 crypt_index(const struct crypt_keys *, const char *value, char out[33]);
void	 crypt_mac(const unsigned char key[CRYPT_KEYBYTES], const char *msg,
	    size_t bytes, char *hex);
int	 crypt_file_seal(const struct crypt_keys *, const void *data, size_t len,
	    int in_fd, int out_fd);
typedef int (*crypt_put_fn)(void *arg, const void *, size_t);
int	 crypt_file_open(const struct crypt_keys *, int in_fd, crypt_put_fn,
	    void *arg);
int	 crypt_file_sealed(int fd);
void	 crypt_wipe(struct crypt_keys *);
void	 secret_free(char *);

#endif
