/*
 * NAME
 *	milter_spf - the SPF check of the envelope sender (libspf2)
 * DESCRIPTION
 *	spf_check returns one of the RFC 7208 result names (pass, fail,
 *	softfail, neutral, none, temperror, permerror) and the domain checked.
 *	It never fails: a problem is temperror or permerror.
 */
#ifndef JUBAO_MILTER_SPF_H
#define JUBAO_MILTER_SPF_H

char	*spf_check(const char *client_addr, const char *helo,
	    const char *env_from, char **domain);

#endif
