/*
 * NAME
 *	milter_spf - the SPF check of the envelope sender (libspf2)
 * DESCRIPTION
 *	One SPF server per check: reports are few, and libspf2's server is
 *	not documented as safe to share between threads.  libspf2 reports a
 *	DNS failure as result "invalid" with SPF_E_DNS_ERROR as the return code
 *	of the query (not in the response): that is a temperror (RFC 7208
 *	§2.6.6), mapped here.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <spf2/spf.h>

#include "log.h"
#include "milter_spf.h"
#include "util.h"

/* spf_check - the result for a client, HELO name and envelope sender */
char *
spf_check(const char *client_addr, const char *helo, const char *env_from,
    char **domain)
{
	SPF_server_t	*srv;
	SPF_request_t	*req;
	SPF_response_t	*resp = NULL;
	const char	*res = "none", *at;
	SPF_errcode_t	 qerr;
	char		*sender;
	int		 v6;

	*domain = NULL;
	if (client_addr == NULL || *client_addr == '\0')
		return (xstrdup("none"));
	/* RFC 7208 §2.4: a null sender is checked as postmaster@HELO */
	if (env_from != NULL && *env_from != '\0')
		sender = xstrdup(env_from);
	else if (helo != NULL && *helo != '\0')
		sender = xasprintf("postmaster@%s", helo);
	else
		return (xstrdup("none"));
	if ((at = strrchr(sender, '@')) != NULL)
		*domain = xstrdup(at + 1);
	if ((srv = SPF_server_new(SPF_DNS_CACHE, 0)) == NULL) {
		free(sender);
		return (xstrdup("temperror"));
	}
	req = SPF_request_new(srv);
	v6 = strchr(client_addr, ':') != NULL;
	if ((v6 ? SPF_request_set_ipv6_str(req, client_addr) :
	    SPF_request_set_ipv4_str(req, client_addr)) != SPF_E_SUCCESS) {
		res = "none";
		goto out;
	}
	if (helo != NULL && *helo != '\0')
		SPF_request_set_helo_dom(req, helo);
	if (SPF_request_set_env_from(req, sender) != 0) {
		res = "permerror";
		goto out;
	}
	/* a DNS failure shows in the call's return code, not in resp */
	qerr = SPF_request_query_mailfrom(req, &resp);
	if (resp == NULL) {
		res = "temperror";
		goto out;
	}
	switch (SPF_response_result(resp)) {
	case SPF_RESULT_PASS:		res = "pass"; break;
	case SPF_RESULT_FAIL:		res = "fail"; break;
	case SPF_RESULT_SOFTFAIL:	res = "softfail"; break;
	case SPF_RESULT_NEUTRAL:	res = "neutral"; break;
	case SPF_RESULT_NONE:		res = "none"; break;
	case SPF_RESULT_TEMPERROR:	res = "temperror"; break;
	case SPF_RESULT_PERMERROR:	res = "permerror"; break;
	default:
		res = qerr == SPF_E_DNS_ERROR ||
		    SPF_response_errcode(resp) == SPF_E_DNS_ERROR ?
		    "temperror" : "permerror";
		break;
	}
out:
	if (resp != NULL)
		SPF_response_free(resp);
	SPF_request_free(req);
	SPF_server_free(srv);
	free(sender);
	return (xstrdup(res));
}
