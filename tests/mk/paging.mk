# paging: page-table builder, walker and W^X verifier tests over a
# malloc'd arena (tests/pt_arena.c).
test_paging_SRCS := tests/pt_arena.c
test_wx_verify_SRCS := tests/pt_arena.c
