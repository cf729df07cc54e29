# Layout and memory-map tests.  test_layout checks the page-table pool size
# against the real builder on tests/pt_arena.c; its statistics use libm.
test_layout_SRCS := tests/pt_arena.c tests/layout_check.c
test_layout_LDLIBS := -lm
# test_layout_sections: the same checker and arena, at section granularity.
test_layout_sections_SRCS := tests/pt_arena.c tests/layout_check.c
test_layout_sections_LDLIBS := -lm
