# fuzz.mk - build jubao's libFuzzer targets into build/fuzz (clang)
#
#   make -f tests/fuzz/fuzz.mk          (from the top; "make fuzz" runs them)
#
# The project's objects are compiled again with
# -fsanitize=fuzzer-no-link,address,undefined into build/fuzz/ (the same
# relative layout), so the normal build is untouched; each target is linked
# with -fsanitize=fuzzer,address,undefined.  The source lists come from the
# top Makefile, so a new file there is fuzzed without an edit here.
#
# The SIP targets compile the sip_*.c file whose static parser they drive
# into their own translation unit (#include), and link the other sip
# objects except sip_main.o, whose few functions tests/fuzz/sip_stubs.c
# stands in for.

FZ	 = build/fuzz
CC	 = clang
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all
# set before the Makefile, which appends its own (-std=gnu11 -D_GNU_SOURCE ...)
CFLAGS	 = -O1 -g -fno-omit-frame-pointer $(FUZZ_SAN) -fsanitize=fuzzer-no-link

include Makefile

# after the Makefile's own CFLAGS: the sanitizers want no fortified libc calls
FZ_CPP	 = -U_FORTIFY_SOURCE -DJB_TOP='"$(CURDIR)"'
FZ_LINK	 = $(CC) -fsanitize=fuzzer $(FUZZ_SAN)

FZ_SHARED = $(addprefix $(FZ)/,$(SHARED_OBJ))
FZ_LIB	  = $(FZ)/shared/libjubao.a
FZ_SIP_ALL = $(addprefix $(FZ)/,$(filter-out sip/sip_main.o,$(SIP_OBJ)))
TARGETS	  = mime conf tmpl caseno sdp rtp dtmf
FZ_BINS	  = $(addprefix $(FZ)/fuzz_,$(TARGETS))
HDRS	  = $(wildcard shared/*.h milter/*.h sip/*.h)

.DEFAULT_GOAL := fuzz-all
fuzz-all: $(FZ_BINS)

$(FZ)/%.o: %.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(SIP_CFLAGS) $(CFLAGS) $(FZ_CPP) -c -o $@ $<

$(FZ_LIB): $(FZ_SHARED)
	$(AR) rcs $@ $(FZ_SHARED)

$(FZ)/tests/fuzz/%.o: tests/fuzz/%.c $(HDRS) tests/fuzz/fuzz.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Isip $(SIP_CFLAGS) $(CFLAGS) $(FZ_CPP) -c -o $@ $<

$(FZ)/fuzz_mime: $(FZ)/tests/fuzz/fuzz_mime.o $(FZ)/milter/milter_mime.o \
    $(FZ)/milter/milter_text.o $(FZ)/milter/milter_scan.o $(FZ_LIB)
	$(FZ_LINK) -o $@ $^ $(LDLIBS_COMMON)

$(FZ)/fuzz_conf: $(FZ)/tests/fuzz/fuzz_conf.o $(FZ_LIB)
	$(FZ_LINK) -o $@ $^ $(LDLIBS_COMMON)

$(FZ)/fuzz_tmpl: $(FZ)/tests/fuzz/fuzz_tmpl.o $(FZ_LIB)
	$(FZ_LINK) -o $@ $^ $(LDLIBS_COMMON)

$(FZ)/fuzz_caseno: $(FZ)/tests/fuzz/fuzz_caseno.o $(FZ_LIB)
	$(FZ_LINK) -o $@ $^ $(LDLIBS_COMMON)

# fuzz_sdp includes sip_sdp.c; fuzz_dtmf sip_ua.c and sip_media.c
$(FZ)/fuzz_sdp: $(FZ)/tests/fuzz/fuzz_sdp.o $(FZ)/tests/fuzz/sip_stubs.o \
    $(filter-out $(FZ)/sip/sip_sdp.o,$(FZ_SIP_ALL)) $(FZ_LIB)
	$(FZ_LINK) -o $@ $^ $(LDLIBS_SIP) $(LDLIBS_COMMON)

$(FZ)/fuzz_dtmf: $(FZ)/tests/fuzz/fuzz_dtmf.o $(FZ)/tests/fuzz/sip_stubs.o \
    $(filter-out $(FZ)/sip/sip_ua.o $(FZ)/sip/sip_media.o,$(FZ_SIP_ALL)) $(FZ_LIB)
	$(FZ_LINK) -o $@ $^ $(LDLIBS_SIP) $(LDLIBS_COMMON)

# fuzz_rtp includes sip_media.c
$(FZ)/fuzz_rtp: $(FZ)/tests/fuzz/fuzz_rtp.o $(FZ)/tests/fuzz/sip_stubs.o \
    $(filter-out $(FZ)/sip/sip_media.o,$(FZ_SIP_ALL)) $(FZ_LIB)
	$(FZ_LINK) -o $@ $^ $(LDLIBS_SIP) $(LDLIBS_COMMON)

$(FZ)/tests/fuzz/fuzz_sdp.o: sip/sip_sdp.c
$(FZ)/tests/fuzz/fuzz_dtmf.o: sip/sip_ua.c
$(FZ)/tests/fuzz/fuzz_rtp.o $(FZ)/tests/fuzz/fuzz_dtmf.o: sip/sip_media.c

.PHONY: fuzz-all
