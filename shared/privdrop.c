/*
 * NAME
 *	privdrop - run as the jubao user once the privileged work is done
 * DESCRIPTION
 *	OpenSMTPD's order: open what needs root, then setgroups, setgid,
 *	setuid, and check that root cannot be had back.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "privdrop.h"

/* lookup - the user's ids; 0 or -1 */
static int
lookup(const char *user, uid_t *uid, gid_t *gid, buf *err)
{
	struct passwd	*pw;

	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		buf_printf(err, "run_user %s: no such user (create it: useradd "
		    "--system --no-create-home --shell /usr/sbin/nologin %s)\n",
		    user, user);
		return (-1);
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return (0);
}

/* privdrop_chown - give a file we made to run_user (if it exists); 0 or -1 */
int
privdrop_chown(const char *user, const char *path, buf *err)
{
	uid_t	 uid;
	gid_t	 gid;

	if (user == NULL || *user == '\0' || geteuid() != 0)
		return (0);
	if (lookup(user, &uid, &gid, err) < 0)
		return (-1);
	if (chown(path, uid, gid) < 0 && errno != ENOENT) {
		buf_printf(err, "chown %s to %s: %s\n", path, user, strerror(errno));
		return (-1);
	}
	return (0);
}

/* privdrop_to - become run_user for good; 0 or -1 */
int
privdrop_to(const char *user, buf *err)
{
	uid_t	 uid;
	gid_t	 gid;

	if (user == NULL || *user == '\0' || geteuid() != 0)
		return (0);
	if (lookup(user, &uid, &gid, err) < 0)
		return (-1);
	if (setgroups(1, &gid) < 0 || setresgid(gid, gid, gid) < 0 ||
	    setresuid(uid, uid, uid) < 0) {
		buf_printf(err, "cannot become %s: %s\n", user, strerror(errno));
		return (-1);
	}
	if (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
		buf_printf(err, "could become root again after dropping to %s\n",
		    user);
		return (-1);
	}
	return (0);
}
