# jubao - report intake for mail and telephony.  See README.md.
#
#   make            build everything
#   make check      install missing Debian packages, build, run every test
#   make demo       the whole flow on loopback (Postfix, milter, store, acks)
#   make install    DESTDIR=... PREFIX=... (default /usr/local)
#   make deb        the Debian packages, built from a copy, into build/deb

PREFIX	?= /usr/local
SBINDIR	?= $(PREFIX)/sbin
MANDIR	?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
UNITDIR	?= /lib/systemd/system

CC	?= cc
PKGS	= gmime-3.0 sqlite3 libpq libsodium jansson libcurl libxml-2.0 libcrypto
CFLAGS	?= -O2 -g
CFLAGS	+= -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Wno-unused-parameter -Wformat=2 \
	   -D_FORTIFY_SOURCE=2 -fstack-protector-strong -pthread
CPPFLAGS += -Ishared -Imilter $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS_COMMON = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -pthread
LDLIBS_MILTER = -lmilter -lspf2

# the library, in layers (README "Where things happen"): utilities; the db
# layer; the store by concern; the intake pipeline and the workflow; the
# daemon skeleton
SHARED_SRC = shared/util.c shared/log.c shared/conffile.c shared/cfg.c \
	shared/caseno.c shared/report.c shared/extract.c shared/classify.c \
	shared/tmpl.c shared/evidence.c shared/evidence_get.c shared/derive.c shared/crypt.c shared/privdrop.c \
	shared/db.c shared/db_sqlite.c shared/db_pg.c \
	shared/store.c shared/ledger.c shared/store_intake.c \
	shared/store_outbox.c shared/store_case.c shared/store_query.c \
	shared/store_stats.c shared/store_rollup.c shared/store_purge.c \
	shared/store_copy.c shared/store_lookup.c shared/store_staff.c \
	shared/ack.c shared/feedback.c shared/intake.c shared/workflow.c \
	shared/lookup.c shared/outbox.c shared/daemon.c shared/stats_html.c \
	shared/staff.c shared/store_typical.c
SHARED_OBJ = $(SHARED_SRC:.c=.o)
MILTER_LIB_SRC = milter/milter_mime.c milter/milter_text.c milter/milter_scan.c \
	milter/milter_spf.c
MILTER_LIB_OBJ = $(MILTER_LIB_SRC:.c=.o)
MILTER_OBJ = milter/milter_main.o milter/milter_cb.o $(MILTER_LIB_OBJ)
SIP_OBJ = sip/sip_main.o sip/sip_ua.o sip/sip_call.o sip/sip_media.o \
	sip/sip_prompt.o sip/sip_sms.o sip/sip_sdp.o
CTL_OBJ = shared/jubaoctl.o shared/ctl_show.o shared/ctl_act.o \
	shared/ctl_stats.o shared/ctl_run.o shared/ctl_user.o
SIP_CFLAGS = $(shell pkg-config --cflags sofia-sip-ua 2>/dev/null)
LDLIBS_SIP = $(shell pkg-config --libs sofia-sip-ua 2>/dev/null)
PROMPTS	= conf/prompts/zh/.stamp

PROGS	= milter/jubao-milter shared/jubaoctl sip/jubao-sipd web/jubao-webd
TOOLS	= tests/tools/jubao-parse tests/unit/t_unit tests/unit/t_store \
	tests/unit/t_store_case
LIB	= shared/libjubao.a

all: $(PROGS) $(TOOLS) $(PROMPTS)

$(LIB): $(SHARED_OBJ)
	$(AR) rcs $@ $(SHARED_OBJ)

milter/jubao-milter: $(MILTER_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(MILTER_OBJ) $(LIB) $(LDLIBS_MILTER) $(LDLIBS_COMMON)

sip/jubao-sipd: $(SIP_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(SIP_OBJ) $(LIB) $(LDLIBS_SIP) $(LDLIBS_COMMON)

$(SIP_OBJ): sip/sip.h
sip/%.o: sip/%.c shared/*.h sip/sip.h
	$(CC) $(CPPFLAGS) $(SIP_CFLAGS) $(CFLAGS) -c -o $@ $<

# the voice prompts, spoken by espeak-ng from their text
$(PROMPTS): conf/prompts.txt sip/mkprompts.sh
	sh sip/mkprompts.sh conf/prompts.txt conf/prompts/zh 2>/dev/null
	touch $@

shared/jubaoctl: $(CTL_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(CTL_OBJ) $(LIB) $(LDLIBS_COMMON)

tests/tools/jubao-parse: tests/tools/jubao-parse.o $(MILTER_LIB_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ tests/tools/jubao-parse.o $(MILTER_LIB_OBJ) $(LIB) \
	    $(LDLIBS_MILTER) $(LDLIBS_COMMON)

tests/unit/t_unit: tests/unit/t_unit.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ tests/unit/t_unit.o $(LIB) $(LDLIBS_COMMON)

tests/unit/t_store: tests/unit/t_store.o tests/unit/store_fx.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ tests/unit/t_store.o tests/unit/store_fx.o $(LIB) \
	    $(LDLIBS_COMMON)

tests/unit/t_store_case: tests/unit/t_store_case.o tests/unit/store_fx.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ tests/unit/t_store_case.o tests/unit/store_fx.o \
	    $(LIB) $(LDLIBS_COMMON)

tests/unit/%.o: tests/unit/%.c tests/unit/*.h shared/*.h sip/sip_say.h
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

%.o: %.c shared/*.h milter/*.h
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

deps:
	sh tests/install-deps.sh

check: deps
	$(MAKE) all
	bash tests/run.sh

demo: deps
	$(MAKE) all
	bash tests/demo.sh

# the units name the programs where SBINDIR puts them
INSTALL_UNIT = sed -e 's,/usr/local/sbin/,$(SBINDIR)/,g'

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(SYSCONFDIR)/jubao/templates/zh-CN \
	    $(DESTDIR)$(SYSCONFDIR)/jubao/templates/en $(DESTDIR)$(UNITDIR)
	install -m 755 milter/jubao-milter shared/jubaoctl $(DESTDIR)$(SBINDIR)
	install -m 755 milter/jubao-postfix-config $(DESTDIR)$(SBINDIR)
	install -m 644 milter/jubao-milter.8 shared/jubaoctl.8 \
	    milter/jubao-postfix-config.8 $(DESTDIR)$(MANDIR)/man8
	install -m 644 shared/jubao.conf.5 $(DESTDIR)$(MANDIR)/man5
	install -m 644 conf/categories.conf $(DESTDIR)$(SYSCONFDIR)/jubao/
	test -e $(DESTDIR)$(SYSCONFDIR)/jubao/jubao.conf || \
	    install -m 640 conf/jubao.conf $(DESTDIR)$(SYSCONFDIR)/jubao/
	# a key, made once and never replaced; the units run the daemons as
	# jubao, so chown it to jubao (README "Installing with make
	# install").  The Debian packages ship none (debian/rules removes
	# it): jubao-common's postinst makes it on the host
	test -e $(DESTDIR)$(SYSCONFDIR)/jubao/jubao.key || \
	    (umask 077; od -An -N32 -tx1 /dev/urandom | tr -d ' \n' \
	    >$(DESTDIR)$(SYSCONFDIR)/jubao/jubao.key; \
	    echo >>$(DESTDIR)$(SYSCONFDIR)/jubao/jubao.key)
	install -m 644 conf/templates/zh-CN/*.txt $(DESTDIR)$(SYSCONFDIR)/jubao/templates/zh-CN
	install -m 644 conf/templates/en/*.txt $(DESTDIR)$(SYSCONFDIR)/jubao/templates/en
	$(INSTALL_UNIT) conf/jubao-milter.service >$(DESTDIR)$(UNITDIR)/jubao-milter.service
	install -d $(DESTDIR)$(SYSCONFDIR)/jubao/prompts/zh
	install -m 755 sip/jubao-sipd $(DESTDIR)$(SBINDIR)
	install -m 644 sip/jubao-sipd.8 $(DESTDIR)$(MANDIR)/man8
	install -m 644 conf/prompts/zh/*.wav $(DESTDIR)$(SYSCONFDIR)/jubao/prompts/zh
	$(INSTALL_UNIT) conf/jubao-sipd.service >$(DESTDIR)$(UNITDIR)/jubao-sipd.service

clean:
	rm -f $(SHARED_OBJ) $(MILTER_OBJ) $(SIP_OBJ) $(CTL_OBJ) $(LIB) $(PROGS) \
	    $(TOOLS) tests/tools/*.o tests/unit/*.o

.PHONY: all deps check demo install clean

# benchmarks (tests/bench/, issue 6): "make bench" runs each in full and
# writes tests/bench/RESULTS.md (minutes); "make bench-smoke" is CI's short
# run of each, only to keep them working (tests/t-bench-smoke.sh runs it too)
BENCH_TOOLS = tests/bench/storebench

tests/bench/storebench: tests/bench/storebench.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ tests/bench/storebench.o $(LIB) $(LDLIBS_COMMON)

bench: deps
	$(MAKE) milter/jubao-milter shared/jubaoctl $(BENCH_TOOLS)
	bash tests/bench/run.sh

bench-smoke: milter/jubao-milter shared/jubaoctl $(BENCH_TOOLS)
	bash tests/bench/run.sh --smoke

.PHONY: bench bench-smoke

# sanitizers and fuzzing: build/asan (tests/asan.mk, tests/t-asan.sh) and
# the libFuzzer targets in build/fuzz (tests/fuzz/), each run FUZZ_SECONDS
FUZZ_SECONDS ?= 60

asan:
	$(MAKE) -f tests/asan.mk

fuzz:
	sh tests/fuzz/run.sh $(FUZZ_SECONDS)

.PHONY: asan fuzz

# jubao-webd, the reporters' status page (web/, issue 12): GNU
# libmicrohttpd; its templates and stylesheet go with the others; the
# test tool tests/tools/webfx makes cases with known PINs (tests/e2e/t-web.sh,
# tests/bench/bench-web.sh)
WEBD_OBJ = web/webd_main.o web/webd_http.o web/webd_page.o \
	web/webd_staff.o web/webd_console.o web/webd_typical.o web/webd_public.o
WEBD_CFLAGS = $(shell pkg-config --cflags libmicrohttpd 2>/dev/null)
LDLIBS_WEBD = $(shell pkg-config --libs libmicrohttpd 2>/dev/null)
TOOLS	+= tests/tools/webfx
all: tests/tools/webfx

web/jubao-webd: $(WEBD_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(WEBD_OBJ) $(LIB) $(LDLIBS_WEBD) $(LDLIBS_COMMON)

web/%.o: web/%.c web/*.h shared/*.h
	$(CC) $(CPPFLAGS) $(WEBD_CFLAGS) $(CFLAGS) -c -o $@ $<

tests/tools/webfx: tests/tools/webfx.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ tests/tools/webfx.o $(LIB) $(LDLIBS_COMMON)

install: install-webd
install-webd: web/jubao-webd
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(SYSCONFDIR)/jubao/templates/zh-CN \
	    $(DESTDIR)$(SYSCONFDIR)/jubao/templates/en $(DESTDIR)$(UNITDIR)
	install -m 755 web/jubao-webd $(DESTDIR)$(SBINDIR)
	install -m 644 web/jubao-webd.8 $(DESTDIR)$(MANDIR)/man8
	install -m 644 conf/templates/zh-CN/web-*.html $(DESTDIR)$(SYSCONFDIR)/jubao/templates/zh-CN
	install -m 644 conf/templates/en/web-*.html $(DESTDIR)$(SYSCONFDIR)/jubao/templates/en
	install -m 644 conf/templates/web-style.css $(DESTDIR)$(SYSCONFDIR)/jubao/templates
	$(INSTALL_UNIT) conf/jubao-webd.service >$(DESTDIR)$(UNITDIR)/jubao-webd.service

clean: clean-webd
clean-webd:
	rm -f $(WEBD_OBJ) web/jubao-webd

.PHONY: install-webd clean-webd

# the Debian packages (debian/, issue 14): built by dpkg-buildpackage in a
# copy of the tracked files (git ls-files), so that neither the work tree
# nor its parent directory is written; the .debs, .buildinfo and .changes
# land in DEBDIR.  tests/t-deb.sh builds, lints and installs them.
DEBDIR	?= build/deb

deb:
	sh debian/build.sh $(DEBDIR)

.PHONY: deb
