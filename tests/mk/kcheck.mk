# The test kernels' portable checks (tests/kernel/kcheck.c, seed.c) run on
# the host against boots of the core over the fake platform.
test_kcheck_SRCS := tests/kernel/kcheck.c tests/kernel/seed.c tests/kernel/measure.c tests/elfgen.c tests/elfgen_cases.c
