# rand/: entropy sources, health tests, SHA-256 pool, ChaCha20 DRBG (leaf library).
CORE_SRCS += $(wildcard rand/*.c)
