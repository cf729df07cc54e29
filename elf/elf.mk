# elf/: freestanding ELF64 validator/loader/relocator (leaf library).
CORE_SRCS += $(wildcard elf/*.c)
