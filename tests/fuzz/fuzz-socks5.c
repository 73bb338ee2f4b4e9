// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the SOCKS5 parsers of mptcpkit proxy
 * (tools/proxy/proxy-socks.c): the bytes a client or server sends, fed to each
 * parser whole and as a server reads them (greeting, auth, request in a
 * row), checking that what is consumed never exceeds what was given.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proxy-socks.h"

static void check_consumed(int n, size_t len)
{
	if (n > 0 && (size_t)n > len)
		abort();
}

/* The server's order: greeting, then username/password, then request. */
static void as_server(const uint8_t *data, size_t len)
{
	struct socks_greeting g;
	struct socks_userpass u;
	struct socks_request r;
	int n = socks_parse_greeting(data, len, &g);

	check_consumed(n, len);
	if (n <= 0)
		return;
	data += n;
	len -= (size_t)n;
	if (g.userpass) {
		n = socks_parse_userpass(data, len, &u);
		check_consumed(n, len);
		if (n <= 0)
			return;
		if (strlen(u.user) > 255 || strlen(u.pass) > 255)
			abort();
		data += n;
		len -= (size_t)n;
	}
	n = socks_parse_request(data, len, &r);
	check_consumed(n, len);
	if (n > 0 && r.atyp == SOCKS_ATYP_DOMAIN && (strlen(r.host) == 0 || strlen(r.host) > 255))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct socks_request r;
	uint8_t v, out[SOCKS_MSG_MAX];

	as_server(data, len);
	check_consumed(socks_parse_reply(data, len, &r), len);
	check_consumed(socks_parse_method(data, len, &v), len);
	check_consumed(socks_parse_auth_status(data, len, &v), len);
	/* Every prefix of a complete message is "incomplete", never an error
	 * that a complete one would not give. */
	for (size_t i = 0; i < len && i < 300; i++)
		check_consumed(socks_parse_request(data, i, &r), i);
	if (socks_parse_request(data, len, &r) > 0 && r.atyp != SOCKS_ATYP_DOMAIN) {
		/* Round trip: a request for an address builds back the same. */
		struct sockaddr_storage ss = { 0 };

		if (r.atyp == SOCKS_ATYP_IPV4) {
			struct sockaddr_in *in = (struct sockaddr_in *)&ss;

			in->sin_family = AF_INET;
			in->sin_addr = r.addr.v4;
			in->sin_port = htons(r.port);
		} else {
			struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

			in6->sin6_family = AF_INET6;
			in6->sin6_addr = r.addr.v6;
			in6->sin6_port = htons(r.port);
		}
		int n = socks_build_connect(out, (struct sockaddr *)&ss);

		if (n <= 0 || memcmp(out + 3, data + 3, (size_t)n - 3) != 0)
			if (!(r.atyp == SOCKS_ATYP_IPV6 && IN6_IS_ADDR_V4MAPPED(&r.addr.v6)))
				abort();
	}
	return 0;
}
