# The libelf differential test (it shares loader/tools/elfview.c with
# aslrboot-inspect, whose build rule is loader/tools/tools.mk) and the
# inspect tool's shell test.
test_elf_diff_SRCS := tests/elf_diff_check.c tests/elf_diff_reloc.c loader/tools/elfview.c
test_elf_diff_LDLIBS := -lelf
SHELL_TESTS += scripts/test-inspect.sh
