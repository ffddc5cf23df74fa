/*
 * NAME
 *	fuzz.h - what jubao's libFuzzer targets share
 * DESCRIPTION
 *	fz_file writes an input to one memfd and returns a path to it
 *	("/proc/self/fd/N"), for the parsers that read files (mime_parse_file,
 *	cfg_load, cat_load): no disk, no temp file left behind.  fz_str makes
 *	a NUL-terminated copy (the caller frees it).  JB_TOP is the top of the
 *	source tree (fuzz.mk defines it), for the categories and prompts.
 *	A target that cannot set itself up aborts: that is a harness bug.
 */
#ifndef JUBAO_FUZZ_H
#define JUBAO_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef JB_TOP
#define JB_TOP	"."
#endif

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***);

/* fz_file - the input as a file; its path stays valid until the next call */
static inline const char *
fz_file(const uint8_t *data, size_t size)
{
	static int	 fd = -1;
	static char	 path[64];

	if (fd < 0) {
		if ((fd = memfd_create("jubao-fuzz", 0)) < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) < 0 ||
	    (size > 0 && pwrite(fd, data, size, 0) != (ssize_t)size))
		abort();
	return (path);
}

/* fz_str - a NUL-terminated copy of the input */
static inline char *
fz_str(const uint8_t *data, size_t size)
{
	char	*s = malloc(size + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return (s);
}

#endif
