# slicesim build. `make` builds build/slicesim; `make test` runs every CUnit
# suite (`make test SUITE=name` one of them); `make run` installs what is
# missing and runs the default scenario; `make golden` rewrites the golden
# summaries; `make asan` runs the suite under address and undefined-behaviour
# sanitizers; `make fuzz` runs each libFuzzer harness of tests/fuzz/ for
# FUZZ_SECONDS (clang); `make bench` prints benchmarks. Sources are found by wildcard:
# adding a module needs no edit here. Building never installs anything: only
# `make deps` (which `make run` calls) does.

BUILD   ?= build
CC      ?= cc

# Quiet and parallel by default: one line per step ("CC sim/evq.c"), every
# warning still an error; `make V=1` prints the full commands. Jobs: one per
# core unless -j is given.
V       ?= 0
ifeq ($(V),0)
Q       := @
step     = printf '  %-6s %s\n' '$(1)' '$(2)';
else
Q       :=
step     =
endif
ifeq ($(MAKELEVEL)$(filter -j%,$(MAKEFLAGS)),0)
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 2)
endif
PKGS    := gsl libcjson cunit yaml-0.1

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wpointer-arith -Wvla -Wformat=2 \
           -Wundef -Wcast-align
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) $(CFLAGS) -I. \
           $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS  = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lm -lpthread

LIB_SRC  := $(wildcard sim/*.c models/*.c scenarios/*.c calibration/*.c plots/*.c) \
            $(filter-out cli/main.c,$(wildcard cli/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
TEST_SRC := $(wildcard tests/test_*.c)
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/%.o) $(BUILD)/tests/runner.o $(BUILD)/tests/testutil.o
BENCH_SRC := $(wildcard bench/*.c)
CU_SRC   := $(wildcard calibration/*.cu)
NVCC     ?= $(shell command -v nvcc 2>/dev/null)
# `make calib NVCCFLAGS="-O2 -arch=native"` builds machine code for the GPU at
# hand; the default leaves the driver to compile the embedded PTX.
NVCCFLAGS ?= -O2

GOLDEN_SCEN := $(wildcard scenarios/*.json scenarios/teach/*.json)
ASAN_BUILD  ?= build/asan
ASAN_FLAGS  := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
               -fno-sanitize-recover=undefined

FUZZ_BUILD   ?= build/fuzz
FUZZ_SECONDS ?= 60
FUZZ_SRC     := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN      = $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzzers/%)
# `make test` compiles the harnesses too (no libFuzzer needed for that), so
# a change of a reader's interface shows there, not first in CI's fuzz step.
FUZZ_FLAGS   := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
                -fno-sanitize-recover=undefined

.PHONY: all run test golden asan fuzz fuzz-run bench deps calib clean
all: $(BUILD)/slicesim

# deps: install what a fresh Debian machine lacks (as root), or say how.
# Libraries are looked for with pkg-config, tools on PATH, so a machine that
# has them some other way needs no Debian packages. gnuplot is needed only by
# `slicesim plot` at run time: installed when possible, never required.
deps:
	@missing=""; optional=""; \
	command -v pkg-config >/dev/null 2>&1 || missing="$$missing pkg-config"; \
	pkg-config --exists gsl 2>/dev/null || missing="$$missing libgsl-dev"; \
	pkg-config --exists libcjson 2>/dev/null || missing="$$missing libcjson-dev"; \
	pkg-config --exists cunit 2>/dev/null || missing="$$missing libcunit1-dev"; \
	pkg-config --exists yaml-0.1 2>/dev/null || missing="$$missing libyaml-dev"; \
	[ -f /usr/include/csv.h ] || missing="$$missing libcsv-dev"; \
	command -v $(CC) >/dev/null 2>&1 || case "$(CC)" in *clang*) missing="$$missing clang";; *) missing="$$missing build-essential";; esac; \
	command -v gnuplot >/dev/null 2>&1 || optional="gnuplot-nox"; \
	if [ -n "$$missing$$optional" ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing:$$missing $$optional"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing $$optional >/dev/null || exit 1; \
	elif [ -n "$$missing" ]; then \
	  echo "slicesim needs:$$missing"; \
	  echo "run: sudo apt-get install -y$$missing $$optional"; exit 1; \
	elif [ -n "$$optional" ]; then \
	  echo "note: 'slicesim plot' needs gnuplot: sudo apt-get install -y $$optional"; \
	fi

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(call step,CC,$<)$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libslicesim.a: $(LIB_OBJ)
	@rm -f $@
	$(Q)$(call step,AR,$@)ar rcs $@ $^

$(BUILD)/slicesim: $(BUILD)/cli/main.o $(BUILD)/libslicesim.a
	$(Q)$(call step,LD,$@)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

# The test runner registers every tests/test_NAME.c through NAME_suite().
$(BUILD)/tests/suites.inc: $(TEST_SRC)
	@mkdir -p $(dir $@)
	@for f in $(TEST_SRC); do n=$$(basename $$f .c); echo "SUITE($${n#test_})"; done > $@.tmp
	@cmp -s $@.tmp $@ || mv $@.tmp $@; rm -f $@.tmp

$(BUILD)/tests/runner.o: tests/runner.c $(BUILD)/tests/suites.inc
	@mkdir -p $(dir $@)
	$(Q)$(call step,CC,$<)$(CC) $(ALL_CFLAGS) -I$(BUILD)/tests -c $< -o $@

$(BUILD)/slicesim-tests: $(TEST_OBJ) $(BUILD)/libslicesim.a
	$(Q)$(call step,LD,$@)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

run:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory $(BUILD)/slicesim
	$(Q)$(call step,RUN,scenarios/default.json)$(BUILD)/slicesim run scenarios/default.json

# Tests run from the repository root; they use build/slicesim for the
# end-to-end cases. When nvcc exists the CUDA sources are compiled too.
# SUITE=name (or several, space-separated) runs those suites only; a name
# that is no suite fails with the list of suites.
test: $(BUILD)/slicesim $(BUILD)/slicesim-tests $(FUZZ_SRC:%.c=$(BUILD)/%.o)
	@if [ -z "$(SUITE)" ] && [ -n "$(NVCC)" ] && [ -n "$(CU_SRC)" ]; then $(MAKE) --no-print-directory calib; fi
	$(Q)$(call step,TEST,$(BUILD)/slicesim-tests $(SUITE))SLICESIM=$(BUILD)/slicesim $(BUILD)/slicesim-tests $(SUITE) $(TEST_ARGS)

# golden: rewrite tests/golden/X.summary.json from scenarios/X.json (every
# example and teaching scenario), and drop the files of removed scenarios.
# The golden suite compares them byte for byte; commit the reviewed diff.
golden: $(BUILD)/slicesim
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	for f in $(GOLDEN_SCEN); do \
	  r=$${f#scenarios/}; r=$${r%.json}; \
	  $(BUILD)/slicesim run $$f -o $$tmp/$$r >/dev/null; \
	  mkdir -p tests/golden/$$(dirname $$r); \
	  cp $$tmp/$$r/summary.json tests/golden/$$r.summary.json; \
	done; \
	for g in tests/golden/*.summary.json tests/golden/teach/*.summary.json; do \
	  [ -e "$$g" ] || continue; r=$${g#tests/golden/}; r=$${r%.summary.json}; \
	  [ -e scenarios/$$r.json ] || { echo "removing $$g"; rm -f "$$g"; }; \
	done; \
	echo "golden: $(words $(GOLDEN_SCEN)) summaries under tests/golden/"; \
	git status --short tests/golden 2>/dev/null || true

# asan: the whole suite (end-to-end cases included) built with address and
# undefined-behaviour sanitizers in $(ASAN_BUILD); any report fails it.
asan:
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  $(MAKE) --no-print-directory BUILD=$(ASAN_BUILD) CFLAGS="$(ASAN_FLAGS)" SUITE="$(SUITE)" test

# fuzz: the library built with clang, libFuzzer and the address and
# undefined-behaviour sanitizers in $(FUZZ_BUILD); each harness
# tests/fuzz/fuzz_NAME.c runs FUZZ_SECONDS from its seeds in
# tests/fuzz/corpus/fuzz_NAME (new inputs go to $(FUZZ_BUILD)/corpus, the
# seeds stay as they are). A crash, leak, sanitizer report or a 10 s input
# fails it, with the reproducer in $(FUZZ_BUILD) (rerun: the binary and
# the file).
fuzz:
	@command -v clang >/dev/null 2>&1 || { echo "fuzz: needs clang with libFuzzer (sudo apt-get install -y clang)"; exit 1; }
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=clang CFLAGS="$(FUZZ_FLAGS)" FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz-run

$(BUILD)/fuzzers/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(BUILD)/libslicesim.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -o $@ $< $(BUILD)/libslicesim.a $(LDLIBS)

fuzz-run: $(FUZZ_BIN)
	@set -e; for b in $(FUZZ_BIN); do n=$$(basename $$b); c=$(BUILD)/corpus/$$n; mkdir -p $$c; \
	  echo "fuzz $$n: $(FUZZ_SECONDS) s from $$(ls tests/fuzz/corpus/$$n | wc -l) seeds"; \
	  if ! ( cd $(BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	         fuzzers/$$n -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
	         -print_final_stats=1 corpus/$$n $(CURDIR)/tests/fuzz/corpus/$$n ) > $(BUILD)/$$n.log 2>&1; then \
	    tail -n 60 $(BUILD)/$$n.log; echo "fuzz $$n: FAILED (log: $(BUILD)/$$n.log)"; exit 1; fi; \
	  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" $(BUILD)/$$n.log | tr '\n' ' '; echo; \
	done

$(BUILD)/slicesim-bench: $(BENCH_SRC:%.c=$(BUILD)/%.o) $(BUILD)/libslicesim.a
	$(Q)$(call step,LD,$@)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

bench: $(BUILD)/slicesim-bench $(BUILD)/slicesim
	$(BUILD)/slicesim-bench

calib:
	@if [ -z "$(NVCC)" ]; then echo "calib: nvcc not found; the CUDA microbenchmarks need the CUDA toolkit"; exit 1; fi
	@mkdir -p $(BUILD)/calib
	@for f in $(CU_SRC); do n=$$(basename $$f .cu); \
	  echo "$(NVCC) $(NVCCFLAGS) -o $(BUILD)/calib/$$n $$f -lcublas"; \
	  $(NVCC) $(NVCCFLAGS) -o $(BUILD)/calib/$$n $$f -lcublas || exit 1; done

clean:
	rm -rf $(BUILD)

-include $(FUZZ_SRC:%.c=$(BUILD)/%.d) $(LIB_OBJ:.o=.d) $(TEST_OBJ:.o=.d) $(BENCH_SRC:%.c=$(BUILD)/%.d) $(BUILD)/cli/main.d
