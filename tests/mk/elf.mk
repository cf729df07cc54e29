# elf/: host tests, the fixture generator and fuzzer inputs (owner: elf/).
ELFGEN_SRCS := tests/elfgen.c tests/elfgen_cases.c
test_elf_parse_SRCS := $(ELFGEN_SRCS)
test_elf_reloc_SRCS := $(ELFGEN_SRCS)

# build/fixtures: bad-<case>.elf + bad.list from elfgen, real PIEs + real.list
# from the host compilers.  One directory for every host build (gcc or clang).
HOST_TOOLS += gen_fixtures
gen_fixtures_SRCS := $(ELFGEN_SRCS)
FIXTURES_DIR := $(B)/fixtures
host-extra: $(FIXTURES_DIR)/.stamp
$(FIXTURES_DIR)/.stamp: $(HB)/tests/gen_fixtures scripts/mkfixtures.sh
	@mkdir -p $(FIXTURES_DIR)
	$(HB)/tests/gen_fixtures $(FIXTURES_DIR)
	scripts/mkfixtures.sh $(FIXTURES_DIR)
	@touch $@
