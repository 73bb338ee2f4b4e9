/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's MPTcpExt counters from /proc/net/netstat (pairs of lines
 * "MPTcpExt: NAME..." / "MPTcpExt: VALUE..."), every one of them, known
 * or not, in the kernel's order. The parser is a pure function (fuzzed).
 * Engine rule: 0 or -errno, never prints.
 */
#ifndef MPTCPKIT_NETSTAT_H
#define MPTCPKIT_NETSTAT_H

#include <stddef.h>
#include <stdint.h>

#define NETSTAT_PATH "/proc/net/netstat"
#define NETSTAT_MAX 256
#define NETSTAT_NAME_MAX 48

struct netstat_counter {
	char name[NETSTAT_NAME_MAX];
	uint64_t value;
};

struct netstat {
	struct netstat_counter c[NETSTAT_MAX];
	size_t n;
};

/* The MPTcpExt counters of a netstat text; 0, -ENODATA when the text has
 * no MPTcpExt lines (a kernel without MPTCP), -EBADMSG when they are
 * malformed (names and values that do not pair up, a value that is not a
 * number, a name too long). */
int netstat_parse(const char *text, size_t len, struct netstat *out);

/* netstat_parse() of a file (NETSTAT_PATH, or a copy of it); -errno of
 * open/read as well. */
int netstat_read(const char *path, struct netstat *out);

/* The value of a counter by name; 0 when absent (an older kernel). */
uint64_t netstat_get(const struct netstat *s, const char *name);

/* now - before, counter by counter (by name; counters absent before count
 * from 0; a counter that went down, e.g. a gauge, gives its current value). */
void netstat_delta(const struct netstat *now, const struct netstat *before,
		   struct netstat *out);

#endif
