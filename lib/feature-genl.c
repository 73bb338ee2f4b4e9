// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Feature probes over netlink: what the kernel's generic netlink controller
 * lists for the mptcp_pm family (its commands and multicast groups), and
 * whether sock_diag has a handler for IPPROTO_MPTCP (mptcp_diag).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <libmnl/libmnl.h>

#include "internal.h"
#include "feature.h"
#include "nl.h"

struct family_facts {
	bool found;
	bool events;           /* the mptcp_pm_events group is listed */
	uint64_t cmds;         /* bit n: command n is listed (n < 64) */
};

static int op_cb(const struct nlattr *op, struct family_facts *ff)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, op) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_OP_ID &&
		    mnl_attr_validate(a, MNL_TYPE_U32) == 0 && mnl_attr_get_u32(a) < 64)
			ff->cmds |= 1ull << mnl_attr_get_u32(a);
	}
	return 0;
}

static void group_cb(const struct nlattr *grp, struct family_facts *ff)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, grp) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0 &&
		    !strcmp(mnl_attr_get_str(a), "mptcp_pm_events"))
			ff->events = true;
	}
}

static int family_attr_cb(const struct nlattr *attr, void *data)
{
	struct family_facts *ff = data;
	const struct nlattr *n;
	int type = mnl_attr_get_type(attr);

	if (type == CTRL_ATTR_FAMILY_ID)
		ff->found = true;
	if ((type == CTRL_ATTR_OPS || type == CTRL_ATTR_MCAST_GROUPS) &&
	    mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0)
		return MNL_CB_ERROR;
	if (type == CTRL_ATTR_OPS)
		mnl_attr_for_each_nested(n, attr)
			op_cb(n, ff);
	if (type == CTRL_ATTR_MCAST_GROUPS)
		mnl_attr_for_each_nested(n, attr)
			group_cb(n, ff);
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	size_t hdr = MNL_NLMSG_HDRLEN + GENL_HDRLEN;

	if (nlh->nlmsg_len < hdr ||
	    mpk_nl_attrs_complete((const char *)nlh + hdr, nlh->nlmsg_len - hdr) < 0)
		return -EBADMSG;
	if (mnl_attr_parse(nlh, GENL_HDRLEN, family_attr_cb, data) != MNL_CB_OK)
		return -EBADMSG;
	return 0;
}

/* Ask the controller (itself the family "nlctrl") about mptcp_pm. */
static int family_facts(struct family_facts *ff)
{
	struct mpk_nl nl;
	struct nlmsghdr *nlh;
	int ret = mpk_nl_open(&nl, SOCK_CLOEXEC, "nlctrl", NULL);

	if (ret < 0)
		return ret;
	nlh = mpk_nl_request(&nl, CTRL_CMD_GETFAMILY, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "mptcp_pm");
	ret = mpk_nl_talk(&nl, nlh, family_cb, ff);
	mpk_nl_close(&nl);
	if (ret == -ENOENT)
		return 0; /* no such family: ff->found stays false */
	return ret;
}

int mpk_probe_genl(enum mpk_probe_kind kind, int cmd)
{
	struct family_facts ff = { 0 };
	int ret = family_facts(&ff);

	if (ret < 0)
		return ret;
	if (!ff.found)
		return 0;
	if (kind == MPK_PROBE_GENL_GROUP)
		return ff.events;
	if (kind == MPK_PROBE_GENL_CMD)
		return cmd >= 0 && cmd < 64 && (ff.cmds >> cmd) & 1;
	return 1;
}

/* The end of a dump: NLMSG_ERROR, or NLMSG_DONE with the dump's error in
 * its payload (libmnl ignores that one); 1 while the dump goes on. */
static int diag_end(const void *buf, size_t len)
{
	const struct nlmsghdr *nlh = buf;
	int n = (int)len;

	for (; mpk_nl_msg_ok(nlh, n); nlh = mnl_nlmsg_next(nlh, &n)) {
		const int *err = mnl_nlmsg_get_payload(nlh);

		if (nlh->nlmsg_type != NLMSG_ERROR && nlh->nlmsg_type != NLMSG_DONE)
			continue;
		if (mnl_nlmsg_get_payload_len(nlh) < sizeof(int))
			return nlh->nlmsg_type == NLMSG_DONE ? 0 : -EBADMSG;
		return *err > 0 ? -*err : *err;
	}
	return 1;
}

/* One dump request of IPPROTO_MPTCP sockets in no state at all: the kernel
 * looks up its handler (-ENOENT without mptcp_diag), then finds no socket
 * to report. */
static int diag_ask(struct mnl_socket *nl, char *buf, size_t size)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct inet_diag_req_v2 *req;
	ssize_t n;
	int ret;

	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = 1;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	req->sdiag_family = AF_INET;
	req->sdiag_protocol = IPPROTO_TCP; /* 262 does not fit: the attribute says it */
	req->idiag_states = 0;
	mnl_attr_put_u32(nlh, INET_DIAG_REQ_PROTOCOL, IPPROTO_MPTCP);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(nl, buf, size);
		if (n < 0)
			return -errno;
		if (mpk_nl_messages_complete(buf, (size_t)n) < 0)
			return -EBADMSG;
		ret = diag_end(buf, (size_t)n);
	} while (ret == 1);
	return ret;
}

int mpk_probe_diag(void)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_SOCK_DIAG, SOCK_CLOEXEC);
	char *buf = malloc(MPK_NL_BUFSIZE);
	int ret = -ENOMEM;

	if (nl && buf && mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) == 0)
		ret = diag_ask(nl, buf, MPK_NL_BUFSIZE);
	else if (!nl || buf)
		ret = -errno;
	if (nl)
		mnl_socket_close(nl);
	free(buf);
	if (ret == -ENOENT)
		return 0;
	return ret < 0 ? ret : 1;
}
