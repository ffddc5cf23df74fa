/*
 * NAME
 *	privdrop - run as the jubao user once the privileged work is done
 * DESCRIPTION
 *	A daemon starts as root, reads key_file, creates its directories and
 *	store, opens its sockets, hands those to run_user (privdrop_chown),
 *	then privdrop_to gives up root for good.  An empty run_user, or a
 *	program not started as root, keeps the user it has.
 */
#ifndef JUBAO_PRIVDROP_H
#define JUBAO_PRIVDROP_H

#include "util.h"

int	privdrop_chown(const char *user, const char *path, buf *err);
int	privdrop_to(const char *user, buf *err);

#endif
