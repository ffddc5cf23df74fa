/*
 * NAME
 *	passmilter - a do-nothing milter for the mail benchmark
 * SYNOPSIS
 *	passmilter inet:PORT@127.0.0.1
 * DESCRIPTION
 *	Takes every callback (connect, helo, envelope, headers, body: no
 *	SMFIP_NO* or SMFIP_NR_* flag is negotiated) and accepts at end of
 *	message, doing nothing else: what libmilter and the milter protocol
 *	cost Postfix by themselves, to be set beside jubao-milter, which
 *	steps aside at DATA for ordinary mail (TESTING.md's "do-nothing
 *	milter").  Built by tests/bench/bench-mail.sh; stops on SIGTERM.
 */
#include <stdio.h>
#include <stdlib.h>
#include <libmilter/mfapi.h>

/* pm_continue - every callback but eom: go on */
static sfsistat pm_connect(SMFICTX *c, char *h, _SOCK_ADDR *a) { return (SMFIS_CONTINUE); }
static sfsistat pm_helo(SMFICTX *c, char *h) { return (SMFIS_CONTINUE); }
static sfsistat pm_argv(SMFICTX *c, char **v) { return (SMFIS_CONTINUE); }
static sfsistat pm_header(SMFICTX *c, char *n, char *v) { return (SMFIS_CONTINUE); }
static sfsistat pm_ctx(SMFICTX *c) { return (SMFIS_CONTINUE); }
static sfsistat pm_body(SMFICTX *c, unsigned char *b, size_t l) { return (SMFIS_CONTINUE); }

/* pm_eom - accept the message as it is */
static sfsistat pm_eom(SMFICTX *c) { return (SMFIS_ACCEPT); }

static struct smfiDesc pm_desc = {
	"passmilter", SMFI_VERSION, 0,
	pm_connect, pm_helo, pm_argv, pm_argv, pm_header, pm_ctx, pm_body,
	pm_eom, pm_ctx, pm_ctx, NULL, pm_ctx, NULL,
};

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: passmilter inet:PORT@127.0.0.1\n");
		return (2);
	}
	if (smfi_register(pm_desc) == MI_FAILURE ||
	    smfi_setconn(argv[1]) == MI_FAILURE ||
	    smfi_opensocket(1) == MI_FAILURE) {
		fprintf(stderr, "passmilter: cannot listen on %s\n", argv[1]);
		return (1);
	}
	return (smfi_main() == MI_SUCCESS ? 0 : 1);
}
