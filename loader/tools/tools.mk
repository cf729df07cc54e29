# aslrboot-inspect: a host tool (libelf) built from the loader's own code.
# It links libcore from this $(HB); `make host` builds $(HB)/aslrboot-inspect
# for each compiler, and the default gcc build also copies it to
# $(B)/aslrboot-inspect.
INSPECT_SRCS := loader/tools/inspect.c loader/tools/inspect_out.c loader/tools/inspect_json.c \
	loader/tools/elfview.c loader/tools/elfview_sect.c loader/tools/inspect_fit.c \
	loader/tools/inspect_units.c
INSPECT_OBJS := $(patsubst %.c,$(HB)/%.o,$(INSPECT_SRCS))
$(HB)/aslrboot-inspect: $(INSPECT_OBJS) $(HB)/libcore.a
	$(CC) $(HOST_LDFLAGS) $^ -lelf -o $@
host-extra: $(HB)/aslrboot-inspect
ifeq ($(HB),$(B)/host-gcc)
host-extra: $(B)/aslrboot-inspect
$(B)/aslrboot-inspect: $(HB)/aslrboot-inspect
	cp $< $@
endif
