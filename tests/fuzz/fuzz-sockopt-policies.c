// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the MPTCPKIT_SOCKOPTS parser (lib/sockopt.c), which
 * the preload shim runs inside every forced program on whatever the
 * environment holds. It must accept or refuse without touching memory
 * outside the string, point at an item inside it when refusing, change
 * nothing then, and only ever store a known policy.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sockopt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mpk_sockopt_policies ps, before;
	const char *bad = NULL;
	char *s = malloc(size + 1);
	int ret;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	mpk_sockopt_policies_init(&ps);
	before = ps;
	ret = mpk_sockopt_policies_parse(&ps, s, &bad);
	if (ret != 0 && ret != -EINVAL)
		abort();
	if (ret == -EINVAL && (!bad || bad < s || bad > s + strlen(s) ||
			       memcmp(&before, &ps, sizeof(ps))))
		abort();
	for (size_t i = 0; i < sizeof(ps.of); i++)
		if (ps.of[i] > MPK_SOCKOPT_ERROR)
			abort();
	free(s);
	return 0;
}
