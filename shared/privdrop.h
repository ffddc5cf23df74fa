/*
 * NAME
 *	privdrop - run as the jubao user once the privileged work is done
 * DESCRIPTION
 *	A daemon starts as root, reads key_file, makes its directories and
 *	hands them to run_user (privdrop_dir), hands over what root made
 *	before (privdrop_file: a store from an older jubao, the milter's
 *	socket), then privdrop_to gives up root for good; the store is opened,
 *	and anything found in a directory run_user owns is read, only after.
 *	Root never follows a link that run_user could have planted.  An empty
 *	run_user, or a program not started as root, keeps the user it has.
 */
#ifndef JUBAO_PRIVDROP_H
#define JUBAO_PRIVDROP_H

#include "util.h"

int	privdrop_dir(const char *user, const char *path, int mode, buf *err);
int	privdrop_file(const char *user, const char *path, buf *err);
int	privdrop_store(const char *user, const char *store_path, buf *err);
int	privdrop_to(const char *user, buf *err);

#endif
