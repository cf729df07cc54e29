# aslrboot-inspect and aslrboot-unify: host tools (libelf) built from the loader's own code.
# They link libcore from this $(HB); `make host` builds $(HB)/aslrboot-inspect
# and $(HB)/aslrboot-unify for each compiler, and the default gcc build also
# copies them to $(B)/.  aslrboot-unify takes inspect's verdict on the
# kernel (everything of inspect but its main).
INSPECT_SRCS := loader/tools/inspect.c loader/tools/inspect_out.c loader/tools/inspect_json.c \
	loader/tools/elfview.c loader/tools/elfview_sect.c loader/tools/inspect_fit.c \
	loader/tools/inspect_units.c loader/tools/inspect_verdict.c loader/tools/tool_file.c
INSPECT_OBJS := $(patsubst %.c,$(HB)/%.o,$(INSPECT_SRCS))
$(HB)/aslrboot-inspect: $(INSPECT_OBJS) $(HB)/libcore.a
	$(CC) $(HOST_LDFLAGS) $^ -lelf -o $@
UNIFY_OBJS := $(HB)/loader/tools/unify.o $(filter-out %/inspect.o,$(INSPECT_OBJS))
$(HB)/aslrboot-unify: $(UNIFY_OBJS) $(HB)/libcore.a
	$(CC) $(HOST_LDFLAGS) $^ -lelf -o $@
host-extra: $(HB)/aslrboot-inspect $(HB)/aslrboot-unify
ifeq ($(HB),$(B)/host-gcc)
host-extra: $(B)/aslrboot-inspect $(B)/aslrboot-unify
$(B)/aslrboot-inspect: $(HB)/aslrboot-inspect
	cp $< $@
$(B)/aslrboot-unify: $(HB)/aslrboot-unify
	cp $< $@
endif
