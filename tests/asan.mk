# asan.mk - jubao's programs with AddressSanitizer and UBSan, in build/asan
#
#   make asan        (the top Makefile runs: make -f tests/asan.mk)
#
# Every object is compiled again with -fsanitize=address,undefined
# -fno-omit-frame-pointer -g -O1 into build/asan/ with the source tree's
# layout (build/asan/milter/jubao-milter, build/asan/shared/jubaoctl,
# build/asan/sip/jubao-sipd, build/asan/web/jubao-webd,
# build/asan/tests/unit/t_unit,
# build/asan/tests/tools/jubao-parse), so the normal build is untouched.
# The tests take their programs from there with JUBAO_BUILD=build/asan
# (tests/t-asan.sh).  The source lists come from the top Makefile.

AS	 = build/asan
ASAN	 = -fsanitize=address,undefined -fno-omit-frame-pointer
# set before the Makefile, which appends its own (-std=gnu11 -D_GNU_SOURCE ...)
CFLAGS	 = -O1 -g $(ASAN)
LDFLAGS	 = $(ASAN)

include Makefile

# after the Makefile's CFLAGS: no fortified libc calls under ASan
AS_CPP	 = -U_FORTIFY_SOURCE
AS_LIB	 = $(AS)/shared/libjubao.a
AS_MILTER_LIB = $(addprefix $(AS)/,$(MILTER_LIB_OBJ))
AS_PROGS = $(addprefix $(AS)/,$(PROGS) $(TOOLS))
HDRS	 = $(wildcard shared/*.h milter/*.h sip/*.h web/*.h tests/unit/*.h)

.DEFAULT_GOAL := asan-all
asan-all: $(AS_PROGS)

$(AS)/%.o: %.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(SIP_CFLAGS) $(WEBD_CFLAGS) $(CFLAGS) $(AS_CPP) -c -o $@ $<

$(AS_LIB): $(addprefix $(AS)/,$(SHARED_OBJ))
	$(AR) rcs $@ $^

$(AS)/milter/jubao-milter: $(addprefix $(AS)/,$(MILTER_OBJ)) $(AS_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_MILTER) $(LDLIBS_COMMON)

$(AS)/sip/jubao-sipd: $(addprefix $(AS)/,$(SIP_OBJ)) $(AS_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_SIP) $(LDLIBS_COMMON)

$(AS)/web/jubao-webd: $(addprefix $(AS)/,$(WEBD_OBJ)) $(AS_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_WEBD) $(LDLIBS_COMMON)

$(AS)/tests/tools/webfx: $(AS)/tests/tools/webfx.o $(AS_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_COMMON)

$(AS)/shared/jubaoctl: $(addprefix $(AS)/,$(CTL_OBJ)) $(AS_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_COMMON)

$(AS)/tests/tools/jubao-parse: $(AS)/tests/tools/jubao-parse.o $(AS_MILTER_LIB) $(AS_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_MILTER) $(LDLIBS_COMMON)

$(AS)/tests/unit/t_unit: $(AS)/tests/unit/t_unit.o $(AS_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_COMMON)

$(AS)/tests/unit/t_store: $(AS)/tests/unit/t_store.o $(AS)/tests/unit/store_fx.o $(AS_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_COMMON)

$(AS)/tests/unit/t_store_case: $(AS)/tests/unit/t_store_case.o $(AS)/tests/unit/store_fx.o $(AS_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_COMMON)

.PHONY: asan-all
