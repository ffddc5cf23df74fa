/*
 * NAME
 *	evidence - the evidence directory: sealed files, one for each item
 * DESCRIPTION
 *	Every evidence file (an original message, an attachment, a call's
 *	recording) is sealed with the key_file's file key (crypt.h) and lives
 *	in evidence_dir/ab/<id>, a random name: written to a temporary name,
 *	fsync'd, renamed, and the directory fsync'd, all before the store
 *	commits the rows that name it.  Files are never shared between items
 *	or cases, so removing a purged case's files can never take another's
 *	(issue "Hostile senders", finding 8).  A file whose commit never came
 *	is an orphan, never a loss.  Files from before sealing were named by
 *	their SHA-256 and are plain; evidence_open reads both.
 *	Functions return 0 or -1 with a message in err; errno-level detail is
 *	included, never file contents.
 */
#ifndef JUBAO_EVIDENCE_H
#define JUBAO_EVIDENCE_H

#include <stddef.h>
#include "util.h"

#define EVIDENCE_ID	33	/* 32 hex digits and the NUL */

void	 sha256_hex(const void *data, size_t len, char out[65]);
int	 sha256_file(const char *path, char out[65], size_t *size);
int	 evidence_put(const char *dir, const void *data, size_t len,
	    char id[EVIDENCE_ID], buf *err);
int	 evidence_put_file(const char *dir, const char *path,
	    char id[EVIDENCE_ID], buf *err);
char	*evidence_path(const char *dir, const char *id);
int	 evidence_open(const char *dir, const char *id, int out_fd,
	    char sha[65], buf *err);
int	 evidence_open_fd(int fd, const char *label, int out_fd, char sha[65],
	    buf *err);
int	 evidence_read(const char *dir, const char *id, void **data,
	    size_t *len, buf *err);
int	 evidence_remove(const char *dir, const char *id);
int	 mkdirs(const char *path, int mode);

/* evidence_get.c: an item of a case, wherever it is kept */
struct cfg;
struct store;
struct store_evidence;
int	 evidence_item_open(const struct cfg *, struct store *,
	    const struct store_evidence *, int out_fd, char sha[65], buf *err);

#endif
