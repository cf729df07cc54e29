# Layering: every #include "..." follows the dependency rule between folders
# (docs/repository.md).
SHELL_TESTS += scripts/check-layers.sh
