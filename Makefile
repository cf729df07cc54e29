# aslrboot - top-level Makefile.  One entry point:
#   make            build everything that exists (host tools + tests, firmware images)
#   make test       scripts/deps.sh, then gcc and clang host builds (and the core over
#                   the arm64 page-table format, tests/mk/arm64.mk), all tests, fuzz smoke run
#   make run        build and boot the demo kernel in QEMU/OVMF
#   make fuzz       fuzz every parser for FUZZ_SECONDS each (default 60)
#   make CC=clang   build with clang instead of gcc
#   make format     apply .clang-format to every C file and header
# Objects go to build/<variant>/.

# `make` with no goal builds everything: the included fragments define
# rules (e.g. a compiler stamp in efi/efi.mk) before `all:` is read.
.DEFAULT_GOAL := all

CC ?= gcc
ifeq ($(origin CC),default)
CC := gcc
endif
B := build
# Host build directory for this compiler (build/host-gcc, build/host-clang).
HB ?= $(B)/host-$(notdir $(CC))

WARN := -Wall -Wextra -Werror
HOST_CFLAGS := -std=gnu11 $(WARN) -g -O1 -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-DLDR_HOST_TEST -I. $(EXTRA_CFLAGS)
HOST_LDFLAGS := -fsanitize=address,undefined
FUZZ_CC := clang
FUZZ_CFLAGS := -std=gnu11 $(WARN) -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -DLDR_HOST_TEST -DLDR_FUZZ -I.

# Each fragment adds to: CORE_SRCS (portable, host-testable), HOST_TESTS
# (test program names under tests/), SHELL_TESTS (scripts run by the test
# runner), FUZZERS (names under tests/), HOST_TOOLS, TARGETS (firmware images).
CORE_SRCS :=
HOST_TESTS :=
SHELL_TESTS :=
FUZZERS :=
HOST_TOOLS :=
TARGETS :=
TESTLIB_SRCS := tests/harness.c

include elf/elf.mk
include rand/rand.mk
include loader/loader.mk
-include efi/efi.mk
-include efi/efi-aa64.mk
-include multiboot/multiboot.mk
include tests/tests.mk
SHELL_TESTS += scripts/test-make-default.sh scripts/check-format.sh

.PHONY: all host test run fuzz fuzz-smoke clean deps check-format format targets
all: host targets

deps:
	@GNU_EFI_AA64=$(B)/gnu-efi-aa64 scripts/deps.sh

CORE_OBJS := $(patsubst %.c,$(HB)/%.o,$(CORE_SRCS))
TESTLIB_OBJS := $(patsubst %.c,$(HB)/%.o,$(TESTLIB_SRCS))

$(HB)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

$(HB)/libcore.a: $(CORE_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(HB)/libtest.a: $(TESTLIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

# tests/<name>.c + <name>_SRCS (extra files) + libtest + libcore + <name>_LDLIBS
define host_test_rule
$(HB)/tests/$(1): $(HB)/tests/$(1).o $(patsubst %.c,$(HB)/%.o,$($(1)_SRCS)) $(HB)/libtest.a $(HB)/libcore.a
	$$(CC) $$(HOST_LDFLAGS) $$^ $$($(1)_LDLIBS) -o $$@
endef
$(foreach t,$(HOST_TESTS) $(HOST_TOOLS),$(eval $(call host_test_rule,$(t))))

HOST_TEST_BINS := $(addprefix $(HB)/tests/,$(HOST_TESTS))
HOST_TOOL_BINS := $(addprefix $(HB)/tests/,$(HOST_TOOLS))

host: $(HOST_TEST_BINS) $(HOST_TOOL_BINS) host-extra
targets: $(TARGETS)

# Fuzzers: clang + libFuzzer, one per parser.
FUZZ_BINS := $(addprefix $(B)/fuzz/,$(FUZZERS))
# Every header a fuzzer may include: one built in one clang call has no
# per-object dependency files, so a changed header rebuilds them all.
FUZZ_HDRS := $(wildcard include/*.h elf/*.h rand/*.h loader/*.h loader/*/*.h loader/*/*/*.h tests/*.h)
define fuzz_rule
$(B)/fuzz/$(1): tests/$(1).c $($(1)_SRCS) $(CORE_SRCS) $(FUZZ_HDRS)
	@mkdir -p $$(dir $$@)
	$$(FUZZ_CC) $$(FUZZ_CFLAGS) $$(filter %.c,$$^) -o $$@
endef
$(foreach f,$(FUZZERS),$(eval $(call fuzz_rule,$(f))))

fuzz: $(FUZZ_BINS)
	@for f in $(FUZZERS); do \
	  B=$(B) FUZZ_SECONDS=$${FUZZ_SECONDS:-60} scripts/fuzz-smoke.sh $$f || exit 1; \
	done

# make test: both compilers, then every test through one runner.
test: deps
	$(MAKE) -j2 host targets CC=gcc HB=$(B)/host-gcc
	$(MAKE) -j2 host CC=clang HB=$(B)/host-clang
	$(MAKE) -j2 host-arm64 LDR_ARCH=arm64 CC=gcc HB=$(B)/host-gcc-arm64
	$(MAKE) -j2 $(FUZZ_BINS)
	@B=$(B) scripts/run-tests.sh \
	  $(foreach t,$(HOST_TESTS),$(B)/host-gcc/tests/$(t) $(B)/host-clang/tests/$(t)) \
	  $(foreach t,$(ARM64_HOST_TESTS),$(B)/host-gcc-arm64/tests/$(t)) \
	  $(SHELL_TESTS) \
	  $(foreach f,$(FUZZERS),scripts/fuzz-smoke.sh:$(f))

# The formatter: `make format` rewrites, scripts/check-format.sh (in make
# test) checks.
FORMAT_FILES = $(shell git ls-files '*.c' '*.h' | grep -v '^tests/fuzz-seeds/')
format:
	clang-format -i $(FORMAT_FILES)

check-format:
	@scripts/check-format.sh

clean:
	rm -rf $(B)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
