/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "harness.h"
#include "loader/errors.h"

/* G1: every code has its own name. */
static void test_names_distinct(void)
{
	for (int i = 0; i < LDR_ERR_COUNT; i++)
		for (int j = i + 1; j < LDR_ERR_COUNT; j++)
			EXPECT(strcmp(ldr_errname(i), ldr_errname(j)) != 0);
	EXPECT(strcmp(ldr_errname(LDR_E_FILESZ), "E_FILESZ") == 0);
	EXPECT(strcmp(ldr_errname(LDR_ERR_COUNT), "E_UNKNOWN") == 0);
	EXPECT(strcmp(ldr_strerror(LDR_OK), "ok") == 0);
}

int main(void)
{
	RUN(test_names_distinct);
	return harness_done();
}
