/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "harness.h"
#include "include/ldr_errors.h"

/* Names are the enum's own identifiers (the compiler keeps them distinct);
 * what can go wrong is an entry without a text or outside the E_ scheme. */
static void test_names_and_texts(void)
{
	for (int i = 1; i < LDR_ERR_COUNT; i++) {
		EXPECT(strncmp(ldr_errname(i), "E_", 2) == 0);
		EXPECT(ldr_strerror(i)[0] != '\0');
	}
	EXPECT(strcmp(ldr_errname(LDR_E_FILESZ), "E_FILESZ") == 0);
	EXPECT(strcmp(ldr_errname(LDR_ERR_COUNT), "E_UNKNOWN") == 0);
	EXPECT(strcmp(ldr_strerror(LDR_OK), "ok") == 0);
	EXPECT(strcmp(ldr_strerror(LDR_ERR_COUNT), "unknown error") == 0);
}

int main(void)
{
	RUN(test_names_and_texts);
	return harness_done();
}
