/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MPK_RESOLVE_H
#define MPK_RESOLVE_H

#include <netdb.h>
#include <stdbool.h>

/* getaddrinfo() for stream sockets; 0 or a negative library error. */
int mpk_resolve(const char *host, const char *service, int family, bool passive,
		struct addrinfo **out);

#endif
