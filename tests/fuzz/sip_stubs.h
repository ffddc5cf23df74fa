/*
 * NAME
 *	sip_stubs.h - the fuzzers' stand-in for sip_main.c (sip_stubs.c)
 */
#ifndef JUBAO_SIP_STUBS_H
#define JUBAO_SIP_STUBS_H

#include <stdint.h>
#include <stdio.h>

struct runtime;

extern int64_t	 fz_now_ms;
extern long	 fz_commits;

struct runtime	*fz_runtime(const char *top);

#endif
