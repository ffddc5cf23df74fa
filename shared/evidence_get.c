/*
 * NAME
 *	evidence_get - one evidence item of a case, in the clear
 * DESCRIPTION
 *	Wherever it is kept (evidence_dir, or the store on PostgreSQL), and
 *	an attachment found again in its sealed original message (each byte
 *	is stored once): for jubaoctl evidence and the console's downloads.
 *	The caller has recorded the opening (store_evidence_open) and checks
 *	the SHA-256 handed back against the item's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

#include "cfg.h"
#include "derive.h"
#include "evidence.h"
#include "log.h"
#include "store.h"

/*
 * open_kept - the sealed bytes the store keeps of file (PostgreSQL), in an
 * anonymous memory file at offset 0: its descriptor, -1 when the store
 * keeps none (the file is in evidence_dir), -2 when the store failed
 */
static int
open_kept(struct store *st, const char *file)
{
	void	*data;
	size_t	 len, off = 0;
	ssize_t	 w;
	int	 fd, rc;

	if ((rc = store_evidence_data_get(st, file, &data, &len)) <= 0)
		return (rc < 0 ? -2 : -1);
	if ((fd = memfd_create("jubao-evidence", MFD_CLOEXEC)) < 0)
		log_fatal("memfd_create: %s", strerror(errno));
	while (off < len && (w = write(fd, (char *)data + off, len - off)) > 0)
		off += (size_t)w;
	sodium_memzero(data, len);
	free(data);
	if (off != len || lseek(fd, 0, SEEK_SET) != 0)
		log_fatal("evidence %s: memory file: %s", file, strerror(errno));
	return (fd);
}

/*
 * open_item - item file, opened to out_fd in the clear, wherever it is
 * kept (the store, or evidence_dir); its SHA-256 in sha.  0, -1 with the
 * reason in err, or -2 when the store failed.
 */
static int
open_item(const struct cfg *cfg, struct store *st, const char *file, int out_fd, char sha[65], buf *err)
{
	int	 in, rc;

	if ((in = open_kept(st, file)) == -2)
		return (-2);
	if (in < 0)
		return (evidence_open(cfg->evidence_dir, file, out_fd, sha,
		    err));
	rc = evidence_open_fd(in, file, out_fd, sha, err);
	close(in);
	return (rc);
}

/*
 * open_derived - an attachment found again in its original message
 * (derive.h), written to out_fd; its SHA-256 in sha.  0, -1 with the
 * reason in err, or -2 when the store failed.
 */
static int
open_derived(const struct cfg *cfg, struct store *st,
    const struct store_evidence *ev, int out_fd,
    char sha[65], buf *err)
{
	GByteArray	*part;
	struct stat	 sb;
	char		 osha[65];
	void		*m;
	size_t		 off = 0;
	ssize_t		 w;
	int		 fd, rc;

	if (*ev->original == '\0') {
		buf_printf(err, "evidence %s: no original message to find it in",
		    ev->name);
		return (-1);
	}
	if ((fd = memfd_create("jubao-original", MFD_CLOEXEC)) < 0)
		log_fatal("memfd_create: %s", strerror(errno));
	if ((rc = open_item(cfg, st, ev->original, fd, osha, err)) < 0) {
		close(fd);
		return (rc);
	}
	if (fstat(fd, &sb) < 0 || (m = mmap(NULL, sb.st_size ? sb.st_size : 1,
	    PROT_READ, MAP_PRIVATE, fd, 0)) == MAP_FAILED)
		log_fatal("evidence: memory file: %s", strerror(errno));
	part = derive(m, (size_t)sb.st_size, ev->sha256);
	munmap(m, sb.st_size ? sb.st_size : 1);
	close(fd);
	if (part == NULL) {
		buf_printf(err, "evidence %s: not found in its original message "
		    "(SHA-256 %s)", ev->name, ev->sha256);
		return (-1);
	}
	sha256_hex(part->data, part->len, sha);
	while (off < part->len && (w = write(out_fd, part->data + off,
	    part->len - off)) > 0)
		off += (size_t)w;
	rc = off == part->len ? 0 : -1;
	if (rc < 0)
		buf_printf(err, "evidence %s: %s", ev->name, strerror(errno));
	g_byte_array_unref(part);
	return (rc);
}

/*
 * evidence_item_open - the item ev (from store_evidence_open) in the
 * clear to out_fd, its SHA-256 in sha: 0, -1 with the reason in err, or
 * -2 when the store failed (store_error)
 */
int
evidence_item_open(const struct cfg *cfg, struct store *st,
    const struct store_evidence *ev, int out_fd, char sha[65], buf *err)
{
	return (ev->derived ? open_derived(cfg, st, ev, out_fd, sha, err) :
	    open_item(cfg, st, ev->file, out_fd, sha, err));
}
