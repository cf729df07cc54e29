# elf/: host tests, the fixture generator and fuzzer inputs (owner: elf/).
ELFGEN_SRCS := tests/elfgen.c tests/elfgen_cases.c
test_elf_parse_SRCS := $(ELFGEN_SRCS)
test_elf_policy_SRCS := $(ELFGEN_SRCS) tests/l64_shapes.c
test_elf_reloc_SRCS := $(ELFGEN_SRCS) tests/elf_loaded.c tests/elf_loaded_default.c
test_elf_aarch64_SRCS := $(ELFGEN_SRCS) tests/elf_loaded.c tests/elf_loaded_default.c

# Real AArch64 PIEs (build/fixtures/aarch64.list) against readelf's listing.
HOST_TOOLS += elf_relocdump
elf_relocdump_SRCS := tests/elf_loaded.c
SHELL_TESTS += scripts/test-elf-aarch64.sh
test_elf_real_SRCS := tests/elf_ref.c tests/elf_loaded.c
# Section granularity on sect.list, checked through libelf.
test_elf_sections_LDLIBS := -lelf

# build/fixtures: bad-<case>.elf + bad.list and good-*.elf + good.list from
# elfgen; real PIEs + real.list from the host compilers (scripts/mkfixtures.sh);
# section-granularity images + sect.list (scripts/mkfixtures-sect.sh).
# One directory for every host build (gcc or clang).
HOST_TOOLS += gen_fixtures
gen_fixtures_SRCS := $(ELFGEN_SRCS)
FIXTURES_DIR := $(B)/fixtures
host-extra: $(FIXTURES_DIR)/.stamp
$(FIXTURES_DIR)/.stamp: $(HB)/tests/gen_fixtures scripts/mkfixtures.sh scripts/mkfixtures-sect.sh
	@mkdir -p $(FIXTURES_DIR)
	$(HB)/tests/gen_fixtures $(FIXTURES_DIR)
	scripts/mkfixtures.sh $(FIXTURES_DIR)
	scripts/mkfixtures-sect.sh $(FIXTURES_DIR)
	@touch $@
