# tests/: every tests/test_*.c is a host test program (linked with
# tests/harness.c, libcore and its <name>_SRCS / <name>_LDLIBS from
# tests/mk/*.mk); every tests/fuzz_*.c is a libFuzzer target.
TESTLIB_SRCS += tests/fake_platform.c
HOST_TESTS += $(patsubst tests/%.c,%,$(wildcard tests/test_*.c))
FUZZERS += $(patsubst tests/%.c,%,$(wildcard tests/fuzz_*.c))
.PHONY: host-extra
host-extra:
-include $(wildcard tests/mk/*.mk)
