# aslrboot-inspect (host tool, libelf) and the libelf differential test.
# Owner: loader/tools/.  The tool links libcore from this $(HB); `make host`
# builds $(HB)/aslrboot-inspect for each compiler, and the default gcc build
# also copies it to $(B)/aslrboot-inspect.
INSPECT_SRCS := loader/tools/inspect.c loader/tools/inspect_out.c loader/tools/inspect_json.c \
	loader/tools/elfview.c loader/tools/inspect_fit.c
INSPECT_OBJS := $(patsubst %.c,$(HB)/%.o,$(INSPECT_SRCS))
$(HB)/aslrboot-inspect: $(INSPECT_OBJS) $(HB)/libcore.a
	$(CC) $(HOST_LDFLAGS) $^ -lelf -o $@
host-extra: $(HB)/aslrboot-inspect
ifeq ($(HB),$(B)/host-gcc)
host-extra: $(B)/aslrboot-inspect
$(B)/aslrboot-inspect: $(HB)/aslrboot-inspect
	cp $< $@
endif

test_elf_diff_SRCS := tests/elf_diff_check.c tests/elf_diff_reloc.c loader/tools/elfview.c
test_elf_diff_LDLIBS := -lelf
SHELL_TESTS += scripts/test-inspect.sh
