// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the filter of 'mptcpkit ss' (tools/diag/ss-filter.c):
 * the input, split into words at newlines as a shell would pass them, is
 * parsed; a filter that parses is matched against IPv4, IPv4-mapped and
 * IPv6 sockets. Seeds: tests/fuzz/corpus-ss-filter.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/tcp.h>

#include "ss-filter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void sockaddr_set(struct sockaddr_storage *ss, int family, const char *addr, uint16_t port)
{
	memset(ss, 0, sizeof(*ss));
	ss->ss_family = (sa_family_t)family;
	if (family == AF_INET) {
		((struct sockaddr_in *)ss)->sin_port = htons(port);
		inet_pton(AF_INET, addr, &((struct sockaddr_in *)ss)->sin_addr);
	} else {
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
		inet_pton(AF_INET6, addr, &((struct sockaddr_in6 *)ss)->sin6_addr);
	}
}

static void match_some(const struct ss_filter *f)
{
	struct sockaddr_storage l, r;

	sockaddr_set(&l, AF_INET, "10.0.1.1", 40000);
	sockaddr_set(&r, AF_INET, "10.0.1.2", 8000);
	ss_filter_match(f, &l, &r, TCP_ESTABLISHED);
	sockaddr_set(&l, AF_INET6, "::ffff:10.0.2.1", 1);
	sockaddr_set(&r, AF_INET6, "fd00:1::2", 65535);
	ss_filter_match(f, &l, &r, TCP_LISTEN);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ss_filter f;
	char *text, *argv[256], err[160];
	int argc = 0;

	if (size > 4096)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (char *w = strtok(text, "\n"); w && argc < 256; w = strtok(NULL, "\n"))
		argv[argc++] = w;
	if (ss_filter_parse(argc, argv, &f, err, sizeof(err)) == 0)
		match_some(&f);
	free(text);
	return 0;
}
