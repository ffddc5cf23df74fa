/*
 * NAME
 *	evidence - the content-addressed evidence directory
 * DESCRIPTION
 *	Evidence files live in evidence_dir/ab/<sha256>: written to a
 *	temporary name, fsync'd, renamed, and the directory fsync'd, all
 *	before the store commits the rows that name them.  Writing the same
 *	content twice is harmless (a retried message), and a file whose
 *	commit never came is an orphan, never a loss.
 */
#ifndef JUBAO_EVIDENCE_H
#define JUBAO_EVIDENCE_H

#include <stddef.h>
#include "util.h"

void	 sha256_hex(const void *data, size_t len, char out[65]);
int	 sha256_file(const char *path, char out[65], size_t *size);
int	 evidence_put(const char *dir, const void *data, size_t len,
	    char sha[65], buf *err);
int	 evidence_put_file(const char *dir, const char *path, char sha[65],
	    size_t *size, buf *err);
char	*evidence_path(const char *dir, const char *sha);
int	 mkdirs(const char *path, int mode);

#endif
