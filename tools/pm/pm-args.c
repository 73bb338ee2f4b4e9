// SPDX-License-Identifier: GPL-2.0-or-later
/* Parsing and error messages shared by the path-management subcommands. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>

#include "feature-text.h"
#include "pm-args.h"
#include "print.h"
#include "util.h"

int pm_parse_addr(const char *s, struct mpk_endpoint *ep)
{
	if (inet_pton(AF_INET, s, &ep->addr.v4) == 1)
		ep->family = AF_INET;
	else if (inet_pton(AF_INET6, s, &ep->addr.v6) == 1)
		ep->family = AF_INET6;
	else
		return fail("bad address '%s': expected an IPv4 or IPv6 address", s);
	return 0;
}

int pm_parse_id(const char *s, uint8_t *id)
{
	long v;

	if (parse_long(s, 0, 255, &v) < 0)
		return fail("bad id '%s': expected 0 to 255", s);
	*id = (uint8_t)v;
	return 0;
}

int pm_parse_port(const char *s, uint16_t *port)
{
	long v;

	if (parse_long(s, 1, 65535, &v) < 0)
		return fail("bad port '%s': expected 1 to 65535", s);
	*port = (uint16_t)v;
	return 0;
}

int pm_parse_dev(const char *s, int *ifindex)
{
	unsigned int idx = if_nametoindex(s);

	if (!idx)
		return fail("bad dev '%s': no such interface", s);
	*ifindex = (int)idx;
	return 0;
}

int pm_parse_token(const char *s, uint32_t *token)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0); /* decimal, or 0x hex as some tools print it */
	if (!*s || *s == '-' || errno || *end || v > UINT32_MAX)
		return fail("bad token '%s': expected a 32-bit number", s);
	*token = (uint32_t)v;
	return 0;
}

const char *pm_next_value(int argc, char **argv, int *i)
{
	if (*i + 1 >= argc) {
		fail("missing value after '%s'", argv[*i]);
		return NULL;
	}
	return argv[++*i];
}

static const char *open_reason(int err, char *buf, size_t len)
{
	if (err == -ENOENT || err == -EPROTONOSUPPORT)
		return feature_absent(MPK_FEATURE_PM_NETLINK, buf, len);
	return mpk_strerror(err);
}

struct mpk_pm *pm_open_or_fail(void)
{
	struct mpk_pm *pm = NULL;
	int err = mpk_pm_open(&pm);
	char text[200];

	if (err < 0) {
		fail("cannot talk to the path manager: %s", open_reason(err, text, sizeof(text)));
		return NULL;
	}
	return pm;
}

int pm_run_verb(const struct pm_verb *verbs, size_t n, const char *usage,
		int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : "show";
	struct mpk_pm *pm;
	int ret;

	if (wants_help(argc, argv)) {
		fputs(usage, stdout);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (strcmp(verb, verbs[i].verb))
			continue;
		pm = pm_open_or_fail();
		if (!pm)
			return 1;
		ret = verbs[i].fn(pm, argc > 1 ? argc - 2 : 0, argv + 2);
		mpk_pm_close(pm);
		return ret;
	}
	return fail("%s: unknown action '%s' (try '" PROG_NAME " %s --help')",
		    argv[0], verb, argv[0]);
}

int pm_fail_needs(const struct mpk_pm *pm, const char *what, int err, enum mpk_feature f)
{
	char text[200];

	/* the kernel's own answer for a command it lacks is EOPNOTSUPP; ask
	 * the feature table whether that is the reason before saying so */
	if (err < 0 && err != -EPERM && mpk_feature_probe(f) == 0)
		return fail("%s: %s", what, feature_needs(f, false, text, sizeof(text)));
	return pm_fail(pm, what, err);
}

int pm_require_flags(const char *what, uint32_t flags)
{
	static const struct { uint32_t bit; enum mpk_feature f; } needs[] = {
		{ MPK_EP_FULLMESH, MPK_FEATURE_FULLMESH },
		{ MPK_EP_LAMINAR, MPK_FEATURE_LAMINAR },
	};
	char text[200];

	/* older kernels keep a flag they do not know and never act on it:
	 * refuse rather than show an endpoint that seems to have it */
	for (size_t i = 0; i < sizeof(needs) / sizeof(needs[0]); i++) {
		if ((flags & needs[i].bit) && mpk_feature_probe(needs[i].f) == 0)
			return fail("%s: %s", what, feature_needs(needs[i].f, false,
								  text, sizeof(text)));
	}
	return 0;
}

int pm_fail(const struct mpk_pm *pm, const char *what, int err)
{
	const char *ack = mpk_pm_ext_ack(pm);

	if (err == -EPERM)
		return fail("%s: needs CAP_NET_ADMIN", what);
	if (err == -EOPNOTSUPP)
		return fail("%s: the running kernel does not support this mptcp_pm command "
			    "(Linux %s)", what, kernel_running());
	if (ack)
		return fail("%s: %s (%s)", what, ack, mpk_strerror(err));
	return fail("%s: %s", what, mpk_strerror(err));
}

static void print_flags(uint32_t flags)
{
	for (uint32_t bit = 1; bit; bit <<= 1) {
		const char *name = mpk_endpoint_flag_name(bit);
		char hex[16];

		if (!(flags & bit))
			continue;
		if (name) {
			char fmt[32];

			snprintf(fmt, sizeof(fmt), "%s ", name);
			print_bool(name, fmt, true);
		} else {
			snprintf(hex, sizeof(hex), "0x%x", bit);
			print_string("unknown_flag", "%s ", hex);
		}
	}
}

void pm_print_endpoint(const struct mpk_endpoint *ep)
{
	char addr[INET6_ADDRSTRLEN];
	char ifname[IF_NAMESIZE];

	print_open_object(NULL);
	if (ep->family != AF_UNSPEC)
		print_string("address", "%s ", in46_format(ep->family, &ep->addr, addr, sizeof(addr)));
	if (ep->port)
		print_uint("port", "port %" PRIu64 " ", ep->port);
	print_uint("id", "id %" PRIu64 " ", ep->id);
	print_flags(ep->flags);
	if (ep->ifindex) {
		if (if_indextoname((unsigned int)ep->ifindex, ifname))
			print_string("dev", "dev %s ", ifname);
		else
			print_int("dev", "dev %" PRId64 " ", ep->ifindex);
	}
	print_text("\n");
	print_close_object();
}
