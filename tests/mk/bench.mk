# `make bench` (cost of ASLR) and `make stats` (layout quality).
# The host benchmark and the statistics link the core built -O2 without
# sanitizers into build/bench/o2 (independent of $(HB)); inputs are
# generated into build/bench/gen by scripts/bench-gen.sh.
BENCH_DIR := $(B)/bench
BENCH_O2 := $(BENCH_DIR)/o2
BENCH_CFLAGS := -std=gnu11 $(WARN) -O2 -g -DLDR_HOST_TEST -I.
BENCH_CORE_OBJS := $(patsubst %.c,$(BENCH_O2)/%.o,$(CORE_SRCS))
BENCH_COMMON := $(BENCH_O2)/tests/bench/bench_common.o

$(BENCH_O2)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -MMD -MP -c $< -o $@

$(BENCH_O2)/libcore.a: $(BENCH_CORE_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BENCH_DIR)/hostbench: $(BENCH_O2)/tests/bench/hostbench.o $(BENCH_COMMON) $(BENCH_O2)/libcore.a
	$(CC) $^ -o $@

$(BENCH_DIR)/layoutstats: $(BENCH_O2)/tests/bench/layoutstats.o $(BENCH_COMMON) $(BENCH_O2)/libcore.a
	$(CC) $^ -lm -o $@

$(BENCH_DIR)/tfirst: $(BENCH_O2)/tests/bench/tfirst.o
	$(CC) $^ -o $@

$(BENCH_DIR)/lrelocbench: $(BENCH_O2)/tests/bench/lrelocbench.o $(BENCH_COMMON) $(BENCH_O2)/libcore.a
	$(CC) $^ -o $@

$(BENCH_DIR)/fgphases: $(BENCH_O2)/tests/bench/fgphases.o $(BENCH_COMMON) $(BENCH_O2)/libcore.a
	$(CC) $^ -o $@

BENCH_TOOLS := $(BENCH_DIR)/hostbench $(BENCH_DIR)/layoutstats $(BENCH_DIR)/tfirst \
	$(BENCH_DIR)/lrelocbench $(BENCH_DIR)/fgphases
.PHONY: bench stats bench-tools
bench-tools: $(BENCH_TOOLS)

# Firmware images are shared (make targets); the scripts only read them.
bench: bench-tools targets
	B=$(B) scripts/bench.sh

stats: bench-tools targets
	B=$(B) scripts/stats.sh

SHELL_TESTS += scripts/test-bench-smoke.sh
test_bench_SRCS := tests/elfgen.c tests/elfgen_cases.c
