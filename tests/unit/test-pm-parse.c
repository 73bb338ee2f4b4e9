// SPDX-License-Identifier: GPL-2.0-or-later
/* The mptcp_pm message decoders on crafted messages: good ones of every
 * kind, truncated ones, bad attribute lengths, unknown attributes, and the
 * messages captured from a real kernel (tests/fuzz/corpus). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "mptcpkit.h"
#include "nl.h"
#include "pm-parse.h"
#include "uapi/mptcp-pm-uapi.h"

static char buf[8192];

static struct nlmsghdr *msg_start(uint8_t cmd)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = 0x20;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = 1;
	return nlh;
}

static void put_addr4(struct nlmsghdr *nlh, uint16_t type, const char *addr, uint8_t id)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);
	struct in_addr a;

	inet_pton(AF_INET, addr, &a);
	mnl_attr_put_u16(nlh, MPK_MPTCP_PM_ADDR_ATTR_FAMILY, AF_INET);
	mnl_attr_put_u8(nlh, MPK_MPTCP_PM_ADDR_ATTR_ID, id);
	mnl_attr_put(nlh, MPK_MPTCP_PM_ADDR_ATTR_ADDR4, 4, &a);
	mnl_attr_put_u16(nlh, MPK_MPTCP_PM_ADDR_ATTR_PORT, 8080);
	mnl_attr_put_u32(nlh, MPK_MPTCP_PM_ADDR_ATTR_FLAGS, MPK_EP_SUBFLOW | MPK_EP_BACKUP);
	mnl_attr_put_u32(nlh, MPK_MPTCP_PM_ADDR_ATTR_IF_IDX, 7);
	mnl_attr_put_u32(nlh, 42, 0xdead); /* a future attribute */
	mnl_attr_nest_end(nlh, nest);
}

static void endpoint_v4(void **state)
{
	struct nlmsghdr *nlh = msg_start(MPK_MPTCP_PM_CMD_ADD_ADDR);
	struct mpk_endpoint ep;
	char s[INET_ADDRSTRLEN];

	put_addr4(nlh, MPK_MPTCP_PM_ATTR_ADDR, "10.1.2.3", 9);
	assert_int_equal(mpk_pm_parse_endpoint(nlh, &ep), 0);
	assert_int_equal(ep.family, AF_INET);
	assert_string_equal(inet_ntop(AF_INET, &ep.addr.v4, s, sizeof(s)), "10.1.2.3");
	assert_int_equal(ep.id, 9);
	assert_int_equal(ep.port, 8080);
	assert_int_equal(ep.flags, MPK_EP_SUBFLOW | MPK_EP_BACKUP);
	assert_int_equal(ep.ifindex, 7);
}

static void endpoint_v6(void **state)
{
	struct nlmsghdr *nlh = msg_start(MPK_MPTCP_PM_CMD_ADD_ADDR);
	struct nlattr *nest = mnl_attr_nest_start(nlh, MPK_MPTCP_PM_ATTR_ADDR);
	struct mpk_endpoint ep;
	struct in6_addr a;
	char s[INET6_ADDRSTRLEN];

	inet_pton(AF_INET6, "dead::1", &a);
	mnl_attr_put_u16(nlh, MPK_MPTCP_PM_ADDR_ATTR_FAMILY, AF_INET6);
	mnl_attr_put(nlh, MPK_MPTCP_PM_ADDR_ATTR_ADDR6, 16, &a);
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(mpk_pm_parse_endpoint(nlh, &ep), 0);
	assert_int_equal(ep.family, AF_INET6);
	assert_string_equal(inet_ntop(AF_INET6, &ep.addr.v6, s, sizeof(s)), "dead::1");
	assert_int_equal(ep.id, 0);
	assert_int_equal(ep.flags, 0);
}

static void endpoint_bad(void **state)
{
	struct nlmsghdr *nlh = msg_start(MPK_MPTCP_PM_CMD_ADD_ADDR);
	struct mpk_endpoint ep;
	struct nlattr *nest;

	/* no address attribute at all */
	mnl_attr_put_u32(nlh, MPK_MPTCP_PM_ATTR_TOKEN, 1);
	assert_int_equal(mpk_pm_parse_endpoint(nlh, &ep), -EPROTO);

	/* the id as u16: a bad length */
	nlh = msg_start(MPK_MPTCP_PM_CMD_ADD_ADDR);
	nest = mnl_attr_nest_start(nlh, MPK_MPTCP_PM_ATTR_ADDR);
	mnl_attr_put_u16(nlh, MPK_MPTCP_PM_ADDR_ATTR_ID, 3);
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(mpk_pm_parse_endpoint(nlh, &ep), -EBADMSG);

	/* IPv6 address of 15 bytes */
	nlh = msg_start(MPK_MPTCP_PM_CMD_ADD_ADDR);
	nest = mnl_attr_nest_start(nlh, MPK_MPTCP_PM_ATTR_ADDR);
	mnl_attr_put_u16(nlh, MPK_MPTCP_PM_ADDR_ATTR_FAMILY, AF_INET6);
	mnl_attr_put(nlh, MPK_MPTCP_PM_ADDR_ATTR_ADDR6, 15, "123456789012345");
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(mpk_pm_parse_endpoint(nlh, &ep), -EBADMSG);

	/* a family without its address */
	nlh = msg_start(MPK_MPTCP_PM_CMD_ADD_ADDR);
	nest = mnl_attr_nest_start(nlh, MPK_MPTCP_PM_ATTR_ADDR);
	mnl_attr_put_u16(nlh, MPK_MPTCP_PM_ADDR_ATTR_FAMILY, AF_INET);
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(mpk_pm_parse_endpoint(nlh, &ep), -EPROTO);
}

static void endpoint_truncated(void **state)
{
	struct nlmsghdr *nlh = msg_start(MPK_MPTCP_PM_CMD_ADD_ADDR);
	struct mpk_endpoint ep;
	uint32_t full;

	put_addr4(nlh, MPK_MPTCP_PM_ATTR_ADDR, "10.1.2.3", 9);
	full = nlh->nlmsg_len;
	/* cut inside the nested attribute, and inside the genl header */
	for (uint32_t len = MNL_NLMSG_HDRLEN; len < full; len++) {
		nlh->nlmsg_len = len;
		assert_true(mpk_pm_parse_endpoint(nlh, &ep) < 0);
	}
	nlh->nlmsg_len = full;
	assert_int_equal(mpk_pm_parse_endpoint(nlh, &ep), 0);
}

static void limits(void **state)
{
	struct nlmsghdr *nlh = msg_start(MPK_MPTCP_PM_CMD_GET_LIMITS);
	struct mpk_limits l;

	mnl_attr_put_u32(nlh, MPK_MPTCP_PM_ATTR_RCV_ADD_ADDRS, 4);
	mnl_attr_put_u32(nlh, MPK_MPTCP_PM_ATTR_SUBFLOWS, 3);
	mnl_attr_put_u32(nlh, 77, 1);
	assert_int_equal(mpk_pm_parse_limits(nlh, &l), 0);
	assert_int_equal(l.subflows, 3);
	assert_int_equal(l.add_addr_accepted, 4);

	nlh = msg_start(MPK_MPTCP_PM_CMD_GET_LIMITS);
	mnl_attr_put_u32(nlh, MPK_MPTCP_PM_ATTR_SUBFLOWS, 3);
	assert_int_equal(mpk_pm_parse_limits(nlh, &l), -EPROTO);

	nlh = msg_start(MPK_MPTCP_PM_CMD_GET_LIMITS);
	mnl_attr_put_u16(nlh, MPK_MPTCP_PM_ATTR_SUBFLOWS, 3);
	mnl_attr_put_u32(nlh, MPK_MPTCP_PM_ATTR_RCV_ADD_ADDRS, 4);
	assert_int_equal(mpk_pm_parse_limits(nlh, &l), -EBADMSG);
}

/* An event as the kernel builds it for a subflow (v4). */
static struct nlmsghdr *subflow_event(uint8_t type)
{
	struct nlmsghdr *nlh = msg_start(type);
	struct in_addr s, d;

	inet_pton(AF_INET, "10.0.1.1", &s);
	inet_pton(AF_INET, "10.0.1.2", &d);
	mnl_attr_put_u32(nlh, MPK_MPTCP_ATTR_TOKEN, 0xabcdef01);
	mnl_attr_put_u16(nlh, MPK_MPTCP_ATTR_FAMILY, AF_INET);
	mnl_attr_put_u8(nlh, MPK_MPTCP_ATTR_LOC_ID, 2);
	mnl_attr_put_u8(nlh, MPK_MPTCP_ATTR_REM_ID, 3);
	mnl_attr_put(nlh, MPK_MPTCP_ATTR_SADDR4, 4, &s);
	mnl_attr_put(nlh, MPK_MPTCP_ATTR_DADDR4, 4, &d);
	mnl_attr_put_u16(nlh, MPK_MPTCP_ATTR_SPORT, htons(40000));
	mnl_attr_put_u16(nlh, MPK_MPTCP_ATTR_DPORT, htons(5201));
	mnl_attr_put_u8(nlh, MPK_MPTCP_ATTR_BACKUP, 1);
	mnl_attr_put_u32(nlh, MPK_MPTCP_ATTR_IF_IDX, 4);
	return nlh;
}

static void event_each_type(void **state)
{
	static const int types[] = { 1, 2, 3, 6, 7, 10, 11, 13, 15, 16, 99 };
	struct mpk_pm_event ev;
	char s[INET_ADDRSTRLEN];

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		struct nlmsghdr *nlh = subflow_event((uint8_t)types[i]);

		assert_int_equal(mpk_pm_parse_event(nlh, &ev), 0);
		assert_int_equal(ev.type, types[i]);
		assert_int_equal(ev.token, 0xabcdef01);
		assert_int_equal(ev.sport, 40000);
		assert_int_equal(ev.dport, 5201);
		assert_int_equal(ev.loc_id, 2);
		assert_int_equal(ev.rem_id, 3);
		assert_true(ev.backup);
		assert_int_equal(ev.ifindex, 4);
		assert_string_equal(inet_ntop(AF_INET, &ev.daddr.v4, s, sizeof(s)), "10.0.1.2");
		assert_true(ev.present & MPK_PM_EV_SADDR);
		assert_false(ev.present & MPK_PM_EV_ERROR);
		if (types[i] != 99)
			assert_non_null(mpk_pm_event_name(types[i]));
	}
	assert_null(mpk_pm_event_name(99));
	assert_string_equal(mpk_pm_event_name(MPK_PM_EVENT_SUB_ESTABLISHED), "sub_established");
}

static void event_extras(void **state)
{
	struct nlmsghdr *nlh = subflow_event(MPK_PM_EVENT_SUB_CLOSED);
	struct mpk_pm_event ev;

	mnl_attr_put_u8(nlh, MPK_MPTCP_ATTR_ERROR, 111);
	mnl_attr_put_u16(nlh, MPK_MPTCP_ATTR_FLAGS, MPK_PM_EVFLAG_SERVER_SIDE);
	mnl_attr_put_u32(nlh, MPK_MPTCP_ATTR_TIMEOUT, 30);
	mnl_attr_put_u32(nlh, MPK_MPTCP_ATTR_RESET_REASON, 5);
	mnl_attr_put_u32(nlh, MPK_MPTCP_ATTR_RESET_FLAGS, 1);
	mnl_attr_put_u64(nlh, 200, 1); /* unknown: skipped */
	assert_int_equal(mpk_pm_parse_event(nlh, &ev), 0);
	assert_int_equal(ev.error, 111);
	assert_true(ev.server_side);
	assert_int_equal(ev.timeout, 30);
	assert_int_equal(ev.reset_reason, 5);
	assert_int_equal(ev.reset_flags, 1);
	assert_false(ev.present & MPK_PM_EV_SERVER_SIDE);

	nlh = msg_start(MPK_PM_EVENT_CREATED);
	mnl_attr_put_u8(nlh, MPK_MPTCP_ATTR_SERVER_SIDE, 1);
	assert_int_equal(mpk_pm_parse_event(nlh, &ev), 0);
	assert_true(ev.server_side);
}

static void event_announced_v6_no_family(void **state)
{
	struct nlmsghdr *nlh = msg_start(MPK_PM_EVENT_ANNOUNCED);
	struct mpk_pm_event ev;
	struct in6_addr a;

	inet_pton(AF_INET6, "2001:db8::7", &a);
	mnl_attr_put_u32(nlh, MPK_MPTCP_ATTR_TOKEN, 5);
	mnl_attr_put_u8(nlh, MPK_MPTCP_ATTR_REM_ID, 7);
	mnl_attr_put(nlh, MPK_MPTCP_ATTR_DADDR6, 16, &a);
	assert_int_equal(mpk_pm_parse_event(nlh, &ev), 0);
	assert_int_equal(ev.family, AF_INET6);
	assert_memory_equal(&ev.daddr.v6, &a, 16);
}

static void event_bad(void **state)
{
	struct nlmsghdr *nlh = msg_start(MPK_PM_EVENT_CREATED);
	struct mpk_pm_event ev;
	struct in_addr a = { 0 };
	uint32_t full;

	mnl_attr_put_u16(nlh, MPK_MPTCP_ATTR_TOKEN, 1); /* u16 for a u32 */
	assert_int_equal(mpk_pm_parse_event(nlh, &ev), -EBADMSG);

	nlh = msg_start(MPK_PM_EVENT_CREATED); /* an IPv4 address, family IPv6 */
	mnl_attr_put_u16(nlh, MPK_MPTCP_ATTR_FAMILY, AF_INET6);
	mnl_attr_put(nlh, MPK_MPTCP_ATTR_SADDR4, 4, &a);
	assert_int_equal(mpk_pm_parse_event(nlh, &ev), -EPROTO);

	nlh = subflow_event(MPK_PM_EVENT_SUB_ESTABLISHED);
	full = nlh->nlmsg_len;
	for (uint32_t len = MNL_NLMSG_HDRLEN + GENL_HDRLEN + 1; len < full; len++) {
		nlh->nlmsg_len = len;
		/* an attribute cut short is refused; a cut between attributes
		 * leaves a shorter but valid message */
		int ret = mpk_pm_parse_event(nlh, &ev);

		assert_true(ret == 0 || ret == -EBADMSG);
	}
	/* inside the token (the first attribute), and inside an IPv4 address */
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + GENL_HDRLEN + 6;
	assert_int_equal(mpk_pm_parse_event(nlh, &ev), -EBADMSG);
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + GENL_HDRLEN + 8 + 8 + 8 + 8 + 6;
	assert_int_equal(mpk_pm_parse_event(nlh, &ev), -EBADMSG);
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 1;
	assert_int_equal(mpk_pm_parse_event(nlh, &ev), -EBADMSG);
}

static void buffer_of_messages(void **state)
{
	struct nlmsghdr *nlh = subflow_event(MPK_PM_EVENT_CREATED);
	size_t one = nlh->nlmsg_len;
	char two[2048];

	memcpy(two, buf, one);
	memcpy(two + one, buf, one);
	assert_int_equal(mpk_pm_parse_buffer(two, 2 * one, 'v'), 2);
	assert_int_equal(mpk_pm_parse_buffer(two, 2 * one - 3, 'v'), -EBADMSG);
	assert_int_equal(mpk_pm_parse_buffer(two, 0, 'v'), 0);
	/* a length above INT_MAX: libmnl's mnl_nlmsg_ok() alone accepts it */
	((struct nlmsghdr *)(two + one))->nlmsg_len = 0x9a9a9a9a;
	assert_int_equal(mpk_pm_parse_buffer(two, 2 * one, 'v'), -EBADMSG);
	assert_int_equal(mpk_nl_messages_complete(two, 2 * one), -EBADMSG);
}

static void error_messages(void **state)
{
	struct nlmsghdr *nlh;
	struct nlmsgerr *err;
	char msg[64];

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_CAPPED | NLM_F_ACK_TLVS;
	err = mnl_nlmsg_put_extra_header(nlh, sizeof(*err));
	err->error = -EPERM;
	err->msg.nlmsg_len = 36;
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "needs more power");
	assert_int_equal(mpk_nl_parse_error(nlh, msg, sizeof(msg)), -EPERM);
	assert_string_equal(msg, "needs more power");

	err->error = 0;
	assert_int_equal(mpk_nl_parse_error(nlh, msg, sizeof(msg)), 0);
	err->error = 5; /* positive: nonsense */
	assert_int_equal(mpk_nl_parse_error(nlh, msg, sizeof(msg)), -EBADMSG);
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 4;
	assert_int_equal(mpk_nl_parse_error(nlh, msg, sizeof(msg)), -EBADMSG);
}

static void family_reply(void **state)
{
	struct nlmsghdr *nlh = msg_start(CTRL_CMD_NEWFAMILY);
	struct nlattr *groups, *grp;
	uint32_t gid;
	uint16_t id;

	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "mptcp_pm");
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x1d);
	groups = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
	grp = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, "mptcp_pm_cmds");
	mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 11);
	mnl_attr_nest_end(nlh, grp);
	grp = mnl_attr_nest_start(nlh, 2);
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, "mptcp_pm_events");
	mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 12);
	mnl_attr_nest_end(nlh, grp);
	mnl_attr_nest_end(nlh, groups);
	assert_int_equal(mpk_nl_parse_family(nlh, "mptcp_pm_events", &id, &gid), 0);
	assert_int_equal(id, 0x1d);
	assert_int_equal(gid, 12);
	nlh->nlmsg_len -= 2;
	assert_int_equal(mpk_nl_parse_family(nlh, "mptcp_pm_events", &id, &gid), -EBADMSG);
}

static void flag_names(void **state)
{
	char s[64];
	uint32_t bit;

	assert_int_equal(mpk_endpoint_flags_format(MPK_EP_SIGNAL | MPK_EP_BACKUP | 0x40, " ",
						   s, sizeof(s)), (int)strlen("signal backup 0x40"));
	assert_string_equal(s, "signal backup 0x40");
	mpk_endpoint_flags_format(0, ",", s, sizeof(s));
	assert_string_equal(s, "");
	mpk_endpoint_flags_format(MPK_EP_SUBFLOW | MPK_EP_FULLMESH | MPK_EP_LAMINAR, ",", s, 10);
	assert_string_equal(s, "subflow,f");
	assert_int_equal(mpk_endpoint_flag_from_name("laminar", &bit), 0);
	assert_int_equal(bit, MPK_EP_LAMINAR);
	assert_int_equal(mpk_endpoint_flag_from_name("bogus", &bit), -EINVAL);
	assert_string_equal(mpk_endpoint_flag_name(MPK_EP_IMPLICIT), "implicit");
	assert_null(mpk_endpoint_flag_name(0x80));
}

/* Every datagram captured from the kernel decodes, with at least one message. */
static int parse_file(const char *path)
{
	static char data[65536];
	static uint32_t aligned[65536 / 4]; /* as a socket buffer is */
	FILE *f = fopen(path, "rb");
	size_t n;

	assert_non_null(f);
	n = fread(data, 1, sizeof(data), f);
	fclose(f);
	assert_true(n > 1);
	memcpy(aligned, data + 1, n - 1);
	return mpk_pm_parse_buffer(aligned, n - 1, data[0]);
}

static void captured_corpus(void **state)
{
	const char *dirs[] = { "", "/client", "/server" };
	const char *root = getenv("PM_CORPUS") ? getenv("PM_CORPUS") : PM_CORPUS_DIR;
	int files = 0;

	for (size_t i = 0; i < 3; i++) {
		char dir[4096];
		struct dirent *de;
		DIR *d;

		snprintf(dir, sizeof(dir), "%s%s", root, dirs[i]);
		if (!(d = opendir(dir)))
			continue;
		while ((de = readdir(d))) {
			char path[8192];

			if (!strstr(de->d_name, ".bin") ||
			    (strstr(de->d_name, "-01.bin") && strstr(de->d_name, "endpoints")))
				continue; /* the dump's NLMSG_DONE alone holds no endpoint */
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			assert_true(parse_file(path) >= 1);
			files++;
		}
		closedir(d);
	}
	assert_true(files >= 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(endpoint_v4),
		cmocka_unit_test(endpoint_v6),
		cmocka_unit_test(endpoint_bad),
		cmocka_unit_test(endpoint_truncated),
		cmocka_unit_test(limits),
		cmocka_unit_test(event_each_type),
		cmocka_unit_test(event_extras),
		cmocka_unit_test(event_announced_v6_no_family),
		cmocka_unit_test(event_bad),
		cmocka_unit_test(buffer_of_messages),
		cmocka_unit_test(error_messages),
		cmocka_unit_test(family_reply),
		cmocka_unit_test(flag_names),
		cmocka_unit_test(captured_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
