# crm - a Unix-style customer-management toolkit.
#
#   make            build every command into $(B)/
#   make test       run the whole suite (bats), ending with "N passed, N failed"
#   make deps       install the build and test dependencies (Debian/Ubuntu, as root),
#                   and make deps-node: DuckDB's npm package for make bench
#   make install    PREFIX=/usr/local DESTDIR= : binaries and man pages
#   make asan       the suite under AddressSanitizer + UndefinedBehaviorSanitizer
#   make valgrind   the suite with every crm command run under valgrind
#   make coverage   the suite over a gcov build, then the lines it never ran, per file
#   make tsan       the import suites under ThreadSanitizer (crm-import's two threads)
#   make bench      benchmarks against sqlite3 (large; see bench/run)
#   make demo       import the bundled sample shop and print the weekly report
#   make quality    crm-recommend --evaluate on a generated shop with planted tastes and on the demo shop
#   make quality-topics  the default topic dictionaries' precision and recall on the
#                   hand-labelled texts of tests/fixtures/topics (tuning and held-out sets)
#   make lint       mandoc -Tlint on the man pages
#   make layout     the architecture's figures: include and link cycles, SQL in cmd/, long files and functions
#   make fuzz       every libFuzzer harness of tests/fuzz for FUZZ_SECONDS (60) each, with clang;
#                   FUZZ_TARGETS=money runs one; fails on any finding (see README, Fuzzing)

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/crm
LOCALEDIR ?= $(PREFIX)/share/locale
DESTDIR ?=

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN     = -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
           -Wold-style-definition -Wwrite-strings -Wvla -Wformat-security -Wshadow
CPPFLAGS += -D_GNU_SOURCE -Ilib -DCRM_VERSION='"$(VERSION)"' -DCRM_LOCALEDIR='"$(LOCALEDIR)"'
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

CMDS     = crm crm-coupon crm-feedback crm-import crm-loyalty crm-nps crm-recommend crm-report crm-segment crm-service
LIB_SRC  = $(wildcard lib/*.c)
# The data built into the library, each file as a C string crm_NAME_text in
# build/gen/NAME.c: the default schedule (lib/schedule.c), the default topic
# dictionaries and polarity lexicons (lib/topics.c).
GEN      = schedule_ko topics_ko topics_en polarity_ko polarity_en
LIB_OBJ  = $(LIB_SRC:lib/%.c=$(B)/lib/%.o) $(GEN:%=$(B)/gen/%.o)
# The harnesses of tests/fuzz, one per target; the suite replays their
# corpus and regression inputs through build/fuzz-replay-TARGET.
FUZZ_ALL    = csv falling stream money time phone email value rules period coupon options program schedule runblob
FUZZ_REPLAY = $(FUZZ_ALL:%=$(B)/fuzz-replay-%)
TOOLS    = $(B)/crm-synth $(B)/sqlite-floor $(B)/t/normcheck $(B)/t/gridcheck $(B)/t/rulescheck $(B)/t/npscheck $(B)/t/couponcheck $(B)/t/programcheck $(B)/t/ledgercheck $(B)/t/tiercheck $(B)/t/cooccurcheck $(B)/t/schedcheck \
           $(B)/t/topicscheck $(B)/t/l10ncheck $(B)/t/runblobcheck $(B)/t/csvcheck $(B)/t/keysetcheck $(B)/t/tmpstackcheck \
           $(B)/t/tablecheck $(B)/t/recocheck $(B)/t/historycheck $(B)/t/scorecheck
MAN1     = $(wildcard man/*.1)
MAN7     = $(wildcard man/*.7)
# The pages in other languages, man/LANG/: installed where man-db looks
# for them (LANG=ko_KR.UTF-8: $(MANDIR)/ko/man1).
MAN_LANGS = ko

# The message catalogues (i18n.h): po/LANG.po compiled into the build
# tree's locale/, where the commands find them before the installed ones.
LANGS    = ko
MO       = $(LANGS:%=$(B)/locale/%/LC_MESSAGES/crm.mo)

all: $(CMDS:%=$(B)/%) $(TOOLS) $(FUZZ_REPLAY) $(B)/libfailwrite.so $(B)/libfailthread.so $(B)/libfailrandom.so $(MO)

$(B)/locale/%/LC_MESSAGES/crm.mo: po/%.po
	@mkdir -p $(@D)
	msgfmt --check -o $@ $<

# po/crm.pot: every message of cmd/ and lib/ (xgettext); make pot after
# adding or changing one, then msgmerge it into po/LANG.po
XGETTEXT = xgettext --from-code=UTF-8 --language=C --add-comments=TRANSLATORS \
	   --keyword=_ --keyword=N_ --keyword=crm_n_:1,2 --keyword=C_:1c,2 \
	   --package-name=crm \
	   --package-version=$(VERSION) --msgid-bugs-address= --sort-by-file
pot:
	$(XGETTEXT) -o po/crm.pot cmd/*.c lib/*.c
	for l in $(LANGS); do msgmerge --quiet --update --backup=none po/$$l.po po/crm.pot; done

# The template of the code as it is now, into POT_NEW: tests/i18n.bats
# compares its messages with po/crm.pot's, so a message added without
# make pot (and its translation) fails the suite.
POT_NEW ?= $(B)/crm.pot
pot-new:
	@mkdir -p $(dir $(POT_NEW))
	$(XGETTEXT) -o $(POT_NEW) cmd/*.c lib/*.c

# Each object depends on the headers it includes, as the compiler lists them
# in a .d file beside it (-MP: a deleted header is no error), so touching a
# header recompiles only what includes it; the programs linking libcrm.a are
# linked again.
DEPFLAGS = -MMD -MP
COMPILE  = $(CC) $(CPPFLAGS) $(DEPFLAGS) $(CFLAGS) $(WARN) -c -o $@ $<

$(B)/lib/%.o: lib/%.c | $(B)/lib
	$(COMPILE)

# i18n.o has the catalogue's directory compiled in (CRM_LOCALEDIR): it is
# built again when LOCALEDIR (PREFIX) is not the one it was built with, so
# that `make install PREFIX=DIR` after a plain `make` installs commands that
# find their catalogue under DIR.
$(B)/localedir: FORCE | $(B)
	@echo '$(LOCALEDIR)' | cmp -s - $@ || echo '$(LOCALEDIR)' >$@
$(B)/lib/i18n.o: $(B)/localedir
FORCE:

$(B)/cmd/%.o: cmd/%.c | $(B)/cmd
	$(COMPILE)

$(B)/t/%.o: tests/unit/%.c | $(B)/t
	$(COMPILE)

$(B)/gen/%.o: $(B)/gen/%.c
	$(COMPILE)

# Each line of the file becomes "LINE\n", its backslashes and quotes escaped.
$(B)/gen/schedule_ko.c: data/schedule/ko-KR.schedule
$(B)/gen/topics_ko.c: data/topics/ko.topics
$(B)/gen/topics_en.c: data/topics/en.topics
$(B)/gen/polarity_ko.c: data/topics/ko.polarity
$(B)/gen/polarity_en.c: data/topics/en.polarity
$(GEN:%=$(B)/gen/%.c): | $(B)/gen
	{ echo '/* generated by make from $<: do not edit */'; \
	  echo 'extern const char crm_$(basename $(@F))_text[];'; \
	  echo 'const char crm_$(basename $(@F))_text[] ='; \
	  sed 's/[\\"]/\\&/g; s/^/"/; s/$$/\\n"/' $<; echo ';'; } >$@

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

# Threads refused (tests/threads.bats), built the same way.
$(B)/libfailthread.so: tests/faults/failthread.c | $(B)
	$(CC) $(CPPFLAGS) -U_FORTIFY_SOURCE -O2 -g $(WARN) -fPIC -shared -o $@ $< -ldl

# Random numbers that fail or repeat (tests/coupon.bats), built the same way.
$(B)/libfailrandom.so: tests/faults/failrandom.c | $(B)
	$(CC) $(CPPFLAGS) -U_FORTIFY_SOURCE -O2 -g $(WARN) -fPIC -shared -o $@ $< -ldl

$(B)/t/%: $(B)/t/%.o $(B)/libcrm.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libcrm.a $(LDLIBS)

$(B)/fuzz/%.o: tests/fuzz/%.c | $(B)/fuzz
	$(COMPILE)

$(B)/fuzz-replay-%: $(B)/fuzz/%.o $(B)/fuzz/replay.o $(B)/fuzz/fuzz.o $(B)/libcrm.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/fuzz/replay.o $(B)/fuzz/fuzz.o $(B)/libcrm.a $(LDLIBS)

$(B) $(B)/lib $(B)/cmd $(B)/t $(B)/fuzz $(B)/gen:
	mkdir -p $@

OBJ = $(LIB_OBJ) $(CMDS:%=$(B)/cmd/%.o) $(addsuffix .o,$(filter $(B)/t/%,$(TOOLS))) \
      $(FUZZ_ALL:%=$(B)/fuzz/%.o) $(B)/fuzz/replay.o $(B)/fuzz/fuzz.o
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

# The suites whose commands run two threads or more, which TSan watches:
# crm-import (reading, writing, and summing the customers' figures, whose
# overflow money.bats makes the summing thread find), crm-segment (two halves of the figures; a stream
# read on one thread and summed on another) and
# crm-recommend (two scoring a chunk of customers, one writing the last),
# crm-report (the customers counted in two halves, on two connections, the
# weekly revenue on a third);
# threads.bats refuses them some threads, which the others then do without.
THREAD_TESTS = tests/import.bats tests/newest_first.bats tests/robust.bats tests/stats.bats tests/money.bats tests/reimport.bats \
	tests/segment.bats tests/stream.bats \
	tests/recommend.bats tests/recommend_synth.bats tests/report.bats tests/threads.bats

tsan:
	$(MAKE) B=build-tsan SANITIZE=thread CFLAGS='-O1 -g' all
	CRM_BUILD=$(abspath build-tsan) TESTS="$(THREAD_TESTS)" tests/run

valgrind: all
	CRM_BUILD=$(abspath $(B)) CRM_VALGRIND=1 tests/run

# The suite over a --coverage build, then the lines it never ran, per file
# (tests/coverage).  A measurement: the suite's failures are make test's
# to report (a test that runs a command as another user fails here, as it
# cannot write the build's .gcda files).
coverage:
	rm -f build-cov/*/*.gcda build-cov/*.gcda
	-$(MAKE) B=build-cov CFLAGS='-O0 -g --coverage' LDFLAGS=--coverage test
	tests/coverage build-cov

bench: all
	bench/run $(abspath $(B))

demo: all
	bench/demo $(abspath $(B))

quality: all
	bench/quality $(abspath $(B))

# Precision and recall per topic of the built-in dictionaries against texts
# labelled by hand: the set they were tuned on, then the held-out one.
quality-topics: all
	@for f in labelled labelled-heldout; do \
		echo "## tests/fixtures/topics/$$f.tsv"; \
		$(B)/t/topicscheck quality tests/fixtures/topics/$$f.tsv || exit 1; \
	done
	@$(B)/t/topicscheck bench 200 tests/fixtures/topics/labelled.tsv

# tests/layout.bats checks the same rules inside make test.
layout: all
	tests/layout $(abspath $(B))

lint:
	mandoc -Tlint -W warning $(MAN1) $(MAN7) $(foreach l,$(MAN_LANGS),$(wildcard man/$(l)/*.[17]))

# libFuzzer under clang with AddressSanitizer and UndefinedBehaviorSanitizer:
# the library and each harness are compiled into $(FUZZ_B) with the same
# flags.  Each target runs FUZZ_SECONDS on its seeds (tests/fuzz/corpus/T)
# and regression inputs (tests/fuzz/regress/T), growing its own corpus in
# $(FUZZ_B)/corpus/T; a finding is written to $(FUZZ_B)/crashes/T/ and
# stops make.
FUZZ_B       = build-fuzz
FUZZ_CC      = clang
FUZZ_FLAGS   = -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -g -O1 -pthread \
               -DCRM_CSV_CHUNK=4096
FUZZ_TARGETS ?= $(FUZZ_ALL)
FUZZ_SECONDS ?= 60
FUZZ_COMPILE = $(FUZZ_CC) $(CPPFLAGS) $(DEPFLAGS) $(FUZZ_FLAGS) $(WARN) -c -o $@ $<
FUZZ_LIB_OBJ = $(LIB_SRC:lib/%.c=$(FUZZ_B)/lib/%.o) $(GEN:%=$(FUZZ_B)/gen/%.o)

$(FUZZ_B)/lib/%.o: lib/%.c | $(FUZZ_B)/lib
	$(FUZZ_COMPILE)

$(FUZZ_B)/fuzz/%.o: tests/fuzz/%.c | $(FUZZ_B)/fuzz
	$(FUZZ_COMPILE)

$(FUZZ_B)/gen/%.o: $(B)/gen/%.c | $(FUZZ_B)/gen
	$(FUZZ_COMPILE)

$(FUZZ_B)/libcrm.a: $(FUZZ_LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $(FUZZ_LIB_OBJ)

$(FUZZ_B)/fuzz-%: $(FUZZ_B)/fuzz/%.o $(FUZZ_B)/fuzz/fuzz.o $(FUZZ_B)/libcrm.a
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_B)/fuzz/fuzz.o $(FUZZ_B)/libcrm.a $(LDLIBS)

$(FUZZ_B)/lib $(FUZZ_B)/fuzz $(FUZZ_B)/gen:
	mkdir -p $@

-include $(wildcard $(FUZZ_B)/lib/*.d $(FUZZ_B)/fuzz/*.d)

fuzz: $(FUZZ_TARGETS:%=$(FUZZ_B)/fuzz-%)
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_B)/corpus/$$t $(FUZZ_B)/crashes/$$t || exit 1; \
		seeds=; \
		for d in tests/fuzz/corpus/$$t tests/fuzz/regress/$$t; do \
			[ -d $$d ] && seeds="$$seeds $$d"; \
		done; \
		echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
		$(FUZZ_B)/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
			-print_final_stats=1 -artifact_prefix=$(FUZZ_B)/crashes/$$t/ \
			$(FUZZ_B)/corpus/$$t $$seeds || { \
			echo "fuzz: $$t found a bug: its input is in $(FUZZ_B)/crashes/$$t/;" \
			     "keep it in tests/fuzz/regress/$$t/ with the fix" >&2; exit 1; }; \
	done

deps:
	@if command -v apt-get >/dev/null 2>&1; then \
		apt-get update && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
			build-essential clang libclang-rt-14-dev pkg-config libsqlite3-dev libcsv-dev sqlite3 \
			bats bats-support bats-assert mandoc valgrind tzdata locales gettext time \
			chromium fonts-noto-cjk python3 python3-numpy python3-scipy && \
		{ locale -a | grep -qix 'ko_KR.utf8' || localedef -i ko_KR -c -f UTF-8 ko_KR.UTF-8; } && \
		{ $(MAKE) deps-node || echo "make deps: DuckDB's npm package did not install;" \
			"make bench will skip its row" >&2; }; \
	else \
		echo "make deps: no apt-get here; install a C compiler, clang with its" \
		     "libFuzzer runtime (make fuzz), SQLite 3 (library," \
		     "headers and the sqlite3 shell), libcsv, bats-core with bats-support" \
		     "and bats-assert, mandoc, valgrind, tzdata, python3 with NumPy and SciPy" \
		     "(make bench), and Chromium with a" \
		     "CJK font for the HTML report's test, with your package manager" >&2; \
		exit 1; \
	fi

# make bench's DuckDB peer of crm-segment (bench/segment_peer.mjs): the npm
# package, pinned, with its native library, into bench/node (not committed);
# skipped with a note where npm is missing.
DUCKDB_NODE = @duckdb/node-api@1.5.6-r.1
deps-node:
	@if command -v npm >/dev/null 2>&1; then \
		npm install --prefix bench/node --no-save --no-audit --no-fund $(DUCKDB_NODE); \
	else \
		echo "make deps: no npm here; make bench skips its DuckDB row (install Node.js" \
		     "and npm, then make deps-node)" >&2; \
	fi

# What it installs, and no more of `all` (the tests' tools, the fuzz replays).
install: $(CMDS:%=$(B)/%) $(MO)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7
	install -m 755 $(CMDS:%=$(B)/%) $(DESTDIR)$(BINDIR)
	install -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1
	install -m 644 $(MAN7) $(DESTDIR)$(MANDIR)/man7
	for l in $(MAN_LANGS); do \
		install -d $(DESTDIR)$(MANDIR)/$$l/man1 $(DESTDIR)$(MANDIR)/$$l/man7 && \
		install -m 644 man/$$l/*.1 $(DESTDIR)$(MANDIR)/$$l/man1 && \
		install -m 644 man/$$l/*.7 $(DESTDIR)$(MANDIR)/$$l/man7 || exit 1; \
	done
	for l in $(LANGS); do \
		install -d $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES && \
		install -m 644 $(B)/locale/$$l/LC_MESSAGES/crm.mo $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES; \
	done
	install -d $(DESTDIR)$(DATADIR)/schedule
	install -m 644 data/schedule/ko-KR.schedule $(DESTDIR)$(DATADIR)/schedule
	install -d $(DESTDIR)$(DATADIR)/topics
	install -m 644 data/topics/ko.topics data/topics/en.topics data/topics/ko.polarity \
		data/topics/en.polarity $(DESTDIR)$(DATADIR)/topics

clean:
	rm -rf build build-*

.PHONY: FORCE pot pot-new all test asan tsan valgrind coverage bench demo quality quality-topics layout lint fuzz deps deps-node install clean
.SECONDARY: $(OBJ) $(FUZZ_LIB_OBJ) $(FUZZ_ALL:%=$(FUZZ_B)/fuzz/%.o) $(FUZZ_B)/fuzz/fuzz.o
