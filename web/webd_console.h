/*
 * NAME
 *	webd_console - what the console's files share (webd_staff.c: the
 *	session, login, accounts, the layout; webd_console.c: the queue, a
 *	case, its actions and evidence, statistics)
 */
#ifndef JUBAO_WEBD_CONSOLE_H
#define JUBAO_WEBD_CONSOLE_H

#include "staff.h"
#include "webd.h"

/* a console request in progress */
struct sx {
	const struct runtime	*rt;
	const struct webd_site	*site;
	const struct webd_request *rq;
	struct webd_answer	*a;
	enum webd_lang		 l;
	struct store		*st;
	struct staff_session	 ses;	/* who is logged in */
	int			 authed;
	time_t			 now;
	buf			 b;	/* the page's content */
	char			*flash;	/* a message at its top (plain text) */
	int			 flash_bad;
};

/* the text of the page's language: T(x, "中文", "English") */
#define T(x, zh, en)	((x)->l == WL_EN ? (en) : (zh))

/* webd_staff.c */
void	 hp(buf *, const char *fmt, ...);
void	 hesc(buf *, const char *);
void	 hurl(buf *, const char *);
void	 sx_page(struct sx *, unsigned int status, const char *title);
void	 sx_flash(struct sx *, int bad, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	 sx_error(struct sx *, unsigned int status, const char *zh,
	    const char *en);
void	 sx_redirect(struct sx *, const char *path);
const char *sx_role(const struct sx *, enum staff_role);

/* webd_console.c: 0, or -1 when the store failed (store_error) */
int	 console_page(struct sx *, const char *path);

#endif
