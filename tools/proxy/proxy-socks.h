/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SOCKS5 on the wire (RFC 1928, RFC 1929 username/password): pure functions,
 * no I/O, no allocation, so that a fuzzer can drive them.
 * Errors: each socks_parse_*() returns the number of bytes it consumed (> 0),
 * 0 when the message is not complete yet, or a negative errno:
 * -EPROTO for a malformed message, -EAFNOSUPPORT for an unknown address type
 * in a request (the caller answers SOCKS_REP_ATYP_UNSUPPORTED).
 * socks_build_*() return the length written, or -EINVAL.
 */
#ifndef MPTCPKIT_PROXY_SOCKS_H
#define MPTCPKIT_PROXY_SOCKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "mptcpkit.h"

#define SOCKS_VERSION 5
#define SOCKS_USERPASS_VERSION 1

enum socks_method {
	SOCKS_METHOD_NONE = 0x00,
	SOCKS_METHOD_USERPASS = 0x02,
	SOCKS_METHOD_REFUSED = 0xff,
};

enum socks_cmd {
	SOCKS_CMD_CONNECT = 1,
	SOCKS_CMD_BIND = 2,
	SOCKS_CMD_UDP_ASSOCIATE = 3,
};

enum socks_atyp {
	SOCKS_ATYP_IPV4 = 1,
	SOCKS_ATYP_DOMAIN = 3,
	SOCKS_ATYP_IPV6 = 4,
};

enum socks_rep {
	SOCKS_REP_OK = 0,
	SOCKS_REP_FAILURE = 1,
	SOCKS_REP_NOT_ALLOWED = 2,
	SOCKS_REP_NET_UNREACH = 3,
	SOCKS_REP_HOST_UNREACH = 4,
	SOCKS_REP_REFUSED = 5,
	SOCKS_REP_TTL_EXPIRED = 6,
	SOCKS_REP_CMD_UNSUPPORTED = 7,
	SOCKS_REP_ATYP_UNSUPPORTED = 8,
};

/* The longest message of the handshake: username/password, 3 + 255 + 255. */
#define SOCKS_MSG_MAX 513

/* The client's method offer. */
struct socks_greeting {
	bool none;      /* offers "no authentication" */
	bool userpass;  /* offers username/password */
};

struct socks_userpass {
	char user[256];
	char pass[256];
};

/* A request (client to server), or a reply (server to client): the same
 * layout with cmd or reply code in the second byte. */
struct socks_request {
	uint8_t code;         /* enum socks_cmd, or enum socks_rep in a reply */
	uint8_t atyp;         /* enum socks_atyp */
	union mpk_in46 addr;  /* for IPV4 / IPV6 */
	char host[256];       /* for DOMAIN, NUL-terminated */
	uint16_t port;        /* host order */
};

int socks_parse_greeting(const uint8_t *buf, size_t len, struct socks_greeting *out);
int socks_parse_userpass(const uint8_t *buf, size_t len, struct socks_userpass *out);
int socks_parse_request(const uint8_t *buf, size_t len, struct socks_request *out);
/* Client side: the method the server chose, the auth status, the reply. */
int socks_parse_method(const uint8_t *buf, size_t len, uint8_t *method);
int socks_parse_auth_status(const uint8_t *buf, size_t len, uint8_t *status);
int socks_parse_reply(const uint8_t *buf, size_t len, struct socks_request *out);

/* Server side: method choice (2 bytes), auth status (2), reply with the
 * bound address (AF_INET/AF_INET6, else 0.0.0.0:0; at most 22 bytes). */
int socks_build_method(uint8_t *out, uint8_t method);
int socks_build_auth_status(uint8_t *out, bool ok);
int socks_build_reply(uint8_t *out, uint8_t rep, const struct sockaddr *bound);
/* Client side: greeting offering one method; username/password (out holds
 * SOCKS_MSG_MAX); CONNECT to an address (out holds 22). */
int socks_build_greeting(uint8_t *out, bool userpass);
int socks_build_userpass(uint8_t *out, const char *user, const char *pass);
int socks_build_connect(uint8_t *out, const struct sockaddr *dst);

/* The reply code for a failed connect's errno. */
uint8_t socks_rep_from_errno(int err);

#endif
