# Boot-info writer/reader and log tests.  tests/handoff_fixture.c draws
# random handoff_write inputs for the bound test and the fuzzer's writer mode.
test_handoff_SRCS := tests/handoff_fixture.c
fuzz_handoff_SRCS := tests/handoff_fixture.c
