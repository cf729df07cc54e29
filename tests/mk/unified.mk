# loader/unified: the parser's host test and fuzzer over synthetic PE images
# (tests/pe_gen.c), their seed corpus written at build time, the
# aslrboot-unify tool test and the OVMF boots of unified images.
test_unified_SRCS := tests/pe_gen.c
HOST_TOOLS += gen_unified_seeds
gen_unified_seeds_SRCS := tests/pe_gen.c
UNIFIED_SEEDS := $(B)/fuzz/seeds-fuzz_unified
host-extra: $(UNIFIED_SEEDS)/.stamp
$(UNIFIED_SEEDS)/.stamp: $(HB)/tests/gen_unified_seeds
	@mkdir -p $(UNIFIED_SEEDS)
	$(HB)/tests/gen_unified_seeds $(UNIFIED_SEEDS)
	@touch $@
SHELL_TESTS += scripts/test-unify.sh scripts/test-unified-boot.sh
