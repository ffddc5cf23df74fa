# jubao - report intake for mail and telephony.  See README.md.
#
#   make            build everything
#   make check      install missing Debian packages, build, run every test
#   make demo       the whole flow on loopback (Postfix, milter, store, acks)
#   make install    DESTDIR=... PREFIX=... (default /usr/local)

PREFIX	?= /usr/local
SBINDIR	?= $(PREFIX)/sbin
MANDIR	?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
UNITDIR	?= /lib/systemd/system

CC	?= cc
PKGS	= gmime-3.0 sqlite3 libsodium jansson libcurl libxml-2.0
CFLAGS	?= -O2 -g
CFLAGS	+= -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Wno-unused-parameter -Wformat=2 \
	   -D_FORTIFY_SOURCE=2 -fstack-protector-strong -pthread
CPPFLAGS += -Ishared -Imilter $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS_COMMON = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -pthread
LDLIBS_MILTER = -lmilter -lspf2

SHARED_SRC = shared/util.c shared/log.c shared/conffile.c shared/cfg.c \
	shared/caseno.c shared/report.c shared/extract.c shared/classify.c \
	shared/tmpl.c shared/evidence.c shared/store.c shared/ack.c \
	shared/outbox.c shared/store_case.c shared/feedback.c shared/stats_html.c
SHARED_OBJ = $(SHARED_SRC:.c=.o)
MILTER_LIB_SRC = milter/milter_mime.c milter/milter_spf.c
MILTER_LIB_OBJ = $(MILTER_LIB_SRC:.c=.o)
MILTER_OBJ = milter/milter_main.o milter/milter_cb.o $(MILTER_LIB_OBJ)

PROGS	= milter/jubao-milter shared/jubaoctl
TOOLS	= tests/tools/jubao-parse tests/unit/t_unit
LIB	= shared/libjubao.a

all: $(PROGS) $(TOOLS)

$(LIB): $(SHARED_OBJ)
	$(AR) rcs $@ $(SHARED_OBJ)

milter/jubao-milter: $(MILTER_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(MILTER_OBJ) $(LIB) $(LDLIBS_MILTER) $(LDLIBS_COMMON)

shared/jubaoctl: shared/jubaoctl.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ shared/jubaoctl.o $(LIB) $(LDLIBS_COMMON)

tests/tools/jubao-parse: tests/tools/jubao-parse.o $(MILTER_LIB_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ tests/tools/jubao-parse.o $(MILTER_LIB_OBJ) $(LIB) \
	    $(LDLIBS_MILTER) $(LDLIBS_COMMON)

tests/unit/t_unit: tests/unit/t_unit.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ tests/unit/t_unit.o $(LIB) $(LDLIBS_COMMON)

%.o: %.c shared/*.h milter/*.h
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

deps:
	sh tests/install-deps.sh

check: deps
	$(MAKE) all
	sh tests/run.sh

demo: deps
	$(MAKE) all
	sh tests/demo.sh

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(SYSCONFDIR)/jubao/templates/zh-CN \
	    $(DESTDIR)$(SYSCONFDIR)/jubao/templates/en $(DESTDIR)$(UNITDIR)
	install -m 755 milter/jubao-milter shared/jubaoctl $(DESTDIR)$(SBINDIR)
	install -m 644 milter/jubao-milter.8 shared/jubaoctl.8 $(DESTDIR)$(MANDIR)/man8
	install -m 644 shared/jubao.conf.5 $(DESTDIR)$(MANDIR)/man5
	install -m 644 conf/categories.conf $(DESTDIR)$(SYSCONFDIR)/jubao/
	test -e $(DESTDIR)$(SYSCONFDIR)/jubao/jubao.conf || \
	    install -m 640 conf/jubao.conf $(DESTDIR)$(SYSCONFDIR)/jubao/
	install -m 644 conf/templates/zh-CN/*.txt $(DESTDIR)$(SYSCONFDIR)/jubao/templates/zh-CN
	install -m 644 conf/templates/en/*.txt $(DESTDIR)$(SYSCONFDIR)/jubao/templates/en
	install -m 644 conf/jubao-milter.service $(DESTDIR)$(UNITDIR)

clean:
	rm -f $(SHARED_OBJ) $(MILTER_OBJ) shared/jubaoctl.o $(LIB) $(PROGS) \
	    $(TOOLS) tests/tools/*.o tests/unit/*.o

.PHONY: all deps check demo install clean
