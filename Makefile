# slicesim build. `make` builds build/slicesim; `make test` runs every CUnit
# suite; `make run` runs the default scenario; `make bench` prints benchmarks.
# Sources are found by wildcard: adding a module needs no edit here.

BUILD   ?= build
CC      ?= cc
PKGS    := gsl libcjson cunit

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wpointer-arith -Wvla -Wformat=2 \
           -Wundef -Wcast-align
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) $(CFLAGS) -I. \
           $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS  = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm -lpthread

LIB_SRC  := $(wildcard sim/*.c models/*.c scenarios/*.c calibration/*.c plots/*.c) \
            $(filter-out cli/main.c,$(wildcard cli/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
TEST_SRC := $(wildcard tests/test_*.c)
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/%.o) $(BUILD)/tests/runner.o $(BUILD)/tests/testutil.o
BENCH_SRC := $(wildcard bench/*.c)
CU_SRC   := $(wildcard calibration/*.cu)
NVCC     ?= $(shell command -v nvcc 2>/dev/null)

.PHONY: all run test bench deps calib clean
all: $(BUILD)/slicesim

# deps: install what a fresh Debian machine lacks (as root), or say how.
# Libraries are looked for with pkg-config, tools on PATH, so a machine that
# has them some other way needs no Debian packages.
deps:
	@missing=""; \
	command -v pkg-config >/dev/null 2>&1 || missing="$$missing pkg-config"; \
	pkg-config --exists gsl 2>/dev/null || missing="$$missing libgsl-dev"; \
	pkg-config --exists libcjson 2>/dev/null || missing="$$missing libcjson-dev"; \
	pkg-config --exists cunit 2>/dev/null || missing="$$missing libcunit1-dev"; \
	command -v gnuplot >/dev/null 2>&1 || missing="$$missing gnuplot-nox"; \
	command -v $(CC) >/dev/null 2>&1 || missing="$$missing build-essential"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
	  else \
	    echo "slicesim needs:$$missing"; \
	    echo "run: sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

$(BUILD)/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libslicesim.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/slicesim: $(BUILD)/cli/main.o $(BUILD)/libslicesim.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

# The test runner registers every tests/test_NAME.c through NAME_suite().
$(BUILD)/tests/suites.inc: $(TEST_SRC) | deps
	@mkdir -p $(dir $@)
	@for f in $(TEST_SRC); do n=$$(basename $$f .c); echo "SUITE($${n#test_})"; done > $@.tmp
	@cmp -s $@.tmp $@ || mv $@.tmp $@; rm -f $@.tmp

$(BUILD)/tests/runner.o: tests/runner.c $(BUILD)/tests/suites.inc
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -I$(BUILD)/tests -c $< -o $@

$(BUILD)/slicesim-tests: $(TEST_OBJ) $(BUILD)/libslicesim.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

run: $(BUILD)/slicesim
	$(BUILD)/slicesim run scenarios/default.json

# Tests run from the repository root; they use build/slicesim for the
# end-to-end cases. When nvcc exists the CUDA sources are compiled too.
test: $(BUILD)/slicesim $(BUILD)/slicesim-tests
	@if [ -n "$(NVCC)" ] && [ -n "$(CU_SRC)" ]; then $(MAKE) --no-print-directory calib; fi
	SLICESIM=$(BUILD)/slicesim $(BUILD)/slicesim-tests $(TEST_ARGS)

$(BUILD)/slicesim-bench: $(BENCH_SRC:%.c=$(BUILD)/%.o) $(BUILD)/libslicesim.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

bench: $(BUILD)/slicesim-bench $(BUILD)/slicesim
	$(BUILD)/slicesim-bench

calib:
	@if [ -z "$(NVCC)" ]; then echo "calib: nvcc not found; the CUDA microbenchmarks need the CUDA toolkit"; exit 1; fi
	@mkdir -p $(BUILD)/calib
	@for f in $(CU_SRC); do n=$$(basename $$f .cu); \
	  echo "$(NVCC) -O2 -o $(BUILD)/calib/$$n $$f -lcublas"; \
	  $(NVCC) -O2 -o $(BUILD)/calib/$$n $$f -lcublas || exit 1; done

clean:
	rm -rf $(BUILD)

-include $(LIB_OBJ:.o=.d) $(TEST_OBJ:.o=.d) $(BENCH_SRC:%.c=$(BUILD)/%.d) $(BUILD)/cli/main.d
