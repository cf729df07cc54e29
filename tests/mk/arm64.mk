# The core over the arm64 page-table format, on the x86-64 host:
#   make host-arm64 LDR_ARCH=arm64 HB=build/host-gcc-arm64
# builds the pure core with -DLDR_ARCH_ARM64 (loader/loader.mk; arch.h then
# picks loader/arch/arm64/) and the tests that exercise what depends on the
# architecture: its own tests (tests/test_*_arm64.c, built in this variant
# only), the page-table builder and verifier, the layout, the loader end
# to end, the test kernels' checks and the boot-info writer.  make test runs
# them beside the x86-64 builds.
ARM64_ONLY_TESTS := $(filter %_arm64,$(HOST_TESTS))
ARM64_HOST_TESTS := $(ARM64_ONLY_TESTS) test_paging test_wx_verify test_layout test_loader \
	test_kcheck test_handoff
ifeq ($(LDR_ARCH),arm64)
HOST_TESTS := $(ARM64_HOST_TESTS)
else
HOST_TESTS := $(filter-out $(ARM64_ONLY_TESTS),$(HOST_TESTS))
endif
test_pte_arm64_SRCS := tests/pt_arena.c
test_core_arm64_SRCS := tests/l64_shapes.c

.PHONY: host-arm64
host-arm64: $(addprefix $(HB)/tests/,$(ARM64_HOST_TESTS))
