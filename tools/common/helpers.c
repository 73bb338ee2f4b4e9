// SPDX-License-Identifier: GPL-2.0-or-later
/* The helpers of util.h that any layer may use: none of them prints. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

char *str_trim(char *s)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

int netns_path(const char *name, char *buf, size_t len)
{
	int n = snprintf(buf, len, NETNS_RUN_DIR "/%s", name);

	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

const char *in46_format(int family, const union mpk_in46 *addr, char *buf, size_t len)
{
	if (len)
		buf[0] = '\0';
	if (family != AF_INET && family != AF_INET6)
		return buf;
	if (!inet_ntop(family, addr, buf, (socklen_t)len) && len)
		buf[0] = '\0';
	return buf;
}
