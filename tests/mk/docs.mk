# Documentation: every relative link in README.md, PROTOCOL.md and docs/
# resolves to a file and heading that exist.
SHELL_TESTS += scripts/check-links.sh
