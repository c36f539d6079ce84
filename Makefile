# crm - a Unix-style customer-management toolkit.
#
#   make            build every command into $(B)/
#   make test       run the whole suite (bats), ending with "N passed, N failed"
#   make deps       install the build and test dependencies (Debian/Ubuntu, as root)
#   make install    PREFIX=/usr/local DESTDIR= : binaries and man pages
#   make asan       the suite under AddressSanitizer + UndefinedBehaviorSanitizer
#   make valgrind   the suite with every crm command run under valgrind
#   make tsan       the import suites under ThreadSanitizer (crm-import's two threads)
#   make bench      benchmarks against sqlite3 (large; see bench/run)
#   make demo       import the bundled sample shop and print the weekly report
#   make lint       mandoc -Tlint on the man pages
#   make layout     the architecture's figures: include and link cycles, SQL in cmd/, long files and functions

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
DESTDIR ?=

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN     = -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
           -Wold-style-definition -Wwrite-strings -Wvla -Wformat-security -Wshadow
CPPFLAGS += -D_GNU_SOURCE -Ilib -DCRM_VERSION='"$(VERSION)"'
LDLIBS  += -lsqlite3 -lcsv -lm
VERSION  = 0.1.0

# crm-import reads on one thread and writes on another (lib/feed.c), and
# crm-segment reads customer figures in two halves at once (lib/rfm.c);
# override, so that a CFLAGS given on the command line (make asan) keeps it.
override CFLAGS += -pthread

# Build directory; the sanitizer and valgrind builds use their own.
B ?= build
ifdef SANITIZE
override CFLAGS  += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
override LDFLAGS += -fsanitize=$(SANITIZE)
endif

CMDS     = crm crm-coupon crm-import crm-nps crm-report crm-segment
LIB_SRC  = $(wildcard lib/*.c)
LIB_OBJ  = $(LIB_SRC:lib/%.c=$(B)/lib/%.o)
TOOLS    = $(B)/crm-synth $(B)/sqlite-floor $(B)/t/normcheck $(B)/t/gridcheck $(B)/t/rulescheck $(B)/t/npscheck $(B)/t/couponcheck
MAN1     = $(wildcard man/*.1)
MAN7     = $(wildcard man/*.7)

all: $(CMDS:%=$(B)/%) $(TOOLS) $(B)/libfailwrite.so

# Each object depends on the headers it includes, as the compiler lists them
# in a .d file beside it (-MP: a deleted header is no error), so touching a
# header recompiles only what includes it; the programs linking libcrm.a are
# linked again.
DEPFLAGS = -MMD -MP
COMPILE  = $(CC) $(CPPFLAGS) $(DEPFLAGS) $(CFLAGS) $(WARN) -c -o $@ $<

$(B)/lib/%.o: lib/%.c | $(B)/lib
	$(COMPILE)

$(B)/cmd/%.o: cmd/%.c | $(B)/cmd
	$(COMPILE)

$(B)/t/%.o: tests/unit/%.c | $(B)/t
	$(COMPILE)

$(B)/libcrm.a: $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $(LIB_OBJ)

$(B)/%: $(B)/cmd/%.o $(B)/libcrm.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libcrm.a $(LDLIBS)

$(B)/sqlite-floor: bench/sqlite-floor.c | $(B)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $< -lsqlite3

$(B)/crm-synth: bench/crm-synth.c | $(B)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $< -lm

# The fault suite's full disk (tests/faults.bats): a shim that LD_PRELOAD puts
# under the commands.  Without CFLAGS, so that a sanitizer build's shim
# carries no runtime of its own; without _FORTIFY_SOURCE, whose inline open()
# it would define again.
$(B)/libfailwrite.so: tests/faults/failwrite.c | $(B)
	$(CC) $(CPPFLAGS) -U_FORTIFY_SOURCE -O2 -g $(WARN) -fPIC -shared -o $@ $< -ldl

$(B)/t/%: $(B)/t/%.o $(B)/libcrm.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libcrm.a $(LDLIBS)

$(B) $(B)/lib $(B)/cmd $(B)/t:
	mkdir -p $@

OBJ = $(LIB_OBJ) $(CMDS:%=$(B)/cmd/%.o) $(addsuffix .o,$(filter $(B)/t/%,$(TOOLS)))
-include $(wildcard $(OBJ:.o=.d))
# An object without its .d (built before there were any) depends on every
# header, until it is built again and has one.
NODEP = $(foreach o,$(OBJ),$(if $(wildcard $(o:.o=.d)),,$(o)))
$(NODEP): $(wildcard lib/*.h)

# The suite runs the commands from $(B); tests/run prints the closing count line.
test: all
	CRM_BUILD=$(abspath $(B)) tests/run

asan:
	$(MAKE) B=build-asan SANITIZE=address,undefined CFLAGS='-O1 -g' test

# The suites whose commands run two threads, which TSan watches: crm-import
# (reading and writing) and crm-segment (two halves of the figures).
THREAD_TESTS = tests/import.bats tests/robust.bats tests/stats.bats tests/segment.bats

tsan:
	$(MAKE) B=build-tsan SANITIZE=thread CFLAGS='-O1 -g' all
	CRM_BUILD=$(abspath build-tsan) TESTS="$(THREAD_TESTS)" tests/run

valgrind: all
	CRM_BUILD=$(abspath $(B)) CRM_VALGRIND=1 tests/run

bench: all
	bench/run $(abspath $(B))

demo: all
	bench/demo $(abspath $(B))

# tests/layout.bats checks the same rules inside make test.
layout: all
	tests/layout $(abspath $(B))

lint:
	mandoc -Tlint -W warning $(MAN1) $(MAN7)

deps:
	@if command -v apt-get >/dev/null 2>&1; then \
		apt-get update && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
			build-essential clang pkg-config libsqlite3-dev libcsv-dev sqlite3 \
			bats bats-support bats-assert mandoc valgrind tzdata locales time \
			chromium fonts-noto-cjk python3; \
	else \
		echo "make deps: no apt-get here; install a C compiler, SQLite 3 (library," \
		     "headers and the sqlite3 shell), libcsv, bats-core with bats-support" \
		     "and bats-assert, mandoc, valgrind, tzdata, python3, and Chromium with a" \
		     "CJK font for the HTML report's test, with your package manager" >&2; \
		exit 1; \
	fi

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7
	install -m 755 $(CMDS:%=$(B)/%) $(DESTDIR)$(BINDIR)
	install -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1
	install -m 644 $(MAN7) $(DESTDIR)$(MANDIR)/man7

clean:
	rm -rf build build-*

.PHONY: all test asan tsan valgrind bench demo layout lint deps install clean
.SECONDARY: $(OBJ)
