// SPDX-License-Identifier: LGPL-2.1-or-later
/* Name resolution and address text shared by connect and listen. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "internal.h"
#include "resolve.h"

/* getaddrinfo() takes "99999" and wraps it around 16 bits: refuse it. */
static bool bad_port_number(const char *service)
{
	char *end;
	unsigned long v;

	if (*service < '0' || *service > '9')
		return false;
	v = strtoul(service, &end, 10);
	return *end || v > 65535;
}

static int gai_to_error(int gai, int saved_errno)
{
	switch (gai) {
	case 0:
		return 0;
	case EAI_NONAME:
#ifdef EAI_NODATA
	case EAI_NODATA:
#endif
		return -MPK_EHOSTNOTFOUND;
	case EAI_SERVICE:
		return -MPK_ESERVICE;
	case EAI_FAMILY:
		return -EAFNOSUPPORT;
	case EAI_MEMORY:
		return -ENOMEM;
	case EAI_SYSTEM:
		return saved_errno ? -saved_errno : -MPK_ERESOLVE;
	default:
		return -MPK_ERESOLVE;
	}
}

int mpk_resolve(const char *host, const char *service, int family, bool passive,
		struct addrinfo **out)
{
	struct addrinfo hints = {
		.ai_family = family,
		.ai_socktype = SOCK_STREAM,
		.ai_protocol = IPPROTO_TCP,
		.ai_flags = passive ? AI_PASSIVE : AI_ADDRCONFIG,
	};
	int gai;

	*out = NULL;
	if (family != AF_UNSPEC && family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;
	if (!service || !*service || bad_port_number(service))
		return -MPK_ESERVICE;
	if (!passive && (!host || !*host))
		return -MPK_EHOSTNOTFOUND;
	errno = 0;
	gai = getaddrinfo(host && *host ? host : NULL, service, &hints, out);
	/* glibc's AI_ADDRCONFIG ignores loopback: on a host (or namespace) with
	 * only lo, "127.0.0.1" with AF_INET would not resolve. Ask again. */
	if ((gai == EAI_NONAME || gai == EAI_ADDRFAMILY) && hints.ai_flags == AI_ADDRCONFIG) {
		hints.ai_flags = 0;
		errno = 0;
		gai = getaddrinfo(host, service, &hints, out);
	}
	return gai_to_error(gai, errno);
}

MPK_EXPORT int mpk_local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return -errno;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return -EAFNOSUPPORT;
}

MPK_EXPORT const char *mpk_addr_format(const struct sockaddr *sa, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN];

	if (!sa || !buf || len == 0)
		return "?";
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)sa;

		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
		snprintf(buf, len, "%s:%u", host, ntohs(sin->sin_port));
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const void *)sa;

		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
			inet_ntop(AF_INET, &sin6->sin6_addr.s6_addr[12], host, sizeof(host));
			snprintf(buf, len, "%s:%u", host, ntohs(sin6->sin6_port));
		} else {
			inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host));
			snprintf(buf, len, "[%s]:%u", host, ntohs(sin6->sin6_port));
		}
	} else {
		return "?";
	}
	return buf;
}
