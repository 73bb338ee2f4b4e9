// SPDX-License-Identifier: GPL-2.0-or-later
/* SOCKS5 messages, parsed and built without I/O (see proxy-socks.h). */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include "proxy-socks.h"

int socks_parse_greeting(const uint8_t *buf, size_t len, struct socks_greeting *out)
{
	size_t n;

	if (len < 2)
		return 0;
	if (buf[0] != SOCKS_VERSION || buf[1] == 0)
		return -EPROTO;
	n = buf[1];
	if (len < 2 + n)
		return 0;
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		if (buf[2 + i] == SOCKS_METHOD_NONE)
			out->none = true;
		else if (buf[2 + i] == SOCKS_METHOD_USERPASS)
			out->userpass = true;
	}
	return (int)(2 + n);
}

/* One length-prefixed string at buf[*pos] into dst (256 bytes); 0 when
 * incomplete, 1 done, -EPROTO when empty or containing NUL. */
static int take_string(const uint8_t *buf, size_t len, size_t *pos, char *dst)
{
	size_t n;

	if (len < *pos + 1)
		return 0;
	n = buf[*pos];
	if (len < *pos + 1 + n)
		return 0;
	if (n == 0 || memchr(buf + *pos + 1, '\0', n))
		return -EPROTO;
	memcpy(dst, buf + *pos + 1, n);
	dst[n] = '\0';
	*pos += 1 + n;
	return 1;
}

int socks_parse_userpass(const uint8_t *buf, size_t len, struct socks_userpass *out)
{
	size_t pos = 1;
	int r;

	if (len < 1)
		return 0;
	if (buf[0] != SOCKS_USERPASS_VERSION)
		return -EPROTO;
	r = take_string(buf, len, &pos, out->user);
	if (r <= 0)
		return r;
	r = take_string(buf, len, &pos, out->pass);
	if (r <= 0)
		return r;
	return (int)pos;
}

/* Requests and replies share their layout: VER CODE RSV ATYP ADDR PORT. */
static int parse_addressed(const uint8_t *buf, size_t len, struct socks_request *out)
{
	size_t pos = 4, alen;

	if (len < 5)
		return 0;
	if (buf[0] != SOCKS_VERSION || buf[2] != 0)
		return -EPROTO;
	memset(out, 0, sizeof(*out));
	out->code = buf[1];
	out->atyp = buf[3];
	switch (out->atyp) {
	case SOCKS_ATYP_IPV4:
		alen = 4;
		break;
	case SOCKS_ATYP_IPV6:
		alen = 16;
		break;
	case SOCKS_ATYP_DOMAIN: {
		int r = take_string(buf, len, &pos, out->host);

		if (r <= 0)
			return r;
		alen = 0;
		break;
	}
	default:
		return -EAFNOSUPPORT;
	}
	if (len < pos + alen + 2)
		return 0;
	memcpy(&out->addr, buf + pos, alen);
	pos += alen;
	out->port = (uint16_t)(buf[pos] << 8 | buf[pos + 1]);
	return (int)(pos + 2);
}

int socks_parse_request(const uint8_t *buf, size_t len, struct socks_request *out)
{
	return parse_addressed(buf, len, out);
}

int socks_parse_reply(const uint8_t *buf, size_t len, struct socks_request *out)
{
	return parse_addressed(buf, len, out);
}

static int parse_pair(const uint8_t *buf, size_t len, uint8_t version, uint8_t *val)
{
	if (len < 2)
		return 0;
	if (buf[0] != version)
		return -EPROTO;
	*val = buf[1];
	return 2;
}

int socks_parse_method(const uint8_t *buf, size_t len, uint8_t *method)
{
	return parse_pair(buf, len, SOCKS_VERSION, method);
}

int socks_parse_auth_status(const uint8_t *buf, size_t len, uint8_t *status)
{
	return parse_pair(buf, len, SOCKS_USERPASS_VERSION, status);
}

int socks_build_method(uint8_t *out, uint8_t method)
{
	out[0] = SOCKS_VERSION;
	out[1] = method;
	return 2;
}

int socks_build_auth_status(uint8_t *out, bool ok)
{
	out[0] = SOCKS_USERPASS_VERSION;
	out[1] = ok ? 0 : 1;
	return 2;
}

/* ATYP ADDR PORT of an IPv4/IPv6 socket address at out; its length. */
static int put_address(uint8_t *out, const struct sockaddr *sa)
{
	const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

	if (sa && sa->sa_family == AF_INET6 && !IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
		out[0] = SOCKS_ATYP_IPV6;
		memcpy(out + 1, &in6->sin6_addr, 16);
		memcpy(out + 17, &in6->sin6_port, 2);
		return 19;
	}
	out[0] = SOCKS_ATYP_IPV4;
	memset(out + 1, 0, 6);
	if (sa && sa->sa_family == AF_INET) {
		memcpy(out + 1, &in->sin_addr, 4);
		memcpy(out + 5, &in->sin_port, 2);
	} else if (sa && sa->sa_family == AF_INET6) {
		memcpy(out + 1, in6->sin6_addr.s6_addr + 12, 4);
		memcpy(out + 5, &in6->sin6_port, 2);
	}
	return 7;
}

int socks_build_reply(uint8_t *out, uint8_t rep, const struct sockaddr *bound)
{
	out[0] = SOCKS_VERSION;
	out[1] = rep;
	out[2] = 0;
	return 3 + put_address(out + 3, bound);
}

int socks_build_greeting(uint8_t *out, bool userpass)
{
	out[0] = SOCKS_VERSION;
	out[1] = 1;
	out[2] = userpass ? SOCKS_METHOD_USERPASS : SOCKS_METHOD_NONE;
	return 3;
}

int socks_build_userpass(uint8_t *out, const char *user, const char *pass)
{
	size_t ul = strlen(user), pl = strlen(pass);

	if (ul == 0 || ul > 255 || pl == 0 || pl > 255)
		return -EINVAL;
	out[0] = SOCKS_USERPASS_VERSION;
	out[1] = (uint8_t)ul;
	memcpy(out + 2, user, ul);
	out[2 + ul] = (uint8_t)pl;
	memcpy(out + 3 + ul, pass, pl);
	return (int)(3 + ul + pl);
}

int socks_build_connect(uint8_t *out, const struct sockaddr *dst)
{
	if (!dst || (dst->sa_family != AF_INET && dst->sa_family != AF_INET6))
		return -EINVAL;
	out[0] = SOCKS_VERSION;
	out[1] = SOCKS_CMD_CONNECT;
	out[2] = 0;
	return 3 + put_address(out + 3, dst);
}

uint8_t socks_rep_from_errno(int err)
{
	switch (err < 0 ? -err : err) {
	case ECONNREFUSED:
		return SOCKS_REP_REFUSED;
	case ENETUNREACH:
		return SOCKS_REP_NET_UNREACH;
	case EHOSTUNREACH:
	case ETIMEDOUT:
		return SOCKS_REP_HOST_UNREACH;
	case EACCES:
	case EPERM:
		return SOCKS_REP_NOT_ALLOWED;
	default:
		return SOCKS_REP_FAILURE;
	}
}
