/* SPDX-License-Identifier: MIT */
#include "errors.h"

static const char *const names[] = {
#define LDR_ERR_NAME(name, text) #name,
	LDR_ERRORS(LDR_ERR_NAME)
#undef LDR_ERR_NAME
};

static const char *const texts[] = {
#define LDR_ERR_TEXT(name, text) text,
	LDR_ERRORS(LDR_ERR_TEXT)
#undef LDR_ERR_TEXT
};

const char *ldr_errname(enum ldr_err e)
{
	return (unsigned)e < LDR_ERR_COUNT ? names[e] : "E_UNKNOWN";
}

const char *ldr_strerror(enum ldr_err e)
{
	return (unsigned)e < LDR_ERR_COUNT ? texts[e] : "unknown error";
}
