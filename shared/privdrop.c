/*
 * NAME
 *	privdrop - run as the jubao user once the privileged work is done
 * DESCRIPTION
 *	OpenSMTPD's order: open what needs root, then setgroups, setgid,
 *	setuid, and check that root cannot be had back.
 *
 *	What root does to a path is done through descriptors, component by
 *	component from "/": no component is followed if it is a symbolic
 *	link, unless the link and the directory that holds it are root's and
 *	nobody else may write there (/var/run -> /run); owners are set with
 *	fchown on what was opened, never by name.  So a link that run_user
 *	plants in a directory it owns (the store's, the spool) cannot point
 *	root at /etc (issue "Hostile senders", finding 7).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libgen.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
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

/* acting - is there a user to hand things to (root, and run_user set) */
static int
acting(const char *user)
{
	return (user != NULL && *user != '\0' && geteuid() == 0);
}

/*
 * walk - open the directory path (creating what is missing when create,
 * mode, given to uid:gid) without following a link a user could have
 * planted; its descriptor, or -1 with err
 */
static int
walk(const char *path, int create, int mode, uid_t uid, gid_t gid, buf *err)
{
	char		*copy = xstrdup(path), *comp, *save;
	struct stat	 sb, db;
	int		 fd, nfd, made;

	fd = open(path[0] == '/' ? "/" : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		buf_printf(err, "%s: %s\n", path, strerror(errno));
		free(copy);
		return (-1);
	}
	for (comp = strtok_r(copy, "/", &save); comp != NULL;
	    comp = strtok_r(NULL, "/", &save)) {
		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			buf_printf(err, "%s: \"..\" in a path root uses\n", path);
			goto fail;
		}
		made = 0;
		if (fstatat(fd, comp, &sb, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno != ENOENT || !create || (mkdirat(fd, comp,
			    (mode_t)mode) < 0 && errno != EEXIST) ||
			    fstatat(fd, comp, &sb, AT_SYMLINK_NOFOLLOW) < 0) {
				buf_printf(err, "%s: %s: %s\n", path, comp,
				    strerror(errno));
				goto fail;
			}
			made = 1;
		}
		if (S_ISLNK(sb.st_mode)) {
			/* a link root put where only root writes: followed */
			if (fstat(fd, &db) < 0 || sb.st_uid != 0 || db.st_uid != 0 ||
			    (db.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
				buf_printf(err, "%s: %s is a symbolic link in a "
				    "directory that is not root's alone: refused\n",
				    path, comp);
				goto fail;
			}
			nfd = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		} else
			nfd = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			    O_CLOEXEC);
		if (nfd < 0) {
			buf_printf(err, "%s: %s: %s\n", path, comp, strerror(errno));
			goto fail;
		}
		close(fd);
		fd = nfd;
		if (made && uid != 0 && fchown(fd, uid, gid) < 0) {
			buf_printf(err, "%s: chown: %s\n", path, strerror(errno));
			goto fail;
		}
	}
	free(copy);
	return (fd);
fail:
	close(fd);
	free(copy);
	return (-1);
}

/*
 * privdrop_dir - a directory the daemon needs, made if missing (mode) and
 * handed to run_user if root has it; without run_user (or not root) only
 * made.  0 or -1 with err.
 */
int
privdrop_dir(const char *user, const char *path, int mode, buf *err)
{
	struct stat	 sb;
	uid_t		 uid = 0;
	gid_t		 gid = 0;
	int		 fd, rc = 0;

	if (acting(user) && lookup(user, &uid, &gid, err) < 0)
		return (-1);
	if ((fd = walk(path, 1, mode, uid, gid, err)) < 0)
		return (-1);
	if (uid != 0 && fstat(fd, &sb) == 0 && sb.st_uid == 0 &&
	    fchown(fd, uid, gid) < 0) {
		buf_printf(err, "chown %s to %s: %s\n", path, user, strerror(errno));
		rc = -1;
	}
	close(fd);
	return (rc);
}

/*
 * privdrop_file - hand a file root made (the store and its WAL from an
 * older jubao, a unix socket) to run_user: its directory walked as above,
 * the file itself opened without following a link, and only a regular
 * file with one link or a socket, only if root has it.  Absent is fine.
 * 0 or -1 with err.
 */
int
privdrop_file(const char *user, const char *path, buf *err)
{
	char		*d = xstrdup(path), *b = xstrdup(path);
	const char	*base = basename(b);
	struct stat	 sb;
	uid_t		 uid;
	gid_t		 gid;
	size_t		 mark = err->len;
	int		 dfd, fd, rc = -1;

	if (!acting(user)) {
		rc = 0;
		goto out;
	}
	if (lookup(user, &uid, &gid, err) < 0 ||
	    (dfd = walk(dirname(d), 0, 0, 0, 0, err)) < 0)
		goto out;
	if (fstatat(dfd, base, &sb, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			rc = 0;
		else
			buf_printf(err, "%s: %s\n", path, strerror(errno));
	} else if (S_ISLNK(sb.st_mode))
		buf_printf(err, "%s is a symbolic link: refused\n", path);
	else if (sb.st_uid != 0)
		rc = 0;
	else if (S_ISSOCK(sb.st_mode))
		rc = fchownat(dfd, base, uid, gid, AT_SYMLINK_NOFOLLOW) < 0 ? -1 : 0;
	else if (!S_ISREG(sb.st_mode) || sb.st_nlink != 1)
		buf_printf(err, "%s: not a plain file of its own: refused\n", path);
	else if ((fd = openat(dfd, base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) < 0)
		buf_printf(err, "%s: %s\n", path, strerror(errno));
	else {
		rc = fchown(fd, uid, gid) < 0 ? -1 : 0;
		close(fd);
	}
	if (rc < 0 && err->len == mark)
		buf_printf(err, "chown %s to %s: %s\n", path, user, strerror(errno));
	close(dfd);
out:
	free(d);
	free(b);
	return (rc);
}

/*
 * privdrop_store - the store's directory (made and handed over as
 * privdrop_dir does) and its files from an older jubao that made them as
 * root (privdrop_file).  0 or -1 with err.
 */
int
privdrop_store(const char *user, const char *store_path, buf *err)
{
	/* -lock: the writers' queue (db_sqlite.c) */
	static const char *const sfx[] = { "", "-wal", "-shm", "-lock", NULL };
	char	*d = xstrdup(store_path), *p;
	int	 i, rc = 0;

	if ((p = strrchr(d, '/')) != NULL && p != d) {
		*p = '\0';
		rc = privdrop_dir(user, d, 0750, err);
	}
	free(d);
	for (i = 0; rc == 0 && sfx[i]; i++) {
		p = xasprintf("%s%s", store_path, sfx[i]);
		rc = privdrop_file(user, p, err);
		free(p);
	}
	return (rc);
}

/* privdrop_to - become run_user for good; 0 or -1 */
int
privdrop_to(const char *user, buf *err)
{
	uid_t	 uid;
	gid_t	 gid;

	if (!acting(user))
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
