# loader/: the end-to-end core test over the fake platform.
test_loader_SRCS := tests/elfgen.c tests/elfgen_cases.c
